import { wholeNumberOption } from './io.js';

describe('wholeNumberOption', () => {
  it('reads digits within the range', () => {
    expect(wholeNumberOption('--folds', '5', 2, 20)).toBe(5);
    expect(wholeNumberOption('--limit', ' 0 ', 0)).toBe(0);
    expect(wholeNumberOption('--tickets', '5000000', 1, 5_000_000)).toBe(5_000_000);
  });

  it.each([
    ['x', 'from 2 to 20'],
    ['1', 'from 2 to 20'],
    ['21', 'from 2 to 20'],
    ['', 'from 2 to 20'],
    ['1e1', 'from 2 to 20'],
    ['0x10', 'from 2 to 20'],
    ['-3', 'from 2 to 20'],
    ['2.5', 'from 2 to 20'],
  ])('refuses "%s" as a bad_request naming the option', (value, range) => {
    expect(() => wholeNumberOption('--folds', value, 2, 20)).toThrow(
      expect.objectContaining({ code: 'bad_request', message: `--folds: "${value}" is not a whole number ${range}`, details: { field: '--folds' } }),
    );
  });

  it('says ≥ min when there is no maximum, and groups large bounds', () => {
    expect(() => wholeNumberOption('--every', '0', 1)).toThrow('--every: "0" is not a whole number ≥ 1');
    expect(() => wholeNumberOption('--tickets', '0', 1, 5_000_000)).toThrow('--tickets: "0" is not a whole number from 1 to 5,000,000');
  });
});
