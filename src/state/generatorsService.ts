// The three caption/QA generators from the studio's side (issue #4): their settings, imported
// annotation files, the endpoint's connection test, and `activeGenerator()`, the instance that
// synthesis uses. Runs outside React; writes the store through the generators slice.
// Must: the API key goes only to IndexedDB (`endpointApiKey`) and to the ChatClient; it is never
// put into an error, a notice or the `endpoint` setting.
import { UserFacingError } from '../core/errors';
import { ImportedGenerator, parseAnnotations } from '../core/generators/imported';
import { annotationCounts, annotationSetFormat, importCaveats, importFailure } from '../core/generators/importReport';
import type { Generator } from '../core/generators/types';
import { buildWorld, createOracleGenerator, WORLD_VERSION } from '../core/world';
import { ChatClient } from '../net/chatClient';
import { EndpointGenerator, endpointConfig } from '../net/endpointGenerator';
import { DEFAULT_PROMPTS, type PromptRole, type PromptSet } from '../net/prompts';
import * as annotationsRepo from '../storage/annotationsRepo';
import { studioDb } from '../storage/db';
import { getSetting, setSetting, type EndpointSettings, type GeneratorChoice, type StoredPrompt } from '../storage/settingsRepo';
import type { AnnotationSetRecord } from '../storage/schema';
import { BLANK_ENDPOINT, type AnnotationSetSummary, type EndpointDraft, type EndpointFields } from './generatorsSlice';
import { useStudio } from './store';

export const GENERATOR_CHOICES: readonly GeneratorChoice[] = ['oracle', 'imported', 'endpoint'];

/** Accepted ranges of the endpoint's numbers (inclusive). Timeouts in ms. */
export const ENDPOINT_LIMITS = {
  timeoutMs: [1_000, 600_000],
  maxRetries: [0, 10],
  concurrency: [1, 16],
  maxFramesPerClip: [1, 64],
} as const satisfies Record<string, readonly [number, number]>;

const SETTINGS_HINT = 'Settings → Generators';

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

function draftFrom(stored: EndpointSettings | null): EndpointDraft {
  return stored ? { ...BLANK_ENDPOINT, ...stored, prompts: promptsFrom(stored.prompts) } : BLANK_ENDPOINT;
}

function summary({ records: _records, ...rest }: AnnotationSetRecord): AnnotationSetSummary {
  return rest;
}

async function refreshSets(): Promise<void> {
  const sets = await annotationsRepo.listAnnotationSets(await studioDb());
  useStudio.getState().setGenerators({ sets: sets.map(summary) });
}

export async function loadGenerators(): Promise<void> {
  try {
    const db = await studioDb();
    const [active, endpoint, apiKey, sets] = await Promise.all([
      getSetting(db, 'activeGenerator'),
      getSetting(db, 'endpoint'),
      getSetting(db, 'endpointApiKey'),
      annotationsRepo.listAnnotationSets(db),
    ]);
    useStudio.getState().setGenerators({ loaded: true, active, endpoint: draftFrom(endpoint), apiKey: apiKey ?? '', sets: sets.map(summary) });
  } catch (e) {
    // Without IndexedDB the start-up already said "Storage is unavailable"; one alert is enough.
    if (!(e instanceof Error && e.name === 'StorageUnavailableError')) useStudio.getState().reportError('Could not read the generator settings', e);
  }
}

export async function setActiveGenerator(choice: GeneratorChoice): Promise<void> {
  const { setGenerators, reportError } = useStudio.getState();
  try {
    await setSetting(await studioDb(), 'activeGenerator', choice);
    setGenerators({ active: choice });
  } catch (e) {
    reportError('Could not change the generator', e);
  }
}

/** Saves the endpoint's fields and key (prompts are kept). Resolves false when nothing was saved. */
export async function saveEndpoint(fields: EndpointFields, apiKey: string): Promise<boolean> {
  const { generators, setGenerators, reportError } = useStudio.getState();
  const problems = endpointProblems(fields);
  if (problems.length > 0) {
    reportError('Endpoint settings not saved', new UserFacingError(problems.join(' '), `Correct the fields in ${SETTINGS_HINT} → Endpoint and save again.`));
    return false;
  }
  const endpoint: EndpointDraft = { ...generators.endpoint, ...fields, baseUrl: fields.baseUrl.trim().replace(/\/+$/, ''), model: fields.model.trim() };
  try {
    const db = await studioDb();
    await setSetting(db, 'endpoint', endpoint);
    await setSetting(db, 'endpointApiKey', apiKey.trim() || null);
    setGenerators({ endpoint, apiKey: apiKey.trim() });
    return true;
  } catch (e) {
    reportError('Could not save the endpoint settings', e);
    return false;
  }
}

