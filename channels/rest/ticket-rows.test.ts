import { describe, expect, it } from '@jest/globals';
import { readTicketRows } from './ticket-rows.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const values = (text: string, type?: string) => readTicketRows(bytes(text), type).map((row) => [row.index, row.where, row.value]);

describe('readTicketRows', () => {
  it('reads a JSON array, one object, and NDJSON by media type or by body', () => {
    expect(values('[{"a":1},{"b":2}]', 'application/json; charset=utf-8')).toEqual([[0, 'item 0', { a: 1 }], [1, 'item 1', { b: 2 }]]);
    expect(values('{"a":1}', 'application/json')).toEqual([[0, 'item 0', { a: 1 }]]);
    expect(values('{"a":1}\n\n{"b":2}\r\n', 'application/x-ndjson')).toEqual([[0, 'line 1', { a: 1 }], [1, 'line 3', { b: 2 }]]);
    expect(values('{"a":1}\n{"b":2}', 'application/json')).toEqual([[0, 'line 1', { a: 1 }], [1, 'line 2', { b: 2 }]]);
    expect(values('\uFEFF[{"a":1}]')).toEqual([[0, 'item 0', { a: 1 }]]);
    // A row that is not an object is still a row: the mapper reports it by index.
    expect(values('[1, null]')).toEqual([[0, 'item 0', 1], [1, 'item 1', null]]);
  });

  it('refuses bodies that are empty, not JSON, not UTF-8, or a JSON scalar, saying why', () => {
    expect(() => readTicketRows(bytes('  '), 'application/json')).toThrow(/the body is empty/);
    expect(() => readTicketRows(bytes('[{"a":'), 'application/json')).toThrow(expect.objectContaining({ code: 'invalid_json', message: expect.stringMatching(/not valid JSON/) }));
    expect(() => readTicketRows(bytes('{"a":1}\n{oops}'), 'application/x-ndjson')).toThrow(/line 2 is not valid JSON/);
    expect(() => readTicketRows(Buffer.from([0xff, 0xfe, 0x00]), undefined)).toThrow(expect.objectContaining({ code: 'invalid_utf8' }));
    expect(() => readTicketRows(bytes('42'), 'application/json')).toThrow(/JSON array of ticket objects/);
  });
});
