/* cmd_stats.c - newsidx stats: what the index holds. */
#include "config.h"

#include "cli.h"
#include "client.h"
#include "output.h"

#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t dir_bytes(const char *path)
{
    DIR *d = opendir(path);
    uint64_t total = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = nx_printf("%s/%s", path, e->d_name);
        struct stat st;
        if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
        free(p);
    }
    closedir(d);
    return total;
}

/* The daemon's stats, as JSON or as "key value" lines. */
static int daemon_stats(cli_t *c, nx_client_t *cl, bool json)
{
    const msgpack_object *res;
    char *err = NULL;
    newsidx_status_t st = nx_client_call(cl, "stats", NULL, NULL, &res, &err);
    if (st != NEWSIDX_OK) {
        cli_error(c, "daemon: %s", err ? err : newsidx_status_to_string(st));
        free(err);
        nx_client_close(cl);
        return EXIT_FAIL;
    }
    json_t *j = nx_mp_to_json(res);
    if (json) {
        nx_print_json(stdout, j);
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) {
            char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            printf("%-15s %s\n", k, t ? t : "?");
            free(t);
        }
    }
    json_decref(j);
    nx_client_close(cl);
    return EXIT_OK;
}

/* Each shard's name, whether it answers and its documents (a JSON
 * array), and the bytes of the local ones in *bytes. */
static json_t *shard_list(newsidx_db_t *db, size_t n_shards, uint64_t *bytes)
{
    json_t *shards = json_array();
    for (size_t i = 0; i < n_shards; i++) {
        const char *name;
        bool up;
        uint64_t docs;
        newsidx_db_shard_info(db, i, &name, &up, &docs);
        json_array_append_new(shards, json_pack("{s:s,s:b,s:I}", "name", name, "up", up,
                                                "documents", (json_int_t)docs));
        *bytes += dir_bytes(name);
    }
    return shards;
}

/* What the database (or the shards) holds, as JSON or as text. */
static void print_db_stats(const cli_t *c, const newsidx_stats_t *s, json_t *shards,
                           size_t n_shards, uint64_t bytes, bool json)
{
    if (json) {
        json_t *j = json_pack("{s:I,s:I,s:i,s:f,s:s,s:I}", "documents", (json_int_t)s->documents,
                              "revision", (json_int_t)s->revision, "format", s->format,
                              "avg_length", s->avg_length, "path",
                              n_shards ? "[shards]" : c->db_path, "size_bytes", (json_int_t)bytes);
        if (n_shards)
            json_object_set(j, "shards", shards);
        nx_print_json(stdout, j);
        json_decref(j);
    } else if (n_shards) {
        printf("documents:  %llu in %zu shards\n", (unsigned long long)s->documents, n_shards);
        size_t i;
        json_t *sh;
        json_array_foreach(shards, i, sh) {
            printf("  %-30s %10lld %s\n", json_string_value(json_object_get(sh, "name")),
                   (long long)json_integer_value(json_object_get(sh, "documents")),
                   json_is_true(json_object_get(sh, "up")) ? "" : "(does not answer)");
        }
    } else {
        printf("database:   %s\n", c->db_path);
        printf("documents:  %llu\n", (unsigned long long)s->documents);
        printf("revision:   %llu\n", (unsigned long long)s->revision);
        printf("format:     %d\n", s->format);
        printf("avg length: %.1f words\n", s->avg_length);
        printf("size:       %.1f MB\n", (double)bytes / 1e6);
    }
}

int cmd_stats(cli_t *c, int argc, char **argv)
{
    bool json = false;
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"db", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    int o;
    optind = 0;  /* 0, not 1: glibc then starts afresh and permutes, so that
                   options may follow the paths ("add DIR --quiet") */
    while ((o = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
        switch (o) {
        case 'j': json = true; break;
        case 'd': cli_set_db(c, optarg); break;
        default: return EXIT_USAGE;
        }
    }
    nx_client_t *cl = cli_connect_daemon(c);
    if (!cl && c->socket_forced)
        return EXIT_FAIL;
    if (cl)
        return daemon_stats(c, cl, json);
    newsidx_db_t *db = cli_open_db(c);
    if (!db)
        return EXIT_FAIL;
    newsidx_stats_t s;
    newsidx_status_t st = newsidx_db_stats(db, &s);
    if (st != NEWSIDX_OK) {
        cli_error(c, "%s", newsidx_db_error(db));
        newsidx_db_close(db);
        return EXIT_FAIL;
    }
    size_t n_shards = newsidx_db_shard_count(db);
    uint64_t bytes = 0;
    json_t *shards = shard_list(db, n_shards, &bytes);
    if (!n_shards)
        bytes = dir_bytes(c->db_path);
    print_db_stats(c, &s, shards, n_shards, bytes, json);
    json_decref(shards);
    newsidx_db_close(db);
    return EXIT_OK;
}
