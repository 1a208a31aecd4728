// Bad input through the real command: each gives exactly one line on stderr starting `ferry:`,
// naming the file (or guest address), and a non-zero exit status; never a stack trace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElf, instructionBytes, PT } from '@ferry/runtime';
import { assemble } from '@ferry/isa-riscv';

const FERRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ferry-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CODE = instructionBytes([0x00000013, 0x00100073]);
const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const elf = (over: Partial<Parameters<typeof buildElf>[0]> = {}) =>
  buildElf({ entry: 0x10000, segments: [{ flags: 5, vaddr: 0x10000, data: CODE }], ...over });

function ferry(...args: string[]) {
  const r = spawnSync(process.execPath, [FERRY, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

function expectOneLine(r: ReturnType<typeof ferry>, pattern: RegExp) {
  expect(r.status).not.toBe(0);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ferry: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
}

describe('ferry run on bad input', () => {
  it('a file that is not ELF', () => expectOneLine(ferry('run', file('script.sh', '#!/bin/sh\necho hi\n')), /script\.sh: not an ELF file/));
  it('a 32-bit ELF', () => expectOneLine(ferry('run', file('elf32', elf({ elfClass: 1 }))), /elf32: .*32-bit ELF/));
  it('a non-RISC-V ELF', () => expectOneLine(ferry('run', file('x86', elf({ machine: 62 }))), /x86: .*not a RISC-V ELF \(machine 62\)/));
  it('a truncated header', () => expectOneLine(ferry('run', file('short', elf().subarray(0, 40))), /short: .*truncated ELF header/));
  it('a segment past the end of the file', () =>
    expectOneLine(ferry('run', file('past', elf({ segments: [{ flags: 5, vaddr: 0x10000, data: CODE, filesz: 0x10000 }] }))), /past: .*past end of file/));
  it('overlapping segments', () =>
    expectOneLine(
      ferry('run', file('overlap', elf({ segments: [{ flags: 5, vaddr: 0x10000, data: CODE, memsz: 0x2000 }, { flags: 6, vaddr: 0x11000, data: CODE }] }))),
      /overlap: .*overlap/,
    ));
  it('an absurdly large segment', () =>
    expectOneLine(ferry('run', file('huge', elf({ segments: [{ flags: 5, vaddr: 0x10000, data: CODE, memsz: 2 ** 40 }] }))), /huge: .*absurdly large/));
  it('a dynamically linked executable', () => {
    const segments = [
      { type: PT.INTERP, flags: 4, vaddr: 0x200, data: Buffer.from('/lib/ld-linux-riscv64-lp64d.so.1\0') },
      { flags: 5, vaddr: 0x10000, data: CODE },
    ];
    expectOneLine(ferry('run', file('dynamic', elf({ segments }))), /dynamic: dynamically linked .*rebuild with -static/);
  });
  it('a missing file', () => expectOneLine(ferry('run', join(dir, 'nope')), /nope: no such file/));
  it('an illegal instruction names the guest address (status 132, SIGILL)', () => {
    const r = ferry('run', file('illegal', elf({ segments: [{ flags: 5, vaddr: 0x10000, data: instructionBytes([0xffffffff]) }] })));
    expectOneLine(r, /illegal instruction .* at 0x10000/);
    expect(r.status).toBe(132);
  });
  it('a fault names the guest address (status 139, SIGSEGV)', () => {
    const { bytes } = assemble('li a0, 0x123458\nld a1, 0(a0)\nebreak');
    const r = ferry('run', file('fault', elf({ segments: [{ flags: 5, vaddr: 0x10000, data: bytes }] })));
    expectOneLine(r, /0x123458.*segmentation fault/);
    expect(r.status).toBe(139);
  });
  it('--max-insns stops with status 124', () => {
    const { bytes } = assemble('loop: j loop');
    const r = ferry('run', '--max-insns', '1000', file('spin', elf({ segments: [{ flags: 5, vaddr: 0x10000, data: bytes }] })));
    expectOneLine(r, /stopped after 1000 guest instructions/);
    expect(r.status).toBe(124);
  });
  it('an unknown command is a usage error', () => {
    const r = ferry('frobnicate');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Unknown|ferry:/);
  });
});
