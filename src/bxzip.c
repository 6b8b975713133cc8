/*
 * bxzip: deterministic ZIP writer and strict ZIP reader over zlib (raw
 * deflate).  Whole archives live in memory; nothing here touches files,
 * and nothing supports ZIP64, encryption, links or directories.
 * bxzip_deflate() (a bundle's members) deflates with libdeflate instead:
 * whole buffers, ~70% of zlib's instructions at a slightly better ratio.
 */
#include "bxzip.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>
#define ZLIB_CONST
#include <zlib.h>

#include "util.h"

/* Record signatures and fixed sizes (PKWARE APPNOTE 6.3, section 4.3). */
#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD 0x06054b50u
#define SIG_DESCRIPTOR 0x08074b50u
#define SIG_ZIP64_LOCATOR 0x07064b50u
#define LOCAL_LEN 30u
#define CENTRAL_LEN 46u
#define EOCD_LEN 22u
#define ZIP64_LOCATOR_LEN 20u
#define MAX_COMMENT 65535u

/* 0xFFFF / 0xFFFFFFFF in a field mean "see the ZIP64 record". */
#define U16_ZIP64 0xffffu
#define U32_ZIP64 0xffffffffu
/* Largest size, offset or count the writer puts in a field. */
#define WRITE_MAX_U32 0xfffffffeu
#define WRITE_MAX_ENTRIES 0xfffeu

#define MADE_BY_UNIX_30 0x031eu
#define VERSION_DEFLATE 20u
#define ATTR_REGULAR_644 (0100644u << 16)

#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_PATCHED 0x0020u
#define FLAG_STRONG_CRYPTO 0x0040u
#define FLAG_UTF8 0x0800u
#define FLAG_CD_ENCRYPTED 0x2000u

#define METHOD_STORE 0
#define METHOD_DEFLATE 8
#define METHOD_AES 99

/* UNIX file type bits in the high half of the external attributes. */
#define MODE_TYPE 0170000u
#define MODE_REGULAR 0100000u
#define MODE_DIR 0040000u
#define MODE_SYMLINK 0120000u
#define DOS_ATTR_DIR 0x10u

#define EXTRA_UNICODE_PATH 0x7075u
#define DEFLATE_LEVEL 6 /* zlib's default: half the CPU of 9 for 1.5% more bytes */
#define DEFLATE_MEMLEVEL 8
#define RAW_DEFLATE (-15)
/*
 * libdeflate's level for bxzip_deflate(): its 7 gives fewer bytes than
 * zlib's 6 on disclosures' renditions (its 6 gives 0.6% more) for about
 * 70% of zlib's instructions (bundle-deflate in docs/performance.md).
 */
#define FAST_LEVEL 7

/* 1980-01-01 00:00:00 and 2107-12-31 23:59:58 UTC: the DOS date range. */
#define DOS_TIME_MIN INT64_C(315532800)
#define DOS_TIME_MAX INT64_C(4354819198)

#define MAX_DIAGS 100
#define SHOWN_NAME_MAX 200

/* ---------------------------------------------------------------- */
/* Little-endian fields                                              */
/* ---------------------------------------------------------------- */

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static unsigned char *put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8 & 0xff);
    return p + 2;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
    p = put16(p, v & 0xffff);
    return put16(p, v >> 16 & 0xffff);
}

/* ---------------------------------------------------------------- */
/* DOS date and time (UTC), via Howard Hinnant's civil-date formulas */
/* ---------------------------------------------------------------- */

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe;
    unsigned yoe;
    unsigned doy;
    unsigned mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* 't' as DOS time and date, clamped to the range DOS dates can hold. */
static void dos_from_unix(int64_t t, unsigned *dtime, unsigned *ddate)
{
    int64_t y;
    unsigned m;
    unsigned d;
    unsigned secs;

    if (t < DOS_TIME_MIN) {
        t = DOS_TIME_MIN;
    }
    if (t > DOS_TIME_MAX) {
        t = DOS_TIME_MAX;
    }
    civil_from_days(t / 86400, &y, &m, &d);
    secs = (unsigned)(t % 86400);
    *ddate = (unsigned)(y - 1980) << 9 | m << 5 | d;
    *dtime = secs / 3600 << 11 | secs / 60 % 60 << 5 | secs % 60 / 2;
}

/* DOS time and date read as UTC; impossible months and days clamped. */
static int64_t unix_from_dos(unsigned dtime, unsigned ddate)
{
    unsigned m = ddate >> 5 & 15;
    unsigned d = ddate & 31;
    int64_t days;

    m = m < 1 ? 1 : m > 12 ? 12 : m;
    d = d < 1 ? 1 : d;
    days = util_days_from_civil(1980 + (ddate >> 9), m, d);
    return days * 86400 + (int64_t)(dtime >> 11) * 3600 +
           (int64_t)(dtime >> 5 & 63) * 60 + (int64_t)(dtime & 31) * 2;
}

/* ---------------------------------------------------------------- */
/* Entry names, shared by writer and reader                          */
/* ---------------------------------------------------------------- */

enum name_verdict {
    NAME_OK,
    NAME_NOMEM,
    NAME_EMPTY,
    NAME_ABSOLUTE,
    NAME_TEXT,
    NAME_BACKSLASH,
    NAME_COLON,
    NAME_DIR,
    NAME_DOTDOT,
    NAME_DOT,
    NAME_WINDOWS,
    NAME_TRAILING,
    NAME_RESERVED,
    NAME_UNNORMALISED
};

/* Diagnostic texts by verdict; "%s" is the shown name. */
static const struct {
    const char *zh;
    const char *en;
} name_messages[] = {
    [NAME_EMPTY] = {"条目名称为空", "entry has an empty name"},
    [NAME_ABSOLUTE] = {"条目 '%s' 是绝对路径",
                       "entry '%s' has an absolute path"},
    [NAME_TEXT] = {"条目名称 '%s' 不是有效的 UTF-8 或含控制字符",
                   "entry name '%s' is not valid UTF-8 or has control "
                   "characters"},
    [NAME_BACKSLASH] = {"条目 '%s' 的路径含反斜杠",
                        "entry '%s' has a backslash in its path"},
    [NAME_COLON] = {"条目 '%s' 的路径含 ':'（盘符或数据流）",
                    "entry '%s' has ':' in its path (drive or stream)"},
    [NAME_DIR] = {"条目 '%s' 是目录，提交包中只能有文件",
                  "entry '%s' is a directory; bundles hold only files"},
    [NAME_DOTDOT] = {"条目 '%s' 的路径含 '..'，会越出提交包",
                     "entry '%s' has a '..' component that leaves the "
                     "bundle"},
    [NAME_DOT] = {"条目 '%s' 的路径含空的或 '.' 部分",
                  "entry '%s' has an empty or '.' path component"},
    [NAME_WINDOWS] = {"条目 '%s' 的路径含 Windows 不允许的字符（< > \" | ? *）",
                      "entry '%s' has a character Windows refuses in names "
                      "(< > \" | ? *)"},
    [NAME_TRAILING] = {"条目 '%s' 的路径部分以点或空格结尾（Windows 会去掉，"
                       "与其他名称冲突）",
                       "entry '%s' has a path component ending in a dot or "
                       "space (Windows drops it: names collide)"},
    [NAME_RESERVED] = {"条目 '%s' 的路径含 Windows 保留名（CON、NUL、COM1 等）",
                       "entry '%s' has a name Windows reserves (CON, NUL, "
                       "COM1...)"},
    [NAME_UNNORMALISED] = {"条目 '%s' 的名称含组合符号或规范化时会改变的字符"
                           "（在 macOS 等系统上可能与其他名称冲突）",
                           "entry '%s' has a combining mark or a character "
                           "that Unicode normalisation changes (names may "
                           "collide on macOS and others)"},
};

/*
 * Text check: valid UTF-8 without C0/C1 controls or DEL.  That is
 * exactly what util_escape_untrusted() passes through unchanged, so a
 * name is acceptable text when it is shown as itself.
 */
static enum name_verdict check_text(const char *s, size_t n)
{
    char *shown = util_escape_untrusted(s, n, n);
    enum name_verdict v;

    if (shown == NULL) {
        return NAME_NOMEM;
    }
    v = strlen(shown) == n && memcmp(shown, s, n) == 0 ? NAME_OK : NAME_TEXT;
    free(shown);
    return v;
}

/* Decode the UTF-8 sequence at 's' (already validated); '*len' its size. */
static unsigned long utf8_decode(const unsigned char *s, size_t *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    if (s[0] < 0xe0) {
        *len = 2;
        return (unsigned long)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
    }
    if (s[0] < 0xf0) {
        *len = 3;
        return (unsigned long)(s[0] & 0x0f) << 12 |
               (unsigned long)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
    }
    *len = 4;
    return (unsigned long)(s[0] & 0x07) << 18 |
           (unsigned long)(s[1] & 0x3f) << 12 |
           (unsigned long)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

/*
 * Code points a name may not hold because Unicode normalisation (NFC on
 * Windows and Linux tools, NFD on macOS) would change them, so that two
 * different names could become one: combining marks (an NFD 'Ä' is 'A'
 * and U+0308), conjoining Hangul jamo, kana voicing marks, the
 * singletons Ω K Å (U+2126, U+212A, U+212B) and the CJK compatibility
 * ideographs.  Refusing them is the strict alternative to normalising:
 * every name left has one form only.
 */
static int unnormalised(unsigned long cp)
{
    static const unsigned long ranges[][2] = {
        {0x0300, 0x036f}, {0x1100, 0x11ff},   {0x1ab0, 0x1aff},
        {0x1dc0, 0x1dff}, {0x20d0, 0x20ff},   {0x2126, 0x2126},
        {0x212a, 0x212b}, {0x3099, 0x309a},   {0xf900, 0xfaff},
        {0xfe20, 0xfe2f}, {0x2f800, 0x2fa1f},
    };
    size_t i;

    for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        if (cp >= ranges[i][0] && cp <= ranges[i][1]) {
            return 1;
        }
    }
    return 0;
}

