/* memfile.h - a fuzz input as a file, for the targets that read files
 * as newsidx add does: the bytes in a memory file (memfd_create), named
 * by its /proc/self/fd path. */
#ifndef NX_FUZZ_MEMFILE_H
#define NX_FUZZ_MEMFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* The articles a target takes from one input at the most. */
#define FUZZ_MAX_ARTICLES 10000

/* A memory file holding data (NAME names it for /proc), its path in
 * path; the descriptor, to close, or -1. */
static inline int fuzz_memfile(const char *name, const uint8_t *data, size_t size, char *path,
                               size_t path_size)
{
    int fd = memfd_create(name, 0);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return fd;
}

#endif
