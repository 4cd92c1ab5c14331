// Typed settings over the `settings` store.
import type { BackendChoice, BackendName } from '../core/backendChoice';
import { DEFAULT_PIPELINE, type PipelineSettings } from '../core/pipeline';
import type { WorldConfig } from '../core/world';
import type { StudioDatabase } from './db';

/** 'auto': WebCodecs where it can decode the stream, ffmpeg.wasm otherwise. */
export type DecoderChoice = 'auto' | 'ffmpeg';

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
}

export const DEFAULT_SETTINGS: Settings = { backendOverride: null, rememberedBackend: null, decoder: 'auto', pipeline: DEFAULT_PIPELINE, demoWorld: null };

export async function getSetting<K extends keyof Settings>(db: StudioDatabase, key: K): Promise<Settings[K]> {
  const record = await db.get('settings', key);
  return record === undefined ? DEFAULT_SETTINGS[key] : (record.value as Settings[K]);
}

export async function setSetting<K extends keyof Settings>(db: StudioDatabase, key: K, value: Settings[K]): Promise<void> {
  await db.put('settings', { key, value });
}
