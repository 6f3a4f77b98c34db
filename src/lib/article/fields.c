/* fields.c - the tables of an article's and a search answer's fields,
 * and the two walks over them (see fields.h). */
#include "config.h"

#include "fields.h"
#include "results.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define A(m) offsetof(newsidx_article_t, m)
#define Q(m) offsetof(newsidx_quote_t, m)
#define R(m) offsetof(newsidx_results_t, m)
#define H(m) offsetof(newsidx_hit_t, m)

enum {
    HEAD = NX_FIELDS_HEAD,
    SENDER = NX_FIELDS_SENDER,
    EXTRACTED = NX_FIELDS_EXTRACTED,
    BODY = NX_FIELDS_BODY,
    ALL = NX_FIELDS_ALL
};

/* ---- the tables ---- */

static const nx_field_t quote_field_v[] = {
    {"speaker", NX_T_STR, NX_P_ALWAYS, ALL, NX_F_REQUIRED, Q(speaker), 0, 0, NULL},
    {"text", NX_T_STR, NX_P_ALWAYS, ALL, NX_F_REQUIRED, Q(text), 0, 0, NULL},
    {"start", NX_T_SIZE, NX_P_ALWAYS, ALL, NX_F_REQUIRED, Q(start), 0, 0, NULL},
    {"end", NX_T_SIZE, NX_P_ALWAYS, ALL, NX_F_REQUIRED, Q(end), 0, 0, NULL},
    {"indirect", NX_T_BOOL, NX_P_ALWAYS, ALL, 0, Q(indirect), 0, 0, NULL},
};
static const nx_fields_t quote_fields = {quote_field_v, NX_ARRAY_LEN(quote_field_v),
                                         sizeof(newsidx_quote_t)};

#define P(m) offsetof(newsidx_part_t, m)
static const nx_field_t part_field_v[] = {
    {"number", NX_T_UINT, NX_P_ALWAYS, ALL, NX_F_REQUIRED, P(number), 0, 0, NULL},
    {"body", NX_T_STR, NX_P_STRING, ALL, 0, P(body), 0, 0, NULL},
};
static const nx_fields_t part_fields = {part_field_v, NX_ARRAY_LEN(part_field_v),
                                        sizeof(newsidx_part_t)};

#define L(m) offsetof(newsidx_alias_t, m)
static const nx_field_t alias_field_v[] = {
    {"alias", NX_T_STR, NX_P_ALWAYS, ALL, NX_F_REQUIRED, L(alias), 0, 0, NULL},
    {"name", NX_T_STR, NX_P_ALWAYS, ALL, NX_F_REQUIRED, L(name), 0, 0, NULL},
};
static const nx_fields_t alias_fields = {alias_field_v, NX_ARRAY_LEN(alias_field_v),
                                         sizeof(newsidx_alias_t)};

/* The order is the order of the keys written: the body last, so that a
 * reader of the stored record meets the short fields first. */
