/* search.cc - queries, snippets, facets and similar articles.
 *
 * Query syntax is Xapian's QueryParser with these additions:
 *  - speaker: and location: match names as written, never stemmed, with
 *    phrases (speaker:"mark rutte") and trailing wildcards (speaker:rut*);
 *    so do byline:, subject: and url: (index format 3);
 *  - lang:xx keeps the articles in one language;
 *  - date:FROM..TO on the date value slot;
 *  - syntax errors carry the column where they are.
 * Xapian 1.4 hands a free-text FieldProcessor neither a quoted phrase nor
 * a wildcard, so those two forms are rewritten before parsing into a
 * token the name processor decodes; so is a quoted phrase of two
 * stopwords, into the pair term of format 2 (see rewrite_query()). */
#include "config.h"

#include "answers.hh"
#include "guard.hh"
#include "quotes.hh"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <string>
#include <vector>

#include <unistd.h>

using namespace nx;

namespace {

/* ------------------------------------------------------------------ */
/* Query text: syntax check and rewriting                               */
/* ------------------------------------------------------------------ */

struct SyntaxError {
    size_t column;              /* 1-based, in bytes */
    std::string what;
};

bool is_binary_op(const std::string &w)
{
    return w == "AND" || w == "OR" || w == "XOR" || w == "NEAR" || w == "ADJ";
}

/* Xapian's parser takes '*' only at the end of a word and drops it
 * anywhere else without a word: "*il" would search "il".  w is a word of
 * the query, at the 0-based byte start. */
bool check_wildcard(const std::string &w, size_t start, SyntaxError &err)
{
    std::string core = w.substr(w.find_first_not_of("+-") == std::string::npos
                                    ? w.size() : w.find_first_not_of("+-"));
    size_t colon = core.find(':');
    if (colon != std::string::npos)
        core.erase(0, colon + 1);
    size_t star = core.find('*');
    if (star != std::string::npos && star + 1 != core.size()) {
        err = {start + 1 + (w.size() - core.size()) + star,
               "'*' can only end a word (harb*): '" + w + "' has a wildcard at its start "
               "or inside, which is not supported"};
        return false;
    }
    if (core == "*") {
        err = {start + 1 + (w.size() - core.size()),
               "'*' can only end a word (harb*), not stand alone"};
        return false;
    }
    return true;
}

/* Finds the mistakes QueryParser would silently paper over or report
 * without a position: unbalanced parentheses and quotes, and binary
 * operators with a missing operand.  Counts the words on the way, those
 * of phrases and the operators included, into *words. */
bool check_syntax(const std::string &q, SyntaxError &err, size_t *words)
{
    std::vector<size_t> open;
    bool in_quote = false;
    size_t quote_at = 0;
    std::string prev_word;      /* previous bare word, for operators */
    size_t prev_at = 0;
    bool expect_operand = true; /* at start, after '(' or an operator */
    size_t i = 0, n = q.size();
    *words = 0;
    while (i < n) {
        char c = q[i];
        if (in_quote) {
            if (c == '"')
                in_quote = false;
            else if (!isspace(static_cast<unsigned char>(c)) &&
                     (i == 0 || isspace(static_cast<unsigned char>(q[i - 1])) || q[i - 1] == '"'))
                (*words)++;
            i++;
            continue;
        }
        if (c == '"') {
            in_quote = true;
            quote_at = i;
            expect_operand = false;
            i++;
            continue;
        }
        if (c == '(') {
            open.push_back(i);
            expect_operand = true;
            i++;
            continue;
        }
        if (c == ')') {
            if (open.empty()) {
                err = {i + 1, "')' without a matching '('"};
                return false;
            }
            if (expect_operand && !prev_word.empty() && is_binary_op(prev_word)) {
                err = {prev_at + 1, "'" + prev_word + "' needs something after it"};
                return false;
            }
            open.pop_back();
            expect_operand = false;
            i++;
            continue;
        }
        if (isspace(static_cast<unsigned char>(c))) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && !isspace(static_cast<unsigned char>(q[i])) && q[i] != '(' &&
               q[i] != ')' && q[i] != '"')
            i++;
        std::string w = q.substr(start, i - start);
        (*words)++;
        if (!check_wildcard(w, start, err))
            return false;
        if (is_binary_op(w)) {
            if (expect_operand) {
                err = {start + 1, "'" + w + "' needs something before it"};
                return false;
            }
            expect_operand = true;
        } else {
            expect_operand = false;
        }
        prev_word = w;
        prev_at = start;
    }
    if (in_quote) {
        err = {quote_at + 1, "'\"' is never closed"};
        return false;
    }
    if (!open.empty()) {
        err = {open.back() + 1, "'(' is never closed"};
        return false;
    }
    if (!prev_word.empty() && is_binary_op(prev_word) && expect_operand) {
        err = {prev_at + 1, "'" + prev_word + "' needs something after it"};
        return false;
    }
    return true;
}

std::string hex(const std::string &s)
{
    static const char digits[] = "0123456789abcdef";
    std::string r;
    for (unsigned char c : s) {
        r += digits[c >> 4];
        r += digits[c & 15];
    }
    return r;
}

std::string unhex(const std::string &s)
{
    std::string r;
    for (size_t i = 0; i + 1 < s.size(); i += 2) {
        auto v = [](char c) { return isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10; };
        r += static_cast<char>(v(s[i]) * 16 + v(s[i + 1]));
    }
    return r;
}

/* The pair term of a phrase of two stopwords, as the indexer made it
 * (docbuild.cc), or "" for any other phrase.  The words must be letters
 * only, so that they are the terms the indexer saw. */
std::string pair_of_phrase(const std::string &phrase, const Xapian::Stem &stem)
{
    std::vector<std::string> w;
    std::string cur;
    for (char c : phrase + " ") {
        if (isspace(static_cast<unsigned char>(c))) {
            if (!cur.empty())
                w.push_back(stem(lower(cur)));
            cur.clear();
        } else if (isalpha(static_cast<unsigned char>(c))) {
            cur += c;
        } else {
            return "";
        }
    }
    if (w.size() != 2 || !is_common_stem(w[0]) || !is_common_stem(w[1]))
        return "";
    return pair_term(w[0], w[1]);
}

/* The fields of the query language, as typed (any case). */
const char *const FIELDS[] = {"title", "dateline", "speaker", "location", "date",
                              "byline", "subject", "url", "lang", "quote"};

/* Fields of names and words matched as written (NameProcessor). */
bool is_name_field(const std::string &f)
{
    return f == "speaker" || f == "location" || f == "byline" || f == "subject" || f == "url";
}

/* What rewrite_query() needs besides the text, and what it found. */
struct Rewrite {
    const Xapian::Stem *pairs = nullptr;        /* set for a format 2 index */
    const Xapian::Database *spelling = nullptr; /* for term~; null: none */
    std::set<std::string> warnings;
    std::set<std::string> name_fields;          /* speaker, byline... used */
};

/* A field name at q[i] ("Title:" -> "title", "speeker:" -> "speeker"),
 * or "" when none stands there; *len is its length with the colon. */
std::string field_at(const std::string &q, size_t i, size_t *len)
{
    size_t e = i;
    while (e < q.size() && isalpha(static_cast<unsigned char>(q[e])))
        e++;
    if (e == i || e >= q.size() || q[e] != ':' || e + 1 >= q.size() ||
        isspace(static_cast<unsigned char>(q[e + 1])))
        return "";
    *len = e + 1 - i;
    return lower(q.substr(i, e - i));
}

bool known_field(const std::string &name)
{
    for (const char *f : FIELDS)
        if (name == f)
            return true;
    return false;
}

/* date:X without "..": the day, month or year X (X..X), or from a time
 * ago until now (7d..). */
std::string date_as_range(const std::string &value)
{
    if (value.find("..") != std::string::npos)
        return value;
    bool relative = !value.empty() && strchr("dwmy", value.back()) &&
                    strspn(value.c_str(), "0123456789") == value.size() - 1;
    return relative ? value + ".." : value + ".." + value;
}

/* word~: the word or the nearest word of the spelling table. */
std::string fuzzy(const std::string &word, Rewrite &rw)
{
    if (!rw.spelling) {
        rw.warnings.insert("fuzzy matching (" + word +
                           "~) needs the spelling table, which this index has not: searched "
                           "for '" + word + "' as typed");
        return word;
    }
    std::string near = rw.spelling->get_spelling_suggestion(lower(word));
    if (near.empty() || near == lower(word))
        return word;
    return "(" + word + " OR " + near + ")";
}

/* "speaker: volcker" is speaker:volcker: a known field followed by
 * spaces takes the next word (outside quotes), where it was the word
 * "speaker" and a plain "volcker", relaxed away ("date: 1987-03" found
 * nothing).  A field with nothing after it is said to be searched as a
 * word.  Linear: each byte is copied or skipped once. */
std::string join_spaced_fields(const std::string &q, Rewrite &rw)
{
    std::string out;
    bool in_quote = false;
    size_t i = 0, n = q.size();
    while (i < n) {
        char c = q[i];
        if (c == '"')
            in_quote = !in_quote;
        bool token_start = i == 0 || isspace(static_cast<unsigned char>(q[i - 1])) ||
                           q[i - 1] == '(' || q[i - 1] == '+' || q[i - 1] == '-';
        if (in_quote || !token_start || !isalpha(static_cast<unsigned char>(c))) {
            out += c;
            i++;
            continue;
        }
        size_t e = i;
        while (e < n && isalpha(static_cast<unsigned char>(q[e])))
            e++;
        out += q.substr(i, e - i);
        if (e >= n || q[e] != ':' || (e + 1 < n && !isspace(static_cast<unsigned char>(q[e + 1]))) ||
            !known_field(lower(q.substr(i, e - i)))) {
            i = e;
            continue;
        }
        out += ':';
        size_t v = e + 1;
        while (v < n && isspace(static_cast<unsigned char>(q[v])))
            v++;
        if (v == n || q[v] == ')') {
            rw.warnings.insert("'" + q.substr(i, e + 1 - i) + "' has nothing after it: "
                               "searched as the word '" + lower(q.substr(i, e - i)) + "'");
            i = e + 1;
            continue;
        }
        i = v;
    }
    return out;
}

/* The characters of a number after '^' or '~' ("^2", "~0.8"). */
const char NUMBER_CHARS[] = "0123456789.";

/* A letter, or a byte of a UTF-8 sequence (a letter of another script
 * or with an accent: the high bit set). */
bool is_word_byte(char c)
{
    return isalpha(static_cast<unsigned char>(c)) || (c & 0x80);
}

/* The fields of the query language as a warning lists them
 * ("title:, dateline:, ..."). */
std::string known_fields_list()
{
    std::string known;
    for (const char *f : FIELDS)
        known += std::string(known.empty() ? "" : ", ") + f + ":";
    return known;
}

/* Where the token at a position ends (a space or a bracket), and the
 * next '~' at or after it, kept from one token start to the next: after
 * '+' and '-' every byte starts a token, and looking again from each
 * made "-+-+-+..." quadratic (a 64 KiB one took 9 s, 51 s under ASan).
 * Both answers depend on the position alone, and positions only grow,
 * so each byte is looked at once. */
class TokenScan {
  public:
    explicit TokenScan(const std::string &q) : q_(q) {}

    size_t token_end(size_t i)
    {
        if (token_end_ <= i) {
            token_end_ = i;
            while (token_end_ < q_.size() && !isspace(static_cast<unsigned char>(q_[token_end_])) &&
                   q_[token_end_] != ')' && q_[token_end_] != '(')
                token_end_++;
        }
        return token_end_;
    }

    size_t next_tilde(size_t i)
    {
        if (!tilde_known_ || (tilde_ != std::string::npos && tilde_ < i)) {
            tilde_ = q_.find('~', i);
            tilde_known_ = true;
        }
        return tilde_;
    }

  private:
    const std::string &q_;
    size_t token_end_ = 0, tilde_ = 0;
    bool tilde_known_ = false;
};

/* rewrite_query()'s walk over the text: where it is, whether inside
 * quotes, and what it has written.  Each step either rewrites the form
 * that starts at i_ and moves past it, or answers false and leaves the
 * byte to be copied. */
class QueryRewriter {
  public:
    QueryRewriter(const std::string &q, Rewrite &rw) : q_(q), n_(q.size()), rw_(rw), scan_(q) {}
    std::string run();

  private:
    const std::string &q_;
    const size_t n_;
    Rewrite &rw_;
    TokenScan scan_;
    std::string out_;
    size_t i_ = 0;
    bool in_quote_ = false;

    bool at_token_start() const
    {
        return i_ == 0 || isspace(static_cast<unsigned char>(q_[i_ - 1])) || q_[i_ - 1] == '(' ||
               q_[i_ - 1] == '+' || q_[i_ - 1] == '-';
    }
    void copy_byte() { out_ += q_[i_++]; }
    void quote_mark(bool token_start);
    bool boost();
    bool fuzzy_word(size_t e);
    void field(const std::string &name, size_t len, size_t e);
    void name_field(const std::string &name, size_t v, size_t e);
};

std::string QueryRewriter::run()
{
    while (i_ < n_) {
        char c = q_[i_];
        bool token_start = at_token_start();
        if (c == '"') {
            quote_mark(token_start);
            continue;
        }
        if (!in_quote_ && c == '^' && i_ > 0 && !isspace(static_cast<unsigned char>(q_[i_ - 1])) &&
            boost())
            continue;
        if (in_quote_ || !token_start) {
            copy_byte();
            continue;
        }
        if (c == '[')
            throw Xapian::QueryParserError("at column " + std::to_string(i_ + 1) +
                                           ": [a TO b] ranges are not supported; for dates "
                                           "use date:FROM..TO");
        size_t len = 0;
        std::string name = field_at(q_, i_, &len);
        size_t e = scan_.token_end(i_);
        if (!name.empty())
            field(name, len, e);
        else if (!fuzzy_word(e))
            copy_byte();
    }
    return out_;
}

/* A '"': "...."~N is refused; with pairs, a phrase of two stopwords
 * standing as a token of its own becomes their pair term. */
void QueryRewriter::quote_mark(bool token_start)
{
    size_t close = q_.find('"', i_ + 1);
    if (!in_quote_ && close != std::string::npos && close + 1 < n_ && q_[close + 1] == '~')
        throw Xapian::QueryParserError(
            "at column " + std::to_string(close + 2) + ": \"...\"~N (words within N "
            "of each other) is not supported; write them with NEAR/N (oil NEAR/5 prices)");
    if (!in_quote_ && token_start && rw_.pairs && close != std::string::npos) {
        std::string term = pair_of_phrase(q_.substr(i_ + 1, close - i_ - 1), *rw_.pairs);
        if (!term.empty()) {
            out_ += "nxpair:nxq" + hex(term);
            i_ = close + 1;
            return;
        }
    }
    in_quote_ = !in_quote_;
    copy_byte();
}

/* word^2 at the '^': a boost of other query languages, which
 * QueryParser would read as the word and a word "2"; left out, with a
 * warning. */
bool QueryRewriter::boost()
{
    size_t e = i_ + 1 + strspn(q_.c_str() + i_ + 1, NUMBER_CHARS);
    if (e != n_ && !isspace(static_cast<unsigned char>(q_[e])) && q_[e] != ')')
        return false;
    size_t w = i_;
    if (q_[i_ - 1] == '"' && i_ >= 2 && q_.rfind('"', i_ - 2) != std::string::npos)
        w = q_.rfind('"', i_ - 2);    /* "a phrase"^2 */
    while (w > 0 && !isspace(static_cast<unsigned char>(q_[w - 1])) && q_[w - 1] != '(')
        w--;
    rw_.warnings.insert("boosts (" + q_.substr(w, e - w) + ") are not supported: "
                        "left out, every word weighs as the ranking says");
    i_ = e;
    return true;
}

/* word~ (or word~2, word~0.8: Lucene's edit distance or similarity, not
 * ours) in the token from i_ to e: the word or the nearest word of the
 * spelling table (fuzzy()). */
