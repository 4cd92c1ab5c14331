// `longvpo reproduce` (issue #13): the whole study on the demo world in one command — a training
// world and a held-out world (another seed), SFT → Stage 1 DPO → Stage 2 DPO, the held-out probe
// on every checkpoint, and the comparison. Each step runs the CLI's own command in a child
// process and is skipped when its output is already complete, so a rerun resumes where an
// interrupted one stopped (a half-trained run continues with `train --resume`).
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { formatGain, pairedGains } from '../core/eval/compare';
import { formatGap, formatGapChange, gapLength as gapLengthOf, positionGap, positionGapChange } from '../core/eval/positionGap';
import type { PairedDifference } from '../core/eval/stats';
import { PROBE_DEFAULTS, PROBE_VERSION } from '../core/eval/probe';
import { SEQUENCE_LAYOUTS, type SequenceLayout, type TrainConfig } from '../core/train/config';
import { RECIPES, recipeLayout, stepFlags, studySftEpochs, studySteps, type Recipe, type StepSettings } from '../core/train/recipe';
import { SFT_QUESTION_FORMS, type SftQuestionForm } from '../core/train/sftSynthesis';
import { STAGE1_DEFAULTS } from '../core/synthesis/stage1Settings';
import { DEMO_DATA_VERSION, DEMO_FEATURES, DEMO_SIZES, type DemoFeatures, type DemoSize } from '../core/demo';
import type { CliContext } from './context';
import { CliError } from './errors';
import { BASELINES, type EvalFile } from './eval';
import { exists, writeOutputs } from './io';
import { integer } from './options';
import { note } from './progress';

