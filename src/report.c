/*
 * Reports: renders the per-file results of a run as text or JSON (XML and
 * HTML are in report_xml.c).  Rendering only; deciding is the caller's.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "util.h"

#if defined(BX_HAVE_REPORT_XML)
#include "report_xml.h"
#endif

int bx_file_accepted(const struct bx_file_result *f, enum bx_severity fail_on)
{
    int sev;

    if (f->status != BX_OK || f->schema_valid != 1) {
        return 0;
    }
    for (sev = (int)fail_on; sev < BX_SEV_COUNT; sev++) {
        if (f->diags->by_severity[sev] > 0) {
            return 0;
        }
    }
    return 1;
}

int bx_file_exit_code(const struct bx_file_result *f, enum bx_severity fail_on)
{
    if (f->status == BX_OK) {
        return bx_file_accepted(f, fail_on) ? BX_EXIT_OK : BX_EXIT_INVALID;
    }
    /* an input that could not be judged is never "invalid": it is 3/4 */
    return f->status == BX_E_INVALID ? BX_EXIT_INTERNAL
                                     : bx_status_exit_code(f->status);
}

static const char *sev_zh(enum bx_severity sev)
{
    static const char *const names[BX_SEV_COUNT] = {"提示", "警告", "错误",
                                                    "严重错误"};
    return (unsigned)sev < BX_SEV_COUNT ? names[sev] : "?";
}

static void text_finding(struct bx_buf *b, const char *path,
                         const struct bx_diag *d, enum bx_lang lang)
{
    buf_display(b, d->file != NULL ? d->file : path);
    if (d->line > 0) {
        buf_printf(b, ":%ld", d->line);
        if (d->column > 0) {
            buf_printf(b, ":%ld", d->column);
        }
    }
    if (d->cell != NULL) {
        buf_printf(b, " (%s)", d->cell);
    }
    buf_printf(b, ": %s: [%s] %s",
               lang == BX_LANG_ZH ? sev_zh(d->severity)
                                  : bx_severity_name(d->severity),
               d->code != NULL ? d->code : "-", bx_diag_message(d, lang));
    buf_puts(b, "\n");
}

/*
 * "PATH: coverage: 41 rules checked (3 failed), 12 not assessable (5
 * template prints no such table, ...)", and for a document without
 * tables a plain statement that the table identities were not checked.
 */
static void text_coverage(struct bx_buf *b, const char *raw_path,
                          const struct bx_coverage *c, enum bx_lang lang)
{
    char path[1024]; /* a file name may hold controls */
    int zh = lang == BX_LANG_ZH;
    const char *sep = zh ? "（" : " (";
    int r;

    if (c == NULL || !c->evaluated)
        return;
    bx_display(raw_path, path, sizeof(path));
    if (zh)
        buf_printf(
            b, "%s：覆盖：检查规则 %zu 条（未通过 %zu 条），无法判断 %zu 条",
            path, c->checked, c->failed, c->not_assessable);
    else
        buf_printf(b,
                   "%s: coverage: %zu rules checked (%zu failed), %zu not "
                   "assessable",
                   path, c->checked, c->failed, c->not_assessable);
    for (r = 1; r < BX_NA_COUNT; r++) {
        if (c->by_reason[r] == 0)
            continue;
        if (zh)
            buf_printf(b, "%s%s %zu 条", sep,
                       bx_na_reason_text((enum bx_na_reason)r, lang),
                       c->by_reason[r]);
        else
            buf_printf(b, "%s%zu %s", sep, c->by_reason[r],
                       bx_na_reason_text((enum bx_na_reason)r, lang));
        sep = zh ? "，" : ", ";
    }
    buf_puts(b, c->not_assessable > 0 ? (zh ? "）\n" : ")\n") : "\n");
    if (c->narrative_only)
        buf_printf(
            b,
            zh ? "%s：文件没有表格（仅有情况说明），表格勾稽关系无法检查；"
                 "只检查了说明文字自身的合计、百分比和同比增减\n"
               : "%s: the document has no tables (narrative only): the "
                 "table identities could not be checked; only the "
                 "text's own sums, percentages and year-on-year figures "
                 "were\n",
            path);
}

/* Is finding 'd' listed by 'rep'?  (Counts always include it.) */
static int listed(const struct bx_report *rep, const struct bx_diag *d)
{
    return d->severity >= rep->min_severity;
}

