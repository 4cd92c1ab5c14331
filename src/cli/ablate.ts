// `longvpo ablate` (issue #13): the study's ablations, each a Stage 1 run that differs from the
// study's own Stage 1 run in one thing: the same data (all its training worlds), the same start
// (SFT, or the curriculum's last step) and the same settings (its recipe's), evaluated on the
// study's held-out world:
//   ref-full      the full-context reference instead of the anchor-only one
//   alpha0        no α·SFT term
//   ipo           the IPO loss instead of sigmoid
//   nofilter      Stage 1 data without the visual-similarity filter (threshold 1; one-world studies)
//   nocurriculum  Stage 1 straight from SFT with the paper recipe's settings (curriculum studies)
//   timing        step time of the anchor-only vs the full-context reference, run every step
// DIR is a finished `longvpo reproduce --out DIR` folder (its comparison.json names the recipe and
// the training worlds). Every finished variant is kept; rerun to resume.
import { formatGain, pairedGains, type PerItem } from '../core/eval/compare';
import { formatGapChange, gapLength as gapLengthOf, positionGapChange, type PositionGapChange } from '../core/eval/positionGap';
import type { PairedDifference } from '../core/eval/stats';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import type { CliContext } from './context';
import { CliError } from './errors';
import type { EvalFile } from './eval';
import { exists, writeOutputs } from './io';
import { integer } from './options';
import { note } from './progress';
import { PROBE_DEFAULTS } from '../core/eval/probe';
import { currentEval, probeSize, probeSizeArgs, runCli, stage1Settings, trainState } from './studyFiles';
import { RECIPES, stepFlags, studySteps, type Recipe } from '../core/train/recipe';

export const ABLATIONS = ['ref-full', 'alpha0', 'ipo', 'nofilter', 'nocurriculum', 'timing'] as const;
export type Ablation = (typeof ABLATIONS)[number];

interface AblateOptions {
  study: string;
  only: string;
  lengths: string;
  timingSteps: number;
  probeAnchors?: number;
  quick: boolean;
  quiet: boolean;
}

/** Median of the metrics' `step_time_s` after the first `skip` steps (compilation, caches). */
export function medianStepTime(metricsJsonl: string, skip = 2): number {
  const times = metricsJsonl
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { step_time_s?: number }).step_time_s)
    .filter((t): t is number => typeof t === 'number' && Number.isFinite(t))
    .slice(skip)
    .sort((a, b) => a - b);
  if (times.length === 0) return Number.NaN;
  const mid = Math.floor(times.length / 2);
  return times.length % 2 ? (times[mid] as number) : ((times[mid - 1] as number) + (times[mid] as number)) / 2;
}

/** The variants asked for by `--only` (all by default), refusing unknown names. */
export function parseOnly(only: string): Ablation[] {
  if (!only.trim()) return [...ABLATIONS];
  const names = only.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(ABLATIONS as readonly string[]).includes(n));
  if (bad.length) throw new CliError(`Unknown ablation ${bad.join(', ')}.`, `Use any of ${ABLATIONS.join(', ')} (comma-separated).`);
  return names as Ablation[];
}

