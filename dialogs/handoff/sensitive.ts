import { normalize } from './text.js';

/** Topics a person must handle, whatever the tickets say: large refunds, legal matters, safety incidents. */
export type SensitiveTopic = 'legal' | 'safety' | 'refund';

/** Every sensitive topic, in the order they are checked (the most urgent first). */
export const SENSITIVE_TOPICS: readonly SensitiveTopic[] = ['safety', 'legal', 'refund'];

/** A sum of money mentioned in a message. `currency` is an ISO code, or `XXX` when only a word like "bucks" says so. */
export interface MoneyAmount {
  amount: number;
  currency: string;
  /** The text as written ("$450", "1.200,50 EUR"). */
  text: string;
}

/** Which topics are sensitive and above which amount a refund is (`refundLimit`, in any currency, no conversion). */
export interface SensitiveOptions {
  topics: readonly SensitiveTopic[];
  refundLimit: number;
}

/** A sensitive topic found in a message, with the words that revealed it (and the amount, for refunds). */
export interface SensitiveMatch {
  topic: SensitiveTopic;
  match: string;
  amount?: MoneyAmount;
}

const SYMBOLS: Record<string, string> = { $: 'USD', 'US$': 'USD', 'A$': 'AUD', 'C$': 'CAD', 'NZ$': 'NZD', 'HK$': 'HKD', 'R$': 'BRL', '£': 'GBP', '€': 'EUR', '¥': 'JPY', '₹': 'INR', '₩': 'KRW', '₽': 'RUB', '₺': 'TRY', '₪': 'ILS', '₦': 'NGN', '₱': 'PHP', '฿': 'THB', '₫': 'VND', '₴': 'UAH', '₣': 'CHF' };
const CODES = 'USD|EUR|GBP|CAD|AUD|NZD|CHF|JPY|CNY|RMB|INR|SEK|NOK|DKK|PLN|CZK|HUF|BRL|MXN|ZAR|SGD|HKD|RUB|TRY|AED|ILS|KRW|THB|PHP|NGN';
const NAMES: Record<string, string> = { dollar: 'USD', dollars: 'USD', bucks: 'USD', pound: 'GBP', pounds: 'GBP', quid: 'GBP', euro: 'EUR', euros: 'EUR', yen: 'JPY', rupees: 'INR', francs: 'CHF', grand: 'XXX' };
const SYMBOL = '(?:US\\$|A\\$|C\\$|NZ\\$|HK\\$|R\\$|[$£€¥₹₩₽₺₪₦₱฿₫₴₣])';
const NUMBER = '(\\d{1,3}(?:[,.\\u00a0\\u202f]\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?)([kK]\\b)?';
// Codes are matched in capitals only ("try 20 times" is not Turkish lira); names in any common casing.
const NAME_FORMS = Object.keys(NAMES).flatMap((name) => [name, name[0]?.toUpperCase() + name.slice(1), name.toUpperCase()]);
const MONEY = new RegExp(
  `(?:(${SYMBOL})\\s?|\\b(${CODES})\\s?)${NUMBER}(?![\\d%])|\\b${NUMBER}\\s?(?:(${SYMBOL})|(${CODES})\\b|(${NAME_FORMS.join('|')})\\b)`,
  'g',
);

/** Reads "1,234.56", "1.234,56", "1 200" and "450" as numbers. */
function parseNumber(raw: string, thousands: string | undefined): number {
  const decimal = /[.,](\d{1,2})$/.exec(raw);
  const whole = (decimal ? raw.slice(0, decimal.index) : raw).replace(/[,.\s\u00a0\u202f]/g, '');
  return (Number(whole) + (decimal ? Number(`0.${decimal[1]}`) : 0)) * (thousands ? 1000 : 1);
}

/** Sums of money in a message, with their currency: "$450", "£1,200", "300 EUR", "€99.99", "2k USD", "50 bucks". */
export function moneyAmounts(text: string): MoneyAmount[] {
  const found: MoneyAmount[] = [];
  for (const m of text.matchAll(MONEY)) {
    const [all, symbol, code, number, k, number2, k2, symbol2, code2, name] = m;
    const raw = number ?? number2 ?? '0';
    const sign = symbol ?? symbol2;
    const iso = code ?? code2;
    const word = name?.toLowerCase();
    const currency = sign ? SYMBOLS[sign.toUpperCase()] : iso ? iso.toUpperCase().replace('RMB', 'CNY') : NAMES[word ?? ''];
    const amount = parseNumber(raw, k ?? k2) * (word === 'grand' ? 1000 : 1);
    found.push({ amount, currency: currency ?? 'XXX', text: all.trim() });
  }
  return found;
}

const MONEY_WORD = '(money|cash|funds|payment|deposit|zzmoney)';

/** Wanting money back: refunds, reimbursements, chargebacks, disputes, "I want my $450 back". Runs on normalized text. */
const REFUND_INTENT = [
  /\b(refund|refunds|refunded|refunding|reimburse|reimbursed|reimbursement|chargeback|chargebacks|compensation|compensate)\b/,
  /\bcharge (it |this |that )?back\b/,
  new RegExp(`\\b${MONEY_WORD} (back|returned|refunded|reimbursed)\\b|\\bback (my|the) ${MONEY_WORD}\\b|\\b(return|repay|give me) (my|the) ${MONEY_WORD}\\b`),
  /\b(pay|paid) me back\b/,
  /\b(dispute|reverse|cancel) (the|a|this|that|my) (charge|payment|transaction)\b/,
];

/** True when the customer wants money back (refund, chargeback, "my $450 back"). */
export function refundIntent(text: string): boolean {
  const normalized = normalize(text.replace(MONEY, ' zzmoney '));
  return REFUND_INTENT.some((pattern) => pattern.test(normalized));
}

