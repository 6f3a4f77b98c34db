/* output.c - the one place that turns articles and results into text
 * for people (with colour on a terminal) or JSON for programs.  newsq
 * prints through here whether the answer came from the daemon or from
 * the database, so both paths print the same. */
#include "config.h"

#include "output.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nx_print_json(FILE *fp, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6));
    if (s) {
        fputs(s, fp);
        fputc('\n', fp);
        free(s);
    }
}

/* The highlight markers newsq asks for in text mode: control characters
 * that cannot occur in cleaned text, turned into colour or brackets. */
#define HL_OPEN "\x01"
#define HL_CLOSE "\x02"

const char *nx_text_hl_open(void)
{
    return HL_OPEN;
}

const char *nx_text_hl_close(void)
{
    return HL_CLOSE;
}

/* Text for people never carries control characters: a stored title or
 * body with ESC sequences would otherwise drive the terminal.  Import
 * strips them (nx_article_finish); this guards against databases made
 * before that, and whatever a daemon sends.  C0 other than newline and
 * tab, DEL and C1 (U+0080-U+009F) become U+FFFD.  Returns the bytes of s
 * used: 1, or 2 for a C1 character. */
static size_t put_char(FILE *fp, const char *s)
{
    unsigned char c = (unsigned char)s[0];
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
        fputs("\xef\xbf\xbd", fp);
        return 1;
    }
    if (c == 0xc2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9f) {
        fputs("\xef\xbf\xbd", fp);
        return 2;
    }
    fputc(c, fp);
    return 1;
}

static void put_text(FILE *fp, const char *s)
{
    while (s && *s)
        s += put_char(fp, s);
}

/* Snippets come HTML-escaped from Xapian; a terminal wants the text. */
static void put_snippet(FILE *fp, const char *s, bool color)
{
    static const struct { const char *ent; char c; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''},
    };
    while (*s) {
        if (*s == '&') {
            bool done = false;
            for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
                size_t l = strlen(ents[i].ent);
                if (strncmp(s, ents[i].ent, l) == 0) {
                    fputc(ents[i].c, fp);
                    s += l;
                    done = true;
                    break;
                }
            }
            if (done)
                continue;
        }
        if (*s == HL_OPEN[0])
            fputs(color ? "\033[1;31m" : "[", fp);
        else if (*s == HL_CLOSE[0])
            fputs(color ? "\033[0m" : "]", fp);
        else if (*s == '\n')
            fputc(' ', fp);
        else {
            s += put_char(fp, s);
            continue;
        }
        s++;
    }
}

static void put_list(FILE *fp, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", fp);
        put_text(fp, v[i]);
    }
}

/* A facet's names and counts; "2 tagged by the sender" when the sender
 * alone gave the name in 2 of the articles counted. */
static void put_facet(FILE *fp, const newsidx_facet_t *f, size_t n, const newsidx_facet_t *tagged,
                      size_t n_tagged)
{
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : " ", fp);
        put_text(fp, f[i].name);
        fprintf(fp, " (%llu", (unsigned long long)f[i].count);
        for (size_t k = 0; k < n_tagged; k++)
            if (strcmp(tagged[k].name, f[i].name) == 0)
                fprintf(fp, ", %llu tagged by the sender", (unsigned long long)tagged[k].count);
        fputc(')', fp);
    }
}

/* One hit: its rank, date, dateline and title, speakers, snippet, id
 * and score, and the weights of --explain. */
static void put_hit(FILE *fp, const newsidx_hit_t *h, bool color)
{
    const char *bold = color ? "\033[1m" : "", *dim = color ? "\033[2m" : "",
               *off = color ? "\033[0m" : "";
    fprintf(fp, "%s%u.%s ", bold, h->rank, off);
    put_text(fp, h->date ? h->date : "----------");
    fputs("  ", fp);
    put_text(fp, h->dateline);
    fputs(h->dateline ? "  " : "", fp);
    fputs(bold, fp);
    put_text(fp, h->title ? h->title : "(no title)");
    fprintf(fp, "%s%s", off, h->partial ? "  (not every word)" : "");
    if (h->versions > 1)
        fprintf(fp, "  (+%u version%s)", h->versions - 1, h->versions > 2 ? "s" : "");
    fputc('\n', fp);
    if (h->n_speakers) {
        fprintf(fp, "   %sspeakers:%s ", dim, off);
        put_list(fp, h->speakers, h->n_speakers);
        fputc('\n', fp);
    }
    if (h->snippet && *h->snippet) {
        fputs("   ", fp);
        put_snippet(fp, h->snippet, color);
        fputc('\n', fp);
    }
    fprintf(fp, "   %sid ", dim);
    put_text(fp, h->id);
    fprintf(fp, "  score %.2f%s\n", h->score, off);
    for (size_t k = 0; k < h->n_explain; k++)
        fprintf(fp, "   %s%-10s %8.3f%s\n", dim, h->explain[k].field, h->explain[k].weight, off);
    fputc('\n', fp);
}

