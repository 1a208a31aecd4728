// Machine.load on crafted RV64 executables: Linux initial stack layout, segment permissions, bss,
// PIE base, symbols, wasm helper imports and the memory limit.
import { HELPERS, PageFlag } from '@ferry/abi';
import { FerryError } from '@ferry/util';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElf, instructionBytes } from './elf-builder.js';
import { PT } from './elf.js';
import { GuestLayout } from './layout.js';
import { Machine, type MachineOptions } from './machine.js';
import { Prot } from './memory.js';
import { AT, RISCV_HWCAP } from './stack.js';

let dir: string;
const CODE = instructionBytes([0x00000013, 0x05d00893, 0x00000073]); // nop; li a7,93; ecall
const DATA = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

function writeProgram(name: string, type = 2, stackFlags = 6): string {
  const path = join(dir, name);
  const segments = [
    { type: PT.GNU_STACK, flags: stackFlags, vaddr: 0, data: new Uint8Array(0) },
    { flags: 5, vaddr: 0x10000, data: CODE },
    { flags: 6, vaddr: 0x12ff8, data: DATA, memsz: 0x2000 }, // data, then bss across a page
  ];
  writeFileSync(
    path,
    buildElf({
      type,
      entry: 0x10000,
      segments,
      symbols: [{ name: '_start', value: 0x10000, size: 12, type: 'func' }],
      textSection: { start: 0x10000, end: 0x1000c },
    }),
  );
  return path;
}

