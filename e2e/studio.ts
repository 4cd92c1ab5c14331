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

/** Drags a lasso around the left half of the Review page's embedding map; the ids of the clips it selected. */
export async function lassoLeftHalf(page: Page): Promise<Set<string>> {
  const box = (await page.getByTestId('embedding-map').boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + 2);
  await page.mouse.down();
  for (const [x, y] of [[box.width / 2, 2], [box.width / 2, box.height - 2], [2, box.height - 2], [2, 4]] as const) await page.mouse.move(box.x + x, box.y + y, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByRole('button', { name: /Clear map selection/ })).toBeVisible();
  return new Set(await page.locator('[data-testid=embedding-map] circle[data-selected=true]').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-clip-id') ?? '')));
}

/** Every record of one store of the studio's IndexedDB, read in the page. */
export function storeRecords<T>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (name) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(name).objectStore(name).getAll();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result as T[]);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}
