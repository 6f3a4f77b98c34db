/* test_store.c - the Xapian layer through the public API, on real
 * databases in a temporary directory. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/nx-store-XXXXXX";
static char path[64];
static newsidx_config_t *cfg;

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/nx-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/db", dir);
    cfg = newsidx_config_new();
    if (!cfg || newsidx_config_set(cfg, "index", "lock_timeout", "0", NULL) != NEWSIDX_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    newsidx_config_free(cfg);
    cfg = NULL;
    char *cmd = nx_printf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static newsidx_article_t *art(const char *id, const char *title, const char *body)
{
    newsidx_article_t *a = newsidx_article_new();
    a->id = nx_strdup(id);
    a->title = title ? nx_strdup(title) : NULL;
    a->body = nx_strdup(body);
    return a;
}

static void set_list(char ***v, size_t *n, const char *name)
{
    *v = calloc(1, sizeof **v);
    (*v)[0] = nx_strdup(name);
    *n = 1;
}

static newsidx_writer_t *open_writer(void)
{
    newsidx_writer_t *w = NULL;
    char *err = NULL;
    newsidx_status_t st = newsidx_writer_open(path, cfg, NEWSIDX_WRITER_CREATE, &w, &err);
    if (st != NEWSIDX_OK)
        fprintf(stderr, "writer: %s\n", err);
    assert_int_equal(st, NEWSIDX_OK);
    free(err);
    return w;
}

static newsidx_db_t *open_reader(void)
{
    newsidx_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(newsidx_db_open(path, cfg, &db, &err), NEWSIDX_OK);
    free(err);
    return db;
}

static void add(newsidx_writer_t *w, newsidx_article_t *a)
{
    assert_int_equal(newsidx_writer_add(w, a, NULL), NEWSIDX_OK);
    newsidx_article_free(a);
}

/* Every version: the articles of these tests often share a title and
 * a text, and would be one story. */
static newsidx_results_t *search(newsidx_db_t *db, const char *q)
{
    newsidx_search_t *req = newsidx_search_new();
    assert_non_null(req);
    assert_int_equal(newsidx_search_set_query(req, q), NEWSIDX_OK);
    newsidx_search_set_flags(req, NEWSIDX_SEARCH_ALL_VERSIONS);
    newsidx_results_t *r = NULL;
    newsidx_status_t st = newsidx_db_search(db, req, &r);
    newsidx_search_free(req);
    if (st != NEWSIDX_OK)
        fprintf(stderr, "search %s: %s\n", q, newsidx_db_error(db));
    assert_int_equal(st, NEWSIDX_OK);
    return r;
}

static void missing_database(void **state)
{
    (void)state;
    newsidx_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(newsidx_db_open(path, cfg, &db, &err), NEWSIDX_ERR_NO_DATABASE);
    assert_non_null(strstr(err, "no database"));
    free(err);
    newsidx_writer_t *w = NULL;
    assert_int_equal(newsidx_writer_open(path, cfg, 0, &w, &err), NEWSIDX_ERR_NO_DATABASE);
    free(err);
}

static void add_replace_get_delete(void **state)
{
    (void)state;
    newsidx_writer_t *w = open_writer();
    bool replaced = true;
    newsidx_article_t *a = art("a1", "Harbour strike", "Dock workers stopped work.");
    assert_int_equal(newsidx_writer_add(w, a, &replaced), NEWSIDX_OK);
    assert_false(replaced);
    /* The same article again is an exact duplicate, not a replacement;
     * another text under its id replaces it. */
    assert_int_equal(newsidx_writer_add(w, a, &replaced), NEWSIDX_OK);
    assert_false(replaced);
    assert_int_equal(newsidx_writer_take_duplicates(w), 1);
    free(a->body);
    a->body = strdup("Dock workers stopped work again.");
    assert_int_equal(newsidx_writer_add(w, a, &replaced), NEWSIDX_OK);
    assert_true(replaced);
    assert_int_equal(newsidx_writer_take_duplicates(w), 0);
    newsidx_article_free(a);
    assert_int_equal(newsidx_writer_pending(w), 3);
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    assert_int_equal(newsidx_writer_pending(w), 0);

    newsidx_db_t *db = open_reader();
    newsidx_stats_t s;
    assert_int_equal(newsidx_db_stats(db, &s), NEWSIDX_OK);
    assert_int_equal(s.documents, 1);
    assert_int_equal(s.format, NEWSIDX_FORMAT_VERSION);
    newsidx_article_t *g = NULL;
    assert_int_equal(newsidx_db_get(db, "a1", &g), NEWSIDX_OK);
    assert_string_equal(g->title, "Harbour strike");
    assert_string_equal(g->body, "Dock workers stopped work again.");
    newsidx_article_free(g);
    assert_int_equal(newsidx_db_get(db, "nope", &g), NEWSIDX_ERR_NOT_FOUND);
    assert_non_null(strstr(newsidx_db_error(db), "nope"));

    assert_int_equal(newsidx_writer_delete(w, "nope"), NEWSIDX_ERR_NOT_FOUND);
    assert_int_equal(newsidx_writer_delete(w, "a1"), NEWSIDX_OK);
    assert_int_equal(newsidx_writer_destroy(w), NEWSIDX_OK);
    assert_int_equal(newsidx_db_reopen(db), NEWSIDX_OK);
    assert_int_equal(newsidx_db_stats(db, &s), NEWSIDX_OK);
    assert_int_equal(s.documents, 0);
    newsidx_db_close(db);
}

