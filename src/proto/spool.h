/* spool.h - a spool folder: senders drop files into a directory, and
 * each complete file is imported once, then moved to DIR/done/ or, with
 * a note saying what went wrong, to DIR/failed/.
 *
 * newsidxd ([daemon] spool) and newsidx watch share this part: it
 * watches the directory (inotify), hands out the names of complete
 * files, reads their articles, and moves a file once its caller says
 * that what could be read of it is committed.  Each program writes with
 * its own writer.  A file is never moved before its articles are
 * durable, so a crash at any moment leaves it in DIR, to be imported
 * again at the next start: articles keep their ids, so this replaces
 * and never duplicates.
 *
 * Complete means written and closed (IN_CLOSE_WRITE) or renamed in
 * (IN_MOVED_TO).  Names a sender uses while it writes are left alone:
 * dot-files and names ending in .tmp, .part, .partial, .filepart,
 * .crdownload, .swp or ~ (nx_spool_ignored()). */
#ifndef NX_SPOOL_H
#define NX_SPOOL_H

#include "nx.h"

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nx_spool nx_spool_t;

/* Opens DIR as a spool: creates DIR/done and DIR/failed when missing,
 * starts watching DIR, and lists the files already in it, in name
 * order, as the first to import. */
newsidx_status_t nx_spool_open(const char *dir, nx_spool_t **out, char **err);
void nx_spool_close(nx_spool_t *sp);

const char *nx_spool_dir(const nx_spool_t *sp);

/* The inotify descriptor: readable when files arrived. */
int nx_spool_fd(const nx_spool_t *sp);

/* Takes in what inotify reported, without blocking.  false with *err
 * when the directory itself was removed or moved away: nothing more
 * will arrive. */
bool nx_spool_poll(nx_spool_t *sp, char **err);

/* The name of the next file to import (owned by the caller), or NULL
 * when none is due.  *wait gets the seconds until a file set aside for
 * a retry is due, or -1 when none is. */
char *nx_spool_take(nx_spool_t *sp, double *wait);

/* Names waiting (not yet taken), and set aside for a retry. */
size_t nx_spool_waiting(const nx_spool_t *sp);
size_t nx_spool_retrying(const nx_spool_t *sp);

/* A name newsidx leaves alone: a dot-file or a partial name. */
bool nx_spool_ignored(const char *name);

/* One file being imported. */
typedef struct nx_spool_file {
    char *name;                 /* in the spool directory */
    char *path;                 /* DIR/name */
    newsidx_input_t *in;        /* NULL once read to the end */
    nx_strv_t problems;         /* "FILE:LINE: what" of records rejected
                                   (the first thousand) */
    uint64_t rejected;          /* records rejected */
    uint64_t articles;          /* handed to the writer */
    uint64_t skipped;           /* items that are not articles */
    char *write_error;          /* set by the caller when the writer
                                   failed: the file is tried again */
    /* what the file was when it was opened: it is not moved if it has
     * changed since (it is imported again instead) */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} nx_spool_file_t;

/* Opens a file of the spool.  NEWSIDX_OK; NEWSIDX_END when there is
 * nothing to import (the name is gone, or is not a regular file: *err
 * then says so, for the log); NEWSIDX_ERR_NOMEM.  A file that cannot be
 * read is opened all the same, with the problem noted: it goes to
 * failed/. */
newsidx_status_t nx_spool_file_open(nx_spool_t *sp, const char *name,
                                    newsidx_format_t format, nx_spool_file_t **out,
                                    char **err);

/* The next article (owned by the caller): NEWSIDX_OK, or NEWSIDX_END
 * at the end of the file.  A rejected record is noted and passed over.
 * *warning (if not NULL) gets a warning about the article returned
 * (repaired encoding), borrowed until the next call, or NULL. */
newsidx_status_t nx_spool_file_next(nx_spool_file_t *f, newsidx_article_t **article,
                                    const char **warning);

/* What became of a file. */
typedef enum nx_spool_outcome {
    NX_SPOOL_DONE,      /* moved to done/ */
    NX_SPOOL_FAILED,    /* moved to failed/ with a note */
    NX_SPOOL_RETRY,     /* the writer failed: left in DIR, tried again later */
    NX_SPOOL_AGAIN,     /* changed while it was read: imported again */
    NX_SPOOL_GONE,      /* removed by someone else meanwhile */
    NX_SPOOL_STUCK      /* could not be moved (the message says why); left
                           in DIR, imported again at the next start */
} nx_spool_outcome_t;

/* Once everything read from the file is committed (or f->write_error
 * says the writer failed): moves it to done/, or to failed/ with a note
 * beside it (NAME.error) when records were rejected or it could not be
 * read, or sets it aside for a retry.  A file whose writes failed four
 * times (retried after 1, 5 and 25 s) goes to failed/ with the writer's
 * message.  Frees f.  *msg gets a line for the log. */
nx_spool_outcome_t nx_spool_finish(nx_spool_t *sp, nx_spool_file_t *f, char **msg);

/* Lets go of a file without moving it (it stays in DIR: stopping in the
 * middle of a file).  NULL is allowed. */
void nx_spool_file_free(nx_spool_file_t *f);

#ifdef __cplusplus
}
#endif

#endif
