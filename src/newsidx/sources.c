/* sources.c - the files an import reads: paths, directories walked
 * recursively, standard input; with their sizes for progress and ETA. */
#include "config.h"

#include "cli.h"

#include <errno.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool push_source(sources_t *s, const char *path, uint64_t size)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        source_t *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return false;
        s->v = v;
        s->cap = cap;
    }
    if (!(s->v[s->n].path = nx_strdup(path)))
        return false;
    s->v[s->n++].size = size;
    s->total_bytes += size;
    return true;
}

void sources_free(sources_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].path);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int cmp_names(const FTSENT **a, const FTSENT **b)
{
    return strcmp((*a)->fts_name, (*b)->fts_name);
}

/* A Xapian database (an index, or the one being written, when a user
 * imports the folder that holds it) has one of these files: its tables
 * are no articles. */
static bool is_database(const char *dir)
{
    static const char *const marks[] = {"iamglass", "iamchert", "flintlock"};
    for (size_t i = 0; i < NX_ARRAY_LEN(marks); i++) {
        char *path = nx_printf("%s/%s", dir, marks[i]);
        bool found = path && access(path, F_OK) == 0;
        free(path);
        if (found)
            return true;
    }
    return false;
}

/* Files under a directory, in name order, following symbolic links
 * (fts reports a link that loops back as FTS_DC, which we skip);
 * hidden files and directories are left out.  Returns problems found. */
static unsigned walk(cli_t *c, const char *dir, sources_t *out)
{
    char *paths[] = {(char *)dir, NULL};
    unsigned problems = 0;
    FTS *fts = fts_open(paths, FTS_LOGICAL | FTS_NOCHDIR, cmp_names);
    if (!fts) {
        cli_error(c, "%s: %s", dir, strerror(errno));
        return 1;
    }
    FTSENT *e;
    while ((e = fts_read(fts))) {
        bool hidden = e->fts_level > 0 && e->fts_name[0] == '.';
        switch (e->fts_info) {
        case FTS_D:
            if (hidden) {
                fts_set(fts, e, FTS_SKIP);
            } else if (is_database(e->fts_path)) {
                cli_warn(c, "%s: a Xapian database, not articles: skipped", e->fts_path);
                fts_set(fts, e, FTS_SKIP);
            }
            break;
        case FTS_F:
            if (!hidden && !push_source(out, e->fts_path, (uint64_t)e->fts_statp->st_size)) {
                cli_error(c, "out of memory");
                problems++;
            }
            break;
        case FTS_DC:
            cli_warn(c, "%s: directory loop (a symbolic link back to a parent), skipped",
                     e->fts_path);
            problems++;
            break;
        case FTS_SLNONE:
            cli_warn(c, "%s: dangling symbolic link, skipped", e->fts_path);
            problems++;
            break;
        case FTS_DNR:
        case FTS_ERR:
        case FTS_NS:
            cli_error(c, "%s: %s", e->fts_path, strerror(e->fts_errno));
            problems++;
            break;
        default:
            break;
        }
    }
    fts_close(fts);
    return problems;
}

unsigned sources_collect(cli_t *c, char **paths, int n, sources_t *out)
{
    unsigned problems = 0;
    out->total_known = true;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") == 0) {
            push_source(out, "-", 0);
            out->total_known = false;
        } else if (stat(paths[i], &st) != 0) {
            cli_error(c, "%s: %s", paths[i], strerror(errno));
            problems++;
        } else if (S_ISDIR(st.st_mode)) {
            problems += walk(c, paths[i], out);
        } else if (!S_ISREG(st.st_mode) && !out->streams) {
            /* A FIFO nobody writes to would be waited on for ever. */
            cli_error(c, "%s: %s, not a file: give --format to read it as a stream of that "
                      "format, or - for standard input", paths[i],
                      S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket"
                                                                           : "a device");
            problems++;
        } else {
            push_source(out, paths[i], (uint64_t)st.st_size);
            if (!S_ISREG(st.st_mode))
                out->total_known = false;
        }
    }
    return problems;
}

