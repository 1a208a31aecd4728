// Reads the IR text form written by printer.ts back into Funcs: print(parse(x)) === x for printer
// output. Accepts `;` line comments, blank lines and arbitrary value names vN and block labels
// blockN (blocks are numbered in header order, values in definition order). Errors give
// line:column and what was expected. The parser checks syntax and name resolution only: an
// unknown slot, helper or exit name is kept as written for the verifier to report, and the result
// of a call to an unknown helper is typed i64.
import { ExitCode, HELPERS } from '@ferry/abi';
import { FerryError } from '@ferry/util';
import { Func, resultTypeOf, type Inst } from './func.js';
import { OPS, type OpName } from './ops.js';
import { TYPES, type ResultType, type Type } from './types.js';

type TokenKind = 'word' | 'number' | 'funcname' | 'punct' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  col: number;
}

const VALUE_NAME = /^v\d+$/;
const BLOCK_NAME = /^block\d+$/;

function tokenize(text: string, source: string): Token[] {
  const tokens: Token[] = [];
  const lexer = /(?<space>[ \t\r]+)|(?<newline>\n)|(?<comment>;[^\n]*)|(?<funcname>@(?:"(?:[^"\\\n]|\\.)*"|[A-Za-z0-9_.$-]+))|(?<number>-?(?:0[xX][0-9a-fA-F]+|[0-9]+))|(?<word>[A-Za-z_][A-Za-z0-9_.]*)|(?<punct>[(){},:=])/y;
  let line = 1;
  let lineStart = 0;
  while (lexer.lastIndex < text.length) {
    const at = lexer.lastIndex;
    const m = lexer.exec(text);
    const col = at - lineStart + 1;
    if (!m) throw new FerryError(`${source}${line}:${col}: unexpected character '${text[at]}'`);
    const g = m.groups!;
    if (g.newline !== undefined) {
      line++;
      lineStart = at + 1;
    } else if (g.space === undefined && g.comment === undefined) {
      const kind = (['funcname', 'number', 'word', 'punct'] as const).find((k) => g[k] !== undefined)!;
      tokens.push({ kind, text: m[0], line, col });
    }
  }
  tokens.push({ kind: 'eof', text: 'end of input', line, col: text.length - lineStart + 1 });
  return tokens;
}

