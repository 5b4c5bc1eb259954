// Reads the last JSON line of a benchmark's output and fails when a figure breaks its bound.
// Usage: node .ci/check.mjs FILE 'field>=0.9' 'other.field<=10' 'coverageAt[0.8]>=0.2' … (brackets name a key with dots)
import { readFileSync } from 'node:fs';

const [file, ...rules] = process.argv.slice(2);
const lines = readFileSync(file, 'utf8').trim().split('\n');
const result = JSON.parse(lines[lines.length - 1]);
let failed = false;
for (const rule of rules) {
  const match = /^([\w.[\]]+)(>=|<=|==)(-?[\d.]+)$/.exec(rule);
  if (!match) throw new Error(`bad rule ${rule}`);
  const [, path, op, bound] = match;
  const keys = [...path.matchAll(/\[([^\]]+)\]|[^.[\]]+/g)].map((m) => m[1] ?? m[0]);
  const value = keys.reduce((v, key) => v?.[key], result);
  const ok = typeof value === 'number' && (op === '>=' ? value >= Number(bound) : op === '<=' ? value <= Number(bound) : value === Number(bound));
  console.error(`${ok ? 'ok  ' : 'FAIL'} ${path} = ${value} (${op} ${bound})`);
  if (!ok) failed = true;
}
process.exit(failed ? 1 : 0);
