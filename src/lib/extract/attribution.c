/* attribution.c - attribution cues ("said", "told", "according to", a
 * colon before a quotation) and the subject each one gives the words
 * to.  Quoted words never supply a speaker, and a name never comes from
 * a phrase governed by a preposition ("told The Associated Press"). */
#include "config.h"

#include "speakers-doc.h"

#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* Attribution                                                         */
/* ------------------------------------------------------------------ */

static void add_attr(doc_t *d, uint8_t how, size_t anchor, int32_t ent, const wentry_t *noun,
                     uint8_t sex)
{
    if (!sp_grow(d, (void **)&d->a, &d->capa, d->na, sizeof *d->a))
        return;
    attr_t *a = &d->a[d->na++];
    a->anchor = (uint32_t)anchor;
    a->cue = d->cue;
    a->ent = ent;
    a->noun = noun;
    a->how = how;
    a->sex = sex;
    a->weak = false;
}

/* The run ending at token i, or -1. */
static long run_ending(const doc_t *d, long i)
{
    if (!is_word(d, i) || d->t[i].run < 0)
        return -1;
    const run_t *r = &d->r[d->t[i].run];
    return r->b == (uint32_t)i ? d->t[i].run : -1;
}

/* The token before run r, past a "the". */
static long before_run(const doc_t *d, const run_t *r)
{
    long k = (long)r->a - 1;
    if (tok_is(d, k, "the"))
        k--;
    return k;
}

/* Whether run r is governed by a preposition ("in Iowa", "for the
 * Pentagon") and so cannot be a subject. */
static bool after_prep(const doc_t *d, const run_t *r)
{
    long k = before_run(d, r);
    return is_word(d, k) && (bits_of(d, (size_t)k) & W_PREP) && !(d->t[k].flags & F_PROPER);
}

/* Whether the lower-case word at token k ends a title's complement:
 * "Vice President for news and talk Dave Gorab", "director of
 * communications Jen Psaki". */
static bool ends_title_complement(const doc_t *d, long k)
{
    for (long m = k; m > 0 && m > k - 6; m--) {
        if (!is_word(d, m) || !(d->t[m].flags & F_LOWER))
            return false;
        if (tok_is(d, m, "for") || tok_is(d, m, "of"))
            return m < k && is_word(d, m - 1) && (bits_of(d, (size_t)(m - 1)) & W_TITLE);
        if (!tok_is(d, m, "and") &&
            (bits_of(d, (size_t)m) & (W_CUE | W_PREP | W_DET | W_AUX | W_FUNC | W_GENERIC)))
            return false;
    }
    return false;
}

/* Whether run r can open a clause: nothing but punctuation, a
 * conjunction, a determiner or a lower-case title stands before it
 * ("GOP frontrunner Donald Trump"), not a verb or noun it would be the
 * object or modifier of. */
static bool clause_initial(const doc_t *d, const run_t *r)
{
    long k = (long)r->a - 1;
    if (k < 0 || (d->t[r->a].flags & F_START))
        return true;
    const tok_t *t = &d->t[k];
    if (t->kind != K_WORD)
        return t->kind != K_OTHER;
    uint32_t b = bits_of(d, (size_t)k);
    if (b & W_PREP)
        return false;
    /* "his Benghazi committee", "a Clinton aide": a modifier */
    if ((b & W_DET) && !(tok_is(d, k, "the") || tok_is(d, k, "both") || tok_is(d, k, "all") ||
                         tok_is(d, k, "either") || tok_is(d, k, "neither")))
        return false;
    if (b & (W_CONJ | W_TITLE | W_DET | W_AUX))
        return true;
    if ((t->flags & F_LOWER) && ends_title_complement(d, k))
        return true;
    return !(t->flags & F_LOWER) && !(t->flags & F_PROPER);
}

int32_t sp_entity_for_compound(doc_t *d, size_t run, size_t head);

/* Records run ri as a subject, with the runs coordinated before it
 * ("Cruz and Rubio said", "Cruz, Rubio and Paul said"). */
static void attribute_run(doc_t *d, long ri)
{
    for (int guard = 0; ri >= 0 && guard < 8; guard++) {
        const run_t *r = &d->r[ri];
        if (r->ent < 0 || (d->t[r->b].flags & (F_POSS | F_QUOTED)))
            return;
        add_attr(d, A_ENT, r->a, r->ent, NULL, 0);
        if (d->oom)
            return;
        long k = before_run(d, r);
        bool coordinated = tok_is(d, k, "and") || (guard > 0 && k >= 0 && d->t[k].kind == K_COMMA);
        if (!coordinated)
            return;
        long prev = run_ending(d, k - 1);
        if (prev < 0 || after_prep(d, &d->r[prev]))
            return;
        ri = prev;
    }
}

