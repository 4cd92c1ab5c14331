// Imported annotations (issue #4) served through the Generator contract: captions, anchored QA and
// cross-scene queries from a file the user brings, read by annotationsFile.ts. Matching rules:
// docs/annotations.md. Pure: nothing here reads files or knows a browser exists.
import type { AnchoredQA, AnchoredQARequest, AnswerRequest, CancelSignal, CaptionRequest, ClipRef, CrossSceneQuery, CrossSceneQueryRequest, Generated, Generator, Provenance, SpecificityVerdict } from './types';
import { GeneratorUnavailableError } from './types';
import { normalizeQuestion, spanText, type AnnotationFormat, type ImportedAnnotation, type ImportedCrossScene } from './annotationsFile';

export { normalizeQuestion } from './annotationsFile';

export interface ImportedGeneratorOptions {
  /** The annotations file's name: shown in the UI and recorded as provenance `model`. */
  sourceName: string;
  /**
   * A timed record matches a clip when their overlap covers at least this fraction of the
   * shorter of the two spans (default 0.5), so a record that only grazes a clip is not used.
   */
  minOverlap?: number;
}

/**
 * Serves imported annotations through the Generator contract. A clip resolves to the records of
 * its video (by library video id, file name, or file stem when the record gives no extension)
 * whose time span overlaps it enough; the largest overlap wins, then the closest length, then
 * file order. Whole-video records (no times) are used only when no timed record matches.
 */
export class ImportedGenerator implements Generator {
  readonly kind = 'imported' as const;
  readonly label: string;
  private readonly byStem = new Map<string, ImportedAnnotation[]>();
  private readonly minOverlap: number;

  constructor(
    readonly annotations: readonly ImportedAnnotation[],
    private readonly options: ImportedGeneratorOptions,
  ) {
    this.label = `Imported: ${options.sourceName}`;
    this.minOverlap = options.minOverlap ?? 0.5;
    for (const a of annotations) {
      const key = stem(baseName(a.video));
      this.byStem.set(key, [...(this.byStem.get(key) ?? []), a]);
    }
  }

  /** Records for the clip, best match first (see the class comment). */
  annotationsFor(clip: ClipRef): ImportedAnnotation[] {
    const candidates = new Set([...(this.byStem.get(stem(baseName(clip.videoName))) ?? []), ...(this.byStem.get(stem(clip.videoId)) ?? [])]);
    const clipLen = clip.endS - clip.startS;
    const timed: { a: ImportedAnnotation; overlap: number; lenGap: number }[] = [];
    const whole: ImportedAnnotation[] = [];
    for (const a of candidates) {
      if (!sameVideo(a.video, clip)) continue;
      if (a.startS === undefined || a.endS === undefined) {
        whole.push(a);
        continue;
      }
      const overlap = Math.min(clip.endS, a.endS) - Math.max(clip.startS, a.startS);
      const annLen = a.endS - a.startS;
      const enough = clipLen > 0 ? overlap > 0 && overlap >= this.minOverlap * Math.min(clipLen, annLen) : clip.startS >= a.startS && clip.startS < a.endS;
      if (enough) timed.push({ a, overlap, lenGap: Math.abs(annLen - clipLen) });
    }
    timed.sort((x, y) => y.overlap - x.overlap || x.lenGap - y.lenGap || x.a.line - y.a.line);
    return [...timed.map((t) => t.a), ...whole.sort((x, y) => x.line - y.line)];
  }

  async caption(req: CaptionRequest, signal?: CancelSignal): Promise<Generated<string>> {
    throwIfCancelled(signal);
    // Imported captions are fixed text: `previousCaptions` (recursive captioning) cannot change them.
    const a = this.annotationsFor(req.clip).find((x) => x.caption !== undefined);
    if (!a?.caption) throw this.unavailable('caption', req.clip);
    return { value: a.caption, provenance: this.provenance(a.format) };
  }

