import { withLogContext, type Logger } from '../core/index.js';
import { redact, PII_KINDS } from '../../knowledge/index.js';
import { privateLogger } from './private-logger.js';

function recording(): Logger & { entries: { obj: Record<string, unknown>; msg?: string }[] } {
  const entries: { obj: Record<string, unknown>; msg?: string }[] = [];
  const push = (obj: Record<string, unknown>, msg?: string) => void entries.push(msg === undefined ? { obj } : { obj, msg });
  return { entries, info: push, warn: push, error: push };
}

const redactText = (text: string) => redact(text, { kinds: PII_KINDS.filter((k) => k !== 'ip') }).text;

describe('privateLogger', () => {
  it('replaces personal data in messages, fields and errors before the log sees them', () => {
    const inner = recording();
    const logger = privateLogger(inner, redactText);
    const err = Object.assign(new Error('SMTP rejected jane.doe@example.com'), { code: 'EENVELOPE' });
    logger.warn({ err, to: '+1 415 555 0123', nested: { note: ['card 4111 1111 1111 1111'] }, attempts: 2 }, 'mail to jane.doe@example.com failed');
    const [entry] = inner.entries;
    expect(entry?.msg).toBe('mail to [EMAIL] failed');
    expect(entry?.obj).toMatchObject({ err: { message: 'SMTP rejected [EMAIL]', code: 'EENVELOPE' }, to: '[PHONE]', attempts: 2 });
    expect(JSON.stringify(entry)).not.toMatch(/jane|4111|555 0123/);
    // What operators need to debug stays: hosts, ports, our ids.
    logger.error({ err: new Error('connect ECONNREFUSED 127.0.0.1:5432'), conversationId: 'conv_abc123' });
    expect(inner.entries[1]?.obj).toMatchObject({ err: { message: 'connect ECONNREFUSED 127.0.0.1:5432' }, conversationId: 'conv_abc123' });
  });

  it('adds the log context of the code that logs (turn and request ids), across awaits', async () => {
    const inner = recording();
    const logger = privateLogger(inner, redactText);
    await withLogContext({ requestId: 'req-1' }, async () => {
      await withLogContext({ turnId: 'inb_1' }, async () => {
        // A hop through the event loop (as a database call makes), not a wait: the context must survive it.
        await new Promise((resolve) => setImmediate(resolve));
        logger.info({ step: 'retrieval' }, 'slow');
      });
      logger.info({}, 'after');
    });
    logger.info({}, 'outside');
    expect(inner.entries.map((e) => e.obj)).toEqual([{ requestId: 'req-1', turnId: 'inb_1', step: 'retrieval' }, { requestId: 'req-1' }, {}]);
  });
});
