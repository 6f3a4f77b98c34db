/* xml.c - libxml2 set up for untrusted files, and what every XML reader
 * shares.
 *
 * Safety: the network is off (XML_PARSE_NONET), no DTD or external
 * entity is ever loaded (no XML_PARSE_DTDLOAD or XML_PARSE_NOENT, and an
 * external entity loader that refuses everything), XML_PARSE_HUGE is
 * never set, so libxml2's limits on text size, nesting depth and entity
 * amplification stay on ("billion laughs" stops with an entity loop
 * error).  A DOCTYPE naming a remote DTD, and documents declaring
 * external entities or entities built of other entities, are refused
 * before any item is read.  Entity references left in the tree are
 * expanded one level, within the article size limit.
 *
 * Streaming: a newsMessage, a feed or a WordPress export may be large,
 * so the document is read with xmlTextReader, item by item; each item
 * is expanded into a small tree, handed to its format, and freed.  An
 * item larger than NX_MAX_RECORD stops the read (the input callback
 * refuses more bytes) instead of being held in memory. */
#include "config.h"

#include "xml.h"
#include "utf8.h"

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

nx_ns_t nx_ns_nitf = {"", "http://iptc.org/std/NITF/2006-10-18/", "http://iptc.org/std/NITF/",
                      "urn:nitf-org:nitf:schema", NULL};
nx_ns_t nx_ns_g2 = {"http://iptc.org/std/nar/2006-10-01/", "", NULL};
nx_ns_t nx_ns_newsml1 = {"", "http://iptc.org/std/NewsML/2003-10-10/",
                         "urn:newsml:iptc.org:20001006:NewsMLv1.0:1", NULL};
nx_ns_t nx_ns_xhtml = {"http://www.w3.org/1999/xhtml", "", NULL};
nx_ns_t nx_ns_atom = {"http://www.w3.org/2005/Atom", NULL};
nx_ns_t nx_ns_rss = {"", "http://purl.org/rss/1.0/", "http://backend.userland.com/rss2", NULL};
nx_ns_t nx_ns_content = {"http://purl.org/rss/1.0/modules/content/", NULL};
nx_ns_t nx_ns_dc = {"http://purl.org/dc/elements/1.1/", NULL};
nx_ns_t nx_ns_wordpress = {"http://wordpress.org/export/1.0/", "http://wordpress.org/export/1.1/",
                           "http://wordpress.org/export/1.2/", NULL};
nx_ns_t nx_ns_any = {NULL};

enum {
    PARSE_OPTIONS = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA,
    HTML_OPTIONS = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                   HTML_PARSE_RECOVER,
};

/* ------------------------------------------------------------------ */
/* Setup                                                               */
/* ------------------------------------------------------------------ */

static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void setup_once(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_entity);
}

/* Once per process, and in each thread that parses (libxml2 keeps its
 * default error handlers per thread): nothing goes to stderr behind our
 * back. */
static void setup(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, setup_once);
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Finding elements                                                    */
/* ------------------------------------------------------------------ */

bool nx_xml_in(const xmlNode *n, const char *const *ns)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return false;
    if (!ns[0])
        return true;                    /* nx_ns_any */
    const char *uri = n->ns && n->ns->href ? (const char *)n->ns->href : "";
    for (size_t i = 0; ns[i]; i++)
        if (strcmp(uri, ns[i]) == 0)
            return true;
    return false;
}

bool nx_xml_is(const xmlNode *n, const char *const *ns, const char *local)
{
    return nx_xml_in(n, ns) && strcmp((const char *)n->name, local) == 0;
}

xmlNode *nx_xml_next(const xmlNode *after, const char *const *ns, const char *local)
{
    for (xmlNode *c = after ? after->next : NULL; c; c = c->next)
        if (nx_xml_is(c, ns, local))
            return c;
    return NULL;
}

