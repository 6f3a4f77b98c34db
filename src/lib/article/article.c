/* article.c - the article record and the wire-text and headered formats.
 *
 * Wire text is what agencies send: an optional "date YYYY-MM-DD" token,
 * an optional title line, then a dateline ("BRUSSELS (AP) —",
 * "CLEVELAND, Feb 26 -") that opens the body, perhaps after a block of
 * header lines (headers.c).  The parser works on text already cleaned by
 * nx_text_clean(). */
#include "config.h"

#include "nx.h"
#include "utf8.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

newsidx_article_t *newsidx_article_new(void)
{
    return calloc(1, sizeof(newsidx_article_t));
}

void newsidx_article_free(newsidx_article_t *a)
{
    if (!a)
        return;
    free(a->id);
    free(a->title);
    free(a->date);
    free(a->dateline);
    free(a->byline);
    free(a->url);
    free(a->body);
    nx_strv_free_array(a->speakers, a->n_speakers);
    nx_strv_free_array(a->locations, a->n_locations);
    free(a->time);
    free(a->language);
    free(a->version);
    nx_strv_free_array(a->subjects, a->n_subjects);
    nx_strv_free_array(a->agency_persons, a->n_agency_persons);
    nx_strv_free_array(a->agency_orgs, a->n_agency_orgs);
    nx_strv_free_array(a->agency_places, a->n_agency_places);
    free(a->speaker_kinds);
    nx_article_clear_quotes(a);
    nx_article_clear_aliases(a);
    nx_article_clear_parts(a);
    free(a);
}

void nx_article_clear_parts(newsidx_article_t *a)
{
    for (size_t i = 0; i < a->n_parts; i++)
        free(a->parts[i].body);
    free(a->parts);
    a->parts = NULL;
    a->n_parts = 0;
    free(a->story);
    a->story = NULL;
}

char *nx_article_parts_body(const newsidx_article_t *a)
{
    nx_buf_t b;
    nx_buf_init(&b);
    for (size_t i = 0; i < a->n_parts; i++) {
        if (!a->parts[i].body || !*a->parts[i].body)
            continue;
        if (b.len)
            nx_buf_adds(&b, "\n\n");
        nx_buf_adds(&b, a->parts[i].body);
    }
    if (b.oom || !b.len) {
        nx_buf_free(&b);
        return NULL;
    }
    return nx_buf_steal(&b);
}

bool nx_article_add_part(newsidx_article_t *a, unsigned number, const char *body)
{
    char *copy = nx_strdup(body ? body : "");
    newsidx_part_t *v = copy ? realloc(a->parts, (a->n_parts + 1) * sizeof *v) : NULL;
    if (!v) {
        free(copy);
        return false;
    }
    size_t at = a->n_parts;
    while (at > 0 && v[at - 1].number > number)
        at--;
    if (at > 0 && v[at - 1].number == number) {
        /* the same part again: the later one stands */
        a->parts = v;
        free(v[at - 1].body);
        v[at - 1].body = copy;
        return true;
    }
    memmove(v + at + 1, v + at, (a->n_parts - at) * sizeof *v);
    v[at] = (newsidx_part_t){number, copy};
    a->parts = v;
    a->n_parts++;
    return true;
}

void nx_article_clear_aliases(newsidx_article_t *a)
{
    for (size_t i = 0; i < a->n_aliases; i++) {
        free(a->aliases[i].alias);
        free(a->aliases[i].name);
    }
    free(a->aliases);
    a->aliases = NULL;
    a->n_aliases = 0;
}

void nx_article_clear_quotes(newsidx_article_t *a)
{
    for (size_t i = 0; i < a->n_quotes; i++) {
        free(a->quotes[i].speaker);
        free(a->quotes[i].text);
    }
    free(a->quotes);
    a->quotes = NULL;
    a->n_quotes = 0;
}

void nx_set_error(char **slot, const char *fmt, ...)
{
    if (!slot)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = nx_vprintf(fmt, ap);
    va_end(ap);
    free(*slot);
    *slot = s;
}

/* Copies s without control characters: every field of every format
 * passes through here (nx_article_finish), so JSON's "\u001b[31m" or a
 * reader that does not clean its text cannot store terminal escapes.
 * C0 other than newline and tab, DEL and C1 (U+0080-U+009F) become a
 * space; CR and CRLF a newline. */
