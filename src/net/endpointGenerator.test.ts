// EndpointGenerator against a real local HTTP server speaking chat-completions (node:http, port 0).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GeneratorUnavailableError, type ClipRef } from '../core/generators/types';
import { EndpointAuthError, EndpointReplyError, EndpointSchemaError, EndpointTimeoutError, type ChatContentPart, type ChatMessage } from './chatClient';
import { EndpointGenerator, endpointConfig, evenlySpaced, type EndpointConfig } from './endpointGenerator';
import { DEFAULT_PROMPTS, editPrompt, promptProblems } from './prompts';

const KEY = 'sk-endpoint-test-KEY-0123456789';

interface Seen {
  headers: IncomingHttpHeaders;
  body: { model: string; messages: ChatMessage[]; response_format: unknown };
}
let seen: Seen[] = [];
let replyWith: (req: Seen, res: ServerResponse) => void = () => {};
let baseUrl = '';

const server = createServer((req, res) => {
  let data = '';
  req.on('data', (c: Buffer) => (data += c.toString()));
  req.on('end', () => {
    const entry: Seen = { headers: req.headers, body: JSON.parse(data) };
    seen.push(entry);
    replyWith(entry, res);
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  seen = [];
});

/** The model replies with this JSON as the message content. */
function modelSays(json: unknown, status = 200): void {
  replyWith = (_, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    const content = typeof json === 'string' ? json : JSON.stringify(json);
    res.end(status === 200 ? JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }] }) : content);
  };
}

function generator(overrides: Partial<EndpointConfig> = {}): EndpointGenerator {
  return new EndpointGenerator(endpointConfig({ baseUrl, model: 'vlm-small', apiKey: KEY, maxFramesPerClip: 4, ...overrides }), { backoffBaseMs: 1, backoffMaxMs: 2 });
}

function clip(name: string, startS: number, endS: number, frames = 20): ClipRef {
  const urls = Array.from({ length: frames }, (_, i) => `data:image/jpeg;base64,${name}-${i}`);
  return { id: `${name}:${startS}-${endS}`, videoId: `id-${name}`, videoName: name, startS, endS, loadFrames: async () => urls };
}

function userParts(i = 0): ChatContentPart[] {
  const content = seen[i]?.body.messages[1]?.content;
  return typeof content === 'string' ? [{ type: 'text', text: content }] : (content ?? []);
}
const images = (parts: ChatContentPart[]) => parts.flatMap((p) => (p.type === 'image_url' ? [p.image_url.url] : []));
const texts = (parts: ChatContentPart[]) => parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');

