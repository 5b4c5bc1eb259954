import { PII_KINDS } from '../redaction/index.js';

/**
 * Slots in past answers: `{{Order Number}}`-style placeholders (as in Bitext-style answer sets) and the typed tokens
 * redaction leaves (`[ORDER_ID]`, `[NAME]`). Each is a value of this customer, an operator fact (phone, hours,
 * website, policies) or the label of a button or page ("{{Order History}}"). Pure.
 */

/** Values of the customer that answers may need; found in what this customer wrote. */
export type CustomerField = 'orderNumber' | 'invoiceNumber' | 'trackingNumber' | 'accountType' | 'email' | 'name' | 'phone' | 'accountId' | 'address';

/** What this customer told us, by field. */
export type CustomerValues = Partial<Record<CustomerField, string>>;

/** Operator facts by name (`parley facts set NAME VALUE`); names are compared through {@link factKey}. */
export type Facts = Readonly<Record<string, string>>;

/**
 * One slot: a customer value, an operator fact or a label. A fact without a configured value is said as its
 * `fallback` (with a determiner: "our website"), as `without` verbatim ("from us"), or its sentence goes.
 */
export type SlotRole = { role: 'customer'; field?: CustomerField } | { role: 'fact'; key: string; fallback?: string; without?: string } | { role: 'label'; text: string };

/** The normalised name of a fact or slot: lower case, words joined by `_`, without "anonymized" ("Customer Support Phone Number" → `customer_support_phone_number`). */
export function factKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\banonymi[sz]ed\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * Families of facts: a slot of the family is filled by a fact of the same name, else by any fact named like the family
 * (so `parley facts set phone …` fills `{{Customer Support Phone Number}}`). Checked in order.
 */
const FACT_FAMILIES: readonly { key: string; slot: RegExp; fallback?: string }[] = [
  { key: 'phone', slot: /phone|call\b|toll.?free|hotline/ },
  { key: 'email', slot: /e_?mail/ },
  { key: 'hours', slot: /hours|availability|operating|start_time|end_time|business_time/ },
  { key: 'website_url', slot: /url|link|web_address/ },
  { key: 'website', slot: /website|web_site|site_name|service_website/, fallback: 'website' },
  { key: 'app', slot: /mobile_app|app_name/, fallback: 'app' },
  { key: 'company', slot: /company|brand|store_name/ },
  { key: 'refund_policy', slot: /refund|reimburse|money_back|restitution|rebate/ },
  { key: 'cancellation_policy', slot: /cancel|termination|withdrawal|early_exit/ },
  { key: 'delivery_time', slot: /eta|estimated_time|delivery_time|number_of_days|days/ },
  { key: 'response_time', slot: /response_time/ },
];

/** Slot names of customer values, by field. */
const CUSTOMER_SLOTS: readonly [CustomerField, RegExp][] = [
  ['invoiceNumber', /\b(?:invoice|bill)(?: number| id| no)\b/],
  ['trackingNumber', /\btracking (?:number|id|code)\b/],
  ['orderNumber', /\b(?:order|purchase)(?: number| id| no)\b/],
  ['accountType', /\baccount (?:type|category|level|plan)\b/],
  ['name', /\b(?:person|client|customer|first|full|last|user)? ?name(?: field)?\b/],
];

/** Names of labels that describe contents rather than name a button: facts in disguise ("{{refund processing time}}"). */
const DESCRIPTIVE = /\b(?:situations?|circumstances|conditions|cases?|eligible|percentage|timeframe|time frame|processing time|period|fees?|charges?|penalt(?:y|ies)|policy)\b/i;

