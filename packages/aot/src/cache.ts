// The persistent translation cache: AOT modules in one directory, named by a key derived from
// the guest's content hash, the translation options and Ferry's version, so a changed binary or
// a new Ferry never reuses a stale module. Writers write a temporary file and rename it into
// place (atomic on one file system), so a concurrent reader sees a whole module or none; a
// lock file keeps two runs from compiling the same key at once. Size-limited: least recently
// used modules (by mtime, refreshed on every hit) are deleted past the limit.
// Invariant: every `<key>.wasm` in the directory is complete; errors reading the cache are misses.
import { createHash } from 'node:crypto';
import {
  closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FerryError } from '@ferry/util';
import { FERRY_AOT_VERSION } from './version.js';

export { CACHE_DIR_ENV } from './cache-env.js';
/** 2 GiB (2 << 30 would be a negative 32-bit int and prune everything). */
export const DEFAULT_CACHE_LIMIT = 2 * 2 ** 30;
/** A compile lock older than this is taken to be left by a process that died. */
const STALE_LOCK_MS = 15 * 60_000;

export class TranslationCache {
  constructor(readonly dir: string, readonly limitBytes = DEFAULT_CACHE_LIMIT) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new FerryError(`cache directory ${dir}: cannot create it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }

  /** $XDG_CACHE_HOME/ferry, else ~/.cache/ferry (used by --tier aot without a cache directory). */
  static defaultDir(): string {
    return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ferry');
  }

  static keyFor(contentHash: string, options: string, version = FERRY_AOT_VERSION): string {
    return createHash('sha256').update(`${version}\n${options}\n${contentHash}`).digest('hex').slice(0, 40);
  }

  pathOf(key: string): string {
    return join(this.dir, `${key}.wasm`);
  }

  /** The cached module, or undefined; a hit refreshes its mtime (LRU). */
  read(key: string): Uint8Array | undefined {
    const path = this.pathOf(key);
    try {
      const bytes = readFileSync(path);
      const now = new Date();
      utimesSync(path, now, now);
      return bytes;
    } catch {
      return undefined;
    }
  }

  /** Stores a module atomically, then trims the cache to its limit. */
  write(key: string, bytes: Uint8Array): string {
    const path = this.pathOf(key);
    const temporary = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      writeFileSync(temporary, bytes);
      renameSync(temporary, path);
    } catch (e) {
      try {
        unlinkSync(temporary);
      } catch {
        // already gone
      }
      throw new FerryError(`cache directory ${this.dir}: cannot store ${key}.wasm (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    this.prune(key);
    return path;
  }

  /** Takes the compile lock for key; false if another live process holds it. */
  lock(key: string): boolean {
    const lockPath = join(this.dir, `${key}.lock`);
    try {
      closeSync(openSync(lockPath, 'wx'));
      return true;
    } catch {
      try {
        if (Date.now() - statSync(lockPath).mtimeMs < STALE_LOCK_MS) return false;
        unlinkSync(lockPath);
        closeSync(openSync(lockPath, 'wx'));
        return true;
      } catch {
        return false;
      }
    }
  }

  unlock(key: string): void {
    try {
      unlinkSync(join(this.dir, `${key}.lock`));
    } catch {
      // already gone
    }
  }

  /** Deletes least recently used modules until the total is within the limit (never `keep`). */
  prune(keep?: string): void {
    const files: { path: string; size: number; mtime: number }[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.wasm') || name === `${keep}.wasm`) continue;
      try {
        const s = statSync(join(this.dir, name));
        files.push({ path: join(this.dir, name), size: s.size, mtime: s.mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
    let total = files.reduce((n, f) => n + f.size, 0) + (keep ? (statSync(this.pathOf(keep), { throwIfNoEntry: false })?.size ?? 0) : 0);
    for (const f of files.sort((a, b) => a.mtime - b.mtime)) {
      if (total <= this.limitBytes) break;
      try {
        unlinkSync(f.path);
      } catch {
        // another process pruned it
      }
      total -= f.size;
    }
  }
}
