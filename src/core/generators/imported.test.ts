import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnnotations, type ImportedAnnotation } from './annotationsFile';
import { ImportedGenerator, normalizeQuestion } from './imported';
import { GeneratorUnavailableError, type ClipRef } from './types';

function clip(videoName: string, startS: number, endS: number, videoId = 'hash-' + videoName): ClipRef {
  return { id: `${videoId}:${startS}-${endS}`, videoId, videoName, startS, endS };
}

function parsed(text: string): ImportedAnnotation[] {
  const r = parseAnnotations(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.annotations;
}

const jsonl = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');

const STUDIO = jsonl(
  { video: 'talk.mp4', start_s: 0, end_s: 8, caption: 'A red ball rolls left.', qa: [{ question: 'What colour is the ball?', answer: 'Red.', family: 'colour' }] },
  { video: 'talk.mp4', start_s: 8, end_s: 16, caption: 'A blue cube spins.', qa: [{ question: 'What colour is the ball?', answer: 'There is no ball; a blue cube.' }] },
  { video: 'talk.mp4', start_s: 16, end_s: 24, caption: 'A green cone.', scene_index: 2 },
  {
    video: 'talk.mp4',
    cross_scene: [
      {
        question: 'What appears after the ball?',
        answer: 'A blue cube.',
        reasoning: 'Scene #1 shows the ball, Scene #2 the cube.',
        cited_scenes: [0, 1],
        task_type: 'temporal_order',
        degraded_answers: [
          { scenes: [0], answer: 'Nothing; the ball rolls away.' },
          { scenes: [2], answer: 'A green cone.' },
        ],
      },
    ],
  },
);

describe('parseAnnotations: studio JSONL', () => {
  it('reads captions, QA with defaults, scene indices and cross-scene queries', () => {
    const r = parseAnnotations(STUDIO);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.annotations).toHaveLength(4);
    expect(r.annotations[0]).toMatchObject({ video: 'talk.mp4', startS: 0, endS: 8, caption: 'A red ball rolls left.', format: 'annotations-jsonl', line: 1 });
    expect(r.annotations[0]?.qa[0]).toEqual({ question: 'What colour is the ball?', answer: 'Red.', family: 'colour', taskType: 'anchored_qa' });
    expect(r.annotations[1]?.qa[0]?.family).toBe('open');
    expect(r.annotations[2]?.sceneIndex).toBe(2);
    expect(r.annotations[3]?.crossScene[0]).toMatchObject({ citedScenes: [0, 1], taskType: 'temporal_order', degradedAnswers: [{ scenes: [0], answer: 'Nothing; the ball rolls away.' }, { scenes: [2], answer: 'A green cone.' }] });
    expect(r.warnings).toEqual([]);
  });

  it('checks degraded_answers: scenes are 0-based indices that leave out a cited scene, and an answer is given', () => {
    const q = { question: 'q', answer: 'a', reasoning: 'Scene #1 then Scene #2.', cited_scenes: [0, 1] };
    const r = parseAnnotations(
      jsonl(
        { video: 'a.mp4', cross_scene: [{ ...q, degraded_answers: [{ scenes: [1, 0], answer: 'x' }, { scenes: [], answer: 'y' }, { scenes: [2] }] }] },
        { video: 'a.mp4', cross_scene: [{ ...q, degraded_answers: 'Scene #1 only' }] },
      ),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { line: 1, message: expect.stringMatching(/^"cross_scene\[0\]\.degraded_answers\[0\]\.scenes" holds every cited scene \(\[0,1\]\): a degraded context must leave out/) },
      { line: 1, message: expect.stringMatching(/^"cross_scene\[0\]\.degraded_answers\[1\]\.scenes" must be a non-empty array/) },
      { line: 1, message: expect.stringMatching(/^"cross_scene\[0\]\.degraded_answers\[2\]\.answer" is missing/) },
      { line: 2, message: expect.stringMatching(/^"cross_scene\[0\]\.degraded_answers" must be an array/) },
    ]);
  });

  it('refuses a cross-scene query whose reasoning cites other scenes than cited_scenes (Stage 2 follows the reasoning)', () => {
    const r = parseAnnotations(jsonl({ video: 'a.mp4', cross_scene: [{ question: 'q', answer: 'a', reasoning: 'Scene #1 and Scene #3.', cited_scenes: [0, 1, 2], degraded_answers: [{ scenes: [0, 2], answer: 'x' }] }] }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([{ line: 1, message: expect.stringMatching(/^"cross_scene\[0\]\.reasoning" cites Scene #1, Scene #3 but "cross_scene\[0\]\.cited_scenes" is \[0,1,2\] \(0-based\): make them name the same scenes/) }]);
  });

  it('warns, naming the lines, about cross-scene queries Stage 2 cannot make a rejected answer for', () => {
    const q = (question: string) => ({ question, answer: 'a', reasoning: 'Scene #1 then Scene #2.', cited_scenes: [0, 1] });
    const r = parseAnnotations(
      jsonl(
        { video: 'a.mp4', start_s: 0, end_s: 8, caption: 'c', qa: [{ question: 'Answered by a scene?', answer: 'b' }] },
        { video: 'a.mp4', cross_scene: [q('answered by a scene'), q('No rejected answer?')] },
        { video: 'b.mp4', cross_scene: [q('Answered by a scene?'), { ...q('Degraded'), degraded_answers: [{ scenes: [0], answer: 'b' }] }] },
      ),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // a.mp4's first query has a scene QA with its question; b.mp4 has no QA for it.
    expect(r.warnings).toEqual([
      { line: 2, message: expect.stringContaining('2 cross-scene queries have no rejected answer, so Stage 2 makes no triple from them (line 2 cross_scene[1], line 3 cross_scene[0])') },
    ]);
    expect(r.warnings[0]?.message).toMatch(/Add "degraded_answers": \[\{"scenes": \[0\], "answer": "…"\}\]/);
  });

  it('collects every error with its line number and names the field and the fix', () => {
    const text = [
      JSON.stringify({ video: 'a.mp4', start_s: 0, end_s: 8, caption: 'ok' }),
      '',
      JSON.stringify({ start_s: 0, end_s: 8, caption: 'no video' }),
      JSON.stringify({ video: 'a.mp4', start_s: 8, end_s: 4, caption: 'backwards' }),
      '{"video": "a.mp4", "caption": "unterminated}',
      JSON.stringify({ video: 'a.mp4', start_s: 1, caption: 'half a span' }),
      JSON.stringify({ video: 'a.mp4', qa: [{ question: 'Q?' }], cross_scene: [{ question: 'q', answer: 'a', reasoning: 'r', cited_scenes: [] }] }),
      JSON.stringify({ video: 'a.mp4' }),
      JSON.stringify({ video: 'a.mp4', caption: 'x', qa: [{ question: 'Q', answer: 'A', task_type: 'trivia' }] }),
    ].join('\n');
    const r = parseAnnotations(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byLine = (n: number) => r.errors.filter((e) => e.line === n).map((e) => e.message);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 7, 8, 9]);
    expect(byLine(3)[0]).toMatch(/"video" is missing/);
    expect(byLine(4)[0]).toMatch(/"end_s" \(4\) must be greater than "start_s" \(8\)/);
    expect(byLine(5)[0]).toMatch(/Not valid JSON/);
    expect(byLine(6)[0]).toMatch(/"end_s" is missing: give both/);
    expect(byLine(7)).toEqual([expect.stringMatching(/"qa\[0\]\.answer" is missing/), expect.stringMatching(/"cross_scene\[0\]\.cited_scenes" must be a non-empty array/)]);
    expect(byLine(8)[0]).toMatch(/nothing to import: add "caption", "qa" or "cross_scene"/);
    expect(byLine(9)[0]).toMatch(/"qa\[0\]\.task_type" must be one of "anchored_qa", "detail"/);
  });

  it('caps the error list and counts the rest', () => {
    const text = Array.from({ length: 150 }, () => '{"caption": "no video"}').join('\n');
    const r = parseAnnotations(text, { maxErrors: 100 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(100);
    expect(r.moreErrors).toBe(50);
    expect(r.errors[99]?.line).toBe(100);
  });

  it('warns once per unknown field, listing its lines, and on duplicate captions', () => {
    const r = parseAnnotations(jsonl({ video: 'a.mp4', caption: 'x', captoin: 'y' }, { video: 'a.mp4', caption: 'z', captoin: 'y' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/Field "captoin" is not used.*lines 1, 2/),
      expect.stringMatching(/second caption for a\.mp4 \(whole video\) \(the first is on line 1\)/),
    ]);
  });

  it('rejects an empty file and explains a pretty-printed multi-object file', () => {
    expect(parseAnnotations('\n\n')).toMatchObject({ ok: false, errors: [{ line: 1, message: expect.stringMatching(/no annotations/) }] });
    const pretty = '{\n  "video": "a.mp4",\n  "caption": "x"\n}\n{\n  "video": "b.mp4",\n  "caption": "y"\n}\n';
    expect(parseAnnotations(pretty)).toMatchObject({ ok: false, errors: [{ line: 1, message: expect.stringMatching(/pretty-printed/) }] });
    // …but a single pretty-printed object is one record.
    expect(parsed('{\n  "video": "a.mp4",\n  "caption": "x"\n}\n')).toHaveLength(1);
  });

  it('accepts a JSON array of studio records and gives element index and line for errors', () => {
    const text = `[\n  {"video": "a.mp4", "caption": "x"},\n  {\n    "video": "a.mp4",\n    "start_s": "zero", "end_s": 8, "caption": "y"\n  }\n]`;
    const r = parseAnnotations(text);
    expect(r).toMatchObject({ ok: false, errors: [{ line: 3, message: expect.stringMatching(/^element 1: "start_s" must be a number/) }] });
  });

  it('reports the line of a JSON syntax error in an array file', () => {
    const r = parseAnnotations('[\n  {"video": "a.mp4", "caption": "x"},\n  {"video": "b.mp4" "caption": "y"}\n]');
    expect(r).toMatchObject({ ok: false, errors: [{ line: 3, message: expect.stringMatching(/Not valid JSON/) }] });
  });
});

describe('parseAnnotations: LLaVA-Video-178K style', () => {
  const LLAVA = JSON.stringify(
    [
      {
        id: 'Q04US',
        video: 'academic_source/Charades/Q04US.mp4',
        data_source: '0_30_s_academic_v0_1',
        conversations: [
          { from: 'human', value: '<image>\nPlease describe this video in detail.' },
          { from: 'gpt', value: 'A person opens a fridge and takes out milk.' },
          { from: 'human', value: 'What does the person take out?' },
          { from: 'gpt', value: 'Milk.' },
        ],
      },
      {
        id: 'v_abc',
        video: 'youtube/v_abc.mp4',
        conversations: [
          { from: 'human', value: '<image>\nWhat colour is the car?\nOptions:\nA. Red\nB. Blue\nAnswer with the option\'s letter from the given choices directly.' },
          { from: 'gpt', value: 'B.' },
        ],
      },
    ],
    null,
    2,
  );

  it('reads the first describe-pair as the caption and the other pairs as QA', () => {
    const [a, b] = parsed(LLAVA);
    expect(a).toMatchObject({ video: 'academic_source/Charades/Q04US.mp4', caption: 'A person opens a fridge and takes out milk.', format: 'llava-video', line: 2 });
    expect(a?.startS).toBeUndefined();
    expect(a?.qa).toEqual([{ question: 'What does the person take out?', answer: 'Milk.', family: 'open_ended', taskType: 'anchored_qa' }]);
    expect(b?.caption).toBeUndefined();
    expect(b?.qa[0]).toMatchObject({ family: 'multiple_choice', answer: 'B.' });
    expect(b?.qa[0]?.question.startsWith('What colour is the car?')).toBe(true);
    expect(b?.line).toBeGreaterThan(2);
  });

  it('checks turn order and values', () => {
    const r = parseAnnotations(JSON.stringify([{ id: 'x', video: 'x.mp4', conversations: [{ from: 'gpt', value: 'hi' }, { from: 'gpt', value: '' }] }]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^element 0: "conversations\[0\]\.from" must be "human"/),
      expect.stringMatching(/^element 0: "conversations\[1\]\.value" must be a non-empty string/),
    ]);
  });

  it('serves the caption for any clip of the video, matched by file name', async () => {
    const gen = new ImportedGenerator(parsed(LLAVA), { sourceName: '0_30_s_academic_v0_1_cap_processed.json' });
    const got = await gen.caption({ clip: clip('Q04US.mp4', 8, 16) });
    expect(got.value).toMatch(/fridge/);
    expect(got.provenance).toEqual({ generator: 'imported', model: '0_30_s_academic_v0_1_cap_processed.json', promptId: 'llava-video', promptVersion: 1 });
  });
});

describe('ImportedGenerator', () => {
  const gen = new ImportedGenerator(parsed(STUDIO), { sourceName: 'notes.jsonl' });

  it('resolves a clip by the largest overlap (not just any overlap)', async () => {
    expect((await gen.caption({ clip: clip('talk.mp4', 6, 14) })).value).toBe('A blue cube spins.'); // 6 s with 8–16 vs 2 s with 0–8
    expect((await gen.caption({ clip: clip('talk.mp4', 0, 8) })).value).toBe('A red ball rolls left.');
    expect(gen.annotationsFor(clip('talk.mp4', 0, 8)).map((a) => a.line)).toEqual([1, 4]); // timed first, then whole-video
    await expect(gen.caption({ clip: clip('talk.mp4', 30, 40) })).rejects.toBeInstanceOf(GeneratorUnavailableError);
    // 1 s overlap with 16–24 is less than half the 8 s clip: no match.
    await expect(gen.caption({ clip: clip('talk.mp4', 23, 31) })).rejects.toThrow(/no caption for talk\.mp4 23–31 s/);
  });

  it('matches by video id, case-insensitive file name, or stem when the record has no extension', async () => {
    const g = new ImportedGenerator(parsed(jsonl({ video: 'abc123', caption: 'by id' }, { video: 'clips/Dance', caption: 'by stem' })), { sourceName: 'f.jsonl' });
    expect((await g.caption({ clip: clip('whatever.webm', 0, 8, 'abc123') })).value).toBe('by id');
    expect((await g.caption({ clip: clip('DANCE.webm', 0, 8) })).value).toBe('by stem');
    expect((await gen.caption({ clip: clip('TALK.MP4', 0, 8) })).value).toBe('A red ball rolls left.');
    await expect(gen.caption({ clip: clip('talk.webm', 0, 8) })).rejects.toBeInstanceOf(GeneratorUnavailableError);
  });

  it('anchoredQA returns the matched clip\'s first QA; a clip without QA is unavailable', async () => {
    const got = await gen.anchoredQA({ clip: clip('talk.mp4', 0, 8) });
    expect(got.value).toEqual({ question: 'What colour is the ball?', answer: 'Red.', family: 'colour', taskType: 'anchored_qa' });
    expect(got.provenance.promptId).toBe('annotations-jsonl');
    await expect(gen.anchoredQA({ clip: clip('talk.mp4', 16, 24) })).rejects.toThrow(/no question and answer/);
  });

  it('answer returns the imported answer of the first given clip that has the question', async () => {
    const q = 'what colour is the ball';
    expect((await gen.answer({ question: q, clips: [clip('talk.mp4', 16, 24), clip('talk.mp4', 8, 16)] })).value).toBe('There is no ball; a blue cube.');
    await expect(gen.answer({ question: 'How many cones?', clips: [clip('talk.mp4', 16, 24)] })).rejects.toBeInstanceOf(GeneratorUnavailableError);
  });

  it('answer in Stage 2: the cross-scene answer from the cited scenes, a degraded answer from exactly its scenes', async () => {
    const scenes = [clip('talk.mp4', 0, 8), clip('talk.mp4', 8, 16), clip('talk.mp4', 16, 24)];
    const ask = (ks: number[], question = 'What appears after the ball?') => gen.answer({ question, clips: ks.map((k) => scenes[k]!), sceneNumbers: ks.map((k) => k + 1) });
    expect((await ask([0, 1])).value).toBe('A blue cube.');
    expect((await ask([0, 1])).provenance).toEqual({ generator: 'imported', model: 'notes.jsonl', promptId: 'annotations-jsonl', promptVersion: 1 });
    expect((await ask([0])).value).toBe('Nothing; the ball rolls away.');
    expect((await ask([2])).value).toBe('A green cone.');
    // Scene #2 alone has no degraded answer in the file: unavailable, and the hint names the entry to add.
    await expect(ask([1])).rejects.toMatchObject({ name: 'GeneratorUnavailableError', message: expect.stringMatching(/from Scene #2 alone \(line 4\): add \{"scenes": \[1\], "answer": "…"\} to that cross_scene entry's "degraded_answers"\.$/), hint: expect.stringContaining('What Stage 2 needs') });
    // A Stage 2 question the file has only as scene QA is still answered from the scenes' QA.
    expect((await ask([1, 2], 'What colour is the ball?')).value).toBe('There is no ball; a blue cube.');
    // Without scene numbers (Stage 1), a cross-scene answer is never used.
    await expect(gen.answer({ question: 'What appears after the ball?', clips: scenes.slice(0, 2) })).rejects.toThrow(/for the 2 clip\(s\) given/);
  });

  it('crossSceneQuery returns a query whose cited scenes exist, else is unavailable', async () => {
    const scenes = [clip('talk.mp4', 0, 8), clip('talk.mp4', 8, 16), clip('talk.mp4', 16, 24)];
    const captions = scenes.map((_, index) => ({ index, caption: `scene ${index}` }));
    const got = await gen.crossSceneQuery({ video: scenes, captions });
    expect(Object.keys(got.value).sort()).toEqual(['answer', 'citedScenes', 'question', 'reasoning', 'taskType']);
    expect(got.value).toMatchObject({ citedScenes: [0, 1], taskType: 'temporal_order', reasoning: expect.stringContaining('Scene #2') });
    await expect(gen.crossSceneQuery({ video: scenes.slice(0, 1), captions: captions.slice(0, 1) })).rejects.toThrow(/that fits its 1 scenes/);
    await expect(gen.crossSceneQuery({ video: [clip('other.mp4', 0, 8)], captions: [] })).rejects.toBeInstanceOf(GeneratorUnavailableError);
  });

  it('anchoredQA variant v takes the clip\'s v-th question, cycling', async () => {
    const g = new ImportedGenerator(
      parsed(jsonl({ video: 'm.mp4', start_s: 0, end_s: 8, qa: [{ question: 'Q1?', answer: 'A1' }, { question: 'Q2?', answer: 'A2' }] }, { video: 'm.mp4', start_s: 0, end_s: 8, qa: [{ question: 'Q3?', answer: 'A3' }] })),
      { sourceName: 'multi.jsonl' },
    );
    const q = async (variant?: number) => (await g.anchoredQA({ clip: clip('m.mp4', 0, 8), ...(variant === undefined ? {} : { variant }) })).value.question;
    expect([await q(), await q(0), await q(1), await q(2), await q(3)]).toEqual(['Q1?', 'Q1?', 'Q2?', 'Q3?', 'Q1?']);
  });

  it('judgeSpecificity: not specific only when another clip has the same question with the anchor\'s answer', async () => {
    const q = 'What colour is the ball?';
    // talk.mp4 8–16 has the question with another answer: a plausible rejected, not a competitor.
    const different = await gen.judgeSpecificity({ question: q, anchor: clip('talk.mp4', 0, 8), others: [clip('talk.mp4', 8, 16), clip('talk.mp4', 16, 24)] });
    expect(different.value).toMatchObject({ specific: true, answerableBy: [] });
    const twin = new ImportedGenerator(
      parsed(
        jsonl(
          { video: 'a.mp4', start_s: 0, end_s: 8, qa: [{ question: q, answer: 'Red.' }] },
          { video: 'b.mp4', start_s: 0, end_s: 8, qa: [{ question: q, answer: 'red' }] },
          { video: 'c.mp4', start_s: 0, end_s: 8, qa: [{ question: q, answer: 'Green.' }] },
        ),
      ),
      { sourceName: 'twin.jsonl' },
    );
    const shared = await twin.judgeSpecificity({ question: q, anchor: clip('a.mp4', 0, 8), others: [clip('b.mp4', 0, 8), clip('c.mp4', 0, 8)] });
    expect(shared.value).toMatchObject({ specific: false, answerableBy: ['hash-b.mp4:0-8'] });
  });

  it('stops when cancelled', async () => {
    const signal = { aborted: true, reason: undefined };
    await expect(gen.caption({ clip: clip('talk.mp4', 0, 8) }, signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('normalises questions for matching', () => {
    expect(normalizeQuestion('<image>\n  What   colour is the BALL?? ')).toBe('what colour is the ball');
  });
});

describe('docs/annotations.md', () => {
  it('every example in the format doc imports cleanly', () => {
    const doc = readFileSync(resolve(__dirname, '../../../docs/annotations.md'), 'utf8');
    const examples = [...doc.matchAll(/```jsonl?\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(examples).toHaveLength(3);
    for (const example of examples) expect(parseAnnotations(example)).toMatchObject({ ok: true, warnings: [] });
  });
});
