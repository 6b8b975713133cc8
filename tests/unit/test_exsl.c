/*
 * EXSLT common without libexslt (src/xslt_exsl.c): small stylesheets run
 * through our sandbox (datafiles_apply()) give what libexslt gives,
 * checked twice: against the text xsltproc (libexslt 1.1.35) wrote when
 * the test was made, and against xsltproc run now on the same
 * stylesheet.  And libexslt is loaded by nobody.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>
#include <libxslt/extensions.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "budgetx.h"
#include "datafiles.h"
#include "testutil.h"
#include "xslt_exsl.h"

#define EXSL_NS "http://exslt.org/common"

static struct bx_context *ctx;
static char dir[] = "/tmp/bxexslXXXXXX";

static const char input[] = "<d><x>1</x><x>2</x><x>3</x></d>";

/* The stylesheet around 'body' (the text of the root template): a
 * result tree fragment $r, a node-set made of a string in a global $s,
 * and a named template making a fragment of its own. */
static char *sheet(const char *body)
{
    static const char fmt[] =
        "<xsl:stylesheet version='1.0'"
        " xmlns:xsl='http://www.w3.org/1999/XSL/Transform'"
        " xmlns:exsl='" EXSL_NS "' extension-element-prefixes='exsl'>"
        "<xsl:output method='text'/>"
        "<xsl:variable name='r'><a n='1'/><a n='2'>t<b>u</b></a>"
        "</xsl:variable>"
        "<xsl:variable name='s' select=\"exsl:node-set('kept')\"/>"
        "<xsl:template match='/'>%s</xsl:template>"
        "<xsl:template name='later'><xsl:param name='p'/>"
        "<xsl:variable name='junk'><j/></xsl:variable>"
        "<xsl:value-of select='concat($p, count(exsl:node-set($junk)/j))'/>"
        "</xsl:template></xsl:stylesheet>";
    size_t n = sizeof(fmt) + strlen(body);
    char *s = malloc(n);

    if (s != NULL) {
        snprintf(s, n, fmt, body);
    }
    return s;
}

/*
 * Run 'xsl' on 'input' in our sandbox: its text output (caller frees),
 * or NULL when the run failed ('*rc' says how; findings in 'diags').
 */
static char *ours(const char *xsl, struct bx_diags *diags, int *rc)
{
    xmlDocPtr sdoc = xmlReadMemory(xsl, (int)strlen(xsl), "exsl.xsl", NULL, 0);
    xmlDocPtr doc = xmlReadMemory(input, (int)strlen(input), "in.xml", NULL, 0);
    xsltStylesheetPtr style =
        sdoc != NULL ? xsltParseStylesheetDoc(sdoc) : NULL;
    xmlDocPtr res = NULL;
    xmlChar *text = NULL;
    char *out = NULL;
    int len = 0;

    *rc = BX_E_INTERNAL;
    if (style == NULL || doc == NULL) {
        xmlFreeDoc(style == NULL ? sdoc : NULL);
        goto out;
    }
    *rc = datafiles_apply(ctx, style, "exsl.xsl", doc, NULL, diags, &res);
    if (*rc == BX_OK && xsltSaveResultToString(&text, &len, res, style) == 0) {
        out = strdup(text != NULL ? (const char *)text : "");
    }
out:
    xmlFree(text);
    xmlFreeDoc(res);
    xmlFreeDoc(doc);
    xsltFreeStylesheet(style);
    return out;
}

/* Write 'text' to '<dir>/<name>'. */
static void put(const char *name, const char *text)
{
    char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs(text, fp);
    CU_ASSERT_EQUAL(fclose(fp), 0);
}

/* What xsltproc (and so libexslt) writes for 'xsl' on 'input', or NULL
 * when it fails; caller frees. */
