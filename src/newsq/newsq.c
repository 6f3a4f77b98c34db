/* newsq.c - the command-line client: search, human or JSON output.
 *
 * Asks the daemon when one answers on the socket, else searches the
 * database directly; both answers go through the same output layer. */
#include "config.h"

#include "client.h"
#include "nx.h"
#include "output.h"
#include "rpc.h"

#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_NONE = 1, EXIT_USAGE = 2, EXIT_FAIL = 3 };

/* How long newsq waits for the daemon's answer, in seconds: the daemon
 * bounds each search itself ([search] max_search_time), this only ends
 * the wait for a daemon that stopped answering. */
#define DAEMON_TIMEOUT_SECONDS 120

static void usage(FILE *fp)
{
    fputs("usage: newsq [--socket PATH | --db PATH] [--json] [--limit N] [--offset N]\n"
          "             [--sort relevance|date] [--since DATE] [--until DATE]\n"
          "             [--speaker NAME] [--location NAME] [--lang CODE] [--facets]\n"
          "             [--explain] [--partial] [--histogram] [--count] [--strict]\n"
          "             [--all-versions] [--facets-by-kind]\n"
          "             [--like ID | --quotes QUERY | QUERY...]\n"
          "\n"
          "QUERY: words (all must match), \"phrases\", OR, NOT, -word, wild*,\n"
          "title:, dateline:, speaker:, location:, byline:, url:, subject:, lang:, quote:,\n"
          "date:2025-02-01..2025-02-28.\n"
          "--quotes lists quotations: words and speaker: are the quotation's.\n"
          "See newsq(1).\n",
          fp);
}

static bool parse_uint(const char *s, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end || s[0] == '-' || v > UINT_MAX)
        return false;
    *out = (unsigned)v;
    return true;
}

/* Whether errors are also told on stdout as JSON (--json).  Set once,
 * when the options have been read. */
static bool json_errors;

/* An error: "newsq: MESSAGE" on stderr and, under --json, one object
 * {"error": {"code": ..., "message": ...}} on stdout, the form of the
 * daemon's protocol and HTTP API, so that a program reading the JSON
 * learns why there is no answer instead of reading nothing. */
static void report(nx_rpc_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report(nx_rpc_code_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    fprintf(stderr, "newsq: %s\n", msg ? msg : "out of memory");
    if (json_errors) {
        json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", nx_rpc_code_name(code),
                              "message", msg ? msg : "out of memory");
        if (j)
            nx_print_json(stdout, j);
        json_decref(j);
    }
    free(msg);
}

/* A failed search or open: its status as the protocol's code. */
static void report_status(newsidx_status_t st, const char *err)
{
    report(nx_rpc_code_of(st), "%s", err ? err : newsidx_status_to_string(st));
}

/* Prints a query error; when it names a column, points at it.  A
 * date of --since/--until is an option's error, not the query's. */
static void query_error(const char *query, const char *msg)
{
    if (strncmp(msg, "--", 2) == 0) {
        report(NX_RPC_BAD_REQUEST, "%s", msg);
        return;
    }
    report(NX_RPC_BAD_REQUEST, "query syntax error %s", msg);
    static const char column[] = "at column ";
    const char *col = strstr(msg, column);
    if (query && col) {
        long n = strtol(col + strlen(column), NULL, 10);
        if (n > 0 && (size_t)n <= strlen(query) + 1)
            fprintf(stderr, "  %s\n  %*s^\n", query, (int)n - 1, "");
    }
}

/* "no articles match 'q'", and the options that narrowed the search:
 * the query alone may match plenty. */
