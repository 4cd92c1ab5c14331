// Merging data folders (`longvpo merge`, `reproduce --train-worlds`): several folders' clips.jsonl,
// scenes.jsonl, sft.jsonl and triples.jsonl become one, so a run trains on several demo worlds (or
// a demo world and the user's own data) at once. Pure: texts in, one text per file or the first
// problem out.
//
// Must: a merge never silently drops or overwrites a line — an id that two sources both use is a
// problem naming both sources, not a last-one-wins. Must: sources with different embedders (id,
// dimension or tokens per clip) are refused, since their vectors cannot share one policy.

/** One source folder's text of one file ('' when the folder has no such file). */
export interface MergePart {
  source: string;
  text: string;
}

export type MergeResult = { ok: true; text: string; lines: number; bySource: number[] } | { ok: false; problem: string; fix: string };

/**
 * Concatenates JSONL texts in source order (blank lines dropped, every line ending in "\n"),
 * refusing a line that is not JSON or has no string `id`, and an id seen in an earlier line.
 */
export function mergeJsonl(parts: readonly MergePart[], file: string): MergeResult {
  const seen = new Map<string, number>(); // id → index of the part it came from
  const out: string[] = [];
  const bySource: number[] = [];
  for (const [index, { source, text }] of parts.entries()) {
    let n = 0;
    for (const [i, raw] of text.split('\n').entries()) {
      const line = raw.trim();
      if (line === '') continue;
      let id: unknown;
      try {
        id = (JSON.parse(line) as { id?: unknown }).id;
      } catch {
        return { ok: false, problem: `${source}/${file} line ${i + 1} is not valid JSON.`, fix: `Fix or remove that line (\`npx longvpo validate\` checks triples), then merge again.` };
      }
      if (typeof id !== 'string' || id === '') return { ok: false, problem: `${source}/${file} line ${i + 1} has no string "id".`, fix: 'Every line needs an id; files written by `longvpo demo` or `synth` have one.' };
      const first = seen.get(id);
      if (first !== undefined) {
        const firstSource = (parts[first] as MergePart).source;
        if (first === index) return { ok: false, problem: `${source}/${file} has the id "${id}" twice (the second at line ${i + 1}).`, fix: 'Remove the repeated line, then merge again.' };
        if (firstSource === source) return { ok: false, problem: `${source} is named twice.`, fix: 'Name each folder once.' };
        return {
          ok: false,
          problem: `${file}: the id "${id}" is in both ${firstSource} and ${source}.`,
          fix: 'Merge folders of different worlds or videos (demo worlds of different --seed values have different ids).',
        };
      }
      seen.set(id, index);
      out.push(line + '\n');
      n++;
    }
    bySource.push(n);
  }
  return { ok: true, text: out.join(''), lines: out.length, bySource };
}

/** What a source's clips are embedded with: report.json's embedder id (when known) and clips.jsonl's shape. */
export interface SourceEmbedder {
  source: string;
  id?: string;
  dim: number;
  tokens: number;
}

/** null when every source has the same embedder; otherwise the first difference, named. */
export function embedderMismatch(sources: readonly SourceEmbedder[]): { problem: string; fix: string } | null {
  const [first, ...rest] = sources;
  if (!first) return null;
  for (const s of rest) {
    const idDiffers = first.id !== undefined && s.id !== undefined && first.id !== s.id;
    if (idDiffers || s.dim !== first.dim || s.tokens !== first.tokens)
      return {
        problem: `${s.source} is embedded with ${describe(s)}, but ${first.source} with ${describe(first)}.`,
        fix: 'Merge folders made with the same embedder (the same `demo --features`, or re-embed one of them).',
      };
  }
  return null;
}

function describe(s: SourceEmbedder): string {
  return `${s.id ?? 'an unnamed embedder'} (${s.dim}-d, ${s.tokens} token${s.tokens === 1 ? '' : 's'} per clip)`;
}