bool QueryRewriter::fuzzy_word(size_t e)
{
    size_t t = scan_.next_tilde(i_);
    if (t == std::string::npos || t >= e || t <= i_)
        return false;
    /* Letters up to the '~' and digits after it; the letters first,
     * which stop at once unless i_ starts a run of them, so each byte is
     * looked at once. */
    size_t k = i_;
    while (k < t && is_word_byte(q_[k]))
        k++;
    if (k != t || strspn(q_.c_str() + t + 1, NUMBER_CHARS) != e - t - 1)
        return false;
    if (e > t + 1)
        rw_.warnings.insert("in " + q_.substr(i_, e - i_) + " the '" + q_.substr(t + 1, e - t - 1) +
                            "' is not used: word~ finds the word and the nearest word of the "
                            "spelling table");
    out_ += fuzzy(q_.substr(i_, t - i_), rw_);
    i_ = e;
    return true;
}

/* A field name of len bytes (with its colon) at i_, its token ending at
 * e: an unknown one stays words, date: becomes a range, and the name
 * fields are encoded for NameProcessor. */
void QueryRewriter::field(const std::string &name, size_t len, size_t e)
{
    if (!known_field(name)) {
        rw_.warnings.insert("unknown field '" + q_.substr(i_, len) +
                            "' (searched as words); the fields are " + known_fields_list());
        out_ += q_.substr(i_, len);
        i_ += len;
        return;
    }
    size_t v = i_ + len;
    if (name == "date") {
        out_ += "date:" + date_as_range(q_.substr(v, e - v));
        i_ = e;
        return;
    }
    if (!is_name_field(name)) {
        out_ += name + ":";
        i_ = v;
        return;
    }
    rw_.name_fields.insert(name);
    name_field(name, v, e);
}

/* The value of a name field, from v to e: speaker:"Mark Rutte" ->
 * speaker:nxq4d61..., speaker:rut* -> speaker:nxw727574, a boost left
 * out with a warning. */
void QueryRewriter::name_field(const std::string &name, size_t v, size_t e)
{
    std::string prefix = name + ":";
    if (v < n_ && q_[v] == '"') {
        size_t close = q_.find('"', v + 1);
        if (close == std::string::npos)
            close = n_;
        if (close + 1 < n_ && q_[close + 1] == '~')
            throw Xapian::QueryParserError(
                "at column " + std::to_string(close + 2) + ": \"...\"~N (words within N "
                "of each other) is not supported in " + prefix + " names");
        out_ += prefix + "nxq" + hex(q_.substr(v + 1, close - v - 1));
        i_ = close < n_ ? close + 1 : n_;
        return;
    }
    std::string value = q_.substr(v, e - v);
    size_t caret = value.rfind('^');
    if (caret != std::string::npos && caret > 0 &&
        strspn(value.c_str() + caret + 1, NUMBER_CHARS) == value.size() - caret - 1) {
        rw_.warnings.insert("boosts (" + q_.substr(i_, e - i_) + ") are not supported: "
                            "left out, every word weighs as the ranking says");
        value.erase(caret);
    }
    if (value.empty()) {
        out_ += prefix;
        i_ = v;
        return;
    }
    if (value.back() == '*') {
        value.pop_back();
        out_ += prefix + "nxw" + hex(value);
    } else {
        /* Hex too: Xapian 1.4's QueryParser crashes on a loved field
         * value with punctuation ("x +location:a-b"), and a plain token
         * reaches the field processor whole. */
        out_ += prefix + "nxq" + hex(value);
    }
    i_ = e;
}

/* Before QueryParser sees it:
 *  - field names in any case ("Title:") become the field; an unknown
 *    one is left as words, with a warning naming the known ones;
 *  - speaker:"Mark Rutte" -> speaker:nxq4d61..., speaker:rut* ->
 *    speaker:nxw727574 (see NameProcessor);
 *  - date:X without ".." becomes a range (date_as_range());
 *  - word~ becomes (word OR nearest), through the spelling table;
 *  - word^2 loses its boost, with a warning;
 *  - [a TO b] is refused: it is not our range syntax;
 *  - with pairs (a format 2 database), "said it" -> nxpair:nxq58427361...,
 *    the same articles from one posting list instead of the positions
 *    of two words that nearly every article has.  Only a phrase
 *    standing as a token of its own: title:"said it" stays a title
 *    phrase.
 * Linear in the length of q (TokenScan). */
std::string rewrite_query(const std::string &q, Rewrite &rw)
{
    return QueryRewriter(q, rw).run();
}

/* Words of a name as the name TermGenerator indexes them. */
std::vector<std::string> name_words(const std::string &text)
{
    std::vector<std::string> words;
    std::string cur;
    for (Xapian::Utf8Iterator it(text); it != Xapian::Utf8Iterator(); ++it) {
        unsigned ch = *it;
        if (Xapian::Unicode::is_wordchar(ch)) {
            Xapian::Unicode::append_utf8(cur, Xapian::Unicode::tolower(ch));
        } else if ((ch == '\'' || ch == 0x2019) && !cur.empty()) {
            /* TermGenerator keeps "o'brien" whole; drop a possessive. */
            Xapian::Utf8Iterator next = it;
            ++next;
            if (next != Xapian::Utf8Iterator() && Xapian::Unicode::is_wordchar(*next) &&
                !((*next == 's' || *next == 'S'))) {
                cur += '\'';
                continue;
            }
            words.push_back(cur);
            cur.clear();
            if (next != Xapian::Utf8Iterator() && (*next == 's' || *next == 'S'))
                ++it;
        } else if (!cur.empty()) {
            words.push_back(cur);
            cur.clear();
        }
    }
    if (!cur.empty())
        words.push_back(cur);
    return words;
}

/* The pair term rewrite_query() encoded. */
class PairProcessor : public Xapian::FieldProcessor {
  public:
    Xapian::Query operator()(const std::string &raw) override
    {
        std::string t = raw.compare(0, 3, "nxq") == 0 ? unhex(raw.substr(3)) : "";
        if (t.compare(0, strlen(PREFIX_PAIR), PREFIX_PAIR) != 0)
            return Xapian::Query::MatchNothing;
        return Xapian::Query(t);
    }
};

class NameProcessor : public Xapian::FieldProcessor {
    std::string prefix;
    Xapian::Database db;
    Xapian::termcount max_expansion;
    int limit_type;
    /* For speakers: every form of the name the alias table knows
     * ("speaker:fed" is also "Federal Reserve"). */
    std::shared_ptr<const AliasTable> aliases;

    Xapian::Query words_of(const std::string &text) const
    {
        std::vector<std::string> w = name_words(text);
        if (w.empty())
            return Xapian::Query::MatchNothing;
        std::vector<Xapian::Query> terms;
        for (auto &x : w)
            terms.emplace_back(prefix + x);
        if (terms.size() == 1)
            return terms[0];
        return Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), terms.size());
    }

  public:
    NameProcessor(const std::string &p, const Xapian::Database &d, Xapian::termcount maxexp,
                  int limit, std::shared_ptr<const AliasTable> table = nullptr)
        : prefix(p), db(d), max_expansion(maxexp), limit_type(limit), aliases(table) {}

    Xapian::Query operator()(const std::string &raw) override
    {
        if (raw.compare(0, 3, "nxw") == 0) {
            std::vector<std::string> w = name_words(unhex(raw.substr(3)));
            if (w.empty())
                return Xapian::Query::MatchNothing;
            return Xapian::Query(Xapian::Query::OP_WILDCARD, prefix + w.back(), max_expansion,
                                 limit_type);
        }
        std::string text = raw.compare(0, 3, "nxq") == 0 ? unhex(raw.substr(3)) : raw;
        std::vector<std::string> forms = aliases ? aliases->forms_of(text)
                                                 : std::vector<std::string>{text};
        if (forms.size() <= 1)
            return words_of(text);
        std::vector<Xapian::Query> any{words_of(text)};
        for (auto &f : forms)
            if (f != lower(text))
                any.push_back(words_of(f));
        return Xapian::Query(Xapian::Query::OP_OR, any.begin(), any.end());
    }
};

/* ------------------------------------------------------------------ */
/* Results                                                              */
/* ------------------------------------------------------------------ */

/* Counts the names of a multi-valued field (one slot, names separated
 * by '\x1f') over the match set.  ValueCountMatchSpy counts one value
 * per document, which would miss all but one speaker. */
class ListCountSpy : public Xapian::MatchSpy {
    Xapian::valueno slot;
    /* Speakers: each under the one name the alias table gives it, once
     * per article, and counted by kind too. */
    std::shared_ptr<const AliasTable> aliases;
    /* Which count of SLOT_FOUND says where the sender's names begin in
     * this slot's list (0 speakers, 1 locations); -1: no such names. */
    int found_part;
    /* When the match shows one hit per story, its total counts stories,
     * and a name is counted once per story too (the first of its
     * versions seen gives the kind and whether the sender alone named
     * it): "Subroto (11)" beside "9 stories" counted 11 articles, the
     * versions of 7 stories, and read as a disagreement.  The pairs
     * (story key, name) already counted; an article without a story key
     * is a story of its own. */
    bool by_story;
    std::unordered_set<std::string> story_names;

    /* Whether the name was already counted for this story. */
    bool counted_in_story(const std::string &story, const std::string &name)
    {
        return !story.empty() && !story_names.insert(story + '\x1f' + name).second;
    }

    /* How many names of this slot's list extraction found; the rest
     * only the sender gave. */
    size_t found_of(const Xapian::Document &doc) const
    {
        std::string f = found_part < 0 ? "" : doc.get_value(SLOT_FOUND);
        size_t sep = f.find('\x1f');
        if (sep == std::string::npos)
            return SIZE_MAX;
        return strtoul(found_part == 0 ? f.c_str() : f.c_str() + sep + 1, nullptr, 10);
    }

  public:
    std::unordered_map<std::string, uint64_t> counts;
    std::unordered_map<std::string, uint64_t> by_kind[2];  /* person, organisation */
    std::unordered_map<std::string, uint64_t> tagged;      /* of counts: the sender's alone */
    Xapian::doccount seen = 0;

    explicit ListCountSpy(Xapian::valueno s, std::shared_ptr<const AliasTable> table = nullptr,
                          int found = -1, bool per_story = false)
        : slot(s), aliases(table), found_part(found), by_story(per_story) {}

    void operator()(const Xapian::Document &doc, double) override
    {
        seen++;
        std::string v = doc.get_value(slot);
        std::string kinds = aliases ? doc.get_value(SLOT_SPEAKER_KINDS) : "";
        size_t found = found_of(doc);
        std::string story = by_story ? doc.get_value(SLOT_STORY) : "";
        std::vector<std::string> names;
        size_t start = 0, i = 0;
        while (start < v.size()) {
            size_t end = v.find('\x1f', start);
            if (end == std::string::npos)
                end = v.size();
            if (end > start) {
                std::string name = v.substr(start, end - start);
                if (aliases)
                    name = aliases->name_of(name);
                if (std::find(names.begin(), names.end(), name) == names.end() &&
                    !counted_in_story(story, name)) {
                    names.push_back(name);
                    counts[name]++;
                    if (aliases)
                        by_kind[i < kinds.size() && kinds[i] == 'o'][name]++;
                    if (i >= found)
                        tagged[name]++;
                }
            }
            start = end + 1;
            i++;
        }
    }
    Xapian::MatchSpy *clone() const override
    {
        return new ListCountSpy(slot, aliases, found_part, by_story);
    }
    std::string name() const override { return "newsidx.ListCountSpy"; }
};

/* The stories of a match that counts them alone (Searcher::
 * count_stories()): each article is a story of its own unless its story
 * has other versions.  With the table of the articles whose story has
 * other versions (h->story_versions), only those are looked up, by
 * document number, and no value is read; without it, every article's
 * story key is read and the distinct keys kept in a hash set (Xapian's
 * ValueCountMatchSpy keeps a count for each key in a std::map: its
 * lookups and nodes were a third of the spy's cost, and only the
 * number of keys is wanted). */
class StoryKeySpy : public Xapian::MatchSpy {
    typedef std::vector<std::pair<Xapian::docid, uint32_t>> Table;
    const Table *versions;
    std::vector<bool> story_seen;       /* by the table's story numbers */
    Xapian::doccount in_table = 0, table_stories = 0;
    std::unordered_set<std::string> keys;

  public:
    Xapian::doccount seen = 0;
    Xapian::doccount keyed = 0;         /* story keys read from the values */

    explicit StoryKeySpy(const Table *table = nullptr, uint32_t stories = 0)
        : versions(table), story_seen(table ? stories : 0) {}

    void operator()(const Xapian::Document &doc, double) override
    {
        seen++;
        if (versions) {
            Xapian::docid did = doc.get_docid();
            auto at = std::lower_bound(versions->begin(), versions->end(),
                                       std::make_pair(did, uint32_t(0)));
            if (at == versions->end() || at->first != did)
                return;
            in_table++;
            if (!story_seen[at->second]) {
                story_seen[at->second] = true;
                table_stories++;
            }
            return;
        }
        std::string key = doc.get_value(SLOT_STORY);
        if (key.empty())
            return;
        keyed++;
        keys.insert(std::move(key));
    }

    /* How many of the articles seen collapsing on their story keys
     * leaves out (the versions after the first of each story). */
    Xapian::doccount collapsed_away() const
    {
        if (versions)
            return in_table - table_stories;
        return keyed - static_cast<Xapian::doccount>(keys.size());
    }

    /* The table of the articles whose story has other versions, or
     * null when the keys were read from the values. */
    const Table *table() const { return versions; }

    /* The stories of the articles seen; an article without a story key
     * counts as one. */
    Xapian::doccount stories() const
    {
        if (versions)
            return seen - in_table + table_stories;
        return static_cast<Xapian::doccount>(keys.size()) + (seen - keyed);
    }

    Xapian::MatchSpy *clone() const override
    {
        return new StoryKeySpy(versions, static_cast<uint32_t>(story_seen.size()));
    }
    std::string name() const override { return "newsidx.StoryKeySpy"; }
};

/* The spies of one match.  Over remote shards a spy of our own cannot
 * run (xapian-tcpsrv knows only Xapian's), so there the first eight
 * names of each article are counted from one slot each. */
struct Facets {
    std::vector<std::unique_ptr<ListCountSpy>> lists;
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> values;
    std::unique_ptr<Xapian::ValueCountMatchSpy> dates;  /* the histogram */
    /* The stories of the match, when it is collapsed on them: Xapian
     * counts collapsed matches only roughly, so the exact count is the
     * number of distinct story keys seen (and articles without one). */
    std::unique_ptr<Xapian::ValueCountMatchSpy> stories;
    std::unique_ptr<StoryKeySpy> story_keys;    /* the same, counted apart */
    Xapian::doccount check = 0;     /* the match's check_at_least */
    bool counted_apart = false;     /* stories counted by a match of their own */
    Xapian::doccount docs = 0;      /* articles in the index then */
    bool maybe_cut = false;         /* time_limit may have stopped it */

    void attach_stories(Xapian::Enquire &enq)
    {
        stories.reset(new Xapian::ValueCountMatchSpy(SLOT_STORY));
        enq.add_matchspy(stories.get());
    }

    /* Xapian's own spy, so that it runs on remote shards too. */
    void attach_dates(Xapian::Enquire &enq)
    {
        dates.reset(new Xapian::ValueCountMatchSpy(SLOT_DATE));
        enq.add_matchspy(dates.get());
    }

    /* by_story: each name once per story (the match collapses on them). */
    void attach(Xapian::Enquire &enq, bool remote, std::shared_ptr<const AliasTable> aliases,
                bool by_story)
    {
        if (!remote) {
            lists.emplace_back(new ListCountSpy(SLOT_SPEAKERS, aliases, 0, by_story));
            lists.emplace_back(new ListCountSpy(SLOT_LOCATIONS, nullptr, 1, by_story));
            lists.emplace_back(new ListCountSpy(SLOT_SUBJECTS, nullptr, -1, by_story));
            for (auto &l : lists)
                enq.add_matchspy(l.get());
            return;
        }
        const Xapian::valueno first[] = {SLOT_SPEAKER0, SLOT_LOCATION0, SLOT_SUBJECT0};
        for (unsigned i = 0; i < 3 * FACET_SLOTS; i++) {
            Xapian::valueno slot = first[i / FACET_SLOTS] + i % FACET_SLOTS;
            values.emplace_back(new Xapian::ValueCountMatchSpy(slot));
            enq.add_matchspy(values.back().get());
        }
    }

