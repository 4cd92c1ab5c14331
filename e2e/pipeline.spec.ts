// Import settings (issue #3): sampling rate, clip length and a custom TF.js graph model by URL,
// applied to a stored video with "Update" — clips only when only they changed, new frames and
// embeddings when the rate or the model changed.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fixture } from './fixtures';

const row = (page: Page, name: string) => page.locator(`[data-testid=video-row][data-name="${name}"]`);
const MODEL_DIR = resolve('node_modules/nsfwjs/dist/models/mobilenet_v2_mid');
const OUTPUT_NODE =
  'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze';

/** The UMD modules of nsfwjs's model: `model.json` and its two base64 weight shards. */
function umdValue(file: string): unknown {
  const module = { exports: {} as unknown };
  new Function('module', 'exports', readFileSync(resolve(MODEL_DIR, file), 'utf8'))(module, module.exports);
  return module.exports;
}

/** Serves that model as a plain TF.js graph model (model.json + .bin shards) on this origin. */
async function serveModel(page: Page) {
  const json = JSON.stringify(umdValue('model.min.js'));
  const shards = ['group1-shard1of2', 'group1-shard2of2'].map((s) => Buffer.from(String(umdValue(`${s}.min.js`)), 'base64'));
  await page.route('**/test-models/mnv2/model.json', (r) => r.fulfill({ body: json, contentType: 'application/json' }));
  await page.route('**/test-models/mnv2/group1-shard*', (r) => r.fulfill({ body: shards[r.request().url().includes('shard1of2') ? 0 : 1], contentType: 'application/octet-stream' }));
}

async function saveSettings(page: Page, fields: Record<string, string>) {
  const form = page.getByRole('form', { name: 'Import settings' });
  if (!(await form.isVisible())) await page.getByTestId('pipeline-settings').locator('summary').click();
  for (const [label, value] of Object.entries(fields)) await form.getByLabel(label).fill(value);
  await form.getByRole('button', { name: 'Save import settings' }).click();
}

test('import settings: clip length re-segments, a new rate and a URL model re-sample; bad values and a dead URL are explained', async ({ page }) => {
  test.setTimeout(240_000);
  await serveModel(page);
  await page.goto('/#/library');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByLabel('Import videos').setInputFiles(fixture('h264.mp4'));
  const frames = row(page, 'h264.mp4').getByTestId('video-frames');
  await expect(frames).toHaveText('12 · webcodecs', { timeout: 60_000 });
  await row(page, 'h264.mp4').getByRole('button', { name: 'h264.mp4', exact: true }).click();
  const clips = page.getByRole('listbox', { name: 'Clips' }).getByRole('option');
  await expect(clips).toHaveText(['0–8 s', '8–12 s']);
  const update = row(page, 'h264.mp4').getByRole('button', { name: /^Update h264.mp4/ });
  await expect(update).toHaveCount(0);

  // Bad values: named, and nothing saved.
  await page.getByTestId('pipeline-settings').locator('summary').click();
  const form = page.getByRole('form', { name: 'Import settings' });
  await form.getByLabel('Sampling rate').fill('0');
  await expect(page.getByTestId('pipeline-problems')).toContainText('Sampling rate must be between 0.1 and 10');
  await expect(form.getByRole('button', { name: 'Save import settings' })).toBeDisabled();
  await form.getByRole('button', { name: 'Discard changes' }).click();

  // Clip length only: clips recomputed, frames untouched.
  await saveSettings(page, { 'Clip length': '4' });
  await expect(page.getByTestId('pipeline-settings').locator('summary')).toContainText('4 s clips');
  await update.click();
  await expect(clips).toHaveText(['0–4 s', '4–8 s', '8–12 s']);
  await expect(update).toHaveCount(0);
  await expect(frames).toHaveText('12 · webcodecs');

  // A new rate: sampled again.
  await saveSettings(page, { 'Sampling rate': '2' });
  await update.click();
  await expect(frames).toHaveText('24 · webcodecs', { timeout: 60_000 });
  await expect(row(page, 'h264.mp4').getByTestId('video-embeddings')).toHaveText('24 × 1792');
  await expect(page.getByTestId('filmstrip-count')).toContainText('24 sampled frames');

  // Object tokens (no network): each of the 24 decoded frames segmented into 6 tokens of 99.
  await page.getByTestId('pipeline-settings').locator('summary').click();
  await page.getByRole('radio', { name: /^Object tokens/ }).check();
  await form.getByRole('button', { name: 'Save import settings' }).click();
  await expect(page.getByTestId('pipeline-settings').locator('summary')).toContainText('object tokens (6 per clip)');
  await update.click();
  await expect(row(page, 'h264.mp4').getByTestId('video-embeddings')).toHaveAttribute('title', /^pixels:object-tokens-v4/, { timeout: 60_000 });
  await expect(row(page, 'h264.mp4').getByTestId('video-embeddings')).toHaveText('24 × 594');

  // The settings survive a reload.
  await page.reload();
  await expect(page.getByTestId('pipeline-settings').locator('summary')).toContainText('2 fps · 4 s clips');

  // A TF.js graph model by URL (served on this origin): embedded again with its id.
  await page.getByTestId('pipeline-settings').locator('summary').click();
  await page.getByRole('radio', { name: /TF\.js graph model by URL/ }).check();
  await form.getByLabel('model.json URL').fill('/test-models/mnv2/model.json');
  await form.getByLabel('Output node').fill(OUTPUT_NODE);
  await form.getByRole('button', { name: 'Save import settings' }).click();
  await expect(page.getByTestId('pipeline-settings').locator('summary')).toContainText('custom model');
  await update.click();
  await expect(row(page, 'h264.mp4').getByTestId('video-embeddings')).toHaveAttribute('title', /^url:\/test-models\/mnv2\/model\.json#/, { timeout: 90_000 });
  await expect(row(page, 'h264.mp4').getByTestId('video-embeddings')).toHaveText('24 × 1792');

  // A dead URL: a clear error, and the video keeps what it had.
  await page.getByTestId('pipeline-settings').locator('summary').click();
  await form.getByLabel('model.json URL').fill('/test-models/missing/model.json');
  await form.getByRole('button', { name: 'Save import settings' }).click();
  await update.click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Could not load the embedding model from', { timeout: 30_000 });
  await expect(alert).toContainText('TF.js graph model');
  await expect(alert).not.toContainText(/\bat \S+:\d+:\d+/); // no stack trace
  await expect(frames).toContainText('24');
  await row(page, 'h264.mp4').getByRole('button', { name: 'h264.mp4', exact: true }).click();
  await expect(page.getByTestId('filmstrip-count')).toContainText('24 sampled frames');
});
