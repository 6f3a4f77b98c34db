/* test_fields.c - articles and results through JSON, MessagePack and the
 * stored record and back: every field, non-ASCII text, empty lists.
 * The comparisons name each field of the structs by hand, so a field
 * the tables of fields.c forget fails here. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nx.h"
#include "mpack.h"
#include "results.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- building and comparing ---- */

static char **strv(size_t n, ...)
{
    va_list ap;
    char **v = calloc(n ? n : 1, sizeof *v);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        v[i] = strdup(va_arg(ap, const char *));
    va_end(ap);
    return v;
}

/* An article with every field set, much of it not ASCII. */
static newsidx_article_t *full_article(void)
{
    newsidx_article_t *a = newsidx_article_new();
    a->id = strdup("wire-2025-0212-\xc3\xa9");
    a->title = strdup("Zieli\xc5\x84ska says \xe2\x80\x9cno\xe2\x80\x9d in Br\xc3\xbcssel");
    a->date = strdup("2025-02-12");
    a->dateline = strdup("Z\xc3\x9cRICH");
    a->byline = strdup("By Jos\xc3\xa9 Mar\xc3\xad" "a");
    a->url = strdup("https://example.org/a?b=1&c=\xc3\xa7");
    a->body = strdup("\xe2\x80\x9cWe will not,\xe2\x80\x9d said Marta Zieli\xc5\x84ska.\n"
                     "NATO said in a statement that \xe6\x97\xa5\xe6\x9c\xac agreed.");
    a->speakers = strv(2, "Marta Zieli\xc5\x84ska", "NATO");
    a->n_speakers = 2;
    a->locations = strv(1, "Z\xc3\xbcrich");
    a->n_locations = 1;
    a->time = strdup("2025-02-12T08:30:00Z");
    a->language = strdup("de");
    a->version = strdup("3");
    a->subjects = strv(2, "Politik", "Verteidigung \xe2\x80\x93 NATO");
    a->n_subjects = 2;
    a->agency_persons = strv(1, "Marta Zieli\xc5\x84ska");
    a->n_agency_persons = 1;
    a->agency_orgs = strv(2, "NATO", "\xc3\x96VP");
    a->n_agency_orgs = 2;
    a->agency_places = strv(1, "Z\xc3\xbcrich");
    a->n_agency_places = 1;
    a->summary_only = true;
    a->speaker_kinds = calloc(2, sizeof *a->speaker_kinds);
    a->speaker_kinds[0] = NEWSIDX_KIND_PERSON;
    a->speaker_kinds[1] = NEWSIDX_KIND_ORGANISATION;
    a->quotes = calloc(2, sizeof *a->quotes);
    a->n_quotes = 2;
    a->quotes[0] = (newsidx_quote_t){strdup("Marta Zieli\xc5\x84ska"), strdup("We will not,"), 1,
                                     13, false};
    a->quotes[1] = (newsidx_quote_t){strdup("NATO"), strdup("\xe6\x97\xa5\xe6\x9c\xac agreed"),
                                     77, 87, true};
    return a;
}

/* The fewest fields: every list empty (one allocated, one not), no
 * optional string. */
static newsidx_article_t *bare_article(void)
{
    newsidx_article_t *a = newsidx_article_new();
    a->id = strdup("b1");
    a->body = strdup("Text.");
    a->speakers = calloc(1, sizeof *a->speakers);
    a->subjects = calloc(1, sizeof *a->subjects);
    return a;
}

static void same_str(const char *what, const char *x, const char *y)
{
    if (!x || !y) {
        if (x != y)
            fail_msg("%s: %s against %s", what, x ? x : "NULL", y ? y : "NULL");
        return;
    }
    if (strcmp(x, y) != 0)
        fail_msg("%s: \"%s\" against \"%s\"", what, x, y);
}

static void same_strv(const char *what, char *const *x, size_t nx, char *const *y, size_t ny)
{
    if (nx != ny)
        fail_msg("%s: %zu items against %zu", what, nx, ny);
    for (size_t i = 0; i < nx; i++)
        same_str(what, x[i], y[i]);
}

