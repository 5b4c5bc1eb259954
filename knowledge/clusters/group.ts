import type { TicketRecord } from '../../bot/core/index.js';
import { answerBody } from '../generation/composer.js';
import { depersonalise } from '../generation/depersonalise.js';
import { linksOf } from '../retrieval/answer-agreement.js';

/**
 * Grouping of tickets by what their answers say: the same macro, the same linked article (a link with a path), or —
 * for answers that link nothing — near-identical text after de-personalisation (word-bigram Jaccard at least
 * `minJaccard`, candidates found with MinHash locality-sensitive hashing so that large scopes stay near-linear).
 * Each group gets a canonical answer: its most central member's de-personalised text. Pure apart from yielding.
 */

/** Options of {@link groupAnswers}. */
export interface GroupOptions {
  /** Word-bigram Jaccard at which two de-personalised answers are near-identical; default 0.6. */
  minJaccard?: number;
  /** Metadata fields naming the helpdesk macro an answer came from; default `macro`, `macro_id`, `macroId`. */
  macroFields?: readonly string[];
  /** Called after each answer (to let a server answer turns meanwhile: see `slicedPause`). */
  yieldEvery?: () => Promise<void>;
}

/** A group of tickets that say the same thing, with its canonical answer. */
export interface AnswerGroup {
  /** Member ticket ids, sorted. */
  ticketIds: string[];
  /** What ties them: `macro:<id>`, `link:<host/path>` or `text`. */
  key: string;
  /** The most central member and its de-personalised answer ('' when nothing of any answer may be said). */
  canonical: { ticketId: string; text: string };
}

/** What grouping knows of one ticket's answer. */
export interface AnswerPrint {
  ticketId: string;
  /** The answer without greeting, sign-off and the old customer's specifics (slots in their place). */
  text: string;
  /**
   * Hashes of the normalised text's word bigrams (unigrams for answers of fewer than three words), sorted and unique:
   * compact (prints of every ticket are kept between recomputations) and fast to compare.
   */
  hashes: Uint32Array;
  /** Keys of the macro and linked articles (`macro:…`, `link:…`). */
  keys: string[];
  /** MinHash band keys of the hashes, made on first use (prints are reused across recomputations). */
  bands?: string[];
}

/** Metadata fields naming the helpdesk macro an answer came from, when none are configured. */
export const DEFAULT_MACRO_FIELDS = ['macro', 'macro_id', 'macroId'];
const HASHES = 48;
const ROWS = 3;
/** Members compared with each other when choosing the most central one (larger groups are sampled evenly). */
const CENTRAL_SAMPLE = 40;
/** Members of one MinHash bucket a new answer is compared with (the newest). */
const BUCKET_COMPARISONS = 32;

/** The de-personalised answer and its comparison keys. */
export function answerPrint(ticket: TicketRecord, macroFields: readonly string[] = DEFAULT_MACRO_FIELDS): AnswerPrint {
  const text = depersonalise(answerBody(ticket.answer), ticket.question).text;
  const words = text
    .toLowerCase()
    .replace(/\{\{[^}]*\}\}/g, ' slot ')
    .replace(/\d+/g, '0')
    .match(/[\p{L}\p{N}']+/gu) ?? [];
  const shingles = new Set(words.length < 3 ? words : words.slice(1).map((word, i) => `${words[i]} ${word}`));
  const keys: string[] = [];
  for (const field of macroFields) {
    const value = ticket.metadata[field];
    if ((typeof value === 'string' && value.trim()) || typeof value === 'number') keys.push(`macro:${String(value).trim()}`);
  }
  // A bare host ("support.example.com") names no article: only links with a path tie answers together.
  for (const link of linksOf(ticket.answer)) if (/\/[^/]+/.test(link)) keys.push(`link:${link}`);
  const hashes = Uint32Array.from(new Set([...shingles].map(fnv))).sort();
  return { ticketId: ticket.id, text, hashes, keys };
}

/** Jaccard similarity of two sorted hash arrays (a merge). */
export function hashJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/** FNV-1a hash of a string. */
function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A 32-bit mix of a hash with a seed (murmur3's finaliser). */
function mix(hash: number, seed: number): number {
  let h = (hash ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** MinHash band keys of a shingle set. */
function bandKeys(hashes: Uint32Array): string[] {
  const mins = new Array<number>(HASHES).fill(0xffffffff);
  for (const base of hashes) {
    for (let i = 0; i < HASHES; i++) mins[i] = Math.min(mins[i] as number, mix(base, i + 1));
  }
  const keys: string[] = [];
  for (let band = 0; band < HASHES / ROWS; band++) keys.push(`${band}:${mins.slice(band * ROWS, band * ROWS + ROWS).join(',')}`);
  return keys;
}

/** Union–find over indexes. */
class Groups {
  private readonly parent: number[];
  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_v, i) => i);
  }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root] as number;
    while (this.parent[i] !== root) [this.parent[i], i] = [root, this.parent[i] as number];
    return root;
  }
  union(a: number, b: number): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** The member whose answer is most like the others' (ties: the longer text, then the smaller id); '' texts last. */
