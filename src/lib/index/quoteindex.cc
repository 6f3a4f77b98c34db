/* quoteindex.cc - quotations in the index (format 3): the terms of each
 * quotation, and the query form that makes "speaker: with quote:" mean
 * that the speaker said those words.
 *
 * Each quotation in quotation marks is a block of positions of its own,
 * QUOTE_STRIDE apart (store.hh): its words as XQ terms, stemmed as the
 * body is, and its speaker's name words as XQS terms in the same block.
 * Words of one quotation are then within QUOTE_WINDOW positions of each
 * other and of its speaker's name, words of two quotations never, so
 * Xapian's own NEAR and PHRASE operators keep a search inside one
 * quotation without a posting list per quotation.  Reported speech
 * ("X said that ...") is not in quotation marks and is not indexed here:
 * its words are the body's. */
#include "config.h"

#include "guard.hh"
#include "quotes.hh"

#include <cctype>
#include <cstring>
#include <functional>

namespace nx {

/* The quotation's text cut after QUOTE_MAX_WORDS words, so that its
 * block never runs into the next one. */
static std::string first_words(const char *text)
{
    const char *p = text, *w;
    unsigned words = 0;
    while (*p) {
        const char *end = next_word(p, &w);
        if (!w || ++words > QUOTE_MAX_WORDS) {
            p = w ? w : end;
            break;
        }
        p = end;
    }
    return std::string(text, static_cast<size_t>(p - text));
}

Xapian::termpos quote_block_base(size_t block)
{
    return static_cast<Xapian::termpos>((block + 1) * QUOTE_STRIDE);
}

size_t quote_block_of(Xapian::termpos pos)
{
    return pos < QUOTE_STRIDE ? SIZE_MAX : pos / QUOTE_STRIDE - 1;
}

void add_quote_terms(Xapian::Document &doc, const newsidx_article_t *a,
                     Xapian::TermGenerator &tg, Xapian::TermGenerator &names)
{
    size_t block = 0;
    for (size_t i = 0; i < a->n_quotes; i++) {
        const newsidx_quote_t *q = &a->quotes[i];
        if (q->indirect || !q->text)
            continue;
        Xapian::termpos base = quote_block_base(block++);
        /* the speaker first, then the words: NEAR wants terms at
         * different positions */
        tg.set_termpos(base + QUOTE_NAME_ROOM);
        /* wdf 0: the words are the body's already, and an article's
         * length (BM25's normalisation) stays what its text makes it */
        tg.index_text(first_words(q->text), 0, PREFIX_QUOTE);
        if (q->speaker) {
            names.set_termpos(base);
            names.index_text(q->speaker, 0, PREFIX_QUOTE_SPEAKER);
        }
    }
    if (block) {
        doc.add_boolean_term(TERM_HAS_QUOTES);
        doc.add_value(SLOT_QUOTE_BLOCKS, std::to_string(block));
    }
}

/* ------------------------------------------------------------------ */
/* Queries: one quotation at a time                                     */
/* ------------------------------------------------------------------ */

static bool has_prefix(const std::string &term, const char *prefix)
{
    size_t n = strlen(prefix);
    return term.compare(0, n, prefix) == 0 && term.size() > n &&
           !isupper(static_cast<unsigned char>(term[n]));
}

bool is_quote_term(const std::string &term)
{
    return has_prefix(term, PREFIX_QUOTE);
}

bool is_quote_speaker_term(const std::string &term)
{
    return has_prefix(term, PREFIX_QUOTE_SPEAKER);
}

/* Whether any term of q is a word of a quotation. */
static bool mentions_quotes(const Xapian::Query &q)
{
    for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t)
        if (is_quote_term(*t))
            return true;
    return false;
}

/* The terms of q when q is a term, a phrase or an OR of terms of the
 * given kind (the shapes QueryParser gives a field), else empty. */
static std::vector<std::string> plain_terms(const Xapian::Query &q,
                                            bool (*kind)(const std::string &))
{
    std::vector<std::string> out;
    Xapian::Query::op op = q.get_type();
    if (op == Xapian::Query::LEAF_TERM) {
        std::string t = *q.get_terms_begin();
        if (kind(t))
            out.push_back(t);
        return out;
    }
    if (op != Xapian::Query::OP_PHRASE && op != Xapian::Query::OP_AND)
        return out;
    for (size_t i = 0; i < q.get_num_subqueries(); i++) {
        Xapian::Query s = q.get_subquery(i);
        if (s.get_type() != Xapian::Query::LEAF_TERM || !kind(*s.get_terms_begin()))
            return {};
        out.push_back(*s.get_terms_begin());
    }
    return out;
}

