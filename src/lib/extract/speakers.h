/* speakers.h - who is quoted: attribution of speech in news text.
 *
 * Pure text processing: no gazetteer, no database. */
#ifndef NX_SPEAKERS_H
#define NX_SPEAKERS_H

#include "nx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends to out the people and organisations to whom the article
 * attributes speech or a stated position, once each, under the fullest
 * form of the name the article uses ("Pete Hegseth", not "Hegseth"),
 * without titles or possessives, in order of first attribution.
 * title may be NULL.  false only when out of memory. */
bool nx_speakers_find(const char *title, const char *body, nx_strv_t *out);

/* What an article says who said: the speakers as above, the kind of
 * each, and the quotations of the body given to them (in body order,
 * offsets in characters of the body, each speaker one of names). */
typedef struct nx_said {
    nx_strv_t names;
    newsidx_kind_t *kinds;      /* names.n kinds */
    bool *persons;              /* names.n: the article shows a person
                                   (a title, a given name, a sex) */
    newsidx_quote_t *quotes;
    size_t n_quotes;
    newsidx_alias_t *aliases;   /* other forms of names, each pair once */
    size_t n_aliases;
} nx_said_t;

/* Fills a zeroed *out; false only when out of memory (*out then holds
 * what was found so far: clear it). */
bool nx_said_find(const char *title, const char *body, nx_said_t *out);
void nx_said_clear(nx_said_t *s);

#ifdef __cplusplus
}
#endif

#endif
