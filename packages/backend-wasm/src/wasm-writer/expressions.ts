// Expression trees built through the builder.ts API (binaryen.Module's method names), kept in flat
// typed arrays (children in a shared pool; no object per node, as the baseline tier builds hundreds
// of nodes per guest block) and serialized to wasm code in postorder. Unnamed blocks are spliced
// into their parent's instruction sequence (their statements leave nothing on the stack), so only
// labelled blocks, loops and ifs open a structured instruction; a br's depth is the distance to its
// label on the stack of structured instructions open at serialization time.
// Invariant: every node's type is computed when it is built (binaryen's rules: a block without an
// explicit type has its last child's type, unreachable when it cannot complete), and a structured
// instruction whose type is unreachable is closed with `unreachable` so the stack stays valid.
import type {
  ExpressionBuilder, ExpressionRef, F32Ops, F64Ops, FloatBinaryName, FloatUnaryName, I32Ops, I64Ops, IntBinaryName,
  IntLoadName, IntStoreName, IntUnaryName, TypeRef,
} from '../builder.js';
import type { ByteWriter } from './bytes.js';
import {
  EMPTY_BLOCK, F32_DEMOTE, F64_PROMOTE, FLOAT_BINARY, FLOAT_COMPARISONS, FLOAT_CONVERT, FLOAT_LOAD, FLOAT_STORE, FLOAT_UNARY,
  I32_WRAP, I64_ONLY, INT_BINARY, INT_COMPARISONS, INT_LOAD, INT_STORE, INT_TRUNC, INT_UNARY, OP, UNREACHABLE_TYPE, VALTYPE,
} from './opcodes.js';

const enum Kind {
  /** Children in order, then the opcode. */
  Plain,
  /** Children, the opcode, then memarg (align as log2, offset). */
  Memory,
  I32Const,
  I64Const,
  F32Const,
  F64Const,
  /** Optional child, the opcode, the local index. */
  Local,
  Call,
  ReturnCallIndirect,
  Block,
  Loop,
  If,
  Br,
  Switch,
}

/** Resolves names to indices when the module's index spaces are complete. */
export interface NameResolver {
  functionIndex(name: string): number;
  tableIndex(name: string): number;
}

const NO_LABEL = -1;
/** Nodes of a typical baseline module (24 guest blocks of ~700 nodes). */
const INITIAL_NODES = 1 << 15;

interface NodeStorage {
  kind: Uint8Array;
  opcode: Uint16Array;
  type: Uint8Array;
  imm: Float64Array;
  align: Uint8Array;
  firstKid: Int32Array;
  kidCount: Uint32Array;
  kids: Int32Array;
}
const newStorage = (nodes: number): NodeStorage => ({
  kind: new Uint8Array(nodes), opcode: new Uint16Array(nodes), type: new Uint8Array(nodes), imm: new Float64Array(nodes),
  align: new Uint8Array(nodes), firstKid: new Int32Array(nodes), kidCount: new Uint32Array(nodes), kids: new Int32Array(nodes * 2),
});
/** Arrays of released trees, reused: allocating and growing them per module costs more than building it. */
const spareStorage: NodeStorage[] = [];

function alignLog2(alignBytes: number, naturalBytes: number): number {
  return 31 - Math.clz32(alignBytes === 0 ? naturalBytes : alignBytes);
}

const NATURAL_BYTES: Record<string, number> = { load8_s: 1, load8_u: 1, load16_s: 2, load16_u: 2, store8: 1, store16: 2 };

export class ExpressionTree implements ExpressionBuilder {
  // Node fields, indexed by ExpressionRef (arrays taken from the pool of released trees).
  private kind: Uint8Array;
  private opcode: Uint16Array;
  private type: Uint8Array;
  /** Local index, memarg offset, constant, label id, side-table index or type index. */
  private imm: Float64Array;
  private align: Uint8Array;
  private firstKid: Int32Array;
  private kidCount: Uint32Array;
  private count = 1; // ExpressionRef 0 means "none"
  private kids: Int32Array;
  private kidsUsed = 0;
  /** i64 constants, callee and table names, br_table label lists: imm indexes these. */
  private readonly bigs: bigint[] = [];
  private readonly names: string[] = [];
  private readonly tables: { labels: number[]; defaultLabel: number }[] = [];
  private readonly labelIds = new Map<string, number>();
  private readonly labelNames: string[] = [];
  /** Per label id: some br or br_table targets it (a block ending unreachable is then reachable). */
  private readonly branchedTo: boolean[] = [];

