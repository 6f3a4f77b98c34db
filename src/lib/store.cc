/* store.cc - opening, writing and reading the Xapian database.
 *
 * Readers and writers are separate handles because Xapian's rules for
 * them differ: a reader sees one revision and must reopen() when a
 * commit overtakes it (DatabaseModifiedError), a writer holds the only
 * lock on the database and decides when changes become durable. */
#include "config.h"

#include "store.hh"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <csignal>
#include <new>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <sys/stat.h>
#include <unistd.h>

namespace nx {

newsidx_status_t status_of(const Xapian::Error &e, std::string &detail)
{
    detail = e.get_msg();
    if (!e.get_context().empty())
        detail += " (" + e.get_context() + ")";
    const char *type = e.get_type();
    if (strcmp(type, "DatabaseLockError") == 0)
        return NEWSIDX_ERR_LOCKED;
    if (strcmp(type, "DatabaseVersionError") == 0)
        return NEWSIDX_ERR_VERSION;
    if (strcmp(type, "DatabaseCorruptError") == 0)
        return NEWSIDX_ERR_CORRUPT;
    if (strcmp(type, "DatabaseNotFoundError") == 0)
        return NEWSIDX_ERR_NO_DATABASE;
    if (strcmp(type, "DatabaseOpeningError") == 0)
        return NEWSIDX_ERR_NO_DATABASE;
    if (strcmp(type, "QueryParserError") == 0)
        return NEWSIDX_ERR_QUERY;
    if (strcmp(type, "NetworkError") == 0 || strcmp(type, "NetworkTimeoutError") == 0)
        return NEWSIDX_ERR_UNAVAILABLE;
    if (strcmp(type, "DocNotFoundError") == 0)
        return NEWSIDX_ERR_NOT_FOUND;
    detail = std::string(type) + ": " + detail;
    return NEWSIDX_ERR_XAPIAN;
}

newsidx_status_t status_of_current_exception(std::string &detail)
{
    try {
        throw;
    } catch (const Xapian::Error &e) {
        return status_of(e, detail);
    } catch (const std::bad_alloc &) {
        detail = "out of memory";
        return NEWSIDX_ERR_NOMEM;
    } catch (const std::exception &e) {
        detail = e.what();
        return NEWSIDX_ERR_INTERNAL;
    } catch (...) {
        detail = "unknown exception";
        return NEWSIDX_ERR_INTERNAL;
    }
}

std::string lower(const std::string &s)
{
    return Xapian::Unicode::tolower(s);
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
    if (v != std::to_string(NEWSIDX_FORMAT_VERSION)) {
        detail = "index format " + v + " is not supported by this newsidx (format " +
                 std::to_string(NEWSIDX_FORMAT_VERSION) + "); rebuild the index with " +
                 "'newsidx add' from the original articles";
        return NEWSIDX_ERR_VERSION;
    }
    return NEWSIDX_OK;
}

static void copy_numbers(newsidx_config_t *dst, const newsidx_config_t *src)
{
    if (src)
        *dst = *src;
    else
        newsidx_config_init(dst);
    /* Strings belong to the caller's config: do not keep them. */
    dst->socket_group = nullptr;
    dst->pidfile = nullptr;
    dst->gazetteer = nullptr;
    dst->writers = nullptr;
    dst->n_writers = 0;
}

}  // namespace nx

using namespace nx;

/* ------------------------------------------------------------------ */
/* Lock holders                                                         */
/* ------------------------------------------------------------------ */

/* Xapian's lock cannot tell who holds it (it may be an open file
 * description lock, or held by a helper process), so a writer leaves its
 * pid and program name beside it.  The note is only believed while that
 * process is alive. */
static std::string owner_path(const std::string &db)
{
    return db + "/newsidx.owner";
}