    bool empty() const { return lists.empty() && values.empty() && !dates; }

    /* How many documents the spies saw. */
    Xapian::doccount seen() const
    {
        if (!lists.empty())
            return lists[0]->seen;
        if (dates)
            return dates->get_total();
        return values.empty() ? 0 : values[0]->get_total();
    }

    /* Matches by day ("YYYYMMDD"); the undated ones are counted apart. */
    void add_dates_to(std::map<std::string, uint64_t> &days, uint64_t &undated) const
    {
        if (!dates)
            return;
        uint64_t dated = 0;
        for (auto v = dates->values_begin(); v != dates->values_end(); ++v) {
            days[*v] += v.get_termfreq();
            dated += v.get_termfreq();
        }
        undated += dates->get_total() - dated;
    }

    /* Speakers by kind: persons, then organisations. */
    void add_kinds_to(std::map<std::string, uint64_t> kinds[2]) const
    {
        if (lists.size() == 3)
            for (int k = 0; k < 2; k++)
                for (auto &c : lists[0]->by_kind[k])
                    kinds[k][c.first] += c.second;
    }

    /* Counts by name: speakers, locations, subjects. */
    void add_to(std::map<std::string, uint64_t> out[3]) const
    {
        for (size_t k = 0; k < lists.size() && k < 3; k++)
            for (auto &c : lists[k]->counts)
                out[k][c.first] += c.second;
        for (size_t i = 0; i < values.size(); i++)
            for (auto v = values[i]->values_begin(); v != values[i]->values_end(); ++v)
                out[i / FACET_SLOTS][*v] += v.get_termfreq();
    }

    /* Of those, the articles where only the sender gave the name:
     * speakers, locations. */
    void add_tagged_to(std::map<std::string, uint64_t> out[2]) const
    {
        for (size_t k = 0; k < lists.size() && k < 2; k++)
            for (auto &c : lists[k]->tagged)
                out[k][c.first] += c.second;
    }
};

/* A page of hits in order, and the match they come from (its bounds,
 * and the terms its snippets mark).  story is the hit's story key when
 * its story may have other versions that match, else empty. */
struct Page {
    Xapian::MSet mset;
    struct Item {
        Xapian::MSetIterator at;
        double weight;
        std::string story;
    };
    std::vector<Item> items;

    size_t size() const { return items.size(); }

    /* The page of a match that collapsed and sorted itself. */
    static Page of(const Xapian::MSet &m)
    {
        Page p;
        p.mset = m;
        for (auto it = m.begin(); it != m.end(); ++it)
            p.items.push_back({it, it.get_weight(), it.get_collapse_key()});
        return p;
    }
};

/* The story number of an article in a table of the articles whose
 * story has other versions, or -1 when it is not in it. */
long story_in(const std::vector<std::pair<Xapian::docid, uint32_t>> &table, Xapian::docid did)
{
    auto at = std::lower_bound(table.begin(), table.end(), std::make_pair(did, uint32_t(0)));
    return at != table.end() && at->first == did ? static_cast<long>(at->second) : -1;
}

char *dup(const std::string &s)
{
    return nx_strndup(s.data(), s.size());
}

void free_hit(newsidx_hit_t *h)
{
    free(h->id);
    free(h->date);
    free(h->dateline);
    free(h->title);
    free(h->snippet);
    nx_strv_free_array(h->speakers, h->n_speakers);
    free(h->speaker_kinds);
    nx_strv_free_array(h->locations, h->n_locations);
    free(h->byline);
    free(h->url);
    free(h->language);
    nx_strv_free_array(h->subjects, h->n_subjects);
    for (size_t i = 0; i < h->n_explain; i++)
        free(h->explain[i].field);
    free(h->explain);
}

void fill_facets(std::map<std::string, uint64_t> &counts, newsidx_facet_t **out, size_t *n,
                 size_t max)
{
    std::vector<std::pair<std::string, uint64_t>> v(counts.begin(), counts.end());
    std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (v.size() > max)
        v.resize(max);
    *out = static_cast<newsidx_facet_t *>(calloc(v.size() ? v.size() : 1, sizeof **out));
    if (!*out)
        throw std::bad_alloc();
    for (auto &p : v) {
        (*out)[*n].name = dup(p.first);
        (*out)[*n].count = p.second;
        (*n)++;
    }
}

/* Of the names of a facet, those the sender alone gave in some of the
 * articles counted, with how many (most first). */
void fill_tagged(std::map<std::string, uint64_t> &tagged, const newsidx_facet_t *facet, size_t n,
                 newsidx_facet_t **out, size_t *n_out)
{
    std::map<std::string, uint64_t> shown;
    for (size_t i = 0; i < n; i++) {
        auto t = tagged.find(facet[i].name);
        if (t != tagged.end())
            shown[t->first] = t->second;
    }
    fill_facets(shown, out, n_out, n);
}

/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar,
 * counting years from March so that the leap day ends a year. */
long days_of(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;                                   /* 0..399 */
    long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
    return era * 146097 + doe - 719468;
}

/* And back. */
void date_of(long z, long &y, long &m, long &d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = yoe + era * 400 + (m <= 2);
}

/* The date histogram of a match: counts by day, summed into buckets of
 * the unit the span calls for, so that a timeline has from a few to a
 * few hundred bars.  Empty buckets between the first and the last are
 * kept: a timeline shows the gaps. */
void fill_histogram(newsidx_results_t *r, const std::map<std::string, uint64_t> &days,
                    uint64_t undated)
{
    enum Unit { DAY, WEEK, MONTH, YEAR };
    std::map<long, uint64_t> by_day;
    for (auto &d : days) {
        const std::string &v = d.first;
        if (v.size() != 8 || v.find_first_not_of("0123456789") != std::string::npos) {
            undated += d.second;
            continue;
        }
        by_day[days_of(std::stol(v.substr(0, 4)), std::stol(v.substr(4, 2)),
                       std::stol(v.substr(6, 2)))] += d.second;
    }
    r->has_histogram = true;
    r->undated = undated;
    r->histogram_unit = nx_strdup("day");
    if (!r->histogram_unit)
        throw std::bad_alloc();
    if (by_day.empty())
        return;
    long first = by_day.begin()->first, last = by_day.rbegin()->first;
    long span = last - first;
    Unit unit = span <= 92 ? DAY : span <= 731 ? WEEK : span <= 40 * 366 ? MONTH : YEAR;
    static const char *const names[] = {"day", "week", "month", "year"};
    free(r->histogram_unit);
    r->histogram_unit = nx_strdup(names[unit]);
    if (!r->histogram_unit)
        throw std::bad_alloc();
    /* The first day of the bucket that holds day z. */
    auto start_of = [unit](long z) {
        long y, m, d;
        switch (unit) {
        case DAY: return z;
        case WEEK: return z - ((z % 7 + 7 + 3) % 7);      /* back to Monday */
        case MONTH: date_of(z, y, m, d); return days_of(y, m, 1);
        default: date_of(z, y, m, d); return days_of(y, 1, 1);
        }
    };
    auto next_of = [unit](long z) {
        long y, m, d;
        switch (unit) {
        case DAY: return z + 1;
        case WEEK: return z + 7;
        case MONTH: date_of(z, y, m, d); return m == 12 ? days_of(y + 1, 1, 1) : days_of(y, m + 1, 1);
        default: date_of(z, y, m, d); return days_of(y + 1, 1, 1);
        }
    };
    std::vector<std::pair<long, uint64_t>> buckets;
    for (long z = start_of(first); z <= last; z = next_of(z))
        buckets.emplace_back(z, 0);
    size_t k = 0;
    for (auto &d : by_day) {
        while (k + 1 < buckets.size() && buckets[k + 1].first <= d.first)
            k++;
        buckets[k].second += d.second;
    }
    r->histogram = static_cast<newsidx_facet_t *>(calloc(buckets.size(), sizeof(newsidx_facet_t)));
    if (!r->histogram)
        throw std::bad_alloc();
    for (auto &b : buckets) {
        long y, m, d;
        date_of(b.first, y, m, d);
        char text[32];
        snprintf(text, sizeof text, "%04ld-%02ld-%02ld", y, m, d);
        newsidx_facet_t *o = &r->histogram[r->n_histogram++];
        o->name = nx_strdup(text);
        o->count = b.second;
        if (!o->name)
            throw std::bad_alloc();
    }
}

/* The terms of a query outside its phrases: a phrase is found and
 * marked whole (phrase_snippet()), and its words alone ("the", "of")
 * are not worth marking. */
void terms_outside_phrases(const Xapian::Query &q,
                           const std::vector<std::vector<std::string>> &phrases,
                           std::set<std::string> &out)
{
    if (q.get_type() == Xapian::Query::OP_PHRASE) {
        /* Only the quoted phrases: "loan-loss" is a phrase too. */
        std::vector<std::string> words;
        for (size_t i = 0; i < q.get_num_subqueries(); i++) {
            Xapian::Query w = q.get_subquery(i);
            if (w.get_type() == Xapian::Query::LEAF_TERM)
                words.push_back(*w.get_terms_begin());
        }
        if (std::find(phrases.begin(), phrases.end(), words) != phrases.end())
            return;
        /* Another phrase (title:"bank of japan"): its words, but not
         * the common ones, which alone would mark every "of". */
        for (auto &w : words) {
            size_t p = 0;
            while (p < w.size() && isupper(static_cast<unsigned char>(w[p])))
                p++;
            if (!is_common_stem(w.substr(p)))
                out.insert(w);
        }
        return;
    }
    if (q.get_type() == Xapian::Query::LEAF_TERM) {
        out.insert(*q.get_terms_begin());
        return;
    }
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        terms_outside_phrases(q.get_subquery(i), phrases, out);
    if (q.get_num_subqueries() == 0)
        for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t)
            out.insert(*t);
}

/* Terms to mark in snippets: the stems of every word the query matches
 * in any field, as "Z"-prefixed stems, which is how MSet::snippet()
 * recognises a stemmed word in running text. */
Xapian::Query highlight_query(const Xapian::Query &q,
                              const std::vector<std::vector<std::string>> &phrases,
                              const Xapian::Stem &stem)
{
    std::set<std::string> all, terms;
    terms_outside_phrases(q, phrases, all);
    for (const std::string &term : all) {
        size_t p = 0;
        while (p < term.size() && isupper(static_cast<unsigned char>(term[p])))
            p++;
        std::string prefix = term.substr(0, p), word = term.substr(p);
        if (word.empty() || prefix == "Q" || prefix == "KS" || prefix == "KL" ||
            prefix == PREFIX_STORY)
            continue;
        if (prefix == PREFIX_PAIR) {
            /* a quoted pair is marked whole where it is found */
            std::vector<std::string> pair = pair_words(term);
            if (std::find(phrases.begin(), phrases.end(), pair) == phrases.end())
                for (auto &w : pair)
                    terms.insert("Z" + w);
            continue;
        }
        if (prefix == PREFIX_SPEAKER || prefix == PREFIX_LOCATION ||
            prefix == PREFIX_QUOTE_SPEAKER)
            word = stem(word);          /* names are indexed unstemmed */
        terms.insert("Z" + word);
    }
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

/* The stemmer snippets are made with.  MSet::snippet() stems every word
 * of the text it reads, to look the stem up among the terms to mark
 * ("Z" and the stem): a quarter of a snippet's instructions, most of
 * them on words that cannot be marked.  The English stemmer changes a
 * word's ending only (and drops a leading apostrophe), never its first
 * letter, so a word whose first byte begins none of the stems to mark
 * is not stemmed: it is passed back empty, and "Z" alone is no term to
 * mark (highlight_query() makes none), as the word itself was not: the
 * same marks and the same window, without a copy of the word and the
 * hashing of it. */
class MarkStem : public Xapian::StemImplementation {
    Xapian::Stem stem;
    std::string firsts;         /* first bytes of the stems to mark */

  public:
    MarkStem(const Xapian::Stem &s, const std::string &f) : stem(s), firsts(f) {}

    std::string operator()(const std::string &word) override
    {
        if (!word.empty() && word[0] != '\'' && firsts.find(word[0]) == std::string::npos)
            return std::string();
        return stem(word);
    }

    std::string get_description() const override
    {
        return "MarkStem(" + stem.get_description() + ")";
    }
};

/* The first bytes of the stems the queries mark ("Z" terms), for
 * MarkStem. */
void add_mark_firsts(const Xapian::Query &q, std::string &firsts)
{
    for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t) {
        const std::string &term = *t;
        if (term.size() > 1 && term[0] == 'Z' && firsts.find(term[1]) == std::string::npos)
            firsts += term[1];
    }
}

/* One line of text: paragraph breaks become spaces, and neighbouring
 * marked words ("<em>Article</em> <em>Five</em>") one marked phrase. */
std::string tidy_snippet(const std::string &in, const std::string &open, const std::string &close)
{
    auto blank = [](char c) { return c == '\n' || c == '\t' || c == ' '; };
    std::string s;
    s.reserve(in.size());
    bool space = false;
    for (size_t i = 0, n = in.size(); i < n;) {
        if (blank(in[i])) {
            space = true;
            i++;
            continue;
        }
        if (space && !s.empty())
            s += ' ';
        space = false;
        size_t e = i;
        while (e < n && !blank(in[e]))
            e++;
        s.append(in, i, e - i);
        i = e;
    }
    if (close.empty())
        return s;
    /* One pass: restarting a search from the start after each joint
     * was quadratic (minutes for a page of long markers). */
    std::string joint = close + " " + open, out;
    out.reserve(s.size());
    size_t i = 0;
    for (size_t at; (at = s.find(joint, i)) != std::string::npos; i = at + joint.size()) {
        out.append(s, i, at - i);
        out += ' ';
    }
    out.append(s, i, std::string::npos);
    return out;
}

/* Why a date given by the user is not one, in words, naming it:
 * "'1987-02-30' is not a date: February 1987 has 28 days". */
std::string date_problem(const std::string &text, const char *what)
{
    static const char *const months[] = {"January", "February", "March", "April", "May",
                                         "June", "July", "August", "September", "October",
                                         "November", "December"};
    std::string head = std::string(what) + " '" + text + "' is not a date";
    int y, m, d;
    char extra;
    int n = sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra);
    if (n == 2 || n == 3) {
        if (m < 1 || m > 12)
            return head + ": there is no month " + std::to_string(m);
        if (n == 3) {
            bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            int last = days[m - 1] + (m == 2 && leap ? 1 : 0);
            if (d < 1 || d > last)
                return head + ": " + months[m - 1] + " " + std::to_string(y) + " has " +
                       std::to_string(last) + " days";
        }
    }
    return head + " (YYYY-MM-DD, YYYY-MM, YYYY, today, yesterday, or 7d, 2w, 3m, 1y ago)";
}

/* The first and last day ("YYYYMMDD") a date or a range of dates
 * covers; either may be "" (an open end).  A reversed range is an
 * error: it would silently match nothing. */
void date_range(const std::string &from_text, const std::string &to_text, const char *what,
                std::string &from, std::string &to)
{
    char v[9];
    time_t now = time(nullptr);
    from.clear();
    to.clear();
    if (!from_text.empty()) {
        if (!nx_date_bound(from_text.c_str(), false, now, v))
            throw Failure(NEWSIDX_ERR_QUERY, date_problem(from_text, what));
        from = v;
    }
    if (!to_text.empty()) {
        if (!nx_date_bound(to_text.c_str(), true, now, v))
            throw Failure(NEWSIDX_ERR_QUERY, date_problem(to_text, what));
        to = v;
    }
    if (!from.empty() && !to.empty() && from > to)
        throw Failure(NEWSIDX_ERR_QUERY,
                      std::string(what) + " " + from_text + ".." + to_text + " ends before it begins");
}

/* date:FROM..TO over the date slot: full dates, a year or month
 * ("date:2025-02.." is from February 2025 on), or a time back from
 * today ("date:7d..").  rewrite_query() gives date:X without ".." a
 * range: the day, month or year X, or from X ago until now. */
class DateRange : public Xapian::RangeProcessor {
  public:
    DateRange() : Xapian::RangeProcessor(SLOT_DATE, "date:") {}

