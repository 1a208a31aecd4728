// Guest threads, run one at a time on the one CPU state block (as a uniprocessor kernel would).
// Each thread not running keeps its architectural state (x, f, pc, fflags, frm, reservation: the
// state block's first CONTEXT_BYTES) here; switching copies the running thread's out and the
// next one's in. Threads switch when the running one blocks on a futex, yields, exits, or uses up
// a slice (the engine calls preempt() at budget exits), round robin.
// Invariants: a switch asked for by a system call happens after the call's result and return pc
// are in the state block (dispatch calls switchIfPending last), so a thread's saved context
// always resumes right after its ecall; a restored context never holds an LR/SC reservation
// (a context switch breaks reservations, as Linux's trap return does).
import { STATE_BASE, StateSlot } from '@ferry/abi';
import { FerryError, hex } from '@ferry/util';
import { E } from './errno.js';
import type { Kernel } from './kernel.js';
import { sleepNs } from './sleep.js';

/** x0..x31, f0..f31, pc, fflags, frm, reservation address and flag. */
const CONTEXT_BYTES = StateSlot.reservationValid + 8;
const A0 = 10;
const SP = 2;
const TP = 4;

export const CloneFlag = {
  VM: 0x100n,
  VFORK: 0x4000n,
  THREAD: 0x10000n,
  SETTLS: 0x80000n,
  PARENT_SETTID: 0x100000n,
  CHILD_CLEARTID: 0x200000n,
  CHILD_SETTID: 0x1000000n,
} as const;

interface Thread {
  tid: number;
  /** Saved state while another thread runs. */
  context?: Uint8Array;
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and woken when the thread exits. */
  clearChildTid: bigint;
  /** The futex word this thread sleeps on (undefined: runnable), with its wait's bitset. */
  waitingOn?: bigint;
  bitset: number;
  /** A timed wait gives up after this long (ns) when nothing else can run. */
  timeoutNs?: bigint;
}

export class GuestThreads {
  private readonly threads: Thread[];
  private running: Thread;
  private nextTid: number;
  private switchPending = false;

  constructor(private readonly k: Kernel) {
    this.running = { tid: k.pid, clearChildTid: 0n, bitset: 0 };
    this.threads = [this.running];
    this.nextTid = k.pid + 1;
  }

  get currentTid(): number {
    return this.running.tid;
  }

  has(tid: number): boolean {
    return this.threads.some((t) => t.tid === tid);
  }

  setClearChildTid(address: bigint): void {
    this.running.clearChildTid = address;
  }

  /** clone with CLONE_THREAD: a new thread that resumes after the ecall with a0 = 0, on `stack`.
   *  Returns its tid (the parent's result). */
  spawn(flags: bigint, stack: bigint, parentTid: bigint, tls: bigint, childTid: bigint): number {
    const tid = this.nextTid++;
    const context = this.stateBytes().slice();
    const view = new DataView(context.buffer);
    view.setBigUint64(StateSlot.pc, this.k.nextPc, true);
    view.setBigUint64(A0 * 8, 0n, true);
    if (stack !== 0n) view.setBigUint64(SP * 8, stack, true);
    if (flags & CloneFlag.SETTLS) view.setBigUint64(TP * 8, tls, true);
    view.setBigUint64(StateSlot.reservationValid, 0n, true);
    if (flags & CloneFlag.PARENT_SETTID) this.k.memory.write32(parentTid, tid);
    if (flags & CloneFlag.CHILD_SETTID) this.k.memory.write32(childTid, tid);
    this.threads.push({ tid, context, clearChildTid: flags & CloneFlag.CHILD_CLEARTID ? childTid : 0n, bitset: 0 });
    return tid;
  }

