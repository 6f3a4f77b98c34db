/* utf8.c - validation and repair of UTF-8 input. */
#include "config.h"

#include "utf8.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t nx_utf8_seq(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xc2)
        return 0;                       /* continuation or overlong lead */
    if (c < 0xe0) {
        return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
    }
    if (c < 0xf0) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && s[1] < 0xa0)
            return 0;                   /* overlong */
        if (c == 0xed && s[1] >= 0xa0)
            return 0;                   /* surrogate */
        return 3;
    }
    if (c < 0xf5) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
            (s[3] & 0xc0) != 0x80)
            return 0;
        if (c == 0xf0 && s[1] < 0x90)
            return 0;                   /* overlong */
        if (c == 0xf4 && s[1] >= 0x90)
            return 0;                   /* above U+10FFFF */
        return 4;
    }
    return 0;
}

bool nx_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* Eight ASCII bytes at a time, none of them NUL: most text is
         * ASCII, and searches check each stored article they show. */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if ((w & 0x8080808080808080ull) ||
                ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (p[i] == 0)
            return false;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = nx_utf8_seq(p + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

uint32_t nx_utf8_next(const char **sp, const char *end)
{
    const unsigned char *s = (const unsigned char *)*sp;
    size_t k = nx_utf8_seq(s, (size_t)((const unsigned char *)end - s));
    uint32_t cp;
    switch (k) {
    case 1: cp = s[0]; break;
    case 2: cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu); break;
    case 3: cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu); break;
    case 4:
        cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
             (s[3] & 0x3fu);
        break;
    default: cp = 0xfffd; k = 1; break;
    }
    *sp += k;
    return cp;
}

size_t nx_utf8_put(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Windows-1252 0x80-0x9f; the five holes map to U+FFFD-free spaces. */
static const uint16_t cp1252_c1[32] = {
    0x20ac, 0x0020, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0020, 0x017d, 0x0020,
    0x0020, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x0020, 0x017e, 0x0178,
};

uint32_t nx_cp1252_c1(uint32_t c)
{
    return c >= 0x80 && c < 0xa0 ? cp1252_c1[c - 0x80] : c;
}

nx_text_verdict_t nx_text_clean(const char *s, size_t n, char **out,
                                size_t *outlen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t controls = 0;
    *out = NULL;
    *outlen = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0)
            return NX_TEXT_BINARY;
        if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' && p[i] != '\f')
            controls++;
    }
    /* A text with more than one control byte in 20 is not prose. */
    if (n >= 64 && controls * 20 > n)
        return NX_TEXT_BINARY;

    nx_buf_t b;
    nx_buf_init(&b);
    nx_buf_reserve(&b, n + n / 8);
    bool repaired = false;
    size_t i = 0;
    /* Skip a byte-order mark. */
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
        i = 3;
    while (i < n) {
        unsigned c = p[i];
        if (c == '\r') {
            nx_buf_addc(&b, '\n');
            i += (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        if (c < 0x20 && c != '\n' && c != '\t') {
            nx_buf_addc(&b, ' ');
            i++;
            continue;
        }
        if (c == 0x7f) {
            nx_buf_addc(&b, ' ');
            i++;
            continue;
        }
        if (c < 0x80) {
            /* Copy a run of plain ASCII at once. */
            size_t j = i + 1;
            while (j < n && p[j] >= 0x20 && p[j] < 0x7f)
                j++;
            nx_buf_add(&b, p + i, j - i);
            i = j;
            continue;
        }
        size_t k = nx_utf8_seq(p + i, n - i);
        if (k) {
            /* C1 controls (U+0080-U+009F) are never text. */
            if (k == 2 && c == 0xc2 && p[i + 1] < 0xa0)
                nx_buf_addc(&b, ' ');
            else
                nx_buf_add(&b, p + i, k);
            i += k;
            continue;
        }
        uint32_t cp = c < 0xa0 ? cp1252_c1[c - 0x80] : c;
        char enc[4];
        nx_buf_add(&b, enc, nx_utf8_put(cp, enc));
        repaired = true;
        i++;
    }
    if (b.oom) {
        nx_buf_free(&b);
        return NX_TEXT_OK;              /* *out stays NULL: out of memory */
    }
    *outlen = b.len;
    *out = nx_buf_steal(&b);
    return repaired ? NX_TEXT_REPAIRED : NX_TEXT_OK;
}