xmlNode *nx_xml_child(const xmlNode *n, const char *const *ns, const char *local)
{
    if (!n)
        return NULL;
    for (xmlNode *c = n->children; c; c = c->next)
        if (nx_xml_is(c, ns, local))
            return c;
    return NULL;
}

xmlNode *nx_xml_find(const xmlNode *n, const char *const *ns, const char *local)
{
    if (!n)
        return NULL;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (nx_xml_is(c, ns, local))
            return c;
        xmlNode *d = nx_xml_find(c, ns, local);
        if (d)
            return d;
    }
    return NULL;
}

char *nx_xml_lang(const xmlNode *n)
{
    xmlChar *l = xmlNodeGetLang(n);
    char *s = l && *l ? nx_strdup((const char *)l) : NULL;
    xmlFree(l);
    return s;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

/* Markup into text: blocks become paragraphs, whitespace one space. */
typedef struct walk {
    nx_buf_t out;
    bool one_line;          /* headlines: blocks are only spaces */
    bool newlines;          /* text newlines are line breaks (WordPress) */
    int pending;            /* 0, 1 space, 2 line break, 3 paragraph */
    size_t budget;          /* bytes of text still allowed */
    bool too_long;
} walk_t;

static void walk_init(walk_t *w, bool one_line)
{
    memset(w, 0, sizeof *w);
    nx_buf_init(&w->out);
    w->one_line = one_line;
    w->budget = NX_MAX_RECORD;
}

static void want(walk_t *w, int level)
{
    if (w->one_line && level > 1)
        level = 1;
    if (level > w->pending)
        w->pending = level;
}

static void put_cp(walk_t *w, uint32_t cp)
{
    if (w->out.len > 0 && w->pending) {
        static const char *const seps[] = {"", " ", "\n", "\n\n"};
        nx_buf_adds(&w->out, seps[w->pending]);
    }
    w->pending = 0;
    char enc[4];
    size_t k = nx_utf8_put(cp, enc);
    if (k > w->budget) {
        w->too_long = true;
        w->budget = 0;
        return;
    }
    w->budget -= k;
    nx_buf_add(&w->out, enc, k);
}

/* Text as it stands in the document: C1 controls are read as the
 * Windows-1252 characters they almost always were, other controls and
 * runs of whitespace become one space. */
static void put_text(walk_t *w, const char *s)
{
    const char *end = s + strlen(s);
    size_t newlines = 0;
    while (s < end && !w->too_long) {
        uint32_t cp = nx_utf8_next(&s, end);
        if (cp == '\n' && w->newlines) {
            newlines++;
            want(w, newlines >= 2 ? 3 : 2);
            continue;
        }
        if (cp == '\r' && w->newlines)
            continue;
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xa0 ||
            cp == 0x2028 || cp == 0x2029) {
            want(w, 1);
            continue;
        }
        newlines = 0;
        cp = nx_cp1252_c1(cp);
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0xfeff) {
            want(w, 1);
            continue;
        }
        put_cp(w, cp);
    }
}

static bool name_in(const char *name, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return true;
    return false;
}

/* Elements whose text is not the article's (scripts, images and media
 * with their captions, an HTML page's header, footer and navigation),
 * and elements that make blocks. */
static const char *const skipped[] = {
    "script", "style", "head", "img", "iframe", "object", "embed", "noscript", "svg",
    "media", "media-reference", "media-metadata", "media-object", "media-producer",
    "figure", "video", "audio", "source", "form", "button", "input", "select", "textarea",
    "map", "canvas", "template", "header", "footer", "nav", "aside", NULL,
};
static const char *const blocks[] = {
    "p", "div", "section", "article", "blockquote", "bq",
    "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hl1", "hl2", "li", "ul", "ol", "dl", "dt",
    "dd", "tr", "table", "thead", "tbody", "tfoot", "block", "body.content", "body", "note",
    "address", "hr", "fn", "title", "caption", "main", "tagline", "nitf-table", "abstract",
    "credit", "distributor", "dateline", "byline", NULL,
};

