/* writer.cc - the writer handle: one database, or the shards of the
 * configuration, each article written to the shard its id hashes to.
 *
 * A writer holds the only lock on its database(s) and decides when
 * changes become durable: nothing is visible to readers, or safe from a
 * crash, before commit(). */
#include "config.h"

#include "guard.hh"
#include "quotes.hh"
#include "takes.hh"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
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

struct LaneItem {
    std::string idterm;
    Xapian::Document doc;
    std::vector<std::string> words;
    std::vector<std::pair<std::string, std::string>> aliases;
    bool remove = false;                /* delete idterm (a part joined to its story) */
    std::string story;                  /* else given: idterm's new story key */
};

/* Items a lane's queue holds at most. */
const size_t LANE_QUEUE = 64;

/* The thread writing one part during a bulk load, and its queue. */
struct Lane {
    std::thread thread;
    std::mutex mu;
    std::condition_variable work_cv;    /* an item, a commit or the end */
    std::condition_variable done_cv;    /* room in the queue, a commit done */
    std::deque<LaneItem> q;
    bool commit_asked = false, stop = false;
    uint64_t replaced = 0;
    uint64_t kept = 0;                  /* older versions not written */
    /* Spelling words counted by the other lanes, handed to the first
     * lane, the only one that writes them (see lanes_commit()). */
    std::unordered_map<std::string, Xapian::termcount> spelling_in;
    bool writes_spelling = false;
    uint64_t duplicates = 0;            /* the stored record again */
    bool failed = false;                /* a write or commit failed */
    std::string error;                  /* the first failure, when it could be told */
};

struct Part {
    ShardSpec spec;
    Xapian::WritableDatabase db;
    /* Words for the spelling table, counted per batch and written once
     * per word at commit: far cheaper than one update per occurrence. */
    std::unordered_map<std::string, Xapian::termcount> spelling;
    /* Links of the alias table, likewise (aliastable.cc). */
    AliasCounts aliases;
    std::unique_ptr<Lane> lane;         /* during a bulk load */
    bool closed = false;                /* by a failed commit: reopen first */
    bool in_batch = false;              /* its batch's transaction is open */
};

}  // namespace

struct newsidx_writer {
    std::vector<Part> parts;
    std::string path;           /* one local database, else "" */
    std::string error;
    newsidx_config_t config;
    unsigned pending = 0;
    /* A bulk load: parts[0] is the database, the others staging
     * databases beside it, merged into it at the end. */
    bool bulk = false;
    uint64_t bulk_replaced = 0;
    bool closed = false;        /* by newsidx_writer_close() */
    newsidx_status_t close_status = NEWSIDX_OK;
    uint64_t kept = 0;          /* older versions not written */
    uint64_t duplicates = 0;    /* exact duplicates of stored articles */
    /* During a bulk load the parts are written by other threads and
     * cannot be read here: the articles of the load so far, by title
     * key, with their story keys (story_keys()). */
    std::unordered_map<std::string, std::vector<StoryMember>> stories;
    /* Stories sent in parts (takes.cc): the extractor their joined text
     * goes through (the program's, else one of our own), the records of
     * such articles written during a bulk load (by idterm), and how many
     * parts were joined to a stored story. */
    const newsidx_extractor_t *extractor = nullptr;
    newsidx_extractor_t *own_extractor = nullptr;
    std::map<std::string, std::string> part_records;
    uint64_t joined = 0, absorbed = 0, other_day = 0;

    ~newsidx_writer() { newsidx_extractor_free(own_extractor); }
};

/* Writing through a closed writer is the caller's mistake, said so. */
static void check_open(const newsidx_writer_t *w)
{
    if (w->closed)
        throw Failure(NEWSIDX_ERR_ARG, "the writer is closed");
}

static Part &part_for(newsidx_writer_t *w, const std::string &id)
{
    return w->parts.size() == 1 ? w->parts[0] : w->parts[shard_of(id, w->parts.size())];
}

static void remove_dir(const std::string &dir);

/* Directories "PATH.creating-PID" left by writers killed while they
 * created PATH: nothing in them was ever visible; their process is gone. */
static void remove_dead_creations(const std::string &path)
{
    std::string dir = ".", base = path;
    size_t slash = path.find_last_of('/');
    if (slash != std::string::npos) {
        dir = slash ? path.substr(0, slash) : "/";
        base = path.substr(slash + 1);
    }
    std::string stem = base + ".creating-";
    DIR *d = opendir(dir.c_str());
    if (!d)
        return;
    std::vector<std::string> dead;
    while (struct dirent *e = readdir(d)) {
        if (strncmp(e->d_name, stem.c_str(), stem.size()) != 0)
            continue;
        long pid = strtol(e->d_name + stem.size(), nullptr, 10);
        if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            dead.push_back(dir + "/" + e->d_name);
    }
    closedir(d);
    for (auto &x : dead)
        remove_dir(x);
}

/* A new database is made beside its path, stamped, and renamed into
 * place: Xapian creates the directory before the files that say what it
 * is, and a writer killed in between left a directory that neither a
 * reader nor the next writer could open ("Couldn't detect type of
 * database").  When another writer created the path meanwhile, its
 * database stands and ours is removed. */
