// Checkpoints as one safetensors file (issue #12): weights under their own names, AdamW moments
// under `optimizer.m.*` / `optimizer.v.*`, the frozen reference under `reference.*`, and the run's
// state as metadata (checkpointMeta.ts). The same bytes in IndexedDB and on disk. Pure.
import { parseCheckpointMeta, type CheckpointMeta } from './checkpointMeta';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type NamedTensor } from '../safetensors';
import { UserFacingError } from '../errors';

/** Named tensors as plain arrays: weights, the same on every backend and in the file. */
export type ParamValues = Record<string, { shape: number[]; values: Float32Array }>;

export interface CheckpointContents {
  meta: CheckpointMeta;
  weights: ParamValues;
  optimizer: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> };
  reference: ParamValues | null;
}

export function encodeCheckpoint(c: CheckpointContents): Uint8Array {
  const tensors: Record<string, NamedTensor> = {};
  for (const [name, w] of Object.entries(c.weights)) {
    tensors[name] = { dtype: 'F32', shape: w.shape, data: w.values };
    tensors[`optimizer.m.${name}`] = { dtype: 'F32', shape: w.shape, data: c.optimizer.m[name] as Float32Array };
    tensors[`optimizer.v.${name}`] = { dtype: 'F32', shape: w.shape, data: c.optimizer.v[name] as Float32Array };
    const r = c.reference?.[name];
    if (r) tensors[`reference.${name}`] = { dtype: 'F32', shape: r.shape, data: r.values };
  }
  return encodeSafetensors(tensors, { longvpo: JSON.stringify({ ...c.meta, optimizerT: c.optimizer.t }), format: 'pt' });
}

export function decodeCheckpoint(bytes: Uint8Array): CheckpointContents {
  let decoded;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new UserFacingError(`The checkpoint file is damaged: ${e.message}.`, 'Download or copy it again; the studio keeps the checkpoints it already has.', { cause: e });
    throw e;
  }
  const meta = parseCheckpointMeta(decoded.metadata);
  const weights: ParamValues = {};
  const m: Record<string, Float32Array> = {};
  const v: Record<string, Float32Array> = {};
  const reference: ParamValues = {};
  for (const [name, t] of Object.entries(decoded.tensors)) {
    const values = t.data as Float32Array;
    if (name.startsWith('optimizer.m.')) m[name.slice(12)] = values;
    else if (name.startsWith('optimizer.v.')) v[name.slice(12)] = values;
    else if (name.startsWith('reference.')) reference[name.slice(10)] = { shape: t.shape, values };
    else weights[name] = { shape: t.shape, values };
  }
  for (const name of Object.keys(weights))
    if (!m[name] || !v[name]) throw new UserFacingError(`The checkpoint lacks the optimizer state of ${name}.`, 'Choose a complete checkpoint written by the studio.');
  return { meta, weights, optimizer: { t: meta.optimizerT, m, v }, reference: Object.keys(reference).length > 0 ? reference : null };
}
