/* settings.h - the config handle's insides, for the library alone:
 * programs see newsidx_config_t as opaque and read it with
 * newsidx_config_get_*().  Only files of src/lib include this. */
#ifndef NX_SETTINGS_H
#define NX_SETTINGS_H

#include "newsidx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The settings of newsidx.conf(5), its defaults filled by
 * nx_config_init().  Strings and lists are owned by the struct and
 * freed by nx_config_clear(). */
struct newsidx_config {
    /* [index] */
    unsigned batch_docs;        /* commit after this many changes */
    uint64_t batch_bytes;       /* ... or this many bytes of text */
    double batch_seconds;       /* ... or this many seconds */
    unsigned threads;           /* indexing threads, 0 = one per core */
    double lock_timeout;        /* seconds a writer waits for the lock */
    bool spelling;              /* build spelling data for corrections */
    int compact;                /* after a bulk load: 1 always, 0 never,
                                   -1 when it added a tenth of the index */
    unsigned story_window;      /* days between versions of one story,
                                   0 = any */
    /* [weights]: how much one occurrence of a word in each field counts
     * in relevance, relative to body text (weight 1). */
    unsigned weight_body;
    unsigned weight_title;
    unsigned weight_dateline;
    unsigned weight_speaker;
    unsigned weight_location;
    unsigned weight_lead;       /* the body's first sentence, once more */
    double bm25_k1, bm25_b;     /* BM25: term frequency saturation, length
                                   normalisation */
    /* [search] */
    unsigned default_limit;
    unsigned max_limit;
    unsigned max_offset;
    unsigned max_expansion;     /* terms a wildcard may expand to */
    unsigned max_query_terms;
    double time_limit;          /* seconds a match may take, 0 = none */
    double max_search_time;     /* seconds a whole search may take, 0 = none */
    unsigned snippet_length;    /* bytes */
    unsigned relax_below;       /* a query of several words matching fewer
                                   articles than this is relaxed; 0 = never */
    unsigned exact_total;       /* matches counted exactly up to this many;
                                   above it the total is an estimate */
    /* [daemon] */
    char *socket_group;         /* group for a 0660 socket, or NULL */
    unsigned socket_mode;
    unsigned max_connections;
    double idle_timeout;
    unsigned max_connections_per_user;  /* from one uid but the daemon's
                                           own; 0 = max_connections / 4 */
    double first_request_timeout;   /* idle before a first whole request */
    uint64_t max_output_total;  /* replies buffered for all clients */
    unsigned workers;           /* search threads, 0 = one per core */
    uint64_t max_request;       /* bytes of one MessagePack-RPC frame */
    unsigned max_depth;         /* nesting of one request */
    uint64_t max_output;        /* replies buffered for one client */
    double commit_interval;     /* the daemon gathers writes this long */
    char **writers;             /* user and group names allowed to write;
                                   "@name" is a group */
    size_t n_writers;
    char *pidfile;
    bool read_only;             /* serve searches only, refuse writes */
    char *gazetteer;
    char *http;                 /* "ADDR:PORT" to serve the page and the
                                   JSON API on, or NULL: no HTTP */
    char *http_token_file;      /* a file holding the bearer token that
                                   allows POST /api/articles, or NULL */
    char *spool;                /* a directory whose new files the daemon
                                   imports (newsidxd(8)), or NULL */
    /* [shards]: the index as several databases searched as one.  Each is
     * a local path or "host:port" of a xapian-tcpsrv; articles are
     * placed by a hash of their id. */
    char **shards;
    size_t n_shards;
    double shard_timeout;       /* seconds a remote shard may take */
    bool partial;               /* answer without shards that are down */
};

/* Fills c with the defaults (nothing to free before: c is overwritten). */
void nx_config_init(newsidx_config_t *c);
/* Frees what c holds and gives it the defaults again. */
void nx_config_clear(newsidx_config_t *c);

#ifdef __cplusplus
}
#endif

#endif /* NX_SETTINGS_H */
