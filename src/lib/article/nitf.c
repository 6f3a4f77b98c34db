/* nitf.c - NITF 3.x, the News Industry Text Format (IPTC).
 *
 * <nitf> has a <head> (title, docdata: doc-id, date.issue, date.release,
 * subjects in tobject, identified-content) and a <body>: body.head
 * (hedline/hl1, byline with byttl, dateline with location, abstract)
 * and body.content (paragraphs, tables, lists, hl2, media).  Elements
 * are NITF's with or without its namespace.  The same body.head and
 * body.content also arrive inside NewsML (nx_nitf_fill()). */
#include "config.h"

#include "xml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The text of n's children on one line, leaving out the elements
 * named (a byline's title, a dateline's date). */
static char *line_except(const xmlNode *n, const char *const *leave)
{
    if (!n)
        return NULL;
    nx_buf_t b;
    nx_buf_init(&b);
    for (const xmlNode *c = n->children; c; c = c->next) {
        bool skip = false;
        for (size_t i = 0; leave[i] && c->type == XML_ELEMENT_NODE; i++)
            skip |= strcmp((const char *)c->name, leave[i]) == 0;
        if (skip)
            continue;
        char *t = nx_xml_line(c);
        if (t) {
            if (b.len && b.data[b.len - 1] != ' ')
                nx_buf_addc(&b, ' ');
            nx_buf_adds(&b, t);
            free(t);
        }
    }
    char *s = b.len ? nx_buf_steal(&b) : NULL;
    nx_buf_free(&b);
    if (!s)
        return NULL;
    /* "By Meredith Jameson," before its title: the comma goes. */
    size_t len = strlen(s);
    while (len && (s[len - 1] == ',' || s[len - 1] == ' ' || s[len - 1] == ';'))
        s[--len] = '\0';
    if (!len) {
        free(s);
        return NULL;
    }
    return s;
}

static char *byline_of(const xmlNode *byline)
{
    static const char *const leave[] = {"byttl", NULL};
    char *s = line_except(byline, leave);
    if (!s)
        s = nx_xml_line(byline);        /* only a title: "Sports Network" */
    return nx_strip_by(s);
}

static char *dateline_of(const xmlNode *dateline)
{
    static const char *const leave[] = {"story.date", NULL};
    return line_except(dateline, leave);
}

/* The name an inline tag (person, org, location) gives: its text, else
 * its value attribute. */
static char *tag_name(const xmlNode *n)
{
    char *s = nx_xml_line(n);
    return s ? s : nx_xml_attr(n, "value");
}

/* People, organisations and places the sender marked up. */
static void tagged(const xmlNode *n, newsidx_article_t *a, int depth)
{
    if (depth > 64)
        return;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!nx_xml_in(c, nx_ns_nitf))
            continue;
        const char *name = (const char *)c->name;
        if (strcmp(name, "person") == 0)
            nx_list_add(&a->agency_persons, &a->n_agency_persons, tag_name(c));
        else if (strcmp(name, "org") == 0)
            nx_list_add(&a->agency_orgs, &a->n_agency_orgs, tag_name(c));
        else if (strcmp(name, "location") == 0 || strcmp(name, "city") == 0 ||
                 strcmp(name, "country") == 0)
            nx_list_add(&a->agency_places, &a->n_agency_places, tag_name(c));
        else
            tagged(c, a, depth + 1);
    }
}

void nx_nitf_fill(nx_xml_ctx_t *ctx, const xmlNode *nitf, newsidx_article_t *a)
{
    (void)ctx;
    const xmlNode *body = nx_xml_child(nitf, nx_ns_nitf, "body");
    const xmlNode *bh = nx_xml_child(body, nx_ns_nitf, "body.head");
    if (bh) {
        const xmlNode *hed = nx_xml_child(bh, nx_ns_nitf, "hedline");
        if (!hed)
            hed = nx_xml_child(bh, nx_ns_nitf, "headline");   /* AP's NITF in NewsML */
        nx_take_once(&a->title, nx_xml_child_line(hed, nx_ns_nitf, "hl1"));
        nx_take_once(&a->byline, byline_of(nx_xml_child(bh, nx_ns_nitf, "byline")));
        nx_take_once(&a->dateline, dateline_of(nx_xml_child(bh, nx_ns_nitf, "dateline")));
        const xmlNode *by = nx_xml_child(bh, nx_ns_nitf, "byline");
        if (by)
            tagged(by, a, 0);
    }
    const xmlNode *content = nx_xml_child(body, nx_ns_nitf, "body.content");
    if (content) {
        nx_take_once(&a->body, nx_xml_body(content));
        tagged(content, a, 0);
    }
    if (!a->language) {
        char *lang = nx_xml_lang(content ? content : nitf);
        if (!lang)
            lang = nx_xml_attr(nitf, "baselang");
        a->language = lang;
    }
}

