/* feeds.c - RSS 2.0 (and 1.0), Atom 1.0, and WordPress exports (WXR,
 * RSS 2.0 with WordPress's own elements).
 *
 * A feed item gives a title, a link, an id (RSS guid, Atom id), a date
 * (RSS pubDate in RFC 2822, Atom updated/published in ISO 8601), an
 * author, categories, and its text: the full text when the feed has it
 * (RSS content:encoded, Atom content), else the summary (RSS
 * description, Atom summary), in which case the article says so
 * (summary_only).  Feed text is HTML more often than not.  WordPress
 * exports also hold pages, attachments and drafts, which are not
 * articles, and name authors by login (the export lists their names). */
#include "config.h"

#include "utf8.h"
#include "xml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static nx_ns_t ns_rdf = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", NULL};

/* ------------------------------------------------------------------ */
/* RSS                                                                 */
/* ------------------------------------------------------------------ */

static bool rss_root(const xmlNode *root)
{
    return nx_xml_is(root, nx_ns_rss, "rss") || nx_xml_is(root, ns_rdf, "RDF");
}

static bool rss_item(const xmlNode *n, int depth)
{
    (void)depth;
    return nx_xml_is(n, nx_ns_rss, "item");
}

static bool rss_is_context(const xmlNode *n, int depth)
{
    (void)depth;
    return nx_xml_is(n, nx_ns_rss, "language") || nx_xml_is(n, nx_ns_dc, "language") ||
           nx_xml_is(n, nx_ns_wordpress, "author");
}

static void rss_context(nx_xml_ctx_t *ctx, const xmlNode *n)
{
    if (nx_xml_is(n, nx_ns_wordpress, "author")) {
        char *login = nx_xml_child_line(n, nx_ns_wordpress, "author_login");
        char *name = nx_xml_child_line(n, nx_ns_wordpress, "author_display_name");
        if (login && name) {
            nx_strv_take(&ctx->wp_logins, login);
            nx_strv_take(&ctx->wp_names, name);
        } else {
            free(login);
            free(name);
        }
        return;
    }
    free(ctx->language);
    ctx->language = nx_xml_line(n);
}

/* "jane@example.com (Jane Doe)", RSS's author form: the name. */
static char *author_name(char *s)
{
    if (!s)
        return NULL;
    char *open = strchr(s, '(');
    char *close = open ? strrchr(open, ')') : NULL;
    if (open && close && strchr(s, '@') && strchr(s, '@') < open) {
        char *name = nx_strndup(open + 1, (size_t)(close - open - 1));
        free(s);
        return name;
    }
    return s;
}

/* Why a WordPress item is not an article, or NULL. */
static const char *wordpress_skip(const xmlNode *item)
{
    char *type = nx_xml_child_line(item, nx_ns_wordpress, "post_type");
    char *status = nx_xml_child_line(item, nx_ns_wordpress, "status");
    const char *why = NULL;
    if (type && strcmp(type, "post") != 0 && strcmp(type, "page") != 0)
        why = strcmp(type, "attachment") == 0 ? "WordPress attachment (post_type)"
                                              : "WordPress item that is not a post (post_type)";
    else if (status && (strcmp(status, "draft") == 0 || strcmp(status, "auto-draft") == 0 ||
                        strcmp(status, "pending") == 0 || strcmp(status, "trash") == 0 ||
                        strcmp(status, "private") == 0 || strcmp(status, "future") == 0))
        why = "WordPress post not published (status)";
    free(type);
    free(status);
    return why;
}

static char *wordpress_author(nx_xml_ctx_t *ctx, char *login)
{
    for (size_t i = 0; login && i < ctx->wp_logins.n; i++) {
        if (strcmp(ctx->wp_logins.v[i], login) == 0) {
            free(login);
            return nx_strdup(ctx->wp_names.v[i]);
        }
    }
    return login;
}

static char *html_of(const xmlNode *n, bool wordpress)
{
    xmlChar *raw = xmlNodeGetContent(n);
    char *s = NULL;
    if (raw)
        s = wordpress ? nx_wordpress_body((const char *)raw, strlen((const char *)raw))
                      : nx_html_body((const char *)raw, strlen((const char *)raw));
    xmlFree(raw);
    return s;
}

/* The byte Windows-1252, else Latin-1, has for cp; -1 when none. */
static int cp1252_byte(uint32_t cp)
{
    if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff))
        return (int)cp;
    for (uint32_t b = 0x80; b < 0xa0; b++)
        if (nx_cp1252_c1(b) == cp && cp != 0x20)
            return (int)b;
    return cp < 0xa0 ? (int)cp : -1;
}

