/* quotes.hh - quotations in the index (quoteindex.cc), their search
 * (quotes.cc) and the alias table (aliases.cc); private to src/lib/index. */
#ifndef NX_QUOTES_HH
#define NX_QUOTES_HH

#include "store.hh"

#include <map>
#include <memory>
#include <unordered_map>
#include <set>
#include <string>
#include <vector>

namespace nx {

/* ---- quoteindex.cc ---- */

/* The first position of the block of the n-th quotation in quotation
 * marks, and the block a position is in (SIZE_MAX: none). */
Xapian::termpos quote_block_base(size_t block);
size_t quote_block_of(Xapian::termpos pos);
/* The XQ and XQS terms of the article's quotations. */
void add_quote_terms(Xapian::Document &doc, const newsidx_article_t *a,
                     Xapian::TermGenerator &tg, Xapian::TermGenerator &names);
bool is_quote_term(const std::string &term);          /* XQ + a word */
bool is_quote_speaker_term(const std::string &term);  /* XQS + a word */
/* An article query in which each AND group holding words of quotations
 * and speakers keeps them in one quotation (NEAR). */
Xapian::Query scope_quotes(const Xapian::Query &q);

/* ---- aliastable.cc ---- */

/* Links counted by a writer between commits: alias (lower case) ->
 * name -> how many articles linked them. */
typedef std::map<std::string, std::map<std::string, uint64_t>> AliasCounts;
/* The article's links (lower-cased alias, name). */
void alias_links(const newsidx_article_t *a, std::vector<std::pair<std::string, std::string>> &out);
void alias_count(AliasCounts &pending,
                 const std::vector<std::pair<std::string, std::string>> &links);
/* Adds the pending links to the database's table (before a commit). */
void alias_flush(Xapian::WritableDatabase &db, AliasCounts &pending);

/* Merges databases adding up the counts of the alias table. */
class AliasCompactor : public Xapian::Compactor {
  public:
    std::string resolve_duplicate_metadata(const std::string &key, size_t num_tags,
                                           const std::string tags[]) override;
};

/* The table as readers use it. */
struct AliasTable {
    std::unordered_map<std::string, std::string> canonical;  /* alias -> name */
    std::unordered_map<std::string, std::vector<std::string>> forms;  /* name (lower) ->
                                                                         its forms (lower) */
    void build(const std::map<std::string, std::map<std::string, uint64_t>> &links);
    /* The one name of a speaker's name (itself when the table has none). */
    std::string name_of(const std::string &name) const;
    /* Every form of the name's speaker, lower case, the name first. */
    std::vector<std::string> forms_of(const std::string &name) const;
};
/* The table of the handle's database, read again when it changed. */
std::shared_ptr<const AliasTable> aliases_of(newsidx_db_t *h);

/* ---- search.cc, for quotes.cc ---- */

/* A request's query parsed as search parses it; with quote_mode, plain
 * words and speaker: are those of quotations (XQ, XQS).  display is the
 * query shown back, empty says it has no words, filter holds the
 * request's filters, warnings what was said about the query; with
 * cut_wildcards a wildcard keeps its most frequent words. */
Xapian::Query parse_request(newsidx_db_t *h, const newsidx_search_t *req, bool quote_mode,
                            bool cut_wildcards, std::string &display, bool &empty,
                            Xapian::Query &filter, std::set<std::string> &warnings);
/* A snippet of text as search makes them (marks joined, one line). */
std::string tidy_text(const std::string &in, const std::string &open, const std::string &close);

}  // namespace nx

#endif
