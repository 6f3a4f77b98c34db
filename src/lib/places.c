/* places.c - place names.  First version: only the dateline's place. */
#include "config.h"

#include "places.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct nx_gazetteer {
    int unused;
};

nx_gazetteer_t *nx_gazetteer_load(const char *path, char **err)
{
    (void)path;
    (void)err;
    return calloc(1, sizeof(nx_gazetteer_t));
}

void nx_gazetteer_free(nx_gazetteer_t *g)
{
    free(g);
}

bool nx_places_find(const nx_gazetteer_t *g, const char *dateline, const char *title,
                    const char *body, nx_strv_t *out)
{
    (void)g;
    (void)title;
    (void)body;
    if (!dateline)
        return true;
    size_t n = strcspn(dateline, ",");
    char *p = nx_strndup(dateline, n);
    bool start = true;
    for (char *c = p; c && *c; c++) {
        if (isalpha((unsigned char)*c)) {
            *c = start ? (char)toupper((unsigned char)*c) : (char)tolower((unsigned char)*c);
            start = false;
        } else {
            start = true;
        }
    }
    return nx_strv_take(out, p);
}
