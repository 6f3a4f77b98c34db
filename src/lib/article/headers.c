/* headers.c - the lines that stand before a plain-text article's body.
 *
 * Archives of news saved as text put the headline, the byline, the date
 * and the URL on lines of their own, in any order: "-- European shares
 * end higher", "-- By Sudip Kar-Gupta", "-- Tue Jun 12, 2007 12:03PM
 * EDT", "-- http://...", or "Title: ...", "Date: ...", or bare ("By ...",
 * a line that is only a date, a line that is only a URL).  A line is
 * taken for a header only when it is unmistakably one; wire text without
 * such lines (a title line, then a dateline) is read as before.
 *
 * The headered format (Title:, Date: ... lines, a blank line, the body)
 * is the strict form of the same thing and is parsed here too. */
#include "config.h"

#include "nx.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum field {
    F_NONE,
    F_TITLE,
    F_DATE,
    F_DATELINE,
    F_BYLINE,
    F_URL,
    F_ID,
    F_LANGUAGE,
    F_OTHER             /* "Name: value" with a name we do not keep */
} field_t;

/* Header names we read, and the field each fills. */
static const struct {
    const char *name;
    field_t field;
} field_names[] = {
    {"title", F_TITLE}, {"headline", F_TITLE}, {"hed", F_TITLE},
    {"date", F_DATE}, {"published", F_DATE}, {"pubdate", F_DATE}, {"posted", F_DATE},
    {"dated", F_DATE}, {"time", F_DATE},
    {"dateline", F_DATELINE},
    {"byline", F_BYLINE}, {"by", F_BYLINE}, {"author", F_BYLINE}, {"authors", F_BYLINE},
    {"url", F_URL}, {"link", F_URL}, {"permalink", F_URL},
    {"id", F_ID}, {"guid", F_ID},
    {"language", F_LANGUAGE}, {"lang", F_LANGUAGE},
};

typedef struct header {
    field_t field;
    bool strong;            /* unmistakably a header line */
    const char *value;
    size_t len;
} header_t;

static size_t line_end(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    return nl ? (size_t)(nl - s) : n;
}

/* "Name:" at the start of a line: the length of the name, or 0. */
static size_t field_name(const char *l, size_t n)
{
    size_t k = 0;
    if (n == 0 || !isalpha((unsigned char)l[0]))
        return 0;
    while (k < n && k < 32 && (isalnum((unsigned char)l[k]) || l[k] == '-' || l[k] == '_' ||
                               (l[k] == ' ' && k > 0 && k + 1 < n && l[k + 1] != ':')))
        k++;
    if (k == 0 || k >= n || l[k] != ':' || (k + 1 < n && l[k + 1] == '/'))
        return 0;                       /* "http://" is not a header */
    return k;
}

static field_t known_field(const char *l, size_t k)
{
    for (size_t i = 0; i < NX_ARRAY_LEN(field_names); i++)
        if (strlen(field_names[i].name) == k && strncasecmp(l, field_names[i].name, k) == 0)
            return field_names[i].field;
    return F_OTHER;
}

static bool is_url(const char *l, size_t n)
{
    if (!(n > 7 && strncasecmp(l, "http://", 7) == 0) &&
        !(n > 8 && strncasecmp(l, "https://", 8) == 0) &&
        !(n > 4 && strncasecmp(l, "www.", 4) == 0))
        return false;
    for (size_t i = 0; i < n; i++)
        if (l[i] == ' ' || l[i] == '\t')
            return false;
    return true;
}

/* "By Sudip Kar-Gupta", "BY JOHN SMITH AND JANE DOE", "By Jane Doe,
 * Reuters": names of capitalised words (a few particles allowed), at
 * most one comma, no sentence. */
