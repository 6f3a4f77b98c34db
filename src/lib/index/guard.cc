/* guard.cc - exceptions into statuses at the C boundary (guard.hh). */
#include "config.h"

#include "guard.hh"

#include <new>

namespace nx {

/* Each class of error its status, the most derived classes first:
 * DatabaseVersionError and DatabaseNotFoundError are opening errors,
 * NetworkTimeoutError a network error. */
static newsidx_status_t classify(std::string &detail)
{
    try {
        throw;
    } catch (const Failure &f) {
        detail = f.what();
        return f.status();
    } catch (const Xapian::Error &e) {
        detail = e.get_msg();
        if (!e.get_context().empty())
            detail += " (" + e.get_context() + ")";
        try {
            throw;
        } catch (const Xapian::DatabaseLockError &) {
            return NEWSIDX_ERR_LOCKED;
        } catch (const Xapian::DatabaseVersionError &) {
            return NEWSIDX_ERR_VERSION;
        } catch (const Xapian::DatabaseOpeningError &) {
            return NEWSIDX_ERR_NO_DATABASE;
        } catch (const Xapian::DatabaseCorruptError &) {
            return NEWSIDX_ERR_CORRUPT;
        } catch (const Xapian::QueryParserError &) {
            return NEWSIDX_ERR_QUERY;
        } catch (const Xapian::NetworkError &) {
            return NEWSIDX_ERR_UNAVAILABLE;
        } catch (const Xapian::DocNotFoundError &) {
            return NEWSIDX_ERR_NOT_FOUND;
        } catch (const Xapian::InvalidArgumentError &) {
            return NEWSIDX_ERR_ARG;
        } catch (const Xapian::Error &) {
            detail = std::string(e.get_type()) + ": " + detail;
            return NEWSIDX_ERR_XAPIAN;
        }
    } catch (const std::bad_alloc &) {
        detail = "out of memory";
        return NEWSIDX_ERR_NOMEM;
    } catch (const std::exception &e) {
        detail = e.what();
        return NEWSIDX_ERR_INTERNAL;
    } catch (...) {
        detail = "unknown exception";
        return NEWSIDX_ERR_INTERNAL;
    }
}

newsidx_status_t status_of_current_exception(std::string &detail) noexcept
{
    try {
        return classify(detail);
    } catch (...) {
        /* the message could not be made */
        detail.clear();
        return NEWSIDX_ERR_NOMEM;
    }
}

std::string message_of(const std::exception_ptr &e) noexcept
{
    std::string m;
    try {
        std::rethrow_exception(e);
    } catch (...) {
        status_of_current_exception(m);
    }
    return m;
}

unsigned page_limit(const newsidx_search_t *req, const newsidx_config_t &config)
{
    if (req->count_only)
        return 0;
    unsigned limit = req->limit ? req->limit : config.default_limit;
    if (limit > config.max_limit)
        throw Failure(NEWSIDX_ERR_LIMIT, "limit " + std::to_string(limit) +
                                             " is above the maximum of " +
                                             std::to_string(config.max_limit));
    if (req->offset > config.max_offset)
        throw Failure(NEWSIDX_ERR_LIMIT, "offset " + std::to_string(req->offset) +
                                             " is above the maximum of " +
                                             std::to_string(config.max_offset));
    return limit;
}

newsidx_status_t recover_read(newsidx_db_t *h, const std::exception_ptr &e, bool network,
                              int attempt, const ReadRules &rules) noexcept
{
    try {
        if (network)
            return nx_db_shard_failed(h, message_of(e), rules.partial_failure, attempt, rules.hint)
                       ? NEWSIDX_OK
                       : NEWSIDX_ERR_UNAVAILABLE;
        if (attempt >= MAX_REOPENS)
            std::rethrow_exception(e);
        h->db.reopen();
        return NEWSIDX_OK;
    } catch (...) {
        return status_of_current_exception(h->error);
    }
}

}  // namespace nx
