/**
 * Answers that would phish the operator's own customers: asking them to send card data, security codes, passwords or
 * one-time codes, or sending them to links outside the operator's domains. Used to quarantine tickets at ingest, to
 * drop such tickets from retrieval, and in the output check of generated answers. Pure.
 */

/** Why a text is refused. */
export type SensitiveRequestKind = 'asks_card_data' | 'asks_password' | 'asks_one_time_code' | 'external_link';

/** One reason, with a short explanation for reviewers (names the link's host, never the data). */
export interface SensitiveRequestReason {
  code: SensitiveRequestKind;
  message: string;
}

/** Options of {@link detectSensitiveRequest}. */
export interface SensitiveRequestOptions {
  /**
   * The operator's own domains (`example.com` also allows `help.example.com`). When given, any link to another host is
   * an `external_link`. When empty or absent, Parley cannot tell the operator's links from others', so a link is
   * refused only when it is risky in itself (an IP address, a `user@host` trick, punycode, a URL shortener) or sits in
   * a sentence that asks for card data, a password or a one-time code, or names a CVV, password or one-time code.
   */
  operatorDomains?: readonly string[];
}

const CARD = String.raw`(?:(?:full |long |16[- ]digit )?(?:credit |debit |bank |payment )?card(?: number| no\.?| details| info(?:rmation)?| data| numbers)|(?:credit|debit) card|card'?s? (?:expiry|expiration)(?: date)?|expiry date|expiration date|long number on (?:the|your) card|cvv2?|cvc2?|csc|card security code|security code|(?:3|4|three|four)[- ]digit (?:code|number) on the back|pin(?: number| code)?|bank (?:login|details))`;
const PASSWORD = String.raw`(?:password|passcode|pass code|passphrase|login details|login credentials|credentials|sign[- ]in details|account login)`;
const ONE_TIME = String.raw`(?:one[- ]time (?:code|password|passcode|pin)|otp|verification code|confirmation code (?:we|you) (?:sent|texted|received)|authentication code|auth code|2fa code|two[- ]factor code|sms code|text(?:ed)? code|security code (?:we|you) (?:sent|texted|received)|code (?:we|you) (?:just )?(?:sent|texted|received|got)|\d[- ]digit code)`;

const KINDS: { code: Exclude<SensitiveRequestKind, 'external_link'>; term: RegExp; what: string }[] = [
  // One-time codes first: "the security code we texted you" is a one-time code, not a card's CVV.
  { code: 'asks_one_time_code', term: new RegExp(String.raw`\b${ONE_TIME}\b`, 'i'), what: 'a one-time or verification code' },
  { code: 'asks_card_data', term: new RegExp(String.raw`\b${CARD}\b`, 'i'), what: 'card data (number, CVV, expiry or PIN)' },
  { code: 'asks_password', term: new RegExp(String.raw`\b${PASSWORD}\b`, 'i'), what: 'a password or login details' },
];

/**
 * The customer is asked to hand something over: send, share, give, tell, reply with, provide, include, e-mail/text/
 * message us, confirm/verify your…, "let us know", "we need", "what is your", "please enter"…. ("Enter your password on
 * the sign-in page" is an instruction, not a hand-over; entering it at a foreign link is caught as an external link.)
 */
