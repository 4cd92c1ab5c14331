// What a `longvpo reproduce` study folder keeps, and when a step's output may be kept: finished
// runs and evaluations, training worlds and their merge, each checked against what a rerun asks
// for (another setting is refused by name, never silently reused); the probe's size; the child
// process a step runs in. `reproduce` and `ablate` share these (tests/studyFiles.test.ts).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pairedGains } from '../core/eval/compare';
import type { PairedDifference } from '../core/eval/stats';
import { PROBE_DEFAULTS, PROBE_VERSION } from '../core/eval/probe';
import type { SequenceLayout, TrainConfig } from '../core/train/config';
import { stepChange, stepFlags, studySftEpochs, studySteps, type StepSettings } from '../core/train/recipe';
import type { SftQuestionForm } from '../core/train/sftSynthesis';
import { STAGE1_DEFAULTS } from '../core/synthesis/stage1Settings';
import { DEMO_DATA_VERSION, type DemoFeatures, type DemoSize } from '../core/demo';
import { CliError } from './errors';
import { BASELINES, type EvalFile } from './eval';
import { exists } from './io';

/** SFT epochs of a study on `worlds` training worlds: the default 20 on one world, fewer on more (about the same steps from 2 on, never under 4). */
export function sftEpochs(worlds: number, quick: boolean): string[] {
  const epochs = studySftEpochs(worlds, quick);
  return epochs === undefined ? [] : ['--epochs', String(epochs)];
}

/** Seeds of a study's training worlds: seed, seed + 1, … (`--train-worlds`); the held-out seed must not be one of them. */
export function trainingSeeds(seed: number, worlds: number, heldOut: number): number[] {
  const seeds = Array.from({ length: worlds }, (_, i) => seed + i);
  if (seeds.includes(heldOut))
    throw new CliError(
      `The held-out world (seed ${heldOut}) would be one of the ${worlds} training worlds (seeds ${seed}–${seed + worlds - 1}).`,
      'Pass a --held-out-seed outside that range, or fewer --train-worlds.',
    );
  return seeds;
}

/** How many items the probe scores: anchors sampled and questions per anchor clip. */
export interface ProbeSize {
  maxAnchors: number;
  questionsPerClip: number;
}

/** The probe of a study: the default size, a quick run's small one, or `--probe-anchors` anchors. */
export function probeSize(quick: boolean, anchors?: number): ProbeSize {
  return { maxAnchors: anchors ?? (quick ? 6 : PROBE_DEFAULTS.maxAnchors), questionsPerClip: quick ? 1 : PROBE_DEFAULTS.questionsPerClip };
}

export function probeSizeArgs(size: ProbeSize): string[] {
  return ['--max-anchors', String(size.maxAnchors), '--questions-per-clip', String(size.questionsPerClip)];
}

/**
 * True when `file` is an evaluation a study can keep: made by the current probe version (other
 * versions give other items, so nothing pairs) at the lengths asked for (`--lengths`, e.g.
 * "1,16,32") and, when given, of this size (a file that predates recording it reads as the default).
 */
export async function currentEval(file: string, lengths: string, size?: ProbeSize, { sameForm = false }: { sameForm?: boolean } = {}): Promise<boolean> {
  if (!(await exists(file))) return false;
  const e = JSON.parse(await readFile(file, 'utf8')) as EvalFile;
  // Written before the same-form Stage 2 probe (null: the world has no long video for it).
  if (sameForm && e.stage2_same_form === undefined) return false;
  const wanted = lengths.split(',').map((l) => Number(l.trim()));
  const settings = e.probe?.settings;
  const had = settings?.lengths ?? [];
  if (size && ((settings?.maxAnchors ?? PROBE_DEFAULTS.maxAnchors) !== size.maxAnchors || (settings?.questionsPerClip ?? PROBE_DEFAULTS.questionsPerClip) !== size.questionsPerClip)) return false;
  return e.probe?.version === PROBE_VERSION && had.length === wanted.length && had.every((l, i) => l === wanted[i]);
}

/** Runs `longvpo ARGS` as a child process (its stderr shown), rejecting with the step on failure. */
export function runCli(args: string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1] as string, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    const stop = (): void => void child.kill('SIGINT');
    signal.addEventListener('abort', stop, { once: true });
    child.on('exit', (code) => {
      signal.removeEventListener('abort', stop);
      if (code === 0) resolve();
      else if (signal.aborted || code === 130) reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
      else reject(new CliError(`Step \`longvpo ${args.join(' ')}\` failed (exit ${code}).`, 'Read its message above; run `longvpo reproduce` again with the same --out to resume after fixing it.'));
    });
  });
}

