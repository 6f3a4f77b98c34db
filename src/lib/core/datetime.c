/* datetime.c - a moment as news gives it: a day, perhaps a time of day,
 * perhaps the zone that time is in.
 *
 * Senders write the same moment a dozen ways: ISO 8601 in its extended
 * ("2022-10-11T11:14:42+02:00") and basic ("20131020T192751+1100", NITF's
 * norm attribute) forms, RFC 2822 in feeds ("Mon, 29 Jul 2013 16:03:54
 * +0000"), wire style ("Tue Jun 12, 2007 12:03PM EDT", "Feb 26, 1987",
 * "26 February 1987"), Reuters' "2014-07-17 00:24:11 GMT+00:00".  The
 * parser is strict about the whole string (a header line is a date only
 * if nothing is left over) and keeps what it was told: the calendar day
 * as the sender wrote it, and a time in UTC only when the zone is known. */
#include "config.h"

#include "nx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct cursor {
    const char *p, *end;
} cursor_t;

/* Fields are read as written, out of range or not ("2013-02-29",
 * "25:10"): nx_datetime_fault() then says what is wrong, so that a
 * sender's impossible date is reported rather than taken for no date. */

static void skip_space(cursor_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static bool at(const cursor_t *c, char ch)
{
    return c->p < c->end && *c->p == ch;
}

static bool eat(cursor_t *c, char ch)
{
    if (!at(c, ch))
        return false;
    c->p++;
    return true;
}

/* Up to max digits; the count read, 0 when none. */
static int number(cursor_t *c, int max, int *val)
{
    int n = 0, v = 0;
    while (n < max && c->p < c->end && isdigit((unsigned char)*c->p)) {
        v = v * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    *val = v;
    return n;
}

/* A run of letters; its length. */
static size_t letters(cursor_t *c, const char **start)
{
    *start = c->p;
    while (c->p < c->end && isalpha((unsigned char)*c->p))
        c->p++;
    return (size_t)(c->p - *start);
}

static const struct {
    const char *name;
    int offset;                 /* minutes east of UTC */
} zone_names[] = {
    {"Z", 0}, {"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"WET", 0},
    {"BST", 60}, {"CET", 60}, {"MEZ", 60}, {"WEST", 60},
    {"CEST", 120}, {"MESZ", 120}, {"EET", 120}, {"SAST", 120}, {"EEST", 180}, {"MSK", 180},
    {"EST", -300}, {"EDT", -240}, {"CST", -360}, {"CDT", -300}, {"MST", -420},
    {"MDT", -360}, {"PST", -480}, {"PDT", -420}, {"AKST", -540}, {"AKDT", -480},
    {"HST", -600}, {"NST", -210}, {"NDT", -150},
    {"JST", 540}, {"KST", 540}, {"HKT", 480}, {"SGT", 480}, {"AWST", 480},
    {"ACST", 570}, {"AEST", 600}, {"AEDT", 660}, {"NZST", 720}, {"NZDT", 780},
};

/* "+0200", "+02:00", "+02", "-0500". */
static bool numeric_zone(cursor_t *c, int *offset)
{
    if (!at(c, '+') && !at(c, '-'))
        return false;
    cursor_t save = *c;
    int sign = *c->p == '-' ? -1 : 1;
    c->p++;
    int h, m = 0;
    int nh = number(c, 2, &h);
    if (nh == 0) {
        *c = save;
        return false;
    }
    if (nh == 1) {
        /* "GMT+2" */
    } else if (eat(c, ':')) {
        if (number(c, 2, &m) != 2) {
            *c = save;
            return false;
        }
    } else if (c->p < c->end && isdigit((unsigned char)*c->p)) {
        if (number(c, 2, &m) != 2) {
            *c = save;
            return false;
        }
    }
    if (h > 14 || m > 59) {
        *c = save;
        return false;
    }
    *offset = sign * (h * 60 + m);
    return true;
}

/* A zone: numeric, a name, or a name followed by an offset ("GMT+00:00",
 * "UTC-5"); a parenthesised name after it ("(CEST)") is a comment. */
static bool zone(cursor_t *c, int *offset)
{
    skip_space(c);
    if (numeric_zone(c, offset))
        goto comment;
    cursor_t save = *c;
    const char *w;
    size_t n = letters(c, &w);
    if (n == 0 || n > 5) {
        *c = save;
        return false;
    }
    bool known = false;
    for (size_t i = 0; i < NX_ARRAY_LEN(zone_names); i++) {
        if (strlen(zone_names[i].name) == n && strncasecmp(w, zone_names[i].name, n) == 0) {
            *offset = zone_names[i].offset;
            known = true;
            break;
        }
    }
    if (!known) {
        *c = save;
        return false;
    }
    if (*offset == 0 && (n == 3 || n == 2)) {
        int extra;
        if (numeric_zone(c, &extra))
            *offset = extra;
    }
comment:
    skip_space(c);
    if (at(c, '(')) {
        const char *close = memchr(c->p, ')', (size_t)(c->end - c->p));
        if (close && close - c->p <= 8)
            c->p = close + 1;
    }
    return true;
}

/* "12:03", "12:03:45", "12:03:45.123", "6:42pm", "6:42 p.m.", "1509"
 * (only with want_compact). */
static bool clock_time(cursor_t *c, nx_datetime_t *dt)
{
    cursor_t save = *c;
    int h, m = 0, s = 0;
    int nh = number(c, 2, &h);
    if (nh == 0 || !eat(c, ':') || number(c, 2, &m) != 2) {
        *c = save;
        return false;
    }
    if (eat(c, ':')) {
        if (number(c, 2, &s) != 2) {
            *c = save;
            return false;
        }
        if (eat(c, '.') || eat(c, ',')) {
            int frac;
            if (!number(c, 9, &frac)) {
                *c = save;
                return false;
            }
        }
    }
    /* am / pm, "a.m." / "p.m." */
    cursor_t before_ampm = *c;
    skip_space(c);
    if (c->p < c->end && (tolower((unsigned char)*c->p) == 'a' ||
                          tolower((unsigned char)*c->p) == 'p')) {
        bool pm = tolower((unsigned char)*c->p) == 'p';
        c->p++;
        eat(c, '.');
        if (c->p < c->end && tolower((unsigned char)*c->p) == 'm' &&
            (c->p + 1 >= c->end || !isalpha((unsigned char)c->p[1]))) {
            c->p++;
            eat(c, '.');
            if (h < 1 || h > 12) {
                *c = save;
                return false;
            }
            h = (h % 12) + (pm ? 12 : 0);
        } else {
            *c = before_ampm;
        }
    } else {
        *c = before_ampm;
    }
    dt->has_time = true;
    dt->hour = h;
    dt->minute = m;
    dt->second = s;
    return true;
}

/* What may follow a date: a time, then a zone. */
static bool time_and_zone(cursor_t *c, nx_datetime_t *dt)
{
    skip_space(c);
    if (c->p >= c->end)
        return true;
    if (eat(c, ',') || eat(c, 'T') || eat(c, 't'))
        skip_space(c);
    if (!clock_time(c, dt))
        return false;
    cursor_t save = *c;
    if (zone(c, &dt->offset))
        dt->has_zone = true;
    else
        *c = save;
    return true;
}

/* 2025-02-12, 2025/02/12, and the ISO time that may follow. */
static bool iso_extended(cursor_t *c, nx_datetime_t *dt)
{
    cursor_t save = *c;
    if (number(c, 4, &dt->year) != 4 || !(at(c, '-') || at(c, '/'))) {
        *c = save;
        return false;
    }
    char sep = *c->p++;
    if (number(c, 2, &dt->month) < 1 || !eat(c, sep) || number(c, 2, &dt->day) < 1) {
        *c = save;
        return false;
    }
    if (c->p < c->end && isdigit((unsigned char)*c->p)) {
        *c = save;
        return false;
    }
    return time_and_zone(c, dt);
}

/* 20131020T192751+1100, 20140829T135002Z, 20250212. */
static bool iso_basic(cursor_t *c, nx_datetime_t *dt)
{
    cursor_t save = *c;
    int ymd;
    if (number(c, 8, &ymd) != 8 || (c->p < c->end && isdigit((unsigned char)*c->p))) {
        *c = save;
        return false;
    }
    dt->year = ymd / 10000;
    dt->month = ymd / 100 % 100;
    dt->day = ymd % 100;
    if (!eat(c, 'T') && !eat(c, 't'))
        return true;
    int hms;
    int n = number(c, 6, &hms);
    if (n != 6 && n != 4) {
        *c = save;
        return false;
    }
    if (n == 4)
        hms *= 100;
    dt->hour = hms / 10000;
    dt->minute = hms / 100 % 100;
    dt->second = hms % 100;
    dt->has_time = true;
    if (eat(c, '.')) {
        int frac;
        number(c, 9, &frac);
    }
    cursor_t z = *c;
    if (zone(c, &dt->offset))
        dt->has_zone = true;
    else
        *c = z;
    return true;
}

/* "26 February 1987", "26-FEB-1987", "Feb 26, 1987", "February 26 1987",
 * each perhaps after a weekday ("Tue", "Tuesday,"), and followed by a time
 * and zone.  Also "Mon Oct 23 2006" and "Tue Jun 12, 2007 12:03PM EDT". */
static bool textual(cursor_t *c, nx_datetime_t *dt)
{
    cursor_t save = *c;
    const char *w;
    size_t n = letters(c, &w);
    if (n) {
        if (!nx_month_from_name(w, n + (at(c, '.') ? 1 : 0))) {
            /* a weekday: three letters or the full name, any case */
            static const char *const days[] = {"monday", "tuesday", "wednesday", "thursday",
                                               "friday", "saturday", "sunday"};
            bool day = false;
            for (size_t i = 0; i < NX_ARRAY_LEN(days); i++)
                if ((n == 3 || n == strlen(days[i]) || (n == 4 && i == 1) ||
                     (n == 4 && i == 3)) &&
                    strncasecmp(w, days[i], n) == 0)
                    day = true;
            if (!day) {
                *c = save;
                return false;
            }
            eat(c, '.');
            eat(c, ',');
            skip_space(c);
            n = letters(c, &w);
        }
    }
    if (n) {
        /* Month first: "Feb 26, 1987" */
        int m = nx_month_from_name(w, n + (at(c, '.') ? 1 : 0));
        if (!m) {
            *c = save;
            return false;
        }
        eat(c, '.');
        skip_space(c);
        if (number(c, 2, &dt->day) < 1) {
            *c = save;
            return false;
        }
        /* "26th" */
        if (c->end - c->p >= 2 && isalpha((unsigned char)c->p[0]) &&
            isalpha((unsigned char)c->p[1]) &&
            (c->p + 2 >= c->end || !isalpha((unsigned char)c->p[2])))
            c->p += 2;
        eat(c, ',');
        skip_space(c);
        if (number(c, 4, &dt->year) != 4) {
            *c = save;
            return false;
        }
        dt->month = m;
    } else {
        /* Day first: "26 February 1987", "26-FEB-1987" */
        if (number(c, 2, &dt->day) < 1) {
            *c = save;
            return false;
        }
        if (!eat(c, '-'))
            skip_space(c);
        n = letters(c, &w);
        int m = n ? nx_month_from_name(w, n + (at(c, '.') ? 1 : 0)) : 0;
        if (!m) {
            *c = save;
            return false;
        }
        eat(c, '.');
        if (!eat(c, '-'))
            eat(c, ',');
        skip_space(c);
        if (number(c, 4, &dt->year) != 4) {
            *c = save;
            return false;
        }
        dt->month = m;
    }
    if (c->p < c->end && isdigit((unsigned char)*c->p)) {
        *c = save;
        return false;
    }
    return time_and_zone(c, dt);
}

/* Any date form, its fields as written (not checked). */
static bool parse_fields(const char *s, size_t n, nx_datetime_t *dt)
{
    memset(dt, 0, sizeof *dt);
    cursor_t c = {s, s + n};
    skip_space(&c);
    while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t' || c.end[-1] == '\n' ||
                           c.end[-1] == '\r'))
        c.end--;
    if (c.p >= c.end)
        return false;
    bool ok = iso_extended(&c, dt) || iso_basic(&c, dt) || textual(&c, dt);
    if (!ok)
        return false;
    skip_space(&c);
    if (c.p != c.end) {
        memset(dt, 0, sizeof *dt);
        return false;
    }
    return true;
}

static const char *const month_names[12] = {
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
};

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* What makes the fields no moment of the calendar, or NULL. */
static const char *calendar_fault(const nx_datetime_t *dt, char *why, size_t len)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (dt->month < 1 || dt->month > 12) {
        snprintf(why, len, "there is no month %d", dt->month);
    } else if (dt->day < 1) {
        snprintf(why, len, "there is no day %d", dt->day);
    } else if (dt->day > mdays[dt->month - 1] + (dt->month == 2 && leap_year(dt->year))) {
        if (dt->month == 2 && dt->day == 29)
            snprintf(why, len, "%d is not a leap year: February %d has 28 days", dt->year,
                     dt->year);
        else
            snprintf(why, len, "%s %d has %d days", month_names[dt->month - 1], dt->year,
                     mdays[dt->month - 1] + (dt->month == 2 && leap_year(dt->year)));
    } else if (dt->has_time && (dt->hour > 24 || (dt->hour == 24 && (dt->minute || dt->second)))) {
        snprintf(why, len, "there is no hour %d", dt->hour);
    } else if (dt->has_time && dt->minute > 59) {
        snprintf(why, len, "there is no minute %d", dt->minute);
    } else if (dt->has_time && dt->second > 60) {
        snprintf(why, len, "there is no second %d", dt->second);
    } else {
        return NULL;
    }
    return why;
}