  readonly local: ExpressionBuilder['local'];
  readonly i32: I32Ops;
  readonly i64: I64Ops;
  readonly f32: F32Ops;
  readonly f64: F64Ops;

  constructor(private readonly internType: (params: readonly TypeRef[], result: TypeRef) => number) {
    const storage = spareStorage.pop() ?? newStorage(INITIAL_NODES);
    ({ kind: this.kind, opcode: this.opcode, type: this.type, imm: this.imm, align: this.align, firstKid: this.firstKid, kidCount: this.kidCount, kids: this.kids } = storage);
    this.local = {
      get: (index, type) => this.node(Kind.Local, OP.local_get, type, index),
      set: (index, value) => this.node1(Kind.Local, OP.local_set, EMPTY_BLOCK, index, value),
      tee: (index, value, type) => this.node1(Kind.Local, OP.local_tee, type, index, value),
    };
    this.i32 = {
      ...this.integerOps('i32'),
      const: (value: number) => this.node(Kind.I32Const, OP.i32_const, VALTYPE.i32, value | 0),
      wrap: (v: ExpressionRef) => this.node1(Kind.Plain, I32_WRAP, VALTYPE.i32, 0, v),
    };
    const i64 = VALTYPE.i64;
    this.i64 = {
      ...this.integerOps('i64'),
      const: (value: bigint) => this.node(Kind.I64Const, OP.i64_const, i64, this.bigs.push(value) - 1),
      load32_s: this.load(I64_ONLY.load32_s, i64, 4),
      load32_u: this.load(I64_ONLY.load32_u, i64, 4),
      store32: this.store(I64_ONLY.store32, 4),
      extend_s: (v: ExpressionRef) => this.node1(Kind.Plain, I64_ONLY.extend_s, i64, 0, v),
      extend_u: (v: ExpressionRef) => this.node1(Kind.Plain, I64_ONLY.extend_u, i64, 0, v),
      extend32_s: (v: ExpressionRef) => this.node1(Kind.Plain, I64_ONLY.extend32_s, i64, 0, v),
    };
    this.f32 = { ...this.floatOps('f32'), demote: (v: ExpressionRef) => this.node1(Kind.Plain, F32_DEMOTE, VALTYPE.f32, 0, v) };
    this.f64 = { ...this.floatOps('f64'), promote: (v: ExpressionRef) => this.node1(Kind.Plain, F64_PROMOTE, VALTYPE.f64, 0, v) };
  }

  /** Hands the node arrays to the next tree; this tree must not be used afterwards. */
  release(): void {
    if (this.kind.length === 0) return;
    this.unlikelyBranches.clear();
    spareStorage.push({ kind: this.kind, opcode: this.opcode, type: this.type, imm: this.imm, align: this.align, firstKid: this.firstKid, kidCount: this.kidCount, kids: this.kids });
    ({ kind: this.kind, opcode: this.opcode, type: this.type, imm: this.imm, align: this.align, firstKid: this.firstKid, kidCount: this.kidCount, kids: this.kids } = newStorage(0));
    this.count = 1;
    this.kidsUsed = 0;
  }

  private grow(): void {
    const size = Math.max(this.kind.length * 2, INITIAL_NODES);
    const widen = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(old: T, make: new (n: number) => T): T => {
      const bigger = new make(size);
      bigger.set(old as never);
      return bigger;
    };
    this.kind = widen(this.kind, Uint8Array);
    this.opcode = widen(this.opcode, Uint16Array);
    this.type = widen(this.type, Uint8Array);
    this.imm = widen(this.imm, Float64Array);
    this.align = widen(this.align, Uint8Array);
    this.firstKid = widen(this.firstKid, Int32Array);
    this.kidCount = widen(this.kidCount, Uint32Array);
  }

