// What the studio tells a user about one imported annotations file (issue #4): the one alert for
// a file that failed to parse, the caveats of one that worked, and the counts shown in Settings.
// Pure: the UI and state layers only pass the parser's result through these.

import { UserFacingError, type UserMessage } from '../errors';
import type { ImportIssue } from '../jsonRecords';
import type { AnnotationFormat, ImportedAnnotation } from './annotationsFile';

/** How many issues an alert lists by line; the rest are counted ("and K more"). */
export const LISTED_ISSUES = 10;

/** How many items an imported file holds. */
export interface AnnotationCounts {
  records: number;
  /** Records with a caption. */
  captions: number;
  /** Anchored QA pairs over all records. */
  qa: number;
  /** Cross-scene queries over all records. */
  crossScene: number;
}

export function annotationCounts(records: readonly ImportedAnnotation[]): AnnotationCounts {
  let captions = 0;
  let qa = 0;
  let crossScene = 0;
  for (const r of records) {
    if (r.caption !== undefined) captions++;
    qa += r.qa.length;
    crossScene += r.crossScene.length;
  }
  return { records: records.length, captions, qa, crossScene };
}

/** The file's format: the one most of its records have (a file may mix the two forms). */
export function annotationSetFormat(records: readonly ImportedAnnotation[]): AnnotationFormat {
  const llava = records.filter((r) => r.format === 'llava-video').length;
  return llava > records.length - llava ? 'llava-video' : 'annotations-jsonl';
}

/** "line 2: …; line 3: …" for the first `LISTED_ISSUES` issues, then "and K more". */
export function issueList(issues: readonly ImportIssue[], notListed = 0): string {
  const shown = issues.slice(0, LISTED_ISSUES).map((i) => `line ${i.line}: ${i.message}`);
  const more = issues.length - shown.length + notListed;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/**
 * The single error for a file that failed to parse. Nothing from it is stored, and the message
 * says so, because users otherwise wonder whether the valid lines went in (DESIGN.md §5).
 */
export function importFailure(fileName: string, errors: readonly ImportIssue[], moreErrors = 0): UserFacingError {
  const total = errors.length + moreErrors;
  return new UserFacingError(
    `${fileName} was not imported (${total} ${total === 1 ? 'problem' : 'problems'}; nothing from it was stored): ${issueList(errors, moreErrors)}.`,
    'Fix those lines and import the file again. The accepted forms (studio JSONL, a JSON array, LLaVA-Video style) are described in docs/annotations.md.',
  );
}

/** A caveat notice for a file that was imported although some of its content was ignored. */
export function importCaveats(fileName: string, warnings: readonly ImportIssue[]): UserMessage | null {
  if (warnings.length === 0) return null;
  return {
    title: `${fileName} imported with ${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}`,
    message: `${issueList(warnings)}.`,
    hint: 'The rest of the file was imported. Fix the file and import it again to replace this import.',
  };
}
