// Background that a codec or a resize blurred, for the frame segmentation (src/core/segmentFrame.ts):
// decoded video rescaled to fit the embedder's input (the browser's import) has noise on every
// background colour and a blended seam between every two stripes of a pattern; rendered frames at
// their own size (the CLI) have neither. Pure and deterministic; plain JS.

/** Neighbourhood (pixels each way) whose background pixels a blurred pixel is compared with. */
const BLEND_RADIUS = 3;
/** RGB distance within which a pixel is noise on a background colour near it. */
const BLEND_NEAR = 50;
/** RGB distance within which a pixel is a blend of two background colours near it. */
const BLEND_SEGMENT = 40;

/**
 * Pixels that only look like foreground because a codec or a resize blurred the background: a
 * non-background pixel whose colour lies within BLEND_NEAR of a background pixel near it (noise),
 * or within BLEND_SEGMENT of the line between two background colours near it (a blend of two
 * stripes of a pattern, where a 1.4× bilinear resize or 4:2:0 chroma leaves a 1–2 px seam of a
 * third colour), turns background. Only the pixels the colour spread called background are the
 * references, so this does not creep into an object across its own soft edge.
 */
export function absorbBlends(rgb: Uint8Array, size: number, box: { x0: number; x1: number; y0: number; y1: number }, colours: Uint16Array, background: Uint8Array): void {
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const at = (x: number, y: number): number => ((y + box.y0) * size + x + box.x0) * 3;
  const absorb: number[] = [];
  const near: number[] = []; // byte offsets of one pixel per background colour near
  const nearColours: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (background[y * w + x]) continue;
      near.length = 0;
      nearColours.length = 0;
      for (let dy = -BLEND_RADIUS; dy <= BLEND_RADIUS; dy++) {
        const qy = y + dy;
        if (qy < 0 || qy >= h) continue;
        for (let dx = -BLEND_RADIUS; dx <= BLEND_RADIUS; dx++) {
          const qx = x + dx;
          if (qx < 0 || qx >= w) continue;
          const q = qy * w + qx;
          if (!background[q] || nearColours.includes(colours[q] as number)) continue;
          nearColours.push(colours[q] as number);
          near.push(at(qx, qy));
        }
      }
      if (near.length === 0) continue;
      const i = at(x, y);
      const pr = rgb[i] as number, pg = rgb[i + 1] as number, pb = rgb[i + 2] as number;
      let hit = false;
      for (let a = 0; a < near.length && !hit; a++) {
        const ia = near[a] as number;
        const ar = rgb[ia] as number, ag = rgb[ia + 1] as number, ab = rgb[ia + 2] as number;
        if ((pr - ar) ** 2 + (pg - ag) ** 2 + (pb - ab) ** 2 <= BLEND_NEAR ** 2) hit = true;
        for (let b = a + 1; b < near.length && !hit; b++) {
          const ib = near[b] as number;
          const dr = (rgb[ib] as number) - ar, dg = (rgb[ib + 1] as number) - ag, db = (rgb[ib + 2] as number) - ab;
          const len = dr * dr + dg * dg + db * db;
          if (len === 0) continue;
          const t = Math.max(0, Math.min(1, ((pr - ar) * dr + (pg - ag) * dg + (pb - ab) * db) / len));
          if ((pr - ar - t * dr) ** 2 + (pg - ag - t * dg) ** 2 + (pb - ab - t * db) ** 2 <= BLEND_SEGMENT ** 2) hit = true;
        }
      }
      if (hit) absorb.push(y * w + x);
    }
  }
  for (const p of absorb) background[p] = 1;
}