static const nx_field_t article_field_v[] = {
    {"id", NX_T_STR, NX_P_ALWAYS, HEAD, NX_F_NUMBER_TEXT, A(id), 0, 0, NULL},
    {"title", NX_T_STR, NX_P_ALWAYS, HEAD, 0, A(title), 0, 0, NULL},
    {"date", NX_T_STR, NX_P_ALWAYS, HEAD, 0, A(date), 0, 0, NULL},
    {"dateline", NX_T_STR, NX_P_ALWAYS, HEAD, 0, A(dateline), 0, 0, NULL},
    {"byline", NX_T_STR, NX_P_OPTIONAL, SENDER, 0, A(byline), 0, 0, NULL},
    {"url", NX_T_STR, NX_P_OPTIONAL, SENDER, 0, A(url), 0, 0, NULL},
    {"time", NX_T_STR, NX_P_OPTIONAL, SENDER, 0, A(time), 0, 0, NULL},
    {"language", NX_T_STR, NX_P_OPTIONAL, SENDER, 0, A(language), 0, 0, NULL},
    {"version", NX_T_STR, NX_P_OPTIONAL, SENDER, NX_F_NUMBER_TEXT, A(version), 0, 0, NULL},
    {"subjects", NX_T_STRV, NX_P_OPTIONAL, SENDER, 0, A(subjects), A(n_subjects), 0, NULL},
    {"agency_persons", NX_T_STRV, NX_P_OPTIONAL, SENDER, 0, A(agency_persons),
     A(n_agency_persons), 0, NULL},
    {"agency_orgs", NX_T_STRV, NX_P_OPTIONAL, SENDER, 0, A(agency_orgs), A(n_agency_orgs), 0,
     NULL},
    {"agency_places", NX_T_STRV, NX_P_OPTIONAL, SENDER, 0, A(agency_places),
     A(n_agency_places), 0, NULL},
    {"summary_only", NX_T_BOOL, NX_P_OPTIONAL, SENDER, 0, A(summary_only), 0, 0, NULL},
    {"speakers", NX_T_STRV, NX_P_ALWAYS, EXTRACTED, 0, A(speakers), A(n_speakers), 0, NULL},
    {"speaker_kinds", NX_T_KINDS, NX_P_OPTIONAL, EXTRACTED, 0, A(speaker_kinds), A(n_speakers),
     0, NULL},
    {"locations", NX_T_STRV, NX_P_ALWAYS, EXTRACTED, 0, A(locations), A(n_locations), 0, NULL},
    {"quotes", NX_T_RECORDS, NX_P_ALWAYS, EXTRACTED, 0, A(quotes), A(n_quotes), 0,
     &quote_fields},
    {"aliases", NX_T_RECORDS, NX_P_OPTIONAL, EXTRACTED, 0, A(aliases), A(n_aliases), 0,
     &alias_fields},
    {"story", NX_T_STR, NX_P_OPTIONAL, SENDER, 0, A(story), 0, 0, NULL},
    {"body", NX_T_STR, NX_P_ALWAYS, BODY, 0, A(body), 0, 0, NULL},
    /* A story sent in parts: the text of each, for the writer to put a
     * part arriving later in its place (after the body: a reader of
     * the stored record without the body stops before them). */
    {"parts", NX_T_RECORDS, NX_P_OPTIONAL, BODY, 0, A(parts), A(n_parts), 0, &part_fields},
};
const nx_fields_t nx_article_fields = {article_field_v, NX_ARRAY_LEN(article_field_v),
                                       sizeof(newsidx_article_t)};

static const nx_field_t hit_field_v[] = {
    {"id", NX_T_STR, NX_P_ALWAYS, ALL, NX_F_REQUIRED, H(id), 0, 0, NULL},
    {"rank", NX_T_UINT, NX_P_ALWAYS, ALL, 0, H(rank), 0, 0, NULL},
    {"score", NX_T_REAL, NX_P_ALWAYS, ALL, 0, H(score), 0, 0, NULL},
    {"date", NX_T_STR, NX_P_ALWAYS, ALL, 0, H(date), 0, 0, NULL},
    {"dateline", NX_T_STR, NX_P_ALWAYS, ALL, 0, H(dateline), 0, 0, NULL},
    {"title", NX_T_STR, NX_P_ALWAYS, ALL, 0, H(title), 0, 0, NULL},
    {"speakers", NX_T_STRV, NX_P_ALWAYS, ALL, 0, H(speakers), H(n_speakers), 0, NULL},
    {"speaker_kinds", NX_T_KINDS, NX_P_OPTIONAL, ALL, 0, H(speaker_kinds), H(n_speakers), 0,
     NULL},
    {"locations", NX_T_STRV, NX_P_ALWAYS, ALL, 0, H(locations), H(n_locations), 0, NULL},
    {"snippet", NX_T_STR, NX_P_STRING, ALL, 0, H(snippet), 0, 0, NULL},
    {"partial", NX_T_BOOL, NX_P_ALWAYS, ALL, 0, H(partial), 0, 0, NULL},
    {"versions", NX_T_UINT, NX_P_ALWAYS, ALL, 0, H(versions), 0, 0, NULL},
    {"byline", NX_T_STR, NX_P_ALWAYS, ALL, 0, H(byline), 0, 0, NULL},
    {"url", NX_T_STR, NX_P_ALWAYS, ALL, 0, H(url), 0, 0, NULL},
    {"language", NX_T_STR, NX_P_ALWAYS, ALL, 0, H(language), 0, 0, NULL},
    {"subjects", NX_T_STRV, NX_P_ALWAYS, ALL, 0, H(subjects), H(n_subjects), 0, NULL},
    {"explain", NX_T_EXPLAIN, NX_P_OPTIONAL, ALL, 0, H(explain), H(n_explain), 0, NULL},
};
static const nx_fields_t hit_fields = {hit_field_v, NX_ARRAY_LEN(hit_field_v),
                                       sizeof(newsidx_hit_t)};

