/*
 * bxzip: the ZIP layer under submission bundles, written over zlib.
 * A deterministic in-memory writer and a strict in-memory reader that
 * refuses anything a bundle never contains (ZIP64, encryption, links,
 * directories, odd paths).  No file I/O here; package.c does that.
 */
#ifndef BX_BXZIP_H
#define BX_BXZIP_H

#include <stddef.h>
#include <stdint.h>

#include "budgetx.h"

/* ---------------------------------------------------------------- */
/* Writer                                                            */
/* ---------------------------------------------------------------- */

/*
 * What the writer produces, for every entry:
 * - method deflate (8), always, even when it does not shrink the data:
 *   one code path, and the bytes depend only on the inputs and zlib;
 *   level 6, raw stream (windowBits -15), memLevel 8, default strategy;
 * - version made by 0x031E (UNIX, spec 3.0), external attributes
 *   0100644 << 16 (regular file rw-r--r--), version needed 2.0;
 * - general purpose flags 0, plus bit 11 when the name is not ASCII;
 * - DOS date/time of 'mtime_unix' read as UTC, clamped to
 *   1980-01-01 00:00:00 .. 2107-12-31 23:59:58, seconds rounded down
 *   to even;
 * - no extra fields, no data descriptors, no comments, no ZIP64.
 * Identical inputs give identical bytes with the same zlib build.  Other
 * deflate implementations (zlib-ng, a future zlib) may choose different
 * but equally valid streams, so verification must compare contents and
 * checksums, never the archive bytes.
 */
struct bxzip_writer;

/*
 * Start an empty archive.  Returns BX_OK or BX_E_NOMEM.
 * Caller frees '*out' with bxzip_writer_free().
 */
int bxzip_writer_new(struct bxzip_writer **out);

/*
 * Append the file 'name' holding 'len' bytes of 'data' (which may be
 * NULL when 'len' is 0).  Entries keep the order in which they are added.
 *
 * 'name' must be a path the strict reader accepts: non-empty, relative,
 * '/'-separated, valid UTF-8 without control characters, no backslash,
 * no ':', no empty, '.' or '..' component, no trailing '/', at most
 * 65535 bytes, and not equal (ignoring ASCII case) to an earlier name nor
 * a directory of one ('a' and 'a/b' conflict).
 *
 * Returns BX_OK; BX_E_ARG for a bad or duplicate name; BX_E_LIMIT when
 * the entry or the archive would pass 4 GiB - 1 or 65534 entries;
 * BX_E_STATE after bxzip_writer_finish(); BX_E_NOMEM; BX_E_INTERNAL if
 * zlib fails.  On failure the archive is unchanged.
 */
int bxzip_writer_add(struct bxzip_writer *w, const char *name, const void *data,
                     size_t len, int64_t mtime_unix);

/*
 * Append the central directory and the end record, and hand the whole
 * archive to the caller in '*buf' / '*len' (caller frees with free()).
 * The writer can then only be freed.  Returns BX_OK, BX_E_LIMIT (over
 * 4 GiB - 1), BX_E_STATE (already finished) or BX_E_NOMEM; on failure
 * '*buf' and '*len' are untouched.
 */
int bxzip_writer_finish(struct bxzip_writer *w, unsigned char **buf,
                        size_t *len);

/* Free the writer and anything not yet handed out.  NULL-safe. */
void bxzip_writer_free(struct bxzip_writer *w);

/*
 * Non-zero when 'name' alone passes the name rules of bxzip_writer_add()
 * (path, characters, Windows device names, trailing dots and spaces).
 */
int bxzip_name_ok(const char *name);

/*
 * Streaming (for bundles that must not sit in memory): a sink receives
 * the archive's bytes in order, each entry once it is written and the
 * directory at bxzip_writer_finish() (which then hands out no buffer:
 * NULL, 0).  A sink returns BX_OK or a status that fails the call.  Set
 * it before the first entry.
 */
typedef int (*bxzip_sink_fn)(void *user, const void *buf, size_t len);
void bxzip_writer_set_sink(struct bxzip_writer *w, bxzip_sink_fn sink,
                           void *user);