static char *copy_without_controls(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '\r') {
            *o++ = '\n';
            if (i + 1 < n && p[i + 1] == '\n')
                i++;
        } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            *o++ = ' ';
        } else if (c == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
            *o++ = ' ';
            i++;
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return out;
}

bool nx_article_set(char **field, const char *s, size_t n)
{
    nx_trim(&s, &n);
    free(*field);
    *field = NULL;
    if (n == 0)
        return true;
    *field = copy_without_controls(s, n);
    return *field != NULL;
}

/* ------------------------------------------------------------------ */
/* Datelines                                                           */
/* ------------------------------------------------------------------ */

/* Length of a dash that closes a dateline at s: em dash, en dash, "--"
 * or "-", or the underscore that stands for a dash in AP's 7-bit wire
 * copy ("ATLANTA (AP) _ Luol Deng"); 0 when there is none. */
static size_t dash_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x94 || u[2] == 0x93))
        return 3;
    if (n >= 2 && s[0] == '-' && s[1] == '-')
        return 2;
    if (n >= 1 && s[0] == '-')
        return 1;
    if (n >= 2 && s[0] == '_' && s[1] == ' ')
        return 1;
    return 0;
}

/* An upper-case word: letters (non-ASCII letters allowed), periods,
 * apostrophes and hyphens, no ASCII lower case.  Returns its length. */
static size_t caps_word(const char *s, size_t n, size_t *letters)
{
    size_t i = 0;
    *letters = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (isupper(c)) {
            (*letters)++;
            i++;
        } else if (c == '.' || c == '\'' || ((c == '-' || c == '/') && i > 0 && i + 1 < n &&
                                               isupper((unsigned char)s[i + 1]))) {
            i++;
        } else if (c >= 0x80) {
            size_t k = nx_utf8_seq((const unsigned char *)s + i, n - i);
            if (!k)
                break;
            /* curly apostrophe or a non-ASCII letter (É, Ñ, Ü, ...) */
            if (k == 3 && c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
                (unsigned char)s[i + 2] == 0x99) {
                i += 3;
                continue;
            }
            if (k != 2)
                break;
            (*letters)++;
            i += k;
        } else {
            break;
        }
    }
    return i;
}

/* A capitalised word in mixed case ("Ohio", "N.Y.", "Mo."). */
static size_t cap_word(const char *s, size_t n)
{
    if (n == 0 || !isupper((unsigned char)s[0]))
        return 0;
    size_t i = 1;
    while (i < n && (isalpha((unsigned char)s[i]) || s[i] == '.' || s[i] == '\'' ||
                     ((unsigned char)s[i] >= 0x80 && (unsigned char)s[i] != 0xe2)))
        i++;
    return i;
}

/* " Feb 26" / "Feb. 26": a month and a day. */
static size_t month_day(const char *s, size_t n, int *month, int *day)
{
    size_t i = 0;
    while (i < n && isalpha((unsigned char)s[i]))
        i++;
    size_t wl = i;
    if (i < n && s[i] == '.')
        i++;
    int m = nx_month_from_name(s, wl);
    if (!m || i >= n || s[i] != ' ')
        return 0;
    i++;
    int d = 0, nd = 0;
    while (i < n && isdigit((unsigned char)s[i]) && nd < 2) {
        d = d * 10 + (s[i] - '0');
        i++;
        nd++;
    }
    if (!nd || d < 1 || d > 31 || (i < n && isdigit((unsigned char)s[i])))
        return 0;
    *month = m;
    *day = d;
    return i;
}

/* ", 2014" after a month and day ("STOCKHOLM, Aug 29, 2014 (AFP) -"). */
static size_t year_after(const char *s, size_t n)
{
    if (n >= 6 && s[0] == ',' && s[1] == ' ' && isdigit((unsigned char)s[2]) &&
        isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
        isdigit((unsigned char)s[5]) && (n == 6 || !isdigit((unsigned char)s[6])))
        return 6;
    return 0;
}

enum {
    DATELINE_MAX_BYTES = 120,   /* a dateline is short */
    PLACE_MAX_WORDS = 8,        /* "RIO DE JANEIRO": upper-case words */
    PLACE_MAX_MIXED_WORDS = 4,  /* "Rio de Janeiro": capitalised words, a
                                   region's too */
    PLACE_MAX_REGIONS = 3,      /* ", State" or ", Country" after the place */
    AGENCY_MAX_BYTES = 40,      /* "(Reuters)" */
    DATELINE_NOISE_MAX = 8,     /* "****" before a place */
};

