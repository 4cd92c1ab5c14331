// Real `ffmpeg -hide_banner -i FILE` output of Debian's ffmpeg 5.1 (the version inside
// @ffmpeg/core 0.12) for the e2e fixture videos, kept as text in tests/fixtures/ffmpeg-info.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpegOpenError, parseFfmpegInfo } from './ffmpegInfo';

const log = (name: string) => readFileSync(resolve(__dirname, '../../tests/fixtures/ffmpeg-info', `${name}.txt`), 'utf8');

describe('ffmpeg -i output', () => {
  it('reads MPEG-2 in Matroska', () => {
    expect(ffmpegOpenError(log('mpeg2'))).toBeNull();
    expect(parseFfmpegInfo(log('mpeg2'))).toEqual({ container: 'matroska,webm', durationS: 6, video: { codec: 'mpeg2video', width: 320, height: 240, fps: 25, rotation: 0 }, hasAudio: false });
  });

  it('reads MPEG-4 Part 2 in AVI with audio', () => {
    expect(parseFfmpegInfo(log('mpeg4'))).toEqual({ container: 'avi', durationS: 5.04, video: { codec: 'mpeg4', width: 320, height: 240, fps: 25, rotation: 0 }, hasAudio: true });
  });

  it('swaps the display size of a rotated video', () => {
    expect(parseFfmpegInfo(log('rotated')).video).toEqual({ codec: 'h264', width: 240, height: 320, fps: 30, rotation: 90 });
  });

  it('reads a variable frame rate as the average', () => {
    const info = parseFfmpegInfo(log('vfr'));
    expect(info.durationS).toBeCloseTo(8.53, 2);
    expect(info.video?.fps).toBeCloseTo(13.42, 2);
  });

  it('finds no video in an audio-only file', () => {
    const info = parseFfmpegInfo(log('audio-only'));
    expect(info.video).toBeNull();
    expect(info.hasAudio).toBe(true);
  });

  it('tells a truncated mp4 from a file that is not a video', () => {
    expect(ffmpegOpenError(log('truncated'))).toMatch(/incomplete.*moov/);
    expect(ffmpegOpenError(log('notes'))).toMatch(/not a video container/);
    expect(ffmpegOpenError('')).toMatch(/could not open/);
  });
});
