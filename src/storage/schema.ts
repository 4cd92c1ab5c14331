// The studio's one IndexedDB schema. Must: bump DB_VERSION and add an `if (oldVersion < N)`
// block in db.ts for every change here; never rename a store or index without a migration —
// users' stored videos, triples and checkpoints live under these names.
import type { DBSchema } from 'idb';
import type { AnnotationFormat, ImportedAnnotation } from '../core/generators/annotationsFile';
import type { AnnotationCounts } from '../core/generators/importReport';
import type { AuditEvent, Review } from '../core/review/decisions';
import type { SceneCaptionRecord } from '../core/synthesis/stage2Settings';
import type { SftSample } from '../core/train/samples';
import type { SftQuestionForm } from '../core/train/sftSynthesis';

export const DB_NAME = 'longvpo-studio';
export const DB_VERSION = 4;

/** Source video: the file itself stays a Blob/File reference, never copied into memory. */
export interface VideoRecord {
  id: string;
  name: string;
  sizeBytes: number;
  mimeType: string;
  /** Content hash (hex) of the file: the key for cached frames and embeddings. */
  contentHash: string;
  file: Blob;
  addedAt: number;
  durationS?: number;
  width?: number;
  height?: number;
  fps?: number;
  codec?: string;
  container?: string;
  rotation?: number;
  hasAudio?: boolean;
  /** Sampling in use (`samplingKey`), how many frames it has, and whether sampling finished. */
  samplingKey?: string;
  frameCount?: number;
  sampled?: 'partial' | 'complete';
  decodePath?: 'webcodecs' | 'ffmpeg';
  /** Embedder that produced the stored embeddings, and their size. */
  embeddingModel?: string;
  embeddingDim?: number;
  /** Segmentation its clips and scenes were cut with (`segmentsKeyOf`); absent = the defaults. */
  segmentsKey?: string;
}

/** One sampled frame's thumbnail. Key: `${videoId}|${samplingKey}|${index}`. */
export interface FrameRecord {
  key: string;
  videoId: string;
  samplingKey: string;
  index: number;
  timeS: number;
  thumbnail: Blob;
}

/**
 * A chunk of consecutive frame embeddings of one video, for one sampling setting and model,
 * L2-normalised. Written in the same transaction as the chunk's frames, so a stored frame always
 * has its embedding for the model it was sampled with (another model's may be missing: the
 * import resumes from `embeddedPrefix`).
 */
export interface EmbeddingRecord {
  /** `${contentHash}|${samplingKey}|${modelId}|${frameStart, 7 digits}` */
  key: string;
  videoId: string;
  modelId: string;
  samplingKey: string;
  frameStart: number;
  dim: number;
  count: number;
  /** count × dim, row-major. */
  vectors: Float32Array;
}

/** A fixed-length clip or a detected scene of a video, over its sampled frames. */
export interface ClipRecord {
  /** `${videoId}|${kind}|${frameStart, 7 digits}` */
  id: string;
  videoId: string;
  kind: 'clip' | 'scene';
  startS: number;
  endS: number;
  frameStart: number;
  frameEnd: number;
  frameCount: number;
  /** L2-normalised mean of the span's frame embeddings, and the embedder that made them. */
  embedding: Float32Array;
  modelId: string;
  caption?: string;
  /**
   * Stage 2 (kind 'scene'): the recursive caption with its provenance, edited and stale marks
   * (issue #10). A plain optional field: no store or index changes, so no version bump. Re-segmenting
   * replaces the scene records, and their captions with them.
   */
  sceneCaption?: SceneCaptionRecord;
}

/** A preference triple in the studio format (docs/schema); validated before it is stored. */
export interface TripleRecord {
  id: string;
  stage: 1 | 2;
  task_type: string;
  createdAt: number;
  body: Record<string, unknown>;
}

/**
 * The latest decision on one triple (issue #11, src/core/review/decisions.ts `Review`): status,
 * reviewer, time, and for an edit the new values with the triple's original ones.
 */
export type ReviewRecord = Review;

/**
 * Append-only audit trail (issue #11): every review action, undo, redo, import and settlement,
 * with the review before and after. Must: never rewritten or deleted.
 */
export type AuditEventRecord = AuditEvent & { seq?: number };

/** A training run (issue #12): what it trains, how far it got, and how it ended. */
export interface RunRecord {
  id: string;
  stage: 'sft' | 'stage1' | 'stage2';
  createdAt: number;
  status: 'running' | 'paused' | 'done' | 'failed';
  /** TrainConfig (src/core/train/config.ts). */
  config: Record<string, unknown>;
  /** ModelConfig of the policy, parameter count and the checkpoint the run started from. */
  model?: Record<string, unknown>;
  parameters?: number;
  initId?: string | null;
  step?: number;
  totalSteps?: number;
  samples?: number;
  lastMetrics?: Record<string, number> | null;
  /** Why a failed run stopped (a message for users). */
  error?: string;
  /** The last held-out probe of the run (EvalResult, src/workers/evalHandlers.ts; issue #13). */
  evaluation?: Record<string, unknown>;
  /** The last question-only baseline of the run: the probe with the clip vectors zeroed (EvalResult with `blind`). */
  blindEvaluation?: Record<string, unknown>;
  /** The last probe of the run with only each item's anchor zeroed, distractors kept (EvalResult with `anchorHidden`). */
  anchorHiddenEvaluation?: Record<string, unknown>;
  updatedAt?: number;
}