/* A lower-case particle inside a name ("de ", "of "): its length with
 * the space, or 0. */
static size_t particle_len(const char *s)
{
    static const char *const particles[] = {"de ", "da ", "del ", "do ", "la ",
                                            "le ", "of ", "upon ", "am ", "sur "};
    for (size_t p = 0; p < NX_ARRAY_LEN(particles); p++)
        if (strncmp(s, particles[p], strlen(particles[p])) == 0)
            return strlen(particles[p]);
    return 0;
}

/* The place a dateline starts with: upper-case words ("NEW YORK"), or
 * up to four capitalised ones ("New York", "Rio de Janeiro"), separated
 * by single spaces.  Its length without the spaces after it; 0 when
 * there is none. */
static size_t dateline_place_len(const char *s, size_t n)
{
    size_t i = 0, total = 0;
    size_t l, k = caps_word(s, n, &l);
    bool upper = k && l >= 1 && (k == n || s[k] == ' ' || s[k] == ',' || s[k] == '(') &&
                 (l >= 2 || (k < n && s[k] == ' '));
    for (unsigned words = 0; words < PLACE_MAX_WORDS; words++) {
        if (upper) {
            k = caps_word(s + i, n - i, &l);
            if (!k || !l)
                break;
        } else {
            k = cap_word(s + i, n - i);
            l = k;
            if (!k) {
                /* a lower-case particle inside a name, then a capital */
                size_t pl = particle_len(s + i);
                if (!pl || words == 0 || !cap_word(s + i + pl, n - i - pl))
                    break;
                i += pl;
                k = cap_word(s + i, n - i);
                l = k;
            }
            if (words >= PLACE_MAX_MIXED_WORDS)
                return 0;
        }
        /* mixed-case words must be plain words, not "U.S.-backed" */
        i += k;
        total += l;
        if (i + 1 < n && s[i] == ' ' && s[i + 1] != '(' && !dash_len(s + i + 1, n - i - 1))
            i++;
        else
            break;
    }
    while (i > 0 && s[i - 1] == ' ')
        i--;
    return total < 2 ? 0 : i;
}

/* After the place at i: ", State" or ", Country", then perhaps ", Feb
 * 26" (and ", 2014"), which ends them.  Sets dl->place_len past the
 * regions, and dl->month and dl->day.  The position after them; 0 when
 * a comma is followed by neither. */
static size_t dateline_regions(const char *s, size_t n, size_t i, nx_dateline_t *dl)
{
    for (int part = 0; part < PLACE_MAX_REGIONS && i + 2 < n && s[i] == ','; part++) {
        size_t j = i + 1;
        while (j < n && s[j] == ' ')
            j++;
        size_t md = month_day(s + j, n - j, &dl->month, &dl->day);
        if (md) {
            i = j + md;
            i += year_after(s + i, n - i);
            break;
        }
        size_t w = cap_word(s + j, n - j), words = 0;
        if (!w)
            return 0;
        while (w && words < PLACE_MAX_MIXED_WORDS) {
            j += w;
            words++;
            if (j + 1 < n && s[j] == ' ' && cap_word(s + j + 1, n - j - 1) &&
                !dash_len(s + j + 1, n - j - 1)) {
                j++;
                w = cap_word(s + j, n - j);
            } else {
                w = 0;
            }
        }
        i = j;
        dl->place_len = i;
    }
    return i;
}

/* "(AP)", "(Reuters)" at i or after spaces: the position after it; i
 * when there is none, 0 when it is not closed within AGENCY_MAX_BYTES. */
static size_t agency_after(const char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && s[j] == ' ')
        j++;
    if (j >= n || s[j] != '(')
        return i;
    size_t close = j + 1;
    while (close < n && s[close] != ')' && s[close] != '\n' && close - j < AGENCY_MAX_BYTES)
        close++;
    if (close >= n || s[close] != ')')
        return 0;
    return close + 1;
}

/* Marks some archives put before a dateline ("****RIO DE JANEIRO" in
 * Reuters-21578): their length, at most DATELINE_NOISE_MAX bytes. */
static size_t dateline_noise(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && k < DATELINE_NOISE_MAX && strchr("*#=~+_|>", s[k]) && s[k])
        k++;
    return k;
}

