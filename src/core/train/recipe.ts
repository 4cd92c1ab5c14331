// The study's training recipes (`longvpo reproduce --recipe`, the Reproduce panel's "Recipe"):
// which runs a study trains, from which, with which settings. Pure; the CLI turns a step into
// `train` flags and the browser into a Train form, so both run the same study.
//
// - paper: SFT → Stage 1 DPO → Stage 2 DPO, the paper's recipe at the study's sizes
//   (docs/results.md, "reproduce").
// - curriculum: SFT with the question before and after the clips → supervised steps on Stage 1
//   composites cut to 2, then 4 clips (β 1e-4: the DPO term all but off, α·SFT on) → Stage 1 DPO
//   on the full composites at the Train page's learning rate → Stage 2 DPO for one epoch with as
//   many Stage 1 pairs replayed. The chain that gained +9.7 and +10.6 points at 16 clips, all of it
//   reading the anchor, on sixteen fact-token worlds (docs/results.md, "A four-clip step").
// - spread: the curriculum with its supervised steps on composites that keep every slot (2, then 4
//   distinct clips repeated over them, the anchor in any slot; `keepSlots`): the cut composites put
//   the anchor within four slots of the question, and the curriculum then read the end of a
//   16-clip composite better than its start (docs/results.md, "A curriculum that keeps every slot").
//
// Any recipe's Stage 1 can also train a share of its pairs once more with the anchor alone
// (`singleClip`, `reproduce --single-clip`): without it every Stage 1 pair is long, and the
// single-clip probe fell 6 to 13 points (docs/results.md, "Single-clip pairs in Stage 1").
//
// Any recipe can also put a supervised step on the cited scenes between Stage 1 and Stage 2
// (`citedStep`, `reproduce --cited-step`): each Stage 2 pair with only the scenes its query cites,
// β 1e-4, α·SFT on, lr 1e-3, 3 epochs, as many Stage 1 pairs replayed; Stage 2 DPO then starts from
// it. The first Stage 2 policy that read cross-scene queries came from it (docs/results.md,
// "A supervised Stage 2 step that reads the cited scenes").
import { type SequenceLayout, type TrainConfig, type TrainStage } from './config';
import { sequenceLength } from './layout';
import { words } from './tokenizer';

export const RECIPES = ['paper', 'curriculum', 'spread'] as const;
export type Recipe = (typeof RECIPES)[number];

/** The curriculum's composite lengths, shortest first; Stage 1 then trains on the full composites. */
export const CURRICULUM_CLIPS = [2, 4] as const;

/** Every run a study can train, in training order (the paper's recipe has no curriculum runs). */
export const STUDY_RUNS = ['sft', ...CURRICULUM_CLIPS.map((k) => `curriculum-${k}` as const), 'stage1', 'stage2-cited', 'stage2'] as const;
export type StudyRun = 'sft' | `curriculum-${(typeof CURRICULUM_CLIPS)[number]}` | 'stage1' | 'stage2-cited' | 'stage2';

/** The cited-scenes step's settings (`citedStep`): supervised (β 1e-4, α·SFT on) on each Stage 2 pair's cited scenes, with Stage 1 replay. */
export const CITED_STEP_SETTINGS = { citedOnly: true, beta: 1e-4, lr: 1e-3, epochs: 3, replay: 1 } as const;

/** What a step changes from the Train page's defaults for its stage. */
export type StepSettings = Partial<Pick<TrainConfig, 'lr' | 'epochs' | 'beta' | 'compositeClips' | 'keepSlots' | 'singleClip' | 'replay' | 'citedOnly'>>;

export interface StudyStep {
  /** The run's name in the study (a folder under DIR/runs, a key of comparison.json's runs). */
  run: StudyRun;
  stage: TrainStage;
  /** The run whose latest checkpoint starts this one (null: a fresh SFT model). */
  init: StudyRun | null;
  settings: StepSettings;
  /** What the step is, for progress lines and the timeline. */
  label: string;
}

/** A Stage 1 step's share of single-clip pairs in words: 0.5 → "50% of its pairs also with the anchor alone". */
export function singleClipLabel(share: number): string {
  return `${Math.round(100 * share)}% of its pairs also with the anchor alone`;
}

/** The SFT model's layout a recipe trains with, unless the study names one. */
export function recipeLayout(recipe: Recipe): SequenceLayout {
  return recipe === 'paper' ? 'clips-first' : 'question-twice';
}

/**
 * SFT epochs of a study on `worlds` training worlds: undefined (the SFT default, 20) on one world,
 * fewer on more — about the same steps from 2 on, never under 4; `quick` (a smoke run) 4.
 */
export function studySftEpochs(worlds: number, quick = false): number | undefined {
  if (quick) return 4;
  return worlds > 1 ? Math.max(4, Math.round(20 / worlds)) : undefined;
}

/**
 * The most training worlds the Reproduce panel offers. The sixteen-world studies of docs/results.md
 * gained at 16 clips by the answer prior alone; 32 worlds gave the first gain that reads the clips
 * ("Thirty-two training worlds"), so the panel reaches it.
 */
export const MAX_STUDY_WORLDS = 32;

/**
 * The runs of a study, in training order. `worlds` training worlds (N× the triples) take fewer
 * DPO epochs: 3 on one world, never under 1; `quick` (a smoke run) one.
 */