/* A final commit that fails says why, on the handle close leaves. */
static void close_keeps_its_error(void **state)
{
    (void)state;
    char *fault = nx_printf("%s/full-disk", dir);
    FILE *fp = fopen(fault, "w");
    assert_non_null(fp);
    fclose(fp);
    newsidx_writer_t *w = open_writer();
    newsidx_article_t *a = art("c1", NULL, "Lost at the last commit.");
    assert_int_equal(newsidx_writer_add(w, a, NULL), NEWSIDX_OK);
    setenv("NEWSIDX_FAULT_COMMIT", fault, 1);
    newsidx_status_t st = newsidx_writer_close(w);
    unsetenv("NEWSIDX_FAULT_COMMIT");
    assert_int_not_equal(st, NEWSIDX_OK);
    assert_non_null(newsidx_writer_error(w));
    assert_non_null(strstr(newsidx_writer_error(w), "injected failure"));
    assert_int_equal(newsidx_writer_close(w), st);
    /* closed: nothing more is written through it */
    assert_int_equal(newsidx_writer_add(w, a, NULL), NEWSIDX_ERR_ARG);
    assert_non_null(strstr(newsidx_writer_error(w), "closed"));
    assert_int_equal(newsidx_writer_destroy(w), st);
    newsidx_article_free(a);
    /* and the lock was given back */
    w = open_writer();
    assert_int_equal(newsidx_writer_destroy(w), NEWSIDX_OK);
    newsidx_db_t *db = open_reader();
    newsidx_article_t *g = NULL;
    assert_int_equal(newsidx_db_get(db, "c1", &g), NEWSIDX_ERR_NOT_FOUND);
    newsidx_db_close(db);
    free(fault);
}

/* Nothing becomes durable before the writer commits, whatever Xapian's
 * own flush threshold, and the library leaves the environment alone. */
static void no_commit_inside_a_batch(void **state)
{
    (void)state;
    setenv("XAPIAN_FLUSH_THRESHOLD", "10", 1);  /* read when a database opens */
    newsidx_writer_t *w = open_writer();
    char id[16];
    for (int i = 0; i < 50; i++) {
        snprintf(id, sizeof id, "b%d", i);
        add(w, art(id, NULL, "A batch of fifty."));
    }
    assert_string_equal(getenv("XAPIAN_FLUSH_THRESHOLD"), "10");
    unsetenv("XAPIAN_FLUSH_THRESHOLD");
    newsidx_db_t *db = open_reader();
    newsidx_stats_t s;
    assert_int_equal(newsidx_db_stats(db, &s), NEWSIDX_OK);
    assert_int_equal(s.documents, 0);
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    assert_int_equal(newsidx_db_reopen(db), NEWSIDX_OK);
    assert_int_equal(newsidx_db_stats(db, &s), NEWSIDX_OK);
    assert_int_equal(s.documents, 50);
    newsidx_db_close(db);
    assert_int_equal(newsidx_writer_destroy(w), NEWSIDX_OK);
    assert_null(getenv("XAPIAN_FLUSH_THRESHOLD"));
}

static void second_writer_is_locked_out(void **state)
{
    (void)state;
    newsidx_writer_t *w = open_writer();
    newsidx_writer_t *w2 = NULL;
    char *err = NULL;
    assert_int_equal(newsidx_writer_open(path, cfg, NEWSIDX_WRITER_WAIT, &w2, &err),
                     NEWSIDX_ERR_LOCKED);
    assert_null(w2);
    assert_non_null(strstr(err, "locked by"));
    free(err);
    newsidx_writer_destroy(w);
}

/* A reader left on an old revision while the writer rewrites every
 * article, commit after commit, must still answer: the blocks of its
 * revision are reused, Xapian throws DatabaseModifiedError, and the
 * library reopens and runs the search again.  Only a reopened reader
 * can count the articles added after it opened, so the total says the
 * retry happened (a reader that kept its revision would count
 * SURVIVE_FIRST). */
#define SURVIVE_FIRST 1000
#define SURVIVE_ROUNDS 3
#define SURVIVE_ADDED 100

static void write_tides(newsidx_writer_t *w, const char *prefix, int n, int round)
{
    char id[32], body[160];
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%s%d", prefix, i);
        snprintf(body, sizeof body, "Tides and currents, report %d of round %d, word%d%c%d.", i,
                 round, i, 'a' + round, i * 7 + round);
        add(w, art(id, NULL, body));
    }
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
}

