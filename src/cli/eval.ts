// `longvpo eval` (issue #13, groundwork): the held-out probe on a run's latest checkpoint. DIR is
// a demo folder of ANOTHER world seed than the training data (its clips were never trained on);
// the demo world's oracle (rebuilt from DIR/report.json) writes the questions and the answers on
// distractors. Writes RUN/eval.json and prints accuracy by length and anchor position.
import { Command } from 'commander';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { DemoSize } from '../core/demo';
import { summarise, type ProbeSummary } from '../core/eval/aggregate';
import { formatGain, pairedGains, perItem, type PerItem } from '../core/eval/compare';
import { formatGap, positionGap } from '../core/eval/positionGap';
import { buildProbe, PROBE_DEFAULTS, PROBE_VERSION, type ProbeItem, type ProbeReport, type ProbeSettings } from '../core/eval/probe';
import { sameFormStage2Triples, stage2ProbeItems, summariseStage2, worldStage2Videos, type Stage2ContextSummary, type Stage2ProbeItem } from '../core/eval/stage2Probe';
import { parseTriples } from '../core/triples/import';
import { createOracleGenerator } from '../core/world';
import { multipleChoice } from '../ml/eval/multipleChoice';
import { shownInputs } from '../ml/policy/inputs';
import { TensorSimilaritySource } from '../ml/similaritySource';
import { WordTokenizer } from '../core/train/tokenizer';
import { clipMismatch } from '../core/train/config';
import { NODE_BACKENDS, startBackend, type NodeBackend } from './backend';
import type { CliContext } from './context';
import { demoWorld } from './demo';
import { CliError } from './errors';
import { readText, writeOutputs } from './io';
import { integer } from './options';
import { note } from './progress';
import { RunFolder } from './runFolder';
import { loadClipVectors } from './trainData';

interface EvalOptions {
  run: string;
  data: string;
  lengths: string;
  seed: number;
  positions: number;
  maxAnchors: number;
  questionsPerClip: number;
  backend: NodeBackend;
  quiet: boolean;
  blind: boolean;
  hideAnchor: boolean;
  out?: string;
  items?: string;
}

/**
 * RUN/eval.json, as `eval` writes it and `reproduce` and `ablate` read it. Files written before
 * per-item results were kept have no `per_item`.
 */
export interface EvalFile {
  by_length: Record<string, number>;
  by_length_position: Record<string, number[]>;
  n: Record<string, number>;
  chance: Record<string, number>;
  summed: ProbeSummary;
  length_normalised: ProbeSummary;
  stage2: Stage2Block | null;
  /**
   * The same queries with wrong answers of the correct answer's form (docs/evaluation.md, "The
   * same-form Stage 2 probe"): null without long videos or with the anchor hidden; absent in files
   * written before it.
   */
  stage2_same_form?: Stage2Block | null;
  per_item?: PerItem;
  checkpoint: string;
  data: { dir: string; world_seed: number; size: DemoSize };
  /** `version`: PROBE_VERSION of the items (absent before version 2). */
  probe: { settings: ProbeSettings; report: ProbeReport; version?: number };
  /** Mean summed log-prob of the correct answer per length (a likelihood view of the same items; absent in older files). */
  correct_logp?: Record<string, number>;
  /**
   * `zeros`: scored with every clip vector replaced by zeros (`--blind`, the question-only
   * baseline); `anchor-hidden`: only the anchor's (`--hide-anchor`, distractors and positions
   * kept); absent: the real clips.
   */
  visual?: 'zeros' | 'anchor-hidden';
  seconds: number;
}

/** One form of the Stage 2 probe as RUN/eval.json keeps it. */
export type Stage2Block = Record<'full' | 'cited', Stage2ContextSummary> & { note: string; length_normalised?: Record<'full' | 'cited', Stage2ContextSummary>; per_item?: PerItem };

function stage2Block(items: readonly Stage2ProbeItem[], scored: { chosenSum: ArrayLike<number>; chosenMean: ArrayLike<number> }, note: string): Stage2Block {
  return {
    ...summariseStage2(items, scored.chosenSum),
    note,
    // Per token as well: summed log-probabilities favour the shorter of two answers.
    length_normalised: summariseStage2(items, scored.chosenMean),
    per_item: perItem(items, items.map((it) => it.context), items.map((_, i) => scored.chosenSum[i] === 0)),
  };
}