/* The first run of the coordination ending with run ri. */
static long coordination_start(const doc_t *d, long ri)
{
    for (int guard = 0; guard < 8; guard++) {
        long k = (long)d->r[ri].a - 1;
        if (!(tok_is(d, k, "and") || (guard > 0 && k >= 0 && d->t[k].kind == K_COMMA)))
            break;
        long prev = run_ending(d, k - 1);
        if (prev < 0)
            break;
        ri = prev;
    }
    return ri;
}

/* "the senator", "the former secretary of state", "the company": a
 * description ending at token h, or NULL. */
static const wentry_t *description(const doc_t *d, long h)
{
    if (!is_word(d, h) || !(d->t[h].flags & F_LOWER))
        return NULL;
    if (tok_is(d, h - 1, "of") && lower_of(d, h - 2, W_TITLE))
        h -= 2;
    const wentry_t *w = d->t[h].w;
    if (!w || !(w->bits & (W_TITLE | W_NOMINAL)))
        return NULL;
    /* "the senator", "the former senator"; not "the Florida senator",
     * which tells one senator from another in ways we cannot check */
    for (long k = h - 1; k >= 0 && k >= h - 4; k--) {
        if (tok_is(d, k, "the"))
            return w;
        if (!is_word(d, k) || (bits_of(d, (size_t)k) & (W_FUNC | W_CUE)) || !(d->t[k].flags & F_LOWER))
            return NULL;
    }
    return NULL;
}

static bool is_pronoun(const doc_t *d, long i, uint8_t *sex)
{
    if (tok_is(d, i, "he")) {
        *sex = 1;
        return true;
    }
    if (tok_is(d, i, "she")) {
        *sex = 2;
        return true;
    }
    return false;
}

/* A name in a place phrase after a person: "Stacy Lee of Columbia,
 * South Carolina": the person; a body that opens its clause and is
 * followed by "of" is the subject too ("the Centre for Economic Research
 * of the Federal Institute of Technology said"). */
static long person_before_place(const doc_t *d, const run_t *r)
{
    for (int guard = 0; guard < 3; guard++) {
        long k = before_run(d, r);
        if (!(tok_is(d, k, "of") || tok_is(d, k, "from") || tok_is(d, k, "at") || tok_is(d, k, "in")))
            return -1;
        long p = run_ending(d, k - 1);
        if (p < 0 || d->r[p].kind == R_NONE)
            return -1;
        if (!after_prep(d, &d->r[p]) &&
            (d->r[p].kind != R_ORG || (tok_is(d, k, "of") && clause_initial(d, &d->r[p]))))
            return p;
        r = &d->r[p];           /* "of Liberty Church in Marion" */
    }
    return -1;
}

/* "of Alexandria, Va.": a name continuing a place phrase. */
static bool continues_place(const doc_t *d, const run_t *r)
{
    if (r->a < 2 || d->t[r->a - 1].kind != K_COMMA)
        return false;
    long p = run_ending(d, (long)r->a - 2);
    return p >= 0 && after_prep(d, &d->r[p]);
}

/* A subject ending at token j: a name, "the Clinton campaign", a pronoun
 * or a description.  strict: the verb may also be a noun ("reports",
 * "calls"), so the name must open its clause. */
static bool subject_at(doc_t *d, long j, bool strict)
{
    if (!is_word(d, j) || (d->t[j].flags & F_QUOTED))
        return false;
    long ri = run_ending(d, j);
    if (ri >= 0 && d->r[ri].kind == R_NONE && d->r[ri].a == d->r[ri].b &&
        (bits_of(d, (size_t)j) & W_KIND) && tok_is(d, j - 1, "the")) {
        add_attr(d, A_NOMINAL, (size_t)j, -1, d->t[j].w, 0);   /* "the Bank said" */
        return true;
    }
    if (ri >= 0) {
        const run_t *r = &d->r[ri];
        /* "of Columbia, South Carolina says": still the place phrase */
        if (r->a >= 2 && d->t[r->a - 1].kind == K_COMMA) {
            long p = run_ending(d, (long)r->a - 2);
            if (p >= 0 && person_before_place(d, &d->r[p]) >= 0)
                r = &d->r[ri = p];
        }
        if (after_prep(d, r) || after_prep(d, &d->r[coordination_start(d, ri)])) {
            /* "Joel Pollak of the Heritage Foundation said", "people in
             * Virginia and Maryland reported" */
            long p = person_before_place(d, r);
            if (p < 0)
                return false;
            attribute_run(d, p);
            return true;
        }
        if (strict && !clause_initial(d, r))
            return false;
        attribute_run(d, ri);
        return true;
    }
    if (lower_of(d, j, W_ORGHEAD)) {
        long p = run_ending(d, j - 1);
        if (p >= 0 && !after_prep(d, &d->r[p])) {
            int32_t e = sp_entity_for_compound(d, (size_t)p, (size_t)j);
            if (e >= 0)
                add_attr(d, A_ENT, d->r[p].a, e, NULL, 0);
            return e >= 0;
        }
    }
    uint8_t sex;
    if (is_pronoun(d, j, &sex)) {
        add_attr(d, A_PRONOUN, (size_t)j, -1, NULL, sex);
        return true;
    }
    const wentry_t *w = description(d, j);
    if (w) {
        add_attr(d, A_NOMINAL, (size_t)j, -1, w, 0);
        return true;
    }
    return false;
}

