/* util.c - allocation, buffers and string lists. */
#include "config.h"

#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

char *nx_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

char *nx_strndup(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    if (r) {
        /* msgpack-c gives an empty string a NULL pointer: memcpy must
         * not see it, even for no bytes. */
        if (n)
            memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

char *nx_vprintf(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        return NULL;
    return s;
}

char *nx_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = nx_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

void nx_buf_init(nx_buf_t *b)
{
    memset(b, 0, sizeof *b);
}

void nx_buf_free(nx_buf_t *b)
{
    free(b->data);
    nx_buf_init(b);
}

void nx_buf_reset(nx_buf_t *b)
{
    b->len = 0;
    b->oom = false;
    if (b->data)
        b->data[0] = '\0';
}

bool nx_buf_reserve(nx_buf_t *b, size_t extra)
{
    if (b->oom)
        return false;
    if (extra > SIZE_MAX - b->len - 1) {
        b->oom = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void nx_buf_add(nx_buf_t *b, const void *p, size_t n)
{
    if (!nx_buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void nx_buf_adds(nx_buf_t *b, const char *s)
{
    nx_buf_add(b, s, strlen(s));
}

void nx_buf_addc(nx_buf_t *b, char c)
{
    nx_buf_add(b, &c, 1);
}

void nx_buf_addf(nx_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = nx_vprintf(fmt, ap);
    va_end(ap);
    if (!s) {
        b->oom = true;
        return;
    }
    nx_buf_adds(b, s);
    free(s);
}

char *nx_buf_steal(nx_buf_t *b)
{
    if (b->oom) {
        nx_buf_free(b);
        return NULL;
    }
    if (!b->data)
        return nx_strdup("");
    char *s = b->data;
    nx_buf_init(b);
    return s;
}

bool nx_strv_take(nx_strv_t *l, char *s)
{
    if (!s)
        return false;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            free(s);
            return false;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return true;
}

bool nx_strv_push(nx_strv_t *l, const char *s)
{
    return nx_strv_take(l, nx_strdup(s));
}

bool nx_strv_contains(const nx_strv_t *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

void nx_strv_free(nx_strv_t *l)
{
    nx_strv_free_array(l->v, l->n);
    memset(l, 0, sizeof *l);
}

void nx_strv_free_array(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

char **nx_strv_copy_array(char *const *v, size_t n)
{
    char **r = calloc(n ? n : 1, sizeof *r);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!(r[i] = nx_strdup(v[i]))) {
            nx_strv_free_array(r, i);
            return NULL;
        }
    }
    return r;
}

/* Length of a Unicode space character at s, or 0.  Covers NBSP,
 * the U+2000 block spaces, narrow NBSP and ideographic space, which
 * wire copy carries more often than one would think. */
static size_t uspace_len(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' ||
                   s[0] == '\f' || s[0] == '\v'))
        return 1;
    if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
        return 2;
    if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] <= 0x8b || s[2] == 0xaf))
        return 3;
    if (n >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) /* BOM */
        return 3;
    return 0;
}

void nx_trim(const char **s, size_t *n)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t len = *n, k;
    while (len && (k = uspace_len(p, len))) {
        p += k;
        len -= k;
    }
    for (;;) {
        if (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\n' ||
                    p[len - 1] == '\r' || p[len - 1] == '\f' || p[len - 1] == '\v')) {
            len--;
            continue;
        }
        if (len >= 2 && p[len - 2] == 0xc2 && p[len - 1] == 0xa0) {
            len -= 2;
            continue;
        }
        if (len >= 3 && uspace_len(p + len - 3, 3) == 3) {
            len -= 3;
            continue;
        }
        break;
    }
    *s = (const char *)p;
    *n = len;
}

bool nx_streq_ci(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

bool nx_has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

uint64_t nx_hash64(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

double nx_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
