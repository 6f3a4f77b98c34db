/* loadrun.c - client threads and their latencies (loadrun.h). */
#include "config.h"

#include "loadrun.h"
#include "nx.h"

#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Every thread's latencies in one sorted array (the threads' own are
 * freed); its length in *total. */
static double *gather(load_thread_t *w, unsigned conns, size_t *total)
{
    *total = 0;
    for (unsigned i = 0; i < conns; i++)
        *total += w[i].n_lat;
    double *all = calloc(*total ? *total : 1, sizeof *all);
    size_t k = 0;
    for (unsigned i = 0; i < conns; i++) {
        if (all)
            memcpy(all + k, w[i].lat, w[i].n_lat * sizeof *all);
        k += w[i].n_lat;
        free(w[i].lat);
    }
    if (all)
        qsort(all, *total, sizeof *all, cmp_double);
    else
        *total = 0;
    return all;
}

void load_run(unsigned conns, const void *b, void *(*run)(void *), load_result_t *res)
{
    memset(res, 0, sizeof *res);
    load_thread_t *w = calloc(conns, sizeof *w);
    if (!w) {
        res->failed = 1;
        return;
    }
    double t0 = nx_now();
    for (unsigned i = 0; i < conns; i++) {
        w[i].b = b;
        w[i].index = i;
        pthread_create(&w[i].thread, NULL, run, &w[i]);
    }
    for (unsigned i = 0; i < conns; i++) {
        pthread_join(w[i].thread, NULL);
        res->hits += w[i].hits;
        res->failed |= w[i].failed;
    }
    double secs = nx_now() - t0;
    size_t total;
    double *all = gather(w, conns, &total);
    res->requests = total;
    if (total) {
        res->p50_us = all[total / 2];
        res->p99_us = all[total * 99 / 100];
    }
    res->qps = secs > 0 ? (double)total / secs : 0.0;
    free(all);
    free(w);
}
