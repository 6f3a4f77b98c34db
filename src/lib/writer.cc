/* writer.cc - the writer handle: one database, or the shards of the
 * configuration, each article written to the shard its id hashes to.
 *
 * A writer holds the only lock on its database(s) and decides when
 * changes become durable: nothing is visible to readers, or safe from a
 * crash, before commit(). */
#include "config.h"

#include "store.hh"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

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
    FILE *fp = fopen(owner_path(db).c_str(), "w");
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
/* The handle                                                           */
/* ------------------------------------------------------------------ */

namespace {

struct Part {
    ShardSpec spec;
    Xapian::WritableDatabase db;
    /* Words for the spelling table, counted per batch and written once
     * per word at commit: far cheaper than one update per occurrence. */
    std::unordered_map<std::string, Xapian::termcount> spelling;
};

}  // namespace

struct newsidx_writer {
    std::vector<Part> parts;
    std::string path;           /* one local database, else "" */
    std::string error;
    newsidx_config_t config;
    unsigned pending = 0;
};

static Part &part_for(newsidx_writer_t *w, const std::string &id)
{
    return w->parts.size() == 1 ? w->parts[0] : w->parts[shard_of(id, w->parts.size())];
}

/* Opens a local database for writing, waiting for its lock as asked. */
static newsidx_status_t open_local(Part &p, unsigned flags, const newsidx_config_t *cfg,
                                   std::string &detail)
{
    const std::string &path = p.spec.name;
    struct stat sb;
    bool exists = stat(path.c_str(), &sb) == 0;
    if (!exists && !(flags & NEWSIDX_WRITER_CREATE)) {
        detail = "no database at " + path;
        return NEWSIDX_ERR_NO_DATABASE;
    }
    if (!exists) {
        /* The parent of a default path (~/.local/share/newsidx) may not
         * exist yet. */
        std::string parent(path);
        size_t slash = parent.find_last_of('/');
        if (slash != std::string::npos && slash > 0) {
            parent.resize(slash);
            nx_mkdirs(parent.c_str(), 0755);
        }
    }
    int action = (flags & NEWSIDX_WRITER_CREATE) ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN;
    double waited = 0, limit = (flags & NEWSIDX_WRITER_WAIT) ? cfg->lock_timeout : 0.0;
    for (;;) {
        try {
            p.db = Xapian::WritableDatabase(path, action);
            return NEWSIDX_OK;
        } catch (const Xapian::DatabaseLockError &) {
            if (waited >= limit) {
                detail = "database is locked by " + describe_owner(path) +
                         "; only one writer at a time (never delete the lock file 'flintlock' "
                         "by hand: that corrupts the database)";
                return NEWSIDX_ERR_LOCKED;
            }
            usleep(50000);
            waited += 0.05;
        }
    }
}

/* A database new to newsidx gets the format stamp. */
static newsidx_status_t stamp(Part &p, std::string &detail)
{
    newsidx_status_t st = check_format(p.db, detail);
    if (st != NEWSIDX_OK)
        return st;
    if (p.db.get_metadata(META_FORMAT).empty()) {
        p.db.set_metadata(META_FORMAT, std::to_string(NEWSIDX_FORMAT_VERSION));
        p.db.set_metadata(META_STEMMER, STEMMER);
        p.db.commit();
    }
    if (!p.spec.remote)
        write_owner(p.spec.name);
    return NEWSIDX_OK;
}

