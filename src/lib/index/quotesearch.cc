/* quotesearch.cc - who said what: the quotations that match a query.
 *
 * Xapian finds articles; a quotation is a block of positions inside one
 * (quoteindex.cc).  So a search of quotations runs in two steps:
 *
 *  1. Xapian matches the articles that can hold a matching quotation:
 *     the query with plain words and speaker: read as a quotation's
 *     (XQ, XQS), each AND group of them kept within one quotation by a
 *     NEAR, and negations of quotation words left to step 2 (an article
 *     with "troops" in one quotation can have another without it).
 *     Quotation terms weigh nothing (wdf 0): articles are ranked by the
 *     query's words in their whole text.
 *  2. For each article, the query is evaluated again quotation by
 *     quotation, over the positions of its terms in that article
 *     (QuoteEval): AND and phrases within one block, OR, NOT.  Each
 *     quotation that holds is scored by its own words (BM25's idf and
 *     saturation over the words of that quotation alone).
 *
 * The articles Xapian ranks first are examined (at least EXAMINE, more
 * for a deep page); when they are all the articles that match, the
 * total is a count, else an estimate from the quotations per article
 * seen so far, and said so. */
#include "config.h"

#include "answers.hh"
#include "guard.hh"
#include "quotes.hh"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>

using namespace nx;

namespace {

/* Articles examined at least for one answer. */
const unsigned EXAMINE = 100;

char *dup(const std::string &s)
{
    return nx_strndup(s.data(), s.size());
}

bool positional(const std::string &t)
{
    return is_quote_term(t) || is_quote_speaker_term(t);
}

/* Where a part of the query holds in one article: in every quotation
 * (a condition on the article, true), in none, or in some. */
struct Blocks {
    bool all = false;
    std::set<size_t> in;

    static Blocks every() { Blocks b; b.all = true; return b; }
};

/* The pattern of a wildcard query.  Xapian 1.4 gives no accessor for
 * it, nor lists it among the query's terms; its description is
 * "Query(WILDCARD SYNONYM pattern)". */
std::string wildcard_pattern(const Xapian::Query &q)
{
    std::string d = q.get_description();
    size_t end = d.rfind(')');
    size_t sp = d.rfind(' ', end);
    if (end == std::string::npos || sp == std::string::npos || sp + 1 >= end)
        return std::string(1, '\0');           /* matches no term */
    return d.substr(sp + 1, end - sp - 1);
}

/* The query evaluated quotation by quotation in one article. */
class QuoteEval {
    const Xapian::Database &db;
    Xapian::docid did;
    size_t n_blocks;
    Xapian::Document doc;
    bool have_doc = false;
    std::map<std::string, std::vector<Xapian::termpos>> cache;

    const Xapian::Document &document()
    {
        if (!have_doc) {
            doc = db.get_document(did);
            have_doc = true;
        }
        return doc;
    }

    bool has_term(const std::string &t)
    {
        Xapian::TermIterator it = document().termlist_begin();
        it.skip_to(t);
        return it != document().termlist_end() && *it == t;
    }

    /* Terms of this article that start with the pattern. */
    std::vector<std::string> expand(const std::string &pattern)
    {
        std::vector<std::string> out;
        Xapian::TermIterator it = document().termlist_begin();
        for (it.skip_to(pattern); it != document().termlist_end(); ++it) {
            std::string t = *it;
            if (t.compare(0, pattern.size(), pattern) != 0)
                break;
            out.push_back(t);
        }
        return out;
    }

    Blocks of_positions(const std::vector<Xapian::termpos> &pos)
    {
        Blocks b;
        for (auto p : pos) {
            size_t k = quote_block_of(p);
            if (k < n_blocks)
                b.in.insert(k);
        }
        return b;
    }

    static Blocks both(const Blocks &a, const Blocks &b)
    {
        if (a.all)
            return b;
        if (b.all)
            return a;
        Blocks r;
        for (auto k : a.in)
            if (b.in.count(k))
                r.in.insert(k);
        return r;
    }

    static Blocks either(const Blocks &a, const Blocks &b)
    {
        if (a.all || b.all)
            return Blocks::every();
        Blocks r = a;
        r.in.insert(b.in.begin(), b.in.end());
        return r;
    }

