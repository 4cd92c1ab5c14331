// What a checkpoint holds besides tensors (issue #12, docs/training.md): stored as JSON strings in
// the safetensors `__metadata__`, so one file carries everything a resume needs and Python's
// `safetensors` still reads the weights. Pure.
//
// Must: bump CHECKPOINT_VERSION when a field changes meaning; readers refuse versions they do
// not know with a message that says so.
import { UserFacingError } from '../errors';
import type { ModelConfig, TrainConfig } from './config';
import type { TokenizerJson } from './tokenizer';
import type { SftQuestionForm } from './sftSynthesis';

export const CHECKPOINT_FORMAT = 'longvpo-checkpoint';
/**
 * 3: `model.layout` is understood (absent: clips-first); an older studio would read a
 * question-twice checkpoint as clips-first and score nonsense, so it must refuse it.
 * 2: `model.visualTokens` is always understood (several visual tokens per clip,
 * `projector.region.weight`), and `data.embedder` names the clips' embedder. 1: read too; its
 * `visualTokens`, when present (region-token runs made before the bump), means the same.
 */
export const CHECKPOINT_VERSION = 3;
const READABLE_VERSIONS: readonly number[] = [1, 2, 3];

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Run the checkpoint belongs to, and its optimizer steps done. */
  runId: string;
  step: number;
  totalSteps: number;
  config: TrainConfig;
  model: ModelConfig;
  tokenizer: TokenizerJson;
  /** AdamW's step counter (its moments are tensors `optimizer.m.*`, `optimizer.v.*`). */
  optimizerT: number;
  /** Id of the checkpoint whose weights are the frozen reference (`reference.*` tensors); null for SFT. */
  referenceId: string | null;
  /** Where the run started: a checkpoint id, or null for a fresh init. */
  initId: string | null;
  /** The run's data, summarised (what it trained on). */
  data: {
    samples: number;
    source: string;
    /** Id of the embedder of the clips it trained on (absent before version 2). */
    embedder?: string;
    /** DPO stages: FNV-1a (hex) of the pairs' ids in training order, so a resume on other pairs of the same count is refused (absent in older checkpoints: not checked). */
    pairs?: string;
    /** DPO stages: FNV-1a (hex) of the pairs' contents and the clip vectors they read (`pairsContentFingerprint`), so a resume on data changed in place is refused and Reproduce trains such a run again (absent before: not checked). */
    content?: string;
    /** SFT: FNV-1a (hex) of the samples' ids, clips, questions and answers in training order, so a resume on other questions is refused (absent in older checkpoints: not checked). */
    sft?: string;
    /** SFT: the wording its questions were asked in (the studio's generator), so a resume without the stored questions asks in the same (absent in older checkpoints: anchored). */
    sftQuestions?: SftQuestionForm;
  };
  createdAt: string;
  /** Metrics of the last step before the checkpoint. */
  lastMetrics: Record<string, number> | null;
}

export function checkpointId(meta: Pick<CheckpointMeta, 'runId' | 'step'>): string {
  return `${meta.runId}@${String(meta.step).padStart(6, '0')}`;
}

export function parseCheckpointMeta(metadata: Record<string, string>): CheckpointMeta {
  const raw = metadata.longvpo;
  if (raw === undefined) throw new UserFacingError('This safetensors file is not a LongVPO Studio checkpoint (no "longvpo" metadata).', 'Choose a checkpoint the studio or `npx longvpo train` wrote.');
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(raw) as CheckpointMeta;
  } catch {
    throw new UserFacingError('The checkpoint metadata is not valid JSON.', 'The file is damaged: download or copy it again.');
  }
  if (meta.format !== CHECKPOINT_FORMAT) throw new UserFacingError('This file is not a LongVPO Studio checkpoint.', 'Choose a checkpoint the studio or `npx longvpo train` wrote.');
  if (!READABLE_VERSIONS.includes(meta.version))
    throw new UserFacingError(
      `The checkpoint has format version ${String(meta.version)}; this studio reads versions ${READABLE_VERSIONS.join(' and ')}.`,
      typeof meta.version === 'number' && meta.version > CHECKPOINT_VERSION ? 'It was written by a newer studio: update this one (git pull, npm ci).' : 'Open it with the studio version that wrote it.',
    );
  return meta;
}
