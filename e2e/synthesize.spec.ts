// Synthesize (issue #5) in Chromium on the real pipeline: the small demo world is generated,
// imported and embedded, then Stage 1 triples are synthesized with the oracle in the compute
// worker, stored in IndexedDB, exported in the three formats (each checked here in Node against
// the schema) and imported back; a malformed file stores nothing.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { importSmallDemo } from './studio';
import { DEMO_SIZES } from '../src/core/demo';
import { parseTriples } from '../src/core/triples/import';
import { LONGVPO_KEYS, TRL_KEYS } from '../src/core/triples/exports';
import { buildWorld } from '../src/core/world';

const dir = mkdtempSync(join(tmpdir(), 'longvpo-synth-'));

async function download(page: Page, button: RegExp): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return readFileSync(path, 'utf8');
}

test('Stage 1 from the demo world: balanced, filtered, stored, exported in three formats, imported back', async ({ page }) => {
  test.setTimeout(420_000);
  const world = buildWorld(DEMO_SIZES.small.config);
  await importSmallDemo(page);
  await expect(page.getByTestId('video-row')).toHaveCount(world.videos.length);

  await page.getByRole('link', { name: 'Synthesize', exact: true }).click();
  const panel = page.getByTestId('stage1-panel');
  await expect(panel).toContainText('the demo-world oracle');
  await panel.getByLabel('Triples').fill('12');
  await panel.getByLabel('Frame budget').selectOption('128');
  await panel.getByLabel('Frames per clip').fill('32'); // 8-s clips at 1 fps give 8: 16 clips per composite
  await panel.getByLabel('Seed').fill('7');

  // A bad value is explained and nothing runs.
  await panel.getByLabel('Frames per clip').fill('65');
  await panel.getByRole('button', { name: 'Synthesize Stage 1' }).click();
  await expect(panel.getByTestId('stage1-problems')).toContainText('Frames per clip must be a whole number from 1 to 64');
  await panel.getByLabel('Frames per clip').fill('32');

  // 512 frames of 8-frame clips need 64 clips: more than the small world has. Explained, nothing stored.
  await panel.getByLabel('Frame budget').selectOption('512');
  await panel.getByRole('button', { name: 'Synthesize Stage 1' }).click();
  await expect(page.getByRole('alert')).toContainText(/needs 64 clips .* but the library has \d+/);
  await expect(page.getByRole('alert')).toContainText('Lower the frame budget');
  await page.getByRole('alert').getByRole('button', { name: /Dismiss/i }).click();
  await panel.getByLabel('Frame budget').selectOption('128');

  await panel.getByRole('button', { name: 'Synthesize Stage 1' }).click();
  const summary = page.getByTestId('stage1-summary');
  await expect(summary).toContainText(/^12 of 12 triples from \d+ clips/, { timeout: 120_000 });
  await expect(summary).toContainText('16 clips × 8 frames per composite');
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Balanced anchor positions: 12 triples over 16 positions → no position twice.
  const bars = ((await page.getByTestId('position-histogram').getAttribute('aria-label')) ?? '').replace('Anchor positions: ', '').split(', ').map(Number);
  expect(bars).toHaveLength(16);
  expect(bars.reduce((a, b) => a + b, 0)).toBe(12);
  expect(Math.max(...bars) - Math.min(...bars)).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('triple-counts')).toHaveText('12 stored: 12 Stage 1, 0 Stage 2');
  await expect(page.getByTestId('triple-row').first()).toContainText('Chosen:');

  // Studio JSONL: every line passes the schema and the semantic checks.
  const studio = await download(page, /Export Studio JSONL/);
  const parsed = parseTriples(studio);
  expect(parsed.ok ? parsed.triples.length : parsed.errors).toBe(12);
  if (!parsed.ok) return;
  for (const t of parsed.triples) {
    expect(t.stage).toBe(1);
    expect(t.clips).toHaveLength(16);
    expect(t.clips[t.anchor_index!]!.role).toBe('anchor');
    expect(t.rejected).not.toBe(t.chosen);
    expect(t.provenance.generator).toBe('oracle');
    expect(t.filters.max_distractor_similarity).toBeLessThanOrEqual(t.filters.similarity_threshold!);
    // Distractors come from other videos; the small world has too few of those for 16 slots, so
    // clips of the anchor's own video fill in, never within 30 s of it (docs/stage1.md).
    const anchor = t.clips[t.anchor_index!]!;
    for (const c of t.clips.filter((c) => c.role === 'distractor' && c.video === anchor.video)) {
      expect(Math.max(c.start_s - anchor.end_s, anchor.start_s - c.end_s)).toBeGreaterThanOrEqual(30);
    }
  }
  // TRL and LongVPO rows have exactly their documented keys.
  const trl = (await download(page, /Export TRL/)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(trl).toHaveLength(12);
  expect(Object.keys(trl[0]!).sort()).toEqual([...TRL_KEYS].sort());
  const longvpo = (await download(page, /Export LongVPO/)).trim().split('\n');
  expect(Object.keys(JSON.parse(longvpo[0]!) as object).sort()).toEqual([...LONGVPO_KEYS].sort());

  // Same seed again adds nothing (ids are deterministic); it survives a reload.
  await panel.getByRole('button', { name: 'Synthesize Stage 1' }).click();
  await expect(summary).toContainText('(0 new, 12 already stored)', { timeout: 120_000 });
  await page.reload();
  await expect(page.getByTestId('triple-counts')).toHaveText('12 stored: 12 Stage 1, 0 Stage 2');

  // A malformed file: one alert with its line numbers, nothing stored.
  const lines = studio.trim().split('\n');
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, [lines[0], '{"id": "x", "stage": 3', lines[1]].join('\n'));
  await page.getByLabel('Import triple files').setInputFiles(bad);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('bad.jsonl was not imported');
  await expect(alert).toContainText('line 2');
  await expect(alert).not.toContainText(/\bat \S+:\d+/);
  await expect(page.getByTestId('triple-counts')).toHaveText('12 stored: 12 Stage 1, 0 Stage 2');

  // The studio file imports back whole after the store is emptied; release-style LongVPO rows import too.
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Delete all triples' }).click();
  await expect(page.getByTestId('triple-counts')).toHaveText('0 stored: 0 Stage 1, 0 Stage 2');
  const back = join(dir, 'back.jsonl');
  writeFileSync(back, studio);
  await page.getByLabel('Import triple files').setInputFiles(back);
  await expect(page.getByTestId('triples-import-result')).toContainText('back.jsonl: studio triples (JSONL), 12 triples imported');
  await expect(page.getByTestId('triple-counts')).toHaveText('12 stored: 12 Stage 1, 0 Stage 2');
  const release = join(dir, 'release.jsonl');
  writeFileSync(
    release,
    [
      { video: 'clips/a.mp4', task_type: 'anchored_qa', question: 'What colour is the ball?', chosen: 'Red.', rejected: 'Blue.' },
      { video: 'long/b.mp4', task_type: 'temporal_order', question: 'What appears after the cube leaves?', chosen: 'A red ball.', rejected: 'A green cone.' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
  await page.getByLabel('Import triple files').setInputFiles(release);
  await expect(page.getByTestId('triples-import-result')).toContainText('release.jsonl: LongVPO release rows, 2 triples imported');
  // anchored_qa reads as Stage 1, temporal_order as Stage 2 (docs/triples.md).
  await expect(page.getByTestId('triple-counts')).toHaveText('14 stored: 13 Stage 1, 1 Stage 2');
});
