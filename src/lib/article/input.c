/* input.c - a stream of articles from a file or standard input.
 *
 * A text or headered file is one article; a JSON Lines file is one per
 * line.  Every record is bounded (NX_MAX_RECORD): a 100 MB line is
 * reported and skipped without being held in memory, and a bad record
 * never ends the stream. */
#include "config.h"

#include "nx.h"
#include "utf8.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct newsidx_input {
    FILE *fp;
    bool own_fp;
    char *name;                 /* for messages */
    newsidx_format_t format;
    bool done;
    unsigned long line;         /* line number of the next unread line */
    uint64_t offset;
    char *error;
    char *warning;
    /* read-ahead for the line reader */
    char chunk[65536];
    size_t chunk_pos, chunk_len;
    nx_buf_t rec;
};

newsidx_status_t newsidx_input_open(const char *path, newsidx_format_t format,
                                    newsidx_input_t **out, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = NULL;
    newsidx_input_t *in = calloc(1, sizeof *in);
    if (!in)
        return NEWSIDX_ERR_NOMEM;
    nx_buf_init(&in->rec);
    in->line = 1;
    in->format = format;
    if (strcmp(path, "-") == 0) {
        in->fp = stdin;
        in->name = nx_strdup("<stdin>");
    } else {
        struct stat st;
        in->name = nx_strdup(path);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            nx_set_error(errmsg, "%s: is a directory", path);
            newsidx_input_close(in);
            return NEWSIDX_ERR_IO;
        }
        in->fp = fopen(path, "rb");
        if (!in->fp) {
            nx_set_error(errmsg, "%s: %s", path, strerror(errno));
            newsidx_input_close(in);
            return NEWSIDX_ERR_IO;
        }
        in->own_fp = true;
    }
    if (!in->name) {
        newsidx_input_close(in);
        return NEWSIDX_ERR_NOMEM;
    }
    *out = in;
    return NEWSIDX_OK;
}

void newsidx_input_close(newsidx_input_t *in)
{
    if (!in)
        return;
    if (in->own_fp && in->fp)
        fclose(in->fp);
    free(in->name);
    free(in->error);
    free(in->warning);
    nx_buf_free(&in->rec);
    free(in);
}

const char *newsidx_input_error(const newsidx_input_t *in)
{
    return in->error;
}

const char *newsidx_input_warning(const newsidx_input_t *in)
{
    return in->warning;
}

newsidx_format_t newsidx_input_format(const newsidx_input_t *in)
{
    return in->format;
}

uint64_t newsidx_input_offset(const newsidx_input_t *in)
{
    return in->offset;
}

static bool fill(newsidx_input_t *in)
{
    if (in->chunk_pos < in->chunk_len)
        return true;
    in->chunk_pos = 0;
    in->chunk_len = fread(in->chunk, 1, sizeof in->chunk, in->fp);
    return in->chunk_len > 0;
}

/* Reads one line into in->rec (without the newline).  Returns false at
 * the end of input.  A line longer than NX_MAX_RECORD is consumed to its
 * end and flagged by *too_long with an empty record. */
static bool read_line(newsidx_input_t *in, bool *too_long)
{
    nx_buf_reset(&in->rec);
    *too_long = false;
    bool any = false;
    while (fill(in)) {
        any = true;
        const char *p = in->chunk + in->chunk_pos;
        size_t avail = in->chunk_len - in->chunk_pos;
        const char *nl = memchr(p, '\n', avail);
        size_t take = nl ? (size_t)(nl - p) : avail;
        if (!*too_long) {
            if (in->rec.len + take > NX_MAX_RECORD) {
                *too_long = true;
                nx_buf_reset(&in->rec);
            } else {
                nx_buf_add(&in->rec, p, take);
            }
        }
        in->chunk_pos += take + (nl ? 1 : 0);
        in->offset += take + (nl ? 1 : 0);
        if (nl)
            return true;
    }
    return any;
}

/* Reads the whole (remaining) input into in->rec; false when it is
 * larger than a record may be. */
static bool read_all(newsidx_input_t *in)
{
    nx_buf_reset(&in->rec);
    while (fill(in)) {
        size_t avail = in->chunk_len - in->chunk_pos;
        if (in->rec.len + avail > NX_MAX_RECORD)
            return false;
        nx_buf_add(&in->rec, in->chunk + in->chunk_pos, avail);
        in->chunk_pos = in->chunk_len;
        in->offset += avail;
    }
    return true;
}

static void set_warning(newsidx_input_t *in, unsigned long line, const char *what)
{
    nx_set_error(&in->warning, "%s:%lu: %s", in->name, line, what);
}

/* Cleans raw bytes into *text; sets in->error for binary data. */
static newsidx_status_t clean(newsidx_input_t *in, unsigned long line, const char *p,
                              size_t n, char **text, size_t *len)
{
    nx_text_verdict_t v = nx_text_clean(p, n, text, len);
    if (v == NX_TEXT_BINARY) {
        nx_set_error(&in->error, "%s:%lu: binary data (NUL or control bytes), not an article",
                     in->name, line);
        return NEWSIDX_ERR_INPUT;
    }
    if (!*text)
        return NEWSIDX_ERR_NOMEM;
    if (v == NX_TEXT_REPAIRED)
        set_warning(in, line, "invalid UTF-8 repaired (stray bytes read as Windows-1252)");
    return NEWSIDX_OK;
}

