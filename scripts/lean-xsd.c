/*
 * lean-xsd ROOT REL...: the lean copies of the schemas REL (paths under
 * ROOT such as schemas/budgetx.xsd): the same schema without
 * xs:annotation, comments and blank text, written to ROOT/schemas/lean/
 * (REL without its leading "schemas/"), and ROOT/schemas/lean/SOURCES,
 * one line per file: "HASH-OF-ORIGINAL HASH-OF-LEAN-COPY REL" (hash64.h,
 * 16 hex digits each).  budgetx compiles a lean copy instead of the
 * original only while both hashes of every line still match
 * (src/datafiles.c): the originals stay the source experts edit and the
 * label index still reads their documentation.  Built and run by the
 * Makefile; the output is generated, never committed.  Files are
 * written under a temporary name and renamed.
 *
 * Besides the stripping, a few type definitions are rewritten into an
 * equivalent that libxml2 checks with less work (table 'rewrites'):
 * the lean copy accepts and rejects exactly the same values with the
 * same messages, which tests/unit/test_lean_schema.c checks on a large
 * generated set of values.  A rewrite applies only while the original
 * definitions are exactly those it was proved for.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hash64.h"
#include "lean-io.h"

#define XSD_NS "http://www.w3.org/2001/XMLSchema"

static int blank(const xmlChar *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    }
    return 1;
}

static void strip(xmlNodePtr node)
{
    xmlNodePtr next;

    for (; node != NULL; node = next) {
        next = node->next;
        if (node->type == XML_COMMENT_NODE ||
            (node->type == XML_TEXT_NODE && blank(node->content)) ||
            (node->type == XML_ELEMENT_NODE && node->ns != NULL &&
             strcmp((const char *)node->ns->href, XSD_NS) == 0 &&
             strcmp((const char *)node->name, "annotation") == 0)) {
            xmlUnlinkNode(node);
            xmlFreeNode(node);
        } else if (node->type == XML_ELEMENT_NODE) {
            strip(node->children);
        }
    }
}

/*
 * An amount (bx:amountText, a member of the union bx:amount) restricts
 * bx:decimalText, itself xs:decimal with the pattern -?[0-9]+(\.[0-9]+)?.
 * Every string of the amount's own pattern is a decimal lexically (at
 * most 18 significant digits, libxml2 parses up to 24) and matches
 * decimalText's pattern; so the value is accepted iff its collapsed form
 * matches the amount's pattern, which xs:token with that pattern checks
 * without parsing a decimal and without running decimalText's pattern.
 * An amount appears only as a member of the union, whose error names the
 * union, not a member's facet: the messages stay the same.
 */
struct rewrite {
    const char *type;         /* simpleType rewritten */
    const char *pattern;      /* its own single pattern facet */
    const char *base;         /* its base, a simpleType of this file */
    const char *base_base;    /* the base's own base */
    const char *base_pattern; /* the base's single pattern facet */
    const char *to;           /* the new base */
    const char *(*to_pattern)(void); /* the new pattern, or NULL */
};

/*
 * The amount's pattern -?0*[0-9]{1,14}(\.[0-9]{1,4})? without a choice
 * libxml2's matcher has to try and undo: 0*[0-9]{1,14} (at most 14
 * digits once the leading zeros are dropped) is 0+ or 0*[1-9][0-9]{0,13},
 * that is [1-9]N | 0+([1-9]N)? with N = [0-9]{0,13} written as nested
 * optional digits, the sign as a branch of its own, and [0-9]{1,4} as
 * [0-9] and three nested optional ones.  No counted repetition is left
 * (libxml2 saves a backtracking point for each character of one).  Same
 * strings: tests/unit/test_lean_schema.c.
 */
static void nested_digits(char *out, size_t size, int n)
{
    size_t len = strlen(out);
    int i;

    for (i = 0; i < n && len + 6 < size; i++) {
        memcpy(out + len, "([0-9]", 6);
        len += 6;
    }
    for (i = 0; i < n && len + 2 < size; i++) {
        memcpy(out + len, ")?", 2);
        len += 2;
    }
    out[len] = '\0';
}

static void append(char *out, size_t size, const char *s)
{
    size_t len = strlen(out);

    snprintf(out + len, size - len, "%s", s);
}

static const char *amount_pattern(void)
{
    static char p[1024];
    char mag[256] = "";

    /* [1-9]N|0+([1-9]N)? */
    append(mag, sizeof(mag), "[1-9]");
    nested_digits(mag, sizeof(mag), 13);
    append(mag, sizeof(mag), "|0+([1-9]");
    nested_digits(mag, sizeof(mag), 13);
    append(mag, sizeof(mag), ")?");
    snprintf(p, sizeof(p), "(%s|-(%s))(\\.[0-9]", mag, mag);
    nested_digits(p, sizeof(p), 3);
    append(p, sizeof(p), ")?");
    return p;
}

