/* gazetteer.c - loads data/gazetteer.tsv into a hash table.
 *
 * The file is read whole and cut in place: names point into it, so a
 * load is one read, one pass over the lines and one allocation per
 * table.  Each key is filed once; names sharing a key (the country and
 * the state "Georgia" come as one line, "US" and "Us" as two) chain
 * through nx_place_t.next.  Every proper word prefix of a longer name
 * is filed too, marked as a prefix, so a matcher extending a phrase word
 * by word can stop as soon as no name could follow. */
#include "config.h"

#include "gazetteer.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEY 128

typedef struct slot {
    uint64_t hash;
    uint32_t key;         /* offset of the key in keys */
    uint16_t len;
    bool prefix;          /* a longer name continues this key */
    int32_t place;        /* first place with this key, or -1 */
} slot_t;

struct nx_gazetteer {
    char *text;           /* the file, cut into NUL-terminated fields */
    nx_place_t *places;
    size_t n_places;
    slot_t *slots;        /* open addressing, linear probing */
    size_t mask;
    size_t n_slots_used;
    char *keys;           /* all keys, back to back */
    size_t keys_len, keys_cap;
};

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
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            c = '\'';                               /* U+2019 */
            i += 2;
        } else if (c == 0xc3 && i + 1 < n) {
            /* Latin-1 capitals (U+00C0-U+00DE but U+00D7) to small. */
            unsigned char d = (unsigned char)s[i + 1];
            if (d >= 0x80 && d <= 0x9e && d != 0x97)
                d += 0x20;
            if (o + 2 >= cap)
                return 0;
            out[o++] = (char)c;
            out[o++] = (char)d;
            i++;
            continue;
        } else if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a');
        }
        if (o + 1 >= cap)
            return 0;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return o;
}

static uint64_t key_hash(const char *k, size_t n)
{
    return nx_hash64(k, n, NX_HASH64_INIT);
}

/* The slot holding key, or the empty slot where it belongs. */
static slot_t *find_slot(const nx_gazetteer_t *g, const char *k, size_t n, uint64_t h)
{
    size_t i = (size_t)h & g->mask;
    for (;;) {
        slot_t *s = &g->slots[i];
        if (!s->len)
            return s;
        if (s->hash == h && s->len == n && memcmp(g->keys + s->key, k, n) == 0)
            return s;
        i = (i + 1) & g->mask;
    }
}

static slot_t *file_key(nx_gazetteer_t *g, const char *k, size_t n)
{
    uint64_t h = key_hash(k, n);
    slot_t *s = find_slot(g, k, n, h);
    if (s->len)
        return s;
    if (g->keys_len + n + 1 > g->keys_cap) {
        size_t cap = g->keys_cap * 2 + n + 1;
        char *p = realloc(g->keys, cap);
        if (!p)
            return NULL;
        g->keys = p;
        g->keys_cap = cap;
    }
    memcpy(g->keys + g->keys_len, k, n);
    g->keys[g->keys_len + n] = '\0';
    s->hash = h;
    s->key = (uint32_t)g->keys_len;
    s->len = (uint16_t)n;
    s->prefix = false;
    s->place = -1;
    g->keys_len += n + 1;
    g->n_slots_used++;
    return s;
}

static uint32_t class_bits(const char *s, bool *ok)
{
    static const char letters[] = "CSRKBDTPAX";
    uint32_t bits = 0;
    *ok = *s != '\0';
    for (; *s; s++) {
        const char *p = strchr(letters, *s);
        if (!p) {
            *ok = false;
            return 0;
        }
        bits |= 1u << (p - letters);
    }
    return bits;
}

static bool is_acronym(const char *name)
{
    size_t letters = 0;
    for (const char *p = name; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            letters++;
        else if (*p != '.')
            return false;
    }
    return letters >= 2;
}

/* Splits line into exactly four tab-separated fields, in place. */
static bool split4(char *line, char *f[4])
{
    f[0] = line;
    for (int i = 1; i < 4; i++) {
        char *t = strchr(f[i - 1], '\t');
        if (!t)
            return false;
        *t = '\0';
        f[i] = t + 1;
    }
    return strchr(f[3], '\t') == NULL;
}

static bool read_file(const char *path, char **out, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        nx_set_error(err, "%s: %s", path, strerror(errno));
        return false;
    }
    nx_buf_t b;
    nx_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nx_buf_add(&b, chunk, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || b.oom) {
        nx_set_error(err, "%s: %s", path, bad ? "read error" : "out of memory");
        nx_buf_free(&b);
        return false;
    }
    *len = b.len;
    nx_buf_addc(&b, '\0');
    *out = nx_buf_steal(&b);
    if (!*out) {
        nx_set_error(err, "%s: out of memory", path);
        return false;
    }
    return true;
}

