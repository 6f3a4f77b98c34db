/* test_article.c - input formats, datelines, titles, ids, encodings. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nx.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static newsidx_article_t *parse(const char *text, newsidx_format_t f)
{
    newsidx_article_t *a = NULL;
    char *err = NULL;
    newsidx_status_t st = newsidx_article_parse(text, strlen(text), f, "t", &a, &err);
    if (st != NEWSIDX_OK)
        fprintf(stderr, "parse failed: %s\n", err ? err : "?");
    free(err);
    return a;
}

static void ap_dateline_and_date_token(void **state)
{
    (void)state;
    newsidx_article_t *a = parse(" date 2025-02-12 BRUSSELS \xe2\x80\x94 U.S. Defense Secretary Pete "
                                 "Hegseth said Wednesday that NATO was ready.\n\nMore text.",
                                 NEWSIDX_FORMAT_AUTO);
    assert_non_null(a);
    assert_string_equal(a->date, "2025-02-12");
    assert_string_equal(a->dateline, "BRUSSELS");
    assert_string_equal(a->title, "U.S. Defense Secretary Pete Hegseth said Wednesday that NATO was ready");
    assert_true(strncmp(a->body, "U.S. Defense", 12) == 0);
    newsidx_article_free(a);
}

static void reuters_dateline(void **state)
{
    (void)state;
    newsidx_article_t *a = parse("CLEVELAND, Feb 26 - Acme Corp said it expects higher profits.",
                                 NEWSIDX_FORMAT_TEXT);
    assert_non_null(a);
    assert_string_equal(a->dateline, "CLEVELAND");
    assert_null(a->date);                   /* no year in the dateline */
    assert_string_equal(a->body, "Acme Corp said it expects higher profits.");
    newsidx_article_free(a);
}

/* Punctuation around a dateline is no part of it, in every format: the
 * Reuters-21578 DATELINE field "****RIO DE JANEIRO", the same opening
 * a text, a header's "-- LONDON --"; a full stop of "D.C." stays. */
static void dateline_noise(void **state)
{
    (void)state;
    newsidx_article_t *a = parse("****SANTO DOMINGO, March 4 - The Dominican Republic sold "
                                 "sugar.", NEWSIDX_FORMAT_TEXT);
    assert_non_null(a);
    assert_string_equal(a->dateline, "SANTO DOMINGO");
    assert_string_equal(a->body, "The Dominican Republic sold sugar.");
    newsidx_article_free(a);
    a = parse("Dateline: -- LONDON --\n\nShares rose.", NEWSIDX_FORMAT_HEADERS);
    assert_non_null(a);
    assert_string_equal(a->dateline, "LONDON");
    newsidx_article_free(a);
    a = parse("Dateline: Washington, D.C. \xe2\x80\x94\n\nThe Senate met.",
              NEWSIDX_FORMAT_HEADERS);
    assert_non_null(a);
    assert_string_equal(a->dateline, "Washington, D.C.");
    newsidx_article_free(a);
    /* the sender's own field (JSON Lines, the daemon's add) */
    const char *fields[][2] = {{"****RIO DE JANEIRO", "RIO DE JANEIRO"},
                               {"  ##PARIS## ", "PARIS"},
                               {"ST. LOUIS -", "ST. LOUIS"},
                               {"****", NULL}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        a = newsidx_article_new();
        a->body = strdup("Text.");
        a->dateline = strdup(fields[i][0]);
        char *err = NULL;
        assert_true(nx_article_finish(a, &err, NULL));
        if (fields[i][1])
            assert_string_equal(a->dateline, fields[i][1]);
        else
            assert_null(a->dateline);
        newsidx_article_free(a);
    }
}

static void dateline_with_state_and_agency(void **state)
{
    (void)state;
    newsidx_article_t *a = parse("KANSAS CITY, Mo. (AP) \xe2\x80\x94 Storms hit the city.", NEWSIDX_FORMAT_TEXT);
    assert_non_null(a);
    assert_string_equal(a->dateline, "KANSAS CITY, Mo.");
    assert_string_equal(a->body, "Storms hit the city.");
    newsidx_article_free(a);
}

static void title_line_before_dateline(void **state)
{
    (void)state;
    newsidx_article_t *a = parse("date 1987-02-26\nCOCOA TALKS END\n\nLONDON - Talks ended today.",
                                 NEWSIDX_FORMAT_TEXT);
    assert_non_null(a);
    assert_string_equal(a->title, "COCOA TALKS END");
    assert_string_equal(a->dateline, "LONDON");
    assert_string_equal(a->date, "1987-02-26");
    assert_string_equal(a->body, "Talks ended today.");
    newsidx_article_free(a);
}

