/* store.cc - the reader handle: opening a database or the shards of the
 * configuration (with the staging databases a killed bulk load left),
 * the format check, stats, get and the walk of export.  Searching is
 * search.cc, writing writer.cc.
 *
 * Readers and writers are separate handles because Xapian's rules for
 * them differ: a reader sees one revision and must reopen() when a
 * commit overtakes it (DatabaseModifiedError; the reader's guard does
 * it), a writer holds the only lock on the database and decides when
 * changes become durable. */
#include "config.h"

#include "guard.hh"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <new>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <sys/stat.h>
#include <unistd.h>

namespace nx {

std::string lower(const std::string &s)
{
    return Xapian::Unicode::tolower(s);
}

/* The number of a format stamp; none: the current; not a number: -1. */
static int format_number(const std::string &v)
{
    if (v.empty())
        return NEWSIDX_FORMAT_VERSION;
    if (v.find_first_not_of("0123456789") != std::string::npos || v.size() > 6)
        return -1;
    return atoi(v.c_str());
}

int format_of(const Xapian::Database &db)
{
    return format_number(db.get_metadata(META_FORMAT));
}

newsidx_status_t check_format(const Xapian::Database &db, std::string &detail)
{
    std::string v = db.get_metadata(META_FORMAT);
    if (v.empty()) {
        if (db.get_doccount() == 0)
            return NEWSIDX_OK;          /* empty: the writer stamps it */
        detail = "not a newsidx index (no format version in its metadata)";
        return NEWSIDX_ERR_VERSION;
    }
    int f = format_number(v);
    if (f < NEWSIDX_FORMAT_OLDEST || f > NEWSIDX_FORMAT_VERSION) {
        detail = "index format " + v + " is not supported by this newsidx (formats " +
                 std::to_string(NEWSIDX_FORMAT_OLDEST) + " to " +
                 std::to_string(NEWSIDX_FORMAT_VERSION) + "); rebuild the index with " +
                 "'newsidx add' from the original articles";
        return NEWSIDX_ERR_VERSION;
    }
    return NEWSIDX_OK;
}

void copy_numbers(newsidx_config_t *dst, const newsidx_config_t *src)
{
    if (src)
        *dst = *src;
    else
        nx_config_init(dst);
    /* Strings belong to the caller's config: do not keep them. */
    dst->socket_group = nullptr;
    dst->pidfile = nullptr;
    dst->gazetteer = nullptr;
    dst->writers = nullptr;
    dst->n_writers = 0;
    dst->shards = nullptr;      /* kept by the handle itself */
    dst->n_shards = 0;
}

}  // namespace nx

using namespace nx;

/* ------------------------------------------------------------------ */
/* Reader                                                               */
/* ------------------------------------------------------------------ */

std::string nx::join(const std::vector<std::string> &v)
{
    std::string r;
    for (auto &x : v)
        r += (r.empty() ? "" : ", ") + x;
    return r;
}

/* The shards of the configuration, opened; with [shards] partial the
 * index opens while some are down (they are tried again later). */
static newsidx_status_t open_shards(newsidx_db_t *h, const newsidx_config_t *config,
                                    std::string &detail)
{
    for (size_t i = 0; i < config->n_shards; i++) {
        ReaderShard rs;
        rs.spec = parse_shard(config->shards[i]);
        h->any_remote = h->any_remote || rs.spec.remote;
        h->shards.push_back(rs);
    }
    nx_db_refresh_shards(h, true);
    std::vector<std::string> missing = nx_db_missing_shards(h);
    /* Opening needs one shard; whether an answer may leave the others
     * out is decided per request. */
    if (missing.size() == h->shards.size()) {
        detail = "shard " + missing[0] + " does not answer (" + h->shards[0].why + ")";
        for (auto &s : h->shards)
            if (!s.up && s.spec.name == missing[0])
                detail = "shard " + s.spec.name + " does not answer (" + s.why + ")";
        if (missing.size() > 1)
            detail += "; nor do " + join(std::vector<std::string>(missing.begin() + 1, missing.end()));
        return NEWSIDX_ERR_UNAVAILABLE;
    }
    for (auto &s : h->shards) {
        if (!s.up)
            continue;
        newsidx_status_t st = check_format(s.db, detail);
        if (st != NEWSIDX_OK) {
            detail = "shard " + s.spec.name + ": " + detail;
            return st;
        }
    }
    return NEWSIDX_OK;
}

