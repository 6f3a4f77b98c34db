/* story.cc - which articles are versions of one story (index format 3).
 *
 * Wire services send a story again and again: updates ("UPDATE 1-"),
 * repeats ("(RPT)", "RPT-"), corrections ("CORRECTED-"), and plain
 * re-sends with a new id.  Each of these is its own article, but a
 * reader wants the story once.  Two articles are one story when their
 * titles are the same once such markers are stripped, and most of
 * their bodies is shared: the Jaccard similarity of their sets of
 * four-word shingles, estimated by MinHash signatures computed when the
 * document is built, is at least a half; and their dates are at most
 * [index] story_window days apart.  Without the window, reports that
 * come back every week under one title and much the same text (a
 * central bank's weekly decision) were one story of months; versions
 * come within hours, or a weekend.
 *
 * The writer decides the story keys as it adds a document (see
 * assign_story() in writer.cc), over all the articles of its title key
 * at once (story_keys()), so that the order of the imports does not
 * matter.  The key is stored as a value (the collapse key of searches)
 * and as a term (to find the title key's articles); the signature as a
 * value. */
#include "config.h"

#include "store.hh"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace nx {

namespace {

const size_t SHINGLE = 4;       /* words per shingle */

/* Stable across runs and machines, unlike std::hash (FNV-1a). */
uint64_t fnv64(const std::string &s)
{
    return nx_hash64(s.data(), s.size(), NX_HASH64_INIT);
}

/* splitmix64's finaliser: one hash becomes STORY_HASHES independent
 * ones by mixing it with each index. */
uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

std::string hex64(uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; i--, v >>= 4)
        s[static_cast<size_t>(i)] = digits[v & 15];
    return s;
}

/* Lower-case words of letters and digits (ASCII; other bytes are kept
 * in the words, so other scripts still make words). */
std::vector<std::string> words_of(const char *text)
{
    std::vector<std::string> w;
    std::string cur;
    for (const char *p = text; *p; p++) {
        unsigned char c = static_cast<unsigned char>(*p);
        if (isalnum(c) || c >= 0x80) {
            cur += static_cast<char>(tolower(c));
        } else if (!cur.empty()) {
            w.push_back(cur);
            cur.clear();
        }
    }
    if (!cur.empty())
        w.push_back(cur);
    return w;
}

/* A marker of a version at the start of the words: "update 2",
 * "corrected", "correction", "rpt", "repeat", "refile", "urgent",
 * "flash", "recasts".  How many words it takes, or 0. */
size_t version_marker(const std::vector<std::string> &w, size_t i)
{
    static const char *const single[] = {"corrected", "correction", "rpt",   "repeat",
                                         "refile",    "urgent",     "flash", "recasts"};
    if (i >= w.size())
        return 0;
    for (const char *m : single)
        if (w[i] == m)
            return 1;
    if (w[i] == "update" && i + 1 < w.size() &&
        w[i + 1].find_first_not_of("0123456789") == std::string::npos)
        return 2;
    return 0;
}

}  // namespace

std::string story_title(const char *title)
{
    if (!title)
        return "";
    std::vector<std::string> w = words_of(title);
    size_t start = 0, n;
    while ((n = version_marker(w, start)) > 0)
        start += n;
    std::string out;
    for (size_t i = start; i < w.size(); i++) {
        /* "(RPT)" and "UPDATE 1" may also close the title. */
        if (i + 1 == w.size() && w[i] == "rpt")
            break;
        if (i + 2 == w.size() && version_marker(w, i) == 2)
            break;
        out += (out.empty() ? "" : " ") + w[i];
    }
    return out;
}

std::string story_title_key(const char *title)
{
    std::string t = story_title(title);
    return t.empty() ? "" : hex64(fnv64(t));
}

/* The words of words_of(), lower-cased, each followed by a space, one
 * after another in `low`; where each begins in `starts` (with the end
 * last).  A shingle of words i..i+SHINGLE-1 is then the bytes from
 * starts[i] to starts[i + SHINGLE]: hashed where they lie, without a
 * string built for each word and each shingle (which cost 240,000
 * instructions an article, a sixth of building its document). */
static void spaced_words(const char *text, std::string &low, std::vector<size_t> &starts)
{
    low.clear();
    starts.clear();
    bool in_word = false;
    for (const char *p = text; *p; p++) {
        unsigned char c = static_cast<unsigned char>(*p);
        if (isalnum(c) || c >= 0x80) {
            if (!in_word)
                starts.push_back(low.size());
            low += static_cast<char>(tolower(c));
            in_word = true;
        } else if (in_word) {
            low += ' ';
            in_word = false;
        }
    }
    if (in_word)
        low += ' ';
    starts.push_back(low.size());
}