static void same_article(const newsidx_article_t *x, const newsidx_article_t *y, bool body)
{
    same_str("id", x->id, y->id);
    same_str("title", x->title, y->title);
    same_str("date", x->date, y->date);
    same_str("dateline", x->dateline, y->dateline);
    same_str("byline", x->byline, y->byline);
    same_str("url", x->url, y->url);
    if (body)
        same_str("body", x->body, y->body);
    same_strv("speakers", x->speakers, x->n_speakers, y->speakers, y->n_speakers);
    same_strv("locations", x->locations, x->n_locations, y->locations, y->n_locations);
    same_str("time", x->time, y->time);
    same_str("language", x->language, y->language);
    same_str("version", x->version, y->version);
    same_strv("subjects", x->subjects, x->n_subjects, y->subjects, y->n_subjects);
    same_strv("agency_persons", x->agency_persons, x->n_agency_persons, y->agency_persons,
              y->n_agency_persons);
    same_strv("agency_orgs", x->agency_orgs, x->n_agency_orgs, y->agency_orgs, y->n_agency_orgs);
    same_strv("agency_places", x->agency_places, x->n_agency_places, y->agency_places,
              y->n_agency_places);
    assert_int_equal(x->summary_only, y->summary_only);
    if (!x->speaker_kinds || !y->speaker_kinds) {
        assert_true(x->speaker_kinds == y->speaker_kinds);
    } else {
        for (size_t i = 0; i < x->n_speakers; i++)
            assert_int_equal(x->speaker_kinds[i], y->speaker_kinds[i]);
    }
    assert_int_equal(x->n_quotes, y->n_quotes);
    for (size_t i = 0; i < x->n_quotes; i++) {
        same_str("quote speaker", x->quotes[i].speaker, y->quotes[i].speaker);
        same_str("quote text", x->quotes[i].text, y->quotes[i].text);
        assert_int_equal(x->quotes[i].start, y->quotes[i].start);
        assert_int_equal(x->quotes[i].end, y->quotes[i].end);
        assert_int_equal(x->quotes[i].indirect, y->quotes[i].indirect);
    }
}

/* ---- the three round trips ---- */

static newsidx_article_t *through_json(const newsidx_article_t *a)
{
    json_t *j = nx_article_to_json(a, NX_FIELDS_ALL);
    assert_non_null(j);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    json_error_t jerr;
    j = json_loads(text, 0, &jerr);
    free(text);
    assert_non_null(j);
    newsidx_article_t *b = newsidx_article_new();
    char *err = NULL;
    if (!nx_article_from_json(j, b, NX_FIELDS_ALL, &err))
        fail_msg("from JSON: %s", err);
    json_decref(j);
    return b;
}

static newsidx_article_t *through_mp(const newsidx_article_t *a)
{
    nx_buf_t buf;
    msgpack_packer pk;
    nx_buf_init(&buf);
    nx_mp_packer_init(&pk, &buf);
    nx_mp_pack_article(&pk, a, NX_FIELDS_ALL);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    assert_int_equal(msgpack_unpack_next(&u, buf.data, buf.len, NULL), MSGPACK_UNPACK_SUCCESS);
    newsidx_article_t *b = newsidx_article_new();
    char *err = NULL;
    if (!nx_mp_read_article(&u.data, b, NX_FIELDS_ALL, &err))
        fail_msg("from MessagePack: %s", err);
    msgpack_unpacked_destroy(&u);
    nx_buf_free(&buf);
    return b;
}

static newsidx_article_t *through_docdata(const newsidx_article_t *a, bool with_body)
{
    nx_buf_t buf;
    nx_buf_init(&buf);
    assert_true(nx_docdata_pack(a, &buf));
    newsidx_article_t *b = nx_docdata_unpack(buf.data, buf.len, with_body);
    nx_buf_free(&buf);
    assert_non_null(b);
    return b;
}

static void round_trips(newsidx_article_t *(*make)(void))
{
    newsidx_article_t *a = make();
    newsidx_article_t *b = through_json(a);
    same_article(a, b, true);
    newsidx_article_free(b);
    b = through_mp(a);
    same_article(a, b, true);
    newsidx_article_free(b);
    b = through_docdata(a, true);
    same_article(a, b, true);
    newsidx_article_free(b);
    b = through_docdata(a, false);
    same_article(a, b, false);
    assert_null(b->body);
    newsidx_article_free(b);
    newsidx_article_free(a);
}

