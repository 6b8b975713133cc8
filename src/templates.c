/*
 * The template registry (see templates.h): reads and validates
 * schemas/templates/<id>.xml once per context and answers which template a
 * profile names and how it prints a table.  No rule logic lives here.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlschemas.h>

#include "datafiles.h"
#include "hash64.h"
#include "rules.h"
#include "schema_ctxt.h"
#include "templates.h"
#include "templates_digests.h" /* generated: templates_validated[] */
#include "util.h"
#include "xmlio.h"

#define TPL_NS "urn:budgetx:template:1"
#define TPL_DIR "schemas/templates"
#define TPL_MAX_FILES 256
#define REFERENCE_ID "henan-county-14"
#define TPL_INDEX "schemas/lean/TEMPLATES"
#define TPL_INDEX_FORMAT "budgetx-templates 1"

/* template.xsd: its digest, and compiled only when a file needs it. */
struct tpl_schema {
    char xsd_hex[65]; /* "" when it could not be read */
    xmlSchemaPtr schema;
    int preload; /* templates_preload(): never compile (it takes a lock) */
    unsigned long parsed; /* files read and parsed */
};

/* One template of the index: its head, as the build loaded it. */
struct tpl_entry {
    struct tpl_template head; /* file, id, aliases, years; strings in the
                                 index's text, 'aliases' owned */
    uint64_t hash;            /* hash64() of the file */
    struct tpl_template *t;   /* parsed on first use; owned */
};

/* schemas/lean/TEMPLATES, found to match the template directory. */
struct tpl_index {
    char *text; /* the index, cut into words in place; owned */
    char xsd_hex[65];
    struct tpl_entry *e; /* in the registry's order; owned */
    size_t n;
    int broken; /* a file is no longer what the index says: full path */
};

struct tpl_cache {
    /* every template (the full path) */
    struct tpl_registry reg;
    /* of 'reg': 0 not loaded, 1 loaded, -1 failed (not retried) */
    int state;
    /* the index, its templates parsed on demand; NULL: none matched */
    struct tpl_index *lazy;
    /* template files parsed (the tests count them) */
    unsigned long parsed;
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
    int verdict;
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
    rc = schema_ctxt_validate(ts->schema, doc, schema_error, diags, diags,
                              &verdict);
    if (rc != BX_OK)
        return rc; /* out of memory: no verdict on the template */
    return verdict == 0 ? BX_OK : BX_E_DATA;
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
    ts->parsed++;
    rc = datafiles_read_parse_lean(ctx, rel.data, path, built_template, ts,
                                   diags, hex, &lean, &t->doc);
    memcpy(t->sha, hex, sizeof(t->sha));
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

static void registry_release(struct tpl_registry *reg)
{
    size_t i;

    for (i = 0; i < reg->ntemplates; i++)
        template_release(&reg->templates[i]);
    free(reg->templates);
    memset(reg, 0, sizeof(*reg));
}

static int load_all(struct bx_context *ctx, struct bx_diags *diags, int preload,
                    struct tpl_registry *reg, unsigned long *parsed)
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
    *parsed += ts.parsed;
    return rc; /* 'ts.schema' belongs to datafiles.c */
}

/* ------------------------------------------------------------------ */
/* Choosing a template                                                 */
/* ------------------------------------------------------------------ */

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

/* How far 'year' lies outside the years of 't' (0 inside), at most
 * INT_MAX ('year' is a document's, any int). */
static int year_distance(const struct tpl_template *t, int year)
{
    long long d = 0;

    if (year < t->from_year)
        d = (long long)t->from_year - year;
    else if (t->to_year != 0 && year > t->to_year)
        d = (long long)year - t->to_year;
    return d < INT_MAX ? (int)d : INT_MAX;
}

/*
 * Whether 't' is named 'profile' and lies nearer to 'year' than the best
 * so far ('found' 0: none yet; '*best' its distance): then '*best' is
 * its distance.  The first of equals wins, in the registry's order.
 */
static int nearer(const struct tpl_template *t, const char *profile, int year,
                  int found, int *best)
{
    int d;

    if (!names_template(t, profile))
        return 0;
    d = year_distance(t, year);
    if (found && d >= *best)
        return 0;
    *best = d;
    return 1;
}