/* Windows device names, with or without an extension ("nul.txt"). */
static int reserved_component(const char *s, size_t len)
{
    static const char *const names[] = {"con",    "prn",     "aux",   "nul",
                                        "conin$", "conout$", "clock$"};
    char base[8];
    size_t n = 0;
    size_t i;

    while (n < len && s[n] != '.') {
        n++;
    }
    if (n >= sizeof(base)) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        base[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    }
    base[n] = '\0';
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(base, names[i]) == 0) {
            return 1;
        }
    }
    return n == 4 &&
           (strncmp(base, "com", 3) == 0 || strncmp(base, "lpt", 3) == 0) &&
           base[3] >= '0' && base[3] <= '9';
}

static enum name_verdict check_components(const char *s, size_t n)
{
    size_t start = 0;
    size_t i;
    size_t len;

    for (i = 0; i <= n; i++) {
        if (i < n && s[i] != '/') {
            continue;
        }
        len = i - start;
        if (len == 2 && s[start] == '.' && s[start + 1] == '.') {
            return NAME_DOTDOT;
        }
        if (len == 0 || (len == 1 && s[start] == '.')) {
            return NAME_DOT;
        }
        if (s[i - 1] == '.' || s[i - 1] == ' ') {
            return NAME_TRAILING;
        }
        if (reserved_component(s + start, len)) {
            return NAME_RESERVED;
        }
        start = i + 1;
    }
    return NAME_OK;
}

/* Characters Windows refuses, and code points normalisation changes. */
static enum name_verdict check_chars(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    size_t len;

    while (i < n) {
        if (strchr("<>\"|?*", p[i]) != NULL && p[i] != '\0') {
            return NAME_WINDOWS;
        }
        if (unnormalised(utf8_decode(p + i, &len))) {
            return NAME_UNNORMALISED;
        }
        i += len;
    }
    return NAME_OK;
}

/* Whether the 'n' bytes of 's' are a safe relative file path. */
static enum name_verdict check_name(const char *s, size_t n)
{
    enum name_verdict v;

    if (n == 0) {
        return NAME_EMPTY;
    }
    if (s[0] == '/') {
        return NAME_ABSOLUTE;
    }
    v = check_text(s, n);
    if (v != NAME_OK) {
        return v;
    }
    if (memchr(s, '\\', n) != NULL) {
        return NAME_BACKSLASH;
    }
    if (memchr(s, ':', n) != NULL) {
        return NAME_COLON;
    }
    if (s[n - 1] == '/') {
        return NAME_DIR;
    }
    v = check_chars(s, n);
    return v != NAME_OK ? v : check_components(s, n);
}

/*
 * Simple case folding of one code point, for the scripts file names in
 * bundles use: ASCII, Latin-1 Supplement, Latin Extended-A, Latin
 * Extended Additional, Greek, Cyrillic and full-width Latin.  Dotted and
 * dotless i, long s and final sigma fold to their plain letter: folding
 * too much only refuses more names, never lets two collide.
 */
static unsigned long fold_cp(unsigned long c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
        (c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f) ||
        (c >= 0xff21 && c <= 0xff3a)) {
        return c + 0x20;
    }
    if (c >= 0x400 && c <= 0x40f) {
        return c + 0x50;
    }
    if (c == 0x130 || c == 0x131) {
        return 'i';
    }
    if (c == 0x17f) {
        return 's';
    }
    if (c == 0x178) {
        return 0xff;
    }
    if (c == 0x3c2) {
        return 0x3c3;
    }
    if (((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177) ||
         (c >= 0x1e00 && c <= 0x1e95) || (c >= 0x1ea0 && c <= 0x1eff)) &&
        c % 2 == 0) {
        return c + 1;
    }
    if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) &&
        c % 2 == 1) {
        return c + 1;
    }
    return c;
}