static const nx_field_t facet_field_v[] = {
    {"speakers", NX_T_FACETS, NX_P_ALWAYS, ALL, 0, R(speaker_facets), R(n_speaker_facets), 0,
     NULL},
    {"locations", NX_T_FACETS, NX_P_ALWAYS, ALL, 0, R(location_facets), R(n_location_facets), 0,
     NULL},
    {"subjects", NX_T_FACETS, NX_P_ALWAYS, ALL, 0, R(subject_facets), R(n_subject_facets), 0,
     NULL},
    {"speakers_tagged", NX_T_FACETS, NX_P_ALWAYS, ALL, 0, R(speaker_tagged), R(n_speaker_tagged),
     0, NULL},
    {"locations_tagged", NX_T_FACETS, NX_P_ALWAYS, ALL, 0, R(location_tagged),
     R(n_location_tagged), 0, NULL},
    {"persons", NX_T_FACETS, NX_P_IF_FLAG, ALL, 0, R(person_facets), R(n_person_facets),
     R(has_kind_facets), NULL},
    {"organisations", NX_T_FACETS, NX_P_IF_FLAG, ALL, 0, R(organisation_facets),
     R(n_organisation_facets), R(has_kind_facets), NULL},
};
static const nx_fields_t facet_fields = {facet_field_v, NX_ARRAY_LEN(facet_field_v),
                                         sizeof(newsidx_results_t)};

static const nx_field_t histogram_field_v[] = {
    {"unit", NX_T_STR, NX_P_ALWAYS, ALL, 0, R(histogram_unit), 0, 0, NULL},
    {"buckets", NX_T_FACETS, NX_P_ALWAYS, ALL, 0, R(histogram), R(n_histogram), 0, NULL},
    {"undated", NX_T_U64, NX_P_ALWAYS, ALL, 0, R(undated), 0, 0, NULL},
};
static const nx_fields_t histogram_fields = {histogram_field_v, NX_ARRAY_LEN(histogram_field_v),
                                             sizeof(newsidx_results_t)};

