import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../core/index.js';
import { openStore } from '../storage/index.js';
import { runCli } from './cli.js';
import { captureIo, type CapturedIo } from './testing/captured-io.js';

interface Reply {
  text: string;
  action: string;
  sources: { id: string; score: number; title: string; url?: string }[];
  handoff?: { reason: string };
}
interface ChatBody {
  conversationId: string;
  token: string;
  replies: Reply[];
}
interface IngestBody {
  file: string;
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
  total: number;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI against `home` with logs at warn (the store-creation info line stays out of the test output). */
async function run(argv: string[], home: string, extraEnv: Record<string, string> = {}): Promise<{ code: number; io: CapturedIo }> {
  const io = captureIo();
  const code = await runCli(argv, io, { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'warn', ...extraEnv });
  return { code, io };
}

async function expectBadInput(argv: string[], home: string, mentions: RegExp, extraEnv: Record<string, string> = {}): Promise<ErrorBody> {
  const { code, io } = await run(argv, home, extraEnv);
  expect(code).toBe(2);
  const body = io.json<ErrorBody>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(body.error.message).toMatch(mentions);
  return body;
}

describe('parley ask', () => {
  let home: string;
  beforeAll(async () => {
    home = await tmp();
  });

  it('answers from the sample tickets with the POST /api/chat shape as the last stdout line', async () => {
    const { code, io } = await run(['ask', 'How long does a refund take?', '--json'], home);
    expect(code).toBe(0);
    const body = io.json<ChatBody>();
    expect(typeof body.conversationId).toBe('string');
    expect(typeof body.token).toBe('string');
    expect(body.replies.length).toBeGreaterThanOrEqual(1);
    const answer = body.replies[0]!;
    expect(answer.action).toBe('answer');
    expect(answer.text.toLowerCase()).toMatch(/refund/);
    expect(answer.sources.length).toBeGreaterThan(0);
    for (const source of answer.sources) {
      expect(typeof source.id).toBe('string');
      expect(source.score).toBeGreaterThanOrEqual(0);
      expect(source.score).toBeLessThanOrEqual(1);
      expect(typeof source.title).toBe('string');
    }
  });

  it('hands off when asked for a person', async () => {
    const { code, io } = await run(['ask', 'Can I talk to a person?', '--json'], home);
    expect(code).toBe(0);
    const reply = io.json<ChatBody>().replies[0]!;
    expect(reply.action).toBe('handoff');
    expect(reply.handoff?.reason).toBe('customer_request');
  });

  it('prints plain text without --json', async () => {
    const { code, io } = await run(['ask', 'How do I wash my wool sweater?'], home);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/sources: /);
    expect(() => JSON.parse(io.stdout.at(-1) ?? '')).toThrow();
  });
});

