/*
 * The one place where submissions meet the XML parser.  Parsing is done
 * from memory only (libxml2 never opens a submission itself, so its
 * unbounded transparent gunzip never runs), with no network, no DTD, no
 * entity substitution and no XInclude.  Errors become diagnostics.
 */
#include "xmlio.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlmemory.h>
#include <zlib.h>

#include "util.h"

/* Parser options for untrusted input: see the file comment. */
#define SAFE_OPTIONS                                                           \
    (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |               \
     XML_PARSE_NOXINCNODE | XML_PARSE_COMPACT)

struct pack_slab;

struct parse_state {
    const char *name;
    struct bx_diags *diags;
    int saw_doctype;
    int errors;
    struct value_set *values; /* attribute value -> its first text node */
    struct pack_slab *slabs;  /* packed attributes, newest slab first */
    struct xmlio_attr_index *ix; /* being recorded, or NULL */
    size_t nel;                  /* elements so far */
    int ix_failed;               /* no index: short of memory */
};

static void quiet_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* libxml2's allocator before ours, and how often it returned NULL */
static xmlFreeFunc next_free;
static xmlMallocFunc next_malloc;
static xmlReallocFunc next_realloc;
static xmlStrdupFunc next_strdup;
static atomic_ulong nomem_count;

static void *counting_malloc(size_t size)
{
    void *p = next_malloc(size);

    if (p == NULL) {
        atomic_fetch_add(&nomem_count, 1);
    }
    return p;
}

static void *counting_realloc(void *old, size_t size)
{
    void *p = next_realloc(old, size);

    if (p == NULL && size > 0) {
        atomic_fetch_add(&nomem_count, 1);
    }
    return p;
}

static char *counting_strdup(const char *s)
{
    char *p = next_strdup(s);

    if (p == NULL) {
        atomic_fetch_add(&nomem_count, 1);
    }
    return p;
}

unsigned long xmlio_nomem_count(void)
{
    return atomic_load(&nomem_count);
}

void xmlio_nomem_note(void)
{
    atomic_fetch_add(&nomem_count, 1);
}

void xmlio_out_of_memory(struct bx_diags *diags, const char *file)
{
    if (!bx_diags_has(diags, "OUT-OF-MEMORY")) {
        /* may fail too; the caller's BX_E_NOMEM still says it */
        bx_diags_addf(diags, BX_SEV_FATAL, "OUT-OF-MEMORY", file, 0,
                      "内存不足：已停止，没有结论，也没有输出",
                      "out of memory: stopped, no verdict and no output");
    }
}

/*
 * Once per process: libxml2's allocator hook, parser and defaults.  Not
 * pthread_once: xmlInitParser() returns nothing and marks libxml2
 * initialised even when its encoding tables (the only part it allocates
 * through xmlMalloc) could not be built, and UTF-16 or GB 18030 input
 * would then fail later as if it were malformed.  A failed allocation
 * inside it is seen by the counter; the tables are dropped, nothing is
 * latched, and the next call builds them again.
 */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int init_done;
static int hooked; /* counting_* installed (under init_lock) */

static int init_process(void)
{
    unsigned long nomem;

    if (!hooked) {
        /* wrap whatever allocator is installed (the host's, if it set
         * one) */
        xmlMemGet(&next_free, &next_malloc, &next_realloc, &next_strdup);
        xmlMemSetup(next_free, counting_malloc, counting_realloc,
                    counting_strdup);
        hooked = 1;
    }
    nomem = xmlio_nomem_count();
    /* silent from the start: libxml2 reports its own failures here */
    xmlSetGenericErrorFunc(NULL, quiet_generic);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlInitParser();
    xmlInitCharEncodingHandlers(); /* again, if a retry dropped them */
    if (xmlio_nomem_count() != nomem) {
        xmlCleanupCharEncodingHandlers();
        return BX_E_NOMEM;
    }
    /* libxml2's error handlers and parser defaults are per thread: these
     * are what every thread started from now on begins with */
    xmlThrDefSetGenericErrorFunc(NULL, quiet_generic);
    xmlThrDefSetStructuredErrorFunc(NULL, NULL);
    xmlThrDefLoadExtDtdDefaultValue(0);
    xmlThrDefSubstituteEntitiesDefaultValue(0);
    return BX_OK;
}

int xmlio_init(void)
{
    int rc = BX_OK;

    if (!atomic_load_explicit(&init_done, memory_order_acquire)) {
        pthread_mutex_lock(&init_lock);
        if (!atomic_load_explicit(&init_done, memory_order_relaxed)) {
            rc = init_process();
            if (rc == BX_OK) {
                atomic_store_explicit(&init_done, 1, memory_order_release);
            }
        }
        pthread_mutex_unlock(&init_lock);
    }
    if (rc == BX_OK) {
        xmlio_thread_init();
    }
    return rc;
}

void xmlio_thread_init(void)
{
    xmlSetGenericErrorFunc(NULL, quiet_generic);
    xmlSetStructuredErrorFunc(NULL, NULL);
    /* never load external DTDs or entities, whatever a caller asks */
    xmlLoadExtDtdDefaultValue = 0;
    xmlSubstituteEntitiesDefault(0);
}

/* Why a gzip stream was refused, for the IO-GZIP finding. */
static int gzip_refused(struct bx_diags *diags, const char *name,
                        const char *zh, const char *en)
{
    bx_diags_addf(diags, BX_SEV_FATAL, "IO-GZIP", name, 0, zh, en);
    return BX_E_PARSE;
}

/*
 * After the end of the first gzip member: refuse anything that follows.
 * A second member would be silently ignored by some readers and read by
 * others (gzip -d concatenates), so the bytes we judge would not be the
 * bytes another tool sees.
 */
static int gzip_trailing(const z_stream *zs, size_t len, struct bx_diags *diags,
                         const char *name)
{
    const unsigned char *rest = zs->next_in;

    if (zs->total_in == len) {
        return BX_OK;
    }
    if (len - zs->total_in >= 2 && rest[0] == 0x1f && rest[1] == 0x8b) {
        return gzip_refused(diags, name,
                            "gzip 文件含有多个数据段（member），只接受一个",
                            "gzip file holds more than one member; only "
                            "a single member is accepted");
    }
    return gzip_refused(diags, name, "gzip 数据之后还有多余的字节",
                        "trailing bytes after the end of the gzip data");
}

int xmlio_gunzip(unsigned char **buf, size_t *len, size_t max, const char *name,
                 struct bx_diags *diags)
{
    z_stream zs;
    unsigned char *out = NULL;
    unsigned char *grown;
    size_t cap = 65536;
    int zrc;
    int rc = BX_E_NOMEM;

