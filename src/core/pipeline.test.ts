import { describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE, embedderId, embedderLabel, inputSizeOf, tokensOfEmbedderId, fpsOfSamplingKey, pipelineProblems, samplingKeyOf, sceneViewOf, segmentsKeyOf, staleness, type PipelineSettings } from './pipeline';
import { BACKGROUND_HISTOGRAM_DIMS } from './objectTokens';

const custom: PipelineSettings = {
  ...DEFAULT_PIPELINE,
  embedder: { kind: 'url', url: 'https://example.org/m/model.json', outputNode: 'pool', inputSize: 160, pixelRange: '-1..1' },
};

describe('pipeline settings', () => {
  it('defaults are valid and keep the keys of videos imported before settings existed', () => {
    expect(pipelineProblems(DEFAULT_PIPELINE)).toEqual([]);
    expect(samplingKeyOf(DEFAULT_PIPELINE)).toBe('fps1-px224');
    expect(embedderId(DEFAULT_PIPELINE.embedder)).toBe('nsfwjs-4.4.0/mobilenet_v2_mid/feature_vector');
  });

  it('names each bad field and its range', () => {
    const problems = pipelineProblems({ ...DEFAULT_PIPELINE, fps: 0, clipS: 500, sceneThreshold: Number.NaN });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/Sampling rate must be between 0\.1 and 10/);
    expect(problems[1]).toMatch(/Clip length .* \(got 500\)/);
    expect(problems[2]).toMatch(/Scene threshold .* \(got nothing\)/);
  });

  it('names the built-in embedders by the ids their vectors carry, with their tokens per clip', () => {
    const regions = { ...DEFAULT_PIPELINE, embedder: { kind: 'features', features: 'regions' } } as const;
    const colour = { ...DEFAULT_PIPELINE, embedder: { kind: 'features', features: 'mobilenet+colour' } } as const;
    expect(pipelineProblems(regions)).toEqual([]);
    expect(embedderId(regions.embedder)).toBe('nsfwjs-4.4.0/mobilenet_v2_mid/feature_vector+regions5+rgb-hist-4');
    expect(embedderId(colour.embedder)).toBe('nsfwjs-4.4.0/mobilenet_v2_mid/feature_vector+rgb-hist-4');
    const objects = { ...DEFAULT_PIPELINE, embedder: { kind: 'features', features: 'objects' } } as const;
    expect(embedderId(objects.embedder)).toBe('pixels:object-tokens-v4');
    expect(embedderLabel(objects.embedder)).toBe('object tokens (6 per clip)');
    expect([regions, colour, objects, DEFAULT_PIPELINE, custom].map((p) => tokensOfEmbedderId(embedderId(p.embedder)))).toEqual([5, 1, 6, 1, 1]);
    expect(inputSizeOf(regions.embedder)).toBe(224);
    // Same frames (224 px), other vectors: a video imported with the default must be embedded again.
    expect(staleness({ samplingKey: 'fps1-px224', embeddingModel: embedderId(DEFAULT_PIPELINE.embedder) }, regions)).toBe('resample');
    expect(pipelineProblems({ ...DEFAULT_PIPELINE, embedder: { kind: 'features', features: 'colour' as never } })[0]).toMatch(/Built-in embedder must be one of mobilenet\+colour, regions, objects/);
  });

  it('checks a custom model URL, output node and input size', () => {
    expect(pipelineProblems(custom)).toEqual([]);
    expect(pipelineProblems({ ...custom, embedder: { ...custom.embedder, url: '/models/m/model.json' } as PipelineSettings['embedder'] })).toEqual([]);
    const bad = pipelineProblems({ ...custom, embedder: { kind: 'url', url: 'model json', outputNode: ' ', inputSize: 8, pixelRange: '0..1' } });
    expect(bad.map((p) => p.split(' ')[0])).toEqual(['Model', 'Output', 'Input']);
  });

  it('a different model or rate means new frames/embeddings; other clip settings only re-segment', () => {
    const video = { samplingKey: samplingKeyOf(DEFAULT_PIPELINE), embeddingModel: embedderId(DEFAULT_PIPELINE.embedder) };
    expect(staleness(video, DEFAULT_PIPELINE)).toBe('current');
    expect(staleness(video, { ...DEFAULT_PIPELINE, clipS: 16 })).toBe('resegment');
    expect(staleness({ ...video, segmentsKey: segmentsKeyOf({ ...DEFAULT_PIPELINE, clipS: 16 }) }, { ...DEFAULT_PIPELINE, clipS: 16 })).toBe('current');
    expect(staleness(video, { ...DEFAULT_PIPELINE, fps: 2 })).toBe('resample');
    expect(staleness(video, custom)).toBe('resample');
    expect(samplingKeyOf(custom)).toBe('fps1-px160');
  });

  it('object tokens cut scenes on the background histogram: a video cut on every token is re-segmented, not re-embedded', () => {
    const objects: PipelineSettings = { ...DEFAULT_PIPELINE, embedder: { kind: 'features', features: 'objects' } };
    expect(sceneViewOf(embedderId(objects.embedder))).toEqual(BACKGROUND_HISTOGRAM_DIMS);
    expect(sceneViewOf(embedderId(DEFAULT_PIPELINE.embedder))).toBeNull();
    expect(segmentsKeyOf(DEFAULT_PIPELINE)).toBe('clip8-cut0.18-min2');
    expect(segmentsKeyOf(objects)).toBe('clip8-cut0.18-min2-on0to64');
    // Imported with object tokens before the cut read the background alone (the key had no view).
    const before = { samplingKey: samplingKeyOf(objects), embeddingModel: embedderId(objects.embedder), segmentsKey: 'clip8-cut0.18-min2' };
    expect(staleness(before, objects)).toBe('resegment');
    expect(staleness({ ...before, segmentsKey: segmentsKeyOf(objects) }, objects)).toBe('current');
  });

  it('reads the rate back from a sampling key', () => {
    expect(fpsOfSamplingKey(samplingKeyOf({ ...DEFAULT_PIPELINE, fps: 0.5 }))).toBe(0.5);
    expect(fpsOfSamplingKey(undefined)).toBe(1);
  });
});
