/* speakers.c - who is quoted: the people and organisations a news
 * article attributes speech or a stated position to.
 *
 * Pure text processing in a few linear passes over one article:
 *   1. tokens: words, punctuation, quotation state, sentence starts;
 *   2. proper words: capitalised words that belong to names, judged by how
 *      the article itself writes them elsewhere (a sentence-initial
 *      "Critics" is no name when the article also writes "critics");
 *   3. name runs ("U.S. Defense Secretary Pete Hegseth") reduced to the
 *      name they hold ("Pete Hegseth") and grouped into entities, so that
 *      a later "Hegseth" or "Mr. Hegseth" is the same person;
 *   4. attribution cues ("said", "told", "according to", a colon before a
 *      quotation) and the subject each one gives the words to;
 *   5. pronouns and descriptions ("he said", "the senator said") resolved
 *      to the one person the text can mean, or dropped.
 * Quoted words never supply a speaker, and a name never comes from a
 * phrase governed by a preposition ("told The Associated Press"). */
#include "config.h"

#include "speakers.h"
#include "speakers-words.h"
#include "utf8.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Word classes                                                        */
/* ------------------------------------------------------------------ */

#define WORD_MAX 24             /* longer words are in no class */
#define MAX_TEXT (UINT32_C(1) << 30)    /* offsets are 32-bit */

typedef struct wentry {
    char w[WORD_MAX];
    uint8_t len;
    uint32_t bits;
    const char *canon;          /* canonical title ("senator" for "sen") */
    uint8_t canon_len;
} wentry_t;

static wentry_t wtab[2048];      /* the lists hold about 1300 entries */
static size_t n_words;
/* An open-addressing index over wtab: slot holds index + 1, 0 is empty. */
#define WINDEX_SIZE 4096
static uint16_t windex[WINDEX_SIZE];
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static int wentry_cmp(const void *a, const void *b)
{
    const wentry_t *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->w, y->w, n);
    return c ? c : (int)x->len - (int)y->len;
}

static uint32_t word_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

/* Parses the lists once into a sorted table; a word listed in several
 * classes gets all their bits. */
static void words_init(void)
{
    for (size_t l = 0; l < NX_ARRAY_LEN(nx_word_lists); l++) {
        const char *p = nx_word_lists[l].words;
        while (*p) {
            while (*p == ' ')
                p++;
            const char *w = p;
            while (*p && *p != ' ' && *p != '=')
                p++;
            size_t wl = (size_t)(p - w);
            const char *canon = w;
            size_t cl = wl;
            if (*p == '=') {
                canon = ++p;
                while (*p && *p != ' ')
                    p++;
                cl = (size_t)(p - canon);
            }
            if (wl == 0 || wl >= WORD_MAX || n_words >= NX_ARRAY_LEN(wtab))
                continue;
            wentry_t *e = &wtab[n_words++];
            memcpy(e->w, w, wl);
            e->len = (uint8_t)wl;
            e->bits = nx_word_lists[l].bits;
            e->canon = (nx_word_lists[l].bits & W_TITLE) ? canon : NULL;
            e->canon_len = (uint8_t)cl;
        }
    }
    qsort(wtab, n_words, sizeof wtab[0], wentry_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n_words; i++) {
        if (k > 0 && wentry_cmp(&wtab[k - 1], &wtab[i]) == 0) {
            wtab[k - 1].bits |= wtab[i].bits;
            if (!wtab[k - 1].canon) {
                wtab[k - 1].canon = wtab[i].canon;
                wtab[k - 1].canon_len = wtab[i].canon_len;
            }
        } else {
            wtab[k++] = wtab[i];
        }
    }
    n_words = k;
    for (size_t i = 0; i < n_words; i++) {
        size_t h = (size_t)word_hash(wtab[i].w, wtab[i].len) & (WINDEX_SIZE - 1);
        while (windex[h])
            h = (h + 1) & (WINDEX_SIZE - 1);
        windex[h] = (uint16_t)(i + 1);
    }
}

/* The class entry of a word, compared in lower case without periods and
 * with a typographic apostrophe read as a plain one. */
static inline __attribute__((always_inline)) const wentry_t *word_lookup(const char *s, size_t n)
{
    char key[WORD_MAX];
    size_t k = 0;
    uint32_t fnv = 2166136261u;     /* word_hash() of the key, as it is made */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.')
            continue;
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            c = '\'';
            i += 2;
        }
        if (k + 1 >= WORD_MAX)
            return NULL;
        c = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
        key[k++] = (char)c;
        fnv = (fnv ^ c) * 16777619u;
    }
    if (k == 0)
        return NULL;
    size_t h = (size_t)fnv & (WINDEX_SIZE - 1);
    for (; windex[h]; h = (h + 1) & (WINDEX_SIZE - 1)) {
        const wentry_t *e = &wtab[windex[h] - 1];
        if (e->len == k && memcmp(e->w, key, k) == 0)
            return e;
    }
    return NULL;
}

/* "Co-author", "Ex-Minister", "Vice-Chairman": a title after a prefix or
 * another title, read as the last title.  NULL for other words. */
static const wentry_t *compound_title(const char *s, size_t n)
{
    const char *dash = memchr(s, '-', n);
    if (!dash)
        return NULL;
    const char *last = dash;
    for (const char *p = dash + 1; p < s + n; p++)
        if (*p == '-')
            last = p;
    const wentry_t *tail = word_lookup(last + 1, (size_t)(s + n - last - 1));
    if (!tail || !(tail->bits & W_TITLE))
        return NULL;
    const wentry_t *head = word_lookup(s, (size_t)(dash - s));
    return head && (head->bits & (W_PREFIX | W_TITLE)) ? tail : NULL;
}

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
    uint64_t hash;          /* hash_word() of a word, 0 until needed */
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
    /* an organisation named by a person and a head noun: "Clinton campaign" */
    uint32_t head_tok;      /* 0 when not such a compound */
} entity_t;

enum { A_ENT, A_PRONOUN, A_NOMINAL };

typedef struct attr {
    uint32_t anchor;        /* token of the subject (or pronoun, noun) */
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
    bool oom;
} doc_t;

static bool grow(doc_t *d, void **p, size_t *cap, size_t n, size_t size)
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
static bool htab_init(doc_t *d, htab_t *h, size_t n)
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

static const hslot_t *htab_find(const htab_t *h, uint64_t k)
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
static hslot_t *htab_slot(doc_t *d, htab_t *h, uint64_t k)
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
static uint64_t hash_word(const char *s, size_t n, uint64_t h)
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

static uint32_t decode(const char *s, size_t n, size_t i, size_t *len)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    const char *p = s + i;
    uint32_t cp = nx_utf8_next(&p, s + n);
    *len = (size_t)(p - (s + i));
    if (*len == 0)
        *len = 1;
    return cp;
}

static bool cp_letter(uint32_t c)
{
    if (c < 0x80)
        return (c | 32) >= 'a' && (c | 32) <= 'z';
    return (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
           (c >= 0x370 && c <= 0x52f) || (c >= 0x1e00 && c <= 0x1eff);
}

static bool cp_upper(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    if (c >= 0xc0 && c <= 0xde)
        return c != 0xd7;
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177) || (c >= 0x1e00 && c <= 0x1eff))
        return !(c & 1);
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
        return c & 1;
    return (c >= 0x391 && c <= 0x3ab) || (c >= 0x400 && c <= 0x42f);
}

static bool cp_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == 0xa0 ||
           (c >= 0x2000 && c <= 0x200b) || c == 0x202f || c == 0x205f || c == 0x3000 ||
           c == 0xfeff;
}

static bool is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static bool word_char_at(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return false;
    size_t l;
    uint32_t c = decode(s, n, i, &l);
    return cp_letter(c) || is_digit(c);
}

typedef struct word_scan {
    size_t end, after;          /* end of the word; where scanning resumes */
    size_t letters, uppers;
    bool poss;                  /* a possessive 's or ' follows */
    bool hyphen;                /* a hyphen inside: "Co-author" */
} word_scan_t;

/* Scans the word starting at i. */
static void scan_word(const char *s, size_t n, size_t i, bool in_single, word_scan_t *w)
{
    size_t j = i, seg = 0;      /* seg: letters since the last period */
    w->poss = w->hyphen = false;
    w->letters = w->uppers = 0;
    while (j < n) {
        unsigned b = (unsigned char)s[j];
        bool alpha = (b | 32u) - 'a' < 26u;
        if (alpha || b - '0' < 10u) {
            if (alpha) {
                w->letters++;
                w->uppers += b <= 'Z';
            }
            j++;
            seg++;
            continue;
        }
        size_t l;
        uint32_t c = decode(s, n, j, &l);
        if (cp_letter(c)) {
            w->letters++;
            w->uppers += cp_upper(c);
            j += l;
            seg++;
            continue;
        }
        if ((c == '-' || c == '&') && word_char_at(s, n, j + 1)) {
            w->hyphen = w->hyphen || c == '-';
            j++;
            continue;
        }
        if (c == '\'' || c == 0x2019) {
            size_t k = j + l;
            if (word_char_at(s, n, k)) {
                if ((s[k] == 's' || s[k] == 'S') && !word_char_at(s, n, k + 1)) {
                    w->poss = true;
                    w->end = j;
                    w->after = k + 1;
                    return;
                }
                j = k;
                continue;
            }
            if (!in_single && j > i && (s[j - 1] == 's' || s[j - 1] == 'S') &&
                !(k < n && s[k] == '\'')) {
                w->poss = true;
                w->end = j;
                w->after = k;
                return;
            }
            break;
        }
        if (c == '.') {
            /* "U.S.", "a.m.": a period between short letter groups */
            if (seg <= 3 && j + 1 < n && ((s[j + 1] | 32) >= 'a' && (s[j + 1] | 32) <= 'z')) {
                j++;
                seg = 0;
                continue;
            }
            /* "Factcheck.org": a short lower-case domain ending */
            size_t e = j + 1;
            while (e < n && s[e] >= 'a' && s[e] <= 'z')
                e++;
            if (e - j >= 3 && e - j <= 4 && !word_char_at(s, n, e)) {
                j = e;
                break;
            }
            /* abbreviations are capitalised ("Gen."), hold a period
             * ("U.S.") or are short ("vs."): skip the lookup for others */
            bool maybe = (s[i] >= 'A' && s[i] <= 'Z') || seg < j - i || j - i <= 3;
            if (maybe && nx_period_is_abbrev(s, j))
                j++;
            break;
        }
        break;
    }
    w->end = w->after = j;
}

static void push_tok(doc_t *d, uint8_t kind, size_t off, size_t len, uint16_t flags,
                     uint32_t para)
{
    if (!grow(d, (void **)&d->t, &d->capt, d->nt, sizeof *d->t))
        return;
    tok_t *t = &d->t[d->nt++];
    t->off = (uint32_t)off;
    t->len = (uint32_t)len;
    t->para = para;
    t->run = -1;
    t->hash = 0;
    t->w = NULL;
    t->flags = flags;
    t->kind = kind;
}

/* Is the character before offset i a space, an opening bracket or the
 * start of the text?  Decides whether a straight quote opens. */
