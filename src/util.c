/*
 * Small shared helpers: growable buffers with JSON/XML escaping, capped
 * file reads, atomic writes and digests.  No knowledge of the format.
 */
#define _GNU_SOURCE /* syscall(), RENAME_EXCHANGE */

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * SHA256_Init/Update/Final are deprecated in OpenSSL 3.0 but kept (see
 * sha256_hex()); where a build removes them, EVP is used instead.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#if defined(OPENSSL_NO_DEPRECATED_3_0) || OPENSSL_VERSION_MAJOR >= 4
#define BX_SHA256_EVP 1
#endif

void buf_init(struct bx_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void buf_release(struct bx_buf *b)
{
    free(b->data);
    buf_init(b);
}

char *buf_take(struct bx_buf *b, size_t *len)
{
    char *p = b->data;

    if (p == NULL && !b->failed) {
        p = calloc(1, 1);
    }
    if (len != NULL) {
        *len = b->len;
    }
    if (b->failed) {
        free(p);
        p = NULL;
    }
    buf_init(b);
    return p;
}

static int reserve(struct bx_buf *b, size_t extra)
{
    size_t need;
    size_t cap;
    char *p;

    if (b->failed) {
        return BX_E_NOMEM;
    }
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return BX_E_NOMEM;
    }
    need = b->len + extra + 1;
    if (need <= b->cap) {
        return BX_OK;
    }
    cap = b->cap ? b->cap : 256;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = 1;
        return BX_E_NOMEM;
    }
    b->data = p;
    b->cap = cap;
    return BX_OK;
}

int buf_append(struct bx_buf *b, const void *data, size_t len)
{
    if (reserve(b, len) != BX_OK) {
        return BX_E_NOMEM;
    }
    if (len > 0) {
        memcpy(b->data + b->len, data, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
    return BX_OK;
}

int buf_reserve(struct bx_buf *b, size_t extra)
{
    return reserve(b, extra);
}

int buf_puts(struct bx_buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_printf(struct bx_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != BX_OK) {
        b->failed = 1;
        return BX_E_NOMEM;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return BX_OK;
}

int buf_json_str(struct bx_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL) {
        return buf_puts(b, "null");
    }
    buf_puts(b, "\"");
    for (; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            buf_printf(b, "\\%c", *p);
        } else if (*p == '\n') {
            buf_puts(b, "\\n");
        } else if (*p == '\t') {
            buf_puts(b, "\\t");
        } else if (*p == '\r') {
            buf_puts(b, "\\r");
        } else if (*p < 0x20 || *p == 0x7f) {
            buf_printf(b, "\\u%04x", *p);
        } else if (p[0] == 0xe2 && p[1] == 0x80 &&
                   (p[2] == 0xa8 || p[2] == 0xa9)) {
            /* U+2028/U+2029 break JavaScript string literals */
            buf_printf(b, "\\u%04x", p[2] == 0xa8 ? 0x2028 : 0x2029);
            p += 2;
        } else {
            buf_append(b, p, 1);
        }
    }
    return buf_puts(b, "\"");
}

int buf_xml_str(struct bx_buf *b, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&apos;");
            break;
        default:
            buf_append(b, s, 1);
        }
    }
    return b->failed ? BX_E_NOMEM : BX_OK;
}

