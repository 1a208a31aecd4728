// `ferry disasm <elf> [--symbol NAME]`: disassemble executable sections (or one function) in the
// style of objdump -d -M no-aliases.
import type { CommandModule } from 'yargs';
import { disassembleBytes } from '@ferry/isa-riscv';
import { readElfFile, type ElfImage } from '@ferry/runtime';
import { FerryError } from '@ferry/util';

interface DisasmArgs {
  elf: string;
  symbol?: string;
}

const SHF_EXECINSTR = 4;

function ranges(image: ElfImage, symbol: string | undefined): { name: string; start: number; end: number }[] {
  if (symbol !== undefined) {
    const sym = image.symbols.find((s) => s.name === symbol && s.type === 'func') ?? image.symbols.find((s) => s.name === symbol);
    if (!sym) throw new FerryError(`${image.path}: no symbol named ${symbol}`);
    return [{ name: symbol, start: sym.value, end: sym.value + Math.max(sym.size, 2) }];
  }
  return image.sections.filter((s) => s.flags & SHF_EXECINSTR && s.size > 0).map((s) => ({ name: s.name, start: s.addr, end: s.addr + s.size }));
}

function fileBytes(image: ElfImage, start: number, end: number): Uint8Array {
  const seg = image.segments.find((s) => s.type === 1 && start >= s.vaddr && end <= s.vaddr + s.filesz);
  if (!seg) throw new FerryError(`${image.path}: ${start.toString(16)}..${end.toString(16)} is not in the file`);
  return image.bytes.subarray(seg.offset + (start - seg.vaddr), seg.offset + (end - seg.vaddr));
}

export const disasmCommand: CommandModule<object, DisasmArgs> = {
  command: 'disasm <elf>',
  describe: 'disassemble a RISC-V executable (objdump -d -M no-aliases style)',
  builder: (y) =>
    y
      .positional('elf', { type: 'string', demandOption: true, describe: 'the guest executable' })
      .option('symbol', { type: 'string', describe: 'only this function' }) as never,
  handler: (argv) => {
    const image = readElfFile(argv.elf);
    const symbols = new Map(image.symbols.filter((s) => s.type === 'func' && s.name).map((s) => [s.value, s.name]));
    const out: string[] = [];
    for (const r of ranges(image, argv.symbol)) {
      out.push(`\nDisassembly of ${r.name}:`);
      for (const line of disassembleBytes(fileBytes(image, r.start, r.end), BigInt(r.start))) {
        const label = symbols.get(Number(line.address));
        if (label) out.push(`\n${line.address.toString(16).padStart(16, '0')} <${label}>:`);
        const word = line.word.toString(16).padStart(line.size * 2, '0');
        out.push(`${line.address.toString(16).padStart(8)}:\t${word.padEnd(18)}\t${line.text}`);
      }
    }
    process.stdout.write(out.join('\n') + '\n');
  },
};
