/* newsml_g2.c - NewsML-G2 (IPTC): a newsMessage holding items in its
 * itemSet, or one bare item.
 *
 * A newsItem says what it is in itemMeta (itemClass: text, picture,
 * video, graphic ...; pubStatus; versionCreated, firstCreated) and
 * contentMeta (headline, by, dateline, located, language, subjects with
 * their names, among them the people, organisations and places the
 * sender tagged), and carries its text in contentSet: inlineXML (NITF or
 * XHTML) or inlineData.  guid and version identify it: a newer version
 * of a guid replaces an older one.  Only text items are articles;
 * pictures, videos, graphics, packages and concepts are counted as
 * skipped.  Codes are compared by their code part ("ninat:text",
 * "icls:text"): the scheme alias is each sender's own. */
#include "config.h"

#include "xml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The code of a qcode ("ninat:text" -> "text") or of a URI (".../text"). */
static const char *code_of(const char *qcode)
{
    const char *c = strrchr(qcode, ':');
    const char *s = strrchr(qcode, '/');
    if (s && (!c || s > c))
        c = s;
    return c ? c + 1 : qcode;
}

static bool has_code(const xmlNode *n, const char *code)
{
    char *q = nx_xml_attr(n, "qcode");
    if (!q)
        q = nx_xml_attr(n, "uri");
    bool yes = q && strcasecmp(code_of(q), code) == 0;
    free(q);
    return yes;
}

/* Why an item is not an article, or NULL for text. */
static const char *not_text(const xmlNode *item)
{
    const char *local = (const char *)item->name;
    if (strcmp(local, "packageItem") == 0)
        return "package of other items (NewsML-G2 packageItem)";
    if (strcmp(local, "newsItem") != 0)
        return "concept, knowledge or planning item (NewsML-G2)";
    const xmlNode *meta = nx_xml_child(item, nx_ns_g2, "itemMeta");
    const xmlNode *cls = nx_xml_child(meta, nx_ns_g2, "itemClass");
    if (cls && !has_code(cls, "text")) {
        static const struct {
            const char *code, *why;
        } classes[] = {
            {"picture", "picture (NewsML-G2 itemClass)"},
            {"video", "video (NewsML-G2 itemClass)"},
            {"audio", "audio (NewsML-G2 itemClass)"},
            {"graphic", "graphic (NewsML-G2 itemClass)"},
            {"animated", "animation (NewsML-G2 itemClass)"},
            {"interactive", "interactive item (NewsML-G2 itemClass)"},
            {"composite", "package of other items (NewsML-G2 itemClass)"},
        };
        for (size_t i = 0; i < NX_ARRAY_LEN(classes); i++)
            if (has_code(cls, classes[i].code))
                return classes[i].why;
        return "not text (NewsML-G2 itemClass)";
    }
    const xmlNode *pub = nx_xml_child(meta, nx_ns_g2, "pubStatus");
    if (pub && (has_code(pub, "canceled") || has_code(pub, "withheld")))
        return "withdrawn by its sender (NewsML-G2 pubStatus)";
    return NULL;
}

/* A concept's name: the one in the article's language, else one without
 * a role or with a display role, else the first. */
static char *name_of(const xmlNode *concept, const char *lang)
{
    const xmlNode *best = NULL;
    int best_score = -1;
    for (const xmlNode *n = nx_xml_child(concept, nx_ns_g2, "name"); n;
         n = nx_xml_next(n, nx_ns_g2, "name")) {
        char *role = nx_xml_attr(n, "role");
        char *l = nx_xml_lang(n);
        int score = 0;
        if (!role || strcasecmp(code_of(role), "display") == 0 ||
            strcasecmp(code_of(role), "full") == 0)
            score += 1;
        if (lang && l && strncasecmp(l, lang, 2) == 0)
            score += 2;
        free(role);
        free(l);
        if (score > best_score) {
            best = n;
            best_score = score;
        }
    }
    char *s = nx_xml_line(best);
    return s ? s : nx_xml_attr(concept, "literal");
}