    if (*len < 2 || (*buf)[0] != 0x1f || (*buf)[1] != 0x8b) {
        return BX_OK;
    }
    if (*len > UINT32_MAX) {
        return BX_E_LIMIT;
    }
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        return BX_E_NOMEM;
    }
    zs.next_in = *buf;
    zs.avail_in = (uInt)*len;
    for (;;) {
        grown = realloc(out, cap + 1);
        if (grown == NULL) {
            goto out;
        }
        out = grown;
        zs.next_out = out + zs.total_out;
        zs.avail_out = (uInt)(cap - zs.total_out);
        zrc = inflate(&zs, Z_NO_FLUSH);
        if (zrc == Z_STREAM_END) {
            break;
        }
        if (zrc == Z_MEM_ERROR) {
            goto out;
        }
        if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            rc =
                gzip_refused(diags, name, "gzip 数据损坏", "corrupt gzip data");
            goto out;
        }
        if (zs.avail_out != 0) {
            /* input ended before the stream did */
            rc = gzip_refused(diags, name, "gzip 数据不完整",
                              "truncated gzip data");
            goto out;
        }
        if (cap > max) {
            rc = BX_E_LIMIT;
            goto out;
        }
        cap *= 2;
    }
    if (zs.total_out > max) {
        rc = BX_E_LIMIT;
        goto out;
    }
    rc = gzip_trailing(&zs, *len, diags, name);
    if (rc != BX_OK) {
        goto out;
    }
    out[zs.total_out] = '\0';
    free(*buf);
    *buf = out;
    *len = zs.total_out;
    out = NULL;
out:
    inflateEnd(&zs);
    free(out);
    return rc;
}

int xmlio_error_to_diag(const xmlError *err, const char *file, const char *code,
                        enum bx_severity sev, struct bx_diags *diags)
{
    struct bx_diag d;
    struct bx_buf zh;
    char *msg = NULL;
    char *flat = NULL;
    char *path = NULL;
    size_t n;
    size_t i;
    int rc = BX_E_NOMEM;

    memset(&d, 0, sizeof(d));
    buf_init(&zh);
    flat = util_strdup(err->message != NULL ? err->message : "");
    if (flat == NULL) {
        goto out;
    }
    /* libxml2 messages span lines; a finding is one line */
    n = strlen(flat);
    for (i = 0; i < n; i++) {
        if (flat[i] == '\n' || flat[i] == '\r') {
            flat[i] = ' ';
        }
    }
    while (n > 0 && flat[n - 1] == ' ') {
        n--;
    }
    msg = util_escape_untrusted(flat, n, 400);
    if (msg == NULL) {
        goto out;
    }
    if (err->node != NULL && ((xmlNodePtr)err->node)->doc != NULL) {
        path = xmlio_node_path((xmlNodePtr)err->node);
    }
    buf_printf(&zh, "XML 格式错误：%s", msg);
    d.severity = sev;
    d.code = (char *)code;
    d.file = (char *)file;
    d.line = err->line;
    d.column = err->int2;
    d.xpath = path;
    d.message_en = msg;
    d.message_zh = zh.data != NULL ? zh.data : msg;
    rc = bx_diags_add(diags, &d);
out:
    free(flat);
    free(msg);
    free(path);
    buf_release(&zh);
    return rc;
}

/* Position of 'node' among its element siblings of the same name, and
 * whether it has such siblings at all. */
static int sibling_index(xmlNodePtr node, int *many)
{
    xmlNodePtr c;
    int index = 0;
    int count = 0;

    for (c = node->parent ? node->parent->children : node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, node->name)) {
            continue;
        }
        count++;
        if (c == node) {
            index = count;
        }
    }
    *many = count > 1;
    return index;
}

char *xmlio_node_path(xmlNodePtr node)
{
    xmlNodePtr chain[512];
    struct bx_buf b;
    const char *attr = NULL;
    int n = 0;
    int many;
    int index;

    buf_init(&b);
    if (node != NULL && node->type == XML_ATTRIBUTE_NODE) {
        attr = (const char *)node->name;
        node = node->parent;
    }
    for (; node != NULL && node->type == XML_ELEMENT_NODE && n < 512;
         node = node->parent) {
        chain[n++] = node;
    }
    while (n-- > 0) {
        node = chain[n];
        index = sibling_index(node, &many);
        if (node->ns != NULL &&
            xmlStrEqual(node->ns->href, BAD_CAST BX_NAMESPACE)) {
            buf_printf(&b, "/bx:%s", (const char *)node->name);
        } else {
            buf_printf(&b, "/*[local-name()='%s']", (const char *)node->name);
        }
        if (many) {
            buf_printf(&b, "[%d]", index);
        }
    }
    if (attr != NULL) {
        buf_printf(&b, "/@%s", attr);
    }
    return buf_take(&b, NULL);
}

static void on_parse_error(void *user, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = user;
    struct parse_state *st = ctxt->_private;

    if (st == NULL || err == NULL) {
        return;
    }
    if (err->level == XML_ERR_WARNING) {
        return; /* warnings from the parser are noise for our users */
    }
    st->errors++;
    if (st->errors > 20) {
        return; /* one broken byte can cascade; the first ones matter */
    }
    if (err->message != NULL && strstr(err->message, "Excessive depth")) {
        /* libxml2's own hard limit (256 levels); its wording suggests an
         * option we deliberately never set */
        bx_diags_addf(st->diags, BX_SEV_FATAL, "XML-DEPTH", st->name, err->line,
                      "元素嵌套超过 256 层",
                      "elements nested deeper than 256 levels");
        return;
    }
    xmlio_error_to_diag(err, st->name, "XML-MALFORMED", BX_SEV_FATAL,
                        st->diags);
}

/* SAX hook: a DOCTYPE stops the parse before any declaration is read. */
static void on_doctype(void *user, const xmlChar *name, const xmlChar *eid,
                       const xmlChar *sid)
{
    xmlParserCtxtPtr ctxt = user;
    struct parse_state *st = ctxt->_private;

    (void)name;
    (void)eid;
    (void)sid;
    st->saw_doctype = ctxt->input != NULL ? ctxt->input->line : 1;
    xmlStopParser(ctxt);
}

static unsigned tree_depth(xmlNodePtr node, unsigned limit)
{
    unsigned depth = 0;
    unsigned max = 0;
    xmlNodePtr cur = node;

    /* iterative walk: a hostile document must not exhaust our stack */
    while (cur != NULL) {
        if (cur->type == XML_ELEMENT_NODE && depth + 1 > max) {
            max = depth + 1;
            if (max > limit) {
                return max;
            }
        }
        if (cur->children != NULL && cur->type == XML_ELEMENT_NODE) {
            cur = cur->children;
            depth++;
            continue;
        }
        while (cur != NULL && cur->next == NULL && cur != node) {
            cur = cur->parent;
            depth--;
        }
        if (cur == NULL || cur == node) {
            break;
        }
        cur = cur->next;
    }
    return max;
}

static int refuse_at(struct bx_diags *diags, const char *name, long line,
                     const char *code, const char *zh, const char *en, int rc)
{
    bx_diags_addf(diags, BX_SEV_FATAL, code, name, line, zh, en);
    return rc;
}

static int refuse(struct bx_diags *diags, const char *name, const char *code,
                  const char *zh, const char *en, int rc)
{
    return refuse_at(diags, name, 0, code, zh, en, rc);
}

/*
 * Offset of the first NUL character of 'buf', or -1.  libxml2's memory
 * parser takes a NUL for the end of the input and would accept a valid
 * document followed by a NUL and anything at all.  XML forbids U+0000
 * outright; in UTF-16 (a BOM, or a zero byte among the first two) it is
 * a zero code unit.
 */
