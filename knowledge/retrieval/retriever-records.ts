import type { TicketRecord } from '../../bot/core/index.js';
import { SCOPE_KEY, scopeKey } from '../scopes.js';

/** A ticket's label: the string value of its `field` metadata, if any. */
export function labelOf(ticket: TicketRecord | undefined, field: string | undefined): string | undefined {
  const value = field && ticket ? ticket.metadata[field] : undefined;
  return typeof value === 'string' && value ? value : undefined;
}

/** Metadata fields read as labels when none is configured, in this order. */
const LABEL_FIELDS = ['intent', 'label', 'category'];

/** The label field of `tickets`: the configured one, else the first of {@link LABEL_FIELDS} some ticket has. */
export function labelFieldOf(tickets: readonly TicketRecord[], configured: string | undefined): string | undefined {
  return configured ?? LABEL_FIELDS.find((field) => tickets.some((t) => labelOf(t, field)));
}

/** Payload keys an index generation is created with. */
export function payloadKeysOf(labelField: string | undefined): string[] {
  return labelField ? [labelField, 'source', SCOPE_KEY] : ['source', SCOPE_KEY];
}

/** Payload an index keeps per ticket: the label and scalar metadata, for filters, and its knowledge scope (`'*'`: shared). */
export function payloadOf(ticket: TicketRecord): Record<string, unknown> {
  const payload: Record<string, unknown> = { source: ticket.source };
  for (const [key, value] of Object.entries(ticket.metadata)) {
    if (['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) payload[key] = value;
  }
  // Last, so that a metadata field of that name never hides the ticket's scope.
  payload[SCOPE_KEY] = scopeKey(ticket.scope);
  return payload;
}

/** A typed array's values as a plain array (a counted loop: `Array.from` iterates). */
export function numbersOf(values: Float32Array): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] as number;
  return out;
}