    Blocks without(const Blocks &a, const Blocks &b)
    {
        if (b.all)
            return Blocks();
        Blocks r;
        for (size_t k = 0; k < n_blocks; k++)
            if ((a.all || a.in.count(k)) && !b.in.count(k))
                r.in.insert(k);
        return r;
    }

    /* The positions of a phrase's part: a term, or an OR of terms. */
    bool part_positions(const Xapian::Query &q, std::vector<Xapian::termpos> &out)
    {
        if (q.get_type() == Xapian::Query::LEAF_TERM) {
            std::string t = *q.get_terms_begin();
            if (!positional(t))
                return false;
            const auto &p = positions(t);
            out.insert(out.end(), p.begin(), p.end());
            return true;
        }
        if (q.get_type() != Xapian::Query::OP_OR && q.get_type() != Xapian::Query::OP_SYNONYM)
            return false;
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            if (!part_positions(q.get_subquery(i), out))
                return false;
        return true;
    }

    /* Words next to each other, in order, within one quotation. */
    Blocks phrase(const Xapian::Query &q)
    {
        size_t n = q.get_num_subqueries();
        std::vector<std::vector<Xapian::termpos>> parts(n);
        for (size_t i = 0; i < n; i++) {
            if (!part_positions(q.get_subquery(i), parts[i]))
                return all_of(q);
            std::sort(parts[i].begin(), parts[i].end());
        }
        Blocks r;
        for (auto p : parts.empty() ? std::vector<Xapian::termpos>() : parts[0]) {
            bool ok = true;
            for (size_t i = 1; i < n && ok; i++)
                ok = std::binary_search(parts[i].begin(), parts[i].end(),
                                        p + static_cast<Xapian::termpos>(i));
            size_t k = quote_block_of(p);
            if (ok && k < n_blocks)
                r.in.insert(k);
        }
        return r;
    }

    Blocks all_of(const Xapian::Query &q)
    {
        Blocks r = Blocks::every();
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            r = both(r, eval(q.get_subquery(i)));
        return r;
    }

    Blocks term(const std::string &t)
    {
        if (positional(t))
            return of_positions(positions(t));
        return has_term(t) ? Blocks::every() : Blocks();
    }

  public:
    /* The quotation words met, with their positions, for scoring. */
    std::set<std::string> words;

    QuoteEval(const Xapian::Database &d, Xapian::docid id, size_t blocks)
        : db(d), did(id), n_blocks(blocks) {}

    const std::vector<Xapian::termpos> &positions(const std::string &t)
    {
        auto it = cache.find(t);
        if (it != cache.end())
            return it->second;
        std::vector<Xapian::termpos> &v = cache[t];
        for (auto p = db.positionlist_begin(did, t); p != db.positionlist_end(did, t); ++p)
            v.push_back(*p);
        if (is_quote_term(t) && !v.empty())
            words.insert(t);
        return v;
    }

    Blocks eval(const Xapian::Query &q)
    {
        switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM:
            return term(*q.get_terms_begin());
        case Xapian::Query::LEAF_MATCH_ALL:
            return Blocks::every();
        case Xapian::Query::LEAF_MATCH_NOTHING:
            return Blocks();
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_NEAR:
            return all_of(q);
        case Xapian::Query::OP_PHRASE:
            return phrase(q);
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_ELITE_SET:
        case Xapian::Query::OP_MAX: {
            Blocks r;
            for (size_t i = 0; i < q.get_num_subqueries(); i++)
                r = either(r, eval(q.get_subquery(i)));
            return r;
        }
        case Xapian::Query::OP_AND_NOT: {
            Blocks r = eval(q.get_subquery(0));
            for (size_t i = 1; i < q.get_num_subqueries(); i++)
                r = without(r, eval(q.get_subquery(i)));
            return r;
        }
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_SCALE_WEIGHT:
            return eval(q.get_subquery(0));
        case Xapian::Query::OP_XOR: {
            Blocks a = eval(q.get_subquery(0));
            for (size_t i = 1; i < q.get_num_subqueries(); i++) {
                Blocks b = eval(q.get_subquery(i));
                a = without(either(a, b), both(a, b));
            }
            return a;
        }
        case Xapian::Query::OP_WILDCARD: {
            Blocks r;
            for (auto &x : expand(wildcard_pattern(q)))
                r = either(r, term(x));
            return r;
        }
        default:
            /* value ranges (date:): conditions on the article, which
             * Xapian checked */
            return Blocks::every();
        }
    }
};

