// Reading a data folder for `longvpo train` (issue #12): clips.jsonl (embeddings), sft.jsonl
// (single-clip samples) and triples.jsonl (Stage 1 / Stage 2 triples), as `longvpo demo` writes
// them. Every problem names the file and the fix; nothing is written before the data is whole.
import { join } from 'node:path';
import { parseClipsJsonl, type EmbeddedSynthClip } from '../core/clipsJsonl';
import { spanVector, type SpanClip } from '../core/train/spanVectors';
import type { TrainConfig } from '../core/train/config';
import { missingClips, preferenceSample, type PreferenceSample, type SftSample } from '../core/train/samples';
import { parseSftJsonl } from '../core/train/sftData';
import { dpoPairs } from '../core/train/replay';
import { shortenTriples } from '../core/synthesis/shorten';
import type { TrainData } from '../ml/train/session';
import { CliError, FileProblemsError } from './errors';
import { exists, readText } from './io';
import { readTriples } from './triplesFile';


/** Clip (and scene) embeddings of a data folder, by id: clips.jsonl, plus scenes.jsonl spans. */
export async function loadClipVectors(dir: string): Promise<{ dim: number; tokens: number; vectors: Map<string, Float32Array>; clips: EmbeddedSynthClip[] }> {
  if (!(await exists(dir))) throw new CliError(`The data folder ${dir} does not exist.`, 'Pass the folder `longvpo demo --out` wrote (clips.jsonl, sft.jsonl, triples.jsonl).');
  const clipsPath = join(dir, 'clips.jsonl');
  if (!(await exists(clipsPath))) throw new CliError(`${dir} has no clips.jsonl (the clip embeddings).`, 'Pass the folder `longvpo demo --out` wrote, or write clips.jsonl as docs/cli.md describes.');
  const parsed = parseClipsJsonl(await readText(clipsPath, 'Clips file'));
  if (!parsed.ok) throw new FileProblemsError(clipsPath, parsed.errors, 0, 'Fix those lines of clips.jsonl (format: docs/cli.md).');
  const vectors = new Map(parsed.clips.map((c) => [c.id, c.embedding]));
  // Stage 2 triples cite scenes (scenes.jsonl): a scene without a vector of its own gets the
  // overlap-weighted mean of its video's clips (src/core/train/spanVectors.ts).
  const scenesPath = join(dir, 'scenes.jsonl');
  if (await exists(scenesPath)) {
    const byVideo = new Map<string, SpanClip[]>();
    for (const c of parsed.clips) byVideo.set(c.videoId, [...(byVideo.get(c.videoId) ?? []), { video: c.videoId, startS: c.startS, endS: c.endS, embedding: c.embedding }]);
    for (const [i, line] of (await readText(scenesPath, 'Scenes file')).split('\n').entries()) {
      if (line.trim() === '') continue;
      let scene: { id?: unknown; video?: unknown; start_s?: unknown; end_s?: unknown; embedding?: unknown };
      try {
        scene = JSON.parse(line) as typeof scene;
      } catch {
        throw new CliError(`${scenesPath} line ${i + 1} is not valid JSON.`, 'Fix the line (format: docs/cli.md) or remove scenes.jsonl.');
      }
      if (typeof scene.id !== 'string' || vectors.has(scene.id)) continue;
      const v = Array.isArray(scene.embedding) ? Float32Array.from(scene.embedding as number[]) : spanVector(byVideo.get(String(scene.video)) ?? [], Number(scene.start_s), Number(scene.end_s));
      if (v) vectors.set(scene.id, v);
    }
  }
  return { dim: parsed.dim, tokens: parsed.tokens, vectors, clips: parsed.clips };
}

/**
 * The data of a run's config: its stage; for Stage 1 its composites cut to `compositeClips`, and for
 * Stage 2 its Stage 1 replay, each drawn by its seed (src/core/synthesis/shorten.ts, src/core/train/replay.ts).
 */
export async function loadTrainData(dir: string, config: Pick<TrainConfig, 'stage' | 'replay' | 'seed' | 'compositeClips' | 'keepSlots' | 'singleClip' | 'citedOnly'>, o: { quiet: boolean }): Promise<TrainData> {
  const { stage } = config;
  const { dim, tokens, vectors } = await loadClipVectors(dir);
  let sft: SftSample[] = [];
  const sftPath = join(dir, 'sft.jsonl');
  if (await exists(sftPath)) {
    const r = parseSftJsonl(await readText(sftPath, 'SFT file'));
    if (!r.ok) throw new FileProblemsError(sftPath, r.errors, 0, 'Fix those lines of sft.jsonl (format: docs/training.md).');
    sft = r.samples;
  } else if (stage === 'sft') throw new CliError(`${dir} has no sft.jsonl (single-clip questions for SFT).`, 'Run `npx longvpo demo --out DIR` to make one, or write it as docs/training.md describes.');
  let pairs: PreferenceSample[] = [];
  const triplesPath = join(dir, 'triples.jsonl');
  if (await exists(triplesPath)) {
    const read = (await readTriples(triplesPath, { quiet: o.quiet })).triples;
    const triples = shortenTriples(read, config.compositeClips ?? 0, config.seed, config.keepSlots);
    const wanted = stage === 'stage2' ? 2 : 1;
    // SFT builds its vocabulary from every text; the DPO stages train on their own stage only.
    pairs = triples.filter((t) => stage === 'sft' || t.stage === wanted).map(preferenceSample);
    if (stage !== 'sft' && pairs.length === 0) throw new CliError(`${triplesPath} has no Stage ${wanted} triples.`, wanted === 2 ? 'Synthesize Stage 2 triples first (`longvpo synth --stage 2`).' : 'Synthesize Stage 1 triples first (`longvpo demo` or `longvpo synth`).');
    pairs = dpoPairs(pairs, () => triples.filter((t) => t.stage === 1).map(preferenceSample), config);
  } else if (stage !== 'sft') throw new CliError(`${dir} has no triples.jsonl.`, 'Run `npx longvpo demo --out DIR`, or `longvpo synth`, to make triples.');
  const used = stage === 'sft' ? sft : pairs;
  const missing = missingClips(used, new Set(vectors.keys()));
  if (missing.length > 0)
    throw new CliError(`${missing.length} clip(s) used by the samples have no embedding in clips.jsonl (first: ${missing.slice(0, 3).join(', ')}).`, 'Use the clips.jsonl written with those samples (same `longvpo demo` or `synth` run).');
  return { clips: { dim, tokens, vector: (id) => vectors.get(id) }, sft, pairs, source: dir };
}
