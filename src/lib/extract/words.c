/* words.c - the word classes of words.h: the lists, and a table that
 * tells every class of a word with one probe. */
#include "config.h"

#include "nx.h"
#include "words.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct nx_word_list {
    uint32_t bits;
    const char *words;     /* space separated, lower case; "abbr=canonical" */
};

static const struct nx_word_list nx_word_lists[] = {
    {W_FUNC, "a an the and but or nor so yet if when whenever while as because "
             "since although though after before until unless once where wherever "
             "whereas whether that this these those there here then now today "
             "tonight yesterday tomorrow however meanwhile moreover furthermore "
             "nevertheless nonetheless still also even just only instead indeed "
             "perhaps maybe thus hence therefore otherwise besides rather what "
             "whatever which who whom whose why how it its he she they we i you "
             "me him her hers them us his their theirs our ours my mine your yours "
             "one some any many much more most few fewer less least all both each "
             "every either neither no none not nothing everything something anything "
             "everyone someone anyone nobody everybody somebody other others another "
             "such same several own last next first second third finally yes oh "
             "well too very again already later earlier soon never always often "
             "sometimes recently currently previously initially ultimately overall "
             "like unlike despite amid among during without within about above "
             "below under over into onto upon across through throughout toward "
             "towards against between beyond near around behind according asked "
             "speaking sources officials in on at by of from to with for via per "
             "than is are was were be been being has have had do does did will would "
             "can could shall should might must let lets please thanks dear two three "
             "four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
             "hundred hundreds thousand thousands million millions dozens i'd i'm i've "
             "i'll he's she's it's we're we've we'll they're they've there's here's "
             "that's what's let's"},
    {W_PREP, "of for at from in on with to by about among against into onto over "
             "under between including without toward towards across behind near "
             "within upon despite amid around through throughout during via per "
             "than like unlike beside besides inside outside beyond"},
    {W_DET, "the a an this that these those his her their its our my your some "
            "any no every each another both either neither several many few all"},
    {W_CONJ, "and or but while because since although though after before until "
             "unless when whenever where as if that so yet once whereas whether"},
    {W_TITLE,
     /* forms of address and honours */
     "mr mrs ms miss mx dr sir dame lord lady king queen prince princess sheikh emir "
     /* government and politics */
     "president pres=president president-elect vice premier chancellor chancellor-elect "
     "minister secretary secretary-general ambassador envoy diplomat governor gov=governor "
     "governor-elect senator sen=senator senator-elect congressman rep=congressman "
     "representative=congressman congresswoman=congressman lawmaker legislator delegate "
     "speaker leader whip mayor councilman councilwoman=councilman councillor=councilman "
     "councilor=councilman alderman selectman selectwoman=selectman supervisor member "
     "commissioner candidate nominee hopeful frontrunner sens=senator reps=congressman "
     "govs=governor "
     "front-runner "
     /* law and order */
     "judge justice prosecutor attorney atty=attorney counsel sheriff marshal inspector "
     "detective det=detective superintendent supt=superintendent officer ombudsman "
     "magistrate clerk trooper "
     /* armed forces */
     "general gen=general admiral adm=admiral colonel col=colonel major maj=major "
     "captain capt=captain commander cmdr=commander lieutenant lt=lieutenant "
     "sergeant sgt=sergeant cpl=corporal "
     /* religion */
     "pope cardinal archbishop bishop reverend rev=reverend fr=father msgr pastor "
     "rabbi imam ayatollah canon "
     /* business, schools and the press */
     "chairman chairwoman=chairman chairperson=chairman chair=chairman chief executive "
     "ceo cfo coo founder co-founder cofounder director manager administrator treasurer "
     "trustee deputy adviser advisor=adviser counselor spokesman spokeswoman=spokesman "
     "spokesperson=spokesman professor prof=professor provost dean principal coach "
     "analyst economist strategist pollster editor columnist commentator correspondent "
     "anchor host author auditor accountant vp=vice-president "
     /* the arts and public life, written before a name as titles are */
     "actor actress songwriter singer-songwriter rapper comedian novelist "
     "playwright filmmaker artist musician poet activist "
     /* words that qualify an office */
     "former acting interim outgoing incoming retired senior"},
    {W_NAMELIKE, "king major bishop marshal dean judge justice chancellor prince lord "
                 "sheriff cardinal chief pope coach host counsel"},
    /* honorifics, and role and kinship nouns that tell the sex */
    {W_MALE, "mr sir king prince lord father congressman chairman spokesman "
             "councilman alderman "
             "husband widower son brother grandfather uncle nephew boyfriend "
             "duke baron emperor he him his"},
    {W_FEMALE, "mrs ms miss dame queen princess lady congresswoman chairwoman "
               "spokeswoman councilwoman assemblywoman businesswoman selectwoman "
               "anchorwoman actress wife widow daughter sister mother grandmother "
               "aunt niece girlfriend duchess baroness empress madam she her hers"},
    {W_ORG,
     /* companies */
     "co corp inc ltd llc plc ag sa nv company corporation group holdings partners "
     "associates brothers bros enterprises industries systems technologies communications "
     "international financial capital securities trust investments insurance bank "
     "exchange fund motors airlines airways petroleum electric steel chemical chemicals "
     "pharmaceuticals resources media entertainment studios labs laboratories foods "
     "products mills mining railroad railway "
     /* the press */
     "news times post journal press tribune herald gazette review magazine daily weekly monthly "
     "monitor network channel broadcasting television tv radio "
     /* government and public bodies */
     "government administration campaign cabinet ministry department dept agency "
     "bureau office service services authority commission committee council board "
     "secretariat court police senate house congress parliament assembly kremlin "
     "pentagon reserve nations port chamber "
     /* associations */
     "party union association federation league alliance coalition foundation "
     "institute institution university college center centre observatory church "
     "club team organization organisation pac unit"},
    {W_CORP, "co corp inc ltd llc plc ag sa nv company corporation bancorp "
             "bancshares"},
    {W_KIND,
     /* kinds of organisation, no name by themselves ("the Bank said") */
     "company corporation co corp inc ltd llc plc group holdings partners industries "
     "associates systems bank exchange fund network service services ministry department dept "
     "agency bureau office authority commission committee council board court port party "
     "chamber "
     "union association federation league alliance coalition foundation institute "
     "university college center centre church club team organization organisation"},
    {W_ORGHEAD, "campaign administration government"},
    {W_NOMINAL, "company firm group bank campaign administration government "
                "department ministry agency newspaper paper network"},
    {W_CUE, "said says say told tells added adds noted notes argued argues argue "
            "wrote writes write tweeted tweets warned warns warn asked asks "
            "explained explains acknowledged acknowledges announced announces "
            "declared declares claimed claims insisted insists insist stressed "
            "stresses suggested suggests replied replies responded responds "
            "recalled recalls conceded concedes admitted admits confirmed confirms "
            "denied denies predicted predicts promised promises complained "
            "complains countered counters contended contends "
            "observed observes remarked stated reported reports urged urges vowed "
            "vows pledged pledges cautioned cautions emphasized emphasizes "
            "emphasised believes believed thinks thought quipped joked "
            "shouted yelled mused agreed agrees disagreed disagrees "
            "criticized criticised criticizes criticises accused accuses praised "
            "praises called calls blasted slammed defended defends described "
            "describes endorsed endorses proposed proposes revealed recounted "
            "expressed estimated estimates hinted hopes hoped fears feared wants "
            "wanted wondered worried indicated indicates signaled signalled "
            "questioned dismissed dismisses rejected rejects charged alleged "
            "alleges asserted asserts assured assures boasted bragged reiterated "
            "reiterates repeated lamented decried denounced condemned condemns "
            "mocked attacked touted highlighted pointed cited cites testified "
            "informed declined answered retorted concluded concludes figured "
            "speculated demanded demands disclosed "
            "recommended recommends explained acknowledged saying adding noting "
            "arguing telling writing tweeting warning asking explaining insisting "
            "claiming stressing suggesting calling citing pointing referring describing "
            "accusing criticizing criticising praising urging vowing promising "
            "declaring predicting acknowledging complaining sees talks talked"},
    {W_NOUNISH, "reports calls claims notes remarks estimates charges demands promises "
                "fears hopes questions comments answers concerns warns wants talks"},
    {W_DATA, "poll polls estimates estimate data figures statistics numbers consensus"},
    {W_DEPT, "operations marketing sales finance engineering research strategy "
             "communications technology production"},
    {W_BRANCH, "energy mines mining minerals trade industry industries commerce finance "
               "economy economic foreign affairs home interior defence defense justice "
               "labour labor employment health welfare social agriculture livestock "
               "fisheries food forestry transport transportation communications posts "
               "telecommunications information education culture tourism environment "
               "petroleum oil resources natural planning development housing public works "
               "treasury budget science technology research water power"},
    {W_SPEECH, "said says told added asked wrote explained noted stated argued testified "
               "announced replied recalled insisted tweeted"},
    {W_INVERT, "said says added adds asked asks wrote writes explained noted notes "
               "continued replied recalled warned argued insisted stated declared "
               "observed remarked conceded acknowledged countered tweeted quipped "
               "answered responded cautioned mused joked concluded urged charged "
               "shouted yelled complained admitted predicted suggested vowed wondered"},
    {W_PART, "saying adding noting arguing telling writing tweeting warning asking "
             "explaining insisting claiming stressing suggesting calling citing pointing "
             "referring describing accusing criticizing criticising praising urging "
             "vowing promising declaring predicting acknowledging complaining"},
    {W_AUX, "has have had also later then again previously once recently "
            "repeatedly often frequently long never already still just even further "
            "publicly privately reportedly similarly earlier initially first would "
            "will could might may did does do was is were are not "
            "didn't doesn't hasn't haven't wouldn't won't isn't wasn't can't "
            "couldn't himself herself itself themselves both all"},
    {W_GENERIC, "officials official analysts analyst experts expert critics critic "
                "sources source observers aides aide supporters opponents voters "
                "residents people police authorities witnesses lawmakers "
                "legislators economists diplomats advocates activists organizers "
                "investigators prosecutors researchers scientists doctors officers "
                "representatives insiders strategists pundits commentators reporters "
                "journalists polls poll surveys survey reports report studies study "
                "data documents records statement statements traders dealers "
                "bankers executives managers sources spokesmen delegates members "
                "leaders allies rivals critics fans students parents teachers "
                "workers employees users readers viewers callers listeners "
                "protesters demonstrators campaigners scholars historians polling "
                "studies figures numbers results estimates"},
    {W_GROUP,
     /* parties and leanings */
     "republican republicans democrat democrats democratic gop conservative "
     "conservatives liberal liberals progressive progressives independent independents "
     "socialist socialists communist communists libertarian libertarians tory tories "
     "labour "
     /* faiths */
     "catholic catholics christian christians evangelical evangelicals muslim muslims "
     "jew jews "
     /* peoples and generations */
     "american americans african-american african-americans asian-americans "
     "mexican-americans hispanic hispanics latino latinos latina latinas europeans "
     "russians chinese japanese germans mexicans israelis palestinians iranians "
     "syrians millennials"},
    {W_TIME, "monday tuesday wednesday thursday friday saturday sunday january "
             "february march july september october november december jan feb "
             "mar apr jun jul aug sep sept oct nov dec week weekend month year "
             "morning afternoon evening night day days weeks months years"},
    {W_HE, "he him his himself"},
    {W_SHE, "she her hers herself"},
    {W_THEY, "they them their we us our i"},
    {W_PARTICLE, "de da do di del della der den van von le la du al el bin ibn dos das"},
    {W_PREFIX, "co ex under"},
    {W_SUFFIX, "jr sr ii iii iv"},
};

