// bench/features: what a study's clip embeddings say about the demo world's objects. A linear
// probe (ridge regression on standardised clip embeddings, λ = 1, no tuning) is fitted on the
// training world's clips to the presence of each object colour, shape and texture, and of each
// background colour (base or accent) and pattern (the world's ground truth; the questions name an
// anchor clip by its background), then scored on the held-out world's clips: balanced accuracy,
// chance 0.5. It tells whether the visual tokens can carry what the questions ask about, before
// any policy is trained (docs/evaluation.md) — not whether the policy will read it (results.md,
// "Which half of the perception": a form the probe reads better was read worse). Prints JSON and
// a table.
//
// Run: STUDIES=out/study,out/study-colour npm run bench:features
//      (each a `npx longvpo reproduce --out DIR` folder, or any DIR with data/ and heldout/ made by
//      `npx longvpo demo`)
//      TRAIN_WORLDS=1,4,16 (with a `reproduce --train-worlds 16` study): the probe fitted on the
//      first N training worlds (data/, then worlds/seed-* by seed), to see whether what a clip
//      vector carries that transfers to a new world grows with the number of clips.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { demoWorld } from '../src/cli/demo';
import { parseClipsJsonl } from '../src/core/clipsJsonl';
import type { DemoSize } from '../src/core/demo';
import { describeSpan } from '../src/core/world';
import { BACKGROUND_COLOUR_NAMES, OBJECT_COLOUR_NAMES, PATTERNS, SHAPES, TEXTURES } from '../src/core/world/vocabulary';

interface Labelled {
  xs: Float64Array[];
  labels: Set<string>[];
  dim: number;
  embedder: string;
}

function labelled(dir: string): Labelled {
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { seed: number; size: DemoSize; embedder: { id: string } };
  const world = demoWorld(report.size, report.seed);
  const parsed = parseClipsJsonl(readFileSync(join(dir, 'clips.jsonl'), 'utf8'));
  if (!parsed.ok) throw new Error(`${dir}/clips.jsonl: ${parsed.errors[0]?.message}`);
  const xs: Float64Array[] = [];
  const labels: Set<string>[] = [];
  for (const c of parsed.clips) {
    const video = world.videos.find((v) => v.id === c.videoId);
    if (!video) throw new Error(`${c.id} is not a clip of demo world ${report.seed}`);
    xs.push(Float64Array.from(c.embedding));
    const truth = describeSpan(world, video, c.startS, c.endS);
    labels.push(
      new Set([
        ...truth.objects.flatMap((o) => [`colour:${o.colour}`, `shape:${o.shape}`, `texture:${o.texture}`]),
        ...truth.backgrounds.flatMap((b) => [`background:${b.background.base}`, `background:${b.background.accent}`, `pattern:${b.background.pattern}`]),
      ]),
    );
  }
  return { xs, labels, dim: parsed.dim, embedder: report.embedder.id };
}

/** Solves A X = B for symmetric positive definite A (Gaussian elimination, in place on copies). */
function solve(a: Float64Array[], b: Float64Array[]): Float64Array[] {
  const n = a.length;
  const m = a.map((r) => Float64Array.from(r));
  const x = b.map((r) => Float64Array.from(r));
  const k = x[0]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    const p = m[i]![i]!;
    for (let j = i + 1; j < n; j++) {
      const f = m[j]![i]! / p;
      if (f === 0) continue;
      for (let c = i; c < n; c++) m[j]![c] = m[j]![c]! - f * m[i]![c]!;
      for (let c = 0; c < k; c++) x[j]![c] = x[j]![c]! - f * x[i]![c]!;
    }
  }
  for (let i = n - 1; i >= 0; i--)
    for (let c = 0; c < k; c++) {
      let s = x[i]![c]!;
      for (let j = i + 1; j < n; j++) s -= m[i]![j]! * x[j]![c]!;
      x[i]![c] = s / m[i]![i]!;
    }
  return x;
}

