// Review (issue #11) in Chromium on the real pipeline: the small demo world is imported and six
// Stage 1 triples synthesized; then the triples are reviewed by keyboard only (accept, reject,
// edit, flag, undo, redo), the page is reloaded, and the decisions, the audit log in IndexedDB,
// undo and redo after the reload, and the exports (accepted and edited only, edits applied) are
// checked. A second reviewer's file gives the kappa computed here in Node, a conflict is settled
// (and logged), a bad review file stores nothing, and the filter lives in the URL. Each distractor
// shows its similarity to the anchor, and a lasso on the embedding map (PCA in the worker) filters
// the queue.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { importSmallDemo, lassoLeftHalf, storeRecords, synthesizeStage1 } from './studio';
import { cohenKappa, verdictOf } from '../src/core/review/agreement';
import { parseReviewFile, type ReviewLine } from '../src/core/review/reviewFile';
import { TRL_KEYS } from '../src/core/triples/exports';
import { parseTriples } from '../src/core/triples/import';
import type { Triple } from '../src/core/triples/types';

const dir = mkdtempSync(join(tmpdir(), 'longvpo-review-'));

async function download(page: Page, button: RegExp): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return readFileSync(path, 'utf8');
}

interface StoredEvent {
  seq: number;
  action: string;
  actor: string;
  tripleId: string;
  before: { status: string } | null;
  after: { status: string; original?: Record<string, unknown>; edit?: Record<string, unknown> } | null;
}

const auditEvents = (page: Page): Promise<StoredEvent[]> => storeRecords<StoredEvent>(page, 'auditEvents');

const status = (page: Page) => page.getByTestId('review-status');

