/* detect.c - which format a file is in, from its first bytes, and the
 * formats' names.
 *
 * Names and suffixes lie (".txt" NITF, ".xml" feeds), so the content
 * decides: control characters that open a wire transmission, the root
 * element of an XML document (by its local name: a namespace prefix is
 * whatever the sender chose), a JSON document or JSON Lines, and
 * otherwise text, headered when its first line is a known header.
 * Text that is a Markdown document is not an article at all
 * (nx_is_markdown()). */
#include "config.h"

#include "nx.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    newsidx_format_t format;
} format_names[] = {
    {"auto", NEWSIDX_FORMAT_AUTO},       {"text", NEWSIDX_FORMAT_TEXT},
    {"headers", NEWSIDX_FORMAT_HEADERS}, {"jsonl", NEWSIDX_FORMAT_JSONL},
    {"nitf", NEWSIDX_FORMAT_NITF},       {"newsml-g2", NEWSIDX_FORMAT_NEWSML_G2},
    {"newsml-1.2", NEWSIDX_FORMAT_NEWSML1}, {"ninjs", NEWSIDX_FORMAT_NINJS},
    {"anpa", NEWSIDX_FORMAT_ANPA},       {"iptc7901", NEWSIDX_FORMAT_IPTC7901},
    {"rss", NEWSIDX_FORMAT_RSS},         {"atom", NEWSIDX_FORMAT_ATOM},
    /* other spellings */
    {"newsml1", NEWSIDX_FORMAT_NEWSML1}, {"g2", NEWSIDX_FORMAT_NEWSML_G2},
    {"anpa-1312", NEWSIDX_FORMAT_ANPA},  {"iptc-7901", NEWSIDX_FORMAT_IPTC7901},
    {"wordpress", NEWSIDX_FORMAT_RSS},
};

newsidx_status_t newsidx_format_from_string(const char *name, newsidx_format_t *format)
{
    for (size_t i = 0; name && i < NX_ARRAY_LEN(format_names); i++) {
        if (strcmp(name, format_names[i].name) == 0) {
            *format = format_names[i].format;
            return NEWSIDX_OK;
        }
    }
    return NEWSIDX_ERR_ARG;
}

const char *newsidx_format_to_string(newsidx_format_t format)
{
    for (size_t i = 0; i < NX_ARRAY_LEN(format_names); i++)
        if (format_names[i].format == format)
            return format_names[i].name;
    return "unknown";
}

/* Skips the XML declaration, comments, processing instructions and the
 * DOCTYPE; the offset of the root element's '<', or n. */
static size_t root_tag(const char *s, size_t n, size_t i)
{
    while (i < n) {
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        if (i + 1 >= n || s[i] != '<')
            return n;
        const char *end = NULL;
        size_t skip = 0;
        if (s[i + 1] == '?') {
            end = memmem(s + i, n - i, "?>", 2);
            skip = 2;
        } else if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            end = memmem(s + i, n - i, "-->", 3);
            skip = 3;
        } else if (s[i + 1] == '!') {
            /* <!DOCTYPE ... [ internal subset ] > */
            const char *br = memchr(s + i, '[', n - i);
            const char *gt = memchr(s + i, '>', n - i);
            if (br && gt && br < gt) {
                end = memmem(br, n - (size_t)(br - s), "]", 1);
                end = end ? memchr(end, '>', n - (size_t)(end - s)) : NULL;
            } else {
                end = gt;
            }
            skip = 1;
        } else {
            return i;
        }
        if (!end)
            return n;
        i = (size_t)(end - s) + skip;
    }
    return n;
}

/* The format of an XML document with root element `local`. */
static newsidx_format_t xml_format(const char *local, size_t n)
{
    static const struct {
        const char *local;
        newsidx_format_t f;
    } roots[] = {
        {"nitf", NEWSIDX_FORMAT_NITF},
        {"newsMessage", NEWSIDX_FORMAT_NEWSML_G2}, {"newsItem", NEWSIDX_FORMAT_NEWSML_G2},
        {"packageItem", NEWSIDX_FORMAT_NEWSML_G2}, {"conceptItem", NEWSIDX_FORMAT_NEWSML_G2},
        {"knowledgeItem", NEWSIDX_FORMAT_NEWSML_G2}, {"planningItem", NEWSIDX_FORMAT_NEWSML_G2},
        {"contentSet", NEWSIDX_FORMAT_NEWSML_G2}, {"inlineXML", NEWSIDX_FORMAT_NEWSML_G2},
        {"NewsML", NEWSIDX_FORMAT_NEWSML1}, {"NewsItem", NEWSIDX_FORMAT_NEWSML1},
        {"rss", NEWSIDX_FORMAT_RSS}, {"RDF", NEWSIDX_FORMAT_RSS},
        {"feed", NEWSIDX_FORMAT_ATOM}, {"entry", NEWSIDX_FORMAT_ATOM},
    };
    for (size_t i = 0; i < NX_ARRAY_LEN(roots); i++)
        if (strlen(roots[i].local) == n && memcmp(roots[i].local, local, n) == 0)
            return roots[i].f;
    return NEWSIDX_FORMAT_NITF;     /* the XML reader names the root it refuses */
}

static newsidx_format_t detect_xml(const char *s, size_t n, size_t i)
{
    size_t t = root_tag(s, n, i);
    if (t >= n)
        return NEWSIDX_FORMAT_NITF;
    size_t b = t + 1, e = b;
    while (e < n && !isspace((unsigned char)s[e]) && s[e] != '>' && s[e] != '/')
        e++;
    const char *colon = memchr(s + b, ':', e - b);
    if (colon)
        b = (size_t)(colon - s) + 1;
    return xml_format(s + b, e - b);
}

