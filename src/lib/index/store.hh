/* store.hh - private to the Xapian layer (src/lib/index).
 *
 * This layer is the only code that includes xapian.h.  Every entry point
 * is extern "C" and noexcept, and runs through a guard (guard.hh) that
 * turns every exception into a status with the detail on the handle. */
#ifndef NX_STORE_HH
#define NX_STORE_HH

#include "nx.h"
#include "request.h"
#include "results.h"
#include "settings.h"

#include <xapian.h>

#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nx {

/* The index format (NEWSIDX_FORMAT_VERSION): term prefixes and value
 * slots, as HACKING's table lists them. */
const char *const PREFIX_ID = "Q";
const char *const PREFIX_TITLE = "S";
const char *const PREFIX_DATELINE = "XD";
const char *const PREFIX_SPEAKER = "XS";
const char *const PREFIX_LOCATION = "XL";
const char *const PREFIX_SPEAKER_EXACT = "KS";
const char *const PREFIX_LOCATION_EXACT = "KL";
/* Two neighbouring stopwords of the text, "XBsaid it" (format 2). */
const char *const PREFIX_PAIR = "XB";
/* What the sender gives (format 3). */
const char *const PREFIX_BYLINE = "XA";            /* byline words, unstemmed */
const char *const PREFIX_URL = "XU";               /* URL words, unstemmed */
const char *const PREFIX_LANGUAGE = "L";           /* "Len": boolean, every article */
const char *const PREFIX_SUBJECT = "XT";           /* subject words, unstemmed */
const char *const PREFIX_SUBJECT_EXACT = "KT";     /* subject, lower-cased, boolean */
/* Format 3: quotations (quoteindex.cc).  Each quotation of the body is a
 * block of positions of its own, QUOTE_STRIDE apart: its words (stemmed)
 * as XQ terms, its speaker's name words (as written, lower case) as XQS
 * terms at the block's first positions.  A NEAR or PHRASE window of at
 * most QUOTE_WINDOW positions never spans two blocks. */
const char *const PREFIX_QUOTE = "XQ";
const char *const PREFIX_QUOTE_SPEAKER = "XQS";
const Xapian::termpos QUOTE_STRIDE = 4096;
const Xapian::termpos QUOTE_WINDOW = 2048;
const Xapian::termpos QUOTE_NAME_ROOM = 64; /* the speaker's name, then the
                                               words */
const unsigned QUOTE_MAX_WORDS = 1900;     /* words of a quotation indexed */
/* A boolean term of every article with a quotation in quotation marks. */
const char *const TERM_HAS_QUOTES = "XQH";

/* The story an article belongs to (format 3): "G" + the story key. */
const char *const PREFIX_STORY = "G";

const Xapian::valueno SLOT_DATE = 0;       /* "YYYYMMDD" */
const Xapian::valueno SLOT_STORY = 4;      /* the story key: the collapse key */
const Xapian::valueno SLOT_SIGNATURE = 8;  /* MinHash of the body's shingles */
const Xapian::valueno SLOT_SPEAKERS = 1;   /* all speakers, '\x1f' between */
const Xapian::valueno SLOT_LOCATIONS = 2;  /* all locations, '\x1f' between */
const Xapian::valueno SLOT_SPEAKER0 = 10;  /* speakers[0..7], for facets on
                                              remote shards */
const Xapian::valueno SLOT_LOCATION0 = 20; /* locations[0..7] */
const Xapian::valueno SLOT_TIME = 3;       /* UTC "YYYYMMDDHHMMSS" (format 3) */
const Xapian::valueno SLOT_VERSION = 5;    /* the sender's version */
const Xapian::valueno SLOT_SUBJECTS = 6;   /* all subjects, '\x1f' between */
const Xapian::valueno SLOT_LANGUAGE = 7;   /* "en" */
const Xapian::valueno SLOT_SUBJECT0 = 30;  /* subjects[0..7] */
/* Format 3: when the sender tagged people or places that extraction did
 * not find, how many of SLOT_SPEAKERS and of SLOT_LOCATIONS extraction
 * found ("3\x1f5"); the names after those are the sender's alone.
 * Absent: every name was found by extraction. */
const Xapian::valueno SLOT_FOUND = 38;
const unsigned FACET_SLOTS = 8;
/* Format 3: the kind of each speaker of SLOT_SPEAKERS, one letter each
 * in the same order: 'p' a person, 'o' an organisation. */
const Xapian::valueno SLOT_SPEAKER_KINDS = 40;
/* Format 3: how many quotations in quotation marks (blocks) it has. */
const Xapian::valueno SLOT_QUOTE_BLOCKS = 41;

const char *const META_FORMAT = "newsidx.format";
const char *const META_STEMMER = "newsidx.stemmer";
/* Format 3: "newsidx.alias.NAME" (NAME lower case) -> the names it was
 * seen as another form of, with counts (aliases.cc). */
const char *const META_ALIAS = "newsidx.alias.";
const char *const STEMMER = "english";