  private reserveKids(n: number): number {
    if (this.kidsUsed + n > this.kids.length) {
      const bigger = new Int32Array(Math.max(this.kids.length * 2, this.kidsUsed + n, INITIAL_NODES));
      bigger.set(this.kids);
      this.kids = bigger;
    }
    const at = this.kidsUsed;
    this.kidsUsed += n;
    return at;
  }

  /** A node without children. */
  private node(kind: Kind, opcode: number, type: TypeRef, imm: number): ExpressionRef {
    if (this.count === this.kind.length) this.grow();
    const n = this.count++;
    this.kind[n] = kind;
    this.opcode[n] = opcode;
    this.type[n] = type;
    this.imm[n] = imm;
    this.kidCount[n] = 0;
    return n;
  }
  private node1(kind: Kind, opcode: number, type: TypeRef, imm: number, a: ExpressionRef): ExpressionRef {
    const n = this.node(kind, opcode, type, imm);
    const at = this.reserveKids(1);
    this.kids[at] = a;
    this.firstKid[n] = at;
    this.kidCount[n] = 1;
    return n;
  }
  private node2(kind: Kind, opcode: number, type: TypeRef, imm: number, a: ExpressionRef, b: ExpressionRef): ExpressionRef {
    const n = this.node(kind, opcode, type, imm);
    const at = this.reserveKids(2);
    this.kids[at] = a;
    this.kids[at + 1] = b;
    this.firstKid[n] = at;
    this.kidCount[n] = 2;
    return n;
  }
  /** A node with children taken from `list` (entries that are 0, "none", are skipped). */
  private nodeN(kind: Kind, opcode: number, type: TypeRef, imm: number, list: readonly (ExpressionRef | undefined)[]): ExpressionRef {
    const n = this.node(kind, opcode, type, imm);
    const at = this.reserveKids(list.length);
    let used = 0;
    for (const k of list) if (k) this.kids[at + used++] = k;
    this.kidsUsed = at + used;
    this.firstKid[n] = at;
    this.kidCount[n] = used;
    return n;
  }

  typeOf(expr: ExpressionRef): TypeRef {
    return this.type[expr]!;
  }

  private labelId(label: string): number {
    let id = this.labelIds.get(label);
    if (id === undefined) {
      id = this.labelNames.push(label) - 1;
      this.labelIds.set(label, id);
      this.branchedTo.push(false);
    }
    return id;
  }

  private load(opcode: number, type: TypeRef, naturalBytes: number) {
    return (offset: number, align: number, ptr: ExpressionRef) => {
      const n = this.node1(Kind.Memory, opcode, type, offset, ptr);
      this.align[n] = alignLog2(align, naturalBytes);
      return n;
    };
  }
  private store(opcode: number, naturalBytes: number) {
    return (offset: number, align: number, ptr: ExpressionRef, value: ExpressionRef) => {
      const n = this.node2(Kind.Memory, opcode, EMPTY_BLOCK, offset, ptr, value);
      this.align[n] = alignLog2(align, naturalBytes);
      return n;
    };
  }

  private integerOps(t: 'i32' | 'i64') {
    const type = VALTYPE[t];
    const width = t === 'i32' ? 4 : 8;
    const ops: Record<string, unknown> = {};
    for (const [name, opcode] of Object.entries(INT_BINARY[t]) as [IntBinaryName, number][]) {
      const result = INT_COMPARISONS.has(name) ? VALTYPE.i32 : type;
      ops[name] = (a: ExpressionRef, b: ExpressionRef) => this.node2(Kind.Plain, opcode, result, 0, a, b);
    }
    for (const [name, opcode] of Object.entries(INT_UNARY[t]) as [IntUnaryName, number][]) {
      const result = name === 'eqz' ? VALTYPE.i32 : type;
      ops[name] = (v: ExpressionRef) => this.node1(Kind.Plain, opcode, result, 0, v);
    }
    for (const [name, opcode] of Object.entries(INT_LOAD[t]) as [IntLoadName, number][]) ops[name] = this.load(opcode, type, NATURAL_BYTES[name] ?? width);
    for (const [name, opcode] of Object.entries(INT_STORE[t]) as [IntStoreName, number][]) ops[name] = this.store(opcode, NATURAL_BYTES[name] ?? width);
    for (const [kind, byFloat] of Object.entries(INT_TRUNC[t])) {
      ops[kind] = {
        f32: (v: ExpressionRef) => this.node1(Kind.Plain, byFloat.f32, type, 0, v),
        f64: (v: ExpressionRef) => this.node1(Kind.Plain, byFloat.f64, type, 0, v),
      };
    }
    return ops as unknown as Omit<I32Ops, 'const' | 'wrap'> & Omit<I64Ops, 'const' | keyof typeof I64_ONLY>;
  }

