// A frame's colour histogram as a feature vector (issue #13): RGB quantised to `levels` per
// channel (levels³ bins), as fractions of the frame's pixels, square-rooted (the Hellinger
// embedding: the vector has length 1, and the dot product of two is the Bhattacharyya
// coefficient of their histograms). The classic shot-retrieval feature; it keeps which colours a
// frame holds wherever they are, which a CNN's pooled features blur (docs/evaluation.md). Pure.

/** RGB bytes (3 per pixel) → levels³ Hellinger-normalised histogram. Bin = r·L² + g·L + b. */
export function colourHistogram(rgb: Uint8Array, levels = 4): Float32Array {
  if (!Number.isInteger(levels) || levels < 1 || levels > 16) throw new RangeError(`levels must be a whole number in [1, 16], got ${levels}`);
  if (rgb.length === 0 || rgb.length % 3 !== 0) throw new RangeError(`a frame of RGB bytes has a length divisible by 3 and above 0, got ${rgb.length}`);
  const counts = new Float64Array(levels ** 3);
  for (let i = 0; i < rgb.length; i += 3) {
    const r = Math.floor(((rgb[i] as number) * levels) / 256);
    const g = Math.floor(((rgb[i + 1] as number) * levels) / 256);
    const b = Math.floor(((rgb[i + 2] as number) * levels) / 256);
    counts[(r * levels + g) * levels + b] = (counts[(r * levels + g) * levels + b] as number) + 1;
  }
  const pixels = rgb.length / 3;
  return Float32Array.from(counts, (c) => Math.sqrt(c / pixels));
}
