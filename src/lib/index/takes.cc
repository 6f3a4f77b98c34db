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
 * the parts of the older one are not kept. */
#include "config.h"

#include "takes.hh"

#include <cstring>
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

}  // namespace

nx_doc_t *join_parts(PartsStore &store, const nx_doc_t *d, const newsidx_extractor_t *x,
                     const newsidx_config_t *cfg, std::vector<std::string> &joined)
{
    Article mine = unpack(d->doc.get_data());
    if (!mine || !mine->story || !mine->n_parts)
        return nullptr;
    std::string story_term = std::string(PREFIX_ID) + mine->story;
    std::string data;
    Article out(nullptr, newsidx_article_free);
    if (d->idterm != story_term) {
        /* A part alone: joined when its story is stored. */
        if (!store.record(story_term, data) || !(out = unpack(data)))
            return nullptr;
        if (!out->n_parts && !nx_article_add_part(out.get(), 1, out->body))
            throw std::bad_alloc();     /* a story stored before parts were kept */
        if (!out->story && !(out->story = nx_strdup(mine->story)))
            throw std::bad_alloc();
        add_parts(out.get(), mine.get(), true);
        if (store.record(d->idterm, data))
            joined.push_back(d->idterm);
    } else {
        /* A story: the parts stored alone before it, and those of its
         * stored copy when this is the same version again. */
        std::vector<std::pair<std::string, std::string>> alone;
        store.records_from(story_term + "/part-", alone);
        Article old(nullptr, newsidx_article_free);
        if (store.record(story_term, data))
            old = unpack(data);
        bool keep_old = old && same_text(old->version, mine->version) &&
                        more_parts(old.get(), mine.get());
        if (alone.empty() && !keep_old)
            return nullptr;
        out = std::move(mine);
        if (keep_old)
            add_parts(out.get(), old.get(), false);
        for (auto &r : alone) {
            Article part = unpack(r.second);
            if (part && part->story && strcmp(part->story, out->story) == 0)
                add_parts(out.get(), part.get(), false);
            joined.push_back(r.first);
        }
    }
    return rebuild(out.get(), x, cfg);
}

}  // namespace nx