static void write_owner(const std::string &db)
{
    std::string p = owner_path(db);
    FILE *fp = fopen(p.c_str(), "w");
    if (!fp)
        return;
    char comm[64] = "unknown";
    FILE *c = fopen("/proc/self/comm", "r");
    if (c) {
        if (fgets(comm, sizeof comm, c))
            comm[strcspn(comm, "\n")] = '\0';
        fclose(c);
    }
    fprintf(fp, "%ld %s\n", (long)getpid(), comm);
    fclose(fp);
}

static std::string describe_owner(const std::string &db)
{
    FILE *fp = fopen(owner_path(db).c_str(), "r");
    long pid = 0;
    char comm[64] = "";
    if (fp) {
        if (fscanf(fp, "%ld %63s", &pid, comm) != 2)
            pid = 0;
        fclose(fp);
    }
    if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
        return std::string(comm) + " (pid " + std::to_string(pid) + ")";
    return "another process";
}

/* ------------------------------------------------------------------ */
/* Reader                                                               */
/* ------------------------------------------------------------------ */

extern "C" newsidx_status_t newsidx_db_open(const char *path, const newsidx_config_t *config,
                                            newsidx_db_t **out, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = nullptr;
    if (!path) {
        nx_set_error(errmsg, "no database path");
        return NEWSIDX_ERR_ARG;
    }
    newsidx_db_t *h = nullptr;
    std::string detail;
    newsidx_status_t st;
    try {
        h = new newsidx_db;
        h->path = path;
        copy_numbers(&h->config, config);
        struct stat sb;
        if (stat(path, &sb) != 0) {
            nx_set_error(errmsg, "no database at %s yet (index some articles with "
                                 "'newsidx add' first)", path);
            delete h;
            return NEWSIDX_ERR_NO_DATABASE;
        }
        h->db = Xapian::Database(path);
        st = check_format(h->db, detail);
        if (st == NEWSIDX_OK) {
            *out = h;
            return NEWSIDX_OK;
        }
    } catch (...) {
        st = status_of_current_exception(detail);
    }
    delete h;
    nx_set_error(errmsg, "%s: %s", path, detail.c_str());
    return st;
}

extern "C" void nx_db_set_config(newsidx_db_t *h, const newsidx_config_t *cfg)
{
    copy_numbers(&h->config, cfg);
}

extern "C" newsidx_status_t newsidx_db_reopen(newsidx_db_t *h)
{
    try {
        h->db.reopen();
        return NEWSIDX_OK;
    } catch (...) {
        return status_of_current_exception(h->error);
    }
}

extern "C" const char *newsidx_db_error(const newsidx_db_t *h)
{
    return h->error.empty() ? nullptr : h->error.c_str();
}

extern "C" void newsidx_db_close(newsidx_db_t *h)
{
    if (!h)
        return;
    try {
        h->db.close();
    } catch (...) {
    }
    delete h;
}

/* Runs op, reopening and retrying when a commit overtook this reader:
 * callers never see DatabaseModifiedError. */
template <typename Op>
static newsidx_status_t with_retry(newsidx_db_t *h, Op op)
{
    for (int attempt = 0;; attempt++) {
        try {
            return op();
        } catch (const Xapian::DatabaseModifiedError &e) {
            if (attempt >= 5)
                return status_of(e, h->error);
            try {
                h->db.reopen();
            } catch (...) {
                return status_of_current_exception(h->error);
            }
        } catch (...) {
            return status_of_current_exception(h->error);
        }
    }
}

extern "C" newsidx_status_t newsidx_db_stats(newsidx_db_t *h, newsidx_stats_t *s)
{
    return with_retry(h, [&]() {
        memset(s, 0, sizeof *s);
        s->documents = h->db.get_doccount();
        s->last_docid = h->db.get_lastdocid();
        s->avg_length = h->db.get_avlength();
        std::string rev;
        try {
            s->revision = h->db.get_revision();
        } catch (const Xapian::InvalidOperationError &) {
            s->revision = 0;            /* several shards: no single revision */
        }
        std::string f = h->db.get_metadata(META_FORMAT);
        s->format = f.empty() ? NEWSIDX_FORMAT_VERSION : atoi(f.c_str());
        return NEWSIDX_OK;
    });
}

