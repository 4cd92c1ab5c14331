// Region tokens in the browser (issue #13): choosing "five region tokens per clip" above the
// Reproduce button sets the import pipeline's embedder; the study then embeds the demo with it,
// trains every stage on 5 visual tokens per clip, and evaluates on a held-out world embedded the
// same way — as `longvpo reproduce --features regions` does in Node.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

/** Each video's scene spans ("start-end" s), the spans each Stage 2 triple cites, and `stage2Recut`, read from IndexedDB. */
function scenesAndStage2(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ scenes: Record<string, string[]>; stage2: { video: string; spans: string[] }[]; recut: string[] }>((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['videos', 'clips', 'triples', 'settings'], 'readonly');
          const videos = tx.objectStore('videos').getAll();
          const clips = tx.objectStore('clips').getAll();
          const triples = tx.objectStore('triples').getAll();
          const recut = tx.objectStore('settings').get('stage2Recut');
          tx.oncomplete = () => {
            const span = (a: number, b: number) => `${a.toFixed(2)}-${b.toFixed(2)}`;
            const names = new Map((videos.result as { id: string; name: string }[]).map((v) => [v.id, v.name]));
            const scenes: Record<string, string[]> = {};
            for (const c of clips.result as { videoId: string; kind: string; startS: number; endS: number }[])
              if (c.kind === 'scene') (scenes[names.get(c.videoId) ?? c.videoId] ??= []).push(span(c.startS, c.endS));
            for (const list of Object.values(scenes)) list.sort();
            const stage2 = (triples.result as { stage: number; body: { clips: { video_name: string; start_s: number; end_s: number }[] } }[])
              .filter((t) => t.stage === 2)
              .map((t) => ({ video: t.body.clips[0]!.video_name, spans: t.body.clips.map((c) => span(c.start_s, c.end_s)) }));
            resolve({ scenes, stage2, recut: ((recut.result as { value?: string[] } | undefined)?.value ?? []) });
          };
        };
      }),
  );
}

const REGIONS_ID = 'nsfwjs-4.4.0/mobilenet_v2_mid/feature_vector+regions5+rgb-hist-4';

test('the study with region tokens: 5 tokens per clip from import to evaluation', async ({ page }) => {
  test.setTimeout(900_000);
  await page.goto('/#/evaluate');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await page.getByLabel('Visual tokens').selectOption('regions');
  // The choice is the Library's import setting, stored.
  await page.getByRole('link', { name: 'Library', exact: true }).click();
  await expect(page.getByTestId('pipeline-settings')).toContainText('region tokens (5 per clip)');
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();
  await expect(page.getByLabel('Visual tokens')).toHaveValue('regions');
  // Two lengths instead of four: five tokens per clip make long composites slow to score, and the
  // lengths are not what this test is about (e2e/reproduce.spec.ts runs the default ones).
  await page.getByLabel('Lengths').fill('1,4');
  await page.getByRole('button', { name: 'Reproduce LongVPO' }).click();
  await expect(page.getByTestId('reproduce-hidden-stage2')).toHaveAttribute('data-state', 'done', { timeout: 840_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Every clip was embedded as 5 tokens of 1792 + 64, and every run reads 5 tokens per clip.
  const stored = await page.evaluate(
    () =>
      new Promise<{ clipModels: string[]; dims: number[]; visualTokens: (number | undefined)[] }>((resolve, reject) => {
        const open = indexedDB.open('longvpo-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['clips', 'runs'], 'readonly');
          const clips = tx.objectStore('clips').getAll();
          const runs = tx.objectStore('runs').getAll();
          tx.oncomplete = () => {
            const cs = clips.result as { modelId: string; embedding: Float32Array }[];
            const rs = runs.result as { model: { visualTokens?: number } }[];
            resolve({ clipModels: [...new Set(cs.map((c) => c.modelId))], dims: [...new Set(cs.map((c) => c.embedding.length))], visualTokens: rs.map((r) => r.model.visualTokens) });
          };
        };
      }),
  );
  expect(stored.clipModels).toEqual([REGIONS_ID]);
  expect(stored.dims).toEqual([5 * (1792 + 64)]);
  expect(stored.visualTokens).toEqual([5, 5, 5]);

  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const evaluations = JSON.parse(readFileSync((await json.path()) as string, 'utf8')) as { embedder: string; summed: { byLength: Record<string, { n: number }> } }[];
  expect(evaluations).toHaveLength(3);
  for (const e of evaluations) {
    expect(e.embedder).toBe(REGIONS_ID);
    expect(e.summed.byLength['1']!.n).toBeGreaterThan(0);
  }

  // Back to one token: Cancel stops the demo's re-embedding in the middle of a video (its frames so
  // far kept, the row "interrupted"), and Reproduce picks it up again.
  await page.getByLabel('Visual tokens').selectOption('default');
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await page.getByRole('link', { name: 'Library', exact: true }).click();
  const longRow = page.getByRole('row').filter({ hasText: 'long-001' });
  await expect(longRow.getByTestId('video-frames')).toHaveText(/sampling ([1-9]|[1-3]\d)\//, { timeout: 120_000 });
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Reproduce LongVPO', exact: true })).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByTestId('reproduce-demo')).not.toHaveAttribute('data-state', 'done');
  await page.getByRole('link', { name: 'Library', exact: true }).click();
  await expect(longRow.getByTestId('video-frames')).toContainText('interrupted');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();
  const before = await scenesAndStage2(page);
  expect(before.stage2.length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Reproduce LongVPO', exact: true }).click();
  await expect(page.getByTestId('reproduce-demo')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  // A re-embedded video whose scenes came out otherwise lost its Stage 2 triples ("Scene #k" may
  // name another span), and the Stage 2 step wrote them anew; with the same scenes they are kept.
  // Either way every Stage 2 triple cites the scenes now stored. Stage 1's clips stay.
  await expect(page.getByTestId('reproduce-stage2-data')).toHaveAttribute('data-state', /^(done|kept)$/, { timeout: 120_000 });
  const after = await scenesAndStage2(page);
  const recutVideos = [...new Set(before.stage2.map((t) => t.video))].filter((v) => JSON.stringify(before.scenes[v]) !== JSON.stringify(after.scenes[v]));
  await expect(page.getByTestId('reproduce-stage2-data')).toHaveAttribute('data-state', recutVideos.length > 0 ? 'done' : 'kept');
  expect(after.recut).toEqual([]);
  expect(after.stage2.length).toBeGreaterThan(0);
  for (const t of after.stage2) for (const s of t.spans) expect(after.scenes[t.video], `${t.video} ${s}`).toContain(s);
  await expect(page.getByTestId('reproduce-stage1-data')).toHaveAttribute('data-state', 'kept');
  // (Cancelled while SFT trains: that pause is reported as a notice, as always.)
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Reproduce LongVPO', exact: true })).toBeEnabled({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Library', exact: true }).click();
  await expect(page.getByTestId('video-frames').filter({ hasText: 'interrupted' })).toHaveCount(0);
  await expect(page.getByTestId('video-embeddings').filter({ hasText: '× 1792' })).toHaveCount(9);
});