/* "a.xml: rejected (1 error, 2 warnings)" / "a.xml：未通过（错误 1，警告 2）"
 */
static void text_verdict(struct bx_buf *b, const struct bx_file_result *f,
                         const struct bx_report *rep)
{
    static const char *const en[BX_SEV_COUNT][2] = {{"info", "info"},
                                                    {"warning", "warnings"},
                                                    {"error", "errors"},
                                                    {"fatal", "fatal"}};
    int zh = rep->lang == BX_LANG_ZH;
    int accepted = bx_file_accepted(f, rep->fail_on);
    const char *sep = zh ? "（" : " (";
    int any = 0;
    size_t n;
    int sev;

    char shown[1024];

    buf_printf(
        b, zh ? "%s：%s" : "%s: %s", bx_display(f->path, shown, sizeof(shown)),
        accepted ? (zh ? "通过" : "accepted") : (zh ? "未通过" : "rejected"));
    for (sev = BX_SEV_COUNT - 1; sev >= 0; sev--) {
        n = f->diags->by_severity[sev];
        if (n == 0) {
            continue;
        }
        if (zh) {
            buf_printf(b, "%s%s %zu", sep, sev_zh((enum bx_severity)sev), n);
        } else {
            buf_printf(b, "%s%zu %s", sep, n, en[sev][n != 1]);
        }
        sep = zh ? "，" : ", ";
        any = 1;
    }
    buf_puts(b, any ? (zh ? "）\n" : ")\n") : "\n");
}

/* What the summary line counts: files, or a bundle's submissions. */
struct tally {
    size_t bundles;
    size_t checked;
    size_t ok;
    size_t totals[BX_SEV_COUNT];
};

static void count_file(struct tally *t, const struct bx_file_result *f,
                       enum bx_severity fail_on)
{
    size_t i;

    for (i = 0; i < BX_SEV_COUNT; i++) {
        t->totals[i] += f->diags->by_severity[i];
    }
    if (!f->bundle) {
        t->checked++;
        t->ok += (size_t)bx_file_accepted(f, fail_on);
        return;
    }
    /* a bundle counts its submissions: "2 submissions checked" */
    t->bundles++;
    t->checked += f->nparts;
    for (i = 0; i < f->nparts; i++) {
        t->ok += (size_t)bx_file_accepted(&f->parts[i], fail_on);
    }
}

static void text_summary(struct bx_buf *b, const struct tally *t, int zh)
{
    const size_t *n = t->totals;
    size_t bad = t->checked - t->ok;

    if (zh && t->bundles > 0) {
        buf_printf(b, "budgetx: 检查提交包 %zu 个、提交文件 %zu 个", t->bundles,
                   t->checked);
    } else if (zh) {
        buf_printf(b, "budgetx: 检查文件 %zu 个", t->checked);
    } else if (t->bundles > 0) {
        buf_printf(b, "budgetx: %zu bundle%s, %zu submission%s checked",
                   t->bundles, t->bundles == 1 ? "" : "s", t->checked,
                   t->checked == 1 ? "" : "s");
    } else {
        buf_printf(b, "budgetx: %zu file%s checked", t->checked,
                   t->checked == 1 ? "" : "s");
    }
    if (zh) {
        buf_printf(b,
                   "：通过 %zu 个，未通过 %zu 个；严重错误 %zu，错误 %zu，"
                   "警告 %zu，提示 %zu\n",
                   t->ok, bad, n[BX_SEV_FATAL], n[BX_SEV_ERROR],
                   n[BX_SEV_WARNING], n[BX_SEV_INFO]);
    } else {
        buf_printf(b,
                   ": %zu accepted, %zu rejected; %zu fatal, %zu error%s, "
                   "%zu warning%s, %zu info\n",
                   t->ok, bad, n[BX_SEV_FATAL], n[BX_SEV_ERROR],
                   n[BX_SEV_ERROR] == 1 ? "" : "s", n[BX_SEV_WARNING],
                   n[BX_SEV_WARNING] == 1 ? "" : "s", n[BX_SEV_INFO]);
    }
}