static void create_local(const std::string &path)
{
    remove_dead_creations(path);
    std::string tmp = path + ".creating-" + std::to_string(getpid());
    remove_dir(tmp);
    {
        Xapian::WritableDatabase db(tmp, Xapian::DB_CREATE_OR_OVERWRITE);
        db.set_metadata(META_FORMAT, std::to_string(NEWSIDX_FORMAT_VERSION));
        db.set_metadata(META_STEMMER, STEMMER);
        db.commit();
    }
    if (rename(tmp.c_str(), path.c_str()) != 0)
        remove_dir(tmp);
}

/* Each batch of changes is a transaction of its own (unflushed: it adds
 * no commit): within one, Xapian does not commit on its own when its
 * count of changes passes XAPIAN_FLUSH_THRESHOLD (it only writes out the
 * postings it holds), so a batch becomes durable whole, at commit_batch()
 * and nowhere else.  Setting that threshold in the environment instead
 * would change it for every database of the process. */
static void begin_batch(Part &p)
{
    if (p.in_batch)
        return;
    p.db.begin_transaction(false);
    p.in_batch = true;
}

/* What is counted per batch, written before the commit: the spelling
 * words and the links of the alias table (aliastable.cc). */
static void flush_spelling(Part &p)
{
    for (auto &e : p.spelling)
        p.db.add_spelling(e.first, e.second);
    p.spelling.clear();
    alias_flush(p.db, p.aliases);
}

/* The batch, with the spelling words counted for it (unless another
 * part writes them: a bulk load's staging parts hand theirs over after
 * their commit), made durable. */
static void commit_batch(Part &p, bool with_spelling = true)
{
    if (with_spelling)
        flush_spelling(p);
    else
        alias_flush(p.db, p.aliases);
    if (p.in_batch) {
        p.in_batch = false;             /* over, whatever happens next */
        p.db.commit_transaction();
    }
    p.db.commit();
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
        create_local(path);
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

static void recover_staging(Part &p);

extern "C" newsidx_status_t newsidx_writer_open(const char *path, const newsidx_config_t *config,
                                                unsigned flags, newsidx_writer_t **out,
                                                char **errmsg) noexcept
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
    newsidx_status_t st = guard(detail, [&]() {
        w = new newsidx_writer;
        copy_numbers(&w->config, config);
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
            newsidx_status_t part_st = NEWSIDX_OK;
            if (p.spec.remote)
                p.db = open_remote_writable(p.spec, w->config.shard_timeout);
            else
                part_st = open_local(p, flags, &w->config, detail);
            if (part_st == NEWSIDX_OK)
                part_st = stamp(p, detail);
            if (part_st != NEWSIDX_OK)
                return part_st;
            if (!p.spec.remote)
                recover_staging(p);
        }
        return NEWSIDX_OK;
    });
    if (st == NEWSIDX_OK) {
        *out = w;
        return NEWSIDX_OK;
    }
    if (st == NEWSIDX_ERR_NO_DATABASE && sharded)
        st = NEWSIDX_ERR_UNAVAILABLE;
    delete w;
    nx_set_error(errmsg, "%s%s: %s", sharded ? "shard " : "", where.c_str(), detail.c_str());
    return st;
}

extern "C" void nx_writer_set_config(newsidx_writer_t *w, const newsidx_config_t *cfg) noexcept
{
    copy_numbers(&w->config, cfg);
}

extern "C" newsidx_status_t newsidx_writer_add(newsidx_writer_t *w, const newsidx_article_t *a,
                                               bool *replaced) noexcept
{
    return guard(w->error, [&]() {
        char *err = nullptr;
        std::unique_ptr<nx_doc_t, void (*)(nx_doc_t *)> d(nx_doc_build(a, &w->config, &err),
                                                          nx_doc_free);
        std::unique_ptr<char, void (*)(void *)> why(err, free);
        if (!d)
            throw Failure((a && a->id && a->body && *a->id) ? NEWSIDX_ERR_NOMEM : NEWSIDX_ERR_ARG,
                          why ? why.get() : "out of memory");
        return nx_writer_add_doc(w, d.get(), replaced);
    });
}

/* Whether the database holds a newer version of the document's id
 * (is_older()): an older version arriving later is not written.
 * *existed says whether the id is there at all. */
static bool stored_is_newer(Xapian::WritableDatabase &db, const std::string &idterm,
                            const Xapian::Document &doc, bool *existed, bool *same)
{
    Xapian::PostingIterator p = db.postlist_begin(idterm);
    *existed = p != db.postlist_end(idterm);
    *same = false;
    if (!*existed)
        return false;
    Xapian::Document old = db.get_document(*p);
    /* The same record again: an exact duplicate, not a replacement. */
    *same = old.get_data() == doc.get_data();
    return is_older(doc.get_value(SLOT_VERSION), doc.get_value(SLOT_TIME),
                    old.get_value(SLOT_VERSION), old.get_value(SLOT_TIME));
}

static newsidx_status_t lane_add(newsidx_writer_t *w, nx_doc_t *d, bool *replaced);
static bool reopen_closed(newsidx_writer_t *w, Part &p, std::string &detail) noexcept;

