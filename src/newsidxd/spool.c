/* spool.c - [daemon] spool: a thread that imports the files dropped
 * into a directory (src/proto/spool.c watches it and moves them).
 *
 * It reads each file and extracts its articles itself, off the event
 * loops, and hands them to the writer as additions of its own: jobs
 * without a connection, numbered among the clients' writes like any
 * other.  The writer commits and hands each job back here instead of to
 * a worker thread; once every addition made from a file is committed,
 * the file is moved.  A few jobs at a time are with the writer, so that
 * a large file or a burst of files holds bounded memory while the
 * writer still gathers several into one commit. */
#include "config.h"

#include "newsidxd.h"
#include "spool.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <unistd.h>

/* One addition holds at most this many articles or bytes of text, and
 * this many additions are with the writer at once. */
#define JOB_ARTICLES 100
#define JOB_BYTES (4u << 20)
#define JOBS_OUT 4

/* A file whose articles are with the writer. */
typedef struct spool_file {
    spool_t *owner;
    nx_spool_file_t *f;
    unsigned jobs_out;          /* additions not answered yet */
    bool read_all;              /* no more will be made from it */
    bool abandoned;             /* stopping in the middle: it stays in the
                                   spool for the next start */
    struct spool_file *next;
} spool_file_t;

struct spool {
    server_t *srv;
    nx_spool_t *sp;
    pthread_t thread;
    bool started;
    int wake_fd;                /* an eventfd: additions answered, or stop */
    atomic_bool stop;
    pthread_mutex_t mu;
    job_list_t answered;        /* handed back by the writer (mu) */
    /* the thread's own */
    spool_file_t *files, **files_end;  /* with additions out, or read and
                                          waiting, in the order taken */
    spool_file_t *reading;      /* the file being read, also in files */
    unsigned jobs_out;
    bool watching;
    /* for stats, read by other threads */
    atomic_bool gone;           /* the directory was removed */
    atomic_uint_least64_t done, failed, articles, retried;
    atomic_size_t waiting;
};

static void wake(spool_t *s)
{
    uint64_t one = 1;
    ssize_t w = write(s->wake_fd, &one, sizeof one);
    (void)w;
}

void spool_hand_back(job_t *j)
{
    spool_t *s = j->spool->owner;
    pthread_mutex_lock(&s->mu);
    job_list_push(&s->answered, j);
    pthread_mutex_unlock(&s->mu);
    wake(s);
}

/* The message of an error reply the writer made (job_fail). */
static char *reply_message(const job_t *j)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    char *msg = NULL;
    if (msgpack_unpack_next(&u, j->out.data, j->out.len, NULL) == MSGPACK_UNPACK_SUCCESS &&
        u.data.type == MSGPACK_OBJECT_ARRAY && u.data.via.array.size == 4)
        msg = nx_mp_text(nx_mp_get(&u.data.via.array.ptr[2], "message"), "message", NULL);
    msgpack_unpacked_destroy(&u);
    return msg ? msg : nx_strdup(nx_rpc_code_name((nx_rpc_code_t)j->error));
}

static void log_outcome(spool_t *s, nx_spool_outcome_t o, const char *msg)
{
    static const int priority[] = {
        [NX_SPOOL_DONE] = LOG_INFO, [NX_SPOOL_FAILED] = LOG_WARNING,
        [NX_SPOOL_RETRY] = LOG_ERR, [NX_SPOOL_AGAIN] = LOG_NOTICE,
        [NX_SPOOL_GONE] = LOG_WARNING, [NX_SPOOL_STUCK] = LOG_ERR,
    };
    nxd_log(priority[o], "spool: %s", msg ? msg : "out of memory");
    if (o == NX_SPOOL_DONE)
        atomic_fetch_add(&s->done, 1);
    else if (o == NX_SPOOL_FAILED)
        atomic_fetch_add(&s->failed, 1);
    else if (o == NX_SPOOL_RETRY)
        atomic_fetch_add(&s->retried, 1);
}

/* Moves the files read to the end whose additions are all committed. */
static void finish_files(spool_t *s)
{
    for (spool_file_t **p = &s->files; *p;) {
        spool_file_t *sf = *p;
        if (!sf->read_all || sf->jobs_out) {
            p = &sf->next;
            continue;
        }
        *p = sf->next;
        if (s->files_end == &sf->next)
            s->files_end = p;
        if (sf->abandoned) {
            nx_spool_file_free(sf->f);
            free(sf);
            continue;
        }
        uint64_t n = sf->f->articles;
        bool wrote = !sf->f->write_error;
        char *msg = NULL;
        nx_spool_outcome_t o = nx_spool_finish(s->sp, sf->f, &msg);
        if (wrote && (o == NX_SPOOL_DONE || o == NX_SPOOL_FAILED))
            atomic_fetch_add(&s->articles, n);
        log_outcome(s, o, msg);
        free(msg);
        free(sf);
    }
}