describe('EndpointGenerator roles', () => {
  it('caption: sends evenly spaced frames and the filled prompt; records provenance', async () => {
    modelSays({ caption: 'A red ball rolls to the left.' });
    const got = await generator().caption({ clip: clip('talk.mp4', 8, 16) });
    expect(got).toEqual({ value: 'A red ball rolls to the left.', provenance: { generator: 'endpoint', model: 'vlm-small', promptId: 'caption', promptVersion: 1 } });
    const body = seen[0]!.body;
    expect(body.model).toBe('vlm-small');
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('{"caption"') });
    expect(images(userParts())).toEqual([2, 7, 12, 17].map((i) => `data:image/jpeg;base64,talk.mp4-${i}`));
    expect(texts(userParts())).toMatch(/4 frames, in order, of the clip 8–16 s of "talk\.mp4"/);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('caption_recursive: previous captions go into the prompt as numbered scenes', async () => {
    modelSays({ caption: 'The ball stops by a blue cube.' });
    const got = await generator().caption({ clip: clip('talk.mp4', 16, 24), previousCaptions: ['A ball appears.', 'It rolls left.'] });
    expect(got.provenance.promptId).toBe('caption_recursive');
    expect(texts(userParts())).toMatch(/Scene #1: A ball appears\.\nScene #2: It rolls left\.[\s\S]*Scene #3/);
  });

  it('anchored_qa: parses question, answer, family and task type (defaults when absent)', async () => {
    modelSays({ question: 'Which way does the ball roll?', answer: 'Left.', family: 'direction', task_type: 'Detail' });
    const got = await generator().anchoredQA({ clip: clip('talk.mp4', 0, 8), caption: 'A red ball rolls left.' });
    expect(got.value).toEqual({ question: 'Which way does the ball roll?', answer: 'Left.', family: 'direction', taskType: 'detail' });
    expect(texts(userParts())).toContain('Its caption: A red ball rolls left.');
    modelSays({ question: 'Q?', answer: 'A.' });
    expect((await generator().anchoredQA({ clip: clip('talk.mp4', 0, 8) })).value).toMatchObject({ family: 'other', taskType: 'anchored_qa' });
  });

  it('answer: labels each clip and sends its frames, plus known captions', async () => {
    modelSays({ answer: 'Blue.' });
    const got = await generator().answer({ question: 'What colour is the ball?', clips: [clip('a.mp4', 0, 8, 2), clip('b.mp4', 8, 16, 2)], captions: ['cube', 'cone'] });
    expect(got.value).toBe('Blue.');
    expect(got.provenance.promptId).toBe('answer');
    const t = texts(userParts());
    expect(t).toMatch(/Question: What colour is the ball\?/);
    expect(t).toMatch(/Clip 1: cube\nClip 2: cone/);
    expect(t).toMatch(/Clip 2 \(8–16 s of "b\.mp4"\):/);
    expect(images(userParts())).toHaveLength(4);
  });

  it('cross_scene_query: text only; 1-based cited scenes become 0-based; task type normalised', async () => {
    modelSays({ question: 'What happens after the ball stops?', answer: 'A cube spins.', reasoning: 'Scene #1 … Scene #3', cited_scenes: [3, 1], task_type: 'Temporal Order' });
    const captions = ['ball', 'cube', 'cone'].map((caption, index) => ({ index, caption }));
    const got = await generator().crossSceneQuery({ video: [], captions });
    expect(got.value).toEqual({ question: 'What happens after the ball stops?', answer: 'A cube spins.', reasoning: 'Scene #1 … Scene #3', citedScenes: [0, 2], taskType: 'temporal_order' });
    expect(typeof seen[0]!.body.messages[1]!.content).toBe('string');
    expect(seen[0]!.body.messages[1]!.content).toMatch(/Scene #1: ball\nScene #2: cube\nScene #3: cone/);
  });

  it('judge_specificity: maps "answerable_by" clip numbers to clip ids', async () => {
    modelSays({ specific: true, answerable_by: [2], reason: 'Clip 2 also shows a red ball.' });
    const others = [clip('b.mp4', 0, 8, 1), clip('c.mp4', 0, 8, 1)];
    const got = await generator().judgeSpecificity({ question: 'What colour is the ball?', anchor: clip('a.mp4', 0, 8, 1), others });
    expect(got.value).toEqual({ specific: false, answerableBy: ['c.mp4:0-8'], reason: 'Clip 2 also shows a red ball.' });
    expect(images(userParts())).toHaveLength(3);
    expect(texts(userParts())).toMatch(/Anchor clip[\s\S]*Clip 1[\s\S]*Clip 2/);
  });

  it('records the version of an edited prompt and sends its text', async () => {
    const edited = editPrompt(DEFAULT_PROMPTS.caption, { user: 'Caption {video_name} in five words. Reply as JSON.' });
    expect(edited.version).toBe(2);
    expect(editPrompt(edited, { user: edited.user })).toBe(edited);
    modelSays({ caption: 'Red ball rolls left quickly.' });
    const got = await generator({ prompts: { ...DEFAULT_PROMPTS, caption: edited } }).caption({ clip: clip('talk.mp4', 0, 8) });
    expect(got.provenance).toMatchObject({ promptId: 'caption', promptVersion: 2 });
    expect(texts(userParts())).toBe('Caption talk.mp4 in five words. Reply as JSON.');
  });
});

describe('EndpointGenerator failures', () => {
  it('a reply missing a field → EndpointSchemaError naming it', async () => {
    modelSays({ text: 'A red ball.' });
    const e = await generator().caption({ clip: clip('talk.mp4', 0, 8) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EndpointSchemaError);
    expect((e as Error).message).toMatch(/reply to the caption prompt lacks "caption"; expected a non-empty string/);
    expect((e as EndpointSchemaError).hint).toContain('{"caption": "<one paragraph>"}');
  });

  it('cited scenes the model was not shown, or only one → EndpointSchemaError on cited_scenes', async () => {
    const captions = ['ball', 'cube'].map((caption, index) => ({ index, caption }));
    modelSays({ question: 'q', answer: 'a', reasoning: 'r', cited_scenes: [1, 7], task_type: 'temporal_order' });
    await expect(generator().crossSceneQuery({ video: [], captions })).rejects.toThrow(/unusable "cited_scenes" \(\[1,7\]\); expected an array of scene numbers shown to the model \(1, 2\)/);
    modelSays({ question: 'q', answer: 'a', reasoning: 'r', cited_scenes: [2], task_type: 'temporal_order' });
    await expect(generator().crossSceneQuery({ video: [], captions })).rejects.toThrow(/at least two different scenes/);
    modelSays({ question: 'q', answer: 'a', reasoning: 'r', cited_scenes: [1, 2], task_type: 'weather' });
    await expect(generator().crossSceneQuery({ video: [], captions })).rejects.toThrow(/"task_type".*one of temporal_order/);
  });

  it('malformed JSON content → EndpointReplyError', async () => {
    modelSays('{"caption": "A red ball');
    await expect(generator().caption({ clip: clip('talk.mp4', 0, 8) })).rejects.toBeInstanceOf(EndpointReplyError);
  });

  it('401 → EndpointAuthError without the key anywhere', async () => {
    modelSays({ error: { message: `invalid key ${KEY}` } }, 401);
    const e = (await generator().caption({ clip: clip('talk.mp4', 0, 8) }).catch((x: unknown) => x)) as EndpointAuthError;
    expect(e).toBeInstanceOf(EndpointAuthError);
    for (const text of [e.message, e.hint, e.stack, JSON.stringify(e)]) expect(text).not.toContain(KEY);
    const g = generator();
    expect(JSON.stringify(g)).not.toContain(KEY);
    expect(g.label).not.toContain(KEY);
  });

  it('timeout → EndpointTimeoutError; cancel → AbortError', async () => {
    replyWith = () => {};
    await expect(generator({ timeoutMs: 100 }).answer({ question: 'q', clips: [clip('a.mp4', 0, 8, 1)] })).rejects.toBeInstanceOf(EndpointTimeoutError);
    const controller = new AbortController();
    const p = generator().caption({ clip: clip('a.mp4', 0, 8, 1) }, controller.signal);
    setTimeout(() => controller.abort(), 30);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('no frames and no text to go on → GeneratorUnavailableError without a request', async () => {
    const bare: ClipRef = { id: 'x', videoId: 'x', videoName: 'x.mp4', startS: 0, endS: 8 };
    await expect(generator().caption({ clip: bare })).rejects.toBeInstanceOf(GeneratorUnavailableError);
    await expect(generator().answer({ question: 'q', clips: [bare] })).rejects.toBeInstanceOf(GeneratorUnavailableError);
    await expect(generator().crossSceneQuery({ video: [bare], captions: [{ index: 0, caption: 'one' }] })).rejects.toBeInstanceOf(GeneratorUnavailableError);
    expect(seen).toHaveLength(0);
  });
});

describe('prompts and frame sampling', () => {
  it('default prompts use only their role\'s placeholders; unknown ones are reported', () => {
    for (const p of Object.values(DEFAULT_PROMPTS)) expect(promptProblems(p), p.id).toEqual([]);
    expect(promptProblems({ ...DEFAULT_PROMPTS.answer, user: 'Q: {question} {caption}' })).toEqual([expect.stringMatching(/^\{caption\} is not filled for the answer prompt/)]);
  });

  it('evenlySpaced takes the centres of equal parts', () => {
    expect(evenlySpaced([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 2)).toEqual([2, 7]);
    expect(evenlySpaced([0, 1, 2], 8)).toEqual([0, 1, 2]);
    expect(evenlySpaced([0, 1, 2], 0)).toEqual([]);
  });
});
