import { randomUUID } from 'node:crypto';

/** A new random id with a short type prefix, e.g. `conv_…`, `msg_…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}
