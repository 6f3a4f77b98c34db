/* gazetteer.c - loads data/gazetteer.tsv into a hash table.
 *
 * The file is mapped read-only and a place is kept as the offset of its
 * line, read again only when a name is reported, so a load is one pass
 * over the lines into two small tables.  Keys are not stored: a slot
 * holds 32 bits of the key's hash beside the bits that chose the slot,
 * and two phrases are taken to be the same when those agree (a false
 * match needs some 50 bits to collide between a phrase of an article and
 * one of some 170,000 keys).  Names sharing a key (the country and the state "Georgia" come
 * as one line, "US" and "Us" as two) chain through nx_place_t.next.
 * Every proper word prefix of a longer name is filed too, marked as a
 * prefix, so a matcher extending a phrase word by word can stop as soon
 * as no name could follow. */
#include "config.h"

#include "gazetteer.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_KEY 128

/* Every page of the table is read at load: have the kernel map them all
 * at once rather than fault them in one by one. */
#ifdef MAP_POPULATE
#define POPULATE MAP_POPULATE
#else
#define POPULATE 0
#endif

typedef struct slot {
    uint32_t tag;         /* high half of the key's hash, never 0; 0: empty */
    uint32_t val;         /* PREFIX bit, and 1 + the first place's index or 0 */
} slot_t;

#define PREFIX UINT32_C(0x80000000)   /* a longer name continues this key */

struct nx_gazetteer {
    const char *text;     /* the mapped file */
    size_t text_len;
    nx_place_t *places;
    size_t n_places, places_size;
    slot_t *slots;        /* open addressing, linear probing */
    size_t slots_size;
    size_t mask, used;
};

/* Latin letters U+00C0-U+017F without their accents, small: the key of
 * "Zürich" is the key of "Zurich", as writers without accents type it. */
static const char *const fold_c0[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
};
static const char fold_100[129] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

size_t nx_place_key(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '-' || c == '\t' || c == '\n') {
            space = o > 0;
            continue;
        }
        if (c == '.')
            continue;
        if (space) {
            if (o + 1 >= cap)
                return 0;
            out[o++] = ' ';
            space = false;
        }
        if (c < 0x80) {
            if (o + 1 >= cap)
                return 0;
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        const char *rep = NULL;
        char one[2] = {0, 0};
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            one[0] = '\'';                          /* U+2019 */
            rep = one;
            i += 2;
        } else if (c >= 0xc3 && c <= 0xc5 && i + 1 < n &&
                   ((unsigned char)s[i + 1] & 0xc0) == 0x80) {
            uint32_t cp = ((uint32_t)(c & 0x1f) << 6) | ((unsigned char)s[i + 1] & 0x3f);
            if (cp >= 0xc0 && cp < 0x100)
                rep = fold_c0[cp - 0xc0];
            else if (cp >= 0x100 && cp < 0x180) {
                one[0] = fold_100[cp - 0x100];
                rep = one;
            }
            if (rep)
                i++;
        }
        if (!rep) {
            one[0] = (char)c;
            rep = one;
        }
        size_t rn = strlen(rep);
        if (o + rn >= cap)
            return 0;
        memcpy(out + o, rep, rn);
        o += rn;
    }
    out[o] = '\0';
    return o;
}

static uint64_t key_hash(const char *k, size_t n)
{
    uint64_t h = nx_hash64(k, n, NX_HASH64_INIT);
    /* FNV's low bits, which pick the slot, vary too little for keys that
     * differ near their ends ("new york", "new york city"): mix the high
     * bits in. */
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h ? h : 1;
}

static uint32_t tag_of(uint64_t h)
{
    uint32_t t = (uint32_t)(h >> 32);
    return t ? t : 1;
}

/* The slot holding hash h, or the empty slot where it belongs. */
static slot_t *find_slot(const nx_gazetteer_t *g, uint64_t h)
{
    uint32_t tag = tag_of(h);
    size_t i = (size_t)h & g->mask;
    while (g->slots[i].tag && g->slots[i].tag != tag)
        i = (i + 1) & g->mask;
    return &g->slots[i];
}

