// Imported annotation files (issue #4) in the `annotationSets` store. A file is stored whole or
// not at all: the caller stores only a file that parsed without an error (docs/annotations.md).
import type { StudioDatabase } from './db';
import type { AnnotationSetRecord } from './schema';

/**
 * Stores a parsed file and, in the same transaction, drops earlier imports of a file with the same
 * name: re-importing an edited file replaces it instead of doubling its records in the merged
 * imported generator. Resolves with how many earlier imports were replaced.
 */
export async function putAnnotationSet(db: StudioDatabase, set: AnnotationSetRecord): Promise<{ replaced: number }> {
  const tx = db.transaction('annotationSets', 'readwrite');
  let replaced = 0;
  for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
    if (cursor.value.sourceName === set.sourceName && cursor.value.id !== set.id) {
      await cursor.delete();
      replaced++;
    }
  }
  await tx.store.put(set);
  await tx.done;
  return { replaced };
}

/** Every stored set, oldest import first (the order their records are merged in). */
export async function listAnnotationSets(db: StudioDatabase): Promise<AnnotationSetRecord[]> {
  const sets = await db.getAll('annotationSets');
  return sets.sort((a, b) => a.importedAt - b.importedAt || a.id.localeCompare(b.id));
}

export async function deleteAnnotationSet(db: StudioDatabase, id: string): Promise<void> {
  await db.delete('annotationSets', id);
}
