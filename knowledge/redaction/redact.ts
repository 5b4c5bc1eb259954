import { findAddresses } from './address.js';
import { findEmails, findIps, findObfuscatedEmails, findUrlsWithToken } from './contact.js';
import { findCvvs, findDatesOfBirth, findPassports } from './documents.js';
import { findCards, findIbans } from './financial.js';
import { findIdentifiers } from './identifiers.js';
import { findNames } from './names.js';
import { findPhones } from './phone.js';
import { PII_KINDS, placeholderOf, type PiiFinding, type PiiKind } from './types.js';

export type { PiiFinding, PiiKind } from './types.js';

/** Options of {@link redact}. */
export interface RedactOptions {
  /** Kinds to redact; default every kind ({@link PII_KINDS}). */
  kinds?: readonly PiiKind[];
  /** Words and @handles never redacted as names, e.g. your own brand's handle; default none. */
  keep?: readonly string[];
}

/** What {@link redact} returns: the redacted text and what was replaced, with offsets in the original text. */
export interface RedactResult {
  text: string;
  findings: PiiFinding[];
}

const ANY_URL = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;

/**
 * Every candidate finding of every detector, overlapping ones included. Inside a URL only `url_with_token` and
 * e-mails count: digits and words in help-article links ("/answer/7177579", "-account-sln25426") are not PII.
 */
export function detectAll(text: string, keep: readonly string[] = []): PiiFinding[] {
  const urls = [...text.matchAll(ANY_URL)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const outsideUrls = (f: PiiFinding): boolean => !urls.some((u) => f.start >= u.start && f.end <= u.end);
  return [
    ...findUrlsWithToken(text),
    ...findEmails(text),
    ...findObfuscatedEmails(text),
    ...[
      ...findIbans(text),
      ...findCards(text),
      ...findCvvs(text),
      ...findPassports(text),
      ...findDatesOfBirth(text),
      ...findIdentifiers(text),
      ...findAddresses(text),
      ...findIps(text),
      ...findPhones(text),
      ...findNames(text, keep),
    ].filter(outsideUrls),
  ];
}

const RANK = new Map(PII_KINDS.map((kind, i) => [kind, i]));

/** Non-overlapping findings: the kind earlier in {@link PII_KINDS} wins, then the longer span, then the earlier. */
export function resolveOverlaps(candidates: readonly PiiFinding[]): PiiFinding[] {
  const ordered = [...candidates].sort(
    (a, b) => (RANK.get(a.kind) ?? 0) - (RANK.get(b.kind) ?? 0) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: PiiFinding[] = [];
  for (const candidate of ordered) {
    if (candidate.end <= candidate.start) continue;
    if (kept.some((k) => candidate.start < k.end && k.start < candidate.end)) continue;
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Replaces personal data in `text` with typed placeholders (`[EMAIL]`, `[PHONE]`, `[CARD]`, `[IBAN]`, `[ADDRESS]`,
 * `[NAME]`, `[ACCOUNT_ID]`, `[ORDER_ID]`, `[URL_WITH_TOKEN]`, `[IP]`, `[CVV]`, `[PASSPORT]`, `[DATE_OF_BIRTH]`;
 * obfuscated e-mails such as `john(at)doe.com` count as `[EMAIL]`) and keeps the rest of the text as it was.
 * Applied to tickets before they are indexed or shown to another customer. Overlaps are resolved over every kind
 * before `options.kinds` filters, so asking only for phones never redacts an order number as a phone.
 */
export function redact(text: string, options: RedactOptions = {}): RedactResult {
  const wanted = new Set(options.kinds ?? PII_KINDS);
  const findings = resolveOverlaps(detectAll(text, options.keep)).filter((f) => wanted.has(f.kind));
  let out = '';
  let cursor = 0;
  for (const f of findings) {
    out += text.slice(cursor, f.start) + placeholderOf(f.kind);
    cursor = f.end;
  }
  return { text: out + text.slice(cursor), findings };
}
