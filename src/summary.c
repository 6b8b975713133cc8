/*
 * Merging JSON Lines reports (validate --format jsonl) from the shards of
 * a run into one report: a small strict JSON reader for those lines, the
 * check that the reports are one complete set (each finished, none twice,
 * every shard once) and, given the input list, that they hold exactly its
 * paths, and the files they describe sorted by path.
 * Rendering is report.c's.
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

/* Counts over a report: of its file lines, or as its summary line says. */
struct scounts {
    unsigned long long files;
    unsigned long long accepted;
    unsigned long long rejected;
    unsigned long long by_severity[BX_SEV_COUNT];
    unsigned long long exit; /* the worst */
};

/* How a report ended. */
enum send {
    END_SUMMARY, /* with its summary line: complete if the counts agree */
    END_NONE,    /* file lines and no summary line after them */
    END_EMPTY    /* a file without a line */
};

/*
 * One report read: its lines from the first to its summary line (a file
 * may hold several: `cat` of shard reports), or to the end of the file.
 */
struct sreport {
    char *path; /* the file it was read from */
    long first; /* its first line (0: the file is empty) */
    long last;  /* its summary line, else its last line */
    enum send end;
    int after_summary;    /* END_NONE: it follows a summary line */
    struct scounts lines; /* over its file lines */
    struct scounts said;  /* its summary line's */
    int sharded;          /* its summary line has "shard" */
    struct bx_shard shard;
    char digest[65]; /* SHA-256 of its lines' SHA-256 (hex, one each) */
};

struct bx_summary {
    struct sfile *files;
    size_t count;
    size_t cap;
    struct bx_file_result *results;
    int fail_on; /* from the summary lines; -1 none yet, -2 they differ */
    struct sreport *reports;
    size_t nreports;
    size_t capreports;
};

