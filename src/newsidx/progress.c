/* progress.c - progress of long imports on stderr.
 *
 * On a terminal: one line redrawn in place, at most ten times a second.
 * Elsewhere (logs, pipes): a plain line every few seconds, which is what
 * someone reading a log afterwards can use. */
#include "config.h"

#include "cli.h"

#include <stdlib.h>
#include <unistd.h>

struct progress {
    const char *prog;
    uint64_t total;
    bool quiet, tty, drawn;
    double started, last;
    double interval;
};

progress_t *progress_new(const char *prog, uint64_t total_bytes, bool quiet)
{
    progress_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->prog = prog;
    p->total = total_bytes;
    p->quiet = quiet;
    p->tty = isatty(STDERR_FILENO);
    p->started = p->last = nx_now();
    const char *iv = getenv("NEWSIDX_PROGRESS_INTERVAL");
    p->interval = p->tty ? 0.1 : (iv ? atof(iv) : 5.0);
    if (p->interval <= 0)
        p->interval = 5.0;
    return p;
}

static void eta(char *out, size_t n, double secs)
{
    if (secs < 0 || secs > 360000) {
        snprintf(out, n, "?");
        return;
    }
    unsigned s = (unsigned)(secs + 0.5);
    if (s >= 3600)
        snprintf(out, n, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, n, "%u:%02u", s / 60, s % 60);
}

void progress_update(progress_t *p, uint64_t bytes, uint64_t read, uint64_t committed,
                     uint64_t rejected)
{
    if (!p || p->quiet)
        return;
    double now = nx_now();
    if (now - p->last < p->interval)
        return;
    cli_lock();
    p->last = now;
    double el = now - p->started;
    double rate = el > 0 ? (double)read / el : 0;
    double frac = p->total ? (double)bytes / (double)p->total : -1;
    if (frac > 1)
        frac = 1;
    char e[32] = "";
    if (frac > 0.001)
        eta(e, sizeof e, el / frac - el);
    if (p->tty) {
        char bar[31];
        int fill = frac >= 0 ? (int)(frac * 30) : 0;
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : (frac >= 0 ? '.' : ' ');
        bar[30] = '\0';
        if (frac >= 0)
            fprintf(stderr, "\r[%s] %3.0f%%  %llu articles  %.0f/s  ETA %s \033[K", bar,
                    frac * 100, (unsigned long long)read, rate, e[0] ? e : "?");
        else
            fprintf(stderr, "\r%llu articles  %.0f/s \033[K", (unsigned long long)read, rate);
        p->drawn = true;
    } else {
        fprintf(stderr, "%s: %llu read, %llu committed, %llu rejected, %.0f articles/s", p->prog,
                (unsigned long long)read, (unsigned long long)committed,
                (unsigned long long)rejected, rate);
        if (frac >= 0)
            fprintf(stderr, ", %.0f%%, ETA %s", frac * 100, e[0] ? e : "?");
        fputc('\n', stderr);
    }
    cli_unlock();
}

void progress_clear(progress_t *p)
{
    if (p && p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = false;
    }
}

void progress_free(progress_t *p)
{
    free(p);
}
