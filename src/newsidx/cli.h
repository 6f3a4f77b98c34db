/* cli.h - what the newsidx subcommands share. */
#ifndef NEWSIDX_CLI_H
#define NEWSIDX_CLI_H

#include "nx.h"

#include <stdio.h>

/* Exit statuses (newsidx(1)). */
enum {
    EXIT_OK = 0,
    EXIT_REJECTED = 1,   /* some records were rejected, the rest imported */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_FAIL = 3        /* nothing could be done: no database, lock, I/O */
};

/* The names --format takes (newsidx_format_from_string()). */
#define CLI_FORMATS "auto, text, headers, jsonl, nitf, newsml-g2, newsml-1.2, ninjs, anpa, " \
                    "iptc7901, rss or atom"

typedef struct cli {
    const char *prog;
    char *db_path;           /* --db, $NEWSIDX_DB, or the XDG default */
    char *socket_path;       /* --socket, or the default */
    bool db_forced;          /* --db given: never use the daemon */
    bool socket_forced;      /* --socket given: only the daemon */
    newsidx_config_t *config;
    struct progress *progress;  /* cleared before messages */
} cli_t;

void cli_error(const cli_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const cli_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cmd_add(cli_t *c, int argc, char **argv);
int cmd_extract(cli_t *c, int argc, char **argv);
int cmd_rm(cli_t *c, int argc, char **argv);
int cmd_get(cli_t *c, int argc, char **argv);
int cmd_stats(cli_t *c, int argc, char **argv);
int cmd_export(cli_t *c, int argc, char **argv);
int cmd_watch(cli_t *c, int argc, char **argv);

/* The daemon's client when one answers on the socket (and --db was not
 * given), else NULL; with --socket, says that none answers. */
struct nx_client *cli_connect_daemon(cli_t *c);

/* How many [shards] the configuration lists. */
size_t cli_shard_count(const cli_t *c);
/* [index] gazetteer, or NULL: the installed one. */
const char *cli_gazetteer(const cli_t *c);
/* [index] compact: "auto", "always" or "never". */
const char *cli_compact(const cli_t *c);
/* The database path to open, or NULL for the shards of the config (when
 * it lists some and --db was not given). */
const char *cli_db_path(const cli_t *c);
/* --db PATH, before or after the command: this database, never the
 * daemon nor the configured shards. */
void cli_set_db(cli_t *c, const char *path);
/* The options of a command whose only option is --db; false on another.
 * optind is then at the first argument. */
bool cli_db_option(cli_t *c, int argc, char **argv);

/* Opens the database for reading, printing the error; NULL on failure. */
newsidx_db_t *cli_open_db(cli_t *c);

typedef struct source {
    char *path;
    uint64_t size;
} source_t;

/* The inputs named on a command line, directories expanded. */
typedef struct sources {
    source_t *v;
    size_t n, cap;
    uint64_t total_bytes;
    bool total_known;
    bool streams;       /* set by the caller: FIFOs and devices may be read */
} sources_t;

/* Expands paths (files, directories, "-") into out, reporting problems
 * (missing files, loops) on stderr; returns how many there were. */
unsigned sources_collect(cli_t *c, char **paths, int n, sources_t *out);
void sources_free(sources_t *s);

/* What an import tells at its end (summary.c). */
typedef struct summary {
    uint64_t read;                          /* articles read */
    uint64_t by_format[NEWSIDX_FORMAT_LAST];
    nx_strv_t reasons;                      /* items passed over, by reason */
    uint64_t *skip_counts;
    uint64_t skipped;
    uint64_t no_date, no_dateline, untitled, summaries, not_english;
    uint64_t repaired;          /* feed items with UTF-8 encoded twice */
    uint64_t bad_dates;         /* articles with a date left out */
} summary_t;
void summary_article(summary_t *s, newsidx_format_t f, const newsidx_article_t *a);
/* After each input: its skipped items and titles made from the lead. */
void summary_input(summary_t *s, const newsidx_input_t *in);
/* The lines after the count; verbose: all of them, else the warnings. */
void summary_print(const cli_t *c, const summary_t *s, bool verbose);
void summary_free(summary_t *s);

/* stderr is shared by threads: messages and progress take this lock. */
void cli_lock(void);
void cli_unlock(void);

/* Progress on long runs: a bar on a terminal, periodic lines otherwise. */
typedef struct progress progress_t;
progress_t *progress_new(const char *prog, uint64_t total_bytes, bool quiet);
void progress_update(progress_t *p, uint64_t bytes, uint64_t read, uint64_t committed,
                     uint64_t rejected);
/* Clears a bar before other output goes to stderr. */
void progress_clear(progress_t *p);
void progress_free(progress_t *p);

#endif
