/* shards.cc - an index spread over several databases, some of them
 * perhaps remote (xapian-tcpsrv), searched as one by Xapian itself:
 * shard names, placement of articles, and shards that stop answering. */
#include "config.h"

#include "guard.hh"

#include <cctype>
#include <chrono>
#include <system_error>

namespace nx {

/* "host:port" -> host and port; false for anything else (a path). */
static bool host_port(const std::string &t, std::string &host, unsigned &port)
{
    size_t colon = t.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= t.size() ||
        t.find('/') != std::string::npos || t.size() - colon - 1 > 5)
        return false;
    for (size_t i = colon + 1; i < t.size(); i++)
        if (!isdigit(static_cast<unsigned char>(t[i])))
            return false;
    host = t.substr(0, colon);
    port = static_cast<unsigned>(std::stoul(t.substr(colon + 1)));
    return true;
}

ShardSpec parse_shard(const std::string &spec)
{
    ShardSpec s;
    std::vector<std::string> tok;
    std::string cur;
    for (char c : spec) {
        if (c == ' ' || c == '\t') {
            if (!cur.empty())
                tok.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty())
        tok.push_back(cur);
    if (tok.empty())
        return s;
    s.name = tok[0];
    s.remote = host_port(tok[0], s.host, s.port);
    s.write_host = s.host;
    s.write_port = s.port;
    if (s.remote && tok.size() > 1)
        host_port(tok[1], s.write_host, s.write_port);
    return s;
}

size_t shard_of(const std::string &id, size_t n)
{
    return n ? static_cast<size_t>(nx_hash64(id.data(), id.size(), NX_HASH64_INIT) % n) : 0;
}

Xapian::Database open_remote(const ShardSpec &s, double timeout)
{
    auto ms = static_cast<unsigned>(timeout * 1000);
    return Xapian::Remote::open(s.host, s.port, ms, ms);
}

Xapian::WritableDatabase open_remote_writable(const ShardSpec &s, double timeout)
{
    auto ms = static_cast<unsigned>(timeout * 1000);
    return Xapian::Remote::open_writable(s.write_host, s.write_port, ms, ms);
}

}  // namespace nx

using namespace nx;

/* How long a shard that stopped answering is left alone before it is
 * tried again. */
static const double RETRY_SECONDS = 2.0;
/* Times one read may lose a shard and go on without it. */
static const int MAX_SHARD_LOSSES = 3;

/* A shard that does not answer, left alone for a while. */
static void set_down(ReaderShard &s, const std::string &why)
{
    s.up = false;
    s.why = why;
    s.retry_at = nx_now() + RETRY_SECONDS;
}

static void rebuild(newsidx_db_t *h)
{
    h->db = Xapian::Database();
    h->pairs = true;
    h->quotes = true;
    for (auto &s : h->shards)
        if (s.up) {
            h->db.add_database(s.db);
            h->pairs = h->pairs && nx::format_of(s.db) >= 2;
            h->quotes = h->quotes && nx::format_of(s.db) >= 3;
        }
}

/* One try to open a shard: never throws (it runs on a thread of its
 * own, where nothing would catch). */
static ShardTry try_shard(const ShardSpec &spec, double timeout) noexcept
{
    ShardTry t;
    try {
        t.db = spec.remote ? open_remote(spec, timeout) : Xapian::Database(spec.name);
        t.db.get_doccount();
        t.ok = true;
    } catch (const Xapian::Error &e) {
        t.why = e.get_msg();
    } catch (const std::exception &e) {
        t.why = e.what();
    } catch (...) {
        t.why = "unknown exception";
    }
    return t;
}

/* The outcome of a try: true when the shard answers again. */
static bool take_try(ReaderShard &s, ShardTry &t)
{
    if (!t.ok) {
        set_down(s, t.why);
        return false;
    }
    s.db = std::move(t.db);
    s.up = true;
    s.why.clear();
    return true;
}

/* Starts a try on a thread of its own; false when no thread could be
 * started (the shard stays down until its next turn). */
