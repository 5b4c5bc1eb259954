import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, loadConfig, newId, ParleyError, silentLogger, toReply, type Parley, type Reply, type TicketRecord } from '../../bot/index.js';
import { stripMarkers } from '../../knowledge/index.js';
import { percentile } from '../bench/measure.js';

/** One row of a `--tickets` or `--test` file: a question, its reference answer and optionally its intent (or `category` / `label`). */
export interface AnswerRow {
  question: string;
  answer: string;
  intent?: string;
}

/** What `parley bench answers` prints. */
export interface AnswerBenchResult {
  n: number;
  /** Share of questions answered with a grounded, cited answer. */
  groundedRate: number;
  handoffRate: number;
  /** Share of rows with an intent answered from a ticket of that intent (`null` when no row has one). */
  intentMatch: number | null;
  /** Mean ROUGE-L F1 between the reply (citation markers removed) and the reference answer. */
  rougeL: number;
  p50Ms: number;
  p95Ms: number;
  /** Replies by generator (`composer`, a model name) and clarifying questions. */
  clarifyRate: number;
}

/** Reads a JSONL file of {@link AnswerRow}s; a bad line is a `bad_request` naming the file, line and field. */
export async function readAnswerRows(path: string, flag: string): Promise<AnswerRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ParleyError('bad_request', `${flag}: cannot read ${path}`);
  }
  return text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new ParleyError('bad_request', `${flag}: ${path} line ${i + 1} is not JSON`);
    }
    const fields = (row ?? {}) as Record<string, unknown>;
    const { question, answer } = fields;
    // Helpdesk exports call the intent `category` or `label`.
    const intent = fields.intent ?? fields.category ?? fields.label;
    if (typeof question !== 'string' || !question.trim()) throw new ParleyError('bad_request', `${flag}: ${path} line ${i + 1}: "question" must be a non-empty string`);
    if (typeof answer !== 'string' || !answer.trim()) throw new ParleyError('bad_request', `${flag}: ${path} line ${i + 1}: "answer" must be a non-empty string`);
    if (intent !== undefined && typeof intent !== 'string') throw new ParleyError('bad_request', `${flag}: ${path} line ${i + 1}: "intent" must be a string`);
    return [{ question, answer, ...(intent ? { intent } : {}) }];
  });
}

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** ROUGE-L F1 (longest common subsequence of words) of a candidate against a reference. Pure. */
export function rougeL(candidate: string, reference: string): number {
  const a = words(candidate);
  const b = words(reference);
  if (!a.length || !b.length) return 0;
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const word of a) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) row[j] = word === b[j - 1] ? (previous[j - 1] as number) + 1 : Math.max(previous[j] as number, row[j - 1] as number);
    previous = row;
  }
  const lcs = previous[b.length] as number;
  if (lcs === 0) return 0;
  const precision = lcs / a.length;
  const recall = lcs / b.length;
  return (2 * precision * recall) / (precision + recall);
}

/** The last reply, and the intent of the ticket it cites first (internal metadata, which customers never see). */
async function ask(parley: Parley, text: string): Promise<Reply & { firstIntent?: unknown }> {
  const conversation = await parley.store.createConversation({ userId: 'bench', channel: 'bench' });
  const { replies } = await parley.bot.processActivity({ id: newId('act'), type: 'message', channel: 'bench', conversationId: conversation.id, from: { id: 'bench', role: 'customer' }, text, timestamp: new Date().toISOString() });
  const last = replies.at(-1);
  return last ? { ...toReply(last), firstIntent: last.sources?.[0]?.metadata.intent } : { text: '', action: 'handoff', sources: [] };
}

const round = (x: number) => Number(x.toFixed(4));

/**
 * `parley bench answers`: ingests the ticket rows (intent kept as metadata) into an isolated temporary store, asks
 * every test question through the bot (the `POST /api/chat` path, generator and policy included) and scores the
 * replies. A reply counts as grounded when it is an answer citing at least one source. `env` configures thresholds and
 * models; default: the process environment (read by bot/config).
 */
export async function runAnswerBench(tickets: readonly AnswerRow[], test: readonly AnswerRow[], env?: NodeJS.ProcessEnv): Promise<AnswerBenchResult> {
  const home = await mkdtemp(join(tmpdir(), 'parley-answers-'));
  const parley = await createParley(loadConfig(env, { home, sampleData: false }), { logger: silentLogger });
  try {
    const records: TicketRecord[] = tickets.map((row, i) => ({ id: `ticket-${i + 1}`, question: row.question, answer: row.answer, source: 'bench', metadata: row.intent ? { intent: row.intent } : {} }));
    await parley.knowledge.ingest(records);
    let grounded = 0;
    let handoffs = 0;
    let clarifies = 0;
    let withIntent = 0;
    let intentHits = 0;
    let rouge = 0;
    const times: number[] = [];
    for (const row of test) {
      const started = performance.now();
      const reply = await ask(parley, row.question);
      times.push(performance.now() - started);
      const answered = reply.action === 'answer' && reply.sources.length > 0;
      if (answered) grounded++;
      if (reply.action === 'handoff') handoffs++;
      if (reply.action === 'clarify') clarifies++;
      if (row.intent) {
        withIntent++;
        if (answered && reply.firstIntent === row.intent) intentHits++;
      }
      rouge += rougeL(stripMarkers(reply.text), row.answer);
    }
    const n = test.length;
    return {
      n,
      groundedRate: round(grounded / Math.max(1, n)),
      handoffRate: round(handoffs / Math.max(1, n)),
      intentMatch: withIntent ? round(intentHits / withIntent) : null,
      rougeL: round(rouge / Math.max(1, n)),
      p50Ms: round(percentile(times, 50)),
      p95Ms: round(percentile(times, 95)),
      clarifyRate: round(clarifies / Math.max(1, n)),
    };
  } finally {
    await parley.close();
    await rm(home, { recursive: true, force: true });
  }
}
