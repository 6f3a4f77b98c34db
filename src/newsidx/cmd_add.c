/* cmd_add.c - newsidx add: a bulk loader.
 *
 * Reads files, directories and standard input, extracts speakers and
 * locations, and writes in batches: a commit after batch_docs articles,
 * batch_bytes of text or batch_seconds, whichever comes first.  A bad
 * record is reported with its file and line and skipped; what was
 * committed before stays committed whatever happens later.
 *
 * Writing to a database ourselves, the work runs on three kinds of
 * thread: one reads and parses the input, workers extract speakers and
 * locations and tokenise (the pipeline), and the main thread adds the
 * prepared documents in input order and commits.  With a daemon running,
 * the articles are sent to it in batches instead. */
#include "config.h"

#include "cli.h"
#include "client.h"

#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/* Requests sent to a daemon and not answered yet, at most. */
#define DAEMON_WINDOW 4
/* Articles read ahead of the writer, waiting in the pipeline. */
#define PIPELINE_ITEMS 256
/* Parts of a bulk load written at once, one thread each (HACKING, bulk
 * loads: the database and at most three staging databases). */
#define MAX_BULK_PARTS 4
/* A load of at least 1/COMPACT_SHARE of the index ends with a
 * compaction ([index] compact = auto). */
#define COMPACT_SHARE 10

typedef struct sent {
    uint32_t msgid;
    unsigned n;
} sent_t;

typedef struct import {
    cli_t *c;
    /* local mode: we write the database */
    newsidx_writer_t *w;
    newsidx_extractor_t *x;
    uint64_t batch_bytes;
    double batch_started;
    /* daemon mode: the daemon writes; we send batches of articles */
    nx_client_t *cl;
    nx_buf_t items;             /* packed article maps of the next request */
    unsigned n_items;
    sent_t window[DAEMON_WINDOW];
    unsigned n_sent;
    size_t max_request;
    pipeline_t *pl;
    /* both */
    progress_t *progress;
    newsidx_format_t format;
    sources_t *srcs;
    _Atomic uint64_t read, rejected, bytes;   /* updated by the reader */
    uint64_t added, replaced, committed;      /* by the writer */
    uint64_t kept;              /* older versions of stored ids, not written */
    uint64_t duplicates;        /* the stored article again, exactly */
    uint64_t joined;            /* stories joined with parts sent apart */
    uint64_t absorbed;          /* parts indexed alone, now in their story */
    uint64_t other_day;         /* versions given their story's id of another day */
    summary_t sum;              /* formats, skipped items, missing fields */
    unsigned commits;
    uint64_t bytes_done;        /* of finished files */
    atomic_bool failed;
    /* --progress-fd: a line per commit, for programs */
    int progress_fd;
    uint64_t reported;          /* committed count of the last line */
    char *last_id;              /* of the last article written or acknowledged */
} import_t;

/* An article on its way through the pipeline. */
typedef struct item {
    newsidx_article_t *a;       /* freed once the document is built */
    nx_doc_t *doc;
    char *id;
    char *err;
    const char *path;
    size_t body_len;
} item_t;

/* --progress-fd: "committed N ID" once N articles of this run are
 * durable, ID being the last of them in input order.  One write(2) per
 * line, so that a reader never sees half of one, even after a crash. */
