/* stats.c - what the daemon has done: requests, errors by code, and
 * latency percentiles from a histogram of quarter-octave buckets (each
 * about 19% wide), which costs a few counters instead of a sample store. */
#include "config.h"

#include "newsidxd.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

void stats_init(stats_t *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->started = nx_now();
}

static unsigned bucket_of(double us)
{
    if (us < 1)
        return 0;
    unsigned b = (unsigned)(log2(us) * 4) + 1;
    return b < 96 ? b : 95;
}

static double bucket_top(unsigned b)
{
    return b == 0 ? 1 : pow(2.0, (double)b / 4);
}

void stats_destroy(stats_t *s)
{
    pthread_mutex_destroy(&s->mu);
}

void stats_add(stats_t *sum, stats_t *s)
{
    pthread_mutex_lock(&s->mu);
    if (s->started > 0 && (sum->started == 0 || s->started < sum->started))
        sum->started = s->started;
    sum->requests += s->requests;
    sum->quotes += s->quotes;
    for (int i = 0; i < NX_RPC_NCODES; i++)
        sum->errors[i] += s->errors[i];
    for (unsigned b = 0; b < 96; b++)
        sum->latency[b] += s->latency[b];
    sum->connections += s->connections;
    sum->refused += s->refused;
    pthread_mutex_unlock(&s->mu);
}

void stats_request(stats_t *s, double seconds, int error)
{
    pthread_mutex_lock(&s->mu);
    s->requests++;
    if (error >= 0 && error < NX_RPC_NCODES)
        s->errors[error]++;
    s->latency[bucket_of(seconds * 1e6)]++;
    pthread_mutex_unlock(&s->mu);
}

void stats_quotes(stats_t *s)
{
    pthread_mutex_lock(&s->mu);
    s->quotes++;
    pthread_mutex_unlock(&s->mu);
}

static double percentile(const uint64_t *h, uint64_t total, double p)
{
    if (!total)
        return 0;
    uint64_t want = (uint64_t)ceil(p * (double)total), seen = 0;
    for (unsigned b = 0; b < 96; b++) {
        seen += h[b];
        if (seen >= want)
            return bucket_top(b);
    }
    return bucket_top(95);
}

size_t stats_pack(const stats_t *sum, msgpack_packer *pk, bool count_only, unsigned open)
{
    enum { KEYS = 7 };
    if (count_only)
        return KEYS;
    const stats_t c = *sum;
    uint64_t total = 0;
    for (unsigned b = 0; b < 96; b++)
        total += c.latency[b];
    nx_mp_pack_str(pk, "uptime");
    msgpack_pack_double(pk, nx_now() - c.started);
    nx_mp_pack_str(pk, "requests");
    msgpack_pack_uint64(pk, c.requests);
    nx_mp_pack_str(pk, "quotes");
    msgpack_pack_uint64(pk, c.quotes);
    nx_mp_pack_str(pk, "errors");
    msgpack_pack_map(pk, NX_RPC_NCODES);
    for (int i = 0; i < NX_RPC_NCODES; i++) {
        nx_mp_pack_str(pk, nx_rpc_code_name((nx_rpc_code_t)i));
        msgpack_pack_uint64(pk, c.errors[i]);
    }
    nx_mp_pack_str(pk, "latency_us");
    msgpack_pack_map(pk, 3);
    nx_mp_pack_str(pk, "p50");
    msgpack_pack_double(pk, percentile(c.latency, total, 0.50));
    nx_mp_pack_str(pk, "p90");
    msgpack_pack_double(pk, percentile(c.latency, total, 0.90));
    nx_mp_pack_str(pk, "p99");
    msgpack_pack_double(pk, percentile(c.latency, total, 0.99));
    nx_mp_pack_str(pk, "connections");
    msgpack_pack_map(pk, 3);
    nx_mp_pack_str(pk, "open");
    msgpack_pack_unsigned_int(pk, open);
    nx_mp_pack_str(pk, "accepted");
    msgpack_pack_uint64(pk, c.connections);
    nx_mp_pack_str(pk, "refused");
    msgpack_pack_uint64(pk, c.refused);
    nx_mp_pack_str(pk, "pid");
    msgpack_pack_int64(pk, (int64_t)getpid());
    return KEYS;
}