/* The main headline: one without a role or with a main role, the one
 * of lowest rank among them; never a subtitle. */
static char *headline_of(const xmlNode *cm)
{
    const xmlNode *best = NULL;
    long best_rank = 0;
    for (const xmlNode *h = nx_xml_child(cm, nx_ns_g2, "headline"); h;
         h = nx_xml_next(h, nx_ns_g2, "headline")) {
        char *role = nx_xml_attr(h, "role");
        bool main = !role || strcasestr(code_of(role), "main") || strcasecmp(code_of(role), "headline") == 0;
        free(role);
        if (!main)
            continue;
        char *rank = nx_xml_attr(h, "rank");
        long r = rank ? strtol(rank, NULL, 10) : 0;
        free(rank);
        if (!best || r < best_rank) {
            best = h;
            best_rank = r;
        }
    }
    return nx_xml_line(best);
}

/* Schemes whose codes are places whatever the sender: ISO 3166
 * countries and subdivisions, GeoNames, the Getty TGN, UN/LOCODE. */
static bool geo_scheme(const char *qcode)
{
    static const char *const schemes[] = {"iso3166", "geonames", "tgn", "unlocode"};
    for (size_t i = 0; qcode && i < NX_ARRAY_LEN(schemes); i++)
        if (strncasecmp(qcode, schemes[i], strlen(schemes[i])) == 0)
            return true;
    return false;
}

static bool qcode_is(const xmlNode *n, bool (*test)(const char *))
{
    char *q = nx_xml_attr(n, "qcode");
    bool yes = test(q);
    free(q);
    return yes;
}

/* Whether a subject is a place: its concept type says so (cpnat:geoArea,
 * cpnat:poi) or its qcode is in a geographic scheme.  A geoArea whose
 * equivalents (sameAs) are all outside geographic schemes, that lies in
 * no broader area, is a desk or a service, not a place (dpa's
 * "International": dpacountry:196, sameAs dpageosbj:63 and a Wikidata
 * item, no country code). */
static bool is_place(const xmlNode *s, const char *type)
{
    bool typed = strcasecmp(type, "geoArea") == 0 || strcasecmp(type, "poi") == 0;
    if (!typed)
        return !*type && qcode_is(s, geo_scheme);
    bool same_as = false;
    for (const xmlNode *x = nx_xml_child(s, nx_ns_g2, "sameAs"); x;
         x = nx_xml_next(x, nx_ns_g2, "sameAs")) {
        if (qcode_is(x, geo_scheme))
            return true;
        same_as = true;
    }
    return !same_as || nx_xml_child(s, nx_ns_g2, "broader") != NULL;
}

static bool has_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return true;
    return false;
}

/* A place's name, never a street address: "Tottenham Hotspur Stadium,
 * High Road 782, N17 , Vereinigtes Königreich" is the stadium; "782 High
 * Rd, London N17" nothing.  Takes name. */
static char *place_name(char *name)
{
    const char *comma = name ? strchr(name, ',') : NULL;
    if (!comma || !has_digit(comma, strlen(comma)))
        return name;
    size_t head = (size_t)(comma - name);
    char *out = has_digit(name, head) ? NULL : nx_strndup(name, head);
    free(name);
    return out;
}

static void subjects(const xmlNode *cm, newsidx_article_t *a)
{
    for (const xmlNode *s = nx_xml_child(cm, nx_ns_g2, "subject"); s;
         s = nx_xml_next(s, nx_ns_g2, "subject")) {
        char *type = nx_xml_attr(s, "type");
        const char *t = type ? code_of(type) : "";
        char *name = name_of(s, a->language);
        /* A name that only repeats its code (AP's category "f" for
         * apcategorycode:f) names nothing. */
        char *qcode = nx_xml_attr(s, "qcode");
        if (name && qcode && strcasecmp(name, code_of(qcode)) == 0) {
            free(name);
            name = NULL;
        }
        free(qcode);
        if (strcasecmp(t, "person") == 0)
            nx_list_add(&a->agency_persons, &a->n_agency_persons, name);
        else if (strcasecmp(t, "organisation") == 0 || strcasecmp(t, "organization") == 0)
            nx_list_add(&a->agency_orgs, &a->n_agency_orgs, name);
        else if (is_place(s, t))
            nx_list_add(&a->agency_places, &a->n_agency_places, place_name(name));
        else if (strcasecmp(t, "geoArea") == 0 || strcasecmp(t, "poi") == 0)
            free(name);         /* a desk or service typed as a place */
        else
            nx_list_add(&a->subjects, &a->n_subjects, name);
        free(type);
    }
}