test('review the demo triples by keyboard; decisions, audit log and exports survive a reload; two reviewers agree as computed', async ({ page }) => {
  test.setTimeout(480_000);
  await importSmallDemo(page);
  await synthesizeStage1(page, 6);
  const stored = parseTriples(await download(page, /Export Studio JSONL/));
  if (!stored.ok) throw new Error('studio export did not parse');
  const byId = new Map(stored.triples.map((t) => [t.id, t]));

  // Key 3 opens Review. A decision without a reviewer name is refused with a clear message.
  await page.keyboard.press('3');
  await expect(page.getByRole('heading', { name: 'Review', level: 1 })).toBeVisible();
  await expect(page.getByTestId('queue-count')).toHaveText('6 of 6 triples shown · 0 reviewed');
  await page.keyboard.press('a');
  await expect(page.getByRole('alert')).toContainText('No reviewer name is set');
  await page.getByRole('alert').getByRole('button', { name: /Dismiss/i }).click();
  await page.getByLabel('Reviewer', { exact: true }).fill('ana');
  await page.getByLabel('Reviewer', { exact: true }).blur();

  const ids: string[] = [];
  const openId = async () => (await page.getByTestId('review-triple').getAttribute('data-triple-id')) ?? '';
  // 1: accept.
  ids.push(await openId());
  await page.keyboard.press('a');
  await expect(status(page)).toHaveAttribute('data-status', 'accepted');
  // 2: reject.
  await page.keyboard.press('j');
  await expect.poll(openId).not.toBe(ids[0]);
  ids.push(await openId());
  await page.keyboard.press('r');
  await expect(status(page)).toHaveAttribute('data-status', 'rejected');
  // 3: edit the chosen answer (markup in it must show as text).
  await page.keyboard.press('j');
  await expect.poll(openId).not.toBe(ids[1]);
  ids.push(await openId());
  const original = byId.get(ids[2]!)!;
  await page.keyboard.press('e');
  await expect(page.getByRole('form', { name: 'Edit the triple' })).toBeVisible();
  await page.keyboard.press('Tab'); // question → chosen
  await page.keyboard.press('Control+A');
  await page.keyboard.type('It is <b>blue</b>, reviewed.');
  await page.keyboard.press('Control+Enter');
  await expect(status(page)).toHaveAttribute('data-status', 'edited');
  await expect(page.getByRole('form', { name: 'Edit the triple' })).toHaveCount(0);
  await expect(page.getByTestId('review-chosen')).toContainText('It is <b>blue</b>, reviewed.');
  await expect(page.getByTestId('review-chosen').locator('b')).toHaveCount(0);
  // 4: flag with a reason and a note.
  await page.keyboard.press('j');
  await expect.poll(openId).not.toBe(ids[2]);
  ids.push(await openId());
  await page.keyboard.press('f');
  await expect(page.getByRole('form', { name: 'Flag the triple' })).toBeVisible();
  await page.keyboard.press('ArrowDown'); // ambiguous question → chosen is wrong
  await page.keyboard.press('Tab');
  await page.keyboard.type('two balls roll left');
  await page.keyboard.press('Enter');
  await expect(status(page)).toHaveAttribute('data-status', 'flagged');
  await expect(page.getByRole('form', { name: 'Flag the triple' })).toHaveCount(0);
  await expect(status(page)).toContainText('Chosen is wrong — two balls roll left');
  // 5: n jumps to the next unreviewed; accept, undo, redo, undo: unreviewed again.
  await page.keyboard.press('n');
  await expect.poll(openId).not.toBe(ids[3]);
  await page.keyboard.press('a');
  await expect(status(page)).toHaveAttribute('data-status', 'accepted');
  await page.keyboard.press('u');
  await expect(status(page)).toHaveAttribute('data-status', 'unreviewed');
  await page.keyboard.press('Shift+U');
  await expect(status(page)).toHaveAttribute('data-status', 'accepted');
  await page.keyboard.press('u');
  await expect(status(page)).toHaveAttribute('data-status', 'unreviewed');
  // Help overlay.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Review shortcuts' })).toContainText('Next unreviewed triple');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Reload: the decisions and the log persist.
  await page.reload();
  await expect(page.getByTestId('queue-count')).toHaveText('6 of 6 triples shown · 4 reviewed', { timeout: 30_000 });
  await expect(page.getByTestId('audit-count')).toHaveText('8 actions in the audit log');
  const events = await auditEvents(page);
  expect(events.map((e) => e.action)).toEqual(['accept', 'reject', 'edit', 'flag', 'accept', 'undo', 'redo', 'undo']);
  expect(events.every((e) => e.actor === 'ana')).toBe(true);
  const edit = events[2]!;
  expect(edit.tripleId).toBe(ids[2]);
  expect(edit.after?.original).toEqual({ chosen: original.chosen });
  expect(edit.after?.edit).toEqual({ chosen: 'It is <b>blue</b>, reviewed.' });
  expect(events[5]).toMatchObject({ before: { status: 'accepted' }, after: null });
  // Undo/redo survive the reload (the history is rebuilt from ana's audit events): the last undo is
  // redone, then undone again; the first undo reaches back to the flag of triple 4.
  await page.keyboard.press('Shift+U');
  await expect.poll(openId).toBe(events[4]!.tripleId);
  await expect(status(page)).toHaveAttribute('data-status', 'accepted');
  await page.keyboard.press('u');
  await expect(status(page)).toHaveAttribute('data-status', 'unreviewed');
  await page.keyboard.press('u');
  await expect.poll(openId).toBe(ids[3]);
  await expect(status(page)).toHaveAttribute('data-status', 'unreviewed');
  await page.keyboard.press('Shift+U');
  await expect(status(page)).toHaveAttribute('data-status', 'flagged');
  await expect(page.getByTestId('audit-count')).toHaveText('12 actions in the audit log');

  // The filter is in the URL: a shared link opens the same view.
  await page.goto('/#/review?status=flagged');
  await expect(page.getByTestId('queue-count')).toHaveText('1 of 6 triples shown · 4 reviewed', { timeout: 30_000 });
  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('flagged');
  await page.getByLabel('Status', { exact: true }).selectOption('');
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/review');

  // Exports follow review: the accepted and the edited triple only, edited as edited.
  const trl = (await download(page, /Export TRL conversational/)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(trl.map((r) => r.id).sort()).toEqual([ids[0], ids[2]].sort());
  for (const row of trl) expect(Object.keys(row).filter((k) => !k.startsWith('ref_'))).toEqual([...TRL_KEYS]);
  const editedRow = trl.find((r) => r.id === ids[2]) as { chosen: { content: { text: string }[] }[] };
  expect(editedRow.chosen[0]!.content[0]!.text).toBe('It is <b>blue</b>, reviewed.');
  const longvpo = (await download(page, /Export LongVPO release columns/)).trim().split('\n').map((l) => JSON.parse(l) as { chosen: string; question: string });
  expect(longvpo.map((r) => r.chosen).sort()).toEqual([byId.get(ids[0]!)!.chosen, 'It is <b>blue</b>, reviewed.'].sort());
  const studio = parseTriples(await download(page, /Export Studio JSONL/));
  expect(studio.ok && studio.triples.map((t: Triple) => t.id).sort()).toEqual([ids[0], ids[2]].sort());

  // Two reviewers: ana's file, and bo's with the rejected one accepted and the flagged one rejected.
  const mine = await download(page, /Export my review file/);
  const parsedMine = parseReviewFile(mine, (id) => byId.get(id));
  expect(parsedMine.ok && parsedMine.reviews.length).toBe(4);
  const lines = mine.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const bo = lines.map((l, i): Record<string, unknown> => {
    if (i === 0) return { ...l, reviewer: 'bo' };
    const r = { ...(l as unknown as ReviewLine), reviewer: 'bo' } as Record<string, unknown>;
    if (r.triple_id === ids[1]) r.status = 'accepted';
    if (r.triple_id === ids[3]) {
      r.status = 'rejected';
      delete r.flag;
    }
    return r;
  });
  const boPath = join(dir, 'longvpo-reviews.bo.jsonl');
  writeFileSync(boPath, bo.map((x) => JSON.stringify(x)).join('\n') + '\n');
  const parsedBo = parseReviewFile(readFileSync(boPath, 'utf8'), (id) => byId.get(id));
  if (!parsedMine.ok || !parsedBo.ok) throw new Error('review files did not parse');
  const boById = new Map(parsedBo.reviews.map((r) => [r.tripleId, r]));
  const expected = cohenKappa(parsedMine.reviews.map((r) => [verdictOf(r), verdictOf(boById.get(r.tripleId)!)] as const));
  expect(expected.n).toBe(4);
  await page.getByLabel('Compare with a review file').setInputFiles(boPath);
  await expect(page.getByTestId('kappa-overall')).toContainText(`κ = ${expected.kappa!.toFixed(3)} over 4 triples both reviewed (2 agree`);
  await expect(page.getByTestId('conflict')).toHaveCount(2);
  await page.getByTestId('conflict').first().getByRole('button', { name: "Take bo's" }).click();
  await expect(page.getByTestId('conflict')).toHaveCount(1);
  const settled = (await auditEvents(page)).at(-1)!;
  expect(settled.action).toBe('settle');
  expect(settled.actor).toBe('ana');

  // Each distractor's similarity to the anchor (computed in the worker); the largest is the triple's filter value.
  await page.getByTestId('queue-row').first().click();
  const openTriple = byId.get(await openId())!;
  const sims = page.getByTestId('distractor-similarity');
  await expect(sims).toHaveCount(openTriple.clips.length - 1);
  const shown = (await sims.allTextContents()).map((t) => Number(t.replace('cos ', '')));
  expect(Math.abs(Math.max(...shown) - openTriple.filters.max_distractor_similarity!)).toBeLessThanOrEqual(0.006);

  // The embedding map: a lasso over its left half filters the queue to the triples anchored there.
  await page.getByRole('button', { name: 'Compute map (PCA)' }).click();
  await expect(page.getByTestId('map-summary')).toContainText(/\d+ clips of .*PCA axes explain/);
  const selected = await lassoLeftHalf(page);
  expect(selected.size).toBeGreaterThan(0);
  const anchored = stored.triples.filter((t) => selected.has(t.clips[t.anchor_index!]!.id)).length;
  await expect(page.getByTestId('queue-count')).toHaveText(`${anchored} of 6 triples shown · 4 reviewed`);
  await page.getByRole('button', { name: /Clear map selection/ }).click();
  await expect(page.getByTestId('queue-count')).toHaveText('6 of 6 triples shown · 4 reviewed');

  // A review file naming an unknown triple is refused with its line, and nothing is stored.
  const before = (await auditEvents(page)).length;
  const badPath = join(dir, 'bad-reviews.jsonl');
  writeFileSync(badPath, [JSON.stringify(bo[0]), JSON.stringify({ ...bo[1], triple_id: 'no-such-triple' })].join('\n') + '\n');
  await page.getByLabel('Adopt a review file').setInputFiles(badPath);
  await expect(page.getByRole('alert')).toContainText('line 2: triple_id "no-such-triple" is not a stored triple');
  expect((await auditEvents(page)).length).toBe(before);
});