/* A field whose UTF-8 was read as Windows-1252 (or Latin-1) and encoded
 * again ("company\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s" for
 * "company\xe2\x80\x99s"), as some WordPress sites send: decoded once
 * more when the whole field decodes so to valid UTF-8 with a character
 * of more than one byte; kept as sent otherwise (a lone "\xc3\xa2" whose
 * other bytes were lost, real Latin-1 text).  True when repaired. */
static bool undo_double_utf8(char **field)
{
    if (!*field)
        return false;
    const char *s = *field, *end = s + strlen(s);
    char *out = malloc((size_t)(end - s) + 1);
    size_t k = 0;
    bool multi = false;
    while (out && s < end) {
        int b = cp1252_byte(nx_utf8_next(&s, end));
        if (b < 0) {
            free(out);
            return false;
        }
        out[k++] = (char)b;
        multi |= b >= 0x80;
    }
    if (!out || !multi || !nx_utf8_valid(out, k)) {
        free(out);
        return false;
    }
    out[k] = '\0';
    free(*field);
    *field = out;
    return true;
}

/* Each text field of a feed item repaired as one; the item counted. */
static void repair_item(nx_xml_ctx_t *ctx, newsidx_article_t *a)
{
    bool t = undo_double_utf8(&a->title), b = undo_double_utf8(&a->body);
    bool y = undo_double_utf8(&a->byline);
    ctx->in->repaired += t || b || y;
}

static newsidx_status_t rss_read(nx_xml_ctx_t *ctx, xmlNode *item, newsidx_article_t **out,
                                 const char **skip)
{
    bool wordpress = nx_xml_child(item, nx_ns_wordpress, "post_type") != NULL;
    if (wordpress && (*skip = wordpress_skip(item)))
        return NEWSIDX_END;
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NEWSIDX_ERR_NOMEM;
    a->title = html_of(nx_xml_child(item, nx_ns_rss, "title"), false);
    a->url = nx_xml_child_line(item, nx_ns_rss, "link");
    char *guid = nx_xml_child_line(item, nx_ns_rss, "guid");
    if (!guid)
        guid = nx_xml_attr(item, "about");      /* RSS 1.0: rdf:about */
    nx_set_id(a, guid ? guid : a->url);
    free(guid);
    static const struct {
        const char *const *ns;
        const char *local;
    } dates[] = {{nx_ns_rss, "pubDate"}, {nx_ns_dc, "date"}, {nx_ns_wordpress, "post_date_gmt"}};
    for (size_t i = 0; i < NX_ARRAY_LEN(dates) && !a->date; i++)
        nx_xml_moment(ctx->in, a, nx_xml_child(item, dates[i].ns, dates[i].local), NULL);
    const xmlNode *full = nx_xml_child(item, nx_ns_content, "encoded");
    a->body = html_of(full, wordpress);
    if (!a->body) {
        a->body = html_of(nx_xml_child(item, nx_ns_rss, "description"), false);
        a->summary_only = a->body != NULL;
    }
    for (const xmlNode *c = nx_xml_child(item, nx_ns_rss, "category"); c;
         c = nx_xml_next(c, nx_ns_rss, "category")) {
        char *domain = nx_xml_attr(c, "domain");
        if (!domain || strcmp(domain, "category") == 0)
            nx_list_add(&a->subjects, &a->n_subjects, nx_xml_line(c));
        free(domain);
    }
    a->language = nx_xml_child_line(item, nx_ns_dc, "language");
    if (!a->language && ctx->language)
        a->language = nx_strdup(ctx->language);
    /* The article's own byline line wins over the account that posted. */
    nx_lift_dateline(a);
    char *author = author_name(nx_xml_child_line(item, nx_ns_rss, "author"));
    if (!author)
        author = wordpress_author(ctx, nx_xml_child_line(item, nx_ns_dc, "creator"));
    nx_take_once(&a->byline, nx_strip_by(author));
    if (!a->body) {
        newsidx_article_free(a);
        *skip = wordpress ? "no text (WordPress post without content)"
                          : "no text (feed item without content or description)";
        return NEWSIDX_END;
    }
    repair_item(ctx, a);
    *out = a;
    return NEWSIDX_OK;
}

const nx_xml_format_t nx_rss_format = {
    .format = NEWSIDX_FORMAT_RSS,
    .name = "RSS",
    .is_root = rss_root,
    .is_item = rss_item,
    .is_context = rss_is_context,
    .context = rss_context,
    .item = rss_read,
};

/* ------------------------------------------------------------------ */
/* Atom                                                                */
/* ------------------------------------------------------------------ */