const load = (path: string, extra: Partial<MachineOptions> = {}): Machine =>
  Machine.load({
    path,
    argv: ['prog', 'one', 'two words'],
    env: ['HOME=/home/guest', 'LANG=C'],
    dirs: [],
    random: (into) => into.fill(0xab),
    stdout: { write: () => {} },
    stderr: { write: () => {} },
    ...extra,
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-machine-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Machine.load of a static executable', () => {
  it('lays out argc, argv, envp and auxv like Linux, sp 16-byte aligned', () => {
    const path = writeProgram('exec');
    const m = load(path);
    const mem = m.memory;
    const sp = m.state.x(2);
    expect(sp % 16n).toBe(0n);
    expect(m.state.pc).toBe(0x10000n);
    expect(mem.read64(sp)).toBe(3n);
    const argv = [1, 2, 3].map((i) => mem.readCString(mem.read64(sp + BigInt(8 * i))));
    expect(argv).toEqual(['prog', 'one', 'two words']);
    expect(mem.read64(sp + 32n)).toBe(0n);
    expect(mem.readCString(mem.read64(sp + 40n))).toBe('HOME=/home/guest');
    expect(mem.readCString(mem.read64(sp + 48n))).toBe('LANG=C');
    expect(mem.read64(sp + 56n)).toBe(0n);

    const auxv = new Map<number, bigint>();
    for (let at = sp + 64n; ; at += 16n) {
      const key = Number(mem.read64(at));
      auxv.set(key, mem.read64(at + 8n));
      if (key === AT.NULL) break;
    }
    expect(auxv.get(AT.PAGESZ)).toBe(4096n);
    expect(auxv.get(AT.ENTRY)).toBe(0x10000n);
    expect(auxv.get(AT.PHNUM)).toBe(3n);
    expect(auxv.get(AT.PHENT)).toBe(56n);
    expect(auxv.get(AT.BASE)).toBe(0n);
    expect(auxv.get(AT.SECURE)).toBe(0n);
    expect(auxv.get(AT.CLKTCK)).toBe(100n);
    expect(auxv.get(AT.HWCAP)).toBe(BigInt(RISCV_HWCAP));
    expect(RISCV_HWCAP).toBe(0x112d);
    // The program headers sit in no PT_LOAD of this file, so AT_PHDR cannot point at them.
    expect(auxv.get(AT.PHDR)).toBe(0n);
    const random = auxv.get(AT.RANDOM)!;
    expect([...mem.readBytes(random, 16)]).toEqual(new Array(16).fill(0xab));
    // Outside every mapped directory the exec file name is the absolute host path, as under qemu.
    expect(mem.readCString(auxv.get(AT.EXECFN)!)).toBe(realpathSync(path));
    // Strings live above the vectors, below the stack top.
    expect(random).toBeGreaterThan(sp);
    expect(auxv.get(AT.EXECFN)!).toBeLessThan(BigInt(GuestLayout.stackTop));
  });

  it('maps segments with their permissions, copies file bytes and zeroes bss', () => {
    const m = load(writeProgram('perm'));
    expect(m.memory.protectionAt(0x10000)).toBe(Prot.READ | Prot.EXEC);
    expect(m.memory.protectionAt(0x12000)).toBe(Prot.READ | Prot.WRITE);
    expect(m.memory.fetchSlow(0x10004n)).toBe(0x05d00893);
    expect([...m.memory.readBytes(0x12ff8, 8)]).toEqual([...DATA]);
    expect(m.memory.read64(0x13000)).toBe(0n);
    expect(m.memory.read64(0x14ff0)).toBe(0n);
    expect(m.kernel.brkStart).toBe(0x15000);
    // NX stack unless PT_GNU_STACK asks for PF_X
    expect(m.memory.protectionAt(GuestLayout.stackTop - 8)).toBe(Prot.READ | Prot.WRITE);
    const executableStack = load(writeProgram('xstack', 2, 7));
    expect(executableStack.memory.protectionAt(GuestLayout.stackTop - 8)).toBe(Prot.READ | Prot.WRITE | Prot.EXEC);
  });

  it('exposes symbols and executable ranges', () => {
    const m = load(writeProgram('syms'));
    expect(m.elf.findSymbol('_start')).toEqual({ name: '_start', value: 0x10000, size: 12, type: 'func' });
    expect(m.elf.symbolAt(0x10008)?.name).toBe('_start');
    expect(m.elf.executableRanges()).toEqual([{ name: '.text', start: 0x10000, end: 0x1000c }]);
  });

  it('loads a static-PIE at the PIE base and moves symbols with it', () => {
    const m = load(writeProgram('pie', 3));
    const base = GuestLayout.pieBase;
    expect(m.elf.kind).toBe('pie');
    expect(m.state.pc).toBe(BigInt(base + 0x10000));
    expect(m.elf.findSymbol('_start')?.value).toBe(base + 0x10000);
    expect(m.memory.fetchSlow(BigInt(base + 0x10004))).toBe(0x05d00893);
  });

  it('supplies every abi helper and the shared memory as wasm imports', () => {
    const m = load(writeProgram('helpers'));
    const imports = m.helpers();
    for (const name of Object.keys(HELPERS)) expect(typeof imports[name]).toBe('function');
    expect(imports['memory']).toBe(m.wasmMemory);
    const loadSlow = imports['load_slow'] as (a: bigint, s: number, pc: bigint) => bigint;
    expect(loadSlow(0x10004n, 4, 0n)).toBe(0x05d00893n);
    const fadd = imports['fadd_d'] as (a: bigint, b: bigint, rm: number) => bigint;
    const bits = (x: number): bigint => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
    expect(fadd(bits(1.5), bits(2.25), 0)).toBe(bits(3.75));
  });

  it('lets the engine observe stores to code pages', () => {
    const m = load(writeProgram('code'));
    const pages: number[] = [];
    m.onCodeWrite = (page) => {
      pages.push(page);
      m.memory.clearCode(page);
    };
    m.memory.markCode(0x12);
    expect(m.memory.shadowTable[0x12]! & PageFlag.CODE).toBe(PageFlag.CODE);
    m.memory.storeSlow(0x12ff8n, 8, 5n, 0n);
    expect(pages).toEqual([0x12]);
  });

  it('refuses a program larger than the memory limit, naming the file', () => {
    const path = writeProgram('big');
    expect(() => load(path, { memLimit: 1 << 20 })).toThrow(FerryError);
    expect(() => load(path, { memLimit: 1 << 20 })).toThrow(`${path}: needs`);
  });
});
