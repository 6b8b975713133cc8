/*
 * Templates parsed on demand (src/templates.c, schemas/lean/TEMPLATES):
 * a run whose template directory matches the build's index parses only
 * the templates it looks up, and gets the very data the full load gives
 * for every name and year; an edited, added or removed template, an
 * edited template.xsd, a missing, stale or malformed index take the full
 * path with its findings (the same as without an index); threads looking
 * templates up at once parse each one once and agree.
 */
#define _XOPEN_SOURCE 700 /* realpath() */

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"
#include "templates.h"
#include "testutil.h"
#include "util.h"
#include "xmlio.h"

/* The shipped template files. */
#define NFILES 6

static int same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) ||
           (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int same_table(const struct tpl_template *ta, const struct tpl_table *a,
                      const struct tpl_template *tb, const struct tpl_table *b)
{
    struct tpl_fixed_row ra[64];
    struct tpl_fixed_row rb[64];
    size_t na;
    size_t i;
    int l;

    if (!same_str(a->key, b->key) || !same_str(a->kind, b->kind) ||
        !same_str(a->element, b->element) ||
        !same_str(a->ordinal, b->ordinal) || a->number != b->number ||
        !same_str(a->unit, b->unit) || a->decimals != b->decimals ||
        a->blank_na != b->blank_na || a->rows != b->rows ||
        a->levels != b->levels || a->subtotals != b->subtotals ||
        a->required != b->required || a->picture != b->picture ||
        a->ncolumns != b->ncolumns ||
        templates_subtotals_optional(ta, a) !=
            templates_subtotals_optional(tb, b))
        return 0;
    for (l = 0; l < 2; l++) {
        if (!same_str(a->title[l], b->title[l]) ||
            !same_str(a->note[l], b->note[l]) ||
            !same_str(a->label[l], b->label[l]))
            return 0;
    }
    for (i = 0; i < a->ncolumns; i++) {
        const struct tpl_column *x = &a->columns[i];
        const struct tpl_column *y = &b->columns[i];

        if (!same_str(x->name, y->name) ||
            !same_str(x->label[0], y->label[0]) ||
            !same_str(x->label[1], y->label[1]) || x->amount != y->amount ||
            x->required != y->required)
            return 0;
    }
    na = templates_fixed_rows(ta, a, ra, 64);
    if (na != templates_fixed_rows(tb, b, rb, 64))
        return 0;
    for (i = 0; i < na; i++) {
        if (!same_str(ra[i].path, rb[i].path) ||
            !same_str(ra[i].label[0], rb[i].label[0]) ||
            !same_str(ra[i].label[1], rb[i].label[1]))
            return 0;
    }
    return 1;
}

/* Whether 'a' and 'b' hold the same template data (or are both NULL). */
static int same_template(const struct tpl_template *a,
                         const struct tpl_template *b)
{
    size_t i;
    int l;

    if (a == NULL || b == NULL)
        return a == b;
    if (!same_str(a->id, b->id) || !same_str(a->file, b->file) ||
        strcmp(a->sha, b->sha) != 0 || a->naliases != b->naliases ||
        a->from_year != b->from_year || a->to_year != b->to_year ||
        !same_str(a->unit, b->unit) || a->decimals != b->decimals ||
        a->class_ordinals != b->class_ordinals ||
        a->tables_picture != b->tables_picture ||
        a->mofdiv_printed != b->mofdiv_printed ||
        a->dept_code_printed != b->dept_code_printed ||
        a->unit_code_printed != b->unit_code_printed ||
        a->units_counted != b->units_counted || a->ntables != b->ntables)
        return 0;
    for (l = 0; l < 2; l++) {
        if (!same_str(a->region[l], b->region[l]) ||
            !same_str(a->description[l], b->description[l]))
            return 0;
    }
    for (i = 0; i < a->naliases; i++) {
        if (!same_str(a->aliases[i], b->aliases[i]))
            return 0;
    }
    for (i = 0; i < a->ntables; i++) {
        if (!same_table(a, &a->tables[i], b, &b->tables[i]))
            return 0;
    }
    return 1;
}

/* A context on 'dir' (NULL: the project), without a prefetch. */
static struct bx_context *context_on(const char *dir)
{
    struct bx_options opts;
    struct bx_diags d;
    struct bx_context *c = NULL;

    bx_options_init(&opts);
    opts.data_dir = dir != NULL ? dir : test_root();
    bx_diags_init(&d);
    bx_context_new(&opts, &d, &c);
    bx_diags_release(&d);
    return c;
}

/* The names a lookup may be given: every id and alias, and unknown ones. */
static size_t all_names(const struct tpl_registry *reg, const char **out,
                        size_t max)
{
    size_t n = 0;
    size_t i;
    size_t k;

    for (i = 0; i < reg->ntemplates && n < max; i++) {
        out[n++] = reg->templates[i].id;
        for (k = 0; k < reg->templates[i].naliases && n < max; k++)
            out[n++] = reg->templates[i].aliases[k];
    }
    if (n + 2 <= max) {
        out[n++] = "no-such-template";
        out[n++] = "";
    }
    return n;
}

static const int years[] = {0,    -5,   1999, 2000, 2019, 2023,
                            2024, 2025, 2030, 2100, 9999, INT_MIN};

static void test_lazytpl_index_is_what_the_library_writes(void)
{
    struct bx_context *c = context_on(NULL);
    struct bx_diags d;
    unsigned char *file = NULL;
    size_t flen = 0;
    char *text = NULL;
    size_t len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL(templates_index(c, &d, &text, &len), BX_OK);
    CU_ASSERT_EQUAL(d.count, 0);
    CU_ASSERT_EQUAL_FATAL(util_read_file(test_path("schemas/lean/TEMPLATES"),
                                         1u << 20, &file, &flen),
                          BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(flen, len);
    CU_ASSERT_TRUE(len == flen && memcmp(file, text, len) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, " central-9.xml central-9 2024 0 "
                                        "generic-9 generic-8\n"));
    free(text);
    free(file);
    bx_diags_release(&d);
    bx_context_free(c);
}

static void test_lazytpl_parses_only_what_is_looked_up(void)
{
    struct bx_context *c = context_on(NULL);
    const struct tpl_template *a;
    const struct tpl_template *ref;
    const struct tpl_registry *reg = NULL;
    struct bx_diags d;

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL(templates_parsed(c), 0);
    a = templates_lookup(c, "central-9", 2024);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(templates_parsed(c), 1);
    /* an alias, another year: the same template, not parsed again */
    CU_ASSERT_PTR_EQUAL(templates_lookup(c, "generic-9", 2019), a);
    CU_ASSERT_PTR_EQUAL(templates_lookup(c, "generic-8", 0), a);
    CU_ASSERT_EQUAL(templates_parsed(c), 1);
    CU_ASSERT_PTR_NULL(templates_lookup(c, "no-such-template", 2024));
    CU_ASSERT_EQUAL(templates_parsed(c), 1);
    /* templates_open(): the reference, once */
    CU_ASSERT_EQUAL(templates_open(c, &d), BX_OK);
    CU_ASSERT_EQUAL(templates_parsed(c), 2);
    ref = templates_reference(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
    CU_ASSERT_STRING_EQUAL(ref->id, "henan-county-14");
    CU_ASSERT_EQUAL(templates_open(c, &d), BX_OK);
    CU_ASSERT_EQUAL(templates_parsed(c), 2);
    CU_ASSERT_EQUAL(d.count, 0);
    /* whoever needs them all gets them all; what was handed out stays */
    CU_ASSERT_EQUAL(templates_load(c, &d, &reg), BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
    CU_ASSERT_EQUAL(reg->ntemplates, NFILES);
    CU_ASSERT_EQUAL(templates_parsed(c), 2 + NFILES);
    CU_ASSERT_PTR_EQUAL(templates_lookup(c, "central-9", 2024), a);
    CU_ASSERT_STRING_EQUAL(a->tables[0].key, "T1");
    CU_ASSERT_EQUAL(d.count, 0);
    bx_diags_release(&d);
    bx_context_free(c);
}

static void test_lazytpl_same_data_as_the_full_load(void)
{
    struct bx_context *full = context_on(NULL);
    struct bx_context *lazy = context_on(NULL);
    const struct tpl_registry *reg = NULL;
    const char *names[64];
    size_t n;
    size_t i;
    size_t y;
    int found = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lazy);
    CU_ASSERT_EQUAL_FATAL(templates_load(full, NULL, &reg), BX_OK);
    CU_ASSERT_EQUAL(reg->ntemplates, NFILES);
    n = all_names(reg, names, 64);
    CU_ASSERT_TRUE(n > NFILES + 2); /* some aliases */
    for (i = 0; i < n; i++) {
        for (y = 0; y < sizeof(years) / sizeof(years[0]); y++) {
            const struct tpl_template *a =
                templates_lookup(full, names[i], years[y]);
            const struct tpl_template *b =
                templates_lookup(lazy, names[i], years[y]);

            found += a != NULL;
            if (!same_template(a, b)) {
                fprintf(stderr, "\n%s %d: %s, lazily %s\n", names[i], years[y],
                        a != NULL ? a->id : "none", b != NULL ? b->id : "none");
                CU_FAIL("the lazy registry chose other data");
            }
        }
    }
    CU_ASSERT_TRUE(found > 0);
    CU_ASSERT_EQUAL(templates_parsed(lazy), NFILES); /* each once */
    CU_ASSERT_TRUE(
        same_template(templates_reference(full), templates_reference(lazy)));
    bx_context_free(full);
    bx_context_free(lazy);
}

/* ---- a copy of the data directory -------------------------------- */

/* Symlinks in 'dst' to the entries of 'src' but 'skip1' and 'skip2'. */
static void link_all(const char *src, const char *dst, const char *skip1,
                     const char *skip2)
{
    DIR *d = opendir(src);
    struct dirent *e;
    char from[2048];
    char to[2048];

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    mkdir(dst, 0700);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' ||
            (skip1 != NULL && strcmp(e->d_name, skip1) == 0) ||
            (skip2 != NULL && strcmp(e->d_name, skip2) == 0))
            continue;
        snprintf(from, sizeof(from), "%s/%s", src, e->d_name);
        snprintf(to, sizeof(to), "%s/%s", dst, e->d_name);
        CU_ASSERT_EQUAL(symlink(from, to), 0);
    }
    closedir(d);
}

