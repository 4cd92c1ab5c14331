// `longvpo reproduce` (issue #13): the whole study on the demo world in one command — a training
// world and a held-out world (another seed), SFT → Stage 1 DPO → Stage 2 DPO, the held-out probe
// on every checkpoint, and the comparison. Each step runs the CLI's own command in a child
// process and is skipped when its output is already complete, so a rerun resumes where an
// interrupted one stopped (a half-trained run continues with `train --resume`).
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { acceptanceLines, acceptanceSummary } from '../core/eval/acceptance';
import { formatGain, pairedGains } from '../core/eval/compare';
import { formatGap, formatGapChange, gapLength as gapLengthOf, positionGap, positionGapChange } from '../core/eval/positionGap';
import { PROBE_DEFAULTS } from '../core/eval/probe';
import { SEQUENCE_LAYOUTS, type SequenceLayout } from '../core/train/config';
import { RECIPES, recipeLayout, stepFlags, studySteps, type Recipe } from '../core/train/recipe';
import { SFT_QUESTION_FORMS, type SftQuestionForm } from '../core/train/sftSynthesis';
import { STAGE1_DEFAULTS } from '../core/synthesis/stage1Settings';
import { DEMO_FEATURES, DEMO_SIZES, type DemoFeatures, type DemoSize } from '../core/demo';
import type { CliContext } from './context';
import { CliError } from './errors';
import type { EvalFile } from './eval';
import { writeOutputs } from './io';
import { decimal, integer } from './options';
import { note } from './progress';
import {
  BLIND_EVAL,
  HIDDEN_ANCHOR_EVAL,
  TRAIN_WORLD_BLIND,
  TRAIN_WORLD_EVAL,
  currentEval,
  keptMerge,
  keptWorld,
  memorisationGap,
  probeSize,
  probeSizeArgs,
  runCli,
  sameLayout,
  sameStep,
  sameTrainingData,
  sftEpochs,
  trainState,
  trainingSeeds,
} from './studyFiles';

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
  singleClip?: number;
  citedStep: boolean;
  quiet: boolean;
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
    .addOption(new Option('--recipe <recipe>', 'paper: SFT → Stage 1 → Stage 2; curriculum: SFT with the question twice → supervised steps on 2- then 4-clip composites → Stage 1 → Stage 2 with Stage 1 replay; spread: the curriculum with its 2 and 4 clips repeated over every slot of the full composites (docs/evaluation.md, "Recipes")').choices([...RECIPES]).default('paper'))
    .addOption(new Option('--layout <layout>', 'the policy\'s sequence layout (`train --layout`; docs/training.md): question-twice also puts the question before the clips (default: the recipe\'s, clips-first for paper, question-twice for curriculum and spread)').choices([...SEQUENCE_LAYOUTS]))
    .option('--frame-budget <n>', `frames of each training world's Stage 1 composites, ${STAGE1_DEFAULTS.framesPerClip} per clip (\`demo --frame-budget\`; paper: 128, 256 or 512; 512 makes them as long as the probe's 16 clips)`, integer(2 * STAGE1_DEFAULTS.framesPerClip, 2048), STAGE1_DEFAULTS.frameBudget)
    .option('--probe-anchors <n>', `anchor clips of the held-out probe (default ${PROBE_DEFAULTS.maxAnchors}; 240 resolves a position gap of about 4 points instead of 8, each evaluation taking about 4× as long: docs/evaluation.md, "The position gap")`, integer(1, 100000))
    .option('--single-clip <share>', 'Stage 1 also trains this share of its pairs (0–1) once more with the anchor alone, as `train --single-clip` (default: none, the paper\'s); 0.5 kept single-clip accuracy within 2 points of SFT (docs/results.md, "Single-clip pairs in Stage 1")', decimal(0, 1))
    .option('--cited-step', 'a supervised step on the cited scenes between Stage 1 and Stage 2 (`train --cited-only`, β 1e-4, lr 1e-3, 3 epochs, replay 1), Stage 2 DPO starting from it (docs/evaluation.md, "Recipes"); default: none, the paper\'s', false)
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
      const steps = studySteps(o.recipe, { worlds: seeds.length, quick: o.quick, singleClip: o.singleClip, citedStep: o.citedStep });
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
      // Every kept run checked against this study's settings before any training: a run that
      // would be refused after minutes of training an earlier step is refused now.
      for (const { run: name, init, settings } of steps) {
        const dir = runOf(name);
        if ((await trainState(dir)) === 'none') continue;
        await sameTrainingData(dir, trainData);
        if (name === 'sft') await sameLayout(dir, layout);
        await sameStep(dir, settings, init && runOf(init));
      }
      for (const { run: name, stage, init, settings, label } of steps) {
        const dir = runOf(name);
        // Kept runs were checked above (a run trained here was not kept: nothing to check).
        const state = await trainState(dir);
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
        await step(`evaluate ${name}`, () => currentEval(join(dir, 'eval.json'), o.lengths, size, { sameForm: true }), ['eval', ...probe]);
        // The question-only baseline on the same items: how much of the accuracy comes from looking.
        await step(`evaluate ${name} blind (clip vectors zeroed)`, () => currentEval(join(dir, BLIND_EVAL), o.lengths, size, { sameForm: true }), ['eval', ...probe, '--blind']);
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
      // Each Stage 2 run (the cited-scenes step, Stage 2) against Stage 1 on the same-form probe, paired once.
      const vsStage1SameForm: Record<string, ReturnType<typeof pairedGains> | null> = Object.fromEntries(names.filter((n) => n.startsWith('stage2')).map((n) => [n, pairedGains(pick(byName, 'stage1').stage2_same_form?.per_item, pick(byName, n).stage2_same_form?.per_item) ?? null]));
      const gains = {
        stage1_vs_sft: vsSft.stage1 ?? null,
        stage2_vs_stage1: pairedGains(pick(byName, 'stage1').per_item, pick(byName, 'stage2').per_item) ?? null,
        stage2_probe_stage2_vs_stage1: pairedGains(pick(byName, 'stage1').stage2?.per_item, pick(byName, 'stage2').stage2?.per_item) ?? null,
        // The same queries with wrong answers of the correct answer's form: what the answer prior cannot pass.
        stage2_same_form_stage2_vs_stage1: vsStage1SameForm.stage2 ?? null,
        stage2_same_form_looking: Object.fromEntries(names.map((n) => [n, pairedGains(pick(blindByName, n).stage2_same_form?.per_item, pick(byName, n).stage2_same_form?.per_item) ?? null])),
        // Each later Stage 2 run (the cited-scenes step, Stage 2) against Stage 1 on it.
        vs_stage1_same_form: vsStage1SameForm,
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
      // The issue's four lines, each with its verdict (docs/evaluation.md, "The acceptance, line by line").
      const acceptance = acceptanceLines({
        sft: pick(byName, 'sft').per_item,
        stage1: pick(byName, 'stage1').per_item,
        stage1Stage2Probe: pick(byName, 'stage1').stage2?.per_item,
        stage2Stage2Probe: pick(byName, 'stage2').stage2?.per_item,
        stage1SameForm: pick(byName, 'stage1').stage2_same_form?.per_item,
        stage2SameForm: pick(byName, 'stage2').stage2_same_form?.per_item,
        lengths: o.lengths.split(','),
        gapChange: positionGaps.stage1_vs_sft ?? undefined,
        // The same runs blind: a gain that is as large with every clip hidden is the answer prior.
        blind: { sft: pick(blindByName, 'sft').per_item, stage1: pick(blindByName, 'stage1').per_item, stage1Stage2Probe: pick(blindByName, 'stage1').stage2?.per_item, stage2Stage2Probe: pick(blindByName, 'stage2').stage2?.per_item, stage1SameForm: pick(blindByName, 'stage1').stage2_same_form?.per_item, stage2SameForm: pick(blindByName, 'stage2').stage2_same_form?.per_item },
      });
      const comparison = { seed: o.seed, training_seeds: seeds, held_out_seed: heldOut, size: o.size, recipe: o.recipe, single_clip: o.singleClip ?? 0, cited_step: o.citedStep, layout, stage1_clips: slots, probe_anchors: size.maxAnchors, acceptance, runs: byName, blind: summaries(blindByName), anchor_hidden: summaries(hiddenByName), gains, seconds: (Date.now() - t0) / 1000 };
      await writeOutputs(o.out, { 'comparison.json': JSON.stringify(comparison, null, 2) + '\n' }, ctx.signal);
      const lengths = Object.keys(pick(byName, 'sft').by_length);
      const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '—' : (100 * x).toFixed(1));
      const s2 = (e: EvalFile): string => `${pct(e.stage2?.full?.accuracy)} / ${pct(e.stage2?.cited?.accuracy)} | ${pct(e.stage2_same_form?.full.accuracy)} / ${pct(e.stage2_same_form?.cited.accuracy)}`;
      const lines = [
        `| model | ${lengths.map((l) => `${l} clip${l === '1' ? '' : 's'}`).join(' | ')} | Stage 2 probe: full / cited | same form: full / cited |`,
        `|---|${lengths.map(() => '---').join('|')}|---|---|`,
        ...Object.entries(byName).map(([name, e]) => `| ${name} | ${lengths.map((l) => `${pct(e.by_length[l])} [${pct(e.summed.byLength[l]?.ci95[0])}, ${pct(e.summed.byLength[l]?.ci95[1])}]`).join(' | ')} | ${s2(e)} |`),
        ...Object.entries(blindByName).map(([name, e]) => `| ${name}, blind | ${lengths.map((l) => pct(e.by_length[l])).join(' | ')} | ${s2(e)} |`),
        ...Object.entries(hiddenByName).map(([name, e]) => `| ${name}, anchor hidden | ${lengths.map((l) => pct(e.by_length[l])).join(' | ')} | — | — |`),
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
      if (gains.stage2_same_form_stage2_vs_stage1) lines.push(`Same-form Stage 2 probe, Stage 2 − Stage 1: full video ${formatGain(gains.stage2_same_form_stage2_vs_stage1.full)}; cited scenes ${formatGain(gains.stage2_same_form_stage2_vs_stage1.cited)}`);
      const cited = gains.vs_stage1_same_form['stage2-cited'];
      if (cited) lines.push(`Same-form Stage 2 probe, the cited-scenes step − Stage 1: full video ${formatGain(cited.full)}; cited scenes ${formatGain(cited.cited)}`);
      for (const n of names.filter((x) => x.startsWith('stage'))) {
        const g = gains.stage2_same_form_looking[n];
        if (g) lines.push(`Same-form Stage 2 probe, looking at the video, ${n} (seeing − blind): full video ${formatGain(g.full)}; cited scenes ${formatGain(g.cited)}`);
      }
      lines.push('', `The acceptance, line by line (${acceptanceSummary(acceptance)}):`, ...acceptance.map((a) => `- ${a.verdict}: ${a.asked}: ${a.measured}${a.note ? ` (${a.note})` : ''}`));
      process.stdout.write(lines.join('\n') + '\n');
      note(`reproduce: done in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${join(o.out, 'comparison.json')}`, o.quiet);
    });
}
