/* workers.c - the connection threads.  Each runs its own event loop over
 * the connections the main thread handed it, and owns a database handle
 * (Xapian handles are not shared between threads) that it reopens after
 * each commit, so that the commit is visible at once.
 *
 * Requests read from a connection wait in that connection's queue; the
 * connections with requests waiting form a ring, and the thread runs one
 * request per turn of the loop, from each connection in turn: between
 * two searches it looks at its sockets again (a ping or a new request is
 * read), and a client that pipelines many requests delays another by one
 * of them at most.  Additions and deletions go to the extractor and
 * writer threads (commits.c), whose answers come back through done_q. */
#include "config.h"

#include "newsidxd.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

/* Bytes reserved for a reply: an answer of ten hits with snippets,
 * speakers and locations packs to about 6 KiB (Reuters-21578). */
#define REPLY_ROOM 16384

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
    /* Room for a page of hits with their snippets at once: grown from
     * nothing, the buffer was copied eight times an answer. */
    nx_buf_reserve(&j->out, REPLY_ROOM);
    nx_mp_packer_init(pk, &j->out);
    nx_rpc_pack_response_ok(pk, j->msgid);
    return true;
}

static void run_search(newsidx_db_t *db, job_t *j)
{
    newsidx_results_t *r = NULL;
    msgpack_packer pk;
    if (start_reply(db, j, newsidx_db_search(db, j->search, &r), &pk)) {
        nx_mp_pack_results(&pk, r);
        newsidx_results_free(r);
    }
}

static void run_quotes(server_t *srv, newsidx_db_t *db, job_t *j)
{
    newsidx_quotes_t *r = NULL;
    msgpack_packer pk;
    stats_quotes(&srv->stats);
    if (start_reply(db, j, newsidx_db_quotes(db, j->search, &r), &pk)) {
        nx_mp_pack_quotes(&pk, r);
        newsidx_quotes_free(r);
    }
}

static void run_get(newsidx_db_t *db, job_t *j)
{
    newsidx_article_t *a = NULL;
    msgpack_packer pk;
    if (start_reply(db, j, newsidx_db_get(db, j->id, &a), &pk)) {
        nx_mp_pack_article(&pk, a, NX_FIELDS_ALL);
        newsidx_article_free(a);
    }
}

static void run_stats(server_t *srv, newsidx_db_t *db, job_t *j)
{
    newsidx_stats_t s;
    msgpack_packer pk;
    if (!start_reply(db, j, newsidx_db_stats(db, &s), &pk))
        return;
    /* The main thread's counters and each worker's, added up here: no
     * lock shared by every request. */
    stats_t sum;
    memset(&sum, 0, sizeof sum);
    stats_add(&sum, &srv->stats);
    for (unsigned i = 0; i < srv->n_started; i++)
        stats_add(&sum, &srv->workers[i].stats);
    msgpack_pack_map(&pk, 7 + (srv->http_fd >= 0) + (srv->spool != NULL) +
                              stats_pack(&sum, NULL, true, 0));
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
    msgpack_pack_uint64(&pk, srv->writer_started ? queue_len(&srv->write_q) : 0);
    nx_mp_pack_str(&pk, "wire_parts");
    msgpack_pack_map(&pk, 3);
    nx_mp_pack_str(&pk, "joined");
    msgpack_pack_uint64(&pk, atomic_load(&srv->wire_joined));
    nx_mp_pack_str(&pk, "absorbed");
    msgpack_pack_uint64(&pk, atomic_load(&srv->wire_absorbed));
    nx_mp_pack_str(&pk, "across_midnight");
    msgpack_pack_uint64(&pk, atomic_load(&srv->wire_other_day));
    stats_pack(&sum, &pk, false, atomic_load(&srv->n_conns));
    if (srv->http_fd >= 0)
        http_stats_pack(srv, &pk);
    if (srv->spool)
        spool_stats_pack(srv, &pk);
}

/* Asked by the library between the stages of a search (nx_db_set_cancel):
 * a search nobody will read, or that would hold up a shutdown, stops. */
static const char *worker_cancel(void *arg)
{
    worker_t *w = arg;
    if (atomic_load(&w->stop))
        return "the daemon is stopping";
    if (w->current && w->current->conn && conn_gone(w->current->conn))
        return "the client has gone";
    return NULL;
}

static void worker_run(worker_t *w);

