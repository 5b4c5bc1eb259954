import { finding, type PiiFinding } from './types.js';

/**
 * A run of digit groups joined by spaces, dots, dashes or parentheses, optionally after "+". Not glued to words,
 * currency signs, "#", "/" or ":" (so not prices, order numbers, dates written with slashes, or times).
 */
const CANDIDATE = /(?<![\w#$£€¥@/+.,:-])(?:\+ ?)?\(?\d[\d(). -]{4,26}\d/g;

/** Words that make a bare digit run a phone number when they come shortly before it. */
const CUE = /\b(?:phone|phones|tel|telephone|mobile|mob|cell|cellphone|call|called|calling|ring|text|texted|sms|whatsapp|fax|landline|contact|reach(?: me)?|my number|number is|numbers? are)\b[^.!?\n]{0,25}$/i;
/** Words that make a digit run something else (they win when they come after the phone cue). */
const ANTI_CUE = /\b(?:order|account|acct|invoice|tracking|ref|reference|case|ticket|model|serial|part|sku|item|product|customer|member|policy|confirmation|booking|transaction|imei)\b[^.!?\n]{0,25}$/i;

interface Group {
  digits: string;
  end: number;
}

/**
 * A company line named right before the number, in the same sentence: "our support line", "customer service on",
 * "the lost card line", "call our …", "helpline", "toll-free". The number belongs to a business, not a person.
 */
const COMPANY_CUE = /(?:\b(?:call|ring|phone|contact|reach|dial)\s+(?:us|our)\b|\b(?:customer|client|member)\s+(?:service|services|support|care|helpline|hotline|line)\b|\b(?:support|service|help|care|lost[- ]card|stolen[- ]card|fraud|emergency|reservations?|sales|billing|enquiries|enquiry|inquiries|free|toll[- ]free)\s+(?:line|lines|number|numbers|team|desk|centre|center|department)\b|\b(?:helpline|hotline|help ?desk|switchboard|freephone|toll[- ]free)\b)[^.!?\n]{0,40}$/i;
/** A person's own number, named after the company cue ("our team will call you; my mobile is …"). */
const PERSONAL_AFTER = /\b(?:my|me|mine|his|him|her|hers|I'm|I’m|I am)\b/i;

/**
 * Toll-free, shared-cost and non-geographic numbers: US/CA 8xx, 0800/0808 anywhere, and UK 03xx, 084x and 087x when
 * written as UK numbers (+44, or 4-3-4 groups such as "0300 123 4567": "030 12345678" is a Berlin landline).
 */
function isCompanyNumber(groups: readonly string[], international: boolean): boolean {
  const digits = groups.join('');
  const uk = (international && /^(?:00)?44[1-9]/.test(digits)) || (groups.map((g) => g.length).join('-') === '4-3-4' && digits.startsWith('0'));
  const national = international ? digits.replace(/^(?:00)?44(?=[1-9])/, '0').replace(/^(?:00)?1(?=[2-9]\d{9}$)/, '') : digits.replace(/^1(?=[2-9]\d{9}$)/, '');
  if (/^8(?:00|88|77|66|55|44|33)\d{7}$/.test(national)) return true;
  return /^0(?:800|808)\d{4,8}$/.test(national) || (uk && /^0(?:3\d|84|87)\d{8}$/.test(national));
}

/** True when a company-line cue comes shortly before `start` with no word of a person's own number after it. */
function hasCompanyCue(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 70), start);
  const cue = COMPANY_CUE.exec(before);
  return cue !== null && !PERSONAL_AFTER.test(cue[0].replace(/^\S+\s+(?:us|our)\b/i, ''));
}

function hasCue(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 40), start);
  const cue = CUE.exec(before);
  if (!cue) return false;
  const anti = ANTI_CUE.exec(before);
  return !anti || anti.index < cue.index;
}

