/* test_formats.c - the agency formats through newsidx_input_t, on
 * articles written for these tests: NITF, NewsML-G2, NewsML 1.2, ninjs,
 * RSS, Atom, WordPress, ANPA-1312, IPTC 7901; encodings, namespaces,
 * skipped items, versions and takes; hostile XML. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_READ 16

/* What an input gave: its articles, errors and skipped items. */
typedef struct got {
    newsidx_article_t *a[MAX_READ];
    size_t n;
    char *errors[MAX_READ];
    size_t n_errors;
    char *warnings[MAX_READ];
    size_t n_warnings;
    char skipped[1024];
    newsidx_format_t format;
    uint64_t repaired;          /* feed items with UTF-8 encoded twice */
} got_t;

static void got_free(got_t *g)
{
    for (size_t i = 0; i < g->n; i++)
        newsidx_article_free(g->a[i]);
    for (size_t i = 0; i < g->n_errors; i++)
        free(g->errors[i]);
    for (size_t i = 0; i < g->n_warnings; i++)
        free(g->warnings[i]);
    memset(g, 0, sizeof *g);
}

static void read_file(const char *path, newsidx_format_t format, got_t *g)
{
    memset(g, 0, sizeof *g);
    newsidx_input_t *in = NULL;
    assert_int_equal(newsidx_input_open(path, format, &in, NULL), NEWSIDX_OK);
    for (int guard = 0; guard < 100; guard++) {
        newsidx_article_t *a = NULL;
        newsidx_status_t st = newsidx_input_next(in, &a);
        if (newsidx_input_warning(in) && g->n_warnings < MAX_READ)
            g->warnings[g->n_warnings++] = strdup(newsidx_input_warning(in));
        if (st == NEWSIDX_END)
            break;
        if (st == NEWSIDX_OK) {
            assert_true(g->n < MAX_READ);
            g->a[g->n++] = a;
            continue;
        }
        assert_non_null(newsidx_input_error(in));
        if (g->n_errors < MAX_READ)
            g->errors[g->n_errors++] = strdup(newsidx_input_error(in));
        if (st != NEWSIDX_ERR_INPUT)
            break;
    }
    g->format = newsidx_input_format(in);
    g->repaired = nx_input_repaired(in);
    const newsidx_skip_t *sk;
    size_t ns = newsidx_input_skipped(in, &sk);
    for (size_t i = 0; i < ns; i++) {
        size_t l = strlen(g->skipped);
        snprintf(g->skipped + l, sizeof g->skipped - l, "%s%s=%llu", l ? "; " : "",
                 sk[i].reason, (unsigned long long)sk[i].count);
    }
    newsidx_input_close(in);
}

/* Writes n bytes to a temporary file and reads it. */
static void read_bytes(const char *data, size_t n, newsidx_format_t format, got_t *g)
{
    char path[] = "/tmp/nx-formats-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    read_file(path, format, g);
    unlink(path);
}

static void read_text(const char *data, got_t *g)
{
    read_bytes(data, strlen(data), NEWSIDX_FORMAT_AUTO, g);
}

static bool has(const char *s, const char *part)
{
    return s && strstr(s, part);
}

static void show_errors(const got_t *g)
{
    for (size_t i = 0; i < g->n_errors; i++)
        fprintf(stderr, "error: %s\n", g->errors[i]);
}

/* No markup, entity or control character is left in any text. */
static void assert_clean(const newsidx_article_t *a)
{
    const char *texts[] = {a->title, a->body, a->byline, a->dateline};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const unsigned char *t = (const unsigned char *)texts[i];
        if (!t)
            continue;
        assert_false(has((const char *)t, "</"));
        assert_false(has((const char *)t, "<p"));
        assert_false(has((const char *)t, "&amp;"));
        assert_false(has((const char *)t, "&lt;"));
        for (; *t; t++) {
            assert_false(*t < 0x20 && *t != '\n');
            /* C1 controls, UTF-8 C2 80..C2 9F */
            assert_false(t[0] == 0xc2 && t[1] >= 0x80 && t[1] < 0xa0);
        }
    }
}

static void nitf_latin1_namespaced(void **state)
{
    (void)state;
    /* Declared ISO-8859-1, with Windows-1252 quotes and dash in it. */
    const char doc[] =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
        "<nitf xmlns=\"http://iptc.org/std/NITF/2006-10-18/\" baselang=\"fr-FR\">\n"
        "<head><docdata><doc-id id-string=\"LYN-2024-0001\"/>"
        "<date.issue norm=\"20240102T101500+0100\"/></docdata>"
        "<tobject><tobject.subject tobject.subject.type=\"Labour\"/></tobject></head>\n"
        "<body><body.head><hedline><hl1>Caf\xe9 \x93strike\x94 ends</hl1><hl2>sub</hl2></hedline>"
        "<byline>By <person>Jeanne Marchal</person><byttl>Staff writer</byttl></byline>"
        "<dateline><location><city>LYON</city></location></dateline></body.head>\n"
        "<body.content><p>LYON (NW) \x97 Waiters at the caf\xe9 went back to work on Tuesday "
        "&amp; said they had won.</p>\n<media><media-caption>Not text</media-caption></media>"
        "<table><tr><td>a</td><td>b</td></tr></table><p>Second <em>paragraph</em>.</p>"
        "</body.content></body></nitf>\n";
    got_t g;
    read_bytes(doc, sizeof doc - 1, NEWSIDX_FORMAT_AUTO, &g);
    show_errors(&g);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.format, NEWSIDX_FORMAT_NITF);
    newsidx_article_t *a = g.a[0];
    assert_string_equal(a->id, "LYN-2024-0001");
    assert_string_equal(a->title, "Caf\xc3\xa9 \xe2\x80\x9cstrike\xe2\x80\x9d ends");
    assert_string_equal(a->date, "2024-01-02");
    assert_string_equal(a->time, "2024-01-02T09:15:00Z");
    assert_string_equal(a->byline, "Jeanne Marchal");
    assert_string_equal(a->dateline, "LYON");
    assert_string_equal(a->language, "fr");
    assert_string_equal(a->body, "Waiters at the caf\xc3\xa9 went back to work on Tuesday & "
                                 "said they had won.\n\na b\n\nSecond paragraph.");
    assert_int_equal(a->n_subjects, 1);
    assert_string_equal(a->subjects[0], "Labour");
    assert_int_equal(a->n_agency_persons, 1);
    assert_clean(a);
    got_free(&g);
}

