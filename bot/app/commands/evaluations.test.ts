import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, packageFile, silentLogger, type Activity } from '../../core/index.js';
import { loadConfig } from '../../config/index.js';
import { runCli } from '../cli.js';
import { MaintenanceJob } from '../maintenance.js';
import { createParley, type Parley } from '../parley.js';
import { captureIo } from '../testing/captured-io.js';

async function say(parley: Parley, conversationId: string, text: string): Promise<Activity[]> {
  const activity: Activity = { id: newId('act'), type: 'message', channel: 'webchat', conversationId, from: { id: 'c1', role: 'customer' }, text, timestamp: new Date().toISOString() };
  return (await parley.bot.processActivity(activity, { send: async () => undefined })).replies;
}

describe('evaluation commands', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-eval-cli-'));
    env = { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'error' };
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('adds dashboard users with hashed passwords, lists them, grants channels, and names bad fields', async () => {
    const io = captureIo();
    expect(await runCli(['users', 'add', '--email', 'Lead@Example.com', '--password', 'correct horse battery', '--role', 'cx_lead', '--json'], io, env)).toBe(0);
    expect(io.json()).toMatchObject({ email: 'lead@example.com', role: 'cx_lead' });
    expect(io.stdout.join('\n')).not.toContain('passwordHash');

    const bad = async (args: string[], message: RegExp) => {
      const out = captureIo();
      expect(await runCli([...args, '--json'], out, env)).toBe(2);
      expect(out.json<{ error: { message: string } }>().error.message).toMatch(message);
    };
    await bad(['users', 'add', '--email', 'lead@example.com', '--password', 'another long one', '--role', 'agent'], /^email: a user lead@example.com already exists/);
    await bad(['users', 'add', '--email', 'x@example.com', '--password', 'short', '--role', 'agent'], /^--password: must be at least 10 characters/);
    await bad(['users', 'add', '--email', 'x@example.com', '--password', 'long enough pw', '--role', 'boss'], /^--role: "boss" is not one of admin, cx_lead, agent/);
    await bad(['users', 'add', '--email', 'not-an-email', '--password', 'long enough pw', '--role', 'agent'], /^--email:/);
    await bad(['users', 'grant', '--email', 'lead@example.com'], /^--channel or --conversation/);
    await bad(['users', 'grant', '--email', 'nobody@example.com', '--channel', 'webchat'], /^--email: no user/);

    expect(await runCli(['users', 'add', '--email', 'agent@example.com', '--password', 'agent password 1', '--role', 'agent'], captureIo(), env)).toBe(0);
    expect(await runCli(['users', 'grant', '--email', 'agent@example.com', '--channel', 'webchat'], captureIo(), env)).toBe(0);
    const list = captureIo();
    expect(await runCli(['users', 'list', '--json'], list, env)).toBe(0);
    expect(list.json<{ users: { email: string; grants: { kind: string; value: string }[] }[] }>().users).toEqual([
      expect.objectContaining({ email: 'agent@example.com', grants: [expect.objectContaining({ kind: 'channel', value: 'webchat' })] }),
      expect.objectContaining({ email: 'lead@example.com', grants: [] }),
    ]);
  });

  it('scores conversations on close (customer rating, idle close) and on demand, and writes the HTML report', async () => {
    const parley = await createParley(loadConfig(env), { logger: silentLogger });
    let rated: string;
    let idle: string;
    try {
      rated = (await parley.store.createConversation({ userId: 'c1', channel: 'webchat' })).id;
      expect((await say(parley, rated, 'how long do refunds take?'))[0]?.sources?.length).toBe(1);
      await say(parley, rated, 'thanks!');
      await say(parley, rated, '2');
      expect(await parley.store.getConversation(rated)).toMatchObject({ status: 'closed' });
      idle = (await parley.store.createConversation({ userId: 'c2', channel: 'webchat' })).id;
      await say(parley, idle, 'I want to talk to a person');

      // The maintenance pass closes the idle conversation and scores both closed ones.
      const job = new MaintenanceJob({ store: parley.store, logger: silentLogger, idleCloseMinutes: 1, now: () => Date.now() + 5 * 60_000, scorer: parley.scorer });
      const pass = await job.pass();
      expect(pass.closed).toEqual([idle]);
      expect(pass.scored).toBe(2);
      const rating = await parley.store.evaluations.getScore(rated);
      expect(rating).toMatchObject({ judge: 'offline', flags: ['low csat'], metrics: { csat: 2, resolvedWithoutHuman: false } });
      expect(rating?.metrics.groundedness).toBeGreaterThanOrEqual(0.9);
      expect(await parley.store.evaluations.getScore(idle)).toMatchObject({ flags: [], metrics: { handedOff: true, handoffAppropriate: true } });
      expect((await job.pass()).scored).toBe(0);
    } finally {
      await parley.close();
    }

    const io = captureIo();
    expect(await runCli(['eval', 'conversations', '--since', new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), '--json'], io, env)).toBe(0);
    const result = io.json<{ scored: number; figures: { conversations: number; handoffRate: number; csat: number }; flags: { flag: string; count: number }[] }>();
    expect(result.scored).toBe(2);
    expect(result.figures).toMatchObject({ conversations: 2, handoffRate: 0.5, csat: 2 });
    expect(result.flags).toEqual([{ flag: 'low csat', count: 1 }]);

    const bad = captureIo();
    expect(await runCli(['eval', 'conversations', '--since', 'last week', '--json'], bad, env)).toBe(2);
    expect(bad.json()).toEqual({ error: { code: 'bad_request', message: '--since: "last week" is not a date (YYYY-MM-DD or ISO 8601)' } });

    const out = join(home, 'report.html');
    const report = captureIo();
    expect(await runCli(['eval', 'report', '--out', out, '--json'], report, env)).toBe(0);
    expect(report.json()).toMatchObject({ out, conversations: 2, scored: 2 });
    const html = await readFile(out, 'utf8');
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
    expect(html).toContain('Resolution rate');
    expect(html).toContain('low csat');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('runs story files: 0 when they pass (with JUnit XML), 1 when one fails, 2 for a bad path', async () => {
    const junit = join(home, 'stories.xml');
    const ok = captureIo();
    expect(await runCli(['test', packageFile('evaluations/stories/samples/handoff.yaml'), '--junit', junit, '--json'], ok, env)).toBe(0);
    expect(ok.json()).toMatchObject({ stories: 4, passed: 4, failed: 0 });
    expect(await readFile(junit, 'utf8')).toContain('tests="4" failures="0"');

    const failing = join(home, 'failing.yaml');
    await writeFile(failing, 'name: wrong expectation\nsteps:\n  - customer: I want to talk to a person\n  - bot: { action: answer }\n');
    const fail = captureIo();
    expect(await runCli(['test', failing], fail, env)).toBe(1);
    expect(fail.stdout.join('\n')).toMatch(/step 2: expected action answer\n\s+got +action handoff/);
    expect(fail.stdout.at(-1)).toMatch(/\n0 of 1 stories passed$/);

    const missing = captureIo();
    expect(await runCli(['test', join(home, 'nope'), '--json'], missing, env)).toBe(2);
    expect(missing.json<{ error: { message: string } }>().error.message).toMatch(/no such file or folder/);
  }, 90_000); // two story runs, each loading the sample knowledge: over 30 s on a loaded machine
});
