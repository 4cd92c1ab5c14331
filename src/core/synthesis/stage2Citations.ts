// The relevance chain of a Stage 2 query (DESIGN.md §1, Stage 2 step 2): the scenes its reasoning
// cites as "Scene #k" (1-based, as the query writer saw them). Pure.

export type CitationProblem = 'no_citation' | 'unknown_scene' | 'too_few_citations';

export type Citations = { ok: true; scenes: number[] } | { ok: false; problem: CitationProblem; detail: string };

/** "Scene #3", "scene 3", "Scenes #2 and #4", "Scene #2, #5 and #7": every cited number. */
const CITATION = /\bscenes?\s*#?\s*(\d+)((?:\s*(?:,|and|&|\/|or)\s*#?\s*\d+)*)/gi;

/** 1-based scene numbers cited by `text`, in order of first mention. */
export function citedSceneNumbers(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(CITATION)) {
    const numbers = [m[1] ?? '', ...[...(m[2] ?? '').matchAll(/\d+/g)].map((x) => x[0])];
    for (const n of numbers.map(Number)) if (!out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * The relevance chain as 0-based scene indices (sorted), or why the reasoning cannot be one: it
 * cites no scene, a scene the video does not have, or fewer than two scenes (then the query does
 * not need cross-scene reasoning).
 */
export function relevanceChain(reasoning: string, sceneCount: number): Citations {
  const cited = citedSceneNumbers(reasoning);
  if (cited.length === 0) return { ok: false, problem: 'no_citation', detail: 'The reasoning cites no scene as "Scene #k".' };
  const unknown = cited.filter((k) => !(k >= 1 && k <= sceneCount));
  if (unknown.length > 0) return { ok: false, problem: 'unknown_scene', detail: `The reasoning cites ${unknown.map((k) => `Scene #${k}`).join(', ')}; the video has ${sceneCount} scenes.` };
  if (cited.length < 2) return { ok: false, problem: 'too_few_citations', detail: `The reasoning cites only Scene #${cited[0]}; a cross-scene query needs at least two.` };
  return { ok: true, scenes: cited.map((k) => k - 1).sort((a, b) => a - b) };
}
