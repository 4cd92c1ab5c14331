// bench/demo: time to generate the demo world's videos in Chromium (render in pure TS + encode
// WebM with WebCodecs in the compute worker), for both demo sizes. Goal (issue #4): the default
// (full) world in under a minute on 2 cores. Import time is not included (it is the normal
// import path: see bench/import-memory and docs/results.md).
// Run: npm run bench:demo
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { printTable, withStudio } from './browser.mjs';

const OUT = resolve('bench/out');
mkdirSync(OUT, { recursive: true });
const rows = [];
for (const size of ['small', 'full']) {
  // A fresh profile per size: the imports that follow generation must not slow the next run.
  const row = await withStudio(async (page, base) => {
    await page.goto(`${base}/#/library`);
    await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
    await page.getByLabel('Size').selectOption(size);
    const start = Date.now();
    await page.getByRole('button', { name: 'Run demo' }).click();
    const summary = page.getByTestId('demo-summary');
    await summary.waitFor({ timeout: 10 * 60_000 });
    const wallS = (Date.now() - start) / 1000;
    const text = await summary.innerText();
    const m = /(\d+) videos \((\d+) long\), (\d+) s, (\d+) frames, (\w+) · generated in ([\d.]+) s · world fingerprint (\w+)/.exec(text);
    if (!m) throw new Error(`unexpected summary: ${text}`);
    return { size, videos: Number(m[1]), long: Number(m[2]), videoSeconds: Number(m[3]), frames: Number(m[4]), codec: m[5], generateS: Number(m[6]), framesPerS: Math.round(Number(m[4]) / Number(m[6])), wallS: Number(wallS.toFixed(1)), fingerprint: m[7] };
  });
  rows.push(row);
}
const result = { bench: 'demo', goal: 'full world generated in < 60 s', rows, withinGoal: (rows.find((r) => r.size === 'full')?.generateS ?? Infinity) < 60 };
writeFileSync(join(OUT, 'demo.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
console.log();
printTable(rows);