/* The text of an inlineXML: NITF, XHTML, or other markup. */
static void inline_xml(nx_xml_ctx_t *ctx, const xmlNode *ix, newsidx_article_t *a)
{
    for (const xmlNode *x = ix->children; x && !a->body; x = x->next) {
        if (nx_xml_is(x, nx_ns_nitf, "nitf"))
            nx_nitf_fill(ctx, x, a);
        else if (nx_xml_is(x, nx_ns_xhtml, "html"))
            a->body = nx_xml_body(nx_xml_child(x, nx_ns_xhtml, "body"));
        else if (x->type == XML_ELEMENT_NODE)
            a->body = nx_xml_body(ix);
    }
}

/* The text of an inlineData: plain text, or HTML escaped in it. */
static void inline_data(const xmlNode *id, newsidx_article_t *a)
{
    char *type = nx_xml_attr(id, "contenttype");
    xmlChar *raw = xmlNodeGetContent(id);
    if (raw && type && strcasestr(type, "html"))
        a->body = nx_html_body((const char *)raw, strlen((const char *)raw));
    else if (raw)
        a->body = nx_text_paragraphs((const char *)raw);
    xmlFree(raw);
    free(type);
}

/* One rendition of the content into a: whether it is one with text. */
static bool rendition(nx_xml_ctx_t *ctx, const xmlNode *c, newsidx_article_t *a)
{
    if (nx_xml_is(c, nx_ns_g2, "inlineXML"))
        inline_xml(ctx, c, a);
    else if (nx_xml_is(c, nx_ns_g2, "inlineData"))
        inline_data(c, a);
    else
        return false;
    return a->body != NULL;
}

/* The children of a contentSet are alternatives of one content
 * (NewsML-G2 specification, "Content"): plain text and XHTML, a teaser
 * and the whole text.  The fullest text is the article's. */
static void content_of(nx_xml_ctx_t *ctx, const xmlNode *cs, newsidx_article_t *a)
{
    const xmlNode *best = NULL;
    size_t best_len = 0;
    for (const xmlNode *c = cs ? cs->children : NULL; c; c = c->next) {
        newsidx_article_t *trial = newsidx_article_new();
        if (trial && rendition(ctx, c, trial) && strlen(trial->body) > best_len) {
            best = c;
            best_len = strlen(trial->body);
        }
        newsidx_article_free(trial);
    }
    if (best)
        rendition(ctx, best, a);
}

/* Why an item has no text here: it is elsewhere, or nowhere. */
static const char *no_text_reason(const xmlNode *item)
{
    const xmlNode *cs = nx_xml_child(item, nx_ns_g2, "contentSet");
    if (nx_xml_child(cs, nx_ns_g2, "remoteContent"))
        return "text only at a remote address (NewsML-G2 remoteContent, never fetched)";
    return "no text (NewsML-G2 item without inlineXML or inlineData)";
}

/* A dateline element that holds a time ("2014-07-17 00:24:11
 * GMT+00:00") says nothing about the place. */
static char *place_dateline(const xmlNode *cm)
{
    char *d = nx_xml_child_line(cm, nx_ns_g2, "dateline");
    nx_datetime_t dt;
    if (d && nx_datetime_parse(d, strlen(d), &dt)) {
        free(d);
        return NULL;
    }
    return d;
}