/* The article query of step 1: negated quotation words are left to
 * step 2, which sees each quotation. */
Xapian::Query article_level(const Xapian::Query &q)
{
    std::function<bool(const Xapian::Query &)> has_positional = [&](const Xapian::Query &x) {
        if (x.get_type() == Xapian::Query::OP_WILDCARD)
            return positional(wildcard_pattern(x) + "a");
        if (x.get_type() == Xapian::Query::LEAF_TERM)
            return positional(*x.get_terms_begin());
        for (size_t i = 0; i < x.get_num_subqueries(); i++)
            if (has_positional(x.get_subquery(i)))
                return true;
        return false;
    };
    Xapian::Query::op op = q.get_type();
    switch (op) {
    case Xapian::Query::OP_AND_NOT: {
        std::vector<Xapian::Query> sub{article_level(q.get_subquery(0))};
        for (size_t i = 1; i < q.get_num_subqueries(); i++)
            if (!has_positional(q.get_subquery(i)))
                sub.push_back(q.get_subquery(i));
        return sub.size() == 1 ? sub[0] : Xapian::Query(op, sub.begin(), sub.end());
    }
    case Xapian::Query::OP_XOR:
        if (has_positional(q)) {
            std::vector<Xapian::Query> sub;
            for (size_t i = 0; i < q.get_num_subqueries(); i++)
                sub.push_back(article_level(q.get_subquery(i)));
            return Xapian::Query(Xapian::Query::OP_OR, sub.begin(), sub.end());
        }
        return q;
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_AND_MAYBE: {
        std::vector<Xapian::Query> sub;
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            sub.push_back(article_level(q.get_subquery(i)));
        return Xapian::Query(op, sub.begin(), sub.end());
    }
    default:
        return q;
    }
}

/* --speaker NAME for quotations: the quotation's speaker is one of the
 * forms of that name (all its words in the quotation's block). */
Xapian::Query speaker_query(newsidx_db_t *h, const char *name)
{
    std::vector<Xapian::Query> forms;
    for (auto &form : aliases_of(h)->forms_of(name)) {
        std::vector<Xapian::Query> words;
        Xapian::TermGenerator names;
        Xapian::Document scratch;
        names.set_document(scratch);
        names.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
        names.index_text(form, 1, PREFIX_QUOTE_SPEAKER);
        for (auto t = scratch.termlist_begin(); t != scratch.termlist_end(); ++t)
            words.emplace_back(*t);
        if (!words.empty())
            forms.emplace_back(Xapian::Query::OP_AND, words.begin(), words.end());
    }
    if (forms.empty())
        return Xapian::Query::MatchNothing;
    return Xapian::Query(Xapian::Query::OP_OR, forms.begin(), forms.end());
}

void escape_into(std::string &out, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (p[i]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += p[i];
        }
    }
}

/* The quotation word for word, HTML-escaped as snippets are, with the
 * words whose stems the query asked for between open and close.
 * MSet::snippet() would mark them too, but it trims the text it is
 * given (a quotation's closing comma), and a quotation is cited whole. */
std::string marked_text(const char *text, const std::set<std::string> &stems,
                        const Xapian::Stem &stem, const char *open, const char *close)
{
    std::string out;
    const char *p = text, *end = text + strlen(text);
    while (p < end) {
        Xapian::Utf8Iterator it(p, static_cast<size_t>(end - p));
        const char *w = p;
        while (it != Xapian::Utf8Iterator() && Xapian::Unicode::is_wordchar(*it))
            ++it;
        const char *we = it == Xapian::Utf8Iterator() ? end : it.raw();
        if (we > w) {
            std::string word(w, static_cast<size_t>(we - w));
            bool hit = stems.count(stem(Xapian::Unicode::tolower(word))) > 0;
            if (hit)
                out += open;
            escape_into(out, w, word.size());
            if (hit)
                out += close;
            p = we;
            continue;
        }
        ++it;
        const char *ne = it == Xapian::Utf8Iterator() ? end : it.raw();
        escape_into(out, p, static_cast<size_t>(ne - p));
        p = ne;
    }
    return out;
}

