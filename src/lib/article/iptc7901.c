/* iptc7901.c - IPTC 7901, the text wire of European agencies (dpa, APA,
 * ANSA, ...).
 *
 *   SOH source+number priority category word-count [optional] CR LF
 *   keyword line(s) ("Germany-politics/")
 *   STX headline lines, the last ending " =" (before it: flags such as
 *   REFILE, URGENT, CORRECTION, "1ST LEAD"; a "By ..." line)
 *   paragraphs
 *   ETX trailer "DDHHMM GMT Mon YY" (sent), EOT
 *
 * The keyword line names the story across its leads: "1ST LEAD" is its
 * first new version.  Notes to editors that follow the text, opened by
 * a Markdown heading ("# Notebook"), are not the article's. */
#include "config.h"

#include "wire.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "131137 GMT Nov 13": day 13, 11:37 GMT, November 2013. */
static bool trailer_time(newsidx_input_t *in, unsigned long line, const char *t, size_t n,
                         newsidx_article_t *a)
{
    for (size_t i = 0; i + 14 <= n; i++) {
        int dhm, y;
        char zone[4], mon[4];
        if (isdigit((unsigned char)t[i]) && (i == 0 || !isdigit((unsigned char)t[i - 1])) &&
            sscanf(t + i, "%6d %3s %3s %2d", &dhm, zone, mon, &y) == 4 &&
            strcasecmp(zone, "GMT") == 0 && nx_month_from_name(mon, 3)) {
            char iso[64];
            snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:00Z", y < 70 ? 2000 + y : 1900 + y,
                     nx_month_from_name(mon, 3), dhm / 10000, dhm / 100 % 100, dhm % 100);
            return nx_input_moment(in, line, a, "the trailer's time", iso);
        }
    }
    return false;
}

/* "2ND TAKE", "1ST ADD", "TAKE 2", "ADD 1": a part of a story sent
 * apart; the Nth take is part N, the Nth add part N+1 (as in ANPA). */
static bool is_take(const char *l, size_t n, nx_wire_part_t *part)
{
    unsigned ord = nx_wire_ordinal(l, n);
    const char *word = l;
    size_t wl = n;
    if (ord) {
        const char *sp = memchr(l, ' ', n);
        if (!sp)
            return false;
        word = sp + 1;
        wl = n - (size_t)(word - l);
    } else {
        const char *sp = memchr(l, ' ', n);
        if (!sp || sp + 1 >= l + n || !isdigit((unsigned char)sp[1]))
            return false;
        char *end;
        unsigned long v = strtoul(sp + 1, &end, 10);
        if (end != l + n || v == 0 || v > 999)
            return false;
        ord = (unsigned)v;
        wl = (size_t)(sp - l);
    }
    bool take = wl == 4 && strncasecmp(word, "TAKE", 4) == 0;
    bool add = wl == 3 && strncasecmp(word, "ADD", 3) == 0;
    if (!take && !add)
        return false;
    part->continuation = true;
    part->number = take ? ord : ord + 1;
    return true;
}

/* Flags that stand before a headline. */
static bool is_flag(const char *l, size_t n, unsigned *lead)
{
    static const char *const flags[] = {"REFILE", "URGENT", "CORRECTION", "CORRECTED", "FLASH",
                                        "BULLETIN", "ADVISORY", "EMBARGOED", "REPEAT", "UPDATE"};
    for (size_t i = 0; i < NX_ARRAY_LEN(flags); i++)
        if (n == strlen(flags[i]) && strncasecmp(l, flags[i], n) == 0)
            return true;
    /* "1ST LEAD", "2nd lead", "3RD WRITETHRU" */
    unsigned ord = nx_wire_ordinal(l, n);
    if (ord) {
        const char *sp = memchr(l, ' ', n);
        if (sp && n - (size_t)(sp + 1 - l) <= 12 && (strncasecmp(sp + 1, "LEAD", 4) == 0 ||
                                                     strncasecmp(sp + 1, "WRITETHRU", 9) == 0)) {
            *lead = ord;
            return true;
        }
    }
    return false;
}

/* A Markdown heading: where notes to editors begin. */
static bool notes_begin(const char *l, size_t n)
{
    return n >= 2 && l[0] == '#' && (l[1] == ' ' || l[1] == '#');
}

