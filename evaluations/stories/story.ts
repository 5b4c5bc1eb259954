import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ParleyError } from '../../bot/core/index.js';

/** What a `bot:` step expects of the next reply; every given check must hold. */
export interface BotExpectation {
  /** Text the reply must contain (each, case-insensitive). */
  contains?: string[];
  /** Text the reply must not contain (case-insensitive). */
  notContains?: string[];
  /** A regular expression the reply must match (case-insensitive). */
  matches?: string;
  action?: 'answer' | 'clarify' | 'handoff';
  /** Hand off; with a string, for this reason (`customer_request`, `sensitive_topic`, …). */
  handoff?: true | string;
  /** Cite this ticket id, or a ticket of this category. */
  cites?: { id?: string; category?: string };
  /** Quick replies the reply must offer. */
  quickReplies?: string[];
  /** The dialog that must be active after the turn (`clarify`, `csat`, …). */
  dialog?: string;
  /** Lowest acceptable confidence. */
  minConfidence?: number;
}

/** One step of a story: the customer says something, or the bot's next reply is checked. */
export type StoryStep = { customer: string } | { bot: BotExpectation; line: string };

/** A conversation test. */
export interface Story {
  name: string;
  file: string;
  /** Channel the conversation runs on; default `story` (which shows quick replies). */
  channel: string;
  steps: StoryStep[];
}

const ACTIONS = ['answer', 'clarify', 'handoff'] as const;
const SHORTHAND: Record<string, BotExpectation> = {
  clarify: { action: 'clarify' },
  'clarifies': { action: 'clarify' },
  answer: { action: 'answer' },
  answers: { action: 'answer' },
  'hand off': { handoff: true },
  'hands off': { handoff: true },
  handoff: { handoff: true },
};

const bad = (where: string, message: string): ParleyError => new ParleyError('bad_request', `${where}: ${message}`);

const strings = (value: unknown, where: string): string[] => {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((v) => typeof v !== 'string' && typeof v !== 'number')) throw bad(where, 'must be a text or a list of texts');
  return list.map(String);
};

/** Reads the `bot:` value of a step (a shorthand like `clarify` / `hand off`, a text to contain, or an object of checks). */
function expectation(value: unknown, where: string): BotExpectation {
  if (typeof value === 'string') return SHORTHAND[value.trim().toLowerCase()] ?? { contains: [value] };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(where, 'bot: must be a text or a map of checks');
  const out: BotExpectation = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const at = `${where}.${key}`;
    switch (key) {
      case 'contains':
        out.contains = strings(v, at);
        break;
      case 'not_contains':
        out.notContains = strings(v, at);
        break;
      case 'matches':
        if (typeof v !== 'string') throw bad(at, 'must be a regular expression');
        try {
          new RegExp(v, 'i');
        } catch {
          throw bad(at, `"${v}" is not a valid regular expression`);
        }
        out.matches = v;
        break;
      case 'action':
        if (!ACTIONS.includes(v as (typeof ACTIONS)[number])) throw bad(at, `must be one of ${ACTIONS.join(', ')}`);
        out.action = v as BotExpectation['action'];
        break;
      case 'clarify':
        if (v !== true) throw bad(at, 'must be true');
        out.action = 'clarify';
        break;
      case 'handoff':
      case 'hand_off':
        if (v !== true && typeof v !== 'string') throw bad(at, 'must be true or a handoff reason');
        out.handoff = v === true ? true : String(v);
        break;
      case 'cites':
        if (typeof v === 'string') out.cites = { id: v };
        else if (typeof v === 'object' && v !== null && ('id' in v || 'category' in v)) {
          const { id, category } = v as { id?: unknown; category?: unknown };
          out.cites = { ...(id !== undefined ? { id: String(id) } : {}), ...(category !== undefined ? { category: String(category) } : {}) };
        } else throw bad(at, 'must be a ticket id or {category: …} / {id: …}');
        break;
      case 'cites_category':
        out.cites = { category: String(v) };
        break;
      case 'quick_replies':
        out.quickReplies = strings(v, at);
        break;
      case 'dialog':
        if (typeof v !== 'string' || !v.trim()) throw bad(at, 'must name a dialog');
        out.dialog = v;
        break;
      case 'min_confidence':
        if (typeof v !== 'number' || v < 0 || v > 1) throw bad(at, 'must be a number from 0 to 1');
        out.minConfidence = v;
        break;
      default:
        throw bad(at, 'unknown check (use contains, not_contains, matches, action, clarify, handoff, cites, cites_category, quick_replies, dialog, min_confidence)');
    }
  }
  return out;
}

/** Parses one story object; `where` names it in errors. */
function toStory(raw: unknown, file: string, where: string): Story {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(where, 'a story must be a map with name and steps');
  const { name, channel, steps } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || !name.trim()) throw bad(where, 'name: is required');
  if (channel !== undefined && (typeof channel !== 'string' || !/^[\w-]{1,40}$/.test(channel))) throw bad(`${where} (${name})`, 'channel: must be a channel name');
  if (!Array.isArray(steps) || steps.length === 0) throw bad(`${where} (${name})`, 'steps: must be a non-empty list');
  const parsed = steps.map((step: unknown, i): StoryStep => {
    const at = `${where} (${name}) step ${i + 1}`;
    if (typeof step !== 'object' || step === null || Array.isArray(step) || Object.keys(step).length !== 1) throw bad(at, 'each step is `customer: <text>` or `bot: <expectation>`');
    const [[key, value]] = Object.entries(step) as [[string, unknown]];
    if (key === 'customer') {
      if (typeof value !== 'string' && typeof value !== 'number') throw bad(at, 'customer: must be a text');
      return { customer: String(value) };
    }
    if (key === 'bot') return { bot: expectation(value, `${at} bot`), line: JSON.stringify(value) };
    throw bad(at, `unknown step "${key}" (customer or bot)`);
  });
  if (!('customer' in (parsed[0] as StoryStep))) throw bad(`${where} (${name})`, 'the first step must be the customer speaking');
  return { name, file, channel: typeof channel === 'string' ? channel : 'story', steps: parsed };
}

/** Parses the stories of one YAML document: one story (`name`, `steps`) or `stories: [...]`. */
export function parseStories(text: string, file: string): Story[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw bad(file, `not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  if (typeof doc === 'object' && doc !== null && 'stories' in doc) {
    const list = (doc as { stories: unknown }).stories;
    if (!Array.isArray(list) || list.length === 0) throw bad(file, 'stories: must be a non-empty list');
    return list.map((raw, i) => toStory(raw, file, `${file} story ${i + 1}`));
  }
  return [toStory(doc, file, file)];
}

/** Every `.yaml`/`.yml` file under the given files and folders (recursively, sorted). */
export async function storyFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (path: string): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw bad(path, 'no such file or folder');
    }
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) await visit(join(path, name));
    } else if (/\.ya?ml$/i.test(path)) out.push(path);
  };
  for (const path of paths) await visit(path);
  return out;
}

/** Reads and parses every story under `paths`; a path without stories is bad input. */
export async function loadStories(paths: readonly string[]): Promise<Story[]> {
  const files = await storyFiles(paths);
  if (files.length === 0) throw bad(paths.join(', '), 'no .yaml or .yml story files');
  const stories: Story[] = [];
  for (const file of files) stories.push(...parseStories(await readFile(file, 'utf8'), file));
  return stories;
}
