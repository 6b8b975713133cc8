/*
 * bx_context_prefetch(): the rule set and a stylesheet loaded on a second
 * thread change nothing a check or a rendition says.  Every sample gives
 * the same findings and the same HTML with and without it; a broken
 * template file, a broken rule file and a broken stylesheet are reported
 * the same way (the prefetch says nothing and remembers no failure); the
 * calls themselves are checked (twice, NULL, waiting without one).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"
#include "testutil.h"
#include "util.h"

/* Everything a check says, one line per finding. */
static char *diags_text(const struct bx_diags *d)
{
    struct bx_buf b;
    size_t i;

    buf_init(&b);
    for (i = 0; i < d->count; i++) {
        const struct bx_diag *x = &d->items[i];

        buf_printf(&b, "%d %s %s %ld %s\n", (int)x->severity,
                   x->code ? x->code : "-", x->file ? x->file : "-", x->line,
                   bx_diag_message(x, BX_LANG_EN));
    }
    return buf_take(&b, NULL);
}

struct outcome {
    int check;  /* bx_check_file() */
    int render; /* bx_transform() to html, when the check passed */
    char *diags;
    char *html;
    size_t html_len;
};

static void outcome_release(struct outcome *o)
{
    free(o->diags);
    free(o->html);
    memset(o, 0, sizeof(*o));
}

/* Check 'path' and render it to HTML in a fresh context on 'data_dir':
 * 'prefetch' 0 without, 1 bx_context_prefetch() after bx_context_new(),
 * 2 bx_context_new_prefetch(). */
static int run_one(const char *data_dir, const char *path, int prefetch,
                   struct outcome *o)
{
    struct bx_options opts;
    struct bx_diags d;
    struct bx_context *c = NULL;
    struct bx_check chk;
    struct bx_output out;
    int rc;

    memset(o, 0, sizeof(*o));
    bx_options_init(&opts);
    opts.data_dir = data_dir;
    bx_diags_init(&d);
    rc = prefetch == 2 ? bx_context_new_prefetch(&opts, 1, "html", &d, &c)
                       : bx_context_new(&opts, &d, &c);
    bx_diags_release(&d);
    if (rc != BX_OK) {
        return rc;
    }
    if (prefetch == 1) {
        CU_ASSERT_EQUAL(bx_context_prefetch(c, 1, "html"), BX_OK);
    }
    o->check = bx_check_file(c, path, &chk);
    o->render = -1;
    if (o->check == BX_OK && bx_file_accepted(&chk.result, BX_SEV_ERROR)) {
        bx_output_init(&out);
        o->render = bx_transform(c, chk.sub, "html", NULL, &chk.diags, &out);
        if (o->render == BX_OK && out.count == 1) {
            o->html = malloc(out.files[0].len + 1);
            if (o->html != NULL) {
                memcpy(o->html, out.files[0].data, out.files[0].len);
                o->html_len = out.files[0].len;
            }
        }
        bx_output_release(&out);
    }
    o->diags = diags_text(&chk.diags);
    bx_check_release(&chk);
    bx_context_free(c);
    return BX_OK;
}

/* The same outcome for 'path' on 'data_dir' without and with 'how'. */
static void same_as_without(const char *data_dir, const char *path, int how)
{
    struct outcome a;
    struct outcome b;

    CU_ASSERT_EQUAL_FATAL(run_one(data_dir, path, 0, &a), BX_OK);
    CU_ASSERT_EQUAL_FATAL(run_one(data_dir, path, how, &b), BX_OK);
    CU_ASSERT_EQUAL(a.check, b.check);
    CU_ASSERT_EQUAL(a.render, b.render);
    CU_ASSERT_PTR_NOT_NULL(a.diags);
    CU_ASSERT_PTR_NOT_NULL(b.diags);
    if (a.diags != NULL && b.diags != NULL && strcmp(a.diags, b.diags) != 0) {
        fprintf(stderr, "\n%s: without:\n%s\nwith:\n%s\n", path, a.diags,
                b.diags);
        CU_FAIL("findings differ with the prefetch");
    }
    CU_ASSERT_EQUAL(a.html_len, b.html_len);
    if (a.html != NULL && b.html != NULL && a.html_len == b.html_len) {
        CU_ASSERT_EQUAL(memcmp(a.html, b.html, a.html_len), 0);
    } else {
        CU_ASSERT_TRUE(a.html == NULL && b.html == NULL);
    }
    outcome_release(&a);
    outcome_release(&b);
}

/* Both ways of prefetching. */
static void same_with_and_without(const char *data_dir, const char *path)
{
    same_as_without(data_dir, path, 1);
    same_as_without(data_dir, path, 2);
}

