// The wasm-building interface the IR lowering (emit.ts, guest-memory.ts, mulh.ts, jit-functions.ts)
// is written against, so one lowering serves two producers: binaryen (interpreter, optimizing tier)
// and the direct binary writer in wasm-writer/ (baseline tier, no binaryen load).
// Invariant: ExpressionBuilder is a subset of binaryen.Module's API with the same signatures, so a
// binaryen.Module satisfies it as-is; this file imports no binaryen.
import { HELPERS, type HelperName, type HelperSignature, type WasmValType } from '@ferry/abi';
import type { ResultType, Type } from '@ferry/ir';
import { addMulhFunction } from './mulh.js';

/** An expression node; 0 is never a valid expression (callers use it for "none"). */
export type ExpressionRef = number;
/** A value type as the builder encodes it (binaryen.Type numbers, or the writer's own codes). */
export type TypeRef = number;

export interface ValueTypes {
  none: TypeRef;
  i32: TypeRef;
  i64: TypeRef;
  f32: TypeRef;
  f64: TypeRef;
}

type Unary = (value: ExpressionRef) => ExpressionRef;
type Binary = (left: ExpressionRef, right: ExpressionRef) => ExpressionRef;
type Load = (offset: number, align: number, ptr: ExpressionRef) => ExpressionRef;
type Store = (offset: number, align: number, ptr: ExpressionRef, value: ExpressionRef) => ExpressionRef;
interface FromFloat {
  f32: Unary;
  f64: Unary;
}
interface FromInt {
  i32: Unary;
  i64: Unary;
}

export type IntBinaryName =
  | 'add' | 'sub' | 'mul' | 'div_s' | 'div_u' | 'rem_s' | 'rem_u' | 'and' | 'or' | 'xor' | 'shl' | 'shr_u' | 'shr_s'
  | 'rotl' | 'rotr' | 'eq' | 'ne' | 'lt_s' | 'lt_u' | 'le_s' | 'le_u' | 'gt_s' | 'gt_u' | 'ge_s' | 'ge_u';
export type IntUnaryName = 'clz' | 'ctz' | 'popcnt' | 'eqz' | 'extend8_s' | 'extend16_s' | 'reinterpret';
export type IntLoadName = 'load' | 'load8_s' | 'load8_u' | 'load16_s' | 'load16_u';
export type IntStoreName = 'store' | 'store8' | 'store16';
export type IntTruncName = 'trunc_s' | 'trunc_u' | 'trunc_s_sat' | 'trunc_u_sat';
export type FloatBinaryName = 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max' | 'copysign' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
export type FloatUnaryName = 'abs' | 'neg' | 'sqrt' | 'ceil' | 'floor' | 'trunc' | 'nearest' | 'reinterpret';

export interface IntegerOps extends Record<IntBinaryName, Binary>, Record<IntUnaryName, Unary>, Record<IntLoadName, Load>,
  Record<IntStoreName, Store>, Record<IntTruncName, FromFloat> {}
export interface I32Ops extends IntegerOps {
  const(value: number): ExpressionRef;
  wrap: Unary;
}
export interface I64Ops extends IntegerOps {
  const(value: bigint): ExpressionRef;
  load32_s: Load;
  load32_u: Load;
  store32: Store;
  extend_s: Unary;
  extend_u: Unary;
  extend32_s: Unary;
}
export interface FloatOps extends Record<FloatBinaryName, Binary>, Record<FloatUnaryName, Unary> {
  const(value: number): ExpressionRef;
  load: Load;
  store: Store;
  convert_s: FromInt;
  convert_u: FromInt;
}
export interface F32Ops extends FloatOps {
  demote: Unary;
}
export interface F64Ops extends FloatOps {
  promote: Unary;
}

