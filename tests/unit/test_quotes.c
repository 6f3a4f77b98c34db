/* test_quotes.c - who said what: each quotation found with its speaker,
 * its words and its offsets in characters of the body; the seed article
 * word for word. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "seed.h"
#include "speakers.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LQ "\xe2\x80\x9c"       /* “ */
#define RQ "\xe2\x80\x9d"       /* ” */
#define LOW9 "\xe2\x80\x9e"     /* „ */
#define LG "\xc2\xab"           /* « */
#define RG "\xc2\xbb"           /* » */

/* The quotations of a body as "speaker=text" lines, indirect ones
 * marked "speaker~text"; checks that every offset pair slices the text
 * out of the body, counting characters. */
static char *quotes(const char *title, const char *body)
{
    nx_said_t said = {0};
    assert_true(nx_said_find(title, body, &said));
    nx_buf_t b;
    nx_buf_init(&b);
    for (size_t i = 0; i < said.n_quotes; i++) {
        const newsidx_quote_t *q = &said.quotes[i];
        assert_true(q->start < q->end);
        /* the speaker is one of the article's speakers */
        assert_true(nx_strv_contains(&said.names, q->speaker));
        /* start and end count characters: walk to them */
        const char *p = body;
        for (size_t c = 0; c < q->start; c++)
            p += nx_utf8_seq((const unsigned char *)p, strlen(p));
        const char *e = p;
        for (size_t c = q->start; c < q->end; c++)
            e += nx_utf8_seq((const unsigned char *)e, strlen(e));
        /* a quotation in one piece is the body's slice; one interrupted
         * by its attribution starts and ends as the slice does */
        size_t tl = strlen(q->text), sl = (size_t)(e - p);
        if (sl == tl) {
            assert_memory_equal(p, q->text, tl);
        } else {
            assert_true(sl > tl);
            assert_int_equal(p[0], q->text[0]);
            assert_int_equal(e[-1], q->text[tl - 1]);
        }
        nx_buf_addf(&b, "%s%s%s\n", q->speaker, q->indirect ? "~" : "=", q->text);
    }
    nx_said_clear(&said);
    nx_buf_addc(&b, '\0');
    return nx_buf_steal(&b);
}

static void expect(const char *body, const char *want)
{
    char *got = quotes(NULL, body);
    assert_string_equal(got, want);
    free(got);
}

static void cue_after_the_quotation(void **state)
{
    (void)state;
    expect(LQ "We will hold the line," RQ " Maria Vega said.", "Maria Vega=We will hold the line,\n");
    expect("\"Nobody expected this,\" Tom Ash told reporters.", "Tom Ash=Nobody expected this,\n");
    /* the verb before its subject */
    expect(LQ "Prices will fall," RQ " said Finance Minister Tomas Rivera.",
           "Tomas Rivera=Prices will fall,\n");
    /* a question ends the quotation, not the sentence */
    expect(LQ "Who pays?" RQ " asked Ida Moss.", "Ida Moss=Who pays?\n");
}

static void cue_before_the_quotation(void **state)
{
    (void)state;
    expect("Ruth Ames said: " LQ "We need every vote." RQ, "Ruth Ames=We need every vote.\n");
    /* a partial quotation inside reported speech is the speaker's words */
    expect("Nora Diaz said the council must drop the " LQ "foolish plan" RQ " at once.",
           "Nora Diaz=foolish plan\n");
    /* a cue that also names, after a title with a complement in small
     * letters */
    expect("Radio Vice President for news and talk Dave Gorab called the show "
           LQ "the news show of record." RQ,
           "Dave Gorab=the news show of record.\n");
}

/* A name and a colon before a quotation in the middle of a paragraph,
 * after a dash or an ellipsis, speaks it. */
static void name_and_colon_mid_paragraph(void **state)
{
    (void)state;
    expect("Soon after the vote he tweeted about it ... Ann Lee: " LQ "Thanks for the support." RQ,
           "Ann Lee=Thanks for the support.\n");
    expect("Soon after the vote he tweeted about it \xe2\x80\xa6 Ann Lee: " LQ "Thanks." RQ,
           "Ann Lee=Thanks.\n");
    /* not the one asked */
    expect("Reporters asked Ann Lee: " LQ "Will you run?" RQ, "");
}

