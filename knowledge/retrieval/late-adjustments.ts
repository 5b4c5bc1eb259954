import { agreementFactor } from './entity-agreement.js';
import { ANSWERED_FACTOR, type Hit } from './retrieval-types.js';

/** `confidence` lowered when even the best hit contradicts the question's entities (countries, products, platforms). */
export function withEntities(confidence: number, best: Hit | undefined): number {
  return confidence * Math.min(1, agreementFactor(best?.entityAgreement ?? 0));
}

/** Hits reranked with the scores of tickets in `answered` lowered to {@link ANSWERED_FACTOR} (stable). */
export function answeredLater(hits: Hit[], answered: readonly string[] | undefined): Hit[] {
  if (!answered?.length) return hits;
  const given = new Set(answered);
  return hits.map((hit) => (given.has(hit.ticket.id) ? { ...hit, score: hit.score * ANSWERED_FACTOR } : hit)).sort((a, b) => b.score - a.score);
}
