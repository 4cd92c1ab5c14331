// Settings → Generators (issue #4) in Chromium with real IndexedDB: annotation files are imported
// whole or not at all and survive a reload; an OpenAI-compatible endpoint (a tiny chat-completions
// server started here) is saved, tested, and its key never shows up in an error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const KEY = 'sk-test-123';
const dir = mkdtempSync(join(tmpdir(), 'longvpo-generators-'));

function writeFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const jsonl = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n');

async function openSettings(page: Page) {
  await page.goto('/#/settings');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
}

const setRows = (page: Page) => page.getByTestId('annotation-set-row');
/** file, format, records, captions, QA, cross-scene of one row of the sets table. */
const counts = async (page: Page, name: string) => (await page.locator(`[data-testid=annotation-set-row][data-name="${name}"] td`).allInnerTexts()).slice(0, 6);

test('a malformed annotations file gives one alert naming it and its bad lines, and stores nothing', async ({ page }) => {
  await openSettings(page);
  const bad = writeFile(
    'broken.jsonl',
    [JSON.stringify({ video: 'talk.mp4', start_s: 0, end_s: 8, caption: 'A red ball.' }), '{"video": "talk.mp4", "caption": ', JSON.stringify({ start_s: 8, end_s: 16, caption: 'No video.' })].join('\n'),
  );
  await page.getByLabel('Import annotation files').setInputFiles(bad);

  const alert = page.getByRole('alert');
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('broken.jsonl');
  await expect(alert).toContainText('line 2: Not valid JSON');
  await expect(alert).toContainText('line 3: "video" is missing');
  await expect(alert).not.toContainText('line 1:');
  await expect(alert).not.toContainText(/\bat \S+:\d+/); // no stack trace
  await expect(page.getByTestId('annotation-sets-empty')).toBeVisible();
  await expect(setRows(page)).toHaveCount(0);

  await page.reload();
  await expect(page.getByTestId('annotation-sets-empty')).toBeVisible();
});

test('studio JSONL and LLaVA-Video JSON import with their counts, persist across reload, and delete', async ({ page }) => {
  await openSettings(page);
  const studio = writeFile(
    'talk.jsonl',
    jsonl(
      { video: 'talk.mp4', start_s: 0, end_s: 8, caption: 'A red ball rolls to the left.', qa: [{ question: 'Which way does the ball roll?', answer: 'Left.' }] },
      { video: 'talk.mp4', start_s: 8, end_s: 16, caption: 'A blue cube spins.', scene_index: 1 },
      { video: 'talk.mp4', cross_scene: [{ question: 'What appears after the ball stops?', answer: 'A cube.', reasoning: 'Scene #1, then Scene #2.', cited_scenes: [0, 1] }] },
    ),
  );
  const llava = writeFile(
    'llava.json',
    JSON.stringify([
      {
        id: 'Q04US',
        video: 'academic_source/Charades/Q04US.mp4',
        conversations: [
          { from: 'human', value: '<image>\nPlease describe this video in detail.' },
          { from: 'gpt', value: 'A person takes milk from the fridge.' },
          { from: 'human', value: 'What does the person take?' },
          { from: 'gpt', value: 'Milk.' },
        ],
      },
      {
        id: 'X1',
        video: 'X1.mp4',
        conversations: [
          { from: 'human', value: 'What colour is the door?' },
          { from: 'gpt', value: 'Red.' },
          { from: 'human', value: 'Where is the cat?\nA. On the sofa\nB. Under the table' },
          { from: 'gpt', value: 'A.' },
        ],
      },
    ]),
  );
  await page.getByLabel('Import annotation files').setInputFiles([studio, llava]);

  await expect(setRows(page)).toHaveCount(2);
  expect(await counts(page, 'talk.jsonl')).toEqual(['talk.jsonl', 'studio JSONL', '3', '2', '1', '1']);
  expect(await counts(page, 'llava.json')).toEqual(['llava.json', 'LLaVA-Video', '2', '1', '3', '0']);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('radio', { name: /Imported annotations/ }).check();

  await page.reload();
  await expect(setRows(page)).toHaveCount(2);
  expect(await counts(page, 'llava.json')).toEqual(['llava.json', 'LLaVA-Video', '2', '1', '3', '0']);
  await expect(page.getByRole('radio', { name: /Imported annotations/ })).toBeChecked();

  await page.getByRole('button', { name: 'Delete annotations talk.jsonl' }).click();
  await expect(setRows(page)).toHaveCount(1);
  await page.reload();
  await expect(setRows(page)).toHaveCount(1);
  expect(await counts(page, 'llava.json')).toEqual(['llava.json', 'LLaVA-Video', '2', '1', '3', '0']);
});