static long nul_offset(const unsigned char *buf, size_t len)
{
    size_t i;
    int wide = len >= 2 && ((buf[0] == 0xfe && buf[1] == 0xff) ||
                            (buf[0] == 0xff && buf[1] == 0xfe) ||
                            (buf[0] == 0) != (buf[1] == 0));
    const unsigned char *p;

    if (!wide) {
        p = memchr(buf, 0, len);
        return p != NULL ? (long)(p - buf) : -1;
    }
    for (i = 0; i + 1 < len; i += 2) {
        if (buf[i] == 0 && buf[i + 1] == 0) {
            return (long)i;
        }
    }
    return -1;
}

/*
 * Shared attribute values.  libxml2 gives every attribute a text node
 * child (120 bytes) for its value: in a 10 MB disclosure that is 460,000
 * nodes, half of the tree, for about 18,000 distinct values ("0.00",
 * codes, names).  A submission is read-only once parsed, so attributes
 * with equal values of two bytes or more (see below) may point at one
 * text node: the first attribute
 * that had the value keeps it (its parent), the others point at it and
 * their own node is freed while parsing, so the memory is reused for
 * the rest of the tree.  Nothing reaches an attribute's text node but
 * its value: XPath gives attributes no children, and libxml2, libxslt
 * and our code read the value through attr->children->content or
 * xmlNodeListGetString(); the one walk that goes on to the text node's
 * parent (xmlXPathNodeValHash() in '=', for values of 0 or 1 byte) never
 * meets a shared node.  The one rule that comes with it: such a tree
 * is freed with xmlio_free_shared(), which first unhooks the attributes
 * that do not own their text node.
 */
/*
 * The values seen so far: an open-addressing table of text nodes by
 * value (libxml2's xmlHash cost 0.4 Mi a document just to create and
 * free its 4,096 buckets, and about 240 instructions a lookup).  Grown
 * at half full; when it cannot grow, values are simply left unshared.
 */
struct value_set {
    struct value_slot {
        uint32_t hash;
        xmlNodePtr node; /* NULL: empty */
    } * slots;
    size_t mask; /* slots - 1 */
    size_t used;
};

static uint32_t value_hash(const xmlChar *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *s != '\0'; s++) {
        h = (h ^ *s) * 16777619u;
    }
    return h;
}

static struct value_set *value_set_new(void)
{
    struct value_set *v = calloc(1, sizeof(*v));

    if (v != NULL) {
        v->slots = calloc(1024, sizeof(*v->slots));
        v->mask = 1023;
        if (v->slots == NULL) {
            free(v);
            v = NULL;
        }
    }
    return v;
}

static void value_set_free(struct value_set *v)
{
    if (v != NULL) {
        free(v->slots);
        free(v);
    }
}

/* Double the table; 0 when there was no memory (it stays as it was). */
static int value_set_grow(struct value_set *v)
{
    size_t n = (v->mask + 1) * 2;
    struct value_slot *slots = calloc(n, sizeof(*slots));
    size_t i;
    size_t j;

    if (slots == NULL) {
        return 0;
    }
    for (i = 0; i <= v->mask; i++) {
        if (v->slots[i].node != NULL) {
            for (j = v->slots[i].hash & (n - 1); slots[j].node != NULL;
                 j = (j + 1) & (n - 1)) {
            }
            slots[j] = v->slots[i];
        }
    }
    free(v->slots);
    v->slots = slots;
    v->mask = n - 1;
    return 1;
}

/* The first text node with the value of 't', or NULL after adding 't'
 * (when there is room) as the first. */
static xmlNodePtr value_set_first(struct value_set *v, xmlNodePtr t)
{
    uint32_t h = value_hash(t->content);
    size_t i;

    for (i = h & v->mask; v->slots[i].node != NULL; i = (i + 1) & v->mask) {
        if (v->slots[i].hash == h &&
            strcmp((const char *)v->slots[i].node->content,
                   (const char *)t->content) == 0) {
            return v->slots[i].node;
        }
    }
    if (2 * (v->used + 1) > v->mask + 1) {
        if (!value_set_grow(v)) {
            return NULL;
        }
        for (i = h & v->mask; v->slots[i].node != NULL;
             i = (i + 1) & v->mask) {
        }
    }
    v->slots[i].hash = h;
    v->slots[i].node = t;
    v->used++;
    return NULL;
}

static void share_values(struct parse_state *st, xmlNodePtr el)
{
    xmlAttrPtr a;
    xmlNodePtr t;
    xmlNodePtr first;

    for (a = el->properties; a != NULL; a = a->next) {
        t = a->children;
        if (t == NULL || t->type != XML_TEXT_NODE || t->next != NULL ||
            t->parent != (xmlNodePtr)a || t->content == NULL) {
            continue; /* not a lone text node of its own */
        }
        if (t->content[0] == '\0' || t->content[1] == '\0') {
            /* XPath's '=' hashes the first two bytes of a value and, for
             * a shorter one, walks on through the text node's parent:
             * that must stay the attribute itself */
            continue;
        }
        first = value_set_first(st->values, t);
        if (first == NULL || first == t) {
            /* the first of its value (or no room to say so); 't' itself
             * when an element's values were shared already */
            continue;
        }
        a->children = first;
        a->last = first;
        xmlFreeNode(t);
    }
}

/*
 * Packed attributes.  libxml2 allocates every attribute (96 bytes) and
 * every value's text node (120 bytes) one by one, between the parser's
 * own temporaries and the nodes freed by share_values(): the attributes
 * of one row lie 200-300 bytes apart, and finding one by name walks a
 * list of separate blocks.  The rule checks read a few attributes of
 * every row, rule after rule; once a tree is larger than the processor's
 * caches (a few MB of input) each of those reads waits for memory, and
 * the rules cost twice as much per MB of a 10 MB document as of a 70 KB
 * one for the same instructions.  So, as each element is built, its
 * attributes are moved next to each other into a slab of the document
 * (and after them the text nodes of the values they do not share), and
 * libxml2's blocks are freed for the rest of the tree: a row's
 * attributes take a few consecutive cache lines, and the tree is smaller
 * (no allocator header per attribute and per value).  The same fields,
 * values, names and order: only addresses change.  Nothing may free or
 * unlink a packed attribute (a read-only tree never does);
 * xmlio_free_shared() takes the slabs back.  An element whose attribute
 * list is not plain (a namespace, an ID, a value of more than one
 * node) is left as libxml2 built it, and so is any element when there
 * is no memory for a slab.
 */
#define PACK_SLAB ((size_t)64 * 1024) /* from the heap, under mmap's 128 KB */
#define PACK_ROUND(n) (((n) + (size_t)15) & ~(size_t)15)

struct pack_slab {
    struct pack_slab *next; /* the slab filled before this one */
    struct pack_slab *next_doc; /* packed_docs: another document's */
    xmlDocPtr doc;              /* packed_docs: whose slabs these are */
    struct xmlio_attr_index *ix; /* packed_docs: the document's, or NULL */
    int interned; /* packed_docs: every name is of the document's dict */
    size_t used;                /* bytes of groups after the header */
};

static void ai_free(struct xmlio_attr_index *ix);

/* One element's attributes in a slab: this header, its 'nattr'
 * attributes (in order), the text nodes of the values they own (and,
 * for direct_build(), copies of values): 'size' bytes in all. */
struct pack_group {
    xmlNodePtr el;
    unsigned nattr;
    unsigned size;
};

