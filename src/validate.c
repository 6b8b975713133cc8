/*
 * Schema validation.  The XSD is compiled once per context; its
 * xs:documentation labels are indexed so that each violation names the
 * table, row and column the way the printed tables do.  The label index
 * is built on the first lookup (a valid document never needs it; it costs
 * a re-parse of every XSD file), under a lock: contexts may be shared.
 */
#define _POSIX_C_SOURCE 200809L

#include "validate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/schemasInternals.h>
#include <libxml/uri.h>
#include <libxml/xmlschemas.h>

#include "datafiles.h"
#include "diag.h"
#include "schema_ctxt.h"
#include "schema_words.h"
#include "templates.h"
#include "util.h"
#include "xmlio.h"

#define XSD_NS "http://www.w3.org/2001/XMLSchema"
#define SCHEMA_FILE "schemas/budgetx.xsd"

struct label {
    char *name;
    char *scope;   /* attributes: enclosing named type or group, or NULL */
    char *type;    /* elements: local name of the declared type, or NULL */
    char *text[2]; /* indexed by enum bx_lang */
    int attr;
};

struct schema_state {
    xmlSchemaPtr schema;
    xmlSchemaPtr noidc;             /* 'schema' less the root's identity
                                       constraints (idc_view()), or NULL */
    xmlSchemaElementPtr noidc_root; /* its bx:disclosure declaration */
    struct schema_words *words;     /* format texts by pattern */
    struct label *labels;
    size_t nlabels;
    size_t cap;
    char *path;  /* the XSD, for the label index */
    int indexed; /* labels built (under 'lock') */
    pthread_mutex_t lock;
};

struct valid_state {
    const struct bx_context *ctx;
    const struct tpl_template *tpl; /* the document's template, or NULL */
    const struct tpl_template *ref; /* the registry's reference template */
    xmlDocPtr doc;
    const char *file;
    struct bx_diags *diags;
    int errors;
    xmlHashTablePtr lines; /* (name, line) → element, built on demand */
    xmlNodePtr attrs_of;   /* element whose attributes 'attrs' indexes */
    xmlHashTablePtr attrs; /* name → attribute, for many attributes */
};

