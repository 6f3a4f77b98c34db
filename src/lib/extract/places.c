/* places.c - where a story happens: place names found over the gazetteer.
 *
 * A name in the gazetteer is only a candidate: "Jordan" may be a person,
 * "Police" a town in Poland, "March" one in England.  Each candidate is
 * judged by what surrounds it in the article:
 *   - its class: countries, states, regions, large capitals and demonyms
 *     are places wherever they stand; towns need the text to agree;
 *   - capitals: a capital letter means something only mid-sentence, in
 *     running text (not in a headline written in capitals);
 *   - neighbours: a capitalised word just before ("George Washington")
 *     or a person's surname just after ("Jordan Peterson") makes it part
 *     of a person's name; a firm's word after it ("Toyota Motor Corp")
 *     part of a firm's, as an institution's word a few words on ("Sakura
 *     Research Institute") or a plural's possessive before it ("Farmers'
 *     Alliance") part of a body's; a street word a street's ("Dublin
 *     Road");
 *   - context that only places have: a preposition ("in", "near"), a
 *     state after a comma ("Alexandria, La."), the dateline, a word for
 *     local people ("Alexandria woman");
 *   - the rest of the article: a word also written in lower case there
 *     is a common word, a name used alone there a person's (even a
 *     province's, after a given name that is no place: "Naoko
 *     Ishikawa ... Ishikawa's proposal"), and a town accepted on its
 *     looks alone must be able to lie in a country the article is surely
 *     about.
 * Names the gazetteer lacks count when their shape says what they are:
 * "Madison County", "Greenbrier River", "Wadden Sea", "Interstate 75",
 * "Quillbrook, Tenn.", "D-Quillbrook", "Walton and Oconee counties",
 * "the town of Buchan".  Names that differ only in accents share a key,
 * and the text's accents choose among them ("Valparaíso").
 * Matching is by longest phrase over a hash table; nothing here scans
 * the text more than a few times. */
#include "config.h"

#include "gazetteer.h"
#include "nx.h"
#include "chars.h"
#include "words.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_WORDS 6       /* longest place name, in words */
#define KEY_CAP 160

/* ------------------------------------------------------------------ */
/* Tokens                                                              */
/* ------------------------------------------------------------------ */

enum {
    T_CAP = 1 << 0,       /* starts with a capital */
    T_ALLCAPS = 1 << 1,   /* two or more letters, all capitals */
    T_LOWER = 1 << 2,     /* starts with a small letter */
    T_DOT = 1 << 3,       /* an abbreviation's period follows ("Ga.") */
    T_SENT = 1 << 4,      /* first word of a sentence */
    T_CAPSREGION = 1 << 5, /* in a headline or sentence of capitalised words */
    T_POSS = 1 << 6,      /* followed by 's */
    T_INTDOT = 1 << 7,    /* periods inside ("U.S", "W.Va") */
    T_LISTED = 1 << 8     /* named in "Walton and Oconee counties" */
};

/* What separates a token from the one before it. */
enum { SEP_SPACE, SEP_HYPHEN, SEP_COMMA, SEP_OTHER };

typedef struct tok {
    uint32_t off, len;
    uint64_t h;           /* word_hash of the word */
    uint32_t words;       /* its classes in the shared table (words.h) */
    uint16_t flags;
    uint8_t sep;
} tok_t;

typedef struct toks {
    tok_t *v;
    size_t n, cap;
    bool oom;
} toks_t;

static void toks_push(toks_t *t, tok_t k)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        tok_t *v = realloc(t->v, cap * sizeof *v);
        if (!v) {
            t->oom = true;
            return;
        }
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = k;
}

static uint64_t word_hash(const char *w, size_t n)
{
    /* Case-insensitive over ASCII; 0 is the empty slot. */
    uint64_t h = NX_HASH64_INIT;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * UINT64_C(0x100000001b3);
    }
    return h ? h : 1;
}

static bool is_word_byte_start(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    size_t l;
    return cp_letter(decode(s, n, i, &l));
}

static bool is_apostrophe(const char *s, size_t n, size_t i, size_t *len)
{
    if (s[i] == '\'') {
        *len = 1;
        return true;
    }
    if (i + 2 < n && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0x99) {
        *len = 3;
        return true;
    }
    return false;
}

enum {
    LEFT_SINGLE_QUOTE = 0x2018,
    LEFT_DOUBLE_QUOTE = 0x201c,
    NO_BREAK_SPACE = 0xa0,
    ABBREV_SEGMENT_MAX = 2      /* letters between inside periods: "U.S", "W.Va" */
};

/* The character at s[i], not part of a word: its length, and whether a
 * sentence starts after it (*sent set) and what it makes of the
 * separator before the next word (*sep). */
static size_t separator(const char *s, size_t n, size_t i, bool *sent, uint8_t *sep)
{
    unsigned char c = (unsigned char)s[i];
    size_t l = 1;
    if (c >= 0x80) {
        uint32_t cp = decode(s, n, i, &l);
        if (cp == LEFT_DOUBLE_QUOTE || cp == LEFT_SINGLE_QUOTE)   /* opening quotes */
            *sent = true;
        if (cp != NO_BREAK_SPACE)
            *sep = SEP_OTHER;
    } else if (c == ' ' || c == '\t' || c == '\r') {
        /* keeps sep */
    } else if (c == '\n') {
        if (i + 1 < n && s[i + 1] == '\n')
            *sent = true, *sep = SEP_OTHER;
    } else if (c == '-' && *sep == SEP_SPACE && i > 0 && s[i - 1] != ' ') {
        *sep = SEP_HYPHEN;
    } else if (c == ',' && *sep == SEP_SPACE) {
        *sep = SEP_COMMA;
    } else {
        if (c == '.' || c == '!' || c == '?' || c == ':' || c == '"' || c == ';')
            *sent = true;
        *sep = SEP_OTHER;
    }
    return l;
}

/* A word from s[i]: letters and digits, with inside periods for "U.S",
 * "W.Va" and inside apostrophes for "O'Hare".  Where it ends (before a
 * possessive 's, T_POSS), and its T_CAP or T_LOWER, T_INTDOT, T_POSS
 * and T_ALLCAPS in *flags. */
static size_t word_end(const char *s, size_t n, size_t i, uint16_t *flags)
{
    size_t seg = 0, letters = 0, uppers = 0;
    bool first = true;
    *flags = 0;
    while (i < n) {
        size_t l = 1;
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && (((unsigned)c | 0x20u) - 'a' < 26u || (unsigned)c - '0' < 10u)) {
            /* the common case, ASCII, without decoding */
            if (c >= 'A') {
                letters++;
                uppers += c <= 'Z';
                if (first)
                    *flags |= c <= 'Z' ? T_CAP : T_LOWER;
            }
            first = false;
            seg++;
            i++;
            continue;
        }
        uint32_t cp = c < 0x80 ? c : decode(s, n, i, &l);
        if (cp_letter(cp)) {
            letters++;
            if (cp_upper(cp))
                uppers++;
            if (first)
                *flags |= cp_upper(cp) ? T_CAP : T_LOWER;
            first = false;
            seg++;
            i += l;
            continue;
        }
        size_t al;
        if (c == '.' && seg <= ABBREV_SEGMENT_MAX && i + 1 < n && is_word_byte_start(s, n, i + 1) &&
            !(s[i + 1] >= '0' && s[i + 1] <= '9')) {
            *flags |= T_INTDOT;
            seg = 0;
            i++;
            continue;
        }
        if (is_apostrophe(s, n, i, &al) && i + al < n && is_word_byte_start(s, n, i + al)) {
            /* "Ukraine's": the possessive is not part of the name. */
            if ((s[i + al] == 's' || s[i + al] == 'S') &&
                (i + al + 1 >= n || !is_word_byte_start(s, n, i + al + 1))) {
                *flags |= T_POSS;
                break;
            }
            seg++;
            i += al;
            continue;
        }
        break;
    }
    if (letters >= 2 && uppers == letters)
        *flags |= T_ALLCAPS;
    return i;
}

/* Splits [s, s+n) into words, noting what separates them and where
 * sentences start. */
static void tokenise(const char *s, size_t n, toks_t *out)
{
    size_t i = 0;
    bool sent = true;
    uint8_t sep = SEP_OTHER;
    while (i < n) {
        if (!is_word_byte_start(s, n, i)) {
            i += separator(s, n, i, &sent, &sep);
            continue;
        }
        size_t b = i;
        uint16_t flags;
        i = word_end(s, n, i, &flags);
        const wentry_t *w = nx_word_lookup(s + b, i - b);
        tok_t t = {.off = (uint32_t)b, .len = (uint32_t)(i - b), .flags = flags,
                   .sep = sep, .h = word_hash(s + b, i - b), .words = w ? w->bits : 0};
        if (sent)
            t.flags |= T_SENT;
        sent = false;
        sep = SEP_SPACE;
        if (flags & T_POSS) {
            size_t al = 1;
            is_apostrophe(s, n, i, &al);
            i += al + 1;
            sep = SEP_OTHER;      /* "Ukraine's Western backers" */
        } else if (i < n && s[i] == '.' && nx_period_is_abbrev(s, i)) {
            t.flags |= T_DOT;
            i++;
        }
        toks_push(out, t);
        if (out->oom)
            return;
    }
}

/* Marks headlines and sentences written in capitalised words, where a
 * capital letter says nothing. */
static void mark_caps_regions(toks_t *t)
{
    size_t i = 0;
    while (i < t->n) {
        size_t j = i + 1;
        while (j < t->n && !(t->v[j].flags & T_SENT))
            j++;
        size_t words = 0, lower = 0, allcaps = 0;
        for (size_t k = i; k < j; k++) {
            if (!(t->v[k].flags & (T_CAP | T_LOWER)))
                continue;
            words++;
            if (t->v[k].flags & T_LOWER)
                lower++;
            if (t->v[k].flags & T_ALLCAPS)
                allcaps++;
        }
        if (words >= 4 && (lower * 10 <= words || allcaps * 10 >= words * 6))
            for (size_t k = i; k < j; k++)
                t->v[k].flags |= T_CAPSREGION;
        i = j;
    }
}

/* ------------------------------------------------------------------ */
/* Word lists: closed classes of English, not place names              */
/* ------------------------------------------------------------------ */


/* Words that may start a sentence with a capital without being names. */
static const char *const function_words[] = {
    "the", "a", "an", "in", "at", "from", "near", "to", "into", "of", "on", "for", "by",
    "with", "and", "or", "but", "as", "after", "before", "since", "while", "when", "if",
    "outside", "across", "throughout", "toward", "towards", "around", "via", "through",
    "within", "between", "over", "under", "about", "during", "this", "that", "these",
    "those", "his", "her", "its", "their", "our", "my", "your", "it", "he", "she", "they",
    "we", "i", "you", "there", "here", "then", "so", "not", "no", "all", "some", "many",
    "most", "every", "each", "both", "also", "only", "even", "why", "how", "what", "who",
    "where", "which", "like", "unlike", "despite", "against", "among", "until",
    "upon", "beyond", "inside", "without", "back", "now", "today", "yesterday", "meanwhile",
};

/* Prepositions after which a capitalised name is most likely a place. */
static const char *const place_preps[] = {
    "in", "at", "from", "near", "to", "into", "outside", "across", "throughout", "toward",
    "towards", "around", "via", "through", "within", "inside", "between", "visit", "visited", "visiting", "leave", "left", "reach", "reached", "north", "south",
    "east", "west", "downtown", "northern", "southern", "eastern", "western", "central",
};