extern "C" newsidx_status_t newsidx_db_get(newsidx_db_t *h, const char *id,
                                           newsidx_article_t **out)
{
    *out = nullptr;
    return with_retry(h, [&]() {
        std::string term = std::string(PREFIX_ID) + id;
        Xapian::PostingIterator p = h->db.postlist_begin(term);
        if (p == h->db.postlist_end(term)) {
            h->error = std::string("no article with id '") + id + "'";
            return NEWSIDX_ERR_NOT_FOUND;
        }
        std::string data = h->db.get_document(*p).get_data();
        newsidx_article_t *a = nx_docdata_unpack(data.data(), data.size(), true);
        if (!a) {
            h->error = std::string("stored data of '") + id + "' is damaged";
            return NEWSIDX_ERR_CORRUPT;
        }
        *out = a;
        return NEWSIDX_OK;
    });
}

extern "C" newsidx_status_t newsidx_db_foreach(newsidx_db_t *h,
                                               int (*fn)(const newsidx_article_t *, void *),
                                               void *arg)
{
    try {
        for (auto p = h->db.postlist_begin(""); p != h->db.postlist_end(""); ++p) {
            std::string data = h->db.get_document(*p).get_data();
            newsidx_article_t *a = nx_docdata_unpack(data.data(), data.size(), true);
            if (!a) {
                h->error = "stored data of document " + std::to_string(*p) + " is damaged";
                return NEWSIDX_ERR_CORRUPT;
            }
            int stop = fn(a, arg);
            newsidx_article_free(a);
            if (stop)
                return NEWSIDX_END;
        }
        return NEWSIDX_OK;
    } catch (...) {
        return status_of_current_exception(h->error);
    }
}

/* ------------------------------------------------------------------ */
/* Writer                                                               */
/* ------------------------------------------------------------------ */

struct newsidx_writer {
    Xapian::WritableDatabase db;
    std::string path;
    std::string error;
    newsidx_config_t config;
    unsigned pending = 0;
    /* Words for the spelling table, counted per batch and written once
     * per word at commit: far cheaper than one update per occurrence. */
    std::unordered_map<std::string, Xapian::termcount> spelling;
};

extern "C" newsidx_status_t newsidx_writer_open(const char *path, const newsidx_config_t *config,
                                                unsigned flags, newsidx_writer_t **out,
                                                char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = nullptr;
    newsidx_writer_t *w = nullptr;
    std::string detail;
    newsidx_status_t st = NEWSIDX_OK;
    try {
        w = new newsidx_writer;
        w->path = path;
        copy_numbers(&w->config, config);
        struct stat sb;
        bool exists = stat(path, &sb) == 0;
        if (!exists && !(flags & NEWSIDX_WRITER_CREATE)) {
            nx_set_error(errmsg, "no database at %s", path);
            delete w;
            return NEWSIDX_ERR_NO_DATABASE;
        }
        if (!exists) {
            /* The parent of a default path (~/.local/share/newsidx) may
             * not exist yet. */
            std::string parent(path);
            size_t slash = parent.find_last_of('/');
            if (slash != std::string::npos && slash > 0) {
                parent.resize(slash);
                nx_mkdirs(parent.c_str(), 0755);
            }
        }
        /* Our own batch policy decides when to commit; Xapian's implicit
         * flush every 10,000 changes would cut batches short. */
        std::string threshold = std::to_string(w->config.batch_docs + 1);
        setenv("XAPIAN_FLUSH_THRESHOLD", threshold.c_str(), 1);
        int action = (flags & NEWSIDX_WRITER_CREATE) ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN;
        double waited = 0, limit = (flags & NEWSIDX_WRITER_WAIT) ? w->config.lock_timeout : 0.0;
        for (;;) {
            try {
                w->db = Xapian::WritableDatabase(path, action);
                break;
            } catch (const Xapian::DatabaseLockError &) {
                if (waited >= limit)
                    throw;
                usleep(50000);
                waited += 0.05;
            }
        }
        st = check_format(w->db, detail);
        if (st == NEWSIDX_OK) {
            if (w->db.get_metadata(META_FORMAT).empty()) {
                w->db.set_metadata(META_FORMAT, std::to_string(NEWSIDX_FORMAT_VERSION));
                w->db.set_metadata(META_STEMMER, STEMMER);
                w->db.commit();
            }
            write_owner(path);
            *out = w;
            return NEWSIDX_OK;
        }
    } catch (const Xapian::DatabaseLockError &e) {
        st = NEWSIDX_ERR_LOCKED;
        detail = "database is locked by " + describe_owner(path) +
                 "; only one writer at a time (never delete the lock file 'flintlock' by "
                 "hand: that corrupts the database)";
    } catch (...) {
        st = status_of_current_exception(detail);
    }
    delete w;
    nx_set_error(errmsg, "%s: %s", path, detail.c_str());
    return st;
}

