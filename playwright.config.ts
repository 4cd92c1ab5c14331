import { defineConfig } from '@playwright/test';
import chromium from './e2e/chromium.json' with { type: 'json' };

// Debian's chromium, never a downloaded browser (DESIGN.md §4). Override with CHROMIUM_PATH.
const executablePath = process.env.CHROMIUM_PATH ?? chromium.executablePath;
const port = Number(process.env.E2E_PORT ?? 4179);

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/fixtures.ts',
  // One browser at a time: the machine has 2 cores shared by the app's workers.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath, args: chromium.args },
    trace: 'off',
  },
  // The production build, served locally with the COOP/COEP headers (vite preview).
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
