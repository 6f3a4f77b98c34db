/* newsidx.h - full-text search over news articles, the C API.
 *
 * Copyright (C) 2026 The newsidx authors.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Conventions, which hold for every function below unless it says
 * otherwise:
 *
 *  - Functions that can fail return a newsidx_status_t.  NEWSIDX_OK is
 *    zero; newsidx_status_to_string() names every value.
 *  - The detail of the last failure stays on the handle it happened on
 *    (newsidx_db_error(), newsidx_writer_error(), newsidx_input_error()).
 *    Constructors, which have no handle yet, take a `char **errmsg` and
 *    store a malloc'ed message there that the caller frees.
 *  - "Owned by the caller" means the caller frees it with the named
 *    function.  "Borrowed" means it stays valid until the named event and
 *    must not be freed.
 *  - Handles (newsidx_db_t, newsidx_config_t, newsidx_search_t,
 *    newsidx_results_t, newsidx_quotes_t...) are opaque: made by a function here, read
 *    and changed through accessors, freed by the function named beside
 *    the one that made them.  The structs whose fields are shown
 *    (articles, hits, facets, stats) are plain records.
 *  - Handles are not thread-safe: use one per thread.  The exception is
 *    newsidx_extractor_t, which is read-only after creation and may be
 *    shared between threads.
 */
#ifndef NEWSIDX_H
#define NEWSIDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; what is declared here is
 * its interface. */
#pragma GCC visibility push(default)

/* No function here lets a C++ exception out (a callback must not throw
 * either): to C++ they are noexcept. */
#ifdef __cplusplus
#define NEWSIDX_NOEXCEPT noexcept
#else
#define NEWSIDX_NOEXCEPT
#endif

/* NEWSIDX_VERSION ("0.1.0") and its numbers, from configure. */
#include "newsidx-version.h"

/* The version of the library in use, which may be newer than the
 * headers a program was built with. */
const char *newsidx_version(void) NEWSIDX_NOEXCEPT;

/* The index format this library writes, stored in the database metadata
 * under "newsidx.format".  It reads formats NEWSIDX_FORMAT_OLDEST up to
 * this one and refuses others with NEWSIDX_ERR_VERSION.  Format 2 added
 * terms for pairs of neighbouring stopwords; a format 1 database is
 * searched without them (its phrases of two stopwords are slower).
 * Format 3 added what senders give: byline, URL, subjects and language
 * as fields, the time and version of each article, the people and
 * places the sender tagged among speakers and locations, and each
 * article stemmed in its own language; quotations with their speakers
 * (quote:, newsidx_db_quotes()), speaker kinds and the alias table;
 * and the story key (versions of one story are one hit).  An older
 * database has none of them, and searches say so; in it every article
 * is a story of its own. */
#define NEWSIDX_FORMAT_VERSION 3
#define NEWSIDX_FORMAT_OLDEST 1

/* ------------------------------------------------------------------ */
/* Status                                                              */
/* ------------------------------------------------------------------ */

typedef enum newsidx_status {
    NEWSIDX_OK = 0,
    NEWSIDX_END,             /* an iteration is finished; not an error */
    NEWSIDX_ERR_NOMEM,
    NEWSIDX_ERR_IO,          /* reading or writing a file failed */
    NEWSIDX_ERR_ARG,         /* the caller passed an invalid argument */
    NEWSIDX_ERR_INPUT,       /* an input record is malformed (skipped) */
    NEWSIDX_ERR_NOT_FOUND,   /* no article with that id */
    NEWSIDX_ERR_NO_DATABASE, /* the database does not exist yet */
    NEWSIDX_ERR_LOCKED,      /* another process holds the write lock */
    NEWSIDX_ERR_VERSION,     /* the database has another index format */
    NEWSIDX_ERR_CORRUPT,     /* the database is damaged */
    NEWSIDX_ERR_QUERY,       /* the query string has a syntax error */
    NEWSIDX_ERR_LIMIT,       /* a request exceeds a configured limit */
    NEWSIDX_ERR_UNAVAILABLE, /* a database or shard does not answer */
    NEWSIDX_ERR_XAPIAN,      /* any other error from the search engine */
    NEWSIDX_ERR_INTERNAL,
    NEWSIDX_STATUS_LAST
} newsidx_status_t;

/* A static, human-readable description of a status ("database locked
 * by another writer", ...); "unknown status" for any other value. */
const char *newsidx_status_to_string(newsidx_status_t status) NEWSIDX_NOEXCEPT;

/* ------------------------------------------------------------------ */
/* Articles                                                            */
/* ------------------------------------------------------------------ */

/* Who a speaker is: a person, or an organisation that speaks ("NATO
 * said in a statement"). */
typedef enum newsidx_kind {
    NEWSIDX_KIND_PERSON = 0,
    NEWSIDX_KIND_ORGANISATION = 1
} newsidx_kind_t;

/* A quotation: the words one speaker is reported to have said. */
typedef struct newsidx_quote {
    char *speaker;          /* one of the article's speakers, full form */
    char *text;             /* the quoted words as they stand in the body */
    size_t start, end;      /* where text stands in the body: offsets in
                               characters (code points), [start, end) */
    bool indirect;          /* reported speech ("X said that ..."), not
                               the speaker's own words in quote marks */
} newsidx_quote_t;

/* Another form of a speaker's name: "Fed" for "Federal Reserve", "Bank
 * of America" for "Bank of America Corp". */
