import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packageFile } from '../../core/index.js';
import { renderCliReference } from './cli-reference.js';
import { renderConfigReference } from './config-reference.js';

/** The generated reference pages: where each is written and how it is made. */
export const GENERATED_PAGES = {
  config: { path: ['docs', 'configuration.md'], render: renderConfigReference },
  cli: { path: ['docs', 'cli.md'], render: renderCliReference },
} as const;

/** Writes the generated reference page `page` into the repository; returns its path. */
export function writeGeneratedPage(page: keyof typeof GENERATED_PAGES): string {
  const { path, render } = GENERATED_PAGES[page];
  const file = packageFile(...path);
  writeFileSync(file, render());
  return file;
}

// `node dist/bot/app/docs/write.js config|cli` (npm run docs:config, npm run docs:cli).
const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const page = process.argv[2];
  if (page === 'config' || page === 'cli') {
    process.stdout.write(`wrote ${writeGeneratedPage(page)}\n`);
  } else {
    process.stderr.write('usage: node dist/bot/app/docs/write.js config|cli\n');
    process.exitCode = 2;
  }
}
