// The initial process stack, laid out as Linux's execve leaves it for a static program:
//   sp -> argc, argv[0..argc-1], NULL, envp[0..], NULL, auxv (type, value) pairs ending in AT_NULL,
//   then (higher) 16 AT_RANDOM bytes, the argv strings, the env strings, the exec file name and a
//   final NULL word just below stackTop. Invariant: sp is 16-byte aligned. (Addresses reach above
// 2^31, so alignment uses arithmetic, never 32-bit bitwise operators.)
import type { GuestMemory } from './memory.js';

/** Auxiliary vector keys (include/uapi/linux/auxvec.h). */
export const AT = {
  NULL: 0,
  PHDR: 3,
  PHENT: 4,
  PHNUM: 5,
  PAGESZ: 6,
  BASE: 7,
  FLAGS: 8,
  ENTRY: 9,
  UID: 11,
  EUID: 12,
  GID: 13,
  EGID: 14,
  HWCAP: 16,
  CLKTCK: 17,
  SECURE: 23,
  RANDOM: 25,
  EXECFN: 31,
} as const;

/** AT_HWCAP for RV64IMAFDC: one bit per extension letter (bit = letter - 'a'). */
export const RISCV_HWCAP = [...'imafdc'].reduce((bits, letter) => bits | (1 << (letter.charCodeAt(0) - 97)), 0);

export interface InitialStackInput {
  stackTop: number;
  argv: string[];
  env: string[];
  execfn: string;
  /** Entries other than AT_RANDOM, AT_EXECFN and AT_NULL, which are added here. */
  auxv: [number, number][];
  randomBytes: Uint8Array;
}

export interface InitialStack {
  sp: number;
  argvAddress: number;
  envpAddress: number;
  auxvAddress: number;
  randomAddress: number;
  execfnAddress: number;
}

export function buildInitialStack(memory: GuestMemory, input: InitialStackInput): InitialStack {
  const encode = (s: string): Uint8Array => {
    const bytes = Buffer.from(s, 'utf8');
    const out = new Uint8Array(bytes.length + 1);
    out.set(bytes);
    return out;
  };
  let p = input.stackTop - 8;
  memory.write64(p, 0n);
  const push = (data: Uint8Array): number => {
    p -= data.length;
    memory.writeBytes(p, data);
    return p;
  };
  const execfnAddress = push(encode(input.execfn));
  const envAddresses = input.env.map(encode).reverse().map(push).reverse();
  const argAddresses = input.argv.map(encode).reverse().map(push).reverse();
  p -= p % 16;
  const randomAddress = push(input.randomBytes.subarray(0, 16));

  const auxv: [number, number][] = [
    ...input.auxv,
    [AT.RANDOM, randomAddress],
    [AT.EXECFN, execfnAddress],
    [AT.NULL, 0],
  ];
  const words = 1 + argAddresses.length + 1 + envAddresses.length + 1 + auxv.length * 2;
  const unaligned = p - words * 8;
  const sp = unaligned - (unaligned % 16);
  let at = sp;
  const word = (value: number): void => {
    memory.write64(at, BigInt(value));
    at += 8;
  };
  word(argAddresses.length);
  const argvAddress = at;
  argAddresses.forEach(word);
  word(0);
  const envpAddress = at;
  envAddresses.forEach(word);
  word(0);
  const auxvAddress = at;
  for (const [key, value] of auxv) {
    word(key);
    word(value);
  }
  return { sp, argvAddress, envpAddress, auxvAddress, randomAddress, execfnAddress };
}
