/* mpack.h - MessagePack (msgpack-c) for the library and the protocol:
 * reading decoded objects, packing into a buffer, and articles and
 * results through the walks of fields.c. */
#ifndef NX_MPACK_H
#define NX_MPACK_H

#include "nx.h"

#include <msgpack.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- reading decoded objects ---- */

/* Text from a str or bin object: valid UTF-8 without NUL, malloc'ed.
 * NULL with *err set otherwise ("WHAT must be a string"). */
char *nx_mp_text(const msgpack_object *o, const char *what, char **err);
/* The value of key in a map object, or NULL. */
const msgpack_object *nx_mp_get(const msgpack_object *map, const char *key);
bool nx_mp_is_text(const msgpack_object *o);
/* Non-negative integer of a positive int object. */
bool nx_mp_uint(const msgpack_object *o, uint64_t *out);

/* ---- packing into a buffer ---- */

void nx_mp_packer_init(msgpack_packer *pk, nx_buf_t *out);
void nx_mp_pack_str(msgpack_packer *pk, const char *s);
void nx_mp_pack_str_or_nil(msgpack_packer *pk, const char *s);

/* ---- articles and results ---- */

/* The article as a map of the fields in groups (NX_FIELDS_*). */
void nx_mp_pack_article(msgpack_packer *pk, const newsidx_article_t *a, unsigned groups);
void nx_mp_pack_results(msgpack_packer *pk, const newsidx_results_t *r);
void nx_mp_pack_quotes(msgpack_packer *pk, const newsidx_quotes_t *r);

/* Fills a (new, empty) from a map: the fields in groups, as they are
 * (not checked or completed as nx_article_finish() does).  false with
 * *err naming the field; a keeps what was read, for
 * newsidx_article_free(). */
bool nx_mp_read_article(const msgpack_object *map, newsidx_article_t *a, unsigned groups,
                        char **err);
/* A search answer from its map, owned by the caller; NULL with *err. */
newsidx_results_t *nx_mp_read_results(const msgpack_object *map, char **err);
newsidx_quotes_t *nx_mp_read_quotes(const msgpack_object *map, char **err);

#ifdef __cplusplus
}
#endif

#endif