test('an OpenAI-compatible endpoint is saved, tested with the key, and a refused key never shows in the alert', async ({ page }) => {
  let refuse = false;
  const authorizations: string[] = [];
  // CORS as a real endpoint must send it. `*` alone does not cover Authorization (Fetch spec),
  // so it is listed; CORP because the studio's page is cross-origin isolated (COEP require-corp).
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': '*, Authorization',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      authorizations.push(req.headers.authorization ?? '');
      if (refuse) {
        // Some servers echo the refused key: the studio must not show it.
        res.writeHead(401, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }));
        return;
      }
      const { model } = JSON.parse(body) as { model: string };
      const reply = { object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content: '{"ok": true}' }, finish_reason: 'stop' }] };
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  try {
    await openSettings(page);
    const form = page.getByRole('form', { name: 'Endpoint settings' });
    await form.getByLabel('Base URL', { exact: true }).fill(baseUrl);
    await form.getByLabel('Model', { exact: true }).fill('test-model');
    await form.getByLabel('API key', { exact: true }).fill(KEY);
    await form.getByRole('button', { name: 'Save endpoint' }).click();

    const test = form.getByRole('button', { name: 'Test connection' });
    await expect(test).toBeEnabled();
    await test.click();
    await expect(form.getByTestId('endpoint-test')).toHaveText(/^OK: test-model answered in \d+ ms$/);
    expect(authorizations).toEqual([`Bearer ${KEY}`]);
    await expect(page.getByRole('alert')).toHaveCount(0);

    refuse = true;
    await test.click();
    const alert = page.getByRole('alert');
    await expect(alert).toHaveCount(1);
    await expect(alert).toContainText('refused the API key');
    await expect(alert).toContainText('Settings → Generators');
    await expect(alert).not.toContainText(KEY);
    await expect(form.getByTestId('endpoint-test')).toHaveText('');
    expect(await page.locator('body').innerText()).not.toContain(KEY);
    expect(authorizations).toHaveLength(2); // a refused key is not retried

    await page.reload();
    await expect(form.getByLabel('API key', { exact: true })).toHaveValue(KEY);
    await expect(form.getByLabel('Base URL', { exact: true })).toHaveValue(baseUrl);
    await expect(form.getByLabel('Model', { exact: true })).toHaveValue('test-model');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('an edited prompt is checked, saved with a new version, and kept across reload', async ({ page }) => {
  await openSettings(page);
  const editor = page.getByTestId('prompts-editor');
  await editor.locator('summary').click();
  await expect(editor.locator('summary')).toHaveText('Prompts (defaults)');
  const caption = editor.getByTestId('prompt-caption');
  await expect(caption.locator('legend')).toContainText('caption@1');

  const user = caption.getByLabel('User', { exact: true });
  const original = await user.inputValue();
  await user.fill(`${original} Mention the {weather}.`);
  await expect(editor.getByTestId('prompt-caption-problems')).toContainText('{weather} is not filled for the caption prompt');
  const save = editor.getByRole('button', { name: 'Save prompts' });
  await expect(save).toBeDisabled();

  await user.fill(`${original} Mention the lighting.`);
  await expect(editor.getByTestId('prompt-caption-problems')).toHaveCount(0);
  await save.click();
  await expect(caption.locator('legend')).toContainText('caption@2');
  await expect(editor.getByTestId('prompt-answer').locator('legend')).toContainText('answer@1');
  await expect(editor.locator('summary')).toHaveText('Prompts (1 edited)');

  await page.reload();
  await editor.locator('summary').click();
  await expect(caption.locator('legend')).toContainText('caption@2');
  await expect(caption.getByLabel('User', { exact: true })).toHaveValue(`${original} Mention the lighting.`);

  // Back to the defaults: a text change again, so the version moves on (never reused).
  await editor.getByRole('button', { name: 'Reset to defaults' }).click();
  await save.click();
  await expect(caption.locator('legend')).toContainText('caption@3');
  await expect(editor.locator('summary')).toHaveText('Prompts (defaults)');
});