static size_t utf8_encode(unsigned long c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | c >> 6);
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | c >> 12);
        out[1] = (char)(0x80 | (c >> 6 & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | c >> 18);
    out[1] = (char)(0x80 | (c >> 12 & 0x3f));
    out[2] = (char)(0x80 | (c >> 6 & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/*
 * The case-folded form of the 'n' bytes of the valid UTF-8 name 's': two
 * names collide on a case-insensitive file system when their folded
 * forms are equal (normalisation is excluded by check_chars()).  Folding
 * never lengthens a sequence, so 'n' + 1 bytes suffice.  Caller frees.
 * NULL on ENOMEM.
 */
static char *fold_name(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = malloc(n + 1);
    size_t i = 0;
    size_t o = 0;
    size_t len;

    if (out == NULL) {
        return NULL;
    }
    while (i < n) {
        o += utf8_encode(fold_cp(utf8_decode(p + i, &len)), out + o);
        i += len;
    }
    out[o] = '\0';
    return out;
}

/* ---------------------------------------------------------------- */
/* Writer                                                            */
/* ---------------------------------------------------------------- */

struct wentry {
    char *name;
    char *folded; /* fold_name(): duplicates ignoring case */
    size_t name_len;
    unsigned flags;
    unsigned dtime;
    unsigned ddate;
    uint32_t crc;
    uint32_t csize;
    uint32_t size;
    uint32_t offset;
};

/*
 * A set of byte strings that belong to someone else (the entries' folded
 * names, or leading parts of them): open addressing, at most half full.
 */
struct nameset {
    struct nslot *slots;
    size_t cap; /* 0 or a power of two */
    size_t count;
};

struct nslot {
    const char *s; /* NULL: empty */
    size_t len;
    size_t hash;
};

struct bxzip_writer {
    unsigned char *buf; /* local headers and data, then the directory */
    size_t len;
    size_t cap;
    struct wentry *ents;
    size_t count;
    size_t ents_cap;
    /* what writer_check_name() compares a new name with, in constant time
     * a name (it compared with every entry: 2.8 s for a bundle of 18,000) */
    struct nameset names; /* the entries' folded names */
    struct nameset dirs;  /* every "a", "a/b" of a folded name "a/b/c" */
    int finished;
    /* with a sink, each entry is handed over once written: 'base' bytes
     * so far, and 'buf' holds only what follows them */
    bxzip_sink_fn sink;
    void *sink_user;
    size_t base;
};

int bxzip_writer_new(struct bxzip_writer **out)
{
    *out = calloc(1, sizeof(**out));
    return *out == NULL ? BX_E_NOMEM : BX_OK;
}

void bxzip_writer_free(struct bxzip_writer *w)
{
    size_t i;

    if (w == NULL) {
        return;
    }
    for (i = 0; i < w->count; i++) {
        free(w->ents[i].name);
        free(w->ents[i].folded);
    }
    free(w->ents);
    free(w->buf);
    free(w->names.slots);
    free(w->dirs.slots);
    free(w);
}

static size_t name_hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    size_t i;

    for (i = 0; i < n; i++) {
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    }
    return (size_t)h;
}

/* The slot of 's' ('n' bytes, hash 'h') in 't' (cap > 0): its own or empty. */
static struct nslot *nameset_slot(const struct nameset *t, const char *s,
                                  size_t n, size_t h)
{
    size_t i = h & (t->cap - 1);
    struct nslot *x = &t->slots[i];

    while (x->s != NULL &&
           (x->hash != h || x->len != n || memcmp(x->s, s, n) != 0)) {
        i = (i + 1) & (t->cap - 1);
        x = &t->slots[i];
    }
    return x;
}

static int nameset_has(const struct nameset *t, const char *s, size_t n)
{
    return t->cap > 0 && nameset_slot(t, s, n, name_hash(s, n))->s != NULL;
}

/* Room for 'more' strings, so that nameset_put() cannot fail. */
static int nameset_reserve(struct nameset *t, size_t more)
{
    struct nameset bigger;
    size_t cap = t->cap ? t->cap : 64;
    size_t i;

    if (more > SIZE_MAX / 4 - t->count) {
        return BX_E_NOMEM;
    }
    while (cap < 2 * (t->count + more)) {
        cap *= 2;
    }
    if (cap == t->cap) {
        return BX_OK;
    }
    bigger.slots = calloc(cap, sizeof(*bigger.slots));
    if (bigger.slots == NULL) {
        return BX_E_NOMEM;
    }
    bigger.cap = cap;
    bigger.count = t->count;
    for (i = 0; i < t->cap; i++) {
        const struct nslot *x = &t->slots[i];

        if (x->s != NULL) {
            *nameset_slot(&bigger, x->s, x->len, x->hash) = *x;
        }
    }
    free(t->slots);
    *t = bigger;
    return BX_OK;
}

/* Add 's' ('n' bytes, kept by the caller) unless it is there; reserved. */
static void nameset_put(struct nameset *t, const char *s, size_t n)
{
    size_t h = name_hash(s, n);
    struct nslot *x = nameset_slot(t, s, n, h);

    if (x->s == NULL) {
        x->s = s;
        x->len = n;
        x->hash = h;
        t->count++;
    }
}

/* Add folded name 'f' and its leading directories to the writer's sets. */
static void names_put(struct bxzip_writer *w, const char *f)
{
    const char *slash;

    nameset_put(&w->names, f, strlen(f));
    for (slash = strchr(f, '/'); slash != NULL;
         slash = strchr(slash + 1, '/')) {
        nameset_put(&w->dirs, f, (size_t)(slash - f));
    }
}

/* Make room for 'extra' more bytes in w->buf. */
static int reserve(struct bxzip_writer *w, size_t extra)
{
    size_t cap = w->cap ? w->cap : 4096;
    unsigned char *grown;

    if (extra > SIZE_MAX - w->len) {
        return BX_E_NOMEM;
    }
    while (cap < w->len + extra) {
        cap = cap > SIZE_MAX / 2 ? w->len + extra : cap * 2;
    }
    if (cap == w->cap) {
        return BX_OK;
    }
    grown = realloc(w->buf, cap);
    if (grown == NULL) {
        return BX_E_NOMEM;
    }
    w->buf = grown;
    w->cap = cap;
    return BX_OK;
}

static int grow_entries(struct bxzip_writer *w)
{
    size_t cap = w->ents_cap ? w->ents_cap * 2 : 16;
    struct wentry *grown;

    if (w->count < w->ents_cap) {
        return BX_OK;
    }
    grown = realloc(w->ents, cap * sizeof(*grown));
    if (grown == NULL) {
        return BX_E_NOMEM;
    }
    w->ents = grown;
    w->ents_cap = cap;
    return BX_OK;
}

int bxzip_name_ok(const char *name)
{
    size_t n = strlen(name);

    return n <= 0xffff && check_name(name, n) == NAME_OK;
}

/* Non-zero when 'dir' names a directory on the path 'path' (folded). */
/*
 * The name rules of bxzip_writer_add(): BX_OK, BX_E_ARG or BX_E_NOMEM.
 * On BX_OK '*folded' is the folded name (caller frees).
 */
static int writer_check_name(struct bxzip_writer *w, const char *name,
                             char **folded)
{
    size_t n = strlen(name);
    enum name_verdict v;
    const char *slash;
    size_t slashes = 0;
    char *f;

    *folded = NULL;
    if (n > 0xffff) {
        return BX_E_ARG;
    }
    v = check_name(name, n);
    if (v != NAME_OK) {
        return v == NAME_NOMEM ? BX_E_NOMEM : BX_E_ARG;
    }
    f = fold_name(name, n);
    if (f == NULL) {
        return BX_E_NOMEM;
    }
    /* the same name as an entry, the directory of one ("a" of "a/b"), or
     * an entry is its directory: its own leading parts among the names */
    if (nameset_has(&w->names, f, strlen(f)) ||
        nameset_has(&w->dirs, f, strlen(f))) {
        free(f);
        return BX_E_ARG;
    }
    for (slash = strchr(f, '/'); slash != NULL;
         slash = strchr(slash + 1, '/')) {
        if (nameset_has(&w->names, f, (size_t)(slash - f))) {
            free(f);
            return BX_E_ARG;
        }
        slashes++;
    }
    if (nameset_reserve(&w->names, 1) != BX_OK ||
        nameset_reserve(&w->dirs, slashes) != BX_OK) {
        free(f);
        return BX_E_NOMEM;
    }
    *folded = f;
    return BX_OK;
}

/*
 * Deflate 'len' bytes into 'out' (room for 'room' bytes) in one call.
 * Returns BX_OK, BX_E_LIMIT (output would not fit a 32-bit field),
 * BX_E_NOMEM or BX_E_INTERNAL.
 */
static int deflate_into(const void *data, size_t len, unsigned char *out,
                        uint64_t room, uint32_t *csize)
{
    z_stream s;
    int zr;

    memset(&s, 0, sizeof(s));
    zr = deflateInit2(&s, DEFLATE_LEVEL, Z_DEFLATED, RAW_DEFLATE,
                      DEFLATE_MEMLEVEL, Z_DEFAULT_STRATEGY);
    if (zr != Z_OK) {
        return zr == Z_MEM_ERROR ? BX_E_NOMEM : BX_E_INTERNAL;
    }
    s.next_in = data;
    s.avail_in = (uInt)len;
    s.next_out = out;
    s.avail_out = (uInt)(room > WRITE_MAX_U32 ? WRITE_MAX_U32 : room);
    zr = deflate(&s, Z_FINISH);
    *csize = (uint32_t)s.total_out;
    deflateEnd(&s);
    if (zr == Z_STREAM_END) {
        return BX_OK;
    }
    return s.avail_out == 0 ? BX_E_LIMIT : BX_E_INTERNAL;
}

static void put_local(unsigned char *p, const struct wentry *e)
{
    p = put32(p, SIG_LOCAL);
    p = put16(p, VERSION_DEFLATE);
    p = put16(p, e->flags);
    p = put16(p, METHOD_DEFLATE);
    p = put16(p, e->dtime);
    p = put16(p, e->ddate);
    p = put32(p, e->crc);
    p = put32(p, e->csize);
    p = put32(p, e->size);
    p = put16(p, (unsigned)e->name_len);
    p = put16(p, 0); /* no extra field */
    memcpy(p, e->name, e->name_len);
}

/*
 * Append the local header and deflated data of 'e' (whose csize is set
 * here).  Leaves w->len unchanged on failure.
 */
static int append_entry(struct bxzip_writer *w, struct wentry *e,
                        const void *data, size_t len)
{
    size_t start = w->len;
    size_t head = LOCAL_LEN + e->name_len;
    uint64_t room = compressBound((uLong)len); /* >= raw deflate needs */
    int rc;

    if (room > SIZE_MAX - head) {
        return BX_E_LIMIT;
    }
    rc = reserve(w, head + (size_t)room);
    if (rc != BX_OK) {
        return rc;
    }
    rc = deflate_into(data, len, w->buf + start + head, room, &e->csize);
    if (rc != BX_OK) {
        return rc;
    }
    if (w->base + start + head + e->csize > WRITE_MAX_U32) {
        return BX_E_LIMIT;
    }
    put_local(w->buf + start, e);
    w->len = start + head + e->csize;
    return BX_OK;
}

static int is_ascii(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s >= 0x80) {
            return 0;
        }
    }
    return 1;
}

/*
 * The checks and header fields every entry shares: the name rules
 * (writer_check_name()), then 'e->name' and 'e->folded' are allocated
 * (entry_end() frees them on failure; on a failure here nothing is left
 * allocated).
 */
static int entry_begin(struct bxzip_writer *w, const char *name, size_t len,
                       int64_t mtime_unix, struct wentry *e)
{
    char *folded = NULL;
    int rc;

    if (len > WRITE_MAX_U32 || w->count >= WRITE_MAX_ENTRIES ||
        w->base + w->len > WRITE_MAX_U32) {
        return BX_E_LIMIT;
    }
    rc = grow_entries(w);
    if (rc != BX_OK) {
        return rc;
    }
    rc = writer_check_name(w, name, &folded);
    if (rc != BX_OK) {
        return rc;
    }
    memset(e, 0, sizeof(*e));
    e->folded = folded;
    e->name_len = strlen(name);
    e->flags = is_ascii(name) ? 0 : FLAG_UTF8;
    dos_from_unix(mtime_unix, &e->dtime, &e->ddate);
    e->size = (uint32_t)len;
    e->offset = (uint32_t)(w->base + w->len);
    e->name = util_strdup(name);
    if (e->name == NULL) {
        free(e->folded);
        e->folded = NULL;
        return BX_E_NOMEM;
    }
    return BX_OK;
}

/* Hand what was written to the sink, if there is one. */
static int flush_sink(struct bxzip_writer *w)
{
    int rc;

    if (w->sink == NULL || w->len == 0) {
        return BX_OK;
    }
    rc = w->sink(w->sink_user, w->buf, w->len);
    if (rc != BX_OK) {
        return rc;
    }
    w->base += w->len;
    w->len = 0;
    return BX_OK;
}

/* Record entry 'e' after its bytes were appended with status 'rc'. */
static int entry_end(struct bxzip_writer *w, struct wentry *e, int rc)
{
    if (rc == BX_OK) {
        rc = flush_sink(w);
        if (rc != BX_OK) {
            w->finished = 1; /* the sink lost bytes: the archive is broken */
        }
    }
    if (rc != BX_OK) {
        free(e->name);
        free(e->folded);
        return rc;
    }
    names_put(w, e->folded); /* room was reserved by writer_check_name() */
    w->ents[w->count++] = *e;
    return BX_OK;
}

int bxzip_writer_add(struct bxzip_writer *w, const char *name, const void *data,
                     size_t len, int64_t mtime_unix)
{
    struct wentry e;
    int rc;

    if (w == NULL || name == NULL || (data == NULL && len > 0)) {
        return BX_E_ARG;
    }
    if (w->finished) {
        return BX_E_STATE;
    }
    rc = entry_begin(w, name, len, mtime_unix, &e);
    if (rc != BX_OK) {
        return rc;
    }
    e.crc = (uint32_t)crc32(0, data, (uInt)len);
    rc = append_entry(w, &e, data, len);
    return entry_end(w, &e, rc);
}

