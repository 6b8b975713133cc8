/*
 * Business rules, indexes: the rule set's <key name match use/> elements
 * become one hash table each per document (value -> nodes in document
 * order), built once before the checks run, and the XPath function
 * bx:key('name', value) reads them.  A check such as
 *     $T7//bx:eco[@dep = $self/@dep]
 * scans the table once per row (n^2 over the document); the same check as
 *     bx:key('T7-eco-by-dep', $self/@dep)
 * is a lookup.  Like XSLT's key(): a node-set value looks up the string
 * value of each of its nodes; the result is in document order.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xpathInternals.h>

#include "rules_eval.h"

static void free_set(void *payload, const xmlChar *name)
{
    (void)name;
    xmlXPathFreeNodeSet(payload);
}

/* File 'node' under 'value' in 'h'; '*dup' set when it is there already
 * (a 'use' giving one value twice: bx:key() then returns it twice). */
static int index_add(xmlHashTablePtr h, const xmlChar *value, xmlNodePtr node,
                     int *dup)
{
    xmlNodeSetPtr set = xmlHashLookup(h, value);

    if (set != NULL && set->nodeNr > 0 && set->nodeTab[set->nodeNr - 1] == node)
        *dup = 1;
    if (set == NULL) {
        set = xmlXPathNodeSetCreate(NULL);
        if (set == NULL || xmlHashAddEntry(h, value, set) != 0) {
            xmlXPathFreeNodeSet(set);
            return BX_E_NOMEM;
        }
    }
    return xmlXPathNodeSetAdd(set, node) == 0 ? BX_OK : BX_E_NOMEM;
}

/* File 'node' under each value 'use' gives on it. */
static int index_node(struct bx_eval *ev, const struct bx_rkey *key,
                      xmlHashTablePtr h, xmlNodePtr node, int *dup)
{
    xmlXPathObjectPtr o = rules_run(ev, key->use, node);
    xmlChar *s;
    int rc = BX_OK;
    int i;

    /* no value is a failure (ev->rc says which), never "no value": the
     * node would be missing from the index, and a lookup of its value
     * would find nothing (a sum of nothing, a project "not listed") */
    if (o == NULL)
        return ev->rc;
    if (o->type == XPATH_NODESET) {
        for (i = 0;
             o->nodesetval != NULL && i < o->nodesetval->nodeNr && rc == BX_OK;
             i++) {
            s = xmlXPathCastNodeToString(o->nodesetval->nodeTab[i]);
            rc = s != NULL ? index_add(h, s, node, dup) : BX_E_NOMEM;
            xmlFree(s);
        }
    } else {
        s = xmlXPathCastToString(o);
        rc = s != NULL ? index_add(h, s, node, dup) : BX_E_NOMEM;
        xmlFree(s);
    }
    xmlXPathFreeObject(o);
    return rc;
}

static int build_one(struct bx_eval *ev, const struct bx_rkey *key,
                     xmlHashTablePtr *out, int *dup)
{
    xmlXPathObjectPtr set;
    xmlHashTablePtr h;
    int rc = BX_OK;
    int i;

    *out = NULL;
    set = rules_run(ev, key->match, (xmlNodePtr)ev->sub->doc);
    if (set == NULL && ev->rc != BX_OK)
        return ev->rc; /* out of memory: not an empty index */
    h = xmlHashCreate(
        set != NULL && set->nodesetval != NULL ? set->nodesetval->nodeNr : 0);
    if (h == NULL) {
        xmlXPathFreeObject(set);
        return BX_E_NOMEM;
    }
    if (set != NULL && set->type == XPATH_NODESET) {
        /* the set is ours: 'use' evaluations do not touch it */
        for (i = 0; set->nodesetval != NULL && i < set->nodesetval->nodeNr &&
                    rc == BX_OK;
             i++)
            rc = index_node(ev, key, h, set->nodesetval->nodeTab[i], dup);
    }
    xmlXPathFreeObject(set);
    if (rc == BX_OK)
        rc = ev->rc; /* a failure the evaluation kept (bx:key() in 'use') */
    if (rc != BX_OK) {
        xmlHashFree(h, free_set);
        return rc;
    }
    *out = h;
    return BX_OK;
}

