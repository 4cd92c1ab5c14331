// safetensors (https://github.com/huggingface/safetensors, format section): the ecosystem's file
// for named tensors, so Python's `safetensors.numpy.load_file` reads the studio's checkpoints
// (DESIGN.md §7). Layout: u64 little-endian header length N; N bytes of UTF-8 JSON
// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}`, padded with
// spaces to 8 bytes; then the tensor bytes, little-endian, offsets relative to that point.
// Pure: bytes in, tensors out.
//
// Must: reading refuses, with a clear message, a header that overruns the file, overlapping or
// out-of-range offsets, a byte count that disagrees with dtype × shape, and unknown dtypes.

import { utf8Decode, utf8Encode } from './utf8';

export type SafeDtype = 'F32' | 'I32';

export interface NamedTensor {
  dtype: SafeDtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const BYTES: Record<SafeDtype, number> = { F32: 4, I32: 4 };
const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function encodeSafetensors(tensors: Record<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name] as NamedTensor;
    const n = elements(t.shape);
    if (t.data.length !== n) throw new SafetensorsError(`tensor ${name}: ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    const bytes = n * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = utf8Encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  const base = 8 + json.length;
  for (const name of names) {
    const t = tensors[name] as NamedTensor;
    const [begin] = (header[name] as { data_offsets: [number, number] }).data_offsets;
    // Typed arrays are platform-endian; every platform the studio runs on is little-endian.
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), base + begin);
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Record<string, NamedTensor>;
  metadata: Record<string, string>;
}

export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.length < 8) throw new SafetensorsError('the file is shorter than a safetensors header (8 bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new SafetensorsError(`the header says ${n} bytes but the file has ${bytes.length - 8} after the length`);
  let header: unknown;
  try {
    header = JSON.parse(utf8Decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(`the header is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError('the header is not a JSON object');
  const base = 8 + n;
  const dataBytes = bytes.length - base;
  const tensors: Record<string, NamedTensor> = {};
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e.dtype !== 'F32' && e.dtype !== 'I32') throw new SafetensorsError(`tensor ${name}: dtype ${String(e.dtype)} is not supported (F32, I32)`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(`tensor ${name}: bad shape`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isInteger(o))) throw new SafetensorsError(`tensor ${name}: bad data_offsets`);
    const [begin, end] = off as [number, number];
    if (begin < 0 || end < begin || end > dataBytes) throw new SafetensorsError(`tensor ${name}: bytes ${begin}–${end} are outside the file's ${dataBytes} data bytes`);
    const shape = e.shape as number[];
    if (end - begin !== elements(shape) * BYTES[e.dtype]) throw new SafetensorsError(`tensor ${name}: ${end - begin} bytes do not hold shape [${shape.join(', ')}] of ${e.dtype}`);
    spans.push([begin, end, name]);
    const copy = bytes.slice(base + begin, base + end);
    tensors[name] = { dtype: e.dtype, shape, data: e.dtype === 'F32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer) };
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1] as [number, number, string];
    const cur = spans[i] as [number, number, string];
    if (cur[0] < prev[1]) throw new SafetensorsError(`tensors ${prev[2]} and ${cur[2]} overlap`);
  }
  return { tensors, metadata };
}
