import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeZendesk, type FakeZendesk } from '../../../channels/zendesk/testing/index.js';
import type { KnowledgeStatus } from '../../../knowledge/index.js';
import { runCli } from '../cli.js';
import { captureIo, type CapturedIo } from '../testing/captured-io.js';
import type { ZendeskSyncResult } from '../zendesk-sync.js';

const EMAIL = 'cli-sync@acme.example';
const TOKEN = 'zd-cli-token-789';
let home: string;
let files: string;
let zendesk: FakeZendesk;
let clock = Date.parse('2026-04-01T08:00:00Z');

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-cli-knowledge-'));
  files = await mkdtemp(join(tmpdir(), 'parley-cli-knowledge-files-'));
  zendesk = await startFakeZendesk({ email: EMAIL, apiToken: TOKEN, now: () => clock });
});
afterAll(async () => {
  await zendesk.close();
  await rm(home, { recursive: true, force: true });
  await rm(files, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; io: CapturedIo }> {
  const io = captureIo();
  const code = await runCli(argv, io, { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'warn', ...env });
  return { code, io };
}
const zendeskEnv = () => ({ ZENDESK_URL: zendesk.url, ZENDESK_EMAIL: EMAIL, ZENDESK_API_TOKEN: TOKEN });

describe('parley knowledge status', () => {
  it('prints the status object as the last stdout line with --json, and a short table without', async () => {
    const file = join(files, 'tickets.jsonl');
    await writeFile(file, [
      JSON.stringify({ id: 'K1', question: 'How long do refunds take?', answer: 'Refunds reach your card in 5 to 7 working days.' }),
      JSON.stringify({ id: 'K2', question: 'Do you ship to Canada?', answer: 'Yes, in 4 to 8 working days.' }),
    ].join('\n'));
    expect((await run(['ingest', file, '--json'])).code).toBe(0);

    const { code, io } = await run(['knowledge', 'status', '--json']);
    expect(code).toBe(0);
    const status = io.json<KnowledgeStatus>();
    expect(Object.keys(status).sort()).toEqual(['answerSelection', 'appliedSeq', 'byScope', 'engine', 'lastRefitAt', 'pendingChanges', 'rssMb', 'storeSeq', 'tickets', 'version'].sort());
    expect(status).toMatchObject({ engine: 'memory', tickets: 2, byScope: { '*': 2 }, pendingChanges: expect.any(Number), version: expect.any(Number) });
    expect(status.lastRefitAt === null || typeof status.lastRefitAt === 'string').toBe(true);
    expect(status.rssMb).toBeGreaterThan(10);
    expect(Object.values(status.byScope).reduce((a, b) => a + b, 0)).toBe(status.tickets);

    const human = await run(['knowledge', 'status']);
    expect(human.code).toBe(0);
    const text = human.io.stdout.join('\n');
    expect(text).toMatch(/^engine\s+memory$/m);
    expect(text).toMatch(/^tickets\s+2$/m);
    expect(text).toMatch(/^ {2}\* \(shared\)\s+2$/m);
    expect(text).toMatch(/^memory\s+\d+ MB$/m);
    // Two tickets are too few to select a threshold for the precision target: the configured one applies, and it says so.
    expect(status.answerSelection).toBeNull();
    expect(text).toMatch(/^answer threshold\s+configured \(PARLEY_ANSWER_THRESHOLD\): no held-out selection/m);
  });

  it('exits 2 with a JSON error on a bad option', async () => {
    const { code, io } = await run(['knowledge', 'status', '--json', '--bogus']);
    expect(code).toBe(2);
    expect(io.json<{ error: { code: string } }>().error.code).toBe('bad_request');
  });
});

describe('parley sync zendesk', () => {
  it('syncs what changed since the last run and prints the result', async () => {
    zendesk.put({ id: 501, subject: 'Gift wrap', status: 'solved', comments: [{ author: 'requester', body: 'Can you gift wrap my order?' }, { author: 'agent', body: 'Yes, tick "gift wrap" at checkout; it costs 3 euros.' }] });
    zendesk.put({ id: 502, subject: 'Open one', status: 'pending', comments: [{ author: 'requester', body: 'Where is my parcel?' }] });
    clock += 2 * 60_000;
    const first = await run(['sync', 'zendesk', '--json'], zendeskEnv());
    expect(first.code).toBe(0);
    expect(first.io.json<ZendeskSyncResult>()).toMatchObject({ firstSync: true, changed: 2, upserted: 1, inserted: 1, removed: 0, skipped: { not_solved: 1 }, cursor: expect.any(String) });

    const again = await run(['sync', 'zendesk'], zendeskEnv());
    expect(again.code).toBe(0);
    expect(again.io.stdout.at(-1)).toMatch(/^synced Zendesk: 0 changed tickets in 1 page; 0 upserted/);

    zendesk.remove(501);
    clock += 2 * 60_000;
    const third = await run(['sync', 'zendesk', '--json'], zendeskEnv());
    expect(third.io.json<ZendeskSyncResult>()).toMatchObject({ firstSync: false, changed: 1, removed: 1, skipped: { deleted: 1 } });
    expect((await run(['knowledge', 'status', '--json'])).io.json<KnowledgeStatus>().tickets).toBe(2);
  });

  it('exits 2 without the Zendesk settings or with a bad --since', async () => {
    const unconfigured = await run(['sync', 'zendesk', '--json']);
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.io.json<{ error: { code: string; message: string } }>().error.message).toMatch(/ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN/);
    const since = await run(['sync', 'zendesk', '--json', '--since', 'last tuesday'], zendeskEnv());
    expect(since.code).toBe(2);
    expect(since.io.json<{ error: { message: string } }>().error.message).toMatch(/--since/);
  });
});
