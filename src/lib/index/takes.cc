/* takes.cc - stories sent in parts (the takes and adds of ANPA-1312 and
 * IPTC 7901), joined by the writer.
 *
 * A part that follows its story in one stream is joined by the reader
 * (wire.c); one that arrives alone, in another file or another import,
 * can only be joined here.  Every article of such a story carries the
 * story's id and the text of each part it holds (article->story and
 * ->parts, kept in the stored record).  So:
 *   - a part whose story is stored is put in its place among the stored
 *     story's parts, and the story is written again, extracted anew,
 *     under its own id (a copy of the part stored alone is removed);
 *   - a part whose story is not stored is written alone, under the id
 *     STORY/part-N, searchable on its own;
 *   - a story finds the parts stored alone before it (ids STORY/part-*),
 *     takes them in and has them removed; the same version of a story
 *     given again keeps the parts its stored copy had.
 * A newer version of the story (a write-through) is a whole new text:
 * the parts of the older one are not kept.
 *
 * A wire story's id holds the day it was sent (ANPA-1312 and IPTC 7901
 * have no other date): a write-through of yesterday's story sent after
 * midnight GMT has another id than the story it updates.  So a new
 * version (version above 0) that finds no story under its id looks for
 * the story of the same keyword sent the day before; when that one is
 * an older version sent at most a day before, the new version takes
 * its id and replaces it.  (A daily story under one slug, such as a
 * market report, is not replaced by today's first version: that is
 * version 0.)  The other way round, a story arriving after the newer
 * version sent the next day takes that one's id, and is not written
 * over it. */
#include "config.h"

#include "takes.hh"

#include <cstring>
#include <ctime>
#include <new>

