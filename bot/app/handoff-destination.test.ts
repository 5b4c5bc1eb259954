import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { silentLogger, type Logger } from '../core/index.js';
import { createParley } from './parley.js';
import { startServer } from './server.js';
import { startDeskTestbed } from './testing/desk-testbed.js';

const NO_DESTINATION = /^handoffs have no destination: no agent desk is configured/;

test('a server without an agent desk warns at start-up that handoffs have no destination', async () => {
  const home = await mkdtemp(join(tmpdir(), 'parley-no-desk-server-'));
  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (_obj, msg) => void warnings.push(msg ?? '') };
  const parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false' }), { logger });
  const server = await startServer(parley, { port: 0, host: '127.0.0.1' });
  try {
    expect(server.handoff.service.hasDesk).toBe(false);
    expect(warnings.filter((msg) => NO_DESTINATION.test(msg))).toHaveLength(1);
  } finally {
    await server.close();
    await parley.close();
    await rm(home, { recursive: true, force: true });
  }
});

test('with the Slack desk configured the handoff has a destination', async () => {
  const testbed = await startDeskTestbed();
  try {
    expect(testbed.server.handoff.service.hasDesk).toBe(true);
  } finally {
    await testbed.close();
  }
});
