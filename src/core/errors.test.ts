import { describe, expect, it } from 'vitest';
import { toUserMessage, UserFacingError } from './errors';

describe('toUserMessage', () => {
  it('keeps the message and hint of a UserFacingError', () => {
    expect(toUserMessage('Import failed', new UserFacingError('clip.mp4 is empty (0 bytes).', 'Choose another file.'))).toEqual({
      title: 'Import failed',
      message: 'clip.mp4 is empty (0 bytes).',
      hint: 'Choose another file.',
    });
  });

  it('never shows a stack trace, only the first line', () => {
    const e = new Error('Kernel failed\n    at foo (bar.js:1:2)');
    const m = toUserMessage('x', e);
    expect(m.message).toBe('Kernel failed');
    expect(JSON.stringify(m)).not.toContain('bar.js');
  });

  it('explains cancellation and full storage in plain words', () => {
    expect(toUserMessage('x', new DOMException('aborted', 'AbortError')).message).toBe('Cancelled.');
    expect(toUserMessage('x', new DOMException('full', 'QuotaExceededError')).hint).toMatch(/Free space/);
  });

  it('keeps a hint carried by an error from the worker', () => {
    expect(toUserMessage('x', Object.assign(new Error('bad'), { hint: 'do y' })).hint).toBe('do y');
  });

  it('copes with things that are not errors', () => {
    expect(toUserMessage('x', { some: 'object' }).message).toBe('An unexpected error occurred.');
    expect(toUserMessage('x', 'plain text').message).toBe('plain text');
  });
});
