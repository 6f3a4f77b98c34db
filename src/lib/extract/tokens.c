/* tokens.c - the first pass: an article as words, numbers and
 * punctuation, with quotation state, paragraphs and sentence starts. */
#include "config.h"

#include "speakers-doc.h"
#include "chars.h"

typedef struct word_scan {
    size_t end, after;          /* end of the word; where scanning resumes */
    size_t letters, uppers;
    bool poss;                  /* a possessive 's or ' follows */
    bool hyphen;                /* a hyphen inside: "Co-author" */
} word_scan_t;

/* Scans the word starting at i. */
static void scan_word(const char *s, size_t n, size_t i, bool in_single, word_scan_t *w)
{
    size_t j = i, seg = 0;      /* seg: letters since the last period */
    w->poss = w->hyphen = false;
    w->letters = w->uppers = 0;
    while (j < n) {
        unsigned b = (unsigned char)s[j];
        bool alpha = (b | 32u) - 'a' < 26u;
        if (alpha || b - '0' < 10u) {
            if (alpha) {
                w->letters++;
                w->uppers += b <= 'Z';
            }
            j++;
            seg++;
            continue;
        }
        size_t l;
        uint32_t c = decode(s, n, j, &l);
        if (cp_letter(c)) {
            w->letters++;
            w->uppers += cp_upper(c);
            j += l;
            seg++;
            continue;
        }
        if ((c == '-' || c == '&') && word_char_at(s, n, j + 1)) {
            w->hyphen = w->hyphen || c == '-';
            j++;
            continue;
        }
        if (c == '\'' || c == 0x2019) {
            size_t k = j + l;
            if (word_char_at(s, n, k)) {
                if ((s[k] == 's' || s[k] == 'S') && !word_char_at(s, n, k + 1)) {
                    w->poss = true;
                    w->end = j;
                    w->after = k + 1;
                    return;
                }
                j = k;
                continue;
            }
            if (!in_single && j > i && (s[j - 1] == 's' || s[j - 1] == 'S') &&
                !(k < n && s[k] == '\'')) {
                w->poss = true;
                w->end = j;
                w->after = k;
                return;
            }
            break;
        }
        if (c == '.') {
            /* "U.S.", "a.m.": a period between short letter groups */
            if (seg <= 3 && j + 1 < n && ((s[j + 1] | 32) >= 'a' && (s[j + 1] | 32) <= 'z')) {
                j++;
                seg = 0;
                continue;
            }
            /* "Factcheck.org": a short lower-case domain ending */
            size_t e = j + 1;
            while (e < n && s[e] >= 'a' && s[e] <= 'z')
                e++;
            if (e - j >= 3 && e - j <= 4 && !word_char_at(s, n, e)) {
                j = e;
                break;
            }
            /* abbreviations are capitalised ("Gen."), hold a period
             * ("U.S.") or are short ("vs."): skip the lookup for others */
            bool maybe = (s[i] >= 'A' && s[i] <= 'Z') || seg < j - i || j - i <= 3;
            if (maybe && nx_period_is_abbrev(s, j))
                j++;
            break;
        }
        break;
    }
    w->end = w->after = j;
}

static void push_tok(doc_t *d, uint8_t kind, size_t off, size_t len, uint16_t flags,
                     uint32_t para)
{
    if (!sp_grow(d, (void **)&d->t, &d->capt, d->nt, sizeof *d->t))
        return;
    tok_t *t = &d->t[d->nt++];
    t->off = (uint32_t)off;
    t->len = (uint32_t)len;
    t->para = para;
    t->run = -1;
    t->hash = 0;
    t->w = NULL;
    t->flags = flags;
    t->kind = kind;
}

/* Is the character before offset i a space, an opening bracket or the
 * start of the text?  Decides whether a straight quote opens. */
static bool opens_at(const char *s, size_t i)
{
    if (i == 0)
        return true;
    unsigned char c = (unsigned char)s[i - 1];
    if (c == ' ' || c == '\n' || c == '\t' || c == '(' || c == '[' || c == '{' || c == '/')
        return true;
    /* after an em or en dash or a no-break space */
    return i >= 2 && (((c == 0x94 || c == 0x93) && (unsigned char)s[i - 2] == 0x80) ||
                      (c == 0xa0 && (unsigned char)s[i - 2] == 0xc2));
}

/* What the tokenizer knows of the text read so far. */
typedef struct tk_state {
    size_t i;                   /* the next byte */
    int nl;                     /* line breaks since the last token */
    bool start;                 /* the next word starts a sentence */
    bool dq, sq;                /* inside a double, a single quotation */
    bool low9;                  /* the open quotation began with „ */
    bool any;                   /* a token was read */
    bool heading;               /* the line just ended is a heading */
    uint32_t para;
} tk_state_t;

