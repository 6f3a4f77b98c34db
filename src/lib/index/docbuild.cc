/* docbuild.cc - an article as a Xapian document (index format 3).
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
#include "quotes.hh"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace nx {

void setup_termgenerators(Xapian::TermGenerator &tg, Xapian::TermGenerator &names)
{
    tg.set_stemmer(stemmer_for(nullptr));
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

/* The lead ends at the first sentence's end after LEAD_MIN_WORDS words,
 * and after LEAD_MAX_WORDS at the latest. */
static const unsigned LEAD_MIN_WORDS = 8;
static const unsigned LEAD_MAX_WORDS = 60;
/* A word of at most this many characters ending in a full stop ("Mr.",
 * "St.") is taken for an abbreviation, not a sentence's end. */
static const size_t SHORT_ABBREVIATION = 3;

const char *next_word(const char *p, const char **word)
{
    while (*p && isspace(static_cast<unsigned char>(*p)))
        p++;
    if (!*p) {
        *word = nullptr;
        return p;
    }
    *word = p;
    while (*p && !isspace(static_cast<unsigned char>(*p)))
        p++;
    return p;
}

/* Whether the word [w, w+n) ends a sentence: a full stop, question or
 * exclamation mark, perhaps before a closing quote or bracket, but not
 * the full stop of an abbreviation such as "U.S." or "Mr.". */
static bool ends_sentence(const char *w, size_t n)
{
    char last = w[n - 1];
    if (last == '"' || last == '\'' || last == ')')
        last = n > 1 ? w[n - 2] : last;
    if (last == '!' || last == '?')
        return true;
    if (last != '.')
        return false;
    size_t dots = 0;
    for (size_t i = 0; i + 1 < n; i++)
        dots += w[i] == '.';
    return dots == 0 && n > SHORT_ABBREVIATION;
}

/* The lead: the body's first sentence, where a news article says what
 * it is about (LEAD_MIN_WORDS, LEAD_MAX_WORDS). */
