/**
 * The restart half of `parley bench index`, run as a new process: opens the store of `PARLEY_HOME` (argument 1),
 * loads the persisted knowledge until it answers, and prints one JSON line (`{"loadMs", "rssMb", "tickets",
 * "version"}`) on stdout.
 */
// The store's own entry, not `bot/index.js`: that one also loads every channel adapter (Bot Framework, Slack, mail,
// vision), ~130 MB and seconds of start-up a knowledge restart does not need.
import { openStore } from '../../bot/storage/index.js';
import { KnowledgeBase } from '../../knowledge/index.js';
import { peakRssMb } from './measure.js';

async function main(home: string, question: string): Promise<void> {
  const started = performance.now();
  const store = await openStore({ home });
  const knowledge = new KnowledgeBase(store, { pollMs: 0 });
  await knowledge.load();
  const hits = await knowledge.search(question);
  const loadMs = Math.round(performance.now() - started);
  const status = await knowledge.status();
  await knowledge.close();
  await store.close();
  process.stdout.write(`${JSON.stringify({ loadMs, rssMb: peakRssMb(), tickets: status.tickets, version: status.version, hits: hits.length })}\n`);
}

const [home, question] = process.argv.slice(2);
if (!home) {
  process.stderr.write('usage: index-restart.js PARLEY_HOME [QUESTION]\n');
  process.exit(2);
}
main(home, question ?? 'where is my order').catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
