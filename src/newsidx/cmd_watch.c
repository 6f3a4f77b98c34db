/* cmd_watch.c - newsidx watch: imports the files dropped into a spool
 * folder as they arrive, without a daemon (newsidxd's [daemon] spool
 * does the same inside the daemon).
 *
 * The folder is watched and its files moved by src/proto/spool.c; this
 * command writes the database itself.  Files that arrive together are
 * committed together: after each file, a commit comes when no other
 * file is waiting, when [index] batch_docs articles are pending, or a
 * second after the first uncommitted one; only then are the files read
 * to their end moved out of the folder. */
#include "config.h"

#include "cli.h"
#include "client.h"
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Seconds an article may wait for its commit while files keep coming. */
#define COMMIT_DELAY 1.0

typedef struct watch {
    cli_t *c;
    nx_spool_t *sp;
    newsidx_writer_t *w;
    newsidx_extractor_t *x;
    newsidx_format_t format;
    bool quiet;
    nx_spool_file_t **read;     /* read to their end, not committed yet */
    size_t n_read;
    double first_pending;       /* when the oldest uncommitted article came */
    uint64_t done, failed;
    bool fatal;
} watch_t;

/* SIGTERM and SIGINT: stop at the next article, through a pipe that
 * wakes poll(). */
static volatile sig_atomic_t stopping;
static int stop_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    (void)sig;
    int saved = errno;
    stopping = 1;
    ssize_t w = write(stop_pipe[1], "x", 1);
    (void)w;
    errno = saved;
}

static bool catch_signals(void)
{
    if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGTERM, &sa, NULL) == 0 && sigaction(SIGINT, &sa, NULL) == 0;
}

static void report(watch_t *wa, nx_spool_outcome_t o, const char *msg)
{
    if (!msg)
        msg = "out of memory";
    if (o == NX_SPOOL_DONE) {
        wa->done++;
        if (!wa->quiet) {
            cli_lock();
            fprintf(stderr, "%s: %s\n", wa->c->prog, msg);
            cli_unlock();
        }
    } else if (o == NX_SPOOL_AGAIN) {
        if (!wa->quiet)
            cli_warn(wa->c, "%s", msg);
    } else {
        if (o == NX_SPOOL_FAILED)
            wa->failed++;
        cli_error(wa->c, "%s", msg);
    }
}

/* Moves the files read since the last commit; with why (a failed
 * commit), they are tried again later. */
static void finish_read(watch_t *wa, const char *why)
{
    for (size_t i = 0; i < wa->n_read; i++) {
        nx_spool_file_t *f = wa->read[i];
        if (why && !f->write_error)
            f->write_error = nx_strdup(why);
        char *msg = NULL;
        nx_spool_outcome_t o = nx_spool_finish(wa->sp, f, &msg);
        report(wa, o, msg);
        free(msg);
    }
    wa->n_read = 0;
}

static bool commit(watch_t *wa)
{
    newsidx_status_t st = newsidx_writer_pending(wa->w) ? newsidx_writer_commit(wa->w)
                                                        : NEWSIDX_OK;
    wa->first_pending = 0;
    if (st != NEWSIDX_OK) {
        const char *e = newsidx_writer_error(wa->w);
        char *why = nx_printf("commit failed: %s", e ? e : newsidx_status_to_string(st));
        finish_read(wa, why ? why : "commit failed");
        free(why);
        return false;
    }
    newsidx_writer_take_kept(wa->w);
    finish_read(wa, NULL);
    return true;
}

/* Reads one file of the spool into the writer (committing when a batch
 * is full); false when stopped in the middle of it. */
static bool import_file(watch_t *wa, nx_spool_file_t *f)
{
    uint64_t batch_docs = newsidx_config_get_uint(wa->c->config, NEWSIDX_CONFIG_BATCH_DOCS);
    newsidx_article_t *a;
    const char *warning;
    while (!stopping && nx_spool_file_next(f, &a, &warning) == NEWSIDX_OK) {
        if (warning)
            cli_warn(wa->c, "%s", warning);
        newsidx_status_t st = newsidx_extract(wa->x, a);
        if (st == NEWSIDX_OK)
            st = newsidx_writer_add(wa->w, a, NULL);
        if (st != NEWSIDX_OK && !f->write_error) {
            const char *e = newsidx_writer_error(wa->w);
            f->write_error = nx_printf("article %s: %s", a->id,
                                       e ? e : newsidx_status_to_string(st));
        }
        newsidx_article_free(a);
        if (!wa->first_pending)
            wa->first_pending = nx_now();
        if (newsidx_writer_pending(wa->w) >= batch_docs)
            commit(wa);
    }
    return !f->in;
}

/* Keeps a file read to its end for the next commit. */
static bool keep_read(watch_t *wa, nx_spool_file_t *f)
{
    nx_spool_file_t **v = realloc(wa->read, (wa->n_read + 1) * sizeof *v);
    if (!v) {
        nx_spool_file_free(f);
        return false;
    }
    wa->read = v;
    v[wa->n_read++] = f;
    return true;
}

/* Imports what is due; the seconds to wait before anything more is,
 * -1 for an event. */
