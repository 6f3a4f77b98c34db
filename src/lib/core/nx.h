/* nx.h - the library's internal interface, shared by its C files and
 * the programs (which link the library's internal archive).  Nothing
 * here is exported from libnewsidx.so. */
#ifndef NX_H
#define NX_H

#include "newsidx.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest id accepted: ids become Xapian terms, whose keys end near 245
 * bytes. */
#define NX_MAX_ID 200
/* Largest record (one text file or one JSON line) read, in bytes. */
#define NX_MAX_RECORD (16u << 20)

/* Replaces *slot with a formatted, malloc'ed message. */
void nx_set_error(char **slot, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- dates (date.c) ---- */
int nx_month_from_name(const char *s, size_t n);
bool nx_date_valid(int y, int m, int d);
bool nx_date_normalise(const char *in, char out[11]);
/* An ISO 8601 date and time with a zone ("2025-02-12T09:30:00+01:00",
 * "...Z", fractions of a second allowed) as UTC "YYYY-MM-DDTHH:MM:SSZ". */
#define NX_TIME_LEN 20
bool nx_time_normalise(const char *in, char out[NX_TIME_LEN + 1]);
/* A bound of a date range as YYYYMMDD: a full date, a year or month
 * (its first day for a start, its last for an end), "today",
 * "yesterday", or a time before now ("7d", "2w", "3m", "1y"). */
bool nx_date_bound(const char *s, bool end, time_t now, char out[9]);

/* ---- moments (datetime.c) ---- */
/* A day as the sender wrote it, perhaps with a time of day, perhaps with
 * the zone of that time (offset in minutes east of UTC). */
typedef struct nx_datetime {
    int year, month, day;
    bool has_time;
    int hour, minute, second;
    bool has_zone;
    int offset;
} nx_datetime_t;
/* ISO 8601 (extended and basic), RFC 2822, "Tue Jun 12, 2007 12:03PM
 * EDT", "Feb 26, 1987", "26 February 1987", "26-FEB-1987 15:01"...; the
 * whole of [s, s+n) must be one (spaces around it aside). */
bool nx_datetime_parse(const char *s, size_t n, nx_datetime_t *dt);
/* "YYYY-MM-DD": the calendar day as written. */
void nx_datetime_date(const nx_datetime_t *dt, char out[11]);
/* "YYYY-MM-DDTHH:MM:SSZ" when the time and its zone are known. */
bool nx_datetime_utc(const nx_datetime_t *dt, char out[21]);
/* Sets a->date (the day as written) and a->time (UTC, or NULL without
 * a time and zone) from a moment already judged by nx_when_read();
 * false when out of memory. */
bool nx_article_set_moment(newsidx_article_t *a, const nx_datetime_t *dt);

/* The one rule for a sender's date (doc/formats.md, "Dates that cannot
 * be right"): a moment of the calendar (no 29 February 2013, no hour
 * 25), not before NX_EARLIEST_YEAR, and not more than NX_FUTURE_SLACK
 * seconds after now, the reader's clock (a day's zones and a late
 * clock fit in it; an embargo is not a date of publication). */
#define NX_EARLIEST_YEAR 1600
#define NX_FUTURE_SLACK (2 * 86400)
#define NX_WHY_LEN 128
/* NULL when dt may be an article's moment; else why not, in why. */
const char *nx_datetime_fault(const nx_datetime_t *dt, time_t now, char *why, size_t len);
typedef enum nx_when {
    NX_WHEN_OK,                 /* *dt is the moment */
    NX_WHEN_NONE,               /* not a date in any form read */
    NX_WHEN_BAD                 /* a date, but one that cannot be right */
} nx_when_t;
/* Reads [s, s+n) as nx_datetime_parse() does and judges it by the rule;
 * why (NX_WHY_LEN) says what is wrong unless NX_WHEN_OK. */
nx_when_t nx_when_read(const char *s, size_t n, time_t now, nx_datetime_t *dt, char *why,
                       size_t len);

/* ---- articles (article.c) ---- */

/* Frees the article's quotations and leaves it without any. */
void nx_article_clear_quotes(newsidx_article_t *a);
void nx_article_clear_aliases(newsidx_article_t *a);
/* Frees the story id and the parts (a->story, a->parts). */
void nx_article_clear_parts(newsidx_article_t *a);
/* Adds a copy of a part's text in its place by number; a part of the
 * same number is replaced.  False when out of memory. */
bool nx_article_add_part(newsidx_article_t *a, unsigned number, const char *body);
/* The parts' texts in order, a blank line between; NULL when none has
 * text or out of memory. */
char *nx_article_parts_body(const newsidx_article_t *a);

/* Sets a field from [s, s+n), trimmed; an empty value clears it. */
bool nx_article_set(char **field, const char *s, size_t n);

/* Checks and completes a parsed article: trims fields, requires a body,
 * derives a title from the lead when there is none, and gives it an id
 * (its own, else its URL, else a hash of its text).  false with *err
 * set when the article cannot be used.  A date or time that cannot be
 * right (nx_when_read) is left out, never the article: notes gets a
 * line saying which and why, for the caller to pass on. */
bool nx_article_finish(newsidx_article_t *a, char **err, nx_strv_t *notes);

/* A dateline at the start of s: its place part ("BRUSSELS",
 * "KANSAS CITY, Mo."), the length of the whole dateline up to and
 * including the dash and following spaces.  false when there is none. */
typedef struct nx_dateline {
    size_t place_len;     /* bytes of the place part, from s */
    size_t len;           /* bytes up to the start of the text */
    int month, day;       /* from "CLEVELAND, Feb 26 -", else 0 */
} nx_dateline_t;
bool nx_dateline_scan(const char *s, size_t n, nx_dateline_t *dl);

/* A title made from the first sentence of the body, malloc'ed. */
char *nx_title_from_lead(const char *body);

/* Parsers of a single in-memory record, after nx_text_clean(). */
bool nx_parse_text(const char *s, size_t n, newsidx_article_t *a, char **err);
bool nx_parse_headers(const char *s, size_t n, newsidx_article_t *a, char **err);

/* ---- header lines before a plain-text body (headers.c) ---- */
/* Reads a block of header lines ("-- By ...", "Date: ...", a URL, a
 * line that is only a date) at the start of s into a; returns the
 * offset of the body after it, 0 when s does not start with one (a sole
 * title line is not one), (size_t)-1 with *err set on a bad value. */
size_t nx_header_block(const char *s, size_t n, newsidx_article_t *a, char **err);
/* "By Jane Doe and John Roe": a byline line. */
bool nx_is_byline(const char *l, size_t n);
/* The first line is "Name: value" with a name the header parser keeps. */
bool nx_starts_with_header(const char *s, size_t n);

/* Whether extraction runs on text in this language (English only). */
bool nx_extracts_language(const char *language);

/* Articles of an input whose title was made from their lead. */
uint64_t nx_input_untitled(const newsidx_input_t *in);
/* Feed items whose text was UTF-8 encoded twice, repaired (feeds.c). */
uint64_t nx_input_repaired(const newsidx_input_t *in);
/* Articles of an input with a date left out as one that cannot be
 * right (nx_when_read): each was named in a warning. */
uint64_t nx_input_bad_dates(const newsidx_input_t *in);

/* Detects the format of a file from its first bytes (detect.c). */
newsidx_format_t nx_detect_format(const char *s, size_t n, const char *name);
/* Whether text read as plain text is a Markdown document (a README, a
 * list of links), not an article: two kinds of Markdown blocks at least
 * (ATX headings, fenced code, tables with their delimiter row, lists of
 * links), or a document opening with a heading and holding another
 * heading or a list of links (detect.c). */
bool nx_is_markdown(const char *s, size_t n);

/* ---- text helpers (text.c) ---- */

/* True when the '.' at s[i] ends an abbreviation or initial ("U.S.",
 * "Gen.", "J."), not a sentence. */
bool nx_period_is_abbrev(const char *s, size_t i);
/* Offset just past the end of the sentence starting at s[0]. */
size_t nx_sentence_end(const char *s, size_t n);

/* ---- stored document data (docdata.c) ---- */

/* Serialises every field of the article (fields.c), the body last. */
bool nx_docdata_pack(const newsidx_article_t *a, nx_buf_t *out);
/* Reads it back; NULL on damaged data.  with_body=false leaves the body
 * out. */
newsidx_article_t *nx_docdata_unpack(const char *p, size_t n, bool with_body);

/* ---- the fields of an article, in groups (article/fields.c) ---- */
enum {
    NX_FIELDS_HEAD = 1 << 0,      /* id, title, date, dateline */
    NX_FIELDS_SENDER = 1 << 1,    /* what the sender gives besides: byline,
                                     url, time, language, version, subjects,
                                     agency tags, summary_only */
    NX_FIELDS_EXTRACTED = 1 << 2, /* what extraction finds: speakers and
                                     their kinds and aliases, locations,
                                     quotes */
    NX_FIELDS_BODY = 1 << 3,
    /* What an input record carries (JSON Lines, the protocol's add). */
    NX_FIELDS_INPUT = NX_FIELDS_HEAD | NX_FIELDS_SENDER | NX_FIELDS_BODY,
    NX_FIELDS_ALL = NX_FIELDS_INPUT | NX_FIELDS_EXTRACTED
};

/* ---- JSON (article/json.c) ---- */
struct json_t;
/* Fills a (new, empty) with the fields in groups from a JSON object (JSON
 * Lines and the protocol's article map share field names), as they are:
 * nx_article_finish() checks and completes an input record.  false with
 * *err naming the bad field. */
bool nx_article_from_json(struct json_t *obj, newsidx_article_t *a, unsigned groups,
                          char **err);
/* New reference: the fields in groups as a JSON object; NULL when out of
 * memory.  Absent optional fields are left out. */
struct json_t *nx_article_to_json(const newsidx_article_t *a, unsigned groups);
struct json_t *nx_results_to_json(const newsidx_results_t *r);
struct json_t *nx_quotes_to_json(const newsidx_quotes_t *r);

/* ---- handles (src/lib/index: store.cc, writer.cc, docbuild.cc) ---- */
/* New limits and weights for an open handle (after a reload). */
void nx_db_set_config(newsidx_db_t *db, const newsidx_config_t *cfg) NEWSIDX_NOEXCEPT;
void nx_writer_set_config(newsidx_writer_t *w, const newsidx_config_t *cfg) NEWSIDX_NOEXCEPT;
/* Documents the writer sees (its own changes included); 0 on error. */
uint64_t nx_writer_doccount(newsidx_writer_t *w) NEWSIDX_NOEXCEPT;
/* Drops every change since the last commit (reopening a database a
 * failure closed); newsidx_writer_commit() does it when it fails.  Not
 * during a bulk load. */
void nx_writer_discard(newsidx_writer_t *w) NEWSIDX_NOEXCEPT;
/* A search on db asks cancel(arg) between its stages and hits; a reason
 * returned stops it with NEWSIDX_ERR_UNAVAILABLE ("the search was
 * stopped: REASON").  cancel NULL: never. */
void nx_db_set_cancel(newsidx_db_t *db, const char *(*cancel)(void *arg), void *arg) NEWSIDX_NOEXCEPT;

/* A document prepared for the writer: nx_doc_build() may run in any
 * thread (it tokenises and stems, the costly part of indexing); the
 * writer thread then adds it with nx_writer_add_doc(), which does not
 * take ownership. */
typedef struct nx_doc nx_doc_t;
nx_doc_t *nx_doc_build(const newsidx_article_t *a, const newsidx_config_t *cfg,
                       char **err) NEWSIDX_NOEXCEPT;
void nx_doc_free(nx_doc_t *d) NEWSIDX_NOEXCEPT;
/* Tests: the terms index_words() makes of a text against TermGenerator's
 * (stemmed as the text, or as written as names); NULL when the same,
 * else the two (to free). */
char *nx_tokenizer_check(const char *text, size_t len, bool stemmed,
                         unsigned wdf) NEWSIDX_NOEXCEPT;
newsidx_status_t nx_writer_add_doc(newsidx_writer_t *w, nx_doc_t *d,
                                   bool *replaced) NEWSIDX_NOEXCEPT;
/* Turns an empty local database's writer into a bulk loader writing n
 * parts in parallel (writer.cc); false when it cannot (not empty, not
 * local, n < 2), the writer then being as before.  During a bulk load
 * nx_writer_add_doc() takes the contents of the document (the caller
 * still frees it), reports every article as new, and the lanes count
 * replacements, fetched after each commit by nx_writer_take_replaced();
 * newsidx_writer_compact() or _close() merges the parts. */
bool nx_writer_bulk(newsidx_writer_t *w, unsigned n) NEWSIDX_NOEXCEPT;
uint64_t nx_writer_take_replaced(newsidx_writer_t *w) NEWSIDX_NOEXCEPT;
/* Stories sent in parts (takes.cc): the extractor the joined text of a
 * story goes through (not owned; without one the writer loads the
 * installed gazetteer when it first joins), and how many articles were
 * joined with parts stored apart since the last call (*absorbed: how
 * many parts stored alone before are now in their story; *other_day:
 * how many versions took the id of their story sent the day before or
 * after, across midnight GMT). */
void nx_writer_set_extractor(newsidx_writer_t *w, const newsidx_extractor_t *x) NEWSIDX_NOEXCEPT;
uint64_t nx_writer_take_joined(newsidx_writer_t *w, uint64_t *absorbed,
                               uint64_t *other_day) NEWSIDX_NOEXCEPT;

/* ---- default paths (paths.c) ---- */
char *nx_default_db_path(void);
char *nx_default_socket_path(void);
char *nx_default_config_path(void);
/* mkdir -p with the given mode for directories it creates. */
bool nx_mkdirs(const char *path, unsigned mode);
/* A data file the build installs in PKGDATADIR (e.g. "gazetteer.tsv"):
 * $env_var when set, else the installed one, else data/NAME beside the
 * running program (a build tree, before "make install"), else the
 * installed path even though it is not there (its error names it). */
char *nx_find_data_file(const char *name, const char *env_var);

#ifdef __cplusplus
}
#endif

#endif
