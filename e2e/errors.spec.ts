import { expect, test } from '@playwright/test';

test('without IndexedDB the studio says why and what to do, and still computes', async ({ page }) => {
  // As in a browser that blocks site data: opening any database fails.
  await page.addInitScript(() => {
    IDBFactory.prototype.open = function open() {
      throw new DOMException('The user denied permission to access the database.', 'UnknownError');
    };
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto('/#/settings');

  const alert = page.getByRole('alert').filter({ hasText: 'Storage is unavailable' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('IndexedDB could not be opened');
  await expect(alert).toContainText('allow site data');
  await expect(alert).not.toContainText(/\bat \S+:\d+/); // no stack trace

  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await expect(page.getByTestId('diag-idb')).toContainText('unavailable');

  await alert.getByRole('button', { name: /Dismiss/ }).click();
  await expect(alert).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
