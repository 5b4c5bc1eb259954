import type { Hit } from '../retrieval/retriever.js';
import { depersonalise, withoutAddressee } from './depersonalise.js';
import { extractEntities, PRODUCT_TYPES, type Entities } from './entities.js';
import { withoutPolarOpener } from './polar-opener.js';
import { splitQuestion } from './rewrite.js';
import { fillSlots, type CustomerField, type CustomerValues } from './slots.js';
import { contentWords, rememberedContentWords, sentences } from './text.js';
import type { Draft, GenerationRequest } from './types.js';

/** Options of {@link composeAnswer}. */
export interface ComposerOptions {
  /** A second ticket joins when its score is at least this share of the best one's; default 0.5. */
  secondScoreRatio?: number;
  /** … and covers at least this many question words the best ticket does not; default 2. */
  secondMinNewWords?: number;
  /** Most sentences taken from the second ticket; default 3. */
  secondMaxSentences?: number;
  /** An answer with fewer content words left after de-personalisation says nothing useful; default 2. */
  minContentWords?: number;
}

/** Salutations and sign-offs of agents' answers, which belong to the original customer, not this one. */
const OPENING = /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^,.!\n]{0,30}[,.!]\s*/i;
/**
 * The thanks-for-contacting clause: up to the end of its sentence (a "." inside a link does not end it), or up to a
 * dash or comma after which the answer goes on ("Thanks for reaching out – these steps may help: …").
 */
const THANKS_OPENING = /^(?:thanks|thank you) (?:so much )?for (?:reaching out|getting in touch|contacting us|your (?:message|patience))(?:[^.!\n–—:,]*?(?:[.!](?=\s|$)|\s[–—-](?=\s)|,))\s*/i;
const SIGN_OFF = /\s*(?:(?:best|kind|warm)? ?regards|cheers|thanks(?: again)?|best wishes|all the best)\s*,?\s*(?:\[NAME\]|[A-Z][a-z]+)?(?:\s+(?:from|at)\s+[\w ]+)?\s*[.!]?\s*$/i;

/**
 * Rewrites "your order" once to "your order <number>", and the old customer's garment — the product type their
 * question named — to this customer's ("your sweater" → "your cardigan", "the top" → "the jeans"), or to "item" when
 * this customer named none ("If anything is wrong with the top" → "… with the item").
 */
function personalise(text: string, entities: Entities, ticketQuestion: string): string {
  let out = text;
  if (entities.orderNumber && !out.includes(entities.orderNumber)) out = out.replace(/\byour order\b(?! number)/i, (m) => `${m} ${entities.orderNumber}`);
  const ticketType = extractEntities(ticketQuestion).productType;
  // A gift card is what the shop sells, not the old customer's garment: it stays when this customer named no product.
  if (ticketType && ticketType !== entities.productType && PRODUCT_TYPES.includes(ticketType) && (entities.productType || ticketType !== 'gift card')) {
    const theirs = entities.productType ? (entities.product ?? entities.productType) : 'item';
    out = out
      .replace(new RegExp(`\\byour ((?:\\w+ ){0,2})${ticketType}\\b`, 'gi'), `your ${theirs}`)
      // "the top" of the old case, not "the top of the page".
      .replace(new RegExp(`\\b(the) ((?:\\w+ )?)${ticketType}\\b(?! of\\b)`, 'gi'), (_, the: string) => `${the} ${theirs}`);
  }
  return out;
}

/** The body of an agent's answer: without the salutation, the thanks-for-contacting line and the sign-off. */
export function answerBody(answer: string): string {
  let body = withoutAddressee(answer).replace(OPENING, '').replace(THANKS_OPENING, '').replace(SIGN_OFF, '').trim();
  if (!body) body = answer.trim();
  return body.charAt(0).toUpperCase() + body.slice(1);
}

/** What a hit's answer is made from: its cluster's answer (approved or canonical), else the body of its own past answer. */
export function answerSource(hit: Hit, request: Pick<GenerationRequest, 'canonical'>): string {
  return request.canonical?.[hit.ticket.id]?.text ?? answerBody(hit.ticket.answer);
}

/** Question words a ticket covers (its question and answer). */
function coverage(hit: Hit, wanted: Set<string>): Set<string> {
  const words = new Set(contentWords(`${hit.ticket.question} ${hit.ticket.answer}`));
  return new Set([...wanted].filter((w) => words.has(w)));
}

const QUESTION_START = /^(?:how|what|when|where|why|which|who|whom|whose|do|does|did|can|could|is|are|was|were|will|would|should|may|might|have|has|any)\b/i;

/** True when at least two parts of the message are questions ("How do I wash it and how do I return it?"). */
function asksTwoThings(question: string): boolean {
  return splitQuestion(question).filter((part) => /\?\s*$/.test(part) || QUESTION_START.test(part.trim())).length >= 2;
}

