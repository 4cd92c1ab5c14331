/* global indexedDB -- the page.evaluate body runs in the browser */
// Object tokens of decoded video, for bench/scene-cuts.bench.ts: the Evaluate page's button makes
// the full demo world (seed 42) with object tokens in Chromium (rendered, encoded to WebM with
// WebCodecs, imported, decoded and embedded as a user's video), and this reads the long videos'
// frame tokens back from IndexedDB into bench/out/scene-tokens-browser.json.
//
//   npm run bench:scene-cuts      (this, then the Node bench that cuts scenes on them)
import { mkdirSync, writeFileSync } from 'node:fs';
import { withStudio } from './browser.mjs';

const videos = await withStudio(
  async (page, base) => {
    await page.goto(`${base}/#/evaluate`);
    await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
    const panel = page.getByRole('region', { name: 'Reproduce LongVPO' });
    await panel.getByLabel('World', { exact: true }).selectOption('full');
    await panel.getByLabel('Visual tokens', { exact: true }).selectOption('objects');
    await panel.getByLabel('Training worlds', { exact: true }).fill('1');
    await panel.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
    // The world is in the library once the demo step is done (the study may stop later: that is fine here).
    await page.locator('[data-testid=reproduce-demo][data-state=done], [data-testid=reproduce-demo][data-state=kept]').waitFor({ timeout: 30 * 60_000 });
    const cancel = panel.getByRole('button', { name: 'Cancel', exact: true });
    if (await cancel.isEnabled().catch(() => false)) await cancel.click();
    return page.evaluate(async () => {
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open('longvpo-studio');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const all = (store) =>
        new Promise((resolve, reject) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const videos = (await all('videos')).filter((v) => /-long-/.test(v.name));
      const chunks = await all('embeddings');
      return videos.map((v) => {
        const mine = chunks.filter((c) => c.videoId === v.id && c.modelId.includes('object-tokens')).sort((a, b) => a.frameStart - b.frameStart);
        return { name: v.name, dim: mine[0]?.dim ?? 0, frames: mine.flatMap((c) => Array.from(c.vectors)) };
      });
    });
  },
  { persistent: true },
);

mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/scene-tokens-browser.json', JSON.stringify({ seed: 42, videos }));
console.log(`${videos.length} long videos, ${videos.reduce((n, v) => n + v.frames.length / Math.max(1, v.dim), 0)} frames of object tokens → bench/out/scene-tokens-browser.json`);