static int is_xsd(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           xmlStrEqual(n->ns->href, BAD_CAST XSD_NS) &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* Text of xs:annotation/xs:documentation[@xml:lang=lang] under 'decl'. */
static char *doc_text(xmlNodePtr decl, const char *lang)
{
    xmlNodePtr ann;
    xmlNodePtr d;
    xmlChar *l;
    xmlChar *text;
    char *out;

    for (ann = decl->children; ann != NULL; ann = ann->next) {
        if (!is_xsd(ann, "annotation")) {
            continue;
        }
        for (d = ann->children; d != NULL; d = d->next) {
            if (!is_xsd(d, "documentation")) {
                continue;
            }
            l = xmlNodeGetLang(d);
            if (l != NULL && xmlStrEqual(l, BAD_CAST lang)) {
                xmlFree(l);
                text = xmlNodeGetContent(d);
                out = util_strdup((const char *)text);
                xmlFree(text);
                return out;
            }
            xmlFree(l);
        }
    }
    return NULL;
}

/* Name of the named complexType or attributeGroup enclosing 'decl'. */
static char *enclosing_scope(xmlNodePtr decl)
{
    xmlNodePtr p;
    xmlChar *name;
    char *out;

    for (p = decl->parent; p != NULL && p->type == XML_ELEMENT_NODE;
         p = p->parent) {
        if (is_xsd(p, "complexType") || is_xsd(p, "attributeGroup")) {
            name = xmlGetProp(p, BAD_CAST "name");
            if (name != NULL) {
                out = util_strdup((const char *)name);
                xmlFree(name);
                return out;
            }
        }
        if (is_xsd(p, "element")) {
            return NULL; /* anonymous type of a local element */
        }
    }
    return NULL;
}

/* Local part of a QName attribute value ("bx:Row" → "Row"), or NULL. */
static char *local_type(xmlNodePtr decl)
{
    xmlChar *t = xmlGetProp(decl, BAD_CAST "type");
    const char *colon;
    char *out;

    if (t == NULL) {
        return NULL;
    }
    colon = strchr((const char *)t, ':');
    out = util_strdup(colon ? colon + 1 : (const char *)t);
    xmlFree(t);
    return out;
}

static int same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) ||
           (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void add_label(struct schema_state *st, xmlNodePtr decl, int attr)
{
    xmlChar *name = xmlGetProp(decl, BAD_CAST "name");
    char *scope = attr ? enclosing_scope(decl) : NULL;
    struct label *grown;
    size_t cap;
    size_t i;

    if (name == NULL) {
        free(scope);
        return;
    }
    for (i = 0; i < st->nlabels; i++) {
        if (st->labels[i].attr == attr && same(st->labels[i].scope, scope) &&
            strcmp(st->labels[i].name, (const char *)name) == 0) {
            xmlFree(name); /* first declaration wins */
            free(scope);
            return;
        }
    }
    if (st->nlabels == st->cap) {
        cap = st->cap ? st->cap * 2 : 256;
        grown = realloc(st->labels, cap * sizeof(*grown));
        if (grown == NULL) {
            xmlFree(name);
            free(scope);
            util_nomem_note(); /* index_once() drops the short index */
            return;
        }
        st->labels = grown;
        st->cap = cap;
    }
    grown = &st->labels[st->nlabels];
    grown->name = util_strdup((const char *)name);
    grown->scope = scope;
    grown->type = attr ? NULL : local_type(decl);
    grown->text[BX_LANG_ZH] = doc_text(decl, "zh");
    grown->text[BX_LANG_EN] = doc_text(decl, "en");
    grown->attr = attr;
    xmlFree(name);
    if (grown->name != NULL) {
        st->nlabels++;
        return;
    }
    free(grown->scope); /* out of memory: drop this label whole */
    free(grown->type);
    free(grown->text[0]);
    free(grown->text[1]);
}

static void index_tree(struct schema_state *st, xmlNodePtr node)
{
    for (; node != NULL; node = node->next) {
        if (is_xsd(node, "element")) {
            add_label(st, node, 0);
        } else if (is_xsd(node, "attribute")) {
            add_label(st, node, 1);
        } else if (is_xsd(node, "simpleType")) {
            schema_words_add(&st->words, node);
        }
        if (node->type == XML_ELEMENT_NODE) {
            index_tree(st, node->children);
        }
    }
}

/* Index 'path' and, recursively, the files it xs:includes (depth-bounded). */
static void index_file(struct schema_state *st, const char *path, int depth)
{
    xmlDocPtr doc;
    xmlNodePtr c;
    xmlChar *loc;
    xmlChar *full;

    if (depth > 8) {
        return;
    }
    doc = xmlReadFile(
        path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL) {
        return;
    }
    index_tree(st, xmlDocGetRootElement(doc));
    for (c = xmlDocGetRootElement(doc)->children; c != NULL; c = c->next) {
        if (!is_xsd(c, "include") && !is_xsd(c, "import")) {
            continue;
        }
        loc = xmlGetProp(c, BAD_CAST "schemaLocation");
        full = loc ? xmlBuildURI(loc, doc->URL) : NULL;
        if (full != NULL) {
            index_file(st, (const char *)full, depth + 1);
        }
        xmlFree(full);
        xmlFree(loc);
    }
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* The root's identity constraints, checked here                       */
/* ------------------------------------------------------------------ */

/*
 * libxml2 checks identity constraints (xs:unique, xs:key, xs:keyref) by
 * running the selector of every constraint in scope as a streaming
 * pattern over every element and every attribute below the element that
 * declares it.  budgetx.xsd declares six on bx:disclosure (13 patterns
 * over the whole document): 3.9 Mi of the 10.9 Mi that validating a
 * 70 KB batch document cost (callgrind), for a few dozen codes.
 *
 * So a document is first checked here against the six constraints, by
 * walking the few paths they select, and then validated against a view
 * of the schema whose bx:disclosure declaration has no identity
 * constraints (everything else is the compiled schema's own).  Only a
 * clean answer of both is kept: the document is valid.  Anything else (a
 * finding of that validation, a broken constraint, a code that is not
 * plain) and the document is validated against the whole schema as
 * before, so every finding, its wording and its order are libxml2's.
 * On a document that the view finds valid, libxml2 would find the six
 * constraints exactly as idc_hold() does: the schema has no wildcard, so
 * every element of a valid document is validated against a declaration
 * and the selectors select exactly the nodes of their paths; a field is
 * an attribute (one node at most); and the three code types (DeptCode,
 * UnitCode, ProjectCode) are patterns on xs:string, whose values libxml2
 * compares as strings (idc_hold() takes only codes of ASCII letters and
 * digits, for which that is byte equality).  The view is made only while
 * the schema declares exactly these constraints (idc_defs, read from the
 * XSD when the schema is compiled).  tests/unit/test_valfast.c validates
 * every XML file of the project and hundreds of mutated codes both ways
 * and fails on any difference.
 */
struct idc_def {
    const char *kind; /* unique, key, keyref */
    const char *name;
    const char *selector; /* its xpath; the one field is "@code" */
    const char *refer;    /* keyref: the constraint referred to */
};

static const struct idc_def idc_defs[] = {
    {"unique", "departmentKey", "bx:metadata/bx:department", NULL},
    {"keyref", "departmentRef", "bx:tables/*/bx:dept", "bx:departmentKey"},
    {"unique", "unitKey", "bx:metadata/bx:units/bx:unit", NULL},
    {"keyref", "unitRef", "bx:tables/*/bx:unit | bx:tables/*/bx:dept/bx:unit",
     "bx:unitKey"},
    {"key", "projectKey",
     "bx:tables/bx:projectPerformance/bx:project | "
     "bx:tables/bx:projectPerformance/bx:unit/bx:project | "
     "bx:tables/bx:projectPerformance/bx:dept/bx:project | "
     "bx:tables/bx:projectPerformance/bx:dept/bx:unit/bx:project",
     NULL},
    {"keyref", "projectRef",
     "bx:tables/bx:projectExpenditure/bx:project | "
     "bx:tables/bx:projectExpenditure/bx:unit/bx:project | "
     "bx:tables/bx:projectExpenditure/bx:dept/bx:project | "
     "bx:tables/bx:projectExpenditure/bx:dept/bx:unit/bx:project",
     "bx:projectKey"},
};

#define IDC_COUNT (sizeof(idc_defs) / sizeof(idc_defs[0]))

/* 1 when 'validate_idc_fast' (tests turn it off), see validate.h. */
int validate_idc_fast = 1;
atomic_ulong validate_idc_fast_count;

/* The next element child of 'n' from 'c' on that is not xs:annotation. */
static xmlNodePtr xsd_next(xmlNodePtr c)
{
    while (c != NULL &&
           (c->type != XML_ELEMENT_NODE || is_xsd(c, "annotation"))) {
        c = c->next;
    }
    return c;
}

static int has_value(xmlNodePtr n, const char *attr, const char *want)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST attr);
    int same_value =
        want == NULL ? v == NULL : v != NULL && strcmp((char *)v, want) == 0;

    xmlFree(v);
    return same_value;
}

/* Identity constraint 'c' of the XSD is 'def' (prefix bx ours). */
static int idc_is(xmlDocPtr doc, xmlNodePtr c, const struct idc_def *def)
{
    xmlNsPtr bx = xmlSearchNs(doc, c, BAD_CAST "bx");
    xmlNodePtr sel = xsd_next(c->children);
    xmlNodePtr field = sel != NULL ? xsd_next(sel->next) : NULL;

    return bx != NULL && xmlStrEqual(bx->href, BAD_CAST BX_NAMESPACE) &&
           is_xsd(c, def->kind) && has_value(c, "name", def->name) &&
           has_value(c, "refer", def->refer) && sel != NULL &&
           is_xsd(sel, "selector") && has_value(sel, "xpath", def->selector) &&
           field != NULL && is_xsd(field, "field") &&
           has_value(field, "xpath", "@code") && xsd_next(field->next) == NULL;
}

/* The XSD at 'path' declares exactly idc_defs on its global element
 * bx:disclosure, in that order. */
static int idc_declared(const char *path)
{
    struct bx_diags quiet;
    xmlDocPtr doc = NULL;
    xmlNodePtr root;
    xmlNodePtr el;
    xmlNodePtr c;
    size_t i = 0;
    int ok = 0;

    bx_diags_init(&quiet);
    if (xmlio_read_data(path, &quiet, &doc) != BX_OK) {
        goto out;
    }
    root = xmlDocGetRootElement(doc);
    if (root == NULL || !is_xsd(root, "schema") ||
        !has_value(root, "targetNamespace", BX_NAMESPACE)) {
        goto out;
    }
    for (el = xsd_next(root->children); el != NULL; el = xsd_next(el->next)) {
        if (is_xsd(el, "element") && has_value(el, "name", "disclosure")) {
            break;
        }
    }
    if (el == NULL) {
        goto out;
    }
    for (c = xsd_next(el->children); c != NULL; c = xsd_next(c->next)) {
        if (is_xsd(c, "simpleType") || is_xsd(c, "complexType")) {
            continue;
        }
        if (i == IDC_COUNT || !idc_is(doc, c, &idc_defs[i])) {
            goto out;
        }
        i++;
    }
    ok = i == IDC_COUNT;
out:
    xmlFreeDoc(doc);
    bx_diags_release(&quiet);
    return ok;
}

