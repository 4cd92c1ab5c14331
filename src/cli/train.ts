// `longvpo train` (issue #12, docs/training.md): SFT → Stage 1 → Stage 2 DPO in Node on the wasm
// backend, with the same session code the browser's compute worker runs. Writes a run folder
// (src/cli/runFolder.ts); `--resume RUN` continues one exactly. Ctrl-C checkpoints the current
// step, then exits 130.
import { Command, Option } from 'commander';
import { defaultTrainConfig, DEFAULT_MODEL, flopsPerToken, layoutOf, parameterCount, REF_MODES, SEQUENCE_LAYOUTS, type SequenceLayout, type TrainConfig, type TrainStage } from '../core/train/config';
import { LOSS_TYPES } from '../core/train/dpoLoss';
import { isCitedOnlyPair, isSingleClipPair } from '../core/train/replay';
import { TrainSession, type SessionEnd } from '../ml/train/session';
import { NODE_BACKENDS, startBackend, type NodeBackend } from './backend';
import type { CliContext } from './context';
import { CliError } from './errors';
import { decimal, integer } from './options';
import { note, Progress } from './progress';
import { RunFolder } from './runFolder';
import { loadTrainData } from './trainData';

interface TrainOptions {
  data?: string;
  stage?: 'sft' | '1' | '2';
  init?: string;
  ref?: 'anchor' | 'full';
  loss?: TrainConfig['lossType'];
  beta?: number;
  alpha?: number;
  labelSmoothing?: number;
  lr?: number;
  batch?: number;
  accum?: number;
  steps?: number;
  epochs?: number;
  seed?: number;
  warmup?: number;
  checkpointEvery?: number;
  refCache: boolean;
  width?: number;
  depth?: number;
  heads?: number;
  context?: number;
  layout?: SequenceLayout;
  replay?: number;
  compositeClips?: number;
  keepSlots?: boolean;
  singleClip?: number;
  citedOnly?: boolean;
  out?: string;
  resume?: string;
  pauseAfter?: number;
  backend: NodeBackend;
  quiet: boolean;
}

/** What config.json records: enough to resume with the same data. */
interface RunConfigFile {
  run_id: string;
  stage: TrainStage;
  data: string;
  init: string | null;
  config: TrainConfig;
  model: unknown;
  parameters: number;
  flops_per_token: number;
  created_at: string;
}

const STAGES: Record<string, TrainStage> = { sft: 'sft', '1': 'stage1', '2': 'stage2' };

/** Options that shape a new SFT model (Stage 1 and 2 take their checkpoint's model). */
const SFT_MODEL_FLAGS = ['width', 'depth', 'heads', 'context', 'layout'] as const;

function configFrom(o: TrainOptions, stage: TrainStage): TrainConfig {
  const c = defaultTrainConfig(stage);
  const set = <K extends keyof TrainConfig>(k: K, v: TrainConfig[K] | undefined): void => {
    if (v !== undefined) c[k] = v;
  };
  set('refMode', o.ref);
  set('lossType', o.loss);
  set('beta', o.beta);
  set('alpha', o.alpha);
  set('labelSmoothing', o.labelSmoothing);
  set('lr', o.lr);
  set('batchSize', o.batch);
  set('gradAccum', o.accum);
  set('maxSteps', o.steps);
  set('epochs', o.epochs);
  set('seed', o.seed);
  set('warmupRatio', o.warmup);
  set('checkpointEvery', o.checkpointEvery);
  if (o.replay !== undefined) {
    if (stage !== 'stage2') throw new CliError('--replay mixes Stage 1 pairs into Stage 2 training.', 'Drop --replay, or use it with --stage 2.');
    c.replay = o.replay;
  }
  if (o.compositeClips !== undefined) {
    if (stage !== 'stage1') throw new CliError('--composite-clips cuts Stage 1 composites.', 'Drop --composite-clips, or use it with --stage 1.');
    c.compositeClips = o.compositeClips;
  }
  if (o.keepSlots === true) {
    if (stage !== 'stage1' || !((o.compositeClips ?? 0) >= 2)) throw new CliError('--keep-slots spreads the clips --composite-clips keeps over every slot of a Stage 1 composite.', 'Use it with --stage 1 --composite-clips 2 (or more), or drop it.');
    c.keepSlots = true;
  }
  if (o.singleClip !== undefined) {
    if (stage !== 'stage1') throw new CliError('--single-clip adds Stage 1 pairs with the anchor alone.', 'Drop --single-clip, or use it with --stage 1.');
    c.singleClip = o.singleClip;
  }
  if (o.citedOnly === true) {
    if (stage !== 'stage2') throw new CliError('--cited-only cuts Stage 2 pairs to the scenes their queries cite.', 'Drop --cited-only, or use it with --stage 2.');
    c.citedOnly = true;
  }
  c.cacheRef = o.refCache;
  return c;
}

