// bench/embed: frames/s of the default embedder per backend in Chromium, in one run, with the
// ratio to wasm. Prints JSON and a table; writes bench/out/embed.json. Run: npm run bench:embed
import { mkdirSync, writeFileSync } from 'node:fs';
import { printTable, withStudio } from './browser.mjs';

const cases = await withStudio(async (page, base) => {
  await page.goto(`${base}/#/settings`);
  await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Run embedder benchmark' }).click();
  const json = page.getByTestId('embed-bench-json');
  await json.waitFor({ state: 'attached', timeout: 600_000 });
  return JSON.parse(await json.textContent());
});
const wasm = cases.find((c) => c.backend === 'wasm')?.framesPerS;
const report = { bench: 'embed', model: 'nsfwjs-4.4.0/mobilenet_v2_mid (MobileNetV2 x1.4, 224 px)', batch: 4, cases };
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/embed.json', JSON.stringify(report, null, 2));
console.log(JSON.stringify(report));
console.log();
printTable(
  cases.map((c) => ({
    backend: c.backend,
    'frames/s': c.framesPerS === null ? `n/a (${c.error})` : c.framesPerS.toFixed(1),
    'first batch': c.warmupMs === null ? 'n/a' : `${(c.warmupMs / 1000).toFixed(1)} s`,
    'vs wasm': c.framesPerS && wasm ? `${(c.framesPerS / wasm).toFixed(2)}×` : 'n/a',
  })),
);
