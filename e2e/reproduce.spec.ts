// Reproduce LongVPO (issue #13) in Chromium: one click runs the small study end to end — demo
// import, Stage 1 and Stage 2 triples, SFT → Stage 1 → Stage 2 DPO, the held-out probe on each —
// and a reload mid-way continues it, keeping every finished step.
import { expect, test } from '@playwright/test';
import { storeRecords } from './studio';

test('one click runs the whole study; after a reload it continues with the finished steps kept', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/#/evaluate');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByTestId('reproduce-stage1')).toHaveAttribute('data-state', 'running', { timeout: 300_000 });
  await expect(page.getByTestId('reproduce-sft')).toHaveAttribute('data-state', 'done');
  await page.reload();
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
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

  // Stage 2 with Stage 1 replay from the study's Stage 1 (Train page): as many Stage 1 pairs as
  // Stage 2 ones join the data, and the run records the share.
  await page.getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByLabel('Stage', { exact: true }).selectOption('stage2');
  const form = page.getByRole('form', { name: 'Training settings' });
  await form.getByLabel('Stage 1 replay', { exact: true }).fill('1');
  await form.getByLabel('Steps', { exact: true }).fill('4');
  await form.getByLabel('Batch', { exact: true }).fill('4');
  await form.getByText('More settings').click();
  await form.getByLabel('Cache reference log-probs').uncheck();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-active')).toBeVisible();
  await expect(page.getByTestId('train-active')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  const triples = await storeRecords<{ stage: number }>(page, 'triples');
  const [n1, n2] = [1, 2].map((k) => triples.filter((t) => t.stage === k).length) as [number, number];
  const replayRun = (await storeRecords<{ stage: string; status: string; samples: number; config: { replay?: number; maxSteps: number } }>(page, 'runs')).find((r) => r.stage === 'stage2' && r.config.maxSteps === 4);
  expect(replayRun).toMatchObject({ status: 'done', samples: n2 + Math.min(n1, n2), config: { replay: 1 } });
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();

  // The curriculum recipe (question before and after the clips, then supervised steps on 2- and
  // 4-clip composites) starts the runs over and keeps the data. Its SFT records the layout, and
  // its 2-clip step starts from that SFT with the recipe's settings. Cancelled there: the rest is
  // the loop above.
  await page.getByLabel('Recipe', { exact: true }).selectOption('curriculum');
  await expect(page.getByLabel('Question', { exact: true })).toHaveValue('question-twice');
  // And the SFT questions in both wordings, on two training worlds, as the sixteen-world studies
  // asked them: the second world (seed 43) is generated and imported, synthesized apart, and both train.
  await page.getByLabel('SFT questions', { exact: true }).selectOption('both');
  await page.getByLabel('Training worlds', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  for (const step of ['demo', 'stage1-data', 'stage2-data']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  const videos = await storeRecords<{ id: string; name: string }>(page, 'videos');
  const worldOf = new Map(videos.map((v) => [v.id, /^world-s(\d+)-/.exec(v.name)?.[1]]));
  expect(new Set(worldOf.values())).toEqual(new Set(['42', '43']));
  // Every Stage 1 composite is of one world's clips; both worlds anchor some; Stage 2 covers both.
  type Body = { stage: number; body: { clips: { video: string; video_name: string }[] } };
  const worldTriples = await storeRecords<Body>(page, 'triples');
  for (const stage of [1, 2]) {
    const perTriple = worldTriples.filter((t) => t.stage === stage).map((t) => new Set(t.body.clips.map((c) => /^world-s(\d+)-/.exec(c.video_name)?.[1])));
    expect(perTriple.every((w) => w.size === 1)).toBe(true);
    expect(new Set(perTriple.map((w) => [...w][0]))).toEqual(new Set(['42', '43']));
  }
  await expect(page.getByTestId('reproduce-curriculum-4')).toHaveAttribute('data-state', 'waiting');
  await expect(page.getByTestId('reproduce-sft')).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('reproduce-curriculum-2')).toHaveAttribute('data-state', 'running', { timeout: 300_000 });
  type Run = { id: string; stage: string; status: string; initId?: string; model?: { layout?: string }; config: { compositeClips?: number; beta: number; lr: number } };
  const curriculumRun = async (): Promise<Run | undefined> => (await storeRecords<Run>(page, 'runs')).find((r) => r.config.compositeClips === 2);
  await expect.poll(curriculumRun, { timeout: 60_000 }).toBeTruthy();
  const runs = await storeRecords<Run>(page, 'runs');
  const sft = runs.find((r) => r.stage === 'sft' && r.model?.layout === 'question-twice');
  expect(sft?.status).toBe('done');
  const asked = (await storeRecords<{ runId: string; questionForm: string; samples: { id: string; clips: string[] }[] }>(page, 'runSftSamples')).find((r) => r.runId === sft?.id);
  expect(asked?.questionForm).toBe('both');
  expect(asked?.samples.some((q) => q.id.endsWith('-clip'))).toBe(true);
  // SFT asked the clips of both worlds (each of its own world's oracle).
  const sftWorlds = new Set(asked?.samples.map((q) => worldOf.get(q.clips[0]?.split('|')[0] ?? '')));
  expect(sftWorlds).toEqual(new Set(['42', '43']));
  const step2 = await curriculumRun();
  expect(step2).toMatchObject({ stage: 'stage1', config: { compositeClips: 2, beta: 1e-4, lr: 1e-3 } });
  expect(step2?.initId?.startsWith(`${sft?.id}@`)).toBe(true);
  await page.getByRole('region', { name: 'Reproduce LongVPO' }).getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Reproduce LongVPO', exact: true })).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  // After a reload the panel shows the stored study's recipe, layout and SFT wording, so a click continues that study.
  await page.reload();
  await expect(page.getByLabel('Recipe', { exact: true })).toHaveValue('curriculum');
  await expect(page.getByLabel('Question', { exact: true })).toHaveValue('question-twice');
  await expect(page.getByLabel('SFT questions', { exact: true })).toHaveValue('both');
  await expect(page.getByLabel('Training worlds', { exact: true })).toHaveValue('2');
  // One training world while the library holds two: refused (training reads the whole library),
  // before the stored study is touched — after a reload it is still the two-world one.
  await page.getByLabel('Training worlds', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('demo world of seed 43, outside this study');
  await page.reload();
  await expect(page.getByLabel('Training worlds', { exact: true })).toHaveValue('2');
});
