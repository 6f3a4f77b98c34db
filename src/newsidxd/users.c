/* users.c - what the daemon keeps per peer user: how many connections
 * each has open (a cap per uid, so that one local user cannot take every
 * connection), and whether a user may write, looked up once in a while
 * rather than on every connection (getpwuid_r and getgrouplist may ask
 * a directory server and block the thread for as long as it takes). */
#include "config.h"

#include "newsidxd.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Seconds a user's write permission is believed before it is looked up
 * again (group membership may change while the daemon runs). */
#define WRITER_TTL 60.0

typedef struct user {
    uid_t uid;
    unsigned conns;             /* open connections */
    int may_write;              /* -1: not looked up yet */
    double looked_up;           /* when may_write was */
} user_t;

struct users {
    pthread_mutex_t mu;
    user_t *v;
    size_t n, cap;
};

users_t *users_new(void)
{
    users_t *u = calloc(1, sizeof *u);
    if (u)
        pthread_mutex_init(&u->mu, NULL);
    return u;
}

void users_free(users_t *u)
{
    if (!u)
        return;
    pthread_mutex_destroy(&u->mu);
    free(u->v);
    free(u);
}

/* The entry of uid, added when missing; NULL out of memory.  Under mu. */
static user_t *entry(users_t *u, uid_t uid)
{
    for (size_t i = 0; i < u->n; i++)
        if (u->v[i].uid == uid)
            return &u->v[i];
    if (u->n == u->cap) {
        size_t cap = u->cap ? 2 * u->cap : 16;
        user_t *v = realloc(u->v, cap * sizeof *v);
        if (!v)
            return NULL;
        u->v = v;
        u->cap = cap;
    }
    u->v[u->n] = (user_t){.uid = uid, .may_write = -1};
    return &u->v[u->n++];
}

bool users_take(users_t *u, uid_t uid, unsigned limit)
{
    pthread_mutex_lock(&u->mu);
    user_t *e = entry(u, uid);
    bool ok = e && e->conns < limit;
    if (ok)
        e->conns++;
    pthread_mutex_unlock(&u->mu);
    return ok;
}

void users_give(users_t *u, uid_t uid)
{
    pthread_mutex_lock(&u->mu);
    user_t *e = entry(u, uid);
    if (e && e->conns)
        e->conns--;
    pthread_mutex_unlock(&u->mu);
}

/* The answer of [daemon] writers for uid, from the password and group
 * databases. */
static bool lookup_writer(const server_t *srv, uid_t uid, gid_t gid)
{
    for (size_t i = 0; i < srv->n_writer_uids; i++)
        if (srv->writer_uids[i] == uid)
            return true;
    if (!srv->n_writer_gids)
        return false;
    /* The peer's groups: its primary group and those of its user. */
    gid_t groups[256];
    int n = 256;
    struct passwd pw, *pwp = NULL;
    char buf[4096];
    groups[0] = gid;
    if (getpwuid_r(uid, &pw, buf, sizeof buf, &pwp) == 0 && pwp) {
        if (getgrouplist(pw.pw_name, gid, groups, &n) < 0)
            n = 256;
    } else {
        n = 1;
    }
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < srv->n_writer_gids; k++)
            if (groups[i] == srv->writer_gids[k])
                return true;
    return false;
}

bool users_may_write(server_t *srv, uid_t uid, gid_t gid)
{
    if (uid == geteuid())
        return true;
    if (!srv->n_writer_uids && !srv->n_writer_gids)
        return false;
    users_t *u = srv->users;
    double now = nx_now();
    pthread_mutex_lock(&u->mu);
    user_t *e = entry(u, uid);
    int known = e && e->may_write >= 0 && now - e->looked_up < WRITER_TTL ? e->may_write : -1;
    pthread_mutex_unlock(&u->mu);
    if (known >= 0)
        return known;
    /* Looked up outside the lock: another thread may look up the same
     * user at the same time, and both store the same answer. */
    bool ok = lookup_writer(srv, uid, gid);
    pthread_mutex_lock(&u->mu);
    if ((e = entry(u, uid))) {
        e->may_write = ok;
        e->looked_up = now;
    }
    pthread_mutex_unlock(&u->mu);
    return ok;
}