/** What a `{{Name}}` slot stands for. */
export function slotRole(name: string): SlotRole {
  const trimmed = name.trim().replace(/^"+|"+$/g, '');
  const plain = trimmed.toLowerCase().replace(/\banonymi[sz]ed\b/g, '').replace(/\s+/g, ' ').trim();
  // A past customer's value left in braces ("{{113542617735902}}").
  if (/^[#\dA-F-]{5,}$/i.test(plain) && /\d/.test(plain)) return { role: 'customer', field: 'orderNumber' };
  const key = factKey(trimmed);
  for (const [field, pattern] of CUSTOMER_SLOTS) {
    if (pattern.test(plain) && !/website|company|app|brand|support|service/.test(plain)) return { role: 'customer', field };
  }
  for (const family of FACT_FAMILIES) {
    if (family.slot.test(key) && (family.key !== 'refund_policy' && family.key !== 'cancellation_policy' ? true : DESCRIPTIVE.test(plain))) {
      return { role: 'fact', key, ...(family.fallback ? { fallback: family.fallback } : {}) };
    }
  }
  // Other values of the past customer ("{{Purchase Date Anonymized}}", "{{Payment Method Anonymized}}").
  if (/\banonymi[sz]ed\b/i.test(trimmed)) return { role: 'customer' };
  // A label names a button, page or section in a few capitalised words; longer or lower-case texts describe a fact.
  const words = trimmed.split(/\s+/);
  if (DESCRIPTIVE.test(trimmed) || words.length > 5 || /^[a-z]/.test(trimmed) || /\d/.test(trimmed)) return { role: 'fact', key };
  return { role: 'label', text: trimmed.replace(/"+/g, '') };
}

/** The fact a slot of this key needs: the same name, else a fact named by its family (`phone`, `hours`, …). */
export function factFor(key: string, facts: Facts): string | undefined {
  const byKey = new Map(Object.entries(facts).map(([name, value]) => [factKey(name), value.trim()]));
  const exact = byKey.get(key);
  if (exact) return exact;
  for (const family of FACT_FAMILIES) {
    if (!family.slot.test(key)) continue;
    const value = byKey.get(family.key) ?? [...byKey.entries()].find(([name]) => family.slot.test(name))?.[1];
    if (value) return value;
    // Only the first family the slot belongs to decides ("support email" is an e-mail, not a website).
    break;
  }
  return undefined;
}

/** Redaction tokens and the customer value each stands for (context decides for contact details, see below). */
const TOKEN_FIELDS: Readonly<Record<string, CustomerField>> = {
  ORDER_ID: 'orderNumber',
  NAME: 'name',
  EMAIL: 'email',
  PHONE: 'phone',
  ACCOUNT_ID: 'accountId',
  ADDRESS: 'address',
};

/** Redaction tokens no answer may carry in any form: the sentence goes (another customer's card, birth date, documents). */
const DROP_TOKENS = new Set(['CARD', 'IBAN', 'CVV', 'PASSPORT', 'DATE_OF_BIRTH', 'URL_WITH_TOKEN', 'IP']);

/**
 * Words before a contact token that make it this customer's own address or number: where the shop wrote or will write
 * to them ("we sent it to [EMAIL]", "we'll call you on [PHONE]", "it was sent to [EMAIL]"), their account's ("your
 * e-mail address [EMAIL]", "registered with [EMAIL]") or where they write from ("reply from [EMAIL]").
 */
const CUSTOMER_CONTACT = new RegExp(
  [
    String.raw`\byou\s+(?:at|on|via)`,
    String.raw`\b(?:we|I)(?:['’](?:ve|ll|d)|\s+(?:have|had|will|would|just|already|also))*\s+(?:\w+\s+)?(?:sent|send|resent|resend|emailed|e-mailed|mailed|texted|forwarded|messaged|called|rang)\b[^.!?]{0,30}\b(?:to|at|on)`,
    String.raw`\b(?:was|were|been|is|are|be|get|gets|went|goes)\s+(?:\w+\s+)?(?:sent|emailed|e-mailed|mailed|texted|forwarded|delivered|registered|linked|associated)\s+(?:to|at|with|under|on)`,
    String.raw`\byour\s+(?:(?:e-?mail|mail|phone|mobile|cell|contact|registered|account|login|sign-in)\s+)*(?:e-?mail|phone|mobile|cell|number|address|details)(?:\s+(?:address|number))?\s*(?:is|of|as|,|:)?\s*\(?`,
    String.raw`\b(?:registered|associated|linked|signed up|on file|log in|logged in|sign in|signed in)\b[^.!?]{0,20}\b(?:with|under|to|as|using|at)`,
    String.raw`\b(?:reply|replying|write|writing|respond|responding)(?:\s+(?:to\s+)?us)?\s+from`,
  ].map((part) => `(?:${part})`).join('|') + String.raw`\s*$`,
  'i',
);
/**
 * Words before a contact token that make it the shop's: an address or number the customer is told to write to, call
 * or contact ("call us at [PHONE]", "please email [EMAIL]", "send the photos to [EMAIL]") or that the shop writes from
 * ("tracking e-mails come from [EMAIL]").
 */
const OPERATOR_CONTACT = /(?:\b(?:us|our(?: \w+)?|support|team|department|desk|service|helpline|hotline|line|reach|call|ring|dial|phone|text|sms|whatsapp|e-?mail|mail|message|write(?: to)?|contact|cc|copy|fax|from|at|on|via)|\bsend\b[^.!?]{0,40}\bto)\s*[:(]?\s*$/i;
/** A shop's address the customer hears from ("from [EMAIL]"): without the fact, "from us". */
const SENDER_CONTACT = /\bfrom\s*$/i;

/**
 * Whose a contact token (`[EMAIL]`, `[PHONE]`) is, from the words before it: this customer's own (theirs to give),
 * the shop's (an operator fact), or unclear (the sentence goes: neither another customer's address nor a guess).
 */
function contactRole(field: 'email' | 'phone', before: string): SlotRole | { role: 'drop' } {
  if (CUSTOMER_CONTACT.test(before)) return { role: 'customer', field };
  if (OPERATOR_CONTACT.test(before)) return { role: 'fact', key: field, ...(SENDER_CONTACT.test(before) ? { without: 'us' } : {}) };
  return { role: 'drop' };
}

/** Nouns that a customer value follows ("order 1234", "invoice #{{Invoice Number}}"), by field. */
const VALUE_NOUNS: Readonly<Partial<Record<CustomerField, string>>> = {
  orderNumber: 'order|purchase|parcel|package|shipment',
  invoiceNumber: 'invoice|bill',
  trackingNumber: 'tracking(?: number)?|shipment|parcel|package',
  accountId: 'account',
};

/** How a missing customer value is said without it ("your order"). */
const NEUTRAL: Readonly<Partial<Record<CustomerField, string>>> = {
  email: 'your e-mail address',
  phone: 'your phone number',
  address: 'your address',
  accountId: 'your account',
  accountType: 'your account type',
};

/** Sentences that tell the customer what to do. */
const INSTRUCTION = /^(?:\d+[.)]\s*)?(?:please\s+|simply\s+|just\s+)?(?:enter|use|type|quote|provide|give|include|add|paste|search|track|go|visit|open|check|select|click|find|look|reply|send|keep|have|you can|you'll|you will|you need|you may)\b/i;

/** A slot found in a text. */
interface Found {
  raw: string;
  index: number;
  role: SlotRole | { role: 'drop' };
}

/** The tokens redaction writes (`[ORDER_ID]`, `[NAME]`, …); other bracketed words ("[PDF]") are text. */
const TOKENS = PII_KINDS.map((kind) => kind.toUpperCase()).join('|');
const SLOT = new RegExp(`\\{\\{([^{}]{1,80})\\}\\}|\\[(${TOKENS})\\]`, 'g');
const ANY_TOKEN = new RegExp(`\\[(?:${TOKENS})\\]`);

function findSlots(text: string): Found[] {
  return [...text.matchAll(SLOT)].map((m) => {
    const raw = m[0];
    if (m[1] !== undefined) return { raw, index: m.index, role: slotRole(m[1]) };
    const token = m[2] as string;
    if (DROP_TOKENS.has(token)) return { raw, index: m.index, role: { role: 'drop' } };
    const field = TOKEN_FIELDS[token];
    if (!field) return { raw, index: m.index, role: { role: 'drop' } };
    const before = text.slice(Math.max(0, m.index - 60), m.index);
    if (field === 'phone' || field === 'email') return { raw, index: m.index, role: contactRole(field, before) };
    // Redaction calls every reference an order id; the noun before it says which one it is.
    if (field === 'orderNumber' && /\b(?:invoice|bill|receipt)\b[^.!?]{0,12}$/i.test(before)) return { raw, index: m.index, role: { role: 'customer', field: 'invoiceNumber' } };
    if (field === 'orderNumber' && /\btracking\b[^.!?]{0,12}$/i.test(before)) return { raw, index: m.index, role: { role: 'customer', field: 'trackingNumber' } };
    return { raw, index: m.index, role: { role: 'customer', field } };
  });
}

/** True when a text still holds a slot or redaction token of any kind (what a reply must never show). */
export function hasSlot(text: string): boolean {
  return /\{\{|\}\}/.test(text) || ANY_TOKEN.test(text);
}

/** The outcome of {@link fillSlots}. */
export interface FilledSlots {
  text: string;
  /** Customer values the text referred to that the customer has not given (said neutrally, or their sentence dropped). */
  missing: CustomerField[];
  /** Of those, the values a sentence could not be said without (worth asking the customer for). */
  needed: CustomerField[];
  /** Sentences dropped because a fact was not configured or the slot cannot be said without its value. */
  dropped: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Fills the slots of one sentence: labels become their text, facts their configured value, customer values what this
 * customer gave; without one, a value after its noun is said neutrally ("cancel order {{Order Number}}" → "cancel
 * your order"), a name is left out, and any other slot drops the sentence (returns undefined).
 */
function fillSentence(sentence: string, customer: CustomerValues, facts: Facts, missing: Set<CustomerField>, needed: Set<CustomerField>): string | undefined {
  let out = sentence;
  for (const slot of findSlots(sentence)) {
    const { role } = slot;
    if (role.role === 'drop') return undefined;
    if (role.role === 'label') {
      out = out.replace(slot.raw, role.text);
      continue;
    }
    if (role.role === 'fact') {
      const fact = factFor(role.key, facts);
      const fallback = 'fallback' in role ? role.fallback : undefined;
      if (!fact && role.without) {
        out = out.replace(slot.raw, role.without);
        continue;
      }
      if (!fact && !fallback) return undefined;
      // Without the fact, a neutral word ("our website"), with a determiner unless one is there.
      const determined = /\b(?:our|the|your|a|an|this|that)\s+$/i.test(out.slice(0, out.indexOf(slot.raw)));
      out = out.replace(slot.raw, fact ?? (determined ? (fallback as string) : `our ${fallback as string}`));
      continue;
    }
    const field = role.field;
    const value = field ? customer[field] : undefined;
    if (value) {
      // The customer's own value, without doubling its "#" ("invoice #{{Invoice Number}}" + "#12588").
      out = out.replace(new RegExp(`(#\\s*)?${escape(slot.raw)}`), (m) => (m.startsWith('#') ? `#${value.replace(/^#/, '')}` : value));
      continue;
    }
    if (field) missing.add(field);
    // "Mr. [NAME]" is someone the old customer named: without this customer's own words for them, the sentence goes.
    if (field === 'name' && new RegExp(`\\b(?:mr|mrs|ms|miss|dr|prof)\\.?\\s*${escape(slot.raw)}`, 'i').test(out)) return undefined;
    if (field === 'name') {
      out = out.replace(new RegExp(`(?:\\s*,)?\\s*${escape(slot.raw)}(?=\\s*[,.!?;:]|\\s*$)|\\s*${escape(slot.raw)}`), '');
      continue;
    }
    const nouns = field ? VALUE_NOUNS[field] : undefined;
    if (nouns) {
      const phrase = new RegExp(`\\b(?:(?:the|your|an?|this|that)\\s+)?(?:(?:specific|particular|same)\\s+)?(${nouns})(?:\\s+(?:with\\s+)?(?:the\\s+)?(?:number|no\\.?|id|reference|ref|code))?\\s*(?:#|:|number|no\\.?)?\\s*${escape(slot.raw)}`, 'i');
      if (phrase.test(out)) {
        out = out.replace(phrase, (_m, noun: string) => `your ${noun.toLowerCase()}`);
        continue;
      }
    }
    // "a {{Account Type}} account" → "an account": the kind goes, the noun stays.
    if (field === 'accountType') {
      const kind = new RegExp(`(?:\\b(a|an)\\s+)?${escape(slot.raw)}\\s+(?=account|plan|membership|tier|subscription)`, 'i');
      if (kind.test(out)) {
        out = out.replace(kind, (_m, article?: string) => (article ? `${article.charAt(0)}n ` : ''));
        continue;
      }
    }
    const neutral = field ? NEUTRAL[field] : undefined;
    if (!neutral) {
      // Only an instruction to the customer needs their value ("Enter {{Tracking Number}} …"); a statement about
      // the old case ("I found #[ORDER_ID] …") just goes.
      if (field && INSTRUCTION.test(sentence)) needed.add(field);
      return undefined;
    }
    out = out.replace(slot.raw, neutral);
  }
  return out.replace(/\byour your\b/gi, 'your').replace(/\s{2,}/g, ' ');
}

/**
 * Fills every slot of a text (see {@link fillSentence}) sentence by sentence, keeping line breaks; sentences that
 * cannot be said are dropped. Pure.
 */
export function fillSlots(text: string, customer: CustomerValues, facts: Facts = {}): FilledSlots {
  const missing = new Set<CustomerField>();
  const needed = new Set<CustomerField>();
  let dropped = 0;
  const lines = text.split('\n').map((line) => {
    if (!hasSlot(line)) return line;
    // A list number ("1. Log in …") starts its item, not a sentence.
    const parts = line.split(/(?<=[^\d\s][.!?])\s+/);
    const kept = parts.flatMap((part) => {
      const filled = fillSentence(part, customer, facts, missing, needed);
      if (filled === undefined || hasSlot(filled)) {
        dropped++;
        return [];
      }
      return [filled];
    });
    const joined = kept.join(' ');
    return /^\s*(?:\d+[.)]|[-*•])?\s*$/.test(joined) ? '' : joined;
  });
  const original = text.split('\n');
  const kept = lines.filter((line, i) => line.trim() || !original[i]?.trim());
  return { text: kept.join('\n').replace(/\n{3,}/g, '\n\n').trim(), missing: [...missing], needed: [...needed], dropped };
}
