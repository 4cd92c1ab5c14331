// Train (issue #12) in Chromium with real IndexedDB and the compute worker: the small demo world
// is imported, Stage 1 triples synthesized, then SFT and Stage 1 DPO train in the worker with live
// charts; Stage 1 is paused, the page reloaded, the run resumed, and its metrics must equal an
// uninterrupted run's with the same seed (1e-3 relative). A checkpoint downloads as safetensors.
// The SFT run asks both wordings of its questions, is paused, reloaded and resumed on the questions
// stored with it.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { importSmallDemo, storeRecords, synthesizeStage1 } from './studio';
import { DEMO_SIZES } from '../src/core/demo';
import { decodeCheckpoint } from '../src/core/train/checkpointFile';

async function storedMetrics(page: Page, runId: string): Promise<Record<string, number>[]> {
  return page.evaluate(
    (id) =>
      new Promise<Record<string, number>[]>((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('runMetrics').objectStore('runMetrics').index('byRun').getAll(id);
          req.onsuccess = () => {
            resolve((req.result as { step: number; metrics: Record<string, number> }[]).sort((a, b) => a.step - b.step).map((r) => r.metrics));
            open.result.close();
          };
          req.onerror = () => reject(req.error);
        };
      }),
    runId,
  );
}

/** The questions stored with an SFT run (IndexedDB `runSftSamples`). */
async function storedSftSamples(page: Page, runId: string): Promise<{ questionForm: string; samples: { id: string; question: string; answer: string }[] } | undefined> {
  return page.evaluate(
    (id) =>
      new Promise<{ questionForm: string; samples: { id: string; question: string; answer: string }[] } | undefined>((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('runSftSamples').objectStore('runSftSamples').get(id);
          req.onsuccess = () => {
            resolve(req.result as { questionForm: string; samples: { id: string; question: string; answer: string }[] } | undefined);
            open.result.close();
          };
          req.onerror = () => reject(req.error);
        };
      }),
    runId,
  );
}

async function runIdOfRow(page: Page, index: number): Promise<string> {
  const id = await page.getByRole('table', { name: 'Runs' }).locator('tbody tr').nth(index).getAttribute('data-testid');
  return (id ?? '').replace(/^run-/, '');
}

async function fill(page: Page, label: string, value: string): Promise<void> {
  await page.getByRole('form', { name: 'Training settings' }).getByLabel(label, { exact: true }).fill(value);
}