typedef struct newsidx_alias {
    char *alias;            /* the other form, as written */
    char *name;             /* the speaker's name, as in speakers */
} newsidx_alias_t;

/* A part of a story sent in pieces (the takes and adds of ANPA-1312 and
 * IPTC 7901): the story's first part is number 1. */
typedef struct newsidx_part {
    unsigned number;
    char *body;             /* the part's text, as in the article's body */
} newsidx_part_t;

/* An article as parsed, extracted, stored and fetched.  A plain record:
 * every string is NUL-terminated UTF-8 owned by the article, or NULL
 * when the field is absent; every list has its count beside it. */
typedef struct newsidx_article {
    char *id;
    char *title;
    char *date;             /* "YYYY-MM-DD", the day the article gives */
    char *dateline;
    char *byline;
    char *url;
    char *body;
    char **speakers;        /* n_speakers names, fullest form first seen */
    size_t n_speakers;
    char **locations;       /* n_locations canonical place names */
    size_t n_locations;
    /* Given by the sender (agency formats, feeds), NULL or empty when
     * the format has no such field. */
    char *time;             /* "YYYY-MM-DDTHH:MM:SSZ": the moment, in UTC */
    char *language;         /* ISO 639-1 ("en", "de"); NULL: English */
    char *version;          /* the sender's version of this id ("3"); a
                               newer one replaces an older, never the
                               reverse */
    char **subjects;        /* subject names */
    size_t n_subjects;
    char **agency_persons;  /* people the sender tagged the article with */
    size_t n_agency_persons;
    char **agency_orgs;     /* organisations the sender tagged */
    size_t n_agency_orgs;
    char **agency_places;   /* places the sender tagged */
    size_t n_agency_places;
    bool summary_only;      /* body is a feed's summary, not the full text */
    /* Found by extraction (newsidx_extract). */
    newsidx_kind_t *speaker_kinds;  /* n_speakers kinds, or NULL: all
                                       persons */
    newsidx_quote_t *quotes;        /* in the order they stand in the body */
    size_t n_quotes;
    newsidx_alias_t *aliases;       /* other forms of the speakers' names:
                                       those this article uses beside the
                                       full one, a firm's name without its
                                       legal suffix, and short forms a
                                       hand list knows ("Fed") */
    size_t n_aliases;
    /* A story sent in parts (wire transmissions): the story's id, and
     * the parts whose text this article's body holds, in order.  The
     * writer joins a part arriving alone to its stored story (and a
     * story to its parts stored before it).  NULL and 0 otherwise. */
    char *story;
    newsidx_part_t *parts;
    size_t n_parts;
} newsidx_article_t;

/* An empty article, owned by the caller; NULL when out of memory. */
newsidx_article_t *newsidx_article_new(void) NEWSIDX_NOEXCEPT;

/* Frees the article and everything it holds.  NULL is allowed. */
void newsidx_article_free(newsidx_article_t *article) NEWSIDX_NOEXCEPT;

/* Input formats (newsidx(1), INPUT; doc/formats.md says what is taken
 * from each).  Files in any of them are recognised by their content. */
typedef enum newsidx_format {
    NEWSIDX_FORMAT_AUTO = 0, /* detected per file */
    NEWSIDX_FORMAT_TEXT,     /* wire text: [date D] [header lines or a title]
                                DATELINE — body */
    NEWSIDX_FORMAT_HEADERS,  /* Title:/Date:/... headers, blank line, body */
    NEWSIDX_FORMAT_JSONL,    /* one JSON object per line */
    NEWSIDX_FORMAT_NITF,     /* NITF 3.x (XML) */
    NEWSIDX_FORMAT_NEWSML_G2,/* NewsML-G2: a newsMessage or a newsItem */
    NEWSIDX_FORMAT_NEWSML1,  /* NewsML 1.2 */
    NEWSIDX_FORMAT_NINJS,    /* ninjs 1.x and 2.x (JSON): an item, an array
                                of items, or one item per line */
    NEWSIDX_FORMAT_ANPA,     /* ANPA-1312 wire transmissions */
    NEWSIDX_FORMAT_IPTC7901, /* IPTC 7901 wire transmissions */
    NEWSIDX_FORMAT_RSS,      /* RSS 2.0, WordPress exports (WXR) */
    NEWSIDX_FORMAT_ATOM,     /* Atom 1.0 */
    NEWSIDX_FORMAT_LAST
} newsidx_format_t;

/* Parses a format's name: "auto", "text", "headers", "jsonl", "nitf",
 * "newsml-g2", "newsml-1.2", "ninjs", "anpa", "iptc7901", "rss" or
 * "atom" (also "newsml1", "anpa-1312", "iptc-7901", "wordpress");
 * NEWSIDX_ERR_ARG otherwise. */
newsidx_status_t newsidx_format_from_string(const char *name,
                                            newsidx_format_t *format) NEWSIDX_NOEXCEPT;

/* The name of a format, as newsidx_format_from_string() reads it. */
const char *newsidx_format_to_string(newsidx_format_t format) NEWSIDX_NOEXCEPT;

/* Parses one wire-text or headered article held in memory (JSON Lines
 * are read through newsidx_input_t).  name is used in messages only.
 * On success *article is owned by the caller, and *errmsg (if errmsg is
 * not NULL) is NULL or a malloc'ed warning, a line for each date left
 * out of the article as one that cannot be right (doc/formats.md).  On
 * NEWSIDX_ERR_INPUT, *errmsg receives a malloc'ed message. */