/* "\n" and the heading, then facet kind (the names of tagged marked);
 * nothing when it was not counted, or is empty and optional. */
static void put_facet_of(FILE *fp, const newsidx_results_t *r, const char *heading,
                         newsidx_facet_kind_t kind, newsidx_facet_kind_t tagged, bool optional,
                         const char *bold, const char *off)
{
    const newsidx_facet_t *f = NULL, *t = NULL;
    size_t n = 0, n_tagged = 0;
    if (!newsidx_results_facets(r, kind, &f, &n) || (optional && !n))
        return;
    if (tagged != NEWSIDX_FACET_KIND_LAST)
        newsidx_results_facets(r, tagged, &t, &n_tagged);
    fprintf(fp, "%s%s%s:%s", kind == NEWSIDX_FACET_SPEAKERS ? "" : "\n", bold, heading, off);
    put_facet(fp, f, n, t, n_tagged);
}

static void put_facets(FILE *fp, const newsidx_results_t *r, const char *bold, const char *off)
{
    const newsidx_facet_kind_t none = NEWSIDX_FACET_KIND_LAST;
    if (!newsidx_results_facets(r, NEWSIDX_FACET_SPEAKERS, NULL, NULL))
        return;
    put_facet_of(fp, r, "speakers", NEWSIDX_FACET_SPEAKERS, NEWSIDX_FACET_SPEAKERS_TAGGED, false,
                 bold, off);
    put_facet_of(fp, r, "  persons", NEWSIDX_FACET_PERSONS, none, false, bold, off);
    put_facet_of(fp, r, "  organisations", NEWSIDX_FACET_ORGANISATIONS, none, false, bold, off);
    put_facet_of(fp, r, "locations", NEWSIDX_FACET_LOCATIONS, NEWSIDX_FACET_LOCATIONS_TAGGED,
                 false, bold, off);
    put_facet_of(fp, r, "subjects", NEWSIDX_FACET_SUBJECTS, none, true, bold, off);
    fputs("\n\n", fp);
}

static void put_histogram(FILE *fp, const newsidx_results_t *r, const char *bold, const char *off)
{
    const char *unit;
    const newsidx_facet_t *b;
    size_t n;
    uint64_t undated;
    if (!newsidx_results_histogram(r, &unit, &b, &n, &undated))
        return;
    fprintf(fp, "%sby %s:%s", bold, unit ? unit : "day", off);
    for (size_t i = 0; i < n; i++)
        if (b[i].count)
            fprintf(fp, " %s (%llu)", b[i].name, (unsigned long long)b[i].count);
    if (undated)
        fprintf(fp, " undated (%llu)", (unsigned long long)undated);
    fputs("\n\n", fp);
}

void nx_print_results_text(FILE *fp, const newsidx_results_t *r, bool color)
{
    const char *bold = color ? "\033[1m" : "", *dim = color ? "\033[2m" : "",
               *off = color ? "\033[0m" : "";
    size_t n = newsidx_results_count(r);
    for (size_t i = 0; i < n; i++)
        put_hit(fp, newsidx_results_hit(r, i), color);
    put_facets(fp, r, bold, off);
    put_histogram(fp, r, bold, off);
    nx_print_results_notes(fp, r);
    unsigned long long first = n ? newsidx_results_hit(r, 0)->rank : 0;
    fprintf(fp, "%s%llu-%llu of %s%llu%s%s\n", dim, first, n ? first + n - 1 : 0,
            newsidx_results_total_exact(r) ? "" : "about ",
            (unsigned long long)newsidx_results_total(r),
            newsidx_results_more(r) ? " (more with --offset)" : "", off);
}

