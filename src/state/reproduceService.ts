// "Reproduce LongVPO" in the browser (issue #13): the whole study on the demo world in one click —
// demo import, Stage 1 and Stage 2 triples, SFT → Stage 1 DPO → Stage 2 DPO, and the held-out
// probe on every checkpoint — by the same services the pages use. Each step is skipped when its
// result is already stored (videos, triples, a finished run, an evaluation), so after a reload
// the button continues where the study stopped; a paused or interrupted run is resumed.
import { DEMO_SIZES, type DemoSize } from '../core/demo';
import { UserFacingError } from '../core/errors';
import { DEFAULT_EMBEDDER_ID, embedderId, staleness, tokensOfEmbedderId } from '../core/pipeline';
import { studioDb } from '../storage/db';
import { getSetting, setSetting } from '../storage/settingsRepo';
import { countTriples, listTriples } from '../storage/triplesRepo';
import { getReviews } from '../storage/reviewsRepo';
import { reviewedForExport } from '../core/review/decisions';
import { getRun } from '../storage/trainingRepo';
import { computeEngine } from '../workers/computeClient';
import { cancelDemo, demoCollision, demoSeedOf, demoVideoCount, isWorldOf, runDemo } from './demoService';
import { DEFAULT_WORLD_CONFIG, WORLD_VERSION } from '../core/world';
import { cancelEvaluation, evaluateRun, lengthsOf, probeAnchorsOf, probeFormProblem } from './evalService';
import { PROBE_VERSION } from '../core/eval/probe';
import { updateVideo } from './libraryService';
import { useStudio } from './store';
import { cancelSynthesis, refreshTriples, runStage1 } from './synthService';
import { pauseTraining, refreshTraining, resumeTraining, startTraining } from './trainService';
import { defaultTrainForm } from './trainSlice';
import { DEFAULT_MODEL, type SequenceLayout } from '../core/train/config';
import type { SftQuestionForm } from '../core/train/sftSynthesis';
import { longestTriple, stepChange, studySftEpochs, studySteps, type Recipe, type StepSettings, type StudyStep } from '../core/train/recipe';
import { reproduceSteps, stepLabel, type ReproduceStep, type StepState } from './reproduceSteps';

/** A step setting as the Train page names it, for the message when a study's run no longer fits its step. */
const SETTING_NAMES: Record<keyof StepSettings, string> = {
  lr: 'learning rate',
  epochs: 'epochs',
  beta: 'β',
  compositeClips: 'clips per composite',
  keepSlots: 'keep every slot',
  singleClip: 'single-clip pairs',
  replay: 'Stage 1 replay',
  citedOnly: 'cited scenes only',
};

let cancelled = false;
/** Cancels the demo's re-embedding (step 1) when the embedder changed. */
let reembedding: AbortController | null = null;

function setStep(step: ReproduceStep, state: StepState): void {
  const { reproduce, setReproduce } = useStudio.getState();
  setReproduce({ steps: { ...reproduce.steps, [step]: state } });
}

/** The study's run of a recipe step (sft, curriculum-2, …): the one it recorded, if still stored. */
async function studyRun(name: string): Promise<string | null> {
  const db = await studioDb();
  const ids = (await getSetting(db, 'reproduce'))?.runs ?? {};
  const id = ids[name];
  return id && (await getRun(db, id)) ? id : null;
}

async function rememberRun(name: string, runId: string): Promise<void> {
  const db = await studioDb();
  const current = (await getSetting(db, 'reproduce')) ?? { size: 'small' as DemoSize, runs: {} };
  await setSetting(db, 'reproduce', { ...current, runs: { ...current.runs, [name]: runId } });
}

/**
 * Why the study's kept run of a step is no longer this study's, or null when it is: it must
 * start from the checkpoint its step starts from now (an earlier step trained again), and a DPO
 * run must have trained on the data the library gives it now (Stage 2 triples made again after a
 * video was cut again, a world's Stage 1 triples added, a Review edit).
 */
async function staleRun(runId: string, init: string | null, step: StudyStep): Promise<string | null> {
  const run = await getRun(await studioDb(), runId);
  if (!run) return null;
  if ((run.initId ?? null) !== init) return `it started from ${run.initId ?? 'a fresh model'}, and its step now starts from ${init ?? 'a fresh model'}`;
  // Another setting (the study's single-clip pairs changed, say): the step's run is another run.
  const change = stepChange(run.config, step.settings);
  if (change) return `it was trained with ${SETTING_NAMES[change.key]} ${String(change.had)}, and its step now asks for ${String(change.want)}`;
  if (run.stage === 'sft') return null;
  return (await computeEngine()['train.dataCurrent']({ runId })).changed;
}