static void full_article_round_trips(void **state)
{
    (void)state;
    round_trips(full_article);
}

static void bare_article_round_trips(void **state)
{
    (void)state;
    round_trips(bare_article);
}

/* ---- the JSON shape newsidx(1) and newsq(1) give ---- */

static json_t *to_json(const newsidx_article_t *a, unsigned groups)
{
    json_t *j = nx_article_to_json(a, groups);
    assert_non_null(j);
    return j;
}

static void json_keys_of_a_bare_article(void **state)
{
    (void)state;
    newsidx_article_t *a = bare_article();
    json_t *j = to_json(a, NX_FIELDS_ALL);
    /* title, date and dateline are null when absent (as before); the
     * optional keys are left out; what extraction finds is there, empty
     * lists (speaker_kinds only when kinds are known). */
    const char *keys[] = {"id",       "title",     "date",   "dateline",
                          "speakers", "locations", "quotes", "body"};
    assert_int_equal(json_object_size(j), NX_ARRAY_LEN(keys));
    for (size_t i = 0; i < NX_ARRAY_LEN(keys); i++)
        assert_non_null(json_object_get(j, keys[i]));
    assert_true(json_is_null(json_object_get(j, "title")));
    assert_int_equal(json_array_size(json_object_get(j, "speakers")), 0);
    json_decref(j);
    newsidx_article_free(a);
}

static void json_shape_of_a_full_article(void **state)
{
    (void)state;
    newsidx_article_t *a = full_article();
    json_t *j = to_json(a, NX_FIELDS_ALL);
    assert_true(json_is_true(json_object_get(j, "summary_only")));
    assert_string_equal(json_string_value(json_object_get(j, "time")), "2025-02-12T08:30:00Z");
    json_t *kinds = json_object_get(j, "speaker_kinds");
    assert_int_equal(json_array_size(kinds), 2);
    assert_string_equal(json_string_value(json_array_get(kinds, 0)), "person");
    assert_string_equal(json_string_value(json_array_get(kinds, 1)), "organisation");
    json_t *q = json_array_get(json_object_get(j, "quotes"), 1);
    assert_int_equal(json_object_size(q), 5);
    assert_string_equal(json_string_value(json_object_get(q, "speaker")), "NATO");
    assert_int_equal(json_integer_value(json_object_get(q, "start")), 77);
    assert_int_equal(json_integer_value(json_object_get(q, "end")), 87);
    assert_true(json_is_true(json_object_get(q, "indirect")));
    assert_true(json_is_false(json_object_get(json_array_get(json_object_get(j, "quotes"), 0),
                                              "indirect")));
    json_decref(j);

    /* what export writes: what add reads, nothing extraction finds */
    j = to_json(a, NX_FIELDS_INPUT);
    assert_null(json_object_get(j, "speakers"));
    assert_null(json_object_get(j, "quotes"));
    assert_non_null(json_object_get(j, "subjects"));
    assert_non_null(json_object_get(j, "body"));
    json_decref(j);

    /* what extract writes: the head and what extraction finds */
    j = to_json(a, NX_FIELDS_HEAD | NX_FIELDS_EXTRACTED);
    assert_null(json_object_get(j, "byline"));
    assert_null(json_object_get(j, "body"));
    assert_non_null(json_object_get(j, "speaker_kinds"));
    json_decref(j);
    newsidx_article_free(a);
}

/* ---- reading input ---- */

static newsidx_article_t *read_input_notes(const char *text, char **err, nx_strv_t *notes)
{
    json_error_t jerr;
    json_t *j = json_loads(text, JSON_ALLOW_NUL, &jerr);
    assert_non_null(j);
    newsidx_article_t *a = newsidx_article_new();
    bool ok = nx_article_from_json(j, a, NX_FIELDS_INPUT, err) &&
              nx_article_finish(a, err, notes);
    json_decref(j);
    if (!ok) {
        newsidx_article_free(a);
        return NULL;
    }
    return a;
}

static newsidx_article_t *read_input(const char *text, char **err)
{
    nx_strv_t notes = {0};
    newsidx_article_t *a = read_input_notes(text, err, &notes);
    assert_int_equal(notes.n, 0);
    nx_strv_free(&notes);
    return a;
}