/* Term positions left between fields so that a phrase never spans two. */
const Xapian::termpos FIELD_GAP = 100;

/* Lower-cased (Unicode) text, as exact-match terms store names. */
std::string lower(const std::string &s);

/* The numbers of a config (its strings belong to the caller). */
void copy_numbers(newsidx_config_t *dst, const newsidx_config_t *src);

/* Checks the format stamp of an opened database. */
newsidx_status_t check_format(const Xapian::Database &db, std::string &detail);

/* A shard: a local database path, or "host:port" of a xapian-tcpsrv;
 * optionally followed by the "host:port" of its writable server (a
 * writable xapian-tcpsrv serves one connection at a time, so readers
 * use another, read-only one).  The writer uses `write`. */
struct ShardSpec {
    std::string name;
    bool remote = false;
    std::string host;
    unsigned port = 0;
    std::string write_host;
    unsigned write_port = 0;
};
ShardSpec parse_shard(const std::string &spec);
/* The shard an id lives in: a stable hash of the id, so that adding an
 * article again replaces it where it is. */
size_t shard_of(const std::string &id, size_t n);
Xapian::Database open_remote(const ShardSpec &s, double timeout);
Xapian::WritableDatabase open_remote_writable(const ShardSpec &s, double timeout);

/* Builds the Xapian document of an article. */
Xapian::Document build_document(const newsidx_article_t *a, const newsidx_config_t *cfg,
                                Xapian::TermGenerator &tg, Xapian::TermGenerator &names);
/* Words a query does without (search.cc), and whose neighbouring pairs
 * the index keeps as PREFIX_PAIR terms (docbuild.cc). */
extern const char *const STOPWORDS[];
extern const size_t N_STOPWORDS;
bool is_common_stem(const std::string &stem);
/* PREFIX_PAIR + "a b", and back to its two words. */
std::string pair_term(const std::string &a, const std::string &b);
std::vector<std::string> pair_words(const std::string &term);
/* The format a database is stamped with (an empty one: the current). */
int format_of(const Xapian::Database &db);
/* The stemmer of an article's language (ISO 639-1; NULL: English);
 * languages Snowball has no stemmer for are indexed unstemmed. */
const Xapian::Stem &stemmer_for(const char *language);
/* The language an article is indexed in: its own, else "en". */
std::string language_of(const char *language);
/* Whether a document of (version, time) is older than one of (version,
 * time) already stored: versions compared as numbers when both are,
 * else (or when equal) the times (SLOT_VERSION, SLOT_TIME values). */
bool is_older(const std::string &version, const std::string &time,
              const std::string &stored_version, const std::string &stored_time);
/* The body's first sentence, which [weights] lead counts once more. */
std::string lead_of(const char *body);
/* The next word (a run of non-space bytes) at or after p: its start in
 * *word and its end returned; at the end of the text *word is NULL and
 * the end (after any spaces) is returned. */
const char *next_word(const char *p, const char **word);
void setup_termgenerators(Xapian::TermGenerator &tg, Xapian::TermGenerator &names);
/* The words of text [text, text+len) into doc as tg.index_text() would
 * add them (tg's document and term position), stemmed by stem or, given
 * nullptr, as written (tokenizer.cc). */
void index_words(Xapian::TermGenerator &tg, Xapian::Document &doc, const Xapian::Stem *stem,
                 const char *text, size_t len, Xapian::termcount wdf, const std::string &prefix);

/* Stories (story.cc).  The title without version markers ("UPDATE 1-",
 * "CORRECTED-", "(RPT)"), lower case, words only; its key (16 hex
 * digits, "" for no title); the body's MinHash signature (STORY_HASHES
 * 32-bit values); the share of equal values of two signatures (the
 * Jaccard similarity of their shingles, estimated); a new story's key
 * from its title key and its first article's id term.  A story key is
 * 32 hex digits, of which the first 16 are the title key. */
const size_t STORY_HASHES = 16;
const double STORY_SIMILAR = 0.5;   /* "most of the body shared" */
std::string story_title(const char *title);
std::string story_title_key(const char *title);
std::string story_signature(const char *body);
double story_similarity(const std::string &a, const std::string &b);
std::string story_new_key(const std::string &title_key, const std::string &idterm);
/* Stories are decided over the articles of one title key together (at
 * most STORY_GROUP of them): each article as the writer knows it, with
 * its date as a day number (story_day(): days since 1970, STORY_NO_DAY
 * without a date) and its stored key ("" for one not yet written).
 * story_keys() gives each its story's key: versions are articles with
 * similar bodies whose dates are at most `window` days apart ([index]
 * story_window; 0: any), joined in chains, so that the stories are the
 * same whatever order the articles came in; a story's key is
 * story_new_key() of its earliest article (then the smallest id). */