/** Balanced accuracy per attribute group of a linear ridge probe trained on `train`, scored on `test`. */
type Group = 'colour' | 'shape' | 'texture' | 'background' | 'pattern';
export function probe(train: Labelled, test: Labelled, lambda = 1): Record<Group, number> {
  const names = [
    ...OBJECT_COLOUR_NAMES.map((c) => `colour:${c}`),
    ...SHAPES.map((s) => `shape:${s}`),
    ...TEXTURES.map((t) => `texture:${t}`),
    ...BACKGROUND_COLOUR_NAMES.map((c) => `background:${c}`),
    ...PATTERNS.map((p) => `pattern:${p}`),
  ];
  const d = train.dim;
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const x of train.xs) for (let i = 0; i < d; i++) mu[i] = mu[i]! + x[i]! / train.xs.length;
  for (const x of train.xs) for (let i = 0; i < d; i++) sd[i] = sd[i]! + (x[i]! - mu[i]!) ** 2 / train.xs.length;
  const z = (x: Float64Array): Float64Array => x.map((v, i) => (v - mu[i]!) / (Math.sqrt(sd[i]!) + 1e-6));
  const ztr = train.xs.map(z);
  const zte = test.xs.map(z);
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < d; i++) s += a[i]! * b[i]!;
    return s / d;
  };
  const k = ztr.map((a) => Float64Array.from(ztr, (b) => dot(a, b)));
  const kte = zte.map((a) => Float64Array.from(ztr, (b) => dot(a, b)));
  const y = train.labels.map((l) => Float64Array.from(names, (n) => (l.has(n) ? 1 : -1)));
  const alpha = solve(k.map((r, i) => r.map((v, j) => v + (i === j ? lambda : 0))), y);
  const score = (row: Float64Array, c: number): number => row.reduce((s, v, j) => s + v * alpha[j]![c]!, 0);
  const sums: Record<Group, number> = { colour: 0, shape: 0, texture: 0, background: 0, pattern: 0 };
  const counts: Record<Group, number> = { colour: 0, shape: 0, texture: 0, background: 0, pattern: 0 };
  names.forEach((n, c) => {
    const group = n.split(':')[0] as Group;
    const trainScores = k.map((r) => score(r, c));
    const threshold = trainScores.reduce((a, b) => a + b, 0) / trainScores.length;
    let tp = 0, pos = 0, tn = 0, neg = 0;
    kte.forEach((r, i) => {
      const yes = score(r, c) > threshold;
      if (test.labels[i]!.has(n)) {
        pos++;
        if (yes) tp++;
      } else {
        neg++;
        if (!yes) tn++;
      }
    });
    if (pos === 0 || neg === 0) return;
    sums[group] += 0.5 * (tp / pos + tn / neg);
    counts[group]++;
  });
  const mean = (g: Group): number => sums[g] / counts[g];
  return { colour: mean('colour'), shape: mean('shape'), texture: mean('texture'), background: mean('background'), pattern: mean('pattern') };
}

/** The study's training worlds in seed order: data/, then worlds/seed-* (`reproduce --train-worlds`). */
function trainingWorlds(study: string): string[] {
  let extra: string[] = [];
  try {
    extra = readdirSync(join(study, 'worlds')).filter((d) => d.startsWith('seed-')).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))).map((d) => join(study, 'worlds', d));
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e; // no worlds/: one training world
  }
  return [join(study, 'data'), ...extra];
}

function concat(parts: Labelled[]): Labelled {
  return { xs: parts.flatMap((p) => p.xs), labels: parts.flatMap((p) => p.labels), dim: parts[0]!.dim, embedder: parts[0]!.embedder };
}

it('linear probes of object colour, shape and texture, and background colour and pattern, from clip embeddings', { timeout: 3_600_000 }, () => {
  const studies = (process.env.STUDIES ?? 'out/study').split(',').filter(Boolean);
  const counts = (process.env.TRAIN_WORLDS ?? '1').split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`TRAIN_WORLDS must be whole numbers ≥ 1, e.g. 1,4,16 (got ${process.env.TRAIN_WORLDS})`);
  const rows = studies.flatMap((s) => {
    const worlds = trainingWorlds(s);
    const test = labelled(join(s, 'heldout'));
    const beyond = counts.filter((n) => n > worlds.length);
    if (beyond.length > 0) console.warn(`${s} has ${worlds.length} training world(s): skipping TRAIN_WORLDS ${beyond.join(', ')}`);
    return counts.filter((n) => n <= worlds.length).map((n) => {
      const train = concat(worlds.slice(0, n).map(labelled));
      const t0 = performance.now();
      const acc = probe(train, test);
      return { study: s, train_worlds: n, embedder: train.embedder, dim: train.dim, train_clips: train.xs.length, held_out_clips: test.xs.length, ...acc, ms: Math.round(performance.now() - t0) };
    });
  });
  console.log(JSON.stringify(rows, null, 1));
  const f = (x: number): string => x.toFixed(3);
  console.log(
    [
      'study | worlds | clips | embedder | dim | colour | shape | texture | background colour | pattern',
      ...rows.map((r) => `${r.study} | ${r.train_worlds} | ${r.train_clips} | ${r.embedder} | ${r.dim} | ${f(r.colour)} | ${f(r.shape)} | ${f(r.texture)} | ${f(r.background)} | ${f(r.pattern)}`),
    ].join('\n'),
  );
  for (const r of rows) expect(r.colour).toBeGreaterThan(0);
});
