/* date.c - the date forms found in news input, normalised to YYYY-MM-DD.
 *
 * Feeds carry ISO 8601 (with or without a time), RFC 2822 (RSS),
 * "February 12, 2025", "12 Feb 2025" and Reuters' "26-FEB-1987 15:01";
 * rather than guess at anything else we refuse it with a message. */
#include "config.h"

#include "nx.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <time.h>

static const char *const months[12] = {
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
};

int nx_month_from_name(const char *s, size_t n)
{
    if (n < 3)
        return 0;
    if (n > 1 && s[n - 1] == '.')
        n--;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(months[m]);
        if (n > full)
            continue;
        if (strncasecmp(s, months[m], n) != 0)
            continue;
        /* "Sept" is the one four-letter abbreviation in wire style. */
        if (n == 3 || n == full || (m == 8 && n == 4))
            return m + 1;
    }
    return 0;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool nx_date_valid(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1] + (m == 2 && leap(y));
    return d <= max;
}

/* Reads up to max digits; returns how many were read. */
static int digits(const char **p, int max, int *val)
{
    int n = 0, v = 0;
    while (n < max && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *val = v;
    return n;
}

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* A word of letters (with an optional trailing period). */
static int word(const char **p, const char **start)
{
    *start = *p;
    while (isalpha((unsigned char)**p))
        (*p)++;
    int n = (int)(*p - *start);
    if (n && **p == '.') {
        (*p)++;
        n++;
    }
    return n;
}

static bool rest_ok(const char *p)
{
    /* After the date: nothing, or a time/zone part we do not need. */
    p = skip_spaces(p);
    return *p == '\0' || *p == 'T' || *p == 't' || *p == ',' || isdigit((unsigned char)*p) ||
           *p == '+' || *p == '-' || *p == 'Z';
}

bool nx_date_normalise(const char *in, char out[11])
{
    int y = 0, m = 0, d = 0;
    const char *p = skip_spaces(in), *w;
    int n;

    if (isdigit((unsigned char)*p)) {
        const char *q = p;
        int n1 = digits(&q, 8, &y);
        if (n1 == 4 && (*q == '-' || *q == '/' || *q == '.')) {
            /* 2025-02-12, 2025/02/12 */
            char sep = *q++;
            if (digits(&q, 2, &m) < 1 || *q++ != sep || digits(&q, 2, &d) < 1)
                return false;
            p = q;
        } else if (n1 == 8) {
            /* 20250212 */
            d = y % 100;
            m = (y / 100) % 100;
            y /= 10000;
            p = q;
        } else if (n1 <= 2) {
            /* 12 Feb 2025, 26-FEB-1987 */
            d = y;
            if (*q == '-' || *q == ' ')
                q++;
            q = skip_spaces(q);
            n = word(&q, &w);
            if (!(m = nx_month_from_name(w, (size_t)n)))
                return false;
            if (*q == '-' || *q == ' ' || *q == ',')
                q++;
            q = skip_spaces(q);
            if (digits(&q, 4, &y) != 4)
                return false;
            p = q;
        } else {
            return false;
        }
    } else if (isalpha((unsigned char)*p)) {
        /* Optional weekday ("Wed, 12 Feb 2025"), then "Feb 12, 2025" or
         * "12 Feb 2025". */
        const char *q = p;
        n = word(&q, &w);
        if (!nx_month_from_name(w, (size_t)n)) {
            if (*q == ',')
                q++;
            return nx_date_normalise(q, out) ? true : false;
        }
        m = nx_month_from_name(w, (size_t)n);
        q = skip_spaces(q);
        if (digits(&q, 2, &d) < 1)
            return false;
        if (*q == ',')
            q++;
        q = skip_spaces(q);
        if (digits(&q, 4, &y) != 4)
            return false;
        p = q;
    } else {
        return false;
    }
    if (!rest_ok(p) || !nx_date_valid(y, m, d))
        return false;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return true;
}

/* "Z", or "+HH:MM", "+HHMM", "+HH" (and "-"): minutes east of UTC. */
static bool zone_offset(const char **pp, int *minutes)
{
    const char *p = *pp;
    int h, m = 0;
    if (*p == 'Z' || *p == 'z') {
        *minutes = 0;
        *pp = p + 1;
        return true;
    }
    if (*p != '+' && *p != '-')
        return false;
    int sign = *p++ == '-' ? -1 : 1;
    if (digits(&p, 2, &h) != 2)
        return false;
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &m) != 2)
            return false;
    } else if (isdigit((unsigned char)*p) && digits(&p, 2, &m) != 2) {
        return false;
    }
    if (h > 23 || m > 59)
        return false;
    *minutes = sign * (h * 60 + m);
    *pp = p;
    return true;
}

