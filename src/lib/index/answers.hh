/* answers.hh - what the answer of a search (search.cc) and that of a
 * search of quotations (quotesearch.cc) share: the article's heading
 * moved into a hit, one way to free their hits, and the names of the
 * shards left out of them; private to
 * src/lib/index. */
#ifndef NX_ANSWERS_HH
#define NX_ANSWERS_HH

#include "store.hh"

#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace nx {

/* Moves what every hit shows of its article (id, title, date,
 * dateline) from the unpacked article a into hit, which owns it from
 * then on: a is left without it. */
template <typename Hit> void take_heading(Hit *hit, newsidx_article_t *a)
{
    hit->id = a->id;
    hit->title = a->title;
    hit->date = a->date;
    hit->dateline = a->dateline;
    a->id = a->title = a->date = a->dateline = nullptr;
}

/* Frees each of the n hits with free_one, then the array. */
template <typename Hit> void free_hits(Hit *hits, size_t n, void (*free_one)(Hit *))
{
    for (size_t i = 0; i < n; i++)
        free_one(&hits[i]);
    free(hits);
}

/* The end both answers have: the shards left out, and the notes. */
inline void free_shards_and_notes(char **missing, size_t n_missing, char **notes, size_t n_notes)
{
    nx_strv_free_array(missing, n_missing);
    nx_strv_free_array(notes, n_notes);
}

/* The names of the shards that are down into *out, an array of *n
 * strings with a NULL after them; throws std::bad_alloc. */
inline void missing_shards_into(const newsidx_db_t *h, char ***out, size_t *n)
{
    std::vector<std::string> missing = nx_db_missing_shards(h);
    *out = static_cast<char **>(calloc(missing.size() + 1, sizeof(char *)));
    if (!*out)
        throw std::bad_alloc();
    for (auto &m : missing)
        if (!((*out)[(*n)++] = nx_strndup(m.data(), m.size())))
            throw std::bad_alloc();
}

}  // namespace nx

#endif
