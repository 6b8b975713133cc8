/*
 * The rule set's expressions as a plan (rules_expr.c): the fast paths
 * select exactly what libxml2's XPath selects (the same nodes, in the
 * same order), and the static test never calls an expression that reads
 * its context node static.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "budgetx.h"
#include "rules.h"
#include "rules_eval.h"
#include "testutil.h"
#include "xmlio.h"

static const char doc_src[] =
    "<bx:d xmlns:bx='urn:budgetx:disclosure:1' xmlns:o='urn:other' a='1'>"
    " <bx:x a='2' b='3' o:a='9'><bx:y a='4'/><bx:y b='5'/><o:y a='6'/></bx:x>"
    " <bx:y b='7' a='8'/>"
    " <o:x a='10'/>"
    " <bx:x><bx:y a='11'/></bx:x>"
    " <bx:z a='12'><bx:x a='13'/></bx:z>"
    "</bx:d>";

/* Expressions with a fast path, and without (XPath only). */
static const char *const fast[] = {
    "@a",          "@b",
    "@c",          " @ a ",
    "@a | @b",     "@b | @a",
    "@b|@a|@b",    "bx:x/@a",
    "bx:x/bx:y/@a", "bx:x / bx:y / @b",
    "(bx:x | bx:y)/@a", "(bx:y | bx:x)/@b",
    "(bx:x | bx:x)/@a", "(../bx:x | ../bx:y | ../bx:z)/@a",
    "(../bx:y)/@a", "../@a",
    "../bx:x/@a",
};
static const char *const slow[] = {
    "@*", "bx:x[1]/@a", "../../@a", "x/@a", "bx:*/@a", "@o:a",
    "(bx:x | ../bx:y)/@a", ".",
};

static void elements(xmlNodePtr n, xmlNodePtr *out, int *count)
{
    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        out[(*count)++] = n;
        elements(n->children, out, count);
    }
}

/* An empty rule set binding prefix o (and bx), an XPath context on 'doc'
 * binding the same. */
static xmlXPathContextPtr test_setup(xmlDocPtr doc, struct bx_ruleset *rs,
                                     struct bx_ns *ns)
{
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);

    memset(rs, 0, sizeof(*rs));
    rs->ns = ns;
    rs->nns = 1;
    CU_ASSERT_PTR_NOT_NULL_FATAL(xp);
    xmlXPathRegisterNs(xp, BAD_CAST "o", BAD_CAST "urn:other");
    xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
    return xp;
}

static int same_as_xpath(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                         xmlNodePtr node);

static void test_rules_expr_fast_paths_match_xpath(void)
{
    xmlDocPtr doc = xmlReadMemory(doc_src, (int)strlen(doc_src), "t.xml",
                                  NULL, 0);
    struct bx_ruleset rs;
    struct bx_ns ns = {"o", "urn:other"};
    xmlXPathContextPtr xp;
    xmlNodePtr els[32];
    int nels = 0;
    size_t i;
    int j;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xp = test_setup(doc, &rs, &ns);
    for (i = 0; i < sizeof(fast) / sizeof(fast[0]); i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST fast[i]),
                        fast[i]);
    for (i = 0; i < sizeof(slow) / sizeof(slow[0]); i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST slow[i]),
                        slow[i]);
    rules_exprs_index(&rs);
    CU_ASSERT_EQUAL_FATAL(rs.nexprs, sizeof(fast) / sizeof(fast[0]) +
                                         sizeof(slow) / sizeof(slow[0]));
    elements(xmlDocGetRootElement(doc), els, &nels);
    for (i = 0; i < rs.nexprs; i++) {
        const struct bx_expr_info *e = rules_expr_info(&rs, rs.exprs[i].comp);

        CU_ASSERT_PTR_EQUAL_FATAL(e, &rs.exprs[i]);
        if (i >= sizeof(fast) / sizeof(fast[0])) {
            CU_ASSERT_EQUAL(e->fast, BX_FP_NONE);
            continue;
        }
        CU_ASSERT(e->fast == BX_FP_PATH || e->fast == BX_FP_ATTRS ||
                  e->fast == BX_FP_CHILDREN);
        for (j = 0; j < nels; j++) {
            xmlNodePtr tab[32];
            xmlNodeSet set = {0, 32, tab};
            xmlXPathObjectPtr o;
            xmlAttrPtr at;
            int k;

            /* an attribute as the context node: ".." forms read it */
            for (at = els[j]->properties; at != NULL; at = at->next)
                same_as_xpath(e, xp, (xmlNodePtr)at);

            CU_ASSERT_EQUAL_FATAL(rules_expr_fast(e, xp, els[j], &set), 1);
            xp->node = els[j];
            o = xmlXPathCompiledEval(e->comp, xp);
            CU_ASSERT_PTR_NOT_NULL_FATAL(o);
            CU_ASSERT_EQUAL(set.nodeNr, o->nodesetval != NULL
                                            ? o->nodesetval->nodeNr
                                            : 0);
            for (k = 0; k < set.nodeNr && k < o->nodesetval->nodeNr; k++)
                CU_ASSERT_PTR_EQUAL(set.nodeTab[k],
                                    o->nodesetval->nodeTab[k]);
            xmlXPathFreeObject(o);
        }
    }
    /* more nodes than the caller's array: no answer, XPath is asked */
    {
        xmlNodePtr tab[1];
        xmlNodeSet set = {0, 1, tab};

        CU_ASSERT_EQUAL(rules_expr_fast(&rs.exprs[4], xp, els[1], &set), 0);
    }
    /* identical sources share an id */
    CU_ASSERT_EQUAL(rs.exprs[1].id, 1);
    for (i = 0; i < rs.nexprs; i++)
        xmlXPathFreeCompExpr(rs.exprs[i].comp);
    rules_exprs_release(&rs);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Location paths read from the tree (rules_path.c)                    */
/* ------------------------------------------------------------------ */

static const char paths_src[] =
    "<bx:d xmlns:bx='urn:budgetx:disclosure:1' xmlns:o='urn:other' a='1'>"
    " <bx:t a='2' b='3' o:a='9'>"
    "  <bx:x a='4' b='44'><bx:y a='41'/><bx:y b='42' a='43'/>"
    "   <bx:x a='45'><bx:y a='46' b=''/></bx:x></bx:x>"
    "  <o:y a='5'/><bx:y b='7'/>"
    " </bx:t>"
    " <bx:u n='行政运行'><bx:x a='14'>text<bx:y a='141' n='行政'/><!-- c -->"
    "  </bx:x></bx:u>"
    " <bx:z a='12' c='x&amp;y'><bx:x a='13'/></bx:z>"
    " <bx:w n='0' m=' -0.0 ' k='abc'><bx:v p='' q='1e-2'/></bx:w>"
    " <bx:w n='0'><bx:v p='0.000' q='-' r='.'><bx:v s='3'/></bx:v></bx:w>"
    " <bx:w><bx:v o:p='-2'/></bx:w><bx:w m='0'><bx:v p='0' q=''/></bx:w>"
    "</bx:d>";

