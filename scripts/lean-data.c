/*
 * lean-data ROOT REL...: lean copies of the rule files, templates and
 * code lists REL (paths under ROOT such as schemas/rules/2024.xml): the
 * same document without comments, blank text between elements and the
 * elements budgetx never reads at run time (table 'unread': the rule
 * file's meaning, example, notImplemented, unreachable and its own title
 * and description, which only docs/rules.md shows), written to
 * ROOT/schemas/lean/ (REL without its leading "schemas/"), and the index
 * ROOT/schemas/lean/DATA, one line per file: "HASH-OF-ORIGINAL
 * HASH-OF-LEAN-COPY SHA256-OF-ORIGINAL REL" (hash64.h, 16 hex digits
 * each; SHA-256, 64).  budgetx parses a lean copy instead of its original
 * only while both hashes of its line match and the caller accepts the
 * original's SHA-256 (for a rule file or template: one the build
 * validated; src/datafiles.c, datafiles_read_parse_lean()); the digest it
 * goes on with is the original's, from the index.  Built and run by the
 * Makefile; the output is generated, never committed.  Files are written
 * under a temporary name and renamed.
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
#include <openssl/evp.h>

#include "hash64.h"
#include "lean-io.h"

#define RULES_NS "urn:budgetx:rules:1"

/*
 * Elements of the rule file that src/rules.c never reads: 'depth' 1 is
 * a child of the root, 2 of a rule (0: anywhere).
 */
static const struct {
    const char *ns;
    const char *name;
    int depth;
} unread[] = {
    {RULES_NS, "title", 1},       {RULES_NS, "description", 1},
    {RULES_NS, "meaning", 2},     {RULES_NS, "example", 2},
    {RULES_NS, "notImplemented", 1}, {RULES_NS, "unreachable", 1},
};

/* Whether 'n' has an element child: its blank text is layout. */
static int has_element_child(xmlNodePtr n)
{
    for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE)
            return 1;
    }
    return 0;
}

static int blank(const xmlChar *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    }
    return 1;
}

static int is_unread(xmlNodePtr node, int depth)
{
    size_t i;

    if (node->type != XML_ELEMENT_NODE || node->ns == NULL)
        return 0;
    for (i = 0; i < sizeof(unread) / sizeof(unread[0]); i++) {
        if ((unread[i].depth == 0 || unread[i].depth == depth) &&
            strcmp((const char *)node->ns->href, unread[i].ns) == 0 &&
            strcmp((const char *)node->name, unread[i].name) == 0)
            return 1;
    }
    return 0;
}

/* 'depth': of 'node' below the root element (the root's children: 1) */
static void strip(xmlNodePtr node, int depth)
{
    xmlNodePtr next;

    for (; node != NULL; node = next) {
        next = node->next;
        /* blank text only between elements: an element whose whole
         * text is blank keeps it (an XPath string() of it reads it) */
        if (node->type == XML_COMMENT_NODE ||
            (node->type == XML_TEXT_NODE && blank(node->content) &&
             has_element_child(node->parent)) ||
            is_unread(node, depth)) {
            xmlUnlinkNode(node);
            xmlFreeNode(node);
        } else if (node->type == XML_ELEMENT_NODE) {
            strip(node->children, depth + 1);
        }
    }
}

static int sha256_hex(const unsigned char *data, size_t len, char *hex)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    unsigned int i;

    if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        return -1;
    for (i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

/* The lean copy of ROOT/REL written; its index line appended to 'mem'. */
static int lean_one(const char *root, const char *rel, FILE *mem)
{
    char path[4096];
    char hex[65];
    unsigned char *orig = NULL;
    size_t olen = 0;
    xmlChar *lean = NULL;
    int llen = 0;
    xmlDocPtr doc;
    int rc = -1;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    if (doc == NULL || read_all(path, &orig, &olen) != 0 ||
        sha256_hex(orig, olen, hex) != 0) {
        fprintf(stderr, "lean-data: cannot read %s\n", path);
        goto out;
    }
    if (xmlDocGetRootElement(doc) != NULL)
        strip(xmlDocGetRootElement(doc)->children, 1);
    strip(doc->children, 0); /* comments before and after the root */
    xmlDocDumpMemoryEnc(doc, &lean, &llen, "UTF-8");
    snprintf(path, sizeof(path), "%s/schemas/lean/%s", root, rel + 8);
    make_dirs(path);
    if (lean == NULL || write_file(path, lean, (size_t)llen) != 0) {
        fprintf(stderr, "lean-data: cannot write %s\n", path);
        goto out;
    }
    fprintf(mem, "%016" PRIx64 " %016" PRIx64 " %s %s\n", hash64(orig, olen),
            hash64(lean, (size_t)llen), hex, rel);
    rc = 0;
out:
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
    FILE *mem;
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: lean-data ROOT schemas/DIR/FILE.xml...\n");
        return 2;
    }
    mem = open_memstream(&index, &ilen);
    if (mem == NULL)
        return 1;
    for (i = 2; i < argc; i++) {
        if (strncmp(argv[i], "schemas/", 8) != 0 ||
            strchr(argv[i], ' ') != NULL) {
            fprintf(stderr, "lean-data: %s is not under schemas/\n", argv[i]);
            return 1;
        }
        if (lean_one(argv[1], argv[i], mem) != 0)
            return 1;
    }
    fclose(mem);
    snprintf(path, sizeof(path), "%s/schemas/lean/DATA", argv[1]);
    make_dirs(path);
    if (write_file(path, index, ilen) != 0) {
        fprintf(stderr, "lean-data: cannot write %s\n", path);
        return 1;
    }
    free(index);
    return 0;
}
