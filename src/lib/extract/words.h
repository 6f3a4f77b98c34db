/* words.h - the English words extraction reasons with, in one table.
 *
 * Each class below is a closed class of ordinary English words
 * (function words, speech verbs, titles, generic nouns); a word may sit
 * in several classes.  No list names a person or an organisation: names
 * are recognised from the text itself.  A title listed "abbr=word" has a
 * canonical form ("sen=senator"), so that "the senator" can find "Sen.
 * Ann Lee".  The lists are in words.c. */
#ifndef NX_WORDS_H
#define NX_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    W_FUNC = 1u << 0,      /* function words and sentence openers: never a name */
    W_PREP = 1u << 1,      /* prepositions: the noun after one is no subject */
    W_DET = 1u << 2,       /* determiners and possessive pronouns */
    W_TITLE = 1u << 3,     /* titles and offices written before a name */
    W_ORG = 1u << 4,       /* last words of organisation names */
    W_CORP = 1u << 5,      /* company suffixes */
    W_CUE = 1u << 6,       /* speech and stance verbs after their subject */
    W_INVERT = 1u << 7,    /* cue verbs that may precede their subject: "said Lee" */
    W_PART = 1u << 8,      /* participles whose subject is the clause's: "saying" */
    W_AUX = 1u << 9,       /* auxiliaries and adverbs between subject and verb */
    W_GENERIC = 1u << 10,  /* generic sources: officials, analysts, polls */
    W_GROUP = 1u << 11,    /* parties and peoples: groups, not named speakers */
    W_TIME = 1u << 12,     /* days, months and spans of time */
    W_HE = 1u << 13,       /* he, him, his */
    W_SHE = 1u << 14,      /* she, her, hers */
    W_PARTICLE = 1u << 15, /* lower-case parts of names: de, van, bin */
    W_SUFFIX = 1u << 16,   /* Jr., III */
    W_ORGHEAD = 1u << 17,  /* campaign, administration, government after a name */
    W_MALE = 1u << 18,     /* honorifics and titles that tell the sex */
    W_FEMALE = 1u << 19,
    W_CONJ = 1u << 20,     /* conjunctions that may open a clause before a subject */
    W_NOMINAL = 1u << 21,  /* nouns standing for an organisation: "the company" */
    W_THEY = 1u << 22,     /* they, them, we */
    W_NOUNISH = 1u << 23,  /* cue verbs that are also plural nouns: "reports" */
    W_KIND = 1u << 24,     /* kinds of organisation: no name alone ("the Bank") */
    W_NAMELIKE = 1u << 25, /* titles that are also surnames: "Steve King" */
    W_PREFIX = 1u << 26,   /* prefixes of compound titles: "co-author", "ex-minister" */
    W_SPEECH = 1u << 27,   /* verbs of speech proper: a name before one speaks */
    W_DATA = 1u << 28,     /* sources of figures, not speakers: "Reuters Poll" */
    W_DEPT = 1u << 29,     /* departments after an office: "VP Operations" */
    W_BRANCH = 1u << 30,   /* what a ministry covers: "Trade and Industry Minister" */
};

#define WORD_MAX 24             /* longer words are in no class */

typedef struct wentry {
    char w[WORD_MAX];
    uint8_t len;
    uint32_t bits;
    const char *canon;          /* canonical title ("senator" for "sen") */
    uint8_t canon_len;
} wentry_t;

/* Builds the table; once per process, any thread (pthread_once). */
void nx_words_init(void);

/* The class entry of a word, compared in lower case without periods and
 * with a typographic apostrophe read as a plain one; NULL when the word
 * is in no class.  nx_words_init() must have run. */
const wentry_t *nx_word_lookup(const char *s, size_t n);

/* "Co-author", "Ex-Minister", "Vice-Chairman": a title after a prefix or
 * another title, read as the last title.  NULL for other words. */
const wentry_t *nx_compound_title(const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif
