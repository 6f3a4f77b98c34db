/* util.h - small helpers shared by the library and the programs:
 * checked allocation, a growable byte buffer, string lists. */
#ifndef NX_UTIL_H
#define NX_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* malloc-family wrappers: on failure these return NULL like their libc
 * counterparts; nothing here aborts, so a library caller never dies on
 * an allocation failure it could report. */
char *nx_strdup(const char *s);
char *nx_strndup(const char *s, size_t n);
char *nx_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *nx_vprintf(const char *fmt, va_list ap);

/* Growable buffer, always NUL-terminated when len > 0 or after any
 * append.  A failed append sets oom and leaves the contents unchanged;
 * check it once at the end. */
typedef struct nx_buf {
    char *data;
    size_t len, cap;
    bool oom;
} nx_buf_t;

void nx_buf_init(nx_buf_t *b);
void nx_buf_free(nx_buf_t *b);
void nx_buf_reset(nx_buf_t *b);
bool nx_buf_reserve(nx_buf_t *b, size_t extra);
void nx_buf_add(nx_buf_t *b, const void *p, size_t n);
void nx_buf_adds(nx_buf_t *b, const char *s);
void nx_buf_addc(nx_buf_t *b, char c);
void nx_buf_addf(nx_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the contents to the caller (malloc'ed, NUL-terminated) and
 * empties the buffer; NULL on earlier out-of-memory. */
char *nx_buf_steal(nx_buf_t *b);

/* A list of owned strings. */
typedef struct nx_strv {
    char **v;
    size_t n, cap;
} nx_strv_t;

bool nx_strv_push(nx_strv_t *l, const char *s);    /* copies s */
bool nx_strv_take(nx_strv_t *l, char *s);          /* takes ownership */
bool nx_strv_contains(const nx_strv_t *l, const char *s);
void nx_strv_free(nx_strv_t *l);
void nx_strv_free_array(char **v, size_t n);
char **nx_strv_copy_array(char *const *v, size_t n);

/* Trims ASCII and Unicode spaces at both ends of [*s, *s+*n). */
void nx_trim(const char **s, size_t *n);
bool nx_streq_ci(const char *a, const char *b);
bool nx_has_suffix(const char *s, const char *suffix);

/* 64-bit FNV-1a, for ids derived from text (not for security). */
uint64_t nx_hash64(const void *p, size_t n, uint64_t h);
#define NX_HASH64_INIT UINT64_C(0xcbf29ce484222325)

/* Monotonic seconds. */
double nx_now(void);

#ifdef __cplusplus
}
#endif

#endif