static void put_file(const char *dir, const char *rel, const void *data,
                     size_t len)
{
    char path[2048];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    unlink(path);
    f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void drop_file(const char *dir, const char *rel)
{
    char path[2048];

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    CU_ASSERT_EQUAL(unlink(path), 0);
}

/* The shipped file 'rel' with 'from' replaced by 'to' (once) into 'dir'. */
static void put_edited(const char *dir, const char *from_rel, const char *rel,
                       const char *from, const char *to)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    struct bx_buf b;
    const char *at;

    CU_ASSERT_EQUAL_FATAL(
        util_read_file(test_path(from_rel), 1u << 24, &buf, &len), BX_OK);
    at = from != NULL ? strstr((const char *)buf, from) : NULL;
    CU_ASSERT_FATAL(from == NULL || at != NULL);
    buf_init(&b);
    if (at == NULL) {
        buf_append(&b, buf, len);
        buf_puts(&b, to);
    } else {
        buf_append(&b, buf, (size_t)(at - (const char *)buf));
        buf_puts(&b, to);
        buf_puts(&b, at + strlen(from));
    }
    CU_ASSERT_FALSE_FATAL(b.failed);
    put_file(dir, rel, b.data, b.len);
    buf_release(&b);
    free(buf);
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    struct stat st;
    char sub[2048];

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(sub);
        else
            unlink(sub);
    }
    closedir(d);
    rmdir(path);
}

