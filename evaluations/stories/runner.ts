import { newId, type Activity, type Bot, type ConversationScore, type Store, type TicketRecord } from '../../bot/core/index.js';
import type { BotExpectation, Story } from './story.js';

/** What stories run against: a bot and its store (an isolated Parley), and a way to score the finished conversation. */
export interface StoryTarget {
  bot: Bot;
  store: Store;
  ticket(id: string): TicketRecord | undefined;
  /** Scores the conversation of a finished story (optional). */
  score?(conversationId: string): Promise<ConversationScore>;
}

/** A failed check of a story. */
export interface StoryFailure {
  /** 1-based step number. */
  step: number;
  expected: string;
  got: string;
}

/** The outcome of one story. */
export interface StoryResult {
  name: string;
  file: string;
  passed: boolean;
  failures: StoryFailure[];
  /** The conversation as it went: `customer: …` and `bot [action; sources]: …` lines. */
  transcript: string[];
  ms: number;
  conversationId: string;
  /** The scorers' verdict on the story's conversation, when the target scores. */
  score?: Pick<ConversationScore, 'score' | 'flags' | 'metrics'>;
}

function describeReply(reply: Activity): string {
  const sources = reply.sources?.length ? `; cites ${reply.sources.map((s) => s.id).join(', ')}` : '';
  const handoff = reply.handoff ? ` ${reply.handoff.reason}` : '';
  const quick = reply.quickReplies?.length ? `; quick replies ${reply.quickReplies.join(' | ')}` : '';
  return `bot [${reply.action ?? 'answer'}${handoff}${sources}${quick}]: ${reply.text}`;
}

const short = (text: string, n = 160) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** The checks of `expected` that `reply` fails, as expected/got pairs. */
async function check(expected: BotExpectation, reply: Activity | undefined, target: StoryTarget, conversationId: string): Promise<{ expected: string; got: string }[]> {
  if (!reply) return [{ expected: 'a reply', got: 'no more replies' }];
  const problems: { expected: string; got: string }[] = [];
  const text = reply.text.toLowerCase();
  const action = reply.action ?? 'answer';
  for (const part of expected.contains ?? []) if (!text.includes(part.toLowerCase())) problems.push({ expected: `reply containing "${part}"`, got: short(reply.text) });
  for (const part of expected.notContains ?? []) if (text.includes(part.toLowerCase())) problems.push({ expected: `reply without "${part}"`, got: short(reply.text) });
  if (expected.matches && !new RegExp(expected.matches, 'i').test(reply.text)) problems.push({ expected: `reply matching /${expected.matches}/i`, got: short(reply.text) });
  if (expected.action && action !== expected.action) problems.push({ expected: `action ${expected.action}`, got: `action ${action}` });
  if (expected.handoff !== undefined) {
    if (action !== 'handoff') problems.push({ expected: `hand off${expected.handoff === true ? '' : ` (${expected.handoff})`}`, got: `action ${action}` });
    else if (expected.handoff !== true && reply.handoff?.reason !== expected.handoff) problems.push({ expected: `handoff reason ${expected.handoff}`, got: `handoff reason ${reply.handoff?.reason ?? 'none'}` });
  }
  if (expected.cites) {
    const sources = reply.sources ?? [];
    const category = (id: string, metadata: Record<string, unknown>) => String(metadata.category ?? target.ticket(id)?.metadata.category ?? '');
    const ok = sources.some((s) => (!expected.cites?.id || s.id === expected.cites.id) && (!expected.cites?.category || category(s.id, s.metadata) === expected.cites.category));
    if (!ok) {
      const want = [expected.cites.id && `ticket ${expected.cites.id}`, expected.cites.category && `a ticket of category ${expected.cites.category}`].filter(Boolean).join(' and ');
      problems.push({ expected: `cites ${want}`, got: sources.length ? `cites ${sources.map((s) => `${s.id} (${category(s.id, s.metadata) || 'no category'})`).join(', ')}` : 'no sources' });
    }
  }
  for (const choice of expected.quickReplies ?? []) {
    if (!reply.quickReplies?.includes(choice)) problems.push({ expected: `quick reply "${choice}"`, got: reply.quickReplies?.length ? reply.quickReplies.join(' | ') : 'no quick replies' });
  }
  if (expected.minConfidence !== undefined && !((reply.confidence ?? -1) >= expected.minConfidence)) {
    problems.push({ expected: `confidence ≥ ${expected.minConfidence}`, got: reply.confidence === undefined ? 'no confidence' : `confidence ${reply.confidence}` });
  }
  if (expected.dialog) {
    const state = (await target.store.getDialogState(conversationId)) as { stack?: { dialogId: string }[] } | undefined;
    const active = state?.stack?.at(-1)?.dialogId;
    if (active !== expected.dialog) problems.push({ expected: `dialog ${expected.dialog} active`, got: active ? `dialog ${active} active` : 'no active dialog' });
  }
  return problems;
}

/** Runs one story in a new conversation: customer steps go through the bot; each bot step checks the next reply. */
export async function runStory(story: Story, target: StoryTarget): Promise<StoryResult> {
  const started = Date.now();
  const userId = `story-${newId('u')}`;
  const conversation = await target.store.createConversation({ userId, channel: story.channel });
  const transcript: string[] = [];
  const failures: StoryFailure[] = [];
  let pending: Activity[] = [];
  for (const [index, step] of story.steps.entries()) {
    if ('customer' in step) {
      const id = newId('act');
      const activity: Activity = {
        id,
        type: 'message',
        channel: story.channel,
        channelMessageId: id,
        conversationId: conversation.id,
        from: { id: userId, role: 'customer' },
        text: step.customer,
        timestamp: new Date().toISOString(),
      };
      transcript.push(`customer: ${step.customer}`);
      const { replies } = await target.bot.processActivity(activity, { send: async () => undefined });
      transcript.push(...replies.map(describeReply));
      pending = [...replies];
      continue;
    }
    const reply = pending.shift();
    for (const problem of await check(step.bot, reply, target, conversation.id)) failures.push({ step: index + 1, ...problem });
  }
  const result: StoryResult = { name: story.name, file: story.file, passed: failures.length === 0, failures, transcript, ms: Date.now() - started, conversationId: conversation.id };
  if (target.score) {
    const { score, flags, metrics } = await target.score(conversation.id);
    result.score = { score, flags, metrics };
  }
  return result;
}

/** Runs stories one after another (each in its own conversation). */
export async function runStories(stories: readonly Story[], target: StoryTarget): Promise<StoryResult[]> {
  const results: StoryResult[] = [];
  for (const story of stories) results.push(await runStory(story, target));
  return results;
}

/** A readable account of a failed story: each expected-vs-got, then the transcript. */
export function formatFailure(result: StoryResult): string {
  const lines = [`✗ ${result.name} (${result.file})`];
  for (const f of result.failures) lines.push(`    step ${f.step}: expected ${f.expected}`, `            got      ${f.got}`);
  lines.push('    transcript:', ...result.transcript.map((l) => `      ${short(l, 240)}`));
  return lines.join('\n');
}

/** Totals of a run. */
export function summarize(results: readonly StoryResult[]): { stories: number; passed: number; failed: number } {
  const passed = results.filter((r) => r.passed).length;
  return { stories: results.length, passed, failed: results.length - passed };
}
