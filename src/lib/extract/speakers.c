/* speakers.c - who is quoted: the people and organisations a news
 * article attributes speech or a stated position to.
 *
 * Pure text processing in a few linear passes over one article, one
 * file each (speakers-doc.h):
 *   1. tokens: words, punctuation, quotation state, sentence starts;
 *   2. proper words: capitalised words that belong to names, judged by how
 *      the article itself writes them elsewhere (a sentence-initial
 *      "Critics" is no name when the article also writes "critics");
 *   3. name runs ("U.S. Defense Secretary Pete Hegseth") reduced to the
 *      name they hold ("Pete Hegseth") and grouped into entities, so that
 *      a later "Hegseth" or "Mr. Hegseth" is the same person;
 *   4. attribution cues ("said", "told", "according to", a colon before a
 *      quotation) and the subject each one gives the words to;
 *   5. pronouns and descriptions ("he said", "the senator said") resolved
 *      to the one person the text can mean, or dropped.
 * Quoted words never supply a speaker, and a name never comes from a
 * phrase governed by a preposition ("told The Associated Press"). */
#include "config.h"

#include "speakers-doc.h"
#include "speakers.h"

#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* The length in bytes of the white space at p (a no-break space
 * included: "Stu\u00a0Burguiere" is "Stu Burguiere"), 0 if none. */
static size_t space_at(const char *p, const char *end)
{
    if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        return 1;
    return end - p >= 2 && (unsigned char)p[0] == 0xc2 && (unsigned char)p[1] == 0xa0 ? 2 : 0;
}

/* Appends the text of tokens a..z as written, spaces collapsed. */
static void add_words(const doc_t *d, nx_buf_t *b, size_t a, size_t z)
{
    if (b->len)
        nx_buf_addc(b, ' ');
    const char *p = d->s + d->t[a].off, *end = d->s + d->t[z].off + d->t[z].len;
    while (p < end) {
        size_t n = space_at(p, end);
        if (n) {
            while (p < end && (n = space_at(p, end)) > 0)
                p += n;
            nx_buf_addc(b, ' ');
            continue;
        }
        nx_buf_addc(b, *p++);
    }
}

/* The name of entity e as output: its fullest form, without a leading
 * "the" for an organisation. */
static void entity_name(const doc_t *d, const entity_t *e, nx_buf_t *b)
{
    const run_t *r = &d->r[e->best];
    size_t na = r->na;
    if (e->kind == R_ORG && tok_is(d, (long)na, "the") && na < r->nb)
        na++;
    add_words(d, b, na, r->nb);
    if (e->head_tok)
        add_words(d, b, e->head_tok, e->head_tok);
}

/* Whether an entity names somebody: not a group, a generic noun or a
 * lone place-like word only used after a colon. */
static bool named(const doc_t *d, const entity_t *e, bool weak)
{
    const run_t *r = &d->r[e->best];
    if (r->kind == R_NONE)
        return false;
    uint32_t b = bits_of(d, r->nb);
    if (!e->head_tok && (b & (W_GROUP | W_GENERIC | W_FUNC | W_TIME)) && r->na == r->nb)
        return false;
    /* "Reuters Poll", "Reuters Estimates": a source of figures, no speaker */
    if (!e->head_tok && (b & W_DATA) && e->kind != R_ORG)
        return false;
    /* a name before a colon needs to be a known person, organisation or
     * speaker, or at least be named like a person */
    if (weak && !e->said && !(e->mentions >= 2 && (e->person || e->kind == R_ORG)) &&
        !(e->kind != R_ORG && e->nwords >= 2 && !e->places))
        return false;
    return true;
}

