/**
 * Payment card numbers are masked before anything is stored or logged (PCI DSS: show at most the last four digits).
 * Pure functions; no project imports.
 */

/** True when the digits (separators already removed) pass the Luhn check used by payment cards. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Digit groups joined by single spaces or dashes, not glued to letters, other digits, `+` (phone numbers) or decimals. */
const DIGIT_RUN = /(?<![\w.,/+])\d+(?:[ -]\d+)*(?![\w/]|[.,]\d)/g;

/** The character that replaces a masked digit. */
export const CARD_MASK_CHAR = 'X';

/**
 * Masks payment card numbers in `text`: every Luhn-valid run of 13–19 digits, written together or in groups separated
 * by single spaces or dashes (and not starting with 0, which no card number does), keeps its separators and its last
 * four digits; the other digits become {@link CARD_MASK_CHAR} (`4111 1111 1111 1111` → `XXXX XXXX XXXX 1111`). A card
 * number next to other numbers ("order 12345 4111…") is found inside the run. Other text is returned unchanged, and
 * masking twice changes nothing.
 */
export function maskCardNumbers(text: string): string {
  if (!/\d{4}/.test(text) && !/\d[ -]\d/.test(text)) return text;
  return text.replace(DIGIT_RUN, (run) => maskRun(run));
}

/** Masks the card numbers among the digit groups of one run, longest candidate first from each group. */
function maskRun(run: string): string {
  const groups: { start: number; digits: string }[] = [];
  for (const m of run.matchAll(/\d+/g)) groups.push({ start: m.index, digits: m[0] });
  let out = run;
  for (let i = 0; i < groups.length; ) {
    let masked = -1;
    let digits = '';
    const candidates: { j: number; digits: string }[] = [];
    for (let j = i; j < groups.length && digits.length <= 19; j++) {
      digits += groups[j]?.digits ?? '';
      if (digits.length >= 13 && digits.length <= 19) candidates.push({ j, digits });
    }
    for (const candidate of candidates.reverse()) {
      if (candidate.digits.startsWith('0') || /^(\d)\1+$/.test(candidate.digits) || !luhnValid(candidate.digits)) continue;
      const from = groups[i]?.start ?? 0;
      const last = groups[candidate.j];
      const to = (last?.start ?? 0) + (last?.digits.length ?? 0);
      out = out.slice(0, from) + maskDigits(out.slice(from, to)) + out.slice(to);
      masked = candidate.j;
      break;
    }
    i = masked >= 0 ? masked + 1 : i + 1;
  }
  return out;
}

/** Replaces every digit but the last four with the mask character, keeping separators. */
function maskDigits(span: string): string {
  let keep = 4;
  const chars = [...span];
  for (let k = chars.length - 1; k >= 0; k--) {
    if (!/\d/.test(chars[k] ?? '')) continue;
    if (keep > 0) keep--;
    else chars[k] = CARD_MASK_CHAR;
  }
  return chars.join('');
}

/**
 * Keys whose string values are identifiers, not free text: {@link maskCardNumbersDeep} leaves them alone so that a
 * channel's numeric message id that happens to pass the Luhn check still finds its conversation.
 */
export const IDENTIFIER_KEYS: ReadonlySet<string> = new Set(['id', 'conversationId', 'channelMessageId', 'replyToId', 'inboxId', 'userId', 'url', 'ref']);

/**
 * A deep copy of `value` with card numbers masked in every string except those under {@link IDENTIFIER_KEYS}
 * (object keys included); numbers are left alone. Errors keep their class and fields, with message, stack and cause
 * masked. For log entries and stored JSON.
 */
export function maskCardNumbersDeep<T>(value: T): T {
  return maskDeep(value, new WeakMap()) as T;
}

/**
 * Thirteen digits, each pair separated by at most one space or dash: every card number {@link maskCardNumbers} masks
 * contains such a run (a loop over the characters took 3 times as long on a stored reply).
 */
const CARD_DIGITS = /\d(?:[ -]?\d){12}/;

/**
 * `JSON.stringify(maskCardNumbersDeep(value))` for plain data (objects, arrays, strings, numbers, booleans, null):
 * the same text, but the masked copy is made only when the JSON text holds a run of 13 digits that could be a card
 * number. A string with a card number shows it in the JSON text too (`JSON.stringify` writes digits, spaces and
 * dashes as they are), so text without such a run is already masked; most stored rows (activities, dialog states)
 * hold none, and copying them all was some 7 % of a web chat turn's store work.
 */
export function stringifyMasked(value: unknown): string {
  const text = JSON.stringify(value);
  return CARD_DIGITS.test(text) ? JSON.stringify(maskCardNumbersDeep(value)) : text;
}

function maskDeep(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return maskCardNumbers(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (value instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Error;
    seen.set(value, copy);
    Object.assign(copy, maskEntries(value, seen));
    const hidden = (key: 'message' | 'stack' | 'cause', field: unknown) => Object.defineProperty(copy, key, { value: maskDeep(field, seen), enumerable: false, writable: true, configurable: true });
    hidden('message', value.message);
    if (value.stack !== undefined) hidden('stack', value.stack);
    if (value.cause !== undefined) hidden('cause', value.cause);
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(maskDeep(item, seen));
    return copy;
  }
  // Bytes, dates, maps and other class instances carry no free text worth masking; keep them as they are.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  return Object.assign(copy, maskEntries(value, seen));
}

function maskEntries(value: object, seen: WeakMap<object, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[maskCardNumbers(key)] = IDENTIFIER_KEYS.has(key) && typeof field === 'string' ? field : maskDeep(field, seen);
  return out;
}
