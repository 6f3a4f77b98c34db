/* test_places.c - the gazetteer loader and place recognition. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nx.h"
#include "places.h"
#include "seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static nx_gazetteer_t *gaz;

/* The table the build uses: $NEWSIDX_GAZETTEER, else the source tree's. */
static char *gazetteer_path(void)
{
    const char *env = getenv("NEWSIDX_GAZETTEER");
    if (env && *env)
        return nx_strdup(env);
    const char *src = getenv("SRCDIR");
    return nx_printf("%s/data/gazetteer.tsv", src && *src ? src : ".");
}

static int setup(void **state)
{
    (void)state;
    char *path = gazetteer_path(), *err = NULL;
    gaz = nx_gazetteer_load(path, &err);
    if (!gaz)
        fprintf(stderr, "cannot load %s: %s\n", path, err ? err : "?");
    free(path);
    free(err);
    return gaz ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nx_gazetteer_free(gaz);
    return 0;
}

/* The places of an article, as one string "A|B|C" for easy asserts. */
static char *places(const char *dateline, const char *title, const char *body)
{
    nx_strv_t out = {0};
    assert_true(nx_places_find(gaz, dateline, title, body, &out));
    nx_buf_t b;
    nx_buf_init(&b);
    for (size_t i = 0; i < out.n; i++) {
        if (i)
            nx_buf_addc(&b, '|');
        nx_buf_adds(&b, out.v[i]);
    }
    nx_buf_addc(&b, '\0');
    nx_strv_free(&out);
    return nx_buf_steal(&b);
}

static bool has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)); p++)
        if ((p == list || p[-1] == '|') && (p[n] == '|' || p[n] == '\0'))
            return true;
    return false;
}

#define EXPECT(list, name) \
    do { if (!has((list), (name))) fail_msg("%s not in [%s]", (name), (list)); } while (0)
#define REJECT(list, name) \
    do { if (has((list), (name))) fail_msg("%s wrongly in [%s]", (name), (list)); } while (0)

static void dateline_first_and_canonical(void **state)
{
    (void)state;
    char *p = places("KANSAS CITY, Mo.", NULL, "The storm moved east toward Chicago overnight.");
    assert_non_null(p);
    assert_true(strncmp(p, "Kansas City|", 12) == 0);
    EXPECT(p, "Missouri");
    EXPECT(p, "Chicago");
    free(p);
    p = places("PARIS, Texas", NULL, "The council met on Tuesday.");
    assert_true(strncmp(p, "Paris|Texas", 11) == 0);
    free(p);
}

/* A line of figures names players and their teams' places: "Name,
 * Place, figure;".  The names are no places, even those a town shares
 * or that stand before a state; the places after them are read. */
static void lines_of_figures(void **state)
{
    (void)state;
    char *p = places(NULL, "Baseball's top ten",
                     "Home Runs\n\nYelich, Milwaukee, 31; Alonso, New York, 28; Ozuna, St. Louis, 62;\n"
                     "Strasburg, Washington, 9-4; Greinke, Arizona, 9-3; JGray, Colorado, 9-5.\n");
    EXPECT(p, "Milwaukee");
    EXPECT(p, "New York");
    EXPECT(p, "Arizona");
    REJECT(p, "Alonso");
    REJECT(p, "Ozuna");
    REJECT(p, "Strasburg");
    REJECT(p, "Greinke");
    REJECT(p, "JGray");
    free(p);
    /* an address's zip code after the state is no figure of a list */
    p = places(NULL, NULL, "Write to the office at Box 9, Strasburg, Va., 22657, by Friday.");
    EXPECT(p, "Strasburg");
    free(p);
}

static void accents_kept(void **state)
{
    (void)state;
    /* names that differ only in accents: the text's spelling decides */
    char *p = places("VALPARA\xc3\x8dSO, Chile", NULL, "The port reopened.");
    assert_true(strncmp(p, "Valpara\xc3\xadso|Chile", 17) == 0);
    free(p);
    p = places(NULL, NULL, "Voters in Valpara\xc3\xadso chose a mayor.");
    assert_string_equal(p, "Valpara\xc3\xadso");
    free(p);
    /* a spelling without accents finds the accented name */
    p = places(NULL, NULL, "The bank moved staff to Zurich.");
    assert_string_equal(p, "Z\xc3\xbcrich");
    free(p);
}