void worker_refresh(worker_t *w)
{
    server_t *srv = w->srv;
    unsigned gen = atomic_load(&srv->config_gen);
    if (gen == w->gen)
        return;
    w->gen = gen;
    server_config_snapshot(srv, &w->cfg);
    w->limits.max_bytes = w->cfg.max_request;
    w->limits.max_depth = w->cfg.max_depth;
    w->limits.max_objects = 262144;
    if (w->db) {
        newsidx_config_t *c = server_config_copy(srv);
        if (c)
            nx_db_set_config(w->db, c);
        else
            nxd_log(LOG_ERR, "out of memory: the new settings wait for the next SIGHUP");
        newsidx_config_free(c);
    }
}

/* The running config with the shards of the start (their paths made
 * absolute), to open the database with; NULL when out of memory. */
static newsidx_config_t *open_config(server_t *srv)
{
    newsidx_config_t *c = server_config_copy(srv);
    bool ok = c && newsidx_config_set(c, "shards", "shard", NULL, NULL) == NEWSIDX_OK;
    for (size_t i = 0; ok && i < srv->n_shards; i++)
        ok = newsidx_config_set(c, "shards", "shard", srv->shards[i], NULL) == NEWSIDX_OK;
    if (!ok) {
        newsidx_config_free(c);
        return NULL;
    }
    return c;
}

/* The thread's database, opened on first use and reopened when a commit
 * (or, read-only, a second) has passed; NULL with the job failed. */
static newsidx_db_t *worker_db(worker_t *w, job_t *j)
{
    server_t *srv = w->srv;
    if (!w->db) {
        char *err = NULL;
        newsidx_config_t *cfg = open_config(srv);
        newsidx_status_t st = cfg ? newsidx_db_open(srv->db_path, cfg, &w->db, &err)
                                  : NEWSIDX_ERR_NOMEM;
        newsidx_config_free(cfg);
        if (st != NEWSIDX_OK) {
            job_fail(j, NX_RPC_UNAVAILABLE, "%s", err ? err : "cannot open the database");
            free(err);
            return NULL;
        }
        nx_db_set_cancel(w->db, worker_cancel, w);
        w->seen_commit = atomic_load(&srv->commit_gen);
        w->last_reopen = nx_now();
        return w->db;
    }
    /* When this daemon writes the database, a reopen is due only after
     * its writer committed; the search then sees the commit.  A
     * read-only daemon cannot know when others commit: it looks at most
     * once a second. */
    unsigned commits = atomic_load(&srv->commit_gen);
    double now = srv->read_only ? nx_now() : 0;
    if (commits != w->seen_commit || (srv->read_only && now - w->last_reopen >= 1.0)) {
        if (newsidx_db_reopen(w->db) != NEWSIDX_OK)
            nxd_log(LOG_WARNING, "reopen: %s", newsidx_db_error(w->db));
        w->seen_commit = commits;
        w->last_reopen = now;
    }
    return w->db;
}

/* Sends a finished job's reply and lets go of it. */
static void worker_finish(worker_t *w, job_t *j)
{
    stats_request(&w->stats, nx_now() - j->started, j->error);
    if (j->http)
        http_job_done(j);
    else if (!j->notify)
        conn_reply(j->conn, &j->out);
    w->inflight--;
    if (j->conn)
        conn_done(j->conn);
    job_free(j);
}

void worker_hand_back(job_t *j)
{
    if (j->spool) {
        spool_hand_back(j);
        return;
    }
    worker_t *w = j->http ? http_job_worker(j) : conn_worker(j->conn);
    queue_push(&w->done_q, j);
    event_active(w->wake_ev, EV_READ, 0);
}

void worker_uncount(worker_t *w, uid_t uid)
{
    atomic_fetch_sub(&w->n_conns, 1);
    atomic_fetch_sub(&w->srv->n_conns, 1);
    users_give(w->srv->users, uid);
}

static void schedule(worker_t *w)
{
    static const struct timeval now = {0, 0};
    if (w->ring_head && !evtimer_pending(w->run_ev, NULL))
        evtimer_add(w->run_ev, &now);
}

static void ring_push(worker_t *w, conn_queue_t *q)
{
    q->next = NULL;
    q->in_ring = true;
    if (w->ring_tail)
        w->ring_tail->next = q;
    else
        w->ring_head = q;
    w->ring_tail = q;
}

/* The next request: the first of the queue whose turn it is, which goes
 * to the back of the ring when it has more.  (A job holds its
 * connection, so a connection's queue in the ring is never freed.) */
