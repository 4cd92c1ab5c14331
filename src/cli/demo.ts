// `longvpo demo`: demo world → frames (1 fps) → default embeddings → clips and scenes → Stage 1
// and Stage 2 triples, written to DIR/triples.jsonl, DIR/clips.jsonl, DIR/scenes.jsonl and
// DIR/report.json (docs/cli.md).
import { Command, Option } from 'commander';
import { clipsJsonl } from '../core/clipsJsonl';
import { DEMO_DATA_VERSION, DEMO_FEATURES, DEMO_SIZES, type DemoFeatures, type DemoSize } from '../core/demo';
import { DEFAULT_PIPELINE, LIMITS } from '../core/pipeline';
import { sceneListJsonl } from '../core/sceneList';
import { studioJsonl } from '../core/triples/exports';
import { buildWorld, createOracleGenerator, worldFingerprint, type World } from '../core/world';
import { FACT_FORMS, isFactForm, withFactFeatures } from '../core/world/factFeatures';
import { createFeatureEmbedder, DEFAULT_EMBEDDER_SPEC } from '../ml/embedder';
import { embedWorld, worldSampleTotal } from '../ml/worldEmbeddings';
import { NODE_BACKENDS, startBackend, type NodeBackend } from './backend';
import type { CliContext } from './context';
import { writeOutputs } from './io';
import { createdAt, decimal, DEMO_CREATED_AT, integer } from './options';
import { note, Progress } from './progress';
import { addStage1Options, runStage1, type Stage1Options } from './stage1';
import { addStage2Options, runStage2, worldStage2Videos, type Stage2Options } from './stage2';
import { sftJsonl } from '../core/train/sftData';
import { SFT_CLIP_SEED, SFT_QUESTION_FORMS, SFT_SHARE, sftReservedClips, synthesizeSft, type SftQuestionForm } from '../core/train/sftSynthesis';

interface DemoOptions extends Stage1Options, Stage2Options {
  out: string;
  size: DemoSize;
  fps: number;
  clipS: number;
  backend: NodeBackend;
  quiet: boolean;
  sftPerClip: number;
  sftShare: number;
  sftQuestions: SftQuestionForm;
  features: DemoFeatures;
}

/**
 * The demo world rendered straight at the embedder's letterbox (4:3 inside a square, like the
 * default world's 160×120): the same seed gives the same world at any size of that aspect.
 */
export function demoWorld(size: DemoSize, seed: number): World {
  const s = DEFAULT_EMBEDDER_SPEC.inputSize;
  return buildWorld({ ...DEMO_SIZES[size].config, seed, width: s, height: (s * 3) / 4 });
}

