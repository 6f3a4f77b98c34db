/* speakers-doc.h - one article as the speaker finder reads it: its
 * tokens, name runs, entities and attributions, shared by the passes
 * (one file each, run in this order by speakers.c):
 *   tokens.c       words, punctuation, quotation state, sentence starts;
 *   proper.c       which capitalised words belong to names;
 *   names.c        name runs and the entities they name;
 *   attribution.c  cues and the subjects they give the words to;
 *   resolve.c      pronouns and descriptions resolved to entities;
 *   speakers.c     the driver, and the names output.
 * Private to src/lib/extract. */
#ifndef NX_SPEAKERS_DOC_H
#define NX_SPEAKERS_DOC_H

#include "nx.h"
#include "words.h"

#include <stdint.h>
#include <string.h>

#define MAX_TEXT (UINT32_C(1) << 30)    /* offsets are 32-bit */

/* ------------------------------------------------------------------ */
/* Tokens                                                              */
/* ------------------------------------------------------------------ */

enum {
    K_WORD, K_NUM, K_COMMA, K_END, K_COLON, K_SEMI, K_QOPEN, K_QCLOSE, K_DASH,
    K_LPAR, K_RPAR, K_OTHER
};

enum {
    F_CAP = 1 << 0,     /* starts with a capital letter */
    F_LOWER = 1 << 1,   /* starts with a lower-case letter */
    F_ACRO = 1 << 2,    /* two or more letters, all capitals: NATO, U.S. */
    F_POSS = 1 << 3,    /* a possessive 's or ' follows (not in len) */
    F_START = 1 << 4,   /* first word of a sentence or quotation */
    F_QUOTED = 1 << 5,  /* inside a quotation */
    F_HEAD = 1 << 6,    /* in the headline */
    F_PROPER = 1 << 7,  /* part of a name */
    F_PERIOD = 1 << 8,  /* keeps its period: "Sen.", "U.S." */
    F_INITIAL = 1 << 9, /* one capital and a period: "C." */
};

typedef struct tok {
    uint64_t hash;          /* sp_hash_word() of a word, 0 until needed */
    uint32_t off, len;
    uint32_t para;
    int32_t run;            /* the name run holding this word, or -1 */
    const wentry_t *w;      /* word class entry, or NULL */
    uint16_t flags;
    uint8_t kind;
} tok_t;

enum { R_NONE, R_PERSON, R_ORG, R_OTHER };

typedef struct run {
    uint32_t a, b;          /* tokens of the run */
    uint32_t na, nb;        /* tokens of the name in it (valid if kind) */
    int32_t ent;
    const wentry_t *title;  /* title written before the name */
    uint8_t kind;
    uint8_t sex;            /* 0 unknown, 1 male, 2 female */
    bool person;            /* the run itself shows a person */
} run_t;

typedef struct entity {
    uint32_t best;          /* run holding the fullest form */
    uint32_t nwords;
    uint64_t key, first;    /* surname (or whole org name), first word */
    int32_t next;           /* next entity with the same key */
    int32_t alias;          /* the person a lone given name stands for, or -1 */
    int32_t full;           /* the organisation an acronym spells, or -1 */
    uint32_t mentions;
    uint32_t places;        /* mentions after "in", "at", "from": a place? */
    uint32_t first_tok, last_tok;   /* first and latest mention */
    const wentry_t *title;
    const wentry_t *noun;   /* what an appositive calls it: "a citizens' group" */
    uint8_t kind, sex;      /* sex: 0 unknown, 1 male, 2 female, from a title */
    uint16_t he, she;       /* pronouns that could only mean this person */
    bool person;            /* known to be a person */
    bool said;              /* subject of a cue */
    bool out;               /* already output */
    bool narrated;          /* named outside quotations too */
    int32_t name;           /* index of its name in the output, or -1 */
    /* an organisation named by a person and a head noun: "Clinton campaign" */
    uint32_t head_tok;      /* 0 when not such a compound */
} entity_t;

enum { A_ENT, A_PRONOUN, A_NOMINAL };

typedef struct attr {
    uint32_t anchor;        /* token of the subject (or pronoun, noun) */
    uint32_t cue;           /* token of the cue (verb, colon) */
    int32_t ent;            /* -1 until resolved */
    const wentry_t *noun;   /* A_NOMINAL: the describing noun */
    uint8_t how, sex;
    bool weak;              /* a colon: needs a known person or organisation */
} attr_t;

typedef struct hslot {
    uint64_t h;
    uint32_t lower, capmid; /* for word forms */
    int32_t ent;            /* for entity keys */
} hslot_t;

typedef struct htab {
    hslot_t *s;
    size_t cap, used;       /* cap: a power of two, at least twice used */
    unsigned shift;         /* 64 - log2(cap) */
} htab_t;

typedef struct doc {
    const char *s;
    size_t n, head_end;
    bool head_titlecase, head_capitals;
    tok_t *t;
    size_t nt, capt;
    run_t *r;
    size_t nr, capr;
    entity_t *e;
    size_t ne, cape;
    attr_t *a;
    size_t na, capa;
    htab_t forms, ents;
    uint32_t cue;           /* the cue being read, while attributing */
    struct quote_span *q;   /* quotations found (quotes.c) */
    size_t nq, capq;
    bool oom;
} doc_t;

/* A quotation as quotes.c finds it: tokens of its marks, its bytes in
 * the text, and the attribution that gives it a speaker. */