/* The article is kept, without the date or time, and the note says why. */
static void expect_left_out(const char *text, const char *message)
{
    char *err = NULL;
    nx_strv_t notes = {0};
    newsidx_article_t *a = read_input_notes(text, &err, &notes);
    assert_non_null(a);
    assert_null(err);
    assert_int_equal(notes.n, 1);
    if (!strstr(notes.v[0], message) || !strstr(notes.v[0], "left out"))
        fail_msg("\"%s\" does not say \"%s\"", notes.v[0], message);
    if (strncmp(notes.v[0], "time ", 5) == 0)
        assert_null(a->time);
    else
        assert_null(a->date);
    nx_strv_free(&notes);
    newsidx_article_free(a);
}

static void json_lines_new_fields(void **state)
{
    (void)state;
    char *err = NULL;
    newsidx_article_t *a = read_input(
        "{\"id\": 12, \"body\": \"Text.\", \"time\": \"2025-02-12T00:30:00.25+01:00\","
        " \"language\": \" de \", \"version\": 3, \"subjects\": [\" Sport \", \"\", \"Ski\"],"
        " \"agency_orgs\": [\"FIS\"], \"summary_only\": true,"
        " \"speakers\": [\"ignored: extraction finds them\"]}",
        &err);
    if (!a)
        fail_msg("%s", err);
    assert_string_equal(a->id, "12");
    assert_string_equal(a->time, "2025-02-11T23:30:00Z");
    assert_string_equal(a->language, "de");
    assert_string_equal(a->version, "3");
    same_strv("subjects", a->subjects, a->n_subjects, (char *[]){"Sport", "Ski"}, 2);
    same_strv("agency_orgs", a->agency_orgs, a->n_agency_orgs, (char *[]){"FIS"}, 1);
    assert_true(a->summary_only);
    assert_int_equal(a->n_speakers, 0);
    newsidx_article_free(a);
}

static void expect_refused(const char *text, const char *message)
{
    char *err = NULL;
    newsidx_article_t *a = read_input(text, &err);
    assert_null(a);
    assert_non_null(err);
    if (!strstr(err, message))
        fail_msg("\"%s\" does not say \"%s\"", err, message);
    free(err);
}

static void json_lines_bad_fields(void **state)
{
    (void)state;
    expect_left_out("{\"body\": \"x\", \"time\": \"2025-02-12T09:30:00\"}",
                    "time '2025-02-12T09:30:00': a time needs its zone");
    expect_left_out("{\"body\": \"x\", \"time\": \"2025-02-30T09:30Z\"}",
                    "time '2025-02-30T09:30Z': February 2025 has 28 days");
    expect_left_out("{\"body\": \"x\", \"date\": \"3013-07-07\"}",
                    "date '3013-07-07': it is more than two days after");
    expect_left_out("{\"body\": \"x\", \"date\": \"not a date\"}",
                    "date 'not a date': it is not a date");
    expect_refused("{\"body\": \"x\", \"subjects\": \"Sport\"}",
                   "field \"subjects\" must be a list of strings");
    expect_refused("{\"body\": \"x\", \"subjects\": [\"a\", 2]}",
                   "field \"subjects\": item 2 is not a string");
    expect_refused("{\"body\": \"x\", \"summary_only\": \"yes\"}",
                   "field \"summary_only\" must be true or false");
    expect_refused("{\"body\": \"x\", \"language\": [\"de\"]}",
                   "field \"language\" must be a string");
    expect_refused("{\"body\": \"x\\u0000y\"}", "field \"body\" contains a NUL character");
    expect_refused("{\"title\": \"x\"}", "missing required field \"body\"");
}