/* A newsMessage whose namespace has a prefix, with a picture, an XHTML
 * text and an inlineData text; an element of the right local name in
 * another namespace is not taken for the headline. */
static void g2_message(void **state)
{
    (void)state;
    const char *doc =
        "<?xml version=\"1.0\"?>\n"
        "<g:newsMessage xmlns:g=\"http://iptc.org/std/nar/2006-10-01/\" "
        "xmlns:x=\"urn:example:other\" xmlns:h=\"http://www.w3.org/1999/xhtml\">\n"
        "<g:header><g:sent>2024-03-01T10:00:00Z</g:sent></g:header><g:itemSet>\n"
        "<g:newsItem guid=\"urn:example:pic-1\" version=\"1\"><g:itemMeta>"
        "<g:itemClass qcode=\"ninat:picture\"/></g:itemMeta></g:newsItem>\n"
        "<g:newsItem guid=\"urn:example:text-1\" version=\"4\" xml:lang=\"en-GB\">"
        "<g:itemMeta><g:itemClass qcode=\"icls:text\"/>"
        "<g:versionCreated>2024-03-01T09:30:00+01:00</g:versionCreated></g:itemMeta>"
        "<g:contentMeta><x:headline>Wrong one</x:headline>"
        "<g:headline role=\"hlrole:sub\">A subtitle</g:headline>"
        "<g:headline>Ferry service resumes in the fjords</g:headline>"
        "<g:by>By Ingrid Dahl</g:by><g:dateline>BERGEN, Norway</g:dateline>"
        "<g:subject type=\"cpnat:abstract\" qcode=\"medtop:20000500\">"
        "<g:name xml:lang=\"nb\">Transport (nb)</g:name><g:name xml:lang=\"en\">transport</g:name>"
        "</g:subject>"
        "<g:subject type=\"cpnat:person\"><g:name>Kari Nordmann</g:name></g:subject>"
        "<g:subject type=\"cpnat:geoArea\"><g:name>Hordaland</g:name></g:subject>"
        "</g:contentMeta><g:contentSet><g:inlineXML contenttype=\"application/xhtml+xml\">"
        "<h:html><h:head><h:title>Not this</h:title></h:head><h:body><h:header><h:h1>Nor this"
        "</h:h1></h:header><h:p>BERGEN, Norway (NW) \xe2\x80\x94 Ferries ran again on "
        "Friday.</h:p><h:p>Storms had stopped them.</h:p></h:body></h:html>"
        "</g:inlineXML></g:contentSet></g:newsItem>\n"
        "<g:newsItem guid=\"urn:example:text-2\" version=\"2\"><g:itemMeta>"
        "<g:itemClass qcode=\"ninat:text\"/><g:pubStatus qcode=\"stat:usable\"/>"
        "<g:firstCreated>2024-03-02</g:firstCreated></g:itemMeta><g:contentMeta>"
        "<g:headline>Plain text item</g:headline><g:language tag=\"en-US\"/></g:contentMeta>"
        "<g:contentSet><g:inlineData contenttype=\"text/plain\">First line.\n\nSecond."
        "</g:inlineData></g:contentSet></g:newsItem>\n"
        "<g:newsItem guid=\"urn:example:killed\" version=\"5\"><g:itemMeta>"
        "<g:itemClass qcode=\"ninat:text\"/><g:pubStatus qcode=\"stat:canceled\"/></g:itemMeta>"
        "</g:newsItem>\n"
        "<g:packageItem guid=\"urn:example:pkg\"/>\n"
        "</g:itemSet></g:newsMessage>\n";
    got_t g;
    read_text(doc, &g);
    show_errors(&g);
    assert_int_equal(g.n_errors, 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.format, NEWSIDX_FORMAT_NEWSML_G2);
    newsidx_article_t *a = g.a[0];
    assert_string_equal(a->id, "urn:example:text-1");
    assert_string_equal(a->version, "4");
    assert_string_equal(a->title, "Ferry service resumes in the fjords");
    assert_string_equal(a->byline, "Ingrid Dahl");
    assert_string_equal(a->dateline, "BERGEN, Norway");
    assert_string_equal(a->date, "2024-03-01");
    assert_string_equal(a->time, "2024-03-01T08:30:00Z");
    assert_string_equal(a->language, "en");
    assert_string_equal(a->body, "Ferries ran again on Friday.\n\nStorms had stopped them.");
    assert_int_equal(a->n_subjects, 1);
    assert_string_equal(a->subjects[0], "transport");
    assert_int_equal(a->n_agency_persons, 1);
    assert_string_equal(a->agency_persons[0], "Kari Nordmann");
    assert_int_equal(a->n_agency_places, 1);
    assert_clean(a);
    a = g.a[1];
    assert_string_equal(a->id, "urn:example:text-2");
    assert_string_equal(a->body, "First line.\n\nSecond.");
    assert_string_equal(a->date, "2024-03-02");
    assert_null(a->time);
    assert_true(has(g.skipped, "picture (NewsML-G2 itemClass)=1"));
    assert_true(has(g.skipped, "withdrawn by its sender (NewsML-G2 pubStatus)=1"));
    assert_true(has(g.skipped, "package of other items (NewsML-G2 packageItem)=1"));
    got_free(&g);
}

