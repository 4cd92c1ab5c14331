// Stage 1 driven by an OpenAI-compatible endpoint (issue #5 with #4's endpoint generator) in
// Chromium: a tiny chat-completions server started here answers every role; frames go to it as
// image parts; a slow server's run is cancelled from the page and nothing is stored.
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

test('Stage 1 with an endpoint generator: frames are sent, triples stored; a slow run is cancelled with nothing stored', async ({ page }) => {
  test.setTimeout(420_000);
  let delayMs = 0;
  let calls = 0;
  let images = 0;
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*, Authorization', 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Cross-Origin-Resource-Policy': 'cross-origin' };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    void body(req).then(async (b) => {
      calls++;
      const system = typeof b.messages[0]?.content === 'string' ? b.messages[0].content : '';
      const user = b.messages[1]?.content;
      if (Array.isArray(user)) images += user.filter((p) => p.type === 'image_url' && p.image_url?.url.startsWith('data:image/')).length;
      await new Promise((r) => setTimeout(r, delayMs));
      // One reply shape per role, told apart by the default prompts' system text.
      const reply = system.includes('write one question')
        ? { question: `What is special in clip ${calls}?`, answer: `anchor detail ${calls}`, family: 'other', task_type: 'anchored_qa' }
        : system.includes('check whether a question')
          ? { specific: true, answerable_by: [], reason: 'Only the anchor shows it.' }
          : { answer: `distractor guess ${calls}` };
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
    const panel = page.getByTestId('stage1-panel');
    await expect(panel).toContainText('the OpenAI-compatible endpoint');
    await panel.getByRole('spinbutton', { name: 'Triples' }).fill('4');
    await panel.getByRole('button', { name: 'Synthesize Stage 1' }).click();
    await expect(page.getByTestId('stage1-summary')).toContainText(/^4 of 4 triples/, { timeout: 120_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
    // Every clip's frames reached the model (a missing frame would have skipped the clip, with its reason shown).
    await expect(page.getByTestId('stage1-first-problem')).toHaveCount(0);
    await expect(page.getByTestId('triple-counts')).toHaveText('4 stored: 4 Stage 1, 0 Stage 2');
    await expect(page.getByTestId('triple-row').first()).toContainText('endpoint');
    // Three roles per triple (question, rejected answer, specificity judge), each with frames.
    expect(calls).toBeGreaterThanOrEqual(12);
    expect(images).toBeGreaterThan(calls);

    // A slow endpoint: Cancel stops the run in the worker; nothing of it is stored.
    delayMs = 1_500;
    await panel.getByLabel('Seed').fill('99');
    await panel.getByRole('spinbutton', { name: 'Triples' }).fill('50');
    await panel.getByRole('button', { name: 'Synthesize Stage 1' }).click();
    const bar = page.getByRole('progressbar', { name: 'Synthesizing Stage 1 triples' });
    await expect(bar).toBeVisible();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(bar).toHaveCount(0, { timeout: 10_000 });
    const afterCancel = calls;
    await page.waitForTimeout(3_000);
    expect(calls - afterCancel).toBeLessThanOrEqual(1); // a slow run would send ~8 more in 3 s
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByTestId('triple-counts')).toHaveText('4 stored: 4 Stage 1, 0 Stage 2');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
