// The module hook of record-modules.mjs: appends each loaded module's URL to the file RECORD_MODULES_TO names.
import { appendFileSync } from 'node:fs';

const file = process.env.RECORD_MODULES_TO;

/** Records `url`, then loads it as the next hook would. */
export async function load(url, context, nextLoad) {
  if (file) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
