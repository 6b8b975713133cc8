/*
 * Diagnostics as data: a growable list of findings that every stage
 * appends to.  Nothing here formats or prints; see report.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "util.h"

static const char *const severity_names[BX_SEV_COUNT] = {"info", "warning",
                                                         "error", "fatal"};

const char *bx_severity_name(enum bx_severity sev)
{
    if ((unsigned)sev >= BX_SEV_COUNT) {
        return "unknown";
    }
    return severity_names[sev];
}

const char *bx_status_str(int status)
{
    switch (status) {
    case BX_OK:
        return "ok";
    case BX_E_NOMEM:
        return "out of memory";
    case BX_E_IO:
        return "input/output error";
    case BX_E_PARSE:
        return "malformed input";
    case BX_E_LIMIT:
        return "input exceeds a limit";
    case BX_E_DATA:
        return "broken data file";
    case BX_E_STATE:
        return "called out of order";
    case BX_E_ARG:
        return "invalid argument";
    case BX_E_EXISTS:
        return "output exists";
    case BX_E_INVALID:
        return "input is invalid";
    default:
        return "internal error";
    }
}

void bx_diags_init(struct bx_diags *diags)
{
    memset(diags, 0, sizeof(*diags));
}

static void diag_release(struct bx_diag *d)
{
    free(d->code);
    free(d->rule);
    free(d->file);
    free(d->xpath);
    free(d->message_zh);
    free(d->message_en);
    free(d->table);
    free(d->row);
    free(d->column_label);
    free(d->printed);
    free(d->computed);
    free(d->difference);
    free(d->tolerance);
    free(d->cell);
}

void bx_diags_release(struct bx_diags *diags)
{
    size_t i;

    for (i = 0; i < diags->count; i++) {
        diag_release(&diags->items[i]);
    }
    free(diags->items);
    bx_diags_init(diags);
}

/* Duplicate one optional string field; sets *failed on ENOMEM. */
static char *dup_field(const char *s, int *failed)
{
    char *p = util_strdup(s);

    if (s != NULL && p == NULL) {
        *failed = 1;
    }
    return p;
}

int bx_diags_add(struct bx_diags *diags, const struct bx_diag *d)
{
    struct bx_diag copy;
    struct bx_diag *grown;
    size_t cap;
    int failed = 0;

    if (diags->count == diags->cap) {
        cap = diags->cap ? diags->cap * 2 : 16;
        grown = realloc(diags->items, cap * sizeof(*grown));
        if (grown == NULL) {
            return BX_E_NOMEM;
        }
        diags->items = grown;
        diags->cap = cap;
    }
    copy = *d;
    copy.code = dup_field(d->code, &failed);
    copy.rule = dup_field(d->rule, &failed);
    copy.file = dup_field(d->file, &failed);
    copy.xpath = dup_field(d->xpath, &failed);
    copy.message_zh = dup_field(d->message_zh, &failed);
    copy.message_en = dup_field(d->message_en, &failed);
    copy.table = dup_field(d->table, &failed);
    copy.row = dup_field(d->row, &failed);
    copy.column_label = dup_field(d->column_label, &failed);
    copy.printed = dup_field(d->printed, &failed);
    copy.computed = dup_field(d->computed, &failed);
    copy.difference = dup_field(d->difference, &failed);
    copy.tolerance = dup_field(d->tolerance, &failed);
    copy.cell = dup_field(d->cell, &failed);
    if (failed) {
        diag_release(&copy);
        return BX_E_NOMEM;
    }
    if ((unsigned)copy.severity >= BX_SEV_COUNT) {
        copy.severity = BX_SEV_FATAL;
    }
    diags->items[diags->count++] = copy;
    diags->by_severity[copy.severity]++;
    return BX_OK;
}

int bx_diags_addf(struct bx_diags *diags, enum bx_severity sev,
                  const char *code, const char *file, long line,
                  const char *message_zh, const char *message_en)
{
    struct bx_diag d;

    memset(&d, 0, sizeof(d));
    d.severity = sev;
    d.code = (char *)code;
    d.file = (char *)file;
    d.line = line;
    d.message_zh = (char *)message_zh;
    d.message_en = (char *)message_en;
    return bx_diags_add(diags, &d);
}

const char *bx_diag_message(const struct bx_diag *d, enum bx_lang lang)
{
    const char *first = lang == BX_LANG_EN ? d->message_en : d->message_zh;
    const char *second = lang == BX_LANG_EN ? d->message_zh : d->message_en;

    if (first != NULL) {
        return first;
    }
    return second != NULL ? second : "";
}

int bx_diags_has(const struct bx_diags *diags, const char *id)
{
    size_t i;
    const struct bx_diag *d;

    for (i = 0; i < diags->count; i++) {
        d = &diags->items[i];
        if ((d->code != NULL && strcmp(d->code, id) == 0) ||
            (d->rule != NULL && strcmp(d->rule, id) == 0)) {
            return 1;
        }
    }
    return 0;
}

int bx_diags_worst(const struct bx_diags *diags)
{
    int sev;

    for (sev = BX_SEV_COUNT - 1; sev >= 0; sev--) {
        if (diags->by_severity[sev] > 0) {
            return sev;
        }
    }
    return -1;
}