static void no_match(const char *query, const newsidx_search_t *req)
{
    const char *since, *until;
    newsidx_search_get_dates(req, &since, &until);
    fputs("newsq: no articles match", stderr);
    if (*query)
        fprintf(stderr, " '%s'", query);
    const char *sep = *query ? " with" : "";
    const struct { const char *opt, *value; } filters[] = {
        {"--since", since}, {"--until", until},
        {"--speaker", newsidx_search_get_speaker(req)},
        {"--location", newsidx_search_get_location(req)},
    };
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        if (filters[i].value) {
            fprintf(stderr, "%s %s %s", sep, filters[i].opt, filters[i].value);
            sep = "";
        }
    fputc('\n', stderr);
}

static void pack_search(msgpack_packer *pk, const void *arg)
{
    msgpack_pack_array(pk, 1);
    nx_mp_pack_search(pk, arg);
}

/* similar's parameters: the id, and a request of the page and the
 * highlight alone. */
typedef struct similar_params {
    const char *id;
    newsidx_search_t *options;
} similar_params_t;

static void pack_similar(msgpack_packer *pk, const void *arg)
{
    const similar_params_t *p = arg;
    msgpack_pack_array(pk, 2);
    nx_mp_pack_str(pk, p->id);
    nx_mp_pack_search(pk, p->options);
}

/* similar through the daemon. */
static newsidx_status_t ask_similar(nx_client_t *cl, const newsidx_search_t *req,
                                    const msgpack_object **res, char **err)
{
    similar_params_t p = {newsidx_search_get_like(req), newsidx_search_new()};
    unsigned offset, limit;
    const char *open, *close;
    newsidx_search_get_page(req, &offset, &limit);
    newsidx_search_get_highlight(req, &open, &close);
    newsidx_status_t st = p.options ? newsidx_search_set_highlight(p.options, open, close)
                                    : NEWSIDX_ERR_NOMEM;
    if (st == NEWSIDX_OK) {
        newsidx_search_set_page(p.options, offset, limit);
        st = nx_client_call(cl, "similar", pack_similar, &p, res, err);
    } else {
        nx_set_error(err, "out of memory");
    }
    newsidx_search_free(p.options);
    return st;
}

/* Whether the daemon refused a query for having no words and no filter
 * (the library's one NEWSIDX_ERR_ARG of a search). */
static bool empty_query_error(const char *err)
{
    static const char empty[] = "empty query";
    return err && strncmp(err, empty, strlen(empty)) == 0;
}

/* The same search through the daemon; its answer decoded into the
 * structure a direct search returns, for the same output. */
static newsidx_status_t ask_daemon(nx_client_t *cl, const newsidx_search_t *req,
                                   newsidx_results_t **out, char **err)
{
    const msgpack_object *res;
    newsidx_status_t st = newsidx_search_get_like(req)
                              ? ask_similar(cl, req, &res, err)
                              : nx_client_call(cl, "search", pack_search, req, &res, err);
    /* The protocol has one bad_request for the library's ERR_ARG and
     * ERR_QUERY.  The request built here is well-formed, so what the
     * daemon refuses is the query or a date given: a query error, shown
     * as a direct search shows it, but for the library's one ERR_ARG of
     * a search, a query with no words and no filter. */
    if (st == NEWSIDX_ERR_ARG && !empty_query_error(*err))
        return NEWSIDX_ERR_QUERY;
    if (st != NEWSIDX_OK)
        return st == NEWSIDX_ERR_UNAVAILABLE ? NEWSIDX_ERR_INTERNAL : st;
    char *why = NULL;
    if (!(*out = nx_mp_read_results(res, &why))) {
        nx_set_error(err, "the daemon's answer could not be read: %s", why ? why : "out of memory");
        free(why);
        return NEWSIDX_ERR_INTERNAL;
    }
    return NEWSIDX_OK;
}

/* --quotes through the daemon, or NEWSIDX_ERR_UNAVAILABLE when none
 * answers (and --socket was not given). */
