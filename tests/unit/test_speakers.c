/* test_speakers.c - who is quoted: the attribution patterns of English
 * news and the cases that must not yield a speaker. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "speakers.h"
#include "seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LQ "\xe2\x80\x9c"       /* “ */
#define RQ "\xe2\x80\x9d"       /* ” */
#define AP "\xe2\x80\x99"       /* ’ */
#define DASH "\xe2\x80\x94"     /* — */

/* The speakers of an article, as one string "A|B|C" for easy comparison. */
static char *speakers(const char *title, const char *body)
{
    nx_strv_t out = {0};
    assert_true(nx_speakers_find(title, body, &out));
    size_t len = 1;
    for (size_t i = 0; i < out.n; i++)
        len += strlen(out.v[i]) + 1;
    char *s = calloc(1, len);
    assert_non_null(s);
    for (size_t i = 0; i < out.n; i++) {
        if (i)
            strcat(s, "|");
        strcat(s, out.v[i]);
    }
    nx_strv_free(&out);
    return s;
}

static void expect(const char *title, const char *body, const char *want)
{
    char *got = speakers(title, body);
    assert_string_equal(got, want);
    free(got);
}

static void said_after_quote(void **state)
{
    (void)state;
    expect(NULL, LQ "We will hold the line," RQ " Maria Vega said.", "Maria Vega");
    expect(NULL, "\"Nobody expected this,\" Tom Ash told reporters on Friday.", "Tom Ash");
    /* the quote's own words are no speaker */
    expect(NULL, LQ "Tell Boston and Chicago that Ruiz is coming," RQ " Ida Moss said.", "Ida Moss");
}

static void said_before_name_with_title(void **state)
{
    (void)state;
    expect(NULL, LQ "Prices will fall," RQ " said Finance Minister Tomas Rivera.", "Tomas Rivera");
    expect(NULL, LQ "It is a good day," RQ " said Sen. Ruth Ames, a Democrat from Ohio.",
           "Ruth Ames");
    expect(NULL, "Deputy Foreign Secretary of State for Trade Lionel Hart said talks would go on.",
           "Lionel Hart");
}

static void told_x_that(void **state)
{
    (void)state;
    /* the outlet told is not a speaker */
    expect(NULL, "Clara Ortiz told The Daily Ledger that the plan had failed.", "Clara Ortiz");
    expect(NULL, "Water Board chairman Ivo Sand told Channel Nine News he would resign.", "Ivo Sand");
}

static void according_to(void **state)
{
    (void)state;
    expect(NULL, "The bridge will close in May, according to Mayor Dana Holt.", "Dana Holt");
    expect(NULL, "According to the Valley Herald, the mill will close.", "Valley Herald");
    /* a poll is no named speaker */
    expect(NULL, "Support fell to 40 percent, according to a Herald poll.", "");
}

static void colon_quote(void **state)
{
    (void)state;
    expect(NULL, "The vote was close.\n\nRuth Ames: " LQ "We need every vote." RQ, "Ruth Ames");
    expect(NULL, "Ruth Ames said: " LQ "We need every vote." RQ, "Ruth Ames");
    /* a headline naming the speaker before a colon */
    expect("Ruth Ames: Time to Act on Rivers", "Sen. Ruth Ames said the rivers were dirty.",
           "Ruth Ames");
}

static void pronoun_resolved_when_clear(void **state)
{
    (void)state;
    expect(NULL, "Peter Lund arrived late at the hearing.\n\n" LQ "We lost a day," RQ " he said.",
           "Peter Lund");
    /* two men before "he": nobody can tell which */
    expect(NULL, "Peter Lund met Omar Brandt in the hall.\n\n" LQ "We lost a day," RQ " he said.",
           "");
    /* a pronoun with nobody named before it */
    expect(NULL, LQ "We lost a day," RQ " she said.", "");
}

