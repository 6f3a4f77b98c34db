/* tokenizer.cc - the words of an ASCII text as TermGenerator makes them,
 * fed to Document::add_posting directly.
 *
 * An import spends a sixth of its document building inside
 * TermGenerator::index_text: each character is decoded by a
 * Utf8Iterator, classed through the Unicode tables, and appended to the
 * term one call at a time.  Nearly all news text is ASCII, where the
 * same rules take a byte compare each.  index_words() walks such a text
 * itself and adds the very terms, positions and wdfs TermGenerator
 * would (1.4's rules: initials such as "U.S." as one word, the infixes
 * of "AT&T", "don't" and "1,000.5", the suffixes of "C++" and "C#",
 * words over 64 bytes dropped); any other text, or a generator whose
 * settings it does not follow, goes to TermGenerator itself.
 * nx_tokenizer_check() compares the two on a text, for the tests. */
#include "config.h"

#include "guard.hh"

#include <cstring>

namespace nx {

namespace {

/* TermGenerator's longest word; longer ones are not indexed. */
const size_t MAX_WORD_BYTES = 64;

inline bool word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

inline bool upper_byte(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

inline bool digit_byte(unsigned char c)
{
    return c >= '0' && c <= '9';
}

inline char lower_byte(unsigned char c)
{
    return static_cast<char>(upper_byte(c) ? c + ('a' - 'A') : c);
}

/* Initials separated by full stops ("U.S.", "P.T.O"), lower-cased into
 * term, at p; the end of the initials when they make a word of more
 * than one letter not followed by a word character, else nullptr. */
const unsigned char *initials(const unsigned char *p, const unsigned char *end, std::string &term)
{
    term.clear();
    do {
        term += lower_byte(*p++);
    } while (p != end && *p == '.' && ++p != end && upper_byte(*p));
    if (term.size() > 1 && (p == end || !word_byte(*p)))
        return p;
    term.clear();
    return nullptr;
}

/* One word starting at the word byte p, into term (lower-cased); where
 * the walk goes on. */
const unsigned char *one_word(const unsigned char *p, const unsigned char *end, std::string &term)
{
    if (upper_byte(*p)) {
        const unsigned char *q = initials(p, end, term);
        if (q)
            return q;
    }
    unsigned char prev;
    for (;;) {
        do {
            prev = static_cast<unsigned char>(lower_byte(*p));
            term += static_cast<char>(prev);
            if (++p == end)
                return p;
        } while (word_byte(*p));
        /* An infix joins two runs of word characters: ',' '.' ';'
         * between digits, '\'' and '&' anywhere. */
        const unsigned char *next = p + 1;
        if (next == end || !word_byte(*next))
            break;
        bool infix = (digit_byte(prev) && digit_byte(*next)) ? (*p == ',' || *p == '.' || *p == ';')
                                                              : (*p == '\'' || *p == '&');
        if (!infix)
            break;
        term += static_cast<char>(*p);
        p = next;
    }
    /* "C++", "C#": up to three of them, when no word character follows. */
    size_t len = term.size();
    unsigned count = 0;
    while (*p == '+' || *p == '#') {
        if (++count > 3) {
            term.resize(len);
            break;
        }
        term += static_cast<char>(*p);
        if (++p == end)
            return p;
    }
    if (word_byte(*p))
        term.resize(len);
    return p;
}

bool is_ascii(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (static_cast<unsigned char>(text[i]) >= 0x80 || text[i] == '\0')
            return false;
    return true;
}

}  // namespace

void index_words(Xapian::TermGenerator &tg, Xapian::Document &doc, const Xapian::Stem *stem,
                 const char *text, size_t len, Xapian::termcount wdf, const std::string &prefix)
{
    if ((stem && stem->is_none()) || !is_ascii(text, len)) {
        tg.index_text(Xapian::Utf8Iterator(text, len), wdf, prefix);
        return;
    }
    const unsigned char *p = reinterpret_cast<const unsigned char *>(text), *end = p + len;
    Xapian::termpos pos = tg.get_termpos();
    std::string word, term;
    while (p != end) {
        if (!word_byte(*p)) {
            p++;
            continue;
        }
        word.clear();
        p = one_word(p, end, word);
        if (word.size() > MAX_WORD_BYTES)
            continue;
        term = prefix;
        if (stem) {
            std::string s = (*stem)(word);
            if (s.empty())
                continue;
            term += s;
        } else {
            term += word;
        }
        doc.add_posting(term, ++pos, wdf);
    }
    tg.set_termpos(pos);
}

}  // namespace nx

using namespace nx;

/* The terms of a document: each with its wdf and positions. */
static std::string describe(const Xapian::Document &doc)
{
    std::string out;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        out += *t + ":" + std::to_string(t.get_wdf());
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
            out += "," + std::to_string(*p);
        out += " ";
    }
    return out;
}

extern "C" char *nx_tokenizer_check(const char *text, size_t len, bool stemmed,
                                    unsigned wdf) noexcept
{
    std::string detail, diff;
    newsidx_status_t st = guard(detail, [&]() {
        Xapian::TermGenerator tg, names;
        setup_termgenerators(tg, names);
        Xapian::TermGenerator &gen = stemmed ? tg : names;
        const std::string prefix = stemmed ? "" : "XS";
        Xapian::Document theirs, ours;
        gen.set_document(theirs);
        gen.set_termpos(3);
        gen.index_text(Xapian::Utf8Iterator(text, len), wdf, prefix);
        Xapian::termpos their_end = gen.get_termpos();
        gen.set_document(ours);
        gen.set_termpos(3);
        index_words(gen, ours, stemmed ? &stemmer_for(nullptr) : nullptr, text, len, wdf, prefix);
        Xapian::termpos our_end = gen.get_termpos();
        std::string a = describe(theirs), b = describe(ours);
        if (a != b || their_end != our_end)
            diff = "TermGenerator: " + a + "(end " + std::to_string(their_end) + ")\nours: " + b +
                   "(end " + std::to_string(our_end) + ")";
        gen.set_document(Xapian::Document());
        return NEWSIDX_OK;
    });
    if (st != NEWSIDX_OK)
        diff = "failed: " + detail;
    return diff.empty() ? nullptr : strdup(diff.c_str());
}
