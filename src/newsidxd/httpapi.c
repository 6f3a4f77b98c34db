/* httpapi.c - the JSON API over HTTP, a mirror of the socket's protocol
 * (doc/http.md):
 *
 *   GET  /api/search?q=&since=&until=&speaker=&location=&sort=&offset=
 *                    &limit=&facets=1&histogram=1        search
 *   GET  /api/similar/ID?limit=&offset=                   similar
 *   GET  /api/article/ID                                  get
 *   GET  /api/stats                                       stats
 *   GET  /api/quotes?q=                                   quotes
 *   POST /api/articles   (a bearer token; a JSON array)   add
 *
 * A request's parameters are packed into the protocol's params map and
 * read by the same code as the socket's (nx_search_from_mp), so the two
 * accept and refuse the same things.  The job runs on the worker's run
 * list like a socket request; its MessagePack reply is turned into JSON
 * here, and its error code into an HTTP status. */
#include "config.h"

#include "http.h"
#include "utf8.h"

#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* What a job of the API needs to be answered. */
struct http_call {
    struct http_worker *hw;
    struct evhttp_request *req;
};

static int status_of(nx_rpc_code_t code)
{
    switch (code) {
    case NX_RPC_BAD_REQUEST: return 400;
    case NX_RPC_NOT_FOUND: return 404;
    case NX_RPC_FORBIDDEN: return 403;
    case NX_RPC_TOO_LARGE: return 400;     /* a limit or an offset, not a body */
    case NX_RPC_UNAVAILABLE: return 503;
    default: return 500;
    }
}

static const char *reason_of(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

/* Sends a JSON body (taken) with a status. */
static void send_json(struct http_worker *hw, struct evhttp_request *req, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) {
        status = 500;
        text = nx_strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
    }
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8");
    evhttp_add_header(h, "Cache-Control", "no-store");
    http_add_security_headers(req);
    struct evbuffer *out = evbuffer_new();
    if (out && text)
        evbuffer_add(out, text, strlen(text));
    free(text);
    http_answered(hw, req);
    evhttp_send_reply(req, status, reason_of(status), out);
    if (out)
        evbuffer_free(out);
}

void http_send_error_status(struct http_worker *hw, struct evhttp_request *req, int status,
                              nx_rpc_code_t code, const char *message)
{
    send_json(hw, req, status,
              json_pack("{s:{s:s,s:s}}", "error", "code", nx_rpc_code_name(code), "message",
                        message ? message : ""));
}

void http_send_error(struct http_worker *hw, struct evhttp_request *req, nx_rpc_code_t code,
                     const char *message)
{
    http_send_error_status(hw, req, status_of(code), code, message);
}

/* ------------------------------------------------------------------ */
/* Jobs                                                                 */
/* ------------------------------------------------------------------ */

worker_t *http_job_worker(const job_t *j)
{
    return http_worker_of(j->http->hw);
}

/* A search's answer with facets also says where its places are, for
 * the map: "places": {name: [latitude, longitude]}, for the names of the
 * locations facet that the table knows. */
static void add_places(const places_t *places, json_t *o)
{
    json_t *locs = json_object_get(json_object_get(o, "facets"), "locations");
    if (!json_is_array(locs))
        return;
    json_t *map = json_object();
    size_t i;
    json_t *f;
    json_array_foreach(locs, i, f) {
        const char *name = json_string_value(json_array_get(f, 0));
        double lat, lon;
        if (name && places_find(places, name, &lat, &lon))
            json_object_set_new(map, name, json_pack("[ff]", lat, lon));
    }
    json_object_set_new(o, "places", map);
}