static void description_resolved(void **state)
{
    (void)state;
    expect(NULL, "Defence Minister Ana Kovac visited the base on Monday.\n\n"
                 LQ "We are ready," RQ " the minister said.", "Ana Kovac");
    /* two ministers: "the minister" is not clear */
    expect(NULL, "Defence Minister Ana Kovac met Finance Minister Ivan Petrov.\n\n"
                 LQ "We are ready," RQ " the minister said.", "");
    expect(NULL, "Shares of Brightwater Corp rose.\n\nThe company said sales had doubled.",
           "Brightwater Corp");
}

static void generic_sources_dropped(void **state)
{
    (void)state;
    expect(NULL, LQ "It is over," RQ " officials said. Analysts said the deal was weak. "
                 "A spokesman said nothing more. Critics say the plan fails.", "");
    expect(NULL, "Senate Republicans said they would block the bill.", "");
    expect(NULL, "A Pentagon spokesman said the review would take weeks.", "");
}

static void possessives_stripped(void **state)
{
    (void)state;
    expect(NULL, "Lena Park" AP "s remarks drew cheers. " LQ "Thank you," RQ " Park said.",
           "Lena Park");
    /* the possessor of a speaker is not the speaker */
    expect(NULL, "Lena Park" AP "s spokesman said the trip was off.", "");
    expect(NULL, "Jon Vale's campaign said it raised $2 million.", "Jon Vale campaign");
}

static void fullest_name_chosen(void **state)
{
    (void)state;
    expect(NULL, "Jonas Weber spoke first.\n\nLater, Weber said the talks would resume. "
                 "Mr. Weber added that he was hopeful.", "Jonas Weber");
    /* the full name may come after the short one */
    expect(NULL, LQ "No," RQ " Weber said.\n\nJonas Weber is the mayor.", "Jonas Weber");
}

static void organisations(void **state)
{
    (void)state;
    expect(NULL, "The Pentagon said it had no comment.", "Pentagon");
    expect(NULL, "Acme Corp. said profits rose. The Northern Trust Bank said rates would hold.",
           "Acme Corp.|Northern Trust Bank");
    expect(NULL, "The Moreno administration said the fund was empty.", "Moreno administration");
}

static void order_and_once_each(void **state)
{
    (void)state;
    expect(NULL, LQ "Yes," RQ " said Eva Lind. " LQ "No," RQ " Karl Berg replied. Lind said "
                 "again that she disagreed. Berg and Mia Holm said they would vote.",
           "Eva Lind|Karl Berg|Mia Holm");
}

static void appositives_and_inserts(void **state)
{
    (void)state;
    expect(NULL, "Rafael Cruz, a retired teacher from Dayton, said the school was closing.",
           "Rafael Cruz");
    expect(NULL, "Her spokesman, Ben Ortega, said she was resting.", "Ben Ortega");
    expect(NULL, "Sen. Amy Lark (D-Ore.) said the vote would be close.", "Amy Lark");
    /* a place in a prepositional phrase is not the subject */
    expect(NULL, "Voters in Iowa said they were undecided.", "");
}

static void reported_speech_verbs(void **state)
{
    (void)state;
    expect(NULL, "Nora Fisk wrote that the law was flawed. Paul Grant tweeted his support. "
                 "Ines Roy warned of delays. Olaf Dunn argued for a delay.",
           "Nora Fisk|Paul Grant|Ines Roy|Olaf Dunn");
    /* passive: the subject was told, did not tell */
    expect(NULL, "Nora Fisk was told to wait.", "");
    /* naming, not speech; nouns, not verbs */
    expect(NULL, "Donors gave to a group called Clean Rivers Now.", "");
    expect(NULL, "But Clean Rivers reports show a decline.", "");
    /* a verb with a clause for its object */
    expect(NULL, "Nora Fisk believes that the law is flawed.", "Nora Fisk");
}