/* The report being read by bx_summary_read(). */
struct reading {
    const char *path;
    struct bx_buf digests; /* hex SHA-256 of each of its lines */
    struct sreport cur;
    int open;   /* 'cur' has a line */
    int closed; /* a report of this file ended with its summary line */
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
    for (i = 0; i < s->nreports; i++) {
        free(s->reports[i].path);
    }
    free(s->reports);
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

/* A file line's verdict, counts and exit, added to its report's. */
static void count_file(struct scounts *c, const struct jval *o)
{
    const struct jval *n = jget(o, "counts");
    const char *verdict = jstr(o, "verdict");
    unsigned long long e = (unsigned long long)jnum(o, "exit", 0);
    int i;

    c->files++;
    if (verdict != NULL && strcmp(verdict, "accepted") == 0) {
        c->accepted++;
    } else {
        c->rejected++;
    }
    for (i = 0; n != NULL && i < BX_SEV_COUNT; i++) {
        c->by_severity[i] += (unsigned long long)jnum(
            n, bx_severity_name((enum bx_severity)i), 0);
    }
    if (e > c->exit) {
        c->exit = e;
    }
}

/* A count of a summary line: a number, not negative.  0 or -1. */
static int count_of(const struct jval *o, const char *key,
                    unsigned long long *out)
{
    const struct jval *v = jget(o, key);

    if (v == NULL || v->type != J_NUM || v->num < 0) {
        return -1;
    }
    *out = (unsigned long long)v->num;
    return 0;
}

/* 64 lower-case hex digits, as bx_inputs_digest() writes them. */
static int is_digest(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return s[64] == '\0';
}

/* The "shard" of a summary line, if any; BX_OK or BX_E_PARSE. */
static int read_shard(struct sreport *r, const struct jval *o)
{
    const struct jval *sh = jget(o, "shard");
    unsigned long long index;
    unsigned long long count;
    unsigned long long inputs;
    const char *list;

    if (sh == NULL) {
        return BX_OK;
    }
    list = jstr(sh, "list");
    if (sh->type != J_OBJ || count_of(sh, "index", &index) != 0 ||
        count_of(sh, "count", &count) != 0 ||
        count_of(sh, "inputs", &inputs) != 0 || index >= count ||
        list == NULL || !is_digest(list)) {
        return BX_E_PARSE;
    }
    r->sharded = 1;
    r->shard.index = (size_t)index;
    r->shard.count = (size_t)count;
    r->shard.inputs = (size_t)inputs;
    memcpy(r->shard.list, list, sizeof(r->shard.list));
    return BX_OK;
}

/* What a summary line says; BX_OK or BX_E_PARSE (a count missing). */
static int read_summary(struct sreport *r, const struct jval *o)
{
    const struct jval *n = jget(o, "counts");
    struct scounts *c = &r->said;
    int i;

    if (count_of(o, "files", &c->files) != 0 ||
        count_of(o, "accepted", &c->accepted) != 0 ||
        count_of(o, "rejected", &c->rejected) != 0 ||
        count_of(o, "exit", &c->exit) != 0 || n == NULL || n->type != J_OBJ) {
        return BX_E_PARSE;
    }
    for (i = 0; i < BX_SEV_COUNT; i++) {
        if (count_of(n, bx_severity_name((enum bx_severity)i),
                     &c->by_severity[i]) != 0) {
            return BX_E_PARSE;
        }
    }
    return read_shard(r, o);
}

/*
 * A file's counts as its line gives them ("counts"): they include the
 * findings the caps left out (MORE-FINDINGS), which its listed findings
 * do not.  Kept only when none is below what the listed ones count.
 */
static void keep_counts(struct bx_diags *d, const struct jval *o)
{
    const struct jval *counts = jget(o, "counts");
    unsigned long long n[BX_SEV_COUNT];
    int i;

    for (i = 0; i < BX_SEV_COUNT; i++) {
        if (counts == NULL ||
            count_of(counts, bx_severity_name((enum bx_severity)i), &n[i]) !=
                0 ||
            n[i] < d->by_severity[i]) {
            return;
        }
    }
    for (i = 0; i < BX_SEV_COUNT; i++) {
        d->by_severity[i] = (size_t)n[i];
    }
}

/* Line 'lineno' starts or extends the open report. */
static int note_line(struct reading *rd, const char *line, size_t len,
                     long lineno)
{
    char hex[65];
    int rc = util_digest_hex("sha256", line, len, hex, sizeof(hex));

    if (rc != BX_OK) {
        return rc;
    }
    if (!rd->open) {
        rd->open = 1;
        rd->cur.first = lineno;
    }
    rd->cur.last = lineno;
    buf_append(&rd->digests, hex, 64);
    return rd->digests.failed ? BX_E_NOMEM : BX_OK;
}

/* The open report ends ('end'): kept for bx_summary_check(). */
static int close_report(struct bx_summary *s, struct reading *rd, enum send end)
{
    struct sreport *r;
    int rc;

    if (s->nreports == s->capreports) {
        size_t cap = s->capreports ? s->capreports * 2 : 8;
        struct sreport *grown = realloc(s->reports, cap * sizeof(*grown));

        if (grown == NULL) {
            return BX_E_NOMEM;
        }
        s->reports = grown;
        s->capreports = cap;
    }
    r = &s->reports[s->nreports];
    *r = rd->cur;
    r->end = end;
    r->after_summary = end == END_NONE && rd->closed;
    r->path = util_strdup(rd->path);
    if (r->path == NULL) {
        return BX_E_NOMEM;
    }
    rc = util_digest_hex("sha256",
                         rd->digests.data != NULL ? rd->digests.data : "",
                         rd->digests.len, r->digest, sizeof(r->digest));
    if (rc != BX_OK) {
        free(r->path);
        return rc;
    }
    s->nreports++;
    memset(&rd->cur, 0, sizeof(rd->cur));
    rd->digests.len = 0;
    rd->open = 0;
    rd->closed |= end == END_SUMMARY;
    return BX_OK;
}

/* One line of a report: a file (kept), a summary (checked, ends it). */
static int read_line(struct bx_summary *s, struct reading *rd, const char *line,
                     size_t len)
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
            if (rc == BX_OK) {
                rc = read_summary(&rd->cur, &v);
            }
            if (rc == BX_OK) {
                rc = close_report(s, rd, END_SUMMARY);
            }
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
                keep_counts(&f->diags, &v);
                count_file(&rd->cur.lines, &v);
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

/* One non-empty line 'lineno' of 'n' bytes. */
static int take_line(struct bx_summary *s, struct reading *rd, const char *line,
                     size_t n, long lineno)
{
    if (n > MAX_LINE) {
        return BX_E_LIMIT;
    }
    if (strlen(line) != n) {
        return BX_E_PARSE;
    }
    if (note_line(rd, line, n, lineno) != BX_OK) {
        return BX_E_NOMEM;
    }
    return read_line(s, rd, line, n);
}

int bx_summary_read(struct bx_summary *s, const char *path,
                    struct bx_diags *diags)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    struct reading rd;
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
    memset(&rd, 0, sizeof(rd));
    rd.path = path;
    buf_init(&rd.digests);
    while (rc == BX_OK && (n = getline(&line, &cap, fp)) > 0) {
        lineno++;
        if (line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        if (n == 0) {
            continue;
        }
        rc = take_line(s, &rd, line, (size_t)n, lineno);
        if (rc != BX_OK) {
            bad_line(diags, path, lineno, rc);
        }
    }
    if (rc == BX_OK && ferror(fp)) {
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-READ", path, 0, "读取文件出错",
                      "error reading file");
        rc = BX_E_IO;
    }
    /* what is left: lines without their summary line, or nothing at all */
    if (rc == BX_OK && (rd.open || !rd.closed)) {
        rc = close_report(s, &rd, rd.open ? END_NONE : END_EMPTY);
    }
    buf_release(&rd.digests);
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

/* ---------------------------------------------------------------- */
/* One complete set of reports?                                      */
/* ---------------------------------------------------------------- */

/* The status to keep of two: out of memory, else a problem found. */
static int worse(int rc, int one)
{
    return rc == BX_E_NOMEM || one == BX_OK ? rc : one;
}

/* A FATAL finding of the messages in 'zh' and 'en' (released); returns
 * BX_E_PARSE (a problem found) or BX_E_NOMEM. */
static int fatal(struct bx_diags *diags, const char *code, const char *file,
                 long line, struct bx_buf *zh, struct bx_buf *en)
{
    int rc = BX_E_NOMEM;

    if (!zh->failed && !en->failed && zh->data != NULL && en->data != NULL) {
        rc = bx_diags_addf(diags, BX_SEV_FATAL, code, file, line, zh->data,
                           en->data);
    }
    buf_release(zh);
    buf_release(en);
    return rc != BX_OK ? rc : BX_E_PARSE;
}

/*
 * The first count a summary line and its file lines disagree on: its
 * name ("files", "accepted", "rejected", "exit", "counts.error" ...)
 * into 'key', or 0 when they agree.
 */
static int disagreement(const struct sreport *r, char *key, size_t size,
                        unsigned long long *said, unsigned long long *got)
{
    static const char *const names[] = {"files", "accepted", "rejected",
                                        "exit"};
    const unsigned long long *s[] = {&r->said.files, &r->said.accepted,
                                     &r->said.rejected, &r->said.exit};
    const unsigned long long *g[] = {&r->lines.files, &r->lines.accepted,
                                     &r->lines.rejected, &r->lines.exit};
    int i;

    for (i = 0; i < 4; i++) {
        if (*s[i] != *g[i]) {
            snprintf(key, size, "%s", names[i]);
            *said = *s[i];
            *got = *g[i];
            return 1;
        }
    }
    for (i = 0; i < BX_SEV_COUNT; i++) {
        if (r->said.by_severity[i] != r->lines.by_severity[i]) {
            snprintf(key, size, "counts.%s",
                     bx_severity_name((enum bx_severity)i));
            *said = r->said.by_severity[i];
            *got = r->lines.by_severity[i];
            return 1;
        }
    }
    return 0;
}

static const char *plural(unsigned long long n)
{
    return n == 1 ? "" : "s";
}

/* SUMMARY-INCOMPLETE when 'r' did not end with its summary line or
 * that line disagrees with its file lines; BX_OK when complete. */
static int check_complete(const struct sreport *r, struct bx_diags *diags)
{
    struct bx_buf zh;
    struct bx_buf en;
    unsigned long long said = 0;
    unsigned long long got = 0;
    char key[32] = "";
    long line = r->last;

    if (r->end == END_SUMMARY &&
        !disagreement(r, key, sizeof(key), &said, &got)) {
        return BX_OK;
    }
    buf_init(&zh);
    buf_init(&en);
    if (r->end == END_EMPTY) {
        buf_puts(&zh, "报告为空：写它的运行没有完成");
        buf_puts(&en, "empty report: the run that wrote it did not finish");
    } else if (r->end == END_NONE && r->after_summary) {
        line = r->first;
        buf_printf(&zh, "汇总行之后还有行：其后 %llu 个文件行没有自己的汇总行",
                   r->lines.files);
        buf_printf(&en,
                   "a line after the summary line: %llu file line%s follow "
                   "it without a summary line of their own",
                   r->lines.files, plural(r->lines.files));
    } else if (r->end == END_NONE) {
        buf_printf(&zh, "没有汇总行：写它的运行没有完成（%llu 个文件行）",
                   r->lines.files);
        buf_printf(&en,
                   "no summary line: the run that wrote it did not finish "
                   "(%llu file line%s)",
                   r->lines.files, plural(r->lines.files));
    } else if (strcmp(key, "files") == 0) {
        buf_printf(&zh, "%llu 个文件行，但汇总行记为 %llu 个", got, said);
        buf_printf(&en, "%llu file line%s but the summary says %llu", got,
                   plural(got), said);
    } else {
        buf_printf(&zh, "汇总行的 %s 为 %llu，但文件行合计为 %llu", key, said,
                   got);
        buf_printf(&en, "the summary says %s %llu but the file lines give %llu",
                   key, said, got);
    }
    return fatal(diags, "SUMMARY-INCOMPLETE", r->path, line, &zh, &en);
}

static int cmp_digest(const void *a, const void *b)
{
    const struct sreport *x = *(const struct sreport *const *)a;
    const struct sreport *y = *(const struct sreport *const *)b;
    int c = strcmp(x->digest, y->digest);

    /* the same array: the one read first comes first */
    return c != 0 ? c : (x > y) - (x < y);
}

/* SUMMARY-DUPLICATE for each report (of 'n', without "shard") whose
 * lines are those of one read before it. */
static int check_duplicates(const struct sreport **r, size_t n,
                            struct bx_diags *diags)
{
    struct bx_buf zh;
    struct bx_buf en;
    size_t first = 0;
    size_t i;
    int rc = BX_OK;
    int one;