    Xapian::Query operator()(const std::string &b, const std::string &e) override
    {
        std::string from, to;
        date_range(b, e, "date:", from, to);
        if (!from.empty() && !to.empty())
            return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, SLOT_DATE, from, to);
        if (!from.empty())
            return Xapian::Query(Xapian::Query::OP_VALUE_GE, SLOT_DATE, from);
        if (!to.empty())
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, SLOT_DATE, to);
        throw Failure(NEWSIDX_ERR_QUERY, "date: wants a date or a range FROM..TO");
    }
};

/* The words of a text with where each stands (bytes), lower-cased,
 * as the indexer splits them (Unicode word characters). */
struct WordAt {
    std::string word;
    size_t start, end;
};

std::vector<WordAt> words_at(const std::string &text)
{
    std::vector<WordAt> out;
    std::string cur;
    size_t start = 0;
    for (Xapian::Utf8Iterator it(text); it != Xapian::Utf8Iterator(); ++it) {
        size_t at = static_cast<size_t>(it.raw() - text.data());
        if (Xapian::Unicode::is_wordchar(*it)) {
            if (cur.empty())
                start = at;
            Xapian::Unicode::append_utf8(cur, Xapian::Unicode::tolower(*it));
        } else if (!cur.empty()) {
            out.push_back({cur, start, at});
            cur.clear();
        }
    }
    if (!cur.empty())
        out.push_back({cur, start, text.size()});
    return out;
}

/* The quoted phrases of a query that search the text (not those of a
 * field: title:"..." is about the title), as stems. */
std::vector<std::vector<std::string>> phrases_of(const std::string &q, const Xapian::Stem &stem)
{
    std::vector<std::vector<std::string>> out;
    size_t i = 0;
    while ((i = q.find('"', i)) != std::string::npos) {
        size_t close = q.find('"', i + 1);
        if (close == std::string::npos)
            break;
        bool fielded = i > 0 && q[i - 1] == ':';
        std::vector<std::string> stems;
        for (auto &w : words_at(q.substr(i + 1, close - i - 1)))
            stems.push_back(stem(w.word));
        if (!fielded && stems.size() > 1)
            out.push_back(stems);
        i = close + 1;
    }
    return out;
}

/* Where the phrase first stands in the text: [start, end) in bytes.
 * Read word by word up to the phrase, not further; a word is stemmed
 * only when its first byte is its stem's (see MarkStem). */
bool find_phrase(const std::string &text, const std::vector<std::string> &phrase,
                 const Xapian::Stem &stem, size_t &start, size_t &end)
{
    size_t n = phrase.size();
    if (n == 0)
        return false;
    bool english = STEMMER == std::string("english");
    std::vector<WordAt> last(n);        /* the last n words, in a ring */
    size_t seen = 0;
    std::string cur;
    size_t cur_start = 0;
    auto ends_phrase = [&](size_t at) {
        WordAt &w = last[seen++ % n];
        w.word.swap(cur);
        cur.clear();
        w.start = cur_start;
        w.end = at;
        if (seen < n)
            return false;
        for (size_t k = 0; k < n; k++) {
            const std::string &word = last[(seen - n + k) % n].word;
            if (english && !phrase[k].empty() && word[0] != phrase[k][0])
                return false;
            if (stem(word) != phrase[k])
                return false;
        }
        start = last[(seen - n) % n].start;
        end = at;
        return true;
    };
    for (Xapian::Utf8Iterator it(text); it != Xapian::Utf8Iterator(); ++it) {
        size_t at = static_cast<size_t>(it.raw() - text.data());
        if (Xapian::Unicode::is_wordchar(*it)) {
            if (cur.empty())
                cur_start = at;
            Xapian::Unicode::append_utf8(cur, Xapian::Unicode::tolower(*it));
        } else if (!cur.empty() && ends_phrase(at)) {
            return true;
        }
    }
    return !cur.empty() && ends_phrase(text.size());
}

std::string html_escape(const std::string &s)
{
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}

/* The start of the body, about `length` bytes cut at a space, escaped
 * as a snippet is: the snippet of a query without words. */
std::string lead_snippet(const std::string &body, size_t length)
{
    size_t start = body.find_first_not_of(" \t\n");
    if (start == std::string::npos)
        return "";
    size_t end = std::min(body.size(), start + length);
    if (end < body.size()) {
        size_t sp = body.find_last_of(" \t\n", end);
        if (sp != std::string::npos && sp > start)
            end = sp;
    }
    std::string out;
    bool space = false;
    for (char c : html_escape(body.substr(start, end - start))) {
        bool ws = c == ' ' || c == '\n' || c == '\t';
        if (ws && space)
            continue;
        out += ws ? ' ' : c;
        space = ws;
    }
    if (end < body.size())
        out += "\xe2\x80\xa6";
    return out;
}

/* True when the query has letters and none of them is lower case:
 * "OIL PRICES AND OPEC OUTPUT" is a headline, not boolean syntax. */
bool all_capitals(const std::string &q)
{
    bool letters = false;
    for (unsigned char c : q) {
        if (islower(c))
            return false;
        if (isupper(c))
            letters = true;
    }
    return letters;
}

/* Where a hit's score comes from.  Fields are indexed into one weighted
 * bag of words (docbuild.cc), so BM25 sees one number per word; the
 * score is split among the fields in proportion to how much each put
 * into the bag for the query's words: occurrences times the field's
 * weight.  Words of field queries (title:, speaker:) count for theirs. */
struct FieldText {
    const char *field;
    std::string text;
    unsigned weight;
};

std::vector<std::pair<std::string, double>> explain_hit(const newsidx_article_t *a,
                                                        const newsidx_config_t *cfg,
                                                        const std::set<std::string> &words,
                                                        const std::map<std::string, std::string>
                                                            &field_words,
                                                        double score)
{
    std::vector<FieldText> fields = {
        {"title", a->title ? a->title : "", cfg->weight_title},
        {"dateline", a->dateline ? a->dateline : "", cfg->weight_dateline},
        {"body", a->body ? a->body : "", cfg->weight_body},
        {"speaker", "", cfg->weight_speaker},
        {"location", "", cfg->weight_location},
        /* The lead's second count belongs to the body. */
        {"body", a->body && cfg->weight_lead ? lead_of(a->body) : "", cfg->weight_lead},
    };
    for (size_t i = 0; i < a->n_speakers; i++)
        fields[3].text += std::string(a->speakers[i]) + "\n";
    for (size_t i = 0; i < a->n_locations; i++)
        fields[4].text += std::string(a->locations[i]) + "\n";
    Xapian::TermGenerator tg, names;
    setup_termgenerators(tg, names);
    std::vector<double> share(fields.size(), 0.0);
    double total = 0;
    for (size_t f = 0; f < fields.size(); f++) {
        Xapian::Document scratch;
        tg.set_document(scratch);
        tg.index_text(fields[f].text);
        for (auto t = scratch.termlist_begin(); t != scratch.termlist_end(); ++t) {
            bool plain = words.count(*t) > 0;
            auto fw = field_words.find(*t);
            bool own = fw != field_words.end() && fw->second == fields[f].field;
            if (plain || own) {
                double w = t.get_wdf() * (plain ? fields[f].weight : 1.0);
                share[f] += w;
                total += w;
            }
        }
    }
    std::vector<std::pair<std::string, double>> out;
    for (size_t f = 0; f < fields.size(); f++) {
        if (share[f] <= 0)
            continue;
        double part = total > 0 ? score * share[f] / total : 0;
        auto same = std::find_if(out.begin(), out.end(),
                                 [&](const std::pair<std::string, double> &o) {
                                     return o.first == fields[f].field;
                                 });
        if (same != out.end())
            same->second += part;
        else
            out.emplace_back(fields[f].field, part);
    }
    return out;
}

void note(newsidx_results_t *r, const char *text)
{
    char **v = static_cast<char **>(realloc(r->notes, (r->n_notes + 1) * sizeof(char *)));
    if (!v)
        throw std::bad_alloc();
    r->notes = v;
    r->notes[r->n_notes++] = nx_strdup(text);
}

/* The relaxed form of a strict query: its plain words (unprefixed
 * terms other than required_words: +word, "word") may be missing as
 * long as one of them matches; everything else stays required: field
 * terms (speaker:, title:, ...), phrases, wildcards, groups in parentheses,
 * and the filters and exclusions around them.  An empty query when
 * there is nothing to relax (fewer than two plain words). */
Xapian::Query loosen(const Xapian::Query &q, const std::set<std::string> &required_words)
{
    switch (q.get_type()) {
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_AND_MAYBE: {
        /* The first subquery is what matches; the others filter,
         * exclude or only add weight. */
        Xapian::Query first = loosen(q.get_subquery(0), required_words);
        if (first.empty())
            return first;
        std::vector<Xapian::Query> sub{first};
        for (size_t i = 1; i < q.get_num_subqueries(); i++)
            sub.push_back(q.get_subquery(i));
        return Xapian::Query(q.get_type(), sub.begin(), sub.end());
    }
    case Xapian::Query::OP_AND: {
        /* QueryParser nests the default group inside the +words' AND. */
        std::vector<Xapian::Query> parts, plain, required;
        std::function<void(const Xapian::Query &)> flatten = [&](const Xapian::Query &x) {
            if (x.get_type() != Xapian::Query::OP_AND) {
                parts.push_back(x);
                return;
            }
            for (size_t i = 0; i < x.get_num_subqueries(); i++)
                flatten(x.get_subquery(i));
        };
        flatten(q);
        for (auto &sub : parts) {
            bool is_plain = false;
            if (sub.get_type() == Xapian::Query::LEAF_TERM) {
                std::string term = *sub.get_terms_begin();
                is_plain = !term.empty() && !isupper(static_cast<unsigned char>(term[0])) &&
                           !required_words.count(term);
            }
            (is_plain ? plain : required).push_back(sub);
        }
        if (plain.size() < 2)
            return Xapian::Query();
        Xapian::Query any(Xapian::Query::OP_OR, plain.begin(), plain.end());
        if (required.empty())
            return any;
        required.push_back(any);
        return Xapian::Query(Xapian::Query::OP_AND, required.begin(), required.end());
    }
    default:
        return Xapian::Query();
    }
}

/* loosen() over a query parsed once per language (an OR of the forms,
 * each kept to its articles): each form loosened, one that cannot be
 * kept as it is.  Empty when no form can be loosened.  Only this OR,
 * which the query did not write, is gone into: a group of the query
 * holds as in loosen(). */
Xapian::Query loosen_forms(const Xapian::Query &q, const std::set<std::string> &required_words)
{
    if (q.get_type() != Xapian::Query::OP_OR)
        return loosen(q, required_words);
    std::vector<Xapian::Query> forms;
    bool any = false;
    for (size_t i = 0; i < q.get_num_subqueries(); i++) {
        Xapian::Query form = loosen(q.get_subquery(i), required_words);
        any |= !form.empty();
        forms.push_back(form.empty() ? q.get_subquery(i) : form);
    }
    if (!any)
        return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_OR, forms.begin(), forms.end());
}

/* Spelling suggestions, word by word over the query as typed, so that
 * field prefixes, operators and phrases stay as they were.  A plain
 * word is checked against Xapian's spelling table (titles and bodies);
 * a name after speaker: or location: against the names of that field
 * (its terms), never against body words.  A suggestion is never a
 * stopword, and never rarer than the word typed: a word of the index
 * stays unless the suggestion is twenty times as frequent (Reuters has
 * "Volker" once and "Volcker" hundreds of times, but "ford" must not
 * become "for"). */
class Speller {
    const Xapian::Database &db;
    const Xapian::Stem &stem;

    /* Edits from a to b, a swap of neighbours counting one ("volkcer"
     * is one edit from "volcker", as from "volkmer"). */
    static size_t distance(const std::string &a, const std::string &b)
    {
        size_t w = b.size() + 1;
        std::vector<size_t> d((a.size() + 1) * w);
        for (size_t i = 0; i <= a.size(); i++)
            d[i * w] = i;
        for (size_t j = 0; j <= b.size(); j++)
            d[j] = j;
        for (size_t i = 1; i <= a.size(); i++)
            for (size_t j = 1; j <= b.size(); j++) {
                size_t v = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1,
                                     d[(i - 1) * w + j - 1] + (a[i - 1] != b[j - 1])});
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    v = std::min(v, d[(i - 2) * w + j - 2] + 1);
                d[i * w + j] = v;
            }
        return d[a.size() * w + b.size()];
    }

    /* The typed word's and the suggestion's frequencies allow it. */
    bool better(Xapian::doccount typed, Xapian::doccount suggested) const
    {
        if (suggested == 0 || suggested < typed)
            return false;
        return typed == 0 || 20.0 * typed < suggested;
    }

    std::string plain_word(const std::string &word) const
    {
        std::string w = lower(word);
        if (is_common_stem(stem(w)))
            return word;
        /* No word is in more articles than there are: a word typed that
         * is in a twentieth of them keeps whatever the table says, and
         * the table's search costs milliseconds. */
        Xapian::doccount typed = db.get_termfreq(stem(w));
        if (typed > 0 && 20.0 * typed >= db.get_doccount())
            return word;
        std::string s = db.get_spelling_suggestion(w);
        if (s.empty() || is_common_stem(stem(s)) || stem(s) == stem(w))
            return word;
        return better(typed, db.get_termfreq(stem(s))) ? s : word;
    }

    /* The nearest name word of the field (edit distance at most 2, and
     * at most a third of the word), the most frequent among equals. */
    std::string name_word(const std::string &prefix, const std::string &word) const
    {
        std::string w = lower(word);
        Xapian::doccount typed = db.get_termfreq(prefix + w);
        /* best_d starts one over the limit: a candidate that far is
         * never taken, only nearer ones ("mulally" is three edits from
         * "bally", which was proposed as it tied the limit). */
        size_t limit = std::min<size_t>(2, w.size() / 3), best_d = limit + 1;
        std::string best;
        Xapian::doccount best_f = 0;
        for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
            std::string cand = (*t).substr(prefix.size());
            if (cand == w || cand.size() + best_d <= w.size() || w.size() + best_d <= cand.size())
                continue;
            size_t d = distance(w, cand);
            if (d > limit)
                continue;
            if (d < best_d || (d == best_d && t.get_termfreq() > best_f)) {
                best_d = d;
                best = cand;
                best_f = t.get_termfreq();
            }
        }
        return !best.empty() && better(typed, best_f) ? best : word;
    }

    /* The known field an unknown one was meant to be: at most two
     * edits and a third of the name away, or "". */
    static std::string nearest_field(const std::string &field)
    {
        std::string best;
        size_t best_d = std::min<size_t>(2, field.size() / 3) + 1;
        for (const char *f : FIELDS) {
            size_t d = distance(field, f);
            if (d < best_d) {
                best_d = d;
                best = f;
            }
        }
        return best;
    }

  public:
    Speller(const Xapian::Database &d, const Xapian::Stem &s) : db(d), stem(s) {}

    /* The query with its misspelt words replaced, or "" when none is. */
    std::string correct(const std::string &q) const
    {
        std::string out, prefix;
        bool changed = false, in_quote = false;
        size_t i = 0;
        while (i < q.size()) {
            char c = q[i];
            if (isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')') {
                if (!in_quote)
                    prefix.clear();
                out += c;
                i++;
                continue;
            }
            if (c == '"') {
                in_quote = !in_quote;
                if (!in_quote)
                    prefix.clear();
                out += c;
                i++;
                continue;
            }
            size_t len = 0;
            std::string field = in_quote ? "" : field_at(q, i, &len);
            if (!field.empty()) {
                std::string typed = q.substr(i, len);
                if (!known_field(field)) {
                    /* speeker: -> speaker:, one or two edits away */
                    std::string near = nearest_field(field);
                    if (!near.empty()) {
                        field = near;
                        typed = near + ":";
                        changed = true;
                    }
                }
                prefix = field == "speaker"    ? PREFIX_SPEAKER
                         : field == "location" ? PREFIX_LOCATION
                         : field == "title" || field == "dateline" || field == "quote" ? ""
                                                                    : "-";
                out += typed;
                i += len;
                continue;
            }
            size_t e = i;
            while (e < q.size() && (isalpha(static_cast<unsigned char>(q[e])) || (q[e] & 0x80)))
                e++;
            if (e == i) {
                out += c;
                i++;
                continue;
            }
            std::string word = q.substr(i, e - i);
            /* Operators, wildcards, word~, words with digits, and values
             * of date: or unknown fields stay as typed. */
            bool keep = is_binary_op(word) || word == "NOT" || prefix == "-" ||
                        (e < q.size() && (q[e] == '*' || q[e] == '~' ||
                                          isdigit(static_cast<unsigned char>(q[e])))) ||
                        (i > 0 && isdigit(static_cast<unsigned char>(q[i - 1])));
            std::string fixed = keep               ? word
                                : prefix.empty() ? plain_word(word)
                                                 : name_word(prefix, word);
            changed |= fixed != word;
            out += fixed;
            i = e;
        }
        return changed ? out : "";
    }
};