/* Add the nodes filed under 'value' in 'h' to 'res'. */
static int lookup(xmlHashTablePtr h, const xmlChar *value, xmlNodeSetPtr res)
{
    xmlNodeSetPtr set = value != NULL ? xmlHashLookup(h, value) : NULL;
    int i;

    for (i = 0; set != NULL && i < set->nodeNr; i++) {
        if (xmlXPathNodeSetAddUnique(res, set->nodeTab[i]) != 0)
            return BX_E_NOMEM;
    }
    return BX_OK;
}

static xmlHashTablePtr index_named(struct bx_eval *ev, const xmlChar *name)
{
    size_t i;

    for (i = 0; name != NULL && i < ev->rs->nkeys; i++) {
        if (xmlStrEqual(BAD_CAST ev->rs->keys[i].name, name))
            return ev->keys[i];
    }
    return NULL;
}

/* bx:key(name, value): see the top of this file. */
static void key_function(xmlXPathParserContextPtr ctxt, int nargs)
{
    struct bx_eval *ev = ctxt->context->userData;
    xmlXPathObjectPtr value;
    xmlXPathObjectPtr name;
    xmlHashTablePtr h;
    xmlNodeSetPtr res;
    xmlChar *s;
    int rc = BX_OK;
    int i;

    CHECK_ARITY(2);
    value = valuePop(ctxt);
    name = valuePop(ctxt);
    s = xmlXPathCastToString(name);
    h = index_named(ev, s);
    xmlFree(s);
    res = xmlXPathNodeSetCreate(NULL);
    if (h == NULL || res == NULL) {
        /* an unknown key is a broken rule file: the check selects nothing */
        rc = res == NULL ? BX_E_NOMEM : BX_OK;
    } else if (value != NULL && value->type == XPATH_NODESET) {
        for (i = 0; value->nodesetval != NULL &&
                    i < value->nodesetval->nodeNr && rc == BX_OK;
             i++) {
            s = xmlXPathCastNodeToString(value->nodesetval->nodeTab[i]);
            rc = lookup(h, s, res);
            xmlFree(s);
        }
        if (value->nodesetval != NULL && value->nodesetval->nodeNr > 1)
            xmlXPathNodeSetSort(res);
    } else if (value != NULL) {
        s = xmlXPathCastToString(value);
        rc = lookup(h, s, res);
        xmlFree(s);
    }
    xmlXPathFreeObject(value);
    xmlXPathFreeObject(name);
    if (rc != BX_OK && ev->rc == BX_OK)
        ev->rc = rc;
    valuePush(ctxt, xmlXPathWrapNodeSet(res));
}

int rules_keys_build(struct bx_eval *ev)
{
    size_t i;
    int rc;

    if (ev->rc != BX_OK)
        return ev->rc;
    ev->xp->userData = ev;
    if (xmlXPathRegisterFuncNS(ev->xp, BAD_CAST "key", BAD_CAST BX_NAMESPACE,
                               key_function) != 0)
        return BX_E_NOMEM;
    if (ev->rs->nkeys == 0)
        return BX_OK;
    ev->keys = calloc(ev->rs->nkeys, sizeof(*ev->keys));
    ev->key_dups = calloc(ev->rs->nkeys, sizeof(*ev->key_dups));
    if (ev->keys == NULL || ev->key_dups == NULL)
        return BX_E_NOMEM;
    for (i = 0; i < ev->rs->nkeys; i++) {
        xmlHashTablePtr h;
        int dup = 0;

        rc = build_one(ev, &ev->rs->keys[i], &h, &dup);
        if (rc != BX_OK)
            return rc;
        ev->keys[i] = h;
        ev->key_dups[i] = (unsigned char)dup;
    }
    return ev->rc;
}

const xmlNodeSet *rules_key_nodes(struct bx_eval *ev, const char *name,
                                  const xmlChar *value, int *ok)
{
    size_t i;

    *ok = 0;
    for (i = 0; ev->keys != NULL && i < ev->rs->nkeys; i++) {
        if (strcmp(ev->rs->keys[i].name, name) == 0) {
            if (ev->keys[i] == NULL || ev->key_dups[i])
                return NULL;
            *ok = 1;
            return xmlHashLookup(ev->keys[i], value);
        }
    }
    return NULL;
}

void rules_keys_release(struct bx_eval *ev)
{
    size_t i;

    for (i = 0; ev->keys != NULL && i < ev->rs->nkeys; i++)
        xmlHashFree(ev->keys[i], free_set);
    free(ev->keys);
    free(ev->key_dups);
    ev->keys = NULL;
    ev->key_dups = NULL;
}