static wentry_t wtab[2048];      /* the lists hold about 1300 entries */
static size_t n_words;
/* An open-addressing index over wtab: slot holds index + 1, 0 is empty. */
#define WINDEX_SIZE 4096
static uint16_t windex[WINDEX_SIZE];
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static int wentry_cmp(const void *a, const void *b)
{
    const wentry_t *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->w, y->w, n);
    return c ? c : (int)x->len - (int)y->len;
}

static uint32_t word_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

/* Parses the lists once into a sorted table; a word listed in several
 * classes gets all their bits. */
static void words_build(void)
{
    for (size_t l = 0; l < NX_ARRAY_LEN(nx_word_lists); l++) {
        const char *p = nx_word_lists[l].words;
        while (*p) {
            while (*p == ' ')
                p++;
            const char *w = p;
            while (*p && *p != ' ' && *p != '=')
                p++;
            size_t wl = (size_t)(p - w);
            const char *canon = w;
            size_t cl = wl;
            if (*p == '=') {
                canon = ++p;
                while (*p && *p != ' ')
                    p++;
                cl = (size_t)(p - canon);
            }
            if (wl == 0 || wl >= WORD_MAX || n_words >= NX_ARRAY_LEN(wtab))
                continue;
            wentry_t *e = &wtab[n_words++];
            memcpy(e->w, w, wl);
            e->len = (uint8_t)wl;
            e->bits = nx_word_lists[l].bits;
            e->canon = (nx_word_lists[l].bits & W_TITLE) ? canon : NULL;
            e->canon_len = (uint8_t)cl;
        }
    }
    qsort(wtab, n_words, sizeof wtab[0], wentry_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n_words; i++) {
        if (k > 0 && wentry_cmp(&wtab[k - 1], &wtab[i]) == 0) {
            wtab[k - 1].bits |= wtab[i].bits;
            if (!wtab[k - 1].canon) {
                wtab[k - 1].canon = wtab[i].canon;
                wtab[k - 1].canon_len = wtab[i].canon_len;
            }
        } else {
            wtab[k++] = wtab[i];
        }
    }
    n_words = k;
    for (size_t i = 0; i < n_words; i++) {
        size_t h = (size_t)word_hash(wtab[i].w, wtab[i].len) & (WINDEX_SIZE - 1);
        while (windex[h])
            h = (h + 1) & (WINDEX_SIZE - 1);
        windex[h] = (uint16_t)(i + 1);
    }
}

