/*
 * Format texts of the schema's simple types, looked up by pattern (what
 * libxml2 quotes in a pattern error).  Reads the XSD tree only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_words.h"
#include "util.h"

#define XSD_NS "http://www.w3.org/2001/XMLSchema"
#define FORMAT_SOURCE "urn:budgetx:format"

struct words {
    char *pattern;
    char *text[2]; /* indexed by enum bx_lang */
};

struct schema_words {
    struct words *items; /* 'pattern' holds a pattern ... */
    size_t count;
    size_t cap;
    struct words *values; /* ... or an enumerated value */
    size_t nvalues;
    size_t vcap;
};

static int is_xsd(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           xmlStrEqual(n->ns->href, BAD_CAST XSD_NS) &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* First child of 'n' that is xs:'name', or NULL. */
static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    xmlNodePtr c;

    for (c = n->children; c != NULL; c = c->next) {
        if (is_xsd(c, name)) {
            return c;
        }
    }
    return NULL;
}

/* The format documentation of 'decl' in 'lang' (caller frees), or NULL. */
static char *format_text(xmlNodePtr decl, const char *lang)
{
    xmlNodePtr ann = child(decl, "annotation");
    xmlNodePtr d;
    xmlChar *src;
    xmlChar *l;
    xmlChar *text;
    char *out = NULL;

    for (d = ann != NULL ? ann->children : NULL; d != NULL && out == NULL;
         d = d->next) {
        if (!is_xsd(d, "documentation")) {
            continue;
        }
        src = xmlGetProp(d, BAD_CAST "source");
        l = xmlNodeGetLang(d);
        if (src != NULL && l != NULL &&
            xmlStrEqual(src, BAD_CAST FORMAT_SOURCE) &&
            xmlStrEqual(l, BAD_CAST lang)) {
            text = xmlNodeGetContent(d);
            out = text != NULL ? util_strdup((const char *)text) : NULL;
            xmlFree(text);
        }
        xmlFree(src);
        xmlFree(l);
    }
    return out;
}

static int grow(struct words **items, size_t count, size_t *cap)
{
    struct words *grown;
    size_t n;

    if (count < *cap) {
        return 0;
    }
    n = *cap ? *cap * 2 : 32;
    grown = realloc(*items, n * sizeof(*grown));
    if (grown == NULL) {
        util_nomem_note(); /* the caller drops the entry: the index is short */
        return -1;
    }
    *items = grown;
    *cap = n;
    return 0;
}

/* The plain (label) documentation of 'decl' in 'lang', or NULL. */
static char *label_text(xmlNodePtr decl, const char *lang)
{
    xmlNodePtr ann = child(decl, "annotation");
    xmlNodePtr d;
    xmlChar *l;
    xmlChar *text;
    char *out = NULL;

    for (d = ann != NULL ? ann->children : NULL; d != NULL && out == NULL;
         d = d->next) {
        if (!is_xsd(d, "documentation") || xmlHasProp(d, BAD_CAST "source")) {
            continue;
        }
        l = xmlNodeGetLang(d);
        if (l != NULL && xmlStrEqual(l, BAD_CAST lang)) {
            text = xmlNodeGetContent(d);
            out = text != NULL ? util_strdup((const char *)text) : NULL;
            xmlFree(text);
        }
        xmlFree(l);
    }
    return out;
}

/* Remember the labels of the documented xs:enumeration values of 'r'. */
static void add_values(struct schema_words *sw, xmlNodePtr r)
{
    xmlNodePtr e;
    xmlChar *value;
    struct words w;

    for (e = r->children; e != NULL; e = e->next) {
        if (!is_xsd(e, "enumeration")) {
            continue;
        }
        value = xmlGetProp(e, BAD_CAST "value");
        w.pattern = value != NULL ? util_strdup((const char *)value) : NULL;
        w.text[BX_LANG_ZH] = label_text(e, "zh");
        w.text[BX_LANG_EN] = label_text(e, "en");
        xmlFree(value);
        if (w.pattern == NULL || w.text[BX_LANG_ZH] == NULL ||
            w.text[BX_LANG_EN] == NULL ||
            grow(&sw->values, sw->nvalues, &sw->vcap) != 0) {
            free(w.pattern);
            free(w.text[0]);
            free(w.text[1]);
            continue;
        }
        sw->values[sw->nvalues++] = w;
    }
}

