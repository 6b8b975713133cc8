/*
 * lean-xslt ROOT REL...: lean copies of the stylesheets REL (paths under
 * ROOT such as xslt/html.xsl): each the same stylesheet as libxslt keeps
 * it once compiled, without what its compiler throws away first
 * (xsltPreprocessStylesheet(): comments, and the text nodes that are
 * blank outside xsl:text and xml:space="preserve"), written to
 * ROOT/schemas/lean/REL, and the index ROOT/schemas/lean/XSLT, one line
 * per file: "HASH-OF-ORIGINAL HASH-OF-LEAN-COPY REL INCLUDED..." (hash64.h,
 * 16 hex digits each; then the stylesheets it includes or imports, by
 * their REL).
 *
 * budgetx compiles the lean copy of a stylesheet instead of its original
 * only while the lines of the stylesheet and of everything it includes,
 * directly or not, match the files of the data directory (src/datafiles.c,
 * lean_sheet()): an edited stylesheet compiles from its original again,
 * and so does every stylesheet that includes it.  A stylesheet that
 * includes anything but a sibling by its plain file name gets no line.  Each original is compiled here first (with network
 * access and writes forbidden, as at run time): when any does not
 * compile cleanly, no index is written, so that its errors are reported
 * against the original at run time.  Built and run by the Makefile; the
 * output is generated, never committed.  Files are written under a
 * temporary name and renamed.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxslt/security.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "../src/hash64.h"
#include "lean-io.h"

#define XSLT_NS "http://www.w3.org/1999/XSL/Transform"

/* libxslt's own parse options for stylesheets (XSLT_PARSE_OPTIONS) */
#define SHEET_OPTIONS                                                        \
    (XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR |               \
     XML_PARSE_NOCDATA | XML_PARSE_NONET)

/* xmlIsBlankNode()'s test: nothing but space, tab, newline, return */
static int blank(const xmlChar *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    }
    return 1;
}

static int is_xsl_text(xmlNodePtr n)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           strcmp((const char *)n->ns->href, XSLT_NS) == 0 &&
           strcmp((const char *)n->name, "text") == 0;
}

/*
 * Pass 1, on the tree as parsed (where a comment still separates two
 * texts): the blank text nodes libxslt deletes.  xsl:text keeps what it
 * holds; so does anything under xml:space="preserve".
 */
static void strip_blanks(xmlNodePtr node)
{
    xmlNodePtr next;

    for (; node != NULL; node = next) {
        next = node->next;
        if (node->type == XML_TEXT_NODE && blank(node->content) &&
            xmlNodeGetSpacePreserve(node->parent) != 1) {
            xmlUnlinkNode(node);
            xmlFreeNode(node);
        } else if (node->type == XML_ELEMENT_NODE && !is_xsl_text(node)) {
            strip_blanks(node->children);
        }
    }
}

/* Pass 2: the comments (two texts they separated become one, which
 * libxslt copies alike). */
static void strip_comments(xmlNodePtr node)
{
    xmlNodePtr next;

    for (; node != NULL; node = next) {
        next = node->next;
        if (node->type == XML_COMMENT_NODE) {
            xmlUnlinkNode(node);
            xmlFreeNode(node);
        } else if (node->type == XML_ELEMENT_NODE) {
            strip_comments(node->children);
        }
    }
}

/* libxml2's and libxslt's messages while compiling: counted, not shown */
static int said;

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
    said++;
}

/* Whether the stylesheet at 'path' compiles without a word from libxslt. */
static int compiles(const char *path)
{
    xsltSecurityPrefsPtr prefs = xsltNewSecurityPrefs();
    xsltStylesheetPtr style = NULL;
    int ok = 0;

    if (prefs != NULL &&
        xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_FILE,
                             xsltSecurityForbid) == 0 &&
        xsltSetSecurityPrefs(prefs, XSLT_SECPREF_CREATE_DIRECTORY,
                             xsltSecurityForbid) == 0 &&
        xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_NETWORK,
                             xsltSecurityForbid) == 0 &&
        xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_NETWORK,
                             xsltSecurityForbid) == 0) {
        xsltSetDefaultSecurityPrefs(prefs);
        said = 0;
        style = xsltParseStylesheetFile((const xmlChar *)path);
        ok = style != NULL && style->errors == 0 && said == 0;
        xsltSetDefaultSecurityPrefs(NULL);
    }
    xsltFreeStylesheet(style);
    xsltFreeSecurityPrefs(prefs);
    return ok;
}