/*
 * 'dir' (a mkdtemp() template): the project's data directory as
 * symlinks, but schemas/templates/ and schemas/lean/ directories of their
 * own (their files links, so that one can be replaced) and
 * schemas/lean/TEMPLATES a copy.
 */
static void data_copy(char *dir)
{
    char root[PATH_MAX];
    char a[PATH_MAX + 64];
    char b[PATH_MAX + 64];
    unsigned char *buf = NULL;
    size_t len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(test_root(), root));
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    link_all(root, dir, "schemas", NULL);
    snprintf(a, sizeof(a), "%s/schemas", root);
    snprintf(b, sizeof(b), "%s/schemas", dir);
    link_all(a, b, "templates", "lean");
    snprintf(a, sizeof(a), "%s/schemas/templates", root);
    snprintf(b, sizeof(b), "%s/schemas/templates", dir);
    link_all(a, b, NULL, NULL);
    snprintf(a, sizeof(a), "%s/schemas/lean", root);
    snprintf(b, sizeof(b), "%s/schemas/lean", dir);
    link_all(a, b, "TEMPLATES", NULL);
    CU_ASSERT_EQUAL_FATAL(util_read_file(test_path("schemas/lean/TEMPLATES"),
                                         1u << 20, &buf, &len),
                          BX_OK);
    put_file(dir, "schemas/lean/TEMPLATES", buf, len);
    free(buf);
}