/* The fields extraction fills, read back from a stored or sent article. */
static void extracted_fields_checked(void **state)
{
    (void)state;
    const char *bad[][2] = {
        {"{\"id\": \"a\", \"body\": \"x\", \"speakers\": [\"A\", \"B\"], \"speaker_kinds\": [\"person\"]}",
         "has 1 kinds for 2 speakers"},
        {"{\"id\": \"a\", \"body\": \"x\", \"speakers\": [\"A\"], \"speaker_kinds\": [\"robot\"]}",
         "item 1 is not \"person\" or \"organisation\""},
        {"{\"id\": \"a\", \"body\": \"x\", \"quotes\": [{\"speaker\": \"A\", \"text\": \"t\", "
         "\"start\": 5, \"end\": 2}]}",
         "start 5 is after end 2"},
        {"{\"id\": \"a\", \"body\": \"x\", \"quotes\": [{\"speaker\": \"A\", \"start\": 1, "
         "\"end\": 2}]}",
         "field \"quotes\", item 1: missing required field \"text\""},
        {"{\"id\": \"a\", \"body\": \"x\", \"quotes\": [{\"speaker\": \"A\", \"text\": \"t\", "
         "\"start\": -1, \"end\": 2}]}",
         "field \"start\" must be a non-negative integer"},
    };
    for (size_t i = 0; i < NX_ARRAY_LEN(bad); i++) {
        json_error_t jerr;
        json_t *j = json_loads(bad[i][0], 0, &jerr);
        assert_non_null(j);
        newsidx_article_t *a = newsidx_article_new();
        char *err = NULL;
        assert_false(nx_article_from_json(j, a, NX_FIELDS_ALL, &err));
        if (!err || !strstr(err, bad[i][1]))
            fail_msg("\"%s\" does not say \"%s\"", err ? err : "(nothing)", bad[i][1]);
        free(err);
        newsidx_article_free(a);
        json_decref(j);
    }
}

static void time_forms(void **state)
{
    (void)state;
    const char *good[][2] = {
        {"2025-02-12T09:30:00Z", "2025-02-12T09:30:00Z"},
        {"2025-02-12t09:30z", "2025-02-12T09:30:00Z"},
        {"2025-02-12 09:30:15.123456-05:00", "2025-02-12T14:30:15Z"},
        {"2025-12-31T23:30:00-0100", "2026-01-01T00:30:00Z"},
        {"2024-03-01T00:15:00+02", "2024-02-29T22:15:00Z"},
        {"2025-02-12T24:00:00Z", "2025-02-13T00:00:00Z"},
    };
    char out[NX_TIME_LEN + 1];
    for (size_t i = 0; i < NX_ARRAY_LEN(good); i++) {
        if (!nx_time_normalise(good[i][0], out))
            fail_msg("%s refused", good[i][0]);
        assert_string_equal(out, good[i][1]);
    }
    const char *bad[] = {"2025-02-12", "2025-02-12T09:30:00", "2025-02-12T25:00Z",
                         "2025-02-12T09:60Z", "2025-02-12T09:30:00+24:00",
                         "2025-02-12T09:30:00Z and more", "12 Feb 2025 09:30 GMT", ""};
    for (size_t i = 0; i < NX_ARRAY_LEN(bad); i++)
        if (nx_time_normalise(bad[i], out))
            fail_msg("%s taken as %s", bad[i], out);
}

/* ---- results ---- */

static newsidx_results_t *some_results(void)
{
    newsidx_results_t *r = calloc(1, sizeof *r);
    r->query = strdup("\"Article F\xc3\xbcnf\"");
    r->total = 12;
    r->total_min = 10;
    r->total_max = 5000000000ull;
    r->more = true;
    r->n_hits = 2;
    r->hits = calloc(2, sizeof *r->hits);
    newsidx_hit_t *h = &r->hits[0];
    h->id = strdup("a1");
    h->rank = 1;
    h->score = 12.5;
    h->date = strdup("2025-02-12");
    h->title = strdup("Zieli\xc5\x84ska");
    h->speakers = strv(1, "Marta Zieli\xc5\x84ska");
    h->n_speakers = 1;
    h->locations = calloc(1, sizeof *h->locations);
    h->snippet = strdup("<em>F\xc3\xbcnf</em>");
    h->partial = true;
    h->explain = calloc(2, sizeof *h->explain);
    h->n_explain = 2;
    h->explain[0] = (newsidx_explain_t){strdup("body"), 3.25};
    h->explain[1] = (newsidx_explain_t){strdup("speaker"), 9.25};
    r->hits[1].id = strdup("a2");
    r->hits[1].rank = 2;
    r->has_facets = true;
    r->speaker_facets = calloc(1, sizeof *r->speaker_facets);
    r->speaker_facets[0] = (newsidx_facet_t){strdup("Marta Zieli\xc5\x84ska"), 3};
    r->n_speaker_facets = 1;
    r->corrected = strdup("article f\xc3\xbcnf");
    r->relaxed = true;
    r->total_strict = 3;
    r->truncated = true;
    r->missing_shards = strv(1, "host:1");
    r->n_missing_shards = 1;
    r->notes = strv(2, "one", "two");
    r->n_notes = 2;
    return r;
}

