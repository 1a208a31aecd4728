// Runs the pass filetests in ./filetests/*.ir (format and blessing: @ferry/ir filetest.ts). A case's
// directive lists passes to run once each, in order (`; test: const-fold dce`), or names a pipeline
// (`; test: pipeline opt`); the input must verify, the verifier runs after every pass, and the
// output is the printed IR. Re-bless after an intended change: FERRY_BLESS=1 npx vitest run packages/opt
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFiletest, listFiletests, parseFuncs, printModule, verifyOrThrow } from '@ferry/ir';
import { runPipeline, type PipelineName } from './pipelines.js';

function runOptFiletest(input: string, directive: string): string {
  const funcs = parseFuncs(input);
  const words = directive.split(/\s+/).filter((w) => w !== '');
  for (const func of funcs) {
    verifyOrThrow(func, 'of the test input');
    if (words[0] === 'pipeline') runPipeline(func, words[1] as PipelineName, { verify: true });
    else runPipeline(func, words, { verify: true });
  }
  return printModule(funcs);
}

const dir = fileURLToPath(new URL('./filetests/', import.meta.url));

describe('opt filetests', () => {
  const files = listFiletests(dir);
  it('finds the filetests', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(basename(file), () => {
      const { expected, actual } = checkFiletest(file, runOptFiletest);
      expect(actual).toBe(expected);
    });
  }
});