static bool opens_at(const char *s, size_t i)
{
    if (i == 0)
        return true;
    unsigned char c = (unsigned char)s[i - 1];
    if (c == ' ' || c == '\n' || c == '\t' || c == '(' || c == '[' || c == '{' || c == '/')
        return true;
    /* after an em or en dash or a no-break space */
    return i >= 2 && (((c == 0x94 || c == 0x93) && (unsigned char)s[i - 2] == 0x80) ||
                      (c == 0xa0 && (unsigned char)s[i - 2] == 0xc2));
}

static void tokenize(doc_t *d)
{
    const char *s = d->s;
    size_t n = d->n, i = 0;
    int nl = 0;
    bool start = true, dq = false, sq = false, any = false;
    uint32_t para = 0;
    while (i < n && !d->oom) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        size_t l;
        uint32_t c = decode(s, n, i, &l);
        if (c == '\n' || c == 0x2028 || c == 0x2029) {
            nl++;
            i += l;
            continue;
        }
        if (cp_space(c)) {
            i += l;
            continue;
        }
        if (nl >= 2 && any) {
            para++;
            start = true;
            dq = sq = false;
        }
        nl = 0;
        any = true;
        uint16_t q = (dq || sq) ? F_QUOTED : 0;
        if (cp_letter(c)) {
            word_scan_t ws;
            scan_word(s, n, i, sq, &ws);
            size_t end = ws.end;
            uint16_t f = q;
            if (cp_upper(c))
                f |= F_CAP;
            else
                f |= F_LOWER;
            if (s[end - 1] == '.')
                f |= F_PERIOD;
            if (ws.poss)
                f |= F_POSS;
            if (ws.letters >= 2 && ws.uppers == ws.letters)
                f |= F_ACRO;
            if (ws.letters == 1 && ws.uppers == 1 && (f & F_PERIOD))
                f |= F_INITIAL;
            /* "in the U.S. He said": an abbreviation followed by a
             * capitalised function word ended the sentence after all. */
            const wentry_t *w = word_lookup(s + i, end - i);
            if (!w && ws.hyphen)
                w = compound_title(s + i, end - i);
            if (!start && (f & F_CAP) && w && (w->bits & W_FUNC) && d->nt > 0) {
                const tok_t *p = &d->t[d->nt - 1];
                if (p->kind == K_WORD && (p->flags & F_PERIOD) && !(p->flags & F_INITIAL) &&
                    !(p->w && (p->w->bits & W_TITLE)))
                    start = true;
            }
            if (start)
                f |= F_START;
            start = false;
            push_tok(d, K_WORD, i, end - i, f, para);
            if (!d->oom)
                d->t[d->nt - 1].w = w;
            i = ws.after > i ? ws.after : i + 1;
            continue;
        }
        if (is_digit(c)) {
            size_t j = i;
            /* "1,100", "3.5%", "81-year-old" */
            while (j < n && (word_char_at(s, n, j) ||
                             ((s[j] == '.' || s[j] == ',' || s[j] == ':') && j + 1 < n &&
                              is_digit((unsigned char)s[j + 1])) ||
                             (s[j] == '-' && word_char_at(s, n, j + 1)) || s[j] == '%'))
                j++;
            push_tok(d, K_NUM, i, j - i, q | (start ? F_START : 0), para);
            start = false;
            i = j;
            continue;
        }
        /* Some papers type a double quotation mark as two apostrophes
         * or, opening, as two backquotes. */
        if ((c == '\'' || c == '`') && i + 1 < n && s[i + 1] == (char)c &&
            !(sq && c == '\'' && i + 2 < n && s[i + 2] == '\'')) {
            c = c == '`' ? 0x201c : '"';
            l = 2;
        }
        uint8_t kind = K_OTHER;
        switch (c) {
        case ',':
            kind = K_COMMA;
            break;
        case ';':
            kind = K_SEMI;
            break;
        case ':':
            kind = K_COLON;
            start = true;
            break;
        case '(': case '[': case '{':
            kind = K_LPAR;
            break;
        case ')': case ']': case '}':
            kind = K_RPAR;
            break;
        case '.': case '!': case '?':
            if (c == '.' && i + 1 < n && s[i + 1] == '.') {
                while (i < n && s[i] == '.')
                    i++;
                push_tok(d, K_OTHER, i - 1, 1, q, para);
                continue;
            }
            kind = K_END;
            start = true;
            break;
        case '"':
            if (dq) {
                kind = K_QCLOSE;
                dq = sq = false;
            } else if (opens_at(s, i)) {
                kind = K_QOPEN;
                dq = true;
                start = true;
            }
            break;
        case 0x201c: case 0x201e: case 0xab:
            if (dq && (i + l >= n || s[i + l] == ' ' || s[i + l] == '\n')) {
                kind = K_QCLOSE;        /* a mistyped closing mark */
                dq = sq = false;
                break;
            }
            kind = K_QOPEN;
            dq = true;
            start = true;
            break;
        case 0x201d: case 0xbb:
            kind = K_QCLOSE;
            dq = sq = false;
            break;
        case 0x2018:
            kind = K_QOPEN;
            sq = true;
            start = true;
            break;
        case 0x2019: case '\'':
            if (sq) {
                kind = K_QCLOSE;
                sq = false;
            } else if (opens_at(s, i) && word_char_at(s, n, i + l)) {
                kind = K_QOPEN;
                sq = true;
                start = true;
            }
            break;
        case 0x2014: case 0x2013: case 0x2015:
            kind = K_DASH;
            break;
        case '-':
            if ((i + 1 < n && s[i + 1] == '-') || (opens_at(s, i) && i + 1 < n && s[i + 1] == ' '))
                kind = K_DASH;
            while (i + 1 < n && s[i + 1] == '-')
                i++;
            break;
        default:
            break;
        }
        if (kind == K_END && d->nt > 0 && d->t[d->nt - 1].kind == K_END) {
            i += l;
            continue;
        }
        if (kind == K_QOPEN || kind == K_QCLOSE)
            q = 0;
        push_tok(d, kind, i, l, q, para);
        i += l;
    }
    for (size_t k = 0; k < d->nt; k++)
        if (d->t[k].off < d->head_end)
            d->t[k].flags |= F_HEAD;
}

/* ------------------------------------------------------------------ */
/* Proper words                                                        */
/* ------------------------------------------------------------------ */

static uint32_t bits_of(const doc_t *d, size_t i)
{
    return d->t[i].w ? d->t[i].w->bits : 0;
}

static bool is_word(const doc_t *d, long i)
{
    return i >= 0 && (size_t)i < d->nt && d->t[i].kind == K_WORD;
}

/* A lower-case word of the given classes. */
static bool lower_of(const doc_t *d, long i, uint32_t bits)
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

static bool ends_with(const doc_t *d, long i, const char *suffix)
{
    const tok_t *t = &d->t[i];
    size_t n = strlen(suffix);
    return t->len > n + 2 && memcmp(d->s + t->off + t->len - n, suffix, n) == 0;
}

/* The hash of word i alone, computed once. */
static uint64_t word_key(const doc_t *d, size_t i)
{
    tok_t *t = &d->t[i];
    if (!t->hash)
        t->hash = hash_word(d->s + t->off, t->len, NX_HASH64_INIT);
    return t->hash;
}

static uint64_t tok_hash(const doc_t *d, size_t i, uint64_t h)
{
    return hash_word(d->s + d->t[i].off, d->t[i].len, h);
}

static bool same_zone(const doc_t *d, size_t i, size_t j)
{
    return ((d->t[i].flags ^ d->t[j].flags) & (F_QUOTED | F_HEAD)) == 0 &&
           d->t[i].para == d->t[j].para;
}

/* Headlines in title case capitalise every word, so there a word counts
 * as part of a name only if the body capitalises it too. */
static void find_titlecase(doc_t *d)
{
    size_t cap = 0, low = 0, all = 0;
    for (size_t i = 0; i < d->nt && (d->t[i].flags & F_HEAD); i++) {
        if (d->t[i].kind != K_WORD || d->t[i].len < 4)
            continue;
        if (d->t[i].flags & F_CAP)
            cap++;
        else
            low++;
        all += (d->t[i].flags & F_ACRO) != 0;
    }
    d->head_titlecase = cap >= 3 && cap > 3 * low;
    d->head_capitals = d->head_titlecase && all * 2 > cap;
}

/* "WASHINGTON, June 10 (UPI) —" opening a paragraph names a place:
 * its words are flagged as if quoted, so they never form a name. */
static void skip_datelines(doc_t *d)
{
    for (size_t i = 0; i < d->nt; i++) {
        const tok_t *t = &d->t[i];
        if (!(t->flags & F_ACRO) || (i > 0 && d->t[i - 1].para == t->para))
            continue;
        nx_dateline_t dl;
        if (!nx_dateline_scan(d->s + t->off, d->n - t->off, &dl))
            continue;
        for (size_t k = i; k < d->nt && d->t[k].off < t->off + dl.len; k++)
            d->t[k].flags |= F_QUOTED;
    }
}

/* Flags the words that belong to names: capitalised words inside a
 * sentence; at its start, or in a title-case headline, only those the
 * article does not otherwise write in lower case. */
static void mark_proper(doc_t *d)
{
    size_t nw = 0;
    for (size_t i = 0; i < d->nt; i++)
        nw += d->t[i].kind == K_WORD;
    if (!htab_init(d, &d->forms, nw / 2))
        return;
    for (size_t i = 0; i < d->nt; i++) {
        const tok_t *t = &d->t[i];
        if (t->kind != K_WORD || (t->flags & F_HEAD))
            continue;
        hslot_t *h = htab_slot(d, &d->forms, word_key(d, i));
        if (!h)
            return;
        if (t->flags & F_LOWER)
            h->lower++;
        else if (!(t->flags & F_START))
            h->capmid++;
    }
    find_titlecase(d);
    skip_datelines(d);
    for (size_t i = 0; i < d->nt; i++) {
        tok_t *t = &d->t[i];
        if (t->kind != K_WORD || !(t->flags & F_CAP))
            continue;
        uint32_t b = bits_of(d, i);
        /* "Jun", "Mar": a month only before a day or with its period */
        if ((b & W_TIME) && t->len == 3 && !(t->flags & F_PERIOD) &&
            !(i + 1 < d->nt && d->t[i + 1].kind == K_NUM))
            b &= ~(uint32_t)W_TIME;
        if (t->flags & F_INITIAL) {
            t->flags |= F_PROPER;       /* "A." in "James A. Lewis" is no article */
            continue;
        }
        if (b & (W_FUNC | W_TIME | W_HE | W_SHE | W_THEY))
            continue;
        const hslot_t *h = htab_find(&d->forms, word_key(d, i));
        uint32_t lower = h ? h->lower : 0, capmid = h ? h->capmid : 0;
        bool head = (t->flags & F_HEAD) && d->head_titlecase;
        if (head) {
            /* an acronym stands out, unless the whole headline is capitals */
            bool acro = (t->flags & F_ACRO) && !d->head_capitals;
            if ((b & (W_CUE | W_GENERIC)) || (!capmid && !(b & W_TITLE) && !acro))
                continue;
            if (lower > capmid)
                continue;
        } else if (t->flags & F_START) {
            if (b & (W_GENERIC | W_CUE | W_AUX | W_CONJ | W_DET | W_PREP))
                continue;
            /* "New York Times", "Standard Oil": a common word opening a
             * name that goes on */
            const tok_t *nt = i + 1 < d->nt ? &d->t[i + 1] : NULL;
            bool name_follows = nt && nt->kind == K_WORD && (nt->flags & F_CAP) && !(t->flags & F_POSS) &&
                                !(bits_of(d, i + 1) & (W_FUNC | W_TIME | W_CUE)) && same_zone(d, i, i + 1);
            /* "Port of Antwerp", "Bank of Japan": an organisation's word
             * and its complement */
            bool org_of = (b & W_ORG) && tok_is(d, (long)i + 1, "of") && is_word(d, (long)i + 2) &&
                          (d->t[i + 2].flags & F_CAP) && same_zone(d, i, i + 2);
            if (lower > capmid && !name_follows && !org_of)
                continue;
            /* "Partisans on both sides warn": a plural never seen inside
             * a sentence, before a lower-case word, is a common noun;
             * "Shortly after", "Back in 1999": nor is a word opening a
             * sentence before a preposition or a time */
            bool next_lower = is_word(d, (long)i + 1) && (d->t[i + 1].flags & F_LOWER);
            if (!capmid && !(t->flags & (F_ACRO | F_POSS)) && next_lower && !(b & (W_TITLE | W_ORG)) &&
                ((t->len > 3 && d->s[t->off + t->len - 1] == 's' && d->s[t->off + t->len - 2] != 's') ||
                 (bits_of(d, i + 1) & (W_PREP | W_TIME)) || tok_is(d, (long)i + 1, "last") ||
                 ends_with(d, (long)i, "ly")))
                continue;
        }
        t->flags |= F_PROPER;
    }
}

