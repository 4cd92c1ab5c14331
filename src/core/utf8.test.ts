import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from './utf8';

describe('utf8', () => {
  it.each(['plain ascii {"a":1}', 'it’s 12 × 3 — café', 'emoji 🎬 and 中文', ''])('matches TextEncoder/TextDecoder for %j', (text) => {
    const bytes = utf8Encode(text);
    expect(bytes).toEqual(new TextEncoder().encode(text));
    expect(utf8Decode(bytes)).toBe(text);
  });
  it('turns truncated sequences into U+FFFD instead of throwing', () => {
    expect(utf8Decode(Uint8Array.from([0x61, 0xe2, 0x80]))).toMatch(/^a\ufffd+$/);
  });
});
