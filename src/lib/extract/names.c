/* names.c - name runs ("U.S. Defense Secretary Pete Hegseth") reduced to
 * the name they hold ("Pete Hegseth") and grouped into entities, so
 * that a later "Hegseth" or "Mr. Hegseth" is the same person. */
#include "config.h"

#include "speakers-doc.h"

/* ------------------------------------------------------------------ */
/* Name runs and entities                                              */
/* ------------------------------------------------------------------ */

/* Whether run tokens a..b end with an organisation word, or hold one
 * followed by "of" or "for" ("Department of Justice", "Office for
 * National Statistics"). */
static bool run_is_org(const doc_t *d, size_t a, size_t b)
{
    /* "CEO of Acme Corp": an office, not the company */
    if ((bits_of(d, a) & W_TITLE) && !(bits_of(d, a) & W_ORG) && a < b &&
        (tok_is(d, (long)a + 1, "of") || tok_is(d, (long)a + 1, "for")))
        return false;
    if (bits_of(d, b) & (W_ORG | W_CORP))
        return true;
    if (a == b && (d->t[b].flags & F_ACRO) && !(d->t[b].flags & F_PERIOD) &&
        !(bits_of(d, b) & ~(uint32_t)W_BRANCH))
        return true;
    /* "Department of Justice", but not "Bank of America CEO Ann Lee" */
    bool of = false;
    for (size_t i = a; i < b; i++) {
        if ((bits_of(d, i) & W_ORG) && (d->t[i].flags & F_CAP) &&
            (tok_is(d, (long)i + 1, "of") || tok_is(d, (long)i + 1, "for")))
            of = true;
        else if (of && (bits_of(d, i) & W_TITLE) && (d->t[i].flags & F_CAP))
            return false;
    }
    return of;
}

static uint8_t sex_of(const wentry_t *w)
{
    if (!w)
        return 0;
    if (w->bits & W_MALE)
        return 1;
    if (w->bits & W_FEMALE)
        return 2;
    return 0;
}

/* The sex a gendered word of the article tells (an honorific, a role
 * noun such as "spokeswoman" or "actress", a kinship noun such as
 * "wife"), but not a pronoun ("his" before a name is someone else's)
 * nor an office in "-man", which papers give women too ("Martha
 * Hesse, chairman of the Federal Energy Regulatory Commission"). */
static uint8_t sex_of_noun(const doc_t *d, long i)
{
    if (!is_word(d, i) || (bits_of(d, (size_t)i) & (W_HE | W_SHE)))
        return 0;
    if ((bits_of(d, (size_t)i) & W_TITLE) && ends_with(d, i, "man") && !ends_with(d, i, "woman"))
        return 0;
    return sex_of(d->t[i].w);
}

/* The sex an appositive after run r tells: "Ann Lee, a spokeswoman
 * for", "Tom Ash, 52, the husband of", "Ann Lee, his wife": after the
 * comma an age, a determiner and up to three words in small letters
 * before the gendered noun, none of them a conjunction or a pronoun
 * that opens a clause ("Ann Lee, whose father"). */
static uint8_t sex_of_appositive(const doc_t *d, const run_t *r)
{
    long k = (long)r->b + 1;
    if (k >= (long)d->nt || d->t[k].kind != K_COMMA || !same_zone(d, r->b, (size_t)k))
        return 0;
    k++;
    if (k < (long)d->nt && d->t[k].kind == K_NUM && k + 1 < (long)d->nt &&
        d->t[k + 1].kind == K_COMMA)
        k += 2;
    if (!lower_of(d, k, W_DET))
        return sex_of_noun(d, k);
    for (long end = k + 4; ++k <= end && is_word(d, k) && (d->t[k].flags & F_LOWER) &&
                           same_zone(d, r->b, (size_t)k);) {
        uint8_t sex = sex_of_noun(d, k);
        if (sex)
            return sex;
        if (bits_of(d, (size_t)k) & (W_CONJ | W_PREP | W_FUNC))
            return 0;
    }
    return 0;
}

/* The word class of the part of hyphenated word i before its first
 * hyphen ("All" of "All-Stars", "al" of "al-Chalabi"), 0 if none. */
static uint32_t hyphen_prefix_bits(const doc_t *d, size_t i)
{
    const char *w = d->s + d->t[i].off;
    const char *dash = memchr(w, '-', d->t[i].len);
    if (!dash || dash == w || dash + 1 >= w + d->t[i].len)
        return 0;
    const wentry_t *e = nx_word_lookup(w, (size_t)(dash - w));
    return e ? e->bits : 0;
}

