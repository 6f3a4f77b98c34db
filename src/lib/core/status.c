/* status.c - names of status codes. */
#include "config.h"

#include "newsidx.h"

const char *newsidx_status_to_string(newsidx_status_t status)
{
    switch (status) {
    case NEWSIDX_OK: return "success";
    case NEWSIDX_END: return "end";
    case NEWSIDX_ERR_NOMEM: return "out of memory";
    case NEWSIDX_ERR_IO: return "input/output error";
    case NEWSIDX_ERR_ARG: return "invalid argument";
    case NEWSIDX_ERR_INPUT: return "malformed input";
    case NEWSIDX_ERR_NOT_FOUND: return "not found";
    case NEWSIDX_ERR_NO_DATABASE: return "no database";
    case NEWSIDX_ERR_LOCKED: return "database locked by another writer";
    case NEWSIDX_ERR_VERSION: return "unsupported index format";
    case NEWSIDX_ERR_CORRUPT: return "database corrupt";
    case NEWSIDX_ERR_QUERY: return "query syntax error";
    case NEWSIDX_ERR_LIMIT: return "limit exceeded";
    case NEWSIDX_ERR_UNAVAILABLE: return "unavailable";
    case NEWSIDX_ERR_XAPIAN: return "search engine error";
    case NEWSIDX_ERR_INTERNAL: return "internal error";
    case NEWSIDX_STATUS_LAST: break;
    }
    return "unknown status";
}