  async anchoredQA(req: AnchoredQARequest, signal?: CancelSignal): Promise<Generated<AnchoredQA>> {
    throwIfCancelled(signal);
    // Every QA the file has for the clip, in file order; variant v takes the v-th (cycling).
    const all = this.annotationsFor(req.clip).flatMap((a) => a.qa.map((qa) => ({ a, qa })));
    const pick = all[Math.max(0, Math.floor(req.variant ?? 0)) % Math.max(1, all.length)];
    if (!pick) throw this.unavailable('question and answer', req.clip);
    return { value: { ...pick.qa }, provenance: this.provenance(pick.a.format) };
  }

  /**
   * Stage 2 (`sceneNumbers` given): a cross-scene query of the file with this question answers
   * from its `answer` when every scene it cites is given (y+), and from the `degraded_answers`
   * entry for exactly the given scenes otherwise (y−). Then, and for every other caller, the
   * imported QA of the first given clip that has the question.
   */
  async answer(req: AnswerRequest, signal?: CancelSignal): Promise<Generated<string>> {
    throwIfCancelled(signal);
    const wanted = normalizeQuestion(req.question);
    const scenes = req.sceneNumbers?.map((n) => n - 1);
    const matching = scenes && req.clips[0] ? this.crossSceneOf(req.clips[0]).filter(({ q }) => normalizeQuestion(q.question) === wanted) : [];
    if (scenes) {
      const given = new Set(scenes);
      for (const { q, a } of matching) {
        if (q.citedScenes.every((k) => given.has(k))) return { value: q.answer, provenance: this.provenance(a.format) };
        const d = q.degradedAnswers?.find((x) => x.scenes.length === given.size && x.scenes.every((k) => given.has(k)));
        if (d) return { value: d.answer, provenance: this.provenance(a.format) };
      }
    }
    for (const clip of req.clips) {
      for (const a of this.annotationsFor(clip)) {
        const qa = a.qa.find((q) => normalizeQuestion(q.question) === wanted);
        if (qa) return { value: qa.answer, provenance: this.provenance(a.format) };
      }
    }
    if (scenes && matching.length) {
      // The report keeps only the message (firstGeneratorProblem), so it names the fix too.
      const context = scenes.map((k) => `Scene #${k + 1}`).join(', ');
      const entry = `{"scenes": ${JSON.stringify([...scenes].sort((x, y) => x - y))}, "answer": "…"}`;
      throw new GeneratorUnavailableError(
        `${this.options.sourceName} has no answer to "${req.question.slice(0, 80)}" from ${context} alone (line ${matching[0]?.a.line}): add ${entry} to that cross_scene entry's "degraded_answers".`,
        'Stage 2\'s rejected answer is what someone who sees only part of the video says; the file must give it (docs/annotations.md, "What Stage 2 needs from the file"), or use the demo oracle or an endpoint to answer.',
      );
    }
    throw new GeneratorUnavailableError(
      `${this.options.sourceName} has no answer to "${req.question.slice(0, 80)}" for the ${req.clips.length} clip(s) given.`,
      'Imported annotations can only answer questions they contain. Add the question to those clips\' "qa" in the file, or use the demo oracle or an endpoint to answer.',
    );
  }

  /** The file's cross-scene queries for the clip's video, in file order. */
  private crossSceneOf(clip: ClipRef): { q: ImportedCrossScene; a: ImportedAnnotation }[] {
    return this.annotations.filter((a) => sameVideo(a.video, clip)).flatMap((a) => a.crossScene.map((q) => ({ q, a })));
  }