/* "al-Chalabi" in "Fadhil al-Chalabi", "bin-Talal": a particle joined
 * by a hyphen to a capitalised part, which names as "De Smet" does. */
static bool particle_word(const doc_t *d, long i)
{
    if (!is_word(d, i) || !(d->t[i].flags & F_LOWER) || !(hyphen_prefix_bits(d, (size_t)i) & W_PARTICLE))
        return false;
    const char *dash = memchr(d->s + d->t[i].off, '-', d->t[i].len);
    return dash[1] >= 'A' && dash[1] <= 'Z';
}

/* Splits a run into its title part and the name it holds. */
static void analyse_run(doc_t *d, run_t *r)
{
    size_t a = r->a, b = r->b;
    r->kind = R_OTHER;
    r->na = (uint32_t)a;
    r->nb = (uint32_t)b;
    /* a lower-case title just before: "spokeswoman Haley Morris",
     * "secretary of state Ann Lee" */
    long k = (long)a - 1;
    if (tok_is(d, k - 1, "of") && lower_of(d, k - 2, W_TITLE))
        k -= 2;
    if (lower_of(d, k, W_TITLE) && same_zone(d, (size_t)k, a)) {
        r->title = d->t[k].w;
        r->person = true;
    }
    /* "spokeswoman Haley Morris", "actress Meryl Streep", "his wife
     * Hillary"; else an appositive after the name */
    if (is_word(d, (long)a - 1) && (d->t[a - 1].flags & F_LOWER) && same_zone(d, a - 1, a))
        r->sex = sex_of_noun(d, (long)a - 1);
    if (!r->sex)
        r->sex = sex_of_appositive(d, r);
    /* "the Department", "Corp", "S": no name by themselves */
    if (a == b && ((bits_of(d, a) & W_KIND) || d->t[a].len == 1)) {
        r->kind = R_NONE;
        return;
    }
    if (run_is_org(d, a, b)) {
        r->kind = R_ORG;
        return;
    }
    /* the last title followed by more of the run */
    long t = -1;
    for (size_t i = a; i < b; i++)
        if ((bits_of(d, i) & W_TITLE) && (d->t[i].flags & F_CAP) && !(bits_of(d, i + 1) & W_TITLE))
            t = (long)i;
    /* "Senior VP Operations Tom Reed": the department is the office's */
    while (t >= 0 && (size_t)t + 2 < b && (bits_of(d, (size_t)t + 1) & W_DEPT))
        t++;
    if (t >= 0) {
        r->title = d->t[t].w;
        r->person = true;
        uint8_t title_sex = sex_of(d->t[t].w);
        if (title_sex)
            r->sex = title_sex;
        size_t start = (size_t)t + 1, last_conn = 0;
        for (size_t i = start; i <= b; i++)
            if (tok_is(d, (long)i, "of") || tok_is(d, (long)i, "for") || tok_is(d, (long)i, "the") ||
                tok_is(d, (long)i, "and"))
                last_conn = i;      /* "Minister of Mines and Energy Subroto" */
        if (last_conn) {
            /* "Secretary of State for Defence John Healey": after the
             * complement, a given name and a surname. */
            size_t na = b;
            if ((bits_of(d, na) & W_SUFFIX) && na > last_conn + 2)
                na--;
            while (na > last_conn + 2 && (d->t[na - 1].flags & F_INITIAL))
                na--;
            if (na > last_conn + 2 && proper(d, (long)na - 1) && !(bits_of(d, na - 1) & (W_TITLE | W_ORG)))
                na--;
            if (na <= last_conn + 1 || (bits_of(d, b) & (W_ORG | W_CORP))) {
                r->kind = R_NONE;
                return;
            }
            start = na;
        }
        r->na = (uint32_t)start;
    } else {
        /* "Republican Ted Cruz": a party or people as a modifier */
        while (r->na < b && (bits_of(d, r->na) & W_GROUP))
            r->na++;
        /* "All-Stars Dwyane Wade", "All-Pro": a compound of a function
         * word describes the person named after it */
        while (r->na + 1 < b && (hyphen_prefix_bits(d, r->na) & W_FUNC))
            r->na++;
        /* "President", "Vice President", "OSCE Envoy": an office; but
         * "Steve King" is a name */
        if ((bits_of(d, b) & W_TITLE) &&
            (a == b || (bits_of(d, b - 1) & W_TITLE) || !(bits_of(d, b) & W_NAMELIKE))) {
            r->kind = R_NONE;
            return;
        }
    }
    if (bits_of(d, r->nb) & W_GROUP) {
        r->kind = R_NONE;           /* "Senate Republicans" */
        return;
    }
    for (size_t i = r->na; i <= r->nb; i++)
        if (d->t[i].flags & F_INITIAL)
            r->person = true;
    if (r->person)
        r->kind = R_PERSON;
}