static const nx_field_t results_field_v[] = {
    {"query", NX_T_STR, NX_P_STRING, ALL, 0, R(query), 0, 0, NULL},
    {"total", NX_T_U64, NX_P_ALWAYS, ALL, 0, R(total), 0, 0, NULL},
    {"total_min", NX_T_U64, NX_P_ALWAYS, ALL, 0, R(total_min), 0, 0, NULL},
    {"total_max", NX_T_U64, NX_P_ALWAYS, ALL, 0, R(total_max), 0, 0, NULL},
    {"total_exact", NX_T_BOOL, NX_P_ALWAYS, ALL, 0, R(total_exact), 0, 0, NULL},
    {"more", NX_T_BOOL, NX_P_ALWAYS, ALL, 0, R(more), 0, 0, NULL},
    {"hits", NX_T_RECORDS, NX_P_ALWAYS, ALL, NX_F_REQUIRED, R(hits), R(n_hits), 0, &hit_fields},
    {"facets", NX_T_GROUP, NX_P_IF_FLAG, ALL, 0, 0, 0, R(has_facets), &facet_fields},
    {"histogram", NX_T_GROUP, NX_P_IF_FLAG, ALL, 0, 0, 0, R(has_histogram), &histogram_fields},
    {"corrected", NX_T_STR, NX_P_OPTIONAL, ALL, 0, R(corrected), 0, 0, NULL},
    {"relaxed", NX_T_BOOL, NX_P_ALWAYS, ALL, 0, R(relaxed), 0, 0, NULL},
    {"total_strict", NX_T_U64, NX_P_ALWAYS, ALL, 0, R(total_strict), 0, 0, NULL},
    {"truncated", NX_T_BOOL, NX_P_ALWAYS, ALL, 0, R(truncated), 0, 0, NULL},
    {"missing_shards", NX_T_STRV, NX_P_OPTIONAL, ALL, 0, R(missing_shards),
     R(n_missing_shards), 0, NULL},
    {"notes", NX_T_STRV, NX_P_OPTIONAL, ALL, 0, R(notes), R(n_notes), 0, NULL},
};
const nx_fields_t nx_results_fields = {results_field_v, NX_ARRAY_LEN(results_field_v),
                                       sizeof(newsidx_results_t)};

#define QH(m) offsetof(newsidx_quote_hit_t, m)
#define QR(m) offsetof(newsidx_quotes_t, m)
static const nx_field_t quote_hit_field_v[] = {
    {"speaker", NX_T_STR, NX_P_STRING, ALL, 0, QH(speaker), 0, 0, NULL},
    {"kind", NX_T_KIND, NX_P_ALWAYS, ALL, 0, QH(kind), 0, 0, NULL},
    {"text", NX_T_STR, NX_P_STRING, ALL, 0, QH(text), 0, 0, NULL},
    {"id", NX_T_STR, NX_P_ALWAYS, ALL, NX_F_REQUIRED, QH(id), 0, 0, NULL},
    {"title", NX_T_STR, NX_P_ALWAYS, ALL, 0, QH(title), 0, 0, NULL},
    {"date", NX_T_STR, NX_P_ALWAYS, ALL, 0, QH(date), 0, 0, NULL},
    {"dateline", NX_T_STR, NX_P_ALWAYS, ALL, 0, QH(dateline), 0, 0, NULL},
    {"score", NX_T_REAL, NX_P_ALWAYS, ALL, 0, QH(score), 0, 0, NULL},
    {"rank", NX_T_UINT, NX_P_ALWAYS, ALL, 0, QH(rank), 0, 0, NULL},
    {"start", NX_T_SIZE, NX_P_ALWAYS, ALL, 0, QH(start), 0, 0, NULL},
    {"end", NX_T_SIZE, NX_P_ALWAYS, ALL, 0, QH(end), 0, 0, NULL},
};
static const nx_fields_t quote_hit_fields = {quote_hit_field_v, NX_ARRAY_LEN(quote_hit_field_v),
                                             sizeof(newsidx_quote_hit_t)};

static const nx_field_t quotes_field_v[] = {
    {"query", NX_T_STR, NX_P_STRING, ALL, 0, QR(query), 0, 0, NULL},
    {"total", NX_T_U64, NX_P_ALWAYS, ALL, 0, QR(total), 0, 0, NULL},
    {"total_exact", NX_T_BOOL, NX_P_ALWAYS, ALL, 0, QR(total_exact), 0, 0, NULL},
    {"more", NX_T_BOOL, NX_P_ALWAYS, ALL, 0, QR(more), 0, 0, NULL},
    {"quotes", NX_T_RECORDS, NX_P_ALWAYS, ALL, NX_F_REQUIRED, QR(quotes), QR(n_quotes), 0,
     &quote_hit_fields},
    {"truncated", NX_T_BOOL, NX_P_ALWAYS, ALL, 0, QR(truncated), 0, 0, NULL},
    {"missing_shards", NX_T_STRV, NX_P_OPTIONAL, ALL, 0, QR(missing_shards),
     QR(n_missing_shards), 0, NULL},
    {"notes", NX_T_STRV, NX_P_OPTIONAL, ALL, 0, QR(notes), QR(n_notes), 0, NULL},
};
const nx_fields_t nx_quotes_fields = {quotes_field_v, NX_ARRAY_LEN(quotes_field_v),
                                      sizeof(newsidx_quotes_t)};

