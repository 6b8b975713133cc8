/*
 * Diagnostics as data: a growable list of findings that every stage
 * appends to.  Nothing here formats or prints; see report.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "diag.h"
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

int bx_status_exit_code(int status)
{
    switch (status) {
    case BX_OK:
        return BX_EXIT_OK;
    case BX_E_INVALID:
        return BX_EXIT_INVALID;
    case BX_E_ARG:
        return BX_EXIT_USAGE;
    case BX_E_IO:
    case BX_E_PARSE:
    case BX_E_LIMIT:
    case BX_E_EXISTS:
        return BX_EXIT_IO;
    default: /* NOMEM, DATA, STATE, INTERNAL and unknown codes */
        return BX_EXIT_INTERNAL;
    }
}

const char *bx_display(const char *s, char *buf, size_t size)
{
    char *esc;
    size_t n;

    if (size == 0) {
        return "";
    }
    buf[0] = '\0';
    if (s == NULL) {
        return buf;
    }
    /* most names need no escape: shown as they are, with no allocation
     * that could fail and leave a "?" where the name belongs */
    esc = util_needs_display_escape(s) ? util_escape_display(s) : (char *)s;
    if (esc == NULL) {
        snprintf(buf, size, "%s", "?");
        return buf;
    }
    n = strlen(esc);
    if (n < size) {
        memcpy(buf, esc, n + 1);
    } else if (size > 4) {
        /* cut at a character boundary, then "..." */
        n = size - 4;
        while (n > 0 && ((unsigned char)esc[n] & 0xc0) == 0x80) {
            n--;
        }
        memcpy(buf, esc, n);
        memcpy(buf + n, "...", 4);
    }
    if (esc != s) {
        free(esc);
    }
    return buf;
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

void diags_take_back(struct bx_diags *diags, const struct bx_diags *mark)
{
    if (diags == NULL) {
        return;
    }
    while (diags->count > mark->count) {
        diag_release(&diags->items[--diags->count]);
    }
    memcpy(diags->by_severity, mark->by_severity, sizeof(diags->by_severity));
    diags->suppressed = mark->suppressed;
}

/* One rule's (or code's) tally under the caps. */
struct cap_entry {
    char *key;
    int is_rule;
    size_t stored;
    size_t left_out;
    enum bx_severity worst;
};

struct caps {
    struct cap_entry *e;
    size_t n;
    size_t cap;
    size_t stored;   /* all keys */
    size_t left_out; /* by the total cap */
    enum bx_severity worst;
};

static void caps_free(struct caps *c)
{
    size_t i;

    if (c == NULL) {
        return;
    }
    for (i = 0; i < c->n; i++) {
        free(c->e[i].key);
    }
    free(c->e);
    free(c);
}

void bx_diags_release(struct bx_diags *diags)
{
    size_t i;

    for (i = 0; i < diags->count; i++) {
        diag_release(&diags->items[i]);
    }
    free(diags->items);
    caps_free(diags->caps);
    bx_diags_init(diags);
}

void bx_diags_set_caps(struct bx_diags *diags, size_t per_rule, size_t total)
{
    diags->max_per_rule = per_rule;
    diags->max_total = total;
}

/* The tally of 'key' (created when missing); NULL on ENOMEM. */
static struct cap_entry *cap_entry(struct bx_diags *diags, const char *key,
                                   int is_rule)
{
    struct caps *c = diags->caps;
    struct cap_entry *grown;
    size_t i;

    if (c == NULL) {
        c = calloc(1, sizeof(*c));
        if (c == NULL) {
            return NULL;
        }
        diags->caps = c;
    }
    /* linear: a file meets a few hundred distinct rules and codes */
    for (i = c->n; i-- > 0;) {
        if (strcmp(c->e[i].key, key) == 0) {
            return &c->e[i];
        }
    }
    if (c->n == c->cap) {
        grown = realloc(c->e, (c->cap ? c->cap * 2 : 32) * sizeof(*grown));
        if (grown == NULL) {
            return NULL;
        }
        c->e = grown;
        c->cap = c->cap ? c->cap * 2 : 32;
    }
    memset(&c->e[c->n], 0, sizeof(c->e[c->n]));
    c->e[c->n].key = util_strdup(key);
    if (c->e[c->n].key == NULL) {
        return NULL;
    }
    c->e[c->n].is_rule = is_rule;
    return &c->e[c->n++];
}

static int capped(const struct bx_diags *diags)
{
    return diags->max_per_rule > 0 || diags->max_total > 0;
}

int diags_admits(struct bx_diags *diags, const char *rule, const char *code)
{
    const struct caps *c = diags != NULL ? diags->caps : NULL;
    const char *key = rule != NULL ? rule : code != NULL ? code : "";
    size_t i;

    if (diags == NULL || !capped(diags) || c == NULL) {
        return 1;
    }
    if (diags->max_total > 0 && c->stored >= diags->max_total) {
        return 0;
    }
    for (i = c->n; diags->max_per_rule > 0 && i-- > 0;) {
        if (strcmp(c->e[i].key, key) == 0) {
            return c->e[i].stored < diags->max_per_rule;
        }
    }
    return 1;
}

/*
 * Decide whether a finding with 'rule'/'code' is stored (1) or only
 * counted (0) under the caps; BX_E_NOMEM when the tally cannot grow.
 */
static int cap_admit(struct bx_diags *diags, const char *rule, const char *code,
                     enum bx_severity sev)
{
    struct cap_entry *e = cap_entry(diags,
                                    rule != NULL   ? rule
                                    : code != NULL ? code
                                                   : "",
                                    rule != NULL);
    struct caps *c = diags->caps;

    if (e == NULL) {
        return BX_E_NOMEM;
    }
    if (diags->max_per_rule > 0 && e->stored >= diags->max_per_rule) {
        e->left_out++;
        e->worst = e->left_out == 1 || sev > e->worst ? sev : e->worst;
    } else if (diags->max_total > 0 && c->stored >= diags->max_total) {
        c->left_out++;
        c->worst = c->left_out == 1 || sev > c->worst ? sev : c->worst;
    } else {
        e->stored++;
        c->stored++;
        return 1;
    }
    diags->suppressed++;
    diags->by_severity[sev]++;
    return 0;
}

/*
 * Duplicate one optional string field, escaping display controls (see
 * util_escape_untrusted()): every finding any command prints, in any
 * format, passes here, so a file name or a quoted input byte can never
 * move the cursor, forge a line or reverse the text.  Sets *failed on
 * ENOMEM.
 */
static char *dup_field(const char *s, int *failed)
{
    char *p =
        util_needs_display_escape(s) ? util_escape_display(s) : util_strdup(s);

    if (s != NULL && p == NULL) {
        *failed = 1;
    }
    return p;
}

/* Append a copy of 'd'; 'count' 0 keeps it out of by_severity. */
static int add_record(struct bx_diags *diags, const struct bx_diag *d,
                      int count)
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
    if (count) {
        diags->by_severity[copy.severity]++;
    }
    return BX_OK;
}