bool nx_datetime_parse(const char *s, size_t n, nx_datetime_t *dt)
{
    char why[NX_WHY_LEN];
    if (!parse_fields(s, n, dt))
        return false;
    if (calendar_fault(dt, why, sizeof why) || !nx_date_valid(dt->year, dt->month, dt->day)) {
        memset(dt, 0, sizeof *dt);
        return false;
    }
    if (dt->second > 59)
        dt->second = 59;                /* a leap second */
    return true;
}

/* The moment in seconds since 1970 (UTC; a time without a zone read as
 * UTC, a day without a time at its start). */
static time_t moment_of(const nx_datetime_t *dt)
{
    struct tm tm = {
        .tm_year = dt->year - 1900, .tm_mon = dt->month - 1, .tm_mday = dt->day,
        .tm_hour = dt->has_time ? dt->hour : 0, .tm_min = dt->has_time ? dt->minute : 0,
        .tm_sec = dt->has_time ? dt->second : 0,
    };
    return timegm(&tm) - (dt->has_zone ? (time_t)dt->offset * 60 : 0);
}

const char *nx_datetime_fault(const nx_datetime_t *dt, time_t now, char *why, size_t len)
{
    if (calendar_fault(dt, why, len))
        return why;
    if (dt->year < NX_EARLIEST_YEAR) {
        snprintf(why, len, "%04d is before any news (the earliest year taken is %d)", dt->year,
                 NX_EARLIEST_YEAR);
        return why;
    }
    if (moment_of(dt) > now + NX_FUTURE_SLACK) {
        struct tm t;
        char today[11] = "";
        if (gmtime_r(&now, &t))
            strftime(today, sizeof today, "%Y-%m-%d", &t);
        snprintf(why, len, "it is more than two days after the day it was read (%s UTC)",
                 today);
        return why;
    }
    return NULL;
}

