/* httpwrite.c - writes over HTTP: POST /api/articles, allowed only when
 * [daemon] http_token_file names a token, and then only to requests
 * that carry it ("Authorization: Bearer TOKEN").  The file must belong
 * to the daemon's user and be readable by it alone, or the daemon does
 * not start: a token others can read is no secret. */
#include "config.h"

#include "http.h"

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Shortest token accepted: guessing it must be hopeless. */
#define MIN_TOKEN 16

char *http_token_load(const char *path, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        nx_set_error(err, "http_token_file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
        nx_set_error(err, "http_token_file %s must be a file of the daemon's user that no one "
                          "else may read or write (chmod 600)", path);
        close(fd);
        return NULL;
    }
    char buf[4097];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) {
        nx_set_error(err, "http_token_file %s: %s", path, strerror(errno));
        return NULL;
    }
    buf[n] = '\0';
    size_t len = (size_t)n;
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    if (len < MIN_TOKEN || strcspn(buf, " \t\r\n") != len) {
        nx_set_error(err, "http_token_file %s: the token must be one word of at least %d "
                          "characters", path, MIN_TOKEN);
        return NULL;
    }
    return nx_strdup(buf);
}

/* Compares in time that does not depend on where they differ. */
static bool same_secret(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char diff = na != nb;
    for (size_t i = 0; i < na; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (nb ? nb : 1)]);
    return diff == 0;
}

static bool authorised(server_t *srv, struct evhttp_request *req)
{
    const char *auth = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
        return false;
    return same_secret(auth + 7, srv->http_token);
}

/* The articles of a JSON body: an array of article objects (the JSON
 * Lines field names), or one object. */
static bool articles_of(const char *body, size_t len, job_t *j, char **err)
{
    json_error_t je;
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        nx_set_error(err, "the body is not JSON: %s (line %d, column %d)", je.text, je.line,
                     je.column);
        return false;
    }
    bool one = json_is_object(doc);
    if (!one && !json_is_array(doc)) {
        nx_set_error(err, "the body must be an array of articles or one article");
        json_decref(doc);
        return false;
    }
    size_t n = one ? 1 : json_array_size(doc);
    j->articles = calloc(n ? n : 1, sizeof *j->articles);
    bool ok = j->articles != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        json_t *o = one ? doc : json_array_get(doc, i);
        newsidx_article_t *a = newsidx_article_new();
        char *why = NULL;
        nx_strv_t notes = {0};
        if (!a || !nx_article_from_json(o, a, NX_FIELDS_INPUT, &why) ||
            !nx_article_finish(a, &why, &notes)) {
            nx_set_error(err, "article %zu: %s", i + 1, why ? why : "out of memory");
            free(why);
            nx_strv_free(&notes);
            newsidx_article_free(a);
            ok = false;
            break;
        }
        j->articles[j->n_articles++] = a;
        job_warn(j, i + 1, a, &notes);
    }
    json_decref(doc);
    return ok;
}

void http_api_add(struct http_worker *hw, struct evhttp_request *req, const char *query)
{
    worker_t *w = http_worker_of(hw);
    server_t *srv = w->srv;
    if (srv->read_only || !srv->http_token) {
        http_send_error(hw, req, NX_RPC_FORBIDDEN,
                        srv->read_only ? "add: this daemon is read-only"
                                       : "writes over HTTP are off (see [daemon] http_token_file)");
        return;
    }
    if (!authorised(srv, req)) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                          "Bearer realm=\"newsidx\"");
        http_send_error_status(hw, req, 401, NX_RPC_FORBIDDEN,
                               "add needs \"Authorization: Bearer TOKEN\" with the token of "
                               "[daemon] http_token_file");
        return;
    }
    if (query && *query) {
        http_send_error(hw, req, NX_RPC_BAD_REQUEST, "/api/articles takes no parameters");
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    const char *body = (const char *)evbuffer_pullup(in, -1);
    job_t *j = http_new_job(hw, req, JOB_ADD);
    char *err = NULL;
    if (!j)
        return;
    if (!articles_of(body ? body : "", len, j, &err)) {
        http_send_error(hw, req, NX_RPC_BAD_REQUEST, err);
        free(err);
        job_free(j);
        return;
    }
    /* In the order received, with the socket's writes. */
    j->seq = atomic_fetch_add(&srv->write_seq, 1);
    http_queue_job(hw, req, j);
}