static const char *const kind_names[] = {
    [NEWSIDX_KIND_PERSON] = "person",
    [NEWSIDX_KIND_ORGANISATION] = "organisation",
};

/* ---- access to a field of a struct ---- */

#define AT(rec, off, type) ((type *)((char *)(rec) + (off)))
#define CAT(rec, off, type) ((const type *)((const char *)(rec) + (off)))

static size_t count_of(const void *rec, const nx_field_t *f)
{
    return *CAT(rec, f->count, size_t);
}

static const void *pointer_of(const void *rec, const nx_field_t *f)
{
    return *CAT(rec, f->offset, void *);
}

/* Whether the field has something to write, for NX_P_OPTIONAL. */
static bool has_value(const void *rec, const nx_field_t *f)
{
    switch (f->type) {
    case NX_T_STR: return pointer_of(rec, f) != NULL;
    case NX_T_BOOL: return *CAT(rec, f->offset, bool);
    case NX_T_U64: return *CAT(rec, f->offset, uint64_t) != 0;
    case NX_T_UINT: return *CAT(rec, f->offset, unsigned) != 0;
    case NX_T_SIZE: return *CAT(rec, f->offset, size_t) != 0;
    case NX_T_REAL: return *CAT(rec, f->offset, double) != 0;
    case NX_T_GROUP: return true;
    default: return pointer_of(rec, f) != NULL && count_of(rec, f) > 0;
    }
}

static bool is_written(const void *rec, const nx_field_t *f, unsigned groups)
{
    if (!(f->groups & groups))
        return false;
    switch (f->presence) {
    case NX_P_OPTIONAL: return has_value(rec, f);
    case NX_P_IF_FLAG: return *CAT(rec, f->flag, bool);
    default: return true;
    }
}

/* ---- emitting ---- */

static void emit_value(nx_emitter_t *e, const nx_field_t *f, const void *rec)
{
    size_t n = f->count ? count_of(rec, f) : 0;
    switch (f->type) {
    case NX_T_STR: {
        const char *s = pointer_of(rec, f);
        e->str(e, !s && f->presence == NX_P_STRING ? "" : s);
        break;
    }
    case NX_T_STRV: {
        char *const *v = pointer_of(rec, f);
        e->array(e, n);
        for (size_t i = 0; i < n; i++)
            e->str(e, v[i]);
        break;
    }
    case NX_T_BOOL: e->boolean(e, *CAT(rec, f->offset, bool)); break;
    case NX_T_U64: e->uint(e, *CAT(rec, f->offset, uint64_t)); break;
    case NX_T_UINT: e->uint(e, *CAT(rec, f->offset, unsigned)); break;
    case NX_T_SIZE: e->uint(e, *CAT(rec, f->offset, size_t)); break;
    case NX_T_REAL: e->real(e, *CAT(rec, f->offset, double)); break;
    case NX_T_KIND:
        e->str(e, kind_names[*CAT(rec, f->offset, newsidx_kind_t) == NEWSIDX_KIND_ORGANISATION
                                 ? NEWSIDX_KIND_ORGANISATION
                                 : NEWSIDX_KIND_PERSON]);
        break;
    case NX_T_KINDS: {
        const newsidx_kind_t *k = pointer_of(rec, f);
        e->array(e, k ? n : 0);
        for (size_t i = 0; k && i < n; i++)
            e->str(e, k[i] == NEWSIDX_KIND_ORGANISATION ? kind_names[NEWSIDX_KIND_ORGANISATION]
                                                        : kind_names[NEWSIDX_KIND_PERSON]);
        break;
    }
    case NX_T_RECORDS: {
        const char *items = pointer_of(rec, f);
        e->array(e, n);
        for (size_t i = 0; i < n; i++)
            nx_emit(e, f->sub, items + i * f->sub->size, ALL);
        break;
    }
    case NX_T_FACETS: {
        const newsidx_facet_t *v = pointer_of(rec, f);
        e->array(e, n);
        for (size_t i = 0; i < n; i++) {
            e->array(e, 2);
            e->str(e, v[i].name);
            e->uint(e, v[i].count);
        }
        break;
    }
    case NX_T_EXPLAIN: {
        const newsidx_explain_t *v = pointer_of(rec, f);
        e->map(e, n);
        for (size_t i = 0; i < n; i++) {
            e->key(e, v[i].field ? v[i].field : "");
            e->real(e, v[i].weight);
        }
        break;
    }
    case NX_T_GROUP: nx_emit(e, f->sub, rec, ALL); break;
    }
}