/* Length of the valid UTF-8 sequence at 'p' (at most 'n' bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t want;
    size_t i;
    unsigned long cp;

    if (p[0] < 0x80) {
        return 1;
    }
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        want = 2;
        cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        want = 3;
        cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        want = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (n < want) {
        return 0;
    }
    for (i = 1; i < want; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((want == 3 && cp < 0x800) || (want == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
        (cp >= 0x80 && cp < 0xa0)) {
        return 0;
    }
    return want;
}

/* Code point of the valid UTF-8 sequence of 'n' bytes at 'p'. */
static unsigned long utf8_cp(const unsigned char *p, size_t n)
{
    static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    unsigned long cp = p[0] & lead_mask[n];
    size_t i;

    for (i = 1; i < n; i++) {
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    return cp;
}

/*
 * Characters that change how a terminal or a text viewer shows what
 * follows: C0/C1 controls (ESC, newline, CR ...), DEL, the bidi marks,
 * embeddings, overrides and isolates, and the line/paragraph separators.
 */
static int is_display_control(unsigned long cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
           cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Append the character at 'p' (at most 'n' bytes) to 'b', escaped when
 * it is not valid UTF-8 (\xNN per byte) or a display control (\x1b for
 * ASCII ones, \u202e above).  Returns the bytes consumed.
 */
static size_t escape_char(struct bx_buf *b, const unsigned char *p, size_t n)
{
    size_t len = utf8_len(p, n);
    unsigned long cp;

    if (len == 0) {
        buf_printf(b, "\\x%02X", p[0]);
        return 1;
    }
    cp = utf8_cp(p, len);
    if (!is_display_control(cp)) {
        buf_append(b, p, len);
    } else if (cp < 0x80) {
        buf_printf(b, "\\x%02X", (unsigned)cp);
    } else {
        buf_printf(b, "\\u%04lx", cp);
    }
    return len;
}

char *util_escape_untrusted(const char *s, size_t len, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    struct bx_buf b;
    size_t i = 0;

    buf_init(&b);
    buf_puts(&b, "");
    while (s != NULL && i < len) {
        if (i >= max) {
            buf_puts(&b, "...");
            break;
        }
        i += escape_char(&b, p + i, len - i);
    }
    return buf_take(&b, NULL);
}

int util_needs_display_escape(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = s != NULL ? strlen(s) : 0;
    size_t i = 0;
    size_t len;

    while (i < n) {
        len = utf8_len(p + i, n - i);
        if (len == 0 || is_display_control(utf8_cp(p + i, len))) {
            return 1;
        }
        i += len;
    }
    return 0;
}

int buf_display(struct bx_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = s != NULL ? strlen(s) : 0;
    size_t i = 0;

    while (i < n) {
        i += escape_char(b, p + i, n - i);
    }
    return b->failed ? BX_E_NOMEM : BX_OK;
}

char *util_escape_display(const char *s)
{
    return s == NULL ? NULL : util_escape_untrusted(s, strlen(s), SIZE_MAX);
}

/*
 * Read 'fd' to its end into a NUL-terminated malloc buffer.  'hint' is
 * the expected size (a regular file's st_size, else 0): the first buffer
 * holds it and one byte more, so the read that sees the end needs no
 * doubling (a 9.6 MB file took a 16 MB buffer).
 */
static int read_fd(int fd, size_t max, size_t hint, unsigned char **buf,
                   size_t *len)
{
    unsigned char *data = NULL;
    unsigned char *grown;
    size_t cap = 0;
    size_t used = 0;
    ssize_t got;

    for (;;) {
        if (used == cap) {
            if (cap > max) {
                free(data);
                return BX_E_LIMIT;
            }
            cap = cap ? cap * 2 : (hint < 65536 ? 65536 : hint + 1);
            grown = realloc(data, cap + 1);
            if (grown == NULL) {
                free(data);
                return BX_E_NOMEM;
            }
            data = grown;
        }
        got = read(fd, data + used, cap - used);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            free(data);
            return BX_E_IO;
        }
        if (got == 0) {
            break;
        }
        used += (size_t)got;
        if (used > max) {
            free(data);
            return BX_E_LIMIT;
        }
    }
    if (data == NULL) {
        data = malloc(1);
        if (data == NULL) {
            return BX_E_NOMEM;
        }
    }
    data[used] = '\0';
    *buf = data;
    *len = used;
    return BX_OK;
}

int util_read_file(const char *path, size_t max, unsigned char **buf,
                   size_t *len)
{
    struct stat st;
    int fd;
    int rc;
    int saved;

    *buf = NULL;
    *len = 0;
    if (strcmp(path, "-") == 0) {
        return read_fd(STDIN_FILENO, max, 0, buf, len);
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return BX_E_IO;
    }
    if (fstat(fd, &st) != 0) {
        rc = BX_E_IO;
    } else if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        rc = BX_E_IO;
    } else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
        rc = BX_E_LIMIT;
    } else {
        rc = read_fd(fd, max, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, buf,
                     len);
    }
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int util_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    ssize_t n;

    while (len > 0) {
        n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return BX_E_IO;
        }
        p += n;
        len -= (size_t)n;
    }
    return BX_OK;
}

char *util_tmp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    struct bx_buf b;

    buf_init(&b);
    if (slash != NULL) {
        buf_append(&b, path, (size_t)(slash - path) + 1);
    }
    buf_printf(&b, "%s%ld-XXXXXX", UTIL_TMP_PREFIX, (long)getpid());
    return buf_take(&b, NULL);
}

/* The pid in a temporary name of ours, or 0. */
static long tmp_pid(const char *name)
{
    size_t n = strlen(UTIL_TMP_PREFIX);
    char *end;
    long pid;

    if (strncmp(name, UTIL_TMP_PREFIX, n) != 0) {
        return 0;
    }
    pid = strtol(name + n, &end, 10);
    return pid > 0 && *end == '-' ? pid : 0;
}

