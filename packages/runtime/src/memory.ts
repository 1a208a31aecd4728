// Guest memory: one WebAssembly.Memory holding the state block, the shadow table and the pool of
// host pages backing 4 KiB guest pages. One mapping API (map/unmap/protect) serves loader, brk, mmap.
// Invariant: a shadow entry is nonzero only for a mapped page that already has a host page, and its
// flags are exactly the page's protection plus CODE; a mapped page gets its (zeroed) host page on
// first touch, through the slow paths here. Typed views are reached through getters only, because
// growing the memory detaches every view made before.
import {
  GUEST_PAGE_MASK,
  GUEST_PAGE_SHIFT,
  GUEST_PAGE_SIZE,
  GUEST_VA_BITS,
  INITIAL_WASM_PAGES,
  PAGE_POOL,
  PageFlag,
  SHADOW_ENTRIES,
  shadowEntry,
  shadowHost,
  SHADOW_TABLE,
  WASM_PAGE,
} from '@ferry/abi';
import { FerryError } from '@ferry/util';
import { type AccessKind, GuestFault, GuestStringTooLong } from './fault.js';

/** Protection bits as mmap(2) numbers them; they coincide with PageFlag.READ/WRITE/EXEC. */
export const Prot = { NONE: 0, READ: 1, WRITE: 2, EXEC: 4 } as const;
const PROT_MASK = Prot.READ | Prot.WRITE | Prot.EXEC;
/** pageState bit: the guest page is mapped (its protection may still be NONE). */
const MAPPED = 0x80;
const GUEST_LIMIT = 2 ** GUEST_VA_BITS;
const GUEST_LIMIT_BIGINT = BigInt(GUEST_LIMIT);
export const DEFAULT_MEM_LIMIT = 1 << 30;
/** Wasm pages added per growth step, so the buffer is not reallocated for every new page. */
const GROW_STEP = 64;

export interface GuestMemoryOptions {
  /** Cap on mapped guest memory in bytes; mappings beyond it fail (mmap/brk answer ENOMEM). */
  memLimit?: number;
}

const pageOf = (addr: number): number => Math.floor(addr / GUEST_PAGE_SIZE);

export class GuestMemory {
  readonly wasmMemory: WebAssembly.Memory;
  readonly memLimit: number;
  /** Called before a store to a page flagged CODE; it must end with clearCode(page). */
  onCodeWrite: ((guestPage: number) => void) | undefined;
  private readonly pageState = new Uint8Array(SHADOW_ENTRIES);
  private mappedPageCount = 0;
  private poolTop = PAGE_POOL;
  private readonly freeHostPages: number[] = [];
  private cachedBuffer: ArrayBuffer | undefined;
  private u8View = new Uint8Array(0);
  private dataViewCache = new DataView(new ArrayBuffer(0));
  private shadowView = new Uint32Array(0);

  constructor(options: GuestMemoryOptions = {}) {
    const limit = options.memLimit ?? DEFAULT_MEM_LIMIT;
    const reachable = 2 ** 32 - PAGE_POOL;
    if (!(limit > 0) || limit > reachable) {
      throw new FerryError(`memory limit ${limit} bytes is outside 1..${reachable} (the wasm memory is 32-bit)`);
    }
    this.memLimit = limit;
    const maximum = Math.min(65536, INITIAL_WASM_PAGES + Math.ceil(limit / WASM_PAGE));
    this.wasmMemory = new WebAssembly.Memory({ initial: INITIAL_WASM_PAGES, maximum });
  }

  // ---- views (always fresh) ----
  private refresh(): void {
    const buffer = this.wasmMemory.buffer;
    if (buffer === this.cachedBuffer) return;
    this.cachedBuffer = buffer;
    this.u8View = new Uint8Array(buffer);
    this.dataViewCache = new DataView(buffer);
    this.shadowView = new Uint32Array(buffer, SHADOW_TABLE, SHADOW_ENTRIES);
  }
  get bytes(): Uint8Array {
    this.refresh();
    return this.u8View;
  }
  get dataView(): DataView {
    this.refresh();
    return this.dataViewCache;
  }
  get shadowTable(): Uint32Array {
    this.refresh();
    return this.shadowView;
  }