static unsigned char *put_central(unsigned char *p, const struct wentry *e)
{
    p = put32(p, SIG_CENTRAL);
    p = put16(p, MADE_BY_UNIX_30);
    p = put16(p, VERSION_DEFLATE);
    p = put16(p, e->flags);
    p = put16(p, METHOD_DEFLATE);
    p = put16(p, e->dtime);
    p = put16(p, e->ddate);
    p = put32(p, e->crc);
    p = put32(p, e->csize);
    p = put32(p, e->size);
    p = put16(p, (unsigned)e->name_len);
    p = put16(p, 0); /* extra field */
    p = put16(p, 0); /* comment */
    p = put16(p, 0); /* disk number start */
    p = put16(p, 0); /* internal attributes: binary */
    p = put32(p, ATTR_REGULAR_644);
    p = put32(p, e->offset);
    memcpy(p, e->name, e->name_len);
    return p + e->name_len;
}

static void put_eocd(unsigned char *p, size_t count, uint32_t cd_size,
                     uint32_t cd_off)
{
    p = put32(p, SIG_EOCD);
    p = put16(p, 0); /* this disk */
    p = put16(p, 0); /* disk holding the directory */
    p = put16(p, (unsigned)count);
    p = put16(p, (unsigned)count);
    p = put32(p, cd_size);
    p = put32(p, cd_off);
    put16(p, 0); /* comment length */
}

int bxzip_writer_finish(struct bxzip_writer *w, unsigned char **buf,
                        size_t *len)
{
    uint64_t cd_size = 0;
    unsigned char *p;
    size_t i;
    int rc;

    if (w == NULL || buf == NULL || len == NULL) {
        return BX_E_ARG;
    }
    if (w->finished) {
        return BX_E_STATE;
    }
    for (i = 0; i < w->count; i++) {
        cd_size += CENTRAL_LEN + w->ents[i].name_len;
    }
    if (cd_size > WRITE_MAX_U32 || w->base + w->len > WRITE_MAX_U32) {
        return BX_E_LIMIT;
    }
    rc = reserve(w, (size_t)cd_size + EOCD_LEN);
    if (rc != BX_OK) {
        return rc;
    }
    p = w->buf + w->len;
    for (i = 0; i < w->count; i++) {
        p = put_central(p, &w->ents[i]);
    }
    put_eocd(p, w->count, (uint32_t)cd_size, (uint32_t)(w->base + w->len));
    *len = w->len + (size_t)cd_size + EOCD_LEN;
    if (w->sink != NULL) {
        /* the directory and end record go to the sink too */
        w->len = *len;
        rc = flush_sink(w);
        if (rc != BX_OK) {
            return rc;
        }
        w->finished = 1;
        *buf = NULL;
        *len = 0;
        return BX_OK;
    }
    *buf = w->buf;
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    w->finished = 1;
    return BX_OK;
}

void bxzip_writer_set_sink(struct bxzip_writer *w, bxzip_sink_fn sink,
                           void *user)
{
    w->sink = sink;
    w->sink_user = user;
}

/*
 * One libdeflate compressor per thread, made on first use and freed when
 * the thread ends: it holds ~0.65 MB of match-finder tables that every call
 * would otherwise allocate afresh.  NULL when memory runs out.
 */
static pthread_key_t compressor_key;
static pthread_once_t compressor_once = PTHREAD_ONCE_INIT;
static int compressor_key_ok;

static void compressor_free(void *c)
{
    libdeflate_free_compressor(c);
}

static void compressor_key_init(void)
{
    compressor_key_ok =
        pthread_key_create(&compressor_key, compressor_free) == 0;
}

static struct libdeflate_compressor *thread_compressor(void)
{
    struct libdeflate_compressor *c;

    if (pthread_once(&compressor_once, compressor_key_init) != 0 ||
        !compressor_key_ok) {
        return NULL;
    }
    c = pthread_getspecific(compressor_key);
    if (c == NULL) {
        c = libdeflate_alloc_compressor(FAST_LEVEL);
        if (c != NULL && pthread_setspecific(compressor_key, c) != 0) {
            libdeflate_free_compressor(c);
            c = NULL;
        }
    }
    return c;
}

int bxzip_deflate(const void *data, size_t len, unsigned char **out,
                  size_t *clen, uint32_t *crc)
{
    struct libdeflate_compressor *c;
    unsigned char *buf;
    size_t room;
    size_t n;

    *out = NULL;
    if (len > WRITE_MAX_U32) {
        return BX_E_LIMIT;
    }
    c = thread_compressor();
    if (c == NULL) {
        return BX_E_NOMEM;
    }
    room = libdeflate_deflate_compress_bound(c, len);
    buf = malloc(room);
    if (buf == NULL) {
        return BX_E_NOMEM;
    }
    n = libdeflate_deflate_compress(c, data, len, buf, room);
    if (n == 0) { /* cannot happen: 'room' is libdeflate's own bound */
        free(buf);
        return BX_E_INTERNAL;
    }
    if (n > WRITE_MAX_U32) {
        free(buf);
        return BX_E_LIMIT;
    }
    *out = buf;
    *clen = n;
    *crc = libdeflate_crc32(0, data, len);
    return BX_OK;
}

int bxzip_writer_add_deflated(struct bxzip_writer *w, const char *name,
                              const void *cdata, size_t clen, size_t len,
                              uint32_t crc, int64_t mtime_unix)
{
    struct wentry e;
    size_t head;
    int rc;

    if (w == NULL || name == NULL || (cdata == NULL && clen > 0)) {
        return BX_E_ARG;
    }
    if (w->finished) {
        return BX_E_STATE;
    }
    rc = clen > WRITE_MAX_U32 ? BX_E_LIMIT : BX_OK;
    if (rc == BX_OK) {
        rc = entry_begin(w, name, len, mtime_unix, &e);
    }
    if (rc != BX_OK) {
        return rc;
    }
    e.crc = crc;
    e.csize = (uint32_t)clen;
    head = LOCAL_LEN + e.name_len;
    rc = w->base + w->len + head + clen > WRITE_MAX_U32
             ? BX_E_LIMIT
             : reserve(w, head + clen);
    if (rc == BX_OK) {
        put_local(w->buf + w->len, &e);
        memcpy(w->buf + w->len + head, cdata, clen);
        w->len += head + clen;
    }
    return entry_end(w, &e, rc);
}

/* ---------------------------------------------------------------- */
/* Reader: diagnostics                                               */
/* ---------------------------------------------------------------- */

struct rentry {
    struct bxzip_entry pub;
    char *shown;                   /* escaped name for messages */
    const unsigned char *raw_name; /* in the archive buffer */
    size_t name_len;
    unsigned made_by;
    unsigned flags;
    uint32_t attr;
    uint64_t local_off;
    uint64_t data_off;
    uint64_t end; /* past the data and its descriptor */
    int bad_name;
};

struct bxzip_reader {
    const unsigned char *buf;
    size_t len;
    char *file;
    struct bxzip_limits lim;
    struct rentry *ents;
    size_t count;
};

/* The end of central directory record, as far as we use it. */
struct eocd {
    size_t pos;
    uint32_t cd_off;
    uint32_t cd_size;
    unsigned count;
};

/* State of one open or extract call. */
struct rctx {
    struct bx_diags *diags;
    const char *file;
    int rc; /* status of the first problem found */
    size_t reported;
};

static const struct {
    const char *code;
    int status;
} code_status[] = {
    {"ZIP-FORMAT", BX_E_PARSE},
    {"ZIP-TRUNCATED", BX_E_PARSE},
    {"ZIP-HEADER-MISMATCH", BX_E_PARSE},
    {"ZIP-SIZE-MISMATCH", BX_E_PARSE},
    {"ZIP-OVERLAP", BX_E_PARSE},
    {"ZIP-PATH", BX_E_INVALID},
    {"ZIP-DIR", BX_E_INVALID},
    {"ZIP-DUP", BX_E_INVALID},
    {"ZIP-SYMLINK", BX_E_INVALID},
    {"ZIP-SPECIAL", BX_E_INVALID},
    {"ZIP-ENCRYPTED", BX_E_INVALID},
    {"ZIP-METHOD", BX_E_INVALID},
    {"ZIP-CRC", BX_E_INVALID},
    {"ZIP-LIMIT", BX_E_LIMIT},
    {"ZIP-BOMB", BX_E_LIMIT},
};

static int status_of(const char *code)
{
    size_t i;

    for (i = 0; i < sizeof(code_status) / sizeof(code_status[0]); i++) {
        if (strcmp(code_status[i].code, code) == 0) {
            return code_status[i].status;
        }
    }
    return BX_E_INTERNAL;
}

/*
 * Record one problem: keep the status of the first, and append a
 * diagnostic (up to MAX_DIAGS) whose two messages are built from
 * 'fmt_zh' and 'fmt_en' with the same arguments in the same order.
 * A word that differs by language is passed as a zh, en pair: the
 * Chinese format prints the first and ignores the trailing one, the
 * English format skips the first with "%.0s".
 */
static void report(struct rctx *c, enum bx_severity sev, const char *code,
                   const char *fmt_zh, const char *fmt_en, ...)
{
    char zh[4096];
    char en[4096];
    va_list ap;

    if (c->rc == BX_OK) {
        c->rc = status_of(code);
    }
    if (c->diags == NULL || c->reported >= MAX_DIAGS) {
        return;
    }
    c->reported++;
    va_start(ap, fmt_en);
    vsnprintf(zh, sizeof(zh), fmt_zh, ap);
    va_end(ap);
    va_start(ap, fmt_en);
    vsnprintf(en, sizeof(en), fmt_en, ap);
    va_end(ap);
    if (bx_diags_addf(c->diags, sev, code, c->file, 0, zh, en) != BX_OK) {
        c->rc = BX_E_NOMEM;
    }
}

