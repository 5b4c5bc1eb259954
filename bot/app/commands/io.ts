import { loadConfig } from '../../config/index.js';
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