static void *same_payload(void *payload, const xmlChar *name)
{
    (void)name;
    return payload;
}

/*
 * The view of the compiled schema without the identity constraints of
 * bx:disclosure: a copy of the schema's top structure whose table of
 * global elements holds a copy of that declaration with no constraints;
 * everything else (types, the other declarations) is the schema's,
 * shared and only read.  Nothing when the schema is not the one
 * idc_hold() was written for or memory is short.
 */
static void idc_view(struct schema_state *st)
{
    xmlSchemaPtr s = st->schema;
    xmlSchemaPtr view = NULL;
    xmlSchemaElementPtr root;
    xmlSchemaElementPtr copy = NULL;
    xmlHashTablePtr decls = NULL;
    unsigned long nomem;

    if (s == NULL || s->elemDecl == NULL ||
        !xmlStrEqual(s->targetNamespace, BAD_CAST BX_NAMESPACE)) {
        return;
    }
    root = xmlHashLookup(s->elemDecl, BAD_CAST "disclosure");
    if (root == NULL || root->idcs == NULL || !idc_declared(st->path)) {
        return;
    }
    nomem = xmlio_nomem_count();
    view = malloc(sizeof(*view));
    copy = malloc(sizeof(*copy));
    decls = xmlHashCopy(s->elemDecl, same_payload);
    /* xmlHashCopy() drops an entry it cannot add and says nothing */
    if (view == NULL || copy == NULL || decls == NULL ||
        xmlio_nomem_count() != nomem) {
        goto fail;
    }
    *copy = *root;
    copy->idcs = NULL;
    if (xmlHashUpdateEntry(decls, BAD_CAST "disclosure", copy, NULL) != 0 ||
        xmlHashLookup(decls, BAD_CAST "disclosure") != copy) {
        goto fail;
    }
    *view = *s;
    view->elemDecl = decls;
    st->noidc = view;
    st->noidc_root = copy;
    return;
fail:
    xmlHashFree(decls, NULL);
    free(copy);
    free(view);
}

static void idc_view_free(struct schema_state *st)
{
    if (st->noidc != NULL) {
        xmlHashFree(st->noidc->elemDecl, NULL); /* the payloads are shared */
        free(st->noidc);
        free(st->noidc_root);
        st->noidc = NULL;
        st->noidc_root = NULL;
    }
}

/* The codes of one constraint's selected nodes. */
struct idc_codes {
    const char **v;
    size_t n, cap;
};

static int is_bx_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           strcmp((const char *)n->name, name) == 0 &&
           xmlStrEqual(n->ns->href, BAD_CAST BX_NAMESPACE);
}

/*
 * Add @code of selected element 'el' to 'c'.  -1 when it may not be
 * plain (not one text, not 1-64 ASCII letters and digits) or short of
 * memory; 0 without @code; 1 added.
 */
static int idc_add(struct idc_codes *c, xmlNodePtr el)
{
    xmlAttrPtr a;
    const xmlChar *v;
    size_t i;

    for (a = el->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && strcmp((const char *)a->name, "code") == 0) {
            break;
        }
    }
    if (a == NULL) {
        return 0;
    }
    if (a->children == NULL || a->children->type != XML_TEXT_NODE ||
        a->children->next != NULL || a->children->content == NULL) {
        return -1;
    }
    v = a->children->content;
    for (i = 0; v[i] != '\0'; i++) {
        if (i == 64 ||
            !((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'Z') ||
              (v[i] >= 'a' && v[i] <= 'z'))) {
            return -1;
        }
    }
    if (i == 0) {
        return -1;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        const char **t = realloc(c->v, cap * sizeof(*t));

        if (t == NULL) {
            return -1;
        }
        c->v = t;
        c->cap = cap;
    }
    c->v[c->n++] = (const char *)v;
    return 1;
}

/* The codes each constraint reads: keys, and the references to them. */
enum idc_set {
    IDC_DEPT,
    IDC_DEPT_REF,
    IDC_UNIT,
    IDC_UNIT_REF,
    IDC_PROJ,
    IDC_PROJ_REF,
    IDC_SETS
};

struct idc_walk {
    struct idc_codes set[IDC_SETS];
    int plain; /* 0: a code not plain, a key without one, or no memory */
};

static void idc_take(struct idc_walk *w, enum idc_set set, xmlNodePtr el)
{
    int r = idc_add(&w->set[set], el);

    if (r < 0 || (r == 0 && set == IDC_PROJ)) {
        w->plain = 0; /* an xs:key's field must be there */
    }
}

/* Every child bx:'name' of 'parent' into 'set'. */
static void idc_children(struct idc_walk *w, enum idc_set set,
                         xmlNodePtr parent, const char *name)
{
    xmlNodePtr c;

    for (c = parent->children; c != NULL; c = c->next) {
        if (is_bx_el(c, name)) {
            idc_take(w, set, c);
        }
    }
}

/* The projects of project table 'tab' ("bx:project | bx:unit/bx:project |
 * bx:dept/bx:project | bx:dept/bx:unit/bx:project" below it). */
static void idc_projects(struct idc_walk *w, enum idc_set set, xmlNodePtr tab)
{
    xmlNodePtr c;
    xmlNodePtr g;

    idc_children(w, set, tab, "project");
    for (c = tab->children; c != NULL; c = c->next) {
        if (is_bx_el(c, "unit") || is_bx_el(c, "dept")) {
            idc_children(w, set, c, "project");
        }
        if (!is_bx_el(c, "dept")) {
            continue;
        }
        for (g = c->children; g != NULL; g = g->next) {
            if (is_bx_el(g, "unit")) {
                idc_children(w, set, g, "project");
            }
        }
    }
}

/* The rows of table 't' (any element below bx:tables) that refer to a
 * department or a unit: "bx:dept", "bx:unit", "bx:dept/bx:unit". */
static void idc_rows(struct idc_walk *w, xmlNodePtr t)
{
    xmlNodePtr c;

    idc_children(w, IDC_UNIT_REF, t, "unit");
    idc_children(w, IDC_DEPT_REF, t, "dept");
    for (c = t->children; c != NULL; c = c->next) {
        if (is_bx_el(c, "dept")) {
            idc_children(w, IDC_UNIT_REF, c, "unit");
        }
    }
}

