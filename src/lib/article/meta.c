/* meta.c - filling an article from a sender's metadata: the helpers
 * every agency format shares (first value wins, lists without
 * duplicates, a moment as date and UTC time, the dateline and byline
 * that open a body). */
#include "config.h"

#include "input.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void nx_set_once(char **field, const char *s)
{
    if (!*field && s && *s)
        *field = nx_strdup(s);
}

void nx_take_once(char **field, char *s)
{
    if (!*field && s && *s)
        *field = s;
    else
        free(s);
}

void nx_list_add(char ***v, size_t *n, char *name)
{
    if (!name)
        return;
    const char *t = name;
    size_t len = strlen(name);
    nx_trim(&t, &len);
    if (len == 0) {
        free(name);
        return;
    }
    for (size_t i = 0; i < *n; i++) {
        if (strlen((*v)[i]) == len && strncasecmp((*v)[i], t, len) == 0) {
            free(name);
            return;
        }
    }
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    char *copy = nx_strndup(t, len);
    free(name);
    if (!nv || !copy) {
        if (nv)
            *v = nv;
        free(copy);
        return;
    }
    *v = nv;
    (*v)[(*n)++] = copy;
}

char *nx_strip_by(char *byline)
{
    if (!byline)
        return NULL;
    const char *s = byline;
    size_t n = strlen(s);
    nx_trim(&s, &n);
    if (n > 3 && strncasecmp(s, "by ", 3) == 0) {
        s += 3;
        n -= 3;
        nx_trim(&s, &n);
    }
    char *out = n ? nx_strndup(s, n) : NULL;
    free(byline);
    return out;
}

bool nx_input_moment(newsidx_input_t *in, unsigned long line, newsidx_article_t *a,
                     const char *field, const char *when)
{
    if (!when || !*when)
        return false;
    nx_datetime_t dt;
    char why[NX_WHY_LEN];
    if (nx_when_read(when, strlen(when), time(NULL), &dt, why, sizeof why) == NX_WHEN_OK)
        return nx_article_set_moment(a, &dt);
    nx_notes_t *nt = &in->notes;
    unsigned long *lines = realloc(nt->lines, (nt->text.n + 1) * sizeof *lines);
    if (!lines)
        return false;
    nt->lines = lines;
    lines[nt->text.n] = line;
    nx_strv_take(&nt->text, nx_printf("%s '%.80s': %s", field, when, why));
    return false;
}

void nx_notes_free(nx_notes_t *n)
{
    nx_strv_free(&n->text);
    free(n->lines);
    n->lines = NULL;
}

void nx_notes_move(nx_notes_t *to, nx_notes_t *from)
{
    size_t n = to->text.n + from->text.n;
    unsigned long *lines = from->text.n ? realloc(to->lines, n * sizeof *lines) : NULL;
    for (size_t i = 0; lines && i < from->text.n; i++) {
        lines[to->text.n] = from->lines[i];
        if (!nx_strv_push(&to->text, from->text.v[i]))
            break;
    }
    if (lines)
        to->lines = lines;
    nx_notes_free(from);
}

void nx_input_drop_notes(newsidx_input_t *in)
{
    nx_notes_free(&in->notes);
}

void nx_set_id(newsidx_article_t *a, const char *id)
{
    if (a->id || !id || !*id)
        return;
    if (strlen(id) <= NX_MAX_ID)
        a->id = nx_strdup(id);
    else
        a->id = nx_printf("g%016llx",
                          (unsigned long long)nx_hash64(id, strlen(id), NX_HASH64_INIT));
}

