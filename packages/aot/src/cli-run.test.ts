// `ferry run --aot FILE` end to end, through the bin: the module loads while the guest does (its
// compile runs in V8's background) and runs the program; a module found unusable only once its
// compile finishes (a Ferry bug: the hash matches, the wasm does not decode) gives one warning,
// and the JIT runs the program correctly all the same.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseElf } from '@ferry/runtime';
import { compileAot } from './compile.js';
import { GuestImage } from './guest-image.js';
import { loopProgram, undecodableModule } from './testing.js';

const FERRY = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ferry-aot-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const p = loopProgram();
const elf = join(dir, 'loop.elf');
writeFileSync(elf, p.elf);
const compiled = compileAot(new GuestImage(parseElf(p.elf, elf)));

function run(module: Uint8Array, name: string) {
  const file = join(dir, name);
  writeFileSync(file, module);
  return spawnSync(process.execPath, [FERRY, 'run', '--stats', '--aot', file, elf], { encoding: 'utf8', timeout: 60_000 });
}

describe('ferry run --aot', () => {
  it('runs the program from the module', async () => {
    const r = run((await compiled).binary, 'good.wasm');
    expect(r.status, r.stderr).toBe(p.status);
    expect(r.stdout).toBe(p.stdout);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.stderr).toMatch(/aot coverage\s+100\.0%/);
  });

  it('warns and runs the program with the JIT when the module does not compile', async () => {
    const r = run(undecodableModule((await compiled).binary), 'broken.wasm');
    expect(r.status, r.stderr).toBe(p.status);
    expect(r.stdout).toBe(p.stdout);
    expect(r.stderr).toMatch(/ferry: warning: .*broken\.wasm does not compile as WebAssembly .*; running without it \(JIT\)/);
    expect(r.stderr).not.toMatch(/aot coverage/);
  });
});