static void wire_copy_conventions(void **state)
{
    (void)state;
    /* a dateline names a place; a byline credits a reporter */
    expect(NULL, "LISBON, May 3 (Wire) " DASH " The minister, a former docker, said the port "
                 "would reopen.", "");
    expect(NULL, "Port workers walked out, union leader Rosa Lima said.\n\n"
                 "Tom Hale reported from Lisbon.", "Rosa Lima");
    /* the name inserted after a noun, not a name further back */
    expect(NULL, "Ann Lee won in Ohio, while her opponent, Bob Ray, wants a recount.", "Bob Ray");
    /* a headline in capitals, matched to the body's names */
    expect("LIMA SAYS STRIKE WILL SPREAD", "Union leader Rosa Lima said the strike would spread.",
           "Rosa Lima");
    /* a company, then its short name and "the company" */
    expect(NULL, "Brightwater Holdings Inc said profits fell. Brightwater said it would cut jobs.",
           "Brightwater Holdings Inc");
    expect(NULL, "The Securities and Exchange Commission said it would review the deal.",
           "Securities and Exchange Commission");
    expect(NULL, "Rates rose, the Reserve Bank of Fiji said.\n\nThe Bank said more rises could "
                 "follow.", "Reserve Bank of Fiji");
}

static void names_with_particles(void **state)
{
    (void)state;
    /* a surname with its particle is the full name's, in either order */
    expect(NULL, "Union leader Wim De Smet said the plan was unfair. " LQ "No," RQ " De Smet said.",
           "Wim De Smet");
    expect(NULL, LQ "No," RQ " De Smet said.\n\nWim De Smet leads the union.", "Wim De Smet");
    /* a lower-case particle inside a name, and its first word alone */
    expect(NULL, "Estrela do Tejo have agreed to sell him. Estrela said the fee could rise.",
           "Estrela do Tejo");
}

/* Titles and the fields of an office are not names, nor parts of one:
 * "Trade and Industry Minister", "Minister of Mines and Energy" */
static void fields_of_an_office(void **state)
{
    (void)state;
    expect(NULL, "Inflation will be one pct, Trade and Industry Minister Lee Hsien Loong told "
                 "Parliament.", "Lee Hsien Loong");
    expect(NULL, LQ "Our customers," RQ " Agriculture, Livestock and Fisheries Under-Secretary "
                 "Miguel Braceras said.", "Miguel Braceras");
    expect(NULL, "Demand will rise, Indonesian Minister of Mines and Energy Subroto told Reuters.",
           "Subroto");
    expect(NULL, "Earlier, Venezuelan Energy and Mines Minister Arturo Hernandez Grisanti said his "
                 "country would help.", "Arturo Hernandez Grisanti");
    /* a name before "and" stays a name of its own */
    expect(NULL, "Lena Obst and Defense Secretary Ash Carter said the plan would work.",
           "Ash Carter|Lena Obst");
    /* "All-Stars", "All-Pro": what the person is, not a part of the name */
    expect(NULL, "The Heat, playing without All-Stars Dwyane Wade and Chris Bosh, won. Wade said "
                 "he will have an MRI.", "Dwyane Wade");
}

/* A body's name is whole: "People's Daily" (a common noun's possessive
 * opening it), "Chamber of Mines" (a chamber is a body) */
static void whole_names_of_bodies(void **state)
{
    (void)state;
    expect(NULL, "The People" AP "s Daily said a serious drought is spreading.", "People" AP "s Daily");
    expect(NULL, "Profits rose 6.5 pct, the Chamber of Mines said.", "Chamber of Mines");
    expect(NULL, "Exports will fall, the Mauritius Chamber of Agriculture said.",
           "Mauritius Chamber of Agriculture");
    /* a country's possessive stays apart: "Japan's Finance Ministry" */
    expect(NULL, "Japan" AP "s Finance Ministry said the yen was too strong.", "Finance Ministry");
}

/* "al-Chalabi", "al-Sabah": a particle joined by a hyphen is part of the
 * name, which is then not cut to its given name */