void nx_lift_dateline(newsidx_article_t *a)
{
    if (!a->body)
        return;
    const char *s = a->body;
    size_t n = strlen(s);
    nx_trim(&s, &n);
    /* "By Jane Doe" on a line of its own before the text. */
    const char *nl = memchr(s, '\n', n);
    if (nl && nx_is_byline(s, (size_t)(nl - s))) {
        const char *by = s + 3;
        size_t bl = (size_t)(nl - by);
        nx_trim(&by, &bl);
        if (!a->byline)
            a->byline = nx_strndup(by, bl);
        n -= (size_t)(nl + 1 - s);
        s = nl + 1;
        nx_trim(&s, &n);
    } else if (!nl && nx_is_byline(s, n) && !a->byline) {
        a->byline = nx_strndup(s + 3, n - 3);
    }
    nx_dateline_t dl;
    if (n > 0 && nx_dateline_scan(s, n, &dl) && dl.len < n) {
        if (!a->dateline)
            a->dateline = nx_strndup(s, dl.place_len);
        s += dl.len;
        n -= dl.len;
    }
    if (s != a->body) {
        char *body = nx_strndup(s, n);
        if (body) {
            free(a->body);
            a->body = body;
        }
    }
}

char *nx_text_paragraphs(const char *s)
{
    if (!s)
        return NULL;
    nx_buf_t b;
    nx_buf_init(&b);
    const char *p = s;
    bool open = false;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *l = p;
        nx_trim(&l, &n);
        if (n == 0) {
            open = false;
        } else {
            if (b.len)
                nx_buf_adds(&b, open ? " " : "\n\n");
            /* whitespace inside a line: one space */
            for (size_t i = 0; i < n; i++) {
                char c = l[i] == '\t' || l[i] == '\r' ? ' ' : l[i];
                if (c == ' ' && b.len && b.data[b.len - 1] == ' ')
                    continue;
                nx_buf_addc(&b, c);
            }
            open = true;
        }
        p = nl ? nl + 1 : p + strlen(p);
    }
    if (b.oom || b.len == 0) {
        nx_buf_free(&b);
        return NULL;
    }
    return nx_buf_steal(&b);
}

/* ---- a wire slug given as the headline ---- */

/* An AP/ANPA keyword (slug line): "BC-BBN--Top Ten", "AM-US--Storm",
 * "BC-Port-Cranes": a cycle or category code, a dash, the keyword. */
static bool is_slugline(const char *s)
{
    size_t code = 0;
    while (code < 4 && s[code] >= 'A' && s[code] <= 'Z')
        code++;
    if (code < 2 || s[code] != '-' || strchr(s, ' ') == s + code + 1)
        return false;
    if (!strncmp(s, "BC-", 3) || !strncmp(s, "AM-", 3) || !strncmp(s, "PM-", 3))
        return s[3] && s[3] != ' ';
    const char *sub = s + code + 1;
    size_t n = 0;
    while (n < 6 && ((sub[n] >= 'A' && sub[n] <= 'Z') || (sub[n] >= 'a' && sub[n] <= 'z')))
        n++;
    return n >= 2 && sub[n] == '-' && sub[n + 1] == '-' && sub[n + 2] && sub[n + 2] != ' ';
}

void nx_drop_slug_title(newsidx_article_t *a)
{
    if (!a->title || !is_slugline(a->title))
        return;
    size_t n = strlen(a->title);
    if (a->body && !strncmp(a->body, a->title, n) && (!a->body[n] || a->body[n] == '\n')) {
        const char *rest = a->body + n;
        while (*rest == '\n')
            rest++;
        char *body = *rest ? nx_strdup(rest) : NULL;
        if (body) {
            free(a->body);
            a->body = body;
        }
    }
    free(a->title);
    a->title = NULL;
}

/* ---- what senders append to a story that is not the story ---- */

static bool only_chars(const char *p, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(set, p[i]))
            return false;
    return true;
}

/* A rule ("___", "* * * *", "-30-") or an end mark of wire copy
 * ("END", "MORE", "(MORE)", "ENDS", "NNNN"). */
static bool is_mark(const char *p, size_t n)
{
    static const char *const marks[] = {"END", "MORE", "(MORE)", "-MORE-", "(END)", "-END-",
                                        "ENDS", "ENDIT", "NNNN", "XXX", "-0-", "-30-", "- 30 -",
                                        "# # #", "###", NULL};
    for (size_t i = 0; marks[i]; i++)
        if (strlen(marks[i]) == n && strncasecmp(p, marks[i], n) == 0)
            return true;
    size_t rule = 0;
    for (size_t i = 0; i < n; i++)
        rule += p[i] != ' ';
    return rule >= 3 && only_chars(p, n, "_-*=~#. ");
}