/* Skips leftwards over what may stand between a subject and its verb:
 * "has", "also", "repeatedly", "on Tuesday", "in a statement". */
static long skip_verb_group(const doc_t *d, long j)
{
    for (int n = 0; j >= 0 && n < 5; n++) {
        if (!is_word(d, j))
            break;
        const tok_t *t = &d->t[j];
        uint32_t b = bits_of(d, (size_t)j);
        if ((t->flags & F_LOWER) && ((b & W_AUX) || ends_with(d, j, "ly"))) {
            j--;
            continue;
        }
        if (b & W_TIME) {
            j--;
            if (tok_is(d, j, "on") || tok_is(d, j, "last") || tok_is(d, j, "this") ||
                tok_is(d, j, "earlier") || tok_is(d, j, "late") || tok_is(d, j, "early"))
                j--;
            continue;
        }
        if ((t->flags & F_LOWER) && j >= 2 && (tok_is(d, j - 1, "a") || tok_is(d, j - 1, "an")) &&
            (tok_is(d, j - 2, "in") || tok_is(d, j - 2, "on"))) {
            j -= 3;
            continue;
        }
        break;
    }
    return j;
}

static bool blocks_scan(const tok_t *t)
{
    return t->kind == K_END || t->kind == K_QOPEN || t->kind == K_QCLOSE || t->kind == K_COLON ||
           t->kind == K_SEMI;
}

/* The run ending just before token k, looking through a parenthesis:
 * "Sen. Jack Reed (D-R.I.)". */
static long run_before(const doc_t *d, long k)
{
    long j = k - 1;
    if (j >= 0 && d->t[j].kind == K_RPAR) {
        long stop = j - 20;
        while (j >= 0 && j > stop && d->t[j].kind != K_LPAR && !blocks_scan(&d->t[j]))
            j--;
        if (j < 0 || d->t[j].kind != K_LPAR)
            return -1;
        j--;
    }
    return run_ending(d, j);
}

/* The name that a phrase inserted between the commas (or dashes) at
 * open and close consists of, with names coordinated in it and a place
 * after it: ", Ann Lee," ", Ann Lee and Bo Ray," ", David Lee of Clemson
 * University," "-- John Lee, who lost in 2008 --".  -1 if it is not one. */
static long inserted_name(const doc_t *d, long open, long close)
{
    long inner = is_word(d, open + 1) ? d->t[open + 1].run : -1;
    if (inner < 0 || d->r[inner].a != (uint32_t)open + 1 || d->r[inner].kind == R_ORG ||
        continues_place(d, &d->r[inner]))
        return -1;
    long end = d->r[inner].b;
    bool place = false;
    for (long k = end + 1; k < close; k++) {
        if (d->t[k].kind == K_COMMA || d->t[k].kind == K_DASH || d->t[k].kind == K_LPAR ||
            tok_is(d, k, "who"))
            break;
        if (tok_is(d, k, "of") || tok_is(d, k, "from") || tok_is(d, k, "at") || tok_is(d, k, "in"))
            place = true;
        else if (tok_is(d, k, "and"))
            place = false;
        else if (d->t[k].run >= 0 && !place)
            end = k = d->r[d->t[k].run].b;
        else if (d->t[k].run < 0 && !tok_is(d, k, "the"))
            return -1;
    }
    return (d->t[end].flags & F_POSS) ? -1 : run_ending(d, end);
}

/* A subject before an inserted phrase that ends at token j (a comma,
 * dash or bracket): "Rutte, the NATO chief, said"; "Christopher Lee, the
 * president of the union, which backs Ms. Ray, said" (the outermost name
 * that can open the clause); "his spokesman, Jon Doe, said" and "a
 * candidate -- John McCain, who lost in 2008 -- said" (the name that
 * makes up the inserted phrase). */
