import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyError } from './errors.js';
import { buildOutputFile, packageRoot, readBuildOutput } from './paths.js';

describe('build outputs', () => {
  it('are looked up in dist/ under the package root', () => {
    expect(buildOutputFile('channels', 'webchat', 'public', 'widget.js')).toBe(join(packageRoot(), 'dist', 'channels', 'webchat', 'public', 'widget.js'));
  });

  it('are read as they are, and a missing one is a coded error saying to run the build', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-paths-'));
    try {
      await writeFile(join(dir, 'app.js'), 'run();');
      expect((await readBuildOutput(join(dir, 'app.js'))).toString()).toBe('run();');
      const missing = readBuildOutput(join(dir, 'widget.js'));
      await expect(missing).rejects.toBeInstanceOf(ParleyError);
      await expect(missing).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('npm run build') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