#define PACK_HEAD PACK_ROUND(sizeof(struct pack_slab))
#define PACK_GROUP PACK_ROUND(sizeof(struct pack_group))

/* The slabs of the documents xmlio_parse_shared() returned, by document
 * (a handful at a time: one per document being checked). */
static pthread_mutex_t packed_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pack_slab *packed_docs;

/* 'size' bytes (a multiple of 16) of the document's slabs; NULL when
 * out of memory or larger than a slab. */
static struct pack_group *pack_alloc(struct parse_state *st, size_t size)
{
    struct pack_slab *s = st->slabs;
    unsigned char *p;

    if (size > PACK_SLAB) {
        return NULL;
    }
    if (s == NULL || s->used + size > PACK_SLAB) {
        s = malloc(PACK_HEAD + PACK_SLAB);
        if (s == NULL) {
            return NULL;
        }
        memset(s, 0, sizeof(*s));
        s->next = st->slabs;
        st->slabs = s;
    }
    p = (unsigned char *)s + PACK_HEAD + s->used;
    s->used += size;
    return (struct pack_group *)(void *)p;
}

/* Where the value set holds text node 'old' as the first of its value,
 * it holds 'now' instead. */
static void value_set_rehome(struct value_set *v, xmlNodePtr old,
                             xmlNodePtr now)
{
    uint32_t h;
    size_t i;

    if (v == NULL || now->content == NULL || now->content[0] == '\0' ||
        now->content[1] == '\0') {
        return; /* never in the set (share_values) */
    }
    h = value_hash(now->content);
    for (i = h & v->mask; v->slots[i].node != NULL; i = (i + 1) & v->mask) {
        if (v->slots[i].node == old) {
            v->slots[i].node = now;
            return;
        }
    }
}

/* How many attributes 'el' has and how many own a lone text node; 0
 * when its list is not plain (see above). */
static unsigned pack_count(xmlNodePtr el, unsigned *ntext)
{
    xmlAttrPtr a;
    xmlNodePtr t;
    unsigned n = 0;

    *ntext = 0;
    for (a = el->properties; a != NULL; a = a->next) {
        t = a->children;
        if (a->type != XML_ATTRIBUTE_NODE || a->ns != NULL || a->atype != 0 ||
            a->parent != el) {
            return 0;
        }
        if (t != NULL && t->parent == (xmlNodePtr)a) {
            if (t->type != XML_TEXT_NODE || t->next != NULL || a->last != t) {
                return 0;
            }
            (*ntext)++;
        }
        n++;
    }
    return n;
}

/* Text node 't' copied to 'to', the value of attribute 'a'; 't' says
 * where its copy is until it is freed. */
static void pack_text(struct parse_state *st, xmlNodePtr t, xmlAttrPtr a,
                      xmlNodePtr to)
{
    *to = *t;
    if (t->content == (xmlChar *)&t->properties) {
        to->content = (xmlChar *)&to->properties; /* XML_PARSE_COMPACT */
    }
    to->parent = (xmlNodePtr)a;
    value_set_rehome(st->values, t, to);
    t->_private = to; /* the parser leaves _private NULL */
}

/* The attributes of new element 'el' (and their own values) into the
 * document's slabs. */
static void pack_element(struct parse_state *st, xmlNodePtr el)
{
    struct pack_group *g;
    xmlAttrPtr attrs;
    xmlNodePtr texts;
    xmlNodePtr t;
    xmlAttrPtr a;
    unsigned ntext;
    unsigned n = pack_count(el, &ntext);
    unsigned i;
    unsigned k = 0;

    if (n == 0) {
        return;
    }
    g = pack_alloc(st, PACK_GROUP + PACK_ROUND(n * sizeof(xmlAttr) +
                                               ntext * sizeof(xmlNode)));
    if (g == NULL) {
        return;
    }
    g->el = el;
    g->nattr = n;
    g->size = (unsigned)(PACK_GROUP + PACK_ROUND(n * sizeof(xmlAttr) +
                                                 ntext * sizeof(xmlNode)));
    attrs = (xmlAttrPtr)(void *)((unsigned char *)g + PACK_GROUP);
    texts = (xmlNodePtr)(void *)(attrs + n);
    for (a = el->properties, i = 0; a != NULL; a = a->next, i++) {
        attrs[i] = *a;
        attrs[i].prev = i > 0 ? &attrs[i - 1] : NULL;
        attrs[i].next = a->next != NULL ? &attrs[i + 1] : NULL;
        if (a->children != NULL && a->children->parent == (xmlNodePtr)a) {
            pack_text(st, a->children, &attrs[i], &texts[k++]);
        }
    }
    /* every attribute whose value moved (its own, or one it shares with
     * an attribute before it) points at the copy; then the old blocks go
     * (names are the parser's dictionary's, content strings moved) */
    for (i = 0; i < n; i++) {
        t = attrs[i].children;
        if (t != NULL && t->_private != NULL) {
            attrs[i].children = t->_private;
            attrs[i].last = t->_private;
        }
    }
    /* which old attribute owns its value, decided before any is freed
     * (two of them may point at one) */
    for (a = el->properties; a != NULL; a = a->next) {
        if (a->children != NULL && a->children->parent != (xmlNodePtr)a) {
            a->children = NULL;
        }
    }
    a = el->properties;
    for (i = 0; i < n; i++) {
        xmlAttrPtr next = a->next;

        xmlFree(a->children); /* NULL: not its own */
        xmlFree(a);
        a = next;
    }
    el->properties = attrs;
}

/*
 * Attributes built in place.  For most elements the attributes that
 * xmlSAX2AttributeNs() would build one block at a time (an attribute, a
 * text node, a copy of the value), that share_values() would then free
 * where a value was seen before and pack_element() would copy into a slab
 * and free again, are written straight into the slab instead: the same
 * fields, values, names, order, line numbers and sharing as those three
 * steps leave (libxml2 2.9.14, the parser options of SAFE_OPTIONS), only
 * without the blocks made to be freed (2 Mi of the 10 Mi a 70 KB
 * disclosure's parse takes).  What that takes of libxml2:
 * - a value read in place (the parser's window, *valueend a quote) gets a
 *   text node as xmlSAX2TextNode() makes it: under XML_PARSE_COMPACT a
 *   value under 16 bytes is held in the node itself (in 'properties' and
 *   'nsDef'), and the node has the line the parser is at (over 65,535:
 *   65,535 and, for XML_PARSE_BIG_LINES, the line in 'psvi');
 * - a value the parser rewrote (a reference, a character outside ASCII,
 *   a tab or line break: NUL-terminated, *valueend 0) goes through
 *   xmlStringLenGetNodeList(): without a '&' left in it, one text node as
 *   xmlNewDocText() makes it (line 0, its own copy of the value);
 * - no attribute gets an ID or a reference without a DTD (xmlIsID(),
 *   xmlIsRef()).
 * Anything else (a prefix, a '&', a DTD, defaulted attributes, another
 * option, more than DIRECT_MAX attributes, no memory for a slab) is left
 * to libxml2 and the steps above, as before.  Copies of values of 16
 * bytes or more live in the slab after the text nodes (pack_free() frees
 * none of them).
 */
#define DIRECT_MAX 32

int xmlio_direct_attrs = 1;

