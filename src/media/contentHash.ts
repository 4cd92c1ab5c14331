// A content key for a video: SHA-256 over its size and three 1 MiB samples (head, middle, tail).
// Reading whole multi-GB files to hash them would defeat streaming; size + samples tells apart
// any two real videos a user imports, and caches (frames, embeddings) are keyed by it.
const SAMPLE = 1 << 20;

export async function sampledContentHash(file: Blob): Promise<string> {
  const size = file.size;
  const starts = size <= 3 * SAMPLE ? [0] : [0, Math.floor(size / 2 - SAMPLE / 2), size - SAMPLE];
  const parts = await Promise.all(starts.map((s) => file.slice(s, Math.min(size, s + (size <= 3 * SAMPLE ? size : SAMPLE))).arrayBuffer()));
  const header = new TextEncoder().encode(`longvpo-sampled-v1:${size}:`);
  const bytes = new Uint8Array(header.length + parts.reduce((n, p) => n + p.byteLength, 0));
  bytes.set(header, 0);
  let offset = header.length;
  for (const p of parts) {
    bytes.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
