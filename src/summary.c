/*
 * Merging JSON Lines reports (validate --format jsonl) from the shards of
 * a run into one report: a small strict JSON reader for those lines, and
 * the files they describe sorted by path.  Rendering is report.c's.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "util.h"

/* Untrusted input: a line longer or nested deeper than this is refused. */
#define MAX_LINE (64u << 20)
#define MAX_DEPTH 16

/* ---------------------------------------------------------------- */
/* A JSON value (only what a line of ours holds)                     */
/* ---------------------------------------------------------------- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
    enum jtype type;
    long long num;      /* J_NUM (integers only: ours are), J_BOOL */
    char *str;          /* J_STR */
    struct jval *items; /* J_ARR, J_OBJ (values) */
    char **keys;        /* J_OBJ */
    size_t n;
};

static void jfree(struct jval *v)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        jfree(&v->items[i]);
        if (v->keys != NULL) {
            free(v->keys[i]);
        }
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    memset(v, 0, sizeof(*v));
}

struct jparse {
    const char *p;
    const char *end;
    int depth;
};

static void skip_ws(struct jparse *j)
{
    while (j->p < j->end &&
           (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
        j->p++;
    }
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char c = p[i];

        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (unsigned)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (unsigned)(c - 'A' + 10);
        } else {
            return -1;
        }
    }
    *out = v;
    return 0;
}

static void put_utf8(struct bx_buf *b, unsigned cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(b, u, n);
}

/* "\uXXXX" (and its low surrogate) at j->p, just past the 'u'. */
static int unicode_escape(struct jparse *j, struct bx_buf *b)
{
    unsigned hi;
    unsigned lo;

    if (j->end - j->p < 4 || hex4(j->p, &hi) != 0) {
        return -1;
    }
    j->p += 4;
    if (hi >= 0xD800 && hi < 0xDC00) {
        if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
            hex4(j->p + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
            return -1;
        }
        j->p += 6;
        hi = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    } else if (hi >= 0xDC00 && hi < 0xE000) {
        return -1;
    }
    put_utf8(b, hi);
    return 0;
}

/*
 * Untrusted text must not reach a terminal or a report as anything but
 * text: valid UTF-8, no control characters but tab and newline.
 */
static int clean_text(const unsigned char *s, size_t n)
{
    size_t i = 0;
    size_t k;
    size_t len;
    unsigned cp;

    while (i < n) {
        cp = s[i];
        len = cp < 0x80 ? 1 : cp >= 0xF0 ? 4 : cp >= 0xE0 ? 3 : 2;
        if (cp < 0x80) {
            if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F) {
                return 0;
            }
        } else if (cp < 0xC2 || cp > 0xF4 || i + len > n) {
            return 0;
        } else {
            cp &= 0x3F >> (len - 1);
            for (k = 1; k < len; k++) {
                if ((s[i + k] & 0xC0) != 0x80) {
                    return 0;
                }
                cp = cp << 6 | (s[i + k] & 0x3F);
            }
            if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
                cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000) ||
                (cp >= 0x80 && cp < 0xA0)) {
                return 0;
            }
        }
        i += len;
    }
    return 1;
}

static int parse_string(struct jparse *j, char **out)
{
    static const char esc_in[] = "\"\\/bfnrt";
    static const char esc_out[] = "\"\\/\b\f\n\r\t";
    struct bx_buf b;
    const char *e;

    buf_init(&b);
    j->p++; /* the opening quote */
    while (j->p < j->end && *j->p != '"') {
        if ((unsigned char)*j->p < 0x20) {
            goto fail;
        }
        if (*j->p != '\\') {
            buf_append(&b, j->p++, 1);
            continue;
        }
        if (++j->p >= j->end) {
            goto fail;
        }
        e = strchr(esc_in, *j->p);
        if (*j->p == 'u') {
            j->p++;
            if (unicode_escape(j, &b) != 0) {
                goto fail;
            }
        } else if (e != NULL && *e != '\0') {
            buf_append(&b, &esc_out[e - esc_in], 1);
            j->p++;
        } else {
            goto fail;
        }
    }
    if (j->p >= j->end || b.failed ||
        !clean_text((const unsigned char *)b.data, b.len)) {
        goto fail;
    }
    j->p++;
    buf_puts(&b, ""); /* an empty string still gets a buffer */
    *out = buf_take(&b, NULL);
    return *out != NULL ? 0 : -1;
fail:
    buf_release(&b);
    return -1;
}

