// Seeing inside the JIT tiers (`ferry lift`, `ferry wat`): the IR a tier makes of the code at a
// guest address, after lifting and after each IR pass, and the wasm text the backend emits for it.
// Invariant: the translation is made exactly as the tier's Translator makes it (same discovery,
// lifting, IR pipeline and backend options), so what is printed is what would run.
import type { Func } from '@ferry/ir';
import { printFunc } from '@ferry/ir';
import { discoverBlock, discoverRegion, liftBlock, liftRegion, type GuestBlock } from '@ferry/lift-riscv';
import { runPipeline, type PipelineName } from '@ferry/opt';
import { Machine } from '@ferry/runtime';
import { FerryError, hex } from '@ferry/util';
import { compileBaselineModule, compileDirectModule } from '@ferry/backend-wasm/baseline';
import { liveCodeImage } from './jit/live-code.js';
import { loadBackend, OPT_CODEGEN, OPT_PIPELINE } from './jit/translator.js';

export type JitTier = 'baseline' | 'opt';

export interface InspectTarget {
  /** Host path of the guest ELF. */
  path: string;
  symbol?: string;
  pc?: bigint;
}

export interface LiftStage {
  /** 'lifted', or the name of the IR pass that produced this text. */
  stage: string;
  text: string;
  changed: boolean;
}

export interface LiftedCode {
  pc: bigint;
  blocks: GuestBlock[];
  func: Func;
  /** IR after lifting, then (with recording) after each pass that ran. */
  stages: LiftStage[];
}

/** Loads the ELF and resolves the target to a guest pc holding executable code. */
export function loadTarget(target: InspectTarget): { machine: Machine; pc: bigint } {
  const machine = Machine.load({ path: target.path, argv: [target.path], env: [], dirs: [], stdout: { write() {} }, stderr: { write() {} } });
  let pc: bigint;
  if (target.symbol !== undefined) {
    const sym = machine.elf.findSymbol(target.symbol);
    if (!sym) throw new FerryError(`${target.path}: no symbol named ${target.symbol} (ferry disasm ${target.path} lists the functions)`);
    pc = BigInt(sym.value);
  } else if (target.pc !== undefined) {
    pc = target.pc;
  } else {
    throw new FerryError('name the code to translate: --symbol NAME or --pc ADDRESS');
  }
  if (fetchWord(machine, pc) === undefined) {
    throw new FerryError(`${target.path}: address ${hex(pc)}${target.symbol ? ` (${target.symbol})` : ''} is not in executable memory`);
  }
  return { machine, pc };
}

const fetchWord = (machine: Machine, pc: bigint): number | undefined => machine.memory.tryFetch(pc);

export interface LiftOptions {
  tier: JitTier;
  /** IR passes to run instead of the tier's own pipeline (the baseline tier runs none). */
  passes?: readonly string[];
  /** Keep the IR text after every pass. */
  recordPasses?: boolean;
}

/** Discovers and lifts the code at pc as the tier does, then runs its IR passes (verified). */
export function liftAt(machine: Machine, pc: bigint, options: LiftOptions): LiftedCode {
  const fetch = (at: bigint) => fetchWord(machine, at);
  let blocks: GuestBlock[];
  if (options.tier === 'opt') {
    blocks = discoverRegion(fetch, pc, undefined, undefined, liveCodeImage(machine));
  } else {
    const block = discoverBlock(fetch, pc);
    blocks = block ? [block] : [];
  }
  if (!blocks.length) throw new FerryError(`${machine.elf.path}: no code can be discovered at ${hex(pc)}`);
  const func = options.tier === 'opt' ? liftRegion(blocks) : liftBlock(blocks[0]!);
  const stages: LiftStage[] = [{ stage: 'lifted', text: printFunc(func), changed: true }];
  const pipeline: PipelineName | readonly string[] = options.passes ?? (options.tier === 'opt' ? OPT_PIPELINE() : []);
  const records = runPipeline(func, pipeline, { verify: true, record: options.recordPasses ?? false });
  if (options.recordPasses) for (const r of records) stages.push({ stage: r.pass, text: r.text, changed: r.changed });
  else if (records.length) stages.push({ stage: 'passes', text: printFunc(func), changed: records.some((r) => r.changed) });
  return { pc, blocks, func, stages };
}

/** The wasm text of the tier's translation of the code at pc (one function, as it is compiled). */
export async function watAt(machine: Machine, pc: bigint, tier: JitTier): Promise<{ lifted: LiftedCode; text: string }> {
  const lifted = liftAt(machine, pc, { tier });
  const backend = await loadBackend();
  if (tier === 'baseline') return { lifted, text: backend.binaryToText(compileBaselineModule([lifted.func]).binary) };
  if (OPT_CODEGEN() === 'direct') return { lifted, text: backend.binaryToText(compileDirectModule([lifted.func], { promoteRegisters: true }).binary) };
  const compiled = backend.compileJitModule([lifted.func], { promoteRegisters: true }, true);
  return { lifted, text: compiled.text ?? '' };
}
