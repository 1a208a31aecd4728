// @ferry/runtime: the Linux user-mode machine: guest memory and shadow table, ELF loader, initial
// stack, Linux syscalls and the virtual file system. Imports only @ferry/abi and @ferry/util.
export * from './fault.js';
export * from './memory.js';
export * from './cpu-state.js';
export * from './elf.js';
export * from './layout.js';
export * from './loader.js';
export * from './stack.js';
export * from './vfs.js';
export * from './fdtable.js';
export * from './machine.js';
export { E, errnoName, SyscallError } from './syscalls/errno.js';
export { Kernel, ProcessExit, type SyscallDef, type ArgFormat } from './syscalls/kernel.js';
export { SYSCALLS, syscallName, dispatchSyscall, type SyscallOutcome } from './syscalls/dispatch.js';
export { signalName } from './syscalls/signals.js';
export * from './fpu/index.js';
export * from './elf-builder.js';