  // ---- mapping ----
  get mappedBytes(): number {
    return this.mappedPageCount * GUEST_PAGE_SIZE;
  }

  /** Map [addr, addr+length) (page-rounded) with prot as fresh zero pages, replacing what was there.
   *  Returns false, changing nothing, if the range leaves the guest address space or the cap. */
  map(addr: number, length: number, prot: number): boolean {
    const [first, end] = this.pageRange(addr, length);
    if (first < 0 || end > SHADOW_ENTRIES || end <= first) return false;
    let fresh = 0;
    for (let p = first; p < end; p++) if (!(this.pageState[p]! & MAPPED)) fresh++;
    if ((this.mappedPageCount + fresh) * GUEST_PAGE_SIZE > this.memLimit) return false;
    for (let p = first; p < end; p++) {
      if (this.pageState[p]! & MAPPED) this.releasePage(p);
      this.pageState[p] = MAPPED | (prot & PROT_MASK);
      this.mappedPageCount++;
    }
    return true;
  }

  /** Unmap the pages of [addr, addr+length); unmapped pages in the range are ignored. */
  unmap(addr: number, length: number): void {
    const [first, end] = this.clampedRange(addr, length);
    for (let p = first; p < end; p++) if (this.pageState[p]! & MAPPED) this.releasePage(p);
  }

  /** Change the protection of mapped pages; false (nothing changed) if any page is unmapped. */
  protect(addr: number, length: number, prot: number): boolean {
    const [first, end] = this.pageRange(addr, length);
    if (first < 0 || end > SHADOW_ENTRIES) return false;
    for (let p = first; p < end; p++) if (!(this.pageState[p]! & MAPPED)) return false;
    for (let p = first; p < end; p++) {
      if (this.hasCode(p)) this.invalidateCode(p);
      this.pageState[p] = MAPPED | (prot & PROT_MASK);
      this.syncEntry(p);
    }
    return true;
  }

  isMapped(addr: number, length = 1): boolean {
    const [first, end] = this.pageRange(addr, length);
    if (first < 0 || end > SHADOW_ENTRIES) return false;
    for (let p = first; p < end; p++) if (!(this.pageState[p]! & MAPPED)) return false;
    return true;
  }

  /** Protection (Prot bits) of the page holding addr, or undefined if unmapped. */
  protectionAt(addr: number): number | undefined {
    const state = this.pageState[pageOf(addr)];
    return state !== undefined && state & MAPPED ? state & PROT_MASK : undefined;
  }

  /** The mapped address space as runs of pages with one protection, in address order (for
   *  /proc/self/maps). */
  mappedRuns(): { start: number; end: number; prot: number }[] {
    const runs: { start: number; end: number; prot: number }[] = [];
    const state = this.pageState;
    for (let p = 0; p < state.length; p++) {
      if (!(state[p]! & MAPPED)) continue;
      const prot = state[p]! & PROT_MASK;
      const last = runs[runs.length - 1];
      if (last && last.end === p * GUEST_PAGE_SIZE && last.prot === prot) last.end += GUEST_PAGE_SIZE;
      else runs.push({ start: p * GUEST_PAGE_SIZE, end: (p + 1) * GUEST_PAGE_SIZE, prot });
    }
    return runs;
  }

  /** Highest page-aligned free range of `length` bytes ending at or below `top` and starting at or
   *  above `floor`, searched top-down as Linux places mmap regions; undefined if none. */
  findFreeRange(length: number, top: number, floor: number): number | undefined {
    const pages = Math.ceil(length / GUEST_PAGE_SIZE);
    const floorPage = Math.ceil(floor / GUEST_PAGE_SIZE);
    let run = 0;
    for (let p = Math.min(pageOf(top), SHADOW_ENTRIES) - 1; p >= floorPage; p--) {
      run = this.pageState[p]! & MAPPED ? 0 : run + 1;
      if (run === pages) return p * GUEST_PAGE_SIZE;
    }
    return undefined;
  }

  /** Move the mappings (contents and protection) of `length` bytes from `from` to the free `to`. */
  move(from: number, to: number, length: number): void {
    const [first, end] = this.pageRange(from, length);
    const shadow = this.shadowTable;
    const target = pageOf(to);
    for (let i = 0; i < end - first; i++) {
      const src = first + i;
      if (this.hasCode(src)) this.invalidateCode(src);
      this.pageState[target + i] = this.pageState[src]!;
      const entry = shadow[src]!;
      shadow[target + i] = entry === 0 ? 0 : shadowEntry(target + i, shadowHost(src, entry), entry);
      this.pageState[src] = 0;
      shadow[src] = 0;
    }
  }

