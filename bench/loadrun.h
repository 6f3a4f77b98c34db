/* loadrun.h - what nxbench and httpbench share: client threads, each
 * timing its own requests, and the latencies of all of them summed up.
 * The benchmarks differ only in how one thread asks (its run function). */
#ifndef NX_LOADRUN_H
#define NX_LOADRUN_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* One client thread: run() fills lat, hits and failed. */
typedef struct load_thread {
    const void *b;              /* the benchmark's settings */
    unsigned index;
    double *lat;                /* microseconds, one per request (malloc'd) */
    size_t n_lat;
    uint64_t hits;
    int failed;
    pthread_t thread;
} load_thread_t;

/* What all the threads measured together. */
typedef struct load_result {
    size_t requests;
    uint64_t hits;
    int failed;                 /* some thread failed */
    double p50_us, p99_us;
    double qps;                 /* requests a second of wall time */
} load_result_t;

/* Runs run(thread) on conns threads at once, each given b, and waits
 * for all of them. */
void load_run(unsigned conns, const void *b, void *(*run)(void *), load_result_t *res);

#endif
