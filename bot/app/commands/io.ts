import { z } from 'zod';
import { loadConfig } from '../../config/index.js';
import { ParleyError } from '../../core/index.js';
import { createParley, type Parley } from '../parley.js';

/** Where CLI output goes; tests capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Prints a result: JSON on the last stdout line with `--json`, else a human-readable text. */
export function print(io: CliIo, json: boolean, value: unknown, text: string): void {
  io.out(json ? JSON.stringify(value) : text);
}

/** Thrown by a command that already printed its result but failed (e.g. failing stories): exit 1, nothing more printed. */
export class ReportedFailure extends Error {}

/** Runs `work` on a Parley opened without sample data, closing it afterwards. */
export async function withParley<T>(env: NodeJS.ProcessEnv | undefined, work: (parley: Parley) => Promise<T>): Promise<T> {
  const parley = await createParley(loadConfig(env, { sampleData: false }));
  try {
    return await work(parley);
  } finally {
    await parley.close();
  }
}

/** A whole number as the command line gives it: digits only (no sign, exponent, hex or blank). */
const WholeNumberText = z.string().trim().regex(/^\d+$/).transform(Number);

/**
 * A whole-number option from `min` to `max` (default unbounded), read with zod: digits only, so `1e3`, `0x10`, `-1`
 * and a blank value are refused. Otherwise a `bad_request` (exit code 2) naming the option —
 * `--folds: "x" is not a whole number from 2 to 20` — with the option in `details.field`.
 */
export function wholeNumberOption(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const parsed = WholeNumberText.pipe(z.number().min(min).max(max)).safeParse(value);
  if (parsed.success) return parsed.data;
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
  throw new ParleyError('bad_request', `${flag}: "${value}" is not a whole number ${range}`, { details: { field: flag } });
}