  markCode(page: number): void {
    if (!(this.pageState[page]! & MAPPED)) return;
    this.pageState[page]! |= PageFlag.CODE;
    this.syncEntry(page);
  }

  clearCode(page: number): void {
    this.pageState[page]! &= ~PageFlag.CODE;
    this.syncEntry(page);
  }

  isCode(page: number): boolean {
    return this.hasCode(page);
  }

  // ---- checked accessors (guest addresses; throw GuestFault) ----
  read8(addr: number | bigint): number {
    return this.bytes[this.translate(addr, 1, 'read')]!;
  }
  read16(addr: number | bigint): number {
    return Number(this.loadValue(addr, 2, 'read'));
  }
  read32(addr: number | bigint): number {
    return Number(this.loadValue(addr, 4, 'read'));
  }
  read64(addr: number | bigint): bigint {
    return this.loadValue(addr, 8, 'read');
  }
  write8(addr: number | bigint, value: number): void {
    this.storeValue(addr, 1, BigInt(value));
  }
  write16(addr: number | bigint, value: number): void {
    this.storeValue(addr, 2, BigInt(value));
  }
  write32(addr: number | bigint, value: number): void {
    this.storeValue(addr, 4, BigInt(value));
  }
  write64(addr: number | bigint, value: bigint): void {
    this.storeValue(addr, 8, value);
  }

  readBytes(addr: number | bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let guest = this.guestAddress(addr, length, 'read');
    for (let done = 0; done < length; ) {
      const chunk = Math.min(length - done, GUEST_PAGE_SIZE - (guest & GUEST_PAGE_MASK));
      const host = this.translate(guest, 1, 'read');
      out.set(this.bytes.subarray(host, host + chunk), done);
      done += chunk;
      guest += chunk;
    }
    return out;
  }

  /** Copy data into guest memory. With ignoreProtection (the loader), only mapping is required. */
  writeBytes(addr: number | bigint, data: Uint8Array, ignoreProtection = false): void {
    const start = this.guestAddress(addr, data.length, 'write');
    const access = ignoreProtection ? undefined : 'write';
    for (let guest = start; guest < start + data.length; guest = (pageOf(guest) + 1) * GUEST_PAGE_SIZE) {
      this.checkPage(guest, access, undefined);
    }
    let guest = start;
    for (let done = 0; done < data.length; ) {
      const chunk = Math.min(data.length - done, GUEST_PAGE_SIZE - (guest & GUEST_PAGE_MASK));
      const page = pageOf(guest);
      if (this.hasCode(page)) this.invalidateCode(page);
      const host = this.backing(page) + (guest & GUEST_PAGE_MASK);
      this.bytes.set(data.subarray(done, done + chunk), host);
      done += chunk;
      guest += chunk;
    }
  }

  /** The NUL-terminated string at addr (UTF-8), at most maxLength bytes before the NUL. */
  readCString(addr: number | bigint, maxLength = 4096): string {
    const start = this.guestAddress(addr, 1, 'read');
    const collected: number[] = [];
    for (let guest = start; collected.length <= maxLength; guest++) {
      const byte = this.bytes[this.translate(guest, 1, 'read')]!;
      if (byte === 0) return Buffer.from(collected).toString('utf8');
      collected.push(byte);
    }
    throw new GuestStringTooLong(BigInt(start), maxLength);
  }

  // ---- slow-path helpers (abi HELPERS) ----
  loadSlow(addr: bigint, size: number, pc: bigint): bigint {
    return this.loadValue(addr, size, 'read', pc);
  }

  storeSlow(addr: bigint, size: number, value: bigint, pc: bigint): void {
    this.storeValue(addr, size, value, pc);
  }

