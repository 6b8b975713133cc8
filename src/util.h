/*
 * Small shared helpers: a growable byte buffer with JSON/XML escaping,
 * whole-file reads with a size cap, atomic writes, digests.
 */
#ifndef BX_UTIL_H
#define BX_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "budgetx.h"

/* Growable NUL-terminated buffer.  'data' is NULL until the first append. */
struct bx_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed; /* set once an allocation failed; later appends are no-ops */
};

void buf_init(struct bx_buf *b);
void buf_release(struct bx_buf *b);
/* Moves the contents to the caller (free()); leaves 'b' empty. */
char *buf_take(struct bx_buf *b, size_t *len);
/* Each returns BX_OK or BX_E_NOMEM (and sets b->failed). */
int buf_append(struct bx_buf *b, const void *data, size_t len);
int buf_puts(struct bx_buf *b, const char *s);
/* Room for 'extra' more bytes and a NUL after them (data may move). */
int buf_reserve(struct bx_buf *b, size_t extra);
int buf_printf(struct bx_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "..." with JSON escapes; NULL appends null. */
int buf_json_str(struct bx_buf *b, const char *s);
/* Text with & < > " ' escaped for XML content and attributes. */
int buf_xml_str(struct bx_buf *b, const char *s);

/*
 * Copy 'len' bytes of untrusted input into a printable, bounded string:
 * valid UTF-8 passes, except display controls (C0/C1 controls such as
 * ESC, newline and CR, DEL; bidi marks, embeddings, overrides and
 * isolates U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069; U+2028/9):
 * those become \x1b or \u202e, and bytes that are not UTF-8 \xNN.
 * At most 'max' input bytes, then "...".  Caller frees; NULL on ENOMEM.
 */
char *util_escape_untrusted(const char *s, size_t len, size_t max);

/* The same for a whole NUL-terminated string ('s' NULL gives NULL). */
char *util_escape_display(const char *s);

/* Append 's' escaped as util_escape_display() does. */
int buf_display(struct bx_buf *b, const char *s);

/* 1 when util_escape_display() would change 's'. */
int util_needs_display_escape(const char *s);

/*
 * Read a whole file ("-" = stdin) refusing more than 'max' bytes.
 * '*buf' is NUL-terminated, caller frees.  Returns BX_OK, BX_E_IO
 * (errno preserved), BX_E_LIMIT, BX_E_NOMEM.
 */
int util_read_file(const char *path, size_t max, unsigned char **buf,
                   size_t *len);

/*
 * Write 'len' bytes to 'path' via a temporary file in the same directory
 * and rename(2).  With 'force' 0 an existing 'path' is left alone and
 * BX_E_EXISTS returned.  On failure nothing is left behind.
 * Returns BX_OK, BX_E_EXISTS, BX_E_IO.
 */
int util_write_atomic(const char *path, const void *data, size_t len,
                      int force);

/* Write all 'len' bytes to 'fd' (retrying EINTR): BX_OK or BX_E_IO. */
int util_write_all(int fd, const void *data, size_t len);

/*
 * util_write_atomic() of what 'fill' writes to the temporary file's
 * descriptor 'fd' (it returns BX_OK, or a status: BX_E_IO with errno
 * set, BX_E_NOMEM, which is returned and nothing is left behind).
 */
int util_write_atomic_with(const char *path, int force,
                           int (*fill)(int fd, void *user), void *user);

/*
 * util_write_atomic_with() in two steps, for a caller that lets another
 * thread wait for the disk.  util_write_staged() writes the temporary
 * file (BX_E_EXISTS, BX_E_IO, BX_E_NOMEM or fill's status as above; on
 * failure nothing is left and 'st' needs nothing more).  On BX_OK,
 * exactly one of util_staged_commit() (fsync, then link(2) or with
 * 'force' rename(2): BX_OK, BX_E_EXISTS, BX_E_IO with errno set) or
 * util_staged_discard() (the temporary file removed) must follow; both
 * release 'st'.  Either may run in another thread than the write.
 */
struct util_staged {
    int fd;     /* the temporary file, open; -1 when none */
    int force;
    char *tmp;  /* its name */
    char *path; /* where it goes */
};

int util_write_staged(const char *path, int force,
                      int (*fill)(int fd, void *user), void *user,
                      struct util_staged *st);
int util_staged_commit(struct util_staged *st);
void util_staged_discard(struct util_staged *st);

/*
 * Temporary files and directories budgetx makes next to an output are
 * named UTIL_TMP_PREFIX "<pid>-XXXXXX", so that a run killed half-way
 * leaves names anyone can recognise, and the next run in that directory
 * removes them (util_clean_stale()).
 */
#define UTIL_TMP_PREFIX ".budgetx-tmp-"

/*
 * "<dir of 'path'>/.budgetx-tmp-<pid>-XXXXXX" for mkstemp()/mkdtemp().
 * Caller frees.  NULL on ENOMEM.
 */
char *util_tmp_template(const char *path);

/*
 * Remove the temporary files and directories of budgetx runs that are
 * gone (their pid no longer exists) from the directory holding 'path'.
 * Only names with our prefix owned by the current user are touched.
 * Best effort: never fails.
 */
void util_clean_stale(const char *path);

/*
 * Remove 'path' and, if it is a directory, everything below it, never
 * following a symbolic link.  0, or -1 with errno.
 */
int util_remove_tree(const char *path);

/*
 * Swap the names 'a' and 'b' atomically (renameat2 RENAME_EXCHANGE,
 * Linux 3.15+).  0, or -1 with errno (ENOSYS or EINVAL where the system
 * or file system cannot: the caller falls back to two renames).
 */
int util_rename_exchange(const char *a, const char *b);

/* The process umask, read without changing it (022 when unknown). */
unsigned util_umask(void);

/*
 * Hex digest of 'data' with 'alg' ("sha256" or "sm3") into 'out'
 * (at least 65 bytes).  Returns BX_OK, BX_E_ARG (unknown alg),
 * BX_E_INTERNAL.
 */
int util_digest_hex(const char *alg, const void *data, size_t len, char *out,
                    size_t outsz);

/*
 * SHA-256 and SM3 of a stream, fed piece by piece: what the manifest
 * records, computed without holding the data.
 */
struct util_digests {
    void *sha256; /* EVP_MD_CTX */
    void *sm3;
};

/* Start both digests.  BX_OK, BX_E_NOMEM or BX_E_INTERNAL. */
int util_digests_begin(struct util_digests *d);
/* Feed 'len' bytes.  BX_OK or BX_E_INTERNAL. */
int util_digests_update(struct util_digests *d, const void *data, size_t len);
/*
 * Finish into lower-case hex (65 bytes each) and release.  BX_OK or
 * BX_E_INTERNAL.
 */
int util_digests_end(struct util_digests *d, char *sha256, char *sm3);
/* Release without finishing (after a failure).  Safe after _end. */
void util_digests_release(struct util_digests *d);

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
int64_t util_days_from_civil(int64_t y, unsigned m, unsigned d);

/* strdup that tolerates NULL. */
char *util_strdup(const char *s);

/*
 * Failed allocations of our own code, process-wide: util_strdup() counts
 * its own; code that drops what it cannot allocate (an index that is "a
 * nicety") calls util_nomem_note() so that a caller comparing the count
 * before and after knows its result came out short.  libxml2's failures
 * are counted apart (xmlio_nomem_count()).
 */
unsigned long util_nomem_count(void);
void util_nomem_note(void);

/*
 * Read the list of paths 'list' ("-": standard input): one a line (a
 * final '\r' removed) or, with 'nul', separated by NUL bytes; empty
 * entries skipped.  each(user, entry) is called for every entry in
 * order and stops the reading when it returns anything but BX_OK.
 * Returns BX_OK, each()'s status, or BX_E_IO (an IO-READ finding in
 * 'diags' naming 'list').
 */
int util_read_list(const char *list, int nul,
                   int (*each)(void *user, const char *entry), void *user,
                   struct bx_diags *diags);

#endif /* BX_UTIL_H */
