/* search.c - a program of one's own over libnewsidx: searches a
 * database and prints the hits, the speakers facet and the totals.
 *
 *   cc -o search search.c $(pkg-config --cflags --libs newsidx)
 *   ./search DB [CONFIG] QUERY
 *
 * Copyright (C) 2026 The newsidx authors.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every handle is made by the library and freed with its own function;
 * what an accessor returns is borrowed from the handle it came from. */
#include <newsidx.h>

#include <stdio.h>
#include <stdlib.h>

/* The settings: the defaults, a file over them if one is given, and one
 * setting changed as a line of the file would change it. */
static newsidx_config_t *settings(const char *path)
{
    char *err = NULL;
    newsidx_config_t *cfg = newsidx_config_new();
    if (!cfg)
        return NULL;
    if ((path && newsidx_config_load(cfg, path, &err) != NEWSIDX_OK) ||
        newsidx_config_set(cfg, "search", "snippet_length", "120", &err) != NEWSIDX_OK) {
        fprintf(stderr, "search: %s\n", err ? err : "out of memory");
        free(err);
        newsidx_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static void print(const newsidx_results_t *r)
{
    for (size_t i = 0; i < newsidx_results_count(r); i++) {
        const newsidx_hit_t *h = newsidx_results_hit(r, i);
        printf("%u. %s  %s\n   %s\n", h->rank, h->id, h->title ? h->title : "(no title)",
               h->snippet ? h->snippet : "");
    }
    const newsidx_facet_t *f;
    size_t n;
    if (newsidx_results_facets(r, NEWSIDX_FACET_SPEAKERS, &f, &n))
        for (size_t i = 0; i < n; i++)
            printf("speaker %s (%llu)\n", f[i].name, (unsigned long long)f[i].count);
    printf("%s%llu match\n", newsidx_results_total_exact(r) ? "" : "about ",
           (unsigned long long)newsidx_results_total(r));
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fputs("usage: search DB [CONFIG] QUERY\n", stderr);
        return 2;
    }
    newsidx_config_t *cfg = settings(argc == 4 ? argv[2] : NULL);
    newsidx_search_t *req = newsidx_search_new();
    newsidx_db_t *db = NULL;
    newsidx_results_t *r = NULL;
    char *err = NULL;
    int rc = 1;
    if (!cfg || !req || newsidx_search_set_query(req, argv[argc - 1]) != NEWSIDX_OK ||
        newsidx_search_set_highlight(req, "[", "]") != NEWSIDX_OK) {
        fputs("search: out of memory\n", stderr);
    } else if (newsidx_db_open(argv[1], cfg, &db, &err) != NEWSIDX_OK) {
        fprintf(stderr, "search: %s\n", err ? err : "cannot open the database");
    } else {
        newsidx_search_set_page(req, 0, 5);
        newsidx_search_set_flags(req, NEWSIDX_SEARCH_FACETS);
        newsidx_status_t st = newsidx_db_search(db, req, &r);
        if (st == NEWSIDX_OK) {
            print(r);
            rc = 0;
        } else {
            fprintf(stderr, "search: %s\n", newsidx_db_error(db) ? newsidx_db_error(db)
                                                                 : newsidx_status_to_string(st));
        }
    }
    newsidx_results_free(r);
    newsidx_db_close(db);
    newsidx_search_free(req);
    newsidx_config_free(cfg);
    free(err);
    return rc;
}
