import { describe, expect, it } from 'vitest';
import { toUserMessage } from '../errors';
import { parseAnnotations } from './annotationsFile';
import { annotationCounts, annotationSetFormat, importCaveats, importFailure, issueList } from './importReport';

const studio = [
  '{"video": "talk.mp4", "start_s": 0, "end_s": 8, "caption": "A red ball.", "qa": [{"question": "What colour?", "answer": "Red."}, {"question": "Which way?", "answer": "Left."}]}',
  '{"video": "talk.mp4", "start_s": 8, "end_s": 16, "caption": "A blue cube."}',
  '{"video": "talk.mp4", "cross_scene": [{"question": "q", "answer": "a", "reasoning": "Scene #1 then Scene #2.", "cited_scenes": [0, 1]}]}',
].join('\n');

const llava = JSON.stringify([
  { id: 'a', video: 'x/a.mp4', conversations: [{ from: 'human', value: '<image>\nDescribe this video.' }, { from: 'gpt', value: 'A kitchen.' }] },
  { id: 'b', video: 'x/b.mp4', conversations: [{ from: 'human', value: 'What is red?' }, { from: 'gpt', value: 'The ball.' }] },
]);

function parsed(text: string) {
  const r = parseAnnotations(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}

describe('import report', () => {
  it('counts records, captions, QA pairs and cross-scene queries', () => {
    expect(annotationCounts(parsed(studio).annotations)).toEqual({ records: 3, captions: 2, qa: 2, crossScene: 1 });
    expect(annotationCounts(parsed(llava).annotations)).toEqual({ records: 2, captions: 1, qa: 1, crossScene: 0 });
  });

  it('names the format most records have', () => {
    expect(annotationSetFormat(parsed(studio).annotations)).toBe('annotations-jsonl');
    expect(annotationSetFormat(parsed(llava).annotations)).toBe('llava-video');
  });

  it('one alert names the file, says nothing was stored and lists the bad lines of a real parse', () => {
    const bad = parseAnnotations('{"video": "a.mp4", "caption": "ok"}\n{"video": \n{"caption": "no video"}\n');
    if (bad.ok) throw new Error('expected errors');
    const message = toUserMessage('Annotations not imported', importFailure('bad.jsonl', bad.errors, bad.moreErrors));
    expect(message.message).toMatch(/^bad\.jsonl was not imported \(2 problems; nothing from it was stored\): line 2: Not valid JSON/);
    expect(message.message).toContain('line 3: "video" is missing');
    expect(message.message).not.toContain('line 1');
    expect(message.hint).toContain('docs/annotations.md');
  });

  it('lists at most ten issues and counts the rest, including those the parser did not keep', () => {
    const issues = Array.from({ length: 12 }, (_, i) => ({ line: i + 1, message: `bad ${i + 1}` }));
    const text = issueList(issues, 5);
    expect(text.match(/line \d+:/g)).toHaveLength(10);
    expect(text).toContain('line 10: bad 10');
    expect(text).not.toContain('line 11');
    expect(text.endsWith('; and 7 more')).toBe(true);
    expect(importFailure('f.jsonl', issues, 5).message).toContain('(17 problems;');
    expect(issueList(issues.slice(0, 1))).toBe('line 1: bad 1');
  });

  it('turns warnings into one caveat notice, and none without warnings', () => {
    const ok = parsed('{"video": "a.mp4", "caption": "x", "colour": "red"}');
    const notice = importCaveats('a.jsonl', ok.warnings);
    expect(notice?.title).toBe('a.jsonl imported with 1 warning');
    expect(notice?.message).toContain('line 1: Field "colour" is not used');
    expect(importCaveats('b.jsonl', [])).toBeNull();
  });
});
