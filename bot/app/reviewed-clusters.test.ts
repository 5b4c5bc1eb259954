import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { silentLogger, type TicketRecord } from '../core/index.js';
import { createParley, type Parley } from './parley.js';

const OPENERS = ['I need help with my', 'a question about the', 'having trouble with my', 'can you help, my'];

/**
 * Tickets without labels: password questions answered with one of two help pages that say the same thing (agents
 * linked either, in turns of four tickets, so the wording of a question does not tell which), and refund and delivery
 * questions with a page each.
 */
function tickets(): TicketRecord[] {
  const topics = [
    { words: ['password', 'login', 'locked out', 'reset link', 'sign in'], pages: ['https://help.example.com/password', 'https://help.example.com/sign-in-help'] },
    { words: ['refund', 'charged twice', 'payment', 'money back', 'return'], pages: ['https://help.example.com/refunds'] },
    { words: ['parcel', 'courier', 'tracking number', 'delivery', 'late order'], pages: ['https://help.example.com/delivery'] },
  ];
  return topics.flatMap((topic, t) =>
    Array.from({ length: 24 }, (_, i) => ({
      id: `T${t}-${i}`,
      question: `${OPENERS[i % OPENERS.length]} ${topic.words[i % 5]} and ${topic.words[(i + 1 + Math.floor(i / 5)) % 5]}`,
      answer: `Thanks for reaching out! This page explains what to do: ${topic.pages[Math.floor(i / OPENERS.length) % topic.pages.length]}`,
      source: 'care',
      metadata: {},
    })),
  );
}

/** The help pages' site is the operator's own (links to it next to a password question are not held for review). */
const ENV = (home: string) => ({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false', PARLEY_OPERATOR_DOMAINS: 'help.example.com' });

describe("the answer-cluster model learns CX leads' reviews", () => {
  let home: string;
  let parley: Parley;
  const question = 'I am locked out and need a password reset link';

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-reviewed-clusters-'));
    parley = await createParley(loadConfig(ENV(home)), { logger: silentLogger });
    await parley.knowledge.ingest(tickets());
    // A model learned from these tickets, as a server has once they are in.
    await parley.knowledge.refit();
    await parley.knowledge.clusters?.settled();
  }, 60_000);
  afterAll(async () => {
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('merging two clusters makes their answers one class at the next refit, raising the confidence of that answer', async () => {
    const clusters = parley.knowledge.clusters;
    if (!clusters) throw new Error('the server keeps answer clusters');
    const before = await parley.knowledge.retrieve(question);
    expect(parley.knowledge.current?.model.clusters?.labels).toEqual(expect.arrayContaining(['link:help.example.com/password', 'link:help.example.com/sign-in-help']));
    // Nothing reviewed yet: no reason to refit.
    expect(await parley.knowledge.refitIfStale()).toBe(false);

    const list = await clusters.list();
    const password = list.find((c) => c.key === 'link:help.example.com/password');
    const signIn = list.find((c) => c.key === 'link:help.example.com/sign-in-help');
    if (!password || !signIn) throw new Error(`clusters by page expected, got ${list.map((c) => c.key).join(', ')}`);
    await clusters.merge(password.id, [signIn.id], 'lead@example.com');

    const version = parley.knowledge.version;
    expect(await parley.knowledge.refitIfStale()).toBe(true);
    expect(parley.knowledge.version).toBeGreaterThan(version);
    const model = parley.knowledge.current?.model;
    const merged = `reviewed:${password.id}`;
    expect([...(model?.clusterAliases ?? [])].sort()).toEqual([
      ['link:help.example.com/password', merged],
      ['link:help.example.com/sign-in-help', merged],
    ]);
    expect(model?.clusters?.labels).toContain(merged);
    expect(model?.clusters?.labels).not.toContain('link:help.example.com/sign-in-help');

    // Either page now answers with the probability of the whole class, not of half of it.
    const after = await parley.knowledge.retrieve(question);
    expect(after.hits[0]?.ticket.answer).toMatch(/password|sign-in-help/);
    expect(after.signals?.cluster ?? 0).toBeGreaterThan((before.signals?.cluster ?? 0) + 0.2);
    // The model learned this review: nothing to refit for until the next one.
    expect(await parley.knowledge.refitIfStale()).toBe(false);
  }, 60_000);

  it('keeps the reviewed classes in the stored model (a restarted server answers the same)', async () => {
    const aliases = parley.knowledge.current?.model.clusterAliases;
    await parley.close();
    parley = await createParley(loadConfig(ENV(home)), { logger: silentLogger });
    expect(parley.knowledge.current?.model.clusterAliases).toEqual(aliases);
    expect(await parley.knowledge.refitIfStale()).toBe(false);
  }, 60_000);
});