static bool appositive(doc_t *d, long j, bool strict)
{
    long best = -1, nearest = -1;
    for (long k = j - 1; k >= 0 && k >= j - 60; k--) {
        const tok_t *t = &d->t[k];
        if (blocks_scan(t))
            break;
        if (t->kind != K_COMMA && t->kind != K_DASH && t->kind != K_LPAR)
            continue;
        if (nearest < 0 && t->kind == d->t[j].kind)
            nearest = k;
        long ri = run_before(d, k);
        if (ri >= 0 && after_prep(d, &d->r[ri]))
            ri = person_before_place(d, &d->r[ri]);     /* "Ann Lee of Ohio, ..., said" */
        else if (ri >= 0 && continues_place(d, &d->r[ri]))
            ri = -1;
        if (ri >= 0 && clause_initial(d, &d->r[coordination_start(d, ri)]) &&
            !(d->t[d->r[ri].b].flags & F_POSS))
            best = ri;
    }
    long inner = nearest >= 1 ? inserted_name(d, nearest, j) : -1;
    /* "her opponent, Bo Ray, said": the name describes a noun before it */
    if (inner >= 0 && is_word(d, nearest - 1) && (d->t[nearest - 1].flags & F_LOWER) &&
        !lower_of(d, nearest - 1, W_PREP)) {
        attribute_run(d, inner);
        return true;
    }
    if (best >= 0) {
        attribute_run(d, best);
        return true;
    }
    if (inner >= 0 && (is_word(d, nearest - 1) || d->t[nearest - 1].kind == K_RPAR) &&
        !lower_of(d, nearest - 1, W_PREP)) {
        attribute_run(d, inner);
        return true;
    }
    uint8_t sex;
    if (nearest >= 1 && is_pronoun(d, nearest - 1, &sex) && !strict) {
        add_attr(d, A_PRONOUN, (size_t)nearest - 1, -1, NULL, sex);
        return true;
    }
    return false;
}

static void clause_subject(doc_t *d, long v);

/* Subject before the cue at v: "Hegseth said", "Rutte, 65, said". */
static bool subject_before(doc_t *d, long v, bool strict)
{
    long j = skip_verb_group(d, v - 1);
    if (j < 0)
        return false;
    if (d->t[j].kind == K_RPAR) {
        long ri = run_before(d, j + 1);
        if (ri < 0)
            return false;
        j = d->r[ri].b;
    }
    if (d->t[j].kind == K_COMMA || d->t[j].kind == K_DASH)
        return appositive(d, j, strict);
    if (tok_is(d, j, "and") && !strict) {
        clause_subject(d, v);   /* "... and says" */
        return true;
    }
    /* "a reply from Ann Lee, who argued": the name the relative stands
     * for, when the verb is one of speech proper (stance verbs after a
     * relative more often describe: "Ann Lee, who endorsed him") */
    if ((tok_is(d, j, "who") || tok_is(d, j, "which")) && j >= 2 && d->t[j - 1].kind == K_COMMA &&
        ((bits_of(d, (size_t)v) & W_INVERT) || tok_is(d, v, "told"))) {
        long ri = run_before(d, j - 1);
        if (ri < 0 || d->r[ri].ent < 0 || (d->t[d->r[ri].b].flags & F_POSS) ||
            (d->r[ri].kind == R_ORG) != tok_is(d, j, "which"))
            return false;
        if (after_prep(d, &d->r[ri]) && (ri = person_before_place(d, &d->r[ri])) < 0)
            return false;
        attribute_run(d, ri);
        return true;
    }
    if (subject_at(d, j, strict))
        return true;
    /* "Mr. Xi and other leaders have said" */
    if (is_word(d, j) && (d->t[j].flags & F_LOWER)) {
        long k = j - 1;
        if (tok_is(d, k, "other"))
            k--;
        if (k < j - 1 && tok_is(d, k, "and")) {
            long ri = run_ending(d, k - 1);
            if (ri >= 0 && !after_prep(d, &d->r[ri]) && clause_initial(d, &d->r[coordination_start(d, ri)])) {
                attribute_run(d, ri);
                return true;
            }
        }
    }
    /* "Trump at a rally in Iowa said", "Bush in a Medium post said" */
    for (long k = j; k > 0 && k > j - 7 && is_word(d, k); k--) {
        if (!(tok_is(d, k, "in") || tok_is(d, k, "at") || tok_is(d, k, "during") ||
              tok_is(d, k, "on")))
            continue;
        long ri = run_ending(d, k - 1);
        if (ri >= 0 && !after_prep(d, &d->r[ri]) && clause_initial(d, &d->r[ri])) {
            attribute_run(d, ri);
            return true;
        }
    }
    return false;
}

/* A noun phrase starting at token k, read as a subject: "Hegseth",
 * "spokeswoman Haley Morris", "the senator", "the Clinton campaign",
 * "the bureau's director, James Comey".  A phrase whose head is an
 * ordinary noun ("a Clinton aide", "a CNN poll") names nobody, nor does
 * "a Suffolk University" or "a CNN/ORC poll". */