/* The article being added as a member of its title key's group. */
static StoryMember member_of(const nx_doc_t *d)
{
    StoryMember m;
    m.idterm = d->idterm;
    m.day = story_day(d->doc.get_value(SLOT_DATE));
    m.signature = d->signature;
    return m;
}

/* A stored document's id term ("" when it has none). */
static std::string idterm_of(const Xapian::Document &doc)
{
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(PREFIX_ID);
    return t != doc.termlist_end() && (*t).compare(0, strlen(PREFIX_ID), PREFIX_ID) == 0 ? *t
                                                                                        : "";
}

/* A stored article of a title key, and where it is (the document as
 * read, for restory()). */
struct Stored {
    StoryMember member;
    Part *part;
    Xapian::docid did;
    Xapian::Document doc;
};

/* The stored articles of d's title key, through the G terms of that
 * title key in each part (the pending changes of a WritableDatabase are
 * seen), but d's own earlier version: at most STORY_GROUP. */
static std::vector<Stored> stored_group(newsidx_writer_t *w, const nx_doc_t *d)
{
    std::vector<Stored> group;
    std::string prefix = std::string(PREFIX_STORY) + d->title_key;
    for (auto &p : w->parts)
        for (auto t = p.db.allterms_begin(prefix); t != p.db.allterms_end(prefix); ++t)
            for (auto pl = p.db.postlist_begin(*t); pl != p.db.postlist_end(*t); ++pl) {
                if (group.size() == STORY_GROUP)
                    return group;
                Xapian::Document doc = p.db.get_document(*pl);
                Stored s{StoryMember(), &p, *pl, doc};
                s.member.idterm = idterm_of(doc);
                if (s.member.idterm == d->idterm)
                    continue;
                s.member.day = story_day(doc.get_value(SLOT_DATE));
                s.member.signature = doc.get_value(SLOT_SIGNATURE);
                s.member.key = (*t).substr(strlen(PREFIX_STORY));
                group.push_back(std::move(s));
            }
    return group;
}

/* Gives the stored document did, read as doc, another story key
 * (value and G term). */
static void restory(Part &p, Xapian::docid did, Xapian::Document doc, const std::string &key)
{
    std::string old = doc.get_value(SLOT_STORY);
    if (old == key)
        return;
    if (!old.empty()) {
        std::string term = std::string(PREFIX_STORY) + old;
        Xapian::TermIterator t = doc.termlist_begin();
        t.skip_to(term);
        if (t != doc.termlist_end() && *t == term)
            doc.remove_term(term);
    }
    doc.add_boolean_term(std::string(PREFIX_STORY) + key);
    doc.add_value(SLOT_STORY, key);
    begin_batch(p);
    p.db.replace_document(did, doc);
}

static void lane_push(Part &p, LaneItem &&it);

/* A bulk load's stories: the load's articles of d's title key in
 * memory (an id given again replaces its earlier self; the latest
 * STORY_GROUP kept), decided together; the articles already written
 * whose story changed (d joined two stories, or came before the first
 * version) are given their new key by the lane that wrote them, after
 * it wrote them.  d's key. */
static std::string bulk_story(newsidx_writer_t *w, const nx_doc_t *d)
{
    auto &group = w->stories[d->title_key];
    for (auto it = group.begin(); it != group.end(); ++it)
        if (it->idterm == d->idterm) {
            group.erase(it);
            break;
        }
    if (group.size() >= STORY_GROUP)
        group.erase(group.begin());
    group.push_back(member_of(d));
    std::vector<std::string> keys = story_keys(d->title_key, group, w->config.story_window);
    for (size_t i = 0; i + 1 < group.size(); i++)
        if (keys[i] != group[i].key) {
            group[i].key = keys[i];
            LaneItem it;
            it.idterm = group[i].idterm;
            it.story = keys[i];
            lane_push(part_for(w, it.idterm.substr(1)), std::move(it));
        }
    return group.back().key = keys.back();
}

/* The stories of d's title key decided again with d among them (see
 * story_keys()): the stored articles whose story changed are rewritten
 * with their new key, which also mends the stories of an index made
 * before the window.  d's key. */
static std::string stored_story(newsidx_writer_t *w, const nx_doc_t *d)
{
    std::vector<Stored> group = stored_group(w, d);
    std::vector<StoryMember> members;
    members.reserve(group.size() + 1);
    for (auto &s : group)
        members.push_back(s.member);
    members.push_back(member_of(d));
    std::vector<std::string> keys = story_keys(d->title_key, members, w->config.story_window);
    for (size_t i = 0; i < group.size(); i++)
        if (keys[i] != group[i].member.key) {
            restory(*group[i].part, group[i].did, group[i].doc, keys[i]);
            w->pending++;
        }
    return keys.back();
}

/* Decides the story of an article as it is added: of the articles with
 * the same title key, those with mostly the same body dated within
 * [index] story_window days are its versions (story.cc).  Untitled
 * articles have none. */
