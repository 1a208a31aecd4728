/* atomics: __atomic builtins at 32 and 64 bits (AMO add/and/or/xor/swap/min/max and
   LR/SC-based compare-exchange and sub-word operations); prints each old/new value. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static int32_t word32 = 100;
static int64_t word64 = 1000000000000LL;
static uint8_t byte8 = 250;
static uint16_t half16 = 65000;

int main(void) {
  printf("fetch_add32 old %d", __atomic_fetch_add(&word32, 5, __ATOMIC_SEQ_CST));
  printf(" new %d\n", word32);
  printf("fetch_sub32 old %d", __atomic_fetch_sub(&word32, 205, __ATOMIC_ACQ_REL));
  printf(" new %d\n", word32);
  printf("fetch_and32 old %d", __atomic_fetch_and(&word32, 0x0F0F, __ATOMIC_RELAXED));
  printf(" new %d\n", word32);
  printf("fetch_or32 old %d", __atomic_fetch_or(&word32, 0x7000, __ATOMIC_RELEASE));
  printf(" new %d\n", word32);
  printf("fetch_xor32 old %d", __atomic_fetch_xor(&word32, -1, __ATOMIC_SEQ_CST));
  printf(" new %d\n", word32);
  printf("exchange32 old %d", __atomic_exchange_n(&word32, -7, __ATOMIC_SEQ_CST));
  printf(" new %d\n", word32);

  printf("fetch_add64 old %" PRId64, __atomic_fetch_add(&word64, 1LL << 40, __ATOMIC_SEQ_CST));
  printf(" new %" PRId64 "\n", word64);
  printf("fetch_xor64 old %" PRId64, __atomic_fetch_xor(&word64, 0x5555555555555555LL, __ATOMIC_SEQ_CST));
  printf(" new %" PRId64 "\n", word64);
  printf("exchange64 old %" PRId64, __atomic_exchange_n(&word64, INT64_MIN, __ATOMIC_ACQUIRE));
  printf(" new %" PRId64 "\n", word64);

  int64_t expected = 5;
  int ok = __atomic_compare_exchange_n(&word64, &expected, 6, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  printf("cas64 (wrong expected) ok=%d expected now %" PRId64 "\n", ok, expected);
  ok = __atomic_compare_exchange_n(&word64, &expected, 6, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  printf("cas64 (right expected) ok=%d value %" PRId64 "\n", ok, word64);
  int32_t expected32 = -7;
  ok = __atomic_compare_exchange_n(&word32, &expected32, 77, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
  while (!ok) ok = __atomic_compare_exchange_n(&word32, &expected32, 77, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
  printf("cas32 weak loop ok=%d value %d\n", ok, word32);

  /* AMO min/max come out of gcc for these idioms via CAS loops or amomin/amomax */
  int32_t signed_min = 10;
  uint32_t unsigned_max = 10;
  int64_t signed_max64 = -5;
  for (int32_t v = -3; v <= 3; v++) {
    int32_t old = __atomic_load_n(&signed_min, __ATOMIC_RELAXED);
    while (v < old && !__atomic_compare_exchange_n(&signed_min, &old, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {}
  }
  uint32_t amomax_old, amominu_old;
  int64_t amomax64_old;
  __asm__ volatile("amomaxu.w %0, %2, (%1)" : "=r"(amomax_old) : "r"(&unsigned_max), "r"(0xFFFFFFF0u) : "memory");
  printf("amomaxu.w old %u new %u\n", amomax_old, unsigned_max);
  __asm__ volatile("amominu.w %0, %2, (%1)" : "=r"(amominu_old) : "r"(&unsigned_max), "r"(3u) : "memory");
  printf("amominu.w old %u new %u\n", amominu_old, unsigned_max);
  __asm__ volatile("amomax.d %0, %2, (%1)" : "=r"(amomax64_old) : "r"(&signed_max64), "r"(-9LL) : "memory");
  printf("amomax.d old %" PRId64 " new %" PRId64 "\n", amomax64_old, signed_max64);
  printf("cas-loop min %d\n", signed_min);
  int32_t amomin_old;
  __asm__ volatile("amomin.w %0, %2, (%1)" : "=r"(amomin_old) : "r"(&signed_min), "r"(-100) : "memory");
  printf("amomin.w old %d new %d\n", amomin_old, signed_min);

  /* sub-word atomics are LR/SC loops on the containing word */
  printf("fetch_add8 old %u", __atomic_fetch_add(&byte8, 10, __ATOMIC_SEQ_CST));
  printf(" new %u\n", byte8);
  printf("fetch_add16 old %u", __atomic_fetch_add(&half16, 1000, __ATOMIC_SEQ_CST));
  printf(" new %u\n", half16);
  uint8_t expected8 = 4;
  ok = __atomic_compare_exchange_n(&byte8, &expected8, 200, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  printf("cas8 ok=%d value %u\n", ok, byte8);

  /* explicit LR/SC: increment with a retry counter */
  int64_t counter = 41, observed;
  int64_t failed;
  __asm__ volatile("1: lr.d %0, (%2)\n addi %0, %0, 1\n sc.d %1, %0, (%2)\n bnez %1, 1b"
                   : "=&r"(observed), "=&r"(failed) : "r"(&counter) : "memory");
  printf("lr/sc increment -> %" PRId64 " (sc status %" PRId64 ")\n", counter, failed);
  int32_t counter32 = -1, observed32, failed32;
  __asm__ volatile("1: lr.w %0, (%2)\n addi %0, %0, 1\n sc.w %1, %0, (%2)\n bnez %1, 1b"
                   : "=&r"(observed32), "=&r"(failed32) : "r"(&counter32) : "memory");
  printf("lr.w/sc.w increment -> %d\n", counter32);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  printf("load after fence %d %" PRId64 "\n", __atomic_load_n(&word32, __ATOMIC_ACQUIRE), __atomic_load_n(&word64, __ATOMIC_ACQUIRE));
  return 0;
}