static void report_commit(import_t *im)
{
    if (im->progress_fd < 0 || im->committed == im->reported)
        return;
    char *line = nx_printf("committed %llu %s\n", (unsigned long long)im->committed,
                           im->last_id ? im->last_id : "");
    if (!line)
        return;
    size_t n = strlen(line), off = 0;
    while (off < n) {
        ssize_t w = write(im->progress_fd, line + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(line);
    im->reported = im->committed;
}

static void set_last_id(import_t *im, const char *id)
{
    if (im->progress_fd < 0 || !id)
        return;
    char *copy = nx_strdup(id);
    if (copy) {
        free(im->last_id);
        im->last_id = copy;
    }
}

static bool commit(import_t *im)
{
    newsidx_status_t st = newsidx_writer_commit(im->w);
    if (st != NEWSIDX_OK) {
        cli_error(im->c, "commit failed: %s", newsidx_writer_error(im->w));
        im->failed = true;
        return false;
    }
    /* A bulk load learns which articles replaced others only now. */
    uint64_t r = nx_writer_take_replaced(im->w);
    uint64_t k = newsidx_writer_take_kept(im->w);
    uint64_t d = newsidx_writer_take_duplicates(im->w);
    im->added -= r + k + d;
    im->replaced += r;
    im->kept += k;
    im->duplicates += d;
    uint64_t absorbed = 0, other_day = 0;
    im->joined += nx_writer_take_joined(im->w, &absorbed, &other_day);
    im->absorbed += absorbed;
    im->other_day += other_day;
    im->committed = im->added + im->replaced;
    im->commits++;
    im->batch_bytes = 0;
    im->batch_started = nx_now();
    report_commit(im);
    return true;
}

/* Pipeline work, in a worker thread: extract and tokenise. */
static void prepare(void *arg, void *ctx)
{
    item_t *it = arg;
    import_t *im = ctx;
    if (newsidx_extract(im->x, it->a) != NEWSIDX_OK) {
        it->err = nx_strdup("out of memory extracting speakers and locations");
    } else {
        it->doc = nx_doc_build(it->a, im->c->config, &it->err);
    }
    it->id = nx_strdup(it->a->id);
    it->body_len = strlen(it->a->body);
    newsidx_article_free(it->a);
    it->a = NULL;
}

/* Local mode, reader side: hand the article to the pipeline. */
static void deliver_local(import_t *im, newsidx_article_t *a, const char *path)
{
    item_t *it = calloc(1, sizeof *it);
    if (!it) {
        newsidx_article_free(a);
        atomic_store(&im->failed, true);
        return;
    }
    it->a = a;
    it->path = path;
    pipeline_push(im->pl, it);
}

/* Local mode, writer side: add in input order, commit when a batch is
 * full. */
static void write_item(import_t *im, item_t *it)
{
    const newsidx_config_t *cfg = im->c->config;
    if (it->err || !it->doc) {
        cli_error(im->c, "%s: article %s: %s", it->path, it->id ? it->id : "?",
                  it->err ? it->err : "out of memory");
        atomic_fetch_add(&im->rejected, 1);
        return;
    }
    bool replaced = false;
    newsidx_status_t st = nx_writer_add_doc(im->w, it->doc, &replaced);
    if (st != NEWSIDX_OK) {
        cli_error(im->c, "%s: article %s: %s", it->path, it->id, newsidx_writer_error(im->w));
        atomic_fetch_add(&im->rejected, 1);
        if (st == NEWSIDX_ERR_NOMEM || st == NEWSIDX_ERR_IO || st == NEWSIDX_ERR_CORRUPT ||
            st == NEWSIDX_ERR_XAPIAN)
            atomic_store(&im->failed, true);
        return;
    }
    if (replaced)
        im->replaced++;
    else
        im->added++;
    set_last_id(im, it->id);
    im->batch_bytes += it->body_len;
    double seconds = nx_now() - im->batch_started;
    if (newsidx_writer_pending(im->w) >= newsidx_config_get_uint(cfg, NEWSIDX_CONFIG_BATCH_DOCS) ||
        im->batch_bytes >= newsidx_config_get_uint(cfg, NEWSIDX_CONFIG_BATCH_BYTES) ||
        seconds >= newsidx_config_get_double(cfg, NEWSIDX_CONFIG_BATCH_SECONDS))
        commit(im);
}

static void free_item(item_t *it)
{
    newsidx_article_free(it->a);
    nx_doc_free(it->doc);
    free(it->id);
    free(it->err);
    free(it);
}

/* Daemon mode: one answer from the daemon. */
static bool daemon_receive(import_t *im)
{
    uint32_t msgid;
    const msgpack_object *res = NULL;
    char *err = NULL;
    newsidx_status_t st = nx_client_recv(im->cl, &msgid, &res, &err);
    unsigned n = 0;
    for (unsigned i = 0; i < im->n_sent; i++) {
        if (im->window[i].msgid == msgid) {
            n = im->window[i].n;
            im->window[i] = im->window[--im->n_sent];
            break;
        }
    }
    if (st != NEWSIDX_OK) {
        cli_error(im->c, "daemon: %s", err ? err : newsidx_status_to_string(st));
        free(err);
        if (res == NULL && (st == NEWSIDX_ERR_UNAVAILABLE || st == NEWSIDX_ERR_INTERNAL ||
                            st == NEWSIDX_ERR_NOMEM)) {
            im->failed = true;
            return false;
        }
        im->rejected += n;
        return true;
    }
    uint64_t v;
    if (nx_mp_uint(nx_mp_get(res, "added"), &v))
        im->added += v;
    if (nx_mp_uint(nx_mp_get(res, "replaced"), &v))
        im->replaced += v;
    /* The daemon answers after the commit that holds the articles, and
     * applies one client's requests in the order sent. */
    const msgpack_object *ids = nx_mp_get(res, "ids");
    if (ids && ids->type == MSGPACK_OBJECT_ARRAY && ids->via.array.size > 0) {
        char *last = nx_mp_text(&ids->via.array.ptr[ids->via.array.size - 1], "id", NULL);
        set_last_id(im, last);
        free(last);
    }
    /* What the daemon left out (a date that cannot be right). */
    const msgpack_object *warnings = nx_mp_get(res, "warnings");
    for (uint32_t i = 0; warnings && warnings->type == MSGPACK_OBJECT_ARRAY &&
                         i < warnings->via.array.size; i++) {
        char *w = nx_mp_text(&warnings->via.array.ptr[i], "warning", NULL);
        if (w)
            cli_warn(im->c, "daemon: %s", w);
        free(w);
    }
    im->committed = im->added + im->replaced;
    report_commit(im);
    return true;
}

static void pack_items(msgpack_packer *pk, const void *arg)
{
    const import_t *im = arg;
    msgpack_pack_array(pk, 1);
    msgpack_pack_array(pk, im->n_items);
    /* the article maps, already packed */
    pk->callback(pk->data, im->items.data, im->items.len);
}

static void daemon_flush(import_t *im)
{
    if (!im->n_items || im->failed)
        return;
    while (im->n_sent >= DAEMON_WINDOW && !im->failed)
        daemon_receive(im);
    if (im->failed)
        return;
    uint32_t msgid;
    if (nx_client_send(im->cl, "add", pack_items, im, &msgid) != NEWSIDX_OK) {
        cli_error(im->c, "the daemon stopped answering");
        im->failed = true;
        return;
    }
    im->window[im->n_sent++] = (sent_t){msgid, im->n_items};
    nx_buf_reset(&im->items);
    im->n_items = 0;
}

static void deliver_daemon(import_t *im, newsidx_article_t *a, const char *path)
{
    nx_buf_t one;
    nx_buf_init(&one);
    msgpack_packer pk;
    nx_mp_packer_init(&pk, &one);
    nx_mp_pack_article(&pk, a, NX_FIELDS_INPUT);
    if (one.len + 256 > im->max_request) {
        cli_error(im->c, "%s: article %s: %zu bytes, more than the daemon takes in one request "
                  "([daemon] max_request)", path, a->id, one.len);
        im->rejected++;
        nx_buf_free(&one);
        return;
    }
    if (im->items.len + one.len + 256 > im->max_request / 2 || im->n_items >= 500)
        daemon_flush(im);
    nx_buf_add(&im->items, one.data, one.len);
    im->n_items++;
    nx_buf_free(&one);
}

static void import_file(import_t *im, const source_t *src, newsidx_format_t format)
{
    newsidx_input_t *in = NULL;
    char *err = NULL;
    newsidx_status_t st = newsidx_input_open(src->path, format, &in, &err);
    if (st != NEWSIDX_OK) {
        cli_error(im->c, "%s", err ? err : newsidx_status_to_string(st));
        free(err);
        im->rejected++;
        return;
    }
    while (!atomic_load(&im->failed)) {
        newsidx_article_t *a = NULL;
        st = newsidx_input_next(in, &a);
        if (st == NEWSIDX_END)
            break;
        if (newsidx_input_warning(in)) {
            cli_warn(im->c, "%s", newsidx_input_warning(in));
        }
        if (st != NEWSIDX_OK) {
            cli_error(im->c, "%s", newsidx_input_error(in) ? newsidx_input_error(in)
                                                          : newsidx_status_to_string(st));
            atomic_fetch_add(&im->rejected, 1);
            if (st == NEWSIDX_ERR_INPUT)
                continue;
            break;
        }
        atomic_fetch_add(&im->read, 1);
        summary_article(&im->sum, newsidx_input_format(in), a);
        atomic_store(&im->bytes, im->bytes_done + newsidx_input_offset(in));
        if (im->cl) {
            deliver_daemon(im, a, src->path);
            newsidx_article_free(a);
            progress_update(im->progress, atomic_load(&im->bytes), atomic_load(&im->read),
                            im->committed, atomic_load(&im->rejected));
        } else {
            deliver_local(im, a, src->path);
        }
    }
    summary_input(&im->sum, in);
    im->bytes_done += src->size ? src->size : newsidx_input_offset(in);
    atomic_store(&im->bytes, im->bytes_done);
    newsidx_input_close(in);
}

static void read_all_sources(import_t *im)
{
    for (size_t i = 0; i < im->srcs->n && !atomic_load(&im->failed); i++)
        import_file(im, &im->srcs->v[i], im->format);
}

static void *reader_main(void *arg)
{
    import_t *im = arg;
    read_all_sources(im);
    pipeline_close(im->pl);
    return NULL;
}

/* Local mode: the reader thread feeds the pipeline; this thread writes. */
static void run_local(import_t *im)
{
    unsigned threads = (unsigned)newsidx_config_get_uint(im->c->config, NEWSIDX_CONFIG_THREADS);
    if (!threads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (unsigned)cores : 1;
    }
    /* Into an empty database, Xapian's writing itself runs in parallel
     * (nx_writer_bulk()); the parts are merged by the compaction that
     * compact = never turns off. */
    if (threads > 1 && strcmp(cli_compact(im->c), "never") != 0)
        nx_writer_bulk(im->w, threads < MAX_BULK_PARTS ? threads : MAX_BULK_PARTS);
    im->pl = pipeline_new(threads, PIPELINE_ITEMS, prepare, im);
    pthread_t reader;
    if (!im->pl || pthread_create(&reader, NULL, reader_main, im) != 0) {
        cli_error(im->c, "cannot start threads");
        atomic_store(&im->failed, true);
        pipeline_free(im->pl);
        return;
    }
    item_t *it;
    while ((it = pipeline_pop(im->pl))) {
        /* After a fatal error, drain without writing. */
        if (!atomic_load(&im->failed))
            write_item(im, it);
        free_item(it);
        progress_update(im->progress, atomic_load(&im->bytes), atomic_load(&im->read),
                        im->committed, atomic_load(&im->rejected));
    }
    pthread_join(reader, NULL);
    pipeline_free(im->pl);
    im->pl = NULL;
}

/* What add's command line asks for. */
typedef struct add_args {
    newsidx_format_t format;
    bool quiet, shards;
    int progress_fd;            /* --progress-fd, or -1 */
} add_args_t;

/* The options into a, checked against the configuration's shards: -1
 * to go on (the paths from optind), else the exit status. */
static int parse_add_options(cli_t *c, int argc, char **argv, add_args_t *a)
{
    static const struct option opts[] = {
        {"shards", no_argument, NULL, 'S'},
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"db", required_argument, NULL, 'd'},
        {"progress-fd", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0},
    };
    *a = (add_args_t){.format = NEWSIDX_FORMAT_AUTO, .progress_fd = -1};
    int o;
    optind = 0;  /* 0, not 1: glibc then starts afresh and permutes, so that
                   options may follow the paths ("add DIR --quiet") */
    while ((o = getopt_long(argc, argv, "f:q", opts, NULL)) != -1) {
        switch (o) {
        case 'f':
            if (newsidx_format_from_string(optarg, &a->format) != NEWSIDX_OK) {
                cli_error(c, "unknown format '%s' (%s)", optarg, CLI_FORMATS);
                return EXIT_USAGE;
            }
            break;
        case 'q': a->quiet = true; break;
        case 'S': a->shards = true; break;
        case 'P': {
            char *end;
            long fd = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || fd < 0 || fd > INT_MAX || fcntl((int)fd, F_GETFD) < 0) {
                cli_error(c, "--progress-fd: '%s' is not an open file descriptor", optarg);
                return EXIT_USAGE;
            }
            a->progress_fd = (int)fd;
            break;
        }
        case 'd': cli_set_db(c, optarg); break;
        default: return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error(c, "add: nothing to add (give files, directories or - for standard input)");
        return EXIT_USAGE;
    }
    /* Writing into shards is asked for explicitly: an article placed in
     * the wrong database is hard to find again. */
    if (a->shards && (c->db_forced || !cli_shard_count(c))) {
        cli_error(c, "add --shards: %s", c->db_forced ? "give --shards or --db, not both"
                                                      : "the configuration lists no [shards]");
        return EXIT_USAGE;
    }
    if (!a->shards && !c->db_forced && cli_shard_count(c)) {
        cli_error(c, "the configuration lists shards: add --shards to write into them, or --db "
                     "for one database");
        return EXIT_USAGE;
    }
    return -1;
}

/* Local mode: the extractor, and the writer of the database or of the
 * shards; false once it said why not. */
static bool open_local(import_t *im, bool shards)
{
    cli_t *c = im->c;
    char *err = NULL;
    newsidx_status_t st = newsidx_extractor_new(cli_gazetteer(c), &im->x, &err);
    if (st != NEWSIDX_OK) {
        cli_error(c, "%s", err ? err : newsidx_status_to_string(st));
        free(err);
        return false;
    }
    st = newsidx_writer_open(shards ? NULL : c->db_path, c->config,
                             NEWSIDX_WRITER_CREATE | NEWSIDX_WRITER_WAIT, &im->w, &err);
    if (st != NEWSIDX_OK) {
        cli_error(c, "%s", err ? err : newsidx_status_to_string(st));
        free(err);
        newsidx_extractor_free(im->x);
        return false;
    }
    nx_writer_set_extractor(im->w, im->x);
    return true;
}

/* Daemon mode's end: the last batch sent, every answer waited for. */
static void finish_daemon(import_t *im)
{
    daemon_flush(im);
    while (im->n_sent && !im->failed)
        daemon_receive(im);
    nx_client_close(im->cl);
}

/* Local mode's end: the last commit, a compaction when the load was a
 * large part of the index, the writer closed. */
static void finish_local(import_t *im)
{
    cli_t *c = im->c;
    if (!im->failed)
        commit(im);
    /* Many small commits leave the index about twice its size;
     * rewriting it once after a bulk load is quick (a second for
     * Reuters-21578) and gives the space back. */
    uint64_t docs = nx_writer_doccount(im->w), loaded = im->added + im->replaced;
    if (!im->failed && im->commits > 1 &&
        (strcmp(cli_compact(c), "always") == 0 ||
         (strcmp(cli_compact(c), "auto") == 0 && loaded * COMPACT_SHARE >= docs))) {
        if (newsidx_writer_compact(im->w) != NEWSIDX_OK)
            cli_warn(c, "compacting the database failed (it is intact, only larger): %s",
                     newsidx_writer_error(im->w));
    }
    newsidx_status_t st = newsidx_writer_close(im->w);
    /* (after a failed commit, said already, it fails the same way) */
    if (st != NEWSIDX_OK && !im->failed) {
        cli_error(c, "the final commit failed, the articles since the last commit are "
                     "not in the index: %s", newsidx_writer_error(im->w)
                                              ? newsidx_writer_error(im->w)
                                              : newsidx_status_to_string(st));
        im->failed = true;
    }
    newsidx_writer_destroy(im->w);
    newsidx_extractor_free(im->x);
}

/* The closing lines: counts, speed, what was not written and why. */
static void report(const import_t *im, double secs, unsigned problems, bool quiet)
{
    cli_t *c = im->c;
    uint64_t done = im->added + im->replaced, rejected = atomic_load(&im->rejected);
    if (!quiet || rejected || problems || im->failed)
        fprintf(stderr,
                "%s: %llu articles indexed (%llu new, %llu replaced), %llu rejected, "
                "in %.1f s (%.0f articles/s)\n",
                c->prog, (unsigned long long)done, (unsigned long long)im->added,
                (unsigned long long)im->replaced, (unsigned long long)(rejected + problems), secs,
                secs > 0 ? (double)done / secs : 0.0);
    if (im->kept)
        fprintf(stderr, "%s: %llu articles not written: the index holds a newer version of "
                "their id\n", c->prog, (unsigned long long)im->kept);
    if (im->duplicates)
        fprintf(stderr, "%s: %llu exact duplicates: the same id and the same article as one "
                "already indexed (not counted as replaced)\n", c->prog,
                (unsigned long long)im->duplicates);
    if (im->joined)
        fprintf(stderr, "%s: %llu stories joined with their parts (takes, adds) sent apart; "
                "%llu parts indexed alone before are now in their story\n", c->prog,
                (unsigned long long)im->joined, (unsigned long long)im->absorbed);
    if (im->other_day)
        fprintf(stderr, "%s: %llu wire versions sent across midnight GMT took the id of the "
                "story they update (sent the day before or after)\n", c->prog,
                (unsigned long long)im->other_day);
}

int cmd_add(cli_t *c, int argc, char **argv)
{
    add_args_t args;
    int rc = parse_add_options(c, argc, argv, &args);
    if (rc >= 0)
        return rc;
    /* A FIFO or device named on the command line is read only when
     * --format says what it streams. */
    sources_t srcs = {.streams = args.format != NEWSIDX_FORMAT_AUTO};
    unsigned problems = sources_collect(c, argv + optind, argc - optind, &srcs);

    import_t im = {.c = c, .progress_fd = args.progress_fd};
    nx_buf_init(&im.items);
    im.max_request = (size_t)newsidx_config_get_uint(c->config, NEWSIDX_CONFIG_MAX_REQUEST);
    if (!c->db_forced) {
        /* A daemon owns the database (or the shards): send it the
         * articles. */
        im.cl = cli_connect_daemon(c);
        if (!im.cl && c->socket_forced) {
            sources_free(&srcs);
            return EXIT_FAIL;
        }
    }
    if (!im.cl && !open_local(&im, args.shards)) {
        sources_free(&srcs);
        return EXIT_FAIL;
    }
    double t0 = nx_now();
    im.batch_started = t0;
    im.format = args.format;
    im.srcs = &srcs;
    im.progress = progress_new(c->prog, srcs.total_known ? srcs.total_bytes : 0, args.quiet);
    c->progress = im.progress;
    if (im.cl) {
        read_all_sources(&im);
        finish_daemon(&im);
    } else {
        run_local(&im);
        finish_local(&im);
    }
    c->progress = NULL;
    progress_clear(im.progress);
    progress_free(im.progress);
    nx_buf_free(&im.items);
    free(im.last_id);
    report(&im, nx_now() - t0, problems, args.quiet);
    summary_print(c, &im.sum, !args.quiet);
    summary_free(&im.sum);
    sources_free(&srcs);
    if (im.failed)
        return EXIT_FAIL;
    return (atomic_load(&im.rejected) || problems) ? EXIT_REJECTED : EXIT_OK;
}