/* One JSON document (ninjs, pretty-printed over many lines) or JSON
 * Lines: the first line of JSON Lines is a whole value by itself. */
static newsidx_format_t detect_json(const char *s, size_t n, size_t i)
{
    if (s[i] == '[')
        return NEWSIDX_FORMAT_NINJS;
    const char *nl = memchr(s + i, '\n', n - i);
    size_t len = nl ? (size_t)(nl - (s + i)) : n - i;
    json_t *v = json_loadb(s + i, len, 0, NULL);
    if (v) {
        json_decref(v);
        return NEWSIDX_FORMAT_JSONL;
    }
    if (!nl && n == 65536)
        return NEWSIDX_FORMAT_JSONL;    /* one long line: JSON Lines' limits apply */
    return NEWSIDX_FORMAT_NINJS;
}

newsidx_format_t nx_detect_format(const char *s, size_t n, const char *name)
{
    if (name && (nx_has_suffix(name, ".jsonl") || nx_has_suffix(name, ".ndjson")))
        return NEWSIDX_FORMAT_JSONL;
    size_t i = 0;
    if (n >= 3 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb &&
        (unsigned char)s[2] == 0xbf)
        i = 3;
    /* None of the formats has NUL bytes: such a file is binary whatever
     * its first byte looks like (random bytes opening with SOH are no
     * wire message), and the text reader says so once. */
    if (memchr(s + i, '\0', n - i))
        return NEWSIDX_FORMAT_TEXT;
    /* A wire transmission opens with SYN SYN SOH (ANPA-1312) or SOH
     * (IPTC 7901); ANPA's header has a unit separator or DC1/DC3 before
     * its STX, 7901's is a line of text. */
    if (i < n && (s[i] == 0x16 || s[i] == 0x01)) {
        if (s[i] == 0x16)
            return NEWSIDX_FORMAT_ANPA;
        const char *stx = memchr(s + i, 0x02, n - i);
        size_t hl = stx ? (size_t)(stx - (s + i)) : n - i;
        for (size_t k = 1; k < hl && k < 512; k++)
            if (s[i + k] == 0x1f || s[i + k] == 0x11 || s[i + k] == 0x13)
                return NEWSIDX_FORMAT_ANPA;
        return NEWSIDX_FORMAT_IPTC7901;
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i < n && s[i] == '<')
        return detect_xml(s, n, i);
    if (i < n && (s[i] == '{' || s[i] == '['))
        return detect_json(s, n, i);
    if (nx_starts_with_header(s + i, n - i))
        return NEWSIDX_FORMAT_HEADERS;
    return NEWSIDX_FORMAT_TEXT;
}

/* ------------------------------------------------------------------ */
/* Markdown documents                                                  */
/* ------------------------------------------------------------------ */

/* The blocks of CommonMark that news text does not have. */
enum md_kind { MD_HEADING, MD_FENCE, MD_TABLE, MD_LINKS, MD_KINDS };

/* "# Title" to "###### Title": an ATX heading (a '#' then a space). */
static bool md_heading(const char *l, size_t n)
{
    size_t k = 0;
    while (k < n && k < 7 && l[k] == '#')
        k++;
    return k >= 1 && k <= 6 && k < n && (l[k] == ' ' || l[k] == '\t') && k + 1 < n;
}

static bool md_fence(const char *l, size_t n)
{
    return n >= 3 && (memcmp(l, "```", 3) == 0 || memcmp(l, "~~~", 3) == 0);
}

/* A table's delimiter row: "|---|:--:|", "--- | ---". */
static bool md_table_delimiter(const char *l, size_t n)
{
    size_t dashes = 0, bars = 0;
    for (size_t i = 0; i < n; i++) {
        if (l[i] == '-')
            dashes++;
        else if (l[i] == '|')
            bars++;
        else if (l[i] != ':' && l[i] != ' ' && l[i] != '\t')
            return false;
    }
    return dashes >= 3 && bars >= 1;
}

/* "- [name](url)", "* <https://...>": an item of a list of links. */
static bool md_link_item(const char *l, size_t n)
{
    if (n < 3 || (l[0] != '-' && l[0] != '*' && l[0] != '+') || l[1] != ' ')
        return false;
    const char *close = memmem(l, n, "](", 2);
    return (close && memchr(l, '[', (size_t)(close - l))) || memmem(l, n, "<http", 5);
}

bool nx_is_markdown(const char *s, size_t n)
{
    unsigned count[MD_KINDS] = {0};
    bool first = true, opens_with_heading = false, table_row_before = false;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        const char *l = s + i;
        size_t ll = e - i;
        i = e + 1;
        while (ll && (l[ll - 1] == '\r' || l[ll - 1] == ' ' || l[ll - 1] == '\t'))
            ll--;
        size_t indent = 0;
        while (indent < ll && indent < 3 && l[indent] == ' ')
            indent++;
        l += indent;
        ll -= indent;
        if (ll == 0)
            continue;
        bool heading = md_heading(l, ll);
        if (first)
            opens_with_heading = heading;
        first = false;
        count[MD_HEADING] += heading;
        count[MD_FENCE] += md_fence(l, ll);
        count[MD_TABLE] += table_row_before && md_table_delimiter(l, ll);
        count[MD_LINKS] += md_link_item(l, ll);
        table_row_before = l[0] == '|' || memchr(l, '|', ll) != NULL;
    }
    unsigned kinds = 0;
    for (int k = 0; k < MD_KINDS; k++)
        kinds += count[k] > 0;
    return kinds >= 2 ||
           (opens_with_heading && (count[MD_HEADING] >= 2 || count[MD_LINKS] >= 2));
}
