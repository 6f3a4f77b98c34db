/* quotes.c - who said what: each quotation of the body, and the
 * attribution (attribution.c) that gives it its speaker.
 *
 * A quotation runs from an opening mark to the closing mark of the same
 * kind: double marks (" “ ” „ « » and two apostrophes or backquotes)
 * anywhere, single ones (‘ ’) when no double quotation holds them.  A
 * paragraph that ends inside a quotation and a next paragraph that
 * opens with the same mark continue it: the news convention for a
 * quotation of several paragraphs.
 *
 * Its speaker is the subject of the nearest cue in the same sentence:
 * after it ("“...,” Hegseth said", "“...,” said Rutte"), or before it
 * ("Rutte said: “...”", "Hegseth said ... the “illusionary goal” of ...");
 * a quotation whose sentence has no cue continues the one before it in
 * the paragraph ("“...,” Rutte said. “He needs ...”"), or the one that
 * ends the paragraph before, when it opens its own.  A pronoun subject
 * ("he said") that the resolver left open is given the nearest person
 * named before it who can be meant.
 *
 * Reported speech ("X said that ...", "X told reporters that ...") is a
 * quotation too, marked indirect, when its clause holds no quotation of
 * its own (a partial quotation in it is the speaker's words). */
#include "config.h"

#include "speakers-doc.h"

#include <stdlib.h>

/* How far from a quotation its cue may stand, in tokens. */
#define CUE_AFTER 12
#define CUE_BEFORE 60

/* 2 for a double quotation mark, 1 for a single one. */
static int mark_of(const doc_t *d, size_t i)
{
    const unsigned char *p = (const unsigned char *)d->s + d->t[i].off;
    if (p[0] == '\'')
        return d->t[i].len == 2 ? 2 : 1;
    if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x98 || p[2] == 0x99))
        return 1;
    return 2;
}

static bool add_span(doc_t *d, size_t open, size_t close, size_t start, size_t end, bool indirect)
{
    while (end > start && (d->s[end - 1] == ' ' || d->s[end - 1] == '\n'))
        end--;
    if (end <= start)
        return true;
    if (!sp_grow(d, (void **)&d->q, &d->capq, d->nq, sizeof *d->q))
        return false;
    quote_span_t *q = &d->q[d->nq++];
    q->open = (uint32_t)open;
    q->close = (uint32_t)close;
    q->start = (uint32_t)start;
    q->end = (uint32_t)end;
    q->until = (uint32_t)end;
    q->attr = -1;
    q->next = -1;
    q->piece = false;
    q->elided = false;
    q->indirect = indirect;
    return true;
}

/* The quotation opening at token i; returns the token to go on after. */
static size_t quote_at(doc_t *d, size_t i)
{
    int mark = mark_of(d, i);
    size_t last = i, j;
    bool closed = false;
    for (j = i + 1; j < d->nt; j++) {
        const tok_t *u = &d->t[j];
        if (u->para != d->t[last].para) {
            /* continued in the next paragraph: it opens with the mark */
            if (u->kind == K_QOPEN && mark_of(d, j) == mark && d->t[last].kind != K_QOPEN) {
                last = j;
                continue;
            }
            break;
        }
        if (u->kind == K_QCLOSE && mark_of(d, j) == mark) {
            closed = true;
            break;
        }
        /* a double mark opening again: the first one was never closed */
        if (u->kind == K_QOPEN && mark == 2 && mark_of(d, j) == 2)
            break;
        last = j;
    }
    size_t start = d->t[i].off + d->t[i].len;
    size_t end = closed ? d->t[j].off : d->t[last].off + d->t[last].len;
    if (last == i)
        return closed ? j : i;
    add_span(d, i, closed ? j : last, start, end, false);
    return closed ? j : last;
}

static void find_spans(doc_t *d)
{
    for (size_t i = 0; i < d->nt && !d->oom; i++) {
        const tok_t *t = &d->t[i];
        if (t->kind == K_QOPEN && !(t->flags & F_HEAD) && t->off >= d->head_end)
            i = quote_at(d, i);
    }
}

/* Whether the attribution a names a speaker (or a pronoun that can be
 * resolved).  A nominal left unresolved names nobody. */
