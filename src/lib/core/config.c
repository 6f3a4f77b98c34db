/* config.c - newsidx.conf(5): INI sections read with inih.
 *
 * Every key is listed in one table with its type and bounds, so that an
 * unknown key or a value out of range is an error naming file and line
 * rather than a silently ignored typo. */
#include "config.h"

#include "nx.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void newsidx_config_init(newsidx_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->batch_bytes = UINT64_C(64) << 20;
    c->batch_seconds = 60;
    c->threads = 0;
    c->lock_timeout = 10;
    c->spelling = true;
    c->compact = -1;
    c->batch_docs = 2000;
    c->weight_body = 1;
    c->weight_title = 3;
    c->weight_dateline = 1;
    c->weight_speaker = 2;
    c->weight_location = 1;
    c->weight_lead = 2;
    c->bm25_k1 = 1.0;           /* Xapian's BM25Weight defaults */
    c->bm25_b = 0.5;
    c->default_limit = 10;
    c->max_limit = 1000;
    c->max_offset = 100000;
    c->max_expansion = 1000;
    c->max_query_terms = 1000;
    c->time_limit = 2.0;
    c->max_search_time = 10.0;
    c->snippet_length = 200;
    c->relax_below = 50;
    c->exact_total = 10000;
    c->socket_mode = 0600;
    c->max_connections = 512;
    c->idle_timeout = 300;
    c->max_connections_per_user = 0;    /* a quarter of max_connections */
    c->first_request_timeout = 30;
    c->max_output_total = UINT64_C(256) << 20;
    c->workers = 0;
    c->max_request = UINT64_C(1) << 20;
    c->max_depth = 16;
    c->max_output = UINT64_C(16) << 20;
    c->commit_interval = 0.05;
    c->shard_timeout = 5;
}

void newsidx_config_clear(newsidx_config_t *c)
{
    free(c->socket_group);
    free(c->pidfile);
    free(c->gazetteer);
    free(c->http);
    free(c->http_token_file);
    free(c->spool);
    nx_strv_free_array(c->writers, c->n_writers);
    nx_strv_free_array(c->shards, c->n_shards);
    newsidx_config_init(c);
}

enum kind { K_UINT, K_REAL, K_BYTES, K_SECONDS, K_MODE, K_STRING, K_LIST, K_BOOL, K_COMPACT, K_SHARD };

static const struct key {
    const char *section, *name;
    enum kind kind;
    size_t offset;
    double min, max;
} keys[] = {
#define K(s, n, k, f, lo, hi) {s, n, k, offsetof(newsidx_config_t, f), lo, hi}
    K("index", "batch_docs", K_UINT, batch_docs, 1, 10000000),
    K("index", "batch_bytes", K_BYTES, batch_bytes, 1 << 16, 1e12),
    K("index", "batch_seconds", K_SECONDS, batch_seconds, 0.01, 86400),
    K("index", "threads", K_UINT, threads, 0, 256),
    K("index", "gazetteer", K_STRING, gazetteer, 0, 0),
    K("index", "lock_timeout", K_SECONDS, lock_timeout, 0, 86400),
    K("index", "spelling", K_BOOL, spelling, 0, 1),
    K("index", "compact", K_COMPACT, compact, 0, 0),
    K("weights", "body", K_UINT, weight_body, 1, 100),
    K("weights", "title", K_UINT, weight_title, 0, 100),
    K("weights", "dateline", K_UINT, weight_dateline, 0, 100),
    K("weights", "speaker", K_UINT, weight_speaker, 0, 100),
    K("weights", "location", K_UINT, weight_location, 0, 100),
    K("weights", "lead", K_UINT, weight_lead, 0, 100),
    K("weights", "bm25_k1", K_REAL, bm25_k1, 0, 100),
    K("weights", "bm25_b", K_REAL, bm25_b, 0, 1),
    K("search", "default_limit", K_UINT, default_limit, 1, 100000),
    K("search", "max_limit", K_UINT, max_limit, 1, 1000000),
    K("search", "max_offset", K_UINT, max_offset, 0, 100000000),
    K("search", "max_expansion", K_UINT, max_expansion, 1, 10000000),
    K("search", "max_query_terms", K_UINT, max_query_terms, 1, 1000000),
    K("search", "time_limit", K_SECONDS, time_limit, 0, 3600),
    K("search", "max_search_time", K_SECONDS, max_search_time, 0, 3600),
    K("search", "snippet_length", K_UINT, snippet_length, 20, 100000),
    K("search", "relax_below", K_UINT, relax_below, 0, 1000000),
    K("search", "exact_total", K_UINT, exact_total, 0, 100000000),
    K("daemon", "socket_mode", K_MODE, socket_mode, 0, 0777),
    K("daemon", "socket_group", K_STRING, socket_group, 0, 0),
    K("daemon", "max_connections", K_UINT, max_connections, 1, 1000000),
    K("daemon", "idle_timeout", K_SECONDS, idle_timeout, 0.1, 86400),
    K("daemon", "max_connections_per_user", K_UINT, max_connections_per_user, 0, 1000000),
    K("daemon", "first_request_timeout", K_SECONDS, first_request_timeout, 0.1, 86400),
    K("daemon", "max_output_total", K_BYTES, max_output_total, 1 << 16, 1e13),
    K("daemon", "workers", K_UINT, workers, 0, 256),
    K("daemon", "max_request", K_BYTES, max_request, 64, 1 << 30),
    K("daemon", "max_depth", K_UINT, max_depth, 2, 64),
    K("daemon", "max_output", K_BYTES, max_output, 1 << 16, 1e12),
    K("daemon", "commit_interval", K_SECONDS, commit_interval, 0, 60),
    K("daemon", "writers", K_LIST, writers, 0, 0),
    K("daemon", "pidfile", K_STRING, pidfile, 0, 0),
    K("daemon", "read_only", K_BOOL, read_only, 0, 1),
    K("daemon", "http", K_STRING, http, 0, 0),
    K("daemon", "http_token_file", K_STRING, http_token_file, 0, 0),
    K("daemon", "spool", K_STRING, spool, 0, 0),
    K("shards", "shard", K_SHARD, shards, 0, 0),
    K("shards", "timeout", K_SECONDS, shard_timeout, 0.01, 3600),
    K("shards", "partial", K_BOOL, partial, 0, 1),
#undef K
};

