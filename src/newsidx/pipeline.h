/* pipeline.h - work done on items by several threads, handed back in the
 * order the items came in.
 *
 * One producer pushes, worker threads run the work function, one
 * consumer pops: newsidx add reads articles in one thread, extracts and
 * tokenises them in the workers, and writes them in order in the main
 * thread, so that the last of two articles with the same id wins and a
 * commit holds a prefix of the input.  At most `window` items are in the
 * pipeline at once, which bounds its memory. */
#ifndef NEWSIDX_PIPELINE_H
#define NEWSIDX_PIPELINE_H

#include <stdbool.h>

typedef struct pipeline pipeline_t;
typedef void (*pipeline_work_fn)(void *item, void *ctx);

pipeline_t *pipeline_new(unsigned threads, unsigned window, pipeline_work_fn work, void *ctx);
/* Blocks while the window is full. */
void pipeline_push(pipeline_t *p, void *item);
/* No more items will be pushed. */
void pipeline_close(pipeline_t *p);
/* The next item in push order once its work is done; NULL at the end. */
void *pipeline_pop(pipeline_t *p);
/* Joins the workers; the pipeline must be drained. */
void pipeline_free(pipeline_t *p);

#endif