static bool usable(const doc_t *d, int32_t a)
{
    return a >= 0 && (d->a[a].ent >= 0 || d->a[a].how == A_PRONOUN);
}

static bool ends_sentence(const tok_t *t)
{
    return t->kind == K_END && !(t->flags & F_QUOTED);
}

/* Whether the quotation closing at token close ends its sentence with a
 * full stop ("“... done.”"). */
static bool full_stop_before(const doc_t *d, size_t close)
{
    return close > 0 && d->t[close - 1].kind == K_END && d->s[d->t[close - 1].off] == '.';
}

/* The attribution of a cue right after the quotation: "“...,” Lee said".
 * After a quotation that ends its sentence with a full stop, only a cue
 * whose subject or verb comes first ("“We are done.” Lee said"), on the
 * same line: not a sentence of its own ("“...” Trump was out-doing Ted
 * Cruz, who said", a live blog's next line "Rubio said he ..."). */
static int32_t cue_after(const doc_t *d, const int32_t *by_cue, size_t close)
{
    bool stop = full_stop_before(d, close);
    if (stop && close + 1 < d->nt &&
        memchr(d->s + d->t[close].off, '\n', d->t[close + 1].off - d->t[close].off))
        return -1;
    for (size_t k = close + 1; k < d->nt && k <= close + CUE_AFTER; k++) {
        const tok_t *t = &d->t[k];
        if (t->para != d->t[close].para || t->kind == K_QOPEN || t->kind == K_COLON)
            break;
        if (usable(d, by_cue[k])) {
            const attr_t *a = &d->a[by_cue[k]];
            if (stop && a->anchor > close + 3 && a->cue > close + 3)
                return -1;
            return by_cue[k];
        }
        if (ends_sentence(t) || t->kind == K_SEMI)
            break;
    }
    return -1;
}

/* The attribution of the nearest cue before token end in its sentence
 * and paragraph: "Rutte said: “...”", "Lee said the “goal” is ...". */
static int32_t cue_before(const doc_t *d, const int32_t *by_cue, size_t end)
{
    for (size_t k = end; k-- > 0 && k + CUE_BEFORE > end;) {
        const tok_t *t = &d->t[k];
        if (t->para != d->t[end - 1].para || ends_sentence(t) || (t->flags & F_HEAD))
            break;
        if (usable(d, by_cue[k]))
            return by_cue[k];
    }
    return -1;
}

/* A quotation opening its paragraph right after a paragraph that ends
 * with a colon ("Cruz continued:", "Breitbart News responded:", "as Ann
 * Lee observed, the winner was the stage itself:"): a block quotation,
 * the words of that sentence's cue. */
static int32_t colon_block(const doc_t *d, const int32_t *by_cue, size_t open)
{
    if (open == 0 || d->t[open - 1].para + 1 != d->t[open].para)
        return -1;
    const tok_t *c = &d->t[open - 1];
    if (c->kind != K_COLON || (c->flags & (F_QUOTED | F_HEAD)))
        return -1;
    return cue_before(d, by_cue, open);
}

/* Whether a quotation ends as one whose cue follows: "“...,” she said". */
static bool wants_cue_after(const doc_t *d, const quote_span_t *q)
{
    if (q->close == 0 || d->t[q->close].kind != K_QCLOSE)
        return false;
    uint8_t k = d->t[q->close - 1].kind;
    const tok_t *next = q->close + 1 < d->nt ? &d->t[q->close + 1] : NULL;
    return k == K_COMMA || (next && next->kind == K_COMMA) ||
           (k == K_END && d->s[d->t[q->close - 1].off] != '.');
}

/* Whether anything between quotations p and q could introduce another
 * speaker: a name or a cue outside quotation marks. */