static void test_prefetch_every_sample_the_same(void)
{
    DIR *d = opendir(test_path("samples"));
    struct dirent *e;
    int n = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    while ((e = readdir(d)) != NULL) {
        char rel[512];
        size_t l = strlen(e->d_name);

        if (l < 5 || strcmp(e->d_name + l - 4, ".xml") != 0) {
            continue;
        }
        snprintf(rel, sizeof(rel), "samples/%s", e->d_name);
        same_with_and_without(test_root(), test_path(rel));
        n++;
    }
    closedir(d);
    CU_ASSERT_TRUE(n >= 3);
}

/* ---- a data directory with one broken file --------------------------- */

/* 'dst' gets a symlink to every entry of 'src' except 'skip'. */
static void link_all(const char *src, const char *dst, const char *skip)
{
    DIR *d = opendir(src);
    struct dirent *e;
    char from[1024];
    char to[1024];

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    mkdir(dst, 0700);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' ||
            (skip != NULL && strcmp(e->d_name, skip) == 0)) {
            continue;
        }
        snprintf(from, sizeof(from), "%s/%s", src, e->d_name);
        snprintf(to, sizeof(to), "%s/%s", dst, e->d_name);
        CU_ASSERT_EQUAL(symlink(from, to), 0);
    }
    closedir(d);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char sub[1024];
    struct stat st;

    if (d == NULL) {
        unlink(path);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            remove_tree(sub);
        } else {
            unlink(sub);
        }
    }
    closedir(d);
    rmdir(path);
}

/*
 * A copy of the data directory (symlinks) in 'dir' whose file 'rel'
 * ("schemas/templates/zz-bad.xml") holds 'text' instead; 'rel' is two
 * or three levels deep.
 */
static void broken_data_dir(char *dir, const char *rel, const char *text)
{
    char a[512];
    char b[512];
    char path[2048];
    const char *slash1 = strchr(rel, '/');
    const char *slash2 = slash1 != NULL ? strchr(slash1 + 1, '/') : NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    CU_ASSERT_PTR_NOT_NULL_FATAL(slash1);
    /* first level: everything but the directory holding 'rel' */
    snprintf(a, sizeof(a), "%.*s", (int)(slash1 - rel), rel);
    link_all(test_root(), dir, a);
    snprintf(path, sizeof(path), "%s/%s", dir, a);
    if (slash2 == NULL) {
        link_all(test_path(a), path, slash1 + 1);
    } else {
        snprintf(b, sizeof(b), "%.*s", (int)(slash2 - slash1 - 1), slash1 + 1);
        link_all(test_path(a), path, b);
        snprintf(a, sizeof(a), "%.*s", (int)(slash2 - rel), rel);
        snprintf(path, sizeof(path), "%s/%s", dir, a);
        link_all(test_path(a), path, slash2 + 1);
    }
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    unlink(path);
    write_file(path, text);
}

static void same_on_broken(const char *rel, const char *text, const char *code)
{
    char dir[] = "/tmp/bx-prefetch-XXXXXX";
    struct outcome o;

    broken_data_dir(dir, rel, text);
    same_with_and_without(
        dir, test_path("samples/example-county-education-bureau-2024.xml"));
    /* and the breakage is what is said */
    CU_ASSERT_EQUAL(
        run_one(dir,
                test_path("samples/example-county-education-bureau-2024.xml"),
                1, &o),
        BX_OK);
    CU_ASSERT_PTR_NOT_NULL(o.diags);
    if (o.diags != NULL && strstr(o.diags, code) == NULL) {
        fprintf(stderr, "\nno %s in:\n%s\n", code, o.diags);
        CU_FAIL("the broken file is not reported");
    }
    outcome_release(&o);
    remove_tree(dir);
}

static void test_prefetch_broken_template_said_the_same(void)
{
    same_on_broken("schemas/templates/zz-bad.xml",
                   "<template xmlns='urn:budgetx:template:1' id='Bad'/>",
                   "TEMPLATE-");
}

static void test_prefetch_broken_rules_said_the_same(void)
{
    same_on_broken("schemas/rules/2024.xml", "<ruleset>not closed",
                   "XML-MALFORMED");
}

static void test_prefetch_broken_stylesheet_said_the_same(void)
{
    same_on_broken("xslt/html.xsl",
                   "<xsl:stylesheet version='1.0' "
                   "xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
                   "<xsl:template match='/'><xsl:nope/></xsl:template>"
                   "</xsl:stylesheet>",
                   "XSLT-COMPILE");
}

/*
 * A data file the build validated, edited afterwards by an expert: its
 * bytes no longer match the digests the build listed, so it is validated
 * at run time, and what is wrong with it is said, the same with and
 * without the prefetch (whose templates thread never validates: it leaves
 * such a registry to the check).  The edit: 'attr' added to the first
 * "<'root' xmlns=...>" of the shipped file 'rel'.
 */