static void marks_of_other_languages(void **state)
{
    (void)state;
    expect(LOW9 "We stay here," LQ " Ivo Sand said.", "Ivo Sand=We stay here,\n");
    expect("Ivo Sand said: " LG "We stay here." RG, "Ivo Sand=We stay here.\n");
    expect("Ivo Sand said: ''We stay here.''", "Ivo Sand=We stay here.\n");
}

static void continued_quotations(void **state)
{
    (void)state;
    /* a quotation over two paragraphs: no closing mark at the first's end */
    expect("Lena Ortiz spoke for an hour.\n\n"
           LQ "We built this port with our hands.\n\n"
           LQ "Nobody will take it away," RQ " Lena Ortiz said.",
           "Lena Ortiz=We built this port with our hands.\n\n" LQ
           "Nobody will take it away,\n");
    /* the next sentence of the paragraph, without a cue of its own */
    expect(LQ "We are ready," RQ " Omar Brandt said. " LQ "The trucks leave at dawn." RQ,
           "Omar Brandt=We are ready,\nOmar Brandt=The trucks leave at dawn.\n");
    /* interrupted by its attribution: one quotation, its pieces joined */
    expect(LQ "We are ready," RQ " Omar Brandt said, " LQ "and the trucks leave at dawn." RQ,
           "Omar Brandt=We are ready, and the trucks leave at dawn.\n");
    /* two pieces of one sentence that the writer's words part, not the
     * attribution: one quotation, the gap marked */
    expect("Ada Roy added that the pact is a " LQ "framework for sharing" RQ " that allows "
           LQ "enormous flexibility" RQ " for countries.",
           "Ada Roy=framework for sharing \xe2\x80\xa6 enormous flexibility\n");
    /* a quotation that ends its sentence with a full stop: the sentence
     * after it is its own, on the same line or the next */
    expect(LQ "We need them," RQ " Tom Ash said. " LQ "I would bring them back." RQ
           " Tom Ash was outdoing Ted Roe, who said he would use them sparingly.",
           "Tom Ash=We need them,\nTom Ash=I would bring them back.\n");
    expect(LQ "It is hard," RQ " Ann Lee said. " LQ "We must choose." RQ "\n"
           "Rob Kemp said he supports an exception.",
           "Ann Lee=It is hard,\nAnn Lee=We must choose.\n");
    expect(LQ "We are done." RQ " Ann Lee said.", "Ann Lee=We are done.\n");
    /* a block quotation: a paragraph of quotation after one ending with
     * its cue and a colon */
    expect("Later Rob Kemp called them on it:\n\n" LQ "The questions were unfair." RQ "\n\n"
           "Rob Kemp continued:\n\n" LQ "Nobody asked about the budget." RQ,
           "Rob Kemp=The questions were unfair.\nRob Kemp=Nobody asked about the budget.\n");
    expect("As Ann Lee of the Daily Courier observed, the winner was the stage itself:\n\n"
           LQ "The network was the clear winner." RQ,
           "Ann Lee=The network was the clear winner.\n");
    /* the subject after an opening subordinate clause, not the clause's */
    expect("George Wallace was governor for years. When Wallace died in 1998, President "
           "Bill Clinton released the following statement:\n\n" LQ "We offer our condolences." RQ,
           "Bill Clinton=We offer our condolences.\n");
    /* a colon that ends a paragraph without a cue gives nobody */
    expect("The results were these:\n\n" LQ "Yes" RQ " won.", "");
    /* another speaker between them: not continued */
    expect(LQ "We are ready," RQ " Omar Brandt said. Ada Roy disagreed. " LQ "Not yet." RQ,
           "Omar Brandt=We are ready,\n");
}

/* Cues the quotation marks need to see: a participle right after a
 * name ("with Sen. Ann Lee calling it a “...”"), an inverted cue of
 * manner ("“...,” mused Stu Poe"). */
static void participles_and_inverted_cues(void **state)
{
    (void)state;
    expect("Both men issued a statement, Ann Lee saying she was " LQ "very encouraged" RQ
           " and Tom Ash calling it a " LQ "great meeting." RQ,
           "Ann Lee=very encouraged\nTom Ash=great meeting.\n");
    expect("The plan drew criticism, with Sen. Rob Kemp calling it a " LQ "Chinese menu." RQ,
           "Rob Kemp=Chinese menu.\n");
    /* a possessive is no subject, nor a name after another preposition */
    expect("The video of Ann Lee saying " LQ "never" RQ " went viral.", "");
    expect(LQ "Imagine that on a stage," RQ " mused radio host Stu Poe.",
           "Stu Poe=Imagine that on a stage,\n");
    /* a pronoun in a participle's clause is the sentence's subject, not
     * the nearest name: Erin Vale, not Tom Ash */
    expect("Tom Ash said the plan would work.\n\n"
           "Erin Vale, the activist, endorsed Tom Ash" "\xe2\x80\x99" "s approach on Saturday, "
           "saying she believed " LQ "we must help the people first." RQ,
           "Erin Vale=we must help the people first.\n");
}

