import type { TicketRecord } from '../../bot/core/index.js';

/** Answer-text cosine at which two answers without links count as the same answer (near-identical text). */
export const SAME_ANSWER_COSINE = 0.5;

/** An archive snapshot prefix (`web.archive.org/web/20200401224734/`) in front of the archived address. */
const ARCHIVE_PREFIX = /^web\.archive\.org\/web\/\d+[a-z_]*\//i;

/**
 * The links an answer gives, normalized so that the same page compares equal: no scheme, `www.`, query, fragment,
 * trailing slash or archive snapshot prefix; host in lower case. Pure.
 */
export function linksOf(answer: string): string[] {
  const links = new Set<string>();
  for (const match of answer.matchAll(/\bhttps?:\/\/[^\s<>"')\]]+/gi)) {
    let link = match[0].replace(/^https?:\/\//i, '').replace(/[.,;:!?]+$/, '');
    link = link.replace(ARCHIVE_PREFIX, '').replace(/^https?:\/\//i, '');
    link = link.replace(/[?#].*$/, '').replace(/\/+$/, '');
    const slash = link.indexOf('/');
    const host = (slash < 0 ? link : link.slice(0, slash)).toLowerCase().replace(/^www\./, '');
    links.add(host + (slash < 0 ? '' : link.slice(slash)));
  }
  return [...links];
}

/**
 * True when two past answers say the same thing: they link the same page, or (when neither links anything) their
 * texts are near-identical (`answerCosine` ≥ {@link SAME_ANSWER_COSINE}). Answers that link different pages, or of
 * which only one links a page, differ. Pure.
 */
export function sameAnswer(a: string, b: string, answerCosine: number, minCosine = SAME_ANSWER_COSINE): boolean {
  const linksA = linksOf(a);
  const linksB = linksOf(b);
  if (linksA.length || linksB.length) return linksA.some((link) => linksB.includes(link));
  return answerCosine >= minCosine;
}

/**
 * How alike two past answers are (0–1): 1 when they link the same page, 0 when they link different pages (or only one
 * links one), else the answers' text cosine. Pure.
 */
export function answerRelatedness(a: string, b: string, answerCosine: number): number {
  const linksA = linksOf(a);
  const linksB = linksOf(b);
  if (linksA.length || linksB.length) return linksA.some((link) => linksB.includes(link)) ? 1 : 0;
  return Math.max(0, Math.min(1, answerCosine));
}

/** {@link sameAnswer} and {@link answerRelatedness} of two stored tickets. */
export interface TicketAnswerComparison {
  same: (a: TicketRecord, b: TicketRecord) => boolean;
  related: (a: TicketRecord, b: TicketRecord) => number;
}

/**
 * Compares stored tickets' answers by their links and the cosine of their encoded answer words (`answerCosine`: the
 * dot product of two tickets' answer-word vectors by id, undefined when either is not encoded, which counts as 0).
 */
export function ticketAnswerComparison(answerCosine: (a: string, b: string) => number | undefined): TicketAnswerComparison {
  const cosine = (a: TicketRecord, b: TicketRecord): number => answerCosine(a.id, b.id) ?? 0;
  return {
    same: (a, b) => sameAnswer(a.answer, b.answer, cosine(a, b)),
    related: (a, b) => answerRelatedness(a.answer, b.answer, cosine(a, b)),
  };
}