static bool subject_after(doc_t *d, long k, bool allow_pronoun)
{
    long last_run = -1, head = -1;
    bool the = false, indefinite = false;
    uint8_t sex;
    if (allow_pronoun && is_pronoun(d, k, &sex)) {
        add_attr(d, A_PRONOUN, (size_t)k, -1, NULL, sex);
        return true;
    }
    for (int m = 0; is_word(d, k) && m < 8; m++, k++) {
        const tok_t *t = &d->t[k];
        if (t->flags & F_QUOTED)
            break;
        if (t->run >= 0) {
            const run_t *r = &d->r[t->run];
            last_run = t->run;
            head = -1;
            k = (long)r->b;
            continue;
        }
        uint32_t b = bits_of(d, (size_t)k);
        if (tok_is(d, k, "the") && last_run < 0 && head < 0) {
            the = true;         /* "according to The Guardian" */
            continue;
        }
        if ((t->flags & F_LOWER) && (b & W_DET) && last_run < 0 && head < 0) {
            the = the || tok_is(d, k, "the");
            indefinite = indefinite || tok_is(d, k, "a") || tok_is(d, k, "an");
            continue;
        }
        /* the phrase ends at a function word: "asked by Ann Lee whether" */
        if (!(t->flags & F_LOWER) ||
            (b & (W_PREP | W_CUE | W_AUX | W_HE | W_SHE | W_THEY | W_FUNC | W_CONJ)))
            break;
        head = k;
    }
    /* "a CNN/ORC poll", "USA TODAY contributor ...": a phrase we cannot read */
    if (k < (long)d->nt && (d->t[k].kind == K_OTHER || (d->t[k].kind == K_WORD && !(d->t[k].flags & F_LOWER))))
        return false;
    if (head < 0 && last_run >= 0) {
        if ((d->t[d->r[last_run].b].flags & F_POSS) || indefinite)
            return false;
        attribute_run(d, last_run);
        /* "wrote Ann Lee, Bo Ray and Cy Sims": full names in a list */
        for (int guard = 0; guard < 8 && k < (long)d->nt; guard++) {
            if (d->t[k].kind == K_COMMA)
                k++;
            if (tok_is(d, k, "and"))
                k++;
            long ri = is_word(d, k) ? d->t[k].run : -1;
            if (ri < 0 || d->r[ri].a != (uint32_t)k || d->r[ri].ent < 0 || d->r[ri].na >= d->r[ri].nb ||
                (d->t[d->r[ri].b].flags & F_POSS))
                break;
            long after = (long)d->r[ri].b + 1;
            if (after < (long)d->nt && d->t[after].kind == K_WORD && !tok_is(d, after, "and"))
                break;
            add_attr(d, A_ENT, d->r[ri].a, d->r[ri].ent, NULL, 0);
            k = after;
        }
        return true;
    }
    if (head < 0)
        return false;
    if (lower_of(d, head, W_ORGHEAD) && last_run >= 0 && (long)d->r[last_run].b == head - 1) {
        int32_t e = sp_entity_for_compound(d, (size_t)last_run, (size_t)head);
        if (e >= 0)
            add_attr(d, A_ENT, d->r[last_run].a, e, NULL, 0);
        return e >= 0;
    }
    /* "the bureau's director, James Comey" */
    if (k < (long)d->nt && d->t[k].kind == K_COMMA && is_word(d, k + 1) && d->t[k + 1].run >= 0 &&
        d->r[d->t[k + 1].run].a == (uint32_t)k + 1 && !indefinite) {
        long ri = d->t[k + 1].run;
        long after = (long)d->r[ri].b + 1;
        if (after >= (long)d->nt || d->t[after].kind != K_WORD) {
            attribute_run(d, ri);
            return true;
        }
    }
    if (the && last_run < 0) {
        const wentry_t *w = description(d, head);
        if (w) {
            add_attr(d, A_NOMINAL, (size_t)head, -1, w, 0);
            return true;
        }
    }
    return false;
}

/* "“...,” said Rutte": a cue after a quotation or a comma with its
 * subject after it. */
static bool subject_inverted(doc_t *d, long v)
{
    if (v < 1 || !(bits_of(d, (size_t)v) & W_INVERT))
        return false;
    uint8_t pk = d->t[v - 1].kind;
    if (pk == K_COMMA && v >= 2 && d->t[v - 2].kind == K_QCLOSE)
        pk = K_QCLOSE;
    if (pk != K_QCLOSE && !(pk == K_COMMA && (tok_is(d, v, "said") || tok_is(d, v, "says"))))
        return false;
    long k = v + 1;
    if (is_word(d, k) && (bits_of(d, (size_t)k) & W_TIME) && !(d->t[k].flags & F_PROPER))
        k++;
    return subject_after(d, k, true);
}

/* A clause that opens the sentence at token k with a subordinating
 * conjunction ("When Wallace died in 1998, President Clinton released
 * ...:") has its own subject: the token after its comma, if one comes
 * before token v; else k. */
static long past_subordinate_clause(const doc_t *d, long k, long v)
{
    static const char *const subordinators[] = {
        "when", "after", "while", "if", "because", "since", "although", "though",
        "before", "until", "unless", "once", "whenever", "whereas"};
    bool sub = false;
    for (size_t i = 0; i < sizeof subordinators / sizeof *subordinators && !sub; i++)
        sub = tok_is(d, k, subordinators[i]);
    if (!sub)
        return k;
    for (long m = k + 1; m < v; m++)
        if (d->t[m].kind == K_COMMA)
            return m + 1;
    return k;
}