/* Location paths: each must be read from the tree on some node. */
static const char *const paths[] = {
    "$T1//bx:y/@a",
    "$T1//*[@a]",
    "$T1//*[@a]/@b",
    "$E//bx:y",
    "$T1",
    "$T1/bx:x/bx:y",
    "$T1/@a",
    ".//bx:y",
    ".//bx:y[@a = '41']",
    ". // bx:y [ @a != '41' ] / @a",
    "descendant-or-self::*[@a]",
    "descendant::bx:y[@b]",
    "child::bx:x",
    "/bx:d/bx:t/bx:x/bx:y",
    "/bx:d/*/bx:x",
    "//bx:x//bx:y",
    "//bx:x//bx:y/@b",
    "//bx:x/bx:y",
    "//*//bx:y",
    "//*/bx:y",
    "/bx:d//bx:x[bx:y]",
    "//bx:y[not(@a)]",
    "//*[@a != '4']",
    "//*[starts-with(@a, '4')]",
    "//*[starts-with(@c, '')]",
    "//*[starts-with(@c, 'x&')]",
    "//*[@c = 'x&y']",
    "//*[@b = '']",
    "//*[(@a = '4' or @b = '7') and not(@b = '44')]",
    "//*[bx:y or o:y][*]",
    "//bx:x[bx:y][@a = '4' or @a = '45']",
    "$T1/bx:x | $T1/o:y",
    "$T1/o:y | $T1/bx:x",
    "//bx:y/@b | //bx:x/@a",
    "//bx:y/@a | //bx:y/@b",
    "//bx:y | //bx:y/@a | /bx:d/bx:t",
    "//bx:y | //bx:y",
    "../bx:y/@b",
    "..//bx:y",
    "../@a",
    "bx:x/bx:y",
    "bx:x//bx:y[@a]",
    "$meta",
    "//*[not($E)][@a = '4']",
    "//*[$T1][@a]",
    "//*[$E or @b]",
    "//bx:x[@a = $v]",
    "//*[@a = $s] | //*[@b = $s]",
    "//*[string-length(@a) = 2]",
    "//*[string-length(@c) = 0]/@a",
    "//*[string-length(@n) = 4]",
    "//*[substring(@a, 1, 1) = '4']",
    "//*[substring(@b, 2, 5) = $s]",
    "//*[substring(@a, 3, 1) = '']",
    "//*[substring(@n, 3, 2) = '运行']",
    "//*[substring(@n, 1, 0) = '']",
    "//*[substring(@n, 2, 9) = '政']",
    "//*[$s]",
    "//*[@a = $T1]",
    "//bx:y[ancestor::bx:x]",
    "//bx:y[ancestor::bx:x/@b]",
    "//*[not(ancestor::bx:t)]/@a",
    "//bx:y[ancestor::*/@c] | //bx:x[ancestor::bx:x]",
};
/* ... and what no location path of the subset reads. */
static const char *const not_paths[] = {
    "//bx:x[1]", "//bx:x[@a = 1]", "bx:x/text()",
    "//@a", "//x", "$T1/..", "bx:x[last()]", "//*[substring(@a, 0, 1) = '4']",
    "//*[string-length(@a) = 1.5]", "//*[$v = 'x']", "//*[@a != $v]",
    "//bx:x[ancestor::bx:x/@a = '4']", "//bx:x[ancestor::bx:x[@a]]", "$T1//@*", "@a or .//bx:y",
    "count(bx:y)", "//bx:x[position() = 1]", "//o:*", "@a", "bx:x/@o:a",
    "bx:key('k', @a)", "//bx:x[bx:y/@a]", "//bx:x[@a = '1']/..",
};
/* Truths: P or P ... [or rest]. */
static const char *const anys[] = {
    ".//bx:y or .//o:y",
    ".//bx:q or .//bx:r",
    ".//bx:q or count(bx:y) > 1",
    ".//bx:q or .//bx:y or count(bx:y) > 1",
    "$E or $T1//bx:y[@b = '7'] or 1 = 0",
    ".//bx:q or $T1//bx:y[@b = '7'] or .//o:y or .//bx:v",
    ".//bx:z or descendant::bx:w or .//bx:x[@a = '13']",
    ".//bx:q or (* | */*)/@*[number(.) > 0 or number(.) < 0]",
    "bx:x or (*|*/*)/@*[number(.)>0 or number(.)<0]",
};

/* The paths the walk declines: a child step from nested elements (bx:x
 * holds a bx:x), a variable of another type than the predicate reads. */
static int nested_child_step(const char *src)
{
    return strcmp(src, "//*/bx:y") == 0 || strcmp(src, "//bx:x/bx:y") == 0 ||
           strcmp(src, "//*[$s]") == 0 || strcmp(src, "//*[@a = $T1]") == 0;
}

static void all_nodes(xmlNodePtr n, xmlNodePtr *out, int *count, int max)
{
    for (; n != NULL && *count < max; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        out[(*count)++] = n;
        all_nodes(n->children, out, count, max);
    }
}

/* What 'e' reads from the tree on 'node' equals what XPath selects; 0
 * when the evaluation declined. */
static int same_as_xpath(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                         xmlNodePtr node)
{
    xmlNodeSetPtr set = xmlXPathNodeSetCreate(NULL);
    xmlXPathObjectPtr o;
    int r = rules_expr_fast_grow(e, xp, node, set);
    int k;

    CU_ASSERT_FATAL(set != NULL && r >= 0);
    if (r == 1) {
        xp->node = node;
        o = xmlXPathCompiledEval(e->comp, xp);
        CU_ASSERT_FATAL(o != NULL && o->type == XPATH_NODESET);
        k = o->nodesetval != NULL ? o->nodesetval->nodeNr : 0;
        CU_ASSERT_EQUAL(set->nodeNr, k);
        if (set->nodeNr != k)
            fprintf(stderr, "\n%s: %d nodes, XPath %d\n", e->src,
                    set->nodeNr, k);
        for (k = 0; k < set->nodeNr && k < o->nodesetval->nodeNr; k++)
            CU_ASSERT_PTR_EQUAL(set->nodeTab[k], o->nodesetval->nodeTab[k]);
        xmlXPathFreeObject(o);
    }
    xmlXPathFreeNodeSet(set);
    return r;
}

/* The truth 'e' decides on 'node' equals XPath's; 0 when the rest
 * decides (or the evaluation declined). */
static int same_truth(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                      xmlNodePtr node)
{
    int r = rules_expr_any(e, xp, node);
    xmlXPathObjectPtr o;

    CU_ASSERT_FATAL(r != -2);
    xp->node = node;
    o = xmlXPathCompiledEval(e->comp, xp);
    CU_ASSERT_FATAL(o != NULL);
    if (r == 0 || r == 1)
        CU_ASSERT_EQUAL(r, xmlXPathCastToBoolean(o));
    if (r == 2) {
        xmlXPathObjectPtr t = xmlXPathCompiledEval(e->any_tail, xp);

        CU_ASSERT_FATAL(t != NULL);
        CU_ASSERT_EQUAL(xmlXPathCastToBoolean(t), xmlXPathCastToBoolean(o));
        xmlXPathFreeObject(t);
    }
    xmlXPathFreeObject(o);
    return r == 0 || r == 1;
}