/*
 * The directories this process has cleaned already (util_clean_stale()):
 * a batch writes its outputs into one directory, and reading the whole
 * directory again for each of them made a batch quadratic (the thousandth
 * output read a thousand entries).  What dead runs left is there from the
 * start, so once per directory is enough.  The most recent few, by name.
 */
#define CLEANED_DIRS 8

static pthread_mutex_t cleaned_mu = PTHREAD_MUTEX_INITIALIZER;
static char *cleaned[CLEANED_DIRS];
static unsigned cleaned_next;

/* 1 if 'dir' was cleaned already; else remember it (best effort) and 0. */
static int cleaned_before(const char *dir)
{
    int seen = 0;
    char *copy;
    unsigned i;

    pthread_mutex_lock(&cleaned_mu);
    for (i = 0; i < CLEANED_DIRS && !seen; i++) {
        seen = cleaned[i] != NULL && strcmp(cleaned[i], dir) == 0;
    }
    if (!seen && (copy = util_strdup(dir)) != NULL) {
        free(cleaned[cleaned_next]);
        cleaned[cleaned_next] = copy;
        cleaned_next = (cleaned_next + 1) % CLEANED_DIRS;
    }
    pthread_mutex_unlock(&cleaned_mu);
    return seen;
}

void util_clean_stale(const char *path)
{
    const char *slash = strrchr(path, '/');
    struct bx_buf dir;
    struct bx_buf p;
    struct dirent *e;
    struct stat st;
    DIR *d;
    long pid;

    buf_init(&dir);
    if (slash == NULL) {
        buf_puts(&dir, ".");
    } else {
        buf_append(&dir, path, slash == path ? 1 : (size_t)(slash - path));
    }
    d = dir.failed || cleaned_before(dir.data) ? NULL : opendir(dir.data);
    while (d != NULL && (e = readdir(d)) != NULL) {
        pid = tmp_pid(e->d_name);
        /* alive, or not ours to judge (EPERM: another user's process) */
        if (pid == 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH) {
            continue;
        }
        buf_init(&p);
        buf_printf(&p, "%s/%s", dir.data, e->d_name);
        if (!p.failed && lstat(p.data, &st) == 0 && st.st_uid == getuid()) {
            util_remove_tree(p.data);
        }
        buf_release(&p);
    }
    if (d != NULL) {
        closedir(d);
    }
    buf_release(&dir);
}