export function ablateCommand(ctx: CliContext): Command {
  return new Command('ablate')
    .description("The study's ablations (reference context, α·SFT term, loss type, similarity filter, curriculum, reference step time), each a copy of the study's Stage 1 run (its data, start and settings) that changes one thing, evaluated on its held-out world. Writes DIR/ablations.json. Rerun to resume.")
    .requiredOption('--study <dir>', 'a `longvpo reproduce --out DIR` folder (data/, heldout/, runs/sft, runs/stage1)')
    .option('--only <list>', `variants to run, comma-separated (${ABLATIONS.join(', ')}; default all)`, '')
    .option('--lengths <list>', 'probe composite lengths', '1,16,32')
    .option('--timing-steps <n>', 'steps of each timing run', (v) => Number.parseInt(v, 10), 30)
    .option('--probe-anchors <n>', `anchor clips of the held-out probe, as \`reproduce --probe-anchors\` (default ${PROBE_DEFAULTS.maxAnchors}); every evaluation of another size is made again`, integer(1, 100000))
    .option('--quick', 'as `reproduce --quick`: 1 epoch, a small probe (not a measurement)', false)
    .option('--quiet', 'less progress on stderr', false)
    .addHelpText('after', '\nExample: npx longvpo reproduce --seed 42 --out out/study && npx longvpo ablate --study out/study')
    .action(async (o: AblateOptions) => {
      const t0 = Date.now();
      const asked = parseOnly(o.only);
      if (!Number.isInteger(o.timingSteps) || o.timingSteps < 3) throw new CliError(`--timing-steps is ${o.timingSteps}.`, 'Use a whole number ≥ 3 (the first 2 steps are not timed).');
      // The study as reproduce made it: its recipe and training worlds fix the Stage 1 run every variant copies.
      const comparisonFile = join(o.study, 'comparison.json');
      if (!(await exists(comparisonFile)))
        throw new CliError(`${o.study} has no comparison.json: its study has not finished.`, `Run \`npx longvpo reproduce … --out ${o.study}\` to the end first (it is resumable): each ablation is compared with its Stage 1 run.`);
      const study = JSON.parse(await readFile(comparisonFile, 'utf8')) as { recipe?: unknown; training_seeds?: unknown; single_clip?: unknown };
      const recipe: Recipe = (RECIPES as readonly unknown[]).includes(study.recipe) ? (study.recipe as Recipe) : 'paper';
      const worlds = Array.isArray(study.training_seeds) ? Math.max(1, study.training_seeds.length) : 1;
      // A study made with single-clip pairs: every variant's Stage 1 has them too.
      const singleClip = typeof study.single_clip === 'number' ? study.single_clip : undefined;
      const stage1 = studySteps(recipe, { worlds, quick: o.quick, singleClip }).find((s) => s.run === 'stage1');
      if (!stage1) throw new Error(`the ${recipe} recipe has no Stage 1 step`);
      const stage1Flags = stepFlags(stage1.settings);
      // Several worlds train on their merge (DIR/train); DIR/data is the first world alone.
      const data = worlds > 1 ? join(o.study, 'train') : join(o.study, 'data');
      const held = join(o.study, 'heldout');
      const sft = join(o.study, 'runs', 'sft');
      const init = join(o.study, 'runs', stage1.init ?? 'sft');
      for (const [what, path] of [['training data', join(data, 'report.json')], ['held-out world', join(held, 'report.json')], ['SFT run', join(sft, 'checkpoint.json')], ['Stage 1 start', join(init, 'checkpoint.json')]] as const)
        if (!(await exists(path))) throw new CliError(`${o.study} has no ${what} (${path}).`, `Run \`npx longvpo reproduce --out ${o.study}\` first (it is resumable).`);
      // Variants that do not apply to this study: refused when asked for by name, left out of "all".
      const notHere: Partial<Record<Ablation, string>> = {
        ...(recipe === 'paper' && { nocurriculum: `${o.study} follows the paper's recipe: its Stage 1 already starts from SFT.` }),
        ...(worlds > 1 && { nofilter: `${o.study} trains on ${worlds} worlds; Stage 1 data without the filter is made for one world (\`synth --oracle\`), and each world's would need its own oracle and a merge.` }),
      };
      const named = o.only.trim() !== '';
      for (const v of asked) if (named && notHere[v]) throw new CliError(`No ${v} ablation for this study: ${notHere[v]}`, `Leave ${v} out of --only.`);
      const variants = asked.filter((v) => !notHere[v]);
      for (const v of asked) if (notHere[v]) note(`ablate: ${v} left out: ${notHere[v]}`, o.quiet);
      const q = o.quiet ? ['--quiet'] : [];
      const size = probeSize(o.quick, o.probeAnchors);
      const evalArgs = ['--lengths', o.lengths, ...probeSizeArgs(size)];
      const dir = (name: string): string => join(o.study, 'ablate', name);
      const results: Record<string, Record<string, unknown>> = {};
      const perItems: Record<string, PerItem | undefined> = {};
      const record = async (name: string, evalFile: string, extra: { args: string[]; data: string | null; init: string | null; train_seconds: number | null }): Promise<void> => {
        const e = JSON.parse(await readFile(evalFile, 'utf8')) as EvalFile;
        const per = <T,>(f: (p: EvalFile['summed']['byLength'][string]) => T): Record<string, T> => Object.fromEntries(Object.entries(e.summed.byLength).map(([l, p]) => [l, f(p)]));
        results[name] = { ...extra, by_length: e.by_length, ci95: per((p) => p.ci95), n: per((p) => p.n), stage2_full: e.stage2?.full?.accuracy ?? null };
        perItems[name] = e.per_item;
      };
      // The study's default Stage 1 run, scored at these lengths (the result kept under ablate/, so
      // reproduce's own RUN/eval.json stays as it was).
      const base = join(o.study, 'runs', 'stage1');
      if (await exists(join(base, 'checkpoint.json'))) {
        const file = join(dir('default'), 'eval.json');
        if (!(await currentEval(file, o.lengths, size))) await runCli(['eval', '--run', base, '--data', held, ...evalArgs, '--out', file, ...q], ctx.signal);
        await record('default', file, { args: [], data, init, train_seconds: null });
      }
      // A variant: the study's Stage 1 step (start, settings) with `trainArgs` on top; `from` and
      // `settings` replace the start and the recipe's settings (nocurriculum).
      const trainAndEval = async (name: string, trainArgs: string[], dataDir = data, from = init, settings = stage1Flags): Promise<void> => {
        const run = dir(name);
        const state = await trainState(run);
        if (state !== 'done') {
          note(`ablate: ${name}${state === 'partial' ? ' (resuming)' : ''}…`, false);
          await rm(join(run, 'eval.json'), { force: true });
          const t = Date.now();
          await runCli(state === 'partial' ? ['train', '--resume', run, ...q] : ['train', '--data', dataDir, '--stage', '1', '--init', from, ...settings, ...trainArgs, '--out', run, ...q], ctx.signal);
          await writeOutputs(run, { done: 'finished\n', 'train_seconds.txt': `${(Date.now() - t) / 1000}\n` });
        } else note(`ablate: ${name} — already done, kept`, o.quiet);
        if (!(await currentEval(join(run, 'eval.json'), o.lengths, size))) await runCli(['eval', '--run', run, '--data', held, ...evalArgs, ...q], ctx.signal);
        const trainSeconds = await readFile(join(run, 'train_seconds.txt'), 'utf8').then((t) => Number(t.trim()), () => null);
        await record(name, join(run, 'eval.json'), { args: trainArgs, data: dataDir, init: from, train_seconds: trainSeconds });
      };
      let timing: Record<string, number> | null = null;
      for (const v of variants) {
        if (v === 'ref-full') await trainAndEval(v, ['--ref', 'full']);
        else if (v === 'alpha0') await trainAndEval(v, ['--alpha', '0']);
        else if (v === 'ipo') await trainAndEval(v, ['--loss', 'ipo']);
        else if (v === 'nocurriculum') await trainAndEval(v, [], data, sft, stage1Settings(o.quick, worlds, singleClip));
        else if (v === 'nofilter') {
          const nf = join(o.study, 'data-nofilter');
          if (!(await exists(join(nf, 'report.json')))) {
            const report = JSON.parse(await readFile(join(data, 'report.json'), 'utf8')) as { seed: number; size: string; stage1?: { requested?: number } };
            note('ablate: Stage 1 data without the similarity filter…', false);
            await runCli(['synth', '--clips', join(data, 'clips.jsonl'), '--oracle', report.size, '--world-seed', String(report.seed), '--seed', String(report.seed), '--count', '2000', '--threshold', '1', '--out', nf, ...q], ctx.signal);
            for (const f of ['clips.jsonl', 'sft.jsonl']) await copyFile(join(data, f), join(nf, f));
          }
          await trainAndEval(v, [], nf);
        } else {
          const steps = o.quick ? 4 : o.timingSteps;
          const times: Record<string, number> = {};
          for (const ref of ['anchor', 'full'] as const) {
            const run = dir(`timing-${ref}`);
            if ((await trainState(run)) !== 'done') {
              note(`ablate: timing, ${ref} reference every step (${steps} steps)…`, false);
              await rm(run, { recursive: true, force: true });
              await runCli(['train', '--data', data, '--stage', '1', '--init', init, ...stage1Flags, '--ref', ref, '--no-ref-cache', '--steps', String(steps), '--out', run, ...q], ctx.signal);
              await writeOutputs(run, { done: 'finished\n' });
            }
            times[ref] = medianStepTime(await readFile(join(run, 'metrics.jsonl'), 'utf8'));
          }
          timing = { steps, anchor_step_s: times.anchor as number, full_step_s: times.full as number, ratio: (times.anchor as number) / (times.full as number) };
        }
      }
      // Each variant against the default run on the same items (paired interval, McNemar p).
      const baseline = 'default';
      // And the best − worst anchor position at 16 clips (or the longest length), paired the same way.
      const gapLength = gapLengthOf(o.lengths.split(','));
      for (const [name, r] of Object.entries(results))
        if (name !== baseline && baseline in results) {
          r.vs_default = pairedGains(perItems[baseline], perItems[name]) ?? null;
          r.position_gap_vs_default = gapLength > 1 ? (positionGapChange(perItems[baseline], perItems[name], gapLength) ?? null) : null;
        }
      const out = { study: o.study, recipe, training_worlds: worlds, lengths: o.lengths.split(','), probe_anchors: size.maxAnchors, variants: results, timing, seconds: (Date.now() - t0) / 1000 };
      await writeOutputs(o.study, { 'ablations.json': JSON.stringify(out, null, 2) + '\n' }, ctx.signal);
      const lengths = o.lengths.split(',');
      const pct = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? (100 * x).toFixed(1) : '—');
      const lines = [
        `| Stage 1 variant | train s | ${lengths.map((l) => `${l} clip${l === '1' ? '' : 's'}`).join(' | ')} | Stage 2 probe (full) |`,
        `|---|---|${lengths.map(() => '---').join('|')}|---|`,
        ...Object.entries(results).map(([name, r]) => {
          const by = r.by_length as Record<string, number>;
          const ci = r.ci95 as Record<string, [number, number]>;
          return `| ${name} | ${typeof r.train_seconds === 'number' ? r.train_seconds.toFixed(0) : ''} | ${lengths.map((l) => `${pct(by[l])} [${pct(ci[l]?.[0])}, ${pct(ci[l]?.[1])}]`).join(' | ')} | ${pct(r.stage2_full)} |`;
        }),
        '',
        ...Object.entries(results).flatMap(([name, r]) => {
          const g = r.vs_default as Record<string, PairedDifference> | null | undefined;
          const gap = r.position_gap_vs_default as PositionGapChange | null | undefined;
          return g ? [`${name} − ${baseline}: ${lengths.map((l) => `${l} clip${l === '1' ? '' : 's'} ${formatGain(g[l])}`).join('; ')}${gap ? `; best − worst position at ${gapLength} clips ${formatGapChange(gap)}` : ''}`] : [];
        }),
        ...(timing ? [`Reference run every step (${timing.steps} steps, median after 2): anchor-only ${timing.anchor_step_s?.toFixed(3)} s, full ${timing.full_step_s?.toFixed(3)} s, ratio ${timing.ratio?.toFixed(2)}`] : []),
      ];
      process.stdout.write(lines.join('\n') + '\n');
      note(`ablate: done in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${join(o.study, 'ablations.json')}`, o.quiet);
    });
}
