/* main.c - newsidxd: options, start-up, the pid file, and detaching.
 *
 * Without --foreground the daemon detaches before it opens anything, and
 * the parent waits on a pipe until the child either serves or fails, so
 * a failed start is reported on the terminal with a non-zero status. */
#include "config.h"

#include "newsidxd.h"

#include <event2/thread.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static void usage(FILE *fp)
{
    fputs("usage: newsidxd [--db PATH] [--socket PATH] [--config FILE] [--foreground] [--read-only]\n"
          "                [--http ADDR:PORT]\n"
          "\n"
          "Serves the index over MessagePack-RPC on a Unix socket.  See newsidxd(8).\n",
          fp);
}

/* The readiness pipe of a detached start: "" = serving, else an error. */
static int ready_fd = -1;

static void report_ready(const char *error)
{
    if (ready_fd < 0)
        return;
    const char *msg = error ? error : "";
    ssize_t w = write(ready_fd, msg, strlen(msg) + 1);
    (void)w;
    close(ready_fd);
    ready_fd = -1;
}

static int detach(void)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        close(p[1]);
        char buf[1024];
        size_t n = 0;
        ssize_t r;
        while (n < sizeof buf - 1 && (r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0) {
            n += (size_t)r;
            if (memchr(buf, '\0', n))
                break;
        }
        buf[n] = '\0';
        if (n == 0) {
            fputs("newsidxd: failed to start (see the system log)\n", stderr);
            _exit(1);
        }
        if (buf[0]) {
            fprintf(stderr, "newsidxd: %s\n", buf);
            _exit(1);
        }
        _exit(0);
    }
    close(p[0]);
    ready_fd = p[1];
    setsid();
    if (chdir("/") != 0)
        return -1;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO)
            close(null);
    }
    return 0;
}

/* Logs a start-up failure where the user will see it, and fails. */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = nx_vprintf(fmt, ap);
    va_end(ap);
    nxd_log(LOG_ERR, "%s", msg ? msg : fmt);
    report_ready(msg ? msg : fmt);
    free(msg);
    return 1;
}

/* systemd socket activation: the listening socket is fd 3. */
static int activated_fd(void)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    if (!pid || !fds || atol(pid) != (long)getpid() || atoi(fds) < 1)
        return -1;
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    int fd = 3, type = 0;
    socklen_t l = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) != 0 || type != SOCK_STREAM)
        return -1;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static void resolve_writers(server_t *srv)
{
    const char *const *writers;
    size_t n_writers = newsidx_config_get_list(srv->start_config, NEWSIDX_CONFIG_WRITERS, &writers);
    for (size_t i = 0; i < n_writers; i++) {
        const char *name = writers[i];
        if (name[0] == '@') {
            struct group *g = getgrnam(name + 1);
            if (!g) {
                nxd_log(LOG_WARNING, "writers: no group %s", name + 1);
                continue;
            }
            gid_t *v = realloc(srv->writer_gids, (srv->n_writer_gids + 1) * sizeof *v);
            if (v) {
                srv->writer_gids = v;
                v[srv->n_writer_gids++] = g->gr_gid;
            }
        } else {
            struct passwd *pw = getpwnam(name);
            if (!pw) {
                nxd_log(LOG_WARNING, "writers: no user %s", name);
                continue;
            }
            uid_t *v = realloc(srv->writer_uids, (srv->n_writer_uids + 1) * sizeof *v);
            if (v) {
                srv->writer_uids = v;
                v[srv->n_writer_uids++] = pw->pw_uid;
            }
        }
    }
}

/* A relative path made absolute against the current directory. */
static void make_absolute(char **path)
{
    if (!*path || (*path)[0] == '/')
        return;
    char *cwd = realpath(".", NULL);
    char *p = cwd ? nx_printf("%s/%s", cwd, *path) : NULL;
    free(cwd);
    if (p) {
        free(*path);
        *path = p;
    }
}

/* A path of the start config made absolute (as make_absolute()). */
static void make_setting_absolute(newsidx_config_t *c, newsidx_config_key_t key,
                                  const char *section, const char *name)
{
    const char *value = newsidx_config_get_string(c, key);
    char *path = value ? nx_strdup(value) : NULL;
    make_absolute(&path);
    if (path && path[0] == '/' && strcmp(path, value) != 0)
        newsidx_config_set(c, section, name, path, NULL);
    free(path);
}

static char *default_pidfile(const char *socket_path)
{
    const char *slash = strrchr(socket_path, '/');
    if (!slash)
        return nx_strdup("newsidxd.pid");
    return nx_printf("%.*s/newsidxd.pid", (int)(slash - socket_path), socket_path);
}

/* True when pid is a running newsidxd (under a wrapper such as valgrind
 * too): its command line names the program. */
