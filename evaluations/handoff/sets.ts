import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { ParleyError } from '../../bot/core/index.js';
import { readLabelledTexts } from '../bench/datasets.js';

/** One labelled message of the handoff-request benchmark: does the customer ask for a person? */
export interface HandoffRow {
  text: string;
  /** True when the message asks for a person (a human agent, customer service staff). */
  request: boolean;
  /** Where the row comes from (`bitext`, `banking77`, `clinc150`, or a written set's file name without `.jsonl`). */
  source: string;
  /** ISO 639-1 language of the message; `en` for the public datasets. */
  lang: string;
}

/** Paths of the sets to read; each is optional, at least one must be given. */
export interface HandoffSetPaths {
  /** Bitext customer-support `train.csv` (columns `instruction`, `intent`). */
  bitext?: string;
  /** Banking77 `train.csv` or `test.csv` (columns `text`, `category`): all non-requests but {@link LABELLED_REQUESTS}. */
  banking77?: string;
  /** CLINC150 `train_val.json` (keys `train`, `val`, `oos_train`, `oos_val`): all non-requests but {@link LABELLED_REQUESTS}. */
  clinc?: string;
  /** Written JSONL sets of `{"text", "lang", "request"}` rows (evaluations/handoff/*.jsonl). */
  sets?: readonly string[];
}

/**
 * Rows of the public intent datasets that really ask for a person, found by reading every row where talking,
 * speaking, contacting or reaching comes near someone, a person, an agent or customer service (and every row that
 * mentions staff or customer service): labelled as requests. Compared after lower-casing and trimming.
 */
export const LABELLED_REQUESTS: readonly string[] = [
  'i need to speak to customer service regarding my flight', // CLINC150 oos_train
  'is there someone i can talk to since i am in the airport waiting for my luggage which never came', // CLINC150 train
  'i need to talk to someone on the phone',
  'can i talk to someone about why there is a hold on my checking account',
  'i need to talk to someone about a transaction that was not made by me on my chase account',
  'i need to talk to someone about a fraudulent activity on my card', // CLINC150 val
  'how do i contact customer support about my declined transfer?', // Banking77
  'i would like to get help from someone in your customer service department with assisting me with activating my card.', // Banking77
];

/**
 * Rows left out because whether they ask for a person is a matter of reading: questions about whether a person is
 * needed ("Do I need to speak to a representative to change my pin?", "should I contact customer support if …")
 * and "who do I talk to about …".
 */
export const AMBIGUOUS: readonly string[] = [
  'do i need to speak to a representative to change my pin?',
  'do i have to talk to someone to close an account or can i in the app',
  'do i have to contact someone to use my credit card points',
  'should i contact customer support if i can\'t edit details',
  'who do i talk to about the atm swallowing my card?',
  'who do i talk to for transactions debited twice?',
  'who should i talk to or go to resolve a duplicate charge on my statement?',
  'who do i talk to, to cancel a transfer?',
  'hi. i noticed i have a duplicate charge which i have not made twice. who should i talk to take care of this?',
];

const key = (text: string) => text.trim().toLowerCase();
const requests = new Set(LABELLED_REQUESTS.map(key));
const ambiguous = new Set(AMBIGUOUS.map(key));

/**
 * Bitext's `contact_customer_service` mixes two things: asking to talk to customer service (in a support chat, a
 * request for a person) and asking for its opening hours, phone number or e-mail address (information the bot
 * answers, not a handoff request). A row that names hours, times, calling, a number or mail is the second kind.
 */
export function customerServiceRequest(text: string): boolean {
  return !/\b(hours?|time|call\w*|cll|phone|no|number|e-?mail|mail)\b/i.test(text);
}

function publicRow(text: string, source: string): HandoffRow | undefined {
  if (ambiguous.has(key(text))) return undefined;
  return { text, request: requests.has(key(text)), source, lang: 'en' };
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ParleyError('bad_request', `${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}

/** Bitext rows: `contact_human_agent` are requests, `contact_customer_service` per {@link customerServiceRequest}, the rest not. */
export async function readBitextRows(path: string): Promise<HandoffRow[]> {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(await readText(path, '--bitext'), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (error) {
    if (error instanceof ParleyError) throw error;
    throw new ParleyError('bad_request', `--bitext: ${basename(path)} is not valid CSV (${(error as Error).message})`, { cause: error });
  }
  if (!rows[0] || !('instruction' in rows[0]) || !('intent' in rows[0])) throw new ParleyError('bad_request', `--bitext: ${basename(path)} needs columns "instruction" and "intent"`);
  return rows.map((row) => {
    const text = row.instruction ?? '';
    const request = row.intent === 'contact_human_agent' || (row.intent === 'contact_customer_service' && customerServiceRequest(text));
    return { text, request, source: 'bitext', lang: 'en' };
  });
}

/** A written set: JSONL rows `{"text", "lang", "request"}`; its source is the file name without `.jsonl`. */
export async function readWrittenRows(path: string): Promise<HandoffRow[]> {
  const source = basename(path).replace(/\.jsonl$/, '');
  return (await readText(path, '--set'))
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line)
    .map(({ line, i }) => {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (error) {
        throw new ParleyError('bad_request', `--set: ${source} line ${i + 1} is not JSON`, { cause: error });
      }
      const { text, lang, request } = (row ?? {}) as Record<string, unknown>;
      if (typeof text !== 'string' || typeof lang !== 'string' || typeof request !== 'boolean') {
        throw new ParleyError('bad_request', `--set: ${source} line ${i + 1} needs "text" (string), "lang" (string) and "request" (boolean)`);
      }
      return { text, lang, request, source };
    });
}

/** Reads every set given; the public intent datasets become look-alikes except their {@link LABELLED_REQUESTS}. */
export async function readHandoffRows(paths: HandoffSetPaths): Promise<HandoffRow[]> {
  const rows: HandoffRow[] = [];
  if (paths.bitext) rows.push(...(await readBitextRows(paths.bitext)));
  if (paths.banking77) rows.push(...(await readLabelledTexts(paths.banking77)).flatMap((r) => publicRow(r.text, 'banking77') ?? []));
  if (paths.clinc) rows.push(...(await readLabelledTexts(paths.clinc)).flatMap((r) => publicRow(r.text, 'clinc150') ?? []));
  for (const set of paths.sets ?? []) rows.push(...(await readWrittenRows(set)));
  return rows;
}
