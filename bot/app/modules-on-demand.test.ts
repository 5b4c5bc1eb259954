import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../core/index.js';
import { runCliProcess } from '../testing/source-cli.js';

/**
 * LangChain (`@langchain/*` with `langsmith`) and the `openai` SDK are a third of the modules the CLI and the server
 * would load at start (about 450 of 1,300, some 0.4 s): they are imported when a chat model, a fine-tuning job or the
 * LLM judge is used, and a process with none configured never loads them. The same for the e-mail stack (IMAP
 * client, SMTP server and client, MIME parser: ~120 modules), loaded when mail is received, polled or sent.
 */
const ON_DEMAND = /\/node_modules\/(?:@langchain\/[^/]+|openai|langsmith|imapflow|nodemailer|smtp-server|mailparser)\//;

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-llm-on-demand-'));
});
afterAll(async () => rm(home, { recursive: true, force: true }));

it('an answer without a chat model or e-mail loads no LLM client and no mail library: not at start, not in the turn', async () => {
  const log = join(home, 'modules.txt');
  const recorder = pathToFileURL(join(packageRoot(), 'bot/testing/record-modules.mjs')).href;
  const env = { PATH: process.env.PATH ?? '', PARLEY_HOME: home, PARLEY_VISION: 'false', NODE_OPTIONS: `--import ${recorder}`, RECORD_MODULES_TO: log };
  const run = await runCliProcess(['ask', 'How long does a refund take?', '--json'], env);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ replies: [{ action: 'answer' }] });
  const modules = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  // The recorder saw the CLI's own dependencies, so an empty list of on-demand modules means they were not loaded.
  expect(modules.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
  expect([...new Set(modules.flatMap((url) => ON_DEMAND.exec(url) ?? []))]).toEqual([]);
}, 60_000);
