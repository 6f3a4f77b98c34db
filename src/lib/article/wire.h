/* wire.h - wire transmissions (ANPA-1312, IPTC 7901): a stream of
 * messages framed by control characters, each parsed by its format
 * (anpa.c, iptc7901.c) with the helpers of wire.c. */
#ifndef NX_WIRE_H
#define NX_WIRE_H

#include "input.h"

enum {
    SOH = 0x01, STX = 0x02, ETX = 0x03, EOT = 0x04, SYN = 0x16,
};

/* How a message relates to the story it belongs to. */
typedef struct nx_wire_part {
    char *story;        /* the story's id, shared by all its messages */
    bool continuation;  /* a take or add: more text for the story */
    unsigned number;    /* which take or add */
} nx_wire_part_t;

/* Parses one message [p, p+n) (SOH to ETX and its trailer).  NEWSIDX_OK
 * with *a (not finished) and *part; NEWSIDX_END when it holds no story
 * (*skip says why); NEWSIDX_ERR_INPUT with the input's error set. */
typedef newsidx_status_t (*nx_wire_parse_fn)(newsidx_input_t *in, const char *p, size_t n,
                                             unsigned long line, newsidx_article_t **a,
                                             nx_wire_part_t *part, const char **skip);
newsidx_status_t nx_anpa_message(newsidx_input_t *in, const char *p, size_t n,
                                 unsigned long line, newsidx_article_t **a,
                                 nx_wire_part_t *part, const char **skip);
newsidx_status_t nx_iptc7901_message(newsidx_input_t *in, const char *p, size_t n,
                                     unsigned long line, newsidx_article_t **a,
                                     nx_wire_part_t *part, const char **skip);

/* Helpers (wire.c). */
/* A line of [*p, end): its text without CR, and *p past its LF. */
bool nx_wire_line(const char **p, const char *end, const char **l, size_t *ll);
/* The line number of at, in a message [p, ...) that starts on line. */
unsigned long nx_wire_line_of(const char *p, const char *at, unsigned long line);
/* Cleaned text (Windows-1252 bytes repaired, controls removed) of
 * [s, s+n), trimmed; NULL when empty. */
char *nx_wire_text(const char *s, size_t n);
/* The paragraphs of a body: paragraphs start at an indented line or
 * after a blank line; wrapped lines are joined. */
void nx_wire_paragraph(nx_buf_t *body, const char *l, size_t ll, bool *open);
/* AP's 7-bit conventions: `` and '' quotes, " _ " for a dash. */
char *nx_wire_typography(char *s);
/* "1st", "2nd", "3RD", "12th" at s: the number, 0 when none. */
unsigned nx_wire_ordinal(const char *s, size_t n);

#endif