newsidx_status_t newsidx_article_parse(const char *buf, size_t len,
                                       newsidx_format_t format,
                                       const char *name,
                                       newsidx_article_t **article,
                                       char **errmsg) NEWSIDX_NOEXCEPT;

/* A stream of articles from one file or standard input ("-"). */
typedef struct newsidx_input newsidx_input_t;

newsidx_status_t newsidx_input_open(const char *path, newsidx_format_t format,
                                    newsidx_input_t **input, char **errmsg) NEWSIDX_NOEXCEPT;

/* The next article.  Returns NEWSIDX_OK with *article owned by the
 * caller; NEWSIDX_END at the end of the input; NEWSIDX_ERR_INPUT when a
 * record is malformed: the record is skipped, newsidx_input_error() says
 * "FILE:LINE: what", and the next call continues after it.  Any other
 * status ends the input (an unreadable file, for one). */
newsidx_status_t newsidx_input_next(newsidx_input_t *input,
                                    newsidx_article_t **article) NEWSIDX_NOEXCEPT;

/* The message of the last failure, or the warnings about the article
 * just returned (repaired encoding, a date left out as one that cannot
 * be right), one a line, each "FILE:LINE: what"; else NULL.  Borrowed
 * until the next call on the input. */
const char *newsidx_input_error(const newsidx_input_t *input) NEWSIDX_NOEXCEPT;
const char *newsidx_input_warning(const newsidx_input_t *input) NEWSIDX_NOEXCEPT;

/* The format detected (or forced) for this input; NEWSIDX_FORMAT_AUTO
 * until the first newsidx_input_next(). */
newsidx_format_t newsidx_input_format(const newsidx_input_t *input) NEWSIDX_NOEXCEPT;

/* Items passed over because they are not articles: a picture, video,
 * graphic or package in a newsMessage, a ninjs item whose type is not
 * text, a feed entry or WordPress post without text, an item withdrawn
 * by its sender.  Not errors: newsidx_input_next() goes on to the next
 * item without returning them.  One entry per reason, with how many
 * items of this input it covered so far; *skips is borrowed until the
 * next call on the input.  Returns the number of entries. */
typedef struct newsidx_skip {
    const char *reason;      /* e.g. "picture (NewsML-G2 itemClass)" */
    uint64_t count;
} newsidx_skip_t;
size_t newsidx_input_skipped(const newsidx_input_t *input,
                             const newsidx_skip_t **skips) NEWSIDX_NOEXCEPT;

/* Bytes consumed so far, for progress reports. */
uint64_t newsidx_input_offset(const newsidx_input_t *input) NEWSIDX_NOEXCEPT;

void newsidx_input_close(newsidx_input_t *input) NEWSIDX_NOEXCEPT;

/* ------------------------------------------------------------------ */
/* Extraction of speakers and locations                                */
/* ------------------------------------------------------------------ */

/* Holds the gazetteer.  Read-only once created: one extractor may serve
 * any number of threads at once. */
typedef struct newsidx_extractor newsidx_extractor_t;

/* gazetteer is the path of the place table, or NULL for the installed
 * one ($NEWSIDX_GAZETTEER overrides the default). */
newsidx_status_t newsidx_extractor_new(const char *gazetteer,
                                       newsidx_extractor_t **extractor,
                                       char **errmsg) NEWSIDX_NOEXCEPT;

/* Replaces article->speakers and article->locations with what the
 * article's dateline, title and body say.  Extraction reads English:
 * an article in another language (article->language set and not "en")
 * gets none. */
newsidx_status_t newsidx_extract(const newsidx_extractor_t *extractor,
                                 newsidx_article_t *article) NEWSIDX_NOEXCEPT;

void newsidx_extractor_free(newsidx_extractor_t *extractor) NEWSIDX_NOEXCEPT;

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

/* Settings from newsidx.conf(5): an opaque handle.  It starts with the
 * defaults of newsidx.conf(5); newsidx_config_load() overlays a file,
 * newsidx_config_set() one setting.  A config is only read by the
 * functions it is given to (newsidx_db_open(), newsidx_writer_open()
 * copy what they need): it may be freed or changed after them. */
typedef struct newsidx_config newsidx_config_t;

/* A config holding the defaults, owned by the caller (freed with
 * newsidx_config_free()); NULL when out of memory. */
newsidx_config_t *newsidx_config_new(void) NEWSIDX_NOEXCEPT;

/* A copy of every setting of config, owned by the caller (freed with
 * newsidx_config_free()); NULL when out of memory. */
newsidx_config_t *newsidx_config_copy(const newsidx_config_t *config) NEWSIDX_NOEXCEPT;

/* Frees the config and the strings it holds.  NULL is allowed. */
void newsidx_config_free(newsidx_config_t *config) NEWSIDX_NOEXCEPT;

/* Reads an INI file over the current values.  NEWSIDX_ERR_IO when it
 * cannot be read, NEWSIDX_ERR_INPUT with "FILE:LINE: what" in *errmsg
 * (owned by the caller) for an unknown key or a bad value. */
newsidx_status_t newsidx_config_load(newsidx_config_t *config,
                                     const char *path, char **errmsg) NEWSIDX_NOEXCEPT;