    if (n > 1) {
        qsort(r, n, sizeof(*r), cmp_digest);
    }
    for (i = 1; i < n && rc != BX_E_NOMEM; i++) {
        if (strcmp(r[i]->digest, r[first]->digest) != 0) {
            first = i;
            continue;
        }
        buf_init(&zh);
        buf_init(&en);
        buf_printf(&zh,
                   "与“%s”（第 %ld 行起）是同一份报告：其中的文件会被计数两次",
                   r[first]->path, r[first]->first);
        buf_printf(&en,
                   "the same report as '%s' (from line %ld): its files would "
                   "be counted twice",
                   r[first]->path, r[first]->first);
        one = fatal(diags, "SUMMARY-DUPLICATE", r[i]->path, r[i]->first, &zh,
                    &en);
        rc = worse(rc, one);
    }
    return rc;
}

static int same_list(const struct bx_shard *a, const struct bx_shard *b)
{
    return a->count == b->count && a->inputs == b->inputs &&
           strcmp(a->list, b->list) == 0;
}

/* SUMMARY-SHARDS: 'r' is a shard of another list than 'ref'. */
static int foreign_shard(const struct sreport *r, const struct sreport *ref,
                         struct bx_diags *diags)
{
    const struct bx_shard *a = &r->shard;
    const struct bx_shard *b = &ref->shard;
    struct bx_buf zh;
    struct bx_buf en;

