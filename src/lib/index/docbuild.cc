/* docbuild.cc - an article as a Xapian document (index format 2).
 *
 * Field weighting happens here, at index time: every field's words also
 * go into the unprefixed text that plain queries search, each occurrence
 * counting the field's weight (TermGenerator's wdf increment, as Omega
 * does for titles).  BM25 then ranks an article whose speaker or title
 * holds a query word above one that only has it in the body as often.
 * Prefixed copies serve field queries (title:, speaker:, ...); exact
 * lower-cased names serve filters; value slots serve sorting and facets.
 * The lead (the body's first sentence) is counted once more, without
 * positions, at [weights] lead: news puts what an article is about there. */
#include "config.h"

#include "guard.hh"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <unordered_set>

namespace nx {

void setup_termgenerators(Xapian::TermGenerator &tg, Xapian::TermGenerator &names)
{
    tg.set_stemmer(Xapian::Stem(STEMMER));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
    /* Names are matched as written: "speaker:rutte", never a stem. */
    names.set_stemmer(Xapian::Stem());
    names.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
}

/* Exact-match term for a name, cut to fit a Xapian term. */
static std::string exact_term(const char *prefix, const char *name)
{
    std::string t = prefix + lower(name);
    if (t.size() > 240) {
        size_t n = 240;
        while (n > 0 && (static_cast<unsigned char>(t[n]) & 0xc0) == 0x80)
            n--;
        t.resize(n);
    }
    return t;
}

/* The lead: the body's first sentence, where a news article says what
 * it is about.  It ends at a full stop, question or exclamation mark
 * after the eighth word (not one closing an abbreviation such as "U.S."
 * or "Mr."), and at the sixtieth word at the latest. */
std::string lead_of(const char *body)
{
    const char *p = body;
    unsigned words = 0;
    while (*p) {
        while (*p && isspace(static_cast<unsigned char>(*p)))
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && !isspace(static_cast<unsigned char>(*p)))
            p++;
        words++;
        size_t n = static_cast<size_t>(p - w);
        char last = w[n - 1];
        if (last == '"' || last == '\'' || last == ')')
            last = n > 1 ? w[n - 2] : last;
        bool stop = last == '.' || last == '!' || last == '?';
        if (stop && last == '.') {
            /* "U.S." and "Mr." are not the end of a sentence. */
            size_t dots = 0;
            for (size_t i = 0; i + 1 < n; i++)
                dots += w[i] == '.';
            if (dots > 0 || n <= 3)
                stop = false;
        }
        if ((stop && words >= 8) || words >= 60)
            break;
    }
    return std::string(body, static_cast<size_t>(p - body));
}

/* Words a query can do without.  In the strict (AND) form they would
 * demand that every article contain "the" and "what"; in the relaxed
 * form they would match everything.  Phrases keep them, and a phrase of
 * two of them is one term (PREFIX_PAIR, see add_pairs()). */
const char *const STOPWORDS[] = {
    "a", "about", "after", "against", "all", "also", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did",
    "do", "does", "doing", "during", "each", "for", "from", "had", "has", "have", "having",
    "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it",
    "its", "me", "more", "most", "my", "no", "nor", "not", "of", "on", "only", "or", "other",
    "our", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when",
    "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
    "tell", "me", "show", "find", "articles", "article", "news", "say", "said", "says",
};
const size_t N_STOPWORDS = sizeof STOPWORDS / sizeof STOPWORDS[0];

bool is_common_stem(const std::string &stem)
{
    static const std::unordered_set<std::string> stems = [] {
        std::unordered_set<std::string> s;
        Xapian::Stem st(STEMMER);
        for (size_t i = 0; i < N_STOPWORDS; i++)
            s.insert(st(STOPWORDS[i]));
        return s;
    }();
    return stems.count(stem) > 0;
}

/* Each two neighbouring words of the text that are both stopwords, as
 * one term with a wdf of how often they stand together.  Such a phrase
 * ("said it", "of the") would otherwise be checked by reading the
 * positions of two words found in nearly every article; as one term it
 * is a single posting list, and its frequency is the phrase's own.
 * Only the unprefixed text has neighbours: fields are FIELD_GAP apart. */
static void add_pairs(Xapian::Document &doc)
{
    std::vector<std::pair<Xapian::termpos, std::string>> at;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        const std::string &term = *t;
        if (term.empty() || isupper(static_cast<unsigned char>(term[0])) || !is_common_stem(term))
            continue;
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
            at.emplace_back(*p, term);
    }
    std::sort(at.begin(), at.end());
    for (size_t i = 0; i + 1 < at.size(); i++)
        if (at[i + 1].first == at[i].first + 1)
            doc.add_term(pair_term(at[i].second, at[i + 1].second));
}

std::string pair_term(const std::string &a, const std::string &b)
{
    return PREFIX_PAIR + a + " " + b;
}

std::vector<std::string> pair_words(const std::string &term)
{
    std::string rest = term.substr(strlen(PREFIX_PAIR));
    size_t sp = rest.find(' ');
    if (sp == std::string::npos)
        return {rest};
    return {rest.substr(0, sp), rest.substr(sp + 1)};
}

static std::string date_value(const char *date)
{
    /* "2025-02-12" -> "20250212": sortable and what DateRangeProcessor
     * compares against. */
    std::string v;
    for (const char *p = date; *p; p++)
        if (*p != '-')
            v += *p;
    return v;
}

