import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { newId, ParleyError, silentLogger, toReply, type Reply } from '../../bot/core/index.js';
import { hasSlot, stripMarkers } from '../../knowledge/index.js';

/** A seeded ticket full of a past customer's specifics, and a new customer's question it should answer. */
export interface SpecificsRow {
  id: string;
  /** The new customer's question. */
  question: string;
  /** The past ticket, as a helpdesk export has it. */
  ticket: { question: string; answer: string };
  /** The past customer's (and agent's) specifics: none may appear in a reply (case-insensitive). */
  specifics: string[];
  /** Promises of the past answer no tool keeps ("retrieve the bills"): none may appear in a reply. */
  promises: string[];
}

/** What `parley bench specifics` prints. */
export interface SpecificsResult {
  n: number;
  /** Specifics found in replies (each specific of each reply counts once). */
  leaks: number;
  /** Replies showing an unfilled `{{Slot}}` or a redaction token. */
  placeholderLeaks: number;
  /** Replies repeating a promise of the past answer. */
  promises: number;
  /** Share of questions answered (not clarified or handed off): zero leaks by answering nothing would not count. */
  answeredRate: number;
  /** The leaks found, for reading: row id and what leaked. */
  details: { id: string; leaked: string[] }[];
}

/** Reads the seeded rows (JSONL); a bad line is a `bad_request` naming the file, line and field. */
export async function readSpecificsRows(path: string): Promise<SpecificsRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ParleyError('bad_request', `--test: cannot read ${path}`);
  }
  return text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    const where = `--test: ${path} line ${i + 1}`;
    let row: Partial<SpecificsRow>;
    try {
      row = JSON.parse(line) as Partial<SpecificsRow>;
    } catch {
      throw new ParleyError('bad_request', `${where} is not JSON`);
    }
    const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (typeof row.id !== 'string' || typeof row.question !== 'string' || !row.question.trim()) throw new ParleyError('bad_request', `${where}: "id" and "question" must be strings`);
    if (typeof row.ticket?.question !== 'string' || typeof row.ticket.answer !== 'string') throw new ParleyError('bad_request', `${where}: "ticket" must hold "question" and "answer" strings`);
    if (!strings(row.specifics) || !strings(row.promises ?? [])) throw new ParleyError('bad_request', `${where}: "specifics" and "promises" must be arrays of strings`);
    return [{ id: row.id, question: row.question, ticket: row.ticket, specifics: row.specifics, promises: row.promises ?? [] }];
  });
}

/** The last reply to a question in a new conversation, through the bot (the `POST /api/chat` path). */
async function ask(parley: Parley, text: string): Promise<Reply> {
  const conversation = await parley.store.createConversation({ userId: 'specifics', channel: 'bench' });
  const { replies } = await parley.bot.processActivity({ id: newId('act'), type: 'message', channel: 'bench', conversationId: conversation.id, from: { id: 'specifics', role: 'customer' }, text, timestamp: new Date().toISOString() });
  const last = replies.at(-1);
  return last ? toReply(last) : { text: '', action: 'handoff', sources: [] };
}

/** The specifics of a row found in a reply: those the new customer did not write themselves. Pure. */
export function leakedSpecifics(reply: string, row: Pick<SpecificsRow, 'question' | 'specifics'>): string[] {
  const text = reply.toLowerCase();
  const own = row.question.toLowerCase();
  return row.specifics.filter((s) => text.includes(s.toLowerCase()) && !own.includes(s.toLowerCase()));
}

/**
 * `parley bench specifics`: ingests the seeded past tickets (as `parley ingest` does: redaction and screening
 * included) into an isolated temporary store and asks every new customer's question through the bot, then counts the
 * past customers' specifics, unfilled slots and kept promises in the replies. `env` configures the bot (thresholds,
 * chat model, `PARLEY_FACTS_FILE`); default: the process environment.
 */
export async function runSpecificsBench(rows: readonly SpecificsRow[], env?: NodeJS.ProcessEnv): Promise<SpecificsResult> {
  const home = await mkdtemp(join(tmpdir(), 'parley-specifics-'));
  const parley = await createParley(loadConfig(env, { home, sampleData: false, vision: false }), { logger: silentLogger });
  try {
    await parley.knowledge.ingest(rows.map((row) => ({ id: row.id, question: row.ticket.question, answer: row.ticket.answer, source: 'specifics', metadata: {} })), { dedupe: false });
    await parley.knowledge.clusters?.settled();
    let leaks = 0;
    let placeholderLeaks = 0;
    let promises = 0;
    let answered = 0;
    const details: SpecificsResult['details'] = [];
    for (const row of rows) {
      const reply = await ask(parley, row.question);
      const text = stripMarkers(reply.text);
      if (reply.action === 'answer') answered++;
      const leaked = leakedSpecifics(text, row);
      const promised = row.promises.filter((p) => text.toLowerCase().includes(p.toLowerCase()));
      if (hasSlot(text)) leaked.push('{{slot}}');
      leaks += leakedSpecifics(text, row).length;
      if (hasSlot(text)) placeholderLeaks++;
      if (promised.length) promises++;
      if (leaked.length || promised.length) details.push({ id: row.id, leaked: [...leaked, ...promised] });
    }
    const n = rows.length;
    return { n, leaks, placeholderLeaks, promises, answeredRate: Number((answered / Math.max(1, n)).toFixed(4)), details };
  } finally {
    await parley.close();
    await rm(home, { recursive: true, force: true });
  }
}
