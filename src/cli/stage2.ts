// Stage 2 synthesis as the CLI runs it: the options both `demo` and `synth --stage 2` take, the
// long videos from detected scenes, and the run itself over src/core/synthesis/stage2 with
// progress on stderr. No method logic lives here.
import { Option, type Command } from 'commander';
import type { CancelSignal, Generator } from '../core/generators/types';
import { MAX_FRAMES_PER_SCENE, STAGE2_DEFAULTS, synthesizeStage2, type Stage2Result, type Stage2Video } from '../core/synthesis/stage2';
import { DEGRADED_ANSWERS, type DegradedAnswers } from '../core/world';
import { decimal, integer } from './options';
import { note, Progress } from './progress';

export interface Stage2Options {
  stage2Count: number;
  partialShare: number;
  framesPerScene: number;
  minVideoS: number;
  /** The demo-world oracle's degraded-context answers (y−): honest or guessed. */
  stage2Rejected: DegradedAnswers;
}

export function addStage2Options(cmd: Command, defaults: { count: number; minVideoS: number }): Command {
  return cmd
    .option('--stage2-count <n>', 'Stage 2 triples wanted (fewer when the videos run out of new queries; see report.json)', integer(0), defaults.count)
    .option('--partial-share <p>', 'share of rejected answers by partial evidence (the rest: irrelevance)', decimal(0, 1), STAGE2_DEFAULTS.partialEvidenceShare)
    .option('--frames-per-scene <n>', `frames each scene contributes to the long input (1–${MAX_FRAMES_PER_SCENE})`, integer(1, MAX_FRAMES_PER_SCENE), STAGE2_DEFAULTS.framesPerScene)
    .option('--min-video-s <s>', 'only videos at least this long are Stage 2 material', decimal(0, 1e6), defaults.minVideoS)
    .addOption(
      new Option('--stage2-rejected <kind>', 'demo-world oracle: how y− is written from a degraded context — honest (says what is not seen) or guess (an answer of the full form, as a model answering anyway; docs/stage2.md)')
        .choices([...DEGRADED_ANSWERS])
        .default('honest'),
    );
}

export { worldStage2Videos } from '../core/eval/stage2Probe';

export async function runStage2(videos: readonly Stage2Video[], generator: Generator, o: Stage2Options & { seed: number; createdAt: string; quiet: boolean; signal: CancelSignal }): Promise<Stage2Result> {
  const captions = new Progress('Stage 2 scene captions', 'scenes', o.quiet);
  const queries = new Progress('Stage 2 triples', 'triples', o.quiet);
  try {
    const result = await synthesizeStage2(videos, generator, {
      seed: o.seed,
      count: o.stage2Count,
      partialEvidenceShare: o.partialShare,
      framesPerScene: o.framesPerScene,
      minVideoS: o.minVideoS,
      now: o.createdAt,
      signal: o.signal,
      onProgress: (p) => (p.phase === 'caption' ? captions.update(p.done, p.total) : queries.update(p.done, p.total)),
    });
    const r = result.report;
    if (r.produced < o.stage2Count) {
      const reasons = Object.entries(r.discarded).filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
      const skipped = Object.entries(r.skippedVideos).filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
      note(`${r.produced} of ${o.stage2Count} Stage 2 triples from ${r.videos.filter((v) => v.skipped === null).length} videos: ${r.attempted} queries (discarded: ${reasons.join(', ') || 'none'}${skipped.length ? `; videos skipped: ${skipped.join(', ')}` : ''})${r.firstGeneratorProblem ? `. First generator problem: ${r.firstGeneratorProblem}` : ''}`, o.quiet);
    }
    return result;
  } finally {
    captions.finish();
    queries.finish();
  }
}