/** The second ticket worth combining: a different answer that covers a part of the question the best one misses. */
function complement(hits: Hit[], question: string, options: Required<ComposerOptions>, partHits: readonly string[] = [], clusterOf: (hit: Hit) => string | undefined = () => undefined): Hit | undefined {
  const [best, ...rest] = hits;
  if (!best) return undefined;
  // A second ticket answers a second question: without one, a close second is another answer to the same question.
  if (!asksTwoThings(question)) return undefined;
  const wanted = new Set(contentWords(question));
  const covered = coverage(best, wanted);
  for (const hit of rest.slice(0, 4)) {
    if (hit.ticket.answer === best.ticket.answer) continue;
    // A ticket of the best one's cluster says the same thing.
    if (clusterOf(hit) !== undefined && clusterOf(hit) === clusterOf(best)) continue;
    const extra = [...coverage(hit, wanted)].filter((w) => !covered.has(w));
    // The best ticket of a separately asked part needs to add only one word of it; others must be close seconds.
    if (partHits.includes(hit.ticket.id) ? extra.length >= 1 : hit.score >= best.score * options.secondScoreRatio && extra.length >= options.secondMinNewWords) return hit;
  }
  return undefined;
}

/** The sentences of an answer that share the most words with the question (in their original order). */
function relevantSentences(answer: string, question: string, max: number): string {
  const all = sentences(answer);
  if (all.length <= max) return all.join(' ');
  const wanted = new Set(contentWords(question));
  const ranked = all.map((s, i) => ({ i, s, score: rememberedContentWords(s).filter((w) => wanted.has(w)).length })).sort((a, b) => b.score - a.score || a.i - b.i);
  return ranked.slice(0, max).sort((a, b) => a.i - b.i).map((r) => r.s).join(' ');
}

/** The customer's values: what their messages say, then what they gave when asked (`customerValues`). */
function customerValuesOf(entities: Entities, given: CustomerValues = {}): CustomerValues {
  const found: CustomerValues = { ...given };
  for (const field of ['orderNumber', 'invoiceNumber', 'trackingNumber', 'accountType', 'email', 'name'] as const) {
    const value = entities[field];
    if (value) found[field] = value;
  }
  return found;
}

/** One ticket's answer made fit for this customer, with the values it could not be said without. */
export interface Adapted {
  text: string;
  needs: CustomerField[];
}

/**
 * Makes hits' answers fit for this customer: an approved cluster text as written, any other without the old
 * customer's specifics ({@link depersonalise}); slots filled from this customer's values and the operator's facts
 * ({@link fillSlots}); their order number and garment put in. `adapt(hit, text)` adapts `text` (default: the hit's
 * {@link answerSource}).
 */
export function answerAdapter(request: GenerationRequest): { entities: Entities; adapt: (hit: Hit, text?: string) => Adapted } {
  const customerTexts = request.history.filter((t) => t.role === 'customer').map((t) => t.text);
  const entities = extractEntities(request.question, customerTexts);
  const customer = customerValuesOf(entities, request.customerValues);
  const customerText = [request.question, ...customerTexts].join('\n');
  const adapt = (hit: Hit, text: string = answerSource(hit, request)): Adapted => {
    // An approved text is the CX lead's: said as written, its slots filled; any other is de-personalised for this
    // customer, without a yes or no that answered the old customer's question when this one asked no yes/no question.
    const cleaned = request.canonical?.[hit.ticket.id]?.approved
      ? text
      : withoutPolarOpener(depersonalise(text, hit.ticket.question, { customerText, ...(request.customerSentFiles ? { customerSentFiles: true } : {}) }).text, request.question);
    const filled = fillSlots(cleaned, customer, request.facts ?? {});
    return { text: personalise(filled.text, entities, hit.ticket.question).trim(), needs: filled.needed };
  };
  return { entities, adapt };
}

/**
 * The retrieval-based response composer, Parley's answer path without a model: it takes the best ticket's cluster
 * answer (approved by a CX lead, or the cluster's canonical one; else the ticket's own past answer) without
 * the old customer's specifics, the agent's signature and promises ({@link depersonalise}), fills its slots with this
 * customer's values and the operator's facts ({@link fillSlots}), adapts it (their name, order number and garment),
 * adds the relevant part of a second ticket only when the customer asked two things, and cites both (`[1]`, `[2]`).
 * Every sentence comes from a cited ticket, so the answer is grounded by construction. An answer with nothing useful
 * left is empty (the policy treats the question as not answerable); `needs` names customer values a sentence could
 * not be said without (the bot asks for them). Pure and deterministic.
 */
export function composeAnswer(request: GenerationRequest, options: ComposerOptions = {}): Draft {
  const settings: Required<ComposerOptions> = { secondScoreRatio: 0.5, secondMinNewWords: 2, secondMaxSentences: 3, minContentWords: 2, ...options };
  const best = request.hits[0];
  if (!best) return { text: '', sources: [], generator: 'composer' };
  const adapter = answerAdapter(request);
  const { entities } = adapter;
  const adapt = adapter.adapt;
  const first = adapt(best, answerSource(best, request));
  if (rememberedContentWords(first.text).length < settings.minContentWords) return { text: '', sources: [], generator: 'composer', ...(first.needs.length ? { needs: first.needs } : {}) };
  const needs = first.needs.length ? { needs: first.needs } : {};
  const opening = entities.name ? `Hi ${entities.name}! ${first.text}` : first.text;
  const second = complement(request.hits, request.question, settings, request.partHits, (hit) => request.canonical?.[hit.ticket.id]?.clusterId);
  const extra = second ? adapt(second, relevantSentences(answerSource(second, request), request.question, settings.secondMaxSentences)).text : '';
  if (!second || rememberedContentWords(extra).length < settings.minContentWords) return { text: `${opening} [1]`, sources: [best], generator: 'composer', ...needs };
  return { text: `${opening} [1]\n\nAlso: ${extra} [2]`, sources: [best, second], generator: 'composer', ...needs };
}