static void no_dateline(void **state)
{
    (void)state;
    newsidx_article_t *a = parse("The committee met on Tuesday. It adjourned.", NEWSIDX_FORMAT_TEXT);
    assert_non_null(a);
    assert_null(a->dateline);
    assert_string_equal(a->title, "The committee met on Tuesday");
    newsidx_article_free(a);
}

static void long_lead_title_cut_at_clause(void **state)
{
    (void)state;
    newsidx_article_t *a = parse(
        "PARIS \xe2\x80\x94 The minister said on Monday that the government would raise the pension "
        "age by two years and in a long speech suggested that unions should accept the plan "
        "before the summer.",
        NEWSIDX_FORMAT_TEXT);
    assert_non_null(a);
    assert_string_equal(a->title, "The minister said on Monday that the government would raise the "
                                  "pension age by two years");
    newsidx_article_free(a);
}

static void headers_format(void **state)
{
    (void)state;
    newsidx_article_t *a = parse("Title: Floods in the valley\nDate: Wed, 12 Feb 2025 10:00:00 +0000\n"
                                 "ID: x-1\nSource: wire\n\nVALENCIA, Spain (AP) \xe2\x80\x94 Rain fell.",
                                 NEWSIDX_FORMAT_AUTO);
    assert_non_null(a);
    assert_string_equal(a->title, "Floods in the valley");
    assert_string_equal(a->date, "2025-02-12");
    assert_string_equal(a->id, "x-1");
    assert_string_equal(a->dateline, "VALENCIA, Spain");
    assert_string_equal(a->body, "Rain fell.");
    newsidx_article_free(a);
}

static void headers_bad_line(void **state)
{
    (void)state;
    newsidx_article_t *a = NULL;
    char *err = NULL;
    const char *t = "Title: x\nthis is not a header\n\nbody";
    assert_int_equal(newsidx_article_parse(t, strlen(t), NEWSIDX_FORMAT_HEADERS, "f.txt", &a, &err),
                     NEWSIDX_ERR_INPUT);
    assert_non_null(strstr(err, "line 2"));
    free(err);
}

static void empty_body_rejected(void **state)
{
    (void)state;
    newsidx_article_t *a = NULL;
    char *err = NULL;
    const char *t = "Title: only a title\n\n   \n";
    assert_int_equal(newsidx_article_parse(t, strlen(t), NEWSIDX_FORMAT_HEADERS, "f", &a, &err),
                     NEWSIDX_ERR_INPUT);
    assert_non_null(strstr(err, "no body"));
    free(err);
}

/* A date that cannot be right is left out, never the article, and the
 * message says which and why. */