test('SFT then Stage 1 DPO in the browser: live metrics, pause, reload, resume equals an uninterrupted run; checkpoints download', async ({ page }) => {
  test.setTimeout(600_000);
  await importSmallDemo(page);
  await synthesizeStage1(page, 24, /triples from \d+ clips/);

  // SFT: single-clip questions on the clips kept for SFT; 48 steps, checkpoints every 8.
  await page.getByRole('link', { name: 'Train', exact: true }).click();
  await expect(page.getByText('No runs yet.')).toBeVisible();
  await fill(page, 'Steps', '48');
  await fill(page, 'Checkpoint every', '8');
  // The question-twice layout here (the default clips-first trains in reproduce.spec.ts and
  // regions.spec.ts): the checkpoint records it, and Stage 1 and evaluation inherit it.
  await page.getByRole('form', { name: 'Training settings' }).getByLabel('Layout').selectOption('question-twice');
  // Both wordings of each question: anchored to the clip's scene, and without it where the oracle can.
  await page.getByRole('form', { name: 'Training settings' }).getByLabel('SFT questions').selectOption('both');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-active')).toBeVisible();
  await expect(page.getByTestId('chart-loss')).toBeVisible({ timeout: 60_000 });
  const sftId = await runIdOfRow(page, 0);
  // The questions asked at the start are stored with the run; a pause, a reload and a resume train on them.
  await expect.poll(async () => Number((await page.getByTestId('train-active').getByRole('progressbar').getAttribute('aria-valuenow')) ?? 0), { timeout: 120_000, intervals: [50] }).toBeGreaterThanOrEqual(3);
  await page.keyboard.press('p');
  await expect(page.getByTestId('train-active')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId(`run-${sftId}`).getByTestId('run-status')).toHaveText('paused');
  const asked = await storedSftSamples(page, sftId);
  expect(asked?.questionForm).toBe('both');
  const clipOnly = asked?.samples.filter((s) => s.id.endsWith('-clip')) ?? [];
  expect(clipOnly.length).toBeGreaterThan(0);
  for (const s of clipOnly) expect(s.question).not.toMatch(/background/);
  const anchored = new Set(asked?.samples.filter((s) => !s.id.endsWith('-clip')).map((s) => s.id));
  for (const s of clipOnly) expect(anchored.has(s.id.replace(/-clip$/, ''))).toBe(true);
  await page.reload();
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByTestId(`run-${sftId}`).getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId(`run-${sftId}`).getByTestId('run-status')).toHaveText('done', { timeout: 240_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(await storedSftSamples(page, sftId)).toEqual(asked);
  const sftMetrics = await storedMetrics(page, sftId);
  expect(sftMetrics.map((m) => m.step)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
  expect(sftMetrics.at(-1)!.loss).toBeLessThan((sftMetrics[0]!.loss as number) * 0.7);
  await expect(page.getByTestId(`ckpt-${sftId}@000048`)).toBeVisible();
  await expect(page.getByTestId(`ckpt-${sftId}@000040`)).toBeVisible();

  // The checkpoint downloads as one safetensors file with the run's state.
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Download ${sftId}@000048` }).click()]);
  const ckpt = decodeCheckpoint(new Uint8Array(readFileSync((await file.path()) as string)));
  expect(ckpt.meta.step).toBe(48);
  expect(ckpt.meta.config.stage).toBe('sft');
  expect(ckpt.meta.model.layout).toBe('question-twice');
  expect(Object.keys(ckpt.weights)).toContain('lm_head.weight');

  // Stage 1 from the SFT checkpoint, 40 steps (enough that a pause lands mid-run on a fast machine): paused, reloaded, resumed.
  await page.getByLabel('Stage', { exact: true }).selectOption('stage1');
  await expect(page.getByLabel('Initial checkpoint')).toHaveValue(`${sftId}@000048`);
  await fill(page, 'Steps', '40');
  await fill(page, 'Checkpoint every', '4');
  await fill(page, 'Batch', '4');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('chart-rewards')).toBeVisible({ timeout: 120_000 });
  const pausedId = await runIdOfRow(page, 0);
  await expect.poll(async () => Number((await page.getByTestId('train-active').getByRole('progressbar').getAttribute('aria-valuenow')) ?? 0), { timeout: 120_000, intervals: [50] }).toBeGreaterThanOrEqual(5);
  await page.keyboard.press('p'); // Pause: the worker checkpoints the current step
  await expect(page.getByTestId('train-active')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId(`run-${pausedId}`).getByTestId('run-status')).toHaveText('paused');
  await page.reload();
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  const row = page.getByTestId(`run-${pausedId}`);
  await expect(row.getByTestId('run-status')).toHaveText('paused');
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row.getByTestId('run-status')).toHaveText('done', { timeout: 240_000 });
  const resumed = await storedMetrics(page, pausedId);
  expect(resumed.map((m) => m.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

  // The same settings again, uninterrupted: the resumed run's metrics must match.
  await page.getByLabel('Stage', { exact: true }).selectOption('stage1');
  await page.getByLabel('Initial checkpoint').selectOption(`${sftId}@000048`);
  await fill(page, 'Steps', '40');
  await fill(page, 'Checkpoint every', '4');
  await fill(page, 'Batch', '4');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-active')).toBeVisible();
  await expect(page.getByTestId('train-active')).toHaveCount(0, { timeout: 240_000 });
  const straightId = await runIdOfRow(page, 0);
  expect(straightId).not.toBe(pausedId);
  const straight = await storedMetrics(page, straightId);
  expect(straight).toHaveLength(40);
  for (const key of ['loss', 'rewards/margins', 'logps/chosen', 'grad_norm']) {
    straight.forEach((m, i) => {
      const want = m[key] as number;
      expect(Math.abs((resumed[i]![key] as number) - want)).toBeLessThanOrEqual(1e-3 * Math.abs(want) + 1e-6);
    });
  }
  const [file1] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Download ${straightId}@000040` }).click()]);
  expect(decodeCheckpoint(new Uint8Array(readFileSync((await file1.path()) as string))).meta.model.layout).toBe('question-twice');
  // Learning itself is tested in Node (src/ml/train/trainer.test.ts); here every step must be finite.
  for (const m of straight) expect(Number.isFinite(m.loss) && Number.isFinite(m['rewards/margins'])).toBe(true);
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Evaluate (issue #13): the held-out probe on a small world of another seed, for SFT and Stage 1.
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();
  await page.getByLabel('Lengths').fill('1,4');
  // Anchors out of range are refused by name before anything runs; a valid value sizes the probe.
  await page.getByLabel('Anchors', { exact: true }).fill('0');
  await page.getByRole('button', { name: `Evaluate ${sftId}`, exact: true }).click();
  const refused = page.getByRole('alert');
  await expect(refused).toContainText('Anchors must be a whole number from 1 to 1000 (got 0)');
  await refused.getByRole('button', { name: /Dismiss/ }).click();
  await page.getByLabel('Anchors', { exact: true }).fill('5');
  for (const id of [sftId, straightId]) {
    await page.getByRole('button', { name: `Evaluate ${id}`, exact: true }).click();
    await expect(page.getByRole('button', { name: `Evaluate ${id}`, exact: true })).toHaveText('Evaluate again', { timeout: 180_000 });
  }
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('accuracy-chart')).toBeVisible();
  await expect(page.getByTestId(`eval-run-${sftId}`)).toContainText(/\d+\.\d \[\d+\.\d, \d+\.\d\]/);
  await page.getByTestId('heat-4-0').click();
  await expect(page.getByTestId('cell-items')).toContainText('(correct)');
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const evaluations = JSON.parse(readFileSync((await json.path()) as string, 'utf8')) as { run: string; held_out_seed: number; max_anchors: number; report: { anchors: number }; summed: { byLength: Record<string, { n: number; accuracy: number }> }; stage2: Record<'full' | 'cited', { n: number; correct: number; accuracy: number }> | null }[];
  expect(evaluations.map((e) => e.run).sort()).toEqual([sftId, straightId].sort());
  for (const e of evaluations) {
    expect(e.held_out_seed).toBe(1042);
    expect(e.max_anchors).toBe(5);
    expect(e.report.anchors).toBe(5);
    expect(e.summed.byLength['4']!.n).toBeGreaterThan(8);
    expect(e.summed.byLength['4']!.accuracy).toBeGreaterThanOrEqual(0);
    // The Stage 2 probe on the held-out world's long video: the same questions with both contexts.
    expect(e.stage2?.full.n).toBeGreaterThan(0);
    expect(e.stage2?.cited.n).toBe(e.stage2?.full.n);
    expect(e.stage2!.full.accuracy).toBeCloseTo(e.stage2!.full.correct / e.stage2!.full.n, 9);
  }
  await expect(page.getByTestId(`stage2-full-${sftId}`)).toContainText(/\d+\.\d \[\d+\.\d, \d+\.\d\] n \d+/);
  await expect(page.getByRole('table', { name: 'Stage 2 probe by task' })).toBeVisible();
  // Scored per token too (summed scoring favours the shorter answer): the same questions, in the export and on the page.
  for (const e of evaluations as unknown as { stage2: { full: { n: number } }; stage2_length_normalised: Record<'full' | 'cited', { n: number; correct: number; accuracy: number }> | null }[]) {
    expect(e.stage2_length_normalised?.full.n).toBe(e.stage2.full.n);
    expect(e.stage2_length_normalised!.cited.accuracy).toBeCloseTo(e.stage2_length_normalised!.cited.correct / e.stage2.full.n, 9);
  }
  await expect(page.getByTestId('stage2-per-token')).toHaveText(/^per token: full video \d+\.\d \[\d+\.\d, \d+\.\d\], cited scenes \d+\.\d \[\d+\.\d, \d+\.\d\]$/);
  // The paired change of Stage 1 against SFT (the default baseline) is the difference of the two runs' accuracies.
  const acc = (run: string, l: string): number => evaluations.find((e) => e.run === run)!.summed.byLength[l]!.accuracy;
  const diff4 = 100 * (acc(straightId, '4') - acc(sftId, '4'));
  await expect(page.getByTestId(`paired-${straightId}`)).toContainText(`${diff4 >= 0 ? '+' : '−'}${Math.abs(diff4).toFixed(1)} [`);
  await expect(page.getByTestId(`paired-${straightId}`)).toContainText(/p [=<] \d/);
  // The best − worst anchor position at the longest length (4 here): each run's gap is the range of
  // its position row, beside the shuffled-position noise floor, and Stage 1's change against SFT.
  type Cells = { byLengthPosition: Record<string, { accuracy: number }[]> };
  const positionRow = (run: string): number[] => (evaluations.find((e) => e.run === run) as unknown as { summed: Cells }).summed.byLengthPosition['4']!.map((c) => 100 * c.accuracy);
  await expect(page.getByRole('heading', { name: 'Best − worst anchor position at 4 clips' })).toBeVisible();
  for (const id of [sftId, straightId]) {
    const cells = page.getByTestId(`position-gap-${id}`).locator('td');
    await expect(cells.nth(0)).toHaveText(positionRow(id).map((a) => a.toFixed(1)).join(' / '));
    await expect(cells.nth(1)).toHaveText(new RegExp(`^${(Math.max(...positionRow(id)) - Math.min(...positionRow(id))).toFixed(1)} \\[\\d+\\.\\d, \\d+\\.\\d\\]$`));
    await expect(cells.nth(2)).toHaveText(/^\d+\.\d · [01]\.\d\d$/);
  }
  await expect(page.getByTestId(`position-gap-${sftId}`).locator('td').nth(3)).toHaveText('baseline');
  const gapChange = Math.max(...positionRow(straightId)) - Math.min(...positionRow(straightId)) - (Math.max(...positionRow(sftId)) - Math.min(...positionRow(sftId)));
  await expect(page.getByTestId(`position-gap-${straightId}`).locator('td').nth(3)).toHaveText(new RegExp(`^${Math.abs(gapChange) < 0.05 ? '[+−]' : gapChange > 0 ? '\\+' : '−'}${Math.abs(gapChange).toFixed(1)} \\[[+−]\\d+\\.\\d, [+−]\\d+\\.\\d\\]$`));
  // The family table has a column per length; its cells' n add up to the length's n.
  const families = page.getByRole('table', { name: 'Accuracy by question family' });
  await expect(families.getByRole('columnheader')).toHaveText(['family', 'all lengths', '1 clip', '4 clips', 'n']);
  for (const e of evaluations as unknown as { summed: { byLength: Record<string, { n: number }>; byLengthFamily: Record<string, Record<string, { n: number }>> } }[])
    for (const l of ['1', '4']) expect(Object.values(e.summed.byLengthFamily[l] ?? {}).reduce((n, p) => n + p.n, 0)).toBe(e.summed.byLength[l]?.n);
  await expect(families.locator('tbody tr').first().locator('td').nth(2)).toHaveText(/^\d+\.\d$|^—$/);
  // The question-only baseline: the same items with the clips hidden, and what looking adds.
  await page.getByRole('button', { name: `Evaluate ${straightId} blind`, exact: true }).click();
  const looking = page.getByTestId(`looking-${straightId}`);
  await expect(looking).toBeVisible({ timeout: 180_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  const [json2] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  type WithBlind = { run: string; checkpoint: string; summed: { byLength: Record<string, { n: number; accuracy: number }> }; blind: { checkpoint: string; summed: { byLength: Record<string, { n: number; accuracy: number }> } } | null };
  const withBlind = (JSON.parse(readFileSync((await json2.path()) as string, 'utf8')) as WithBlind[]).find((e) => e.run === straightId)!;
  expect(withBlind.blind?.checkpoint).toBe(withBlind.checkpoint);
  expect(withBlind.blind?.summed.byLength['4']?.n).toBe(withBlind.summed.byLength['4']?.n);
  const blind4 = withBlind.blind!.summed.byLength['4']!.accuracy;
  const adds4 = 100 * (withBlind.summed.byLength['4']!.accuracy - blind4);
  await expect(looking).toContainText(`${(100 * blind4).toFixed(1)} · ${adds4 >= 0 ? '+' : '−'}${Math.abs(adds4).toFixed(1)} [`);
  // Only the anchor hidden: what reading the anchor adds. At one clip the anchor is the whole
  // input, so that score is the blind one; at four the distractors are still seen.
  await page.getByRole('button', { name: `Evaluate ${straightId} with the anchor hidden`, exact: true }).click();
  const reading = page.getByTestId(`reading-${straightId}`);
  await expect(reading).toBeVisible({ timeout: 180_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  const [json3] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  type WithHidden = WithBlind & { anchor_hidden: { checkpoint: string; summed: { byLength: Record<string, { n: number; accuracy: number }> } } | null };
  const withHidden = (JSON.parse(readFileSync((await json3.path()) as string, 'utf8')) as WithHidden[]).find((e) => e.run === straightId)!;
  expect(withHidden.anchor_hidden?.checkpoint).toBe(withHidden.checkpoint);
  expect(withHidden.anchor_hidden?.summed.byLength['1']).toEqual(withHidden.blind?.summed.byLength['1']);
  expect(withHidden.anchor_hidden?.summed.byLength['4']?.n).toBe(withHidden.summed.byLength['4']?.n);
  const hidden4 = withHidden.anchor_hidden!.summed.byLength['4']!.accuracy;
  const reads4 = 100 * (withHidden.summed.byLength['4']!.accuracy - hidden4);
  await expect(reading).toContainText(`${(100 * hidden4).toFixed(1)} · ${reads4 >= 0 ? '+' : '−'}${Math.abs(reads4).toFixed(1)} [`);
  // The library's own demo world cannot serve as held-out data.
  await page.getByLabel('Held-out world seed').fill(String(DEMO_SIZES.small.config.seed ?? 42));
  await page.getByRole('button', { name: `Evaluate ${sftId}`, exact: true }).click();
  await expect(page.getByRole('alert')).toContainText("is the library's demo world");
  if (process.env.TRAIN_SCREENSHOT) await page.screenshot({ path: process.env.TRAIN_SCREENSHOT, fullPage: true });

  // The spread recipe's step: Stage 1 with two clips kept over every slot of the composites. Refused
  // by name without clips per composite; then the run reads composites as long as the full ones,
  // so each of its steps holds as many tokens as the uninterrupted run's same step (same seed, same
  // batches), while a cut to two clips holds fewer.
  await page.getByRole('alert').getByRole('button', { name: /Dismiss/ }).click();
  await page.getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByLabel('Stage', { exact: true }).selectOption('stage1');
  await page.getByLabel('Initial checkpoint').selectOption(`${sftId}@000048`);
  await fill(page, 'Steps', '3');
  await fill(page, 'Batch', '4');
  await page.getByLabel('Keep every slot').check();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-problems')).toContainText('Keep every slot needs 2 or more clips per composite');
  type StoredRun = { id: string; status: string; samples?: number; config: { compositeClips?: number; keepSlots?: boolean; singleClip?: number } };
  const tokensPerStep = async (id: string): Promise<number[]> => (await storedMetrics(page, id)).slice(0, 3).map((m) => Math.round(m.tokens_per_s! * m.step_time_s!));
  const trainStage1 = async (clips: string, keep: boolean): Promise<StoredRun> => {
    await fill(page, 'Clips per composite', clips);
    await page.getByLabel('Keep every slot').setChecked(keep);
    const before = new Set((await storeRecords<StoredRun>(page, 'runs')).map((r) => r.id));
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(async () => (await storeRecords<StoredRun>(page, 'runs')).find((r) => !before.has(r.id))?.status, { timeout: 120_000 }).toBe('done');
    return (await storeRecords<StoredRun>(page, 'runs')).find((r) => !before.has(r.id))!;
  };
  const spread = await trainStage1('2', true);
  expect(spread.config).toMatchObject({ compositeClips: 2, keepSlots: true });
  const cut = await trainStage1('2', false);
  expect(cut.config.keepSlots).toBe(false);
  const full = await tokensPerStep(straightId);
  expect(await tokensPerStep(spread.id)).toEqual(full);
  (await tokensPerStep(cut.id)).forEach((t, i) => expect(t).toBeLessThan(full[i]!));
  // Single-clip pairs: half the Stage 1 pairs once more with the anchor alone (composites as synthesized).
  await fill(page, 'Single-clip pairs', '0.5');
  const single = await trainStage1('0', false);
  const straightSamples = (await storeRecords<StoredRun>(page, 'runs')).find((r) => r.id === straightId)!.samples!;
  expect(single.config.singleClip).toBe(0.5);
  expect(single.samples).toBe(straightSamples + Math.round(0.5 * straightSamples));
  await expect(page.getByRole('alert')).toHaveCount(0);
});