void nx_emit(nx_emitter_t *e, const nx_fields_t *t, const void *rec, unsigned groups)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += is_written(rec, &t->v[i], groups);
    e->map(e, n);
    for (size_t i = 0; i < t->n; i++) {
        if (!is_written(rec, &t->v[i], groups))
            continue;
        e->key(e, t->v[i].key);
        emit_value(e, &t->v[i], rec);
    }
}

/* ---- reading ---- */

static bool read_text(const nx_reader_t *r, const void *v, const nx_field_t *f, char **out,
                      char **err)
{
    switch (r->text(v, out)) {
    case NX_READ_OK: return true;
    case NX_READ_NUL: nx_set_error(err, "field \"%s\" contains a NUL character", f->key); break;
    case NX_READ_INVALID: nx_set_error(err, "field \"%s\" is not valid UTF-8 text", f->key); break;
    case NX_READ_NOMEM: nx_set_error(err, "out of memory"); break;
    case NX_READ_NOT_TEXT:
        if ((f->flags & NX_F_NUMBER_TEXT) && (*out = r->integer_text(v)))
            return true;
        nx_set_error(err, "field \"%s\" must be a string", f->key);
        break;
    }
    *out = NULL;
    return false;
}

/* Room for the n items of an array field, the count set at once so that
 * the struct's free function sees whatever is filled in when a later
 * item fails. */
static void *alloc_items(void *rec, const nx_field_t *f, size_t n, size_t size, char **err)
{
    void *items = calloc(n ? n : 1, size);
    if (!items) {
        nx_set_error(err, "out of memory");
        return NULL;
    }
    *AT(rec, f->offset, void *) = items;
    *AT(rec, f->count, size_t) = n;
    return items;
}

static bool array_of(const nx_reader_t *r, const void *v, const nx_field_t *f, size_t *n,
                     const char *what, char **err)
{
    if (r->array_size(v, n))
        return true;
    nx_set_error(err, "field \"%s\" must be %s", f->key, what);
    return false;
}

static bool read_strv(const nx_reader_t *r, const void *v, const nx_field_t *f, void *rec,
                      char **err)
{
    size_t n;
    if (!array_of(r, v, f, &n, "a list of strings", err))
        return false;
    char **items = alloc_items(rec, f, n, sizeof *items, err);
    for (size_t i = 0; items && i < n; i++) {
        const void *item = r->array_item(v, i);
        nx_read_text_t st = item ? r->text(item, &items[i]) : NX_READ_NOT_TEXT;
        if (st != NX_READ_OK) {
            items[i] = NULL;
            if (st == NX_READ_NOMEM)
                nx_set_error(err, "out of memory");
            else
                nx_set_error(err, "field \"%s\": item %zu is not a string of UTF-8 text "
                             "without NUL", f->key, i + 1);
            return false;
        }
    }
    return items != NULL;
}

