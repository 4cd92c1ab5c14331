// Stage 1 synthesis as the CLI runs it: the options both `demo` and `synth` take, and the run
// itself over clips with embeddings — a TensorSimilaritySource (one matmul per anchor batch on the
// active backend) feeding src/core/synthesis. No method logic lives here.
import { Option, type Command } from 'commander';
import type { EmbeddedSynthClip } from '../core/clipsJsonl';
import type { CancelSignal, Generator } from '../core/generators/types';
import { STAGE1_DEFAULTS, MAX_FRAMES_PER_CLIP, synthesizeStage1, type Stage1Result } from '../core/synthesis/stage1';
import { TensorSimilaritySource } from '../ml/similaritySource';
import { decimal, integer, isoTime } from './options';
import { Progress } from './progress';

export interface Stage1Options {
  seed: number;
  count: number;
  frameBudget: number;
  framesPerClip: number;
  threshold: number;
  specificity: boolean;
  now?: string;
}

export function addStage1Options(cmd: Command, defaultCount: number): Command {
  return cmd
    .option('--seed <n>', 'seed of every random draw (anchors, distractors, positions)', integer(-(2 ** 31), 2 ** 32 - 1), 42)
    .option('--count <n>', 'Stage 1 triples wanted (fewer when the clips run out; see report.json)', integer(0), defaultCount)
    .option('--frame-budget <n>', 'frames of the long composite video (paper: 128, 256 or 512)', integer(2), STAGE1_DEFAULTS.frameBudget)
    .option('--frames-per-clip <n>', `frames per clip slot in the composite (1–${MAX_FRAMES_PER_CLIP})`, integer(1, MAX_FRAMES_PER_CLIP), STAGE1_DEFAULTS.framesPerClip)
    .option('--threshold <cos>', 'visual-similarity filter: distractors above this cosine to the anchor are replaced', decimal(-1, 1), STAGE1_DEFAULTS.similarityThreshold)
    .option('--no-specificity', 'skip the question-specificity filter')
    .addOption(new Option('--now <iso>', 'provenance.created_at of every triple (default: see docs/cli.md)').argParser(isoTime));
}

export async function runStage1(clips: readonly EmbeddedSynthClip[], generator: Generator, embedderId: string, o: Stage1Options & { createdAt: string; quiet: boolean; signal: CancelSignal; excludedAnchors?: ReadonlySet<string> }): Promise<Stage1Result> {
  const similarity = TensorSimilaritySource.fromRows(clips.map((c) => c.embedding));
  const progress = new Progress('Stage 1 triples', 'triples', o.quiet);
  try {
    return await synthesizeStage1(clips, similarity, generator, {
      seed: o.seed,
      count: o.count,
      embedder: embedderId,
      frameBudget: o.frameBudget,
      framesPerClip: o.framesPerClip,
      similarityThreshold: o.threshold,
      specificityFilter: o.specificity,
      now: o.createdAt,
      signal: o.signal,
      ...(o.excludedAnchors && { excludedAnchors: o.excludedAnchors }),
      onProgress: (p) => progress.update(p.produced, p.requested),
    });
  } finally {
    progress.finish();
    similarity.dispose();
  }
}
