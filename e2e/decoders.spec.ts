// Both decode paths must give the same frames: the same file through WebCodecs and through
// ffmpeg.wasm yields, frame for frame, near-identical embeddings (scalers differ slightly).
import { expect, test, type Page } from '@playwright/test';
import { fixture } from './fixtures';

const row = (page: Page, name: string) => page.locator(`[data-testid=video-row][data-name="${name}"]`);

function readEmbeddings(page: Page): Promise<number[][]> {
  return page.evaluate(
    () =>
      new Promise<number[][]>((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('embeddings').objectStore('embeddings').getAll();
          all.onsuccess = () => {
            const chunks = (all.result as Array<{ frameStart: number; count: number; dim: number; vectors: Float32Array }>).sort((a, b) => a.frameStart - b.frameStart);
            resolve(chunks.flatMap((c) => Array.from({ length: c.count }, (_, i) => Array.from(c.vectors.subarray(i * c.dim, (i + 1) * c.dim)))));
          };
        };
      }),
  );
}

test('WebCodecs and ffmpeg.wasm produce the same frames', async ({ page }) => {
  await page.goto('/#/library');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByLabel('Import videos').setInputFiles([fixture('h264.mp4')]);
  await expect(row(page, 'h264.mp4').getByTestId('video-frames')).toHaveText('12 · webcodecs', { timeout: 60_000 });
  const viaWebCodecs = await readEmbeddings(page);

  await row(page, 'h264.mp4').getByRole('button', { name: 'Delete h264.mp4' }).click();
  await expect(page.getByTestId('video-row')).toHaveCount(0);
  expect(await readEmbeddings(page)).toHaveLength(0); // delete removes embeddings too
  await page.getByLabel('Decoder').selectOption('ffmpeg');
  await page.getByLabel('Import videos').setInputFiles([fixture('h264.mp4')]);
  await expect(row(page, 'h264.mp4').getByTestId('video-frames')).toHaveText('12 · ffmpeg', { timeout: 90_000 });
  const viaFfmpeg = await readEmbeddings(page);

  expect(viaFfmpeg).toHaveLength(viaWebCodecs.length);
  const cos = viaWebCodecs.map((a, i) => a.reduce((s, x, d) => s + x * (viaFfmpeg[i]?.[d] ?? 0), 0));
  // Measured here: twins 0.965–0.989 (mean 0.983); a one-frame misalignment drops them to
  // 0.92–0.96. testsrc2 nearly repeats itself, so frame 8 sits a hair closer to frame 0 (0.969).
  for (const c of cos) expect(c).toBeGreaterThan(0.95);
  expect(cos.reduce((s, c) => s + c, 0) / cos.length).toBeGreaterThan(0.975);
  const nearestIsTwin = cos.filter((c, i) => viaFfmpeg.every((b, j) => j === i || c >= viaWebCodecs[i]!.reduce((s, x, d) => s + x * (b[d] ?? 0), 0))).length;
  expect(nearestIsTwin).toBeGreaterThanOrEqual(cos.length - 1);
});