  private floatOps(t: 'f32' | 'f64') {
    const type = VALTYPE[t];
    const ops: Record<string, unknown> = {};
    for (const [name, opcode] of Object.entries(FLOAT_BINARY[t]) as [FloatBinaryName, number][]) {
      const result = FLOAT_COMPARISONS.has(name) ? VALTYPE.i32 : type;
      ops[name] = (a: ExpressionRef, b: ExpressionRef) => this.node2(Kind.Plain, opcode, result, 0, a, b);
    }
    for (const [name, opcode] of Object.entries(FLOAT_UNARY[t]) as [FloatUnaryName, number][]) {
      ops[name] = (v: ExpressionRef) => this.node1(Kind.Plain, opcode, type, 0, v);
    }
    ops.load = this.load(FLOAT_LOAD[t], type, t === 'f32' ? 4 : 8);
    ops.store = this.store(FLOAT_STORE[t], t === 'f32' ? 4 : 8);
    ops.const = t === 'f32'
      ? (value: number) => this.node(Kind.F32Const, OP.f32_const, type, value)
      : (value: number) => this.node(Kind.F64Const, OP.f64_const, type, value);
    for (const [kind, byInt] of Object.entries(FLOAT_CONVERT[t])) {
      ops[kind] = {
        i32: (v: ExpressionRef) => this.node1(Kind.Plain, byInt.i32, type, 0, v),
        i64: (v: ExpressionRef) => this.node1(Kind.Plain, byInt.i64, type, 0, v),
      };
    }
    return ops as unknown as Omit<F32Ops, 'demote'> & Omit<F64Ops, 'promote'>;
  }

  block(label: string | null, children: readonly ExpressionRef[], resultType?: TypeRef): ExpressionRef {
    const id = label === null ? NO_LABEL : this.labelId(label);
    let type: TypeRef = EMPTY_BLOCK;
    if (resultType !== undefined) type = resultType;
    else if (children.length > 0) {
      let anyUnreachable = false;
      for (const c of children) if (this.type[c] === UNREACHABLE_TYPE) anyUnreachable = true;
      const last = this.type[children[children.length - 1]!]!;
      if (anyUnreachable && !(id !== NO_LABEL && this.branchedTo[id])) type = UNREACHABLE_TYPE;
      else type = last === UNREACHABLE_TYPE ? EMPTY_BLOCK : last;
    }
    return this.nodeN(Kind.Block, OP.block, type, id, children);
  }

  loop(label: string | null, body: ExpressionRef): ExpressionRef {
    return this.node1(Kind.Loop, OP.loop, this.type[body]!, label === null ? NO_LABEL : this.labelId(label), body);
  }

  if(condition: ExpressionRef, ifTrue: ExpressionRef, ifFalse?: ExpressionRef): ExpressionRef {
    if (!ifFalse) return this.node2(Kind.If, OP.if, EMPTY_BLOCK, 0, condition, ifTrue);
    const a = this.type[ifTrue]!;
    const type = a === UNREACHABLE_TYPE ? this.type[ifFalse]! : a;
    return this.nodeN(Kind.If, OP.if, type, 0, [condition, ifTrue, ifFalse]);
  }

  /** Marks an `if` or `br_if` whose condition is expected false: serialization records its
   *  offset for the module's branch-hint section (V8 then lays out the taken side as deferred
   *  code, so values live across a call there are spilled inside it, not on the likely path). */
  unlikely(branch: ExpressionRef): ExpressionRef {
    const isBranch = this.kind[branch] === Kind.If || (this.kind[branch] === Kind.Br && this.opcode[branch] === OP.br_if);
    if (!isBranch) throw new Error('internal error: a branch hint on something other than an if or a br_if');
    this.unlikelyBranches.add(branch);
    return branch;
  }
  /** The if and br_if nodes marked unlikely. */
  private readonly unlikelyBranches = new Set<ExpressionRef>();

