import type { BaseMessage } from '@langchain/core/messages';
import type { LlamaHistoryItem } from './node-llama-cpp.js';

/** The text of a message's content (string, or the `text` parts of a multi-part content). */
export function textOf(message: BaseMessage): string {
  const content = message.content as unknown;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (typeof part === 'string' ? part : (part as { type?: string; text?: unknown }).type === 'text' ? String((part as { text?: unknown }).text ?? '') : ''))
    .join('');
}

/**
 * Converts LangChain messages into a node-llama-cpp chat history ending with an empty model turn (the one to
 * generate). System messages become system items; AI messages model items; human, tool and any other messages user
 * items (a tool result is prefixed with the tool's name so the model sees where it came from). Consecutive messages of
 * the same kind are merged, as chat templates expect alternating turns.
 */
export function toLlamaHistory(messages: readonly BaseMessage[]): LlamaHistoryItem[] {
  const history: LlamaHistoryItem[] = [];
  for (const message of messages) {
    const type = message.getType();
    let text = textOf(message);
    if (type === 'tool') text = `Result of tool ${(message as { name?: string }).name ?? ''}:\n${text}`.trim();
    const last = history[history.length - 1];
    if (type === 'system') {
      if (last?.type === 'system') last.text += `\n\n${text}`;
      else history.push({ type: 'system', text });
    } else if (type === 'ai') {
      if (last?.type === 'model') last.response.push(text);
      else history.push({ type: 'model', response: [text] });
    } else if (last?.type === 'user') {
      last.text += `\n\n${text}`;
    } else {
      history.push({ type: 'user', text });
    }
  }
  // A trailing AI message is a prefix to continue; otherwise the model answers in a new, empty turn.
  if (history[history.length - 1]?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}
