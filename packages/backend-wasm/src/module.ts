// A binaryen module set up the way every Ferry module is: the shared memory imported from
// "ferry", runtime helpers imported on first use (names and signatures from abi HELPERS), and
// internal support functions (128-bit multiply halves) added on first use.
// Invariant: this package is the only one that imports binaryen.
import binaryen from 'binaryen';
import { HELPERS, HELPER_MODULE, MEMORY_IMPORT, type HelperName, type WasmValType } from '@ferry/abi';
import type { ResultType, Type } from '@ferry/ir';
import { addMulhFunction, type MulhKind } from './mulh.js';

export type ExpressionRef = number;

export const FEATURES =
  binaryen.Features.MVP |
  binaryen.Features.SignExt |
  binaryen.Features.MutableGlobals |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.BulkMemory |
  binaryen.Features.TailCall;

export function wasmType(t: Type | WasmValType | ResultType): binaryen.Type {
  switch (t) {
    case 'i32':
      return binaryen.i32;
    case 'i64':
      return binaryen.i64;
    case 'f32':
      return binaryen.f32;
    case 'f64':
      return binaryen.f64;
    case 'none':
      return binaryen.none;
  }
}

export class WasmModuleBuilder {
  readonly m: binaryen.Module;
  private readonly helpers = new Set<HelperName>();
  private readonly internals = new Set<string>();
  private labelCounter = 0;

  constructor() {
    this.m = new binaryen.Module();
    this.m.setFeatures(FEATURES);
    this.m.setMemory(1, 65536, null, [], false, false, '0');
    this.m.addMemoryImport('0', MEMORY_IMPORT.module, MEMORY_IMPORT.name);
  }

  /** The internal name of a runtime helper, importing it on first use. */
  helper(name: HelperName): string {
    if (!this.helpers.has(name)) {
      this.helpers.add(name);
      const sig = HELPERS[name];
      this.m.addFunctionImport(name, HELPER_MODULE, name, binaryen.createType(sig.params.map(wasmType)), wasmType(sig.result));
    }
    return name;
  }

  mulh(kind: MulhKind): string {
    if (kind !== 'u') this.mulh('u');
    const name = `mulh_${kind}`;
    if (!this.internals.has(name)) {
      this.internals.add(name);
      addMulhFunction(this.m, kind);
    }
    return name;
  }

  /** A label name unique in this module (binaryen requires unique names within a function). */
  uniqueLabel(prefix: string): string {
    return `${prefix}${this.labelCounter++}`;
  }

  validate(): boolean {
    return this.m.validate() === 1;
  }
  /** Run binaryen's default pipeline at the given levels. */
  optimize(optimizeLevel = 2, shrinkLevel = 0): void {
    binaryen.setOptimizeLevel(optimizeLevel);
    binaryen.setShrinkLevel(shrinkLevel);
    this.m.optimize();
  }
  runPasses(passes: string[]): void {
    this.m.runPasses(passes);
  }
  emitBinary(): Uint8Array {
    return this.m.emitBinary();
  }
  emitText(): string {
    return this.m.emitText();
  }
  dispose(): void {
    this.m.dispose();
  }
}
