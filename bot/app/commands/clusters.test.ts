import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnswerClusterRecord } from '../../core/index.js';
import { runCli } from '../cli.js';
import { captureIo, type CapturedIo } from '../testing/captured-io.js';

const TICKETS = [
  { id: 'P-1', question: 'how do I reset my password', answer: 'Hi Anna, go to Settings > Account > Reset password, then follow the link we e-mail you. Thanks, Tom' },
  { id: 'P-2', question: 'forgot my password', answer: 'Hello Priya! Go to Settings > Account > Reset password, then follow the link we e-mail you. Cheers, Lisa' },
  { id: 'S-1', question: 'do you ship to Canada', answer: 'We do not ship to Canada at the moment, sorry about that.' },
  { id: 'R-1', question: 'how long do refunds take', answer: 'Refunds reach your card within 5 to 7 business days after we receive the return.' },
];

/** Time for a test of many CLI steps (see below). */
const CLI_STEPS_MS = 120_000;

describe('parley knowledge clusters (temporary SQLite store)', () => {
  let home: string;
  const run = async (argv: string[]): Promise<{ code: number; io: CapturedIo; json: () => unknown }> => {
    const io = captureIo();
    const code = await runCli(argv, io, { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'error', PARLEY_SAMPLE_DATA: 'false' });
    return { code, io, json: () => io.json<unknown>() };
  };
  const list = async (): Promise<AnswerClusterRecord[]> => ((await run(['knowledge', 'clusters', 'list', '--json'])).json() as { clusters: AnswerClusterRecord[] }).clusters;
  const clusterOf = async (ticketId: string): Promise<AnswerClusterRecord> => {
    for (const cluster of await list()) {
      const shown = (await run(['knowledge', 'clusters', 'show', cluster.id, '--json'])).json() as { members: { ticketId: string }[] };
      if (shown.members.some((m) => m.ticketId === ticketId)) return cluster;
    }
    throw new Error(`no cluster holds ${ticketId}`);
  };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-clusters-'));
    const file = join(home, 'tickets.jsonl');
    await writeFile(file, TICKETS.map((t) => JSON.stringify(t)).join('\n'));
    expect((await run(['ingest', file, '--json'])).code).toBe(0);
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('lists the clusters an ingest computed, the near-identical answers together', async () => {
    const clusters = await list();
    expect(clusters.map((c) => c.size)).toEqual([2, 1, 1]);
    expect(clusters[0]).toMatchObject({ status: 'draft', scope: null });
    expect(clusters[0]?.canonicalText).toMatch(/^Go to Settings > Account > Reset password/);
    const text = await run(['knowledge', 'clusters', 'list']);
    expect(text.io.stdout.join('\n')).toMatch(/ 2 {2}draft/);
  });

  it('renames, edits and approves a cluster; the review survives a new member', async () => {
    const reset = await clusterOf('P-1');
    expect((await run(['knowledge', 'clusters', 'rename', reset.id, 'Password reset'])).code).toBe(0);
    const edited = (await run(['knowledge', 'clusters', 'edit', reset.id, '--text', 'Reset your password under Settings > Account.', '--json'])).json() as AnswerClusterRecord;
    expect(edited).toMatchObject({ status: 'draft', reviewedText: 'Reset your password under Settings > Account.' });
    const approved = (await run(['knowledge', 'clusters', 'approve', reset.id, '--json'])).json() as AnswerClusterRecord;
    expect(approved).toMatchObject({ status: 'approved', name: 'Password reset', reviewedBy: expect.stringMatching(/^cli:/) });
    const more = join(home, 'more.jsonl');
    await writeFile(more, JSON.stringify({ id: 'P-3', question: 'password reset link', answer: 'Hey Sam, go to Settings > Account > Reset password, then follow the link we e-mail you. ^JD' }));
    expect((await run(['ingest', more])).code).toBe(0);
    const after = await clusterOf('P-3');
    expect(after).toMatchObject({ id: reset.id, size: 3, status: 'approved', name: 'Password reset', reviewedText: 'Reset your password under Settings > Account.' });
    // Each step runs the whole CLI (a Parley started on the store, its knowledge loaded): 15–25 of them per test, which
    // took 20 s alone on a loaded machine and over 30 s beside the rest of the suite.
  }, CLI_STEPS_MS);

  it('merges clusters and splits tickets off, and both stay through recomputation', async () => {
    const canada = await clusterOf('S-1');
    const refunds = await clusterOf('R-1');
    const merged = (await run(['knowledge', 'clusters', 'merge', canada.id, refunds.id, '--json'])).json() as AnswerClusterRecord;
    expect(merged).toMatchObject({ id: canada.id, size: 2 });
    const reset = await clusterOf('P-1');
    const split = (await run(['knowledge', 'clusters', 'split', reset.id, '--tickets', 'P-2', '--json'])).json() as AnswerClusterRecord;
    expect(split.size).toBe(1);
    // A new ticket makes the clusters be computed again: the reviewer's placements hold.
    const more = join(home, 'more2.jsonl');
    await writeFile(more, JSON.stringify({ id: 'X-1', question: 'gift cards', answer: 'Gift cards never expire and work online and in stores.' }));
    expect((await run(['ingest', more])).code).toBe(0);
    expect((await clusterOf('R-1')).id).toBe(canada.id);
    expect((await clusterOf('P-2')).id).toBe(split.id);
    expect((await clusterOf('P-1')).id).toBe(reset.id);
  }, CLI_STEPS_MS);

  it('names the bad input with exit code 2', async () => {
    const missing = await run(['knowledge', 'clusters', 'show', 'clu_nope', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining('clu_nope') } });
    const reset = await clusterOf('P-1');
    const neither = await run(['knowledge', 'clusters', 'edit', reset.id, '--json']);
    expect(neither.code).toBe(2);
    expect(JSON.stringify(neither.json())).toContain('--text or --file');
    const wrong = await run(['knowledge', 'clusters', 'split', reset.id, '--tickets', 'S-1', '--json']);
    expect(wrong.code).toBe(2);
    expect(JSON.stringify(wrong.json())).toContain('tickets: S-1 not in cluster');
    const scope = await run(['knowledge', 'clusters', 'list', '--scope', 'bad scope!', '--json']);
    expect(scope.code).toBe(2);
  });
});