static void test_rules_expr_paths_match_xpath(void)
{
    xmlDocPtr doc = xmlReadMemory(paths_src, (int)strlen(paths_src), "t.xml",
                                  NULL, 0);
    struct bx_ruleset rs;
    struct bx_ns ns = {"o", "urn:other"};
    xmlXPathContextPtr xp;
    xmlNodePtr els[64];
    int nels = 1;
    size_t npaths = sizeof(paths) / sizeof(paths[0]);
    size_t nnot = sizeof(not_paths) / sizeof(not_paths[0]);
    size_t i;
    int j;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xp = test_setup(doc, &rs, &ns);
    els[0] = (xmlNodePtr)doc;
    all_nodes(xmlDocGetRootElement(doc), els, &nels, 64);
    xmlXPathRegisterVariable(xp, BAD_CAST "T1", xmlXPathNewNodeSet(els[2]));
    xmlXPathRegisterVariable(xp, BAD_CAST "E", xmlXPathNewNodeSet(NULL));
    xmlXPathRegisterVariable(xp, BAD_CAST "meta", xmlXPathNewNodeSet(els[1]));
    xmlXPathRegisterVariable(xp, BAD_CAST "v", xmlXPathNewString(BAD_CAST "4"));
    xmlXPathRegisterVariable(xp, BAD_CAST "s", xmlXPathNewString(BAD_CAST "41"));
    for (i = 0; i < npaths; i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST paths[i]),
                        paths[i]);
    for (i = 0; i < nnot; i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST not_paths[i]),
                        not_paths[i]);
    for (i = 0; i < sizeof(anys) / sizeof(anys[0]); i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST anys[i]),
                        anys[i]);
    rules_exprs_index(&rs);
    CU_ASSERT_EQUAL_FATAL(rs.nexprs, npaths + nnot +
                                         sizeof(anys) / sizeof(anys[0]));
    for (i = 0; i < rs.nexprs; i++) {
        const struct bx_expr_info *e = &rs.exprs[i];
        int handled = 0;

        if (i >= npaths && i < npaths + nnot) {
            CU_ASSERT(e->fast != BX_FP_LPATH && e->fast != BX_FP_ANY);
            continue;
        }
        if (i < npaths) {
            /* "../@a": the older form reads it */
            CU_ASSERT(e->fast == BX_FP_LPATH || e->fast == BX_FP_PATH);
        } else {
            CU_ASSERT_EQUAL(e->fast, BX_FP_ANY);
            CU_ASSERT_EQUAL(e->any_nonzero,
                            strstr(e->src, "number(.)") != NULL);
        }
        /* unnumbered elements: a union may decline, never differ */
        for (j = 0; j < nels; j++) {
            xmlAttrPtr at = els[j]->type == XML_ELEMENT_NODE
                                ? els[j]->properties
                                : NULL;

            if (i < npaths)
                handled += same_as_xpath(e, xp, els[j]);
            else
                handled += same_truth(e, xp, els[j]);
            /* attributes as the context node too ("../@dep" in a key) */
            for (; i < npaths && at != NULL; at = at->next)
                same_as_xpath(e, xp, (xmlNodePtr)at);
        }
        xmlXPathOrderDocElems(doc);
        for (j = 0; j < nels; j++) {
            if (i < npaths)
                handled += same_as_xpath(e, xp, els[j]);
            else
                handled += same_truth(e, xp, els[j]) || e->any_tail != NULL;
        }
        /* a child step from nested inputs (every element of the document) would
           interleave: declined, XPath decides */
        CU_ASSERT(nested_child_step(e->src) ? handled == 0 : handled > 0);
        if (handled == 0 && !nested_child_step(e->src))
            fprintf(stderr, "\nnever read: %s\n", e->src);
        for (j = 0; doc->children != NULL && j < nels; j++) {
            if (els[j]->type == XML_ELEMENT_NODE)
                els[j]->content = NULL; /* unnumbered again */
        }
    }
    for (i = 0; i < rs.nexprs; i++)
        xmlXPathFreeCompExpr(rs.exprs[i].comp);
    rules_exprs_release(&rs);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* Every attribute of the rule file, {col} as 'total', noted when it
 * compiles (words such as "error" compile too: they read nothing). */
static void note_rule_file(xmlNodePtr n, struct bx_ruleset *rs,
                           xmlXPathContextPtr xp)
{
    xmlAttrPtr a;

    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (a = n->properties; a != NULL; a = a->next) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            char buf[2048];
            char *at;
            xmlXPathCompExprPtr comp;

            if (v == NULL || strlen((char *)v) >= sizeof(buf) - 8) {
                xmlFree(v);
                continue;
            }
            strcpy(buf, (char *)v);
            xmlFree(v);
            while ((at = strstr(buf, "{col}")) != NULL) {
                memcpy(at, "total", 5);
            }
            xmlSetGenericErrorFunc(NULL, quiet);
            comp = xmlXPathCtxtCompile(xp, BAD_CAST buf);
            xmlSetGenericErrorFunc(NULL, NULL);
            if (comp != NULL)
                rules_expr_note(rs, comp, buf);
        }
        note_rule_file(n->children, rs, xp);
    }
}

/* $T1 ... $T14: the tables of the document in order (which is which does
 * not matter here: both sides read the same), $meta, $self. */
static void bind_document(xmlXPathContextPtr xp, xmlDocPtr doc)
{
    xmlNodePtr c;
    xmlNodePtr t = NULL;
    int k = 0;
    char name[16];

    for (c = xmlDocGetRootElement(doc)->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE &&
            strcmp((const char *)c->name, "tables") == 0)
            t = c->children;
        if (c->type == XML_ELEMENT_NODE &&
            strcmp((const char *)c->name, "metadata") == 0)
            xmlXPathRegisterVariable(xp, BAD_CAST "meta",
                                     xmlXPathNewNodeSet(c));
    }
    for (k = 1; k <= 14; k++) {
        while (t != NULL && t->type != XML_ELEMENT_NODE)
            t = t->next;
        snprintf(name, sizeof(name), "T%d", k);
        xmlXPathRegisterVariable(xp, BAD_CAST name, xmlXPathNewNodeSet(t));
        if (t != NULL)
            t = t->next;
    }
}

/* ------------------------------------------------------------------ */
/* Value expressions (rules_vx.c)                                      */
/* ------------------------------------------------------------------ */

/* The value rules_vx_eval() gives 'e' on 'node' is XPath's (the same type,
 * string, number, truth or nodes); 0 when it declined. */
