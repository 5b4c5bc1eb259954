import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Mode of every file Parley creates under `PARLEY_HOME` (database, secrets, uploads, photos): owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of every folder Parley creates under `PARLEY_HOME`: owner only. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` (and missing parents) owner-only, and tightens it when it already exists. Parents that existed
 * before are left alone (they may be shared folders such as `/tmp`).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes sure the file at `path` exists with mode 0600 before a library opens it: SQLite gives its `-wal` and `-shm`
 * files the mode of the database file, so creating the database owner-only keeps all three private.
 */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Tightens everything under `root` (itself included) that is group- or world-accessible: folders to 0700, files to
 * 0600. Symbolic links are not followed (they may point outside `root`). Returns how many entries were changed.
 * Runs at start so that files written by older versions (or copied in with a loose umask) become private too.
 */
export function tightenPrivateTree(root: string): number {
  let changed = 0;
  const visit = (path: string): void => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return; // removed meanwhile (an expired upload)
    }
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o077) !== 0) {
        chmodSync(path, PRIVATE_DIR_MODE);
        changed++;
      }
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (stat.isFile() && (stat.mode & 0o077) !== 0) {
      chmodSync(path, PRIVATE_FILE_MODE);
      changed++;
    }
  };
  visit(root);
  return changed;
}