/* Empty the directory open as 'fd' (closed here), without following links. */
static int remove_below(int fd)
{
    DIR *d = fdopendir(fd);
    struct dirent *e;
    int sub;
    int rc = 0;

    if (d == NULL) {
        close(fd);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        if (unlinkat(dirfd(d), e->d_name, 0) == 0) {
            continue;
        }
        sub = openat(dirfd(d), e->d_name,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0 || remove_below(sub) != 0 ||
            unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) != 0) {
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

int util_remove_tree(const char *path)
{
    int fd;

    if (unlink(path) == 0) {
        return 0;
    }
    fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    if (remove_below(fd) != 0) {
        return -1;
    }
    return rmdir(path);
}

int util_rename_exchange(const char *a, const char *b)
{
#if defined(SYS_renameat2) && defined(RENAME_EXCHANGE)
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b,
                        RENAME_EXCHANGE);
#else
    (void)a;
    (void)b;
    errno = ENOSYS;
    return -1;
#endif
}

unsigned util_umask(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    unsigned mask = 022;

    while (fp != NULL && fgets(line, sizeof(line), fp) != NULL) {
        if (sscanf(line, "Umask: %o", &mask) == 1) {
            break;
        }
    }
    if (fp != NULL) {
        fclose(fp);
    }
    return mask & 0777;
}

/* What util_write_atomic() writes. */
struct bytes {
    const void *data;
    size_t len;
};

static int write_bytes(int fd, void *user)
{
    const struct bytes *b = user;

    return util_write_all(fd, b->data, b->len);
}

int util_write_atomic(const char *path, const void *data, size_t len, int force)
{
    struct bytes b = {data, len};

    return util_write_atomic_with(path, force, write_bytes, &b);
}

int util_write_staged(const char *path, int force,
                      int (*fill)(int fd, void *user), void *user,
                      struct util_staged *st)
{
    int rc = BX_E_IO;
    int filled;
    int saved;

    memset(st, 0, sizeof(*st));
    st->fd = -1;
    if (!force && access(path, F_OK) == 0) {
        return BX_E_EXISTS;
    }
    util_clean_stale(path);
    st->tmp = util_tmp_template(path);
    st->path = st->tmp != NULL ? util_strdup(path) : NULL;
    if (st->path == NULL) {
        free(st->tmp); /* a template: no file of that name was made */
        st->tmp = NULL;
        return BX_E_NOMEM;
    }
    st->force = force;
    st->fd = mkstemp(st->tmp);
    if (st->fd < 0) {
        free(st->tmp);
        st->tmp = NULL;
        goto out;
    }
    if (fchmod(st->fd, 0666 & ~util_umask()) != 0) {
        goto out;
    }
    filled = fill(st->fd, user);
    if (filled != BX_OK) {
        rc = filled;
        goto out;
    }
    return BX_OK;
out:
    saved = errno;
    util_staged_discard(st);
    errno = saved;
    return rc;
}

int util_staged_commit(struct util_staged *st)
{
    int rc = BX_E_IO;
    int saved;

    if (st->fd < 0 || fsync(st->fd) != 0) {
        goto out;
    }
    if (close(st->fd) != 0) {
        st->fd = -1;
        goto out;
    }
    st->fd = -1;
    if (!st->force && link(st->tmp, st->path) != 0) {
        /* link(2) refuses to replace: no race with a file created since */
        if (errno == EEXIST) {
            rc = BX_E_EXISTS;
        }
        goto out;
    }
    if (st->force && rename(st->tmp, st->path) != 0) {
        goto out;
    }
    rc = BX_OK;
out:
    saved = errno;
    util_staged_discard(st); /* after link(2) or on failure; ENOENT after rename */
    errno = saved;
    return rc;
}

void util_staged_discard(struct util_staged *st)
{
    int saved = errno;

    if (st->fd >= 0) {
        close(st->fd);
    }
    if (st->tmp != NULL) {
        unlink(st->tmp);
    }
    free(st->tmp);
    free(st->path);
    memset(st, 0, sizeof(*st));
    st->fd = -1;
    errno = saved;
}

int util_write_atomic_with(const char *path, int force,
                           int (*fill)(int fd, void *user), void *user)
{
    struct util_staged st;
    int rc = util_write_staged(path, force, fill, user, &st);

    return rc == BX_OK ? util_staged_commit(&st) : rc;
}

int bx_write_file(const char *path, const void *data, size_t len, int force)
{
    return util_write_atomic(path, data, len, force);
}

static const EVP_MD *md_by_alg(const char *alg);
static void hex_of(const unsigned char *md, unsigned int n, char *out);

/*
 * SHA-256 of one buffer through OpenSSL's low-level SHA-256 (the same
 * code and the same CPU instructions as EVP_sha256()), without the
 * provider set-up that the first EVP digest of a process pays: loading
 * openssl.cnf, building the name map, fetching the algorithm (5.3 Mi
 * instructions; the one-shot SHA256() goes through EVP too in 3.0).  A
 * one-document validate hashes nothing else, so it never sets EVP up.
 * SM3 and the streaming digests still go through EVP.
 */
static int sha256_hex(const void *data, size_t len, char *out, size_t outsz)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
#ifndef BX_SHA256_EVP
    SHA256_CTX c;
#endif

    if (outsz < 2 * SHA256_DIGEST_LENGTH + 1) {
        return BX_E_ARG;
    }
#ifdef BX_SHA256_EVP
    if (EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL) != 1) {
        return BX_E_INTERNAL;
    }
#else
    if (SHA256_Init(&c) != 1 || SHA256_Update(&c, data, len) != 1 ||
        SHA256_Final(md, &c) != 1) {
        return BX_E_INTERNAL;
    }
#endif
    hex_of(md, SHA256_DIGEST_LENGTH, out);
    return BX_OK;
}

int util_digest_hex(const char *alg, const void *data, size_t len, char *out,
                    size_t outsz)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    const EVP_MD *type;

    if (strcmp(alg, "sha256") != 0 && strcmp(alg, "sm3") != 0) {
        return BX_E_ARG;
    }
    if (strcmp(alg, "sha256") == 0) {
        return sha256_hex(data, len, out, outsz);
    }
    type = md_by_alg(alg);
    if (type == NULL) {
        return BX_E_INTERNAL;
    }
    if (EVP_Digest(data, len, md, &mdlen, type, NULL) != 1) {
        return BX_E_INTERNAL;
    }
    if (outsz < 2 * (size_t)mdlen + 1) {
        return BX_E_ARG;
    }
    hex_of(md, mdlen, out);
    return BX_OK;
}

/*
 * SHA-256 and SM3 fetched from the default provider once per process.
 * EVP_get_digestbyname() and EVP_sha256() give "legacy" method tables that
 * every EVP_DigestInit_ex() fetches again (a name lookup under a lock,
 * ~2,000 instructions a call; the SM3 itself, ~50 a byte, is the cost);
 * fetched ones are used as they are.  Kept until the process ends; a
 * failed fetch (out of memory) is tried again by the next digest.
 */