/*
 * Deflate 'len' bytes ahead of bxzip_writer_add_deflated() (in any
 * thread): '*out' (caller frees), '*clen' bytes, and the CRC-32 of the
 * input.  libdeflate, not zlib: the bytes differ from bxzip_writer_add()'s
 * (same data, fewer bytes, faster), always the same for the same input.
 * Returns BX_OK, BX_E_LIMIT, BX_E_NOMEM, BX_E_INTERNAL.
 */
int bxzip_deflate(const void *data, size_t len, unsigned char **out,
                  size_t *clen, uint32_t *crc);

/*
 * bxzip_writer_add() for data bxzip_deflate() compressed: 'clen' bytes
 * 'cdata' of 'len' bytes with CRC 'crc'.  The headers are byte for byte
 * what bxzip_writer_add() of the original data gives.  Same returns.
 */
int bxzip_writer_add_deflated(struct bxzip_writer *w, const char *name,
                              const void *cdata, size_t clen, size_t len,
                              uint32_t crc, int64_t mtime_unix);

/* ---------------------------------------------------------------- */
/* Strict reader                                                     */
/* ---------------------------------------------------------------- */

/*
 * Limits checked against the sizes the archive declares, before any
 * byte is inflated; extraction then holds every entry to its declared
 * size.  A zero field means "use the default".
 */
struct bxzip_limits {
    size_t max_entries;      /* default 10,000 */
    uint64_t max_entry_size; /* uncompressed bytes; default 256 MiB */
    uint64_t max_total_size; /* sum over entries; default 1 GiB */
    unsigned max_ratio;      /* size / compressed size; default 200 */
};

/*
 * The ratio limit applies to every entry larger than this floor (a small
 * file of one repeated byte deflates far beyond 200:1 and is harmless),
 * and to the archive as a whole: the sizes declared by all entries
 * together may not pass max_ratio times the archive's length once they
 * pass BXZIP_RATIO_TOTAL_FLOOR.  So many small entries cannot add up to
 * a bomb either: a 1 MB archive declares at most 200 MB.
 */
#define BXZIP_RATIO_FLOOR (64u * 1024u)
#define BXZIP_RATIO_TOTAL_FLOOR (1024u * 1024u)

/* Fill 'l' with the defaults above. */
void bxzip_limits_default(struct bxzip_limits *l);

/* One file of an archive that passed bxzip_reader_open(). */
struct bxzip_entry {
    const char *name;   /* NUL-terminated UTF-8, as stored */
    uint64_t size;      /* declared uncompressed size */
    uint64_t csize;     /* compressed size */
    uint32_t crc;       /* declared CRC-32 */
    int method;         /* 0 stored, 8 deflate */
    int64_t mtime_unix; /* DOS date/time read as UTC */
};

struct bxzip_reader;

