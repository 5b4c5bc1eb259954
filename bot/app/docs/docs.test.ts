import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { packageFile } from '../../core/index.js';
import { configVariables } from './config-reference.js';
import { cliCommands } from './cli-reference.js';
import { brokenLinks, documentationFiles, headingAnchors, linkTargets } from './links.js';
import { GENERATED_PAGES } from './write.js';

describe('generated reference pages', () => {
  it.each(Object.entries(GENERATED_PAGES))('docs/%s page is up to date (run npm run docs:%s after changing its source)', (_page, { path, render }) => {
    expect(readFileSync(packageFile(...path), 'utf8')).toBe(render());
  });

  it('documents every configuration variable with values and defaults from the schema', () => {
    const variables = new Map(configVariables().map((variable) => [variable.name, variable]));
    expect(variables.get('PORT')).toMatchObject({ values: 'integer, 0 to 65535', defaultValue: '`3000`' });
    expect(variables.get('PARLEY_SAMPLE_DATA')?.defaultValue).toBe('`true`');
    expect(variables.get('PARLEY_VISION_BACKEND')?.values).toBe('`auto`, `wasm`, `tensorflow`, `cpu`');
    expect(variables.get('PARLEY_KNOWLEDGE_POLL_MS')?.defaultValue).toBe('`1000`');
    expect(variables.get('ZENDESK_SYNC_MINUTES')).toBeDefined();
  });

  it('refuses a schema variable without a description, and a description of no variable', () => {
    const schema = z.object({ KNOWN: z.string().optional(), NEW_SETTING: z.string().optional() });
    expect(() => configVariables([schema], { KNOWN: { section: 'server', text: 'known' } })).toThrow(/NEW_SETTING/);
    expect(() => configVariables([z.object({ KNOWN: z.string().optional() })], { KNOWN: { section: 'server', text: 'k' }, GONE: { section: 'server', text: 'g' } })).toThrow(/GONE/);
  });

  it('lists every CLI command with its options', () => {
    const commands = new Map(cliCommands().map((command) => [command.path, command]));
    expect(commands.get('parley ingest')?.args).toBe('<file>');
    expect(commands.get('parley ingest')?.options.map((option) => option.flags)).toContain('--sync');
    expect(commands.get('parley bench index')?.options).toContainEqual({ flags: '--tickets <n>', description: 'corpus size', defaultValue: '"100000"' });
    expect(commands.get('parley bench')?.group).toBe(true);
  });
});

describe('links of README.md and docs/', () => {
  it('resolve to files and headings of this repository', () => {
    const root = packageFile();
    expect(brokenLinks(root, documentationFiles(root))).toEqual([]);
  });

  it('finds links outside code and the anchors GitHub gives headings', () => {
    expect(linkTargets('see [a](b.md#c) and `[x](y.md)`\n```\n[z](w.md)\n```\n![img](p.png "t")')).toEqual(['b.md#c', 'p.png']);
    expect([...headingAnchors('# Web chat protocol (`/ws/chat`)\n## Tests\n## Tests\n### Datasets: `parley finetune prepare`')]).toEqual([
      'web-chat-protocol-wschat',
      'tests',
      'tests-1',
      'datasets-parley-finetune-prepare',
    ]);
  });

  it('reports a missing file and a missing anchor', () => {
    const root = mkdtempSync(join(tmpdir(), 'parley-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'README.md'), '[ok](docs/a.md#here) [gone](docs/none.md) [bad](docs/a.md#nowhere) [web](https://example.com/x)\n');
    writeFileSync(join(root, 'docs', 'a.md'), '# Here\n');
    expect(brokenLinks(root, ['README.md']).map((link) => link.target)).toEqual(['docs/none.md', 'docs/a.md#nowhere']);
  });
});