struct direct_attr {
    const xmlChar *value;
    size_t len;
    uint32_t hash;
    int inplace;      /* read in place (xmlSAX2TextNode), else rewritten */
    xmlNodePtr first; /* the value's first text node, or NULL */
};

static uint32_t value_hash_len(const xmlChar *s, size_t len)
{
    uint32_t h = 2166136261u; /* value_hash()'s */
    size_t i;

    for (i = 0; i < len; i++) {
        h = (h ^ s[i]) * 16777619u;
    }
    return h;
}

/* The first text node of value 's' ('len' bytes, hash 'h'), or NULL. */
static xmlNodePtr value_set_find(const struct value_set *v, const xmlChar *s,
                                 size_t len, uint32_t h)
{
    const xmlChar *c;
    size_t i;

    for (i = h & v->mask; v->slots[i].node != NULL; i = (i + 1) & v->mask) {
        c = v->slots[i].node->content;
        if (v->slots[i].hash == h && memcmp(c, s, len) == 0 &&
            c[len] == '\0') {
            return v->slots[i].node;
        }
    }
    return NULL;
}

/* Text node 't' (not in the set: value_set_find()) as the first of its
 * value, when there is room to say so. */
static void value_set_add(struct value_set *v, xmlNodePtr t, uint32_t h)
{
    size_t i;

    if (2 * (v->used + 1) > v->mask + 1 && !value_set_grow(v)) {
        return;
    }
    for (i = h & v->mask; v->slots[i].node != NULL; i = (i + 1) & v->mask) {
    }
    v->slots[i].hash = h;
    v->slots[i].node = t;
    v->used++;
}

/* 1 when the parse is one whose attributes direct_build() knows how to
 * build (see above). */
static int direct_parse(xmlParserCtxtPtr ctxt)
{
    xmlDocPtr doc = ctxt->myDoc;

    return ctxt->dictNames && (ctxt->options & XML_PARSE_COMPACT) &&
           ctxt->replaceEntities == 0 && !ctxt->html && !ctxt->validate &&
           ctxt->linenumbers && ctxt->freeAttrs == NULL &&
           ctxt->freeElems == NULL && ctxt->input != NULL && doc != NULL &&
           doc->intSubset == NULL && doc->extSubset == NULL;
}

/*
 * The attributes of a start tag into 'da', with the bytes of slab
 * direct_build() needs for them in '*size'; 0 when they are not all
 * plain (see above).
 */
static int direct_plan(struct parse_state *st, int nb_attributes,
                       const xmlChar **attributes, struct direct_attr *da,
                       size_t *size)
{
    size_t texts = 0;
    size_t bytes = 0;
    int i;

    for (i = 0; i < nb_attributes; i++) {
        const xmlChar **at = attributes + 5 * i;
        struct direct_attr *d = &da[i];

        if (at[1] != NULL || at[3] == NULL || at[4] < at[3]) {
            return 0;
        }
        d->value = at[3];
        d->len = (size_t)(at[4] - at[3]);
        d->inplace = *at[4] != '\0';
        if (!d->inplace && memchr(d->value, '&', d->len) != NULL) {
            return 0; /* a reference left for xmlStringLenGetNodeList() */
        }
        d->first = NULL;
        d->hash = 0;
        if (d->len >= 2) {
            d->hash = value_hash_len(d->value, d->len);
            d->first = value_set_find(st->values, d->value, d->len, d->hash);
        }
        if (d->first == NULL) {
            texts++;
            if (!d->inplace || d->len >= 2 * sizeof(void *)) {
                bytes += d->len + 1;
            }
        }
    }
    *size = PACK_GROUP + PACK_ROUND((size_t)nb_attributes * sizeof(xmlAttr) +
                                    texts * sizeof(xmlNode) + bytes);
    return 1;
}

/* Text node 't' (zeroed) for value 'd' of attribute 'a', its copy of the
 * value at '*bytes' when it needs one. */
static void direct_text(xmlParserCtxtPtr ctxt, const struct direct_attr *d,
                        xmlAttrPtr a, xmlNodePtr t, xmlChar **bytes)
{
    xmlChar *s;

    t->type = XML_TEXT_NODE;
    t->name = xmlStringText;
    t->parent = (xmlNodePtr)a;
    t->doc = a->doc;
    if (d->inplace && d->len < 2 * sizeof(void *)) {
        s = (xmlChar *)&t->properties; /* xmlSAX2TextNode, COMPACT */
    } else {
        s = *bytes;
        *bytes += d->len + 1;
    }
    memcpy(s, d->value, d->len);
    s[d->len] = '\0';
    t->content = s;
    if (!d->inplace) {
        return; /* xmlNewDocText(): no line */
    }
    if (ctxt->input->line < USHRT_MAX) {
        t->line = (unsigned short)ctxt->input->line;
    } else {
        t->line = USHRT_MAX;
        if (ctxt->options & XML_PARSE_BIG_LINES) {
            t->psvi = (void *)(ptrdiff_t)ctxt->input->line;
        }
    }
}

/* The attributes planned in 'da' (direct_plan()) of new element 'el' into
 * group 'g' of 'size' bytes. */
static void direct_build(xmlParserCtxtPtr ctxt, struct parse_state *st,
                         xmlNodePtr el, struct pack_group *g, size_t size,
                         struct direct_attr *da, int n,
                         const xmlChar **attributes)
{
    xmlAttrPtr attrs = (xmlAttrPtr)(void *)((unsigned char *)g + PACK_GROUP);
    xmlNodePtr texts = (xmlNodePtr)(void *)(attrs + n);
    xmlNodePtr t;
    xmlChar *bytes;
    unsigned ntext = 0;
    int i;

    for (i = 0; i < n; i++) {
        ntext += da[i].first == NULL;
    }
    bytes = (xmlChar *)(texts + ntext);
    memset(g, 0, size);
    g->el = el;
    g->nattr = (unsigned)n;
    g->size = (unsigned)size;
    ntext = 0;
    for (i = 0; i < n; i++) {
        xmlAttrPtr a = &attrs[i];
        struct direct_attr *d = &da[i];

        a->type = XML_ATTRIBUTE_NODE;
        a->name = attributes[5 * i];
        a->parent = el;
        a->doc = el->doc;
        a->prev = i > 0 ? &attrs[i - 1] : NULL;
        a->next = i + 1 < n ? &attrs[i + 1] : NULL;
        /* a value met earlier in this start tag is shared too */
        if (d->first == NULL && d->len >= 2 && i > 0) {
            /* its planned node and bytes stay unused */
            d->first = value_set_find(st->values, d->value, d->len, d->hash);
        }
        t = d->first;
        if (t == NULL) {
            t = &texts[ntext++];
            direct_text(ctxt, d, a, t, &bytes);
            if (d->len >= 2) {
                value_set_add(st->values, t, d->hash);
            }
        }
        a->children = t;
        a->last = t;
    }
    el->properties = attrs;
}

/* 'p' lies in group 'g' (a copy of a value of direct_build()). */
static int in_group(const struct pack_group *g, const xmlChar *p)
{
    const unsigned char *b = (const unsigned char *)g;

    return p >= b && p < b + g->size;
}

/* Give back the packed attributes of 'slabs' (one document's, which is
 * still whole): each element gets the attributes appended after the
 * parse (none, in a read-only tree) as its list. */
