/* pipeline.c - an ordered parallel map over a ring of slots. */
#include "config.h"

#include "pipeline.h"

#include <pthread.h>
#include <stdlib.h>

enum { EMPTY, QUEUED, WORKING, DONE };

typedef struct slot {
    void *item;
    int state;
} slot_t;

/* Three conditions, each waited on by one side only, and signalled only
 * when someone waits: with one condition broadcast at every change, the
 * wake-ups of all threads for every article cost the consumer (the
 * Xapian writer, the slowest stage) a tenth of its time. */
struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t work_cv;     /* workers: an item was queued */
    pthread_cond_t done_cv;     /* consumer: the head item is done */
    pthread_cond_t space_cv;    /* producer: the window has room */
    unsigned idle_workers;
    bool consumer_waits, producer_waits;
    slot_t *ring;
    unsigned window;
    unsigned long head;         /* next to pop */
    unsigned long tail;         /* next to push */
    unsigned long next_work;    /* next to hand to a worker */
    bool closed;
    pipeline_work_fn work;
    void *ctx;
    pthread_t *threads;
    unsigned n_threads;
};

static void *worker(void *arg)
{
    pipeline_t *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->next_work == p->tail && !p->closed) {
            p->idle_workers++;
            pthread_cond_wait(&p->work_cv, &p->mu);
            p->idle_workers--;
        }
        if (p->next_work == p->tail)
            break;                      /* closed and nothing left */
        unsigned long n = p->next_work++;
        slot_t *s = &p->ring[n % p->window];
        s->state = WORKING;
        pthread_mutex_unlock(&p->mu);
        p->work(s->item, p->ctx);
        pthread_mutex_lock(&p->mu);
        s->state = DONE;
        if (n == p->head && p->consumer_waits)
            pthread_cond_signal(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

pipeline_t *pipeline_new(unsigned threads, unsigned window, pipeline_work_fn work, void *ctx)
{
    pipeline_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->ring = calloc(window, sizeof *p->ring);
    p->threads = calloc(threads ? threads : 1, sizeof *p->threads);
    if (!p->ring || !p->threads) {
        free(p->ring);
        free(p->threads);
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    pthread_cond_init(&p->space_cv, NULL);
    p->window = window;
    p->work = work;
    p->ctx = ctx;
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
            break;
        p->n_threads++;
    }
    if (p->n_threads == 0) {
        pipeline_free(p);
        return NULL;
    }
    return p;
}

void pipeline_push(pipeline_t *p, void *item)
{
    pthread_mutex_lock(&p->mu);
    while (p->tail - p->head >= p->window) {
        p->producer_waits = true;
        pthread_cond_wait(&p->space_cv, &p->mu);
    }
    slot_t *s = &p->ring[p->tail % p->window];
    s->item = item;
    s->state = QUEUED;
    p->tail++;
    if (p->idle_workers)
        pthread_cond_signal(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
}

void pipeline_close(pipeline_t *p)
{
    pthread_mutex_lock(&p->mu);
    p->closed = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_cond_broadcast(&p->done_cv);
    pthread_mutex_unlock(&p->mu);
}

void *pipeline_pop(pipeline_t *p)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->head < p->tail && p->ring[p->head % p->window].state == DONE)
            break;
        if (p->head == p->tail && p->closed) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        p->consumer_waits = true;
        pthread_cond_wait(&p->done_cv, &p->mu);
        p->consumer_waits = false;
    }
    slot_t *s = &p->ring[p->head % p->window];
    void *item = s->item;
    s->item = NULL;
    s->state = EMPTY;
    p->head++;
    /* The producer resumes once a quarter of the window is free, not at
     * every slot: fewer wake-ups, the workers still never starve. */
    if (p->producer_waits && p->window - (p->tail - p->head) >= (p->window + 3) / 4) {
        p->producer_waits = false;
        pthread_cond_signal(&p->space_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return item;
}

void pipeline_free(pipeline_t *p)
{
    if (!p)
        return;
    pipeline_close(p);
    for (unsigned i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    pthread_cond_destroy(&p->space_cv);
    free(p->ring);
    free(p->threads);
    free(p);
}