/* Sets one setting as the line "key = value" in [section] of a file
 * would, through the same checks: NEWSIDX_ERR_ARG with the message a
 * file would get after its "FILE:LINE: " in *errmsg (owned by the
 * caller; errmsg may be NULL), and the config unchanged.  As in a
 * file, [shards] shard adds one more shard, every other key replaces
 * its value.  value NULL gives the key back its default (no shards for
 * [shards] shard).  The strings are copied. */
newsidx_status_t newsidx_config_set(newsidx_config_t *config, const char *section,
                                    const char *key, const char *value,
                                    char **errmsg) NEWSIDX_NOEXCEPT;

/* Every setting, named by its section and key in newsidx.conf(5); the
 * getter of its type reads it: u (newsidx_config_get_uint), d
 * (_double), b (_bool), s (_string) or l (_list). */
typedef enum newsidx_config_key {
    /* [index] */
    NEWSIDX_CONFIG_BATCH_DOCS = 0,      /* u: batch_docs */
    NEWSIDX_CONFIG_BATCH_BYTES,         /* u: batch_bytes, in bytes */
    NEWSIDX_CONFIG_BATCH_SECONDS,       /* d: batch_seconds */
    NEWSIDX_CONFIG_THREADS,             /* u: threads, 0 = one per core */
    NEWSIDX_CONFIG_GAZETTEER,           /* s: gazetteer, NULL: installed */
    NEWSIDX_CONFIG_LOCK_TIMEOUT,        /* d: lock_timeout, seconds */
    NEWSIDX_CONFIG_SPELLING,            /* b: spelling */
    NEWSIDX_CONFIG_COMPACT,             /* s: compact: "auto", "always" or
                                           "never" */
    /* [weights] */
    NEWSIDX_CONFIG_WEIGHT_BODY,         /* u: body */
    NEWSIDX_CONFIG_WEIGHT_TITLE,        /* u: title */
    NEWSIDX_CONFIG_WEIGHT_DATELINE,     /* u: dateline */
    NEWSIDX_CONFIG_WEIGHT_SPEAKER,      /* u: speaker */
    NEWSIDX_CONFIG_WEIGHT_LOCATION,     /* u: location */
    NEWSIDX_CONFIG_WEIGHT_LEAD,         /* u: lead */
    NEWSIDX_CONFIG_BM25_K1,             /* d: bm25_k1 */
    NEWSIDX_CONFIG_BM25_B,              /* d: bm25_b */
    /* [search] */
    NEWSIDX_CONFIG_DEFAULT_LIMIT,       /* u: default_limit */
    NEWSIDX_CONFIG_MAX_LIMIT,           /* u: max_limit */
    NEWSIDX_CONFIG_MAX_OFFSET,          /* u: max_offset */
    NEWSIDX_CONFIG_MAX_EXPANSION,       /* u: max_expansion */
    NEWSIDX_CONFIG_MAX_QUERY_TERMS,     /* u: max_query_terms */
    NEWSIDX_CONFIG_TIME_LIMIT,          /* d: time_limit, 0 = none */
    NEWSIDX_CONFIG_MAX_SEARCH_TIME,     /* d: max_search_time, 0 = none */
    NEWSIDX_CONFIG_SNIPPET_LENGTH,      /* u: snippet_length, bytes */
    NEWSIDX_CONFIG_RELAX_BELOW,         /* u: relax_below, 0 = never */
    NEWSIDX_CONFIG_EXACT_TOTAL,         /* u: exact_total */
    /* [daemon] */
    NEWSIDX_CONFIG_SOCKET_MODE,         /* u: socket_mode (0660) */
    NEWSIDX_CONFIG_SOCKET_GROUP,        /* s: socket_group, or NULL */
    NEWSIDX_CONFIG_MAX_CONNECTIONS,     /* u: max_connections */
    NEWSIDX_CONFIG_IDLE_TIMEOUT,        /* d: idle_timeout */
    NEWSIDX_CONFIG_MAX_CONNECTIONS_PER_USER, /* u: 0 = max_connections / 4 */
    NEWSIDX_CONFIG_FIRST_REQUEST_TIMEOUT,    /* d: first_request_timeout */
    NEWSIDX_CONFIG_MAX_OUTPUT_TOTAL,    /* u: max_output_total, bytes */
    NEWSIDX_CONFIG_WORKERS,             /* u: workers, 0 = one per core */
    NEWSIDX_CONFIG_MAX_REQUEST,         /* u: max_request, bytes */
    NEWSIDX_CONFIG_MAX_DEPTH,           /* u: max_depth */
    NEWSIDX_CONFIG_MAX_OUTPUT,          /* u: max_output, bytes */
    NEWSIDX_CONFIG_COMMIT_INTERVAL,     /* d: commit_interval */
    NEWSIDX_CONFIG_WRITERS,             /* l: writers ("@name": a group) */
    NEWSIDX_CONFIG_PIDFILE,             /* s: pidfile, or NULL */
    NEWSIDX_CONFIG_READ_ONLY,           /* b: read_only */
    NEWSIDX_CONFIG_HTTP,                /* s: http, "ADDR:PORT" or NULL */
    NEWSIDX_CONFIG_HTTP_TOKEN_FILE,     /* s: http_token_file, or NULL */
    NEWSIDX_CONFIG_SPOOL,               /* s: spool, or NULL */
    /* [shards] */
    NEWSIDX_CONFIG_SHARDS,              /* l: every shard line, in order */
    NEWSIDX_CONFIG_SHARD_TIMEOUT,       /* d: timeout */
    NEWSIDX_CONFIG_PARTIAL,             /* b: partial */
    /* [index], added later (the numbers above stay) */
    NEWSIDX_CONFIG_STORY_WINDOW,        /* u: story_window, days, 0 = any */
    NEWSIDX_CONFIG_KEY_LAST
} newsidx_config_key_t;

