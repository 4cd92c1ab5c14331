/* global indexedDB, document, requestAnimationFrame, window, KeyboardEvent -- page.evaluate bodies run in the browser */
// bench/review in Chromium (issue #11): with 16,000 triples stored (the small demo's Stage 1
// triples, copied under new ids so every clip has real thumbnails), (a) frame times while the
// virtualised queue scrolls, (b) time to open a triple by key `j` until its view is painted with
// every timeline thumbnail loaded, over 200 opens after the thumbnails are cached (goal < 100 ms).
// Prints JSON; writes bench/out/review-browser.json. Run: npm run bench:review
import { mkdirSync, writeFileSync } from 'node:fs';
import { withStudio } from './browser.mjs';

const TOTAL = 16_000;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const summary = (xs) => ({ n: xs.length, median: +quantile(xs, 0.5).toFixed(1), p95: +quantile(xs, 0.95).toFixed(1), max: +Math.max(...xs).toFixed(1) });

const result = await withStudio(async (page, base) => {
  await page.goto(`${base}/#/library`);
  await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
  await page.getByLabel('Size').selectOption('small');
  await page.getByRole('button', { name: 'Run demo' }).click();
  await page.locator('[data-testid=demo-summary][data-stage=done]').waitFor({ timeout: 300_000 });
  await page.getByRole('link', { name: 'Synthesize', exact: true }).click();
  const s1 = page.getByTestId('stage1-panel');
  await s1.getByLabel('Triples').fill('12');
  await s1.getByLabel('Frame budget').selectOption('128');
  await s1.getByRole('button', { name: 'Synthesize Stage 1' }).click();
  await page.getByTestId('stage1-summary').waitFor({ timeout: 120_000 });

  const stored = await page.evaluate(
    (total) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const read = db.transaction('triples').objectStore('triples').getAll();
          read.onsuccess = () => {
            const base = read.result;
            const tx = db.transaction('triples', 'readwrite');
            for (let k = base.length; k < total; k++) {
              const r = base[k % base.length];
              const id = `${r.id}-copy${k}`;
              tx.objectStore('triples').put({ ...r, id, createdAt: r.createdAt + k, body: { ...r.body, id } });
            }
            tx.oncomplete = () => resolve(total);
            tx.onerror = () => reject(tx.error);
          };
        };
      }),
    TOTAL,
  );

  await page.goto(`${base}/#/review`);
  await page.reload();
  await page.getByTestId('queue-count').filter({ hasText: `${TOTAL} of ${TOTAL} triples shown` }).waitFor({ timeout: 60_000 });
  await page.getByLabel('Reviewer', { exact: true }).fill('bench');
  await page.getByLabel('Reviewer', { exact: true }).blur();

  // (a) Scroll the queue 40 px per frame (a fast wheel) for 600 frames, then jump far, recording every frame.
  const scroll = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const list = document.querySelector('[data-testid=queue-list]');
        const frames = [];
        let last = performance.now();
        let n = 0;
        const tick = (t) => {
          frames.push(t - last);
          last = t;
          n++;
          list.scrollTop += n % 100 === 0 ? 20_000 : 40;
          if (n < 600) requestAnimationFrame(tick);
          else resolve({ frames: frames.slice(1), scrollTop: list.scrollTop, rows: document.querySelectorAll('[data-testid=queue-row]').length });
        };
        requestAnimationFrame(tick);
      }),
  );

  // (b) Open triples with `j`: time from the key to the painted view with all thumbnails loaded.
  const open = await page.evaluate(
    (count) =>
      new Promise((resolve) => {
        const times = [];
        const one = () =>
          new Promise((done) => {
            const before = document.querySelector('[data-testid=review-triple]')?.getAttribute('data-triple-id');
            const t0 = performance.now();
            window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
            const check = () => {
              const view = document.querySelector('[data-testid=review-triple]');
              const imgs = [...document.querySelectorAll('.review-timeline img')];
              const clips = document.querySelectorAll('.review-timeline li').length;
              if (view && view.getAttribute('data-triple-id') !== before && clips > 0 && imgs.length === clips && imgs.every((i) => i.complete)) done(performance.now() - t0);
              else requestAnimationFrame(check);
            };
            requestAnimationFrame(check);
          });
        (async () => {
          for (let i = 0; i < count; i++) times.push(await one());
          resolve(times);
        })();
      }),
    230,
  );
  return { stored, scroll, open: open.slice(30) };
});

const out = {
  triples: result.stored,
  scrollFrameMs: { ...summary(result.scroll.frames), over50ms: result.scroll.frames.filter((f) => f > 50).length, rowsInDom: result.scroll.rows },
  openTripleMs: summary(result.open),
};
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/review-browser.json', JSON.stringify(out, null, 2));
console.log(JSON.stringify(out));