/* ---------------------------------------------------------------- */
/* Reader: end of central directory                                  */
/* ---------------------------------------------------------------- */

/*
 * Say why no end record fits.  'seen' is 0 when no signature was found,
 * else whether the signature nearest the end had a comment running past
 * the end of the file (2) or stopping short of it (1).
 */
static void report_no_eocd(struct rctx *c, const unsigned char *b, int seen)
{
    if (seen == 2) {
        report(c, BX_SEV_FATAL, "ZIP-TRUNCATED", "压缩包注释超出文件末尾",
               "archive comment runs past the end of the file");
    } else if (seen == 1) {
        report(c, BX_SEV_FATAL, "ZIP-FORMAT", "中央目录结束记录之后有多余字节",
               "unexpected bytes after the end of central directory record");
    } else if (get32(b) == SIG_LOCAL) {
        report(c, BX_SEV_FATAL, "ZIP-TRUNCATED",
               "未找到中央目录结束记录：zip 文件可能被截断",
               "end of central directory record not found: truncated zip?");
    } else {
        report(c, BX_SEV_FATAL, "ZIP-FORMAT",
               "不是 zip 压缩包（未找到中央目录结束记录）",
               "not a zip archive (no end of central directory record)");
    }
}

/*
 * Find the end record: the last signature in the final 65,557 bytes whose
 * comment ends exactly at the end of the file.  Reports why none fits.
 */
static int find_eocd_pos(struct rctx *c, const unsigned char *b, size_t len,
                         size_t *pos)
{
    size_t span;
    size_t i;
    size_t p;
    size_t end;
    int seen = 0;

    if (len < EOCD_LEN) {
        report(c, BX_SEV_FATAL, "ZIP-FORMAT",
               "文件只有 %lu 字节，不是 zip 压缩包",
               "not a zip archive: only %lu bytes", (unsigned long)len);
        return BX_E_PARSE;
    }
    span = len - EOCD_LEN > MAX_COMMENT ? MAX_COMMENT : len - EOCD_LEN;
    for (i = 0; i <= span; i++) {
        p = len - EOCD_LEN - i;
        if (get32(b + p) != SIG_EOCD) {
            continue;
        }
        end = p + EOCD_LEN + get16(b + p + 20);
        if (end == len) {
            *pos = p;
            return BX_OK;
        }
        if (seen == 0) {
            seen = end > len ? 2 : 1;
        }
    }
    report_no_eocd(c, b, seen);
    return BX_E_PARSE;
}

static int is_zip64(const unsigned char *b, size_t pos, const struct eocd *e)
{
    if (pos >= ZIP64_LOCATOR_LEN &&
        get32(b + pos - ZIP64_LOCATOR_LEN) == SIG_ZIP64_LOCATOR) {
        return 1;
    }
    return e->count == U16_ZIP64 || e->cd_size == U32_ZIP64 ||
           e->cd_off == U32_ZIP64;
}

/* Read and check the end record's fields into 'e'. */
static int read_eocd(struct rctx *c, const unsigned char *b,
                     const struct bxzip_limits *lim, struct eocd *e)
{
    const unsigned char *p = b + e->pos;
    uint64_t cd_end;

    e->count = get16(p + 10);
    e->cd_size = get32(p + 12);
    e->cd_off = get32(p + 16);
    if (is_zip64(b, e->pos, e)) {
        report(c, BX_SEV_FATAL, "ZIP-FORMAT", "不支持 ZIP64 压缩包",
               "ZIP64 archives are not supported");
        return BX_E_PARSE;
    }
    if (get16(p + 20) != 0) {
        /* bundles have none, and a comment is room for hidden bytes */
        report(c, BX_SEV_FATAL, "ZIP-FORMAT",
               "压缩包带有 %u 字节的注释，提交包不应有注释",
               "archive has a comment of %u bytes; bundles have none",
               get16(p + 20));
        return BX_E_PARSE;
    }
    if (get16(p + 4) != 0 || get16(p + 6) != 0 || get16(p + 8) != e->count) {
        report(c, BX_SEV_FATAL, "ZIP-FORMAT", "不支持分卷 zip 压缩包",
               "multi-disk zip archives are not supported");
        return BX_E_PARSE;
    }
    if (e->count > lim->max_entries) {
        report(c, BX_SEV_FATAL, "ZIP-LIMIT", "压缩包有 %u 个条目，超过上限 %lu",
               "archive declares %u entries, more than the limit of %lu",
               e->count, (unsigned long)lim->max_entries);
        return BX_E_LIMIT;
    }
    cd_end = (uint64_t)e->cd_off + e->cd_size;
    if (cd_end > e->pos) {
        report(c, BX_SEV_FATAL, "ZIP-TRUNCATED", "中央目录超出文件范围或被截断",
               "central directory is truncated or out of bounds");
        return BX_E_PARSE;
    }
    if (cd_end < e->pos) {
        report(c, BX_SEV_FATAL, "ZIP-FORMAT",
               "中央目录与结束记录之间有多余字节",
               "unexpected bytes between the central directory and its "
               "end record");
        return BX_E_PARSE;
    }
    return BX_OK;
}

static int find_eocd(struct rctx *c, const unsigned char *b, size_t len,
                     const struct bxzip_limits *lim, struct eocd *e)
{
    int rc;

    if (len == 0) {
        report(c, BX_SEV_FATAL, "ZIP-FORMAT", "文件为空，不是 zip 压缩包",
               "empty file, not a zip archive");
        return BX_E_PARSE;
    }
    rc = find_eocd_pos(c, b, len, &e->pos);
    if (rc != BX_OK) {
        return rc;
    }
    return read_eocd(c, b, lim, e);
}

/* ---------------------------------------------------------------- */
/* Reader: central directory entries                                 */
/* ---------------------------------------------------------------- */

/* NULL when the extra field is well formed, else the problem's code. */
static const char *extra_problem(const unsigned char *p, size_t n)
{
    unsigned size;

    while (n >= 4) {
        size = get16(p + 2);
        if (size > n - 4) {
            return "ZIP-FORMAT";
        }
        if (get16(p) == EXTRA_UNICODE_PATH) {
            return "ZIP-PATH";
        }
        p += 4 + size;
        n -= 4 + size;
    }
    return n == 0 ? NULL : "ZIP-FORMAT";
}

static void report_extra(struct rctx *c, const struct rentry *e,
                         const char *code)
{
    if (strcmp(code, "ZIP-PATH") == 0) {
        report(c, BX_SEV_ERROR, code,
               "条目 '%s' 带有第二个名称（Unicode Path 扩展字段）",
               "entry '%s' carries a second name (Unicode Path extra field)",
               e->shown);
        return;
    }
    report(c, BX_SEV_ERROR, code, "条目 '%s' 的扩展字段格式错误",
           "entry '%s' has a malformed extra field", e->shown);
}

/* ZIP64, encryption and method.  Returns 0 when none applies. */
static int check_entry_format(struct rctx *c, const struct rentry *e,
                              unsigned disk)
{
    if (e->pub.csize == U32_ZIP64 || e->pub.size == U32_ZIP64 ||
        e->local_off == U32_ZIP64 || disk != 0) {
        report(c, BX_SEV_ERROR, "ZIP-FORMAT",
               "条目 '%s' 使用 ZIP64 或分卷字段，不受支持",
               "entry '%s' uses ZIP64 or multi-disk fields, not supported",
               e->shown);
        return -1;
    }
    if (e->flags & (FLAG_ENCRYPTED | FLAG_STRONG_CRYPTO | FLAG_CD_ENCRYPTED) ||
        e->pub.method == METHOD_AES) {
        report(c, BX_SEV_ERROR, "ZIP-ENCRYPTED", "条目 '%s' 已加密",
               "entry '%s' is encrypted", e->shown);
        return -1;
    }
    if (e->pub.method != METHOD_STORE && e->pub.method != METHOD_DEFLATE) {
        report(c, BX_SEV_ERROR, "ZIP-METHOD",
               "条目 '%s' 使用不支持的压缩方法 %d",
               "entry '%s' uses unsupported compression method %d", e->shown,
               e->pub.method);
        return -1;
    }
    if (e->flags & FLAG_PATCHED) {
        report(c, BX_SEV_ERROR, "ZIP-FORMAT", "条目 '%s' 是补丁数据，不受支持",
               "entry '%s' holds patch data, not supported", e->shown);
        return -1;
    }
    return 0;
}

static int check_entry_name(struct rctx *c, struct rentry *e)
{
    enum name_verdict v = check_name((const char *)e->raw_name, e->name_len);

    if (v == NAME_OK) {
        return 0;
    }
    e->bad_name = 1;
    if (v == NAME_NOMEM) {
        c->rc = BX_E_NOMEM;
        return -1;
    }
    report(c, BX_SEV_ERROR, v == NAME_DIR ? "ZIP-DIR" : "ZIP-PATH",
           name_messages[v].zh, name_messages[v].en, e->shown);
    return -1;
}