    buf_init(&zh);
    buf_init(&en);
    buf_printf(&zh,
               "分片 %zu/%zu（%zu 个输入，列表 %.12s…）与“%s”的分片 %zu/%zu"
               "（%zu 个输入，列表 %.12s…）不属同一组：--shard 的份数或输入"
               "列表不同",
               a->index, a->count, a->inputs, a->list, ref->path, b->index,
               b->count, b->inputs, b->list);
    buf_printf(&en,
               "shard %zu/%zu (%zu inputs, list %.12s...) does not belong "
               "with shard %zu/%zu in '%s' (%zu inputs, list %.12s...): "
               "another --shard count or input list",
               a->index, a->count, a->inputs, a->list, b->index, b->count,
               ref->path, b->inputs, b->list);
    return fatal(diags, "SUMMARY-SHARDS", r->path, r->last, &zh, &en);
}

/* SUMMARY-SHARDS: a report without "shard" among shard reports. */
static int unsharded(const struct sreport *r, struct bx_diags *diags)
{
    struct bx_buf zh;
    struct bx_buf en;

    buf_init(&zh);
    buf_init(&en);
    buf_puts(&zh, "没有分片信息，而其他报告是分片（validate --shard）的报告");
    buf_puts(&en, "no shard information, while the other reports are "
                  "shards (validate --shard)");
    return fatal(diags, "SUMMARY-SHARDS", r->path, r->last, &zh, &en);
}

static int cmp_index(const void *a, const void *b)
{
    const struct sreport *x = *(const struct sreport *const *)a;
    const struct sreport *y = *(const struct sreport *const *)b;

    if (x->shard.index != y->shard.index) {
        return x->shard.index < y->shard.index ? -1 : 1;
    }
    return (x > y) - (x < y);
}

/* The number of inputs shard 'sh' holds: positions index, index+count... */
static size_t share(const struct bx_shard *sh)
{
    return sh->inputs > sh->index ? (sh->inputs - sh->index - 1) / sh->count + 1
                                  : 0;
}

/* SUMMARY-SHARDS: shard 'r' given a second time (first in 'prev'), or
 * holding another number of files than its share. */
static int check_shard(const struct sreport *r, const struct sreport *prev,
                       struct bx_diags *diags)
{
    const struct bx_shard *sh = &r->shard;
    struct bx_buf zh;
    struct bx_buf en;

