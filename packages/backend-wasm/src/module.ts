// A binaryen module set up the way every Ferry module is: the shared memory imported from
// "ferry", runtime helpers imported on first use (names and signatures from abi HELPERS), and
// internal support functions (128-bit multiply halves) added on first use.
// Invariant: binaryen is imported only in this package, and in it only by the producers that
// need it (this file, jit-module.ts, the interpreter generator), never by wasm-writer/ or baseline.ts.
import binaryen from 'binaryen';
import { HELPER_MODULE, MEMORY_IMPORT, type WasmValType } from '@ferry/abi';
import type { ResultType, Type } from '@ferry/ir';
import { ModuleBuilderBase, type ExpressionRef, type TypeRef, type ValueTypes } from './builder.js';

export type { ExpressionRef } from './builder.js';

export const FEATURES =
  binaryen.Features.MVP |
  binaryen.Features.SignExt |
  binaryen.Features.MutableGlobals |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.BulkMemory |
  binaryen.Features.TailCall;

const BINARYEN_TYPES: ValueTypes = { none: binaryen.none, i32: binaryen.i32, i64: binaryen.i64, f32: binaryen.f32, f64: binaryen.f64 };

export function wasmType(t: Type | WasmValType | ResultType): binaryen.Type {
  return BINARYEN_TYPES[t];
}

export class WasmModuleBuilder extends ModuleBuilderBase {
  readonly m: binaryen.Module;
  readonly types = BINARYEN_TYPES;

  constructor() {
    super();
    this.m = new binaryen.Module();
    this.m.setFeatures(FEATURES);
    this.m.setMemory(1, 65536, null, [], false, false, '0');
    this.m.addMemoryImport('0', MEMORY_IMPORT.module, MEMORY_IMPORT.name);
  }

  protected importFunction(internalName: string, base: string, params: readonly TypeRef[], result: TypeRef): void {
    this.m.addFunctionImport(internalName, HELPER_MODULE, base, binaryen.createType([...params]), result);
  }
  addFunction(name: string, params: readonly TypeRef[], result: TypeRef, vars: readonly TypeRef[], body: ExpressionRef): void {
    this.m.addFunction(name, binaryen.createType([...params]), result, [...vars], body);
  }
  exportFunction(internalName: string, externalName: string): void {
    this.m.addFunctionExport(internalName, externalName);
  }
  importTable(internalName: string, module: string, base: string): void {
    this.m.addTableImport(internalName, module, base);
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

/** The text form of a wasm binary (e.g. one the baseline writer produced), through binaryen. */
export function binaryToText(binary: Uint8Array): string {
  const m = binaryen.readBinary(binary);
  try {
    m.setFeatures(FEATURES);
    return m.emitText();
  } finally {
    m.dispose();
  }
}
