/* summary.c - what an import tells at its end, besides how many
 * articles it indexed: the formats read, the items passed over and why,
 * the articles that lack a date, a dateline or a title of their own,
 * and a warning when most of an import has no date (date filters and
 * --sort date would silently leave those articles out). */
#include "config.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>

void summary_article(summary_t *s, newsidx_format_t f, const newsidx_article_t *a)
{
    if ((unsigned)f < NEWSIDX_FORMAT_LAST)
        s->by_format[f]++;
    s->read++;
    s->no_date += !a->date;
    s->no_dateline += !a->dateline;
    s->summaries += a->summary_only;
    s->not_english += a->language && strcmp(a->language, "en") != 0;
}

void summary_input(summary_t *s, const newsidx_input_t *in)
{
    const newsidx_skip_t *skips;
    size_t n = newsidx_input_skipped(in, &skips);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < s->reasons.n && strcmp(s->reasons.v[k], skips[i].reason) != 0)
            k++;
        if (k == s->reasons.n) {
            uint64_t *c = realloc(s->skip_counts, (k + 1) * sizeof *c);
            if (!c || !nx_strv_push(&s->reasons, skips[i].reason)) {
                if (c)
                    s->skip_counts = c;
                continue;
            }
            s->skip_counts = c;
            s->skip_counts[k] = 0;
        }
        s->skip_counts[k] += skips[i].count;
        s->skipped += skips[i].count;
    }
    s->untitled += nx_input_untitled(in);
    s->repaired += nx_input_repaired(in);
    s->bad_dates += nx_input_bad_dates(in);
}

/* 2789 -> "2,789". */
static const char *grouped(uint64_t v, char buf[32])
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    int o = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static void print_formats(const cli_t *c, const summary_t *s)
{
    nx_buf_t b;
    nx_buf_init(&b);
    for (int f = 0; f < NEWSIDX_FORMAT_LAST; f++) {
        if (!s->by_format[f])
            continue;
        char n[32];
        nx_buf_addf(&b, "%s%s %s", b.len ? ", " : "", grouped(s->by_format[f], n),
                    newsidx_format_to_string((newsidx_format_t)f));
    }
    if (b.len && !b.oom)
        fprintf(stderr, "%s: read by format: %s\n", c->prog, b.data);
    nx_buf_free(&b);
}

static void print_skipped(const cli_t *c, const summary_t *s)
{
    if (!s->skipped)
        return;
    char n[32];
    fprintf(stderr, "%s: %s items passed over, not articles:", c->prog, grouped(s->skipped, n));
    for (size_t i = 0; i < s->reasons.n; i++)
        fprintf(stderr, "%s %s %s", i ? "," : "", grouped(s->skip_counts[i], n),
                s->reasons.v[i]);
    fputc('\n', stderr);
}

static void print_missing(const cli_t *c, const summary_t *s)
{
    char a[32], b[32], d[32], e[32];
    if (s->no_date || s->no_dateline || s->untitled || s->summaries)
        fprintf(stderr, "%s: without a date %s, without a dateline %s, titled from their lead %s, "
                "summaries only (feeds) %s\n", c->prog, grouped(s->no_date, a),
                grouped(s->no_dateline, b), grouped(s->untitled, d), grouped(s->summaries, e));
    if (s->not_english)
        fprintf(stderr, "%s: %s articles not in English: speakers and locations are found in "
                "English text only\n", c->prog, grouped(s->not_english, a));
    if (s->bad_dates)
        fprintf(stderr, "%s: %s articles gave a date that cannot be right (impossible, before "
                "any news, or more than two days ahead; named above): that date left out\n",
                c->prog, grouped(s->bad_dates, a));
    if (s->repaired)
        fprintf(stderr, "%s: %s feed items had their text encoded twice as UTF-8 "
                "(\"company\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s\" for \"company\xe2\x80\x99s\"): "
                "repaired\n", c->prog, grouped(s->repaired, a));
}

void summary_print(const cli_t *c, const summary_t *s, bool verbose)
{
    cli_lock();
    if (verbose) {
        print_formats(c, s);
        print_skipped(c, s);
        print_missing(c, s);
    }
    cli_unlock();
    /* Most of an import without dates: said even with --quiet. */
    if (s->read && s->no_date * 2 > s->read) {
        char n[32];
        cli_warn(c, "%s articles have no date: date filters and --sort date will not find them",
                 grouped(s->no_date, n));
    }
}

void summary_free(summary_t *s)
{
    nx_strv_free(&s->reasons);
    free(s->skip_counts);
    memset(s, 0, sizeof *s);
}
