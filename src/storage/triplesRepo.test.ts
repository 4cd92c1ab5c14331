import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { exampleTriple } from '../core/triples/fixtures';
import { openStudioDb } from './db';
import { deleteTriplesOfVideos, listTriples, putTriples } from './triplesRepo';

describe('triplesRepo', () => {
  it('deletes the triples citing some videos, of one stage or both', async () => {
    const db = await openStudioDb('triples-test-1');
    // Stage 1 cites world-v001…003, Stage 2 world-v010.
    const triples = [exampleTriple({ id: 'a' }), exampleTriple({ id: 'b', stage: 2 }), exampleTriple({ id: 'c', stage: 2, question: 'What comes last?' })];
    await putTriples(db, triples);
    expect(await deleteTriplesOfVideos(db, new Set(['world-v010.webm', 'world-v002.webm']), 2)).toBe(2);
    expect((await listTriples(db)).map((t) => t.id)).toEqual(['a']);
    expect(await deleteTriplesOfVideos(db, new Set(['world-v010.webm']))).toBe(0);
    expect(await deleteTriplesOfVideos(db, new Set(['world-v002.webm']))).toBe(1);
    expect(await listTriples(db)).toEqual([]);
    db.close();
  });
});