static void walk_node(walk_t *w, const xmlNode *n, int depth);

static void walk_children(walk_t *w, const xmlNode *n, int depth)
{
    for (const xmlNode *c = n->children; c && !w->too_long; c = c->next)
        walk_node(w, c, depth + 1);
}

static void walk_node(walk_t *w, const xmlNode *c, int depth)
{
    if (depth > 512)
        return;
    switch (c->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (c->content)
            put_text(w, (const char *)c->content);
        break;
    case XML_ENTITY_REF_NODE: {
        /* Declared in the document's own DTD: its text, one level deep
         * (documents with entities made of entities were refused). */
        xmlEntityPtr e = xmlGetDocEntity(c->doc, c->name);
        if (e && e->etype == XML_INTERNAL_GENERAL_ENTITY && e->content &&
            !strchr((const char *)e->content, '&') && !strchr((const char *)e->content, '<'))
            put_text(w, (const char *)e->content);
        break;
    }
    case XML_ELEMENT_NODE: {
        const char *name = (const char *)c->name;
        if (name_in(name, skipped))
            break;
        if (strcasecmp(name, "br") == 0) {
            want(w, 2);
            break;
        }
        bool block = name_in(name, blocks);
        if (block)
            want(w, 3);
        else if (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0)
            want(w, 1);
        walk_children(w, c, depth);
        if (block)
            want(w, 3);
        break;
    }
    default:
        break;
    }
}

static char *walk_result(walk_t *w)
{
    if (w->out.oom || w->out.len == 0) {
        nx_buf_free(&w->out);
        return NULL;
    }
    return nx_buf_steal(&w->out);
}

char *nx_xml_line(const xmlNode *n)
{
    if (!n)
        return NULL;
    walk_t w;
    walk_init(&w, true);
    if (n->type == XML_ELEMENT_NODE)
        walk_children(&w, n, 0);
    else
        walk_node(&w, n, 0);
    return walk_result(&w);
}

char *nx_xml_body(const xmlNode *n)
{
    if (!n)
        return NULL;
    walk_t w;
    walk_init(&w, false);
    walk_children(&w, n, 0);
    return walk_result(&w);
}

char *nx_xml_child_line(const xmlNode *n, const char *const *ns, const char *local)
{
    return nx_xml_line(nx_xml_child(n, ns, local));
}

bool nx_xml_moment(newsidx_input_t *in, newsidx_article_t *a, const xmlNode *n,
                   const char *attr)
{
    if (!n)
        return false;
    char *when = attr ? nx_xml_attr(n, attr) : nx_xml_line(n);
    char *field = nx_printf("%s%s%s", (const char *)n->name, attr ? "@" : "", attr ? attr : "");
    long line = xmlGetLineNo(n);
    bool ok = field && nx_input_moment(in, line > 0 ? (unsigned long)line : 0, a, field, when);
    free(field);
    free(when);
    return ok;
}

char *nx_xml_attr(const xmlNode *n, const char *name)
{
    if (!n)
        return NULL;
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    walk_t w;
    walk_init(&w, true);
    put_text(&w, (const char *)v);
    xmlFree(v);
    return walk_result(&w);
}

/* HTML of a feed or ninjs: htmlReadMemory decodes its entities and
 * mends its markup; what remains is walked like XML.  WordPress keeps
 * posts with newlines for paragraphs (its editor adds the <p> later). */
static char *html_text(const char *html, size_t n, bool newlines)
{
    setup();
    if (n > INT32_MAX)
        return NULL;
    htmlDocPtr doc = htmlReadMemory(html, (int)n, NULL, "UTF-8", HTML_OPTIONS);
    if (!doc)
        return NULL;
    walk_t w;
    walk_init(&w, false);
    w.newlines = newlines;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (root)
        walk_node(&w, root, 0);
    xmlFreeDoc(doc);
    return walk_result(&w);
}

