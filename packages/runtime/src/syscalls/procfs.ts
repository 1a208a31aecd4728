// The generated files under /proc and /sys (vfs.ts GENERATED_FILES): made when opened, from the
// machine's own state, in Linux's formats. /proc/self/maps lists the guest's mappings (its
// address space as Ferry lays it out, heap and stack named); /proc/cpuinfo describes the one
// RV64GC hart the guest runs on, matching sched_getaffinity and sysconf(_SC_NPROCESSORS_ONLN);
// /proc/meminfo reports the --mem cap as the machine's memory.
import { GUEST_PAGE_SIZE } from '@ferry/abi';
import { GuestLayout } from '../layout.js';
import type { GeneratedFile } from '../vfs.js';
import type { Kernel } from './kernel.js';

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function maps(k: Kernel): string {
  const brkTop = Math.ceil(k.brkEnd / GUEST_PAGE_SIZE) * GUEST_PAGE_SIZE;
  const stackBottom = GuestLayout.stackTop - GuestLayout.stackSize;
  return k.memory.mappedRuns()
    .map(({ start, end, prot }) => {
      const perms = `${prot & 1 ? 'r' : '-'}${prot & 2 ? 'w' : '-'}${prot & 4 ? 'x' : '-'}p`;
      const name = start >= k.brkStart && end <= brkTop && brkTop > k.brkStart ? '[heap]' : start >= stackBottom && end <= GuestLayout.stackTop ? '[stack]' : start < k.brkStart ? k.options.executablePath : '';
      const line = `${hex8(start)}-${hex8(end)} ${perms} 00000000 00:00 0`;
      return name ? `${line.padEnd(73)}${name}\n` : `${line}\n`;
    })
    .join('');
}

function meminfo(k: Kernel): string {
  const kb = (bytes: number) => `${Math.floor(bytes / 1024)} kB`.padStart(15);
  const free = Math.max(0, k.memory.memLimit - k.memory.mappedBytes);
  return `MemTotal:    ${kb(k.memory.memLimit)}\nMemFree:     ${kb(free)}\nMemAvailable:${kb(free)}\n`;
}

const CPUINFO = 'processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicsr_zifencei\nmmu\t\t: sv39\nuarch\t\t: ferry\n\n';

/** The contents of a generated file now. */
export function generatedContent(k: Kernel, file: GeneratedFile): Uint8Array {
  switch (file) {
    case '/proc/self/maps':
      return Buffer.from(maps(k));
    case '/proc/self/cmdline':
      return Buffer.from(k.options.argv.map((a) => `${a}\0`).join(''));
    case '/proc/cpuinfo':
      return Buffer.from(CPUINFO);
    case '/proc/meminfo':
      return Buffer.from(meminfo(k));
    case '/sys/devices/system/cpu/online':
    case '/sys/devices/system/cpu/possible':
      return Buffer.from('0\n');
  }
}
