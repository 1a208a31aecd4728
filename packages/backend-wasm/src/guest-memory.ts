// Guest memory access through the shadow table, inline:
//   entry = table[i32(address) >> 12]; fast when the entry has the access's *_OK bit, the address is below
//   2^GUEST_VA_BITS and aligned to the access's size; then host = i32(address) + (entry & ~0xfff)
//   (the entry holds the page's addend, abi shadow.ts).
// Otherwise the slow-path helper performs the access (or raises the guest fault, naming the pc).
// An access naming a page-cache slot (IR `page N`) first tries the slot's cached entry: same page
// as the cached address and flags that allow this access skip the table load; a fast access
// refreshes the cache. Exact: entries only gain permissions while a function runs.
import {
  GUEST_PAGE_MASK, GUEST_PAGE_SHIFT, GUEST_VA_BITS, LOAD_CHECK, SHADOW_HOST_MASK, SHADOW_TABLE, STORE_CHECK,
} from '@ferry/abi';
import type { ExpressionBuilder, ExpressionRef, ModuleBuilder, TypeRef, ValueTypes } from './builder.js';

export type LoadKind = 'u8' | 's8' | 'u16' | 's16' | 'u32' | 's32' | '64';
export const loadSize = (kind: LoadKind): number => (kind === '64' ? 8 : Number(kind.slice(1)) / 8);

interface Scratch {
  /** i64 local holding the guest address. */
  address: number;
  /** i32 local holding the shadow entry. */
  entry: number;
}

/** Hints an `if` or `br_if` as rarely taken where the builder can say so (the wasm writer's
 *  branch-hint section; binaryen.js has no API for it). */
export function unlikely(m: ExpressionBuilder, branch: ExpressionRef): ExpressionRef {
  const hinting = m as ExpressionBuilder & { unlikely?: (e: ExpressionRef) => ExpressionRef };
  return hinting.unlikely ? hinting.unlikely(branch) : branch;
}

/** The locals of one page-cache slot: the guest address and shadow entry of the last fast access.
 *  Both start at 0, and entry 0 allows nothing, so a fresh cache never hits. */
export interface PageCache {
  address: number;
  entry: number;
}

/** needsSlowPath, trying the cache first: a hit copies the cached entry to scratch.entry. */
function needsSlowPathCached(
  m: ExpressionBuilder, types: ValueTypes, s: Scratch, cache: PageCache, size: number, check: number,
): ExpressionRef {
  const addr = () => m.local.get(s.address, types.i64);
  const cached = () => m.local.get(cache.entry, types.i32);
  const samePage = m.i64.eqz(m.i64.shr_u(m.i64.xor(addr(), m.local.get(cache.address, types.i64)), m.i64.const(BigInt(GUEST_PAGE_SHIFT))));
  let hit = m.i32.and(samePage, m.i32.ne(m.i32.and(cached(), m.i32.const(check)), m.i32.const(0)));
  if (size > 1) hit = m.i32.and(hit, m.i32.eqz(m.i32.and(m.i32.wrap(addr()), m.i32.const(size - 1))));
  return m.if(hit, m.block(null, [m.local.set(s.entry, cached()), m.i32.const(0)], types.i32), needsSlowPath(m, types, s, size, check));
}

/** The fast access followed, with a cache, by the cache refresh (a load's value passes through scratch.value). */
function fastWithRefresh(
  m: ExpressionBuilder, types: ValueTypes, s: Scratch & { value: number }, cache: PageCache | undefined, fast: ExpressionRef, isLoad: boolean,
): ExpressionRef {
  if (!cache) return fast;
  const refresh = [m.local.set(cache.address, m.local.get(s.address, types.i64)), m.local.set(cache.entry, m.local.get(s.entry, types.i32))];
  if (!isLoad) return m.block(null, [fast, ...refresh]);
  return m.block(null, [m.local.set(s.value, fast), ...refresh, m.local.get(s.value, types.i64)], types.i64);
}

/** Per expression builder (one per module), how many checkedAccess label pairs it has: labels
 *  are unique in the module and the same from one build to the next. */
const accessLabels = new WeakMap<ExpressionBuilder, number>();