/* Whether the capitalised words from token k on reach a word of the
 * given classes: "Exchange Commission" after "Securities and". */
static bool reaches(const doc_t *d, size_t k, uint32_t bits)
{
    for (size_t m = k; m < k + 5 && proper(d, (long)m) && same_zone(d, k, m); m++) {
        if (bits_of(d, m) & bits)
            return true;
    }
    return false;
}

/* Whether word i is a plural with its possessive apostrophe: "Farmers’". */
static bool plural_possessive(const doc_t *d, size_t i)
{
    const tok_t *t = &d->t[i];
    const char *e = d->s + t->off + t->len, *end = d->s + d->n;
    if (!(t->flags & F_POSS) || (e[-1] | 32) != 's')
        return false;
    if (e < end && *e == '\'')
        e++;
    else if (end - e >= 3 && memcmp(e, "\xe2\x80\x99", 3) == 0)
        e += 3;
    else
        return false;
    return e >= end || (*e | 32) != 's';
}

/* "KEY POINTS Ford said", "QUALIFIED OPINION RUSAL said": a subhead in
 * capitals glued onto the first name of a paragraph.  Words in capitals
 * before a name that is not are the subhead's when there are two or
 * more; in a run all in capitals, those the article also writes in
 * small letters.  The first token of the name that is left. */
static size_t past_subhead(const doc_t *d, size_t i, size_t j)
{
    if ((i > 0 && d->t[i - 1].para == d->t[i].para) || !(d->t[i].flags & F_ACRO) || i == j)
        return i;
    size_t k = i;
    while (k <= j && (d->t[k].flags & F_ACRO))
        k++;
    if (k <= j)
        return k - i >= 2 ? k : i;
    while (i < j) {
        const hslot_t *h = sp_htab_find(&d->forms, word_key(d, i));
        if (!h || !h->lower)
            break;
        i++;
    }
    return i;
}

/* "Oils and Fats International said": a body's name whose first word,
 * opening the sentence, looked like a common noun; the run takes it
 * back rather than leave "Fats International". */
static size_t before_and(const doc_t *d, size_t i, size_t j)
{
    if (i < 2)
        return i;
    long k = (long)i - 2;
    bool and = tok_is(d, k + 1, "and") || (d->t[k + 1].kind == K_OTHER && d->s[d->t[k + 1].off] == '&');
    if (!and || !is_word(d, k) || !(d->t[k].flags & F_CAP) || (d->t[k].flags & F_PROPER) ||
        !(d->t[k].flags & F_START) || (bits_of(d, (size_t)k) & (W_FUNC | W_CUE | W_TIME)) ||
        !same_zone(d, (size_t)k, i) || !(bits_of(d, j) & (W_ORG | W_CORP)))
        return i;
    return (size_t)k;
}

/* Whether the letters of acronym token k are the initials of the
 * capitalised words of tokens a..b: "IEA" of "International Energy
 * Agency", "MITI" of "Ministry of International Trade and Industry". */
static bool spells_initials(const doc_t *d, size_t k, size_t a, size_t b)
{
    const char *acro = d->s + d->t[k].off;
    size_t n = d->t[k].len, at = 0;
    if (tok_is(d, (long)a, "the"))
        a++;
    for (size_t i = a; i <= b; i++) {
        if (d->t[i].kind != K_WORD || (d->t[i].flags & F_LOWER))
            continue;
        char c = d->s[d->t[i].off];
        if (at >= n || (acro[at] | 32) != (c | 32))
            return false;
        at++;
    }
    return at == n && at >= 2;
}

/* Whether token k is an acronym of capitals alone ("IEA", not "U.S."). */
static bool acronym(const doc_t *d, size_t k)
{
    return is_word(d, (long)k) && (d->t[k].flags & F_ACRO) && !(d->t[k].flags & F_PERIOD) &&
           !(d->t[k].flags & F_POSS) && d->t[k].len >= 2 && d->t[k].len <= 8;
}

/* "Trade and Industry Minister Lee Hsien Loong", "Agriculture,
 * Livestock and Fisheries Under-Secretary": the fields of one office,
 * listed before its title, are not names of their own.  j is a field's
 * word; returns the last field's word when a title follows the list,
 * else j. */
