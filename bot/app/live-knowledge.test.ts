import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../core/index.js';
import { runCliProcess } from '../testing/source-cli.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';
import { citedSources, healthTickets, LIVE_QUESTION, LIVE_TICKET, untilCited, untilHealthTickets, writeTicketsJsonl } from './testing/live-knowledge.js';

/** The bound: a ticket written anywhere is answered from on every running server within 5 s. */
const WITHIN_MS = 5_000;

describe('live knowledge on the embedded SQLite store', () => {
  let home: string;
  let parley: Parley | undefined;
  let server: RunningServer | undefined;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-live-'));
  });

  afterEach(async () => {
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('a ticket ingested by `parley ingest` in another process is cited by the running server within 5 s', async () => {
    // Default settings: the server polls the store's ticket counter.
    const config = loadConfig({ PARLEY_HOME: home, PARLEY_VISION: 'false' });
    parley = await createParley(config, { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1' });
    expect(await citedSources(server.url, LIVE_QUESTION)).not.toContain(LIVE_TICKET.id);
    const ticketsBefore = await healthTickets(server.url);

    const file = await writeTicketsJsonl(home, [LIVE_TICKET]);
    const run = await runCliProcess(['ingest', file, '--json'], { PARLEY_HOME: home, PARLEY_VISION: 'false' });
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ inserted: 1 });

    // First that the change arrived, then that the answer uses it: a failure says which of the two is missing.
    expect(await untilHealthTickets(server.url, ticketsBefore + 1, run.resultAt)).toBeLessThanOrEqual(WITHIN_MS);
    expect(await untilCited(server.url, LIVE_QUESTION, LIVE_TICKET.id, run.resultAt)).toBeLessThanOrEqual(WITHIN_MS);
  }, 120_000);
});
