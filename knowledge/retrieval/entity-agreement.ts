import type { TicketRecord } from '../../bot/core/index.js';
import { LEXICON, type EntityKind, type LexiconEntry } from './entity-lexicon.js';

export type { EntityKind } from './entity-lexicon.js';

/** The entity values a text names, by kind (canonical values, e.g. `{ country: ['canada'] }`). */
export type EntityMentions = Partial<Record<EntityKind, string[]>>;

/** How one kind of entity compares between a question and a ticket or answer. */
export interface EntityComparison {
  kind: EntityKind;
  /** `agree`: a value of the question is named; `conflict`: only other values are; `related`: values of one family. */
  outcome: 'agree' | 'conflict' | 'related';
  question: string[];
  other: string[];
}

/** Whether a ticket or answer is about the same countries, products, sizes, payment methods, platforms and order state. */
export interface EntityAgreement {
  /**
   * −1 … 1: the weights of the kinds that agree minus those that contradict, over the question's kinds' weights (at
   * least 1). A contradicted country or platform alone gives −1, a contradicted garment alone −0.25; 0: nothing to
   * compare.
   */
  score: number;
  comparisons: EntityComparison[];
}

/** One scan of a text: an alternation of a kind's patterns, each alternative a capturing group. */
interface CompiledScan {
  pattern: RegExp;
  values: string[];
}

const KINDS = Object.keys(LEXICON) as EntityKind[];

function scanOf(entries: readonly LexiconEntry[], flags: string): CompiledScan[] {
  if (entries.length === 0) return [];
  const alternatives = entries.map((entry) => `(${entry.pattern})`).join('|');
  return [{ pattern: new RegExp(`\\b(?:${alternatives})(?![\\w])`, flags), values: entries.map((entry) => entry.value) }];
}

// One case-insensitive and one case-sensitive scan per kind (a regular expression per entry was ~25× slower).
const SCANS: Record<EntityKind, CompiledScan[]> = Object.fromEntries(
  KINDS.map((kind) => {
    const entries = LEXICON[kind].entries;
    return [kind, [...scanOf(entries.filter((e) => !e.caseSensitive), 'gi'), ...scanOf(entries.filter((e) => e.caseSensitive), 'g')]];
  }),
) as Record<EntityKind, CompiledScan[]>;
const ENTRY_BY_VALUE = new Map(KINDS.flatMap((kind) => LEXICON[kind].entries.map((entry) => [`${kind}:${entry.value}`, entry] as const)));
/** Position of each value in its kind's lexicon (the first entry naming it), to list values in a fixed order. */
const RANK = new Map(KINDS.flatMap((kind) => LEXICON[kind].entries.map((entry, i) => [`${kind}:${entry.value}`, i] as const)).reverse());

/** The entities a text names, each kind's values in lexicon order without repeats (only `kinds`: default all). Pure. */
export function findEntities(text: string, kinds: readonly EntityKind[] = KINDS): EntityMentions {
  const mentions: EntityMentions = {};
  for (const kind of kinds) {
    const values = new Set<string>();
    for (const { pattern, values: named } of SCANS[kind]) {
      for (const match of text.matchAll(pattern)) {
        const group = match.findIndex((value, i) => i > 0 && value !== undefined);
        const value = named[group - 1];
        if (value !== undefined) values.add(value);
      }
    }
    if (values.size) mentions[kind] = [...values].sort((a, b) => (RANK.get(`${kind}:${a}`) ?? 0) - (RANK.get(`${kind}:${b}`) ?? 0));
  }
  return mentions;
}

/** True when value `a` is `b`, lies within it, or contains it ("spain" and "eu"). */
function sameOrWithin(kind: EntityKind, a: string, b: string): boolean {
  if (a === b) return true;
  const entryA = ENTRY_BY_VALUE.get(`${kind}:${a}`);
  const entryB = ENTRY_BY_VALUE.get(`${kind}:${b}`);
  return (entryA?.within?.includes(b) ?? false) || (entryB?.within?.includes(a) ?? false);
}