void http_job_done(job_t *j)
{
    struct http_call *call = j->http;
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    if (j->out.oom || msgpack_unpack_next(&u, j->out.data, j->out.len, NULL) != MSGPACK_UNPACK_SUCCESS ||
        u.data.type != MSGPACK_OBJECT_ARRAY || u.data.via.array.size != 4) {
        http_send_error(call->hw, call->req, NX_RPC_INTERNAL, "could not read the reply");
        msgpack_unpacked_destroy(&u);
        return;
    }
    const msgpack_object *err = &u.data.via.array.ptr[2], *res = &u.data.via.array.ptr[3];
    if (err->type != MSGPACK_OBJECT_NIL) {
        char *code = nx_mp_text(nx_mp_get(err, "code"), "code", NULL);
        char *msg = nx_mp_text(nx_mp_get(err, "message"), "message", NULL);
        nx_rpc_code_t c = nx_rpc_code_of(nx_rpc_status_of(code));
        http_send_error(call->hw, call->req, c, msg);
        free(code);
        free(msg);
    } else {
        json_t *o = nx_mp_to_json(res);
        add_places(http_worker_of(call->hw)->srv->places, o);
        send_json(call->hw, call->req, 200, o);
    }
    msgpack_unpacked_destroy(&u);
}

void http_job_drop(job_t *j)
{
    http_send_error(j->http->hw, j->http->req, NX_RPC_UNAVAILABLE, "the daemon is stopping");
}

job_t *http_new_job(struct http_worker *hw, struct evhttp_request *req, job_kind_t kind)
{
    job_t *j = job_new(kind, NULL, 0);
    struct http_call *call = j ? calloc(1, sizeof *call) : NULL;
    if (!call) {
        job_free(j);
        http_send_error(hw, req, NX_RPC_INTERNAL, "out of memory");
        return NULL;
    }
    *call = (struct http_call){hw, req};
    j->http = call;
    return j;
}

void http_queue_job(struct http_worker *hw, struct evhttp_request *req, job_t *j)
{
    http_busy(hw, req);
    /* Queued behind what the thread has to run, and the first of those
     * run at once, as the socket's connections do (conn.c, on_read):
     * one turn of the loop less for a request that waits for nothing. */
    worker_queue(http_worker_of(hw), j);
    worker_run_one(http_worker_of(hw));
}

/* ------------------------------------------------------------------ */
/* Parameters                                                           */
/* ------------------------------------------------------------------ */

static bool is_one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* The query string as the protocol's search params map, in *out:
 * numbers and flags typed, everything else text (an unknown name is
 * left for nx_search_from_mp to refuse by name). */
static bool pack_params(const char *query, nx_buf_t *out, char **err)
{
    static const char *const numbers[] = {"limit", "offset", NULL};
    static const char *const flags[] = {"facets", "explain", "partial", "histogram", "strict",
                                        "all_versions", "facet_kinds", NULL};
    struct evkeyvalq kv;
    TAILQ_INIT(&kv);
    if (query && evhttp_parse_query_str(query, &kv) != 0) {
        nx_set_error(err, "the query string cannot be decoded");
        return false;
    }
    size_t n = 0;
    struct evkeyval *p;
    TAILQ_FOREACH(p, &kv, next) {
        for (struct evkeyval *q = TAILQ_FIRST(&kv); q != p; q = TAILQ_NEXT(q, next))
            if (strcmp(q->key, p->key) == 0) {
                nx_set_error(err, "parameter \"%s\" is given twice", p->key);
                goto fail;
            }
        if (!nx_utf8_valid(p->key, strlen(p->key)) || !nx_utf8_valid(p->value, strlen(p->value))) {
            nx_set_error(err, "parameter \"%s\" is not valid UTF-8", p->key);
            goto fail;
        }
        n++;
    }
    msgpack_packer pk;
    nx_mp_packer_init(&pk, out);
    msgpack_pack_map(&pk, n);
    TAILQ_FOREACH(p, &kv, next) {
        nx_mp_pack_str(&pk, p->key);
        if (is_one_of(p->key, numbers)) {
            const char *v = p->value;
            if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 10 ||
                strtoull(v, NULL, 10) > 0xffffffffull) {
                nx_set_error(err, "%s must be a whole number from 0 to 4294967295, not \"%s\"",
                             p->key, v);
                goto fail;
            }
            msgpack_pack_uint64(&pk, strtoull(v, NULL, 10));
        } else if (is_one_of(p->key, flags)) {
            static const char *const yes[] = {"1", "true", "yes", "on", "", NULL};
            static const char *const no[] = {"0", "false", "no", "off", NULL};
            if (is_one_of(p->value, yes))
                msgpack_pack_true(&pk);
            else if (is_one_of(p->value, no))
                msgpack_pack_false(&pk);
            else {
                nx_set_error(err, "%s must be 1 or 0, not \"%s\"", p->key, p->value);
                goto fail;
            }
        } else {
            nx_mp_pack_str(&pk, p->value);
        }
    }
    evhttp_clear_headers(&kv);
    return !out->oom || (nx_set_error(err, "out of memory"), false);