bool nx_time_normalise(const char *in, char out[NX_TIME_LEN + 1])
{
    int y, mo, d, h, mi, sec = 0, zone;
    const char *p = skip_spaces(in);
    if (digits(&p, 4, &y) != 4 || *p++ != '-' || digits(&p, 2, &mo) != 2 || *p++ != '-' ||
        digits(&p, 2, &d) != 2 || !nx_date_valid(y, mo, d))
        return false;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return false;
    p++;
    if (digits(&p, 2, &h) != 2 || *p++ != ':' || digits(&p, 2, &mi) != 2)
        return false;
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &sec) != 2)
            return false;
    }
    if ((*p == '.' || *p == ',') && isdigit((unsigned char)p[1]))
        for (p++; isdigit((unsigned char)*p); p++)
            ;                           /* a fraction of a second: dropped */
    /* 24:00 is the end of a day; 60 seconds a leap second. */
    if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec)))
        return false;
    p = skip_spaces(p);
    if (!zone_offset(&p, &zone) || *skip_spaces(p))
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi - zone, .tm_sec = sec};
    time_t t = timegm(&tm);
    struct tm utc;
    if (t == (time_t)-1 || !gmtime_r(&t, &utc) || utc.tm_year + 1900 < 1000 ||
        utc.tm_year + 1900 > 9999)
        return false;
    return strftime(out, NX_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &utc) == NX_TIME_LEN;
}

static int days_in_month(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mdays[m - 1] + (m == 2 && leap(y));
}

/* The civil date n days before y-m-d (n may be negative). */
static void shift_days(int *y, int *m, int *d, long n)
{
    struct tm tm = {.tm_year = *y - 1900, .tm_mon = *m - 1, .tm_mday = *d - (int)n, .tm_hour = 12};
    time_t t = timegm(&tm);
    struct tm out;
    gmtime_r(&t, &out);
    *y = out.tm_year + 1900;
    *m = out.tm_mon + 1;
    *d = out.tm_mday;
}

bool nx_date_bound(const char *s, bool end, time_t now, char out[9])
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    int y, m = 1, d = 1;
    char digits_only[16];
    /* YYYY and YYYY-MM: the whole year or month, from its first day or
     * to its last. */
    if (n == 4 && sscanf(s, "%4d", &y) == 1 && isdigit((unsigned char)s[3])) {
        m = end ? 12 : 1;
        d = end ? 31 : 1;
    } else if (n == 7 && sscanf(s, "%4d-%2d", &y, &m) == 2 && s[4] == '-' && m >= 1 && m <= 12) {
        d = end ? days_in_month(y, m) : 1;
    } else if (n >= 2 && n < 10 && isdigit((unsigned char)s[0]) && strchr("dwmy", s[n - 1]) &&
               strspn(s, "0123456789") == n - 1) {
        /* 7d, 2w, 3m, 1y: that long before today. */
        memcpy(digits_only, s, n - 1);
        digits_only[n - 1] = '\0';
        long k = atol(digits_only);
        struct tm tm;
        gmtime_r(&now, &tm);
        y = tm.tm_year + 1900;
        m = tm.tm_mon + 1;
        d = tm.tm_mday;
        switch (s[n - 1]) {
        case 'd': shift_days(&y, &m, &d, k); break;
        case 'w': shift_days(&y, &m, &d, 7 * k); break;
        case 'm':
            y -= (int)(k / 12);
            m -= (int)(k % 12);
            if (m < 1) {
                m += 12;
                y--;
            }
            if (d > days_in_month(y, m))
                d = days_in_month(y, m);
            break;
        case 'y':
            y -= (int)k;
            if (m == 2 && d == 29 && !leap(y))
                d = 28;
            break;
        }
    } else if (n == 5 && strncmp(s, "today", 5) == 0) {
        struct tm tm;
        gmtime_r(&now, &tm);
        y = tm.tm_year + 1900;
        m = tm.tm_mon + 1;
        d = tm.tm_mday;
    } else if (n == 9 && strncmp(s, "yesterday", 9) == 0) {
        struct tm tm;
        gmtime_r(&now, &tm);
        y = tm.tm_year + 1900;
        m = tm.tm_mon + 1;
        d = tm.tm_mday;
        shift_days(&y, &m, &d, 1);
    } else {
        char full[11];
        if (n >= 64)
            return false;
        char copy[64];
        memcpy(copy, s, n);
        copy[n] = '\0';
        if (!nx_date_normalise(copy, full))
            return false;
        sscanf(full, "%4d-%2d-%2d", &y, &m, &d);
    }
    if (!nx_date_valid(y, m, d))
        return false;
    snprintf(out, 9, "%04d%02d%02d", y, m, d);
    return true;
}