/* File type from the external attributes: only regular files pass. */
static int check_entry_type(struct rctx *c, const struct rentry *e)
{
    /* Mode bits are honoured whatever the "made by" host says: some
     * extractors look at them regardless. */
    unsigned type = (e->attr >> 16) & MODE_TYPE;

    if (type == MODE_SYMLINK) {
        report(c, BX_SEV_ERROR, "ZIP-SYMLINK", "条目 '%s' 是符号链接",
               "entry '%s' is a symbolic link", e->shown);
        return -1;
    }
    if (type == MODE_DIR || (e->attr & DOS_ATTR_DIR)) {
        report(c, BX_SEV_ERROR, "ZIP-DIR", name_messages[NAME_DIR].zh,
               name_messages[NAME_DIR].en, e->shown);
        return -1;
    }
    if (type != 0 && type != MODE_REGULAR) {
        report(c, BX_SEV_ERROR, "ZIP-SPECIAL",
               "条目 '%s' 是设备、管道或套接字等特殊文件",
               "entry '%s' is a special file (device, fifo or socket)",
               e->shown);
        return -1;
    }
    return 0;
}

static void check_entry_sizes(struct rctx *c, const struct bxzip_limits *lim,
                              const struct rentry *e)
{
    unsigned long long size = e->pub.size;
    unsigned long long csize = e->pub.csize;

    if (e->pub.method == METHOD_STORE && size != csize) {
        report(c, BX_SEV_ERROR, "ZIP-SIZE-MISMATCH",
               "未压缩条目 '%s' 声明 %llu 字节，实际存放 %llu 字节",
               "stored entry '%s' declares %llu bytes but holds %llu", e->shown,
               size, csize);
    } else if (size > lim->max_entry_size) {
        report(c, BX_SEV_ERROR, "ZIP-LIMIT",
               "条目 '%s' 声明 %llu 字节，超过上限 %llu",
               "entry '%s' declares %llu bytes, more than the limit of %llu",
               e->shown, size, (unsigned long long)lim->max_entry_size);
    } else if (size > BXZIP_RATIO_FLOOR && size > csize * lim->max_ratio) {
        report(c, BX_SEV_ERROR, "ZIP-BOMB",
               "条目 '%s' 由 %llu 字节解压为 %llu 字节，压缩比超过 %u:1",
               "entry '%s' inflates %llu bytes into %llu, a ratio over %u:1",
               e->shown, csize, size, lim->max_ratio);
    }
}

/* Per-entry checks of a central record; reports the first problem. */
static void check_entry(struct rctx *c, const struct bxzip_limits *lim,
                        struct rentry *e, const unsigned char *rec)
{
    const unsigned char *extra = rec + CENTRAL_LEN + e->name_len;
    const char *code;

    /* The name first: check_unique() skips entries with bad names. */
    if (check_entry_name(c, e) != 0 ||
        check_entry_format(c, e, get16(rec + 34)) != 0 ||
        check_entry_type(c, e) != 0) {
        return;
    }
    code = extra_problem(extra, get16(rec + 30));
    if (code != NULL) {
        report_extra(c, e, code);
        return;
    }
    check_entry_sizes(c, lim, e);
}

/* Copy the name and the fields we keep from the central record 'p'. */
static int load_entry(const unsigned char *p, struct rentry *e)
{
    e->made_by = get16(p + 4);
    e->flags = get16(p + 8);
    e->pub.method = (int)get16(p + 10);
    e->pub.mtime_unix = unix_from_dos(get16(p + 12), get16(p + 14));
    e->pub.crc = get32(p + 16);
    e->pub.csize = get32(p + 20);
    e->pub.size = get32(p + 24);
    e->name_len = get16(p + 28);
    e->attr = get32(p + 38);
    e->local_off = get32(p + 42);
    e->raw_name = p + CENTRAL_LEN;
    e->shown = util_escape_untrusted((const char *)e->raw_name, e->name_len,
                                     SHOWN_NAME_MAX);
    e->pub.name = malloc(e->name_len + 1);
    if (e->shown == NULL || e->pub.name == NULL) {
        return BX_E_NOMEM;
    }
    memcpy((char *)e->pub.name, e->raw_name, e->name_len);
    ((char *)e->pub.name)[e->name_len] = '\0';
    return BX_OK;
}

/*
 * Parse central record 'i' at 'p' with 'avail' directory bytes left;
 * '*used' is its length.  A record that does not fit is FATAL.
 */
static int parse_central(struct rctx *c, const unsigned char *p, size_t avail,
                         size_t i, struct rentry *e, size_t *used)
{
    if (avail < CENTRAL_LEN || get32(p) != SIG_CENTRAL) {
        report(c, BX_SEV_FATAL, "ZIP-FORMAT",
               "中央目录第 %lu 条记录缺失或损坏（条目数与结束记录不符）",
               "central directory record %lu is missing or damaged (entry "
               "count disagrees with the end record)",
               (unsigned long)i + 1);
        return BX_E_PARSE;
    }
    *used = CENTRAL_LEN + (size_t)get16(p + 28) + get16(p + 30) + get16(p + 32);
    if (*used > avail) {
        report(c, BX_SEV_FATAL, "ZIP-TRUNCATED",
               "中央目录第 %lu 条记录超出中央目录",
               "central directory record %lu runs past the directory",
               (unsigned long)i + 1);
        return BX_E_PARSE;
    }
    return load_entry(p, e);
}

static int read_central(struct rctx *c, struct bxzip_reader *r,
                        const struct eocd *eo)
{
    size_t pos = eo->cd_off;
    size_t end = pos + eo->cd_size;
    size_t used = 0;
    size_t i;
    int rc;

    r->ents = calloc(eo->count ? eo->count : 1, sizeof(*r->ents));
    if (r->ents == NULL) {
        return BX_E_NOMEM;
    }
    for (i = 0; i < eo->count; i++) {
        r->count++;
        rc = parse_central(c, r->buf + pos, end - pos, i, &r->ents[i], &used);
        if (rc != BX_OK) {
            return rc;
        }
        check_entry(c, &r->lim, &r->ents[i], r->buf + pos);
        pos += used;
    }
    if (pos != end) {
        report(c, BX_SEV_FATAL, "ZIP-FORMAT",
               "中央目录的记录多于结束记录声明的 %u 条",
               "central directory holds more than the %u entries its end "
               "record declares",
               eo->count);
        return BX_E_PARSE;
    }
    return BX_OK;
}

/* ---------------------------------------------------------------- */
/* Reader: names across entries                                      */
/* ---------------------------------------------------------------- */

struct folded {
    char *name; /* fold_name() */
    size_t index;
};

