import { createHash } from 'node:crypto';
import { ParleyError, type TicketRecord } from '../../bot/core/index.js';

/** Who spoke a turn; `other` (system notes, tool output) is ignored when pairing. */
export type TurnRole = 'customer' | 'agent' | 'other';

/** One normalized turn of a conversation. */
export interface Turn {
  role: TurnRole;
  text: string;
}

/** A question/answer pair from a thread; `turn` is the index (in the turns given) of the question's first turn. */
export interface ConversationPair {
  question: string;
  answer: string;
  turn: number;
}

/** Options of {@link parseConversations}. */
export interface ConversationOptions {
  /** Source name stored with each ticket; `ingest --sync` replaces tickets by source. */
  source: string;
  /** Name used in error messages (the file name); defaults to `source`. */
  origin?: string;
}

const CUSTOMER_ROLES = new Set(['customer', 'user', 'human', 'client', 'visitor', 'end-user', 'end_user', 'enduser', 'requester', 'shopper', 'buyer', 'guest', 'contact', 'caller', 'consumer', 'member']);
const AGENT_ROLES = new Set(['agent', 'assistant', 'bot', 'ai', 'gpt', 'model', 'support', 'staff', 'operator', 'admin', 'representative', 'rep', 'advisor', 'csr', 'specialist', 'employee', 'human_agent']);
const OTHER_ROLES = new Set(['system', 'note', 'tool', 'function', 'internal', 'event']);

/** Maps a role/speaker label (`user`, `assistant`, `Agent`, ShareGPT's `human`/`gpt`…) to a {@link TurnRole}. */
export function roleOf(label: string): TurnRole | undefined {
  const key = label.trim().toLowerCase();
  if (CUSTOMER_ROLES.has(key)) return 'customer';
  if (AGENT_ROLES.has(key)) return 'agent';
  if (OTHER_ROLES.has(key)) return 'other';
  return undefined;
}

const PLEASANTRY = new RegExp(`^(${[
  "(hi|hello|hey|hiya|good (morning|afternoon|evening)|greetings|dear)( there| again| team)?( [\\p{L}'.-]+){0,2}",
  "(thanks|thank you|many thanks)( (so|very) much)?( for [^,.!?]*)?",
  "((i'?m|i am|we'?re|we are) )?(so |really |very |terribly )?sorry( to hear [^,.!?]*| about [^,.!?]*| for [^,.!?]*)?",
  '(we|i) (sincerely |truly )?apologi[sz]e[^,.!?]*', 'apologies[^,.!?]*',
  "(oh no|no worries|no problem|sure( thing)?|of course|absolutely|certainly|ok(ay)?|got it|understood|great|welcome( to [^,.!?]*)?)",
  "(i|we) (totally |completely )?understand[^,.!?]*", "that'?s (not good|frustrating|annoying|not ideal)",
  "((i|we)('?d| would|'?m| am|'?re| are| can| will|'?ll)( be)? )?((so |more than |very )?(happy|glad|here) to )?help( (you|with)[^,.!?]*)?",
  "my name is [^,.!?]*", "(this is|it'?s) \\p{L}+( here)?( from [^,.!?]*)?",
].join('|')})[\\s!.…]*$`, 'iu');

const REQUEST = new RegExp(`^(${[
  '(so |and )?(can|could|would|will) you( please| kindly)? (send|share|dm|pm|provide|tell|confirm|give|let|describe|explain|message|email|follow|include|attach|clarify|elaborate|reply|verify|forward|upload|post|add)\\b',
  '(please|kindly|pls)( do)? (send|share|dm|pm|provide|tell|confirm|give|let|describe|explain|message|email|follow|include|attach|clarify|reply|verify|forward|upload|reach out|contact)\\b',
  '(may|can|could) (i|we) (have|get|ask|grab|see)\\b', '(dm|pm|message|email) us\\b', '(send|share|provide|tell|give) (us|me)\\b',
  "(i|we)('d| would)? (need|like) (to (know|see|get|have|confirm|check)|your|the|a|some|more)\\b",
  "(let me|let us|i'?ll|i will|we'?ll|we will|i'?m going to|allow me to) (check|look|take a look|investigate|find out|see|dig|verify|get back|pull up)\\b",
  '(one|just a) (moment|sec|second|minute)\\b', '(please )?(hold on|bear with|hang tight|stand by)\\b', 'tell me more\\b',
].join('|')})`, 'iu');

/** Questions that are really advice ("Have you tried…?") count as content, not as a request for details. */
const ADVICE_QUESTION = /\b(have you tried|did you try|try|make sure)\b/i;

/**
 * True when an agent message only greets, apologises, defers ("let me check") or asks for details ("Can you DM us your
 * order number?") — it answers nothing, so the exchange is merged with the next one. Long messages never count.
 */
export function isHoldingReply(text: string): boolean {
  const normalized = text.replace(/[’‘]/g, "'").trim();
  if (!normalized || normalized.length > 400) return normalized.length === 0;
  for (const sentence of normalized.split(/(?<=[.!?…])\s+|\n+/)) {
    const trimmed = sentence.trim();
    if (!trimmed) continue;
    if (/\?[\s)"'\p{Extended_Pictographic}]*$/u.test(trimmed)) {
      if (ADVICE_QUESTION.test(trimmed)) return false;
      continue;
    }
    for (const clause of trimmed.split(/\s*[,;:–—]\s*|\s+-\s+/)) {
      const bare = clause.replace(/[\s!.…\p{Extended_Pictographic}]+$/u, '').trim();
      if (bare && !PLEASANTRY.test(bare) && !REQUEST.test(bare)) return false;
    }
  }
  return true;
}

