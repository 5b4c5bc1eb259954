import type { CliIo } from '../cli.js';

/** A {@link CliIo} that keeps what a command printed, for CLI tests. */
export interface CapturedIo extends CliIo {
  stdout: string[];
  stderr: string[];
  /** The last stdout line parsed as JSON; throws when stdout is empty or that line spans several lines. */
  json<T = Record<string, unknown>>(): T;
}

/** Captures a command's stdout and stderr lines. */
export function captureIo(): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => void stdout.push(line),
    err: (line) => void stderr.push(line),
    json: <T>() => {
      const last = stdout.at(-1);
      if (last === undefined) throw new Error(`nothing on stdout; stderr: ${stderr.join('\n')}`);
      if (last.includes('\n')) throw new Error(`the last stdout line is not one line: ${last}`);
      return JSON.parse(last) as T;
    },
  };
}