bool nx_dateline_scan(const char *s, size_t n, nx_dateline_t *dl)
{
    memset(dl, 0, sizeof *dl);
    if (n > DATELINE_MAX_BYTES)
        n = DATELINE_MAX_BYTES;
    /* the noise stays in the place; nx_article_finish() cleans it */
    size_t noise = dateline_noise(s, n);
    size_t i = dateline_place_len(s + noise, n - noise);
    if (!i)
        return false;
    i += noise;
    dl->place_len = i;
    i = dateline_regions(s, n, i, dl);
    if (!i)
        return false;
    if (!dl->month && i + 1 < n && s[i] == ' ') {
        size_t md = month_day(s + i + 1, n - i - 1, &dl->month, &dl->day);
        if (md) {
            i += 1 + md;
            i += year_after(s + i, n - i);
        }
    }
    i = agency_after(s, n, i);
    if (!i)
        return false;
    while (i < n && s[i] == ' ')
        i++;
    size_t d = dash_len(s + i, n - i);
    if (!d)
        return false;
    i += d;
    if (i < n && s[i] != ' ' && s[i] != '\n' && s[i] != '\t')
        return false;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    dl->len = i;
    return true;
}

/* ------------------------------------------------------------------ */
/* Titles and ids                                                      */
/* ------------------------------------------------------------------ */

/* A title is the lead's first sentence, shortened at a clause break
 * when it runs long: wire leads are often 40 words in one sentence. */
char *nx_title_from_lead(const char *body)
{
    enum { SHORT = 120, MIN_CLAUSE = 40, HARD = 100 };
    const char *s = body;
    size_t n = strlen(body);
    nx_trim(&s, &n);
    nx_dateline_t dl;
    if (nx_dateline_scan(s, n, &dl)) {
        s += dl.len;
        n -= dl.len;
    }
    size_t end = nx_sentence_end(s, n);
    while (end > 0 && (s[end - 1] == '.' || s[end - 1] == ' ' || s[end - 1] == '\n'))
        end--;
    if (end <= SHORT) {
        char *t = nx_strndup(s, end);
        for (char *p = t; p && *p; p++)
            if (*p == '\n' || *p == '\t')
                *p = ' ';
        return t;
    }
    /* Prefer ending before a conjunction or at a comma. */
    static const char *const breaks[] = {" and ", " but ", " which ", " while ",
                                         ", ", " \xe2\x80\x94 ", " as ", " after "};
    size_t best = 0;
    for (size_t k = 0; k < NX_ARRAY_LEN(breaks); k++) {
        const char *p = s;
        while ((p = strstr(p, breaks[k])) && (size_t)(p - s) <= SHORT) {
            size_t at = (size_t)(p - s);
            if (at >= MIN_CLAUSE && at > best)
                best = at;
            p++;
        }
        if (best)
            break;
    }
    nx_buf_t b;
    nx_buf_init(&b);
    if (best) {
        nx_buf_add(&b, s, best);
    } else {
        size_t cut = HARD;
        while (cut > 0 && s[cut] != ' ')
            cut--;
        if (cut == 0)
            cut = HARD;
        while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
            cut--;                      /* never split a UTF-8 character */
        nx_buf_add(&b, s, cut);
        nx_buf_adds(&b, "\xe2\x80\xa6"); /* … */
    }
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n' || b.data[i] == '\t')
            b.data[i] = ' ';
    return nx_buf_steal(&b);
}

/* The id of an article without one: a hash of its text with whitespace
 * collapsed, so that re-wrapping a file keeps its id. */
static char *text_id(const newsidx_article_t *a)
{
    uint64_t h = NX_HASH64_INIT;
    const char *fields[] = {a->date, a->dateline, a->body};
    for (size_t f = 0; f < NX_ARRAY_LEN(fields); f++) {
        const char *p = fields[f];
        if (!p)
            continue;
        bool space = false;
        for (; *p; p++) {
            if (*p == ' ' || *p == '\n' || *p == '\t') {
                space = true;
                continue;
            }
            if (space) {
                h = nx_hash64(" ", 1, h);
                space = false;
            }
            h = nx_hash64(p, 1, h);
        }
        h = nx_hash64("\n", 1, h);
    }
    return nx_printf("h%016llx", (unsigned long long)h);
}