std::string lead_of(const char *body)
{
    const char *p = body, *w;
    unsigned words = 0;
    while (*p) {
        p = next_word(p, &w);
        if (!w)
            break;
        words++;
        bool stop = ends_sentence(w, static_cast<size_t>(p - w));
        if ((stop && words >= LEAD_MIN_WORDS) || words >= LEAD_MAX_WORDS)
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

/* A stemmer that remembers its words.  Most words of news repeat (a
 * Reuters article has about 220 words, 80 of them distinct, and the few
 * thousand commonest words make most of any text), and Snowball spends
 * about 1,400 instructions on a word: stemming was 8% of an import's
 * instructions and a quarter of a search's (snippets stem every word of
 * the text they are made from).  The cache is direct-mapped, one
 * 64-byte line per slot holding a word and its stem: a lookup touches
 * one cache line, where a node-based hash table of all words (tried
 * first) missed the processor's caches on most lookups and saved
 * nothing in time.  16,384 slots rather than 4,096: the import's
 * stemming 189 M -> 137 M instructions for 2,000 Reuters articles, a
 * search no slower (doc/performance.md).  One per thread and language,
 * never shared: neither it nor Xapian's reference counts are
 * thread-safe. */
class CachedStem : public Xapian::StemImplementation {
    struct Slot {
        unsigned char word_len, stem_len;   /* 0: empty */
        char word[31], stem[31];
    };
    static const size_t SLOTS = 16384; /* 1 MiB */
    static_assert(sizeof(Slot) == 64, "one cache line a slot");
    Xapian::Stem stem;
    Slot *slots;                        /* SLOTS of them, 64-byte aligned */

    static size_t slot_of(const std::string &w)
    {
        uint32_t h = 2166136261u;      /* FNV-1a */
        for (unsigned char c : w)
            h = (h ^ c) * 16777619u;
        return (h ^ (h >> 15)) & (SLOTS - 1);
    }

  public:
    explicit CachedStem(const Xapian::Stem &s) : stem(s), slots(nullptr)
    {
        void *p = nullptr;
        if (posix_memalign(&p, 64, SLOTS * sizeof(Slot)) != 0)
            throw std::bad_alloc();
        memset(p, 0, SLOTS * sizeof(Slot));
        slots = static_cast<Slot *>(p);
    }
    ~CachedStem() override { free(slots); }
    CachedStem(const CachedStem &) = delete;
    CachedStem &operator=(const CachedStem &) = delete;

    std::string operator()(const std::string &word) override
    {
        if (word.empty() || word.size() > sizeof(Slot::word))
            return stem(word);
        Slot &s = slots[slot_of(word)];
        if (s.word_len == word.size() && memcmp(s.word, word.data(), word.size()) == 0)
            return std::string(s.stem, s.stem_len);
        std::string r = stem(word);
        if (r.size() <= sizeof(Slot::stem)) {
            s.word_len = static_cast<unsigned char>(word.size());
            memcpy(s.word, word.data(), word.size());
            s.stem_len = static_cast<unsigned char>(r.size());
            memcpy(s.stem, r.data(), r.size());
        }
        return r;
    }

    std::string get_description() const override
    {
        return "CachedStem(" + stem.get_description() + ")";
    }
};

const Xapian::Stem &stemmer_for(const char *language)
{
    /* Stem objects are built once per language and thread. */
    static thread_local std::map<std::string, Xapian::Stem> stems;
    std::string lang = language_of(language);
    auto it = stems.find(lang);
    if (it != stems.end())
        return it->second;
    Xapian::Stem st;
    try {
        st = Xapian::Stem(new CachedStem(Xapian::Stem(lang == "en" ? std::string(STEMMER) : lang)));
    } catch (const Xapian::InvalidArgumentError &) {
        st = Xapian::Stem();            /* no stemmer: words as written */
    }
    return stems.emplace(lang, st).first->second;
}

std::string language_of(const char *language)
{
    return language && *language ? std::string(language) : std::string("en");
}

/* A version as a number: digits only, leading zeros dropped. */
static bool numeric(const std::string &v, std::string &digits)
{
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
        return false;
    size_t z = v.find_first_not_of('0');
    digits = z == std::string::npos ? "0" : v.substr(z);
    return true;
}

bool is_older(const std::string &version, const std::string &time,
              const std::string &stored_version, const std::string &stored_time)
{
    std::string a, b;
    if (numeric(version, a) && numeric(stored_version, b) && a != b)
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    return !time.empty() && !stored_time.empty() && time < stored_time;
}

/* Extracted names first, then those the sender tagged that extraction
 * did not find (compared without case). */
static std::vector<std::string> merged(char *const *found, size_t n_found, char *const *tagged,
                                       size_t n_tagged, size_t *from_found = nullptr)
{
    std::vector<std::string> v;
    std::unordered_set<std::string> seen;
    for (size_t i = 0; i < n_found + n_tagged; i++) {
        const char *name = i < n_found ? found[i] : tagged[i - n_found];
        if (name && *name && seen.insert(lower(name)).second)
            v.emplace_back(name);
        if (from_found && i + 1 == n_found)
            *from_found = v.size();
    }
    return v;
}

/* "2025-02-12T09:30:00Z" -> "20250212093000". */
static std::string time_value(const char *time)
{
    std::string v;
    for (const char *p = time; *p; p++)
        if (isdigit(static_cast<unsigned char>(*p)))
            v += *p;
    return v;
}

/* Names as a field: words unstemmed with positions, the exact name as a
 * boolean term, and the first FACET_SLOTS in slots of their own. */
static void index_names(Xapian::Document &doc, Xapian::TermGenerator &names,
                        Xapian::TermGenerator &tg, const Xapian::Stem *stem,
                        const std::vector<std::string> &v,
                        const char *prefix, const char *exact, unsigned weight,
                        Xapian::valueno slot0, Xapian::valueno all)
{
    std::string list;
    for (size_t i = 0; i < v.size(); i++) {
        index_words(names, doc, nullptr, v[i].data(), v[i].size(), 1, prefix);
        names.increase_termpos(FIELD_GAP);
        if (weight) {
            index_words(tg, doc, stem, v[i].data(), v[i].size(), weight, "");
            tg.increase_termpos(FIELD_GAP);
        }
        doc.add_boolean_term(exact_term(exact, v[i].c_str()));
        if (i < FACET_SLOTS)
            doc.add_value(slot0 + static_cast<Xapian::valueno>(i), v[i]);
        list += (i ? "\x1f" : "") + v[i];
    }
    if (!list.empty())
        doc.add_value(all, list);
}

/* What the sender gives: byline and URL words, language, time,
 * version (format 3). */
static void index_sender(Xapian::Document &doc, Xapian::TermGenerator &names,
                         const newsidx_article_t *a)
{
    if (a->byline) {
        index_words(names, doc, nullptr, a->byline, strlen(a->byline), 1, PREFIX_BYLINE);
        names.increase_termpos(FIELD_GAP);
    }
    if (a->url) {
        index_words(names, doc, nullptr, a->url, strlen(a->url), 1, PREFIX_URL);
        names.increase_termpos(FIELD_GAP);
    }
    std::string lang = language_of(a->language);
    doc.add_boolean_term(PREFIX_LANGUAGE + lang);
    doc.add_value(SLOT_LANGUAGE, lang);
    if (a->time)
        doc.add_value(SLOT_TIME, time_value(a->time));
    if (a->version)
        doc.add_value(SLOT_VERSION, a->version);
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

/* One letter per speaker of the list indexed: 'o' an organisation, 'p'
 * a person (the people a sender tagged are persons). */
static std::string speaker_kinds(const newsidx_article_t *a, const std::vector<std::string> &list)
{
    std::string kinds;
    for (auto &name : list) {
        char k = 'p';
        for (size_t i = 0; i < a->n_speakers && a->speaker_kinds; i++)
            if (a->speakers[i] && name == a->speakers[i]) {
                k = a->speaker_kinds[i] == NEWSIDX_KIND_ORGANISATION ? 'o' : 'p';
                break;
            }
        kinds += k;
    }
    return kinds;
}

Xapian::Document build_document(const newsidx_article_t *a, const newsidx_config_t *cfg,
                                Xapian::TermGenerator &tg, Xapian::TermGenerator &names)
{
    Xapian::Document doc;
    const Xapian::Stem *stem = &stemmer_for(a->language);
    tg.set_stemmer(*stem);
    tg.set_document(doc);
    tg.set_termpos(0);
    names.set_document(doc);
    names.set_termpos(0);

    doc.add_boolean_term(std::string(PREFIX_ID) + a->id);

    if (a->title) {
        size_t n = strlen(a->title);
        index_words(tg, doc, stem, a->title, n, 1, PREFIX_TITLE);
        tg.increase_termpos(FIELD_GAP);
        if (cfg->weight_title)
            index_words(tg, doc, stem, a->title, n, cfg->weight_title, "");
        tg.increase_termpos(FIELD_GAP);
    }
    if (a->dateline) {
        size_t n = strlen(a->dateline);
        index_words(tg, doc, stem, a->dateline, n, 1, PREFIX_DATELINE);
        tg.increase_termpos(FIELD_GAP);
        if (cfg->weight_dateline)
            index_words(tg, doc, stem, a->dateline, n, cfg->weight_dateline, "");
        tg.increase_termpos(FIELD_GAP);
    }
    /* The lead's words count [weights] lead more than the rest of the
     * body's: indexed in place with both increments, they get the wdf
     * and positions a second pass over the lead without positions gave,
     * for one tokenisation instead of two.  The lead ends between two
     * words, so the two parts make the body's terms. */
    size_t lead = cfg->weight_lead ? lead_of(a->body).size() : 0;
    size_t body_len = strlen(a->body);
    index_words(tg, doc, stem, a->body, lead, cfg->weight_body + cfg->weight_lead, "");
    index_words(tg, doc, stem, a->body + lead, body_len - lead, cfg->weight_body, "");
    tg.increase_termpos(FIELD_GAP);

    /* The people and places the sender tagged count as speakers and
     * locations too, after those extraction found. */
    size_t found_speakers = 0, found_locations = 0;
    std::vector<std::string> speakers = merged(a->speakers, a->n_speakers, a->agency_persons,
                                               a->n_agency_persons, &found_speakers);
    index_names(doc, names, tg, stem, speakers, PREFIX_SPEAKER, PREFIX_SPEAKER_EXACT,
                cfg->weight_speaker, SLOT_SPEAKER0, SLOT_SPEAKERS);
    if (!speakers.empty())
        doc.add_value(SLOT_SPEAKER_KINDS, speaker_kinds(a, speakers));
    std::vector<std::string> locations = merged(a->locations, a->n_locations, a->agency_places,
                                                a->n_agency_places, &found_locations);
    index_names(doc, names, tg, stem, locations, PREFIX_LOCATION, PREFIX_LOCATION_EXACT,
                cfg->weight_location, SLOT_LOCATION0, SLOT_LOCATIONS);
    /* Where the sender's names begin, so that facets can say which
     * names only the sender gave. */
    if (speakers.size() > found_speakers || locations.size() > found_locations)
        doc.add_value(SLOT_FOUND,
                      std::to_string(found_speakers) + "\x1f" + std::to_string(found_locations));
    index_names(doc, names, tg, stem, merged(a->subjects, a->n_subjects, nullptr, 0), PREFIX_SUBJECT,
                PREFIX_SUBJECT_EXACT, 0, SLOT_SUBJECT0, SLOT_SUBJECTS);
    index_sender(doc, names, a);
    add_quote_terms(doc, a, tg, names);
    add_pairs(doc);
    if (a->date)
        doc.add_value(SLOT_DATE, date_value(a->date));

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
 * letters only, 3 to 24 bytes, lower case.  ASCII is classed here
 * byte by byte (a letter, a digit or '_' is a word character; a digit
 * or '_' spoils the word), anything else by Xapian's Unicode tables;
 * the words seen are kept in a small open-addressed table of indices
 * into out.  Decoding every character through Utf8Iterator and a node
 * per word in a std::unordered_set cost 150,000 instructions an
 * article, a tenth of building its document. */
namespace {

class SpellingWords {
    std::vector<std::string> &out;
    std::vector<uint32_t> table;        /* 1 + index into out, 0 empty */
    size_t first;                       /* out's words before ours */
    std::string w;
    bool bad = false;

    static uint32_t hash(const std::string &s)
    {
        uint32_t h = 2166136261u;
        for (unsigned char c : s)
            h = (h ^ c) * 16777619u;
        return h;
    }

    void grow()
    {
        std::vector<uint32_t> old(table.size() * 2, 0);
        old.swap(table);
        for (size_t i = first; i < out.size(); i++)
            place(static_cast<uint32_t>(i));
    }

    void place(uint32_t i)
    {
        size_t mask = table.size() - 1;
        for (size_t k = hash(out[i]) & mask;; k = (k + 1) & mask)
            if (!table[k]) {
                table[k] = i + 1;
                return;
            }
    }

  public:
    explicit SpellingWords(std::vector<std::string> &o) : out(o), table(512, 0), first(o.size()) {}

    void add_char(unsigned ch)
    {
        if (ch < 0x80) {
            bool letter = (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
            if (letter) {
                w += static_cast<char>(ch | 0x20);
            } else if ((ch >= '0' && ch <= '9') || ch == '_') {
                bad = true;
                w += static_cast<char>(ch);
            } else if (!w.empty()) {
                flush();
            }
            return;
        }
        if (Xapian::Unicode::is_wordchar(ch)) {
            if (Xapian::Unicode::get_category(ch) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER)
                bad = true;
            Xapian::Unicode::append_utf8(w, Xapian::Unicode::tolower(ch));
        } else if (!w.empty()) {
            flush();
        }
    }

    void flush()
    {
        if (!bad && w.size() >= 3 && w.size() <= 24) {
            size_t mask = table.size() - 1, k = hash(w) & mask;
            for (; table[k]; k = (k + 1) & mask)
                if (out[table[k] - 1] == w)
                    break;
            if (!table[k]) {
                out.push_back(w);
                table[k] = static_cast<uint32_t>(out.size());
                if (2 * (out.size() - first) > table.size())
                    grow();
            }
        }
        w.clear();
        bad = false;
    }
};

}  // namespace

static void spelling_words(const newsidx_article_t *a, std::vector<std::string> &out)
{
    SpellingWords sw(out);
    const char *texts[] = {a->title, a->body};
    for (const char *t : texts) {
        if (!t)
            continue;
        const unsigned char *p = reinterpret_cast<const unsigned char *>(t);
        while (*p) {
            if (*p < 0x80) {
                sw.add_char(*p++);
                continue;
            }
            const unsigned char *q = p + 1;
            while (*q >= 0x80 && *q < 0xc0)
                q++;
            Xapian::Utf8Iterator it(reinterpret_cast<const char *>(p), static_cast<size_t>(q - p));
            for (; it != Xapian::Utf8Iterator(); ++it)
                sw.add_char(*it);
            p = q;
        }
        sw.flush();
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
        /* The story key itself is the writer's to decide (writer.cc). */
        d->title_key = story_title_key(a->title);
        d->signature = story_signature(a->body);
        d->doc.add_value(SLOT_SIGNATURE, d->signature);
        d->in_parts = a->story && a->n_parts;
        if (cfg->spelling)
            spelling_words(a, d->words);
        alias_links(a, d->aliases);
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

