/** A bad command-line argument of a benchmark script: reported as `{"error": {"code": "bad_arguments"}}`, exit 2. */
export class UsageError extends Error {}

/** A benchmark's log: `[bench:NAME] message` on stderr (stdout carries only the JSON result). */
export function benchLog(name: string): (message: string) => void {
  return (message) => void process.stderr.write(`[bench:${name}] ${message}\n`);
}

/**
 * Parses a benchmark's arguments with `parse`. On a {@link UsageError} it logs the message, prints
 * `{"error": {"code": "bad_arguments", "message"}}` on stdout and returns undefined: the caller exits 2.
 */
export function parseBenchArgs<T>(parse: (argv: readonly string[]) => T, argv: readonly string[], log: (message: string) => void): T | undefined {
  try {
    return parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    log(err.message);
    process.stdout.write(JSON.stringify({ error: { code: 'bad_arguments', message: err.message } }) + '\n');
    return undefined;
  }
}