static void text_of(const char *t, size_t n, newsidx_article_t *a, unsigned *lead,
                    nx_wire_part_t *part)
{
    const char *p = t, *end = t + n, *l;
    size_t ll;
    nx_buf_t title, body;
    nx_buf_init(&title);
    nx_buf_init(&body);
    bool head = true, open = false;
    /* The headline block ends with a line ending in "=". */
    const char *after_head = p;
    bool has_end = false;
    for (const char *q = p; nx_wire_line(&q, end, &l, &ll);) {
        const char *s = l;
        size_t sl = ll;
        nx_trim(&s, &sl);
        if (sl && s[sl - 1] == '=') {
            has_end = true;
            after_head = q;
            break;
        }
        if (q - p > 2048)
            break;
    }
    while (nx_wire_line(&p, end, &l, &ll)) {
        if (head && has_end) {
            nx_trim(&l, &ll);
            if (ll && l[ll - 1] == '=') {
                ll--;
                nx_trim(&l, &ll);
            }
            if (ll == 0) {
            } else if (is_flag(l, ll, lead) || is_take(l, ll, part)) {
            } else if (ll > 3 && ll < 100 && strncasecmp(l, "by ", 3) == 0) {
                /* "By dpa correspondents": in the headline block any
                 * "By" line is the byline */
                if (!a->byline)
                    a->byline = nx_wire_text(l + 3, ll - 3);
            } else {
                if (title.len)
                    nx_buf_addc(&title, ' ');
                nx_buf_add(&title, l, ll);
            }
            if (p >= after_head)
                head = false;
            continue;
        }
        const char *s = l;
        size_t sl = ll;
        nx_trim(&s, &sl);
        if (notes_begin(s, sl))
            break;
        nx_wire_paragraph(&body, l, ll, &open);
    }
    if (title.len)
        a->title = nx_wire_text(title.data, title.len);
    if (body.len)
        a->body = nx_wire_text(body.data, body.len);
    nx_buf_free(&title);
    nx_buf_free(&body);
}

newsidx_status_t nx_iptc7901_message(newsidx_input_t *in, const char *p, size_t n,
                                     unsigned long line, newsidx_article_t **out,
                                     nx_wire_part_t *part, const char **skip)
{
    const char *end = p + n;
    while (p < end && *p == SOH)
        p++;
    const char *stx = memchr(p, STX, (size_t)(end - p));
    if (!stx) {
        *skip = "IPTC 7901 message without text (no STX)";
        return NEWSIDX_END;
    }
    /* The header line, then the keyword line(s). */
    const char *q = p, *l = p;
    size_t ll = 0;
    /* A message whose STX comes first has no header line at all. */
    if (!nx_wire_line(&q, stx, &l, &ll))
        ll = 0;
    char *source = NULL;
    size_t sl = 0;
    while (sl < ll && isalpha((unsigned char)l[sl]))
        sl++;
    source = sl ? nx_strndup(l, sl) : NULL;
    nx_buf_t keyword;
    nx_buf_init(&keyword);
    while (nx_wire_line(&q, stx, &l, &ll)) {
        nx_trim(&l, &ll);
        if (ll) {
            if (keyword.len)
                nx_buf_addc(&keyword, ' ');
            nx_buf_add(&keyword, l, ll);
        }
    }
    const char *etx = memchr(stx, ETX, (size_t)(end - stx));
    newsidx_article_t *a = newsidx_article_new();
    if (!a) {
        free(source);
        nx_buf_free(&keyword);
        return NEWSIDX_ERR_NOMEM;
    }
    unsigned lead = 0;
    text_of(stx + 1, (size_t)((etx ? etx : end) - stx - 1), a, &lead, part);
    if (etx)
        trailer_time(in, nx_wire_line_of(p, etx, line), etx + 1, (size_t)(end - etx - 1), a);
    nx_drop_boilerplate(a);
    nx_lift_dateline(a);
    a->version = nx_printf("%u", lead);
    char *kw = keyword.len ? nx_wire_text(keyword.data, keyword.len) : NULL;
    if (kw)
        part->story = nx_printf("iptc7901:%s%s%s:%s", source ? source : "", source ? ":" : "",
                                a->date ? a->date : "", kw);
    free(kw);
    free(source);
    nx_buf_free(&keyword);
    if (part->story)
        a->id = nx_strdup(part->story);
    if (!a->body) {
        newsidx_article_free(a);
        free(part->story);
        part->story = NULL;
        *skip = "IPTC 7901 message without text";
        return NEWSIDX_END;
    }
    *out = a;
    return NEWSIDX_OK;
}