/** done: `reproduce` marked it finished; partial: it has a checkpoint to resume from; none: start it. */
export async function trainState(run: string): Promise<'done' | 'partial' | 'none'> {
  if (await exists(join(run, 'done'))) return 'done';
  return (await exists(join(run, 'checkpoint.json'))) ? 'partial' : 'none';
}

/**
 * The study's Stage 1 settings (a 5× learning rate and 3 epochs: docs/results.md), shared by
 * `ablate`; on `worlds` training worlds (N× the triples) fewer epochs, never under 1; with the
 * study's share of single-clip pairs.
 */
export function stage1Settings(quick: boolean, worlds = 1, singleClip?: number): string[] {
  const stage1 = studySteps('paper', { worlds, quick, singleClip }).find((s) => s.run === 'stage1');
  return stepFlags(stage1?.settings ?? {});
}

const NEW_OUT = 'Use a new --out for the new settings, or run reproduce with the settings that made this study.';

/** A kept run of a study must have been trained on the data this rerun would use (e.g. not on one world when --train-worlds now asks for more). */
export async function sameTrainingData(run: string, data: string): Promise<void> {
  const had = (await keptConfig(run))?.data;
  if (typeof had === 'string' && had !== data)
    throw new CliError(`${run} was trained on ${had}, but this study now trains on ${data} (other --train-worlds than before?).`, NEW_OUT);
}

/** Refuses to keep an SFT run trained with another sequence layout than the study asks for. */
export async function sameLayout(run: string, layout: SequenceLayout): Promise<void> {
  const config = await keptConfig(run);
  const had = config && (config.model?.layout ?? 'clips-first');
  if (had && had !== layout) throw new CliError(`${run} was trained with the ${String(had)} layout, but this study asks for ${layout}.`, NEW_OUT);
}

interface KeptConfig {
  run_id?: unknown;
  data?: unknown;
  init?: unknown;
  model?: { layout?: unknown };
  config?: Partial<Record<keyof TrainConfig, unknown>>;
}

/** A kept run's config.json, or null when it has no readable one (`train --resume` then reports what is wrong). */
async function keptConfig(run: string): Promise<KeptConfig | null> {
  try {
    return JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as KeptConfig;
  } catch {
    return null;
  }
}

/**
 * Refuses to keep a DPO run of a study trained with other settings than its recipe's step asks
 * for, or from another run than the step's init (e.g. a paper-recipe Stage 1 in a curriculum
 * study). The data settings a step may change (cut, kept slots, single-clip pairs, replay) are
 * compared whether or not the step sets them, so a run made with one is refused where the recipe
 * leaves it off, and the other way round; one a run's config predates reads as off.
 */
export async function sameStep(run: string, settings: StepSettings, init: string | null): Promise<void> {
  const config = await keptConfig(run);
  if (!config) return;
  const change = stepChange(config.config, settings);
  if (change) throw new CliError(`${run} was trained with ${change.key} ${String(change.had)}, but this study's recipe asks for ${String(change.want)}.`, NEW_OUT);
  if (init === null) return;
  const from = await keptConfig(init);
  // The recipe now starts this run from a step it does not have yet (e.g. `--cited-step` on a
  // finished study): the kept run came from elsewhere. Said before any training, not after it.
  if (!from && typeof config.init === 'string') throw new CliError(`${run} was started from ${config.init}, but this study's recipe starts it from ${init}, which is not trained yet.`, `Use a new --out for the new settings, or delete ${run} to train it again after ${init} (the runs before it are kept).`);
  const pointer = await readStudyJson<{ step?: unknown }>(join(init, 'checkpoint.json'));
  if (!from || typeof from.run_id !== 'string' || typeof pointer?.step !== 'number') return;
  const want = `${from.run_id}@${String(pointer.step).padStart(6, '0')}`;
  if (config.init !== want) throw new CliError(`${run} was started from ${String(config.init)}, but this study's recipe starts it from ${init} (${want}).`, NEW_OUT);
}

