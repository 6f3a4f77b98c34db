/* newsml1.c - NewsML 1.2 (IPTC), as AFP and others still send it.
 *
 * A NewsML document holds NewsItems.  A NewsItem is identified by its
 * NewsIdentifier (ProviderId, DateId, NewsItemId, RevisionId: the id is
 * the first three, the revision its version), managed in NewsManagement
 * (FirstCreated, ThisRevisionCreated, Status), and described by nested
 * NewsComponents: NewsLines (HeadLine, ByLine, DateLine),
 * DescriptiveMetadata (Language, Location), and ContentItems whose
 * MediaType says Text, Photo, Video ...; the text is in DataContent, as
 * NITF, XHTML or plain text. */
#include "config.h"

#include "xml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *formal_name(const xmlNode *n)
{
    return nx_xml_attr(n, "FormalName");
}

/* The first ContentItem of a MediaType below n, depth first. */
static const xmlNode *content_item(const xmlNode *n, const char *media, int depth)
{
    if (!n || depth > 32)
        return NULL;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (nx_xml_is(c, nx_ns_newsml1, "ContentItem")) {
            char *mt = formal_name(nx_xml_child(c, nx_ns_newsml1, "MediaType"));
            bool match = mt ? strcasecmp(mt, media) == 0 : strcmp(media, "Text") == 0;
            free(mt);
            if (match && nx_xml_child(c, nx_ns_newsml1, "DataContent"))
                return c;
        } else if (nx_xml_is(c, nx_ns_newsml1, "NewsComponent")) {
            const xmlNode *found = content_item(c, media, depth + 1);
            if (found)
                return found;
        }
    }
    return NULL;
}

static void text_of(nx_xml_ctx_t *ctx, const xmlNode *ci, newsidx_article_t *a)
{
    const xmlNode *dc = nx_xml_child(ci, nx_ns_newsml1, "DataContent");
    const xmlNode *nitf = nx_xml_child(dc, nx_ns_nitf, "nitf");
    if (nitf) {
        nx_nitf_fill(ctx, nitf, a);
        return;
    }
    const xmlNode *html = nx_xml_child(dc, nx_ns_xhtml, "html");
    if (html) {
        a->body = nx_xml_body(nx_xml_child(html, nx_ns_xhtml, "body"));
        return;
    }
    char *mime = formal_name(nx_xml_child(ci, nx_ns_newsml1, "MimeType"));
    xmlChar *raw = xmlNodeGetContent(dc);
    if (raw && mime && strcasestr(mime, "html"))
        a->body = nx_html_body((const char *)raw, strlen((const char *)raw));
    else if (raw && dc->children && dc->children->type == XML_ELEMENT_NODE)
        a->body = nx_xml_body(dc);
    else if (raw)
        a->body = nx_text_paragraphs((const char *)raw);
    xmlFree(raw);
    free(mime);
}

static void identify(newsidx_input_t *in, const xmlNode *item, newsidx_article_t *a)
{
    const xmlNode *id = nx_xml_find(item, nx_ns_newsml1, "NewsIdentifier");
    char *prov = nx_xml_child_line(id, nx_ns_newsml1, "ProviderId");
    char *date = nx_xml_child_line(id, nx_ns_newsml1, "DateId");
    char *nid = nx_xml_child_line(id, nx_ns_newsml1, "NewsItemId");
    if (prov && date && nid) {
        char *urn = nx_printf("urn:newsml:%s:%s:%s", prov, date, nid);
        nx_set_id(a, urn);
        free(urn);
    } else {
        char *pub = nx_xml_child_line(id, nx_ns_newsml1, "PublicIdentifier");
        nx_set_id(a, pub);
        free(pub);
    }
    a->version = nx_xml_child_line(id, nx_ns_newsml1, "RevisionId");
    const xmlNode *nm = nx_xml_child(item, nx_ns_newsml1, "NewsManagement");
    static const char *const times[] = {"ThisRevisionCreated", "FirstCreated"};
    for (size_t i = 0; i < NX_ARRAY_LEN(times) && !a->date; i++)
        nx_xml_moment(in, a, nx_xml_child(nm, nx_ns_newsml1, times[i]), NULL);
    if (!a->date)
        nx_xml_moment(in, a, nx_xml_child(id, nx_ns_newsml1, "DateId"), NULL);
    free(prov);
    free(date);
    free(nid);
}

