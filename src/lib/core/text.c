/* text.c - sentence boundaries in English news prose.
 *
 * Wire copy is full of periods that end no sentence: "U.S.", "Gen.",
 * "Jan.", initials.  A period ends a sentence when the next word starts
 * a new one (capital, quote or digit after a space) and the word before
 * it is not an abbreviation. */
#include "config.h"

#include "nx.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Abbreviations that are followed by a capitalised word in running
 * text without ending the sentence: titles, months, corporate forms. */
static const char *const abbrevs[] = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt",
    "cpl", "adm", "cmdr", "sen", "rep", "gov", "atty", "supt", "det", "insp",
    "rev", "fr", "msgr", "st", "ste", "mt", "ft", "jr", "sr", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "no", "nos", "vs", "v", "inc", "corp", "co", "ltd", "bros", "dept",
    "univ", "assn", "ave", "blvd", "rd", "hon", "pres", "gov", "est", "approx",
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill",
    "ind", "kan", "kans", "ky", "la", "md", "mass", "mich", "minn", "miss",
    "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va",
    "vt", "wash", "wis", "wyo",
};

bool nx_period_is_abbrev(const char *s, size_t i)
{
    /* The word before the period. */
    size_t b = i;
    while (b > 0 && (isalpha((unsigned char)s[b - 1]) || s[b - 1] == '.'))
        b--;
    size_t len = i - b;
    if (len == 0)
        return false;
    /* "U.S", "U.K", "a.m" : a period inside the word. */
    if (memchr(s + b, '.', len))
        return true;
    /* A single capital letter: an initial ("Lolita C. Baldor"). */
    if (len == 1 && isupper((unsigned char)s[b]))
        return true;
    for (size_t k = 0; k < NX_ARRAY_LEN(abbrevs); k++)
        if (strlen(abbrevs[k]) == len && strncasecmp(abbrevs[k], s + b, len) == 0)
            return true;
    return false;
}

size_t nx_sentence_end(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n' && i + 1 < n && s[i + 1] == '\n')
            return i;                   /* a paragraph break */
        if (c != '.' && c != '!' && c != '?')
            continue;
        size_t j = i + 1;
        /* closing quotes and brackets belong to the sentence */
        for (;;) {
            if (j < n && (s[j] == '"' || s[j] == '\'' || s[j] == ')')) {
                j++;
            } else if (j + 2 < n && (unsigned char)s[j] == 0xe2 && (unsigned char)s[j + 1] == 0x80 &&
                       ((unsigned char)s[j + 2] == 0x9d || (unsigned char)s[j + 2] == 0x99)) {
                j += 3;
            } else {
                break;
            }
        }
        if (j >= n)
            return n;
        if (s[j] != ' ' && s[j] != '\n' && s[j] != '\t')
            continue;                   /* "3.5", "U.S.-led" */
        if (c == '.' && j == i + 1 && nx_period_is_abbrev(s, i)) {
            /* An abbreviation ends the sentence only before a word that
             * cannot continue it: we accept that as a rare miss. */
            continue;
        }
        size_t k = j;
        while (k < n && (s[k] == ' ' || s[k] == '\n' || s[k] == '\t'))
            k++;
        if (k >= n)
            return j;
        unsigned char d = (unsigned char)s[k];
        if (isupper(d) || isdigit(d) || d == '"' || d == '\'' || d == '(' || d >= 0xc0 ||
            d == 0xe2)
            return j;
    }
    return n;
}