static void assign_story(newsidx_writer_t *w, nx_doc_t *d)
{
    if (d->title_key.empty())
        return;
    std::string key = w->bulk ? bulk_story(w, d) : stored_story(w, d);
    d->doc.add_value(SLOT_STORY, key);
    d->doc.add_boolean_term(std::string(PREFIX_STORY) + key);
}

/* The stored records a story sent in parts is joined from: the
 * database's (every part: a story and its parts hash apart), or during
 * a bulk load, whose parts other threads write, the load's own. */
class WriterParts : public PartsStore {
  public:
    explicit WriterParts(newsidx_writer_t *w) : w_(w) {}
    bool record(const std::string &idterm, std::string &data) override
    {
        if (w_->bulk) {
            auto it = w_->part_records.find(idterm);
            if (it == w_->part_records.end())
                return false;
            data = it->second;
            return true;
        }
        Part &p = part_for(w_, idterm.substr(1));
        Xapian::PostingIterator pl = p.db.postlist_begin(idterm);
        if (pl == p.db.postlist_end(idterm))
            return false;
        data = p.db.get_document(*pl).get_data();
        return true;
    }
    void records_from(const std::string &prefix,
                      std::vector<std::pair<std::string, std::string>> &out) override
    {
        if (w_->bulk) {
            for (auto it = w_->part_records.lower_bound(prefix);
                 it != w_->part_records.end() && it->first.compare(0, prefix.size(), prefix) == 0;
                 ++it)
                out.emplace_back(it->first, it->second);
            return;
        }
        for (auto &p : w_->parts)
            for (auto t = p.db.allterms_begin(prefix); t != p.db.allterms_end(prefix); ++t) {
                Xapian::PostingIterator pl = p.db.postlist_begin(*t);
                if (pl != p.db.postlist_end(*t))
                    out.emplace_back(*t, p.db.get_document(*pl).get_data());
            }
    }

  private:
    newsidx_writer_t *w_;
};

static const newsidx_extractor_t *extractor_of(newsidx_writer_t *w)
{
    if (w->extractor)
        return w->extractor;
    if (!w->own_extractor) {
        char *err = nullptr;
        newsidx_status_t st = newsidx_extractor_new(nullptr, &w->own_extractor, &err);
        std::string why = err ? err : newsidx_status_to_string(st);
        free(err);
        if (st != NEWSIDX_OK)
            throw Failure(st, "joining a story's parts: " + why);
    }
    return w->own_extractor;
}

/* A story sent in parts, joined with what is stored (takes.cc): the
 * document to write instead of d, or nullptr; *joined the ids of parts
 * stored alone that it takes in. */
static nx_doc_t *join_stored_parts(newsidx_writer_t *w, const nx_doc_t *d,
                                   std::vector<std::string> &joined)
{
    if (!d->in_parts)
        return nullptr;
    WriterParts store(w);
    bool other_day = false;
    nx_doc_t *whole = join_parts(store, d, extractor_of(w), &w->config, joined, &other_day);
    if (whole) {
        w->joined += !other_day;
        w->other_day += other_day;
        w->absorbed += joined.size();
    }
    return whole;
}

/* Queues an item for a lane, waiting for room. */
static void lane_push(Part &p, LaneItem &&it)
{
    std::unique_lock<std::mutex> lk(p.lane->mu);
    p.lane->done_cv.wait(lk, [&] { return p.lane->q.size() < LANE_QUEUE; });
    p.lane->q.push_back(std::move(it));
    p.lane->work_cv.notify_one();
}

/* During a bulk load: the parts a story took in are deleted by the
 * lanes that wrote them; the story's record is kept for later parts. */
static void bulk_parts(newsidx_writer_t *w, const nx_doc_t *d,
                       const std::vector<std::string> &joined)
{
    for (auto &idterm : joined) {
        w->part_records.erase(idterm);
        LaneItem it;
        it.idterm = idterm;
        it.remove = true;
        lane_push(part_for(w, idterm.substr(1)), std::move(it));
    }
    if (d->in_parts)
        w->part_records[d->idterm] = d->doc.get_data();
}

extern "C" void nx_writer_set_extractor(newsidx_writer_t *w,
                                        const newsidx_extractor_t *x) noexcept
{
    w->extractor = x;
}

extern "C" uint64_t nx_writer_take_joined(newsidx_writer_t *w, uint64_t *absorbed,
                                          uint64_t *other_day) noexcept
{
    uint64_t n = w->joined;
    *absorbed = w->absorbed;
    *other_day = w->other_day;
    w->joined = w->absorbed = w->other_day = 0;
    return n;
}

