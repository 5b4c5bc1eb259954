import { NEUTRAL_SOURCE_TITLE, type Source } from './activity.js';

/** What a customer sees of a source on a channel: a title and, where the source has one, a public http(s) link. */
export interface SourceLink {
  title: string;
  url?: string;
}

/** A citation marker (`[1]`, `[12]`) with the spaces before it, so `5 days [1].` becomes `5 days.` when removed. */
const MARKER = /[ \t]*\[(\d{1,2})\]/g;
const LONGEST_TITLE = 120;

/** The customer-facing title and link of `source`: its `title` (else {@link NEUTRAL_SOURCE_TITLE}) and an http(s) `url`. */
export function sourceLink(source: Source): SourceLink {
  const title = typeof source.title === 'string' ? source.title.replace(/\s+/g, ' ').trim() : '';
  const url = typeof source.url === 'string' && /^https?:\/\/[^\s<>"]+$/i.test(source.url) ? source.url : undefined;
  const shown = title.length > LONGEST_TITLE ? `${title.slice(0, LONGEST_TITLE - 1).replace(/\s+\S*$/, '')}…` : title;
  return { title: shown || NEUTRAL_SOURCE_TITLE, ...(url ? { url } : {}) };
}

/** `text` without its `[n]` citation markers (for channels that show no sources: SMS, WhatsApp). */
export function stripCitationMarkers(text: string): string {
  return text.replace(MARKER, '').trim();
}

/**
 * The reply text with citation markers that match a list of the sources shown with it: markers are renumbered 1…k
 * in order of first appearance (the order the generator lists an answer's sources in, whatever the model's own
 * numbering), a marker without a source to point at is removed, and `sources` become {@link SourceLink}s. Sources
 * not cited in the text are still listed, after the cited ones' numbers.
 */
export function numberedCitations(text: string, sources: readonly Source[]): { text: string; sources: SourceLink[] } {
  const numbers = new Map<string, number>();
  const renumbered = text.replace(MARKER, (marker, n: string) => {
    let number = numbers.get(n);
    if (number === undefined && numbers.size < sources.length) {
      number = numbers.size + 1;
      numbers.set(n, number);
    }
    return number === undefined ? '' : marker.replace(/\[\d+\]/, `[${number}]`);
  });
  return { text: renumbered.trim(), sources: sources.map(sourceLink) };
}