static size_t branch_list(const doc_t *d, size_t j)
{
    size_t k = j + 1, last = j;
    for (;;) {
        bool comma = k < d->nt && d->t[k].kind == K_COMMA;
        bool and = tok_is(d, (long)k, "and") ||
                   (k < d->nt && d->t[k].kind == K_OTHER && d->s[d->t[k].off] == '&');
        if (!comma && !and)
            return j;
        size_t m = k + 1;
        if (comma && tok_is(d, (long)m, "and")) {
            and = true;
            m++;
        }
        size_t z = m;
        while (proper(d, (long)z) && (bits_of(d, z) & W_BRANCH) && same_zone(d, j, z))
            z++;
        if (z == m)
            return j;
        last = z - 1;
        if (and)
            return proper(d, (long)z) && (bits_of(d, z) & W_TITLE) && same_zone(d, j, z) ? last : j;
        k = z;
    }
}

/* "Commodity Board for Margarine, Fats and Oils", "Bureau of Alcohol,
 * Tobacco, Firearms and Explosives": a complement that is a list of
 * single words closed by "and" belongs to the office or body before it
 * (names do not stand bare in such a list: "Board for Margarine, Smith
 * and Jones" has a word of two names).  j is the complement's last
 * word; returns the list's last word, or j when none follows. */
static size_t complement_list(const doc_t *d, size_t j)
{
    size_t k = j + 1;
    while (k + 1 < d->nt && d->t[k].kind == K_COMMA) {
        size_t w = k + 1;
        if (tok_is(d, (long)w, "and"))
            break;              /* "A, B, and C" */
        if (!proper(d, (long)w) || !same_zone(d, j, w) || (bits_of(d, w) & W_TITLE) ||
            proper(d, (long)w + 1))
            return j;
        k = w + 1;
    }
    if (k == j + 1)
        return j;
    if (k < d->nt && d->t[k].kind == K_COMMA)
        k++;
    bool and = tok_is(d, (long)k, "and") ||
               (k < d->nt && d->t[k].kind == K_OTHER && d->s[d->t[k].off] == '&');
    size_t last = k + 1;
    if (!and || !proper(d, (long)last) || !same_zone(d, j, last) || (bits_of(d, last) & W_TITLE) ||
        proper(d, (long)last + 1))
        return j;
    return last;
}

void sp_build_runs(doc_t *d)
{
    for (size_t i = 0; i < d->nt && !d->oom; i++) {
        if (!proper(d, (long)i))
            continue;
        size_t j = i;
        /* "of" and "for" join an office to its complement ("Secretary
         * of State for Defence"), not a name to a place ("Ann Lee of
         * Ohio"): they may follow a title or organisation word, or the
         * first word of a complement. */
        size_t complement = 0;
        for (;;) {
            size_t k = j + 1;
            /* "Moody's Investors Service Inc": a possessive inside a
             * company's name */
            if (d->t[j].flags & F_POSS) {
                /* and a plural one inside any organisation's: "Farmers’ Alliance" */
                /* and a common noun's: "People's Daily", "People's Bank" */
                bool org = plural_possessive(d, j) || (bits_of(d, j) & W_GENERIC);
                if (reaches(d, k, org ? W_ORG | W_CORP : W_CORP) &&
                    same_zone(d, j, k)) {
                    j = k;
                    continue;
                }
                break;
            }
            bool office = (bits_of(d, j) & (W_TITLE | W_ORG)) || complement == j;
            /* "Securities and Exchange Commission", "Procter and Gamble Co" */
            bool and = tok_is(d, (long)k, "and") ||
                       (k < d->nt && d->t[k].kind == K_OTHER && d->s[d->t[k].off] == '&');
            if (and && !(bits_of(d, j) & (W_KIND | W_CORP)) && reaches(d, k + 1, W_ORG | W_CORP) &&
                same_zone(d, j, k + 1)) {
                j = k + 1;
                continue;
            }
            /* "Ministry of Climate and Green Growth": a complement of two */
            if (complement && and && proper(d, (long)k + 1) && same_zone(d, j, k + 1) &&
                !(d->t[k + 1].flags & F_START) && !(bits_of(d, k + 1) & W_TITLE)) {
                j = k + 1;
                continue;
            }
            size_t branches = (bits_of(d, j) & W_BRANCH) && !complement ? branch_list(d, j) : j;
            if (branches != j) {
                j = branches;
                continue;
            }
            if (particle_word(d, (long)k) && same_zone(d, j, k)) {
                j = k;
                continue;
            }
            if (complement && complement_list(d, j) != j) {
                j = complement = complement_list(d, j);
                continue;
            }
            /* "Saudi Press Agency SPA said": the acronym is a name of its own */
            if (acronym(d, k) && spells_initials(d, k, i, j))
                break;
            if (proper(d, (long)k) && same_zone(d, j, k) && !(d->t[k].flags & F_START)) {
                j = k;
                continue;
            }
            if (lower_of(d, (long)k, W_PARTICLE) && proper(d, (long)k + 1) && same_zone(d, j, k + 1)) {
                j = k + 1;
                continue;
            }
            if ((tok_is(d, (long)k, "of") || tok_is(d, (long)k, "for")) && office) {
                size_t m = k + 1;
                if (tok_is(d, (long)m, "the"))
                    m++;
                if (proper(d, (long)m) && same_zone(d, j, m)) {
                    j = complement = m;
                    continue;
                }
            }
            break;
        }
        i = past_subhead(d, i, j);
        i = before_and(d, i, j);
        if (!sp_grow(d, (void **)&d->r, &d->capr, d->nr, sizeof *d->r))
            return;
        run_t *r = &d->r[d->nr];
        memset(r, 0, sizeof *r);
        r->a = (uint32_t)i;
        r->b = (uint32_t)j;
        r->ent = -1;
        for (size_t k = i; k <= j; k++)
            d->t[k].run = (int32_t)d->nr;
        d->nr++;
        analyse_run(d, r);
        i = j;
    }
}