static bool grow_table(nx_gazetteer_t *g, size_t want)
{
    size_t cap = 1024;
    while (cap < want * 2)
        cap *= 2;
    g->slots = calloc(cap, sizeof *g->slots);
    g->mask = cap - 1;
    return g->slots != NULL;
}

nx_gazetteer_t *nx_gazetteer_load(const char *path, char **err)
{
    if (!path) {
        nx_set_error(err, "no gazetteer file given");
        return NULL;
    }
    nx_gazetteer_t *g = calloc(1, sizeof *g);
    size_t len = 0;
    if (!g || !read_file(path, &g->text, &len, err)) {
        if (!g)
            nx_set_error(err, "out of memory");
        free(g);
        return NULL;
    }
    if (len == 0) {
        nx_set_error(err, "%s: empty file", path);
        nx_gazetteer_free(g);
        return NULL;
    }
    /* Count lines to size the tables: names, plus room for prefixes. */
    size_t lines = 1;
    for (const char *p = g->text; (p = memchr(p, '\n', len - (size_t)(p - g->text))); p++)
        lines++;
    g->places = malloc(lines * sizeof *g->places);
    g->keys_cap = len + 1;
    g->keys = malloc(g->keys_cap);
    if (!g->places || !g->keys || !grow_table(g, lines + lines / 2)) {
        nx_set_error(err, "%s: out of memory", path);
        nx_gazetteer_free(g);
        return NULL;
    }
    size_t capacity = (g->mask + 1) * 3 / 4;   /* keep probes short */
    char *line = g->text, *end = g->text + len;
    size_t lineno = 0;
    const char *why = NULL;
    while (line < end) {
        lineno++;
        char *nl = memchr(line, '\n', (size_t)(end - line));
        char *next = nl ? nl + 1 : end;
        size_t n = (size_t)((nl ? nl : end) - line);
        if (nl)
            *nl = '\0';
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        if (strlen(line) != n) {
            why = "NUL byte";
            break;
        }
        if (n == 0 || line[0] == '#') {
            if (lineno == 1 && strncmp(line, "# newsidx gazetteer", 19) != 0) {
                why = "not a newsidx gazetteer (no header line)";
                break;
            }
            line = next;
            continue;
        }
        if (lineno == 1) {
            why = "not a newsidx gazetteer (no header line)";
            break;
        }
        if (!nx_utf8_valid(line, n)) {
            why = "invalid UTF-8";
            break;
        }
        char *f[4];
        if (!split4(line, f)) {
            why = "want 4 tab-separated fields (name, canonical, classes, population)";
            break;
        }
        bool ok;
        uint32_t classes = class_bits(f[2], &ok);
        char *pend;
        errno = 0;
        unsigned long pop = strtoul(f[3], &pend, 10);
        if (!ok) {
            why = "unknown place class";
            break;
        }
        if (!*f[3] || *pend || errno || pop > UINT32_MAX || f[3][0] == '-') {
            why = "bad population";
            break;
        }
        char key[MAX_KEY];
        size_t kn = nx_place_key(f[0], strlen(f[0]), key, sizeof key);
        if (!kn) {
            why = "empty or overlong name";
            break;
        }
        if (is_acronym(f[0]))
            classes |= NX_PC_ACRONYM;
        if (g->n_slots_used + 8 > capacity) {
            why = "too many names";
            break;
        }
        /* The word prefixes first: "new", "new york" for "new york city". */
        for (size_t i = 1; i < kn; i++) {
            if (key[i] != ' ')
                continue;
            slot_t *s = file_key(g, key, i);
            if (!s) {
                why = "out of memory";
                break;
            }
            s->prefix = true;
            if (g->n_slots_used + 8 > capacity) {
                why = "too many names";
                break;
            }
        }
        if (why)
            break;
        slot_t *s = file_key(g, key, kn);
        if (!s) {
            why = "out of memory";
            break;
        }
        nx_place_t *pl = &g->places[g->n_places];
        pl->canonical = *f[1] ? f[1] : f[0];
        pl->pop = (uint32_t)pop;
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
    free(g->text);
    free(g->places);
    free(g->slots);
    free(g->keys);
    free(g);
}

const nx_place_t *nx_gazetteer_lookup(const nx_gazetteer_t *g, const char *key, size_t n,
                                      bool *prefix)
{
    if (prefix)
        *prefix = false;
    if (!g || !n || n > UINT16_MAX)
        return NULL;
    const slot_t *s = find_slot(g, key, n, key_hash(key, n));
    if (!s->len)
        return NULL;
    if (prefix)
        *prefix = s->prefix;
    return s->place >= 0 ? &g->places[s->place] : NULL;
}

const nx_place_t *nx_gazetteer_next(const nx_gazetteer_t *g, const nx_place_t *p)
{
    return p && p->next >= 0 ? &g->places[p->next] : NULL;
}