bool nx_is_byline(const char *l, size_t n)
{
    if (n < 4 || n > 120 || strncasecmp(l, "by ", 3) != 0)
        return false;
    static const char *const small[] = {"and", "de", "da", "van", "von", "der", "del", "la",
                                        "le", "bin", "al", "in", "for", "the", "of"};
    size_t i = 3, words = 0, commas = 0;
    while (i < n) {
        while (i < n && l[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t w = i;
        while (i < n && l[i] != ' ' && l[i] != ',')
            i++;
        size_t wl = i - w;
        unsigned char c0 = (unsigned char)l[w];
        bool ok = isupper(c0) || c0 >= 0xc0 || (c0 == '&' && wl == 1);
        for (size_t k = 0; !ok && k < NX_ARRAY_LEN(small); k++)
            ok = strlen(small[k]) == wl && strncmp(l + w, small[k], wl) == 0 && words > 0;
        if (!ok)
            return false;
        words++;
        if (i < n && l[i] == ',') {
            if (++commas > 2)
                return false;
            i++;
        }
    }
    char last = l[n - 1];
    return words >= 1 && words <= 12 && last != ':' && last != '?' && last != '!';
}

/* What a line before the body holds.  Lines of the "-- " style, with a
 * known "Name:", a byline, a URL or only a date are strong; any other
 * short line may be a title. */
static header_t classify(const char *l, size_t n)
{
    header_t h = {F_NONE, false, l, n};
    nx_trim(&l, &n);
    if (n >= 2 && l[0] == '-' && l[1] == '-') {
        l += 2;
        n -= 2;
        nx_trim(&l, &n);
        h.strong = true;
        if (n == 0) {
            h.field = F_OTHER;
            return h;
        }
    }
    h.value = l;
    h.len = n;
    size_t k = field_name(l, n);
    if (k) {
        field_t f = known_field(l, k);
        if (f != F_OTHER || h.strong || !memchr(l, ' ', k)) {
            h.field = f;
            h.strong = h.strong || f != F_OTHER;
            h.value = l + k + 1;
            h.len = n - k - 1;
            nx_trim(&h.value, &h.len);
            if (f == F_BYLINE && h.len > 3 && strncasecmp(h.value, "by ", 3) == 0) {
                h.value += 3;
                h.len -= 3;
            }
            return h;
        }
    }
    nx_datetime_t dt;
    if (is_url(l, n)) {
        h.field = F_URL;
        h.strong = true;
    } else if (nx_is_byline(l, n)) {
        h.field = F_BYLINE;
        h.strong = true;
        h.value = l + 3;
        h.len = n - 3;
        nx_trim(&h.value, &h.len);
    } else if (nx_datetime_parse(l, n, &dt)) {
        h.field = F_DATE;
        h.strong = true;
    } else if (n > 0 && n <= 300) {
        h.field = F_TITLE;
    }
    return h;
}

/* Stores a header's value; false only when out of memory.  A second
 * value for a field already set is ignored (a story's first date is
 * its date; later lines are updates). */
static bool store(newsidx_article_t *a, const header_t *h)
{
    char **slot = NULL;
    switch (h->field) {
    case F_TITLE: slot = &a->title; break;
    case F_DATELINE: slot = &a->dateline; break;
    case F_BYLINE: slot = &a->byline; break;
    case F_URL: slot = &a->url; break;
    case F_ID: slot = &a->id; break;
    case F_LANGUAGE: slot = &a->language; break;
    case F_DATE:
        if (a->date || h->len == 0)
            return true;
        /* Judged with the other dates (nx_article_finish): one that
         * cannot be right is left out with a warning. */
        return nx_article_set(&a->date, h->value, h->len);
    default:
        return true;
    }
    if (*slot)
        return true;
    return nx_article_set(slot, h->value, h->len);
}

/* A line that opens the body: a dateline with text after it. */
static bool opens_body(const char *l, size_t n)
{
    nx_dateline_t dl;
    return nx_dateline_scan(l, n, &dl) && dl.len < n;
}

size_t nx_header_block(const char *s, size_t n, newsidx_article_t *a, char **err)
{
    enum { MAX_LINES = 12 };
    header_t lines[MAX_LINES];
    size_t ends[MAX_LINES];
    size_t count = 0, strong = 0, titles = 0, i = 0;
    while (i < n && count < MAX_LINES) {
        size_t le = i + line_end(s + i, n - i);
        const char *l = s + i;
        size_t ll = le - i;
        nx_trim(&l, &ll);
        if (ll == 0 || opens_body(l, ll))
            break;
        header_t h = classify(l, ll);
        if (h.field == F_NONE)
            break;
        if (h.field == F_TITLE && !h.strong) {
            /* One title; a second plain line is the body. */
            if (titles++)
                break;
        }
        if (h.field == F_OTHER && !h.strong)
            break;
        strong += h.strong;
        lines[count] = h;
        ends[count++] = le < n ? le + 1 : n;
        i = le < n ? le + 1 : n;
    }
    /* A block with nothing but a title is the wire-text title line, read
     * by the caller; trailing plain lines belong to the body. */
    while (count > 0 && !lines[count - 1].strong && lines[count - 1].field != F_TITLE)
        count--;
    if (strong == 0 || count == 0)
        return 0;
    size_t end = ends[count - 1];
    size_t rest = end;
    while (rest < n && (s[rest] == ' ' || s[rest] == '\t' || s[rest] == '\n'))
        rest++;
    if (rest >= n)
        return 0;                       /* nothing after it: not a header block */
    for (size_t k = 0; k < count; k++) {
        if (!store(a, &lines[k])) {
            nx_set_error(err, "out of memory");
            return (size_t)-1;
        }
    }
    return rest;
}

bool nx_parse_headers(const char *s, size_t n, newsidx_article_t *a, char **err)
{
    size_t i = 0;
    unsigned line = 1;
    while (i < n) {
        size_t le = i + line_end(s + i, n - i);
        const char *l = s + i;
        size_t ll = le - i;
        nx_trim(&l, &ll);
        if (ll == 0) {
            i = le < n ? le + 1 : n;
            break;
        }
        header_t h = classify(l, ll);
        if (!h.strong && h.field != F_OTHER) {
            nx_set_error(err, "line %u: expected a header 'Name: value' or a blank line "
                         "before the body", line);
            return false;
        }
        if (!store(a, &h)) {
            nx_set_error(err, "out of memory");
            return false;
        }
        i = le < n ? le + 1 : n;
        line++;
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
        i++;
    nx_dateline_t dl;
    if (nx_dateline_scan(s + i, n - i, &dl)) {
        if (!a->dateline && !nx_article_set(&a->dateline, s + i, dl.place_len))
            goto oom;
        i += dl.len;
    }
    if (!nx_article_set(&a->body, s + i, n - i))
        goto oom;
    return true;
oom:
    nx_set_error(err, "out of memory");
    return false;
}

bool nx_starts_with_header(const char *s, size_t n)
{
    size_t le = line_end(s, n);
    const char *l = s;
    size_t ll = le;
    nx_trim(&l, &ll);
    size_t k = field_name(l, ll);
    return k && known_field(l, k) != F_OTHER;
}
