/* doc.c - the speaker finder's article: growing arrays, the hash
 * tables of word forms and entities, the word hash. */
#include "config.h"

#include "speakers-doc.h"

#include <stdlib.h>

bool sp_grow(doc_t *d, void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, nc * size);
    if (!q) {
        d->oom = true;
        return false;
    }
    *p = q;
    *cap = nc;
    return true;
}

static bool htab_alloc(doc_t *d, htab_t *h, size_t cap, unsigned shift)
{
    h->s = calloc(cap, sizeof *h->s);
    h->cap = cap;
    h->shift = shift;
    h->used = 0;
    if (!h->s)
        d->oom = true;
    return h->s != NULL;
}

/* A table for about n keys; it grows if more come. */
bool sp_htab_init(doc_t *d, htab_t *h, size_t n)
{
    size_t cap = 64;
    unsigned shift = 58;
    while (cap < 2 * n + 16) {
        cap *= 2;
        shift--;
    }
    return htab_alloc(d, h, cap, shift);
}

/* Fibonacci hashing spreads keys whose low bits agree. */
static size_t htab_home(const htab_t *h, uint64_t k)
{
    return (size_t)((k * UINT64_C(0x9e3779b97f4a7c15)) >> h->shift);
}

const hslot_t * sp_htab_find(const htab_t *h, uint64_t k)
{
    size_t i = htab_home(h, k);
    while (h->s[i].h && h->s[i].h != k)
        i = (i + 1) & (h->cap - 1);
    return h->s[i].h ? &h->s[i] : NULL;
}

static bool htab_grow(doc_t *d, htab_t *h)
{
    htab_t old = *h;
    if (!htab_alloc(d, h, old.cap * 2, old.shift - 1)) {
        *h = old;
        return false;
    }
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.s[i].h)
            continue;
        size_t j = htab_home(h, old.s[i].h);
        while (h->s[j].h)
            j = (j + 1) & (h->cap - 1);
        h->s[j] = old.s[i];
        h->used++;
    }
    free(old.s);
    return true;
}

/* The slot of key k (0 never occurs: keys have their low bit set),
 * claimed if new; NULL when out of memory.  The pointer is good until
 * the next claim. */
hslot_t * sp_htab_slot(doc_t *d, htab_t *h, uint64_t k)
{
    if (2 * (h->used + 1) > h->cap && !htab_grow(d, h))
        return NULL;
    size_t i = htab_home(h, k);
    while (h->s[i].h && h->s[i].h != k)
        i = (i + 1) & (h->cap - 1);
    if (!h->s[i].h) {
        h->s[i].h = k;
        h->s[i].ent = -1;
        h->used++;
    }
    return &h->s[i];
}

/* Case-blind hash of a word, apostrophes and periods ignored ("O’Neil"
 * is "O'Neil", "U.S." is "US"). */
uint64_t sp_hash_word(const char *s, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            i += 2;
            continue;
        }
        if (c == '.' || c == '\'')
            continue;
        if (c >= 'A' && c <= 'Z')
            c += 32;
        h = (h ^ c) * UINT64_C(0x100000001b3);
    }
    return h | 1;
}
