/* anpa.c - ANPA-1312, the wire transmission of AP and other North
 * American agencies.
 *
 *   SYN SYN SOH selector ... priority category format keyword version
 *   date word-count   (the last header line; the date is MM-DD)
 *   STX ^keyword line< ^headline< ^notes (Eds:, AP Photo ...)<
 *   ^By NAMES= ^their title=   TAB paragraph ...
 *   ETX trailer ("AP-WF-11-13-13 1509GMT": sent MM-DD-YY HHMM GMT) EOT
 *
 * Lines of the head begin with '^' and end with '<' (quad left) or '='
 * (quad centre, the byline block).  The keyword (slug) stays the same
 * across a story's versions: "1stLd-Writethru" is the story's first
 * new version, "2ndLd" its second; "2nd Take" or "1stAdd" continues it.
 * The text uses AP's 7-bit conventions: `` and '' for quotes, " _ " for
 * a dash. */
#include "config.h"

#include "wire.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct header {
    char keyword[64];
    char version[64];
    int month, day;
} header_t;

/* The last line of the header holds the keyword, version, date and
 * word count; fields before the keyword are single letters. */
static void parse_header(const char *h, size_t n, header_t *hd)
{
    memset(hd, 0, sizeof *hd);
    const char *line = h;
    for (size_t i = 0; i < n; i++)
        if (h[i] == '\n' && i + 1 < n)
            line = h + i + 1;
    char buf[256];
    size_t bl = 0;
    for (const char *p = line; p < h + n && bl < sizeof buf - 1; p++)
        buf[bl++] = (unsigned char)*p < 0x20 ? ' ' : *p;
    buf[bl] = '\0';
    char *tok[32];
    size_t nt = 0;
    for (char *save, *t = strtok_r(buf, " ", &save); t && nt < 32; t = strtok_r(NULL, " ", &save))
        tok[nt++] = t;
    size_t last = nt;
    if (last && strlen(tok[last - 1]) == 4 && strspn(tok[last - 1], "0123456789") == 4)
        last--;                         /* word count */
    if (last && sscanf(tok[last - 1], "%2d-%2d", &hd->month, &hd->day) == 2 &&
        strlen(tok[last - 1]) == 5)
        last--;
    else
        hd->month = hd->day = 0;
    size_t k = 0;
    while (k < last && strlen(tok[k]) == 1)
        k++;                            /* priority, category, format */
    if (k < last)
        snprintf(hd->keyword, sizeof hd->keyword, "%s", tok[k++]);
    for (size_t v = 0; k < last; k++) {
        v += (size_t)snprintf(hd->version + v, sizeof hd->version - v, "%s%s", v ? " " : "",
                              tok[k]);
        if (v >= sizeof hd->version)
            break;
    }
}

/* "AP-WF-11-13-13 1509GMT": the moment the message was sent. */
static bool trailer_time(newsidx_input_t *in, unsigned long line, const char *t, size_t n,
                         newsidx_article_t *a)
{
    for (size_t i = 0; i + 18 <= n; i++) {
        int mo, d, y, hm;
        char gmt[4];
        if (isdigit((unsigned char)t[i]) && (i == 0 || !isdigit((unsigned char)t[i - 1])) &&
            sscanf(t + i, "%2d-%2d-%2d %4d%3s", &mo, &d, &y, &hm, gmt) == 5 &&
            strcasecmp(gmt, "GMT") == 0) {
            char iso[64];
            snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:00Z", y < 70 ? 2000 + y : 1900 + y,
                     mo, d, hm / 100 % 100, hm % 100);
            return nx_input_moment(in, line, a, "the trailer's time", iso);
        }
    }
    return false;
}

/* What a version field says: a new version of the story, or more of it. */
static void version_of(const char *v, nx_wire_part_t *part, newsidx_article_t *a)
{
    unsigned ord = 0;
    for (const char *p = v; *p && !ord; p++)
        if (isdigit((unsigned char)*p) && (p == v || !isdigit((unsigned char)p[-1])))
            ord = nx_wire_ordinal(p, strlen(p));
    /* The Nth take is the story's Nth part; the Nth add follows the
     * story's first part, so it is part N+1. */
    if (strcasestr(v, "take")) {
        part->continuation = true;
        part->number = ord ? ord : 2;
        return;
    }
    if (strcasestr(v, "add")) {
        part->continuation = true;
        part->number = ord ? ord + 1 : 2;
        return;
    }
    unsigned version = ord;
    if (!version && *v && (strcasestr(v, "writethru") || strcasestr(v, "ld") ||
                           strcasestr(v, "correct") || strcasestr(v, "sub")))
        version = 1;
    a->version = nx_printf("%u", version);
}

