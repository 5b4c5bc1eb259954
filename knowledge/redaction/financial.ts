import { IBAN_LENGTHS, ibanValid, luhnValid } from './checksums.js';
import { finding, type PiiFinding } from './types.js';

/** Digit groups joined by single spaces or dashes, not glued to other digits, letters or decimal points. */
const DIGIT_RUN = /(?<![\w.,/-])\d+(?:[ -]\d+)*(?![\w/]|[.,]\d)/g;

/**
 * Payment card numbers: 13–19 digits, optionally grouped with spaces or dashes, starting 2–6 (Visa, Mastercard,
 * Amex, Discover, JCB, Diners, UnionPay), and only when the Luhn check passes — order numbers and tracking numbers
 * of the same length fail it nine times in ten, and the first-digit rule removes most of the rest.
 */
export function findCards(text: string): PiiFinding[] {
  const found: PiiFinding[] = [];
  for (const m of text.matchAll(DIGIT_RUN)) {
    const start = m.index;
    const groups = m[0].split(/[ -]/);
    // Try whole-group prefixes, longest first, so a card followed by an expiry year ("… 1111 2027") still matches.
    let offset = 0;
    const ends: { end: number; digits: string }[] = [];
    let digits = '';
    for (const group of groups) {
      digits += group;
      offset += group.length;
      ends.push({ end: start + offset, digits });
      offset += 1;
    }
    for (const candidate of ends.reverse()) {
      const n = candidate.digits.length;
      if (n < 13 || n > 19) continue;
      if (!/^[2-6]/.test(candidate.digits) || /^(\d)\1+$/.test(candidate.digits)) continue;
      if (!luhnValid(candidate.digits)) continue;
      found.push(finding(text, 'card', start, candidate.end));
      break;
    }
  }
  return found;
}

const IBAN_START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,32}/g;

/**
 * IBANs: country code, two check digits and the account part, compact or in groups of four separated by single
 * spaces, accepted only when the length fits the country and the ISO 7064 mod-97 checksum holds.
 */
export function findIbans(text: string): PiiFinding[] {
  const found: PiiFinding[] = [];
  const pattern = new RegExp(IBAN_START.source, 'g');
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const raw = m[0];
    // Map each compact character back to its offset in the original text.
    const positions: number[] = [];
    for (let i = 0; i < raw.length; i++) if (raw[i] !== ' ') positions.push(i);
    const compact = raw.replace(/ /g, '').toUpperCase();
    const expected = IBAN_LENGTHS[compact.slice(0, 2)];
    const lengths = expected !== undefined ? [expected] : Array.from({ length: 20 }, (_, i) => 34 - i);
    let next = m.index + 1;
    for (const length of lengths) {
      const lastIndex = positions[length - 1];
      if (lastIndex === undefined || !ibanValid(compact.slice(0, length))) continue;
      const end = m.index + lastIndex + 1;
      // The IBAN must end at a word boundary, not in the middle of a longer code.
      if (/[A-Za-z0-9]/.test(text[end] ?? '')) continue;
      found.push(finding(text, 'iban', m.index, end));
      next = end;
      break;
    }
    // The pattern over-reaches into following words; resume right after what was used.
    pattern.lastIndex = next;
  }
  return found;
}
