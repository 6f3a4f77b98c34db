/* commits.c - the extractor thread, and the writer thread, the only one
 * that writes.  The writer gathers
 * the additions and deletions that arrive within [daemon]
 * commit_interval, applies them, commits once, and only then answers
 * each of them: an acknowledged write is on disk. */
#include "config.h"

#include "newsidxd.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define MAX_BATCH_JOBS 1000

static bool apply_add(newsidx_writer_t *w, job_t *j, nx_buf_t *ok)
{
    unsigned added = 0, replaced = 0;
    newsidx_writer_take_kept(w);
    for (size_t i = 0; i < j->n_articles; i++) {
        bool rep = false;
        newsidx_status_t st = newsidx_writer_add(w, j->articles[i], &rep);
        if (st != NEWSIDX_OK) {
            job_fail(j, nx_rpc_code_of(st), "article %zu (%s): %s; nothing of this request "
                     "was written", i + 1, j->articles[i]->id, newsidx_writer_error(w));
            return false;
        }
        if (rep)
            replaced++;
        else if (newsidx_writer_take_kept(w))
            ;                           /* a newer version is stored */
        else
            added++;
    }
    msgpack_packer pk;
    nx_mp_packer_init(&pk, ok);
    nx_rpc_pack_response_ok(&pk, j->msgid);
    msgpack_pack_map(&pk, j->warnings.n ? 4 : 3);
    nx_mp_pack_str(&pk, "added");
    msgpack_pack_unsigned_int(&pk, added);
    nx_mp_pack_str(&pk, "replaced");
    msgpack_pack_unsigned_int(&pk, replaced);
    nx_mp_pack_str(&pk, "ids");
    msgpack_pack_array(&pk, j->n_articles);
    for (size_t i = 0; i < j->n_articles; i++)
        nx_mp_pack_str(&pk, j->articles[i]->id);
    if (j->warnings.n) {
        nx_mp_pack_str(&pk, "warnings");
        msgpack_pack_array(&pk, j->warnings.n);
        for (size_t i = 0; i < j->warnings.n; i++)
            nx_mp_pack_str(&pk, j->warnings.v[i]);
    }
    return true;
}

static bool apply_delete(newsidx_writer_t *w, job_t *j, nx_buf_t *ok)
{
    unsigned deleted = 0;
    nx_strv_t missing = {0};
    for (size_t i = 0; i < j->n_ids; i++) {
        newsidx_status_t st = newsidx_writer_delete(w, j->ids[i]);
        if (st == NEWSIDX_OK) {
            deleted++;
        } else if (st == NEWSIDX_ERR_NOT_FOUND) {
            nx_strv_push(&missing, j->ids[i]);
        } else {
            job_fail(j, nx_rpc_code_of(st), "%s: %s; nothing of this request was written",
                     j->ids[i], newsidx_writer_error(w));
            nx_strv_free(&missing);
            return false;
        }
    }
    msgpack_packer pk;
    nx_mp_packer_init(&pk, ok);
    nx_rpc_pack_response_ok(&pk, j->msgid);
    msgpack_pack_map(&pk, 2);
    nx_mp_pack_str(&pk, "deleted");
    msgpack_pack_unsigned_int(&pk, deleted);
    nx_mp_pack_str(&pk, "missing");
    msgpack_pack_array(&pk, missing.n);
    for (size_t i = 0; i < missing.n; i++)
        nx_mp_pack_str(&pk, missing.v[i]);
    nx_strv_free(&missing);
    return true;
}

/* Applies a batch, each request all or nothing: when one fails, every
 * change since the last commit is dropped (its own first articles with
 * the others') and the requests that had not failed are applied again.
 * Each round fails one more request or ends, so it ends. */
static void apply_batch(newsidx_writer_t *w, job_t **batch, nx_buf_t *replies, size_t n)
{
    for (;;) {
        bool failed = false;
        for (size_t i = 0; i < n && !failed; i++) {
            job_t *j = batch[i];
            if (j->error >= 0)
                continue;       /* failed before, or in an earlier round */
            nx_buf_reset(&replies[i]);
            failed = !(j->kind == JOB_ADD ? apply_add(w, j, &replies[i])
                                          : apply_delete(w, j, &replies[i]));
        }
        if (!failed)
            return;
        nx_writer_discard(w);
    }
}

/* Writes are applied in the order they were received (job->seq),
 * though they do not reach the writer in that order: additions pass
 * through the worker threads for extraction, which end in any order,
 * and deletions come straight.  Those ahead of their turn wait here. */
typedef struct in_order {
    job_t *held;                /* by seq */
    uint64_t next;              /* seq of the next write to apply */
} in_order_t;

static job_t *take_held(in_order_t *o)
{
    job_t *j = o->held;
    o->held = j->next;
    o->next = j->seq + 1;
    return j;
}

/* What the writer joined of wire stories sent in parts since the last
 * commit, added to the daemon's counts when that commit held. */