static void hyphenated_particles(void **state)
{
    (void)state;
    expect(NULL, "Prices fell, OPEC acting Secretary General Fadhil al-Chalabi said. But he said "
                 "he expects no rise.", "Fadhil al-Chalabi");
    expect(NULL, "Sheikh Ali al-Khalifa al-Sabah was quoted by the daily al-Qabas as saying it was "
                 "baseless. Sheikh Ali has said before that Kuwait could produce more.",
           "Ali al-Khalifa al-Sabah");
    /* a word with a hyphen after a word that is no particle is no name */
    expect(NULL, "Mexico, a non-OPEC producer, said output would rise.", "Mexico");
}

/* The aliases an article gives, as "alias>name" lines. */
static char *aliases_of(const char *body)
{
    nx_said_t said = {0};
    assert_true(nx_said_find(NULL, body, &said));
    size_t len = 1;
    for (size_t i = 0; i < said.n_aliases; i++)
        len += strlen(said.aliases[i].alias) + strlen(said.aliases[i].name) + 2;
    char *s = calloc(1, len);
    assert_non_null(s);
    for (size_t i = 0; i < said.n_aliases; i++) {
        strcat(s, said.aliases[i].alias);
        strcat(s, ">");
        strcat(s, said.aliases[i].name);
        strcat(s, "\n");
    }
    nx_said_clear(&said);
    return s;
}

static void expect_aliases(const char *body, const char *want)
{
    char *got = aliases_of(body);
    assert_string_equal(got, want);
    free(got);
}

/* One person or body under one name: a name's last words ("Santos
 * Alvite" of "Fernando Santos Alvite"), a first surname alone
 * ("Santos"), an acronym of the full name ("IEA") */
static void short_forms_of_one_speaker(void **state)
{
    (void)state;
    const char *santos = "Ecuador's deputy energy minister Fernando Santos Alvite arrived here. "
                         "Santos Alvite said Ecuador would import crude. Santos said the pipeline "
                         "would be repaired.";
    expect(NULL, santos, "Fernando Santos Alvite");
    expect_aliases(santos, "Santos Alvite>Fernando Santos Alvite\n");
    /* two people of one surname stay two */
    expect(NULL, "Orlando dos Santos said the port was closed. Fernando Santos Alvite said it "
                 "was open.", "Orlando dos Santos|Fernando Santos Alvite");
    const char *iea = "Stocks fell, the International Energy Agency (IEA) said. The IEA said "
                      "demand would rise.";
    expect(NULL, iea, "International Energy Agency");
    expect_aliases(iea, "IEA>International Energy Agency\n");
    expect(NULL, "Growth will slow, the Economist Intelligence Unit (EIU ) said. The EIU said "
                 "trade would grow.", "Economist Intelligence Unit");
    expect(NULL, "Output rose, the Ministry of International Trade and Industry said. MITI said "
                 "exports fell.", "Ministry of International Trade and Industry");
    /* the acronym alone speaks: its name stays, its alias joins them */
    const char *alone = "Members of the International Energy Agency (IEA) met. The IEA said "
                        "stocks fell.";
    expect(NULL, alone, "IEA");
    expect_aliases(alone, "IEA>International Energy Agency\n");
    /* an acronym glued after the name it stands for */
    expect(NULL, "The official Saudi Press Agency SPA said the king had arrived.",
           "Saudi Press Agency");
    expect(NULL, "Banca Nazionale del Lavoro BNL said profit rose.", "Banca Nazionale del Lavoro");
    /* an acronym that spells two names stands for neither */
    expect(NULL, "The Energy Information Administration said stocks fell. The Economic "
                 "Intelligence Agency said prices rose. The EIA said more later.",
           "Energy Information Administration|Economic Intelligence Agency|EIA");
}

/* A country or a capital that speaks is a body (its government), not a
 * person; a person named like a town stays a person. */