char *nx_html_body(const char *html, size_t n)
{
    return html_text(html, n, false);
}

char *nx_wordpress_body(const char *html, size_t n)
{
    return html_text(html, n, true);
}

/* ------------------------------------------------------------------ */
/* The streaming driver                                                */
/* ------------------------------------------------------------------ */

static const nx_xml_format_t *const xml_formats[] = {
    &nx_nitf_format, &nx_newsml_g2_format, &nx_newsml1_format, &nx_rss_format, &nx_atom_format,
};

typedef struct xml_state {
    newsidx_input_t *in;
    xmlTextReaderPtr r;
    const nx_xml_format_t *fmt;
    nx_xml_ctx_t ctx;
    bool root_seen, done;
    int positioned;             /* 1: the reader is on the next node already */
    uint64_t bytes;             /* handed to libxml2 */
    uint64_t item_start;
    bool in_item, too_large;
    char *first_error;
    int error_code;
    unsigned long error_line;
} xml_state_t;

static int io_read(void *p, char *buf, int len)
{
    xml_state_t *st = p;
    if (st->in_item && st->bytes - st->item_start > NX_MAX_RECORD) {
        st->too_large = true;
        return -1;
    }
    size_t got = nx_input_read(st->in, buf, len > 0 ? (size_t)len : 0);
    if (got == 0 && ferror(st->in->fp))
        return -1;
    st->bytes += got;
    return (int)got;
}

static void on_error(void *p, xmlErrorPtr e)
{
    xml_state_t *st = p;
    if (!e || e->level < XML_ERR_ERROR || st->first_error)
        return;
    const char *m = e->message ? e->message : "error";
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    st->first_error = nx_strndup(m, n);
    st->error_code = e->code;
    st->error_line = e->line > 0 ? (unsigned long)e->line : 0;
}

/* An error at the very end of the input, where elements were still
 * open: a file cut short. */
static bool truncated(const xml_state_t *st)
{
    return feof(st->in->fp) && st->in->chunk_pos >= st->in->chunk_len &&
           (st->error_code == XML_ERR_TAG_NOT_FINISHED || st->error_code == XML_ERR_DOCUMENT_END || st->error_code == XML_ERR_LTSLASH_REQUIRED ||
            st->error_code == XML_ERR_DOCUMENT_EMPTY || st->error_code == XML_ERR_GT_REQUIRED ||
            st->error_code == XML_ERR_LT_REQUIRED || st->error_code == XML_ERR_TAG_NAME_MISMATCH ||
            st->error_code == XML_ERR_ATTRIBUTE_NOT_FINISHED ||
            st->error_code == XML_ERR_ATTRIBUTE_WITHOUT_VALUE ||
            st->error_code == XML_ERR_NAME_REQUIRED || st->error_code == XML_ERR_COMMENT_NOT_FINISHED ||
            st->error_code == XML_ERR_CDATA_NOT_FINISHED || st->error_code == XML_ERR_LITERAL_NOT_FINISHED ||
            st->error_code == XML_ERR_SPACE_REQUIRED);
}

/* The reader stopped: one message saying why, for the whole file. */
static newsidx_status_t read_failed(xml_state_t *st)
{
    st->done = true;
    newsidx_input_t *in = st->in;
    if (st->too_large)
        nx_input_error(in, st->error_line, "an XML item larger than %u MiB: not read (nothing "
                       "of it is imported, nor anything after it in this file)",
                       NX_MAX_RECORD >> 20);
    else if (ferror(in->fp))
        nx_input_error(in, 0, "read error");
    else if (st->first_error && strstr(st->first_error, "entity"))
        nx_input_error(in, st->error_line, "XML refused: %s (entities that expand without "
                       "bound, as in a 'billion laughs' file, are not read)", st->first_error);
    else
        nx_input_error(in, st->error_line, "not well-formed XML%s: %s; nothing after this "
                       "point is read",
                       truncated(st) ? " (the file ends too early: truncated?)" : "",
                       st->first_error ? st->first_error : "parse error");
    return NEWSIDX_ERR_INPUT;
}