static bool another_voice(const doc_t *d, const quote_span_t *p, const quote_span_t *q)
{
    /* past p's own cue and subject: "“...,” Rutte said. “...”" */
    const attr_t *a = &d->a[p->attr];
    size_t from = p->close + 1;
    if (a->cue > p->close && a->cue < q->open && a->cue + 1 > from)
        from = a->cue + 1;
    if (a->anchor > p->close && a->anchor < q->open) {
        const tok_t *t = &d->t[a->anchor];
        size_t end = t->run >= 0 ? d->r[t->run].b : a->anchor;
        if (end + 1 > from)
            from = end + 1;
    }
    for (size_t k = from; k < q->open; k++) {
        const tok_t *t = &d->t[k];
        if (t->kind != K_WORD || (t->flags & F_QUOTED))
            continue;
        if (t->run >= 0 || (t->w && (t->w->bits & (W_CUE | W_HE | W_SHE | W_THEY))))
            return true;
    }
    return false;
}

/* A quotation without a cue of its own continues the speaker of the one
 * before it: in the same paragraph, or ending the paragraph before when
 * this one opens its paragraph. */
static int32_t continued(const doc_t *d, size_t qi)
{
    if (qi == 0)
        return -1;
    const quote_span_t *p = &d->q[qi - 1], *q = &d->q[qi];
    if (p->attr < 0 || p->indirect || another_voice(d, p, q))
        return -1;
    uint32_t pp = d->t[p->close].para, qp = d->t[q->open].para;
    if (pp == qp)
        return p->attr;
    bool opens_para = q->open == 0 || d->t[q->open - 1].para != qp;
    if (pp + 1 == qp && opens_para && p->close + 1 < d->nt && d->t[p->close + 1].para != pp)
        return p->attr;
    return -1;
}

/* "X said that ...", "X told reporters that ...": the clause after
 * "that", to the end of its sentence, when it holds no quotation. */
static void reported_speech(doc_t *d, int32_t ai)
{
    const attr_t *a = &d->a[ai];
    size_t v = a->cue;
    if (!is_word(d, (long)v) || !(bits_of(d, v) & W_CUE) || (bits_of(d, v) & W_PART))
        return;
    size_t k = v + 1;
    while (k < d->nt && k <= v + 5 && d->t[k].kind == K_WORD && !tok_is(d, (long)k, "that") &&
           !(d->t[k].flags & F_QUOTED))
        k++;
    if (!tok_is(d, (long)k, "that") || k + 1 >= d->nt)
        return;
    size_t first = k + 1;
    while (first < d->nt && (d->t[first].kind == K_COMMA || d->t[first].kind == K_DASH))
        first++;            /* "that, although ...," */
    size_t last = first;
    for (size_t m = first; m < d->nt && d->t[m].para == d->t[first].para; m++) {
        const tok_t *t = &d->t[m];
        if (t->kind == K_QOPEN || t->kind == K_QCLOSE || (t->flags & F_QUOTED))
            return;
        if (ends_sentence(t) || t->kind == K_SEMI || t->kind == K_COLON)
            break;
        last = m;
    }
    if (last - first < 2)
        return;
    size_t n = d->nq;
    add_span(d, first, last, d->t[first].off, d->t[last].off + d->t[last].len, true);
    if (d->nq > n)
        d->q[n].attr = ai;
}

static bool sentence_between(const doc_t *d, size_t a, size_t b)
{
    for (size_t k = a + 1; k < b; k++)
        if (ends_sentence(&d->t[k]))
            return true;
    return false;
}

/* The subject of the participle of speech whose clause holds the
 * pronoun at token i: "Ann Lee ... endorsed Tom Ash's plan, saying she
 * believed “...”" (she is Ann Lee, the sentence's subject, not the
 * nearest name), when it can be that pronoun; else -1. */
static int32_t participle_subject(const doc_t *d, const int32_t *by_cue, size_t i, uint8_t sex)
{
    for (size_t k = i; k-- > 0 && k + CUE_BEFORE > i;) {
        const tok_t *t = &d->t[k];
        if (t->para != d->t[i].para || ends_sentence(t) || (t->flags & (F_HEAD | F_QUOTED)) ||
            t->kind == K_QOPEN || t->kind == K_QCLOSE)
            break;
        bool part = is_word(d, (long)k) && (bits_of(d, k) & W_PART);
        /* another cue with its own subject between: "Lee wrote ... Ash
         * said ..., though he contended" */
        if (!part && by_cue[k] >= 0 && d->a[by_cue[k]].anchor < i &&
            d->a[by_cue[k]].how != A_PRONOUN)
            return -1;
        if (!part)
            continue;
        int32_t a = by_cue[k];
        if (a < 0 || d->a[a].ent < 0 || !sp_person_fits(d, d->a[a].ent, sex))
            return -1;
        return d->a[a].ent;
    }
    return -1;
}

