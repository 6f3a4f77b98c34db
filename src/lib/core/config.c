/* config.c - newsidx.conf(5): INI sections read with inih.
 *
 * Every key is listed in one table with its type and bounds, so that an
 * unknown key or a value out of range is an error naming file and line
 * rather than a silently ignored typo. */
#include "config.h"

#include "nx.h"
#include "settings.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void nx_config_init(newsidx_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->batch_bytes = UINT64_C(64) << 20;
    c->batch_seconds = 60;
    c->threads = 0;
    c->lock_timeout = 10;
    c->spelling = true;
    c->compact = -1;
    c->batch_docs = 2000;
    c->story_window = 3;
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

void nx_config_clear(newsidx_config_t *c)
{
    free(c->socket_group);
    free(c->pidfile);
    free(c->gazetteer);
    free(c->http);
    free(c->http_token_file);
    free(c->spool);
    nx_strv_free_array(c->writers, c->n_writers);
    nx_strv_free_array(c->shards, c->n_shards);
    nx_config_init(c);
}

enum kind { K_UINT, K_REAL, K_BYTES, K_SECONDS, K_MODE, K_STRING, K_LIST, K_BOOL, K_COMPACT, K_SHARD };

static const struct key {
    newsidx_config_key_t id;
    const char *section, *name;
    enum kind kind;
    size_t offset;
    double min, max;
} keys[] = {
#define K(id, s, n, k, f, lo, hi) \
    {NEWSIDX_CONFIG_##id, s, n, k, offsetof(newsidx_config_t, f), lo, hi}
    K(BATCH_DOCS, "index", "batch_docs", K_UINT, batch_docs, 1, 10000000),
    K(BATCH_BYTES, "index", "batch_bytes", K_BYTES, batch_bytes, 1 << 16, 1e12),
    K(BATCH_SECONDS, "index", "batch_seconds", K_SECONDS, batch_seconds, 0.01, 86400),
    K(THREADS, "index", "threads", K_UINT, threads, 0, 256),
    K(GAZETTEER, "index", "gazetteer", K_STRING, gazetteer, 0, 0),
    K(LOCK_TIMEOUT, "index", "lock_timeout", K_SECONDS, lock_timeout, 0, 86400),
    K(SPELLING, "index", "spelling", K_BOOL, spelling, 0, 1),
    K(COMPACT, "index", "compact", K_COMPACT, compact, 0, 0),
    K(STORY_WINDOW, "index", "story_window", K_UINT, story_window, 0, 3650),
    K(WEIGHT_BODY, "weights", "body", K_UINT, weight_body, 1, 100),
    K(WEIGHT_TITLE, "weights", "title", K_UINT, weight_title, 0, 100),
    K(WEIGHT_DATELINE, "weights", "dateline", K_UINT, weight_dateline, 0, 100),
    K(WEIGHT_SPEAKER, "weights", "speaker", K_UINT, weight_speaker, 0, 100),
    K(WEIGHT_LOCATION, "weights", "location", K_UINT, weight_location, 0, 100),
    K(WEIGHT_LEAD, "weights", "lead", K_UINT, weight_lead, 0, 100),
    K(BM25_K1, "weights", "bm25_k1", K_REAL, bm25_k1, 0, 100),
    K(BM25_B, "weights", "bm25_b", K_REAL, bm25_b, 0, 1),
    K(DEFAULT_LIMIT, "search", "default_limit", K_UINT, default_limit, 1, 100000),
    K(MAX_LIMIT, "search", "max_limit", K_UINT, max_limit, 1, 1000000),
    K(MAX_OFFSET, "search", "max_offset", K_UINT, max_offset, 0, 100000000),
    K(MAX_EXPANSION, "search", "max_expansion", K_UINT, max_expansion, 1, 10000000),
    K(MAX_QUERY_TERMS, "search", "max_query_terms", K_UINT, max_query_terms, 1, 1000000),
    K(TIME_LIMIT, "search", "time_limit", K_SECONDS, time_limit, 0, 3600),
    K(MAX_SEARCH_TIME, "search", "max_search_time", K_SECONDS, max_search_time, 0, 3600),
    K(SNIPPET_LENGTH, "search", "snippet_length", K_UINT, snippet_length, 20, 100000),
    K(RELAX_BELOW, "search", "relax_below", K_UINT, relax_below, 0, 1000000),
    K(EXACT_TOTAL, "search", "exact_total", K_UINT, exact_total, 0, 100000000),
    K(SOCKET_MODE, "daemon", "socket_mode", K_MODE, socket_mode, 0, 0777),
    K(SOCKET_GROUP, "daemon", "socket_group", K_STRING, socket_group, 0, 0),
    K(MAX_CONNECTIONS, "daemon", "max_connections", K_UINT, max_connections, 1, 1000000),
    K(IDLE_TIMEOUT, "daemon", "idle_timeout", K_SECONDS, idle_timeout, 0.1, 86400),
    K(MAX_CONNECTIONS_PER_USER, "daemon", "max_connections_per_user", K_UINT,
      max_connections_per_user, 0, 1000000),
    K(FIRST_REQUEST_TIMEOUT, "daemon", "first_request_timeout", K_SECONDS,
      first_request_timeout, 0.1, 86400),
    K(MAX_OUTPUT_TOTAL, "daemon", "max_output_total", K_BYTES, max_output_total, 1 << 16, 1e13),
    K(WORKERS, "daemon", "workers", K_UINT, workers, 0, 256),
    K(MAX_REQUEST, "daemon", "max_request", K_BYTES, max_request, 64, 1 << 30),
    K(MAX_DEPTH, "daemon", "max_depth", K_UINT, max_depth, 2, 64),
    K(MAX_OUTPUT, "daemon", "max_output", K_BYTES, max_output, 1 << 16, 1e12),
    K(COMMIT_INTERVAL, "daemon", "commit_interval", K_SECONDS, commit_interval, 0, 60),
    K(WRITERS, "daemon", "writers", K_LIST, writers, 0, 0),
    K(PIDFILE, "daemon", "pidfile", K_STRING, pidfile, 0, 0),
    K(READ_ONLY, "daemon", "read_only", K_BOOL, read_only, 0, 1),
    K(HTTP, "daemon", "http", K_STRING, http, 0, 0),
    K(HTTP_TOKEN_FILE, "daemon", "http_token_file", K_STRING, http_token_file, 0, 0),
    K(SPOOL, "daemon", "spool", K_STRING, spool, 0, 0),
    K(SHARDS, "shards", "shard", K_SHARD, shards, 0, 0),
    K(SHARD_TIMEOUT, "shards", "timeout", K_SECONDS, shard_timeout, 0.01, 3600),
    K(PARTIAL, "shards", "partial", K_BOOL, partial, 0, 1),
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

/* One setting into x->c; 0 with x->err set when it is refused. */
static int apply(struct ctx *x, const char *section, const char *name, const char *value)
{
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
    return apply(x, section, name, value);
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

newsidx_config_t *newsidx_config_new(void)
{
    newsidx_config_t *c = malloc(sizeof *c);
    if (c)
        nx_config_init(c);
    return c;
}

/* A copy of n strings, NULL for none; false when out of memory. */
static bool copy_strings(char ***dst, char *const *src, size_t n)
{
    *dst = NULL;
    if (!n)
        return true;
    *dst = nx_strv_copy_array(src, n);
    return *dst != NULL;
}

newsidx_config_t *newsidx_config_copy(const newsidx_config_t *config)
{
    newsidx_config_t *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *config;
    char **strings[] = {&c->socket_group, &c->pidfile, &c->gazetteer, &c->http,
                        &c->http_token_file, &c->spool};
    bool ok = true;
    for (size_t i = 0; i < NX_ARRAY_LEN(strings); i++)
        if (*strings[i] && !(*strings[i] = nx_strdup(*strings[i])))
            ok = false;
    if (!copy_strings(&c->writers, config->writers, config->n_writers))
        c->n_writers = 0, ok = false;
    if (!copy_strings(&c->shards, config->shards, config->n_shards))
        c->n_shards = 0, ok = false;
    if (!ok) {
        newsidx_config_free(c);
        return NULL;
    }
    return c;
}

void newsidx_config_free(newsidx_config_t *config)
{
    if (!config)
        return;
    nx_config_clear(config);
    free(config);
}

/* The size of a field of a key of this kind. */
static size_t field_size(enum kind kind)
{
    switch (kind) {
    case K_UINT:
    case K_MODE: return sizeof(unsigned);
    case K_BYTES: return sizeof(uint64_t);
    case K_REAL:
    case K_SECONDS: return sizeof(double);
    case K_BOOL: return sizeof(bool);
    case K_COMPACT: return sizeof(int);
    default: return 0;
    }
}

/* The key back to its default. */
static void reset_key(newsidx_config_t *c, const struct key *k)
{
    void *field = (char *)c + k->offset;
    switch (k->kind) {
    case K_STRING:
        free(*(char **)field);
        *(char **)field = NULL;
        break;
    case K_LIST:
        nx_strv_free_array(c->writers, c->n_writers);
        c->writers = NULL;
        c->n_writers = 0;
        break;
    case K_SHARD:
        nx_strv_free_array(c->shards, c->n_shards);
        c->shards = NULL;
        c->n_shards = 0;
        break;
    default: {
        newsidx_config_t defaults;
        nx_config_init(&defaults);
        memcpy(field, (const char *)&defaults + k->offset, field_size(k->kind));
    }
    }
}

newsidx_status_t newsidx_config_set(newsidx_config_t *config, const char *section,
                                    const char *key, const char *value, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!config || !section || !key) {
        nx_set_error(errmsg, "no config, section or key");
        return NEWSIDX_ERR_ARG;
    }
    if (!value) {
        const struct key *k = find_key(section, key);
        if (!k) {
            nx_set_error(errmsg, "unknown setting '%s' in section [%s]", key, section);
            return NEWSIDX_ERR_ARG;
        }
        reset_key(config, k);
        return NEWSIDX_OK;
    }
    struct ctx x = {.c = config, .path = NULL};
    if (apply(&x, section, key, value))
        return NEWSIDX_OK;
    if (errmsg)
        *errmsg = x.err;
    else
        free(x.err);
    return x.err && strcmp(x.err, "out of memory") == 0 ? NEWSIDX_ERR_NOMEM : NEWSIDX_ERR_ARG;
}

/* The key of id if it is of one of the kinds (up to three), else NULL. */
static const struct key *key_of(newsidx_config_key_t id, enum kind a, enum kind b, enum kind c)
{
    for (size_t i = 0; i < NX_ARRAY_LEN(keys); i++)
        if (keys[i].id == id)
            return keys[i].kind == a || keys[i].kind == b || keys[i].kind == c ? &keys[i]
                                                                                : NULL;
    return NULL;
}

uint64_t newsidx_config_get_uint(const newsidx_config_t *config, newsidx_config_key_t key)
{
    const struct key *k = key_of(key, K_UINT, K_MODE, K_BYTES);
    if (!config || !k)
        return 0;
    const void *field = (const char *)config + k->offset;
    return k->kind == K_BYTES ? *(const uint64_t *)field : *(const unsigned *)field;
}

double newsidx_config_get_double(const newsidx_config_t *config, newsidx_config_key_t key)
{
    const struct key *k = key_of(key, K_REAL, K_SECONDS, K_SECONDS);
    return config && k ? *(const double *)((const char *)config + k->offset) : 0;
}

bool newsidx_config_get_bool(const newsidx_config_t *config, newsidx_config_key_t key)
{
    const struct key *k = key_of(key, K_BOOL, K_BOOL, K_BOOL);
    return config && k ? *(const bool *)((const char *)config + k->offset) : false;
}

const char *newsidx_config_get_string(const newsidx_config_t *config, newsidx_config_key_t key)
{
    const struct key *k = key_of(key, K_STRING, K_COMPACT, K_COMPACT);
    if (!config || !k)
        return NULL;
    if (k->kind == K_COMPACT)
        return config->compact < 0 ? "auto" : config->compact ? "always" : "never";
    return *(char *const *)((const char *)config + k->offset);
}

size_t newsidx_config_get_list(const newsidx_config_t *config, newsidx_config_key_t key,
                               const char *const **items)
{
    const struct key *k = key_of(key, K_LIST, K_SHARD, K_SHARD);
    if (items)
        *items = NULL;
    if (!config || !k)
        return 0;
    bool shards = k->kind == K_SHARD;
    if (items)
        *items = (const char *const *)(shards ? config->shards : config->writers);
    return shards ? config->n_shards : config->n_writers;
}