static double work(watch_t *wa)
{
    for (;;) {
        double wait = -1;
        char *name = stopping ? NULL : nx_spool_take(wa->sp, &wait);
        if (!name) {
            if (wa->n_read || newsidx_writer_pending(wa->w))
                commit(wa);
            return wait;
        }
        nx_spool_file_t *f = NULL;
        char *err = NULL;
        if (nx_spool_file_open(wa->sp, name, wa->format, &f, &err) == NEWSIDX_ERR_NOMEM)
            cli_error(wa->c, "%s/%s: out of memory", nx_spool_dir(wa->sp), name);
        if (err)
            cli_warn(wa->c, "%s", err);
        free(err);
        free(name);
        if (!f)
            continue;
        if (!import_file(wa, f)) {
            nx_spool_file_free(f);      /* stopped: it stays for next time */
            continue;
        }
        keep_read(wa, f);
        char *perr = NULL;
        if (!nx_spool_poll(wa->sp, &perr)) {
            cli_error(wa->c, "%s", perr ? perr : "out of memory");
            wa->fatal = true;
        }
        free(perr);
        if (wa->fatal)
            return -1;
        if (nx_spool_waiting(wa->sp) == 0 ||
            (wa->first_pending && nx_now() - wa->first_pending >= COMMIT_DELAY))
            commit(wa);
    }
}

static void watch_loop(watch_t *wa, bool once)
{
    while (!stopping && !wa->fatal) {
        double wait = work(wa);
        if (stopping || wa->fatal)
            break;
        if (once && nx_spool_waiting(wa->sp) == 0 && nx_spool_retrying(wa->sp) == 0)
            break;
        struct pollfd fds[2] = {{.fd = nx_spool_fd(wa->sp), .events = POLLIN},
                                {.fd = stop_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, wait < 0 ? -1 : (int)(wait * 1000) + 1) < 0 && errno != EINTR)
            break;
        char *err = NULL;
        if (!nx_spool_poll(wa->sp, &err)) {
            cli_error(wa->c, "%s", err ? err : "out of memory");
            wa->fatal = true;
        }
        free(err);
    }
    /* What was read to its end is committed and moved; a file cut off
     * by the signal stays in the folder. */
    if (wa->n_read || newsidx_writer_pending(wa->w))
        commit(wa);
}

int cmd_watch(cli_t *c, int argc, char **argv)
{
    watch_t wa = {.c = c, .format = NEWSIDX_FORMAT_AUTO};
    bool once = false;
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"once", no_argument, NULL, '1'},
        {"quiet", no_argument, NULL, 'q'},
        {"db", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    int o;
    optind = 0;
    while ((o = getopt_long(argc, argv, "f:q", opts, NULL)) != -1) {
        switch (o) {
        case 'f':
            if (newsidx_format_from_string(optarg, &wa.format) != NEWSIDX_OK) {
                cli_error(c, "unknown format '%s' (%s)", optarg, CLI_FORMATS);
                return EXIT_USAGE;
            }
            break;
        case '1': once = true; break;
        case 'q': wa.quiet = true; break;
        case 'd': cli_set_db(c, optarg); break;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error(c, "watch: give one directory to watch");
        return EXIT_USAGE;
    }
    const char *dir = argv[optind];
    if (!c->db_forced && cli_shard_count(c)) {
        cli_error(c, "watch: the configuration lists shards; give --db for one database");
        return EXIT_USAGE;
    }
    /* A daemon owns the database: it has its own spool, and would hold
     * the lock for ever. */
    nx_client_t *cl = c->db_forced ? NULL : cli_connect_daemon(c);
    if (cl) {
        nx_client_close(cl);
        cli_error(c, "watch: newsidxd serves this index on %s; give it the folder with "
                     "[daemon] spool = %s (newsidx.conf(5)), or use --db", c->socket_path, dir);
        return EXIT_FAIL;
    }
    if (!catch_signals()) {
        cli_error(c, "watch: cannot catch signals: %s", strerror(errno));
        return EXIT_FAIL;
    }
    char *err = NULL;
    newsidx_status_t st = nx_spool_open(dir, &wa.sp, &err);
    if (st == NEWSIDX_OK)
        st = newsidx_extractor_new(cli_gazetteer(c), &wa.x, &err);
    if (st == NEWSIDX_OK)
        st = newsidx_writer_open(c->db_path, c->config,
                                 NEWSIDX_WRITER_CREATE | NEWSIDX_WRITER_WAIT, &wa.w, &err);
    if (st == NEWSIDX_OK)
        nx_writer_set_extractor(wa.w, wa.x);
    int rc = EXIT_OK;
    if (st != NEWSIDX_OK) {
        cli_error(c, "%s", err ? err : newsidx_status_to_string(st));
        rc = EXIT_FAIL;
    } else {
        if (!wa.quiet) {
            cli_lock();
            fprintf(stderr, "%s: watching %s (%zu files waiting)\n", c->prog, dir,
                    nx_spool_waiting(wa.sp));
            cli_unlock();
        }
        watch_loop(&wa, once);
        st = newsidx_writer_close(wa.w);
        if (st != NEWSIDX_OK) {
            cli_error(c, "closing the database: %s", newsidx_writer_error(wa.w)
                                                      ? newsidx_writer_error(wa.w)
                                                      : newsidx_status_to_string(st));
            wa.fatal = true;
        }
        rc = wa.fatal ? EXIT_FAIL : wa.failed ? EXIT_REJECTED : EXIT_OK;
        if (!wa.quiet || wa.failed) {
            cli_lock();
            fprintf(stderr, "%s: %llu file%s moved to done/, %llu to failed/\n", c->prog,
                    (unsigned long long)wa.done, wa.done == 1 ? "" : "s",
                    (unsigned long long)wa.failed);
            cli_unlock();
        }
    }
    free(err);
    for (size_t i = 0; i < wa.n_read; i++)
        nx_spool_file_free(wa.read[i]);
    free(wa.read);
    newsidx_writer_destroy(wa.w);
    newsidx_extractor_free(wa.x);
    nx_spool_close(wa.sp);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    return rc;
}