/* Words one query may have whatever max_query_terms says: each may nest
 * the query one level deeper (see parse()). */
const size_t MAX_QUERY_WORDS = 20000;

/* Bytes of query text, checked before anything else reads it: far below
 * a frame ([daemon] max_request, 1 MiB), far above any query a person
 * or a program writes (doc/reliability.md). */
const size_t MAX_QUERY_BYTES = 65536;

/* Xapian keeps no term longer than this (a B-tree key holds 245 bytes,
 * less the prefix): a longer word can match nothing. */
const size_t MAX_WORD_BYTES = 240;

/* The spelling table is asked about words up to this long only: its
 * cost grows with the word (a 200 KB word took 1.4 s), and no typo of a
 * word people search for is longer. */
const size_t MAX_SPELLING_WORD = 64;

/* date: ranges in one query.  Xapian 1.4's match of ranges on one slot
 * grows with the square of their number (over 200 articles: 1,000 took
 * 0.18 s, 3,900 3.2 s, 12.5 s in fuzz_query under ASan, which matches
 * again for each hit's story), and nobody names a hundred dates: a
 * span is one range. */
const size_t MAX_DATE_RANGES = 100;

/* Bytes of a highlight marker (doc/protocol.md). */
const size_t MAX_MARKER_BYTES = 64;

/* The longest run of word bytes (letters, digits, UTF-8) in q, and
 * where it starts. */
size_t longest_word(const std::string &q, size_t *at)
{
    size_t best = 0, run = 0;
    *at = 0;
    for (size_t i = 0; i <= q.size(); i++) {
        unsigned char c = i < q.size() ? static_cast<unsigned char>(q[i]) : ' ';
        if (isalnum(c) || c >= 0x80) {
            run++;
            continue;
        }
        if (run > best) {
            best = run;
            *at = i - run;
        }
        run = 0;
    }
    return best;
}

/* A wildcard matching more words than max_expansion is first an error
 * (WILDCARD_LIMIT_ERROR, thrown by the match); the search is then run
 * again keeping the most frequent words, and the results say that they
 * are truncated.  Xapian does not tell otherwise whether it cut one. */
struct Searcher {
    newsidx_db_t *h;
    const newsidx_search_t *req;
    Xapian::Stem stem;
    bool cut_wildcards;
    std::set<std::string> warnings;     /* about the query, for notes */
    bool quote_mode = false;            /* plain words and speaker: are a
                                           quotation's (quotes.cc) */
    bool by_language = false;           /* the query is an OR of its forms
                                           in the index's languages
                                           (in_languages()) */
    /* When the request's time is up ([search] max_search_time), 0 for
     * never; shared by the retries of one request. */
    double deadline = 0;

    Searcher(newsidx_db_t *h_, const newsidx_search_t *r, bool cut)
        : h(h_), req(r), stem(stemmer_for(nullptr)), cut_wildcards(cut) {}

    /* Called between the stages of a search, and between hits: stops it
     * when its caller says so (a daemon stopping, a client gone) or its
     * time is up.  A single match is bounded by Enquire's time limit. */
    void check() const
    {
        const char *why = h->cancel ? h->cancel(h->cancel_arg) : nullptr;
        if (why)
            throw Failure(NEWSIDX_ERR_UNAVAILABLE, std::string("the search was stopped: ") + why);
        if (deadline > 0 && nx_now() > deadline) {
            char secs[32];
            snprintf(secs, sizeof secs, "%g", h->config.max_search_time);
            throw Failure(NEWSIDX_ERR_LIMIT, std::string("the search took longer than [search] "
                                                         "max_search_time (") + secs +
                                     " s): ask for fewer hits, facets or words");
        }
    }

    /* The query text parsed with each wildcard limited to `expansion`
     * words. */
    Xapian::Query parse_text(const std::string &q, Xapian::termcount expansion)
    {
        Xapian::QueryParser qp;
        qp.set_database(h->db);
        qp.set_stemmer(stem);
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
        qp.set_default_op(Xapian::Query::OP_AND);
        static const Xapian::SimpleStopper stopper(STOPWORDS, STOPWORDS + N_STOPWORDS);
        qp.set_stopper(&stopper);
        int limit = cut_wildcards ? Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT
                                  : Xapian::Query::WILDCARD_LIMIT_ERROR;
        qp.set_max_expansion(expansion, limit,
                             Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
        qp.add_prefix("title", PREFIX_TITLE);
        qp.add_prefix("dateline", PREFIX_DATELINE);
        qp.add_prefix("quote", PREFIX_QUOTE);
        if (quote_mode)
            qp.add_prefix("", PREFIX_QUOTE);
        qp.add_prefix("speaker", (new NameProcessor(quote_mode ? PREFIX_QUOTE_SPEAKER
                                                               : PREFIX_SPEAKER,
                                                    h->db, expansion, limit, aliases_of(h)))
                                     ->release());
        qp.add_prefix("location",
                      (new NameProcessor(PREFIX_LOCATION, h->db, expansion, limit))->release());
        qp.add_prefix("byline",
                      (new NameProcessor(PREFIX_BYLINE, h->db, expansion, limit))->release());
        qp.add_prefix("subject",
                      (new NameProcessor(PREFIX_SUBJECT, h->db, expansion, limit))->release());
        qp.add_prefix("url", (new NameProcessor(PREFIX_URL, h->db, expansion, limit))->release());
        qp.add_boolean_prefix("lang", PREFIX_LANGUAGE);
        qp.add_rangeprocessor((new DateRange())->release());
        if (h->pairs)
            qp.add_prefix("nxpair", (new PairProcessor())->release());
        unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                         Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                         Xapian::QueryParser::FLAG_PURE_NOT;
        /* In a query typed all in capitals, AND, OR and NOT are words. */
        if (all_capitals(q))
            flags &= ~static_cast<unsigned>(Xapian::QueryParser::FLAG_BOOLEAN);
        try {
            Rewrite rw;
            rw.pairs = h->pairs && !quote_mode ? &stem : nullptr;
            rw.spelling = h->any_remote ? nullptr : &h->db;
            std::string text = rewrite_query(join_spaced_fields(q, rw), rw);
            warnings.insert(rw.warnings.begin(), rw.warnings.end());
            empty_fields(rw.name_fields);
            Xapian::Query parsed = qp.parse_query(text, flags);
            if (parsed.empty()) {
                /* nothing but stopwords ("to be or not to be"): search
                 * for them after all */
                qp.set_stopper(nullptr);
                parsed = qp.parse_query(text, flags);
            }
            /* Quotations are found in English articles only. */
            return quote_mode ? parsed : in_languages(qp, text, flags, parsed);
        } catch (const Xapian::QueryParserError &e) {
            std::string m = e.get_msg();
            if (m == "Unknown range operation")
                m = "date: wants date:FROM..TO with YYYY-MM-DD, YYYY-MM, YYYY or 7d/3m/1y";
            throw Failure(NEWSIDX_ERR_QUERY, m);
        }
    }

    /* A field no article of the index has (Reuters-21578 has no
     * bylines): byline:gupta finds nothing, and the answer says why. */
    void empty_fields(const std::set<std::string> &fields)
    {
        static const struct { const char *field, *prefix, *what; } known[] = {
            {"byline", PREFIX_BYLINE, "a byline"}, {"url", PREFIX_URL, "a URL"},
            {"subject", PREFIX_SUBJECT, "subjects"}, {"speaker", PREFIX_SPEAKER, "speakers"},
            {"location", PREFIX_LOCATION, "locations"},
        };
        for (auto &k : known)
            if (fields.count(k.field) && h->db.allterms_begin(k.prefix) == h->db.allterms_end(k.prefix))
                warnings.insert(std::string("no article of this index has ") + k.what + ": " +
                                k.field + ": finds nothing here");
    }

    /* The languages other than English the index holds articles in
     * (their "L" terms; an index of format 2 has none), or those the
     * query names with lang:xx. */
    std::vector<std::string> other_languages(const std::string &q)
    {
        std::vector<std::string> v;
        /* --lang xx: that language's form alone */
        if (req->lang && *req->lang) {
            std::string l = lower(req->lang);
            if (l != "en")
                v.push_back(l);
            return v;
        }
        /* Each language once, and only one the index holds: the query
         * is parsed again for each, and "lang:x1 lang:x2 ..." 3,900
         * times over made 3,900 parses of 3,900 terms each (15 million
         * subqueries, 2 GB). */
        std::set<std::string> named;
        for (size_t at = q.find("lang:"); at != std::string::npos; at = q.find("lang:", at + 5)) {
            size_t e = at + 5;
            while (e < q.size() && isalpha(static_cast<unsigned char>(q[e])))
                e++;
            std::string l = lower(q.substr(at + 5, e - at - 5));
            if (!l.empty() && l != "en")
                named.insert(l);
        }
        if (!named.empty() || q.find("lang:en") != std::string::npos) {
            for (auto &l : named)
                if (h->db.term_exists(PREFIX_LANGUAGE + l))
                    v.push_back(l);
            return v;
        }
        return languages_in_index();
    }

    /* The revision of a single database, with its last document number
     * and count; "" over several databases, whose revision is no one
     * number. */
    std::string single_revision() const
    {
        if (!h->shards.empty() || !h->staging.empty())
            return "";
        try {
            return std::to_string(h->db.get_revision()) + ":" +
                   std::to_string(h->db.get_lastdocid()) + ":" +
                   std::to_string(h->db.get_doccount());
        } catch (const Xapian::InvalidOperationError &) {
            return "";          /* a stub of several databases */
        }
    }

    /* Whether h->story_versions holds this revision's articles whose
     * story has other versions (5% of Reuters-21578's).  Counting the
     * stories of a match reads each match's story key from the values
     * otherwise, about 3,300 instructions an article; the table costs
     * about 1,300 an article of the index to read (a walk of the G
     * terms), so it is read once the searches of a revision have read
     * as many keys as half the articles: an index that changes between
     * every few searches never pays for it, one that stays pays once. */
    bool story_versions()
    {
        std::string rev = single_revision();
        if (rev.empty())
            return false;
        if (h->stories_revision != rev) {
            h->stories_revision = rev;
            h->story_versions.clear();
            h->stories_with_versions = 0;
            h->story_versions_read = false;
            h->story_key_reads = 0;
        }
        if (h->story_versions_read)
            return true;
        if (h->story_key_reads < h->db.get_doccount() / 2)
            return false;
        std::vector<std::pair<Xapian::docid, uint32_t>> table;
        uint32_t story = 0;
        for (auto t = h->db.allterms_begin(PREFIX_STORY); t != h->db.allterms_end(PREFIX_STORY);
             ++t) {
            if (t.get_termfreq() < 2)
                continue;
            for (auto p = h->db.postlist_begin(*t); p != h->db.postlist_end(*t); ++p)
                table.emplace_back(*p, story);
            story++;
        }
        std::sort(table.begin(), table.end());
        h->story_versions.swap(table);
        h->stories_with_versions = story;
        h->story_versions_read = true;
        return true;
    }

    /* The languages other than English of the index's articles.  Read
     * once per revision of a single database (walking the L terms cost
     * 170,000 instructions a search, 3% of one); each time over several
     * databases. */
    std::vector<std::string> languages_in_index()
    {
        std::string rev = single_revision();
        if (!rev.empty() && h->languages_revision == rev)
            return h->other_languages;
        std::vector<std::string> v;
        for (auto t = h->db.allterms_begin(PREFIX_LANGUAGE); t != h->db.allterms_end(PREFIX_LANGUAGE);
             ++t) {
            std::string l = (*t).substr(strlen(PREFIX_LANGUAGE));
            if (l != "en")
                v.push_back(l);
        }
        if (!rev.empty()) {
            h->other_languages = v;
            h->languages_revision = rev;
        }
        return v;
    }

    /* Articles are stemmed in their own language: a query is parsed once
     * more with the stemmer of each other language the index holds, each
     * form kept to the articles in that language; the English form to
     * the others (every article of an older index among them). */
    Xapian::Query in_languages(Xapian::QueryParser &qp, const std::string &text, unsigned flags,
                               const Xapian::Query &english)
    {
        std::vector<std::string> langs = other_languages(req->query ? req->query : "");
        if (langs.empty() || english.empty())
            return english;
        std::vector<Xapian::Query> tags, forms;
        for (auto &l : langs)
            tags.emplace_back(PREFIX_LANGUAGE + l);
        Xapian::Query others(Xapian::Query::OP_OR, tags.begin(), tags.end());
        forms.emplace_back(Xapian::Query::OP_AND_NOT, english, others);
        by_language = true;
        /* No stopword lists but English's: the others keep every word. */
        qp.set_stopper(nullptr);
        for (size_t i = 0; i < langs.size(); i++) {
            qp.set_stemmer(stemmer_for(langs[i].c_str()));
            Xapian::Query form = qp.parse_query(text, flags & ~static_cast<unsigned>(
                                                                Xapian::QueryParser::FLAG_SPELLING_CORRECTION));
            if (!form.empty())
                forms.emplace_back(Xapian::Query::OP_FILTER, form, tags[i]);
        }
        qp.set_stemmer(stem);
        return Xapian::Query(Xapian::Query::OP_OR, forms.begin(), forms.end());
    }

    /* The date ranges of a query (date:FROM..TO), which are no terms:
     * max_query_terms does not count them. */
    static size_t count_ranges(const Xapian::Query &q)
    {
        switch (q.get_type()) {
        case Xapian::Query::OP_VALUE_RANGE:
        case Xapian::Query::OP_VALUE_GE:
        case Xapian::Query::OP_VALUE_LE:
            return 1;
        default:
            break;
        }
        size_t n = 0;
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            n += count_ranges(q.get_subquery(i));
        return n;
    }

    static size_t count_wildcards(const Xapian::Query &q)
    {
        if (q.get_type() == Xapian::Query::OP_WILDCARD)
            return 1;
        size_t n = 0;
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            n += count_wildcards(q.get_subquery(i));
        return n;
    }

    Xapian::Query parse(std::string &display, bool &empty)
    {
        std::string q = req->query ? req->query : "";
        display = q;
        if (q.size() > MAX_QUERY_BYTES)
            throw Failure(NEWSIDX_ERR_LIMIT, "query is " + std::to_string(q.size()) +
                                     " bytes long, more than the limit of " +
                                     std::to_string(MAX_QUERY_BYTES));
        size_t word_at, longest = longest_word(q, &word_at);
        if (longest > MAX_WORD_BYTES)
            throw Failure(NEWSIDX_ERR_LIMIT, "the word at column " + std::to_string(word_at + 1) + " is " +
                                     std::to_string(longest) + " bytes long: no word of the "
                                     "index is longer than " + std::to_string(MAX_WORD_BYTES) +
                                     ", so it can match nothing");
        SyntaxError se;
        size_t words;
        if (!check_syntax(q, se, &words))
            throw Failure(NEWSIDX_ERR_QUERY,
                          "at column " + std::to_string(se.column) + ": " + se.what);
        /* Refused before parsing: Xapian builds, walks and frees a query
         * recursively, and "x NOT x NOT x ..." nests one level per
         * operator, so a long enough one exhausts the stack.  No query
         * within max_query_terms needs more than four words a term. */
        size_t max_words = std::min<size_t>(4 * (size_t)h->config.max_query_terms, MAX_QUERY_WORDS);
        if (words > max_words)
            throw Failure(NEWSIDX_ERR_LIMIT, "query has " + std::to_string(words) +
                                                 " words, more than the limit of " +
                                                 std::to_string(max_words));
        Xapian::Query parsed;
        std::string trimmed = q;
        trimmed.erase(0, trimmed.find_first_not_of(" \t\n"));
        empty = trimmed.empty();
        if (!empty) {
            parsed = parse_text(q, h->config.max_expansion);
            if (parsed.get_length() > h->config.max_query_terms)
                throw Failure(NEWSIDX_ERR_LIMIT,
                              "query has " + std::to_string(parsed.get_length()) +
                                  " terms, more than the limit of " +
                                  std::to_string(h->config.max_query_terms));
            size_t ranges = count_ranges(parsed);
            if (ranges > MAX_DATE_RANGES)
                throw Failure(NEWSIDX_ERR_LIMIT, "query has " + std::to_string(ranges) +
                                                     " date ranges, more than the limit of " +
                                                     std::to_string(MAX_DATE_RANGES));
            /* max_expansion bounds the words of all the query's wildcards
             * together: "aa* OR ab* OR ... zz*" must not search every
             * word of the index. */
            size_t wildcards = count_wildcards(parsed);
            if (wildcards > 1) {
                Xapian::termcount share = h->config.max_expansion / wildcards;
                parsed = parse_text(q, share ? share : 1);
            }
            empty = parsed.empty();
            if (!h->quotes && !empty && query_mentions_quotes(parsed))
                warnings.insert("this index has no quotations in it (its format is older than "
                                "3): rebuild it with 'newsidx add' to search them");
        }
        return parsed;
    }

    static bool query_mentions_quotes(const Xapian::Query &q)
    {
        for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t)
            if (is_quote_term(*t) || is_quote_speaker_term(*t))
                return true;
        return false;
    }

