// File I/O of the CLI: reading inputs with errors that name the file and the fix, and writing a
// run's outputs so a failed or cancelled run leaves no half-written file behind.
//
// Must: `writeOutputs` writes every file to a temporary name first and renames them only when all
// are written (a reader never sees a partial triples.jsonl).
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from './errors';

function code(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** True when `path` exists (file or folder). */
export const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** The whole text of `path` ('-' reads stdin). */
export async function readText(path: string, what: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const c = code(e);
    if (c === 'ENOENT') throw new CliError(`${what} ${path} does not exist.`, 'Check the path (relative paths start from the current directory).', { cause: e });
    if (c === 'EISDIR') throw new CliError(`${what} ${path} is a directory, not a file.`, 'Name the file inside it.', { cause: e });
    if (c === 'EACCES') throw new CliError(`${what} ${path} cannot be read (permission denied).`, 'Fix its permissions or copy it somewhere readable.', { cause: e });
    throw new CliError(`${what} ${path} cannot be read: ${e instanceof Error ? e.message : String(e)}.`, 'Check the path and try again.', { cause: e });
  }
}

/** Writes `text` to `path`, or to stdout when `path` is '-'. */
export async function writeText(path: string, text: string): Promise<void> {
  if (path === '-') {
    process.stdout.write(text);
    return;
  }
  await writeOutputs(dirname(path), { [basename(path)]: text });
}

/**
 * Writes `files` (name → text) into `dir`, creating it; all-or-nothing via temporary names. A
 * cancel that arrives while writing removes the temporary files and throws its AbortError.
 */
export async function writeOutputs(dir: string, files: Record<string, string>, signal?: AbortSignal): Promise<string[]> {
  signal?.throwIfAborted();
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`Cannot create the output directory ${dir}: ${e instanceof Error ? e.message : String(e)}.`, 'Choose a writable --out directory.', { cause: e });
  }
  const suffix = `.tmp-${process.pid}`;
  const written: string[] = [];
  let current = dir;
  try {
    for (const [name, text] of Object.entries(files)) {
      const target = join(dir, name);
      current = name;
      await writeFile(target + suffix, text, 'utf8');
      written.push(target);
    }
    signal?.throwIfAborted();
    for (const target of written) await rename(target + suffix, target);
  } catch (e) {
    await Promise.all(written.map((t) => rm(t + suffix, { force: true })));
    if (e instanceof Error && e.name === 'AbortError') throw e;
    throw new CliError(`Cannot write ${current} in ${dir}: ${e instanceof Error ? e.message : String(e)}.`, 'Check free disk space and that the directory is writable.', { cause: e });
  }
  return written;
}