/** The SFT run's one-clip probe on its own first training world, seeing and blind (`reproduce`'s memorisation check). */
export const TRAIN_WORLD_EVAL = 'eval-train-world.json';
export const TRAIN_WORLD_BLIND = 'eval-train-world-blind.json';
/** Each run's probe with only the anchor hidden (`eval --hide-anchor`). */
export const HIDDEN_ANCHOR_EVAL = BASELINES['anchor-hidden'].file;
export const BLIND_EVAL = BASELINES.blind.file;

/** A study file as JSON, or undefined when it is missing; unreadable JSON is an error naming the file. */
async function readStudyJson<T>(file: string): Promise<T | undefined> {
  if (!(await exists(file))) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (e) {
    throw new CliError(`${file} is not valid JSON.`, 'Delete it and run reproduce again with the same --out: the step that wrote it runs again.', { cause: e });
  }
}

/**
 * What looking adds at one clip on the SFT run's training world (paired); null when either file is
 * missing, 'unpaired' when they scored different items.
 */
export async function memorisationGap(run: string): Promise<{ training_world: PairedDifference } | 'unpaired' | null> {
  const seeing = await readStudyJson<EvalFile>(join(run, TRAIN_WORLD_EVAL));
  const blind = await readStudyJson<EvalFile>(join(run, TRAIN_WORLD_BLIND));
  if (!seeing || !blind) return null;
  const gap = pairedGains(blind.per_item, seeing.per_item)?.['1'];
  return gap ? { training_world: gap } : 'unpaired';
}

/** What a study asks of each training world it makes (`demo`'s settings that change its files). */
export interface WorldSettings {
  seed: number;
  size: DemoSize;
  features: DemoFeatures;
  sftQuestions: SftQuestionForm;
  /** Clips per Stage 1 composite: `--frame-budget` over the default frames per clip. */
  slots: number;
}

/**
 * Why a kept world's report does not fit `want`, or null. Fields a report predates read as what
 * was then the only choice (SFT wording: anchored; data version 1) or are not compared
 * (features: not recorded).
 */
export function worldMismatch(report: { seed?: unknown; size?: unknown; features?: unknown; sft?: { questions?: unknown }; stage1?: { slots?: unknown }; data_version?: unknown }, want: WorldSettings): string | null {
  if (report.seed !== want.seed) return `seed ${String(report.seed)}, but this study asks for seed ${want.seed}`;
  if (report.size !== want.size) return `size ${String(report.size)}, but this study asks for ${want.size}`;
  if (report.features !== undefined && report.features !== want.features) return `features ${String(report.features)}, but this study asks for ${want.features}`;
  const had = report.sft?.questions ?? 'anchored';
  if (had !== want.sftQuestions) return `SFT questions of the form ${String(had)}, but this study asks for ${want.sftQuestions}`;
  // A held-out world has no Stage 1 triples (`--count 0`); its composites are the probe's own.
  if (want.slots > 0 && report.stage1?.slots !== undefined && report.stage1.slots !== want.slots) return `Stage 1 composites of ${String(report.stage1.slots)} clips, but this study asks for ${want.slots} (--frame-budget ${want.slots * STAGE1_DEFAULTS.framesPerClip})`;
  const version = report.data_version ?? 1;
  if (version !== DEMO_DATA_VERSION) return `data version ${String(version)}, made before \`demo\` wrote its files as it does now (data version ${DEMO_DATA_VERSION}: docs/cli.md)`;
  return null;
}

/** True when `dir` holds a finished world that fits `want`; throws when it holds another one (never silently kept). */
export async function keptWorld(dir: string, want: WorldSettings): Promise<boolean> {
  const report = await readStudyJson<Parameters<typeof worldMismatch>[0]>(join(dir, 'report.json'));
  if (!report) return false;
  const problem = worldMismatch(report, want);
  if (problem) throw new CliError(`${dir} holds a demo world of ${problem}.`, NEW_OUT);
  return true;
}

/** True when `dir` holds the merge of exactly these training worlds; throws when it merges others. */
export async function keptMerge(dir: string, seeds: readonly number[]): Promise<boolean> {
  const report = await readStudyJson<{ sources?: { seed?: number }[] }>(join(dir, 'report.json'));
  if (!report) return false;
  const had = (report.sources ?? []).map((s) => s.seed);
  if (had.length !== seeds.length || had.some((s, i) => s !== seeds[i])) throw new CliError(`${dir} merges the worlds of seeds ${had.join(', ')}, but this study trains on seeds ${seeds.join(', ')}.`, NEW_OUT);
  return true;
}
