import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.js';

async function cli(home: string, argv: string[]): Promise<{ code: number; last: unknown; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'warn' });
  const lastLine = out.at(-1);
  return { code, last: lastLine ? JSON.parse(lastLine) : undefined, stderr: err.join('\n') };
}

describe('parley vision train-gan / generate at the command line', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-gan-cli-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it.each([
    [['--data', '/nonexistent/dir', '--out', 'm'], /--data: cannot read the folder/],
    [['--data', '.', '--out', 'm', '--epochs', 'many'], /--epochs: "many" is not a whole number/],
    [['--data', '.', '--out', 'm', '--epochs', '0'], /--epochs: "0" is not a whole number from 1/],
    [['--data', '.', '--out', 'm', '--workers', '-1'], /--workers/],
    [['--data', '.', '--out', 'm', '--backend', 'gpu'], /--backend: "gpu" is not one of wasm, cpu/],
    [['--data', '.'], /--out: no model folder given/],
  ])('train-gan %j exits 2 naming the bad field', async (args, message) => {
    const result = await cli(home, ['vision', 'train-gan', ...args, '--json']);
    expect(result.code).toBe(2);
    expect((result.last as { error: { message: string } }).error.message).toMatch(message);
  });

  it('generate names a model folder that holds no model, and bad counts', async () => {
    const missing = await cli(home, ['vision', 'generate', '--model', join(home, 'none'), '--category', 'Bag', '--out', join(home, 'o'), '--json']);
    expect(missing.code).toBe(2);
    expect((missing.last as { error: { message: string } }).error.message).toMatch(/--model: .* is not a GAN model folder/);
    const count = await cli(home, ['vision', 'generate', '--model', join(home, 'none'), '--category', 'Bag', '--count', '1e9', '--out', join(home, 'o'), '--json']);
    expect(count.code).toBe(2);
    expect((count.last as { error: { message: string } }).error.message).toMatch(/--count/);
    expect(await readdir(home)).toEqual([]);
  });
});