static int same_value(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                      xmlNodePtr node)
{
    int nomem = 0;
    xmlXPathObjectPtr v = rules_vx_eval(e->vx, xp, node, &nomem);
    xmlXPathObjectPtr o;
    int k;

    CU_ASSERT_FATAL(nomem == 0);
    if (v == NULL)
        return 0;
    xp->node = node;
    o = xmlXPathCompiledEval(e->comp, xp);
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_EQUAL(v->type, o->type);
    if (v->type == o->type) {
        switch (o->type) {
        case XPATH_STRING:
            CU_ASSERT_STRING_EQUAL(v->stringval, o->stringval);
            if (strcmp((char *)v->stringval, (char *)o->stringval) != 0)
                fprintf(stderr, "\n%s: '%s', XPath '%s'\n", e->src,
                        v->stringval, o->stringval);
            break;
        case XPATH_NUMBER:
            CU_ASSERT(v->floatval == o->floatval ||
                      (v->floatval != v->floatval &&
                       o->floatval != o->floatval));
            break;
        case XPATH_BOOLEAN:
            CU_ASSERT_EQUAL(v->boolval, o->boolval);
            if (v->boolval != o->boolval)
                fprintf(stderr, "\n%s on %s: %d, XPath %d\n", e->src,
                        node->name, v->boolval, o->boolval);
            break;
        default:
            k = o->nodesetval != NULL ? o->nodesetval->nodeNr : 0;
            CU_ASSERT_EQUAL(v->nodesetval->nodeNr, k);
            for (k = 0; k < v->nodesetval->nodeNr &&
                        k < o->nodesetval->nodeNr;
                 k++)
                CU_ASSERT_PTR_EQUAL(v->nodesetval->nodeTab[k],
                                    o->nodesetval->nodeTab[k]);
            break;
        }
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeObject(v);
    return 1;
}

static const char values_src[] =
    "<bx:d xmlns:bx='urn:budgetx:disclosure:1' xmlns:o='urn:other'>"
    " <bx:units><bx:unit code='301' type='行政'/><bx:unit code='302'/>"
    "  <bx:unit code='303' type='行政'/><bx:unit code='304'/></bx:units>"
    " <bx:dept code='201'><bx:unit code='20101'>"
    "  <bx:row code='2010101' n='一般 公共' total='1.50' s='  a \t b  '/>"
    "  <bx:unit code='2010102'><bx:row code='201010201' total='-0' s=''/>"
    "   <bx:row code='3010101' total='x' n='运行经费支出'/></bx:unit>"
    "  <bx:row total='2' s='b'><o:unit code='99'/></bx:row></bx:unit>"
    "  <bx:row code='2' s='2.0'>text <bx:q>more</bx:q> tail</bx:row>"
    " </bx:dept>"
    " <bx:dept><bx:row code='20' total='1e2'/></bx:dept>"
    " <bx:fiscalYear>2024</bx:fiscalYear>"
    "</bx:d>";

/* Value expressions of the forms rules_vx.c reads, and what it leaves to
 * XPath (a boolean compared, a function it does not know, arithmetic). */
static const char *const values[] = {
    "concat(ancestor::bx:unit/@code, ' ', @code)",
    "concat($self/ancestor::bx:unit/@code, '-', $self/@code, @n)",
    "concat(@s, @none, 'x')",
    "substring(@code, 1, 3)",
    "substring(@code, 3)",
    "substring(@n, 2, 3)",
    "substring(@code, 7, 2)",
    "substring(@code, 1, 0)",
    "starts-with(@code, ancestor::bx:dept/@code)",
    "starts-with(@code, '201')",
    "starts-with(@code, @none)",
    "normalize-space(@s)",
    "normalize-space(@s) != '' and normalize-space(@code) != ''",
    "number(@total)",
    "number(substring(@code, 7, 2)) <= number(substring($fy, 3, 2))",
    "substring(@code, 1, 6) = substring($meta/bx:dept/@code, 1, 6)",
    "@code = $meta/bx:unit/@code",
    "@code != $meta/bx:unit/@code",
    "@total > 0",
    "@total <= '1.5'",
    "@total = 2",
    "@total != 2",
    "0 < @total",
    "ancestor::bx:unit/@code = '20101'",
    "@code = 'x' or @s = 'b'",
    "not(@code) and not(ancestor::bx:dept/@code)",
    "(@total > 1 or @code) and starts-with(@code, '3')",
    "@total >= ancestor::bx:unit/@code",
    "@s = @code",
    "@s < @code",
    ".//bx:q = 'more'",
    "bx:row[1]",
    "bx:unit[1]",
    "preceding-sibling::bx:row[1]",
    "preceding-sibling::bx:row[@code = '2010101'][1]",
    "preceding-sibling::bx:unit[@type = '行政'][1]",
};
static const char *const not_values[] = {
    "@code", "'lit'", "concat(@a, count(*))", "starts-with(@code, 1)",
    "(@code = 'x') = true()", "substring(@code, 0, 2)",
    "substring(@code, 1.5)", "@total + 1 > 2", "concat(@code)",
    "string(@code)", "ancestor::bx:unit", "@a = 1 = 2",
    "substring(., 2, 4)", "@code = ancestor::*/@code",
    "bx:row[2]", "bx:row[1]/@code", "preceding-sibling::bx:row[@code][1]",
    "preceding-sibling::bx:row[1][@code = '2']", "following-sibling::bx:row[1]",
    "preceding-sibling::*[1]",
};

static void test_rules_expr_values_match_xpath(void)
{
    xmlDocPtr doc = xmlReadMemory(values_src, (int)strlen(values_src),
                                  "t.xml", NULL, 0);
    struct bx_ruleset rs;
    struct bx_ns ns = {"o", "urn:other"};
    xmlXPathContextPtr xp;
    xmlNodePtr els[64];
    int nels = 0;
    size_t nv = sizeof(values) / sizeof(values[0]);
    size_t nn = sizeof(not_values) / sizeof(not_values[0]);
    size_t i;
    int j;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xp = test_setup(doc, &rs, &ns);
    all_nodes(xmlDocGetRootElement(doc), els, &nels, 64);
    xmlXPathRegisterVariable(xp, BAD_CAST "meta",
                             xmlXPathNewNodeSet(xmlDocGetRootElement(doc)));
    xmlXPathRegisterVariable(xp, BAD_CAST "fy",
                             xmlXPathNewNodeSet(els[nels - 1]));
    for (i = 0; i < nv; i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST values[i]),
                        values[i]);
    for (i = 0; i < nn; i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST not_values[i]),
                        not_values[i]);
    rules_exprs_index(&rs);
    CU_ASSERT_EQUAL_FATAL(rs.nexprs, nv + nn);
    for (i = 0; i < rs.nexprs; i++) {
        const struct bx_expr_info *e = &rs.exprs[i];
        int handled = 0;

        if (i >= nv) {
            CU_ASSERT(e->fast != BX_FP_VALUE);
            if (e->fast == BX_FP_VALUE)
                fprintf(stderr, "\nread as a value: %s\n", e->src);
            continue;
        }
        CU_ASSERT_EQUAL(e->fast, BX_FP_VALUE);
        if (e->fast != BX_FP_VALUE) {
            fprintf(stderr, "\nnot a value: %s\n", e->src);
            continue;
        }
        for (j = 0; j < nels; j++) {
            xmlXPathRegisterVariable(xp, BAD_CAST "self",
                                     xmlXPathNewNodeSet(els[j]));
            handled += same_value(e, xp, els[j]);
        }
        CU_ASSERT_EQUAL(handled, nels);
    }
    for (i = 0; i < rs.nexprs; i++)
        xmlXPathFreeCompExpr(rs.exprs[i].comp);
    rules_exprs_release(&rs);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