  /** 32 bits at pc; the upper half is zero when only the first 2 bytes are executable. */
  fetchSlow(pc: bigint): number {
    const guest = this.guestAddress(pc, 2, 'fetch', pc);
    const low = this.bytes[this.translate(guest, 1, 'fetch', pc)]! | (this.bytes[this.translate(guest + 1, 1, 'fetch', pc)]! << 8);
    const next = guest + 2;
    const nextState = next < GUEST_LIMIT ? this.pageState[pageOf(next)]! : 0;
    if (!(nextState & MAPPED) || !(nextState & Prot.EXEC)) return low;
    const high = this.bytes[this.translate(next, 1, 'fetch', pc)]! | (this.bytes[this.translate(next + 1, 1, 'fetch', pc)]! << 8);
    return (low | (high << 16)) >>> 0;
  }

  /** fetchSlow, or undefined where it would fault (for code discovery, which stops there). The
   *  common case, 4 bytes inside one mapped executable page, reads them directly (code discovery
   *  fetches every instruction of every block and region the JIT compiles). */
  tryFetch(pc: bigint): number | undefined {
    if (pc >= 0n && pc < GUEST_LIMIT_BIGINT) {
      const guest = Number(pc);
      const page = pageOf(guest);
      const state = this.pageState[page]!;
      if ((guest & GUEST_PAGE_MASK) <= GUEST_PAGE_SIZE - 4 && state & MAPPED && state & Prot.EXEC) {
        return this.dataView.getUint32(this.backing(page) + (guest & GUEST_PAGE_MASK), true);
      }
    }
    try {
      return this.fetchSlow(pc);
    } catch {
      return undefined;
    }
  }

  // ---- internals ----
  private pageRange(addr: number, length: number): [number, number] {
    if (addr < 0 || length < 0 || addr + length > GUEST_LIMIT) return [-1, -1];
    return [pageOf(addr), Math.ceil((addr + length) / GUEST_PAGE_SIZE)];
  }

  private clampedRange(addr: number, length: number): [number, number] {
    const start = Math.max(0, addr);
    const end = Math.min(GUEST_LIMIT, addr + length);
    return [pageOf(start), Math.max(pageOf(start), Math.ceil(end / GUEST_PAGE_SIZE))];
  }

  private guestAddress(addr: number | bigint, size: number, access: AccessKind, pc?: bigint): number {
    const unsigned = typeof addr === 'bigint' ? BigInt.asUintN(64, addr) : BigInt(addr);
    if (unsigned + BigInt(size) > BigInt(GUEST_LIMIT) || unsigned < 0n) {
      throw new GuestFault(unsigned, access, pc, 'out of range');
    }
    return Number(unsigned);
  }

  /** Check the page of a guest address for an access (undefined: mapping only). */
  private checkPage(guest: number, access: AccessKind | undefined, pc: bigint | undefined): number {
    const page = pageOf(guest);
    const state = this.pageState[page]!;
    if (!(state & MAPPED)) throw new GuestFault(BigInt(guest), access ?? 'write', pc, 'unmapped');
    const need = access === 'read' ? Prot.READ : access === 'write' ? Prot.WRITE : access === 'fetch' ? Prot.EXEC : 0;
    if ((state & need) !== need) throw new GuestFault(BigInt(guest), access!, pc, 'protection');
    return page;
  }

  /** Check both pages of an access; a fault on the second names that page's first byte. */
  private checkSpan(guest: number, size: number, access: AccessKind, pc: bigint | undefined): [number, number] {
    const first = this.checkPage(guest, access, pc);
    const last = pageOf(guest + size - 1);
    if (last !== first) this.checkPage(last * GUEST_PAGE_SIZE, access, pc);
    return [first, last];
  }

  /** Host address of one guest byte (or of an access that stays in its page), checked. */
  private translate(addr: number | bigint, size: number, access: AccessKind, pc?: bigint): number {
    const guest = this.guestAddress(addr, size, access, pc);
    const page = this.checkPage(guest, access, pc);
    return this.backing(page) + (guest & GUEST_PAGE_MASK);
  }