static bool starts(const char *l, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && strncasecmp(l, prefix, k) == 0;
}

/* A line of the head: '^' and the trailing '<' or '=' gone.  Sets *quad
 * to the closing character. */
static void head_line(const char **l, size_t *n, char *quad)
{
    (*l)++;
    (*n)--;
    nx_trim(l, n);
    *quad = 0;
    if (*n && ((*l)[*n - 1] == '<' || (*l)[*n - 1] == '=')) {
        *quad = (*l)[*n - 1];
        (*n)--;
        nx_trim(l, n);
    }
}

static bool is_note(const char *l, size_t n)
{
    static const char *const notes[] = {"AP Photo", "AP Video", "AP Graphic", "AP Audio",
                                        "Eds:", "Eds.", "EDITOR'S NOTE", "Editor's Note",
                                        "With AP Photo", "With Photo", "Photo", "Graphic",
                                        "Video", "Advisory", "Embargo"};
    for (size_t i = 0; i < NX_ARRAY_LEN(notes); i++)
        if (starts(l, n, notes[i]))
            return true;
    return false;
}

/* The text between STX and ETX: the head's lines, then paragraphs. */
static void text_of(const char *t, size_t n, const header_t *hd, newsidx_article_t *a)
{
    const char *p = t, *end = t + n, *l;
    size_t ll;
    bool head = true, slug_seen = false, byline_block = false, open = false;
    nx_buf_t body;
    nx_buf_init(&body);
    while (nx_wire_line(&p, end, &l, &ll)) {
        if (head && ll > 0 && l[0] == '^') {
            char quad;
            head_line(&l, &ll, &quad);
            if (!slug_seen && (starts(l, ll, "BC-") ||
                               (hd->keyword[0] && starts(l, ll, hd->keyword)))) {
                slug_seen = true;
            } else if (starts(l, ll, "By ") && nx_is_byline(l, ll)) {
                if (!a->byline)
                    a->byline = nx_wire_text(l + 3, ll - 3);
                byline_block = quad == '=';
            } else if (byline_block && quad == '=') {
                /* the byline's title: "Associated Press", "AP Sports Writer" */
            } else if (is_note(l, ll)) {
                /* notes to editors */
            } else if (!a->title && !a->byline) {
                a->title = nx_wire_text(l, ll);
            }
            slug_seen = true;
            continue;
        }
        if (head && ll == 0)
            continue;
        head = false;
        if (ll > 0 && l[0] == '^') {
            l++;
            ll--;
        }
        nx_wire_paragraph(&body, l, ll, &open);
    }
    if (body.len)
        a->body = nx_wire_typography(nx_wire_text(body.data, body.len));
    nx_buf_free(&body);
    a->title = nx_wire_typography(a->title);
}

newsidx_status_t nx_anpa_message(newsidx_input_t *in, const char *p, size_t n,
                                 unsigned long line, newsidx_article_t **out,
                                 nx_wire_part_t *part, const char **skip)
{
    const char *end = p + n;
    const char *stx = memchr(p, STX, n);
    if (!stx) {
        *skip = "ANPA message without text (no STX)";
        return NEWSIDX_END;
    }
    const char *etx = memchr(stx, ETX, (size_t)(end - stx));
    const char *text_end = etx ? etx : end;
    header_t hd;
    const char *h = p;
    while (h < stx && (*h == SYN || *h == SOH))
        h++;
    parse_header(h, (size_t)(stx - h), &hd);
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NEWSIDX_ERR_NOMEM;
    text_of(stx + 1, (size_t)(text_end - stx - 1), &hd, a);
    if (etx)
        trailer_time(in, nx_wire_line_of(p, etx, line), etx + 1, (size_t)(end - etx - 1), a);
    nx_drop_boilerplate(a);
    nx_lift_dateline(a);
    version_of(hd.version, part, a);
    char day[16];
    if (a->date)
        snprintf(day, sizeof day, "%.10s", a->date);
    else if (hd.month)
        snprintf(day, sizeof day, "%02d-%02d", hd.month, hd.day);
    else
        snprintf(day, sizeof day, "%s", a->date ? a->date : "");
    if (hd.keyword[0]) {
        part->story = nx_printf("anpa:%s:%s", day, hd.keyword);
        a->id = nx_strdup(part->story);
    }
    if (!a->body) {
        newsidx_article_free(a);
        free(part->story);
        part->story = NULL;
        *skip = "ANPA message without text";
        return NEWSIDX_END;
    }
    *out = a;
    return NEWSIDX_OK;
}
