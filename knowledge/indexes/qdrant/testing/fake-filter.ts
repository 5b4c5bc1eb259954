/**
 * Payload filters and input checks of the fake Qdrant, after Qdrant's documented semantics
 * (https://qdrant.tech/documentation/concepts/filtering/).
 */

/** A Qdrant-style error: the fake answers `status` with `{ status: { error: message }, time }`. */
export class FakeQdrantError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Throws a 400 "Wrong input" unless `ok`. */
export function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new FakeQdrantError(400, `Wrong input: ${message}`);
}

/** A point id as Qdrant normalises it: an unsigned integer or a lowercase hyphenated UUID. */
export type PointId = number | string;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Validates and normalises an `ExtendedPointId`. */
export function pointId(raw: unknown): PointId {
  if (typeof raw === 'number') {
    check(Number.isSafeInteger(raw) && raw >= 0, `point id ${raw} is not an unsigned integer`);
    return raw;
  }
  check(typeof raw === 'string' && UUID.test(raw), `point id ${JSON.stringify(raw)} is neither an unsigned integer nor a UUID`);
  const hex = raw.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values at a dotted payload path, arrays flattened (Qdrant matches a condition if any value satisfies it). */
function valuesAt(payload: Record<string, unknown>, key: string): unknown[] {
  let current: unknown[] = [payload];
  for (const part of key.split('.')) {
    const name = part.endsWith('[]') ? part.slice(0, -2) : part;
    current = current.flatMap((v) => (isObject(v) && name in v ? [v[name]] : []));
    current = current.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return current;
}

const RANGE_OPS: Record<string, (a: number, b: number) => boolean> = {
  gt: (a, b) => a > b, gte: (a, b) => a >= b, lt: (a, b) => a < b, lte: (a, b) => a <= b,
};

function matchCondition(match: unknown, values: unknown[]): boolean {
  check(isObject(match), 'match must be an object');
  if ('value' in match) {
    const v = match.value;
    check(typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v)), 'match.value must be a string, integer or boolean');
    return values.some((x) => x === v);
  }
  if ('any' in match) {
    const any = match.any;
    // AnyVariants: a list of strings or a list of integers, each without duplicates (no booleans, no fractions).
    check(Array.isArray(any), 'match.any must be an array');
    check(any.every((v) => typeof v === 'string') || any.every((v) => Number.isSafeInteger(v)), 'match.any must list strings or integers, not a mix');
    check(new Set(any).size === any.length, 'match.any must not repeat a value');
    return values.some((x) => (any as unknown[]).includes(x));
  }
  if ('except' in match) {
    check(Array.isArray(match.except), 'match.except must be an array');
    return values.length === 0 || values.some((x) => !(match.except as unknown[]).includes(x));
  }
  throw new FakeQdrantError(400, 'Wrong input: the fake supports match.value, match.any and match.except only');
}

function conditionHolds(condition: unknown, id: PointId, payload: Record<string, unknown>): boolean {
  check(isObject(condition), 'a filter condition must be an object');
  if ('key' in condition) {
    check(typeof condition.key === 'string', 'condition key must be a string');
    const values = valuesAt(payload, condition.key);
    if (condition.match != null) return matchCondition(condition.match, values);
    if (condition.range != null) {
      const range = condition.range;
      check(isObject(range), 'range must be an object');
      const ops = Object.entries(range).filter(([, bound]) => bound != null);
      check(ops.every(([op, bound]) => op in RANGE_OPS && typeof bound === 'number'), 'range takes numeric gt, gte, lt, lte');
      return values.some((x) => typeof x === 'number' && ops.every(([op, bound]) => RANGE_OPS[op]!(x, bound as number)));
    }
    if (condition.is_empty === true) return values.length === 0;
    if (condition.is_null === true) return values.includes(null);
    throw new FakeQdrantError(400, 'Wrong input: the fake supports match, range, is_empty and is_null field conditions');
  }
  if ('has_id' in condition) {
    check(Array.isArray(condition.has_id), 'has_id must be an array');
    return condition.has_id.map(pointId).includes(id);
  }
  if ('is_empty' in condition || 'is_null' in condition) {
    const field = (condition.is_empty ?? condition.is_null) as { key?: unknown };
    check(isObject(field) && typeof field.key === 'string', 'is_empty/is_null need { key }');
    const values = valuesAt(payload, field.key as string);
    return 'is_empty' in condition ? values.length === 0 : values.includes(null);
  }
  return matches(condition, id, payload); // a nested Filter
}

function conditions(value: unknown): unknown[] {
  if (value == null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a point satisfies a Qdrant `Filter` (`must`, `should`, `must_not`; an empty filter matches everything). */
export function matches(filter: unknown, id: PointId, payload: Record<string, unknown>): boolean {
  if (filter == null) return true;
  check(isObject(filter), 'filter must be an object');
  for (const key of Object.keys(filter)) {
    check(['must', 'should', 'must_not', 'min_should'].includes(key), `unknown filter field "${key}"`);
  }
  check(filter.min_should == null, 'the fake does not support min_should');
  // Evaluate every condition (no short-circuit) so a malformed one is reported even when an earlier one fails.
  const must = conditions(filter.must).map((c) => conditionHolds(c, id, payload));
  const should = conditions(filter.should).map((c) => conditionHolds(c, id, payload));
  const mustNot = conditions(filter.must_not).map((c) => conditionHolds(c, id, payload));
  return must.every(Boolean) && (should.length === 0 || should.some(Boolean)) && !mustNot.some(Boolean);
}

/** Combines two filters so both must hold. */
export function bothFilters(a: unknown, b: unknown): unknown {
  if (a == null) return b;
  if (b == null) return a;
  return { must: [a, b] };
}
