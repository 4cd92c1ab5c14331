// Reproduce LongVPO (issue #13) in Chromium: one click runs the small study end to end — demo
// import, Stage 1 and Stage 2 triples, SFT → Stage 1 → Stage 2 DPO, the held-out probe on each —
// and a reload mid-way continues it, keeping every finished step.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { storeRecords } from './studio';
import { DEMO_SIZES } from '../src/core/demo';
import { buildWorld } from '../src/core/world';

test('one click runs the whole study; after a reload it continues with the finished steps kept', async ({ page }) => {
  test.setTimeout(900_000);
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
  // The Stage 2 probe has its column too: each run's stored blind accuracy on it, and what looking adds.
  type Evaluated = { id: string; blindEvaluation?: { stage2?: { full: { accuracy: number } } } };
  const evaluatedRuns = (await storeRecords<Evaluated>(page, 'runs')).filter((r) => r.blindEvaluation?.stage2);
  expect(evaluatedRuns).toHaveLength(3);
  for (const r of evaluatedRuns)
    await expect(page.getByTestId(`looking-stage2-${r.id}`)).toHaveText(new RegExp(`^${(100 * (r.blindEvaluation?.stage2?.full.accuracy ?? NaN)).toFixed(1)} · [+−]\\d+\\.\\d \\[`));
  // The same-form Stage 2 probe (wrong answers of the correct answer's form) on every run, seeing
  // and blind, on the same queries: its own columns, from the stored results.
  type SameForm = { summed: { full: { accuracy: number; n: number } }; perItem: { fingerprint: string } };
  const withSameForm = await storeRecords<{ id: string; evaluation?: { stage2SameForm?: SameForm | null }; blindEvaluation?: { stage2SameForm?: SameForm | null } }>(page, 'runs');
  const sameForms = withSameForm.filter((r) => r.evaluation?.stage2SameForm);
  expect(sameForms).toHaveLength(3);
  expect(new Set(sameForms.map((r) => r.evaluation?.stage2SameForm?.perItem.fingerprint)).size).toBe(1);
  for (const r of sameForms) {
    const seeing = r.evaluation?.stage2SameForm as SameForm;
    expect(seeing.summed.full.n).toBeGreaterThan(0);
    expect(r.blindEvaluation?.stage2SameForm?.perItem.fingerprint).toBe(seeing.perItem.fingerprint);
    await expect(page.getByTestId(`stage2-same-form-${r.id}`)).toHaveText(new RegExp(`^${(100 * seeing.summed.full.accuracy).toFixed(1)} \\[.*\\] n ${seeing.summed.full.n}$`));
    await expect(page.getByTestId(`looking-same-form-${r.id}`)).toHaveText(new RegExp(`^${(100 * (r.blindEvaluation?.stage2SameForm?.summed.full.accuracy ?? NaN)).toFixed(1)} · [+−]\\d+\\.\\d \\[`));
  }
  // And with only the anchor hidden: what reading the anchor adds, per run.
  await expect(page.getByRole('table', { name: 'What reading the anchor adds' }).locator('tbody tr')).toHaveCount(3);
  await expect(page.getByRole('table', { name: 'What reading the anchor adds' })).toContainText(/\d+\.\d · [+−]\d+\.\d \[/);

  // The long video cut again (a scene list): its Stage 2 triples go, and the next click makes them
  // anew and trains Stage 2 again on them (its kept run trained on the old scenes; it stays
  // stored), keeping SFT, Stage 1 and their evaluations.
  type StudyRun = { id: string; stage: string; status: string; initId?: string };
  const before = await storeRecords<StudyRun>(page, 'runs');
  const oldStage2 = before.filter((r) => r.stage === 'stage2').map((r) => r.id);
  expect(oldStage2).toHaveLength(1);
  const long = buildWorld(DEMO_SIZES.small.config).videos.find((v) => v.kind === 'long')!;
  const sceneList = join(mkdtempSync(join(tmpdir(), 'longvpo-reproduce-')), 'scenes.jsonl');
  writeFileSync(sceneList, [[0, 25], [25, 50], [50, long.durationS]].map(([a, b]) => JSON.stringify({ video: long.fileName, start_s: a, end_s: b })).join('\n'));
  await page.getByRole('link', { name: 'Synthesize', exact: true }).click();
  await page.getByRole('tab', { name: 'Stage 2' }).click();
  await page.getByLabel('Import scene list').setInputFiles(sceneList);
  await expect(page.getByTestId('scene-list-result')).toContainText('Stage 2 triples citing the old ones were removed');
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByTestId('reproduce-stage2-data')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  for (const step of ['sft', 'stage1', 'eval-sft', 'eval-stage1']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'kept', { timeout: 60_000 });
  await expect(page.getByTestId('reproduce-hidden-stage2')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Stage 2 DPO trains again' })).toContainText(`${oldStage2[0]} is not this study's any more: `);
  await expect(page.getByRole('alert')).toHaveCount(0);
  const after = await storeRecords<StudyRun>(page, 'runs');
  const stage1 = after.find((r) => r.stage === 'stage1' && r.status === 'done');
  const newStage2 = after.filter((r) => r.stage === 'stage2' && !oldStage2.includes(r.id));
  expect(after.filter((r) => r.stage === 'stage2')).toHaveLength(2);
  expect(newStage2).toHaveLength(1);
  expect(newStage2[0]).toMatchObject({ status: 'done' });
  expect(newStage2[0]?.initId?.startsWith(`${stage1?.id}@`)).toBe(true);
  // Every Stage 2 triple now cites the imported scenes (3 of them).
  const cited = (await storeRecords<{ stage: number; body: { clips: { video_name: string; start_s: number }[] } }>(page, 'triples')).filter((t) => t.stage === 2);
  expect(cited.length).toBeGreaterThan(0);
  expect(cited.every((t) => t.body.clips.every((c) => c.video_name !== long.fileName || [0, 25, 50].includes(c.start_s)))).toBe(true);
  // A third click keeps everything.
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByTestId('reproduce-hidden-stage2')).toHaveAttribute('data-state', 'kept', { timeout: 120_000 });
  for (const step of ['stage2-data', 'stage2', 'eval-stage2']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'kept');
  // The acceptance, line by line, for the study's runs: four verdicts, the long and single-clip
  // lines the paired table's own Stage 1 − SFT numbers, every line with data (the study evaluated
  // 1 and 16 clips and the Stage 2 probe on each run).
  const acceptance = page.getByRole('table', { name: 'The LongVPO effect, line by line' });
  await expect(acceptance.locator('tbody tr')).toHaveCount(4);
  const studyStage1 = (await storeRecords<StudyRun>(page, 'runs')).find((r) => r.stage === 'stage1' && r.status === 'done');
  await expect(page.getByLabel('Stage 1 run', { exact: true })).toHaveValue(studyStage1?.id ?? 'missing');
  for (const line of ['long', 'gap', 'single', 'stage2']) await expect(page.getByTestId(`acceptance-${line}`)).toHaveAttribute('data-verdict', /^(met|unresolved|not met)$/);
  for (const line of ['long', 'single']) {
    const measured = ((await page.getByTestId(`acceptance-${line}`).locator('td').nth(1).textContent()) ?? '').replace(/ \(n = \d+\)$/, '');
    expect(measured).toMatch(/^[+−]\d+\.\d \[[+−]\d+\.\d, [+−]\d+\.\d\]$/);
    await expect(page.getByTestId(`paired-${studyStage1?.id}`)).toContainText(measured);
  }
  // The study evaluated every run blind too: the long and Stage 2 lines say how much of their
  // change is there with every clip hidden (the answer prior); the one-clip line has no such check.
  for (const line of ['long', 'stage2']) {
    await expect(page.getByTestId(`acceptance-${line}`)).toHaveAttribute('data-prior', /^(true|false)$/);
    await expect(page.getByTestId(`acceptance-${line}`).locator('td').nth(2)).toContainText(/with every clip hidden [+−]\d+\.\d \[.*\]; the part that needs the clips [+−]\d+\.\d/);
  }
  await expect(page.getByTestId('acceptance-single')).not.toHaveAttribute('data-prior', /./);
  // The Stage 2 line reads the same-form probe, and names the honest probe's change beside it.
  await expect(page.getByTestId('acceptance-stage2').locator('td').first()).toHaveText("Stage 2 improves the Stage 2 probe (full video, wrong answers of the correct answer's form) over Stage 1");
  await expect(page.getByTestId('acceptance-stage2').locator('td').nth(2)).toContainText(/with the honest wrong answers \("not seen"\), which the answer prior can pass: [+−]\d+\.\d \[/);
  // Anchors out of range are refused before anything runs; other anchors make every evaluation
  // again at that size, the trained runs kept.
  await page.getByLabel('Anchors', { exact: true }).fill('0');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  const refused = page.getByRole('alert');
  await expect(refused).toContainText('Anchors must be a whole number from 1 to 1000 (got 0)');
  await refused.getByRole('button', { name: /Dismiss/ }).click();
  await page.getByLabel('Anchors', { exact: true }).fill('7');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByTestId('reproduce-hidden-stage2')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  for (const step of ['sft', 'stage1', 'stage2']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'kept');
  for (const step of ['eval-sft', 'blind-stage1', 'hidden-stage2']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'done');
  await expect(page.getByRole('alert')).toHaveCount(0);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  // Every run of the study (the Stage 2 run of the old scenes is not one; its evaluation stays as it was).
  const exported = (JSON.parse(readFileSync((await json.path()) as string, 'utf8')) as { run: string; max_anchors: number; report: { anchors: number } }[]).filter((e) => e.run !== oldStage2[0]);
  expect(exported).toHaveLength(3);
  for (const e of exported) expect([e.max_anchors, e.report.anchors]).toEqual([7, 7]);
  // The heatmaps as one SVG, a panel per evaluated run, each cell's value printed.
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export heatmaps (SVG)' }).click()]);
  expect(svg.suggestedFilename()).toBe('longvpo-heatmaps.svg');
  const drawn = readFileSync((await svg.path()) as string, 'utf8');
  const everyRun = JSON.parse(readFileSync((await json.path()) as string, 'utf8')) as { run: string; summed: { byLengthPosition: Record<string, { accuracy: number; n: number }[]> } }[];
  const panelsOf = [...drawn.matchAll(/<g class="panel" data-title="([^"]+)">/g)].map((m) => m[1]);
  expect(panelsOf).toEqual(everyRun.map((e) => expect.stringMatching(new RegExp(` · ${e.run}$`))));
  const cellsOf = (e: (typeof everyRun)[number]): number => Object.values(e.summed.byLengthPosition).reduce((sum, cells) => sum + cells.length, 0);
  expect((drawn.match(/<g class="cell">/g) ?? []).length).toBe(everyRun.reduce((sum, e) => sum + cellsOf(e), 0));
  const firstCells = Object.values(everyRun[0]?.summed.byLengthPosition ?? {}).flat().filter((c) => c.n > 0);
  expect(firstCells.length).toBeGreaterThan(0);
  for (const c of firstCells) expect(drawn).toContain(`>${(100 * c.accuracy).toFixed(1)}</text></g>`);

  // Single-clip pairs: Stage 1 trains again with half its pairs once more with the anchor alone,
  // and Stage 2 from it; SFT is kept. The timeline says so; the old runs stay stored.
  const doneStage1 = (await storeRecords<StudyRun>(page, 'runs')).filter((r) => r.stage === 'stage1').map((r) => r.id);
  await page.getByLabel('Single-clip pairs', { exact: true }).fill('0.5');
  await expect(page.getByTestId('reproduce-stage1')).toContainText('Train Stage 1 DPO, 50% of its pairs also with the anchor alone');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByTestId('reproduce-hidden-stage2')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  for (const step of ['demo', 'sft', 'eval-sft']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'kept');
  for (const step of ['stage1', 'stage2', 'eval-stage1']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'done');
  await expect(page.getByRole('status').filter({ hasText: 'Stage 1 DPO, 50% of its pairs also with the anchor alone trains again' })).toContainText('it was trained with single-clip pairs 0, and its step now asks for 0.5');
  await expect(page.getByRole('alert')).toHaveCount(0);
  const singleRun = (await storeRecords<{ id: string; stage: string; status: string; samples: number; config: { singleClip?: number } }>(page, 'runs')).find((r) => r.stage === 'stage1' && !doneStage1.includes(r.id));
  const pairs1 = (await storeRecords<{ stage: number }>(page, 'triples')).filter((t) => t.stage === 1).length;
  expect(singleRun).toMatchObject({ status: 'done', config: { singleClip: 0.5 }, samples: pairs1 + Math.round(pairs1 / 2) });

  // The cited-scenes step: trained between Stage 1 and Stage 2, which trains again from it; SFT and
  // Stage 1 are kept, and the step has its own evaluations (both Stage 2 probes among them).
  type ChainRun = { id: string; stage: string; status: string; initId?: string; config: { citedOnly?: boolean; beta: number; lr: number; replay?: number; maxSteps: number } };
  const doneStage2 = (await storeRecords<ChainRun>(page, 'runs')).filter((r) => r.stage === 'stage2').map((r) => r.id);
  await expect(page.getByTestId('reproduce-stage2-cited')).toHaveCount(0);
  await page.getByLabel('Cited-scenes step before Stage 2').check();
  await expect(page.getByTestId('reproduce-stage2-cited')).toContainText('Train on the cited scenes of Stage 2 (supervised: β 1e-4)');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByTestId('reproduce-hidden-stage2')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  for (const step of ['sft', 'stage1', 'eval-stage1']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'kept');
  for (const step of ['stage2-cited', 'stage2', 'eval-stage2-cited', 'blind-stage2-cited', 'hidden-stage2-cited', 'eval-stage2']) await expect(page.getByTestId(`reproduce-${step}`)).toHaveAttribute('data-state', 'done');
  await expect(page.getByRole('alert')).toHaveCount(0);
  const chain = (await storeRecords<ChainRun>(page, 'runs')).filter((r) => r.stage === 'stage2' && !doneStage2.includes(r.id));
  const citedStepRun = chain.find((r) => r.config.citedOnly === true);
  const afterCited = chain.find((r) => r.config.citedOnly !== true);
  expect(citedStepRun).toMatchObject({ status: 'done', config: { beta: 1e-4, lr: 1e-3, replay: 1, maxSteps: 0 } });
  expect(citedStepRun?.initId?.startsWith(`${singleRun?.id}@`)).toBe(true);
  expect(afterCited?.status).toBe('done');
  expect(afterCited?.initId?.startsWith(`${citedStepRun?.id}@`)).toBe(true);
  await expect(page.getByTestId(`stage2-same-form-${citedStepRun?.id}`)).toHaveText(/^\d+\.\d \[.*\] n \d+$/);
  await expect(page.getByLabel('Stage 2 run', { exact: true })).toHaveValue(afterCited?.id ?? 'missing');

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
  // Cited scenes only, with the same settings: the same pairs and batches, each Stage 2 query with
  // only the scenes it cites, so its steps hold fewer tokens (a long video has more scenes than
  // any query cites); replay pairs are unchanged.
  await form.getByLabel('Cited scenes only').check();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-active')).toBeVisible();
  await expect(page.getByTestId('train-active')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  type Stage2Run = { id: string; stage: string; status: string; samples: number; config: { replay?: number; maxSteps: number; citedOnly?: boolean } };
  const citedRun = (await storeRecords<Stage2Run>(page, 'runs')).find((r) => r.stage === 'stage2' && r.config.citedOnly === true && r.config.maxSteps === 4);
  expect(citedRun).toMatchObject({ status: 'done', samples: n2 + Math.min(n1, n2), config: { replay: 1, maxSteps: 4 } });
  const tokensOf = async (id: string): Promise<number> =>
    (await storeRecords<{ runId: string; metrics: { tokens_per_s: number; step_time_s: number } }>(page, 'runMetrics')).filter((m) => m.runId === id).reduce((sum, m) => sum + m.metrics.tokens_per_s * m.metrics.step_time_s, 0);
  const wholeRun = (await storeRecords<Stage2Run>(page, 'runs')).find((r) => r.stage === 'stage2' && r.config.maxSteps === 4 && r.config.citedOnly !== true);
  const queries = (await storeRecords<{ stage: number; body: { clips: unknown[]; relevant_clips?: number[] } }>(page, 'triples')).filter((t) => t.stage === 2);
  expect(queries.some((t) => (t.body.relevant_clips?.length ?? 0) < t.body.clips.length)).toBe(true);
  expect(await tokensOf(citedRun?.id ?? 'missing')).toBeLessThan(await tokensOf(wholeRun?.id ?? 'missing'));
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();

  // The curriculum recipe (question before and after the clips, then supervised steps on 2- and
  // 4-clip composites) starts the runs over and keeps the data. Its SFT records the layout, and
  // its 2-clip step starts from that SFT with the recipe's settings. Cancelled there: the rest is
  // the loop above.
  const firstSft = (await storeRecords<StudyRun>(page, 'runs')).filter((r) => r.stage === 'sft').map((r) => r.id);
  await page.getByLabel('Recipe', { exact: true }).selectOption('curriculum');
  await expect(page.getByLabel('Question', { exact: true })).toHaveValue('question-twice');
  // And the SFT questions in both wordings, on two training worlds, as the sixteen-world studies
  // asked them: the second world (seed 43) is generated and imported, synthesized apart, and both train.
  await page.getByLabel('SFT questions', { exact: true }).selectOption('both');
  // The field reaches the thirty-two worlds of docs/results.md and no further.
  await expect(page.getByLabel('Training worlds', { exact: true })).toHaveAttribute('max', '32');
  await page.getByLabel('Training worlds', { exact: true }).fill('40');
  await expect(page.getByLabel('Training worlds', { exact: true })).toHaveValue('32');
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
  // A reload mid-SFT, once it has a checkpoint: the next click resumes that run, not a new one.
  const newSftCheckpoint = async (): Promise<boolean> => (await storeRecords<{ runId: string }>(page, 'checkpoints')).some((c) => c.runId.startsWith('sft-') && !firstSft.includes(c.runId));
  await expect.poll(newSftCheckpoint, { timeout: 240_000, intervals: [500] }).toBe(true);
  await page.reload();
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByTestId('reproduce-sft')).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(page.getByTestId('reproduce-curriculum-2')).toHaveAttribute('data-state', 'running', { timeout: 300_000 });
  type Run = { id: string; stage: string; status: string; initId?: string; model?: { layout?: string }; config: { compositeClips?: number; beta: number; lr: number } };
  const curriculumRun = async (): Promise<Run | undefined> => (await storeRecords<Run>(page, 'runs')).find((r) => r.config.compositeClips === 2);
  await expect.poll(curriculumRun, { timeout: 60_000 }).toBeTruthy();
  const runs = await storeRecords<Run>(page, 'runs');
  const sft = runs.find((r) => r.stage === 'sft' && r.model?.layout === 'question-twice');
  expect(runs.filter((r) => r.stage === 'sft' && !firstSft.includes(r.id))).toHaveLength(1);
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
  await expect(page.getByLabel('Single-clip pairs', { exact: true })).toHaveValue('0.5');
  // One training world while the library holds two: refused (training reads the whole library),
  // before the stored study is touched — after a reload it is still the two-world one.
  await page.getByLabel('Training worlds', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('demo world of seed 43, outside this study');
  await page.reload();
  await expect(page.getByLabel('Training worlds', { exact: true })).toHaveValue('2');
  // The first world (another draw of the study) is the stored one, 42; out of range it is refused
  // by name; from seed 43 on, the library's world 42 is outside the study and named, with the fix.
  await expect(page.getByLabel('First world', { exact: true })).toHaveValue('42');
  await page.getByLabel('First world', { exact: true }).fill('0');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('The first world must be a whole number from 1 to 100000 (got 0)');
  await page.getByLabel('First world', { exact: true }).fill('43');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'demo world of seed 42, outside this study' })).toContainText('Set First world to 42');
  await page.reload();
  await expect(page.getByLabel('First world', { exact: true })).toHaveValue('42');
  await expect(page.getByLabel('Training worlds', { exact: true })).toHaveValue('2');
  // The spread recipe (the curriculum's steps over every slot) is offered with the curriculum's layout.
  await page.getByLabel('Question', { exact: true }).selectOption('clips-first');
  await page.getByLabel('Recipe', { exact: true }).selectOption('spread');
  await expect(page.getByLabel('Question', { exact: true })).toHaveValue('question-twice');

  // A triple longer than the context a browser study trains with (an imported Stage 2 query of 600
  // words): the click stops before any training, names that triple and the fix, and stores nothing
  // new; the imported triple and every run are still there.
  type Stored = { id: string; stage: number; body: Record<string, unknown> };
  const aQuery = (await storeRecords<Stored>(page, 'triples')).find((t) => t.stage === 2);
  const longFile = join(mkdtempSync(join(tmpdir(), 'longvpo-context-')), 'long-query.jsonl');
  const words = Array.from({ length: 600 }, (_, i) => ['which', 'scene', 'shows', 'the', 'red', 'object', 'first'][i % 7]);
  writeFileSync(longFile, `${JSON.stringify({ ...aQuery?.body, id: 'too-long-query', question: `${words.join(' ')}?` })}\n`);
  await page.getByRole('link', { name: 'Synthesize', exact: true }).click();
  await page.getByLabel('Import triple files').setInputFiles(longFile);
  await expect(page.getByTestId('triples-import-result')).toContainText('long-query.jsonl: studio triples (JSONL), 1 triples imported');
  const runsBefore = (await storeRecords<{ id: string }>(page, 'runs')).map((r) => r.id).sort();
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'too-long-query' });
  await expect(refusal).toContainText(/Stage 2 triple too-long-query \(a long video cut into \d+ scenes, 1 visual token each; \d+ tokens of question and answer\), needs \d+ tokens, more than the 512 a browser study trains with/, { timeout: 240_000 });
  await expect(refusal).toContainText('Its question and answers are what is long: shorten them (Review → Edit');
  await expect(page.getByRole('button', { name: 'Reproduce LongVPO', exact: true })).toBeEnabled();
  expect((await storeRecords<{ id: string }>(page, 'runs')).map((r) => r.id).sort()).toEqual(runsBefore);
  expect((await storeRecords<Stored>(page, 'triples')).some((t) => t.id === 'too-long-query')).toBe(true);
});

test('one click fills in the thirty-two-world study that showed the effect, and starts nothing', async ({ page }) => {
  await page.goto('/#/evaluate');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await expect(page.getByLabel('Training worlds')).toHaveValue('1');
  await page.getByRole('button', { name: 'Use the 32-world study (about 2 h 20 min)' }).click();
  await expect(page.getByLabel('World', { exact: true })).toHaveValue('full');
  await expect(page.getByLabel('Visual tokens')).toHaveValue('objects');
  await expect(page.getByLabel('Recipe')).toHaveValue('curriculum');
  await expect(page.getByLabel('Question', { exact: true })).toHaveValue('question-twice');
  await expect(page.getByLabel('SFT questions')).toHaveValue('both');
  await expect(page.getByLabel('Training worlds')).toHaveValue('32');
  await expect(page.getByLabel('First world')).toHaveValue('42');
  await expect(page.getByLabel('Single-clip pairs')).toHaveValue('0.5');
  await expect(page.getByLabel('Lengths')).toHaveValue('1,2,4,16');
  // The visual tokens are the Library's import setting, kept across a reload; nothing ran.
  await page.reload();
  await expect(page.getByLabel('Visual tokens')).toHaveValue('objects', { timeout: 30_000 });
  await expect(page.getByTestId('reproduce-steps')).toHaveCount(0);
  expect(await storeRecords(page, 'runs')).toHaveLength(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
