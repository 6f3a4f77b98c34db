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

#ifdef __cplusplus
}
#endif

#endif