static void governments_are_bodies(void **state)
{
    (void)state;
    const char *src = getenv("SRCDIR");
    char *path = nx_printf("%s/data/gazetteer.tsv", src && *src ? src : ".");
    newsidx_extractor_t *x = NULL;
    char *err = NULL;
    assert_int_equal(newsidx_extractor_new(path, &x, &err), NEWSIDX_OK);
    newsidx_article_t *a = newsidx_article_new();
    assert_non_null(a);
    a->body = nx_strdup("Ecuador said on Friday that it would suspend interest payments. Ecuador "
                        "has 8 billion dlrs of debt, Finance Minister Ana Paz said, and "
                        "Washington urged banks to wait.");
    assert_int_equal(newsidx_extract(x, a), NEWSIDX_OK);
    assert_int_equal(a->n_speakers, 3);
    assert_string_equal(a->speakers[0], "Ecuador");
    assert_int_equal(a->speaker_kinds[0], NEWSIDX_KIND_ORGANISATION);
    assert_string_equal(a->speakers[1], "Ana Paz");
    assert_int_equal(a->speaker_kinds[1], NEWSIDX_KIND_PERSON);
    assert_string_equal(a->speakers[2], "Washington");
    assert_int_equal(a->speaker_kinds[2], NEWSIDX_KIND_ORGANISATION);
    newsidx_article_free(a);
    /* a country's name is no alias of a body named after it */
    a = newsidx_article_new();
    assert_non_null(a);
    a->body = nx_strdup("Japan Livestock Industry Promotion Corporation said it would buy beef. "
                        "Japan said imports would rise.");
    assert_int_equal(newsidx_extract(x, a), NEWSIDX_OK);
    for (size_t i = 0; i < a->n_aliases; i++)
        assert_string_not_equal(a->aliases[i].alias, "Japan");
    newsidx_article_free(a);
    newsidx_extractor_free(x);
    free(path);
}

static void compound_titles(void **state)
{
    (void)state;
    expect(NULL, "Co-author Lukas Brunner told reporters the signal was real.", "Lukas Brunner");
    expect(NULL, "Ex-Minister Ana Kovac said the port would reopen.", "Ana Kovac");
    /* a double-barrelled surname is no title */
    expect(NULL, "Ann Smith-Judge said the port would reopen.", "Ann Smith-Judge");
    expect(NULL, "Board member Naoko Ishikawa dissented, arguing that the risks were greater.",
           "Naoko Ishikawa");
}

static void relatives_and_colons(void **state)
{
    (void)state;
    /* the name a relative pronoun stands for, with a verb of speech */
    expect(NULL, "The plan drew a reply from Poland" AP "s deputy minister, Marta Zielinska, who "
                 "argued that it only helped Moscow.", "Marta Zielinska");
    expect(NULL, "Ann Lee, who endorsed him last week, was on stage.", "");
    /* a sentence whose colon opens a quotation */
    expect(NULL, "Britain" AP "s minister, Jordan Ellis, tried to bridge the gap. Ellis put it this "
                 "way: " LQ "The force will be credible." RQ, "Jordan Ellis");
    expect(NULL, "Chief executive Lotte Maes put it bluntly: " LQ "Every day costs us." RQ,
           "Lotte Maes");
    expect(NULL, "Transcript as follows: " LQ "We arrived in Cleveland." RQ, "");
    /* data gathered by someone is no source */
    expect(NULL, "Revenue rose 31%, according to data compiled by FactRank.", "");
    /* but declining to comment is a response */
    expect(NULL, "His campaign chief, Santiago Ferrer, declined to comment.", "Santiago Ferrer");
}

