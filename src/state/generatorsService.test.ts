// generatorsService over fake IndexedDB (Node): imports are all-or-nothing with one alert, the
// key stays out of the endpoint setting and out of errors, activeGenerator builds each kind.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_SIZES } from '../core/demo';
import { UserFacingError } from '../core/errors';
import { DEFAULT_PROMPTS, editPrompt } from '../net/prompts';
import { listAnnotationSets } from '../storage/annotationsRepo';
import { studioDb } from '../storage/db';
import { getSetting, setSetting } from '../storage/settingsRepo';
import {
  activeGenerator,
  deleteAnnotationSet,
  endpointProblems,
  importAnnotationFiles,
  loadGenerators,
  promptsFrom,
  saveEndpoint,
  saveEndpointPrompts,
  setActiveGenerator,
  testEndpoint,
} from './generatorsService';
import { BLANK_ENDPOINT } from './generatorsSlice';
import { useStudio } from './store';

const KEY = 'sk-service-test-0123456789';
const fields = { ...BLANK_ENDPOINT, baseUrl: 'http://127.0.0.1:9/v1', model: 'test-model' };
const jsonl = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n');
const notices = () => useStudio.getState().notices;

beforeEach(async () => {
  const db = await studioDb();
  await db.clear('annotationSets');
  await db.clear('settings');
  useStudio.setState({ notices: [] });
  await loadGenerators();
});
afterEach(() => vi.unstubAllGlobals());

describe('endpoint settings', () => {
  it('accepts an http(s) base URL and a model, and names each bad field', () => {
    expect(endpointProblems(fields)).toEqual([]);
    const bad = endpointProblems({ ...fields, baseUrl: 'localhost:8000/v1', model: ' ', maxRetries: 1.5, concurrency: 0, timeoutMs: 100 });
    expect(bad.join('\n')).toMatch(/Base URL must start with http/);
    expect(bad.join('\n')).toMatch(/Model must name/);
    expect(bad.join('\n')).toMatch(/Retries must be a whole number/);
    expect(bad.join('\n')).toMatch(/Concurrency must be a whole number from 1/);
    expect(bad.join('\n')).toMatch(/Timeout must be 1–600 s/);
  });

  it('stores the key apart from the endpoint setting and reloads both', async () => {
    expect(await saveEndpoint(fields, ` ${KEY} `)).toBe(true);
    const db = await studioDb();
    expect(JSON.stringify(await getSetting(db, 'endpoint'))).not.toContain(KEY);
    expect(await getSetting(db, 'endpointApiKey')).toBe(KEY);
    useStudio.getState().setGenerators({ apiKey: '', loaded: false });
    await loadGenerators();
    expect(useStudio.getState().generators).toMatchObject({ loaded: true, apiKey: KEY, endpoint: { baseUrl: 'http://127.0.0.1:9/v1', model: 'test-model' } });
  });

  it('refuses to save invalid fields with one alert and stores nothing', async () => {
    expect(await saveEndpoint({ ...fields, baseUrl: 'ftp://x' }, KEY)).toBe(false);
    expect(notices()).toHaveLength(1);
    expect(await getSetting(await studioDb(), 'endpointApiKey')).toBeNull();
  });

  it('keeps edited prompts with their bumped versions; malformed stored prompts fall back to the defaults', async () => {
    await saveEndpoint(fields, '');
    const edited = { ...DEFAULT_PROMPTS, caption: editPrompt(DEFAULT_PROMPTS.caption, { user: 'Caption {video_name} as JSON.' }) };
    await saveEndpointPrompts(edited);
    await loadGenerators();
    const prompts = useStudio.getState().generators.endpoint.prompts;
    expect(prompts.caption).toMatchObject({ id: 'caption', version: 2, user: 'Caption {video_name} as JSON.' });
    expect(prompts.answer).toEqual(DEFAULT_PROMPTS.answer);
    const bogus = { answer: { ...DEFAULT_PROMPTS.answer, role: 'caption' }, caption: { id: 'caption', role: 'caption', version: 'x', system: '', user: '', reply: '' } };
    expect(promptsFrom(bogus as never)).toEqual(DEFAULT_PROMPTS);
  });
});