/** Expression constructors, named and typed as binaryen.Module's. */
export interface ExpressionBuilder {
  block(label: string | null, children: readonly ExpressionRef[], resultType?: TypeRef): ExpressionRef;
  if(condition: ExpressionRef, ifTrue: ExpressionRef, ifFalse?: ExpressionRef): ExpressionRef;
  loop(label: string | null, body: ExpressionRef): ExpressionRef;
  br(label: string, condition?: ExpressionRef, value?: ExpressionRef): ExpressionRef;
  switch(labels: readonly string[], defaultLabel: string, condition: ExpressionRef, value?: ExpressionRef): ExpressionRef;
  call(name: string, operands: readonly ExpressionRef[], returnType: TypeRef): ExpressionRef;
  return_call(name: string, operands: readonly ExpressionRef[], returnType: TypeRef): ExpressionRef;
  return_call_indirect(table: string, target: ExpressionRef, operands: readonly ExpressionRef[], params: TypeRef, results: TypeRef): ExpressionRef;
  select(condition: ExpressionRef, ifTrue: ExpressionRef, ifFalse: ExpressionRef): ExpressionRef;
  drop(value: ExpressionRef): ExpressionRef;
  return(value?: ExpressionRef): ExpressionRef;
  nop(): ExpressionRef;
  unreachable(): ExpressionRef;
  local: {
    get(index: number, type: TypeRef): ExpressionRef;
    set(index: number, value: ExpressionRef): ExpressionRef;
    tee(index: number, value: ExpressionRef, type: TypeRef): ExpressionRef;
  };
  i32: I32Ops;
  i64: I64Ops;
  f32: F32Ops;
  f64: F64Ops;
}

export type MulhKind = 'u' | 's' | 'su';

/** A module under construction, as the IR lowering sees it. */
export interface ModuleBuilder {
  readonly m: ExpressionBuilder;
  readonly types: ValueTypes;
  /** The internal name of a runtime helper, importing it on first use. */
  helper(name: HelperName): string;
  /** The internal name of the 64x64 -> high-64 multiply function, added on first use. */
  mulh(kind: MulhKind): string;
  /** A label name unique in this module. */
  uniqueLabel(prefix: string): string;
  addFunction(name: string, params: readonly TypeRef[], result: TypeRef, vars: readonly TypeRef[], body: ExpressionRef): void;
  exportFunction(internalName: string, externalName: string): void;
  importTable(internalName: string, module: string, base: string): void;
}

/** The builder's type for an IR or abi type. */
export function valueType(types: ValueTypes, t: Type | WasmValType | ResultType): TypeRef {
  return types[t];
}

/** What both producers share: helpers imported and support functions added once, on first use;
 *  labels numbered per module. */
export abstract class ModuleBuilderBase implements ModuleBuilder {
  abstract readonly m: ExpressionBuilder;
  abstract readonly types: ValueTypes;
  private readonly helpers = new Set<HelperName>();
  private readonly internals = new Set<string>();
  private labelCounter = 0;

  helper(name: HelperName): string {
    if (!this.helpers.has(name)) {
      this.helpers.add(name);
      const sig: HelperSignature = HELPERS[name];
      this.importFunction(name, name, sig.params.map((t) => this.types[t]), this.types[sig.result]);
    }
    return name;
  }

  mulh(kind: MulhKind): string {
    if (kind !== 'u') this.mulh('u');
    const name = `mulh_${kind}`;
    if (!this.internals.has(name)) {
      this.internals.add(name);
      addMulhFunction(this, kind);
    }
    return name;
  }

  uniqueLabel(prefix: string): string {
    return `${prefix}${this.labelCounter++}`;
  }

  /** Imports runtime helper `base` from the abi helper module under `internalName`. */
  protected abstract importFunction(internalName: string, base: string, params: readonly TypeRef[], result: TypeRef): void;
  abstract addFunction(name: string, params: readonly TypeRef[], result: TypeRef, vars: readonly TypeRef[], body: ExpressionRef): void;
  abstract exportFunction(internalName: string, externalName: string): void;
  abstract importTable(internalName: string, module: string, base: string): void;
}