static bool valid_id(const char *id, char **err)
{
    size_t n = strlen(id);
    if (n > NX_MAX_ID) {
        nx_set_error(err, "id is longer than %d bytes", NX_MAX_ID);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)id[i] < 0x20) {
            nx_set_error(err, "id contains a control character");
            return false;
        }
    }
    return true;
}

/* "en-US", "EN", "eng" -> "en": the primary subtag, lower case, ISO
 * 639-1 where the sender wrote a three-letter code we know. */
static bool finish_language(newsidx_article_t *a, char **err)
{
    if (!a->language)
        return true;
    static const char *const three[][2] = {
        {"eng", "en"}, {"deu", "de"}, {"ger", "de"}, {"fra", "fr"}, {"fre", "fr"},
        {"spa", "es"}, {"ita", "it"}, {"nld", "nl"}, {"dut", "nl"}, {"por", "pt"},
        {"swe", "sv"}, {"dan", "da"}, {"nor", "no"}, {"nob", "nb"}, {"nno", "nn"},
        {"fin", "fi"}, {"rus", "ru"}, {"ara", "ar"}, {"zho", "zh"}, {"chi", "zh"},
        {"jpn", "ja"}, {"tur", "tr"}, {"hun", "hu"}, {"ron", "ro"}, {"rum", "ro"},
        {"pol", "pl"}, {"ell", "el"}, {"gre", "el"}, {"cat", "ca"}, {"eus", "eu"},
    };
    char tag[4] = "";
    size_t n = 0;
    const char *p = a->language;
    while (n < 4 && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        tag[n++] = (char)(*p++ | 0x20);
    if ((*p && *p != '-' && *p != '_') || n < 2 || n > 3) {
        nx_set_error(err, "language '%.20s' is not a language code (want e.g. en, de, fr)",
                     a->language);
        return false;
    }
    tag[n] = '\0';
    for (size_t i = 0; n == 3 && i < NX_ARRAY_LEN(three); i++)
        if (strcmp(tag, three[i][0]) == 0)
            strcpy(tag, three[i][1]);
    free(a->language);
    return (a->language = nx_strdup(tag)) != NULL;
}

/* A dateline written out whole ("STOCKHOLM, Aug 29, 2014 (AFP) -",
 * "London (dpa) - "): its place. */
static bool dateline_place(newsidx_article_t *a)
{
    nx_dateline_t dl;
    size_t n = strlen(a->dateline);
    if (!nx_dateline_scan(a->dateline, n, &dl) || dl.len != n || dl.place_len == 0)
        return true;
    char *v = a->dateline;
    a->dateline = NULL;
    bool ok = nx_article_set(&a->dateline, v, dl.place_len);
    free(v);
    return ok;
}

/* Punctuation around a dateline that is no part of a place, in every
 * format: "****RIO DE JANEIRO" (Reuters-21578's own field), "-- LONDON
 * --", "PARIS -", "BERLIN —".  A full stop ("Washington, D.C.") and
 * brackets stay. */
static bool dateline_clean(newsidx_article_t *a)
{
    const char *s = a->dateline;
    size_t n = strlen(s);
    for (;;) {
        nx_trim(&s, &n);
        if (n && strchr("*#=~+_|<>-.,:;/\\!?@", s[0]) && s[0]) {
            s++, n--;
        } else if (n && strchr("*#=~+_|<>-,:;/\\@", s[n - 1]) && s[n - 1]) {
            n--;
        } else if (n >= 3 && (memcmp(s + n - 3, "\xe2\x80\x94", 3) == 0 ||
                              memcmp(s + n - 3, "\xe2\x80\x93", 3) == 0)) {
            n -= 3;             /* an em or en dash */
        } else {
            break;
        }
    }
    if (s == a->dateline && n == strlen(s))
        return true;
    char *v = a->dateline;
    a->dateline = NULL;
    bool ok = n == 0 || nx_article_set(&a->dateline, s, n);
    free(v);
    return ok;
}

/* Trims a list's items in place and drops the empty ones. */
static void trim_list(char **v, size_t *n)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        const char *s = v[i];
        size_t len = strlen(s);
        nx_trim(&s, &len);
        if (len == 0) {
            free(v[i]);
            continue;
        }
        memmove(v[i], s, len);
        v[i][len] = '\0';
        v[kept++] = v[i];
    }
    *n = kept;
}

