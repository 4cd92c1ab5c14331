// Shared helpers for browser benchmarks: serve dist/ with `vite preview` and drive Debian's
// Chromium with the launch flags of DESIGN.md §4.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import launch from '../e2e/chromium.json' with { type: 'json' };

/**
 * Serves dist/ and opens the studio in Chromium. `persistent: true` uses an on-disk profile as a
 * user's browser does: Playwright's default contexts are off the record, and there Chromium keeps
 * IndexedDB in the browser process's memory (which a memory benchmark would then count). `profile`
 * (a folder) is such a profile that is kept afterwards, so a later run opens the same stored studio.
 */
export async function withStudio(fn, { port = 4174, persistent = false, profile: keptProfile } = {}) {
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(base)).ok) break;
      } catch (e) {
        if (i > 100) throw new Error(`vite preview did not start on ${base}: ${e.cause?.message ?? e.message} (ports on the Fetch "bad ports" list are refused)`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const options = { executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath, args: launch.args };
    if (persistent || keptProfile) {
      const profile = keptProfile ?? mkdtempSync(join(tmpdir(), 'longvpo-bench-'));
      // A kept profile must close cleanly: the caller handles the signals, not Playwright.
      const context = await chromium.launchPersistentContext(profile, keptProfile ? { ...options, handleSIGINT: false, handleSIGTERM: false } : options);
      try {
        return await fn(context.pages()[0] ?? (await context.newPage()), base);
      } finally {
        await context.close();
        if (!keptProfile) rmSync(profile, { recursive: true, force: true });
      }
    }
    const browser = await chromium.launch(options);
    try {
      const page = await browser.newPage();
      return await fn(page, base);
    } finally {
      await browser.close();
    }
  } finally {
    process.kill(-server.pid);
  }
}

/** Prints a plain table of rows (objects with the same keys). */
export function printTable(rows) {
  if (rows.length === 0) return;
  const keys = Object.keys(rows[0]);
  const cells = [keys, ...rows.map((r) => keys.map((k) => String(r[k])))];
  const widths = keys.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  for (const [n, row] of cells.entries()) {
    console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