/* Records that alias is another form of name, once. */
static bool add_alias(nx_said_t *out, const char *alias, const char *name)
{
    if (strcmp(alias, name) == 0)
        return true;
    for (size_t i = 0; i < out->n_aliases; i++)
        if (strcmp(out->aliases[i].alias, alias) == 0 && strcmp(out->aliases[i].name, name) == 0)
            return true;
    newsidx_alias_t *v = realloc(out->aliases, (out->n_aliases + 1) * sizeof *v);
    if (!v)
        return false;
    out->aliases = v;
    v[out->n_aliases].alias = nx_strdup(alias);
    v[out->n_aliases].name = nx_strdup(name);
    out->n_aliases++;
    return v[out->n_aliases - 1].alias && v[out->n_aliases - 1].name;
}

/* The other forms the article gives the names output: every form of an
 * organisation's name ("Fannie" beside "Fannie Mae"), a person's of two
 * words or more ("Hillary Rodham Clinton" beside "Hillary Clinton"; a
 * lone surname or given name names too many people across an archive),
 * and a firm's name without its legal suffix. */
static bool emit_aliases(const doc_t *d, nx_said_t *out)
{
    nx_buf_t b;
    nx_buf_init(&b);
    bool ok = true;
    for (size_t i = 0; i < d->nr && ok; i++) {
        const run_t *r = &d->r[i];
        int32_t ei = sp_final_entity(d, r->ent);
        if (ei < 0 || r->kind == R_NONE || d->e[ei].name < 0 || d->e[ei].head_tok ||
            (d->t[r->a].flags & F_HEAD))
            continue;
        const entity_t *e = &d->e[ei];
        size_t na = r->na;
        if (tok_is(d, (long)na, "the") && na < r->nb)
            na++;
        if (e->kind != R_ORG && r->nb == na)
            continue;
        nx_buf_reset(&b);
        add_words(d, &b, na, r->nb);
        if (b.oom)
            ok = false;
        else
            ok = add_alias(out, b.data, out->names.v[e->name]);
    }
    /* "IEA" beside "International Energy Agency", whichever went out */
    nx_buf_t full;
    nx_buf_init(&full);
    for (size_t i = 0; i < d->ne && ok; i++) {
        const entity_t *e = &d->e[i];
        if (e->full < 0 || (e->name < 0 && d->e[e->full].name < 0))
            continue;
        nx_buf_reset(&b);
        add_words(d, &b, d->r[e->best].na, d->r[e->best].nb);
        nx_buf_reset(&full);
        entity_name(d, &d->e[e->full], &full);
        ok = !b.oom && !full.oom && add_alias(out, b.data, full.data);
    }
    nx_buf_free(&full);
    for (size_t i = 0; i < out->names.n && ok; i++) {
        const char *name = out->names.v[i];
        size_t k = sp_without_suffix(name);
        if (out->kinds[i] == NEWSIDX_KIND_ORGANISATION && k < strlen(name)) {
            char *stem = nx_strndup(name, k);
            ok = stem && add_alias(out, stem, name);
            free(stem);
        }
    }
    nx_buf_free(&b);
    return ok;
}

/* Whether the run at token i follows a run of entity e with nothing
 * between: "Kenya News Agency KNA said". */
static bool glued_to(const doc_t *d, size_t i, int32_t e)
{
    if (d->t[i].run < 0)
        return false;
    long p = (long)d->r[d->t[i].run].a - 1;
    return p >= 0 && d->t[p].run >= 0 && sp_final_entity(d, d->r[d->t[p].run].ent) == e;
}

/* An acronym and the organisation it spells ("IEA", "International
 * Energy Agency") that both speak, or that stand together ("Kenya News
 * Agency KNA said"), are one speaker, under the full name.  When the
 * acronym alone speaks it keeps its name: the alias it gives joins the
 * two in the index. */
static void merge_acronyms(doc_t *d)
{
    for (size_t i = 0; i < d->na; i++) {
        attr_t *a = &d->a[i];
        if (a->ent < 0 || d->e[a->ent].full < 0)
            continue;
        int32_t full = d->e[a->ent].full;
        if (glued_to(d, a->anchor, full)) {
            a->ent = full;
            continue;
        }
        for (size_t k = 0; k < d->na; k++)
            if (d->a[k].ent == full) {
                a->ent = full;
                break;
            }
    }
}