/** Trains a step's run, or resumes or keeps `existing`, the study's run of it (when still the study's: `staleRun`). */
async function train(step: StudyStep, init: string | null, layout: SequenceLayout, sft: { questions: SftQuestionForm; epochs: number | undefined }, kept: string | null): Promise<string> {
  let existing = kept;
  // A run stopped before its first checkpoint (a reload early in the step) has nothing to resume: a new one starts.
  if (existing && !(await (await studioDb()).get('checkpointPointers', existing))) existing = null;
  if (existing) {
    const run = await getRun(await studioDb(), existing);
    if (run?.status === 'done') return existing;
    await resumeTraining(existing);
    if ((await getRun(await studioDb(), existing))?.status !== 'done') throw new UserFacingError(`${step.label} did not finish.`, 'Click Reproduce LongVPO again to continue it.');
    return existing;
  }
  // The recipe's settings for this step (src/core/train/recipe.ts). Stage 1 and 2 keep their
  // checkpoint's layout; only the SFT's is chosen.
  const form = { ...defaultTrainForm(step.stage, init ?? ''), layout, sftQuestions: sft.questions, ...(step.stage === 'sft' && sft.epochs !== undefined && { epochs: sft.epochs }), ...step.settings };
  // Remembered before it trains: a reload mid-run resumes it from its last checkpoint.
  const runId = await startTraining(form, { onStart: (id) => rememberRun(step.run, id) });
  if (!runId) throw new UserFacingError(`${step.label} could not start.`, 'See the message above.');
  if ((await getRun(await studioDb(), runId))?.status !== 'done') throw new UserFacingError(`${step.label} did not finish.`, 'Click Reproduce LongVPO again to continue it.');
  return runId;
}

async function currentCheckpoint(runId: string): Promise<string> {
  const db = await studioDb();
  const pointer = await db.get('checkpointPointers', runId);
  if (!pointer) throw new UserFacingError(`Run ${runId} has no checkpoint.`, 'Train it again.');
  return pointer.checkpointId;
}

/** The stored study's world size, SFT layout, recipe and SFT wording (the panel shows them after a reload, so a click continues that study). */
export async function storedReproduce(): Promise<{ size: DemoSize; layout: SequenceLayout; recipe: Recipe; sftQuestions: SftQuestionForm; worlds: number; firstWorld: number; singleClip: number; citedStep: boolean } | null> {
  const current = await getSetting(await studioDb(), 'reproduce');
  return current ? { size: current.size, layout: current.layout ?? 'clips-first', recipe: current.recipe ?? 'paper', sftQuestions: current.sftQuestions ?? 'anchored', worlds: current.worlds ?? 1, firstWorld: current.firstWorld ?? defaultFirstWorld(current.size), singleClip: current.singleClip ?? 0, citedStep: current.citedStep ?? false } : null;
}

/** The stored study's run of each recipe step (sft, stage1, stage2, …) by name: the Evaluate page's acceptance defaults to them. */
export async function studyRunIds(): Promise<Partial<Record<string, string>>> {
  return (await getSetting(await studioDb(), 'reproduce'))?.runs ?? {};
}

/** The demo seed of a study's first training world unless one is chosen: the size's (42). */
export function defaultFirstWorld(size: DemoSize): number {
  return DEMO_SIZES[size].config.seed ?? DEFAULT_WORLD_CONFIG.seed;
}

/** The first training world's seeds a study accepts: its held-out world (+1000) stays a seed no training world has. */
export const FIRST_WORLD_RANGE = { min: 1, max: 100_000 } as const;

/** The library's videos of the demo world of `seed` (by their file names, `world-s<seed>-…`). */
async function worldVideoIds(seed: number): Promise<string[]> {
  return (await (await studioDb()).getAll('videos')).filter((v) => demoSeedOf(v.name) === seed).map((v) => v.id);
}

