import { z } from 'zod';
import { ParleyError } from './errors.js';
import { parseInput, parseVendorAnswer } from './validate.js';

describe('parseInput', () => {
  const Body = z.object({ label: z.string().trim().min(1).max(5), ids: z.array(z.string()).min(1).optional() });

  it('returns the parsed value', () => {
    expect(parseInput(Body, { label: ' vip ' })).toEqual({ label: 'vip' });
  });

  it.each([
    [undefined, 'body'],
    [{}, 'label'],
    [{ label: 'much too long' }, 'label'],
    [{ label: 'ok', ids: [] }, 'ids'],
    [{ label: 'ok', ids: [3] }, 'ids.0'],
  ])('%j is a bad_request naming "%s"', (value, field) => {
    let error: unknown;
    try {
      parseInput(Body, value, 'grant');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'bad_request', details: { field } });
    expect((error as Error).message).toMatch(new RegExp(`^invalid grant: "${field.replace('.', '\\.')}": `));
  });

  it('says "required" for a missing field (not zod\'s "expected nonoptional")', () => {
    const Chat = z.object({ userId: z.string(), text: z.unknown() });
    expect(() => parseInput(Chat, { userId: 'u1' })).toThrow('invalid request body: "text": required');
    expect(() => parseInput(Chat, { text: 'hi' })).toThrow('invalid request body: "userId": required');
    expect(() => parseInput(Chat, { userId: 7, text: 'hi' })).toThrow('invalid request body: "userId": Invalid input: expected string, received number');
  });
});

describe('parseVendorAnswer', () => {
  const Page = z.looseObject({ items: z.array(z.looseObject({})), done: z.boolean() });

  it('returns the parsed answer, other fields kept', () => {
    expect(parseVendorAnswer(Page, { items: [{ id: 1 }], done: true, extra: 'x' }, 'page')).toEqual({ items: [{ id: 1 }], done: true, extra: 'x' });
  });

  it('is an internal error naming the field', () => {
    expect(() => parseVendorAnswer(Page, { items: [7], done: true }, 'Acme page')).toThrow(
      expect.objectContaining({ code: 'internal', message: expect.stringMatching(/^invalid Acme page: "items\.0": /), details: { field: 'items.0' } }),
    );
  });
});
