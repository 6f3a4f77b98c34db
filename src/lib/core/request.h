/* request.h - the search request handle's insides, for the library
 * alone: programs see newsidx_search_t as opaque and use
 * newsidx_search_set_*() and _get_*().  Only files of src/lib include
 * this. */
#ifndef NX_REQUEST_H
#define NX_REQUEST_H

#include "newsidx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* NULL strings and zero numbers mean "not given".  The strings of a
 * request made by newsidx_search_new() are its own; the library also
 * makes copies of a request on the stack that borrow them (and other
 * strings), which are never freed. */
struct newsidx_search {
    const char *query;       /* query syntax of newsq(1) */
    const char *like;        /* id of an article to find similar ones to */
    unsigned offset;
    unsigned limit;          /* 0 = the configured default */
    newsidx_sort_t sort;
    const char *since;       /* YYYY-MM-DD, inclusive */
    const char *until;       /* YYYY-MM-DD, inclusive */
    const char *speaker;     /* exact speaker filter (case-insensitive) */
    const char *location;    /* exact location filter (case-insensitive) */
    const char *lang;        /* articles in this language alone ("de"), the
                                query stemmed for it, as lang:de */
    bool facets;
    bool explain;
    const char *hl_open;     /* snippet highlight, default "<em>" */
    const char *hl_close;    /* default "</em>" */
    bool partial;            /* answer from the shards that answer, naming
                                the others (also [shards] partial) */
    bool histogram;          /* count the whole match set by date (a
                                timeline): results' histogram */
    bool count_only;         /* the totals alone, no hits (limit ignored) */
    bool strict;             /* never relax: every word must match */
    bool all_versions;       /* every version of a story, not the newest
                                alone */
    bool facet_kinds;        /* with facets: speakers also counted apart by
                                kind (results' person_facets and
                                organisation_facets) */
};

#ifdef __cplusplus
}
#endif

#endif /* NX_REQUEST_H */
