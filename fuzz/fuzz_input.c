/* fuzz_input.c - one input format read as newsidx add reads a file:
 * the input, in a memory file, through newsidx_input_open() with the
 * format forced, every article and skipped item taken in turn.  Built
 * once per format (FUZZ_FORMAT is the format's enum name): fuzz_nitf,
 * fuzz_newsml_g2, fuzz_newsml1, fuzz_ninjs, fuzz_feeds (RSS, and Atom
 * when the input is Atom), fuzz_anpa, fuzz_iptc7901.  Also the header
 * lines of plain text (fuzz_headers, FUZZ_FORMAT NEWSIDX_FORMAT_TEXT). */
#include "config.h"

#include "memfile.h"
#include "nx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef FUZZ_FORMAT
#error "define FUZZ_FORMAT"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfile("fuzz.input", data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    /* Feeds: RSS and Atom share a reader; the input says which. */
    newsidx_format_t format = FUZZ_FORMAT;
    if (format == NEWSIDX_FORMAT_RSS && memmem(data, size, "2005/Atom", 9))
        format = NEWSIDX_FORMAT_ATOM;
    newsidx_input_t *in = NULL;
    char *err = NULL;
    if (newsidx_input_open(path, format, &in, &err) == NEWSIDX_OK) {
        for (unsigned i = 0; i < FUZZ_MAX_ARTICLES; i++) {
            newsidx_article_t *a = NULL;
            newsidx_status_t st = newsidx_input_next(in, &a);
            if (st == NEWSIDX_END)
                break;
            if (st == NEWSIDX_OK) {
                /* what a finished article promises */
                if (!a->id || !a->body || !a->title)
                    abort();
                newsidx_article_free(a);
            } else if (st != NEWSIDX_ERR_INPUT || !newsidx_input_error(in)) {
                break;
            }
        }
        const newsidx_skip_t *skips;
        size_t n = newsidx_input_skipped(in, &skips);
        for (size_t i = 0; i < n; i++)
            if (!skips[i].reason || !skips[i].count)
                abort();
        newsidx_input_close(in);
    }
    free(err);
    close(fd);
    return 0;
}