static void newsml1_items(void **state)
{
    (void)state;
    const char *doc =
        "<?xml version=\"1.0\"?>\n<NewsML Version=\"1.2\"><NewsEnvelope/>\n"
        "<NewsItem xml:lang=\"en\"><Identification><NewsIdentifier><ProviderId>example.org"
        "</ProviderId><DateId>20240105</DateId><NewsItemId>TX-1</NewsItemId>"
        "<RevisionId PreviousRevision=\"1\" Update=\"N\">2</RevisionId></NewsIdentifier>"
        "</Identification><NewsManagement><ThisRevisionCreated>20240105T120000+0000"
        "</ThisRevisionCreated><Status FormalName=\"Usable\"/></NewsManagement>"
        "<NewsComponent><NewsLines><HeadLine>Glacier retreat measured</HeadLine>"
        "<ByLine>By Hanna Berg</ByLine><DateLine>OSLO, Jan 5, 2024 (NW) -</DateLine></NewsLines>"
        "<ContentItem><MediaType FormalName=\"Text\"/><DataContent><nitf><body><body.content>"
        "<p>Scientists said the glacier lost ten metres.</p></body.content></body></nitf>"
        "</DataContent></ContentItem></NewsComponent></NewsItem>\n"
        "<NewsItem><NewsComponent><ContentItem><MediaType FormalName=\"Photo\"/><DataContent>"
        "x</DataContent></ContentItem></NewsComponent></NewsItem>\n</NewsML>\n";
    got_t g;
    read_text(doc, &g);
    show_errors(&g);
    assert_int_equal(g.n, 1);
    newsidx_article_t *a = g.a[0];
    assert_string_equal(a->id, "urn:newsml:example.org:20240105:TX-1");
    assert_string_equal(a->version, "2");
    assert_string_equal(a->title, "Glacier retreat measured");
    assert_string_equal(a->byline, "Hanna Berg");
    assert_string_equal(a->dateline, "OSLO");
    assert_string_equal(a->time, "2024-01-05T12:00:00Z");
    assert_string_equal(a->body, "Scientists said the glacier lost ten metres.");
    assert_true(has(g.skipped, "picture (NewsML 1.2 MediaType)=1"));
    got_free(&g);
}

static void ninjs_versions(void **state)
{
    (void)state;
    /* 2.x: role lists */
    const char *v2 =
        "{\n \"uri\": \"http://example.org/items/42\", \"type\": \"text\", \"version\": 3,\n"
        " \"versioncreated\": \"2023-05-01T12:00:00+02:00\", \"language\": \"de\",\n"
        " \"headlines\": [{\"role\": \"sub\", \"value\": \"Unter\"},\n"
        "               {\"role\": \"main\", \"value\": \"Haushalt beschlossen\"}],\n"
        " \"bodies\": [{\"role\": \"main\", \"contenttype\": \"text/html\",\n"
        "   \"value\": \"<p>BERLIN (dpa) - Der Bundestag hat &amp; so weiter.</p><p>Zwei</p>\"}],\n"
        " \"by\": \"Von Karl Weber\", \"subjects\": [{\"name\": \"Politik\"}],\n"
        " \"people\": [{\"name\": \"Anna Schmidt\"}]\n}\n";
    got_t g;
    read_text(v2, &g);
    show_errors(&g);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.format, NEWSIDX_FORMAT_NINJS);
    newsidx_article_t *a = g.a[0];
    assert_string_equal(a->id, "http://example.org/items/42");
    assert_string_equal(a->version, "3");
    assert_string_equal(a->title, "Haushalt beschlossen");
    assert_string_equal(a->dateline, "BERLIN");
    assert_string_equal(a->body, "Der Bundestag hat & so weiter.\n\nZwei");
    assert_string_equal(a->time, "2023-05-01T10:00:00Z");
    assert_string_equal(a->language, "de");
    assert_string_equal(a->subjects[0], "Politik");
    assert_string_equal(a->agency_persons[0], "Anna Schmidt");
    assert_clean(a);
    got_free(&g);
    /* 1.x in an array, with a picture */
    const char *v1 =
        "[{\"guid\": \"g-1\", \"type\": \"text\", \"headline\": \"Rain\", \"byline\": \"By Ola\",\n"
        "  \"body_text\": \"It rained.\", \"located\": \"Perth\",\n"
        "  \"place\": [{\"name\": \"Western Australia\"}]},\n"
        " {\"guid\": \"g-2\", \"type\": \"picture\", \"headline\": \"A photo\"}]\n";
    read_text(v1, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.a[0]->id, "g-1");
    assert_string_equal(g.a[0]->byline, "Ola");
    assert_string_equal(g.a[0]->dateline, "Perth");
    assert_true(has(g.skipped, "picture (ninjs type)=1"));
    got_free(&g);
    /* one item per line */
    const char *lines = "{\"uri\": \"u1\", \"headline\": \"One\", \"body_text\": \"First.\"}\n"
                        "{\"uri\": \"u2\", \"type\": \"video\"}\n"
                        "{\"id\": \"own\", \"body\": \"Our own format on the next line.\"}\n";
    read_text(lines, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.a[0]->id, "u1");
    assert_string_equal(g.a[1]->id, "own");
    assert_true(has(g.skipped, "video (ninjs type)=1"));
    got_free(&g);
}

