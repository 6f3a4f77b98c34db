/* workers.c - the search threads.  Each owns a database handle (Xapian
 * handles are not shared between threads), reopens it after each commit
 * so that the commit is visible at once, and encodes its replies itself
 * so that the loop thread only copies bytes. */
#include "config.h"

#include "newsidxd.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* Starts the reply to a request the database answered with st: true
 * with an ok reply begun in *pk for the result to follow, false with
 * the error reply done. */
static bool start_reply(newsidx_db_t *db, job_t *j, newsidx_status_t st, msgpack_packer *pk)
{
    if (st != NEWSIDX_OK) {
        const char *e = newsidx_db_error(db);
        job_fail(j, nx_rpc_code_of(st), "%s", e ? e : newsidx_status_to_string(st));
        return false;
    }
    nx_mp_packer_init(pk, &j->out);
    nx_rpc_pack_response_ok(pk, j->msgid);
    return true;
}

static void run_search(newsidx_db_t *db, job_t *j)
{
    newsidx_results_t *r = NULL;
    msgpack_packer pk;
    if (start_reply(db, j, newsidx_db_search(db, &j->search, &r), &pk)) {
        nx_mp_pack_results(&pk, r);
        newsidx_results_free(r);
    }
}

static void run_get(newsidx_db_t *db, job_t *j)
{
    newsidx_article_t *a = NULL;
    msgpack_packer pk;
    if (start_reply(db, j, newsidx_db_get(db, j->id, &a), &pk)) {
        nx_mp_pack_article(&pk, a, true);
        newsidx_article_free(a);
    }
}

static void run_stats(server_t *srv, newsidx_db_t *db, job_t *j)
{
    newsidx_stats_t s;
    msgpack_packer pk;
    if (!start_reply(db, j, newsidx_db_stats(db, &s), &pk))
        return;
    msgpack_pack_map(&pk, 6 + stats_pack(&srv->stats, NULL, true));
    nx_mp_pack_str(&pk, "documents");
    msgpack_pack_uint64(&pk, s.documents);
    nx_mp_pack_str(&pk, "revision");
    msgpack_pack_uint64(&pk, s.revision);
    nx_mp_pack_str(&pk, "format");
    msgpack_pack_int(&pk, s.format);
    nx_mp_pack_str(&pk, "path");
    nx_mp_pack_str(&pk, srv->db_path ? srv->db_path : "[shards]");
    nx_mp_pack_str(&pk, "workers");
    msgpack_pack_unsigned_int(&pk, srv->n_workers);
    nx_mp_pack_str(&pk, "pending_writes");
    msgpack_pack_uint64(&pk, queue_len(&srv->write_q));
    stats_pack(&srv->stats, &pk, false);
}

static void *worker_main(void *arg)
{
    server_t *srv = arg;
    newsidx_config_t cfg;
    server_config_snapshot(srv, &cfg);
    unsigned gen = atomic_load(&srv->config_gen);
    newsidx_db_t *db = NULL;
    unsigned seen_commit = 0;
    double last_reopen = 0;
    job_t *j;
    while ((j = queue_pop(&srv->search_q, -1))) {
        if (j->kind == JOB_ADD) {
            /* Extraction is the costly part of an addition and needs no
             * database: do it here, in parallel, and pass the job on. */
            for (size_t i = 0; i < j->n_articles; i++)
                newsidx_extract(srv->x, j->articles[i]);
            j->extracted = true;
            queue_push(&srv->write_q, j);
            continue;
        }
        if (atomic_load(&srv->config_gen) != gen) {
            gen = atomic_load(&srv->config_gen);
            server_config_snapshot(srv, &cfg);
            if (db)
                nx_db_set_config(db, &cfg);
        }
        if (!db) {
            char *err = NULL;
            cfg.shards = srv->shards;
            cfg.n_shards = srv->n_shards;
            newsidx_status_t ost = newsidx_db_open(srv->db_path, &cfg, &db, &err);
            cfg.shards = NULL;
            cfg.n_shards = 0;
            if (ost != NEWSIDX_OK) {
                job_fail(j, NX_RPC_UNAVAILABLE, "%s", err ? err : "cannot open the database");
                free(err);
                server_job_done(srv, j);
                continue;
            }
        }
        /* When this daemon writes the database, a reopen is due only
         * after its writer committed; the search then sees the commit.
         * A read-only daemon cannot know when others commit: it looks at
         * most once a second. */
        unsigned commits = atomic_load(&srv->commit_gen);
        double now = srv->read_only ? nx_now() : 0;
        if (commits != seen_commit || (srv->read_only && now - last_reopen >= 1.0)) {
            if (newsidx_db_reopen(db) != NEWSIDX_OK)
                nxd_log(LOG_WARNING, "reopen: %s", newsidx_db_error(db));
            seen_commit = commits;
            last_reopen = now;
        }
        switch (j->kind) {
        case JOB_SEARCH: run_search(db, j); break;
        case JOB_GET: run_get(db, j); break;
        case JOB_STATS: run_stats(srv, db, j); break;
        default: job_fail(j, NX_RPC_INTERNAL, "misrouted request"); break;
        }
        if (j->out.oom)
            job_fail(j, NX_RPC_INTERNAL, "out of memory encoding the reply");
        server_job_done(srv, j);
    }
    newsidx_db_close(db);
    return NULL;
}

bool workers_start(server_t *srv)
{
    queue_init(&srv->search_q);
    srv->workers = calloc(srv->n_workers, sizeof *srv->workers);
    if (!srv->workers)
        return false;
    for (unsigned i = 0; i < srv->n_workers; i++) {
        if (pthread_create(&srv->workers[i], NULL, worker_main, srv) != 0) {
            srv->n_workers = i;
            return false;
        }
    }
    return true;
}

void workers_join(server_t *srv)
{
    for (unsigned i = 0; i < srv->n_workers; i++)
        pthread_join(srv->workers[i], NULL);
    free(srv->workers);
    srv->workers = NULL;
}