static const struct tpl_template *choose(const struct tpl_registry *reg,
                                         const char *profile, int year)
{
    const struct tpl_template *best = NULL;
    int d = 0;
    size_t i;

    for (i = 0; i < reg->ntemplates; i++) {
        if (nearer(&reg->templates[i], profile, year, best != NULL, &d))
            best = &reg->templates[i];
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* The index (schemas/lean/TEMPLATES): templates parsed on demand      */
/* ------------------------------------------------------------------ */

/*
 * A run needs one template or two (the document's and the reference),
 * and parsing all of them was a tenth of a one-document validate.  The
 * build loads the registry through templates_load() (every file
 * validated, check_registry()) and, only when it loads cleanly, writes
 * the index: template.xsd's digests, and per file its digests and what a
 * lookup needs (id, years, aliases).  A run that finds the same files
 * with the same bytes (hash64, as the lean copies are told fresh; each
 * SHA-256 one this build validated against the same template.xsd) gets
 * the registry the build loaded: it chooses from the index and parses
 * the chosen file only.  Anything else takes the full path, whose
 * findings are today's.  Like hash64.h, not a security measure.
 */

static void index_free(struct tpl_index *ix)
{
    size_t i;

    if (ix == NULL)
        return;
    for (i = 0; i < ix->n; i++) {
        if (ix->e[i].t != NULL) {
            template_release(ix->e[i].t);
            free(ix->e[i].t);
        }
        free(ix->e[i].head.aliases);
    }
    free(ix->e);
    free(ix->text);
    free(ix);
}

/* The line after 'line', which is cut at its end; NULL after the last. */
static char *cut_line(char *line)
{
    char *nl = line != NULL ? strchr(line, '\n') : NULL;

    if (nl == NULL)
        return NULL;
    *nl = '\0';
    return nl + 1;
}

/* The next word of the line at '*s' (cut in place); NULL at its end. */
static char *next_word(char **s)
{
    char *w = *s;
    char *end;

    if (*w == '\0')
        return NULL;
    end = strchr(w, ' ');
    if (end != NULL) {
        *end = '\0';
        *s = end + 1;
    } else {
        *s = w + strlen(w);
    }
    return w;
}

/* 1 when 'w' is 'n' lower-case hex digits. */
static int hex_word(const char *w, size_t n)
{
    size_t i;

    if (w == NULL || strlen(w) != n)
        return 0;
    for (i = 0; i < n; i++) {
        if (!((w[i] >= '0' && w[i] <= '9') || (w[i] >= 'a' && w[i] <= 'f')))
            return 0;
    }
    return 1;
}

static int year_word(const char *w, int *out)
{
    char *end;
    long v;

    if (w == NULL || *w == '\0')
        return 0;
    v = strtol(w, &end, 10);
    if (*end != '\0' || v < 0 || v > 9999)
        return 0;
    *out = (int)v;
    return 1;
}

/* "HASH64 SHA256" at '*s' into 'hash' and 'sha': 1, else 0. */
static int digest_words(char **s, uint64_t *hash, char *sha)
{
    char *h = next_word(s);
    char *x = next_word(s);

    if (!hex_word(h, 16) || !hex_word(x, 64))
        return 0;
    *hash = strtoull(h, NULL, 16);
    memcpy(sha, x, 65);
    return 1;
}

/* "file HASH64 SHA256 NAME ID FROM TO [ALIAS...]" into 'e': 1, else 0. */
static int parse_entry(char *line, struct tpl_entry *e)
{
    char *s = line;
    char *w = next_word(&s);
    char *rest;
    size_t n = 0;

    memset(e, 0, sizeof(*e));
    if (w == NULL || strcmp(w, "file") != 0 ||
        !digest_words(&s, &e->hash, e->head.sha))
        return 0;
    e->head.file = next_word(&s);
    e->head.id = next_word(&s);
    if (e->head.file == NULL || e->head.id == NULL ||
        !year_word(next_word(&s), &e->head.from_year) ||
        !year_word(next_word(&s), &e->head.to_year))
        return 0;
    for (rest = s; *rest != '\0'; rest++)
        n += *rest == ' ';
    n += *s != '\0';
    e->head.aliases = calloc(n ? n : 1, sizeof(*e->head.aliases));
    if (e->head.aliases == NULL)
        return 0;
    while ((w = next_word(&s)) != NULL && *w != '\0')
        e->head.aliases[e->head.naliases++] = w;
    if (w != NULL || e->head.naliases != n) {
        free(e->head.aliases); /* an empty word: not what we write */
        e->head.aliases = NULL;
        return 0;
    }
    return 1;
}

/*
 * schemas/lean/TEMPLATES of 'ctx' read into entries, template.xsd's
 * hash64 into '*xsd_hash'; NULL when there is none, it is malformed or
 * memory ran out (then the full path).
 */
static struct tpl_index *index_read(const struct bx_context *ctx,
                                    uint64_t *xsd_hash)
{
    char *path = context_path(ctx, TPL_INDEX);
    unsigned char *buf = NULL;
    struct tpl_index *ix = NULL;
    size_t len = 0;
    size_t lines = 1;
    size_t i;
    char *line;
    char *next;
    char *s;
    int ok = 0;

    if (path == NULL || util_read_file(path, 1u << 16, &buf, &len) != BX_OK ||
        len == 0 || buf[len - 1] != '\n' || memchr(buf, '\0', len) != NULL)
        goto out;
    buf[len - 1] = '\0';
    for (i = 0; i < len; i++)
        lines += buf[i] == '\n';
    ix = calloc(1, sizeof(*ix));
    if (ix == NULL || (ix->e = calloc(lines, sizeof(*ix->e))) == NULL)
        goto out;
    ix->text = (char *)buf;
    buf = NULL;
    next = cut_line(ix->text);
    if (strcmp(ix->text, TPL_INDEX_FORMAT) != 0 || next == NULL)
        goto out;
    s = next;
    next = cut_line(s);
    line = next_word(&s);
    if (line == NULL || strcmp(line, "xsd") != 0 ||
        !digest_words(&s, xsd_hash, ix->xsd_hex) ||
        (line = next_word(&s)) == NULL || strcmp(line, "template.xsd") != 0 ||
        next_word(&s) != NULL)
        goto out;
    for (line = next; line != NULL; line = next) {
        next = cut_line(line);
        if (!parse_entry(line, &ix->e[ix->n]))
            goto out;
        ix->n++;
    }
    ok = 1;
out:
    if (!ok) {
        index_free(ix);
        ix = NULL;
    }
    free(buf);
    free(path);
    return ix;
}

/* Whether the data file 'rel' of 'ctx' has hash64() 'want'. */
static int hash_is(const struct bx_context *ctx, const char *rel, uint64_t want)
{
    char *path = context_path(ctx, rel);
    unsigned char *buf = NULL;
    size_t len = 0;
    int same = path != NULL &&
               util_read_file(path, 64u << 20, &buf, &len) == BX_OK &&
               hash64(buf, len) == want;

    free(buf);
    free(path);
    return same;
}

/*
 * Whether the template directory of 'ctx' is what 'ix' says: the same
 * *.xml files, in order, each with the hash64() of the file the build
 * loaded and its SHA-256 validated by this build (templates_validated[])
 * against the template.xsd that is there, unchanged.
 */
static int index_matches(struct bx_context *ctx, const struct tpl_index *ix,
                         uint64_t xsd_hash)
{
    char **names = NULL;
    size_t n = 0;
    size_t i;
    int same = list_files(ctx, NULL, &names, &n) == BX_OK && n == ix->n &&
               hash_is(ctx, TPL_DIR "/template.xsd", xsd_hash);

    for (i = 0; same && i < n; i++) {
        const struct tpl_entry *e = &ix->e[i];
        char rel[sizeof(TPL_DIR) + 256];

        same = strcmp(names[i], e->head.file) == 0 && strlen(names[i]) < 255 &&
               rules_pair_listed(templates_validated, ix->xsd_hex, e->head.sha);
        if (same) {
            snprintf(rel, sizeof(rel), TPL_DIR "/%s", names[i]);
            same = hash_is(ctx, rel, e->hash);
        }
    }
    for (i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
    return same;
}

/* The index of 'ctx' while it matches the template directory, else NULL. */
static struct tpl_index *index_open(struct bx_context *ctx)
{
    uint64_t xsd_hash = 0;
    struct tpl_index *ix = index_read(ctx, &xsd_hash);

    if (ix != NULL && !index_matches(ctx, ix, xsd_hash)) {
        index_free(ix);
        ix = NULL;
    }
    return ix;
}

/* The entry a lookup of 'profile' and 'year' chooses, as choose(). */
static struct tpl_entry *choose_entry(struct tpl_index *ix, const char *profile,
                                      int year)
{
    struct tpl_entry *best = NULL;
    int d = 0;
    size_t i;

    for (i = 0; i < ix->n; i++) {
        if (nearer(&ix->e[i].head, profile, year, best != NULL, &d))
            best = &ix->e[i];
    }
    return best;
}

/* Whether the parsed 't' is the template the index describes as 'h'. */
static int same_head(const struct tpl_template *t, const struct tpl_template *h)
{
    size_t i;

    if (strcmp(t->sha, h->sha) != 0 || strcmp(t->id, h->id) != 0 ||
        t->from_year != h->from_year || t->to_year != h->to_year ||
        t->naliases != h->naliases)
        return 0;
    for (i = 0; i < t->naliases; i++) {
        if (t->aliases[i] == NULL || strcmp(t->aliases[i], h->aliases[i]) != 0)
            return 0;
    }
    return 1;
}

/*
 * The template of entry 'e' parsed (load_file(), saying nothing).
 * BX_OK; BX_E_NOMEM: the entry stays unparsed (the next lookup tries
 * again); BX_E_DATA: the file is no longer the one indexed, and 'ix' is
 * marked broken (the full path then says what is wrong).
 */
static int load_entry(struct bx_context *ctx, struct tpl_index *ix,
                      struct tpl_entry *e, int preload, unsigned long *parsed)
{
    struct tpl_schema ts;
    struct tpl_template *t = calloc(1, sizeof(*t));
    unsigned long nomem = xmlio_nomem_count();
    int rc = BX_E_NOMEM;

    memset(&ts, 0, sizeof(ts));
    memcpy(ts.xsd_hex, ix->xsd_hex, sizeof(ts.xsd_hex));
    ts.preload = preload;
    if (t != NULL)
        rc = load_file(ctx, &ts, e->head.file, NULL, t);
    *parsed += ts.parsed;
    if (rc == BX_OK && xmlio_nomem_count() != nomem)
        rc = BX_E_NOMEM;
    if (rc == BX_OK && !same_head(t, &e->head))
        rc = BX_E_DATA;
    if (rc != BX_OK) {
        if (t != NULL)
            template_release(t);
        free(t);
        if (rc != BX_E_NOMEM)
            ix->broken = 1;
        return rc;
    }
    e->t = t;
    return BX_OK;
}

static int lazy_on(const struct tpl_cache *c)
{
    return c->lazy != NULL && !c->lazy->broken;
}

/* "HASH64 SHA256 " of the data file 'rel' appended to 'b'; BX_E_DATA
 * when 'sha' (NULL: any) is not its SHA-256 (edited meanwhile). */
static int index_digests(const struct bx_context *ctx, const char *rel,
                         const char *sha, struct bx_buf *b)
{
    char *path = context_path(ctx, rel);
    unsigned char *buf = NULL;
    size_t len = 0;
    char hex[65];
    int rc =
        path != NULL ? util_read_file(path, 64u << 20, &buf, &len) : BX_E_NOMEM;

    if (rc == BX_OK)
        rc = util_digest_hex("sha256", buf, len, hex, sizeof(hex));
    if (rc == BX_OK && sha != NULL && strcmp(sha, hex) != 0)
        rc = BX_E_DATA;
    if (rc == BX_OK)
        buf_printf(b, "%016" PRIx64 " %s ", hash64(buf, len), hex);
    free(buf);
    free(path);
    return rc;
}

/* A word of the index: not empty, no space, nothing but printable
 * ASCII (ids and aliases are [a-z0-9-], template.xsd says). */
static int plain_word(const char *w)
{
    if (w == NULL || *w == '\0')
        return 0;
    for (; *w != '\0'; w++) {
        if (*w <= ' ' || *w > '~')
            return 0;
    }
    return 1;
}

/* The index line of 't' appended to 'b'. */
static int index_line(const struct bx_context *ctx,
                      const struct tpl_template *t, struct bx_buf *b)
{
    struct bx_buf rel;
    size_t k;
    int rc = BX_E_DATA;

    if (!plain_word(t->file) || !plain_word(t->id))
        return BX_E_DATA;
    for (k = 0; k < t->naliases; k++) {
        if (!plain_word(t->aliases[k]))
            return BX_E_DATA;
    }
    buf_init(&rel);
    buf_printf(&rel, "%s/%s", TPL_DIR, t->file);
    buf_puts(b, "file ");
    if (!rel.failed)
        rc = index_digests(ctx, rel.data, t->sha, b);
    else
        rc = BX_E_NOMEM;
    buf_printf(b, "%s %s %d %d", t->file, t->id, t->from_year, t->to_year);
    for (k = 0; k < t->naliases; k++)
        buf_printf(b, " %s", t->aliases[k]);
    buf_puts(b, "\n");
    buf_release(&rel);
    return rc;
}

int templates_index(struct bx_context *ctx, struct bx_diags *diags, char **out,
                    size_t *len)
{
    const struct tpl_registry *reg = NULL;
    struct bx_buf b;
    size_t i;
    int rc = templates_load(ctx, diags, &reg);

    *out = NULL;
    *len = 0;
    buf_init(&b);
    if (rc == BX_OK) {
        buf_printf(&b, "%s\nxsd ", TPL_INDEX_FORMAT);
        rc = index_digests(ctx, TPL_DIR "/template.xsd", NULL, &b);
        buf_puts(&b, "template.xsd\n");
    }
    for (i = 0; rc == BX_OK && i < reg->ntemplates; i++)
        rc = index_line(ctx, &reg->templates[i], &b);
    if (rc == BX_OK && b.failed)
        rc = BX_E_NOMEM;
    if (rc == BX_OK) {
        *out = buf_take(&b, len);
        rc = *out != NULL ? BX_OK : BX_E_NOMEM;
    }
    buf_release(&b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The registry of a context                                           */
/* ------------------------------------------------------------------ */

static void cache_free(void *p)
{
    struct tpl_cache *c = p;

    if (c == NULL)
        return;
    registry_release(&c->reg);
    index_free(c->lazy);
    free(c);
}

/* The registry's state in 'ctx', made on first use (under the lock).
 * NULL on ENOMEM. */
static struct tpl_cache *cache_of(struct bx_context *ctx)
{
    struct tpl_cache *c = ctx->templates.ptr;

    if (c == NULL) {
        c = calloc(1, sizeof(*c));
        if (c == NULL)
            return NULL;
        ctx->templates.ptr = c;
        ctx->templates.release = cache_free;
    }
    return c;
}

/* What the templates thread loaded, made the cache's where it has none
 * of that kind yet (the rest is freed). */
static void adopt_preloaded(struct bx_context *ctx, struct tpl_cache *c)
{
    struct tpl_cache *pre = context_prefetch_take_templates(ctx);

    if (pre == NULL)
        return;
    if (pre->lazy != NULL && c->lazy == NULL) {
        c->lazy = pre->lazy;
        pre->lazy = NULL;
        c->parsed += pre->parsed;
    } else if (pre->lazy == NULL && c->state == 0) {
        c->reg = pre->reg;
        memset(&pre->reg, 0, sizeof(pre->reg));
        c->state = 1;
        c->parsed += pre->parsed;
    }
    cache_free(pre);
}

/* Every template (the full path, today's findings). */
static int load_locked(struct bx_context *ctx, struct bx_diags *diags,
                       const struct tpl_registry **out)
{
    struct tpl_cache *c = cache_of(ctx);
    unsigned long nomem = xmlio_nomem_count();
    int rc;

    *out = NULL;
    if (c == NULL)
        return BX_E_NOMEM;
    if (c->state == 0)
        adopt_preloaded(ctx, c);
    if (c->state == 1) {
        *out = &c->reg;
        return BX_OK;
    }
    if (c->state == -1)
        return data_error(diags, TPL_DIR, "模板未能载入",
                          "the templates could not be loaded");
    rc = load_all(ctx, diags, 0, &c->reg, &c->parsed);
    if (rc == BX_OK && xmlio_nomem_count() != nomem)
        rc = BX_E_NOMEM;
    if (rc != BX_OK) {
        registry_release(&c->reg);
        /* broken data stays broken for this run; memory may come back */
        c->state = rc == BX_E_DATA ? -1 : 0;
        return rc;
    }
    c->state = 1;
    *out = &c->reg;
    return BX_OK;
}

/*
 * The registry ready for lookups: lazy while the index matches (the
 * reference template parsed when 'want_ref'), else every template.
 */
static int open_locked(struct bx_context *ctx, struct bx_diags *diags,
                       int want_ref)
{
    const struct tpl_registry *reg = NULL;
    struct tpl_cache *c = cache_of(ctx);
    struct tpl_entry *ref;
    int rc;

    if (c == NULL)
        return BX_E_NOMEM;
    if (c->state == 0 && c->lazy == NULL) {
        adopt_preloaded(ctx, c);
        if (c->state == 0 && c->lazy == NULL)
            c->lazy = index_open(ctx); /* NULL: the full path */
    }
    if (lazy_on(c)) {
        ref = want_ref ? choose_entry(c->lazy, REFERENCE_ID, 0) : NULL;
        if (ref == NULL || ref->t != NULL)
            return BX_OK;
        rc = load_entry(ctx, c->lazy, ref, 0, &c->parsed);
        if (rc != BX_E_DATA)
            return rc;
    }
    return load_locked(ctx, diags, &reg);
}

/* templates_lookup() under the lock, with its status: BX_OK ('*out' NULL
 * when nothing has that name), BX_E_DATA, BX_E_NOMEM. */
static int lookup_locked(struct bx_context *ctx, const char *profile, int year,
                         struct bx_diags *diags,
                         const struct tpl_template **out)
{
    const struct tpl_registry *reg = NULL;
    struct tpl_cache *c;
    struct tpl_entry *e;
    int rc = open_locked(ctx, diags, 0);

    *out = NULL;
    if (rc != BX_OK)
        return rc;
    c = ctx->templates.ptr;
    if (lazy_on(c)) {
        e = choose_entry(c->lazy, profile, year);
        if (e == NULL || e->t != NULL) {
            *out = e != NULL ? e->t : NULL;
            return BX_OK;
        }
        rc = load_entry(ctx, c->lazy, e, 0, &c->parsed);
        *out = e->t;
        if (rc != BX_E_DATA)
            return rc;
    }
    rc = load_locked(ctx, diags, &reg);
    if (rc == BX_OK)
        *out = choose(reg, profile, year);
    return rc;
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

int templates_open(struct bx_context *ctx, struct bx_diags *diags)
{
    int rc;

    context_prefetch_wait_templates(ctx);
    context_lock(ctx);
    rc = open_locked(ctx, diags, 1);
    context_unlock(ctx);
    return rc;
}

int templates_prefetch(struct bx_context *ctx)
{
    struct tpl_cache *c;
    int tried;
    int rc;

    context_prefetch_wait_templates(ctx);
    context_lock(ctx);
    c = ctx->templates.ptr;
    tried = c != NULL && c->state != 0; /* someone else's verdict stands */
    rc = open_locked(ctx, NULL, 1);
    c = ctx->templates.ptr;
    if (rc != BX_OK && !tried && c != NULL && c->state == -1)
        c->state = 0; /* broken: the check that needs it reports it */
    context_unlock(ctx);
    return rc;
}

void *templates_preload(struct bx_context *ctx)
{
    struct tpl_cache *c = calloc(1, sizeof(*c));
    struct tpl_entry *ref;
    unsigned long nomem = xmlio_nomem_count();
    int rc = BX_OK;

    if (c == NULL)
        return NULL;
    c->lazy = index_open(ctx);
    if (c->lazy != NULL) {
        /* the reference too: whatever the document, the rules need it
         * (docs/performance.md, "Templates parsed on demand": no slower
         * than leaving it to the first lookup, and off the calling
         * thread) */
        ref = choose_entry(c->lazy, REFERENCE_ID, 0);
        if (ref != NULL)
            rc = load_entry(ctx, c->lazy, ref, 1, &c->parsed);
    } else {
        rc = load_all(ctx, NULL, 1, &c->reg, &c->parsed);
        c->state = 1;
    }
    if (rc != BX_OK || xmlio_nomem_count() != nomem) {
        cache_free(c);
        return NULL;
    }
    return c;
}

void templates_preload_free(void *preloaded)
{
    cache_free(preloaded);
}

unsigned long templates_parsed(struct bx_context *ctx)
{
    struct tpl_cache *c;
    unsigned long n;

    context_prefetch_wait_templates(ctx);
    context_lock(ctx);
    c = ctx->templates.ptr;
    n = c != NULL ? c->parsed : 0;
    context_unlock(ctx);
    return n;
}

const struct tpl_template *templates_lookup(struct bx_context *ctx,
                                            const char *profile, int year)
{
    const struct tpl_template *t = NULL;
    int rc;

    if (profile == NULL)
        return NULL;
    context_prefetch_wait_templates(ctx);
    context_lock(ctx);
    rc = lookup_locked(ctx, profile, year, NULL, &t);
    context_unlock(ctx);
    if (rc == BX_E_NOMEM)
        xmlio_nomem_note(); /* not "no such template": the stage says */
    return t;
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

/* The text of element 'el' in '*out' (xmlFree; NULL when 'el' is NULL):
 * BX_OK, or BX_E_NOMEM (an element always has a text, if empty). */
static int text_content(xmlNodePtr el, xmlChar **out)
{
    *out = el != NULL ? xmlNodeGetContent(el) : NULL;
    return el != NULL && *out == NULL ? BX_E_NOMEM : BX_OK;
}

/* The template of 'doc' (lookup_locked(): its status; '*out' NULL when
 * the document names none).  A profile or year that could not be read
 * is BX_E_NOMEM, not "names none" nor another year's template. */
static int doc_lookup(struct bx_context *ctx, xmlDocPtr doc,
                      struct bx_diags *diags, const struct tpl_template **out)
{
    xmlNodePtr meta = bx_child(xmlDocGetRootElement(doc), "metadata");
    xmlChar *profile = NULL;
    xmlChar *year = NULL;
    int rc = text_content(bx_child(meta, "profile"), &profile);

    *out = NULL;
    if (rc == BX_OK)
        rc = text_content(bx_child(meta, "fiscalYear"), &year);
    if (rc == BX_OK && profile != NULL) {
        context_prefetch_wait_templates(ctx);
        context_lock(ctx);
        rc = lookup_locked(ctx, (const char *)profile,
                           year != NULL ? atoi((const char *)year) : 0, diags,
                           out);
        context_unlock(ctx);
    }
    xmlFree(profile);
    xmlFree(year);
    return rc;
}

int templates_doc(struct bx_context *ctx, xmlDocPtr doc,
                  const struct tpl_template **out)
{
    return doc_lookup(ctx, doc, NULL, out);
}

const struct tpl_template *templates_of_doc(struct bx_context *ctx,
                                            xmlDocPtr doc)
{
    const struct tpl_template *t = NULL;

    if (doc_lookup(ctx, doc, NULL, &t) == BX_E_NOMEM)
        xmlio_nomem_note(); /* not "no template": the stage says */
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
    xmlChar *v = NULL;
    char *safe = NULL;
    struct bx_buf zh;
    struct bx_buf en;
    int rc = BX_E_NOMEM;

    /* a profile that could not be read names no unknown template */
    if (text_content(profile, &v) != BX_OK)
        return BX_E_NOMEM;
    safe = util_escape_untrusted(v ? (const char *)v : "",
                                 v ? strlen((const char *)v) : 0, 64);
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
    const struct tpl_template *t = NULL;
    xmlNodePtr meta;
    int rc = templates_open(ctx, diags);

    /* the document's template parsed here, where memory running out can
     * be said (the lookups after it find it parsed) */
    if (rc == BX_OK)
        rc = doc_lookup(ctx, sub->doc, diags, &t);
    if (rc != BX_OK)
        return rc;
    meta = bx_child(xmlDocGetRootElement(sub->doc), "metadata");
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
