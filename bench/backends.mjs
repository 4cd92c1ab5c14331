// bench/backends: matmul and conv2d throughput (GFLOP/s) per TensorFlow.js backend in Chromium,
// measured in one run through the studio's own Benchmark panel. Prints JSON and a table, and
// writes bench/out/backends.json. Run with `npm run bench:backends` (builds first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { printTable, withStudio } from './browser.mjs';

const report = await withStudio(async (page, base) => {
  await page.goto(`${base}/#/settings`);
  await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
  const choice = await page.getByTestId('backend-reason').innerText();
  const probeSummary = await page.getByTestId('backend-measured').innerText();
  const probes = await page.getByRole('table', { name: 'Backend probes' }).locator('tbody tr').allInnerTexts();
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const json = page.getByTestId('bench-json');
  await json.waitFor({ state: 'attached', timeout: 600_000 });
  return { choice, probeSummary, probes: probes.map((r) => r.split('\t').join(' | ')), ...JSON.parse(await json.textContent()) };
});

const rows = report.cases.map((c) => ({ backend: c.backend, op: c.op, shape: c.shape, 'GFLOP/s': c.gflops === null ? `n/a (${c.error})` : c.gflops.toFixed(2) }));
// Ratios against wasm in the same run: the figure that decides the backend here.
const wasm = Object.fromEntries(report.cases.filter((c) => c.backend === 'wasm').map((c) => [`${c.op} ${c.shape}`, c.gflops]));
for (const [i, c] of report.cases.entries()) {
  const base = wasm[`${c.op} ${c.shape}`];
  rows[i]['vs wasm'] = c.gflops && base ? `${(c.gflops / base).toFixed(3)}×` : 'n/a';
}
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/backends.json', JSON.stringify(report, null, 2));
console.log(JSON.stringify(report));
console.log();
console.log(`Backend chosen at start-up: ${report.choice}`);
console.log(report.probeSummary);
for (const line of report.probes) console.log(`  ${line}`);
console.log();
printTable(rows);