static bool start_try(ReaderShard &s, double timeout)
{
    try {
        s.trying = std::make_shared<std::future<ShardTry>>(
            std::async(std::launch::async, try_shard, s.spec, timeout));
        return true;
    } catch (const std::system_error &e) {
        set_down(s, std::string("cannot start a thread to try it: ") + e.what());
        return false;
    }
}

bool nx_db_refresh_shards(newsidx_db_t *h, bool wait)
{
    bool changed = false;
    double now = nx_now();
    for (auto &s : h->shards) {
        if (s.up)
            continue;
        if (s.trying) {
            if (!wait && s.trying->wait_for(std::chrono::seconds(0)) != std::future_status::ready)
                continue;
            ShardTry t = s.trying->get();
            s.trying.reset();
            changed = take_try(s, t) || changed;
        } else if (now >= s.retry_at) {
            if (wait || !s.spec.remote) {
                ShardTry t = try_shard(s.spec, h->config.shard_timeout);
                changed = take_try(s, t) || changed;
            } else {
                start_try(s, h->config.shard_timeout);
            }
        }
    }
    if (changed)
        rebuild(h);
    return changed;
}

bool nx_db_drop_failed_shards(newsidx_db_t *h)
{
    /* Every remote shard gets a new connection, not only the one that
     * failed: a match talks to all of them at once, and the exception
     * left the others' replies unread on their connections. */
    bool dropped = false;
    for (auto &s : h->shards) {
        if (!s.up || !s.spec.remote)
            continue;
        try {
            s.db = open_remote(s.spec, h->config.shard_timeout);
            s.db.get_doccount();
        } catch (const Xapian::Error &e) {
            set_down(s, e.get_msg());
            dropped = true;
        }
    }
    rebuild(h);
    return dropped;
}

std::vector<std::string> nx_db_missing_shards(const newsidx_db_t *h)
{
    std::vector<std::string> v;
    for (auto &s : h->shards)
        if (!s.up)
            v.push_back(s.spec.name);
    return v;
}

static std::string down_message(const newsidx_db_t *h, const std::vector<std::string> &missing,
                                const char *hint)
{
    std::string m = "shard " + join(missing) + " does not answer";
    if (missing.size() == h->shards.size())
        m += ": no shard answers";
    else if (hint)
        m += std::string(" (") + hint + ")";
    return m;
}

bool nx_db_shards_ready(newsidx_db_t *h, bool partial, const char *hint)
{
    if (h->shards.empty())
        return true;
    nx_db_refresh_shards(h, false);
    std::vector<std::string> missing = nx_db_missing_shards(h);
    if (missing.empty() || (partial && missing.size() < h->shards.size()))
        return true;
    h->error = down_message(h, missing, hint);
    return false;
}

bool nx_db_shard_failed(newsidx_db_t *h, const std::string &why, bool partial, int attempt,
                        const char *hint)
{
    bool dropped = !h->shards.empty() && nx_db_drop_failed_shards(h);
    std::vector<std::string> missing = nx_db_missing_shards(h);
    if (dropped && partial && attempt < MAX_SHARD_LOSSES && missing.size() < h->shards.size())
        return true;
    h->error = missing.empty() ? why : down_message(h, missing, hint);
    return false;
}

extern "C" size_t newsidx_db_shard_count(const newsidx_db_t *h) noexcept
{
    return h->shards.size();
}

extern "C" newsidx_status_t newsidx_db_shard_info(newsidx_db_t *h, size_t i, const char **name,
                                                  bool *up, uint64_t *documents) noexcept
{
    if (i >= h->shards.size())
        return NEWSIDX_ERR_ARG;
    return guard(h->error, [&]() {
        ReaderShard &s = h->shards[i];
        bool lost = false;
        std::string why;
        try {
            /* a remote shard's count is the one it sent when opened */
            if (s.up && s.spec.remote)
                s.db.keep_alive();
            if (s.up)
                *documents = s.db.get_doccount();
        } catch (const Xapian::Error &e) {
            lost = true;
            why = e.get_msg();
        }
        if (lost) {
            set_down(s, why);
            rebuild(h);
            *documents = 0;
        }
        *name = s.spec.name.c_str();
        *up = s.up;
        return NEWSIDX_OK;
    }, *name, *up, *documents);
}