static void test_rules_expr_rule_file_paths_match_xpath(void)
{
    static const char *const docs[] = {
        "samples/example-central-department-2024.xml",
        "samples/example-county-education-bureau-2024.xml",
        "samples/example-shanghai-district-health-2024.xml",
        "samples/pingdingshan-hitech-service-center-2024.xml",
    };
    xmlDocPtr rules = xmlReadFile(test_path("schemas/rules/2024.xml"), NULL,
                                  XML_PARSE_NONET);
    struct bx_ruleset rs;
    size_t d;
    size_t i;
    int read = 0;
    int values_read = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(rules);
    memset(&rs, 0, sizeof(rs));
    for (d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
        xmlDocPtr doc = xmlReadFile(test_path(docs[d]), NULL, XML_PARSE_NONET);
        xmlXPathContextPtr xp;
        xmlNodePtr *els;
        int nels = 1;
        int j;

        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        xp = xmlXPathNewContext(doc);
        CU_ASSERT_PTR_NOT_NULL_FATAL(xp);
        xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
        if (d == 0) {
            note_rule_file(xmlDocGetRootElement(rules), &rs, xp);
            rules_exprs_index(&rs);
            CU_ASSERT_FATAL(rs.nexprs > 300);
        }
        bind_document(xp, doc);
        xmlXPathOrderDocElems(doc);
        els = malloc(20000 * sizeof(*els));
        CU_ASSERT_PTR_NOT_NULL_FATAL(els);
        els[0] = (xmlNodePtr)doc;
        all_nodes(xmlDocGetRootElement(doc), els, &nels, 20000);
        for (j = 0; j < nels; j += j < 8 ? 1 : 5) {
            if (j > 0)
                xmlXPathRegisterVariable(xp, BAD_CAST "self",
                                         xmlXPathNewNodeSet(els[j]));
            for (i = 0; i < rs.nexprs; i++) {
                const struct bx_expr_info *e = &rs.exprs[i];

                if (e->id != i || (j > 0 && e->is_static))
                    continue;
                if (e->fast == BX_FP_LPATH)
                    read += same_as_xpath(e, xp, els[j]);
                else if (e->fast == BX_FP_ANY)
                    read += same_truth(e, xp, els[j]);
                else if (e->fast == BX_FP_VALUE && j > 0)
                    values_read += same_value(e, xp, els[j]);
            }
        }
        free(els);
        xmlXPathFreeContext(xp);
        xmlFreeDoc(doc);
    }
    /* the rule file is mostly paths of the subset */
    CU_ASSERT(read > 10000);
    /* and its string and truth expressions (concat, substring, ...) */
    CU_ASSERT(values_read > 1000);
    for (i = 0; i < rs.nexprs; i++)
        xmlXPathFreeCompExpr(rs.exprs[i].comp);
    rules_exprs_release(&rs);
    xmlFreeDoc(rules);
}

/* ------------------------------------------------------------------ */
/* End to end: the same findings with and without the fast paths        */
/* ------------------------------------------------------------------ */

/* The samples whose findings are compared, every field. */
static const char *const compared_docs[] = {
    "samples/example-central-department-2024.xml",
    "samples/example-county-education-bureau-2024.xml",
    "samples/example-district-health-commission-2024.xml",
    "samples/example-province-education-department-2024.xml",
    "samples/example-shanghai-district-health-2024.xml",
    "samples/example-narrative-only-2024.xml",
    "samples/pingdingshan-hitech-service-center-2024.xml",
};

/* Every finding of 'buf' under 'c', each field, one line each. */
static char *findings(struct bx_context *c, const xmlChar *buf, int len)
{
    struct bx_diags d;
    struct bx_submission *sub = NULL;
    size_t cap = 4096;
    size_t n = 0;
    char *out = malloc(cap);
    size_t i;

    bx_diags_init(&d);
    if (bx_submission_load_memory(c, buf, (size_t)len, "m.xml", &d, &sub) ==
            BX_OK &&
        bx_validate_schema(c, sub, &d) == BX_OK &&
        bx_submission_schema_valid(sub) == 1)
        CU_ASSERT_EQUAL(bx_rules_check(c, sub, &d), BX_OK);
    bx_submission_free(sub);
    for (i = 0; out != NULL && i < d.count; i++) {
        const struct bx_diag *g = &d.items[i];
        char line[8192];
        int k = snprintf(line, sizeof(line), "%d %s %ld %s %s %s %s %s %s\n",
                         (int)g->severity, g->code, g->line,
                         g->xpath ? g->xpath : "-", g->message_en,
                         g->printed ? g->printed : "-",
                         g->computed ? g->computed : "-",
                         g->difference ? g->difference : "-",
                         g->tolerance ? g->tolerance : "-");

        while (out != NULL && n + (size_t)k + 1 > cap) {
            char *grown = realloc(out, cap * 2);

            if (grown == NULL)
                free(out);
            out = grown;
            cap *= 2;
        }
        if (out != NULL) {
            memcpy(out + n, line, (size_t)k);
            n += (size_t)k;
        }
    }
    if (out != NULL)
        out[n] = '\0';
    bx_diags_release(&d);
    return out;
}

/* The next amount-like attribute after the 'skip'th, or NULL. */
static xmlAttrPtr nth_amount(xmlNodePtr n, int *skip)
{
    xmlAttrPtr a;
    xmlAttrPtr found;

    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (a = n->properties; a != NULL; a = a->next) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            int num = v != NULL && v[0] >= '0' && v[0] <= '9' &&
                      strchr((char *)v, '.') != NULL;

            xmlFree(v);
            if (num && (*skip)-- == 0)
                return a;
        }
        found = nth_amount(n->children, skip);
        if (found != NULL)
            return found;
    }
    return NULL;
}

static void first_check(struct bx_context *c, const char *rel)
{
    xmlDocPtr doc = xmlReadFile(test_path(rel), NULL, XML_PARSE_NONET);
    xmlChar *mem = NULL;
    int len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xmlDocDumpMemory(doc, &mem, &len);
    free(findings(c, mem, len));
    xmlFree(mem);
    xmlFreeDoc(doc);
}

static void test_rules_expr_fast_paths_same_findings(void)
{
    struct bx_context *cf = test_context();
    struct bx_context *cs;
    size_t i;
    int m;
    int compared = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(cf);
    /* each context loads its rule set on its first check */
    first_check(cf, compared_docs[0]);
    rules_fast_paths = 0;
    cs = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(cs);
    first_check(cs, compared_docs[0]);
    rules_fast_paths = 1;
    for (i = 0; i < sizeof(compared_docs) / sizeof(compared_docs[0]); i++) {
        xmlDocPtr doc =
            xmlReadFile(test_path(compared_docs[i]), NULL, XML_PARSE_NONET);

        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        /* the unchanged document, then one amount at a time raised by 7 */
        for (m = -1; m < 400; m += m < 0 ? 1 : 9) {
            int skip = m;
            xmlAttrPtr a = m >= 0 ? nth_amount(doc->children, &skip) : NULL;
            xmlChar *old = a != NULL ? xmlNodeGetContent((xmlNodePtr)a) : NULL;
            xmlChar *mem = NULL;
            int len = 0;
            char *f;
            char *s;
            char v[64];

            if (m >= 0 && a == NULL)
                break;
            if (a != NULL) {
                snprintf(v, sizeof(v), "%.2f", atof((char *)old) + 7);
                xmlSetProp(a->parent, a->name, BAD_CAST v);
            }
            xmlDocDumpMemory(doc, &mem, &len);
            s = findings(cs, mem, len);
            f = findings(cf, mem, len);
            CU_ASSERT_FATAL(f != NULL && s != NULL);
            CU_ASSERT_STRING_EQUAL(f, s);
            if (strcmp(f, s) != 0)
                fprintf(stderr, "\n%s, amount %d:\nfast:\n%s\nXPath:\n%s\n",
                        compared_docs[i], m, f, s);
            compared++;
            free(f);
            free(s);
            xmlFree(mem);
            if (a != NULL)
                xmlSetProp(a->parent, a->name, old);
            xmlFree(old);
        }
        xmlFreeDoc(doc);
    }
    CU_ASSERT(compared > 100);
    bx_context_free(cs);
    bx_context_free(cf);
}