nx_when_t nx_when_read(const char *s, size_t n, time_t now, nx_datetime_t *dt, char *why,
                       size_t len)
{
    if (!parse_fields(s, n, dt)) {
        snprintf(why, len, "it is not a date");
        return NX_WHEN_NONE;
    }
    if (nx_datetime_fault(dt, now, why, len)) {
        memset(dt, 0, sizeof *dt);
        return NX_WHEN_BAD;
    }
    if (dt->second > 59)
        dt->second = 59;
    return NX_WHEN_OK;
}

void nx_datetime_date(const nx_datetime_t *dt, char out[11])
{
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)dt->year % 10000, (unsigned)dt->month % 100,
             (unsigned)dt->day % 100);
}

bool nx_datetime_utc(const nx_datetime_t *dt, char out[21])
{
    if (!dt->has_time || !dt->has_zone)
        return false;
    struct tm tm = {
        .tm_year = dt->year - 1900, .tm_mon = dt->month - 1, .tm_mday = dt->day,
        .tm_hour = dt->hour, .tm_min = dt->minute, .tm_sec = dt->second,
    };
    time_t t = timegm(&tm) - (time_t)dt->offset * 60;
    struct tm u;
    if (!gmtime_r(&t, &u) || u.tm_year + 1900 < 1000 || u.tm_year + 1900 > 9999)
        return false;
    snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(u.tm_year + 1900) % 10000,
             (unsigned)(u.tm_mon + 1) % 100, (unsigned)u.tm_mday % 100,
             (unsigned)u.tm_hour % 100, (unsigned)u.tm_min % 100, (unsigned)u.tm_sec % 100);
    return true;
}

bool nx_article_set_moment(newsidx_article_t *a, const nx_datetime_t *dt)
{
    char day[11], utc[21];
    nx_datetime_date(dt, day);
    free(a->date);
    a->date = nx_strdup(day);
    free(a->time);
    a->time = nx_datetime_utc(dt, utc) ? nx_strdup(utc) : NULL;
    return a->date != NULL;
}