static int parse_value(struct jparse *j, struct jval *v);

/* Append a member (key may be NULL for arrays); takes 'key'. */
static int push_member(struct jval *v, char *key, struct jparse *j)
{
    struct jval *items = realloc(v->items, (v->n + 1) * sizeof(*items));
    char **keys;

    if (items == NULL) {
        free(key);
        return -1;
    }
    v->items = items;
    memset(&items[v->n], 0, sizeof(*items));
    if (v->type == J_OBJ) {
        keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));
        if (keys == NULL) {
            free(key);
            return -1;
        }
        v->keys = keys;
        keys[v->n] = key;
    }
    v->n++;
    return parse_value(j, &items[v->n - 1]);
}

static int parse_container(struct jparse *j, struct jval *v, char close)
{
    char *key = NULL;

    v->type = close == '}' ? J_OBJ : J_ARR;
    if (++j->depth > MAX_DEPTH) {
        return -1;
    }
    j->p++;
    skip_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 0;
    }
    for (;;) {
        skip_ws(j);
        if (v->type == J_OBJ) {
            if (j->p >= j->end || *j->p != '"' || parse_string(j, &key) != 0) {
                return -1;
            }
            skip_ws(j);
            if (j->p >= j->end || *j->p++ != ':') {
                free(key);
                return -1;
            }
        }
        if (push_member(v, key, j) != 0) {
            return -1;
        }
        key = NULL;
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return 0;
        }
        return -1;
    }
}

static int parse_word(struct jparse *j, const char *w)
{
    size_t n = strlen(w);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0) {
        return -1;
    }
    j->p += n;
    return 0;
}

static int parse_number(struct jparse *j, struct jval *v)
{
    char digits[32];
    size_t n = 0;
    char *end;

    while (j->p + n < j->end && n < sizeof(digits) - 1 &&
           ((j->p[n] >= '0' && j->p[n] <= '9') || (n == 0 && j->p[n] == '-'))) {
        n++;
    }
    memcpy(digits, j->p, n);
    digits[n] = '\0';
    errno = 0;
    v->type = J_NUM;
    v->num = strtoll(digits, &end, 10);
    if (n == 0 || *end != '\0' || errno != 0) {
        return -1; /* our lines hold integers only */
    }
    j->p += n;
    return 0;
}

static int parse_value(struct jparse *j, struct jval *v)
{
    skip_ws(j);
    if (j->p >= j->end) {
        return -1;
    }
    switch (*j->p) {
    case '{':
        return parse_container(j, v, '}');
    case '[':
        return parse_container(j, v, ']');
    case '"':
        v->type = J_STR;
        return parse_string(j, &v->str);
    case 't':
        v->type = J_BOOL;
        v->num = 1;
        return parse_word(j, "true");
    case 'f':
        v->type = J_BOOL;
        return parse_word(j, "false");
    case 'n':
        v->type = J_NULL;
        return parse_word(j, "null");
    default:
        return parse_number(j, v);
    }
}

static const struct jval *jget(const struct jval *obj, const char *key)
{
    size_t i;

    for (i = 0; obj->type == J_OBJ && i < obj->n; i++) {
        if (strcmp(obj->keys[i], key) == 0) {
            return &obj->items[i];
        }
    }
    return NULL;
}

static const char *jstr(const struct jval *obj, const char *key)
{
    const struct jval *v = jget(obj, key);

    return v != NULL && v->type == J_STR ? v->str : NULL;
}

static long long jnum(const struct jval *obj, const char *key, long long dflt)
{
    const struct jval *v = jget(obj, key);

    return v != NULL && (v->type == J_NUM || v->type == J_BOOL) ? v->num : dflt;
}

/* ---------------------------------------------------------------- */
/* The merged run                                                    */
/* ---------------------------------------------------------------- */

