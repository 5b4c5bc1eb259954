import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { z } from 'zod';
import type { ConversationScore } from '../../bot/core/index.js';
import { evidenceOf } from './answers.js';
import { flagsFor, overallScore, type OfflineScores } from './score.js';
import { repeatedQuestions } from './handoff.js';
import { mean, round } from './text.js';
import { DEFAULT_SCORER_OPTIONS, type ScorerInput, type ScorerOptions } from './types.js';

/** The instructions the judge model gets (stored with every verdict). */
export const JUDGE_INSTRUCTIONS = `You review a customer-support conversation between a customer and a support bot.
For each numbered bot ANSWER, judge:
- grounded: 0 to 1, how much of the answer is supported by its SOURCES (0 when it states facts the sources do not contain).
- relevant: 0 to 1, how well the answer addresses the customer's question (near 0 when it is about another country, product,
  platform, payment method or order state than the one asked about, or when its sources answer a different question).
Then judge whether the hand-off to a person (or its absence) was appropriate.
Reply with JSON only: {"answers":[{"id":"<answer id>","grounded":0.0,"relevant":0.0,"reason":"<short>"}],"handoffAppropriate":true,"summary":"<one sentence>"}`;

const Verdict = z.object({
  answers: z.array(z.object({ id: z.string(), grounded: z.number().min(0).max(1), relevant: z.number().min(0).max(1), reason: z.string().optional() })),
  handoffAppropriate: z.boolean(),
  summary: z.string().optional(),
});

/** What the judge model said, as parsed. */
export type JudgeVerdict = z.infer<typeof Verdict>;

/** The prompt for one conversation: the transcript with each answer's id and the text of the sources it cited. */
export function judgePrompt(input: ScorerInput, offline: OfflineScores): string {
  const answerIds = new Set(offline.answers.map((a) => a.id));
  const lines = input.messages.map((m) => {
    const head = `[${m.role}${answerIds.has(m.id) ? ` ANSWER id=${m.id}` : ''}${m.activity.action === 'handoff' ? ` HANDOFF reason=${m.activity.handoff?.reason ?? ''}` : ''}]`;
    const sources = answerIds.has(m.id) && m.activity.sources?.length ? `\n  SOURCES:\n  ${evidenceOf(m.activity.sources, input).replace(/\n/g, '\n  ')}` : '';
    return `${head} ${m.text}${sources}`;
  });
  return `Conversation ${input.conversation.id} on ${input.conversation.channel}:\n${lines.join('\n')}`;
}

/** The first JSON object in a model's reply (models like to wrap JSON in prose or code fences). */
function parseVerdict(text: string): JudgeVerdict {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the reply');
  return Verdict.parse(JSON.parse(text.slice(start, end + 1)));
}

/**
 * LLM-as-judge: asks `model` to grade each answer's groundedness and relevance and the handoff, on top of the offline
 * scores. The judge's figures replace the offline groundedness, relevance and handoff verdicts; the prompt, the raw
 * reply and the parsed verdict are kept in `details.judge`. When the model fails or replies with something that is not
 * a verdict, the offline scores stand and `details.judge.error` says why.
 */
export async function judgeConversation(
  model: BaseChatModel,
  input: ScorerInput,
  offline: OfflineScores,
  options: Partial<ScorerOptions> = {},
): Promise<Pick<ConversationScore, 'score' | 'flags' | 'metrics' | 'details' | 'judge'>> {
  const opts = { ...DEFAULT_SCORER_OPTIONS, ...options };
  const prompt = judgePrompt(input, offline);
  const base = { answers: offline.answers, vision: offline.vision, handoff: offline.handoff };
  let response = '';
  try {
    const message = await model.invoke([{ role: 'system', content: JUDGE_INSTRUCTIONS }, { role: 'user', content: prompt }]);
    response = typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
    const verdict = parseVerdict(response);
    const byId = new Map(verdict.answers.map((a) => [a.id, a]));
    const answers = offline.answers.map((a) => {
      const judged = byId.get(a.id);
      return judged ? { ...a, groundedness: round(judged.grounded), relevance: round(judged.relevant), offline: { groundedness: a.groundedness, relevance: a.relevance } } : a;
    });
    const metrics: ConversationScore['metrics'] = {
      ...offline.metrics,
      groundedness: answers.length ? round(mean(answers.map((a) => a.groundedness)) as number) : null,
      relevance: answers.length ? round(mean(answers.map((a) => a.relevance)) as number) : null,
      handoffAppropriate: verdict.handoffAppropriate,
    };
    const handoff = { ...offline.handoff, appropriate: verdict.handoffAppropriate };
    const customer = input.messages.filter((m) => m.role === 'customer');
    const flags = flagsFor(answers, metrics, handoff, repeatedQuestions(customer, opts.repeatThreshold).length, opts);
    if (!verdict.handoffAppropriate && !flags.some((f) => f.endsWith('handoff'))) flags.push('inappropriate handoff');
    return {
      score: overallScore(metrics),
      flags,
      metrics,
      details: { answers, vision: offline.vision, handoff, judge: { instructions: JUDGE_INSTRUCTIONS, prompt, response, verdict } },
      judge: 'llm',
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      score: offline.score,
      flags: offline.flags,
      metrics: offline.metrics,
      details: { ...base, judge: { instructions: JUDGE_INSTRUCTIONS, prompt, response, error: reason } },
      judge: 'offline',
    };
  }
}
