// Running guest signal handlers: the RISC-V Linux rt_sigframe (siginfo, then a ucontext whose
// mcontext holds pc, x1..x31, f0..f31 and fcsr) pushed on the guest stack, a two-instruction
// sigreturn trampoline (li a7,139; ecall) standing in for the vDSO, and rt_sigreturn restoring it.
// Invariant: delivery happens on return from a syscall, after a0 holds its result, so the frame
// saves exactly the state the interrupted code expects back; control moves only via k.nextPc.
import { GUEST_PAGE_SIZE } from '@ferry/abi';
import { GuestLayout } from '../layout.js';
import { Prot } from '../memory.js';
import { E, fail } from './errno.js';
import type { Kernel } from './kernel.js';

const SIGINFO_SIZE = 128;
const UCONTEXT_SIZE = 960;
/** Offsets inside the ucontext (glibc's ucontext_t for riscv64; mcontext is 16-byte aligned). */
const UC = { flags: 0, link: 8, stack: 16, sigmask: 40, mcontext: 176 } as const;
const MC_FP = 256;
const FRAME_SIZE = SIGINFO_SIZE + UCONTEXT_SIZE;
const SA = { ONSTACK: 0x0800_0000, RESETHAND: 0x8000_0000, NODEFER: 0x4000_0000 } as const;
const SS_DISABLE = 2;
/** si_code for signals sent by tkill/tgkill (raise). */
const SI_TKILL = -6;
const TRAMPOLINE = [0x08b00893, 0x00000073]; // li a7, 139 (rt_sigreturn); ecall

const bit = (signal: number): bigint => 1n << BigInt(signal - 1);

/** Map the sigreturn trampoline page the first time a handler runs; returns its address. */
function trampoline(k: Kernel): number {
  const at = GuestLayout.signalTrampoline;
  if (k.memory.protectionAt(at) === undefined) {
    if (!k.memory.map(at, GUEST_PAGE_SIZE, Prot.READ | Prot.EXEC)) fail(E.ENOMEM);
    const code = new Uint8Array(8);
    const view = new DataView(code.buffer);
    TRAMPOLINE.forEach((word, i) => view.setUint32(i * 4, word, true));
    k.memory.writeBytes(at, code, true);
  }
  return at;
}

/** Push a frame for `signal` and point the guest at its handler; it resumes at k.nextPc later. */
export function enterHandler(k: Kernel, signal: number): void {
  const action = k.signalActions.get(signal)!;
  const flags = Number(action.flags & 0xffff_ffffn);
  const { state, memory } = k;
  const alt = k.alternateStack;
  const useAlt = (flags & SA.ONSTACK) !== 0 && alt.flags !== SS_DISABLE && !onAlternateStack(k, state.x(2));
  const top = useAlt ? alt.sp + alt.size : state.x(2);
  const frame = (top - BigInt(FRAME_SIZE)) & ~15n;
  const ucontext = frame + BigInt(SIGINFO_SIZE);
  const returnTo = trampoline(k);

  const info = new DataView(new ArrayBuffer(SIGINFO_SIZE));
  info.setInt32(0, signal, true);
  info.setInt32(8, SI_TKILL, true);
  info.setInt32(16, k.pid, true);
  info.setInt32(20, k.uid, true);
  const uc = new DataView(new ArrayBuffer(UCONTEXT_SIZE));
  uc.setBigUint64(UC.stack, alt.sp, true);
  uc.setInt32(UC.stack + 8, alt.flags, true);
  uc.setBigUint64(UC.stack + 16, alt.size, true);
  uc.setBigUint64(UC.sigmask, k.blockedSignals, true);
  uc.setBigUint64(UC.mcontext, k.nextPc, true);
  for (let r = 1; r < 32; r++) uc.setBigUint64(UC.mcontext + r * 8, state.x(r), true);
  for (let r = 0; r < 32; r++) uc.setBigUint64(UC.mcontext + MC_FP + r * 8, state.f(r), true);
  uc.setUint32(UC.mcontext + MC_FP + 256, (state.frm << 5) | state.fflags, true);
  memory.writeBytes(frame, new Uint8Array(info.buffer));
  memory.writeBytes(ucontext, new Uint8Array(uc.buffer));

  if (!(flags & SA.NODEFER)) k.blockedSignals |= bit(signal);
  k.blockedSignals |= action.mask;
  if (flags & SA.RESETHAND) k.signalActions.delete(signal);
  state.setX(1, BigInt(returnTo));
  state.setX(2, frame);
  state.setX(10, BigInt(signal));
  state.setX(11, frame);
  state.setX(12, ucontext);
  k.nextPc = action.handler;
}

function onAlternateStack(k: Kernel, sp: bigint): boolean {
  const alt = k.alternateStack;
  return alt.flags !== SS_DISABLE && sp > alt.sp && sp <= alt.sp + alt.size;
}

/** rt_sigreturn: restore the registers and mask saved by enterHandler (sp points at the frame). */
export function returnFromHandler(k: Kernel): bigint {
  const { state, memory } = k;
  const frame = state.x(2);
  const mcontext = frame + BigInt(SIGINFO_SIZE + UC.mcontext);
  const saved = memory.readBytes(mcontext, 256 + 264);
  const view = new DataView(saved.buffer);
  for (let r = 1; r < 32; r++) state.setX(r, view.getBigUint64(r * 8, true));
  for (let r = 0; r < 32; r++) state.setF(r, view.getBigUint64(MC_FP + r * 8, true));
  const fcsr = view.getUint32(MC_FP + 256, true);
  state.fflags = fcsr & 0x1f;
  state.frm = (fcsr >> 5) & 7;
  k.blockedSignals = memory.read64(frame + BigInt(SIGINFO_SIZE + UC.sigmask)) & ~(bit(9) | bit(19));
  k.nextPc = view.getBigUint64(0, true);
  return state.x(10);
}