static int cmp_folded(const void *a, const void *b)
{
    const struct folded *x = a;
    const struct folded *y = b;
    int d = strcmp(x->name, y->name);

    if (d != 0) {
        return d;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_folded_name(const void *key, const void *elem)
{
    return strcmp(key, ((const struct folded *)elem)->name);
}

/*
 * Report entries whose directories are files of the archive.  'dir' has
 * room for the longest name.
 */
static void check_dir_conflicts(struct rctx *c, const struct bxzip_reader *r,
                                const struct folded *f, size_t n, char *dir)
{
    const struct folded *hit;
    const char *slash;
    size_t i;

    for (i = 0; i < n; i++) {
        slash = strchr(f[i].name, '/');
        for (; slash != NULL; slash = strchr(slash + 1, '/')) {
            memcpy(dir, f[i].name, (size_t)(slash - f[i].name));
            dir[slash - f[i].name] = '\0';
            hit = bsearch(dir, f, n, sizeof(*f), cmp_folded_name);
            if (hit == NULL) {
                continue;
            }
            report(c, BX_SEV_ERROR, "ZIP-DUP",
                   "条目 '%s' 需要 '%s' 是目录，但它是文件",
                   "entry '%s' needs '%s' to be a directory, but it is a file",
                   r->ents[f[i].index].shown, r->ents[hit->index].shown);
            break;
        }
    }
}

static void check_dups(struct rctx *c, const struct bxzip_reader *r,
                       const struct folded *f, size_t n)
{
    size_t i;

    for (i = 1; i < n; i++) {
        if (strcmp(f[i - 1].name, f[i].name) != 0) {
            continue;
        }
        report(c, BX_SEV_ERROR, "ZIP-DUP",
               "条目 '%s' 与 '%s' 重名（不区分大小写）",
               "entry '%s' has the same name as '%s' (ignoring case)",
               r->ents[f[i].index].shown, r->ents[f[i - 1].index].shown);
    }
}

/* Names that collide once extracted: duplicates and file/dir clashes. */
static int check_unique(struct rctx *c, const struct bxzip_reader *r)
{
    struct folded *f = calloc(r->count ? r->count : 1, sizeof(*f));
    char *dir = malloc(0x10000); /* a name has at most 65535 bytes */
    size_t n = 0;
    size_t i;
    int rc = BX_E_NOMEM;

    if (f == NULL || dir == NULL) {
        goto out;
    }
    for (i = 0; i < r->count; i++) {
        if (r->ents[i].bad_name) {
            continue;
        }
        f[n].name = fold_name(r->ents[i].pub.name, r->ents[i].name_len);
        f[n].index = i;
        if (f[n++].name == NULL) {
            goto out;
        }
    }
    qsort(f, n, sizeof(*f), cmp_folded);
    check_dups(c, r, f, n);
    check_dir_conflicts(c, r, f, n, dir);
    rc = BX_OK;
out:
    for (i = 0; f != NULL && i < n; i++) {
        free(f[i].name);
    }
    free(f);
    free(dir);
    return rc;
}

static void check_total(struct rctx *c, const struct bxzip_reader *r)
{
    uint64_t total = 0;
    size_t i;

    for (i = 0; i < r->count; i++) {
        total += r->ents[i].pub.size;
    }
    if (total > r->lim.max_total_size) {
        report(c, BX_SEV_ERROR, "ZIP-LIMIT",
               "各条目共声明 %llu 字节，超过上限 %llu",
               "entries declare %llu bytes in total, more than the limit of "
               "%llu",
               (unsigned long long)total,
               (unsigned long long)r->lim.max_total_size);
    } else if (total > BXZIP_RATIO_TOTAL_FLOOR &&
               total / r->lim.max_ratio > r->len) {
        report(c, BX_SEV_ERROR, "ZIP-BOMB",
               "%llu 字节的压缩包共解压为 %llu 字节，压缩比超过 %u:1",
               "an archive of %llu bytes inflates into %llu in total, a "
               "ratio over %u:1",
               (unsigned long long)r->len, (unsigned long long)total,
               r->lim.max_ratio);
    }
}

/* ---------------------------------------------------------------- */
/* Reader: local headers                                             */
/* ---------------------------------------------------------------- */

/* Name, flags, method and extra field of the local header at 'p'. */
static int check_local_header(struct rctx *c, const unsigned char *p,
                              const struct rentry *e)
{
    const char *zh = NULL;
    const char *en = NULL;
    const char *code;
    size_t n = get16(p + 26);

    if (n != e->name_len || memcmp(p + LOCAL_LEN, e->raw_name, n) != 0) {
        zh = "名称";
        en = "name";
    } else if (get16(p + 6) != e->flags) {
        zh = "标志位";
        en = "flags";
    } else if ((int)get16(p + 8) != e->pub.method) {
        zh = "压缩方法";
        en = "compression method";
    }
    if (zh != NULL) {
        report(c, BX_SEV_ERROR, "ZIP-HEADER-MISMATCH",
               "条目 '%s' 的本地文件头与中央目录不一致（%s）",
               "local header of entry '%s' disagrees with the central "
               "directory (%.0s%s)",
               e->shown, zh, en);
        return -1;
    }
    code = extra_problem(p + LOCAL_LEN + n, get16(p + 28));
    if (code != NULL) {
        report_extra(c, e, code);
        return -1;
    }
    return 0;
}

/* A data descriptor leaves the local fields zero; else they must match. */
static int local_field_ok(uint32_t local, uint64_t central, int descriptor)
{
    return local == central || (descriptor && local == 0);
}

static int check_local_values(struct rctx *c, const unsigned char *p,
                              const struct rentry *e)
{
    int dd = (e->flags & FLAG_DESCRIPTOR) != 0;

    if (!local_field_ok(get32(p + 14), e->pub.crc, dd)) {
        report(c, BX_SEV_ERROR, "ZIP-CRC",
               "条目 '%s' 的本地文件头 CRC 与中央目录不一致",
               "local header of entry '%s' declares a different CRC than "
               "the central directory",
               e->shown);
        return -1;
    }
    if (!local_field_ok(get32(p + 18), e->pub.csize, dd) ||
        !local_field_ok(get32(p + 22), e->pub.size, dd)) {
        report(c, BX_SEV_ERROR, "ZIP-SIZE-MISMATCH",
               "条目 '%s' 的本地文件头大小与中央目录不一致",
               "local header of entry '%s' declares different sizes than "
               "the central directory",
               e->shown);
        return -1;
    }
    return 0;
}

static int descriptor_matches(const unsigned char *p, const struct rentry *e)
{
    return get32(p) == e->pub.crc && get32(p + 4) == e->pub.csize &&
           get32(p + 8) == e->pub.size;
}

/* Check the data descriptor after the data of 'e' and extend e->end. */
static void check_descriptor(struct rctx *c, const unsigned char *buf,
                             uint64_t limit, struct rentry *e)
{
    uint64_t at = e->end;

    if (at + 16 <= limit && get32(buf + at) == SIG_DESCRIPTOR &&
        descriptor_matches(buf + at + 4, e)) {
        e->end = at + 16;
    } else if (at + 12 <= limit && descriptor_matches(buf + at, e)) {
        e->end = at + 12;
    } else if (at + 12 > limit) {
        report(c, BX_SEV_ERROR, "ZIP-TRUNCATED",
               "条目 '%s' 的数据描述符超出条目区域",
               "data descriptor of entry '%s' runs past the entry area",
               e->shown);
    } else {
        report(c, BX_SEV_ERROR, "ZIP-SIZE-MISMATCH",
               "条目 '%s' 的数据描述符与中央目录不一致",
               "data descriptor of entry '%s' disagrees with the central "
               "directory",
               e->shown);
    }
}

static void report_out_of_bounds(struct rctx *c, const struct rentry *e)
{
    report(c, BX_SEV_ERROR, "ZIP-TRUNCATED", "条目 '%s' 的数据超出条目区域",
           "entry '%s' runs past the entry area", e->shown);
}

/* Cross-check entry 'e' against its local header; entries end at 'limit'. */
static void check_local(struct rctx *c, const unsigned char *buf,
                        uint64_t limit, struct rentry *e)
{
    const unsigned char *p = buf + e->local_off;

    if (e->local_off + LOCAL_LEN > limit) {
        report_out_of_bounds(c, e);
        return;
    }
    if (get32(p) != SIG_LOCAL) {
        report(c, BX_SEV_ERROR, "ZIP-FORMAT", "条目 '%s' 的本地文件头缺失",
               "entry '%s' has no local header at its offset", e->shown);
        return;
    }
    e->data_off = e->local_off + LOCAL_LEN + get16(p + 26) + get16(p + 28);
    e->end = e->data_off + e->pub.csize;
    if (e->end > limit) {
        report_out_of_bounds(c, e);
        return;
    }
    if (check_local_header(c, p, e) != 0 || check_local_values(c, p, e) != 0) {
        return;
    }
    if (e->flags & FLAG_DESCRIPTOR) {
        check_descriptor(c, buf, limit, e);
    }
}

static int cmp_offset(const void *a, const void *b)
{
    const struct rentry *x = *(const struct rentry *const *)a;
    const struct rentry *y = *(const struct rentry *const *)b;

    return x->local_off < y->local_off ? -1 : x->local_off > y->local_off;
}

/* Bytes no entry accounts for, before entry 'e' (NULL: the directory). */
static void report_gap(struct rctx *c, const struct rentry *e, uint64_t gap)
{
    if (e != NULL) {
        report(c, BX_SEV_ERROR, "ZIP-FORMAT",
               "条目 '%s' 之前有 %llu 个不属于任何条目的字节",
               "entry '%s' is preceded by %llu bytes that belong to no entry",
               e->shown, (unsigned long long)gap);
    } else {
        report(c, BX_SEV_ERROR, "ZIP-FORMAT",
               "中央目录之前有 %llu 个不属于任何条目的字节",
               "the central directory is preceded by %llu bytes that belong "
               "to no entry",
               (unsigned long long)gap);
    }
}

/*
 * Every byte of the entry area belongs to exactly one entry: entries must
 * not share bytes (the "overlapping files" zip bomb), and nothing may
 * hide before the first, between two, or after the last ('cd_off').
 */
static int check_layout(struct rctx *c, const struct bxzip_reader *r,
                        uint64_t cd_off)
{
    const struct rentry **v = calloc(r->count ? r->count : 1, sizeof(*v));
    uint64_t at = 0;
    size_t i;

    if (v == NULL) {
        return BX_E_NOMEM;
    }
    for (i = 0; i < r->count; i++) {
        v[i] = &r->ents[i];
    }
    qsort(v, r->count, sizeof(*v), cmp_offset);
    for (i = 0; i < r->count; i++) {
        if (i > 0 && v[i - 1]->end > v[i]->local_off) {
            report(
                c, BX_SEV_ERROR, "ZIP-OVERLAP", "条目 '%s' 与 '%s' 的数据重叠",
                "entries '%s' and '%s' overlap", v[i - 1]->shown, v[i]->shown);
        } else if (v[i]->local_off > at) {
            report_gap(c, v[i], v[i]->local_off - at);
        }
        at = v[i]->end > at ? v[i]->end : at;
    }
    if (cd_off > at) {
        report_gap(c, NULL, cd_off - at);
    }
    free(v);
    return BX_OK;
}

/* ---------------------------------------------------------------- */
/* Reader: open, query, free                                         */
/* ---------------------------------------------------------------- */

void bxzip_limits_default(struct bxzip_limits *l)
{
    l->max_entries = 10000;
    l->max_entry_size = UINT64_C(256) << 20;
    l->max_total_size = UINT64_C(1) << 30;
    l->max_ratio = 200;
}

static void limits_fill(struct bxzip_limits *l, const struct bxzip_limits *in)
{
    struct bxzip_limits def;

    bxzip_limits_default(&def);
    *l = in != NULL ? *in : def;
    l->max_entries = l->max_entries ? l->max_entries : def.max_entries;
    l->max_entry_size =
        l->max_entry_size ? l->max_entry_size : def.max_entry_size;
    l->max_total_size =
        l->max_total_size ? l->max_total_size : def.max_total_size;
    l->max_ratio = l->max_ratio ? l->max_ratio : def.max_ratio;
}

/*
 * Run every check in order.  A stage that leaves the structure in doubt
 * (BX_E_PARSE) stops the later stages, which rely on it.
 */
static int check_archive(struct rctx *c, struct bxzip_reader *r)
{
    struct eocd eo;
    size_t i;
    int rc;

    rc = find_eocd(c, r->buf, r->len, &r->lim, &eo);
    if (rc == BX_OK) {
        rc = read_central(c, r, &eo);
    }
    if (rc == BX_OK && c->rc != BX_E_PARSE) {
        rc = check_unique(c, r);
    }
    if (rc != BX_OK || c->rc == BX_E_PARSE || c->rc == BX_E_NOMEM) {
        return rc != BX_OK ? rc : c->rc;
    }
    check_total(c, r);
    for (i = 0; i < r->count; i++) {
        check_local(c, r->buf, eo.cd_off, &r->ents[i]);
    }
    if (c->rc == BX_E_PARSE) {
        return c->rc;
    }
    rc = check_layout(c, r, eo.cd_off);
    return rc != BX_OK ? rc : c->rc;
}

int bxzip_reader_open(const void *buf, size_t len,
                      const struct bxzip_limits *lim, const char *file,
                      struct bx_diags *diags, struct bxzip_reader **out)
{
    struct rctx c = {diags, file, BX_OK, 0};
    struct bxzip_reader *r = NULL;
    int rc = BX_E_NOMEM;

    if (out == NULL || (buf == NULL && len > 0)) {
        return BX_E_ARG;
    }
    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        goto out;
    }
    r->buf = buf;
    r->len = len;
    r->file = util_strdup(file);
    if (file != NULL && r->file == NULL) {
        goto out;
    }
    limits_fill(&r->lim, lim);
    rc = check_archive(&c, r);
    if (rc != BX_OK) {
        goto out;
    }
    *out = r;
    r = NULL; /* ownership moved to the caller */
out:
    bxzip_reader_free(r);
    return rc;
}

size_t bxzip_reader_count(const struct bxzip_reader *r)
{
    return r->count;
}

const struct bxzip_entry *bxzip_reader_entry(const struct bxzip_reader *r,
                                             size_t i)
{
    return i < r->count ? &r->ents[i].pub : NULL;
}

void bxzip_reader_free(struct bxzip_reader *r)
{
    size_t i;

    if (r == NULL) {
        return;
    }
    for (i = 0; i < r->count; i++) {
        free((char *)r->ents[i].pub.name);
        free(r->ents[i].shown);
    }
    free(r->ents);
    free(r->file);
    free(r);
}

/* ---------------------------------------------------------------- */
/* Reader: extraction                                                */
/* ---------------------------------------------------------------- */

/* Chunk of inflated data handed to a sink at a time. */
#define STREAM_CHUNK (64u * 1024u)

/* Inflation of one entry, as far as it went. */
struct inflated {
    int zr;            /* last inflate() result */
    uint64_t total;    /* bytes produced and accepted */
    unsigned avail_in; /* compressed bytes left unread */
    int over;          /* the data went past the declared size */
};

/* Explain how the inflate of 'e' failed. */
static void report_inflate(struct rctx *c, const struct rentry *e,
                           const struct inflated *f)
{
    if (f->zr == Z_MEM_ERROR) {
        c->rc = BX_E_NOMEM;
    } else if (f->over) {
        report(c, BX_SEV_ERROR, "ZIP-BOMB",
               "条目 '%s' 解压后超过声明的 %llu 字节",
               "entry '%s' inflates to more than the %llu bytes declared",
               e->shown, (unsigned long long)e->pub.size);
    } else if (f->zr == Z_STREAM_END && f->total < e->pub.size) {
        report(c, BX_SEV_ERROR, "ZIP-SIZE-MISMATCH",
               "条目 '%s' 解压后只有 %llu 字节，声明 %llu 字节",
               "entry '%s' inflates to %llu bytes, fewer than the %llu "
               "declared",
               e->shown, (unsigned long long)f->total,
               (unsigned long long)e->pub.size);
    } else if (f->zr == Z_STREAM_END) {
        report(c, BX_SEV_ERROR, "ZIP-SIZE-MISMATCH",
               "条目 '%s' 的压缩数据在流结束后还有 %u 字节",
               "entry '%s' has %u compressed bytes after its stream ends",
               e->shown, f->avail_in);
    } else if (f->zr == Z_BUF_ERROR) {
        report(c, BX_SEV_ERROR, "ZIP-TRUNCATED", "条目 '%s' 的压缩数据不完整",
               "compressed data of entry '%s' ends early", e->shown);
    } else {
        report(c, BX_SEV_ERROR, "ZIP-FORMAT", "条目 '%s' 的压缩数据已损坏",
               "compressed data of entry '%s' is corrupt", e->shown);
    }
}

/*
 * Inflate 'e' chunk by chunk into 'fn', never asking zlib for more than
 * one byte past the declared size: that byte proves the data is longer
 * than declared, and inflation stops there.  Updates '*crc'.
 */
static int inflate_entry(struct rctx *c, const struct rentry *e,
                         const unsigned char *src, unsigned char *chunk,
                         bxzip_sink_fn fn, void *arg, uLong *crc)
{
    struct inflated f = {Z_OK, 0, 0, 0};
    uint64_t room;
    z_stream s;
    size_t n;
    int rc = BX_OK;

    memset(&s, 0, sizeof(s));
    f.zr = inflateInit2(&s, RAW_DEFLATE);
    if (f.zr != Z_OK) {
        return f.zr == Z_MEM_ERROR ? BX_E_NOMEM : BX_E_INTERNAL;
    }
    s.next_in = src;
    s.avail_in = (uInt)e->pub.csize;
    while (rc == BX_OK && f.zr == Z_OK) {
        room = e->pub.size - f.total + 1;
        s.next_out = chunk;
        s.avail_out = (uInt)(room < STREAM_CHUNK ? room : STREAM_CHUNK);
        f.zr = inflate(&s, Z_NO_FLUSH);
        n = (size_t)(s.next_out - chunk);
        if (f.total + n > e->pub.size) {
            f.over = 1;
            break;
        }
        f.total += n;
        *crc = crc32(*crc, chunk, (uInt)n);
        rc = n > 0 && (f.zr == Z_OK || f.zr == Z_STREAM_END) ? fn(arg, chunk, n)
                                                             : BX_OK;
    }
    f.avail_in = s.avail_in;
    inflateEnd(&s);
    if (rc != BX_OK) {
        return rc; /* the sink said stop: its status */
    }
    if (f.over || f.zr != Z_STREAM_END || f.total != e->pub.size ||
        f.avail_in != 0) {
        report_inflate(c, e, &f);
    }
    return c->rc;
}

/* Hand a stored entry to 'fn' chunk by chunk.  Updates '*crc'. */
static int copy_entry(const struct rentry *e, const unsigned char *src,
                      bxzip_sink_fn fn, void *arg, uLong *crc)
{
    uint64_t off = 0;
    size_t n;
    int rc = BX_OK;

    while (rc == BX_OK && off < e->pub.size) {
        n = e->pub.size - off < STREAM_CHUNK ? (size_t)(e->pub.size - off)
                                             : STREAM_CHUNK;
        *crc = crc32(*crc, src + off, (uInt)n);
        rc = fn(arg, src + off, n);
        off += n;
    }
    return rc;
}

int bxzip_reader_stream(struct bxzip_reader *r, size_t i, bxzip_sink_fn fn,
                        void *arg, struct bx_diags *diags)
{
    struct rctx c = {diags, NULL, BX_OK, 0};
    const struct rentry *e;
    unsigned char *chunk;
    uLong crc = crc32(0, NULL, 0);
    int rc;

    if (r == NULL || fn == NULL || i >= r->count) {
        return BX_E_ARG;
    }
    e = &r->ents[i];
    c.file = r->file;
    if (e->pub.method == METHOD_STORE) {
        rc = copy_entry(e, r->buf + e->data_off, fn, arg, &crc);
    } else {
        chunk = malloc(STREAM_CHUNK);
        if (chunk == NULL) {
            return BX_E_NOMEM;
        }
        rc = inflate_entry(&c, e, r->buf + e->data_off, chunk, fn, arg, &crc);
        free(chunk);
    }
    if (rc == BX_OK && crc != e->pub.crc) {
        report(&c, BX_SEV_ERROR, "ZIP-CRC", "条目 '%s' 的数据 CRC 校验失败",
               "entry '%s' fails its CRC check", e->shown);
        rc = c.rc;
    }
    return rc;
}

/* Sink of bxzip_reader_extract(): append into a buffer of the size. */
struct fill {
    unsigned char *buf;
    size_t len;
};

static int fill_sink(void *arg, const void *data, size_t len)
{
    struct fill *f = arg;

    memcpy(f->buf + f->len, data, len); /* never past the declared size */
    f->len += len;
    return BX_OK;
}

int bxzip_reader_extract(struct bxzip_reader *r, size_t i, unsigned char **data,
                         size_t *len, struct bx_diags *diags)
{
    struct fill f = {NULL, 0};
    int rc;

    if (data == NULL || len == NULL) {
        return BX_E_ARG;
    }
    *data = NULL;
    *len = 0;
    if (r == NULL || i >= r->count) {
        return BX_E_ARG;
    }
    f.buf = malloc((size_t)r->ents[i].pub.size + 1);
    if (f.buf == NULL) {
        return BX_E_NOMEM;
    }
    rc = bxzip_reader_stream(r, i, fill_sink, &f, diags);
    if (rc != BX_OK) {
        free(f.buf);
        return rc;
    }
    f.buf[f.len] = '\0';
    *data = f.buf;
    *len = f.len;
    return BX_OK;
}