static EVP_MD *fetched_sha256;
static EVP_MD *fetched_sm3;
static pthread_mutex_t fetch_lock = PTHREAD_MUTEX_INITIALIZER;

static const EVP_MD *fetched(EVP_MD **slot, const char *name)
{
    EVP_MD *md;

    if (pthread_mutex_lock(&fetch_lock) != 0) {
        return NULL;
    }
    if (*slot == NULL) {
        *slot = EVP_MD_fetch(NULL, name, NULL);
    }
    md = *slot;
    pthread_mutex_unlock(&fetch_lock);
    return md;
}

static const EVP_MD *md_by_alg(const char *alg)
{
    if (strcmp(alg, "sha256") == 0) {
        return fetched(&fetched_sha256, "SHA256");
    }
    if (strcmp(alg, "sm3") == 0) {
        return fetched(&fetched_sm3, "SM3");
    }
    return NULL;
}

static void hex_of(const unsigned char *md, unsigned int n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned int i;

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * n] = '\0';
}

int util_digests_begin(struct util_digests *d)
{
    const EVP_MD *sha = md_by_alg("sha256");
    const EVP_MD *sm3 = md_by_alg("sm3");

    d->sha256 = EVP_MD_CTX_new();
    d->sm3 = EVP_MD_CTX_new();
    if (d->sha256 == NULL || d->sm3 == NULL) {
        util_digests_release(d);
        return BX_E_NOMEM;
    }
    if (sha == NULL || sm3 == NULL ||
        EVP_DigestInit_ex(d->sha256, sha, NULL) != 1 ||
        EVP_DigestInit_ex(d->sm3, sm3, NULL) != 1) {
        util_digests_release(d);
        return BX_E_INTERNAL;
    }
    return BX_OK;
}

int util_digests_update(struct util_digests *d, const void *data, size_t len)
{
    if (EVP_DigestUpdate(d->sha256, data, len) != 1 ||
        EVP_DigestUpdate(d->sm3, data, len) != 1) {
        return BX_E_INTERNAL;
    }
    return BX_OK;
}

int util_digests_end(struct util_digests *d, char *sha256, char *sm3)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int rc = BX_E_INTERNAL;

    if (EVP_DigestFinal_ex(d->sha256, md, &n) == 1 && n == 32) {
        hex_of(md, n, sha256);
        if (EVP_DigestFinal_ex(d->sm3, md, &n) == 1 && n == 32) {
            hex_of(md, n, sm3);
            rc = BX_OK;
        }
    }
    util_digests_release(d);
    return rc;
}

void util_digests_release(struct util_digests *d)
{
    EVP_MD_CTX_free(d->sha256);
    EVP_MD_CTX_free(d->sm3);
    d->sha256 = NULL;
    d->sm3 = NULL;
}

int64_t util_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe;
    unsigned doy;
    unsigned doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Our own allocations that failed, process-wide (util_nomem_count()). */
static atomic_ulong own_nomem;

unsigned long util_nomem_count(void)
{
    return atomic_load_explicit(&own_nomem, memory_order_relaxed);
}

void util_nomem_note(void)
{
    atomic_fetch_add_explicit(&own_nomem, 1, memory_order_relaxed);
}

char *util_strdup(const char *s)
{
    char *d;

    if (s == NULL) {
        return NULL;
    }
    d = strdup(s);
    if (d == NULL) {
        util_nomem_note();
    }
    return d;
}

int util_read_list(const char *list, int nul,
                   int (*each)(void *user, const char *entry), void *user,
                   struct bx_diags *diags)
{
    FILE *fp = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = BX_OK;

    if (fp == NULL) {
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-READ", list, 0,
                      "无法读取文件列表", "cannot read the list of files");
        return BX_E_IO;
    }
    while (rc == BX_OK &&
           (n = getdelim(&line, &cap, nul ? '\0' : '\n', fp)) > 0) {
        if (line[n - 1] == (nul ? '\0' : '\n')) {
            line[--n] = '\0';
        }
        if (!nul && n > 0 && line[n - 1] == '\r') {
            line[--n] = '\0';
        }
        if (n > 0) {
            rc = each(user, line);
        }
    }
    if (rc == BX_OK && ferror(fp)) {
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-READ", list, 0,
                      "读取文件列表出错", "error reading the list of files");
        rc = BX_E_IO;
    }
    free(line);
    if (fp != stdin) {
        fclose(fp);
    }
    return rc;
}