/* What a fresh context on 'dir' says opening its registry. */
struct opened {
    int rc;
    char *said;           /* its findings, one a line */
    unsigned long parsed; /* template files parsed by templates_open() */
    char probe[64];       /* the id templates_lookup() gives 'name' */
    char region[128];     /* ... and its English region */
};

static void open_on(const char *dir, const char *name, struct opened *o)
{
    struct bx_context *c = context_on(dir);
    const struct tpl_template *t;
    struct bx_diags d;
    struct bx_buf b;
    size_t i;

    memset(o, 0, sizeof(*o));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    bx_diags_init(&d);
    o->rc = templates_open(c, &d);
    o->parsed = templates_parsed(c);
    buf_init(&b);
    for (i = 0; i < d.count; i++)
        buf_printf(&b, "%d %s %s %s\n", (int)d.items[i].severity,
                   d.items[i].code, d.items[i].file ? d.items[i].file : "-",
                   bx_diag_message(&d.items[i], BX_LANG_EN));
    buf_puts(&b, "");
    o->said = buf_take(&b, NULL);
    t = templates_lookup(c, name, 2024);
    snprintf(o->probe, sizeof(o->probe), "%s", t != NULL ? t->id : "none");
    snprintf(o->region, sizeof(o->region), "%s",
             t != NULL ? t->region[BX_LANG_EN] : "");
    bx_diags_release(&d);
    bx_context_free(c);
}

/*
 * 'dir' opened with its index and without it (the full path as it was
 * before the index): the same status, findings and lookup, and the full
 * path taken ('nfiles' files parsed) when 'lazy' is 0.  Returns the
 * outcome with the index (caller releases 'said').
 */