/* The subject of a clause's second verb ("..., saying", "... and
 * says"): the first name that can open the clause, if one does, before
 * a verb ("In Iowa, Ann Lee stepped up her attacks, saying"). */
static void clause_subject(doc_t *d, long v)
{
    /* "Trade with Europe was good, Ann Lee said, adding": who said goes
     * on; the clause before is what was said, its names no subject */
    if (v >= 3 && d->t[v - 1].kind == K_COMMA && lower_of(d, v - 2, W_CUE) &&
        !lower_of(d, v - 2, W_PART) && subject_before(d, v - 2, false))
        return;
    long k = v - 1;
    while (k >= 0 && k >= v - 40 && !blocks_scan(&d->t[k]) && !(d->t[k].flags & F_START))
        k--;
    if (k < 0 || k < v - 40)
        return;
    if (blocks_scan(&d->t[k]))
        k++;
    k = past_subordinate_clause(d, k, v);
    long ri = -1;
    bool the = false;
    for (; k < v; k++) {
        if (!is_word(d, k) || d->t[k].run < 0)
            continue;
        const run_t *r = &d->r[d->t[k].run];
        if (r->a == (uint32_t)k && !after_prep(d, r) && !continues_place(d, r) && clause_initial(d, r) &&
            (!(d->t[r->b].flags & F_POSS) || lower_of(d, (long)r->b + 1, W_ORGHEAD))) {
            ri = d->t[k].run;
            the = tok_is(d, k - 1, "the");
            break;
        }
        k = (long)r->b;
    }
    if (ri < 0)
        return;
    long after = (long)d->r[ri].b + 1;
    /* "Lee's campaign launched an ad and announced ..." */
    if (lower_of(d, after, W_ORGHEAD) && is_word(d, after + 1) && (d->t[after + 1].flags & F_LOWER) &&
        !lower_of(d, after + 1, W_TITLE | W_GENERIC | W_NOMINAL | W_DET)) {
        int32_t e = sp_entity_for_compound(d, (size_t)ri, (size_t)after);
        if (e >= 0)
            add_attr(d, A_ENT, d->r[ri].a, e, NULL, 0);
        return;
    }
    if (d->t[d->r[ri].b].flags & F_POSS)
        return;
    /* "Trump campaign manager Corey Lewandowski": the last name of the
     * phrase; "The Florida senator": no name heads it */
    while (lower_of(d, after, W_TITLE | W_ORGHEAD | W_NOMINAL | W_GENERIC)) {
        long m = after;
        while (lower_of(d, m, W_TITLE | W_ORGHEAD | W_NOMINAL | W_GENERIC | W_GROUP))
            m++;
        if (!is_word(d, m) || d->t[m].run < 0)
            return;
        ri = d->t[m].run;
        after = (long)d->r[ri].b + 1;
        the = false;
    }
    if (the && d->r[ri].kind != R_ORG)
        return;
    bool verb = is_word(d, after) && (d->t[after].flags & F_LOWER) && !lower_of(d, after, W_DET);
    bool person = d->r[ri].na < d->r[ri].nb || (d->r[ri].ent >= 0 && d->e[d->r[ri].ent].person);
    bool insert = after < (long)d->nt && (d->t[after].kind == K_COMMA || d->t[after].kind == K_LPAR);
    if (!verb && !(insert && person))
        return;
    attribute_run(d, ri);
}

/* "Lee put it bluntly: “...”": a sentence without a speech verb whose
 * colon opens a quotation gives it to the sentence's subject, when that
 * is a name of two words or one the article repeats (not "Transcript
 * as follows:"). */
static void colon_subject(doc_t *d, long c)
{
    for (long k = c - 1; k >= 0 && k >= c - 40 && !blocks_scan(&d->t[k]); k--) {
        if (lower_of(d, k, W_CUE))
            return;
        if (d->t[k].flags & F_START)
            break;
    }
    size_t before = d->na;
    clause_subject(d, c);
    for (size_t i = before; i < d->na; i++) {
        const attr_t *a = &d->a[i];
        const run_t *r = d->t[a->anchor].run >= 0 ? &d->r[d->t[a->anchor].run] : NULL;
        if (a->ent < 0 || !r || (r->na == r->nb && d->e[a->ent].mentions < 2)) {
            d->na = before;
            return;
        }
    }
}

/* Whether token k is an ellipsis ("..." or "…"): like a dash, it
 * leaves what went before ("he tweeted about ... Ann Lee: “...”"). */