/* Words that may stand before a place inside a longer place phrase. */
static const char *const place_modifiers[] = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western",
    "central", "northeast", "northwest", "southeast", "southwest", "northeastern",
    "northwestern", "southeastern", "southwestern", "upstate", "downstate", "greater",
    "metro", "downtown", "rural", "coastal", "mid", "inner", "outer", "suburban", "old",
    "lower", "upper", "n", "s", "e", "w", "ne", "nw", "se", "sw",
};

/* Words that make the place after "X of" a seat, not part of a name. */
static const char *const seat_words[] = {
    "city", "town", "village", "county", "state", "province", "republic", "port",
    "district", "borough", "township", "region", "kingdom", "island", "isle",
};

/* Nouns for a place's people, after a town's name: "Alexandria woman". */
static const char *const local_people[] = {
    "man", "woman", "men", "women", "resident", "residents", "native", "natives", "couple",
    "teen", "teens", "teenager", "boy", "girl", "family", "homeowners", "voters", "based",
};

/* Nouns for a town's institutions: "Columbus police".  Weaker: after a
 * sentence's first word they fit any body ("University officials"). */
static const char *const local_bodies[] = {
    "police", "officials", "officers", "firefighters", "schools", "area", "businesses",
    "neighborhood", "suburb", "suburbs", "mayor", "council", "region", "community",
    "metropolitan",
};

/* Nouns that follow a person's name, not a town's: "the Bush
 * administration", "Clinton supporters". */
static const char *const person_nouns[] = {
    "administration", "campaign", "presidency", "aides", "aide", "supporters", "camp",
    "allies", "era", "loyalists", "voters'", "doctrine", "nomination", "candidacy",
};

/* Days and feasts: a town may share the name, the date never moves. */
static const char *const days[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "christmas", "easter", "thanksgiving", "halloween", "hanukkah", "ramadan", "passover",
    "spring", "summer", "autumn", "winter", "mon", "tue", "tues", "wed", "thu", "thur",
    "thurs", "fri", "sat", "sun",
};

/* Words that make the name before them a street's: "Dublin Road". */
static const char *const street_words[] = {
    "street", "st", "road", "rd", "avenue", "ave", "drive", "dr", "boulevard", "blvd",
    "lane", "ln", "place", "pl", "parkway", "pkwy", "pike", "trail",
    "walk", "circle", "terrace", "square", "alley",
};

/* Words for public bodies and their parts: a place before one names the
 * body's seat ("Texas Department of Transportation", "Columbus Police"),
 * while before another capitalised word it is more often a person's
 * given name ("Chad Walker") or a brand ("Delta Air Lines"). */
static const char *const body_words[] = {
    "department", "dept", "police", "county", "city", "highway", "patrol", "bureau",
    "public", "senate", "house", "assembly", "legislature", "board", "council", "democrat",
    "democrats", "republican", "republicans", "party", "times", "post", "tribune",
    "herald", "journal", "news", "daily", "gazette", "valley", "river", "lake",
    "mountains", "basin", "coast", "region", "area", "district", "commonwealth", "fire",
    "sheriff", "regional", "water", "parks", "wildlife", "housing", "agency", "commission",
    "authority", "airport", "international", "chamber", "ministry", "government",
    "embassy", "defense", "defence", "foreign", "interior", "secretary", "minister",
    "president", "prime", "governor", "attorney", "metro", "municipal", "township",
    "borough", "port", "harbor", "bay", "office", "division", "transit", "rep", "sen", "gov",
};

/* Words for institutions that take a place's name without being there
 * in the story's sense ("Columbia University", "Superior Court"): a
 * state's or country's name before one still counts, a town's does not. */
static const char *const institution_words[] = {
    "state", "university", "college", "national", "general", "medical", "center",
    "centre", "court", "supreme", "superior", "army", "navy", "guard", "health",
    "community", "institute", "museum", "library", "hospital", "federal", "high", "school",
    "schools", "academy", "zoo", "symphony", "church", "diocese", "cathedral", "circuit",
    "railroad", "railway", "conference", "league", "chapter", "branch", "campus",
    "association", "hall", "restaurant", "stadium", "clinic", "bank", "company",
};

/* Words that end a firm's name: a place inside one ("Toyota Motor
 * Corp", "Burlington Northern Inc") names the firm. */
static const char *const firm_words[] = {
    "corp", "corporation", "inc", "incorporated", "co", "company", "ltd", "limited", "plc",
    "llc", "lp", "group", "holdings", "holding", "bancorp", "bancshares", "industries",
    "airlines", "airways", "motors", "motor", "enterprises", "partners", "ag", "sa", "nv",
    "bv", "gmbh", "spa", "petroleum", "works", "mines", "mining", "oil", "resources",
    "systems", "securities", "financial", "communications", "electronics", "chemical",
    "chemicals", "steel", "foods", "publishers", "trust", "savings", "insurance",
    "pharmaceuticals", "technologies", "brewing", "realty", "stores", "lines", "oy", "oyj",
    "ab", "asa", "pty", "bhd", "berhad", "srl", "sarl", "kk", "kgaa", "banks", "bank",
};

/* What companies do, after a company's name that is also a town's:
 * "Santander bought", "Delta posted". */
static const char *const firm_verbs[] = {
    "bought", "buys", "sold", "sells", "acquired", "acquires", "agreed", "agrees", "posted",
    "posts", "raised", "cut", "cuts", "offered", "offers", "owns", "owned", "merged",
    "shares", "stock", "plc", "hired", "fired", "launched", "filed",
};

/* Words heading a firm's name over a place: "Royal Bank of Scotland",
 * "Bank of America", "Banco de Chile"; but "Cox Inc. of Houston" is
 * a firm in Houston. */
static const char *const firm_heads[] = {
    "bank", "banco", "banque", "trust", "insurance", "assurance", "exchange", "airways",
    "airlines",
};

/* Nouns for firms that stand before a firm's name ("carmaker Dongfeng",
 * "the airline Delta", "automakers Mahindra (India) and Dongfeng
 * (China)"); a place's name never follows one.  Not "firm", an
 * adjective of market reports ("firm Chicago wheat futures"). */
static const char *const firm_nouns[] = {
    "company", "companies", "firms", "automaker", "automakers", "carmaker",
    "carmakers", "manufacturer", "manufacturers", "airline", "lender", "lenders",
    "insurer", "insurers", "retailer", "retailers", "brand", "brands", "conglomerate",
    "subsidiary", "brewer", "brewers", "chipmaker", "chipmakers", "drugmaker", "drugmakers",
    "planemaker", "steelmaker", "startup",
};

/* Things made and flown that take a place's name ("Delta rocket",
 * "Columbia shuttle", "Tomahawk missile", "Mustang cars"): a name right
 * before one is the thing's, unless a word for where things are made
 * follows (site_nouns). */
static const char *const product_nouns[] = {
    "rocket", "rockets", "missile", "missiles", "shuttle", "shuttles", "launcher", "booster",
    "boosters", "satellite", "satellites", "spacecraft", "jet", "jets", "jetliner",
    "jetliners", "airliner", "airliners", "aircraft", "helicopter", "helicopters", "bomber",
    "bombers", "submarine", "submarines", "tank", "tanks", "car", "cars", "sedan", "sedans",
    "truck", "trucks", "vehicle", "vehicles", "model", "models", "engine", "engines", "rifle",
    "rifles",
};

/* Where things are made or sold: "the Leeds tank factory", "Ozark car
 * dealership" name a place's plant, not a product. */
static const char *const site_nouns[] = {
    "plant", "plants", "factory", "factories", "works", "dealership", "dealerships",
    "dealer", "dealers", "yard", "yards", "assembly", "site", "depot",
};

/* Plural kind words after a list of names: "Walton and Oconee counties". */
static const char *const plural_kinds[] = {
    "counties", "parishes", "townships", "boroughs", "streets", "roads", "avenues",
    "rivers", "creeks", "lakes", "islands",
};

/* Words that make a name an administrative area: "Madison County". */
static const char *const area_words[] = {
    "county", "parish", "township", "borough",
};

/* Small words after "the X" that show X is a noun on its own ("the
 * Police said", "the University is"), not a modifier ("the Richmond
 * area"). */
static const char *const after_head[] = {
    "is", "was", "are", "were", "has", "have", "had", "will", "would", "can", "could",
    "should", "may", "might", "must", "did", "does", "do", "and", "or", "of", "in", "on",
    "for", "to", "at", "with", "that", "which", "who", "by", "from", "as", "but",
};

/* Words after a name that make it a geographic feature. */
static const char *const feature_words[] = {
    "river", "creek", "lake", "bay", "harbor", "harbour", "canal", "falls", "mountains",
    "mountain", "valley", "island", "islands", "peninsula", "forest", "wilderness",
    "canyon", "desert", "swamp", "glacier", "reservoir", "strait", "sound", "sea", "ocean",
    "estuary", "delta", "basin", "plateau", "highlands", "lowlands",
};

/* Words before a name that make it a feature: "Lake Lanier". */
static const char *const feature_heads[] = {"lake", "mount", "mt", "isle"};

/* Words that head a feature named after a place: "Gulf of Alaska". */
static const char *const of_heads[] = {
    "gulf", "bay", "sea", "isle", "strait", "straits", "cape", "lake",
};

/* Numbered roads: "Interstate 75", "Highway 82", "Route 5". */
static const char *const road_heads[] = {"interstate", "highway", "route", "hwy"};

enum {
    L_FUNCTION, L_PREP, L_MODIFIER, L_SEAT, L_PEOPLE, L_BODIES, L_DAY,
    L_STREET, L_BODY, L_INSTITUTION, L_AREA, L_AFTER_HEAD, L_FEATURE, L_FEATURE_HEAD,
    L_ROAD_HEAD, L_PLURAL_KIND, L_FIRM, L_OF_HEAD, L_PERSON_NOUN, L_FIRM_VERB, L_FIRM_HEAD,
    L_FIRM_NOUN, L_PRODUCT, L_SITE, L_COUNT
};

#define LIST(name) {name, NX_ARRAY_LEN(name)}
static const struct {
    const char *const *words;
    size_t n;
} lists[L_COUNT] = {
    [L_FUNCTION] = LIST(function_words), [L_PREP] = LIST(place_preps),
    [L_MODIFIER] = LIST(place_modifiers), [L_SEAT] = LIST(seat_words),
    [L_PEOPLE] = LIST(local_people), [L_BODIES] = LIST(local_bodies),
    [L_DAY] = LIST(days),
    [L_STREET] = LIST(street_words), [L_BODY] = LIST(body_words),
    [L_INSTITUTION] = LIST(institution_words), [L_AREA] = LIST(area_words),
    [L_AFTER_HEAD] = LIST(after_head), [L_FEATURE] = LIST(feature_words),
    [L_FEATURE_HEAD] = LIST(feature_heads), [L_ROAD_HEAD] = LIST(road_heads),
    [L_PLURAL_KIND] = LIST(plural_kinds), [L_FIRM] = LIST(firm_words),
    [L_OF_HEAD] = LIST(of_heads), [L_PERSON_NOUN] = LIST(person_nouns),
    [L_FIRM_VERB] = LIST(firm_verbs), [L_FIRM_HEAD] = LIST(firm_heads),
    [L_FIRM_NOUN] = LIST(firm_nouns), [L_PRODUCT] = LIST(product_nouns),
    [L_SITE] = LIST(site_nouns),
};


/* Every listed word, by hash, with the lists it is on: one probe tells
 * all a word's roles.  Built once, then only read. */
#define LEXICON_SIZE 2048
static struct {
    uint64_t h;
    uint32_t lists;
} lexicon[LEXICON_SIZE];
static pthread_once_t lexicon_once = PTHREAD_ONCE_INIT;