  async crossSceneQuery(req: CrossSceneQueryRequest, signal?: CancelSignal): Promise<Generated<CrossSceneQuery>> {
    throwIfCancelled(signal);
    const first = req.video[0];
    const sceneCount = Math.max(req.video.length, ...req.captions.map((c) => c.index + 1));
    // File order; a query citing a scene the video does not have (another scene split) is skipped.
    const found = first ? this.crossSceneOf(first) : [];
    // Variant v takes the v-th query that fits (cycling), as anchoredQA does with a clip's QA.
    const fitting = found.filter(({ q }) => q.citedScenes.every((k) => k < sceneCount));
    const hit = fitting[Math.max(0, Math.floor(req.variant ?? 0)) % Math.max(1, fitting.length)];
    if (!hit) {
      throw new GeneratorUnavailableError(
        `${this.options.sourceName} has no cross-scene query for ${first?.videoName ?? 'this video'}${found.length ? ` that fits its ${sceneCount} scenes` : ''}.`,
        'Add a record with "cross_scene" for this video (docs/annotations.md), or use an endpoint to write the query.',
      );
    }
    const { question, answer, reasoning, citedScenes, taskType } = hit.q;
    return { value: { question, answer, reasoning, citedScenes: [...citedScenes], taskType }, provenance: this.provenance(hit.a.format) };
  }

  /**
   * A proxy judge: the question counts as specific unless one of the other clips has an
   * imported QA with the same (normalised) question — then that clip could answer it too.
   */
  async judgeSpecificity(req: { question: string; anchor: ClipRef; others: ClipRef[] }, signal?: CancelSignal): Promise<Generated<SpecificityVerdict>> {
    throwIfCancelled(signal);
    const wanted = normalizeQuestion(req.question);
    const answersOf = (c: ClipRef) => this.annotationsFor(c).flatMap((a) => a.qa.filter((q) => normalizeQuestion(q.question) === wanted).map((q) => normalizeAnswer(q.answer)));
    // Another clip "can answer" when the file gives it the same question with the anchor's answer:
    // then the question does not need the anchor. The same question with a different answer is
    // what makes a plausible-but-wrong rejected answer, so it does not count against the anchor.
    const anchorAnswers = new Set(answersOf(req.anchor));
    const answerableBy = req.others.filter((c) => answersOf(c).some((a) => anchorAnswers.size === 0 || anchorAnswers.has(a))).map((c) => c.id);
    const reason = answerableBy.length
      ? `${answerableBy.length} other clip(s) have the same question with the same answer in ${this.options.sourceName}.`
      : `No other clip has this question with the anchor's answer in ${this.options.sourceName}.`;
    const format = this.annotationsFor(req.anchor)[0]?.format ?? this.annotations[0]?.format ?? 'annotations-jsonl';
    return { value: { specific: answerableBy.length === 0, answerableBy, reason }, provenance: this.provenance(format) };
  }

  private provenance(format: AnnotationFormat): Provenance {
    return { generator: 'imported', model: this.options.sourceName, promptId: format, promptVersion: 1 };
  }

  private unavailable(what: string, clip: ClipRef): GeneratorUnavailableError {
    return new GeneratorUnavailableError(
      `${this.options.sourceName} has no ${what} for ${clip.videoName} ${spanText(clip.startS, clip.endS)}.`,
      `Add a record for this clip to the file ("video": "${clip.videoName}", "start_s", "end_s"; see docs/annotations.md), or choose another generator.`,
    );
  }
}

/** Lower-case, whitespace collapsed, trailing punctuation dropped: "Red." equals "red". */
function normalizeAnswer(a: string): string {
  return a.toLowerCase().replace(/\s+/g, ' ').trim().replace(/[?.!]+$/, '').trim();
}


function sameVideo(video: string, clip: ClipRef): boolean {
  if (video === clip.videoId) return true;
  const name = baseName(video);
  const clipName = baseName(clip.videoName);
  return name === clipName || (!name.includes('.') && name === stem(clipName));
}

/** Last path segment, lower-case (`academic_source/Charades/Q04US.mp4` → `q04us.mp4`). */
function baseName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).toLowerCase();
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name).toLowerCase();
}


function throwIfCancelled(signal: CancelSignal | undefined): void {
  if (!signal?.aborted) return;
  if (signal.reason instanceof Error) throw signal.reason;
  const e = new Error('The operation was aborted.');
  e.name = 'AbortError';
  throw e;
}
