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

void sp_tokenize(doc_t *d)
{
    const char *s = d->s;
    size_t n = d->n, i = 0;
    int nl = 0;
    bool start = true, dq = false, sq = false, any = false;
    bool low9 = false;          /* the open quotation began with „ */
    uint32_t para = 0;
    while (i < n && !d->oom) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        size_t l;
        uint32_t c = decode(s, n, i, &l);
        if (c == '\n' || c == 0x2028 || c == 0x2029) {
            nl++;
            i += l;
            continue;
        }
        if (cp_space(c)) {
            i += l;
            continue;
        }
        if (nl >= 2 && any) {
            para++;
            start = true;
            dq = sq = false;
        }
        nl = 0;
        any = true;
        uint16_t q = (dq || sq) ? F_QUOTED : 0;
        if (cp_letter(c)) {
            word_scan_t ws;
            scan_word(s, n, i, sq, &ws);
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
            if (!start && (f & F_CAP) && w && (w->bits & W_FUNC) && d->nt > 0) {
                const tok_t *p = &d->t[d->nt - 1];
                if (p->kind == K_WORD && (p->flags & F_PERIOD) && !(p->flags & F_INITIAL) &&
                    !(p->w && (p->w->bits & W_TITLE)))
                    start = true;
            }
            if (start)
                f |= F_START;
            start = false;
            push_tok(d, K_WORD, i, end - i, f, para);
            if (!d->oom)
                d->t[d->nt - 1].w = w;
            i = ws.after > i ? ws.after : i + 1;
            continue;
        }
        if (is_digit(c)) {
            size_t j = i;
            /* "1,100", "3.5%", "81-year-old" */
            while (j < n && (word_char_at(s, n, j) ||
                             ((s[j] == '.' || s[j] == ',' || s[j] == ':') && j + 1 < n &&
                              is_digit((unsigned char)s[j + 1])) ||
                             (s[j] == '-' && word_char_at(s, n, j + 1)) || s[j] == '%'))
                j++;
            push_tok(d, K_NUM, i, j - i, q | (start ? F_START : 0), para);
            start = false;
            i = j;
            continue;
        }
        /* Some papers type a double quotation mark as two apostrophes
         * or, opening, as two backquotes. */
        if ((c == '\'' || c == '`') && i + 1 < n && s[i + 1] == (char)c &&
            !(sq && c == '\'' && i + 2 < n && s[i + 2] == '\'')) {
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
            start = true;
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
                push_tok(d, K_OTHER, i - 1, 1, q, para);
                continue;
            }
            kind = K_END;
            start = true;
            break;
        case '"':
            if (dq) {
                kind = K_QCLOSE;
                dq = sq = false;
            } else if (opens_at(s, i)) {
                kind = K_QOPEN;
                dq = true;
                low9 = false;
                start = true;
            }
            break;
        case 0x201c: case 0x201e: case 0xab:
            /* „...“ closes with the mark English opens with; elsewhere
             * one before a space is a mistyped closing mark */
            if (dq && ((low9 && c == 0x201c) ||
                       i + l >= n || s[i + l] == ' ' || s[i + l] == '\n')) {
                kind = K_QCLOSE;
                dq = sq = low9 = false;
                break;
            }
            kind = K_QOPEN;
            dq = true;
            low9 = c == 0x201e;
            start = true;
            break;
        case 0x201d: case 0xbb:
            kind = K_QCLOSE;
            dq = sq = false;
            break;
        case 0x2018:
            kind = K_QOPEN;
            sq = true;
            start = true;
            break;
        case 0x2019: case '\'':
            if (sq) {
                kind = K_QCLOSE;
                sq = false;
            } else if (opens_at(s, i) && word_char_at(s, n, i + l)) {
                kind = K_QOPEN;
                sq = true;
                start = true;
            }
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
            break;
        }
        if (kind == K_END && d->nt > 0 && d->t[d->nt - 1].kind == K_END) {
            i += l;
            continue;
        }
        if (kind == K_QOPEN || kind == K_QCLOSE)
            q = 0;
        push_tok(d, kind, i, l, q, para);
        i += l;
    }
    for (size_t k = 0; k < d->nt; k++)
        if (d->t[k].off < d->head_end)
            d->t[k].flags |= F_HEAD;
}
