// A wasm module written directly as bytes, with no binaryen: the baseline tier's producer. It is
// a builder.ts ModuleBuilder, so the shared IR lowering drives it exactly as it drives binaryen.
// Sections written: type, import (memory "ferry"/"memory", the funcref table when imported,
// runtime helpers on first use), function, export, code.
// Invariant: function indices (imports first, then defined functions in order) and type indices
// are resolved only in emitBinary, once both index spaces are complete.
import { HELPER_MODULE, MEMORY_IMPORT } from '@ferry/abi';
import { ModuleBuilderBase, type ExpressionRef, type TypeRef, type ValueTypes } from '../builder.js';
import { ByteWriter } from './bytes.js';
import { ExpressionTree, type NameResolver } from './expressions.js';
import { EMPTY_BLOCK, EXTERNAL_KIND, FUNCREF, FUNC_TYPE, SECTION, VALTYPE } from './opcodes.js';

const WRITER_TYPES: ValueTypes = { none: EMPTY_BLOCK, ...VALTYPE };
const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** Limits of the imported memory, as binaryen declares them for the same module: 1 page up to 4 GiB. */
const MEMORY_LIMITS = { min: 1, max: 65536 };
/** The output buffer, reused: encoding is synchronous, and finish() copies the bytes out. */
const scratch = new ByteWriter();

interface FunctionImport {
  name: string;
  module: string;
  base: string;
  type: number;
}
interface DefinedFunction {
  name: string;
  type: number;
  vars: readonly TypeRef[];
  body: ExpressionRef;
}

export class WasmWriter extends ModuleBuilderBase implements NameResolver {
  readonly types = WRITER_TYPES;
  readonly m: ExpressionTree;
  private readonly signatures: { params: readonly TypeRef[]; result: TypeRef }[] = [];
  private readonly signatureIndex = new Map<string, number>();
  private readonly imports: FunctionImport[] = [];
  private readonly functions: DefinedFunction[] = [];
  private readonly exports: { name: string; internal: string }[] = [];
  private table?: { name: string; module: string; base: string };
  /** A `compilationHints` byte for every function (V8's experimental section), if set. */
  compilationHint?: number;
  private functionIndices?: Map<string, number>;

  constructor() {
    super();
    this.m = new ExpressionTree((params, result) => this.internType(params, result));
  }

  private internType(params: readonly TypeRef[], result: TypeRef): number {
    const key = `${params.join(',')}:${result}`;
    let index = this.signatureIndex.get(key);
    if (index === undefined) {
      index = this.signatures.push({ params, result }) - 1;
      this.signatureIndex.set(key, index);
    }
    return index;
  }

  protected importFunction(internalName: string, base: string, params: readonly TypeRef[], result: TypeRef): void {
    this.imports.push({ name: internalName, module: HELPER_MODULE, base, type: this.internType(params, result) });
  }
  addFunction(name: string, params: readonly TypeRef[], result: TypeRef, vars: readonly TypeRef[], body: ExpressionRef): void {
    this.functions.push({ name, type: this.internType(params, result), vars, body });
  }
  exportFunction(internalName: string, externalName: string): void {
    this.exports.push({ name: externalName, internal: internalName });
  }
  importTable(internalName: string, module: string, base: string): void {
    if (this.table) throw new Error(`internal error: a second table (${internalName}) imported into a writer module`);
    this.table = { name: internalName, module, base };
  }

  functionIndex(name: string): number {
    const index = this.functionIndices?.get(name);
    if (index === undefined) throw new Error(`internal error: call to ${name}, which is neither imported nor defined in this module`);
    return index;
  }
  tableIndex(name: string): number {
    if (this.table?.name !== name) throw new Error(`internal error: table ${name} is not imported into this module`);
    return 0;
  }

  /** The module's bytes; the expression tree is released on the first call. */
  emitBinary(): Uint8Array {
    this.binary ??= this.encode();
    this.m.release();
    return this.binary;
  }
  private binary?: Uint8Array;

