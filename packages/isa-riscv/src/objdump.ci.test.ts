// CI-only (needs riscv64-linux-gnu-objdump, and gcc when the corpus is empty): our disassembly
// of every executable section of every corpus binary must equal `objdump -d -M no-aliases`.
// Also compares random valid encodings of every table row (as a raw blob). Missing tools make
// this test fail, never skip. With FERRY_BLESS=1 it also rewrites the committed
// sample (filetests/objdump-sample.txt: one line per distinct mnemonic and operand shape).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRandomEncodings, compareWithObjdump, OBJDUMP } from './testing/objdump.js';

const CORPUS = fileURLToPath(new URL('../../../corpus/bin', import.meta.url));
const SAMPLE = fileURLToPath(new URL('./filetests/objdump-sample.txt', import.meta.url));
const SAMPLE_HEADER = `# address\tword\ttext: objdump -d -M no-aliases of the corpus (binutils 2.40), one line per shape,
# plus one line per mnemonic the corpus lacks (from random encodings, targets without 0x).
# Regenerate: FERRY_BLESS=1 npx vitest run --config vitest.ci.config.ts packages/isa-riscv/src/objdump.ci.test.ts
`;

const FALLBACK_PROGRAM = `
#include <stdio.h>
#include <math.h>
#include <stdatomic.h>
_Atomic long counter;
double mix(double a, float b) { return fma(a, a, b) + sqrt(a) + (long)b + fmin(a, b); }
long long divide(long long a, long long b) { return a / b + a % b + (unsigned long long)a / (unsigned long long)b; }
int main(int argc, char **argv) {
  atomic_fetch_add(&counter, argc);
  printf("%f %lld %s\\n", mix(argc, 2.5f), divide(argc * 1000, argc + 2), argv[0]);
  return 0;
}
`;

function binaries(): string[] {
  if (existsSync(CORPUS)) {
    const files = readdirSync(CORPUS).map((f) => join(CORPUS, f)).filter((f) => statSync(f).isFile());
    if (files.length > 0) return files;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ferry-objdump-'));
  writeFileSync(join(dir, 'sample.c'), FALLBACK_PROGRAM);
  execFileSync('riscv64-linux-gnu-gcc', ['-O2', '-static', '-o', join(dir, 'sample'), join(dir, 'sample.c'), '-lm']);
  return [join(dir, 'sample')];
}

describe('disassembly matches objdump -d -M no-aliases', () => {
  const sample = new Map<string, string>();
  it('has objdump installed', () => {
    expect(() => execFileSync(OBJDUMP, ['--version'])).not.toThrow();
  });
  for (const path of binaries()) {
    it(`disassembles ${path} like objdump`, async () => {
      const { compared, mismatches, sample: shapes } = await compareWithObjdump(path);
      for (const [shape, line] of shapes) if (!sample.has(shape)) sample.set(shape, line);
      expect(compared).toBeGreaterThan(1000);
      expect(mismatches.slice(0, 20)).toEqual([]);
    });
  }
  it('disassembles random valid encodings of every table row like objdump', async () => {
    const { compared, mismatches, sample: shapes } = await compareRandomEncodings(200, 0x10000n, 0xc0ffee);
    expect(compared).toBeGreaterThan(150 * 200);
    expect(mismatches.slice(0, 20)).toEqual([]);
    // Add to the sample only mnemonics the corpus did not show (random shapes are too many).
    const mnemonics = new Set([...sample.keys()].map((k) => k.split('\t')[0]));
    for (const [shape, line] of shapes) {
      const mnemonic = shape.split('\t')[0]!;
      if (!mnemonics.has(mnemonic)) {
        mnemonics.add(mnemonic);
        sample.set(shape, line);
      }
    }
  });

  if (process.env['FERRY_BLESS']) {
    it('rewrites the committed objdump sample', () => {
      const sorted = [...sample].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, line]) => line);
      writeFileSync(SAMPLE, SAMPLE_HEADER + sorted.join('\n') + '\n');
      expect(sorted.length).toBeGreaterThan(100);
    });
  }
});