static job_t *next_job(worker_t *w)
{
    conn_queue_t *q;
    while ((q = w->ring_head)) {
        w->ring_head = q->next;
        if (!w->ring_head)
            w->ring_tail = NULL;
        q->in_ring = false;
        /* Replies nobody reads are not made: the connection leaves the
         * ring until they drain (worker_unpark).  Stopping, all run. */
        if (!w->stopping && q->conn && conn_output_over(q->conn)) {
            q->parked = true;
            continue;
        }
        job_t *j = job_list_pop(&q->jobs);
        if (q->jobs.head)
            ring_push(w, q);
        return j;
    }
    return NULL;
}

void worker_unpark(worker_t *w, struct conn *c)
{
    conn_queue_t *q = conn_queue(c);
    if (!q->parked || (!w->stopping && conn_output_over(c)))
        return;
    q->parked = false;
    ring_push(w, q);
    schedule(w);
}

void worker_queue(worker_t *w, job_t *j)
{
    w->inflight++;
    if (j->kind == JOB_ADD) {
        /* Speakers and places are found on the extractor thread, off
         * this loop; the writer answers through done_q. */
        queue_push(&w->srv->extract_q, j);
        return;
    }
    conn_queue_t *q = j->conn ? conn_queue(j->conn) : &w->http_queue;
    job_list_push(&q->jobs, j);
    if (!q->in_ring && !q->parked)
        ring_push(w, q);
    schedule(w);
}

void worker_run_one(worker_t *w)
{
    double t0 = nx_now();
    worker_run(w);
    w->busy += nx_now() - t0;
}

static void worker_run(worker_t *w)
{
    job_t *j = next_job(w);
    if (!j)
        return;
    if (!w->ring_head)
        evtimer_del(w->run_ev);
    worker_refresh(w);
    newsidx_db_t *db = worker_db(w, j);
    w->current = j;
    if (db) {
        switch (j->kind) {
        case JOB_SEARCH: run_search(db, j); break;
        case JOB_QUOTES: run_quotes(w->srv, db, j); break;
        case JOB_GET: run_get(db, j); break;
        case JOB_STATS: run_stats(w->srv, db, j); break;
        default: job_fail(j, NX_RPC_INTERNAL, "misrouted request"); break;
        }
    }
    w->current = NULL;
    if (j->out.oom)
        job_fail(j, NX_RPC_INTERNAL, "out of memory encoding the reply");
    else if (j->out.len > w->cfg.max_output)
        job_fail(j, NX_RPC_TOO_LARGE, "the answer would be %zu bytes, more than [daemon] "
                 "max_output (%llu): ask for fewer hits or shorter highlight markers",
                 j->out.len, (unsigned long long)w->cfg.max_output);
    worker_finish(w, j);
}

static void run_cb(evutil_socket_t fd, short what, void *arg)
{
    worker_t *w = arg;
    (void)fd;
    (void)what;
    worker_run_one(w);
    schedule(w);
}

static void stop_check_cb(evutil_socket_t fd, short what, void *arg)
{
    worker_t *w = arg;
    (void)fd;
    (void)what;
    bool flushed = http_worker_flushed(w);
    for (struct conn *c = w->conns; c; c = conn_next(c))
        if (!conn_flushed(c))
            flushed = false;
    if ((w->inflight == 0 && flushed) || nx_now() > w->stop_deadline) {
        if (w->inflight)
            nxd_log(LOG_WARNING, "stopping with %u requests unanswered", w->inflight);
        event_base_loopexit(w->base, NULL);
        return;
    }
    struct timeval tv = {0, 20000};
    evtimer_add(w->stop_timer, &tv);
}

/* Sockets from the main thread, writes answered by the writer, and the
 * order to stop. */
static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
    worker_t *w = arg;
    (void)fd;
    (void)what;
    worker_refresh(w);
    for (;;) {
        pthread_mutex_lock(&w->mu);
        struct incoming in = w->n_incoming ? w->incoming[--w->n_incoming]
                                           : (struct incoming){-1, 0};
        pthread_mutex_unlock(&w->mu);
        if (in.fd < 0)
            break;
        if (w->stopping) {
            close(in.fd);
            worker_uncount(w, in.uid);
        } else {
            conn_new(w, in.fd, in.uid);
        }
    }
    job_t *j;
    while ((j = queue_pop(&w->done_q, 0)))
        worker_finish(w, j);
    if (atomic_load(&w->stop) && !w->stopping) {
        w->stopping = true;
        w->stop_deadline = nx_now() + 30;
        /* Read no more requests; what is in flight finishes and is sent
         * (held back or not). */
        http_worker_stop(w);
        struct conn *next;
        for (struct conn *c = w->conns; c; c = next) {
            next = conn_next(c);
            worker_unpark(w, c);
            conn_drain(c);
        }
        stop_check_cb(-1, 0, w);
    }
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
    /* Stopped: close what is left.  Requests not run are dropped; writes
     * still with the writer come back to done_q and are freed by
     * workers_free. */
    struct conn *next;
    for (struct conn *c = w->conns; c; c = next) {
        next = conn_next(c);
        conn_close(c);
    }
    job_t *j;
    while ((j = next_job(w))) {
        w->inflight--;
        if (j->http)
            http_job_drop(j);
        else
            conn_done(j->conn);
        job_free(j);
    }
    http_worker_free(w);
    newsidx_db_close(w->db);
    w->db = NULL;
    return NULL;
}