const pct = (x: number): string => (Number.isFinite(x) ? (100 * x).toFixed(1) : '—');

function meanCorrectLogp(items: readonly { length: number; answer: string; candidates: readonly string[] }[], scores: readonly (readonly number[])[]): Record<string, number> {
  const sums = new Map<number, [number, number]>();
  items.forEach((it, i) => {
    const s = scores[i]?.[it.candidates.indexOf(it.answer)] ?? Number.NaN;
    const [total, n] = sums.get(it.length) ?? [0, 0];
    sums.set(it.length, [total + s, n + 1]);
  });
  return Object.fromEntries([...sums].map(([l, [total, n]]) => [String(l), total / n]));
}

/** The scenes of a `longvpo demo` folder's scenes.jsonl, as the Stage 2 probe maps them to the world's videos; none without the file. */
async function readDemoScenes(file: string): Promise<{ id: string; videoId: string; videoName: string; startS: number; endS: number; frameCount: number }[]> {
  let text: string;
  try {
    text = await readText(file, 'Scenes file');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    let s: { id?: unknown; video?: unknown; video_name?: unknown; start_s?: unknown; end_s?: unknown; frames?: unknown };
    try {
      s = JSON.parse(line) as typeof s;
    } catch {
      throw new CliError(`${file} line ${i + 1} is not valid JSON.`, 'Make the held-out folder again with `longvpo demo`.');
    }
    return typeof s.id === 'string' && typeof s.video === 'string' ? [{ id: s.id, videoId: s.video, videoName: String(s.video_name ?? s.video), startS: Number(s.start_s), endS: Number(s.end_s), frameCount: Number(s.frames ?? 0) }] : [];
  });
}

/** `eval --items`: one JSON line per probe item with its candidates' summed log-probs and the choices. */
export function itemLines(items: readonly ProbeItem[], scored: { scores: number[][]; chosenSum: number[]; chosenMean: number[] }): string {
  return items
    .map((it, i) => {
      const scores = scored.scores[i] ?? [];
      const chosen = it.candidates[scored.chosenSum[i] as number];
      return JSON.stringify({
        id: it.id,
        length: it.length,
        position: it.position,
        bucket: it.bucket,
        family: it.family,
        anchor: it.anchor,
        question: it.question,
        answer: it.answer,
        chosen,
        chosen_per_token: it.candidates[scored.chosenMean[i] as number],
        correct: chosen === it.answer,
        candidates: it.candidates.map((c, j) => ({ answer: c, logp: Math.round((scores[j] ?? Number.NaN) * 1000) / 1000 })),
        clips: it.clips,
      });
    })
    .join('\n') + '\n';
}

/** The two baselines of `eval`: the flag, the default file, what the file records, and what seeing adds over it. */
export const BASELINES = {
  blind: { flag: '--blind', file: 'eval-blind.json', visual: 'zeros', adds: 'looking at the clips', label: 'Looking at the clips (eval.json − blind)' },
  'anchor-hidden': { flag: '--hide-anchor', file: 'eval-hide-anchor.json', visual: 'anchor-hidden', adds: 'reading the anchor', label: 'Reading the anchor (eval.json − anchor hidden)' },
} as const;
type Baseline = (typeof BASELINES)[keyof typeof BASELINES];

/** With a baseline: what seeing adds over it, paired on the same items, against RUN/eval.json when it has them. */
async function baselineComparison(run: string, blind: EvalFile, { flag, adds, label }: Baseline): Promise<string[]> {
  let seeing: EvalFile;
  try {
    seeing = JSON.parse(await readText(join(run, 'eval.json'), 'Evaluation')) as EvalFile;
  } catch {
    return ['', `No ${join(run, 'eval.json')} to compare with: run \`longvpo eval\` without ${flag} on the same data for the change that ${adds} makes.`];
  }
  if (seeing.checkpoint !== blind.checkpoint) return ['', `${join(run, 'eval.json')} scored checkpoint ${seeing.checkpoint}, not ${blind.checkpoint}: evaluate again without ${flag} for a paired comparison.`];
  const gains = pairedGains(blind.per_item, seeing.per_item);
  if (!gains) return ['', `${join(run, 'eval.json')} is another probe (other data, settings or checkpoint) or predates per-item results: evaluate again without ${flag} for a paired comparison.`];
  return ['', `${label}, paired on the same items [95% CI], McNemar p: ${Object.keys(gains).map((l) => `${l} clip${l === '1' ? '' : 's'} ${formatGain(gains[l])}`).join('; ')}`];
}

