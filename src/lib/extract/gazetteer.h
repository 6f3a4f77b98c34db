/* gazetteer.h - the loaded place table, as places.c sees it.  Private to
 * the library: the public side is places.h. */
#ifndef NX_GAZETTEER_H
#define NX_GAZETTEER_H

#include "places.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Place classes, one bit each (the letters of data/gazetteer.tsv). */
enum {
    NX_PC_COUNTRY = 1 << 0,   /* C */
    NX_PC_STATE = 1 << 1,     /* S: first-level subdivision */
    NX_PC_REGION = 1 << 2,    /* R: continent, sea, well-known area */
    NX_PC_CAPITAL = 1 << 3,   /* K: national capital */
    NX_PC_SEAT = 1 << 4,      /* B: first-level admin seat */
    NX_PC_DEMONYM = 1 << 5,   /* D: "Russian" -> Russia */
    NX_PC_SUBDIV = 1 << 6,    /* T: lower subdivision */
    NX_PC_CITY = 1 << 7,      /* P: other populated place */
    NX_PC_ABBREV = 1 << 8,    /* A: "Ga.", only after "City, " */
    NX_PC_NONE = 1 << 9,      /* X: never a place by itself */
    NX_PC_ACRONYM = 1 << 10   /* written in capitals: "US", "EU" */
};

typedef struct nx_place {
    uint32_t line;            /* offset of its line in the table */
    uint32_t pop;             /* population in thousands */
    int32_t next;             /* next place with the same key, or -1 */
    uint16_t classes;         /* NX_PC_* */
} nx_place_t;

/* Folds [s, s+n) into a lookup key in out (cap bytes): letters small,
 * Latin accents dropped, periods dropped, runs of spaces and hyphens made
 * one space, curly apostrophes straight.  Returns the key's length, or
 * 0 when it is empty or does not fit. */
size_t nx_place_key(const char *s, size_t n, char *out, size_t cap);

/* The first place filed under key (made by nx_place_key), or NULL.
 * *prefix (may be NULL) tells whether some longer name starts with the
 * key followed by a space. */
const nx_place_t *nx_gazetteer_lookup(const nx_gazetteer_t *g, const char *key, size_t n,
                                      bool *prefix);
const nx_place_t *nx_gazetteer_next(const nx_gazetteer_t *g, const nx_place_t *p);

/* The canonical name of p (not NUL-terminated) and its length. */
const char *nx_place_name(const nx_gazetteer_t *g, const nx_place_t *p, size_t *len);

/* The name p is filed under, as the table spells it ("Valparaíso"). */
const char *nx_place_spelling(const nx_gazetteer_t *g, const nx_place_t *p, size_t *len);

/* The countries places so named are in: *n two-letter codes, run
 * together, most populous first (none for regions). */
const char *nx_place_countries(const nx_gazetteer_t *g, const nx_place_t *p, size_t *n);

#ifdef __cplusplus
}
#endif

#endif