static const struct rewrite rewrites[] = {
    {"amountText", "-?0*[0-9]{1,14}(\\.[0-9]{1,4})?", "bx:decimalText",
     "xs:decimal", "-?[0-9]+(\\.[0-9]+)?", "xs:token", amount_pattern},
};

static int is_xsd(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           strcmp((const char *)n->ns->href, XSD_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

static int attr_is(xmlNodePtr n, const char *name, const char *value)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    int same = v != NULL && strcmp((const char *)v, value) == 0;

    xmlFree(v);
    return same;
}

/* The named top-level simpleType of 'schema', or NULL. */
static xmlNodePtr simple_type(xmlNodePtr schema, const char *name)
{
    xmlNodePtr c;

    for (c = schema->children; c != NULL; c = c->next) {
        if (is_xsd(c, "simpleType") && attr_is(c, "name", name))
            return c;
    }
    return NULL;
}

/*
 * The restriction of simpleType 't' when it is exactly
 * <xs:restriction base='base'><xs:pattern value='pattern'/>, else NULL.
 */
static xmlNodePtr pattern_only(xmlNodePtr t, const char *base,
                               const char *pattern)
{
    xmlNodePtr r = t != NULL ? t->children : NULL;
    xmlNodePtr p;

    if (!is_xsd(r, "restriction") || r->next != NULL ||
        !attr_is(r, "base", base))
        return NULL;
    p = r->children;
    if (!is_xsd(p, "pattern") || p->next != NULL ||
        !attr_is(p, "value", pattern) || p->properties->next != NULL)
        return NULL;
    return r;
}

static void rewrite_types(xmlNodePtr schema)
{
    const struct rewrite *rw;
    xmlNodePtr r;
    size_t i;

    for (i = 0; i < sizeof(rewrites) / sizeof(rewrites[0]); i++) {
        rw = &rewrites[i];
        r = pattern_only(simple_type(schema, rw->type), rw->base,
                         rw->pattern);
        if (r == NULL ||
            pattern_only(simple_type(schema, strchr(rw->base, ':') + 1),
                         rw->base_base, rw->base_pattern) == NULL)
            continue;
        xmlSetProp(r, BAD_CAST "base", BAD_CAST rw->to);
        if (rw->to_pattern != NULL)
            xmlSetProp(r->children, BAD_CAST "value",
                       BAD_CAST rw->to_pattern());
    }
}

int main(int argc, char **argv)
{
    char path[4096];
    char *sources = NULL;
    size_t slen = 0;
    FILE *mem;
    int i;

    if (argc < 3) {
        fprintf(stderr, "usage: lean-xsd ROOT schemas/FILE.xsd...\n");
        return 2;
    }
    mem = open_memstream(&sources, &slen);
    if (mem == NULL)
        return 1;
    for (i = 2; i < argc; i++) {
        const char *rel = argv[i];
        unsigned char *orig = NULL;
        size_t olen = 0;
        xmlChar *lean = NULL;
        int llen = 0;
        xmlDocPtr doc;

        if (strncmp(rel, "schemas/", 8) != 0) {
            fprintf(stderr, "lean-xsd: %s is not under schemas/\n", rel);
            return 1;
        }
        snprintf(path, sizeof(path), "%s/%s", argv[1], rel);
        doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
        if (doc == NULL || read_all(path, &orig, &olen) != 0) {
            fprintf(stderr, "lean-xsd: cannot read %s\n", path);
            return 1;
        }
        strip(doc->children);
        if (xmlDocGetRootElement(doc) != NULL)
            rewrite_types(xmlDocGetRootElement(doc));
        xmlDocDumpMemoryEnc(doc, &lean, &llen, "UTF-8");
        snprintf(path, sizeof(path), "%s/schemas/lean/%s", argv[1], rel + 8);
        make_dirs(path);
        if (lean == NULL || write_file(path, lean, (size_t)llen) != 0) {
            fprintf(stderr, "lean-xsd: cannot write %s\n", path);
            return 1;
        }
        fprintf(mem, "%016" PRIx64 " %016" PRIx64 " %s\n", hash64(orig, olen),
                hash64(lean, (size_t)llen), rel);
        xmlFree(lean);
        xmlFreeDoc(doc);
        free(orig);
    }
    fclose(mem);
    snprintf(path, sizeof(path), "%s/schemas/lean/SOURCES", argv[1]);
    if (write_file(path, sources, slen) != 0) {
        fprintf(stderr, "lean-xsd: cannot write %s\n", path);
        return 1;
    }
    free(sources);
    return 0;
}