    if (prev == NULL && r->lines.files == share(sh)) {
        return BX_OK;
    }
    buf_init(&zh);
    buf_init(&en);
    if (prev != NULL) {
        buf_printf(&zh, "分片 %zu/%zu 重复：“%s”（第 %ld 行）已有", sh->index,
                   sh->count, prev->path, prev->last);
        buf_printf(&en, "shard %zu/%zu given twice: also in '%s' (line %ld)",
                   sh->index, sh->count, prev->path, prev->last);
    } else {
        buf_printf(
            &zh, "分片 %zu/%zu（共 %zu 个输入）应有 %zu 个文件，报告有 %llu 个",
            sh->index, sh->count, sh->inputs, share(sh), r->lines.files);
        buf_printf(&en,
                   "shard %zu/%zu of %zu inputs should hold %zu, its report "
                   "has %llu file line%s",
                   sh->index, sh->count, sh->inputs, share(sh), r->lines.files,
                   plural(r->lines.files));
    }
    return fatal(diags, "SUMMARY-SHARDS", r->path, r->last, &zh, &en);
}

/* Append "a, b, ..." (at most 16 listed) of the indices absent from the
 * sorted shards 'r'; returns how many are absent. */
static size_t list_missing(const struct sreport **r, size_t n, size_t count,
                           struct bx_buf *b)
{
    size_t missing = 0;
    size_t next = 0;
    size_t upto;
    size_t i;

