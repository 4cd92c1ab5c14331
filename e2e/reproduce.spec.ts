// Reproduce LongVPO (issue #13) in Chromium: one click runs the small study end to end — demo
// import, Stage 1 and Stage 2 triples, SFT → Stage 1 → Stage 2 DPO, the held-out probe on each —
// and a reload mid-way continues it, keeping every finished step.
import { expect, test } from '@playwright/test';

test('one click runs the whole study; after a reload it continues with the finished steps kept', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/#/evaluate');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Reproduce LongVPO' }).click();
  await expect(page.getByTestId('reproduce-stage1')).toHaveAttribute('data-state', 'running', { timeout: 300_000 });
  await expect(page.getByTestId('reproduce-sft')).toHaveAttribute('data-state', 'done');
  await page.reload();
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Reproduce LongVPO' }).click();
  for (const step of ['demo', 'stage1-data', 'stage2-data', 'sft']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'kept', { timeout: 60_000 });
  await expect(page.getByTestId('reproduce-hidden-stage2')).toHaveAttribute('data-state', 'done', { timeout: 400_000 });
  await expect(page.getByTestId('reproduce-blind-stage2')).toHaveAttribute('data-state', 'done');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('accuracy-chart')).toBeVisible();
  const table = page.getByRole('table', { name: 'Runs to evaluate' });
  await expect(table.getByRole('button').filter({ hasText: 'Evaluate again' })).toHaveCount(3);
  await expect(page.getByRole('table', { name: 'Accuracy by length and anchor position' })).toBeVisible();
  // Every run was also scored with the clips hidden: what looking adds, per run.
  await expect(page.getByRole('table', { name: 'What looking at the clips adds' }).locator('tbody tr')).toHaveCount(3);
  await expect(page.getByRole('table', { name: 'What looking at the clips adds' })).toContainText(/\d+\.\d · [+−]\d+\.\d \[/);
  // And with only the anchor hidden: what reading the anchor adds, per run.
  await expect(page.getByRole('table', { name: 'What reading the anchor adds' }).locator('tbody tr')).toHaveCount(3);
  await expect(page.getByRole('table', { name: 'What reading the anchor adds' })).toContainText(/\d+\.\d · [+−]\d+\.\d \[/);
});
