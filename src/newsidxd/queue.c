/* queue.c - jobs and the queues that carry them between threads. */
#include "config.h"

#include "newsidxd.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

job_t *job_new(job_kind_t kind, struct conn *conn, uint32_t msgid)
{
    job_t *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->kind = kind;
    j->conn = conn;
    j->msgid = msgid;
    j->started = nx_now();
    j->error = -1;
    nx_buf_init(&j->out);
    return j;
}

bool job_set_like(job_t *j, char *id, char **err)
{
    if (!id)
        return false;
    if (!j->search)
        j->search = newsidx_search_new();
    bool ok = j->search && newsidx_search_set_like(j->search, id) == NEWSIDX_OK;
    free(id);
    if (!ok)
        nx_set_error(err, "out of memory");
    return ok;
}

void job_free(job_t *j)
{
    if (!j)
        return;
    newsidx_search_free(j->search);
    free(j->http);
    free(j->id);
    for (size_t i = 0; i < j->n_articles; i++)
        newsidx_article_free(j->articles[i]);
    free(j->articles);
    nx_strv_free(&j->warnings);
    nx_strv_free_array(j->ids, j->n_ids);
    nx_buf_free(&j->out);
    free(j);
}

void job_warn(job_t *j, size_t number, const newsidx_article_t *a, nx_strv_t *notes)
{
    for (size_t i = 0; i < notes->n; i++)
        nx_strv_take(&j->warnings, nx_printf("article %zu (%s): %s", number, a->id, notes->v[i]));
    nx_strv_free(notes);
}

void job_fail(job_t *j, nx_rpc_code_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = nx_vprintf(fmt, ap);
    va_end(ap);
    nx_buf_reset(&j->out);
    msgpack_packer pk;
    nx_mp_packer_init(&pk, &j->out);
    nx_rpc_pack_response_error(&pk, j->msgid, code, msg ? msg : "out of memory");
    j->error = (int)code;
    free(msg);
}

void job_list_push(job_list_t *l, job_t *j)
{
    j->next = NULL;
    if (l->tail)
        l->tail->next = j;
    else
        l->head = j;
    l->tail = j;
    l->len++;
}

job_t *job_list_pop(job_list_t *l)
{
    job_t *j = l->head;
    if (j) {
        l->head = j->next;
        if (!l->head)
            l->tail = NULL;
        l->len--;
        j->next = NULL;
    }
    return j;
}

void queue_init(queue_t *q)
{
    pthread_mutex_init(&q->mu, NULL);
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&q->cv, &a);
    pthread_condattr_destroy(&a);
    q->jobs = (job_list_t){NULL, NULL, 0};
    q->closed = false;
}

void queue_destroy(queue_t *q)
{
    job_t *j;
    while ((j = job_list_pop(&q->jobs)))
        job_free(j);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
}

void queue_push(queue_t *q, job_t *j)
{
    pthread_mutex_lock(&q->mu);
    job_list_push(&q->jobs, j);
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

job_t *queue_pop(queue_t *q, double timeout)
{
    struct timespec until;
    if (timeout >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        double whole;
        double frac = modf(timeout, &whole);
        until.tv_sec += (time_t)whole;
        until.tv_nsec += (long)(frac * 1e9);
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&q->mu);
    while (!q->jobs.head && !q->closed) {
        if (timeout < 0) {
            pthread_cond_wait(&q->cv, &q->mu);
        } else if (pthread_cond_timedwait(&q->cv, &q->mu, &until) == ETIMEDOUT) {
            break;
        }
    }
    job_t *j = job_list_pop(&q->jobs);
    pthread_mutex_unlock(&q->mu);
    return j;
}

void queue_close(queue_t *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

size_t queue_len(queue_t *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->jobs.len;
    pthread_mutex_unlock(&q->mu);
    return n;
}