static void render_text(const struct bx_report *rep, struct bx_buf *b)
{
    struct tally t;
    const struct bx_file_result *f;
    size_t i;
    size_t j;

    memset(&t, 0, sizeof(t));
    for (i = 0; i < rep->nfiles; i++) {
        f = &rep->files[i];
        for (j = 0; !rep->quiet && j < f->diags->count; j++) {
            if (listed(rep, &f->diags->items[j])) {
                text_finding(b, f->path, &f->diags->items[j], rep->lang);
            }
        }
        if (!rep->quiet) {
            text_coverage(b, f->path, f->coverage, rep->lang);
        }
        if (rep->verdict_lines) {
            text_verdict(b, f, rep);
        }
        count_file(&t, f, rep->fail_on);
    }
    text_summary(b, &t, rep->lang == BX_LANG_ZH);
}

static void json_key_str(struct bx_buf *b, const char *key, const char *val)
{
    buf_printf(b, ",\"%s\":", key);
    buf_json_str(b, val);
}

/* A JSON string of untrusted text, display controls escaped first. */
static void json_display_str(struct bx_buf *b, const char *s)
{
    char *esc = util_escape_display(s);

    if (s != NULL && esc == NULL) {
        b->failed = 1;
        return;
    }
    buf_json_str(b, esc);
    free(esc);
}

static void json_finding(struct bx_buf *b, const struct bx_diag *d,
                         enum bx_lang lang, int jsonl)
{
    buf_puts(b, "{\"code\":");
    buf_json_str(b, d->code);
    json_key_str(b, "severity", bx_severity_name(d->severity));
    json_key_str(b, "message", bx_diag_message(d, lang));
    json_key_str(b, "message_zh", d->message_zh);
    json_key_str(b, "message_en", d->message_en);
    /* libxml2 gives a column for XML syntax errors only: null otherwise */
    buf_printf(b, ",\"line\":%ld,\"column\":", d->line);
    if (d->column > 0) {
        buf_printf(b, "%ld", d->column);
    } else {
        buf_puts(b, "null");
    }
    json_key_str(b, "xpath", d->xpath);
    json_key_str(b, "rule", d->rule);
    json_key_str(b, "table", d->table);
    json_key_str(b, "row", d->row);
    json_key_str(b, "column_label", d->column_label);
    json_key_str(b, "printed", d->printed);
    json_key_str(b, "computed", d->computed);
    json_key_str(b, "difference", d->difference);
    json_key_str(b, "tolerance", d->tolerance);
    if (d->cell != NULL) {
        json_key_str(b, "cell", d->cell);
    }
    if (jsonl) {
        json_key_str(b, "file", d->file);
    }
    buf_puts(b, "}");
}

static void json_ruleset(struct bx_buf *b, const struct bx_file_result *f)
{
    buf_puts(b, ",\"ruleset\":");
    if (f->ruleset_id != NULL) {
        buf_puts(b, "{\"id\":");
        buf_json_str(b, f->ruleset_id);
        json_key_str(b, "version", f->ruleset_version);
        buf_puts(b, "}");
    } else {
        buf_puts(b, "null");
    }
}

static void json_counts(struct bx_buf *b, const struct bx_file_result *f)
{
    size_t j;

    buf_puts(b, ",\"counts\":{");
    for (j = 0; j < BX_SEV_COUNT; j++) {
        buf_printf(b, "%s\"%s\":%zu", j ? "," : "",
                   bx_severity_name((enum bx_severity)j),
                   f->diags->by_severity[j]);
    }
    buf_puts(b, "}");
}

/* "coverage": counts, reasons and, with all_rules, each rule's outcome. */
static void json_coverage(struct bx_buf *b, const struct bx_coverage *c,
                          int all_rules, enum bx_lang lang)
{
    size_t i;
    int r;

    if (c == NULL || !c->evaluated) {
        buf_puts(b, ",\"coverage\":null");
        return;
    }
    buf_printf(b,
               ",\"coverage\":{\"checked\":%zu,\"failed\":%zu,"
               "\"not_assessable\":%zu,\"narrative_only\":%s,"
               "\"not_assessable_by_reason\":{",
               c->checked, c->failed, c->not_assessable,
               c->narrative_only ? "true" : "false");
    for (r = 1; r < BX_NA_COUNT; r++)
        buf_printf(b, "%s\"%s\":%zu", r > 1 ? "," : "",
                   bx_na_reason_name((enum bx_na_reason)r), c->by_reason[r]);
    buf_puts(b, "}");
    if (all_rules) {
        buf_puts(b, ",\"rules\":[");
        for (i = 0; i < c->nrules; i++) {
            const struct bx_rule_outcome *o = &c->rules[i];

            buf_puts(b, i ? ",{\"rule\":" : "{\"rule\":");
            buf_json_str(b, o->rule);
            json_key_str(b, "outcome", bx_outcome_name(o->outcome));
            if (o->outcome == BX_OUTCOME_NOT_ASSESSABLE) {
                json_key_str(b, "reason", bx_na_reason_name(o->reason));
                json_key_str(b, "reason_text",
                             bx_na_reason_text(o->reason, lang));
            }
            buf_puts(b, "}");
        }
        buf_puts(b, "]");
    }
    buf_puts(b, "}");
}