/* Key of a person: the surname with any "Jr."; of an organisation: all
 * its words but a leading "the". */
static void run_key(const doc_t *d, const run_t *r, uint64_t *key, uint64_t *first,
                    uint32_t *nwords)
{
    size_t na = r->na, nb = r->nb;
    if (r->kind == R_ORG) {
        uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
        if (tok_is(d, (long)na, "the") && na < nb)
            na++;
        for (size_t i = na; i <= nb; i++)
            h = tok_hash(d, i, h);
        *key = h;
        *first = 0;
        *nwords = (uint32_t)(nb - na + 1);
        return;
    }
    size_t sur = nb;
    uint64_t h = NX_HASH64_INIT;
    if ((bits_of(d, nb) & W_SUFFIX) && nb > na) {
        h = tok_hash(d, nb, h);
        sur = nb - 1;
    }
    *key = tok_hash(d, sur, h);
    *first = word_key(d, na);
    size_t words = 0;
    for (size_t i = na; i <= nb; i++)
        words += d->t[i].kind == K_WORD && (!(d->t[i].flags & F_LOWER) || particle_word(d, (long)i));
    *nwords = (uint32_t)words;
}

static int32_t new_entity(doc_t *d, size_t run, uint64_t key, uint64_t first, uint32_t nwords)
{
    if (!sp_grow(d, (void **)&d->e, &d->cape, d->ne, sizeof *d->e))
        return -1;
    entity_t *e = &d->e[d->ne];
    memset(e, 0, sizeof *e);
    e->best = (uint32_t)run;
    e->nwords = nwords;
    e->key = key;
    e->first = first;
    e->kind = d->r[run].kind;
    e->first_tok = e->last_tok = d->r[run].a;
    e->alias = -1;
    e->full = -1;
    hslot_t *h = sp_htab_slot(d, &d->ents, key);
    if (!h)
        return -1;
    e->next = h->ent;
    h->ent = (int32_t)d->ne;
    return (int32_t)d->ne++;
}

/* Whether a lower-case particle joins the words of run r's name, as in
 * "Estrela do Tejo", "Ludwig van Beethoven": a name of more than one
 * word, whoever bears it. */
static bool inner_particle(const doc_t *d, const run_t *r)
{
    for (size_t i = r->na + 1; i < r->nb; i++)
        if ((d->t[i].flags & F_LOWER) && (bits_of(d, i) & W_PARTICLE))
            return true;
    return false;
}

/* Short names: "Hillary" alone, when the article names exactly one
 * Hillary in full and nobody with that surname, stands for her, as
 * "Estrela" for "Estrela do Tejo"; "Ford", when it names exactly one
 * company Ford-something, for the company. */
