// Demo worlds of one seed and two sizes name their videos alike (world-s42-short-001.webm), and the
// oracle finds a clip's ground truth by its video's name: with the small world imported, neither
// Run demo nor Reproduce imports the full one (which would mislabel the small world's clips, and a
// full study would keep the small world's triples); both say why and what to do, and nothing is
// lost. "Remove demo worlds" deletes the demo videos and the triples citing them, keeping reviews.
import { expect, test } from '@playwright/test';
import { importSmallDemo, storeRecords, synthesizeStage1 } from './studio';

test('a demo world of another size is refused while the small one is in the library; Remove demo worlds clears the way', async ({ page }) => {
  test.setTimeout(300_000);
  await importSmallDemo(page);
  await synthesizeStage1(page, 12, /triples from \d+ clips/);
  const videos = (await storeRecords<{ name: string }>(page, 'videos')).length;
  const triples = (await storeRecords<{ id: string }>(page, 'triples')).length;
  expect(videos).toBe(9);
  expect(triples).toBeGreaterThan(0);

  // Run demo, full: refused by name and reason before anything is generated.
  await page.getByRole('link', { name: 'Library', exact: true }).click();
  await page.getByLabel('Size').selectOption('full');
  await page.getByRole('button', { name: 'Run demo' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('9 videos of the small demo world of seed 42 (world-s42-');
  await expect(alert).toContainText('Remove demo worlds');
  await alert.getByRole('button', { name: /Dismiss/ }).click();

  // Reproduce, full world: the same refusal at its first step.
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Reproduce LongVPO' });
  await panel.getByLabel('World', { exact: true }).selectOption('full');
  await panel.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByTestId('reproduce-demo')).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(page.getByRole('alert')).toContainText('small demo world of seed 42');
  expect((await storeRecords<{ name: string }>(page, 'videos')).length).toBe(videos);
  expect((await storeRecords<{ id: string }>(page, 'triples')).length).toBe(triples);

  // Remove demo worlds: the videos and their triples go, after a confirmation.
  await page.getByRole('link', { name: 'Library', exact: true }).click();
  page.once('dialog', (d) => {
    expect(d.message()).toContain('9 videos');
    void d.accept();
  });
  await page.getByRole('button', { name: 'Remove demo worlds' }).click();
  await expect(page.getByTestId('demo-removed')).toHaveText(`Removed 9 demo videos and ${triples} triples.`);
  expect(await storeRecords<{ name: string }>(page, 'videos')).toEqual([]);
  expect(await storeRecords<{ id: string }>(page, 'triples')).toEqual([]);
  await expect(page.getByRole('button', { name: 'Remove demo worlds' })).toBeDisabled();
});