/* The value of a key of the getter's type (0, false or NULL for a key
 * of another type).  Strings and lists are borrowed from the config
 * until it is changed or freed; newsidx_config_get_list() returns the
 * number of items and points *items at them. */
uint64_t newsidx_config_get_uint(const newsidx_config_t *config,
                                 newsidx_config_key_t key) NEWSIDX_NOEXCEPT;
double newsidx_config_get_double(const newsidx_config_t *config,
                                 newsidx_config_key_t key) NEWSIDX_NOEXCEPT;
bool newsidx_config_get_bool(const newsidx_config_t *config,
                             newsidx_config_key_t key) NEWSIDX_NOEXCEPT;
const char *newsidx_config_get_string(const newsidx_config_t *config,
                                      newsidx_config_key_t key) NEWSIDX_NOEXCEPT;
size_t newsidx_config_get_list(const newsidx_config_t *config, newsidx_config_key_t key,
                               const char *const **items) NEWSIDX_NOEXCEPT;

/* ------------------------------------------------------------------ */
/* Reading: search, fetch, statistics                                  */
/* ------------------------------------------------------------------ */

typedef struct newsidx_db newsidx_db_t;

/* Opens a database read-only.  path may be a database directory or a
 * Xapian stub file listing shards.  NEWSIDX_ERR_NO_DATABASE when it does
 * not exist, NEWSIDX_ERR_VERSION when its format is not ours. */
newsidx_status_t newsidx_db_open(const char *path,
                                 const newsidx_config_t *config,
                                 newsidx_db_t **db, char **errmsg) NEWSIDX_NOEXCEPT;

/* Moves to the latest committed revision (cheap when nothing changed). */
newsidx_status_t newsidx_db_reopen(newsidx_db_t *db) NEWSIDX_NOEXCEPT;

/* Detail of the last failure on this handle; borrowed until the next
 * call on it. */
const char *newsidx_db_error(const newsidx_db_t *db) NEWSIDX_NOEXCEPT;

void newsidx_db_close(newsidx_db_t *db) NEWSIDX_NOEXCEPT;

/* An index over [shards]: how many (0 for one database), and for shard
 * i its name (borrowed from the handle), whether it answers, and its
 * article count. */
size_t newsidx_db_shard_count(const newsidx_db_t *db) NEWSIDX_NOEXCEPT;
newsidx_status_t newsidx_db_shard_info(newsidx_db_t *db, size_t i, const char **name,
                                       bool *up, uint64_t *documents) NEWSIDX_NOEXCEPT;

typedef struct newsidx_stats {
    uint64_t documents;
    uint64_t revision;
    uint64_t last_docid;
    uint64_t terms;         /* distinct terms, 0 when not known */
    double avg_length;      /* average document length in words */
    int format;
} newsidx_stats_t;

newsidx_status_t newsidx_db_stats(newsidx_db_t *db, newsidx_stats_t *stats) NEWSIDX_NOEXCEPT;

/* The stored article with that id, owned by the caller. */
newsidx_status_t newsidx_db_get(newsidx_db_t *db, const char *id,
                                newsidx_article_t **article) NEWSIDX_NOEXCEPT;

/* Calls fn with every stored article, in index order, until it returns
 * non-zero (which is returned as NEWSIDX_END).  The article is borrowed
 * for the duration of the call. */
newsidx_status_t newsidx_db_foreach(newsidx_db_t *db,
                                    int (*fn)(const newsidx_article_t *article, void *arg),
                                    void *arg) NEWSIDX_NOEXCEPT;

/* A search request: an opaque handle, made by newsidx_search_new() with
 * nothing set (the whole index, by relevance, the configured page
 * size) and given to newsidx_db_search() or newsidx_db_quotes(), which
 * only read it: one request may be run again, changed, or freed after.
 * Each setter copies the strings it is given (NULL: not given) and
 * returns NEWSIDX_ERR_NOMEM, the request unchanged, when it cannot;
 * each getter returns what was set, strings borrowed from the request
 * until that setting changes or the request is freed. */
typedef struct newsidx_search newsidx_search_t;

/* Owned by the caller, freed with newsidx_search_free(); NULL when out
 * of memory. */
newsidx_search_t *newsidx_search_new(void) NEWSIDX_NOEXCEPT;

/* Frees the request and its strings.  NULL is allowed. */
void newsidx_search_free(newsidx_search_t *request) NEWSIDX_NOEXCEPT;

/* The query, in the query syntax of newsq(1). */
newsidx_status_t newsidx_search_set_query(newsidx_search_t *request,
                                          const char *query) NEWSIDX_NOEXCEPT;
const char *newsidx_search_get_query(const newsidx_search_t *request) NEWSIDX_NOEXCEPT;

/* The id of an article to find articles similar to (instead of a
 * query). */
newsidx_status_t newsidx_search_set_like(newsidx_search_t *request,
                                         const char *id) NEWSIDX_NOEXCEPT;
const char *newsidx_search_get_like(const newsidx_search_t *request) NEWSIDX_NOEXCEPT;

/* The page: the hits from offset (0: the first), at most limit of them
 * (0: [search] default_limit). */
void newsidx_search_set_page(newsidx_search_t *request, unsigned offset,
                             unsigned limit) NEWSIDX_NOEXCEPT;
