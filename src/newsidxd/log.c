/* log.c - the daemon's log: stderr in the foreground, syslog otherwise. */
#include "config.h"

#include "newsidxd.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

static int log_where = LOG_TO_STDERR;

void nxd_log_open(int where)
{
    log_where = where;
    if (where == LOG_TO_SYSLOG)
        openlog("newsidxd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void nxd_log(int priority, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (log_where == LOG_TO_SYSLOG) {
        vsyslog(priority, fmt, ap);
    } else {
        static const char *const names[] = {"emerg", "alert", "crit", "error",
                                            "warning", "notice", "info", "debug"};
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", localtime_r(&now, &tm));
        flockfile(stderr);
        fprintf(stderr, "%s newsidxd[%s]: ", stamp, names[priority & 7]);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        funlockfile(stderr);
    }
    va_end(ap);
}