/* ------------------------------------------------------------------ */
/* Name runs and entities                                              */
/* ------------------------------------------------------------------ */

static bool proper(const doc_t *d, long i)
{
    return is_word(d, i) && (d->t[i].flags & F_PROPER);
}

/* Whether run tokens a..b end with an organisation word, or hold one
 * followed by "of" ("Department of Justice"). */
static bool run_is_org(const doc_t *d, size_t a, size_t b)
{
    /* "CEO of Acme Corp": an office, not the company */
    if ((bits_of(d, a) & W_TITLE) && !(bits_of(d, a) & W_ORG) && a < b &&
        (tok_is(d, (long)a + 1, "of") || tok_is(d, (long)a + 1, "for")))
        return false;
    if (bits_of(d, b) & (W_ORG | W_CORP))
        return true;
    if (a == b && (d->t[b].flags & F_ACRO) && !(d->t[b].flags & F_PERIOD) && !d->t[b].w)
        return true;
    /* "Department of Justice", but not "Bank of America CEO Ann Lee" */
    bool of = false;
    for (size_t i = a; i < b; i++) {
        if ((bits_of(d, i) & W_ORG) && (d->t[i].flags & F_CAP) && tok_is(d, (long)i + 1, "of"))
            of = true;
        else if (of && (bits_of(d, i) & W_TITLE) && (d->t[i].flags & F_CAP))
            return false;
    }
    return of;
}

static uint8_t sex_of(const wentry_t *w)
{
    if (!w)
        return 0;
    if (w->bits & W_MALE)
        return 1;
    if (w->bits & W_FEMALE)
        return 2;
    return 0;
}

/* Splits a run into its title part and the name it holds. */
static void analyse_run(doc_t *d, run_t *r)
{
    size_t a = r->a, b = r->b;
    r->kind = R_OTHER;
    r->na = (uint32_t)a;
    r->nb = (uint32_t)b;
    /* a lower-case title just before: "spokeswoman Haley Morris",
     * "secretary of state Ann Lee" */
    long k = (long)a - 1;
    if (tok_is(d, k - 1, "of") && lower_of(d, k - 2, W_TITLE))
        k -= 2;
    if (lower_of(d, k, W_TITLE) && same_zone(d, (size_t)k, a)) {
        r->title = d->t[k].w;
        r->person = true;
    }
    /* "the Department", "Corp", "S": no name by themselves */
    if (a == b && ((bits_of(d, a) & W_KIND) || d->t[a].len == 1)) {
        r->kind = R_NONE;
        return;
    }
    if (run_is_org(d, a, b)) {
        r->kind = R_ORG;
        return;
    }
    /* the last title followed by more of the run */
    long t = -1;
    for (size_t i = a; i < b; i++)
        if ((bits_of(d, i) & W_TITLE) && (d->t[i].flags & F_CAP) && !(bits_of(d, i + 1) & W_TITLE))
            t = (long)i;
    if (t >= 0) {
        r->title = d->t[t].w;
        r->person = true;
        r->sex = sex_of(d->t[t].w);
        size_t start = (size_t)t + 1, last_conn = 0;
        for (size_t i = start; i <= b; i++)
            if (tok_is(d, (long)i, "of") || tok_is(d, (long)i, "for") || tok_is(d, (long)i, "the"))
                last_conn = i;
        if (last_conn) {
            /* "Secretary of State for Defence John Healey": after the
             * complement, a given name and a surname. */
            size_t na = b;
            if ((bits_of(d, na) & W_SUFFIX) && na > last_conn + 2)
                na--;
            while (na > last_conn + 2 && (d->t[na - 1].flags & F_INITIAL))
                na--;
            if (na > last_conn + 2 && proper(d, (long)na - 1) && !(bits_of(d, na - 1) & (W_TITLE | W_ORG)))
                na--;
            if (na <= last_conn + 1 || (bits_of(d, b) & (W_ORG | W_CORP))) {
                r->kind = R_NONE;
                return;
            }
            start = na;
        }
        r->na = (uint32_t)start;
    } else {
        /* "Republican Ted Cruz": a party or people as a modifier */
        while (r->na < b && (bits_of(d, r->na) & W_GROUP))
            r->na++;
        /* "President", "Vice President", "OSCE Envoy": an office; but
         * "Steve King" is a name */
        if ((bits_of(d, b) & W_TITLE) &&
            (a == b || (bits_of(d, b - 1) & W_TITLE) || !(bits_of(d, b) & W_NAMELIKE))) {
            r->kind = R_NONE;
            return;
        }
    }
    if (bits_of(d, r->nb) & W_GROUP) {
        r->kind = R_NONE;           /* "Senate Republicans" */
        return;
    }
    for (size_t i = r->na; i <= r->nb; i++)
        if (d->t[i].flags & F_INITIAL)
            r->person = true;
    if (r->person)
        r->kind = R_PERSON;
}

/* Whether the capitalised words from token k on reach a word of the
 * given classes: "Exchange Commission" after "Securities and". */
static bool reaches(const doc_t *d, size_t k, uint32_t bits)
{
    for (size_t m = k; m < k + 5 && proper(d, (long)m) && same_zone(d, k, m); m++) {
        if (bits_of(d, m) & bits)
            return true;
    }
    return false;
}

/* Whether word i is a plural with its possessive apostrophe: "Farmers’". */
static bool plural_possessive(const doc_t *d, size_t i)
{
    const tok_t *t = &d->t[i];
    const char *e = d->s + t->off + t->len, *end = d->s + d->n;
    if (!(t->flags & F_POSS) || (e[-1] | 32) != 's')
        return false;
    if (e < end && *e == '\'')
        e++;
    else if (end - e >= 3 && memcmp(e, "\xe2\x80\x99", 3) == 0)
        e += 3;
    else
        return false;
    return e >= end || (*e | 32) != 's';
}

static void build_runs(doc_t *d)
{
    for (size_t i = 0; i < d->nt && !d->oom; i++) {
        if (!proper(d, (long)i))
            continue;
        size_t j = i;
        /* "of" and "for" join an office to its complement ("Secretary
         * of State for Defence"), not a name to a place ("Ann Lee of
         * Ohio"): they may follow a title or organisation word, or the
         * first word of a complement. */
        size_t complement = 0;
        for (;;) {
            size_t k = j + 1;
            /* "Moody's Investors Service Inc": a possessive inside a
             * company's name */
            if (d->t[j].flags & F_POSS) {
                /* and a plural one inside any organisation's: "Farmers’ Alliance" */
                if (reaches(d, k, plural_possessive(d, j) ? W_ORG | W_CORP : W_CORP) &&
                    same_zone(d, j, k)) {
                    j = k;
                    continue;
                }
                break;
            }
            bool office = (bits_of(d, j) & (W_TITLE | W_ORG)) || complement == j;
            /* "Securities and Exchange Commission", "Procter and Gamble Co" */
            bool and = tok_is(d, (long)k, "and") ||
                       (k < d->nt && d->t[k].kind == K_OTHER && d->s[d->t[k].off] == '&');
            if (and && !(bits_of(d, j) & (W_KIND | W_CORP)) && reaches(d, k + 1, W_ORG | W_CORP) &&
                same_zone(d, j, k + 1)) {
                j = k + 1;
                continue;
            }
            /* "Ministry of Climate and Green Growth": a complement of two */
            if (complement && and && proper(d, (long)k + 1) && same_zone(d, j, k + 1) &&
                !(d->t[k + 1].flags & F_START) && !(bits_of(d, k + 1) & W_TITLE)) {
                j = k + 1;
                continue;
            }
            if (proper(d, (long)k) && same_zone(d, j, k) && !(d->t[k].flags & F_START)) {
                j = k;
                continue;
            }
            if (lower_of(d, (long)k, W_PARTICLE) && proper(d, (long)k + 1) && same_zone(d, j, k + 1)) {
                j = k + 1;
                continue;
            }
            if ((tok_is(d, (long)k, "of") || tok_is(d, (long)k, "for")) && office) {
                size_t m = k + 1;
                if (tok_is(d, (long)m, "the"))
                    m++;
                if (proper(d, (long)m) && same_zone(d, j, m)) {
                    j = complement = m;
                    continue;
                }
            }
            break;
        }
        if (!grow(d, (void **)&d->r, &d->capr, d->nr, sizeof *d->r))
            return;
        run_t *r = &d->r[d->nr];
        memset(r, 0, sizeof *r);
        r->a = (uint32_t)i;
        r->b = (uint32_t)j;
        r->ent = -1;
        for (size_t k = i; k <= j; k++)
            d->t[k].run = (int32_t)d->nr;
        d->nr++;
        analyse_run(d, r);
        i = j;
    }
}

/* Key of a person: the surname with any "Jr."; of an organisation: all
 * its words but a leading "the". */
static void run_key(const doc_t *d, const run_t *r, uint64_t *key, uint64_t *first,
                    uint32_t *nwords)
{
    size_t na = r->na, nb = r->nb;
    if (r->kind == R_ORG) {
        uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
        if (tok_is(d, (long)na, "the") && na < nb)
            na++;
        for (size_t i = na; i <= nb; i++)
            h = tok_hash(d, i, h);
        *key = h;
        *first = 0;
        *nwords = (uint32_t)(nb - na + 1);
        return;
    }
    size_t sur = nb;
    uint64_t h = NX_HASH64_INIT;
    if ((bits_of(d, nb) & W_SUFFIX) && nb > na) {
        h = tok_hash(d, nb, h);
        sur = nb - 1;
    }
    *key = tok_hash(d, sur, h);
    *first = word_key(d, na);
    size_t words = 0;
    for (size_t i = na; i <= nb; i++)
        words += d->t[i].kind == K_WORD && !(d->t[i].flags & F_LOWER);
    *nwords = (uint32_t)words;
}

