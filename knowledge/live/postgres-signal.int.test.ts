import { randomBytes } from 'node:crypto';
import { postgresForTests } from '../../bot/testing/postgres.js';
import { startTcpProxy } from '../../bot/testing/tcp-proxy.js';
import { openPostgresClient } from '../../bot/storage/index.js';
import { PostgresSignal, postgresSignalChannel } from './postgres-signal.js';
import { waitFor } from '../../bot/testing/wait.js';

const { available, connectionString } = await postgresForTests('the PostgreSQL knowledge signal tests');
const describeIfPg = available ? describe : describe.skip;

const until = (what: string, check: () => boolean): Promise<boolean> => waitFor(check, 10_000, what);

const fast = { connectTimeoutMs: 1_000, healthTimeoutMs: 500, retryMaxMs: 400, heartbeatMs: 300 };
const schemaName = () => `parley_test_${randomBytes(6).toString('hex')}`;

describe('postgresSignalChannel', () => {
  it('names one channel per schema, within PostgreSQL identifiers', () => {
    expect(postgresSignalChannel('brand_a')).toBe('parley_knowledge_brand_a');
    expect(postgresSignalChannel('brand_a')).not.toBe(postgresSignalChannel('brand_b'));
    const long = postgresSignalChannel('s'.repeat(63));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
    expect(long).not.toBe(postgresSignalChannel(`${'s'.repeat(62)}t`));
  });
});

describeIfPg('PostgresSignal (LISTEN/NOTIFY)', () => {
  it('delivers a notify to every listener of the schema, and to no other schema', async () => {
    const channel = postgresSignalChannel(schemaName());
    const writer = new PostgresSignal({ openClient: openPostgresClient, connectionString, channel, timeouts: fast });
    const reader = new PostgresSignal({ openClient: openPostgresClient, connectionString, channel, timeouts: fast });
    const strangerChannel = postgresSignalChannel(schemaName());
    const stranger = new PostgresSignal({ openClient: openPostgresClient, connectionString, channel: strangerChannel, timeouts: fast });
    const strangerWriter = new PostgresSignal({ openClient: openPostgresClient, connectionString, channel: strangerChannel, timeouts: fast });
    const heard: Array<number | undefined> = [];
    const strangerHeard: Array<number | undefined> = [];
    try {
      reader.subscribe((seq) => void heard.push(seq));
      stranger.subscribe((seq) => void strangerHeard.push(seq));
      await until('both listening', () => reader.listening && stranger.listening);
      await writer.notify(42);
      await until('the notification', () => heard.length === 1);
      expect(heard).toEqual([42]);
      // A listener gets notifications in the order they were committed: a probe on the other schema's channel, sent
      // after 42 was delivered, arrives after 42 would have.
      await strangerWriter.notify(7);
      await until('the probe on the other channel', () => strangerHeard.includes(7));
      expect(strangerHeard).toEqual([7]);
    } finally {
      await Promise.all([writer.close(), reader.close(), stranger.close(), strangerWriter.close()]);
    }
  });

  it('reconnects after the connection is cut, calls listeners once to catch up, and hears the next notify', async () => {
    const url = new URL(connectionString);
    const proxy = await startTcpProxy({ targetHost: url.hostname, targetPort: Number(url.port || 5432) });
    const channel = postgresSignalChannel(schemaName());
    const writer = new PostgresSignal({ openClient: openPostgresClient, connectionString, channel, timeouts: fast });
    const reader = new PostgresSignal({ openClient: openPostgresClient, connectionString: proxy.proxiedUrl(connectionString), channel, timeouts: fast });
    const heard: Array<number | undefined> = [];
    try {
      reader.subscribe((seq) => void heard.push(seq));
      await until('listening', () => reader.listening);
      proxy.cut();
      await until('the drop noticed', () => !reader.listening);
      // Sent while the reader is away: lost, which is why the reader looks once it is back (the catch-up call, without
      // a counter, is then the first thing it hears: a delivered 1 would come before it).
      await writer.notify(1);
      proxy.restore();
      await until('listening again', () => reader.listening);
      await until('the catch-up call', () => heard.length === 1);
      expect(heard).toEqual([undefined]);
      await writer.notify(2);
      await until('the next notification', () => heard.length === 2);
      expect(heard).toEqual([undefined, 2]);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
      await proxy.close();
    }
  });

  it('detects a connection the network drops silently (heartbeat) and listens again', async () => {
    const url = new URL(connectionString);
    const proxy = await startTcpProxy({ targetHost: url.hostname, targetPort: Number(url.port || 5432) });
    const channel = postgresSignalChannel(schemaName());
    const writer = new PostgresSignal({ openClient: openPostgresClient, connectionString, channel, timeouts: fast });
    const reader = new PostgresSignal({ openClient: openPostgresClient, connectionString: proxy.proxiedUrl(connectionString), channel, timeouts: fast });
    const heard: Array<number | undefined> = [];
    try {
      reader.subscribe((seq) => void heard.push(seq));
      await until('listening', () => reader.listening);
      proxy.blackhole();
      await until('the silent drop noticed', () => !reader.listening);
      proxy.restore();
      await until('the catch-up call', () => heard.length === 1);
      await writer.notify(3);
      await until('the next notification', () => heard.length === 2);
      expect(heard).toEqual([undefined, 3]);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
      await proxy.close();
    }
  });

  it('notify fails with store_unavailable when no connection comes up', async () => {
    const proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort: 5432 });
    proxy.cut();
    const signal = new PostgresSignal({ openClient: openPostgresClient, connectionString: proxy.proxiedUrl(connectionString), channel: postgresSignalChannel(schemaName()), timeouts: { ...fast, connectTimeoutMs: 300 } });
    try {
      await expect(signal.notify(1)).rejects.toMatchObject({ code: 'store_unavailable' });
    } finally {
      await signal.close();
      await proxy.close();
    }
  });
});