/* How far back a line is read to tell whether it is a heading, in bytes. */
enum { HEADING_MAX = 400 };

/* Whether the line that ends at byte e is a heading written in title
 * case, as live blogs and lists put one over each entry with a single
 * line break ("Rubio Says Abandoning Reform Was A Sign Of Leadership" /
 * "Marco Rubio defended himself ..."): every word that starts with a
 * letter capitalised, two function words of two letters or more among
 * them written "Of", "Was" (a firm's name has one at most: "Healthcare
 * Services Of America", "The First Boston"; a ticker's "TO" is no word),
 * and no stop at its end.  Its last name must not run into the next
 * line's first (a paragraph break stops names). */
static bool heading_line(const char *s, size_t e)
{
    size_t b = e;
    while (b > 0 && s[b - 1] != '\n' && e - b < HEADING_MAX)
        b--;
    if (b > 0 && s[b - 1] != '\n')
        return false;
    size_t z = e;
    while (z > b && (s[z - 1] == ' ' || s[z - 1] == '\t' || s[z - 1] == '\r'))
        z--;
    if (z == b || strchr(".!?:;,", s[z - 1]))
        return false;
    int words = 0, function = 0;
    size_t first = 0;
    bool inword = false;
    for (size_t i = b, l; i <= z; i += l) {
        uint32_t c = i < z ? decode(s, z, i, &l) : (l = 1, ' ');
        bool part = cp_letter(c) || is_digit(c) || c == '\'' || c == 0x2019;
        if (part && !inword) {
            if (cp_letter(c) && !cp_upper(c))
                return false;
            first = i;
        } else if (!part && inword && cp_letter((unsigned char)s[first])) {
            const wentry_t *w = nx_word_lookup(s + first, i - first);
            bool titled = i - first >= 2 && s[first + 1] >= 'a' && s[first + 1] <= 'z';
            if (words > 0 && titled && w && (w->bits & (W_FUNC | W_PREP | W_DET | W_AUX | W_CONJ)))
                function++;
            words++;
        }
        inword = part;
    }
    return words >= 3 && function >= 2;
}

/* A word at st->i (its first character c). */
static void take_word(doc_t *d, tk_state_t *st, uint32_t c, uint16_t q)
{
    const char *s = d->s;
    size_t n = d->n, i = st->i;
    word_scan_t ws;
    scan_word(s, n, i, st->sq, &ws);
    size_t end = ws.end;
    uint16_t f = q;
    if (cp_upper(c))
        f |= F_CAP;
    else
        f |= F_LOWER;
    if (s[end - 1] == '.')
        f |= F_PERIOD;
    if (ws.poss)
        f |= F_POSS;
    if (ws.letters >= 2 && ws.uppers == ws.letters)
        f |= F_ACRO;
    if (ws.letters == 1 && ws.uppers == 1 && (f & F_PERIOD))
        f |= F_INITIAL;
    /* "in the U.S. He said": an abbreviation followed by a
     * capitalised function word ended the sentence after all. */
    const wentry_t *w = nx_word_lookup(s + i, end - i);
    if (!w && ws.hyphen)
        w = nx_compound_title(s + i, end - i);
    if (!st->start && (f & F_CAP) && w && (w->bits & W_FUNC) && d->nt > 0) {
        const tok_t *p = &d->t[d->nt - 1];
        if (p->kind == K_WORD && (p->flags & F_PERIOD) && !(p->flags & F_INITIAL) &&
            !(p->w && (p->w->bits & W_TITLE)))
            st->start = true;
    }
    if (st->start)
        f |= F_START;
    st->start = false;
    push_tok(d, K_WORD, i, end - i, f, st->para);
    if (!d->oom)
        d->t[d->nt - 1].w = w;
    st->i = ws.after > i ? ws.after : i + 1;
}

/* A number at st->i: "1,100", "3.5%", "81-year-old". */
static void take_number(doc_t *d, tk_state_t *st, uint16_t q)
{
    const char *s = d->s;
    size_t n = d->n, j = st->i;
    while (j < n && (word_char_at(s, n, j) ||
                     ((s[j] == '.' || s[j] == ',' || s[j] == ':') && j + 1 < n &&
                      is_digit((unsigned char)s[j + 1])) ||
                     (s[j] == '-' && word_char_at(s, n, j + 1)) || s[j] == '%'))
        j++;
    push_tok(d, K_NUM, st->i, j - st->i, q | (st->start ? F_START : 0), st->para);
    st->start = false;
    st->i = j;
}

/* What a quotation mark c (l bytes at st->i) does to the quotation the
 * state is in: K_QOPEN, K_QCLOSE, or K_OTHER for a mark that does
 * neither (an apostrophe, a straight quote that cannot open). */
