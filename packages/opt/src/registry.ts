// The one table of IR passes: registry key (also the pass's file name), a one-line description
// (fed to --help and pass listings) and the function. A pass edits the Func in place and returns
// whether it changed anything. Invariant: keys are unique; lookups of unknown keys name the known ones.
import type { Func } from '@ferry/ir';
import { FerryError } from '@ferry/util';
import { constFold } from './const-fold.js';
import { copyProp } from './copy-prop.js';
import { cse } from './cse.js';
import { dce } from './dce.js';
import { narrow } from './narrow.js';
import { redundantShadow } from './redundant-shadow.js';
import { regForward } from './reg-forward.js';

/** Edits func in place; true when something changed. */
export type PassFn = (func: Func) => boolean;

export interface PassInfo {
  name: string;
  description: string;
  run: PassFn;
}

const PASSES = new Map<string, PassInfo>();

export function registerPass(name: string, description: string, run: PassFn): void {
  if (PASSES.has(name)) throw new FerryError(`internal error: IR pass '${name}' is registered twice`);
  PASSES.set(name, { name, description, run });
}

registerPass('reg-forward', 'forwards guest register and state slot values to later reads; removes overwritten writes', regForward);
registerPass('const-fold', 'folds constant operands, algebraic identities and branches on constants', constFold);
registerPass('copy-prop', 'forwards block parameters that receive the same value on every edge', copyProp);
registerPass('narrow', 'keeps 32-bit arithmetic in i32 where only low bits are read, and recognizes rotates', narrow);
registerPass('cse', 'merges equal pure ops in dominating positions', cse);
registerPass('redundant-shadow', 'lets memory accesses near a dominating one off the same base share its shadow-table lookup', redundantShadow);
registerPass('dce', 'removes unused pure instructions and unreachable blocks', dce);

export function getPass(name: string): PassInfo {
  const pass = PASSES.get(name);
  if (!pass) throw new FerryError(`unknown IR pass '${name}'; known passes: ${[...PASSES.keys()].join(', ')}`);
  return pass;
}

/** Every registered pass, in registration order. */
export const listPasses = (): PassInfo[] => [...PASSES.values()];

/** `name  description` lines for help text. */
export function passHelp(): string {
  const width = Math.max(...listPasses().map((p) => p.name.length));
  return listPasses().map((p) => `${p.name.padEnd(width)}  ${p.description}`).join('\n');
}
