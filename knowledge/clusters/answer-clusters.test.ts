import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnswerClusterRecord, Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { AnswerClusters } from './answer-clusters.js';

const cluster = (id: string, canonicalText: string, size: number): AnswerClusterRecord => ({
  id,
  scope: null,
  name: `name of ${id}`,
  namedBy: null,
  key: 'text',
  canonicalText,
  reviewedText: null,
  status: 'draft',
  reviewedBy: null,
  reviewedAt: null,
  size,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('AnswerClusters.canonicalFor', () => {
  let home: string;
  let store: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-canonical-'));
    store = await openStore({ home });
    const written = await store.clusters.replaceScope(null, 0, {
      sourceHash: 'h',
      clusters: [cluster('clu_reset', 'Go to Settings > Account > Reset password.', 2), cluster('clu_ship', 'We do not ship to Canada.', 1)],
      members: [
        { ticketId: 'P-1', clusterId: 'clu_reset', pinned: false },
        { ticketId: 'P-2', clusterId: 'clu_reset', pinned: false },
        { ticketId: 'S-1', clusterId: 'clu_ship', pinned: false },
      ],
    });
    expect(written).toBe(true);
  });
  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  const texts = (found: Map<string, { text: string; approved: boolean }>) => Object.fromEntries([...found].map(([id, answer]) => [id, [answer.text, answer.approved]]));

  it('reads a ticket\u2019s cluster once while the clusters stay the same', async () => {
    const clusters = new AnswerClusters(store, () => []);
    const forTickets = jest.spyOn(store.clusters, 'forTickets');
    const expected = { 'P-1': ['Go to Settings > Account > Reset password.', false], 'S-1': ['We do not ship to Canada.', false] };
    expect(texts(await clusters.canonicalFor(['P-1', 'S-1', 'X-9']))).toEqual(expected);
    expect(texts(await clusters.canonicalFor(['S-1', 'P-1', 'X-9']))).toEqual(expected);
    expect(texts(await clusters.canonicalFor(['P-2']))).toEqual({ 'P-2': ['Go to Settings > Account > Reset password.', false] });
    expect(forTickets.mock.calls.map(([ids]) => [...ids])).toEqual([['P-1', 'S-1', 'X-9'], ['P-2']]);
  });

  it('says a text approved by another process, and a recomputed membership, on the next answer', async () => {
    const here = new AnswerClusters(store, () => []);
    const elsewhere = new AnswerClusters(store, () => []);
    expect(texts(await here.canonicalFor(['P-1', 'S-1']))).toEqual({ 'P-1': ['Go to Settings > Account > Reset password.', false], 'S-1': ['We do not ship to Canada.', false] });
    await elsewhere.edit('clu_reset', 'Reset your password under Settings > Account.', 'lead@example.com');
    await elsewhere.approve('clu_reset', 'lead@example.com');
    expect(texts(await here.canonicalFor(['P-1', 'S-1']))).toEqual({ 'P-1': ['Reset your password under Settings > Account.', true], 'S-1': ['We do not ship to Canada.', false] });
    const state = await store.clusters.scopeState(null);
    const moved = state.members.map((m) => (m.ticketId === 'S-1' ? { ...m, clusterId: 'clu_reset' } : m));
    expect(await store.clusters.replaceScope(null, state.version, { sourceHash: 'h2', clusters: state.clusters.filter((c) => c.id === 'clu_reset'), members: moved })).toBe(true);
    expect(texts(await here.canonicalFor(['P-1', 'S-1']))).toEqual({ 'P-1': ['Reset your password under Settings > Account.', true], 'S-1': ['Reset your password under Settings > Account.', true] });
  });
});
