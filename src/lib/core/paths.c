/* paths.c - the default database, socket and configuration paths
 * (newsidx(1) ENVIRONMENT, newsidxd(8)), the data files, and mkdir -p. */
#include "config.h"

#include "nx.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

char *nx_default_db_path(void)
{
    const char *v;
    if ((v = env("NEWSIDX_DB")))
        return nx_strdup(v);
    if ((v = env("XDG_DATA_HOME")))
        return nx_printf("%s/newsidx/db", v);
    if ((v = env("HOME")))
        return nx_printf("%s/.local/share/newsidx/db", v);
    return nx_printf("/tmp/newsidx-%u/db", (unsigned)getuid());
}

char *nx_default_socket_path(void)
{
    const char *v;
    if ((v = env("NEWSIDX_SOCKET")))
        return nx_strdup(v);
    if ((v = env("XDG_RUNTIME_DIR")))
        return nx_printf("%s/newsidx.sock", v);
    return nx_printf("/tmp/newsidx-%u/newsidx.sock", (unsigned)getuid());
}

/* The config file: $NEWSIDX_CONFIG, else the user's, else the system's;
 * NULL when none exists (the built-in defaults apply). */
char *nx_default_config_path(void)
{
    const char *v;
    char *p = NULL;
    if ((v = env("NEWSIDX_CONFIG")))
        return nx_strdup(v);
    if ((v = env("XDG_CONFIG_HOME")))
        p = nx_printf("%s/newsidx/newsidx.conf", v);
    else if ((v = env("HOME")))
        p = nx_printf("%s/.config/newsidx/newsidx.conf", v);
    if (p && access(p, R_OK) == 0)
        return p;
    free(p);
    if (access(SYSCONFDIR "/newsidx.conf", R_OK) == 0)
        return nx_strdup(SYSCONFDIR "/newsidx.conf");
    return NULL;
}

bool nx_mkdirs(const char *path, unsigned mode)
{
    char *p = nx_strdup(path);
    if (!p)
        return false;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) != 0 && errno != EEXIST) {
            free(p);
            return false;
        }
        *s = '/';
    }
    bool ok = mkdir(p, mode) == 0 || errno == EEXIST;
    free(p);
    return ok;
}

/* data/NAME beside the running program or one folder up (libtool puts
 * uninstalled programs in .libs/), or NULL. */
static char *data_file_of_build(const char *name)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    const char *cands[] = {"%s/data/%s", "%s/../data/%s"};
    for (size_t i = 0; i < NX_ARRAY_LEN(cands); i++) {
        char *p = nx_printf(cands[i], exe, name);
        if (p && access(p, R_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

char *nx_find_data_file(const char *name, const char *env_var)
{
    const char *v = env(env_var);
    if (v)
        return nx_strdup(v);
    char *installed = nx_printf("%s/%s", PKGDATADIR, name);
    if (!installed || access(installed, R_OK) == 0)
        return installed;
    char *built = data_file_of_build(name);
    if (built) {
        free(installed);
        return built;
    }
    return installed;
}