/** Saves edited prompts (the caller bumped the versions of the changed ones with `editPrompt`). */
export async function saveEndpointPrompts(prompts: PromptSet): Promise<void> {
  const { generators, setGenerators, reportError } = useStudio.getState();
  const endpoint = { ...generators.endpoint, prompts };
  try {
    await setSetting(await studioDb(), 'endpoint', endpoint);
    setGenerators({ endpoint });
  } catch (e) {
    reportError('Could not save the prompts', e);
  }
}

function newSetId(): string {
  // Not crypto.randomUUID: it is missing outside secure contexts (a plain-http LAN host).
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Imports annotation files one by one. A file with any error gets ONE alert naming it and its
 * first bad lines, and nothing of it is stored; a good file is stored whole (docs/annotations.md).
 */
export async function importAnnotationFiles(files: File[]): Promise<void> {
  const { setGenerators, reportError, reportWarning } = useStudio.getState();
  setGenerators({ importing: true });
  try {
    for (const file of files) {
      try {
        const parsed = parseAnnotations(await file.text());
        if (!parsed.ok) {
          reportError('Annotations not imported', importFailure(file.name, parsed.errors, parsed.moreErrors));
          continue;
        }
        const records = parsed.annotations;
        const set: AnnotationSetRecord = {
          id: newSetId(),
          sourceName: file.name,
          format: annotationSetFormat(records),
          importedAt: Date.now(),
          records,
          counts: annotationCounts(records),
        };
        await annotationsRepo.putAnnotationSet(await studioDb(), set);
        const caveats = importCaveats(file.name, parsed.warnings);
        if (caveats) reportWarning(caveats);
      } catch (e) {
        reportError(`Could not import ${file.name}`, e);
      }
    }
    await refreshSets();
  } catch (e) {
    reportError('Could not read the imported annotations', e);
  } finally {
    setGenerators({ importing: false });
  }
}

export async function deleteAnnotationSet(id: string): Promise<void> {
  try {
    await annotationsRepo.deleteAnnotationSet(await studioDb(), id);
    await refreshSets();
  } catch (e) {
    useStudio.getState().reportError('Could not delete the annotations', e);
  }
}

export interface EndpointTestResult {
  ok: boolean;
  ms: number;
  model: string;
}

/**
 * One tiny JSON-mode request to the saved endpoint with the saved key. Failures are reported
 * (the client's errors already name the endpoint and the fix, never the key) and resolve ok: false.
 */
export async function testEndpoint(signal?: AbortSignal): Promise<EndpointTestResult> {
  const { reportError } = useStudio.getState();
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  let model = '';
  try {
    const db = await studioDb();
    const saved = draftFrom(await getSetting(db, 'endpoint'));
    const apiKey = (await getSetting(db, 'endpointApiKey')) ?? undefined;
    const { baseUrl, timeoutMs } = saved;
    model = saved.model;
    if (!baseUrl || !model) throw new UserFacingError('No endpoint is saved yet.', `Enter the base URL and model in ${SETTINGS_HINT} → Endpoint, save, then test.`);
    // No retries: a test should say at once what is wrong instead of backing off for seconds.
    const client = new ChatClient({ baseUrl, model, apiKey, timeoutMs, maxRetries: 0, concurrency: 1 });
    await client.completeJson(
      [
        { role: 'system', content: 'Reply with JSON' },
        { role: 'user', content: 'Reply with {"ok": true}' },
      ],
      { signal, temperature: 0 },
    );
    return { ok: true, ms: elapsed(), model };
  } catch (e) {
    if (!signal?.aborted) reportError('Endpoint test failed', e);
    return { ok: false, ms: elapsed(), model };
  }
}

/**
 * The Generator for the current choice: what synthesis calls. Throws a UserFacingError that says
 * what to set up when the choice cannot work yet.
 */
export async function activeGenerator(): Promise<Generator> {
  const db = await studioDb();
  const choice = await getSetting(db, 'activeGenerator');
  switch (choice) {
    case 'oracle': {
      const demo = await getSetting(db, 'demoWorld');
      if (!demo) {
        throw new UserFacingError(
          'The demo-world oracle has no world yet: it knows the ground truth only of a demo that has been run.',
          `Run the demo (Library → Demo world), or choose imported annotations or an endpoint in ${SETTINGS_HINT}.`,
        );
      }
      if (demo.version !== WORLD_VERSION) {
        throw new UserFacingError(
          `The stored demo world was made by world version ${demo.version}; this studio builds version ${WORLD_VERSION}, so its ground truth would not match the videos.`,
          'Run the demo again (Library → Demo world) to make videos of the current version.',
        );
      }
      return createOracleGenerator(buildWorld(demo.config));
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
