/* request.c - the search request handle (newsidx_search_t): strings
 * copied in, flags kept as the booleans the search reads. */
#include "config.h"

#include "nx.h"
#include "request.h"

#include <stdlib.h>
#include <string.h>

newsidx_search_t *newsidx_search_new(void)
{
    return calloc(1, sizeof(newsidx_search_t));
}

void newsidx_search_free(newsidx_search_t *r)
{
    if (!r)
        return;
    const char *strings[] = {r->query, r->like, r->since, r->until, r->speaker,
                             r->location, r->lang, r->hl_open, r->hl_close};
    for (size_t i = 0; i < NX_ARRAY_LEN(strings); i++)
        free((char *)strings[i]);
    free(r);
}

/* Replaces the strings of slots with copies of values (NULL stays
 * NULL), all or none. */
static newsidx_status_t set_strings(const char **slots[], const char *const values[], size_t n)
{
    char *copies[2] = {NULL, NULL};
    for (size_t i = 0; i < n; i++) {
        if (values[i] && !(copies[i] = nx_strdup(values[i]))) {
            for (size_t j = 0; j < i; j++)
                free(copies[j]);
            return NEWSIDX_ERR_NOMEM;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free((char *)*slots[i]);
        *slots[i] = copies[i];
    }
    return NEWSIDX_OK;
}

static newsidx_status_t set_string(const char **slot, const char *value)
{
    const char **slots[] = {slot};
    const char *const values[] = {value};
    return set_strings(slots, values, 1);
}

newsidx_status_t newsidx_search_set_query(newsidx_search_t *r, const char *query)
{
    return set_string(&r->query, query);
}

const char *newsidx_search_get_query(const newsidx_search_t *r)
{
    return r->query;
}

newsidx_status_t newsidx_search_set_like(newsidx_search_t *r, const char *id)
{
    return set_string(&r->like, id);
}

const char *newsidx_search_get_like(const newsidx_search_t *r)
{
    return r->like;
}

void newsidx_search_set_page(newsidx_search_t *r, unsigned offset, unsigned limit)
{
    r->offset = offset;
    r->limit = limit;
}

void newsidx_search_get_page(const newsidx_search_t *r, unsigned *offset, unsigned *limit)
{
    if (offset)
        *offset = r->offset;
    if (limit)
        *limit = r->limit;
}

void newsidx_search_set_sort(newsidx_search_t *r, newsidx_sort_t sort)
{
    r->sort = sort;
}

newsidx_sort_t newsidx_search_get_sort(const newsidx_search_t *r)
{
    return r->sort;
}

newsidx_status_t newsidx_search_set_dates(newsidx_search_t *r, const char *since,
                                          const char *until)
{
    const char **slots[] = {&r->since, &r->until};
    const char *const values[] = {since, until};
    return set_strings(slots, values, 2);
}

void newsidx_search_get_dates(const newsidx_search_t *r, const char **since, const char **until)
{
    if (since)
        *since = r->since;
    if (until)
        *until = r->until;
}

newsidx_status_t newsidx_search_set_speaker(newsidx_search_t *r, const char *speaker)
{
    return set_string(&r->speaker, speaker);
}

const char *newsidx_search_get_speaker(const newsidx_search_t *r)
{
    return r->speaker;
}

newsidx_status_t newsidx_search_set_location(newsidx_search_t *r, const char *location)
{
    return set_string(&r->location, location);
}

const char *newsidx_search_get_location(const newsidx_search_t *r)
{
    return r->location;
}

newsidx_status_t newsidx_search_set_lang(newsidx_search_t *r, const char *lang)
{
    return set_string(&r->lang, lang);
}

const char *newsidx_search_get_lang(const newsidx_search_t *r)
{
    return r->lang;
}

newsidx_status_t newsidx_search_set_highlight(newsidx_search_t *r, const char *open,
                                              const char *close)
{
    const char **slots[] = {&r->hl_open, &r->hl_close};
    const char *const values[] = {open, close};
    return set_strings(slots, values, 2);
}

void newsidx_search_get_highlight(const newsidx_search_t *r, const char **open,
                                  const char **close)
{
    if (open)
        *open = r->hl_open;
    if (close)
        *close = r->hl_close;
}

void newsidx_search_set_flags(newsidx_search_t *r, unsigned flags)
{
    r->facets = flags & NEWSIDX_SEARCH_FACETS;
    r->explain = flags & NEWSIDX_SEARCH_EXPLAIN;
    r->partial = flags & NEWSIDX_SEARCH_PARTIAL;
    r->histogram = flags & NEWSIDX_SEARCH_HISTOGRAM;
    r->count_only = flags & NEWSIDX_SEARCH_COUNT_ONLY;
    r->strict = flags & NEWSIDX_SEARCH_STRICT;
    r->all_versions = flags & NEWSIDX_SEARCH_ALL_VERSIONS;
    r->facet_kinds = flags & NEWSIDX_SEARCH_FACET_KINDS;
}

unsigned newsidx_search_get_flags(const newsidx_search_t *r)
{
    return (r->facets ? NEWSIDX_SEARCH_FACETS : 0u) | (r->explain ? NEWSIDX_SEARCH_EXPLAIN : 0u) |
           (r->partial ? NEWSIDX_SEARCH_PARTIAL : 0u) |
           (r->histogram ? NEWSIDX_SEARCH_HISTOGRAM : 0u) |
           (r->count_only ? NEWSIDX_SEARCH_COUNT_ONLY : 0u) |
           (r->strict ? NEWSIDX_SEARCH_STRICT : 0u) |
           (r->all_versions ? NEWSIDX_SEARCH_ALL_VERSIONS : 0u) |
           (r->facet_kinds ? NEWSIDX_SEARCH_FACET_KINDS : 0u);
}