static void reader_survives_commits(void **state)
{
    (void)state;
    newsidx_writer_t *w = open_writer();
    write_tides(w, "n", SURVIVE_FIRST, 0);
    newsidx_db_t *db = open_reader();
    for (int round = 1; round <= SURVIVE_ROUNDS; round++)
        write_tides(w, "n", SURVIVE_FIRST, round);
    write_tides(w, "added", SURVIVE_ADDED, 0);
    newsidx_results_t *r = search(db, "tides");
    assert_int_equal(newsidx_results_total(r), SURVIVE_FIRST + SURVIVE_ADDED);
    newsidx_results_free(r);
    newsidx_db_close(db);
    newsidx_writer_destroy(w);
}

/* Commits by another writer while an export walks the database: the
 * walk reopens and goes on where it was, every article given once. */
#define WALK_ARTICLES 1000

typedef struct walk {
    newsidx_writer_t *w;
    nx_strv_t seen;
    size_t rewritten;           /* articles seen with their new text */
} walk_t;

static void write_all(newsidx_writer_t *w, const char *text)
{
    char id[32], body[128];
    for (int i = 0; i < WALK_ARTICLES; i++) {
        snprintf(id, sizeof id, "w%d", i);
        snprintf(body, sizeof body, "%s text of article %d about tides and currents.", text, i);
        add(w, art(id, NULL, body));
    }
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
}

static int walk_one(const newsidx_article_t *a, void *arg)
{
    walk_t *wk = arg;
    if (nx_strv_contains(&wk->seen, a->id))
        fail_msg("%s given twice", a->id);
    nx_strv_push(&wk->seen, a->id);
    wk->rewritten += strncmp(a->body, "New", 3) == 0;
    /* Every article rewritten, again and again, after the first is
     * given: the blocks of the revision the walk reads are reused. */
    for (int round = 0; wk->seen.n == 1 && round < 4; round++)
        write_all(wk->w, "New");
    return 0;
}

static void foreach_survives_commits(void **state)
{
    (void)state;
    walk_t wk = {open_writer(), {0}, 0};
    write_all(wk.w, "Old");
    newsidx_db_t *db = open_reader();
    assert_int_equal(newsidx_db_foreach(db, walk_one, &wk), NEWSIDX_OK);
    assert_int_equal(wk.seen.n, WALK_ARTICLES);
    /* the walk met DatabaseModifiedError and went on after reopening */
    assert_true(wk.rewritten > 0);
    nx_strv_free(&wk.seen);
    newsidx_db_close(db);
    newsidx_writer_destroy(wk.w);
}

static void query_errors_and_limits(void **state)
{
    (void)state;
    newsidx_writer_t *w = open_writer();
    add(w, art("q1", NULL, "Anything at all."));
    newsidx_writer_destroy(w);
    newsidx_db_t *db = open_reader();
    newsidx_results_t *r = NULL;
    newsidx_search_t *req = newsidx_search_new();
    assert_non_null(req);
    assert_int_equal(newsidx_search_set_query(req, "anything \"at all"), NEWSIDX_OK);
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_ERR_QUERY);
    assert_non_null(strstr(newsidx_db_error(db), "column 10"));
    assert_int_equal(newsidx_search_set_query(req, "date:sometime..never"), NEWSIDX_OK);
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_ERR_QUERY);
    assert_non_null(strstr(newsidx_db_error(db), "date:"));
    assert_int_equal(newsidx_search_set_query(req, "anything"), NEWSIDX_OK);
    newsidx_search_set_page(req, 0,
                            (unsigned)newsidx_config_get_uint(cfg, NEWSIDX_CONFIG_MAX_LIMIT) + 1);
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_ERR_LIMIT);
    newsidx_search_set_page(req,
                            (unsigned)newsidx_config_get_uint(cfg, NEWSIDX_CONFIG_MAX_OFFSET) + 1,
                            0);
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_ERR_LIMIT);
    newsidx_search_set_page(req, 0, 0);
    assert_int_equal(newsidx_search_set_query(req, ""), NEWSIDX_OK);
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_ERR_ARG);
    assert_int_equal(newsidx_search_set_dates(req, "2025-13-40", NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_search_set_query(req, "anything"), NEWSIDX_OK);
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_ERR_QUERY);
    assert_null(r);
    newsidx_search_free(req);
    newsidx_db_close(db);
}

/* The ranking pairs of the field-weighting promise: two articles that
 * differ only in whether a word is a speaker (or location, or title). */
