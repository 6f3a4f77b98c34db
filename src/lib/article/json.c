/* json.c - articles and results as JSON (jansson), the shape DESIGN.md
 * fixes for JSON Lines input and for --json output. */
#include "config.h"

#include "nx.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *key;
    size_t offset;
} article_fields[] = {
    {"id", offsetof(newsidx_article_t, id)},
    {"title", offsetof(newsidx_article_t, title)},
    {"date", offsetof(newsidx_article_t, date)},
    {"dateline", offsetof(newsidx_article_t, dateline)},
    {"byline", offsetof(newsidx_article_t, byline)},
    {"url", offsetof(newsidx_article_t, url)},
    {"body", offsetof(newsidx_article_t, body)},
};

#define FIELD(a, i) ((char **)((char *)(a) + article_fields[i].offset))

bool nx_article_from_json(json_t *obj, newsidx_article_t *a, char **err)
{
    if (!json_is_object(obj)) {
        nx_set_error(err, "expected a JSON object, one article per line");
        return false;
    }
    for (size_t i = 0; i < NX_ARRAY_LEN(article_fields); i++) {
        json_t *v = json_object_get(obj, article_fields[i].key);
        if (!v || json_is_null(v))
            continue;
        char **field = FIELD(a, i);
        if (json_is_string(v)) {
            const char *s = json_string_value(v);
            size_t n = json_string_length(v);
            if (memchr(s, '\0', n)) {
                nx_set_error(err, "field \"%s\" contains a NUL character", article_fields[i].key);
                return false;
            }
            if (!nx_article_set(field, s, n)) {
                nx_set_error(err, "out of memory");
                return false;
            }
        } else if (json_is_integer(v) && strcmp(article_fields[i].key, "id") == 0) {
            free(*field);
            *field = nx_printf("%lld", (long long)json_integer_value(v));
        } else {
            nx_set_error(err, "field \"%s\" must be a string", article_fields[i].key);
            return false;
        }
    }
    if (!json_object_get(obj, "body") || !json_is_string(json_object_get(obj, "body"))) {
        nx_set_error(err, "missing required field \"body\"");
        return false;
    }
    return true;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *str_array(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

json_t *nx_article_to_json(const newsidx_article_t *a, bool with_body, bool with_entities)
{
    json_t *o = json_object();
    for (size_t i = 0; i < NX_ARRAY_LEN(article_fields); i++) {
        const char *key = article_fields[i].key;
        char *v = *FIELD(a, i);
        if (strcmp(key, "body") == 0) {
            if (with_body)
                json_object_set_new(o, key, str_or_null(v));
            continue;
        }
        if ((strcmp(key, "byline") == 0 || strcmp(key, "url") == 0) && !v)
            continue;                   /* optional and absent */
        json_object_set_new(o, key, str_or_null(v));
    }
    if (with_entities) {
        json_object_set_new(o, "speakers", str_array(a->speakers, a->n_speakers));
        json_object_set_new(o, "locations", str_array(a->locations, a->n_locations));
    }
    return o;
}

static json_t *facet_array(const newsidx_facet_t *f, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("[sI]", f[i].name, (json_int_t)f[i].count));
    return a;
}

json_t *nx_results_to_json(const newsidx_results_t *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "query", json_string(r->query ? r->query : ""));
    json_object_set_new(o, "total", json_integer((json_int_t)r->total));
    json_object_set_new(o, "total_min", json_integer((json_int_t)r->total_min));
    json_object_set_new(o, "total_max", json_integer((json_int_t)r->total_max));
    json_object_set_new(o, "more", json_boolean(r->more));
    json_t *hits = json_array();
    for (size_t i = 0; i < r->n_hits; i++) {
        const newsidx_hit_t *h = &r->hits[i];
        json_t *ho = json_object();
        json_object_set_new(ho, "id", json_string(h->id));
        json_object_set_new(ho, "rank", json_integer(h->rank));
        json_object_set_new(ho, "score", json_real(h->score));
        json_object_set_new(ho, "date", str_or_null(h->date));
        json_object_set_new(ho, "dateline", str_or_null(h->dateline));
        json_object_set_new(ho, "title", str_or_null(h->title));
        json_object_set_new(ho, "speakers", str_array(h->speakers, h->n_speakers));
        json_object_set_new(ho, "locations", str_array(h->locations, h->n_locations));
        json_object_set_new(ho, "snippet", json_string(h->snippet ? h->snippet : ""));
        if (h->partial)
            json_object_set_new(ho, "partial", json_true());
        if (h->n_explain) {
            json_t *ex = json_object();
            for (size_t k = 0; k < h->n_explain; k++)
                json_object_set_new(ex, h->explain[k].field, json_real(h->explain[k].weight));
            json_object_set_new(ho, "explain", ex);
        }
        json_array_append_new(hits, ho);
    }
    json_object_set_new(o, "hits", hits);
    if (r->has_facets) {
        json_object_set_new(o, "facets",
                            json_pack("{s:o,s:o}", "speakers",
                                      facet_array(r->speaker_facets, r->n_speaker_facets),
                                      "locations",
                                      facet_array(r->location_facets, r->n_location_facets)));
    }
    if (r->corrected)
        json_object_set_new(o, "corrected", json_string(r->corrected));
    if (r->relaxed)
        json_object_set_new(o, "relaxed", json_true());
    if (r->truncated)
        json_object_set_new(o, "truncated", json_true());
    if (r->n_missing_shards)
        json_object_set_new(o, "missing_shards", str_array(r->missing_shards, r->n_missing_shards));
    if (r->n_notes)
        json_object_set_new(o, "notes", str_array(r->notes, r->n_notes));
    return o;
}
