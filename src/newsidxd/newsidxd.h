/* newsidxd.h - the daemon's parts and what they share.
 *
 *   server.c   the main event loop: listener, signals, reload, shutdown
 *   conn.c     connections as state machines, frames read under limits
 *   dispatch.c requests decoded and answered, queued or sent on
 *   workers.c  the connection threads, each with its own event loop and
 *              database handle
 *   commits.c  the extractor thread (speakers and places of additions)
 *              and the writer thread: the one that writes, commits and
 *              acknowledges
 *   queue.c    jobs and the queue to the writer
 *   stats.c    counters and latency percentiles
 *   users.c    connections per peer user, write permissions (cached)
 *   log.c      stderr or syslog
 *   http.c     the HTTP side: an evhttp per worker thread, its limits
 *   httpapi.c  the JSON API (a mirror of the protocol) and the page
 *   httpwrite.c POST /api/articles, with a bearer token
 *   webfiles.c the page's files, compiled in from web/
 *   places.c   coordinates of places, for the page's map
 *   spool.c    [daemon] spool: the thread importing a spool folder
 *
 * As in memcached, the main thread only accepts: each connection is
 * handed to one worker thread, which reads its requests, searches and
 * writes the replies on its own event loop.  A request then costs no
 * wake-up of another thread; only writes travel, to the writer and back.
 * The main loop never touches the index, so accepting, signals and
 * shutdown stay prompt whatever the searches cost. */
#ifndef NEWSIDXD_H
#define NEWSIDXD_H

#include "nx.h"
#include "rpcserver.h"

#include <event2/event.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

/* ---- logging (log.c) ---- */
enum { LOG_TO_STDERR, LOG_TO_SYSLOG };
void nxd_log_open(int where);
void nxd_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- jobs and queues (queue.c) ---- */

typedef enum job_kind {
    JOB_SEARCH, JOB_GET, JOB_STATS, JOB_ADD, JOB_DELETE, JOB_QUOTES
} job_kind_t;

struct conn;
struct worker;
struct http_call;
struct http_worker;
struct spool_file;
typedef struct places places_t;
typedef struct spool spool_t;

typedef struct job {
    struct job *next;
    job_kind_t kind;
    struct conn *conn;          /* NULL for a request over HTTP */
    struct http_call *http;     /* the HTTP request to answer, or NULL */
    struct spool_file *spool;   /* an addition of the spool's, or NULL */
    bool notify;                /* a notification: no reply */
    uint32_t msgid;
    uint64_t seq;               /* add, delete: order received (commits.c) */
    double started;
    /* request */
    newsidx_search_t *search;   /* search, quotes: owned by the job */
    char *id;
    newsidx_article_t **articles;
    size_t n_articles;
    nx_strv_t warnings;         /* add: what was left out of them */
    char **ids;
    size_t n_ids;
    bool extracted;             /* add: speakers and locations found */
    /* reply */
    nx_buf_t out;
    int error;                  /* nx_rpc_code_t, or -1 */
} job_t;

job_t *job_new(job_kind_t kind, struct conn *conn, uint32_t msgid);
void job_free(job_t *j);
/* similar: the article id (malloc'ed, taken over; NULL when finding it
 * failed, with *err set) into the job's search, made if it has none;
 * false with *err. */
bool job_set_like(job_t *j, char *id, char **err);
/* Encodes an error reply into j->out. */
/* Keeps the notes on the article numbered number (from 1) of an add
 * (a date left out) for its reply's "warnings"; frees them. */
void job_warn(job_t *j, size_t number, const newsidx_article_t *a, nx_strv_t *notes);
void job_fail(job_t *j, nx_rpc_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Jobs in order, linked through job->next; not locked. */
typedef struct job_list {
    job_t *head, *tail;
    size_t len;
} job_list_t;

void job_list_push(job_list_t *l, job_t *j);
job_t *job_list_pop(job_list_t *l);        /* NULL when empty */

/* A job list between threads. */
typedef struct queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job_list_t jobs;
    bool closed;
} queue_t;

void queue_init(queue_t *q);
void queue_destroy(queue_t *q);
void queue_push(queue_t *q, job_t *j);
/* Waits for a job; NULL once the queue is closed and empty.  With
 * timeout >= 0, waits at most that long (NULL on timeout too). */