const HAND_OVER = new RegExp(
  [
    String.raw`\b(?:send|share|provide|give|tell|reply|respond|forward|submit|include|read (?:out|back)|spell out|write down)(?:s|ing)?\b`,
    String.raw`\b(?:e-?mail|text|txt|message|dm|whatsapp|call)(?:ing)?\s+(?:us|me|it|them|your|the|this|those|these|back)\b`,
    String.raw`\b(?:confirm|verify)(?:ing)?\s+(?:your|the|us|me)\b`,
    String.raw`\blet us know\b|\bwe(?: will|'ll| would|'d)? (?:need|require)\b|\b(?:what|which) (?:is|are) your\b|\bplease (?:enter|type|fill in|input)\b`,
  ].join('|'),
  'gi',
);
/** A hand-over that is negated in the same clause: "we will never ask you to share", "don't send", "do not give". */
const NEGATED = /\b(?:never|not|no one|nobody|no-one|don'?t|doesn'?t|won'?t|shouldn'?t|can'?t|cannot)\b(?:[^,;:.!?\n]{0,40})$/i;
/** The operator sending a code to the customer ("we'll text you a code"), which is not a request. */
const OPERATOR_SENDS = /\bwe(?:'ll| will| can| have| just| then)?\s+(?:re)?(?:send|sent|text|texted|email|e-mail|e-mailed|emailed|give)\b/gi;
/**
 * Secrets no support answer should ask for next to a link: a card's security code, a password, a one-time code.
 * (A gift card's number and PIN entered on the shop's balance page are not among them.)
 */
const STRONG_SECRET = new RegExp(String.raw`\b(?:cvv2?|cvc2?|csc|card security code|security code|${PASSWORD}|${ONE_TIME})\b`, 'i');

/** Links: scheme URLs, `www.` hosts and bare domains with a path or a common TLD. */
const LINK = /\b(?:(?:https?|ftp):\/\/[^\s<>"'`)\]]+|www\.[^\s<>"'`)\]]+|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|info|biz|io|co|me|app|link|site|online|xyz|top|shop|store|click|support|help|live|pay|cc|ru|cn|tk|ml|ga|cf|gq|uk|de|fr|es|it|nl|eu|us|ca|au|in|ly|gl|gd|at|gy|id|to|ws|su|pw|example|test)(?::\d+)?(?:\/[^\s<>"'`)\]]*)?)(?![\w@-])/gi;
const SHORTENERS = /^(?:bit\.ly|tinyurl\.com|t\.co|goo\.gl|ow\.ly|is\.gd|buff\.ly|rebrand\.ly|cutt\.ly|shorturl\.at|rb\.gy|t\.ly|tiny\.cc|lnkd\.in|s\.id|v\.gd)$/i;

/** The host a link points at (lower case, no port, no trailing dot), or undefined when it does not parse. */
function hostOf(link: string): { host: string; userinfo: boolean } | undefined {
  const raw = link.replace(/[.,;:!?]+$/, '');
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
    return { host: url.hostname.toLowerCase().replace(/\.$/, ''), userinfo: Boolean(url.username || url.password) };
  } catch {
    return undefined;
  }
}

/** True when `host` is one of `domains` or a sub-domain of one. */
export function isOperatorHost(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase();
  return domains.some((domain) => {
    const d = domain.toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '');
    return Boolean(d) && (h === d || h.endsWith(`.${d}`));
  });
}

/** Why a link's host is risky whatever the operator's domains: an IP address, punycode, a shortener, `user@host`. */
function riskyHost(host: string, userinfo: boolean): string | undefined {
  if (userinfo) return 'hides its real host behind a user name';
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.startsWith('[')) return 'points at a bare IP address';
  if (host.split('.').some((label) => label.startsWith('xn--'))) return 'uses a look-alike (punycode) host name';
  if (SHORTENERS.test(host)) return 'hides its target behind a link shortener';
  return undefined;
}

/** Sentences (and list items), so that a request and its negation are judged where they are written. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim());
}

/**
 * Where, around each hand-over the sentence asks for (non-negated), the thing handed over is named: a little before
 * the verb ("your CVV: reply with it") and more after it ("send us the card number"). Offsets into the sentence.
 */
function handOverWindows(sentence: string): [number, number][] {
  const text = sentence.replace(OPERATOR_SENDS, (m) => ' '.repeat(m.length));
  const windows: [number, number][] = [];
  for (const m of text.matchAll(HAND_OVER)) {
    if (!NEGATED.test(text.slice(0, m.index))) windows.push([Math.max(0, m.index - 40), m.index + m[0].length + 80]);
  }
  return windows;
}

/** The kinds of secret a sentence asks for within its hand-over windows; what an earlier kind named is not looked at again. */
function askedKinds(sentence: string, windows: readonly [number, number][]): typeof KINDS {
  let rest = sentence;
  const asked: typeof KINDS = [];
  for (const kind of KINDS) {
    if (windows.some(([from, to]) => kind.term.test(rest.slice(from, to)))) asked.push(kind);
    // "The one-time passcode" is a one-time code, not also a password.
    rest = rest.replace(new RegExp(kind.term.source, 'gi'), (m) => ' '.repeat(m.length));
  }
  return asked;
}

/**
 * The reasons `text` may not be shown to customers: it asks them to hand over card data, a password or a one-time
 * code (warnings such as "we will never ask for your CVV" are fine), or links outside the operator's domains (see
 * {@link SensitiveRequestOptions.operatorDomains}). Empty when the text is safe.
 */
export function detectSensitiveRequest(text: string, options: SensitiveRequestOptions = {}): SensitiveRequestReason[] {
  const reasons = new Map<SensitiveRequestKind, SensitiveRequestReason>();
  const domains = options.operatorDomains ?? [];
  for (const sentence of sentences(text)) {
    const asked = askedKinds(sentence, handOverWindows(sentence));
    for (const kind of asked) {
      if (!reasons.has(kind.code)) reasons.set(kind.code, { code: kind.code, message: `asks customers to send ${kind.what}` });
    }
    if (reasons.has('external_link')) continue;
    for (const m of sentence.matchAll(LINK)) {
      const parsed = hostOf(m[0]);
      if (!parsed) continue;
      const { host, userinfo } = parsed;
      const risky = riskyHost(host, userinfo);
      const external = domains.length > 0 && !isOperatorHost(host, domains);
      const prompted = domains.length === 0 && (asked.length > 0 || STRONG_SECRET.test(sentence));
      if (risky || external || prompted) {
        const why = risky ?? (external ? 'is outside the operator\'s domains' : 'is offered next to a request for secrets (set PARLEY_OPERATOR_DOMAINS to list your own domains)');
        reasons.set('external_link', { code: 'external_link', message: `links to ${host}, which ${why}` });
        break;
      }
    }
  }
  return [...reasons.values()];
}