static int32_t new_entity(doc_t *d, size_t run, uint64_t key, uint64_t first, uint32_t nwords)
{
    if (!grow(d, (void **)&d->e, &d->cape, d->ne, sizeof *d->e))
        return -1;
    entity_t *e = &d->e[d->ne];
    memset(e, 0, sizeof *e);
    e->best = (uint32_t)run;
    e->nwords = nwords;
    e->key = key;
    e->first = first;
    e->kind = d->r[run].kind;
    e->first_tok = e->last_tok = d->r[run].a;
    e->alias = -1;
    hslot_t *h = htab_slot(d, &d->ents, key);
    if (!h)
        return -1;
    e->next = h->ent;
    h->ent = (int32_t)d->ne;
    return (int32_t)d->ne++;
}

/* Whether a lower-case particle joins the words of run r's name, as in
 * "Estrela do Tejo", "Ludwig van Beethoven": a name of more than one
 * word, whoever bears it. */
static bool inner_particle(const doc_t *d, const run_t *r)
{
    for (size_t i = r->na + 1; i < r->nb; i++)
        if ((d->t[i].flags & F_LOWER) && (bits_of(d, i) & W_PARTICLE))
            return true;
    return false;
}

/* Short names: "Hillary" alone, when the article names exactly one
 * Hillary in full and nobody with that surname, stands for her, as
 * "Estrela" for "Estrela do Tejo"; "Ford", when it names exactly one
 * company Ford-something, for the company. */
static void alias_short_names(doc_t *d)
{
    /* key spaces: given names and leading words of company names, and
     * company names without their suffix ("Tracor" is "Tracor Inc"
     * before it is "Tracor Aerospace Inc") */
    const uint64_t given = UINT64_C(0x2545f4914f6cdd1d), exact = UINT64_C(0x61c8864680b583eb);
    for (size_t i = 0; i < d->ne; i++) {
        const entity_t *e = &d->e[i];
        const run_t *r = &d->r[e->best];
        if (e->kind != R_ORG && e->nwords >= 2 && (e->person || inner_particle(d, r))) {
            hslot_t *h = htab_slot(d, &d->ents, (e->first ^ given) | 1);
            if (!h)
                return;
            h->ent = h->ent == -1 ? (int32_t)i : -2;
        } else if (e->kind == R_ORG && !e->head_tok && r->na < r->nb && (bits_of(d, r->nb) & W_CORP)) {
            /* "Ford" and "Ford Motor" for "Ford Motor Co" */
            size_t z = r->nb;
            while (z > r->na && (bits_of(d, z) & (W_CORP | W_KIND)))
                z--;
            for (size_t k = r->na; k <= z; k++) {
                uint64_t stem = NX_HASH64_INIT;
                for (size_t m = r->na; m <= k; m++)
                    stem = tok_hash(d, m, stem);
                hslot_t *h = htab_slot(d, &d->ents, (stem ^ (k == z ? exact : given)) | 1);
                if (!h)
                    return;
                h->ent = h->ent == -1 ? (int32_t)i : -2;
                if (k >= r->na + 2)
                    break;
            }
        }
    }
    for (size_t i = 0; i < d->ne; i++) {
        entity_t *e = &d->e[i];
        const run_t *r = &d->r[e->best];
        if (e->kind == R_ORG || e->head_tok || r->nb - r->na > 2)
            continue;
        uint64_t words = NX_HASH64_INIT;
        for (size_t m = r->na; m <= r->nb; m++)
            words = tok_hash(d, m, words);
        const hslot_t *h = htab_find(&d->ents, (words ^ exact) | 1);
        if (!h || h->ent < 0)
            h = htab_find(&d->ents, (words ^ given) | 1);
        if (!h || h->ent < 0 || h->ent == (int32_t)i)
            continue;
        const entity_t *full = &d->e[h->ent];
        if ((full->kind != R_ORG && e->nwords == 1 && full->key != e->key) ||
            (full->kind == R_ORG && !e->person))
            e->alias = h->ent;
    }
}

static int32_t final_entity(const doc_t *d, int32_t e)
{
    return e >= 0 && d->e[e].alias >= 0 ? d->e[e].alias : e;
}

/* Whether the name of run s is the end of run l's, from a particle on:
 * "De Smet" of "Wim De Smet", "van der Berg" of "Anna van der Berg". */
static bool particle_tail(doc_t *d, const run_t *s, const run_t *l)
{
    size_t ns = s->nb - s->na, nl = l->nb - l->na;
    if (ns >= nl || !(bits_of(d, s->na) & W_PARTICLE))
        return false;
    for (size_t k = 0; k <= ns; k++)
        if (word_key(d, s->nb - k) != word_key(d, l->nb - k))
            return false;
    return true;
}

/* Groups runs into entities: a lone surname joins the person last
 * mentioned with it; "Hillary Clinton" and "Bill Clinton" stay apart. */
static void link_run(doc_t *d, size_t i)
{
    run_t *r = &d->r[i];
    if (r->kind == R_NONE)
        return;
    uint64_t key, first;
    uint32_t nw;
    run_key(d, r, &key, &first, &nw);
    const hslot_t *h = htab_find(&d->ents, key);
    int32_t found = -1;
    if (r->kind == R_ORG && r->a == r->b && (d->t[r->a].flags & F_ACRO)) {
        /* "TRUMP:" in a transcript is a surname, not an acronym */
        uint64_t pk, pf;
        uint32_t pn;
        r->kind = R_PERSON;
        run_key(d, r, &pk, &pf, &pn);
        const hslot_t *ph = htab_find(&d->ents, pk);
        if (ph && ph->ent >= 0 && d->e[ph->ent].kind != R_ORG) {
            key = pk, first = pf, nw = pn, h = ph;
        } else {
            r->kind = R_ORG;
        }
    }
    if (h && r->kind != R_ORG) {
        int32_t best = -1;
        /* bounded: a text naming thousands of Smiths stays linear */
        int guard = 0;
        for (int32_t e = h->ent; e >= 0 && guard < 16; e = d->e[e].next, guard++) {
            const entity_t *x = &d->e[e];
            if (x->kind == R_ORG)
                continue;
            if (nw <= 1 || x->nwords <= 1 || x->first == first ||
                particle_tail(d, r, &d->r[x->best]) || particle_tail(d, &d->r[x->best], r)) {
                if (best < 0 || x->last_tok > d->e[best].last_tok)
                    best = e;
            }
        }
        found = best;
    } else if (h) {
        found = h->ent;
    }
    if (found < 0) {
        found = new_entity(d, i, key, first, nw);
        if (found < 0)
            return;
        r = &d->r[i];
    } else {
        entity_t *e = &d->e[found];
        if (nw > e->nwords) {
            if (e->nwords == 1 && nw >= 2)
                e->person = true;   /* the surname stood alone */
            e->best = (uint32_t)i;
            e->nwords = nw;
            e->first = first;
        } else if (nw == 1 && e->nwords >= 2) {
            e->person = true;
        }
        if (r->kind == R_PERSON)
            e->kind = R_PERSON;
    }
    entity_t *e = &d->e[found];
    r->ent = found;
    e->last_tok = r->a;
    e->mentions++;
    if (!(d->t[r->a].flags & F_QUOTED))
        e->narrated = true;
    long p = (long)r->a - 1;
    if (tok_is(d, p, "the"))
        p--;
    if (tok_is(d, p, "in") || tok_is(d, p, "at") || tok_is(d, p, "from") || tok_is(d, p, "to") ||
        tok_is(d, p, "near") || tok_is(d, p, "across") || tok_is(d, p, "outside"))
        e->places++;
    if (r->person)
        e->person = true;
    if (r->title && !e->title)
        e->title = r->title;
    if (r->sex && !e->sex)
        e->sex = r->sex;
}

/* Groups the runs of the body, then those of the headline, whose all
 * capitals or title case ("BAKER SAYS") are then matched to the body's
 * names. */
static void link_entities(doc_t *d)
{
    if (!htab_init(d, &d->ents, d->nr))
        return;
    for (int head = 0; head < 2; head++)
        for (size_t i = 0; i < d->nr && !d->oom; i++)
            if (((d->t[d->r[i].a].flags & F_HEAD) != 0) == (head == 1))
                link_run(d, i);
    if (!d->oom)
        alias_short_names(d);
}

/* "Puerto Vivo, a citizens’ group that formed ...": a name that an
 * appositive calls a group, a company or an agency is an organisation's,
 * which "the group" may later stand for. */