  private encode(): Uint8Array {
    this.functionIndices = new Map([...this.imports.map((f) => f.name), ...this.functions.map((f) => f.name)].map((name, i) => [name, i]));
    const out = scratch;
    out.reset();
    out.bytes(MAGIC_AND_VERSION);
    this.section(out, SECTION.type, this.signatures.length, () => {
      for (const sig of this.signatures) {
        out.byte(FUNC_TYPE);
        out.u32(sig.params.length);
        for (const p of sig.params) out.byte(p);
        if (sig.result === EMPTY_BLOCK) out.byte(0);
        else (out.byte(1), out.byte(sig.result));
      }
    });
    this.section(out, SECTION.import, 1 + (this.table ? 1 : 0) + this.imports.length, () => {
      out.name(MEMORY_IMPORT.module);
      out.name(MEMORY_IMPORT.name);
      out.byte(EXTERNAL_KIND.memory);
      out.byte(0x01); // limits with a maximum
      out.u32(MEMORY_LIMITS.min);
      out.u32(MEMORY_LIMITS.max);
      if (this.table) {
        out.name(this.table.module);
        out.name(this.table.base);
        out.byte(EXTERNAL_KIND.table);
        out.byte(FUNCREF);
        out.byte(0x00); // limits without a maximum
        out.u32(0);
      }
      for (const f of this.imports) {
        out.name(f.module);
        out.name(f.base);
        out.byte(EXTERNAL_KIND.func);
        out.u32(f.type);
      }
    });
    this.section(out, SECTION.function, this.functions.length, () => {
      for (const f of this.functions) out.u32(f.type);
    });
    this.section(out, SECTION.export, this.exports.length, () => {
      for (const e of this.exports) {
        out.name(e.name);
        out.byte(EXTERNAL_KIND.func);
        out.u32(this.functionIndex(e.internal));
      }
    });
    const codeStart = out.length;
    const hints: { func: number; offsets: number[] }[] = [];
    this.section(out, SECTION.code, this.functions.length, () => {
      this.functions.forEach((f, i) => {
        const size = out.reserveSize();
        const bodyStart = out.length;
        writeLocals(out, f.vars);
        const offsets = this.m.serialize(f.body, out, this, bodyStart);
        if (offsets.length) hints.push({ func: this.imports.length + i, offsets });
        out.byte(0x0b);
        out.patchSize(size);
      });
    });
    let binary = out.finish();
    if (hints.length) binary = withBranchHints(binary, codeStart, hints);
    if (this.compilationHint !== undefined) binary = withCompilationHints(binary, codeStart, this.functions.length, this.compilationHint);
    return binary;
  }

  private section(out: ByteWriter, id: number, count: number, body: () => void): void {
    if (count === 0) return;
    out.byte(id);
    const size = out.reserveSize();
    out.u32(count);
    body();
    out.patchSize(size);
  }
}

/** The module with a custom section named `name`, whose contents `write` writes, inserted at
 *  codeStart (hint sections must precede the code section). */
function withSectionBeforeCode(binary: Uint8Array, codeStart: number, name: string, write: (section: ByteWriter) => void): Uint8Array {
  const section = new ByteWriter(256);
  section.byte(0); // custom section
  const size = section.reserveSize();
  section.name(name);
  write(section);
  section.patchSize(size);
  const custom = section.finish();
  const out = new Uint8Array(binary.length + custom.length);
  out.set(binary.subarray(0, codeStart));
  out.set(custom, codeStart);
  out.set(binary.subarray(codeStart), codeStart + custom.length);
  return out;
}

/** The branch-hinting proposal's section: every listed `if` or `br_if` is hinted not taken. */
function withBranchHints(binary: Uint8Array, codeStart: number, hints: readonly { func: number; offsets: readonly number[] }[]): Uint8Array {
  return withSectionBeforeCode(binary, codeStart, BRANCH_HINT_SECTION, (section) => {
    section.u32(hints.length);
    for (const h of hints) {
      section.u32(h.func);
      section.u32(h.offsets.length);
      for (const offset of h.offsets) {
        section.u32(offset);
        section.u32(1); // payload size
        section.byte(0); // not taken
      }
    }
  });
}

export const BRANCH_HINT_SECTION = 'metadata.code.branch_hint';

/** V8's `compilationHints` section (read behind --experimental-wasm-compilation-hints; before the
 *  code section): one byte per defined function, strategy | baseline tier << 2 | top tier << 4. */
export const COMPILATION_HINTS_SECTION = 'compilationHints';
/** Compile eagerly, straight to the optimizing tier (TurboFan): strategy eager, both tiers optimized. */
export const HINT_EAGER_OPTIMIZED = 2 | (2 << 2) | (2 << 4);

function withCompilationHints(binary: Uint8Array, codeStart: number, functions: number, hint: number): Uint8Array {
  return withSectionBeforeCode(binary, codeStart, COMPILATION_HINTS_SECTION, (section) => {
    section.u32(functions);
    for (let i = 0; i < functions; i++) section.byte(hint);
  });
}

/** Locals as runs of equal types. */
function writeLocals(out: ByteWriter, vars: readonly TypeRef[]): void {
  const runs: { count: number; type: TypeRef }[] = [];
  for (const t of vars) {
    const last = runs[runs.length - 1];
    if (last && last.type === t) last.count++;
    else runs.push({ count: 1, type: t });
  }
  out.u32(runs.length);
  for (const r of runs) {
    out.u32(r.count);
    out.byte(r.type);
  }
}