void schema_words_add(struct schema_words **sw, xmlNodePtr decl)
{
    xmlNodePtr r =
        is_xsd(decl, "simpleType") ? child(decl, "restriction") : NULL;
    xmlNodePtr pat = r != NULL ? child(r, "pattern") : NULL;
    xmlChar *value = pat != NULL ? xmlGetProp(pat, BAD_CAST "value") : NULL;
    struct words w;

    if (r == NULL) {
        return;
    }
    if (*sw == NULL) {
        *sw = calloc(1, sizeof(**sw));
        if (*sw == NULL) {
            util_nomem_note();
        }
    }
    if (*sw != NULL) {
        add_values(*sw, r);
    }
    if (value == NULL) {
        return;
    }
    w.pattern = util_strdup((const char *)value);
    w.text[BX_LANG_ZH] = format_text(decl, "zh");
    w.text[BX_LANG_EN] = format_text(decl, "en");
    xmlFree(value);
    if (*sw == NULL || w.pattern == NULL || w.text[BX_LANG_EN] == NULL ||
        grow(&(*sw)->items, (*sw)->count, &(*sw)->cap) != 0) {
        free(w.pattern);
        free(w.text[0]);
        free(w.text[1]);
        return;
    }
    (*sw)->items[(*sw)->count++] = w;
}

const char *schema_words_for_pattern(const struct schema_words *sw,
                                     const char *pattern, enum bx_lang lang)
{
    size_t i;

    for (i = 0; sw != NULL && pattern != NULL && i < sw->count; i++) {
        if (strcmp(sw->items[i].pattern, pattern) == 0) {
            return sw->items[i].text[lang] != NULL
                       ? sw->items[i].text[lang]
                       : sw->items[i].text[1 - lang];
        }
    }
    return NULL;
}

const char *schema_words_for_value(const struct schema_words *sw,
                                   const char *value, enum bx_lang lang)
{
    size_t i;

    for (i = 0; sw != NULL && value != NULL && i < sw->nvalues; i++) {
        if (strcmp(sw->values[i].pattern, value) == 0) {
            return sw->values[i].text[lang];
        }
    }
    return NULL;
}

int schema_words_quantity(const struct schema_words *sw, const char *key,
                          enum bx_lang lang, struct bx_buf *out)
{
    const char *l = schema_words_for_value(sw, key, lang);
    const char *dot = strchr(key, '.');
    const char *code;
    char total[64];
    int cls;

    if (l != NULL) {
        return buf_puts(out, l);
    }
    /* "gpb.class.208" / "gpb.func.20101": the total's words and the code */
    cls = dot != NULL && strncmp(dot, ".class.", 7) == 0;
    if (dot == NULL || (!cls && strncmp(dot, ".func.", 6) != 0) ||
        (size_t)(dot - key) + sizeof(".total") > sizeof(total)) {
        return -1;
    }
    code = dot + (cls ? 7 : 6);
    snprintf(total, sizeof(total), "%.*s.total", (int)(dot - key), key);
    l = schema_words_for_value(sw, total, lang);
    if (l == NULL) {
        return -1;
    }
    if (lang == BX_LANG_ZH) {
        return buf_printf(out, cls ? "%s %s 类" : "%s %s 科目", l, code);
    }
    return buf_printf(out, cls ? "%s, class %s" : "%s, item %s", l, code);
}

static void free_words(struct words *w, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(w[i].pattern);
        free(w[i].text[0]);
        free(w[i].text[1]);
    }
    free(w);
}

void schema_words_free(struct schema_words *sw)
{
    if (sw == NULL) {
        return;
    }
    free_words(sw->items, sw->count);
    free_words(sw->values, sw->nvalues);
    free(sw);
}