void nx_print_results_notes(FILE *fp, const newsidx_results_t *r)
{
    const char *corrected = newsidx_results_corrected(r);
    if (corrected) {
        fputs("Did you mean: ", fp);
        put_text(fp, corrected);
        fputc('\n', fp);
    }
    const char *const *v;
    size_t n = newsidx_results_missing_shards(r, &v);
    for (size_t i = 0; i < n; i++) {
        fputs("(shard ", fp);
        put_text(fp, v[i]);
        fputs(" did not answer: its articles are missing)\n", fp);
    }
    n = newsidx_results_notes(r, &v);
    for (size_t i = 0; i < n; i++) {
        fputc('(', fp);
        put_text(fp, v[i]);
        fputs(")\n", fp);
    }
    if (newsidx_results_relaxed(r)) {
        /* How many the strict query found: the rest are the partial hits. */
        uint64_t strict = newsidx_results_total_strict(r);
        if (strict == 0)
            fputs("(no article has every word", fp);
        else
            fprintf(fp, "(%s%llu article%s every word",
                    newsidx_results_total_exact(r) ? "" : "about ", (unsigned long long)strict,
                    strict == 1 ? " has" : "s have");
        fputs("; articles with some of the words follow, marked \"not every word\")\n", fp);
    }
    if (newsidx_results_truncated(r))
        fprintf(fp, "(truncated by a limit: a wildcard matched more words than [search] "
                    "max_expansion, and only the most frequent were searched; or counting "
                    "the matches for facets took longer than [search] time_limit)\n");
}

void nx_print_article_text(FILE *fp, const newsidx_article_t *a)
{
    const struct { const char *name, *value; } fields[] = {
        {"ID", a->id}, {"Title", a->title}, {"Date", a->date}, {"Dateline", a->dateline},
        {"Byline", a->byline}, {"URL", a->url},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!fields[i].value)
            continue;
        fprintf(fp, "%s: ", fields[i].name);
        put_text(fp, fields[i].value);
        fputc('\n', fp);
    }
    fputs("Speakers: ", fp);
    put_list(fp, a->speakers, a->n_speakers);
    fputs("\nLocations: ", fp);
    put_list(fp, a->locations, a->n_locations);
    fputs("\n", fp);
    if (a->body) {
        fputc('\n', fp);
        put_text(fp, a->body);
        fputc('\n', fp);
    }
}

/* Quotations, each as a reader would cite it:
 *   1. Mark Rutte  2025-02-12  BRUSSELS
 *      “We have to make sure that he has no other option, ...”
 *      in: Hegseth says ...  (id ..., score ...) */
void nx_print_quotes_text(FILE *fp, const newsidx_quotes_t *r, bool color)
{
    const char *bold = color ? "\033[1m" : "", *dim = color ? "\033[2m" : "",
               *off = color ? "\033[0m" : "";
    size_t n = newsidx_quotes_count(r);
    for (size_t i = 0; i < n; i++) {
        const newsidx_quote_hit_t *q = newsidx_quotes_hit(r, i);
        fprintf(fp, "%s%u. %s%s%s  %s%s%s\n", bold, q->rank, q->speaker ? q->speaker : "?", off,
                q->kind == NEWSIDX_KIND_ORGANISATION ? " (organisation)" : "",
                q->date ? q->date : "----------", q->dateline ? "  " : "",
                q->dateline ? q->dateline : "");
        fputs("   \xe2\x80\x9c", fp);
        put_snippet(fp, q->text ? q->text : "", color);
        fputs("\xe2\x80\x9d\n", fp);
        fprintf(fp, "   %sin: %s%s\n", dim, q->title ? q->title : "(no title)", off);
        fprintf(fp, "   %sid %s  score %.2f%s\n\n", dim, q->id, q->score, off);
    }
    nx_print_quotes_notes(fp, r);
    unsigned long long first = n ? newsidx_quotes_hit(r, 0)->rank : 0;
    uint64_t total = newsidx_quotes_total(r);
    fprintf(fp, "%s%llu-%llu of %s%llu quotation%s%s%s\n", dim, first, n ? first + n - 1 : 0,
            newsidx_quotes_total_exact(r) ? "" : "about ", (unsigned long long)total,
            total == 1 ? "" : "s", newsidx_quotes_more(r) ? " (more with --offset)" : "", off);
}

void nx_print_quotes_notes(FILE *fp, const newsidx_quotes_t *r)
{
    const char *const *v;
    size_t n = newsidx_quotes_missing_shards(r, &v);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "(shard %s did not answer: its articles are missing)\n", v[i]);
    n = newsidx_quotes_notes(r, &v);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "(%s)\n", v[i]);
    if (newsidx_quotes_truncated(r))
        fprintf(fp, "(truncated by a limit: a wildcard matched more words than [search] "
                    "max_expansion, and only the most frequent were searched)\n");
}