struct sfile {
    char *line; /* the raw line: a tie-break that keeps the order total */
    char *path;
    char *sha256;
    char *ruleset_id;
    char *ruleset_version;
    int status;
    int schema_valid;
    struct bx_diags diags;
    struct bx_coverage coverage; /* with --all-rules' list when given */
};

struct bx_summary {
    struct sfile *files;
    size_t count;
    size_t cap;
    struct bx_file_result *results;
    int fail_on; /* from the summary lines; -1 none yet, -2 they differ */
};

int bx_summary_new(struct bx_summary **out)
{
    *out = calloc(1, sizeof(**out));
    if (*out == NULL) {
        return BX_E_NOMEM;
    }
    (*out)->fail_on = -1;
    return BX_OK;
}

static void sfile_release(struct sfile *f)
{
    size_t i;

    free(f->line);
    free(f->path);
    free(f->sha256);
    free(f->ruleset_id);
    free(f->ruleset_version);
    bx_diags_release(&f->diags);
    for (i = 0; i < f->coverage.nrules; i++) {
        free((char *)f->coverage.rules[i].rule); /* ours, not a context's */
    }
    bx_coverage_release(&f->coverage);
}

void bx_summary_free(struct bx_summary *s)
{
    size_t i;

    if (s == NULL) {
        return;
    }
    for (i = 0; i < s->count; i++) {
        sfile_release(&s->files[i]);
    }
    free(s->files);
    free(s->results);
    free(s);
}

static int severity_of(const char *name)
{
    int i;

    for (i = 0; name != NULL && i < BX_SEV_COUNT; i++) {
        if (strcmp(name, bx_severity_name((enum bx_severity)i)) == 0) {
            return i;
        }
    }
    return -1;
}

static int add_finding(struct sfile *f, const struct jval *o)
{
    struct bx_diag d;
    int sev = severity_of(jstr(o, "severity"));

    if (o->type != J_OBJ || sev < 0) {
        return BX_E_PARSE;
    }
    memset(&d, 0, sizeof(d));
    d.severity = (enum bx_severity)sev;
    d.code = (char *)jstr(o, "code");
    d.rule = (char *)jstr(o, "rule");
    d.file = (char *)jstr(o, "file");
    d.line = (long)jnum(o, "line", 0);
    d.column = (long)jnum(o, "column", 0);
    d.xpath = (char *)jstr(o, "xpath");
    d.message_zh = (char *)jstr(o, "message_zh");
    d.message_en = (char *)jstr(o, "message_en");
    if (d.message_zh == NULL && d.message_en == NULL) {
        d.message_en = (char *)jstr(o, "message");
    }
    d.table = (char *)jstr(o, "table");
    d.row = (char *)jstr(o, "row");
    d.column_label = (char *)jstr(o, "column_label");
    d.printed = (char *)jstr(o, "printed");
    d.computed = (char *)jstr(o, "computed");
    d.difference = (char *)jstr(o, "difference");
    d.tolerance = (char *)jstr(o, "tolerance");
    return bx_diags_add(&f->diags, &d);
}

static int name_index(const char *name, const char *(*fn)(int), int n)
{
    int i;

    for (i = 0; name != NULL && i < n; i++) {
        if (strcmp(name, fn(i)) == 0) {
            return i;
        }
    }
    return -1;
}

static const char *outcome_name(int i)
{
    return bx_outcome_name((enum bx_outcome)i);
}

static const char *reason_name(int i)
{
    return bx_na_reason_name((enum bx_na_reason)i);
}