static bool is_running_daemon(long pid)
{
    if (pid <= 0 || pid == (long)getpid() || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
        return false;
    char path[64], cmd[4096];
    snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, cmd, sizeof cmd - 1);
    close(fd);
    for (ssize_t i = 0; i < n; i++)
        if (cmd[i] == '\0')
            cmd[i] = ' ';
    cmd[n > 0 ? n : 0] = '\0';
    return strstr(cmd, "newsidxd") != NULL;
}

/* A pid file already there may be replaced only when it is a regular
 * file of this user naming no running daemon: one left by a daemon that
 * was killed.  A link, another user's file or a live daemon's is left
 * alone and the start fails. */
static bool may_replace_pidfile(const char *path, char **err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
        nx_set_error(err, "the pid file %s exists and is not a regular file of this user; "
                     "not replacing it", path);
        if (fd >= 0)
            close(fd);
        return false;
    }
    char buf[32] = "";
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
    if (is_running_daemon(pid)) {
        nx_set_error(err, "the pid file %s names newsidxd %ld, which is running", path, pid);
        return false;
    }
    return true;
}

/* Writes the pid file without following or overwriting anything that is
 * there (O_CREAT | O_EXCL | O_NOFOLLOW), mode 0644 whatever the umask;
 * a stale one is removed first (may_replace_pidfile). */
static bool write_pidfile(const char *path, char **err)
{
    for (int attempt = 0;; attempt++) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0) {
            char buf[32];
            int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
            bool ok = fchmod(fd, 0644) == 0 && write(fd, buf, (size_t)len) == len;
            if (close(fd) != 0 || !ok) {
                nx_set_error(err, "cannot write the pid file %s: %s", path, strerror(errno));
                unlink(path);
                return false;
            }
            return true;
        }
        if (errno != EEXIST || attempt > 0) {
            nx_set_error(err, "cannot create the pid file %s: %s", path, strerror(errno));
            return false;
        }
        if (!may_replace_pidfile(path, err))
            return false;
        unlink(path);
    }
}

/* What newsidxd's command line asks for, besides the paths it sets in
 * srv. */
typedef struct daemon_args {
    const char *config_path, *http;
    bool foreground, read_only;
} daemon_args_t;

/* The options into srv and a: -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, server_t *srv, daemon_args_t *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"socket", required_argument, NULL, 's'},
        {"config", required_argument, NULL, 'c'},
        {"foreground", no_argument, NULL, 'f'},
        {"read-only", no_argument, NULL, 'r'},
        {"http", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
        switch (o) {
        case 'd': srv->db_path = nx_strdup(optarg); break;
        case 's': srv->socket_path = nx_strdup(optarg); break;
        case 'c': a->config_path = optarg; break;
        case 'f': a->foreground = true; break;
        case 'r': a->read_only = true; break;
        case 'H': a->http = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'V': puts("newsidxd " NEWSIDX_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    return -1;
}

/* The index (a database, else the configuration's shards, else the
 * default database) and the socket, every path made absolute. */
static void settle_paths(server_t *srv)
{
    const char *const *shards;
    size_t n_shards = newsidx_config_get_list(srv->start_config, NEWSIDX_CONFIG_SHARDS, &shards);
    if (!srv->db_path && n_shards) {
        /* The shards of the configuration, kept as they are at start:
         * their order places articles, so a reload does not change it. */
        srv->shards = nx_strv_copy_array((char *const *)shards, n_shards);
        srv->n_shards = n_shards;
    } else if (!srv->db_path) {
        srv->db_path = nx_default_db_path();
    }
    if (!srv->socket_path)
        srv->socket_path = nx_default_socket_path();
    /* Relative paths would break once detached (chdir /): the config
     * file is read again on SIGHUP, the pid file and the gazetteer are
     * opened after detaching. */
    make_absolute(&srv->db_path);
    for (size_t i = 0; i < srv->n_shards; i++)
        if (strchr(srv->shards[i], '/') || !strchr(srv->shards[i], ':'))
            make_absolute(&srv->shards[i]);
    /* The writer opens the shards of the configuration: the same
     * absolute paths (relative ones were opened from / once detached,
     * and writes went into new databases there). */
    if (srv->n_shards) {
        newsidx_config_set(srv->start_config, "shards", "shard", NULL, NULL);
        for (size_t i = 0; i < srv->n_shards; i++)
            newsidx_config_set(srv->start_config, "shards", "shard", srv->shards[i], NULL);
    }
    make_absolute(&srv->socket_path);
    make_absolute(&srv->config_path);
    make_setting_absolute(srv->start_config, NEWSIDX_CONFIG_PIDFILE, "daemon", "pidfile");
    make_setting_absolute(srv->start_config, NEWSIDX_CONFIG_GAZETTEER, "index", "gazetteer");
    make_setting_absolute(srv->start_config, NEWSIDX_CONFIG_HTTP_TOKEN_FILE, "daemon",
                          "http_token_file");
    make_setting_absolute(srv->start_config, NEWSIDX_CONFIG_SPOOL, "daemon", "spool");
}