/* A live blog's heading in title case over its entry, a single line
 * break apart, is no part of the name opening the entry; a firm's name
 * wrapped over two lines stays whole. */
static void headings_of_live_blogs(void **state)
{
    (void)state;
    expect("9:23PM Rubio Says Dropping The Bill Was A Sign Of Leadership\n"
           "Marco Rubio defended himself on Saturday.\n"
           LQ "Leadership is about solving the problem," RQ " he said.",
           "Marco Rubio=Leadership is about solving the problem,\n");
    expect("Healthcare Services Of America\nInc said: " LQ "We will write off the loans." RQ,
           "Healthcare Services Of America Inc=We will write off the loans.\n");
}

/* A no-break space inside a name is a space in the speaker's name. */
static void no_break_space_in_names(void **state)
{
    (void)state;
    expect(LQ "Not to mention the rest," RQ " said Stu\xc2\xa0Poe.", "Stu Poe=Not to mention the rest,\n");
}

static void pronouns(void **state)
{
    (void)state;
    /* "he" is the nearest man who speaks, here across a paragraph in
     * which another man is only mentioned */
    expect("Karl Holm said the bridge was unsafe.\n\n"
           "Engineers from Kiel Works had warned in 2019.\n\n"
           "He said the city " LQ "cannot wait another year." RQ,
           "Karl Holm=cannot wait another year.\n");
    /* the subject of a verb nearest before it in its paragraph, even one
     * who speaks nowhere else, not the nearest speaker before that */
    expect(LQ "The case is unusual," RQ " Ben Brafman said.\n\n"
           "Compare the case of Sant Singh Chatwal. Chatwal was clearly trying to buy "
           "influence; indeed, he had publicly stated of politicians, " LQ "They are always for you." RQ,
           "Ben Brafman=The case is unusual,\nSant Singh Chatwal=They are always for you.\n");
    /* a given name alone, the subject of the sentence before, for the
     * full name given earlier */
    expect(LQ "The case is unusual," RQ " Ben Brafman said.\n\n"
           "I told Megyn Kelly that they tried to put me away. Megyn was incredulous. "
           LQ "Only you, Dinesh," RQ " she said, would use the occasion.",
           "Ben Brafman=The case is unusual,\nMegyn Kelly=Only you, Dinesh,\n");
    /* a parenthesis between the subject and its verb */
    expect(LQ "The case is unusual," RQ " Ben Brafman said.\n\n"
           "Gov. Sam Wallace (a Democrat) was the symbol of it. In a 1963 speech, he declared:\n\n"
           LQ "We sound the drum." RQ,
           "Ben Brafman=The case is unusual,\nSam Wallace=We sound the drum.\n");
    /* not a name in a place phrase: "in Ames, Iowa, he said" */
    expect(LQ "The case is unusual," RQ " Ben Brafman said.\n\n"
           "As he spoke on Friday in Ames, Iowa, he said " LQ "We will appeal." RQ,
           "Ben Brafman=The case is unusual,\nBen Brafman=We will appeal.\n");
    /* nobody named before it: no speaker, no quotation */
    expect(LQ "We lost a day," RQ " she said.", "");
    /* the subject of the nearest one's sentence, not its object */
    expect(LQ "The water is safe," RQ " Tom Ash said.\n\n"
           LQ "We failed," RQ " Karl Holm said on Friday.\n\n"
           LQ "We need help," RQ " Ms. Ann Vale said.\n\n"
           "In his statement, Karl Holm went further in trying to hold Tom Ash accountable.\n\n"
           LQ "There are no excuses," RQ " he said.",
           "Tom Ash=The water is safe,\nKarl Holm=We failed,\nAnn Vale=We need help,\n"
           "Karl Holm=There are no excuses,\n");
}

/* A pronoun passes over a named speaker of the other sex, as far as the
 * article itself tells the sex; one of unknown sex still fits. */