static void organisation_names(void **state)
{
    (void)state;
    expect(NULL, "Port of Antwerp-Bruges said 41 vessels were waiting. A spokeswoman for the "
                 "port said it was too early to tell.", "Port of Antwerp-Bruges");
    expect(NULL, "The European Farmers" AP " Alliance, which represents farm unions, said it "
                 "would protest.", "European Farmers" AP " Alliance");
    /* a complement of two, and "the ministry" for it */
    expect(NULL, "The court said the Ministry of Climate and Green Growth had erred. The ministry "
                 "said it would study the ruling.", "Ministry of Climate and Green Growth");
    /* a complement that is a list of words: one body, not three names */
    expect(NULL, "Imports of fats and oils rose to 2.16 mln tonnes in 1986, the\nCommodity Board "
                 "for Margarine, Fats and Oils said.", "Commodity Board for Margarine, Fats and Oils");
    expect(NULL, "The Bureau of Alcohol, Tobacco, Firearms and Explosives said it would review the "
                 "case.", "Bureau of Alcohol, Tobacco, Firearms and Explosives");
    /* names coordinated after a body's complement stay apart */
    expect(NULL, "The Office for Budget Responsibility, Ann Lee and Tom Ash said growth would slow.",
           "Tom Ash|Ann Lee|Office for Budget Responsibility");
    /* a body that opens its clause, followed by "of" another, is the subject */
    expect(NULL, "Inflation is likely to rise, the Centre for Economic Research of the Federal "
                 "Institute of Technology said.", "Centre for Economic Research");
    /* what an appositive calls a group */
    expect(NULL, "She was backed by Movimiento Puerto Vivo, a citizens" AP " group that formed "
                 "after the fires. The group said it would watch her.", "Movimiento Puerto Vivo");
}

static void odd_input_does_not_crash(void **state)
{
    (void)state;
    expect(NULL, "", "");
    expect(NULL, "Ruth Ames said so to Acme and", "Ruth Ames");
    expect(NULL, "Talks with Moody's and", "");
    /* a body's complement list cut off at the end of the text */
    expect(NULL, "Talks with the Board for Margarine, Fats", "");
    expect(NULL, "Talks with the Board for Margarine, Fats,", "");
    expect("", "", "");
    expect(NULL, "\xe2\x80\x9c\xe2\x80\x9c\xe2\x80\x9d said said , , :: \" ' ( ) " DASH, "");
    expect(NULL, LQ "Unclosed quote from Ann Lee said", "");
    expect(NULL, "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m said the plan was sound.",
           "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m");
    /* a long text of names and cues stays correct and bounded */
    size_t n = 200000;
    char *big = malloc(n * 13 + 1);
    assert_non_null(big);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(big + len, i % 3 ? "Ann Lee said " : "Ann Lee said.", 13);
        len += 13;
    }
    big[len] = '\0';
    char *got = speakers("Title", big);
    assert_string_equal(got, "Ann Lee");
    free(got);
    free(big);
}

/* The seed article, when the shared data is there. */
static void seed_article(void **state)
{
    (void)state;
    char *text = read_seed();
    if (!text)
        skip();
    nx_strv_t out = {0};
    assert_true(nx_speakers_find(NULL, text, &out));
    assert_true(nx_strv_contains(&out, "Pete Hegseth"));
    assert_true(nx_strv_contains(&out, "John Healey"));
    assert_true(nx_strv_contains(&out, "Mark Rutte"));
    for (size_t i = 0; i < out.n; i++) {
        assert_null(strstr(out.v[i], "Associated Press"));
        assert_string_not_equal(out.v[i], "NATO");
        assert_null(strstr(out.v[i], "Article Five"));
        assert_null(strstr(out.v[i], "Secretary"));
    }
    nx_strv_free(&out);
    free(text);
}

/* Titles and roles are not part of names; a role alone names nobody. */
static void roles_are_not_names(void **state)
{
    (void)state;
    expect(NULL, "Auditor Jane Marsh said the accounts were in order.", "Jane Marsh");
    expect(NULL, "Senior VP Operations Tom Reed said the plant would reopen.", "Tom Reed");
    expect(NULL, "Chief Executive Ann Cole said sales rose. The Chief Executive said more would "
                 "follow.", "Ann Cole");
    expect(NULL, "The Chief Executive said sales rose.", "");
    /* a calling written before a name as a title is */
    expect(NULL, "Actress Ana Ruiz said the film would open in May.", "Ana Ruiz");
    expect(NULL, "Filmmaker Jo Marr said the film would open in May.", "Jo Marr");
    expect(NULL, "Brian Singer said bond prices rose.", "Brian Singer");
}

