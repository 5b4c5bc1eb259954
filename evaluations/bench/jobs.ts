/**
 * `npm run bench:jobs -- [--jobs N] [--runners R] [--concurrency C] [--store sqlite|postgres]`: throughput of the
 * store-backed job runner. Enqueues N no-op jobs (one at a time, as features do), then starts R runners (each with
 * C jobs at once) and times until every job is done. SQLite runners share one connection (one process); PostgreSQL
 * runners each have their own pool, as separate processes would (`DATABASE_URL`, default the local test database, in
 * a throwaway schema). Prints one JSON line: `{"store", "jobs", "runners", "concurrency", "enqueuePerSec",
 * "jobsPerSec", "cpuMsPerJob", "loadAverage"}`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../bot/config/index.js';
import type { Store } from '../../bot/core/index.js';
import { StoreJobRunner } from '../../bot/jobs/index.js';
import { openStore, PostgresDriver } from '../../bot/storage/index.js';
import { runBenchMain, sleep } from './server-process.js';

interface Args {
  jobs: number;
  runners: number;
  concurrency: number;
  store: 'sqlite' | 'postgres';
}

function parseArgs(argv: string[]): Args {
  const args: Args = { jobs: 5_000, runners: 2, concurrency: 8, store: 'sqlite' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--store' && (value === 'sqlite' || value === 'postgres')) args.store = value;
    else if (flag === '--jobs' || flag === '--runners' || flag === '--concurrency') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: "${value}" is not a positive integer`);
      args[flag.slice(2) as 'jobs' | 'runners' | 'concurrency'] = n;
    } else throw new Error(`unknown argument ${flag} (known: --jobs, --runners, --concurrency, --store sqlite|postgres)`);
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const home = await mkdtemp(join(tmpdir(), 'parley-bench-jobs-'));
  const schema = `bench_jobs_${randomBytes(5).toString('hex')}`;
  const databaseUrl = args.store === 'postgres' ? (loadConfig().databaseUrl ?? 'postgres://127.0.0.1:5432/test') : undefined;
  const stores: Store[] = [];
  const open = async () => {
    const store = await openStore({ home, databaseUrl, schema });
    stores.push(store);
    return store;
  };
  try {
    const first = await open();
    const runnerStores = args.store === 'sqlite' ? Array.from({ length: args.runners }, () => first) : [first, ...(await Promise.all(Array.from({ length: args.runners - 1 }, open)))];
    const enqueuer = new StoreJobRunner({ jobs: first.jobs, dialect: first.kind });
    const enqueueStarted = performance.now();
    for (let i = 0; i < args.jobs; i++) await enqueuer.enqueue('bench', { i });
    const enqueueMs = performance.now() - enqueueStarted;

    let done = 0;
    const runners = runnerStores.map((store) => new StoreJobRunner({ jobs: store.jobs, dialect: store.kind, pollMs: 50 }));
    for (const runner of runners) runner.handle('bench', async () => void done++, { concurrency: args.concurrency });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(runners.map((runner) => runner.start()));
    while (done < args.jobs) await sleep(5);
    const runMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    await Promise.all(runners.map((runner) => runner.stop()));
    const leftover = (await enqueuer.counts()).find((c) => c.queue === 'bench');
    if (leftover && leftover.waiting + leftover.running + leftover.dead > 0) throw new Error(`jobs left over: ${JSON.stringify(leftover)}`);
    const round = (n: number) => Math.round(n * 100) / 100;
    process.stdout.write(
      JSON.stringify({
        store: args.store,
        jobs: args.jobs,
        runners: args.runners,
        concurrency: args.concurrency,
        enqueuePerSec: Math.round((args.jobs / enqueueMs) * 1000),
        jobsPerSec: Math.round((args.jobs / runMs) * 1000),
        cpuMsPerJob: round((cpu.user + cpu.system) / 1000 / args.jobs),
        loadAverage: loadavg().map(round),
      }) + '\n',
    );
    return 0;
  } finally {
    for (const store of stores) await store.close();
    if (databaseUrl) {
      const driver = new PostgresDriver({ connectionString: databaseUrl, schema });
      await driver.dropSchema(schema);
      await driver.close();
    }
    await rm(home, { recursive: true, force: true });
  }
}

runBenchMain(main, (message) => process.stderr.write(`${message}\n`));
