/* aliases.c - other names of the same speaker: the short forms news
 * uses for well-known bodies ("Fed", "Fannie"), and a firm's name
 * without its legal suffix ("Bank of America" of "Bank of America
 * Corp").  The article's own links (a name seen both ways in one
 * article) come from speakers.c; this file holds what no article needs
 * to show.
 *
 * The hand list is kept small on purpose: short forms that name one
 * body wherever they stand in business and political news, each mapped
 * to the body's full name.  Bodies whose full name is seldom written
 * ("NATO", "FBI") keep their acronym and are not listed.  A short form
 * that is also a surname ("Goldman") is only read so when the article
 * does not show it to be a person's. */
#include "config.h"

#include "speakers-doc.h"

#include <string.h>

static const struct {
    const char *alias, *name;
} hand_list[] = {
    {"Fed", "Federal Reserve"},
    {"U.S. Federal Reserve", "Federal Reserve"},
    {"Fannie", "Fannie Mae"},
    {"Freddie", "Freddie Mac"},
    {"Lehman", "Lehman Brothers"},
    {"BofA", "Bank of America"},
    {"Citi", "Citigroup"},
    {"Goldman", "Goldman Sachs"},
    {"Merrill", "Merrill Lynch"},
    {"JPMorgan", "JPMorgan Chase"},
    {"ECB", "European Central Bank"},
    {"BoE", "Bank of England"},
    {"BOJ", "Bank of Japan"},
    {"BoJ", "Bank of Japan"},
    {"IMF", "International Monetary Fund"},
    {"U.N.", "United Nations"},
    {"UN", "United Nations"},
    {"E.U.", "European Union"},
    {"EU", "European Union"},
    {"SEC", "Securities and Exchange Commission"},
    {"FDA", "Food and Drug Administration"},
};

const char *sp_hand_alias(const char *name)
{
    for (size_t i = 0; i < NX_ARRAY_LEN(hand_list); i++)
        if (strcmp(hand_list[i].alias, name) == 0)
            return hand_list[i].name;
    return NULL;
}

/* Legal suffixes of firms, as written after the name. */
static const char *const suffixes[] = {
    "Corp", "Corp.", "Corporation", "Inc", "Inc.", "Co", "Co.", "Ltd", "Ltd.", "LLC", "plc",
    "PLC", "AG", "SA", "S.A.", "NV", "N.V.", "Holdings", "Group",
};

size_t sp_without_suffix(const char *name)
{
    size_t n = strlen(name);
    const char *sp = strrchr(name, ' ');
    if (!sp || sp == name)
        return n;
    for (size_t i = 0; i < NX_ARRAY_LEN(suffixes); i++)
        if (strcmp(sp + 1, suffixes[i]) == 0) {
            size_t k = (size_t)(sp - name);
            if (k > 0 && name[k - 1] == ',')
                k--;
            return k;
        }
    return n;
}
