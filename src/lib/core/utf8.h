/* utf8.h - validation and repair of UTF-8 input. */
#ifndef NX_UTF8_H
#define NX_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes
 * there are not one (overlong forms, surrogates and values above
 * U+10FFFF are invalid). */
size_t nx_utf8_seq(const unsigned char *s, size_t n);

/* True when [s, s+n) is valid UTF-8 without NUL bytes. */
bool nx_utf8_valid(const char *s, size_t n);

/* Decodes the code point at *s and advances; invalid bytes decode as
 * U+FFFD and advance by one. */
uint32_t nx_utf8_next(const char **s, const char *end);

/* Encodes cp into out (4 bytes room); returns the length. */
size_t nx_utf8_put(uint32_t cp, char *out);

/* The character Windows-1252 has at 0x80-0x9F for a C1 control code
 * point (text declared ISO-8859-1 is usually Windows-1252); other code
 * points unchanged. */
uint32_t nx_cp1252_c1(uint32_t c);

typedef enum nx_text_verdict {
    NX_TEXT_OK,        /* valid UTF-8, used as is */
    NX_TEXT_REPAIRED,  /* stray bytes read as Windows-1252 */
    NX_TEXT_BINARY     /* NUL bytes or mostly control characters */
} nx_text_verdict_t;

/* Makes input text safe to index: CR LF and lone CR become LF, control
 * characters other than tab and newline become spaces, and bytes that are
 * not UTF-8 are read as Windows-1252 (the usual encoding of legacy wire
 * copy) rather than dropped, so no word is lost or garbled.  Returns a
 * malloc'ed string in *out (NULL when out of memory or binary). */
nx_text_verdict_t nx_text_clean(const char *s, size_t n, char **out,
                                size_t *outlen);

#ifdef __cplusplus
}
#endif

#endif
