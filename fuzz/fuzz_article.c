/* fuzz_article.c - the article parsers and the extraction behind them.
 * The first byte picks the path:
 *   0  wire text (newsidx_article_parse, NEWSIDX_FORMAT_TEXT)
 *   1  headered text (NEWSIDX_FORMAT_HEADERS)
 *   2  detected (NEWSIDX_FORMAT_AUTO)
 *   3  JSON Lines read from a file, as newsidx add reads one
 * the rest is the input.  Every article parsed then goes through
 * newsidx_extract(): speakers (nx_speakers_find) and places
 * (nx_places_find) over the gazetteer in data/, loaded once. */
#include "config.h"

#include "memfile.h"
#include "nx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static newsidx_extractor_t *extractor;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char *err = NULL;
    if (newsidx_extractor_new(NULL, &extractor, &err) != NEWSIDX_OK) {
        fprintf(stderr, "fuzz_article: %s\n", err ? err : "no gazetteer");
        exit(1);
    }
    return 0;
}

static void extract(newsidx_article_t *a)
{
    if (newsidx_extract(extractor, a) != NEWSIDX_OK)
        abort();                /* only out of memory may fail */
    newsidx_article_free(a);
}

/* JSON Lines come from a file: the input, in memory. */
static void jsonl(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfile("fuzz.jsonl", data, size, path, sizeof path);
    if (fd < 0)
        return;
    newsidx_input_t *in = NULL;
    char *err = NULL;
    if (newsidx_input_open(path, NEWSIDX_FORMAT_JSONL, &in, &err) == NEWSIDX_OK) {
        for (unsigned i = 0; i < FUZZ_MAX_ARTICLES; i++) {
            newsidx_article_t *a = NULL;
            newsidx_status_t st = newsidx_input_next(in, &a);
            if (st == NEWSIDX_END)
                break;
            if (st == NEWSIDX_OK)
                extract(a);
            else if (st != NEWSIDX_ERR_INPUT)
                break;
        }
        newsidx_input_close(in);
    }
    free(err);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const newsidx_format_t formats[] = {NEWSIDX_FORMAT_TEXT, NEWSIDX_FORMAT_HEADERS,
                                               NEWSIDX_FORMAT_AUTO};
    unsigned mode = data[0] % 4;
    data++;
    size--;
    if (mode == 3) {
        jsonl(data, size);
        return 0;
    }
    newsidx_article_t *a = NULL;
    char *err = NULL;
    if (newsidx_article_parse((const char *)data, size, formats[mode], "fuzz", &a, &err) ==
        NEWSIDX_OK)
        extract(a);
    free(err);
    return 0;
}
