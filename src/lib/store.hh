/* store.hh - private to the Xapian layer (store.cc, search.cc, docbuild.cc).
 *
 * This layer is the only code that includes xapian.h.  Every entry point
 * is extern "C", catches every exception, and turns it into a status with
 * the detail kept on the handle. */
#ifndef NX_STORE_HH
#define NX_STORE_HH

#include "nx.h"

#include <xapian.h>

#include <string>

namespace nx {

/* Index format 1: term prefixes and value slots (HACKING lists them). */
const char *const PREFIX_ID = "Q";
const char *const PREFIX_TITLE = "S";
const char *const PREFIX_DATELINE = "XD";
const char *const PREFIX_SPEAKER = "XS";
const char *const PREFIX_LOCATION = "XL";
const char *const PREFIX_SPEAKER_EXACT = "KS";
const char *const PREFIX_LOCATION_EXACT = "KL";

const Xapian::valueno SLOT_DATE = 0;       /* "YYYYMMDD" */
const Xapian::valueno SLOT_SPEAKERS = 1;   /* all speakers, '\x1f' between */
const Xapian::valueno SLOT_LOCATIONS = 2;  /* all locations, '\x1f' between */
const Xapian::valueno SLOT_SPEAKER0 = 10;  /* speakers[0..7], for facets on
                                              remote shards */
const Xapian::valueno SLOT_LOCATION0 = 20; /* locations[0..7] */
const unsigned FACET_SLOTS = 8;

const char *const META_FORMAT = "newsidx.format";
const char *const META_STEMMER = "newsidx.stemmer";
const char *const STEMMER = "english";

/* Term positions left between fields so that a phrase never spans two. */
const Xapian::termpos FIELD_GAP = 100;

/* Status and message for an exception caught at the C boundary. */
newsidx_status_t status_of(const Xapian::Error &e, std::string &detail);
newsidx_status_t status_of_current_exception(std::string &detail);

/* Lower-cased (Unicode) text, as exact-match terms store names. */
std::string lower(const std::string &s);

/* Checks the format stamp of an opened database. */
newsidx_status_t check_format(const Xapian::Database &db, std::string &detail);

/* Builds the Xapian document of an article. */
Xapian::Document build_document(const newsidx_article_t *a, const newsidx_config_t *cfg,
                                Xapian::TermGenerator &tg, Xapian::TermGenerator &names);
void setup_termgenerators(Xapian::TermGenerator &tg, Xapian::TermGenerator &names);

}  // namespace nx

struct newsidx_db {
    Xapian::Database db;
    std::string path;
    std::string error;
    newsidx_config_t config;   /* a copy; strings not used */
};

#endif
