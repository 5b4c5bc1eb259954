import { finding, type PiiFinding } from './types.js';

const EMAIL = /(?<![\w.+%-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_-])?@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w@])/g;

/** E-mail addresses (`local@domain.tld`, sub-domains and `+tags` included). */
export function findEmails(text: string): PiiFinding[] {
  return [...text.matchAll(EMAIL)].map((m) => finding(text, 'email', m.index, m.index + m[0].length));
}

const URL = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
/** Query parameters that carry credentials or identity. */
const SECRET_PARAM = /^(?:token|access_token|id_token|refresh_token|auth|authtoken|key|apikey|api_key|code|session|sessionid|sid|sig|signature|reset|otp|password|pwd|pass|secret|hash|invite|verify|verification|confirm|uid|userid|user_id|email|e|t)$/i;

/** True when a path segment or parameter value looks machine-generated: long and mixing letters and digits. */
function looksLikeToken(value: string): boolean {
  if (value.length < 16) return false;
  const digits = (value.match(/\d/g) ?? []).length;
  const letters = (value.match(/[A-Za-z]/g) ?? []).length;
  return digits >= 2 && letters >= 2 && /^[A-Za-z0-9_~.=-]+$/.test(value) && !/^[a-z]+(?:-[a-z]+)+$/.test(value);
}

/**
 * URLs that carry a secret or an identity: a credential-like query parameter (`token=`, `key=`, `reset=`, `email=`…)
 * or a long machine-generated path segment or value (password-reset links, channel and document ids). The whole URL
 * is the finding; ordinary links to help pages are left alone.
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
    if (secretParam || tokenSegment) found.push(finding(text, 'url_with_token', m.index, m.index + raw.length));
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
    if (/(?:\bv|version|firmware|build|ios|android|update)\s*$/i.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    found.push(finding(text, 'ip', m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(IPV6)) {
    if (m[0].split(':').filter(Boolean).length < 3) continue;
    found.push(finding(text, 'ip', m.index, m.index + m[0].length));
  }
  return found;
}
