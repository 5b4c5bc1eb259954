import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileErrorText } from './errors.js';

describe('fileErrorText', () => {
  it('says why a file could not be read in words, with the system code', async () => {
    const missing = await readFile(join(tmpdir(), 'parley-no-such-file.jsonl')).catch((error: unknown) => error);
    expect(fileErrorText(missing)).toBe('no such file (ENOENT)');
    const folder = await readFile(tmpdir()).catch((error: unknown) => error);
    expect(fileErrorText(folder)).toBe('it is a folder (EISDIR)');
  });

  it('keeps an unknown code or a plain error message', () => {
    expect(fileErrorText(Object.assign(new Error('odd'), { code: 'EWEIRD' }))).toBe('EWEIRD');
    expect(fileErrorText(new Error('disk on fire'))).toBe('disk on fire');
  });
});