struct ctx {
    newsidx_config_t *c;
    const char *path;
    char *err;
    int err_line;
    int line;
};

/* "64M", "1G", "4096": bytes with an optional binary unit. */
static bool parse_bytes(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || errno || d < 0)
        return false;
    while (*end == ' ')
        end++;
    switch (toupper((unsigned char)*end)) {
    case 'K': d *= 1024; end++; break;
    case 'M': d *= 1024 * 1024; end++; break;
    case 'G': d *= 1024.0 * 1024 * 1024; end++; break;
    case '\0': break;
    default: return false;
    }
    if (toupper((unsigned char)*end) == 'I')
        end++;
    if (toupper((unsigned char)*end) == 'B')
        end++;
    *out = d;
    return *end == '\0';
}

/* "30", "2.5s", "500ms", "5m". */
static bool parse_seconds(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || errno || d < 0 || !isfinite(d))
        return false;
    while (*end == ' ')
        end++;
    if (strcmp(end, "ms") == 0)
        d /= 1000;
    else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
        d *= 60;
    else if (*end && strcmp(end, "s") != 0)
        return false;
    *out = d;
    return true;
}

/* The key of section and name, or NULL (names are case-insensitive). */
static const struct key *find_key(const char *section, const char *name)
{
    const struct key *k = NULL;
    for (size_t i = 0; i < NX_ARRAY_LEN(keys); i++)
        if (strcasecmp(keys[i].section, section) == 0 && strcasecmp(keys[i].name, name) == 0)
            k = &keys[i];
    return k;
}

/* A number of the key's kind: false when value is none. */
static bool parse_number(enum kind kind, const char *value, double *d)
{
    char *end;
    switch (kind) {
    case K_UINT: {
        errno = 0;
        unsigned long v = strtoul(value, &end, 10);
        *d = (double)v;
        return end != value && *end == '\0' && !errno && value[0] != '-';
    }
    case K_REAL:
        errno = 0;
        *d = strtod(value, &end);
        return end != value && *end == '\0' && !errno;
    case K_BYTES: return parse_bytes(value, d);
    case K_SECONDS: return parse_seconds(value, d);
    case K_MODE: {
        unsigned long v = strtoul(value, &end, 8);
        *d = (double)v;
        return end != value && *end == '\0';
    }
    default: return false;
    }
}