static void pronouns_agree_in_sex(void **state)
{
    (void)state;
    /* an appositive role noun: Ann Lee is a woman, so "he" is Tom Ash's */
    expect("Tom Ash said the budget was late.\n\n"
           "Ann Lee, a spokeswoman for the council, said the vote would wait.\n\n"
           LQ "We need more time," RQ " he said.",
           "Tom Ash=We need more time,\n");
    /* a role or kinship noun before the name, in small letters */
    expect("Tom Ash said the budget was late.\n\n"
           "His wife Ann Lee said the vote would wait.\n\n"
           LQ "We need more time," RQ " he said.",
           "Tom Ash=We need more time,\n");
    expect("Ann Lee said the budget was late.\n\n"
           "The actress and her brother Tom Ash said the vote would wait.\n\n"
           LQ "We need more time," RQ " she said.",
           "Ann Lee=We need more time,\n");
    /* "she" already given to Ann Lee: the later "he" is not hers */
    expect("Tom Ash said the budget was late. Ann Lee said the vote would wait. "
           LQ "We need more time," RQ " she said. " LQ "The council has not met," RQ " he said.",
           "Ann Lee=We need more time,\nTom Ash=The council has not met,\n");
    /* an office in "-man" tells nothing: papers give it to women */
    expect("Tom Ash said the budget was late.\n\n"
           "Ann Lee, chairman of the council, said the vote would wait.\n\n"
           LQ "We need more time," RQ " she said.",
           "Ann Lee=We need more time,\n");
}

static void reported_speech(void **state)
{
    (void)state;
    expect("Ivo Sand told reporters that the bridge would reopen in May.",
           "Ivo Sand~the bridge would reopen in May\n");
    expect("Ivo Sand said that, as the river rose, the bridge would close.",
           "Ivo Sand~as the river rose, the bridge would close\n");
    /* without "that" the clause is not told apart clearly enough */
    expect("Ivo Sand said the bridge would reopen in May.", "");
    /* no cue: not reported speech */
    expect("The bridge will reopen in May.", "");
}

static void no_speaker_no_quotation(void **state)
{
    (void)state;
    /* a sign, a title: quotation marks with nobody speaking */
    expect("The sign on the door read " LQ "Closed for repairs." RQ, "");
    expect("She watched " LQ "Casablanca" RQ " again.", "");
    /* words in the headline are not in the body */
    char *got = quotes("Lee: " LQ "We stay" RQ, "Ann Lee met the board.");
    assert_string_equal(got, "");
    free(got);
}

static void offsets_count_characters(void **state)
{
    (void)state;
    const char *body = "Zo\xc3\xab Moreau said: " LQ "D\xc3\xa9j\xc3\xa0 vu." RQ;
    nx_said_t said = {0};
    assert_true(nx_said_find(NULL, body, &said));
    assert_int_equal(said.n_quotes, 1);
    /* "Zoë Moreau said: “" is 18 characters, 21 bytes */
    assert_int_equal(said.quotes[0].start, 18);
    assert_int_equal(said.quotes[0].end, 18 + 8);
    assert_string_equal(said.quotes[0].text, "D\xc3\xa9j\xc3\xa0 vu.");
    assert_false(said.quotes[0].indirect);
    nx_said_clear(&said);
}

static void organisations_speak(void **state)
{
    (void)state;
    nx_said_t said = {0};
    assert_true(nx_said_find(NULL, "NATO said in a statement that the drills would go on. "
                                   "Anna Berg said she agreed.", &said));
    assert_int_equal(said.names.n, 2);
    assert_string_equal(said.names.v[0], "NATO");
    assert_int_equal(said.kinds[0], NEWSIDX_KIND_ORGANISATION);
    assert_string_equal(said.names.v[1], "Anna Berg");
    assert_int_equal(said.kinds[1], NEWSIDX_KIND_PERSON);
    nx_said_clear(&said);
    /* a body named "X for Y": an organisation, the list of its complement included */
    memset(&said, 0, sizeof said);
    assert_true(nx_said_find(NULL, "Imports rose, the Commodity Board for Margarine, Fats and "
                                   "Oils said.", &said));
    assert_int_equal(said.names.n, 1);
    assert_string_equal(said.names.v[0], "Commodity Board for Margarine, Fats and Oils");
    assert_int_equal(said.kinds[0], NEWSIDX_KIND_ORGANISATION);
    nx_said_clear(&said);
}

/* The seed article: every quotation of Hegseth, Rutte's two and Healey's
 * one, word for word, partial quotations in reported speech included. */
