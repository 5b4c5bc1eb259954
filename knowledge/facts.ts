import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkScope, ParleyError, type FactRecord, type FactStore } from '../bot/core/index.js';
import { factKey, type Facts } from './generation/slots.js';

/** Facts from the operator's facts file (`PARLEY_FACTS_FILE`): shared ones and per knowledge scope. */
export interface FileFacts {
  shared: Record<string, string>;
  scopes: Record<string, Record<string, string>>;
}

/** Longest fact name and value (characters). */
const MAX_NAME = 64;
const MAX_VALUE = 2_000;

/**
 * A fact name as stored and matched: {@link factKey} of what the operator typed ("Customer Support Phone Number" →
 * `customer_support_phone_number`). `bad_request` (or `code`) naming `field` when nothing is left or it is too long.
 */
export function factName(name: string, field = 'NAME', code: 'bad_request' | 'config_invalid' = 'bad_request'): string {
  const key = factKey(name);
  if (!key) throw new ParleyError(code, `${field}: a fact name needs letters or digits (e.g. phone, hours, website)`);
  if (key.length > MAX_NAME) throw new ParleyError(code, `${field}: a fact name has at most ${MAX_NAME} characters`);
  return key;
}

/** A fact value: trimmed, not empty, at most 2,000 characters, without control characters other than line breaks. */
export function factValue(value: unknown, field = 'VALUE', code: 'bad_request' | 'config_invalid' = 'bad_request'): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw new ParleyError(code, `${field}: a fact value is a string or a number`);
  const text = String(value).trim();
  if (!text) throw new ParleyError(code, `${field}: a fact value must not be empty`);
  if (text.length > MAX_VALUE) throw new ParleyError(code, `${field}: a fact value has at most ${MAX_VALUE} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) throw new ParleyError(code, `${field}: a fact value may not hold control characters`);
  return text;
}

function factsOf(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ParleyError('config_invalid', `${where}: expected an object of fact names and values`);
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [factName(name, `${where}.${name}`, 'config_invalid'), factValue(v, `${where}.${name}`, 'config_invalid')]));
}

/**
 * Parses a facts file: a YAML or JSON object of fact names and values, with an optional `scopes` object holding the
 * facts of each knowledge scope, e.g. `{"phone": "+1 555 0100", "hours": "Mon–Fri 9–17", "scopes": {"brand-a":
 * {"phone": "+1 555 0111"}}}`. `config_invalid` naming the file and the bad entry. Pure.
 */
export function parseFactsFile(text: string, path: string): FileFacts {
  let parsed: unknown;
  try {
    parsed = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ParleyError('config_invalid', `PARLEY_FACTS_FILE ${path}: not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'} (${(error as Error).message})`, { cause: error });
  }
  if (parsed == null) return { shared: {}, scopes: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ParleyError('config_invalid', `PARLEY_FACTS_FILE ${path}: expected an object of fact names and values`);
  const { scopes = {}, ...shared } = parsed as Record<string, unknown>;
  if (typeof scopes !== 'object' || scopes === null || Array.isArray(scopes)) throw new ParleyError('config_invalid', `PARLEY_FACTS_FILE ${path}: "scopes" must map scope names to facts`);
  const byScope = Object.fromEntries(Object.entries(scopes).map(([scope, facts]) => [checkScope(scope, `PARLEY_FACTS_FILE scopes.${scope}`, 'config_invalid'), factsOf(facts, `PARLEY_FACTS_FILE scopes.${scope}`)]));
  return { shared: factsOf(shared, `PARLEY_FACTS_FILE ${path}`), scopes: byScope };
}

/** Reads and parses the facts file (see {@link parseFactsFile}); `config_invalid` when it cannot be read. */
export async function readFactsFile(path: string): Promise<FileFacts> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ParleyError('config_invalid', `PARLEY_FACTS_FILE: cannot read ${path} (${(error as Error).message})`, { cause: error });
  }
  return parseFactsFile(text, path);
}

/** A fact as `parley facts list` shows it: where it comes from too. */
export interface ListedFact extends FactRecord {
  source: 'store' | 'file';
}

/**
 * The operator's facts: those of the facts file, overridden by those set with `parley facts set` (kept in the store,
 * so every process sees them at once); in a knowledge scope, that scope's facts (file or store) win over shared ones.
 */
export class FactBook {
  constructor(
    private readonly store: FactStore,
    private readonly file: FileFacts = { shared: {}, scopes: {} },
  ) {}

  /** The facts answers in `scope` may use (shared ones without a scope), by name. */
  async forScope(scope: string | null | undefined): Promise<Facts> {
    const stored = await this.store.list({ scope: scope ?? null });
    const sharedStored = Object.fromEntries(stored.filter((f) => f.scope === null).map((f) => [f.name, f.value]));
    const scopedStored = Object.fromEntries(stored.filter((f) => f.scope !== null).map((f) => [f.name, f.value]));
    return { ...this.file.shared, ...sharedStored, ...(scope ? this.file.scopes[scope] : {}), ...scopedStored };
  }

  /** Sets a fact (name normalised, value checked) in the store. */
  async set(name: string, value: string, scope: string | null = null): Promise<FactRecord> {
    return this.store.set({ scope, name: factName(name), value: factValue(value) });
  }

  /** Removes a stored fact; false when none of that name was stored in that scope (a file's facts stay). */
  async unset(name: string, scope: string | null = null): Promise<boolean> {
    return this.store.unset(factName(name), scope);
  }

  /** Every fact, from the file and the store, shared ones first; only the shared ones and those of `scope` with one. */
  async list(scope?: string | null): Promise<ListedFact[]> {
    const stored = await this.store.list(scope === undefined ? undefined : { scope });
    const fromFile: ListedFact[] = [
      ...Object.entries(this.file.shared).map(([name, value]) => ({ scope: null, name, value, updatedAt: '', source: 'file' as const })),
      ...Object.entries(this.file.scopes)
        .filter(([s]) => scope === undefined || s === scope)
        .flatMap(([s, facts]) => Object.entries(facts).map(([name, value]) => ({ scope: s, name, value, updatedAt: '', source: 'file' as const }))),
    ];
    return [...fromFile, ...stored.map((f) => ({ ...f, source: 'store' as const }))];
  }
}