static void field_weights_rank_pairs(void **state)
{
    (void)state;
    newsidx_writer_t *w = open_writer();
    const char *body = "Talks went on late into the night. Rutte and Lisbon were mentioned "
                       "once each, and the harbour was quiet.";
    newsidx_article_t *plain = art("plain", "Night talks", body);
    newsidx_article_t *spk = art("speaker", "Night talks", body);
    set_list(&spk->speakers, &spk->n_speakers, "Mark Rutte");
    newsidx_article_t *loc = art("location", "Night talks", body);
    set_list(&loc->locations, &loc->n_locations, "Lisbon");
    newsidx_article_t *tit = art("title", "Night talks on the harbour", body);
    add(w, plain);
    add(w, spk);
    add(w, loc);
    add(w, tit);
    newsidx_writer_destroy(w);
    newsidx_db_t *db = open_reader();
    newsidx_results_t *r = search(db, "rutte");
    assert_int_equal(newsidx_results_count(r), 4);
    assert_string_equal(newsidx_results_hit(r, 0)->id, "speaker");
    assert_true(newsidx_results_hit(r, 0)->score > newsidx_results_hit(r, 1)->score);
    newsidx_results_free(r);
    r = search(db, "lisbon");
    assert_string_equal(newsidx_results_hit(r, 0)->id, "location");
    assert_true(newsidx_results_hit(r, 0)->score > newsidx_results_hit(r, 1)->score);
    newsidx_results_free(r);
    r = search(db, "harbour");
    assert_string_equal(newsidx_results_hit(r, 0)->id, "title");
    assert_true(newsidx_results_hit(r, 0)->score > newsidx_results_hit(r, 1)->score);
    newsidx_results_free(r);
    /* Field queries: partial names, unstemmed, phrases, wildcards. */
    r = search(db, "speaker:rutte");
    assert_int_equal(newsidx_results_total(r), 1);
    newsidx_results_free(r);
    r = search(db, "speaker:\"mark rutte\"");
    assert_int_equal(newsidx_results_total(r), 1);
    newsidx_results_free(r);
    r = search(db, "speaker:\"rutte mark\"");
    assert_int_equal(newsidx_results_total(r), 0);
    newsidx_results_free(r);
    r = search(db, "speaker:rut*");
    assert_int_equal(newsidx_results_total(r), 1);
    newsidx_results_free(r);
    r = search(db, "location:lisbon");
    assert_int_equal(newsidx_results_total(r), 1);
    assert_string_equal(newsidx_results_hit(r, 0)->id, "location");
    newsidx_results_free(r);
    newsidx_db_close(db);
}

static void filters_and_facets(void **state)
{
    (void)state;
    newsidx_writer_t *w = open_writer();
    const char *who[] = {"Ana Ruiz", "Ana Ruiz", "Tom Berg"};
    const char *where[] = {"Lima", "Quito", "Lima"};
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "f%d", i);
        newsidx_article_t *a = art(id, NULL, "Election results were counted.");
        set_list(&a->speakers, &a->n_speakers, who[i]);
        set_list(&a->locations, &a->n_locations, where[i]);
        add(w, a);
    }
    newsidx_writer_destroy(w);
    newsidx_db_t *db = open_reader();
    newsidx_search_t *req = newsidx_search_new();
    assert_non_null(req);
    assert_int_equal(newsidx_search_set_query(req, "election"), NEWSIDX_OK);
    newsidx_search_set_flags(req, NEWSIDX_SEARCH_FACETS);
    newsidx_results_t *r = NULL;
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_OK);
    const newsidx_facet_t *f;
    size_t n;
    assert_true(newsidx_results_facets(r, NEWSIDX_FACET_SPEAKERS, &f, &n));
    assert_int_equal(n, 2);
    assert_string_equal(f[0].name, "Ana Ruiz");
    assert_int_equal(f[0].count, 2);
    assert_true(newsidx_results_facets(r, NEWSIDX_FACET_LOCATIONS, &f, &n));
    assert_string_equal(f[0].name, "Lima");
    assert_int_equal(f[0].count, 2);
    /* not asked for: not counted */
    assert_false(newsidx_results_facets(r, NEWSIDX_FACET_PERSONS, &f, &n));
    assert_true(f == NULL && n == 0);
    assert_false(newsidx_results_histogram(r, NULL, NULL, NULL, NULL));
    assert_null(newsidx_results_hit(r, newsidx_results_count(r)));
    newsidx_results_free(r);
    /* exact, case-insensitive */
    assert_int_equal(newsidx_search_set_speaker(req, "ana ruiz"), NEWSIDX_OK);
    assert_int_equal(newsidx_search_set_location(req, "LIMA"), NEWSIDX_OK);
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_OK);
    assert_int_equal(newsidx_results_total(r), 1);
    assert_string_equal(newsidx_results_hit(r, 0)->id, "f0");
    newsidx_results_free(r);
    /* a surname matches the full name */
    assert_int_equal(newsidx_search_set_speaker(req, "ruiz"), NEWSIDX_OK);
    assert_int_equal(newsidx_search_set_location(req, NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_OK);
    assert_int_equal(newsidx_results_total(r), 2);
    newsidx_results_free(r);
    /* but words in the name's order */
    assert_int_equal(newsidx_search_set_speaker(req, "ruiz ana"), NEWSIDX_OK);
    assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_OK);
    assert_int_equal(newsidx_results_total(r), 0);
    newsidx_results_free(r);
    newsidx_search_free(req);
    newsidx_db_close(db);
}

/* Articles in a language the index did not have, added after a search
 * through the same handle, are searched with their own stemmer: the
 * handle keeps the index's languages for one revision only, and a
 * reopened handle has another.  "Häuser" is "häuser" to the English
 * stemmer and "haus" to the German one. */