static newsidx_status_t quotes_from_daemon(const char *socket_path, const newsidx_search_t *req,
                                           newsidx_quotes_t **out, char **err)
{
    char *sock = socket_path ? nx_strdup(socket_path) : nx_default_socket_path();
    nx_client_t *cl = NULL;
    newsidx_status_t st = nx_client_connect(sock, DAEMON_TIMEOUT_SECONDS, &cl, err);
    free(sock);
    if (st != NEWSIDX_OK) {
        if (!socket_path) {
            free(*err);
            *err = NULL;
            return NEWSIDX_ERR_UNAVAILABLE;
        }
        return NEWSIDX_ERR_IO;
    }
    const msgpack_object *res;
    st = nx_client_call(cl, "quotes", pack_search, req, &res, err);
    if (st == NEWSIDX_ERR_ARG && !empty_query_error(*err) &&
        !(*err && strstr(*err, "does not take")))
        st = NEWSIDX_ERR_QUERY;
    else if (st == NEWSIDX_ERR_UNAVAILABLE)
        st = NEWSIDX_ERR_INTERNAL;
    if (st == NEWSIDX_OK) {
        char *why = NULL;
        if (!(*out = nx_mp_read_quotes(res, &why))) {
            nx_set_error(err, "the daemon's answer could not be read: %s",
                         why ? why : "out of memory");
            free(why);
            st = NEWSIDX_ERR_INTERNAL;
        }
    }
    nx_client_close(cl);
    return st;
}

/* Whether the configuration lists [shards] (searched without --db). */
static bool has_shards(const newsidx_config_t *cfg)
{
    return newsidx_config_get_list(cfg, NEWSIDX_CONFIG_SHARDS, NULL) > 0;
}

/* newsq --quotes: quotations instead of articles. */
static int run_quotes(const char *db_path, const char *socket_path, const newsidx_config_t *cfg,
                      const newsidx_search_t *req, bool json, bool color)
{
    newsidx_quotes_t *r = NULL;
    char *err = NULL, *path = NULL;
    newsidx_db_t *db = NULL;
    newsidx_status_t st = NEWSIDX_ERR_UNAVAILABLE;
    int rc = EXIT_OK;
    if (!db_path)
        st = quotes_from_daemon(socket_path, req, &r, &err);
    if (st == NEWSIDX_ERR_UNAVAILABLE && !err) {
        path = db_path ? nx_strdup(db_path) : has_shards(cfg) ? NULL : nx_default_db_path();
        st = newsidx_db_open(path, cfg, &db, &err);
        if (st == NEWSIDX_OK) {
            st = newsidx_db_quotes(db, req, &r);
            if (st != NEWSIDX_OK)
                err = nx_strdup(newsidx_db_error(db) ? newsidx_db_error(db)
                                                     : newsidx_status_to_string(st));
        }
    }
    if (st == NEWSIDX_ERR_QUERY) {
        query_error(newsidx_search_get_query(req), err);
        rc = EXIT_USAGE;
    } else if (st != NEWSIDX_OK) {
        report_status(st, err);
        rc = st == NEWSIDX_ERR_ARG || st == NEWSIDX_ERR_LIMIT ? EXIT_USAGE : EXIT_FAIL;
    } else if (json) {
        json_t *j = nx_quotes_to_json(r);
        nx_print_json(stdout, j);
        json_decref(j);
    } else if (newsidx_search_get_flags(req) & NEWSIDX_SEARCH_COUNT_ONLY) {
        printf("%llu\n", (unsigned long long)newsidx_quotes_total(r));
        if (!newsidx_quotes_total_exact(r))
            fprintf(stderr, "newsq: the count is an estimate\n");
        rc = newsidx_quotes_total(r) ? EXIT_OK : EXIT_NONE;
    } else if (newsidx_quotes_count(r) == 0) {
        fprintf(stderr, "newsq: no quotations match '%s'\n", newsidx_search_get_query(req));
        nx_print_quotes_notes(stderr, r);
        rc = EXIT_NONE;
    } else {
        nx_print_quotes_text(stdout, r, color);
    }
    newsidx_quotes_free(r);
    free(err);
    free(path);
    newsidx_db_close(db);
    return rc;
}

