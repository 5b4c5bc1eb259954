import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../core/index.js';

/** What a CLI child process did: its exit code and output, and when its last stdout line (the `--json` result) arrived. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** `Date.now()` when the last stdout line was read: the command's work is done (before the process tears down). */
  resultAt: number;
}

/**
 * Runs `parley <args>` in a separate `node` process from the TypeScript sources (compiled on the fly by
 * `ts-hooks.mjs`, no build needed), as a user runs the CLI next to a running server. Its environment is `env` alone,
 * so nothing of the test runner's own (a `DATABASE_URL`, a `REDIS_URL`) points it at other services. Rejects when the process does not end within `timeoutMs`.
 */
export function runCliProcess(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<CliRun> {
  const root = packageRoot();
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(root, 'bot/testing/ts-register.mjs')).href, join(root, 'bot/app/cli.ts'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let resultAt = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.endsWith('\n')) resultAt = Date.now();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`parley ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr.slice(-2_000)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, resultAt: resultAt || Date.now() });
    });
  });
}
