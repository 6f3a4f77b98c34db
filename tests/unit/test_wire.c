/* test_wire.c - every file of ../shared/corpus/wire/ read as newsidx add
 * reads it, field by field against tests/wire-expected.tsv (values read
 * by hand from the files).  Every file there must be in the table, and
 * every article comes out without markup or control characters.  Skips
 * when ../shared is absent. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nx.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ARTICLES 8

typedef struct row {
    char file[256];
    int n;
    char field[32];
    char value[1024];
} row_t;

static row_t *rows;
static size_t n_rows;
static char wire_dir[2048];

/* "\n" in the table stands for a line break. */
static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] == 'n') {
            *o++ = '\n';
            p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

static int load(void **state)
{
    (void)state;
    const char *src = getenv("SRCDIR");
    char path[2048];
    snprintf(path, sizeof path, "%s/tests/wire-expected.tsv", src ? src : "..");
    snprintf(wire_dir, sizeof wire_dir, "%s/../shared/corpus/wire", src ? src : "..");
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    char line[2048];
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || !line[0])
            continue;
        rows = realloc(rows, (n_rows + 1) * sizeof *rows);
        row_t *r = &rows[n_rows];
        char *f = strtok(line, "\t"), *n = strtok(NULL, "\t"), *k = strtok(NULL, "\t"),
             *v = strtok(NULL, "");
        if (!f || !n || !k || !v)
            continue;
        snprintf(r->file, sizeof r->file, "%s", f);
        r->n = atoi(n);
        snprintf(r->field, sizeof r->field, "%s", k);
        snprintf(r->value, sizeof r->value, "%s", v);
        unescape(r->value);
        n_rows++;
    }
    fclose(fp);
    return 0;
}

static int unload(void **state)
{
    (void)state;
    free(rows);
    return 0;
}

static bool have_corpus(void)
{
    struct stat st;
    return stat(wire_dir, &st) == 0 && S_ISDIR(st.st_mode);
}

typedef struct file_read {
    newsidx_article_t *a[MAX_ARTICLES];
    size_t n;
    char skipped[1024];
    char format[32];
    char warnings[4096];        /* every warning, a line each */
    int errors;
} file_read_t;

static void read_one(const char *file, file_read_t *fr)
{
    memset(fr, 0, sizeof *fr);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", wire_dir, file);
    newsidx_input_t *in = NULL;
    assert_int_equal(newsidx_input_open(path, NEWSIDX_FORMAT_AUTO, &in, NULL), NEWSIDX_OK);
    for (;;) {
        newsidx_article_t *a = NULL;
        newsidx_status_t st = newsidx_input_next(in, &a);
        if (st == NEWSIDX_END)
            break;
        const char *w = newsidx_input_warning(in);
        if (w) {
            size_t l = strlen(fr->warnings);
            snprintf(fr->warnings + l, sizeof fr->warnings - l, "%s\n", w);
        }
        if (st != NEWSIDX_OK) {
            fprintf(stderr, "%s\n", newsidx_input_error(in));
            fr->errors++;
            if (st != NEWSIDX_ERR_INPUT)
                break;
            continue;
        }
        assert_true(fr->n < MAX_ARTICLES);
        fr->a[fr->n++] = a;
    }
    snprintf(fr->format, sizeof fr->format, "%s",
             newsidx_format_to_string(newsidx_input_format(in)));
    const newsidx_skip_t *sk;
    size_t ns = newsidx_input_skipped(in, &sk);
    for (size_t i = 0; i < ns; i++) {
        size_t l = strlen(fr->skipped);
        snprintf(fr->skipped + l, sizeof fr->skipped - l, "%s%s=%llu", l ? "; " : "",
                 sk[i].reason, (unsigned long long)sk[i].count);
    }
    newsidx_input_close(in);
}

static void join(char *out, size_t cap, char *const *v, size_t n)
{
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s", i ? "|" : "", v[i]);
    }
}