static void feeds(void **state)
{
    (void)state;
    const char *rss =
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n"
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>T</title>"
        "<language>nl-NL</language>\n"
        "<item><title>Full &amp; fine</title><link>https://example.nl/a</link>"
        "<guid>https://example.nl/?p=1</guid><pubDate>Tue, 02 Jan 2024 08:00:00 +0100</pubDate>"
        "<dc:creator>Els Visser</dc:creator><category>Economie</category>"
        "<description>Short.</description>"
        "<content:encoded><![CDATA[<p>AMSTERDAM - De \x93haven\x94 is open.</p>"
        "<p>Tweede&nbsp;alinea.</p><script>x()</script>]]></content:encoded></item>\n"
        "<item><title>Only summary</title><link>https://example.nl/b</link>"
        "<description>&lt;p&gt;Just the &lt;b&gt;teaser&lt;/b&gt;.&lt;/p&gt;</description>"
        "</item>\n<item><title>Empty</title></item>\n</channel></rss>\n";
    got_t g;
    read_text(rss, &g);
    show_errors(&g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.format, NEWSIDX_FORMAT_RSS);
    newsidx_article_t *a = g.a[0];
    assert_string_equal(a->id, "https://example.nl/?p=1");
    assert_string_equal(a->url, "https://example.nl/a");
    assert_string_equal(a->title, "Full & fine");
    assert_string_equal(a->byline, "Els Visser");
    assert_string_equal(a->dateline, "AMSTERDAM");
    assert_string_equal(a->language, "nl");
    assert_string_equal(a->time, "2024-01-02T07:00:00Z");
    assert_string_equal(a->body, "De \xe2\x80\x9chaven\xe2\x80\x9d is open.\n\nTweede alinea.");
    assert_false(a->summary_only);
    assert_clean(a);
    a = g.a[1];
    assert_string_equal(a->body, "Just the teaser.");
    assert_true(a->summary_only);
    assert_string_equal(a->id, "https://example.nl/b");
    assert_true(has(g.skipped, "no text (feed item without content or description)=1"));
    got_free(&g);

    const char *atom =
        "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">"
        "<title>F</title><author><name>Desk</name></author>\n"
        "<entry><id>tag:example.org,2024:1</id><title type=\"html\">A &lt;i&gt;new&lt;/i&gt; "
        "bridge</title><updated>2024-02-03T04:05:06Z</updated>"
        "<link rel=\"alternate\" href=\"https://example.org/bridge\"/>"
        "<category term=\"infra\" label=\"Infrastructure\"/>"
        "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>The bridge "
        "opened.</p><p>Cars crossed.</p></div></content></entry>\n"
        "<entry><id>tag:example.org,2024:2</id><title>Summary only</title>"
        "<author><name>By Ruth Obi</name></author><updated>2024-02-04T00:00:00Z</updated>"
        "<summary>Briefly.</summary></entry>\n</feed>\n";
    read_text(atom, &g);
    show_errors(&g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.format, NEWSIDX_FORMAT_ATOM);
    assert_string_equal(g.a[0]->title, "A new bridge");
    assert_string_equal(g.a[0]->url, "https://example.org/bridge");
    assert_string_equal(g.a[0]->byline, "Desk");
    assert_string_equal(g.a[0]->body, "The bridge opened.\n\nCars crossed.");
    assert_string_equal(g.a[0]->subjects[0], "Infrastructure");
    assert_string_equal(g.a[1]->byline, "Ruth Obi");
    assert_true(g.a[1]->summary_only);
    got_free(&g);
}

static void wordpress(void **state)
{
    (void)state;
    const char *wxr =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
        "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>"
        "<wp:author><wp:author_login>jk</wp:author_login>"
        "<wp:author_display_name>Joan Kamau</wp:author_display_name></wp:author>\n"
        "<item><title>Market day</title><guid>https://example.ke/?p=7</guid>"
        "<dc:creator>jk</dc:creator><wp:post_type>post</wp:post_type>"
        "<wp:status>publish</wp:status><wp:post_date_gmt>2024-04-04 06:00:00</wp:post_date_gmt>"
        "<content:encoded><![CDATA[Traders came early.\nPrices held.\n\nSecond paragraph.]]>"
        "</content:encoded></item>\n"
        "<item><title>logo.png</title><wp:post_type>attachment</wp:post_type></item>\n"
        "<item><title>Later</title><wp:post_type>post</wp:post_type><wp:status>draft"
        "</wp:status><content:encoded>x</content:encoded></item>\n"
        "</channel></rss>\n";
    got_t g;
    read_text(wxr, &g);
    show_errors(&g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.a[0]->byline, "Joan Kamau");
    assert_string_equal(g.a[0]->body, "Traders came early.\nPrices held.\n\nSecond paragraph.");
    assert_string_equal(g.a[0]->date, "2024-04-04");
    assert_true(has(g.skipped, "WordPress attachment (post_type)=1"));
    assert_true(has(g.skipped, "WordPress post not published (status)=1"));
    got_free(&g);
}