/* What the command line asks for. */
typedef struct args {
    const char *db_path, *socket_path, *config_path;
    bool json, limit_given, quotes;
    /* the search asked for: the query is set apart, by query_of() */
    const char *like, *since, *until, *speaker, *location, *lang;
    unsigned offset, limit, flags;
    newsidx_sort_t sort;
    newsidx_search_t *req;      /* all of it, made by make_request() */
    /* The first option refused: told once every option is read, since
     * a --json after it decides how. */
    char refused[256];
    bool usage_wrong;           /* an unknown option or a missing value */
} args_t;

/* Keeps the first refusal of an option. */
static void refuse(args_t *a, const char *fmt, const char *value)
{
    if (!a->refused[0])
        snprintf(a->refused, sizeof a->refused, fmt, value);
}

/* An option with a value to check: --limit, --offset, --sort. */
static void value_option(args_t *a, int o, const char *value)
{
    switch (o) {
    case 'n':
        if (!parse_uint(value, &a->limit)) {
            refuse(a, "--limit wants a number, not '%s'", value);
            break;
        }
        a->limit_given = true;
        /* --limit 0: no hits, the count alone (as --count) */
        if (a->limit == 0)
            a->flags |= NEWSIDX_SEARCH_COUNT_ONLY;
        break;
    case 'o':
        if (!parse_uint(value, &a->offset))
            refuse(a, "--offset wants a number, not '%s'", value);
        break;
    case 's':
        if (strcmp(value, "relevance") == 0)
            a->sort = NEWSIDX_SORT_RELEVANCE;
        else if (strcmp(value, "date") == 0)
            a->sort = NEWSIDX_SORT_DATE;
        else
            refuse(a, "--sort is relevance or date, not '%s'", value);
        break;
    }
}

/* What getopt_long() could not take (it is silenced, to say it once in
 * the form --json asks for): the option unknown or its value missing. */
static void getopt_refusal(args_t *a, int o, char **argv)
{
    char opt[3] = {'-', (char)optopt, '\0'};
    const char *arg = argv[optind - 1];
    const char *name = strncmp(arg, "--", 2) == 0 || !optopt ? arg : opt;
    a->usage_wrong = true;
    refuse(a, o == ':' ? "option '%s' wants a value" : "unknown option '%s'", name);
}