    /* A name filter: the exact name, or its words in order within one
     * name ("hegseth" matches "Pete Hegseth"). */
    static Xapian::Query name_filter(const char *exact_prefix, const char *word_prefix,
                                     const char *name)
    {
        Xapian::Query exact(std::string(exact_prefix) + lower(name));
        std::vector<std::string> w = name_words(name);
        if (w.empty())
            return exact;
        std::vector<Xapian::Query> terms;
        for (auto &x : w)
            terms.emplace_back(word_prefix + x);
        Xapian::Query words = terms.size() == 1
                                  ? terms[0]
                                  : Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(),
                                                  terms.end(), terms.size());
        return Xapian::Query(Xapian::Query::OP_OR, exact, words);
    }

    /* --lang's code, as the L terms hold it: "de", "pt-br". */
    static std::string language_filter(const char *lang)
    {
        std::string l = lower(lang);
        if (l.size() > 16 || l.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") != std::string::npos)
            throw Failure(NEWSIDX_ERR_ARG, "lang wants a language code such as en or de, not '" +
                                               std::string(lang) + "'");
        return l;
    }

    Xapian::Query filters()
    {
        std::vector<Xapian::Query> f;
        std::string since = req->since ? req->since : "", until = req->until ? req->until : "";
        std::string from, to;
        if (!until.empty())
            date_range("", until, "--until", from, to);
        if (!since.empty())
            date_range(since, "", "--since", from, to);
        if (!since.empty() && !until.empty()) {
            date_range(since, until, "--since/--until", from, to);
            f.emplace_back(Xapian::Query::OP_VALUE_RANGE, SLOT_DATE, from, to);
        } else if (!since.empty()) {
            f.emplace_back(Xapian::Query::OP_VALUE_GE, SLOT_DATE, from);
        } else if (!until.empty()) {
            f.emplace_back(Xapian::Query::OP_VALUE_LE, SLOT_DATE, to);
        }
        if (req->speaker && *req->speaker) {
            /* the speaker under any of the names the alias table links */
            std::vector<Xapian::Query> forms;
            for (auto &form : aliases_of(h)->forms_of(req->speaker))
                forms.push_back(name_filter(PREFIX_SPEAKER_EXACT, PREFIX_SPEAKER, form.c_str()));
            forms.push_back(name_filter(PREFIX_SPEAKER_EXACT, PREFIX_SPEAKER, req->speaker));
            f.emplace_back(Xapian::Query::OP_OR, forms.begin(), forms.end());
        }
        if (req->location && *req->location)
            f.push_back(name_filter(PREFIX_LOCATION_EXACT, PREFIX_LOCATION, req->location));
        if (req->lang && *req->lang)
            f.emplace_back(PREFIX_LANGUAGE + language_filter(req->lang));
        if (f.empty())
            return Xapian::Query();
        return Xapian::Query(Xapian::Query::OP_AND, f.begin(), f.end());
    }

    /* Terms that describe the article `like`, for "more like this". */
    Xapian::Query like_query(Xapian::Enquire &enq, Xapian::docid &self)
    {
        std::string term = std::string(PREFIX_ID) + req->like;
        Xapian::PostingIterator p = h->db.postlist_begin(term);
        if (p == h->db.postlist_end(term))
            throw Failure(NEWSIDX_ERR_NOT_FOUND,
                          std::string("no article with id '") + req->like + "'");
        self = *p;
        Xapian::RSet rset;
        rset.add_document(self);
        struct Plain : Xapian::ExpandDecider {
            bool operator()(const std::string &t) const override
            {
                /* Unprefixed stems only, and not numbers. */
                return !t.empty() && !isupper(static_cast<unsigned char>(t[0])) &&
                       !isdigit(static_cast<unsigned char>(t[0])) && t.size() > 2;
            }
        } decider;
        Xapian::ESet eset = enq.get_eset(25, rset, &decider);
        std::vector<Xapian::Query> terms;
        for (auto t = eset.begin(); t != eset.end(); ++t)
            terms.emplace_back(*t);
        return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    }

    /* The whole query: the parsed one (or all articles), filtered. */
    Xapian::Query finish(Xapian::Query q, bool empty, const Xapian::Query &filter, bool self)
    {
        if (empty)
            q = Xapian::Query::MatchAll;
        if (!filter.empty())
            q = Xapian::Query(Xapian::Query::OP_FILTER, q, filter);
        if (self)
            q = Xapian::Query(Xapian::Query::OP_AND_NOT, q,
                              Xapian::Query(std::string(PREFIX_ID) + req->like));
        return q;
    }

    /* How long one match may take: [search] time_limit, within the
     * request's budget (check() after the match refuses an answer the
     * budget cut short); 0 for no limit. */
    double match_time_limit() const
    {
        double limit_s = h->config.time_limit;
        if (deadline > 0) {
            double left = std::max(deadline - nx_now(), 0.001);
            if (limit_s <= 0 || left < limit_s)
                limit_s = left;
        }
        return limit_s;
    }

    /* The stories that match, counted by a match that ranks nothing: no
     * weights, no order, no collapsing, only the story spy over the
     * postings.  True when the count is exact (fewer matches than
     * `check`, and the time limit did not stop it). */
    bool count_stories(const Xapian::Query &query, Xapian::doccount check, Facets &spies)
    {
        Xapian::Enquire enq(h->db);
        enq.set_query(query);
        enq.set_weighting_scheme(Xapian::BoolWeight());
        double limit_s = match_time_limit();
        if (limit_s > 0)
            enq.set_time_limit(limit_s);
        bool table = story_versions();
        spies.story_keys.reset(table ? new StoryKeySpy(&h->story_versions,
                                                       h->stories_with_versions)
                                     : new StoryKeySpy());
        enq.add_matchspy(spies.story_keys.get());
        spies.check = check;
        spies.docs = h->db.get_doccount();
        double started = nx_now();
        enq.get_mset(0, 0, check);
        spies.maybe_cut = h->config.time_limit > 0 && nx_now() - started >= h->config.time_limit;
        h->story_key_reads += spies.story_keys->keyed;
        return spies.story_keys->seen < check && !spies.maybe_cut;
    }

    /* The key of an article's moment, its day and then its time, that
     * sorts newest first where the index has times (match() and
     * rank_apart()); null where it has none or a shard is remote
     * (Xapian 1.4's remote backend takes no KeyMaker): the day's value
     * is then the key, a lookup where the key maker costs a document and
     * two (28% of a match's instructions over Reuters-21578, which has
     * no times), in the same order. */
    std::unique_ptr<Xapian::MultiValueKeyMaker> when_key() const
    {
        if (h->any_remote || h->db.get_value_freq(SLOT_TIME) == 0)
            return nullptr;
        std::unique_ptr<Xapian::MultiValueKeyMaker> by_time(new Xapian::MultiValueKeyMaker());
        by_time->add_value(SLOT_DATE);
        by_time->add_value(SLOT_TIME);
        return by_time;
    }

    /* The page of a match whose stories were counted apart, ranked by
     * relevance alone and uncollapsed, then ordered and collapsed here.
     * Xapian's collapsing reads each candidate's story key from the
     * values, and its sort by relevance then date each candidate's date
     * (together 30 M of the 40 benchmark queries' 254 M instructions,
     * and more in the relaxed ones' loose matches over thousands of
     * articles); here the story of an article comes from the table of
     * those whose story has other versions, by document number, and a
     * date is read only where two weights are equal.  The page is the
     * same: the first offset + limit + (what collapsing leaves out, from
     * the count) articles by weight hold the first offset + limit
     * stories; one more says whether equal weights run on past them.
     * False, and the page left to the match that collapses and sorts,
     * when they do, when no table says which articles share a story
     * and some do, or when the page would need many more articles. */
    bool rank_apart(const Xapian::Query &query, unsigned offset, unsigned limit,
                    Facets &spies, Page &page)
    {
        if (limit == 0)
            return true;        /* the strict hits filled the page */
        const StoryKeySpy &keys = *spies.story_keys;
        Xapian::doccount away = keys.collapsed_away();
        if (away > 0 && !keys.table())
            return false;
        Xapian::doccount want = offset + limit, fetch = want + away;
        if (away > 2 * want + 16)
            return false;
        Xapian::Enquire enq(h->db);
        enq.set_query(query);
        enq.set_weighting_scheme(
            Xapian::BM25Weight(h->config.bm25_k1, 0, 1, h->config.bm25_b, 0.5));
        double limit_s = match_time_limit();
        if (limit_s > 0)
            enq.set_time_limit(limit_s);
        double started = nx_now();
        Xapian::MSet m = enq.get_mset(0, fetch + 1, fetch + 1);
        if (h->config.time_limit > 0 && nx_now() - started >= h->config.time_limit)
            return false;
        struct Ranked {
            Xapian::docid did;
            double weight;
            Xapian::doccount index;     /* in m */
            std::string when;
        };
        std::vector<Ranked> ranked;
        ranked.reserve(m.size());
        for (auto it = m.begin(); it != m.end(); ++it)
            ranked.push_back({*it, it.get_weight(), it.get_rank(), std::string()});
        if (ranked.size() > fetch) {
            if (ranked[fetch].weight == ranked[fetch - 1].weight)
                return false;
            ranked.pop_back();
        }
        /* Equal weights: newest first, then by document number (the
         * order Xapian gave them in). */
        std::unique_ptr<Xapian::MultiValueKeyMaker> when = when_key();
        for (size_t i = 0; i < ranked.size();) {
            size_t j = i + 1;
            while (j < ranked.size() && ranked[j].weight == ranked[i].weight)
                j++;
            if (j - i > 1) {
                for (size_t k = i; k < j; k++)
                {
                    Xapian::Document doc = m[ranked[k].index].get_document();
                    ranked[k].when = when ? (*when)(doc) : doc.get_value(SLOT_DATE);
                }
                std::stable_sort(ranked.begin() + i, ranked.begin() + j,
                                 [](const Ranked &a, const Ranked &b) { return a.when > b.when; });
            }
            i = j;
        }
        /* One article a story, its best ranked. */
        const auto *table = keys.table();
        std::vector<bool> story_seen(table ? h->stories_with_versions : 0);
        page.mset = m;
        Xapian::doccount kept = 0;
        for (const Ranked &x : ranked) {
            if (kept == want)
                break;
            long story = table ? story_in(*table, x.did) : -1;
            if (story >= 0) {
                if (story_seen[story])
                    continue;
                story_seen[story] = true;
            }
            if (kept++ < offset)
                continue;
            Xapian::MSetIterator at = m[x.index];
            page.items.push_back({at, x.weight,
                                  story >= 0 ? at.get_document().get_value(SLOT_STORY) : ""});
        }
        return true;
    }

    Page match(const Xapian::Query &query, bool empty, unsigned offset, unsigned limit,
               Facets &spies, bool count_apart = false)
    {
        Xapian::Enquire enq(h->db);
        enq.set_query(query);
        enq.set_weighting_scheme(
            Xapian::BM25Weight(h->config.bm25_k1, 0, 1, h->config.bm25_b, 0.5));
        /* Newest first, or most relevant first with the newest winning
         * ties: by day, then by the moment within it where the sender gave
         * one.  Xapian 1.4's remote backend takes no KeyMaker: over
         * remote shards, by day only (the answer says so). */
        bool by_date = req->sort == NEWSIDX_SORT_DATE || empty;
        if (std::unique_ptr<Xapian::MultiValueKeyMaker> by_time = when_key()) {
            /* Released: the Enquire owns it. */
            Xapian::KeyMaker *when = by_time.release()->release();
            if (by_date)
                enq.set_sort_by_key_then_relevance(when, true);
            else
                enq.set_sort_by_relevance_then_key(when, true);
        } else if (by_date) {
            enq.set_sort_by_value_then_relevance(SLOT_DATE, true);
        } else {
            enq.set_sort_by_relevance_then_value(SLOT_DATE, true);
        }
        double limit_s = match_time_limit();
        if (limit_s > 0)
            enq.set_time_limit(limit_s);
        /* One hit per story (format 3): the best-ranked version stands
         * for the others, which fill_hit() counts and replaces by the
         * newest.  Articles without a story key are never collapsed. */
        if (!req->all_versions)
            enq.set_collapse_key(SLOT_STORY);
        /* Facets and the histogram count the whole match set.  Without
         * them the match counts up to [search] exact_total articles, so
         * that a total shown (and the choice to relax) is a count and
         * not Xapian's estimate; and one more than the page, to say
         * whether more results exist. */
        Xapian::doccount check = req->facets || req->histogram
                                     ? h->db.get_doccount()
                                     : std::max<Xapian::doccount>(offset + limit + 1,
                                                                  h->config.exact_total);
        /* A count alone is always exact: nothing is ranked, so every
         * match costs only its posting. */
        if (req->count_only) {
            enq.set_weighting_scheme(Xapian::BoolWeight());
            enq.set_sort_by_relevance();
            enq.set_docid_order(Xapian::Enquire::DONT_CARE);
            check = h->db.get_doccount();
        }
        /* Ranked by relevance with nothing but the stories to count: the
         * stories are counted apart, and the ranking match looks at no
         * more than the page.  Counting up to exact_total in the ranking
         * match weighed, collapsed and sorted every match (half of a
         * search's instructions), where past the page Xapian skips what
         * cannot beat the page's last hit.  The same hits and scores;
         * the count is the same spy's over the same articles.  More
         * matches than exact_total: Xapian's estimate of the collapsed
         * match, as before, from one match that counts as far. */
        if (count_apart && !by_date && !req->all_versions && !req->facets && !req->histogram &&
            !req->count_only && !h->any_remote && count_stories(query, check, spies)) {
            spies.counted_apart = true;
            Page page;
            if (rank_apart(query, offset, limit, spies, page))
                return page;
            double started = nx_now();
            Xapian::MSet m = enq.get_mset(offset, limit, offset + limit + 1);
            spies.maybe_cut = h->config.time_limit > 0 &&
                              nx_now() - started >= h->config.time_limit;
            return Page::of(m);
        }
        spies.story_keys.reset();
        if (!req->all_versions)
            spies.attach_stories(enq);
        if (req->facets)
            spies.attach(enq, h->any_remote, aliases_of(h), !req->all_versions);
        if (req->histogram)
            spies.attach_dates(enq);
        spies.check = check;
        spies.docs = h->db.get_doccount();
        double started = nx_now();
        Xapian::MSet m = enq.get_mset(offset, limit, check);
        spies.maybe_cut = h->config.time_limit > 0 && nx_now() - started >= h->config.time_limit;
        return Page::of(m);
    }

    /* What one request asks for, once parsed: the query shown back, the
     * parsed words (none for a filter-only query), the filters, and the
     * whole query that is matched. */
    struct Plan {
        std::string display;
        bool empty = true;          /* no words: all articles, filtered */
        bool like = false;          /* "more like this" */
        Xapian::docid self = 0;     /* the article `like` names */
        Xapian::Query parsed, filter, query;
        Xapian::Query loose;        /* the relaxed second match, if any */
        unsigned limit = 0;
    };

    Plan plan()
    {
        Plan p;
        if (req->like && !*req->like)
            throw Failure(NEWSIDX_ERR_NOT_FOUND, "no article with id ''");
        for (const char *m : {req->hl_open, req->hl_close})
            if (m && strlen(m) > MAX_MARKER_BYTES)
                throw Failure(NEWSIDX_ERR_LIMIT, "a highlight marker is " + std::to_string(strlen(m)) +
                                         " bytes long, more than the limit of " +
                                         std::to_string(MAX_MARKER_BYTES));
        p.like = req->like && *req->like;
        if (p.like) {
            Xapian::Enquire enq(h->db);
            p.parsed = like_query(enq, p.self);
            p.display = std::string("like:") + req->like;
            p.empty = false;
        } else {
            p.parsed = scope_quotes(parse(p.display, p.empty));
        }
        p.filter = filters();
        if (p.empty && p.filter.empty() && !p.like)
            throw Failure(NEWSIDX_ERR_ARG, "empty query: give words to search for or a filter");
        p.limit = page_limit();
        p.query = finish(p.parsed, p.empty, p.filter, p.self);
        if (p.like) {
            /* Nor its other versions. */
            std::string story = h->db.get_document(p.self).get_value(SLOT_STORY);
            if (!story.empty())
                p.query = Xapian::Query(Xapian::Query::OP_AND_NOT, p.query,
                                        Xapian::Query(PREFIX_STORY + story));
        }
        return p;
    }

    /* The page size asked for, within the configured bounds. */
    unsigned page_limit() const
    {
        return nx::page_limit(req, h->config);
    }

    /* The stems of the words that must match even in a relaxed answer,
     * besides field terms and phrases: those marked +word, a word
     * quoted alone ("opec"), which QueryParser makes a plain term, and
     * words joined by AND. */
    std::set<std::string> required_words() const
    {
        std::set<std::string> required;
        std::string q = req->query ? req->query : "";
        auto is_word = [&](size_t k) {
            return isalnum(static_cast<unsigned char>(q[k])) || (q[k] & 0x80);
        };
        for (size_t i = 0; i < q.size(); i++) {
            bool token_start = i == 0 || isspace(static_cast<unsigned char>(q[i - 1])) ||
                               q[i - 1] == '(';
            if (q[i] == '"') {
                size_t close = q.find('"', i + 1);
                if (close == std::string::npos)
                    break;
                size_t a = i + 1, b = close;
                while (a < b && !is_word(a))
                    a++;
                while (b > a && !is_word(b - 1))
                    b--;
                bool one_word = a < b && token_start;
                for (size_t k = a; k < b && one_word; k++)
                    one_word = is_word(k);
                if (one_word)
                    required.insert(stem(lower(q.substr(a, b - a))));
                i = close;
                continue;
            }
            if (q[i] != '+' || !token_start)
                continue;
            size_t e = i + 1;
            while (e < q.size() && is_word(e))
                e++;
            if (e > i + 1)
                required.insert(stem(lower(q.substr(i + 1, e - i - 1))));
        }
        joined_by_and(q, required);
        return required;
    }

    /* The words on either side of an AND the user typed ("oil AND
     * prices"): asked for in so many words, never relaxed.  QueryParser
     * gives them the shape of the default AND. */
    void joined_by_and(const std::string &q, std::set<std::string> &required) const
    {
        if (all_capitals(q))
            return;             /* AND is a word there */
        std::vector<std::string> tokens;
        bool in_quote = false;
        std::string cur;
        for (char c : q + " ") {
            if (c == '"')
                in_quote = !in_quote;
            if (!in_quote && (isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')')) {
                if (!cur.empty())
                    tokens.push_back(cur);
                if (c != ' ' && !isspace(static_cast<unsigned char>(c)))
                    tokens.push_back(std::string(1, c));
                cur.clear();
            } else {
                cur += c;
            }
        }
        auto plain = [](const std::string &t) {
            if (t.empty())
                return false;
            for (char c : t)
                if (!isalnum(static_cast<unsigned char>(c)) && !(c & 0x80))
                    return false;
            return t != "AND" && t != "OR" && t != "NOT" && t != "XOR";
        };
        for (size_t k = 0; k < tokens.size(); k++) {
            if (tokens[k] != "AND")
                continue;
            if (k > 0 && plain(tokens[k - 1]))
                required.insert(stem(lower(tokens[k - 1])));
            if (k + 1 < tokens.size() && plain(tokens[k + 1]))
                required.insert(stem(lower(tokens[k + 1])));
        }
    }

    /* Too few articles have every word: after them come the articles
     * that have some of the words, ranked by how much of the query they
     * match (a second match that leaves out the first's).  Each such
     * hit is marked partial, and the answer relaxed.  True when the
     * loose match found any. */
    bool relax(Plan &p, const Page &strict, Xapian::doccount strict_total, Page &loose_page,
               Facets &loose_spies)
    {
        if (p.like || p.empty || req->strict || req->count_only || !h->config.relax_below ||
            strict_total >= h->config.relax_below)
            return false;
        Xapian::Query loose = by_language ? loosen_forms(p.parsed, required_words())
                                          : loosen(p.parsed, required_words());
        if (loose.empty())
            return false;
        Xapian::Query rest = finish(Xapian::Query(Xapian::Query::OP_AND_NOT, loose, p.parsed),
                                    false, p.filter, false);
        p.loose = rest;
        unsigned shown = strict.size();
        unsigned off = req->offset > strict_total ? req->offset - strict_total : 0;
        loose_page = match(rest, false, off, p.limit - shown, loose_spies, true);
        if (loose_spies.counted_apart)
            return count_of(loose_page.mset, loose_spies).estimated > 0;
        return loose_page.mset.get_matches_estimated() > 0;
    }

    /* A suggestion only when the query found little, and only one that
     * finds more. */
    void suggest(const Plan &p, Xapian::doccount strict_total, newsidx_results_t *r)
    {
        if (p.empty || p.like || strict_total >= std::max(1u, h->config.relax_below))
            return;
        if (h->any_remote) {
            note(r, "no spelling suggestions: remote shards have no spelling data");
            return;
        }
        size_t at;
        if (longest_word(req->query ? req->query : "", &at) > MAX_SPELLING_WORD)
            return;
        check();
        std::string corrected = Speller(h->db, stem).correct(p.display);
        if (corrected.empty() || corrected == p.display)
            return;
        newsidx_search_t alt = *req;
        alt.query = corrected.c_str();
        alt.facets = false;
        alt.explain = false;
        alt.limit = 1;
        alt.offset = 0;
        Searcher s2(h, &alt, cut_wildcards);
        s2.deadline = deadline;
        check();
        std::string d3;
        bool e3 = true;
        /* Parsed before finish() reads e3: the order in which a call's
         * arguments are evaluated is unspecified, and GCC read e3 first
         * (true), so every suggestion was checked against all articles
         * and taken ("speeker:zzzzqq" proposed "speaker:zzzzqq"). */
        Xapian::Query parsed = s2.parse(d3, e3);
        Xapian::Query q2 = s2.finish(parsed, e3, s2.filters(), false);
        Facets none;
        if (!e3 && s2.match(q2, false, 0, 1, none).mset.get_matches_estimated() > strict_total)
            r->corrected = dup(corrected);
    }

    /* The totals and flags of an answer made of the strict match and the
     * loose one after it. */
    newsidx_results_t *new_results(const Plan &p, const Page &page, const Page &loose_page,
                                   const Facets &spies, const Facets &loose_spies, bool relaxed)
    {
        auto *r = static_cast<newsidx_results_t *>(calloc(1, sizeof(newsidx_results_t)));
        if (!r)
            throw std::bad_alloc();
        r->query = dup(p.display);
        Count strict = count_of(page.mset, spies), loose = count_of(loose_page.mset, loose_spies);
        r->total = strict.estimated + loose.estimated;
        r->total_strict = strict.estimated;
        r->total_min = strict.min + loose.min;
        r->total_max = strict.max + loose.max;
        r->total_exact = strict.exact && loose.exact;
        r->more = r->total_min > req->offset + page.size() + loose_page.size();
        r->relaxed = relaxed;
        /* Facets ask for every match to be seen; time_limit stops that
         * early, and then the spies saw fewer documents than match (or
         * the size of the match is not even known). */
        r->truncated = cut_wildcards || (!spies.empty() && facets_cut(page.mset, spies));
        return r;
    }

    /* What a hit needs besides its document: the snippet's terms and
     * marks, and for explain the query's words by field. */
    struct HitContext {
        Xapian::MSet hl_mset;       /* empty when there are no words */
        bool have_hl = false;
        std::string open, close;
        Xapian::Query query, loose;     /* what the strict, loose hits matched */
        /* The query's phrases (outside fields) as stems, to show and
         * mark whole in snippets. */
        std::vector<std::vector<std::string>> phrases;
        /* The stemmer snippets are made with (MarkStem). */
        Xapian::Stem mark_stem;
        /* The stems snippets mark (hl_mset's terms without their "Z"),
         * each of which a snippet of the lead must mark. */
        std::vector<std::string> mark_stems;
        bool query_empty = false;       /* sorted by date */
        bool no_words = false;          /* filters alone: no term to show */
        /* For explain: the query's plain words, and words of field
         * queries by field, as the bag and the fields index them. */
        std::set<std::string> plain_words;
        std::map<std::string, std::string> field_words;
    };

    HitContext hit_context(const Plan &p)
    {
        HitContext c;
        if (!p.like && req->query)
            c.phrases = phrases_of(req->query, stem);
        std::string firsts;
        if (!p.empty && !p.like) {
            Xapian::Enquire hl(h->db);
            Xapian::Query marked = highlight_query(p.query, c.phrases, stem);
            add_mark_firsts(marked, firsts);
            for (auto t = marked.get_unique_terms_begin(); t != marked.get_unique_terms_end(); ++t)
                c.mark_stems.push_back((*t).substr(1));
            hl.set_query(marked);
            c.hl_mset = hl.get_mset(0, 0);
            c.have_hl = true;
        }
        /* Snippets without the highlight match mark the match's terms. */
        add_mark_firsts(p.query, firsts);
        add_mark_firsts(p.loose, firsts);
        c.mark_stem = STEMMER == std::string("english") ? Xapian::Stem(new MarkStem(stem, firsts))
                                                        : stem;
        c.query = p.query;
        c.loose = p.loose;
        c.query_empty = p.empty;
        c.no_words = p.empty || (!p.like && p.parsed.get_unique_terms_begin() ==
                                                p.parsed.get_unique_terms_end());
        c.open = req->hl_open ? req->hl_open : "<em>";
        c.close = req->hl_close ? req->hl_close : "</em>";
        if (!req->explain)
            return c;
        for (auto t = p.query.get_unique_terms_begin(); t != p.query.get_unique_terms_end(); ++t) {
            std::string term = *t;
            size_t n = 0;
            while (n < term.size() && isupper(static_cast<unsigned char>(term[n])))
                n++;
            std::string prefix = term.substr(0, n), word = term.substr(n);
            if (prefix.empty()) {
                c.plain_words.insert(word);
            } else if (prefix == PREFIX_PAIR) {
                for (auto &w : pair_words(term))
                    c.plain_words.insert(w);
            } else if (prefix == PREFIX_TITLE)
                c.field_words[word] = "title";
            else if (prefix == PREFIX_DATELINE)
                c.field_words[word] = "dateline";
            else if (prefix == PREFIX_SPEAKER)
                c.field_words[stem(word)] = "speaker";
            else if (prefix == PREFIX_LOCATION)
                c.field_words[stem(word)] = "location";
        }
        return c;
    }

    void explain_into(newsidx_hit_t *hit, const newsidx_article_t *a, const HitContext &c)
    {
        auto ex = explain_hit(a, &h->config, c.plain_words, c.field_words, hit->score);
        hit->explain = static_cast<newsidx_explain_t *>(
            calloc(ex.size() ? ex.size() : 1, sizeof(newsidx_explain_t)));
        if (!hit->explain)
            throw std::bad_alloc();
        for (auto &e : ex) {
            hit->explain[hit->n_explain].field = dup(e.first);
            hit->explain[hit->n_explain++].weight = e.second;
        }
    }

    std::string snippet_of(const std::string &body, const Xapian::MSet &mset,
                           const HitContext &c)
    {
        /* A query without words (filters alone): the lead, which says
         * what the article is about, never a window Xapian would pick
         * at random (it chose the tail: "Reporting by ..."). */
        if (c.no_words)
            return lead_snippet(body, h->config.snippet_length);
        const Xapian::MSet &marks = c.have_hl ? c.hl_mset : mset;
        for (auto &phrase : c.phrases) {
            size_t start = 0, end = 0;
            if (!find_phrase(body, phrase, stem, start, end))
                continue;
            std::string snip = phrase_snippet(body, start, end, marks, c);
            if (!snip.empty())
                return tidy_snippet(snip, c.open, c.close);
        }
        std::string lead = lead_with_every_mark(body, marks, c);
        if (!lead.empty())
            return tidy_snippet(lead, c.open, c.close);
        /* No background model: it looks up the frequency of every word of
         * the text in the index, which costs more than the search. */
        unsigned flags = 0;
        std::string snip = marks.snippet(body, h->config.snippet_length, c.mark_stem, flags, c.open,
                                         c.close, "\xe2\x80\xa6");
        return tidy_snippet(snip, c.open, c.close);
    }

    /* The snippet of the body's lead (its first snippet_length bytes,
     * cut at a space) when it marks every word the query marks: the
     * lead of a news article says what it is about, and MSet::snippet()
     * reads only its words, where over the whole body it reads on to
     * one window past the best it finds (75 words a hit of "gold", for
     * a snippet of 35).  Empty when a word is not marked there (or the
     * marks are empty strings): the whole body's snippet is made then.
     * Which words are marked is read back from the snippet, each marked
     * word stemmed as MSet::snippet() stemmed it to find it a term. */
    std::string lead_with_every_mark(const std::string &body, const Xapian::MSet &marks,
                                     const HitContext &c)
    {
        if (!c.have_hl || c.mark_stems.empty() || c.open.empty() || c.close.empty())
            return "";
        size_t length = h->config.snippet_length;
        size_t start = body.find_first_not_of(" \t\r\n");
        if (start == std::string::npos)
            return "";
        size_t end = std::min(body.size(), start + length);
        if (end < body.size()) {
            size_t space = body.find_last_of(" \t\r\n", end);
            if (space == std::string::npos || space <= start)
                return "";
            end = space;
        }
        std::string snip = marks.snippet(body.substr(0, end), length, c.mark_stem, 0, c.open,
                                         c.close, "\xe2\x80\xa6");
        std::vector<bool> found(c.mark_stems.size());
        size_t n_found = 0;
        for (size_t at = snip.find(c.open); at != std::string::npos; at = snip.find(c.open, at)) {
            size_t from = at + c.open.size(), to = snip.find(c.close, from);
            if (to == std::string::npos)
                break;
            std::string marked = stem(Xapian::Unicode::tolower(snip.substr(from, to - from)));
            for (size_t i = 0; i < found.size(); i++)
                if (!found[i] && c.mark_stems[i] == marked) {
                    found[i] = true;
                    n_found++;
                }
            at = to + c.close.size();
        }
        if (n_found < found.size())
            return "";
        if (body.find_first_not_of(" \t\r\n", end) != std::string::npos)
            snip += "\xe2\x80\xa6";
        return snip;
    }

    /* A window of the body around the phrase at [start, end), the phrase
     * marked whole and the query's other words as Xapian marks them.
     * The phrase is fenced with two characters of Unicode's private use
     * area, which MSet::snippet() passes through as punctuation, and
     * the fences become the marks. */
    std::string phrase_snippet(const std::string &body, size_t start, size_t end,
                               const Xapian::MSet &marks, const HitContext &c)
    {
        static const std::string fence_open = "\xee\x80\x80", fence_close = "\xee\x80\x81";
        size_t length = h->config.snippet_length;
        size_t room = length > end - start ? length - (end - start) : 0;
        size_t from = start > room / 3 ? start - room / 3 : 0;
        while (from > 0 && from < start && !isspace(static_cast<unsigned char>(body[from - 1])))
            from++;
        size_t to = std::min(body.size(), std::max(end, from + length));
        while (to < body.size() && to > end && !isspace(static_cast<unsigned char>(body[to])))
            to--;
        std::string window = body.substr(from, start - from) + fence_open +
                             body.substr(start, end - start) + fence_close +
                             body.substr(end, to - end);
        std::string out = marks.snippet(window, window.size() + 16, c.mark_stem, 0, c.open, c.close,
                                        "");
        size_t a = out.find(fence_open), b = out.find(fence_close);
        if (a == std::string::npos || b == std::string::npos || b < a)
            return "";
        /* Marks Xapian put inside the phrase go: it is marked whole. */
        std::string inside = out.substr(a + fence_open.size(), b - a - fence_open.size());
        for (const std::string *m : {&c.open, &c.close})
            for (size_t at; !m->empty() && (at = inside.find(*m)) != std::string::npos;)
                inside.erase(at, m->size());
        out = out.substr(0, a) + c.open + inside + c.close + out.substr(b + fence_close.size());
        return (from > 0 ? "\xe2\x80\xa6" : "") + out +
               (to < body.size() ? "\xe2\x80\xa6" : "");
    }

    /* Whether version a of a story is newer than version b of the same
     * day: the later time (slot 3, UTC YYYYMMDDHHMMSS; a time is later
     * than none, as in the ranking's order of equal weights), then the
     * higher version number (slot 5, compared as numbers, as the writer
     * does); then the better ranked, then the smallest id.  Nothing of
     * the order documents were added in, which differs between one
     * database and the same articles over shards. */
    struct Version {
        Xapian::Document doc;
        double weight;
        std::string time, version, id;
    };

    static Version version_of(const Xapian::MSetIterator &v)
    {
        Xapian::Document d = v.get_document();
        Xapian::TermIterator t = d.termlist_begin();
        t.skip_to(PREFIX_ID);
        std::string id = t != d.termlist_end() ? *t : std::string();
        return {d, v.get_weight(), d.get_value(SLOT_TIME), d.get_value(SLOT_VERSION), id};
    }

    static bool newer(const Version &a, const Version &b)
    {
        if (a.time != b.time)
            return a.time > b.time;
        if (is_older(b.version, "", a.version, ""))
            return true;
        if (is_older(a.version, "", b.version, ""))
            return false;
        if (a.weight != b.weight)
            return a.weight > b.weight;
        return a.id < b.id;
    }

    /* The newest of a story's versions that match `query`: those of the
     * latest date (slot 0), of them the newest by newer().  The day is
     * sorted on by Xapian (a value, which remote shards sort on too); the
     * rest is read from the versions of that day. */
    Xapian::Document newest_version(const Page::Item &hit, const Xapian::Query &query,
                                    unsigned &count)
    {
        const Xapian::MSetIterator &it = hit.at;
        std::string story = PREFIX_STORY + hit.story;
        /* Most stories have one article: the hit itself, found by one
         * lookup of the story's term instead of a match and the
         * termlists of its versions (a third of a hit's cost). */
        if (h->db.get_termfreq(story) <= 1) {
            count = 1;
            return it.get_document();
        }
        Xapian::Enquire enq(h->db);
        enq.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(story)));
        enq.set_weighting_scheme(
            Xapian::BM25Weight(h->config.bm25_k1, 0, 1, h->config.bm25_b, 0.5));
        enq.set_sort_by_value_then_relevance(SLOT_DATE, true);
        /* Counted here: over remote shards Xapian passes no collapse
         * counts back. */
        const Xapian::doccount check = 1000;
        Xapian::MSet versions = enq.get_mset(0, 32, check);
        count = std::max(1u, static_cast<unsigned>(versions.get_matches_estimated()));
        if (versions.empty())
            return it.get_document();
        std::string day = versions.begin().get_document().get_value(SLOT_DATE);
        /* More than 32 versions of the newest day: all of that day. */
        if (versions.size() == 32 && versions.back().get_document().get_value(SLOT_DATE) == day)
            versions = enq.get_mset(0, check, check);
        Version best = version_of(versions.begin());
        for (auto v = versions.begin(); v != versions.end(); ++v) {
            if (v.get_document().get_value(SLOT_DATE) != day)
                break;
            Version other = version_of(v);
            if (newer(other, best))
                best = other;
        }
        return best.doc;
    }

    /* One hit from its document; the stored article's strings move into
     * the hit. */
    void fill_hit(newsidx_results_t *r, const Page::Item &item, const Xapian::MSet &mset,
                  bool partial, const HitContext &c)
    {
        check();
        /* Test-only (doc/reliability.md): $NEWSIDX_TEST_SLOW_HIT
         * milliseconds more per hit, for a search slow on demand. */
        static const char *slow = getenv("NEWSIDX_TEST_SLOW_HIT");
        if (slow && atoi(slow) > 0)
            usleep(static_cast<useconds_t>(atoi(slow)) * 1000);
        unsigned versions = 1;
        std::string data = !req->all_versions && !item.story.empty()
                               ? newest_version(item, partial ? c.loose : c.query, versions).get_data()
                               : item.at.get_document().get_data();
        std::unique_ptr<newsidx_article_t, void (*)(newsidx_article_t *)> a(
            nx_docdata_unpack(data.data(), data.size(), true), newsidx_article_free);
        if (!a)
            throw Failure(NEWSIDX_ERR_CORRUPT, "stored data of a document is damaged");
        newsidx_hit_t *hit = &r->hits[r->n_hits++];
        hit->partial = partial;
        hit->rank = req->offset + static_cast<unsigned>(r->n_hits);
        hit->score = item.weight;
        if (req->explain)
            explain_into(hit, a.get(), c);
        hit->snippet = dup(snippet_of(a->body ? a->body : "", mset, c));
        take_heading(hit, a.get());
        hit->speakers = a->speakers;
        hit->n_speakers = a->n_speakers;
        hit->speaker_kinds = a->speaker_kinds;
        a->speaker_kinds = nullptr;
        hit->locations = a->locations;
        hit->n_locations = a->n_locations;
        hit->byline = a->byline;
        hit->url = a->url;
        hit->language = a->language;
        hit->subjects = a->subjects;
        hit->n_subjects = a->n_subjects;
        hit->versions = versions;
        a->byline = a->url = a->language = nullptr;
        a->speakers = a->locations = a->subjects = nullptr;
        a->n_speakers = a->n_locations = a->n_subjects = 0;
    }

    void fill_hits(newsidx_results_t *r, const Plan &p, const Page &page, const Page &loose_page)
    {
        size_t n_page = page.size() + loose_page.size();
        r->hits = static_cast<newsidx_hit_t *>(calloc(n_page ? n_page : 1, sizeof(newsidx_hit_t)));
        if (!r->hits || !r->query)
            throw std::bad_alloc();
        HitContext c = hit_context(p);
        for (auto &item : page.items)
            fill_hit(r, item, page.mset, false, c);
        for (auto &item : loose_page.items)
            fill_hit(r, item, loose_page.mset, true, c);
    }

    void fill_facets_of(newsidx_results_t *r, const Facets &spies, const Facets &loose_spies)
    {
        std::map<std::string, uint64_t> counts[3], tagged[2];
        spies.add_to(counts);
        loose_spies.add_to(counts);
        spies.add_tagged_to(tagged);
        loose_spies.add_tagged_to(tagged);
        if (req->facet_kinds) {
            std::map<std::string, uint64_t> kinds[2];
            spies.add_kinds_to(kinds);
            loose_spies.add_kinds_to(kinds);
            fill_facets(kinds[0], &r->person_facets, &r->n_person_facets, 20);
            fill_facets(kinds[1], &r->organisation_facets, &r->n_organisation_facets, 20);
            r->has_kind_facets = true;
            if (h->any_remote)
                note(r, "facets by kind are not counted over remote shards");
        }
        if (h->any_remote)
            note(r, "facets over remote shards count the first eight speakers, locations "
                    "and subjects of each article, every version of a story, and do not say "
                    "which the sender tagged");
        fill_facets(counts[0], &r->speaker_facets, &r->n_speaker_facets, 20);
        fill_facets(counts[1], &r->location_facets, &r->n_location_facets, 20);
        fill_facets(counts[2], &r->subject_facets, &r->n_subject_facets, 20);
        fill_tagged(tagged[0], r->speaker_facets, r->n_speaker_facets, &r->speaker_tagged,
                    &r->n_speaker_tagged);
        fill_tagged(tagged[1], r->location_facets, r->n_location_facets, &r->location_tagged,
                    &r->n_location_tagged);
        r->has_facets = true;
    }

    /* Facets ask for every match to be seen; true when the match was
     * cut short (time_limit) and the spies saw only part of it. */
    static bool facets_cut(const Xapian::MSet &m, const Facets &spies)
    {
        if (spies.stories)
            return !count_of(m, spies).exact;
        return m.get_matches_lower_bound() != m.get_matches_upper_bound() ||
               spies.seen() != m.get_matches_lower_bound();
    }

    /* How many matched: exactly when every match was seen, else
     * Xapian's estimate and bounds. */
    struct Count {
        Xapian::doccount estimated = 0, min = 0, max = 0;
        bool exact = true;
    };

    static Count count_of(const Xapian::MSet &m, const Facets &spies)
    {
        Count c;
        const StoryKeySpy *apart = spies.story_keys.get();
        Xapian::doccount all = apart          ? apart->seen
                               : spies.stories ? spies.stories->get_total()
                                               : 0;
        if ((apart || spies.stories) && (all < spies.check || all >= spies.docs) &&
            !spies.maybe_cut) {
            /* Collapsed, and every article seen (the match stopped
             * before check_at_least, and not for lack of time): count
             * the stories.  Xapian's own bounds stay loose when it
             * collapses. */
            if (apart) {
                c.estimated = c.min = c.max = apart->stories();
                return c;
            }
            Xapian::doccount keyed = 0, keys = 0;
            for (auto v = spies.stories->values_begin(); v != spies.stories->values_end(); ++v) {
                keys++;
                keyed += v.get_termfreq();
            }
            c.estimated = c.min = c.max = keys + (all - keyed);
            return c;
        }
        c.min = m.get_matches_lower_bound();
        c.max = m.get_matches_upper_bound();
        c.exact = c.min == c.max;
        c.estimated = c.exact ? c.min : m.get_matches_estimated();
        return c;
    }

    newsidx_status_t run(newsidx_results_t **out)
    {
        Plan p = plan();
        check();
        Facets spies, loose_spies;
        Page page = match(p.query, p.empty, req->offset, p.limit, spies, true);
        check();
        /* Decisions are taken on the count when it is exact (up to
         * exact_total), never on an estimate that could be far off. */
        Xapian::doccount strict_total = count_of(page.mset, spies).estimated;
        Page loose_page;
        bool relaxed = relax(p, page, strict_total, loose_page, loose_spies);
        check();

        newsidx_results_t *r = new_results(p, page, loose_page, spies, loose_spies, relaxed);
        std::unique_ptr<newsidx_results_t, void (*)(newsidx_results_t *)> guard(r, newsidx_results_free);
        suggest(p, strict_total, r);
        for (auto &w : warnings)
            note(r, w.c_str());
        if (h->any_remote && req->sort == NEWSIDX_SORT_DATE)
            note(r, "sorted by day only: remote shards cannot order by the time of day");
        fill_hits(r, p, page, loose_page);
        if (req->facets)
            fill_facets_of(r, spies, loose_spies);
        if (req->histogram) {
            std::map<std::string, uint64_t> days;
            uint64_t undated = 0;
            spies.add_dates_to(days, undated);
            loose_spies.add_dates_to(days, undated);
            fill_histogram(r, days, undated);
        }
        *out = guard.release();
        return NEWSIDX_OK;
    }
};

}  // namespace

