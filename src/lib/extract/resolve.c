/* resolve.c - pronouns and descriptions ("he said", "the senator
 * said") resolved to the one person or body the text can mean, or
 * dropped. */
#include "config.h"

#include "speakers-doc.h"

#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* Resolution of pronouns and descriptions                             */
/* ------------------------------------------------------------------ */

#define RECENT 12
/* Descriptions are matched against every entity: bounded, so that a
 * pathological text stays linear. */
#define MAX_NOMINALS 64

typedef struct mention {
    int32_t ent;
    uint32_t para;
} mention_t;

static int attr_anchor_cmp(const void *x, const void *y)
{
    const attr_t *a = *(attr_t *const *)x, *b = *(attr_t *const *)y;
    return a->anchor < b->anchor ? -1 : a->anchor > b->anchor;
}

/* The one person a pronoun at paragraph para can mean: the people named
 * in this and the previous paragraph, less those of the other sex.
 * -1 when there is none or more than one. */
static uint8_t sex_of_entity(const entity_t *e)
{
    if (e->sex)
        return e->sex;
    return e->he > e->she ? 1 : e->she > e->he ? 2 : 0;
}

/* Only a pronoun that opens a sentence or follows a quotation is
 * resolved: "He said", "“...,” she said", "said he"; one inside a
 * clause ("because he thinks") too often means someone else. */
static bool main_clause_pronoun(const doc_t *d, size_t i)
{
    if (d->t[i].flags & F_START)
        return true;
    if (i == 0)
        return false;
    const tok_t *p = &d->t[i - 1];
    if (p->kind == K_QCLOSE || (p->kind == K_COMMA && i >= 2 && d->t[i - 2].kind == K_QCLOSE))
        return true;
    if (p->kind == K_WORD && (p->w && (p->w->bits & W_INVERT)) && i >= 2 &&
        (d->t[i - 2].kind == K_QCLOSE || d->t[i - 2].kind == K_COMMA))
        return true;
    return p->kind == K_WORD && (p->flags & F_START) && p->w && (p->w->bits & W_CONJ);
}

static int32_t only_person(const doc_t *d, const mention_t *m, size_t nm, uint32_t para, uint8_t sex,
                           int32_t speaker)
{
    int32_t found = -1;
    bool many = false, has_speaker = false;
    for (size_t i = 0; i < nm; i++) {
        if (m[i].para + 1 < para)
            continue;
        uint8_t es = sex_of_entity(&d->e[m[i].ent]);
        if (sex && es && es != sex)
            continue;
        has_speaker = has_speaker || m[i].ent == speaker;
        if (found >= 0 && found != m[i].ent)
            many = true;
        found = m[i].ent;
    }
    /* among several, the one who spoke last ("“...,” Lee said. [...]
     * “...,” he said.") */
    if (many)
        found = has_speaker ? speaker : -1;
    /* and only someone known to be a man for "he", a woman for "she",
     * known to be a person or named like one and never like a place */
    if (found < 0)
        return -1;
    const entity_t *e = &d->e[found];
    if ((sex && sex_of_entity(e) != sex) || !(e->person || (e->nwords >= 2 && !e->places)))
        return -1;
    return found;
}

/* The word saying what kind of body run r names: "Ministry" of
 * "Ministry of Finance", else the last word. */
static size_t org_head(const doc_t *d, const run_t *r)
{
    for (size_t i = r->na; i < r->nb; i++)
        if ((bits_of(d, i) & W_ORG) && tok_is(d, (long)i + 1, "of"))
            return i;
    return r->nb;
}

/* An organisation's class for "the company", "the department". */
static bool org_matches(const doc_t *d, const entity_t *e, const wentry_t *noun)
{
    if (e->kind != R_ORG)
        return false;
    if (e->noun && e->noun == noun)
        return true;
    size_t last = e->head_tok ? e->head_tok : org_head(d, &d->r[e->best]);
    const wentry_t *w = d->t[last].w;
    if (!w)
        return false;
    if (w == noun)
        return true;
    bool company = noun->len == 7 && memcmp(noun->w, "company", 7) == 0;
    bool firm = noun->len == 4 && memcmp(noun->w, "firm", 4) == 0;
    return (company || firm) && (w->bits & W_CORP);
}

static bool titles_match(const wentry_t *a, const wentry_t *b)
{
    return a && b && a->canon && b->canon && a->canon_len == b->canon_len &&
           memcmp(a->canon, b->canon, a->canon_len) == 0;
}

