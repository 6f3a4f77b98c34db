/* results.h - the insides of the answers' handles, for the library
 * alone: programs see newsidx_results_t and newsidx_quotes_t as opaque
 * and read them with newsidx_results_*() and newsidx_quotes_*().  Only files of src/lib include this. */
#ifndef NX_RESULTS_H
#define NX_RESULTS_H

#include "newsidx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The answer to a search, every member owned by it and freed by
 * newsidx_results_free(). */
struct newsidx_results {
    char *query;
    uint64_t total;          /* size of the whole match set: exact when
                                total_exact, else an estimate */
    uint64_t total_min;      /* bounds of that estimate */
    uint64_t total_max;
    bool total_exact;        /* total is a count, not an estimate */
    bool more;               /* matches beyond this page exist */
    newsidx_hit_t *hits;
    size_t n_hits;
    bool has_facets;
    newsidx_facet_t *speaker_facets;
    size_t n_speaker_facets;
    newsidx_facet_t *location_facets;
    size_t n_location_facets;
    newsidx_facet_t *subject_facets;    /* the subjects senders gave */
    size_t n_subject_facets;
    /* The names of speaker_facets and location_facets that the sender
     * tagged and extraction did not find, in some of the articles
     * counted: count says in how many (not counted over remote shards). */
    newsidx_facet_t *speaker_tagged;
    size_t n_speaker_tagged;
    newsidx_facet_t *location_tagged;
    size_t n_location_tagged;
    /* With NEWSIDX_SEARCH_FACET_KINDS: the speakers facet split by kind. */
    bool has_kind_facets;
    newsidx_facet_t *person_facets;
    size_t n_person_facets;
    newsidx_facet_t *organisation_facets;
    size_t n_organisation_facets;
    char *corrected;         /* a spelling suggestion, or NULL */
    bool relaxed;            /* a relaxed form of the query answered:
                                not every word had to match */
    uint64_t total_strict;   /* of total, the articles with every word
                                (counted as total is): total unless
                                relaxed */
    bool truncated;          /* a limit cut the match short */
    char **missing_shards;   /* shards left out of a partial answer */
    size_t n_missing_shards;
    char **notes;            /* what differs from a full answer, and why */
    size_t n_notes;
    /* With NEWSIDX_SEARCH_HISTOGRAM: the whole match set counted by date, in
     * buckets of one unit from the first dated match to the last (empty
     * buckets included).  The unit follows the span: "day" up to 92
     * days, "week" up to two years, "month" up to 40 years, else
     * "year".  Each bucket's name is its first day, "YYYY-MM-DD" (a
     * Monday for weeks), its count the matches dated from then to the
     * day before the next bucket.  undated counts the matches without a
     * date. */
    bool has_histogram;
    char *histogram_unit;        /* "day", "week", "month" or "year" */
    newsidx_facet_t *histogram;
    size_t n_histogram;
    uint64_t undated;
};

/* The answer of newsidx_db_quotes(), every member owned by it and freed
 * by newsidx_quotes_free(). */
struct newsidx_quotes {
    char *query;
    uint64_t total;          /* quotations that match: a count when
                                total_exact, else an estimate */
    bool total_exact;
    bool more;               /* matches beyond this page exist */
    newsidx_quote_hit_t *quotes;
    size_t n_quotes;
    bool truncated;          /* a limit cut the answer short */
    char **missing_shards;   /* shards left out of a partial answer */
    size_t n_missing_shards;
    char **notes;            /* what differs from a full answer, and why */
    size_t n_notes;
};

#ifdef __cplusplus
}
#endif

#endif /* NX_RESULTS_H */