/* Feed text whose UTF-8 was read as Windows-1252 or Latin-1 and encoded
 * again is repaired when the whole field decodes so, and counted; a
 * field that does not (bytes lost, real Latin-1 text) is kept as sent. */
static void double_utf8(void **state)
{
    (void)state;
    const char *rss =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\n"
        /* "Café’s" through Windows-1252: C3 A9 -> Ã©, E2 80 99 -> â€™ */
        "<item><guid>a</guid><title>Caf\xc3\x83\xc2\xa9 reopens</title><description>"
        "The company\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s caf\xc3\x83\xc2\xa9 opened."
        "</description></item>\n"
        /* through Latin-1: E2 80 99 -> U+00E2 U+0080 U+0099 */
        "<item><guid>b</guid><title>Debt</title><description>The company\xc3\xa2\xc2\x80"
        "\xc2\x99s debt fell.</description></item>\n"
        /* a lone "â" whose other bytes were lost, and real accents: as sent */
        "<item><guid>c</guid><title>Assets</title><description>The company\xc3\xa2s assets, "
        "the caf\xc3\xa9 cr\xc3\xa8me.</description></item>\n"
        "</channel></rss>\n";
    got_t g;
    read_text(rss, &g);
    show_errors(&g);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.a[0]->title, "Caf\xc3\xa9 reopens");
    assert_string_equal(g.a[0]->body, "The company\xe2\x80\x99s caf\xc3\xa9 opened.");
    assert_string_equal(g.a[1]->body, "The company\xe2\x80\x99s debt fell.");
    assert_string_equal(g.a[2]->body, "The company\xc3\xa2s assets, the caf\xc3\xa9 "
                                      "cr\xc3\xa8me.");
    assert_int_equal(g.repaired, 2);
    got_free(&g);
}

/* An ANPA stream: a story and its second take, a write-through of
 * another story, and a take whose story is not in the stream. */
static void anpa_stream(void **state)
{
    (void)state;
    const char stream[] =
        "\x16\x16\x01" "a0001\x1f" "x\nr a\x13\x11 BC-Fire-Dam   03-04 0120\n\x02"
        "^BC-Fire-Dam,120<\n^Dam holds after fire<\n^By RITA OKON=\n^Associated Press=\n"
        "\t   BOISE, Idaho (AP) _ The dam held on Monday, officials said.\n \n"
        "\t   ``It is safe,'' the engineer said.\n\x03" "AP-WF-03-04-24 1210GMT<\n\x04"
        "\x16\x16\x01" "a0002\x1f" "x\nr a\x13\x11 BC-Fire-Dam 2ndTake   03-04 0050\n\x02"
        "^BC-Fire-Dam, 2nd Take,50<\n\t   The reservoir will be inspected.\n\x03"
        "AP-WF-03-04-24 1215GMT<\n\x04"
        "\x16\x16\x01" "a0003\x1f" "x\nr a\x13\x11 BC-Rail-Strike 2ndLd-Writethru   03-04 0100\n"
        "\x02^BC-Rail-Strike, 2nd Ld-Writethru,100<\n^Rail strike ends<\n"
        "\t   CHICAGO (AP) _ Trains ran again.\n\x03" "AP-WF-03-04-24 1300GMT<\n\x04"
        "\x16\x16\x01" "a0004\x1f" "x\nr a\x13\x11 BC-Other 3rdTake   03-04 0010\n\x02"
        "^BC-Other, 3rd Take,10<\n\t   More of a story not here.\n\x03"
        "AP-WF-03-04-24 1400GMT<\n\x04";
    got_t g;
    read_bytes(stream, sizeof stream - 1, NEWSIDX_FORMAT_AUTO, &g);
    show_errors(&g);
    assert_int_equal(g.format, NEWSIDX_FORMAT_ANPA);
    assert_int_equal(g.n, 3);
    newsidx_article_t *a = g.a[0];
    assert_string_equal(a->id, "anpa:2024-03-04:BC-Fire-Dam");
    assert_string_equal(a->title, "Dam holds after fire");
    assert_string_equal(a->byline, "RITA OKON");
    assert_string_equal(a->dateline, "BOISE, Idaho");
    assert_string_equal(a->time, "2024-03-04T12:10:00Z");
    assert_string_equal(a->version, "0");
    assert_string_equal(a->body, "The dam held on Monday, officials said.\n\n"
                                 "\xe2\x80\x9cIt is safe,\xe2\x80\x9d the engineer said.\n\n"
                                 "The reservoir will be inspected.");
    assert_clean(a);
    assert_string_equal(g.a[1]->id, "anpa:2024-03-04:BC-Rail-Strike");
    assert_string_equal(g.a[1]->version, "2");
    assert_string_equal(g.a[1]->dateline, "CHICAGO");
    assert_string_equal(g.a[2]->id, "anpa:2024-03-04:BC-Other/part-3");
    got_free(&g);
}

