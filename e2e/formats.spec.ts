// Containers and codecs beyond WebCodecs (issue #3 "Bad input"): MPEG-2 and AVI go to
// ffmpeg.wasm for both probing and decoding; variable frame rate and 8K decode correctly; a
// truncated mp4 is rejected by name and reason, or decoded as far as it goes, never half-stored.
import { expect, test, type Page } from '@playwright/test';
import { fixture } from './fixtures';

const row = (page: Page, name: string) => page.locator(`[data-testid=video-row][data-name="${name}"]`);

async function openLibrary(page: Page) {
  await page.goto('/#/library');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
}

test('MPEG-2 in Matroska and MPEG-4 in AVI are probed and decoded by ffmpeg.wasm', async ({ page }) => {
  test.setTimeout(180_000);
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('mpeg2.mkv'), fixture('mpeg4.avi')]);
  await expect(row(page, 'mpeg2.mkv').getByTestId('video-frames')).toHaveText('6 · ffmpeg', { timeout: 120_000 });
  await expect(row(page, 'mpeg2.mkv')).toContainText('mpeg2video · 320×240');
  // 5.04 s (the mp3 track runs 40 ms longer): samples at t = 0…5 s.
  await expect(row(page, 'mpeg4.avi').getByTestId('video-frames')).toHaveText('6 · ffmpeg', { timeout: 120_000 });
  await expect(row(page, 'mpeg4.avi')).toContainText('avi · mpeg4 · 320×240');
  await expect(row(page, 'mpeg4.avi').getByTestId('video-embeddings')).toHaveText('6 × 1792');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('variable frame rate: one frame per second of clock time; 8K is letterboxed like any other', async ({ page }) => {
  test.setTimeout(180_000);
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('vfr.mp4'), fixture('huge-8k.mp4')]);
  // 8.53 s, dense for 3 s then sparse: 9 samples at t = 0…8 s.
  await expect(row(page, 'vfr.mp4').getByTestId('video-frames')).toHaveText('9 · webcodecs', { timeout: 90_000 });
  await row(page, 'vfr.mp4').getByRole('button', { name: 'vfr.mp4', exact: true }).click();
  await expect(page.getByTestId('filmstrip-count')).toHaveText('9 sampled frames');
  await page.getByLabel('Frames of vfr.mp4 (arrow keys scroll)').press('End');
  await expect(page.getByRole('list', { name: 'Frames of vfr.mp4' }).getByRole('listitem').last()).toContainText('8 s');
  await expect(row(page, 'huge-8k.mp4').getByTestId('video-frames')).toHaveText(/^2 · (webcodecs|ffmpeg)$/, { timeout: 120_000 });
  await expect(row(page, 'huge-8k.mp4')).toContainText('7680×4320');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a video picked during an import stays selected while the import stores the next videos', async ({ page }) => {
  test.setTimeout(180_000);
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('vfr.mp4')]);
  await expect(row(page, 'vfr.mp4').getByTestId('video-frames')).toHaveText('9 · webcodecs', { timeout: 90_000 });
  // A new import follows its videos: the 8K one is selected once stored, and vp9.webm is stored
  // only after the 8K one is sampled, so the pick below always comes before it.
  await page.getByLabel('Import videos').setInputFiles([fixture('huge-8k.mp4'), fixture('vp9.webm')]);
  await expect(row(page, 'huge-8k.mp4')).toHaveAttribute('aria-selected', 'true', { timeout: 60_000 });
  await row(page, 'vfr.mp4').getByRole('button', { name: 'vfr.mp4', exact: true }).click();
  await expect(row(page, 'vp9.webm').getByTestId('video-frames')).toHaveText(/ · webcodecs$/, { timeout: 120_000 });
  await expect(row(page, 'vfr.mp4')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('filmstrip-count')).toHaveText('9 sampled frames');
});

test('a truncated mp4: rejected by name and reason when its index is lost; decoded as far as it goes, with a warning, when not', async ({ page }) => {
  test.setTimeout(120_000);
  await openLibrary(page);
  await page.getByLabel('Import videos').setInputFiles([fixture('truncated.mp4'), fixture('truncated-faststart.mp4')]);
  await expect(page.getByRole('alert').filter({ hasText: 'truncated.mp4: the file is incomplete' })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('alert')).toContainText('moov');
  // With its index first, the first 60% (6 of 10 s) decodes; the rest is reported, not invented.
  await expect(row(page, 'truncated-faststart.mp4').getByTestId('video-frames')).toHaveText('6 · webcodecs', { timeout: 90_000 });
  await expect(page.getByRole('status').filter({ hasText: 'truncated-faststart.mp4 ends early' })).toContainText('Only 6 of 10 frames');
  await expect(row(page, 'truncated.mp4')).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(1);
  for (const text of await page.getByRole('alert').allInnerTexts()) expect(text).not.toMatch(/\bat \S+:\d+:\d+/);
  // The same failure again is the same notice, not a second one; "Dismiss all" clears every notice.
  await page.getByRole('alert').evaluate((el) => el.setAttribute('data-seen', '1'));
  await page.getByLabel('Import videos').setInputFiles([fixture('truncated.mp4')]);
  // The new notice (a new element) has replaced the old one.
  await expect(page.locator('[role="alert"]:not([data-seen])')).toContainText('truncated.mp4: the file is incomplete', { timeout: 90_000 });
  await expect(page.getByRole('alert')).toHaveCount(1);
  await page.getByRole('button', { name: 'Dismiss all (2)' }).click();
  await expect(page.locator('.notices')).toHaveCount(0);
});