static void take_answers(spool_t *s)
{
    uint64_t count;
    ssize_t r = read(s->wake_fd, &count, sizeof count);
    (void)r;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        job_t *j = job_list_pop(&s->answered);
        pthread_mutex_unlock(&s->mu);
        if (!j)
            break;
        spool_file_t *sf = j->spool;
        if (j->error >= 0 && !sf->f->write_error)
            sf->f->write_error = reply_message(j);
        sf->jobs_out--;
        s->jobs_out--;
        job_free(j);
    }
    finish_files(s);
}

/* Hands the articles read so far to the writer, numbered among the
 * clients' writes. */
static void send_job(spool_t *s, spool_file_t *sf, newsidx_article_t **articles, size_t n)
{
    server_t *srv = s->srv;
    job_t *j = job_new(JOB_ADD, NULL, 0);
    if (!j) {
        for (size_t i = 0; i < n; i++)
            newsidx_article_free(articles[i]);
        free(articles);
        if (!sf->f->write_error)
            sf->f->write_error = nx_strdup("out of memory");
        return;
    }
    j->articles = articles;
    j->n_articles = n;
    j->extracted = true;
    j->spool = sf;
    sf->jobs_out++;
    s->jobs_out++;
    j->seq = atomic_fetch_add(&srv->write_seq, 1);
    queue_push(&srv->write_q, j);
}

/* Reads the next addition's worth of the file being read, extracts it
 * and sends it; at the end of the file, lets go of it. */
static void read_some(spool_t *s)
{
    spool_file_t *sf = s->reading;
    newsidx_article_t **batch = calloc(JOB_ARTICLES, sizeof *batch);
    size_t n = 0, bytes = 0;
    if (!batch && !sf->f->write_error)
        sf->f->write_error = nx_strdup("out of memory");
    while (batch && n < JOB_ARTICLES && bytes < JOB_BYTES && !atomic_load(&s->stop)) {
        newsidx_article_t *a = NULL;
        const char *warning = NULL;
        if (nx_spool_file_next(sf->f, &a, &warning) != NEWSIDX_OK)
            break;
        for (const char *w = warning; w && *w;) {
            const char *nl = strchr(w, '\n');
            int len = nl ? (int)(nl - w) : (int)strlen(w);
            nxd_log(LOG_WARNING, "spool: %.*s", len, w);
            w = nl ? nl + 1 : NULL;
        }
        if (newsidx_extract(s->srv->x, a) != NEWSIDX_OK && !sf->f->write_error)
            sf->f->write_error = nx_strdup("out of memory extracting speakers and locations");
        bytes += a->body ? strlen(a->body) : 0;
        batch[n++] = a;
    }
    if (n)
        send_job(s, sf, batch, n);
    else
        free(batch);
    if (!sf->f->in || !batch) {
        sf->read_all = true;
        s->reading = NULL;
        finish_files(s);
    }
}

/* Starts on the next file of the spool, if one is due; the seconds
 * until a retry is due otherwise (-1: none). */
static double start_next(spool_t *s)
{
    double wait = -1;
    char *name = nx_spool_take(s->sp, &wait);
    if (!name)
        return wait;
    nx_spool_file_t *f = NULL;
    char *err = NULL;
    newsidx_status_t st =
        nx_spool_file_open(s->sp, name, NEWSIDX_FORMAT_AUTO, &f, &err);
    if (err)
        nxd_log(LOG_WARNING, "spool: %s", err);
    free(err);
    if (st == NEWSIDX_ERR_NOMEM)
        nxd_log(LOG_ERR, "spool: %s/%s: out of memory; left in the spool",
                nx_spool_dir(s->sp), name);
    free(name);
    spool_file_t *sf = f ? calloc(1, sizeof *sf) : NULL;
    if (!sf) {
        nx_spool_file_free(f);
        return 0;
    }
    sf->owner = s;
    sf->f = f;
    *s->files_end = sf;
    s->files_end = &sf->next;
    s->reading = sf;
    return 0;
}

/* Waits for inotify, an answer, a stop, or the time of a retry. */
static void wait_for_work(spool_t *s, double timeout)
{
    struct pollfd fds[2] = {{.fd = s->wake_fd, .events = POLLIN},
                            {.fd = s->watching ? nx_spool_fd(s->sp) : -1, .events = POLLIN}};
    int ms = timeout < 0 ? -1 : (int)(timeout * 1000) + 1;
    if (poll(fds, 2, ms) < 0 && errno != EINTR)
        nxd_log(LOG_ERR, "spool: poll: %s", strerror(errno));
}

