// `node --import ./bot/testing/record-modules.mjs …` (or in NODE_OPTIONS) appends the URL of every module the process
// loads, one a line, to the file named by RECORD_MODULES_TO (tests that check what a process does not load).
import { register } from 'node:module';

register('./record-modules-hooks.mjs', import.meta.url);
