import { describe, expect, it } from 'vitest';
import { colourHistogram } from './colourHistogram';

describe('colourHistogram', () => {
  it('puts each pixel in its bin and has unit length', () => {
    // 4 pixels: black, pure red, pure red, white → bins 0, 48, 48, 63 with 4 levels
    const rgb = Uint8Array.from([0, 0, 0, 255, 0, 0, 250, 10, 5, 255, 255, 255]);
    const h = colourHistogram(rgb, 4);
    expect(h.length).toBe(64);
    expect(h[0]).toBeCloseTo(Math.sqrt(0.25), 6);
    expect(h[48]).toBeCloseTo(Math.sqrt(0.5), 6);
    expect(h[63]).toBeCloseTo(Math.sqrt(0.25), 6);
    expect(h.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 6);
    expect([...h].filter((x) => x > 0)).toHaveLength(3);
  });

  it('does not depend on where the colours are', () => {
    const a = Uint8Array.from([200, 30, 30, 10, 10, 200, 10, 10, 200]);
    const b = Uint8Array.from([10, 10, 200, 10, 10, 200, 200, 30, 30]);
    expect([...colourHistogram(a)]).toEqual([...colourHistogram(b)]);
  });

  it('refuses bad input', () => {
    expect(() => colourHistogram(new Uint8Array(4))).toThrow(/divisible by 3/);
    expect(() => colourHistogram(new Uint8Array(3), 0)).toThrow(/levels/);
  });
});