/* The writer, or for a read-only daemon a look at the database; false
 * once it said why not. */
static bool open_index(server_t *srv, char **err)
{
    newsidx_status_t st;
    /* A read-only daemon takes no lock and opens no writer: several may
     * serve one index, and shards served read-only by xapian-tcpsrv
     * can be searched. */
    if (!srv->read_only) {
        st = newsidx_writer_open(srv->db_path, srv->config,
                                 NEWSIDX_WRITER_CREATE | NEWSIDX_WRITER_WAIT, &srv->w, err);
        if (st != NEWSIDX_OK) {
            fail("%s%s", *err ? *err : newsidx_status_to_string(st),
                 srv->n_shards ? " (a daemon over read-only shards needs --read-only)" : "");
            return false;
        }
    } else if (srv->db_path) {
        newsidx_db_t *probe = NULL;
        st = newsidx_db_open(srv->db_path, srv->config, &probe, err);
        if (st != NEWSIDX_OK) {
            fail("%s", *err ? *err : newsidx_status_to_string(st));
            return false;
        }
        newsidx_db_close(probe);
    }
    return true;
}

/* The page and the JSON API on http (host:port), bound before the
 * threads start, each of which serves it; false once it said why not. */
static bool start_http(server_t *srv, const char *http, char **err)
{
    const char *token_file =
        newsidx_config_get_string(srv->start_config, NEWSIDX_CONFIG_HTTP_TOKEN_FILE);
    if (token_file && !(srv->http_token = http_token_load(token_file, err))) {
        fail("%s", *err);
        return false;
    }
    srv->http_fd = http_bind(http, err);
    if (srv->http_fd < 0) {
        fail("%s", *err ? *err : "cannot listen for HTTP");
        return false;
    }
    nxd_log(LOG_NOTICE, "serving the page and the JSON API on http://%s/", http);
    char *ppath = NULL;
    free(*err);
    *err = NULL;
    srv->places = places_load(&ppath, err);
    if (!srv->places)
        nxd_log(LOG_WARNING, "the map has no coordinates: %s", *err ? *err : ppath);
    free(ppath);
    return true;
}

/* The writer's thread, the spool's and the workers'; false (said why,
 * those started stopped again) when one could not start. */
static bool start_threads(server_t *srv, char **err)
{
    /* Before any event base: the threads wake each other's loops. */
    evthread_use_pthreads();
    if (!srv->read_only && !writer_start(srv)) {
        fail("cannot start threads");
        server_stop_threads(srv);
        return false;
    }
    /* The spool after the writer, to which its additions go, and before
     * the workers, which read it for stats. */
    if (newsidx_config_get_string(srv->start_config, NEWSIDX_CONFIG_SPOOL) &&
        !spool_start(srv, err)) {
        fail("%s", *err ? *err : "cannot start the spool");
        server_stop_threads(srv);
        return false;
    }
    if (!workers_start(srv)) {
        fail("cannot start threads");
        server_stop_threads(srv);
        return false;
    }
    return true;
}

/* Every way out, the startup failures too, frees what main holds (the
 * sanitizer builds check for leaks at exit); the exit status, rc unless
 * the final commit failed. */
static int shut_down(server_t *srv, char *pidfile, char *err, int rc)
{
    newsidx_status_t st = srv->w ? newsidx_writer_close(srv->w) : NEWSIDX_OK;
    if (st != NEWSIDX_OK) {
        nxd_log(LOG_ERR, "final commit failed: %s",
                newsidx_writer_error(srv->w) ? newsidx_writer_error(srv->w)
                                             : newsidx_status_to_string(st));
        rc = 1;
    }
    newsidx_writer_destroy(srv->w);
    newsidx_extractor_free(srv->x);
    queue_destroy(&srv->write_q);
    queue_destroy(&srv->extract_q);
    if (pidfile)
        unlink(pidfile);
    free(pidfile);
    free(err);
    users_free(srv->users);
    free(srv->writer_uids);
    free(srv->writer_gids);
    if (srv->http_fd >= 0)
        close(srv->http_fd);
    places_free(srv->places);
    if (srv->http_token)
        memset(srv->http_token, 0, strlen(srv->http_token));
    free(srv->http_token);
    free(srv->db_path);
    nx_strv_free_array(srv->shards, srv->n_shards);
    free(srv->socket_path);
    free(srv->config_path);
    newsidx_config_free(srv->config);
    newsidx_config_free(srv->start_config);
    return rc;
}