Xapian::Document build_document(const newsidx_article_t *a, const newsidx_config_t *cfg,
                                Xapian::TermGenerator &tg, Xapian::TermGenerator &names)
{
    Xapian::Document doc;
    tg.set_document(doc);
    tg.set_termpos(0);
    names.set_document(doc);
    names.set_termpos(0);

    doc.add_boolean_term(std::string(PREFIX_ID) + a->id);

    if (a->title) {
        tg.index_text(a->title, 1, PREFIX_TITLE);
        tg.increase_termpos(FIELD_GAP);
        if (cfg->weight_title)
            tg.index_text(a->title, cfg->weight_title);
        tg.increase_termpos(FIELD_GAP);
    }
    if (a->dateline) {
        tg.index_text(a->dateline, 1, PREFIX_DATELINE);
        tg.increase_termpos(FIELD_GAP);
        if (cfg->weight_dateline)
            tg.index_text(a->dateline, cfg->weight_dateline);
        tg.increase_termpos(FIELD_GAP);
    }
    tg.index_text(a->body, cfg->weight_body);
    tg.increase_termpos(FIELD_GAP);
    /* Without positions: the lead's words are already in place in the
     * body, and a phrase must not match across the copy. */
    if (cfg->weight_lead && a->body)
        tg.index_text_without_positions(lead_of(a->body), cfg->weight_lead);

    for (size_t i = 0; i < a->n_speakers; i++) {
        names.index_text(a->speakers[i], 1, PREFIX_SPEAKER);
        names.increase_termpos(FIELD_GAP);
        if (cfg->weight_speaker) {
            tg.index_text(a->speakers[i], cfg->weight_speaker);
            tg.increase_termpos(FIELD_GAP);
        }
        doc.add_boolean_term(exact_term(PREFIX_SPEAKER_EXACT, a->speakers[i]));
        if (i < FACET_SLOTS)
            doc.add_value(SLOT_SPEAKER0 + static_cast<Xapian::valueno>(i), a->speakers[i]);
    }
    for (size_t i = 0; i < a->n_locations; i++) {
        names.index_text(a->locations[i], 1, PREFIX_LOCATION);
        names.increase_termpos(FIELD_GAP);
        if (cfg->weight_location) {
            tg.index_text(a->locations[i], cfg->weight_location);
            tg.increase_termpos(FIELD_GAP);
        }
        doc.add_boolean_term(exact_term(PREFIX_LOCATION_EXACT, a->locations[i]));
        if (i < FACET_SLOTS)
            doc.add_value(SLOT_LOCATION0 + static_cast<Xapian::valueno>(i), a->locations[i]);
    }
    add_pairs(doc);
    if (a->date)
        doc.add_value(SLOT_DATE, date_value(a->date));
    std::string list;
    for (size_t i = 0; i < a->n_speakers; i++)
        list += (i ? "\x1f" : "") + std::string(a->speakers[i]);
    if (!list.empty())
        doc.add_value(SLOT_SPEAKERS, list);
    list.clear();
    for (size_t i = 0; i < a->n_locations; i++)
        list += (i ? "\x1f" : "") + std::string(a->locations[i]);
    if (!list.empty())
        doc.add_value(SLOT_LOCATIONS, list);

    nx_buf_t data;
    nx_buf_init(&data);
    if (!nx_docdata_pack(a, &data)) {
        nx_buf_free(&data);
        throw std::bad_alloc();
    }
    doc.set_data(std::string(data.data, data.len));
    nx_buf_free(&data);
    /* The term generators would keep a reference to the document and
     * drop it when given the next one, in this thread, while the writer
     * uses it in another: Xapian's reference counts are not atomic. */
    tg.set_document(Xapian::Document());
    names.set_document(Xapian::Document());
    return doc;
}

}  // namespace nx

using namespace nx;


/* The distinct words of an article worth suggesting as corrections:
 * letters only, 3 to 24 bytes, lower case. */
static void spelling_words(const newsidx_article_t *a, std::vector<std::string> &out)
{
    std::unordered_set<std::string> seen;
    const char *texts[] = {a->title, a->body};
    for (const char *t : texts) {
        if (!t)
            continue;
        std::string w;
        bool bad = false;
        auto flush = [&]() {
            if (!bad && w.size() >= 3 && w.size() <= 24 && seen.insert(w).second)
                out.push_back(w);
            w.clear();
            bad = false;
        };
        for (Xapian::Utf8Iterator it(t); it != Xapian::Utf8Iterator(); ++it) {
            unsigned ch = *it;
            if (Xapian::Unicode::is_wordchar(ch)) {
                if (Xapian::Unicode::get_category(ch) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER ||
                    ch == '_')
                    bad = true;
                Xapian::Unicode::append_utf8(w, Xapian::Unicode::tolower(ch));
            } else if (!w.empty()) {
                flush();
            }
        }
        if (!w.empty())
            flush();
    }
}

extern "C" nx_doc_t *nx_doc_build(const newsidx_article_t *a, const newsidx_config_t *cfg,
                                  char **err) noexcept
{
    if (!a || !a->id || !a->body || !*a->id) {
        nx_set_error(err, "article without id or body");
        return nullptr;
    }
    /* One pair of term generators per thread, reused for every article
     * and destroyed with the thread. */
    struct Generators {
        Xapian::TermGenerator tg, names;
        Generators() { setup_termgenerators(tg, names); }
    };
    nx_doc_t *out = nullptr;
    std::string detail;
    newsidx_status_t st = guard(detail, [&]() {
        static thread_local Generators gen;
        std::unique_ptr<nx_doc_t> d(new nx_doc_t);
        d->idterm = std::string(PREFIX_ID) + a->id;
        d->doc = build_document(a, cfg, gen.tg, gen.names);
        if (cfg->spelling)
            spelling_words(a, d->words);
        out = d.release();
        return NEWSIDX_OK;
    });
    if (st != NEWSIDX_OK)
        nx_set_error(err, "%s", detail.c_str());
    return out;
}

extern "C" void nx_doc_free(nx_doc_t *d) noexcept
{
    delete d;
}