namespace nx {

namespace {

using Article = std::unique_ptr<newsidx_article_t, void (*)(newsidx_article_t *)>;

Article unpack(const std::string &data)
{
    return Article(nx_docdata_unpack(data.data(), data.size(), true), newsidx_article_free);
}

bool has_part(const newsidx_article_t *a, unsigned number)
{
    for (size_t i = 0; i < a->n_parts; i++)
        if (a->parts[i].number == number)
            return true;
    return false;
}

/* The parts of from go into to; those to has already stay unless
 * replace. */
void add_parts(newsidx_article_t *to, const newsidx_article_t *from, bool replace)
{
    for (size_t i = 0; i < from->n_parts; i++) {
        const newsidx_part_t &p = from->parts[i];
        if (!replace && has_part(to, p.number))
            continue;
        if (!nx_article_add_part(to, p.number, p.body))
            throw std::bad_alloc();
    }
}

bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether old holds parts that a has not. */
bool more_parts(const newsidx_article_t *old, const newsidx_article_t *a)
{
    for (size_t i = 0; i < old->n_parts; i++)
        if (!has_part(a, old->parts[i].number))
            return true;
    return false;
}

/* The story joined: its body made from its parts, extracted again, as a
 * document. */
nx_doc_t *rebuild(newsidx_article_t *a, const newsidx_extractor_t *x,
                  const newsidx_config_t *cfg)
{
    char *body = nx_article_parts_body(a);
    if (!body)
        throw std::bad_alloc();
    free(a->body);
    a->body = body;
    if (newsidx_extract(x, a) != NEWSIDX_OK)
        throw std::bad_alloc();
    char *err = nullptr;
    nx_doc_t *d = nx_doc_build(a, cfg, &err);
    std::string why = err ? err : "out of memory";
    free(err);
    if (!d)
        throw Failure(NEWSIDX_ERR_INPUT, "joining the parts of story '" +
                                             std::string(a->story ? a->story : "") + "': " + why);
    return d;
}

/* "anpa:2013-11-14:BC-X" -> "anpa:2013-11-13:BC-X" (days -1): the id of
 * the story of the same keyword sent days later; "" when the id holds no
 * day (":YYYY-MM-DD:"). */
std::string other_day_id(const std::string &id, int days)
{
    for (size_t i = id.find(':'); i != std::string::npos; i = id.find(':', i + 1)) {
        int y, m, d;
        char sep;
        if (id.size() < i + 12 || id[i + 11] != ':' ||
            sscanf(id.c_str() + i + 1, "%4d-%2d-%2d%c", &y, &m, &d, &sep) != 4 || sep != ':')
            continue;
        struct tm tm = {};
        tm.tm_year = y - 1900;
        tm.tm_mon = m - 1;
        tm.tm_mday = d + days;
        tm.tm_hour = 12;
        time_t t = timegm(&tm);
        struct tm prev;
        if (t == (time_t)-1 || !gmtime_r(&t, &prev))
            return "";
        char day[40];
        snprintf(day, sizeof day, "%04d-%02d-%02d", prev.tm_year + 1900, prev.tm_mon + 1,
                 prev.tm_mday);
        return id.substr(0, i + 1) + day + id.substr(i + 11);
    }
    return "";
}

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ"; -1 when unreadable. */
time_t moment(const char *when)
{
    struct tm tm = {};
    if (!when || sscanf(when, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                        &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return (time_t)-1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

bool positive_version(const char *v)
{
    return v && *v && strspn(v, "0123456789") == strlen(v) && strspn(v, "0") != strlen(v);
}

/* Whether later was sent after first, at most a day after (both known). */
bool within_a_day(const newsidx_article_t *first, const newsidx_article_t *later)
{
    time_t t0 = moment(first->time), t1 = moment(later->time);
    return t0 != (time_t)-1 && t1 != (time_t)-1 && t1 >= t0 && t1 - t0 <= 24 * 3600;
}

/* The id of the version of a's story stored under the id of the day
 * before or after (see the head of the file), or "": the older one
 * sent the day before, the newer one sent the day after, at most a day
 * apart. */
std::string other_day_version(PartsStore &store, const newsidx_article_t *a)
{
    for (int days : {-1, 1}) {
        std::string other = other_day_id(a->story, days), data;
        if (other.empty() || !store.record(std::string(PREFIX_ID) + other, data))
            continue;
        Article old = unpack(data);
        if (!old)
            continue;
        const char *earlier = days < 0 ? old->version : a->version;
        const char *later = days < 0 ? a->version : old->version;
        if (!positive_version(later) || !is_older(earlier ? earlier : "", "", later, ""))
            continue;
        if (days < 0 ? within_a_day(old.get(), a) : within_a_day(a, old.get()))
            return other;
    }
    return "";
}

/* The stored story a part alone belongs to, into *out: the one under its
 * story's id, else the same keyword's story of the day before when the
 * part was sent at most a day after it (a take of yesterday's story sent
 * after midnight GMT has the next day in its id).  The story's id term,
 * or "" when neither is stored. */
std::string stored_story_of(PartsStore &store, const newsidx_article_t *part, Article &out)
{
    std::string data, term = std::string(PREFIX_ID) + part->story;
    if (store.record(term, data) && (out = unpack(data)))
        return term;
    std::string before = other_day_id(part->story, -1);
    if (before.empty())
        return "";
    term = std::string(PREFIX_ID) + before;
    if (store.record(term, data) && (out = unpack(data)) && within_a_day(out.get(), part))
        return term;
    out.reset();
    return "";
}

/* The parts stored alone under the next day's id of story a, sent at
 * most a day after it (the other order of stored_story_of()). */
void next_day_parts(PartsStore &store, const newsidx_article_t *a,
                    std::vector<std::pair<std::string, std::string>> &alone)
{
    std::string next = other_day_id(a->story, 1);
    if (next.empty())
        return;
    std::vector<std::pair<std::string, std::string>> found;
    store.records_from(std::string(PREFIX_ID) + next + "/part-", found);
    for (auto &r : found) {
        Article part = unpack(r.second);
        if (part && within_a_day(a, part.get()))
            alone.push_back(r);
    }
}

}  // namespace

nx_doc_t *join_parts(PartsStore &store, const nx_doc_t *d, const newsidx_extractor_t *x,
                     const newsidx_config_t *cfg, std::vector<std::string> &joined,
                     bool *other_day_id)
{
    *other_day_id = false;
    Article mine = unpack(d->doc.get_data());
    if (!mine || !mine->story || !mine->n_parts)
        return nullptr;
    std::string story_term = std::string(PREFIX_ID) + mine->story;
    std::string data;
    Article out(nullptr, newsidx_article_free);
    if (d->idterm != story_term) {
        /* A part alone: joined when its story is stored. */
        if (stored_story_of(store, mine.get(), out).empty())
            return nullptr;
        if (!out->n_parts && !nx_article_add_part(out.get(), 1, out->body))
            throw std::bad_alloc();     /* a story stored before parts were kept */
        if (!out->story && !(out->story = nx_strdup(out->id)))
            throw std::bad_alloc();
        add_parts(out.get(), mine.get(), true);
        if (store.record(d->idterm, data))
            joined.push_back(d->idterm);
    } else {
        /* A story: the parts stored alone before it, and those of its
         * stored copy when this is the same version again. */
        std::vector<std::pair<std::string, std::string>> alone;
        store.records_from(story_term + "/part-", alone);
        next_day_parts(store, mine.get(), alone);
        Article old(nullptr, newsidx_article_free);
        std::string other_day;
        if (store.record(story_term, data))
            old = unpack(data);
        else
            other_day = other_day_version(store, mine.get());
        bool keep_old = old && same_text(old->version, mine->version) &&
                        more_parts(old.get(), mine.get());
        if (alone.empty() && !keep_old && other_day.empty())
            return nullptr;
        out = std::move(mine);
        if (!other_day.empty()) {
            /* one id for the story's versions: the first stored */
            *other_day_id = true;
            free(out->id);
            free(out->story);
            out->id = nx_strdup(other_day.c_str());
            out->story = nx_strdup(other_day.c_str());
            if (!out->id || !out->story)
                throw std::bad_alloc();
        }
        if (keep_old)
            add_parts(out.get(), old.get(), false);
        for (auto &r : alone) {
            Article part = unpack(r.second);
            if (part && part->story &&
                (strcmp(part->story, out->story) == 0 ||
                 nx::other_day_id(part->story, -1) == out->story))
                add_parts(out.get(), part.get(), false);
            joined.push_back(r.first);
        }
    }
    return rebuild(out.get(), x, cfg);
}

}  // namespace nx