/* One quotation found. */
struct Found {
    Xapian::docid did;
    size_t block;
    double score;
    size_t doc_rank;
};

struct QuoteSearch {
    newsidx_db_t *h;
    const newsidx_search_t *req;
    bool cut_wildcards;
    std::set<std::string> warnings;
    std::string display;
    Xapian::Query query;         /* the whole query, quotation by quotation */
    Xapian::Query article_query; /* step 1 */
    Xapian::Stem stem{STEMMER};
    std::set<std::string> met;   /* quotation words found, for marks() */

    QuoteSearch(newsidx_db_t *h_, const newsidx_search_t *r, bool cut)
        : h(h_), req(r), cut_wildcards(cut) {}

    void check_request() const
    {
        const char *refused = req->like && *req->like ? "like"
                              : req->facets          ? "facets"
                              : req->explain         ? "explain"
                              : req->histogram       ? "histogram"
                              : req->strict          ? "strict"
                              : req->all_versions    ? "all_versions"
                              : req->lang && *req->lang
                                  ? "lang (quotations are found in English text only)"
                                  : nullptr;
        if (refused)
            throw Failure(NEWSIDX_ERR_ARG, std::string("a search of quotations does not take ") +
                                               refused);
    }

    unsigned page_limit() const
    {
        return nx::page_limit(req, h->config);
    }