static void iptc7901_lead(void **state)
{
    (void)state;
    const char msg[] =
        "\x01" "xyz0042 3 i 120 \r\n\r\nPort-strike/\r\n\x02" "2ND LEAD\r\n"
        "Port strike spreads to Hamburg =\r\n\r\n"
        "   Hamburg (dpa) - Dock workers in Hamburg joined the strike on\r\nFriday.\r\n\r\n"
        "   The union said more would follow.\r\n\r\n# Notes\r\n- not for publication\r\n"
        "\x03" "051200 GMT Jan 24\r\n\x04";
    got_t g;
    read_bytes(msg, sizeof msg - 1, NEWSIDX_FORMAT_AUTO, &g);
    show_errors(&g);
    assert_int_equal(g.format, NEWSIDX_FORMAT_IPTC7901);
    assert_int_equal(g.n, 1);
    newsidx_article_t *a = g.a[0];
    assert_string_equal(a->title, "Port strike spreads to Hamburg");
    assert_string_equal(a->version, "2");
    assert_string_equal(a->dateline, "Hamburg");
    assert_string_equal(a->time, "2024-01-05T12:00:00Z");
    assert_string_equal(a->id, "iptc7901:xyz:2024-01-05:Port-strike/");
    assert_string_equal(a->body, "Dock workers in Hamburg joined the strike on Friday.\n\n"
                                 "The union said more would follow.");
    got_free(&g);
}

/* Hostile XML: each gives one clear error naming the file, and no
 * article. */