// Syntax, before names are resolved.
interface NameRef {
  name: string;
  tok: Token;
}
interface TargetSyntax {
  label: NameRef;
  args: NameRef[];
}
interface InstSyntax {
  result: NameRef | undefined;
  opTok: Token;
  op: OpName;
  imm: Inst['imm'];
  args: NameRef[];
  targets: TargetSyntax[];
}
interface BlockSyntax {
  label: NameRef;
  params: { value: NameRef; type: Type }[];
  insts: InstSyntax[];
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  fail(tok: Token, message: string): never {
    throw new FerryError(`${this.source}${tok.line}:${tok.col}: ${message}`);
  }
  private expected(what: string): never {
    const t = this.peek();
    return this.fail(t, `expected ${what}, found ${t.kind === 'eof' ? 'end of input' : `'${t.text}'`}`);
  }
  private isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.text === text;
  }
  private eat(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.pos++;
    return true;
  }
  private expectPunct(text: string, what = `'${text}'`): Token {
    if (!this.isPunct(text)) this.expected(what);
    return this.next();
  }
  private isWord(pattern: RegExp, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'word' && pattern.test(t.text);
  }
  private name(pattern: RegExp, what: string): NameRef {
    if (!this.isWord(pattern)) this.expected(what);
    const tok = this.next();
    return { name: tok.text, tok };
  }
  private type(): Type {
    const t = this.peek();
    if (t.kind !== 'word' || !(TYPES as readonly string[]).includes(t.text)) this.expected(`a type (${TYPES.join(', ')})`);
    return this.next().text as Type;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  func(): Func {
    const kw = this.peek();
    if (kw.kind !== 'word' || kw.text !== 'func') this.expected("'func'");
    this.next();
    if (this.peek().kind !== 'funcname') this.expected('a function name @name');
    const nameTok = this.next();
    const name = nameTok.text[1] === '"' ? (JSON.parse(nameTok.text.slice(1)) as string) : nameTok.text.slice(1);
    this.expectPunct('(');
    const headerTypes: Type[] = [];
    if (!this.isPunct(')')) {
      do headerTypes.push(this.type());
      while (this.eat(','));
    }
    this.expectPunct(')', "',' or ')'");
    this.expectPunct('{');
    const blocks: BlockSyntax[] = [];
    while (!this.isPunct('}')) {
      if (this.isWord(BLOCK_NAME)) blocks.push(this.blockHeader());
      else if (blocks.length === 0) this.expected("a block header 'blockN:' or '}'");
      else blocks[blocks.length - 1]!.insts.push(this.inst());
    }
    this.next();
    return this.resolve(name, nameTok, headerTypes, blocks);
  }

  private blockHeader(): BlockSyntax {
    const label = this.name(BLOCK_NAME, 'a block label');
    const params: BlockSyntax['params'] = [];
    if (this.eat('(')) {
      do {
        const value = this.name(VALUE_NAME, 'a parameter name vN');
        this.expectPunct(':');
        params.push({ value, type: this.type() });
      } while (this.eat(','));
      this.expectPunct(')', "',' or ')'");
    }
    this.expectPunct(':', "':' after the block header");
    return { label, params, insts: [] };
  }

  private inst(): InstSyntax {
    let result: NameRef | undefined;
    if (this.isWord(VALUE_NAME) && this.isPunct('=', 1)) {
      result = this.name(VALUE_NAME, 'a value name');
      this.next();
    }
    const opTok = this.peek();
    if (!result && this.isWord(VALUE_NAME)) {
      this.fail(opTok, `expected an instruction, found value ${opTok.text} (an instruction's first operand must be on the line of its op)`);
    }
    if (opTok.kind !== 'word') this.expected(result ? 'an op name' : "an instruction, a block header or '}'");
    if (!Object.hasOwn(OPS, opTok.text)) this.fail(opTok, `unknown op '${opTok.text}'`);
    this.next();
    const op = opTok.text as OpName;
    const info = OPS[op];
    const inst: InstSyntax = { result, opTok, op, imm: undefined, args: [], targets: [] };
    let operandsFollow: boolean;
    if (info.imm === 'helper') {
      inst.imm = this.name(/^[A-Za-z_]\w*$/, 'a helper name').name;
      this.expectPunct('(');
      if (!this.isPunct(')')) {
        do inst.args.push(this.name(VALUE_NAME, 'a value vN'));
        while (this.eat(','));
      }
      this.expectPunct(')', "',' or ')'");
      operandsFollow = this.eat(',');
    } else if (info.imm === 'pageCache' && this.peek().kind === 'word' && this.peek().text === 'page') {
      this.next(); // optional `page N`
      const t = this.peek();
      if (t.kind !== 'number') this.expected('a page-cache slot number after page');
      this.next();
      inst.imm = Number(this.integer(t, 0n, 1n << 31n));
      operandsFollow = this.eat(',');
    } else if (info.imm !== 'none' && info.imm !== 'pageCache') {
      inst.imm = this.immediate(info.imm);
      operandsFollow = this.eat(',');
    } else {
      // The first operand must sit on the op's line, so an operand-less op cannot swallow the next line.
      operandsFollow = this.peek().line === opTok.line && (this.isWord(VALUE_NAME) || this.isWord(BLOCK_NAME));
    }
    if (operandsFollow) {
      do {
        if (inst.targets.length === 0 && this.isWord(VALUE_NAME)) inst.args.push(this.name(VALUE_NAME, 'a value'));
        else inst.targets.push(this.target(inst.targets.length === 0 ? 'a value vN or a block target' : 'a block target'));
      } while (this.eat(','));
    }
    const resultType = this.resultType(op, inst.imm);
    if (result && resultType === 'none') this.fail(result.tok, `${op} produces no value; remove '${result.name} ='`);
    if (!result && resultType !== 'none') this.fail(opTok, `${op} produces an ${resultType}: expected 'vN = ${op} ...'`);
    return inst;
  }

  /** Result type, tolerating an unknown helper (its result, if named, is typed i64). */
  private resultType(op: OpName, imm: Inst['imm']): ResultType | 'any' {
    if (OPS[op].imm === 'helper' && !Object.hasOwn(HELPERS, String(imm))) return 'any';
    return resultTypeOf(op, imm);
  }

  private target(what: string): TargetSyntax {
    const label = this.name(BLOCK_NAME, what);
    const args: NameRef[] = [];
    if (this.eat('(')) {
      do args.push(this.name(VALUE_NAME, 'a value vN'));
      while (this.eat(','));
      this.expectPunct(')', "',' or ')'");
    }
    return { label, args };
  }

  private immediate(kind: 'i32' | 'i64' | 'slot' | 'exit'): Inst['imm'] {
    const t = this.peek();
    if (kind === 'slot') return this.name(/^[A-Za-z_]\w*$/, 'a state slot name').name;
    if (kind === 'exit') {
      if (t.kind === 'number') {
        this.next();
        return Number(this.integer(t, 0n, 1n << 31n));
      }
      const name = this.name(/^[A-Za-z_]\w*$/, 'an exit code name').name;
      return Object.hasOwn(ExitCode, name) ? ExitCode[name as keyof typeof ExitCode] : name;
    }
    if (t.kind !== 'number') this.expected(`an integer (${kind})`);
    this.next();
    if (kind === 'i32') return Number(BigInt.asIntN(32, this.integer(t, -(1n << 31n), 1n << 32n)));
    return BigInt.asIntN(64, this.integer(t, -(1n << 63n), 1n << 64n));
  }

  /** The integer a (consumed) number token spells, checked to lie in [min, limit). */
  private integer(t: Token, min: bigint, limit: bigint): bigint {
    const negative = t.text.startsWith('-');
    const magnitude = BigInt(negative ? t.text.slice(1) : t.text);
    const value = negative ? -magnitude : magnitude;
    if (value < min || value >= limit) this.fail(t, `integer ${t.text} out of range [${min}, ${limit - 1n}]`);
    return value;
  }

  /** Second pass: number blocks in header order, define values, then resolve every use. */
  private resolve(name: string, nameTok: Token, headerTypes: Type[], blocks: BlockSyntax[]): Func {
    const func = new Func(name);
    const blockIds = new Map<string, number>();
    for (const block of blocks) {
      if (blockIds.has(block.label.name)) this.fail(block.label.tok, `${block.label.name} is defined twice`);
      blockIds.set(block.label.name, blockIds.size);
      func.blocks.push({ params: [], insts: [] });
    }
    const values = new Map<string, number>();
    const define = (ref: NameRef, type: Type, block: number): number => {
      if (values.has(ref.name)) this.fail(ref.tok, `value ${ref.name} is defined twice`);
      const v = func.newValue(type, block);
      values.set(ref.name, v);
      return v;
    };
    blocks.forEach((block, b) => {
      for (const p of block.params) func.blocks[b]!.params.push(define(p.value, p.type, b));
      for (const s of block.insts) {
        const type = this.resultType(s.op, s.imm);
        const result = s.result === undefined ? -1 : define(s.result, type === 'any' || type === 'none' ? 'i64' : type, b);
        const inst: Inst = { op: s.op, args: [], result };
        if (s.imm !== undefined) inst.imm = s.imm;
        func.blocks[b]!.insts.push(inst);
      }
    });
    const use = (ref: NameRef): number => {
      const v = values.get(ref.name);
      return v ?? this.fail(ref.tok, `value ${ref.name} is never defined in @${name}`);
    };
    blocks.forEach((block, b) => {
      block.insts.forEach((s, i) => {
        const inst = func.blocks[b]!.insts[i]!;
        inst.args = s.args.map(use);
        if (s.targets.length > 0) {
          inst.targets = s.targets.map((t) => {
            const id = blockIds.get(t.label.name);
            if (id === undefined) this.fail(t.label.tok, `${t.label.name} is not defined in @${name}`);
            return { block: id, args: t.args.map(use) };
          });
        }
      });
    });
    const entryTypes = blocks[0]?.params.map((p) => p.type) ?? [];
    if (entryTypes.join() !== headerTypes.join()) {
      this.fail(nameTok, `@${name} declares parameters (${headerTypes.join(', ')}) but its entry block has (${entryTypes.join(', ')})`);
    }
    return func;
  }
}

/** Every function in the text, in order. `source` (e.g. a file name) prefixes error positions. */
export function parseFuncs(text: string, source?: string): Func[] {
  const parser = new Parser(tokenize(text, source ? `${source}:` : ''), source ? `${source}:` : '');
  const funcs: Func[] = [];
  while (!parser.atEnd()) funcs.push(parser.func());
  return funcs;
}

/** Exactly one function. */
export function parseFunc(text: string, source?: string): Func {
  const funcs = parseFuncs(text, source);
  if (funcs.length !== 1) {
    throw new FerryError(`${source ? `${source}: ` : ''}expected exactly one function, found ${funcs.length}`);
  }
  return funcs[0]!;
}