static void meta_of(newsidx_input_t *in, const xmlNode *item, newsidx_article_t *a)
{
    const xmlNode *im = nx_xml_child(item, nx_ns_g2, "itemMeta");
    const xmlNode *cm = nx_xml_child(item, nx_ns_g2, "contentMeta");
    char *guid = nx_xml_attr(item, "guid");
    nx_set_id(a, guid);
    free(guid);
    a->version = nx_xml_attr(item, "version");
    static const char *const times[] = {"versionCreated", "firstCreated"};
    for (size_t i = 0; i < NX_ARRAY_LEN(times) && !a->date; i++)
        nx_xml_moment(in, a, nx_xml_child(im, nx_ns_g2, times[i]), NULL);
    static const char *const content_times[] = {"contentModified", "contentCreated"};
    for (size_t i = 0; i < NX_ARRAY_LEN(content_times) && !a->date; i++)
        nx_xml_moment(in, a, nx_xml_child(cm, nx_ns_g2, content_times[i]), NULL);
    a->language = nx_xml_attr(nx_xml_child(cm, nx_ns_g2, "language"), "tag");
    if (!a->language)
        a->language = nx_xml_lang(item);
    a->title = headline_of(cm);
    a->byline = nx_strip_by(nx_xml_child_line(cm, nx_ns_g2, "by"));
    a->dateline = place_dateline(cm);
    subjects(cm, a);
    const xmlNode *loc = nx_xml_child(cm, nx_ns_g2, "located");
    if (loc)
        nx_list_add(&a->agency_places, &a->n_agency_places,
                    place_name(name_of(loc, a->language)));
}

static bool g2_root(const xmlNode *root)
{
    static const char *const roots[] = {"newsMessage", "newsItem", "packageItem", "conceptItem",
                                        "knowledgeItem", "planningItem", "contentSet",
                                        "inlineXML", NULL};
    for (size_t i = 0; roots[i]; i++)
        if (nx_xml_is(root, nx_ns_g2, roots[i]))
            return true;
    return false;
}

static bool g2_item(const xmlNode *n, int depth)
{
    static const char *const items[] = {"newsItem", "packageItem", "conceptItem",
                                        "knowledgeItem", "planningItem", NULL};
    for (size_t i = 0; items[i]; i++)
        if (nx_xml_is(n, nx_ns_g2, items[i]))
            return true;
    /* A contentSet or inlineXML on its own: text without metadata. */
    return depth == 0 && (nx_xml_is(n, nx_ns_g2, "contentSet") ||
                          nx_xml_is(n, nx_ns_g2, "inlineXML"));
}

static newsidx_status_t g2_read(nx_xml_ctx_t *ctx, xmlNode *item, newsidx_article_t **out,
                                const char **skip)
{
    bool fragment = !strcmp((const char *)item->name, "contentSet") ||
                    !strcmp((const char *)item->name, "inlineXML");
    if (!fragment && (*skip = not_text(item)))
        return NEWSIDX_END;
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NEWSIDX_ERR_NOMEM;
    if (fragment && !strcmp((const char *)item->name, "inlineXML")) {
        inline_xml(ctx, item, a);
    } else if (fragment) {
        content_of(ctx, item, a);
    } else {
        meta_of(ctx->in, item, a);
        content_of(ctx, nx_xml_child(item, nx_ns_g2, "contentSet"), a);
    }
    if (!a->language && ctx->language)
        a->language = nx_strdup(ctx->language);
    nx_lift_dateline(a);
    if (!a->dateline && !fragment) {
        const xmlNode *cm = nx_xml_child(item, nx_ns_g2, "contentMeta");
        a->dateline = name_of(nx_xml_child(cm, nx_ns_g2, "located"), a->language);
    }
    if (!a->body) {
        newsidx_article_free(a);
        *skip = no_text_reason(item);
        return NEWSIDX_END;
    }
    *out = a;
    return NEWSIDX_OK;
}

const nx_xml_format_t nx_newsml_g2_format = {
    .format = NEWSIDX_FORMAT_NEWSML_G2,
    .name = "NewsML-G2",
    .is_root = g2_root,
    .is_item = g2_item,
    .item = g2_read,
};