static void hostile_xml(void **state)
{
    (void)state;
    static const struct {
        const char *doc, *error;
    } cases[] = {
        {"<?xml version=\"1.0\"?>\n<!DOCTYPE nitf [\n <!ENTITY a \"aaaaaaaaaa\">\n"
         " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
         "]>\n<nitf><body><body.content><p>&c;</p></body.content></body></nitf>\n",
         "billion laughs"},
        {"<?xml version=\"1.0\"?>\n<!DOCTYPE nitf SYSTEM \"http://127.0.0.1:9/nitf.dtd\">\n"
         "<nitf><body><body.content><p>x</p></body.content></body></nitf>\n",
         "remote DTD (http://127.0.0.1:9/nitf.dtd)"},
        {"<?xml version=\"1.0\"?>\n<!DOCTYPE nitf [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
         "<nitf><body><body.content><p>&x;</p></body.content></body></nitf>\n",
         "external entity 'x'"},
        {"<?xml version=\"1.0\"?>\n<nitf><head><docdata><doc-id id-string=\"cut\"/></docdata>"
         "</head><body><body.content><p>Half a sent", "truncated"},
        {"<?xml version=\"1.0\"?>\n<html><body><p>A web page</p></body></html>\n",
         "root element <html> is not a news format"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        got_t g;
        read_text(cases[i].doc, &g);
        if (g.n_errors != 1 || !has(g.errors[0], cases[i].error) ||
            !has(g.errors[0], "/tmp/nx-formats-")) {
            fprintf(stderr, "case %zu: %zu errors: %s\n", i, g.n_errors,
                    g.n_errors ? g.errors[0] : "");
            fail();
        }
        assert_int_equal(g.n, 0);
        got_free(&g);
    }
    /* A feed cut short: the items before the cut are read, then one
     * error. */
    const char *cut = "<rss version=\"2.0\"><channel>"
                      "<item><title>One</title><guid>i1</guid><description>Fine.</description></item>"
                      "<item><title>Two</title><guid>i2</guid><description>Also fine.</description>"
                      "</item><item><title>Thr";
    got_t g;
    read_text(cut, &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.n_errors, 1);
    assert_true(has(g.errors[0], "truncated"));
    got_free(&g);
}

/* The places a NewsML-G2 item is tagged with: concepts typed geoArea
 * or poi, or coded in a geographic scheme; never a desk typed as a
 * place (no geographic equivalent, no broader area) nor an address. */
static void g2_places(void **state)
{
    (void)state;
    const char *doc =
        "<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"urn:x:p\" "
        "version=\"1\"><itemMeta><itemClass qcode=\"ninat:text\"/></itemMeta><contentMeta>"
        "<headline>Quay works</headline>"
        "<subject type=\"cpnat:geoArea\" qcode=\"xc:33\"><name>Frankreich</name>"
        "<sameAs qcode=\"iso3166-1a2:FR\"/></subject>"
        "<subject type=\"cpnat:geoArea\" qcode=\"xc:900\"><name>Weltnachrichten</name>"
        "<sameAs qcode=\"xdesk:7\"/><sameAs qcode=\"wikidata:Q1\"/></subject>"
        "<subject type=\"cpnat:geoArea\" qcode=\"xa:12\"><name>Bretagne</name>"
        "<sameAs qcode=\"wikidata:Q12130\"/><broader qcode=\"xc:33\"/></subject>"
        "<subject type=\"cpnat:geoArea\"><name>Normandie</name></subject>"
        "<subject qcode=\"geonames:2988507\"><name>Paris</name></subject>"
        "<subject type=\"cpnat:poi\"><name>Port de Brest, 1 Quai Malbert, 29200 Brest</name>"
        "</subject>"
        "<subject type=\"cpnat:poi\"><name>12 Rue de Siam, 29200 Brest</name></subject>"
        "<subject type=\"cpnat:abstract\" qcode=\"medtop:1\"><name>Transport</name></subject>"
        "</contentMeta><contentSet><inlineData contenttype=\"text/plain\">Works began."
        "</inlineData></contentSet></newsItem>\n";
    got_t g;
    read_bytes(doc, strlen(doc), NEWSIDX_FORMAT_AUTO, &g);
    show_errors(&g);
    assert_int_equal(g.n, 1);
    const newsidx_article_t *a = g.a[0];
    const char *want[] = {"Frankreich", "Bretagne", "Normandie", "Paris", "Port de Brest"};
    assert_int_equal(a->n_agency_places, NX_ARRAY_LEN(want));
    for (size_t i = 0; i < NX_ARRAY_LEN(want); i++)
        assert_string_equal(a->agency_places[i], want[i]);
    assert_int_equal(a->n_subjects, 1);
    assert_string_equal(a->subjects[0], "Transport");
    got_free(&g);
}

/* A Markdown document is not an article: passed over with its reason,
 * unless the format is given; news text with a '#' line or a '|' is
 * still an article. */
static void markdown(void **state)
{
    (void)state;
    got_t g;
    const char *readme = "# Sample feeds\n\nFiles for parser tests.\n\n"
                         "| folder | format |\n|---|---|\n| rss/ | RSS 2.0 |\n\n"
                         "## Sources\n\n- [IPTC](https://iptc.org/)\n";
    read_text(readme, &g);
    assert_int_equal(g.n, 0);
    assert_int_equal(g.n_errors, 0);
    assert_string_equal(g.skipped, "not an article: Markdown=1");
    got_free(&g);
    /* --format text reads it as an article */
    read_bytes(readme, strlen(readme), NEWSIDX_FORMAT_TEXT, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.skipped, "");
    got_free(&g);
    const char *fenced = "Build notes\n\n```\nmake check\n```\n\n"
                         "- [HACKING](HACKING)\n- [README](README)\n";
    read_text(fenced, &g);
    assert_int_equal(g.n, 0);
    assert_string_equal(g.skipped, "not an article: Markdown=1");
    got_free(&g);
    /* News: a hashtag line, a '#1' ranking, a '|' in a quotation. */
    const char *news = "Team tops the table\n\n"
                       "LONDON (Reuters) - The club is #1 again after Sunday's win.\n\n"
                       "# not a heading: one line alone\n\n"
                       "\"Win | lose, we go on,\" the coach said.\n";
    read_text(news, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.skipped, "");
    assert_string_equal(g.a[0]->title, "Team tops the table");
    got_free(&g);
}

/* A contentSet's children are alternatives of one content: the fullest
 * text is taken, not the first (a teaser); text only by reference is
 * passed over with its own reason. */
static void g2_alternatives(void **state)
{
    (void)state;
    got_t g;
    read_text("<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"alt-1\">"
              "<itemMeta><itemClass qcode=\"ninat:text\"/></itemMeta>"
              "<contentMeta><headline>Alternatives</headline></contentMeta><contentSet>"
              "<remoteContent href=\"http://example.com/a.pdf\" contenttype=\"application/pdf\"/>"
              "<inlineXML contenttype=\"application/xhtml+xml\" rendition=\"rnd:teaser\">"
              "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>Teaser only.</p></body>"
              "</html></inlineXML>"
              "<inlineData contenttype=\"text/plain\">The whole text.\n\nAnd more of it.</inlineData>"
              "</contentSet></newsItem>", &g);
    show_errors(&g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.a[0]->body, "The whole text.\n\nAnd more of it.");
    got_free(&g);
    read_text("<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"alt-2\">"
              "<itemMeta><itemClass qcode=\"ninat:text\"/></itemMeta><contentSet>"
              "<remoteContent href=\"http://example.com/story.html\" contenttype=\"text/html\"/>"
              "</contentSet></newsItem>", &g);
    assert_int_equal(g.n, 0);
    assert_true(has(g.skipped, "text only at a remote address (NewsML-G2 remoteContent, "
                               "never fetched)"));
    got_free(&g);
}

/* What senders append that is not the story leaves the body of agency
 * formats: rules, end marks, copyright lines, the editors' initials. */
static void boilerplate(void **state)
{
    (void)state;
    got_t g;
    read_text("<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
              "<channel><title>T</title><item><title>Rates</title><guid>b-1</guid>"
              "<content:encoded><![CDATA[<p>LONDON - Rates held.</p><p>___</p>"
              "<p>Reporting by Ann Lee</p><p>MORE</p><p>* * *</p>"
              "<p>Copyright 2024 The Associated Press. All rights reserved.</p>"
              "<p>(c) Copyright Example News 2024. Click For Restrictions</p>"
              "<p>\xc2\xa9 Example 2024</p><p>-30-</p><p>END</p>"
              "<p>dpa wsz jln npr</p>]]></content:encoded></item>"
              "<item><title>Kept</title><guid>b-2</guid>"
              "<content:encoded><![CDATA[<p>The end of the affair.</p><p>More to come</p>"
              "<p>Bla bla test</p>]]></content:encoded></item>"
              "<item><title>Initials</title><guid>b-3</guid>"
              "<content:encoded><![CDATA[<p>The court ruled.</p><p>hh/ph/ts/hd</p>]]>"
              "</content:encoded></item>"
              "<item><title>Initials, then END</title><guid>b-4</guid>"
              "<content:encoded><![CDATA[<p>The court ruled.</p><p>hh/ph</p><p>END</p>]]>"
              "</content:encoded></item></channel></rss>", &g);
    show_errors(&g);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.a[3]->body, "The court ruled.");
    assert_string_equal(g.a[0]->body, "Rates held.\n\nReporting by Ann Lee");
    assert_string_equal(g.a[1]->body, "The end of the affair.\n\nMore to come\n\nBla bla test");
    assert_string_equal(g.a[2]->body, "The court ruled.");
    got_free(&g);
}