/* A bundle's "intact" and its "submissions" (path, digest, verdict ...). */
static void json_parts(struct bx_buf *b, const struct bx_file_result *f,
                       const struct bx_report *rep)
{
    const struct bx_file_result *p;
    size_t i;

    buf_printf(b, ",\"intact\":%s,\"submissions\":[",
               f->intact ? "true" : "false");
    for (i = 0; i < f->nparts; i++) {
        p = &f->parts[i];
        buf_puts(b, i ? ",\n    {\"path\":" : "\n    {\"path\":");
        buf_json_str(b, p->path);
        json_key_str(b, "sha256", p->sha256);
        json_key_str(b, "verdict",
                     bx_file_accepted(p, rep->fail_on) ? "accepted"
                                                       : "rejected");
        json_ruleset(b, p);
        json_counts(b, p);
        buf_puts(b, "}");
    }
    buf_puts(b, f->nparts ? "\n  ]" : "]");
}

/*
 * One file's object.  'jsonl' puts it on one line and adds "type" first,
 * "file" in findings, "status" and "exit" last (keys are only added).
 */
static void json_file(struct bx_buf *b, const struct bx_file_result *f,
                      const struct bx_report *rep, int jsonl)
{
    size_t j;
    size_t n;
    int accepted = bx_file_accepted(f, rep->fail_on);

    buf_puts(b, jsonl ? "{\"type\":\"file\",\"path\":" : "{\"path\":");
    json_display_str(b, f->path);
    json_key_str(b, "sha256", f->sha256);
    buf_printf(b, ",\"valid\":%s", accepted ? "true" : "false");
    json_key_str(b, "verdict", accepted ? "accepted" : "rejected");
    buf_printf(b, ",\"schema_valid\":%s",
               f->schema_valid == 1
                   ? "true"
                   : (f->schema_valid == 0 ? "false" : "null"));
    json_ruleset(b, f);
    json_counts(b, f);
    json_coverage(b, f->coverage, rep->all_rules, rep->lang);
    if (f->bundle) {
        json_parts(b, f, rep);
    }
    buf_puts(b, ",\"findings\":[");
    for (j = 0, n = 0; j < f->diags->count; j++) {
        /* jsonl lists every finding: summary merges must see them all */
        if (!jsonl && !listed(rep, &f->diags->items[j])) {
            continue;
        }
        buf_puts(b, jsonl ? (n++ ? "," : "") : (n++ ? ",\n    " : "\n    "));
        json_finding(b, &f->diags->items[j], rep->lang, jsonl);
    }
    if (jsonl) {
        buf_printf(b, "],\"status\":%d,\"exit\":%d}\n", f->status,
                   bx_file_exit_code(f, rep->fail_on));
        return;
    }
    buf_puts(b, n ? "\n  ]}" : "]}");
}

static void render_json(const struct bx_report *rep, struct bx_buf *b)
{
    size_t i;

    buf_printf(b,
               "{\"tool\":{\"name\":\"budgetx\",\"version\":\"%s\"},\n"
               "\"files\":[",
               BX_VERSION);
    for (i = 0; i < rep->nfiles; i++) {
        buf_puts(b, i ? ",\n  " : "\n  ");
        json_file(b, &rep->files[i], rep, 0);
    }
    buf_puts(b, rep->nfiles ? "\n]}\n" : "]}\n");
}

static void render_jsonl(const struct bx_report *rep, struct bx_buf *b)
{
    struct bx_totals t;
    char *line;
    size_t i;

    bx_totals_init(&t, rep->fail_on);
    for (i = 0; i < rep->nfiles; i++) {
        json_file(b, &rep->files[i], rep, 1);
        bx_totals_add(&t, &rep->files[i]);
    }
    if (bx_report_jsonl_summary(&t, &line, NULL) != BX_OK) {
        b->failed = 1;
        return;
    }
    buf_puts(b, line);
    free(line);
}