static void alias_short_names(doc_t *d)
{
    /* key spaces: given names and leading words of company names, and
     * company names without their suffix ("Tracor" is "Tracor Inc"
     * before it is "Tracor Aerospace Inc") */
    const uint64_t given = UINT64_C(0x2545f4914f6cdd1d), exact = UINT64_C(0x61c8864680b583eb);
    for (size_t i = 0; i < d->ne; i++) {
        const entity_t *e = &d->e[i];
        const run_t *r = &d->r[e->best];
        if (e->kind != R_ORG && e->nwords >= 2 && (e->person || inner_particle(d, r))) {
            hslot_t *h = sp_htab_slot(d, &d->ents, (e->first ^ given) | 1);
            if (!h)
                return;
            h->ent = h->ent == -1 ? (int32_t)i : -2;
        } else if (e->kind == R_ORG && !e->head_tok && r->na < r->nb && (bits_of(d, r->nb) & W_CORP)) {
            /* "Ford" and "Ford Motor" for "Ford Motor Co" */
            size_t z = r->nb;
            while (z > r->na && (bits_of(d, z) & (W_CORP | W_KIND)))
                z--;
            for (size_t k = r->na; k <= z; k++) {
                uint64_t stem = NX_HASH64_INIT;
                for (size_t m = r->na; m <= k; m++)
                    stem = tok_hash(d, m, stem);
                hslot_t *h = sp_htab_slot(d, &d->ents, (stem ^ (k == z ? exact : given)) | 1);
                if (!h)
                    return;
                h->ent = h->ent == -1 ? (int32_t)i : -2;
                if (k >= r->na + 2)
                    break;
            }
        }
    }
    for (size_t i = 0; i < d->ne; i++) {
        entity_t *e = &d->e[i];
        const run_t *r = &d->r[e->best];
        if (e->kind == R_ORG || e->head_tok || r->nb - r->na > 2)
            continue;
        uint64_t words = NX_HASH64_INIT;
        for (size_t m = r->na; m <= r->nb; m++)
            words = tok_hash(d, m, words);
        const hslot_t *h = sp_htab_find(&d->ents, (words ^ exact) | 1);
        if (!h || h->ent < 0)
            h = sp_htab_find(&d->ents, (words ^ given) | 1);
        if (!h || h->ent < 0 || h->ent == (int32_t)i)
            continue;
        const entity_t *full = &d->e[h->ent];
        if ((full->kind != R_ORG && e->nwords == 1 && full->key != e->key) ||
            (full->kind == R_ORG && !e->person))
            e->alias = h->ent;
    }
}

/* Whether tokens a..b can be the given names before a surname: words
 * the article never writes in small letters, neither acronyms nor words
 * of a class ("Rival", "Using", "DJ", "Houston-based" are not), outside
 * the headline; initials pass ("Morris J."). */
static bool given_names(const doc_t *d, size_t a, size_t b)
{
    for (size_t i = a; i <= b; i++) {
        const tok_t *t = &d->t[i];
        if (t->flags & F_INITIAL)
            continue;
        if (t->kind != K_WORD || !(t->flags & F_CAP) || (t->flags & (F_ACRO | F_HEAD | F_PERIOD | F_START)) ||
            t->w || memchr(d->s + t->off, '-', t->len))
            return false;
        const hslot_t *h = sp_htab_find(&d->forms, word_key(d, i));
        if (h && h->lower)
            return false;
    }
    return true;
}

/* "Santos" alone for "Fernando Santos Alvite": a word inside the name
 * of three words or more of someone the article gives a title (a first
 * surname, used alone as Spanish and Portuguese news do) stands for
 * that person when no other name of the article holds it and nobody
 * has it for a surname. */
static void alias_inner_words(doc_t *d)
{
    const uint64_t inner = UINT64_C(0x3c6ef372fe94f82b);
    bool any = false;
    for (size_t i = 0; i < d->ne; i++) {
        const entity_t *e = &d->e[i];
        const run_t *r = &d->r[e->best];
        if (e->kind == R_ORG || e->head_tok || e->nwords < 3 || !(e->title || r->person) ||
            !given_names(d, r->na, r->na))
            continue;
        size_t sur = (bits_of(d, r->nb) & W_SUFFIX) ? r->nb - 1 : r->nb;
        for (size_t k = r->na + 1; k < sur; k++) {
            if (!proper(d, (long)k) || (d->t[k].flags & F_INITIAL))
                continue;
            hslot_t *h = sp_htab_slot(d, &d->ents, (word_key(d, k) ^ inner) | 1);
            if (!h)
                return;
            h->ent = h->ent == -1 || h->ent == (int32_t)i ? (int32_t)i : -2;
            any = true;
        }
    }
    for (size_t i = 0; i < d->ne && any; i++) {
        entity_t *e = &d->e[i];
        const run_t *r = &d->r[e->best];
        if (e->kind == R_ORG || e->head_tok || e->alias >= 0 || e->nwords != 1 || r->na != r->nb)
            continue;
        const hslot_t *h = sp_htab_find(&d->ents, (word_key(d, r->na) ^ inner) | 1);
        if (h && h->ent >= 0 && h->ent != (int32_t)i)
            e->alias = h->ent;
    }
}