extern "C" newsidx_status_t nx_writer_add_doc(newsidx_writer_t *w, nx_doc_t *d,
                                              bool *replaced) noexcept
{
    return guard(w->error, [&]() {
        check_open(w);
        std::vector<std::string> joined;
        std::unique_ptr<nx_doc_t, void (*)(nx_doc_t *)> whole(join_stored_parts(w, d, joined),
                                                              nx_doc_free);
        if (whole)
            d = whole.get();
        if (w->bulk) {
            assign_story(w, d);
            bulk_parts(w, d, joined);
            return lane_add(w, d, replaced);
        }
        /* Test-only fault hook (doc/reliability.md): the article with
         * the id $NEWSIDX_FAULT_ADD fails to be written. */
        const char *fault = getenv("NEWSIDX_FAULT_ADD");
        if (fault && *fault && d->idterm.compare(1, std::string::npos, fault) == 0)
            throw Xapian::DatabaseError("injected failure ($NEWSIDX_FAULT_ADD)");
        Part &p = part_for(w, d->idterm.substr(1));
        if (!reopen_closed(w, p, w->error))
            return NEWSIDX_ERR_UNAVAILABLE;
        bool existed, same;
        if (stored_is_newer(p.db, d->idterm, d->doc, &existed, &same)) {
            w->kept++;
            if (replaced)
                *replaced = false;
            return NEWSIDX_OK;
        }
        begin_batch(p);
        assign_story(w, d);
        p.db.replace_document(d->idterm, d->doc);
        for (auto &idterm : joined) {
            Part &alone = part_for(w, idterm.substr(1));
            begin_batch(alone);
            alone.db.delete_document(idterm);
        }
        if (replaced)
            *replaced = existed && !same;
        w->duplicates += existed && same;
        w->pending++;
        for (auto &word : d->words)
            p.spelling[word]++;
        alias_count(p.aliases, d->aliases);
        return NEWSIDX_OK;
    });
}

