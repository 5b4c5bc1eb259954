/** Kinds of entity that decide whether a past answer fits a question. */
export type EntityKind = 'country' | 'product' | 'size' | 'payment' | 'platform' | 'orderState';

/** One canonical entity value and the patterns that name it. */
export interface LexiconEntry {
  /** Canonical value ("canada", "eu", "apple pay"). */
  value: string;
  /** Source of a regular expression (matched case-insensitively unless `caseSensitive`). */
  pattern: string;
  /** Wider values this one belongs to ("spain" → "eu"; "iphone" → "ios"); agreement with them counts as agreement. */
  within?: string[];
  /** Values of the same family that are not a contradiction ("visa" and "mastercard" are both cards). */
  family?: string;
  caseSensitive?: boolean;
}

const EU_MEMBERS: [string, string][] = [
  ['austria', 'austria'], ['belgium', 'belgium'], ['bulgaria', 'bulgaria'], ['croatia', 'croatia'], ['cyprus', 'cyprus'],
  ['czechia', 'czech(?:ia| republic)'], ['denmark', 'denmark'], ['estonia', 'estonia'], ['finland', 'finland'], ['france', 'france'],
  ['germany', 'germany'], ['greece', 'greece'], ['hungary', 'hungary'], ['ireland', 'ireland'], ['italy', 'italy'],
  ['latvia', 'latvia'], ['lithuania', 'lithuania'], ['luxembourg', 'luxembourg'], ['malta', 'malta'], ['netherlands', '(?:the )?netherlands|holland'],
  ['poland', 'poland'], ['portugal', 'portugal'], ['romania', 'romania'], ['slovakia', 'slovakia'], ['slovenia', 'slovenia'],
  ['spain', 'spain'], ['sweden', 'sweden'],
];
const OTHER_COUNTRIES: [string, string][] = [
  ['canada', 'canada'], ['australia', 'australia'], ['new zealand', 'new zealand'], ['mexico', 'mexico'], ['brazil', 'brazil'],
  ['argentina', 'argentina'], ['chile', 'chile'], ['japan', 'japan'], ['china', 'china'], ['hong kong', 'hong kong'],
  ['india', 'india'], ['singapore', 'singapore'], ['south korea', 'south korea|korea'], ['philippines', 'philippines'],
  ['indonesia', 'indonesia'], ['malaysia', 'malaysia'], ['thailand', 'thailand'], ['vietnam', 'vietnam'],
  ['south africa', 'south africa'], ['nigeria', 'nigeria'], ['kenya', 'kenya'], ['egypt', 'egypt'], ['israel', 'israel'],
  ['turkey', 'turkey'], ['uae', 'uae|united arab emirates|dubai'], ['saudi arabia', 'saudi arabia'], ['russia', 'russia'],
  ['ukraine', 'ukraine'], ['switzerland', 'switzerland'], ['norway', 'norway'], ['iceland', 'iceland'], ['puerto rico', 'puerto rico'],
];

/** Countries and regions. "US" and "UK" are matched in capitals only, so that "us" the pronoun is not a country. */
export const COUNTRIES: LexiconEntry[] = [
  { value: 'us', pattern: 'US|U\\.S\\.A?\\.?|USA', caseSensitive: true },
  { value: 'us', pattern: 'united states|america|stateside|contiguous states|continental us|lower 48|alaska|hawaii' },
  { value: 'uk', pattern: 'UK|U\\.K\\.', caseSensitive: true },
  { value: 'uk', pattern: 'united kingdom|(?:great )?britain|england|scotland|wales|northern ireland' },
  { value: 'eu', pattern: 'EU', caseSensitive: true },
  { value: 'eu', pattern: 'european union|europe|eu countries|eurozone' },
  ...EU_MEMBERS.map(([value, pattern]) => ({ value, pattern, within: ['eu'] })),
  ...OTHER_COUNTRIES.map(([value, pattern]) => ({ value, pattern })),
];

/**
 * Product lines whose answers differ (banking, telecom, travel). Garment types are left out: measured on the sample
 * store, the answer to a missing, damaged or cheaper item is the same for a scarf and a belt, and a garment mismatch
 * pushed the right ticket out.
 */
export const PRODUCTS: LexiconEntry[] = [
  { value: 'virtual card', pattern: 'virtual cards?|disposable cards?' },
  { value: 'physical card', pattern: 'physical cards?|plastic card' },
  { value: 'mortgage', pattern: 'mortgages?|home loan' },
  { value: 'loan', pattern: '(?:personal |car )?loans?', family: 'credit' },
  { value: 'savings account', pattern: 'savings? accounts?|isa' },
  { value: 'prepaid', pattern: 'prepaid (?:plans?|sims?|phones?|accounts?|top-?ups?)|pay[- ]as[- ]you[- ]go|payg', family: 'phone plan' },
  { value: 'postpaid', pattern: 'postpaid|monthly contract|contract plan', family: 'phone plan' },
  { value: 'broadband', pattern: 'broadband|fib(?:re|er) internet|home internet|wi-?fi router', family: 'internet' },
  { value: 'esim', pattern: 'e-?sim', family: 'sim' },
  { value: 'sim card', pattern: 'sim cards?|physical sim', family: 'sim' },
  { value: 'flight', pattern: 'flights?|plane tickets?', family: 'travel' },
  { value: 'hotel', pattern: 'hotels?|hotel rooms?' },
  { value: 'train', pattern: 'trains?|rail tickets?', family: 'travel' },
  { value: 'car rental', pattern: 'car rentals?|rental cars?|hire cars?', family: 'travel' },
];

