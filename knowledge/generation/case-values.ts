import { BRANDS, NOT_NAMES } from '../redaction/name-words.js';

/**
 * The old customer's own values that a past answer repeats from their question — the people they named ("the bill
 * from Anna Freeman", "invoices from Mr. Smith"), the amounts of their case ("a reimbursement of $1200"), the numbers
 * they quoted ("enter the invoice number '#37777'") — and how each leaves the answer: a third party becomes the one
 * this customer named (or "them"), an amount goes with the words that carry it, a number becomes the slot this
 * customer's value fills. Pure; used by `depersonalise`.
 */

/** A title and surname ("Mr. Smith", "Ms Hawkings"): a person wherever it stands ("Dr." is left out: "Dr. Martens"). */
const TITLED = /\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+)?/gu;
/** A full name after the word tying a bill, invoice or message to someone ("from Anna Freeman", "by David Miller"). */
const PARTY_AFTER = /\b(?:from|by|of|for|to|with|named|called)\s+(\p{Lu}\p{Ll}{1,20}(?:\s+\p{Lu}\p{Ll}{1,20}){1,2})\b/gu;
/** Capitalised words that start a place, a product or a page rather than a person's name. */
const NOT_PARTY = /^(?:New|North|South|East|West|San|Los|Las|Saint|St|Mount|Customer|Account|Order|Invoice|Billing|My|Your|Our|The|Live|Apple|Google|Amazon|Samsung|Microsoft|Xbox|Play|Premium|Gold|Pro|Standard|Platinum|Freemium|Website|Support|Help|Contact|Payment|Credit|Debit|American|United|Great|Hong|Saudi|Costa|Puerto|Sri|El|La|Le)$/;

/** True for a word that may be part of a person's name (not a brand, a weekday, a page or a place's first word). */
function personWord(word: string): boolean {
  const lower = word.toLowerCase();
  return !NOT_PARTY.test(word) && !NOT_NAMES.has(lower) && !BRANDS.has(lower);
}

/**
 * People a text names: titled names ("Mr. Smith") and, unless `titledOnly`, full names after "from", "by", "for", …
 * ("the bill from Anna Freeman"); longest first.
 */
