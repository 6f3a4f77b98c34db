/* httpbench - search latency over newsidxd's HTTP API, as nxbench
 * measures it over the socket, so that the two compare:
 *
 *   httpbench --http HOST:PORT QUERIES [--connections N] [--repeat R]
 *
 * Each connection (a thread) sends GET /api/search?q=QUERY&limit=10 for
 * every line of QUERIES in turn, R times, on one kept-alive HTTP/1.1
 * connection, reads the whole answer and decodes its JSON (as a client
 * of the page would), counting the hits.  The clock runs from before
 * the request is written to after the answer is decoded.  Prints one
 * line as nxbench does: mode=http connections= queries= hits= p50_us=
 * p99_us= qps=. */
#include "config.h"

#include "loadrun.h"

#include "nx.h"

#include <getopt.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct bench {
    const char *host, *port;
    char **paths;               /* the request path of each query */
    size_t n_queries;
    unsigned repeat;
} bench_t;

typedef load_thread_t worker_t;

static int dial(const bench_t *b)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (getaddrinfo(b->host, b->port, &hints, &ai) != 0 || !ai)
        return -1;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Reads one answer into buf: its status, and its body at *body. */
static int read_answer(int fd, nx_buf_t *buf, const char **body, size_t *body_len)
{
    nx_buf_reset(buf);
    size_t head = 0, want = 0;
    for (;;) {
        if (!nx_buf_reserve(buf, 65536))
            return -1;
        ssize_t n = recv(fd, buf->data + buf->len, 65536, 0);
        if (n <= 0)
            return -1;
        buf->len += (size_t)n;
        buf->data[buf->len] = '\0';
        if (!head) {
            char *end = strstr(buf->data, "\r\n\r\n");
            if (!end)
                continue;
            head = (size_t)(end - buf->data) + 4;
            const char *cl = strcasestr(buf->data, "\r\nContent-Length:");
            if (!cl || cl > end)
                return -1;
            want = head + strtoul(cl + 17, NULL, 10);
        }
        if (buf->len >= want)
            break;
    }
    *body = buf->data + head;
    *body_len = want - head;
    return atoi(buf->data + 9);
}

static void *run(void *arg)
{
    worker_t *w = arg;
    const bench_t *b = w->b;
    int fd = dial(b);
    if (fd < 0) {
        fprintf(stderr, "httpbench: cannot connect to %s:%s\n", b->host, b->port);
        w->failed = 1;
        return NULL;
    }
    nx_buf_t buf;
    nx_buf_init(&buf);
    w->lat = calloc((size_t)b->repeat * b->n_queries, sizeof *w->lat);
    for (unsigned r = 0; r < b->repeat && w->lat && !w->failed; r++) {
        for (size_t i = 0; i < b->n_queries; i++) {
            const char *path = b->paths[(i + w->index * 7) % b->n_queries];
            char req[8192];
            int len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, b->host);
            double t0 = nx_now();
            const char *body;
            size_t body_len;
            int status = -1;
            if (len > 0 && (size_t)len < sizeof req && send(fd, req, (size_t)len, MSG_NOSIGNAL) == len)
                status = read_answer(fd, &buf, &body, &body_len);
            json_t *doc = status == 200 ? json_loadb(body, body_len, 0, NULL) : NULL;
            if (!doc) {
                fprintf(stderr, "httpbench: %s: HTTP %d\n", path, status);
                w->failed = 1;
                break;
            }
            w->hits += json_array_size(json_object_get(doc, "hits"));
            json_decref(doc);
            w->lat[w->n_lat++] = (nx_now() - t0) * 1e6;
        }
    }
    nx_buf_free(&buf);
    close(fd);
    return NULL;
}

/* "/api/search?q=...&limit=10", the query percent-encoded. */
static char *path_of(const char *q)
{
    nx_buf_t p;
    nx_buf_init(&p);
    nx_buf_adds(&p, "/api/search?limit=10&q=");
    for (const unsigned char *s = (const unsigned char *)q; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            strchr("-_.~", *s))
            nx_buf_addc(&p, (char)*s);
        else
            nx_buf_addf(&p, "%%%02X", *s);
    }
    return nx_buf_steal(&p);
}

int main(int argc, char **argv)
{
    bench_t b = {.repeat = 5};
    unsigned conns = 1;
    const char *addr = NULL;
    static const struct option opts[] = {
        {"http", required_argument, NULL, 'h'},
        {"connections", required_argument, NULL, 'c'},
        {"repeat", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'h': addr = optarg; break;
        case 'c': conns = (unsigned)atoi(optarg); break;
        case 'r': b.repeat = (unsigned)atoi(optarg); break;
        default: return 2;
        }
    }
    if (!addr || optind != argc - 1 || !conns || !b.repeat || !strrchr(addr, ':')) {
        fputs("usage: httpbench --http HOST:PORT [--connections N] [--repeat R] QUERIES\n", stderr);
        return 2;
    }
    char *host = nx_strdup(addr);
    char *colon = strrchr(host, ':');
    *colon = '\0';
    b.host = host;
    b.port = colon + 1;
    FILE *f = fopen(argv[optind], "r");
    if (!f) {
        perror(argv[optind]);
        return 1;
    }
    nx_strv_t paths = {0};
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            nx_strv_take(&paths, path_of(line));
    }
    fclose(f);
    b.paths = paths.v;
    b.n_queries = paths.n;
    load_result_t res;
    load_run(conns, &b, run, &res);
    printf("mode=http connections=%u queries=%zu hits=%llu p50_us=%.1f p99_us=%.1f qps=%.1f\n",
           conns, res.requests, (unsigned long long)res.hits, res.p50_us, res.p99_us, res.qps);
    int failed = res.failed;
    nx_strv_free(&paths);
    free(host);
    return failed;
}