static void seed_article(void **state)
{
    (void)state;
    char *text = read_seed();
    if (!text)
        skip();
    /* the wire text's date and dateline come before the body */
    const char *body = strstr(text, "U.S. Defense Secretary");
    assert_non_null(body);
    nx_said_t said = {0};
    assert_true(nx_said_find(NULL, body, &said));
    static const char *const want[][2] = {
        {"Pete Hegseth", "There will not be U.S. troops deployed to Ukraine,"},
        {"Pete Hegseth", "illusionary goal"},
        {"Pete Hegseth", "Members of this contact group must meet the moment,"},
        {"John Healey", "We hear you,"},
        {"Pete Hegseth", "The United States will no longer tolerate an imbalanced relationship "
                         "which encourages dependence. Rather, our relationship will prioritize "
                         "empowering Europe to own responsibility for its own security,"},
        {"Mark Rutte", "We have to make sure that he has no other option, and that means to "
                       "force him to the table,"},
        {"Mark Rutte", "He needs to understand that we will not give up on Ukraine. We have to "
                       "make sure that we have maximum economic impact on Russia."},
        {"Pete Hegseth", "should not go lower than 3%."},
        {"Pete Hegseth", "we live in fiscally constrained times"},
    };
    size_t k = 0;
    for (size_t i = 0; i < said.n_quotes; i++) {
        if (said.quotes[i].indirect)
            continue;
        assert_true(k < NX_ARRAY_LEN(want));
        assert_string_equal(said.quotes[i].speaker, want[k][0]);
        assert_string_equal(said.quotes[i].text, want[k][1]);
        k++;
    }
    assert_int_equal(k, NX_ARRAY_LEN(want));
    nx_said_clear(&said);
    free(text);
}

/* The aliases of an article as "alias>name" lines. */
static char *aliases(const char *body)
{
    nx_said_t said = {0};
    assert_true(nx_said_find(NULL, body, &said));
    nx_buf_t b;
    nx_buf_init(&b);
    for (size_t i = 0; i < said.n_aliases; i++)
        nx_buf_addf(&b, "%s>%s\n", said.aliases[i].alias, said.aliases[i].name);
    nx_said_clear(&said);
    nx_buf_addc(&b, '\0');
    return nx_buf_steal(&b);
}

static void expect_aliases(const char *body, const char *want)
{
    char *got = aliases(body);
    assert_string_equal(got, want);
    free(got);
}

/* A name seen both ways in one article links them; the hand list maps
 * short forms to full names; a firm's name without its suffix is an
 * alias; a lone surname is none (too many people share it). */
static void aliases_of_names(void **state)
{
    (void)state;
    expect_aliases("Fannie Mae said losses widened. Fannie said it needed capital.",
                   "Fannie>Fannie Mae\n");
    expect_aliases("The Fed said rates would stay low.", "Fed>Federal Reserve\n");
    expect_aliases("Bank of America Corp said profit rose.",
                   "Bank of America>Bank of America Corp\n");
    expect_aliases("Defense Secretary Pete Hegseth spoke. Hegseth said troops would stay.", "");
    /* the speaker's name is the full one */
    nx_said_t said = {0};
    assert_true(nx_said_find(NULL, "The Fed said rates would stay low.", &said));
    assert_int_equal(said.names.n, 1);
    assert_string_equal(said.names.v[0], "Federal Reserve");
    assert_int_equal(said.kinds[0], NEWSIDX_KIND_ORGANISATION);
    nx_said_clear(&said);
    /* a person called Goldman is no bank */
    expect_aliases("Economist Ruth Goldman said rates would rise. Goldman said more later.", "");
}

int main(void)
{
    filter_seed_test();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cue_after_the_quotation),
        cmocka_unit_test(cue_before_the_quotation),
        cmocka_unit_test(name_and_colon_mid_paragraph),
        cmocka_unit_test(marks_of_other_languages),
        cmocka_unit_test(continued_quotations),
        cmocka_unit_test(pronouns),
        cmocka_unit_test(pronouns_agree_in_sex),
        cmocka_unit_test(reported_speech),
        cmocka_unit_test(no_speaker_no_quotation),
        cmocka_unit_test(offsets_count_characters),
        cmocka_unit_test(organisations_speak),
        cmocka_unit_test(participles_and_inverted_cues),
        cmocka_unit_test(headings_of_live_blogs),
        cmocka_unit_test(no_break_space_in_names),
        cmocka_unit_test(aliases_of_names),
        cmocka_unit_test(seed_article),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
