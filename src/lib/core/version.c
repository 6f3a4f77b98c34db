/* version.c - the version of the library in use. */
#include "config.h"

#include "newsidx.h"

const char *newsidx_version(void)
{
    return NEWSIDX_VERSION;
}
