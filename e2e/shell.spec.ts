import { expect, test, type ConsoleMessage, type Page } from '@playwright/test';

/** Collects console errors and uncaught page errors; a clean page has none. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('loads with no console errors and picks a backend', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  const chip = page.getByTestId('backend-chip');
  await expect(chip).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await expect(chip).not.toHaveAttribute('data-backend', '');
  expect(errors).toEqual([]);
});

test('navigates between every section by click and by keyboard', async ({ page }) => {
  await page.goto('/');
  for (const name of ['Library', 'Synthesize', 'Review', 'Train', 'Evaluate', 'Settings']) {
    await page.getByRole('link', { name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`#/${name.toLowerCase()}$`));
  }
  await page.keyboard.press('3');
  await expect(page.getByRole('heading', { level: 1, name: 'Review' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});
