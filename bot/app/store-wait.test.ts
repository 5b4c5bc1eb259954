import { ParleyError, type Logger } from '../core/index.js';
import { untilStoreAvailable } from './store-wait.js';

function recorder(): Logger & { entries: Array<{ msg: string | undefined; obj: Record<string, unknown> }> } {
  const entries: Array<{ msg: string | undefined; obj: Record<string, unknown> }> = [];
  const push = (obj: Record<string, unknown>, msg?: string) => void entries.push({ msg, obj });
  return { entries, info: push, warn: push, error: push };
}

describe('untilStoreAvailable', () => {
  it('retries while the store is unavailable, logging each attempt and a doubling delay up to the maximum', async () => {
    const logger = recorder();
    const waits: number[] = [];
    let calls = 0;
    const result = await untilStoreAvailable(
      async () => {
        if (++calls < 6) throw new ParleyError('store_unavailable', 'the database is unavailable (ECONNREFUSED)');
        return 'ready';
      },
      { logger, retryMaxMs: 1_500, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('ready');
    expect(waits).toEqual([250, 500, 1_000, 1_500, 1_500]);
    expect(logger.entries.slice(0, 5).map((e) => e.obj)).toEqual(
      waits.map((nextRetryMs, i) => ({ attempt: i + 1, nextRetryMs, err: 'the database is unavailable (ECONNREFUSED)' })),
    );
    expect(logger.entries[0]!.msg).toBe('waiting for the database (start-up, attempt 1); next try in 250 ms');
    expect(logger.entries[5]!.msg).toBe('database reachable; start-up continues');
  });

  it('throws any other error at once', async () => {
    const logger = recorder();
    await expect(
      untilStoreAvailable(async () => Promise.reject(new ParleyError('config_invalid', 'bad')), { logger, retryMaxMs: 1_000, sleep: async () => undefined }),
    ).rejects.toMatchObject({ code: 'config_invalid' });
    expect(logger.entries).toEqual([]);
  });
});