static void *spool_main(void *arg)
{
    spool_t *s = arg;
    nxd_log(LOG_NOTICE, "spool: importing the files of %s (%zu there now)", nx_spool_dir(s->sp),
            nx_spool_waiting(s->sp));
    while (!atomic_load(&s->stop)) {
        take_answers(s);
        if (s->watching) {
            char *err = NULL;
            if (!nx_spool_poll(s->sp, &err)) {
                nxd_log(LOG_ERR, "spool: %s", err ? err : "out of memory");
                s->watching = false;
                atomic_store(&s->gone, true);
            }
            free(err);
        }
        atomic_store(&s->waiting, nx_spool_waiting(s->sp) + (s->reading != NULL));
        double timeout = -1;
        if (s->jobs_out >= JOBS_OUT)
            timeout = -1;               /* an answer wakes us */
        else if (s->reading) {
            read_some(s);
            continue;
        } else if ((timeout = start_next(s)) == 0) {
            continue;
        }
        wait_for_work(s, timeout);
    }
    /* Stopping: what is with the writer is committed and answered (the
     * writer stops after this thread); a file read to its end and
     * committed is moved, the one being read stays for the next start. */
    if (s->reading) {
        s->reading->read_all = true;
        s->reading->abandoned = true;
        s->reading = NULL;
        finish_files(s);
    }
    while (s->jobs_out) {
        wait_for_work(s, -1);
        take_answers(s);
    }
    for (spool_file_t *sf = s->files, *next; sf; sf = next) {
        next = sf->next;
        nx_spool_file_free(sf->f);
        free(sf);
    }
    s->files = NULL;
    return NULL;
}

bool spool_start(server_t *srv, char **err)
{
    spool_t *s = calloc(1, sizeof *s);
    if (!s) {
        nx_set_error(err, "out of memory");
        return false;
    }
    s->srv = srv;
    s->files_end = &s->files;
    s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_mutex_init(&s->mu, NULL);
    const char *dir = newsidx_config_get_string(srv->start_config, NEWSIDX_CONFIG_SPOOL);
    newsidx_status_t st = s->wake_fd >= 0 ? nx_spool_open(dir, &s->sp, err) : NEWSIDX_ERR_IO;
    if (s->wake_fd < 0)
        nx_set_error(err, "eventfd: %s", strerror(errno));
    s->watching = true;
    if (st != NEWSIDX_OK || pthread_create(&s->thread, NULL, spool_main, s) != 0) {
        if (st == NEWSIDX_OK)
            nx_set_error(err, "cannot start the spool thread");
        srv->spool = s;
        spool_free(srv);
        return false;
    }
    s->started = true;
    srv->spool = s;
    return true;
}

void spool_stop(server_t *srv)
{
    spool_t *s = srv->spool;
    if (!s || !s->started)
        return;
    atomic_store(&s->stop, true);
    wake(s);
    pthread_join(s->thread, NULL);
    s->started = false;
}

void spool_free(server_t *srv)
{
    spool_t *s = srv->spool;
    if (!s)
        return;
    spool_stop(srv);
    nx_spool_close(s->sp);
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    pthread_mutex_destroy(&s->mu);
    free(s);
    srv->spool = NULL;
}

void spool_stats_pack(server_t *srv, msgpack_packer *pk)
{
    spool_t *s = srv->spool;
    nx_mp_pack_str(pk, "spool");
    msgpack_pack_map(pk, 7);
    nx_mp_pack_str(pk, "dir");
    nx_mp_pack_str(pk, nx_spool_dir(s->sp));
    nx_mp_pack_str(pk, "watching");
    if (atomic_load(&s->gone))
        msgpack_pack_false(pk);
    else
        msgpack_pack_true(pk);
    nx_mp_pack_str(pk, "waiting");
    msgpack_pack_uint64(pk, atomic_load(&s->waiting));
    nx_mp_pack_str(pk, "done");
    msgpack_pack_uint64(pk, atomic_load(&s->done));
    nx_mp_pack_str(pk, "failed");
    msgpack_pack_uint64(pk, atomic_load(&s->failed));
    nx_mp_pack_str(pk, "retried");
    msgpack_pack_uint64(pk, atomic_load(&s->retried));
    nx_mp_pack_str(pk, "articles");
    msgpack_pack_uint64(pk, atomic_load(&s->articles));
}