    for (i = 0; i <= n; i++) {
        upto = i < n ? r[i]->shard.index : count;
        for (; next < upto && missing < 16; next++, missing++) {
            buf_printf(b, "%s%zu", missing ? ", " : "", next);
        }
        if (next < upto) {
            missing += upto - next;
            next = upto;
        }
        next = i < n ? upto + 1 : next;
    }
    if (missing > 16) {
        buf_puts(b, ", ...");
    }
    return missing;
}

/* SUMMARY-SHARDS: indices of 0 .. count-1 that no report holds. */
static int check_missing(const struct sreport **r, size_t n,
                         struct bx_diags *diags)
{
    const struct bx_shard *sh = &r[0]->shard;
    struct bx_buf list;
    struct bx_buf zh;
    struct bx_buf en;
    size_t missing;

    buf_init(&list);
    missing = list_missing(r, n, sh->count, &list);
    if (missing == 0 || list.failed) {
        buf_release(&list);
        return missing == 0 ? BX_OK : BX_E_NOMEM;
    }
    buf_init(&zh);
    buf_init(&en);
    buf_printf(&zh,
               "缺少 %zu 个分片（共 %zu 份，%zu 个输入，列表 %.12s…）：%s；"
               "请先重新运行这些分片再汇总",
               missing, sh->count, sh->inputs, sh->list, list.data);
    buf_printf(&en,
               "%zu of %zu shards missing (%zu inputs, list %.12s...): %s; "
               "rerun them before the summary",
               missing, sh->count, sh->inputs, sh->list, list.data);
    buf_release(&list);
    return fatal(diags, "SUMMARY-SHARDS", NULL, 0, &zh, &en);
}

/* The shard reports 'r' (of 'n', complete, at least one): one list, each
 * index once, none missing, none beside a report without "shard". */
static int check_shards(const struct sreport **r, size_t n,
                        const struct sreport **plain, size_t nplain,
                        struct bx_diags *diags)
{
    const struct sreport *ref = r[0];
    size_t kept = 0;
    size_t i;
    int rc = BX_OK;
    int one;