static newsidx_status_t next_jsonl(newsidx_input_t *in, newsidx_article_t **out)
{
    for (;;) {
        bool too_long;
        unsigned long line = in->line;
        if (!read_line(in, &too_long)) {
            in->done = true;
            return ferror(in->fp) ? NEWSIDX_ERR_IO : NEWSIDX_END;
        }
        in->line++;
        if (too_long) {
            nx_set_error(&in->error, "%s:%lu: line longer than %u MiB, skipped", in->name,
                         line, NX_MAX_RECORD >> 20);
            return NEWSIDX_ERR_INPUT;
        }
        const char *p = in->rec.data ? in->rec.data : "";
        size_t n = in->rec.len;
        nx_trim(&p, &n);
        if (n == 0)
            continue;                   /* blank lines are allowed */
        char *text;
        size_t len;
        newsidx_status_t st = clean(in, line, p, n, &text, &len);
        if (st != NEWSIDX_OK)
            return st;
        json_error_t jerr;
        json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
        free(text);
        if (!obj) {
            nx_set_error(&in->error, "%s:%lu: invalid JSON at column %d: %s", in->name, line,
                         jerr.column, jerr.text);
            return NEWSIDX_ERR_INPUT;
        }
        newsidx_article_t *a = newsidx_article_new();
        char *err = NULL;
        if (!a || !nx_article_from_json(obj, a, NX_FIELDS_INPUT, &err) || !nx_article_finish(a, &err)) {
            nx_set_error(&in->error, "%s:%lu: %s", in->name, line, err ? err : "out of memory");
            free(err);
            json_decref(obj);
            newsidx_article_free(a);
            return NEWSIDX_ERR_INPUT;
        }
        json_decref(obj);
        *out = a;
        return NEWSIDX_OK;
    }
}

static newsidx_status_t parse_one(newsidx_format_t format, const char *text, size_t len,
                                  newsidx_article_t **out, char **err)
{
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NEWSIDX_ERR_NOMEM;
    bool ok = format == NEWSIDX_FORMAT_HEADERS ? nx_parse_headers(text, len, a, err)
                                               : nx_parse_text(text, len, a, err);
    if (!ok || !nx_article_finish(a, err)) {
        newsidx_article_free(a);
        return NEWSIDX_ERR_INPUT;
    }
    *out = a;
    return NEWSIDX_OK;
}

static newsidx_status_t next_whole(newsidx_input_t *in, newsidx_article_t **out)
{
    in->done = true;
    if (!read_all(in)) {
        nx_set_error(&in->error, "%s: larger than %u MiB, not an article; skipped", in->name,
                     NX_MAX_RECORD >> 20);
        return NEWSIDX_ERR_INPUT;
    }
    if (ferror(in->fp)) {
        nx_set_error(&in->error, "%s: read error: %s", in->name, strerror(errno));
        return NEWSIDX_ERR_IO;
    }
    char *text;
    size_t len;
    newsidx_status_t st = clean(in, 1, in->rec.data ? in->rec.data : "", in->rec.len, &text, &len);
    if (st != NEWSIDX_OK)
        return st;
    const char *t = text;
    size_t tl = len;
    nx_trim(&t, &tl);
    if (tl == 0) {
        free(text);
        nx_set_error(&in->error, "%s:1: empty file, no article", in->name);
        return NEWSIDX_ERR_INPUT;
    }
    char *err = NULL;
    st = parse_one(in->format, text, len, out, &err);
    free(text);
    if (st == NEWSIDX_ERR_INPUT) {
        /* Header errors carry their own "line N: "; others are about
         * the article as a whole. */
        if (err && strncmp(err, "line ", 5) == 0)
            nx_set_error(&in->error, "%s:%s", in->name, err + 5);
        else
            nx_set_error(&in->error, "%s:1: %s", in->name, err ? err : "unreadable article");
    }
    free(err);
    return st;
}

newsidx_status_t newsidx_input_next(newsidx_input_t *in, newsidx_article_t **out)
{
    *out = NULL;
    free(in->error);
    in->error = NULL;
    free(in->warning);
    in->warning = NULL;
    if (in->done)
        return NEWSIDX_END;
    if (in->format == NEWSIDX_FORMAT_AUTO) {
        fill(in);
        in->format = nx_detect_format(in->chunk, in->chunk_len, in->name);
    }
    if (in->format == NEWSIDX_FORMAT_JSONL)
        return next_jsonl(in, out);
    return next_whole(in, out);
}

newsidx_status_t newsidx_article_parse(const char *buf, size_t len, newsidx_format_t format,
                                       const char *name, newsidx_article_t **out,
                                       char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = NULL;
    if (!buf || format == NEWSIDX_FORMAT_JSONL)
        return NEWSIDX_ERR_ARG;
    if (format == NEWSIDX_FORMAT_AUTO)
        format = nx_detect_format(buf, len, name);
    if (format == NEWSIDX_FORMAT_JSONL)
        format = NEWSIDX_FORMAT_TEXT;
    char *text;
    size_t tl;
    if (nx_text_clean(buf, len, &text, &tl) == NX_TEXT_BINARY) {
        nx_set_error(errmsg, "%s: binary data, not an article", name ? name : "input");
        return NEWSIDX_ERR_INPUT;
    }
    if (!text)
        return NEWSIDX_ERR_NOMEM;
    char *err = NULL;
    newsidx_status_t st = parse_one(format, text, tl, out, &err);
    free(text);
    if (st == NEWSIDX_ERR_INPUT)
        nx_set_error(errmsg, "%s: %s", name ? name : "input", err ? err : "unreadable");
    free(err);
    return st;
}