/*
 * Parse and check the archive in 'buf' (which must outlive the reader:
 * entries are not copied).  'lim' NULL means the defaults; 'file' (may
 * be NULL) names the archive in diagnostics.
 *
 * Refused, each with an ERROR diagnostic (FATAL when nothing can be read)
 * that names the entry and has one of these codes:
 *   ZIP-FORMAT     not a zip, ZIP64, multi-disk, trailing or stray bytes,
 *                  entry count or extra fields malformed      BX_E_PARSE
 *   ZIP-TRUNCATED  a record or entry data runs past its bounds BX_E_PARSE
 *   ZIP-HEADER-MISMATCH  local header name/method/flags differ BX_E_PARSE
 *   ZIP-SIZE-MISMATCH    sizes differ (local header, data
 *                  descriptor, stored entry), or data inflates
 *                  to less than declared                       BX_E_PARSE
 *   ZIP-OVERLAP    two entries share bytes                     BX_E_PARSE
 *   ZIP-PATH       name empty, absolute, with '..', '.' or empty
 *                  components, backslash, ':', control chars,
 *                  invalid UTF-8, or a second (Unicode Path
 *                  extra field) name                           BX_E_INVALID
 *   ZIP-DIR        directory entry (bundles have none)         BX_E_INVALID
 *   ZIP-DUP        same name ignoring ASCII case, or a file
 *                  that is also another entry's directory      BX_E_INVALID
 *   ZIP-SYMLINK    UNIX symlink mode                           BX_E_INVALID
 *   ZIP-SPECIAL    device, fifo or socket mode                 BX_E_INVALID
 *   ZIP-ENCRYPTED  flag bits 0/6/13 or method 99               BX_E_INVALID
 *   ZIP-METHOD     method other than 0 (stored) or 8 (deflate) BX_E_INVALID
 *   ZIP-CRC        CRC differs (local header or data)          BX_E_INVALID
 *   ZIP-LIMIT      too many entries, an entry or the total
 *                  too large                                   BX_E_LIMIT
 *   ZIP-BOMB       ratio over the limit, or data inflates past
 *                  its declared size                           BX_E_LIMIT
 * Every entry is checked and reported (up to 100 diagnostics); the
 * status of the first problem found is returned.  Non-ASCII names must
 * be valid UTF-8 whether or not flag bit 11 is set.  An archive with no
 * entries is valid.
 *
 * Returns BX_OK, one of the statuses above, BX_E_ARG or BX_E_NOMEM.
 * On success the caller frees '*out' with bxzip_reader_free(); on
 * failure '*out' is NULL.  'diags' may be NULL.
 */
int bxzip_reader_open(const void *buf, size_t len,
                      const struct bxzip_limits *lim, const char *file,
                      struct bx_diags *diags, struct bxzip_reader **out);

/* Number of entries, in central directory order. */
size_t bxzip_reader_count(const struct bxzip_reader *r);

/* Entry 'i' (valid while 'r' lives), or NULL when out of range. */
const struct bxzip_entry *bxzip_reader_entry(const struct bxzip_reader *r,
                                             size_t i);

/*
 * Decompress entry 'i' into '*data' / '*len' (caller frees '*data' with
 * free(); it holds one extra NUL byte past '*len' for convenience).
 * Inflation stops one byte past the declared size, so a lying entry
 * costs at most that much memory.  Refuses (ZIP-BOMB, BX_E_LIMIT) data
 * that inflates past the declared size, (ZIP-SIZE-MISMATCH, BX_E_PARSE)
 * a stream that ends short of it or before its compressed bytes do,
 * (ZIP-TRUNCATED, BX_E_PARSE) compressed bytes that run out mid-stream,
 * (ZIP-FORMAT, BX_E_PARSE) a corrupt deflate stream, and (ZIP-CRC,
 * BX_E_INVALID) a CRC mismatch.  Returns BX_OK, those, BX_E_ARG (bad 'i') or
 * BX_E_NOMEM; on failure '*data' is NULL and '*len' 0.  'diags' may be NULL.
 */
int bxzip_reader_extract(struct bxzip_reader *r, size_t i, unsigned char **data,
                         size_t *len, struct bx_diags *diags);

/*
 * When reading, a bxzip_sink_fn (above) receives the data of an entry in
 * order, in pieces of at most 64 KiB; BX_OK goes on, anything else stops
 * the call with that status.
 */

/*
 * Stream entry 'i' into 'fn' without holding it: memory use is one
 * 64 KiB chunk whatever the entry's size.  The same checks as
 * bxzip_reader_extract(), but the data has been handed out by the time a
 * CRC mismatch or a short stream is found: a caller that must not act on
 * bad data keeps what it computed (digests) or wrote (a temporary file)
 * until BX_OK.  Returns BX_OK, the statuses of bxzip_reader_extract(), or
 * the first status other than BX_OK that 'fn' returned.
 */
int bxzip_reader_stream(struct bxzip_reader *r, size_t i, bxzip_sink_fn fn,
                        void *arg, struct bx_diags *diags);

/* Free the reader (not the buffer it reads).  NULL-safe. */
void bxzip_reader_free(struct bxzip_reader *r);

#endif /* BX_BXZIP_H */