bool workers_start(server_t *srv)
{
    srv->workers = calloc(srv->n_workers, sizeof *srv->workers);
    if (!srv->workers)
        return false;
    for (unsigned i = 0; i < srv->n_workers; i++) {
        worker_t *w = &srv->workers[i];
        w->srv = srv;
        stats_init(&w->stats);
        w->gen = atomic_load(&srv->config_gen) - 1;
        worker_refresh(w);
        pthread_mutex_init(&w->mu, NULL);
        queue_init(&w->done_q);
        w->base = event_base_new();
        if (!w->base)
            return false;
        w->wake_ev = event_new(w->base, -1, EV_PERSIST, wake_cb, w);
        w->run_ev = evtimer_new(w->base, run_cb, w);
        w->stop_timer = evtimer_new(w->base, stop_check_cb, w);
        if (!w->wake_ev || !w->run_ev || !w->stop_timer)
            return false;
        event_add(w->wake_ev, NULL);
        if (srv->http_fd >= 0 && !http_worker_start(w, srv->http_fd))
            return false;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
            return false;
        srv->n_started = i + 1;
    }
    return true;
}

void workers_hand(server_t *srv, int fd, uid_t uid)
{
    /* The thread with the fewest connections, taking turns on ties. */
    worker_t *best = NULL;
    unsigned least = 0;
    for (unsigned k = 0; k < srv->n_started; k++) {
        worker_t *w = &srv->workers[(srv->next_worker + k) % srv->n_started];
        unsigned n = atomic_load(&w->n_conns);
        if (!best || n < least) {
            best = w;
            least = n;
        }
    }
    srv->next_worker = (srv->next_worker + 1) % srv->n_started;
    atomic_fetch_add(&best->n_conns, 1);
    pthread_mutex_lock(&best->mu);
    if (best->n_incoming == best->cap_incoming) {
        size_t cap = best->cap_incoming ? 2 * best->cap_incoming : 16;
        struct incoming *v = realloc(best->incoming, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&best->mu);
            close(fd);
            worker_uncount(best, uid);
            return;
        }
        best->incoming = v;
        best->cap_incoming = cap;
    }
    best->incoming[best->n_incoming++] = (struct incoming){fd, uid};
    pthread_mutex_unlock(&best->mu);
    event_active(best->wake_ev, EV_READ, 0);
}

void workers_stop(server_t *srv)
{
    for (unsigned i = 0; i < srv->n_started; i++) {
        atomic_store(&srv->workers[i].stop, true);
        event_active(srv->workers[i].wake_ev, EV_READ, 0);
    }
}

void workers_join(server_t *srv)
{
    for (unsigned i = 0; i < srv->n_started; i++)
        pthread_join(srv->workers[i].thread, NULL);
    srv->n_started = 0;
}

/* After the writer has stopped too: what it answered after the threads
 * stopped, and the threads' loops. */
void workers_free(server_t *srv)
{
    for (unsigned i = 0; srv->workers && i < srv->n_workers; i++) {
        worker_t *w = &srv->workers[i];
        if (!w->srv)
            continue;   /* never set up */
        job_t *j;
        while ((j = queue_pop(&w->done_q, 0))) {
            if (j->conn)
                conn_unref(j->conn);
            job_free(j);
        }
        http_worker_free(w);     /* a thread that never ran */
        for (size_t k = 0; k < w->n_incoming; k++)
            close(w->incoming[k].fd);
        free(w->incoming);
        if (w->wake_ev)
            event_free(w->wake_ev);
        if (w->run_ev)
            event_free(w->run_ev);
        if (w->stop_timer)
            event_free(w->stop_timer);
        if (w->base)
            event_base_free(w->base);
        queue_destroy(&w->done_q);
        pthread_mutex_destroy(&w->mu);
        stats_destroy(&w->stats);
    }
    free(srv->workers);
    srv->workers = NULL;
}