static void new_language_after_a_search(void **state)
{
    (void)state;
    newsidx_writer_t *w = open_writer();
    add(w, art("en", "Old houses", "The old houses of the city stand empty."));
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    newsidx_db_t *db = open_reader();
    newsidx_results_t *r = search(db, "houses");
    assert_int_equal(newsidx_results_total(r), 1);
    newsidx_results_free(r);
    newsidx_article_t *a = art("de", "Alte Häuser", "Die alten Häuser der Stadt stehen leer.");
    a->language = nx_strdup("de");
    add(w, a);
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    assert_int_equal(newsidx_db_reopen(db), NEWSIDX_OK);
    r = search(db, "Häuser");
    assert_int_equal(newsidx_results_total(r), 1);
    assert_string_equal(newsidx_results_hit(r, 0)->id, "de");
    newsidx_results_free(r);
    newsidx_db_close(db);
    newsidx_writer_destroy(w);
}

/* The stories a collapsed search counts, the same search three times
 * through one handle: the first reads each match's story key from the
 * values, and once the keys read are as many as half the articles the
 * handle reads the table of the articles whose story has other
 * versions and counts with it (search.cc, story_versions()).  Through
 * new revisions: a story that gains a version, a new story, a version
 * deleted. */
static void stories_counted(newsidx_db_t *db, unsigned expected, unsigned hits)
{
    newsidx_search_t *req = newsidx_search_new();
    assert_non_null(req);
    assert_int_equal(newsidx_search_set_query(req, "harbour"), NEWSIDX_OK);
    for (int i = 0; i < 3; i++) {
        newsidx_results_t *r = NULL;
        assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_OK);
        assert_int_equal(newsidx_results_total(r), expected);
        assert_true(newsidx_results_total_exact(r));
        assert_int_equal(newsidx_results_count(r), hits);
        newsidx_results_free(r);
    }
    newsidx_search_free(req);
}

static void story_count_through_revisions(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "The harbour of the northern port was closed by the strike of the dockers today.",
        "A storm kept every ship in the harbour while the wind blew through the night.",
        "Fishermen said the harbour fees would rise again before the summer season begins.",
        "The new harbour wall was finished a year late and well over its first budget.",
    };
    static const char *const titles[] = {"Port strike", "Storm at sea", "Harbour fees",
                                         "Harbour wall"};
    newsidx_writer_t *w = open_writer();
    add(w, art("s1", titles[0], bodies[0]));
    add(w, art("s1b", titles[0], bodies[0]));
    add(w, art("s2", titles[1], bodies[1]));
    add(w, art("s3", titles[2], bodies[2]));
    add(w, art("s3b", titles[2], bodies[2]));
    add(w, art("s3c", titles[2], bodies[2]));
    add(w, art("plain", NULL, "No title: the harbour article of no story at all."));
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    newsidx_db_t *db = open_reader();
    stories_counted(db, 4, 4);
    add(w, art("s2b", titles[1], bodies[1]));
    add(w, art("s4", titles[3], bodies[3]));
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    assert_int_equal(newsidx_db_reopen(db), NEWSIDX_OK);
    stories_counted(db, 5, 5);
    assert_int_equal(newsidx_writer_delete(w, "s1b"), NEWSIDX_OK);
    assert_int_equal(newsidx_writer_delete(w, "s4"), NEWSIDX_OK);
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    assert_int_equal(newsidx_db_reopen(db), NEWSIDX_OK);
    stories_counted(db, 4, 4);
    newsidx_db_close(db);
    newsidx_writer_destroy(w);
}

/* Equal weights are ordered newest first, and a story is one hit (its
 * newest version), whichever way the page is ranked: the first search
 * through a handle lets Xapian collapse and sort; once the handle has
 * read the table of the articles whose story has other versions, the
 * page is ranked by weight alone and ordered and collapsed by
 * search.cc (rank_apart()).  Six stories of one text under titles of
 * as many words, so that every weight is equal, added in an order that
 * is not their dates'; a page cut inside the equal weights too. */
static void expect_page(newsidx_db_t *db, unsigned offset, unsigned limit,
                        const char *const *ids, unsigned n)
{
    newsidx_search_t *req = newsidx_search_new();
    assert_non_null(req);
    assert_int_equal(newsidx_search_set_query(req, "harbour"), NEWSIDX_OK);
    newsidx_search_set_page(req, offset, limit);
    for (int round = 0; round < 3; round++) {
        newsidx_results_t *r = NULL;
        assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_OK);
        assert_int_equal(newsidx_results_total(r), 6);
        assert_true(newsidx_results_total_exact(r));
        assert_int_equal(newsidx_results_count(r), n);
        for (unsigned i = 0; i < n; i++) {
            const newsidx_hit_t *hit = newsidx_results_hit(r, i);
            if (strcmp(hit->id, ids[i]) != 0)
                fail_msg("round %d, page %u+%u, hit %u: %s, not %s", round, offset, limit, i,
                         hit->id, ids[i]);
            assert_int_equal(hit->versions, ids[i][0] == 'f' ? 2 : 1);
            assert_true(hit->score == newsidx_results_hit(r, 0)->score);
        }
        newsidx_results_free(r);
    }
    newsidx_search_free(req);
}