extern "C" newsidx_status_t newsidx_writer_delete(newsidx_writer_t *w, const char *id) noexcept
{
    return guard(w->error, [&]() {
        check_open(w);
        if (w->bulk)
            throw Failure(NEWSIDX_ERR_ARG, "no deletions during a bulk load");
        std::string idterm = std::string(PREFIX_ID) + id;
        Part &p = part_for(w, id);
        if (!reopen_closed(w, p, w->error))
            return NEWSIDX_ERR_UNAVAILABLE;
        if (!p.db.term_exists(idterm))
            throw Failure(NEWSIDX_ERR_NOT_FOUND, std::string("no article with id '") + id + "'");
        begin_batch(p);
        p.db.delete_document(idterm);
        w->pending++;
        return NEWSIDX_OK;
    });
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

/* ------------------------------------------------------------------ */
/* Bulk loads                                                           */
/* ------------------------------------------------------------------ */

/* Xapian writes one database from one thread, and on two cores adding
 * documents is most of the work of an import.  A bulk load into an empty
 * database therefore writes N parts at once, each from its own thread:
 * the database itself and N-1 staging databases beside it, an article
 * going to the part its id hashes to (so an id added twice replaces
 * itself).  Every batch commits all parts; at the end they are merged
 * by Xapian's compactor into one compact database swapped in for the
 * first.  Killed before that, the staging databases stay, committed;
 * readers search them too and the next writer merges them (store.hh). */

static void lane_main(Part *p)
{
    Lane &L = *p->lane;
    std::unique_lock<std::mutex> lk(L.mu);
    for (;;) {
        L.work_cv.wait(lk, [&] { return !L.q.empty() || L.commit_asked || L.stop; });
        std::exception_ptr fail;
        if (!L.q.empty()) {
            LaneItem it = std::move(L.q.front());
            L.q.pop_front();
            L.done_cv.notify_all();
            lk.unlock();
            bool existed = false, newer = false, same = false;
            try {
                if (it.remove) {
                    /* a part joined to its story: counted as neither */
                    begin_batch(*p);
                    p->db.delete_document(it.idterm);
                } else if (!it.story.empty()) {
                    /* written before, its story since decided again */
                    Xapian::PostingIterator pl = p->db.postlist_begin(it.idterm);
                    if (pl != p->db.postlist_end(it.idterm))
                        restory(*p, *pl, p->db.get_document(*pl), it.story);
                    it.remove = true;   /* nothing more to write */
                } else {
                    newer = stored_is_newer(p->db, it.idterm, it.doc, &existed, &same);
                }
                if (!newer && !it.remove) {
                    begin_batch(*p);
                    p->db.replace_document(it.idterm, it.doc);
                    for (auto &word : it.words)
                        p->spelling[word]++;
                    alias_count(p->aliases, it.aliases);
                }
            } catch (...) {
                fail = std::current_exception();
            }
            it = LaneItem();
            lk.lock();
            L.replaced += existed && !newer && !same;
            L.duplicates += existed && !newer && same;
            L.kept += newer;
        } else if (L.commit_asked) {
            std::unordered_map<std::string, Xapian::termcount> handed;
            handed.swap(L.spelling_in);
            lk.unlock();
            try {
                if (L.writes_spelling)
                    for (auto &e : handed)
                        p->spelling[e.first] += e.second;
                handed.clear();
                commit_batch(*p, L.writes_spelling);
            } catch (...) {
                fail = std::current_exception();
            }
            lk.lock();
            L.commit_asked = false;
            L.done_cv.notify_all();
        } else {
            return;                     /* stopped, queue empty */
        }
        if (fail && !L.failed) {
            L.failed = true;
            try {
                L.error = p->spec.name + ": " + message_of(fail);
            } catch (...) {
                /* failed says it; lane_error() names it */
            }
        }
    }
}

/* The first failure of a lane, "" when it has none; called under its lock. */
static std::string lane_error(const Part &p)
{
    if (!p.lane->failed)
        return "";
    return p.lane->error.empty() ? p.spec.name + ": a write failed" : p.lane->error;
}

static newsidx_status_t lane_add(newsidx_writer_t *w, nx_doc_t *d, bool *replaced)
{
    Part &p = part_for(w, d->idterm.substr(1));
    Lane &L = *p.lane;
    std::unique_lock<std::mutex> lk(L.mu);
    if (L.failed)
        throw Failure(NEWSIDX_ERR_XAPIAN, lane_error(p));
    L.done_cv.wait(lk, [&] { return L.q.size() < LANE_QUEUE; });
    /* Moved, not copied: Xapian's reference counts are not atomic, so
     * the document must have one owner, the lane. */
    L.q.push_back(LaneItem{std::move(d->idterm), std::move(d->doc), std::move(d->words),
                           std::move(d->aliases), false, std::string()});
    L.work_cv.notify_one();
    if (replaced)
        *replaced = false;              /* counted by the lane */
    w->pending++;
    return NEWSIDX_OK;
}

/* Asks the lanes of parts [from, to) to commit and waits for them.
 * Keeps the first error in err. */
static void lanes_commit_range(newsidx_writer_t *w, size_t from, size_t to, std::string &err)
{
    for (size_t i = from; i < to; i++) {
        std::lock_guard<std::mutex> lk(w->parts[i].lane->mu);
        w->parts[i].lane->commit_asked = true;
        w->parts[i].lane->work_cv.notify_one();
    }
    for (size_t i = from; i < to; i++) {
        Lane &L = *w->parts[i].lane;
        std::unique_lock<std::mutex> lk(L.mu);
        L.done_cv.wait(lk, [&] { return !L.commit_asked; });
        if (err.empty())
            err = lane_error(w->parts[i]);
        w->bulk_replaced += L.replaced;
        L.replaced = 0;
        w->kept += L.kept;
        L.kept = 0;
        w->duplicates += L.duplicates;
        L.duplicates = 0;
    }
}

/* Each lane commits its part: the staging parts first, then the
 * database, which alone writes the spelling table: the words the other
 * lanes counted are handed to it once they are idle.  With every part
 * writing its own, the compactor had to merge the parts' spelling
 * tables entry by entry at the end (inflating and deflating each), and
 * each commit rewrote the same fragments in every part.  "" or the
 * first error. */
static std::string lanes_commit(newsidx_writer_t *w)
{
    std::string err;
    lanes_commit_range(w, 1, w->parts.size(), err);
    Lane &first = *w->parts[0].lane;
    {
        /* The other lanes wait for work, their queues empty: their maps
         * are this thread's to read. */
        std::lock_guard<std::mutex> lk(first.mu);
        for (size_t i = 1; i < w->parts.size(); i++) {
            for (auto &e : w->parts[i].spelling)
                first.spelling_in[e.first] += e.second;
            w->parts[i].spelling.clear();
        }
    }
    lanes_commit_range(w, 0, 1, err);
    return err;
}

static void lanes_stop(newsidx_writer_t *w)
{
    for (auto &p : w->parts) {
        if (!p.lane)
            continue;
        {
            std::lock_guard<std::mutex> lk(p.lane->mu);
            p.lane->stop = true;
            p.lane->work_cv.notify_one();
        }
        p.lane->thread.join();
        p.lane.reset();
    }
}

/* Rewrites the database of p, held by this writer, as a compact copy
 * swapped in atomically; the old one, still locked, ends up under the
 * temporary name and is removed.  Given staging databases, the copy
 * merges them in and is marked with their tokens before the swap, so a
 * crash leaves each article once: before the swap in its staging
 * database, after it in the database, the marked staging databases then
 * only waiting to be removed.  false, with why, when the swap fails. */
static bool compact_into(Part &p, const std::vector<std::string> &staging, std::string &why)
{
    const std::string &path = p.spec.name;
    std::string tmp = path + ".compact-" + std::to_string(getpid());
    remove_dir(tmp);
    {
        Xapian::Database src(path);
        for (auto &d : staging)
            src.add_database(Xapian::Database(d));
        /* One database keeps its document numbers; several need new ones,
         * and the counts of their alias tables added up. */
        AliasCompactor merge_aliases;
        src.compact(tmp, staging.empty() ? Xapian::DBCOMPACT_NO_RENUMBER : 0, 0, merge_aliases);
    }
    if (!staging.empty()) {
        Xapian::WritableDatabase out(tmp, Xapian::DB_OPEN);
        for (auto &d : staging)
            out.set_metadata("newsidx.merged." + staging_token(d), "1");
        out.commit();
    }
    if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) != 0) {
        why = std::string("cannot swap in the compacted database: ") + strerror(errno);
        remove_dir(tmp);
        return false;
    }
    p.db.close();
    remove_dir(tmp);
    for (auto &d : staging)
        remove_dir(d);
    p.db = Xapian::WritableDatabase(path, Xapian::DB_OPEN);
    write_owner(path);
    return true;
}

