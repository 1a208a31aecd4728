// Checks the committed guest corpus without running it: the manifest is well formed, every
// entry has a source, a binary and recorded expectations for each run variant, and every
// binary is a static RISC-V ELF64 executable (class 2, machine 243 = EM_RISCV, no PT_INTERP).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir, expectedPaths, loadManifest, prepareRun, readExpected } from './corpus-lib.mjs';

const EM_RISCV = 243;
const ELFCLASS64 = 2;
const ET_EXEC = 2;
const PT_INTERP = 3;
const PT_DYNAMIC = 2;

interface ElfFacts { elfClass: number; littleEndian: boolean; type: number; machine: number; programTypes: number[] }

/** Reads the ELF header and program header types of a 64-bit little-endian file. */
function elfFacts(bytes: Buffer): ElfFacts {
  const magic = bytes.subarray(0, 4).toString('latin1');
  if (magic !== '\x7fELF') throw new Error('not an ELF file (bad magic)');
  const phoff = Number(bytes.readBigUInt64LE(0x20));
  const phentsize = bytes.readUInt16LE(0x36);
  const phnum = bytes.readUInt16LE(0x38);
  const programTypes: number[] = [];
  for (let i = 0; i < phnum; i++) programTypes.push(bytes.readUInt32LE(phoff + i * phentsize));
  return { elfClass: bytes[4]!, littleEndian: bytes[5] === 1, type: bytes.readUInt16LE(0x10), machine: bytes.readUInt16LE(0x12), programTypes };
}

const manifest = loadManifest();

describe('corpus manifest', () => {
  it('has at least 25 programs and 6 benchmarks, each with a one-line purpose', () => {
    expect(manifest.filter((e) => !e.bench).length).toBeGreaterThanOrEqual(25);
    expect(manifest.filter((e) => e.bench).length).toBeGreaterThanOrEqual(6);
    for (const entry of manifest) expect(entry.purpose, entry.name).not.toContain('\n');
  });

  it('lists every source file exactly once', () => {
    const sources = readdirSync(join(corpusDir, 'src')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
    expect(manifest.map((e) => e.name).sort()).toEqual(sources);
  });

  it('gives benchmarks a default and a full size argument, and wasm builds', () => {
    for (const entry of manifest.filter((e) => e.bench)) {
      expect(Object.keys(entry.runs).sort(), entry.name).toEqual(['default', 'full']);
      expect(entry.runs.default!.args, entry.name).toHaveLength(1);
      expect(Number(entry.runs.full!.args[0]), entry.name).toBeGreaterThan(Number(entry.runs.default!.args[0]));
      expect(entry.wasm, entry.name).toBe(true);
    }
  });

  it('prepares argv with argv[0] = corpus/bin/<name>, a temp directory first when asked, and the exact env', () => {
    const fileIo = manifest.find((e) => e.runs.default!.tmpdir)!;
    const prepared = prepareRun(fileIo, 'default');
    try {
      expect(prepared.argv[0]).toBe(`corpus/bin/${fileIo.name}`);
      expect(prepared.argv[1]).toBe(prepared.tmpdir);
      expect(existsSync(prepared.tmpdir!)).toBe(true);
      expect(readdirSync(prepared.tmpdir!)).toEqual([]);
    } finally {
      prepared.cleanup();
    }
    expect(existsSync(prepared.tmpdir!)).toBe(false);
    const withEnv = manifest.find((e) => (e.runs.default!.env ?? []).length > 0)!;
    const envRun = prepareRun(withEnv, 'default');
    expect(Object.entries(envRun.env).map(([k, v]) => `${k}=${v}`)).toEqual(withEnv.runs.default!.env);
    expect(envRun.tmpdir).toBeUndefined();
    const withStdin = manifest.find((e) => e.runs.default!.stdin)!;
    expect(prepareRun(withStdin, 'default').stdin!.length).toBeGreaterThan(0);
  });
});

describe.each(manifest.map((e) => [e.name, e] as const))('corpus entry %s', (name, entry) => {
  it('has a static RISC-V ELF64 executable in corpus/bin', () => {
    const path = join(corpusDir, 'bin', name);
    expect(existsSync(path), `${path} missing: run corpus/build.sh`).toBe(true);
    const facts = elfFacts(readFileSync(path));
    expect(facts.elfClass).toBe(ELFCLASS64);
    expect(facts.littleEndian).toBe(true);
    expect(facts.machine).toBe(EM_RISCV);
    expect(facts.type).toBe(ET_EXEC);
    expect(facts.programTypes).not.toContain(PT_INTERP);
    expect(facts.programTypes).not.toContain(PT_DYNAMIC);
  });

  it.each(Object.keys(entry.runs))('has recorded expectations for variant %s', (variant) => {
    const expected = readExpected(name, variant);
    expect(expected.status).toBeGreaterThanOrEqual(0);
    expect(existsSync(expectedPaths(name, variant).stdout)).toBe(true);
    if (entry.bench) expect(expected.stdout.length, 'benchmarks print a few lines').toBeLessThan(1024);
    if (entry.runs[variant]!.tmpdir) expect(expected.stdout.toString()).not.toMatch(/\/tmp\//);
  });
});

describe('specific recorded behaviour', () => {
  it('hello greets, exit_code exits 42 and abort_signal reports 134 (128 + SIGABRT)', () => {
    expect(readExpected('hello', 'default').stdout.toString()).toMatch(/^Hello from RISC-V!\n$/);
    expect(readExpected('exit_code', 'default').status).toBe(42);
    expect(readExpected('abort_signal', 'default').status).toBe(134);
  });

  it('benchmarks that check themselves recorded success', () => {
    expect(readExpected('bench_lz', 'full').stdout.toString()).toContain('round trip: ok');
    expect(readExpected('bench_sort', 'full').stdout.toString()).toContain('ordered yes, agree yes');
    expect(readExpected('bench_interp', 'full').stdout.toString()).toContain('matches native computation: yes');
    expect(readExpected('bench_sha256', 'default').stdout.toString()).toContain(
      'sha256(abc) ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