const size_t STORY_GROUP = 256;
const long STORY_NO_DAY = -1000000000L;
struct StoryMember {
    std::string idterm;
    long day = STORY_NO_DAY;
    std::string signature;
    std::string key;
};
long story_day(const std::string &date_value);
std::vector<std::string> story_keys(const std::string &title_key,
                                    const std::vector<StoryMember> &members, unsigned window);

}  // namespace nx

namespace nx {
struct AliasTable;
}

/* A document built away from the writer, so that several threads can
 * tokenise while one thread writes (docbuild.cc). */
struct nx_doc {
    Xapian::Document doc;
    std::string idterm;
    std::vector<std::string> words;     /* for the spelling table */
    std::vector<std::pair<std::string, std::string>> aliases;  /* for the alias
                                                                  table (alias, name) */
    std::string title_key;              /* story_title_key(), "" for none */
    std::string signature;              /* also in SLOT_SIGNATURE */
    bool in_parts = false;              /* a story sent in parts, or one
                                           of them (takes.cc) */
};

/* One try to reach a shard that was down: the database opened, or why
 * it could not be. */
namespace nx {
struct ShardTry {
    Xapian::Database db;
    bool ok = false;
    std::string why;
};
}  // namespace nx

struct ReaderShard {
    nx::ShardSpec spec;
    Xapian::Database db;
    bool up = false;
    double retry_at = 0;
    std::string why;           /* why it is down */
    /* A try to reach a remote shard that is down, running on a thread of
     * its own (a try can last the whole shard timeout, and the thread
     * that reads must not wait for it); taken by the next refresh after
     * it ended.  Destroying the last copy waits for the try to end. */
    std::shared_ptr<std::future<nx::ShardTry>> trying;
};

struct newsidx_db {
    Xapian::Database db;       /* the one database, or the shards that are up */
    std::string path;
    std::string error;
    newsidx_config_t config;   /* a copy; strings not used */
    std::vector<ReaderShard> shards;    /* empty for one database */
    bool any_remote = false;
    bool pairs = false;        /* every part has PREFIX_PAIR terms (format 2) */
    bool quotes = false;       /* every part has quotation terms (format 3) */
    std::vector<std::string> staging;   /* staging databases searched too */
    std::shared_ptr<const nx::AliasTable> alias_table;  /* aliastable.cc */
    std::string alias_revision;         /* of the database it was read from */
    /* The languages other than English of a single database's articles,
     * and the revision they were read at (search.cc). */
    std::vector<std::string> other_languages;
    std::string languages_revision;
    /* The articles of a single database whose story has other versions
     * too (its G term is in more than one article), as (docid, a number
     * of the story) by docid, read at stories_revision once the
     * searches of that revision have read as many story keys from the
     * values as half the articles (search.cc, count_stories()). */
    std::vector<std::pair<Xapian::docid, uint32_t>> story_versions;
    uint32_t stories_with_versions = 0;
    bool story_versions_read = false;
    std::string stories_revision;
    uint64_t story_key_reads = 0;       /* at stories_revision, values read */
    /* Asked between the stages of a search: why to stop it, or NULL
     * (nx_db_set_cancel). */
    const char *(*cancel)(void *) = nullptr;
    void *cancel_arg = nullptr;
};

/* Staging databases of a bulk load (writer.cc): "PATH.staging-N" beside
 * the database, each with a token file; once merged, the database
 * carries "newsidx.merged.TOKEN" metadata and the directory is only
 * waiting to be removed.  A bulk load killed before its merge leaves
 * them, committed: readers search them with the database, and the next
 * writer merges them. */
namespace nx {
std::vector<std::string> staging_dirs(const std::string &path);
std::string staging_token(const std::string &dir);     /* "" when none */
bool staging_merged(const Xapian::Database &db, const std::string &dir);
}  // namespace nx

/* Shards that are down and due are tried again; true when the set of
 * shards that answer changed.  With wait (when the handle opens) each
 * try is made there and then; else a remote shard is tried on a thread
 * of its own, and the outcome taken by a later refresh, so that a read
 * never waits for a shard that does not answer. */
bool nx_db_refresh_shards(newsidx_db_t *h, bool wait);
/* After a network error: finds the shards that no longer answer and
 * leaves them out.  true when one was found. */
bool nx_db_drop_failed_shards(newsidx_db_t *h);
/* Names of the shards that are down. */
std::vector<std::string> nx_db_missing_shards(const newsidx_db_t *h);
/* Before a read over shards: retries the shards due, and false (with
 * h->error) when some are down and no partial answer is allowed, or all
 * are down.  hint ends the message when partial answers could be asked
 * for.  True at once for one database. */
bool nx_db_shards_ready(newsidx_db_t *h, bool partial, const char *hint);
/* After a NetworkError (its message why) in a read: leaves out the
 * shards that stopped answering.  true when the read may be tried again
 * without them; false (with h->error) when it must fail. */
bool nx_db_shard_failed(newsidx_db_t *h, const std::string &why, bool partial, int attempt,
                        const char *hint);
namespace nx {
std::string join(const std::vector<std::string> &v);    /* "a, b, c" */
}  // namespace nx

#endif