/** The demo worlds (of `seeds`) without a triple of `stage` in the library: Stage 1 anchored on one of its clips, Stage 2 on one of its videos. One read of the stage's triples. */
async function seedsWithout(stage: 1 | 2, seeds: readonly number[]): Promise<number[]> {
  const found = new Set<number>();
  for (const t of await (await studioDb()).getAllFromIndex('triples', 'byStage', stage)) {
    const body = t.body as { anchor_index?: number; clips?: { video_name?: string }[] };
    const name = (stage === 1 ? body.clips?.[body.anchor_index ?? -1] : body.clips?.[0])?.video_name;
    const seed = name === undefined ? undefined : demoSeedOf(name);
    if (seed !== undefined) found.add(seed);
  }
  return seeds.filter((seed) => !found.has(seed));
}

export interface ReproduceOptions {
  layout?: SequenceLayout;
  recipe?: Recipe;
  sftQuestions?: SftQuestionForm;
  /** Demo worlds to train on, seeds demo, demo + 1, … (`reproduce --train-worlds`); default 1. */
  worlds?: number;
  /**
   * The demo seed of the first training world (`reproduce --seed`); the held-out world is it +
   * 1000. Default: the size's (42). Another seed is another draw of the whole study.
   */
  firstWorld?: number;
  /**
   * Share of Stage 1's pairs trained once more with the anchor alone (`reproduce --single-clip`);
   * default 0, the paper's. Changing it trains Stage 1 and Stage 2 again and keeps the runs before.
   */
  singleClip?: number;
  /**
   * A supervised step on the cited scenes between Stage 1 and Stage 2 (`reproduce --cited-step`);
   * default off. Changing it trains Stage 2 again (from the step, or from Stage 1) and keeps the runs before.
   */
  citedStep?: boolean;
}

