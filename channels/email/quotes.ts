/**
 * Plain-text clean-up of an e-mail body before the bot sees it: quoted history (`> ` lines, "On … wrote:",
 * Outlook's "-----Original Message-----" and "From: … Sent: …" blocks) and signatures ("-- ", "Sent from my
 * iPhone", sign-off blocks such as "Thanks,\nJane") are removed, so that only what the customer just wrote is left.
 */

/** "On Tue, 6 Jan 2026 at 15:58, Jane <jane@example.com> wrote:" and its translations in common mail clients. */
const ATTRIBUTION_START = /^\s*(on|le|am|el|il|op|em|den|på|w dniu)\s.+/i;
const ATTRIBUTION_END = /((wrote|a écrit|escribió|ha scritto|schreef|escreveu|skrev|napisał)\s*|\bschrieb\b.*):\s*$/i;

/** Outlook and other clients that top-post without `>` start the quoted message with one of these. */
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original)\s*-{2,}\s*$/i;
const UNDERSCORE_RULE = /^\s*_{10,}\s*$/;
const HEADER_FROM = /^\s*\*?(from|von|de|da|van)\s*:\*?\s+\S/i;
const HEADER_NEXT = /^\s*\*?(sent|date|to|subject|cc|gesendet|envoyé|enviado|datum|an|à|objet|betreff)\s*:/i;

/** Mobile and webmail footers. */
const DEVICE_FOOTER =
  /^\s*(sent from my \S.*|sent from (mail|outlook) for \S.*|get outlook for \S.*|sent from yahoo mail.*|envoyé de mon \S.*|von meinem \S.* gesendet)\s*$/i;

/** A sign-off on a line of its own: "Thanks,", "Best regards", "Cheers!"… */
const SIGN_OFF =
  /^\s*(thanks|thank you|thanks so much|thanks a lot|many thanks|thx|best|best regards|best wishes|kind regards|warm regards|regards|cheers|sincerely|yours sincerely|yours truly|all the best|br|mit freundlichen grüßen|cordialement|saludos)\s*[,.!]*\s*$/i;

/** Lines after a sign-off that still look like a signature (name, title, phone, company): few, short, no sentences. */
const MAX_SIGNATURE_LINES = 4;
const MAX_SIGNATURE_LINE_CHARS = 60;

const isQuoted = (line: string): boolean => /^\s*>/.test(line);
const isBlank = (line: string): boolean => line.trim() === '';
const looksLikeSignatureLine = (line: string): boolean => line.trim().length <= MAX_SIGNATURE_LINE_CHARS && !/[.?!:;]\s*$/.test(line);

/** Index of the first non-blank line at or after `from`, or `lines.length`. */
function nextContentLine(lines: string[], from: number): number {
  let i = from;
  while (i < lines.length && isBlank(lines[i] as string)) i += 1;
  return i;
}

/** Length in lines of an attribution that starts at `i` (one line, or wrapped onto a second), else 0. */
function attributionAt(lines: string[], i: number): number {
  const line = lines[i] as string;
  if (!ATTRIBUTION_START.test(line)) return 0;
  if (ATTRIBUTION_END.test(line)) return 1;
  const next = lines[i + 1];
  return next !== undefined && ATTRIBUTION_END.test(next) && line.length + next.length < 300 ? 2 : 0;
}

/** True when line `i` opens an Outlook-style quoted header block: "From: …" followed by "Sent:/Date:/To:/Subject:". */
function headerBlockAt(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i] as string)) return false;
  for (let j = i + 1; j < Math.min(lines.length, i + 4); j += 1) if (HEADER_NEXT.test(lines[j] as string)) return true;
  return false;
}

/** Removes quoted history: drops `>` lines, and cuts at the first top-posted quote marker. */
function withoutQuotes(lines: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (isQuoted(line)) continue;
    const attribution = attributionAt(lines, i);
    if (attribution) {
      // Followed by `>` lines: the customer may have answered below or between them (bottom posting), keep going.
      const after = nextContentLine(lines, i + attribution);
      if (after < lines.length && isQuoted(lines[after] as string)) {
        i += attribution - 1;
        continue;
      }
      break;
    }
    if (ORIGINAL_MESSAGE.test(line) || headerBlockAt(lines, i)) break;
    if (UNDERSCORE_RULE.test(line)) {
      const after = nextContentLine(lines, i + 1);
      if (after < lines.length && headerBlockAt(lines, after)) break;
    }
    kept.push(line);
  }
  return kept;
}

/** Removes a signature: everything from a "-- " delimiter or a device footer, and a trailing sign-off block. */
function withoutSignature(lines: string[]): string[] {
  let end = lines.findIndex((line) => line === '-- ' || line === '--' || DEVICE_FOOTER.test(line));
  if (end < 0) end = lines.length;
  const kept = lines.slice(0, end);
  // A sign-off followed only by a few signature-like lines ends the message: drop the block, unless nothing would
  // be left ("Thanks!" alone is the message).
  let signatureLines = 0;
  for (let i = kept.length - 1; i >= 0; i -= 1) {
    const line = kept[i] as string;
    if (SIGN_OFF.test(line)) return kept.slice(0, i).some((l) => !isBlank(l)) ? kept.slice(0, i) : kept;
    if (isBlank(line)) continue;
    signatureLines += 1;
    if (signatureLines > MAX_SIGNATURE_LINES || !looksLikeSignatureLine(line)) break;
  }
  return kept;
}

/** Normalizes line ends, trims trailing spaces, leading/trailing blank lines and runs of blank lines. */
export function tidyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((line) => line.replace(/[ \t\u00a0]+$/, ''));
  const out: string[] = [];
  for (const line of lines) {
    if (isBlank(line) && (out.length === 0 || isBlank(out[out.length - 1] as string))) continue;
    out.push(line);
  }
  while (out.length && isBlank(out[out.length - 1] as string)) out.pop();
  return out.join('\n');
}

/**
 * What the customer wrote in a plain-text e-mail body, without quoted history and signature.
 * Keeps the unquoted text when removing the signature would leave nothing.
 */
export function stripQuotedText(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const unquoted = withoutQuotes(lines);
  return tidyText(withoutSignature(unquoted).join('\n')) || tidyText(unquoted.join('\n'));
}