int bx_report_render(const struct bx_report *rep, enum bx_report_format fmt,
                     struct bx_context *ctx, char **out, size_t *len)
{
    struct bx_diags diags;
    int rc;

    bx_diags_init(&diags);
    rc = bx_report_render_diags(rep, fmt, ctx, &diags, out, len);
    bx_diags_release(&diags);
    return rc;
}

int bx_report_render_diags(const struct bx_report *rep,
                           enum bx_report_format fmt, struct bx_context *ctx,
                           struct bx_diags *diags, char **out, size_t *len)
{
    struct bx_buf b;

    *out = NULL;
    *len = 0;
    buf_init(&b);
    switch (fmt) {
    case BX_REPORT_TEXT:
        render_text(rep, &b);
        break;
    case BX_REPORT_JSON:
        render_json(rep, &b);
        break;
    case BX_REPORT_JSONL:
        render_jsonl(rep, &b);
        break;
#if defined(BX_HAVE_REPORT_XML)
    case BX_REPORT_XML:
        return report_render_xml(rep, out, len);
    case BX_REPORT_HTML:
        return report_render_html(rep, ctx, diags, out, len);
#endif
    default:
        (void)ctx;
        return BX_E_ARG;
    }
    *out = buf_take(&b, len);
    return *out != NULL ? BX_OK : BX_E_NOMEM;
}

int bx_report_jsonl_file(const struct bx_report *rep,
                         const struct bx_file_result *f, char **out,
                         size_t *len)
{
    struct bx_buf b;

    buf_init(&b);
    json_file(&b, f, rep, 1);
    *out = buf_take(&b, len);
    return *out != NULL ? BX_OK : BX_E_NOMEM;
}

void bx_totals_init(struct bx_totals *t, enum bx_severity fail_on)
{
    memset(t, 0, sizeof(*t));
    t->fail_on = fail_on;
}

void bx_totals_add(struct bx_totals *t, const struct bx_file_result *f)
{
    int code = bx_file_exit_code(f, t->fail_on);
    size_t j;

    t->files++;
    if (bx_file_accepted(f, t->fail_on)) {
        t->accepted++;
    }
    for (j = 0; j < BX_SEV_COUNT; j++) {
        t->by_severity[j] += f->diags->by_severity[j];
    }
    if (code > t->exit_code) {
        t->exit_code = code;
    }
}

int bx_report_jsonl_summary(const struct bx_totals *t, char **out, size_t *len)
{
    return bx_report_jsonl_summary_shard(t, NULL, out, len);
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

int bx_report_jsonl_summary_shard(const struct bx_totals *t,
                                  const struct bx_shard *shard, char **out,
                                  size_t *len)
{
    struct bx_buf b;
    size_t j;

    *out = NULL;
    if (shard != NULL &&
        (shard->index >= shard->count || !is_digest(shard->list))) {
        return BX_E_ARG;
    }
    buf_init(&b);
    buf_printf(&b,
               "{\"type\":\"summary\",\"tool\":{\"name\":\"budgetx\","
               "\"version\":\"%s\"},\"files\":%zu,\"accepted\":%zu,"
               "\"rejected\":%zu,\"counts\":{",
               BX_VERSION, t->files, t->accepted, t->files - t->accepted);
    for (j = 0; j < BX_SEV_COUNT; j++) {
        buf_printf(&b, "%s\"%s\":%zu", j ? "," : "",
                   bx_severity_name((enum bx_severity)j), t->by_severity[j]);
    }
    buf_printf(&b, "},\"fail_on\":\"%s\",\"exit\":%d",
               bx_severity_name(t->fail_on), t->exit_code);
    /* last, so that a report without it keeps its bytes */
    if (shard != NULL) {
        buf_printf(&b,
                   ",\"shard\":{\"index\":%zu,\"count\":%zu,"
                   "\"inputs\":%zu,\"list\":\"%s\"}",
                   shard->index, shard->count, shard->inputs, shard->list);
    }
    buf_puts(&b, "}\n");
    *out = buf_take(&b, len);
    return *out != NULL ? BX_OK : BX_E_NOMEM;
}
