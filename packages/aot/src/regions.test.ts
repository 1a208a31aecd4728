// AOT region planning: loops stay whole inside one region; shared straight-line code is
// duplicated rather than cut out as a region of its own.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assemble } from '@ferry/isa-riscv';
import { liftRegion } from '@ferry/lift-riscv';
import { buildElf, parseElf } from '@ferry/runtime';
import { discoverCode } from './discover.js';
import { GuestImage } from './guest-image.js';
import { loopHeadersOf, planRegions } from './regions.js';
import { CODE_BASE, switchLoopProgram } from './testing.js';

function plan(source: string) {
  const { bytes, labels } = assemble(source, BigInt(CODE_BASE));
  const elf = buildElf({ entry: CODE_BASE, segments: [{ flags: 5, vaddr: CODE_BASE, data: bytes }], symbols: [], textSection: { start: CODE_BASE, end: CODE_BASE + bytes.length } });
  const image = new GuestImage(parseElf(elf, 'regions.elf'));
  const regions = planRegions(image, discoverCode(image));
  const regionOf = (label: string) => regions.find((r) => r.entry === labels.get(label));
  const pcs = (label: string) => regionOf(label)?.blocks.map((b) => b.pc) ?? [];
  return { labels, regions, regionOf, pcs };
}

describe('planRegions', () => {
  it('keeps a loop reached after two calls (two return points) whole, in the region of its header', () => {
    // Both return points reach the loop; the join is the loop header, so it leads its own region
    // holding the loop body, and neither return point's region cuts the loop.
    const { labels, pcs, regionOf } = plan(`
      _start: beqz a0, .other
              jal ra, f
              j .join
      .other: jal ra, f
      .join:  li a1, 100
      .loop:  addi a1, a1, -1
              add a2, a2, a1
              bnez a1, .loop
              li a7, 93
              ecall
      f:      ret`);
    const header = labels.get('.loop')!;
    // No region is entered inside the loop but at its header, and some region holds the header
    // block, so the back edge (to the header) is a jump inside that region.
    expect(pcs('.loop').length > 0 || pcs('.join').includes(header)).toBe(true);
  });

  it('gives each loop header inside a region a resume region of its own, without cutting the loop', () => {
    const { labels, regions, regionOf, pcs } = plan(`
      _start: li s1, 2
      .outer: li t0, 100
      .inner: addi t0, t0, -1
              bnez t0, .inner
              addi s1, s1, -1
              bnez s1, .outer
              li a7, 93
              ecall`);
    expect(regions.map((r) => r.entry)).toEqual(['_start', '.outer', '.inner'].map((l) => labels.get(l)));
    // _start's region still holds both loops whole.
    expect(pcs('_start')).toEqual(expect.arrayContaining([labels.get('.outer'), labels.get('.inner')]));
    // Resuming at the inner header runs on through the outer loop without leaving the region.
    expect(pcs('.inner')).toEqual(expect.arrayContaining([labels.get('.outer'), labels.get('.inner')]));
    expect(loopHeadersOf(regionOf('_start')!).sort()).toEqual([labels.get('.outer'), labels.get('.inner')].sort());
  });

  it('compiles shared straight-line code into each region reaching it instead of cutting it out', () => {
    const body = Array.from({ length: 30 }, () => 'addi a0, a0, 3').join('\n');
    const { labels, regions, regionOf } = plan(`
      _start: beqz a0, .b
              jal ra, f
              addi a0, a0, 1
              j .tail
      .b:     jal ra, f
              addi a0, a0, 2
      .tail:  ${body}
              li a7, 93
              ecall
      f:      ret`);
    // .tail (32 instructions) is reached from both return points but is no loop header: no region
    // of its own, so each return point's region runs on into it.
    expect(regionOf('.tail')).toBeUndefined();
    const tail = labels.get('.tail')!;
    expect(regions.filter((r) => r.blocks.some((b) => b.pc === tail))).toHaveLength(2);
  });

  it('does not cut a loop where out-of-line code jumps back into its body', () => {
    // gcc's layout of sqrt in bench_nbody: a rare case calls out of line after the function's
    // end and jumps back into the loop's body. The jump is backward, but .resume is no loop header:
    // the region of the loop's header (a join: _start and the return point reach it) holds the
    // loop whole, and the return point's region runs on into the body.
    const body = Array.from({ length: 30 }, () => 'addi a2, a2, 3').join('\n');
    const { labels, regions, pcs } = plan(`
      _start: li a1, 100
      .loop:  bltz a2, .slow
      .resume: ${body}
              addi a1, a1, -1
              bnez a1, .loop
              li a7, 93
              ecall
      .slow:  jal ra, f
              j .resume
      f:      ret`);
    const resume = labels.get('.resume')!;
    expect(regions.map((r) => r.entry)).not.toContain(resume);
    expect(pcs('.loop')).toEqual(expect.arrayContaining([labels.get('.loop'), resume]));
    const returnPoint = labels.get('.slow')! + 4n;
    expect(pcs('.slow')).toEqual([labels.get('.slow')]);
    expect(regions.find((r) => r.entry === returnPoint)!.blocks.map((b) => b.pc)).toContain(resume);
  });

  it('keeps bench_nbody\'s hot loop whole, the __sqrt call\'s jump back into it notwithstanding', () => {
    // The inner loop of advance() (inlined into main) runs 0x10668..0x1073a; its rare path calls
    // __sqrt at 0x107d8 and jumps back to 0x106ae. One region must hold both.
    const image = GuestImage.read(fileURLToPath(new URL('../../../corpus/bin/bench_nbody', import.meta.url)));
    const discovery = discoverCode(image);
    const regions = planRegions(image, discovery);
    expect(discovery.leaders.has(0x106aen)).toBe(false);
    const loop = regions.find((r) => r.blocks.some((b) => b.pc === 0x10668n) && r.blocks.some((b) => b.pc === 0x106aen));
    // The loop's header leads the region (a join: the outer loops reach it), so the back edge
    // is a jump to the region's entry.
    expect(loop?.entry).toBe(0x10668n);
  });

  it('holds the cases of a switch in the region of its dispatch loop, reached by compares instead of exits', () => {
    const p = switchLoopProgram();
    const image = new GuestImage(parseElf(p.elf, 'switch.elf'));
    const discovery = discoverCode(image);
    const cases = [...discovery.tableTargets.values()].flat();
    expect(cases).toHaveLength(4);
    const region = planRegions(image, discovery).find((r) => r.entry === image.entry)!;
    expect(region.blocks.map((b) => b.pc)).toEqual(expect.arrayContaining(cases));
    const func = liftRegion(region.blocks);
    const consts = new Map<number, bigint>();
    for (const b of func.blocks) for (const i of b.insts) if (i.op === 'iconst.i64') consts.set(i.result, BigInt(i.imm!));
    // One equality test per case, each branching to the case's block; the jr's computed goto_pc
    // remains only where every test missed.
    const tests = func.blocks.flatMap((b) => b.insts.filter((i) => i.op === 'eq.i64' && cases.includes(consts.get(i.args[1]!)!)));
    expect(tests.map((t) => consts.get(t.args[1]!)).sort()).toEqual([...cases].sort());
    const computed = func.blocks.flatMap((b) => b.insts.filter((i) => i.op === 'goto_pc' && !consts.has(i.args[0]!)));
    expect(computed.length).toBeGreaterThan(0);
    expect(computed.length).toBeLessThanOrEqual(2); // one per leaf of the compare tree
  });
});