fail:
    evhttp_clear_headers(&kv);
    return false;
}

/* The search request of a query string, into a new *s; false with *err. */
static bool search_params(const char *query, newsidx_search_t **s, char **err)
{
    nx_buf_t b;
    nx_buf_init(&b);
    bool ok = pack_params(query, &b, err);
    if (ok) {
        msgpack_unpacked u;
        msgpack_unpacked_init(&u);
        ok = msgpack_unpack_next(&u, b.data, b.len, NULL) == MSGPACK_UNPACK_SUCCESS &&
             nx_search_from_mp(&u.data, s, err);
        msgpack_unpacked_destroy(&u);
    }
    nx_buf_free(&b);
    return ok;
}

/* The id at the end of a path, percent-decoded; NULL with *err. */
static char *path_id(const char *rest, char **err)
{
    size_t n = 0;
    char *id = evhttp_uridecode(rest, 0, &n);
    if (!id || !n || strlen(id) != n || !nx_utf8_valid(id, n) || n > NX_MAX_ID) {
        nx_set_error(err, "%s", !id ? "out of memory"
                                : !n ? "no article id in the path"
                                : n > NX_MAX_ID ? "the article id is too long"
                                                : "the article id is not valid UTF-8 text");
        free(id);
        return NULL;
    }
    return id;
}

/* ------------------------------------------------------------------ */
/* Routes                                                               */
/* ------------------------------------------------------------------ */

static void api_search(struct http_worker *hw, struct evhttp_request *req, const char *query)
{
    char *err = NULL;
    job_t *j = http_new_job(hw, req, JOB_SEARCH);
    if (!j)
        return;
    if (!search_params(query, &j->search, &err) ||
        (newsidx_search_get_like(j->search) &&
         (nx_set_error(&err, "search does not take \"like\": use /api/similar/ID"), true))) {
        http_send_error(hw, req, NX_RPC_BAD_REQUEST, err);
        free(err);
        job_free(j);
        return;
    }
    http_queue_job(hw, req, j);
}

/* Whether the request says which articles to find (a query, an id, a
 * filter). */
static bool selects(const newsidx_search_t *s)
{
    const char *since, *until;
    newsidx_search_get_dates(s, &since, &until);
    return newsidx_search_get_query(s) || newsidx_search_get_like(s) || since || until ||
           newsidx_search_get_speaker(s) || newsidx_search_get_location(s) ||
           newsidx_search_get_lang(s);
}

static void api_similar(struct http_worker *hw, struct evhttp_request *req, const char *rest,
                        const char *query)
{
    char *err = NULL;
    job_t *j = http_new_job(hw, req, JOB_SEARCH);
    if (!j)
        return;
    if (!search_params(query, &j->search, &err) ||
        (selects(j->search) &&
         (nx_set_error(&err, "similar takes only limit and offset"), true)) ||
        !job_set_like(j, path_id(rest, &err), &err)) {
        http_send_error(hw, req, NX_RPC_BAD_REQUEST, err);
        free(err);
        job_free(j);
        return;
    }
    http_queue_job(hw, req, j);
}