/* "IEA" for "International Energy Agency": an acronym that spells the
 * initials of exactly one organisation the article names in full stands
 * for it (e->full): when both speak they are one speaker under the full
 * name, and the acronym goes out as an alias of the full name. */
static void alias_acronyms(doc_t *d)
{
    for (size_t i = 0; i < d->ne; i++) {
        entity_t *e = &d->e[i];
        const run_t *r = &d->r[e->best];
        if (e->kind != R_ORG || e->head_tok || e->alias >= 0 || e->full >= 0 || r->na != r->nb ||
            !acronym(d, r->na))
            continue;
        int32_t found = -1;
        for (size_t k = 0; k < d->ne && found != -2; k++) {
            const entity_t *f = &d->e[k];
            const run_t *fr = &d->r[f->best];
            if (k == i || f->kind == R_PERSON || f->person || f->head_tok || f->alias >= 0 || fr->na == fr->nb ||
                !spells_initials(d, r->na, fr->na, fr->nb))
                continue;
            found = found == -1 ? (int32_t)k : -2;
        }
        if (found >= 0)
            e->full = found;
    }
}

int32_t sp_final_entity(const doc_t *d, int32_t e)
{
    return e >= 0 && d->e[e].alias >= 0 ? d->e[e].alias : e;
}

/* Whether the name of run s, of two words or more, is the end of run
 * l's: "De Smet" of "Wim De Smet", "van der Berg" of "Anna van der
 * Berg", "Santos Alvite" of "Fernando Santos Alvite" (a given name and
 * two surnames, the second dropped later as often as the first). */
static bool name_tail(doc_t *d, const run_t *s, const run_t *l)
{
    size_t ns = s->nb - s->na, nl = l->nb - l->na;
    if (ns >= nl || ns == 0)
        return false;
    for (size_t k = 0; k <= ns; k++)
        if (word_key(d, s->nb - k) != word_key(d, l->nb - k))
            return false;
    /* at most two given names: "Aung San Suu Kyi", not a heading's
     * "America Ferrera Sent Donald Trump" */
    size_t given = 0;
    for (size_t k = l->na; k < l->nb - ns; k++)
        given += !(d->t[k].flags & F_INITIAL);
    return (bits_of(d, s->na) & W_PARTICLE) || (given <= 2 && given_names(d, l->na, l->nb - ns - 1));
}

/* Groups runs into entities: a lone surname joins the person last
 * mentioned with it; "Hillary Clinton" and "Bill Clinton" stay apart. */
static void link_run(doc_t *d, size_t i)
{
    run_t *r = &d->r[i];
    if (r->kind == R_NONE)
        return;
    uint64_t key, first;
    uint32_t nw;
    run_key(d, r, &key, &first, &nw);
    const hslot_t *h = sp_htab_find(&d->ents, key);
    int32_t found = -1;
    if (r->kind == R_ORG && r->a == r->b && (d->t[r->a].flags & F_ACRO)) {
        /* "TRUMP:" in a transcript is a surname, not an acronym */
        uint64_t pk, pf;
        uint32_t pn;
        r->kind = R_PERSON;
        run_key(d, r, &pk, &pf, &pn);
        const hslot_t *ph = sp_htab_find(&d->ents, pk);
        if (ph && ph->ent >= 0 && d->e[ph->ent].kind != R_ORG) {
            key = pk, first = pf, nw = pn, h = ph;
        } else {
            r->kind = R_ORG;
        }
    }
    if (h && r->kind != R_ORG) {
        int32_t best = -1;
        /* bounded: a text naming thousands of Smiths stays linear */
        int guard = 0;
        for (int32_t e = h->ent; e >= 0 && guard < 16; e = d->e[e].next, guard++) {
            const entity_t *x = &d->e[e];
            if (x->kind == R_ORG)
                continue;
            if (nw <= 1 || x->nwords <= 1 || x->first == first ||
                name_tail(d, r, &d->r[x->best]) || name_tail(d, &d->r[x->best], r)) {
                if (best < 0 || x->last_tok > d->e[best].last_tok)
                    best = e;
            }
        }
        found = best;
    } else if (h) {
        found = h->ent;
    }
    if (found < 0) {
        found = new_entity(d, i, key, first, nw);
        if (found < 0)
            return;
        r = &d->r[i];
    } else {
        entity_t *e = &d->e[found];
        if (nw > e->nwords) {
            if (e->nwords == 1 && nw >= 2)
                e->person = true;   /* the surname stood alone */
            e->best = (uint32_t)i;
            e->nwords = nw;
            e->first = first;
        } else if (nw == 1 && e->nwords >= 2) {
            e->person = true;
        }
        if (r->kind == R_PERSON)
            e->kind = R_PERSON;
    }
    entity_t *e = &d->e[found];
    r->ent = found;
    e->last_tok = r->a;
    e->mentions++;
    if (!(d->t[r->a].flags & F_QUOTED))
        e->narrated = true;
    long p = (long)r->a - 1;
    if (tok_is(d, p, "the"))
        p--;
    if (tok_is(d, p, "in") || tok_is(d, p, "at") || tok_is(d, p, "from") || tok_is(d, p, "to") ||
        tok_is(d, p, "near") || tok_is(d, p, "across") || tok_is(d, p, "outside"))
        e->places++;
    if (r->person)
        e->person = true;
    if (r->title && !e->title)
        e->title = r->title;
    if (r->sex && !e->sex)
        e->sex = r->sex;
}