extern "C" void nx_writer_set_config(newsidx_writer_t *w, const newsidx_config_t *cfg)
{
    copy_numbers(&w->config, cfg);
}

extern "C" newsidx_status_t newsidx_writer_add(newsidx_writer_t *w, const newsidx_article_t *a,
                                               bool *replaced)
{
    char *err = nullptr;
    nx_doc_t *d = nx_doc_build(a, &w->config, &err);
    if (!d) {
        w->error = err ? err : "out of memory";
        free(err);
        return (a && a->id && a->body && *a->id) ? NEWSIDX_ERR_NOMEM : NEWSIDX_ERR_ARG;
    }
    newsidx_status_t st = nx_writer_add_doc(w, d, replaced);
    nx_doc_free(d);
    return st;
}

/* A document built away from the writer, so that several threads can
 * tokenise while one thread writes. */
struct nx_doc {
    Xapian::Document doc;
    std::string idterm;
    std::vector<std::string> words;     /* for the spelling table */
};

/* The distinct words of an article worth suggesting as corrections:
 * letters only, 3 to 24 bytes, lower case. */
static void spelling_words(const newsidx_article_t *a, std::vector<std::string> &out)
{
    std::unordered_set<std::string> seen;
    const char *texts[] = {a->title, a->body};
    for (const char *t : texts) {
        if (!t)
            continue;
        std::string w;
        bool bad = false;
        auto flush = [&]() {
            if (!bad && w.size() >= 3 && w.size() <= 24 && seen.insert(w).second)
                out.push_back(w);
            w.clear();
            bad = false;
        };
        for (Xapian::Utf8Iterator it(t); it != Xapian::Utf8Iterator(); ++it) {
            unsigned ch = *it;
            if (Xapian::Unicode::is_wordchar(ch)) {
                if (Xapian::Unicode::get_category(ch) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER ||
                    ch == '_')
                    bad = true;
                Xapian::Unicode::append_utf8(w, Xapian::Unicode::tolower(ch));
            } else if (!w.empty()) {
                flush();
            }
        }
        if (!w.empty())
            flush();
    }
}

extern "C" nx_doc_t *nx_doc_build(const newsidx_article_t *a, const newsidx_config_t *cfg,
                                  char **err)
{
    if (!a || !a->id || !a->body || !*a->id) {
        nx_set_error(err, "article without id or body");
        return nullptr;
    }
    /* One pair of term generators per thread, reused for every article
     * and destroyed with the thread. */
    struct Generators {
        Xapian::TermGenerator tg, names;
        Generators() { setup_termgenerators(tg, names); }
    };
    try {
        static thread_local Generators gen;
        nx_doc_t *d = new nx_doc_t;
        d->idterm = std::string(PREFIX_ID) + a->id;
        d->doc = build_document(a, cfg, gen.tg, gen.names);
        if (cfg->spelling)
            spelling_words(a, d->words);
        return d;
    } catch (...) {
        std::string detail;
        status_of_current_exception(detail);
        nx_set_error(err, "%s", detail.c_str());
        return nullptr;
    }
}