const LEGAL = [
  /\b(lawyer|lawyers|attorney|attorneys|solicitor|solicitors|barrister|legal counsel|lawsuit|law suit|class action|litigation)\b/,
  /\b(sue|suing)( \w+){0,2} (you|u|your|them|the company|for)\b|\b(ll|will|going to|gonna|gon na|want to|could|can|would|shall|threaten to) sue\b|\bsue you\b/,
  /\blegal (action|proceedings|claim|case|steps|route|advice|department|team|letter|notice|dispute)\b/,
  /\b(take|taking|took|see|bring|drag|dragging)( \w+){0,3} (to|in) court\b|\bcourt (case|action|order|claim|proceedings|summons|hearing)\b|\bsmall claims\b|\btribunal\b/,
  /\b(ombudsman|trading standards|better business bureau|consumer protection (agency|authority|office|bureau)|information commissioner|cfpb)\b/,
  /\b(gdpr|data protection|ccpa|privacy)( \w+){0,3} (complaint|breach|violation|violating|violated|infringement|regulator|authority)\b/,
  /\b(complain|complaint|report)( \w+){0,4} (gdpr|data protection|ico|information commissioner|privacy regulator)\b/,
  /\b(breach|breached|breaching|violat\w*) (of )?(the )?(gdpr|data protection)\b/,
  /\b(illegal|illegally|unlawful|unlawfully|fraudulent trading|know my rights)\b/,
];

const SAFETY = [
  /\b(injury|injuries|injured|injuring|wounded|bleeding|concussion|fractured?|broke my (arm|leg|wrist|ankle|finger|toe|nose|tooth))\b/,
  /\b(hurt|hurts|cut|cuts) (me|myself|him|himself|her|herself|them|themselves|us|my (son|daughter|child|kid|baby|skin|hand|foot|feet|leg|arm|face|eye|neck))\b|\b(got|get|was|were|been|getting) (badly |seriously )?(hurt|injured)\b/,
  /\b(burn|burns|burned|burnt|scald|scalded|scalding)( (me|myself|my|him|his|her|their|our|the skin|skin|hand|finger|arm|leg|face|neck))\b/,
  /\b(got|get|gave me|caused|causing|left|leaving) (a |an |some |bad |nasty )?(burn|burns|scald|blister|blisters|rash|rashes|hives)\b|\b(chemical|skin) burns?\b/,
  /\b(rash|rashes|hives|blisters)( \w+)? (from|after|on my|all over)\b/,
  // "It was on fire", not "it won't play on Fire TV" (devices named Fire: TV, Stick, tablets, HD, Cube, OS, Phone).
  /\b(caught fire|catch fire|catches fire|catching fire|on fire(?! (tv|stick|tablet|tablets|hd|cube|os|phone|kids)\b)|set fire|fire hazard|burst into flames|in flames|went up in flames|exploded|explosion|electric shock|electrocuted|electrocution|overheated and)\b/,
  /\b(allergic reaction|anaphyla\w*|skin reaction|severe reaction|reaction to (the|it|this|your) (dye|fabric|material|product|detergent))\b/,
  /\b(choke|choked|choking|chokes|suffocat\w*|strangl\w*)\b/,
  // "my son swallowed a button", not "the ATM swallowed my card"
  /\b(son|daughter|child|kid|baby|toddler|dog|puppy|cat|he|she|i|they) (has |had |have |just |nearly |almost |accidentally )*swallowed\b|\bswallowed (a|an|one of the|some|the) (button|bead|piece|part|battery|magnet|sequin|pin|stud|tag|toy|small)/,
  /\b(this|the|your|these|those|it) (\w+ ){0,2}(is|are|was|were) (\w+ )?dangerous\b|\bdangerous (product|item|design|fault|defect|toy)\b/,
  /\b(unsafe|not safe|hazardous|safety (issue|concern|problem|hazard|risk|recall)|product recall|toxic|poisoned|poisoning|hospital|ambulance|emergency room|a and e)\b/,
];

function firstMatch(patterns: readonly RegExp[], text: string): string | undefined {
  for (const pattern of patterns) {
    const m = pattern.exec(text);
    if (m) return m[0];
  }
  return undefined;
}

/** The default options: every topic, refunds over 200 (`PARLEY_HANDOFF_REFUND_LIMIT`). */
export const DEFAULT_SENSITIVE_OPTIONS: SensitiveOptions = { topics: SENSITIVE_TOPICS, refundLimit: 200 };

/**
 * The sensitive topic of a message, if any: a safety incident (injury, burn, fire, allergic reaction, choking,
 * "unsafe"), a legal matter (lawyer, suing, legal action, court, GDPR complaint, ombudsman) or a refund over
 * `refundLimit` (a refund/chargeback/money-back wish with an amount above the limit). Checked in that order; topics
 * not in `options.topics` are skipped. Pure.
 */
export function sensitiveTopic(text: string, options: SensitiveOptions = DEFAULT_SENSITIVE_OPTIONS): SensitiveMatch | undefined {
  const normalized = normalize(text);
  for (const topic of SENSITIVE_TOPICS) {
    if (!options.topics.includes(topic)) continue;
    if (topic === 'refund') {
      const largest = moneyAmounts(text).sort((a, b) => b.amount - a.amount)[0];
      if (largest && largest.amount > options.refundLimit && refundIntent(text)) return { topic, match: largest.text, amount: largest };
      continue;
    }
    const match = firstMatch(topic === 'legal' ? LEGAL : SAFETY, normalized);
    if (match) return { topic, match };
  }
  return undefined;
}