extern "C" newsidx_status_t newsidx_writer_open(const char *path, const newsidx_config_t *config,
                                                unsigned flags, newsidx_writer_t **out,
                                                char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = nullptr;
    bool sharded = !path && config && config->n_shards;
    if (!path && !sharded) {
        nx_set_error(errmsg, "no database path");
        return NEWSIDX_ERR_ARG;
    }
    newsidx_writer_t *w = nullptr;
    std::string detail, where = path ? path : "";
    newsidx_status_t st = NEWSIDX_OK;
    try {
        w = new newsidx_writer;
        copy_numbers(&w->config, config);
        /* Our own batch policy decides when to commit; Xapian's implicit
         * flush every 10,000 changes would cut batches short. */
        std::string threshold = std::to_string(w->config.batch_docs + 1);
        setenv("XAPIAN_FLUSH_THRESHOLD", threshold.c_str(), 1);
        if (path) {
            w->path = path;
            w->parts.emplace_back();
            w->parts[0].spec.name = path;
        } else {
            for (size_t i = 0; i < config->n_shards; i++) {
                w->parts.emplace_back();
                w->parts.back().spec = parse_shard(config->shards[i]);
            }
        }
        for (auto &p : w->parts) {
            where = p.spec.name;
            if (p.spec.remote)
                p.db = open_remote_writable(p.spec, w->config.shard_timeout);
            else if ((st = open_local(p, flags, &w->config, detail)) != NEWSIDX_OK)
                break;
            if ((st = stamp(p, detail)) != NEWSIDX_OK)
                break;
        }
        if (st == NEWSIDX_OK) {
            *out = w;
            return NEWSIDX_OK;
        }
    } catch (...) {
        st = status_of_current_exception(detail);
        if (st == NEWSIDX_ERR_NO_DATABASE && sharded)
            st = NEWSIDX_ERR_UNAVAILABLE;
    }
    delete w;
    nx_set_error(errmsg, "%s%s: %s", sharded ? "shard " : "", where.c_str(), detail.c_str());
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

extern "C" newsidx_status_t nx_writer_add_doc(newsidx_writer_t *w, nx_doc_t *d, bool *replaced)
{
    try {
        Part &p = part_for(w, d->idterm.substr(1));
        bool existed = p.db.term_exists(d->idterm);
        p.db.replace_document(d->idterm, d->doc);
        if (replaced)
            *replaced = existed;
        w->pending++;
        for (auto &word : d->words)
            p.spelling[word]++;
        return NEWSIDX_OK;
    } catch (...) {
        return status_of_current_exception(w->error);
    }
}

extern "C" newsidx_status_t newsidx_writer_delete(newsidx_writer_t *w, const char *id)
{
    try {
        std::string idterm = std::string(PREFIX_ID) + id;
        Part &p = part_for(w, id);
        if (!p.db.term_exists(idterm)) {
            w->error = std::string("no article with id '") + id + "'";
            return NEWSIDX_ERR_NOT_FOUND;
        }
        p.db.delete_document(idterm);
        w->pending++;
        return NEWSIDX_OK;
    } catch (...) {
        return status_of_current_exception(w->error);
    }
}

static void flush_spelling(Part &p)
{
    for (auto &e : p.spelling)
        p.db.add_spelling(e.first, e.second);
    p.spelling.clear();
}

/* Shards commit one after another: each commit is atomic, but a crash
 * between two leaves the first committed and the second not, which the
 * next import (ids replace) repairs. */
extern "C" newsidx_status_t newsidx_writer_commit(newsidx_writer_t *w)
{
    try {
        for (auto &p : w->parts) {
            flush_spelling(p);
            p.db.commit();
        }
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

extern "C" uint64_t nx_writer_doccount(newsidx_writer_t *w)
{
    uint64_t n = 0;
    try {
        for (auto &p : w->parts)
            n += p.db.get_doccount();
    } catch (...) {
        return 0;
    }
    return n;
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

static newsidx_status_t compact_local(newsidx_writer_t *w, Part &p)
{
    const std::string &path = p.spec.name;
    std::string tmp = path + ".compact-" + std::to_string(getpid());
    remove_dir(tmp);
    {
        Xapian::Database src(path);
        src.compact(tmp, Xapian::DBCOMPACT_NO_RENUMBER);
    }
    /* Swap the compact copy in atomically; the old database, still
     * locked by this writer, ends up under the temporary name. */
    if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) != 0) {
        w->error = std::string("cannot swap in the compacted database: ") + strerror(errno);
        remove_dir(tmp);
        return NEWSIDX_ERR_IO;
    }
    p.db.close();
    remove_dir(tmp);
    p.db = Xapian::WritableDatabase(path, Xapian::DB_OPEN);
    write_owner(path);
    return NEWSIDX_OK;
}

extern "C" newsidx_status_t newsidx_writer_compact(newsidx_writer_t *w)
{
    try {
        newsidx_status_t st = newsidx_writer_commit(w);
        if (st != NEWSIDX_OK)
            return st;
        /* Remote shards are compacted where they live (xapian-compact). */
        for (auto &p : w->parts)
            if (!p.spec.remote && (st = compact_local(w, p)) != NEWSIDX_OK)
                return st;
        return NEWSIDX_OK;
    } catch (...) {
        return status_of_current_exception(w->error);
    }
}

extern "C" newsidx_status_t newsidx_writer_close(newsidx_writer_t *w)
{
    if (!w)
        return NEWSIDX_OK;
    newsidx_status_t st = NEWSIDX_OK;
    std::string detail;
    for (auto &p : w->parts) {
        try {
            flush_spelling(p);
            p.db.commit();
            if (!p.spec.remote)
                unlink(owner_path(p.spec.name).c_str());
            p.db.close();
        } catch (...) {
            st = status_of_current_exception(detail);
        }
    }
    delete w;
    return st;
}