export function studySteps(recipe: Recipe, o: { worlds?: number; quick?: boolean; singleClip?: number; citedStep?: boolean } = {}): StudyStep[] {
  const steps = recipeSteps(recipe, o);
  if (!o.citedStep) return steps;
  // Stage 2 starts from the cited-scenes step, which starts from Stage 1.
  const cited: StudyStep = { run: 'stage2-cited', stage: 'stage2', init: 'stage1', settings: { ...CITED_STEP_SETTINGS, ...(o.quick && { epochs: 1 }) }, label: 'supervised on the cited scenes' };
  return steps.flatMap((st) => (st.run === 'stage2' ? [cited, { ...st, init: cited.run }] : [st]));
}

function recipeSteps(recipe: Recipe, o: { worlds?: number; quick?: boolean; singleClip?: number }): StudyStep[] {
  const epochs = o.quick ? 1 : Math.max(1, Math.round(3 / (o.worlds ?? 1)));
  // Stage 1's share of single-clip pairs (0 or absent: none, the paper's).
  const single: StepSettings = o.singleClip ? { singleClip: o.singleClip } : {};
  const stage1Label = o.singleClip ? `Stage 1 DPO, ${singleClipLabel(o.singleClip)}` : 'Stage 1 DPO';
  const sft: StudyStep = { run: 'sft', stage: 'sft', init: null, settings: {}, label: 'SFT' };
  if (recipe === 'paper')
    return [
      sft,
      // A 5× learning rate and 3 epochs on one world (docs/results.md).
      { run: 'stage1', stage: 'stage1', init: 'sft', settings: { lr: 1e-3, epochs, ...single }, label: stage1Label },
      { run: 'stage2', stage: 'stage2', init: 'stage1', settings: {}, label: 'Stage 2 DPO' },
    ];
  const steps: StudyStep[] = [sft];
  let init: StudyRun = 'sft';
  for (const clips of CURRICULUM_CLIPS) {
    const run = `curriculum-${clips}` as const;
    const spread = recipe === 'spread';
    steps.push({ run, stage: 'stage1', init, settings: { compositeClips: clips, ...(spread && { keepSlots: true }), beta: 1e-4, lr: 1e-3, epochs }, label: spread ? `supervised on ${clips} clips over every slot` : `supervised on ${clips}-clip composites` });
    init = run;
  }
  steps.push({ run: 'stage1', stage: 'stage1', init, settings: { lr: 2e-4, epochs, ...single }, label: stage1Label });
  steps.push({ run: 'stage2', stage: 'stage2', init: 'stage1', settings: { epochs: 1, replay: 1 }, label: 'Stage 2 DPO with Stage 1 replay' });
  return steps;
}

/** A step's settings as `longvpo train` flags. */
export function stepFlags(s: StepSettings): string[] {
  const flags: [string, number | true | undefined][] = [
    ['--composite-clips', s.compositeClips],
    ['--keep-slots', s.keepSlots ? true : undefined],
    ['--beta', s.beta],
    ['--lr', s.lr],
    ['--epochs', s.epochs],
    ['--replay', s.replay],
    ['--single-clip', s.singleClip],
    ['--cited-only', s.citedOnly ? true : undefined],
  ];
  return flags.flatMap(([flag, v]) => (v === undefined ? [] : v === true ? [flag] : [flag, String(v)]));
}

/** The data settings a step may change, and their value when a run's config leaves them out (off). */
const DATA_SETTINGS_OFF = { compositeClips: 0, keepSlots: false, singleClip: 0, replay: 0, citedOnly: false } as const satisfies StepSettings;

/**
 * The first setting a run was trained with that its study step now asks otherwise, or null. Every
 * setting the step sets is compared, and the data settings (cut, kept slots, single-clip pairs,
 * replay, cited scenes only) whether or not it sets them: a run made with one does not stand for a step without it,
 * nor the other way round. A setting a run's config predates reads as off.
 */
export function stepChange(config: Partial<Record<keyof StepSettings, unknown>> | undefined, settings: StepSettings): { key: keyof StepSettings; had: unknown; want: unknown } | null {
  const off: StepSettings = DATA_SETTINGS_OFF;
  const keys = new Set([...Object.keys(settings), ...Object.keys(off)] as (keyof StepSettings)[]);
  for (const key of keys) {
    const had = config?.[key] ?? off[key] ?? 0;
    const want = settings[key] ?? off[key] ?? 0;
    if (had !== want) return { key, had, want };
  }
  return null;
}

type ContextTriple = { clips: readonly unknown[]; question: string; chosen: string; rejected: string };

/**
 * The triple with the longest sequence (question, clips at `tokensPerClip` each, the longer answer):
 * its length, and what of it the clips take (`clipTokens`), so a refusal can say whether the clips
 * or the words are what is long; null for none.
 */
export function longestTriple<T extends ContextTriple>(triples: readonly T[], tokensPerClip: number, layout: SequenceLayout): { triple: T; length: number; clipTokens: number } | null {
  let best: { triple: T; length: number; clipTokens: number } | null = null;
  for (const t of triples) {
    const question = words(t.question).length;
    const answer = Math.max(words(t.chosen).length, words(t.rejected).length);
    const clipTokens = t.clips.length * tokensPerClip;
    const length = sequenceLength({ clipRows: new Array<number>(clipTokens), question: new Array<number>(question), answer: new Array<number>(answer) }, layout);
    if (!best || length > best.length) best = { triple: t, length, clipTokens };
  }
  return best;
}

