import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../config/index.js';
import { packageFile } from '../core/index.js';

/** Debian's Chromium, which the browser tests drive (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a closed network: without the background-networking ones Chromium keeps dialling Google's hosts. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where browser tests save their screenshots (`test-artifacts/`, git-ignored). */
export const TEST_ARTIFACTS = packageFile('test-artifacts');

/**
 * Whether Chromium is installed; when it is not, prints why `what` is skipped. Under `PARLEY_REQUIRE_SERVICES=1` a
 * missing Chromium throws instead, so CI cannot skip browser tests silently.
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (loadConfig().requireServices) throw new Error(`PARLEY_REQUIRE_SERVICES is set but ${CHROMIUM} is missing (apt-get install chromium)`);
  console.warn(`skipping ${what}: ${CHROMIUM} is not installed (apt-get install chromium)`);
  return false;
}

/** Launches headless Chromium with {@link CHROMIUM_FLAGS} and makes sure {@link TEST_ARTIFACTS} exists. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(TEST_ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}