/* ------------------------------------------------------------------ */
/* The {col} copies in one walk: the same report as a walk per copy     */
/* ------------------------------------------------------------------ */

/* findings() and then every rule's outcome, one line each. */
static char *findings_cov(struct bx_context *c, const xmlChar *buf, int len)
{
    struct bx_diags d;
    struct bx_coverage cov;
    struct bx_submission *sub = NULL;
    char *f = findings(c, buf, len);
    size_t n = f != NULL ? strlen(f) : 0;
    size_t i;

    memset(&cov, 0, sizeof(cov));
    bx_diags_init(&d);
    if (bx_submission_load_memory(c, buf, (size_t)len, "m.xml", &d, &sub) ==
            BX_OK &&
        bx_validate_schema(c, sub, &d) == BX_OK &&
        bx_submission_schema_valid(sub) == 1)
        CU_ASSERT_EQUAL(bx_rules_check_coverage(c, sub, &d, &cov), BX_OK);
    bx_submission_free(sub);
    for (i = 0; f != NULL && i < cov.nrules; i++) {
        char line[256];
        int k = snprintf(line, sizeof(line), "%s %s %s\n", cov.rules[i].rule,
                         bx_outcome_name(cov.rules[i].outcome),
                         bx_na_reason_name(cov.rules[i].reason));
        char *grown = realloc(f, n + (size_t)k + 1);

        if (grown == NULL)
            free(f);
        f = grown;
        if (f != NULL) {
            memcpy(f + n, line, (size_t)k + 1);
            n += (size_t)k;
        }
    }
    bx_coverage_release(&cov);
    bx_diags_release(&d);
    return f;
}

/* Raise by 7 (or blank, 'blank' set) every amount whose number is 'phase'
 * modulo 'step', in document order; returns how many. */
static int raise_every(xmlNodePtr n, int step, int phase, int blank, int *k)
{
    xmlAttrPtr a;
    int done = 0;

    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (a = n->properties; a != NULL; a = a->next) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            char nv[64];

            if (v != NULL && v[0] >= '0' && v[0] <= '9' &&
                strchr((char *)v, '.') != NULL && (*k)++ % step == phase) {
                snprintf(nv, sizeof(nv), "%.2f", atof((char *)v) + 7);
                xmlSetProp(n, a->name, BAD_CAST(blank ? "" : nv));
                done++;
            }
            xmlFree(v);
        }
        done += raise_every(n->children, step, phase, blank, k);
    }
    return done;
}

static void test_rules_expr_col_walk_same_findings(void)
{
    static const int steps[] = {1, 2, 3, 5, 7, 11, 13, 29, 64, 1000};
    struct bx_context *c = test_context();
    size_t i;
    size_t s;
    long row_min = rules_row_walk_min;
    size_t ai_min = xmlio_ai_min_elems;
    int compared = 0;
    int br013 = 0;
    int br009 = 0;
    int br010 = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    for (i = 0; i < sizeof(compared_docs) / sizeof(compared_docs[0]); i++) {
        xmlDocPtr orig =
            xmlReadFile(test_path(compared_docs[i]), NULL, XML_PARSE_NONET);

        CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
        /* many amounts at once: findings in many copies and rows, blanks
           (not assessable) in some copies and not in others */
        for (s = 0; s < 2 * sizeof(steps) / sizeof(steps[0]); s++) {
            int step = steps[s / 2];
            int blank = (int)(s % 2);
            int phase;

            for (phase = 0; phase < step && phase < 3; phase++) {
                xmlDocPtr doc = xmlCopyDoc(orig, 1);
                xmlChar *mem = NULL;
                int len = 0;
                int k = 0;
                char *one;
                char *per;
                const char *p;

                CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
                if (step < 1000)
                    raise_every(doc->children, step, phase, blank, &k);
                xmlDocDumpMemory(doc, &mem, &len);
                /* as before: a walk per check, lists walked by name */
                rules_col_walk = 0;
                rules_attr_index_on = 0;
                per = findings_cov(c, mem, len);
                /* checks of one context in one walk, attributes read
                   through the index, as in a large document */
                rules_col_walk = 1;
                rules_attr_index_on = 1;
                rules_row_walk_min = 1;
                xmlio_ai_min_elems = 1;
                one = findings_cov(c, mem, len);
                rules_row_walk_min = row_min;
                xmlio_ai_min_elems = ai_min;
                CU_ASSERT_FATAL(one != NULL && per != NULL);
                CU_ASSERT_STRING_EQUAL(one, per);
                if (strcmp(one, per) != 0)
                    fprintf(stderr,
                            "\n%s, every %d from %d%s:\none walk:\n%s\n"
                            "a walk per copy:\n%s\n",
                            compared_docs[i], step, phase,
                            blank ? " blank" : "", one, per);
                for (p = one; (p = strstr(p, " BR-013 ")) != NULL; p++)
                    br013++;
                for (p = one; (p = strstr(p, " BR-009 ")) != NULL; p++)
                    br009++;
                for (p = one; (p = strstr(p, " BR-010 ")) != NULL; p++)
                    br010++;
                compared++;
                free(one);
                free(per);
                xmlFree(mem);
                xmlFreeDoc(doc);
            }
        }
        xmlFreeDoc(orig);
    }
    CU_ASSERT(compared > 100);
    CU_ASSERT(br013 > 100); /* the copies had findings to order */
    /* BR-009's three checks of one context, BR-010's copies of a union */
    CU_ASSERT(br009 > 100);
    CU_ASSERT(br010 > 100);
    bx_context_free(c);
}

/* Set every 'step'th amount of 'n' to one of a few texts (so that many
 * cells share their text), with blanks and spaces around some. */
static void few_texts(xmlNodePtr n, int step, int *k)
{
    static const char *const texts[] = {"1.00", " 2.5", "", "3.25 ",
                                        "0",    "-1.5", "12", "7.00"};
    xmlAttrPtr a;

    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (a = n->properties; a != NULL; a = a->next) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);

            /* amounts only (an indicator's @num or @value is no cell) */
            if (v != NULL && v[0] >= '0' && v[0] <= '9' &&
                strchr((char *)v, '.') != NULL &&
                strcmp((const char *)a->name, "num") != 0 &&
                strcmp((const char *)a->name, "value") != 0 &&
                (*k)++ % step == 0)
                xmlSetProp(n, a->name, BAD_CAST texts[*k % 8]);
            xmlFree(v);
        }
        few_texts(n->children, step, k);
    }
}

/*
 * The units of table elements and the figures parsed once (rules_memo):
 * every finding, every rule's outcome the same as when each is worked
 * out again, on the samples with many amounts raised, blanked or made
 * equal (texts shared by many cells, tables of several units).
 */