/* Outputs each entity an attribution names, once, under its fullest
 * form, and notes where its name went (e->name). */
static bool emit(doc_t *d, nx_said_t *out)
{
    nx_buf_t b;
    nx_buf_init(&b);
    htab_t seen;
    if (!sp_htab_init(d, &seen, d->na))
        return false;
    for (size_t i = 0; i < d->ne; i++)
        d->e[i].name = -1;
    bool ok = true;
    for (size_t i = 0; i < d->na && ok; i++) {
        const attr_t *a = &d->a[i];
        if (a->ent < 0)
            continue;
        entity_t *e = &d->e[a->ent];
        if (e->out || !named(d, e, a->weak))
            continue;
        e->out = true;
        nx_buf_reset(&b);
        entity_name(d, e, &b);
        if (b.oom) {
            ok = false;
            break;
        }
        if (!b.len)
            continue;
        /* "Fed": the full name the hand list gives, unless a person's */
        const char *full = e->kind == R_ORG || !e->person ? sp_hand_alias(b.data) : NULL;
        if (full) {
            ok = add_alias(out, b.data, full);
            nx_buf_reset(&b);
            nx_buf_adds(&b, full);
            if (!ok || b.oom) {
                ok = false;
                break;
            }
        }
        hslot_t *h = sp_htab_slot(d, &seen, sp_hash_word(b.data, b.len, NX_HASH64_INIT));
        if (!h) {
            ok = false;
            break;
        }
        if (h->ent >= 0) {
            e->name = h->ent;
            continue;
        }
        h->ent = e->name = (int32_t)out->names.n;
        newsidx_kind_t *k = realloc(out->kinds, (out->names.n + 1) * sizeof *k);
        if (!k) {
            ok = false;
            break;
        }
        out->kinds = k;
        k[out->names.n] = e->kind == R_ORG || full ? NEWSIDX_KIND_ORGANISATION : NEWSIDX_KIND_PERSON;
        bool *pv = realloc(out->persons, (out->names.n + 1) * sizeof *pv);
        if (!pv) {
            ok = false;
            break;
        }
        out->persons = pv;
        pv[out->names.n] = e->kind == R_PERSON || e->person || e->sex;
        ok = nx_strv_push(&out->names, b.data);
    }
    nx_buf_free(&b);
    free(seen.s);
    return ok;
}