static void dateline_in_body(void **state)
{
    (void)state;
    char *p = places(NULL, "Bridge to close",
                     "Bridge to close. SMALLVILLE, Ga. \xe2\x80\x94 Crews will close the bridge.");
    assert_string_equal(p, "Smallville|Georgia");
    free(p);
    /* A colon or a run of dashes, for a place the gazetteer knows. */
    p = places(NULL, NULL, "BEIRUT: The talks resumed.");
    assert_string_equal(p, "Beirut");
    free(p);
    p = places(NULL, NULL, "NATO: The allies met.");
    assert_string_equal(p, "");
    free(p);
}

static void us_aliases(void **state)
{
    (void)state;
    char *p = places(NULL, NULL, "The U.S. and the UK signed a deal with America's allies.");
    assert_string_equal(p, "United States|United Kingdom");
    free(p);
    p = places(NULL, NULL, "Some of us went along. \xe2\x80\x9cLet us go,\xe2\x80\x9d she said.");
    assert_string_equal(p, "");
    free(p);
}

static void paris_in_and_person(void **state)
{
    (void)state;
    char *p = places(NULL, NULL, "The talks took place in Paris last week.");
    assert_string_equal(p, "Paris");
    free(p);
    p = places(NULL, NULL, "On the red carpet, Paris Hilton said she was happy.");
    REJECT(p, "Paris");
    free(p);
}

static void people_named_after_places(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "The psychologist Jordan Peterson spoke to students. Peterson said "
                     "he liked the crowd. A portrait of George Washington hangs in the hall.");
    REJECT(p, "Jordan");
    REJECT(p, "Washington");
    free(p);
    p = places(NULL, NULL, "The minister flew to Jordan, then on to Washington for talks.");
    EXPECT(p, "Jordan");
    EXPECT(p, "Washington");
    free(p);
    /* a given name that is no place nor a word makes a province's name a
     * person's elsewhere too; a word that is no given name does not */
    p = places(NULL, NULL, "Board member Naoko Ishikawa dissented. Ishikawa" "\xe2\x80\x99"
                           "s proposal was rejected.");
    REJECT(p, "Ishikawa");
    free(p);
    /* a title in small letters before the name tells a person too */
    p = places(NULL, NULL, "The spokeswoman Mary Lincoln met reporters. Lincoln" "\xe2\x80\x99"
                           "s staff stayed home.");
    REJECT(p, "Lincoln");
    free(p);
    p = places(NULL, NULL, "Tom Dooher, president of Education Minnesota, was unhappy. The "
                           "cuts hurt the schools of Minnesota, he said.");
    EXPECT(p, "Minnesota");
    free(p);
}

static void months_are_not_places(void **state)
{
    (void)state;
    char *p = places(NULL, NULL, "The vote slipped from March to May, officials said.");
    REJECT(p, "March");
    REJECT(p, "May");
    assert_string_equal(p, "");
    free(p);
}

static void common_words_are_not_places(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "Police said the driver fled. University officials declined to comment. "
                     "The State Police and the city police searched the area.");
    REJECT(p, "Police");
    REJECT(p, "University");
    assert_string_equal(p, "");
    free(p);
}

static void organisations_are_not_places(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "NATO allies met as Standard Oil shares rose. The NATO summit ended.");
    REJECT(p, "NATO");
    REJECT(p, "Nato");
    REJECT(p, "Standard Oil");
    assert_string_equal(p, "");
    free(p);
}

/* A firm noun before a name, or before the list the name ends: a firm
 * named like a town (Dongfeng is a town in China, and a car maker). */
static void firms_named_by_a_noun(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "The Chinese-owned company has been negotiating with automakers Mahindra "
                     "(India) and Dongfeng (China) to raise funds.");
    REJECT(p, "Dongfeng");
    assert_string_equal(p, "China|India");
    free(p);
    p = places(NULL, NULL, "Talks with China's carmaker Dongfeng went on.");
    assert_string_equal(p, "China");
    free(p);
    /* the same town after a preposition is a place */
    p = places(NULL, NULL, "Workers in Dongfeng, China, went on strike.");
    assert_string_equal(p, "Dongfeng|China");
    free(p);
}