/* Every field given by the sender trimmed; an empty one is absent. */
static bool trim_fields(newsidx_article_t *a)
{
    char **fields[] = {&a->id, &a->title, &a->date, &a->dateline, &a->byline,
                       &a->url, &a->body, &a->time, &a->language, &a->version};
    for (size_t i = 0; i < NX_ARRAY_LEN(fields); i++) {
        if (*fields[i]) {
            char *v = *fields[i];
            *fields[i] = NULL;
            bool ok = nx_article_set(fields[i], v, strlen(v));
            free(v);
            if (!ok)
                return false;
        }
    }
    trim_list(a->subjects, &a->n_subjects);
    trim_list(a->agency_persons, &a->n_agency_persons);
    trim_list(a->agency_orgs, &a->n_agency_orgs);
    trim_list(a->agency_places, &a->n_agency_places);
    return true;
}

/* One of the sender's moments read by the one rule (nx_when_read): a
 * date in a looser form ("2025-02-12 (approx.)") gives its day.  false
 * with why when it cannot be the article's. */
static bool read_when(const char *s, bool want_zone, time_t now, nx_datetime_t *dt,
                      char why[NX_WHY_LEN])
{
    nx_when_t w = nx_when_read(s, strlen(s), now, dt, why, NX_WHY_LEN);
    char day[11];
    if (w == NX_WHEN_NONE && !want_zone && nx_date_normalise(s, day))
        w = nx_when_read(day, 10, now, dt, why, NX_WHY_LEN);
    if (w == NX_WHEN_OK && want_zone && !(dt->has_time && dt->has_zone)) {
        snprintf(why, NX_WHY_LEN, "a time needs its zone (want e.g. 2025-02-12T09:30:00+01:00)");
        return false;
    }
    if (w == NX_WHEN_NONE)
        snprintf(why, NX_WHY_LEN, "it is not a date%s",
                 want_zone ? " (want e.g. 2025-02-12T09:30:00+01:00)" : " (want YYYY-MM-DD)");
    return w == NX_WHEN_OK;
}

/* Drops a moment that cannot be right, with a note; false when out of
 * memory. */
static bool leave_out(char **field, const char *name, const char *why, nx_strv_t *notes)
{
    char *note = nx_printf("%s '%.80s': %s; left out", name, *field, why);
    free(*field);
    *field = NULL;
    if (!notes) {
        free(note);                     /* a caller that only checks */
        return true;
    }
    return note && nx_strv_take(notes, note);
}

/* The date as YYYY-MM-DD (the day as written) and the time as UTC
 * YYYY-MM-DDTHH:MM:SSZ, from any form a sender writes; a date with a
 * time and zone gives the time, a time without a date the date. */
static bool finish_dates(newsidx_article_t *a, nx_strv_t *notes)
{
    time_t now = time(NULL);
    nx_datetime_t dt;
    char why[NX_WHY_LEN], day[11], utc[21];
    if (a->time) {
        if (!read_when(a->time, true, now, &dt, why)) {
            if (!leave_out(&a->time, "time", why, notes))
                return false;
        } else {
            nx_datetime_utc(&dt, utc);
            nx_datetime_date(&dt, day);
            free(a->time);
            if (!(a->time = nx_strdup(utc)) || (!a->date && !(a->date = nx_strdup(day))))
                return false;
        }
    }
    if (a->date && !read_when(a->date, false, now, &dt, why)) {
        if (!leave_out(&a->date, "date", why, notes))
            return false;
    } else if (a->date) {
        nx_datetime_date(&dt, day);
        free(a->date);
        if (!(a->date = nx_strdup(day)))
            return false;
        if (!a->time && nx_datetime_utc(&dt, utc) && !(a->time = nx_strdup(utc)))
            return false;
    }
    /* The sender's date left out, its time kept: the time's day. */
    return a->date || !a->time || (a->date = nx_strndup(a->time, 10)) != NULL;
}

