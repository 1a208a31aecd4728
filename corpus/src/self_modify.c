/* self_modify: writes RISC-V machine code into an RWX mapping, clears the
   instruction cache, calls it, overwrites it with different code and calls again;
   then the same through mprotect (RW -> RX -> RW -> RX). Each version runs in a
   loop so a translator that cached the old code must notice the rewrite. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef long (*binary_fn)(long, long);

/* RV64 encodings: R-type and I-type fields, a0 = x10, a1 = x11 */
#define REG_A0 10u
#define REG_A1 11u
static uint32_t addi(uint32_t rd, uint32_t rs1, int32_t imm) { return ((uint32_t)imm << 20) | (rs1 << 15) | (rd << 7) | 0x13u; }
static uint32_t r_type(uint32_t funct7, uint32_t funct3, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return (funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x33u;
}
static const uint32_t RET = 0x00008067u;         /* jalr x0, 0(ra) */
static const uint32_t C_LI_A0_5_C_JR_RA = 0x80824515u; /* c.li a0, 5 ; c.jr ra */

static void install(void *code, const uint32_t *words, size_t count) {
  memcpy(code, words, count * sizeof words[0]);
  __builtin___clear_cache((char *)code, (char *)code + count * sizeof words[0]);
}

static long run_many(binary_fn fn, long a, long b) {
  long total = 0;
  for (int i = 0; i < 2000; i++) total += fn(a + i, b);
  return total;
}

int main(void) {
  uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) { perror("mmap RWX"); return 1; }
  binary_fn fn = (binary_fn)(uintptr_t)code;

  const uint32_t add_version[] = {r_type(0, 0, REG_A0, REG_A0, REG_A1), RET};
  install(code, add_version, 2);
  printf("add version: f(40, 2) = %ld, sum over loop %ld\n", fn(40, 2), run_many(fn, 0, 2));

  const uint32_t mul_version[] = {r_type(1, 0, REG_A0, REG_A0, REG_A1), addi(REG_A0, REG_A0, 1), RET};
  install(code, mul_version, 3);
  printf("mul version: f(40, 2) = %ld, sum over loop %ld\n", fn(40, 2), run_many(fn, 0, 2));

  /* patch a single immediate in place: addi a0, a0, 1 -> addi a0, a0, -100 */
  code[1] = addi(REG_A0, REG_A0, -100);
  __builtin___clear_cache((char *)&code[1], (char *)&code[2]);
  printf("patched immediate: f(40, 2) = %ld\n", fn(40, 2));

  const uint32_t compressed_version[] = {C_LI_A0_5_C_JR_RA};
  install(code, compressed_version, 1);
  printf("compressed version: f(40, 2) = %ld\n", fn(40, 2));

  /* same code at a second address in the same page */
  install(code + 64, add_version, 2);
  binary_fn second = (binary_fn)(uintptr_t)(code + 64);
  printf("two functions in one page: %ld %ld\n", fn(1, 1), second(1, 1));
  munmap(code, 4096);

  /* W^X style: write while RW, run while RX */
  uint32_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  binary_fn guarded = (binary_fn)(uintptr_t)page;
  const uint32_t sub_version[] = {r_type(0x20, 0, REG_A0, REG_A0, REG_A1), RET};
  install(page, sub_version, 2);
  printf("mprotect RX: %d\n", mprotect(page, 4096, PROT_READ | PROT_EXEC));
  printf("sub version: f(40, 2) = %ld, loop %ld\n", guarded(40, 2), run_many(guarded, 0, 2));
  printf("mprotect RW: %d\n", mprotect(page, 4096, PROT_READ | PROT_WRITE));
  const uint32_t xor_version[] = {r_type(0, 4, REG_A0, REG_A0, REG_A1), addi(REG_A0, REG_A0, 1000), RET};
  install(page, xor_version, 3);
  printf("mprotect RX: %d\n", mprotect(page, 4096, PROT_READ | PROT_EXEC));
  printf("xor version: f(40, 2) = %ld, loop %ld\n", guarded(40, 2), run_many(guarded, 0, 2));
  munmap(page, 4096);
  return 0;
}