/* Reuters marks companies with angle brackets: a name inside them, or
 * before a ticker in them, is a company's. */
static void companies_in_angle_brackets(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "Delta <DAL> rose 1/2 to 56-7/8. The bank sold its card unit to <Banco "
                     "de\nSantander> of Spain.");
    REJECT(p, "Delta");
    REJECT(p, "Santander");
    assert_string_equal(p, "Spain");
    free(p);
    /* a place beside a bracket is still one */
    p = places(NULL, NULL, "Exxon <XON> said its plant in Baytown, Texas, was shut.");
    assert_string_equal(p, "Baytown|Texas");
    free(p);
}

static void city_comma_state(void **state)
{
    (void)state;
    char *p = places(NULL, NULL, "She grew up in Springfield, Ill., and moved away at 18.");
    assert_string_equal(p, "Springfield|Illinois");
    free(p);
    /* A town no gazetteer lists, vouched for by its state. */
    p = places(NULL, NULL, "A man from Quillbrook, Tenn., was hurt.");
    assert_string_equal(p, "Quillbrook|Tennessee");
    free(p);
}

static void multi_word_names(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "Delegates from New York flew to The Hague, then toured the Middle East "
                     "before a stop on the Crimean Peninsula.");
    assert_string_equal(p, "New York|The Hague|Middle East|Crimean Peninsula");
    free(p);
}

/* Text wrapped by its sender: a name broken over two lines is one name,
 * with a space (it was "Grose\nValley" in an AAP story). */
static void names_broken_over_lines(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "A fire has jumped the Darling Causeway and is into the Grose\nValley: "
                     "the southern edge of the fire near New\nYork is long.");
    EXPECT(p, "Grose Valley");
    EXPECT(p, "New York");
    assert_null(strchr(p, '\n'));
    free(p);
}

static void once_each(void **state)
{
    (void)state;
    char *p = places("LONDON", NULL,
                     "In London, prices rose. London traders said Germany and Germany's "
                     "banks would follow. German officials agreed.");
    assert_string_equal(p, "London|Germany");
    free(p);
}

static void demonyms(void **state)
{
    (void)state;
    char *p = places(NULL, NULL, "Ukrainian soldiers faced Russian tanks.");
    assert_string_equal(p, "Ukraine|Russia");
    free(p);
    p = places(NULL, NULL, "The African American museum opened.");
    REJECT(p, "Africa");
    REJECT(p, "United States");
    free(p);
}

static void counties(void **state)
{
    (void)state;
    char *p = places(NULL, NULL, "Deputies in Laurel County arrested two men.");
    assert_string_equal(p, "Laurel County");
    free(p);
}

static void streets_roads_and_features(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "The crash closed Maple Grove Road near Interstate 75, and divers searched "
                     "Lake Quillmere and the Ashby River.");
    EXPECT(p, "Maple Grove Road");
    EXPECT(p, "Interstate 75");
    EXPECT(p, "Lake Quillmere");
    EXPECT(p, "Ashby River");
    free(p);
    /* seas and rivers the table lists, a sea by its shape, and a town
     * that a word for a place introduces */
    p = places(NULL, NULL, "Ships waited in the Scheldt estuary and the Pacific, and near "
                           "the Quillmark Sea. Homes burned near the town of Quillbury.");
    EXPECT(p, "Scheldt");
    EXPECT(p, "Pacific Ocean");
    EXPECT(p, "Quillmark Sea");
    EXPECT(p, "Quillbury");
    free(p);
    /* the planet is no place of a story */
    p = places(NULL, NULL, "The planet is slightly larger than Earth.");
    assert_string_equal(p, "");
    free(p);
    /* A person whose surname is a street word is no street. */
    p = places(NULL, NULL, "The driver, Virginia L. Lane, was not hurt.");
    REJECT(p, "Virginia L. Lane");
    REJECT(p, "Virginia");
    free(p);
}

static void lists_before_a_kind_word(void **state)
{
    (void)state;
    char *p = places(NULL, NULL, "Deputies from Quill, Ashby and Dunmore counties helped.");
    assert_string_equal(p, "Quill|Ashby|Dunmore");
    free(p);
}

