/* takes.hh - stories sent in parts, joined by the writer (takes.cc). */
#ifndef NX_TAKES_HH
#define NX_TAKES_HH

#include "guard.hh"

#include <string>
#include <utility>
#include <vector>

namespace nx {

/* What the writer can read of what is stored: the database, or during a
 * bulk load the records of the load so far. */
class PartsStore {
public:
    virtual ~PartsStore() = default;
    /* The stored record of idterm; false when there is none. */
    virtual bool record(const std::string &idterm, std::string &data) = 0;
    /* The idterms and records of the ids beginning with prefix (itself
     * an idterm prefix). */
    virtual void records_from(const std::string &prefix,
                              std::vector<std::pair<std::string, std::string>> &out) = 0;
};

/* The document to write instead of d (d->in_parts) when d is a part of
 * a stored story, or a story with parts stored alone: the story joined
 * and extracted again; nullptr when d is written as it is.  joined gets
 * the idterms of parts stored alone that the story now holds: the
 * writer removes them.  *other_day_id: the story took the id of its
 * version sent the day before or after (a write-through across
 * midnight GMT). */
nx_doc_t *join_parts(PartsStore &store, const nx_doc_t *d, const newsidx_extractor_t *x,
                     const newsidx_config_t *cfg, std::vector<std::string> &joined,
                     bool *other_day_id);

}  // namespace nx

#endif