static void pack_free(struct pack_slab *slabs)
{
    struct pack_slab *s;
    struct pack_group *g;
    xmlAttrPtr attrs;
    xmlNodePtr t;
    size_t at;
    unsigned i;

    while (slabs != NULL) {
        s = slabs;
        slabs = s->next;
        ai_free(s->ix);
        for (at = 0; at < s->used; at += g->size) {
            g = (struct pack_group *)(void *)((unsigned char *)s + PACK_HEAD +
                                              at);
            attrs = (xmlAttrPtr)(void *)((unsigned char *)g + PACK_GROUP);
            for (i = 0; i < g->nattr; i++) {
                t = attrs[i].children;
                if (t != NULL && t->parent == (xmlNodePtr)&attrs[i] &&
                    t->content != (xmlChar *)&t->properties &&
                    !in_group(g, t->content) &&
                    (t->doc == NULL || t->doc->dict == NULL ||
                     !xmlDictOwns(t->doc->dict, t->content))) {
                    xmlFree(t->content);
                }
            }
            g->el->properties = attrs[g->nattr - 1].next;
            if (g->el->properties != NULL) {
                g->el->properties->prev = NULL;
            }
        }
        free(s);
    }
}

/* The slabs of 'doc' are the registry's (a document handed out). */
static void pack_register(xmlDocPtr doc, struct pack_slab *slabs)
{
    if (slabs == NULL) {
        return;
    }
    slabs->doc = doc;
    pthread_mutex_lock(&packed_lock);
    slabs->next_doc = packed_docs;
    packed_docs = slabs;
    pthread_mutex_unlock(&packed_lock);
}

/* The slabs of 'doc', taken out of the registry (NULL: none). */
static struct pack_slab *pack_unregister(xmlDocPtr doc)
{
    struct pack_slab **p;
    struct pack_slab *s = NULL;

    pthread_mutex_lock(&packed_lock);
    for (p = &packed_docs; *p != NULL; p = &(*p)->next_doc) {
        if ((*p)->doc == doc) {
            s = *p;
            *p = s->next_doc;
            break;
        }
    }
    pthread_mutex_unlock(&packed_lock);
    return s;
}

/* The attribute index (xmlio_attr_index()) as the document is parsed. */
#define AI_MAXNAMES 0xfff0u

size_t xmlio_ai_min_elems = 4096;

static size_t ai_hash(const void *p, size_t n)
{
    uintptr_t v = (uintptr_t)p;

    v ^= v >> 17;
    v *= (uintptr_t)0x9E3779B97F4A7C15u;
    return (size_t)(v >> 7) & (n - 1);
}

int xmlio_attr_id(const struct xmlio_attr_index *ix, const xmlChar *name)
{
    size_t h = ai_hash(name, ix->nslots);

    while (ix->slot_name[h] != NULL) {
        if (ix->slot_name[h] == name) {
            return ix->slot_id[h];
        }
        h = (h + 1) & (ix->nslots - 1);
    }
    return -1;
}

static void ai_slot_put(struct xmlio_attr_index *ix, const xmlChar *name,
                        uint16_t id)
{
    size_t h = ai_hash(name, ix->nslots);

    while (ix->slot_name[h] != NULL) {
        h = (h + 1) & (ix->nslots - 1);
    }
    ix->slot_name[h] = name;
    ix->slot_id[h] = id;
}

/* Room for one more name (the slots at most half full). */
static int ai_names_room(struct xmlio_attr_index *ix)
{
    size_t n = ix->nslots ? ix->nslots * 2 : 64;
    const xmlChar **names;
    const xmlChar **sn;
    uint16_t *sid;
    size_t i;

    if (ix->nslots > 0 && (ix->nnames + 1) * 2 <= ix->nslots) {
        return 1;
    }
    if (ix->nnames >= AI_MAXNAMES) {
        return 0;
    }
    names = realloc(ix->names, n / 2 * sizeof(*names));
    if (names == NULL) {
        return 0;
    }
    ix->names = names;
    sn = calloc(n, sizeof(*sn));
    sid = calloc(n, sizeof(*sid));
    if (sn == NULL || sid == NULL) {
        free(sn);
        free(sid);
        return 0;
    }
    free(ix->slot_name);
    free(ix->slot_id);
    ix->slot_name = sn;
    ix->slot_id = sid;
    ix->nslots = n;
    for (i = 0; i < ix->nnames; i++) {
        ai_slot_put(ix, ix->names[i], (uint16_t)i);
    }
    return 1;
}

/* The number of attribute name 'name', numbered now if new; -1 when it
 * is not the dictionary's (nothing could be compared by address) or
 * short of memory. */
static int ai_number(struct xmlio_attr_index *ix, xmlDocPtr doc,
                     const xmlChar *name)
{
    int id = ix->nslots > 0 ? xmlio_attr_id(ix, name) : -1;

    if (id >= 0) {
        return id;
    }
    if (doc == NULL || doc->dict == NULL || !xmlDictOwns(doc->dict, name) ||
        !ai_names_room(ix)) {
        return -1;
    }
    ai_slot_put(ix, name, (uint16_t)ix->nnames);
    ix->names[ix->nnames] = name;
    return (int)ix->nnames++;
}

static int ai_push_id(struct xmlio_attr_index *ix, uint16_t id)
{
    if (ix->nids == ix->capids) {
        size_t cap = ix->capids ? ix->capids * 2 : 1024;
        uint16_t *t;

        if (cap >= XMLIO_AI_SCAN) {
            return 0;
        }
        t = realloc(ix->ids, cap * sizeof(*t));
        if (t == NULL) {
            return 0;
        }
        ix->ids = t;
        ix->capids = cap;
    }
    ix->ids[ix->nids++] = id;
    return 1;
}

/* Room for element nel + 1 and the end mark after it. */
static int ai_elems_room(struct xmlio_attr_index *ix)
{
    size_t cap;
    struct xmlio_ai_elem *t;

    if (ix->nel + 2 < ix->capel) {
        return 1;
    }
    cap = ix->capel ? ix->capel * 2 : 1024;
    if (ix->nel >= XMLIO_AI_SCAN) {
        return 0;
    }
    t = realloc(ix->elems, cap * sizeof(*t));
    if (t == NULL) {
        return 0;
    }
    ix->elems = t;
    ix->capel = cap;
    return 1;
}

/* Element 'el', the next in document order, and the names of its
 * attributes (after packing); 0 short of memory or past the limits. */
static int ai_add(struct xmlio_attr_index *ix, xmlNodePtr el)
{
    struct xmlio_ai_elem *e;
    xmlAttrPtr a;
    size_t i = 0;
    int plain = 1;
    int id;

    if (!ai_elems_room(ix)) {
        return 0;
    }
    e = &ix->elems[++ix->nel];
    e->el = el;
    e->start = (uint32_t)ix->nids;
    for (a = el->properties; a != NULL && plain; a = a->next, i++) {
        /* side by side, as packed (compared as addresses: outside a
         * packed array properties + i would point nowhere) */
        if ((uintptr_t)a != (uintptr_t)el->properties + i * sizeof(*a) ||
            a->type != XML_ATTRIBUTE_NODE || a->name == NULL) {
            plain = 0;
            break;
        }
        id = a->ns != NULL ? (int)XMLIO_AI_NONE
                           : ai_number(ix, el->doc, a->name);
        if (id < 0 || !ai_push_id(ix, (uint16_t)id)) {
            return 0;
        }
    }
    if (!plain) {
        ix->nids = e->start;
        e->start |= XMLIO_AI_SCAN;
    }
    ix->elems[ix->nel + 1].el = NULL;
    ix->elems[ix->nel + 1].start = (uint32_t)ix->nids;
    return 1;
}