static void party_labels_and_hometowns(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "The bill's sponsor, Rep. Ann Doe, D-Quillbrook, and Sen. Bo Roe, R-Ga., "
                     "spoke. Jan Poe of Springfield watched.");
    EXPECT(p, "Quillbrook");
    EXPECT(p, "Georgia");
    EXPECT(p, "Springfield");
    REJECT(p, "Doe");
    free(p);
}

static void firms_and_bodies(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "Toyota Motor Corp and Kidder, Peabody and Co signed. The Texas Department "
                     "of Transportation agreed, and the Richmond area will gain.");
    REJECT(p, "Toyota");
    REJECT(p, "Peabody");
    EXPECT(p, "Texas");
    EXPECT(p, "Richmond");
    free(p);
    /* a town's name in a body's through another word, and after a
     * plural's possessive; a body word right after it is read apart */
    p = places(NULL, NULL, "Takeshi Mori, economist at Sakura Research Institute, spoke. The "
                           "European Farmers" "\xe2\x80\x99" " Alliance will protest. The Columbus "
                           "Metropolitan Library opened.");
    REJECT(p, "Sakura");
    REJECT(p, "Alliance");
    EXPECT(p, "Columbus");
    free(p);
}

static void towns_of_other_countries(void **state)
{
    (void)state;
    /* Obama is a town in Japan; this story is about Ohio. */
    char *p = places(NULL, NULL,
                     "Voters in Ohio cheered. Later Obama spoke at a rally in Ohio and the "
                     "crowd left.");
    assert_string_equal(p, "Ohio");
    free(p);
}

static void null_and_odd_input(void **state)
{
    (void)state;
    char *p = places(NULL, NULL, NULL);
    assert_string_equal(p, "");
    free(p);
    p = places("", "", "");
    assert_string_equal(p, "");
    free(p);
    p = places(NULL, NULL, "\xe2\x80\x9c\xe2\x80\x94 , . U. S. ' \xe2\x80\x99s -- in , La. of");
    assert_non_null(p);
    free(p);
    /* A long run of capitalised words and a very long word. */
    nx_buf_t b;
    nx_buf_init(&b);
    for (int i = 0; i < 2000; i++)
        nx_buf_adds(&b, "New York City Of ");
    for (int i = 0; i < 4000; i++)
        nx_buf_addc(&b, 'A');
    nx_buf_addc(&b, '\0');
    p = places(NULL, NULL, b.data);
    assert_non_null(p);
    free(p);
    nx_buf_free(&b);
}

/* ---- the loader ---- */

