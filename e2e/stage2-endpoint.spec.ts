// Stage 2 driven by an OpenAI-compatible endpoint (issue #10) in Chromium: a chat-completions
// server started here captions scenes (each request must carry the earlier captions and the
// scene's frames as image parts), writes cross-scene queries citing "Scene #k", and answers from
// the scenes it is shown; a slow run is cancelled from the page and nothing of it is stored.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { importSmallDemo } from './studio';

interface ChatBody {
  model: string;
  messages: { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[];
}

async function body(req: IncomingMessage): Promise<ChatBody> {
  let text = '';
  for await (const chunk of req) text += (chunk as Buffer).toString();
  return JSON.parse(text) as ChatBody;
}

test('Stage 2 with an endpoint generator: recursive captions with frames, cited queries, degraded answers; Cancel stores nothing', async ({ page }) => {
  test.setTimeout(420_000);
  let delayMs = 0;
  let calls = 0;
  const captionRequests: { scene: number; previous: number; images: number }[] = [];
  let answerImages = 0;
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*, Authorization', 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Cross-Origin-Resource-Policy': 'cross-origin' };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    void body(req).then(async (b) => {
      calls++;
      const system = typeof b.messages[0]?.content === 'string' ? b.messages[0].content : '';
      const content = b.messages[1]?.content;
      const text = typeof content === 'string' ? content : (content ?? []).map((p) => p.text ?? '').join('\n');
      const images = Array.isArray(content) ? content.filter((p) => p.type === 'image_url' && p.image_url?.url.startsWith('data:image/')).length : 0;
      await new Promise((r) => setTimeout(r, delayMs));
      let reply: unknown;
      if (system.includes('caption the scenes') || system.includes('describe short video clips')) {
        const scene = Number(/Scene #(\d+) \(/.exec(text)?.[1] ?? 1);
        captionRequests.push({ scene, previous: (text.match(/^Scene #\d+: /gm) ?? []).length, images });
        reply = { caption: `Scene ${scene} shows shapes (call ${calls}).` };
      } else if (system.includes('cross-scene reasoning')) {
        const n = Number(/has (\d+) scenes/.exec(text)?.[1] ?? 2);
        reply = { question: `Which shapes link the first and last scenes (${calls})?`, answer: 'A ring.', reasoning: `Scene #1 shows a ring; Scene #${n} shows it again.`, cited_scenes: [1, n], task_type: 'cross_scene_association' };
      } else {
        answerImages += images;
        reply = { answer: `From ${[...text.matchAll(/Scene #(\d+) \(/g)].map((m) => m[1]).join(' and ')}.` };
      }
      const completion = { object: 'chat.completion', model: b.model, choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(reply) }, finish_reason: 'stop' }] };
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify(completion));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  try {
    await importSmallDemo(page);

    await page.goto('/#/settings');
    const form = page.getByRole('form', { name: 'Endpoint settings' });
    await form.getByLabel('Base URL', { exact: true }).fill(baseUrl);
    await form.getByLabel('Model', { exact: true }).fill('test-vlm');
    await form.getByRole('button', { name: 'Save endpoint' }).click();
    await expect(form.getByRole('button', { name: 'Test connection' })).toBeEnabled();
    await page.getByRole('radio', { name: /OpenAI-compatible endpoint/ }).check();

    await page.getByRole('link', { name: 'Synthesize', exact: true }).click();
    await page.getByRole('tab', { name: 'Stage 2' }).click();
    const panel = page.getByTestId('stage2-panel');
    await panel.getByLabel('Shortest video (s)').fill('60');
    // The list re-renders after the new threshold: wait for the video before counting its scenes.
    await expect(panel.getByTestId('stage2-video')).toHaveCount(1);
    const scenes = await panel.getByTestId('scene-row').count();
    expect(scenes).toBeGreaterThanOrEqual(3);
    await panel.getByLabel('Stage 2 triples').fill('3');
    const before = calls;
    await panel.getByRole('button', { name: 'Synthesize Stage 2' }).click();
    await expect(panel.getByTestId('stage2-summary')).toContainText(/^3 of 3 Stage 2 triples from 1 videos/, { timeout: 120_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
    // Recursive captions: scene k saw the k − 1 earlier captions and its own frames.
    expect(captionRequests.map((r) => r.scene)).toEqual(Array.from({ length: scenes }, (_, k) => k + 1));
    expect(captionRequests.map((r) => r.previous)).toEqual(Array.from({ length: scenes }, (_, k) => k));
    expect(captionRequests.every((r) => r.images > 0)).toBe(true);
    expect(answerImages).toBeGreaterThan(0);
    expect(calls - before).toBe(scenes + 3 * 3); // captions, then per triple: query, chosen, rejected
    await expect(panel.getByTestId('scene-row').nth(1)).toContainText('endpoint test-vlm, caption_recursive@1');
    const preview = panel.getByTestId('stage2-preview-row').first();
    await expect(preview).toContainText(`Chosen: From 1 and ${scenes}.`);
    await expect(preview.getByRole('listitem', { name: 'Scene #1, cited' })).toHaveCount(1);
    await expect(page.getByTestId('triple-counts')).toHaveText('3 stored: 0 Stage 1, 3 Stage 2');

    // A slow endpoint: Cancel stops the run in the worker; nothing of it is stored.
    delayMs = 1_500;
    await panel.getByLabel('Stage 2 seed').fill('99');
    await panel.getByLabel('Stage 2 triples').fill('50');
    await panel.getByRole('button', { name: 'Synthesize Stage 2' }).click();
    const bar = page.getByRole('progressbar', { name: 'Synthesizing Stage 2 triples' });
    await expect(bar).toBeVisible();
    await page.waitForTimeout(2_000);
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await expect(bar).toHaveCount(0, { timeout: 10_000 });
    const afterCancel = calls;
    await page.waitForTimeout(3_000);
    expect(calls - afterCancel).toBeLessThanOrEqual(1);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByTestId('triple-counts')).toHaveText('3 stored: 0 Stage 1, 3 Stage 2');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