void newsidx_search_get_page(const newsidx_search_t *request, unsigned *offset,
                             unsigned *limit) NEWSIDX_NOEXCEPT;

typedef enum newsidx_sort {
    NEWSIDX_SORT_RELEVANCE = 0,
    NEWSIDX_SORT_DATE          /* newest first */
} newsidx_sort_t;

void newsidx_search_set_sort(newsidx_search_t *request, newsidx_sort_t sort) NEWSIDX_NOEXCEPT;
newsidx_sort_t newsidx_search_get_sort(const newsidx_search_t *request) NEWSIDX_NOEXCEPT;

/* Articles dated from since to until, "YYYY-MM-DD", both inclusive;
 * either may be NULL (no bound). */
newsidx_status_t newsidx_search_set_dates(newsidx_search_t *request, const char *since,
                                          const char *until) NEWSIDX_NOEXCEPT;
void newsidx_search_get_dates(const newsidx_search_t *request, const char **since,
                              const char **until) NEWSIDX_NOEXCEPT;

/* Articles with this speaker, or this location, alone (the exact name,
 * case-insensitive). */
newsidx_status_t newsidx_search_set_speaker(newsidx_search_t *request,
                                            const char *speaker) NEWSIDX_NOEXCEPT;
const char *newsidx_search_get_speaker(const newsidx_search_t *request) NEWSIDX_NOEXCEPT;
newsidx_status_t newsidx_search_set_location(newsidx_search_t *request,
                                             const char *location) NEWSIDX_NOEXCEPT;
const char *newsidx_search_get_location(const newsidx_search_t *request) NEWSIDX_NOEXCEPT;

/* Articles in this language alone ("de"), the query stemmed for it, as
 * lang:de. */
newsidx_status_t newsidx_search_set_lang(newsidx_search_t *request,
                                         const char *lang) NEWSIDX_NOEXCEPT;
const char *newsidx_search_get_lang(const newsidx_search_t *request) NEWSIDX_NOEXCEPT;

/* What marks the matching words of snippets: open before each, close
 * after; NULL for "<em>" and "</em>" (both are used only when both are
 * set). */
newsidx_status_t newsidx_search_set_highlight(newsidx_search_t *request, const char *open,
                                              const char *close) NEWSIDX_NOEXCEPT;
void newsidx_search_get_highlight(const newsidx_search_t *request, const char **open,
                                  const char **close) NEWSIDX_NOEXCEPT;

/* What else a search does, or-ed into one word of flags (none by
 * default). */
enum {
    NEWSIDX_SEARCH_FACETS = 1 << 0,      /* count speakers, locations and
                                            subjects over the match set */
    NEWSIDX_SEARCH_EXPLAIN = 1 << 1,     /* each hit's weight by field */
    NEWSIDX_SEARCH_PARTIAL = 1 << 2,     /* answer from the shards that
                                            answer, naming the others (also
                                            [shards] partial) */
    NEWSIDX_SEARCH_HISTOGRAM = 1 << 3,   /* count the whole match set by
                                            date (a timeline) */
    NEWSIDX_SEARCH_COUNT_ONLY = 1 << 4,  /* the totals alone, no hits (the
                                            limit is ignored) */
    NEWSIDX_SEARCH_STRICT = 1 << 5,      /* never relax: every word must
                                            match */
    NEWSIDX_SEARCH_ALL_VERSIONS = 1 << 6,/* every version of a story, not
                                            the newest alone */
    NEWSIDX_SEARCH_FACET_KINDS = 1 << 7  /* with facets: speakers also
                                            counted apart by kind */
};
void newsidx_search_set_flags(newsidx_search_t *request, unsigned flags) NEWSIDX_NOEXCEPT;
unsigned newsidx_search_get_flags(const newsidx_search_t *request) NEWSIDX_NOEXCEPT;

typedef struct newsidx_explain {
    char *field;             /* "body", "title", "speaker", ... */
    double weight;
} newsidx_explain_t;

typedef struct newsidx_hit {
    char *id;
    unsigned rank;           /* 1-based, counting from offset 0 */
    double score;
    char *date, *dateline, *title;
    char **speakers;
    size_t n_speakers;
    newsidx_kind_t *speaker_kinds;  /* n_speakers kinds, or NULL: all
                                       persons */
    char **locations;
    size_t n_locations;
    char *snippet;           /* HTML-escaped, matches between the
                                highlight markers */
    newsidx_explain_t *explain;
    size_t n_explain;
    bool partial;            /* in a relaxed answer: lacks some words */
    unsigned versions;       /* versions of this story that match, this
                                one included (1: no other) */
    char *byline, *url;      /* NULL when the article has none */
    char *language;          /* ISO 639-1, NULL: not given (English) */
    char **subjects;
    size_t n_subjects;
} newsidx_hit_t;

typedef struct newsidx_facet {
    char *name;
    uint64_t count;
} newsidx_facet_t;

/* The answer to a search: an opaque handle, owned by the caller and
 * freed with newsidx_results_free().  What the accessors return (hits,
 * facets, strings) is borrowed from the results until they are freed;
 * a hit and a facet are plain records to read, not to change. */
typedef struct newsidx_results newsidx_results_t;

newsidx_status_t newsidx_db_search(newsidx_db_t *db,
                                   const newsidx_search_t *request,
                                   newsidx_results_t **results) NEWSIDX_NOEXCEPT;

