import { describe, expect, it } from 'vitest';
import { exampleTriple } from '../triples/fixtures';
import type { Review } from './decisions';
import { facets, filterFromQuery, filterQueue, filterToQuery, hashQuery, nextUnreviewed, type QueueFilter, type QueueItem } from './queue';

const items: QueueItem[] = [
  { triple: exampleTriple({ id: 'a', chosen: 'The ball is red.', filters: { max_distractor_similarity: 0.2 } }), review: undefined, order: 0 },
  { triple: exampleTriple({ id: 'b', task_type: 'detail', filters: { max_distractor_similarity: 0.55 } }), review: { tripleId: 'b', status: 'accepted', reviewer: 'r', at: 5 }, order: 1 },
  { triple: exampleTriple({ stage: 2, id: 'c' }), review: { tripleId: 'c', status: 'edited', reviewer: 'r', at: 9, edit: { chosen: 'A purple pyramid.' } }, order: 2 },
  { triple: exampleTriple({ id: 'd', filters: { max_distractor_similarity: 0.4 } }), review: undefined, order: 3 },
];
const ids = (f: QueueFilter) => filterQueue(items, f).map((i) => i.triple.id);

describe('filterQueue', () => {
  it('filters by stage, task type, status, strategy, generator, video and similarity', () => {
    expect(ids({ stage: 2 })).toEqual(['c']);
    expect(ids({ taskType: 'detail' })).toEqual(['b']);
    expect(ids({ status: 'unreviewed' })).toEqual(['a', 'd']);
    expect(ids({ status: 'edited' })).toEqual(['c']);
    expect(ids({ strategy: 'partial_evidence' })).toEqual(['c']);
    expect(ids({ generator: 'endpoint' })).toEqual([]);
    expect(ids({ video: 'world-v010.webm' })).toEqual(['c']);
    expect(ids({ minSimilarity: 0.4 })).toEqual(['b', 'd']);
    expect(ids({ stage: 1, status: 'unreviewed', minSimilarity: 0.3 })).toEqual(['d']);
    // The map's selection: Stage 1 by anchor clip, Stage 2 by cited scenes (0 and 2 of the fixture).
    expect(ids({ keyClips: new Set(['world-v002:8-16']) })).toEqual(['a', 'b', 'd']);
    expect(ids({ keyClips: new Set(['world-v001:0-8']) })).toEqual([]); // a distractor, not an anchor
    expect(ids({ keyClips: new Set(['world-v010:16-24']) })).toEqual(['c']);
    expect(ids({ keyClips: new Set(['world-v010:8-16']) })).toEqual([]); // an uncited scene
  });

  it('searches question, chosen and rejected (and edited text), all words, any case', () => {
    expect(ids({ text: 'ROLLS left' })).toEqual(['a', 'b', 'd']);
    expect(ids({ text: 'red BALL' })).toEqual(['a', 'b', 'c', 'd']);
    expect(ids({ text: 'purple' })).toEqual(['c']);
    expect(ids({ text: 'rolls purple' })).toEqual([]);
  });

  it('sorts stably', () => {
    expect(ids({ sort: 'similarity_desc' })).toEqual(['b', 'd', 'a', 'c']);
    expect(ids({ sort: 'similarity_asc' })).toEqual(['c', 'a', 'd', 'b']);
    expect(ids({ sort: 'reviewed_desc' })).toEqual(['c', 'b', 'a', 'd']);
  });

  it('finds the next unreviewed item, wrapping', () => {
    expect(nextUnreviewed(items, 0)).toBe(3);
    expect(nextUnreviewed(items, 3)).toBe(0);
    const done = items.map((i) => ({ ...i, review: { tripleId: i.triple.id, status: 'rejected', reviewer: 'r', at: 1 } as Review }));
    expect(nextUnreviewed(done, 0)).toBe(-1);
  });

  it('lists facets', () => {
    expect(facets(items.map((i) => i.triple)).taskTypes).toEqual(['anchored_qa', 'detail', 'temporal_order']);
  });
});

describe('URL form', () => {
  it('round-trips every field and drops defaults and bad values', () => {
    const f: QueueFilter = { stage: 1, taskType: 'detail', status: 'flagged', strategy: 'irrelevance', generator: 'oracle', video: 'a b.webm', minSimilarity: 0.45, text: 'red & blue', sort: 'similarity_desc' };
    expect(filterFromQuery(filterToQuery(f))).toEqual(f);
    expect(filterToQuery({ sort: 'stored' })).toBe('');
    expect(filterFromQuery('stage=3&status=maybe&minsim=x&sort=nope&other=1')).toEqual({});
    expect(hashQuery('#/review?stage=2&q=cube')).toBe('stage=2&q=cube');
    expect(hashQuery('#/review')).toBe('');
  });
});