static bool ellipsis(const doc_t *d, long k)
{
    if (k < 0 || d->t[k].kind != K_OTHER)
        return false;
    const char *p = d->s + d->t[k].off;
    return *p == '.' || (d->t[k].len == 3 && memcmp(p, "\xe2\x80\xa6", 3) == 0);
}

/* A name before a colon: "Sen. Ann Lee: “...”", a transcript's "ANN LEE:"
 * opening a paragraph, a headline's "Ann Lee: Time to Act", a name
 * after a dash or an ellipsis in the middle of a paragraph ("he
 * tweeted about ... Ann Lee: “...”"). */
static void colon_quote(doc_t *d, long c)
{
    long ri = run_ending(d, c - 1);
    bool quote = c + 1 < (long)d->nt && d->t[c + 1].kind == K_QOPEN;
    if (ri < 0) {
        if (quote)
            colon_subject(d, c);
        return;
    }
    const run_t *r = &d->r[ri];
    if (r->ent < 0 || (d->t[r->b].flags & F_POSS))
        return;
    bool head = d->t[r->a].flags & F_HEAD;
    bool para_first = r->a == 0 || d->t[r->a - 1].para != d->t[r->a].para;
    uint8_t pk = r->a > 0 ? d->t[r->a - 1].kind : K_END;
    if (ellipsis(d, (long)r->a - 1))
        pk = K_DASH;
    bool label = false;
    if (head) {
        /* a headline may capitalise words the name does not include */
        for (long k = (long)r->a - 1; k >= 0; k--)
            if (!is_word(d, k) || !(d->t[k].flags & F_CAP) || k < (long)r->a - 2 ||
                (bits_of(d, (size_t)k) & (W_FUNC | W_PREP)))
                return;
    } else if (para_first && (d->t[r->a].flags & F_ACRO) && (d->t[r->b].flags & F_ACRO)) {
        label = true;
    } else if (!quote) {
        return;
    }
    /* "Frank Lee and Jim Poe: “...”" */
    long first = coordination_start(d, ri);
    if (first != ri && !head && !label) {
        uint8_t fk = d->r[first].a > 0 ? d->t[d->r[first].a - 1].kind : K_END;
        if (fk == K_DASH || fk == K_END || (d->t[d->r[first].a].flags & F_START))
            pk = K_DASH;
    }
    if (!head && !label && !(para_first || (d->t[r->a].flags & F_START) || pk == K_QCLOSE ||
                             pk == K_DASH))
        return;
    size_t before = d->na;
    attribute_run(d, ri);
    for (size_t i = before; i < d->na; i++)
        d->a[i].weak = head || (!quote && r->a == r->b);
}

/* Passives and sources: "first reported by The Washington Post",
 * "according to a tally by the Associated Press". */
static bool agent_after(doc_t *d, long k)
{
    for (int m = 0; m < 4 && is_word(d, k); m++, k++) {
        /* "data compiled by Acme": who gathered the figures, not a source */
        if (tok_is(d, k, "by") && m >= 2 && ends_with(d, k - 1, "ed") &&
            lower_of(d, k - 2, W_GENERIC))
            return false;
        if (tok_is(d, k, "by") || tok_is(d, k, "from"))
            return subject_after(d, k + 1, false);
        if (!(d->t[k].flags & F_LOWER) || (bits_of(d, (size_t)k) & (W_PREP | W_CUE)))
            return false;
    }
    return false;
}

/* "with Sen. Ann Lee calling it a “...”", "Lee saying he was
 * “encouraged”": a participle of speech right after a name, followed
 * by a quotation within its clause, has the name for its subject (not
 * a possessive, "Lee's warning", nor a name after another preposition
 * than "with", "a video of Lee saying").  Whether it found one. */
static bool named_participle(doc_t *d, long v)
{
    long ri = run_ending(d, v - 1);
    if (ri < 0 || d->r[ri].kind == R_NONE || (d->t[v - 1].flags & (F_POSS | F_QUOTED)))
        return false;
    const run_t *r = &d->r[ri];
    if (after_prep(d, r) && !tok_is(d, before_run(d, r), "with"))
        return false;
    for (long k = v + 1; k < (long)d->nt && k <= v + 8; k++) {
        const tok_t *t = &d->t[k];
        if (t->para != d->t[v].para || (t->kind == K_END && !(t->flags & F_QUOTED)) ||
            t->kind == K_SEMI || t->kind == K_COLON)
            return false;
        if (t->kind == K_QOPEN) {
            attribute_run(d, ri);
            return true;
        }
    }
    return false;
}

