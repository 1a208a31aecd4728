/* int_division: div/divu/rem/remu and their 32-bit W forms on the edge cases the
   RISC-V spec defines (division by zero, INT_MIN / -1), through noinline wrappers
   so gcc must emit the instructions rather than fold constants. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline, noipa))
NOINLINE static int64_t div64(int64_t a, int64_t b) { return a / b; }
NOINLINE static int64_t rem64(int64_t a, int64_t b) { return a % b; }
NOINLINE static uint64_t divu64(uint64_t a, uint64_t b) { return a / b; }
NOINLINE static uint64_t remu64(uint64_t a, uint64_t b) { return a % b; }
NOINLINE static int32_t div32(int32_t a, int32_t b) { return a / b; }
NOINLINE static int32_t rem32(int32_t a, int32_t b) { return a % b; }
NOINLINE static uint32_t divu32(uint32_t a, uint32_t b) { return a / b; }
NOINLINE static uint32_t remu32(uint32_t a, uint32_t b) { return a % b; }

/* Plain C makes x/0 and INT_MIN/-1 undefined; RISC-V defines them. Inline asm
   issues the instructions directly so those cases are well defined here. */
#define RV_OP(name, insn, type)                                                  \
  NOINLINE static type name(type a, type b) {                                    \
    type r;                                                                      \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));             \
    return r;                                                                    \
  }
RV_OP(rv_div, "div", int64_t)
RV_OP(rv_divu, "divu", uint64_t)
RV_OP(rv_rem, "rem", int64_t)
RV_OP(rv_remu, "remu", uint64_t)
RV_OP(rv_divw, "divw", int64_t)
RV_OP(rv_divuw, "divuw", int64_t)
RV_OP(rv_remw, "remw", int64_t)
RV_OP(rv_remuw, "remuw", int64_t)

int main(void) {
  volatile int64_t values64[] = {0, 1, -1, 7, -7, 3, -3, INT64_MAX, INT64_MIN, 1000000007, -1000000007};
  volatile int32_t values32[] = {0, 1, -1, 7, -7, 3, -3, INT32_MAX, INT32_MIN, 65536};
  unsigned n64 = sizeof values64 / sizeof values64[0], n32 = sizeof values32 / sizeof values32[0];
  for (unsigned i = 0; i < n64; i++)
    for (unsigned j = 0; j < n64; j++) {
      int64_t a = values64[i], b = values64[j];
      if (b == 0 || (a == INT64_MIN && b == -1)) continue;
      printf("64: %" PRId64 " / %" PRId64 " = %" PRId64 " r %" PRId64 "; u: %" PRIu64 " r %" PRIu64 "\n", a, b,
             div64(a, b), rem64(a, b), divu64((uint64_t)a, (uint64_t)b), remu64((uint64_t)a, (uint64_t)b));
    }
  for (unsigned i = 0; i < n32; i++)
    for (unsigned j = 0; j < n32; j++) {
      int32_t a = values32[i], b = values32[j];
      if (b == 0 || (a == INT32_MIN && b == -1)) continue;
      printf("32: %d / %d = %d r %d; u: %u r %u\n", a, b, div32(a, b), rem32(a, b), divu32((uint32_t)a, (uint32_t)b),
             remu32((uint32_t)a, (uint32_t)b));
    }
  printf("-- spec-defined edge cases via the instructions --\n");
  for (unsigned i = 0; i < n64; i++) {
    int64_t a = values64[i];
    printf("div %" PRId64 ",0 = %" PRId64 "; divu = %" PRIu64 "; rem = %" PRId64 "; remu = %" PRIu64 "\n", a,
           rv_div(a, 0), rv_divu((uint64_t)a, 0), rv_rem(a, 0), rv_remu((uint64_t)a, 0));
    printf("divw %" PRId64 ",0 = %" PRId64 "; divuw = %" PRId64 "; remw = %" PRId64 "; remuw = %" PRId64 "\n", a,
           rv_divw(a, 0), rv_divuw(a, 0), rv_remw(a, 0), rv_remuw(a, 0));
  }
  printf("INT64_MIN / -1 = %" PRId64 ", rem = %" PRId64 "\n", rv_div(INT64_MIN, -1), rv_rem(INT64_MIN, -1));
  printf("divw INT32_MIN / -1 = %" PRId64 ", remw = %" PRId64 "\n", rv_divw(INT32_MIN, -1), rv_remw(INT32_MIN, -1));
  /* W forms use only the low 32 bits and sign-extend the 32-bit result */
  int64_t wide = 0x123456789LL, wide_negative = (int64_t)0xFFFFFFFF80000000ULL;
  printf("divw 0x123456789 / 2 = %" PRId64 "\n", rv_divw(wide, 2));
  printf("divuw 0xffffffff80000000 / 3 = %" PRId64 "\n", rv_divuw(wide_negative, 3));
  printf("remuw 0x1fffffffe / 0x100000007 = %" PRId64 "\n", rv_remuw(0x1fffffffeLL, 0x100000007LL));
  printf("divuw 0x80000000 / 1 = %" PRId64 " (sign-extended)\n", rv_divuw(0x80000000LL, 1));
  return 0;
}