std::vector<std::string> nx::staging_dirs(const std::string &path)
{
    std::vector<std::string> out;
    size_t slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash ? slash : 1);
    std::string stem = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".staging-";
    DIR *d = opendir(dir.c_str());
    if (!d)
        return out;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, stem.c_str(), stem.size()) == 0)
            out.push_back((slash == std::string::npos ? "" : dir + "/") + e->d_name);
    closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

std::string nx::staging_token(const std::string &dir)
{
    char buf[64] = "";
    FILE *fp = fopen((dir + "/newsidx.staging").c_str(), "r");
    if (!fp)
        return "";
    if (!fgets(buf, sizeof buf, fp))
        buf[0] = '\0';
    fclose(fp);
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

bool nx::staging_merged(const Xapian::Database &db, const std::string &dir)
{
    std::string token = staging_token(dir);
    return token.empty() || !db.get_metadata("newsidx.merged." + token).empty();
}

/* The database at path with the staging databases a killed bulk load
 * left (see store.hh). */
static void open_local(newsidx_db_t *h, const char *path)
{
    h->db = Xapian::Database(path);
    h->pairs = format_of(h->db) >= 2;
    h->quotes = format_of(h->db) >= 3;
    h->staging.clear();
    for (auto &d : staging_dirs(path)) {
        if (staging_merged(h->db, d))
            continue;
        try {
            Xapian::Database part(d);
            h->pairs = h->pairs && format_of(part) >= 2;
            h->quotes = h->quotes && format_of(part) >= 3;
            h->db.add_database(part);
            h->staging.push_back(d);
        } catch (const Xapian::DatabaseOpeningError &) {
            /* removed meanwhile: merged by a writer */
        }
    }
}

extern "C" newsidx_status_t newsidx_db_open(const char *path, const newsidx_config_t *config,
                                            newsidx_db_t **out, char **errmsg) noexcept
{
    if (errmsg)
        *errmsg = NULL;
    *out = nullptr;
    bool sharded = !path && config && config->n_shards;
    if (!path && !sharded) {
        nx_set_error(errmsg, "no database path");
        return NEWSIDX_ERR_ARG;
    }
    struct stat sb;
    if (!sharded && stat(path, &sb) != 0) {
        nx_set_error(errmsg, "no database at %s yet (index some articles with 'newsidx add' "
                             "first)", path);
        return NEWSIDX_ERR_NO_DATABASE;
    }
    newsidx_db_t *h = nullptr;
    std::string detail;
    newsidx_status_t st = guard(detail, [&]() {
        h = new newsidx_db;
        h->path = path ? path : "[shards]";
        copy_numbers(&h->config, config);
        if (sharded)
            return open_shards(h, config, detail);
        open_local(h, path);
        return check_format(h->db, detail);
    });
    if (st == NEWSIDX_OK) {
        *out = h;
        return NEWSIDX_OK;
    }
    delete h;
    nx_set_error(errmsg, "%s: %s", path ? path : "shards", detail.c_str());
    return st;
}

extern "C" void nx_db_set_config(newsidx_db_t *h, const newsidx_config_t *cfg) noexcept
{
    copy_numbers(&h->config, cfg);
}

extern "C" newsidx_status_t newsidx_db_reopen(newsidx_db_t *h) noexcept
{
    return guard(h->error, [&]() {
        if (!h->shards.empty() && nx_db_refresh_shards(h, false))
            return NEWSIDX_OK;
        /* Staging databases come and go with bulk loads. */
        if (h->shards.empty() && (!h->staging.empty() || !staging_dirs(h->path).empty())) {
            open_local(h, h->path.c_str());
            return NEWSIDX_OK;
        }
        h->db.reopen();
        /* An empty database is stamped by its first writer. */
        if (h->shards.empty()) {
            h->pairs = format_of(h->db) >= 2;
            h->quotes = format_of(h->db) >= 3;
        }
        return NEWSIDX_OK;
    });
}

extern "C" const char *newsidx_db_error(const newsidx_db_t *h) noexcept
{
    return h->error.empty() ? nullptr : h->error.c_str();
}

extern "C" void newsidx_db_close(newsidx_db_t *h) noexcept
{
    if (!h)
        return;
    try {
        h->db.close();
    } catch (...) {
        /* closing a database that is gone: nothing to keep */
    }
    delete h;
}

/* Reads other than searches use the shards that answer (a missing
 * article is then said to be maybe on a shard that is down), and go on
 * without a shard that fails during the read only with [shards] partial. */
static ReadRules plain_read(const newsidx_db_t *h)
{
    return ReadRules{true, h->config.partial != 0, nullptr};
}

extern "C" newsidx_status_t newsidx_db_stats(newsidx_db_t *h, newsidx_stats_t *s) noexcept
{
    return guard(h, plain_read(h), [&](int) {
        /* A remote shard's counts are those it sent when it was opened:
         * a word to each says whether they still stand. */
        if (h->any_remote)
            h->db.keep_alive();
        s->documents = h->db.get_doccount();
        s->last_docid = h->db.get_lastdocid();
        s->avg_length = h->db.get_avlength();
        try {
            s->revision = h->db.get_revision();
        } catch (const Xapian::InvalidOperationError &) {
            s->revision = 0;            /* several shards: no single revision */
        }
        s->format = format_of(h->db);
        return NEWSIDX_OK;
    }, *s);
}

extern "C" newsidx_status_t newsidx_db_get(newsidx_db_t *h, const char *id,
                                           newsidx_article_t **out) noexcept
{
    return guard(h, plain_read(h), [&](int) {
        std::string term = std::string(PREFIX_ID) + id;
        Xapian::PostingIterator p = h->db.postlist_begin(term);
        if (p == h->db.postlist_end(term)) {
            std::vector<std::string> missing = nx_db_missing_shards(h);
            if (!missing.empty())
                throw Failure(NEWSIDX_ERR_UNAVAILABLE, std::string("no article with id '") + id +
                                                           "' on the shards that answer; " +
                                                           join(missing) + " does not");
            throw Failure(NEWSIDX_ERR_NOT_FOUND, std::string("no article with id '") + id + "'");
        }
        std::string data = h->db.get_document(*p).get_data();
        if (!(*out = nx_docdata_unpack(data.data(), data.size(), true)))
            throw Failure(NEWSIDX_ERR_CORRUPT,
                          std::string("stored data of '") + id + "' is damaged");
        return NEWSIDX_OK;
    }, *out);
}

/* Every article, each once: after a commit overtook the walk, it goes on
 * from the document after the last one given (document numbers stay
 * what they are).  An export needs every shard, from start to end: one
 * that is down, or stops answering, ends it with an error rather than
 * leave its articles out without a word. */
extern "C" newsidx_status_t newsidx_db_foreach(newsidx_db_t *h,
                                               int (*fn)(const newsidx_article_t *, void *),
                                               void *arg) noexcept
{
    Xapian::docid last = 0;
    return guard(h, ReadRules{false, false, nullptr}, [&](int) {
        Xapian::PostingIterator p = h->db.postlist_begin("");
        if (last)
            p.skip_to(last + 1);
        for (; p != h->db.postlist_end(""); ++p) {
            Xapian::docid docid = *p;
            std::string data = h->db.get_document(docid).get_data();
            newsidx_article_t *a = nx_docdata_unpack(data.data(), data.size(), true);
            if (!a)
                throw Failure(NEWSIDX_ERR_CORRUPT, "stored data of document " +
                                                       std::to_string(docid) + " is damaged");
            last = docid;
            int stop = fn(a, arg);
            newsidx_article_free(a);
            if (stop)
                return NEWSIDX_END;
        }
        return NEWSIDX_OK;
    });
}