static bool is_speaker_term(const std::string &t)
{
    return has_prefix(t, PREFIX_SPEAKER) || is_quote_speaker_term(t);
}

/* The forms a speaker part may take: a name (a term or a phrase of its
 * words), or an OR of names (the alias table's forms); empty when the
 * part is something else. */
static std::vector<std::vector<std::string>> speaker_forms(const Xapian::Query &q)
{
    if (q.get_type() == Xapian::Query::OP_OR) {
        std::vector<std::vector<std::string>> all;
        for (size_t i = 0; i < q.get_num_subqueries(); i++) {
            std::vector<std::string> one = plain_terms(q.get_subquery(i), is_speaker_term);
            if (one.empty())
                return {};
            all.push_back(one);
        }
        return all;
    }
    std::vector<std::string> one = plain_terms(q, is_speaker_term);
    if (one.empty())
        return {};
    return {one};
}

static std::string as_quote_speaker(const std::string &t)
{
    return is_quote_speaker_term(t) ? t : PREFIX_QUOTE_SPEAKER + t.substr(strlen(PREFIX_SPEAKER));
}

/* One AND group: when it holds words of quotations, its speaker terms
 * become the quotation's speaker (XQS), and they and the quotation words
 * must stand in one quotation (a NEAR within QUOTE_WINDOW; an OR of
 * NEARs when a speaker has several forms).  Phrases stay as they are
 * beside it: a phrase cannot be put in a NEAR. */
static Xapian::Query scope_and(const std::vector<Xapian::Query> &parts)
{
    std::vector<Xapian::Query> rest, words;
    std::vector<std::vector<std::string>> speakers{{}};    /* each choice of forms */
    size_t scoped = 0;
    bool quotes = false;
    for (auto &p : parts) {
        std::vector<std::vector<std::string>> forms = speaker_forms(p);
        if (!forms.empty() && speakers.size() * forms.size() <= 16) {
            std::vector<std::vector<std::string>> next;
            for (auto &so_far : speakers)
                for (auto &f : forms) {
                    next.push_back(so_far);
                    for (auto &t : f)
                        next.back().push_back(as_quote_speaker(t));
                }
            speakers.swap(next);
            scoped++;
            continue;
        }
        std::vector<std::string> w = plain_terms(p, is_quote_term);
        if (!w.empty()) {
            for (auto &t : w)
                words.emplace_back(t);
            scoped++;
            quotes = true;
            if (p.get_type() == Xapian::Query::OP_PHRASE)
                rest.push_back(p);
            continue;
        }
        rest.push_back(p);
    }
    if (!quotes || scoped < 2)
        return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
    std::vector<Xapian::Query> choices;
    for (auto &who : speakers) {
        std::vector<Xapian::Query> near(who.begin(), who.end());
        near.insert(near.end(), words.begin(), words.end());
        choices.emplace_back(Xapian::Query::OP_NEAR, near.begin(), near.end(), QUOTE_WINDOW);
    }
    rest.emplace_back(Xapian::Query::OP_OR, choices.begin(), choices.end());
    return rest.size() == 1 ? rest[0]
                            : Xapian::Query(Xapian::Query::OP_AND, rest.begin(), rest.end());
}

Xapian::Query scope_quotes(const Xapian::Query &q)
{
    if (!mentions_quotes(q))
        return q;
    Xapian::Query::op op = q.get_type();
    switch (op) {
    case Xapian::Query::OP_AND: {
        std::vector<Xapian::Query> parts;
        std::function<void(const Xapian::Query &)> flatten = [&](const Xapian::Query &x) {
            if (x.get_type() != Xapian::Query::OP_AND) {
                parts.push_back(scope_quotes(x));
                return;
            }
            for (size_t i = 0; i < x.get_num_subqueries(); i++)
                flatten(x.get_subquery(i));
        };
        flatten(q);
        return scope_and(parts);
    }
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER: {
        std::vector<Xapian::Query> sub;
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            sub.push_back(scope_quotes(q.get_subquery(i)));
        return Xapian::Query(op, sub.begin(), sub.end());
    }
    default:
        return q;
    }
}

}  // namespace nx
