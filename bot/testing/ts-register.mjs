// `node --import ./bot/testing/ts-register.mjs bot/app/cli.ts …` runs the CLI from the TypeScript sources (tests).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