/* What the document's DTD declares, checked before any item: a DTD
 * named by URL would be fetched by a careless reader (we never do), and
 * external entities or entities built of entities are attacks, not
 * news. */
static bool dtd_acceptable(xml_state_t *st, const xmlNode *root, unsigned long line)
{
    /* root->doc, not xmlTextReaderCurrentDoc(): that one hands the
     * document to the caller, and the reader no longer frees it. */
    xmlDtdPtr dtd = xmlGetIntSubset(root->doc);
    if (!dtd)
        return true;
    if (dtd->SystemID && strstr((const char *)dtd->SystemID, "://") &&
        strncasecmp((const char *)dtd->SystemID, "file:", 5) != 0) {
        nx_input_error(st->in, line, "the DOCTYPE names a remote DTD (%.200s): refused; "
                       "newsidx never fetches anything over the network (remove the DOCTYPE "
                       "line to import the file)", (const char *)dtd->SystemID);
        return false;
    }
    for (xmlNode *c = dtd->children; c; c = c->next) {
        if (c->type != XML_ENTITY_DECL)
            continue;
        xmlEntityPtr e = (xmlEntityPtr)c;
        if (e->etype != XML_INTERNAL_GENERAL_ENTITY && e->etype != XML_INTERNAL_PREDEFINED_ENTITY) {
            nx_input_error(st->in, line, "XML refused: it declares the external entity '%s' "
                           "(never loaded)", (const char *)e->name);
            return false;
        }
        if (e->content && strchr((const char *)e->content, '&')) {
            nx_input_error(st->in, line, "XML refused: the entity '%s' is made of other "
                           "entities (as in a 'billion laughs' file); not expanded",
                           (const char *)e->name);
            return false;
        }
    }
    return true;
}

/* The document element: which format this is (or whether it is the
 * one asked for). */
static bool choose_format(xml_state_t *st, const xmlNode *root, unsigned long line)
{
    newsidx_input_t *in = st->in;
    const nx_xml_format_t *found = NULL;
    for (size_t i = 0; i < NX_ARRAY_LEN(xml_formats) && !found; i++)
        if (xml_formats[i]->is_root(root))
            found = xml_formats[i];
    const char *uri = root->ns && root->ns->href ? (const char *)root->ns->href : "";
    if (!found) {
        nx_input_error(in, line, "XML whose root element <%s>%s%s%s is not a news format "
                       "newsidx reads (NITF, NewsML-G2, NewsML 1.2, RSS, Atom)",
                       (const char *)root->name, *uri ? " (namespace " : "", uri,
                       *uri ? ")" : "");
        return false;
    }
    if (st->fmt && st->fmt != found && !st->fmt->is_root(root)) {
        nx_input_error(in, line, "--format %s, but this is %s (root element <%s>)",
                       newsidx_format_to_string(in->format), found->name,
                       (const char *)root->name);
        return false;
    }
    if (!st->fmt || !st->fmt->is_root(root))
        st->fmt = found;
    in->format = st->fmt->format;
    return true;
}