static const char *field_of(const newsidx_article_t *a, const char *field, char *buf, size_t cap)
{
    if (!strcmp(field, "id")) return a->id;
    if (!strcmp(field, "title")) return a->title;
    if (!strcmp(field, "date")) return a->date;
    if (!strcmp(field, "time")) return a->time;
    if (!strcmp(field, "dateline")) return a->dateline;
    if (!strcmp(field, "byline")) return a->byline;
    if (!strcmp(field, "url")) return a->url;
    if (!strcmp(field, "language")) return a->language;
    if (!strcmp(field, "version")) return a->version;
    if (!strcmp(field, "subjects")) {
        join(buf, cap, a->subjects, a->n_subjects);
        return a->n_subjects ? buf : NULL;
    }
    if (!strcmp(field, "agency_places")) {
        join(buf, cap, a->agency_places, a->n_agency_places);
        return a->n_agency_places ? buf : NULL;
    }
    return NULL;
}

static bool check(const row_t *r, const file_read_t *fr)
{
    char buf[4096];
    const char *got = NULL;
    if (r->n == 0) {
        if (!strcmp(r->field, "count"))
            snprintf(buf, sizeof buf, "%zu", fr->n);
        else if (!strcmp(r->field, "skipped"))
            snprintf(buf, sizeof buf, "%s", fr->skipped);
        else if (!strcmp(r->field, "format"))
            snprintf(buf, sizeof buf, "%s", fr->format);
        else if (!strcmp(r->field, "warning_has")) {
            if (strstr(fr->warnings, r->value))
                return true;
            fprintf(stderr, "%s: no warning says '%s': '%s'\n", r->file, r->value, fr->warnings);
            return false;
        }
        got = buf;
    } else if ((size_t)r->n > fr->n) {
        fprintf(stderr, "%s: no article %d\n", r->file, r->n);
        return false;
    } else {
        const newsidx_article_t *a = fr->a[r->n - 1];
        const char *body = a->body;
        size_t bl = strlen(body), vl = strlen(r->value);
        bool ok = true;
        if (!strcmp(r->field, "body_start"))
            ok = strncmp(body, r->value, vl) == 0;
        else if (!strcmp(r->field, "body_end"))
            ok = bl >= vl && strcmp(body + bl - vl, r->value) == 0;
        else if (!strcmp(r->field, "body_has"))
            ok = strstr(body, r->value) != NULL;
        else if (!strcmp(r->field, "body_lacks"))
            ok = strstr(body, r->value) == NULL;
        else {
            got = field_of(a, r->field, buf, sizeof buf);
            goto compare;
        }
        if (!ok)
            fprintf(stderr, "%s #%d: %s '%s' not in body '%.200s'\n", r->file, r->n, r->field,
                    r->value, body);
        return ok;
    }
compare:
    if (!strcmp(r->value, "-") ? got != NULL : (!got || strcmp(got, r->value) != 0)) {
        fprintf(stderr, "%s #%d: %s is '%s', want '%s'\n", r->file, r->n, r->field,
                got ? got : "(absent)", r->value);
        return false;
    }
    return true;
}

/* No markup, entity or control character in what is indexed. */
static bool clean(const newsidx_article_t *a, const char *file)
{
    const char *texts[] = {a->title, a->body, a->byline, a->dateline};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const unsigned char *t = (const unsigned char *)texts[i];
        if (!t)
            continue;
        if (strstr((const char *)t, "</") || strstr((const char *)t, "<p") ||
            strstr((const char *)t, "&amp;") || strstr((const char *)t, "&#") ||
            strstr((const char *)t, "<br")) {
            fprintf(stderr, "%s: markup in '%.80s'\n", file, (const char *)t);
            return false;
        }
        for (; *t; t++) {
            if ((*t < 0x20 && *t != '\n') || *t == 0x7f ||
                (t[0] == 0xc2 && t[1] >= 0x80 && t[1] < 0xa0)) {
                fprintf(stderr, "%s: control character 0x%02x\n", file, *t);
                return false;
            }
        }
    }
    return true;
}

