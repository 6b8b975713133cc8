/*
 * The template registry (see templates.h): reads and validates
 * schemas/templates/<id>.xml once per context and answers which template a
 * profile names and how it prints a table.  No rule logic lives here.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlschemas.h>

#include "datafiles.h"
#include "rules.h"
#include "templates.h"
#include "templates_digests.h" /* generated: templates_validated[] */
#include "util.h"
#include "xmlio.h"

#define TPL_NS "urn:budgetx:template:1"
#define TPL_DIR "schemas/templates"
#define TPL_MAX_FILES 256
#define REFERENCE_ID "henan-county-14"

/* template.xsd: its digest, and compiled only when a file needs it. */
struct tpl_schema {
    char xsd_hex[65]; /* "" when it could not be read */
    xmlSchemaPtr schema;
    int preload; /* templates_preload(): never compile (it takes a lock) */
};

struct tpl_cache {
    struct tpl_registry reg;
    int state; /* 0 not loaded, 1 loaded, -1 failed (not retried) */
};

/* ------------------------------------------------------------------ */
/* Small DOM helpers                                                   */
/* ------------------------------------------------------------------ */

/* The name first: most elements a walk passes are other ones. */
static int is_tpl(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0 && n->ns != NULL &&
           n->ns->href != NULL &&
           strcmp((const char *)n->ns->href, TPL_NS) == 0;
}

static xmlNodePtr next_named(xmlNodePtr n, const char *name)
{
    for (; n != NULL; n = n->next) {
        if (is_tpl(n, name))
            return n;
    }
    return NULL;
}

static xmlNodePtr first_named(xmlNodePtr parent, const char *name)
{
    return parent != NULL ? next_named(parent->children, name) : NULL;
}

/* Attribute value inside the document (no copy), or NULL. */
static const char *attr(xmlNodePtr el, const char *name)
{
    xmlAttrPtr a = datafiles_prop(el, name);

    if (a == NULL || a->children == NULL)
        return NULL;
    return (const char *)a->children->content;
}