/** True when the candidate, cut to whole groups, has the shape of a phone number. */
function isPhone(raw: string, groups: string[], cue: boolean): boolean {
  const digits = groups.join('');
  const n = digits.length;
  const lengths = groups.map((g) => g.length);
  if (/\s[.-]|[.-]\s|[.-]{2}|\s{2}|\(\s*\)/.test(raw)) return false;
  if (/\d\.\d/.test(raw) && /\d[ -]\d/.test(raw)) return false; // "1.5 2.0 3" lists, not numbers
  if (raw.startsWith('+')) return n >= 8 && n <= 15 && (groups.length === 1 || (lengths[0] ?? 0) <= 4);
  if (/^00[1-9]/.test(digits) && groups.length >= 2) return n >= 10 && n <= 15;
  const shape = lengths.join('-');
  // North American numbering plan: (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199.
  if (shape === '3-3-4' && /^[2-9]/.test(digits)) return true;
  if (shape === '1-3-3-4' && digits.startsWith('1') && /^[2-9]/.test(groups[1] ?? '')) return true;
  // National formats with a trunk 0: UK 020 7946 0958, 07700 900123; FR 01 42 68 53 00; DE 030 12345678; NL 06-12345678.
  if (digits.startsWith('0') && !digits.startsWith('00') && n >= 9 && n <= 12) {
    if (groups.length >= 2 && (lengths[0] ?? 0) >= 2 && (lengths[0] ?? 0) <= 5 && lengths.every((l) => l <= 8)) return true;
    if (groups.length === 1 && n >= 10 && n <= 11 && /^0[1-9]/.test(digits)) return true; // mobiles written without spaces
  }
  if (!cue) return false;
  if (n === 8 && /^(?:\d{4}-\d{2}-\d{2}|\d{2}[.-]\d{2}[.-]\d{4})$/.test(raw)) return false; // a date
  return n >= 7 && n <= 15;
}

/**
 * Phone numbers: international (`+44 20 7946 0958`, `+1 (415) 555-0132`, `0033 1 42 68 53 00`), North American
 * (`(415) 555-0132`, `415.555.0132`, `1-800-555-0199`) and European national formats with a trunk 0 (UK, FR, DE,
 * NL, IT…), with spaces, dots, dashes or parentheses. Other digit runs (a bare `4155550132`, a local `555-0132`,
 * Spanish `612 345 678`) count only after a cue such as "call", "phone" or "mobile". Dates, prices, times, years,
 * order numbers and sizes such as "32x34" do not have these shapes. Company lines are not personal data: toll-free
 * and non-geographic numbers (800/888…, 0800, UK 03xx) and numbers introduced as a support or service line.
 */
export function findPhones(text: string): PiiFinding[] {
  const found: PiiFinding[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index;
    const groups: Group[] = [];
    for (const g of m[0].matchAll(/\d+/g)) groups.push({ digits: g[0], end: start + g.index + g[0].length });
    // A company's line (toll-free, non-geographic, or introduced as a support line) and every part of it is not PII.
    const international = /^(?:\+|00)/.test(m[0]);
    if (hasCompanyCue(text, start) || groups.some((_, k) => isCompanyNumber(groups.slice(0, k + 1).map((g) => g.digits), international))) continue;
    const cue = hasCue(text, start);
    // Longest whole-group prefix that is a phone number and is not glued to more digits or letters.
    for (let k = groups.length; k >= 1; k--) {
      const last = groups[k - 1] as Group;
      let end = last.end;
      if (text[end] === ')' && text.slice(start, end).includes('(')) end += 1;
      if (/^(?:\w|[.,:/-]?\d|%)/.test(text.slice(end, end + 2))) continue;
      const raw = text.slice(start, end);
      if (isPhone(raw.replace(/\s+$/, ''), groups.slice(0, k).map((g) => g.digits), cue)) {
        found.push(finding(text, 'phone', start, end));
        break;
      }
    }
  }
  return found;
}