job_t *queue_pop(queue_t *q, double timeout);
void queue_close(queue_t *q);
size_t queue_len(queue_t *q);

/* A connection's requests waiting for its thread, which serves the
 * connections with requests waiting in turn, one request each (a ring
 * of them, workers.c): a client with 64 searches in flight delays
 * another's one search by one search, not by 64. */
typedef struct conn_queue {
    job_list_t jobs;
    struct conn *conn;          /* whose requests, NULL for HTTP's */
    struct conn_queue *next;    /* in the thread's ring */
    bool in_ring;
    bool parked;                /* out of the ring while its client has
                                   too many replies unread */
} conn_queue_t;

/* ---- statistics (stats.c) ---- */

typedef struct stats {
    pthread_mutex_t mu;
    double started;
    uint64_t requests;
    uint64_t errors[NX_RPC_NCODES];
    uint64_t latency[96];       /* quarter-octave buckets of microseconds */
    uint64_t connections;       /* accepted since start */
    uint64_t refused;           /* over the connection cap */
    uint64_t http_accepted;     /* HTTP connections since start */
    uint64_t http_refused;      /* ... answered 503 over the cap */
    uint64_t http_requests;     /* HTTP requests, the page's files too */
    uint64_t quotes;            /* searches of quotations, socket and HTTP */
} stats_t;

void stats_init(stats_t *s);
void stats_destroy(stats_t *s);
void stats_request(stats_t *s, double seconds, int error);
void stats_quotes(stats_t *s);
/* Adds the counters of s (locked) to those of sum (a copy, not shared). */
void stats_add(stats_t *sum, stats_t *s);
/* Packs the daemon's part of the stats reply from sum, with open
 * connections (count keys packed). */
size_t stats_pack(const stats_t *sum, msgpack_packer *pk, bool count_only, unsigned open);

/* ---- peer users (users.c) ---- */

typedef struct users users_t;
struct server;

users_t *users_new(void);
void users_free(users_t *u);
/* Counts a new connection of uid; false (nothing counted) when uid has
 * limit open already. */
bool users_take(users_t *u, uid_t uid, unsigned limit);
void users_give(users_t *u, uid_t uid);
/* [daemon] writers for a peer, its answer cached for a minute. */
bool users_may_write(struct server *srv, uid_t uid, gid_t gid);

/* ---- the server (server.c) ---- */

/* The numbers of the running configuration a thread uses, taken from
 * it at start and after each SIGHUP (server_config_snapshot()). */
typedef struct settings {
    uint64_t max_request;       /* [daemon] max_request, bytes */
    uint64_t max_output;
    uint64_t max_output_total;
    unsigned max_depth;
    unsigned max_connections;
    double idle_timeout;
    double first_request_timeout;
    double commit_interval;
} settings_t;

typedef struct server {
    newsidx_config_t *config;   /* the running settings: replaced by the
                                   main thread on SIGHUP (config_mu) */
    newsidx_config_t *start_config; /* as read at start, its paths made
                                   absolute: the settings only a restart
                                   changes are read here */
    char *config_path;
    char *db_path;              /* NULL: the shards below */
    char **shards;              /* [shards] as read at start */
    size_t n_shards;
    char *socket_path;
    bool own_socket;            /* we bound it (not socket activation) */
    struct event_base *base;    /* the main loop */
    struct evconnlistener *listener;
    struct event *sig_term, *sig_int, *sig_hup, *accept_timer;
    bool stopping;
    atomic_uint n_conns;        /* open, over all workers: the cap, and stats */
    atomic_size_t out_bytes;    /* replies not yet read, over all connections */
    atomic_uint_least64_t write_seq; /* seq of the next add or delete */
    /* threads */
    struct worker *workers;
    unsigned n_workers, n_started;
    unsigned next_worker;       /* round robin among the least loaded */
    queue_t write_q;
    pthread_t writer;
    bool writer_started;
    queue_t extract_q;          /* additions, to the extractor thread */
    pthread_t extractor;
    bool extractor_started;
    bool read_only;             /* fixed at start: no writer, writes refused */
    newsidx_writer_t *w;        /* opened by main, used by the writer thread */
    newsidx_extractor_t *x;     /* shared read-only */
    atomic_uint config_gen;     /* bumped on SIGHUP; threads re-read */
    atomic_uint commit_gen;     /* bumped by the writer after each commit */
    /* Wire stories sent in parts, since start (doc/formats.md): stories
     * joined with parts sent apart, parts stored alone before that are
     * now in their story, versions and parts matched across midnight
     * GMT.  Counted by the writer thread after each commit. */
    _Atomic uint64_t wire_joined, wire_absorbed, wire_other_day;
    pthread_mutex_t config_mu;  /* guards config for the threads */
    uid_t *writer_uids;
    size_t n_writer_uids;
    gid_t *writer_gids;
    size_t n_writer_gids;
    int http_fd;                /* the HTTP listening socket, or -1 */
    char *http_token;           /* allows POST /api/articles, or NULL */
    atomic_uint http_open;      /* open HTTP connections, all threads */
    places_t *places;           /* coordinates for the map, or NULL */
    users_t *users;             /* connections per uid, write permissions */
    spool_t *spool;             /* [daemon] spool, or NULL */
    stats_t stats;              /* the main thread's: connections, refused */
} server_t;