static void same_results(const newsidx_results_t *x, const newsidx_results_t *y)
{
    same_str("query", x->query, y->query);
    assert_true(x->total == y->total && x->total_min == y->total_min &&
                x->total_max == y->total_max && x->total_strict == y->total_strict);
    assert_int_equal(x->more, y->more);
    assert_int_equal(x->n_hits, y->n_hits);
    for (size_t i = 0; i < x->n_hits; i++) {
        const newsidx_hit_t *a = &x->hits[i], *b = &y->hits[i];
        same_str("hit id", a->id, b->id);
        assert_int_equal(a->rank, b->rank);
        assert_true(a->score == b->score);
        same_str("hit date", a->date, b->date);
        same_str("hit dateline", a->dateline, b->dateline);
        same_str("hit title", a->title, b->title);
        same_strv("hit speakers", a->speakers, a->n_speakers, b->speakers, b->n_speakers);
        same_strv("hit locations", a->locations, a->n_locations, b->locations, b->n_locations);
        same_str("snippet", a->snippet ? a->snippet : "", b->snippet);
        assert_int_equal(a->partial, b->partial);
        assert_int_equal(a->n_explain, b->n_explain);
        for (size_t k = 0; k < a->n_explain; k++) {
            same_str("explain field", a->explain[k].field, b->explain[k].field);
            assert_true(a->explain[k].weight == b->explain[k].weight);
        }
    }
    assert_int_equal(x->has_facets, y->has_facets);
    assert_int_equal(x->n_speaker_facets, y->n_speaker_facets);
    for (size_t i = 0; i < x->n_speaker_facets; i++) {
        same_str("facet", x->speaker_facets[i].name, y->speaker_facets[i].name);
        assert_int_equal(x->speaker_facets[i].count, y->speaker_facets[i].count);
    }
    assert_int_equal(x->n_location_facets, y->n_location_facets);
    same_str("corrected", x->corrected, y->corrected);
    assert_int_equal(x->relaxed, y->relaxed);
    assert_int_equal(x->truncated, y->truncated);
    same_strv("missing_shards", x->missing_shards, x->n_missing_shards, y->missing_shards,
              y->n_missing_shards);
    same_strv("notes", x->notes, x->n_notes, y->notes, y->n_notes);
}

static newsidx_results_t *results_through_mp(const newsidx_results_t *r)
{
    nx_buf_t buf;
    msgpack_packer pk;
    nx_buf_init(&buf);
    nx_mp_packer_init(&pk, &buf);
    nx_mp_pack_results(&pk, r);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    assert_int_equal(msgpack_unpack_next(&u, buf.data, buf.len, NULL), MSGPACK_UNPACK_SUCCESS);
    char *err = NULL;
    newsidx_results_t *b = nx_mp_read_results(&u.data, &err);
    if (!b)
        fail_msg("results from MessagePack: %s", err);
    msgpack_unpacked_destroy(&u);
    nx_buf_free(&buf);
    return b;
}

/* The MessagePack of a string of n bytes 'x' at out: its length. */
static size_t str_bytes(unsigned char *out, size_t n)
{
    size_t h = 0;
    if (n < 32) {
        out[h++] = (unsigned char)(0xa0 | n);
    } else if (n < 256) {
        out[h++] = 0xd9;
        out[h++] = (unsigned char)n;
    } else {
        out[h++] = 0xda;
        out[h++] = (unsigned char)(n >> 8);
        out[h++] = (unsigned char)n;
    }
    memset(out + h, 'x', n);
    return h + n;
}

/* Two strings packed one after the other, of every length up to 300
 * and 70 bytes, into a buffer grown from nothing and into one with
 * room reserved: the packer copies a piece straight in when it fits
 * before the buffer's last byte and grows the buffer otherwise, and
 * every boundary is crossed.  The bytes are MessagePack's, the buffer
 * NUL-terminated. */
