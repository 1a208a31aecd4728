// `ferry wat <elf> --symbol NAME | --pc ADDR [--tier baseline|opt]`: prints the WebAssembly text
// of a JIT tier's translation of the code there, as the backend emits it (after binaryen's
// optimizer where the tier runs it).
import type { CommandModule } from 'yargs';
import { watAt } from '@ferry/engine/inspect';
import { hex } from '@ferry/util';
import { resolveTarget, targetOptions, type TargetArgs } from './lift.js';

export const watCommand: CommandModule<object, TargetArgs> = {
  command: 'wat <elf>',
  describe: 'print the WebAssembly text a JIT tier emits for a function or address',
  builder: (y) => targetOptions(y) as never,
  handler: async (argv) => {
    const { machine, pc } = resolveTarget(argv);
    try {
      const { lifted, text } = await watAt(machine, pc, argv.tier);
      const insns = lifted.blocks.reduce((n, b) => n + b.insns.length, 0);
      process.stdout.write(`;; ${argv.tier} translation of ${hex(pc)}: ${lifted.blocks.length} guest block(s), ${insns} instruction(s)\n${text}`);
    } finally {
      machine.close();
    }
  },
};
