/* cmd_stats.c - newsidx stats: what the index holds. */
#include "config.h"

#include "cli.h"
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

int cmd_stats(cli_t *c, int argc, char **argv)
{
    bool json = false;
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"db", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
        switch (o) {
        case 'j': json = true; break;
        case 'd': free(c->db_path); c->db_path = nx_strdup(optarg); break;
        default: return EXIT_USAGE;
        }
    }
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
    uint64_t bytes = dir_bytes(c->db_path);
    if (json) {
        json_t *j = json_pack("{s:I,s:I,s:i,s:f,s:s,s:I}", "documents", (json_int_t)s.documents,
                              "revision", (json_int_t)s.revision, "format", s.format,
                              "avg_length", s.avg_length, "path", c->db_path, "size_bytes",
                              (json_int_t)bytes);
        nx_print_json(stdout, j);
        json_decref(j);
    } else {
        printf("database:   %s\n", c->db_path);
        printf("documents:  %llu\n", (unsigned long long)s.documents);
        printf("revision:   %llu\n", (unsigned long long)s.revision);
        printf("format:     %d\n", s.format);
        printf("avg length: %.1f words\n", s.avg_length);
        printf("size:       %.1f MB\n", (double)bytes / 1e6);
    }
    newsidx_db_close(db);
    return EXIT_OK;
}