static void packing_across_the_buffer_end(void **state)
{
    (void)state;
    char text[301];
    unsigned char want[800];
    memset(text, 'x', 300);
    for (size_t reserve = 0; reserve <= 64; reserve += 64)
        for (size_t first = 0; first <= 70; first++)
            for (size_t second = 0; second <= 300; second += 3) {
                nx_buf_t buf;
                nx_buf_init(&buf);
                if (reserve)
                    assert_true(nx_buf_reserve(&buf, reserve));
                msgpack_packer pk;
                nx_mp_packer_init(&pk, &buf);
                text[first] = '\0';
                nx_mp_pack_str(&pk, text);
                text[first] = 'x';
                text[second] = '\0';
                nx_mp_pack_str(&pk, text);
                text[second] = 'x';
                size_t n = str_bytes(want, first);
                n += str_bytes(want + n, second);
                assert_false(buf.oom);
                assert_int_equal(buf.len, n);
                assert_memory_equal(buf.data, want, n);
                assert_int_equal(buf.data[buf.len], '\0');
                nx_buf_free(&buf);
            }
}

static void results_round_trip(void **state)
{
    (void)state;
    newsidx_results_t *r = some_results();
    newsidx_results_t *b = results_through_mp(r);
    same_results(r, b);
    newsidx_results_free(b);
    /* the flags and optional parts left out come back false and empty */
    r->has_facets = r->relaxed = r->truncated = r->more = false;
    b = results_through_mp(r);
    assert_false(b->has_facets || b->relaxed || b->truncated || b->more);
    newsidx_results_free(b);
    newsidx_results_free(r);
}

static void results_json_shape(void **state)
{
    (void)state;
    newsidx_results_t *r = some_results();
    json_t *j = nx_results_to_json(r);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "query")), r->query);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 12);
    json_t *h0 = json_array_get(json_object_get(j, "hits"), 0);
    assert_true(json_is_true(json_object_get(h0, "partial")));
    assert_true(json_real_value(json_object_get(json_object_get(h0, "explain"), "speaker")) ==
                9.25);
    json_t *h1 = json_array_get(json_object_get(j, "hits"), 1);
    /* absent strings of a hit: null, the snippet "", lists empty;
     * partial false, never left out; explain left out */
    assert_true(json_is_null(json_object_get(h1, "title")));
    assert_true(json_is_null(json_object_get(h1, "url")));
    assert_string_equal(json_string_value(json_object_get(h1, "snippet")), "");
    assert_int_equal(json_array_size(json_object_get(h1, "speakers")), 0);
    assert_int_equal(json_array_size(json_object_get(h1, "subjects")), 0);
    assert_true(json_is_false(json_object_get(h1, "partial")));
    assert_null(json_object_get(h1, "explain"));
    json_t *pair = json_array_get(json_object_get(json_object_get(j, "facets"), "speakers"), 0);
    assert_int_equal(json_array_size(pair), 2);
    assert_int_equal(json_integer_value(json_array_get(pair, 1)), 3);
    assert_int_equal(json_array_size(json_object_get(json_object_get(j, "facets"), "locations")),
                     0);
    assert_true(json_is_true(json_object_get(j, "relaxed")));
    json_decref(j);

    r->has_facets = r->relaxed = r->truncated = false;
    r->n_notes = 0;
    j = nx_results_to_json(r);
    assert_null(json_object_get(j, "facets"));
    /* flags are booleans, never left out */
    assert_true(json_is_false(json_object_get(j, "relaxed")));
    assert_true(json_is_false(json_object_get(j, "truncated")));
    assert_true(json_is_false(json_object_get(j, "total_exact")));
    assert_null(json_object_get(j, "notes"));
    json_decref(j);
    r->n_notes = 2;
    newsidx_results_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_article_round_trips),
        cmocka_unit_test(bare_article_round_trips),
        cmocka_unit_test(json_keys_of_a_bare_article),
        cmocka_unit_test(json_shape_of_a_full_article),
        cmocka_unit_test(json_lines_new_fields),
        cmocka_unit_test(json_lines_bad_fields),
        cmocka_unit_test(extracted_fields_checked),
        cmocka_unit_test(time_forms),
        cmocka_unit_test(packing_across_the_buffer_end),
        cmocka_unit_test(results_round_trip),
        cmocka_unit_test(results_json_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