/* An AP keyword sent as the headline is no headline: the title comes
 * from the lead, and a first paragraph repeating the slug goes. */
static void slug_as_headline(void **state)
{
    (void)state;
    got_t g;
    read_text("<nitf><head><docdata><doc-id id-string=\"s-1\"/></docdata></head><body>"
              "<body.head><hedline><hl1>BC-BBN--Top Ten</hl1></hedline></body.head>"
              "<body.content><hl2>BC-BBN--Top Ten</hl2><p>BASEBALL'S TOP TEN</p>"
              "<p>McNeil leads the league.</p></body.content></body></nitf>", &g);
    show_errors(&g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.a[0]->title, "BASEBALL'S TOP TEN");
    assert_string_equal(g.a[0]->body, "BASEBALL'S TOP TEN\n\nMcNeil leads the league.");
    got_free(&g);
    /* a headline with a dash in it is a headline */
    read_text("<nitf><head><docdata><doc-id id-string=\"s-2\"/></docdata></head><body>"
              "<body.head><hedline><hl1>UK-EU talks resume</hl1></hedline></body.head>"
              "<body.content><p>Talks resumed.</p></body.content></body></nitf>", &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.a[0]->title, "UK-EU talks resume");
    got_free(&g);
}

/* Other priorities and categories than the samples' (f: financial, s:
 * sports; b, u), a take that ends with MORE and a story that ends with
 * END: the same reading, and the marks are no part of the text. */
static void anpa_categories(void **state)
{
    (void)state;
    const char stream[] =
        "\x16\x16\x01" "f0002\x1f" "x\nb f\x13\x11 BC-Stocks-Close   02-20 0012\n\x02"
        "^BC-Stocks-Close,0123<\n^Stocks close higher<\n^By JANE ROE=\n^AP Business Writer=\n"
        "\t   NEW YORK (AP) _ Stocks closed higher.\n\t   MORE\n\x03"
        "AP-NY-02-20-16 2237GMT<\n\x04"
        "\x16\x16\x01" "s0003\x1f" "x\nu s\x13\x11 BC-BBO--Yankees-RedSox   02-20 0012\n\x02"
        "^BC-BBO--Yankees-Red Sox,0123<\n^Yankees beat Red Sox<\n"
        "\t   BOSTON (AP) _ The Yankees won.\n\t   END\n\x03" "AP-NY-02-20-16 2240GMT<\n\x04";
    got_t g;
    read_bytes(stream, sizeof stream - 1, NEWSIDX_FORMAT_AUTO, &g);
    show_errors(&g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.a[0]->id, "anpa:2016-02-20:BC-Stocks-Close");
    assert_string_equal(g.a[0]->title, "Stocks close higher");
    assert_string_equal(g.a[0]->byline, "JANE ROE");
    assert_string_equal(g.a[0]->body, "Stocks closed higher.");
    assert_string_equal(g.a[0]->parts[0].body, "Stocks closed higher.");
    assert_string_equal(g.a[1]->id, "anpa:2016-02-20:BC-BBO--Yankees-RedSox");
    assert_string_equal(g.a[1]->dateline, "BOSTON");
    assert_string_equal(g.a[1]->body, "The Yankees won.");
    assert_string_equal(g.a[1]->time, "2016-02-20T22:40:00Z");
    got_free(&g);
}

/* RSS with Dublin Core (dc:date, dc:creator) and content:encoded, as
 * many feeds send it instead of pubDate and author. */
static void rss_dublin_core(void **state)
{
    (void)state;
    got_t g;
    read_text("<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
              "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>T</title>"
              "<language>en-gb</language><item><title>Full text</title><link>http://e.com/1</link>"
              "<dc:date>2024-05-01T10:00:00+01:00</dc:date><dc:creator>Ann Lee</dc:creator>"
              "<description>Short summary.</description><content:encoded><![CDATA["
              "<p>LONDON (Reuters) - Full &amp; complete text.</p>]]></content:encoded></item>"
              "</channel></rss>", &g);
    show_errors(&g);
    assert_int_equal(g.n, 1);
    newsidx_article_t *a = g.a[0];
    assert_string_equal(a->date, "2024-05-01");
    assert_string_equal(a->time, "2024-05-01T09:00:00Z");
    assert_string_equal(a->byline, "Ann Lee");
    assert_string_equal(a->dateline, "LONDON");
    assert_string_equal(a->language, "en");
    assert_string_equal(a->body, "Full & complete text.");
    assert_false(a->summary_only);
    got_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nitf_latin1_namespaced),
        cmocka_unit_test(g2_message),
        cmocka_unit_test(newsml1_items),
        cmocka_unit_test(ninjs_versions),
        cmocka_unit_test(feeds),
        cmocka_unit_test(wordpress),
        cmocka_unit_test(anpa_stream),
        cmocka_unit_test(iptc7901_lead),
        cmocka_unit_test(hostile_xml),
        cmocka_unit_test(markdown),
        cmocka_unit_test(g2_places),
        cmocka_unit_test(double_utf8),
        cmocka_unit_test(g2_alternatives),
        cmocka_unit_test(boilerplate),
        cmocka_unit_test(slug_as_headline),
        cmocka_unit_test(anpa_categories),
        cmocka_unit_test(rss_dublin_core),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