/* head/docdata and the rest of head: id, dates, subjects, places. */
static void nitf_head(newsidx_input_t *in, const xmlNode *head, newsidx_article_t *a,
                      bool *canceled)
{
    const xmlNode *dd = nx_xml_child(head, nx_ns_nitf, "docdata");
    if (dd) {
        char *st = nx_xml_attr(dd, "management-status");
        *canceled = st && (strcasecmp(st, "canceled") == 0 || strcasecmp(st, "withheld") == 0);
        free(st);
        char *id = nx_xml_attr(nx_xml_child(dd, nx_ns_nitf, "doc-id"), "id-string");
        nx_set_id(a, id);
        free(id);
        static const char *const dates[] = {"date.release", "date.issue"};
        for (size_t i = 0; i < NX_ARRAY_LEN(dates) && !a->date; i++)
            nx_xml_moment(in, a, nx_xml_child(dd, nx_ns_nitf, dates[i]), "norm");
        const xmlNode *ev = nx_xml_child(dd, nx_ns_nitf, "evloc");
        nx_list_add(&a->agency_places, &a->n_agency_places, nx_xml_attr(ev, "city"));
        const xmlNode *ic = nx_xml_child(dd, nx_ns_nitf, "identified-content");
        if (ic)
            tagged(ic, a, 0);
    }
    if (!a->date)
        nx_xml_moment(in, a, nx_xml_child(head, nx_ns_nitf, "pubdata"), "date.publication");
    for (const xmlNode *t = nx_xml_child(head, nx_ns_nitf, "tobject"); t;
         t = nx_xml_next(t, nx_ns_nitf, "tobject")) {
        for (const xmlNode *s = nx_xml_child(t, nx_ns_nitf, "tobject.subject"); s;
             s = nx_xml_next(s, nx_ns_nitf, "tobject.subject")) {
            static const char *const parts[] = {"tobject.subject.type", "tobject.subject.matter",
                                                "tobject.subject.detail"};
            for (size_t i = 0; i < NX_ARRAY_LEN(parts); i++)
                nx_list_add(&a->subjects, &a->n_subjects, nx_xml_attr(s, parts[i]));
        }
    }
}

static bool nitf_root(const xmlNode *root)
{
    return nx_xml_is(root, nx_ns_nitf, "nitf");
}

static bool nitf_item(const xmlNode *n, int depth)
{
    return depth == 0 && nitf_root(n);
}

static newsidx_status_t nitf_read(nx_xml_ctx_t *ctx, xmlNode *item, newsidx_article_t **out,
                                  const char **skip)
{
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NEWSIDX_ERR_NOMEM;
    bool canceled = false;
    const xmlNode *head = nx_xml_child(item, nx_ns_nitf, "head");
    nitf_head(ctx->in, head, a, &canceled);
    nx_nitf_fill(ctx, item, a);
    nx_take_once(&a->title, nx_xml_child_line(head, nx_ns_nitf, "title"));
    nx_lift_dateline(a);
    if (!a->body) {
        newsidx_article_free(a);
        *skip = "no text (NITF without body.content)";
        return NEWSIDX_END;
    }
    if (canceled)
        nx_input_warn(ctx->in, (unsigned long)xmlGetLineNo(item),
                      "%s: marked canceled or withheld by its sender (NITF management-status); "
                      "indexed all the same", a->id ? a->id : a->title ? a->title : "article");
    *out = a;
    return NEWSIDX_OK;
}

const nx_xml_format_t nx_nitf_format = {
    .format = NEWSIDX_FORMAT_NITF,
    .name = "NITF",
    .is_root = nitf_root,
    .is_item = nitf_item,
    .item = nitf_read,
};
