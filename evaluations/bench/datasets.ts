import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { fileErrorText, ParleyError } from '../../bot/core/index.js';

/** One labelled utterance of an intent dataset. */
export interface LabelledText {
  text: string;
  label: string;
}

/** The label of out-of-scope examples in intent datasets (CLINC150). */
export const OUT_OF_SCOPE = 'oos';

function pairs(value: unknown, where: string): LabelledText[] {
  if (!Array.isArray(value)) throw new ParleyError('bad_request', `${where}: expected an array of [text, label] pairs`);
  return value.map((pair, i) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new ParleyError('bad_request', `${where} item ${i + 1}: expected [text, label] strings`);
    }
    return { text: pair[0], label: pair[1] };
  });
}

/**
 * Reads an intent dataset: a CSV with header `text,category` (or `text,label`), a JSON array of `[text, label]`
 * pairs, or a JSON object whose values are such arrays (`keys` picks which; default all).
 */
export async function readLabelledTexts(path: string, keys?: readonly string[]): Promise<LabelledText[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new ParleyError('bad_request', `cannot read ${path}: ${fileErrorText(error)}`, { cause: error });
  }
  const name = basename(path);
  if (extname(path).toLowerCase() === '.csv') {
    let rows: Record<string, string>[];
    try {
      rows = parseCsv(content, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
    } catch (error) {
      throw new ParleyError('bad_request', `${name}: invalid CSV (${(error as Error).message})`, { cause: error });
    }
    const labelColumn = rows[0] && ('category' in rows[0] ? 'category' : 'label' in rows[0] ? 'label' : undefined);
    if (!rows[0] || !('text' in rows[0]) || !labelColumn) throw new ParleyError('bad_request', `${name}: expected a header "text,category" or "text,label"`);
    return rows.map((row) => ({ text: row.text ?? '', label: row[labelColumn] ?? '' }));
  }
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (error) {
    throw new ParleyError('bad_request', `${name}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (Array.isArray(data)) return pairs(data, name);
  if (typeof data !== 'object' || data === null) throw new ParleyError('bad_request', `${name}: expected an array or an object of arrays`);
  const record = data as Record<string, unknown>;
  const chosen = keys?.length ? keys : Object.keys(record);
  return chosen.flatMap((key) => {
    if (!(key in record)) throw new ParleyError('bad_request', `${name}: no key "${key}" (has ${Object.keys(record).join(', ')})`);
    return pairs(record[key], `${name} key "${key}"`);
  });
}
