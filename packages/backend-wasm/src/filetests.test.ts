// Expect tests for codegen: each `.ir` file in ./filetests holds cases
//   ; test: wat          (or `wat promote`: guest registers in locals, as the optimizing tier;
//                         `wat group`: that and grouped accesses, access-groups.ts;
//                         `wat baseline`: one local per value and forwarded register reads, as
//                         the baseline tier)
//   <one IR function>
//   ; expect:
//   <binaryen's text of a module holding that function, emitted by emitFunctionBody>
// The function's entry parameters become wasm parameters; goto_pc returns the target and exit
// returns the exit code (both i64), so the golden shows only what emit.ts generates. Every module
// must validate. Re-bless after an intended change: FERRY_BLESS=1 npx vitest run packages/backend-wasm
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';
import { checkFiletest, listFiletests, parseFunc, verify } from '@ferry/ir';
import { FerryError } from '@ferry/util';
import { emitFunctionBody, type BodyContext } from './emit.js';
import { WasmModuleBuilder, wasmType } from './module.js';

function runWatFiletest(input: string, directive: string): string {
  if (!['wat', 'wat promote', 'wat group', 'wat baseline'].includes(directive)) throw new FerryError(`unknown directive '${directive}': use wat, wat promote, wat group or wat baseline`);
  const func = parseFunc(input);
  const errors = verify(func);
  if (errors.length > 0) throw new FerryError(`input does not verify:\n${errors.join('\n')}`);
  const mb = new WasmModuleBuilder();
  try {
    const m = mb.m;
    const params = func.params.map((v) => wasmType(func.typeOf(v)));
    const vars: number[] = [];
    const ctx: BodyContext = {
      param: (i) => m.local.get(i, params[i]!),
      addLocal: (t) => params.length + vars.push(t) - 1,
      gotoPc: (target) => m.return(target),
      exit: (code) => m.return(m.i64.const(BigInt(code))),
      ...(directive === 'wat promote' ? { promoteRegisters: true } : {}),
      ...(directive === 'wat group' ? { promoteRegisters: true, groupAccesses: true } : {}),
      ...(directive === 'wat baseline' ? { plainLocals: true, forwardRegisters: true } : {}),
    };
    const body = emitFunctionBody(mb, func, ctx);
    const name = func.name;
    m.addFunction(name, binaryen.createType(params), binaryen.i64, vars, m.block(null, [body, m.unreachable()]));
    m.addFunctionExport(name, name);
    if (!mb.validate()) throw new FerryError(`the module emitted for ${name} does not validate`);
    return mb.emitText();
  } finally {
    mb.dispose();
  }
}

const dir = fileURLToPath(new URL('./filetests/', import.meta.url));

describe('wasm codegen filetests', () => {
  const files = listFiletests(dir, '.ir');
  it('finds the filetests', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(basename(file), () => {
      const { expected, actual } = checkFiletest(file, runWatFiletest);
      expect(actual).toBe(expected);
    });
  }
});
