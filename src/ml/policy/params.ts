// The policy's parameters (issue #12, docs/training.md): names, shapes and seeded initial values,
// as plain Float32Arrays so they are the same on every backend and in the safetensors file.
// Names follow the Hugging Face habit (`layers.0.attn.qkv.weight`), so Python tools read them.
import { visualTokensOf, type ModelConfig } from '../../core/train/config';
import { mulberry32, seedFrom } from '../../core/world/random';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** 'normal' with this std, or a constant fill. */
  init: { kind: 'normal'; std: number } | { kind: 'fill'; value: number };
}

export function paramSpecs(m: ModelConfig): ParamSpec[] {
  const d = m.dModel;
  const h = m.mlpRatio * d;
  const std = 0.02;
  const resid = std / Math.sqrt(2 * m.layers); // GPT-2: residual projections scaled by depth
  const r = visualTokensOf(m);
  const specs: ParamSpec[] = [
    // Visual inputs are L2-normalised (‖x‖ = 1; each of r parts is scaled back to ≈ 1 in the
    // forward pass): std 1 gives projector activations of order 1.
    { name: 'projector.fc1.weight', shape: [m.visualDim / r, d], init: { kind: 'normal', std: 1 } },
    { name: 'projector.fc1.bias', shape: [d], init: { kind: 'fill', value: 0 } },
    { name: 'projector.fc2.weight', shape: [d, d], init: { kind: 'normal', std: 1 / Math.sqrt(d) } },
    { name: 'projector.fc2.bias', shape: [d], init: { kind: 'fill', value: 0 } },
    { name: 'embed.weight', shape: [m.vocabSize, d], init: { kind: 'normal', std } },
  ];
  // Which part of the clip a visual token is (whole frame, a quadrant, …); only with several.
  if (r > 1) specs.push({ name: 'projector.region.weight', shape: [r, d], init: { kind: 'normal', std } });
  for (let i = 0; i < m.layers; i++) {
    const p = `layers.${i}`;
    specs.push(
      { name: `${p}.attn_norm.weight`, shape: [d], init: { kind: 'fill', value: 1 } },
      { name: `${p}.attn.qkv.weight`, shape: [d, 3 * d], init: { kind: 'normal', std } },
      { name: `${p}.attn.out.weight`, shape: [d, d], init: { kind: 'normal', std: resid } },
      { name: `${p}.mlp_norm.weight`, shape: [d], init: { kind: 'fill', value: 1 } },
      { name: `${p}.mlp.fc1.weight`, shape: [d, h], init: { kind: 'normal', std } },
      { name: `${p}.mlp.fc1.bias`, shape: [h], init: { kind: 'fill', value: 0 } },
      { name: `${p}.mlp.fc2.weight`, shape: [h, d], init: { kind: 'normal', std: resid } },
      { name: `${p}.mlp.fc2.bias`, shape: [d], init: { kind: 'fill', value: 0 } },
    );
  }
  specs.push({ name: 'norm.weight', shape: [d], init: { kind: 'fill', value: 1 } }, { name: 'lm_head.weight', shape: [d, m.vocabSize], init: { kind: 'normal', std } });
  return specs;
}

/** Standard normal draws from a seeded uniform source (Box–Muller). */
function normals(seed: number, n: number): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(rng.next(), 1e-12);
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export type { ParamValues } from '../../core/train/checkpointFile';
import type { ParamValues } from '../../core/train/checkpointFile';

/** Initial values for a seed: each tensor has its own stream, so adding a layer keeps the others. */
export function initialParams(m: ModelConfig, seed: number): ParamValues {
  const out: ParamValues = {};
  for (const s of paramSpecs(m)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (s.init.kind === 'fill') values = new Float32Array(n).fill(s.init.value);
    else {
      values = normals(seedFrom('init', seed, s.name), n);
      for (let i = 0; i < n; i++) values[i] = (values[i] as number) * s.init.std;
    }
    out[s.name] = { shape: s.shape, values };
  }
  return out;
}
