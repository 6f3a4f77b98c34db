/* ninjs.c - ninjs, IPTC's news in JSON, versions 1.x and 2.x.
 *
 * 1.x:  uri, type, version, versioncreated, firstcreated, pubstatus,
 *       language, headline, byline, located, body_text, body_xhtml (and
 *       the body_html of several senders), subject[], person[],
 *       organisation[], place[] ({"name": ...}).
 * 2.x:  the same with headlines[], bodies[] and descriptions[] (each
 *       {"role", "contenttype", "value"}), "by", subjects[], people[],
 *       organisations[], places[].
 * Senders add guid (AAP, Superdesk); it is the id when present, else
 * uri.  Only items of type text are articles.  A file holds one item,
 * an array of items, an object listing them ("item", "items", "data"),
 * or one item per line (input.c hands those lines here). */
#include "config.h"

#include "input.h"
#include "xml.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    return s && *s ? s : NULL;
}

/* A string or a number, as text (versions come as both). */
static char *text_of(json_t *v)
{
    if (json_is_string(v) && json_string_length(v) > 0)
        return nx_strndup(json_string_value(v), json_string_length(v));
    if (json_is_integer(v))
        return nx_printf("%lld", (long long)json_integer_value(v));
    return NULL;
}

bool nx_json_is_ninjs(json_t *obj)
{
    if (!json_is_object(obj) || json_is_string(json_object_get(obj, "body")))
        return false;
    static const char *const keys[] = {"uri", "guid", "headline", "headlines", "body_text",
                                       "body_html", "body_xhtml", "bodies", "versioncreated",
                                       "type"};
    for (size_t i = 0; i < NX_ARRAY_LEN(keys); i++)
        if (json_object_get(obj, keys[i]))
            return true;
    return false;
}

/* Text from HTML or XHTML, or plain. */
static char *body_text(const char *value, const char *contenttype)
{
    if (!value)
        return NULL;
    if (contenttype && (strcasestr(contenttype, "html") || strcasestr(contenttype, "xml")))
        return nx_html_body(value, strlen(value));
    return nx_text_paragraphs(value);
}

/* 2.x: the entry of a role list (headlines, bodies, descriptions) with
 * role "main" or no role, else the first. */
static json_t *main_entry(json_t *list)
{
    json_t *first = NULL, *e;
    size_t i;
    json_array_foreach(list, i, e) {
        if (!json_is_object(e) || !str(e, "value"))
            continue;
        const char *role = str(e, "role");
        if (!role || strcasecmp(role, "main") == 0 || strcasecmp(role, "default") == 0)
            return e;
        if (!first)
            first = e;
    }
    return first;
}

static void body_of(json_t *item, newsidx_article_t *a)
{
    static const struct {
        const char *key, *type;
    } fields[] = {{"body_html", "text/html"}, {"body_xhtml", "application/xhtml+xml"},
                  {"body_text", "text/plain"}};
    for (size_t i = 0; i < NX_ARRAY_LEN(fields) && !a->body; i++)
        a->body = body_text(str(item, fields[i].key), fields[i].type);
    json_t *b = main_entry(json_object_get(item, "bodies"));
    if (!a->body && b)
        a->body = body_text(str(b, "value"), str(b, "contenttype"));
    if (a->body)
        return;
    /* Only a description: the summary stands for the text. */
    a->body = body_text(str(item, "description_html"), "text/html");
    if (!a->body)
        a->body = body_text(str(item, "description_text"), "text/plain");
    json_t *d = main_entry(json_object_get(item, "descriptions"));
    if (!a->body && d)
        a->body = body_text(str(d, "value"), str(d, "contenttype"));
    a->summary_only = a->body != NULL;
}

/* Names from a list of objects ({"name": ...}) or strings. */
static void names(json_t *list, char ***v, size_t *n)
{
    json_t *e;
    size_t i;
    json_array_foreach(list, i, e) {
        const char *s = json_is_string(e) ? json_string_value(e) : str(e, "name");
        if (s)
            nx_list_add(v, n, nx_strdup(s));
    }
}