static void ai_free(struct xmlio_attr_index *ix)
{
    if (ix != NULL) {
        free(ix->elems);
        free(ix->ids);
        free(ix->names);
        free(ix->slot_name);
        free(ix->slot_id);
        free(ix);
    }
}

/* The first slab of 'doc' in the registry, or NULL.  Its 'ix' and
 * 'interned' were set before it was registered and stay as they are
 * while the document lives (its owner's). */
static const struct pack_slab *registered(xmlDocPtr doc)
{
    struct pack_slab *s;

    pthread_mutex_lock(&packed_lock);
    for (s = packed_docs; s != NULL && s->doc != doc; s = s->next_doc) {
    }
    pthread_mutex_unlock(&packed_lock);
    return s;
}

int xmlio_names_interned(xmlDocPtr doc)
{
    const struct pack_slab *s = registered(doc);

    return s != NULL && s->interned;
}

const struct xmlio_attr_index *xmlio_attr_index(xmlDocPtr doc)
{
    const struct pack_slab *s = registered(doc);

    return s != NULL ? s->ix : NULL;
}

/* The node after 'cur' in document order, into its children when
 * 'descend' (an iterative walk: no recursion on hostile depth); NULL
 * after the last node of 'doc'. */
static xmlNodePtr walk_next(xmlDocPtr doc, xmlNodePtr cur, int descend)
{
    if (descend && cur->children != NULL) {
        return cur->children;
    }
    while (cur != NULL && cur->next == NULL) {
        cur = cur->parent;
        if (cur == (xmlNodePtr)doc) {
            return NULL;
        }
    }
    return cur != NULL ? cur->next : NULL;
}

/* Every element of 'doc' so far (the tree being parsed), in document
 * order, into 'ix'; 0 short of memory. */
static int ai_catch_up(struct xmlio_attr_index *ix, xmlDocPtr doc)
{
    xmlNodePtr cur;
    int el;

    for (cur = doc->children; cur != NULL; cur = walk_next(doc, cur, el)) {
        el = cur->type == XML_ELEMENT_NODE;
        if (el && !ai_add(ix, cur)) {
            return 0;
        }
    }
    return 1;
}

/*
 * New element 'el' of 'doc' into the index, while its attributes are in
 * the cache.  A small document has none: its tree stays in the cache, so
 * walking an attribute list costs little, and numbering it would cost
 * more than it saves.  At the xmlio_ai_min_elems-th element the elements
 * so far are numbered at once, then each as it comes.
 */
static void ai_record(struct parse_state *st, xmlDocPtr doc, xmlNodePtr el)
{
    if (st->ix_failed) {
        return;
    }
    if (st->ix == NULL) {
        st->ix = calloc(1, sizeof(*st->ix));
        if (st->ix != NULL && ai_catch_up(st->ix, doc)) {
            return;
        }
    } else if (ai_add(st->ix, el)) {
        return;
    }
    ai_free(st->ix);
    st->ix = NULL;
    st->ix_failed = 1;
}

/* SAX: libxml2 builds the element, then its attribute values are shared. */
static void on_start_element(void *user, const xmlChar *localname,
                             const xmlChar *prefix, const xmlChar *uri,
                             int nb_namespaces, const xmlChar **namespaces,
                             int nb_attributes, int nb_defaulted,
                             const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = user;
    struct parse_state *st = ctxt->_private;
    xmlNodePtr parent = ctxt->node;
    struct direct_attr da[DIRECT_MAX];
    struct pack_group *g = NULL;
    size_t size = 0;

    if (xmlio_direct_attrs && st != NULL && st->values != NULL &&
        nb_attributes > 0 && nb_attributes <= DIRECT_MAX && nb_defaulted == 0 &&
        direct_parse(ctxt) &&
        direct_plan(st, nb_attributes, attributes, da, &size)) {
        g = pack_alloc(st, size);
    }
    if (g != NULL) {
        xmlSAX2StartElementNs(user, localname, prefix, uri, nb_namespaces,
                              namespaces, 0, 0, NULL);
        /* as below; and libxml2 adds no attribute to an element it ran
         * short of memory for (xmlSAX2ErrMemory() disables SAX) */
        if (ctxt->node != NULL && ctxt->node != parent &&
            !ctxt->disableSAX) {
            direct_build(ctxt, st, ctxt->node, g, size, da, nb_attributes,
                         attributes);
        } else {
            st->slabs->used -= size; /* the last taken: given back */
        }
    } else {
        xmlSAX2StartElementNs(user, localname, prefix, uri, nb_namespaces,
                              namespaces, nb_attributes, nb_defaulted,
                              attributes);
        /* Only a new element: when libxml2 could not build or push it (out
         * of memory) ctxt->node is still the parent, whose values are
         * shared already; sharing them again found each first holder's own
         * node in the table and freed it (a use after free in
         * xmlio_free_shared, found by make check-failinject). */
        if (st != NULL && st->values != NULL && nb_attributes > 0 &&
            ctxt->node != NULL && ctxt->node != parent) {
            share_values(st, ctxt->node);
            pack_element(st, ctxt->node);
        }
    }
    if (st != NULL && ctxt->node != NULL && ctxt->node != parent &&
        ++st->nel >= xmlio_ai_min_elems) {
        ai_record(st, ctxt->myDoc, ctxt->node);
    }
}

/* xmlio_free_shared() of 'doc' whose packed attributes are in 'slabs'. */
static void free_tree(xmlDocPtr doc, struct pack_slab *slabs)
{
    xmlNodePtr cur;
    xmlAttrPtr a;
    int el;

    if (doc == NULL) {
        pack_free(slabs); /* no tree: nothing of theirs is left to free */
        return;
    }
    /* every element (walk_next: no recursion on hostile depth) */
    for (cur = doc->children; cur != NULL; cur = walk_next(doc, cur, el)) {
        el = cur->type == XML_ELEMENT_NODE;
        for (a = el ? cur->properties : NULL; a != NULL; a = a->next) {
            if (a->children != NULL && a->children->parent != (xmlNodePtr)a) {
                a->children = NULL;
                a->last = NULL;
            }
        }
    }
    /* after the walk: a shared value may live in a slab */
    pack_free(slabs);
    xmlFreeDoc(doc);
}

void xmlio_free_shared(xmlDocPtr doc)
{
    if (doc != NULL) {
        free_tree(doc, pack_unregister(doc));
    }
}

/*
 * The input as libxml2 reads it: our buffer handed out a few kilobytes at
 * a time through an IO callback, so that libxml2 holds only a window of
 * it (and of its UTF-8 conversion, for GB 18030 or UTF-16 input) instead
 * of a copy of the whole input.  xmlParserInputBufferCreateMem() copies
 * everything into a buffer it grows by doubling (16 MB for a 9.6 MB
 * document, the peak of a large parse); a static buffer
 * (xmlParserInputBufferCreateStatic()) copies nothing but makes libxml2
 * 2.9.14 refuse documents over 10 MB ("Huge input lookup"), since more
 * than XML_MAX_LOOKUP_LIMIT bytes are then buffered at once.  The bytes
 * libxml2 sees are the same, in the same order, so errors, line numbers
 * and encoding detection are too.
 */
