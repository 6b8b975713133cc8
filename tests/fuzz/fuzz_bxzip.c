/*
 * libFuzzer target for the strict ZIP reader: open any input, then
 * extract every entry of an archive that opens.  Limits are lowered so
 * that a single input cannot ask for much memory.  `make fuzz` builds and
 * runs it on tests/fuzz/corpus/bxzip/ (seeds: tests/zip/make_fixtures.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "bxzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every extracted entry must match what the reader declared. */
static void extract_all(struct bxzip_reader *r, struct bx_diags *diags)
{
    const struct bxzip_entry *e;
    unsigned char *out;
    size_t len;
    size_t i;

    for (i = 0; i < bxzip_reader_count(r); i++) {
        e = bxzip_reader_entry(r, i);
        if (e == NULL || e->name == NULL || strlen(e->name) == 0) {
            abort();
        }
        if (bxzip_reader_extract(r, i, &out, &len, diags) != BX_OK) {
            continue;
        }
        if (len != e->size || out[len] != '\0') {
            abort();
        }
        free(out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bxzip_limits lim;
    struct bx_diags diags;
    struct bxzip_reader *r = NULL;

    bxzip_limits_default(&lim);
    lim.max_entries = 1000;
    lim.max_entry_size = 4u << 20;
    lim.max_total_size = 16u << 20;
    bx_diags_init(&diags);
    if (bxzip_reader_open(data, size, &lim, "fuzz.zip", &diags, &r) == BX_OK) {
        extract_all(r, &diags);
    } else if (r != NULL || diags.count == 0) {
        abort(); /* a refusal always says why and returns no reader */
    }
    bxzip_reader_free(r);
    bx_diags_release(&diags);
    return 0;
}
