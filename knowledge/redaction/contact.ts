import { finding, type PiiFinding } from './types.js';

const EMAIL = /(?<![\w.+%-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_-])?@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w@])/g;

/** Local parts of shared role mailboxes, which name a department rather than a person. */
const ROLE_MAILBOX = /^(?:abuse|support|help|helpdesk|info|contact|hello|service|customerservice|customer-service|customercare|care|billing|sales|returns|orders|privacy|security|reportphish|phish|spoof|noreply|no-reply|donotreply|do-not-reply|webmaster|postmaster|admin|press|media|careers|jobs|feedback|team|accounts|accounts-payable|payments|refunds|legal|compliance|dpo)$/i;

/**
 * E-mail addresses (`local@domain.tld`, sub-domains and `+tags` included), except shared role mailboxes such as
 * `support@…`, `abuse@…` or `billing@…`, which answers legitimately point customers to.
 */
export function findEmails(text: string): PiiFinding[] {
  return [...text.matchAll(EMAIL)]
    .filter((m) => !ROLE_MAILBOX.test(m[0].slice(0, m[0].indexOf('@'))))
    .map((m) => finding(text, 'email', m.index, m.index + m[0].length));
}

const AT_BRACKETED = String.raw`\s*[([{<]\s*at\s*[)\]}>]\s*`;
const DOT_BRACKETED = String.raw`\s*[([{<]\s*dot\s*[)\]}>]\s*`;
// Dots are matched between parts (never inside one), which keeps the pattern free of nested ambiguous repeats.
const LABEL = String.raw`[A-Za-z0-9][A-Za-z0-9-]*`;
const LOCAL = String.raw`[A-Za-z0-9][A-Za-z0-9_%+-]*`;
/** Dots in an obfuscated address: ".", "(dot)", "[dot]", " dot ". */
const ANY_DOT = String.raw`(?:\.|${DOT_BRACKETED}|\s+dot\s+)`;
/**
 * Addresses written to dodge scrapers: `john(at)doe.com`, `john [at] doe [dot] com`, `john {at} doe.co.uk`,
 * `john @ doe.com`, and `john at doe dot com` (a bare " at " only together with a spelled-out " dot ", so "shop at
 * example.com" stays).
 */
const OBFUSCATED_EMAIL = new RegExp(
  String.raw`(?<![\w.+%-])${LOCAL}(?:${ANY_DOT}${LOCAL})*` +
    String.raw`(?:(?:${AT_BRACKETED}|\s+@\s*|\s*@\s+)${LABEL}(?:${ANY_DOT}${LABEL})*${ANY_DOT}|\s+at\s+${LABEL}(?:${ANY_DOT}${LABEL})*(?:${DOT_BRACKETED}|\s+dot\s+))` +
    String.raw`[A-Za-z]{2,24}(?![\w@])`,
  'gi',
);

/** Obfuscated e-mail addresses (see {@link OBFUSCATED_EMAIL}), except shared role mailboxes. */
export function findObfuscatedEmails(text: string): PiiFinding[] {
  return [...text.matchAll(OBFUSCATED_EMAIL)]
    .filter((m) => !ROLE_MAILBOX.test(m[0].split(/\s*[([{<]?\s*(?:@|\bat\b)/i)[0] ?? ''))
    .map((m) => finding(text, 'email', m.index, m.index + m[0].length));
}

const URL = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
/** Query parameters that carry credentials or identity. */
const SECRET_PARAM = /^(?:token|access_token|id_token|refresh_token|auth|authtoken|key|apikey|api_key|code|session|sessionid|sid|sig|signature|reset|otp|password|pwd|pass|secret|invite|verify|verification|confirm|uid|userid|user_id|email|e|t)$/i;

/**
 * True when a path segment or parameter value holds a machine-generated secret or id: a run of 16+ characters
 * mixing upper case, lower case and digits (channel ids, share codes) or 20+ hex characters (reset tokens).
 * Readable slugs ("360034636712-Minecraft-Usernames"), campaign codes in capitals and UUIDs of public pages are not.
 */
function looksLikeToken(value: string): boolean {
  return value.split(/[-_.~=/]+/).some(
    (piece) =>
      (piece.length >= 16 && /[a-z]/.test(piece) && /[A-Z]/.test(piece) && /\d.*\d.*\d/.test(piece) && /^[A-Za-z0-9]+$/.test(piece)) ||
      (piece.length >= 20 && /^[0-9a-f]+$/i.test(piece) && /[a-f]/i.test(piece) && /\d/.test(piece)),
  );
}

/**
 * URLs that carry a secret or an identity: a credential-like query parameter (`token=`, `key=`, `reset=`, `email=`…)
 * or a long machine-generated path segment or value (password-reset links, channel and document ids), and profile
 * links (`/user/…`, `/channel/…`, `/in/…`, `/@…`). The whole URL is the finding; links to help pages are left alone.
 */
export function findUrlsWithToken(text: string): PiiFinding[] {
  const found: PiiFinding[] = [];
  for (const m of text.matchAll(URL)) {
    const raw = m[0].replace(/[.,;:!?)\]}]+$/, '');
    let url: URL;
    try {
      url = new globalThis.URL(/^www\./i.test(raw) ? `https://${raw}` : raw);
    } catch {
      continue;
    }
    const params = [...url.searchParams.entries()];
    const secretParam = params.some(([k, v]) => SECRET_PARAM.test(k) && v.length >= 6);
    const segments = url.pathname.split('/').filter(Boolean);
    const tokenSegment = [...segments, ...params.map(([, v]) => v), url.hash.slice(1)].some(looksLikeToken);
    // Profile links name a person: /user/jane, /channel/…, /in/jane-doe, /@jane.
    const profile =
      /\/(?:user|users|u|channel|c|profile|profiles|people)\/[A-Za-z0-9_.-]*[A-Za-z][A-Za-z0-9_.-]{2,}|\/@[\w.-]{3,}/.test(url.pathname) ||
      (/linkedin\./i.test(url.hostname) && /^\/in\/[\w.-]{3,}/.test(url.pathname)); // elsewhere /in/ is a locale
    if (secretParam || tokenSegment || profile) found.push(finding(text, 'url_with_token', m.index, m.index + raw.length));
  }
  return found;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
const IPV6 = /(?<![\w:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}|(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})?)(?![\w:])/gi;

/** IPv4 addresses (not version numbers such as "v1.2.3.4" or "version 10.0.0.1") and IPv6 addresses. */
export function findIps(text: string): PiiFinding[] {
  const found: PiiFinding[] = [];
  for (const m of text.matchAll(IPV4)) {
    if (/(?:\bv|version|ver|firmware|build|ios|android|update|updated to|beta|alpha|release|patch)[\s(:]*$/i.test(text.slice(Math.max(0, m.index - 16), m.index))) continue;
    found.push(finding(text, 'ip', m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(IPV6)) {
    if (m[0].split(':').filter(Boolean).length < 3) continue;
    found.push(finding(text, 'ip', m.index, m.index + m[0].length));
  }
  return found;
}
