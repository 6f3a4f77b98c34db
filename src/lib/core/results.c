/* results.c - the accessors of the answers' handles: newsidx_results_t
 * (search.cc makes and frees it) and newsidx_quotes_t (quotesearch.cc). */
#include "config.h"

#include "nx.h"
#include "results.h"

const char *newsidx_results_query(const newsidx_results_t *r)
{
    return r->query;
}

uint64_t newsidx_results_total(const newsidx_results_t *r)
{
    return r->total;
}

uint64_t newsidx_results_total_min(const newsidx_results_t *r)
{
    return r->total_min;
}

uint64_t newsidx_results_total_max(const newsidx_results_t *r)
{
    return r->total_max;
}

bool newsidx_results_total_exact(const newsidx_results_t *r)
{
    return r->total_exact;
}

bool newsidx_results_relaxed(const newsidx_results_t *r)
{
    return r->relaxed;
}

uint64_t newsidx_results_total_strict(const newsidx_results_t *r)
{
    return r->total_strict;
}

bool newsidx_results_more(const newsidx_results_t *r)
{
    return r->more;
}

bool newsidx_results_truncated(const newsidx_results_t *r)
{
    return r->truncated;
}

const char *newsidx_results_corrected(const newsidx_results_t *r)
{
    return r->corrected;
}

size_t newsidx_results_count(const newsidx_results_t *r)
{
    return r->n_hits;
}

const newsidx_hit_t *newsidx_results_hit(const newsidx_results_t *r, size_t i)
{
    return i < r->n_hits ? &r->hits[i] : NULL;
}

bool newsidx_results_facets(const newsidx_results_t *r, newsidx_facet_kind_t kind,
                            const newsidx_facet_t **facets, size_t *n)
{
    const struct {
        bool counted;
        const newsidx_facet_t *v;
        size_t n;
    } all[NEWSIDX_FACET_KIND_LAST] = {
        [NEWSIDX_FACET_SPEAKERS] = {r->has_facets, r->speaker_facets, r->n_speaker_facets},
        [NEWSIDX_FACET_LOCATIONS] = {r->has_facets, r->location_facets, r->n_location_facets},
        [NEWSIDX_FACET_SUBJECTS] = {r->has_facets, r->subject_facets, r->n_subject_facets},
        [NEWSIDX_FACET_SPEAKERS_TAGGED] = {r->has_facets, r->speaker_tagged,
                                           r->n_speaker_tagged},
        [NEWSIDX_FACET_LOCATIONS_TAGGED] = {r->has_facets, r->location_tagged,
                                            r->n_location_tagged},
        [NEWSIDX_FACET_PERSONS] = {r->has_kind_facets, r->person_facets, r->n_person_facets},
        [NEWSIDX_FACET_ORGANISATIONS] = {r->has_kind_facets, r->organisation_facets,
                                         r->n_organisation_facets},
    };
    bool known = (unsigned)kind < NEWSIDX_FACET_KIND_LAST && all[kind].counted;
    if (facets)
        *facets = known ? all[kind].v : NULL;
    if (n)
        *n = known ? all[kind].n : 0;
    return known;
}

bool newsidx_results_histogram(const newsidx_results_t *r, const char **unit,
                               const newsidx_facet_t **buckets, size_t *n, uint64_t *undated)
{
    bool has = r->has_histogram;
    if (unit)
        *unit = has ? r->histogram_unit : NULL;
    if (buckets)
        *buckets = has ? r->histogram : NULL;
    if (n)
        *n = has ? r->n_histogram : 0;
    if (undated)
        *undated = has ? r->undated : 0;
    return has;
}

size_t newsidx_results_missing_shards(const newsidx_results_t *r, const char *const **names)
{
    if (names)
        *names = (const char *const *)r->missing_shards;
    return r->n_missing_shards;
}

size_t newsidx_results_notes(const newsidx_results_t *r, const char *const **notes)
{
    if (notes)
        *notes = (const char *const *)r->notes;
    return r->n_notes;
}

const char *newsidx_quotes_query(const newsidx_quotes_t *q)
{
    return q->query;
}

uint64_t newsidx_quotes_total(const newsidx_quotes_t *q)
{
    return q->total;
}

bool newsidx_quotes_total_exact(const newsidx_quotes_t *q)
{
    return q->total_exact;
}

bool newsidx_quotes_more(const newsidx_quotes_t *q)
{
    return q->more;
}

bool newsidx_quotes_truncated(const newsidx_quotes_t *q)
{
    return q->truncated;
}

size_t newsidx_quotes_count(const newsidx_quotes_t *q)
{
    return q->n_quotes;
}

const newsidx_quote_hit_t *newsidx_quotes_hit(const newsidx_quotes_t *q, size_t i)
{
    return i < q->n_quotes ? &q->quotes[i] : NULL;
}

size_t newsidx_quotes_missing_shards(const newsidx_quotes_t *q, const char *const **names)
{
    if (names)
        *names = (const char *const *)q->missing_shards;
    return q->n_missing_shards;
}

size_t newsidx_quotes_notes(const newsidx_quotes_t *q, const char *const **notes)
{
    if (notes)
        *notes = (const char *const *)q->notes;
    return q->n_notes;
}