static char *write_tmp(const char *text)
{
    const char *dir = getenv("TMPDIR");
    char *path = nx_printf("%s/test_places.XXXXXX", dir && *dir ? dir : "/tmp");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void load_error(const char *text, const char *want)
{
    char *path = write_tmp(text), *err = NULL;
    nx_gazetteer_t *g = nx_gazetteer_load(path, &err);
    assert_null(g);
    assert_non_null(err);
    if (!strstr(err, path) || !strstr(err, want))
        fail_msg("error \"%s\" should name %s and say %s", err, path, want);
    free(err);
    unlink(path);
    free(path);
}

static void loader_missing_file(void **state)
{
    (void)state;
    char *err = NULL;
    assert_null(nx_gazetteer_load("/nonexistent/gazetteer.tsv", &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "/nonexistent/gazetteer.tsv"));
    free(err);
}

static void loader_malformed(void **state)
{
    (void)state;
    const char *hdr = "# newsidx gazetteer: test\n";
    char *t;
    load_error("just some text\n", ":1: not a newsidx gazetteer");
    t = nx_printf("%sParis\t\tKP\t2138\tFR\nBrussels\t\tK\t1019\n", hdr);
    load_error(t, ":3: want 5 tab-separated fields");
    free(t);
    t = nx_printf("%sParis\t\tQ\t1\tFR\n", hdr);
    load_error(t, ":2: unknown place class");
    free(t);
    t = nx_printf("%sParis\t\tK\tmany\tFR\n", hdr);
    load_error(t, ":2: bad population");
    free(t);
    t = nx_printf("%sPar\xff\t\tK\t1\tFR\n", hdr);
    load_error(t, ":2: invalid UTF-8");
    free(t);
    t = nx_printf("%sParis\t\tK\t1\tfr\n", hdr);
    load_error(t, ":2: bad country codes");
    free(t);
    load_error(hdr, "no places");
    load_error("", "empty file");
    /* Truncated in the middle of a line. */
    t = nx_printf("%sParis\t\tKP\t2138\tFR\nBruss", hdr);
    load_error(t, ":3:");
    free(t);
}

static void loader_small_table(void **state)
{
    (void)state;
    char *path = write_tmp("# newsidx gazetteer: test\n"
                           "Brussels\t\tK\t1019\tBE\n"
                           "U.S.\tUnited States\tC\t0\tUS\n");
    char *err = NULL;
    nx_gazetteer_t *g = nx_gazetteer_load(path, &err);
    assert_non_null(g);
    nx_strv_t out = {0};
    assert_true(nx_places_find(g, "BRUSSELS", NULL, "The U.S. envoy arrived.", &out));
    assert_int_equal(out.n, 2);
    assert_string_equal(out.v[0], "Brussels");
    assert_string_equal(out.v[1], "United States");
    nx_strv_free(&out);
    nx_gazetteer_free(g);
    unlink(path);
    free(path);
}

/* ---- the seed article, when the shared data is there ---- */

static void seed_article(void **state)
{
    (void)state;
    char *text = read_seed();
    if (!text)
        skip();
    newsidx_article_t *a = NULL;
    char *err = NULL;
    assert_int_equal(newsidx_article_parse(text, strlen(text), NEWSIDX_FORMAT_AUTO, "seed", &a,
                                           &err), NEWSIDX_OK);
    free(text);
    char *p = places(a->dateline, a->title, a->body);
    assert_true(strncmp(p, "Brussels|", 9) == 0);
    const char *want[] = {"Ukraine", "Russia", "Europe", "Crimean Peninsula", "Germany",
                          "Poland", "United Kingdom", "United States", "Washington",
                          "The Hague", "Netherlands"};
    for (size_t i = 0; i < NX_ARRAY_LEN(want); i++)
        EXPECT(p, want[i]);
    REJECT(p, "NATO");
    REJECT(p, "Nato");
    REJECT(p, "Article Five");
    free(p);
    newsidx_article_free(a);
}

/* Firms and brands holding a place's name are no places: an ampersand
 * between names, a bank of a country, a company's verbs. */
static void brands_are_not_places(void **state)
{
    (void)state;
    char *p = places(NULL, "Lenders fall",
                     "Shares of Whitby & Morley fell 5 percent while Royal Bank of Scotland rose. "
                     "Santander bought the unit from a rival, and British Airways cut flights "
                     "from Leeds.");
    REJECT(p, "Whitby");
    REJECT(p, "Morley");
    REJECT(p, "United Kingdom");
    REJECT(p, "Santander");
    EXPECT(p, "Leeds");
    free(p);
    /* a town after a bank's name is where the bank is */
    p = places(NULL, NULL, "Police said a man robbed the First Bank of Princeton on Monday.");
    EXPECT(p, "Princeton");
    free(p);
}

/* A place's name before a word for a thing made or flown is the
 * thing's: a rocket, a shuttle, a car; a plant's noun after it makes it
 * the place again. */
static void products_are_not_places(void **state)
{
    (void)state;
    char *p = places(NULL, "Satellite launched",
                     "An unmanned Delta rocket carrying a weather satellite lifted off from "
                     "Cape Canaveral, Fla., on Thursday. The 116-foot Delta was the first of "
                     "six launches this year; the Columbia shuttle flies next, and a Russian "
                     "rocket in May.");
    REJECT(p, "Delta");
    REJECT(p, "Columbia");
    assert_string_equal(p, "Cape Canaveral|Florida|Russia");
    free(p);
    p = places(NULL, NULL,
               "Workers at the Leeds tank factory struck. Sales of its Mustang cars rose, "
               "and the Oldsmobile Delta 88 models sold out.");
    assert_string_equal(p, "Leeds");
    free(p);
}

/* A town's name that the article gives a firm (before "Air Lines Inc",
 * in Reuters' brackets) is the firm's where it stands alone too, but
 * not where only a place stands, and not a state few countries share. */
static void firms_named_elsewhere(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "Delta Air Lines Inc said it began building a terminal in Atlanta. The "
                     "terminal will be connected to Delta's existing one, a Delta spokesman "
                     "said. Ronald Allen, Delta's president, said the work would take a year.");
    assert_string_equal(p, "Atlanta");
    free(p);
    p = places(NULL, NULL,
               "The bank severed its ties with <Delta Motor Corp> in 1984 and later "
               "foreclosed on Delta's assets.");
    assert_string_equal(p, "");
    free(p);
    p = places(NULL, NULL,
               "The Peach Bottom plant at Delta, Pa., was shut. Delta Air Lines Inc said "
               "its flights ran.");
    assert_string_equal(p, "Delta|Pennsylvania");
    free(p);
    p = places(NULL, NULL,
               "Texas Air Corp said it would buy the airline, and a Texas judge approved "
               "the sale. The London International Financial Futures Exchange will link "
               "with traders in Sydney, Chicago and London.");
    EXPECT(p, "Texas");
    EXPECT(p, "London");
    free(p);
}