/*
 * The REL of each xsl:include and xsl:import of the stylesheet (top-level
 * elements) appended to 'out' (" xslt/NAME" each): 0, or -1 when an href
 * is not the plain file name of a sibling.
 */
static int includes(xmlNodePtr root, FILE *out)
{
    xmlNodePtr n;

    for (n = root != NULL ? root->children : NULL; n != NULL; n = n->next) {
        xmlChar *href;
        int plain;

        if (n->type != XML_ELEMENT_NODE || n->ns == NULL ||
            strcmp((const char *)n->ns->href, XSLT_NS) != 0 ||
            (strcmp((const char *)n->name, "include") != 0 &&
             strcmp((const char *)n->name, "import") != 0))
            continue;
        href = xmlGetProp(n, (const xmlChar *)"href");
        plain = href != NULL && href[0] != '\0' &&
                strpbrk((const char *)href, "/\\: %?#") == NULL &&
                strcmp((const char *)href, "..") != 0 &&
                strcmp((const char *)href, ".") != 0;
        if (plain)
            fprintf(out, " xslt/%s", (const char *)href);
        xmlFree(href);
        if (!plain)
            return -1;
    }
    return 0;
}

/* The lean copy of ROOT/REL written; its index line appended to 'mem'. */
static int lean_one(const char *root, const char *rel, FILE *mem, int *clean)
{
    char path[4096];
    unsigned char *orig = NULL;
    size_t olen = 0;
    xmlChar *lean = NULL;
    int llen = 0;
    char *inc = NULL;
    size_t inclen = 0;
    FILE *incs = NULL;
    xmlDocPtr doc;
    int rc = -1;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    if (!compiles(path))
        *clean = 0;
    doc = xmlReadFile(path, NULL, SHEET_OPTIONS);
    if (doc == NULL || read_all(path, &orig, &olen) != 0) {
        fprintf(stderr, "lean-xslt: cannot read %s\n", path);
        goto out;
    }
    incs = open_memstream(&inc, &inclen);
    if (incs == NULL)
        goto out;
    if (includes(xmlDocGetRootElement(doc), incs) != 0) {
        rc = 0; /* no lean copy: compiled from the original */
        goto out;
    }
    fclose(incs);
    incs = NULL;
    if (xmlDocGetRootElement(doc) != NULL)
        strip_blanks(xmlDocGetRootElement(doc)->children);
    strip_comments(doc->children);
    xmlDocDumpMemoryEnc(doc, &lean, &llen, "UTF-8");
    snprintf(path, sizeof(path), "%s/schemas/lean/%s", root, rel);
    make_dirs(path);
    if (lean == NULL || write_file(path, lean, (size_t)llen) != 0) {
        fprintf(stderr, "lean-xslt: cannot write %s\n", path);
        goto out;
    }
    fprintf(mem, "%016" PRIx64 " %016" PRIx64 " %s%s\n", hash64(orig, olen),
            hash64(lean, (size_t)llen), rel, inc != NULL ? inc : "");
    rc = 0;
out:
    if (incs != NULL)
        fclose(incs);
    free(inc);
    xmlFree(lean);
    xmlFreeDoc(doc);
    free(orig);
    return rc;
}

int main(int argc, char **argv)
{
    char path[4096];
    char *index = NULL;
    size_t ilen = 0;
    int clean = 1;
    FILE *mem;
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: lean-xslt ROOT xslt/FILE.xsl...\n");
        return 2;
    }
    xmlSetGenericErrorFunc(NULL, quiet);
    xsltSetGenericErrorFunc(NULL, quiet);
    mem = open_memstream(&index, &ilen);
    if (mem == NULL)
        return 1;
    for (i = 2; i < argc; i++) {
        if (strncmp(argv[i], "xslt/", 5) != 0 ||
            strchr(argv[i], ' ') != NULL || strstr(argv[i], "..") != NULL) {
            fprintf(stderr, "lean-xslt: %s is not under xslt/\n", argv[i]);
            return 1;
        }
        if (lean_one(argv[1], argv[i], mem, &clean) != 0)
            return 1;
    }
    fclose(mem);
    snprintf(path, sizeof(path), "%s/schemas/lean/XSLT", argv[1]);
    make_dirs(path);
    if (!clean) {
        /* an empty index: every stylesheet compiles from its original */
        ilen = 0;
        fprintf(stderr, "lean-xslt: a stylesheet does not compile cleanly: "
                        "no lean copies are used\n");
    }
    if (write_file(path, index, ilen) != 0) {
        fprintf(stderr, "lean-xslt: cannot write %s\n", path);
        return 1;
    }
    free(index);
    return 0;
}
