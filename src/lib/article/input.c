/* input.c - a stream of articles from a file or standard input.
 *
 * A text or headered file is one article; a JSON Lines file is one per
 * line; XML (NITF, NewsML, feeds), ninjs documents and wire
 * transmissions (ANPA-1312, IPTC 7901) may hold many, which their
 * readers (nx_item_reader_t) return one by one.  Every record is bounded
 * (NX_MAX_RECORD): a 100 MB line is reported and skipped without being
 * held in memory, and a bad record never ends the stream. */
#include "config.h"

#include "input.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

newsidx_status_t newsidx_input_open(const char *path, newsidx_format_t format,
                                    newsidx_input_t **out, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = NULL;
    if ((unsigned)format >= NEWSIDX_FORMAT_LAST) {
        nx_set_error(errmsg, "unknown input format %d", (int)format);
        return NEWSIDX_ERR_ARG;
    }
    newsidx_input_t *in = calloc(1, sizeof *in);
    if (!in)
        return NEWSIDX_ERR_NOMEM;
    nx_buf_init(&in->rec);
    in->line = 1;
    in->format = format;
    in->forced = format != NEWSIDX_FORMAT_AUTO;
    if (strcmp(path, "-") == 0) {
        in->fp = stdin;
        in->name = nx_strdup("<stdin>");
    } else {
        struct stat st;
        in->name = nx_strdup(path);
        /* O_NONBLOCK: opening a FIFO nobody writes to would wait for a
         * writer for ever; reads block again once it is open (and end at
         * once when there is no writer). */
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) != 0) {
            nx_set_error(errmsg, "%s: %s", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            newsidx_input_close(in);
            return NEWSIDX_ERR_IO;
        }
        if (S_ISDIR(st.st_mode)) {
            nx_set_error(errmsg, "%s: is a directory", path);
            close(fd);
            newsidx_input_close(in);
            return NEWSIDX_ERR_IO;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        in->fp = fdopen(fd, "rb");
        if (!in->fp) {
            nx_set_error(errmsg, "%s: %s", path, strerror(errno));
            close(fd);
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
    if (in->reader.free)
        in->reader.free(in->reader.state);
    if (in->own_fp && in->fp)
        fclose(in->fp);
    for (size_t i = 0; i < in->n_skips; i++)
        free((char *)in->skips[i].reason);
    free(in->skips);
    nx_notes_free(&in->notes);
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

size_t newsidx_input_skipped(const newsidx_input_t *in, const newsidx_skip_t **skips)
{
    *skips = in->skips;
    return in->n_skips;
}

void nx_input_skip(newsidx_input_t *in, const char *reason)
{
    for (size_t i = 0; i < in->n_skips; i++) {
        if (strcmp(in->skips[i].reason, reason) == 0) {
            in->skips[i].count++;
            return;
        }
    }
    newsidx_skip_t *v = realloc(in->skips, (in->n_skips + 1) * sizeof *v);
    char *r = nx_strdup(reason);
    if (!v || !r) {
        free(r);
        if (v)
            in->skips = v;
        return;
    }
    in->skips = v;
    in->skips[in->n_skips++] = (newsidx_skip_t){r, 1};
}

static void vset(char **slot, const newsidx_input_t *in, unsigned long line, const char *fmt,
                 va_list ap)
{
    char *what = nx_vprintf(fmt, ap);
    if (line)
        nx_set_error(slot, "%s:%lu: %s", in->name, line, what ? what : "out of memory");
    else
        nx_set_error(slot, "%s: %s", in->name, what ? what : "out of memory");
    free(what);
}

void nx_input_error(newsidx_input_t *in, unsigned long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(&in->error, in, line, fmt, ap);
    va_end(ap);
}

/* Warnings about one article add up, a line each. */
void nx_input_warn(newsidx_input_t *in, unsigned long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *before = in->warning;
    in->warning = NULL;
    vset(&in->warning, in, line, fmt, ap);
    va_end(ap);
    if (before && in->warning) {
        char *both = nx_printf("%s\n%s", before, in->warning);
        if (both) {
            free(in->warning);
            in->warning = both;
        }
    }
    free(before);
}

uint64_t nx_input_repaired(const newsidx_input_t *in)
{
    return in->repaired;
}

uint64_t nx_input_untitled(const newsidx_input_t *in)
{
    return in->untitled;
}

uint64_t nx_input_bad_dates(const newsidx_input_t *in)
{
    return in->bad_dates;
}

/* The notes on an article's dates (the reader's, on their own lines,
 * then nx_article_finish()'s), each a warning naming the article. */
static void warn_dates(newsidx_input_t *in, unsigned long line, const newsidx_article_t *a,
                       const nx_strv_t *finished)
{
    const nx_notes_t *nt = &in->notes;
    for (size_t i = 0; i < nt->text.n; i++)
        nx_input_warn(in, nt->lines[i] ? nt->lines[i] : line, "item %s: %s; left out", a->id,
                      nt->text.v[i]);
    for (size_t i = 0; i < finished->n; i++)
        nx_input_warn(in, line, "item %s: %s", a->id, finished->v[i]);
    if (nt->text.n || finished->n)
        in->bad_dates++;
    nx_input_drop_notes(in);
}

newsidx_status_t nx_input_finish(newsidx_input_t *in, unsigned long line, newsidx_article_t *a,
                                 newsidx_article_t **out)
{
    char *err = NULL;
    nx_strv_t notes = {0};
    /* Agency formats; ours keep what they are given, and the wire
     * readers (ANPA-1312, IPTC 7901) clean each message as they read it. */
    bool wire = in->format == NEWSIDX_FORMAT_ANPA || in->format == NEWSIDX_FORMAT_IPTC7901;
    if (in->format >= NEWSIDX_FORMAT_NITF && !a->story) {
        nx_drop_slug_title(a);
        if (!wire)
            nx_drop_boilerplate(a);
    }
    bool untitled = !a->title;
    if (!nx_article_finish(a, &err, &notes)) {
        nx_input_error(in, line, "%s", err ? err : "out of memory");
        free(err);
        nx_strv_free(&notes);
        nx_input_drop_notes(in);
        newsidx_article_free(a);
        return NEWSIDX_ERR_INPUT;
    }
    warn_dates(in, line, a, &notes);
    nx_strv_free(&notes);
    in->untitled += untitled;
    *out = a;
    return NEWSIDX_OK;
}

static bool fill(newsidx_input_t *in)
{
    if (in->chunk_pos < in->chunk_len)
        return true;
    in->chunk_pos = 0;
    in->chunk_len = fread(in->chunk, 1, sizeof in->chunk, in->fp);
    return in->chunk_len > 0;
}

size_t nx_input_read(newsidx_input_t *in, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n && fill(in)) {
        size_t take = in->chunk_len - in->chunk_pos;
        if (take > n - got)
            take = n - got;
        memcpy(buf + got, in->chunk + in->chunk_pos, take);
        in->chunk_pos += take;
        in->offset += take;
        got += take;
    }
    return got;
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

bool nx_input_slurp(newsidx_input_t *in, size_t limit)
{
    nx_buf_reset(&in->rec);
    bool fits = true;
    while (fill(in)) {
        size_t avail = in->chunk_len - in->chunk_pos;
        if (fits && in->rec.len + avail > limit) {
            fits = false;
            nx_buf_reset(&in->rec);
        }
        if (fits)
            nx_buf_add(&in->rec, in->chunk + in->chunk_pos, avail);
        in->chunk_pos = in->chunk_len;
        in->offset += avail;
        if (!fits)
            break;
    }
    return fits;
}

static void set_warning(newsidx_input_t *in, unsigned long line, const char *what)
{
    nx_input_warn(in, line, "%s", what);
}

/* Cleans raw bytes into *text; sets in->error for binary data. */
static newsidx_status_t clean(newsidx_input_t *in, unsigned long line, const char *p,
                              size_t n, char **text, size_t *len)
{
    nx_text_verdict_t v = nx_text_clean(p, n, text, len);
    if (v == NX_TEXT_BINARY) {
        nx_input_error(in, line, "binary data (NUL or control bytes), not an article");
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
            nx_input_error(in, line, "line longer than %u MiB, skipped", NX_MAX_RECORD >> 20);
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
            nx_input_error(in, line, "invalid JSON at column %d: %s", jerr.column, jerr.text);
            return NEWSIDX_ERR_INPUT;
        }
        /* ninjs items may come one per line too. */
        if (nx_json_is_ninjs(obj)) {
            if (in->format == NEWSIDX_FORMAT_JSONL)
                in->format = NEWSIDX_FORMAT_NINJS;
            st = nx_ninjs_item(in, line, obj, out);
            json_decref(obj);
            if (st == NEWSIDX_END)
                continue;               /* not text: counted as skipped */
            return st;
        }
        newsidx_article_t *a = newsidx_article_new();
        char *err = NULL;
        if (!a || !nx_article_from_json(obj, a, NX_FIELDS_INPUT, &err)) {
            nx_input_error(in, line, "%s", err ? err : "out of memory");
            free(err);
            json_decref(obj);
            newsidx_article_free(a);
            return NEWSIDX_ERR_INPUT;
        }
        json_decref(obj);
        return nx_input_finish(in, line, a, out);
    }
}

static newsidx_status_t parse_one(newsidx_format_t format, const char *text, size_t len,
                                  newsidx_article_t **out, char **err, bool *untitled,
                                  nx_strv_t *notes)
{
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NEWSIDX_ERR_NOMEM;
    bool ok = format == NEWSIDX_FORMAT_HEADERS ? nx_parse_headers(text, len, a, err)
                                               : nx_parse_text(text, len, a, err);
    *untitled = ok && !a->title;
    if (!ok || !nx_article_finish(a, err, notes)) {
        newsidx_article_free(a);
        return NEWSIDX_ERR_INPUT;
    }
    *out = a;
    return NEWSIDX_OK;
}

static newsidx_status_t next_whole(newsidx_input_t *in, newsidx_article_t **out)
{
    in->done = true;
    if (!nx_input_slurp(in, NX_MAX_RECORD)) {
        nx_input_error(in, 0, "larger than %u MiB, not an article; skipped", NX_MAX_RECORD >> 20);
        return NEWSIDX_ERR_INPUT;
    }
    if (ferror(in->fp)) {
        nx_input_error(in, 0, "read error: %s", strerror(errno));
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
        nx_input_error(in, 1, "empty file, no article");
        return NEWSIDX_ERR_INPUT;
    }
    char *err = NULL;
    bool untitled = false;
    nx_strv_t notes = {0};
    st = parse_one(in->format, text, len, out, &err, &untitled, &notes);
    free(text);
    if (st == NEWSIDX_OK && untitled)
        in->untitled++;
    if (st == NEWSIDX_OK)
        warn_dates(in, 1, *out, &notes);
    nx_strv_free(&notes);
    if (st == NEWSIDX_ERR_INPUT) {
        /* Header errors carry their own "line N: "; others are about
         * the article as a whole. */
        if (err && strncmp(err, "line ", 5) == 0)
            nx_set_error(&in->error, "%s:%s", in->name, err + 5);
        else
            nx_input_error(in, 1, "%s", err ? err : "unreadable article");
    }
    free(err);
    return st;
}

/* The reader of a format that may hold many articles, or NULL. */
static newsidx_status_t (*reader_for(newsidx_format_t f))(newsidx_input_t *)
{
    switch (f) {
    case NEWSIDX_FORMAT_NITF:
    case NEWSIDX_FORMAT_NEWSML_G2:
    case NEWSIDX_FORMAT_NEWSML1:
    case NEWSIDX_FORMAT_RSS:
    case NEWSIDX_FORMAT_ATOM:
        return nx_xml_open;
    case NEWSIDX_FORMAT_NINJS:
        return nx_json_doc_open;
    case NEWSIDX_FORMAT_ANPA:
    case NEWSIDX_FORMAT_IPTC7901:
        return nx_wire_open;
    default:
        return NULL;
    }
}

newsidx_status_t newsidx_input_next(newsidx_input_t *in, newsidx_article_t **out)
{
    *out = NULL;
    free(in->error);
    in->error = NULL;
    free(in->warning);
    in->warning = NULL;
    if (in->reader.next)
        return in->reader.next(in, in->reader.state, out);
    if (in->done)
        return NEWSIDX_END;
    if (in->format == NEWSIDX_FORMAT_AUTO) {
        fill(in);
        const char *head = in->chunk + in->chunk_pos;
        size_t hn = in->chunk_len - in->chunk_pos;
        in->format = nx_detect_format(head, hn, in->name);
        /* A README or a list of links beside the articles of a folder:
         * passed over and counted, unless --format says it is text. */
        if ((in->format == NEWSIDX_FORMAT_TEXT || in->format == NEWSIDX_FORMAT_HEADERS) &&
            nx_is_markdown(head, hn)) {
            in->done = true;
            nx_input_skip(in, "not an article: Markdown");
            return NEWSIDX_END;
        }
    }
    if (in->lines || in->format == NEWSIDX_FORMAT_JSONL) {
        in->lines = true;
        return next_jsonl(in, out);
    }
    newsidx_status_t (*open)(newsidx_input_t *) = reader_for(in->format);
    if (open) {
        newsidx_status_t st = open(in);
        if (st != NEWSIDX_OK) {
            in->done = true;
            if (!in->error)
                nx_input_error(in, 0, "%s", newsidx_status_to_string(st));
            return st;
        }
        return in->reader.next(in, in->reader.state, out);
    }
    return next_whole(in, out);
}

newsidx_status_t newsidx_article_parse(const char *buf, size_t len, newsidx_format_t format,
                                       const char *name, newsidx_article_t **out,
                                       char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = NULL;
    if (!buf || (format != NEWSIDX_FORMAT_AUTO && format != NEWSIDX_FORMAT_TEXT &&
                 format != NEWSIDX_FORMAT_HEADERS))
        return NEWSIDX_ERR_ARG;
    if (format == NEWSIDX_FORMAT_AUTO)
        format = nx_detect_format(buf, len, name);
    /* Only the one-article text formats are read from memory. */
    if (format != NEWSIDX_FORMAT_HEADERS)
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
    bool untitled;
    nx_strv_t notes = {0};
    newsidx_status_t st = parse_one(format, text, tl, out, &err, &untitled, &notes);
    free(text);
    if (st == NEWSIDX_ERR_INPUT)
        nx_set_error(errmsg, "%s: %s", name ? name : "input", err ? err : "unreadable");
    /* On success, what was left out of the article is the message. */
    for (size_t i = 0; st == NEWSIDX_OK && errmsg && i < notes.n; i++) {
        char *m = nx_printf("%s%s%s: %s", *errmsg ? *errmsg : "", *errmsg ? "\n" : "",
                            name ? name : "input", notes.v[i]);
        free(*errmsg);
        *errmsg = m;
    }
    nx_strv_free(&notes);
    free(err);
    return st;
}