/**
 * Turns a thread into question/answer pairs: consecutive customer turns form a question, the following consecutive
 * agent turns its answer. Agent turns before the first customer turn are dropped; an answer that is a holding reply
 * ({@link isHoldingReply}) is dropped and the question continues with the next customer turns; a question without a
 * real answer at the end of the thread yields no pair. `other` turns are ignored.
 */
export function threadToPairs(turns: readonly Turn[]): ConversationPair[] {
  const pairs: ConversationPair[] = [];
  let question: { texts: string[]; start: number } | undefined;
  let answer: string[] = [];
  const flush = () => {
    const text = answer.join('\n');
    answer = [];
    if (!question || !text || isHoldingReply(text)) return;
    pairs.push({ question: question.texts.join('\n'), answer: text, turn: question.start });
    question = undefined;
  };
  turns.forEach((turn, index) => {
    const text = turn.text.trim();
    if (!text || turn.role === 'other') return;
    if (turn.role === 'agent') {
      if (question) answer.push(text);
      return;
    }
    if (answer.length) flush();
    if (question) question.texts.push(text);
    else question = { texts: [text], start: index };
  });
  flush();
  return pairs;
}

const fail = (where: string, message: string): never => {
  throw new ParleyError('ingest_invalid', `${where}: ${message}`);
};
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Text of a turn: a string, or OpenAI-style content parts `[{ "type": "text", "text": "…" }]`. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  const parts = value.map((part) => (typeof part === 'string' ? part : isObject(part) && typeof part.text === 'string' ? part.text : undefined));
  return parts.every((part) => part !== undefined) ? parts.join('\n') : undefined;
}

function readTurns(record: Record<string, unknown>, where: string): { turns: Turn[]; field: string } {
  const field = ['turns', 'messages'].find((key) => Array.isArray(record[key]));
  if (!field) return fail(where, 'missing field "turns" (or "messages"): expected an array of turns');
  const turns = (record[field] as unknown[]).map((raw, i) => {
    const at = `${where} ${field}[${i}]`;
    if (!isObject(raw)) return fail(at, 'expected a turn object');
    const label = [raw.role, raw.speaker, raw.from, raw.author, raw.sender].find((value) => typeof value === 'string') as string | undefined;
    if (label === undefined) return fail(at, 'missing field "role" (or "speaker", "from")');
    const role = roleOf(label) ?? fail(at, `unknown role "${label}" (expected customer/user or agent/assistant)`);
    const textField = ['text', 'content', 'body', 'message', 'value'].find((key) => raw[key] !== undefined && raw[key] !== null);
    const text = textField === undefined ? undefined : textOf(raw[textField]);
    if (text === undefined) return fail(at, textField ? `field "${textField}" must be a string` : 'missing field "text" (or "content", "body")');
    return { role, text };
  });
  return { turns, field };
}

function readRecords(content: string, origin: string): { record: unknown; where: string }[] {
  const text = content.replace(/^\uFEFF/, '').trim();
  if (!text) return [];
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    if (text.startsWith('[')) throw new ParleyError('ingest_invalid', `${origin}: not valid JSON (${(error as Error).message})`, { cause: error });
    return text.split(/\r?\n/).flatMap((line, i) => {
      if (!line.trim()) return [];
      try {
        return [{ record: JSON.parse(line) as unknown, where: `${origin} line ${i + 1}` }];
      } catch (lineError) {
        throw new ParleyError('ingest_invalid', `${origin} line ${i + 1}: not valid JSON (${(lineError as Error).message})`, { cause: lineError });
      }
    });
  }
  const list = isObject(whole) && Array.isArray(whole.conversations) && !Array.isArray(whole.turns) && !Array.isArray(whole.messages) ? whole.conversations : whole;
  if (Array.isArray(list)) return list.map((record, i) => ({ record, where: `${origin} conversation ${i + 1}` }));
  return [{ record: whole, where: `${origin} line 1` }];
}

/**
 * Parses multi-turn conversations (a JSON array, `{ "conversations": [...] }`, or JSONL) into question/answer tickets
 * with {@link threadToPairs}. Each conversation is `{ id, turns|messages: [{ role|speaker|from, text|content|body }], ...metadata }`;
 * ticket ids are `<conversation id>#<n>` (n from 1; a content hash `c_…` stands in for a missing id), metadata keeps the
 * conversation's other fields plus `conversation_id` and `turn` (index of the question's first turn).
 * @throws ParleyError `ingest_invalid` naming the conversation, the turn and the field.
 */
export function parseConversations(content: string, options: ConversationOptions): TicketRecord[] {
  const origin = options.origin ?? options.source;
  const tickets: TicketRecord[] = [];
  for (const { record, where } of readRecords(content, origin)) {
    if (!isObject(record)) fail(where, 'expected a conversation object with "turns" or "messages"');
    const fields = record as Record<string, unknown>;
    const { turns, field } = readTurns(fields, where);
    const rawId = ['id', 'conversation_id', 'conversationId'].find((key) => typeof fields[key] === 'string' || typeof fields[key] === 'number');
    const idKey = rawId === undefined ? undefined : String(fields[rawId]).trim();
    const conversationId = idKey || `c_${createHash('sha256').update(JSON.stringify(turns)).digest('hex').slice(0, 16)}`;
    const metadata = Object.fromEntries(Object.entries(fields).filter(([key]) => key !== field && key !== rawId));
    threadToPairs(turns).forEach((pair, n) => {
      tickets.push({
        id: `${conversationId}#${n + 1}`,
        question: pair.question,
        answer: pair.answer,
        source: options.source,
        metadata: { ...metadata, conversation_id: conversationId, turn: pair.turn },
      });
    });
  }
  return tickets;
}