static void idc_collect(struct idc_walk *w, xmlNodePtr root)
{
    xmlNodePtr c;
    xmlNodePtr g;

    for (c = root->children; c != NULL; c = c->next) {
        if (is_bx_el(c, "metadata")) {
            idc_children(w, IDC_DEPT, c, "department");
            for (g = c->children; g != NULL; g = g->next) {
                if (is_bx_el(g, "units")) {
                    idc_children(w, IDC_UNIT, g, "unit");
                }
            }
        } else if (is_bx_el(c, "tables")) {
            for (g = c->children; g != NULL; g = g->next) {
                if (g->type != XML_ELEMENT_NODE) {
                    continue;
                }
                idc_rows(w, g);
                if (is_bx_el(g, "projectPerformance")) {
                    idc_projects(w, IDC_PROJ, g);
                } else if (is_bx_el(g, "projectExpenditure")) {
                    idc_projects(w, IDC_PROJ_REF, g);
                }
            }
        }
    }
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The codes of 'keys' differ from each other (sorted here). */
static int idc_unique(struct idc_codes *keys)
{
    size_t i;

    if (keys->n > 1) {
        qsort(keys->v, keys->n, sizeof(*keys->v), cmp_code);
    }
    for (i = 1; i < keys->n; i++) {
        if (strcmp(keys->v[i - 1], keys->v[i]) == 0) {
            return 0;
        }
    }
    return 1;
}

/* Every code of 'refs' is one of sorted 'keys'. */
static int idc_resolved(const struct idc_codes *refs,
                        const struct idc_codes *keys)
{
    size_t i;

    for (i = 0; i < refs->n; i++) {
        if (keys->n == 0 || bsearch(&refs->v[i], keys->v, keys->n,
                                    sizeof(*keys->v), cmp_code) == NULL) {
            return 0;
        }
    }
    return 1;
}

/*
 * The six constraints of idc_defs hold on 'doc', and every code they read
 * is plain: 1; else 0 (broken, or not sure: validate with them).
 */
static int idc_hold(xmlDocPtr doc)
{
    struct idc_walk w;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int ok;
    int i;

    if (root == NULL || !is_bx_el(root, "disclosure")) {
        return 0;
    }
    memset(&w, 0, sizeof(w));
    w.plain = 1;
    idc_collect(&w, root);
    ok = w.plain && idc_unique(&w.set[IDC_DEPT]) &&
         idc_unique(&w.set[IDC_UNIT]) && idc_unique(&w.set[IDC_PROJ]) &&
         idc_resolved(&w.set[IDC_DEPT_REF], &w.set[IDC_DEPT]) &&
         idc_resolved(&w.set[IDC_UNIT_REF], &w.set[IDC_UNIT]) &&
         idc_resolved(&w.set[IDC_PROJ_REF], &w.set[IDC_PROJ]);
    for (i = 0; i < IDC_SETS; i++) {
        free(w.set[i].v);
    }
    return ok;
}

static void on_count_error(void *user, xmlErrorPtr err)
{
    int *errors = user;

    if (err->level != XML_ERR_WARNING) {
        (*errors)++;
    }
}

/*
 * 1: 'doc' is valid against the whole schema, found by idc_hold() and a
 * validation against the view without the root's constraints; 0: not
 * known (then validate against the whole schema, which words findings);
 * BX_E_NOMEM: libxml2 ran out of memory meanwhile (no verdict).
 */
static int valid_fast(const struct schema_state *st, xmlDocPtr doc)
{
    int errors = 0;
    int ret;

    if (st->noidc == NULL || !validate_idc_fast || !idc_hold(doc)) {
        return 0;
    }
    if (schema_ctxt_validate(st->noidc, doc, on_count_error, &errors, NULL,
                             &ret) != BX_OK) {
        return BX_E_NOMEM; /* neither verdict can be trusted */
    }
    if (ret != 0 || errors != 0) {
        return 0;
    }
    atomic_fetch_add(&validate_idc_fast_count, 1);
    return 1;
}

int validate_compile(struct bx_context *ctx, struct bx_diags *diags)
{
    struct schema_state *st;
    char *path;
    int rc = BX_E_NOMEM;

    path = context_path(ctx, SCHEMA_FILE);
    st = calloc(1, sizeof(*st));
    if (path == NULL || st == NULL) {
        goto out;
    }
    rc = datafiles_schema(ctx, SCHEMA_FILE, diags, &st->schema);
    if (rc != BX_OK) {
        goto out;
    }
    pthread_mutex_init(&st->lock, NULL);
    st->path = path;
    path = NULL;
    idc_view(st); /* none: every document takes the whole schema */
    ctx->schema = st;
    st = NULL;
out:
    free(path);
    if (st != NULL) {
        ctx->schema = st;
        validate_release(ctx);
    }
    return rc;
}

/* The label index and the format words, freed (and empty again). */
static void labels_release(struct schema_state *st)
{
    size_t i;

    for (i = 0; i < st->nlabels; i++) {
        free(st->labels[i].name);
        free(st->labels[i].scope);
        free(st->labels[i].type);
        free(st->labels[i].text[0]);
        free(st->labels[i].text[1]);
    }
    free(st->labels);
    schema_words_free(st->words);
    st->labels = NULL;
    st->nlabels = 0;
    st->cap = 0;
    st->words = NULL;
}

void validate_release(struct bx_context *ctx)
{
    struct schema_state *st = ctx->schema;

    if (st == NULL) {
        return;
    }
    labels_release(st);
    idc_view_free(st);
    if (st->path != NULL) {
        pthread_mutex_destroy(&st->lock);
        free(st->path);
    }
    free(st); /* st->schema belongs to datafiles.c */
    ctx->schema = NULL;
}

/* Set on a thread whose label index came out short (validate_labels_short()). */
static _Thread_local int labels_short;

/*
 * Build the label index on first use ('cst' is never a const object).
 * Labels and format words are what findings are worded with: an index
 * that an allocation failure left short would word them otherwise than
 * the clean run, under the normal verdict.  So a short index is dropped
 * (the next use builds it again) and the thread is told, for its check
 * to end as out of memory (check.c).  The counts are process-wide: a
 * failure on another thread meanwhile also drops it, which costs a
 * rebuild, never a wrong word.
 */
static void index_once(const struct schema_state *cst)
{
    struct schema_state *st = (struct schema_state *)cst;

    pthread_mutex_lock(&st->lock);
    if (!st->indexed) {
        unsigned long xml_nomem = xmlio_nomem_count();
        unsigned long own_nomem = util_nomem_count();

        index_file(st, st->path, 0);
        if (xmlio_nomem_count() != xml_nomem ||
            util_nomem_count() != own_nomem) {
            labels_release(st);
            labels_short = 1;
        } else {
            st->indexed = 1;
        }
    }
    pthread_mutex_unlock(&st->lock);
}

int validate_labels_short(void)
{
    int was = labels_short;

    labels_short = 0;
    return was;
}

static const struct label *find_label(const struct schema_state *st,
                                      const char *name, int attr,
                                      const char *scope)
{
    size_t i;

    if (st != NULL) {
        index_once(st);
    }
    for (i = 0; st != NULL && i < st->nlabels; i++) {
        if (st->labels[i].attr == (attr != 0) &&
            strcmp(st->labels[i].name, name) == 0 &&
            (scope == NULL || same(st->labels[i].scope, scope))) {
            return &st->labels[i];
        }
    }
    return NULL;
}

const char *validate_label(const struct bx_context *ctx, const char *name,
                           int attr, enum bx_lang lang)
{
    const struct label *l = find_label(ctx->schema, name, attr, NULL);

    return l != NULL ? l->text[lang] : NULL;
}

const struct schema_words *validate_words(const struct bx_context *ctx)
{
    const struct schema_state *st = ctx->schema;

    if (st == NULL) {
        return NULL;
    }
    index_once(st); /* the words are indexed with the labels */
    return st->words;
}

const char *validate_attr_label(const struct bx_context *ctx, const char *elem,
                                const char *attr, enum bx_lang lang)
{
    const struct label *e = find_label(ctx->schema, elem, 0, NULL);
    const struct label *a = NULL;

    if (e != NULL && e->type != NULL) {
        a = find_label(ctx->schema, attr, 1, e->type);
    }
    if (a == NULL) {
        a = find_label(ctx->schema, attr, 1, NULL);
    }
    return a != NULL ? a->text[lang] : NULL;
}

static int is_ours(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           xmlStrEqual(n->ns->href, BAD_CAST BX_NAMESPACE) &&
           (name == NULL || xmlStrEqual(n->name, BAD_CAST name));
}

const char *validate_table_label(const struct bx_context *ctx, xmlNodePtr node,
                                 enum bx_lang lang)
{
    for (; node != NULL && node->type == XML_ELEMENT_NODE;
         node = node->parent) {
        if (is_ours(node->parent, "tables")) {
            return validate_label(ctx, (const char *)node->name, 0, lang);
        }
    }
    return NULL;
}

/*
 * Table label of any node inside a table, from the template registry: the
 * document's own ordinal and title, else its template's ("表八 …"); the
 * schema's documentation when the registry is unavailable.  Caller frees.
 */
static char *table_label(const struct valid_state *vs, xmlNodePtr node,
                         enum bx_lang lang)
{
    xmlNodePtr t = node;
    char *l;

    while (t != NULL && t->type == XML_ELEMENT_NODE &&
           !is_ours(t->parent, "tables")) {
        t = t->parent;
    }
    if (t == NULL || t->type != XML_ELEMENT_NODE) {
        return NULL;
    }
    l = templates_label(vs->tpl, vs->ref, t, lang);
    if (l == NULL) {
        l = util_strdup(validate_table_label(vs->ctx, t, lang));
    }
    return l;
}

/* Row description "2010301 行政运行" of a table row element, or NULL. */
static char *row_label(xmlNodePtr row)
{
    static const char *const keys[] = {"code", "dep", "name", "label"};
    struct bx_buf b;
    xmlChar *v;
    size_t i;

    buf_init(&b);
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        v = xmlGetProp(row, BAD_CAST keys[i]);
        if (v == NULL || v[0] == '\0') {
            xmlFree(v);
            continue;
        }
        if (i == 3 && b.len > 0) {
            xmlFree(v); /* a name already describes the row */
            continue;
        }
        if (b.len > 0) {
            buf_puts(&b, " ");
        }
        buf_puts(&b, (const char *)v);
        xmlFree(v);
    }
    if (b.len == 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_take(&b, NULL);
}

/* Copy of the first '…'-quoted string after 'after' in 'msg', escaped. */
static char *quoted_after(const char *msg, const char *after)
{
    const char *p = after ? strstr(msg, after) : msg;
    const char *q;

    if (p == NULL) {
        return NULL;
    }
    p = strchr(p, '\'');
    if (p == NULL) {
        return NULL;
    }
    q = strchr(p + 1, '\'');
    if (q == NULL) {
        return NULL;
    }
    return util_escape_untrusted(p + 1, (size_t)(q - p - 1), 80);
}

/*
 * The "( {ns}a, {ns}b )" list of a content-model error, as labels:
 * "a（标签a）、b（标签b）".  Caller frees; NULL when there is none.
 */
static char *expected_list(const struct bx_context *ctx, const char *msg,
                           enum bx_lang lang)
{
    const char *p = strstr(msg, "Expected is");
    const char *end;
    const char *tok;
    const char *label;
    struct bx_buf b;
    char name[128];
    size_t n;

    if (p == NULL || (p = strchr(p, '(')) == NULL ||
        (end = strchr(p, ')')) == NULL) {
        return NULL;
    }
    buf_init(&b);
    for (tok = p + 1; tok < end;) {
        while (tok < end && (*tok == ' ' || *tok == ',')) {
            tok++;
        }
        if (*tok == '{' && strchr(tok, '}') != NULL && strchr(tok, '}') < end) {
            tok = strchr(tok, '}') + 1;
        }
        n = strcspn(tok, " ,)");
        if (n == 0 || n >= sizeof(name)) {
            break;
        }
        memcpy(name, tok, n);
        name[n] = '\0';
        tok += n;
        label = validate_label(ctx, name, 0, lang);
        if (b.len > 0) {
            buf_puts(&b, lang == BX_LANG_ZH ? "、" : ", ");
        }
        if (label != NULL) {
            buf_printf(&b, lang == BX_LANG_ZH ? "%s（%s）" : "%s (%s)", name,
                       label);
        } else {
            buf_puts(&b, name);
        }
    }
    return buf_take(&b, NULL);
}

/*
 * The offending value of a datatype error, escaped.  Taken from the node
 * the error is about when there is one: libxml2 truncates its messages
 * (about 64 KB), so no part of a message may be relied upon.
 */
static char *error_value(const char *msg, xmlNodePtr value_node)
{
    const char *p;
    xmlChar *content;
    char *out;

    if (value_node != NULL && (value_node->type == XML_ATTRIBUTE_NODE ||
                               (value_node->type == XML_ELEMENT_NODE &&
                                xmlFirstElementChild(value_node) == NULL))) {
        content = xmlNodeGetContent(value_node);
        if (content != NULL) {
            out = util_escape_untrusted((const char *)content,
                                        strlen((const char *)content), 80);
            xmlFree(content);
            return out;
        }
    }
    p = strstr(msg, "The value '");
    if (p != NULL) {
        return quoted_after(p, NULL);
    }
    p = strstr(msg, "': '");
    return p != NULL ? quoted_after(p + 3, NULL) : NULL;
}

/* The enumeration "{'a', 'b'}" of a facet error, escaped, or NULL. */
static char *enum_set(const char *msg)
{
    const char *p = strstr(msg, "set {");

    if (p == NULL) {
        return NULL;
    }
    p += strlen("set ");
    return util_escape_untrusted(p, strcspn(p, "}") + (strchr(p, '}') != NULL),
                                 200);
}

/* The pattern of a pattern-facet error, escaped, or NULL. */
static char *pattern_of(const char *msg)
{
    const char *p = strstr(msg, "pattern '");

    return p != NULL ? quoted_after(p + 1, NULL) : NULL;
}

/* "The value 'X' is not accepted by the pattern 'P'" and friends. */
static void word_value(const struct bx_context *ctx, const char *msg,
                       xmlNodePtr value_node, struct bx_buf *zh,
                       struct bx_buf *en)
{
    char *val = error_value(msg, value_node);
    char *pat = NULL;
    const char *v = val ? val : "";
    const char *words_zh;
    const char *words_en;

    if (strstr(msg, "[facet 'pattern']") != NULL) {
        pat = pattern_of(msg);
        /* the schema's words for the format, not its regular expression */
        words_zh =
            schema_words_for_pattern(validate_words(ctx), pat, BX_LANG_ZH);
        words_en =
            schema_words_for_pattern(validate_words(ctx), pat, BX_LANG_EN);
        if (words_en != NULL) {
            buf_printf(zh, "值 '%s' 格式不对：%s", v, words_zh);
            buf_printf(en, "value '%s' is not in the right form: %s", v,
                       words_en);
        } else {
            buf_printf(zh, "值 '%s' 不符合编码格式%s%s", v, pat ? " " : "",
                       pat ? pat : "");
            buf_printf(en, "value '%s' does not match the pattern%s%s", v,
                       pat ? " " : "", pat ? pat : "");
        }
    } else if (strstr(msg, "[facet 'enumeration']") != NULL) {
        pat = enum_set(msg);
        buf_printf(zh, "值 '%s' 不在允许的取值%s%s之中", v, pat ? " " : "",
                   pat ? pat : "");
        buf_printf(en, "value '%s' is not one of %s", v,
                   pat ? pat : "the allowed values");
    } else if (strstr(msg, "}amount'") != NULL) {
        buf_printf(zh,
                   "值 '%s' 不是有效的金额（十进制数，如 179.6，"
                   "至多 14 位整数、4 位小数，不含千位分隔符；"
                   "空白单元格写作空字符串）",
                   v);
        buf_printf(en,
                   "value '%s' is not a valid amount (a decimal such as "
                   "179.6, at most 14 digits before the point and 4 after, "
                   "no thousands separators; a blank cell is an empty "
                   "string)",
                   v);
    } else {
        buf_printf(zh, "值 '%s' 不符合规定的数据类型", v);
        buf_printf(en, "value '%s' is not valid for this field", v);
    }
    free(pat);
    free(val);
}

/* Our code for a libxml2 schema error (XSD-MISSING ...). */
static const char *error_code(const xmlError *err)
{
    const char *msg = err->message ? err->message : "";

    switch (err->code) {
    case XML_SCHEMAV_CVC_ELT_1:
        return "XSD-ROOT";
    case XML_SCHEMAV_ELEMENT_CONTENT:
        return strstr(msg, "Missing child") != NULL ? "XSD-MISSING"
                                                    : "XSD-UNEXPECTED";
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
        return "XSD-MISSING";
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
        return "XSD-UNEXPECTED";
    case XML_SCHEMAV_CVC_IDC:
        return strstr(msg, "Duplicate") != NULL ? "XSD-DUPLICATE"
                                                : "XSD-KEYREF";
    default:
        break;
    }
    if ((err->code >= XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1 &&
         err->code <= XML_SCHEMAV_CVC_ENUMERATION_VALID) ||
        err->code == XML_SCHEMAV_CVC_ATTRIBUTE_3 ||
        err->code == XML_SCHEMAV_CVC_ELT_5_2_2_2_2 ||
        err->code == XML_SCHEMAV_CVC_TYPE_3_1_2 ||
        err->code == XML_SCHEMAV_CVC_ELT_4_3 ||
        err->code == XML_SCHEMAV_CVC_AU) {
        return "XSD-VALUE";
    }
    return "XSD-OTHER";
}

struct wording {
    const char *code;
    char *zh;
    char *en;
};

/* Say what failed, in both languages, from libxml2's code and message. */
static void word_error(const struct bx_context *ctx, const xmlError *err,
                       xmlNodePtr elem, const char *attr, xmlNodePtr value_node,
                       struct wording *w)
{
    const char *msg = err->message ? err->message : "";
    const char *ename = elem ? (const char *)elem->name : "?";
    char *val = NULL;
    char *ref = NULL;
    char *exp_zh = NULL;
    char *exp_en = NULL;
    struct bx_buf zh;
    struct bx_buf en;

    buf_init(&zh);
    buf_init(&en);
    w->code = error_code(err);
    switch (err->code) {
    case XML_SCHEMAV_CVC_ELT_1:
        buf_printf(&zh,
                   "根元素 <%s> 不是预算公开文档（应为命名空间 %s 中的 "
                   "disclosure）",
                   ename, BX_NAMESPACE);
        buf_printf(&en,
                   "root element <%s> is not a budget disclosure "
                   "(expected 'disclosure' in namespace %s)",
                   ename, BX_NAMESPACE);
        break;
    case XML_SCHEMAV_ELEMENT_CONTENT:
        exp_zh = expected_list(ctx, msg, BX_LANG_ZH);
        exp_en = expected_list(ctx, msg, BX_LANG_EN);
        if (strstr(msg, "Missing child") != NULL) {
            buf_printf(&zh, "<%s> 缺少必需的内容：%s", ename,
                       exp_zh ? exp_zh : "?");
            buf_printf(&en, "<%s> lacks required content: %s", ename,
                       exp_en ? exp_en : "?");
        } else {
            buf_printf(&zh, "此处不应出现元素 <%s>", ename);
            buf_printf(&en, "element <%s> is not expected here", ename);
            if (exp_zh != NULL) {
                buf_printf(&zh, "；此处应为：%s", exp_zh);
                buf_printf(&en, "; expected: %s", exp_en ? exp_en : "");
            }
        }
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
        val = quoted_after(msg, "attribute");
        buf_printf(&zh, "缺少必需的属性 '%s'", val ? val : "?");
        buf_printf(&en, "required attribute '%s' is missing", val ? val : "?");
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
        buf_printf(&zh, "不允许的属性 '%s'", attr ? attr : "?");
        buf_printf(&en, "attribute '%s' is not allowed", attr ? attr : "?");
        break;
    case XML_SCHEMAV_CVC_IDC:
        if (strstr(msg, "Duplicate") != NULL) {
            val = quoted_after(msg, "key-sequence");
            buf_printf(&zh, "编码 '%s' 重复", val ? val : "?");
            buf_printf(&en, "code '%s' is duplicated", val ? val : "?");
            break;
        }
        val = quoted_after(msg, "key-sequence");
        ref = quoted_after(msg, "of keyref");
        if (ref != NULL && strchr(ref, '}') != NULL) {
            memmove(ref, strchr(ref, '}') + 1, strlen(strchr(ref, '}')));
        }
        buf_printf(&zh, "引用的编码 '%s' 没有对应的定义（引用约束 %s）",
                   val ? val : "?", ref ? ref : "?");
        buf_printf(&en,
                   "code '%s' refers to nothing that is defined "
                   "(reference %s)",
                   val ? val : "?", ref ? ref : "?");
        free(ref);
        break;
    default:
        if (strcmp(w->code, "XSD-VALUE") == 0) {
            word_value(ctx, msg, value_node, &zh, &en);
        } else {
            val = util_escape_untrusted(msg, strcspn(msg, "\n"), 300);
            buf_printf(&zh, "不符合格式：%s", val ? val : "");
            buf_printf(&en, "does not conform: %s", val ? val : "");
        }
    }
    free(val);
    free(exp_zh);
    free(exp_en);
    w->zh = buf_take(&zh, NULL);
    w->en = buf_take(&en, NULL);
}

/* "表五 …，行 2010301 行政运行，列 基本支出（basic）：" in either language. */
static char *place_prefix(const struct bx_context *ctx, xmlNodePtr elem,
                          const char *attr, const char *table, const char *row,
                          enum bx_lang lang)
{
    const char *alabel =
        attr && elem
            ? validate_attr_label(ctx, (const char *)elem->name, attr, lang)
            : NULL;
    const char *elabel = NULL;
    int zh = lang == BX_LANG_ZH;
    struct bx_buf b;

    buf_init(&b);
    if (table != NULL) {
        buf_puts(&b, table);
    }
    if (row != NULL) {
        buf_printf(&b, zh ? "%s行 %s" : "%srow %s",
                   b.len ? (zh ? "，" : ", ") : "", row);
    } else if (elem != NULL && table == NULL) {
        elabel = validate_label(ctx, (const char *)elem->name, 0, lang);
        if (elabel != NULL) {
            buf_puts(&b, elabel);
        }
    }
    if (attr != NULL) {
        buf_printf(&b, zh ? "%s列 %s" : "%scolumn %s",
                   b.len ? (zh ? "，" : ", ") : "", alabel ? alabel : attr);
        if (alabel != NULL) {
            buf_printf(&b, zh ? "（%s）" : " (%s)", attr);
        }
    }
    if (b.len > 0) {
        buf_puts(&b, zh ? "：" : ": ");
    }
    return buf_take(&b, NULL);
}

/* Name quoted after 'lead' in 'msg' ("attribute 'X'"), into 'name'. */
static int quoted_name(const char *msg, const char *lead, char *name,
                       size_t size)
{
    const char *p = strstr(msg, lead);
    const char *q;
    size_t n;

    if (p == NULL) {
        return 0;
    }
    p += strlen(lead);
    if (*p == '{' && strchr(p, '}') != NULL) {
        p = strchr(p, '}') + 1;
    }
    q = strchr(p, '\'');
    n = q != NULL ? (size_t)(q - p) : 0;
    if (n == 0 || n >= size) {
        return 0;
    }
    memcpy(name, p, n);
    name[n] = '\0';
    return 1;
}

/*
 * The attribute of 'elem' that "…, attribute 'X': …" names, or NULL.
 * An element with many attributes is indexed once (and kept while its
 * errors follow one another), so that 30,000 bad attributes on one
 * element cost 30,000 lookups, not 30,000 scans.
 */
static xmlAttrPtr attr_from_message(struct valid_state *vs, xmlNodePtr elem,
                                    const char *msg)
{
    char name[128];
    xmlAttrPtr a;
    size_t n = 0;

    if (elem->type != XML_ELEMENT_NODE ||
        !quoted_name(msg, ", attribute '", name, sizeof(name))) {
        return NULL;
    }
    if (vs->attrs_of != elem) {
        xmlHashFree(vs->attrs, NULL);
        vs->attrs = NULL;
        vs->attrs_of = elem;
        for (a = elem->properties; a != NULL && n <= 64; a = a->next) {
            n++;
        }
        if (n > 64) {
            vs->attrs = xmlHashCreate(1024);
        }
        for (a = elem->properties; vs->attrs != NULL && a != NULL;
             a = a->next) {
            xmlHashAddEntry(vs->attrs, a->name, a); /* first one wins */
        }
    }
    if (vs->attrs != NULL) {
        return xmlHashLookup(vs->attrs, BAD_CAST name);
    }
    return xmlHasProp(elem, BAD_CAST name);
}

/* Index every element by (name, line), first in document order wins. */
static xmlHashTablePtr index_lines(xmlDocPtr doc)
{
    xmlHashTablePtr h = xmlHashCreate(4096);
    xmlNodePtr cur;
    char line[24];

    /* document order walk without recursion */
    for (cur = xmlDocGetRootElement(doc); h != NULL && cur != NULL;) {
        if (cur->type == XML_ELEMENT_NODE) {
            snprintf(line, sizeof(line), "%ld", xmlGetLineNo(cur));
            xmlHashAddEntry2(h, cur->name, BAD_CAST line, cur);
        }
        if (cur->children != NULL && cur->type == XML_ELEMENT_NODE) {
            cur = cur->children;
            continue;
        }
        while (cur != NULL && cur->next == NULL) {
            cur = cur->parent;
            if (cur != NULL && cur->type == XML_DOCUMENT_NODE) {
                cur = NULL;
            }
        }
        if (cur != NULL) {
            cur = cur->next;
        }
    }
    return h;
}

/*
 * Element named in "Element '{ns}name'…" at the error's line, for errors
 * that libxml2 reports without a node (identity constraints).  The
 * document is indexed on the first such error, then each is a lookup.
 */
static xmlNodePtr node_from_message(struct valid_state *vs, const xmlError *err)
{
    char name[128];
    char line[24];

    if (err->line <= 0 || err->message == NULL ||
        !quoted_name(err->message, "Element '", name, sizeof(name))) {
        return NULL;
    }
    if (vs->lines == NULL) {
        vs->lines = index_lines(vs->doc);
    }
    if (vs->lines == NULL) {
        return NULL;
    }
    snprintf(line, sizeof(line), "%d", err->line);
    return xmlHashLookup2(vs->lines, BAD_CAST name, BAD_CAST line);
}

/* libxml2 follows a bad key value with two consequential complaints. */
static int is_followup(const xmlError *err)
{
    const char *msg = err->message ? err->message : "";

    return strstr(msg, "No precomputed value available") != NULL ||
           strstr(msg, "evaluate to a node") != NULL;
}

static void on_valid_error(void *user, xmlErrorPtr err)
{
    struct valid_state *vs = user;
    xmlNodePtr node = err->node;
    xmlNodePtr elem = node;
    const char *attr = NULL;
    xmlAttrPtr attr_node = NULL;
    struct wording w = {NULL, NULL, NULL};
    struct bx_diag d;
    char *table_zh;
    char *table_en;
    char *row = NULL;
    char *pre_zh;
    char *pre_en;
    struct bx_buf zh;
    struct bx_buf en;

    if (err->level == XML_ERR_WARNING) {
        return;
    }
    if (vs->errors > 0 && is_followup(err)) {
        vs->errors++; /* still invalid, but already reported */
        return;
    }
    vs->errors++;
    if (!diags_admits(vs->diags, NULL, error_code(err))) {
        /* over the caps: count it, skip locating and wording it */
        bx_diags_addf(vs->diags, BX_SEV_ERROR, error_code(err), vs->file, 0,
                      NULL, NULL);
        return;
    }
    if (node == NULL) {
        node = elem = node_from_message(vs, err);
    }
    if (node != NULL && node->type == XML_ATTRIBUTE_NODE) {
        attr = (const char *)node->name;
        elem = node->parent;
    } else if (node != NULL && err->message != NULL &&
               err->code != XML_SCHEMAV_CVC_COMPLEX_TYPE_4) {
        /* libxml2 reports attribute values on the element; find it */
        attr_node = attr_from_message(vs, node, err->message);
        if (attr_node != NULL) {
            attr = (const char *)attr_node->name;
        }
    }
    memset(&d, 0, sizeof(d));
    word_error(vs->ctx, err, elem, attr,
               attr_node != NULL ? (xmlNodePtr)attr_node : node, &w);
    table_zh = table_label(vs, elem, BX_LANG_ZH);
    table_en = table_label(vs, elem, BX_LANG_EN);
    d.table = table_zh;
    if (elem != NULL && d.table != NULL && !is_ours(elem->parent, "tables")) {
        row = row_label(elem);
    }
    pre_zh = place_prefix(vs->ctx, elem, attr, d.table, row, BX_LANG_ZH);
    pre_en = place_prefix(vs->ctx, elem, attr, table_en, row, BX_LANG_EN);
    buf_init(&zh);
    buf_init(&en);
    buf_printf(&zh, "%s%s", pre_zh ? pre_zh : "", w.zh ? w.zh : "");
    buf_printf(&en, "%s%s", pre_en ? pre_en : "", w.en ? w.en : "");
    d.severity = BX_SEV_ERROR;
    d.code = (char *)w.code;
    d.file = (char *)vs->file;
    d.line = elem ? xmlGetLineNo(elem) : err->line;
    if (d.line <= 0) {
        d.line = err->line;
    }
    d.xpath =
        node ? xmlio_node_path(attr_node ? (xmlNodePtr)attr_node : node) : NULL;
    d.message_zh = zh.data;
    d.message_en = en.data;
    d.row = row;
    d.column_label =
        attr && elem ? (char *)validate_attr_label(
                           vs->ctx, (const char *)elem->name, attr, BX_LANG_ZH)
                     : NULL;
    if (attr != NULL && d.column_label == NULL) {
        d.column_label = (char *)attr;
    }
    bx_diags_add(vs->diags, &d);
    free(d.xpath);
    free(row);
    free(table_zh);
    free(table_en);
    free(pre_zh);
    free(pre_en);
    free(w.zh);
    free(w.en);
    buf_release(&zh);
    buf_release(&en);
}

int bx_validate_schema(struct bx_context *ctx, struct bx_submission *sub,
                       struct bx_diags *diags)
{
    struct schema_state *st = ctx->schema;
    struct valid_state vs;
    unsigned long nomem;
    int fast;
    int ret;
    int rc;

    if (sub == NULL || sub->doc == NULL) {
        return BX_E_STATE;
    }
    sub->schema_valid = -1; /* no verdict until there is one */
    fast = valid_fast(st, sub->doc);
    if (fast == BX_E_NOMEM) {
        return BX_E_NOMEM;
    }
    if (fast == 1) {
        sub->schema_valid = 1;
        return templates_check(ctx, sub, diags);
    }
    nomem = xmlio_nomem_count();
    vs.ctx = ctx;
    vs.tpl = templates_of_doc(ctx, sub->doc);
    vs.ref = templates_reference(ctx);
    if (xmlio_nomem_count() != nomem) {
        return BX_E_NOMEM; /* findings would be worded without them */
    }
    vs.doc = sub->doc;
    vs.file = sub->path;
    vs.diags = diags;
    vs.errors = 0;
    vs.lines = NULL;
    vs.attrs_of = NULL;
    vs.attrs = NULL;
    rc = schema_ctxt_validate(st->schema, sub->doc, on_valid_error, &vs, diags,
                              &ret);
    xmlHashFree(vs.lines, NULL);
    xmlHashFree(vs.attrs, NULL);
    if (rc != BX_OK) {
        return rc; /* out of memory: the caller says so, nothing else */
    }
    if (ret < 0) {
        bx_diags_addf(diags, BX_SEV_FATAL, "INTERNAL", sub->path, 0,
                      "模式校验器内部错误", "schema validator failed");
        sub->schema_valid = 0;
        return BX_E_INTERNAL;
    }
    sub->schema_valid = ret == 0 && vs.errors == 0;
    /* the template's own demands (profile known, identifiers it prints) */
    return sub->schema_valid ? templates_check(ctx, sub, diags) : BX_OK;
}
