/* webfiles.c - the page's files, compiled into the daemon from web/
 * (web/embed.sh writes the table at build time): nothing is read from
 * disk when they are served, so no request can name a file outside
 * them. */
#include "config.h"

#include "http.h"

#include <event2/buffer.h>
#include <string.h>

static const char *type_of(const char *name)
{
    static const struct {
        const char *suffix, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".json", "application/json"},
        {".png", "image/png"},
        {".txt", "text/plain; charset=utf-8"},
    };
    for (size_t i = 0; i < NX_ARRAY_LEN(types); i++)
        if (nx_has_suffix(name, types[i].suffix))
            return types[i].type;
    return "application/octet-stream";
}

bool web_file_send(struct http_worker *hw, struct evhttp_request *req, const char *name)
{
    const web_file_t *f = NULL;
    for (size_t i = 0; i < nx_web_n_files && !f; i++)
        if (strcmp(nx_web_files[i].name, name) == 0)
            f = &nx_web_files[i];
    if (!f)
        return false;
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type", type_of(f->name));
    /* Always revalidated: a new daemon may bring a new page. */
    evhttp_add_header(h, "Cache-Control", "no-cache");
    evhttp_add_header(h, "ETag", f->etag);
    http_add_security_headers(req);
    const char *match = evhttp_find_header(evhttp_request_get_input_headers(req), "If-None-Match");
    http_answered(hw, req);
    if (match && strcmp(match, f->etag) == 0) {
        evhttp_send_reply(req, 304, "Not Modified", NULL);
        return true;
    }
    struct evbuffer *out = evbuffer_new();
    if (out)
        evbuffer_add_reference(out, f->data, f->len, NULL, NULL);
    evhttp_send_reply(req, 200, "OK", out);
    if (out)
        evbuffer_free(out);
    return true;
}