/** Sizes: ranges decide (petite vs tall); letter and number sizes are kept but weigh little. */
export const SIZES: LexiconEntry[] = [
  { value: 'petite', pattern: 'petite' },
  { value: 'tall', pattern: 'tall (?:range|sizes?|fit)|long leg' },
  { value: 'plus', pattern: 'plus[- ]sizes?|curve range|extended sizes?' },
  { value: 'maternity', pattern: 'maternity' },
  { value: 'kids', pattern: "kids'?|children'?s|toddler|baby|babies", family: 'young' },
];

/** Ways to pay. Cards of different schemes are one family (no contradiction); PayPal vs a card is one. */
export const PAYMENTS: LexiconEntry[] = [
  { value: 'paypal', pattern: 'pay ?pal' },
  { value: 'apple pay', pattern: 'apple ?pay', family: 'wallet' },
  { value: 'google pay', pattern: 'google ?pay|g ?pay', family: 'wallet' },
  { value: 'klarna', pattern: 'klarna', family: 'pay later' },
  { value: 'afterpay', pattern: 'afterpay|clearpay', family: 'pay later' },
  { value: 'affirm', pattern: 'affirm', family: 'pay later', caseSensitive: true },
  { value: 'venmo', pattern: 'venmo' },
  { value: 'amex', pattern: 'amex|american express', family: 'card' },
  { value: 'visa', pattern: 'visa(?! application| requirements?| waiver)', family: 'card' },
  { value: 'mastercard', pattern: 'master ?card', family: 'card' },
  { value: 'debit card', pattern: 'debit cards?', family: 'card' },
  { value: 'credit card', pattern: 'credit cards?', family: 'card' },
  { value: 'gift card', pattern: 'gift ?cards?|gift vouchers?|e-?gift' },
  { value: 'bank transfer', pattern: 'bank transfers?|wire transfers?|sepa|ach transfer' },
  { value: 'cash', pattern: 'cash on delivery|in cash|pay cash' },
  { value: 'crypto', pattern: 'crypto(?:currenc(?:y|ies))?|bitcoin' },
  { value: 'cheque', pattern: 'cheques?' },
];

/** Devices, operating systems and services a question can be about. */
export const PLATFORMS: LexiconEntry[] = [
  { value: 'ios', pattern: 'ios|iphone|ipad|app store', family: 'apple' },
  { value: 'android', pattern: 'android|google play|play store|samsung galaxy|pixel phone' },
  { value: 'mac', pattern: 'macos|macbook|imac|mac os', family: 'apple' },
  { value: 'windows', pattern: 'windows(?: \\d+)?|\\bpc\\b' },
  { value: 'xbox', pattern: 'xbox' },
  { value: 'playstation', pattern: 'playstation|ps[345]' },
  { value: 'switch', pattern: 'nintendo switch' },
  { value: 'smart tv', pattern: 'smart tv|roku|fire ?tv|fire ?stick|chromecast|apple tv' },
  { value: 'web', pattern: 'web ?browser|website|chrome|firefox|safari|desktop site' },
  { value: 'alexa', pattern: 'alexa|echo dot' },
  { value: 'watch', pattern: 'apple watch|smart ?watch|wear ?os' },
];

/** Where an order is; different states contradict each other (not shipped vs shipped, delivered vs not arrived). */
export const ORDER_STATES: LexiconEntry[] = [
  { value: 'not shipped', pattern: "(?:hasn'?t|has not|haven'?t|not|never|yet to be|n'?t been) (?:yet )?(?:been )?(?:shipped|dispatched|sent)|before (?:it|they|the order) (?:ships?|is shipped)|still (?:processing|pending)" },
  { value: 'shipped', pattern: '(?:already|has|have|was|been|just) (?:been )?(?:shipped|dispatched)|(?:is|it\'s) (?:in transit|on (?:its|the) way)|after (?:it|the order) (?:has )?shipped' },
  { value: 'not delivered', pattern: "(?:hasn'?t|has not|haven'?t|didn'?t|did not|never|not|still not|still hasn'?t) (?:yet )?(?:arrived?|been delivered|received|got(?:ten)?|turned up|showed up)|lost (?:in the post|parcel|package)|missing (?:parcel|package)" },
  { value: 'delivered', pattern: '(?:has|have|was|were|it) (?:been )?(?:delivered|arrived)|(?:arrived|received) (?:it|them|my|the|today|yesterday)' },
  { value: 'cancelled', pattern: 'cancell?ed|cancel(?:l?ing)? (?:my|the|an) order' },
];

/**
 * The lexicon of every kind; how much a contradiction of that kind weighs (0–1: a country decides an answer, an order
 * state or a size range less often); and whether a ticket's kind is read from its question alone (an answer mentions
 * products and order states in passing: "once your order has shipped…").
 */
export const LEXICON: Record<EntityKind, { entries: LexiconEntry[]; weight: number; questionOnly: boolean }> = {
  country: { entries: COUNTRIES, weight: 1, questionOnly: false },
  platform: { entries: PLATFORMS, weight: 1, questionOnly: false },
  payment: { entries: PAYMENTS, weight: 0.8, questionOnly: false },
  orderState: { entries: ORDER_STATES, weight: 0.5, questionOnly: true },
  size: { entries: SIZES, weight: 0.3, questionOnly: true },
  product: { entries: PRODUCTS, weight: 0.5, questionOnly: true },
};
