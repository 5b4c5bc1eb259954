import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { newId, silentLogger, type Activity, type Logger, type Store } from '../core/index.js';
import { openStore } from '../storage/index.js';
import { MaintenanceJob } from './maintenance.js';
import { createParley } from './parley.js';
import { startServer } from './server.js';
import { waitFor } from '../testing/wait.js';

const NOW = Date.parse('2030-01-10T12:00:00.000Z');
const minutesAgo = (n: number) => new Date(NOW - n * 60_000).toISOString();
const daysAgo = (n: number) => new Date(NOW - n * 24 * 60 * 60_000).toISOString();

function message(conversationId: string, text: string, timestamp: string): Activity {
  return { id: newId('act'), type: 'message', channel: 'test', conversationId, from: { id: 'u', role: 'customer' }, text, timestamp };
}


describe('MaintenanceJob', () => {
  let home: string;
  let store: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-maintenance-'));
    store = await openStore({ home });
  });
  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('closes conversations idle for longer than idleCloseMinutes, open or handed off', async () => {
    const idle = await store.createConversation({ userId: 'u', channel: 'test' });
    const handedOff = await store.createConversation({ userId: 'u', channel: 'test' });
    const recent = await store.createConversation({ userId: 'u', channel: 'test' });
    await store.appendMessage(message(idle.id, 'hello?', minutesAgo(31)));
    await store.appendMessage(message(handedOff.id, 'a person please', minutesAgo(45)));
    await store.updateConversation(handedOff.id, { status: 'needs_human', handoffReason: 'customer_request' });
    await store.appendMessage(message(recent.id, 'old', minutesAgo(120)));
    await store.appendMessage(message(recent.id, 'new', minutesAgo(29)));

    const job = new MaintenanceJob({ store, logger: silentLogger, idleCloseMinutes: 30, now: () => NOW });
    const result = await job.pass();
    expect(result.closed.sort()).toEqual([idle.id, handedOff.id].sort());
    expect(result.deletedMessages).toBe(0);
    expect((await store.getConversation(idle.id))?.status).toBe('closed');
    expect((await store.getConversation(handedOff.id))?.status).toBe('closed');
    expect((await store.getConversation(recent.id))?.status).toBe('open');
    // Without retention the transcripts stay.
    expect(await store.listMessages(idle.id)).toHaveLength(1);

    // A longer idle time keeps them open.
    const other = await store.createConversation({ userId: 'u', channel: 'test' });
    await store.appendMessage(message(other.id, 'hi', minutesAgo(31)));
    expect((await new MaintenanceJob({ store, logger: silentLogger, idleCloseMinutes: 60, now: () => NOW }).pass()).closed).toEqual([]);
  });

  it('deletes messages older than transcriptRetentionDays', async () => {
    const conversation = await store.createConversation({ userId: 'u', channel: 'test' });
    await store.appendMessage(message(conversation.id, 'ancient', daysAgo(31)));
    await store.appendMessage(message(conversation.id, 'kept', daysAgo(29)));
    const job = new MaintenanceJob({ store, logger: silentLogger, transcriptRetentionDays: 30, now: () => NOW });
    expect((await job.pass()).deletedMessages).toBe(1);
    expect((await store.listMessages(conversation.id)).map((m) => m.text)).toEqual(['kept']);
  });

  it('runs at start and then every intervalMs until stopped, logging failures instead of throwing', async () => {
    let calls = 0;
    const warnings: unknown[] = [];
    const logger: Logger = { ...silentLogger, warn: (obj) => void warnings.push(obj) };
    const failing = {
      closeIdleConversations: async () => {
        calls++;
        throw new Error('database away');
      },
      deleteMessagesBefore: async () => 0,
    };
    // The job's timer runs on jest's fake clock: time passes only when the test moves it.
    jest.useFakeTimers();
    try {
      const job = new MaintenanceJob({ store: failing, logger, intervalMs: 10 }).start();
      await jest.advanceTimersByTimeAsync(20);
      expect(calls).toBe(3);
      await job.stop();
      const stoppedAt = calls;
      // Five more periods of the old timer: nothing runs once stopped.
      await jest.advanceTimersByTimeAsync(50);
      expect(calls).toBe(stoppedAt);
      expect(warnings.length).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not run two passes at once', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const slow = {
      closeIdleConversations: async () => {
        calls++;
        await new Promise<void>((resolve) => (release = resolve));
        return [];
      },
      deleteMessagesBefore: async () => 0,
    };
    const job = new MaintenanceJob({ store: slow, logger: silentLogger });
    const first = job.pass();
    const second = job.pass();
    expect(second).toBe(first);
    await waitFor(async () => calls === 1);
    release();
    await first;
    expect(calls).toBe(1);
  });
});

describe('startServer runs maintenance', () => {
  it('closes idle conversations and applies retention from the configuration, and stops on close', async () => {
    const home = await mkdtemp(join(tmpdir(), 'parley-maintenance-server-'));
    const config = loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false', PARLEY_IDLE_CLOSE_MINUTES: '5', PARLEY_TRANSCRIPT_RETENTION_DAYS: '7' });
    const parley = await createParley(config, { logger: silentLogger });
    try {
      const idle = await parley.store.createConversation({ userId: 'u', channel: 'test' });
      await parley.store.appendMessage(message(idle.id, 'recent enough to keep', new Date(Date.now() - 6 * 60_000).toISOString()));
      await parley.store.appendMessage(message(idle.id, 'past retention', new Date(Date.now() - 8 * 24 * 60 * 60_000).toISOString()));
      const server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 20 });
      const stopJobs = jest.spyOn(parley.jobs, 'stop');
      try {
        await waitFor(async () => (await parley.store.getConversation(idle.id))?.status === 'closed');
        await waitFor(async () => (await parley.store.listMessages(idle.id)).length === 1);
        expect((await parley.store.listMessages(idle.id))[0]?.text).toBe('recent enough to keep');
      } finally {
        await server.close();
      }
      // Maintenance is a recurring job of the job runner: closing the server stops the runner (that a stopped runner
      // runs no more periods is shown in bot/jobs/store-runner.test.ts, on the fake clock).
      expect(stopJobs).toHaveBeenCalledTimes(1);
    } finally {
      await parley.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