static void equal_weights_newest_first(void **state)
{
    (void)state;
    static const struct { const char *id, *title, *date; } notes[] = {
        {"a", "Note one", "1987-01-03"},   {"b", "Note two", "1987-01-05"},
        {"c", "Note three", "1987-01-01"}, {"d", "Note four", "1987-01-04"},
        {"e", "Note five", "1987-01-02"},  {"f1", "Note six", "1987-01-06"},
        {"f2", "Note six", "1987-01-07"},
    };
    newsidx_writer_t *w = open_writer();
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        newsidx_article_t *a = art(notes[i].id, notes[i].title,
                                   "The harbour pilots stopped work again on the river today.");
        a->date = nx_strdup(notes[i].date);
        add(w, a);
    }
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    newsidx_db_t *db = open_reader();
    static const char *const newest_first[] = {"f2", "b", "d", "a", "e", "c"};
    expect_page(db, 0, 10, newest_first, 6);
    expect_page(db, 0, 2, newest_first, 2);
    expect_page(db, 2, 2, newest_first + 2, 2);
    expect_page(db, 4, 10, newest_first + 4, 2);
    newsidx_db_close(db);
    newsidx_writer_destroy(w);
}

/* The same where the articles give the moment (an index with times is
 * ordered by day, then time): one day, the times not in the order of
 * adding. */
static void equal_weights_newest_first_by_time(void **state)
{
    (void)state;
    static const struct { const char *id, *title, *time; } notes[] = {
        {"a", "Note one", "1987-01-03T10:00:00Z"},   {"b", "Note two", "1987-01-03T14:00:00Z"},
        {"c", "Note three", "1987-01-03T08:00:00Z"}, {"d", "Note four", "1987-01-03T12:00:00Z"},
        {"e", "Note five", "1987-01-03T09:00:00Z"},  {"f1", "Note six", "1987-01-03T16:00:00Z"},
        {"f2", "Note six", "1987-01-03T15:00:00Z"},
    };
    newsidx_writer_t *w = open_writer();
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        newsidx_article_t *a = art(notes[i].id, notes[i].title,
                                   "The harbour pilots stopped work again on the river today.");
        a->date = nx_strdup("1987-01-03");
        a->time = nx_strdup(notes[i].time);
        add(w, a);
    }
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    newsidx_db_t *db = open_reader();
    /* Story f stands where its newest time puts it, and shows f1: the
     * version shown is the newest by day, then time (newest_version()). */
    static const char *const newest_first[] = {"f1", "b", "d", "a", "e", "c"};
    expect_page(db, 0, 10, newest_first, 6);
    expect_page(db, 2, 2, newest_first + 2, 2);
    newsidx_db_close(db);
    newsidx_writer_destroy(w);
}

/* The version of a story a search shows is its newest: of one day, the
 * latest time, else the highest version number (as numbers: 10 after
 * 9), though an older version ranks higher for the query and has the
 * smaller id.  Story a: a take at 10:00 and a write-through at 14:00,
 * added in that order; story b: no times, versions 10 and 9, the newer
 * added first. */
static const char *shown_version(newsidx_db_t *db, char story, unsigned *versions,
                                 size_t n_stories)
{
    newsidx_search_t *req = newsidx_search_new();
    assert_non_null(req);
    assert_int_equal(newsidx_search_set_query(req, "harbour"), NEWSIDX_OK);
    static char id[64];
    for (int round = 0; round < 3; round++) {
        newsidx_results_t *r = NULL;
        assert_int_equal(newsidx_db_search(db, req, &r), NEWSIDX_OK);
        assert_int_equal(newsidx_results_count(r), n_stories);
        const newsidx_hit_t *hit = NULL;
        for (size_t i = 0; i < n_stories && !hit; i++)
            if (newsidx_results_hit(r, i)->id[0] == story)
                hit = newsidx_results_hit(r, i);
        assert_non_null(hit);
        if (round > 0 && (strcmp(id, hit->id) != 0 || *versions != hit->versions))
            fail_msg("round %d: %s (%u versions), not %s (%u)", round, hit->id, hit->versions,
                     id, *versions);
        snprintf(id, sizeof id, "%s", hit->id);
        *versions = hit->versions;
        newsidx_results_free(r);
    }
    newsidx_search_free(req);
    return id;
}

