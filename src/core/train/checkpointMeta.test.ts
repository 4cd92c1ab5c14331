import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../errors';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, parseCheckpointMeta } from './checkpointMeta';
import { defaultTrainConfig } from './config';

const model = { visualDim: 8, vocabSize: 20, dModel: 16, layers: 1, heads: 2, mlpRatio: 2, maxContext: 32 };
const meta = (version: number, extra: Record<string, unknown> = {}) => ({
  longvpo: JSON.stringify({
    format: CHECKPOINT_FORMAT,
    version,
    runId: 'r',
    step: 1,
    totalSteps: 2,
    config: defaultTrainConfig('sft'),
    model: { ...model, ...extra },
    tokenizer: { tokens: [] },
    optimizerT: 1,
    referenceId: null,
    initId: null,
    data: { samples: 1, source: 't' },
    createdAt: '2026-01-01T00:00:00Z',
    lastMetrics: null,
  }),
});

describe('parseCheckpointMeta', () => {
  it('writes version 3 (sequence layout) and still reads version 1 and 2 checkpoints', () => {
    expect(CHECKPOINT_VERSION).toBe(3);
    expect(parseCheckpointMeta(meta(3, { layout: 'question-twice' })).model.layout).toBe('question-twice');
    expect(parseCheckpointMeta(meta(2)).model.layout).toBeUndefined();
    expect(parseCheckpointMeta(meta(1)).model.visualTokens).toBeUndefined();
    expect(parseCheckpointMeta(meta(2, { visualTokens: 5 })).model.visualTokens).toBe(5);
  });

  it('refuses a newer version with a message that says to update', () => {
    const error = (() => {
      try {
        parseCheckpointMeta(meta(4));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as UserFacingError).message).toContain('format version 4');
    expect((error as UserFacingError).hint).toContain('newer studio');
  });

  it('reads version 1 region-token checkpoints (written before the bump) with their tokens', () => {
    expect(parseCheckpointMeta(meta(1, { visualTokens: 5 })).model.visualTokens).toBe(5);
  });

  it('refuses files that are not checkpoints', () => {
    expect(() => parseCheckpointMeta({})).toThrow(/not a LongVPO Studio checkpoint/);
    expect(() => parseCheckpointMeta({ longvpo: '{' })).toThrow(/not valid JSON/);
  });
});