function summary(end: SessionEnd, dir: string, seconds: number): string {
  const what = end.status === 'done' ? 'finished' : end.status === 'paused' ? 'paused' : 'stopped';
  return `run ${what} at step ${end.step}/${end.totalSteps} in ${seconds.toFixed(1)} s; checkpoint ${end.lastCheckpoint ?? 'none'} in ${dir}`;
}

export function trainCommand(ctx: CliContext): Command {
  const cmd = new Command('train')
    .description('Train the policy: SFT on single clips, then Stage 1 / Stage 2 DPO (LongVPO). Writes RUN/metrics.jsonl, RUN/config.json and checkpoints (safetensors).')
    .option('--data <dir>', 'data folder: clips.jsonl, sft.jsonl, triples.jsonl (as `longvpo demo` writes)')
    .addOption(new Option('--stage <stage>', 'what to train').choices(['sft', '1', '2']))
    .option('--init <run>', 'run folder whose latest checkpoint starts the policy and is the frozen reference (Stage 1: an SFT run; Stage 2: a Stage 1 run)')
    .addOption(new Option('--ref <mode>', 'reference context: anchor = the anchor clip alone (Stage 2: the cited scenes), the paper; full = the whole composite').choices([...REF_MODES]))
    .addOption(new Option('--loss <type>', 'DPO loss (TRL names)').choices([...LOSS_TYPES]))
    .option('--beta <b>', 'DPO β', decimal(1e-6, 100))
    .option('--alpha <a>', 'weight of the SFT term α·(−log π(y⁺|x)/|y⁺|) (paper: 1)', decimal(0, 100))
    .option('--label-smoothing <e>', 'robust DPO ε', decimal(0, 0.49))
    .option('--lr <lr>', 'peak learning rate (cosine schedule with warm-up)', decimal(1e-9, 1))
    .option('--batch <n>', 'pairs (DPO) or samples (SFT) per micro-batch', integer(1, 4096))
    .option('--accum <n>', 'micro-batches per optimizer step', integer(1, 1024))
    .option('--steps <n>', 'optimizer steps (0: as many as --epochs take); with --resume, the run’s new length', integer(0))
    .option('--epochs <n>', 'passes over the data', decimal(0.001, 10000))
    .option('--seed <n>', `seed of the init and the data order (default ${defaultTrainConfig('sft').seed}, every stage: another seed repeats a run with other draws)`, integer(0, 2 ** 32 - 1))
    .option('--warmup <ratio>', 'warm-up share of the steps', decimal(0, 0.99))
    .option('--checkpoint-every <n>', 'checkpoint every N steps (and at the end)', integer(1))
    .option('--no-ref-cache', 'run the reference every step instead of once per sample (for timing)')
    .option('--width <n>', 'SFT: model width', integer(2, 4096))
    .option('--depth <n>', 'SFT: transformer layers', integer(1, 64))
    .option('--heads <n>', 'SFT: attention heads', integer(1, 64))
    .option('--context <n>', 'SFT: longest sequence in tokens', integer(16, 65536))
    .addOption(new Option('--layout <layout>', 'SFT: where the question sits: after the clips (DESIGN.md §7), or before and after them (docs/training.md)').choices([...SEQUENCE_LAYOUTS]))
    .option('--replay <share>', 'Stage 2: mix in Stage 1 pairs, this share of the Stage 2 pairs (1: as many), so Stage 2 does not forget Stage 1 (docs/training.md)', decimal(0, 100))
    .option('--composite-clips <k>', 'Stage 1: cut every composite to its anchor and K − 1 of its distractors (drawn by --seed, as `shorten` does), for a curriculum of lengths (docs/training.md)', integer(1, 512))
    .option('--keep-slots', 'Stage 1 with --composite-clips K: keep every slot of the composite instead, the K − 1 distractors repeated over the slots the anchor does not take and the anchor in any slot, so it sits at every distance from the question (the `spread` recipe; docs/training.md)')
    .option('--single-clip <share>', 'Stage 1: train this share of the pairs (0–1, drawn by --seed) once more with the anchor alone as the context, so single clips are asked too (docs/training.md, "Single-clip pairs")', decimal(0, 1))
    .option('--cited-only', 'Stage 2: each pair with only the scenes its query cites as the context (the anchor-only reference\'s), for a supervised step before Stage 2 DPO on whole videos; Stage 1 replay pairs unchanged (docs/training.md, "Cited scenes only")')
    .option('--out <run>', 'run folder to create')
    .option('--resume <run>', 'continue this run from its latest checkpoint')
    .option('--pause-after <n>', 'stop (with a checkpoint) after N steps of this invocation', integer(1))
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices([...NODE_BACKENDS]).default('wasm'))
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText('after', '\nExamples:\n  npx longvpo demo --seed 42 --out out/demo\n  npx longvpo train --data out/demo --stage sft --out out/sft\n  npx longvpo train --data out/demo --stage 1 --init out/sft --out out/stage1\n  npx longvpo train --resume out/stage1');
  return cmd.action(async (o: TrainOptions) => {
    const t0 = Date.now();
    let folder: RunFolder;
    let session: TrainSession;
    if (o.resume !== undefined) {
      if (o.out !== undefined || o.stage !== undefined || o.init !== undefined || o.replay !== undefined || o.compositeClips !== undefined || o.keepSlots !== undefined || o.singleClip !== undefined || o.citedOnly !== undefined) throw new CliError('--resume continues a run as it was configured.', 'Pass only --resume RUN (and optionally --steps, --pause-after, --backend, --quiet).');
      folder = new RunFolder(o.resume);
      const cfg = await folder.config<RunConfigFile>();
      const latest = await folder.latest();
      await startBackend(o.backend);
      const data = await loadTrainData(cfg.data, latest.contents.meta.config, o);
      session = TrainSession.resume(latest.contents, data, { ...(o.steps !== undefined && { maxSteps: o.steps }) });
      await folder.truncateMetrics(latest.contents.meta.step);
      note(`resuming ${o.resume} at step ${latest.contents.meta.step}/${session.trainer.totalSteps}`, o.quiet);
    } else {
      if (o.data === undefined || o.stage === undefined || o.out === undefined) throw new CliError('train needs --data, --stage and --out (or --resume RUN).', 'Example: npx longvpo train --data out/demo --stage sft --out out/sft');
      const stage = STAGES[o.stage] as TrainStage;
      if (stage !== 'sft' && o.init === undefined) throw new CliError(`--stage ${o.stage} needs --init RUN (the run whose checkpoint it starts from).`, stage === 'stage1' ? 'Train SFT first: npx longvpo train --data DIR --stage sft --out out/sft, then --init out/sft.' : 'Start Stage 2 from a Stage 1 run: --init out/stage1.');
      const shaping = SFT_MODEL_FLAGS.find((f) => o[f] !== undefined);
      if (stage !== 'sft' && shaping) throw new CliError(`--${shaping} shapes a new SFT model; Stage 1 and 2 keep their initial checkpoint's ${shaping}.`, `Drop --${shaping}, or train SFT with it first (--stage sft --${shaping} …).`);
      if (stage === 'sft' && o.init !== undefined) throw new CliError('SFT starts from a fresh model; --init is for Stage 1 and 2.', 'Drop --init, or choose --stage 1.');
      const init = o.init !== undefined ? await new RunFolder(o.init).latest() : undefined;
      if (init && stage === 'stage2' && init.contents.meta.config.stage === 'sft') note('warning: Stage 2 usually starts from a Stage 1 run; --init is an SFT run', o.quiet);
      await startBackend(o.backend);
      const config = configFrom(o, stage);
      const data = await loadTrainData(o.data, config, o);
      const model = { ...(o.width !== undefined && { dModel: o.width }), ...(o.depth !== undefined && { layers: o.depth }), ...(o.heads !== undefined && { heads: o.heads }), ...(o.context !== undefined && { maxContext: o.context }), ...(o.layout !== undefined && { layout: o.layout }) };
      const runId = `${stage}-${config.seed}-${Date.now().toString(36)}`;
      session = TrainSession.start({ runId, config, data, ...(init && { init: { id: init.id, contents: init.contents } }), model });
      folder = new RunFolder(o.out);
      const m = session.model;
      await folder.create({
        run_id: runId,
        stage,
        data: o.data,
        init: init?.id ?? null,
        config: session.trainer.config,
        model: { ...DEFAULT_MODEL, ...m },
        parameters: parameterCount(m),
        flops_per_token: flopsPerToken(m, 64),
        created_at: new Date().toISOString(),
      } satisfies RunConfigFile);
      const replayed = data.pairs.filter((p) => p.stage === 1).length;
      const cut = (config.compositeClips ?? 0) > 0 ? (config.keepSlots ? ` (${config.compositeClips} clips over every slot of each composite)` : ` (composites cut to ${config.compositeClips} clips)`) : '';
      const single = data.pairs.filter(isSingleClipPair).length;
      const cited = data.pairs.filter(isCitedOnlyPair).length;
      note(`${stage}: ${session.trainer.samples} samples${stage === 'stage2' && replayed > 0 ? ` (${replayed} of them Stage 1 replay)` : cut}${single > 0 ? ` (${single} of them with the anchor alone)` : ''}${cited > 0 ? ` (${cited} Stage 2 pairs with their cited scenes alone)` : ''}, ${session.trainer.totalSteps} steps; model ${m.layers}×${m.dModel} (${m.heads} heads, ${layoutOf(m)}), ${parameterCount(m).toLocaleString('en')} parameters, vocabulary ${m.vocabSize}; ${o.backend} backend`, o.quiet);
    }
    const refProgress = new Progress('reference log-probs', 'pairs', o.quiet);
    const stepProgress = new Progress('training', 'steps', o.quiet);
    let end: SessionEnd;
    try {
      end = await session.run(folder, {
        signal: ctx.signal,
        ...(o.pauseAfter !== undefined && { pauseAfter: o.pauseAfter }),
        onPhase: (p) => {
          if (p.kind === 'reference') refProgress.update(p.done, p.total);
          else if (p.kind === 'step') {
            refProgress.finish();
            stepProgress.update(p.metrics.step, p.totalSteps);
          }
        },
      });
    } finally {
      refProgress.finish();
      stepProgress.finish();
      session.dispose();
    }
    note(summary(end, folder.dir, (Date.now() - t0) / 1000), o.quiet);
    if (end.status === 'failed' && end.error) throw new CliError(end.error.message, end.error.hint);
    if (end.status === 'paused' && ctx.signal.aborted) throw new DOMException('cancelled', 'AbortError');
    process.stdout.write(folder.dir + '\n');
  });
}
