import { describe, expect, it } from 'vitest';
import { studioJsonl, trlRow } from '../triples/exports';
import { exampleTriple } from '../triples/fixtures';
import { tripleIssues } from '../triples/validate';
import { applyReview, decide, EMPTY_HISTORY, historyEvent, historyFromAudit, record, redo, reviewedForExport, undo, type AuditEvent, type Review, type ReviewHistory, ReviewActionError } from './decisions';

const t1 = exampleTriple();

describe('decide', () => {
  it('accept, reject and flag give the status, reviewer and time, with the review before in the event', () => {
    const a = decide(t1, null, { kind: 'accept' }, 'ana', 10);
    expect(a.after).toEqual({ tripleId: t1.id, status: 'accepted', reviewer: 'ana', at: 10 });
    expect(a.event).toMatchObject({ action: 'accept', actor: 'ana', tripleId: t1.id, before: null, after: a.after });
    const f = decide(t1, a.after, { kind: 'flag', reason: 'chosen_wrong', note: 'the ball is blue' }, 'ana', 11);
    expect(f.after?.flag).toEqual({ reason: 'chosen_wrong', note: 'the ball is blue' });
    expect(f.event.before).toEqual(a.after);
    expect(decide(t1, f.after, { kind: 'clear' }, 'ana', 12).after).toBeNull();
  });

  it('an edit keeps the original text of exactly the fields it changes', () => {
    const { after } = decide(t1, null, { kind: 'edit', edit: { chosen: 'The ball is blue.', question: t1.question } }, 'bo', 5);
    expect(after?.status).toBe('edited');
    expect(after?.edit).toEqual({ chosen: 'The ball is blue.' });
    expect(after?.original).toEqual({ chosen: 'The ball is red.' });
  });

  it('refuses an edit that changes nothing, empties a field, or makes chosen equal rejected', () => {
    expect(() => decide(t1, null, { kind: 'edit', edit: { chosen: t1.chosen } }, 'bo', 5)).toThrow(/changes nothing/);
    expect(() => decide(t1, null, { kind: 'edit', edit: { question: '  ' } }, 'bo', 5)).toThrow(ReviewActionError);
    expect(() => decide(t1, null, { kind: 'edit', edit: { chosen: t1.rejected } }, 'bo', 5)).toThrow(/must differ/);
    expect(() => decide(t1, null, { kind: 'edit', edit: { anchor_index: 3 } }, 'bo', 5)).toThrow(/from 1 to 3/);
    expect(() => decide(exampleTriple({ stage: 2 }), null, { kind: 'edit', edit: { anchor_index: 0 } }, 'bo', 5)).toThrow(/Only Stage 1/);
  });
});