static const struct option long_options[] = {
    {"socket", required_argument, NULL, 'S'},
    {"db", required_argument, NULL, 'd'},
    {"config", required_argument, NULL, 'c'},
    {"json", no_argument, NULL, 'j'},
    {"limit", required_argument, NULL, 'n'},
    {"offset", required_argument, NULL, 'o'},
    {"sort", required_argument, NULL, 's'},
    {"since", required_argument, NULL, 'a'},
    {"until", required_argument, NULL, 'b'},
    {"speaker", required_argument, NULL, 'p'},
    {"location", required_argument, NULL, 'l'},
    {"lang", required_argument, NULL, 'g'},
    {"facets", no_argument, NULL, 'f'},
    {"explain", no_argument, NULL, 'e'},
    {"like", required_argument, NULL, 'L'},
    {"partial", no_argument, NULL, 'P'},
    {"histogram", no_argument, NULL, 'H'},
    {"count", no_argument, NULL, 'C'},
    {"strict", no_argument, NULL, 'T'},
    {"all-versions", no_argument, NULL, 'A'},
    {"quotes", no_argument, NULL, 'Q'},
    {"facets-by-kind", no_argument, NULL, 'K'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* The options into a: -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, args_t *a)
{
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":jn:h", long_options, NULL)) != -1) {
        switch (o) {
        case 'S': a->socket_path = optarg; break;
        case 'd': a->db_path = optarg; break;
        case 'c': a->config_path = optarg; break;
        case 'j': a->json = true; break;
        case 'n': case 'o': case 's': value_option(a, o, optarg); break;
        case 'a': a->since = optarg; break;
        case 'b': a->until = optarg; break;
        case 'p': a->speaker = optarg; break;
        case 'l': a->location = optarg; break;
        case 'g': a->lang = optarg; break;
        case 'f': a->flags |= NEWSIDX_SEARCH_FACETS; break;
        case 'e': a->flags |= NEWSIDX_SEARCH_EXPLAIN; break;
        case 'L': a->like = optarg; break;
        case 'P': a->flags |= NEWSIDX_SEARCH_PARTIAL; break;
        case 'H': a->flags |= NEWSIDX_SEARCH_HISTOGRAM; break;
        case 'C': a->flags |= NEWSIDX_SEARCH_COUNT_ONLY; break;
        case 'T': a->flags |= NEWSIDX_SEARCH_STRICT; break;
        case 'A': a->flags |= NEWSIDX_SEARCH_ALL_VERSIONS; break;
        case 'Q': a->quotes = true; break;
        case 'K': a->flags |= NEWSIDX_SEARCH_FACETS | NEWSIDX_SEARCH_FACET_KINDS; break;
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': puts("newsq " NEWSIDX_VERSION); return EXIT_OK;
        default: getopt_refusal(a, o, argv); break;
        }
    }
    json_errors = a->json;
    if (!a->refused[0] && a->db_path && a->socket_path)
        refuse(a, "%s", "give --db or --socket, not both");
    if (a->refused[0]) {
        report(NX_RPC_BAD_REQUEST, "%s", a->refused);
        if (a->usage_wrong)
            usage(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* The words after the options, as one query ("" for none). */
static char *query_of(int argc, char **argv)
{
    nx_buf_t q;
    nx_buf_init(&q);
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            nx_buf_addc(&q, ' ');
        nx_buf_adds(&q, argv[i]);
    }
    return nx_buf_steal(&q);
}

/* The configuration file (--config, else the user's if any) into cfg;
 * false once it said why it could not. */
static bool load_config(newsidx_config_t *cfg, const char *config_path)
{
    char *cfgpath = config_path ? nx_strdup(config_path) : nx_default_config_path();
    if (!cfgpath)
        return true;
    char *err = NULL;
    bool ok = newsidx_config_load(cfg, cfgpath, &err) == NEWSIDX_OK;
    if (!ok) {
        report(NX_RPC_BAD_REQUEST, "%s", err);
        free(err);
    }
    free(cfgpath);
    return ok;
}

/* A search's answer, from the daemon or from a database opened here
 * (kept open until the answer is printed). */
typedef struct answer {
    newsidx_status_t st;
    newsidx_results_t *r;       /* with NEWSIDX_OK */
    char *err;                  /* else why */
    newsidx_db_t *db;
    char *path;
} answer_t;

static void answer_clear(answer_t *ans)
{
    if (ans->st == NEWSIDX_OK)
        newsidx_results_free(ans->r);
    free(ans->err);
    newsidx_db_close(ans->db);
    free(ans->path);
}

/* The daemon's answer when one answers on the socket: false (said why)
 * when the search must not go on without it (--socket given, or a
 * daemon not to be trusted); else true, ans->st NEWSIDX_ERR_UNAVAILABLE
 * when no daemon answered. */
static bool search_daemon(const args_t *a, answer_t *ans)
{
    char *sock = a->socket_path ? nx_strdup(a->socket_path) : nx_default_socket_path();
    nx_client_t *cl = NULL;
    ans->st = nx_client_connect(sock, DAEMON_TIMEOUT_SECONDS, &cl, &ans->err);
    free(sock);
    if (ans->st == NEWSIDX_OK) {
        ans->st = ask_daemon(cl, a->req, &ans->r, &ans->err);
        nx_client_close(cl);
        return true;
    }
    if (a->socket_path || ans->st == NEWSIDX_ERR_ARG) {
        /* never searched around silently */
        report(ans->st == NEWSIDX_ERR_ARG ? NX_RPC_BAD_REQUEST : NX_RPC_UNAVAILABLE, "%s",
               ans->err);
        return false;
    }
    free(ans->err);
    ans->err = NULL;
    return true;
}

/* The search: through the daemon when one answers (with --socket, only
 * through it), else over the database or, without --db, the shards of
 * the configuration if it has any.  false once it said why nothing
 * could be asked. */
static bool run_search(const args_t *a, const newsidx_config_t *cfg, answer_t *ans)
{
    ans->st = NEWSIDX_ERR_UNAVAILABLE;
    if (!a->db_path && !search_daemon(a, ans))
        return false;
    if (ans->st != NEWSIDX_ERR_UNAVAILABLE || ans->r || ans->err)
        return true;
    ans->path = a->db_path ? nx_strdup(a->db_path) : has_shards(cfg) ? NULL : nx_default_db_path();
    ans->st = newsidx_db_open(ans->path, cfg, &ans->db, &ans->err);
    if (ans->st != NEWSIDX_OK) {
        report_status(ans->st, ans->err);
        return false;
    }
    ans->st = newsidx_db_search(ans->db, a->req, &ans->r);
    if (ans->st != NEWSIDX_OK)
        ans->err = nx_strdup(newsidx_db_error(ans->db) ? newsidx_db_error(ans->db)
                                                       : newsidx_status_to_string(ans->st));
    return true;
}

/* The answer as asked (JSON, the count, or text); the exit status. */
static int print_answer(const args_t *a, const answer_t *ans, const char *query, bool color)
{
    if (ans->st == NEWSIDX_ERR_QUERY) {
        query_error(query, ans->err);
        return EXIT_USAGE;
    }
    if (ans->st != NEWSIDX_OK) {
        report_status(ans->st, ans->err);
        return ans->st == NEWSIDX_ERR_ARG || ans->st == NEWSIDX_ERR_LIMIT ? EXIT_USAGE
                                                                          : EXIT_FAIL;
    }
    const newsidx_results_t *r = ans->r;
    uint64_t total = newsidx_results_total(r);
    bool exact = newsidx_results_total_exact(r);
    if (a->json) {
        json_t *j = nx_results_to_json(r);
        nx_print_json(stdout, j);
        json_decref(j);
    } else if (a->flags & NEWSIDX_SEARCH_COUNT_ONLY) {
        /* The number alone on stdout; what the query's words did (an
         * unknown field, a suggestion) on stderr. */
        printf("%llu\n", (unsigned long long)total);
        if (!exact)
            fprintf(stderr, "newsq: the count is an estimate: %s\n",
                    newsidx_results_truncated(r) ? "a limit cut it short"
                                                 : "counting stopped early");
        nx_print_results_notes(stderr, r);
        return total ? EXIT_OK : EXIT_NONE;
    } else if (newsidx_results_count(r) == 0 && total > 0) {
        fprintf(stderr, "newsq: %s%llu article%s, none from --offset %u on\n",
                exact ? "" : "about ", (unsigned long long)total,
                total == 1 ? " matches" : "s match", a->offset);
        return EXIT_NONE;
    } else if (newsidx_results_count(r) == 0) {
        no_match(query, a->req);
        nx_print_results_notes(stderr, r);
        return EXIT_NONE;
    } else {
        nx_print_results_text(stdout, r, color);
    }
    return EXIT_OK;
}

/* newsq --quotes, after its options are checked. */
static int quotes_main(const args_t *a, const newsidx_config_t *cfg, bool color)
{
    const unsigned refused = NEWSIDX_SEARCH_FACETS | NEWSIDX_SEARCH_EXPLAIN |
                             NEWSIDX_SEARCH_HISTOGRAM | NEWSIDX_SEARCH_STRICT |
                             NEWSIDX_SEARCH_ALL_VERSIONS;
    if (a->like || (a->flags & refused)) {
        report(NX_RPC_BAD_REQUEST, "--quotes takes no --like, --facets, --explain, "
                                   "--histogram, --strict or --all-versions");
        return EXIT_USAGE;
    }
    return run_quotes(a->db_path, a->socket_path, cfg, a->req, a->json, color);
}

/* The search of the options and the query into a->req; false when out
 * of memory. */
static bool make_request(args_t *a, const char *query, const char *hl_open,
                         const char *hl_close)
{
    newsidx_search_t *r = a->req = newsidx_search_new();
    if (!r || newsidx_search_set_query(r, query) || newsidx_search_set_like(r, a->like) ||
        newsidx_search_set_dates(r, a->since, a->until) ||
        newsidx_search_set_speaker(r, a->speaker) ||
        newsidx_search_set_location(r, a->location) || newsidx_search_set_lang(r, a->lang) ||
        newsidx_search_set_highlight(r, hl_open, hl_close)) {
        report(NX_RPC_INTERNAL, "out of memory");
        return false;
    }
    newsidx_search_set_page(r, a->offset, a->limit);
    newsidx_search_set_sort(r, a->sort);
    newsidx_search_set_flags(r, a->flags);
    return true;
}

int main(int argc, char **argv)
{
    args_t a = {0};
    int rc = parse_options(argc, argv, &a);
    if (rc >= 0)
        return rc;
    char *query = query_of(argc, argv);
    if (a.like && *query) {
        report(NX_RPC_BAD_REQUEST, "give --like ID or a query, not both");
        free(query);
        return EXIT_USAGE;
    }
    if (!a.like && !*query && !a.speaker && !a.location && !a.lang && !a.since && !a.until) {
        report(NX_RPC_BAD_REQUEST, "no query: give words, a filter or --like ID");
        usage(stderr);
        free(query);
        return EXIT_USAGE;
    }

    newsidx_config_t *cfg = newsidx_config_new();
    if (!cfg || !load_config(cfg, a.config_path)) {
        if (!cfg)
            report(NX_RPC_INTERNAL, "out of memory");
        newsidx_config_free(cfg);
        free(query);
        return cfg ? EXIT_USAGE : EXIT_FAIL;
    }
    /* The page size of the user's configuration, sent to the daemon
     * too: direct and daemon searches answer alike. */
    if (!a.limit_given && !(a.flags & NEWSIDX_SEARCH_COUNT_ONLY))
        a.limit = (unsigned)newsidx_config_get_uint(cfg, NEWSIDX_CONFIG_DEFAULT_LIMIT);
    /* relax_below = 0 in the user's configuration keeps every query
     * strict, through the daemon too (whose own configuration may say
     * otherwise). */
    if (newsidx_config_get_uint(cfg, NEWSIDX_CONFIG_RELAX_BELOW) == 0 && !a.quotes)
        a.flags |= NEWSIDX_SEARCH_STRICT;
    if (a.flags & NEWSIDX_SEARCH_COUNT_ONLY)
        a.limit = 0;
    bool color = !a.json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    if (!make_request(&a, query, a.json ? NULL : nx_text_hl_open(),
                      a.json ? NULL : nx_text_hl_close())) {
        rc = EXIT_FAIL;
    } else if (a.quotes) {
        rc = quotes_main(&a, cfg, color);
    } else {
        answer_t ans = {0};
        rc = run_search(&a, cfg, &ans) ? print_answer(&a, &ans, query, color) : EXIT_FAIL;
        answer_clear(&ans);
    }
    newsidx_search_free(a.req);
    free(query);
    newsidx_config_free(cfg);
    if (fflush(stdout) != 0)
        rc = EXIT_FAIL;
    return rc;
}
