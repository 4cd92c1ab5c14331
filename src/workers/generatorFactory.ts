// Builds the Generator that synthesis uses from what is stored (issue #4): the active choice, the
// demo world, imported annotation files, the endpoint's settings and key. Lives in the workers
// layer so the compute worker (synthesis) and the main thread (Settings) build it the same way.
// Must: the API key goes only to the ChatClient; it is never put into an error or a setting.
import { UserFacingError } from '../core/errors';
import { ImportedGenerator } from '../core/generators/imported';
import type { Generator } from '../core/generators/types';
import { buildWorld, createWorldsOracle, WORLD_VERSION, type OracleOptions } from '../core/world';
import { DEFAULT_ENDPOINT_CONFIG, EndpointGenerator, endpointConfig } from '../net/endpointGenerator';
import { DEFAULT_PROMPTS, type PromptRole, type PromptSet } from '../net/prompts';
import * as annotationsRepo from '../storage/annotationsRepo';
import type { StudioDatabase } from '../storage/db';
import { getSetting, type EndpointSettings, type StoredPrompt } from '../storage/settingsRepo';

/** The endpoint's settings as the UI edits them: the stored shape with a typed prompt set. */
export type EndpointFields = Omit<EndpointSettings, 'prompts'>;

export interface EndpointDraft extends EndpointFields {
  prompts: PromptSet;
}

/** What an endpoint that was never saved starts with: src/net's defaults, no URL or model. */
export const BLANK_ENDPOINT: EndpointDraft = {
  baseUrl: '',
  model: '',
  timeoutMs: DEFAULT_ENDPOINT_CONFIG.timeoutMs,
  maxRetries: DEFAULT_ENDPOINT_CONFIG.maxRetries,
  concurrency: DEFAULT_ENDPOINT_CONFIG.concurrency,
  maxFramesPerClip: DEFAULT_ENDPOINT_CONFIG.maxFramesPerClip,
  prompts: DEFAULT_ENDPOINT_CONFIG.prompts,
};

/** Accepted ranges of the endpoint's numbers (inclusive). Timeouts in ms. */
export const ENDPOINT_LIMITS = {
  timeoutMs: [1_000, 600_000],
  maxRetries: [0, 10],
  concurrency: [1, 16],
  maxFramesPerClip: [1, 64],
} as const satisfies Record<string, readonly [number, number]>;

export const SETTINGS_HINT = 'Settings → Generators';

/** What is wrong with the endpoint fields; empty when they can be saved. */
export function endpointProblems(f: EndpointFields): string[] {
  const out: string[] = [];
  if (!/^https?:\/\/[^/\s]+/i.test(f.baseUrl.trim())) out.push('Base URL must start with http:// or https://, e.g. http://localhost:8000/v1.');
  if (!f.model.trim()) out.push('Model must name the model the endpoint serves, e.g. llava-onevision-qwen2-7b.');
  const numbers: [keyof typeof ENDPOINT_LIMITS, string][] = [
    ['timeoutMs', 'Timeout'],
    ['maxRetries', 'Retries'],
    ['concurrency', 'Concurrency'],
    ['maxFramesPerClip', 'Frames per clip'],
  ];
  for (const [key, label] of numbers) {
    const [lo, hi] = ENDPOINT_LIMITS[key];
    const v = f[key];
    if (key === 'timeoutMs') {
      if (!Number.isFinite(v) || v < lo || v > hi) out.push(`${label} must be ${lo / 1000}–${hi / 1000} s.`);
    } else if (!Number.isInteger(v) || v < lo || v > hi) out.push(`${label} must be a whole number from ${lo} to ${hi}.`);
  }
  return out;
}

/** The stored prompts checked role by role; a role missing or malformed in storage gets its default. */
export function promptsFrom(stored: Record<string, StoredPrompt> | undefined): PromptSet {
  const out = { ...DEFAULT_PROMPTS };
  for (const role of Object.keys(DEFAULT_PROMPTS) as PromptRole[]) {
    const p = stored?.[role];
    const usable = p && p.role === role && typeof p.id === 'string' && Number.isInteger(p.version) && typeof p.system === 'string' && typeof p.user === 'string';
    if (usable) out[role] = { ...DEFAULT_PROMPTS[role], id: p.id, version: p.version, system: p.system, user: p.user };
  }
  return out;
}

export function draftFrom(stored: EndpointSettings | null): EndpointDraft {
  return stored ? { ...BLANK_ENDPOINT, ...stored, prompts: promptsFrom(stored.prompts) } : BLANK_ENDPOINT;
}

/**
 * The Generator for the current choice: what synthesis calls. Throws a UserFacingError that says
 * what to set up when the choice cannot work yet.
 */
export async function buildActiveGenerator(db: StudioDatabase, oracle: OracleOptions = {}): Promise<Generator> {
  const choice = await getSetting(db, 'activeGenerator');
  switch (choice) {
    case 'oracle': {
      const demo = await getSetting(db, 'demoWorld');
      const extra = (await getSetting(db, 'extraDemoWorlds')).filter((w) => w.config.seed !== demo?.config.seed);
      if (!demo) {
        throw new UserFacingError(
          'The demo-world oracle has no world yet: it knows the ground truth only of a demo that has been run.',
          `Run the demo (Library → Demo world), or choose imported annotations or an endpoint in ${SETTINGS_HINT}.`,
        );
      }
      const stale = [demo, ...extra].find((w) => w.version !== WORLD_VERSION);
      if (stale) {
        throw new UserFacingError(
          `The stored demo world${extra.length > 0 ? ` of seed ${stale.config.seed}` : ''} was made by world version ${stale.version}; this studio builds version ${WORLD_VERSION}, so its ground truth would not match the videos.`,
          'Run the demo again (Library → Demo world) to make videos of the current version.',
        );
      }
      return createWorldsOracle(
        [demo, ...extra].map((w) => buildWorld(w.config)),
        oracle,
      );
    }
    case 'imported': {
      const sets = await annotationsRepo.listAnnotationSets(db);
      if (sets.length === 0) {
        throw new UserFacingError('No annotations are imported, so the imported generator has nothing to serve.', `Import an annotations file in ${SETTINGS_HINT} → Imported annotations.`);
      }
      return new ImportedGenerator(
        sets.flatMap((s) => s.records),
        { sourceName: sets.map((s) => s.sourceName).join(' + ') },
      );
    }
    case 'endpoint': {
      const draft = draftFrom(await getSetting(db, 'endpoint'));
      const problems = endpointProblems(draft);
      if (problems.length > 0) throw new UserFacingError(`The endpoint is not set up: ${problems.join(' ')}`, `Fill in and save ${SETTINGS_HINT} → Endpoint.`);
      const apiKey = (await getSetting(db, 'endpointApiKey')) ?? undefined;
      return new EndpointGenerator(endpointConfig({ ...draft, apiKey }));
    }
  }
}
