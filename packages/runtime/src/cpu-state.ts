// CpuState: typed accessors over the CPU state block (abi/state.ts) in the shared wasm memory.
// Invariant: reads always go through GuestMemory's fresh DataView (never a cached one), registers
// are unsigned 64-bit bigints, and x0 is never written.
import { STATE_BASE, STATE_SIZE, StateSlot, type StateSlotName, fregOffset, xregOffset } from '@ferry/abi';
import type { GuestMemory } from './memory.js';

export class CpuState {
  constructor(private readonly memory: GuestMemory) {}

  private get view(): DataView {
    return this.memory.dataView;
  }

  private getSlot(slot: StateSlotName): bigint {
    return this.view.getBigUint64(STATE_BASE + StateSlot[slot], true);
  }

  private setSlot(slot: StateSlotName, value: bigint): void {
    this.view.setBigUint64(STATE_BASE + StateSlot[slot], BigInt.asUintN(64, value), true);
  }

  /** Integer register r as an unsigned 64-bit value. */
  x(r: number): bigint {
    return r === 0 ? 0n : this.view.getBigUint64(STATE_BASE + xregOffset(r), true);
  }

  /** Integer register r read as signed. */
  xSigned(r: number): bigint {
    return BigInt.asIntN(64, this.x(r));
  }

  setX(r: number, value: bigint): void {
    if (r !== 0) this.view.setBigUint64(STATE_BASE + xregOffset(r), BigInt.asUintN(64, value), true);
  }

  /** FP register r as its raw 64-bit pattern. */
  f(r: number): bigint {
    return this.view.getBigUint64(STATE_BASE + fregOffset(r), true);
  }

  setF(r: number, bits: bigint): void {
    this.view.setBigUint64(STATE_BASE + fregOffset(r), BigInt.asUintN(64, bits), true);
  }

  get pc(): bigint {
    return this.getSlot('pc');
  }
  set pc(value: bigint) {
    this.setSlot('pc', value);
  }
  get fflags(): number {
    return Number(this.getSlot('fflags') & 0x1fn);
  }
  set fflags(value: number) {
    this.setSlot('fflags', BigInt(value & 0x1f));
  }
  get frm(): number {
    return Number(this.getSlot('frm') & 7n);
  }
  set frm(value: number) {
    this.setSlot('frm', BigInt(value & 7));
  }
  get instret(): bigint {
    return this.getSlot('instret');
  }
  set instret(value: bigint) {
    this.setSlot('instret', value);
  }
  /** Transfers between translations counted by code compiled to count them (abi StateSlot). */
  get transfersDirect(): bigint {
    return this.getSlot('transfersDirect');
  }
  get transfersChained(): bigint {
    return this.getSlot('transfersChained');
  }
  get budget(): bigint {
    return this.getSlot('budget');
  }
  set budget(value: bigint) {
    this.setSlot('budget', value);
  }
  get reservationAddress(): bigint {
    return this.getSlot('reservationAddress');
  }
  set reservationAddress(value: bigint) {
    this.setSlot('reservationAddress', value);
  }
  get reservationValid(): boolean {
    return this.getSlot('reservationValid') !== 0n;
  }
  set reservationValid(value: boolean) {
    this.setSlot('reservationValid', value ? 1n : 0n);
  }
  get exitCode(): number {
    return Number(this.getSlot('exitCode'));
  }
  set exitCode(value: number) {
    this.setSlot('exitCode', BigInt(value));
  }
  get exitPc(): bigint {
    return this.getSlot('exitPc');
  }
  set exitPc(value: bigint) {
    this.setSlot('exitPc', value);
  }
  get exitInfo(): bigint {
    return this.getSlot('exitInfo');
  }
  set exitInfo(value: bigint) {
    this.setSlot('exitInfo', value);
  }

  /** Accrue FP exception flags (the FP helpers call this). */
  accrueFflags(flags: number): void {
    if (flags & 0x1f) this.fflags = this.fflags | flags;
  }

  /** Zero the whole state block. */
  reset(): void {
    this.memory.bytes.fill(0, STATE_BASE, STATE_BASE + STATE_SIZE);
  }
}
