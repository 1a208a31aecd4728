// Rewrites a compiled JIT module so that instantiating it places its translations in the code
// cache's table instead of exporting them: the exports are replaced by one active element segment
// writing the named functions, in the given order, from the slot given by an imported i32 global
// (ferry.slotBase). V8 builds an export wrapper per exported function at instantiation (~25 ms for
// hello's 7,800); filling table slots costs ~1 ms, and the engine needs only the slots.
// Invariant: the output differs from the input only in its import section (one more global), its
// export section (gone) and a new element section; every function body is byte-identical.
import { PRELOADED_SLOT_BASE } from '@ferry/engine';
import { encodeULEB128 } from '@ferry/util';
import { AotFormatError } from './manifest.js';

const SECTION = { custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, start: 8, element: 9, code: 10, data: 11, dataCount: 12 } as const;
const IMPORT_KIND = { function: 0, table: 1, memory: 2, global: 3 } as const;
const I32 = 0x7f;
const GLOBAL_GET = 0x23;
const END = 0x0b;

interface Section {
  id: number;
  /** Start of the section header, start of its contents, end. */
  start: number;
  body: number;
  end: number;
}

class Cursor {
  constructor(readonly bytes: Uint8Array, public at: number) {}
  u32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.at >= this.bytes.length || shift > 28) throw new AotFormatError(`malformed LEB128 at byte ${this.at}`);
      const b = this.bytes[this.at++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
    }
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new AotFormatError(`truncated at byte ${this.at}`);
    return this.bytes[this.at++]!;
  }
  name(): string {
    const length = this.u32();
    this.at += length;
    return new TextDecoder().decode(this.bytes.subarray(this.at - length, this.at));
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** The module's sections in file order (the header is assumed checked). */
export function sectionsOf(module: Uint8Array): Section[] {
  const sections: Section[] = [];
  const c = new Cursor(module, 8);
  while (c.at < module.length) {
    const start = c.at;
    const id = c.byte();
    const size = c.u32();
    sections.push({ id, start, body: c.at, end: c.at + size });
    c.at += size;
    if (c.at > module.length) throw new AotFormatError(`section ${id} at byte ${start} runs past the end of the file (truncated?)`);
  }
  return sections;
}

const section = (id: number, contents: number[]): Uint8Array => Uint8Array.from([id, ...encodeULEB128(contents.length), ...contents]);

/** The module with `functionExports` (export names, in table order) moved into the table. */
export function placeFunctionsInTable(module: Uint8Array, functionExports: readonly string[]): Uint8Array {
  const sections = sectionsOf(module);
  const find = (id: number) => sections.find((s) => s.id === id);
  for (const id of [SECTION.global, SECTION.element, SECTION.table, SECTION.start]) {
    if (find(id)) throw new Error(`internal error: the JIT module has a section ${id}, which AOT table placement does not handle`);
  }
  const imports = find(SECTION.import);
  const exports = find(SECTION.export);
  if (!imports || !exports) throw new Error('internal error: the JIT module lacks imports or exports');

  // Imports: count the globals (the new one's index) and check the table is the only one.
  const ic = new Cursor(module, imports.body);
  const importCount = ic.u32();
  const firstImport = ic.at;
  let importedGlobals = 0;
  let importedTables = 0;
  for (let i = 0; i < importCount; i++) {
    ic.name();
    ic.name();
    const kind = ic.byte();
    if (kind === IMPORT_KIND.function) ic.u32();
    else if (kind === IMPORT_KIND.table) (ic.byte(), ic.limits(), importedTables++);
    else if (kind === IMPORT_KIND.memory) ic.limits();
    else if (kind === IMPORT_KIND.global) (ic.byte(), ic.byte(), importedGlobals++);
    else throw new Error(`internal error: import kind ${kind} in the JIT module`);
  }
  if (importedTables !== 1) throw new Error(`internal error: the JIT module imports ${importedTables} tables, not 1`);
  const nameBytes = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    return [...encodeULEB128(bytes.length), ...bytes];
  };
  const newImports = section(SECTION.import, [
    ...encodeULEB128(importCount + 1),
    ...module.subarray(firstImport, ic.at),
    ...nameBytes('ferry'), ...nameBytes(PRELOADED_SLOT_BASE), IMPORT_KIND.global, I32, 0,
  ]);

  // Exports: every one must be a function named in functionExports.
  const ec = new Cursor(module, exports.body);
  const byName = new Map<string, number>();
  const exportCount = ec.u32();
  for (let i = 0; i < exportCount; i++) {
    const name = ec.name();
    const kind = ec.byte();
    const index = ec.u32();
    if (kind !== 0) throw new Error(`internal error: the JIT module exports '${name}' of kind ${kind}`);
    byName.set(name, index);
  }
  const functions = functionExports.map((name) => {
    const index = byName.get(name);
    if (index === undefined) throw new Error(`internal error: the JIT module has no export '${name}'`);
    return index;
  });
  const elements = section(SECTION.element, [
    1, 0, GLOBAL_GET, ...encodeULEB128(importedGlobals), END,
    ...encodeULEB128(functions.length), ...functions.flatMap((f) => encodeULEB128(f)),
  ]);

  const parts: Uint8Array[] = [module.subarray(0, 8)];
  for (const s of sections) {
    if (s.id === SECTION.import) parts.push(newImports);
    else if (s.id === SECTION.export) continue;
    else {
      // The element section goes after exports and before data count / code.
      if ((s.id === SECTION.dataCount || s.id === SECTION.code) && !parts.includes(elements)) parts.push(elements);
      parts.push(module.subarray(s.start, s.end));
    }
  }
  if (!parts.includes(elements)) throw new Error('internal error: the JIT module has no code section');
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

/** The number of table slots the module's element segment fills (0 without one): the count in
 *  the header of the one segment ferry aot writes (V8 validates the indices as it compiles). */
export function tableSlotsFilled(module: Uint8Array): number {
  const elements = sectionsOf(module).find((s) => s.id === SECTION.element);
  if (!elements) return 0;
  const c = new Cursor(module, elements.body);
  if (c.u32() !== 1) throw new AotFormatError('the module has more than one element segment; ferry aot writes one');
  if (c.u32() !== 0) throw new AotFormatError('the element segment is not of the kind ferry aot writes');
  if (c.byte() !== GLOBAL_GET) throw new AotFormatError('element segment offset is not global.get');
  c.u32();
  if (c.byte() !== END) throw new AotFormatError('element segment offset is malformed');
  return c.u32();
}
