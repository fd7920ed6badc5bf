/*
 * Memory read bandwidth of this machine, the roofline of single-stream decoding: every
 * decoded token reads every weight once. Sums a 1 GiB array (far beyond any cache) with
 * one OpenMP thread per core, vectorised; reports the best of several passes in GB/s
 * (10^9 bytes per second). Also a STREAM-style triad, for reference.
 *   gcc -O3 -march=native -fopenmp stream.c -o stream && ./stream
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N (128L * 1024 * 1024) /* doubles: 1 GiB per array */
#define PASSES 7

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
	double *a = malloc(N * sizeof(double));
	double *b = malloc(N * sizeof(double));
	double *c = malloc(N * sizeof(double));
	if (!a || !b || !c) {
		fprintf(stderr, "cannot allocate 3 GiB\n");
		return 1;
	}
#pragma omp parallel for
	for (long i = 0; i < N; i++) {
		a[i] = 1.0;
		b[i] = 2.0;
		c[i] = 0.0;
	}
	double best_read = 0, best_triad = 0, sink = 0;
	for (int pass = 0; pass < PASSES; pass++) {
		double sum = 0, start = now();
#pragma omp parallel for simd reduction(+ : sum)
		for (long i = 0; i < N; i++) {
			sum += a[i];
		}
		double read = N * sizeof(double) / (now() - start) / 1e9;
		sink += sum;
		start = now();
#pragma omp parallel for
		for (long i = 0; i < N; i++) {
			c[i] = a[i] + 3.0 * b[i];
		}
		double triad = 3.0 * N * sizeof(double) / (now() - start) / 1e9;
		if (read > best_read) best_read = read;
		if (triad > best_triad) best_triad = triad;
	}
	printf("RESULT bandwidth source=stream.c threads=%d read_gbps=%.2f triad_gbps=%.2f check=%.0f\n",
			omp_get_max_threads(), best_read, best_triad, sink + c[N / 2]);
	return 0;
}