static void merge_into(Part &p, const std::vector<std::string> &staging)
{
    std::string why;
    if (!compact_into(p, staging, why))
        throw Failure(NEWSIDX_ERR_IO, why);
}

/* What a killed bulk load left: merged now, before anything else. */
static void recover_staging(Part &p)
{
    std::vector<std::string> left;
    for (auto &d : staging_dirs(p.spec.name)) {
        if (staging_merged(p.db, d))
            remove_dir(d);
        else
            left.push_back(d);
    }
    if (!left.empty())
        merge_into(p, left);
}

static std::string staging_name(const newsidx_writer_t *w, unsigned i)
{
    return w->path + ".staging-" + std::to_string(i);
}

/* Closes the staging parts; their directories stay.  Their names. */
static std::vector<std::string> drop_staging(newsidx_writer_t *w)
{
    std::vector<std::string> names;
    for (size_t i = 1; i < w->parts.size(); i++)
        names.push_back(w->parts[i].spec.name);
    w->parts.resize(1);
    return names;
}

/* A new staging database beside the writer's, with its token file. */
static Part new_staging(const std::string &dir)
{
    remove_dir(dir);
    Part p;
    p.spec.name = dir;
    p.db = Xapian::WritableDatabase(dir, Xapian::DB_CREATE_OR_OVERWRITE);
    char token[40];
    uint64_t h = nx_hash64(dir.data(), dir.size(), NX_HASH64_INIT);
    double now = nx_now();
    h = nx_hash64(&now, sizeof now, h);
    long pid = (long)getpid();
    h = nx_hash64(&pid, sizeof pid, h);
    snprintf(token, sizeof token, "%016llx", (unsigned long long)h);
    FILE *fp = fopen((dir + "/newsidx.staging").c_str(), "w");
    bool written = fp && fprintf(fp, "%s\n", token) >= 0;
    if ((fp && fclose(fp) != 0) || !written)
        throw Failure(NEWSIDX_ERR_IO, "cannot write " + dir + "/newsidx.staging");
    return p;
}

extern "C" bool nx_writer_bulk(newsidx_writer_t *w, unsigned n) noexcept
{
    if (n < 2 || w->bulk || w->parts.size() != 1 || w->path.empty() || w->pending)
        return false;
    bool started = false;
    std::string detail;
    newsidx_status_t st = guard(detail, [&]() {
        if (w->parts[0].db.get_doccount() != 0)
            return NEWSIDX_END;         /* not empty: no bulk load */
        started = true;
        for (unsigned i = 1; i < n; i++)
            w->parts.push_back(new_staging(staging_name(w, i)));
        for (auto &p : w->parts) {
            p.lane.reset(new Lane);
            p.lane->writes_spelling = &p == &w->parts[0];
            p.lane->thread = std::thread(lane_main, &p);
        }
        w->bulk = true;
        return NEWSIDX_OK;
    });
    if (st == NEWSIDX_OK || !started)
        return st == NEWSIDX_OK;
    /* Undone, outside the failure's catch: what it throws is caught too. */
    guard(detail, [&]() {
        lanes_stop(w);
        drop_staging(w);
        for (unsigned i = 1; i < n; i++)
            remove_dir(staging_name(w, i));
        return NEWSIDX_OK;
    });
    return false;
}

extern "C" uint64_t newsidx_writer_take_duplicates(newsidx_writer_t *w) noexcept
{
    uint64_t n = w->duplicates;
    w->duplicates = 0;
    return n;
}

extern "C" uint64_t newsidx_writer_take_kept(newsidx_writer_t *w) noexcept
{
    uint64_t n = w->kept;
    w->kept = 0;
    return n;
}

extern "C" uint64_t nx_writer_take_replaced(newsidx_writer_t *w) noexcept
{
    uint64_t n = w->bulk_replaced;
    w->bulk_replaced = 0;
    return n;
}

/* The end of a bulk load: every part committed, the staging databases
 * merged into the first, one writer again.  Runs inside a guard. */
static newsidx_status_t end_bulk(newsidx_writer_t *w)
{
    std::string err = lanes_commit(w);
    lanes_stop(w);
    w->bulk = false;
    w->stories.clear();
    std::vector<std::string> staging = drop_staging(w);
    /* What was committed stays in the staging databases, for the next
     * writer to merge. */
    if (!err.empty())
        throw Failure(NEWSIDX_ERR_XAPIAN, err);
    merge_into(w->parts[0], staging);
    w->pending = 0;
    return NEWSIDX_OK;
}

/* A database a failure closed is opened again before its next use;
 * false (with detail) while it cannot be. */
static bool reopen_closed(newsidx_writer_t *w, Part &p, std::string &detail) noexcept
{
    if (!p.closed)
        return true;
    newsidx_status_t st = guard(detail, [&]() {
        p.db = Xapian::WritableDatabase();
        p.in_batch = false;
        return open_local(p, NEWSIDX_WRITER_WAIT, &w->config, detail);
    });
    if (st != NEWSIDX_OK)
        return false;
    p.closed = false;
    return true;
}

