// bench/train in Chromium: the policy's training step times per backend (webgpu on the software
// adapter here, webgl, wasm, cpu), SFT and Stage 1 DPO with the full-context, anchor-only and
// cached reference, with MFU against each backend's matmul peak measured in the same run.
// Prints JSON and a table; writes bench/out/train-browser.json. Run: npm run bench:train
import { mkdirSync, writeFileSync } from 'node:fs';
import { printTable, withStudio } from './browser.mjs';

const results = await withStudio(async (page, base) => {
  await page.goto(`${base}/#/settings`);
  await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Run training benchmark' }).click();
  const json = page.getByTestId('train-bench-json');
  await json.waitFor({ state: 'attached', timeout: 1_800_000 });
  return JSON.parse(await json.textContent());
});
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/train-browser.json', JSON.stringify(results, null, 2));
console.log(JSON.stringify(results));
console.log();
const wasm = results.find((r) => r.backend === 'wasm')?.report;
printTable(
  results.flatMap((r) =>
    r.report
      ? r.report.cases.map((c) => ({
          backend: r.backend,
          case: c.case,
          'ms/step': (c.stepS * 1000).toFixed(0),
          'tokens/s': c.tokensPerS.toFixed(0),
          MFU: `${(100 * c.mfu).toFixed(1)}%`,
          'vs wasm': wasm ? `${(c.stepS / wasm.cases.find((w) => w.case === c.case).stepS).toFixed(2)}×` : 'n/a',
        }))
      : [{ backend: r.backend, case: `failed: ${r.error}`, 'ms/step': '', 'tokens/s': '', MFU: '', 'vs wasm': '' }],
  ),
);
for (const r of results) if (r.report) console.log(`${r.backend}: matmul peak ${r.report.matmulPeakGflops.toFixed(2)} GFLOP/s; anchor-only/full ${r.report.ratios.anchorVsFull.toFixed(2)}, cached/full ${r.report.ratios.cachedVsFull.toFixed(2)}`);