/* A region named after a country is a place of its own, not the
 * country. */
static void regions_built_on_countries(void **state)
{
    (void)state;
    char *p = places(NULL, NULL,
                     "Militants attacked oil platforms in the Niger Delta on Monday, and "
                     "drought hit the Horn of Africa.");
    assert_string_equal(p, "Niger Delta|Horn of Africa");
    free(p);
    p = places(NULL, NULL, "Troops left Niger on Monday for the Congo Basin.");
    assert_string_equal(p, "Niger|Congo Basin");
    free(p);
}

/* Idioms and abbreviations: the markets, the rest of the economy, a
 * ticker, a weekday. */
static void idioms_tickers_and_days(void **state)
{
    (void)state;
    char *p = places(NULL, "Stocks slide",
                     "Wall Street fell as bank shares slid, and the pain spread to Main Street, "
                     "where small firms struggle. Bayer AG (BAY.L) rose 2 percent on Mon.");
    REJECT(p, "Wall Street");
    REJECT(p, "Main Street");
    REJECT(p, "Mon");
    assert_null(strstr(p, "BAY"));
    free(p);
    /* without Wall Street beside it, Main Street is a street */
    p = places(NULL, NULL, "The parade went down Main Street in Dayton, Ohio.");
    EXPECT(p, "Dayton");
    free(p);
}

/* "HONG KONG/MOSCOW": a dateline naming two places gives both. */
static void dateline_of_two_places(void **state)
{
    (void)state;
    char *p = places("HONG KONG/MOSCOW", NULL, "The company said output would fall.");
    assert_true(strncmp(p, "Hong Kong|Moscow", 16) == 0);
    free(p);
}

int main(void)
{
    filter_seed_test();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dateline_first_and_canonical),
        cmocka_unit_test(accents_kept),
        cmocka_unit_test(lines_of_figures),
        cmocka_unit_test(dateline_in_body),
        cmocka_unit_test(us_aliases),
        cmocka_unit_test(paris_in_and_person),
        cmocka_unit_test(people_named_after_places),
        cmocka_unit_test(months_are_not_places),
        cmocka_unit_test(common_words_are_not_places),
        cmocka_unit_test(organisations_are_not_places),
        cmocka_unit_test(firms_named_by_a_noun),
        cmocka_unit_test(companies_in_angle_brackets),
        cmocka_unit_test(city_comma_state),
        cmocka_unit_test(multi_word_names),
        cmocka_unit_test(names_broken_over_lines),
        cmocka_unit_test(once_each),
        cmocka_unit_test(demonyms),
        cmocka_unit_test(counties),
        cmocka_unit_test(streets_roads_and_features),
        cmocka_unit_test(lists_before_a_kind_word),
        cmocka_unit_test(party_labels_and_hometowns),
        cmocka_unit_test(firms_and_bodies),
        cmocka_unit_test(brands_are_not_places),
        cmocka_unit_test(products_are_not_places),
        cmocka_unit_test(firms_named_elsewhere),
        cmocka_unit_test(regions_built_on_countries),
        cmocka_unit_test(idioms_tickers_and_days),
        cmocka_unit_test(dateline_of_two_places),
        cmocka_unit_test(towns_of_other_countries),
        cmocka_unit_test(null_and_odd_input),
        cmocka_unit_test(loader_missing_file),
        cmocka_unit_test(loader_malformed),
        cmocka_unit_test(loader_small_table),
        cmocka_unit_test(seed_article),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