/* Whether run r stands where a subject does: first in its sentence, or
 * after punctuation or a conjunction ("And oh yes, Carly Fiorina: ..."),
 * not after a verb or a preposition whose object it would be. */
static bool subject_position(const doc_t *d, const run_t *r)
{
    size_t a = r->a;
    if (a == 0 || (d->t[a].flags & F_START))
        return true;
    const tok_t *p = &d->t[a - 1];
    if (p->kind != K_WORD)
        return p->kind == K_COMMA || p->kind == K_END || p->kind == K_SEMI || p->kind == K_DASH ||
               p->kind == K_COLON;
    return (p->flags & F_START) && p->w && (p->w->bits & W_CONJ);
}

/* Whether entity e is known to be a person's: so marked, or the full
 * name a lone given name stands for ("Megyn ... Megyn Kelly"). */
static bool known_person(const doc_t *d, int32_t e)
{
    if (d->e[e].person)
        return true;
    for (size_t k = 0; k < d->ne; k++)
        if (d->e[k].alias == e)
            return true;
    return false;
}

/* The one person whose full name (two words or more), named before,
 * begins with the word at token k ("Megyn was incredulous" after "Megyn
 * Kelly"), or -1. */
static int32_t given_name_of(const doc_t *d, size_t k)
{
    const tok_t *t = &d->t[k];
    if (t->kind != K_WORD || !(t->flags & F_CAP) || t->w)
        return -1;
    uint64_t h = word_key(d, k);
    int32_t found = -1;
    for (size_t x = 0; x < d->ne; x++) {
        const entity_t *e = &d->e[x];
        if (e->kind == R_ORG || e->nwords < 2 || e->first != h || e->first_tok >= k)
            continue;
        if (found >= 0)
            return -1;
        found = (int32_t)x;
    }
    return found;
}

/* The person a pronoun at token i stands for when the name nearest
 * before it in its paragraph, outside quotations, is a person's in the
 * place of a subject who can be that pronoun ("Chatwal was trying to buy
 * influence; indeed, he had stated, “...”", "Megyn was incredulous.
 * “Only you,” she said"), even one who speaks nowhere else; else -1. */
static int32_t paragraph_subject(const doc_t *d, size_t i, uint8_t sex)
{
    for (size_t k = i; k-- > 0 && k + CUE_BEFORE > i;) {
        const tok_t *t = &d->t[k];
        if (t->para != d->t[i].para || (t->flags & F_HEAD))
            break;
        if (t->kind != K_WORD || (t->flags & F_QUOTED))
            continue;
        int32_t e = -1;
        size_t b = k;
        bool known = false;
        if (t->run >= 0) {
            const run_t *r = &d->r[t->run];
            k = r->a;
            b = r->b;
            e = sp_final_entity(d, r->ent);
            if (e < 0 || d->e[e].kind == R_ORG)
                continue;
            /* a person's, or a given name standing for a full name */
            int32_t full = r->a == r->b && d->e[e].nwords == 1 ? given_name_of(d, r->a) : -1;
            if (full >= 0)
                e = full;
            known = (full >= 0 || known_person(d, e)) && subject_position(d, r);
        } else if ((e = given_name_of(d, k)) >= 0) {
            known = true;       /* a given name alone names a person */
        } else {
            continue;
        }
        /* the subject of a verb: "Chatwal was", "Wallace (a Democrat)
         * was", not "in Washington, Iowa, he stuck" */
        long after = (long)b + 1;
        if (after < (long)d->nt && d->t[after].kind == K_LPAR)
            while (after < (long)d->nt && after < (long)b + 12 && d->t[after].kind != K_RPAR)
                after++;
        if (after < (long)d->nt && d->t[after].kind == K_RPAR)
            after++;
        /* or of what a colon introduces: "Carly Fiorina: What are her
         * qualifications?" */
        bool verb = (is_word(d, after) && (d->t[after].flags & F_LOWER)) ||
                    (after < (long)d->nt && d->t[after].kind == K_COLON);
        if (!sp_person_fits(d, e, sex) || !known || (d->t[b].flags & F_POSS) || !verb ||
            lower_of(d, after, W_PREP | W_CONJ))
            return -1;
        return e;
    }
    return -1;
}