/* Groups the runs of the body, then those of the headline, whose all
 * capitals or title case ("BAKER SAYS") are then matched to the body's
 * names. */
void sp_link_entities(doc_t *d)
{
    if (!sp_htab_init(d, &d->ents, d->nr))
        return;
    for (int head = 0; head < 2; head++)
        for (size_t i = 0; i < d->nr && !d->oom; i++)
            if (((d->t[d->r[i].a].flags & F_HEAD) != 0) == (head == 1))
                link_run(d, i);
    if (!d->oom)
        alias_short_names(d);
    if (!d->oom)
        alias_inner_words(d);
    if (!d->oom)
        alias_acronyms(d);
}

/* "Puerto Vivo, a citizens’ group that formed ...": a name that an
 * appositive calls a group, a company or an agency is an organisation's,
 * which "the group" may later stand for. */
void sp_appositive_kinds(doc_t *d)
{
    for (size_t i = 0; i < d->nr; i++) {
        const run_t *r = &d->r[i];
        long k = (long)r->b + 1;
        if (r->ent < 0 || k + 2 >= (long)d->nt || d->t[k].kind != K_COMMA ||
            !(tok_is(d, k + 1, "a") || tok_is(d, k + 1, "an")) || (d->t[r->b].flags & F_POSS))
            continue;
        entity_t *e = &d->e[r->ent];
        if (e->person || e->noun)
            continue;
        long head = -1;
        for (long m = k + 2; m < k + 6 && is_word(d, m); m++) {
            if (d->t[m].flags & F_LOWER) {
                if (bits_of(d, (size_t)m) & (W_FUNC | W_PREP | W_CONJ | W_CUE))
                    break;
                head = m;
            } else if (!proper(d, m)) {
                break;
            }
        }
        if (head >= 0 && lower_of(d, head, W_NOMINAL)) {
            e->noun = d->t[head].w;
            e->kind = R_ORG;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Compound organisations: "the Clinton campaign", "Obama administration" */
/* ------------------------------------------------------------------ */

int32_t sp_entity_for_compound(doc_t *d, size_t run, size_t head)
{
    const run_t *r = &d->r[run];
    if (r->kind == R_NONE || (d->t[r->nb].flags & F_QUOTED))
        return -1;
    uint64_t key = UINT64_C(0x51afd7ed558ccd);
    for (size_t i = r->na; i <= r->nb; i++)
        key = tok_hash(d, i, key);
    key = tok_hash(d, head, key);
    hslot_t *h = sp_htab_slot(d, &d->ents, key);
    if (!h)
        return -1;
    if (h->ent >= 0)
        return h->ent;
    if (!sp_grow(d, (void **)&d->e, &d->cape, d->ne, sizeof *d->e))
        return -1;
    entity_t *e = &d->e[d->ne];
    memset(e, 0, sizeof *e);
    e->best = (uint32_t)run;
    e->key = key;
    e->kind = R_ORG;
    e->head_tok = (uint32_t)head;
    e->next = -1;
    e->first_tok = e->last_tok = (uint32_t)head;
    e->alias = -1;
    e->full = -1;
    h->ent = (int32_t)d->ne;
    return (int32_t)d->ne++;
}