static uint8_t quote_kind(const char *s, size_t n, tk_state_t *st, uint32_t c, size_t l)
{
    size_t i = st->i;
    switch (c) {
    case '"':
        if (st->dq) {
            st->dq = st->sq = false;
            return K_QCLOSE;
        }
        if (!opens_at(s, i))
            return K_OTHER;
        st->dq = true;
        st->low9 = false;
        st->start = true;
        return K_QOPEN;
    case 0x201c: case 0x201e: case 0xab:
        /* „...“ closes with the mark English opens with; elsewhere
         * one before a space is a mistyped closing mark */
        if (st->dq && ((st->low9 && c == 0x201c) ||
                       i + l >= n || s[i + l] == ' ' || s[i + l] == '\n')) {
            st->dq = st->sq = st->low9 = false;
            return K_QCLOSE;
        }
        st->dq = true;
        st->low9 = c == 0x201e;
        st->start = true;
        return K_QOPEN;
    case 0x201d: case 0xbb:
        st->dq = st->sq = false;
        return K_QCLOSE;
    case 0x2018:
        st->sq = true;
        st->start = true;
        return K_QOPEN;
    case 0x2019: case '\'':
        if (st->sq) {
            st->sq = false;
            return K_QCLOSE;
        }
        if (!(opens_at(s, i) && word_char_at(s, n, i + l)))
            return K_OTHER;
        st->sq = true;
        st->start = true;
        return K_QOPEN;
    default:
        return K_OTHER;
    }
}

/* Anything else at st->i (c, of l bytes): punctuation, quotation marks,
 * dashes. */
static void take_mark(doc_t *d, tk_state_t *st, uint32_t c, size_t l, uint16_t q)
{
    const char *s = d->s;
    size_t n = d->n, i = st->i;
    /* Some papers type a double quotation mark as two apostrophes
     * or, opening, as two backquotes. */
    if ((c == '\'' || c == '`') && i + 1 < n && s[i + 1] == (char)c &&
        !(st->sq && c == '\'' && i + 2 < n && s[i + 2] == '\'')) {
        c = c == '`' ? 0x201c : '"';
        l = 2;
    }
    uint8_t kind = K_OTHER;
    switch (c) {
    case ',':
        kind = K_COMMA;
        break;
    case ';':
        kind = K_SEMI;
        break;
    case ':':
        kind = K_COLON;
        st->start = true;
        break;
    case '(': case '[': case '{':
        kind = K_LPAR;
        break;
    case ')': case ']': case '}':
        kind = K_RPAR;
        break;
    case '.': case '!': case '?':
        if (c == '.' && i + 1 < n && s[i + 1] == '.') {
            while (i < n && s[i] == '.')
                i++;
            push_tok(d, K_OTHER, i - 1, 1, q, st->para);
            st->i = i;
            return;
        }
        kind = K_END;
        st->start = true;
        break;
    case 0x2014: case 0x2013: case 0x2015:
        kind = K_DASH;
        break;
    case '-':
        if ((i + 1 < n && s[i + 1] == '-') || (opens_at(s, i) && i + 1 < n && s[i + 1] == ' '))
            kind = K_DASH;
        while (i + 1 < n && s[i + 1] == '-')
            i++;
        break;
    default:
        kind = quote_kind(s, n, st, c, l);
        break;
    }
    st->i = i + l;
    if (kind == K_END && d->nt > 0 && d->t[d->nt - 1].kind == K_END)
        return;
    if (kind == K_QOPEN || kind == K_QCLOSE)
        q = 0;
    push_tok(d, kind, i, l, q, st->para);
}

void sp_tokenize(doc_t *d)
{
    const char *s = d->s;
    size_t n = d->n;
    tk_state_t st = {.start = true};
    while (st.i < n && !d->oom) {
        if (s[st.i] == ' ') {
            st.i++;
            continue;
        }
        size_t l;
        uint32_t c = decode(s, n, st.i, &l);
        if (c == '\n' || c == 0x2028 || c == 0x2029) {
            if (st.nl == 0 && st.any)
                st.heading = heading_line(s, st.i);
            st.nl++;
            st.i += l;
            continue;
        }
        if (cp_space(c)) {
            st.i += l;
            continue;
        }
        if ((st.nl >= 2 || (st.nl == 1 && st.heading)) && st.any) {
            st.para++;
            st.start = true;
            st.dq = st.sq = false;
        }
        st.nl = 0;
        st.heading = false;
        st.any = true;
        uint16_t q = (st.dq || st.sq) ? F_QUOTED : 0;
        if (cp_letter(c))
            take_word(d, &st, c, q);
        else if (is_digit(c))
            take_number(d, &st, q);
        else
            take_mark(d, &st, c, l, q);
    }
    for (size_t k = 0; k < d->nt; k++)
        if (d->t[k].off < d->head_end)
            d->t[k].flags |= F_HEAD;
}
