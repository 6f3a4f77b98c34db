/* proper.c - which capitalised words belong to names, judged by how
 * the article itself writes them elsewhere (a sentence-initial
 * "Critics" is no name when the article also writes "critics"). */
#include "config.h"

#include "speakers-doc.h"


/* Headlines in title case capitalise every word, so there a word counts
 * as part of a name only if the body capitalises it too. */
static void find_titlecase(doc_t *d)
{
    size_t cap = 0, low = 0, all = 0;
    for (size_t i = 0; i < d->nt && (d->t[i].flags & F_HEAD); i++) {
        if (d->t[i].kind != K_WORD || d->t[i].len < 4)
            continue;
        if (d->t[i].flags & F_CAP)
            cap++;
        else
            low++;
        all += (d->t[i].flags & F_ACRO) != 0;
    }
    d->head_titlecase = cap >= 3 && cap > 3 * low;
    d->head_capitals = d->head_titlecase && all * 2 > cap;
}

/* "WASHINGTON, June 10 (UPI) —" opening a paragraph names a place:
 * its words are flagged as if quoted, so they never form a name. */
static void skip_datelines(doc_t *d)
{
    for (size_t i = 0; i < d->nt; i++) {
        const tok_t *t = &d->t[i];
        if (!(t->flags & F_ACRO) || (i > 0 && d->t[i - 1].para == t->para))
            continue;
        nx_dateline_t dl;
        if (!nx_dateline_scan(d->s + t->off, d->n - t->off, &dl))
            continue;
        for (size_t k = i; k < d->nt && d->t[k].off < t->off + dl.len; k++)
            d->t[k].flags |= F_QUOTED;
    }
}

/* Flags the words that belong to names: capitalised words inside a
 * sentence; at its start, or in a title-case headline, only those the
 * article does not otherwise write in lower case. */
void sp_mark_proper(doc_t *d)
{
    size_t nw = 0;
    for (size_t i = 0; i < d->nt; i++)
        nw += d->t[i].kind == K_WORD;
    if (!sp_htab_init(d, &d->forms, nw / 2))
        return;
    for (size_t i = 0; i < d->nt; i++) {
        const tok_t *t = &d->t[i];
        if (t->kind != K_WORD || (t->flags & F_HEAD))
            continue;
        hslot_t *h = sp_htab_slot(d, &d->forms, word_key(d, i));
        if (!h)
            return;
        if (t->flags & F_LOWER)
            h->lower++;
        else if (!(t->flags & F_START))
            h->capmid++;
    }
    find_titlecase(d);
    skip_datelines(d);
    for (size_t i = 0; i < d->nt; i++) {
        tok_t *t = &d->t[i];
        if (t->kind != K_WORD || !(t->flags & F_CAP))
            continue;
        uint32_t b = bits_of(d, i);
        /* "Jun", "Mar": a month only before a day or with its period */
        if ((b & W_TIME) && t->len == 3 && !(t->flags & F_PERIOD) &&
            !(i + 1 < d->nt && d->t[i + 1].kind == K_NUM))
            b &= ~(uint32_t)W_TIME;
        if (t->flags & F_INITIAL) {
            t->flags |= F_PROPER;       /* "A." in "James A. Lewis" is no article */
            continue;
        }
        if (b & (W_FUNC | W_TIME | W_HE | W_SHE | W_THEY))
            continue;
        const hslot_t *h = sp_htab_find(&d->forms, word_key(d, i));
        uint32_t lower = h ? h->lower : 0, capmid = h ? h->capmid : 0;
        bool head = (t->flags & F_HEAD) && d->head_titlecase;
        if (head) {
            /* an acronym stands out, unless the whole headline is capitals */
            bool acro = (t->flags & F_ACRO) && !d->head_capitals;
            if ((b & (W_CUE | W_GENERIC)) || (!capmid && !(b & W_TITLE) && !acro))
                continue;
            if (lower > capmid)
                continue;
        } else if (t->flags & F_START) {
            if (b & (W_GENERIC | W_CUE | W_AUX | W_CONJ | W_DET | W_PREP))
                continue;
            /* "New York Times", "Standard Oil": a common word opening a
             * name that goes on */
            const tok_t *nt = i + 1 < d->nt ? &d->t[i + 1] : NULL;
            bool name_follows = nt && nt->kind == K_WORD && (nt->flags & F_CAP) && !(t->flags & F_POSS) &&
                                !(bits_of(d, i + 1) & (W_FUNC | W_TIME | W_CUE)) && same_zone(d, i, i + 1);
            /* "Port of Antwerp", "Bank of Japan": an organisation's word
             * and its complement */
            bool org_of = (b & W_ORG) && tok_is(d, (long)i + 1, "of") && is_word(d, (long)i + 2) &&
                          (d->t[i + 2].flags & F_CAP) && same_zone(d, i, i + 2);
            if (lower > capmid && !name_follows && !org_of)
                continue;
            /* "Partisans on both sides warn": a plural never seen inside
             * a sentence, before a lower-case word, is a common noun;
             * "Shortly after", "Back in 1999": nor is a word opening a
             * sentence before a preposition or a time */
            bool next_lower = is_word(d, (long)i + 1) && (d->t[i + 1].flags & F_LOWER);
            if (!capmid && !(t->flags & (F_ACRO | F_POSS)) && next_lower && !(b & (W_TITLE | W_ORG)) &&
                ((t->len > 3 && d->s[t->off + t->len - 1] == 's' && d->s[t->off + t->len - 2] != 's') ||
                 (bits_of(d, i + 1) & (W_PREP | W_TIME)) || tok_is(d, (long)i + 1, "last") ||
                 ends_with(d, (long)i, "ly")))
                continue;
        }
        t->flags |= F_PROPER;
    }
}