/* The answer, and over shards the names of those left out of it. */
static newsidx_status_t run_search(newsidx_db_t *h, const newsidx_search_t *req, bool cut_wildcards,
                                   double deadline, newsidx_results_t **out)
{
    Searcher s(h, req, cut_wildcards);
    s.deadline = deadline;
    newsidx_status_t st = s.run(out);
    if (st == NEWSIDX_OK && !h->shards.empty()) {
        std::unique_ptr<newsidx_results_t, void (*)(newsidx_results_t *)> r(*out,
                                                                           newsidx_results_free);
        missing_shards_into(h, &r->missing_shards, &r->n_missing_shards);
        r.release();
    }
    return st;
}

extern "C" newsidx_status_t newsidx_db_search(newsidx_db_t *h, const newsidx_search_t *req,
                                              newsidx_results_t **out) noexcept
{
    bool partial = req->partial || h->config.partial;
    /* One budget for the request, its retries included. */
    double deadline = h->config.max_search_time > 0 ? nx_now() + h->config.max_search_time : 0;
    ReadRules rules{partial, partial, "ask for a partial answer to search the others"};
    /* Facets by kind are facets too. */
    newsidx_search_t asked = *req;
    asked.facets = req->facets || req->facet_kinds;
    req = &asked;
    return guard(h, rules, [&](int) {
        /* Wildcards that match more words than [search] max_expansion:
         * once more, keeping the most frequent. */
        try {
            return run_search(h, req, false, deadline, out);
        } catch (const Xapian::WildcardError &) {
        }
        try {
            return run_search(h, req, true, deadline, out);
        } catch (const Xapian::WildcardError &e) {
            throw Failure(NEWSIDX_ERR_LIMIT, "a wildcard matches too many words: " + e.get_msg());
        }
    }, *out);
}