static void appositive_kinds(doc_t *d)
{
    for (size_t i = 0; i < d->nr; i++) {
        const run_t *r = &d->r[i];
        long k = (long)r->b + 1;
        if (r->ent < 0 || k + 2 >= (long)d->nt || d->t[k].kind != K_COMMA ||
            !(tok_is(d, k + 1, "a") || tok_is(d, k + 1, "an")) || (d->t[r->b].flags & F_POSS))
            continue;
        entity_t *e = &d->e[r->ent];
        if (e->person || e->noun)
            continue;
        long head = -1;
        for (long m = k + 2; m < k + 6 && is_word(d, m); m++) {
            if (d->t[m].flags & F_LOWER) {
                if (bits_of(d, (size_t)m) & (W_FUNC | W_PREP | W_CONJ | W_CUE))
                    break;
                head = m;
            } else if (!proper(d, m)) {
                break;
            }
        }
        if (head >= 0 && lower_of(d, head, W_NOMINAL)) {
            e->noun = d->t[head].w;
            e->kind = R_ORG;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Attribution                                                         */
/* ------------------------------------------------------------------ */

static void add_attr(doc_t *d, uint8_t how, size_t anchor, int32_t ent, const wentry_t *noun,
                     uint8_t sex)
{
    if (!grow(d, (void **)&d->a, &d->capa, d->na, sizeof *d->a))
        return;
    attr_t *a = &d->a[d->na++];
    a->anchor = (uint32_t)anchor;
    a->ent = ent;
    a->noun = noun;
    a->how = how;
    a->sex = sex;
    a->weak = false;
}

/* The run ending at token i, or -1. */
static long run_ending(const doc_t *d, long i)
{
    if (!is_word(d, i) || d->t[i].run < 0)
        return -1;
    const run_t *r = &d->r[d->t[i].run];
    return r->b == (uint32_t)i ? d->t[i].run : -1;
}

/* The token before run r, past a "the". */
static long before_run(const doc_t *d, const run_t *r)
{
    long k = (long)r->a - 1;
    if (tok_is(d, k, "the"))
        k--;
    return k;
}

/* Whether run r is governed by a preposition ("in Iowa", "for the
 * Pentagon") and so cannot be a subject. */
static bool after_prep(const doc_t *d, const run_t *r)
{
    long k = before_run(d, r);
    return is_word(d, k) && (bits_of(d, (size_t)k) & W_PREP) && !(d->t[k].flags & F_PROPER);
}

/* Whether run r can open a clause: nothing but punctuation, a
 * conjunction, a determiner or a lower-case title stands before it
 * ("GOP frontrunner Donald Trump"), not a verb or noun it would be the
 * object or modifier of. */
static bool clause_initial(const doc_t *d, const run_t *r)
{
    long k = (long)r->a - 1;
    if (k < 0 || (d->t[r->a].flags & F_START))
        return true;
    const tok_t *t = &d->t[k];
    if (t->kind != K_WORD)
        return t->kind != K_OTHER;
    uint32_t b = bits_of(d, (size_t)k);
    if (b & W_PREP)
        return false;
    /* "his Benghazi committee", "a Clinton aide": a modifier */
    if ((b & W_DET) && !(tok_is(d, k, "the") || tok_is(d, k, "both") || tok_is(d, k, "all") ||
                         tok_is(d, k, "either") || tok_is(d, k, "neither")))
        return false;
    if (b & (W_CONJ | W_TITLE | W_DET | W_AUX))
        return true;
    return !(t->flags & F_LOWER) && !(t->flags & F_PROPER);
}

static int32_t entity_for_compound(doc_t *d, size_t run, size_t head);

/* Records run ri as a subject, with the runs coordinated before it
 * ("Cruz and Rubio said", "Cruz, Rubio and Paul said"). */
static void attribute_run(doc_t *d, long ri)
{
    for (int guard = 0; ri >= 0 && guard < 8; guard++) {
        const run_t *r = &d->r[ri];
        if (r->ent < 0 || (d->t[r->b].flags & (F_POSS | F_QUOTED)))
            return;
        add_attr(d, A_ENT, r->a, r->ent, NULL, 0);
        if (d->oom)
            return;
        long k = before_run(d, r);
        bool coordinated = tok_is(d, k, "and") || (guard > 0 && k >= 0 && d->t[k].kind == K_COMMA);
        if (!coordinated)
            return;
        long prev = run_ending(d, k - 1);
        if (prev < 0 || after_prep(d, &d->r[prev]))
            return;
        ri = prev;
    }
}

/* The first run of the coordination ending with run ri. */
static long coordination_start(const doc_t *d, long ri)
{
    for (int guard = 0; guard < 8; guard++) {
        long k = (long)d->r[ri].a - 1;
        if (!(tok_is(d, k, "and") || (guard > 0 && k >= 0 && d->t[k].kind == K_COMMA)))
            break;
        long prev = run_ending(d, k - 1);
        if (prev < 0)
            break;
        ri = prev;
    }
    return ri;
}

/* "the senator", "the former secretary of state", "the company": a
 * description ending at token h, or NULL. */
static const wentry_t *description(const doc_t *d, long h)
{
    if (!is_word(d, h) || !(d->t[h].flags & F_LOWER))
        return NULL;
    if (tok_is(d, h - 1, "of") && lower_of(d, h - 2, W_TITLE))
        h -= 2;
    const wentry_t *w = d->t[h].w;
    if (!w || !(w->bits & (W_TITLE | W_NOMINAL)))
        return NULL;
    /* "the senator", "the former senator"; not "the Florida senator",
     * which tells one senator from another in ways we cannot check */
    for (long k = h - 1; k >= 0 && k >= h - 4; k--) {
        if (tok_is(d, k, "the"))
            return w;
        if (!is_word(d, k) || (bits_of(d, (size_t)k) & (W_FUNC | W_CUE)) || !(d->t[k].flags & F_LOWER))
            return NULL;
    }
    return NULL;
}

static bool is_pronoun(const doc_t *d, long i, uint8_t *sex)
{
    if (tok_is(d, i, "he")) {
        *sex = 1;
        return true;
    }
    if (tok_is(d, i, "she")) {
        *sex = 2;
        return true;
    }
    return false;
}

/* A name in a place phrase after a person: "Stacy Lee of Columbia,
 * South Carolina": the person. */
static long person_before_place(const doc_t *d, const run_t *r)
{
    for (int guard = 0; guard < 3; guard++) {
        long k = before_run(d, r);
        if (!(tok_is(d, k, "of") || tok_is(d, k, "from") || tok_is(d, k, "at") || tok_is(d, k, "in")))
            return -1;
        long p = run_ending(d, k - 1);
        if (p < 0 || d->r[p].kind == R_NONE)
            return -1;
        if (d->r[p].kind != R_ORG && !after_prep(d, &d->r[p]))
            return p;
        r = &d->r[p];           /* "of Liberty Church in Marion" */
    }
    return -1;
}

/* "of Alexandria, Va.": a name continuing a place phrase. */
static bool continues_place(const doc_t *d, const run_t *r)
{
    if (r->a < 2 || d->t[r->a - 1].kind != K_COMMA)
        return false;
    long p = run_ending(d, (long)r->a - 2);
    return p >= 0 && after_prep(d, &d->r[p]);
}

/* A subject ending at token j: a name, "the Clinton campaign", a pronoun
 * or a description.  strict: the verb may also be a noun ("reports",
 * "calls"), so the name must open its clause. */
static bool subject_at(doc_t *d, long j, bool strict)
{
    if (!is_word(d, j) || (d->t[j].flags & F_QUOTED))
        return false;
    long ri = run_ending(d, j);
    if (ri >= 0 && d->r[ri].kind == R_NONE && d->r[ri].a == d->r[ri].b &&
        (bits_of(d, (size_t)j) & W_KIND) && tok_is(d, j - 1, "the")) {
        add_attr(d, A_NOMINAL, (size_t)j, -1, d->t[j].w, 0);   /* "the Bank said" */
        return true;
    }
    if (ri >= 0) {
        const run_t *r = &d->r[ri];
        /* "of Columbia, South Carolina says": still the place phrase */
        if (r->a >= 2 && d->t[r->a - 1].kind == K_COMMA) {
            long p = run_ending(d, (long)r->a - 2);
            if (p >= 0 && person_before_place(d, &d->r[p]) >= 0)
                r = &d->r[ri = p];
        }
        if (after_prep(d, r) || after_prep(d, &d->r[coordination_start(d, ri)])) {
            /* "Joel Pollak of the Heritage Foundation said", "people in
             * Virginia and Maryland reported" */
            long p = person_before_place(d, r);
            if (p < 0)
                return false;
            attribute_run(d, p);
            return true;
        }
        if (strict && !clause_initial(d, r))
            return false;
        attribute_run(d, ri);
        return true;
    }
    if (lower_of(d, j, W_ORGHEAD)) {
        long p = run_ending(d, j - 1);
        if (p >= 0 && !after_prep(d, &d->r[p])) {
            int32_t e = entity_for_compound(d, (size_t)p, (size_t)j);
            if (e >= 0)
                add_attr(d, A_ENT, d->r[p].a, e, NULL, 0);
            return e >= 0;
        }
    }
    uint8_t sex;
    if (is_pronoun(d, j, &sex)) {
        add_attr(d, A_PRONOUN, (size_t)j, -1, NULL, sex);
        return true;
    }
    const wentry_t *w = description(d, j);
    if (w) {
        add_attr(d, A_NOMINAL, (size_t)j, -1, w, 0);
        return true;
    }
    return false;
}

/* Skips leftwards over what may stand between a subject and its verb:
 * "has", "also", "repeatedly", "on Tuesday", "in a statement". */
static long skip_verb_group(const doc_t *d, long j)
{
    for (int n = 0; j >= 0 && n < 5; n++) {
        if (!is_word(d, j))
            break;
        const tok_t *t = &d->t[j];
        uint32_t b = bits_of(d, (size_t)j);
        if ((t->flags & F_LOWER) && ((b & W_AUX) || ends_with(d, j, "ly"))) {
            j--;
            continue;
        }
        if (b & W_TIME) {
            j--;
            if (tok_is(d, j, "on") || tok_is(d, j, "last") || tok_is(d, j, "this") ||
                tok_is(d, j, "earlier") || tok_is(d, j, "late") || tok_is(d, j, "early"))
                j--;
            continue;
        }
        if ((t->flags & F_LOWER) && j >= 2 && (tok_is(d, j - 1, "a") || tok_is(d, j - 1, "an")) &&
            (tok_is(d, j - 2, "in") || tok_is(d, j - 2, "on"))) {
            j -= 3;
            continue;
        }
        break;
    }
    return j;
}

static bool blocks_scan(const tok_t *t)
{
    return t->kind == K_END || t->kind == K_QOPEN || t->kind == K_QCLOSE || t->kind == K_COLON ||
           t->kind == K_SEMI;
}

/* The run ending just before token k, looking through a parenthesis:
 * "Sen. Jack Reed (D-R.I.)". */
static long run_before(const doc_t *d, long k)
{
    long j = k - 1;
    if (j >= 0 && d->t[j].kind == K_RPAR) {
        long stop = j - 20;
        while (j >= 0 && j > stop && d->t[j].kind != K_LPAR && !blocks_scan(&d->t[j]))
            j--;
        if (j < 0 || d->t[j].kind != K_LPAR)
            return -1;
        j--;
    }
    return run_ending(d, j);
}

/* The name that a phrase inserted between the commas (or dashes) at
 * open and close consists of, with names coordinated in it and a place
 * after it: ", Ann Lee," ", Ann Lee and Bo Ray," ", David Lee of Clemson
 * University," "-- John Lee, who lost in 2008 --".  -1 if it is not one. */
static long inserted_name(const doc_t *d, long open, long close)
{
    long inner = is_word(d, open + 1) ? d->t[open + 1].run : -1;
    if (inner < 0 || d->r[inner].a != (uint32_t)open + 1 || d->r[inner].kind == R_ORG ||
        continues_place(d, &d->r[inner]))
        return -1;
    long end = d->r[inner].b;
    bool place = false;
    for (long k = end + 1; k < close; k++) {
        if (d->t[k].kind == K_COMMA || d->t[k].kind == K_DASH || d->t[k].kind == K_LPAR ||
            tok_is(d, k, "who"))
            break;
        if (tok_is(d, k, "of") || tok_is(d, k, "from") || tok_is(d, k, "at") || tok_is(d, k, "in"))
            place = true;
        else if (tok_is(d, k, "and"))
            place = false;
        else if (d->t[k].run >= 0 && !place)
            end = k = d->r[d->t[k].run].b;
        else if (d->t[k].run < 0 && !tok_is(d, k, "the"))
            return -1;
    }
    return (d->t[end].flags & F_POSS) ? -1 : run_ending(d, end);
}

/* A subject before an inserted phrase that ends at token j (a comma,
 * dash or bracket): "Rutte, the NATO chief, said"; "Christopher Lee, the
 * president of the union, which backs Ms. Ray, said" (the outermost name
 * that can open the clause); "his spokesman, Jon Doe, said" and "a
 * candidate -- John McCain, who lost in 2008 -- said" (the name that
 * makes up the inserted phrase). */
static bool appositive(doc_t *d, long j, bool strict)
{
    long best = -1, nearest = -1;
    for (long k = j - 1; k >= 0 && k >= j - 60; k--) {
        const tok_t *t = &d->t[k];
        if (blocks_scan(t))
            break;
        if (t->kind != K_COMMA && t->kind != K_DASH && t->kind != K_LPAR)
            continue;
        if (nearest < 0 && t->kind == d->t[j].kind)
            nearest = k;
        long ri = run_before(d, k);
        if (ri >= 0 && after_prep(d, &d->r[ri]))
            ri = person_before_place(d, &d->r[ri]);     /* "Ann Lee of Ohio, ..., said" */
        else if (ri >= 0 && continues_place(d, &d->r[ri]))
            ri = -1;
        if (ri >= 0 && clause_initial(d, &d->r[coordination_start(d, ri)]) &&
            !(d->t[d->r[ri].b].flags & F_POSS))
            best = ri;
    }
    long inner = nearest >= 1 ? inserted_name(d, nearest, j) : -1;
    /* "her opponent, Bo Ray, said": the name describes a noun before it */
    if (inner >= 0 && is_word(d, nearest - 1) && (d->t[nearest - 1].flags & F_LOWER) &&
        !lower_of(d, nearest - 1, W_PREP)) {
        attribute_run(d, inner);
        return true;
    }
    if (best >= 0) {
        attribute_run(d, best);
        return true;
    }
    if (inner >= 0 && (is_word(d, nearest - 1) || d->t[nearest - 1].kind == K_RPAR) &&
        !lower_of(d, nearest - 1, W_PREP)) {
        attribute_run(d, inner);
        return true;
    }
    uint8_t sex;
    if (nearest >= 1 && is_pronoun(d, nearest - 1, &sex) && !strict) {
        add_attr(d, A_PRONOUN, (size_t)nearest - 1, -1, NULL, sex);
        return true;
    }
    return false;
}

static void clause_subject(doc_t *d, long v);

/* Subject before the cue at v: "Hegseth said", "Rutte, 65, said". */
static bool subject_before(doc_t *d, long v, bool strict)
{
    long j = skip_verb_group(d, v - 1);
    if (j < 0)
        return false;
    if (d->t[j].kind == K_RPAR) {
        long ri = run_before(d, j + 1);
        if (ri < 0)
            return false;
        j = d->r[ri].b;
    }
    if (d->t[j].kind == K_COMMA || d->t[j].kind == K_DASH)
        return appositive(d, j, strict);
    if (tok_is(d, j, "and") && !strict) {
        clause_subject(d, v);   /* "... and says" */
        return true;
    }
    /* "a reply from Ann Lee, who argued": the name the relative stands
     * for, when the verb is one of speech proper (stance verbs after a
     * relative more often describe: "Ann Lee, who endorsed him") */
    if ((tok_is(d, j, "who") || tok_is(d, j, "which")) && j >= 2 && d->t[j - 1].kind == K_COMMA &&
        ((bits_of(d, (size_t)v) & W_INVERT) || tok_is(d, v, "told"))) {
        long ri = run_before(d, j - 1);
        if (ri < 0 || d->r[ri].ent < 0 || (d->t[d->r[ri].b].flags & F_POSS) ||
            (d->r[ri].kind == R_ORG) != tok_is(d, j, "which"))
            return false;
        if (after_prep(d, &d->r[ri]) && (ri = person_before_place(d, &d->r[ri])) < 0)
            return false;
        attribute_run(d, ri);
        return true;
    }
    if (subject_at(d, j, strict))
        return true;
    /* "Mr. Xi and other leaders have said" */
    if (is_word(d, j) && (d->t[j].flags & F_LOWER)) {
        long k = j - 1;
        if (tok_is(d, k, "other"))
            k--;
        if (k < j - 1 && tok_is(d, k, "and")) {
            long ri = run_ending(d, k - 1);
            if (ri >= 0 && !after_prep(d, &d->r[ri]) && clause_initial(d, &d->r[coordination_start(d, ri)])) {
                attribute_run(d, ri);
                return true;
            }
        }
    }
    /* "Trump at a rally in Iowa said", "Bush in a Medium post said" */
    for (long k = j; k > 0 && k > j - 7 && is_word(d, k); k--) {
        if (!(tok_is(d, k, "in") || tok_is(d, k, "at") || tok_is(d, k, "during") ||
              tok_is(d, k, "on")))
            continue;
        long ri = run_ending(d, k - 1);
        if (ri >= 0 && !after_prep(d, &d->r[ri]) && clause_initial(d, &d->r[ri])) {
            attribute_run(d, ri);
            return true;
        }
    }
    return false;
}

/* A noun phrase starting at token k, read as a subject: "Hegseth",
 * "spokeswoman Haley Morris", "the senator", "the Clinton campaign",
 * "the bureau's director, James Comey".  A phrase whose head is an
 * ordinary noun ("a Clinton aide", "a CNN poll") names nobody, nor does
 * "a Suffolk University" or "a CNN/ORC poll". */
static bool subject_after(doc_t *d, long k, bool allow_pronoun)
{
    long last_run = -1, head = -1;
    bool the = false, indefinite = false;
    uint8_t sex;
    if (allow_pronoun && is_pronoun(d, k, &sex)) {
        add_attr(d, A_PRONOUN, (size_t)k, -1, NULL, sex);
        return true;
    }
    for (int m = 0; is_word(d, k) && m < 8; m++, k++) {
        const tok_t *t = &d->t[k];
        if (t->flags & F_QUOTED)
            break;
        if (t->run >= 0) {
            const run_t *r = &d->r[t->run];
            last_run = t->run;
            head = -1;
            k = (long)r->b;
            continue;
        }
        uint32_t b = bits_of(d, (size_t)k);
        if (tok_is(d, k, "the") && last_run < 0 && head < 0) {
            the = true;         /* "according to The Guardian" */
            continue;
        }
        if ((t->flags & F_LOWER) && (b & W_DET) && last_run < 0 && head < 0) {
            the = the || tok_is(d, k, "the");
            indefinite = indefinite || tok_is(d, k, "a") || tok_is(d, k, "an");
            continue;
        }
        /* the phrase ends at a function word: "asked by Ann Lee whether" */
        if (!(t->flags & F_LOWER) ||
            (b & (W_PREP | W_CUE | W_AUX | W_HE | W_SHE | W_THEY | W_FUNC | W_CONJ)))
            break;
        head = k;
    }
    /* "a CNN/ORC poll", "USA TODAY contributor ...": a phrase we cannot read */
    if (k < (long)d->nt && (d->t[k].kind == K_OTHER || (d->t[k].kind == K_WORD && !(d->t[k].flags & F_LOWER))))
        return false;
    if (head < 0 && last_run >= 0) {
        if ((d->t[d->r[last_run].b].flags & F_POSS) || indefinite)
            return false;
        attribute_run(d, last_run);
        /* "wrote Ann Lee, Bo Ray and Cy Sims": full names in a list */
        for (int guard = 0; guard < 8 && k < (long)d->nt; guard++) {
            if (d->t[k].kind == K_COMMA)
                k++;
            if (tok_is(d, k, "and"))
                k++;
            long ri = is_word(d, k) ? d->t[k].run : -1;
            if (ri < 0 || d->r[ri].a != (uint32_t)k || d->r[ri].ent < 0 || d->r[ri].na >= d->r[ri].nb ||
                (d->t[d->r[ri].b].flags & F_POSS))
                break;
            long after = (long)d->r[ri].b + 1;
            if (after < (long)d->nt && d->t[after].kind == K_WORD && !tok_is(d, after, "and"))
                break;
            add_attr(d, A_ENT, d->r[ri].a, d->r[ri].ent, NULL, 0);
            k = after;
        }
        return true;
    }
    if (head < 0)
        return false;
    if (lower_of(d, head, W_ORGHEAD) && last_run >= 0 && (long)d->r[last_run].b == head - 1) {
        int32_t e = entity_for_compound(d, (size_t)last_run, (size_t)head);
        if (e >= 0)
            add_attr(d, A_ENT, d->r[last_run].a, e, NULL, 0);
        return e >= 0;
    }
    /* "the bureau's director, James Comey" */
    if (k < (long)d->nt && d->t[k].kind == K_COMMA && is_word(d, k + 1) && d->t[k + 1].run >= 0 &&
        d->r[d->t[k + 1].run].a == (uint32_t)k + 1 && !indefinite) {
        long ri = d->t[k + 1].run;
        long after = (long)d->r[ri].b + 1;
        if (after >= (long)d->nt || d->t[after].kind != K_WORD) {
            attribute_run(d, ri);
            return true;
        }
    }
    if (the && last_run < 0) {
        const wentry_t *w = description(d, head);
        if (w) {
            add_attr(d, A_NOMINAL, (size_t)head, -1, w, 0);
            return true;
        }
    }
    return false;
}

/* "“...,” said Rutte": a cue after a quotation or a comma with its
 * subject after it. */
static bool subject_inverted(doc_t *d, long v)
{
    if (v < 1 || !(bits_of(d, (size_t)v) & W_INVERT))
        return false;
    uint8_t pk = d->t[v - 1].kind;
    if (pk == K_COMMA && v >= 2 && d->t[v - 2].kind == K_QCLOSE)
        pk = K_QCLOSE;
    if (pk != K_QCLOSE && !(pk == K_COMMA && (tok_is(d, v, "said") || tok_is(d, v, "says"))))
        return false;
    long k = v + 1;
    if (is_word(d, k) && (bits_of(d, (size_t)k) & W_TIME) && !(d->t[k].flags & F_PROPER))
        k++;
    return subject_after(d, k, true);
}

/* The subject of a clause's second verb ("..., saying", "... and
 * says"): the first name that can open the clause, if one does, before
 * a verb ("In Iowa, Ann Lee stepped up her attacks, saying"). */
static void clause_subject(doc_t *d, long v)
{
    long k = v - 1;
    while (k >= 0 && k >= v - 40 && !blocks_scan(&d->t[k]) && !(d->t[k].flags & F_START))
        k--;
    if (k < 0 || k < v - 40)
        return;
    if (blocks_scan(&d->t[k]))
        k++;
    long ri = -1;
    bool the = false;
    for (; k < v; k++) {
        if (!is_word(d, k) || d->t[k].run < 0)
            continue;
        const run_t *r = &d->r[d->t[k].run];
        if (r->a == (uint32_t)k && !after_prep(d, r) && !continues_place(d, r) && clause_initial(d, r) &&
            (!(d->t[r->b].flags & F_POSS) || lower_of(d, (long)r->b + 1, W_ORGHEAD))) {
            ri = d->t[k].run;
            the = tok_is(d, k - 1, "the");
            break;
        }
        k = (long)r->b;
    }
    if (ri < 0)
        return;
    long after = (long)d->r[ri].b + 1;
    /* "Lee's campaign launched an ad and announced ..." */
    if (lower_of(d, after, W_ORGHEAD) && is_word(d, after + 1) && (d->t[after + 1].flags & F_LOWER) &&
        !lower_of(d, after + 1, W_TITLE | W_GENERIC | W_NOMINAL | W_DET)) {
        int32_t e = entity_for_compound(d, (size_t)ri, (size_t)after);
        if (e >= 0)
            add_attr(d, A_ENT, d->r[ri].a, e, NULL, 0);
        return;
    }
    if (d->t[d->r[ri].b].flags & F_POSS)
        return;
    /* "Trump campaign manager Corey Lewandowski": the last name of the
     * phrase; "The Florida senator": no name heads it */
    while (lower_of(d, after, W_TITLE | W_ORGHEAD | W_NOMINAL | W_GENERIC)) {
        long m = after;
        while (lower_of(d, m, W_TITLE | W_ORGHEAD | W_NOMINAL | W_GENERIC | W_GROUP))
            m++;
        if (!is_word(d, m) || d->t[m].run < 0)
            return;
        ri = d->t[m].run;
        after = (long)d->r[ri].b + 1;
        the = false;
    }
    if (the && d->r[ri].kind != R_ORG)
        return;
    bool verb = is_word(d, after) && (d->t[after].flags & F_LOWER) && !lower_of(d, after, W_DET);
    bool person = d->r[ri].na < d->r[ri].nb || (d->r[ri].ent >= 0 && d->e[d->r[ri].ent].person);
    bool insert = after < (long)d->nt && (d->t[after].kind == K_COMMA || d->t[after].kind == K_LPAR);
    if (!verb && !(insert && person))
        return;
    attribute_run(d, ri);
}

/* "Lee put it bluntly: “...”": a sentence without a speech verb whose
 * colon opens a quotation gives it to the sentence's subject, when that
 * is a name of two words or one the article repeats (not "Transcript
 * as follows:"). */
static void colon_subject(doc_t *d, long c)
{
    for (long k = c - 1; k >= 0 && k >= c - 40 && !blocks_scan(&d->t[k]); k--) {
        if (lower_of(d, k, W_CUE))
            return;
        if (d->t[k].flags & F_START)
            break;
    }
    size_t before = d->na;
    clause_subject(d, c);
    for (size_t i = before; i < d->na; i++) {
        const attr_t *a = &d->a[i];
        const run_t *r = d->t[a->anchor].run >= 0 ? &d->r[d->t[a->anchor].run] : NULL;
        if (a->ent < 0 || !r || (r->na == r->nb && d->e[a->ent].mentions < 2)) {
            d->na = before;
            return;
        }
    }
}

/* A name before a colon: "Sen. Ann Lee: “...”", a transcript's "ANN LEE:"
 * opening a paragraph, a headline's "Ann Lee: Time to Act". */
static void colon_quote(doc_t *d, long c)
{
    long ri = run_ending(d, c - 1);
    bool quote = c + 1 < (long)d->nt && d->t[c + 1].kind == K_QOPEN;
    if (ri < 0) {
        if (quote)
            colon_subject(d, c);
        return;
    }
    const run_t *r = &d->r[ri];
    if (r->ent < 0 || (d->t[r->b].flags & F_POSS))
        return;
    bool head = d->t[r->a].flags & F_HEAD;
    bool para_first = r->a == 0 || d->t[r->a - 1].para != d->t[r->a].para;
    uint8_t pk = r->a > 0 ? d->t[r->a - 1].kind : K_END;
    bool label = false;
    if (head) {
        /* a headline may capitalise words the name does not include */
        for (long k = (long)r->a - 1; k >= 0; k--)
            if (!is_word(d, k) || !(d->t[k].flags & F_CAP) || k < (long)r->a - 2 ||
                (bits_of(d, (size_t)k) & (W_FUNC | W_PREP)))
                return;
    } else if (para_first && (d->t[r->a].flags & F_ACRO) && (d->t[r->b].flags & F_ACRO)) {
        label = true;
    } else if (!quote) {
        return;
    }
    /* "Frank Lee and Jim Poe: “...”" */
    long first = coordination_start(d, ri);
    if (first != ri && !head && !label) {
        uint8_t fk = d->r[first].a > 0 ? d->t[d->r[first].a - 1].kind : K_END;
        if (fk == K_DASH || fk == K_END || (d->t[d->r[first].a].flags & F_START))
            pk = K_DASH;
    }
    if (!head && !label && !(para_first || (d->t[r->a].flags & F_START) || pk == K_QCLOSE ||
                             pk == K_DASH))
        return;
    size_t before = d->na;
    attribute_run(d, ri);
    for (size_t i = before; i < d->na; i++)
        d->a[i].weak = head || (!quote && r->a == r->b);
}

/* Passives and sources: "first reported by The Washington Post",
 * "according to a tally by the Associated Press". */
static bool agent_after(doc_t *d, long k)
{
    for (int m = 0; m < 4 && is_word(d, k); m++, k++) {
        /* "data compiled by Acme": who gathered the figures, not a source */
        if (tok_is(d, k, "by") && m >= 2 && ends_with(d, k - 1, "ed") &&
            lower_of(d, k - 2, W_GENERIC))
            return false;
        if (tok_is(d, k, "by") || tok_is(d, k, "from"))
            return subject_after(d, k + 1, false);
        if (!(d->t[k].flags & F_LOWER) || (bits_of(d, (size_t)k) & (W_PREP | W_CUE)))
            return false;
    }
    return false;
}

static void find_attributions(doc_t *d)
{
    for (long v = 0; v < (long)d->nt && !d->oom; v++) {
        const tok_t *t = &d->t[v];
        if (t->flags & F_QUOTED)
            continue;
        if (t->kind == K_COLON) {
            colon_quote(d, v);
            continue;
        }
        if (t->kind != K_WORD)
            continue;
        if (tok_is(d, v, "according") && tok_is(d, v + 1, "to")) {
            if (!subject_after(d, v + 2, false))
                agent_after(d, v + 2);
            continue;
        }
        if ((t->flags & F_START) && tok_is(d, v, "said") && is_word(d, v + 1)) {
            subject_after(d, v + 1, false);     /* "Said Ann Lee, who ..." */
            continue;
        }
        if ((t->flags & F_START) && (bits_of(d, (size_t)v) & W_CUE) && tok_is(d, v + 1, "by")) {
            subject_after(d, v + 2, false);     /* "Asked by Ann Lee whether ..." */
            continue;
        }
        bool head = (t->flags & F_HEAD) && d->head_titlecase;
        if (!(t->flags & F_LOWER) && !head)
            continue;
        uint32_t b = bits_of(d, (size_t)v);
        /* "Lee believes that ...", "Lee decided that ...": a verb with a
         * clause for its object reports what the subject holds */
        if (!(b & (W_CUE | W_GENERIC | W_FUNC | W_PREP | W_DET | W_AUX)) && tok_is(d, v + 1, "that") &&
            (ends_with(d, v, "ed") || ends_with(d, v, "s")) && !ends_with(d, v, "ss")) {
            /* a plural noun may end in -s too ("Southern states that"):
             * then only a name opening the sentence */
            long ri = run_ending(d, v - 1);
            if (ri >= 0 && !after_prep(d, &d->r[ri]) && clause_initial(d, &d->r[ri]) &&
                (ends_with(d, v, "ed") || (d->t[d->r[ri].a].flags & F_START)))
                attribute_run(d, ri);
            continue;
        }
        if (!(b & W_CUE)) {
            if (b & W_INVERT)
                subject_inverted(d, v);         /* "“...,” he continued" */
            continue;
        }
        if (tok_is(d, v, "reported") && tok_is(d, v + 1, "from"))
            continue;           /* a byline: "Lee reported from Paris" */
        if (tok_is(d, v + 1, "by") && ends_with(d, v, "ed")) {
            subject_after(d, v + 2, false);
            continue;
        }
        if (b & W_PART) {
            /* "..., saying", "by saying", "was quoted as saying" */
            if (v > 0 && (d->t[v - 1].kind == K_COMMA || d->t[v - 1].kind == K_DASH ||
                          tok_is(d, v - 1, "by") || tok_is(d, v - 1, "as"))) {
                if (!subject_inverted(d, v))
                    clause_subject(d, v);
                continue;
            }
            /* "is saying", "has been arguing"; else a noun: "a warning" */
            if (!(tok_is(d, v - 1, "is") || tok_is(d, v - 1, "are") || tok_is(d, v - 1, "was") ||
                  tok_is(d, v - 1, "were") || tok_is(d, v - 1, "been") || tok_is(d, v - 1, "be")))
                continue;
        }
        long p = v - 1;
        while (p >= 0 && is_word(d, p) && (d->t[p].flags & F_LOWER) &&
               (ends_with(d, p, "ly") || tok_is(d, p, "not") || tok_is(d, p, "never") ||
                tok_is(d, p, "also") || tok_is(d, p, "just") || tok_is(d, p, "still")))
            p--;
        /* "was told", "were criticized": the subject heard, not spoke */
        if (ends_with(d, v, "ed") || tok_is(d, v, "told")) {
            if (tok_is(d, p, "was") || tok_is(d, p, "were") || tok_is(d, p, "been") ||
                tok_is(d, p, "be") || tok_is(d, p, "is") || tok_is(d, p, "are") ||
                tok_is(d, p, "being"))
                continue;
        }
        /* "have claims", "FEC reports show": nouns */
        if ((b & W_NOUNISH) && (tok_is(d, p, "have") || tok_is(d, p, "has") || tok_is(d, p, "had") ||
                                lower_of(d, v + 1, W_CUE | W_AUX) || tok_is(d, v + 1, "show") ||
                                tok_is(d, v + 1, "showed") || tok_is(d, v + 1, "found")))
            continue;
        /* "a group called Stop It": naming, unless a name opens the clause */
        bool strict = (b & W_NOUNISH) || tok_is(d, v, "called");
        if (!subject_before(d, v, strict))
            subject_inverted(d, v);
    }
}

/* ------------------------------------------------------------------ */
/* Compound organisations: "the Clinton campaign", "Obama administration" */
/* ------------------------------------------------------------------ */

static int32_t entity_for_compound(doc_t *d, size_t run, size_t head)
{
    const run_t *r = &d->r[run];
    if (r->kind == R_NONE || (d->t[r->nb].flags & F_QUOTED))
        return -1;
    uint64_t key = UINT64_C(0x51afd7ed558ccd);
    for (size_t i = r->na; i <= r->nb; i++)
        key = tok_hash(d, i, key);
    key = tok_hash(d, head, key);
    hslot_t *h = htab_slot(d, &d->ents, key);
    if (!h)
        return -1;
    if (h->ent >= 0)
        return h->ent;
    if (!grow(d, (void **)&d->e, &d->cape, d->ne, sizeof *d->e))
        return -1;
    entity_t *e = &d->e[d->ne];
    memset(e, 0, sizeof *e);
    e->best = (uint32_t)run;
    e->key = key;
    e->kind = R_ORG;
    e->head_tok = (uint32_t)head;
    e->next = -1;
    e->first_tok = e->last_tok = (uint32_t)head;
    e->alias = -1;
    h->ent = (int32_t)d->ne;
    return (int32_t)d->ne++;
}

/* ------------------------------------------------------------------ */
/* Resolution of pronouns and descriptions                             */
/* ------------------------------------------------------------------ */

#define RECENT 12
/* Descriptions are matched against every entity: bounded, so that a
 * pathological text stays linear. */
#define MAX_NOMINALS 64

typedef struct mention {
    int32_t ent;
    uint32_t para;
} mention_t;

static int attr_anchor_cmp(const void *x, const void *y)
{
    const attr_t *a = *(attr_t *const *)x, *b = *(attr_t *const *)y;
    return a->anchor < b->anchor ? -1 : a->anchor > b->anchor;
}

/* The one person a pronoun at paragraph para can mean: the people named
 * in this and the previous paragraph, less those of the other sex.
 * -1 when there is none or more than one. */
static uint8_t sex_of_entity(const entity_t *e)
{
    if (e->sex)
        return e->sex;
    return e->he > e->she ? 1 : e->she > e->he ? 2 : 0;
}

/* Only a pronoun that opens a sentence or follows a quotation is
 * resolved: "He said", "“...,” she said", "said he"; one inside a
 * clause ("because he thinks") too often means someone else. */
static bool main_clause_pronoun(const doc_t *d, size_t i)
{
    if (d->t[i].flags & F_START)
        return true;
    if (i == 0)
        return false;
    const tok_t *p = &d->t[i - 1];
    if (p->kind == K_QCLOSE || (p->kind == K_COMMA && i >= 2 && d->t[i - 2].kind == K_QCLOSE))
        return true;
    if (p->kind == K_WORD && (p->w && (p->w->bits & W_INVERT)) && i >= 2 &&
        (d->t[i - 2].kind == K_QCLOSE || d->t[i - 2].kind == K_COMMA))
        return true;
    return p->kind == K_WORD && (p->flags & F_START) && p->w && (p->w->bits & W_CONJ);
}

static int32_t only_person(const doc_t *d, const mention_t *m, size_t nm, uint32_t para, uint8_t sex,
                           int32_t speaker)
{
    int32_t found = -1;
    bool many = false, has_speaker = false;
    for (size_t i = 0; i < nm; i++) {
        if (m[i].para + 1 < para)
            continue;
        uint8_t es = sex_of_entity(&d->e[m[i].ent]);
        if (sex && es && es != sex)
            continue;
        has_speaker = has_speaker || m[i].ent == speaker;
        if (found >= 0 && found != m[i].ent)
            many = true;
        found = m[i].ent;
    }
    /* among several, the one who spoke last ("“...,” Lee said. [...]
     * “...,” he said.") */
    if (many)
        found = has_speaker ? speaker : -1;
    /* and only someone known to be a man for "he", a woman for "she",
     * known to be a person or named like one and never like a place */
    if (found < 0)
        return -1;
    const entity_t *e = &d->e[found];
    if ((sex && sex_of_entity(e) != sex) || !(e->person || (e->nwords >= 2 && !e->places)))
        return -1;
    return found;
}

/* The word saying what kind of body run r names: "Ministry" of
 * "Ministry of Finance", else the last word. */
static size_t org_head(const doc_t *d, const run_t *r)
{
    for (size_t i = r->na; i < r->nb; i++)
        if ((bits_of(d, i) & W_ORG) && tok_is(d, (long)i + 1, "of"))
            return i;
    return r->nb;
}

/* An organisation's class for "the company", "the department". */
static bool org_matches(const doc_t *d, const entity_t *e, const wentry_t *noun)
{
    if (e->kind != R_ORG)
        return false;
    if (e->noun && e->noun == noun)
        return true;
    size_t last = e->head_tok ? e->head_tok : org_head(d, &d->r[e->best]);
    const wentry_t *w = d->t[last].w;
    if (!w)
        return false;
    if (w == noun)
        return true;
    bool company = noun->len == 7 && memcmp(noun->w, "company", 7) == 0;
    bool firm = noun->len == 4 && memcmp(noun->w, "firm", 4) == 0;
    return (company || firm) && (w->bits & W_CORP);
}

static bool titles_match(const wentry_t *a, const wentry_t *b)
{
    return a && b && a->canon && b->canon && a->canon_len == b->canon_len &&
           memcmp(a->canon, b->canon, a->canon_len) == 0;
}

static void resolve(doc_t *d)
{
    if (d->na == 0)
        return;
    attr_t **order = malloc(d->na * sizeof *order);
    if (!order) {
        d->oom = true;
        return;
    }
    for (size_t i = 0; i < d->na; i++)
        order[i] = &d->a[i];
    qsort(order, d->na, sizeof *order, attr_anchor_cmp);
    mention_t recent[RECENT];
    size_t nm = 0, next = 0, nominals = 0;
    int32_t speaker = -1;       /* the person who spoke last */
    for (size_t i = 0; i < d->nt && next < d->na; i++) {
        const tok_t *t = &d->t[i];
        if (t->kind == K_WORD && t->run >= 0 && d->r[t->run].a == i && !(t->flags & F_QUOTED)) {
            int32_t ent = final_entity(d, d->r[t->run].ent);
            if (ent >= 0 && d->e[ent].kind != R_ORG &&
                !(nm > 0 && recent[nm - 1].ent == ent)) {
                if (nm == RECENT) {
                    memmove(recent, recent + 1, (RECENT - 1) * sizeof *recent);
                    nm--;
                }
                recent[nm].ent = ent;
                recent[nm].para = t->para;
                nm++;
            }
        }
        /* a pronoun that can only mean one person tells that person's sex */
        if (t->kind == K_WORD && !(t->flags & F_QUOTED) && (bits_of(d, i) & (W_HE | W_SHE))) {
            int32_t e = only_person(d, recent, nm, t->para, 0, -1);
            if (e >= 0) {
                if (bits_of(d, i) & W_HE)
                    d->e[e].he++;
                else
                    d->e[e].she++;
            }
        }
        while (next < d->na && order[next]->anchor == i) {
            attr_t *a = order[next++];
            if (a->how == A_ENT) {
                a->ent = final_entity(d, a->ent);
                if (a->ent >= 0 && !a->weak && d->e[a->ent].kind != R_ORG)
                    speaker = a->ent;
            } else if (a->how == A_PRONOUN && main_clause_pronoun(d, i)) {
                a->ent = only_person(d, recent, nm, t->para, a->sex, speaker);
                if (a->ent >= 0)
                    speaker = a->ent;
            } else if (a->how == A_NOMINAL && nominals++ < MAX_NOMINALS) {
                int32_t found = -1;
                bool clear = true;
                for (size_t k = 0; k < d->ne && clear; k++) {
                    const entity_t *e = &d->e[k];
                    /* what only a quotation names is no antecedent */
                    if (e->first_tok >= i || !(e->narrated || e->head_tok))
                        continue;
                    bool m = (e->kind != R_ORG && titles_match(e->title, a->noun)) ||
                             org_matches(d, e, a->noun);
                    if (m) {
                        if (found >= 0)
                            clear = false;
                        found = (int32_t)k;
                    }
                }
                a->ent = clear ? found : -1;
            }
        }
    }
    free(order);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* Appends the text of tokens a..z as written, spaces collapsed. */
static void add_words(const doc_t *d, nx_buf_t *b, size_t a, size_t z)
{
    if (b->len)
        nx_buf_addc(b, ' ');
    const char *p = d->s + d->t[a].off, *end = d->s + d->t[z].off + d->t[z].len;
    while (p < end) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
                p++;
            nx_buf_addc(b, ' ');
            continue;
        }
        nx_buf_addc(b, *p++);
    }
}

/* Whether an entity names somebody: not a group, a generic noun or a
 * lone place-like word only used after a colon. */
static bool named(const doc_t *d, const entity_t *e, bool weak)
{
    const run_t *r = &d->r[e->best];
    if (r->kind == R_NONE)
        return false;
    uint32_t b = bits_of(d, r->nb);
    if (!e->head_tok && (b & (W_GROUP | W_GENERIC | W_FUNC | W_TIME)) && r->na == r->nb)
        return false;
    /* a name before a colon needs to be a known person, organisation or
     * speaker, or at least be named like a person */
    if (weak && !e->said && !(e->mentions >= 2 && (e->person || e->kind == R_ORG)) &&
        !(e->kind != R_ORG && e->nwords >= 2 && !e->places))
        return false;
    return true;
}

static bool emit(doc_t *d, nx_strv_t *out)
{
    nx_buf_t b;
    nx_buf_init(&b);
    htab_t seen;
    if (!htab_init(d, &seen, d->na))
        return false;
    bool ok = true;
    for (size_t i = 0; i < d->na && ok; i++) {
        const attr_t *a = &d->a[i];
        if (a->ent < 0)
            continue;
        entity_t *e = &d->e[a->ent];
        if (e->out || !named(d, e, a->weak))
            continue;
        e->out = true;
        const run_t *r = &d->r[e->best];
        size_t na = r->na;
        if (e->kind == R_ORG && tok_is(d, (long)na, "the") && na < r->nb)
            na++;
        nx_buf_reset(&b);
        add_words(d, &b, na, r->nb);
        if (e->head_tok)
            add_words(d, &b, e->head_tok, e->head_tok);
        if (b.oom) {
            ok = false;
            break;
        }
        if (!b.len)
            continue;
        hslot_t *h = htab_slot(d, &seen, hash_word(b.data, b.len, NX_HASH64_INIT));
        if (!h) {
            ok = false;
            break;
        }
        if (h->ent >= 0)
            continue;
        h->ent = 1;
        ok = nx_strv_push(out, b.data);
    }
    nx_buf_free(&b);
    free(seen.s);
    return ok;
}

/* ------------------------------------------------------------------ */

/* Entities named as the subject of a cue: a two-word name that speaks is
 * a person's (what a pronoun may refer to). */
static void mark_said(doc_t *d)
{
    for (size_t i = 0; i < d->na; i++)
        if (d->a[i].how == A_ENT && !d->a[i].weak && d->a[i].ent >= 0) {
            entity_t *e = &d->e[d->a[i].ent];
            e->said = true;
            if (e->kind == R_OTHER && d->r[e->best].na < d->r[e->best].nb)
                e->person = true;
        }
}

bool nx_speakers_find(const char *title, const char *body, nx_strv_t *out)
{
    if (!body)
        body = "";
    pthread_once(&words_once, words_init);
    doc_t d;
    memset(&d, 0, sizeof d);
    nx_buf_t text;
    nx_buf_init(&text);
    if (title && *title) {
        nx_buf_adds(&text, title);
        nx_buf_adds(&text, "\n\n");
    }
    d.head_end = text.len;
    nx_buf_adds(&text, body);
    if (text.oom) {
        nx_buf_free(&text);
        return false;
    }
    d.s = text.data ? text.data : "";
    d.n = text.len;
    if (d.n > MAX_TEXT)
        d.n = MAX_TEXT;         /* offsets are 32-bit; no article comes near */
    d.capt = d.n / 5 + 16;      /* about one token per five bytes of news */
    d.t = malloc(d.capt * sizeof *d.t);
    if (!d.t) {
        nx_buf_free(&text);
        return false;
    }
    tokenize(&d);
    if (!d.oom)
        mark_proper(&d);
    if (!d.oom)
        build_runs(&d);
    if (!d.oom)
        link_entities(&d);
    if (!d.oom)
        appositive_kinds(&d);
    if (!d.oom)
        find_attributions(&d);
    if (!d.oom)
        mark_said(&d);
    if (!d.oom)
        resolve(&d);
    bool ok = !d.oom && emit(&d, out);
    free(d.t);
    free(d.r);
    free(d.e);
    free(d.a);
    free(d.forms.s);
    free(d.ents.s);
    nx_buf_free(&text);
    return ok;
}
