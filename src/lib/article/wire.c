/* wire.c - the stream of a wire transmission (ANPA-1312, IPTC 7901).
 *
 * Messages follow each other in one file: SOH (after SYN SYN in ANPA),
 * a header, STX, the text, ETX, a trailer with the time sent, EOT.  The
 * stream is read one message at a time, each bounded by NX_MAX_RECORD.
 * A long story may come in takes or adds (continuations): those that
 * follow their story in the stream are joined to it; those alone are
 * joined by the writer (article->story and ->parts say where they go);
 * a newer lead or write-through of a story has the story's id and a
 * higher version, and replaces it when indexed. */
#include "config.h"

#include "wire.h"
#include "utf8.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* Helpers for the message parsers                                     */
/* ------------------------------------------------------------------ */

unsigned long nx_wire_line_of(const char *p, const char *at, unsigned long line)
{
    for (; p < at; p++)
        line += *p == '\n';
    return line;
}

bool nx_wire_line(const char **p, const char *end, const char **l, size_t *ll)
{
    if (*p >= end)
        return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *e = nl ? nl : end;
    *l = *p;
    *ll = (size_t)(e - *p);
    while (*ll && (*l)[*ll - 1] == '\r')
        (*ll)--;
    *p = nl ? nl + 1 : end;
    return true;
}

char *nx_wire_text(const char *s, size_t n)
{
    char *t;
    size_t tl;
    if (nx_text_clean(s, n, &t, &tl) == NX_TEXT_BINARY || !t)
        return NULL;
    const char *b = t;
    nx_trim(&b, &tl);
    char *out = tl ? nx_strndup(b, tl) : NULL;
    free(t);
    return out;
}

void nx_wire_paragraph(nx_buf_t *body, const char *l, size_t ll, bool *open)
{
    bool indented = ll > 0 && (l[0] == '\t' || l[0] == ' ');
    nx_trim(&l, &ll);
    if (ll == 0) {
        *open = false;
        return;
    }
    if (body->len) {
        if (!*open || indented)
            nx_buf_adds(body, "\n\n");
        else
            nx_buf_addc(body, ' ');
    }
    nx_buf_add(body, l, ll);
    *open = true;
}

char *nx_wire_typography(char *s)
{
    if (!s)
        return NULL;
    nx_buf_t b;
    nx_buf_init(&b);
    for (const char *p = s; *p; p++) {
        if (p[0] == '`' && p[1] == '`') {
            nx_buf_adds(&b, "\xe2\x80\x9c");    /* “ */
            p++;
        } else if (p[0] == '\'' && p[1] == '\'') {
            nx_buf_adds(&b, "\xe2\x80\x9d");    /* ” */
            p++;
        } else if (p[0] == ' ' && p[1] == '_' && (p[2] == ' ' || p[2] == '\0')) {
            nx_buf_adds(&b, " \xe2\x80\x94");   /* " —" */
            p++;
        } else {
            nx_buf_addc(&b, *p);
        }
    }
    free(s);
    return b.oom ? NULL : nx_buf_steal(&b);
}

