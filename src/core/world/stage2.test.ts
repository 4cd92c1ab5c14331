import { describe, expect, it } from 'vitest';
import { answerCrossScene, buildWorld, stage2Queries, type WorldVideo } from './index';

const world = buildWorld();
const longs = world.videos.filter((v) => v.kind === 'long');
const nameOf = (id: string): string => world.entities.find((e) => e.id === id)!.name;

/** Scenes (0-based) where an entity is on screen for at least 2 s, read from the tracks directly. */
function scenesWith(video: WorldVideo, id: string): number[] {
  return video.scenes.filter((s) => s.objects.some((o) => o.entityId === id && o.disappearS - o.appearS >= 2)).map((s) => s.index);
}

describe('stage2Queries', () => {
  it('asks all five families about every long video, citing scenes as "Scene #k"', () => {
    for (const video of longs) {
      const queries = stage2Queries(world, video);
      expect(new Set(queries.map((q) => q.family))).toEqual(new Set(['temporal_order', 'cross_scene_association', 'counting', 'visual_semantic', 'detail']));
      for (const q of queries) {
        expect(q.taskType).toBe(q.family);
        expect(q.citedScenes.length).toBeGreaterThanOrEqual(2);
        expect(q.citedScenes).toEqual([...new Set(q.citedScenes)].sort((a, b) => a - b));
        const mentioned = [...q.reasoning.matchAll(/Scene #(\d+)/g)].map((m) => Number(m[1]) - 1);
        expect(new Set(mentioned), q.reasoning).toEqual(new Set(q.citedScenes));
        for (const k of q.citedScenes) expect(k).toBeLessThan(video.scenes.length);
      }
    }
  });

  it('matches the scene data: scene counts, returns, first appearances and event order', () => {
    for (const video of longs) {
      for (const q of stage2Queries(world, video)) {
        const [id] = q.referents as [string];
        if (q.question.startsWith('In how many scenes')) {
          const at = scenesWith(video, id);
          expect(q.answer.startsWith(`${at.length} scenes`)).toBe(true);
          expect(q.citedScenes).toEqual(at);
        } else if (q.question.includes('In which later scenes does it return')) {
          const [first, ...later] = scenesWith(video, id);
          expect(q.question).toContain(video.scenes[first!]!.background.name);
          for (const k of later) expect(q.answer).toContain(`Scene #${k + 1} (on the ${video.scenes[k]!.background.name} background)`);
        } else if (q.question.startsWith('Which object appears both on')) {
          const [i, j] = q.citedScenes as [number, number];
          const shared = video.scenes[i]!.objects.map((o) => o.entityId).filter((e) => video.scenes[j]!.objects.some((o) => o.entityId === e));
          expect(shared).toEqual([id]);
          expect(q.answer).toBe(`The ${nameOf(id)}.`);
        } else if (q.question.startsWith('One object is seen both on')) {
          const [i, j] = q.citedScenes as [number, number];
          const shared = video.scenes[i]!.objects.map((o) => o.entityId).filter((e) => video.scenes[j]!.objects.some((o) => o.entityId === e));
          expect(shared).toEqual([id]);
          const texture = world.entities.find((e) => e.id === id)!.texture;
          expect(q.answer).toBe({ solid: 'None.', striped: 'Stripes.', dotted: 'Dots.', checkered: 'Checks.' }[texture]);
        } else if (q.question.startsWith('Which is seen first')) {
          const [early, late] = q.referents as [string, string];
          expect(scenesWith(video, early)[0]).toBeLessThan(scenesWith(video, late)[0]!);
          expect(q.answer).toBe(`The ${nameOf(early)}.`);
        } else if (q.question.startsWith('In what order')) {
          const letters = q.answer.match(/\(([abc])\)/g) ?? [];
          expect(letters).toHaveLength(3);
          const phrases = Object.fromEntries([...q.question.matchAll(/\(([abc])\) ([^;?]+)/g)].map((m) => [m[1], m[2]]));
          const scenesInOrder = letters.map((l) => {
            const phrase = phrases[l[1]!]!;
            return q.citedScenes.find((k) => q.reasoning.includes(`In Scene #${k + 1} ${phrase}.`));
          });
          expect(scenesInOrder).toEqual(q.citedScenes);
        } else if (q.question.startsWith('How many different')) {
          const shape = q.question.split(' ')[3]!;
          expect(q.answer.startsWith(`${q.referents.length}:`)).toBe(true);
          for (const r of q.referents) expect(`${world.entities.find((e) => e.id === r)!.shape}s`.replace('crosss', 'crosses')).toBe(shape);
        } else {
          expect(q.family).toBe('visual_semantic');
          expect(q.citedScenes).toEqual(scenesWith(video, id));
        }
      }
    }
  });

  it('works over scene spans the studio detected, numbering them as given', () => {
    let counted = 0;
    for (const video of longs) {
      // Only the last five scenes, cut exactly or 1 s late: Scene #1 is world scene n − 5.
      const offset = video.scenes.length - 5;
      for (const lateS of [0, 1]) {
        const spans = video.scenes.slice(offset).map((s) => ({ startS: s.startS + lateS, endS: Math.min(video.durationS, s.endS + lateS) }));
        const queries = stage2Queries(world, video, spans);
        if (lateS === 0) counted += queries.filter((q) => q.question.startsWith('In how many scenes')).length;
        for (const q of queries) {
          for (const k of q.citedScenes) expect(k).toBeLessThan(5);
          if (q.question.startsWith('In how many scenes')) {
            const at = scenesWith(video, q.referents[0]!).filter((k) => k >= offset).map((k) => k - offset);
            expect(q.citedScenes).toEqual(at);
          }
        }
      }
    }
    expect(counted).toBeGreaterThan(0);
    expect(stage2Queries(world, world.videos[0]!)).toEqual([]);
  });

  it('answers from a degraded context honestly: every cited scene gives the true answer, fewer give another', () => {
    let degradedDiffer = 0;
    let degraded = 0;
    for (const video of longs) {
      for (const q of stage2Queries(world, video)) {
        expect(answerCrossScene(world, video, video.scenes, q.ask, q.citedScenes), q.question).toBe(q.answer);
        const others = video.scenes.map((s) => s.index).filter((k) => !q.citedScenes.includes(k));
        for (const visible of [q.citedScenes.slice(1), others]) {
          degraded++;
          if (answerCrossScene(world, video, video.scenes, q.ask, visible) !== q.answer) degradedDiffer++;
        }
        // Without any scene nothing can be seen: never the true answer.
        expect(answerCrossScene(world, video, video.scenes, q.ask, [])).not.toBe(q.answer);
      }
    }
    // Most degraded contexts change the answer; a few (e.g. the earlier object alone in view) do not.
    expect(degradedDiffer / degraded).toBeGreaterThan(0.7);
  });

  it('a guessing answerer keeps the truth and the honest answers of the full form, and replaces every "not seen" with an answer of the full form', () => {
    // Honest answers that say the evidence is not there: the forms a policy can learn blind.
    const absent = /not seen|No object is seen|does not return|^0|Neither is seen|None of them/;
    const form: Record<string, RegExp> = {
      scene_count: /^\d+ scenes?: Scene #\d+/,
      returns: /^It returns in Scene #\d+ \(on the .+ background\)/,
      behaviour: /^In Scene #\d+ it /,
      shared_object: /^The .+\.$/,
      shared_detail: /^(None|Stripes|Dots|Checks)\.$/,
      shape_count: /^[1-9]\d*: the /,
      first_seen: /^The .+\.$/,
      event_order: /^\([a-z]\)(, then \([a-z]\))+\.$/,
    };
    const replaced: Record<string, number> = {};
    for (const video of longs) {
      for (const q of stage2Queries(world, video)) {
        expect(answerCrossScene(world, video, video.scenes, q.ask, q.citedScenes, 'guess'), q.question).toBe(q.answer);
        const others = video.scenes.map((s) => s.index).filter((k) => !q.citedScenes.includes(k));
        // Partial evidence either way round, irrelevance, and nothing in view.
        for (const visible of [q.citedScenes.slice(1), q.citedScenes.slice(0, 1), others, []]) {
          const honest = answerCrossScene(world, video, video.scenes, q.ask, visible);
          const guess = answerCrossScene(world, video, video.scenes, q.ask, visible, 'guess');
          expect(answerCrossScene(world, video, video.scenes, q.ask, visible, 'guess')).toBe(guess); // deterministic
          if (!absent.test(honest)) {
            expect(guess, q.question).toBe(honest);
            continue;
          }
          expect(guess, `${q.question} → ${honest}`).not.toMatch(absent);
          expect(guess, `${q.question} → ${honest}`).toMatch(form[q.ask.kind] as RegExp);
          replaced[q.ask.kind] = (replaced[q.ask.kind] ?? 0) + 1;
        }
      }
    }
    // Every kind of query that can say "not seen" had one replaced.
    expect(Object.keys(replaced).sort()).toEqual(Object.keys(form).sort());
  });
});