  br(label: string, condition?: ExpressionRef, value?: ExpressionRef): ExpressionRef {
    const id = this.labelId(label);
    this.branchedTo[id] = true;
    const type = condition ? (value ? this.type[value]! : EMPTY_BLOCK) : UNREACHABLE_TYPE;
    return this.nodeN(Kind.Br, condition ? OP.br_if : OP.br, type, id, [value, condition]);
  }

  switch(labels: readonly string[], defaultLabel: string, condition: ExpressionRef, value?: ExpressionRef): ExpressionRef {
    const ids = labels.map((l) => this.labelId(l));
    const defaultId = this.labelId(defaultLabel);
    for (const id of [...ids, defaultId]) this.branchedTo[id] = true;
    const table = this.tables.push({ labels: ids, defaultLabel: defaultId }) - 1;
    return this.nodeN(Kind.Switch, OP.br_table, UNREACHABLE_TYPE, table, [value, condition]);
  }

  call(name: string, operands: readonly ExpressionRef[], returnType: TypeRef): ExpressionRef {
    return this.nodeN(Kind.Call, OP.call, returnType, this.names.push(name) - 1, operands);
  }

  return_call(name: string, operands: readonly ExpressionRef[], _returnType: TypeRef): ExpressionRef {
    return this.nodeN(Kind.Call, OP.return_call, UNREACHABLE_TYPE, this.names.push(name) - 1, operands);
  }

  return_call_indirect(table: string, target: ExpressionRef, operands: readonly ExpressionRef[], params: TypeRef, results: TypeRef): ExpressionRef {
    const n = this.nodeN(Kind.ReturnCallIndirect, OP.return_call_indirect, UNREACHABLE_TYPE, this.names.push(table) - 1, [...operands, target]);
    this.typeIndexOf.set(n, this.internType(params === EMPTY_BLOCK ? [] : [params], results));
    return n;
  }
  /** Type index of each return_call_indirect node. */
  private readonly typeIndexOf = new Map<ExpressionRef, number>();

  select(condition: ExpressionRef, ifTrue: ExpressionRef, ifFalse: ExpressionRef): ExpressionRef {
    const a = this.type[ifTrue]!;
    return this.nodeN(Kind.Plain, OP.select, a === UNREACHABLE_TYPE ? this.type[ifFalse]! : a, 0, [ifTrue, ifFalse, condition]);
  }

  drop(value: ExpressionRef): ExpressionRef {
    return this.node1(Kind.Plain, OP.drop, EMPTY_BLOCK, 0, value);
  }

  return(value?: ExpressionRef): ExpressionRef {
    return value ? this.node1(Kind.Plain, OP.return, UNREACHABLE_TYPE, 0, value) : this.node(Kind.Plain, OP.return, UNREACHABLE_TYPE, 0);
  }

  nop(): ExpressionRef {
    return this.node(Kind.Plain, OP.nop, EMPTY_BLOCK, 0);
  }

  unreachable(): ExpressionRef {
    return this.node(Kind.Plain, OP.unreachable, UNREACHABLE_TYPE, 0);
  }

  /** Writes the code of `expr` (a function body without its final `end`); `bodyStart` is the
   *  output offset where the body (its local declarations) begins. Returns the body offsets of
   *  the branches marked unlikely, ascending. */
  serialize(expr: ExpressionRef, out: ByteWriter, names: NameResolver, bodyStart = out.length): number[] {
    this.out = out;
    this.resolver = names;
    this.open.length = 0;
    this.bodyStart = bodyStart;
    this.unlikelyOffsets = [];
    this.write(expr);
    return this.unlikelyOffsets;
  }

  // Serialization state: the output, and the label ids of the structured instructions open at the
  // current point, innermost last (NO_LABEL for an if or an unlabelled loop).
  private out?: ByteWriter;
  private resolver?: NameResolver;
  private readonly open: number[] = [];
  private bodyStart = 0;
  private unlikelyOffsets: number[] = [];

