/* dispatch.c - a complete frame becomes a job, or an answer.
 *
 * The frame has passed nx_mp_scan(), so msgpack-c decodes it within
 * known bounds.  Everything a request carries is checked here and copied
 * into the job: the frame's memory is gone by the time the job runs.
 * A well-framed but wrong request gets bad_request and the connection
 * stays usable. */
#include "config.h"

#include "newsidxd.h"

#include <stdlib.h>
#include <string.h>

typedef enum method {
    M_PING, M_SEARCH, M_SIMILAR, M_GET, M_ADD, M_DELETE, M_STATS, M_QUOTES, M_UNKNOWN
} method_t;

static method_t method_of(const msgpack_object *o)
{
    static const char *const names[] = {"ping", "search", "similar", "get",
                                        "add",  "delete", "stats",   "quotes"};
    const char *p = NULL;
    size_t n = 0;
    if (o->type == MSGPACK_OBJECT_STR) {
        p = o->via.str.ptr;
        n = o->via.str.size;
    } else if (o->type == MSGPACK_OBJECT_BIN) {
        p = o->via.bin.ptr;
        n = o->via.bin.size;
    }
    for (size_t i = 0; p && i < NX_ARRAY_LEN(names); i++)
        if (strlen(names[i]) == n && memcmp(names[i], p, n) == 0)
            return (method_t)i;
    return M_UNKNOWN;
}

/* search and quotes: one parameter, the map nx_search_from_mp() reads; a
 * search does not take "like" (that is similar). */
static job_t *build_search(struct conn *c, method_t m, uint32_t msgid, const msgpack_object *p,
                           uint32_t np, char **err)
{
    if (np != 1) {
        nx_set_error(err, "%s takes one parameter, a map", m == M_SEARCH ? "search" : "quotes");
        return NULL;
    }
    job_t *j = job_new(m == M_SEARCH ? JOB_SEARCH : JOB_QUOTES, c, msgid);
    if (!j)
        return NULL;
    if (!nx_search_from_mp(&p[0], &j->search, err))
        goto bad;
    if (m == M_SEARCH && newsidx_search_get_like(j->search)) {
        nx_set_error(err, "search does not take \"like\": use similar");
        goto bad;
    }
    return j;
bad:
    job_free(j);
    return NULL;
}

/* similar: an id, and a map of limit, offset and highlight options. */
static job_t *build_similar(struct conn *c, uint32_t msgid, const msgpack_object *p, uint32_t np,
                            char **err)
{
    if (np < 1 || np > 2) {
        nx_set_error(err, "similar takes [id] or [id, {\"limit\", \"offset\"}]");
        return NULL;
    }
    job_t *j = job_new(JOB_SEARCH, c, msgid);
    if (!j)
        return NULL;
    if (np == 2 && p[1].type != MSGPACK_OBJECT_NIL) {
        if (!nx_search_from_mp(&p[1], &j->search, err))
            goto bad;
        if (newsidx_search_get_query(j->search) || newsidx_search_get_like(j->search)) {
            nx_set_error(err, "similar takes only limit, offset and highlight options");
            goto bad;
        }
    }
    if (!job_set_like(j, nx_mp_text(&p[0], "id", err), err))
        goto bad;
    return j;
bad:
    job_free(j);
    return NULL;
}

/* The articles of an add, each decoded; false with *err (unset when
 * memory ran out) at the first that is wrong. */
static bool read_articles(job_t *j, const msgpack_object_array *list, char **err)
{
    j->articles = calloc(list->size ? list->size : 1, sizeof *j->articles);
    if (!j->articles)
        return false;
    for (uint32_t i = 0; i < list->size; i++) {
        char *why = NULL;
        nx_strv_t notes = {0};
        newsidx_article_t *a = nx_article_from_mp(&list->ptr[i], &why, &notes);
        if (!a) {
            nx_set_error(err, "article %u: %s", i + 1, why ? why : "out of memory");
            free(why);
            nx_strv_free(&notes);
            return false;
        }
        j->articles[j->n_articles++] = a;
        job_warn(j, i + 1, a, &notes);
    }
    return true;
}

/* The ids of a delete; false with *err as read_articles(). */
static bool read_ids(job_t *j, const msgpack_object_array *list, char **err)
{
    j->ids = calloc(list->size ? list->size : 1, sizeof *j->ids);
    if (!j->ids)
        return false;
    for (uint32_t i = 0; i < list->size; i++) {
        char *id = nx_mp_text(&list->ptr[i], "id", err);
        if (!id)
            return false;
        j->ids[j->n_ids++] = id;
    }
    return true;
}

/* add and delete: refused (forbidden) by a read-only daemon and to a
 * user who may not write; else one parameter, an array of article maps
 * or of ids. */
static job_t *build_write(const server_t *srv, struct conn *c, method_t m, uint32_t msgid,
                          const msgpack_object *p, uint32_t np, nx_rpc_code_t *code, char **err)
{
    const char *name = m == M_ADD ? "add" : "delete";
    if (srv->read_only) {
        *code = NX_RPC_FORBIDDEN;
        nx_set_error(err, "%s: this daemon is read-only (--read-only or [daemon] read_only)",
                     name);
        return NULL;
    }
    if (!conn_may_write(c)) {
        *code = NX_RPC_FORBIDDEN;
        nx_set_error(err, "%s is not allowed for this user (see [daemon] writers)", name);
        return NULL;
    }
    if (np != 1 || p[0].type != MSGPACK_OBJECT_ARRAY) {
        nx_set_error(err, "%s takes one parameter, an array of %s", name,
                     m == M_ADD ? "article maps" : "ids");
        return NULL;
    }
    const msgpack_object_array *list = &p[0].via.array;
    job_t *j = job_new(m == M_ADD ? JOB_ADD : JOB_DELETE, c, msgid);
    if (j && !(m == M_ADD ? read_articles(j, list, err) : read_ids(j, list, err))) {
        job_free(j);
        return NULL;
    }
    return j;
}

