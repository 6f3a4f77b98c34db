/* server.c - the main thread's event loop: the listening socket, signals,
 * reloading the configuration, and shutdown.  It accepts a connection
 * and hands it to a worker thread (workers.c), which serves it from then
 * on; it never reads a request itself. */
#include "config.h"

#include "newsidxd.h"

#include <errno.h>
#include <event2/listener.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Accepting                                                            */
/* ------------------------------------------------------------------ */

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
                      void *arg)
{
    server_t *srv = arg;
    (void)l;
    (void)sa;
    (void)len;
    struct ucred cred;
    socklen_t cl = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0)
        cred.uid = (uid_t)-1;
    /* One user (but the daemon's own, who could stop it anyway) may hold
     * only part of the connections. */
    unsigned max_conns =
        (unsigned)newsidx_config_get_uint(srv->config, NEWSIDX_CONFIG_MAX_CONNECTIONS);
    unsigned per_user =
        (unsigned)newsidx_config_get_uint(srv->config, NEWSIDX_CONFIG_MAX_CONNECTIONS_PER_USER);
    if (!per_user)
        per_user = (max_conns + 3) / 4;
    bool over = srv->stopping || atomic_load(&srv->n_conns) >= max_conns;
    if (over || !users_take(srv->users, cred.uid, cred.uid == geteuid() ? UINT_MAX : per_user)) {
        /* Refused cleanly: closed at once (a user over its share is
         * told why first), and counted. */
        if (!over) {
            nx_buf_t b;
            nx_buf_init(&b);
            msgpack_packer pk;
            nx_mp_packer_init(&pk, &b);
            char *msg = nx_printf("uid %u has %u connections open already, the most one user "
                                  "may ([daemon] max_connections_per_user)",
                                  (unsigned)cred.uid, per_user);
            nx_rpc_pack_response_error(&pk, 0, NX_RPC_UNAVAILABLE, msg ? msg : "too many");
            free(msg);
            ssize_t sent = send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)sent;
            nx_buf_free(&b);
        }
        pthread_mutex_lock(&srv->stats.mu);
        srv->stats.refused++;
        pthread_mutex_unlock(&srv->stats.mu);
        evutil_closesocket(fd);
        return;
    }
    atomic_fetch_add(&srv->n_conns, 1);
    workers_hand(srv, fd, cred.uid);
}

static void accept_resume_cb(evutil_socket_t fd, short what, void *arg)
{
    server_t *srv = arg;
    (void)fd;
    (void)what;
    if (srv->listener && !srv->stopping)
        evconnlistener_enable(srv->listener);
}

static void accept_error_cb(struct evconnlistener *l, void *arg)
{
    server_t *srv = arg;
    int e = EVUTIL_SOCKET_ERROR();
    if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
        /* Out of descriptors: stop accepting for a moment instead of
         * spinning on a listener that stays readable. */
        nxd_log(LOG_WARNING, "accept: %s; pausing new connections for 100 ms", strerror(e));
        evconnlistener_disable(l);
        struct timeval tv = {0, 100000};
        evtimer_add(srv->accept_timer, &tv);
    } else {
        nxd_log(LOG_WARNING, "accept: %s", strerror(e));
    }
}

/* ------------------------------------------------------------------ */
/* Signals and shutdown                                                 */
/* ------------------------------------------------------------------ */

