/* main.c - newsidx: import and maintain the index. */
#include "config.h"

#include "cli.h"
#include "client.h"

#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *fp)
{
    fputs("usage: newsidx [--db PATH] [--socket PATH] [--config FILE] COMMAND [ARGS]\n"
          "\n"
          "commands:\n"
          "  add [--format FORMAT] [--quiet] [--progress-fd FD] PATH...|-\n"
          "                        index articles (files, directories, stdin)\n"
          "  extract [--json] [--format ...] PATH...|-\n"
          "                        print id, title, date, dateline, speakers and\n"
          "                        locations of articles without indexing them\n"
          "  rm ID...              remove articles\n"
          "  get [--json] ID       print a stored article\n"
          "  stats [--json]        print index statistics\n"
          "  export                print every stored article as JSON Lines\n"
          "  watch [--format FORMAT] [--once] [--quiet] DIR\n"
          "                        index the files dropped into DIR as they arrive,\n"
          "                        moving each to DIR/done or DIR/failed\n"
          "\n"
          "FORMAT: " CLI_FORMATS " (auto: detected per file).\n"
          "The database is --db, else $NEWSIDX_DB, else $XDG_DATA_HOME/newsidx/db.\n"
          "See newsidx(1).\n",
          fp);
}

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

void cli_lock(void)
{
    pthread_mutex_lock(&out_mu);
}

void cli_unlock(void)
{
    pthread_mutex_unlock(&out_mu);
}

void cli_error(const cli_t *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_lock();
    progress_clear(c->progress);
    fprintf(stderr, "%s: ", c->prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    cli_unlock();
    va_end(ap);
}

/* A warning of several lines (an input's about one article) is a
 * warning on each. */
void cli_warn(const cli_t *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = nx_vprintf(fmt, ap);
    va_end(ap);
    cli_lock();
    progress_clear(c->progress);
    const char *p = text ? text : "out of memory";
    do {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(stderr, "%s: warning: %.*s\n", c->prog, n, p);
        p = nl ? nl + 1 : NULL;
    } while (p);
    cli_unlock();
    free(text);
}

nx_client_t *cli_connect_daemon(cli_t *c)
{
    if (c->db_forced)
        return NULL;
    nx_client_t *cl = NULL;
    char *err = NULL;
    newsidx_status_t st = nx_client_connect(c->socket_path, 600, &cl, &err);
    if (st != NEWSIDX_OK && (c->socket_forced || st == NEWSIDX_ERR_ARG))
        cli_error(c, "%s", err ? err : newsidx_status_to_string(st));
    free(err);
    return cl;
}

void cli_set_db(cli_t *c, const char *path)
{
    free(c->db_path);
    c->db_path = nx_strdup(path);
    c->db_forced = true;
}

bool cli_db_option(cli_t *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    int o;
    optind = 0;  /* 0, not 1: glibc then starts afresh and permutes, so that
                   options may follow the paths ("add DIR --quiet") */
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 'd')
            return false;
        cli_set_db(c, optarg);
    }
    return true;
}

size_t cli_shard_count(const cli_t *c)
{
    return newsidx_config_get_list(c->config, NEWSIDX_CONFIG_SHARDS, NULL);
}

const char *cli_gazetteer(const cli_t *c)
{
    return newsidx_config_get_string(c->config, NEWSIDX_CONFIG_GAZETTEER);
}

const char *cli_compact(const cli_t *c)
{
    return newsidx_config_get_string(c->config, NEWSIDX_CONFIG_COMPACT);
}

const char *cli_db_path(const cli_t *c)
{
    return !c->db_forced && cli_shard_count(c) ? NULL : c->db_path;
}

newsidx_db_t *cli_open_db(cli_t *c)
{
    newsidx_db_t *db = NULL;
    char *err = NULL;
    newsidx_status_t st = newsidx_db_open(cli_db_path(c), c->config, &db, &err);
    if (st != NEWSIDX_OK) {
        cli_error(c, "%s", err ? err : newsidx_status_to_string(st));
        free(err);
        return NULL;
    }
    return db;
}

static const struct {
    const char *name;
    int (*fn)(cli_t *, int, char **);
} commands[] = {
    {"add", cmd_add}, {"extract", cmd_extract}, {"rm", cmd_rm},
    {"get", cmd_get}, {"stats", cmd_stats}, {"export", cmd_export},
    {"watch", cmd_watch},
};

int main(int argc, char **argv)
{
    cli_t c = {.prog = "newsidx"};
    const char *config_path = NULL;
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"socket", required_argument, NULL, 's'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (o) {
        case 'd': cli_set_db(&c, optarg); break;
        case 's': free(c.socket_path); c.socket_path = nx_strdup(optarg); c.socket_forced = true; break;
        case 'c': config_path = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': puts("newsidx " NEWSIDX_VERSION); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!(c.config = newsidx_config_new())) {
        cli_error(&c, "out of memory");
        return EXIT_FAIL;
    }
    char *cfg = config_path ? nx_strdup(config_path) : nx_default_config_path();
    if (cfg) {
        char *err = NULL;
        if (newsidx_config_load(c.config, cfg, &err) != NEWSIDX_OK) {
            cli_error(&c, "%s", err);
            free(err);
            free(cfg);
            newsidx_config_free(c.config);
            return EXIT_USAGE;
        }
        free(cfg);
    }
    if (!c.db_path)
        c.db_path = nx_default_db_path();
    if (!c.socket_path)
        c.socket_path = nx_default_socket_path();

    const char *name = argv[optind];
    int rc = -1;
    for (size_t i = 0; i < NX_ARRAY_LEN(commands); i++) {
        if (strcmp(commands[i].name, name) == 0) {
            optind++;
            /* Each command parses its own options from argv[optind - 1]
             * on, so that "newsidx add --db X" works as well. */
            rc = commands[i].fn(&c, argc - optind + 1, argv + optind - 1);
            break;
        }
    }
    if (rc < 0) {
        cli_error(&c, "unknown command '%s'", name);
        usage(stderr);
        rc = EXIT_USAGE;
    }
    newsidx_config_free(c.config);
    free(c.db_path);
    free(c.socket_path);
    return rc;
}