/* Builds the job for a request; NULL with *err (and *code) when the
 * request is wrong. */
static job_t *build(const server_t *srv, struct conn *c, method_t m, uint32_t msgid,
                    const msgpack_object *params, nx_rpc_code_t *code, char **err)
{
    const msgpack_object *p = params->via.array.ptr;
    uint32_t np = params->via.array.size;
    *code = NX_RPC_BAD_REQUEST;
    switch (m) {
    case M_SEARCH:
    case M_QUOTES:
        return build_search(c, m, msgid, p, np, err);
    case M_SIMILAR:
        return build_similar(c, msgid, p, np, err);
    case M_GET: {
        if (np != 1) {
            nx_set_error(err, "get takes one parameter, an id");
            return NULL;
        }
        job_t *j = job_new(JOB_GET, c, msgid);
        if (j && !(j->id = nx_mp_text(&p[0], "id", err))) {
            job_free(j);
            return NULL;
        }
        return j;
    }
    case M_STATS:
        if (np != 0) {
            nx_set_error(err, "stats takes no parameters");
            return NULL;
        }
        return job_new(JOB_STATS, c, msgid);
    case M_ADD:
    case M_DELETE:
        return build_write(srv, c, m, msgid, p, np, code, err);
    default:
        return NULL;
    }
}

void dispatch_frame(worker_t *w, struct conn *c, const char *p, size_t n)
{
    server_t *srv = w->srv;
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    if (msgpack_unpack_next(&u, p, n, NULL) != MSGPACK_UNPACK_SUCCESS) {
        conn_reply_error(c, false, 0, NX_RPC_INTERNAL, "out of memory decoding the request");
        msgpack_unpacked_destroy(&u);
        return;
    }
    const msgpack_object *o = &u.data;
    uint64_t type = 99, id = 0;
    bool notify = false, have_id = false;
    const msgpack_object *mo = NULL, *params = NULL;
    char *err = NULL;

    if (o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size >= 1)
        nx_mp_uint(&o->via.array.ptr[0], &type);
    if (type == NX_RPC_REQUEST && o->via.array.size == 4) {
        have_id = nx_mp_uint(&o->via.array.ptr[1], &id) && id <= 0xffffffffu;
        mo = &o->via.array.ptr[2];
        params = &o->via.array.ptr[3];
    } else if (type == NX_RPC_NOTIFY && o->via.array.size == 3) {
        notify = true;
        mo = &o->via.array.ptr[1];
        params = &o->via.array.ptr[2];
    }
    if (!mo || (!notify && !have_id)) {
        conn_reply_error(c, have_id, (uint32_t)id, NX_RPC_BAD_REQUEST,
                         "expected a request [0, msgid, method, params] with a msgid "
                         "from 0 to 4294967295, or a notification [2, method, params]");
        goto out;
    }
    method_t m = method_of(mo);
    if (m == M_UNKNOWN) {
        if (!notify)
            conn_reply_error(c, true, (uint32_t)id, NX_RPC_BAD_REQUEST,
                             "unknown method (ping, search, similar, get, add, delete, stats, quotes)");
        goto out;
    }
    if (params->type != MSGPACK_OBJECT_ARRAY) {
        if (!notify)
            conn_reply_error(c, true, (uint32_t)id, NX_RPC_BAD_REQUEST, "params must be an array");
        goto out;
    }
    if (m == M_PING) {
        if (!notify) {
            nx_buf_t b;
            nx_buf_init(&b);
            msgpack_packer pk;
            nx_mp_packer_init(&pk, &b);
            nx_rpc_pack_response_ok(&pk, (uint32_t)id);
            nx_mp_pack_str(&pk, "pong");
            conn_reply(c, &b);
            nx_buf_free(&b);
            stats_request(&w->stats, 0, -1);
        }
        goto out;
    }
    nx_rpc_code_t code;
    job_t *j = build(srv, c, m, (uint32_t)id, params, &code, &err);
    if (!j) {
        if (!notify)
            conn_reply_error(c, true, (uint32_t)id, code, err ? err : "out of memory");
        goto out;
    }
    /* A notification has no reply but is in flight like a request, so
     * that the connection's limit on work in flight holds for it too. */
    j->notify = notify;
    conn_track(c);
    /* Writes are numbered in the order received, over all threads: the
     * writer applies them in that order. */
    if (j->kind == JOB_ADD || j->kind == JOB_DELETE)
        j->seq = atomic_fetch_add(&srv->write_seq, 1);
    /* Searches, fetches and stats run on this thread.  Additions go to
     * the extractor thread (speakers and places), then the writer;
     * deletions go to the writer at once. */
    if (j->kind == JOB_DELETE || j->kind == JOB_ADD) {
        w->inflight++;
        queue_push(j->kind == JOB_ADD ? &srv->extract_q : &srv->write_q, j);
    } else {
        worker_queue(w, j);
    }
out:
    free(err);
    msgpack_unpacked_destroy(&u);
}
