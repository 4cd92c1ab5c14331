// `longvpo synth`: Stage 1 on user data — clips with embeddings (clips.jsonl) and imported
// annotations (src/core/generators/imported.ts), or the demo world's oracle for a demo run's
// clips.jsonl; with `--stage 2`, Stage 2 on a scene list (scenes.jsonl, src/core/sceneList.ts).
// Writes DIR/triples.jsonl and DIR/report.json (docs/cli.md).
import { Command, Option } from 'commander';
import { parseClipsJsonl } from '../core/clipsJsonl';
import { DEMO_SIZES, type DemoSize } from '../core/demo';
import { parseAnnotations } from '../core/generators/annotationsFile';
import { ImportedGenerator } from '../core/generators/imported';
import type { Generator } from '../core/generators/types';
import { embedderId } from '../core/pipeline';
import { parseSceneList } from '../core/sceneList';
import { studioJsonl } from '../core/triples/exports';
import { createOracleGenerator } from '../core/world';
import { SFT_CLIP_SEED, SFT_SHARE, sftReservedClips } from '../core/train/sftSynthesis';
import { NODE_BACKENDS, startBackend, type NodeBackend } from './backend';
import type { CliContext } from './context';
import { demoWorld } from './demo';
import { CliError, FileProblemsError, printIssues } from './errors';
import { readText, writeOutputs } from './io';
import { createdAt, decimal, integer } from './options';
import { note } from './progress';
import { addStage1Options, runStage1, type Stage1Options } from './stage1';
import { addStage2Options, runStage2, type Stage2Options } from './stage2';

interface SynthOptions extends Stage1Options, Stage2Options {
  stage: 1 | 2;
  clips?: string;
  scenes?: string;
  annotations?: string;
  oracle?: DemoSize;
  worldSeed?: number;
  out: string;
  fps: number;
  embedder: string;
  sftShare: number;
  backend: NodeBackend;
  quiet: boolean;
}

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

async function generatorFor(o: SynthOptions): Promise<Generator> {
  if (o.annotations !== undefined && o.oracle !== undefined) throw new CliError('--annotations and --oracle were both given.', 'Choose one generator: your annotations file, or the demo-world oracle.');
  if (o.stage2Rejected === 'guess' && o.oracle === undefined) throw new CliError('--stage2-rejected guess sets how the demo-world oracle writes y−; an annotations file brings its own degraded-context answers.', 'Drop --stage2-rejected, or pass --oracle SIZE for the scenes of a `longvpo demo` run.');
  if (o.oracle !== undefined) return createOracleGenerator(demoWorld(o.oracle, o.worldSeed ?? o.seed), { degraded: o.stage2Rejected });
  if (o.annotations === undefined) throw new CliError('No generator: synth needs --annotations FILE (or --oracle SIZE for a demo run’s clips).', 'Pass the captions/QA file with --annotations (formats: docs/annotations.md).');
  const result = parseAnnotations(await readText(o.annotations, 'Annotations file'), { maxErrors: Number.POSITIVE_INFINITY });
  if (!result.ok) throw new FileProblemsError(o.annotations, result.errors, result.moreErrors, 'Fix those lines (formats: docs/annotations.md) and run synth again.');
  if (!o.quiet) printIssues(o.annotations, result.warnings, 'warning');
  return new ImportedGenerator(result.annotations, { sourceName: baseName(o.annotations) });
}

