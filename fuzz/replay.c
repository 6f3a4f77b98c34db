/* replay.c - runs a fuzz target's LLVMFuzzerTestOneInput() on files,
 * without libFuzzer: every file named, and every file in every directory
 * named.  make check builds one per target with the compiler at hand and
 * replays the seed corpus (fuzz/corpus/TARGET) and the inputs that once
 * crashed (tests/regress/TARGET) under whatever sanitizers the build has.
 * Prints one TAP line per directory or file; exits 1 if one fails. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* One input; false when it cannot be read (a crash ends the process). */
static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t cap = 4096, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(fp);
    if (!buf)
        return 0;
    /* A copy of exactly n bytes, as libFuzzer gives, so that reading
     * past the end is caught. */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact)
        memcpy(exact, buf, n);
    free(buf);
    if (!exact)
        return 0;
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 1;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int n = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            printf("not ok %d - %s: no such file or directory\n", ++n, argv[i]);
            bad++;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            int ok = run_file(argv[i]);
            printf("%s %d - %s\n", ok ? "ok" : "not ok", ++n, argv[i]);
            bad += !ok;
            fflush(stdout);
            continue;
        }
        DIR *d = opendir(argv[i]);
        char **names = NULL;
        size_t count = 0, cap = 0;
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            if (count == cap) {
                char **v = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *v);
                if (!v)
                    break;
                names = v;
            }
            names[count++] = strdup(e->d_name);
        }
        if (d)
            closedir(d);
        qsort(names, count, sizeof *names, cmp);
        size_t done = 0, unreadable = 0;
        for (size_t k = 0; k < count; k++) {
            size_t len = strlen(argv[i]) + strlen(names[k]) + 2;
            char *path = malloc(len);
            if (path) {
                snprintf(path, len, "%s/%s", argv[i], names[k]);
                if (run_file(path))
                    done++;
                else
                    unreadable++;
                free(path);
            }
            free(names[k]);
        }
        free(names);
        int ok = d && done > 0 && unreadable == 0;
        printf("%s %d - %s: %zu inputs\n", ok ? "ok" : "not ok", ++n, argv[i], done);
        bad += !ok;
        fflush(stdout);
    }
    printf("1..%d\n", n);
    return bad ? 1 : 0;
}
