/* nxbench.c - search latency and throughput of newsidxd over its socket,
 * or of the library in-process (--db, or --config for the [shards] a
 * configuration file lists), on a list of queries.
 *
 *   nxbench --socket PATH QUERIES [--connections N] [--repeat R]
 *   nxbench --db PATH QUERIES [--repeat R]
 *   nxbench --config FILE QUERIES [--repeat R]
 *
 * Two more modes take the socket's cost apart: --ping sends ping instead
 * of each search (the round trip alone), and --db with --encode also
 * packs each answer as the daemon does and unpacks it as the client does
 * (the search and its MessagePack, without the socket).  --quotes asks
 * for quotations (the quotes method, newsidx_db_quotes()) instead.
 *
 * Each connection is a thread with its own blocking client that sends
 * one search, waits for the answer, and sends the next (closed loop), the
 * way an application thread uses the daemon.  Prints one line:
 *   mode=socket connections=8 queries=... hits=... p50_us=... p99_us=... qps=... */
#include "config.h"

#include "loadrun.h"

#include "client.h"
#include "rpcserver.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bench {
    const char *socket, *db;
    const newsidx_config_t *config; /* --config: open its [shards] */
    char **queries;
    size_t n_queries;
    unsigned repeat;
    unsigned limit;
    bool ping;                  /* --ping: ping, not search */
    bool encode;                /* --encode: in-process, packed and unpacked */
    bool quotes;                /* --quotes: the quotes method, not search */
} bench_t;

typedef load_thread_t worker_t;

static void pack_search(msgpack_packer *pk, const void *arg)
{
    msgpack_pack_array(pk, 1);
    nx_mp_pack_search(pk, arg);
}

/* What the daemon and its client add to a search: the answer packed as
 * the reply is, then unpacked. */
static bool encode(const newsidx_results_t *res)
{
    nx_buf_t buf;
    nx_buf_init(&buf);
    msgpack_packer pk;
    nx_mp_packer_init(&pk, &buf);
    nx_rpc_pack_response_ok(&pk, 1);
    nx_mp_pack_results(&pk, res);
    bool ok = !buf.oom;
    if (ok) {
        msgpack_unpacked u;
        msgpack_unpacked_init(&u);
        ok = msgpack_unpack_next(&u, buf.data, buf.len, NULL) == MSGPACK_UNPACK_SUCCESS;
        msgpack_unpacked_destroy(&u);
    }
    nx_buf_free(&buf);
    return ok;
}

static void *run(void *arg)
{
    worker_t *w = arg;
    const bench_t *b = w->b;
    nx_client_t *cl = NULL;
    newsidx_db_t *db = NULL;
    char *err = NULL;
    if (b->socket && nx_client_connect(b->socket, 60, &cl, &err) != NEWSIDX_OK) {
        fprintf(stderr, "nxbench: %s\n", err);
        w->failed = 1;
        return NULL;
    }
    if ((b->db || b->config) && newsidx_db_open(b->db, b->config, &db, &err) != NEWSIDX_OK) {
        fprintf(stderr, "nxbench: %s\n", err);
        w->failed = 1;
        return NULL;
    }
    /* One request, its query changed before each search (not timed). */
    newsidx_search_t *req = newsidx_search_new();
    if (req)
        newsidx_search_set_page(req, 0, b->limit);
    w->lat = req ? calloc(b->repeat * b->n_queries, sizeof *w->lat) : NULL;
    for (unsigned r = 0; r < b->repeat && w->lat; r++) {
        for (size_t i = 0; i < b->n_queries; i++) {
            /* Connections start at different queries. */
            const char *q = b->queries[(i + w->index * 7) % b->n_queries];
            if (newsidx_search_set_query(req, q) != NEWSIDX_OK) {
                fprintf(stderr, "nxbench: out of memory\n");
                w->failed = 1;
                goto out;
            }
            double t0 = nx_now();
            if (cl && b->ping) {
                const msgpack_object *res;
                if (nx_client_call(cl, "ping", NULL, NULL, &res, &err) != NEWSIDX_OK) {
                    fprintf(stderr, "nxbench: ping: %s\n", err);
                    w->failed = 1;
                    goto out;
                }
            } else if (cl) {
                const msgpack_object *res;
                if (nx_client_call(cl, b->quotes ? "quotes" : "search", pack_search, req, &res,
                                   &err) != NEWSIDX_OK) {
                    fprintf(stderr, "nxbench: %s: %s\n", q, err);
                    w->failed = 1;
                    goto out;
                }
                const msgpack_object *hits = nx_mp_get(res, b->quotes ? "quotes" : "hits");
                w->hits += hits && hits->type == MSGPACK_OBJECT_ARRAY ? hits->via.array.size : 0;
            } else if (b->quotes) {
                newsidx_quotes_t *res = NULL;
                if (newsidx_db_quotes(db, req, &res) != NEWSIDX_OK) {
                    fprintf(stderr, "nxbench: %s: %s\n", q, newsidx_db_error(db));
                    w->failed = 1;
                    goto out;
                }
                w->hits += newsidx_quotes_count(res);
                newsidx_quotes_free(res);
            } else {
                newsidx_results_t *res = NULL;
                if (newsidx_db_search(db, req, &res) != NEWSIDX_OK) {
                    fprintf(stderr, "nxbench: %s: %s\n", q, newsidx_db_error(db));
                    w->failed = 1;
                    goto out;
                }
                w->hits += newsidx_results_count(res);
                if (b->encode && !encode(res)) {
                    fprintf(stderr, "nxbench: %s: cannot pack the answer\n", q);
                    w->failed = 1;
                    newsidx_results_free(res);
                    goto out;
                }
                newsidx_results_free(res);
            }
            w->lat[w->n_lat++] = (nx_now() - t0) * 1e6;
        }
    }
out:
    if (!w->lat)
        w->failed = 1;          /* out of memory */
    newsidx_search_free(req);
    free(err);
    nx_client_close(cl);
    newsidx_db_close(db);
    return NULL;
}

