/* aliastable.cc - the alias table: other forms of speakers' names, as
 * the index has seen them, so that one body or person has one name
 * across the archive ("Fed", "U.S. Federal Reserve" -> "Federal
 * Reserve"; "Bank of America" -> "Bank of America Corp").
 *
 * Extraction links the forms one article uses and the hand list's short
 * forms (src/lib/extract/aliases.c): newsidx_article_t.aliases.  The
 * writer counts those links per batch and, at each commit, adds them to
 * the database's metadata, one key per alias:
 *
 *     newsidx.alias.ALIAS (lower case) = "COUNT\tNAME\n" for each name
 *                                         the alias was linked to
 *
 * so the table grows with the index.  A bulk load writes each part's
 * links into that part; the compactor that merges the parts adds the
 * counts of a key found in several (AliasCompactor).  Readers load the
 * table once per revision: an alias stands for the name it was linked to
 * most often, followed from name to name (a name may be an alias of a
 * fuller one), and each name has all its forms for filters and queries. */
#include "config.h"

#include "guard.hh"
#include "quotes.hh"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace nx {

/* ---- the metadata value ---- */

static void parse_counts(const std::string &v, std::map<std::string, uint64_t> &into)
{
    size_t at = 0;
    while (at < v.size()) {
        size_t nl = v.find('\n', at);
        if (nl == std::string::npos)
            nl = v.size();
        size_t tab = v.find('\t', at);
        if (tab != std::string::npos && tab < nl) {
            uint64_t n = strtoull(v.c_str() + at, nullptr, 10);
            into[v.substr(tab + 1, nl - tab - 1)] += n ? n : 1;
        }
        at = nl + 1;
    }
}

static std::string format_counts(const std::map<std::string, uint64_t> &counts)
{
    std::string v;
    for (auto &c : counts)
        v += std::to_string(c.second) + "\t" + c.first + "\n";
    return v;
}

void alias_links(const newsidx_article_t *a, std::vector<std::pair<std::string, std::string>> &out)
{
    for (size_t i = 0; i < a->n_aliases; i++) {
        const newsidx_alias_t *l = &a->aliases[i];
        if (!l->alias || !l->name || !*l->alias || !*l->name)
            continue;
        std::string key = lower(l->alias);
        if (key == lower(l->name) || key.size() > 200)
            continue;
        out.emplace_back(key, l->name);
    }
}

void alias_count(AliasCounts &pending, const std::vector<std::pair<std::string, std::string>> &links)
{
    for (auto &l : links)
        pending[l.first][l.second]++;
}

void alias_flush(Xapian::WritableDatabase &db, AliasCounts &pending)
{
    for (auto &e : pending) {
        std::string key = META_ALIAS + e.first;
        std::map<std::string, uint64_t> counts;
        parse_counts(db.get_metadata(key), counts);
        for (auto &c : e.second)
            counts[c.first] += c.second;
        db.set_metadata(key, format_counts(counts));
    }
    pending.clear();
}

std::string AliasCompactor::resolve_duplicate_metadata(const std::string &key, size_t num_tags,
                                                       const std::string tags[])
{
    /* Xapian 1.4 passes the key as its tables store it, after two bytes
     * that mark user metadata ("\0\xc0"). */
    size_t at = key.find(META_ALIAS);
    if (at == std::string::npos || at > 2)
        return Xapian::Compactor::resolve_duplicate_metadata(key, num_tags, tags);
    std::map<std::string, uint64_t> counts;
    for (size_t i = 0; i < num_tags; i++)
        parse_counts(tags[i], counts);
    return format_counts(counts);
}

/* ---- the table readers use ---- */

/* The name an alias was linked to most often (the first in order among
 * equals). */
static std::string best_of(const std::map<std::string, uint64_t> &counts)
{
    std::string best;
    uint64_t most = 0;
    for (auto &c : counts)
        if (c.second > most) {
            most = c.second;
            best = c.first;
        }
    return best;
}

void AliasTable::build(const std::map<std::string, std::map<std::string, uint64_t>> &links)
{
    std::unordered_map<std::string, std::string> direct;
    for (auto &l : links)
        direct[l.first] = best_of(l.second);
    for (auto &d : direct) {
        /* follow "bofa" -> "Bank of America" -> "Bank of America Corp" */
        std::string name = d.second;
        for (int step = 0; step < 8; step++) {
            auto next = direct.find(lower(name));
            if (next == direct.end() || lower(next->second) == d.first ||
                lower(next->second) == lower(name))
                break;
            name = next->second;
        }
        canonical[d.first] = name;
    }
    for (auto &c : canonical) {
        std::vector<std::string> &f = forms[lower(c.second)];
        if (f.empty())
            f.push_back(lower(c.second));
        f.push_back(c.first);
    }
}

std::string AliasTable::name_of(const std::string &name) const
{
    auto c = canonical.find(lower(name));
    return c == canonical.end() ? name : c->second;
}

std::vector<std::string> AliasTable::forms_of(const std::string &name) const
{
    std::string key = lower(name_of(name));
    auto f = forms.find(key);
    if (f == forms.end())
        return {lower(name)};
    return f->second;
}

static void read_links(const Xapian::Database &db,
                       std::map<std::string, std::map<std::string, uint64_t>> &links)
{
    size_t n = strlen(META_ALIAS);
    for (auto k = db.metadata_keys_begin(META_ALIAS); k != db.metadata_keys_end(META_ALIAS); ++k)
        parse_counts(db.get_metadata(*k), links[(*k).substr(n)]);
}

/* What tells that the database changed since the table was read. */
static std::string revision_key(const newsidx_db_t *h)
{
    std::string key = std::to_string(h->db.get_doccount()) + ":" +
                      std::to_string(h->db.get_lastdocid());
    if (h->shards.empty() && h->staging.empty()) {
        try {
            key += ":" + std::to_string(h->db.get_revision());
        } catch (const Xapian::InvalidOperationError &) {
            /* a stub of several databases has no one revision */
        }
    }
    return key;
}

std::shared_ptr<const AliasTable> aliases_of(newsidx_db_t *h)
{
    std::string rev = revision_key(h);
    if (h->alias_table && h->alias_revision == rev)
        return h->alias_table;
    std::map<std::string, std::map<std::string, uint64_t>> links;
    if (!h->shards.empty()) {
        for (auto &s : h->shards)
            if (s.up)
                read_links(s.db, links);
    } else {
        read_links(h->db, links);
        for (auto &d : h->staging)
            read_links(Xapian::Database(d), links);
    }
    auto t = std::make_shared<AliasTable>();
    t->build(links);
    h->alias_table = t;
    h->alias_revision = rev;
    return t;
}

}  // namespace nx