/* Reads the item the reader stands on, then moves past it. */
static newsidx_status_t read_item(xml_state_t *st, newsidx_article_t **out)
{
    unsigned long line = (unsigned long)xmlTextReaderGetParserLineNumber(st->r);
    st->in_item = true;
    st->item_start = st->bytes;
    st->error_line = line;
    xmlNode *item = xmlTextReaderExpand(st->r);
    st->in_item = false;
    if (!item)
        return read_failed(st);
    newsidx_article_t *a = NULL;
    const char *skip = NULL;
    free(st->ctx.error);
    st->ctx.error = NULL;
    nx_input_drop_notes(st->in);
    newsidx_status_t s = st->fmt->item(&st->ctx, item, &a, &skip);
    int ret = xmlTextReaderNext(st->r);
    st->positioned = ret;
    if (ret == 0)
        st->done = true;
    if (s == NEWSIDX_END) {
        newsidx_article_free(a);
        nx_input_drop_notes(st->in);
        nx_input_skip(st->in, skip ? skip : "not an article");
        return NEWSIDX_END;
    }
    if (s != NEWSIDX_OK) {
        newsidx_article_free(a);
        nx_input_error(st->in, line, "%s", st->ctx.error ? st->ctx.error : "unreadable item");
        return s;
    }
    return nx_input_finish(st->in, line, a, out);
}

static newsidx_status_t xml_next(newsidx_input_t *in, void *p, newsidx_article_t **out)
{
    xml_state_t *st = p;
    (void)in;
    setup();
    while (!st->done) {
        int ret = st->positioned ? st->positioned : xmlTextReaderRead(st->r);
        st->positioned = 0;
        if (ret == 0) {
            st->done = true;
            if (!st->root_seen) {
                nx_input_error(st->in, 0, "no XML element in the file");
                return NEWSIDX_ERR_INPUT;
            }
            break;
        }
        if (ret < 0)
            return read_failed(st);
        if (xmlTextReaderNodeType(st->r) != XML_READER_TYPE_ELEMENT)
            continue;
        int depth = xmlTextReaderDepth(st->r);
        xmlNode *cur = xmlTextReaderCurrentNode(st->r);
        if (!st->root_seen) {
            unsigned long line = (unsigned long)xmlTextReaderGetParserLineNumber(st->r);
            st->root_seen = true;
            if (!dtd_acceptable(st, cur, line) || !choose_format(st, cur, line)) {
                st->done = true;
                return NEWSIDX_ERR_INPUT;
            }
        }
        if (st->fmt->is_item(cur, depth)) {
            newsidx_status_t s = read_item(st, out);
            if (s == NEWSIDX_END)
                continue;
            return s;
        }
        if (depth <= 2 && st->fmt->is_context && !xmlTextReaderIsEmptyElement(st->r) &&
            st->fmt->is_context(cur, depth)) {
            /* Metadata near the root: expanded and read. */
            xmlNode *n = xmlTextReaderExpand(st->r);
            if (!n)
                return read_failed(st);
            st->fmt->context(&st->ctx, n);
            int r2 = xmlTextReaderNext(st->r);
            st->positioned = r2;
            if (r2 == 0)
                st->done = true;
        }
    }
    return NEWSIDX_END;
}

static void xml_free(void *p)
{
    xml_state_t *st = p;
    if (!st)
        return;
    xmlFreeTextReader(st->r);
    free(st->ctx.language);
    free(st->ctx.author);
    free(st->ctx.error);
    nx_strv_free(&st->ctx.wp_logins);
    nx_strv_free(&st->ctx.wp_names);
    free(st->first_error);
    free(st);
}

newsidx_status_t nx_xml_open(newsidx_input_t *in)
{
    setup();
    xml_state_t *st = calloc(1, sizeof *st);
    if (!st)
        return NEWSIDX_ERR_NOMEM;
    st->in = in;
    st->ctx.in = in;
    for (size_t i = 0; in->forced && i < NX_ARRAY_LEN(xml_formats); i++)
        if (xml_formats[i]->format == in->format)
            st->fmt = xml_formats[i];
    st->r = xmlReaderForIO(io_read, NULL, st, in->name, NULL, PARSE_OPTIONS);
    if (!st->r) {
        free(st);
        return NEWSIDX_ERR_NOMEM;
    }
    xmlTextReaderSetStructuredErrorHandler(st->r, on_error, st);
    in->reader = (nx_item_reader_t){xml_next, xml_free, st};
    return NEWSIDX_OK;
}