int main(int argc, char **argv)
{
    bench_t b = {.repeat = 5, .limit = 10};
    unsigned conns = 1;
    const char *config_path = NULL;
    newsidx_config_t *config = NULL;
    static const struct option opts[] = {
        {"socket", required_argument, NULL, 's'},
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'f'},
        {"connections", required_argument, NULL, 'c'},
        {"repeat", required_argument, NULL, 'r'},
        {"ping", no_argument, NULL, 'p'},
        {"encode", no_argument, NULL, 'e'},
        {"quotes", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 's': b.socket = optarg; break;
        case 'd': b.db = optarg; break;
        case 'f': config_path = optarg; break;
        case 'c': conns = (unsigned)atoi(optarg); break;
        case 'r': b.repeat = (unsigned)atoi(optarg); break;
        case 'p': b.ping = true; break;
        case 'e': b.encode = true; break;
        case 'q': b.quotes = true; break;
        default: return 2;
        }
    }
    if (optind != argc - 1 || (!!b.socket + !!b.db + !!config_path) != 1 || conns == 0 ||
        b.repeat == 0 || (b.ping && !b.socket) || (b.encode && b.socket) ||
        (b.quotes && (b.ping || b.encode))) {
        fputs("usage: nxbench (--socket PATH [--connections N] [--ping] | --db PATH [--encode] "
              "| --config FILE [--encode]) [--quotes] [--repeat R] QUERIES\n",
              stderr);
        return 2;
    }
    if (config_path) {
        char *err = NULL;
        config = newsidx_config_new();
        if (!config || newsidx_config_load(config, config_path, &err) != NEWSIDX_OK) {
            fprintf(stderr, "nxbench: %s\n", err ? err : config_path);
            free(err);
            newsidx_config_free(config);
            return 1;
        }
        b.config = config;
    }
    FILE *fp = fopen(argv[optind], "r");
    if (!fp) {
        perror(argv[optind]);
        newsidx_config_free(config);
        return 1;
    }
    nx_strv_t qs = {0};
    char line[1024];
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            nx_strv_push(&qs, line);
    }
    fclose(fp);
    b.queries = qs.v;
    b.n_queries = qs.n;
    if (!b.n_queries) {
        newsidx_config_free(config);
        return 1;
    }
    if (!b.socket)
        conns = 1;

    load_result_t res;
    load_run(conns, &b, run, &res);
    printf("mode=%s connections=%u queries=%zu hits=%llu p50_us=%.0f p99_us=%.0f qps=%.0f\n",
           b.ping ? "ping" : b.socket ? "socket" : b.encode ? "inprocess+encode" : "inprocess",
           conns, res.requests, (unsigned long long)res.hits, res.p50_us, res.p99_us, res.qps);
    int failed = res.failed;
    nx_strv_free(&qs);
    newsidx_config_free(config);
    return failed ? 1 : 0;
}
