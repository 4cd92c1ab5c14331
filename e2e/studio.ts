// Steps many browser tests start with, written once: open the Library with the compute backend
// ready, run the small demo (rendered, encoded and imported through the real decode path), and
// synthesize Stage 1 triples on it.
import { expect, type Page } from '@playwright/test';

/** Library page, backend ready, the small demo imported. */
export async function importSmallDemo(page: Page): Promise<void> {
  await page.goto('/#/library');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByLabel('Size').selectOption('small');
  await page.getByRole('button', { name: 'Run demo' }).click();
  await expect(page.getByTestId('demo-summary')).toHaveAttribute('data-stage', 'done', { timeout: 300_000 });
}

/** Synthesize page, Stage 1: `count` triples at the 128-frame budget; waits for the summary to match `summary`. */
export async function synthesizeStage1(page: Page, count: number, summary: RegExp = new RegExp(`^${count} of ${count} triples`)): Promise<void> {
  await page.getByRole('link', { name: 'Synthesize', exact: true }).click();
  const s1 = page.getByTestId('stage1-panel');
  await s1.getByLabel('Triples').fill(String(count));
  await s1.getByLabel('Frame budget').selectOption('128');
  await s1.getByRole('button', { name: 'Synthesize Stage 1' }).click();
  await expect(page.getByTestId('stage1-summary')).toContainText(summary, { timeout: 120_000 });
}