extern "C" void nx_doc_free(nx_doc_t *d)
{
    delete d;
}

extern "C" newsidx_status_t nx_writer_add_doc(newsidx_writer_t *w, nx_doc_t *d, bool *replaced)
{
    try {
        bool existed = w->db.term_exists(d->idterm);
        w->db.replace_document(d->idterm, d->doc);
        if (replaced)
            *replaced = existed;
        w->pending++;
        for (auto &word : d->words)
            w->spelling[word]++;
        return NEWSIDX_OK;
    } catch (...) {
        return status_of_current_exception(w->error);
    }
}

extern "C" newsidx_status_t newsidx_writer_delete(newsidx_writer_t *w, const char *id)
{
    try {
        std::string idterm = std::string(PREFIX_ID) + id;
        if (!w->db.term_exists(idterm)) {
            w->error = std::string("no article with id '") + id + "'";
            return NEWSIDX_ERR_NOT_FOUND;
        }
        w->db.delete_document(idterm);
        w->pending++;
        return NEWSIDX_OK;
    } catch (...) {
        return status_of_current_exception(w->error);
    }
}

extern "C" newsidx_status_t newsidx_writer_commit(newsidx_writer_t *w)
{
    try {
        for (auto &e : w->spelling)
            w->db.add_spelling(e.first, e.second);
        w->spelling.clear();
        w->db.commit();
        w->pending = 0;
        return NEWSIDX_OK;
    } catch (...) {
        return status_of_current_exception(w->error);
    }
}

extern "C" unsigned newsidx_writer_pending(const newsidx_writer_t *w)
{
    return w->pending;
}

extern "C" const char *newsidx_writer_error(const newsidx_writer_t *w)
{
    return w->error.empty() ? nullptr : w->error.c_str();
}

/* Removes a flat directory (a glass database has no subdirectories). */
static void remove_dir(const std::string &dir)
{
    DIR *d = opendir(dir.c_str());
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlink((dir + "/" + e->d_name).c_str());
        closedir(d);
    }
    rmdir(dir.c_str());
}

extern "C" uint64_t nx_writer_doccount(newsidx_writer_t *w)
{
    try {
        return w->db.get_doccount();
    } catch (...) {
        return 0;
    }
}

extern "C" newsidx_status_t newsidx_writer_compact(newsidx_writer_t *w)
{
    std::string tmp = w->path + ".compact-" + std::to_string(getpid());
    try {
        for (auto &e : w->spelling)
            w->db.add_spelling(e.first, e.second);
        w->spelling.clear();
        w->db.commit();
        w->pending = 0;
        remove_dir(tmp);
        {
            Xapian::Database src(w->path);
            src.compact(tmp, Xapian::DBCOMPACT_NO_RENUMBER);
        }
        /* Swap the compact copy in atomically; the old database, still
         * locked by this writer, ends up under the temporary name. */
        if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, w->path.c_str(), RENAME_EXCHANGE) != 0) {
            w->error = std::string("cannot swap in the compacted database: ") + strerror(errno);
            remove_dir(tmp);
            return NEWSIDX_ERR_IO;
        }
        w->db.close();
        remove_dir(tmp);
        w->db = Xapian::WritableDatabase(w->path, Xapian::DB_OPEN);
        write_owner(w->path);
        return NEWSIDX_OK;
    } catch (...) {
        remove_dir(tmp);
        return status_of_current_exception(w->error);
    }
}

extern "C" newsidx_status_t newsidx_writer_close(newsidx_writer_t *w)
{
    if (!w)
        return NEWSIDX_OK;
    newsidx_status_t st = NEWSIDX_OK;
    std::string detail;
    try {
        for (auto &e : w->spelling)
            w->db.add_spelling(e.first, e.second);
        w->db.commit();
        unlink(owner_path(w->path).c_str());
        w->db.close();
    } catch (...) {
        st = status_of_current_exception(detail);
    }
    delete w;
    return st;
}
