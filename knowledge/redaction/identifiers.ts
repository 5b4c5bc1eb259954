import { finding, type PiiFinding, type PiiKind } from './types.js';

/** Nouns naming a transaction: the identifier after them is an `order_id`. */
const ORDER_NOUNS = 'order|orders|purchase|po|invoice|receipt|transaction|txn|return|rma|shipment|parcel|package|tracking|booking|reservation|confirmation|ticket|case|claim|refund|ref|reference|incident|request';
/** Nouns naming a person's account: the identifier after them is an `account_id`. */
const ACCOUNT_NOUNS = 'account|acct|a\\/c|customer|client|member|membership|loyalty|rewards|subscriber|subscription|user|player|policy|contract|license|licence|card member|profile|frequent fl[yi]er|fl[yi]er|mileage|club';
const LABEL = '(?:\\s*(?:number|numbers|no|num|nr|#|id|ids|code|ref|reference|confirmation|request)\\b\\.?){0,2}';
/** Up to a few words between the noun and the identifier when they end with "is", "was", ":" or "#". */
const BRIDGE = "(?:[^.!?\\n\\d#:]{0,30}?(?:\\bis\\b|\\bwas\\b|\\bremains\\b|\\bstays\\b|\\breads\\b|:|#)|\\s+(?:for|of|on|with|under|about|from)\\b|\\s*(?:is|was|=|:|-|,|\\()?)";
/** The identifier: letters, digits and dashes, at least three digits, four characters or more. */
const TOKEN = '#?\\s?(?<![A-Za-z0-9])([A-Za-z0-9](?:[A-Za-z0-9-]{2,34}[A-Za-z0-9]))(?![\\w-]|[.,]\\d)';

function cued(nouns: string, notAfter = ''): RegExp {
  return new RegExp(`\\b${notAfter}(?:${nouns})\\b${LABEL}${BRIDGE}\\s*${TOKEN}`, 'gi');
}

