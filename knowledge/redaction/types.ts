/** The kinds of personal data {@link redact} finds. */
export type PiiKind =
  | 'email'
  | 'phone'
  | 'card'
  | 'cvv'
  | 'passport'
  | 'date_of_birth'
  | 'iban'
  | 'address'
  | 'name'
  | 'account_id'
  | 'order_id'
  | 'url_with_token'
  | 'ip';

/** Every kind, in the order detectors win overlaps (earlier wins). */
export const PII_KINDS: readonly PiiKind[] = [
  'url_with_token',
  'email',
  'iban',
  'card',
  'cvv',
  'passport',
  'date_of_birth',
  'order_id',
  'account_id',
  'address',
  'ip',
  'phone',
  'name',
];

/** One piece of personal data: `start`/`end` are offsets in the original text, `value` is `text.slice(start, end)`. */
export interface PiiFinding {
  kind: PiiKind;
  start: number;
  end: number;
  value: string;
}

/** The typed placeholder that replaces a finding of the kind, e.g. `[EMAIL]`. */
export function placeholderOf(kind: PiiKind): string {
  return `[${kind.toUpperCase()}]`;
}

/** A detector: every candidate finding of its kinds in the text (they may overlap; {@link redact} resolves that). */
export type Detector = (text: string) => PiiFinding[];

/** A finding of `kind` covering `text.slice(start, end)`. */
export function finding(text: string, kind: PiiKind, start: number, end: number): PiiFinding {
  return { kind, start, end, value: text.slice(start, end) };
}