/** The table lookup, then the flag test and the reach-and-alignment test as two branches to the
 *  slow path (each hinted unlikely), then the fast access: V8 turns each test into a compare and
 *  a jump instead of materializing and or-ing two booleans. Sets scratch.entry.
 *    (block $ok (block $slow entry=…; br_if $slow flags; br_if $slow range; br $ok fast) slow) */
function checkedAccess(
  m: ExpressionBuilder, types: ValueTypes, s: Scratch, size: number, check: number,
  fast: ExpressionRef, slow: ExpressionRef, result: TypeRef,
): ExpressionRef {
  const n = accessLabels.get(m) ?? 0;
  accessLabels.set(m, n + 1);
  const ok = `mem${n}ok`;
  const toSlow = `mem${n}slow`;
  const tests = m.block(toSlow, [
    loadEntry(m, types, s),
    unlikely(m, m.br(toSlow, flagsWrong(m, types, s, check))),
    unlikely(m, m.br(toSlow, misalignedOrOutOfReach(m, m.local.get(s.address, types.i64), size))),
    result === types.none ? m.block(null, [fast, m.br(ok)]) : m.br(ok, undefined, fast),
  ], types.none);
  return m.block(ok, [tests, slow], result);
}

/** i32 condition: 1 when the access must take the slow path. Sets scratch.entry. */
function needsSlowPath(m: ExpressionBuilder, types: ValueTypes, s: Scratch, size: number, check: number): ExpressionRef {
  const bad = m.i32.or(flagsWrong(m, types, s, check), misalignedOrOutOfReach(m, m.local.get(s.address, types.i64), size));
  return m.block(null, [loadEntry(m, types, s), bad], types.i32);
}

/** scratch.entry = the shadow entry of scratch.address's page. */
function loadEntry(m: ExpressionBuilder, types: ValueTypes, s: Scratch): ExpressionRef {
  return m.local.set(s.entry, m.i32.load(SHADOW_TABLE, 4, shadowIndex(m, m.i32.wrap(m.local.get(s.address, types.i64)))));
}

/** i32, non-zero when scratch.entry lacks the access's *_OK bit: one `test` for V8. */
function flagsWrong(m: ExpressionBuilder, types: ValueTypes, s: Scratch, check: number): ExpressionRef {
  return m.i32.eqz(m.i32.and(m.local.get(s.entry, types.i32), m.i32.const(check)));
}

/** The address bits at and above GUEST_VA_BITS, as a signed i64 constant. */
const BEYOND_REACH = BigInt.asIntN(64, -(1n << BigInt(GUEST_VA_BITS)));

/** i64 condition: non-zero when a `size`-byte access at a 64-bit guest address is at or above
 *  2^GUEST_VA_BITS or not aligned to its size. With GUEST_VA_BITS = 31 the mask is a sign-extended
 *  32-bit immediate, so V8 makes it one `test` and a jump (the test it replaced, page crossing,
 *  took a 64-bit constant, an and, a compare and a jump). An aligned access never crosses its
 *  page; a misaligned one takes the slow path, which gcc's RV64 code (strict alignment) rarely
 *  asks for. */
export function misalignedOrOutOfReach(m: ExpressionBuilder, address: ExpressionRef, size: number): ExpressionRef {
  // A byte is always aligned: an unsigned compare (V8 would load the mask -2^31 into a register
  // for a test, where the compare takes 2^31 - 1 as an immediate).
  if (size === 1) return m.i64.gt_u(address, m.i64.const(-BEYOND_REACH - 1n));
  return m.i64.ne(m.i64.and(address, m.i64.const(BEYOND_REACH | BigInt(size - 1))), m.i64.const(0n));
}

/** i32 condition: 1 when a `size`-byte access at a 64-bit guest address is at or above
 *  2^GUEST_VA_BITS or crosses its page (for instruction fetch, where 2-byte alignment is the
 *  rule): one mask and one compare, as any address bit at or above GUEST_VA_BITS makes the
 *  masked value exceed every in-page offset. */
export function outOfReachOrCrossing(m: ExpressionBuilder, address: ExpressionRef, size: number): ExpressionRef {
  return m.i64.gt_u(m.i64.and(address, m.i64.const(BEYOND_REACH | BigInt(GUEST_PAGE_MASK))), m.i64.const(BigInt(GUEST_PAGE_MASK + 1 - size)));
}

