/* bench_matmul: double-precision matrix multiply C = A*B (i-k-j loop order) on
   N x N matrices of generated values, repeated so the result feeds the next round;
   prints the trace and a checksum. argv[1] = N (default 64). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 64;
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = malloc(sizeof(double) * n * n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      a[i * n + j] = (double)((i * 7 + j * 3) % 17) / 17.0 - 0.5;
      b[i * n + j] = (double)((i * 5 + j * 11) % 23) / 23.0 - 0.5;
    }
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < n * n; i++) c[i] = 0.0;
    for (int i = 0; i < n; i++)
      for (int k = 0; k < n; k++) {
        double aik = a[i * n + k];
        for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
      }
    /* normalise into a for the next round */
    double largest = 1e-300;
    for (int i = 0; i < n * n; i++) largest = c[i] > largest ? c[i] : -c[i] > largest ? -c[i] : largest;
    for (int i = 0; i < n * n; i++) a[i] = c[i] / largest;
  }
  double trace = 0, weighted = 0;
  for (int i = 0; i < n; i++) trace += c[i * n + i];
  for (int i = 0; i < n * n; i++) weighted += c[i] * (double)(i % 13 + 1);
  printf("n %d trace %.17g\n", n, trace);
  printf("weighted sum %.17g\n", weighted);
  printf("corner %.17g %.17g\n", c[0], c[n * n - 1]);
  free(a);
  free(b);
  free(c);
  return 0;
}