const wentry_t *nx_word_lookup(const char *s, size_t n)
{
    char key[WORD_MAX];
    size_t k = 0;
    uint32_t fnv = 2166136261u;     /* word_hash() of the key, as it is made */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.')
            continue;
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            c = '\'';
            i += 2;
        }
        if (k + 1 >= WORD_MAX)
            return NULL;
        c = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
        key[k++] = (char)c;
        fnv = (fnv ^ c) * 16777619u;
    }
    if (k == 0)
        return NULL;
    size_t h = (size_t)fnv & (WINDEX_SIZE - 1);
    for (; windex[h]; h = (h + 1) & (WINDEX_SIZE - 1)) {
        const wentry_t *e = &wtab[windex[h] - 1];
        if (e->len == k && memcmp(e->w, key, k) == 0)
            return e;
    }
    return NULL;
}

const wentry_t *nx_compound_title(const char *s, size_t n)
{
    const char *dash = memchr(s, '-', n);
    if (!dash)
        return NULL;
    const char *last = dash;
    for (const char *p = dash + 1; p < s + n; p++)
        if (*p == '-')
            last = p;
    const wentry_t *tail = nx_word_lookup(last + 1, (size_t)(s + n - last - 1));
    if (!tail || !(tail->bits & W_TITLE))
        return NULL;
    const wentry_t *head = nx_word_lookup(s, (size_t)(dash - s));
    return head && (head->bits & (W_PREFIX | W_TITLE)) ? tail : NULL;
}

void nx_words_init(void)
{
    pthread_once(&words_once, words_build);
}