static int attr_bool(xmlNodePtr el, const char *name, int dflt)
{
    const char *v = attr(el, name);

    if (v == NULL)
        return dflt;
    return strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static int attr_int(xmlNodePtr el, const char *name, int dflt)
{
    const char *v = attr(el, name);

    return v != NULL ? atoi(v) : dflt;
}

static const char *text_of(xmlNodePtr el)
{
    if (el == NULL || el->children == NULL ||
        el->children->type != XML_TEXT_NODE)
        return NULL;
    return (const char *)el->children->content;
}

/* The zh and en texts of the children 'name' of 'el' (xml:lang). */
static void texts(xmlNodePtr el, const char *name, const char *out[2])
{
    xmlNodePtr c;

    out[0] = NULL;
    out[1] = NULL;
    for (c = first_named(el, name); c != NULL; c = next_named(c->next, name)) {
        const char *own;
        xmlChar *lang;

        if (datafiles_lang(c, &own) && own != NULL) {
            /* the element's own attribute, read in place */
            if (strcmp(own, "zh") == 0)
                out[BX_LANG_ZH] = text_of(c);
            else if (strcmp(own, "en") == 0)
                out[BX_LANG_EN] = text_of(c);
            continue;
        }
        lang = xmlNodeGetLang(c);
        if (lang != NULL && xmlStrEqual(lang, BAD_CAST "zh"))
            out[BX_LANG_ZH] = text_of(c);
        else if (lang != NULL && xmlStrEqual(lang, BAD_CAST "en"))
            out[BX_LANG_EN] = text_of(c);
        xmlFree(lang);
    }
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */
/* ------------------------------------------------------------------ */

static int digit_of(const char *s, size_t *len)
{
    static const char *const digits[] = {"一", "二", "三", "四", "五",
                                         "六", "七", "八", "九"};
    size_t i;

    for (i = 0; i < 9; i++) {
        size_t l = strlen(digits[i]);

        if (strncmp(s, digits[i], l) == 0) {
            *len = l;
            return (int)i + 1;
        }
    }
    return 0;
}

int templates_number(const char *s)
{
    static const char ten[] = "十";
    size_t l = 0;
    int tens = 0;
    int units = 0;

    if (s == NULL || *s == '\0')
        return 0;
    units = digit_of(s, &l);
    s += l;
    if (strncmp(s, ten, sizeof(ten) - 1) == 0) {
        tens = units != 0 ? units : 1;
        s += sizeof(ten) - 1;
        units = *s != '\0' ? digit_of(s, &l) : 0;
        if (*s != '\0' && units == 0)
            return 0;
        s += *s != '\0' ? l : 0;
    } else if (units == 0) {
        return 0;
    }
    return *s == '\0' ? tens * 10 + units : 0;
}

/* ------------------------------------------------------------------ */
/* Loading one file                                                    */
/* ------------------------------------------------------------------ */

static int data_error(struct bx_diags *diags, const char *file, const char *zh,
                      const char *en)
{
    struct bx_buf z;
    struct bx_buf e;

    if (diags == NULL)
        return BX_E_DATA;
    buf_init(&z);
    buf_init(&e);
    buf_printf(&z, "模板文件有误：%s", zh);
    buf_printf(&e, "broken template file: %s", en);
    if (!z.failed && !e.failed)
        bx_diags_addf(diags, BX_SEV_FATAL, "TEMPLATE-DATA", file, 0, z.data,
                      e.data);
    buf_release(&z);
    buf_release(&e);
    return BX_E_DATA;
}

static void template_release(struct tpl_template *t)
{
    size_t i;

    for (i = 0; i < t->ntables; i++) {
        free(t->tables[i].label[0]);
        free(t->tables[i].label[1]);
        free(t->tables[i].columns);
    }
    free(t->tables);
    free(t->aliases);
    free((char *)t->file);
    if (t->doc != NULL)
        xmlFreeDoc(t->doc);
    memset(t, 0, sizeof(*t));
}

static enum tpl_rows rows_of(const char *v)
{
    static const char *const names[] = {"fixed",    "unit",    "function",
                                        "economic", "project", "item"};
    size_t i;

    for (i = 0; v != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(v, names[i]) == 0)
            return (enum tpl_rows)i;
    }
    return TPL_ROWS_FIXED;
}

static unsigned levels_of(const char *v)
{
    unsigned m = 0;

    if (v == NULL)
        return 0;
    if (strstr(v, "class") != NULL)
        m |= TPL_LEVEL_CLASS;
    if (strstr(v, "subitem") != NULL)
        m |= TPL_LEVEL_SUBITEM;
    /* "item" alone, not only as part of "subitem" */
    if (strncmp(v, "item", 4) == 0 || strstr(v, " item") != NULL)
        m |= TPL_LEVEL_ITEM;
    return m;
}

/* "表六 一般公共预算基本支出表" / "Table 6 (六) General …"; caller frees. */
static char *make_label(const char *ordinal, const char *title, int lang)
{
    struct bx_buf b;
    int n = templates_number(ordinal);

    buf_init(&b);
    if (lang == BX_LANG_ZH) {
        buf_printf(&b, "表%s %s", ordinal, title);
    } else if (n > 0) {
        buf_printf(&b, "Table %d (%s) %s", n, ordinal, title);
    } else {
        buf_printf(&b, "Table %s %s", ordinal, title);
    }
    return buf_take(&b, NULL);
}

static int load_columns(struct tpl_table *tb, xmlNodePtr el)
{
    xmlNodePtr c;
    size_t n = 0;

    for (c = first_named(el, "column"); c; c = next_named(c->next, "column"))
        n++;
    tb->columns = calloc(n ? n : 1, sizeof(*tb->columns));
    if (tb->columns == NULL)
        return BX_E_NOMEM;
    for (c = first_named(el, "column"); c; c = next_named(c->next, "column")) {
        struct tpl_column *col = &tb->columns[tb->ncolumns++];

        col->name = attr(c, "name");
        texts(c, "label", col->label);
        col->amount = attr(c, "type") == NULL ||
                      strcmp(attr(c, "type"), "amount") == 0;
        col->required = attr_bool(c, "required", 1);
    }
    return BX_OK;
}

static int load_table(const struct tpl_template *t, struct tpl_table *tb,
                      xmlNodePtr el)
{
    int l;

    tb->key = attr(el, "key");
    tb->kind = attr(el, "kind");
    tb->element = attr(el, "element");
    tb->ordinal = attr(el, "ordinal");
    tb->number = templates_number(tb->ordinal);
    texts(el, "title", tb->title);
    texts(el, "note", tb->note);
    tb->unit = attr(el, "unit") != NULL ? attr(el, "unit") : t->unit;
    tb->decimals = attr_int(el, "decimals", t->decimals);
    tb->blank_na =
        attr(el, "blank") != NULL && strcmp(attr(el, "blank"), "na") == 0;
    tb->rows = rows_of(attr(el, "rows"));
    tb->levels = levels_of(attr(el, "levels"));
    tb->subtotals = attr_bool(el, "subtotals", 0);
    tb->required = attr_bool(el, "required", 0);
    tb->picture = attr_bool(el, "picture", 0) || t->tables_picture;
    for (l = 0; l < 2; l++) {
        if (tb->title[l] == NULL)
            return BX_E_DATA;
        tb->label[l] = make_label(tb->ordinal, tb->title[l], l);
        if (tb->label[l] == NULL)
            return BX_E_NOMEM;
    }
    return load_columns(tb, el);
}

static int load_head(struct tpl_template *t, xmlNodePtr root)
{
    xmlNodePtr n;
    size_t k = 0;

    t->id = attr(root, "id");
    t->from_year = attr_int(root, "fromYear", 0);
    t->to_year = attr_int(root, "toYear", 0);
    texts(root, "region", t->region);
    texts(root, "description", t->description);
    n = first_named(root, "amounts");
    t->unit = attr(n, "unit");
    t->decimals = attr_int(n, "decimals", 2);
    n = first_named(root, "conventions");
    t->class_ordinals = strcmp(attr(n, "classOrdinals"), "henan") == 0
                            ? TPL_ORDINALS_HENAN
                        : strcmp(attr(n, "classOrdinals"), "sequential") == 0
                            ? TPL_ORDINALS_SEQUENTIAL
                            : TPL_ORDINALS_NONE;
    t->tables_picture =
        attr(n, "tables") != NULL && strcmp(attr(n, "tables"), "picture") == 0;
    n = first_named(root, "identifiers");
    t->mofdiv_printed = strcmp(attr(n, "mofDivCode"), "printed") == 0;
    t->dept_code_printed = strcmp(attr(n, "deptCode"), "printed") == 0;
    t->unit_code_printed = strcmp(attr(n, "unitCode"), "printed") == 0;
    t->units_counted =
        attr(n, "units") != NULL && strcmp(attr(n, "units"), "counted") == 0;
    for (n = first_named(root, "alias"); n; n = next_named(n->next, "alias"))
        t->naliases++;
    t->aliases = calloc(t->naliases ? t->naliases : 1, sizeof(*t->aliases));
    if (t->aliases == NULL)
        return BX_E_NOMEM;
    for (n = first_named(root, "alias"); n; n = next_named(n->next, "alias"))
        t->aliases[k++] = text_of(n);
    if (t->region[0] == NULL || t->region[1] == NULL)
        return BX_E_DATA;
    return BX_OK;
}

static int load_tables(struct tpl_template *t, xmlNodePtr root)
{
    xmlNodePtr n;
    size_t count = 0;
    int rc;

    for (n = first_named(root, "table"); n; n = next_named(n->next, "table"))
        count++;
    t->tables = calloc(count ? count : 1, sizeof(*t->tables));
    if (t->tables == NULL)
        return BX_E_NOMEM;
    for (n = first_named(root, "table"); n; n = next_named(n->next, "table")) {
        rc = load_table(t, &t->tables[t->ntables++], n);
        if (rc != BX_OK)
            return rc;
    }
    return BX_OK;
}

/* xmlErrorPtr: the handler type lost its const in 2.12; 2.9.14 is our floor. */
static void schema_error(void *data, xmlErrorPtr err)
{
    struct bx_diags *diags = data;

    if (diags != NULL)
        xmlio_error_to_diag(err, err->file, "TEMPLATE-INVALID", BX_SEV_FATAL,
                            diags);
}

/* template.xsd, compiled once per context by datafiles.c. */
static int compile_schema(struct bx_context *ctx, struct bx_diags *diags,
                          xmlSchemaPtr *out)
{
    return datafiles_schema(ctx, TPL_DIR "/template.xsd", diags, out);
}

/*
 * Whether the file whose parsed bytes hash to 'file_hex' and template.xsd
 * are a pair the build validated (templates_validated[],
 * scripts/rules-digests.sh): the same bytes against the same schema give
 * the same verdict, so validating them again on every run (half the cost
 * of loading the registry) is skipped.
 */
static int validated_at_build(const struct tpl_schema *ts, const char *file_hex)
{
    return rules_pair_listed(templates_validated, ts->xsd_hex, file_hex);
}

/* datafiles_read_parse_lean()'s question: validated_at_build(). */
static int built_template(void *ts, const char *file_hex)
{
    return validated_at_build(ts, file_hex);
}

static int check_doc(struct bx_context *ctx, struct tpl_schema *ts,
                     const char *file_hex, xmlDocPtr doc,
                     struct bx_diags *diags)
{
    xmlSchemaValidCtxtPtr v;
    int rc;

    if (validated_at_build(ts, file_hex))
        return BX_OK;
    if (ts->preload)
        return BX_E_STATE; /* loaded and reported by templates_load() */
    if (ts->schema == NULL) {
        rc = compile_schema(ctx, diags, &ts->schema);
        if (rc != BX_OK)
            return rc;
    }
    v = xmlSchemaNewValidCtxt(ts->schema);
    if (v == NULL)
        return BX_E_NOMEM;
    xmlSchemaSetValidStructuredErrors(v, schema_error, diags);
    rc = xmlSchemaValidateDoc(v, doc);
    xmlSchemaFreeValidCtxt(v);
    return rc == 0 ? BX_OK : BX_E_DATA;
}

static int load_file(struct bx_context *ctx, struct tpl_schema *ts,
                     const char *name, struct bx_diags *diags,
                     struct tpl_template *t)
{
    struct bx_buf rel;
    char hex[65];
    char *path = NULL;
    xmlNodePtr root;
    unsigned long nomem = xmlio_nomem_count();
    int lean = 0;
    int rc = BX_E_NOMEM;

    buf_init(&rel);
    buf_printf(&rel, "%s/%s", TPL_DIR, name);
    if (rel.failed)
        goto out;
    path = context_path(ctx, rel.data);
    t->file = util_strdup(name);
    if (path == NULL || t->file == NULL)
        goto out;
    /* read once: the digest is the original's; its lean copy is parsed
     * when the build validated the original (built_template()) */
    rc = datafiles_read_parse_lean(ctx, rel.data, path, built_template, ts,
                                   diags, hex, &lean, &t->doc);
    /* libxml2 drops some nodes silently when an allocation fails, and a
     * file validated at build time is not validated again: such a tree
     * could lack what load_head() takes for granted */
    if (rc == BX_OK && xmlio_nomem_count() != nomem)
        rc = BX_E_NOMEM;
    if (rc == BX_OK && !lean)
        rc = check_doc(ctx, ts, hex, t->doc, diags);
    if (rc != BX_OK)
        goto out;
    root = xmlDocGetRootElement(t->doc);
    rc = load_head(t, root);
    /* one name for a template: its file is <id>.xml */
    if (rc == BX_OK && (strlen(name) != strlen(t->id) + 4 ||
                        strncmp(name, t->id, strlen(t->id)) != 0)) {
        rc = data_error(diags, path, "文件名须为 <id>.xml",
                        "the file must be named <id>.xml");
        goto out;
    }
    if (rc == BX_OK)
        rc = load_tables(t, root);
    if (rc == BX_E_DATA)
        data_error(diags, path, "缺少中文或英文文本",
                   "a zh or en text is missing");
out:
    buf_release(&rel);
    free(path);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The registry                                                        */
/* ------------------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the *.xml files of the template directory, sorted. */
static int list_files(struct bx_context *ctx, struct bx_diags *diags,
                      char ***out, size_t *n)
{
    char *dir = context_path(ctx, TPL_DIR);
    char **names = NULL;
    DIR *d = NULL;
    struct dirent *e;
    int rc = BX_E_NOMEM;

    *out = NULL;
    *n = 0;
    names = calloc(TPL_MAX_FILES, sizeof(*names));
    if (dir == NULL || names == NULL)
        goto out;
    d = opendir(dir);
    if (d == NULL) {
        rc = data_error(diags, dir, "无法读取模板目录",
                        "cannot read the template directory");
        goto out;
    }
    rc = BX_OK;
    while ((e = readdir(d)) != NULL && *n < TPL_MAX_FILES) {
        size_t l = strlen(e->d_name);

        if (l <= 4 || strcmp(e->d_name + l - 4, ".xml") != 0 ||
            e->d_name[0] == '.')
            continue;
        names[*n] = util_strdup(e->d_name);
        if (names[*n] == NULL) {
            rc = BX_E_NOMEM;
            break;
        }
        (*n)++;
    }
    qsort(names, *n, sizeof(*names), by_name);
    *out = names;
    names = NULL;
out:
    if (d != NULL)
        closedir(d);
    free(names);
    free(dir);
    return rc;
}

/* Two templates may not claim the same name; a key names one element. */
static int check_registry(const struct tpl_registry *reg,
                          struct bx_diags *diags)
{
    size_t i;
    size_t j;

    for (i = 0; i < reg->ntemplates; i++) {
        const struct tpl_template *a = &reg->templates[i];

        for (j = 0; j < a->ntables; j++) {
            const struct tpl_table *ta = &a->tables[j];
            size_t k;

            for (k = 0; k < reg->ntemplates; k++) {
                const struct tpl_table *tb =
                    templates_table(&reg->templates[k], ta->key);

                if (tb != NULL && strcmp(tb->element, ta->element) != 0)
                    return data_error(diags, a->file, "同一表键对应不同元素",
                                      "one table key names two elements");
            }
        }
    }
    return BX_OK;
}

static void cache_free(void *p)
{
    struct tpl_cache *c = p;
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->reg.ntemplates; i++)
        template_release(&c->reg.templates[i]);
    free(c->reg.templates);
    free(c);
}

static int load_all(struct bx_context *ctx, struct bx_diags *diags, int preload,
                    struct tpl_registry *reg)
{
    struct tpl_schema ts;
    char **names = NULL;
    char *xsd = context_path(ctx, TPL_DIR "/template.xsd");
    size_t n = 0;
    size_t i;
    int rc = list_files(ctx, diags, &names, &n);

    memset(&ts, 0, sizeof(ts));
    ts.preload = preload;
    if (xsd == NULL && rc == BX_OK)
        rc = BX_E_NOMEM;
    if (rc == BX_OK && rules_file_digest(xsd, ts.xsd_hex) != BX_OK)
        ts.xsd_hex[0] = '\0'; /* then every file is validated (and the
                                 schema's own error reported) */
    free(xsd);
    if (rc == BX_OK) {
        reg->templates = calloc(n ? n : 1, sizeof(*reg->templates));
        rc = reg->templates != NULL ? BX_OK : BX_E_NOMEM;
    }
    for (i = 0; rc == BX_OK && i < n; i++) {
        rc = load_file(ctx, &ts, names[i], diags,
                       &reg->templates[reg->ntemplates++]);
    }
    if (rc == BX_OK)
        rc = check_registry(reg, diags);
    for (i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
    return rc; /* 'ts.schema' belongs to datafiles.c */
}

/* What the templates thread loaded, made the cache's: 1 when it was. */
static int adopt_preloaded(struct bx_context *ctx, struct tpl_cache *c)
{
    struct tpl_cache *pre = context_prefetch_take_templates(ctx);

    if (pre == NULL)
        return 0;
    c->reg = pre->reg;
    c->state = 1;
    free(pre);
    return 1;
}

static int load_locked(struct bx_context *ctx, struct bx_diags *diags,
                       const struct tpl_registry **out)
{
    struct tpl_cache *c = ctx->templates.ptr;
    unsigned long nomem = xmlio_nomem_count();
    int rc;

    *out = NULL;
    if (c == NULL) {
        c = calloc(1, sizeof(*c));
        if (c == NULL)
            return BX_E_NOMEM;
        ctx->templates.ptr = c;
        ctx->templates.release = cache_free;
    }
    if (c->state == 1) {
        *out = &c->reg;
        return BX_OK;
    }
    if (c->state == -1)
        return data_error(diags, TPL_DIR, "模板未能载入",
                          "the templates could not be loaded");
    if (adopt_preloaded(ctx, c)) {
        *out = &c->reg;
        return BX_OK;
    }
    rc = load_all(ctx, diags, 0, &c->reg);
    if (rc == BX_OK && xmlio_nomem_count() != nomem)
        rc = BX_E_NOMEM;
    if (rc != BX_OK) {
        size_t i;

        for (i = 0; i < c->reg.ntemplates; i++)
            template_release(&c->reg.templates[i]);
        free(c->reg.templates);
        memset(&c->reg, 0, sizeof(c->reg));
        /* broken data stays broken for this run; memory may come back */
        c->state = rc == BX_E_DATA ? -1 : 0;
        return rc;
    }
    c->state = 1;
    *out = &c->reg;
    return BX_OK;
}

int templates_load(struct bx_context *ctx, struct bx_diags *diags,
                   const struct tpl_registry **out)
{
    int rc;

    /* threads share the context: the registry is loaded once, under its
     * lock, and read-only afterwards (the templates thread's, if any, is
     * waited for outside the lock) */
    context_prefetch_wait_templates(ctx);
    context_lock(ctx);
    rc = load_locked(ctx, diags, out);
    context_unlock(ctx);
    return rc;
}

int templates_prefetch(struct bx_context *ctx)
{
    const struct tpl_registry *reg = NULL;
    struct tpl_cache *c;
    int tried;
    int rc;

    context_prefetch_wait_templates(ctx);
    context_lock(ctx);
    c = ctx->templates.ptr;
    tried = c != NULL && c->state != 0; /* someone else's verdict stands */
    rc = load_locked(ctx, NULL, &reg);
    c = ctx->templates.ptr;
    if (rc != BX_OK && !tried && c != NULL && c->state == -1)
        c->state = 0; /* broken: the check that needs it reports it */
    context_unlock(ctx);
    return rc;
}

void *templates_preload(struct bx_context *ctx)
{
    struct tpl_cache *c = calloc(1, sizeof(*c));
    unsigned long nomem = xmlio_nomem_count();
    int rc;

    if (c == NULL)
        return NULL;
    rc = load_all(ctx, NULL, 1, &c->reg);
    if (rc != BX_OK || xmlio_nomem_count() != nomem) {
        cache_free(c);
        return NULL;
    }
    c->state = 1;
    return c;
}

void templates_preload_free(void *preloaded)
{
    cache_free(preloaded);
}

static int names_template(const struct tpl_template *t, const char *name)
{
    size_t i;

    if (strcmp(t->id, name) == 0)
        return 1;
    for (i = 0; i < t->naliases; i++) {
        if (t->aliases[i] != NULL && strcmp(t->aliases[i], name) == 0)
            return 1;
    }
    return 0;
}

/* How far 'year' lies outside the years of 't' (0 inside). */
static int year_distance(const struct tpl_template *t, int year)
{
    if (year < t->from_year)
        return t->from_year - year;
    if (t->to_year != 0 && year > t->to_year)
        return year - t->to_year;
    return 0;
}

const struct tpl_template *templates_lookup(struct bx_context *ctx,
                                            const char *profile, int year)
{
    const struct tpl_registry *reg = NULL;
    const struct tpl_template *best = NULL;
    int best_d = 0;
    size_t i;

    if (profile == NULL || templates_load(ctx, NULL, &reg) != BX_OK)
        return NULL;
    for (i = 0; i < reg->ntemplates; i++) {
        const struct tpl_template *t = &reg->templates[i];
        int d;

        if (!names_template(t, profile))
            continue;
        d = year_distance(t, year);
        if (best == NULL || d < best_d) {
            best = t;
            best_d = d;
        }
    }
    return best;
}

const struct tpl_template *templates_reference(struct bx_context *ctx)
{
    return templates_lookup(ctx, REFERENCE_ID, 0);
}

const struct tpl_table *templates_table(const struct tpl_template *t,
                                        const char *key_or_element)
{
    size_t i;

    for (i = 0; t != NULL && key_or_element != NULL && i < t->ntables; i++) {
        if (strcmp(t->tables[i].key, key_or_element) == 0 ||
            strcmp(t->tables[i].element, key_or_element) == 0)
            return &t->tables[i];
    }
    return NULL;
}

const struct tpl_column *templates_column(const struct tpl_table *tb,
                                          const char *name)
{
    size_t i;

    for (i = 0; tb != NULL && name != NULL && i < tb->ncolumns; i++) {
        if (strcmp(tb->columns[i].name, name) == 0)
            return &tb->columns[i];
    }
    return NULL;
}

/* The template element of table 'tb' of 't', or NULL. */
static xmlNodePtr table_element(const struct tpl_template *t,
                                const struct tpl_table *tb)
{
    xmlNodePtr root = t != NULL ? xmlDocGetRootElement(t->doc) : NULL;
    xmlNodePtr el;

    for (el = first_named(root, "table"); tb != NULL && el != NULL;
         el = next_named(el->next, "table")) {
        if (attr(el, "key") != NULL && strcmp(attr(el, "key"), tb->key) == 0)
            return el;
    }
    return NULL;
}

int templates_subtotals_optional(const struct tpl_template *t,
                                 const struct tpl_table *tb)
{
    const char *v = attr(table_element(t, tb), "subtotals");

    return v != NULL && strcmp(v, "optional") == 0;
}

size_t templates_fixed_rows(const struct tpl_template *t,
                            const struct tpl_table *tb,
                            struct tpl_fixed_row *out, size_t max)
{
    xmlNodePtr root = t != NULL ? xmlDocGetRootElement(t->doc) : NULL;
    xmlNodePtr el;
    xmlNodePtr r;
    size_t n = 0;

    for (el = first_named(root, "table"); tb != NULL && el != NULL;
         el = next_named(el->next, "table")) {
        if (attr(el, "key") == NULL || strcmp(attr(el, "key"), tb->key) != 0)
            continue;
        for (r = first_named(el, "row"); r != NULL && n < max;
             r = next_named(r->next, "row")) {
            out[n].path = attr(r, "path");
            texts(r, "label", out[n].label);
            if (out[n].path != NULL)
                n++;
        }
        break;
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

static xmlNodePtr bx_child(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n;

    for (n = parent != NULL ? parent->children : NULL; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && n->ns != NULL &&
            xmlStrEqual(n->ns->href, BAD_CAST BX_NAMESPACE) &&
            xmlStrEqual(n->name, BAD_CAST name))
            return n;
    }
    return NULL;
}

const struct tpl_template *templates_of_doc(struct bx_context *ctx,
                                            xmlDocPtr doc)
{
    xmlNodePtr meta = bx_child(xmlDocGetRootElement(doc), "metadata");
    xmlChar *profile = xmlNodeGetContent(bx_child(meta, "profile"));
    xmlChar *year = xmlNodeGetContent(bx_child(meta, "fiscalYear"));
    const struct tpl_template *t = NULL;

    if (profile != NULL) {
        t = templates_lookup(ctx, (const char *)profile,
                             year != NULL ? atoi((const char *)year) : 0);
    }
    xmlFree(profile);
    xmlFree(year);
    return t;
}

char *templates_label(const struct tpl_template *t,
                      const struct tpl_template *ref, xmlNodePtr table,
                      enum bx_lang lang)
{
    const struct tpl_table *tb;
    xmlChar *no;
    xmlChar *title;
    char *safe = NULL;
    char *label;

    if (table == NULL)
        return NULL;
    tb = templates_table(t, (const char *)table->name);
    if (tb == NULL)
        tb = templates_table(ref, (const char *)table->name);
    no = xmlGetNoNsProp(table, BAD_CAST "no");
    title = xmlGetNoNsProp(table, BAD_CAST "title");
    if (no != NULL && no[0] != '\0' && templates_number((char *)no) == 0) {
        xmlFree(no); /* not an ordinal we can print as one */
        no = NULL;
    }
    if (lang == BX_LANG_EN || title == NULL || title[0] == '\0') {
        xmlFree(title); /* the document prints its title in Chinese only */
        title = NULL;
    }
    if (title != NULL) {
        /* printed by the document: untrusted, keep it printable */
        safe = util_escape_untrusted((const char *)title,
                                     strlen((const char *)title), 120);
    }
    if (tb == NULL && (no == NULL || safe == NULL)) {
        label = NULL;
    } else {
        label = make_label(no != NULL ? (const char *)no : tb->ordinal,
                           safe != NULL ? safe : tb->title[lang], lang);
    }
    xmlFree(no);
    xmlFree(title);
    free(safe);
    return label;
}

/* ------------------------------------------------------------------ */
/* A document against its template                                    */
/* ------------------------------------------------------------------ */

static int finding(struct bx_diags *diags, struct bx_submission *sub,
                   xmlNodePtr node, const char *code, const char *zh,
                   const char *en)
{
    struct bx_diag d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.severity = BX_SEV_ERROR;
    d.code = (char *)code;
    d.file = sub->path;
    d.line = node != NULL ? xmlGetLineNo(node) : 0;
    d.xpath = node != NULL ? xmlio_node_path(node) : NULL;
    d.message_zh = (char *)zh;
    d.message_en = (char *)en;
    rc = bx_diags_add(diags, &d);
    free(d.xpath);
    return rc;
}

static int unknown_profile(struct bx_submission *sub, xmlNodePtr profile,
                           struct bx_diags *diags)
{
    xmlChar *v = xmlNodeGetContent(profile);
    char *safe = util_escape_untrusted(v ? (const char *)v : "",
                                       v ? strlen((const char *)v) : 0, 64);
    struct bx_buf zh;
    struct bx_buf en;
    int rc = BX_E_NOMEM;

    buf_init(&zh);
    buf_init(&en);
    buf_printf(&zh, "公开模板 '%s' 不在模板目录中（budgetx templates 列出可用模板）",
               safe ? safe : "");
    buf_printf(&en,
               "unknown template '%s' (budgetx templates lists the known ones)",
               safe ? safe : "");
    if (safe != NULL && !zh.failed && !en.failed)
        rc = finding(diags, sub, profile, "TEMPLATE-UNKNOWN", zh.data,
                     en.data);
    buf_release(&zh);
    buf_release(&en);
    free(safe);
    xmlFree(v);
    return rc;
}

/* An identifier the template prints but the document lacks. */
static int need(struct bx_diags *diags, struct bx_submission *sub,
                xmlNodePtr node, int present, const char *zh, const char *en)
{
    if (present)
        return BX_OK;
    return finding(diags, sub, node, "TEMPLATE-IDENTIFIER", zh, en);
}

static int check_identifiers(const struct tpl_template *t,
                             struct bx_submission *sub, xmlNodePtr meta,
                             struct bx_diags *diags)
{
    xmlNodePtr dept = bx_child(meta, "department");
    xmlNodePtr units = bx_child(meta, "units");
    xmlNodePtr u;
    int rc = BX_OK;

    if (t->mofdiv_printed)
        rc = need(diags, sub, meta, bx_child(meta, "mofDivCode") != NULL,
                  "模板印有财政区划代码，文件缺少 mofDivCode",
                  "the template prints the finance division code: "
                  "mofDivCode is missing");
    if (rc == BX_OK && t->dept_code_printed && dept != NULL)
        rc = need(diags, sub, dept, xmlHasProp(dept, BAD_CAST "code") != NULL,
                  "模板印有部门代码，department 缺少 code",
                  "the template prints the department code: "
                  "department/@code is missing");
    if (rc == BX_OK && !t->units_counted)
        rc = need(diags, sub, meta, units != NULL,
                  "模板逐一列出预算单位，文件缺少 units",
                  "the template lists the budget units: units is missing");
    for (u = units != NULL ? units->children : NULL;
         rc == BX_OK && t->unit_code_printed && u != NULL; u = u->next) {
        if (u->type != XML_ELEMENT_NODE)
            continue;
        rc = need(diags, sub, u, xmlHasProp(u, BAD_CAST "code") != NULL,
                  "模板印有单位代码，unit 缺少 code",
                  "the template prints unit codes: unit/@code is missing");
    }
    return rc;
}

int templates_check(struct bx_context *ctx, struct bx_submission *sub,
                    struct bx_diags *diags)
{
    const struct tpl_registry *reg = NULL;
    const struct tpl_template *t;
    xmlNodePtr meta;
    int rc = templates_load(ctx, diags, &reg);

    if (rc != BX_OK)
        return rc;
    meta = bx_child(xmlDocGetRootElement(sub->doc), "metadata");
    t = templates_of_doc(ctx, sub->doc);
    if (t == NULL)
        return unknown_profile(sub, bx_child(meta, "profile"), diags);
    return check_identifiers(t, sub, meta, diags);
}

int bx_templates_list(struct bx_context *ctx, struct bx_diags *diags,
                      struct bx_template_info **out, size_t *n)
{
    const struct tpl_registry *reg = NULL;
    struct bx_template_info *v;
    size_t i;
    int rc;

    *out = NULL;
    *n = 0;
    rc = templates_load(ctx, diags, &reg);
    if (rc != BX_OK)
        return rc;
    v = calloc(reg->ntemplates ? reg->ntemplates : 1, sizeof(*v));
    if (v == NULL)
        return BX_E_NOMEM;
    for (i = 0; i < reg->ntemplates; i++) {
        const struct tpl_template *t = &reg->templates[i];

        v[i].id = t->id;
        v[i].region[0] = t->region[0];
        v[i].region[1] = t->region[1];
        v[i].from_year = t->from_year;
        v[i].to_year = t->to_year;
        v[i].ntables = t->ntables;
        v[i].unit = t->unit;
        v[i].decimals = t->decimals;
        v[i].aliases = t->aliases;
        v[i].naliases = t->naliases;
    }
    *out = v;
    *n = reg->ntemplates;
    return BX_OK;
}