export function demoCommand(ctx: CliContext): Command {
  const cmd = new Command('demo')
    .description('Demo world → frames → default embeddings → clips → Stage 1 triples, all offline. Writes DIR/triples.jsonl, DIR/clips.jsonl and DIR/report.json.')
    .requiredOption('--out <dir>', 'output directory (created if missing; files in it are replaced)')
    .addOption(new Option('--size <size>', 'demo world size').choices(Object.keys(DEMO_SIZES)).default('full'))
    .option('--fps <n>', 'frames sampled per second of video (paper: 1)', decimal(...LIMITS.fps), DEFAULT_PIPELINE.fps)
    .option('--clip-s <seconds>', 'fixed clip length, seconds', decimal(...LIMITS.clipS), DEFAULT_PIPELINE.clipS)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices([...NODE_BACKENDS]).default('wasm'))
    .option('--quiet', 'no progress on stderr', false)
    .option('--sft-per-clip <n>', 'single-clip SFT questions per non-anchor clip, written to sft.jsonl (0: none)', integer(0, 64), 6)
    .addOption(new Option('--features <kind>', 'frame features: the default embedder, it plus each frame\'s 64-bin colour histogram, the histogram alone, 5 tokens per clip: frame + quadrants, 6 object tokens per clip found by segmenting the pixels (no network), or `facts` / `fact-tokens`: each clip written from the world\'s ground truth as one vector or one token per object, an oracle diagnostic (docs/evaluation.md)').choices([...DEMO_FEATURES]).default('mobilenet'))
    .addOption(new Option('--sft-questions <form>', 'wording of the SFT questions: anchored ("On the … background, …", as Stage 1 and the probe ask), clip-only (that anchor dropped where the clip alone answers the same; the words then recur across clips with other answers) or both, two samples per question (docs/training.md)').choices([...SFT_QUESTION_FORMS]).default('anchored'))
    .option('--sft-share <fraction>', 'share of the clips reserved for SFT: never Stage 1 anchors (they may be distractors)', decimal(0, 0.95), SFT_SHARE);
  addStage1Options(cmd, 200);
  // The small world's one long video is about 75 s: 60 s keeps it Stage 2 material (the core default is issue #10's 2 min).
  addStage2Options(cmd, { count: 200, minVideoS: 60 });
  cmd.addHelpText('after', '\nThe world seed and the synthesis seed are both --seed. Output is byte-identical for the same options (created_at is fixed unless --now or SOURCE_DATE_EPOCH is set).\nExample: npx longvpo demo --size small --seed 7 --out out/demo');
  return cmd.action(async (o: DemoOptions) => {
    const t0 = Date.now();
    const stamp = createdAt(o.now, () => DEMO_CREATED_AT);
    await startBackend(o.backend);
    const world = demoWorld(o.size, o.seed);
    const tWorld = Date.now();
    // The oracle forms embed the pixels with the default embedder (its scene cuts are the studio's)
    // and then replace every clip's vector with the world's ground truth of its span.
    const facts = isFactForm(o.features) ? FACT_FORMS[o.features] : null;
    const pixelEmbedder = await createFeatureEmbedder(isFactForm(o.features) ? 'mobilenet' : o.features);
    const embedder = facts ?? { id: pixelEmbedder.id, dim: pixelEmbedder.dim, tokens: pixelEmbedder.tokens ?? 1 };
    const tModel = Date.now();
    const frames = worldSampleTotal(world, o.fps);
    note(`demo world (${o.size}, seed ${o.seed}): ${world.videos.length} videos, ${frames} frames at ${o.fps} fps; ${o.backend} backend, ${embedder.dim}-d embeddings${facts ? ' (oracle: written from the world\'s ground truth, a diagnostic)' : ''}`, o.quiet);
    const progress = new Progress('embedding frames', 'frames', o.quiet);
    let clips, scenes;
    try {
      const sceneOptions = { threshold: DEFAULT_PIPELINE.sceneThreshold, minSceneS: DEFAULT_PIPELINE.minSceneS };
      ({ clips, scenes } = await embedWorld(world, pixelEmbedder, { fps: o.fps, clipS: o.clipS, scenes: sceneOptions, signal: ctx.signal, onProgress: (p) => progress.update(p.framesDone, p.framesTotal) }));
    } finally {
      progress.finish();
      pixelEmbedder.dispose();
    }
    if (isFactForm(o.features)) clips = withFactFeatures(world, clips, o.features);
    const tEmbed = Date.now();
    const oracle = createOracleGenerator(world);
    // A seeded share of the clips is kept for single-clip SFT (issue #12): never a Stage 1 anchor.
    const reserved = sftReservedClips(clips, SFT_CLIP_SEED, o.sftPerClip > 0 ? o.sftShare : 0);
    const { triples, report } = await runStage1(clips, oracle, embedder.id, { ...o, createdAt: stamp, quiet: o.quiet, signal: ctx.signal, excludedAnchors: reserved });
    const anchors = new Set(triples.flatMap((t) => (t.stage === 1 && t.anchor_index !== undefined ? [t.video[t.anchor_index] as string] : [])));
    const sft = await synthesizeSft(clips.filter((c) => reserved.has(c.id)), oracle, { exclude: anchors, questionsPerClip: o.sftPerClip, questionForm: o.sftQuestions, signal: ctx.signal });
    const tSynth = Date.now();
    const videos = worldStage2Videos(world, scenes);
    const stage2 = await runStage2(videos, createOracleGenerator(world, { degraded: o.stage2Rejected }), { ...o, createdAt: stamp, signal: ctx.signal });
    const tStage2 = Date.now();
    const summary = {
      command: 'demo',
      data_version: DEMO_DATA_VERSION,
      size: o.size,
      seed: o.seed,
      features: o.features,
      created_at: stamp,
      world: { version: world.version, fingerprint: worldFingerprint(world), config: world.config, videos: world.videos.length },
      sampling: { fps: o.fps, clip_s: o.clipS, frames },
      embedder: { id: embedder.id, dim: embedder.dim, tokens: embedder.tokens, backend: o.backend, ...(facts ? { pixels: pixelEmbedder.id } : {}) },
      clips: clips.length,
      scenes: scenes.length,
      stage1: report,
      stage2: { ...stage2.report, rejected: o.stage2Rejected },
      sft: { ...sft.report, questions: o.sftQuestions },
      timings_ms: { world: tWorld - t0, model_load: tModel - tWorld, embed: tEmbed - tModel, synthesis: tSynth - tEmbed, stage2: tStage2 - tSynth, total: tStage2 - t0 },
      embed_frames_per_s: Math.round((frames / Math.max(1, tEmbed - tModel)) * 1000 * 10) / 10,
    };
    const written = await writeOutputs(o.out, {
      'triples.jsonl': studioJsonl([...triples, ...stage2.triples]),
      'clips.jsonl': clipsJsonl(clips, embedder.tokens),
      'scenes.jsonl': sceneListJsonl(videos),
      'sft.jsonl': sftJsonl(sft.lines),
      'report.json': JSON.stringify(summary, null, 2) + '\n',
    }, ctx.signal);
    note(`${triples.length} triples from ${clips.length} clips (${report.attempted} attempts, ${report.replacedDistractors} look-alike distractors replaced) in ${((Date.now() - t0) / 1000).toFixed(1)} s`, o.quiet);
    note(`${stage2.triples.length} Stage 2 triples from ${scenes.length} scenes of ${videos.length} videos (${stage2.report.attempted} queries)`, o.quiet);
    process.stdout.write(written.join('\n') + '\n');
  });
}