export function partiesIn(text: string, titledOnly = false): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(TITLED)) found.add(m[0]);
  if (!titledOnly) {
    for (const m of text.matchAll(PARTY_AFTER)) {
      const name = m[1] ?? '';
      if (name.split(/\s+/).every(personWord)) found.add(name);
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces the old customer's third parties with the one this customer named (`own`, when they named one) or a
 * pronoun: "Anna Freeman's account" → "their account", "enter "Anna Freeman"" → "enter their name", "the bill from
 * Anna Freeman" → "the bill from them".
 */
export function withOwnParty(text: string, parties: readonly string[], own: string | undefined): string {
  let out = text;
  for (const party of parties) {
    if (own && party.toLowerCase() === own.toLowerCase()) continue;
    const name = escape(party);
    if (own) {
      out = out.replace(new RegExp(`(?<![\\p{L}])${name}(?![\\p{L}])`, 'gu'), own);
      continue;
    }
    out = out
      .replace(new RegExp(`(?<![\\p{L}])${name}['’]s?(?![\\p{L}])`, 'gu'), 'their')
      .replace(new RegExp(`["“'‘]${name}["”'’]`, 'gu'), 'their name')
      .replace(new RegExp(`(?<![\\p{L}])${name}(?![\\p{L}])`, 'gu'), 'them');
  }
  return out;
}

/** A currency amount: "$1,200", "£12.50", "€ 45", "300 dollars". */
const AMOUNT = String.raw`(?:[$€£¥]\s?\d[\d,]*(?:\.\d{1,2})?|\d[\d,]*(?:\.\d{1,2})?\s?(?:usd|eur|gbp|dollars|euros|pounds)\b)`;
/** Words of a refund or a payment that an amount of the old case hangs on. */
const MONEY_WORD = String.raw`(?:refund(?:ed|s|ing)?|reimburs(?:e|ed|ing|ements?)|rebat(?:e|es|ing)|restitution|compensation|credit(?:ed)?|payment|purchase[ds]?|bought|paid|paying|pay|charged?|spent|spending|cost|money|amount|sum|total|balance)`;

/** Ways an amount of the old case sits in a sentence, each removed with its connecting words. */
const CASE_AMOUNT_PHRASES: readonly [RegExp, string][] = [
  // "(in this case, $1200)"
  [new RegExp(String.raw`\s*\((?:in this case|e\.g\.|i\.e\.|for example|namely)?,?\s*${AMOUNT}\)`, 'gi'), ''],
  // "a reimbursement of $1200", "the item you purchased for $1499", "a refund amounting to €45"
  [new RegExp(String.raw`(?<=\b${MONEY_WORD}\b[^.!?\n$€£¥]{0,40}?)\s+(?:of|for|worth|totall?ing|amounting to|in the amount of)\s+${AMOUNT}`, 'gi'), ''],
  // "your $299 refund", "a $160 compensation", "the $1200 payment"
  [new RegExp(String.raw`${AMOUNT}\s+(?=${MONEY_WORD}\b)`, 'gi'), ''],
  // "paying $299 for a product", "to rebate $160"
  [new RegExp(String.raw`(?<=\b${MONEY_WORD}\s+)${AMOUNT}\s*`, 'gi'), ''],
];

/** Whether a text holds an amount (no `g` flag: `test` keeps no state between calls). */
const HAS_AMOUNT = new RegExp(AMOUNT, 'i');

/** The amounts in a text, as written. */
export function amountsIn(text: string): string[] {
  return [...text.matchAll(new RegExp(AMOUNT, 'gi'))].map((m) => m[0].trim());
}

/**
 * Removes the amounts of the old customer's case with the words that carry them ("I understand you are seeking a
 * reimbursement of $1200." → "I understand you are seeking a reimbursement."); amounts this customer wrote stay, and
 * so do policy amounts ("orders over $50").
 */
export function withoutCaseAmounts(sentence: string, customerText: string): string {
  // Every phrase holds an amount: a sentence without one is left as it is, without trying each pattern at each position.
  if (!HAS_AMOUNT.test(sentence)) return sentence;
  let out = sentence;
  for (const [pattern] of CASE_AMOUNT_PHRASES) {
    out = out.replace(pattern, (match) => (amountsIn(match).every((a) => customerText.includes(a)) ? match : ''));
  }
  return out === sentence ? out : out.replace(/\s+([,.!?;:])/g, '$1').replace(/\s{2,}/g, ' ');
}

/** Words before a number that make it the customer's reference even when capitalised ("Order 12345"). */
const REFERENCE_WORD = /^(?:order|purchase|invoice|bill|receipt|tracking|ticket|case|reference|ref|confirmation|account|number|no|id)s?$/i;

/**
 * Numbers of three or more digits in the old question ("#37777", "00108"), with the slot each becomes. A number right
 * after a name ("Zorblax 9000", "Model 3000"): a capitalised word that is not a reference word, is the product's model
 * number, which every customer shares, not the old customer's.
 */
export function caseNumbersIn(question: string): { value: string; slot: string }[] {
  const slot = /\b(?:invoice|bill|receipt)s?\b/i.test(question) ? '{{Invoice Number}}' : /\btracking\b/i.test(question) ? '{{Tracking Number}}' : '{{Order Number}}';
  const numbers = [...question.matchAll(/(?<![\w.,/$€£¥-])(#?)(\d{3,})(?![\w/-]|[.,]\d|\s?(?:usd|eur|gbp|dollars|euros|pounds)\b)/gi)]
    .filter((m) => m[1] === '#' || !isModelNumber(question.slice(0, m.index)))
    .map((m) => m[2] ?? '');
  return [...new Set(numbers)].map((value) => ({ value, slot }));
}

/** Whether the text before a number ends with a product's name (a capitalised word that is not a reference word). */
function isModelNumber(before: string): boolean {
  const word = /([A-Za-z][\w-]*)\s+$/.exec(before)?.[1];
  return word !== undefined && /[A-Z]/.test(word) && !REFERENCE_WORD.test(word);
}

/** Replaces the old question's numbers in the answer by their slots ("number \"#37777\"" → "number \"#{{Invoice Number}}\""). */
export function withCaseNumberSlots(text: string, numbers: readonly { value: string; slot: string }[]): string {
  let out = text;
  for (const { value, slot } of numbers) out = out.replace(new RegExp(`(?<![\\w.,/-])${escape(value)}(?![\\w/-]|[.,]\\d)`, 'g'), slot);
  return out;
}