/* The configuration file into srv->start_config (and a copy as the
 * running config), the daemon's paths settled: 0, else the exit status
 * after saying why (*err is the caller's to free). */
static int load_settings(server_t *srv, const daemon_args_t *args, char **err)
{
    srv->start_config = newsidx_config_new();
    if (!srv->start_config) {
        fprintf(stderr, "newsidxd: out of memory\n");
        return 1;
    }
    if (srv->config_path &&
        newsidx_config_load(srv->start_config, srv->config_path, err) != NEWSIDX_OK) {
        fprintf(stderr, "newsidxd: %s\n", *err);
        return 2;
    }
    /* Fixed for the daemon's life: a reload cannot open a writer. */
    srv->read_only = args->read_only ||
                     newsidx_config_get_bool(srv->start_config, NEWSIDX_CONFIG_READ_ONLY);
    settle_paths(srv);
    if (!(srv->config = newsidx_config_copy(srv->start_config))) {
        fprintf(stderr, "newsidxd: out of memory\n");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    server_t srv;
    memset(&srv, 0, sizeof srv);
    srv.http_fd = -1;
    char *err = NULL, *pidfile = NULL;
    newsidx_status_t st = NEWSIDX_OK;
    int rc, fd = -1;
    daemon_args_t args = {0};
    rc = parse_options(argc, argv, &srv, &args);
    if (rc >= 0)
        return rc;
    rc = 1;
    nxd_log_open(LOG_TO_STDERR);
    srv.config_path = args.config_path ? nx_strdup(args.config_path) : nx_default_config_path();
    rc = load_settings(&srv, &args, &err);
    if (rc != 0)
        return shut_down(&srv, pidfile, err, rc);
    rc = 1;
    signal(SIGPIPE, SIG_IGN);

    if (!args.foreground) {
        if (detach() != 0) {
            perror("newsidxd: detaching");
            return shut_down(&srv, pidfile, err, rc);
        }
        nxd_log_open(LOG_TO_SYSLOG);
    }

    pthread_mutex_init(&srv.config_mu, NULL);
    stats_init(&srv.stats);
    if (!(srv.users = users_new())) {
        fail("out of memory");
        return shut_down(&srv, pidfile, err, rc);
    }
    resolve_writers(&srv);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    srv.n_workers = (unsigned)newsidx_config_get_uint(srv.start_config, NEWSIDX_CONFIG_WORKERS);
    if (!srv.n_workers)
        srv.n_workers = (unsigned)(cores > 0 ? cores : 1);

    const char *spool = newsidx_config_get_string(srv.start_config, NEWSIDX_CONFIG_SPOOL);
    if (srv.read_only && spool) {
        fail("[daemon] spool needs a writer: a read-only daemon cannot import %s", spool);
        return shut_down(&srv, pidfile, err, rc);
    }
    if (!open_index(&srv, &err))
        return shut_down(&srv, pidfile, err, rc);
    st = newsidx_extractor_new(newsidx_config_get_string(srv.start_config,
                                                         NEWSIDX_CONFIG_GAZETTEER),
                               &srv.x, &err);
    if (st != NEWSIDX_OK) {
        fail("%s", err ? err : newsidx_status_to_string(st));
        return shut_down(&srv, pidfile, err, rc);
    }
    if (srv.w)
        nx_writer_set_extractor(srv.w, srv.x);
    fd = activated_fd();
    if (fd < 0) {
        fd = server_bind(&srv, &err);
        if (fd < 0) {
            fail("%s", err ? err : "cannot listen on the socket");
            return shut_down(&srv, pidfile, err, rc);
        }
    }
    const char *http =
        args.http ? args.http : newsidx_config_get_string(srv.start_config, NEWSIDX_CONFIG_HTTP);
    if (http && *http && !start_http(&srv, http, &err)) {
        close(fd);
        return shut_down(&srv, pidfile, err, rc);
    }
    const char *pid_setting = newsidx_config_get_string(srv.start_config, NEWSIDX_CONFIG_PIDFILE);
    pidfile = pid_setting ? nx_strdup(pid_setting) : default_pidfile(srv.socket_path);
    if (pidfile && !write_pidfile(pidfile, &err)) {
        free(pidfile);
        pidfile = NULL;         /* not ours: left where it is */
        fail("%s", err);
        close(fd);
        if (srv.own_socket)
            unlink(srv.socket_path);
        return shut_down(&srv, pidfile, err, rc);
    }
    if (!start_threads(&srv, &err)) {
        close(fd);
        return shut_down(&srv, pidfile, err, rc);
    }
    report_ready(NULL);
    rc = server_run(&srv, fd) == 0 ? 0 : 1;
    return shut_down(&srv, pidfile, err, rc);
}
