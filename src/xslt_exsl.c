/*
 * EXSLT common without libexslt (see xslt_exsl.h): the two functions and
 * the one element of http://exslt.org/common, with the results libexslt
 * gives for the same arguments (tests/unit/test_exsl.c).  Linking
 * libexslt would load it and, for its crypto module, libgcrypt and
 * libgpg-error into every process, for three names.
 */
#define _POSIX_C_SOURCE 200809L

#include "xslt_exsl.h"

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxslt/extensions.h>
#include <libxslt/extra.h>
#include <libxslt/preproc.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "budgetx.h"

/*
 * Out of memory in 'fn': an XPath error, and the transformation stops
 * with a message (which datafiles_apply() turns into a failed run).
 */
static void exsl_nomem(xmlXPathParserContextPtr ctxt, const char *fn)
{
    xsltTransformContextPtr t = xsltXPathGetTransformContext(ctxt);

    if (t != NULL) {
        xsltTransformError(t, NULL, t->inst, "exsl:%s: out of memory\n", fn);
        t->state = XSLT_STATE_STOPPED;
    }
    xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
}

/*
 * node-set exsl:node-set(object): a node-set as it is, a result tree
 * fragment as the node-set of its root (libxslt's own node-set(), which
 * libexslt calls too), and anything else as a node-set of one text node
 * holding its string value, in a fragment the transformation owns (freed
 * with the template's other fragments, or at the end).  The text node
 * is created even for an empty string, as libexslt does.
 */
static void node_set(xmlXPathParserContextPtr ctxt, int nargs)
{
    xsltTransformContextPtr t;
    xmlXPathObjectPtr ret;
    xmlDocPtr frag;
    xmlNodePtr text;
    xmlChar *str;

    if (nargs != 1) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    if (xmlXPathStackIsNodeSet(ctxt)) {
        xsltFunctionNodeSet(ctxt, nargs);
        return;
    }
    t = xsltXPathGetTransformContext(ctxt);
    if (t == NULL) {
        xmlXPathErr(ctxt, XPATH_INVALID_CTXT); /* not inside a transform */
        return;
    }
    str = xmlXPathPopString(ctxt);
    if (str == NULL) {
        if (ctxt->error == XPATH_EXPRESSION_OK) {
            exsl_nomem(ctxt, "node-set");
        }
        return;
    }
    frag = xsltCreateRVT(t);
    /* libxslt marks a fragment by its name, a copy it does not check */
    if (frag == NULL || frag->name == NULL) {
        xmlFreeDoc(frag);
        xmlFree(str);
        exsl_nomem(ctxt, "node-set");
        return;
    }
    xsltRegisterLocalRVT(t, frag); /* cannot fail: neither is NULL */
    text = xmlNewDocText(frag, str);
    xmlFree(str);
    /* libxml2 2.9 keeps the node when the copy of its text failed */
    if (text == NULL || text->content == NULL) {
        xmlFreeNode(text);
        exsl_nomem(ctxt, "node-set");
        return;
    }
    /* the fragment is new and empty: nothing to merge the text into */
    xmlAddChild((xmlNodePtr)frag, text);
    /* and returns an object without its set when that failed */
    ret = xmlXPathNewNodeSet(text);
    if (ret == NULL || ret->nodesetval == NULL ||
        ret->nodesetval->nodeNr != 1) {
        xmlXPathFreeObject(ret);
        exsl_nomem(ctxt, "node-set");
        return;
    }
    if (valuePush(ctxt, ret) < 0) {
        xmlXPathFreeObject(ret); /* cannot happen: the argument's slot */
    }
}

/*
 * string exsl:object-type(object): "string", "number", "boolean",
 * "node-set", "RTF" (a result tree fragment) or "external" (an object
 * an extension made); any other type (libxml2's XPointer ones) is an
 * error, as in libexslt.
 */
static void object_type(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlXPathObjectPtr obj;
    xmlXPathObjectPtr ret;
    const char *type;

    if (nargs != 1) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    obj = valuePop(ctxt);
    if (obj == NULL) {
        xmlXPathErr(ctxt, XPATH_INVALID_OPERAND);
        return;
    }
    switch (obj->type) {
    case XPATH_STRING:
        type = "string";
        break;
    case XPATH_NUMBER:
        type = "number";
        break;
    case XPATH_BOOLEAN:
        type = "boolean";
        break;
    case XPATH_NODESET:
        type = "node-set";
        break;
    case XPATH_XSLT_TREE:
        type = "RTF";
        break;
    case XPATH_USERS:
        type = "external";
        break;
    default:
        xsltGenericError(xsltGenericErrorContext,
                         "object-type() invalid arg\n");
        xmlXPathFreeObject(obj);
        ctxt->error = XPATH_INVALID_TYPE; /* no second message */
        return;
    }
    xmlXPathFreeObject(obj);
    ret = xmlXPathNewCString(type);
    if (ret == NULL) {
        exsl_nomem(ctxt, "object-type");
        return;
    }
    if (valuePush(ctxt, ret) < 0) {
        xmlXPathFreeObject(ret); /* cannot happen: the argument's slot */
    }
}

/*
 * What we register (tests/failinject/run.sh checks that every EXSLT
 * namespace the stylesheets declare has an entry here).
 */
static const struct {
    const char *ns;
    const char *name;
    xmlXPathFunction fn;
} functions[] = {
    {"http://exslt.org/common", "node-set", node_set},
    {"http://exslt.org/common", "object-type", object_type},
};

/*
 * exsl:document is libxslt's own xsl:document (XSLT 1.1), the element
 * libexslt registers too: it writes a file, which our security prefs
 * refuse (datafiles.c), so in our stylesheets it can only fail a run.
 * Registered all the same, so that element-available() says true and a
 * stylesheet using it is refused as with libexslt, not run as an
 * unknown element (which is an error of its own, or its xsl:fallback).
 */
static const struct {
    const char *ns;
    const char *name;
    xsltPreComputeFunction comp;
    xsltTransformFunction fn;
} elements[] = {
    {"http://exslt.org/common", "document", xsltDocumentComp, xsltDocumentElem},
};

int xslt_exsl_register(void)
{
    int ok = 1;
    size_t i;

    for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
        const xmlChar *name = (const xmlChar *)functions[i].name;
        const xmlChar *ns = (const xmlChar *)functions[i].ns;

        xsltRegisterExtModuleFunction(name, ns, functions[i].fn);
        ok &= xsltExtModuleFunctionLookup(name, ns) == functions[i].fn;
    }
    for (i = 0; i < sizeof(elements) / sizeof(elements[0]); i++) {
        const xmlChar *name = (const xmlChar *)elements[i].name;
        const xmlChar *ns = (const xmlChar *)elements[i].ns;

        xsltRegisterExtModuleElement(name, ns, elements[i].comp,
                                     elements[i].fn);
        ok &= xsltExtModuleElementLookup(name, ns) == elements[i].fn;
    }
    return ok ? BX_OK : BX_E_NOMEM;
}
