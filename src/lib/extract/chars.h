/* chars.h - what a character is, for both tokenizers (tokens.c for
 * speakers and quotations, places.c for places): letters and capitals of
 * the Latin, Greek and Cyrillic scripts news names are written in,
 * spaces, and the decoding of one UTF-8 character. */
#ifndef NX_CHARS_H
#define NX_CHARS_H

#include "utf8.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The code point at s[i] and its length in bytes (at least 1). */
static inline uint32_t decode(const char *s, size_t n, size_t i, size_t *len)
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

/* Letters: ASCII, Latin-1 and Latin Extended, Greek, Cyrillic. */
static inline bool cp_letter(uint32_t c)
{
    if (c < 0x80)
        return (c | 32) >= 'a' && (c | 32) <= 'z';
    return (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
           (c >= 0x370 && c <= 0x52f) || (c >= 0x1e00 && c <= 0x1eff);
}

static inline bool cp_upper(uint32_t c)
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

static inline bool cp_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == 0xa0 ||
           (c >= 0x2000 && c <= 0x200b) || c == 0x202f || c == 0x205f || c == 0x3000 ||
           c == 0xfeff;
}

static inline bool is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static inline bool word_char_at(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return false;
    size_t l;
    uint32_t c = decode(s, n, i, &l);
    return cp_letter(c) || is_digit(c);
}

#endif
