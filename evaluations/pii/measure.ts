import { readFile } from 'node:fs/promises';
// Until knowledge/index.ts re-exports the redaction module, this is the one import past knowledge's public entry.
import { PII_KINDS, redact, type PiiFinding, type PiiKind } from '../../knowledge/index.js';

/** One labelled piece of PII: its kind and the exact substring of the row's text. */
export interface LabelledSpan {
  kind: PiiKind;
  value: string;
}

/** One line of `labelled.jsonl`: a text and every PII span in it, in order of appearance (none for clean texts). */
export interface LabelledRow {
  text: string;
  spans: LabelledSpan[];
}

/** Span-level figures for one kind (or all kinds together). */
export interface KindFigures {
  /** Findings that overlap a labelled span of the same kind, over all findings. 1 when there are no findings. */
  precision: number;
  /** Labelled spans overlapped by a finding of the same kind, over all labelled spans. 1 when there are none. */
  recall: number;
  /** Labelled spans found. */
  tp: number;
  /** Findings that overlap no labelled span of their kind. */
  fp: number;
  /** Labelled spans not found. */
  fn: number;
}

/** What {@link measurePii} returns. */
export interface PiiFigures {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
  /** Figures when any finding overlapping any labelled span counts, whatever the kinds. */
  kindAgnostic: { precision: number; recall: number; f1: number; fp: number; fn: number };
  perKind: Record<PiiKind, KindFigures>;
  rows: number;
  labelledSpans: number;
  findings: number;
}

/** A function that finds PII in a text; {@link redact} by default. */
export type PiiDetector = (text: string) => { findings: PiiFinding[] };

interface Located {
  kind: PiiKind;
  start: number;
  end: number;
}

/**
 * Offsets of the row's spans: the k-th span with a given value is the k-th occurrence of that value that does not
 * overlap an earlier span ("Brandt" after "Oliver Brandt" is the later, standalone "Brandt").
 */
export function locateSpans(row: LabelledRow): Located[] {
  const seen = new Map<string, number>();
  const located: Located[] = [];
  for (const span of row.spans) {
    let start = row.text.indexOf(span.value, seen.get(span.value) ?? 0);
    while (start >= 0 && located.some((l) => start < l.end && l.start < start + span.value.length)) {
      start = row.text.indexOf(span.value, start + 1);
    }
    if (start < 0) throw new Error(`labelled value ${JSON.stringify(span.value)} is not in ${JSON.stringify(row.text)}`);
    seen.set(span.value, start + span.value.length);
    located.push({ kind: span.kind, start, end: start + span.value.length });
  }
  return located;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;
const ratio = (num: number, den: number): number => (den === 0 ? 1 : num / den);
const f1Of = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/**
 * Span-level precision, recall and F1 of PII detection on labelled rows, overall, per kind and kind-agnostic.
 * A finding is a true positive when it overlaps a labelled span of the same kind.
 */
export function measurePii(rows: readonly LabelledRow[], detector: PiiDetector = redact): PiiFigures {
  const counts = new Map(PII_KINDS.map((kind) => [kind, { found: 0, findings: 0, matched: 0, labels: 0 }]));
  const any = { found: 0, findings: 0, matched: 0, labels: 0 };
  for (const row of rows) {
    const labels = locateSpans(row);
    const findings = detector(row.text).findings;
    for (const label of labels) {
      const c = counts.get(label.kind);
      if (!c) throw new Error(`unknown kind ${label.kind}`);
      c.labels++;
      any.labels++;
      if (findings.some((f) => f.kind === label.kind && overlaps(f, label))) c.found++;
      if (findings.some((f) => overlaps(f, label))) any.found++;
    }
    for (const f of findings) {
      const c = counts.get(f.kind);
      if (!c) continue;
      c.findings++;
      any.findings++;
      if (labels.some((l) => l.kind === f.kind && overlaps(f, l))) c.matched++;
      if (labels.some((l) => overlaps(f, l))) any.matched++;
    }
  }
  const perKind = {} as Record<PiiKind, KindFigures>;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let matched = 0;
  let findings = 0;
  let labels = 0;
  for (const [kind, c] of counts) {
    perKind[kind] = {
      precision: round(ratio(c.matched, c.findings)),
      recall: round(ratio(c.found, c.labels)),
      tp: c.found,
      fp: c.findings - c.matched,
      fn: c.labels - c.found,
    };
    tp += c.found;
    fp += c.findings - c.matched;
    fn += c.labels - c.found;
    matched += c.matched;
    findings += c.findings;
    labels += c.labels;
  }
  const precision = ratio(matched, findings);
  const recall = ratio(tp, labels);
  const anyPrecision = ratio(any.matched, any.findings);
  const anyRecall = ratio(any.found, any.labels);
  return {
    precision: round(precision),
    recall: round(recall),
    f1: round(f1Of(precision, recall)),
    tp,
    fp,
    fn,
    kindAgnostic: {
      precision: round(anyPrecision),
      recall: round(anyRecall),
      f1: round(f1Of(anyPrecision, anyRecall)),
      fp: any.findings - any.matched,
      fn: any.labels - any.found,
    },
    perKind,
    rows: rows.length,
    labelledSpans: labels,
    findings,
  };
}

/** One disagreement between the detector and the labels. */
export interface PiiError {
  type: 'miss' | 'false_positive';
  kind: PiiKind;
  value: string;
  text: string;
}

/** Labelled spans no finding of their kind overlaps (misses) and findings no label of their kind overlaps. */
export function listErrors(rows: readonly LabelledRow[], detector: PiiDetector = redact): PiiError[] {
  return rows.flatMap((row) => {
    const labels = locateSpans(row);
    const findings = detector(row.text).findings;
    const misses = labels
      .filter((l) => !findings.some((f) => f.kind === l.kind && overlaps(f, l)))
      .map((l): PiiError => ({ type: 'miss', kind: l.kind, value: row.text.slice(l.start, l.end), text: row.text }));
    const extras = findings
      .filter((f) => !labels.some((l) => l.kind === f.kind && overlaps(f, l)))
      .map((f): PiiError => ({ type: 'false_positive', kind: f.kind, value: f.value, text: row.text }));
    return [...misses, ...extras];
  });
}

/** Parses JSONL of {@link LabelledRow}s (blank lines skipped); throws with the line number on a bad line. */
export function parseLabelled(content: string): LabelledRow[] {
  return content.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    const row = JSON.parse(line) as Partial<LabelledRow>;
    if (typeof row.text !== 'string' || !Array.isArray(row.spans)) throw new Error(`line ${i + 1}: expected {"text", "spans"}`);
    return [{ text: row.text, spans: row.spans }];
  });
}

/** Reads a labelled JSONL file. */
export async function readLabelled(path: string): Promise<LabelledRow[]> {
  return parseLabelled(await readFile(path, 'utf8'));
}
