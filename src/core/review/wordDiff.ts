// Word differences between two answers (issue #11: chosen vs rejected side by side). Pure.
// Longest common subsequence over whitespace-separated words; O(n·m) cells, so answers are
// capped at MAX_WORDS words each (longer ones are compared as one changed block).

export interface DiffPart {
  text: string;
  /** `same`: in both; `only`: in this side only. */
  kind: 'same' | 'only';
}

export const MAX_WORDS = 400;

/** The words of `a` and of `b`, each marked as shared with the other side or not. */
export function wordDiff(a: string, b: string): { a: DiffPart[]; b: DiffPart[] } {
  const wa = a.split(/\s+/).filter(Boolean);
  const wb = b.split(/\s+/).filter(Boolean);
  if (wa.length > MAX_WORDS || wb.length > MAX_WORDS) return { a: [{ text: a, kind: 'only' }], b: [{ text: b, kind: 'only' }] };
  const n = wa.length;
  const m = wb.length;
  // lcs[i][j]: LCS length of wa[i:] and wb[j:], flattened row-major with stride m + 1.
  const lcs = new Uint16Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = wa[i] === wb[j] ? (lcs[(i + 1) * (m + 1) + j + 1] as number) + 1 : Math.max(lcs[(i + 1) * (m + 1) + j] as number, lcs[i * (m + 1) + j + 1] as number);
    }
  }
  const sameA = new Array<boolean>(n).fill(false);
  const sameB = new Array<boolean>(m).fill(false);
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (wa[i] === wb[j]) {
      sameA[i++] = true;
      sameB[j++] = true;
    } else if ((lcs[(i + 1) * (m + 1) + j] as number) >= (lcs[i * (m + 1) + j + 1] as number)) i++;
    else j++;
  }
  return { a: merge(wa, sameA), b: merge(wb, sameB) };
}

function merge(words: string[], same: boolean[]): DiffPart[] {
  const out: DiffPart[] = [];
  words.forEach((w, i) => {
    const kind = same[i] ? 'same' : 'only';
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += ' ' + w;
    else out.push({ text: w, kind });
  });
  return out;
}
