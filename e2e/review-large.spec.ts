// Review (issue #11) at size, in Chromium on the real pipeline: the UMAP map (seeded, in the
// worker) filters the queue by lasso and is the same for the same seed; then the small demo's
// triples and clips are copied in IndexedDB to 40,000 triples and 2,500 clips, and Cancel is
// pressed mid-way through a review-file read (nothing is stored), an export (nothing downloaded,
// stored data intact) and a UMAP map (no map; the worker is free for the next one). Cancel is
// pressed by a MutationObserver in the page the moment the progress bar shows a first step done,
// so the test does not race the work from Node.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { importSmallDemo, lassoLeftHalf, storeRecords, synthesizeStage1 } from './studio';
import { reviewFileText } from '../src/core/review/reviewFile';

const TRIPLES = 40_000;
const CLIPS = 2_500;
const dir = mkdtempSync(join(tmpdir(), 'longvpo-review-large-'));

/** Counts of the stores a cancelled action must leave alone. */
function counts(page: Page): Promise<{ triples: number; reviews: number; auditEvents: number; clips: number }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['triples', 'reviews', 'auditEvents', 'clips']);
          const out: Record<string, number> = {};
          for (const name of ['triples', 'reviews', 'auditEvents', 'clips']) {
            const req = tx.objectStore(name).count();
            req.onsuccess = () => (out[name] = req.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out as { triples: number; reviews: number; auditEvents: number; clips: number });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/**
 * Presses the Cancel button of the progress bar labelled `label` as soon as its text matches
 * `when` and it shows 0 < done < total; resolves in Node with the progress text it cancelled at.
 */
async function cancelMidway(page: Page, label: string, when: string): Promise<() => Promise<{ done: number; total: number; text: string } | null>> {
  await page.evaluate(
    ({ label, when }) => {
      const w = window as unknown as { __cancelledAt: unknown; __cancelObserver?: MutationObserver };
      w.__cancelledAt = null;
      w.__cancelObserver?.disconnect();
      const check = () => {
        const bar = document.querySelector(`[role=progressbar][aria-label="${label}"]`);
        const text = bar?.getAttribute('aria-valuetext') ?? '';
        const m = /\((\d+)\/(\d+)\)$/.exec(text);
        if (!bar || !m || !text.includes(when)) return;
        const [done, total] = [Number(m[1]), Number(m[2])];
        if (done > 0 && done < total) {
          w.__cancelObserver?.disconnect();
          w.__cancelledAt = { done, total, text };
          bar.parentElement!.querySelector('button')!.click();
        }
      };
      w.__cancelObserver = new MutationObserver(check);
      w.__cancelObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuetext'] });
    },
    { label, when },
  );
  return () => page.evaluate(() => (window as unknown as { __cancelledAt: { done: number; total: number; text: string } | null }).__cancelledAt);
}

const mapPoints = (page: Page) => page.locator('[data-testid=embedding-map] circle').evaluateAll((cs) => cs.map((c) => `${c.getAttribute('data-clip-id')}@${c.getAttribute('cx')},${c.getAttribute('cy')}`));

test('UMAP map filters the queue and is seeded; Cancel mid-way through a large review file, export and UMAP map stores and downloads nothing', async ({ page }) => {
  test.setTimeout(600_000);
  await importSmallDemo(page);
  await synthesizeStage1(page, 12);

  // UMAP on the demo's clips: a lasso over the left half filters the queue to the triples anchored there.
  await page.keyboard.press('3');
  await expect(page.getByTestId('queue-count')).toHaveText('12 of 12 triples shown · 0 reviewed');
  const anchors = (await storeRecords<{ body: { clips: { id: string }[]; anchor_index: number } }>(page, 'triples')).map((t) => t.body.clips[t.body.anchor_index]!.id);
  await page.getByLabel('Projection').selectOption('umap');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('42');
  await page.getByRole('button', { name: 'Compute map (UMAP)' }).click();
  await expect(page.getByTestId('map-summary')).toContainText(/^\d+ clips of .*; UMAP \(seed 42, \d+ neighbours, \d+ epochs\) of /, { timeout: 60_000 });
  await expect(page.getByTestId('embedding-map')).toHaveAttribute('data-method', 'umap');
  const first = await mapPoints(page);
  const selected = await lassoLeftHalf(page);
  expect(selected.size).toBeGreaterThan(0);
  expect(selected.size).toBeLessThan(first.length);
  await expect(page.getByTestId('queue-count')).toHaveText(`${anchors.filter((a) => selected.has(a)).length} of 12 triples shown · 0 reviewed`);
  await page.getByRole('button', { name: /Clear map selection/ }).click();
  // The same seed gives the same map; another seed another one.
  const serial = Number(await page.getByTestId('embedding-map').getAttribute('data-serial'));
  await page.getByRole('button', { name: 'Recompute map (UMAP)' }).click();
  await expect(page.getByTestId('embedding-map')).toHaveAttribute('data-serial', String(serial + 1), { timeout: 60_000 });
  expect(await mapPoints(page)).toEqual(first);
  await page.getByLabel('Seed', { exact: true }).fill('7');
  await page.getByRole('button', { name: 'Recompute map (UMAP)' }).click();
  await expect(page.getByTestId('map-summary')).toContainText('UMAP (seed 7,', { timeout: 60_000 });
  expect(await mapPoints(page)).not.toEqual(first);

  // Copy the triples to 40,000 and the clips to 2,500 (embeddings jittered and re-normalised).
  const ids = await page.evaluate(
    ({ triples, clips }) =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const read = db.transaction(['triples', 'clips']);
          const t = read.objectStore('triples').getAll();
          const c = read.objectStore('clips').getAll();
          read.oncomplete = () => {
            const baseTriples = t.result as { id: string; createdAt: number; body: Record<string, unknown> }[];
            const baseClips = (c.result as { id: string; kind: string; embedding: Float32Array }[]).filter((x) => x.kind === 'clip');
            const tx = db.transaction(['triples', 'clips'], 'readwrite');
            const all = baseTriples.map((r) => r.id);
            for (let k = baseTriples.length; k < triples; k++) {
              const r = baseTriples[k % baseTriples.length]!;
              const id = `${r.id}-copy${k}`;
              all.push(id);
              tx.objectStore('triples').put({ ...r, id, createdAt: r.createdAt + k, body: { ...r.body, id } });
            }
            let state = 12345;
            const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
            for (let k = baseClips.length; k < clips; k++) {
              const r = baseClips[k % baseClips.length]!;
              const e = Float32Array.from(r.embedding, (x) => x + 0.02 * rand());
              const norm = Math.hypot(...e);
              tx.objectStore('clips').put({ ...r, id: `${r.id}-copy${k}`, embedding: e.map((x) => x / norm) });
            }
            tx.oncomplete = () => {
              db.close();
              resolve(all);
            };
            tx.onerror = () => reject(tx.error);
          };
        };
      }),
    { triples: TRIPLES, clips: CLIPS },
  );
  expect(ids.length).toBe(TRIPLES);
  await page.reload();
  await expect(page.getByTestId('queue-count')).toHaveText(`${TRIPLES} of ${TRIPLES} triples shown · 0 reviewed`, { timeout: 60_000 });
  await page.getByLabel('Reviewer', { exact: true }).fill('ana');
  await page.getByLabel('Reviewer', { exact: true }).blur();
  const stored = await counts(page);
  expect(stored).toMatchObject({ triples: TRIPLES, reviews: 0, auditEvents: 0 });

  // A 40,000-line review file: Cancel mid-way through the read stores nothing.
  const filePath = join(dir, 'longvpo-reviews.bo.jsonl');
  writeFileSync(filePath, reviewFileText('bo', ids.map((tripleId, i) => ({ tripleId, status: i % 3 === 0 ? 'rejected' : 'accepted', reviewer: 'bo', at: Date.UTC(2026, 11, 1) + i })), '2026-12-01T21:00:00.000Z'));
  let cancelledAt = await cancelMidway(page, 'Review file or export', 'lines of');
  await page.getByLabel('Adopt a review file').setInputFiles(filePath);
  await expect(page.getByTestId('review-result')).toHaveText('Reading longvpo-reviews.bo.jsonl was cancelled; nothing was stored.', { timeout: 60_000 });
  const readAt = await cancelledAt();
  expect(readAt).not.toBeNull();
  expect(readAt!.total).toBeGreaterThan(TRIPLES);
  expect(readAt!.done).toBeLessThan(readAt!.total);
  await expect(page.getByRole('progressbar', { name: 'Review file or export' })).toHaveCount(0);
  expect(await counts(page)).toEqual(stored);
  await expect(page.getByTestId('queue-count')).toHaveText(`${TRIPLES} of ${TRIPLES} triples shown · 0 reviewed`);
  // The same file read to the end is adopted whole (so it was the Cancel that stored nothing).
  await page.getByLabel('Adopt a review file').setInputFiles(filePath);
  await expect(page.getByTestId('review-result')).toHaveText(`Adopted ${TRIPLES} reviews by bo from longvpo-reviews.bo.jsonl.`, { timeout: 120_000 });
  const adopted = await counts(page);
  expect(adopted).toMatchObject({ triples: TRIPLES, reviews: TRIPLES, auditEvents: TRIPLES });
  const accepted = ids.filter((_, i) => i % 3 !== 0).length;

  // Export of the accepted triples: Cancel mid-way downloads nothing and changes nothing stored.
  let downloads = 0;
  page.on('download', () => downloads++);
  cancelledAt = await cancelMidway(page, 'Review file or export', 'rows written');
  await page.getByRole('button', { name: 'Export Studio JSONL' }).click();
  await expect(page.getByTestId('review-result')).toHaveText('The export was cancelled; nothing was downloaded.', { timeout: 60_000 });
  const exportAt = await cancelledAt();
  expect(exportAt).not.toBeNull();
  expect(exportAt!.total).toBe(accepted);
  expect(exportAt!.done).toBeLessThan(accepted);
  await expect(page.getByRole('progressbar', { name: 'Review file or export' })).toHaveCount(0);
  await page.waitForTimeout(1_000); // a download that crossed with the Cancel would arrive by now
  expect(downloads).toBe(0);
  expect(await counts(page)).toEqual(adopted);
  // Not cancelled, the same export writes every accepted triple.
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('button', { name: 'Export Studio JSONL' }).click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(accepted);

  // UMAP of 2,500 clips: Cancel during the epochs leaves no map, and the worker takes the next request.
  await page.getByLabel('Projection').selectOption('umap');
  cancelledAt = await cancelMidway(page, 'Computing the map', 'UMAP epochs');
  await page.getByRole('button', { name: 'Compute map (UMAP)' }).click();
  await expect(page.getByTestId('map-note')).toHaveText('The UMAP map was cancelled.', { timeout: 120_000 });
  const umapAt = await cancelledAt();
  expect(umapAt!.done).toBeLessThan(umapAt!.total);
  await expect(page.getByTestId('map-summary')).toHaveCount(0);
  await expect(page.getByRole('progressbar', { name: 'Computing the map' })).toHaveCount(0);
  await page.getByLabel('Projection').selectOption('pca');
  await page.getByRole('button', { name: 'Compute map (PCA)' }).click();
  await expect(page.getByTestId('map-summary')).toContainText(`${CLIPS} clips of`, { timeout: 120_000 });
  await expect(page.getByTestId('map-note')).toHaveCount(0);
});