unsigned nx_wire_ordinal(const char *s, size_t n)
{
    size_t i = 0;
    unsigned v = 0;
    while (i < n && i < 3 && isdigit((unsigned char)s[i]))
        v = v * 10 + (unsigned)(s[i++] - '0');
    if (i == 0 || i + 2 > n)
        return 0;
    static const char *const suffixes[] = {"st", "nd", "rd", "th"};
    for (size_t k = 0; k < NX_ARRAY_LEN(suffixes); k++)
        if (strncasecmp(s + i, suffixes[k], 2) == 0)
            return v;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The stream                                                          */
/* ------------------------------------------------------------------ */

typedef struct wire_state {
    nx_wire_parse_fn parse;
    nx_buf_t rec;               /* messages read, not yet parsed */
    size_t pos;                 /* next message in rec */
    unsigned long line;         /* line number at rec[pos] */
    bool eof;
    unsigned long messages;     /* parsed so far */
    newsidx_article_t *held;    /* a story waiting for its takes */
    nx_wire_part_t held_part;
    unsigned long held_line;
    nx_notes_t held_notes;      /* on the held story's dates */
} wire_state_t;

/* Reads up to the next EOT (or the end): one or more messages. */
static bool read_record(newsidx_input_t *in, wire_state_t *st, bool *too_long)
{
    nx_buf_reset(&st->rec);
    st->pos = 0;
    *too_long = false;
    char c;
    bool any = false;
    while (nx_input_read(in, &c, 1) == 1) {
        any = true;
        if (!*too_long) {
            if (st->rec.len >= NX_MAX_RECORD) {
                *too_long = true;
                nx_buf_reset(&st->rec);
            } else {
                nx_buf_addc(&st->rec, c);
            }
        }
        if (c == EOT)
            break;
    }
    if (!any)
        st->eof = true;
    return any;
}

/* The next message of the record: from its SOH (or SYN) to the next
 * message's, or the record's end. */
static bool next_message(wire_state_t *st, const char **p, size_t *n, unsigned long *line)
{
    if (!st->rec.data)
        return false;
    const char *s = st->rec.data, *end = s + st->rec.len;
    const char *m = s + st->pos;
    while (m < end && *m != SOH && *m != SYN) {
        if (*m == '\n')
            st->line++;
        m++;
    }
    if (m >= end)
        return false;
    const char *e = m;
    while (e < end && (*e == SYN || *e == SOH))
        e++;
    while (e < end && *e != SOH && *e != SYN)
        e++;
    *p = m;
    *n = (size_t)(e - m);
    *line = st->line;
    for (const char *q = m; q < e; q++)
        st->line += *q == '\n';
    st->pos = (size_t)(e - s);
    return true;
}

/* Joins a take or add to its story: its part in its place (by number),
 * the body made again from the parts. */
static void append_body(newsidx_article_t *story, newsidx_article_t *more)
{
    for (size_t i = 0; i < more->n_parts; i++)
        if (!nx_article_add_part(story, more->parts[i].number, more->parts[i].body))
            return;
    char *b = nx_article_parts_body(story);
    if (b) {
        free(story->body);
        story->body = b;
    }
}

/* The story a message belongs to, and its part, kept on the article
 * for the writer: a part arriving alone later is put in its place. */
static bool mark_part(newsidx_article_t *a, const nx_wire_part_t *part)
{
    if (!part->story)
        return true;
    a->story = nx_strdup(part->story);
    return a->story &&
           nx_article_add_part(a, part->continuation ? (part->number ? part->number : 2) : 1,
                               a->body);
}

/* Hands the held story out (finished), if any. */
static newsidx_status_t release(newsidx_input_t *in, wire_state_t *st, newsidx_article_t **out)
{
    newsidx_article_t *a = st->held;
    st->held = NULL;
    free(st->held_part.story);
    st->held_part.story = NULL;
    nx_notes_move(&in->notes, &st->held_notes);
    if (!a)
        return NEWSIDX_END;
    return nx_input_finish(in, st->held_line, a, out);
}

/* A continuation without its story: its own id, so that it replaces
 * nothing. */
static void orphan_id(newsidx_article_t *a, const nx_wire_part_t *part)
{
    free(a->id);
    a->id = nx_printf("%s/part-%u", part->story, part->number ? part->number : 2);
}

/* A message whose text (after STX) never ends: the file was cut, and
 * its story, id and time (in the trailer after ETX) would be wrong. */
static bool truncated(const char *m, size_t n)
{
    const char *stx = memchr(m, STX, n);
    return stx && !memchr(stx, ETX, n - (size_t)(stx - m));
}

static newsidx_status_t wire_next(newsidx_input_t *in, void *p, newsidx_article_t **out)
{
    wire_state_t *st = p;
    for (;;) {
        const char *m;
        size_t n;
        unsigned long line;
        if (!next_message(st, &m, &n, &line)) {
            bool too_long;
            if (st->eof || !read_record(in, st, &too_long)) {
                if (st->messages == 0) {
                    st->messages = 1;   /* say it once */
                    nx_input_error(in, 0, "no %s message in the file (none starts with SOH)",
                                   newsidx_format_to_string(in->format));
                    return NEWSIDX_ERR_INPUT;
                }
                return release(in, st, out);
            }
            if (too_long) {
                nx_input_error(in, st->line, "a message longer than %u MiB, skipped",
                               NX_MAX_RECORD >> 20);
                return NEWSIDX_ERR_INPUT;
            }
            continue;
        }
        st->messages++;
        if (truncated(m, n)) {
            nx_input_error(in, line, "truncated %s message: its text has no ETX (end of "
                           "text); not indexed", newsidx_format_to_string(in->format));
            return NEWSIDX_ERR_INPUT;
        }
        newsidx_article_t *a = NULL;
        nx_wire_part_t part = {0};
        const char *skip = NULL;
        nx_input_drop_notes(in);
        newsidx_status_t s = st->parse(in, m, n, line, &a, &part, &skip);
        nx_notes_t notes = {0};
        nx_notes_move(&notes, &in->notes);      /* this message's, kept aside */
        if (s == NEWSIDX_END) {
            nx_notes_free(&notes);
            nx_input_skip(in, skip ? skip : "not a story");
            continue;
        }
        if (s != NEWSIDX_OK) {
            nx_notes_free(&notes);
            return s;
        }
        if (!mark_part(a, &part)) {
            newsidx_article_free(a);
            free(part.story);
            nx_notes_free(&notes);
            return NEWSIDX_ERR_NOMEM;
        }
        if (part.continuation && st->held && st->held_part.story &&
            strcmp(part.story, st->held_part.story) == 0) {
            nx_notes_move(&st->held_notes, &notes);
            append_body(st->held, a);
            newsidx_article_free(a);
            free(part.story);
            continue;
        }
        if (part.continuation)
            orphan_id(a, &part);
        /* The story before this one is complete now. */
        newsidx_article_t *prev = st->held;
        unsigned long prev_line = st->held_line;
        free(st->held_part.story);
        st->held = a;
        st->held_part = part;
        st->held_line = line;
        nx_notes_move(&in->notes, &st->held_notes);
        nx_notes_move(&st->held_notes, &notes);
        if (prev)
            return nx_input_finish(in, prev_line, prev, out);
        nx_input_drop_notes(in);
    }
}

static void wire_free(void *p)
{
    wire_state_t *st = p;
    if (!st)
        return;
    nx_buf_free(&st->rec);
    newsidx_article_free(st->held);
    free(st->held_part.story);
    nx_notes_free(&st->held_notes);
    free(st);
}

newsidx_status_t nx_wire_open(newsidx_input_t *in)
{
    wire_state_t *st = calloc(1, sizeof *st);
    if (!st)
        return NEWSIDX_ERR_NOMEM;
    nx_buf_init(&st->rec);
    st->line = 1;
    st->parse = in->format == NEWSIDX_FORMAT_ANPA ? nx_anpa_message : nx_iptc7901_message;
    in->reader = (nx_item_reader_t){wire_next, wire_free, st};
    return NEWSIDX_OK;
}
