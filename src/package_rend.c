/*
 * Renditions inside bundles: the formats chosen by --include, produced
 * by the transform module and added under renditions/<stem>/.
 */
#include <stdlib.h>
#include <string.h>

#include "package.h"
#include "transform.h"
#include "util.h"

#define DEFAULT_INCLUDE "html,platform"
#define MAX_FORMAT 32

/* Call fn(name) for each comma-separated item of 'list'; stop on error. */
static int each_format(const char *list, int (*fn)(const char *name, void *arg),
                       void *arg)
{
    char name[MAX_FORMAT];
    const char *p = list;
    size_t n;
    int rc;

    while (*p != '\0') {
        n = strcspn(p, ",");
        if (n > 0) {
            if (n >= sizeof(name)) {
                n = sizeof(name) - 1;
            }
            memcpy(name, p, n);
            name[n] = '\0';
            rc = fn(name, arg);
            if (rc != BX_OK) {
                return rc;
            }
        }
        p += strcspn(p, ",");
        if (*p == ',') {
            p++;
        }
    }
    return BX_OK;
}

static int check_one(const char *name, void *arg)
{
    struct bx_diags *diags = arg;
    const struct bx_format_info *f = bx_transform_format(name);
    struct bx_buf zh;
    struct bx_buf en;
    char *safe;

    if (f != NULL && f->can_export) {
        return BX_OK;
    }
    safe = util_escape_untrusted(name, strlen(name), 40);
    buf_init(&zh);
    buf_init(&en);
    buf_printf(&zh, "未知的呈现格式 '%s'（可选 html、csv、json、platform）",
               safe ? safe : "");
    buf_printf(&en,
               "unknown rendition '%s' (choose from html, csv, json, "
               "platform)",
               safe ? safe : "");
    bx_diags_addf(diags, BX_SEV_ERROR, "BUNDLE-INCLUDE", NULL, 0, zh.data,
                  en.data);
    buf_release(&zh);
    buf_release(&en);
    free(safe);
    return BX_E_ARG;
}

int package_check_include(const char *include, struct bx_diags *diags)
{
    return each_format(include != NULL ? include : DEFAULT_INCLUDE, check_one,
                       diags);
}

struct rend_args {
    struct bx_context *ctx;
    const struct bx_check *chk;
    const struct bx_bundle_opts *opts;
    const char *stem;
    struct bx_diags *diags;
    struct plist *l;
    size_t index;
};

/* Add the files of one format; csv files go into a csv/ directory. */
static int add_format(const char *name, void *arg)
{
    struct rend_args *a = arg;
    const struct bx_format_info *f = bx_transform_format(name);
    struct bx_transform_opts topts;
    struct bx_output out;
    struct bx_buf file;
    size_t i;
    int rc;

    if (f == NULL) {
        return BX_E_ARG; /* package_check_include() ran first */
    }
    bx_transform_opts_init(&topts);
    topts.lang = a->opts->lang;
    bx_output_init(&out);
    rc = bx_transform(a->ctx, a->chk->sub, name, &topts, a->diags, &out);
    for (i = 0; rc == BX_OK && i < out.count; i++) {
        buf_init(&file);
        if (out.directory) {
            buf_printf(&file, "%s/%s", name, out.files[i].name);
        } else {
            buf_puts(&file, out.files[i].name);
        }
        if (file.failed) {
            rc = BX_E_NOMEM;
            break;
        }
        /* the format's static name: 'name' is a caller's buffer */
        rc = package_add_rendition(a->l, a->index, a->stem, f->name, file.data,
                                   out.files[i].media_type, out.files[i].data,
                                   out.files[i].len);
        out.files[i].data = NULL; /* ownership moved to the bundle */
        buf_release(&file);
    }
    bx_output_release(&out);
    return rc;
}

/* Count the formats built from the tables' grids (html, csv). */
static int count_grid_format(const char *name, void *arg)
{
    int *n = arg;

    *n += strcmp(name, "html") == 0 || strcmp(name, "csv") == 0;
    return BX_OK;
}

/* Lend html and csv the grids of grids.xsl (see package_renditions()). */
#define SHARE_GRIDS 0

int package_renditions(struct bx_context *ctx, const struct bx_check *chk,
                       const struct bx_bundle_opts *opts, const char *stem,
                       struct bx_diags *diags, struct plist *l, size_t index)
{
    const char *include =
        opts->include != NULL ? opts->include : DEFAULT_INCLUDE;
    struct _xmlDoc *grids = NULL;
    struct rend_args a;
    int ngrid = 0;
    int rc = BX_OK;

    a.ctx = ctx;
    a.chk = chk;
    a.opts = opts;
    a.stem = stem;
    a.diags = diags;
    a.l = l;
    a.index = index;
    /* html and csv both lay the tables out as grids, but write their
     * rows without a grid tree ($x-html-direct, $x-csv-direct): grids
     * built once by grids.xsl and lent to both cost as many instructions
     * and hold every table's grid at once (a 9.6 MB document: 419 MB
     * instead of 131; docs/performance.md, csvdirect), so they are not */
    each_format(include, count_grid_format, &ngrid);
    if (ngrid > 1 && SHARE_GRIDS) {
        rc = transform_share_grids(ctx, chk->sub, opts->lang, diags, &grids);
    }
    if (rc == BX_OK) {
        rc = each_format(include, add_format, &a);
    }
    transform_unshare_grids(grids);
    return rc;
}
