/*
 * Format texts of the schema's simple types, looked up by pattern (what
 * libxml2 quotes in a pattern error).  Reads the XSD tree only.
 */
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
    struct words *items;
    size_t count;
    size_t cap;
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

static int grow(struct schema_words *sw)
{
    struct words *items;
    size_t cap;

    if (sw->count < sw->cap) {
        return 0;
    }
    cap = sw->cap ? sw->cap * 2 : 32;
    items = realloc(sw->items, cap * sizeof(*items));
    if (items == NULL) {
        return -1;
    }
    sw->items = items;
    sw->cap = cap;
    return 0;
}

void schema_words_add(struct schema_words **sw, xmlNodePtr decl)
{
    xmlNodePtr r =
        is_xsd(decl, "simpleType") ? child(decl, "restriction") : NULL;
    xmlNodePtr pat = r != NULL ? child(r, "pattern") : NULL;
    xmlChar *value = pat != NULL ? xmlGetProp(pat, BAD_CAST "value") : NULL;
    struct words w;

    if (value == NULL) {
        return;
    }
    if (*sw == NULL) {
        *sw = calloc(1, sizeof(**sw));
    }
    w.pattern = util_strdup((const char *)value);
    w.text[BX_LANG_ZH] = format_text(decl, "zh");
    w.text[BX_LANG_EN] = format_text(decl, "en");
    xmlFree(value);
    if (*sw == NULL || w.pattern == NULL || w.text[BX_LANG_EN] == NULL ||
        grow(*sw) != 0) {
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

void schema_words_free(struct schema_words *sw)
{
    size_t i;

    if (sw == NULL) {
        return;
    }
    for (i = 0; i < sw->count; i++) {
        free(sw->items[i].pattern);
        free(sw->items[i].text[0]);
        free(sw->items[i].text[1]);
    }
    free(sw->items);
    free(sw);
}