/* "“A,” she said, “B.”": one quotation in two pieces around its
 * attribution, when no sentence ends between them ("“A,” she said. “B.”"
 * are two quotations).  Pieces that the attribution does not part ("She
 * called it a “A” that allows “B”") are one quotation too, as one
 * attribution's content, but the words between them are the writer's:
 * the piece after the gap is marked elided. */
static void join_pieces(doc_t *d, size_t n)
{
    size_t head = 0, tail = 0;
    for (size_t i = 1; i < n; i++) {
        quote_span_t *p = &d->q[tail], *q = &d->q[i];
        if (q->attr >= 0 && q->attr == p->attr && d->t[p->close].para == d->t[q->open].para &&
            !sentence_between(d, p->close, q->open)) {
            uint32_t cue = d->a[q->attr].cue;
            p->next = (int32_t)i;
            q->piece = true;
            q->elided = !(cue > p->close && cue < q->open);
            d->q[head].until = q->until;
        } else {
            head = i;
        }
        tail = i;
    }
}

void sp_find_quotes(doc_t *d)
{
    find_spans(d);
    if (d->oom || d->na == 0)
        return;
    int32_t *by_cue = malloc(d->nt * sizeof *by_cue);
    if (!by_cue) {
        d->oom = true;
        return;
    }
    for (size_t k = 0; k < d->nt; k++)
        by_cue[k] = -1;
    /* the first resolved subject of a cue speaks for it ("Cruz and
     * Rubio said" gives the words to the first) */
    for (size_t i = 0; i < d->na; i++) {
        const attr_t *a = &d->a[i];
        int32_t *slot = &by_cue[a->cue];
        if (*slot < 0 || (d->a[*slot].ent < 0 && a->ent >= 0))
            *slot = (int32_t)i;
    }
    size_t direct = d->nq;
    for (size_t qi = 0; qi < direct; qi++) {
        quote_span_t *q = &d->q[qi];
        int32_t after = cue_after(d, by_cue, q->close);
        int32_t before = q->open > 0 && d->t[q->open - 1].para == d->t[q->open].para
                             ? cue_before(d, by_cue, q->open)
                             : -1;
        if (after >= 0 && (before < 0 || wants_cue_after(d, q)))
            q->attr = after;
        else if (before >= 0)
            q->attr = before;
        else if ((q->attr = colon_block(d, by_cue, q->open)) < 0)
            q->attr = continued(d, qi);
    }
    join_pieces(d, direct);
    /* pronouns that introduce words stand for the subject of the
     * participle whose clause they are in, else the nearest speaker */
    for (size_t qi = 0; qi < direct; qi++) {
        attr_t *a = d->q[qi].attr >= 0 ? &d->a[d->q[qi].attr] : NULL;
        if (a && a->ent < 0 && a->how == A_PRONOUN) {
            a->ent = participle_subject(d, by_cue, a->anchor, a->sex);
            if (a->ent < 0)
                a->ent = paragraph_subject(d, a->anchor, a->sex);
            if (a->ent < 0)
                a->ent = sp_nearest_person(d, a->anchor, a->sex);
            sp_learn_sex(d, a->ent, a->sex);
        }
    }
    for (size_t i = 0; i < d->na && !d->oom; i++)
        if (by_cue[d->a[i].cue] == (int32_t)i && d->a[i].ent >= 0)
            reported_speech(d, (int32_t)i);
    free(by_cue);
    /* reported speech overlapping a quotation or other reported speech
     * goes (the spans keep their indices: pieces link by index) */
    for (size_t i = direct; i < d->nq; i++)
        for (size_t k = 0; k < i && d->q[i].attr >= 0; k++)
            if (!d->q[k].piece && d->q[k].attr >= 0 && d->q[k].start < d->q[i].until &&
                d->q[i].start < d->q[k].until)
                d->q[i].attr = -1;
}
