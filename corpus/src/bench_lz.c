/* bench_lz: an LZ77-style compressor (hash-chain match finder, literal runs and
   back-references) and its decompressor over generated text-like data, in
   independent 256 KiB blocks; checks every round trip. argv[1] = KiB of input (default 64). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BITS 14
#define WINDOW 65535
#define MIN_MATCH 4
#define MAX_MATCH 258
#define CHAIN_LIMIT 16

static uint32_t hash4(const uint8_t *p) {
  uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Format: token byte; high bit clear = literal run of (token+1) bytes follows;
   high bit set = match of length (token&0x7f)+MIN_MATCH, then 2-byte distance,
   lengths beyond 127+MIN_MATCH continue with an extension byte. */
static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
  int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
  int32_t *chain = malloc(sizeof(int32_t) * (n ? n : 1));
  for (size_t i = 0; i < (1u << HASH_BITS); i++) head[i] = -1;
  size_t o = 0, i = 0, literal_start = 0;
  while (i < n) {
    size_t best_length = 0, best_distance = 0;
    if (i + MIN_MATCH <= n) {
      uint32_t h = hash4(in + i);
      int32_t candidate = head[h];
      for (int depth = 0; candidate >= 0 && depth < CHAIN_LIMIT; depth++, candidate = chain[candidate]) {
        size_t distance = i - (size_t)candidate;
        if (distance > WINDOW) break;
        size_t length = 0, limit = n - i < MAX_MATCH ? n - i : MAX_MATCH;
        while (length < limit && in[candidate + length] == in[i + length]) length++;
        if (length > best_length) { best_length = length; best_distance = distance; }
      }
      chain[i] = head[h];
      head[h] = (int32_t)i;
    }
    if (best_length >= MIN_MATCH) {
      while (literal_start < i) {
        size_t run = i - literal_start > 128 ? 128 : i - literal_start;
        out[o++] = (uint8_t)(run - 1);
        memcpy(out + o, in + literal_start, run);
        o += run; literal_start += run;
      }
      size_t extra = best_length - MIN_MATCH;
      if (extra < 127) { out[o++] = (uint8_t)(0x80 | extra); }
      else { out[o++] = 0xFF; out[o++] = (uint8_t)(extra - 127); }
      out[o++] = (uint8_t)best_distance; out[o++] = (uint8_t)(best_distance >> 8);
      for (size_t k = 1; k < best_length; k++) {
        size_t p = i + k;
        if (p + MIN_MATCH <= n) { uint32_t h = hash4(in + p); chain[p] = head[h]; head[h] = (int32_t)p; }
      }
      i += best_length;
      literal_start = i;
    } else {
      i++;
    }
  }
  while (literal_start < n) {
    size_t run = n - literal_start > 128 ? 128 : n - literal_start;
    out[o++] = (uint8_t)(run - 1);
    memcpy(out + o, in + literal_start, run);
    o += run; literal_start += run;
  }
  free(head);
  free(chain);
  return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    uint8_t token = in[i++];
    if (!(token & 0x80)) {
      size_t run = (size_t)token + 1;
      memcpy(out + o, in + i, run);
      i += run; o += run;
    } else {
      size_t length = (size_t)(token & 0x7F) + MIN_MATCH;
      if ((token & 0x7F) == 0x7F) length += in[i++];
      size_t distance = (size_t)in[i] | (size_t)in[i + 1] << 8;
      i += 2;
      for (size_t k = 0; k < length; k++, o++) out[o] = out[o - distance];
    }
  }
  return o;
}

int main(int argc, char **argv) {
  long kib = argc > 1 ? atol(argv[1]) : 64;
  enum { BLOCK = 256 * 1024 };
  static const char *const vocabulary[] = {"ferry ", "river ", "the ", "across ", "boat ", "carries ", "wasm ",
                                           "riscv ", "translate ", "block ", "region ", "hot ", "cold ", "\n", "of ",
                                           "and ", "page ", "table ", "shadow ", "exit "};
  uint8_t *input = malloc(BLOCK), *compressed = malloc(BLOCK + BLOCK / 64 + 16), *restored = malloc(BLOCK);
  uint32_t x = 88172645u;
  size_t total_in = 0, total_out = 0;
  long mismatched_blocks = 0, blocks = 0;
  uint64_t checksum = 0;
  const char *pending = "";
  for (long k = 0; k < kib; k += BLOCK / 1024) {
    size_t n = (size_t)(kib - k < BLOCK / 1024 ? kib - k : BLOCK / 1024) * 1024, filled = 0;
    while (filled < n) {
      if (*pending) { input[filled++] = (uint8_t)*pending++; continue; }
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      if (x % 11 == 0) input[filled++] = (uint8_t)('A' + x % 26);
      else pending = vocabulary[(x >> 8) % 20];
    }
    size_t compressed_size = compress(input, n, compressed);
    size_t restored_size = decompress(compressed, compressed_size, restored);
    mismatched_blocks += restored_size != n || memcmp(input, restored, n) != 0;
    for (size_t i = 0; i < compressed_size; i += 7) checksum = checksum * 1000003u + compressed[i];
    total_in += n;
    total_out += compressed_size;
    blocks++;
  }
  printf("input %zu bytes in %ld blocks, compressed %zu bytes (%.1f%%)\n", total_in, blocks, total_out,
         total_in ? 100.0 * (double)total_out / (double)total_in : 0.0);
  printf("round trip: %s\n", mismatched_blocks == 0 ? "ok" : "MISMATCH");
  printf("checksum %016llx\n", (unsigned long long)checksum);
  free(input);
  free(compressed);
  free(restored);
  return mismatched_blocks != 0;
}
