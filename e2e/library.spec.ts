import { expect, test, type Page } from '@playwright/test';
import { fixture } from './fixtures';

async function openLibrary(page: Page) {
  await page.goto('/#/library');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
}

const row = (page: Page, name: string) => page.locator(`[data-testid=video-row][data-name="${name}"]`);

test('imports H.264 and VP9 videos through WebCodecs, shows facts and a filmstrip, and keeps them across reload', async ({ page }) => {
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('h264.mp4'), fixture('vp9.webm')]);

  await expect(row(page, 'h264.mp4').getByTestId('video-frames')).toHaveText('12 · webcodecs', { timeout: 60_000 });
  await expect(row(page, 'vp9.webm').getByTestId('video-frames')).toHaveText('8 · webcodecs', { timeout: 60_000 });
  await expect(row(page, 'h264.mp4')).toContainText('avc1');
  await expect(row(page, 'h264.mp4')).toContainText('320×240');
  await expect(row(page, 'h264.mp4')).toContainText('yes'); // audio
  await expect(row(page, 'vp9.webm')).toContainText('vp09');

  await row(page, 'h264.mp4').getByRole('button', { name: 'h264.mp4', exact: true }).click();
  await expect(page.getByTestId('filmstrip-count')).toHaveText('12 sampled frames');
  // Virtualised: the frames in view are in the DOM; End scrolls to the last one.
  const frames = page.getByRole('list', { name: 'Frames of h264.mp4' }).getByRole('img');
  await expect.poll(() => frames.count()).toBeGreaterThanOrEqual(8);
  await page.getByLabel('Frames of h264.mp4 (arrow keys scroll)').press('End');
  await expect(frames.last()).toHaveAttribute('alt', 'Frame 11 at 11.0 s');
  // Real decoded pictures: every thumbnail loaded with the sampled size.
  await expect
    .poll(() => frames.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === 224)))
    .toBe(true);
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Embeddings: one unit-length 1792-d vector per frame, stored in real IndexedDB.
  await expect(row(page, 'h264.mp4').getByTestId('video-embeddings')).toHaveText('12 × 1792');
  const stored = await page.evaluate(
    () =>
      new Promise<Array<{ key: string; count: number; dim: number; norms: number[] }>>((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('embeddings').objectStore('embeddings').getAll();
          all.onsuccess = () =>
            resolve(
              (all.result as Array<{ key: string; count: number; dim: number; vectors: Float32Array }>).map((r) => ({
                key: r.key,
                count: r.count,
                dim: r.dim,
                norms: Array.from({ length: r.count }, (_, i) => Math.hypot(...r.vectors.subarray(i * r.dim, (i + 1) * r.dim))),
              })),
            );
        };
      }),
  );
  expect(stored.reduce((n, r) => n + r.count, 0)).toBe(12 + 8);
  for (const r of stored) {
    expect(r.dim).toBe(1792);
    for (const n of r.norms) expect(n).toBeCloseTo(1, 3);
  }

  await page.reload();
  await expect(row(page, 'h264.mp4').getByTestId('video-frames')).toHaveText('12 · webcodecs');
  await expect(row(page, 'vp9.webm').getByTestId('video-frames')).toHaveText('8 · webcodecs');
});

test('a rotated phone video is shown upright', async ({ page }) => {
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('rotated.mp4')]);
  await expect(row(page, 'rotated.mp4').getByTestId('video-frames')).toHaveText('6 · webcodecs', { timeout: 60_000 });
  await expect(row(page, 'rotated.mp4')).toContainText('240×320');
  await expect(row(page, 'rotated.mp4')).toContainText(/rotated (90|270)°/);
});

test('bad files are rejected by name and reason; nothing is stored and the studio stays usable', async ({ page }) => {
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('h264.mp4')]);
  await expect(row(page, 'h264.mp4').getByTestId('video-frames')).toHaveText('12 · webcodecs', { timeout: 60_000 });

  await page.getByLabel('Import videos').setInputFiles([fixture('empty.mp4'), fixture('notes.mp4'), fixture('audio-only.mp4')]);
  const alerts = page.getByRole('alert');
  await expect(alerts.filter({ hasText: 'empty.mp4: the file is empty (0 bytes)' })).toBeVisible({ timeout: 60_000 });
  await expect(alerts.filter({ hasText: 'notes.mp4: not a video container' })).toBeVisible({ timeout: 60_000 });
  await expect(alerts.filter({ hasText: 'audio-only.mp4: it has audio but no video track' })).toBeVisible({ timeout: 60_000 });
  for (const text of await alerts.allInnerTexts()) expect(text).not.toMatch(/\bat \S+:\d+:\d+/); // no stack traces

  await expect(page.getByTestId('video-row')).toHaveCount(1);
  await expect(row(page, 'h264.mp4').getByTestId('video-frames')).toHaveText('12 · webcodecs');
  // Still usable: navigate away and back.
  await page.keyboard.press('6');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});