  /** FUTEX_WAIT on a word that holds the expected value: true when the thread now sleeps (another
   *  thread runs once the call returns; this one's result is 0 when woken), false when no other
   *  thread could ever wake it. */
  wait(address: bigint, bitset: number, timeoutNs?: bigint): boolean {
    if (this.threads.length === 1) return false;
    this.running.waitingOn = address;
    this.running.bitset = bitset;
    if (timeoutNs === undefined) delete this.running.timeoutNs;
    else this.running.timeoutNs = timeoutNs;
    this.switchPending = true;
    return true;
  }

  /** FUTEX_WAKE: makes up to `count` threads sleeping on the word runnable, oldest first. */
  wake(address: bigint, count: number, bitset = -1): number {
    let woken = 0;
    for (const t of this.threads) {
      if (woken >= count) break;
      if (t.waitingOn === address && (t.bitset & bitset) !== 0) {
        delete t.waitingOn;
        woken++;
      }
    }
    return woken;
  }

  /** sched_yield: let the next runnable thread run. */
  yield(): void {
    if (this.othersRunnable()) this.switchPending = true;
  }

  /** exit (not exit_group): false when this was the last thread (the process ends). */
  exitThread(): boolean {
    if (this.threads.length === 1) return false;
    const t = this.running;
    if (t.clearChildTid !== 0n) {
      try {
        this.k.memory.write32(t.clearChildTid, 0);
      } catch {
        // An unmapped address is ignored, as Linux does.
      }
      this.wake(t.clearChildTid, 1);
    }
    this.threads.splice(this.threads.indexOf(t), 1);
    this.switchPending = true;
    return true;
  }

  /** After a system call's result and return pc are in place: switch if it asked for a switch. */
  switchIfPending(): void {
    if (!this.switchPending) return;
    this.switchPending = false;
    this.switchToNext();
  }

  /** At the end of a slice: give the CPU to the next runnable thread, if any. */
  preempt(): void {
    if (this.othersRunnable()) this.switchToNext();
  }

  private othersRunnable(): boolean {
    return this.threads.some((t) => t !== this.running && t.waitingOn === undefined);
  }

  private switchToNext(): void {
    const next = this.nextRunnable() ?? this.timeOutOne();
    if (!next) {
      const waits = this.threads.map((t) => `thread ${t.tid} on ${hex(t.waitingOn ?? 0n)}`).join(', ');
      throw new FerryError(`deadlock: every guest thread waits on a futex no thread can wake (${waits})`);
    }
    if (next === this.running) return;
    // A thread that has exited is out of the list: its state is not kept.
    if (this.threads.includes(this.running)) this.running.context = this.stateBytes().slice();
    const restored = next.context!;
    delete next.context;
    new DataView(restored.buffer).setBigUint64(StateSlot.reservationValid, 0n, true);
    this.stateBytes().set(restored);
    this.running = next;
  }

  /** The first runnable thread after the running one (the running one last), round robin. */
  private nextRunnable(): Thread | undefined {
    const at = this.threads.indexOf(this.running); // -1 once it has exited: start at the first
    for (let i = 1; i <= this.threads.length; i++) {
      const t = this.threads[(at + i) % this.threads.length]!;
      if (t.waitingOn === undefined) return t;
    }
    return undefined;
  }

  /** Nothing can run: the timed wait that ends first gives up with ETIMEDOUT (after that long). */
  private timeOutOne(): Thread | undefined {
    const timed = this.threads.filter((t) => t.waitingOn !== undefined && t.timeoutNs !== undefined);
    if (!timed.length) return undefined;
    const first = timed.reduce((a, b) => (b.timeoutNs! < a.timeoutNs! ? b : a));
    sleepNs(first.timeoutNs!);
    delete first.waitingOn;
    delete first.timeoutNs;
    if (first === this.running) this.k.state.setX(A0, BigInt(-E.ETIMEDOUT));
    else new DataView(first.context!.buffer).setBigInt64(A0 * 8, BigInt(-E.ETIMEDOUT), true);
    return first;
  }

  private stateBytes(): Uint8Array {
    return new Uint8Array(this.k.memory.wasmMemory.buffer, STATE_BASE, CONTEXT_BYTES);
  }
}