int server_run(server_t *srv, int listen_fd);
/* Stops the worker threads and the writer, and frees them; also when
 * they did not all start. */
void server_stop_threads(server_t *srv);
/* Binds the socket (not socket activation); -1 and *err on failure. */
int server_bind(server_t *srv, char **err);
/* The numbers of the running config, for a thread. */
void server_config_snapshot(server_t *srv, settings_t *out);
/* A copy of the running config for a thread, owned by the caller
 * (newsidx_config_free()); NULL when out of memory. */
newsidx_config_t *server_config_copy(server_t *srv);

/* ---- worker threads (workers.c) ---- */

typedef struct worker {
    server_t *srv;
    pthread_t thread;
    struct event_base *base;
    struct event *wake_ev;      /* activated by other threads */
    struct event *run_ev;       /* a zero timer: the next job of the run list */
    struct event *stop_timer;
    atomic_uint n_conns;        /* read by the main thread to place sockets */
    /* handed in by other threads */
    pthread_mutex_t mu;
    struct incoming { int fd; uid_t uid; } *incoming;  /* accepted sockets (mu) */
    size_t n_incoming, cap_incoming;
    queue_t done_q;             /* writes the writer has answered */
    atomic_bool stop;
    /* the thread's own */
    conn_queue_t *ring_head, *ring_tail;    /* queues with requests
                                               waiting, in turn */
    conn_queue_t http_queue;    /* the HTTP requests, one turn for all */
    stats_t stats;              /* requests of its connections */
    struct conn *conns;
    unsigned inflight;          /* jobs of its connections not answered */
    bool stopping;
    double stop_deadline;
    settings_t cfg;             /* refreshed after SIGHUP */
    unsigned gen;
    nx_mp_limits_t limits;
    newsidx_db_t *db;
    job_t *current;             /* the request running, for worker_cancel */
    double busy;                /* seconds spent running requests (conn.c's
                                   frame clock leaves them out) */
    unsigned seen_commit;
    double last_reopen;
    struct http_worker *http;   /* its evhttp, or NULL */
} worker_t;

/* Creates the threads' event loops and starts them. */
bool workers_start(server_t *srv);
/* Hands an accepted socket of a peer of uid to the least loaded
 * thread. */
void workers_hand(server_t *srv, int fd, uid_t uid);
/* Asks every thread to finish what is in flight and stop. */
void workers_stop(server_t *srv);
void workers_join(server_t *srv);
/* Frees the threads' loops once they and the writer have stopped. */
void workers_free(server_t *srv);
/* Queues a request behind those of its connection. */
void worker_queue(worker_t *w, job_t *j);
/* Runs the next request of the connection whose turn it is, if any. */
void worker_run_one(worker_t *w);
/* A connection whose requests were held back while its client did not
 * read may run them again (conn.c, when its replies drain or it closes). */
void worker_unpark(worker_t *w, struct conn *c);
/* Called by the writer when a job is finished: hands it back to the
 * thread that owns its connection. */
void worker_hand_back(job_t *j);
/* Picks up a new configuration if SIGHUP brought one. */
void worker_refresh(worker_t *w);
/* A connection of uid handed to w is gone: counted out of it, the
 * server and its user. */