bool nx_article_finish(newsidx_article_t *a, char **err, nx_strv_t *notes)
{
    if (!trim_fields(a)) {
        nx_set_error(err, "out of memory");
        return false;
    }
    if (!a->body) {
        nx_set_error(err, "article has no body");
        return false;
    }
    if (!finish_dates(a, notes)) {
        nx_set_error(err, "out of memory");
        return false;
    }
    if (!finish_language(a, err))
        return false;
    if (a->dateline && !strchr(a->dateline, '\n') && !dateline_place(a)) {
        nx_set_error(err, "out of memory");
        return false;
    }
    if (a->dateline && !strchr(a->dateline, '\n')) {
        /* "BRUSSELS (AP)" in a header: keep the place part only. */
        char *paren = strchr(a->dateline, '(');
        if (paren && paren > a->dateline) {
            *paren = '\0';
            char *v = a->dateline;
            a->dateline = NULL;
            nx_article_set(&a->dateline, v, strlen(v));
            free(v);
        }
    }
    if (a->dateline && !dateline_clean(a)) {
        nx_set_error(err, "out of memory");
        return false;
    }
    if (!a->title && !(a->title = nx_title_from_lead(a->body))) {
        nx_set_error(err, "out of memory");
        return false;
    }
    for (char *p = a->title; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    if (!a->id) {
        if (a->url && strlen(a->url) <= NX_MAX_ID)
            a->id = nx_strdup(a->url);
        else if (a->url)
            a->id = nx_printf("u%016llx", (unsigned long long)nx_hash64(
                                              a->url, strlen(a->url), NX_HASH64_INIT));
        else
            a->id = text_id(a);
        if (!a->id) {
            nx_set_error(err, "out of memory");
            return false;
        }
    }
    return valid_id(a->id, err);
}

/* ------------------------------------------------------------------ */
/* Wire text                                                           */
/* ------------------------------------------------------------------ */

static size_t line_end(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    return nl ? (size_t)(nl - s) : n;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
        i++;
    return i;
}

static bool set_dateline(newsidx_article_t *a, const char *s, const nx_dateline_t *dl)
{
    return nx_article_set(&a->dateline, s, dl->place_len);
}

bool nx_parse_text(const char *s, size_t n, newsidx_article_t *a, char **err)
{
    size_t i = skip_ws(s, n, 0);
    if (n - i > 5 && strncasecmp(s + i, "date", 4) == 0 && (s[i + 4] == ' ' || s[i + 4] == '\t' ||
                                                         s[i + 4] == ':')) {
        size_t j = i + 5;
        while (j < n && (s[j] == ' ' || s[j] == '\t'))
            j++;
        size_t k = j;
        while (k < n && s[k] != ' ' && s[k] != '\n' && s[k] != '\t')
            k++;
        char tok[64];
        size_t tl = k - j < sizeof tok - 1 ? k - j : sizeof tok - 1;
        memcpy(tok, s + j, tl);
        tok[tl] = '\0';
        /* Judged with the other dates (nx_article_finish). */
        if (!nx_article_set(&a->date, tok, tl))
            goto oom;
        i = skip_ws(s, n, k);
    }
    /* Header lines ("-- By ...", "Date: ...", a URL): the body follows. */
    size_t body = nx_header_block(s + i, n - i, a, err);
    if (body == (size_t)-1)
        return false;
    if (body > 0) {
        i += body;
        nx_dateline_t dl;
        if (nx_dateline_scan(s + i, n - i, &dl)) {
            if (!a->dateline && !set_dateline(a, s + i, &dl))
                goto oom;
            i += dl.len;
        }
        if (!nx_article_set(&a->body, s + i, n - i))
            goto oom;
        return true;
    }
    /* A title line followed by a paragraph that opens with a dateline
     * wins over reading the first line itself as a dateline: wire titles
     * are often upper case with a dash ("OIL PRICES FALL - TRADERS"). */
    nx_dateline_t dl;
    size_t le = i + line_end(s + i, n - i);
    size_t next = skip_ws(s, n, le);
    bool blank_after = false;
    for (size_t k = le + 1; k < next; k++)
        if (s[k] == '\n')
            blank_after = true;
    if (le > i && le - i <= 300 && next < n && nx_dateline_scan(s + next, n - next, &dl)) {
        if (!nx_article_set(&a->title, s + i, le - i) || !set_dateline(a, s + next, &dl))
            goto oom;
        i = next + dl.len;
    } else if (nx_dateline_scan(s + i, n - i, &dl)) {
        if (!set_dateline(a, s + i, &dl))
            goto oom;
        i += dl.len;
    } else if (blank_after && le - i <= 200 && le > i && s[le - 1] != '.' && next < n) {
        /* A short first paragraph without a full stop: a title. */
        if (!nx_article_set(&a->title, s + i, le - i))
            goto oom;
        i = next;
    }
    if (!nx_article_set(&a->body, s + i, n - i))
        goto oom;
    return true;
oom:
    nx_set_error(err, "out of memory");
    return false;
}
