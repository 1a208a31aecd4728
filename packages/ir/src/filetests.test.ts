// Runs the IR filetests in ./filetests/*.ir (format and blessing: filetest.ts). Each case is
//   ; test: <directive>
//   <IR text: one or more functions>
//   ; expect:
//   <expected output>
// Directives: `roundtrip` parses, verifies (must pass), prints, and checks that printing the
// re-parsed output changes nothing; the output is the printed IR. `parse` prints what parses, or
// `error: <message>`. `verify` prints the verifier's messages per function, or `ok`.
// Re-bless after an intended change: FERRY_BLESS=1 npx vitest run packages/ir
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FerryError } from '@ferry/util';
import { checkFiletest, listFiletests } from './filetest.js';
import { parseFuncs } from './parser.js';
import { printFuncName, printModule } from './printer.js';
import { verify } from './verifier.js';

function runIrFiletest(input: string, directive: string): string {
  switch (directive) {
    case 'roundtrip': {
      const funcs = parseFuncs(input);
      const errors = funcs.flatMap(verify);
      if (errors.length > 0) throw new FerryError(`round-trip input must verify:\n${errors.join('\n')}`);
      const printed = printModule(funcs);
      const reprinted = printModule(parseFuncs(printed));
      if (reprinted !== printed) throw new FerryError(`printing the re-parsed output changed it:\n${reprinted}`);
      return printed;
    }
    case 'parse':
      try {
        return printModule(parseFuncs(input));
      } catch (e) {
        if (e instanceof FerryError) return `error: ${e.message}`;
        throw e;
      }
    case 'verify': {
      let funcs;
      try {
        funcs = parseFuncs(input);
      } catch (e) {
        if (e instanceof FerryError) return `parse error: ${e.message}`;
        throw e;
      }
      return funcs
        .map((f) => {
          const errors = verify(f);
          return errors.length === 0 ? `${printFuncName(f.name)}: ok` : errors.join('\n');
        })
        .join('\n');
    }
    default:
      throw new FerryError(`unknown directive '${directive}': use roundtrip, parse or verify`);
  }
}

const dir = fileURLToPath(new URL('./filetests/', import.meta.url));

describe('ir filetests', () => {
  const files = listFiletests(dir);
  it('finds the filetests', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(basename(file), () => {
      const { expected, actual } = checkFiletest(file, runIrFiletest);
      expect(actual).toBe(expected);
    });
  }
});