/* Messages name the item's line (JSON has no line per field). */
static void metadata(newsidx_input_t *in, unsigned long line, json_t *item,
                     newsidx_article_t *a)
{
    const char *id = str(item, "guid");
    nx_set_id(a, id ? id : str(item, "uri"));
    a->version = text_of(json_object_get(item, "version"));
    static const char *const times[] = {"versioncreated", "firstcreated", "contentcreated"};
    for (size_t i = 0; i < NX_ARRAY_LEN(times) && !a->date; i++)
        nx_input_moment(in, line, a, times[i], str(item, times[i]));
    const char *h = str(item, "headline");
    json_t *hl = main_entry(json_object_get(item, "headlines"));
    if (h)
        a->title = nx_strdup(h);
    else if (hl)
        a->title = body_text(str(hl, "value"), str(hl, "contenttype"));
    const char *by = str(item, "byline");
    a->byline = nx_strip_by(nx_strdup(by ? by : str(item, "by")));
    if (str(item, "language"))
        a->language = nx_strdup(str(item, "language"));
    names(json_object_get(item, "subject"), &a->subjects, &a->n_subjects);
    names(json_object_get(item, "subjects"), &a->subjects, &a->n_subjects);
    names(json_object_get(item, "person"), &a->agency_persons, &a->n_agency_persons);
    names(json_object_get(item, "people"), &a->agency_persons, &a->n_agency_persons);
    names(json_object_get(item, "organisation"), &a->agency_orgs, &a->n_agency_orgs);
    names(json_object_get(item, "organisations"), &a->agency_orgs, &a->n_agency_orgs);
    names(json_object_get(item, "place"), &a->agency_places, &a->n_agency_places);
    names(json_object_get(item, "places"), &a->agency_places, &a->n_agency_places);
}

/* Why an item is not an article, or NULL. */
static const char *not_text(json_t *item)
{
    const char *type = str(item, "type");
    if (type && strcasecmp(type, "text") != 0) {
        static const char *const known[] = {"picture", "video", "audio", "graphic",
                                            "composite", "component", "advisory", "event"};
        for (size_t i = 0; i < NX_ARRAY_LEN(known); i++)
            if (strcasecmp(type, known[i]) == 0) {
                static const char *const why[] = {
                    "picture (ninjs type)", "video (ninjs type)", "audio (ninjs type)",
                    "graphic (ninjs type)", "package of other items (ninjs type composite)",
                    "component of a package (ninjs type)", "advisory, not an article (ninjs type)",
                    "event (ninjs type)"};
                return why[i];
            }
        return "not text (ninjs type)";
    }
    const char *status = str(item, "pubstatus");
    if (status && (strcasecmp(status, "canceled") == 0 || strcasecmp(status, "withheld") == 0))
        return "withdrawn by its sender (ninjs pubstatus)";
    return NULL;
}

newsidx_status_t nx_ninjs_item(newsidx_input_t *in, unsigned long line, json_t *item,
                               newsidx_article_t **out)
{
    const char *skip = not_text(item);
    if (skip) {
        nx_input_skip(in, skip);
        return NEWSIDX_END;
    }
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NEWSIDX_ERR_NOMEM;
    nx_input_drop_notes(in);
    metadata(in, line, item, a);
    body_of(item, a);
    nx_lift_dateline(a);
    nx_set_once(&a->dateline, str(item, "located"));
    if (str(item, "located"))
        nx_list_add(&a->agency_places, &a->n_agency_places, nx_strdup(str(item, "located")));
    if (!a->body) {
        newsidx_article_free(a);
        nx_input_drop_notes(in);
        nx_input_skip(in, "no text (ninjs item without body or description)");
        return NEWSIDX_END;
    }
    return nx_input_finish(in, line, a, out);
}

