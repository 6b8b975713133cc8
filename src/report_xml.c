/*
 * XML and HTML reports.  The XML follows schemas/report.xsd and is written
 * with our buffer helpers; the HTML is that XML transformed by
 * xslt/report-html.xsl.  Like xmlio.c, this file uses libxslt directly (a
 * pragmatic exception: one stylesheet, run once per report).
 */
#define _POSIX_C_SOURCE 200809L

#include "report_xml.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxslt/xsltInternals.h>

#include "datafiles.h"
#include "internal.h"
#include "util.h"

#define REPORT_NS "urn:budgetx:report:1"

static const char *status_token(int status)
{
    static const char *const names[] = {"ok",     "nomem",   "io",      "parse",
                                        "limit",  "data",    "state",   "arg",
                                        "exists", "invalid", "internal"};

    if (status > 0 || status < BX_E_INTERNAL)
        return "internal";
    return names[-status];
}

static const char *schema_token(int valid)
{
    return valid == 1 ? "yes" : valid == 0 ? "no" : "not-checked";
}

/* <name>text</name> when 'text' is set. */
static void element(struct bx_buf *b, const char *name, const char *text)
{
    if (text == NULL)
        return;
    buf_printf(b, "      <%s>", name);
    buf_xml_str(b, text);
    buf_printf(b, "</%s>\n", name);
}

static void message(struct bx_buf *b, const char *lang, const char *text)
{
    if (text == NULL)
        return;
    buf_printf(b, "      <message xml:lang=\"%s\">", lang);
    buf_xml_str(b, text);
    buf_puts(b, "</message>\n");
}

static void finding(struct bx_buf *b, const struct bx_diag *d)
{
    buf_printf(b, "    <finding severity=\"%s\" code=\"",
               bx_severity_name(d->severity));
    buf_xml_str(b, d->code != NULL ? d->code : "");
    buf_puts(b, "\"");
    if (d->rule != NULL) {
        buf_puts(b, " rule=\"");
        buf_xml_str(b, d->rule);
        buf_puts(b, "\"");
    }
    if (d->line > 0)
        buf_printf(b, " line=\"%ld\"", d->line);
    if (d->column > 0)
        buf_printf(b, " column=\"%ld\"", d->column);
    buf_puts(b, ">\n");
    element(b, "table", d->table);
    element(b, "row", d->row);
    element(b, "columnLabel", d->column_label);
    element(b, "printed", d->printed);
    element(b, "computed", d->computed);
    element(b, "difference", d->difference);
    element(b, "tolerance", d->tolerance);
    element(b, "xpath", d->xpath);
    /* at least one message: the schema requires it */
    if (d->message_zh == NULL && d->message_en == NULL)
        message(b, "en", "");
    message(b, "zh", d->message_zh);
    message(b, "en", d->message_en);
    buf_puts(b, "    </finding>\n");
}

/* Untrusted text as XML content: display controls escaped first (XML 1.0
 * cannot even carry most C0 controls). */
static void xml_display_str(struct bx_buf *b, const char *s)
{
    char *esc = util_escape_display(s != NULL ? s : "");

    if (esc == NULL) {
        b->failed = 1;
        return;
    }
    buf_xml_str(b, esc);
    free(esc);
}

/* <coverage>: counts, the reasons, and with 'all' every rule's outcome. */
static void coverage(struct bx_buf *b, const struct bx_coverage *c, int all)
{
    size_t i;
    int r;

    if (c == NULL || !c->evaluated)
        return;
    buf_printf(b,
               "    <coverage checked=\"%zu\" failed=\"%zu\" "
               "notAssessable=\"%zu\" narrativeOnly=\"%s\">\n",
               c->checked, c->failed, c->not_assessable,
               c->narrative_only ? "true" : "false");
    for (r = 1; r < BX_NA_COUNT; r++) {
        if (c->by_reason[r] == 0)
            continue;
        buf_printf(b, "      <reason name=\"%s\" count=\"%zu\" zh=\"",
                   bx_na_reason_name((enum bx_na_reason)r), c->by_reason[r]);
        buf_xml_str(b, bx_na_reason_text((enum bx_na_reason)r, BX_LANG_ZH));
        buf_puts(b, "\" en=\"");
        buf_xml_str(b, bx_na_reason_text((enum bx_na_reason)r, BX_LANG_EN));
        buf_puts(b, "\"/>\n");
    }
    for (i = 0; all && i < c->nrules; i++) {
        const struct bx_rule_outcome *o = &c->rules[i];

        buf_puts(b, "      <rule id=\"");
        buf_xml_str(b, o->rule);
        buf_printf(b, "\" outcome=\"%s\"", bx_outcome_name(o->outcome));
        if (o->outcome == BX_OUTCOME_NOT_ASSESSABLE)
            buf_printf(b, " reason=\"%s\"", bx_na_reason_name(o->reason));
        buf_puts(b, "/>\n");
    }
    buf_puts(b, "    </coverage>\n");
}

