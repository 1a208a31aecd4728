/* bit_tricks: shifts (logical, arithmetic, 32-bit W forms, amounts masked to the
   operand width), rotates, clz/ctz/popcount/parity builtins and byte swaps. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline, noipa))
NOINLINE static uint64_t rotl64(uint64_t x, unsigned r) { return (x << (r & 63)) | (x >> ((64 - r) & 63)); }
NOINLINE static uint32_t rotr32(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << ((32 - r) & 31)); }
NOINLINE static uint64_t shift_left(uint64_t x, unsigned s) { return x << s; }
NOINLINE static uint64_t shift_right_logical(uint64_t x, unsigned s) { return x >> s; }
NOINLINE static int64_t shift_right_arith(int64_t x, unsigned s) { return x >> s; }
NOINLINE static int32_t shift_left_word(int32_t x, unsigned s) { return (int32_t)((uint32_t)x << s); }
NOINLINE static int32_t shift_right_arith_word(int32_t x, unsigned s) { return x >> s; }
NOINLINE static uint32_t shift_right_logical_word(uint32_t x, unsigned s) { return x >> s; }

/* register shift amounts use only the low 6 (or 5 for W forms) bits: issue sll/sllw directly */
NOINLINE static uint64_t raw_sll(uint64_t x, uint64_t s) { uint64_t r; __asm__("sll %0,%1,%2" : "=r"(r) : "r"(x), "r"(s)); return r; }
NOINLINE static int64_t raw_sraw(int64_t x, uint64_t s) { int64_t r; __asm__("sraw %0,%1,%2" : "=r"(r) : "r"(x), "r"(s)); return r; }
NOINLINE static int64_t raw_srlw(int64_t x, uint64_t s) { int64_t r; __asm__("srlw %0,%1,%2" : "=r"(r) : "r"(x), "r"(s)); return r; }

int main(void) {
  volatile uint64_t samples[] = {0, 1, 0x80, 0xFF00, 0x80000000, 0xFFFFFFFF, 0x100000000ULL, 0x8000000000000000ULL,
                                 0xFFFFFFFFFFFFFFFFULL, 0x0123456789ABCDEFULL, 0xF0F0F0F00F0F0F0FULL};
  for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    uint64_t x = samples[i];
    uint32_t low = (uint32_t)x;
    printf("%016" PRIx64 ": clz %2d ctz %2d pop %2d parity %d | clz32 %2d ctz32 %2d pop32 %2d | bswap %016" PRIx64 "\n",
           x, x ? __builtin_clzll(x) : 64, x ? __builtin_ctzll(x) : 64, __builtin_popcountll(x), __builtin_parityll(x),
           low ? __builtin_clz(low) : 32, low ? __builtin_ctz(low) : 32, __builtin_popcount(low), __builtin_bswap64(x));
  }
  for (unsigned s = 0; s < 64; s += 7) {
    uint64_t x = samples[9];
    printf("shift %2u: sll %016" PRIx64 " srl %016" PRIx64 " sra %016" PRIx64 " rotl %016" PRIx64 "\n", s,
           shift_left(x, s), shift_right_logical(x, s), (uint64_t)shift_right_arith((int64_t)samples[10], s), rotl64(x, s));
  }
  for (unsigned s = 0; s < 32; s += 5) {
    printf("w-shift %2u: sllw %08x sraw %08x srlw %08x rotr32 %08x\n", s, (uint32_t)shift_left_word(0x40000001, s),
           (uint32_t)shift_right_arith_word((int32_t)0x80000010, s), shift_right_logical_word(0x80000010u, s),
           rotr32(0xDEADBEEFu, s));
  }
  printf("sll by 65 (masked to 1): %016" PRIx64 "\n", raw_sll(3, 65));
  printf("sraw by 33 (masked to 1): %016" PRIx64 "\n", (uint64_t)raw_sraw((int64_t)0x1234567880000000LL, 33));
  printf("srlw by 0 sign-extends: %016" PRIx64 "\n", (uint64_t)raw_srlw(0x80000000LL, 0));
  /* classic tricks */
  uint64_t v = 0x00F0000000000000ULL;
  printf("lowest set bit %016" PRIx64 ", clear lowest %016" PRIx64 ", next pow2 of 1000 = %llu\n", v & -v, v & (v - 1),
         1ULL << (64 - __builtin_clzll(1000 - 1)));
  uint32_t reversed = 0x12345678u;
  reversed = ((reversed >> 1) & 0x55555555u) | ((reversed & 0x55555555u) << 1);
  reversed = ((reversed >> 2) & 0x33333333u) | ((reversed & 0x33333333u) << 2);
  reversed = ((reversed >> 4) & 0x0F0F0F0Fu) | ((reversed & 0x0F0F0F0Fu) << 4);
  reversed = __builtin_bswap32(reversed);
  printf("bit-reverse 0x12345678 = %08x\n", reversed);
  return 0;
}