/* "..., X said, adding": X goes on speaking; the names of what X said
 * are no subject of "adding". */
static void said_then_adding(void **state)
{
    (void)state;
    expect(NULL, "Fadhil Al-Chalabi, OPEC Deputy Secretary General, spoke. Cooperation between "
                 "Arab states and Europe was good, Al-Chalabi said, adding that more was needed.",
           "Fadhil Al-Chalabi");
    expect(NULL, "Reed will stay on the board, Alternacare Corp said, adding it had no plans.",
           "Alternacare Corp");
}

/* "promises to be" tells a likelihood: nobody speaks. */
static void likelihood_is_no_cue(void **state)
{
    (void)state;
    expect(NULL, "Western Europe, where output has been weak, promises to be hard hit by the "
                 "change, Beryl Sprinkel said.", "Beryl Sprinkel");
    expect(NULL, "The debate promised to become a shouting match.", "");
    expect(NULL, "Mayor Ann Cole promised to cut taxes.", "Ann Cole");
}

/* Sources of figures and subheads in capitals are no speakers. */
static void data_sources_and_subheads(void **state)
{
    (void)state;
    expect(NULL, "Profit beat the Reuters Estimates consensus, Acme Corp said. A Reuters Poll of "
                 "economists showed slowing growth, Reuters Poll said.", "Acme Corp");
    expect(NULL, "KEY POINTS Bolton Motors said it would cut 5,000 jobs.", "Bolton Motors");
    expect(NULL, "The auditors gave a qualified opinion.\n\nQUALIFIED OPINION NORDAL said its "
                 "auditors had qualified the accounts.", "NORDAL");
    /* a two-word name in capitals stays whole */
    expect(NULL, "JOHN SMITH said he would stay.", "JOHN SMITH");
}

/* A common noun opening a line is no name, nor a name cut after it. */
static void nouns_at_line_start(void **state)
{
    (void)state;
    expect(NULL, "Exports of vegetable oils rose, the ministry said.\nOils said to be in demand "
                 "were palm olein.\nFats were weaker, traders said.", "");
    expect(NULL, "Oils and Fats Monthly said demand was steady.", "Oils and Fats Monthly");
}

int main(void)
{
    filter_seed_test();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(said_after_quote),
        cmocka_unit_test(said_before_name_with_title),
        cmocka_unit_test(told_x_that),
        cmocka_unit_test(according_to),
        cmocka_unit_test(colon_quote),
        cmocka_unit_test(pronoun_resolved_when_clear),
        cmocka_unit_test(description_resolved),
        cmocka_unit_test(generic_sources_dropped),
        cmocka_unit_test(possessives_stripped),
        cmocka_unit_test(fullest_name_chosen),
        cmocka_unit_test(organisations),
        cmocka_unit_test(order_and_once_each),
        cmocka_unit_test(appositives_and_inserts),
        cmocka_unit_test(reported_speech_verbs),
        cmocka_unit_test(wire_copy_conventions),
        cmocka_unit_test(names_with_particles),
        cmocka_unit_test(fields_of_an_office),
        cmocka_unit_test(hyphenated_particles),
        cmocka_unit_test(whole_names_of_bodies),
        cmocka_unit_test(short_forms_of_one_speaker),
        cmocka_unit_test(governments_are_bodies),
        cmocka_unit_test(compound_titles),
        cmocka_unit_test(relatives_and_colons),
        cmocka_unit_test(organisation_names),
        cmocka_unit_test(roles_are_not_names),
        cmocka_unit_test(likelihood_is_no_cue),
        cmocka_unit_test(said_then_adding),
        cmocka_unit_test(data_sources_and_subheads),
        cmocka_unit_test(nouns_at_line_start),
        cmocka_unit_test(odd_input_does_not_crash),
        cmocka_unit_test(seed_article),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
