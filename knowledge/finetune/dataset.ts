import { createHash } from 'node:crypto';
import { ParleyError, type TicketRecord } from '../../bot/core/index.js';
import { removeNearDuplicates } from '../ingest/dedupe.js';
import { redact } from '../redaction/index.js';
import { qualityProblem, type QualityLimits, type QualityProblem } from './quality.js';
import { countChatTokens, type ChatMessage, type TokenCounter } from './tokens.js';

/** The ticket source agent corrections are stored under (by the Slack correction flow). */
export const CORRECTIONS_SOURCE = 'corrections';

/** The system message of every example unless `systemPrompt` is given. */
export const DEFAULT_FINETUNE_SYSTEM_PROMPT =
  "You are the company's customer-support assistant. Answer the customer's message accurately, specifically and politely, " +
  'as the support team would. Do not invent policies, prices or order details; when you are not sure, say that a person from the team will help.';

/** Ticket `metadata.status` values of tickets that are not resolved (left out). */
const UNRESOLVED = new Set(['new', 'open', 'pending', 'hold', 'on-hold', 'on_hold', 'in_progress', 'in progress']);

/** Options of {@link buildFineTuneDataset}. */
export interface DatasetOptions {
  /** Counts the tokens of each example (see `openAITokenCounter`). Required. */
  tokenCounter: TokenCounter;
  /** System message of every example; default {@link DEFAULT_FINETUNE_SYSTEM_PROMPT}. */
  systemPrompt?: string;
  /** Share of examples held out for validation, 0–0.5; default 0.1. */
  validation?: number;
  /** Seed of the train/validation split; default 0. The same seed and tickets always give the same split. */
  seed?: number;
  /** Redact personal data again (tickets are redacted at ingest unless `--no-redact`); default true. */
  redact?: boolean;
  /** Jaccard similarity at which two examples are duplicates; default 0.9. */
  dedupeThreshold?: number;
  /** Quality filter limits. */
  quality?: QualityLimits;
}

/** One training example in OpenAI's chat fine-tuning format, with where it came from. */
export interface FineTuneExample {
  /** The ticket (or correction) id. */
  id: string;
  /** True for an agent correction. */
  correction: boolean;
  messages: ChatMessage[];
  /** Tokens of the example (see `countChatTokens`). */
  tokens: number;
}

/** What {@link buildFineTuneDataset} kept, left out and counted. */
export interface DatasetStats {
  /** Tickets read (corrections included). */
  tickets: number;
  /** Agent corrections read. */
  corrections: number;
  /** Examples written (train + validation). */
  examples: number;
  train: number;
  validation: number;
  /** Examples left out, by reason; `corrected` are tickets replaced by an agent's correction. */
  dropped: Record<'unresolved' | 'corrected' | QualityProblem | 'duplicate', number>;
  /** Examples in which personal data was replaced, and the findings by kind. */
  redacted: { examples: number; findings: Record<string, number> };
  /** Token counts (tokenizer named). */
  tokens: { tokenizer: string; train: number; validation: number; maxExample: number; meanExample: number };
  seed: number;
  validationFraction: number;
}

/** Result of {@link buildFineTuneDataset}. */
export interface FineTuneDataset {
  train: FineTuneExample[];
  validation: FineTuneExample[];
  stats: DatasetStats;
}

function splitKey(seed: number, id: string): string {
  return createHash('sha256').update(`${seed}\u0000${id}`).digest('hex');
}

interface Candidate {
  ticket: TicketRecord;
  correction: boolean;
  question: string;
  answer: string;
}

/**
 * Turns resolved tickets and agent corrections into chat fine-tuning examples (system, user = the customer's
 * question, assistant = the answer):
 * - tickets whose `metadata.status` says they are unresolved (open, pending, on hold, …) are left out;
 * - a correction (a ticket of source `corrections` with `metadata.corrects` = the corrected ticket's id) replaces the
 *   ticket it corrects, which is left out (a correction corrected by a later one is replaced too); a correction
 *   without a question takes the corrected ticket's; corrections skip the quality filters and deduplication;
 * - personal data is redacted (`[EMAIL]`, `[PHONE]`, `[NAME]`, …);
 * - quality filters drop empty, too short, too long and non-answers (see `qualityProblem`);
 * - near-duplicates (word-shingle Jaccard ≥ 0.9, as at ingest) are dropped, corrections winning over tickets;
 * - a deterministic split: examples ordered by SHA-256 of (seed, id), the first `validation` share held out, so an
 *   example stays on its side when tickets are added.
 * @throws ParleyError `bad_request` when `validation` is not within 0–0.5.
 */
