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

static void bad_date_rejected(void **state)
{
    (void)state;
    newsidx_article_t *a = NULL;
    char *err = NULL;
    const char *t = "date 2025-02-30 BRUSSELS \xe2\x80\x94 Text.";
    assert_int_equal(newsidx_article_parse(t, strlen(t), NEWSIDX_FORMAT_TEXT, "f", &a, &err),
                     NEWSIDX_ERR_INPUT);
    assert_non_null(strstr(err, "2025-02-30"));
    free(err);
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
        cmocka_unit_test(bad_date_rejected),
        cmocka_unit_test(date_forms),
        cmocka_unit_test(id_stable_across_rewrapping),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(latin1_repaired),
        cmocka_unit_test(binary_rejected),
        cmocka_unit_test(crlf_and_controls),
        cmocka_unit_test(jsonl_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
