// Reproduce LongVPO in Chromium, at any scale: the Evaluate page's button with the panel's choices,
// on a fresh on-disk profile, timed step by step; at the end the study's evaluations (the page's
// JSON export) and its paired tables as the page shows them. The browser counterpart of
// `npx longvpo reproduce` (docs/results.md says which configurations show the effect).
//
//   WORLDS=16 SIZE=full FEATURES=objects RECIPE=curriculum SFT=both LENGTHS=1,2,4,16 npm run bench:reproduce-browser
//   WORLDS=32 SIZE=full FEATURES=objects RECIPE=curriculum SFT=both SINGLE=0.5 LENGTHS=1,2,4,16 npm run bench:reproduce-browser
//
// Defaults: one small world, the default tokens, the paper's recipe, anchored SFT questions, no
// single-clip pairs (SINGLE), lengths 1,4, first world 42, 60 probe anchors (a few minutes); FIRST=242 makes another draw (worlds 242…, held-out 1242); ANCHORS=240 a probe that resolves the position gap. Writes bench/out/reproduce-browser.json (-FIRST.json for another first world; settings, per-step seconds,
// evaluations, tables) and prints a table of the steps and each run's accuracy by length.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { printTable, withStudio } from './browser.mjs';

const settings = {
  worlds: Number(process.env.WORLDS ?? 1),
  size: process.env.SIZE ?? 'small',
  features: process.env.FEATURES ?? 'default',
  recipe: process.env.RECIPE ?? 'paper',
  sftQuestions: process.env.SFT ?? 'anchored',
  lengths: process.env.LENGTHS ?? '1,4',
  // The demo seed of the first training world (the panel's First world; held-out = it + 1000).
  firstWorld: Number(process.env.FIRST ?? 42),
  // Anchors of the held-out probe (the Evaluate page's Anchors; 240 resolves the position gap to about 4 points).
  anchors: Number(process.env.ANCHORS ?? 60),
  // The panel's Single-clip pairs (reproduce --single-clip): Stage 1's share of anchor-only pairs.
  singleClip: Number(process.env.SINGLE ?? 0),
};
// STOP_AT=step (a timeline step, e.g. sft): cancel the study once that step starts, to time the
// steps before it at a scale too long to run whole (and to see the study passes its checks there).
const STOP_AT = process.env.STOP_AT;
// PROFILE=dir: the Chromium profile is that folder and is kept, so a study too long for one sitting
// continues where it stopped when the command runs again (the button keeps every finished step and
// resumes a run from its checkpoint). SIGTERM to this process (`pkill -TERM -f
// bench/reproduce-browser.mjs`) stops it as the Cancel button does and closes Chromium cleanly.
const PROFILE = process.env.PROFILE;
let stopRequested = false;
// Only with a kept profile: a throwaway one has nothing to keep, and Ctrl-C quits at once as before.
for (const signal of PROFILE ? ['SIGINT', 'SIGTERM'] : [])
  process.on(signal, () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    console.log(`${signal}: cancelling the study (again to quit at once)`);
  });
const POLL_MS = Number(process.env.POLL_MS ?? 5_000);
const TIMEOUT_H = Number(process.env.TIMEOUT_H ?? 12);