static char *theirs(const char *xsl)
{
    char cmd[512];
    char *out = calloc(1, 65536);
    size_t n = 0;
    FILE *p;

    put("exsl.xsl", xsl);
    put("in.xml", input);
    snprintf(cmd, sizeof(cmd),
             "xsltproc --nonet --nowrite '%s/exsl.xsl' '%s/in.xml' "
             "2>/dev/null",
             dir, dir);
    p = popen(cmd, "r");
    if (p == NULL || out == NULL) {
        free(out);
        return NULL;
    }
    n = fread(out, 1, 65535, p);
    out[n] = '\0';
    if (pclose(p) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* 'body' gives 'expected' in our sandbox and in xsltproc. */
static void same(const char *body, const char *expected)
{
    struct bx_diags diags;
    char *xsl = sheet(body);
    char *got;
    char *want;
    int rc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(xsl);
    bx_diags_init(&diags);
    got = ours(xsl, &diags, &rc);
    want = theirs(xsl);
    CU_ASSERT_EQUAL(rc, BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    CU_ASSERT_PTR_NOT_NULL(got);
    CU_ASSERT_PTR_NOT_NULL(want);
    if (got != NULL && want != NULL) {
        CU_ASSERT_STRING_EQUAL(got, expected);
        CU_ASSERT_STRING_EQUAL(want, expected);
        if (strcmp(got, expected) != 0 || strcmp(want, expected) != 0) {
            fprintf(stderr, "\nexsl: ours '%s', xsltproc '%s', expected '%s'\n",
                    got, want, expected);
        }
    }
    free(want);
    free(got);
    free(xsl);
    bx_diags_release(&diags);
}

static void test_exsl_node_set_of_fragment(void)
{
    same("<xsl:value-of select='count(exsl:node-set($r))'/>,"
         "<xsl:value-of select='count(exsl:node-set($r)/a)'/>,"
         "<xsl:value-of select='exsl:node-set($r)/a[2]'/>,"
         "<xsl:value-of select='exsl:node-set($r)/a[2]/b'/>,"
         "<xsl:value-of select='count(exsl:node-set($r)/a/@n)'/>,"
         "<xsl:value-of select='name(exsl:node-set($r)/*[1])'/>",
         "1,2,tu,u,2,a");
}

static void test_exsl_node_set_of_node_set(void)
{
    same("<xsl:value-of select='count(exsl:node-set(/d/x))'/>,"
         "<xsl:value-of select='generate-id(exsl:node-set(/d/x)[2])"
         " = generate-id(/d/x[2])'/>,"
         "<xsl:value-of select='count(exsl:node-set(/nothing))'/>,"
         "<xsl:value-of select='exsl:node-set(/d/x)[last()]'/>",
         "3,true,0,3");
}

static void test_exsl_node_set_of_string(void)
{
    same("<xsl:value-of select=\"count(exsl:node-set('abc'))\"/>,"
         "<xsl:value-of select=\"exsl:node-set('abc')\"/>,"
         "<xsl:value-of select=\"count(exsl:node-set('abc')/self::text())\"/>,"
         "<xsl:value-of select=\"count(exsl:node-set('abc')/..)\"/>,"
         "<xsl:value-of select=\"count(exsl:node-set(''))\"/>,"
         "[<xsl:value-of select=\"exsl:node-set('')\"/>],"
         "<xsl:value-of select=\"string-length(exsl:node-set("
         "'&lt;&amp;&#x4E2D;'))\"/>",
         "1,abc,1,1,1,[],3");
}

static void test_exsl_node_set_of_number_and_boolean(void)
{
    same("<xsl:value-of select='exsl:node-set(1 div 3)'/>,"
         "<xsl:value-of select='exsl:node-set(-2.50)'/>,"
         "<xsl:value-of select='exsl:node-set(1 div 0)'/>,"
         "<xsl:value-of select='exsl:node-set(0 div 0)'/>,"
         "<xsl:value-of select='exsl:node-set(1e21)'/>,"
         "<xsl:value-of select='exsl:node-set(sum(/d/x))'/>,"
         "<xsl:value-of select='count(exsl:node-set(7))'/>;"
         "<xsl:value-of select='exsl:node-set(1 = 1)'/>,"
         "<xsl:value-of select='exsl:node-set(false())'/>,"
         "<xsl:value-of select='count(exsl:node-set(false()))'/>",
         "0.333333333333333,-2.5,Infinity,NaN,1e+21,6,1;true,false,1");
}

/* Nested calls, calls per node of a loop, a fragment made in a
 * parameter's select and one in a global variable: each lives as long
 * as what holds it. */
static void test_exsl_node_set_nested(void)
{
    same("<xsl:value-of select='count(exsl:node-set(exsl:node-set($r))/a)'/>,"
         "<xsl:value-of select=\"exsl:node-set(exsl:node-set('x'))\"/>,"
         "<xsl:value-of select="
         "'exsl:node-set(string(exsl:node-set($r)/a[2]/b))'/>,"
         "<xsl:value-of select='count(exsl:node-set(exsl:node-set(/d/x)))'/>,"
         "<xsl:for-each select='exsl:node-set($r)/a'>"
         "<xsl:value-of select=\"exsl:node-set(concat(@n, '!'))\"/>"
         "</xsl:for-each>,"
         "<xsl:call-template name='later'><xsl:with-param name='p'"
         " select=\"exsl:node-set('param')\"/></xsl:call-template>,"
         "<xsl:value-of select='$s'/>",
         "2,x,u,3,1!2!,param1,kept");
}

static void test_exsl_object_type(void)
{
    same("<xsl:value-of select=\"exsl:object-type('a')\"/>,"
         "<xsl:value-of select='exsl:object-type(1)'/>,"
         "<xsl:value-of select='exsl:object-type(true())'/>,"
         "<xsl:value-of select='exsl:object-type(/d/x)'/>,"
         "<xsl:value-of select='exsl:object-type($r)'/>,"
         "<xsl:value-of select='exsl:object-type(exsl:node-set($r))'/>,"
         "<xsl:value-of select=\"exsl:object-type(exsl:node-set('a'))\"/>,"
         "<xsl:value-of select='exsl:object-type($s)'/>,"
         "<xsl:value-of select='exsl:object-type(exsl:object-type(1))'/>",
         "string,number,boolean,node-set,RTF,node-set,node-set,node-set,"
         "string");
}

static void test_exsl_available(void)
{
    same("<xsl:value-of select=\"function-available('exsl:node-set')\"/>,"
         "<xsl:value-of select=\"function-available('exsl:object-type')\"/>,"
         "<xsl:value-of select=\"element-available('exsl:document')\"/>,"
         "<xsl:value-of select=\"function-available('exsl:other')\"/>",
         "true,true,true,false");
}

/* An object an extension made (no stylesheet can): "external". */
static void test_exsl_object_type_external(void)
{
    xmlXPathFunction fn = xsltExtModuleFunctionLookup(
        (const xmlChar *)"object-type", (const xmlChar *)EXSL_NS);
    xmlDocPtr doc = xmlReadMemory(input, (int)strlen(input), "in.xml", NULL, 0);
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    xmlXPathObjectPtr res;
    static int thing;

    CU_ASSERT_PTR_NOT_NULL_FATAL(fn);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xp);
    CU_ASSERT_EQUAL(
        xmlXPathRegisterNs(xp, (const xmlChar *)"e", (const xmlChar *)EXSL_NS),
        0);
    CU_ASSERT_EQUAL(xmlXPathRegisterFuncNS(xp, (const xmlChar *)"object-type",
                                           (const xmlChar *)EXSL_NS, fn),
                    0);
    CU_ASSERT_EQUAL(xmlXPathRegisterVariable(xp, (const xmlChar *)"v",
                                             xmlXPathWrapExternal(&thing)),
                    0);
    res = xmlXPathEvalExpression((const xmlChar *)"e:object-type($v)", xp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res);
    CU_ASSERT_EQUAL(res->type, XPATH_STRING);
    CU_ASSERT_STRING_EQUAL((const char *)res->stringval, "external");
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

/* A wrong number of arguments fails the run, as it fails xsltproc's. */
static void test_exsl_arity(void)
{
    static const char *const bodies[] = {
        "<xsl:value-of select='exsl:node-set()'/>",
        "<xsl:value-of select='exsl:node-set(1, 2)'/>",
        "<xsl:value-of select='exsl:object-type()'/>",
        "<xsl:value-of select='exsl:object-type(1, 2)'/>",
    };
    struct bx_diags diags;
    size_t i;
    char *xsl;
    char *got;
    char *want;
    int rc;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        xsl = sheet(bodies[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(xsl);
        bx_diags_init(&diags);
        got = ours(xsl, &diags, &rc);
        want = theirs(xsl);
        CU_ASSERT_PTR_NULL(got);
        CU_ASSERT_PTR_NULL(want);
        CU_ASSERT_EQUAL(rc, BX_E_INTERNAL);
        CU_ASSERT_TRUE(bx_diags_has(&diags, "XSLT-RUN"));
        free(got);
        free(want);
        free(xsl);
        bx_diags_release(&diags);
    }
}

/*
 * exsl:document writes a file: our sandbox refuses it and fails the run
 * with libxslt's words, as it did with libexslt's registration (the
 * same libxslt element), and no file appears.
 */
static void test_exsl_document_refused(void)
{
    static const char fmt[] =
        "<exsl:document href='%s/pwned.txt' method='text'>pwned"
        "</exsl:document>done";
    struct bx_diags diags;
    struct stat st;
    char body[512];
    char path[256];
    char *xsl;
    char *got;
    int rc;

    snprintf(body, sizeof(body), fmt, dir);
    snprintf(path, sizeof(path), "%s/pwned.txt", dir);
    xsl = sheet(body);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xsl);
    bx_diags_init(&diags);
    got = ours(xsl, &diags, &rc);
    CU_ASSERT_PTR_NULL(got);
    CU_ASSERT_EQUAL(rc, BX_E_INTERNAL);
    CU_ASSERT_EQUAL(diags.count, 1);
    if (diags.count == 1) {
        CU_ASSERT_STRING_EQUAL(diags.items[0].code, "XSLT-RUN");
        CU_ASSERT_PTR_NOT_NULL(
            strstr(diags.items[0].message_en, "pwned.txt refused"));
        CU_ASSERT_PTR_NOT_NULL(
            strstr(diags.items[0].message_en, "write rights for"));
    }
    CU_ASSERT_NOT_EQUAL(stat(path, &st), 0);
    free(got);
    free(xsl);
    bx_diags_release(&diags);
}

/*
 * Out of memory inside our functions: a wrapper registered in their
 * place fails the N-th allocation libxml2 makes while the function runs
 * (none outside it), for every N until a call makes fewer.
 */
static xmlXPathFunction real_fn;
static xmlMallocFunc next_malloc;
static xmlReallocFunc next_realloc;
static xmlStrdupFunc next_strdup;
static unsigned long fail_at;
static unsigned long seen;
static int armed;

static int fail_now(void)
{
    return armed && ++seen == fail_at;
}

static void *failing_malloc(size_t n)
{
    return fail_now() ? NULL : next_malloc(n);
}

static void *failing_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : next_realloc(p, n);
}

static char *failing_strdup(const char *s)
{
    return fail_now() ? NULL : next_strdup(s);
}

static void armed_fn(xmlXPathParserContextPtr ctxt, int nargs)
{
    armed = 1;
    real_fn(ctxt, nargs);
    armed = 0;
}

/*
 * Run 'body' with the N-th allocation of exsl:'name' failing, N = 1, 2,
 * ...: each such run fails with one finding (most with our out-of-memory
 * message), and the first N the calls do not reach gives 'expected'.
 */
static void under_oom(const char *name, const char *body, const char *expected)
{
    const xmlChar *ns = (const xmlChar *)EXSL_NS;
    struct bx_diags diags;
    xmlFreeFunc f;
    char *xsl = sheet(body);
    char *got;
    int ours_said = 0;
    int rc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(xsl);
    real_fn = xsltExtModuleFunctionLookup((const xmlChar *)name, ns);
    CU_ASSERT_PTR_NOT_NULL_FATAL(real_fn);
    xsltRegisterExtModuleFunction((const xmlChar *)name, ns, armed_fn);
    xmlMemGet(&f, &next_malloc, &next_realloc, &next_strdup);
    for (fail_at = 1; fail_at < 100; fail_at++) {
        seen = 0;
        bx_diags_init(&diags);
        xmlMemSetup(f, failing_malloc, failing_realloc, failing_strdup);
        got = ours(xsl, &diags, &rc);
        xmlMemSetup(f, next_malloc, next_realloc, next_strdup);
        if (seen < fail_at) { /* nothing failed: the end */
            CU_ASSERT_EQUAL(rc, BX_OK);
            CU_ASSERT_PTR_NOT_NULL(got);
            CU_ASSERT_STRING_EQUAL(got != NULL ? got : "", expected);
            free(got);
            bx_diags_release(&diags);
            break;
        }
        CU_ASSERT_PTR_NULL(got);
        CU_ASSERT_NOT_EQUAL(rc, BX_OK);
        CU_ASSERT_EQUAL(diags.count, 1); /* failed, and said so */
        ours_said += diags.count == 1 &&
                     strstr(diags.items[0].message_en, "out of memory") != NULL;
        free(got);
        bx_diags_release(&diags);
    }
    CU_ASSERT_TRUE(fail_at > 1 && fail_at < 100);
    /* most failures are ours to see (the rest: libxml2's object cache,
     * or libxslt's after the function returned) */
    CU_ASSERT_TRUE(ours_said * 2 >= (int)fail_at - 1);
    CU_ASSERT_EQUAL(xslt_exsl_register(), BX_OK); /* ours again */
    free(xsl);
}

static void test_exsl_out_of_memory(void)
{
    under_oom("node-set",
              "<xsl:value-of select=\"exsl:node-set('abc')\"/>,"
              "<xsl:value-of select='count(exsl:node-set(1 div 3))'/>",
              "abc,1");
    under_oom("object-type", "<xsl:value-of select='exsl:object-type(1)'/>",
              "number");
}

/* Registering again changes nothing and keeps our functions. */
static void test_exsl_register_twice(void)
{
    xmlXPathFunction fn;

    CU_ASSERT_EQUAL(xslt_exsl_register(), BX_OK);
    fn = xsltExtModuleFunctionLookup((const xmlChar *)"node-set",
                                     (const xmlChar *)EXSL_NS);
    CU_ASSERT_EQUAL(xslt_exsl_register(), BX_OK);
    CU_ASSERT_PTR_NOT_NULL(fn);
    CU_ASSERT_PTR_EQUAL(xsltExtModuleFunctionLookup((const xmlChar *)"node-set",
                                                    (const xmlChar *)EXSL_NS),
                        fn);
    CU_ASSERT_PTR_NOT_NULL(xsltExtModuleElementLookup(
        (const xmlChar *)"document", (const xmlChar *)EXSL_NS));
}

/*
 * The unit tests link libbudgetx and the Makefile's PKGS as build/budgetx
 * does: libexslt, and libgcrypt and libgpg-error which it brings, must
 * not be among the libraries this process mapped.
 */
static void test_exsl_no_libexslt_loaded(void)
{
    static const char *const banned[] = {"/libexslt.", "/libgcrypt.",
                                         "/libgpg-error."};
    int found[sizeof(banned) / sizeof(banned[0])] = {0};
    FILE *fp = fopen("/proc/self/maps", "r");
    char line[4096];
    int xslt = 0;
    size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        xslt |= strstr(line, "/libxslt.") != NULL;
        for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
            if (!found[i] && strstr(line, banned[i]) != NULL) {
                found[i] = 1;
                fprintf(stderr, "\nexsl: loaded: %s", strchr(line, '/'));
            }
        }
    }
    fclose(fp);
    CU_ASSERT_TRUE(xslt); /* the list was read: libxslt itself is there */
    for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
        CU_ASSERT_FALSE(found[i]);
    }
}