/* Test-only fault hook (doc/reliability.md): while the file named by
 * $NEWSIDX_FAULT_COMMIT exists, every commit fails as a full disk would,
 * after the changes reached Xapian: what a failed commit leaves behind
 * can then be checked. */
static bool fault_commit()
{
    const char *f = getenv("NEWSIDX_FAULT_COMMIT");
    return f && *f && access(f, F_OK) == 0;
}

/* Drops every change made since the last commit.  Xapian has no call for
 * that, but cancelling a transaction cancels all that is pending, what
 * came before the transaction included.  The database is then opened
 * again, as a failed commit may have closed it (or on its next use,
 * while it cannot be). */
extern "C" void nx_writer_discard(newsidx_writer_t *w) noexcept
{
    if (w->bulk)
        return;
    for (auto &p : w->parts) {
        p.spelling.clear();
        p.aliases.clear();
        try {
            /* cancelling a transaction drops all that is pending */
            if (!p.in_batch)
                p.db.begin_transaction(false);
            p.in_batch = false;
            p.db.cancel_transaction();
        } catch (...) {
            /* closed by the failure: a fresh handle below */
        }
        if (p.spec.remote)
            continue;
        /* A failed commit may have closed it, and nothing says so
         * before the next write fails: always a fresh handle. */
        p.closed = true;
        std::string detail;
        if (!reopen_closed(w, p, detail)) {
            try {
                w->error += "; reopening after the failure: " + detail;
            } catch (...) {
                /* the first message stays */
            }
        }
    }
    w->pending = 0;
}

/* Shards commit one after another: each commit is atomic, but a crash
 * between two leaves the first committed and the second not, which the
 * next import (ids replace) repairs.  A failed commit leaves nothing
 * pending: what it held is dropped, never saved by a later commit. */
extern "C" newsidx_status_t newsidx_writer_commit(newsidx_writer_t *w) noexcept
{
    newsidx_status_t st = guard(w->error, [&]() {
        check_open(w);
        if (w->bulk) {
            std::string err = lanes_commit(w);
            if (!err.empty())
                throw Failure(NEWSIDX_ERR_XAPIAN, err);
        } else {
            if (fault_commit())
                throw Xapian::DatabaseError("injected failure ($NEWSIDX_FAULT_COMMIT)");
            for (auto &p : w->parts)
                commit_batch(p);
        }
        w->pending = 0;
        return NEWSIDX_OK;
    });
    if (st != NEWSIDX_OK && !w->closed)
        nx_writer_discard(w);           /* (not during a bulk load) */
    return st;
}

extern "C" unsigned newsidx_writer_pending(const newsidx_writer_t *w) noexcept
{
    return w->pending;
}

extern "C" const char *newsidx_writer_error(const newsidx_writer_t *w) noexcept
{
    return w->error.empty() ? nullptr : w->error.c_str();
}

extern "C" uint64_t nx_writer_doccount(newsidx_writer_t *w) noexcept
{
    uint64_t n = 0;
    std::string detail;
    newsidx_status_t st = guard(detail, [&]() {
        for (auto &p : w->parts)
            n += p.db.get_doccount();
        return NEWSIDX_OK;
    });
    return st == NEWSIDX_OK ? n : 0;
}

extern "C" newsidx_status_t newsidx_writer_compact(newsidx_writer_t *w) noexcept
{
    return guard(w->error, [&]() {
        check_open(w);
        if (w->bulk)
            return end_bulk(w);         /* the merge compacts */
        newsidx_status_t st = newsidx_writer_commit(w);
        if (st != NEWSIDX_OK)
            return st;
        /* Remote shards are compacted where they live (xapian-compact). */
        for (auto &p : w->parts)
            if (!p.spec.remote && !compact_into(p, {}, w->error))
                return NEWSIDX_ERR_IO;
        return NEWSIDX_OK;
    });
}

/* The last commit, the staging databases merged, the lock given back;
 * the handle stays, with the error, until newsidx_writer_destroy(). */
extern "C" newsidx_status_t newsidx_writer_close(newsidx_writer_t *w) noexcept
{
    if (!w)
        return NEWSIDX_OK;
    if (w->closed)
        return w->close_status;
    newsidx_status_t st = w->bulk ? guard(w->error, [&]() { return end_bulk(w); })
                                  : newsidx_writer_commit(w);
    /* A lane still running (end_bulk failed before it stopped them)
     * would end the process when its thread is destroyed. */
    std::string detail;
    guard(detail, [&]() {
        lanes_stop(w);
        return NEWSIDX_OK;
    });
    for (auto &p : w->parts) {
        newsidx_status_t part_st = guard(detail, [&]() {
            if (!p.spec.remote)
                unlink(owner_path(p.spec.name).c_str());
            p.db.close();
            return NEWSIDX_OK;
        });
        if (st == NEWSIDX_OK && part_st != NEWSIDX_OK) {
            st = part_st;
            w->error.swap(detail);
        }
    }
    w->closed = true;
    w->close_status = st;
    return st;
}

extern "C" newsidx_status_t newsidx_writer_destroy(newsidx_writer_t *w) noexcept
{
    newsidx_status_t st = newsidx_writer_close(w);
    delete w;
    return st;
}
