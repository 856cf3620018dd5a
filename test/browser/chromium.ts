import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Where the browser tests save their screenshots (git-ignored). */
export const SCREENSHOTS = join(__dirname, '../../test-artifacts/screenshots');

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The Chromium the browser tests drive: CHROMIUM_PATH, else the usual system locations. */
export function findChromium(): string | undefined {
  return CANDIDATES.find((path): path is string => !!path && existsSync(path));
}

/**
 * `describe` when a Chromium is there. Without one the suite is skipped with a clear message — except in CI
 * (`CI=true`), where a missing browser fails the run instead of passing silently.
 */
export function describeWithChromium(name: string, body: (executablePath: string) => void): void {
  const executablePath = findChromium();
  if (executablePath) {
    describe(name, () => body(executablePath));
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(
          'No Chromium found (CHROMIUM_PATH, /usr/bin/chromium...): CI must run the browser tests. Install it: apt-get install -y chromium',
        );
      });
    });
    return;
  }
  process.stderr.write(
    `\n*** Browser tests SKIPPED (${name}): no Chromium found at CHROMIUM_PATH or /usr/bin/chromium. Install it (apt-get install -y chromium) to run them. ***\n\n`,
  );
  describe.skip(name, () => body(''));
}

/** `extraArgs`: flags a suite needs besides the usual ones (e.g. `--autoplay-policy=no-user-gesture-required`). */
export function launchChromium(executablePath: string, extraArgs: string[] = []): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}
