// `ferry lift` and `ferry wat` on corpus/bin/hello's main, run in-process from source: the output
// has the shapes each stage must have, and bad targets fail with one line naming the problem.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FerryError } from '@ferry/util';
import { liftCommand } from './lift.js';
import { watCommand } from './wat.js';

const hello = fileURLToPath(new URL('../../../corpus/bin/hello', import.meta.url));

async function capture(run: () => unknown): Promise<string> {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return text;
}

const liftArgs = (extra: Record<string, unknown>) => ({ elf: hello, symbol: 'main', tier: 'opt', 'print-after-all': false, _: [], $0: 'ferry', ...extra }) as never;
const watArgs = (extra: Record<string, unknown>) => ({ elf: hello, symbol: 'main', tier: 'opt', _: [], $0: 'ferry', ...extra }) as never;

describe('ferry lift', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the opt region after lifting and after every pass with --print-after-all', async () => {
    const out = await capture(() => liftCommand.handler(liftArgs({ 'print-after-all': true })));
    expect(out).toMatch(/^; opt translation of 0x[0-9a-f]+: \d+ guest block\(s\), \d+ instruction\(s\)/);
    expect(out).toMatch(/;\s+[0-9a-f]+:\t\S+/); // guest disassembly
    expect(out).toContain('; ---- IR after lifting ----');
    expect(out).toMatch(/func @region_[0-9a-f]+\(\) \{/);
    for (const pass of ['reg-forward', 'const-fold', 'copy-prop', 'cse', 'dce']) expect(out).toContain(`; ---- IR after ${pass}`);
    // The lifted region is longer than the optimized one: the passes removed something.
    const sections = out.split('; ---- IR ');
    expect(sections.at(-1)!.length).toBeLessThan(sections[1]!.length);
  });

  it('prints one baseline block, with explicitly named passes on request', async () => {
    const plain = await capture(() => liftCommand.handler(liftArgs({ tier: 'baseline' })));
    expect(plain).toMatch(/baseline translation of 0x[0-9a-f]+: 1 guest block\(s\)/);
    expect(plain).toMatch(/func @block_[0-9a-f]+\(\)/);
    expect(plain).toContain('no IR passes ran');
    const withPasses = await capture(() => liftCommand.handler(liftArgs({ tier: 'baseline', passes: 'const-fold,dce', 'print-after-all': true })));
    expect(withPasses).toContain('; ---- IR after const-fold');
    expect(withPasses).toContain('; ---- IR after dce');
    expect(withPasses).not.toContain('reg-forward');
  });

  it('names the symbol, address or pass that is wrong', async () => {
    await expect(capture(() => liftCommand.handler(liftArgs({ symbol: 'no_such_function' })))).rejects.toThrow(FerryError);
    await expect(capture(() => liftCommand.handler(liftArgs({ symbol: 'no_such_function' })))).rejects.toThrow(/no symbol named no_such_function/);
    await expect(capture(() => liftCommand.handler(liftArgs({ symbol: undefined, pc: '0x10' })))).rejects.toThrow(/0x10 is not in executable memory/);
    await expect(capture(() => liftCommand.handler(liftArgs({ passes: 'no-such-pass' })))).rejects.toThrow(/unknown IR pass 'no-such-pass'/);
  });
});

describe('ferry wat', () => {
  it('prints a module with one exported function for each tier', async () => {
    for (const tier of ['baseline', 'opt']) {
      const out = await capture(() => watCommand.handler(watArgs({ tier })));
      expect(out).toMatch(new RegExp(`^;; ${tier} translation of 0x[0-9a-f]+`));
      expect(out).toContain('(module');
      expect(out).toContain('(import "ferry" "memory"');
      expect(out).toMatch(/\(export "f0" \(func \$\w+\)\)/);
      expect(out).toMatch(/\(func \$\w+ \(result i32\)/);
      expect(out).toContain('return_call_indirect');
    }
  });
});
