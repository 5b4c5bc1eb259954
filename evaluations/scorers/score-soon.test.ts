import type { Activity, EnqueueOptions, Logger } from '../../bot/core/index.js';
import { allObservers, ScoreSoon, SCORING_QUEUE } from './score-soon.js';

const reply = (role: 'bot' | 'agent' | 'customer'): Activity => ({ id: 'a', type: 'message', channel: 'webchat', conversationId: 'c', from: { id: role, role }, text: 'x', timestamp: '' });

function recorder() {
  const enqueued: { queue: string; options: EnqueueOptions | undefined }[] = [];
  const keys = new Set<string>();
  return {
    enqueued,
    jobs: {
      async enqueue(queue: string, _payload: unknown, options?: EnqueueOptions) {
        enqueued.push({ queue, options });
        const created = !keys.has(options?.key ?? '');
        keys.add(options?.key ?? '');
        return { id: options?.key ?? 'j', queue, created };
      },
    },
  };
}

describe('ScoreSoon: a scoring pass seconds after an answer', () => {
  it('asks once per window for a pass at the window’s end, after turns with a bot reply only', () => {
    const { enqueued, jobs } = recorder();
    let now = 10_000;
    const soon = new ScoreSoon({ jobs, delayMs: 3_000, now: () => now });
    soon.turnEnded({ replies: [] });
    soon.turnEnded({ replies: [reply('agent')] });
    expect(enqueued).toEqual([]);
    soon.turnEnded({ replies: [reply('bot')] });
    now = 11_999;
    soon.turnEnded({ replies: [reply('bot'), reply('bot')] });
    now = 12_000;
    soon.turnEnded({ replies: [reply('bot')] });
    // The second answer in window 3 adds nothing here (and another process's would find the window's job taken).
    expect(enqueued.map((e) => [e.queue, e.options?.key, e.options?.runAt?.getTime()])).toEqual([
      [SCORING_QUEUE, 'answered-3', 12_000],
      [SCORING_QUEUE, 'answered-4', 15_000],
    ]);
  });

  it('never throws on the turn’s path when the queue is down', async () => {
    const warnings: unknown[] = [];
    const logger: Logger = { warn: (obj) => warnings.push(obj), info: () => undefined, error: () => undefined };
    const soon = new ScoreSoon({ jobs: { enqueue: () => Promise.reject(new Error('store unavailable')) }, logger });
    expect(() => soon.turnEnded({ replies: [reply('bot')] })).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toHaveLength(1);
  });

  it('combines observers: each hears every turn and failed delivery', () => {
    const heard: string[] = [];
    const observer = allObservers({ turnEnded: () => heard.push('a turn'), deliveryFailed: () => heard.push('a delivery') }, undefined, { turnEnded: () => heard.push('b turn') });
    observer.turnEnded({ channel: 'webchat', outcome: 'done', durationMs: 1, replies: [], stages: new Map(), modelCalls: [] });
    observer.deliveryFailed({ channel: 'webchat', status: 'failed' });
    expect(heard).toEqual(['a turn', 'b turn', 'a delivery']);
  });
});