const CUED: { kind: PiiKind; pattern: RegExp }[] = [
  // "customer reference CUS-448120" names an account, not an order.
  { kind: 'order_id', pattern: cued(ORDER_NOUNS, '(?<!(?:customer|account|member|client|membership|policy)\\s)') },
  { kind: 'account_id', pattern: cued(ACCOUNT_NOUNS) },
];
/** Further ids in a list after a cued one: ", NW60019", " and #NW60020", " / TC-5530418". */
const LIST_NEXT = new RegExp(`^\\s*(?:,|and|or|&|/|\\+)\\s*(?:and\\s+)?${TOKEN}`, 'i');
/** "my gamertag is phantom_77", "username: j.doe-1990": a login name after an explicit cue, digits optional. */
const USERNAME = /\b(?:gamer ?tag|user ?name|login(?: name| id)?|screen ?name|psn(?: id| name)?|online id|player (?:name|id)|epic (?:id|name)|xbox (?:live )?(?:id|name))\s*(is|was|:|=|-)?\s*['"“]?([A-Za-z][\w.-]{2,30}[A-Za-z0-9_])(?![\w@-])/gi;
/** Words that follow a username cue without being one ("my username is not working"). */
const NOT_USERNAME = /^(?:not|and|but|the|that|this|was|is|has|had|got|still|already|changed|correct|wrong|invalid|taken|locked|blocked|missing|gone|same|different|available|working|showing|please|because|which|for|from|with|without|on|in|to|it|so|now)$/i;

/** Marketplace order numbers such as 112-3456789-1234567, recognisable without a cue. */
const MARKETPLACE_ORDER = /(?<![\w-])\d{3}-\d{7}-\d{7}(?![\w-])/g;
/**
 * "#NW48213", "#480213-B": a hash followed by letters and four digits or more, or by five digits or more (not hashtags
 * such as "#Covid19", nor "error code #1006").
 */
const HASH_ID = /(?<![\w&#])(?<!\b(?:error|code|err|issue|step|no|number|version|build)\s*)#((?:[A-Za-z]{1,4}-?\d{4,12}|\d{5,12})(?:-[A-Za-z0-9]{1,6})?)(?![\w-])/gi;

/**
 * Travel booking references (PNRs): five to eight capitals and digits after "booking ref", "PNR", "confirmation
 * code", "ref"…. Strong cues take a six-letter code too ("PNR KXQBTR"); "ref" alone needs letters and digits.
 */
const PNR = /\b(?:(pnr|record locator|(?:booking|reservation|flight|trip|travel|e-?ticket|airline)\s+(?:ref(?:erence)?|code|number|no\.?|locator)|confirmation\s+(?:code|number|no\.?))|ref(?:erence)?|booking|reservation)\b\.?(?:[^.!?\n\d#:]{0,30}?(?:\bis\b|\bwas\b|\bremains\b|\bstays\b|:|#)|\s*(?:is|was|=|:|-|,|#)?)\s*([A-Za-z0-9]{5,8})(?![\w-])/gi;
/** Capitalised words a six-letter code after a strong cue could be ("booking ref: CANCEL"). */
const NOT_PNR = /^(?:CANCEL|FAILED|EXPIRE|DELETE|UNPAID|REFUND|ACTIVE|CLOSED|OPENED|NOTSET|PLEASE|ANYWAY|CHANGE|UPDATE|NUMBER|STATUS|BOOKED|ISSUED|ONLINE|MOBILE|SAVING|TRAVEL|FLIGHT|HOTELS|RETURN|SECRET|ABOVE|BELOW)$/;
/** "Loyalty member 9021 4478 3310": equal groups of three to five digits after an account cue (not phone shapes). */
const SPACED = new RegExp(`\\b(?:${ACCOUNT_NOUNS})\\b${LABEL}${BRIDGE}\\s*(\\d{3,5}(?: \\d{3,5}){1,3})(?![\\w-]| \\d)`, 'gi');
const PHONE_WORD = /\b(?:phone|tel|telephone|mobile|cell|call|ring|text|whatsapp|fax|landline|service|support|care|helpline|hotline)\b/i;
/** "May I have your account number? — Sure, it's 6620-1184-07": an id answering a question that names it. */
const ASKED = new RegExp(`\\b(${ORDER_NOUNS}|${ACCOUNT_NOUNS})\\s*(?:number|no|num|nr|#|id|code|ref|reference)\\b\\.?\\s*\\?`, 'gi');
const ANSWER_TOKEN = /(?<![\w-])#?([A-Za-z0-9](?:[A-Za-z0-9-]{2,34}[A-Za-z0-9]))(?![\w-]|[.,]\d)/g;
/** "reopened by user mgarcia", "user mgarcia (Maria Garcia)", "user @jdoe": a lower-case login after "user". */
const USER_LOGIN = /\b(by|for|from|to|of|with|as)?\s*\b[Uu]ser\s+(@)?([a-z][a-z\d._-]{1,30}[a-z\d])(?![\w@-])(\s*\()?/g;
const NOT_LOGIN = /^(?:request|requests|error|errors|input|action|actions|interface|experience|account|accounts|settings|data|feedback|consent|demand|agreement|agreements|name|names|id|ids|group|groups|role|roles|permission|permissions|profile|profiles|session|sessions|preference|preferences|content|report|reports|access|management|level|type|types|privileges|base|guide|manual|research|testing|story|stories|reviews?|ratings?|agent|acceptance|login|logins|journey|needs|base|count|limit|limits|activity|behaviou?r|information|info|details|records?|portal|directory|controls?|policy|policies)$/;
/** API-style object ids: `acct_8F3kL29xQ`, `cus_NffrFeUfNV2Hib`, `usr_…` (accounts) and `ord_…`, `inv_…`, `ch_…` (orders). */
const API_ID = /(?<![\w-])(acct|acc|cus|cust|customer|usr|user|uid|mem|member|sub|prof|ord|order|inv|in|txn|pi|ch|py|re|bk|rsv|res|pay)_([A-Za-z0-9]{8,32})(?![\w-])/g;
const ACCOUNT_PREFIX = /^(?:acct|acc|cus|cust|customer|usr|user|uid|mem|member|sub|prof)$/;

/** Booking references, spaced member numbers, answers to "your account number?", logins after "user", API ids. */
function findReferences(text: string): PiiFinding[] {
  const found: PiiFinding[] = [];
  const push = (kind: PiiKind, token: string, end: number): number => found.push(finding(text, kind, end - token.length, end));
  for (const m of text.matchAll(PNR)) {
    const token = m[2] ?? '';
    const strong = m[1] !== undefined;
    if (!/^[A-Z0-9]+$/.test(token) || !/[A-Z]/.test(token)) continue;
    if (/\d/.test(token) ? true : strong && token.length === 6 && !NOT_PNR.test(token)) push('order_id', token, m.index + m[0].length);
  }
  for (const m of text.matchAll(SPACED)) {
    const token = m[1] ?? '';
    const lengths = new Set(token.split(' ').map((g) => g.length));
    if (lengths.size === 1 && token.replace(/ /g, '').length >= 8 && !PHONE_WORD.test(m[0].slice(0, -token.length))) push('account_id', token, m.index + m[0].length);
  }
  for (const m of text.matchAll(ASKED)) {
    const noun = (m[1] ?? '').toLowerCase();
    const kind: PiiKind = new RegExp(`^(?:${ORDER_NOUNS})$`).test(noun) ? 'order_id' : 'account_id';
    // The first identifier starting within 60 characters of the question mark, before any further question.
    const from = m.index + m[0].length;
    const answer = text.slice(from, from + 100).split('?')[0] ?? '';
    const token = [...answer.matchAll(ANSWER_TOKEN)].find((t) => t.index < 60 && isIdentifier(t[1] ?? ''));
    if (token) push(kind, token[1] ?? '', from + token.index + token[0].length);
  }
  for (const m of text.matchAll(USER_LOGIN)) {
    const login = m[3] ?? '';
    if ((!m[1] && !m[2] && !m[4]) || NOT_LOGIN.test(login) || NOT_USERNAME.test(login)) continue;
    push('account_id', (m[2] ?? '') + login, m.index + m[0].length - (m[4] ?? '').length);
  }
  for (const m of text.matchAll(API_ID)) {
    const [, prefix = '', id = ''] = m;
    // Generated ids mix cases or carry several digits; "user_settings1" is a variable name.
    if (!/[A-Za-z]/.test(id) || !(/[A-Z]/.test(id) || /\d.*\d.*\d/.test(id)) || !/\d/.test(id)) continue;
    push(ACCOUNT_PREFIX.test(prefix) ? 'account_id' : 'order_id', m[0], m.index + m[0].length);
  }
  return found;
}

/** True when the token looks like an identifier rather than a quantity, year, price or word. */
function isIdentifier(token: string): boolean {
  const digits = (token.match(/\d/g) ?? []).length;
  if (digits < 3) return false;
  if (/^\d+$/.test(token)) return token.length >= 5;
  if (/^\d{1,4}(?:st|nd|rd|th|am|pm|mm|cm|kg|gb|mb|tb|ml|px|hrs?|mins?|days?|x\d+)$/i.test(token)) return false;
  return token.length >= 5;
}

/**
 * Account, customer, order and reference identifiers: an id after a cue ("order #NW48213", "order number
 * 123-4567890", "account 12345678", "ref ABC123456", "customer ID 99887766", "my tracking number for it is …"),
 * marketplace order numbers (`112-3456789-1234567`), "#NW48213", and user names after "username", "gamertag",
 * "PSN ID"…. Transaction-like cues (order, invoice, ticket,
 * case, booking, reference…) give `order_id`; person-like cues (account, customer, member, policy, username…)
 * give `account_id`. Also travel booking references (PNRs), spaced member numbers, an id answering "your account
 * number?", logins after "by user", and API ids (`acct_…`, `cus_…`). Only the id itself is the finding.
 */
export function findIdentifiers(text: string): PiiFinding[] {
  const found: PiiFinding[] = [];
  for (const { kind, pattern: source } of CUED) {
    const pattern = new RegExp(source.source, source.flags);
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const token = m[1] ?? '';
      if (!isIdentifier(token)) {
        // "receipt for order NW-301188": the cue took "order" as its id; look again from the next word.
        pattern.lastIndex = m.index + 1;
        continue;
      }
      let start = m.index + m[0].length - token.length;
      found.push(finding(text, kind, start, start + token.length));
      for (let end = start + token.length, next = LIST_NEXT.exec(text.slice(end)); next; next = LIST_NEXT.exec(text.slice(end))) {
        const more = next[1] ?? '';
        if (!isIdentifier(more)) break;
        start = end + next[0].length - more.length;
        end = start + more.length;
        found.push(finding(text, kind, start, end));
      }
    }
  }
  for (const m of text.matchAll(USERNAME)) {
    const name = m[2] ?? '';
    // Without "is" or ":" only a token that looks like a login (digits, "_" or ".") counts: not "username field".
    if (NOT_USERNAME.test(name) || (!m[1] && !/[\d_.]/.test(name))) continue;
    const start = m.index + m[0].length - name.length;
    found.push(finding(text, 'account_id', start, start + name.length));
  }
  found.push(...findReferences(text));
  for (const m of text.matchAll(MARKETPLACE_ORDER)) found.push(finding(text, 'order_id', m.index, m.index + m[0].length));
  for (const m of text.matchAll(HASH_ID)) {
    const token = m[1] ?? '';
    found.push(finding(text, 'order_id', m.index + 1, m.index + 1 + token.length));
  }
  return found;
}