static void describe(const xmlNode *item, newsidx_article_t *a)
{
    const xmlNode *lines = nx_xml_find(item, nx_ns_newsml1, "NewsLines");
    a->title = nx_xml_child_line(lines, nx_ns_newsml1, "HeadLine");
    a->byline = nx_strip_by(nx_xml_child_line(lines, nx_ns_newsml1, "ByLine"));
    a->dateline = nx_xml_child_line(lines, nx_ns_newsml1, "DateLine");
    const xmlNode *dm = nx_xml_find(item, nx_ns_newsml1, "DescriptiveMetadata");
    a->language = formal_name(nx_xml_child(dm, nx_ns_newsml1, "Language"));
    if (!a->language)
        a->language = nx_xml_lang(item);
    for (const xmlNode *loc = nx_xml_child(dm, nx_ns_newsml1, "Location"); loc;
         loc = nx_xml_next(loc, nx_ns_newsml1, "Location")) {
        for (const xmlNode *p = nx_xml_child(loc, nx_ns_newsml1, "Property"); p;
             p = nx_xml_next(p, nx_ns_newsml1, "Property")) {
            char *what = formal_name(p);
            if (what && strcasecmp(what, "City") == 0)
                nx_list_add(&a->agency_places, &a->n_agency_places, nx_xml_attr(p, "Value"));
            free(what);
        }
    }
}

static bool newsml1_root(const xmlNode *root)
{
    return nx_xml_is(root, nx_ns_newsml1, "NewsML") || nx_xml_is(root, nx_ns_newsml1, "NewsItem");
}

static bool newsml1_item(const xmlNode *n, int depth)
{
    (void)depth;
    return nx_xml_is(n, nx_ns_newsml1, "NewsItem");
}

static newsidx_status_t newsml1_read(nx_xml_ctx_t *ctx, xmlNode *item, newsidx_article_t **out,
                                     const char **skip)
{
    const xmlNode *nm = nx_xml_child(item, nx_ns_newsml1, "NewsManagement");
    char *status = formal_name(nx_xml_child(nm, nx_ns_newsml1, "Status"));
    bool gone = status && (strcasecmp(status, "Canceled") == 0 ||
                           strcasecmp(status, "Withheld") == 0);
    free(status);
    if (gone) {
        *skip = "withdrawn by its sender (NewsML 1.2 Status)";
        return NEWSIDX_END;
    }
    const xmlNode *ci = content_item(item, "Text", 0);
    if (!ci) {
        static const struct {
            const char *media, *why;
        } others[] = {
            {"Photo", "picture (NewsML 1.2 MediaType)"},
            {"Graphic", "graphic (NewsML 1.2 MediaType)"},
            {"Video", "video (NewsML 1.2 MediaType)"},
            {"Audio", "audio (NewsML 1.2 MediaType)"},
        };
        *skip = "no text (NewsML 1.2 item without a text ContentItem)";
        for (size_t i = 0; i < NX_ARRAY_LEN(others); i++)
            if (content_item(item, others[i].media, 0))
                *skip = others[i].why;
        return NEWSIDX_END;
    }
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NEWSIDX_ERR_NOMEM;
    identify(ctx->in, item, a);
    describe(item, a);
    text_of(ctx, ci, a);
    nx_lift_dateline(a);
    if (!a->body) {
        newsidx_article_free(a);
        *skip = "no text (NewsML 1.2 item without a text ContentItem)";
        return NEWSIDX_END;
    }
    *out = a;
    return NEWSIDX_OK;
}

const nx_xml_format_t nx_newsml1_format = {
    .format = NEWSIDX_FORMAT_NEWSML1,
    .name = "NewsML 1.2",
    .is_root = newsml1_root,
    .is_item = newsml1_item,
    .item = newsml1_read,
};