export function evalCommand(ctx: CliContext): Command {
  return new Command('eval')
    .description('Held-out probe: multiple-choice accuracy of a run’s latest checkpoint by composite length and anchor position (demo data of another world seed). Writes RUN/eval.json (or --out).')
    .requiredOption('--run <run>', 'run folder (`longvpo train --out`)')
    .requiredOption('--data <dir>', 'held-out demo folder (`longvpo demo --seed S --out DIR` with a seed the training never saw)')
    .option('--lengths <list>', 'composite lengths in clips', PROBE_DEFAULTS.lengths.join(','))
    .option('--seed <n>', 'seed of the probe (anchors, distractors, candidates)', integer(0), PROBE_DEFAULTS.seed)
    .option('--positions <n>', 'anchor positions per length, evenly spread', integer(1, 64), PROBE_DEFAULTS.positions)
    .option('--max-anchors <n>', 'anchor clips sampled', integer(1), PROBE_DEFAULTS.maxAnchors)
    .option('--questions-per-clip <n>', 'questions asked of each anchor', integer(1, 16), PROBE_DEFAULTS.questionsPerClip)
    .option('--backend <name>', 'TensorFlow.js backend (wasm, cpu)', 'wasm')
    .option('--out <file>', 'where to write the result (default RUN/eval.json; with --blind RUN/eval-blind.json; with --hide-anchor RUN/eval-hide-anchor.json)')
    .option('--blind', 'question-only baseline: the same items, scored with every clip vector replaced by zeros (what the model answers without looking); prints the paired change against RUN/eval.json', false)
    .option('--hide-anchor', 'the same items, scored with only the anchor clip\'s vector replaced by zeros (distractors and positions kept: what reading the anchor adds, where --blind also removes the distractors); prints the paired change against RUN/eval.json; no Stage 2 probe', false)
    .option('--items <file>', 'also write every probe item as JSON lines (length, position, family, question, answer, candidates with summed log-probs, the choice) to inspect what the model answers')
    .option('--quiet', 'no progress on stderr', false)
    .action(async (o: EvalOptions) => {
      if (!(NODE_BACKENDS as readonly string[]).includes(o.backend)) throw new CliError(`Unknown backend ${o.backend}.`, 'Use wasm or cpu.');
      if (o.blind && o.hideAnchor) throw new CliError('--blind and --hide-anchor are two baselines; one run of eval scores one.', 'Run eval once with --blind and once with --hide-anchor.');
      const shown = o.blind ? 'blind' : o.hideAnchor ? 'anchor-hidden' : 'seeing';
      const baseline = shown === 'seeing' ? null : BASELINES[shown];
      const lengths = o.lengths.split(',').map((x) => Number(x.trim()));
      if (lengths.some((l) => !Number.isInteger(l) || l < 1 || l > 256)) throw new CliError(`--lengths ${o.lengths} is not a list of whole numbers from 1 to 256.`, 'Example: --lengths 1,4,8,16,32');
      const latest = await new RunFolder(o.run).latest();
      let report: { size?: DemoSize; seed?: number; command?: string };
      try {
        report = JSON.parse(await readText(join(o.data, 'report.json'), 'Demo report')) as typeof report;
      } catch (e) {
        if (e instanceof CliError) throw new CliError(`${o.data} is not a demo folder (no report.json).`, 'Make held-out data with `npx longvpo demo --seed S --out DIR`, S a seed the training never saw.', { cause: e });
        throw e;
      }
      if (report.command !== 'demo' || report.size === undefined || report.seed === undefined) throw new CliError(`${o.data}/report.json was not written by \`longvpo demo\`.`, 'The probe needs the demo world’s oracle: evaluate on a demo folder.');
      // Clip and scene vectors (scenes for the Stage 2 probe), read once.
      const parsed = await loadClipVectors(o.data);
      const { meta, weights } = latest.contents;
      const mismatch = clipMismatch(meta.model, parsed);
      if (mismatch) throw new CliError(`${mismatch} (${join(o.data, 'clips.jsonl')})`, 'Evaluate on data made with the same embedder and `demo --features` as the run.');
      await startBackend(o.backend);
      const settings: ProbeSettings = { ...PROBE_DEFAULTS, seed: o.seed, lengths, positions: o.positions, maxAnchors: o.maxAnchors, questionsPerClip: o.questionsPerClip, embedder: 'clips.jsonl' };
      const world = demoWorld(report.size, report.seed);
      const similarity = TensorSimilaritySource.fromRows(parsed.clips.map((c) => c.embedding));
      const t0 = Date.now();
      let probe;
      try {
        probe = await buildProbe(parsed.clips, similarity, createOracleGenerator(world), settings, ctx.signal);
      } finally {
        similarity.dispose();
      }
      note(`probe: ${probe.report.items} items (${probe.report.questions} questions on ${probe.report.anchors} held-out clips; ${probe.report.dropped} cells without enough distractors)`, o.quiet);
      const { vectors } = parsed;
      // The probe is built from the real clips either way (same items, same candidates); a
      // baseline changes only what the policy is shown.
      const seeing = { dim: parsed.dim, tokens: parsed.tokens, vector: (id: string) => vectors.get(id) };
      const { items: scoredItems, source: clipSource } = shownInputs(probe.items, seeing, shown);
      const tokenizer = WordTokenizer.fromJson(meta.tokenizer);
      // The held-out Stage 2 triples (none with the anchor hidden: they have no anchor).
      let stage2Items: Stage2ProbeItem[] = [];
      // The same queries with wrong answers of the correct answer's form, written by the world's
      // oracle from the folder's scenes (as the browser does; none without scenes.jsonl).
      let sameFormItems: Stage2ProbeItem[] = [];
      if (shown !== 'anchor-hidden') {
        try {
          const triples = parseTriples(await readText(join(o.data, 'triples.jsonl'), 'Triples file'));
          if (triples.ok) stage2Items = stage2ProbeItems(triples.triples).filter((it) => it.clips.every((c) => vectors.has(c)));
        } catch {
          /* no triples.jsonl: no Stage 2 probe */
        }
        const scenes = await readDemoScenes(join(o.data, 'scenes.jsonl'));
        if (scenes.length > 0) sameFormItems = stage2ProbeItems(await sameFormStage2Triples(world, worldStage2Videos(world, scenes), report.seed, ctx.signal)).filter((it) => it.clips.every((c) => vectors.has(c)));
      }
      const params = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
      let scored;
      let scored2;
      let scoredSame;
      try {
        scored = await multipleChoice(params, meta.model, clipSource, tokenizer, scoredItems, { batchSize: 64, signal: ctx.signal });
        scored2 = stage2Items.length > 0 ? await multipleChoice(params, meta.model, clipSource, tokenizer, stage2Items, { batchSize: 32, signal: ctx.signal }) : null;
        scoredSame = sameFormItems.length > 0 ? await multipleChoice(params, meta.model, clipSource, tokenizer, sameFormItems, { batchSize: 32, signal: ctx.signal }) : null;
      } finally {
        tf.dispose(Object.values(params));
      }
      const stage2 = scored2 ? stage2Block(stage2Items, scored2, 'choice between the correct answer and the degraded-context answer (chance 0.5), summed log-probs; length_normalised: mean log-prob per token') : null;
      const sameForm = scoredSame ? stage2Block(sameFormItems, scoredSame, 'the same queries, the wrong answer a guess of the correct answer\'s form from the degraded context (chance 0.5): only looking tells them apart; summed log-probs; length_normalised: mean log-prob per token') : null;
      const correctSum = probe.items.map((it, i) => it.candidates[scored.chosenSum[i] as number] === it.answer);
      const correctMean = probe.items.map((it, i) => it.candidates[scored.chosenMean[i] as number] === it.answer);
      const sum = summarise(probe.items, correctSum, 'sum', settings.positions);
      const mean = summarise(probe.items, correctMean, 'mean', settings.positions);
      const out: EvalFile = {
        by_length: Object.fromEntries(Object.entries(sum.byLength).map(([l, p]) => [l, p.accuracy])),
        by_length_position: Object.fromEntries(Object.entries(sum.byLengthPosition).map(([l, ps]) => [l, ps.map((p) => p.accuracy)])),
        n: Object.fromEntries(Object.entries(sum.byLength).map(([l, p]) => [l, p.n])),
        chance: sum.chance,
        summed: sum,
        length_normalised: mean,
        stage2,
        stage2_same_form: sameForm,
        // Per-item results (summed scoring) for paired comparisons of runs on this probe (`reproduce`, docs/evaluation.md).
        per_item: perItem(probe.items, probe.items.map((it) => it.length), correctSum),
        correct_logp: meanCorrectLogp(probe.items, scored.scores),
        checkpoint: latest.id,
        data: { dir: o.data, world_seed: report.seed, size: report.size },
        probe: { settings, report: probe.report, version: PROBE_VERSION },
        ...(baseline && { visual: baseline.visual }),
        seconds: (Date.now() - t0) / 1000,
      };
      const file = o.out ?? join(o.run, baseline?.file ?? 'eval.json');
      await writeOutputs(dirname(file), { [basename(file)]: JSON.stringify(out, null, 2) + '\n' }, ctx.signal);
      if (o.items) await writeOutputs(dirname(o.items), { [basename(o.items)]: itemLines(probe.items, scored) }, ctx.signal);
      const rows = Object.entries(sum.byLength).map(([l, p]) => `| ${l} | ${pct(p.accuracy)} [${pct(p.ci95[0])}, ${pct(p.ci95[1])}] | ${pct(mean.byLength[l]?.accuracy ?? NaN)} | ${(sum.byLengthPosition[l] ?? []).map((x) => pct(x.accuracy)).join(' / ')} | ${p.n} | ${pct(sum.chance[l] ?? NaN)} |`);
      const s2line = (label: string, b: Stage2Block | null): string[] => (b ? [`${label}: full video ${pct(b.full.accuracy)} [${pct(b.full.ci95[0])}, ${pct(b.full.ci95[1])}], cited scenes only ${pct(b.cited.accuracy)}; per token: full ${pct(b.length_normalised?.full.accuracy ?? NaN)}, cited ${pct(b.length_normalised?.cited.accuracy ?? NaN)}; n ${b.full.n}`] : []);
      const s2 = [...s2line('Stage 2 probe (correct vs degraded-context answer, chance 50)', stage2), ...s2line('Stage 2 probe, same form (correct vs a guess of its form, chance 50)', sameForm)];
      const families = Object.keys(sum.byFamily);
      const familyRows = [
        '',
        `| question family | ${Object.keys(sum.byLength).map((l) => `${l} clip${l === '1' ? '' : 's'}`).join(' | ')} |`,
        `|---|${Object.keys(sum.byLength).map(() => '---|').join('')}`,
        ...families.map((f) => `| ${f} | ${Object.keys(sum.byLength).map((l) => pct(sum.byLengthFamily?.[l]?.[f]?.accuracy ?? NaN)).join(' | ')} |`),
      ];
      // Each length's best − worst position beside what shuffled positions give (docs/evaluation.md, "The position gap").
      const gaps = settings.lengths.flatMap((l) => {
        const g = l > 1 ? positionGap(out.per_item, l) : undefined;
        return g ? [`${l} clips ${formatGap(g)}`] : [];
      });
      const gapLine = gaps.length > 0 ? ['', `Best − worst anchor position (points): ${gaps.join('; ')}`] : [];
      process.stdout.write(['| clips | accuracy (summed) [95% CI] | per-token | by position (first → last) | n | chance |', '|---|---|---|---|---|---|', ...rows, ...gapLine, ...s2, ...familyRows, ...(baseline ? await baselineComparison(o.run, out, baseline) : [])].join('\n') + '\n');
    });
}