/** Byte offset of the shadow entry of the page holding the low 32 bits of a guest address, from
 *  SHADOW_TABLE. Unmasked: the table spans all 2^20 such pages (abi SHADOW_TABLE_SIZE), those at
 *  or above 2^GUEST_VA_BITS with entry 0. */
export function shadowIndex(m: ExpressionBuilder, address32: ExpressionRef): ExpressionRef {
  return m.i32.shl(m.i32.shr_u(address32, m.i32.const(GUEST_PAGE_SHIFT)), m.i32.const(2));
}

/** The host address of a guest address, from its page's entry: one add of the addend. */
export function shadowHostAddress(m: ExpressionBuilder, address32: ExpressionRef, entry: ExpressionRef): ExpressionRef {
  return m.i32.add(address32, m.i32.and(entry, m.i32.const(SHADOW_HOST_MASK)));
}

function hostAddress(m: ExpressionBuilder, types: ValueTypes, s: Scratch): ExpressionRef {
  return shadowHostAddress(m, m.i32.wrap(m.local.get(s.address, types.i64)), m.local.get(s.entry, types.i32));
}

export function emitLoad(
  mb: ModuleBuilder, s: Scratch & { value: number }, kind: LoadKind, address: ExpressionRef, pc: ExpressionRef, cache?: PageCache,
): ExpressionRef {
  const { m, types } = mb;
  const size = loadSize(kind);
  const host = hostAddress(m, types, s);
  const fast = {
    u8: () => m.i64.load8_u(0, 1, host),
    s8: () => m.i64.load8_s(0, 1, host),
    u16: () => m.i64.load16_u(0, 1, host),
    s16: () => m.i64.load16_s(0, 1, host),
    u32: () => m.i64.load32_u(0, 1, host),
    s32: () => m.i64.load32_s(0, 1, host),
    '64': () => m.i64.load(0, 1, host),
  }[kind]();
  let slow = m.call(mb.helper('load_slow'), [m.local.get(s.address, types.i64), m.i32.const(size), pc], types.i64);
  if (kind === 's8') slow = m.i64.extend8_s(slow);
  if (kind === 's16') slow = m.i64.extend16_s(slow);
  if (kind === 's32') slow = m.i64.extend32_s(slow);
  if (!cache) return m.block(null, [m.local.set(s.address, address), checkedAccess(m, types, s, size, LOAD_CHECK, fast, slow, types.i64)], types.i64);
  const bad = needsSlowPathCached(m, types, s, cache, size, LOAD_CHECK);
  return m.block(null, [m.local.set(s.address, address), unlikely(m, m.if(bad, slow, fastWithRefresh(m, types, s, cache, fast, true)))], types.i64);
}

export function emitStore(
  mb: ModuleBuilder, s: Scratch & { value: number }, width: 8 | 16 | 32 | 64, address: ExpressionRef, value: ExpressionRef, pc: ExpressionRef,
  cache?: PageCache,
  /** Code to run right after the slow-path helper (the JIT reloads codeModified there). */
  afterSlow?: () => ExpressionRef | undefined,
): ExpressionRef {
  const { m, types } = mb;
  const size = width / 8;
  const v = () => m.local.get(s.value, types.i64);
  const host = hostAddress(m, types, s);
  const fast = { 8: () => m.i64.store8(0, 1, host, v()), 16: () => m.i64.store16(0, 1, host, v()), 32: () => m.i64.store32(0, 1, host, v()), 64: () => m.i64.store(0, 1, host, v()) }[width]();
  const call = m.call(mb.helper('store_slow'), [m.local.get(s.address, types.i64), m.i32.const(size), v(), pc], types.none);
  const reload = afterSlow?.();
  const slow = reload === undefined ? call : m.block(null, [call, reload]);
  if (!cache) return m.block(null, [m.local.set(s.address, address), m.local.set(s.value, value), checkedAccess(m, types, s, size, STORE_CHECK, fast, slow, types.none)]);
  return m.block(null, [
    m.local.set(s.address, address),
    m.local.set(s.value, value),
    unlikely(m, m.if(needsSlowPathCached(m, types, s, cache, size, STORE_CHECK), slow, fastWithRefresh(m, types, s, cache, fast, false))),
  ]);
}

