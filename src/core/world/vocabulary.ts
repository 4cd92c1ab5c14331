// The demo world's vocabulary: every word a caption or question may use, with its look.
// Colours are sRGB bytes; lengths are in frame heights (H), so the world reads the same at any
// resolution of the same aspect ratio.

export type RGB = readonly [number, number, number];

export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'hexagon', 'ring', 'cross', 'star'] as const;
export type Shape = (typeof SHAPES)[number];
export const SHAPE_PLURALS: Record<Shape, string> = {
  circle: 'circles',
  square: 'squares',
  triangle: 'triangles',
  diamond: 'diamonds',
  hexagon: 'hexagons',
  ring: 'rings',
  cross: 'crosses',
  star: 'stars',
};

export const TEXTURES = ['solid', 'striped', 'dotted', 'checkered'] as const;
export type Texture = (typeof TEXTURES)[number];
/** How a detail answer names the pattern on an object. */
export const TEXTURE_ANSWERS: Record<Texture, string> = { solid: 'none', striped: 'stripes', dotted: 'dots', checkered: 'checks' };

export const SIZES = ['small', 'medium', 'large'] as const;
export type Size = (typeof SIZES)[number];
/** Object radius, in frame heights. Large on purpose: the embedder must see the objects. */
export const SIZE_RADIUS: Record<Size, number> = { small: 0.11, medium: 0.15, large: 0.2 };

/** Saturated object colours: they must stand out against the muted backgrounds. */
export const OBJECT_COLOURS = {
  red: [230, 35, 35],
  orange: [255, 135, 0],
  yellow: [255, 225, 20],
  lime: [160, 240, 30],
  green: [20, 150, 50],
  cyan: [30, 225, 235],
  blue: [35, 75, 235],
  purple: [125, 40, 200],
  magenta: [235, 30, 205],
  pink: [255, 150, 195],
  white: [250, 250, 250],
  black: [15, 15, 15],
} as const satisfies Record<string, RGB>;
export type ObjectColour = keyof typeof OBJECT_COLOURS;
export const OBJECT_COLOUR_NAMES = Object.keys(OBJECT_COLOURS) as ObjectColour[];

/** Muted background colours, named apart from the object colours so a phrase is never ambiguous. */
export const BACKGROUND_COLOURS = {
  navy: [25, 35, 95],
  maroon: [105, 25, 40],
  olive: [110, 110, 35],
  teal: [20, 105, 110],
  slate: [95, 105, 125],
  beige: [220, 205, 170],
  lavender: [185, 165, 225],
  mint: [165, 225, 190],
  peach: [245, 185, 145],
  sand: [195, 170, 105],
  charcoal: [50, 50, 58],
  sky: [145, 195, 240],
} as const satisfies Record<string, RGB>;
export type BackgroundColour = keyof typeof BACKGROUND_COLOURS;
export const BACKGROUND_COLOUR_NAMES = Object.keys(BACKGROUND_COLOURS) as BackgroundColour[];

export const PATTERNS = [
  'vertical stripes',
  'horizontal stripes',
  'diagonal stripes',
  'checkerboard',
  'polka dots',
  'grid',
  'zigzag',
  'bricks',
  'gradient',
  'concentric squares',
  'ripples',
  'argyle',
] as const;
export type Pattern = (typeof PATTERNS)[number];

/** Compass headings in image space (y grows downwards), plus standing still. */
export const DIRECTIONS = ['left', 'right', 'up', 'down', 'up-left', 'up-right', 'down-left', 'down-right', 'still'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const DIRECTION_ANSWERS: Record<Direction, string> = {
  left: 'left',
  right: 'right',
  up: 'up',
  down: 'down',
  'up-left': 'up and to the left',
  'up-right': 'up and to the right',
  'down-left': 'down and to the left',
  'down-right': 'down and to the right',
  still: 'it does not move',
};
const DIAGONAL = Math.SQRT1_2;
/** Unit heading vectors. */
export const DIRECTION_VECTORS: Record<Direction, readonly [number, number]> = {
  left: [-1, 0],
  right: [1, 0],
  up: [0, -1],
  down: [0, 1],
  'up-left': [-DIAGONAL, -DIAGONAL],
  'up-right': [DIAGONAL, -DIAGONAL],
  'down-left': [-DIAGONAL, DIAGONAL],
  'down-right': [DIAGONAL, DIAGONAL],
  still: [0, 0],
};

export type Speed = 'slow' | 'fast';
/** Speeds in frame heights per second: moderate, so frames of one clip stay alike. */
export const SPEED_VALUE: Record<Speed, number> = { slow: 0.015, fast: 0.035 };
export const SPEED_ADVERBS: Record<Speed, string> = { slow: 'slowly', fast: 'quickly' };

/** Sum of absolute channel differences: a cheap, integer colour distance (0–765). */
export function colourDistance(a: RGB, b: RGB): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
}

/** "m:ss" of whole seconds (rounded), locale-free so the text is identical everywhere. */
export function clockTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  const r = s % 60;
  return `${m}:${r < 10 ? '0' : ''}${r}`;
}

/** "a, b and c" */
export function listPhrase(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** "a" or "an" before a word (the world's words need only the vowel rule). */
export function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