int bx_diags_add(struct bx_diags *diags, const struct bx_diag *d)
{
    enum bx_severity sev =
        (unsigned)d->severity < BX_SEV_COUNT ? d->severity : BX_SEV_FATAL;
    int rc;

    if (diags == NULL) {
        return BX_OK; /* a NULL sink: the caller does not want findings */
    }
    if (capped(diags)) {
        rc = cap_admit(diags, d->rule, d->code, sev);
        if (rc <= 0) {
            return rc; /* counted, not stored; or BX_E_NOMEM */
        }
    }
    return add_record(diags, d, 1);
}

/* One "and N more" record. */
static int add_more(struct bx_diags *diags, const char *rule, size_t n,
                    enum bx_severity sev, size_t limit)
{
    struct bx_diag d;
    struct bx_buf zh;
    struct bx_buf en;
    int rc;

    buf_init(&zh);
    buf_init(&en);
    if (rule != NULL) {
        buf_printf(&zh,
                   "另有 %zu 条 %s 的发现未列出（每条规则至多列出 %zu 条）", n,
                   rule, limit);
        buf_printf(&en,
                   "and %zu more findings of %s not shown (at most %zu per "
                   "rule)",
                   n, rule, limit);
    } else {
        buf_printf(&zh, "另有 %zu 条发现未列出（每个文件至多列出 %zu 条）", n,
                   limit);
        buf_printf(&en,
                   "and %zu more findings not shown (at most %zu per file)", n,
                   limit);
    }
    memset(&d, 0, sizeof(d));
    d.severity = sev;
    d.code = "MORE-FINDINGS";
    d.rule = (char *)rule;
    d.message_zh = zh.data;
    d.message_en = en.data;
    rc = zh.failed || en.failed ? BX_E_NOMEM : add_record(diags, &d, 0);
    buf_release(&zh);
    buf_release(&en);
    return rc;
}

int bx_diags_finish(struct bx_diags *diags)
{
    struct caps *c = diags->caps;
    size_t i;
    int rc = BX_OK;

    for (i = 0; c != NULL && i < c->n; i++) {
        if (c->e[i].left_out > 0 && rc == BX_OK) {
            rc = add_more(diags, c->e[i].key, c->e[i].left_out, c->e[i].worst,
                          diags->max_per_rule);
        }
        c->e[i].left_out = 0;
    }
    if (c != NULL && c->left_out > 0 && rc == BX_OK) {
        rc = add_more(diags, NULL, c->left_out, c->worst, diags->max_total);
    }
    if (c != NULL) {
        c->left_out = 0;
    }
    return rc;
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

    for (i = 0; diags != NULL && i < diags->count; i++) {
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