    void plan()
    {
        check_request();
        newsidx_search_t r = *req;
        r.speaker = nullptr;        /* the quotation's speaker, below */
        bool empty = true;
        Xapian::Query filter;
        Xapian::Query parsed =
            parse_request(h, &r, true, cut_wildcards, display, empty, filter, warnings);
        std::vector<Xapian::Query> all;
        if (!empty)
            all.push_back(parsed);
        if (req->speaker && *req->speaker)
            all.push_back(speaker_query(h, req->speaker));
        if (all.empty() && filter.empty())
            throw Failure(NEWSIDX_ERR_ARG, "empty query: give words to search for or a filter");
        query = all.empty() ? Xapian::Query::MatchAll
                            : Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
        Xapian::Query has(TERM_HAS_QUOTES);
        article_query = scope_quotes(article_level(query));
        if (article_query.get_type() == Xapian::Query::LEAF_MATCH_ALL)
            article_query = has;
        else
            article_query = Xapian::Query(Xapian::Query::OP_FILTER, article_query, has);
        if (!filter.empty())
            article_query = Xapian::Query(Xapian::Query::OP_FILTER, article_query, filter);
        /* Quotation terms carry no weight (wdf 0, quoteindex.cc): the
         * articles are ranked by the same words in their whole text. */
        std::set<std::string> words;
        for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t)
            if (is_quote_term(*t))
                words.insert((*t).substr(strlen(PREFIX_QUOTE)));
        if (!words.empty())
            article_query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, article_query,
                                          Xapian::Query(Xapian::Query::OP_OR, words.begin(),
                                                        words.end()));
        if (!h->quotes)
            warnings.insert("this index has no quotations in it (its format is older than 3): "
                            "rebuild it with 'newsidx add' to search them");
    }

    Xapian::MSet articles(unsigned want)
    {
        Xapian::Enquire enq(h->db);
        enq.set_query(article_query);
        enq.set_weighting_scheme(
            Xapian::BM25Weight(h->config.bm25_k1, 0, 1, h->config.bm25_b, 0.5));
        if (req->sort == NEWSIDX_SORT_DATE)
            enq.set_sort_by_value_then_relevance(SLOT_DATE, true);
        else
            enq.set_sort_by_relevance_then_value(SLOT_DATE, true);
        if (h->config.time_limit > 0)
            enq.set_time_limit(h->config.time_limit);
        return enq.get_mset(0, want, want + 1);
    }

    /* A quotation's own score: for each of its words that the query
     * asked for, the word's idf times its saturated frequency in the
     * quotation. */
    double score(QuoteEval &ev, size_t block, double n_docs)
    {
        const double k1 = h->config.bm25_k1 > 0 ? h->config.bm25_k1 : 1.2;
        double s = 0;
        for (auto &w : ev.words) {
            double tf = 0;
            for (auto p : ev.positions(w))
                tf += quote_block_of(p) == block;
            if (tf == 0)
                continue;
            double df = h->db.get_termfreq(w);
            double idf = std::log(1 + (n_docs - df + 0.5) / (df + 0.5));
            s += idf * tf * (k1 + 1) / (tf + k1);
        }
        return s;
    }

    /* The quotations of one article that match, scored. */
    void examine(const Xapian::MSetIterator &it, size_t rank, double n_docs,
                 std::vector<Found> &found)
    {
        Xapian::Document doc = it.get_document();
        size_t blocks = strtoul(doc.get_value(SLOT_QUOTE_BLOCKS).c_str(), nullptr, 10);
        QuoteEval ev(h->db, *it, blocks);
        Blocks b = ev.eval(query);
        for (size_t k = 0; k < blocks; k++)
            if (b.all || b.in.count(k))
                found.push_back(Found{*it, k, score(ev, k, n_docs), rank});
        met.insert(ev.words.begin(), ev.words.end());
    }

    void order(std::vector<Found> &found) const
    {
        bool by_date = req->sort == NEWSIDX_SORT_DATE;
        std::stable_sort(found.begin(), found.end(), [by_date](const Found &a, const Found &b) {
            if (!by_date && a.score != b.score)
                return a.score > b.score;
            if (a.doc_rank != b.doc_rank)
                return a.doc_rank < b.doc_rank;
            return a.block < b.block;
        });
    }

    /* The stems of the query's quotation words (wildcards' as they
     * matched in the articles examined), to mark. */
    std::set<std::string> marks() const
    {
        std::set<std::string> stems;
        for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t)
            if (is_quote_term(*t))
                stems.insert((*t).substr(strlen(PREFIX_QUOTE)));
        for (auto &w : met)
            stems.insert(w.substr(strlen(PREFIX_QUOTE)));
        return stems;
    }

    void fill(newsidx_quote_hit_t *out, const Found &f, unsigned rank,
              const std::set<std::string> &hl)
    {
        Xapian::Document doc = h->db.get_document(f.did);
        std::string data = doc.get_data();
        std::unique_ptr<newsidx_article_t, void (*)(newsidx_article_t *)> a(
            nx_docdata_unpack(data.data(), data.size(), false), newsidx_article_free);
        if (!a)
            throw Failure(NEWSIDX_ERR_CORRUPT, "stored data of a document is damaged");
        const newsidx_quote_t *q = nullptr;
        for (size_t i = 0, k = 0; i < a->n_quotes && !q; i++)
            if (!a->quotes[i].indirect && a->quotes[i].text && k++ == f.block)
                q = &a->quotes[i];
        if (!q)
            throw Failure(NEWSIDX_ERR_CORRUPT, "a quotation of article " + std::string(a->id) +
                                                   " is indexed but not stored");
        const char *open = req->hl_open ? req->hl_open : "<em>";
        const char *close = req->hl_close ? req->hl_close : "</em>";
        out->text = dup(tidy_text(marked_text(q->text, hl, stem, open, close), open, close));
        std::string who = q->speaker ? q->speaker : "";
        out->speaker = dup(aliases_of(h)->name_of(who));
        out->kind = NEWSIDX_KIND_PERSON;
        for (size_t i = 0; i < a->n_speakers; i++)
            if (a->speakers[i] && who == a->speakers[i] && a->speaker_kinds)
                out->kind = a->speaker_kinds[i];
        out->rank = rank;
        out->score = f.score;
        out->start = q->start;
        out->end = q->end;
        take_heading(out, a.get());
        if (!out->text || !out->speaker)
            throw std::bad_alloc();
    }

    newsidx_quotes_t *run()
    {
        plan();
        unsigned limit = page_limit();
        unsigned want = req->count_only ? std::max(EXAMINE, h->config.exact_total)
                                        : std::max(EXAMINE, 2 * (req->offset + limit));
        Xapian::MSet mset = articles(want);
        double n_docs = h->db.get_doccount();
        std::vector<Found> found;
        size_t rank = 0;
        for (auto it = mset.begin(); it != mset.end(); ++it)
            examine(it, rank++, n_docs, found);
        order(found);

        auto *r = static_cast<newsidx_quotes_t *>(calloc(1, sizeof(newsidx_quotes_t)));
        if (!r)
            throw std::bad_alloc();
        std::unique_ptr<newsidx_quotes_t, void (*)(newsidx_quotes_t *)> guard(r, newsidx_quotes_free);
        r->query = dup(display);
        bool every_article = mset.size() == mset.get_matches_upper_bound();
        r->total_exact = every_article;
        if (every_article || mset.size() == 0)
            r->total = found.size();
        else
            r->total = static_cast<uint64_t>(std::llround(
                static_cast<double>(found.size()) * mset.get_matches_estimated() / mset.size()));
        r->truncated = cut_wildcards;
        size_t from = std::min<size_t>(req->offset, found.size());
        size_t n = std::min<size_t>(limit, found.size() - from);
        r->more = r->total > req->offset + n;
        r->quotes = static_cast<newsidx_quote_hit_t *>(calloc(n ? n : 1, sizeof(newsidx_quote_hit_t)));
        if (!r->quotes || !r->query)
            throw std::bad_alloc();
        if (n) {
            std::set<std::string> hl = marks();
            for (size_t i = 0; i < n; i++) {
                r->n_quotes++;      /* zeroed: freed whole if fill() fails */
                fill(&r->quotes[i], found[from + i], req->offset + static_cast<unsigned>(i) + 1, hl);
            }
        }
        for (auto &w : warnings)
            note(r, w);
        return guard.release();
    }

    static void note(newsidx_quotes_t *r, const std::string &text)
    {
        char **v = static_cast<char **>(realloc(r->notes, (r->n_notes + 1) * sizeof(char *)));
        if (!v)
            throw std::bad_alloc();
        r->notes = v;
        r->notes[r->n_notes] = dup(text);
        if (!r->notes[r->n_notes])
            throw std::bad_alloc();
        r->n_notes++;
    }
};

}  // namespace

