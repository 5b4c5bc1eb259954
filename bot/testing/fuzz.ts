import fc from 'fast-check';
import { readFuzzConfig } from '../config/index.js';

/**
 * The fuzz budget: `PARLEY_FUZZ_RUNS` cases per target (default `fallback`) and `PARLEY_FUZZ_SEED` (default a fixed
 * seed, so CI runs the same cases; set another seed, or `random`, to explore — a failure prints its seed to replay).
 */
export function fuzzBudget(fallback: number): { numRuns: number; seed?: number } {
  const { runs, seed } = readFuzzConfig();
  return { numRuns: runs ?? fallback, ...(seed === 'random' ? {} : { seed }) };
}

/** Text an attacker or a broken client sends: printable, full Unicode, control characters, long runs. */
export const hostileText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 100 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 50 }),
    fc.constantFrom('', ' ', '\u0000', '{{Order Number}}', '<script>alert(1)</script>', '../../etc/passwd', '%00', '\uFEFF', 'x'.repeat(5_000), '🙂'.repeat(1_500)),
  );

/** JSON values of every shape (objects, arrays, deep nesting, numbers at their limits), and the text of broken JSON. */
export const hostileJsonBody = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.json({ maxDepth: 4 }),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify({ text: value, userId: value, conversationId: value, messageId: value, scope: value })),
    fc.record({ text: hostileText(), userId: fc.option(hostileText(), { nil: undefined }), scope: fc.option(hostileText(), { nil: undefined }) }).map((value) => JSON.stringify(value)),
    hostileText(),
    fc.constantFrom('{', '[', '{"text":', '{"__proto__":{"polluted":1},"text":"hi","userId":"u"}', '{"constructor":{"prototype":{"x":1}}}', '['.repeat(2_000), '1e999', '"\\ud800"'),
  );