extern "C" void nx_db_set_cancel(newsidx_db_t *h, const char *(*cancel)(void *), void *arg) noexcept
{
    h->cancel = cancel;
    h->cancel_arg = arg;
}

extern "C" void newsidx_results_free(newsidx_results_t *r) noexcept
{
    if (!r)
        return;
    free(r->query);
    free_hits(r->hits, r->n_hits, free_hit);
    for (size_t i = 0; i < r->n_speaker_facets; i++)
        free(r->speaker_facets[i].name);
    free(r->speaker_facets);
    for (size_t i = 0; i < r->n_location_facets; i++)
        free(r->location_facets[i].name);
    free(r->location_facets);
    for (size_t i = 0; i < r->n_person_facets; i++)
        free(r->person_facets[i].name);
    free(r->person_facets);
    for (size_t i = 0; i < r->n_organisation_facets; i++)
        free(r->organisation_facets[i].name);
    free(r->organisation_facets);
    newsidx_facet_t *more[] = {r->subject_facets, r->speaker_tagged, r->location_tagged};
    size_t n_more[] = {r->n_subject_facets, r->n_speaker_tagged, r->n_location_tagged};
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < n_more[k]; i++)
            free(more[k][i].name);
        free(more[k]);
    }
    free(r->corrected);
    for (size_t i = 0; i < r->n_histogram; i++)
        free(r->histogram[i].name);
    free(r->histogram);
    free(r->histogram_unit);
    free_shards_and_notes(r->missing_shards, r->n_missing_shards, r->notes, r->n_notes);
    free(r);
}

/* ------------------------------------------------------------------ */
/* For the search of quotations (quotes.cc)                             */
/* ------------------------------------------------------------------ */

Xapian::Query nx::parse_request(newsidx_db_t *h, const newsidx_search_t *req, bool quote_mode,
                                bool cut_wildcards, std::string &display, bool &empty,
                                Xapian::Query &filter, std::set<std::string> &warnings)
{
    Searcher s(h, req, cut_wildcards);
    s.quote_mode = quote_mode;
    Xapian::Query q = s.parse(display, empty);
    filter = s.filters();
    warnings.insert(s.warnings.begin(), s.warnings.end());
    return q;
}

std::string nx::tidy_text(const std::string &in, const std::string &open, const std::string &close)
{
    return tidy_snippet(in, open, close);
}