export async function reproduce(size: DemoSize, options: ReproduceOptions = {}): Promise<void> {
  const { layout = 'clips-first', recipe = 'paper', sftQuestions = 'anchored', worlds = 1, firstWorld = defaultFirstWorld(size), singleClip = 0, citedStep = false } = options;
  const { setReproduce, reportError, setEvaluation, reportWarning } = useStudio.getState();
  cancelled = false;
  const steps = studySteps(recipe, { worlds, singleClip, citedStep });
  const sftEpochs = studySftEpochs(worlds);
  setReproduce({ running: true, size, steps: Object.fromEntries(reproduceSteps(recipe, { citedStep }).map((s) => [s, 'waiting'])) as Record<ReproduceStep, StepState> });
  const t0 = Date.now();
  let step: ReproduceStep = 'demo';
  const check = (): void => {
    if (cancelled) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
  };
  try {
    const db = await studioDb();
    const demo = await getSetting(db, 'demoWorld');
    if (!Number.isInteger(firstWorld) || firstWorld < FIRST_WORLD_RANGE.min || firstWorld > FIRST_WORLD_RANGE.max)
      throw new UserFacingError(`The first world must be a whole number from ${FIRST_WORLD_RANGE.min} to ${FIRST_WORLD_RANGE.max} (got ${String(firstWorld)}).`, `Set First world to a demo seed, for example ${defaultFirstWorld(size)}, and click again.`);
    if (!Number.isFinite(singleClip) || singleClip < 0 || singleClip > 1)
      throw new UserFacingError(`Single-clip pairs must be a share from 0 to 1 (got ${String(singleClip)}).`, 'Set Single-clip pairs to 0 (off, the paper’s) or, for example, 0.5, and click again.');
    // The probe's settings are checked before hours of training, not after.
    const probeProblem = probeFormProblem(useStudio.getState().evaluation.form);
    if (probeProblem) throw probeProblem;
    const demoSeed = firstWorld;
    const current = await getSetting(db, 'reproduce');
    // The study's clips are the import pipeline's embedder's (Settings, or the choice above the
    // button): another embedder means other visual tokens, so the runs start again (triples are
    // kept: they name clips by video and time, not by embedder). So does another layout (the
    // SFT's sequence layout is every later run's), another recipe and another SFT wording.
    const pipeline = await getSetting(db, 'pipeline');
    const embedder = embedderId(pipeline.embedder);
    const seeds = Array.from({ length: worlds }, (_, k) => demoSeed + k);
    // Refusals come before the stored study is reset, so a refused click loses no run.
    // Another size's world of one of these seeds: its videos carry the names this size's would have.
    for (const seed of seeds) {
      const clash = await demoCollision(size, seed);
      if (clash) throw clash;
    }
    // Training reads the whole library: demo worlds outside these seeds would train too.
    const others = [...new Set((await db.getAll('videos')).flatMap((v) => demoSeedOf(v.name) ?? []))].filter((seed) => !seeds.includes(seed)).sort((a, b) => a - b);
    if (others.length > 0)
      throw new UserFacingError(
        `The library holds the demo world${others.length === 1 ? '' : 's'} of seed${others.length === 1 ? '' : 's'} ${others.join(', ')}, outside this study's ${worlds} training world${worlds === 1 ? '' : 's'} (seed${worlds === 1 ? '' : 's'} ${seeds[0]}${worlds > 1 ? `–${seeds[worlds - 1]}` : ''}); training reads the whole library, so they would train too.`,
        Math.min(...others) < demoSeed
          ? `Set First world to ${Math.min(...others)} and Training worlds to include them, or remove the demo worlds (Library → Demo world) and click again.`
          : `Set Training worlds to include them (${Math.max(...others) - demoSeed + 1} reaches seed ${Math.max(...others)}), or remove the demo worlds (Library → Demo world) and click again.`,
      );
    if (!current || current.size !== size || (current.embedder ?? DEFAULT_EMBEDDER_ID) !== embedder || (current.layout ?? 'clips-first') !== layout || (current.recipe ?? 'paper') !== recipe || (current.sftQuestions ?? 'anchored') !== sftQuestions || (current.worlds ?? 1) !== worlds || (current.firstWorld ?? defaultFirstWorld(current.size)) !== firstWorld)
      await setSetting(db, 'reproduce', { size, embedder, layout, recipe, sftQuestions, worlds, firstWorld, singleClip, citedStep, runs: {} });
    // Another share of single-clip pairs keeps the runs it does not touch: Stage 1 and what follows
    // it train again (`staleRun` sees the setting), the SFT and the curriculum's steps stay. So does
    // the cited-scenes step: Stage 2 trains again from it (or from Stage 1 without it).
    else if ((current.singleClip ?? 0) !== singleClip || (current.citedStep ?? false) !== citedStep) await setSetting(db, 'reproduce', { ...current, singleClip, citedStep });
    // 1. The demo world, unless this size is already in the library (embedded again where it was
    // imported with other settings).
    if (demo && isWorldOf(demo, size, demoSeed) && (await worldVideoIds(demoSeed)).length > 0) {
      const staleVideos = async () => (await db.getAll('videos')).filter((v) => staleness(v, pipeline) !== 'current');
      const stale = await staleVideos();
      if (stale.length === 0) setStep('demo', 'kept');
      else {
        setStep('demo', 'running');
        reembedding = new AbortController();
        try {
          for (const v of stale) {
            check();
            await updateVideo(v.id, reembedding.signal, { announce: false });
          }
        } finally {
          reembedding = null;
        }
        check();
        const left = (await staleVideos()).length;
        if (left > 0) throw new UserFacingError(`${left} of the library's videos could not be embedded with the ${embedder} embedder.`, 'See the message above, then click Reproduce LongVPO again.');
        // Videos whose scenes came out otherwise lost their Stage 2 triples ("Scene #k" may now be
        // another span; `stage2Recut` names them), and the Stage 2 step writes them anew. Stage 1
        // cites fixed clips, which stay.
        await refreshTriples();
        setStep('demo', 'done');
      }
    } else {
      setStep('demo', 'running');
      if (!(await runDemo(size, { seed: demoSeed })) || (await worldVideoIds(demoSeed)).length === 0) throw new UserFacingError('The demo world was not imported.', 'See the message above, then click Reproduce LongVPO again.');
      setStep('demo', 'done');
    }
    // Training worlds 2…N (seeds after the demo's), each generated and imported once, the oracle
    // told of each (`extraDemoWorlds`); a world kept must be of this version and whole (every
    // video imported: an import stopped half-way is made again, its videos kept by their hashes).
    for (const seed of seeds.slice(1)) {
      check();
      const known = (await getSetting(db, 'extraDemoWorlds')).some((w) => isWorldOf(w, size, seed) && w.version === WORLD_VERSION);
      const whole = demoVideoCount(size, seed);
      if (known && (await worldVideoIds(seed)).length >= whole) continue;
      setStep('demo', 'running');
      await runDemo(size, { seed, extra: true });
      check();
      if ((await worldVideoIds(seed)).length < whole) throw new UserFacingError(`The demo world of seed ${seed} (training world ${seed - demoSeed + 1} of ${worlds}) was not wholly imported.`, 'See the message above, then click Reproduce LongVPO again.');
      setStep('demo', 'done');
    }
    check();
    step = 'stage1-data';
    // Each world's composites are made of its own clips, as `longvpo reproduce` synthesizes each
    // world apart and merges them: its oracle's questions are exact only among its own videos.
    // One world: any Stage 1 triples are kept, as before training worlds existed.
    const missing = worlds === 1 ? ((await countTriples(db, 1)) === 0 ? [demoSeed] : []) : await seedsWithout(1, seeds);
    if (missing.length === 0) setStep(step, 'kept');
    else {
      setStep(step, 'running');
      for (const seed of missing) {
        check();
        // Added or kept: the world's triples now stored (a missing world had none before).
        const made = await runStage1({ ...useStudio.getState().synth.form, count: 2000, frameBudget: 128, seed }, worlds > 1 ? { videoIds: await worldVideoIds(seed) } : {});
        if (!made || made.added + made.kept === 0)
          throw new UserFacingError(`No Stage 1 triples were made${worlds > 1 ? ` for the demo world of seed ${seed}` : ''}.`, 'See the message above.');
      }
      setStep(step, 'done');
    }
    check();
    step = 'stage2-data';
    // Every world's long videos: one run over the library (a query is of one video, so worlds do
    // not mix), 400 triples a world at most; triples already stored are kept by their ids.
    // Videos cut again since their Stage 2 triples were made (here, in the Library, or by a scene
    // list; a click cancelled before this step included) make the step run even when other
    // videos' triples are left: it keeps those by id.
    const recut = (await getSetting(db, 'stage2Recut')).length > 0;
    const stage2Missing = recut || (await countTriples(db, 2)) === 0 || (worlds > 1 && (await seedsWithout(2, seeds)).length > 0);
    if (!stage2Missing) setStep(step, 'kept');
    else {
      setStep(step, 'running');
      const modelId = embedderId(useStudio.getState().library.pipeline.embedder);
      await computeEngine()['synth.stage2']({ seed: demoSeed, count: 400 * worlds, partialEvidenceShare: 0.5, framesPerScene: 16, minVideoS: 60, modelId });
      await refreshTriples();
      setStep(step, 'done');
    }
    // Every triple must fit the SFT's context (every later run keeps it). A long video of many
    // scenes at several visual tokens per clip can outgrow the default 512, and in Chromium's wasm
    // backend a longer context failed (Stage 2 at 832 tokens: "memory access out of bounds"), so
    // the study stops here with the reason instead of an hour later. Read after Review's edits.
    step = steps[0]?.run as ReproduceStep;
    const tokens = tokensOfEmbedderId(embedder);
    const longest = longestTriple(reviewedForExport(await listTriples(db), await getReviews(db), 'all'), tokens, layout);
    if (longest && longest.length > DEFAULT_MODEL.maxContext) {
      const t = longest.triple;
      const what = t.stage === 2 ? `a long video cut into ${t.clips.length} scenes` : `${t.clips.length} clips`;
      // The clips or the words: whichever takes most of the sequence is what the fix must shorten.
      const wordy = longest.length - longest.clipTokens > longest.clipTokens;
      const node = 'run the study in Node (`npx longvpo reproduce`, docs/evaluation.md)';
      throw new UserFacingError(
        `The study's longest sequence, Stage ${t.stage} triple ${t.id} (${what}, ${tokens} visual token${tokens === 1 ? '' : 's'} each; ${longest.length - longest.clipTokens} tokens of question and answer), needs ${longest.length} tokens, more than the ${DEFAULT_MODEL.maxContext} a browser study trains with.`,
        wordy
          ? `Its question and answers are what is long: shorten them (Review → Edit; the study trains on every triple, reviewed edits applied), or ${node}.`
          : t.stage === 2
            ? `Use fewer visual tokens per clip (Visual tokens), raise the scene threshold (Library → Import settings) so the video has fewer scenes, or ${node}.`
            : `Use fewer visual tokens per clip (Visual tokens), or ${node}.`,
      );
    }
    const ids: Partial<Record<string, string>> = {};
    for (const s of steps) {
      check();
      step = s.run as ReproduceStep;
      const had = await studyRun(s.run);
      const start = s.init ? await currentCheckpoint(ids[s.init] as string) : null;
      const stale = had ? await staleRun(had, start, s) : null;
      // The old run stays stored (Train → Runs); the study trains a new one from here on.
      if (stale) reportWarning({ title: `${s.label} trains again`, message: `The study's run ${had} is not this study's any more: ${stale}.`, hint: 'That run stays in Train → Runs; the new one replaces it in the comparison.' });
      const kept = stale ? null : had;
      const hadDone = kept ? (await getRun(db, kept))?.status === 'done' : false;
      setStep(step, hadDone ? 'kept' : 'running');
      ids[s.run] = await train(s, start, layout, { questions: sftQuestions, epochs: sftEpochs }, kept);
      if (!hadDone) setStep(step, 'done');
    }
    const heldOutSeed = demoSeed + 1000;
    setEvaluation({ form: { ...useStudio.getState().evaluation.form, heldOutSeed, size } });
    // Every run seeing, then blind (the question-only baseline on the same items), then with only
    // the anchor hidden (what reading the anchor adds; a gain that survives it came from the distractors).
    for (const mode of ['eval', 'blind', 'hidden'] as const)
      for (const { run: stage } of steps) {
        check();
        step = `${mode}-${stage}` as ReproduceStep;
        const runId = ids[stage] as string;
        const field = mode === 'blind' ? 'blindEvaluation' : mode === 'hidden' ? 'anchorHiddenEvaluation' : 'evaluation';
        // Kept: this seed, this checkpoint, this probe version, these lengths and anchors (else nothing pairs).
        const checkpoint = await currentCheckpoint(runId);
        const { lengths, anchors } = useStudio.getState().evaluation.form;
        const isCurrent = async (): Promise<boolean> => {
          const e = (await getRun(db, runId))?.[field] as { heldOutSeed?: number; checkpointId?: string; probeVersion?: number; maxAnchors?: number; summed?: { byLength?: Record<string, unknown> }; stage2SameForm?: unknown } | undefined;
          // Stored before the same-form Stage 2 probe (null: no long video; none with the anchor hidden).
          if (mode !== 'hidden' && e && e.stage2SameForm === undefined) return false;
          const same = lengthsOf(lengths)?.join(',') === Object.keys(e?.summed?.byLength ?? {}).map(Number).sort((a, b) => a - b).join(',');
          return e?.heldOutSeed === heldOutSeed && e.checkpointId === checkpoint && e.probeVersion === PROBE_VERSION && same && probeAnchorsOf(e) === anchors;
        };
        if (await isCurrent()) setStep(step, 'kept');
        else {
          setStep(step, 'running');
          await evaluateRun(runId, { blind: mode === 'blind', hideAnchor: mode === 'hidden' });
          if (!(await isCurrent())) throw new UserFacingError(`The ${mode === 'blind' ? 'blind ' : mode === 'hidden' ? 'anchor-hidden ' : ''}evaluation of ${stage} did not finish.`, 'See the message above, then click Reproduce LongVPO again.');
          setStep(step, 'done');
        }
      }
    await refreshTraining();
    reportWarning({ title: 'Reproduce LongVPO finished', message: `The study on ${worlds > 1 ? `${worlds} ${size} demo worlds` : `the ${size} demo world`} finished in ${Math.round((Date.now() - t0) / 1000)} s; the comparison is below.`, hint: 'The full world gives more items and tighter intervals (docs/evaluation.md).' });
  } catch (e) {
    setStep(step, cancelled ? 'waiting' : 'failed');
    // Cancel is not a failure, whichever way the step noticed it (a paused run, a stopped evaluation).
    if (!cancelled && !(e instanceof Error && e.name === 'AbortError')) reportError(`Reproduce stopped at “${stepLabel(step, recipe, singleClip)}”`, e);
  } finally {
    setReproduce({ running: false });
  }
}

/** Stops after the current step's work is cancelled; finished steps stay stored. */
export function cancelReproduce(): void {
  cancelled = true;
  // The running step's own cancel: re-embedding stops (its frames kept), training pauses with a
  // checkpoint, evaluation stops.
  reembedding?.abort();
  pauseTraining();
  cancelEvaluation();
  cancelDemo();
  cancelSynthesis();
}
