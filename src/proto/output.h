/* output.h - text and JSON output of articles and results. */
#ifndef NX_OUTPUT_H
#define NX_OUTPUT_H

#include "nx.h"

#include <jansson.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One compact JSON document and a newline. */
void nx_print_json(FILE *fp, json_t *j);

/* Highlight markers to request for text output (see output.c). */
const char *nx_text_hl_open(void);
const char *nx_text_hl_close(void);

void nx_print_results_text(FILE *fp, const newsidx_results_t *r, bool color);
/* What the results say besides their hits: a suggestion ("Did you
 * mean"), warnings about the query, missing shards, relaxed, truncated.
 * Part of the text output; also printed alone when nothing matched. */
void nx_print_results_notes(FILE *fp, const newsidx_results_t *r);
void nx_print_article_text(FILE *fp, const newsidx_article_t *a);
/* Quotations found (newsq --quotes), and what the answer says besides. */
void nx_print_quotes_text(FILE *fp, const newsidx_quotes_t *r, bool color);
void nx_print_quotes_notes(FILE *fp, const newsidx_quotes_t *r);

#ifdef __cplusplus
}
#endif

#endif
