// The host facts a Machine needs at start-up, found without loading Node's tty and crypto modules
// (~3-5 ms each to load, more than the rest of a small program's start): whether a host fd is a
// terminal, and random bytes. Invariant: each answers exactly as tty.isatty / crypto.randomFillSync
// would; those modules are loaded only when the cheap answer cannot decide (a character device
// that may be a terminal; a host without /dev/urandom).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** tty.isatty(fd): only character devices can be terminals, and fstat says which fds are. */
export function hostIsTerminal(fd: number): boolean {
  let characterDevice: boolean;
  try {
    characterDevice = fstatSync(fd).isCharacterDevice();
  } catch {
    return false; // Closed or invalid: isatty says no too.
  }
  return characterDevice && (require('node:tty') as typeof import('node:tty')).isatty(fd);
}

let urandomMissing = false;

/** Fill `into` with random bytes from the host's /dev/urandom, else from node:crypto. */
export function hostRandomFill(into: Uint8Array): void {
  if (!urandomMissing) {
    let fd: number | undefined;
    try {
      fd = openSync('/dev/urandom', 'r');
      for (let done = 0; done < into.length; ) {
        const got = readSync(fd, into, done, into.length - done, null);
        if (got === 0) throw new Error('/dev/urandom: end of file');
        done += got;
      }
      return;
    } catch {
      urandomMissing = true;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  (require('node:crypto') as typeof import('node:crypto')).randomFillSync(into);
}