export function centralMember(prints: readonly AnswerPrint[]): AnswerPrint | undefined {
  const sayable = prints.filter((p) => p.text.trim());
  const pool = sayable.length ? sayable : prints;
  const step = Math.max(1, Math.floor(pool.length / CENTRAL_SAMPLE));
  const sample = pool.filter((_p, i) => i % step === 0).slice(0, CENTRAL_SAMPLE);
  let best: { print: AnswerPrint; score: number } | undefined;
  for (const print of pool.length > CENTRAL_SAMPLE * 4 ? sample : pool) {
    const score = sample.reduce((sum, other) => sum + (other === print ? 0 : hashJaccard(print.hashes, other.hashes)), 0);
    const better = !best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && (print.text.length > best.print.text.length || (print.text.length === best.print.text.length && print.ticketId < best.print.ticketId)));
    if (better) best = { print, score };
  }
  return best?.print;
}

/** The answer prints of tickets (see {@link answerPrint}), yielding between slices. */
export async function printAll(tickets: readonly TicketRecord[], options: GroupOptions = {}): Promise<AnswerPrint[]> {
  const prints: AnswerPrint[] = [];
  for (const ticket of tickets) {
    prints.push(answerPrint(ticket, options.macroFields));
    await options.yieldEvery?.();
  }
  return prints;
}

/** Groups one scope's tickets by what their answers say (see the module comment); groups largest first. */
export async function groupAnswers(tickets: readonly TicketRecord[], options: GroupOptions = {}): Promise<AnswerGroup[]> {
  return groupPrints(await printAll(tickets, options), options);
}

/** {@link groupAnswers} over prints already made. */
export async function groupPrints(prints: readonly AnswerPrint[], options: GroupOptions = {}): Promise<AnswerGroup[]> {
  const minJaccard = options.minJaccard ?? 0.6;
  const groups = new Groups(prints.length);
  const byKey = new Map<string, number>();
  prints.forEach((print, i) => {
    for (const key of print.keys) {
      const first = byKey.get(key);
      if (first === undefined) byKey.set(key, i);
      else groups.union(first, i);
    }
  });
  // Near-identical texts among answers that link no article and name no macro.
  const free = prints.map((print, i) => ({ print, i })).filter(({ print }) => print.keys.length === 0 && print.hashes.length > 0);
  const sameText = new Map<string, number>();
  const buckets = new Map<string, number[]>();
  for (const { print, i } of free) {
    const exact = print.hashes.join(',');
    const twin = sameText.get(exact);
    if (twin !== undefined) {
      groups.union(twin, i);
      continue;
    }
    sameText.set(exact, i);
    print.bands ??= bandKeys(print.hashes);
    for (const band of print.bands) {
      const bucket = buckets.get(band);
      if (!bucket) {
        buckets.set(band, [i]);
        continue;
      }
      // The newest entries of a crowded bucket only: templated answers share many bands without being near-identical.
      for (let k = Math.max(0, bucket.length - BUCKET_COMPARISONS); k < bucket.length; k++) {
        const j = bucket[k] as number;
        const other = (prints[j] as AnswerPrint).hashes;
        // Jaccard is at most the ratio of the sizes: most pairs need no merge.
        if (Math.min(other.length, print.hashes.length) < minJaccard * Math.max(other.length, print.hashes.length)) continue;
        if (groups.find(i) !== groups.find(j) && hashJaccard(print.hashes, other) >= minJaccard) groups.union(i, j);
      }
      bucket.push(i);
    }
    await options.yieldEvery?.();
  }
  const members = new Map<number, AnswerPrint[]>();
  prints.forEach((print, i) => {
    const root = groups.find(i);
    members.set(root, [...(members.get(root) ?? []), print]);
  });
  const result: AnswerGroup[] = [];
  for (const list of members.values()) {
    const central = centralMember(list) as AnswerPrint;
    const counts = new Map<string, number>();
    for (const key of list.flatMap((p) => p.keys)) counts.set(key, (counts.get(key) ?? 0) + 1);
    const key = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? 'text';
    result.push({ ticketIds: list.map((p) => p.ticketId).sort(), key, canonical: { ticketId: central.ticketId, text: central.text } });
  }
  return result.sort((a, b) => b.ticketIds.length - a.ticketIds.length || (a.ticketIds[0] ?? '').localeCompare(b.ticketIds[0] ?? ''));
}