  private loadValue(addr: number | bigint, size: number, access: AccessKind, pc?: bigint): bigint {
    const guest = this.guestAddress(addr, size, access, pc);
    if ((guest & GUEST_PAGE_MASK) + size <= GUEST_PAGE_SIZE) {
      const host = this.translate(guest, size, access, pc);
      const view = this.dataView;
      switch (size) {
        case 1: return BigInt(view.getUint8(host));
        case 2: return BigInt(view.getUint16(host, true));
        case 4: return BigInt(view.getUint32(host, true));
        case 8: return view.getBigUint64(host, true);
        default: throw new Error(`internal error: load of ${size} bytes`);
      }
    }
    this.checkSpan(guest, size, access, pc);
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) {
      value = (value << 8n) | BigInt(this.bytes[this.translate(guest + i, 1, access, pc)]!);
    }
    return value;
  }

  private storeValue(addr: number | bigint, size: number, value: bigint, pc?: bigint): void {
    const guest = this.guestAddress(addr, size, 'write', pc);
    const [firstPage, lastPage] = this.checkSpan(guest, size, 'write', pc);
    for (let p = firstPage; p <= lastPage; p++) if (this.hasCode(p)) this.invalidateCode(p);
    const bits = BigInt.asUintN(64, value);
    if (firstPage === lastPage) {
      const host = this.backing(firstPage) + (guest & GUEST_PAGE_MASK);
      const view = this.dataView;
      switch (size) {
        case 1: view.setUint8(host, Number(bits & 0xffn)); return;
        case 2: view.setUint16(host, Number(bits & 0xffffn), true); return;
        case 4: view.setUint32(host, Number(bits & 0xffffffffn), true); return;
        case 8: view.setBigUint64(host, bits, true); return;
        default: throw new Error(`internal error: store of ${size} bytes`);
      }
    }
    for (let i = 0; i < size; i++) {
      const byteAddr = guest + i;
      this.bytes[this.backing(pageOf(byteAddr)) + (byteAddr & GUEST_PAGE_MASK)] = Number((bits >> BigInt(8 * i)) & 0xffn);
    }
  }

  /** Code is marked in the shadow entry by whoever decodes or translates it (the T0 decoder sets
   *  the bit in wasm) or in pageState by markCode; either counts. */
  private hasCode(page: number): boolean {
    return ((this.pageState[page]! | this.shadowTable[page]!) & PageFlag.CODE) !== 0;
  }

  private invalidateCode(page: number): void {
    if (this.onCodeWrite) this.onCodeWrite(page);
    if (this.hasCode(page)) this.clearCode(page);
  }

  /** Host address of a mapped page's backing, allocating a zeroed host page on first touch. */
  private backing(page: number): number {
    const entry = this.shadowTable[page]!;
    if (entry !== 0) return shadowHost(page, entry);
    const host = this.allocateHostPage();
    this.shadowTable[page] = shadowEntry(page, host, this.pageState[page]! & (PROT_MASK | PageFlag.CODE));
    return host;
  }

  private syncEntry(page: number): void {
    const shadow = this.shadowTable;
    const entry = shadow[page]!;
    if (entry === 0) return;
    shadow[page] = shadowEntry(page, shadowHost(page, entry), this.pageState[page]! & (PROT_MASK | PageFlag.CODE));
  }

  private releasePage(page: number): void {
    if (this.hasCode(page)) this.invalidateCode(page);
    const entry = this.shadowTable[page]!;
    if (entry !== 0) this.freeHostPages.push(shadowHost(page, entry));
    this.shadowTable[page] = 0;
    this.pageState[page] = 0;
    this.mappedPageCount--;
  }

  private allocateHostPage(): number {
    const reused = this.freeHostPages.pop();
    if (reused !== undefined) {
      this.bytes.fill(0, reused, reused + GUEST_PAGE_SIZE);
      return reused;
    }
    const host = this.poolTop;
    if (host + GUEST_PAGE_SIZE > this.wasmMemory.buffer.byteLength) {
      const current = this.wasmMemory.buffer.byteLength / WASM_PAGE;
      const maximum = Math.min(65536, INITIAL_WASM_PAGES + Math.ceil(this.memLimit / WASM_PAGE));
      const step = Math.min(GROW_STEP, maximum - current);
      if (step <= 0) throw new FerryError(`guest memory exhausted: the ${this.memLimit}-byte limit is reached`);
      this.wasmMemory.grow(step);
    }
    this.poolTop += GUEST_PAGE_SIZE;
    return host;
  }
}

export const GUEST_ADDRESS_LIMIT = GUEST_LIMIT;
export { GUEST_PAGE_SHIFT };