std::string story_signature(const char *body)
{
    uint64_t mins[STORY_HASHES];
    for (auto &m : mins)
        m = UINT64_MAX;
    static thread_local std::string low;
    static thread_local std::vector<size_t> starts;
    spaced_words(body ? body : "", low, starts);
    size_t words = starts.size() - 1;
    size_t n = words >= SHINGLE ? words - SHINGLE + 1 : (words ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        size_t end = starts[std::min(i + SHINGLE, words)];
        uint64_t h = nx_hash64(low.data() + starts[i], end - starts[i], NX_HASH64_INIT);
        for (size_t j = 0; j < STORY_HASHES; j++)
            mins[j] = std::min(mins[j], mix(h ^ (0x51afd7ed558ccd00ull + j)));
    }
    std::string sig;
    sig.reserve(4 * STORY_HASHES);
    for (uint64_t m : mins)
        for (int b = 0; b < 4; b++)
            sig += static_cast<char>((m >> (8 * b)) & 0xff);
    return sig;
}

double story_similarity(const std::string &a, const std::string &b)
{
    if (a.size() != 4 * STORY_HASHES || b.size() != a.size())
        return 0;
    size_t same = 0;
    for (size_t j = 0; j < STORY_HASHES; j++)
        same += memcmp(a.data() + 4 * j, b.data() + 4 * j, 4) == 0;
    return static_cast<double>(same) / STORY_HASHES;
}

std::string story_new_key(const std::string &title_key, const std::string &idterm)
{
    return title_key + hex64(fnv64(idterm));
}

long story_day(const std::string &date)
{
    /* "YYYYMMDD" (SLOT_DATE) to days since 1970-01-01, by the civil
     * calendar's days-from-civil formula: the difference of two such
     * numbers is the number of days between the dates. */
    if (date.size() != 8 || date.find_first_not_of("0123456789") != std::string::npos)
        return STORY_NO_DAY;
    long y = std::stol(date.substr(0, 4)), m = std::stol(date.substr(4, 2));
    long d = std::stol(date.substr(6, 2));
    y -= m <= 2;
    long era = y / 400, yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Whether two articles of one title key are versions of one story: most
 * of their bodies shared, and dated within the window of each other
 * (window 0: any dates).  Two undated articles are judged by their text
 * alone; an undated one never joins a dated one, whose window it cannot
 * be placed in. */
static bool same_story(const StoryMember &a, const StoryMember &b, unsigned window)
{
    if (story_similarity(a.signature, b.signature) < STORY_SIMILAR)
        return false;
    if (window == 0)
        return true;
    if (a.day == STORY_NO_DAY || b.day == STORY_NO_DAY)
        return a.day == b.day;
    return std::labs(a.day - b.day) <= static_cast<long>(window);
}

/* The first article of a story: the earliest dated, then the smallest
 * id term; its id makes the story's key. */
static bool earlier(const StoryMember &a, const StoryMember &b)
{
    if (a.day != b.day)
        return b.day == STORY_NO_DAY || (a.day != STORY_NO_DAY && a.day < b.day);
    return a.idterm < b.idterm;
}

std::vector<std::string> story_keys(const std::string &title_key,
                                    const std::vector<StoryMember> &members, unsigned window)
{
    /* Union-find over the pairs that are versions of each other: a
     * story is a chain of versions each within the window of the next,
     * whatever the order the articles came in. */
    size_t n = members.size();
    std::vector<size_t> up(n);
    for (size_t i = 0; i < n; i++)
        up[i] = i;
    auto root = [&](size_t i) {
        while (up[i] != i)
            i = up[i] = up[up[i]];
        return i;
    };
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (root(i) != root(j) && same_story(members[i], members[j], window))
                up[root(j)] = root(i);
    std::vector<size_t> first(n, SIZE_MAX);
    for (size_t i = 0; i < n; i++) {
        size_t r = root(i);
        if (first[r] == SIZE_MAX || earlier(members[i], members[first[r]]))
            first[r] = i;
    }
    std::vector<std::string> keys(n);
    for (size_t i = 0; i < n; i++)
        keys[i] = story_new_key(title_key, members[first[root(i)]].idterm);
    return keys;
}

}  // namespace nx