/* A key to file: its hash and PREFIX or 1 + a place's index. */
typedef struct keyent {
    uint64_t hash;
    uint32_t val;
} keyent_t;

typedef struct keylist {
    keyent_t *v;
    size_t n, cap;
} keylist_t;

static bool push_key(keylist_t *l, const char *k, size_t n, uint32_t val)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4096;
        keyent_t *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (keyent_t){key_hash(k, n), val};
    return true;
}

/* Files the keys in the order of their slots (NULL, or what went
 * wrong): sorted so, the table is
 * written front to back instead of at random, which is most of the
 * load's time saved.  Two stable radix passes over the slot bits keep
 * places sharing a key in file order. */
static const char *file_keys(nx_gazetteer_t *g, keylist_t *l)
{
    size_t bits = 0;
    while ((g->mask >> bits) != 0)
        bits++;
    size_t lo = bits / 2, hi = bits - lo;
    keyent_t *tmp = malloc((l->n ? l->n : 1) * sizeof *tmp);
    uint32_t *count = malloc(((size_t)1 << (hi > lo ? hi : lo)) * sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return "out of memory";
    }
    keyent_t *from = l->v, *to = tmp;
    for (size_t pass = 0, shift = 0; pass < 2; pass++) {
        size_t width = pass ? hi : lo, buckets = (size_t)1 << width;
        memset(count, 0, buckets * sizeof *count);
        for (size_t i = 0; i < l->n; i++)
            count[(from[i].hash >> shift) & (buckets - 1)]++;
        uint32_t sum = 0;
        for (size_t b = 0; b < buckets; b++) {
            uint32_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < l->n; i++)
            to[count[(from[i].hash >> shift) & (buckets - 1)]++] = from[i];
        keyent_t *t = from;
        from = to;
        to = t;
        shift += width;
    }
    free(count);
    size_t capacity = g->mask + 1 - (g->mask + 1) / 8;     /* keeps probes short */
    for (size_t i = 0; i < l->n; i++) {
        slot_t *s = find_slot(g, from[i].hash);
        if (!s->tag) {
            if (++g->used > capacity) {
                free(tmp);
                return "too many names";
            }
            s->tag = tag_of(from[i].hash);
        }
        uint32_t v = from[i].val;
        if (v == PREFIX) {
            s->val |= PREFIX;
        } else if (!(s->val & ~PREFIX)) {
            s->val |= v;
        } else {
            /* Another place with this key: chain it, in file order. */
            nx_place_t *q = &g->places[(s->val & ~PREFIX) - 1];
            while (q->next >= 0)
                q = &g->places[q->next];
            q->next = (int32_t)(v - 1);
        }
    }
    free(tmp);
    return NULL;
}

/* Zeroed memory for the tables, every page mapped at once: filling them
 * touches every page anyway, and one call beats a fault per page. */
static void *table_alloc(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | POPULATE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void table_free(void *p, size_t n)
{
    if (p)
        munmap(p, n);
}

static bool map_file(const char *path, const char **out, size_t *len, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        nx_set_error(err, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0 || (uint64_t)st.st_size > UINT32_MAX) {
        nx_set_error(err, "%s: %s", path,
                     !S_ISREG(st.st_mode) ? "not a regular file"
                     : st.st_size == 0    ? "empty file"
                                          : "too large");
        close(fd);
        return false;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | POPULATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        nx_set_error(err, "%s: %s", path, strerror(errno));
        return false;
    }
    *out = p;
    *len = (size_t)st.st_size;
    return true;
}

static bool is_acronym(const char *name, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        if (name[i] >= 'A' && name[i] <= 'Z')
            letters++;
        else if (name[i] != '.')
            return false;
    }
    return letters >= 2;
}