void worker_uncount(worker_t *w, uid_t uid);

/* ---- connections (conn.c) ---- */

/* Takes over an accepted socket of a peer of uid in worker w; false if
 * it could not. */
bool conn_new(worker_t *w, int fd, uid_t uid);
void conn_close(struct conn *c);
/* Read no more, finish what is in flight, flush, close. */
void conn_drain(struct conn *c);
worker_t *conn_worker(const struct conn *c);
struct conn *conn_next(const struct conn *c);
bool conn_flushed(const struct conn *c);
/* The client closed its end (not a half-close: it may still read), or
 * the connection was closed here. */
bool conn_gone(const struct conn *c);
conn_queue_t *conn_queue(struct conn *c);
/* More replies unread than [daemon] max_output, or some while all
 * clients together have more than max_output_total: its requests wait. */
bool conn_output_over(const struct conn *c);
/* Drops a job's hold on its connection (freed after the last). */
void conn_unref(struct conn *c);
void conn_done(struct conn *c);

/* ---- dispatch (dispatch.c) ---- */

/* Handles one complete frame from a connection. */
void dispatch_frame(worker_t *w, struct conn *c, const char *p, size_t n);

/* What dispatch may do with a connection (conn.c). */
bool conn_may_write(const struct conn *c);
void conn_reply(struct conn *c, const nx_buf_t *b);
void conn_reply_error(struct conn *c, bool have_msgid, uint32_t msgid, nx_rpc_code_t code,
                      const char *msg);
/* A job now refers to the connection: it stays allocated until the job
 * comes back, and counts as in flight. */
void conn_track(struct conn *c);

/* ---- HTTP (http.c, httpapi.c, httpwrite.c) ---- */

/* Binds and listens on "ADDR:PORT" (a bare port: 127.0.0.1); -1 and
 * *err on failure. */
int http_bind(const char *spec, char **err);
/* The bearer token in a file only the daemon's user may read; NULL and
 * *err otherwise. */
char *http_token_load(const char *path, char **err);
/* Worker w's evhttp on the listening socket fd. */
bool http_worker_start(worker_t *w, int fd);
/* Accepts no more connections (shutdown). */
void http_worker_stop(worker_t *w);
/* Nothing is left to write on w's HTTP connections. */
bool http_worker_flushed(worker_t *w);
/* In w's thread, after its loop: closes its HTTP connections. */
void http_worker_free(worker_t *w);
/* A job of an HTTP request is finished: its reply is sent as JSON. */
void http_job_done(job_t *j);
/* A job dropped at shutdown: answered 503. */
void http_job_drop(job_t *j);
worker_t *http_job_worker(const job_t *j);
/* The map's table of coordinates (places.c): data/places.tsv, found
 * as the gazetteer is ($NEWSIDX_PLACES overrides); *path_out gets the
 * path tried.  Shared read-only between threads. */
places_t *places_load(char **path_out, char **err);
size_t places_count(const places_t *p);
bool places_find(const places_t *p, const char *name, double *lat, double *lon);
void places_free(places_t *p);
/* The "http" part of the stats reply (one key). */
void http_stats_pack(server_t *srv, msgpack_packer *pk);

/* ---- the spool folder (spool.c) ---- */

/* Watches [daemon] spool and starts its thread, which hands additions
 * to the writer: after writer_start(), before the workers start (they
 * read srv->spool for stats).  false with *err. */
bool spool_start(server_t *srv, char **err);
/* Stops reading, waits until what the writer has is answered, moves
 * the files it completes, and joins the thread: before the writer
 * stops.  Nothing when there is no spool. */
void spool_stop(server_t *srv);
/* Frees it (stopping it first if need be), once no worker runs. */
void spool_free(server_t *srv);
/* The writer answered one of the spool's additions. */
void spool_hand_back(job_t *j);
/* The "spool" part of the stats reply (one key). */
void spool_stats_pack(server_t *srv, msgpack_packer *pk);

/* ---- the writer thread (commits.c) ---- */

/* The extractor and writer threads. */
bool writer_start(server_t *srv);
/* Lets both finish what they were given, and joins them. */
void writer_stop(server_t *srv);

#endif