function sameFamily(kind: EntityKind, a: string, b: string): boolean {
  const family = ENTRY_BY_VALUE.get(`${kind}:${a}`)?.family;
  return family !== undefined && family === ENTRY_BY_VALUE.get(`${kind}:${b}`)?.family;
}

/**
 * Compares the entities of a question with those of a ticket or answer. Only kinds both name are compared: a ticket
 * that names no country neither agrees nor contradicts "shipping to Canada"; one that names only the US, the UK and
 * the EU contradicts it. Pure.
 */
export function compareEntities(question: EntityMentions, other: EntityMentions): EntityAgreement {
  const comparisons: EntityComparison[] = [];
  let weighted = 0;
  let weights = 0;
  for (const kind of KINDS) {
    const asked = question[kind];
    if (!asked?.length) continue;
    const weight = LEXICON[kind].weight;
    weights += weight;
    const named = other[kind];
    if (!named?.length) continue;
    const agree = asked.some((a) => named.some((n) => sameOrWithin(kind, a, n)));
    const related = !agree && asked.some((a) => named.some((n) => sameFamily(kind, a, n)));
    const outcome = agree ? 'agree' : related ? 'related' : 'conflict';
    comparisons.push({ kind, outcome, question: asked, other: named });
    if (outcome === 'agree') weighted += weight;
    else if (outcome === 'conflict') weighted -= weight;
  }
  return { score: Math.round((weighted / Math.max(1, weights)) * 1e4) / 1e4, comparisons };
}

/** {@link compareEntities} of two texts. Pure. */
export function entityAgreement(question: string, other: string): EntityAgreement {
  return compareEntities(findEntities(question), findEntities(other));
}

/** Per ticket record, the kinds scanned so far and what they found (kinds are scanned when a question asks about them). */
const ticketMentions = new WeakMap<object, Map<EntityKind, string[]>>();

/**
 * A ticket's entities of `kinds` (default all): countries, platforms and payment methods from its question and answer,
 * the kinds an answer mentions in passing (products, sizes, order states) from its question. Each kind is scanned once
 * per ticket record.
 */
export function ticketEntities(ticket: Pick<TicketRecord, 'question' | 'answer'>, kinds: readonly EntityKind[] = KINDS): EntityMentions {
  let known = ticketMentions.get(ticket);
  if (!known) ticketMentions.set(ticket, (known = new Map()));
  const mentions: EntityMentions = {};
  for (const kind of kinds) {
    let values = known.get(kind);
    if (!values) {
      const text = LEXICON[kind].questionOnly ? ticket.question : `${ticket.question}\n${ticket.answer}`;
      values = findEntities(text, [kind])[kind] ?? [];
      known.set(kind, values);
    }
    if (values.length) mentions[kind] = values;
  }
  return mentions;
}

/** How much a full contradiction lowers a candidate's score (×0.4). */
export const CONFLICT_PENALTY = 0.6;

/**
 * The factor a candidate's score is multiplied by for an agreement score (−1…1): contradictions lower it, agreement
 * leaves it (a named garment or country alone does not make a ticket the answer; measured on the sample store, a
 * bonus pulled in tickets about something else that share a word). Pure.
 */
export function agreementFactor(score: number): number {
  return score < 0 ? 1 + CONFLICT_PENALTY * score : 1;
}

/**
 * Reranks retrieval candidates by entity agreement with the question: each score is multiplied by
 * {@link agreementFactor} and each hit carries its `entityAgreement` (−1…1), so that a ticket about the UK does not
 * answer a question about Canada and confidence can use the signal. Order is stable among equal scores. Pure.
 */
export function rerankByEntities<H extends { ticket: TicketRecord; score: number }>(question: string, hits: readonly H[]): (H & { entityAgreement: number })[] {
  const asked = findEntities(question);
  const kinds = Object.keys(asked) as EntityKind[];
  if (kinds.length === 0) return hits.map((hit) => ({ ...hit, entityAgreement: 0 }));
  return hits
    .map((hit) => {
      const agreement = compareEntities(asked, ticketEntities(hit.ticket, kinds)).score;
      return { ...hit, score: hit.score * agreementFactor(agreement), entityAgreement: agreement };
    })
    .sort((a, b) => b.score - a.score);
}