describe('parley ingest', () => {
  let home: string;
  let dir: string;
  const jsonl = [
    { id: 'T-1', question: 'Do you ship to Iceland?', answer: 'Yes, we ship to Iceland in 5-8 business days.', category: 'shipping' },
    { id: 'T-2', question: 'Can I pay with PayPal?', answer: 'Yes, PayPal is accepted at checkout.' },
  ];
  const csv = [
    'ticket_id,question,answer,brand,priority',
    'C-1,"How do I descale the kettle, please?","Fill it with vinegar and water, boil, and rinse twice.",Kettleco,high',
    'C-2,Is the toaster dishwasher safe?,"No, wipe it with a damp cloth only.",Toastly,low',
  ].join('\n');

  beforeAll(async () => {
    home = await tmp();
    dir = await tmp();
    await writeFile(join(dir, 'tickets.jsonl'), jsonl.map((t) => JSON.stringify(t)).join('\n') + '\n');
    await writeFile(join(dir, 'helpdesk.csv'), csv + '\n');
  });

  it('ingests a JSONL file and reports counts', async () => {
    const file = join(dir, 'tickets.jsonl');
    const { code, io } = await run(['ingest', file, '--json'], home);
    expect(code).toBe(0);
    expect(io.json<IngestBody>()).toMatchObject({ file, inserted: 2, updated: 0, unchanged: 0, removed: 0, total: 2 });
  });

  it('ingests a CSV file keeping extra columns as metadata', async () => {
    const { code, io } = await run(['ingest', join(dir, 'helpdesk.csv'), '--json'], home);
    expect(code).toBe(0);
    expect(io.json<IngestBody>()).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, removed: 0, total: 4 });

    const store = await openStore({ home, databaseUrl: undefined });
    try {
      const tickets = await store.listTickets({ source: 'helpdesk.csv' });
      const kettle = tickets.find((t) => t.id === 'C-1');
      expect(kettle).toMatchObject({ question: 'How do I descale the kettle, please?', answer: 'Fill it with vinegar and water, boil, and rinse twice.' });
      expect(kettle!.metadata).toMatchObject({ brand: 'Kettleco', priority: 'high' });
    } finally {
      await store.close();
    }
  });

  it('answers from ingested tickets, citing them by id and title only (no sample data once the store has tickets)', async () => {
    const { code, io } = await run(['ask', 'How do I descale the kettle?', '--json'], home);
    expect(code).toBe(0);
    const reply = io.json<ChatBody>().replies[0]!;
    expect(reply.action).toBe('answer');
    // What a customer sees of a source: never the past ticket's question nor its other metadata (brand, priority).
    expect(reply.sources[0]).toEqual({ id: 'C-1', score: expect.any(Number), title: 'Help article' });
  });

  it('re-ingesting an unchanged file changes nothing', async () => {
    const { code, io } = await run(['ingest', join(dir, 'tickets.jsonl'), '--json'], home);
    expect(code).toBe(0);
    expect(io.json<IngestBody>()).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, removed: 0, total: 4 });
  });

  it('counts a changed ticket as updated', async () => {
    const changed = [{ ...jsonl[0], answer: 'Yes, we ship to Iceland in 4-6 business days.' }, jsonl[1]];
    const file = join(dir, 'changed.jsonl');
    await writeFile(file, changed.map((t) => JSON.stringify(t)).join('\n'));
    const { code, io } = await run(['ingest', file, '--source', 'tickets.jsonl', '--json'], home);
    expect(code).toBe(0);
    expect(io.json<IngestBody>()).toMatchObject({ inserted: 0, updated: 1, unchanged: 1, removed: 0, total: 4 });
  });

  it('--sync removes tickets of that source missing from the file, and only those', async () => {
    const file = join(dir, 'snapshot.jsonl');
    await writeFile(file, JSON.stringify(jsonl[1]) + '\n');
    const { code, io } = await run(['ingest', file, '--source', 'tickets.jsonl', '--sync', '--json'], home);
    expect(code).toBe(0);
    expect(io.json<IngestBody>()).toMatchObject({ inserted: 0, unchanged: 1, removed: 1, total: 3 });

    const store = await openStore({ home, databaseUrl: undefined });
    try {
      expect((await store.listTickets({ source: 'tickets.jsonl' })).map((t) => t.id)).toEqual(['T-2']);
      expect((await store.listTickets({ source: 'helpdesk.csv' })).map((t) => t.id).sort()).toEqual(['C-1', 'C-2']);
    } finally {
      await store.close();
    }
  });

  it('without --json prints a summary line', async () => {
    const { code, io } = await run(['ingest', join(dir, 'helpdesk.csv')], home);
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/2 unchanged/);
  });

  it('ingests a Zendesk export and names the tickets it skipped (not solved, malformed with the field at fault)', async () => {
    const solved = {
      id: 51,
      subject: 'Gift wrap',
      description: 'Can you gift wrap my order?',
      status: 'solved',
      requester_id: 9001,
      comments: [
        { id: 1, author_id: 9001, public: true, body: 'Can you gift wrap my order?' },
        { id: 2, author_id: 501, public: true, body: 'Yes: tick "gift wrap" at checkout, it is free.' },
      ],
    };
    const open = { id: 52, subject: 'Parcel', description: 'Where is it?', status: 'open', requester_id: 9002, comments: [] };
    const malformed = { ...solved, id: 53, tags: 'vip' };
    const file = join(dir, 'zendesk-export.json');
    await writeFile(file, JSON.stringify({ tickets: [solved, open, malformed] }));
    const zdHome = await tmp();
    const json = await run(['ingest', file, '--json'], zdHome);
    expect(json.code).toBe(0);
    const body = json.io.json<IngestBody & { skipped: { zendeskId: string; reason: string; field?: string }[] }>();
    expect(body).toMatchObject({ inserted: 1 });
    expect(body.skipped).toEqual([
      expect.objectContaining({ zendeskId: '52', reason: 'not_solved' }),
      expect.objectContaining({ zendeskId: '53', reason: 'invalid', field: 'tags' }),
    ]);
    const text = await run(['ingest', file], zdHome);
    expect(text.code).toBe(0);
    expect(text.io.stdout.join('\n')).toMatch(/2 Zendesk tickets skipped \(1 not solved, 1 invalid\)\n {2}.*"tags"/);
  });
});

