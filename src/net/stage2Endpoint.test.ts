// Stage 2 driven by an OpenAI-compatible endpoint (issue #10) against a local chat-completions
// server: recursive captions carry the earlier captions, frames go as image parts, the relevance
// chain is read from the reasoning, and bad replies are discards with their reason.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeStage2, type Stage2Video } from '../core/synthesis/stage2';
import type { ChatContentPart, ChatMessage } from './chatClient';
import { EndpointGenerator, endpointConfig } from './endpointGenerator';

interface Call {
  system: string;
  user: string;
  images: number;
}
const calls: Call[] = [];
const isCaption = (c: Call): boolean => c.system.includes('caption the scenes') || c.system.includes('describe short video clips');
let queries = 0;

const reply = (c: Call): unknown => {
  if (isCaption(c)) return { caption: `caption ${calls.filter(isCaption).length}` };
  if (c.system.includes('cross-scene reasoning')) {
    queries++;
    if (queries === 1) return { question: 'Which shape appears in both the first and the third scene?', answer: 'The red ring.', reasoning: 'Scene #1 shows a red ring; Scene #3 shows it again.', cited_scenes: [1, 3], task_type: 'cross_scene_association' };
    if (queries === 2) return { question: 'What happens in Scene #9?', answer: 'x', reasoning: 'Scene #1 and Scene #9 show it.', cited_scenes: [1, 2], task_type: 'detail' };
    if (queries === 3) return 'this is not JSON';
    return { question: 'Which shape appears in both the first and the third scene?', answer: 'The red ring.', reasoning: 'Scene #1 and Scene #3.', cited_scenes: [1, 3], task_type: 'cross_scene_association' };
  }
  // scene_answer: the answer names the scenes it was shown, so a degraded context answers differently.
  return { answer: `seen ${[...c.user.matchAll(/Scene #(\d+) \(/g)].map((m) => m[1]).join('+')}` };
};

const server = createServer((req, res) => {
  let data = '';
  req.on('data', (d: Buffer) => (data += d.toString()));
  req.on('end', () => {
    const body = JSON.parse(data) as { messages: ChatMessage[] };
    const content = body.messages[1]?.content;
    const parts: ChatContentPart[] = typeof content === 'string' ? [{ type: 'text', text: content }] : (content ?? []);
    const call: Call = {
      system: typeof body.messages[0]?.content === 'string' ? body.messages[0].content : '',
      user: parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n'),
      images: parts.filter((p) => p.type === 'image_url').length,
    };
    calls.push(call);
    const r = reply(call);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: typeof r === 'string' ? r : JSON.stringify(r) }, finish_reason: 'stop' }] }));
  });
});
let baseUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const video: Stage2Video = {
  videoId: 'v',
  videoName: 'talk.mp4',
  durationS: 240,
  scenes: [0, 60, 120, 180].map((startS, k) => ({ id: `v|scene|${k}`, videoId: 'v', videoName: 'talk.mp4', startS, endS: startS + 60, frameCount: 60, loadFrames: async () => Array.from({ length: 10 }, (_, i) => `data:image/jpeg;base64,s${k}f${i}`) })),
};

describe('Stage 2 through the endpoint generator', () => {
  it('captions recursively with frames, reads the relevance chain from the reasoning, answers from the given scenes, counts bad replies', async () => {
    const generator = new EndpointGenerator(endpointConfig({ baseUrl, model: 'vlm', maxFramesPerClip: 4, maxRetries: 0 }), { backoffBaseMs: 1, backoffMaxMs: 2 });
    const { triples, report, captions } = await synthesizeStage2([video], generator, { seed: 1, count: 5, patience: 2, maxQueriesPerVideo: 6, now: '2026-12-01T00:00:00.000Z' });

    const captionCalls = calls.filter(isCaption);
    expect(captionCalls).toHaveLength(4);
    expect(captionCalls.every((c) => c.images === 4)).toBe(true);
    // Scene #3 is captioned with the captions of Scenes #1 and #2, in order.
    expect(captionCalls[2]!.user).toContain(`Scene #1: ${captions.v![0]!.text}\nScene #2: ${captions.v![1]!.text}`);
    expect(captionCalls[2]!.user).toContain('Scene #3');
    expect(captions.v![1]!.provenance).toEqual({ generator: 'endpoint', model: 'vlm', promptId: 'caption_recursive', promptVersion: 1 });

    expect(triples).toHaveLength(1);
    const t = triples[0]!;
    expect(t.relevant_clips).toEqual([0, 2]);
    expect(t.chosen).toBe('seen 1+3');
    expect(t.rejected).not.toBe(t.chosen);
    expect(t.provenance.texts?.chosen).toEqual({ generator: 'endpoint', model: 'vlm', prompt_id: 'scene_answer', prompt_version: 1 });
    const answerCalls = calls.filter((c) => c.system.includes('from some of its scenes'));
    expect(answerCalls[0]!.user).toContain('You are shown 2 scene(s) of the video: Scene #1, Scene #3.');
    expect(answerCalls[0]!.images).toBe(8);
    expect(report.discarded).toMatchObject({ unknown_scene: 1, unparseable: 1, duplicate: 2 });
  });
});