extern "C" newsidx_status_t newsidx_db_quotes(newsidx_db_t *h, const newsidx_search_t *req,
                                              newsidx_quotes_t **out) noexcept
{
    bool partial = req->partial || h->config.partial;
    ReadRules rules{partial, partial, "ask for a partial answer to search the others"};
    return guard(h, rules, [&](int) {
        newsidx_quotes_t *r = nullptr;
        try {
            r = QuoteSearch(h, req, false).run();
        } catch (const Xapian::WildcardError &) {
            r = nullptr;
        }
        if (!r) {
            try {
                r = QuoteSearch(h, req, true).run();
            } catch (const Xapian::WildcardError &e) {
                throw Failure(NEWSIDX_ERR_LIMIT,
                              "a wildcard matches too many words: " + e.get_msg());
            }
        }
        if (!h->shards.empty()) {
            std::unique_ptr<newsidx_quotes_t, void (*)(newsidx_quotes_t *)> g(r, newsidx_quotes_free);
            missing_shards_into(h, &r->missing_shards, &r->n_missing_shards);
            g.release();
        }
        *out = r;
        return NEWSIDX_OK;
    }, *out);
}

static void free_quote_hit(newsidx_quote_hit_t *q)
{
    free(q->speaker);
    free(q->text);
    free(q->id);
    free(q->title);
    free(q->date);
    free(q->dateline);
}

extern "C" void newsidx_quotes_free(newsidx_quotes_t *r) noexcept
{
    if (!r)
        return;
    free(r->query);
    free_hits(r->quotes, r->n_quotes, free_quote_hit);
    free_shards_and_notes(r->missing_shards, r->n_missing_shards, r->notes, r->n_notes);
    free(r);
}
