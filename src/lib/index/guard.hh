/* guard.hh - the boundary between the C API and the C++ of this layer.
 *
 * Every extern "C" function of src/lib/index is declared noexcept and
 * runs its body through guard(): whatever is thrown inside becomes a
 * status, with the detail on the handle, and out-parameters are left
 * empty.  Reads on a database handle go through the reader's guard,
 * which also waits for the shards it needs, reopens and retries when a
 * commit overtook the reader (DatabaseModifiedError), and leaves out a
 * remote shard that stopped answering (NetworkError) when a partial
 * answer is allowed.
 *
 * The library's own errors (a limit, an empty query, an unknown id) are
 * nx::Failure, carrying their status; Xapian's errors are mapped to a
 * status by their class. */
#ifndef NX_GUARD_HH
#define NX_GUARD_HH

#include "store.hh"

#include <exception>
#include <stdexcept>
#include <string>

namespace nx {

/* An error of the library's own, and the status it is. */
class Failure : public std::runtime_error {
  public:
    Failure(newsidx_status_t status, const std::string &what)
        : std::runtime_error(what), status_(status)
    {
    }
    newsidx_status_t status() const { return status_; }

  private:
    newsidx_status_t status_;
};

/* The status of the exception being handled, its message in detail.
 * Called only from a catch block. */
newsidx_status_t status_of_current_exception(std::string &detail) noexcept;

/* The message of a caught exception ("" when even that fails). */
std::string message_of(const std::exception_ptr &e) noexcept;

/* Empties each out-parameter (a pointer becomes NULL, a struct zero). */
inline void clear_outs() noexcept {}
template <typename Out, typename... More>
void clear_outs(Out &out, More &...more) noexcept
{
    out = Out();
    clear_outs(more...);
}

/* Runs op(), which returns a status; an exception becomes a status with
 * its message in error.  On any status but NEWSIDX_OK and NEWSIDX_END
 * the out-parameters are emptied (they are emptied first too). */
template <typename Op, typename... Out>
newsidx_status_t guard(std::string &error, Op op, Out &...outs) noexcept
{
    newsidx_status_t st;
    clear_outs(outs...);
    try {
        st = op();
    } catch (...) {
        st = status_of_current_exception(error);
    }
    if (st != NEWSIDX_OK && st != NEWSIDX_END)
        clear_outs(outs...);
    return st;
}

/* How a read treats shards that do not answer. */
struct ReadRules {
    bool partial_ready;     /* may start with some shards down */
    bool partial_failure;   /* may go on when one fails during the read */
    const char *hint;       /* ends the message when partial could be asked */
};

/* The page size a search asks for (0 for the count alone; the
 * configuration's default when it names none); a Failure with
 * NEWSIDX_ERR_LIMIT when it or the offset is above the configured
 * maximum.  Searches of articles and of quotations alike. */
unsigned page_limit(const newsidx_search_t *req, const newsidx_config_t &config);

/* Times a read is run again after a commit overtook it. */
const int MAX_REOPENS = 5;

/* What the reader's guard does after a read failed: try it again, or
 * the status to return (NEWSIDX_OK: try again). */
newsidx_status_t recover_read(newsidx_db_t *h, const std::exception_ptr &e, bool network,
                              int attempt, const ReadRules &rules) noexcept;

/* The reader's guard: op(attempt) is run once the shards are ready, and
 * again after a DatabaseModifiedError (reopened) or a NetworkError (the
 * shard left out) as the rules allow.  Recovery runs outside the catch
 * blocks, so that what it throws is caught too. */
template <typename Op, typename... Out>
newsidx_status_t guard(newsidx_db_t *h, const ReadRules &rules, Op op, Out &...outs) noexcept
{
    return guard(h->error, [&]() -> newsidx_status_t {
        h->error.clear();
        if (!nx_db_shards_ready(h, rules.partial_ready, rules.hint))
            return NEWSIDX_ERR_UNAVAILABLE;
        for (int attempt = 0;; attempt++) {
            std::exception_ptr failed;
            bool network = false;
            try {
                return op(attempt);
            } catch (const Xapian::NetworkError &) {
                failed = std::current_exception();
                network = true;
            } catch (const Xapian::DatabaseModifiedError &) {
                failed = std::current_exception();
            }
            newsidx_status_t st = recover_read(h, failed, network, attempt, rules);
            if (st != NEWSIDX_OK)
                return st;
        }
    }, outs...);
}

}  // namespace nx

#endif