/* The "rules" list of --all-rules: each rule's outcome. */
static int read_rules(struct bx_coverage *c, const struct jval *a)
{
    const struct jval *o;
    size_t i;
    int out;
    int why;

    if (a->type != J_ARR) {
        return BX_E_PARSE;
    }
    c->rules = calloc(a->n ? a->n : 1, sizeof(*c->rules));
    if (c->rules == NULL) {
        return BX_E_NOMEM;
    }
    for (i = 0; i < a->n; i++) {
        o = &a->items[i];
        out = name_index(jstr(o, "outcome"), outcome_name, 3);
        why = jstr(o, "reason") != NULL
                  ? name_index(jstr(o, "reason"), reason_name, BX_NA_COUNT)
                  : 0;
        if (jstr(o, "rule") == NULL || out < 0 || why < 0) {
            return BX_E_PARSE;
        }
        c->rules[i].rule = util_strdup(jstr(o, "rule"));
        if (c->rules[i].rule == NULL) {
            return BX_E_NOMEM;
        }
        c->rules[i].outcome = (enum bx_outcome)out;
        c->rules[i].reason = (enum bx_na_reason)why;
        c->nrules++;
    }
    return BX_OK;
}

/* The counts of a "coverage" object (null: the rules did not run). */
static int read_coverage(struct bx_coverage *c, const struct jval *o)
{
    const struct jval *by;
    int r;

    if (o == NULL || o->type == J_NULL) {
        return BX_OK;
    }
    by = jget(o, "not_assessable_by_reason");
    if (o->type != J_OBJ || by == NULL || by->type != J_OBJ) {
        return BX_E_PARSE;
    }
    c->evaluated = 1;
    c->checked = (size_t)jnum(o, "checked", 0);
    c->failed = (size_t)jnum(o, "failed", 0);
    c->not_assessable = (size_t)jnum(o, "not_assessable", 0);
    c->narrative_only = jnum(o, "narrative_only", 0) != 0;
    for (r = 1; r < BX_NA_COUNT; r++) {
        c->by_reason[r] =
            (size_t)jnum(by, bx_na_reason_name((enum bx_na_reason)r), 0);
    }
    return jget(o, "rules") != NULL ? read_rules(c, jget(o, "rules")) : BX_OK;
}

static char *dup_or_null(const char *s)
{
    return s != NULL ? util_strdup(s) : NULL;
}

/* Fill 'f' from a "file" line; BX_OK, BX_E_PARSE or BX_E_NOMEM. */
static int read_file_line(struct sfile *f, const struct jval *o)
{
    const struct jval *rs = jget(o, "ruleset");
    const struct jval *fs = jget(o, "findings");
    const struct jval *sv = jget(o, "schema_valid");
    size_t i;
    int rc = BX_OK;

    if (jstr(o, "path") == NULL || fs == NULL || fs->type != J_ARR) {
        return BX_E_PARSE;
    }
    f->path = util_strdup(jstr(o, "path"));
    f->sha256 = dup_or_null(jstr(o, "sha256"));
    f->status = (int)jnum(o, "status", BX_OK);
    f->schema_valid = sv == NULL || sv->type == J_NULL ? -1 : (int)sv->num;
    if (rs != NULL && rs->type == J_OBJ && jstr(rs, "id") != NULL) {
        f->ruleset_id = util_strdup(jstr(rs, "id"));
        f->ruleset_version = dup_or_null(jstr(rs, "version"));
    }
    rc = read_coverage(&f->coverage, jget(o, "coverage"));
    for (i = 0; rc == BX_OK && i < fs->n; i++) {
        rc = add_finding(f, &fs->items[i]);
    }
    if (rc == BX_OK && f->path == NULL) {
        rc = BX_E_NOMEM;
    }
    return rc;
}

static int take_fail_on(struct bx_summary *s, const struct jval *o)
{
    int sev = severity_of(jstr(o, "fail_on"));

    if (sev < 0) {
        return BX_E_PARSE;
    }
    if (s->fail_on == -1) {
        s->fail_on = sev;
    } else if (s->fail_on != sev) {
        s->fail_on = -2;
    }
    return BX_OK;
}