static void newest_version_by_time_then_version(void **state)
{
    (void)state;
    static const char text[] =
        "The harbour pilots stopped work again on the river today, and ships waited at "
        "anchor off the coast while the port authority met the union to talk about pay "
        "and the hours of the night shifts, officials of both sides said.";
    static const struct { const char *id, *title, *time, *version, *more; } notes[] = {
        {"a1", "Pilots strike", "1987-01-03T10:00:00Z", NULL, " Harbour harbour harbour."},
        {"a2", "Pilots strike", "1987-01-03T14:00:00Z", NULL, ""},
        {"b2", "Dockers vote", NULL, "10", ""},
        {"b1", "Dockers vote", NULL, "9", " Harbour harbour harbour."},
    };
    newsidx_writer_t *w = open_writer();
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        char body[512];
        snprintf(body, sizeof body, "%s%s", text, notes[i].more);
        newsidx_article_t *a = art(notes[i].id, notes[i].title, body);
        a->date = nx_strdup("1987-01-03");
        if (notes[i].time)
            a->time = nx_strdup(notes[i].time);
        if (notes[i].version)
            a->version = nx_strdup(notes[i].version);
        add(w, a);
    }
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    newsidx_db_t *db = open_reader();
    /* Every version: of each story the older ranks first. */
    newsidx_results_t *r = search(db, "harbour");
    assert_int_equal(newsidx_results_count(r), 4);
    for (const char *story = "ab"; *story; story++) {
        const newsidx_hit_t *first = NULL, *second = NULL;
        for (size_t i = 0; i < 4; i++) {
            const newsidx_hit_t *hit = newsidx_results_hit(r, i);
            if (hit->id[0] == *story)
                *(first ? &second : &first) = hit;
        }
        assert_int_equal(first->id[1], '1');
        assert_true(first->score > second->score);
    }
    newsidx_results_free(r);
    unsigned versions = 0;
    assert_string_equal(shown_version(db, 'a', &versions, 2), "a2");
    assert_int_equal(versions, 2);
    assert_string_equal(shown_version(db, 'b', &versions, 2), "b2");
    assert_int_equal(versions, 2);
    newsidx_db_close(db);
    newsidx_writer_destroy(w);
}

/* More versions of one day than newest_version() reads at first (32),
 * the newest ranked last: the newest still. */
static void newest_of_many_versions_of_a_day(void **state)
{
    (void)state;
    newsidx_writer_t *w = open_writer();
    for (int i = 0; i < 40; i++) {
        char id[16], time[32];
        snprintf(id, sizeof id, "c%02d", i);
        snprintf(time, sizeof time, "1987-01-03T%02d:%02d:00Z", 8 + i / 10, i % 10);
        newsidx_article_t *a = art(id, "Pilots strike",
                                   i == 39 ? "The harbour pilots stopped work again on the river "
                                             "today, and ships waited at anchor off the coast."
                                           : "The harbour pilots stopped work again on the river "
                                             "today, and ships waited at anchor off the coast. "
                                             "Harbour.");
        a->date = nx_strdup("1987-01-03");
        a->time = nx_strdup(time);
        add(w, a);
    }
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    newsidx_db_t *db = open_reader();
    newsidx_results_t *r = search(db, "harbour");
    assert_int_equal(newsidx_results_count(r), 10);
    assert_true(newsidx_results_total(r) == 40);
    newsidx_results_free(r);
    unsigned versions = 0;
    assert_string_equal(shown_version(db, 'c', &versions, 1), "c39");
    assert_int_equal(versions, 40);
    newsidx_db_close(db);
    newsidx_writer_destroy(w);
}

/* A snippet is the lead (the body's first snippet_length bytes) when
 * the lead marks every word the query marks, though a later window
 * holds the word more often; when the lead lacks one of the words, the
 * window Xapian finds in the whole body, which marks it. */
static const char *snippet_of_hit(newsidx_results_t *r, const char *id)
{
    for (size_t i = 0; i < newsidx_results_count(r); i++)
        if (strcmp(newsidx_results_hit(r, i)->id, id) == 0)
            return newsidx_results_hit(r, i)->snippet;
    fail_msg("no hit %s", id);
    return NULL;
}

static void lead_snippet_marks_every_word(void **state)
{
    (void)state;
    static const char filler[] =
        "The shares of the company closed higher on the exchange after the report, and "
        "dealers said demand from investors in Europe and Asia was steady through the week. "
        "The shares of the company closed higher on the exchange after the report, and "
        "dealers said demand from investors in Europe and Asia was steady through the week. ";
    char body[1024];
    newsidx_writer_t *w = open_writer();
    snprintf(body, sizeof body, "%s%s%s%s",
             "Gold output at the Kiena mine rose in the quarter, the company said. ",
             filler + 165, "Analysts expect gold and more gold, gold everywhere in gold country. ",
             filler);
    add(w, art("lead", "Mine output", body));
    snprintf(body, sizeof body, "%s%s%s",
             "Silver output at the Kiena mine rose in the quarter, the company said. ", filler,
             "Gold was found there too.");
    add(w, art("later", "Mine report", body));
    assert_int_equal(newsidx_writer_commit(w), NEWSIDX_OK);
    newsidx_db_t *db = open_reader();

    newsidx_results_t *r = search(db, "gold");
    const char *s = snippet_of_hit(r, "lead");
    if (strncmp(s, "<em>Gold</em> output at the Kiena mine", 38) != 0 ||
        strstr(s, "everywhere") || strcmp(s + strlen(s) - 3, "\xe2\x80\xa6") != 0)
        fail_msg("not the lead, marked and cut: %s", s);
    newsidx_results_free(r);

    r = search(db, "silver gold");
    s = snippet_of_hit(r, "later");
    if (!strstr(s, "<em>Gold</em> was found"))
        fail_msg("the word the lead lacks is not shown: %s", s);
    newsidx_results_free(r);
    newsidx_db_close(db);
    newsidx_writer_destroy(w);
}

/* The ASCII tokenizer (tokenizer.cc) makes the terms, positions and
 * wdfs TermGenerator makes: fixed cases of each of its rules, then
 * random texts over the characters those rules look at. */