describe('importing annotation files', () => {
  const good = jsonl(
    { video: 'talk.mp4', start_s: 0, end_s: 8, caption: 'A red ball rolls left.', qa: [{ question: 'Which way does the ball roll?', answer: 'Left.' }] },
    { video: 'talk.mp4', start_s: 8, end_s: 16, caption: 'A blue cube spins.' },
  );

  it('a file with errors gives one alert naming it and its lines, and stores nothing', async () => {
    const bad = `${jsonl({ video: 'a.mp4', caption: 'ok' })}\n{"video": \n${jsonl({ caption: 'no video' })}`;
    await importAnnotationFiles([new File([bad], 'broken.jsonl')]);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toMatchObject({ level: 'error', title: 'Annotations not imported' });
    expect(notices()[0]?.message).toMatch(/^broken\.jsonl was not imported .*line 2: Not valid JSON.*line 3: "video" is missing/);
    expect(await listAnnotationSets(await studioDb())).toEqual([]);
    expect(useStudio.getState().generators).toMatchObject({ sets: [], importing: false });
  });

  it('stores good files whole beside a bad one, with counts, and deletes them', async () => {
    await importAnnotationFiles([new File([good], 'talk.jsonl'), new File(['nope'], 'bad.jsonl')]);
    expect(notices().map((n) => n.level)).toEqual(['error']);
    const sets = useStudio.getState().generators.sets;
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ sourceName: 'talk.jsonl', format: 'annotations-jsonl', counts: { records: 2, captions: 2, qa: 1, crossScene: 0 } });
    expect(sets[0]).not.toHaveProperty('records');
    await deleteAnnotationSet(sets[0]?.id ?? '');
    expect(useStudio.getState().generators.sets).toEqual([]);
  });

  it('reports ignored fields as one warning and still imports', async () => {
    await importAnnotationFiles([new File([jsonl({ video: 'a.mp4', caption: 'x', colour: 'red' })], 'extra.jsonl')]);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toMatchObject({ level: 'warning', title: 'extra.jsonl imported with 1 warning' });
    expect(useStudio.getState().generators.sets).toHaveLength(1);
  });
});

describe('activeGenerator', () => {
  const clip = { id: 'c', videoId: 'v', videoName: 'talk.mp4', startS: 0, endS: 8 };

  it('oracle: says to run the demo first, then rebuilds the stored demo world', async () => {
    await expect(activeGenerator()).rejects.toThrow(UserFacingError);
    await expect(activeGenerator()).rejects.toThrow(/has no world yet/);
    await setSetting(await studioDb(), 'demoWorld', { config: { ...DEMO_SIZES.small.config } as never, version: 1, fingerprint: 'x' });
    const oracle = await activeGenerator();
    expect(oracle.kind).toBe('oracle');
    expect(oracle.label).toContain('seed 42');
  });

  it('imported: merges the records of every stored file', async () => {
    await setActiveGenerator('imported');
    await expect(activeGenerator()).rejects.toThrow(/No annotations are imported/);
    await importAnnotationFiles([new File([good()], 'talk.jsonl'), new File([jsonl({ video: 'other.mp4', caption: 'A green cone.' })], 'other.jsonl')]);
    const imported = await activeGenerator();
    expect(imported.kind).toBe('imported');
    expect((await imported.caption({ clip })).value).toBe('A red ball rolls left.');
    expect((await imported.caption({ clip: { ...clip, videoName: 'other.mp4' } })).value).toBe('A green cone.');
  });

  it('endpoint: needs saved settings, then sends the stored key to the endpoint only', async () => {
    await setActiveGenerator('endpoint');
    await expect(activeGenerator()).rejects.toThrow(/The endpoint is not set up/);
    await saveEndpoint(fields, KEY);
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      seen.push(String((init.headers as Record<string, string>).Authorization));
      return new Response(JSON.stringify({ choices: [{ message: { content: '{"answer": "Left."}' } }] }));
    });
    const endpoint = await activeGenerator();
    expect(endpoint.kind).toBe('endpoint');
    expect((await endpoint.answer({ question: 'Which way?', clips: [clip], captions: ['A ball rolls left.'] })).value).toBe('Left.');
    expect(seen).toEqual([`Bearer ${KEY}`]);
  });

  function good() {
    return jsonl({ video: 'talk.mp4', start_s: 0, end_s: 8, caption: 'A red ball rolls left.' });
  }
});

describe('testEndpoint', () => {
  it('answers with the model and time; a refused key gives one alert without the key', async () => {
    await saveEndpoint(fields, KEY);
    let status = 200;
    const auth: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      auth.push(String((init.headers as Record<string, string>).Authorization));
      const body = status === 200 ? { choices: [{ message: { content: '{"ok": true}' } }] } : { error: { message: `Incorrect API key provided: ${KEY}` } };
      return new Response(JSON.stringify(body), { status });
    });
    expect(await testEndpoint()).toMatchObject({ ok: true, model: 'test-model' });
    expect(auth).toEqual([`Bearer ${KEY}`]);
    expect(notices()).toEqual([]);

    status = 401;
    expect(await testEndpoint()).toMatchObject({ ok: false });
    expect(auth).toHaveLength(2); // a refused key is not retried
    expect(notices()).toHaveLength(1);
    expect(notices()[0]?.message).toContain('refused the API key');
    expect(JSON.stringify(notices())).not.toContain(KEY);
  });

  it('without a saved endpoint says what to fill in', async () => {
    expect(await testEndpoint()).toMatchObject({ ok: false });
    expect(notices()[0]?.message).toBe('No endpoint is saved yet.');
  });
});