static void begin_stop(server_t *srv, const char *why)
{
    if (srv->stopping)
        return;
    nxd_log(LOG_NOTICE, "%s: finishing requests in flight, then stopping", why);
    srv->stopping = true;
    if (srv->listener) {
        evconnlistener_free(srv->listener);
        srv->listener = NULL;
    }
    if (srv->own_socket)
        unlink(srv->socket_path);
    /* Each thread reads no more requests, finishes what is in flight,
     * sends it, and stops; server_run() then waits for them. */
    workers_stop(srv);
    event_base_loopexit(srv->base, NULL);
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether the list of key is the same in both configs. */
static bool same_list(const newsidx_config_t *x, const newsidx_config_t *y,
                      newsidx_config_key_t key)
{
    const char *const *a, *const *b;
    size_t na = newsidx_config_get_list(x, key, &a);
    size_t nb = newsidx_config_get_list(y, key, &b);
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

/* Settings read only at start (from srv->start_config, which stays):
 * the names of those whose value in cfg differs from the running one
 * are listed in *names (", "-separated) for the log.  False when there
 * are none. */
static bool start_settings_changed(const newsidx_config_t *old, const newsidx_config_t *cfg,
                                   nx_buf_t *names)
{
#define KEEP(changed, name)                                                          \
    do {                                                                             \
        if (changed) {                                                               \
            nx_buf_adds(names, names->len ? ", " : "");                              \
            nx_buf_adds(names, name);                                                \
        }                                                                            \
    } while (0)
#define UINT(key) newsidx_config_get_uint(old, key) != newsidx_config_get_uint(cfg, key)
#define TEXT(key) \
    !same_text(newsidx_config_get_string(old, key), newsidx_config_get_string(cfg, key))
    KEEP(UINT(NEWSIDX_CONFIG_WORKERS), "workers");
    KEEP(newsidx_config_get_bool(old, NEWSIDX_CONFIG_READ_ONLY) !=
             newsidx_config_get_bool(cfg, NEWSIDX_CONFIG_READ_ONLY), "read_only");
    KEEP(UINT(NEWSIDX_CONFIG_SOCKET_MODE), "socket_mode");
    KEEP(TEXT(NEWSIDX_CONFIG_SOCKET_GROUP), "socket_group");
    KEEP(TEXT(NEWSIDX_CONFIG_PIDFILE), "pidfile");
    KEEP(TEXT(NEWSIDX_CONFIG_GAZETTEER), "gazetteer");
    KEEP(!same_list(old, cfg, NEWSIDX_CONFIG_WRITERS), "writers");
    KEEP(!same_list(old, cfg, NEWSIDX_CONFIG_SHARDS), "shards");
#undef TEXT
#undef UINT
#undef KEEP
    return names->len > 0;
}

static void reload(server_t *srv)
{
    newsidx_config_t *cfg = newsidx_config_new();
    if (!cfg) {
        nxd_log(LOG_ERR, "SIGHUP: out of memory; keeping the current settings");
        return;
    }
    if (srv->config_path) {
        char *err = NULL;
        if (newsidx_config_load(cfg, srv->config_path, &err) != NEWSIDX_OK) {
            nxd_log(LOG_ERR, "SIGHUP: %s; keeping the current settings", err);
            free(err);
            newsidx_config_free(cfg);
            return;
        }
    }
    /* The spool folder is watched from the start: a new one needs a
     * restart (a relative path, made absolute at start, is not
     * compared). */
    const char *spool = newsidx_config_get_string(srv->start_config, NEWSIDX_CONFIG_SPOOL);
    const char *new_spool = newsidx_config_get_string(cfg, NEWSIDX_CONFIG_SPOOL);
    if (!spool != !new_spool ||
        (spool && new_spool[0] == '/' && strcmp(spool, new_spool) != 0))
        nxd_log(LOG_WARNING, "SIGHUP: [daemon] spool only changes with a restart; still "
                "watching %s", spool ? spool : "no spool folder");
    nx_buf_t restart;
    nx_buf_init(&restart);
    bool kept = start_settings_changed(srv->start_config, cfg, &restart);
    /* What is read only at start stays in srv->start_config (the pid
     * file to remove at exit, for one); the new numbers apply. */
    pthread_mutex_lock(&srv->config_mu);
    newsidx_config_t *old = srv->config;
    srv->config = cfg;
    pthread_mutex_unlock(&srv->config_mu);
    newsidx_config_free(old);
    atomic_fetch_add(&srv->config_gen, 1);
    if (kept)
        nxd_log(LOG_WARNING, "SIGHUP: settings reloaded from %s, but %.*s only change with a "
                "restart: their running values stay", srv->config_path ? srv->config_path
                : "the built-in defaults", (int)restart.len, restart.data);
    else
        nxd_log(LOG_NOTICE, "SIGHUP: settings reloaded from %s",
                srv->config_path ? srv->config_path : "the built-in defaults");
    nx_buf_free(&restart);
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
    server_t *srv = arg;
    (void)what;
    if (sig == SIGHUP)
        reload(srv);
    else
        begin_stop(srv, sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

void server_config_snapshot(server_t *srv, settings_t *out)
{
    pthread_mutex_lock(&srv->config_mu);
    const newsidx_config_t *c = srv->config;
    out->max_request = newsidx_config_get_uint(c, NEWSIDX_CONFIG_MAX_REQUEST);
    out->max_output = newsidx_config_get_uint(c, NEWSIDX_CONFIG_MAX_OUTPUT);
    out->max_output_total = newsidx_config_get_uint(c, NEWSIDX_CONFIG_MAX_OUTPUT_TOTAL);
    out->max_depth = (unsigned)newsidx_config_get_uint(c, NEWSIDX_CONFIG_MAX_DEPTH);
    out->max_connections = (unsigned)newsidx_config_get_uint(c, NEWSIDX_CONFIG_MAX_CONNECTIONS);
    out->idle_timeout = newsidx_config_get_double(c, NEWSIDX_CONFIG_IDLE_TIMEOUT);
    out->first_request_timeout =
        newsidx_config_get_double(c, NEWSIDX_CONFIG_FIRST_REQUEST_TIMEOUT);
    out->commit_interval = newsidx_config_get_double(c, NEWSIDX_CONFIG_COMMIT_INTERVAL);
    pthread_mutex_unlock(&srv->config_mu);
}

newsidx_config_t *server_config_copy(server_t *srv)
{
    pthread_mutex_lock(&srv->config_mu);
    newsidx_config_t *c = newsidx_config_copy(srv->config);
    pthread_mutex_unlock(&srv->config_mu);
    return c;
}

/* ------------------------------------------------------------------ */
/* The socket                                                           */
/* ------------------------------------------------------------------ */

/* The socket's directory, as tmux checks its own: created 0700 when
 * missing; it must then be a directory (not a link to one) of the
 * daemon's user, not writable by others unless sticky, since whoever can
 * replace the socket can impersonate the daemon, and whoever owns the
 * directory can.  Checked after mkdir, so a directory someone made in
 * between is checked too. */
static bool prepare_dir(const char *socket_path, char **err)
{
    char *dir = nx_strdup(socket_path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (!slash || slash == dir) {
        free(dir);
        return true;
    }
    *slash = '\0';
    char *parent = nx_strdup(dir);
    char *ps = parent ? strrchr(parent, '/') : NULL;
    if (ps && ps != parent) {
        *ps = '\0';
        struct stat pst;
        if (stat(parent, &pst) != 0)
            nx_mkdirs(parent, 0755);
    }
    free(parent);
    struct stat st;
    bool ok = false;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        nx_set_error(err, "cannot create %s: %s", dir, strerror(errno));
    else if (lstat(dir, &st) != 0)
        nx_set_error(err, "%s: %s", dir, strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        nx_set_error(err, "%s is not a directory; refusing to put the socket there", dir);
    else if (st.st_uid != geteuid())
        nx_set_error(err, "%s belongs to uid %u, not to this daemon's user (uid %u); refusing "
                     "to put the socket there", dir, (unsigned)st.st_uid, (unsigned)geteuid());
    else if ((st.st_mode & 0022) && !(st.st_mode & S_ISVTX))
        nx_set_error(err, "%s is writable by others; refusing to put the socket there", dir);
    else
        ok = true;
    free(dir);
    return ok;
}

int server_bind(server_t *srv, char **err)
{
    const char *path = srv->socket_path;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        nx_set_error(err, "socket path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    if (!prepare_dir(path, err))
        return -1;
    /* A socket file left by a daemon that died: remove it, but never one
     * a live daemon answers on. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        if (connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
            nx_set_error(err, "another newsidxd already answers on %s", path);
            close(probe);
            return -1;
        }
        /* connect() is refused by any file, not only a dead socket; a
         * link to nowhere says "no such file" but still takes the name. */
        int refused = errno == ECONNREFUSED;
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
            nx_set_error(err, "%s is a symbolic link; not replacing it (remove it if it is "
                         "not needed)", path);
            close(probe);
            return -1;
        }
        if (refused && lstat(path, &st) == 0) {
            if (!S_ISSOCK(st.st_mode)) {
                nx_set_error(err, "%s exists and is not a socket; not replacing it", path);
                close(probe);
                return -1;
            }
            unlink(path);
        }
        close(probe);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        nx_set_error(err, "socket: %s", strerror(errno));
        return -1;
    }
    unsigned mode =
        (unsigned)newsidx_config_get_uint(srv->start_config, NEWSIDX_CONFIG_SOCKET_MODE);
    const char *group = newsidx_config_get_string(srv->start_config, NEWSIDX_CONFIG_SOCKET_GROUP);
    if (group && mode == 0600)
        mode = 0660;
    /* Created with the right mode from the start: no window in which
     * another user could connect. */
    mode_t old = umask((mode_t)(~mode & 0777));
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0) {
        nx_set_error(err, "bind %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (group) {
        struct group *g = getgrnam(group);
        if (!g || chown(path, (uid_t)-1, g->gr_gid) != 0) {
            nx_set_error(err, "socket group %s: %s", group,
                         g ? strerror(errno) : "no such group");
            close(fd);
            unlink(path);
            return -1;
        }
    }
    if (listen(fd, 128) != 0) {
        nx_set_error(err, "listen %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    srv->own_socket = true;
    return fd;
}

/* ------------------------------------------------------------------ */
/* Running                                                              */
/* ------------------------------------------------------------------ */

void server_stop_threads(server_t *srv)
{
    /* The spool stops taking files and waits for what the writer has of
     * it; the workers finish what is in flight (or give up after 30 s),
     * then the writer, which commits last; then what is left is freed. */
    spool_stop(srv);
    workers_stop(srv);
    workers_join(srv);
    writer_stop(srv);
    workers_free(srv);
    spool_free(srv);
}

int server_run(server_t *srv, int fd)
{
    int rc = -1;
    srv->base = event_base_new();
    if (!srv->base)
        return -1;
    srv->sig_term = evsignal_new(srv->base, SIGTERM, signal_cb, srv);
    srv->sig_int = evsignal_new(srv->base, SIGINT, signal_cb, srv);
    srv->sig_hup = evsignal_new(srv->base, SIGHUP, signal_cb, srv);
    srv->accept_timer = evtimer_new(srv->base, accept_resume_cb, srv);
    event_add(srv->sig_term, NULL);
    event_add(srv->sig_int, NULL);
    event_add(srv->sig_hup, NULL);
    srv->listener = evconnlistener_new(srv->base, accept_cb, srv,
                                       LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
    if (!srv->listener) {
        nxd_log(LOG_ERR, "cannot listen on the socket");
    } else {
        evconnlistener_set_error_cb(srv->listener, accept_error_cb);
        nxd_log(LOG_NOTICE, "serving %s on %s with %u threads",
                srv->db_path ? srv->db_path : "the shards of the configuration",
                srv->socket_path, srv->n_workers);
        event_base_dispatch(srv->base);
        rc = 0;
    }

    server_stop_threads(srv);
    if (srv->listener)
        evconnlistener_free(srv->listener);
    if (srv->own_socket && !srv->stopping)
        unlink(srv->socket_path);
    event_free(srv->sig_term);
    event_free(srv->sig_int);
    event_free(srv->sig_hup);
    event_free(srv->accept_timer);
    event_base_free(srv->base);
    nxd_log(LOG_NOTICE, "stopped");
    return rc;
}