struct mem_reader {
    const unsigned char *next;
    size_t left;
};

static int read_chunk(void *user, char *out, int len)
{
    struct mem_reader *r = user;
    size_t n = len > 0 ? (size_t)len : 0;

    if (n > r->left) {
        n = r->left;
    }
    memcpy(out, r->next, n);
    r->next += n;
    r->left -= n;
    return (int)n;
}

static int close_reader(void *user)
{
    (void)user;
    return 0;
}

/*
 * xmlCtxtReadIO() without its last step: libxml2 frees a document that is
 * not well-formed itself, which a tree with shared values must not meet.
 * The document (NULL if none was begun) is the caller's.
 */
static xmlDocPtr read_chunked(xmlParserCtxtPtr ctxt, xmlio_read_fn read,
                              void *user, const char *name)
{
    xmlParserInputBufferPtr input;
    xmlParserInputPtr stream;
    xmlDocPtr doc;

    input = xmlParserInputBufferCreateIO(read, close_reader, user,
                                         XML_CHAR_ENCODING_NONE);
    if (input == NULL) {
        return NULL;
    }
    stream = xmlNewIOInputStream(ctxt, input, XML_CHAR_ENCODING_NONE);
    if (stream == NULL) {
        xmlFreeParserInputBuffer(input);
        return NULL;
    }
    if (inputPush(ctxt, stream) < 0) {
        return NULL; /* inputPush freed the stream */
    }
    xmlCtxtUseOptions(ctxt, SAFE_OPTIONS);
    if (ctxt->input->filename == NULL) {
        ctxt->input->filename = (char *)xmlStrdup((const xmlChar *)name);
    }
    xmlParseDocument(ctxt);
    doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    return doc;
}

int xmlio_refuse_nul(struct bx_diags *diags, const char *name)
{
    return refuse(diags, name, "XML-MALFORMED",
                  "不是格式正确的 XML 文档：含有 NUL 字符（U+0000）",
                  "not a well-formed XML document: it contains a NUL "
                  "character (U+0000)",
                  BX_E_PARSE);
}

/* The parse of xmlio_parse() from 'read'; 'share': attribute values
 * shared. */
static int parse(xmlio_read_fn read, void *user, const char *name,
                 const struct bx_limits *lim, int share, struct bx_diags *diags,
                 xmlDocPtr *out)
{
    struct parse_state st;
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    int rc = BX_E_NOMEM;

    *out = NULL;
    memset(&st, 0, sizeof(st));
    st.name = name;
    st.diags = diags;
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        goto out;
    }
    ctxt->_private = &st;
    ctxt->sax->serror = on_parse_error;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = NULL;
    ctxt->vctxt.error = quiet_generic;
    ctxt->vctxt.warning = quiet_generic;
    if (share) {
        st.values = value_set_new();
        if (st.values == NULL) {
            goto out;
        }
        ctxt->sax->startElementNs = on_start_element;
    }
    doc = read_chunked(ctxt, read, user, name);
    if (st.saw_doctype) {
        rc = refuse_at(
            diags, name, st.saw_doctype, "XML-DOCTYPE",
            "拒绝文档类型声明（DOCTYPE）：提交文件不得包含 DTD 或实体声明",
            "document type declaration refused: a submission may not "
            "carry a DTD or entity declarations",
            BX_E_PARSE);
        goto out;
    }
    if (doc == NULL || !ctxt->wellFormed || st.errors > 0) {
        if (st.errors == 0) {
            refuse(diags, name, "XML-MALFORMED", "不是格式正确的 XML 文档",
                   "not a well-formed XML document", 0);
        }
        rc = BX_E_PARSE;
        goto out;
    }
    if (xmlDocGetRootElement(doc) == NULL) {
        rc = refuse(diags, name, "XML-MALFORMED", "文档没有根元素",
                    "document has no root element", BX_E_PARSE);
        goto out;
    }
    if (tree_depth(xmlDocGetRootElement(doc), lim->max_depth) >
        lim->max_depth) {
        rc = refuse(diags, name, "XML-DEPTH", "元素嵌套过深",
                    "elements nested too deeply", BX_E_LIMIT);
        goto out;
    }
    if (st.slabs != NULL) {
        st.slabs->ix = st.ix; /* the slabs' registry holds it */
        st.ix = NULL;
        /* SAX2 names elements and attributes with strings of the
         * parser's dictionary, which the document keeps */
        st.slabs->interned =
            ctxt->dictNames && ctxt->dict != NULL && doc->dict == ctxt->dict;
    }
    pack_register(doc, st.slabs);
    st.slabs = NULL;
    *out = doc;
    doc = NULL;
    rc = BX_OK;
out:
    free_tree(doc, st.slabs);
    ai_free(st.ix);
    value_set_free(st.values);
    if (ctxt != NULL) {
        ctxt->_private = NULL;
        xmlFreeParserCtxt(ctxt);
    }
    return rc;
}

/* parse() of bytes in memory, refused first when too long or holding a
 * NUL */
static int parse_memory(const unsigned char *buf, size_t len, const char *name,
                        const struct bx_limits *lim, int share,
                        struct bx_diags *diags, xmlDocPtr *out)
{
    struct mem_reader reader = {buf, len};

    *out = NULL;
    if (len > (size_t)INT32_MAX) {
        return refuse(diags, name, "IO-LIMIT", "文件过大", "file too large",
                      BX_E_LIMIT);
    }
    if (nul_offset(buf, len) >= 0) {
        return xmlio_refuse_nul(diags, name);
    }
    return parse(read_chunk, &reader, name, lim, share, diags, out);
}

int xmlio_parse(const unsigned char *buf, size_t len, const char *name,
                const struct bx_limits *lim, struct bx_diags *diags,
                xmlDocPtr *out)
{
    return parse_memory(buf, len, name, lim, 0, diags, out);
}

int xmlio_parse_shared(const unsigned char *buf, size_t len, const char *name,
                       const struct bx_limits *lim, struct bx_diags *diags,
                       xmlDocPtr *out)
{
    return parse_memory(buf, len, name, lim, 1, diags, out);
}

int xmlio_parse_reader(xmlio_read_fn read, void *user, const char *name,
                       const struct bx_limits *lim, struct bx_diags *diags,
                       xmlDocPtr *out)
{
    return parse(read, user, name, lim, 1, diags, out);
}

int xmlio_read_data(const char *path, struct bx_diags *diags, xmlDocPtr *out)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    struct bx_limits lim = {64u << 20, 256};
    int rc;

    *out = NULL;
    rc = util_read_file(path, lim.max_bytes, &buf, &len);
    if (rc != BX_OK) {
        bx_diags_addf(diags, BX_SEV_FATAL, "DATA-READ", path, 0,
                      "无法读取数据文件", "cannot read data file");
        return BX_E_DATA;
    }
    rc = xmlio_parse(buf, len, path, &lim, diags, out);
    free(buf);
    return rc == BX_OK ? BX_OK : BX_E_DATA;
}
