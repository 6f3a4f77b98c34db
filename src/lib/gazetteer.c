/* gazetteer.c - loads data/gazetteer.tsv into a hash table.
 *
 * The file is mapped read-only and names are kept as offsets into it, so
 * a load is one pass over the lines and two allocations.  Keys are not
 * stored: a slot holds the key's 64-bit hash, and two phrases are taken
 * to be the same when their hashes are (a false match needs a 64-bit
 * collision between a phrase of an article and one of some 170,000
 * keys).  Names sharing a key (the country and the state "Georgia" come
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
    uint64_t hash;        /* 0: empty */
    int32_t place;        /* first place with this key, or -1 */
    uint32_t prefix;      /* a longer name continues this key */
} slot_t;

struct nx_gazetteer {
    const char *text;     /* the mapped file */
    size_t text_len;
    nx_place_t *places;
    size_t n_places;
    slot_t *slots;        /* open addressing, linear probing */
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

/* The slot holding hash h, or the empty slot where it belongs. */
static slot_t *find_slot(const nx_gazetteer_t *g, uint64_t h)
{
    size_t i = (size_t)h & g->mask;
    while (g->slots[i].hash && g->slots[i].hash != h)
        i = (i + 1) & g->mask;
    return &g->slots[i];
}

static slot_t *file_key(nx_gazetteer_t *g, const char *k, size_t n)
{
    uint64_t h = key_hash(k, n);
    slot_t *s = find_slot(g, h);
    if (!s->hash) {
        s->hash = h;
        s->place = -1;
        s->prefix = 0;
        g->used++;
    }
    return s;
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

/* Splits [line, line+n) into exactly FIELDS tab-separated fields. */
static bool split_fields(const char *line, size_t n, field_t f[FIELDS])
{
    const char *p = line, *end = line + n;
    for (int i = 0; i < FIELDS; i++) {
        const char *t = memchr(p, '\t', (size_t)(end - p));
        if ((i < FIELDS - 1) != (t != NULL))
            return false;
        f[i].s = p;
        f[i].n = (size_t)((t ? t : end) - p);
        p = t ? t + 1 : end;
    }
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
static const char *add_line(nx_gazetteer_t *g, const char *line, size_t n, size_t capacity)
{
    if (memchr(line, '\0', n))
        return "NUL byte";
    if (!nx_utf8_valid(line, n))
        return "invalid UTF-8";
    field_t f[FIELDS];
    if (!split_fields(line, n, f))
        return "want 5 tab-separated fields (name, canonical, classes, population, countries)";
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
    if (!kn || f[1].n > UINT16_MAX || f[0].n > UINT16_MAX)
        return "empty or overlong name";
    if (is_acronym(f[0].s, f[0].n))
        classes |= NX_PC_ACRONYM;
    /* The word prefixes first: "new", "new york" for "new york city". */
    for (size_t i = 1; i < kn; i++) {
        if (key[i] != ' ')
            continue;
        if (g->used + 1 > capacity)
            return "too many names";
        file_key(g, key, i)->prefix = 1;
    }
    if (g->used + 1 > capacity)
        return "too many names";
    slot_t *s = file_key(g, key, kn);
    nx_place_t *pl = &g->places[g->n_places];
    const field_t *canon = f[1].n ? &f[1] : &f[0];
    pl->canonical = (uint32_t)(canon->s - g->text);
    pl->canonical_len = (uint16_t)canon->n;
    pl->countries = (uint32_t)(f[4].s - g->text);
    pl->n_countries = (uint8_t)(f[4].n / 2);
    pl->pop = pop;
    pl->classes = classes;
    pl->next = -1;
    /* Append to the key's chain, keeping file order. */
    if (s->place < 0) {
        s->place = (int32_t)g->n_places;
    } else {
        nx_place_t *q = &g->places[s->place];
        while (q->next >= 0)
            q = &g->places[q->next];
        q->next = (int32_t)g->n_places;
    }
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
    g->places = malloc(lines * sizeof *g->places);
    g->slots = calloc(cap, sizeof *g->slots);
    g->mask = cap - 1;
    if (!g->places || !g->slots) {
        nx_set_error(err, "%s: out of memory", path);
        nx_gazetteer_free(g);
        return NULL;
    }
    size_t capacity = cap - cap / 8;       /* never let probes run long */
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
            why = add_line(g, line, n, capacity);
        }
        line = next;
    }
    if (!why && g->n_places == 0)
        why = "no places";
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
    free(g->places);
    free(g->slots);
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
    if (!s->hash)
        return NULL;
    if (prefix)
        *prefix = s->prefix != 0;
    return s->place >= 0 ? &g->places[s->place] : NULL;
}

const nx_place_t *nx_gazetteer_next(const nx_gazetteer_t *g, const nx_place_t *p)
{
    return p && p->next >= 0 ? &g->places[p->next] : NULL;
}

const char *nx_place_name(const nx_gazetteer_t *g, const nx_place_t *p, size_t *len)
{
    *len = p->canonical_len;
    return g->text + p->canonical;
}

const char *nx_place_countries(const nx_gazetteer_t *g, const nx_place_t *p, size_t *n)
{
    *n = p->n_countries;
    return g->text + p->countries;
}
