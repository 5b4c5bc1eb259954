import type { StoryResult } from './runner.js';

const xml = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

/** JUnit XML of a story run (one `<testsuite>` per story file), as CI systems read it. */
export function toJUnit(results: readonly StoryResult[], suiteName = 'parley stories'): string {
  const byFile = new Map<string, StoryResult[]>();
  for (const r of results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const suites = [...byFile].map(([file, rows]) => {
    const failures = rows.filter((r) => !r.passed).length;
    const cases = rows.map((r) => {
      const body = r.passed
        ? ''
        : `<failure message="${xml(r.failures.map((f) => `step ${f.step}: expected ${f.expected}, got ${f.got}`).join('; '))}" type="StoryFailure">${xml(
            [...r.failures.map((f) => `step ${f.step}: expected ${f.expected}\n        got ${f.got}`), '', 'transcript:', ...r.transcript].join('\n'),
          )}</failure>`;
      const out = r.score ? `<system-out>${xml(`score ${r.score.score}; flags: ${r.score.flags.join(', ') || 'none'}`)}</system-out>` : '';
      return `    <testcase name="${xml(r.name)}" classname="${xml(file)}" time="${seconds(r.ms)}">${body}${out}</testcase>`;
    });
    const time = rows.reduce((s, r) => s + r.ms, 0);
    return `  <testsuite name="${xml(file)}" tests="${rows.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(time)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const failures = results.filter((r) => !r.passed).length;
  const time = results.reduce((s, r) => s + r.ms, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(suiteName)}" tests="${results.length}" failures="${failures}" errors="0" time="${seconds(time)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
