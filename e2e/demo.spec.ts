// "Run demo" (issue #4): the demo world is rendered and encoded into real WebM files in the
// browser, imported through the normal decode path, and its ground truth is the same as Node's.
import { expect, test, type Page } from '@playwright/test';
import { DEMO_SIZES } from '../src/core/demo';
import { buildWorld, worldFingerprint } from '../src/core/world';
import { storeRecords } from './studio';

const row = (page: Page, name: string) => page.locator(`[data-testid=video-row][data-name="${name}"]`);

test('Run demo makes real video files of the world, imports them, and matches Node’s ground truth', async ({ page }) => {
  test.setTimeout(300_000);
  const world = buildWorld(DEMO_SIZES.small.config);
  await page.goto('/#/library');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByLabel('Size').selectOption('small');
  await page.getByRole('button', { name: 'Run demo' }).click();
  const summary = page.getByTestId('demo-summary');
  // Same seed, same world: the browser's fingerprint (world JSON + first frame of every video) is Node's.
  await expect(summary).toContainText(`world fingerprint ${worldFingerprint(world)}`, { timeout: 120_000 });
  await expect(summary).toContainText(`${world.videos.length} videos (1 long)`);
  await expect(summary).toHaveAttribute('data-stage', 'done', { timeout: 240_000 });

  await expect(page.getByTestId('video-row')).toHaveCount(world.videos.length);
  for (const video of world.videos) {
    const r = row(page, video.fileName);
    // Decoded by WebCodecs from a real WebM file, one frame per second of the video.
    await expect(r.getByTestId('video-frames')).toHaveText(`${Math.ceil(video.durationS)} · webcodecs`);
    await expect(r).toContainText(/WebM · vp(8|09)/i);
    await expect(r).toContainText(`${world.config.width}×${world.config.height}`);
  }
  await expect(page.getByRole('alert')).toHaveCount(0);

  // The long video's scenes are told apart by the default embedder.
  const long = world.videos.find((v) => v.kind === 'long')!;
  await row(page, long.fileName).getByRole('button', { name: long.fileName, exact: true }).click();
  await expect(page.getByTestId('scene-count')).toContainText(`${long.scenes.length} scenes`);
});

test('with object tokens, the decoded long video is cut at its true scenes (the background histogram, not the object slots)', async ({ page }) => {
  test.setTimeout(300_000);
  const world = buildWorld(DEMO_SIZES.small.config);
  const long = world.videos.find((v) => v.kind === 'long')!;
  await page.goto('/#/library');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByTestId('pipeline-settings').locator('summary').click();
  await page.getByRole('radio', { name: /^Object tokens/ }).check();
  await page.getByRole('button', { name: 'Save import settings' }).click();
  await expect(page.getByTestId('pipeline-settings').locator('summary')).toContainText('object tokens (6 per clip)');
  await page.getByLabel('Size').selectOption('small');
  await page.getByRole('button', { name: 'Run demo' }).click();
  await expect(page.getByTestId('demo-summary')).toHaveAttribute('data-stage', 'done', { timeout: 240_000 });
  const video = (await storeRecords<{ id: string; name: string; segmentsKey: string }>(page, 'videos')).find((v) => v.name === long.fileName)!;
  expect(video.segmentsKey).toMatch(/-on0to64$/);
  // Every true cut, and no other (codec noise moved the object slots across the threshold inside scenes).
  const scenes = (await storeRecords<{ videoId: string; kind: string; startS: number }>(page, 'clips')).filter((c) => c.videoId === video.id && c.kind === 'scene');
  expect(scenes.map((s) => s.startS).sort((a, b) => a - b)).toEqual(long.scenes.map((s) => s.startS));
  await row(page, long.fileName).getByRole('button', { name: long.fileName, exact: true }).click();
  await expect(page.getByTestId('scene-count')).toContainText(`${long.scenes.length} scenes`);
});