static bool read_kind(const nx_reader_t *r, const void *v, const nx_field_t *f, void *rec,
                      char **err)
{
    char *s = NULL;
    bool ok = r->text(v, &s) == NX_READ_OK &&
              (strcmp(s, "person") == 0 || strcmp(s, "organisation") == 0);
    if (ok)
        *AT(rec, f->offset, newsidx_kind_t) = strcmp(s, "organisation") == 0
                                                 ? NEWSIDX_KIND_ORGANISATION
                                                 : NEWSIDX_KIND_PERSON;
    else
        nx_set_error(err, "field \"%s\" is not \"person\" or \"organisation\"", f->key);
    free(s);
    return ok;
}

static bool read_kinds(const nx_reader_t *r, const void *v, const nx_field_t *f, void *rec,
                       char **err)
{
    size_t n;
    if (!array_of(r, v, f, &n, "a list of \"person\" or \"organisation\"", err))
        return false;
    if (n != count_of(rec, f)) {
        nx_set_error(err, "field \"%s\" has %zu kinds for %zu speakers", f->key, n,
                     count_of(rec, f));
        return false;
    }
    newsidx_kind_t *kinds = calloc(n ? n : 1, sizeof *kinds);
    if (!kinds) {
        nx_set_error(err, "out of memory");
        return false;
    }
    *AT(rec, f->offset, newsidx_kind_t *) = kinds;
    for (size_t i = 0; i < n; i++) {
        char *s = NULL;
        const void *item = r->array_item(v, i);
        if (item && r->text(item, &s) == NX_READ_OK && strcmp(s, "organisation") == 0)
            kinds[i] = NEWSIDX_KIND_ORGANISATION;
        else if (s && strcmp(s, "person") == 0)
            kinds[i] = NEWSIDX_KIND_PERSON;
        else {
            free(s);
            nx_set_error(err, "field \"%s\": item %zu is not \"person\" or \"organisation\"",
                         f->key, i + 1);
            return false;
        }
        free(s);
    }
    return true;
}

static bool read_records(const nx_reader_t *r, const void *v, const nx_field_t *f, void *rec,
                         char **err)
{
    size_t n;
    if (!array_of(r, v, f, &n, "a list of objects", err))
        return false;
    char *items = alloc_items(rec, f, n, f->sub->size, err);
    for (size_t i = 0; items && i < n; i++) {
        char *why = NULL;
        if (!nx_read(r, r->array_item(v, i), f->sub, items + i * f->sub->size, ALL, &why)) {
            nx_set_error(err, "field \"%s\", item %zu: %s", f->key, i + 1,
                         why ? why : "out of memory");
            free(why);
            return false;
        }
    }
    return items != NULL;
}

static bool read_facets(const nx_reader_t *r, const void *v, const nx_field_t *f, void *rec,
                        char **err)
{
    size_t n, two;
    if (!array_of(r, v, f, &n, "a list of [name, count]", err))
        return false;
    newsidx_facet_t *items = alloc_items(rec, f, n, sizeof *items, err);
    for (size_t i = 0; items && i < n; i++) {
        const void *pair = r->array_item(v, i);
        if (!pair || !r->array_size(pair, &two) || two != 2 ||
            r->text(r->array_item(pair, 0), &items[i].name) != NX_READ_OK ||
            !r->uint(r->array_item(pair, 1), &items[i].count)) {
            nx_set_error(err, "field \"%s\": item %zu is not [name, count]", f->key, i + 1);
            return false;
        }
    }
    return items != NULL;
}