/* ------------------------------------------------------------------ */
/* A JSON document: one item, an array, or an object listing items.    */
/* ------------------------------------------------------------------ */

typedef struct doc_state {
    json_t *root;
    json_t *list;               /* the items, borrowed from root */
    size_t next;
} doc_state_t;

static newsidx_status_t doc_next(newsidx_input_t *in, void *p, newsidx_article_t **out)
{
    doc_state_t *st = p;
    while (st->list && st->next < json_array_size(st->list)) {
        size_t k = st->next++;
        json_t *e = json_array_get(st->list, k);
        if (nx_json_is_ninjs(e)) {
            newsidx_status_t s = nx_ninjs_item(in, 0, e, out);
            if (s == NEWSIDX_END)
                continue;
            if (s == NEWSIDX_ERR_INPUT && in->error && json_array_size(st->list) > 1) {
                char *m = nx_printf("%s (item %zu)", in->error, k + 1);
                if (m) {
                    free(in->error);
                    in->error = m;
                }
            }
            return s;
        }
        newsidx_article_t *a = newsidx_article_new();
        char *err = NULL;
        if (!a || !nx_article_from_json(e, a, NX_FIELDS_INPUT, &err)) {
            nx_input_error(in, 0, "item %zu: %s", k + 1,
                           err ? err : "neither a ninjs item nor an article");
            free(err);
            newsidx_article_free(a);
            return NEWSIDX_ERR_INPUT;
        }
        return nx_input_finish(in, 0, a, out);
    }
    in->done = true;
    return NEWSIDX_END;
}

static void doc_free(void *p)
{
    doc_state_t *st = p;
    if (st)
        json_decref(st->root);
    free(st);
}

newsidx_status_t nx_json_doc_open(newsidx_input_t *in)
{
    if (!nx_input_slurp(in, NX_MAX_RECORD)) {
        nx_input_error(in, 0, "a JSON document larger than %u MiB: not read (write such "
                       "collections as JSON Lines, one item per line)", NX_MAX_RECORD >> 20);
        return NEWSIDX_ERR_INPUT;
    }
    json_error_t jerr;
    json_t *root = json_loadb(in->rec.data ? in->rec.data : "", in->rec.len, 0, &jerr);
    if (!root) {
        nx_input_error(in, (unsigned long)(jerr.line > 0 ? jerr.line : 0),
                       "invalid JSON at column %d: %s", jerr.column, jerr.text);
        return NEWSIDX_ERR_INPUT;
    }
    doc_state_t *st = calloc(1, sizeof *st);
    json_t *list = json_array();
    if (!st || !list) {
        free(st);
        json_decref(list);
        json_decref(root);
        return NEWSIDX_ERR_NOMEM;
    }
    st->root = json_pack("{s:o,s:o}", "doc", root, "list", list);
    if (!st->root) {
        free(st);
        return NEWSIDX_ERR_NOMEM;
    }
    st->list = list;
    static const char *const lists[] = {"item", "items", "data", "results"};
    json_t *items = NULL;
    for (size_t i = 0; json_is_object(root) && !nx_json_is_ninjs(root) &&
                       !json_object_get(root, "body") && i < NX_ARRAY_LEN(lists) && !items;
         i++)
        if (json_is_array(json_object_get(root, lists[i])))
            items = json_object_get(root, lists[i]);
    if (json_is_array(root))
        json_array_extend(list, root);
    else if (items)
        json_array_extend(list, items);
    else
        json_array_append(list, root);
    if (in->format == NEWSIDX_FORMAT_AUTO || in->format == NEWSIDX_FORMAT_JSONL)
        in->format = NEWSIDX_FORMAT_NINJS;
    nx_buf_reset(&in->rec);
    in->reader = (nx_item_reader_t){doc_next, doc_free, st};
    return NEWSIDX_OK;
}