static void count_wire_joins(server_t *srv, bool committed)
{
    uint64_t absorbed = 0, other_day = 0;
    uint64_t joined = nx_writer_take_joined(srv->w, &absorbed, &other_day);
    if (!committed)
        return;
    atomic_fetch_add(&srv->wire_joined, joined);
    atomic_fetch_add(&srv->wire_absorbed, absorbed);
    atomic_fetch_add(&srv->wire_other_day, other_day);
}

/* The next write in order, waiting until deadline (for ever if < 0).
 * NULL when the deadline passes, or once the queue is closed and empty. */
static job_t *next_write(server_t *srv, in_order_t *o, double deadline)
{
    for (;;) {
        if (o->held && o->held->seq == o->next)
            return take_held(o);
        double left = deadline < 0 ? -1 : deadline - nx_now();
        job_t *j = queue_pop(&srv->write_q, deadline < 0 ? -1 : left > 0 ? left : 0);
        if (!j) {
            /* Closed: nothing more will come to fill a gap. */
            return deadline < 0 && o->held ? take_held(o) : NULL;
        }
        job_t **p = &o->held;
        while (*p && (*p)->seq < j->seq)
            p = &(*p)->next;
        j->next = *p;
        *p = j;
    }
}

static void *writer_main(void *arg)
{
    server_t *srv = arg;
    settings_t cfg;
    server_config_snapshot(srv, &cfg);
    unsigned gen = atomic_load(&srv->config_gen);
    in_order_t order = {NULL, 0};
    job_t *first;
    while ((first = next_write(srv, &order, -1))) {
        if (atomic_load(&srv->config_gen) != gen) {
            gen = atomic_load(&srv->config_gen);
            server_config_snapshot(srv, &cfg);
            newsidx_config_t *c = server_config_copy(srv);
            if (c)
                nx_writer_set_config(srv->w, c);
            else
                nxd_log(LOG_ERR, "out of memory: the writer keeps its settings");
            newsidx_config_free(c);
        }
        job_t *batch[MAX_BATCH_JOBS];
        nx_buf_t replies[MAX_BATCH_JOBS];
        size_t n = 0;
        batch[n++] = first;
        double deadline = nx_now() + cfg.commit_interval;
        while (n < MAX_BATCH_JOBS) {
            job_t *j = next_write(srv, &order, deadline);
            if (!j)
                break;
            batch[n++] = j;
        }
        for (size_t i = 0; i < n; i++)
            nx_buf_init(&replies[i]);
        apply_batch(srv->w, batch, replies, n);
        newsidx_status_t st = newsidx_writer_pending(srv->w) ? newsidx_writer_commit(srv->w)
                                                              : NEWSIDX_OK;
        count_wire_joins(srv, st == NEWSIDX_OK);
        if (st != NEWSIDX_OK)
            nxd_log(LOG_ERR, "commit failed: %s", newsidx_writer_error(srv->w));
        else
            atomic_fetch_add(&srv->commit_gen, 1);
        for (size_t i = 0; i < n; i++) {
            job_t *j = batch[i];
            /* The commit dropped what it held: no later commit saves it. */
            if (st != NEWSIDX_OK && j->error < 0)
                job_fail(j, NX_RPC_INTERNAL, "commit failed: %s; nothing of this request was "
                         "written", newsidx_writer_error(srv->w));
            else if (j->error < 0) {
                nx_buf_free(&j->out);
                j->out = replies[i];
                nx_buf_init(&replies[i]);
            }
            nx_buf_free(&replies[i]);
            worker_hand_back(j);
        }
    }
    return NULL;
}

/* Finding the speakers and places of an addition is its costly part and
 * needs no database: a thread of its own does it, off the event loops
 * and beside the writer.  A failure fails that request (the writer then
 * skips it, in its turn). */
static void *extractor_main(void *arg)
{
    server_t *srv = arg;
    job_t *j;
    while ((j = queue_pop(&srv->extract_q, -1))) {
        for (size_t i = 0; i < j->n_articles && j->error < 0; i++) {
            newsidx_status_t st = newsidx_extract(srv->x, j->articles[i]);
            if (st != NEWSIDX_OK)
                job_fail(j, nx_rpc_code_of(st), "article %zu (%s): finding its speakers and "
                         "places failed: %s; nothing of this request was written", i + 1,
                         j->articles[i]->id, newsidx_status_to_string(st));
        }
        j->extracted = true;
        queue_push(&srv->write_q, j);
    }
    return NULL;
}

bool writer_start(server_t *srv)
{
    queue_init(&srv->write_q);
    queue_init(&srv->extract_q);
    if (pthread_create(&srv->writer, NULL, writer_main, srv) != 0)
        return false;
    srv->writer_started = true;
    if (pthread_create(&srv->extractor, NULL, extractor_main, srv) != 0)
        return false;
    srv->extractor_started = true;
    return true;
}

void writer_stop(server_t *srv)
{
    queue_close(&srv->extract_q);
    if (srv->extractor_started)
        pthread_join(srv->extractor, NULL);
    srv->extractor_started = false;
    queue_close(&srv->write_q);
    if (srv->writer_started)
        pthread_join(srv->writer, NULL);
    srv->writer_started = false;
}