typedef struct quote_span {
    uint32_t open, close;   /* tokens of the opening and closing marks */
    uint32_t start, end;    /* bytes of the quoted words in d->s */
    uint32_t until;         /* end of the whole quotation, its pieces
                               included (see next) */
    int32_t attr;           /* index into d->a, or -1 */
    int32_t next;           /* the piece that continues it after its own
                               attribution ("“...,” she said, “...”"), -1 */
    bool piece;             /* continues an earlier span: not output alone */
    bool elided;            /* a piece after words of the writer's, not
                               after its attribution: "a “...” that
                               allows “...”" */
    bool indirect;          /* reported speech, no quotation marks */
} quote_span_t;

/* ------------------------------------------------------------------ */
/* Shared helpers (doc.c)                                              */
/* ------------------------------------------------------------------ */

/* Makes room for element n of the array *p of *cap elements; false (and
 * d->oom) when out of memory. */
bool sp_grow(doc_t *d, void **p, size_t *cap, size_t n, size_t size);

/* A table for about n keys; it grows if more come. */
bool sp_htab_init(doc_t *d, htab_t *h, size_t n);
const hslot_t *sp_htab_find(const htab_t *h, uint64_t k);
/* The slot of key k (0 never occurs: keys have their low bit set),
 * claimed if new; NULL when out of memory.  The pointer is good until
 * the next claim. */
hslot_t *sp_htab_slot(doc_t *d, htab_t *h, uint64_t k);

/* Case-blind hash of a word, apostrophes and periods ignored ("O’Neil"
 * is "O'Neil", "U.S." is "US"). */
uint64_t sp_hash_word(const char *s, size_t n, uint64_t h);

/* ------------------------------------------------------------------ */
/* What a token is                                                     */
/* ------------------------------------------------------------------ */

static inline uint32_t bits_of(const doc_t *d, size_t i)
{
    return d->t[i].w ? d->t[i].w->bits : 0;
}

static inline bool is_word(const doc_t *d, long i)
{
    return i >= 0 && (size_t)i < d->nt && d->t[i].kind == K_WORD;
}

/* A lower-case word of the given classes. */
static inline bool lower_of(const doc_t *d, long i, uint32_t bits)
{
    return is_word(d, i) && (d->t[i].flags & F_LOWER) && (bits_of(d, (size_t)i) & bits);
}

/* Whether token i is the word w (lower case), in any case.  Always
 * inlined, so that the length of the literal w is known. */
static inline __attribute__((always_inline)) bool tok_is(const doc_t *d, long i, const char *w)
{
    if (!is_word(d, i))
        return false;
    const tok_t *t = &d->t[i];
    if ((d->s[t->off] | 32) != w[0])
        return false;           /* most comparisons end here */
    size_t n = strlen(w);
    if (t->len != n)
        return false;
    for (size_t k = 1; k < n; k++) {
        char c = d->s[t->off + k];
        if (c >= 'A' && c <= 'Z')
            c += 32;
        if (c != w[k])
            return false;
    }
    return true;
}

static inline bool ends_with(const doc_t *d, long i, const char *suffix)
{
    const tok_t *t = &d->t[i];
    size_t n = strlen(suffix);
    return t->len > n + 2 && memcmp(d->s + t->off + t->len - n, suffix, n) == 0;
}

/* The hash of word i alone, computed once. */
static inline uint64_t word_key(const doc_t *d, size_t i)
{
    tok_t *t = &d->t[i];
    if (!t->hash)
        t->hash = sp_hash_word(d->s + t->off, t->len, NX_HASH64_INIT);
    return t->hash;
}

static inline uint64_t tok_hash(const doc_t *d, size_t i, uint64_t h)
{
    return sp_hash_word(d->s + d->t[i].off, d->t[i].len, h);
}

static inline bool same_zone(const doc_t *d, size_t i, size_t j)
{
    return ((d->t[i].flags ^ d->t[j].flags) & (F_QUOTED | F_HEAD)) == 0 &&
           d->t[i].para == d->t[j].para;
}

static inline bool proper(const doc_t *d, long i)
{
    return is_word(d, i) && (d->t[i].flags & F_PROPER);
}

/* ------------------------------------------------------------------ */
/* The passes                                                          */
/* ------------------------------------------------------------------ */

void sp_tokenize(doc_t *d);                 /* tokens.c */
void sp_mark_proper(doc_t *d);              /* proper.c */
void sp_build_runs(doc_t *d);               /* names.c */
void sp_link_entities(doc_t *d);
void sp_appositive_kinds(doc_t *d);
/* The organisation a name and a head noun make: "the Clinton campaign". */
int32_t sp_entity_for_compound(doc_t *d, size_t run, size_t head);
/* The entity e stands for (a lone given name for the full name). */
int32_t sp_final_entity(const doc_t *d, int32_t e);
void sp_find_attributions(doc_t *d);        /* attribution.c */
void sp_resolve(doc_t *d);                  /* resolve.c */
/* The person a pronoun at token i stands for when it introduces words:
 * the nearest fitting person named before it, or -1. */
int32_t sp_nearest_person(const doc_t *d, size_t i, uint8_t sex);
/* Whether entity e can be a pronoun of that sex (0: either): a person,
 * or a name not known to be an organisation, not of the other sex. */
bool sp_person_fits(const doc_t *d, int32_t e, uint8_t sex);
/* Records that a pronoun of that sex (1 male, 2 female) was given to
 * entity e, when e's sex was not known. */
void sp_learn_sex(doc_t *d, int32_t e, uint8_t sex);
/* The full name a short form stands for by the hand list ("Fed":
 * "Federal Reserve"), or NULL (aliases.c). */
const char *sp_hand_alias(const char *name);
/* The length of a firm's name without its legal suffix ("Acme Corp":
 * 4); the whole length when it has none. */
size_t sp_without_suffix(const char *name);
/* Quotations and reported speech, each given to one attribution
 * (quotes.c); before the names are output. */
void sp_find_quotes(doc_t *d);

#endif