static void test_rules_expr_memo_same_findings(void)
{
    static const int steps[] = {1, 3, 7, 29, 1000};
    struct bx_context *c = test_context();
    size_t i;
    size_t s;
    int compared = 0;
    int found = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    for (i = 0; i < sizeof(compared_docs) / sizeof(compared_docs[0]); i++) {
        xmlDocPtr orig =
            xmlReadFile(test_path(compared_docs[i]), NULL, XML_PARSE_NONET);

        CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
        for (s = 0; s < 3 * sizeof(steps) / sizeof(steps[0]); s++) {
            int step = steps[s / 3];
            int kind = (int)(s % 3);
            xmlDocPtr doc = xmlCopyDoc(orig, 1);
            xmlChar *mem = NULL;
            int len = 0;
            int k = 0;
            char *on;
            char *off;

            CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
            /* the amounts below the root (not its formatVersion) */
            if (kind > 0 && step < 1000)
                few_texts(xmlDocGetRootElement(doc)->children,
                          kind == 1 ? step : 2, &k);
            else if (step < 1000)
                raise_every(xmlDocGetRootElement(doc)->children, step, 0, 0,
                            &k);
            xmlDocDumpMemory(doc, &mem, &len);
            rules_memo = 0;
            off = findings_cov(c, mem, len);
            rules_memo = 1;
            on = findings_cov(c, mem, len);
            CU_ASSERT_FATAL(on != NULL && off != NULL);
            CU_ASSERT_STRING_EQUAL(on, off);
            if (strcmp(on, off) != 0)
                fprintf(stderr, "\n%s, every %d (%d):\nmemo:\n%s\n"
                        "without:\n%s\n", compared_docs[i], step, kind, on,
                        off);
            found += strstr(on, " BR-") != NULL;
            compared++;
            free(on);
            free(off);
            xmlFree(mem);
            xmlFreeDoc(doc);
        }
        xmlFreeDoc(orig);
    }
    CU_ASSERT(compared > 50);
    CU_ASSERT(found > 30); /* findings to compare */
    bx_context_free(c);
}

/* rules_prop() as it was: xmlHasNsProp(), a non-empty text or NULL. */
static const char *prop_by_libxml2(xmlNodePtr el, const char *name)
{
    xmlAttrPtr a = el ? xmlHasNsProp(el, BAD_CAST name, NULL) : NULL;

    if (a == NULL || a->children == NULL || a->children->content == NULL ||
        a->children->content[0] == '\0')
        return NULL;
    return (const char *)a->children->content;
}

static int props_compared;

static void props_same(xmlNodePtr n)
{
    static const char *const extra[] = {"nonexistent", "", "c", "co",
                                        "codes"};
    xmlAttrPtr a;
    xmlAttrPtr b;
    size_t i;

    for (; n != NULL; n = n->next) {
        CU_ASSERT_PTR_EQUAL(rules_prop(n, "code"),
                            prop_by_libxml2(n, "code"));
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (a = n->properties; a != NULL; a = a->next) {
            /* every name of this element's attributes, on this element
               and on its first child (which may lack it) */
            CU_ASSERT_PTR_EQUAL(rules_prop(n, (const char *)a->name),
                                prop_by_libxml2(n, (const char *)a->name));
            CU_ASSERT_PTR_EQUAL(
                rules_prop(n->children, (const char *)a->name),
                prop_by_libxml2(n->children, (const char *)a->name));
            for (b = a->next; b != NULL; b = b->next)
                CU_ASSERT_PTR_EQUAL(rules_prop(n, (const char *)b->name),
                                    prop_by_libxml2(n, (const char *)b->name));
            props_compared++;
        }
        for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
            CU_ASSERT_PTR_EQUAL(rules_prop(n, extra[i]),
                                prop_by_libxml2(n, extra[i]));
        props_same(n->children);
    }
}

/* rules_prop() reads the attribute xmlHasNsProp() finds (no namespace),
 * on the samples and on attributes in and out of a namespace. */
static void test_rules_expr_prop_as_libxml2(void)
{
    static const char doc_ns[] =
        "<bx:d xmlns:bx='urn:budgetx:disclosure:1' xmlns:o='urn:o'>"
        "<bx:r o:code='1' code='2' o:name='n'/><bx:r code='' o:code='3'/>"
        "text<bx:r code='4' codex='5' cod='6'/></bx:d>";
    xmlDocPtr doc;
    size_t i;

    props_compared = 0;
    doc = xmlReadMemory(doc_ns, (int)sizeof(doc_ns) - 1, "t.xml", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    props_same(doc->children);
    CU_ASSERT_STRING_EQUAL(rules_prop(xmlFirstElementChild(doc->children),
                                      "code"),
                           "2");
    CU_ASSERT_PTR_NULL(rules_prop(
        xmlNextElementSibling(xmlFirstElementChild(doc->children)), "code"));
    CU_ASSERT_PTR_NULL(rules_prop(NULL, "code"));
    xmlFreeDoc(doc);
    for (i = 0; i < sizeof(compared_docs) / sizeof(compared_docs[0]); i++) {
        doc = xmlReadFile(test_path(compared_docs[i]), NULL, XML_PARSE_NONET);
        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        props_same(doc->children);
        xmlFreeDoc(doc);
    }
    CU_ASSERT(props_compared > 10000);
}

/* A form with more nodes than any fixed array: grown, the same as XPath. */
static void test_rules_expr_fast_paths_grow(void)
{
    static const char *const exprs[] = {"(bx:y | bx:x)/@a", "bx:y/@a",
                                        "(../bx:y | ../bx:x)/@a"};
    char src[16384];
    size_t n = 0;
    xmlDocPtr doc;
    struct bx_ruleset rs;
    struct bx_ns ns = {"o", "urn:other"};
    xmlXPathContextPtr xp;
    size_t i;
    int k;

    n += (size_t)snprintf(src + n, sizeof(src) - n,
                          "<bx:d xmlns:bx='urn:budgetx:disclosure:1'>");
    for (k = 0; k < 150; k++)
        n += (size_t)snprintf(src + n, sizeof(src) - n,
                              "<bx:%s a='%d'/>", k % 3 ? "y" : "x", k);
    n += (size_t)snprintf(src + n, sizeof(src) - n, "</bx:d>");
    doc = xmlReadMemory(src, (int)n, "t.xml", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xp = test_setup(doc, &rs, &ns);
    for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST exprs[i]),
                        exprs[i]);
    rules_exprs_index(&rs);
    for (i = 0; i < rs.nexprs; i++) {
        xmlNodePtr at = i == 2 ? xmlDocGetRootElement(doc)->children
                               : xmlDocGetRootElement(doc);

        CU_ASSERT(rs.exprs[i].fast == BX_FP_PATH ||
                  rs.exprs[i].fast == BX_FP_CHILDREN);
        CU_ASSERT_EQUAL(same_as_xpath(&rs.exprs[i], xp, at), 1);
    }
    for (i = 0; i < rs.nexprs; i++)
        xmlXPathFreeCompExpr(rs.exprs[i].comp);
    rules_exprs_release(&rs);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

static void test_rules_expr_shares_identical_sources(void)
{
    xmlDocPtr doc = xmlReadMemory("<r/>", 4, "t.xml", NULL, 0);
    struct bx_ruleset rs;
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);

    memset(&rs, 0, sizeof(rs));
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "count(/r)"),
                    "count(/r)");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "/r"), "/r");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "count(/r)"),
                    "count(/r)");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "$self"), "$self");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "$T1[@a = $arg]"),
                    "$T1[@a = $arg]");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "$T1[@a = '$x']"),
                    "$T1[@a = '$x']");
    /* read only through $self's ancestors: the same for siblings */
    rules_expr_note(&rs,
                    xmlXPathCtxtCompile(xp, BAD_CAST "$self/ancestor::r/@a | "
                                                    "$T1[not($self/ancestor::r)]"),
                    "$self/ancestor::r/@a | $T1[not($self/ancestor::r)]");
    rules_expr_note(&rs,
                    xmlXPathCtxtCompile(xp, BAD_CAST "$self/ancestor::r/@a | @b"),
                    "$self/ancestor::r/@a | @b");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "$self/@a"),
                    "$self/@a");
    rules_exprs_index(&rs);
    CU_ASSERT_EQUAL_FATAL(rs.nexprs, 9);
    CU_ASSERT_EQUAL(rs.exprs[4].node_free, 0);
    CU_ASSERT_EQUAL(rs.exprs[5].node_free, 1);
    CU_ASSERT_EQUAL(rs.exprs[0].id, 0);
    CU_ASSERT_EQUAL(rs.exprs[1].id, 1);
    CU_ASSERT_EQUAL(rs.exprs[2].id, 0);
    CU_ASSERT_EQUAL(rs.exprs[3].node_free, 0);
    CU_ASSERT_EQUAL(rs.exprs[0].is_static, 1);
    CU_ASSERT_EQUAL(rs.exprs[6].ancestors_only, 1);
    CU_ASSERT_EQUAL(rs.exprs[7].ancestors_only, 0);
    CU_ASSERT_EQUAL(rs.exprs[8].ancestors_only, 0);
    CU_ASSERT_PTR_NULL(rules_expr_info(&rs, NULL));
    for (size_t i = 0; i < rs.nexprs; i++)
        xmlXPathFreeCompExpr(rs.exprs[i].comp);
    rules_exprs_release(&rs);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

