/* http.h - the parts of the HTTP side (http.c, httpapi.c, webfiles.c)
 * that see each other.  newsidxd.h has what the rest of the daemon
 * calls. */
#ifndef NEWSIDXD_HTTP_H
#define NEWSIDXD_HTTP_H

#include "newsidxd.h"

#include <event2/http.h>

struct http_worker;

/* ---- http.c ---- */
worker_t *http_worker_of(const struct http_worker *hw);
/* Content-Security-Policy and the other headers every answer carries. */
void http_add_security_headers(struct evhttp_request *req);
/* The connection of req has a job running for it / had it answered. */
void http_busy(struct http_worker *hw, struct evhttp_request *req);
void http_answered(struct http_worker *hw, struct evhttp_request *req);

/* ---- httpapi.c ---- */
/* Answers a request: the API, or one of the page's files. */
void http_route(struct http_worker *hw, struct evhttp_request *req);
/* {"error": {"code", "message"}} with the HTTP status of the code. */
void http_send_error(struct http_worker *hw, struct evhttp_request *req, nx_rpc_code_t code,
                     const char *message);
/* The same with a status of the caller's choice (401, 405, 501). */
void http_send_error_status(struct http_worker *hw, struct evhttp_request *req, int status,
                            nx_rpc_code_t code, const char *message);
/* A job answered over HTTP (j->http set; NULL and the request answered
 * with an error when out of memory), and its queueing on the thread. */
job_t *http_new_job(struct http_worker *hw, struct evhttp_request *req, job_kind_t kind);
void http_queue_job(struct http_worker *hw, struct evhttp_request *req, job_t *j);

/* ---- httpwrite.c ---- */
/* POST /api/articles. */
void http_api_add(struct http_worker *hw, struct evhttp_request *req, const char *query);

/* ---- webfiles.c and the generated table of the page's files ---- */
typedef struct web_file {
    const char *name;           /* "index.html", "app.js" */
    const unsigned char *data;
    size_t len;
    const char *etag;           /* a checksum of the contents, quoted */
} web_file_t;

extern const web_file_t nx_web_files[];
extern const size_t nx_web_n_files;

/* Answers GET or HEAD of a file of the page; false when there is no
 * such file (nothing sent). */
bool web_file_send(struct http_worker *hw, struct evhttp_request *req, const char *name);

#endif
