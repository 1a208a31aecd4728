/* bench_interp: a small stack-machine bytecode interpreter (switch dispatch) running
   a bytecode program that computes primes by trial division and a Collatz sum up to
   N; prints the results. argv[1] = N (default 3000). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum Op { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JMP, JZ, JNZ, DUP, DROP, HALT, DIV2, ODD, EQ };

typedef struct { uint8_t op; int32_t arg; } Instr;

static int64_t run(const Instr *code, int64_t *vars) {
  int64_t stack[64];
  int sp = 0;
  long steps = 0;
  for (int pc = 0;; pc++) {
    const Instr in = code[pc];
    steps++;
    switch (in.op) {
      case PUSH: stack[sp++] = in.arg; break;
      case LOAD: stack[sp++] = vars[in.arg]; break;
      case STORE: vars[in.arg] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case JMP: pc = in.arg - 1; break;
      case JZ: if (stack[--sp] == 0) pc = in.arg - 1; break;
      case JNZ: if (stack[--sp] != 0) pc = in.arg - 1; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case DROP: sp--; break;
      case DIV2: stack[sp - 1] /= 2; break;
      case ODD: stack[sp - 1] &= 1; break;
      case HALT: return steps;
      default: fprintf(stderr, "bad opcode %d at %d\n", in.op, pc); exit(3);
    }
  }
}

/* variables: 0 = N, 1 = candidate, 2 = divisor, 3 = prime count, 4 = collatz total, 5 = x */
static const Instr program[] = {
    /* 0 */ {PUSH, 2}, {STORE, 1},
    /* outer loop: while candidate < N */
    /* 2 */ {LOAD, 1}, {LOAD, 0}, {LT, 0}, {JZ, 41},
    /* 6 */ {PUSH, 2}, {STORE, 2},
    /* inner: while divisor*divisor <= candidate (i.e. !(candidate < d*d)) */
    /* 8 */ {LOAD, 1}, {LOAD, 2}, {LOAD, 2}, {MUL, 0}, {LT, 0}, {JNZ, 30},
    /* 14 */ {LOAD, 1}, {LOAD, 2}, {MOD, 0}, {JZ, 26},
    /* 18 */ {LOAD, 2}, {PUSH, 1}, {ADD, 0}, {STORE, 2},
    /* 22 */ {JMP, 8},
    /* 23 padding */ {HALT, 0}, {HALT, 0}, {HALT, 0},
    /* 26 composite */ {JMP, 36}, {HALT, 0}, {HALT, 0}, {HALT, 0},
    /* 30 prime */ {LOAD, 3}, {PUSH, 1}, {ADD, 0}, {STORE, 3}, {JMP, 36}, {HALT, 0},
    /* 36 next */ {LOAD, 1}, {PUSH, 1}, {ADD, 0}, {STORE, 1},
    /* 40 */ {JMP, 2},
    /* 41 collatz: for x = 1..N-1 count steps to reach 1 */
    {PUSH, 1}, {STORE, 1},
    /* 43 */ {LOAD, 1}, {LOAD, 0}, {LT, 0}, {JZ, 80},
    /* 47 */ {LOAD, 1}, {STORE, 5},
    /* 49 while x != 1 */ {LOAD, 5}, {PUSH, 1}, {EQ, 0}, {JNZ, 74},
    /* 53 */ {LOAD, 4}, {PUSH, 1}, {ADD, 0}, {STORE, 4},
    /* 57 */ {LOAD, 5}, {ODD, 0}, {JNZ, 65},
    /* 60 even */ {LOAD, 5}, {DIV2, 0}, {STORE, 5}, {JMP, 49}, {HALT, 0},
    /* 65 odd */ {LOAD, 5}, {PUSH, 3}, {MUL, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 5}, {JMP, 49}, {HALT, 0}, {HALT, 0},
    /* 74 */ {LOAD, 1}, {PUSH, 1}, {ADD, 0}, {STORE, 1}, {JMP, 43}, {HALT, 0},
    /* 80 */ {HALT, 0},
};

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 3000;
  int64_t vars[8] = {n, 0, 0, 0, 0, 0, 0, 0};
  long steps = run(program, vars);
  printf("N %ld: primes below N %lld, collatz steps total %lld\n", n, (long long)vars[3], (long long)vars[4]);
  printf("bytecode instructions executed %ld\n", steps);
  /* the same computation in C, as a check on the interpreter */
  int64_t primes = 0, collatz = 0;
  for (int64_t c = 2; c < n; c++) {
    int64_t d = 2;
    while (d * d <= c && c % d != 0) d++;
    primes += d * d > c;
  }
  for (int64_t v = 1; v < n; v++)
    for (int64_t y = v; y != 1; y = (y & 1) ? 3 * y + 1 : y / 2) collatz++;
  printf("matches native computation: %s\n", primes == vars[3] && collatz == vars[4] ? "yes" : "no");
  return 0;
}
