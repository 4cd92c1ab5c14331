// bench/review-map in Chromium (issue #11): the Review page's embedding map — PCA (the default)
// and UMAP (top 50 principal components, then umap-js; and the baseline on the raw 1792-d rows), all
// in the compute worker on the backend the studio picked — for 2,000 and 10,000 stored clips of
// 1792-d clip-like embeddings (bench/clipEmbeddings.ts's generator), timed from the click on Compute
// to the painted map, side by side in one page. The production build (dist/) served by vite preview, headless Debian Chromium.
// Prints a table and JSON; writes bench/out/map-browser.json.
// Run: npm run bench:map-browser (BENCH_CLIPS=2000 for one size).
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { exampleTriple } from '../src/core/triples/fixtures';
// @ts-expect-error -- a plain .mjs helper shared with the other browser benchmarks
import { withStudio } from './browser.mjs';

const SIZES = (process.env.BENCH_CLIPS ?? '2000,10000').split(',').map(Number);
const DIM = 1792;

interface Page {
  goto(url: string): Promise<unknown>;
  reload(): Promise<unknown>;
  evaluate<T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  locator(selector: string): { waitFor(o: { timeout: number }): Promise<void>; textContent(): Promise<string | null>; getAttribute(name: string): Promise<string | null> };
  getByLabel(label: string | RegExp, o?: { exact: boolean }): { selectOption(v: string): Promise<unknown>; setChecked(v: boolean): Promise<void> };
  getByRole(role: string, o: { name: string | RegExp }): { click(): Promise<void> };
}

/** Replaces the stored clips with n clip-like embeddings (bench/clipEmbeddings.ts, re-implemented here) and the triples with one. */
function storeClips(page: Page, n: number): Promise<number> {
  const triple = exampleTriple();
  return page.evaluate(
    ({ n, dim, triple }) =>
      new Promise<number>((resolve, reject) => {
        let state = 1 >>> 0;
        const next = () => {
          state = (state + 0x6d2b79f5) | 0;
          let t = Math.imul(state ^ (state >>> 15), 1 | state);
          t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
          return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
        const videos = 100;
        const centres = Array.from({ length: videos }, () => Float32Array.from({ length: dim }, () => next() * 2 - 1));
        const drift = Array.from({ length: videos }, () => Float32Array.from({ length: dim }, () => next() * 2 - 1));
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['clips', 'triples'], 'readwrite');
          tx.objectStore('clips').clear();
          tx.objectStore('triples').clear();
          tx.objectStore('triples').put({ id: triple.id, stage: triple.stage, task_type: triple.task_type, createdAt: 1, body: triple });
          for (let i = 0; i < n; i++) {
            const v = i % videos;
            const t = next();
            const e = new Float32Array(dim);
            let norm = 0;
            for (let j = 0; j < dim; j++) {
              e[j] = centres[v]![j]! + 0.6 * t * drift[v]![j]! + 0.5 * (next() * 2 - 1);
              norm += e[j]! * e[j]!;
            }
            norm = Math.sqrt(norm);
            for (let j = 0; j < dim; j++) e[j]! /= norm;
            const frameStart = Math.floor(i / videos) * 8;
            tx.objectStore('clips').put({ id: `bench-v${v}|clip|${String(frameStart).padStart(7, '0')}`, videoId: `bench-v${v}`, kind: 'clip', startS: frameStart, endS: frameStart + 8, frameStart, frameEnd: frameStart + 8, frameCount: 8, embedding: e, modelId: 'bench-1792' });
          }
          tx.oncomplete = () => {
            db.close();
            resolve(n);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { n, dim: DIM, triple },
  );
}

it('review map in the browser: PCA and UMAP of 2,000 and 10,000 clips', { timeout: 1_800_000 }, async () => {
  const rows: Record<string, number | string>[] = await withStudio(async (page: Page, base: string) => {
    await page.goto(`${base}/#/library`);
    await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
    const backend = (await page.locator('[data-testid=backend-chip]').textContent()) ?? '';
    const out: Record<string, number | string>[] = [];
    for (const n of SIZES) {
      expect(await storeClips(page, n)).toBe(n);
      await page.goto(`${base}/#/review`);
      await page.reload();
      await page.locator('[data-testid=queue-count]').waitFor({ timeout: 60_000 });
      let pcaMs = 0;
      let reducedMs = 0;
      for (const variant of ['pca2', 'umap(pca50)', 'umap(raw1792)'] as const) {
        const method = variant === 'pca2' ? 'pca' : 'umap';
        await page.getByLabel('Projection').selectOption(method);
        if (method === 'umap') await page.getByLabel(/first reduce to 50 principal components/).setChecked(variant === 'umap(pca50)');
        const serial = Number((await page.evaluate(() => document.querySelector('[data-testid=embedding-map]')?.getAttribute('data-serial'), null)) ?? 0);
        const t0 = Date.now();
        await page.getByRole('button', { name: new RegExp(`ompute map \\(${method.toUpperCase()}\\)`) }).click();
        await page.locator(`[data-testid=embedding-map][data-serial="${serial + 1}"][data-method=${method}]`).waitFor({ timeout: 900_000 });
        const wall = Date.now() - t0;
        const summary = (await page.locator('[data-testid=map-summary]').textContent()) ?? '';
        const worker = Number(/computed in (\d+) ms/.exec(summary)?.[1] ?? NaN);
        expect(summary).toContain(`${n} clips of bench-1792`);
        expect(summary).toContain(variant === 'pca2' ? 'PCA axes' : variant === 'umap(pca50)' ? 'top 50 principal components' : 'raw 1792-d');
        if (variant === 'pca2') pcaMs = wall;
        if (variant === 'umap(pca50)') reducedMs = wall;
        out.push({ clips: n, method: variant, wall_ms: wall, worker_ms: worker, vs_pca: +(wall / pcaMs).toFixed(2), ...(variant === 'umap(raw1792)' ? { raw_vs_pca50: +(wall / reducedMs).toFixed(2) } : {}), backend: backend.trim() });
      }
    }
    return out;
  });
  const keys = ['clips', 'method', 'wall_ms', 'worker_ms', 'vs_pca', 'raw_vs_pca50', 'backend'];
  const cells = [keys, ...rows.map((r) => keys.map((k) => String(r[k] ?? '')))];
  const widths = keys.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  console.log(cells.map((c) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ')).join('\n'));
  const result = { dim: DIM, date: new Date().toISOString(), rows };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync(`bench/out/map-browser${SIZES.length === 1 ? `-${SIZES[0]}` : ''}.json`, JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
});
