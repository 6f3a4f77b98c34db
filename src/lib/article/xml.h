/* xml.h - what the XML readers (nitf.c, newsml_g2.c, newsml1.c, feeds.c)
 * share: libxml2 set up safely, a streaming driver that hands each item
 * of a document to its format, and helpers that find elements by
 * namespace URI and local name and turn markup into plain text. */
#ifndef NX_XML_H
#define NX_XML_H

#include "input.h"

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

/* A namespace: the URIs its senders use, NULL-terminated; "" stands for
 * elements in no namespace.  Elements are matched by these and their
 * local name, never by prefix. */
typedef const char *const nx_ns_t[];

extern nx_ns_t nx_ns_nitf, nx_ns_g2, nx_ns_newsml1, nx_ns_xhtml, nx_ns_atom, nx_ns_rss,
    nx_ns_content, nx_ns_dc, nx_ns_wordpress, nx_ns_any;

bool nx_xml_in(const xmlNode *n, const char *const *ns);
bool nx_xml_is(const xmlNode *n, const char *const *ns, const char *local);
/* The first element child (after `after`, when given) that matches. */
xmlNode *nx_xml_child(const xmlNode *n, const char *const *ns, const char *local);
xmlNode *nx_xml_next(const xmlNode *after, const char *const *ns, const char *local);
/* The first matching element below n, depth first. */
xmlNode *nx_xml_find(const xmlNode *n, const char *const *ns, const char *local);
/* An attribute in no namespace, trimmed; NULL when absent or empty. */
char *nx_xml_attr(const xmlNode *n, const char *name);
/* The xml:lang in scope at n, or NULL. */
char *nx_xml_lang(const xmlNode *n);
/* All the text below n on one line (spaces collapsed); NULL if none. */
char *nx_xml_line(const xmlNode *n);
/* The text below n as paragraphs ("\n\n" between blocks), markup
 * gone, entities decoded; NULL if none. */
char *nx_xml_body(const xmlNode *n);
/* The same from an HTML fragment (htmlReadMemory). */
char *nx_html_body(const char *html, size_t n);
/* A WordPress post: HTML whose newlines are line and paragraph breaks. */
char *nx_wordpress_body(const char *html, size_t n);
/* The moment in an element's text (attr NULL) or in one of its
 * attributes as the article's date and time, by the one rule for dates
 * (nx_input_moment; messages name the element, its attribute and its
 * line); false when n is NULL or holds none that can be right. */
bool nx_xml_moment(newsidx_input_t *in, newsidx_article_t *a, const xmlNode *n,
                   const char *attr);
/* The text of a child element, on one line. */
char *nx_xml_child_line(const xmlNode *n, const char *const *ns, const char *local);

/* The driver's state that a format may read or set between items. */
typedef struct nx_xml_ctx {
    newsidx_input_t *in;
    char *language;             /* a feed's or message's language */
    char *author;               /* a feed's author */
    nx_strv_t wp_logins;        /* WordPress: author logins ... */
    nx_strv_t wp_names;         /* ... and their display names */
    char *error;                /* why an item could not be read */
} nx_xml_ctx_t;

/* One XML format. */
typedef struct nx_xml_format {
    newsidx_format_t format;
    const char *name;           /* in messages: "NITF" */
    /* The document element of this format. */
    bool (*is_root)(const xmlNode *root);
    /* An element holding one item (an article or something skipped). */
    bool (*is_item)(const xmlNode *n, int depth);
    /* Elements near the root (depth <= 2) that are not items but say
     * something about them (a feed's language, its authors): whether
     * to read one, and reading it, expanded.  Both may be NULL. */
    bool (*is_context)(const xmlNode *n, int depth);
    void (*context)(nx_xml_ctx_t *ctx, const xmlNode *n);
    /* Reads an item: NEWSIDX_OK with *a (not finished yet), NEWSIDX_END
     * with *skip naming why it is not an article, or NEWSIDX_ERR_INPUT
     * with ctx->error. */
    newsidx_status_t (*item)(nx_xml_ctx_t *ctx, xmlNode *item, newsidx_article_t **a,
                             const char **skip);
} nx_xml_format_t;

extern const nx_xml_format_t nx_nitf_format, nx_newsml_g2_format, nx_newsml1_format,
    nx_rss_format, nx_atom_format;

/* NITF's body.head and body.content into a (nitf.c); also used for NITF
 * held inside NewsML. */
void nx_nitf_fill(nx_xml_ctx_t *ctx, const xmlNode *nitf, newsidx_article_t *a);

#endif