/* A numeric setting, checked against the key's bounds. */
static int set_number(struct ctx *x, const struct key *k, void *field, const char *name,
                      const char *value)
{
    double d = 0;
    if (!parse_number(k->kind, value, &d)) {
        x->err = nx_printf("bad value '%s' for %s", value, name);
        return 0;
    }
    if (d < k->min || d > k->max) {
        x->err = nx_printf("%s = %s is out of range (%g to %g)", name, value, k->min, k->max);
        return 0;
    }
    switch (k->kind) {
    case K_UINT:
    case K_MODE: *(unsigned *)field = (unsigned)d; break;
    case K_BYTES: *(uint64_t *)field = (uint64_t)d; break;
    case K_REAL:
    case K_SECONDS: *(double *)field = d; break;
    default: break;
    }
    return 1;
}

/* The index of value among the words of one choice (NULL-terminated),
 * or -1. */
static int choice_of(const char *value, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (strcasecmp(value, words[i]) == 0)
            return i;
    return -1;
}

/* A setting of named choices: true/false, or compact's three. */
static int set_choice(struct ctx *x, const struct key *k, void *field, const char *name,
                      const char *value)
{
    static const char *const truths[] = {"true", "yes", "1", "on", NULL};
    static const char *const untruths[] = {"false", "no", "0", "off", NULL};
    static const char *const compacts[] = {"auto", "always", "never", NULL};
    static const int compact_values[] = {-1, 1, 0};
    if (k->kind == K_BOOL) {
        if (choice_of(value, truths) >= 0) {
            *(bool *)field = true;
        } else if (choice_of(value, untruths) >= 0) {
            *(bool *)field = false;
        } else {
            x->err = nx_printf("%s wants true or false, not '%s'", name, value);
            return 0;
        }
        return 1;
    }
    int i = choice_of(value, compacts);
    if (i < 0) {
        x->err = nx_printf("compact wants auto, always or never, not '%s'", value);
        return 0;
    }
    *(int *)field = compact_values[i];
    return 1;
}

/* One more "shard =" line: one per shard, in order (the order places
 * articles, so it must not change once articles are added). */
static int add_shard(struct ctx *x, char ***v, const char *value)
{
    size_t *n = &x->c->n_shards;
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv || !(nv[*n] = nx_strdup(value))) {
        if (nv)
            *v = nv;
        x->err = nx_strdup("out of memory");
        return 0;
    }
    *v = nv;
    (*n)++;
    return 1;
}

/* writers = a list of names, by spaces or commas; it replaces any
 * earlier list. */
static int set_list(struct ctx *x, char ***v, const char *value)
{
    size_t *n = &x->c->n_writers;
    nx_strv_free_array(*v, *n);
    *v = NULL;
    *n = 0;
    nx_strv_t l = {0};
    char *copy = nx_strdup(value), *save = NULL;
    for (char *t = strtok_r(copy, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save))
        nx_strv_push(&l, t);
    free(copy);
    *v = l.v;
    *n = l.n;
    return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value
#if INI_HANDLER_LINENO
                   , int lineno
#endif
)
{
    struct ctx *x = user;
#if INI_HANDLER_LINENO
    x->line = lineno;
#endif
    if (x->err)
        return 1;                       /* keep the first error only */
    const struct key *k = find_key(section, name);
    if (!k) {
        x->err = nx_printf("unknown setting '%s' in section [%s]", name, section);
        return 0;
    }
    void *field = (char *)x->c + k->offset;
    switch (k->kind) {
    case K_BOOL:
    case K_COMPACT: return set_choice(x, k, field, name, value);
    case K_SHARD: return add_shard(x, field, value);
    case K_LIST: return set_list(x, field, value);
    case K_STRING: {
        char **str = field;
        free(*str);
        *str = *value ? nx_strdup(value) : NULL;
        return 1;
    }
    default: return set_number(x, k, field, name, value);
    }
}

newsidx_status_t newsidx_config_load(newsidx_config_t *c, const char *path, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        nx_set_error(errmsg, "%s: %s", path, strerror(errno));
        return NEWSIDX_ERR_IO;
    }
    struct ctx x = {.c = c, .path = path};
    errno = 0;
    int line = ini_parse_file(fp, handler, &x);
    /* A directory opens, then fails to read: it is not an empty file. */
    int read_error = ferror(fp) ? (errno ? errno : EIO) : 0;
    fclose(fp);
    if (read_error && !x.err) {
        nx_set_error(errmsg, "%s: cannot read it: %s", path, strerror(read_error));
        return NEWSIDX_ERR_IO;
    }
    if (x.err || line != 0) {
        nx_set_error(errmsg, "%s:%d: %s", path, line > 0 ? line : x.line,
                     x.err ? x.err : "syntax error (expected [section] or name = value)");
        free(x.err);
        return NEWSIDX_ERR_INPUT;
    }
    return NEWSIDX_OK;
}
