/* extract.c - speakers and locations of an article: the public face of
 * speakers.c and places.c, and where the gazetteer is found. */
#include "config.h"

#include "nx.h"
#include "gazetteer.h"
#include "places.h"
#include "speakers.h"

#include <stdlib.h>
#include <string.h>

struct newsidx_extractor {
    nx_gazetteer_t *gaz;
};

/* The gazetteer: the path given, else $NEWSIDX_GAZETTEER, else the
 * installed one, else data/gazetteer.tsv beside the running program (a
 * build tree, before "make install"). */
static char *find_gazetteer(const char *given)
{
    if (given && *given)
        return nx_strdup(given);
    return nx_find_data_file("gazetteer.tsv", "NEWSIDX_GAZETTEER");
}

newsidx_status_t newsidx_extractor_new(const char *gazetteer, newsidx_extractor_t **out,
                                       char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = NULL;
    newsidx_extractor_t *x = calloc(1, sizeof *x);
    char *path = find_gazetteer(gazetteer);
    if (!x || !path) {
        free(x);
        free(path);
        return NEWSIDX_ERR_NOMEM;
    }
    char *err = NULL;
    x->gaz = nx_gazetteer_load(path, &err);
    if (!x->gaz) {
        /* The loader's message names the file (and the line). */
        if (err)
            nx_set_error(errmsg, "gazetteer %s (set NEWSIDX_GAZETTEER or [index] gazetteer)", err);
        else
            nx_set_error(errmsg, "gazetteer %s: cannot be loaded (set NEWSIDX_GAZETTEER or [index] "
                         "gazetteer)", path);
        free(err);
        free(path);
        free(x);
        return NEWSIDX_ERR_IO;
    }
    free(path);
    *out = x;
    return NEWSIDX_OK;
}

void newsidx_extractor_free(newsidx_extractor_t *x)
{
    if (!x)
        return;
    nx_gazetteer_free(x->gaz);
    free(x);
}

bool nx_extracts_language(const char *language)
{
    return !language || !*language || strcmp(language, "en") == 0;
}

/* Whether the gazetteer files the whole of name as a place of one of
 * the classes. */
static bool place_of_class(const nx_gazetteer_t *g, const char *name, uint16_t classes)
{
    char key[256];
    size_t n = nx_place_key(name, strlen(name), key, sizeof key);
    const nx_place_t *p = n ? nx_gazetteer_lookup(g, key, n, NULL) : NULL;
    for (; p; p = nx_gazetteer_next(g, p))
        if (p->classes & classes)
            return true;
    return false;
}

/* Whether name is one of the article's places. */
static bool placed(const nx_strv_t *places, const char *name)
{
    for (size_t k = 0; k < places->n; k++)
        if (strcmp(places->v[k], name) == 0)
            return true;
    return false;
}

/* Whether s has a small letter: "GAO", "EDO" are acronyms, not places. */
static bool has_lower(const char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            return true;
    return false;
}

/* A country's or a capital's name, or a state's that the article names
 * as a place, is no alias of a body named after it ("Japan" of "Japan
 * Livestock Industry Promotion Corp", "United States" of "United States
 * Lines Inc", "Texas" of "Texas Instruments Inc" beside "a Texas
 * judge"): the index would show every article where Japan speaks under
 * the firm's name.  "Delta" of "Delta Air Lines" stays: the article
 * names no place Delta. */
static void drop_place_aliases(const nx_gazetteer_t *g, nx_said_t *said, const nx_strv_t *places)
{
    size_t kept = 0;
    for (size_t i = 0; i < said->n_aliases; i++) {
        newsidx_alias_t *l = &said->aliases[i];
        uint16_t classes = NX_PC_COUNTRY | NX_PC_CAPITAL | (placed(places, l->alias) ? NX_PC_STATE : 0);
        if (has_lower(l->alias) && place_of_class(g, l->alias, classes)) {
            free(l->alias);
            free(l->name);
            continue;
        }
        said->aliases[kept++] = *l;
    }
    said->n_aliases = kept;
}

/* A country, a state or a national capital that speaks ("Ecuador said",
 * "Washington has vowed") is its government: a body, not a person.  A
 * speaker is taken for one when the gazetteer files its whole name as a
 * country or a capital, or as a state that the article also has among
 * its places (states share names with people: "Mary", "Georgia"), and
 * the article shows no person by that name (no title, no given name:
 * "Jordan" alone, not "Michael Jordan" nor "Mr. Jordan"). */
static void governments_speak(const nx_gazetteer_t *g, nx_said_t *said, const nx_strv_t *places)
{
    for (size_t i = 0; i < said->names.n; i++) {
        const char *name = said->names.v[i];
        if (said->kinds[i] != NEWSIDX_KIND_PERSON || said->persons[i])
            continue;
        uint16_t classes = NX_PC_COUNTRY | NX_PC_CAPITAL | (placed(places, name) ? NX_PC_STATE : 0);
        if (place_of_class(g, name, classes))
            said->kinds[i] = NEWSIDX_KIND_ORGANISATION;
    }
}

newsidx_status_t newsidx_extract(const newsidx_extractor_t *x, newsidx_article_t *a)
{
    nx_said_t said = {0};
    nx_strv_t lo = {0};
    /* The word lists and the gazetteer's cues are English: text in
     * another language gets no speakers, locations or quotations rather
     * than wrong ones (its sender's tags still count). */
    if (!nx_extracts_language(a->language)) {
        nx_strv_free_array(a->speakers, a->n_speakers);
        nx_strv_free_array(a->locations, a->n_locations);
        free(a->speaker_kinds);
        nx_article_clear_quotes(a);
        nx_article_clear_aliases(a);
        a->speakers = a->locations = NULL;
        a->n_speakers = a->n_locations = 0;
        a->speaker_kinds = NULL;
        return NEWSIDX_OK;
    }
    if (!nx_said_find(a->title, a->body, &said) ||
        !nx_places_find(x->gaz, a->dateline, a->title, a->body, &lo)) {
        nx_said_clear(&said);
        nx_strv_free(&lo);
        return NEWSIDX_ERR_NOMEM;
    }
    governments_speak(x->gaz, &said, &lo);
    drop_place_aliases(x->gaz, &said, &lo);
    nx_strv_free_array(a->speakers, a->n_speakers);
    nx_strv_free_array(a->locations, a->n_locations);
    free(a->speaker_kinds);
    nx_article_clear_quotes(a);
    nx_article_clear_aliases(a);
    a->speakers = said.names.v;
    a->n_speakers = said.names.n;
    a->speaker_kinds = said.kinds;
    free(said.persons);
    said.persons = NULL;
    a->quotes = said.quotes;
    a->n_quotes = said.n_quotes;
    a->aliases = said.aliases;
    a->n_aliases = said.n_aliases;
    a->locations = lo.v;
    a->n_locations = lo.n;
    return NEWSIDX_OK;
}