test('HEVC, which WebCodecs refuses here, is decoded by ffmpeg.wasm instead', async ({ page }) => {
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('hevc.mp4')]);
  await expect(row(page, 'hevc.mp4').getByTestId('video-frames')).toHaveText('4 · ffmpeg', { timeout: 90_000 });
  await expect(row(page, 'hevc.mp4')).toContainText(/hev1|hvc1/);
  await expect(row(page, 'hevc.mp4').getByTestId('video-embeddings')).toHaveText('4 × 1792');
  await expect(page.getByRole('alert')).toHaveCount(0);
  // The browser cannot play HEVC here either: the clip plays as a flip-book of its frames.
  await row(page, 'hevc.mp4').getByRole('button', { name: 'hevc.mp4', exact: true }).click();
  await page.getByRole('listbox', { name: 'Clips' }).getByRole('option', { name: '0–4 s' }).click();
  const player = page.getByTestId('clip-player');
  await expect(player).toHaveAttribute('data-mode', 'flipbook');
  const picture = player.getByRole('img');
  await expect(picture).toHaveAttribute('alt', /frame at 0 s/);
  await expect(picture).toHaveAttribute('alt', /frame at [1-3] s/); // it advances
});

test('cancel stops sampling, keeps the frames stored so far, and resume finishes the video', async ({ page }) => {
  test.setTimeout(240_000);
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('long.mp4')]);
  const bar = page.getByRole('progressbar', { name: 'Sampling long.mp4' });
  await expect(bar).toHaveAttribute('aria-valuetext', /frames \((\d{2,})\/150\)/, { timeout: 60_000 });
  await page.getByTestId('import-job').getByRole('button', { name: 'Cancel' }).click();

  const frames = row(page, 'long.mp4').getByTestId('video-frames');
  await expect(frames).toContainText('interrupted', { timeout: 30_000 });
  const kept = Number((await frames.innerText()).split(' ')[0]);
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(150);

  // Resume right after a reload, before the backend chip is ready: the worker must wait for it.
  await page.reload();
  await expect(frames).toHaveText(`${kept} · interrupted`);
  await row(page, 'long.mp4').getByRole('button', { name: 'Resume' }).click();
  await expect(frames).toHaveText('150 · webcodecs', { timeout: 150_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Resumed, not restarted: every frame index is stored exactly once.
  await row(page, 'long.mp4').getByRole('button', { name: 'long.mp4', exact: true }).click();
  await expect(page.getByTestId('filmstrip-count')).toHaveText('150 sampled frames');
});

test('scenes follow the hard cuts, and a clip finds its look-alike in another video', async ({ page }) => {
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('cuts.mp4'), fixture('vp9.webm'), fixture('h264.mp4')]);
  for (const name of ['cuts.mp4', 'vp9.webm', 'h264.mp4']) {
    await expect(row(page, name).getByTestId('video-frames')).toContainText('webcodecs', { timeout: 90_000 });
  }
  await row(page, 'cuts.mp4').getByRole('button', { name: 'cuts.mp4', exact: true }).click();
  await expect(page.getByTestId('scene-count')).toContainText('3 scenes');
  await expect(page.getByRole('list', { name: 'Scenes' }).getByRole('listitem')).toHaveCount(3);
  const clips = page.getByRole('listbox', { name: 'Clips' }).getByRole('option');
  await expect(clips).toHaveText(['0–8 s', '8–16 s', '16–24 s']);

  // The smptebars scene of cuts.mp4 is nearest to vp9.webm, which is smptebars throughout.
  await clips.nth(1).click();
  const top = page.getByRole('table', { name: 'Most similar clips' }).getByTestId('neighbour');
  await expect(top.first()).toContainText('vp9.webm');
  // The clip plays from its start time in a <video> element, and stops at its end.
  const player = page.getByTestId('clip-player');
  await expect(player).toHaveAttribute('data-mode', 'video');
  const time = () => player.locator('video').evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect.poll(time, { timeout: 20_000 }).toBeGreaterThan(8.5);
  await expect.poll(() => player.locator('video').evaluate((v: HTMLVideoElement) => v.paused && v.currentTime), { timeout: 20_000 }).toBeGreaterThanOrEqual(16);
  expect(await time()).toBeLessThan(16.6);
  // The testsrc2 scene is nearest to h264.mp4's first clip (testsrc2 too).
  await clips.nth(0).click();
  await expect(top.first()).toContainText('h264.mp4');
  await expect(top.first()).toContainText('0–8 s');
  const scores = (await top.locator('td:nth-child(3)').allInnerTexts()).map(Number);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
});