static void corpus_as_expected(void **state)
{
    (void)state;
    if (!have_corpus()) {
        fprintf(stderr, "# no %s: skipped\n", wire_dir);
        skip();
    }
    int failures = 0;
    size_t checked = 0, files = 0;
    for (size_t i = 0; i < n_rows;) {
        file_read_t fr;
        read_one(rows[i].file, &fr);
        files++;
        size_t j = i;
        bool warned = false;
        for (; j < n_rows && !strcmp(rows[j].file, rows[i].file); j++) {
            failures += !check(&rows[j], &fr);
            warned |= !strcmp(rows[j].field, "warning_has");
            checked++;
        }
        /* Every warning is expected: nothing silent, nothing spurious. */
        if (!warned && fr.warnings[0]) {
            fprintf(stderr, "%s: unexpected warnings: %s", rows[i].file, fr.warnings);
            failures++;
        }
        for (size_t k = 0; k < fr.n; k++) {
            failures += !clean(fr.a[k], rows[i].file);
            newsidx_article_free(fr.a[k]);
        }
        failures += fr.errors;
        i = j;
    }
    fprintf(stderr, "# %zu values checked in %zu files\n", checked, files);
    assert_int_equal(failures, 0);
}

/* A file added to the corpus without expected values is a failure. */
static void every_file_listed(void **state)
{
    (void)state;
    if (!have_corpus())
        skip();
    DIR *top = opendir(wire_dir);
    assert_non_null(top);
    struct dirent *d;
    int missing = 0;
    while ((d = readdir(top))) {
        if (d->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", wire_dir, d->d_name);
        DIR *dir = opendir(sub);
        if (!dir)
            continue;
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (e->d_name[0] == '.')
                continue;
            char rel[600];
            snprintf(rel, sizeof rel, "%s/%s", d->d_name, e->d_name);
            bool found = false;
            for (size_t i = 0; i < n_rows && !found; i++)
                found = !strcmp(rows[i].file, rel) && !strcmp(rows[i].field, "count");
            if (!found) {
                fprintf(stderr, "%s: not in tests/wire-expected.tsv\n", rel);
                missing++;
            }
        }
        closedir(dir);
    }
    closedir(top);
    assert_int_equal(missing, 0);
}

/* The corpus's README.md, beside the samples, is passed over as a
 * Markdown document, not imported as a text article. */
static void readme_passed_over(void **state)
{
    (void)state;
    char path[2200];
    snprintf(path, sizeof path, "%s/README.md", wire_dir);
    newsidx_input_t *in = NULL;
    assert_int_equal(newsidx_input_open(path, NEWSIDX_FORMAT_AUTO, &in, NULL), NEWSIDX_OK);
    newsidx_article_t *a = NULL;
    assert_int_equal(newsidx_input_next(in, &a), NEWSIDX_END);
    assert_null(a);
    const newsidx_skip_t *sk;
    assert_int_equal(newsidx_input_skipped(in, &sk), 1);
    assert_string_equal(sk[0].reason, "not an article: Markdown");
    assert_int_equal(sk[0].count, 1);
    newsidx_input_close(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corpus_as_expected),
        cmocka_unit_test(every_file_listed),
        cmocka_unit_test(readme_passed_over),
    };
    /* Without ../shared both are left out, and said so: cmocka's skip()
     * prints "not ok # SKIP", which the TAP driver counts as failed. */
    const char *src = getenv("SRCDIR");
    snprintf(wire_dir, sizeof wire_dir, "%s/../shared/corpus/wire", src ? src : "..");
    if (!have_corpus()) {
        printf("# no %s: corpus_as_expected, every_file_listed and readme_passed_over left "
               "out\n", wire_dir);
        cmocka_set_skip_filter("*");
    }
    return cmocka_run_group_tests(tests, load, unload);
}