describe('parley customers', () => {
  let home: string;
  let conversationId: string;
  const userId = '+15550001111';

  beforeAll(async () => {
    home = await tmp();
    const store = await openStore({ home, databaseUrl: undefined });
    try {
      const conversation = await store.createConversation({ userId, channel: 'twilio', metadata: { locale: 'en' } });
      conversationId = conversation.id;
      const other = await store.createConversation({ userId: 'someone-else', channel: 'webchat' });
      for (const [id, text] of [[conversation.id, 'my order A-1 is late'], [other.id, 'hello']] as const) {
        await store.appendMessage({ id: newId('act'), type: 'message', channel: 'twilio', conversationId: id, from: { id: userId, role: 'customer' }, text, timestamp: new Date().toISOString() });
      }
      await store.linkConversation({ channel: 'twilio', key: userId, conversationId: conversation.id, ref: {} });
    } finally {
      await store.close();
    }
    await mkdir(join(home, 'uploads', conversationId), { recursive: true });
    await writeFile(join(home, 'uploads', conversationId, 'upl_1.png'), 'image');
  });

  interface ExportBody {
    userId: string;
    conversations: { id: string; metadata: Record<string, unknown>; channelLinks: { key: string }[]; messages: { text: string }[]; uploads: string[] }[];
  }

  it('export --json prints the customer\'s conversations, links, transcript and photo names on one line', async () => {
    const { code, io } = await run(['customers', 'export', '--id', userId, '--json'], home);
    expect(code).toBe(0);
    const body = io.json<ExportBody>();
    expect(body.userId).toBe(userId);
    expect(body.conversations).toHaveLength(1);
    expect(body.conversations[0]).toMatchObject({ id: conversationId, metadata: { locale: 'en' }, channelLinks: [{ key: userId }], messages: [{ text: 'my order A-1 is late' }], uploads: ['upl_1.png'] });
  });

  it('export without --json prints the same as indented JSON', async () => {
    const { code, io } = await run(['customers', 'export', '--id', userId], home);
    expect(code).toBe(0);
    expect((JSON.parse(io.stdout.join('\n')) as ExportBody).conversations[0]?.id).toBe(conversationId);
  });

  it('erase --json deletes the conversations and photos and prints counts', async () => {
    const { code, io } = await run(['customers', 'erase', '--id', userId, '--json'], home);
    expect(code).toBe(0);
    expect(io.json()).toEqual({ userId, conversations: 1, messages: 1, uploads: 1, profiles: 0 });
    expect(existsSync(join(home, 'uploads', conversationId))).toBe(false);
    const after = await run(['customers', 'export', '--id', userId, '--json'], home);
    expect(after.io.json<ExportBody>().conversations).toEqual([]);
    const store = await openStore({ home, databaseUrl: undefined });
    try {
      expect(await store.listConversationsByUser('someone-else')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('erase without --json prints a summary line', async () => {
    const { code, io } = await run(['customers', 'erase', '--id', 'nobody'], home);
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/erased customer nobody: 0 conversations, 0 messages, 0 uploaded photos/);
  });

  it.each([
    [['customers', 'export', '--json']],
    [['customers', 'erase', '--json']],
    [['customers', 'erase', '--id', '   ', '--json']],
    [['customers', 'export', '--id', 'a\u0000b', '--json']],
    [['customers', 'export', '--id', 'x'.repeat(300), '--json']],
  ])('%j exits 2 naming --id', async (argv) => {
    const dir = await tmp();
    await expectBadInput(argv, dir, /--id/);
    // Bad input is refused before anything is opened or created.
    expect(existsSync(join(dir, 'parley.db'))).toBe(false);
  });
});

describe('parley — bad input exits 2', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = await tmp();
    dir = await tmp();
  });

  it('a missing file', async () => {
    const body = await expectBadInput(['ingest', join(dir, 'nope.jsonl'), '--json'], home, /nope\.jsonl/);
    expect(body.error.code).toBe('ingest_invalid');
  });

  it('an unsupported extension', async () => {
    const file = join(dir, 'tickets.txt');
    await writeFile(file, 'question,answer\n');
    await expectBadInput(['ingest', file, '--json'], home, /\.txt/);
  });

  it('a JSONL line without "answer", naming the line and the field', async () => {
    const file = join(dir, 'broken.jsonl');
    await writeFile(file, [JSON.stringify({ id: 'B-1', question: 'q1', answer: 'a1' }), JSON.stringify({ id: 'B-2', question: 'q2' })].join('\n'));
    const body = await expectBadInput(['ingest', file, '--json'], home, /line 2/);
    expect(body.error.message).toMatch(/answer/);
    expect(body.error.code).toBe('ingest_invalid');
  });

  it('a JSONL line that is not JSON, naming the line', async () => {
    const file = join(dir, 'notjson.jsonl');
    await writeFile(file, `${JSON.stringify({ question: 'q1', answer: 'a1' })}\n{oops\n`);
    await expectBadInput(['ingest', file, '--json'], home, /line 2/);
  });

  it('a CSV without an answer column, naming the row and the field', async () => {
    const file = join(dir, 'broken.csv');
    await writeFile(file, 'question,notes\nWhere is my order?,x\n');
    await expectBadInput(['ingest', file, '--json'], home, /row 2.*answer/);
  });

  it('leaves the store untouched after a bad file', async () => {
    const store = await openStore({ home, databaseUrl: undefined });
    try {
      expect(await store.countTickets()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('an unknown command', async () => {
    const body = await expectBadInput(['frobnicate', '--json'], home, /frobnicate/);
    expect(body.error.code).toBe('bad_request');
  });

  it('an unknown option', async () => {
    await expectBadInput(['ask', 'hello', '--frobnicate', '--json'], home, /--frobnicate/);
  });

  it('a missing argument', async () => {
    await expectBadInput(['ingest', '--json'], home, /file/);
  });

  it('an invalid environment (PORT=abc)', async () => {
    const body = await expectBadInput(['ask', 'How long does a refund take?', '--json'], home, /PORT/, { PORT: 'abc' });
    expect(body.error.code).toBe('config_invalid');
  });

  it('bad input without --json still exits 2 and explains on stderr', async () => {
    const { code, io } = await run(['ingest', join(dir, 'nope.csv')], home);
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/nope\.csv/);
  });
});
