/* places.c - where places are, for the map of the search page: the
 * table data/places.tsv (name, latitude, longitude; made by
 * web/tools/mkmap.py from the gazetteer), read once at start into one
 * buffer and a sorted index, then shared read-only by every thread. */
#include "config.h"

#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct place {
    const char *name;
    double lat, lon;
} place_t;

struct places {
    char *text;
    place_t *v;
    size_t n;
};

/* $NEWSIDX_PLACES, else the installed table, else data/places.tsv
 * beside the running program (a build tree). */
static char *find_places(void)
{
    return nx_find_data_file("places.tsv", "NEWSIDX_PLACES");
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const place_t *)a)->name, ((const place_t *)b)->name);
}

static char *slurp(const char *path, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        nx_set_error(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    nx_buf_t b;
    nx_buf_init(&b);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        nx_buf_add(&b, chunk, got);
    bool bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        nx_set_error(err, "%s: cannot be read", path);
        nx_buf_free(&b);
        return NULL;
    }
    return nx_buf_steal(&b);
}

places_t *places_load(char **path_out, char **err)
{
    char *path = find_places();
    char *text = path ? slurp(path, err) : NULL;
    if (path_out)
        *path_out = path;
    else
        free(path);
    if (!text)
        return NULL;
    places_t *p = calloc(1, sizeof *p);
    size_t lines = 1;
    for (const char *s = text; *s; s++)
        lines += *s == '\n';
    if (p)
        p->v = calloc(lines, sizeof *p->v);
    if (!p || !p->v) {
        free(text);
        places_free(p);
        nx_set_error(err, "out of memory");
        return NULL;
    }
    p->text = text;
    unsigned lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line[0] == '#' || !line[0])
            continue;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL, *end1, *end2;
        if (!t2) {
            nx_set_error(err, "line %u: not name, latitude, longitude", lineno);
            places_free(p);
            return NULL;
        }
        *t1 = *t2 = '\0';
        double lat = strtod(t1 + 1, &end1), lon = strtod(t2 + 1, &end2);
        if (*end1 || *end2 || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
            nx_set_error(err, "line %u: bad coordinates", lineno);
            places_free(p);
            return NULL;
        }
        p->v[p->n++] = (place_t){line, lat, lon};
    }
    qsort(p->v, p->n, sizeof *p->v, by_name);
    return p;
}

size_t places_count(const places_t *p)
{
    return p ? p->n : 0;
}

bool places_find(const places_t *p, const char *name, double *lat, double *lon)
{
    if (!p || !name)
        return false;
    place_t key = {name, 0, 0};
    const place_t *hit = bsearch(&key, p->v, p->n, sizeof *p->v, by_name);
    if (!hit)
        return false;
    *lat = hit->lat;
    *lon = hit->lon;
    return true;
}

void places_free(places_t *p)
{
    if (!p)
        return;
    free(p->text);
    free(p->v);
    free(p);
}
