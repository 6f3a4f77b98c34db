/* spool.c - a spool folder watched with inotify (see spool.h).
 *
 * The directory, done/ and failed/ are held open and every file is
 * named relative to them (the *at() calls), so that nothing depends on
 * the current directory.  Moves use renameat2(RENAME_NOREPLACE): a
 * file never replaces one already in done/ or failed/ (a sender may use
 * a name twice); the second gets ".1", ".2" ... added. */
#include "config.h"

#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* Records rejected in one file that its note lists; the rest are
 * counted. */
#define MAX_NOTED 1000
/* A file whose writes failed is tried again after these delays, then
 * goes to failed/. */
static const double retry_delays[] = {1, 5, 25};

typedef struct retry {
    char *name;
    double due;
    unsigned tries;             /* failed attempts so far */
    bool out;                   /* handed out, not finished yet */
} retry_t;

struct nx_spool {
    char *dir;
    int dir_fd, done_fd, failed_fd;
    int inotify_fd;
    /* names to import, in order; [head, n) waiting */
    char **names;
    size_t head, n, cap;
    retry_t *retries;
    size_t n_retries;
};

static const char *const partial_suffixes[] = {
    ".tmp", ".part", ".partial", ".filepart", ".crdownload", ".swp", "~",
};

bool nx_spool_ignored(const char *name)
{
    if (name[0] == '.' || name[0] == '\0')
        return true;
    for (size_t i = 0; i < NX_ARRAY_LEN(partial_suffixes); i++)
        if (nx_has_suffix(name, partial_suffixes[i]))
            return true;
    return false;
}

/* ---- the list of names waiting ---- */

static bool is_waiting(const nx_spool_t *sp, const char *name)
{
    for (size_t i = sp->head; i < sp->n; i++)
        if (strcmp(sp->names[i], name) == 0)
            return true;
    return false;
}

/* Appends a name unless it is waiting already; false when out of
 * memory. */
