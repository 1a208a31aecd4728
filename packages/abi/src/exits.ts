// Exit codes: why translated code or the interpreter returned to the runtime.
// The exit record (StateSlot.exitCode / exitPc / exitInfo) says which instruction and why;
// exitPc is the address of the instruction that caused the exit (it has not retired).

export const ExitCode = {
  none: 0,
  ecall: 1,
  ebreak: 2,
  illegalInstruction: 3,
  /** The instruction budget ran out; exitPc is the next instruction to run. */
  budget: 4,
  /** fence.i: the runtime drops decoded and translated code, then resumes at exitPc + length. */
  fenceI: 5,
  /** Control reached a guest address with no translation (JIT tiers); exitPc is that address. */
  untranslated: 6,
  /** A store invalidated translated code; the store at exitPc has completed: resume after it. */
  codeModified: 7,
  /** T0 took a branch to exitPc, which has a translation: continue there (adaptive tier). */
  translated: 8,
  /** T0 took a branch to exitPc often enough to cross StateSlot.hotThreshold (adaptive tier). */
  hot: 9,
} as const;
export type ExitCodeName = keyof typeof ExitCode;

export const exitCodeName = (code: number): string =>
  (Object.keys(ExitCode) as ExitCodeName[]).find((k) => ExitCode[k] === code) ?? `unknown(${code})`;
