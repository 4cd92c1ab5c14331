import { expect, test } from '@playwright/test';

test('an override is stored in IndexedDB and survives a reload', async ({ page }) => {
  await page.goto('/#/settings');
  const chip = page.getByTestId('backend-chip');
  await expect(chip).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });

  await page.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await expect(chip).toHaveAttribute('data-backend', 'cpu', { timeout: 30_000 });
  await expect(chip).toContainText('override');

  await page.reload();
  await expect(chip).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await expect(chip).toHaveAttribute('data-backend', 'cpu');
  await expect(page.getByLabel('Backend', { exact: true })).toHaveValue('cpu');

  // Back to automatic: the stored measurement is reused without probing again.
  await page.getByLabel('Backend', { exact: true }).selectOption('auto');
  await expect(chip).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
  await page.reload();
  await expect(chip).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
  await expect(page.getByTestId('backend-measured')).toContainText('Remembered from');
});

test('the stored record is in real IndexedDB, readable by the page', async ({ page }) => {
  await page.goto('/#/settings');
  const chip = page.getByTestId('backend-chip');
  await expect(chip).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  // The probe's pick (wasm here, but a loaded machine can time webgl faster): what the chip shows.
  const chosen = await chip.getAttribute('data-backend');
  const stored = await page.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('settings').objectStore('settings').get('rememberedBackend');
          get.onsuccess = () => resolve((get.result as { value: { backend: string } } | undefined)?.value.backend);
          get.onerror = () => reject(get.error);
        };
      }),
  );
  expect(chosen).toMatch(/^(wasm|webgl|webgpu|cpu)$/);
  expect(stored).toBe(chosen);
});