void sp_find_attributions(doc_t *d)
{
    for (long v = 0; v < (long)d->nt && !d->oom; v++) {
        const tok_t *t = &d->t[v];
        if (t->flags & F_QUOTED)
            continue;
        d->cue = (uint32_t)v;
        if (t->kind == K_COLON) {
            colon_quote(d, v);
            continue;
        }
        if (t->kind != K_WORD)
            continue;
        if (tok_is(d, v, "according") && tok_is(d, v + 1, "to")) {
            if (!subject_after(d, v + 2, false))
                agent_after(d, v + 2);
            continue;
        }
        if ((t->flags & F_START) && tok_is(d, v, "said") && is_word(d, v + 1)) {
            subject_after(d, v + 1, false);     /* "Said Ann Lee, who ..." */
            continue;
        }
        if ((t->flags & F_START) && (bits_of(d, (size_t)v) & W_CUE) && tok_is(d, v + 1, "by")) {
            subject_after(d, v + 2, false);     /* "Asked by Ann Lee whether ..." */
            continue;
        }
        bool head = (t->flags & F_HEAD) && d->head_titlecase;
        if (!(t->flags & F_LOWER) && !head)
            continue;
        uint32_t b = bits_of(d, (size_t)v);
        /* "Lee believes that ...", "Lee decided that ...": a verb with a
         * clause for its object reports what the subject holds */
        if (!(b & (W_CUE | W_GENERIC | W_FUNC | W_PREP | W_DET | W_AUX)) && tok_is(d, v + 1, "that") &&
            (ends_with(d, v, "ed") || ends_with(d, v, "s")) && !ends_with(d, v, "ss")) {
            /* a plural noun may end in -s too ("Southern states that"):
             * then only a name opening the sentence */
            long ri = run_ending(d, v - 1);
            if (ri >= 0 && !after_prep(d, &d->r[ri]) && clause_initial(d, &d->r[ri]) &&
                (ends_with(d, v, "ed") || (d->t[d->r[ri].a].flags & F_START)))
                attribute_run(d, ri);
            continue;
        }
        if (!(b & W_CUE)) {
            if (b & W_INVERT)
                subject_inverted(d, v);         /* "“...,” he continued" */
            continue;
        }
        if (tok_is(d, v, "reported") && tok_is(d, v + 1, "from"))
            continue;           /* a byline: "Lee reported from Paris" */
        if (tok_is(d, v + 1, "by") && ends_with(d, v, "ed")) {
            subject_after(d, v + 2, false);
            continue;
        }
        if (b & W_PART) {
            /* "..., saying", "by saying", "was quoted as saying" */
            if (v > 0 && (d->t[v - 1].kind == K_COMMA || d->t[v - 1].kind == K_DASH ||
                          tok_is(d, v - 1, "by") || tok_is(d, v - 1, "as"))) {
                if (!subject_inverted(d, v))
                    clause_subject(d, v);
                continue;
            }
            /* "with Sen. Ann Lee calling it a “...”", "Lee saying he was
             * “encouraged”": a name right before the participle that
             * introduces a quotation is its subject */
            if (named_participle(d, v))
                continue;
            /* "is saying", "has been arguing"; else a noun: "a warning" */
            if (!(tok_is(d, v - 1, "is") || tok_is(d, v - 1, "are") || tok_is(d, v - 1, "was") ||
                  tok_is(d, v - 1, "were") || tok_is(d, v - 1, "been") || tok_is(d, v - 1, "be")))
                continue;
        }
        long p = v - 1;
        while (p >= 0 && is_word(d, p) && (d->t[p].flags & F_LOWER) &&
               (ends_with(d, p, "ly") || tok_is(d, p, "not") || tok_is(d, p, "never") ||
                tok_is(d, p, "also") || tok_is(d, p, "just") || tok_is(d, p, "still")))
            p--;
        /* "was told", "were criticized": the subject heard, not spoke */
        if (ends_with(d, v, "ed") || tok_is(d, v, "told")) {
            if (tok_is(d, p, "was") || tok_is(d, p, "were") || tok_is(d, p, "been") ||
                tok_is(d, p, "be") || tok_is(d, p, "is") || tok_is(d, p, "are") ||
                tok_is(d, p, "being"))
                continue;
        }
        /* "Europe promises to be hard hit", "the debate promised to be
         * close": a likelihood, not a promise anybody made */
        if ((tok_is(d, v, "promises") || tok_is(d, v, "promised") ||
             tok_is(d, v, "promising")) && tok_is(d, v + 1, "to") &&
            (tok_is(d, v + 2, "be") || tok_is(d, v + 2, "become")))
            continue;
        /* "have claims", "FEC reports show": nouns */
        if ((b & W_NOUNISH) && (tok_is(d, p, "have") || tok_is(d, p, "has") || tok_is(d, p, "had") ||
                                lower_of(d, v + 1, W_CUE | W_AUX) || tok_is(d, v + 1, "show") ||
                                tok_is(d, v + 1, "showed") || tok_is(d, v + 1, "found")))
            continue;
        /* "a group called Stop It": naming, unless a name opens the clause */
        bool strict = (b & W_NOUNISH) || tok_is(d, v, "called");
        if (!subject_before(d, v, strict))
            subject_inverted(d, v);
    }
}