static void same_on_edited(const char *rel, const char *root, const char *code)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    struct bx_buf b;
    char open_tag[64];
    const char *at;

    snprintf(open_tag, sizeof(open_tag), "<%s ", root);
    CU_ASSERT_EQUAL_FATAL(util_read_file(test_path(rel), 1u << 24, &buf, &len),
                          BX_OK);
    at = strstr((const char *)buf, open_tag);
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    buf_init(&b);
    buf_append(&b, buf, (size_t)(at - (const char *)buf) + strlen(open_tag));
    buf_puts(&b, "edited=\"after the build\" ");
    buf_puts(&b, at + strlen(open_tag));
    CU_ASSERT_FALSE_FATAL(b.failed);
    same_on_broken(rel, b.data, code);
    buf_release(&b);
    free(buf);
}

static void test_prefetch_edited_rules_validated(void)
{
    same_on_edited("schemas/rules/2024.xml", "ruleset", "RULES-INVALID");
}

static void test_prefetch_edited_template_validated(void)
{
    same_on_edited("schemas/templates/henan-county-14.xml", "template",
                   "TEMPLATE-");
}

/* A broken schema: bx_context_new_prefetch() fails as bx_context_new()
 * does, with the same findings, and leaves no thread behind. */
static void test_prefetch_broken_schema_said_the_same(void)
{
    char dir[] = "/tmp/bx-prefetch-XXXXXX";
    struct bx_options opts;
    struct bx_diags a;
    struct bx_diags b;
    struct bx_context *c = NULL;
    char *ta;
    char *tb;

    broken_data_dir(dir, "schemas/budgetx.xsd", "<xs:schema");
    bx_options_init(&opts);
    opts.data_dir = dir;
    bx_diags_init(&a);
    bx_diags_init(&b);
    CU_ASSERT_EQUAL(bx_context_new(&opts, &a, &c), BX_E_DATA);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL(bx_context_new_prefetch(&opts, 1, "html", &b, &c),
                    BX_E_DATA);
    CU_ASSERT_PTR_NULL(c);
    ta = diags_text(&a);
    tb = diags_text(&b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ta);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tb);
    CU_ASSERT_STRING_EQUAL(ta, tb);
    CU_ASSERT_PTR_NOT_NULL(strstr(ta, "DATA-SCHEMA"));
    free(ta);
    free(tb);
    bx_diags_release(&a);
    bx_diags_release(&b);
    remove_tree(dir);
}

static void test_prefetch_calls(void)
{
    struct bx_context *c = test_context();

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(bx_context_prefetch(NULL, 1, NULL), BX_E_ARG);
    bx_context_wait(c); /* none started: returns */
    bx_context_wait(NULL);
    CU_ASSERT_EQUAL(bx_context_prefetch(c, 1, "html"), BX_OK);
    CU_ASSERT_EQUAL(bx_context_prefetch(c, 1, "html"), BX_E_STATE);
    bx_context_wait(c);
    bx_context_wait(c); /* twice is fine */
    bx_context_free(c); /* the stylesheet nobody took is freed */

    c = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    /* freed while the thread may still run: free waits for it */
    CU_ASSERT_EQUAL(bx_context_prefetch(c, 1, "csv"), BX_OK);
    bx_context_free(c);

    c = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    /* nothing to do (no rules, no known format): no thread */
    CU_ASSERT_EQUAL(bx_context_prefetch(c, 0, "xlsx"), BX_OK);
    bx_context_free(c);
}

int bx_test_suite_prefetch(void)
{
    CU_pSuite s = CU_add_suite("prefetch", NULL, NULL);

    if (s == NULL ||
        CU_add_test(s, "every sample the same",
                    test_prefetch_every_sample_the_same) == NULL ||
        CU_add_test(s, "broken template said the same",
                    test_prefetch_broken_template_said_the_same) == NULL ||
        CU_add_test(s, "broken rules said the same",
                    test_prefetch_broken_rules_said_the_same) == NULL ||
        CU_add_test(s, "broken stylesheet said the same",
                    test_prefetch_broken_stylesheet_said_the_same) == NULL ||
        CU_add_test(s, "edited rule file validated, said the same",
                    test_prefetch_edited_rules_validated) == NULL ||
        CU_add_test(s, "edited template validated, said the same",
                    test_prefetch_edited_template_validated) == NULL ||
        CU_add_test(s, "broken schema said the same",
                    test_prefetch_broken_schema_said_the_same) == NULL ||
        CU_add_test(s, "calls", test_prefetch_calls) == NULL)
        return -1;
    return 0;
}