static void bad_date_left_out(void **state)
{
    (void)state;
    static const char *const texts[][2] = {
        {"date 2025-02-30 BRUSSELS \xe2\x80\x94 Text.", "February 2025 has 28 days"},
        {"Date: 2013-02-29\nTitle: Leap\n\nText.", "2013 is not a leap year"},
        {"Date: Tue, 12 Jun 3007 12:03:00 +0000\n\nText.", "two days after"},
        {"Date: 2007-06-12T25:03:00Z\n\nText.", "there is no hour 25"},
        {"date 1215-06-15 RUNNYMEDE \xe2\x80\x94 Text.", "before any news"},
        {"Date: soon\n\nText.", "'soon': it is not a date"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        newsidx_article_t *a = NULL;
        char *err = NULL;
        const char *t = texts[i][0];
        assert_int_equal(newsidx_article_parse(t, strlen(t), NEWSIDX_FORMAT_AUTO, "f", &a, &err),
                         NEWSIDX_OK);
        assert_null(a->date);
        assert_null(a->time);
        assert_string_equal(a->body, "Text.");
        assert_non_null(err);
        if (!strstr(err, texts[i][1]) || strncmp(err, "f: date '", 9) != 0)
            fail_msg("\"%s\" does not say \"%s\"", err, texts[i][1]);
        free(err);
        newsidx_article_free(a);
    }
}

/* The one rule for dates, against a fixed clock (2026-12-05 10:00 UTC). */
static void dates_judged(void **state)
{
    (void)state;
    const time_t now = 1796464800;
    static const struct {
        const char *when;
        nx_when_t verdict;
        const char *why;
    } cases[] = {
        {"Sun, 07 Jul 3013 15:06:01 +0000", NX_WHEN_BAD, "more than two days after"},
        {"2026-12-10", NX_WHEN_BAD, "(2026-12-05 UTC)"},
        {"2026-12-07T09:00:00Z", NX_WHEN_OK, NULL},
        {"2026-12-07T23:00:00-05:00", NX_WHEN_BAD, "two days"},
        {"2026-12-06", NX_WHEN_OK, NULL},
        {"2013-02-29", NX_WHEN_BAD, "2013 is not a leap year: February 2013 has 28 days"},
        {"2012-02-29", NX_WHEN_OK, NULL},
        {"29 Feb 1900", NX_WHEN_BAD, "1900 is not a leap year"},
        {"2000-02-29T12:00:00Z", NX_WHEN_OK, NULL},
        {"2025-04-31", NX_WHEN_BAD, "April 2025 has 30 days"},
        {"2025-13-01", NX_WHEN_BAD, "there is no month 13"},
        {"2025-01-00", NX_WHEN_BAD, "there is no day 0"},
        {"2025-02-12T25:10:00Z", NX_WHEN_BAD, "there is no hour 25"},
        {"Tue Jun 12, 2007 25:03 EDT", NX_WHEN_BAD, "there is no hour 25"},
        {"20131020T196151+1100", NX_WHEN_BAD, "there is no minute 61"},
        {"2025-02-12 10:30:61", NX_WHEN_BAD, "there is no second 61"},
        {"2016-12-31T23:59:60Z", NX_WHEN_OK, NULL},
        {"1215-06-15", NX_WHEN_BAD, "before any news"},
        {"0001-01-01T00:00:00Z", NX_WHEN_BAD, "before any news"},
        {"1600-01-01", NX_WHEN_OK, NULL},
        {"soon", NX_WHEN_NONE, "not a date"},
        {"2025-02-12 and more", NX_WHEN_NONE, "not a date"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nx_datetime_t dt;
        char why[NX_WHY_LEN] = "";
        nx_when_t v = nx_when_read(cases[i].when, strlen(cases[i].when), now, &dt, why,
                                   sizeof why);
        if (v != cases[i].verdict || (cases[i].why && !strstr(why, cases[i].why)))
            fail_msg("%s: verdict %d (%s), want %d (%s)", cases[i].when, (int)v, why,
                     (int)cases[i].verdict, cases[i].why ? cases[i].why : "");
    }
}

static void date_forms(void **state)
{
    (void)state;
    char d[11];
    const char *good[][2] = {
        {"2025-02-12", "2025-02-12"}, {"2025-02-12T08:30:00Z", "2025-02-12"},
        {"20250212", "2025-02-12"}, {"Wed, 12 Feb 2025 10:00:00 +0000", "2025-02-12"},
        {"February 12, 2025", "2025-02-12"}, {"12 Feb 2025", "2025-02-12"},
        {"26-FEB-1987 15:01:01.79", "1987-02-26"}, {"2024-02-29", "2024-02-29"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_true(nx_date_normalise(good[i][0], d));
        assert_string_equal(d, good[i][1]);
    }
    const char *bad[] = {"", "yesterday", "2025-13-01", "2023-02-29", "12/02", "2025-02-12x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(nx_date_normalise(bad[i], d));
}

static void id_stable_across_rewrapping(void **state)
{
    (void)state;
    newsidx_article_t *a = parse("ROME \xe2\x80\x94 One two three.\nFour five.", NEWSIDX_FORMAT_TEXT);
    newsidx_article_t *b = parse("ROME \xe2\x80\x94 One two   three. Four\n five.", NEWSIDX_FORMAT_TEXT);
    newsidx_article_t *c = parse("ROME \xe2\x80\x94 One two three. Four six.", NEWSIDX_FORMAT_TEXT);
    assert_string_equal(a->id, b->id);
    assert_string_not_equal(a->id, c->id);
    newsidx_article_free(a);
    newsidx_article_free(b);
    newsidx_article_free(c);
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(nx_utf8_valid("caf\xc3\xa9 \xe2\x80\x94", 9));
    assert_false(nx_utf8_valid("\xc0\xaf", 2));            /* overlong */
    assert_false(nx_utf8_valid("\xed\xa0\x80", 3));        /* surrogate */
    assert_false(nx_utf8_valid("\xf4\x90\x80\x80", 4));    /* > U+10FFFF */
    assert_false(nx_utf8_valid("ab\xe2\x80", 4));          /* truncated */
}

static void latin1_repaired(void **state)
{
    (void)state;
    char *out;
    size_t n;
    const char in[] = "S\xe3o Paulo \x93quoted\x94";
    assert_int_equal(nx_text_clean(in, strlen(in), &out, &n), NX_TEXT_REPAIRED);
    assert_string_equal(out, "S\xc3\xa3o Paulo \xe2\x80\x9cquoted\xe2\x80\x9d");
    assert_true(nx_utf8_valid(out, n));
    free(out);
}

static void binary_rejected(void **state)
{
    (void)state;
    char *out;
    size_t n;
    const char in[] = {'a', 'b', 0, 'c'};
    assert_int_equal(nx_text_clean(in, sizeof in, &out, &n), NX_TEXT_BINARY);
    assert_null(out);
}

static void crlf_and_controls(void **state)
{
    (void)state;
    char *out;
    size_t n;
    const char in[] = "a\r\nb\rc\x07" "d";
    assert_int_equal(nx_text_clean(in, strlen(in), &out, &n), NX_TEXT_OK);
    assert_string_equal(out, "a\nb\nc d");
    free(out);
}

/* JSON Lines through a real file: a broken line is reported with its
 * line number and skipped, the others come through. */
static void jsonl_stream(void **state)
{
    (void)state;
    char path[] = "/tmp/nx-jsonl-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "{\"id\": \"a\", \"body\": \"First.\"}\n"
                       "{\"id\": \"b\", \"body\": \n"
                       "\n"
                       "{\"id\": 7, \"title\": \"T\", \"body\": \"Third.\", \"date\": \"2020-01-02\"}\n"
                       "{\"id\": \"d\", \"title\": 5, \"body\": \"x\"}\n"
                       "{\"id\": \"e\"}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    newsidx_input_t *in = NULL;
    assert_int_equal(newsidx_input_open(path, NEWSIDX_FORMAT_AUTO, &in, NULL), NEWSIDX_OK);
    newsidx_article_t *a = NULL;
    assert_int_equal(newsidx_input_next(in, &a), NEWSIDX_OK);
    assert_string_equal(a->id, "a");
    newsidx_article_free(a);
    assert_int_equal(newsidx_input_next(in, &a), NEWSIDX_ERR_INPUT);
    assert_non_null(strstr(newsidx_input_error(in), ":2: invalid JSON"));
    assert_int_equal(newsidx_input_next(in, &a), NEWSIDX_OK);
    assert_string_equal(a->id, "7");
    assert_string_equal(a->date, "2020-01-02");
    newsidx_article_free(a);
    assert_int_equal(newsidx_input_next(in, &a), NEWSIDX_ERR_INPUT);
    assert_non_null(strstr(newsidx_input_error(in), ":5: field \"title\" must be a string"));
    assert_int_equal(newsidx_input_next(in, &a), NEWSIDX_ERR_INPUT);
    assert_non_null(strstr(newsidx_input_error(in), ":6: missing required field \"body\""));
    assert_int_equal(newsidx_input_next(in, &a), NEWSIDX_END);
    newsidx_input_close(in);
    unlink(path);
}

/* Plain text with header lines before the body, in the styles text
 * archives use.  The articles are written for this test. */
typedef struct styled {
    const char *text;
    const char *title, *date, *time, *byline, *url, *dateline, *body_start;
} styled_t;

static const styled_t header_styles[] = {
    {"-- Copper climbs to two-week high on Chinese buying\n"
     "-- By Marta Ilves\n"
     "-- Wed Mar 14, 2007 11:20AM EDT\n"
     "-- http://www.example.com/article/2007/03/14/metals-copper-idUSL1412345\n\n"
     "LONDON (Reuters) - Copper rose to its highest in two weeks on Wednesday\n"
     "as buyers in China returned after the holiday, traders said.\n",
     "Copper climbs to two-week high on Chinese buying", "2007-03-14", "2007-03-14T15:20:00Z",
     "Marta Ilves", "http://www.example.com/article/2007/03/14/metals-copper-idUSL1412345",
     "LONDON", "Copper rose to its highest"},
    {"Headline: Harbour strike ends after nine days\nAuthor: Pieter de Wit\n"
     "Published: 26 February 1987\nLink: https://news.example.net/2/harbour-strike\n\n"
     "ROTTERDAM - Dock workers voted on Thursday to end a strike.\n",
     "Harbour strike ends after nine days", "1987-02-26", NULL, "Pieter de Wit",
     "https://news.example.net/2/harbour-strike", "ROTTERDAM", "Dock workers voted"},
    {"Wheat futures slide as rain reaches the plains\nBy JOHN ABERNATHY and SUE KAPLAN\n"
     "Feb 26, 1987\nhttps://example.org/markets/wheat-slide\n\n"
     "CHICAGO, Feb 26 - Wheat futures fell for a third day on Thursday.\n",
     "Wheat futures slide as rain reaches the plains", "1987-02-26", NULL,
     "JOHN ABERNATHY and SUE KAPLAN", "https://example.org/markets/wheat-slide", "CHICAGO",
     "Wheat futures fell"},
    {"https://example.org/2025/05/06/lisbon-tram\nTue, 06 May 2025 09:15:00 +0100\n"
     "By Ana Sousa\nLisbon tram line reopens after repairs\n\n"
     "LISBON \xe2\x80\x94 The number 28 tram returned to the streets of Lisbon on Tuesday.\n",
     "Lisbon tram line reopens after repairs", "2025-05-06", "2025-05-06T08:15:00Z",
     "Ana Sousa", "https://example.org/2025/05/06/lisbon-tram", "LISBON", "The number 28"},
    {"-- 2007-06-12T16:03:00Z\n-- Oil eases from nine-month peak\n-- By Kwame Asante, Reuters\n"
     "NEW YORK (Reuters) - Oil prices eased on Tuesday from a nine-month high.\n",
     "Oil eases from nine-month peak", "2007-06-12", "2007-06-12T16:03:00Z",
     "Kwame Asante, Reuters", NULL, "NEW YORK", "Oil prices eased"},
    {"-- Mon Oct 23, 2006 6:42pm EDT\n-- Title: Storm closes schools across the county\n"
     "-- By: Dana Whitfield\n-- URL: http://www.example.com/storm\n\n"
     "SPRINGFIELD, Ill. (AP) -- Schools closed early on Monday as a storm moved in.\n",
     "Storm closes schools across the county", "2006-10-23", "2006-10-23T22:42:00Z",
     "Dana Whitfield", "http://www.example.com/storm", "SPRINGFIELD, Ill.", "Schools closed"},
    {"date 2025-03-04\n26 February 1987\nBy Lena Berg\n\nSTOCKHOLM - Snow closed the port.\n",
     NULL, "2025-03-04", NULL, "Lena Berg", NULL, "STOCKHOLM", "Snow closed the port."},
};

static void opt_equal(const char *got, const char *want, const char *what, size_t i)
{
    if (!want && !got)
        return;
    if (!want || !got || strcmp(want, got) != 0) {
        fprintf(stderr, "style %zu: %s is '%s', want '%s'\n", i, what, got ? got : "(null)",
                want ? want : "(null)");
        fail();
    }
}

static void header_block_styles(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof header_styles / sizeof header_styles[0]; i++) {
        const styled_t *t = &header_styles[i];
        newsidx_article_t *a = parse(t->text, NEWSIDX_FORMAT_AUTO);
        assert_non_null(a);
        if (t->title)
            opt_equal(a->title, t->title, "title", i);
        opt_equal(a->date, t->date, "date", i);
        opt_equal(a->time, t->time, "time", i);
        opt_equal(a->byline, t->byline, "byline", i);
        opt_equal(a->url, t->url, "url", i);
        opt_equal(a->dateline, t->dateline, "dateline", i);
        assert_true(strncmp(a->body, t->body_start, strlen(t->body_start)) == 0);
        /* the URL is the id when there is one */
        if (t->url)
            assert_string_equal(a->id, t->url);
        newsidx_article_free(a);
    }
}

/* Lines that only look like headers stay in the body. */
static void header_block_not_prose(void **state)
{
    (void)state;
    newsidx_article_t *a = parse("The council met on Tuesday\nBy then the vote was over.\n\n"
                                 "More text.", NEWSIDX_FORMAT_TEXT);
    assert_non_null(a);
    assert_null(a->byline);
    assert_true(strncmp(a->body, "The council met", 15) == 0);
    newsidx_article_free(a);
    a = parse("Note: this is a body line\n-- and this is not a header block\nText.",
              NEWSIDX_FORMAT_TEXT);
    assert_non_null(a);
    assert_true(strncmp(a->body, "Note: this is", 13) == 0);
    newsidx_article_free(a);
    /* a header block with a bad date: the article without it, and a
     * message naming it */
    newsidx_article_t *b = NULL;
    char *err = NULL;
    const char *t = "-- Date: someday soon\n-- A title\n\nBODY - text.";
    assert_int_equal(newsidx_article_parse(t, strlen(t), NEWSIDX_FORMAT_TEXT, "f", &b, &err),
                     NEWSIDX_OK);
    assert_non_null(strstr(err, "'someday soon': it is not a date"));
    assert_null(b->date);
    assert_string_equal(b->title, "A title");
    free(err);
    newsidx_article_free(b);
}

static void datetime_forms(void **state)
{
    (void)state;
    static const char *const good[][3] = {
        /* text, day, UTC moment or "" */
        {"2022-10-11T11:14:42+02:00", "2022-10-11", "2022-10-11T09:14:42Z"},
        {"2018-03-01T18:34:39.924Z", "2018-03-01", "2018-03-01T18:34:39Z"},
        {"20131020T192751+1100", "2013-10-20", "2013-10-20T08:27:51Z"},
        {"20140829T135002Z", "2014-08-29", "2014-08-29T13:50:02Z"},
        {"2017-08-24T04:38:34+0000", "2017-08-24", "2017-08-24T04:38:34Z"},
        {"Mon, 29 Jul 2013 16:03:54 +0000", "2013-07-29", "2013-07-29T16:03:54Z"},
        {"Tue Jun 12, 2007 12:03PM EDT", "2007-06-12", "2007-06-12T16:03:00Z"},
        {"Mon Oct 23, 2006 6:42pm EDT", "2006-10-23", "2006-10-23T22:42:00Z"},
        {"2014-07-17 00:24:11 GMT+00:00", "2014-07-17", "2014-07-17T00:24:11Z"},
        {"Feb 26, 1987", "1987-02-26", ""},
        {"26 February 1987", "1987-02-26", ""},
        {"26-FEB-1987 15:01:01.79", "1987-02-26", ""},
        {"Thursday, February 26, 1987", "1987-02-26", ""},
        {"2018-05-28T16:40:08", "2018-05-28", ""},
        {"2024-12-31T23:30:00-05:00", "2024-12-31", "2025-01-01T04:30:00Z"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        nx_datetime_t dt;
        char day[11], utc[21];
        if (!nx_datetime_parse(good[i][0], strlen(good[i][0]), &dt)) {
            fprintf(stderr, "not read: %s\n", good[i][0]);
            fail();
        }
        nx_datetime_date(&dt, day);
        assert_string_equal(day, good[i][1]);
        if (*good[i][2]) {
            assert_true(nx_datetime_utc(&dt, utc));
            assert_string_equal(utc, good[i][2]);
        } else {
            assert_false(nx_datetime_utc(&dt, utc));
        }
    }
    static const char *const bad[] = {"", "Feb 26", "2025-02-30", "12:00", "soon",
                                      "2025-02-12 and more", "Tue Jun 12, 2007 25:03 EDT"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nx_datetime_t dt;
        assert_false(nx_datetime_parse(bad[i], strlen(bad[i]), &dt));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ap_dateline_and_date_token),
        cmocka_unit_test(reuters_dateline),
        cmocka_unit_test(dateline_with_state_and_agency),
        cmocka_unit_test(title_line_before_dateline),
        cmocka_unit_test(no_dateline),
        cmocka_unit_test(long_lead_title_cut_at_clause),
        cmocka_unit_test(headers_format),
        cmocka_unit_test(headers_bad_line),
        cmocka_unit_test(empty_body_rejected),
        cmocka_unit_test(bad_date_left_out),
        cmocka_unit_test(dates_judged),
        cmocka_unit_test(date_forms),
        cmocka_unit_test(id_stable_across_rewrapping),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(latin1_repaired),
        cmocka_unit_test(binary_rejected),
        cmocka_unit_test(crlf_and_controls),
        cmocka_unit_test(jsonl_stream),
        cmocka_unit_test(header_block_styles),
        cmocka_unit_test(header_block_not_prose),
        cmocka_unit_test(datetime_forms),
        cmocka_unit_test(dateline_noise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
