import fs from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * Chromium: $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's
 * own browser where one is installed (`npx playwright install chromium`).
 */
const executablePath = process.env.CHROMIUM_PATH || (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/globalSetup.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  // Two or three browsers and a server on a 2-core machine that may be busy: room before calling a test
  // hung, or an assertion failed (web-first assertions retry until then).
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
