// `ferry lift <elf> --symbol NAME | --pc ADDR [--tier baseline|opt] [--passes a,b] [--print-after-all]`:
// prints the IR a JIT tier makes of the code there: after lifting, and after the IR passes (each
// one with --print-after-all). The translation is made as the tier makes it (engine inspect.ts).
import type { CommandModule } from 'yargs';
import { liftAt, loadTarget, type JitTier } from '@ferry/engine/inspect';
import { disassemble } from '@ferry/isa-riscv';
import { hex } from '@ferry/util';
import { parseAddress } from './options.js';

export interface TargetArgs {
  elf: string;
  symbol?: string;
  pc?: string;
  tier: JitTier;
}

interface LiftArgs extends TargetArgs {
  passes?: string;
  'print-after-all': boolean;
}

/** Options shared by `lift` and `wat`: which code, which tier. */
export const targetOptions = <T>(y: import('yargs').Argv<T>) =>
  y
    .positional('elf', { type: 'string', demandOption: true, describe: 'the guest executable' })
    .option('symbol', { type: 'string', describe: 'translate the code at this function symbol' })
    .option('pc', { type: 'string', describe: 'translate the code at this guest address (0x...)' })
    .option('tier', { choices: ['baseline', 'opt'] as const, default: 'opt' as const, describe: 'baseline: one block; opt: a region' })
    .conflicts('symbol', 'pc')
    .check((argv) => {
      if (argv.symbol === undefined && argv.pc === undefined) throw new Error('name the code: --symbol NAME or --pc ADDRESS');
      return true;
    });

export const resolveTarget = (argv: TargetArgs) =>
  loadTarget({ path: argv.elf, ...(argv.symbol !== undefined ? { symbol: argv.symbol } : {}), ...(argv.pc !== undefined ? { pc: parseAddress(argv.pc, '--pc') } : {}) });

export const liftCommand: CommandModule<object, LiftArgs> = {
  command: 'lift <elf>',
  describe: 'print the IR a JIT tier makes of a function or address, before and after the IR passes',
  builder: (y) =>
    targetOptions(y)
      .option('passes', { type: 'string', describe: 'comma-separated IR passes to run instead of the tier\'s pipeline' })
      .option('print-after-all', { type: 'boolean', default: false, describe: 'print the IR after every pass' }) as never,
  handler: (argv) => {
    const { machine, pc } = resolveTarget(argv);
    try {
      const passes = argv.passes === undefined ? undefined : argv.passes.split(',').map((p) => p.trim()).filter((p) => p !== '');
      const lifted = liftAt(machine, pc, { tier: argv.tier, ...(passes ? { passes } : {}), recordPasses: argv['print-after-all'] });
      const insns = lifted.blocks.reduce((n, b) => n + b.insns.length, 0);
      const out = [`; ${argv.tier} translation of ${hex(pc)}: ${lifted.blocks.length} guest block(s), ${insns} instruction(s)`];
      for (const block of lifted.blocks) {
        out.push(`; block ${hex(block.pc)}`);
        for (const insn of block.insns) out.push(`;   ${insn.pc.toString(16)}:\t${insn.decoded ? disassemble(insn.decoded, insn.pc) : '(illegal)'}`);
      }
      for (const stage of lifted.stages) {
        const title = stage.stage === 'lifted' ? 'after lifting' : stage.stage === 'passes' ? 'after the IR passes' : `after ${stage.stage}${stage.changed ? '' : ' (unchanged)'}`;
        out.push(`\n; ---- IR ${title} ----`, stage.text.trimEnd());
      }
      if (lifted.stages.length === 1) out.push(`\n; no IR passes ran (the ${argv.tier} tier runs none; --passes names some)`);
      process.stdout.write(out.join('\n') + '\n');
    } finally {
      machine.close();
    }
  },
};
