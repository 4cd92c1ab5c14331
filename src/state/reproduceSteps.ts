// The Reproduce LongVPO timeline (issue #13): every step a study can show, in order, with its
// label, and which of them a recipe runs. Pure; reproduceService.ts walks it, the panel draws it.
import { singleClipLabel, STUDY_RUNS, studySteps, type Recipe, type StudyRun } from '../core/train/recipe';

const RUN_LABELS: Record<StudyRun, string> = { sft: 'SFT', 'curriculum-2': 'the 2-clip step', 'curriculum-4': 'the 4-clip step', stage1: 'Stage 1', 'stage2-cited': 'the cited-scenes step', stage2: 'Stage 2' };

export const REPRODUCE_STEPS = ['demo', 'stage1-data', 'stage2-data', ...STUDY_RUNS, ...STUDY_RUNS.map((r) => `eval-${r}` as const), ...STUDY_RUNS.map((r) => `blind-${r}` as const), ...STUDY_RUNS.map((r) => `hidden-${r}` as const)] as const;
export type ReproduceStep = (typeof REPRODUCE_STEPS)[number];
export type StepState = 'waiting' | 'running' | 'done' | 'kept' | 'failed';

export const STEP_LABELS: Record<ReproduceStep, string> = {
  demo: 'Demo world: generate and import',
  'stage1-data': 'Stage 1 triples',
  'stage2-data': 'Stage 2 triples',
  sft: 'Train SFT',
  'curriculum-2': 'Train on 2-clip composites (supervised: β 1e-4)',
  'curriculum-4': 'Train on 4-clip composites (supervised: β 1e-4)',
  stage1: 'Train Stage 1 DPO',
  'stage2-cited': 'Train on the cited scenes of Stage 2 (supervised: β 1e-4)',
  stage2: 'Train Stage 2 DPO',
  ...(Object.fromEntries(STUDY_RUNS.flatMap((r) => [
    [`eval-${r}`, `Evaluate ${RUN_LABELS[r]}`],
    [`blind-${r}`, r === 'sft' ? 'SFT with the clips hidden (does it look?)' : `${RUN_LABELS[r]} with the clips hidden`],
    [`hidden-${r}`, r === 'sft' ? 'SFT with the anchor hidden (does it read the anchor?)' : `${RUN_LABELS[r]} with the anchor hidden`],
  ])) as Record<`${'eval' | 'blind' | 'hidden'}-${StudyRun}`, string>),
};

/** A step's line in a recipe's timeline: the spread recipe's supervised steps keep every slot; Stage 1 names its single-clip pairs. */
export function stepLabel(step: ReproduceStep, recipe: Recipe, singleClip = 0): string {
  const k = /^curriculum-(\d+)$/.exec(step)?.[1];
  if (recipe === 'spread' && k) return `Train on ${k} clips over every slot (supervised: β 1e-4)`;
  if (step === 'stage1' && singleClip > 0) return `${STEP_LABELS.stage1}, ${singleClipLabel(singleClip)}`;
  return STEP_LABELS[step];
}

/** The timeline of a recipe: the steps it runs, in order (the paper's has no curriculum steps; the cited-scenes step only when asked). */
export function reproduceSteps(recipe: Recipe, o: { citedStep?: boolean } = {}): ReproduceStep[] {
  const runs = new Set(studySteps(recipe, o).map((s) => s.run));
  return REPRODUCE_STEPS.filter((s) => {
    const run = s.replace(/^(eval|blind|hidden)-/, '');
    return !(STUDY_RUNS as readonly string[]).includes(run) || runs.has(run as StudyRun);
  });
}
