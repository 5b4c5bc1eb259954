import { describe, expect, it, jest } from '@jest/globals';
import { cardMaskingLogger, luhnValid, maskCardNumbers, maskCardNumbersDeep, stderrLogger, stringifyMasked, type Logger } from './index.js';

describe('maskCardNumbers', () => {
  it('keeps the last four digits of Luhn-valid 13–19 digit numbers, with their spaces or dashes', () => {
    expect(maskCardNumbers('card 4111 1111 1111 1111 exp 12/27')).toBe('card XXXX XXXX XXXX 1111 exp 12/27');
    expect(maskCardNumbers('5500-0000-0000-0004.')).toBe('XXXX-XXXX-XXXX-0004.');
    expect(maskCardNumbers('amex 378282246310005, visa 4012888888881881')).toBe('amex XXXXXXXXXXX0005, visa XXXXXXXXXXXX1881');
    expect(maskCardNumbers('13 digits 4222222222222 and 19: 6011 0009 9013 9424 000')).not.toMatch(/4222222222222/);
    expect(maskCardNumbers('order 12345 4111 1111 1111 1111 thanks')).toBe('order 12345 XXXX XXXX XXXX 1111 thanks');
  });

  it('leaves numbers that are not card numbers alone', () => {
    const kept = [
      'order 4111 1111 1111 1112 (fails Luhn)',
      'call +44 7911 123456 78 or +14155550132',
      'tracking 0000000000000000, repeated 1111111111111111',
      'paid 1,234.56 on 2026-12-06T02:03:04.123Z',
      'twelve digits 411111111111',
    ];
    for (const text of kept) expect(maskCardNumbers(text)).toBe(text);
  });

  it('is idempotent and agrees with the Luhn check', () => {
    const once = maskCardNumbers('4111111111111111');
    expect(maskCardNumbers(once)).toBe(once);
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});

describe('maskCardNumbersDeep', () => {
  it('masks strings at any depth, keeps numbers and identifier fields, and masks errors without losing their class', () => {
    class CodedError extends Error {
      code = 'bad';
    }
    const input = { text: '4111 1111 1111 1111', id: '4111111111111111', n: 4111111111111111, list: [{ note: 'x 5500000000000004' }], err: new CodedError('card 4111111111111111 refused') };
    const out = maskCardNumbersDeep(input);
    expect(out).toMatchObject({ text: 'XXXX XXXX XXXX 1111', id: '4111111111111111', n: 4111111111111111, list: [{ note: 'x XXXXXXXXXXXX0004' }] });
    expect(out.err).toBeInstanceOf(CodedError);
    expect(out.err.message).toBe('card XXXXXXXXXXXX1111 refused');
    expect(out.err.code).toBe('bad');
    expect(out.err.stack).not.toMatch(/4111111111111111/);
    expect(input.text).toBe('4111 1111 1111 1111');
  });
});

describe('stringifyMasked', () => {
  it('writes the text JSON.stringify(maskCardNumbersDeep(value)) writes, card numbers anywhere or none', () => {
    const values: unknown[] = [
      { text: 'How do I return a sweater?', id: 'act_1', timestamp: '2026-12-07T23:00:00.000Z', n: 1733612400000 },
      { text: 'my card 4111 1111 1111 1111 was charged', id: '4111111111111111', from: { id: 'u1', role: 'customer' } },
      { text: 'line one\n"quoted" 5500-0000-0000-0004', list: [{ note: 'order 12345 4111111111111111' }] },
      { '4111111111111111': 'a card as a key', conversationId: '5500000000000004', ref: { url: 'https://x/4111111111111111' } },
      { text: 'order 1234567890123 (13 digits, not Luhn-valid)', amount: '1 2 3 4 5 6 7 8 9 0 1 2 3' },
      { doubled: '4111  1111 1111 1111', mixed: '4111 -1111-1111-1111', twelve: '411111111111', dashed: '-4111-1111-1111-1111-' },
      { note: 'ids 411111 1111111 and 5500-0000-0000-0004', '12 digits: 111111111111': 'x' },
      ['4111111111111111', 42, null, true, { deep: { deeper: ['x 378282246310005'] } }],
      { stack: [{ kind: 'clarify', options: ['Shipping', 'Returns'] }] },
      'just a string',
      undefined,
    ];
    for (const value of values) expect(stringifyMasked(value)).toBe(JSON.stringify(maskCardNumbersDeep(value)));
  });

  it('agrees with the masked stringify on random digit runs with spaces and dashes', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const alphabet = '0123456789012345678901234567890123456789  --x.';
    let masked = 0;
    for (let trial = 0; trial < 5_000; trial++) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const expected = JSON.stringify(maskCardNumbersDeep({ text }));
      if (expected.includes('X')) masked++;
      expect(stringifyMasked({ text })).toBe(expected);
    }
    // Card numbers were among them: the shortcut was tested where masking applies too.
    expect(masked).toBeGreaterThan(20);
  });

  it('copies the value only when its text holds 13 digits that could be a card number', () => {
    let reads = 0;
    const counted = (text: string) => ({
      get text() {
        reads++;
        return text;
      },
    });
    // A masked copy reads each field once more than JSON.stringify alone.
    expect(stringifyMasked(counted('How long does shipping take? Order 12345.'))).toBe('{"text":"How long does shipping take? Order 12345."}');
    expect(reads).toBe(1);
    reads = 0;
    expect(stringifyMasked(counted('card 4111 1111 1111 1111'))).toBe('{"text":"card XXXX XXXX XXXX 1111"}');
    expect(reads).toBe(2);
  });
});

describe('loggers', () => {
  it('cardMaskingLogger masks entries and messages before the wrapped logger sees them', () => {
    const lines: unknown[][] = [];
    const inner: Logger = { info: (...args) => void lines.push(args), warn: (...args) => void lines.push(args), error: (...args) => void lines.push(args) };
    const logger = cardMaskingLogger(inner);
    logger.info({ text: 'card 4111 1111 1111 1111' }, 'got 5500000000000004');
    logger.error({ err: new Error('4111111111111111') });
    expect(lines[0]).toEqual([{ text: 'card XXXX XXXX XXXX 1111' }, 'got XXXXXXXXXXXX0004']);
    expect((lines[1]?.[0] as { err: Error }).err.message).toBe('XXXXXXXXXXXX1111');
  });

  it('stderrLogger writes masked JSON lines', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      stderrLogger().warn({ text: '4111-1111-1111-1111', at: 1733450000000, err: new Error('card 4111111111111111') }, 'turn');
      const line = String(write.mock.calls[0]?.[0]);
      expect(line).not.toMatch(/4111-1111-1111-1111|4111111111111111/);
      expect(JSON.parse(line)).toMatchObject({ text: 'XXXX-XXXX-XXXX-1111', at: 1733450000000, err: { message: 'card XXXXXXXXXXXX1111' } });
    } finally {
      write.mockRestore();
    }
  });
});