static void expect_same_terms(const char *text, size_t len, bool stemmed, unsigned wdf)
{
    char *diff = nx_tokenizer_check(text, len, stemmed, wdf);
    if (diff)
        fail_msg("text '%.*s' (%s):\n%s", (int)len, text, stemmed ? "stemmed" : "as written",
                 diff);
}

static void tokenizer_matches_termgenerator(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "The U.S. said it was 1,000.5 mln dlrs, AT&T's C++ and C# or C+++ code.",
        "P.T.O U.N.C.L.E. U.Sa M&S a.b.c. X.Y A. B x+y x++ a#b don't '' '' 12,3,4 5.a 6.",
        "rock'n'roll o'neill 1;2 1;a a;1 _under_score_ 3.14159 .5 5. end+ end++++ Mr.Smith",
        "A", "", "....", "AB.CD.EF", "U.S", "U.S.A.B", "we're... ok&", "x&&y", "x''y", "1,,2",
        "an extraordinarilylongwordthatgoesonandonandonandonandonandonandonandonandonandon word",
        "Tabs\there\nand\r\nnew lines; caf\xc3\xa9 au lait",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int stemmed = 0; stemmed < 2; stemmed++)
            expect_same_terms(cases[i], strlen(cases[i]), stemmed, 1 + (unsigned)stemmed * 2);
    static const char alphabet[] = "aZ9._,;'&+#- \tAeU.S1,0xyqC+";
    unsigned seed = 18;
    char text[96];
    for (int n = 0; n < 4000; n++) {
        size_t len = (size_t)(rand_r(&seed) % (int)sizeof text);
        for (size_t k = 0; k < len; k++)
            text[k] = alphabet[rand_r(&seed) % (int)(sizeof alphabet - 1)];
        expect_same_terms(text, len, n % 2, (unsigned)(n % 3));
    }
}

/* newsidx_db_quotes(): a quotation given with its article is found by
 * its words and read back through the answer's accessors. */
static void quotes_answer(void **state)
{
    (void)state;
    static const char body[] = "\"The harbour stays closed until Monday,\" said Ana Ruiz.";
    newsidx_article_t *a = art("q1", "Harbour", body);
    set_list(&a->speakers, &a->n_speakers, "Ana Ruiz");
    a->quotes = calloc(1, sizeof *a->quotes);
    assert_non_null(a->quotes);
    a->quotes[0] = (newsidx_quote_t){nx_strdup("Ana Ruiz"),
                                     nx_strdup("The harbour stays closed until Monday,"), 1, 39,
                                     false};
    a->n_quotes = 1;
    newsidx_writer_t *w = open_writer();
    add(w, a);
    newsidx_writer_destroy(w);
    newsidx_db_t *db = open_reader();
    newsidx_search_t *req = newsidx_search_new();
    assert_non_null(req);
    assert_int_equal(newsidx_search_set_query(req, "monday"), NEWSIDX_OK);
    newsidx_quotes_t *q = NULL;
    assert_int_equal(newsidx_db_quotes(db, req, &q), NEWSIDX_OK);
    assert_int_equal(newsidx_quotes_count(q), 1);
    assert_int_equal(newsidx_quotes_total(q), 1);
    assert_true(newsidx_quotes_total_exact(q));
    assert_false(newsidx_quotes_more(q));
    assert_false(newsidx_quotes_truncated(q));
    assert_int_equal(newsidx_quotes_missing_shards(q, NULL), 0);
    const newsidx_quote_hit_t *h = newsidx_quotes_hit(q, 0);
    assert_string_equal(h->speaker, "Ana Ruiz");
    assert_string_equal(h->id, "q1");
    assert_non_null(strstr(h->text, "Monday"));
    assert_null(newsidx_quotes_hit(q, 1));
    newsidx_quotes_free(q);
    newsidx_search_free(req);
    newsidx_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(missing_database, setup, teardown),
        cmocka_unit_test_setup_teardown(add_replace_get_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(close_keeps_its_error, setup, teardown),
        cmocka_unit_test_setup_teardown(no_commit_inside_a_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(second_writer_is_locked_out, setup, teardown),
        cmocka_unit_test_setup_teardown(reader_survives_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(foreach_survives_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(query_errors_and_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(field_weights_rank_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(filters_and_facets, setup, teardown),
        cmocka_unit_test_setup_teardown(new_language_after_a_search, setup, teardown),
        cmocka_unit_test_setup_teardown(story_count_through_revisions, setup, teardown),
        cmocka_unit_test_setup_teardown(equal_weights_newest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(equal_weights_newest_first_by_time, setup, teardown),
        cmocka_unit_test_setup_teardown(newest_version_by_time_then_version, setup, teardown),
        cmocka_unit_test_setup_teardown(newest_of_many_versions_of_a_day, setup, teardown),
        cmocka_unit_test_setup_teardown(lead_snippet_marks_every_word, setup, teardown),
        cmocka_unit_test(tokenizer_matches_termgenerator),
        cmocka_unit_test_setup_teardown(quotes_answer, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
