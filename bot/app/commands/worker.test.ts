import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../core/index.js';
import { SqliteDriver } from '../../storage/index.js';
import { runCliProcess } from '../../testing/source-cli.js';
import { waitFor } from '../../testing/wait.js';
import { WORKER_QUEUES } from '../background.js';
import { parseWorkerQueues } from './worker.js';

describe('parseWorkerQueues', () => {
  it('takes every worker queue by default, and names a queue it cannot run', () => {
    expect(parseWorkerQueues(undefined, WORKER_QUEUES)).toEqual([...WORKER_QUEUES]);
    expect(parseWorkerQueues(' maintenance , knowledge.refit,maintenance', WORKER_QUEUES)).toEqual(['maintenance', 'knowledge.refit']);
    expect(() => parseWorkerQueues('delivery.retry', WORKER_QUEUES)).toThrow('--queues: delivery.retry runs in servers only');
    expect(() => parseWorkerQueues('engagement.sends', WORKER_QUEUES)).toThrow('--queues: engagement.sends runs in servers only');
    expect(() => parseWorkerQueues('vision', WORKER_QUEUES)).toThrow(/--queues: no queue "vision" here \(known: maintenance, evaluations.score, knowledge.refit, helpdesk.sync, crm.sync\)/);
    expect(() => parseWorkerQueues(' , ', WORKER_QUEUES)).toThrow('--queues: give at least one queue name');
  });
});

describe('parley worker', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-worker-'));
  });
  afterAll(async () => rm(home, { recursive: true, force: true }));

  it('runs its queues without HTTP and stops on SIGTERM with exit code 0', async () => {
    const root = packageRoot();
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(root, 'bot/testing/ts-register.mjs')).href, join(root, 'bot/app/cli.ts'), 'worker', '--queues', 'maintenance'], {
      env: { PATH: process.env.PATH ?? '', PARLEY_HOME: home, PARLEY_VISION: 'false', PARLEY_SAMPLE_DATA: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await waitFor(() => stderr.includes('Parley worker running maintenance'), 90_000, `the worker to start (stderr: ${stderr.slice(-500)})`);
      // The current period's maintenance job ran in the worker.
      const db = new SqliteDriver(join(home, 'parley.db'));
      try {
        await waitFor(async () => (await db.query("SELECT id FROM jobs WHERE queue = 'maintenance' AND status = 'done'")).length > 0, 30_000, 'a maintenance job done by the worker');
        expect(await db.query("SELECT id FROM jobs WHERE queue <> 'maintenance' AND status = 'done'")).toEqual([]);
      } finally {
        await db.close();
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 150_000);

  it('refuses a queue it cannot run with exit code 2, naming the flag', async () => {
    const run = await runCliProcess(['worker', '--queues', 'delivery.retry'], { PARLEY_HOME: home, PARLEY_VISION: 'false', PARLEY_SAMPLE_DATA: 'false' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--queues: delivery.retry runs in servers only');
  }, 120_000);
});