/* One line of a report: a file (kept), a summary (checked). */
static int read_line(struct bx_summary *s, const char *line, size_t len)
{
    struct jparse j = {line, line + len, 0};
    struct jval v;
    struct sfile *f;
    const char *type;
    int rc = BX_E_PARSE;

    memset(&v, 0, sizeof(v));
    if (parse_value(&j, &v) == 0 && (skip_ws(&j), j.p == j.end) &&
        v.type == J_OBJ) {
        type = jstr(&v, "type");
        rc = BX_E_PARSE;
        if (type != NULL && strcmp(type, "summary") == 0) {
            rc = take_fail_on(s, &v);
        } else if (type != NULL && strcmp(type, "file") == 0) {
            rc = BX_E_NOMEM;
            if (s->count == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 64;
                struct sfile *grown = realloc(s->files, cap * sizeof(*grown));

                if (grown == NULL) {
                    goto out;
                }
                s->files = grown;
                s->cap = cap;
            }
            f = &s->files[s->count];
            memset(f, 0, sizeof(*f));
            bx_diags_init(&f->diags);
            f->line = util_strdup(line);
            rc = f->line != NULL ? read_file_line(f, &v) : BX_E_NOMEM;
            if (rc == BX_OK) {
                s->count++;
            } else {
                sfile_release(f);
            }
        }
    }
out:
    jfree(&v);
    return rc;
}

static void bad_line(struct bx_diags *diags, const char *path, long lineno,
                     int rc)
{
    if (rc == BX_E_NOMEM) {
        return;
    }
    bx_diags_addf(diags, BX_SEV_FATAL, "SUMMARY-JSONL", path, lineno,
                  rc == BX_E_LIMIT ? "行过长"
                                   : "不是 budgetx 的 JSON Lines 报告行",
                  rc == BX_E_LIMIT ? "line too long"
                                   : "not a line of a budgetx jsonl report");
}

int bx_summary_read(struct bx_summary *s, const char *path,
                    struct bx_diags *diags)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = BX_OK;

    if (fp == NULL) {
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-READ", path, 0, "无法读取文件",
                      "cannot read file");
        return BX_E_IO;
    }
    while (rc == BX_OK && (n = getline(&line, &cap, fp)) > 0) {
        lineno++;
        if (line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        if (n == 0) {
            continue;
        }
        rc = (size_t)n > MAX_LINE        ? BX_E_LIMIT
             : strlen(line) != (size_t)n ? BX_E_PARSE
                                         : read_line(s, line, (size_t)n);
        if (rc != BX_OK) {
            bad_line(diags, path, lineno, rc);
        }
    }
    if (rc == BX_OK && ferror(fp)) {
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-READ", path, 0, "读取文件出错",
                      "error reading file");
        rc = BX_E_IO;
    }
    free(line);
    if (fp != stdin) {
        fclose(fp);
    }
    return rc == BX_E_LIMIT ? BX_E_PARSE : rc;
}

int bx_summary_fail_on(const struct bx_summary *s)
{
    return s->fail_on;
}

static int cmp_files(const void *a, const void *b)
{
    const struct sfile *x = a;
    const struct sfile *y = b;
    int c = strcmp(x->path, y->path);

    return c != 0 ? c : strcmp(x->line, y->line);
}

int bx_summary_report(struct bx_summary *s, enum bx_lang lang,
                      enum bx_severity fail_on, struct bx_report *rep)
{
    struct bx_file_result *r;
    size_t i;

    if (s->count > 1) {
        qsort(s->files, s->count, sizeof(*s->files), cmp_files);
    }
    free(s->results);
    s->results = calloc(s->count ? s->count : 1, sizeof(*s->results));
    if (s->results == NULL) {
        return BX_E_NOMEM;
    }
    for (i = 0; i < s->count; i++) {
        r = &s->results[i];
        r->path = s->files[i].path;
        r->sha256 = s->files[i].sha256;
        r->status = s->files[i].status;
        r->schema_valid = s->files[i].schema_valid;
        r->ruleset_id = s->files[i].ruleset_id;
        r->ruleset_version = s->files[i].ruleset_version;
        r->diags = &s->files[i].diags;
        r->coverage =
            s->files[i].coverage.evaluated ? &s->files[i].coverage : NULL;
    }
    memset(rep, 0, sizeof(*rep));
    /* rules' outcomes were listed (validate --all-rules): list them */
    for (i = 0; i < s->count; i++) {
        rep->all_rules |= s->files[i].coverage.nrules > 0;
    }
    rep->files = s->results;
    rep->nfiles = s->count;
    rep->lang = lang;
    rep->fail_on = fail_on;
    return BX_OK;
}
