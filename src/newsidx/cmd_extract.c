/* cmd_extract.c - newsidx extract: parse and extract, touch no database. */
#include "config.h"

#include <inttypes.h>

#include "cli.h"
#include "output.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Items a reader passed over (pictures, packages, advisories, entries
 * without text: newsidx_input_skipped()) print nothing, so they are said
 * on standard error, as newsidx add's summary says them. */
static void warn_passed_over(const cli_t *c, const char *path, const newsidx_input_t *in)
{
    const newsidx_skip_t *skips;
    size_t n = newsidx_input_skipped(in, &skips);
    for (size_t i = 0; i < n; i++)
        cli_warn(c, "%s: passed over %" PRIu64 " item%s: %s", path,
                 skips[i].count, skips[i].count == 1 ? "" : "s", skips[i].reason);
}

int cmd_extract(cli_t *c, int argc, char **argv)
{
    newsidx_format_t format = NEWSIDX_FORMAT_AUTO;
    bool json = false;
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    int o;
    optind = 0;  /* 0, not 1: glibc then starts afresh and permutes, so that
                   options may follow the paths ("add DIR --quiet") */
    while ((o = getopt_long(argc, argv, "f:j", opts, NULL)) != -1) {
        switch (o) {
        case 'f':
            if (newsidx_format_from_string(optarg, &format) != NEWSIDX_OK) {
                cli_error(c, "unknown format '%s' (%s)", optarg, CLI_FORMATS);
                return EXIT_USAGE;
            }
            break;
        case 'j': json = true; break;
        default: return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error(c, "extract: give files or - for standard input");
        return EXIT_USAGE;
    }
    newsidx_extractor_t *x = NULL;
    char *err = NULL;
    if (newsidx_extractor_new(cli_gazetteer(c), &x, &err) != NEWSIDX_OK) {
        cli_error(c, "%s", err ? err : "cannot load the gazetteer");
        free(err);
        return EXIT_FAIL;
    }
    /* A FIFO or device named on the command line is read only when
     * --format says what it streams. */
    sources_t srcs = {.streams = format != NEWSIDX_FORMAT_AUTO};
    unsigned long rejected = sources_collect(c, argv + optind, argc - optind, &srcs);
    for (size_t i = 0; i < srcs.n; i++) {
        newsidx_input_t *in = NULL;
        if (newsidx_input_open(srcs.v[i].path, format, &in, &err) != NEWSIDX_OK) {
            cli_error(c, "%s", err);
            free(err);
            err = NULL;
            rejected++;
            continue;
        }
        newsidx_article_t *a;
        newsidx_status_t st;
        while ((st = newsidx_input_next(in, &a)) != NEWSIDX_END) {
            if (newsidx_input_warning(in))
                cli_warn(c, "%s", newsidx_input_warning(in));
            if (st != NEWSIDX_OK) {
                cli_error(c, "%s", newsidx_input_error(in) ? newsidx_input_error(in)
                                                          : newsidx_status_to_string(st));
                rejected++;
                if (st == NEWSIDX_ERR_INPUT)
                    continue;
                break;
            }
            newsidx_extract(x, a);
            /* Extraction reads English only, and says so. */
            const char *note = nx_extracts_language(a->language)
                                   ? NULL
                                   : "not in English: speakers and locations are found in "
                                     "English text only";
            if (json) {
                json_t *j = nx_article_to_json(a, NX_FIELDS_HEAD | NX_FIELDS_SENDER |
                                                      NX_FIELDS_EXTRACTED);
                if (note)
                    json_object_set_new(j, "note", json_string(note));
                nx_print_json(stdout, j);
                json_decref(j);
            } else {
                if (note)
                    printf("note: %s (language %s)\n", note, a->language);
                nx_print_article_text(stdout, &(newsidx_article_t){
                    .id = a->id, .title = a->title, .date = a->date, .dateline = a->dateline,
                    .speakers = a->speakers, .n_speakers = a->n_speakers,
                    .locations = a->locations, .n_locations = a->n_locations});
                putchar('\n');
            }
            newsidx_article_free(a);
        }
        warn_passed_over(c, srcs.v[i].path, in);
        newsidx_input_close(in);
    }
    newsidx_extractor_free(x);
    sources_free(&srcs);
    if (fflush(stdout) != 0) {
        cli_error(c, "writing output failed");
        return EXIT_FAIL;
    }
    return rejected ? EXIT_REJECTED : EXIT_OK;
}
