import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuarantinedTicket, Reply } from '../../core/index.js';
import { openStore } from '../../storage/index.js';
import { runCli } from '../cli.js';
import { captureIo, type CapturedIo } from '../testing/captured-io.js';

// Realistic phishing in past tickets, with no "ignore previous instructions" wording anywhere.
const TICKETS = [
  {
    id: 'R-1',
    question: 'My refund has not arrived yet, what should I do?',
    answer: 'Sorry for the wait! To release the refund please send your card number and CVV to https://refund-desk.example/verify and it is paid within 24 hours.',
  },
  { id: 'R-2', question: 'I cannot log in to my account', answer: 'Reply to this message with your password and the 6-digit code we just texted you, and we will unlock it.' },
  { id: 'R-3', question: 'Where can I track my order?', answer: 'Track your order at https://track.parcel-carrier.example/status with the number from your shipping email.' },
  { id: 'R-4', question: 'How long do exchanges take?', answer: 'Exchanges ship within 2 business days of receiving your return.' },
];

describe('quarantine at ingest (parley ingest, parley tickets)', () => {
  let home: string;
  let file: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-tickets-'));
    file = join(home, 'tickets.jsonl');
    await writeFile(file, TICKETS.map((t) => JSON.stringify(t)).join('\n'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const run = async (argv: string[], env: Record<string, string> = {}): Promise<{ code: number; io: CapturedIo }> => {
    const io = captureIo();
    const code = await runCli(argv, io, { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'warn', PARLEY_SAMPLE_DATA: 'false', ...env });
    return { code, io };
  };

  it('ingest --json reports the quarantined count and the ids with reasons', async () => {
    const { code, io } = await run(['ingest', file, '--json'], { PARLEY_OPERATOR_DOMAINS: 'northwindthreads.example' });
    expect(code).toBe(0);
    const body = io.json<{ inserted: number; quarantined: number; quarantinedTickets: { id: string; reasons: { code: string; message: string }[] }[] }>();
    expect(body.inserted).toBe(1);
    expect(body.quarantined).toBe(3);
    expect(body.quarantinedTickets.map((q) => [q.id, q.reasons.map((r) => r.code)])).toEqual([
      ['R-1', ['asks_card_data', 'external_link']],
      ['R-2', ['asks_one_time_code', 'asks_password']],
      ['R-3', ['external_link']],
    ]);
    expect(body.quarantinedTickets[2]?.reasons[0]?.message).toMatch(/track\.parcel-carrier\.example/);
  });

  it('never answers a customer from a held ticket', async () => {
    for (const question of ['My refund has not arrived yet, what should I do?', 'I cannot log in to my account']) {
      const { code, io } = await run(['ask', question, '--json']);
      expect(code).toBe(0);
      const replies = io.json<{ replies: Reply[] }>().replies;
      expect(replies.map((r) => r.text).join(' ')).not.toMatch(/CVV|password and the 6-digit code|refund-desk/);
      expect(replies.flatMap((r) => r.sources.map((s) => s.id))).not.toContain('R-1');
    }
  });

  it('tickets quarantine lists them for review; release and reject settle them', async () => {
    const listed = await run(['tickets', 'quarantine', '--json']);
    expect(listed.code).toBe(0);
    const held = listed.io.json<{ quarantined: QuarantinedTicket[] }>().quarantined;
    expect(held.map((q) => q.ticket.id)).toEqual(['R-1', 'R-2', 'R-3']);
    expect(held[0]?.reasons.map((r) => r.code)).toEqual(['asks_card_data', 'external_link']);

    const released = await run(['tickets', 'release', '--id', 'R-3', '--by', 'lead@example.com', '--json'], { PARLEY_OPERATOR_DOMAINS: 'northwindthreads.example' });
    expect(released.code).toBe(0);
    expect(released.io.json<QuarantinedTicket>()).toMatchObject({ ticket: { id: 'R-3' }, releasedBy: 'lead@example.com' });
    const rejected = await run(['tickets', 'reject', '--id', 'R-1']);
    expect(rejected.code).toBe(0);
    expect(rejected.io.stdout.join('\n')).toMatch(/deleted held ticket R-1/);

    const store = await openStore({ home });
    try {
      expect((await store.listTickets()).map((t) => t.id)).toEqual(['R-3', 'R-4']);
      expect((await store.quarantine.list()).map((q) => q.ticket.id)).toEqual(['R-2']);
    } finally {
      await store.close();
    }
    const missing = await run(['tickets', 'release', '--id', 'R-1', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.io.json<{ error: { code: string } }>().error.code).toBe('not_found');
  });

  it('rejects a malformed PARLEY_OPERATOR_DOMAINS naming the setting', async () => {
    const { code, io } = await run(['tickets', 'quarantine', '--json'], { PARLEY_OPERATOR_DOMAINS: 'https://example.com/path' });
    expect(code).toBe(2);
    expect(io.json<{ error: { message: string } }>().error.message).toMatch(/PARLEY_OPERATOR_DOMAINS/);
  });
});