static bool read_explain(const nx_reader_t *r, const void *v, const nx_field_t *f, void *rec,
                         char **err)
{
    size_t n;
    if (!r->map_size(v, &n)) {
        nx_set_error(err, "field \"%s\" must be a map of numbers", f->key);
        return false;
    }
    newsidx_explain_t *items = alloc_items(rec, f, n, sizeof *items, err);
    for (size_t i = 0; items && i < n; i++) {
        if (r->map_key(v, i, &items[i].field) != NX_READ_OK ||
            !r->real(r->map_value(v, i), &items[i].weight)) {
            nx_set_error(err, "field \"%s\" must be a map of numbers", f->key);
            return false;
        }
    }
    return items != NULL;
}

static bool read_number(const nx_reader_t *r, const void *v, const nx_field_t *f, void *rec,
                        char **err)
{
    uint64_t u;
    if (f->type == NX_T_REAL) {
        if (r->real(v, AT(rec, f->offset, double)))
            return true;
        nx_set_error(err, "field \"%s\" must be a number", f->key);
        return false;
    }
    if (!r->uint(v, &u)) {
        nx_set_error(err, "field \"%s\" must be a non-negative integer", f->key);
        return false;
    }
    if (f->type == NX_T_U64)
        *AT(rec, f->offset, uint64_t) = u;
    else if (f->type == NX_T_UINT)
        *AT(rec, f->offset, unsigned) = u > UINT_MAX ? UINT_MAX : (unsigned)u;
    else
        *AT(rec, f->offset, size_t) = u > SIZE_MAX ? SIZE_MAX : (size_t)u;
    return true;
}

static bool read_value(const nx_reader_t *r, const void *v, const nx_field_t *f, void *rec,
                       char **err)
{
    switch (f->type) {
    case NX_T_STR:
        free(*AT(rec, f->offset, char *));
        return read_text(r, v, f, AT(rec, f->offset, char *), err);
    case NX_T_STRV: return read_strv(r, v, f, rec, err);
    case NX_T_BOOL:
        if (r->boolean(v, AT(rec, f->offset, bool)))
            return true;
        nx_set_error(err, "field \"%s\" must be true or false", f->key);
        return false;
    case NX_T_KIND: return read_kind(r, v, f, rec, err);
    case NX_T_KINDS: return read_kinds(r, v, f, rec, err);
    case NX_T_RECORDS: return read_records(r, v, f, rec, err);
    case NX_T_FACETS: return read_facets(r, v, f, rec, err);
    case NX_T_EXPLAIN: return read_explain(r, v, f, rec, err);
    case NX_T_GROUP:
        *AT(rec, f->flag, bool) = true;
        return nx_read(r, v, f->sub, rec, ALL, err);
    default: return read_number(r, v, f, rec, err);
    }
}

bool nx_read(const nx_reader_t *r, const void *map, const nx_fields_t *t, void *rec,
             unsigned groups, char **err)
{
    if (!map || !r->is_map(map)) {
        nx_set_error(err, "expected an object (a map of fields)");
        return false;
    }
    for (size_t i = 0; i < t->n; i++) {
        const nx_field_t *f = &t->v[i];
        if (!(f->groups & groups))
            continue;
        const void *v = r->get(map, f->key);
        if (!v) {
            if (f->flags & NX_F_REQUIRED) {
                nx_set_error(err, "missing required field \"%s\"", f->key);
                return false;
            }
            continue;
        }
        if (!read_value(r, v, f, rec, err))
            return false;
    }
    return true;
}

bool nx_article_check(const newsidx_article_t *a, unsigned groups, char **err)
{
    if ((groups & NX_FIELDS_BODY) && !a->body) {
        nx_set_error(err, "missing required field \"body\"");
        return false;
    }
    for (size_t i = 0; i < a->n_quotes; i++) {
        if (a->quotes[i].start > a->quotes[i].end) {
            nx_set_error(err, "field \"quotes\", item %zu: start %zu is after end %zu", i + 1,
                         a->quotes[i].start, a->quotes[i].end);
            return false;
        }
    }
    return true;
}