/**
 * A checkpoint's manifest (v3): the safetensors file (src/ml/train/checkpoint.ts) is stored in
 * `checkpointChunks`. Must: a manifest is written only after all its chunks, in the transaction
 * that moves the run's pointer; chunks without a manifest are never read (and are swept).
 */
export interface CheckpointRecord {
  id: string;
  runId: string;
  step: number;
  createdAt: number;
  byteLength: number;
  chunkCount: number;
}

/** One slice of a checkpoint's safetensors bytes. Key: `${checkpointId}|${index, 5 digits}`. */
export interface CheckpointChunkRecord {
  key: string;
  checkpointId: string;
  index: number;
  bytes: ArrayBuffer;
}

/** Must be swapped in the same transaction that writes the checkpoint it points to. */
export interface CheckpointPointerRecord {
  runId: string;
  checkpointId: string;
}

/** One optimizer step's metrics (TRL keys). Key: `${runId}|${step, 6 digits}`. */
export interface RunMetricRecord {
  key: string;
  runId: string;
  step: number;
  metrics: Record<string, number>;
}

/** Reference log-probs of one reference checkpoint and context mode, by triple id: [chosen, rejected]. */
export interface RefLogpsRecord {
  key: string;
  logps: Record<string, [number, number]>;
}

/**
 * One imported annotations file (issue #4, docs/annotations.md), stored only when the whole file
 * parsed without an error. `records` are exactly what `parseAnnotations` returned.
 */
export interface AnnotationSetRecord {
  id: string;
  /** The imported file's name: recorded as provenance `model` of every imported text. */
  sourceName: string;
  format: AnnotationFormat;
  importedAt: number;
  records: ImportedAnnotation[];
  counts: AnnotationCounts;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

/**
 * The single-clip questions an SFT run trains on (v4), stored when the run starts so that a resume
 * trains on exactly them: a generator asked again (an endpoint) may answer otherwise. One per run,
 * deleted with it.
 */
export interface RunSftSamplesRecord {
  runId: string;
  /** Which wording (src/core/train/sftSynthesis.ts, SFT_QUESTION_FORMS). */
  questionForm: SftQuestionForm;
  /** The generator's label when the questions were asked (provenance). */
  generator: string;
  createdAt: number;
  samples: SftSample[];
}

export interface StudioDB extends DBSchema {
  settings: { key: string; value: SettingRecord };
  videos: { key: string; value: VideoRecord; indexes: { byHash: string } };
  frames: { key: string; value: FrameRecord; indexes: { byVideo: string } };
  embeddings: { key: string; value: EmbeddingRecord; indexes: { byVideo: string } };
  clips: { key: string; value: ClipRecord; indexes: { byVideo: string } };
  triples: { key: string; value: TripleRecord; indexes: { byStage: number } };
  reviews: { key: string; value: ReviewRecord };
  auditEvents: { key: number; value: AuditEventRecord; indexes: { byTriple: string; byTime: number } };
  runs: { key: string; value: RunRecord };
  checkpoints: { key: string; value: CheckpointRecord; indexes: { byRun: string } };
  checkpointPointers: { key: string; value: CheckpointPointerRecord };
  annotationSets: { key: string; value: AnnotationSetRecord };
  checkpointChunks: { key: string; value: CheckpointChunkRecord; indexes: { byCheckpoint: string } };
  runMetrics: { key: string; value: RunMetricRecord; indexes: { byRun: string } };
  refLogps: { key: string; value: RefLogpsRecord };
  runSftSamples: { key: string; value: RunSftSamplesRecord };
}

export type StoreName =
  | 'settings'
  | 'videos'
  | 'frames'
  | 'embeddings'
  | 'clips'
  | 'triples'
  | 'reviews'
  | 'auditEvents'
  | 'runs'
  | 'checkpoints'
  | 'checkpointPointers'
  | 'annotationSets'
  | 'checkpointChunks'
  | 'runMetrics'
  | 'refLogps'
  | 'runSftSamples';

export const STORE_NAMES: readonly StoreName[] = [
  'settings',
  'videos',
  'frames',
  'embeddings',
  'clips',
  'triples',
  'reviews',
  'auditEvents',
  'runs',
  'checkpoints',
  'checkpointPointers',
  'annotationSets',
  'checkpointChunks',
  'runMetrics',
  'refLogps',
  'runSftSamples',
];