static void test_rules_expr_static_only_without_context(void)
{
    static const char *const yes[] = {
        "$T3",
        "$T3 and (not($T1) or $T1/bx:income/*[not(self::bx:gpb)]"
        "[number(@amount) > 0 or number(@amount) < 0])",
        "($T8/bx:row | $T8/bx:total)[1]/@officeOperation",
        "normalize-space($meta/bx:department/@code) != ''",
        "$meta/bx:units/bx:unit and not($meta/bx:units/bx:unit[not(@type)])",
        "true() and 1 + 2 div 3 mod 4 = 1",
        "/bx:d/bx:x/child::bx:y",
        "$T5 | $T3",
        "string('@a') = \"b\"",
    };
    static const char *const no[] = {
        "$T10 or @of != 'performance.projectCount'",
        "normalize-space(@code) != '' and $T1",
        "bx:x",
        ".",
        "..",
        "string()",
        "name() = 'x'",
        "position() = 1",
        "$self/@a",
        "$T5//bx:func[@code = $arg]/@total",
        "$figkey = 'x'",
        "$T1 and $Tx",
        "$T1/bx:a | @b",
        "count(bx:x) > 0",
        "* = 1",
        "text()",
        "child::bx:x",
        "$T1[",
        "'open",
        "",
        NULL,
    };
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        CU_ASSERT_EQUAL(rules_expr_static(yes[i]), 1);
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        CU_ASSERT_EQUAL(rules_expr_static(no[i]), 0);
}

/*
 * The sums of node-sets remembered for a document: thousands of sets (a
 * large document) are each found again with their own sum, a set that
 * differs in one node or in length is not, and the table has grown to
 * at least one bucket per set.
 */
static void test_rules_expr_sums_grow_with_the_document(void)
{
    enum { SETS = 5000, NODES = 8 };
    static xmlNode nodes[SETS + NODES];
    xmlNodePtr tab[NODES + 1];
    xmlNodeSet set = {NODES, NODES + 1, tab};
    struct bx_sums *sums = rules_sums_new();
    struct bx_val v;
    const struct bx_val *got;
    int i;
    int k;
    int found = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sums);
    for (i = 0; i < SETS; i++) {
        for (k = 0; k < NODES; k++)
            tab[k] = &nodes[i + k]; /* overlapping windows */
        memset(&v, 0, sizeof(v));
        v.sum = i;
        v.n = NODES;
        rules_sums_keep(sums, &set, &v);
    }
    CU_ASSERT_TRUE(rules_sums_buckets(sums) >= SETS);
    for (i = 0; i < SETS; i++) {
        for (k = 0; k < NODES; k++)
            tab[k] = &nodes[i + k];
        got = rules_sums_find(sums, &set);
        found += got != NULL && got->sum == i && got->n == NODES;
    }
    CU_ASSERT_EQUAL(found, SETS);
    for (k = 0; k < NODES; k++)
        tab[k] = &nodes[k];
    tab[NODES - 1] = &nodes[SETS + NODES - 1];
    CU_ASSERT_PTR_NULL(rules_sums_find(sums, &set));
    tab[NODES - 1] = &nodes[NODES - 1];
    tab[NODES] = &nodes[NODES];
    set.nodeNr = NODES + 1;
    CU_ASSERT_PTR_NULL(rules_sums_find(sums, &set));
    rules_sums_free(sums);
    rules_sums_free(NULL);
}

int bx_test_suite_rules_expr(void)
{
    CU_pSuite s = CU_add_suite("rules_expr", NULL, NULL);

    if (s == NULL)
        return -1;
    if (CU_add_test(s, "fast paths match XPath",
                    test_rules_expr_fast_paths_match_xpath) == NULL ||
        CU_add_test(s, "shares identical sources",
                    test_rules_expr_shares_identical_sources) == NULL ||
        CU_add_test(s, "static only without context",
                    test_rules_expr_static_only_without_context) == NULL ||
        CU_add_test(s, "value expressions match XPath",
                    test_rules_expr_values_match_xpath) == NULL ||
        CU_add_test(s, "location paths match XPath",
                    test_rules_expr_paths_match_xpath) == NULL ||
        CU_add_test(s, "the rule file's paths match XPath",
                    test_rules_expr_rule_file_paths_match_xpath) == NULL ||
        CU_add_test(s, "fast paths give the same findings",
                    test_rules_expr_fast_paths_same_findings) == NULL ||
        CU_add_test(s, "fast paths grow past any array",
                    test_rules_expr_fast_paths_grow) == NULL ||
        CU_add_test(s, "the {col} copies in one walk: the same report",
                    test_rules_expr_col_walk_same_findings) == NULL ||
        CU_add_test(s, "units and figures remembered: the same report",
                    test_rules_expr_memo_same_findings) == NULL ||
        CU_add_test(s, "attributes read as xmlHasNsProp finds them",
                    test_rules_expr_prop_as_libxml2) == NULL ||
        CU_add_test(s, "sums of node-sets: the table grows with them",
                    test_rules_expr_sums_grow_with_the_document) == NULL)
        return -1;
    return 0;
}