/** A group's guard (access-groups.ts): sets local `host` (i32) to the host address of `first`
 *  when the `span` bytes from `first` lie below 2^GUEST_VA_BITS in one page whose entry has every
 *  bit of `check`; else to 0, which no guest page's host address is.
 *    host = 0; (block $no br_if $no reach-or-crossing; entry=…; br_if $no per missing bit;
 *               host = i32(first) + addend) */
export function emitGroupGuard(mb: ModuleBuilder, s: Scratch, host: number, first: ExpressionRef, span: number, check: number): ExpressionRef {
  const { m, types } = mb;
  const addr = () => m.local.get(s.address, types.i64);
  const no = mb.uniqueLabel('grp');
  const tests: ExpressionRef[] = [m.br(no, outOfReachOrCrossing(m, addr(), span))];
  tests.push(loadEntry(m, types, s));
  for (const bit of [LOAD_CHECK, STORE_CHECK]) if (check & bit) tests.push(m.br(no, flagsWrong(m, types, s, bit)));
  tests.push(m.local.set(host, hostAddress(m, types, s)));
  return m.block(null, [m.local.set(host, m.i32.const(0)), m.local.set(s.address, first), m.block(no, tests)]);
}

/** A group member: when the guard cleared the group (`host` non-zero), the access at `offset`
 *  from host; else `checked`, the member's own checked access.
 *    (block $ok (block $own br_if $own (host == 0); br $ok fast) checked) */
function groupMember(mb: ModuleBuilder, host: number, fast: ExpressionRef, checked: ExpressionRef, result: TypeRef): ExpressionRef {
  const { m, types } = mb;
  const ok = mb.uniqueLabel('gok');
  const own = mb.uniqueLabel('gown');
  const tests = m.block(own, [
    unlikely(m, m.br(own, m.i32.eqz(m.local.get(host, types.i32)))),
    result === types.none ? m.block(null, [fast, m.br(ok)]) : m.br(ok, undefined, fast),
  ], types.none);
  return m.block(ok, [tests, checked], result);
}

export function emitGroupedLoad(
  mb: ModuleBuilder, s: Scratch & { value: number }, kind: LoadKind, host: number, offset: number, address: ExpressionRef, pc: ExpressionRef,
): ExpressionRef {
  const { m, types } = mb;
  const h = m.local.get(host, types.i32);
  const fast = {
    u8: () => m.i64.load8_u(offset, 1, h),
    s8: () => m.i64.load8_s(offset, 1, h),
    u16: () => m.i64.load16_u(offset, 1, h),
    s16: () => m.i64.load16_s(offset, 1, h),
    u32: () => m.i64.load32_u(offset, 1, h),
    s32: () => m.i64.load32_s(offset, 1, h),
    '64': () => m.i64.load(offset, 1, h),
  }[kind]();
  return groupMember(mb, host, fast, emitLoad(mb, s, kind, address, pc), types.i64);
}

/** The value is evaluated once, before the test; `afterSlow` as for emitStore. */
export function emitGroupedStore(
  mb: ModuleBuilder, s: Scratch & { value: number }, width: 8 | 16 | 32 | 64, host: number, offset: number,
  address: ExpressionRef, value: ExpressionRef, pc: ExpressionRef, afterSlow?: () => ExpressionRef | undefined,
): ExpressionRef {
  const { m, types } = mb;
  const h = m.local.get(host, types.i32);
  const v = () => m.local.get(s.value, types.i64);
  const fast = { 8: () => m.i64.store8(offset, 1, h, v()), 16: () => m.i64.store16(offset, 1, h, v()), 32: () => m.i64.store32(offset, 1, h, v()), 64: () => m.i64.store(offset, 1, h, v()) }[width]();
  const checked = emitStore(mb, s, width, address, v(), pc, undefined, afterSlow);
  return m.block(null, [m.local.set(s.value, value), groupMember(mb, host, fast, checked, types.none)]);
}