export function synthCommand(ctx: CliContext): Command {
  const cmd = new Command('synth')
    .description('Stage 1 triples from your clips (clips.jsonl with embeddings) and annotations; Stage 2 (--stage 2) from a scene list. Writes DIR/triples.jsonl and DIR/report.json.')
    .option('--stage <n>', 'which stage to synthesize: 1 (anchored clips) or 2 (scenes of long videos)', integer(1, 2), 1)
    .option('--clips <file>', 'Stage 1: clips.jsonl, one clip per line with id, video, start_s, end_s, embedding (docs/cli.md)')
    .option('--scenes <file>', 'Stage 2: scenes.jsonl, one scene per line with video, start_s, end_s, optional caption (docs/stage2.md)')
    .option('--annotations <file>', 'captions and QA to build triples from (studio JSONL or LLaVA-Video style; docs/annotations.md)')
    .addOption(new Option('--oracle <size>', 'use the demo-world oracle instead (for clips.jsonl of `longvpo demo`)').choices(Object.keys(DEMO_SIZES)))
    .option('--world-seed <n>', 'with --oracle: the demo world seed (default: --seed)', integer(-(2 ** 31), 2 ** 31 - 1))
    .requiredOption('--out <dir>', 'output directory (created if missing; files in it are replaced)')
    .option('--fps <n>', 'sampling rate the clips were cut at, for lines without "frames"', decimal(0.1, 10), 1)
    .option('--sft-share <fraction>', 'Stage 1: share of the clips kept for single-clip SFT, never anchors (as demo and the browser; 0: none)', decimal(0, 0.95), SFT_SHARE)
    .option('--embedder <id>', 'id of the model that made the embeddings (recorded in filters.embedder)', embedderId({ kind: 'default' }))
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend for the similarity matmuls').choices([...NODE_BACKENDS]).default('wasm'))
    .option('--quiet', 'no progress or warnings on stderr', false);
  addStage1Options(cmd, 200);
  addStage2Options(cmd, { count: 200, minVideoS: 120 });
  cmd.addHelpText('after', '\nExamples:\n  npx longvpo synth --clips my/clips.jsonl --annotations my/annotations.jsonl --out out/mine\n  npx longvpo synth --stage 2 --scenes out/demo/scenes.jsonl --oracle full --seed 42 --min-video-s 60 --out out/s2');
  return cmd.action(async (o: SynthOptions) => {
    if (o.stage === 2) return synthStage2(o, ctx);
    const t0 = Date.now();
    if (o.clips === undefined) throw new CliError('No clips: Stage 1 needs --clips FILE.', 'Pass clips.jsonl with --clips (or --stage 2 --scenes FILE for Stage 2).');
    const parsed = parseClipsJsonl(await readText(o.clips, 'Clips file'), { fps: o.fps });
    if (!parsed.ok) throw new FileProblemsError(o.clips, parsed.errors, 0, 'Fix those lines (clips.jsonl fields: docs/cli.md) and run synth again.');
    const generator = await generatorFor(o);
    await startBackend(o.backend);
    note(`${parsed.clips.length} clips (${parsed.dim}-d embeddings), generator: ${generator.label}`, o.quiet);
    const stamp = createdAt(o.now, () => new Date().toISOString());
    // As `demo` and the browser do: a share of the clips is kept for single-clip SFT and never anchors (docs/training.md).
    const excludedAnchors = sftReservedClips(parsed.clips, SFT_CLIP_SEED, o.sftShare);
    const { triples, report } = await runStage1(parsed.clips, generator, o.embedder, { ...o, createdAt: stamp, quiet: o.quiet, signal: ctx.signal, excludedAnchors });
    if (triples.length < o.count) {
      const reasons = Object.entries(report.discarded).filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
      note(`${triples.length} of ${o.count} triples: ${report.attempted} attempts (discarded: ${reasons.join(', ') || 'none'}; ${report.skippedAnchors} clips without a question)${report.discarded.not_specific > 0 && o.annotations !== undefined ? '. With imported annotations a question that another clip has with the same answer counts as not specific; --no-specificity turns that filter off' : ''}`, o.quiet);
    }
    const summary = { command: 'synth', clips_file: o.clips, generator: generator.label, seed: o.seed, created_at: stamp, embedder: { id: o.embedder, dim: parsed.dim, backend: o.backend }, clips: parsed.clips.length, stage1: report, timings_ms: { total: Date.now() - t0 } };
    const written = await writeOutputs(o.out, { 'triples.jsonl': studioJsonl(triples), 'report.json': JSON.stringify(summary, null, 2) + '\n' }, ctx.signal);
    note(`${triples.length} triples from ${parsed.clips.length} clips in ${((Date.now() - t0) / 1000).toFixed(1)} s`, o.quiet);
    process.stdout.write(written.join('\n') + '\n');
  });
}

/** `synth --stage 2`: the scene list's long videos through Stage 2 (captions first where missing). */
async function synthStage2(o: SynthOptions, ctx: CliContext): Promise<void> {
  const t0 = Date.now();
  if (o.scenes === undefined) throw new CliError('No scenes: Stage 2 needs --scenes FILE.', 'Pass a scene list with --scenes (e.g. the scenes.jsonl of `longvpo demo`; format: docs/stage2.md).');
  const world = o.oracle !== undefined ? demoWorld(o.oracle, o.worldSeed ?? o.seed) : undefined;
  const known = world?.videos.map((v) => ({ id: v.id, name: v.fileName, durationS: v.durationS }));
  const parsed = parseSceneList(await readText(o.scenes, 'Scenes file'), { fps: o.fps, sourceName: baseName(o.scenes), maxErrors: Number.POSITIVE_INFINITY, ...(known && { known }) });
  if (!parsed.ok) throw new FileProblemsError(o.scenes, parsed.errors, parsed.moreErrors, 'Fix those lines (scene-list fields: docs/stage2.md) and run synth again.');
  if (!o.quiet) printIssues(o.scenes, parsed.warnings, 'warning');
  const generator = await generatorFor(o);
  const scenes = parsed.videos.reduce((n, v) => n + v.scenes.length, 0);
  note(`${scenes} scenes of ${parsed.videos.length} videos, generator: ${generator.label}`, o.quiet);
  const stamp = createdAt(o.now, () => new Date().toISOString());
  const { triples, report } = await runStage2(parsed.videos, generator, { ...o, createdAt: stamp, signal: ctx.signal });
  const summary = { command: 'synth', stage: 2, scenes_file: o.scenes, generator: generator.label, seed: o.seed, created_at: stamp, videos: parsed.videos.length, scenes, stage2: { ...report, ...(o.oracle !== undefined && { rejected: o.stage2Rejected }) }, timings_ms: { total: Date.now() - t0 } };
  const written = await writeOutputs(o.out, { 'triples.jsonl': studioJsonl(triples), 'report.json': JSON.stringify(summary, null, 2) + '\n' }, ctx.signal);
  note(`${triples.length} Stage 2 triples from ${scenes} scenes in ${((Date.now() - t0) / 1000).toFixed(1)} s`, o.quiet);
  process.stdout.write(written.join('\n') + '\n');
}
