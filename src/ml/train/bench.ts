// Training step speed (issue #12, bench/train): the demo's shapes (1792-d clip embeddings, 16-clip
// Stage 1 composites, a ~300-word vocabulary) on the active backend. One run times, side by side:
// an SFT step, a Stage 1 DPO step with cached reference log-probs, with the anchor-only reference
// run every step, and with the full-context reference run every step; plus the backend's matmul
// peak, so model FLOPs utilisation (MFU) is a ratio measured in the same run.
import * as tf from '@tensorflow/tfjs-core';
import { defaultTrainConfig, flopsPerToken, type ModelConfig, type TrainConfig } from '../../core/train/config';
import type { PreferenceSample, SftSample } from '../../core/train/samples';
import { WordTokenizer } from '../../core/train/tokenizer';
import { mulberry32 } from '../../core/world/random';
import { timeMatmul } from '../backend/probe';
import { initialParams } from '../policy/params';
import { PolicyTrainer } from './trainer';

export interface TrainBenchCase {
  case: 'sft' | 'dpo-cached-ref' | 'dpo-anchor-ref' | 'dpo-full-ref';
  /** Median seconds per optimizer step. */
  stepS: number;
  tokensPerS: number;
  /** Model FLOP/s: 6·N_params-style estimate (forward ×3 for the trained policy, ×1 for an on-the-fly reference). */
  gflops: number;
  /** gflops ÷ the backend's measured 1024² matmul GFLOP/s. */
  mfu: number;
}

export interface TrainBenchReport {
  backend: string;
  /** Composite shape: clips per composite × visual tokens per clip; pairs per step. */
  shape: { clips: number; tokensPerClip: number; batchPairs: number };
  model: ModelConfig;
  matmulPeakGflops: number;
  cases: TrainBenchCase[];
  /** Step-time ratios against the full-context reference (goals: anchor ≤ 0.6, cached ≤ 0.55; paper ~0.7). */
  ratios: { anchorVsFull: number; cachedVsFull: number };
}

const DIM = 1792;
const WORDS = Array.from({ length: 280 }, (_, i) => `w${i}`);

function data(clipsPerComposite: number, tokensPerClip: number, pairs: number, seed: number): { sft: SftSample[]; pairs: PreferenceSample[]; vectors: Map<string, Float32Array> } {
  const rng = mulberry32(seed);
  const vectors = new Map<string, Float32Array>();
  for (let c = 0; c < 200; c++) {
    const v = Float32Array.from({ length: DIM }, () => rng.next() - 0.5);
    const n = Math.hypot(...v);
    vectors.set(`c${c}`, v.map((x) => x / n));
  }
  const sentence = (n: number): string => Array.from({ length: n }, () => rng.pick(WORDS)).join(' ');
  const sft = Array.from({ length: 64 }, (_, i) => ({ id: `s${i}`, clips: [`c${i % 200}`], question: sentence(18), answer: sentence(2) }));
  const prefs = Array.from({ length: pairs }, (_, i) => {
    // A clip of k visual tokens is k consecutive entries (one per sampled frame, DESIGN.md §7).
    const slots = Array.from({ length: clipsPerComposite }, (_, k) => Array.from({ length: tokensPerClip }, (_, f) => `c${(i * 7 + k * 13 + f) % 200}`));
    const anchor = slots[i % clipsPerComposite] as string[];
    return { id: `p${i}`, stage: 1 as const, task: 'anchored_qa', clips: slots.flat(), anchorClips: anchor, question: sentence(18), chosen: sentence(2), rejected: sentence(2) };
  });
  return { sft, pairs: prefs, vectors };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function benchTraining(o: { steps?: number; clipsPerComposite?: number; tokensPerClip?: number; batchPairs?: number; onProgress?: (label: string) => void } = {}): Promise<TrainBenchReport> {
  const steps = o.steps ?? 6;
  const clipsPerComposite = o.clipsPerComposite ?? 16;
  const batch = o.batchPairs ?? 8;
  const tokensPerClip = o.tokensPerClip ?? 1;
  const d = data(clipsPerComposite, tokensPerClip, batch * (steps + 2), 1);
  const tokenizer = WordTokenizer.build([...WORDS]);
  const model: ModelConfig = { visualDim: DIM, vocabSize: tokenizer.size, dModel: 64, layers: 2, heads: 4, mlpRatio: 4, maxContext: 512 };
  const params = initialParams(model, 1);
  const clips = { dim: DIM, vector: (id: string) => d.vectors.get(id) };
  const run = async (kind: TrainBenchCase['case']): Promise<TrainBenchCase> => {
    o.onProgress?.(kind);
    const stage = kind === 'sft' ? 'sft' : 'stage1';
    const config: TrainConfig = { ...defaultTrainConfig(stage), batchSize: kind === 'sft' ? 16 : batch, maxSteps: steps + 1, refMode: kind === 'dpo-full-ref' ? 'full' : 'anchor', cacheRef: kind === 'dpo-cached-ref' };
    const trainer = new PolicyTrainer({ config, model, tokenizer, clips, sft: d.sft, pairs: d.pairs, params, ...(stage !== 'sft' && { reference: params }) });
    try {
      await trainer.prepareReference();
      const times: number[] = [];
      const tokens: number[] = [];
      for (let s = 0; s <= steps; s++) {
        const m = await trainer.trainStep();
        if (s === 0) continue; // warm-up: kernels compile, shapes are first seen
        times.push(m.step_time_s as number);
        tokens.push((m.tokens_per_s as number) * (m.step_time_s as number));
      }
      const stepS = median(times);
      const tokensPerStep = median(tokens);
      // Policy: forward + backward ≈ 3 forwards; an on-the-fly reference adds one forward over its own context.
      // A DPO pair is one sequence (its composite once, both answers: training.md).
      const seqLen = tokensPerStep / (kind === 'sft' ? 16 : batch);
      let flops = 3 * tokensPerStep * flopsPerToken(model, seqLen);
      if (kind === 'dpo-full-ref') flops += tokensPerStep * flopsPerToken(model, seqLen);
      if (kind === 'dpo-anchor-ref') {
        const refLen = seqLen - (clipsPerComposite - 1) * tokensPerClip;
        flops += batch * refLen * flopsPerToken(model, refLen);
      }
      return { case: kind, stepS, tokensPerS: tokensPerStep / stepS, gflops: flops / stepS / 1e9, mfu: 0 };
    } finally {
      trainer.dispose();
    }
  };
  const cases: TrainBenchCase[] = [];
  for (const kind of ['sft', 'dpo-full-ref', 'dpo-anchor-ref', 'dpo-cached-ref'] as const) cases.push(await run(kind));
  o.onProgress?.('matmul peak');
  const peak = (await timeMatmul(1024, 600, { settleMs: 300 })).gflops;
  for (const c of cases) c.mfu = c.gflops / peak;
  const full = cases.find((c) => c.case === 'dpo-full-ref') as TrainBenchCase;
  const step = (k: TrainBenchCase['case']): number => (cases.find((c) => c.case === k) as TrainBenchCase).stepS;
  return { backend: tf.getBackend(), shape: { clips: clipsPerComposite, tokensPerClip, batchPairs: batch }, model, matmulPeakGflops: peak, cases, ratios: { anchorVsFull: step('dpo-anchor-ref') / full.stepS, cachedVsFull: step('dpo-cached-ref') / full.stepS } };
}
