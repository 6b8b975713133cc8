/*
 * lean-io.h: file helpers of the build tools scripts/lean-xsd.c and
 * scripts/lean-data.c (read a whole file, make the directories of a
 * path, write under a temporary name and rename).
 */
#ifndef BX_LEAN_IO_H
#define BX_LEAN_IO_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_all(const char *path, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 16;
    size_t n;

    *len = 0;
    *buf = malloc(cap);
    if (f == NULL || *buf == NULL) {
        if (f != NULL)
            fclose(f);
        return -1;
    }
    while ((n = fread(*buf + *len, 1, cap - *len, f)) > 0) {
        *len += n;
        if (*len == cap) {
            unsigned char *grown = realloc(*buf, cap * 2);

            if (grown == NULL) {
                fclose(f);
                return -1;
            }
            *buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    return 0;
}

/* mkdir -p of the directory part of 'path' */
static void make_dirs(char *path)
{
    char *p;

    for (p = path + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST)
                perror(path);
            *p = '/';
        }
    }
}

static int write_file(const char *path, const void *data, size_t len)
{
    char tmp[4096];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
    f = fopen(tmp, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len) {
        if (f != NULL)
            fclose(f);
        remove(tmp);
        return -1;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

#endif