/* Frees the results and everything borrowed from them.  NULL is
 * allowed. */
void newsidx_results_free(newsidx_results_t *results) NEWSIDX_NOEXCEPT;

/* The query as searched. */
const char *newsidx_results_query(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;

/* The size of the whole match set: a count when
 * newsidx_results_total_exact(), else an estimate between
 * newsidx_results_total_min() and newsidx_results_total_max(). */
uint64_t newsidx_results_total(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;
uint64_t newsidx_results_total_min(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;
uint64_t newsidx_results_total_max(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;
bool newsidx_results_total_exact(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;

/* A relaxed form of the query answered: not every word had to match
 * (the hits that lack some say partial). */
bool newsidx_results_relaxed(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;

/* Of the total, the articles with every word (counted as the total
 * is): the total unless relaxed. */
uint64_t newsidx_results_total_strict(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;

/* Matches beyond this page exist. */
bool newsidx_results_more(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;

/* A limit cut the match short. */
bool newsidx_results_truncated(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;

/* A spelling suggestion for the query, or NULL. */
const char *newsidx_results_corrected(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;

/* The hits of the page: how many, and hit i (NULL when i is not below
 * the count). */
size_t newsidx_results_count(const newsidx_results_t *results) NEWSIDX_NOEXCEPT;
const newsidx_hit_t *newsidx_results_hit(const newsidx_results_t *results,
                                         size_t i) NEWSIDX_NOEXCEPT;

/* What the facets count over the whole match set. */
typedef enum newsidx_facet_kind {
    NEWSIDX_FACET_SPEAKERS = 0,
    NEWSIDX_FACET_LOCATIONS,
    NEWSIDX_FACET_SUBJECTS,          /* the subjects senders gave */
    /* The names of the speakers and locations facets that the sender
     * tagged and extraction did not find, in some of the articles
     * counted: count says in how many (not counted over remote
     * shards). */
    NEWSIDX_FACET_SPEAKERS_TAGGED,
    NEWSIDX_FACET_LOCATIONS_TAGGED,
    /* With NEWSIDX_SEARCH_FACET_KINDS: the speakers facet split by kind. */
    NEWSIDX_FACET_PERSONS,
    NEWSIDX_FACET_ORGANISATIONS,
    NEWSIDX_FACET_KIND_LAST
} newsidx_facet_kind_t;

/* The facet of that kind: true with *facets and *n (either may be
 * NULL) when it was counted (NEWSIDX_SEARCH_FACETS, and for persons and
 * organisations NEWSIDX_SEARCH_FACET_KINDS), false with none. */
bool newsidx_results_facets(const newsidx_results_t *results, newsidx_facet_kind_t kind,
                            const newsidx_facet_t **facets, size_t *n) NEWSIDX_NOEXCEPT;

/* With NEWSIDX_SEARCH_HISTOGRAM (else false, and nothing set): the
 * whole match set counted by date, in *n buckets of one unit from the
 * first dated match to the last (empty buckets included).  The *unit
 * follows the span: "day" up to 92 days, "week" up to two years,
 * "month" up to 40 years, else "year".  Each bucket's name is its first
 * day, "YYYY-MM-DD" (a Monday for weeks), its count the matches dated
 * from then to the day before the next bucket.  *undated counts the
 * matches without a date.  Any pointer may be NULL. */
bool newsidx_results_histogram(const newsidx_results_t *results, const char **unit,
                               const newsidx_facet_t **buckets, size_t *n,
                               uint64_t *undated) NEWSIDX_NOEXCEPT;

/* The shards left out of a partial answer: how many, their names in
 * *names (may be NULL). */
size_t newsidx_results_missing_shards(const newsidx_results_t *results,
                                      const char *const **names) NEWSIDX_NOEXCEPT;

/* What differs from a full answer, and why: how many notes, in *notes
 * (may be NULL). */
size_t newsidx_results_notes(const newsidx_results_t *results,
                             const char *const **notes) NEWSIDX_NOEXCEPT;

/* Who said what: quotations, rather than articles, that match a query.
 *
 * The request is a newsidx_search_t: its query, page, sort, dates,
 * speaker, location, highlight and the flags NEWSIDX_SEARCH_PARTIAL and
 * NEWSIDX_SEARCH_COUNT_ONLY mean what they mean for a search; like and
 * the other flags are refused (NEWSIDX_ERR_ARG).  Plain words,
 * phrases and quote: are searched inside quotations (in quotation marks;
 * reported speech is not listed), speaker: and speaker are the
 * quotation's speaker: "speaker:rutte ukraine" lists what Rutte said
 * about Ukraine.  title:, dateline:, location:, date: and the date
 * filters select the articles. */
typedef struct newsidx_quote_hit {
    char *speaker;           /* as the article names the speaker, or the
                                one name the alias table gives it */
    newsidx_kind_t kind;     /* of the speaker */
    char *text;              /* the quotation, HTML-escaped, the matching
                                words between the highlight markers */
    unsigned rank;           /* 1-based, counting from offset 0 */
    double score;
    size_t start, end;       /* where it stands in the article's body, in
                                characters, [start, end) */
    char *id, *title, *date, *dateline;   /* of the article */
} newsidx_quote_hit_t;

/* The answer: an opaque handle, owned by the caller and freed with
 * newsidx_quotes_free(); what its accessors return is borrowed from it
 * until then, as for newsidx_results_t. */
typedef struct newsidx_quotes newsidx_quotes_t;

newsidx_status_t newsidx_db_quotes(newsidx_db_t *db, const newsidx_search_t *request,
                                   newsidx_quotes_t **quotes) NEWSIDX_NOEXCEPT;

/* NULL is allowed. */
void newsidx_quotes_free(newsidx_quotes_t *quotes) NEWSIDX_NOEXCEPT;

/* The query as searched. */
const char *newsidx_quotes_query(const newsidx_quotes_t *quotes) NEWSIDX_NOEXCEPT;

/* The quotations that match: a count when newsidx_quotes_total_exact(),
 * else an estimate. */
uint64_t newsidx_quotes_total(const newsidx_quotes_t *quotes) NEWSIDX_NOEXCEPT;
bool newsidx_quotes_total_exact(const newsidx_quotes_t *quotes) NEWSIDX_NOEXCEPT;

/* Matches beyond this page exist. */
bool newsidx_quotes_more(const newsidx_quotes_t *quotes) NEWSIDX_NOEXCEPT;

/* A limit cut the answer short. */
bool newsidx_quotes_truncated(const newsidx_quotes_t *quotes) NEWSIDX_NOEXCEPT;

/* The quotations of the page: how many, and quotation i (NULL when i is
 * not below the count). */
size_t newsidx_quotes_count(const newsidx_quotes_t *quotes) NEWSIDX_NOEXCEPT;
const newsidx_quote_hit_t *newsidx_quotes_hit(const newsidx_quotes_t *quotes,
                                              size_t i) NEWSIDX_NOEXCEPT;

/* The shards left out of a partial answer, and what differs from a full
 * answer and why, as newsidx_results_missing_shards() and
 * newsidx_results_notes(). */
size_t newsidx_quotes_missing_shards(const newsidx_quotes_t *quotes,
                                     const char *const **names) NEWSIDX_NOEXCEPT;
size_t newsidx_quotes_notes(const newsidx_quotes_t *quotes,
                            const char *const **notes) NEWSIDX_NOEXCEPT;

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

typedef struct newsidx_writer newsidx_writer_t;

enum {
    NEWSIDX_WRITER_CREATE = 1 << 0, /* create the database if missing */
    NEWSIDX_WRITER_WAIT = 1 << 1    /* wait for the lock (bounded) */
};

/* Opens the database for writing: one writer per database at a time.
 * NEWSIDX_ERR_LOCKED names the process holding the lock when it can. */
newsidx_status_t newsidx_writer_open(const char *path,
                                     const newsidx_config_t *config,
                                     unsigned flags,
                                     newsidx_writer_t **writer,
                                     char **errmsg) NEWSIDX_NOEXCEPT;

/* Adds an article or replaces the one with the same id.  *replaced (if
 * not NULL) says which.  The article must have an id and a body. */
newsidx_status_t newsidx_writer_add(newsidx_writer_t *writer,
                                    const newsidx_article_t *article,
                                    bool *replaced) NEWSIDX_NOEXCEPT;

/* An article whose id is stored with a newer version (a higher version
 * number, or when versions are equal or not numbers a later time) is
 * not written: newsidx_writer_add() returns NEWSIDX_OK and leaves it
 * out.  How many were left out since the last call (and resets the
 * count).  During a bulk load the count is known after each commit. */
uint64_t newsidx_writer_take_kept(newsidx_writer_t *writer) NEWSIDX_NOEXCEPT;

/* An article whose id is stored with exactly the same record (the same
 * article given twice, in one import or again) is an exact duplicate:
 * it is written all the same, but *replaced says false.  How many
 * there were since the last call (and resets the count).  During a
 * bulk load the count is known after each commit. */
uint64_t newsidx_writer_take_duplicates(newsidx_writer_t *writer) NEWSIDX_NOEXCEPT;

/* NEWSIDX_ERR_NOT_FOUND when no article has that id. */
newsidx_status_t newsidx_writer_delete(newsidx_writer_t *writer,
                                       const char *id) NEWSIDX_NOEXCEPT;

/* Makes every change so far durable. */
newsidx_status_t newsidx_writer_commit(newsidx_writer_t *writer) NEWSIDX_NOEXCEPT;

/* Changes since the last commit. */
unsigned newsidx_writer_pending(const newsidx_writer_t *writer) NEWSIDX_NOEXCEPT;

const char *newsidx_writer_error(const newsidx_writer_t *writer) NEWSIDX_NOEXCEPT;

/* Commits, then rewrites the database compactly and swaps the copy in
 * (atomically): after a bulk load committed in many batches the index
 * shrinks by about half.  The writer stays open on the new database. */
newsidx_status_t newsidx_writer_compact(newsidx_writer_t *writer) NEWSIDX_NOEXCEPT;

/* Commits what is pending (after a bulk load, merges its parts) and
 * closes the database, giving the write lock back.  The handle stays
 * until newsidx_writer_destroy(), so that newsidx_writer_error() can
 * say why the final commit failed; nothing else may be done with it.
 * Closing again returns the same status.  NULL is allowed. */
newsidx_status_t newsidx_writer_close(newsidx_writer_t *writer) NEWSIDX_NOEXCEPT;

/* Closes the writer if it is still open, as newsidx_writer_close()
 * does, and frees it; the status of closing.  NULL is allowed. */
newsidx_status_t newsidx_writer_destroy(newsidx_writer_t *writer) NEWSIDX_NOEXCEPT;

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* NEWSIDX_H */