static void same_as_without(const char *dir, const char *name, int lazy,
                            unsigned long nfiles, struct opened *with)
{
    struct opened without;
    char path[2048];
    char hidden[2048];

    open_on(dir, name, with);
    snprintf(path, sizeof(path), "%s/schemas/lean/TEMPLATES", dir);
    snprintf(hidden, sizeof(hidden), "%s/schemas/lean/TEMPLATES.away", dir);
    if (rename(path, hidden) != 0)
        hidden[0] = '\0'; /* the case has none */
    open_on(dir, name, &without);
    if (hidden[0] != '\0')
        CU_ASSERT_EQUAL(rename(hidden, path), 0);
    CU_ASSERT_EQUAL(with->rc, without.rc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(with->said);
    CU_ASSERT_PTR_NOT_NULL_FATAL(without.said);
    if (strcmp(with->said, without.said) != 0) {
        fprintf(stderr, "\nwith the index:\n%s\nwithout:\n%s\n", with->said,
                without.said);
        CU_FAIL("the index changed what is said");
    }
    CU_ASSERT_STRING_EQUAL(with->probe, without.probe);
    CU_ASSERT_STRING_EQUAL(with->region, without.region);
    CU_ASSERT_EQUAL(without.parsed, nfiles);
    if (lazy) {
        CU_ASSERT_EQUAL(with->parsed, 1); /* the reference only */
    } else {
        CU_ASSERT_EQUAL(with->parsed, nfiles);
    }
    free(without.said);
}

static void test_lazytpl_copy_unchanged_is_lazy(void)
{
    char dir[] = "/tmp/bx-lazytpl-XXXXXX";
    struct opened o;

    data_copy(dir);
    same_as_without(dir, "generic-9", 1, NFILES, &o);
    CU_ASSERT_EQUAL(o.rc, BX_OK);
    CU_ASSERT_STRING_EQUAL(o.probe, "central-9");
    CU_ASSERT_STRING_EQUAL(o.said, "");
    free(o.said);
    remove_tree(dir);
}

static void test_lazytpl_invalid_edit_said_as_before(void)
{
    char dir[] = "/tmp/bx-lazytpl-XXXXXX";
    struct opened o;

    data_copy(dir);
    put_edited(dir, "schemas/templates/henan-county-14.xml",
               "schemas/templates/henan-county-14.xml", "<template ",
               "<template edited=\"after the build\" ");
    same_as_without(dir, "central-9", 0, 3, &o); /* stops at the third */
    CU_ASSERT_EQUAL(o.rc, BX_E_DATA);
    CU_ASSERT_PTR_NOT_NULL(strstr(o.said, "TEMPLATE-INVALID"));
    CU_ASSERT_STRING_EQUAL(o.probe, "none");
    free(o.said);
    remove_tree(dir);
}

static void test_lazytpl_valid_edit_seen(void)
{
    char dir[] = "/tmp/bx-lazytpl-XXXXXX";
    struct opened o;

    data_copy(dir);
    put_edited(dir, "schemas/templates/central-9.xml",
               "schemas/templates/central-9.xml", "Central departments",
               "Central departments (edited)");
    same_as_without(dir, "generic-8", 0, NFILES, &o);
    CU_ASSERT_EQUAL(o.rc, BX_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(o.region, "(edited)"));
    free(o.said);
    remove_tree(dir);
}

static void test_lazytpl_broken_file_added_said_as_before(void)
{
    char dir[] = "/tmp/bx-lazytpl-XXXXXX";
    const char bad[] = "<template xmlns='urn:budgetx:template:1' id='Bad'/>";
    struct opened o;

    data_copy(dir);
    put_file(dir, "schemas/templates/zz-bad.xml", bad, strlen(bad));
    same_as_without(dir, "central-9", 0, NFILES + 1, &o);
    CU_ASSERT_EQUAL(o.rc, BX_E_DATA);
    CU_ASSERT_PTR_NOT_NULL(strstr(o.said, "TEMPLATE-"));
    free(o.said);
    remove_tree(dir);
}

static void test_lazytpl_valid_file_added_found(void)
{
    char dir[] = "/tmp/bx-lazytpl-XXXXXX";
    struct opened o;

    data_copy(dir);
    put_edited(dir, "schemas/templates/narrative-only.xml",
               "schemas/templates/narrative-two.xml", "id=\"narrative-only\"",
               "id=\"narrative-two\"");
    same_as_without(dir, "narrative-two", 0, NFILES + 1, &o);
    CU_ASSERT_EQUAL(o.rc, BX_OK);
    CU_ASSERT_STRING_EQUAL(o.probe, "narrative-two");
    free(o.said);
    remove_tree(dir);
}

static void test_lazytpl_file_removed_not_found(void)
{
    char dir[] = "/tmp/bx-lazytpl-XXXXXX";
    struct opened o;

    data_copy(dir);
    drop_file(dir, "schemas/templates/narrative-only.xml");
    same_as_without(dir, "narrative-only", 0, NFILES - 1, &o);
    CU_ASSERT_EQUAL(o.rc, BX_OK);
    CU_ASSERT_STRING_EQUAL(o.probe, "none");
    free(o.said);
    remove_tree(dir);
}

static void test_lazytpl_schema_edited_full_path(void)
{
    char dir[] = "/tmp/bx-lazytpl-XXXXXX";
    struct opened o;

    data_copy(dir);
    /* still a valid schema; no file was validated against these bytes */
    put_edited(dir, "schemas/templates/template.xsd",
               "schemas/templates/template.xsd", NULL,
               "<!-- edited after the build -->\n");
    same_as_without(dir, "central-9", 0, NFILES, &o);
    CU_ASSERT_EQUAL(o.rc, BX_OK);
    CU_ASSERT_STRING_EQUAL(o.probe, "central-9");
    free(o.said);
    remove_tree(dir);
}

static void test_lazytpl_index_missing_or_stale_full_path(void)
{
    /* 'lazy' 1: the files' hashes still match, so the index is
     * believed until the template it misdescribes is parsed (then the
     * full path) */
    static const struct {
        const char *from; /* NULL: appended */
        const char *to;
        int lazy;
    } edits[] = {
        {"budgetx-templates 1\n", "budgetx-templates 2\n", 0},
        {"budgetx-templates 1\n", "budgetx-templates 0\n", 0},
        {" central-9.xml central-9 2024 0 generic-9 generic-8\n",
         " central-9.xml central-9 2024 0 generic-9\n", 1},
        {" central-9.xml central-9 2024 0 ", " central-9.xml central-9 2019 0 ",
         1},
        {" henan-county-14.xml", " henan-county-13.xml", 0},
        {"\nfile ", "\nfile  ", 0},
        {NULL,
         "file 0000000000000000 "
         "0000000000000000000000000000000000000000000000000000000000000000"
         " zz.xml zz 2024 0\n",
         0},
        {NULL, "no final newline", 0},
    };
    char dir[] = "/tmp/bx-lazytpl-XXXXXX";
    unsigned char *buf = NULL;
    size_t len = 0;
    struct opened o;
    size_t i;
    char *h;

    data_copy(dir);
    /* no index at all */
    drop_file(dir, "schemas/lean/TEMPLATES");
    same_as_without(dir, "central-9", 0, NFILES, &o);
    CU_ASSERT_EQUAL(o.rc, BX_OK);
    free(o.said);
    /* a hash that no longer matches its file */
    CU_ASSERT_EQUAL_FATAL(util_read_file(test_path("schemas/lean/TEMPLATES"),
                                         1u << 20, &buf, &len),
                          BX_OK);
    h = strstr((char *)buf, "\nfile ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    h[6] = h[6] == '0' ? '1' : '0';
    put_file(dir, "schemas/lean/TEMPLATES", buf, len);
    free(buf);
    same_as_without(dir, "central-9", 0, NFILES, &o);
    free(o.said);
    /* an index of another format, or edited, or malformed */
    for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        put_edited(dir, "schemas/lean/TEMPLATES", "schemas/lean/TEMPLATES",
                   edits[i].from, edits[i].to);
        same_as_without(dir, "central-9", edits[i].lazy, NFILES, &o);
        CU_ASSERT_EQUAL(o.rc, BX_OK);
        CU_ASSERT_STRING_EQUAL(o.probe, "central-9");
        free(o.said);
    }
    remove_tree(dir);
}

/* ---- threads ------------------------------------------------------ */

#define NTHREADS 4
#define ROUNDS 50

struct worker {
    struct bx_context *ctx;
    const char **names;
    const char **want; /* the id the full load gives each name, or NULL */
    size_t n;
    size_t start;
    int wrong;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    const struct tpl_template *first[64];
    size_t r;
    size_t i;

    xmlio_thread_init();
    memset(first, 0, sizeof(first));
    for (r = 0; r < ROUNDS; r++) {
        for (i = 0; i < w->n; i++) {
            size_t k = (w->start + i * (w->start + 1)) % w->n;
            const struct tpl_template *t =
                templates_lookup(w->ctx, w->names[k], 2024 - (int)(r % 3));
            const struct tpl_template *ref = templates_reference(w->ctx);

            if (!same_str(t != NULL ? t->id : NULL, w->want[k]) ||
                (first[k] != NULL && first[k] != t) || ref == NULL ||
                strcmp(ref->id, "henan-county-14") != 0 ||
                (t != NULL && t->ntables > 0 && t->tables[0].label[0] == NULL))
                w->wrong++;
            first[k] = t;
        }
    }
    return NULL;
}

static void test_lazytpl_threads_agree(void)
{
    struct bx_context *full = context_on(NULL);
    struct bx_context *lazy = context_on(NULL);
    const struct tpl_registry *reg = NULL;
    const char *names[64];
    const char *want[64];
    struct worker w[NTHREADS];
    pthread_t th[NTHREADS];
    size_t n;
    size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lazy);
    CU_ASSERT_EQUAL_FATAL(templates_load(full, NULL, &reg), BX_OK);
    n = all_names(reg, names, 64);
    for (i = 0; i < n; i++) {
        const struct tpl_template *t = templates_lookup(full, names[i], 2024);

        want[i] = t != NULL ? t->id : NULL;
    }
    for (i = 0; i < NTHREADS; i++) {
        w[i].ctx = lazy;
        w[i].names = names;
        w[i].want = want;
        w[i].n = n;
        w[i].start = i * 3;
        w[i].wrong = 0;
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        CU_ASSERT_EQUAL(w[i].wrong, 0);
    }
    CU_ASSERT_EQUAL(templates_parsed(lazy), NFILES); /* each once */
    bx_context_free(full);
    bx_context_free(lazy);
}