static bool add_waiting(nx_spool_t *sp, const char *name)
{
    if (is_waiting(sp, name))
        return true;
    if (sp->head > 0 && sp->head * 2 >= sp->n) {
        /* Most of the array is taken names: move the rest down. */
        memmove(sp->names, sp->names + sp->head, (sp->n - sp->head) * sizeof *sp->names);
        sp->n -= sp->head;
        sp->head = 0;
    }
    if (sp->n == sp->cap) {
        size_t cap = sp->cap ? sp->cap * 2 : 64;
        char **v = realloc(sp->names, cap * sizeof *v);
        if (!v)
            return false;
        sp->names = v;
        sp->cap = cap;
    }
    char *copy = nx_strdup(name);
    if (!copy)
        return false;
    sp->names[sp->n++] = copy;
    return true;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether the entry is a directory (which is never imported). */
static bool is_dir_entry(int dir_fd, const struct dirent *e)
{
    if (e->d_type == DT_DIR)
        return true;
    if (e->d_type != DT_UNKNOWN)
        return false;
    struct stat st;
    return fstatat(dir_fd, e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

/* Adds the files in the directory, in name order (at start, and after
 * inotify lost events). */
static bool scan(nx_spool_t *sp, char **err)
{
    int fd = dup(sp->dir_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        nx_set_error(err, "%s: %s", sp->dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    rewinddir(d);
    nx_strv_t found = {0};
    struct dirent *e;
    bool ok = true;
    while (ok && (e = readdir(d)))
        if (!nx_spool_ignored(e->d_name) && !is_dir_entry(sp->dir_fd, e))
            ok = nx_strv_push(&found, e->d_name);
    closedir(d);
    if (found.n)
        qsort(found.v, found.n, sizeof *found.v, cmp_names);
    for (size_t i = 0; ok && i < found.n; i++)
        ok = add_waiting(sp, found.v[i]);
    nx_strv_free(&found);
    if (!ok)
        nx_set_error(err, "out of memory");
    return ok;
}

/* ---- opening and watching ---- */

static int open_subdir(int dir_fd, const char *dir, const char *sub, char **err)
{
    if (mkdirat(dir_fd, sub, 0755) != 0 && errno != EEXIST) {
        nx_set_error(err, "cannot create %s/%s: %s", dir, sub, strerror(errno));
        return -1;
    }
    int fd = openat(dir_fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        nx_set_error(err, "%s/%s: %s", dir, sub, strerror(errno));
    return fd;
}

newsidx_status_t nx_spool_open(const char *dir, nx_spool_t **out, char **err)
{
    *out = NULL;
    nx_spool_t *sp = calloc(1, sizeof *sp);
    if (!sp || !(sp->dir = nx_strdup(dir))) {
        free(sp);
        return NEWSIDX_ERR_NOMEM;
    }
    /* A trailing slash would double in messages. */
    size_t len = strlen(sp->dir);
    while (len > 1 && sp->dir[len - 1] == '/')
        sp->dir[--len] = '\0';
    sp->done_fd = sp->failed_fd = sp->inotify_fd = -1;
    sp->dir_fd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sp->dir_fd < 0) {
        nx_set_error(err, "spool %s: %s", sp->dir, strerror(errno));
        nx_spool_close(sp);
        return NEWSIDX_ERR_IO;
    }
    sp->done_fd = open_subdir(sp->dir_fd, sp->dir, "done", err);
    sp->failed_fd = sp->done_fd >= 0 ? open_subdir(sp->dir_fd, sp->dir, "failed", err) : -1;
    if (sp->failed_fd < 0) {
        nx_spool_close(sp);
        return NEWSIDX_ERR_IO;
    }
    /* The watch before the listing: a file arriving in between is seen
     * by both, and listed once. */
    sp->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (sp->inotify_fd < 0 ||
        inotify_add_watch(sp->inotify_fd, sp->dir,
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                              IN_ONLYDIR) < 0) {
        nx_set_error(err, "cannot watch %s: %s%s", sp->dir, strerror(errno),
                     errno == ENOSPC ? " (the limit fs.inotify.max_user_watches or "
                                       "max_user_instances is reached)" : "");
        nx_spool_close(sp);
        return NEWSIDX_ERR_IO;
    }
    if (!scan(sp, err)) {
        nx_spool_close(sp);
        return NEWSIDX_ERR_IO;
    }
    *out = sp;
    return NEWSIDX_OK;
}

void nx_spool_close(nx_spool_t *sp)
{
    if (!sp)
        return;
    int fds[] = {sp->dir_fd, sp->done_fd, sp->failed_fd, sp->inotify_fd};
    for (size_t i = 0; i < NX_ARRAY_LEN(fds); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    for (size_t i = sp->head; i < sp->n; i++)
        free(sp->names[i]);
    free(sp->names);
    for (size_t i = 0; i < sp->n_retries; i++)
        free(sp->retries[i].name);
    free(sp->retries);
    free(sp->dir);
    free(sp);
}

const char *nx_spool_dir(const nx_spool_t *sp)
{
    return sp->dir;
}

int nx_spool_fd(const nx_spool_t *sp)
{
    return sp->inotify_fd;
}

bool nx_spool_poll(nx_spool_t *sp, char **err)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t got = read(sp->inotify_fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return true;        /* EAGAIN: nothing more for now */
        for (char *p = buf; p < buf + got;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)) {
                nx_set_error(err, "spool %s was removed, moved away or unmounted; no more "
                             "files are taken from it", sp->dir);
                return false;
            }
            if (ev->mask & IN_Q_OVERFLOW) {
                /* Events were lost: the directory says what is there. */
                if (!scan(sp, err))
                    return false;
                continue;
            }
            if (ev->len && !(ev->mask & IN_ISDIR) && !nx_spool_ignored(ev->name) &&
                !add_waiting(sp, ev->name)) {
                nx_set_error(err, "out of memory");
                return false;
            }
        }
    }
}

static retry_t *find_retry(nx_spool_t *sp, const char *name)
{
    for (size_t i = 0; i < sp->n_retries; i++)
        if (strcmp(sp->retries[i].name, name) == 0)
            return &sp->retries[i];
    return NULL;
}

static void drop_retry(nx_spool_t *sp, retry_t *r)
{
    free(r->name);
    *r = sp->retries[--sp->n_retries];
}

char *nx_spool_take(nx_spool_t *sp, double *wait)
{
    double now = nx_now(), next = -1;
    char *name = NULL;
    for (size_t i = 0; i < sp->n_retries; i++) {
        retry_t *r = &sp->retries[i];
        if (r->out)
            continue;
        if (!name && r->due <= now) {
            if ((name = nx_strdup(r->name)))
                r->out = true;
        } else if (next < 0 || r->due - now < next) {
            next = r->due > now ? r->due - now : 0;
        }
    }
    if (!name && sp->head < sp->n)
        name = sp->names[sp->head++];
    if (wait)
        *wait = next;
    return name;
}

size_t nx_spool_waiting(const nx_spool_t *sp)
{
    return sp->n - sp->head;
}

size_t nx_spool_retrying(const nx_spool_t *sp)
{
    return sp->n_retries;
}

/* ---- one file ---- */

static void note(nx_spool_file_t *f, const char *problem)
{
    if (f->problems.n < MAX_NOTED)
        nx_strv_push(&f->problems, problem);
}

newsidx_status_t nx_spool_file_open(nx_spool_t *sp, const char *name, newsidx_format_t format,
                                    nx_spool_file_t **out, char **err)
{
    *out = NULL;
    struct stat st;
    if (fstatat(sp->dir_fd, name, &st, 0) != 0) {
        if (errno != ENOENT)
            nx_set_error(err, "%s/%s: %s", sp->dir, name, strerror(errno));
        return NEWSIDX_END;
    }
    if (!S_ISREG(st.st_mode)) {
        if (!S_ISDIR(st.st_mode))
            nx_set_error(err, "%s/%s is not a regular file; left alone", sp->dir, name);
        return NEWSIDX_END;
    }
    nx_spool_file_t *f = calloc(1, sizeof *f);
    if (!f || !(f->name = nx_strdup(name)) ||
        !(f->path = nx_printf("%s/%s", sp->dir, name))) {
        nx_spool_file_free(f);
        return NEWSIDX_ERR_NOMEM;
    }
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->size = st.st_size;
    f->mtime = st.st_mtim;
    char *why = NULL;
    newsidx_status_t s = newsidx_input_open(f->path, format, &f->in, &why);
    if (s == NEWSIDX_ERR_NOMEM) {
        free(why);
        nx_spool_file_free(f);
        return s;
    }
    if (s != NEWSIDX_OK) {
        note(f, why ? why : newsidx_status_to_string(s));
        f->rejected++;
    }
    free(why);
    *out = f;
    return NEWSIDX_OK;
}

static void end_input(nx_spool_file_t *f)
{
    const newsidx_skip_t *skips;
    size_t n = newsidx_input_skipped(f->in, &skips);
    for (size_t i = 0; i < n; i++)
        f->skipped += skips[i].count;
    newsidx_input_close(f->in);
    f->in = NULL;
}

newsidx_status_t nx_spool_file_next(nx_spool_file_t *f, newsidx_article_t **article,
                                    const char **warning)
{
    *article = NULL;
    if (warning)
        *warning = NULL;
    while (f->in) {
        newsidx_status_t st = newsidx_input_next(f->in, article);
        if (st == NEWSIDX_OK) {
            f->articles++;
            if (warning)
                *warning = newsidx_input_warning(f->in);
            return NEWSIDX_OK;
        }
        if (st == NEWSIDX_END) {
            end_input(f);
            break;
        }
        const char *e = newsidx_input_error(f->in);
        note(f, e ? e : newsidx_status_to_string(st));
        f->rejected++;
        if (st != NEWSIDX_ERR_INPUT)
            end_input(f);       /* the rest cannot be read */
    }
    return NEWSIDX_END;
}

void nx_spool_file_free(nx_spool_file_t *f)
{
    if (!f)
        return;
    if (f->in)
        newsidx_input_close(f->in);
    nx_strv_free(&f->problems);
    free(f->write_error);
    free(f->name);
    free(f->path);
    free(f);
}

/* ---- moving a file out ---- */

/* Renames name in the spool to target in dir_fd, never over an existing
 * file: 0, or an errno (EEXIST when target is taken). */
static int move_noreplace(nx_spool_t *sp, const char *name, int dir_fd, const char *target)
{
    if (renameat2(sp->dir_fd, name, dir_fd, target, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
    /* A file system without RENAME_NOREPLACE: look, then rename. */
    if (faccessat(dir_fd, target, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return EEXIST;
    return renameat(sp->dir_fd, name, dir_fd, target) == 0 ? 0 : errno;
}

static bool name_free(int dir_fd, const char *name)
{
    return faccessat(dir_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT;
}

/* NAME, else NAME.1, NAME.2 ...: the first for which nothing exists in
 * dir_fd, its note (NAME.error) included. */
static char *free_name(int dir_fd, const char *name, unsigned *k)
{
    for (;; (*k)++) {
        char *t = *k ? nx_printf("%s.%u", name, *k) : nx_strdup(name);
        char *e = t ? nx_printf("%s.error", t) : NULL;
        bool ok = e && name_free(dir_fd, t) && name_free(dir_fd, e);
        free(e);
        if (ok || !t)
            return t;
        free(t);
        if (*k > 100000)
            return NULL;
    }
}

static bool write_note(int dir_fd, const char *target, const char *text)
{
    char *tmp = nx_printf(".%s.error.tmp", target);
    char *final = nx_printf("%s.error", target);
    bool ok = false;
    int fd = tmp ? openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    if (fd >= 0) {
        size_t n = strlen(text), off = 0;
        while (off < n) {
            ssize_t w = write(fd, text + off, n - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        ok = off == n && close(fd) == 0;
        if (off != n)
            close(fd);
        ok = ok && renameat(dir_fd, tmp, dir_fd, final) == 0;
        if (!ok)
            unlinkat(dir_fd, tmp, 0);
    }
    free(tmp);
    free(final);
    return ok;
}

/* The note beside a failed file: what happened, then each problem. */
static char *note_text(const nx_spool_file_t *f, const char *failure)
{
    nx_buf_t b;
    nx_buf_init(&b);
    nx_buf_addf(&b, "%s: %s\n", f->path, failure);
    for (size_t i = 0; i < f->problems.n; i++)
        nx_buf_addf(&b, "%s\n", f->problems.v[i]);
    if (f->rejected > f->problems.n)
        nx_buf_addf(&b, "... and %llu more\n",
                    (unsigned long long)(f->rejected - f->problems.n));
    nx_buf_adds(&b, "To import it again, correct it and move it back into the spool "
                    "directory.\n");
    return nx_buf_steal(&b);
}

static nx_spool_outcome_t move_failed(nx_spool_t *sp, nx_spool_file_t *f, const char *failure,
                                      char **msg)
{
    char *text = note_text(f, failure);
    unsigned k = 0;
    for (;; k++) {
        char *target = free_name(sp->failed_fd, f->name, &k);
        if (!target || !text) {
            free(target);
            free(text);
            nx_set_error(msg, "%s: out of memory moving it to failed/", f->path);
            return NX_SPOOL_STUCK;
        }
        /* The note first: a crash in between leaves the file in the
         * spool, imported again, never a failed file without its note. */
        if (!write_note(sp->failed_fd, target, text)) {
            nx_set_error(msg, "%s: %s; cannot write its note in %s/failed/: %s", f->path,
                         failure, sp->dir, strerror(errno));
            free(target);
            free(text);
            return NX_SPOOL_STUCK;
        }
        int e = move_noreplace(sp, f->name, sp->failed_fd, target);
        if (e == 0) {
            nx_set_error(msg, "%s: %s; moved to failed/%s (see failed/%s.error)", f->path,
                         failure, target, target);
            free(target);
            free(text);
            return NX_SPOOL_FAILED;
        }
        char *note_name = nx_printf("%s.error", target);
        if (note_name)
            unlinkat(sp->failed_fd, note_name, 0);
        free(note_name);
        free(target);
        if (e != EEXIST) {
            nx_set_error(msg, "%s: %s; cannot move it to %s/failed/: %s", f->path, failure,
                         sp->dir, strerror(e));
            free(text);
            return e == ENOENT ? NX_SPOOL_GONE : NX_SPOOL_STUCK;
        }
    }
}

static nx_spool_outcome_t move_done(nx_spool_t *sp, nx_spool_file_t *f, char **msg)
{
    for (unsigned k = 0;; k++) {
        char *target = free_name(sp->done_fd, f->name, &k);
        if (!target) {
            nx_set_error(msg, "%s: out of memory moving it to done/", f->path);
            return NX_SPOOL_STUCK;
        }
        int e = move_noreplace(sp, f->name, sp->done_fd, target);
        if (e == 0) {
            nx_set_error(msg, "%s: %llu article%s indexed%s; moved to done/%s", f->path,
                         (unsigned long long)f->articles, f->articles == 1 ? "" : "s",
                         f->skipped ? " (items that are not articles passed over)" : "",
                         target);
            free(target);
            return NX_SPOOL_DONE;
        }
        free(target);
        if (e != EEXIST) {
            nx_set_error(msg, "%s: %llu articles indexed; cannot move it to %s/done/: %s",
                         f->path, (unsigned long long)f->articles, sp->dir, strerror(e));
            return e == ENOENT ? NX_SPOOL_GONE : NX_SPOOL_STUCK;
        }
    }
}

/* Whether the file in the spool is still the one that was read. */
static nx_spool_outcome_t check_same(nx_spool_t *sp, nx_spool_file_t *f, char **msg)
{
    struct stat st;
    if (fstatat(sp->dir_fd, f->name, &st, 0) != 0) {
        nx_set_error(msg, "%s: removed from the spool before it could be moved (%llu articles "
                     "of it are indexed)", f->path, (unsigned long long)f->articles);
        return NX_SPOOL_GONE;
    }
    if (st.st_dev != f->dev || st.st_ino != f->ino || st.st_size != f->size ||
        st.st_mtim.tv_sec != f->mtime.tv_sec || st.st_mtim.tv_nsec != f->mtime.tv_nsec) {
        add_waiting(sp, f->name);
        nx_set_error(msg, "%s: changed while it was read; importing it again", f->path);
        return NX_SPOOL_AGAIN;
    }
    return NX_SPOOL_DONE;
}

static nx_spool_outcome_t finish(nx_spool_t *sp, nx_spool_file_t *f, char **msg)
{
    nx_spool_outcome_t o = check_same(sp, f, msg);
    if (o != NX_SPOOL_DONE)
        return o;
    retry_t *r = find_retry(sp, f->name);
    if (f->write_error) {
        unsigned tries = (r ? r->tries : 0) + 1;
        if (tries <= NX_ARRAY_LEN(retry_delays)) {
            if (!r) {
                retry_t *v = realloc(sp->retries, (sp->n_retries + 1) * sizeof *v);
                char *name = nx_strdup(f->name);
                if (!v || !name) {
                    free(name);
                    if (v)
                        sp->retries = v;
                    nx_set_error(msg, "%s: the index could not be written (%s), and out of "
                                 "memory; it stays in the spool", f->path, f->write_error);
                    return NX_SPOOL_STUCK;
                }
                sp->retries = v;
                r = &v[sp->n_retries++];
                r->name = name;
            }
            r->tries = tries;
            r->due = nx_now() + retry_delays[tries - 1];
            r->out = false;
            nx_set_error(msg, "%s: the index could not be written (%s); trying again in "
                         "%.0f s (attempt %u of %zu)", f->path, f->write_error,
                         retry_delays[tries - 1], tries + 1, NX_ARRAY_LEN(retry_delays) + 1);
            return NX_SPOOL_RETRY;
        }
        drop_retry(sp, r);
        char *failure = nx_printf("not indexed: the index could not be written in %u "
                                  "attempts: %s", tries, f->write_error);
        o = move_failed(sp, f, failure ? failure : "not indexed: the index could not be "
                                                   "written", msg);
        free(failure);
        return o;
    }
    if (r)
        drop_retry(sp, r);
    if (f->rejected || (!f->articles && !f->skipped)) {
        char *failure =
            !f->rejected ? nx_strdup("nothing indexed: no article in this file")
            : !f->articles ? nx_printf("nothing indexed: %llu record%s rejected",
                                       (unsigned long long)f->rejected,
                                       f->rejected == 1 ? "" : "s")
            : nx_printf("%llu record%s rejected; %llu article%s indexed",
                        (unsigned long long)f->rejected, f->rejected == 1 ? "" : "s",
                        (unsigned long long)f->articles, f->articles == 1 ? "" : "s");
        o = move_failed(sp, f, failure ? failure : "records rejected", msg);
        free(failure);
        return o;
    }
    return move_done(sp, f, msg);
}

/* A test hook (doc/reliability.md): while the file $NEWSIDX_FAULT_SPOOL_MOVE
 * exists, a file whose articles are committed waits before it is moved,
 * so that a test can kill the process in between. */
static void fault_hold(void)
{
    const char *hold = getenv("NEWSIDX_FAULT_SPOOL_MOVE");
    while (hold && *hold && access(hold, F_OK) == 0)
        usleep(10000);
}

nx_spool_outcome_t nx_spool_finish(nx_spool_t *sp, nx_spool_file_t *f, char **msg)
{
    fault_hold();
    nx_spool_outcome_t o = finish(sp, f, msg);
    nx_spool_file_free(f);
    return o;
}