static void file_result(struct bx_buf *b, const struct bx_file_result *f,
                        enum bx_severity fail_on, int all)
{
    const size_t *n = f->diags != NULL ? f->diags->by_severity : NULL;
    size_t i;

    buf_puts(b, "  <file path=\"");
    xml_display_str(b, f->path);
    buf_puts(b, "\"");
    if (f->sha256 != NULL && f->sha256[0] != '\0')
        buf_printf(b, " sha256=\"%s\"", f->sha256);
    buf_printf(b, " verdict=\"%s\" status=\"%s\" schemaValid=\"%s\">\n",
               bx_file_accepted(f, fail_on) ? "accepted" : "rejected",
               status_token(f->status), schema_token(f->schema_valid));
    buf_printf(b,
               "    <counts info=\"%zu\" warning=\"%zu\" error=\"%zu\" "
               "fatal=\"%zu\"/>\n",
               n ? n[BX_SEV_INFO] : 0, n ? n[BX_SEV_WARNING] : 0,
               n ? n[BX_SEV_ERROR] : 0, n ? n[BX_SEV_FATAL] : 0);
    if (f->ruleset_id != NULL) {
        buf_puts(b, "    <ruleset id=\"");
        buf_xml_str(b, f->ruleset_id);
        buf_puts(b, "\" version=\"");
        buf_xml_str(b, f->ruleset_version ? f->ruleset_version : "");
        buf_puts(b, "\"/>\n");
    }
    coverage(b, f->coverage, all);
    for (i = 0; f->diags != NULL && i < f->diags->count; i++)
        finding(b, &f->diags->items[i]);
    buf_puts(b, "  </file>\n");
}

int report_render_xml(const struct bx_report *rep, char **out, size_t *len)
{
    struct bx_buf b;
    size_t accepted = 0;
    size_t i;

    *out = NULL;
    if (len != NULL)
        *len = 0;
    for (i = 0; i < rep->nfiles; i++)
        accepted += (size_t)bx_file_accepted(&rep->files[i], rep->fail_on);
    buf_init(&b);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    buf_printf(&b,
               "<report xmlns=\"%s\" tool=\"budgetx\" version=\"%s\" "
               "lang=\"%s\" failOn=\"%s\">\n",
               REPORT_NS, BX_VERSION, rep->lang == BX_LANG_EN ? "en" : "zh",
               bx_severity_name(rep->fail_on));
    buf_printf(&b,
               "  <summary files=\"%zu\" accepted=\"%zu\" rejected=\"%zu\"/>\n",
               rep->nfiles, accepted, rep->nfiles - accepted);
    for (i = 0; i < rep->nfiles; i++)
        file_result(&b, &rep->files[i], rep->fail_on, rep->all_rules);
    buf_puts(&b, "</report>\n");
    if (b.failed) {
        buf_release(&b);
        return BX_E_NOMEM;
    }
    *out = buf_take(&b, len);
    return *out != NULL ? BX_OK : BX_E_NOMEM;
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */
/* ------------------------------------------------------------------ */

#define REPORT_XSL "xslt/report-html.xsl"

int report_render_html(const struct bx_report *rep, struct bx_context *ctx,
                       struct bx_diags *diags, char **out, size_t *len)
{
    const char *params[] = {"lang", rep->lang == BX_LANG_EN ? "'en'" : "'zh'",
                            NULL};
    xsltStylesheetPtr style = NULL;
    xmlDocPtr doc = NULL;
    xmlDocPtr res = NULL;
    char *xml = NULL;
    size_t xlen = 0;
    size_t n = 0;
    int rc;

    *out = NULL;
    if (len != NULL)
        *len = 0;
    if (ctx == NULL)
        return BX_E_ARG;
    rc = report_render_xml(rep, &xml, &xlen);
    if (rc == BX_OK)
        rc = datafiles_stylesheet(ctx, REPORT_XSL, diags, &style);
    if (rc != BX_OK)
        goto out;
    /* our own output: trusted, but parsed with the network off anyway */
    doc = xmlReadMemory(xml, (int)xlen, "report.xml", "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_NOERROR);
    rc = BX_E_NOMEM;
    if (doc == NULL)
        goto out;
    rc = datafiles_apply(ctx, style, REPORT_XSL, doc, params, diags, &res);
    if (rc == BX_OK)
        rc = datafiles_serialise(style, res, (unsigned char **)out, &n);
    if (rc == BX_OK && len != NULL)
        *len = n;
out:
    xmlFreeDoc(res);
    xmlFreeDoc(doc);
    free(xml);
    return rc;
}