interface ReproduceOptions {
  seed: number;
  heldOutSeed?: number;
  size: DemoSize;
  out: string;
  lengths: string;
  quick: boolean;
  features: DemoFeatures;
  trainWorlds: number;
  sftQuestions: SftQuestionForm;
  layout?: SequenceLayout;
  recipe: Recipe;
  frameBudget: number;
  probeAnchors?: number;
  quiet: boolean;
}

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
export async function currentEval(file: string, lengths: string, size?: ProbeSize): Promise<boolean> {
  if (!(await exists(file))) return false;
  const e = JSON.parse(await readFile(file, 'utf8')) as EvalFile;
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
 * `ablate`; on `worlds` training worlds (N× the triples) fewer epochs, never under 1.
 */
export function stage1Settings(quick: boolean, worlds = 1): string[] {
  const stage1 = studySteps('paper', { worlds, quick }).find((s) => s.run === 'stage1');
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
 * study). A setting a run's config predates (compositeClips, replay) reads as 0, off.
 */
export async function sameStep(run: string, settings: StepSettings, init: string | null): Promise<void> {
  const config = await keptConfig(run);
  if (!config) return;
  for (const [key, want] of Object.entries(settings)) {
    const had = config.config?.[key as keyof StepSettings] ?? 0;
    if (had !== want) throw new CliError(`${run} was trained with ${key} ${String(had)}, but this study's recipe asks for ${String(want)}.`, NEW_OUT);
  }
  if (init === null) return;
  const from = await keptConfig(init);
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
const BLIND_EVAL = BASELINES.blind.file;

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

export function reproduceCommand(ctx: CliContext): Command {
  return new Command('reproduce')
    .description('The whole LongVPO study on the demo world: train world + held-out world, SFT → Stage 1 → Stage 2 DPO, the held-out probe on every checkpoint, and the comparison (DIR/comparison.json). Rerun with the same --out to resume.')
    .requiredOption('--out <dir>', 'study folder (created; finished steps in it are kept)')
    .option('--seed <n>', 'seed of the training world (and of synthesis and training)', integer(0, 2 ** 31 - 1000), 42)
    .option('--held-out-seed <n>', 'seed of the held-out world (default: --seed + 1000; must differ from --seed)', integer(0))
    .addOption(new Option('--size <size>', 'demo world size (small: a quick check, not a measurement)').choices(Object.keys(DEMO_SIZES)).default('full'))
    .option('--lengths <list>', 'probe composite lengths', '1,4,8,16,32')
    .addOption(new Option('--features <kind>', 'frame features of both worlds (`demo --features`)').choices([...DEMO_FEATURES]).default('mobilenet'))
    .option('--train-worlds <n>', 'training worlds (seeds --seed, --seed + 1, …), merged into DIR/train for every stage: more worlds, more varied questions, a policy that reads a world it never saw (docs/results.md)', integer(1, 64), 1)
    .addOption(new Option('--sft-questions <form>', 'wording of the training worlds\' SFT questions (`demo --sft-questions`); the held-out probe always asks the anchored form').choices([...SFT_QUESTION_FORMS]).default('anchored'))
    .addOption(new Option('--recipe <recipe>', 'paper: SFT → Stage 1 → Stage 2; curriculum: SFT with the question twice → supervised steps on 2- then 4-clip composites → Stage 1 → Stage 2 with Stage 1 replay (docs/evaluation.md, "Recipes")').choices([...RECIPES]).default('paper'))
    .addOption(new Option('--layout <layout>', 'the policy\'s sequence layout (`train --layout`; docs/training.md): question-twice also puts the question before the clips (default: the recipe\'s, clips-first for paper, question-twice for curriculum)').choices([...SEQUENCE_LAYOUTS]))
    .option('--frame-budget <n>', `frames of each training world's Stage 1 composites, ${STAGE1_DEFAULTS.framesPerClip} per clip (\`demo --frame-budget\`; paper: 128, 256 or 512; 512 makes them as long as the probe's 16 clips)`, integer(2 * STAGE1_DEFAULTS.framesPerClip, 2048), STAGE1_DEFAULTS.frameBudget)
    .option('--probe-anchors <n>', `anchor clips of the held-out probe (default ${PROBE_DEFAULTS.maxAnchors}; 240 resolves a position gap of about 4 points instead of 8, each evaluation taking about 4× as long: docs/evaluation.md, "The position gap")`, integer(1, 100000))
    .option('--quick', 'a smoke run in about a minute with --size small: few SFT epochs, a small probe (not a measurement)', false)
    .option('--quiet', 'less progress on stderr', false)
    .action(async (o: ReproduceOptions) => {
      const heldOut = o.heldOutSeed ?? o.seed + 1000;
      if (heldOut === o.seed) throw new CliError('The held-out world must have another seed than the training world.', 'Pass a different --held-out-seed (or leave it out: --seed + 1000).');
      const seeds = trainingSeeds(o.seed, o.trainWorlds, heldOut);
      const q = o.quiet ? ['--quiet'] : [];
      const data = join(o.out, 'data');
      const held = join(o.out, 'heldout');
      const layout = o.layout ?? recipeLayout(o.recipe);
      const steps = studySteps(o.recipe, { worlds: seeds.length, quick: o.quick });
      const runOf = (name: string): string => join(o.out, 'runs', name);
      const t0 = Date.now();
      const step = async (label: string, done: () => Promise<boolean>, args: string[]): Promise<void> => {
        if (await done()) {
          note(`reproduce: ${label} — already done, kept`, o.quiet);
          return;
        }
        note(`reproduce: ${label}…`, false);
        await runCli([...args, ...q], ctx.signal);
      };
      const world = (seed: number, dir: string): string[] => ['demo', '--size', o.size, '--seed', String(seed), '--count', '2000', '--frame-budget', String(o.frameBudget), '--features', o.features, '--sft-questions', o.sftQuestions, '--out', dir];
      const slots = Math.floor(o.frameBudget / STAGE1_DEFAULTS.framesPerClip);
      const size = probeSize(o.quick, o.probeAnchors);
      const fits = (seed: number, dir: string) => (): Promise<boolean> => keptWorld(dir, { seed, size: o.size, features: o.features, sftQuestions: o.sftQuestions, slots });
      await step(`training world (seed ${o.seed})`, fits(o.seed, data), world(o.seed, data));
      // More training worlds: each made as the first one, then all merged into DIR/train, which
      // every stage trains on (the first world stays DIR/data, as `ablate` reads it).
      let trainData = data;
      if (seeds.length > 1) {
        const extra = seeds.slice(1).map((s) => [s, join(o.out, 'worlds', `seed-${s}`)] as const);
        for (const [s, dir] of extra) await step(`training world ${s - o.seed + 1} of ${seeds.length} (seed ${s})`, fits(s, dir), world(s, dir));
        trainData = join(o.out, 'train');
        await step(`merge the ${seeds.length} training worlds`, () => keptMerge(trainData, seeds), ['merge', '--out', trainData, data, ...extra.map(([, dir]) => dir)]);
      }
      await step(`held-out world (seed ${heldOut})`, () => keptWorld(held, { seed: heldOut, size: o.size, features: o.features, sftQuestions: 'anchored', slots: 0 }), ['demo', '--size', o.size, '--seed', String(heldOut), '--count', '0', '--sft-per-clip', '0', '--features', o.features, '--out', held]);
      for (const { run: name, stage, init, settings, label } of steps) {
        const dir = runOf(name);
        const state = await trainState(dir);
        if (state !== 'none') await sameTrainingData(dir, trainData);
        if (state !== 'none' && name === 'sft') await sameLayout(dir, layout);
        if (state !== 'none') await sameStep(dir, settings, init && runOf(init));
        if (state === 'done') note(`reproduce: train ${name} (${label}) — already done, kept`, o.quiet);
        else {
          note(`reproduce: train ${name} (${label})${state === 'partial' ? ', resuming' : ''}…`, false);
          // Evaluations of an earlier state of this run.
          for (const f of ['eval.json', BLIND_EVAL, HIDDEN_ANCHOR_EVAL, ...(name === 'sft' ? [TRAIN_WORLD_EVAL, TRAIN_WORLD_BLIND] : [])]) await rm(join(dir, f), { force: true });
          const args = [
            '--stage', stage === 'sft' ? 'sft' : stage === 'stage1' ? '1' : '2',
            ...(init ? ['--init', runOf(init)] : [...sftEpochs(seeds.length, o.quick), ...(layout !== 'clips-first' ? ['--layout', layout] : [])]),
            ...stepFlags(settings),
          ];
          await runCli(state === 'partial' ? ['train', '--resume', dir, ...q] : ['train', '--data', trainData, ...args, '--out', dir, ...q], ctx.signal);
          await writeOutputs(dir, { done: 'finished\n' });
        }
        const probe = ['--run', dir, '--data', held, '--lengths', o.lengths, ...probeSizeArgs(size)];
        await step(`evaluate ${name}`, () => currentEval(join(dir, 'eval.json'), o.lengths, size), ['eval', ...probe]);
        // The question-only baseline on the same items: how much of the accuracy comes from looking.
        await step(`evaluate ${name} blind (clip vectors zeroed)`, () => currentEval(join(dir, BLIND_EVAL), o.lengths, size), ['eval', ...probe, '--blind']);
        // Only the anchor hidden, distractors kept: how much of the accuracy needs the anchor. A
        // gain that survives it was won by ruling out what the distractors show, not by finding
        // the anchor (docs/evaluation.md, "Reading the anchor").
        await step(`evaluate ${name} with the anchor hidden`, () => currentEval(join(dir, HIDDEN_ANCHOR_EVAL), o.lengths, size), ['eval', ...probe, '--hide-anchor']);
        if (name === 'sft') {
          // The memorisation check: the same one-clip probe on the first *training* world. Looking
          // that helps there and not on the held-out world is recall of the training clips, not
          // reading (docs/evaluation.md, "Memorisation").
          const own = ['eval', '--run', dir, '--data', data, '--lengths', '1', ...probeSizeArgs(size)];
          for (const [file, extra] of [[TRAIN_WORLD_EVAL, []], [TRAIN_WORLD_BLIND, ['--blind']]] as const)
            await step(`evaluate sft on its training world${extra.length ? ' blind' : ''}`, () => currentEval(join(dir, file), '1', size), [...own, ...extra, '--out', join(dir, file)]);
        }
      }
      const names = steps.map((st) => st.run);
      type Evals = Record<string, EvalFile>;
      // One evaluation file of every run, by run name.
      const readEach = async (file: string): Promise<Evals> => Object.fromEntries(await Promise.all(names.map(async (n) => [n, JSON.parse(await readFile(join(runOf(n), file), 'utf8')) as EvalFile] as const)));
      const pick = (m: Evals, n: string): EvalFile => m[n] as EvalFile;
      const byName = await readEach('eval.json');
      const blindByName = await readEach(BLIND_EVAL);
      const hiddenByName = await readEach(HIDDEN_ANCHOR_EVAL);
      // Each run's gain over its own baseline, on the same items.
      const over = (base: Evals) => Object.fromEntries(names.map((n) => [n, pairedGains(pick(base, n).per_item, pick(byName, n).per_item) ?? null]));
      const summaries = (files: Evals) => Object.fromEntries(names.map((n) => [n, { by_length: pick(files, n).by_length, n: pick(files, n).n, per_item: pick(files, n).per_item }]));
      // The effect as paired changes on the same items (Newcombe intervals, McNemar p): Stage 1
      // over SFT on the probe by length; Stage 2 over Stage 1 on the Stage 2 probe by context.
      // Each run of the study (the curriculum's steps too) against SFT on the same items.
      const vsSft = Object.fromEntries(names.filter((n) => n !== 'sft').map((n) => [n, pairedGains(pick(byName, 'sft').per_item, pick(byName, n).per_item) ?? null]));
      // The acceptance's best − worst position gap at 16 clips (or the longest length asked), with
      // what noise alone gives and the paired change's interval (docs/evaluation.md, "The position gap").
      const gapLength = gapLengthOf(o.lengths.split(','));
      const positionGaps = {
        length: gapLength,
        by_run: Object.fromEntries(names.map((n) => [n, positionGap(pick(byName, n).per_item, gapLength) ?? null])),
        stage1_vs_sft: positionGapChange(pick(byName, 'sft').per_item, pick(byName, 'stage1').per_item, gapLength) ?? null,
        stage2_vs_stage1: positionGapChange(pick(byName, 'stage1').per_item, pick(byName, 'stage2').per_item, gapLength) ?? null,
      };
      const gains = {
        stage1_vs_sft: vsSft.stage1 ?? null,
        stage2_vs_stage1: pairedGains(pick(byName, 'stage1').per_item, pick(byName, 'stage2').per_item) ?? null,
        stage2_probe_stage2_vs_stage1: pairedGains(pick(byName, 'stage1').stage2?.per_item, pick(byName, 'stage2').stage2?.per_item) ?? null,
        // What looking adds (each run against its own blind score) and the Stage 1 change with the
        // clips hidden: a gain that survives blinding is a change of the answer prior, not of looking.
        looking: over(blindByName),
        stage1_vs_sft_blind: pairedGains(pick(blindByName, 'sft').per_item, pick(blindByName, 'stage1').per_item) ?? null,
        // What the anchor adds (each run against itself with the anchor hidden), and the Stage 1
        // change with the anchor hidden: the share of the gain that does not need the anchor.
        reading: over(hiddenByName),
        stage1_vs_sft_anchor_hidden: pairedGains(pick(hiddenByName, 'sft').per_item, pick(hiddenByName, 'stage1').per_item) ?? null,
        memorisation: await memorisationGap(runOf('sft')),
        vs_sft: vsSft,
        position_gap: positionGaps,
      };
      const comparison = { seed: o.seed, training_seeds: seeds, held_out_seed: heldOut, size: o.size, recipe: o.recipe, layout, stage1_clips: slots, probe_anchors: size.maxAnchors, runs: byName, blind: summaries(blindByName), anchor_hidden: summaries(hiddenByName), gains, seconds: (Date.now() - t0) / 1000 };
      await writeOutputs(o.out, { 'comparison.json': JSON.stringify(comparison, null, 2) + '\n' }, ctx.signal);
      const lengths = Object.keys(pick(byName, 'sft').by_length);
      const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '—' : (100 * x).toFixed(1));
      const lines = [
        `| model | ${lengths.map((l) => `${l} clip${l === '1' ? '' : 's'}`).join(' | ')} | Stage 2 probe: full / cited |`,
        `|---|${lengths.map(() => '---').join('|')}|---|`,
        ...Object.entries(byName).map(([name, e]) => `| ${name} | ${lengths.map((l) => `${pct(e.by_length[l])} [${pct(e.summed.byLength[l]?.ci95[0])}, ${pct(e.summed.byLength[l]?.ci95[1])}]`).join(' | ')} | ${pct(e.stage2?.full?.accuracy)} / ${pct(e.stage2?.cited?.accuracy)} |`),
        ...Object.entries(blindByName).map(([name, e]) => `| ${name}, blind | ${lengths.map((l) => pct(e.by_length[l])).join(' | ')} | ${pct(e.stage2?.full?.accuracy)} / ${pct(e.stage2?.cited?.accuracy)} |`),
        ...Object.entries(hiddenByName).map(([name, e]) => `| ${name}, anchor hidden | ${lengths.map((l) => pct(e.by_length[l])).join(' | ')} | — |`),
      ];
      if (!pick(byName, 'sft').per_item || !pick(byName, 'stage1').per_item) lines.push('', `No paired gains: an evaluation was written before per-item results were kept. Delete ${join(o.out, 'runs', '*', 'eval.json')} and run reproduce again to re-evaluate (the trained runs are kept).`);
      const byLength = (g: Record<string, Parameters<typeof formatGain>[0]>): string => lengths.map((l) => `${l} clip${l === '1' ? '' : 's'} ${formatGain(g[l])}`).join('; ');
      if (gains.stage1_vs_sft) lines.push('', `Stage 1 − SFT, paired on the same items [95% CI], McNemar p: ${byLength(gains.stage1_vs_sft)}`);
      for (const st of steps.filter((x) => x.run.startsWith('curriculum'))) {
        const g = gains.vs_sft[st.run];
        if (g) lines.push(`${st.run} (${st.label}) − SFT: ${byLength(g)}`);
      }
      for (const [name, g] of Object.entries(gains.looking))
        lines.push(g ? `Looking at the clips, ${name} (seeing − blind): ${byLength(g)}` : `Looking at the clips, ${name}: eval.json and ${BLIND_EVAL} scored different items (other settings or probe version); delete both and run reproduce again.`);
      if (gains.stage1_vs_sft_blind) lines.push(`Stage 1 − SFT with the clips hidden (the answer prior's share of the gain): ${byLength(gains.stage1_vs_sft_blind)}`);
      for (const [name, g] of Object.entries(gains.reading))
        lines.push(g ? `Reading the anchor, ${name} (seeing − anchor hidden): ${byLength(g)}` : `Reading the anchor, ${name}: eval.json and ${HIDDEN_ANCHOR_EVAL} scored different items; delete both and run reproduce again.`);
      if (gains.stage1_vs_sft_anchor_hidden) lines.push(`Stage 1 − SFT with the anchor hidden (the share of the gain won from the distractors, not the anchor): ${byLength(gains.stage1_vs_sft_anchor_hidden)}`);
      if (gains.memorisation === 'unpaired') lines.push(`SFT on its training world: ${TRAIN_WORLD_EVAL} and ${TRAIN_WORLD_BLIND} scored different items; delete both and run reproduce again.`);
      else if (gains.memorisation)
        lines.push(`SFT looking at one clip (seeing − blind): on its training world ${formatGain(gains.memorisation.training_world)}; on the held-out world ${gains.looking.sft?.['1'] ? formatGain(gains.looking.sft['1']) : '— (add 1 to --lengths)'} — a gain on the first and not the second is recall of that world, not reading`);
      if (positionGaps.stage1_vs_sft) {
        lines.push(`Best − worst anchor position at ${gapLength} clips (points): ${names.map((n) => `${n} ${formatGap(positionGaps.by_run[n] ?? undefined)}`).join('; ')}`);
        lines.push(`Position gap, Stage 1 − SFT, paired [95% CI, questions resampled]: ${formatGapChange(positionGaps.stage1_vs_sft)}`);
      } else if (gapLength > 1) lines.push(`No position gap at ${gapLength} clips: an evaluation was written before positions were kept with its per-item results. Delete ${join(o.out, 'runs', '*', 'eval.json')} and run reproduce again to re-evaluate (the trained runs are kept).`);
      if (gains.stage2_probe_stage2_vs_stage1) lines.push(`Stage 2 probe, Stage 2 − Stage 1: full video ${formatGain(gains.stage2_probe_stage2_vs_stage1.full)}; cited scenes ${formatGain(gains.stage2_probe_stage2_vs_stage1.cited)}`);
      process.stdout.write(lines.join('\n') + '\n');
      note(`reproduce: done in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${join(o.out, 'comparison.json')}`, o.quiet);
    });
}