int bx_test_suite_lazytpl(void)
{
    CU_pSuite s = CU_add_suite("lazytpl", NULL, NULL);

    if (s == NULL ||
        CU_add_test(s, "index is what the library writes",
                    test_lazytpl_index_is_what_the_library_writes) == NULL ||
        CU_add_test(s, "parses only what is looked up",
                    test_lazytpl_parses_only_what_is_looked_up) == NULL ||
        CU_add_test(s, "same data as the full load",
                    test_lazytpl_same_data_as_the_full_load) == NULL ||
        CU_add_test(s, "copy unchanged is lazy",
                    test_lazytpl_copy_unchanged_is_lazy) == NULL ||
        CU_add_test(s, "invalid edit said as before",
                    test_lazytpl_invalid_edit_said_as_before) == NULL ||
        CU_add_test(s, "valid edit seen", test_lazytpl_valid_edit_seen) ==
            NULL ||
        CU_add_test(s, "broken file added said as before",
                    test_lazytpl_broken_file_added_said_as_before) == NULL ||
        CU_add_test(s, "valid file added found",
                    test_lazytpl_valid_file_added_found) == NULL ||
        CU_add_test(s, "file removed not found",
                    test_lazytpl_file_removed_not_found) == NULL ||
        CU_add_test(s, "schema edited: full path",
                    test_lazytpl_schema_edited_full_path) == NULL ||
        CU_add_test(s, "index missing or stale: full path",
                    test_lazytpl_index_missing_or_stale_full_path) == NULL ||
        CU_add_test(s, "threads agree", test_lazytpl_threads_agree) == NULL)
        return -1;
    return 0;
}
