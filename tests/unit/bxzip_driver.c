/*
 * Test driver for the ZIP layer, used by tests/zip/interop.sh: writes a
 * zip from files with the writer, and lists or prints entries of a zip
 * through the strict reader.  Not installed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "bxzip.h"
#include "util.h"

#define MAX_INPUT (1024u * 1024u * 1024u)

enum { EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

static const char usage[] =
    "usage: bxzip_driver write OUT.zip FILE...  (entry names = FILE)\n"
    "       bxzip_driver list ZIP               (name, size, crc32)\n"
    "       bxzip_driver cat ZIP NAME           (entry bytes to stdout)\n"
    "Entry times come from $SOURCE_DATE_EPOCH (default 1980-01-01).\n"
    "Exit: 0 ok, 1 zip refused, 2 usage, 3 input/output error.\n";

static void print_diags(const struct bx_diags *diags)
{
    size_t i;
    const struct bx_diag *d;

    for (i = 0; i < diags->count; i++) {
        d = &diags->items[i];
        fprintf(stderr, "%s: %s %s: %s\n", d->file ? d->file : "-",
                bx_severity_name(d->severity), d->code,
                bx_diag_message(d, BX_LANG_EN));
    }
}

static int write_zip(const char *out, char **files, int n)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    int64_t mtime = epoch ? strtoll(epoch, NULL, 10) : 0;
    struct bxzip_writer *w = NULL;
    unsigned char *data = NULL;
    unsigned char *zip = NULL;
    size_t len = 0;
    int rc;
    int i;

    rc = bxzip_writer_new(&w);
    for (i = 0; i < n && rc == BX_OK; i++) {
        rc = util_read_file(files[i], MAX_INPUT, &data, &len);
        if (rc == BX_OK) {
            rc = bxzip_writer_add(w, files[i], data, len, mtime);
        }
        free(data);
        data = NULL;
        if (rc != BX_OK) {
            fprintf(stderr, "%s: %s\n", files[i], bx_status_str(rc));
        }
    }
    if (rc == BX_OK) {
        rc = bxzip_writer_finish(w, &zip, &len);
    }
    if (rc == BX_OK) {
        rc = util_write_atomic(out, zip, len, 1);
    }
    free(zip);
    bxzip_writer_free(w);
    return rc == BX_OK ? EXIT_OK : EXIT_IO;
}

/* Open 'path' with the strict reader; '*buf' must outlive '*r'. */
static int open_zip(const char *path, unsigned char **buf,
                    struct bxzip_reader **r)
{
    struct bx_diags diags;
    size_t len = 0;
    int rc;

    if (util_read_file(path, MAX_INPUT, buf, &len) != BX_OK) {
        fprintf(stderr, "%s: cannot read\n", path);
        return EXIT_IO;
    }
    bx_diags_init(&diags);
    rc = bxzip_reader_open(*buf, len, NULL, path, &diags, r);
    print_diags(&diags);
    bx_diags_release(&diags);
    return rc == BX_OK ? EXIT_OK : EXIT_REFUSED;
}

/* Extract entry 'i' (checking size and CRC) and hand its bytes to 'f'. */
static int with_entry(struct bxzip_reader *r, size_t i, FILE *f, int dump)
{
    const struct bxzip_entry *e = bxzip_reader_entry(r, i);
    struct bx_diags diags;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc;

    bx_diags_init(&diags);
    rc = bxzip_reader_extract(r, i, &data, &len, &diags);
    print_diags(&diags);
    bx_diags_release(&diags);
    if (rc == BX_OK && dump) {
        fwrite(data, 1, len, f);
    } else if (rc == BX_OK) {
        fprintf(f, "%s\t%zu\t%08" PRIx32 "\n", e->name, len, e->crc);
    }
    free(data);
    return rc == BX_OK ? EXIT_OK : EXIT_REFUSED;
}

static int list_or_cat(const char *path, const char *name)
{
    struct bxzip_reader *r = NULL;
    unsigned char *buf = NULL;
    size_t i;
    int found = 0;
    int ex = open_zip(path, &buf, &r);

    for (i = 0; ex == EXIT_OK && i < bxzip_reader_count(r); i++) {
        if (name == NULL) {
            ex = with_entry(r, i, stdout, 0);
        } else if (strcmp(bxzip_reader_entry(r, i)->name, name) == 0) {
            ex = with_entry(r, i, stdout, 1);
            found = 1;
        }
    }
    if (ex == EXIT_OK && name != NULL && !found) {
        fprintf(stderr, "%s: no entry '%s'\n", path, name);
        ex = EXIT_REFUSED;
    }
    bxzip_reader_free(r);
    free(buf);
    return ex;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "write") == 0) {
        return write_zip(argv[2], argv + 3, argc - 3);
    }
    if (argc == 3 && strcmp(argv[1], "list") == 0) {
        return list_or_cat(argv[2], NULL);
    }
    if (argc == 4 && strcmp(argv[1], "cat") == 0) {
        return list_or_cat(argv[2], argv[3]);
    }
    fputs(usage, stderr);
    return EXIT_USAGE;
}
