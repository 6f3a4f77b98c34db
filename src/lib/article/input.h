/* input.h - what input.c shares with the format readers (xml.c, ninjs.c,
 * wire.c ...): the input's bytes, its messages, and the hooks of a
 * reader that returns a file's articles one by one. */
#ifndef NX_INPUT_H
#define NX_INPUT_H

#include "nx.h"

#include <stdio.h>

/* Notes on an item's dates, each with the line it is about. */
typedef struct nx_notes {
    nx_strv_t text;
    unsigned long *lines;
} nx_notes_t;
/* Moves the notes of from to the end of to; from is left empty. */
void nx_notes_move(nx_notes_t *to, nx_notes_t *from);
void nx_notes_free(nx_notes_t *n);

/* A reader of one format over one input.  next() returns what
 * newsidx_input_next() returns; free() releases the state. */
typedef struct nx_reader {
    newsidx_status_t (*next)(newsidx_input_t *in, void *state, newsidx_article_t **out);
    void (*free)(void *state);
    void *state;
} nx_item_reader_t;

struct newsidx_input {
    FILE *fp;
    bool own_fp;
    char *name;                 /* for messages */
    newsidx_format_t format;
    bool forced;                /* the format was given, not detected */
    bool lines;                 /* read as JSON Lines (ours or ninjs) */
    bool done;
    unsigned long line;         /* line number of the next unread line */
    uint64_t offset;            /* bytes consumed by the parser */
    char *error;
    char *warning;
    /* read-ahead for the line reader */
    char chunk[65536];
    size_t chunk_pos, chunk_len;
    nx_buf_t rec;
    nx_item_reader_t reader;         /* multi-article formats, once chosen */
    newsidx_skip_t *skips;      /* items passed over, by reason (owned) */
    uint64_t untitled;          /* articles titled from their lead */
    uint64_t repaired;          /* feed items whose UTF-8 was encoded twice */
    uint64_t bad_dates;         /* articles with a date left out */
    size_t n_skips;
    /* What the item being read said about its dates (nx_input_moment),
     * told with its id when it is finished (nx_input_finish). */
    nx_notes_t notes;
};

/* Reads up to n bytes of the input (what detection looked at first). */
size_t nx_input_read(newsidx_input_t *in, char *buf, size_t n);
/* Reads the rest of the input into in->rec; false when it is larger
 * than limit (what was read is dropped). */
bool nx_input_slurp(newsidx_input_t *in, size_t limit);
/* "FILE:LINE: what" (line 0: "FILE: what") as the input's error. */
void nx_input_error(newsidx_input_t *in, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void nx_input_warn(newsidx_input_t *in, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Counts an item that is not an article (a picture, a video ...). */
void nx_input_skip(newsidx_input_t *in, const char *reason);
/* Completes an article a reader made (nx_article_finish); on failure
 * frees it, sets the error with the item's line and returns
 * NEWSIDX_ERR_INPUT. */
newsidx_status_t nx_input_finish(newsidx_input_t *in, unsigned long line, newsidx_article_t *a,
                                 newsidx_article_t **out);

/* Article helpers the readers share (fields.c). */
/* Sets *field to a copy of s (NULL allowed), keeping an earlier value. */
void nx_set_once(char **field, const char *s);
/* Takes s (malloc'ed) into *field unless it is already set. */
void nx_take_once(char **field, char *s);
/* Appends a name to a list once (case-insensitively); takes it. */
void nx_list_add(char ***v, size_t *n, char *name);
/* The body's leading dateline, if any, moves to a->dateline (when it
 * has none) and out of the body; a leading "By ..." line likewise. */
void nx_lift_dateline(newsidx_article_t *a);
/* Sets the date and time from a sender's moment, given in its field
 * (named in messages) on that line of the input, when it is a date by
 * the one rule (nx_when_read); otherwise notes why for the warning of
 * the item, and returns false (a reader may then try another field). */
bool nx_input_moment(newsidx_input_t *in, unsigned long line, newsidx_article_t *a,
                     const char *field, const char *when);
/* Forgets the notes of an item that is not returned (skipped, refused);
 * a reader holding an item while it reads the next (wire.c) keeps them
 * aside with nx_notes_move() and gives them back before finishing it. */
void nx_input_drop_notes(newsidx_input_t *in);
/* Uses id as the article's id, a hash of it when too long for one. */
void nx_set_id(newsidx_article_t *a, const char *id);
/* Plain text as paragraphs: blank lines between them, wrapped lines
 * joined; NULL when there is no text. */
char *nx_text_paragraphs(const char *s);
/* What senders add to a story that is not the story leaves its body:
 * paragraphs that are rules ("___", "* * *") or wire end marks ("END",
 * "MORE", "-30-"), copyright and rights lines, and the editors'
 * initials closing it ("hh/ph/ts/hd", "dpa wsz jln npr").  Agency
 * formats only (nx_input_finish; the wire readers per message). */
void nx_drop_boilerplate(newsidx_article_t *a);
/* A title that is a wire slug ("BC-BBN--Top Ten", an AP keyword sent as
 * the headline) is no headline: it goes, with a first paragraph that
 * only repeats it, and the title is made from the lead. */
void nx_drop_slug_title(newsidx_article_t *a);
/* "By Jane Doe" -> "Jane Doe". */
char *nx_strip_by(char *byline);

/* ninjs (ninjs.c): whether a JSON object is a ninjs item rather than an
 * article of our own JSON Lines; one item as an article (NEWSIDX_OK),
 * passed over and counted (NEWSIDX_END), or NEWSIDX_ERR_INPUT. */
struct json_t;
bool nx_json_is_ninjs(struct json_t *obj);
newsidx_status_t nx_ninjs_item(newsidx_input_t *in, unsigned long line, struct json_t *obj,
                               newsidx_article_t **out);

/* The readers (each in its own file).  Each sets in->reader. */
newsidx_status_t nx_xml_open(newsidx_input_t *in);        /* xml.c */
newsidx_status_t nx_json_doc_open(newsidx_input_t *in);   /* ninjs.c */
newsidx_status_t nx_wire_open(newsidx_input_t *in);       /* wire.c: ANPA, 7901 */

#endif