static void lexicon_build(void)
{
    for (size_t l = 0; l < L_COUNT; l++) {
        for (size_t k = 0; k < lists[l].n; k++) {
            const char *w = lists[l].words[k];
            uint64_t h = word_hash(w, strlen(w));
            size_t i = (size_t)h & (LEXICON_SIZE - 1);
            while (lexicon[i].h && lexicon[i].h != h)
                i = (i + 1) & (LEXICON_SIZE - 1);
            lexicon[i].h = h;
            lexicon[i].lists |= 1u << l;
        }
    }
}

static uint32_t lexicon_lists(uint64_t h)
{
    size_t i = (size_t)h & (LEXICON_SIZE - 1);
    while (lexicon[i].h) {
        if (lexicon[i].h == h)
            return lexicon[i].lists;
        i = (i + 1) & (LEXICON_SIZE - 1);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* A set of word hashes for one article                                */
/* ------------------------------------------------------------------ */

typedef struct wset {
    uint64_t *v;
    size_t mask, count;
    bool oom;
} wset_t;

static bool wset_init(wset_t *s, size_t n)
{
    size_t cap = 64;
    while (cap < n * 2)
        cap *= 2;
    s->v = calloc(cap, sizeof *s->v);
    s->mask = cap - 1;
    s->oom = s->v == NULL;
    return !s->oom;
}


/* A full set takes no more: these sets are hints, and a half-empty
 * table keeps every probe short. */
static void wset_add(wset_t *s, uint64_t h)
{
    if (!s->v || s->count >= (s->mask + 1) / 2)
        return;
    size_t i = (size_t)h & s->mask;
    while (s->v[i] && s->v[i] != h)
        i = (i + 1) & s->mask;
    if (!s->v[i])
        s->count++;
    s->v[i] = h;
}

static bool wset_has(const wset_t *s, uint64_t h)
{
    if (!s->v)
        return false;
    size_t i = (size_t)h & s->mask;
    while (s->v[i]) {
        if (s->v[i] == h)
            return true;
        i = (i + 1) & s->mask;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* The article being read                                              */
/* ------------------------------------------------------------------ */

typedef struct doc {
    const nx_gazetteer_t *g;
    const char *s;         /* title and body, joined */
    toks_t t;
    wset_t lower;          /* words written in small letters */
    wset_t run_last;       /* last words of runs of capitalised words */
    wset_t speakers;       /* names after a title or before a speech verb */
    wset_t alone;          /* capitalised words standing alone */
    wset_t given;          /* first words of people's names */
    wset_t fullnamed;      /* surnames after a given name that is no place */
    wset_t branded;        /* places' names the article gives a firm or a
                              product: "Delta Air Lines", "Delta rocket" */
    nx_strv_t *out;
    struct pending *pend;  /* accepted names, in text order */
    size_t n_pend, cap_pend;
    char cc[64][2];        /* countries the article is surely about */
    size_t n_cc;
    const char *dl_key;    /* the dateline place's key */
    struct match *found;   /* longest()'s answer at each token, once
                              asked (end SIZE_MAX: not yet) */
    bool oom;
} doc_t;

#define TK(d, i) (&(d)->t.v[(i)])

static const char *ttext(const doc_t *d, size_t i)
{
    return d->s + d->t.v[i].off;
}

/* Whether token i is on a word list (L_*). */
#define IN(d, i, list) ((lexicon_lists(TK(d, i)->h) & (1u << (list))) != 0)

/* Speech verbs (a name before one is a speaker, a person or a body) and
 * titles before a person's name: the classes the speaker finder uses. */
#define SPEECH(d, i) ((TK(d, i)->words & W_SPEECH) != 0)
#define TITLE(d, i) ((TK(d, i)->words & W_TITLE) != 0)

static uint64_t tok_hash(const doc_t *d, size_t i)
{
    return TK(d, i)->h;
}

/* Token i continues the phrase of token i-1: only a space or a hyphen
 * (or an abbreviation's period) between them. */
static bool joined(const doc_t *d, size_t i)
{
    return i > 0 && i < d->t.n && (TK(d, i)->sep == SEP_SPACE || TK(d, i)->sep == SEP_HYPHEN);
}

/* A capitalised word that is a name, not a function word that starts a
 * sentence or follows a dash ("In", "The", "A"). */
static bool name_word(const doc_t *d, size_t i)
{
    const tok_t *t = TK(d, i);
    if (!(t->flags & T_CAP))
        return false;
    return !IN(d, i, L_FUNCTION);
}

/* The surname test: the word follows a title ("Gov. Perry"), or speaks
 * ("Jordan said"), or ends a run of capitalised words that is no place
 * name ("Michael Jordan") and stands alone elsewhere ("Jordan, 45"),
 * the way news refers to people. */
static bool is_surname(const doc_t *d, uint64_t h)
{
    return wset_has(&d->speakers, h) || (wset_has(&d->run_last, h) && wset_has(&d->alone, h));
}

static void build_key(const doc_t *d, size_t i, size_t j, char *key, size_t *len)
{
    size_t o = 0;
    for (size_t k = i; k < j; k++) {
        if (k > i && o + 1 < KEY_CAP)
            key[o++] = ' ';
        size_t kn = nx_place_key(ttext(d, k), TK(d, k)->len, key + o, KEY_CAP - o);
        o += kn;
    }
    key[o] = '\0';
    *len = o;
}

static bool all_caps_span(const doc_t *d, size_t i, size_t j)
{
    for (size_t k = i; k < j; k++)
        if ((TK(d, k)->flags & (T_CAP | T_LOWER)) && !(TK(d, k)->flags & T_ALLCAPS) &&
            !(TK(d, k)->len == 1 && (TK(d, k)->flags & T_CAP)))
            return false;
    return true;
}

/* Whether the text [s, s+n) spells a name [name, name+nn) letter for
 * letter, capitals aside: "VALPARAÍSO" is "Valparaíso", not
 * "Valparaiso". */
static bool spelled_as(const char *name, size_t nn, const char *s, size_t n)
{
    if (n != nn)
        return false;
    for (size_t k = 0; k < n; k++) {
        unsigned char a = (unsigned char)s[k], b = (unsigned char)name[k];
        if (a < 0x80 && b < 0x80) {
            if ((a >= 'A' && a <= 'Z' ? a + 32 : a) != (b >= 'A' && b <= 'Z' ? b + 32 : b))
                return false;
        } else if (a == 0xc3 && b == 0xc3 && k + 1 < n) {
            /* U+00C0-U+00DE, less U+00D7, are the capitals of U+00E0-U+00FE */
            a = (unsigned char)s[++k];
            b = (unsigned char)name[k];
            if (a >= 0x80 && a <= 0x9e && a != 0x97)
                a += 0x20;
            if (b >= 0x80 && b <= 0x9e && b != 0x97)
                b += 0x20;
            if (a != b)
                return false;
        } else if (a != b) {
            return false;
        }
    }
    return true;
}

static bool accented(const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)s[k] >= 0x80)
            return true;
    return false;
}

/* Names that differ only in accents share a key ("Valparaiso",
 * "Valparaíso"): a text written with accents means the place so spelled
 * when there is one.  Whether p is that place for [s, s+n). */
static bool accents_agree(const nx_gazetteer_t *g, const nx_place_t *p, const char *s, size_t n)
{
    size_t nn;
    const char *name = nx_place_spelling(g, p, &nn);
    return spelled_as(name, nn, s, n);
}

/* "God" for "Göd": a small town's name written without its accents is
 * more likely an English word. */
static bool accents_dropped(const doc_t *d, const nx_place_t *p, size_t i, size_t j)
{
    size_t n;
    const char *name = nx_place_name(d->g, p, &n);
    bool accented = false;
    for (size_t k = 0; k < n && !accented; k++)
        accented = (unsigned char)name[k] >= 0x80;
    if (!accented)
        return false;
    for (size_t k = TK(d, i)->off; k < TK(d, j - 1)->off + TK(d, j - 1)->len; k++)
        if ((unsigned char)d->s[k] >= 0x80)
            return false;
    return true;
}

/* The place filed under the phrase [i, j) that the way it is written
 * allows: capitals for acronyms ("US" but not "Us"), no all-capital
 * spelling of an ordinary name in running text ("NATO" is not "Nato"),
 * abbreviations only where want_abbrev. */
static const nx_place_t *pick(const doc_t *d, const nx_place_t *p, size_t i, size_t j,
                              bool want_abbrev)
{
    bool caps_text = all_caps_span(d, i, j);
    bool caps_region = (TK(d, i)->flags & T_CAPSREGION) != 0;
    const nx_place_t *first = NULL;
    const char *text = ttext(d, i);
    size_t text_len = TK(d, j - 1)->off + TK(d, j - 1)->len - TK(d, i)->off;
    bool accents = p->next >= 0 && accented(text, text_len);
    for (; p; p = nx_gazetteer_next(d->g, p)) {
        uint32_t c = p->classes;
        if (c & NX_PC_NONE)
            return first;
        if (!want_abbrev && !(c & ~(NX_PC_ABBREV | NX_PC_ACRONYM)))
            continue;
        if (want_abbrev && !(c & (NX_PC_ABBREV | NX_PC_STATE | NX_PC_COUNTRY)))
            continue;
        if (!(c & (NX_PC_COUNTRY | NX_PC_STATE | NX_PC_REGION | NX_PC_CAPITAL)) &&
            p->pop < 100 && accents_dropped(d, p, i, j))
            continue;
        if (!caps_region) {
            if ((c & NX_PC_ACRONYM) && !caps_text)
                continue;
            if (!(c & NX_PC_ACRONYM) && caps_text && !(c & NX_PC_ABBREV))
                continue;
        }
        if (!first) {
            first = p;
            if (!accents)
                break;
        }
        if (accents_agree(d->g, p, text, text_len))
            return p;
    }
    return first;
}

typedef struct match {
    size_t end;
    const nx_place_t *pl;
} match_t;

static bool lookup_longest(const doc_t *d, size_t i, bool want_abbrev, match_t *m);

/* The longest gazetteer name starting at token i.  Without
 * abbreviations, the answer at each token is kept: mark_brands(), scan()
 * and judge() ask for the same tokens. */
static bool longest(const doc_t *d, size_t i, bool want_abbrev, match_t *m)
{
    if (want_abbrev || !d->found)
        return lookup_longest(d, i, want_abbrev, m);
    match_t *f = &d->found[i];
    if (f->end == SIZE_MAX)
        lookup_longest(d, i, false, f);
    *m = *f;
    return m->pl != NULL;
}

static bool lookup_longest(const doc_t *d, size_t i, bool want_abbrev, match_t *m)
{
    char key[KEY_CAP];
    size_t o = 0;
    m->pl = NULL;
    m->end = i;
    for (size_t j = i; j < d->t.n && j - i < MAX_WORDS; j++) {
        if (j > i) {
            if (!joined(d, j) || o + 2 >= KEY_CAP)
                break;
            key[o++] = ' ';
        }
        size_t kn = nx_place_key(ttext(d, j), TK(d, j)->len, key + o, KEY_CAP - o);
        if (!kn)
            break;
        o += kn;
        bool prefix;
        const nx_place_t *p = nx_gazetteer_lookup(d->g, key, o, &prefix);
        if (p && !(TK(d, j)->flags & T_LOWER)) {
            const nx_place_t *q = pick(d, p, i, j + 1, want_abbrev);
            if (q) {
                m->pl = q;
                m->end = j + 1;
            } else if (p->classes & NX_PC_NONE) {
                m->pl = NULL;
                m->end = i;
            }
        }
        if (!prefix)
            break;
    }
    return m->pl != NULL;
}

/* ", La." or ", Texas" or ", France" after a place, and nothing
 * capitalised after it ("Smith, Ohio Republican" is a person). */
static const nx_place_t *state_after(const doc_t *d, size_t j, size_t *end)
{
    if (j >= d->t.n || TK(d, j)->sep != SEP_COMMA || !(TK(d, j)->flags & T_CAP))
        return NULL;
    match_t m;
    if (!longest(d, j, true, &m))
        return NULL;
    uint32_t c = m.pl->classes;
    if (!(c & (NX_PC_STATE | NX_PC_COUNTRY))) {
        /* An abbreviation must look like one: "Ga." or "GA". */
        const tok_t *t = TK(d, m.end - 1);
        if (!(t->flags & (T_DOT | T_INTDOT)) && !(t->flags & T_ALLCAPS))
            return NULL;
    }
    if (m.end < d->t.n && TK(d, m.end)->sep == SEP_SPACE && name_word(d, m.end) &&
        !(TK(d, m.end)->flags & T_CAPSREGION))
        return NULL;
    /* "Ronald Allen, Delta's president": a firm's officer, not a town */
    if (TK(d, m.end - 1)->flags & T_POSS)
        return NULL;
    /* "binding for Delta, Delta said": the same name again, speaking */
    if (m.end == j + 1 && tok_hash(d, j) == tok_hash(d, j - 1) && m.end < d->t.n &&
        TK(d, m.end)->sep == SEP_SPACE && SPEECH(d, m.end))
        return NULL;
    *end = m.end;
    return m.pl;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* A name as written may be broken over two lines ("Grose\nValley",
 * where a sender wraps its text): one space between its words. */
static char *one_line(const char *name, size_t n)
{
    char *p = nx_strndup(name, n);
    if (!p)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool space = p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r';
        if (!space)
            p[k++] = p[i];
        else if (k && p[k - 1] != ' ')
            p[k++] = ' ';
    }
    while (k && p[k - 1] == ' ')
        k--;
    p[k] = '\0';
    return p;
}

static void emit(doc_t *d, const char *name, size_t n)
{
    if (d->oom || !n)
        return;
    char *p = one_line(name, n);
    if (!p) {
        d->oom = true;
        return;
    }
    bool seen = !*p;
    for (size_t i = 0; i < d->out->n && !seen; i++)
        seen = strcasecmp(d->out->v[i], p) == 0;
    if (seen) {
        free(p);
        return;
    }
    if (!nx_strv_take(d->out, p))
        d->oom = true;
}

static void emit_place(doc_t *d, const nx_place_t *p)
{
    size_t n;
    const char *name = nx_place_name(d->g, p, &n);
    emit(d, name, n);
}

/* Notes the countries of a place the article is surely about.  A name
 * shared by towns of many countries says nothing. */
static void note_countries(doc_t *d, const nx_place_t *p, size_t max)
{
    size_t n;
    const char *cc = nx_place_countries(d->g, p, &n);
    if (n == 0 || n > max)
        return;
    for (size_t k = 0; k < n; k++) {
        bool seen = false;
        for (size_t m = 0; m < d->n_cc && !seen; m++)
            seen = memcmp(d->cc[m], cc + 2 * k, 2) == 0;
        if (!seen && d->n_cc < NX_ARRAY_LEN(d->cc))
            memcpy(d->cc[d->n_cc++], cc + 2 * k, 2);
    }
}

/* Whether a town so named can be in a country the article is about. */
static bool in_known_country(const doc_t *d, const nx_place_t *p)
{
    size_t n;
    const char *cc = nx_place_countries(d->g, p, &n);
    if (d->n_cc == 0 || n == 0)
        return true;
    for (size_t k = 0; k < n; k++)
        for (size_t m = 0; m < d->n_cc; m++)
            if (memcmp(d->cc[m], cc + 2 * k, 2) == 0)
                return true;
    return false;
}

/* "KANSAS CITY" -> "Kansas City", for names the gazetteer lacks. */
static void emit_titlecase(doc_t *d, const char *s, size_t n)
{
    char *p = nx_strndup(s, n);
    if (!p) {
        d->oom = true;
        return;
    }
    bool start = true;
    for (char *c = p; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') {
            *c = start ? (char)(u & ~0x20) : (char)(u | 0x20);
            start = false;
        } else if (u < 0x80) {
            start = u == ' ' || u == '-' || u == '.';
        }
    }
    emit(d, p, strlen(p));
    free(p);
}

/* The text of tokens [i, j) as written, or title-cased when in capitals. */
static void emit_span(doc_t *d, size_t i, size_t j)
{
    const char *s = ttext(d, i);
    size_t n = TK(d, j - 1)->off + TK(d, j - 1)->len - TK(d, i)->off;
    if (all_caps_span(d, i, j))
        emit_titlecase(d, s, n);
    else
        emit(d, s, n);
}

/* ------------------------------------------------------------------ */
/* Datelines                                                           */
/* ------------------------------------------------------------------ */

static const nx_place_t *lookup_text(const nx_gazetteer_t *g, const char *s, size_t n, bool abbrev)
{
    char key[KEY_CAP];
    size_t kn = nx_place_key(s, n, key, sizeof key);
    if (!kn)
        return NULL;
    const nx_place_t *first = NULL;
    bool accents = accented(s, n);
    for (const nx_place_t *p = nx_gazetteer_lookup(g, key, kn, NULL); p;
         p = nx_gazetteer_next(g, p)) {
        if (p->classes & NX_PC_NONE)
            return first;
        if (abbrev ? (p->classes & (NX_PC_ABBREV | NX_PC_STATE | NX_PC_COUNTRY))
                   : (p->classes & ~(NX_PC_ABBREV | NX_PC_ACRONYM)) != 0) {
            if (!first)
                first = p;
            if (!accents || accents_agree(g, p, s, n))
                return p;
        }
    }
    return first;
}

/* "KANSAS CITY, Mo." -> "Kansas City", "Missouri". */
static void emit_dateline(doc_t *d, const char *s, size_t n, char *key_out)
{
    nx_trim(&s, &n);
    /* "HONG KONG/MOSCOW": a story filed from two places names both */
    const char *slash = memchr(s, '/', n);
    if (slash && !memchr(s, ',', (size_t)(slash - s))) {
        emit_dateline(d, s, (size_t)(slash - s), key_out);
        emit_dateline(d, slash + 1, n - (size_t)(slash + 1 - s), key_out);
        return;
    }
    const char *comma = memchr(s, ',', n);
    size_t pn = comma ? (size_t)(comma - s) : n;
    const char *p = s;
    nx_trim(&p, &pn);
    if (!pn)
        return;
    const nx_place_t *pl = lookup_text(d->g, p, pn, false);
    if (pl) {
        emit_place(d, pl);
        note_countries(d, pl, 1);
    } else {
        emit_titlecase(d, p, pn);
    }
    if (key_out && !key_out[0])
        nx_place_key(p, pn, key_out, KEY_CAP);
    if (comma) {
        const char *r = comma + 1;
        size_t rn = n - (size_t)(r - s);
        const char *c2 = memchr(r, ',', rn);
        if (c2)
            rn = (size_t)(c2 - r);
        nx_trim(&r, &rn);
        const nx_place_t *st = rn ? lookup_text(d->g, r, rn, true) : NULL;
        if (st) {
            emit_place(d, st);
            note_countries(d, st, 2);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Reading the article                                                 */
/* ------------------------------------------------------------------ */

/* Collects what the rest of the article says about words: which are
 * written in small letters, which end a run of capitalised words, which
 * come after a title or before a speech verb. */
/* The next run of capitalised words at or after *i: [*b, *e).  A
 * sentence's first function word ("In", "The") or common word ("Visit")
 * is left out.  false at the end. */
static bool next_run(const doc_t *d, size_t *i, size_t *b, size_t *e)
{
    size_t n = d->t.n;
    while (*i < n) {
        const tok_t *t = TK(d, *i);
        if (!(t->flags & T_CAP) || (t->flags & T_CAPSREGION)) {
            (*i)++;
            continue;
        }
        size_t k = *i;
        while (k < n && (TK(d, k)->flags & T_CAP) && !name_word(d, k) && (k == *i || joined(d, k)))
            k++;
        if (k == *i && (t->flags & T_SENT) && wset_has(&d->lower, tok_hash(d, k)))
            k++;
        if (k >= n || !name_word(d, k) || (k > *i && TK(d, k)->sep != SEP_SPACE)) {
            *i = k > *i ? k : *i + 1;
            continue;
        }
        size_t m = k + 1;
        while (m < n && TK(d, m)->sep == SEP_SPACE && (TK(d, m)->flags & T_CAP) &&
               !(TK(d, m)->flags & T_CAPSREGION))
            m++;
        *b = k;
        *e = m;
        *i = m;
        return true;
    }
    return false;
}

static bool tok_is(const doc_t *d, size_t i, const char *w)
{
    size_t n = strlen(w);
    return TK(d, i)->len == n && strncasecmp(ttext(d, i), w, n) == 0;
}

/* "Clarke, Madison, Oconee and Oglethorpe counties": each name before
 * a plural kind word is a place of that kind. */
static void mark_lists(doc_t *d)
{
    for (size_t k = 1; k < d->t.n; k++) {
        if (!(TK(d, k)->flags & T_LOWER) || TK(d, k)->sep != SEP_SPACE || !IN(d, k, L_PLURAL_KIND))
            continue;
        size_t q = k;               /* names end before q */
        for (int names = 0; names < 8 && q > 0; names++) {
            size_t e = q, b = q;
            while (b > 0 && e - b < 2 && (TK(d, b - 1)->flags & T_CAP) &&
                   (b == e || TK(d, b)->sep == SEP_SPACE))
                b--;
            if (b == e || !name_word(d, b))
                break;
            for (size_t m = b; m < e; m++)
                d->t.v[m].flags |= T_LISTED;
            /* What joins this name to the one before: ",", "and", ", and". */
            if (b == 0)
                break;
            if (TK(d, b)->sep == SEP_COMMA) {
                q = b;
                continue;
            }
            if (TK(d, b)->sep == SEP_SPACE && b >= 2 && (tok_is(d, b - 1, "and") || tok_is(d, b - 1, "or"))) {
                q = b - 1;
                if (TK(d, q)->sep == SEP_COMMA || TK(d, q)->sep == SEP_SPACE)
                    continue;
            }
            break;
        }
    }
}

/* A run that reads as a person's name: not a place name, not ending in
 * a word for a body or a street. */
static bool name_run(const doc_t *d, size_t b, size_t e)
{
    if (e - b < 2 || e - b > 3 || IN(d, b, L_MODIFIER) || IN(d, e - 1, L_BODY) ||
        IN(d, e - 1, L_INSTITUTION) || IN(d, e - 1, L_STREET) || IN(d, e - 1, L_AREA))
        return false;
    char key[KEY_CAP];
    size_t kn;
    build_key(d, b, e, key, &kn);
    return nx_gazetteer_lookup(d->g, key, kn, NULL) == NULL;
}

/* Collects what the rest of the article says about words: which are
 * written in small letters, which end a run of capitalised words, which
 * come after a title or before a speech verb, which stand alone, and
 * then which start the names of people it mentions. */
static void survey(doc_t *d)
{
    size_t n = d->t.n;
    if (!wset_init(&d->lower, n) || !wset_init(&d->run_last, n / 4) ||
        !wset_init(&d->alone, n / 4) || !wset_init(&d->speakers, n / 8 + 1) ||
        !wset_init(&d->given, n / 8 + 1) || !wset_init(&d->fullnamed, n / 8 + 1)) {
        d->oom = true;
        return;
    }
    for (size_t k = 0; k < n; k++)
        if (TK(d, k)->flags & T_LOWER)
            wset_add(&d->lower, tok_hash(d, k));
    size_t i = 0, b, e;
    while (next_run(d, &i, &b, &e)) {
        uint64_t last = tok_hash(d, e - 1);
        if (e - b >= 2) {
            if (name_run(d, b, e))
                wset_add(&d->run_last, last);
            /* "Gov. Perry", "spokeswoman Ann Perry": a person */
            if (TITLE(d, b) || (b > 0 && TK(d, b)->sep == SEP_SPACE &&
                                      (TK(d, b - 1)->flags & T_LOWER) && TITLE(d, b - 1)))
                wset_add(&d->speakers, last);
        } else if (!(TK(d, b)->flags & T_SENT) || !wset_has(&d->lower, last)) {
            wset_add(&d->alone, last);
        }
        if (e < n && joined(d, e) && SPEECH(d, e) && !IN(d, e - 1, L_BODY))
            wset_add(&d->speakers, last);
    }
    mark_lists(d);
    /* "Linda Sumner ... Sumner said": Linda is a given name here; and
     * "Naoko Ishikawa ... Ishikawa's proposal": a given name that is no
     * place nor a word of the language ("Education Minnesota") makes
     * even a province's name a person's. */
    i = 0;
    while (next_run(d, &i, &b, &e)) {
        if (!name_run(d, b, e) || !is_surname(d, tok_hash(d, e - 1)) || TITLE(d, b))
            continue;
        wset_add(&d->given, tok_hash(d, b));
        char key[KEY_CAP];
        size_t kn;
        bool prefix;
        build_key(d, b, b + 1, key, &kn);
        if (!nx_gazetteer_lookup(d->g, key, kn, &prefix) && !prefix &&
            !wset_has(&d->lower, tok_hash(d, b)) && !lexicon_lists(tok_hash(d, b)))
            wset_add(&d->fullnamed, tok_hash(d, e - 1));
    }
    if (d->lower.oom || d->run_last.oom || d->speakers.oom || d->alone.oom || d->given.oom ||
        d->fullnamed.oom)
        d->oom = true;
}

typedef enum kind {
    K_GAZ,        /* a gazetteer name */
    K_AREA,       /* "Madison County" */
    K_STREET,     /* "Dublin Road", "42nd Street" */
    K_FEATURE,    /* "Greenbrier River", "Lake Lanier", "Interstate 75" */
    K_VOUCHED     /* a name the layout vouches for: "Quillbrook, Tenn." */
} kind_t;

typedef struct cand {
    size_t i, j;               /* tokens of the name */
    const nx_place_t *pl;      /* for K_GAZ */
    kind_t kind;
    const nx_place_t *state;   /* ", La." after it */
    size_t state_end;
} cand_t;

enum { STRONG_POP = 100, BODY_POP = 25, MID_POP = 10 };


/* What the words around a candidate say. */
typedef struct around {
    bool prev_cap;       /* "George Washington" */
    bool prev_prep;      /* "in Paris" */
    bool prev_in;        /* "in", "near": no person's name follows these */
    bool prev_the;
    bool prev_demonym;
    bool of_body;        /* "Chamber of Commerce" */
    bool of_person;      /* "Jane Doe of Houston", "56, of Berea" */
    bool next_cap, next_body, next_institution, next_title, next_street, next_demonym;
    bool person_after, next_number, in_firm, in_body, next_hyphen_name;
    bool next_people, next_local, next_verb, next_speech;
    bool next_firm_verb; /* "Santander bought": a firm that is also a place */
    bool firm_of;        /* "Bank of America", "First Bank of Princeton" */
} around_t;


/* Whether capitalised token p ends in s and an apostrophe that only a
 * space parts from token i: "Farmers’ Alliance". */
static bool plural_possessive(const doc_t *d, size_t p, size_t i)
{
    const tok_t *t = TK(d, p);
    const char *w = ttext(d, p), *e = w + t->len, *next = ttext(d, i);
    if (!(t->flags & T_CAP) || t->len < 2 || (e[-1] | 0x20) != 's')
        return false;
    if (e < next && *e == '\'')
        e++;
    else if (next - e >= 3 && memcmp(e, "\xe2\x80\x99", 3) == 0)
        e += 3;
    else
        return false;
    return e < next && *e == ' ' && e + 1 == next;
}

static bool ordinal(const doc_t *d, size_t i)
{
    const char *w = ttext(d, i);
    size_t n = TK(d, i)->len, k = 0;
    while (k < n && w[k] >= '0' && w[k] <= '9')
        k++;
    return k > 0 && k + 2 == n && (strncmp(w + k, "st", 2) == 0 || strncmp(w + k, "nd", 2) == 0 ||
                                   strncmp(w + k, "rd", 2) == 0 || strncmp(w + k, "th", 2) == 0);
}

static bool number(const doc_t *d, size_t i)
{
    const char *w = ttext(d, i);
    for (size_t k = 0; k < TK(d, i)->len; k++)
        if (w[k] < '0' || w[k] > '9')
            return false;
    return true;
}

/* Whether an ampersand stands between token k-1 and token k:
 * "Bradford & Bingley", "Procter & Gamble" name firms. */
static bool amp_before(const doc_t *d, size_t k)
{
    if (k == 0 || k >= d->t.n)
        return false;
    const tok_t *p = TK(d, k - 1), *t = TK(d, k);
    const char *a = d->s + p->off + p->len, *b = d->s + t->off;
    return b > a && memchr(a, '&', (size_t)(b - a)) && (p->flags & T_CAP) && (t->flags & T_CAP);
}

/* Whether a place of the gazetteer is the United States (the name its
 * demonyms "American", "African American" lead to). */
static bool is_united_states(const doc_t *d, const nx_place_t *pl)
{
    static const char us[] = "United States";
    size_t nn;
    const char *nm = nx_place_name(d->g, pl, &nn);
    return nn == sizeof us - 1 && memcmp(nm, us, sizeof us - 1) == 0;
}

/* "of" at token p before the candidate: who or what is "of" the place. */
static void look_at_of(const doc_t *d, size_t p, around_t *a)
{
    size_t q = p - (p > 0);
    const tok_t *w = TK(d, q);
    if (p == 0 || TK(d, p)->sep != SEP_SPACE || q == p) {
        a->of_person = TK(d, p)->sep == SEP_COMMA;
    } else if (w->flags & T_LOWER) {
        a->prev_prep = true;                  /* "residents of" */
    } else if (w->flags & T_CAP) {
        bool two = q > 0 && TK(d, q)->sep == SEP_SPACE && name_word(d, q - 1);
        if (IN(d, q, L_SEAT))
            a->prev_prep = true;              /* "City of Canton" */
        else if (IN(d, q, L_FIRM_HEAD))
            a->firm_of = true;                /* "Royal Bank of Scotland" */
        else if (IN(d, q, L_FIRM) || (two && !IN(d, q, L_BODY) && !IN(d, q, L_INSTITUTION)))
            a->of_person = true;              /* "Jane Doe of", "Cox Inc. of" */
        else
            a->of_body = true;                /* "Chamber of", "Federation of" */
    } else {
        a->of_person = true;                  /* "Troop 208 of" */
    }
}

/* The word before the candidate, a space apart: a preposition, "the",
 * a capitalised word, "of". */
static void look_before(const doc_t *d, const cand_t *c, around_t *a)
{
    size_t p = c->i - 1;
    bool lowerish = (TK(d, p)->flags & T_LOWER) || !name_word(d, p);
    if (lowerish && IN(d, p, L_PREP)) {
        a->prev_prep = true;
        a->prev_in = !tok_is(d, p, "to") && !tok_is(d, p, "from") && !tok_is(d, p, "at") &&
                     !tok_is(d, p, "between") && !tok_is(d, p, "visit") &&
                     !tok_is(d, p, "visited") && !tok_is(d, p, "visiting");
    }
    if (lowerish && tok_is(d, p, "the"))
        a->prev_the = true;
    if (name_word(d, p) && !IN(d, p, L_MODIFIER))
        a->prev_cap = true;
    /* "Southern California", but "Southern University" */
    if (IN(d, p, L_MODIFIER) && (TK(d, p)->flags & T_CAP) && c->kind == K_GAZ &&
        !(c->pl->classes & (NX_PC_COUNTRY | NX_PC_STATE | NX_PC_REGION)) &&
        c->pl->pop < STRONG_POP)
        a->prev_cap = true;
    if (tok_is(d, p, "of") && TK(d, p)->flags & T_LOWER)
        look_at_of(d, p, a);
}

/* A capitalised word right before the candidate: a demonym, the first
 * half of a double name, a plural's possessive. */
static void look_at_capital_before(const doc_t *d, const cand_t *c, around_t *a)
{
    size_t i = c->i;
    const tok_t *t = TK(d, i);
    if (i > 0 && (t->sep == SEP_HYPHEN || t->sep == SEP_SPACE) && (TK(d, i - 1)->flags & T_CAP)) {
        match_t m;
        bool place = longest(d, i - 1, false, &m) && m.end == i;
        if (place && (m.pl->classes & NX_PC_DEMONYM))
            a->prev_demonym = true;
        /* "Hugley-Green": a double name, unless both halves are places
         * ("Israeli-Egyptian", "Dallas-Fort Worth"). */
        if (t->sep == SEP_HYPHEN && !place)
            a->prev_cap = true;
    }
    /* "Farmers’ Alliance": after a plural's possessive, part of a name,
     * unless the plural is a place ("Texas' Houston") */
    if (i > 0 && plural_possessive(d, i - 1, i)) {
        match_t m;
        if (!(longest(d, i - 1, false, &m) && m.end == i))
            a->prev_cap = true;
    }
}

/* The word after the candidate, joined to it: what a capitalised one
 * names (a person, a body, a street, a heritage), a road's number, what
 * a lower-case one does. */
static void look_after(const doc_t *d, const cand_t *c, around_t *a)
{
    size_t j = c->j, n = d->t.n;
    const tok_t *u = TK(d, j);
    if ((u->flags & T_CAP) && !(u->flags & T_CAPSREGION)) {
        a->next_cap = u->sep == SEP_SPACE;
        /* "Jordan Peterson said", "Mary Z. Connaughton" */
        if (is_surname(d, tok_hash(d, j)) || (j + 1 < n && joined(d, j + 1) && SPEECH(d, j + 1)) ||
            (u->len == 1 && (u->flags & T_DOT)))
            a->person_after = a->next_cap;
        a->next_body = IN(d, j, L_BODY) || TITLE(d, j);
        a->next_title = TITLE(d, j);
        a->next_institution = IN(d, j, L_INSTITUTION);
        a->next_street = IN(d, j, L_STREET);
        match_t m;
        /* "African American": a heritage, not two places */
        if (longest(d, j, false, &m) && (m.pl->classes & NX_PC_DEMONYM))
            a->next_demonym = is_united_states(d, m.pl);
    } else if (u->sep == SEP_HYPHEN && number(d, j)) {
        a->next_number = true;              /* "US-24": a road */
    } else if (u->flags & T_LOWER) {
        a->next_people = IN(d, j, L_PEOPLE);
        a->next_local = a->next_people || IN(d, j, L_BODIES);
        a->next_speech = u->sep == SEP_SPACE &&
                         (SPEECH(d, j) || tok_is(d, j, "who") || IN(d, j, L_PERSON_NOUN));
        a->next_firm_verb = u->sep == SEP_SPACE && IN(d, j, L_FIRM_VERB);
        a->next_verb = u->sep == SEP_SPACE && IN(d, j, L_AFTER_HEAD);
    }
}

/* How many words after a candidate may still belong to a firm's name
 * ("Toyota Motor Corp", "Kidder, Peabody and Co"). */
enum { FIRM_WORDS_AHEAD = 6 };

/* Whether the candidate stands in a firm's name, or in a body's
 * ("Sakura Research Institute"). */
static void look_for_firm(const doc_t *d, const cand_t *c, around_t *a)
{
    size_t i = c->i, j = c->j, n = d->t.n;
    for (size_t k = j; k < n && k < j + FIRM_WORDS_AHEAD; k++) {
        const tok_t *u = TK(d, k);
        bool and = (u->flags & T_LOWER) && (tok_is(d, k, "and") || tok_is(d, k, "of"));
        if ((u->sep != SEP_SPACE && u->sep != SEP_COMMA && u->sep != SEP_HYPHEN) ||
            (!(u->flags & T_CAP) && !and))
            break;
        uint32_t roles = lexicon_lists(u->h);
        if (roles & (1u << L_FIRM)) {
            a->in_firm = true;
            break;
        }
        /* "Sakura Research Institute", but "Boston University" and
         * "Columbus Metropolitan Library" are read apart */
        if (k > j && u->sep == SEP_SPACE && (roles & (1u << L_INSTITUTION)) &&
            !lexicon_lists(tok_hash(d, j)))
            a->in_body = true;
    }
    if (amp_before(d, i) || amp_before(d, j))
        a->in_firm = true;
}

static void look_around(const doc_t *d, const cand_t *c, around_t *a)
{
    size_t i = c->i, j = c->j, n = d->t.n;
    memset(a, 0, sizeof *a);
    if (i > 0 && TK(d, i)->sep == SEP_SPACE)
        look_before(d, c, a);
    look_at_capital_before(d, c, a);
    if (j < n && joined(d, j))
        look_after(d, c, a);
    if (j >= n || !joined(d, j))
        a->next_verb = true;            /* "the Police." */
    look_for_firm(d, c, a);
    /* "Long-Term Credit Bank", "Allen-Bradley": a double name */
    if (j < n && TK(d, j)->sep == SEP_HYPHEN && (TK(d, j)->flags & T_CAP)) {
        match_t m;
        if (!longest(d, j, false, &m))
            a->next_hyphen_name = true;
    }
}

/* How far back from a name a list of names after a firm noun may begin,
 * in words: a few names of one to three words, their countries in
 * brackets, and the "and" before the last ("carmakers Tata (India),
 * Mahindra (India) and Dongfeng (China)" is 9). */
enum { FIRM_LIST_WORDS = 12 };

/* Whether the name at token i follows a firm noun, directly or as a
 * later member of a list of names after one ("automakers Mahindra
 * (India) and Dongfeng"; a parenthesis's words are not the list's). */
static bool after_firm_noun(const doc_t *d, size_t i)
{
    if (i == 0 || TK(d, i)->sep == SEP_OTHER)
        return false;
    size_t p = i - 1, stop = i > FIRM_LIST_WORDS ? i - FIRM_LIST_WORDS : 0;
    if (tok_is(d, p, "and") || tok_is(d, p, "or"))
        while (p > stop && ((TK(d, p)->flags & T_CAP) || tok_is(d, p, "and") || tok_is(d, p, "or")))
            p--;
    return (TK(d, p)->flags & T_LOWER) && IN(d, p, L_FIRM_NOUN) &&
           TK(d, p + 1)->sep == SEP_SPACE;
}

/* Angle brackets mark a company in Reuters copy: its name inside them
 * ("<Banco de Santander>"), or its ticker after the name ("Delta <DAL>
 * rose", "DELTA AIR <DAL> BEGINS"): tokens i..j-1 are in either. */
static bool company_bracket(const doc_t *d, size_t i, size_t j)
{
    const char *s = d->s, *a = s + TK(d, i)->off;
    const char *z = s + TK(d, j - 1)->off + TK(d, j - 1)->len, *p = z;
    for (int words = 0;; words++) {
        while (*p == ' ' || *p == '\n')
            p++;
        if (words == 3 || !(*p >= 'A' && *p <= 'Z'))
            break;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '.')
            p++;            /* a word of the name: "Air Lines" */
    }
    if (*p == '<') {
        const char *q = p + 1;
        while ((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '.')
            q++;
        if (*q == '>' && q > p + 1)
            return true;
    }
    const char *b = a;
    while (b > s && a - b < 60 && b[-1] != '<' && b[-1] != '>')
        b--;
    if (b == s || b[-1] != '<')
        return false;
    for (p = z; *p && p - z < 60; p++)
        if (*p == '>' || *p == '<')
            return *p == '>';
    return false;
}

/* Whether the words from token j on make the name before them a
 * product's: a product noun ("Delta rocket", "Columbia shuttle"), after
 * a model's number or not ("Delta 88 models"), but not one before a
 * word for a plant ("the Leeds tank factory"). */
static bool product_after(const doc_t *d, size_t j)
{
    size_t n = d->t.n;
    if (j + 1 < n && TK(d, j)->sep == SEP_SPACE && number(d, j))
        j++;
    if (j >= n || TK(d, j)->sep != SEP_SPACE || !(TK(d, j)->flags & (T_LOWER | T_CAPSREGION)) ||
        !IN(d, j, L_PRODUCT))
        return false;
    return !(j + 1 < n && TK(d, j + 1)->sep == SEP_SPACE && IN(d, j + 1, L_SITE));
}

/* Collects the places' names of one word that the article gives a firm
 * or a product where it first names it ("Delta Air Lines Inc", "<Delta
 * Motor Corp>", "Delta <DAL>", "a Delta rocket"): brand_named() reads
 * the same word alone elsewhere as theirs ("Delta's assets", "the
 * 116-foot Delta"). */
static void mark_brands(doc_t *d)
{
    size_t n = d->t.n;
    if (!wset_init(&d->branded, n / 4 + 1)) {
        d->oom = true;
        return;
    }
    for (size_t k = 0; k < n; k++) {
        match_t m;
        const tok_t *t = TK(d, k);
        /* the first word of a name: not Texas in "United Texas Petroleum" */
        bool inside = joined(d, k) && !(t->flags & T_SENT) && name_word(d, k - 1) &&
                      !(TK(d, k - 1)->flags & T_CAPSREGION);
        if (!(t->flags & T_CAP) || inside || !longest(d, k, false, &m) || m.end != k + 1)
            continue;
        if (company_bracket(d, k, k + 1)) {
            wset_add(&d->branded, tok_hash(d, k));
            continue;
        }
        /* In a headline of capitals ("ACQUIRE CALGARY COURIER COMPANY")
         * where a name starts is not seen: only brackets count there. */
        if (t->flags & T_CAPSREGION)
            continue;
        cand_t c = {.i = k, .j = k + 1, .pl = m.pl, .kind = K_GAZ};
        around_t a;
        memset(&a, 0, sizeof a);
        look_for_firm(d, &c, &a);
        if (a.in_firm || product_after(d, k + 1))
            wset_add(&d->branded, tok_hash(d, k));
    }
    if (d->branded.oom)
        d->oom = true;
}

enum { REJECT, ACCEPT, WEAK };

/* "Wall Street" is the markets in the news, and "Main Street" beside
 * it the rest of the economy: idioms, not streets. */
static bool street_idiom(const doc_t *d, size_t i, size_t j)
{
    if (j - i != 2 || !tok_is(d, i + 1, "street"))
        return false;
    if (tok_is(d, i, "wall"))
        return true;
    return tok_is(d, i, "main") && strstr(d->s, "Wall Street") != NULL;
}

/* What judge() weighs besides the words around a candidate. */
typedef struct facts {
    uint32_t cls, pop;      /* of a place of the gazetteer; 0 for others */
    bool intrinsic;         /* a country, state, region or demonym, or a
                               large capital: a place wherever it stands */
    bool single;            /* a name of one word */
    bool located;           /* where a place stands: after a preposition,
                               before a state, the dateline's */
    bool surely;            /* where no person's name stands: "in X",
                               "X, Ga." */
    bool surname;           /* the word is known as a person's name here */
    uint64_t h;             /* the word's hash, for a single word */
} facts_t;

/* A month or a day, "St. Patrick's Day", "St. John's Church", "Wall
 * Street": never a place, whatever stands around it. */
static bool never_a_place(const doc_t *d, const cand_t *c)
{
    size_t i = c->i, j = c->j;
    const tok_t *t = TK(d, i);
    if (j - i == 1 && (nx_month_from_name(ttext(d, i), t->len) || IN(d, i, L_DAY)))
        return true;
    /* "St. Patrick's Day", "St. John's Church": a feast or a parish, and
     * no other "X's Day" is a place either. */
    if (TK(d, j - 1)->flags & T_POSS) {
        if (j < d->t.n && tok_is(d, j, "day"))
            return true;
        if (tok_is(d, i, "st") || tok_is(d, i, "saint"))
            return true;
    }
    return street_idiom(d, i, j);
}

static facts_t facts_of(const doc_t *d, const cand_t *c, const around_t *a)
{
    size_t i = c->i, j = c->j;
    facts_t f = {.cls = c->kind == K_GAZ ? c->pl->classes : 0,
                 .pop = c->kind == K_GAZ ? c->pl->pop : 0,
                 .single = j - i == 1};
    /* Capitals of small territories share common names (Douglas,
     * Stanley, Victoria): they count as towns. */
    f.intrinsic = (f.cls & (NX_PC_COUNTRY | NX_PC_STATE | NX_PC_REGION | NX_PC_DEMONYM)) != 0 ||
                  ((f.cls & NX_PC_CAPITAL) && f.pop >= STRONG_POP);
    bool dateline = false;
    if (d->dl_key && d->dl_key[0]) {
        char key[KEY_CAP];
        size_t kn;
        build_key(d, i, j, key, &kn);
        dateline = strcmp(key, d->dl_key) == 0;
    }
    f.located = a->prev_prep || c->state || dateline || a->of_person || a->firm_of;
    f.surely = a->prev_in || c->state || dateline;
    f.h = f.single ? tok_hash(d, i) : 0;
    /* Countries, states and cities are often a word in a longer name
     * ("S.E. Paris", "Minnesota House"): only a title or a speech verb
     * makes one a person's name. */
    bool famous = f.intrinsic || f.pop >= STRONG_POP;
    f.surname = f.single && (famous ? wset_has(&d->speakers, f.h) ||
                                          (wset_has(&d->fullnamed, f.h) && !f.located)
                                    : is_surname(d, f.h) || wset_has(&d->given, f.h));
    return f;
}

/* Whether the words around the candidate make it part of a person's or
 * a firm's name, or of a double name. */
static bool part_of_a_name(const doc_t *d, const cand_t *c, const around_t *a, const facts_t *f)
{
    if (a->prev_cap || a->person_after || (a->next_street && !c->state) || a->in_firm ||
        a->next_hyphen_name || (a->in_body && !f->intrinsic && c->kind == K_GAZ))
        return true;
    /* A person's name stays one after "in" with 's ("in Obama's word"). */
    if (f->single && f->surname && (!f->surely || (TK(d, c->i)->flags & T_POSS)) &&
        !(f->cls & (NX_PC_ACRONYM | NX_PC_REGION | NX_PC_DEMONYM)))
        return true;
    if (a->next_speech && (f->surname || !f->intrinsic) && !f->located)
        return true;
    if (a->next_firm_verb && !f->located && !(f->cls & (NX_PC_COUNTRY | NX_PC_DEMONYM)))
        return true;
    if (!c->state && !(f->cls & NX_PC_COUNTRY) && after_firm_noun(d, c->i))
        return true;
    /* "a Delta rocket", "the Columbia shuttle": a thing's name; "a
     * Soviet rocket", "U.S. missiles" say whose */
    if (!c->state && !(f->cls & (NX_PC_COUNTRY | NX_PC_REGION | NX_PC_DEMONYM)) &&
        product_after(d, c->j))
        return true;
    /* "Michael Bay said": a surname that looks like a feature's word */
    return (c->kind == K_FEATURE || c->kind == K_STREET) && is_surname(d, tok_hash(d, c->j - 1));
}

/* A demonym: "American Red Cross" names a body; "Russian President" a
 * place's officer; "African American" a heritage. */
static int judge_demonym(const doc_t *d, const cand_t *c, const around_t *a)
{
    bool american = is_united_states(d, c->pl);
    if (a->next_demonym || (a->prev_demonym && american) ||
        (a->next_cap && !a->next_body && !a->next_institution))
        return REJECT;
    return (a->prev_demonym && TK(d, c->i)->sep == SEP_SPACE) ? REJECT : ACCEPT;
}

/* A place of the gazetteer, no demonym, that no name around it took:
 * accepted when it is a place wherever it stands, a town when the text
 * agrees. */
static int judge_gazetteer(const doc_t *d, const cand_t *c, const around_t *a, const facts_t *f)
{
    const tok_t *t = TK(d, c->i);
    /* "the Police said", but "the Richmond area" */
    if (a->prev_the && !(f->cls & (NX_PC_COUNTRY | NX_PC_REGION)) && a->next_verb && !c->state)
        return REJECT;
    /* Before a capitalised word that names no public body, a place is
     * part of a name: an event's or a paper's after a determiner ("the
     * Moscow Times"), else more likely a person's ("Chad Walker"). */
    bool named = a->next_cap && !c->state &&
                 !(a->next_body || (a->next_institution && (f->intrinsic || f->pop >= STRONG_POP)));
    if (named && !(a->prev_the || a->prev_prep) && !(f->cls & NX_PC_ACRONYM))
        return REJECT;
    if (f->intrinsic && !(f->single && (f->cls & NX_PC_STATE) && !(f->cls & NX_PC_COUNTRY) &&
                          wset_has(&d->lower, f->h)))
        return ACCEPT;
    /* A town: the text has to agree. */
    if ((named || a->of_body) && f->pop < STRONG_POP && !c->state)
        return REJECT;
    /* "Columbus Police", but "Justice Department", "Commerce Secretary" */
    if (a->next_body && !f->located && f->pop < BODY_POP)
        return REJECT;
    /* "McDonald's", "Hope's Wings": a small town's name with 's is
     * more often a person's or a firm's. */
    if ((TK(d, c->j - 1)->flags & T_POSS) && f->pop < STRONG_POP && !f->surely)
        return REJECT;
    if (f->single && wset_has(&d->lower, f->h) && !f->located)
        return REJECT;
    if (f->located || a->next_people)
        return ACCEPT;
    /* A sentence's first word: "Newark police", not "University
     * officials". */
    if (t->flags & T_SENT)
        return f->pop >= STRONG_POP ? WEAK : REJECT;
    if (a->next_local)
        return ACCEPT;
    return (f->pop >= MID_POP || (f->cls & (NX_PC_SEAT | NX_PC_SUBDIV))) ? WEAK : REJECT;
}

/* Whether a known place's name that no firm or product takes runs
 * from token b to token e: a country, a state, a large town ("Matthews
 * and Wright" is a firm, "Chicago and London" two places). */
static bool unbranded_place(const doc_t *d, size_t b, size_t e)
{
    match_t m;
    uint32_t known = NX_PC_COUNTRY | NX_PC_STATE | NX_PC_REGION;
    return name_word(d, b) && longest(d, b, false, &m) && m.end == e &&
           ((m.pl->classes & known) || m.pl->pop >= STRONG_POP) &&
           !(e == b + 1 && wset_has(&d->branded, tok_hash(d, b)));
}

/* Whether the name at token i is listed with another place's that no
 * firm takes: "Chicago and London", "Utah, Pennsylvania and Texas". */
static bool listed_with_a_place(const doc_t *d, size_t i)
{
    size_t p = i;
    /* not ", and": that joins clauses ("near Pittsburgh, and Worthington is") */
    if (p >= 2 && TK(d, p)->sep == SEP_SPACE && TK(d, p - 1)->sep == SEP_SPACE &&
        (tok_is(d, p - 1, "and") || tok_is(d, p - 1, "or")))
        p--;
    if (p != i || (p >= 1 && TK(d, p)->sep == SEP_COMMA)) {
        size_t b = p - 1;
        while (b > 0 && b + 3 > p && joined(d, b) && name_word(d, b - 1))
            b--;
        if (unbranded_place(d, b, p))
            return true;
    }
    size_t n = d->t.n, e = i + 3;
    if (i + 2 >= n || TK(d, i + 1)->sep != SEP_SPACE || !tok_is(d, i + 1, "and") ||
        TK(d, i + 2)->sep != SEP_SPACE)
        return false;
    while (e < n && e < i + 5 && TK(d, e)->sep == SEP_SPACE && name_word(d, e))
        e++;
    for (; e > i + 2; e--)
        if (unbranded_place(d, i + 2, e))
            return true;
    return false;
}

/* A state's name shared by places of more countries than this says
 * little about which it is ("Delta": towns in Canada, the US and Mexico,
 * a state of Nigeria); "Texas", "Ontario" (towns of the US and Canada)
 * and "California" say more. */
enum { FEW_COUNTRIES = 3 };

/* Places that a firm named after them does not hide: countries,
 * regions, demonyms ("Japan Air Lines ... Japan said"), large
 * capitals ("Bank of Tokyo ... Tokyo traders") and states whose name
 * few countries share ("Texas Air Corp ... Texas banks"). */
static bool outlives_its_firms(const doc_t *d, const cand_t *c, const facts_t *f)
{
    if (f->cls & (NX_PC_COUNTRY | NX_PC_REGION | NX_PC_DEMONYM | NX_PC_ACRONYM))
        return true;
    if ((f->cls & NX_PC_CAPITAL) && f->pop >= STRONG_POP)
        return true;
    if (!(f->cls & NX_PC_STATE))
        return false;
    size_t countries;
    nx_place_countries(d->g, c->pl, &countries);
    return countries <= FEW_COUNTRIES;
}

/* A name of one word that the article gives a firm or a product
 * elsewhere (mark_brands) is theirs here too, unless it stands where
 * only a place does ("in Delta", "Delta, Pa.", the dateline, "Chicago
 * and Delta"), or is a place no firm hides. */
static bool brand_named(const doc_t *d, const cand_t *c, const facts_t *f)
{
    if (!f->single || c->kind != K_GAZ || !wset_has(&d->branded, f->h) ||
        outlives_its_firms(d, c, f))
        return false;
    return !f->surely && !listed_with_a_place(d, c->i);
}

/* REJECT, ACCEPT, or WEAK: a town accepted on its looks alone. */
static int judge(const doc_t *d, const cand_t *c)
{
    if (never_a_place(d, c))
        return REJECT;
    around_t a;
    look_around(d, c, &a);
    facts_t f = facts_of(d, c, &a);
    /* a country's or state's name after a bank's is the bank's name
     * ("Royal Bank of Scotland"); a town's is where the bank is */
    if (a.firm_of && (f.cls & (NX_PC_COUNTRY | NX_PC_STATE | NX_PC_REGION)))
        return REJECT;
    if (company_bracket(d, c->i, c->j) || brand_named(d, c, &f))
        return REJECT;
    if (TK(d, c->i)->flags & T_CAPSREGION) {
        /* Capitals carry no information here: only names that are
         * places wherever they stand, or a preposition's object, and
         * not in a firm's name ("UNITED JERSEY BANKS INC"). */
        if (a.in_firm)
            return REJECT;
        bool sure = f.intrinsic || c->kind == K_AREA ||
                    (a.prev_in && c->kind == K_GAZ && f.pop >= STRONG_POP);
        return sure ? ACCEPT : REJECT;
    }
    if (part_of_a_name(d, c, &a, &f))
        return REJECT;
    if (c->kind != K_GAZ)
        return (c->kind != K_VOUCHED || c->state || f.located) ? ACCEPT : REJECT;
    if (a.next_number)
        return REJECT;
    if (f.cls & NX_PC_DEMONYM)
        return judge_demonym(d, c, &a);
    return judge_gazetteer(d, c, &a, &f);
}


/* A name made of capitalised words and a word saying what it is:
 * "Madison County", "Dublin Road", "Greenbrier River", "Lake Lanier". */
static size_t pattern_end(const doc_t *d, size_t i, kind_t *kind)
{
    size_t n = d->t.n;
    if (!name_word(d, i) && !ordinal(d, i))
        return 0;
    if (IN(d, i, L_OF_HEAD) && i + 2 < n && tok_is(d, i + 1, "of") &&
        TK(d, i + 1)->sep == SEP_SPACE && TK(d, i + 2)->sep == SEP_SPACE && name_word(d, i + 2)) {
        *kind = K_FEATURE;
        size_t k = i + 3;
        while (k < n && k < i + 5 && TK(d, k)->sep == SEP_SPACE && name_word(d, k))
            k++;
        return k;
    }
    if ((IN(d, i, L_FEATURE_HEAD) || IN(d, i, L_ROAD_HEAD)) && i + 1 < n &&
        TK(d, i + 1)->sep == SEP_SPACE) {
        bool road = IN(d, i, L_ROAD_HEAD);
        size_t k = i + 1;
        if (road ? number(d, k) : (name_word(d, k) && !IN(d, k, L_STREET))) {
            *kind = K_FEATURE;
            return k + 1;
        }
    }
    size_t k = i;
    while (k < n && k - i < 3 && (k == i || TK(d, k)->sep == SEP_SPACE) &&
           ((TK(d, k)->flags & T_CAP) || ordinal(d, k)) && !IN(d, k, L_AREA) &&
           !IN(d, k, L_STREET) && !IN(d, k, L_FEATURE))
        k++;
    if (k == i || k >= n || TK(d, k)->sep != SEP_SPACE || !(TK(d, k)->flags & T_CAP))
        return 0;
    /* "Virginia L. Lane" is a person. */
    for (size_t q = i + 1; q < k; q++)
        if (TK(d, q)->len == 1 && (TK(d, q)->flags & T_DOT))
            return 0;
    /* "Six Clayton County", "Former Hall County" in a headline: a first
     * word that no place name starts with stays out. */
    if (k - i >= 2 && (TK(d, i)->flags & T_SENT)) {
        bool prefix;
        char key[KEY_CAP];
        size_t kn = nx_place_key(ttext(d, i), TK(d, i)->len, key, sizeof key);
        if (!nx_gazetteer_lookup(d->g, key, kn, &prefix) && !prefix)
            return 0;
    }
    /* The kind word ends the name ("Florida Highway Patrol" is none),
     * but an area keeps its name in its bodies' ("Butler County
     * Sheriff's Office"). */
    if (k + 1 < n && TK(d, k + 1)->sep == SEP_SPACE && (TK(d, k + 1)->flags & T_CAP) &&
        !IN(d, k, L_AREA))
        return 0;
    /* "Wall Street" is no place by itself, whatever its shape. */
    char key[KEY_CAP];
    size_t kn;
    build_key(d, i, k + 1, key, &kn);
    const nx_place_t *x = nx_gazetteer_lookup(d->g, key, kn, NULL);
    if (x && (x->classes & NX_PC_NONE))
        return 0;
    if (IN(d, k, L_AREA))
        *kind = K_AREA;
    else if (IN(d, k, L_STREET))
        *kind = K_STREET;
    else if (IN(d, k, L_FEATURE))
        *kind = K_FEATURE;
    else
        return 0;
    return k + 1;
}

/* A name not in the gazetteer that the layout says is a place: one to
 * three capitalised words before ", La.". */
static size_t vouched_end(const doc_t *d, size_t i)
{
    if (!name_word(d, i))
        return 0;
    size_t k = i + 1;
    while (k < d->t.n && k - i < 3 && TK(d, k)->sep == SEP_SPACE && (TK(d, k)->flags & T_CAP))
        k++;
    return k < d->t.n && TK(d, k)->sep == SEP_COMMA ? k : 0;
}

/* A name not in the gazetteer that a word for a place introduces: one
 * to three capitalised words after "the town of", "the island of". */
static size_t seat_named_end(const doc_t *d, size_t i)
{
    if (i < 2 || TK(d, i)->sep != SEP_SPACE || TK(d, i - 1)->sep != SEP_SPACE ||
        !(TK(d, i - 2)->flags & T_LOWER) || !tok_is(d, i - 1, "of") || !IN(d, i - 2, L_SEAT))
        return 0;
    size_t k = i;
    while (k < d->t.n && k - i < 3 && (k == i || TK(d, k)->sep == SEP_SPACE) && name_word(d, k) &&
           !(TK(d, k)->flags & T_CAPSREGION))
        k++;
    /* "Mais al-Jabal": a name that goes on in a way not read here */
    size_t q = k;
    if (q + 1 < d->t.n && (TK(d, q)->flags & T_LOWER) && TK(d, q + 1)->sep == SEP_HYPHEN)
        q++;
    return q < d->t.n && TK(d, q)->sep == SEP_HYPHEN ? 0 : k;
}

/* "D-N.D.", "R-Ocilla": a legislator's party and home. */
static bool party_home(const doc_t *d, size_t i)
{
    /* "(D-Ohio)", ", R-Ga.,": after a bracket or a comma, not "D-Day" */
    if (i < 2 || TK(d, i)->sep != SEP_HYPHEN ||
        (TK(d, i - 1)->sep != SEP_COMMA && TK(d, i - 1)->sep != SEP_OTHER))
        return false;
    const tok_t *p = TK(d, i - 1);
    const char *w = ttext(d, i - 1);
    return (p->len == 1 && (*w == 'D' || *w == 'R' || *w == 'I')) ||
           (p->len == 3 && strncmp(w, "DFL", 3) == 0);
}

/* "Yelich, Milwaukee, 31; Alonso, New York, 28", "Strasburg, Washington,
 * 9-4": a line of figures, each a name, the place of a team or a home,
 * and a number.  The first name is a player's or a candidate's, whatever
 * town or layout ("X, State") it shares; the place after it is read on
 * its own. */
static bool figure_line_name(const doc_t *d, const cand_t *c)
{
    size_t n = d->t.n, k = c->j;
    if (k >= n || TK(d, k)->sep != SEP_COMMA || !name_word(d, k))
        return false;
    for (size_t first = k++; k < n && k < first + MAX_WORDS && joined(d, k); k++)
        if (!(TK(d, k)->flags & T_CAP))
            return false;
    if (k >= n || TK(d, k)->sep != SEP_COMMA)
        return false;
    const char *w = ttext(d, k);
    if (!(w[0] >= '0' && w[0] <= '9'))
        return false;
    /* an item of a list: a semicolon or a paragraph's start before the
     * name, a semicolon or the line's end after the figure (not the zip
     * code of "Springfield, Ill., 62701, is") */
    const char *b = ttext(d, c->i);
    while (b > d->s && (b[-1] == ' ' || b[-1] == '\t'))
        b--;
    if (b > d->s && b[-1] != ';' && b[-1] != '\n')
        return false;
    while ((*w >= '0' && *w <= '9') || *w == '-' || *w == '.')
        w++;
    while (*w == ' ' || *w == '\t')
        w++;
    return *w == ';' || *w == '\n' || *w == '\0';
}

/* An accepted name waits for the end of the article: a town accepted
 * on its looks alone (weak) is kept only if it can be in a country the
 * article is surely about ("Obama" is a town in Japan). */
typedef struct pending {
    cand_t c;
    bool weak;
} pending_t;

static void accept(doc_t *d, const cand_t *c, bool weak)
{
    if (d->n_pend == d->cap_pend) {
        size_t cap = d->cap_pend ? d->cap_pend * 2 : 16;
        pending_t *v = realloc(d->pend, cap * sizeof *v);
        if (!v) {
            d->oom = true;
            return;
        }
        d->pend = v;
        d->cap_pend = cap;
    }
    d->pend[d->n_pend++] = (pending_t){.c = *c, .weak = weak};
    if (weak)
        return;
    if (c->kind == K_GAZ) {
        uint32_t sure = NX_PC_COUNTRY | NX_PC_STATE | NX_PC_DEMONYM | NX_PC_ABBREV;
        note_countries(d, c->pl, (c->pl->classes & sure) ? 2 : 1);
    }
    if (c->state)
        note_countries(d, c->state, 2);
}

static void flush(doc_t *d)
{
    for (size_t k = 0; k < d->n_pend && !d->oom; k++) {
        const cand_t *c = &d->pend[k].c;
        if (d->pend[k].weak && !in_known_country(d, c->pl))
            continue;
        if (c->kind == K_GAZ)
            emit_place(d, c->pl);
        else
            emit_span(d, c->i, c->j);
        if (c->state)
            emit_place(d, c->state);
    }
}

static void scan(doc_t *d)
{
    size_t n = d->t.n;
    for (size_t i = 0; i < n && !d->oom; i++) {
        const tok_t *t = TK(d, i);
        if (!(t->flags & T_CAP) && !ordinal(d, i))
            continue;
        cand_t c = {.i = i, .j = i, .kind = K_GAZ};
        match_t m;
        if (t->flags & T_LISTED) {
            c.j = i + 1;
            while (c.j < n && (TK(d, c.j)->flags & T_LISTED) && TK(d, c.j)->sep == SEP_SPACE)
                c.j++;
            c.kind = K_VOUCHED;
            accept(d, &c, false);
            i = c.j - 1;
            continue;
        }
        bool party = party_home(d, i);
        if (longest(d, i, party, &m)) {
            c.pl = m.pl;
            c.j = m.end;
        }
        kind_t k;
        size_t a = pattern_end(d, i, &k);
        if (a > c.j) {
            c.pl = NULL;
            c.j = a;
            c.kind = k;
        }
        if (party) {
            /* The home stands as written unless it is a state. */
            if (c.j == i || (c.kind == K_GAZ && !(c.pl->classes & (NX_PC_STATE | NX_PC_ABBREV)))) {
                c.kind = K_VOUCHED;
                c.j = i + 1;
                while (c.j < n && TK(d, c.j)->sep == SEP_SPACE && (TK(d, c.j)->flags & T_CAP))
                    c.j++;
            }
            accept(d, &c, false);
            i = c.j - 1;
            continue;
        }
        if (c.j == i && (t->flags & (T_DOT | T_INTDOT)) && longest(d, i, true, &m) &&
            (m.pl->classes & NX_PC_ABBREV) && !(m.end < n && TK(d, m.end)->sep == SEP_SPACE &&
                                                (TK(d, m.end)->flags & T_CAP))) {
            /* "Ga. pastor", "in S.C. today": a state's abbreviation. */
            c.pl = m.pl;
            c.j = m.end;
            accept(d, &c, false);
            i = m.end - 1;
            continue;
        }
        size_t seat_end;
        if (c.j == i && (seat_end = seat_named_end(d, i)) > i) {
            c.j = seat_end;
            c.kind = K_VOUCHED;
        } else if (c.j == i) {
            size_t v = vouched_end(d, i);
            size_t se;
            const nx_place_t *st = v ? state_after(d, v, &se) : NULL;
            if (!st || ((st->classes & NX_PC_COUNTRY) && !(st->classes & NX_PC_STATE)))
                continue;
            c.j = v;
            c.kind = K_VOUCHED;
        }
        if (figure_line_name(d, &c)) {
            i = c.j - 1;
            continue;
        }
        c.state = state_after(d, c.j, &c.state_end);
        int verdict = judge(d, &c);
        if (verdict != REJECT)
            accept(d, &c, verdict == WEAK);
        i = (c.state ? c.state_end : c.j) - 1;
    }
}

/* "BEIRUT: ...", "COLUMBIA --- ...": a place in capitals and a colon or
 * a run of dashes, which nx_dateline_scan() does not take.  The length
 * up to the text, 0 when there is none. */
static size_t loose_dateline(const char *s, size_t *place_len)
{
    size_t i = 0, letters = 0;
    while (i < 60 && ((s[i] >= 'A' && s[i] <= 'Z') || s[i] == ' ' || s[i] == '.' || s[i] == '\''))
        letters += s[i++] >= 'A';
    size_t pl = i;
    while (pl > 0 && s[pl - 1] == ' ')
        pl--;
    if (letters < 3 || pl == 0)
        return 0;
    size_t j = pl;
    while (s[j] == ' ')
        j++;
    if (s[j] == ':') {
        j++;
    } else if (s[j] == '-' && s[j + 1] == '-') {
        while (s[j] == '-')
            j++;
    } else if ((unsigned char)s[j] == 0xe2 && (unsigned char)s[j + 1] == 0x80 &&
               ((unsigned char)s[j + 2] == 0x94 || (unsigned char)s[j + 2] == 0x93)) {
        j += 3;
    } else {
        return 0;
    }
    if (s[j] != ' ')
        return 0;
    while (s[j] == ' ')
        j++;
    if (!(s[j] >= 'A' && s[j] <= 'Z') && s[j] != '"' && (unsigned char)s[j] != 0xe2)
        return 0;
    *place_len = pl;
    return j;
}

bool nx_places_find(const nx_gazetteer_t *g, const char *dateline, const char *title,
                    const char *body, nx_strv_t *out)
{
    pthread_once(&lexicon_once, lexicon_build);
    nx_words_init();
    doc_t d = {.g = g, .out = out};
    char dl_key[KEY_CAP] = "";
    d.dl_key = dl_key;
    if (dateline && *dateline)
        emit_dateline(&d, dateline, strlen(dateline), dl_key);

    /* Bodies that repeat the title first: read it once. */
    size_t tn = title ? strlen(title) : 0;
    if (body && tn && strncmp(body, title, tn) == 0) {
        body += tn;
        while (*body == '.' || *body == ' ' || *body == '\n' || *body == '\t')
            body++;
    }
    nx_dateline_t dl;
    size_t pl, dn;
    if (body && nx_dateline_scan(body, strlen(body), &dl)) {
        emit_dateline(&d, body, dl.place_len, dl_key);
        body += dl.len;
    } else if (body && (dn = loose_dateline(body, &pl))) {
        /* Looser, so only a known place of some size: not "NATO:". */
        const nx_place_t *p = lookup_text(g, body, pl, false);
        if (p && (p->pop >= MID_POP || (p->classes & (NX_PC_COUNTRY | NX_PC_STATE)))) {
            emit_dateline(&d, body, pl, dl_key);
            body += dn;
        }
    }

    nx_buf_t b;
    nx_buf_init(&b);
    if (title)
        nx_buf_adds(&b, title);
    nx_buf_adds(&b, "\n\n");
    if (body)
        nx_buf_adds(&b, body);
    if (b.oom) {
        nx_buf_free(&b);
        return false;
    }
    /* Token offsets are 32-bit: read no further than that. */
    if (b.len > UINT32_MAX - 1)
        b.len = UINT32_MAX - 1;
    d.s = b.data;
    tokenise(b.data, b.len, &d.t);
    if (!d.t.oom) {
        mark_caps_regions(&d.t);
        d.found = malloc((d.t.n + 1) * sizeof *d.found);
        if (!d.found)
            d.oom = true;
        for (size_t k = 0; d.found && k <= d.t.n; k++)
            d.found[k].end = SIZE_MAX;
        if (!d.oom)
            survey(&d);
        if (!d.oom)
            mark_brands(&d);
        if (!d.oom)
            scan(&d);
        flush(&d);
    }
    bool ok = !d.t.oom && !d.oom;
    free(d.t.v);
    free(d.lower.v);
    free(d.run_last.v);
    free(d.speakers.v);
    free(d.alone.v);
    free(d.given.v);
    free(d.fullnamed.v);
    free(d.branded.v);
    free(d.found);
    free(d.pend);
    nx_buf_free(&b);
    return ok;
}
