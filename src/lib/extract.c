/* extract.c - speakers and locations of an article.
 *
 * Placeholder until speakers.c and places.c land: the dateline's place
 * is the only location, and no speakers are found. */
#include "config.h"

#include "nx.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct newsidx_extractor {
    int unused;
};

newsidx_status_t newsidx_extractor_new(const char *gazetteer, newsidx_extractor_t **out,
                                       char **errmsg)
{
    (void)gazetteer;
    (void)errmsg;
    *out = calloc(1, sizeof **out);
    return *out ? NEWSIDX_OK : NEWSIDX_ERR_NOMEM;
}

void newsidx_extractor_free(newsidx_extractor_t *x)
{
    free(x);
}

static char *title_case(const char *s)
{
    char *r = nx_strdup(s);
    bool start = true;
    for (char *p = r; p && *p; p++) {
        if (isalpha((unsigned char)*p)) {
            *p = start ? (char)toupper((unsigned char)*p) : (char)tolower((unsigned char)*p);
            start = false;
        } else {
            start = true;
        }
    }
    return r;
}

newsidx_status_t newsidx_extract(const newsidx_extractor_t *x, newsidx_article_t *a)
{
    (void)x;
    nx_strv_free_array(a->speakers, a->n_speakers);
    nx_strv_free_array(a->locations, a->n_locations);
    a->speakers = a->locations = NULL;
    a->n_speakers = a->n_locations = 0;
    if (a->dateline) {
        nx_strv_t l = {0};
        char *comma = strchr(a->dateline, ',');
        char *place = comma ? nx_strndup(a->dateline, (size_t)(comma - a->dateline))
                            : nx_strdup(a->dateline);
        nx_strv_take(&l, title_case(place));
        free(place);
        a->locations = l.v;
        a->n_locations = l.n;
    }
    return NEWSIDX_OK;
}
