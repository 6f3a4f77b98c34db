/* shards.cc - an index spread over several databases, some of them
 * perhaps remote (xapian-tcpsrv), searched as one by Xapian itself:
 * shard names, placement of articles, and shards that stop answering. */
#include "config.h"

#include "store.hh"

#include <cctype>

namespace nx {

ShardSpec parse_shard(const std::string &spec)
{
    ShardSpec s;
    size_t b = spec.find_first_not_of(" \t"), e = spec.find_last_not_of(" \t");
    s.name = b == std::string::npos ? std::string() : spec.substr(b, e - b + 1);
    size_t colon = s.name.rfind(':');
    if (colon != std::string::npos && colon > 0 && colon + 1 < s.name.size() &&
        s.name.find('/') == std::string::npos) {
        std::string port = s.name.substr(colon + 1);
        bool digits = true;
        for (char c : port)
            digits = digits && isdigit(static_cast<unsigned char>(c));
        if (digits && port.size() <= 5) {
            s.remote = true;
            s.host = s.name.substr(0, colon);
            s.port = static_cast<unsigned>(std::stoul(port));
        }
    }
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
    return Xapian::Remote::open_writable(s.host, s.port, ms, ms);
}

}  // namespace nx

using namespace nx;

/* How long a shard that stopped answering is left alone before it is
 * tried again. */
static const double RETRY_SECONDS = 2.0;

static void rebuild(newsidx_db_t *h)
{
    h->db = Xapian::Database();
    for (auto &s : h->shards)
        if (s.up)
            h->db.add_database(s.db);
}

bool nx_db_refresh_shards(newsidx_db_t *h)
{
    bool changed = false;
    double now = nx_now();
    for (auto &s : h->shards) {
        if (s.up || now < s.retry_at)
            continue;
        try {
            s.db = s.spec.remote ? open_remote(s.spec, h->config.shard_timeout)
                                 : Xapian::Database(s.spec.name);
            s.db.get_doccount();
            s.up = true;
            s.why.clear();
            changed = true;
        } catch (const Xapian::Error &e) {
            s.why = e.get_msg();
            s.retry_at = now + RETRY_SECONDS;
        }
    }
    if (changed)
        rebuild(h);
    return changed;
}

bool nx_db_drop_failed_shards(newsidx_db_t *h)
{
    bool dropped = false;
    for (auto &s : h->shards) {
        if (!s.up || !s.spec.remote)
            continue;
        try {
            s.db.reopen();
            s.db.get_doccount();
        } catch (const Xapian::Error &e) {
            s.up = false;
            s.why = e.get_msg();
            s.retry_at = nx_now() + RETRY_SECONDS;
            dropped = true;
        }
    }
    if (dropped)
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

extern "C" size_t newsidx_db_shard_count(const newsidx_db_t *h)
{
    return h->shards.size();
}

extern "C" newsidx_status_t newsidx_db_shard_info(newsidx_db_t *h, size_t i, const char **name,
                                                  bool *up, uint64_t *documents)
{
    if (i >= h->shards.size())
        return NEWSIDX_ERR_ARG;
    ReaderShard &s = h->shards[i];
    *name = s.spec.name.c_str();
    *documents = 0;
    try {
        if (s.up)
            *documents = s.db.get_doccount();
    } catch (const Xapian::Error &e) {
        s.up = false;
        s.why = e.get_msg();
        s.retry_at = nx_now() + RETRY_SECONDS;
        rebuild(h);
    }
    *up = s.up;
    return NEWSIDX_OK;
}