static bool atom_root(const xmlNode *root)
{
    return nx_xml_is(root, nx_ns_atom, "feed") || nx_xml_is(root, nx_ns_atom, "entry");
}

static bool atom_item(const xmlNode *n, int depth)
{
    (void)depth;
    return nx_xml_is(n, nx_ns_atom, "entry");
}

static bool atom_is_context(const xmlNode *n, int depth)
{
    return depth == 1 && nx_xml_is(n, nx_ns_atom, "author");
}

static void atom_context(nx_xml_ctx_t *ctx, const xmlNode *n)
{
    free(ctx->author);
    ctx->author = nx_xml_child_line(n, nx_ns_atom, "name");
}

/* An Atom text construct (title, summary, content): type text, html
 * (escaped markup) or xhtml (a div of XHTML); out-of-line content
 * (src) has no text here. */
static char *atom_text(const xmlNode *n, bool line)
{
    if (!n)
        return NULL;
    char *src = nx_xml_attr(n, "src");
    char *type = nx_xml_attr(n, "type");
    char *s = NULL;
    if (src) {
        /* elsewhere */
    } else if (type && strcmp(type, "xhtml") == 0) {
        const xmlNode *div = nx_xml_child(n, nx_ns_xhtml, "div");
        s = line ? nx_xml_line(div) : nx_xml_body(div);
    } else if (type && (strcmp(type, "html") == 0 || strcasestr(type, "html"))) {
        xmlChar *raw = xmlNodeGetContent(n);
        if (raw) {
            s = nx_html_body((const char *)raw, strlen((const char *)raw));
            if (s && line)
                for (char *p = s; *p; p++)
                    if (*p == '\n')
                        *p = ' ';
        }
        xmlFree(raw);
    } else if (!type || strcmp(type, "text") == 0 || strncmp(type, "text/", 5) == 0) {
        s = line ? nx_xml_line(n) : nx_xml_body(n);
    }
    free(src);
    free(type);
    return s;
}

static char *atom_link(const xmlNode *entry)
{
    for (const xmlNode *l = nx_xml_child(entry, nx_ns_atom, "link"); l;
         l = nx_xml_next(l, nx_ns_atom, "link")) {
        char *rel = nx_xml_attr(l, "rel");
        bool alternate = !rel || strcmp(rel, "alternate") == 0;
        free(rel);
        if (alternate)
            return nx_xml_attr(l, "href");
    }
    return NULL;
}

static newsidx_status_t atom_read(nx_xml_ctx_t *ctx, xmlNode *entry, newsidx_article_t **out,
                                  const char **skip)
{
    newsidx_article_t *a = newsidx_article_new();
    if (!a)
        return NEWSIDX_ERR_NOMEM;
    a->title = atom_text(nx_xml_child(entry, nx_ns_atom, "title"), true);
    a->url = atom_link(entry);
    char *id = nx_xml_child_line(entry, nx_ns_atom, "id");
    nx_set_id(a, id ? id : a->url);
    free(id);
    static const char *const dates[] = {"updated", "published"};
    for (size_t i = 0; i < NX_ARRAY_LEN(dates) && !a->date; i++)
        nx_xml_moment(ctx->in, a, nx_xml_child(entry, nx_ns_atom, dates[i]), NULL);
    a->body = atom_text(nx_xml_child(entry, nx_ns_atom, "content"), false);
    if (!a->body) {
        a->body = atom_text(nx_xml_child(entry, nx_ns_atom, "summary"), false);
        a->summary_only = a->body != NULL;
    }
    for (const xmlNode *c = nx_xml_child(entry, nx_ns_atom, "category"); c;
         c = nx_xml_next(c, nx_ns_atom, "category")) {
        char *label = nx_xml_attr(c, "label");
        nx_list_add(&a->subjects, &a->n_subjects, label ? label : nx_xml_attr(c, "term"));
    }
    a->language = nx_xml_lang(entry);
    nx_lift_dateline(a);
    const xmlNode *author = nx_xml_child(entry, nx_ns_atom, "author");
    nx_take_once(&a->byline, nx_strip_by(nx_xml_child_line(author, nx_ns_atom, "name")));
    nx_set_once(&a->byline, ctx->author);
    if (!a->body) {
        newsidx_article_free(a);
        *skip = "no text (Atom entry without content or summary)";
        return NEWSIDX_END;
    }
    repair_item(ctx, a);
    *out = a;
    return NEWSIDX_OK;
}

const nx_xml_format_t nx_atom_format = {
    .format = NEWSIDX_FORMAT_ATOM,
    .name = "Atom",
    .is_root = atom_root,
    .is_item = atom_item,
    .is_context = atom_is_context,
    .context = atom_context,
    .item = atom_read,
};