  private depth(label: number): number {
    const at = this.open.lastIndexOf(label);
    if (at < 0) throw new Error(`internal error: br to label ${this.labelNames[label]}, which does not enclose it`);
    return this.open.length - 1 - at;
  }

  private writeKids(n: ExpressionRef): void {
    const first = this.firstKid[n]!;
    const end = first + this.kidCount[n]!;
    for (let k = first; k < end; k++) this.write(this.kids[k]!);
  }

  /** Opens a structured instruction: opcode, block type (unreachable is written as empty), label. */
  private openStructured(opcode: number, type: TypeRef, label: number): void {
    this.out!.byte(opcode);
    this.out!.byte(type === UNREACHABLE_TYPE ? EMPTY_BLOCK : type);
    this.open.push(label);
  }

  /** Closes a structured instruction; one that cannot complete is followed by `unreachable`. */
  private close(type: TypeRef): void {
    this.open.pop();
    this.out!.byte(OP.end);
    if (type === UNREACHABLE_TYPE) this.out!.byte(OP.unreachable);
  }

  private write(n: ExpressionRef): void {
    const out = this.out!;
    const opcode = this.opcode[n]!;
    switch (this.kind[n] as Kind) {
      case Kind.Plain:
        this.writeKids(n);
        if (opcode > 0xff) {
          out.byte(opcode >> 8);
          out.u32(opcode & 0xff);
        } else out.byte(opcode);
        return;
      case Kind.Memory:
        this.writeKids(n);
        out.byte(opcode);
        out.u32(this.align[n]!);
        out.u32(this.imm[n]!);
        return;
      case Kind.I32Const:
        out.byte(opcode);
        out.s32(this.imm[n]!);
        return;
      case Kind.I64Const:
        out.byte(opcode);
        out.s64(this.bigs[this.imm[n]!]!);
        return;
      case Kind.F32Const:
        out.byte(opcode);
        out.f32(this.imm[n]!);
        return;
      case Kind.F64Const:
        out.byte(opcode);
        out.f64(this.imm[n]!);
        return;
      case Kind.Local:
        this.writeKids(n);
        out.byte(opcode);
        out.u32(this.imm[n]!);
        return;
      case Kind.Call:
        this.writeKids(n);
        out.byte(opcode);
        out.u32(this.resolver!.functionIndex(this.names[this.imm[n]!]!));
        return;
      case Kind.ReturnCallIndirect:
        this.writeKids(n);
        out.byte(opcode);
        out.u32(this.typeIndexOf.get(n)!);
        out.u32(this.resolver!.tableIndex(this.names[this.imm[n]!]!));
        return;
      case Kind.Block:
        if (this.imm[n] === NO_LABEL) return this.writeKids(n);
        this.openStructured(opcode, this.type[n]!, this.imm[n]!);
        this.writeKids(n);
        return this.close(this.type[n]!);
      case Kind.Loop:
        this.openStructured(opcode, this.type[n]!, this.imm[n]!);
        this.writeKids(n);
        return this.close(this.type[n]!);
      case Kind.If: {
        const first = this.firstKid[n]!;
        this.write(this.kids[first]!);
        if (this.unlikelyBranches.has(n)) this.unlikelyOffsets.push(out.length - this.bodyStart);
        this.openStructured(opcode, this.type[n]!, NO_LABEL);
        this.write(this.kids[first + 1]!);
        if (this.kidCount[n] === 3) {
          out.byte(OP.else);
          this.write(this.kids[first + 2]!);
        }
        return this.close(this.type[n]!);
      }
      case Kind.Br:
        this.writeKids(n);
        if (this.unlikelyBranches.has(n)) this.unlikelyOffsets.push(out.length - this.bodyStart);
        out.byte(opcode);
        out.u32(this.depth(this.imm[n]!));
        return;
      case Kind.Switch: {
        this.writeKids(n);
        const table = this.tables[this.imm[n]!]!;
        out.byte(opcode);
        out.u32(table.labels.length);
        for (const l of table.labels) out.u32(this.depth(l));
        out.u32(this.depth(table.defaultLabel));
        return;
      }
    }
  }
}
