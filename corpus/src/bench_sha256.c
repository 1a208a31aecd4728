/* bench_sha256: SHA-256 (FIPS 180-4) over N KiB of generated data streamed in 64 KiB
   chunks, hashed whole and in odd-sized pieces (memory stays small); prints the digests. argv[1] = KiB to hash (default 64). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { uint32_t state[8]; uint64_t length; uint8_t block[64]; size_t used; } Sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void compress(Sha256 *h, const uint8_t *block) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 | (uint32_t)block[4 * i + 2] << 8 | block[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h->state[0], b = h->state[1], c = h->state[2], d = h->state[3];
  uint32_t e = h->state[4], f = h->state[5], g = h->state[6], hh = h->state[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h->state[0] += a; h->state[1] += b; h->state[2] += c; h->state[3] += d;
  h->state[4] += e; h->state[5] += f; h->state[6] += g; h->state[7] += hh;
}

static void sha_init(Sha256 *h) {
  static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(h->state, initial, sizeof initial);
  h->length = 0;
  h->used = 0;
}

static void sha_update(Sha256 *h, const uint8_t *data, size_t n) {
  h->length += n;
  while (n > 0) {
    if (h->used == 0 && n >= 64) { compress(h, data); data += 64; n -= 64; continue; }
    size_t take = 64 - h->used < n ? 64 - h->used : n;
    memcpy(h->block + h->used, data, take);
    h->used += take; data += take; n -= take;
    if (h->used == 64) { compress(h, h->block); h->used = 0; }
  }
}

static void sha_final(Sha256 *h, uint8_t digest[32]) {
  uint64_t bits = h->length * 8;
  uint8_t pad = 0x80, zero = 0, length_bytes[8];
  sha_update(h, &pad, 1);
  while (h->used != 56) sha_update(h, &zero, 1);
  for (int i = 0; i < 8; i++) length_bytes[i] = (uint8_t)(bits >> (56 - 8 * i));
  sha_update(h, length_bytes, 8);
  for (int i = 0; i < 32; i++) digest[i] = (uint8_t)(h->state[i / 4] >> (24 - 8 * (i % 4)));
}

static void print_digest(const char *label, const uint8_t digest[32]) {
  printf("%s ", label);
  for (int i = 0; i < 32; i++) printf("%02x", digest[i]);
  printf("\n");
}

static void generate(uint8_t *chunk, size_t n, uint32_t *x) {
  for (size_t i = 0; i < n; i++) { *x ^= *x << 13; *x ^= *x >> 17; *x ^= *x << 5; chunk[i] = (uint8_t)*x; }
}

int main(int argc, char **argv) {
  long kib = argc > 1 ? atol(argv[1]) : 64;
  enum { CHUNK = 64 * 1024 };
  uint8_t *chunk = malloc(CHUNK);
  uint8_t digest[32], chunked[32];
  Sha256 whole, odd;
  sha_init(&whole);
  sha_update(&whole, (const uint8_t *)"abc", 3);
  sha_final(&whole, digest);
  print_digest("sha256(abc)", digest);
  /* stream generated data through two hashers: whole chunks, and odd-sized pieces */
  sha_init(&whole);
  sha_init(&odd);
  uint32_t x = 2463534242u;
  size_t total = 0, step = 1;
  for (long k = 0; k < kib; k += CHUNK / 1024) {
    size_t n = (size_t)(kib - k < CHUNK / 1024 ? kib - k : CHUNK / 1024) * 1024;
    generate(chunk, n, &x);
    sha_update(&whole, chunk, n);
    for (size_t off = 0; off < n; off += step, step = step * 3 % 1000 + 1)
      sha_update(&odd, chunk + off, off + step <= n ? step : n - off);
    total += n;
  }
  sha_final(&whole, digest);
  sha_final(&odd, chunked);
  printf("bytes %zu\n", total);
  print_digest("sha256(data)", digest);
  printf("chunked matches: %s\n", memcmp(digest, chunked, 32) == 0 ? "yes" : "no");
  free(chunk);
  return 0;
}
