/* fields.h - the fields of an article and of search results, as tables,
 * and the walks over them.
 *
 * Articles and results leave the library as JSON (--json output, JSON
 * Lines export), as MessagePack (the daemon's replies, the record
 * stored with each document) and come back from both.  Rather than
 * one hand-written encoder and decoder per format, which drifted apart
 * whenever a field was added, each structure is described once by a
 * table (key, type, where in the struct, when it is written), and two
 * walks read the tables: one emits a structure through an emitter, one
 * fills a structure through a reader.  The JSON emitter and reader are
 * in json.c (jansson), the MessagePack ones in mpack.c (msgpack-c). */
#ifndef NX_FIELDS_H
#define NX_FIELDS_H

#include "nx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a field holds in its struct. */
typedef enum nx_ftype {
    NX_T_STR,       /* char *, NULL when absent */
    NX_T_STRV,      /* char ** with a size_t count */
    NX_T_BOOL,      /* bool */
    NX_T_U64,       /* uint64_t */
    NX_T_UINT,      /* unsigned */
    NX_T_SIZE,      /* size_t */
    NX_T_REAL,      /* double */
    NX_T_KIND,      /* newsidx_kind_t: "person" or "organisation" */
    NX_T_KINDS,     /* newsidx_kind_t *, one per item of the list whose
                       count is at count: ["person", "organisation"] */
    NX_T_RECORDS,   /* an array of structs with a size_t count, each a
                       map described by sub */
    NX_T_FACETS,    /* newsidx_facet_t * with a count: [[name, count]] */
    NX_T_EXPLAIN,   /* newsidx_explain_t * with a count: {field: weight} */
    NX_T_GROUP      /* a map of the sub fields of this same struct */
} nx_ftype_t;

/* When a field is written. */
typedef enum nx_presence {
    NX_P_ALWAYS,    /* always; an absent string is nil (JSON null) */
    NX_P_OPTIONAL,  /* left out when NULL, empty or false */
    NX_P_STRING,    /* always; an absent string is "" */
    NX_P_IF_FLAG    /* when the bool at flag is true (which reading sets) */
} nx_presence_t;

/* Flags of a field. */
enum {
    NX_F_REQUIRED = 1 << 0,     /* reading fails without it */
    NX_F_NUMBER_TEXT = 1 << 1   /* read accepts a non-negative integer as
                                   its text ("id": 12) */
};

typedef struct nx_fields nx_fields_t;

typedef struct nx_field {
    const char *key;
    nx_ftype_t type;
    nx_presence_t presence;
    unsigned groups;            /* NX_FIELDS_* bits this field is in */
    unsigned flags;
    size_t offset;              /* of the value */
    size_t count;               /* of its size_t count (lists) */
    size_t flag;                /* of the bool saying it is there */
    const nx_fields_t *sub;     /* items of NX_T_RECORDS, NX_T_GROUP */
} nx_field_t;

struct nx_fields {
    const nx_field_t *v;
    size_t n;
    size_t size;                /* of one struct (array items) */
};

extern const nx_fields_t nx_article_fields;
extern const nx_fields_t nx_results_fields;
extern const nx_fields_t nx_quotes_fields;     /* newsidx_quotes_t */

/* ---- emitting ---- */

/* Where a walk writes.  A container announces its size first (as
 * MessagePack does): map(n) is followed by n keys each with its value,
 * array(n) by n values. */
typedef struct nx_emitter nx_emitter_t;
struct nx_emitter {
    void (*map)(nx_emitter_t *e, size_t n);
    void (*array)(nx_emitter_t *e, size_t n);
    void (*key)(nx_emitter_t *e, const char *key);
    void (*str)(nx_emitter_t *e, const char *s);   /* NULL: nil */
    void (*boolean)(nx_emitter_t *e, bool b);
    void (*uint)(nx_emitter_t *e, uint64_t v);
    void (*real)(nx_emitter_t *e, double v);
};

/* Emits the struct at rec as a map of the fields in groups. */
void nx_emit(nx_emitter_t *e, const nx_fields_t *t, const void *rec, unsigned groups);

/* ---- reading ---- */

typedef enum nx_read_text {
    NX_READ_OK,
    NX_READ_NOT_TEXT,
    NX_READ_NUL,            /* holds a NUL character */
    NX_READ_INVALID,        /* not valid UTF-8 */
    NX_READ_NOMEM
} nx_read_text_t;

/* What a walk reads from: a decoded JSON or MessagePack value, seen
 * through these functions.  Values are opaque pointers of the reader. */
typedef struct nx_reader {
    /* The value of key in a map; NULL when absent or nil. */
    const void *(*get)(const void *map, const char *key);
    bool (*is_map)(const void *v);
    /* Entries of a map, items of an array; false when v is not one. */
    bool (*map_size)(const void *v, size_t *n);
    nx_read_text_t (*map_key)(const void *v, size_t i, char **out);
    const void *(*map_value)(const void *v, size_t i);
    bool (*array_size)(const void *v, size_t *n);
    const void *(*array_item)(const void *v, size_t i);
    /* A malloc'ed copy of a string. */
    nx_read_text_t (*text)(const void *v, char **out);
    /* A non-negative integer as decimal text, malloc'ed; NULL when v
     * is not one. */
    char *(*integer_text)(const void *v);
    bool (*boolean)(const void *v, bool *out);
    /* A non-negative number (an integer, or a float, truncated and
     * held to UINT64_MAX). */
    bool (*uint)(const void *v, uint64_t *out);
    bool (*real)(const void *v, double *out);
} nx_reader_t;

/* Fills the struct at rec (zeroed, or holding what it held: fields read
 * replace nothing, so start from zero) with the fields in groups found
 * in map.  false with *err naming the field; what was read stays in rec
 * for its free function. */
bool nx_read(const nx_reader_t *r, const void *map, const nx_fields_t *t, void *rec,
             unsigned groups, char **err);

/* What a table cannot say about an article read with groups: a body
 * when the body was to be read, quotations that end after they start. */
bool nx_article_check(const newsidx_article_t *a, unsigned groups, char **err);

#ifdef __cplusplus
}
#endif

#endif
