// host-devices: the cheap answers agree with Node's tty.isatty and fill buffers with random bytes.
import { closeSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';
import { describe, expect, it } from 'vitest';
import { hostIsTerminal, hostRandomFill } from './host-devices.js';

describe('hostIsTerminal', () => {
  it('agrees with tty.isatty on stdio, a regular file, /dev/null and a closed fd', () => {
    const file = openSync(new URL(import.meta.url), 'r');
    const devNull = openSync('/dev/null', 'r');
    const closed = openSync('/dev/null', 'r');
    closeSync(closed);
    try {
      for (const fd of [0, 1, 2, file, devNull, closed]) expect(hostIsTerminal(fd), `fd ${fd}`).toBe(isatty(fd));
      expect(hostIsTerminal(file)).toBe(false);
      expect(hostIsTerminal(devNull)).toBe(false);
    } finally {
      closeSync(file);
      closeSync(devNull);
    }
  });
});

describe('hostRandomFill', () => {
  it('fills the whole buffer, differently each call', () => {
    const a = new Uint8Array(4096);
    const b = new Uint8Array(4096);
    hostRandomFill(a);
    hostRandomFill(b);
    // 4096 random bytes: some value of each half is nonzero, and two draws differ.
    expect(a.subarray(0, 2048).some((x) => x !== 0)).toBe(true);
    expect(a.subarray(2048).some((x) => x !== 0)).toBe(true);
    expect(Buffer.compare(a, b)).not.toBe(0);
  });
});
