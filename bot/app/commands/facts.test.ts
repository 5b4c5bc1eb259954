import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../../core/index.js';
import { runCli } from '../cli.js';
import { captureIo, type CapturedIo } from '../testing/captured-io.js';

const TICKETS = [
  { id: 'C-1', question: 'What is your customer support phone number?', answer: 'You can call {{Customer Support Phone Number}} during {{Customer Support Availability}}. Or write to us on {{Live Chat}}.' },
  { id: 'C-2', question: 'How do I download my invoice?', answer: 'Open {{Invoices}} on {{Website Name}} and click {{Download}}.' },
];

describe('parley facts (set, list, unset) and PARLEY_FACTS_FILE', () => {
  let home: string;
  let file: string;
  let factsFile: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-facts-'));
    file = join(home, 'tickets.jsonl');
    factsFile = join(home, 'facts.yaml');
    await writeFile(file, TICKETS.map((t) => JSON.stringify(t)).join('\n'));
    await writeFile(factsFile, 'hours: Mon–Fri 9:00–17:00\nscopes:\n  brand-b:\n    hours: every day 8:00–20:00\n');
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const run = async (argv: string[], env: Record<string, string> = {}): Promise<{ code: number; io: CapturedIo }> => {
    const io = captureIo();
    const code = await runCli(argv, io, { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'warn', PARLEY_SAMPLE_DATA: 'false', PARLEY_VISION: 'false', PARLEY_FACTS_FILE: factsFile, ...env });
    return { code, io };
  };
  const ask = async (question: string): Promise<Reply> => {
    const { code, io } = await run(['ask', question, '--json']);
    expect(code).toBe(0);
    return io.json<{ replies: Reply[] }>().replies.at(-1) as Reply;
  };

  it('answers with the facts set, never with a slot', async () => {
    expect((await run(['ingest', file, '--no-dedupe', '--json'])).code).toBe(0);
    const set = await run(['facts', 'set', 'phone', '+1 555 0100', '--json']);
    expect(set.code).toBe(0);
    expect(set.io.json()).toMatchObject({ scope: null, name: 'phone', value: '+1 555 0100' });
    // Answered from the facts before retrieval (dialogs/contact-facts.ts); the ticket's slots are filled from them too.
    expect((await ask('what is your customer support phone number?')).text).toBe('You can call us on +1 555 0100 during Mon–Fri 9:00–17:00.');
    const reply = await ask('Which number do I dial for customer support, and during what times?');
    expect(reply.text).toMatch(/^You can call \+1 555 0100 during Mon–Fri 9:00–17:00\. Or write to us on Live Chat\./);
  });

  it('lists the facts of the store and the file, shared first', async () => {
    await run(['facts', 'set', 'Customer Support Phone Number', '+1 555 0111', '--scope', 'brand-b']);
    const { code, io } = await run(['facts', 'list', '--json']);
    expect(code).toBe(0);
    const facts = io.json<{ facts: { scope: string | null; name: string; value: string; source: string }[] }>().facts;
    expect(facts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scope: null, name: 'hours', source: 'file' }),
        expect.objectContaining({ scope: 'brand-b', name: 'hours', value: 'every day 8:00–20:00', source: 'file' }),
        expect.objectContaining({ scope: null, name: 'phone', value: '+1 555 0100', source: 'store' }),
        expect.objectContaining({ scope: 'brand-b', name: 'customer_support_phone_number', value: '+1 555 0111', source: 'store' }),
      ]),
    );
  });

  it('unsets a fact: the sentence that needs it goes', async () => {
    const { code, io } = await run(['facts', 'unset', 'phone', '--json']);
    expect(code).toBe(0);
    expect(io.json()).toEqual({ name: 'phone', scope: null, removed: true });
    const reply = await ask('what is your customer support phone number?');
    expect(reply.text).not.toMatch(/\{\{|555/);
  });

  it('refuses bad names, values and facts files with exit code 2', async () => {
    expect((await run(['facts', 'set', '!!!', 'x', '--json'])).code).toBe(2);
    expect((await run(['facts', 'set', 'phone', '  ', '--json'])).code).toBe(2);
    await writeFile(join(home, 'bad.json'), '{"phone": {"nested": true}}');
    const bad = await run(['facts', 'list', '--json'], { PARLEY_FACTS_FILE: join(home, 'bad.json') });
    expect(bad.code).toBe(2);
    expect(bad.io.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'config_invalid' });
    expect((await run(['facts', 'list', '--json'], { PARLEY_FACTS_FILE: join(home, 'facts.txt') })).code).toBe(2);
  });
});