    for (i = 0; i < nplain; i++) {
        one = unsharded(plain[i], diags);
        rc = worse(rc, one);
    }
    for (i = 0; i < n; i++) {
        if (same_list(&r[i]->shard, &ref->shard)) {
            r[kept++] = r[i];
            continue;
        }
        one = foreign_shard(r[i], ref, diags);
        rc = worse(rc, one);
    }
    qsort(r, kept, sizeof(*r), cmp_index);
    for (i = 0; i < kept; i++) {
        one = check_shard(r[i],
                          i > 0 && r[i - 1]->shard.index == r[i]->shard.index
                              ? r[i - 1]
                              : NULL,
                          diags);
        rc = worse(rc, one);
    }
    one = check_missing(r, kept, diags);
    return worse(rc, one);
}

int bx_summary_check(const struct bx_summary *s, struct bx_diags *diags)
{
    const struct sreport **sharded;
    const struct sreport **plain;
    size_t nsharded = 0;
    size_t nplain = 0;
    size_t i;
    int rc = BX_OK;
    int one;

    sharded = calloc(s->nreports + 1, sizeof(*sharded));
    plain = calloc(s->nreports + 1, sizeof(*plain));
    if (sharded == NULL || plain == NULL) {
        rc = BX_E_NOMEM;
        goto out;
    }
    /* incomplete reports are named once, and left out of the set */
    for (i = 0; i < s->nreports; i++) {
        one = check_complete(&s->reports[i], diags);
        if (one == BX_OK && s->reports[i].sharded) {
            sharded[nsharded++] = &s->reports[i];
        } else if (one == BX_OK) {
            plain[nplain++] = &s->reports[i];
        }
        rc = worse(rc, one);
    }
    one = check_duplicates(plain, nplain, diags);
    rc = worse(rc, one);
    if (nsharded > 0) {
        one = check_shards(sharded, nsharded, plain, nplain, diags);
        rc = worse(rc, one);
    }
out:
    free(sharded);
    free(plain);
    return rc;
}

/* ---------------------------------------------------------------- */
/* The list the reports must hold                                    */
/* ---------------------------------------------------------------- */

/* Append a copy of 's' to 'in'; BX_OK or BX_E_NOMEM. */
static int push_path(struct bx_inputs *in, const char *s)
{
    char **grown;
    char *copy = util_strdup(s);

    if (copy == NULL) {
        return BX_E_NOMEM;
    }
    if (in->count == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 64;

        grown = realloc(in->paths, cap * sizeof(*grown));
        if (grown == NULL) {
            free(copy);
            return BX_E_NOMEM;
        }
        in->paths = grown;
        in->cap = cap;
    }
    in->paths[in->count++] = copy;
    return BX_OK;
}

static int push_listed(void *user, const char *entry)
{
    return push_path(user, entry);
}

int bx_summary_read_list(struct bx_inputs *list, const char *path, int nul,
                         struct bx_diags *diags)
{
    /* split as bx_inputs_add_list() does, but nothing listed is opened */
    return util_read_list(path, nul, push_listed, list, diags);
}

/* How many paths a SUMMARY-LIST finding names (the first, sorted). */
#define LIST_SHOWN 5

/* Paths on one side only: how many, and the first LIST_SHOWN quoted. */
struct strays {
    size_t n;
    struct bx_buf shown;
};

static void stray(struct strays *s, const char *path)
{
    if (s->n < LIST_SHOWN) {
        buf_printf(&s->shown, "%s'%s'", s->n > 0 ? ", " : "", path);
    } else if (s->n == LIST_SHOWN) {
        buf_puts(&s->shown, ", ...");
    }
    s->n++;
}

static int cmp_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Both sides sorted: walk them once, as multisets (a path listed twice
 * must have been checked twice).
 */
static void compare_sorted(char **want, size_t nwant, char **got, size_t ngot,
                           struct strays *missing, struct strays *extra)
{
    size_t i = 0;
    size_t j = 0;
    int c;

    while (i < nwant || j < ngot) {
        c = i == nwant ? 1 : j == ngot ? -1 : strcmp(want[i], got[j]);
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            stray(missing, want[i++]);
        } else {
            stray(extra, got[j++]);
        }
    }
}

/* The SUMMARY-LIST finding of 's' (released), if it holds any path. */
static int list_finding(struct strays *s, int missing, const char *name,
                        struct bx_diags *diags)
{
    struct bx_buf zh;
    struct bx_buf en;

    if (s->n == 0 || s->shown.failed) {
        buf_release(&s->shown);
        return s->n == 0 ? BX_OK : BX_E_NOMEM;
    }
    buf_init(&zh);
    buf_init(&en);
    if (missing) {
        buf_printf(&zh, "列表中有 %zu 个路径未被检查（各报告中没有）：%s", s->n,
                   s->shown.data);
        buf_printf(&en,
                   "%zu path%s of the list %s not checked (in no "
                   "report): %s",
                   s->n, plural(s->n), s->n == 1 ? "was" : "were",
                   s->shown.data);
    } else {
        buf_printf(&zh, "报告中有 %zu 个已检查的路径不在列表中：%s", s->n,
                   s->shown.data);
        buf_printf(&en, "%zu checked path%s %s not in the list: %s", s->n,
                   plural(s->n), s->n == 1 ? "is" : "are", s->shown.data);
    }
    buf_release(&s->shown);
    return fatal(diags, "SUMMARY-LIST", name, 0, &zh, &en);
}