typedef struct field {
    const char *s;
    size_t n;
} field_t;

#define FIELDS 5

/* Splits [line, line+n) into exactly FIELDS tab-separated fields; one
 * pass, which also finds NUL bytes (*nul). */
static bool split_fields(const char *line, size_t n, field_t f[FIELDS], bool *nul)
{
    int k = 0;
    size_t start = 0;
    *nul = false;
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        if (c == '\t') {
            if (k == FIELDS - 1)
                return false;
            f[k].s = line + start;
            f[k].n = i - start;
            k++;
            start = i + 1;
        } else if (c == '\0') {
            *nul = true;
            return false;
        }
    }
    if (k != FIELDS - 1)
        return false;
    f[k].s = line + start;
    f[k].n = n - start;
    return true;
}

static uint16_t class_bits(const field_t *f, bool *ok)
{
    static const char letters[] = "CSRKBDTPAX";
    uint16_t bits = 0;
    *ok = f->n > 0;
    for (size_t i = 0; i < f->n; i++) {
        const char *p = memchr(letters, f->s[i], sizeof letters - 1);
        if (!p) {
            *ok = false;
            return 0;
        }
        bits |= (uint16_t)(1u << (p - letters));
    }
    return bits;
}

static bool parse_pop(const field_t *f, uint32_t *pop)
{
    uint64_t v = 0;
    if (f->n == 0 || f->n > 9)
        return false;
    for (size_t i = 0; i < f->n; i++) {
        if (f->s[i] < '0' || f->s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(f->s[i] - '0');
    }
    *pop = (uint32_t)v;
    return true;
}

static const char HEADER[] = "# newsidx gazetteer";

/* One line of the table; NULL when it is fine, else what is wrong. */
static const char *add_line(nx_gazetteer_t *g, const char *line, size_t n, keylist_t *keys)
{
    field_t f[FIELDS];
    bool nul;
    if (!split_fields(line, n, f, &nul))
        return nul ? "NUL byte"
                   : "want 5 tab-separated fields (name, canonical, classes, population, countries)";
    if (!nx_utf8_valid(line, n))
        return "invalid UTF-8";
    bool ok;
    uint16_t classes = class_bits(&f[2], &ok);
    if (!ok)
        return "unknown place class";
    uint32_t pop;
    if (!parse_pop(&f[3], &pop))
        return "bad population";
    if (f[4].n % 2 || f[4].n > 2 * UINT8_MAX)
        return "bad country codes";
    for (size_t i = 0; i < f[4].n; i++)
        if (f[4].s[i] < 'A' || f[4].s[i] > 'Z')
            return "bad country codes";
    char key[MAX_KEY];
    size_t kn = nx_place_key(f[0].s, f[0].n, key, sizeof key);
    if (!kn || g->n_places >= PREFIX - 1)
        return "empty or overlong name";
    if (is_acronym(f[0].s, f[0].n))
        classes |= NX_PC_ACRONYM;
    /* The word prefixes too: "new", "new york" for "new york city". */
    for (size_t i = 1; i < kn; i++)
        if (key[i] == ' ' && !push_key(keys, key, i, PREFIX))
            return "out of memory";
    if (!push_key(keys, key, kn, (uint32_t)g->n_places + 1))
        return "out of memory";
    nx_place_t *pl = &g->places[g->n_places];
    pl->line = (uint32_t)(line - g->text);
    pl->pop = pop;
    pl->classes = classes;
    pl->next = -1;
    g->n_places++;
    return NULL;
}

nx_gazetteer_t *nx_gazetteer_load(const char *path, char **err)
{
    if (!path) {
        nx_set_error(err, "no gazetteer file given");
        return NULL;
    }
    nx_gazetteer_t *g = calloc(1, sizeof *g);
    if (!g) {
        nx_set_error(err, "out of memory");
        return NULL;
    }
    if (!map_file(path, &g->text, &g->text_len, err)) {
        free(g);
        return NULL;
    }
    const char *text = g->text, *end = text + g->text_len;
    /* Size the tables from the line count: each name and about one
     * prefix for every four names (an overestimate), in a table some two
     * thirds full. */
    size_t lines = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        lines++;
    size_t want = lines + lines / 4 + 64, cap = 1024;
    while (cap < want + want / 8)
        cap *= 2;
    g->places = table_alloc(lines * sizeof *g->places);
    g->places_size = lines * sizeof *g->places;
    g->slots = table_alloc(cap * sizeof *g->slots);
    g->slots_size = cap * sizeof *g->slots;
    g->mask = cap - 1;
    if (!g->places || !g->slots) {
        nx_set_error(err, "%s: out of memory", path);
        nx_gazetteer_free(g);
        return NULL;
    }
    keylist_t keys = {0};
    const char *line = text;
    size_t lineno = 0;
    const char *why = NULL;
    while (line < end && !why) {
        lineno++;
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *next = nl ? nl + 1 : end;
        size_t n = (size_t)((nl ? nl : end) - line);
        if (n && line[n - 1] == '\r')
            n--;
        if (lineno == 1) {
            if (n < sizeof HEADER - 1 || memcmp(line, HEADER, sizeof HEADER - 1) != 0)
                why = "not a newsidx gazetteer (no header line)";
        } else if (n && line[0] != '#') {
            why = add_line(g, line, n, &keys);
        }
        line = next;
    }
    if (!why && g->n_places == 0)
        why = "no places";
    if (!why)
        why = file_keys(g, &keys);
    free(keys.v);
    if (why) {
        nx_set_error(err, "%s:%zu: %s", path, lineno, why);
        nx_gazetteer_free(g);
        return NULL;
    }
    return g;
}

void nx_gazetteer_free(nx_gazetteer_t *g)
{
    if (!g)
        return;
    if (g->text)
        munmap((void *)g->text, g->text_len);
    table_free(g->places, g->places_size);
    table_free(g->slots, g->slots_size);
    free(g);
}

const nx_place_t *nx_gazetteer_lookup(const nx_gazetteer_t *g, const char *key, size_t n,
                                      bool *prefix)
{
    if (prefix)
        *prefix = false;
    if (!g || !n)
        return NULL;
    const slot_t *s = find_slot(g, key_hash(key, n));
    if (!s->tag)
        return NULL;
    if (prefix)
        *prefix = (s->val & PREFIX) != 0;
    return (s->val & ~PREFIX) ? &g->places[(s->val & ~PREFIX) - 1] : NULL;
}

const nx_place_t *nx_gazetteer_next(const nx_gazetteer_t *g, const nx_place_t *p)
{
    return p && p->next >= 0 ? &g->places[p->next] : NULL;
}

/* Field k of p's line (0: name ... 4: countries); the loader checked
 * that the line has them all. */
static const char *line_field(const nx_gazetteer_t *g, const nx_place_t *p, int k, size_t *len)
{
    const char *s = g->text + p->line, *end = g->text + g->text_len;
    for (; k > 0; k--)
        s = (const char *)memchr(s, '\t', (size_t)(end - s)) + 1;
    const char *e = s;
    while (e < end && *e != '\t' && *e != '\n' && *e != '\r')
        e++;
    *len = (size_t)(e - s);
    return s;
}

const char *nx_place_name(const nx_gazetteer_t *g, const nx_place_t *p, size_t *len)
{
    const char *canon = line_field(g, p, 1, len);
    return *len ? canon : line_field(g, p, 0, len);
}

const char *nx_place_spelling(const nx_gazetteer_t *g, const nx_place_t *p, size_t *len)
{
    return line_field(g, p, 0, len);
}

const char *nx_place_countries(const nx_gazetteer_t *g, const nx_place_t *p, size_t *n)
{
    const char *cc = line_field(g, p, 4, n);
    *n /= 2;
    return cc;
}