/* The number of characters (code points) in [s, s+n). */
static size_t chars_in(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

static int quote_cmp(const void *x, const void *y)
{
    const newsidx_quote_t *a = x, *b = y;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* The words of quotation q: its pieces joined by a space, or by an
 * ellipsis where words that are not the attribution part them. */
static char *quote_text(const doc_t *d, const quote_span_t *q)
{
    nx_buf_t b;
    nx_buf_init(&b);
    for (;;) {
        nx_buf_add(&b, d->s + q->start, q->end - q->start);
        if (q->next < 0)
            break;
        q = &d->q[q->next];
        nx_buf_adds(&b, q->elided ? " \xe2\x80\xa6 " : " ");
    }
    if (b.oom) {
        nx_buf_free(&b);
        return NULL;
    }
    return b.data ? b.data : nx_strdup("");
}

/* Outputs the quotations whose speaker was output, in body order, with
 * offsets in characters of the body. */
static bool emit_quotes(const doc_t *d, nx_said_t *out)
{
    if (d->nq == 0)
        return true;
    out->quotes = calloc(d->nq, sizeof *out->quotes);
    if (!out->quotes)
        return false;
    size_t at = d->head_end, chars = 0;   /* a byte of the body and its character */
    for (size_t i = 0; i < d->nq; i++) {
        const quote_span_t *q = &d->q[i];
        int32_t e = q->attr >= 0 ? d->a[q->attr].ent : -1;
        if (q->piece || e < 0 || d->e[e].name < 0 || q->start < d->head_end)
            continue;
        newsidx_quote_t *o = &out->quotes[out->n_quotes];
        if (q->start < at) {
            at = d->head_end;
            chars = 0;
        }
        chars += chars_in(d->s + at, q->start - at);
        o->start = chars;
        o->end = chars + chars_in(d->s + q->start, q->until - q->start);
        at = q->start;
        o->indirect = q->indirect;
        o->speaker = nx_strdup(out->names.v[d->e[e].name]);
        o->text = quote_text(d, q);
        out->n_quotes++;
        if (!o->speaker || !o->text)
            return false;
    }
    qsort(out->quotes, out->n_quotes, sizeof *out->quotes, quote_cmp);
    return true;
}

/* ------------------------------------------------------------------ */

/* Entities named as the subject of a cue: a two-word name that speaks is
 * a person's (what a pronoun may refer to). */
static void mark_said(doc_t *d)
{
    for (size_t i = 0; i < d->na; i++)
        if (d->a[i].how == A_ENT && !d->a[i].weak && d->a[i].ent >= 0) {
            entity_t *e = &d->e[d->a[i].ent];
            e->said = true;
            if (e->kind == R_OTHER && d->r[e->best].na < d->r[e->best].nb)
                e->person = true;
        }
}

bool nx_said_find(const char *title, const char *body, nx_said_t *out)
{
    if (!body)
        body = "";
    nx_words_init();
    doc_t d;
    memset(&d, 0, sizeof d);
    nx_buf_t text;
    nx_buf_init(&text);
    if (title && *title) {
        nx_buf_adds(&text, title);
        nx_buf_adds(&text, "\n\n");
    }
    d.head_end = text.len;
    nx_buf_adds(&text, body);
    if (text.oom) {
        nx_buf_free(&text);
        return false;
    }
    d.s = text.data ? text.data : "";
    d.n = text.len;
    if (d.n > MAX_TEXT)
        d.n = MAX_TEXT;         /* offsets are 32-bit; no article comes near */
    d.capt = d.n / 5 + 16;      /* about one token per five bytes of news */
    d.t = malloc(d.capt * sizeof *d.t);
    if (!d.t) {
        nx_buf_free(&text);
        return false;
    }
    sp_tokenize(&d);
    if (!d.oom)
        sp_mark_proper(&d);
    if (!d.oom)
        sp_build_runs(&d);
    if (!d.oom)
        sp_link_entities(&d);
    if (!d.oom)
        sp_appositive_kinds(&d);
    if (!d.oom)
        sp_find_attributions(&d);
    if (!d.oom)
        mark_said(&d);
    if (!d.oom)
        sp_resolve(&d);
    if (!d.oom)
        sp_find_quotes(&d);
    if (!d.oom)
        merge_acronyms(&d);
    bool ok = !d.oom && emit(&d, out) && emit_quotes(&d, out) && emit_aliases(&d, out);
    free(d.t);
    free(d.r);
    free(d.e);
    free(d.a);
    free(d.q);
    free(d.forms.s);
    free(d.ents.s);
    nx_buf_free(&text);
    return ok;
}

void nx_said_clear(nx_said_t *s)
{
    nx_strv_free(&s->names);
    free(s->kinds);
    free(s->persons);
    for (size_t i = 0; i < s->n_quotes; i++) {
        free(s->quotes[i].speaker);
        free(s->quotes[i].text);
    }
    free(s->quotes);
    for (size_t i = 0; i < s->n_aliases; i++) {
        free(s->aliases[i].alias);
        free(s->aliases[i].name);
    }
    free(s->aliases);
    memset(s, 0, sizeof *s);
}

bool nx_speakers_find(const char *title, const char *body, nx_strv_t *out)
{
    nx_said_t said = {0};
    bool ok = nx_said_find(title, body, &said);
    for (size_t i = 0; ok && i < said.names.n; i++)
        ok = nx_strv_push(out, said.names.v[i]);
    nx_said_clear(&said);
    return ok;
}
