// Typed settings over the `settings` store.
import type { BackendChoice, BackendName } from '../core/backendChoice';
import type { EmbeddedSpan } from '../core/clips';
import { DEFAULT_PIPELINE, type PipelineSettings } from '../core/pipeline';
import { STAGE1_DEFAULTS } from '../core/synthesis/stage1';
import { STAGE2_DEFAULTS } from '../core/synthesis/stage2Settings';
import type { DegradedAnswers, WorldConfig } from '../core/world';
import type { SequenceLayout } from '../core/train/config';
import type { Recipe } from '../core/train/recipe';
import type { SftQuestionForm } from '../core/train/sftSynthesis';
import type { StudioDatabase } from './db';

/** 'auto': WebCodecs where it can decode the stream, ffmpeg.wasm otherwise. */
export type DecoderChoice = 'auto' | 'ffmpeg';

/** Who writes captions, questions and answers (issue #4, DESIGN.md §2 "Generators"). */
export type GeneratorChoice = 'oracle' | 'imported' | 'endpoint';

/**
 * A prompt template as stored. Mirrors `PromptTemplate` (src/net/prompts.ts) structurally:
 * storage may not import src/net (tests/layers.test.ts), and a stored value must be checked
 * against the roles the code knows before use anyway.
 */
export interface StoredPrompt {
  id: string;
  role: string;
  version: number;
  system: string;
  user: string;
  reply: string;
}

/** The OpenAI-compatible endpoint's settings. Must not hold the API key (see `endpointApiKey`). */
export interface EndpointSettings {
  baseUrl: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  maxFramesPerClip: number;
  /** By prompt role; a role missing here uses the default prompt. */
  prompts: Record<string, StoredPrompt>;
}

/** The Synthesize page's Stage 1 parameters as last used (issue #5, docs/stage1.md). */
export interface Stage1Form {
  seed: number;
  count: number;
  frameBudget: number;
  framesPerClip: number;
  similarityThreshold: number;
  specificityFilter: boolean;
}

/** The Synthesize page's Stage 2 parameters as last used (issue #10, docs/stage2.md). */
export interface Stage2Form {
  count: number;
  partialEvidenceShare: number;
  framesPerScene: number;
  minVideoS: number;
  seed: number;
  /** How the demo-world oracle writes rejected answers (absent in forms saved before the choice existed: honest). */
  rejected?: DegradedAnswers;
}

export const DEFAULT_STAGE2_FORM: Stage2Form = { count: 40, partialEvidenceShare: STAGE2_DEFAULTS.partialEvidenceShare, framesPerScene: STAGE2_DEFAULTS.framesPerScene, minVideoS: STAGE2_DEFAULTS.minVideoS, seed: 7 };

export const DEFAULT_STAGE1_FORM: Stage1Form = {
  seed: 1,
  count: 200,
  // The paper's smallest budget: the small demo world (23 clips of 8 frames) fills it; 256 needs 32 clips.
  frameBudget: 128,
  framesPerClip: STAGE1_DEFAULTS.framesPerClip,
  similarityThreshold: STAGE1_DEFAULTS.similarityThreshold,
  specificityFilter: STAGE1_DEFAULTS.specificityFilter,
};

/** Every setting the studio stores, with its type. Must never change a key's meaning. */
export interface Settings {
  /** Backend forced in Settings; null = choose by measurement. */
  backendOverride: BackendName | null;
  /** The last measured choice, reused on start-up until the user re-measures. */
  rememberedBackend: BackendChoice | null;
  /** Video decoder for imports. */
  decoder: DecoderChoice;
  /** Sampling rate, clip length, scene detection and embedder for imports. */
  pipeline: PipelineSettings;
  /** The demo world last generated: enough to rebuild its ground truth exactly (same seed). */
  demoWorld: { config: WorldConfig; version: number; fingerprint: string } | null;
  /**
   * Further demo worlds in the library (Reproduce LongVPO's training worlds 2…N, seeds after the
   * demo's): the oracle answers their videos too, each from its own world.
   */
  extraDemoWorlds: { config: WorldConfig; version: number; fingerprint: string }[];
  /** The generator synthesis uses. */
  activeGenerator: GeneratorChoice;
  /** null until first saved: the defaults of src/net/endpointGenerator.ts apply. */
  endpoint: EndpointSettings | null;
  /**
   * The endpoint's API key: kept in this browser's IndexedDB only; never exported, logged or sent
   * anywhere but the endpoint. A key of its own so that exporting `endpoint` can never carry it.
   */
  endpointApiKey: string | null;
  stage1Form: Stage1Form;
  stage2Form: Stage2Form;
  /** The one-click study's runs (issue #13), so a reload continues it instead of starting over. */
  reproduce: { size: 'small' | 'full'; /** Embedder id of the study's clips (absent before the choice existed: the default). */ embedder?: string; /** Where the study's SFT puts the question (absent before the choice existed: clips-first). */ layout?: SequenceLayout; /** The study's training recipe (absent before the choice existed: paper). */ recipe?: Recipe; /** The wording of the study's SFT questions (absent before the choice existed: anchored). */ sftQuestions?: SftQuestionForm; /** Demo worlds the study trains on, seeds demo, demo + 1, … (absent before the choice existed: 1). */ worlds?: number; /** The demo seed of the first training world (absent before the choice existed: the size's, 42). */ firstWorld?: number; /** Share of Stage 1's pairs also trained with the anchor alone (absent before the choice existed: 0). */ singleClip?: number; /** A supervised step on the cited scenes between Stage 1 and Stage 2 (absent before the choice existed: none). */ citedStep?: boolean; /** Run id of each of the recipe's runs, by its name in the study (sft, curriculum-2, …, stage1, stage2). */ runs: Partial<Record<string, string>> } | null;
  /** The held-out world of the last evaluation (issue #13), embedded once and never in the library: its clips and detected scenes (`scenes` missing in caches from before the Stage 2 probe). */
  heldOutWorld: { seed: number; size: 'small' | 'full'; /** Absent in caches from before the embedder choice: the default embedder. */ embedderId?: string; clips: EmbeddedSpan[]; scenes?: EmbeddedSpan[] } | null;
  /**
   * Videos whose scenes were cut again (re-embedded, re-segmented, a scene list imported) after
   * Stage 2 triples were made of them: those triples were removed (`replaceVideoSpans`). A Stage 2
   * run clears the names it covers; until then Synthesize → Stage 2 names them and Reproduce
   * LongVPO runs its Stage 2 step again.
   */
  stage2Recut: string[];
  /** The reviewer name written on every review and audit event of this browser (issue #11); '' = not set yet. */
  reviewer: string;
}

export const DEFAULT_SETTINGS: Settings = {
  backendOverride: null,
  rememberedBackend: null,
  decoder: 'auto',
  pipeline: DEFAULT_PIPELINE,
  demoWorld: null,
  extraDemoWorlds: [],
  activeGenerator: 'oracle',
  endpoint: null,
  endpointApiKey: null,
  stage1Form: DEFAULT_STAGE1_FORM,
  stage2Form: DEFAULT_STAGE2_FORM,
  heldOutWorld: null,
  reproduce: null,
  stage2Recut: [],
  reviewer: '',
};

export async function getSetting<K extends keyof Settings>(db: StudioDatabase, key: K): Promise<Settings[K]> {
  const record = await db.get('settings', key);
  return record === undefined ? DEFAULT_SETTINGS[key] : (record.value as Settings[K]);
}

export async function setSetting<K extends keyof Settings>(db: StudioDatabase, key: K, value: Settings[K]): Promise<void> {
  await db.put('settings', { key, value });
}