describe('applyReview and exports', () => {
  it('applies edits: text, prompt rebuilt, anchor roles moved; the result still validates', () => {
    const { after } = decide(t1, null, { kind: 'edit', edit: { question: 'Which way does the ball roll?', anchor_index: 2 } }, 'ana', 1);
    const edited = applyReview(t1, after);
    expect(edited.question).toBe('Which way does the ball roll?');
    expect(edited.prompt[0]?.content[1]).toEqual({ type: 'text', text: 'Which way does the ball roll?' });
    expect(edited.clips.map((c) => c.role)).toEqual(['distractor', 'distractor', 'anchor']);
    expect(edited.anchor_index).toBe(2);
    expect(tripleIssues(edited)).toEqual([]);
    expect(t1.question).toBe('What colour is the ball that rolls left?'); // the stored triple is untouched
  });

  it('exports only accepted and edited triples by default, edited as edited; "all" keeps every triple', () => {
    const ts = [exampleTriple({ id: 'a' }), exampleTriple({ id: 'b' }), exampleTriple({ id: 'c' }), exampleTriple({ id: 'd' }), exampleTriple({ id: 'e' })];
    const reviews = new Map<string, Review>([
      ['a', { tripleId: 'a', status: 'accepted', reviewer: 'r', at: 1 }],
      ['b', { tripleId: 'b', status: 'rejected', reviewer: 'r', at: 1 }],
      ['c', { tripleId: 'c', status: 'edited', reviewer: 'r', at: 1, edit: { chosen: 'Red, rolling left.' }, original: { chosen: 'The ball is red.' } }],
      ['d', { tripleId: 'd', status: 'flagged', reviewer: 'r', at: 1, flag: { reason: 'other', note: '' } }],
    ]);
    const out = reviewedForExport(ts, reviews);
    expect(out.map((t) => t.id)).toEqual(['a', 'c']);
    expect(trlRow(out[1]!).chosen[0]?.content[0]).toEqual({ type: 'text', text: 'Red, rolling left.' });
    expect(studioJsonl([out[1]!])).not.toContain('The ball is red.');
    expect(reviewedForExport(ts, reviews, 'all').map((t) => t.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('undo / redo', () => {
  it('undoes the last step, redoes it, and a new action drops the redo future', () => {
    const s1 = { tripleId: 'a', before: null, after: { tripleId: 'a', status: 'accepted', reviewer: 'r', at: 1 } as Review };
    const s2 = { tripleId: 'b', before: null, after: { tripleId: 'b', status: 'rejected', reviewer: 'r', at: 2 } as Review };
    let h = record(record(EMPTY_HISTORY, s1), s2);
    const u = undo(h)!;
    expect(u.step).toBe(s2);
    h = u.history;
    expect(h.past).toEqual([s1]);
    const r = redo(h)!;
    expect(r.step).toBe(s2);
    expect(r.history.past).toEqual([s1, s2]);
    h = record(h, { tripleId: 'c', before: null, after: null });
    expect(h.future).toEqual([]);
    expect(redo(h)).toBeNull();
    expect(undo(EMPTY_HISTORY)).toBeNull();
  });

  it('rebuilds the history a reviewer had from the audit log (undo survives a reload)', () => {
    // A session by ana, with bo's and an import's events in between: the history as the page kept it…
    const [ta, tb, tc] = ['a', 'b', 'c'].map((id) => exampleTriple({ id }));
    const log: AuditEvent[] = [];
    const current = new Map<string, Review | null>();
    let live: ReviewHistory = EMPTY_HISTORY;
    let at = 0;
    const act = (actor: string, triple: typeof ta, kind: 'accept' | 'reject' | 'clear') => {
      const { after, event } = decide(triple!, current.get(triple!.id) ?? null, { kind }, actor, ++at);
      if (actor === 'ana') live = record(live, { tripleId: triple!.id, before: current.get(triple!.id) ?? null, after });
      current.set(triple!.id, after);
      log.push(event);
    };
    const move = (kind: 'undo' | 'redo') => {
      const moved = kind === 'undo' ? undo(live) : redo(live);
      if (!moved) return;
      const target = kind === 'undo' ? moved.step.before : moved.step.after;
      log.push(historyEvent(kind, moved.step.tripleId, current.get(moved.step.tripleId) ?? null, target, 'ana', ++at));
      current.set(moved.step.tripleId, target);
      live = moved.history;
    };
    act('ana', ta, 'accept');
    act('ana', tb, 'reject');
    act('bo', tc, 'accept');
    move('undo');
    move('undo');
    move('redo');
    log.push({ at: ++at, actor: 'ana', action: 'import', tripleId: 'c', before: null, after: { tripleId: 'c', status: 'rejected', reviewer: 'bo', at } });
    act('ana', tc, 'clear');
    move('undo');
    // …is what the log gives back for ana; bo made no undoable step of ana's.
    expect(historyFromAudit(log, 'ana')).toEqual(live);
    expect(live.past.map((s) => s.tripleId)).toEqual(['a']);
    expect(live.future.map((s) => s.tripleId)).toEqual(['c']); // the clear dropped b's redo
    expect(historyFromAudit(log, 'bo')).toEqual({ past: [{ tripleId: 'c', before: null, after: log[2]!.after }], future: [] });
    expect(historyFromAudit([], 'ana')).toEqual(EMPTY_HISTORY);
  });
});