const result = await withStudio(
  async (page, base) => {
    await page.goto(`${base}/#/evaluate`);
    await page.locator('[data-testid=backend-chip][data-status=ready]').waitFor({ timeout: 60_000 });
    const panel = page.getByRole('region', { name: 'Reproduce LongVPO' });
    await panel.getByLabel('World', { exact: true }).selectOption(settings.size);
    await panel.getByLabel('Visual tokens', { exact: true }).selectOption(settings.features);
    await panel.getByLabel('Recipe', { exact: true }).selectOption(settings.recipe);
    await panel.getByLabel('SFT questions', { exact: true }).selectOption(settings.sftQuestions);
    await panel.getByLabel('Training worlds', { exact: true }).fill(String(settings.worlds));
    await panel.getByLabel('First world', { exact: true }).fill(String(settings.firstWorld));
    await panel.getByLabel('Single-clip pairs', { exact: true }).fill(String(settings.singleClip));
    await page.getByLabel('Lengths', { exact: true }).fill(settings.lengths);
    await page.getByLabel('Anchors', { exact: true }).fill(String(settings.anchors));
    const start = panel.getByRole('button', { name: 'Reproduce LongVPO', exact: true });
    const t0 = Date.now();
    await start.click();
    await page.getByTestId('reproduce-steps').waitFor({ timeout: 60_000 });
    const started = {};
    const seconds = {};
    // A step that ran between two polls started when the step before it ended.
    let lastEnd = 0;
    const steps = await page.getByTestId('reproduce-steps').locator('li').evaluateAll((lis) => lis.map((li) => li.dataset.testid.replace(/^reproduce-/, '')));
    if (STOP_AT !== undefined && !steps.includes(STOP_AT)) throw new Error(`STOP_AT=${STOP_AT} is not a step of this study: use one of ${steps.join(', ')}`);
    for (;;) {
      const states = await page.getByTestId('reproduce-steps').locator('li').evaluateAll((lis) => lis.map((li) => [li.dataset.testid.replace(/^reproduce-/, ''), li.dataset.state]));
      const now = (Date.now() - t0) / 1000;
      for (const [step, state] of states) {
        if (state === 'running' && started[step] === undefined) {
          started[step] = now;
          console.log(`${now.toFixed(0).padStart(6)} s  ${step}…`);
        }
        if ((state === 'done' || state === 'kept') && seconds[step] === undefined) {
          seconds[step] = now - (started[step] ?? lastEnd);
          lastEnd = now;
          console.log(`${now.toFixed(0).padStart(6)} s  ${step} ${state} (${seconds[step].toFixed(0)} s)`);
        }
      }
      const failed = states.find(([, state]) => state === 'failed');
      if (failed) {
        const alert = await page.getByRole('alert').allTextContents();
        throw new Error(`Reproduce stopped at ${failed[0]}: ${alert.join(' | ')}`);
      }
      if (stopRequested || (STOP_AT !== undefined && started[STOP_AT] !== undefined)) {
        const cancel = panel.getByRole('button', { name: 'Cancel', exact: true });
        if (await cancel.isVisible()) await cancel.click();
        // Wait for the study to stop (a run checkpoints as it pauses), so the kept profile is whole.
        for (let waited = 0; (await start.isDisabled()) && waited < 600; waited++) await page.waitForTimeout(1_000);
        const totalS = (Date.now() - t0) / 1000;
        const why = stopRequested ? 'on a signal' : `as ${STOP_AT} started (STOP_AT)`;
        console.log(`${totalS.toFixed(0).padStart(6)} s  cancelled ${why}`);
        return { settings, stopped: why, steps, seconds, totalS, evaluations: [], tables: {} };
      }
      const running = await start.isDisabled();
      if (!running && states.every(([, state]) => state === 'done' || state === 'kept')) break;
      if (now > TIMEOUT_H * 3600) throw new Error(`Reproduce did not finish in ${TIMEOUT_H} h (TIMEOUT_H)`);
      await page.waitForTimeout(POLL_MS);
    }
    const totalS = (Date.now() - t0) / 1000;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON', exact: true }).click()]);
    const evaluations = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const tables = {};
    for (const name of ['The LongVPO effect, line by line', 'Paired change against the baseline', 'Position gap', 'What looking at the clips adds', 'What reading the anchor adds']) {
      const table = page.getByRole('table', { name });
      if ((await table.count()) === 0) continue;
      tables[name] = await table.locator('tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
    }
    return { settings, steps, seconds, totalS, evaluations, tables };
  },
  { persistent: true, profile: PROFILE },
);

mkdirSync('bench/out', { recursive: true });
// One file per draw: another first world does not overwrite the default's; a stopped one is its own.
writeFileSync(`bench/out/reproduce-browser${settings.firstWorld === 42 ? '' : `-${settings.firstWorld}`}${result.stopped ? '-stopped' : ''}.json`, JSON.stringify(result, null, 2));
console.log(JSON.stringify({ settings: result.settings, seconds: result.seconds, totalS: result.totalS }));
console.log();
printTable(result.steps.map((s) => ({ step: s, seconds: result.seconds[s] === undefined ? '' : result.seconds[s].toFixed(0) })));
console.log(`total ${(result.totalS / 60).toFixed(1)} min`);
console.log();
const lengths = settings.lengths.split(',');
printTable(
  result.evaluations.map((e) => ({
    run: e.run,
    stage: e.stage,
    ...Object.fromEntries(lengths.map((l) => [`${l} clips`, e.summed.byLength[l] ? (100 * e.summed.byLength[l].accuracy).toFixed(1) : '—'])),
    'stage 2 (full)': e.stage2 ? (100 * e.stage2.full.accuracy).toFixed(1) : '—',
  })),
);
for (const [name, rows] of Object.entries(result.tables)) {
  console.log();
  console.log(name);
  for (const row of rows) console.log(`  ${row.join('  |  ')}`);
}