/* A copyright or rights line ("(c) Copyright Thomson Reuters 2014",
 * "Copyright 2024 The Associated Press. All rights reserved.  This
 * material may not be published ..."). */
static bool is_rights(const char *p, size_t n)
{
    if (n > 400)
        return false;
    char line[401];
    memcpy(line, p, n);
    line[n] = '\0';
    return strncasecmp(line, "(c)", 3) == 0 || strncmp(line, "\xc2\xa9", 2) == 0 ||
           strncasecmp(line, "copyright", 9) == 0 || strcasestr(line, "all rights reserved") ||
           strncasecmp(line, "this material may not be published", 34) == 0;
}

/* The editors' initials that close a story ("hh/ph/ts/hd" at AFP, "dpa
 * wsz jln npr", "AAP RTV ar"): a few short tokens (after a first, the
 * agency's, of up to six letters: initials, at most three in lower
 * case, four in capitals), the last in lower case, no punctuation, no
 * common word. */
static bool is_signoff(const char *p, size_t n)
{
    static const char *const words[] = {"the", "end", "and", "of", "to", "in", "is", "it",
                                        "he", "she", "we", "by", "on", "at", "for", "so", "no",
                                        "yes", "all", "not", "a", "an", "or", "but", NULL};
    if (n > 40 || !only_chars(p, n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ /"))
        return false;
    size_t tokens = 0, i = 0;
    bool last_lower = false;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '/'))
            i++;
        size_t s = i;
        bool lower = true;
        for (; i < n && p[i] != ' ' && p[i] != '/'; i++)
            lower &= p[i] >= 'a' && p[i] <= 'z';
        size_t len = i - s;
        if (!len)
            break;
        if (len > (tokens ? 4 : 6) || (lower && tokens && len > 3))
            return false;
        for (size_t w = 0; words[w]; w++)
            if (strlen(words[w]) == len && strncasecmp(p + s, words[w], len) == 0)
                return false;
        tokens++;
        last_lower = lower;
    }
    return tokens >= 2 && last_lower;
}

/* The paragraph of body at p: its text (trimmed) in *t, *tn; returns
 * where the next paragraph begins. */
static const char *paragraph_at(const char *p, const char **t, size_t *tn)
{
    const char *end = strstr(p, "\n\n");
    size_t n = end ? (size_t)(end - p) : strlen(p);
    *t = p;
    *tn = n;
    nx_trim(t, tn);
    const char *next = end ? end + 2 : p + n;
    while (*next == '\n')
        next++;
    return next;
}

/* Where the last paragraph of the story stands: the last one that is
 * neither an end mark nor a rights line ("...\n\nhh/ph\n\nEND": the
 * initials), or NULL. */
static const char *last_story_paragraph(const char *body)
{
    const char *last = NULL;
    for (const char *p = body, *t; *p;) {
        size_t tn;
        const char *next = paragraph_at(p, &t, &tn);
        if (tn && !is_mark(t, tn) && !is_rights(t, tn))
            last = p;
        p = next;
    }
    return last;
}

void nx_drop_boilerplate(newsidx_article_t *a)
{
    if (!a->body)
        return;
    nx_buf_t b;
    nx_buf_init(&b);
    const char *p = a->body, *story_end = last_story_paragraph(a->body);
    bool dropped = false;
    while (*p) {
        const char *t;
        size_t tn;
        const char *next = paragraph_at(p, &t, &tn);
        bool last = p == story_end;
        if (tn && (is_mark(t, tn) || is_rights(t, tn) || (last && b.len && is_signoff(t, tn)))) {
            dropped = true;
        } else if (tn) {
            if (b.len)
                nx_buf_adds(&b, "\n\n");
            nx_buf_add(&b, t, tn);
        }
        p = next;
    }
    if (dropped && !b.oom && b.len) {
        free(a->body);
        a->body = nx_buf_steal(&b);
    } else {
        nx_buf_free(&b);
    }
}