/* The paths of the list as the reports record them (display-escaped);
 * caller frees each and the array. */
static char **recorded_paths(const struct bx_inputs *list)
{
    char **want = calloc(list->count + 1, sizeof(*want));
    size_t i;

    for (i = 0; want != NULL && i < list->count; i++) {
        want[i] = util_escape_display(list->paths[i]);
        if (want[i] == NULL) {
            while (i > 0) {
                free(want[--i]);
            }
            free(want);
            return NULL;
        }
    }
    return want;
}

/* The report paths and the list's, sorted, compared: the two findings. */
static int check_paths(const struct bx_summary *s, const struct bx_inputs *list,
                       const char *name, struct bx_diags *diags)
{
    struct strays missing;
    struct strays extra;
    char **want = recorded_paths(list);
    char **got = calloc(s->count + 1, sizeof(*got));
    size_t i;
    int rc = BX_E_NOMEM;
    int one;

    missing.n = 0;
    extra.n = 0;
    buf_init(&missing.shown);
    buf_init(&extra.shown);
    if (want != NULL && got != NULL) {
        for (i = 0; i < s->count; i++) {
            got[i] = s->files[i].path;
        }
        qsort(want, list->count, sizeof(*want), cmp_paths);
        qsort(got, s->count, sizeof(*got), cmp_paths);
        compare_sorted(want, list->count, got, s->count, &missing, &extra);
        rc = list_finding(&missing, 1, name, diags);
        one = list_finding(&extra, 0, name, diags);
        rc = worse(rc, one);
    }
    buf_release(&missing.shown);
    buf_release(&extra.shown);
    for (i = 0; want != NULL && i < list->count; i++) {
        free(want[i]);
    }
    free(want);
    free(got);
    return rc;
}

/* SUMMARY-LIST: the first complete shard report cut from another list
 * (its recorded digest and input count) than 'list'. */
static int check_digest(const struct bx_summary *s,
                        const struct bx_inputs *list, const char *name,
                        struct bx_diags *diags)
{
    const struct sreport *r = NULL;
    struct bx_buf zh;
    struct bx_buf en;
    char digest[65];
    size_t i;
    int rc;

    for (i = 0; i < s->nreports && r == NULL; i++) {
        if (s->reports[i].sharded && s->reports[i].end == END_SUMMARY) {
            r = &s->reports[i];
        }
    }
    if (r == NULL) {
        return BX_OK;
    }
    rc = bx_inputs_digest(list, digest);
    if (rc != BX_OK || (r->shard.inputs == list->count &&
                        strcmp(r->shard.list, digest) == 0)) {
        return rc;
    }
    buf_init(&zh);
    buf_init(&en);
    buf_printf(&zh,
               "列表不同：“%s”是另一列表的分片（%zu 个输入，列表 %.12s…），"
               "此列表有 %zu 个路径（列表 %.12s…）",
               r->path, r->shard.inputs, r->shard.list, list->count, digest);
    buf_printf(&en,
               "the list differs: '%s' is a shard of another list (%zu "
               "inputs, list %.12s...), this one has %zu path%s (list "
               "%.12s...)",
               r->path, r->shard.inputs, r->shard.list, list->count,
               plural(list->count), digest);
    return fatal(diags, "SUMMARY-LIST", name, 0, &zh, &en);
}

int bx_summary_check_list(const struct bx_summary *s,
                          const struct bx_inputs *list, const char *name,
                          struct bx_diags *diags)
{
    int rc = check_digest(s, list, name, diags);
    int one;

    if (rc == BX_E_NOMEM || rc == BX_E_INTERNAL) {
        return rc;
    }
    one = check_paths(s, list, name, diags);
    return worse(rc, one);
}