export function buildFineTuneDataset(tickets: readonly TicketRecord[], options: DatasetOptions): FineTuneDataset {
  const fraction = options.validation ?? 0.1;
  if (!(fraction >= 0 && fraction <= 0.5)) throw new ParleyError('bad_request', `validation: ${fraction} is not a fraction from 0 to 0.5`);
  const seed = options.seed ?? 0;
  const system = options.systemPrompt ?? DEFAULT_FINETUNE_SYSTEM_PROMPT;
  const dropped: DatasetStats['dropped'] = { unresolved: 0, corrected: 0, empty: 0, too_short: 0, too_long: 0, non_answer: 0, duplicate: 0 };
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const isCorrection = (t: TicketRecord) => t.source === CORRECTIONS_SOURCE;
  const corrected = new Set(tickets.filter(isCorrection).map((t) => t.metadata.corrects).filter((id): id is string => typeof id === 'string' && id !== ''));

  const candidates: Candidate[] = [];
  for (const ticket of tickets) {
    const correction = isCorrection(ticket);
    if (corrected.has(ticket.id)) { dropped.corrected++; continue; }
    const status = typeof ticket.metadata.status === 'string' ? ticket.metadata.status.trim().toLowerCase() : '';
    if (!correction && UNRESOLVED.has(status)) { dropped.unresolved++; continue; }
    let question = ticket.question;
    if (correction && !question.trim()) question = byId.get(String(ticket.metadata.corrects ?? ''))?.question ?? '';
    candidates.push({ ticket, correction, question, answer: ticket.answer });
  }

  const findings: Record<string, number> = {};
  let redactedExamples = 0;
  const examples: FineTuneExample[] = [];
  const kept: Candidate[] = [];
  for (const candidate of candidates) {
    if (options.redact !== false) {
      const q = redact(candidate.question);
      const a = redact(candidate.answer);
      const found = [...q.findings, ...a.findings];
      if (found.length) {
        redactedExamples++;
        for (const f of found) findings[f.kind] = (findings[f.kind] ?? 0) + 1;
      }
      candidate.question = q.text;
      candidate.answer = a.text;
    }
    candidate.question = candidate.question.trim();
    candidate.answer = candidate.answer.trim();
    kept.push(candidate);
  }

  const tokensOf = (c: Candidate) => countChatTokens(options.tokenCounter, messagesOf(system, c));
  const tokenCache = new Map<Candidate, number>();
  const passing = kept.filter((candidate) => {
    const tokens = tokensOf(candidate);
    tokenCache.set(candidate, tokens);
    const problem = candidate.correction
      ? (!candidate.question || !candidate.answer ? 'empty' : undefined)
      : qualityProblem(candidate.question, candidate.answer, tokens, options.quality);
    if (problem) dropped[problem]++;
    return !problem;
  });

  // Corrections first, so a ticket duplicating a correction is the one dropped; corrections are never dropped.
  const ordered = [...passing.filter((c) => c.correction), ...passing.filter((c) => !c.correction)];
  const records = ordered.map((c, i): TicketRecord => ({ ...c.ticket, id: String(i), question: c.question, answer: c.answer }));
  const { kept: unique } = removeNearDuplicates(records, options.dedupeThreshold !== undefined ? { threshold: options.dedupeThreshold } : {});
  const uniqueIndexes = new Set(unique.map((r) => Number(r.id)));
  ordered.forEach((candidate, i) => {
    if (!candidate.correction && !uniqueIndexes.has(i)) { dropped.duplicate++; return; }
    examples.push({ id: candidate.ticket.id, correction: candidate.correction, messages: messagesOf(system, candidate), tokens: tokenCache.get(candidate)! });
  });

  const shuffled = examples.map((e) => ({ e, key: splitKey(seed, e.id) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((x) => x.e);
  let held = Math.round(shuffled.length * fraction);
  if (held >= shuffled.length) held = shuffled.length - 1;
  const validation = shuffled.slice(0, Math.max(0, held));
  const train = shuffled.slice(Math.max(0, held));
  const sum = (list: FineTuneExample[]) => list.reduce((s, e) => s + e.tokens, 0);
  return {
    train,
    validation,
    stats: {
      tickets: tickets.length,
      corrections: tickets.filter(isCorrection).length,
      examples: examples.length,
      train: train.length,
      validation: validation.length,
      dropped,
      redacted: { examples: redactedExamples, findings },
      tokens: {
        tokenizer: options.tokenCounter.name,
        train: sum(train),
        validation: sum(validation),
        maxExample: examples.reduce((m, e) => Math.max(m, e.tokens), 0),
        meanExample: examples.length ? Math.round(sum(examples) / examples.length) : 0,
      },
      seed,
      validationFraction: fraction,
    },
  };
}

function messagesOf(system: string, candidate: { question: string; answer: string }): ChatMessage[] {
  return [
    { role: 'system', content: system },
    { role: 'user', content: candidate.question },
    { role: 'assistant', content: candidate.answer },
  ];
}