void sp_resolve(doc_t *d)
{
    if (d->na == 0)
        return;
    attr_t **order = malloc(d->na * sizeof *order);
    if (!order) {
        d->oom = true;
        return;
    }
    for (size_t i = 0; i < d->na; i++)
        order[i] = &d->a[i];
    qsort(order, d->na, sizeof *order, attr_anchor_cmp);
    mention_t recent[RECENT];
    size_t nm = 0, next = 0, nominals = 0;
    int32_t speaker = -1;       /* the person who spoke last */
    for (size_t i = 0; i < d->nt && next < d->na; i++) {
        const tok_t *t = &d->t[i];
        if (t->kind == K_WORD && t->run >= 0 && d->r[t->run].a == i && !(t->flags & F_QUOTED)) {
            int32_t ent = sp_final_entity(d, d->r[t->run].ent);
            if (ent >= 0 && d->e[ent].kind != R_ORG &&
                !(nm > 0 && recent[nm - 1].ent == ent)) {
                if (nm == RECENT) {
                    memmove(recent, recent + 1, (RECENT - 1) * sizeof *recent);
                    nm--;
                }
                recent[nm].ent = ent;
                recent[nm].para = t->para;
                nm++;
            }
        }
        /* a pronoun that can only mean one person tells that person's sex */
        if (t->kind == K_WORD && !(t->flags & F_QUOTED) && (bits_of(d, i) & (W_HE | W_SHE))) {
            int32_t e = only_person(d, recent, nm, t->para, 0, -1);
            if (e >= 0) {
                if (bits_of(d, i) & W_HE)
                    d->e[e].he++;
                else
                    d->e[e].she++;
            }
        }
        while (next < d->na && order[next]->anchor == i) {
            attr_t *a = order[next++];
            if (a->how == A_ENT) {
                a->ent = sp_final_entity(d, a->ent);
                if (a->ent >= 0 && !a->weak && d->e[a->ent].kind != R_ORG)
                    speaker = a->ent;
            } else if (a->how == A_PRONOUN && main_clause_pronoun(d, i)) {
                a->ent = only_person(d, recent, nm, t->para, a->sex, speaker);
                if (a->ent >= 0)
                    speaker = a->ent;
            } else if (a->how == A_NOMINAL && nominals++ < MAX_NOMINALS) {
                int32_t found = -1;
                bool clear = true;
                for (size_t k = 0; k < d->ne && clear; k++) {
                    const entity_t *e = &d->e[k];
                    /* what only a quotation names is no antecedent */
                    if (e->first_tok >= i || !(e->narrated || e->head_tok))
                        continue;
                    bool m = (e->kind != R_ORG && titles_match(e->title, a->noun)) ||
                             org_matches(d, e, a->noun);
                    if (m) {
                        if (found >= 0)
                            clear = false;
                        found = (int32_t)k;
                    }
                }
                a->ent = clear ? found : -1;
            }
        }
    }
    free(order);
}

/* Whether run r stands as a subject: the subject of a cue ("said Ann
 * Lee", "broker Ann Lee said"), first in its sentence, or after
 * punctuation, a conjunction, a title or "the"; not the object of a
 * verb or a preposition ("to hold Snyder accountable"). */
static bool subject_place(const doc_t *d, const run_t *r)
{
    for (size_t k = 0; k < d->na; k++)
        if (d->a[k].anchor >= r->a && d->a[k].anchor <= r->b)
            return true;
    size_t a = r->a;
    if (a == 0 || (d->t[a].flags & F_START))
        return true;
    const tok_t *p = &d->t[a - 1];
    if (p->kind != K_WORD)
        return p->kind != K_OTHER;
    const wentry_t *w = p->w;
    return !(p->flags & F_LOWER) || (w && (w->bits & (W_CONJ | W_TITLE))) || tok_is(d, (long)a - 1, "the");
}

/* Walks back from token i through this paragraph and the two before it
 * (outside quotations) to the nearest speaker who can be meant: a person
 * named as the subject of a cue elsewhere, of the pronoun's sex or of
 * none known.  The subject of the nearest one's sentence comes before
 * it when the nearest is not a subject ("In his statement, Sanders went
 * further in trying to hold Snyder accountable. / “...,” he said" is
 * Sanders's). */
int32_t sp_nearest_person(const doc_t *d, size_t i, uint8_t sex)
{
    uint32_t para = d->t[i].para;
    int32_t nearest = -1;
    for (size_t k = i; k-- > 0;) {
        const tok_t *t = &d->t[k];
        bool stop = t->kind == K_END && !(t->flags & F_QUOTED);
        if (t->para + 2 < para || (nearest >= 0 && (stop || t->para != d->t[k + 1].para)))
            break;
        if (t->kind != K_WORD || t->run < 0 || (t->flags & (F_QUOTED | F_HEAD)))
            continue;
        const run_t *r = &d->r[t->run];
        k = r->a;
        int32_t e = sp_final_entity(d, r->ent);
        if (e < 0 || !d->e[e].said || !sp_person_fits(d, r->ent, sex))
            continue;
        if (subject_place(d, r))
            return e;
        if (nearest < 0)
            nearest = e;
    }
    return nearest;
}

bool sp_person_fits(const doc_t *d, int32_t e, uint8_t sex)
{
    e = sp_final_entity(d, e);
    if (e < 0 || d->e[e].kind == R_ORG)
        return false;
    uint8_t es = sex_of_entity(&d->e[e]);
    return !(sex && es && es != sex);
}

/* A pronoun of that sex given to person e tells e's sex when nothing
 * else in the article did, so that a later pronoun of the other sex
 * passes over e ("“...,” she said" given to Ann Lee, then "he said"
 * not). */
void sp_learn_sex(doc_t *d, int32_t e, uint8_t sex)
{
    e = sp_final_entity(d, e);
    if (e < 0 || !sex || sex_of_entity(&d->e[e]))
        return;
    d->e[e].sex = sex;
}
