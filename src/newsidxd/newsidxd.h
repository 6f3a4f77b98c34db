/* newsidxd.h - the daemon's parts and what they share.
 *
 *   server.c   the event loop: listener, connections, frames, signals
 *   dispatch.c requests decoded and routed to the workers or the writer
 *   workers.c  search threads, each with its own database handle
 *   writer.c   the one thread that writes, commits and acknowledges
 *   queue.c    the job queues between them
 *   stats.c    counters and latency percentiles
 *   log.c      stderr or syslog
 *
 * The event loop never calls the store: it decodes, routes and writes
 * replies.  A job carries a request to a thread and its encoded reply
 * back; replies return to the loop through a completion queue. */
#ifndef NEWSIDXD_H
#define NEWSIDXD_H

#include "nx.h"
#include "rpc.h"

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
    JOB_SEARCH, JOB_GET, JOB_STATS, JOB_ADD, JOB_DELETE
} job_kind_t;

struct conn;

typedef struct job {
    struct job *next;
    job_kind_t kind;
    struct conn *conn;
    bool notify;                /* a notification: no reply */
    uint32_t msgid;
    uint64_t seq;               /* add, delete: order received (writer.c) */
    double started;
    /* request */
    newsidx_search_t search;
    char *id;
    newsidx_article_t **articles;
    size_t n_articles;
    char **ids;
    size_t n_ids;
    bool extracted;             /* add: speakers and locations found */
    /* reply */
    nx_buf_t out;
    int error;                  /* nx_rpc_code_t, or -1 */
} job_t;

job_t *job_new(job_kind_t kind, struct conn *conn, uint32_t msgid);
void job_free(job_t *j);
/* Encodes an error reply into j->out. */
void job_fail(job_t *j, nx_rpc_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef struct queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job_t *head, *tail;
    size_t len;
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

/* ---- statistics (stats.c) ---- */

typedef struct stats {
    pthread_mutex_t mu;
    double started;
    uint64_t requests;
    uint64_t errors[NX_RPC_NCODES];
    uint64_t latency[96];       /* quarter-octave buckets of microseconds */
    uint64_t connections;       /* accepted since start */
    uint64_t refused;           /* over the connection cap */
    unsigned open_connections;
} stats_t;

void stats_init(stats_t *s);
void stats_request(stats_t *s, double seconds, int error);
/* Packs the daemon's part of the stats reply (count keys packed). */
size_t stats_pack(stats_t *s, msgpack_packer *pk, bool count_only);

/* ---- the server (server.c) ---- */

typedef struct server {
    newsidx_config_t config;    /* owned by the loop thread */
    char *config_path;
    char *db_path;              /* NULL: the shards below */
    char **shards;              /* [shards] as read at start */
    size_t n_shards;
    char *socket_path;
    bool own_socket;            /* we bound it (not socket activation) */
    struct event_base *base;
    struct evconnlistener *listener;
    struct event *done_ev;      /* wakes the loop for finished jobs */
    struct event *sig_term, *sig_int, *sig_hup, *stop_timer, *accept_timer;
    struct conn *conns;
    unsigned n_conns;
    bool stopping;
    double stop_deadline;
    unsigned inflight;          /* jobs out in threads */
    uint64_t write_seq;         /* seq of the next add or delete */
    /* threads */
    queue_t search_q, write_q, done_q;
    pthread_t *workers;
    unsigned n_workers;
    pthread_t writer;
    bool writer_started;
    bool read_only;             /* fixed at start: no writer, writes refused */
    newsidx_writer_t *w;        /* opened by main, used by the writer thread */
    newsidx_extractor_t *x;     /* shared read-only */
    atomic_uint config_gen;     /* bumped on SIGHUP; threads re-read */
    atomic_uint commit_gen;     /* bumped by the writer after each commit */
    pthread_mutex_t config_mu;  /* guards config for the threads */
    uid_t *writer_uids;
    size_t n_writer_uids;
    gid_t *writer_gids;
    size_t n_writer_gids;
    stats_t stats;
    nx_mp_limits_t limits;
} server_t;

int server_run(server_t *srv, int listen_fd);
/* Called by threads when a job is finished: hands it to the loop. */
void server_job_done(server_t *srv, job_t *j);
/* Binds the socket (not socket activation); -1 and *err on failure. */
int server_bind(server_t *srv, char **err);

/* ---- dispatch (dispatch.c) ---- */

/* Handles one complete frame from a connection. */
void dispatch_frame(server_t *srv, struct conn *c, const char *p, size_t n);

/* What dispatch may do with a connection (server.c). */
bool conn_may_write(const struct conn *c);
void conn_reply(struct conn *c, const nx_buf_t *b);
void conn_reply_error(struct conn *c, bool have_msgid, uint32_t msgid, nx_rpc_code_t code,
                      const char *msg);
/* A job now refers to the connection: it stays allocated until the job
 * comes back, and counts as in flight. */
void conn_track(struct conn *c);

/* ---- threads (workers.c, writer.c) ---- */

bool workers_start(server_t *srv);
void workers_join(server_t *srv);
bool writer_start(server_t *srv);
void writer_join(server_t *srv);

/* A copy of the numbers of the config for a thread (strings left out). */
void server_config_snapshot(server_t *srv, newsidx_config_t *out);

#endif
