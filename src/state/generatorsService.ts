// The three caption/QA generators from the studio's side (issue #4): their settings, imported
// annotation files, the endpoint's connection test, and `activeGenerator()`, the instance that
// synthesis uses. Runs outside React; writes the store through the generators slice.
// Must: the API key goes only to IndexedDB (`endpointApiKey`) and to the ChatClient; it is never
// put into an error, a notice or the `endpoint` setting.
import { UserFacingError } from '../core/errors';
import { parseAnnotations } from '../core/generators/annotationsFile';
import { annotationCounts, annotationSetFormat, importCaveats, importFailure } from '../core/generators/importReport';
import type { Generator } from '../core/generators/types';
import { ChatClient } from '../net/chatClient';
import type { PromptSet } from '../net/prompts';
import * as annotationsRepo from '../storage/annotationsRepo';
import { studioDb } from '../storage/db';
import { getSetting, setSetting, type GeneratorChoice } from '../storage/settingsRepo';
import type { AnnotationSetRecord } from '../storage/schema';
import { buildActiveGenerator, draftFrom, endpointProblems, SETTINGS_HINT, type EndpointFields } from '../workers/generatorFactory';
import type { AnnotationSetSummary, EndpointDraft } from './generatorsSlice';
import { useStudio } from './store';

export { ENDPOINT_LIMITS, endpointProblems, promptsFrom } from '../workers/generatorFactory';

export const GENERATOR_CHOICES: readonly GeneratorChoice[] = ['oracle', 'imported', 'endpoint'];

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
  const { generators, setGenerators, reportError } = useStudio.getState();
  const previous = generators.active;
  // Shown at once (a radio must follow the click); put back if it cannot be stored.
  setGenerators({ active: choice });
  try {
    await setSetting(await studioDb(), 'activeGenerator', choice);
  } catch (e) {
    setGenerators({ active: previous });
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


/** The Generator for the current choice (see `buildActiveGenerator`). */
export async function activeGenerator(): Promise<Generator> {
  return buildActiveGenerator(await studioDb());
}