static void api_article(struct http_worker *hw, struct evhttp_request *req, const char *rest,
                        const char *query)
{
    char *err = NULL;
    if (query && *query) {
        http_send_error(hw, req, NX_RPC_BAD_REQUEST, "/api/article/ID takes no parameters");
        return;
    }
    job_t *j = http_new_job(hw, req, JOB_GET);
    if (!j)
        return;
    if (!(j->id = path_id(rest, &err))) {
        http_send_error(hw, req, NX_RPC_BAD_REQUEST, err);
        free(err);
        job_free(j);
        return;
    }
    http_queue_job(hw, req, j);
}

static void api_stats(struct http_worker *hw, struct evhttp_request *req, const char *query)
{
    if (query && *query) {
        http_send_error(hw, req, NX_RPC_BAD_REQUEST, "/api/stats takes no parameters");
        return;
    }
    job_t *j = http_new_job(hw, req, JOB_STATS);
    if (j)
        http_queue_job(hw, req, j);
}

/* Who said what: the quotes method, with the parameters of search. */
static void api_quotes(struct http_worker *hw, struct evhttp_request *req, const char *query)
{
    char *err = NULL;
    job_t *j = http_new_job(hw, req, JOB_QUOTES);
    if (!j)
        return;
    if (!search_params(query, &j->search, &err)) {
        http_send_error(hw, req, NX_RPC_BAD_REQUEST, err);
        free(err);
        job_free(j);
        return;
    }
    http_queue_job(hw, req, j);
}

/* The API under /api/, by path and method. */
static void route_api(struct http_worker *hw, struct evhttp_request *req, const char *path,
                      const char *query, enum evhttp_cmd_type method)
{
    const char *name = path + strlen("/api/");
    bool get = method == EVHTTP_REQ_GET || method == EVHTTP_REQ_HEAD;
    if (strcmp(name, "articles") == 0) {
        if (method != EVHTTP_REQ_POST) {
            http_send_error_status(hw, req, 405, NX_RPC_BAD_REQUEST, "/api/articles takes POST");
            return;
        }
        http_api_add(hw, req, query);
        return;
    }
    if (!get) {
        http_send_error_status(hw, req, 405, NX_RPC_BAD_REQUEST, "this path takes GET");
        return;
    }
    if (strcmp(name, "search") == 0)
        api_search(hw, req, query);
    else if (strcmp(name, "stats") == 0)
        api_stats(hw, req, query);
    else if (strcmp(name, "quotes") == 0)
        api_quotes(hw, req, query);
    else if (strncmp(name, "article/", 8) == 0)
        api_article(hw, req, name + 8, query);
    else if (strncmp(name, "similar/", 8) == 0)
        api_similar(hw, req, name + 8, query);
    else
        http_send_error(hw, req, NX_RPC_NOT_FOUND, "no such API path (see doc/http.md)");
}

void http_route(struct http_worker *hw, struct evhttp_request *req)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
    enum evhttp_cmd_type method = evhttp_request_get_command(req);
    if (!path || path[0] != '/') {
        http_send_error(hw, req, NX_RPC_BAD_REQUEST, "the request has no path");
        return;
    }
    if (strncmp(path, "/api/", 5) == 0) {
        route_api(hw, req, path, query, method);
        return;
    }
    if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_HEAD) {
        http_send_error_status(hw, req, 405, NX_RPC_BAD_REQUEST, "the page's files take GET");
        return;
    }
    /* The page's files are a fixed table: a name is looked up, never
     * opened, so no path can reach outside it. */
    const char *name = strcmp(path, "/") == 0 ? "index.html"
                       : strncmp(path, "/static/", 8) == 0 ? path + 8 : NULL;
    if (!name || !web_file_send(hw, req, name))
        http_send_error(hw, req, NX_RPC_NOT_FOUND, "no such page");
}