static int setup(void)
{
    ctx = test_context();
    return ctx != NULL && mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void)
{
    char cmd[128];

    bx_context_free(ctx);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int bx_test_suite_exsl(void)
{
    CU_pSuite s = CU_add_suite("exsl", setup, teardown);

    if (s == NULL ||
        !CU_add_test(s, "node-set of a result tree fragment",
                     test_exsl_node_set_of_fragment) ||
        !CU_add_test(s, "node-set of a node-set",
                     test_exsl_node_set_of_node_set) ||
        !CU_add_test(s, "node-set of a string", test_exsl_node_set_of_string) ||
        !CU_add_test(s, "node-set of a number and a boolean",
                     test_exsl_node_set_of_number_and_boolean) ||
        !CU_add_test(s, "node-set nested and in variables",
                     test_exsl_node_set_nested) ||
        !CU_add_test(s, "object-type of each type", test_exsl_object_type) ||
        !CU_add_test(s, "object-type of an external object",
                     test_exsl_object_type_external) ||
        !CU_add_test(s, "function-available and element-available",
                     test_exsl_available) ||
        !CU_add_test(s, "wrong number of arguments fails the run",
                     test_exsl_arity) ||
        !CU_add_test(s, "exsl:document is refused",
                     test_exsl_document_refused) ||
        !CU_add_test(s, "out of memory in a function",
                     test_exsl_out_of_memory) ||
        !CU_add_test(s, "registering twice", test_exsl_register_twice) ||
        !CU_add_test(s, "no libexslt in the process",
                     test_exsl_no_libexslt_loaded)) {
        return -1;
    }
    return 0;
}
