/*
 * Safe XML input: every submission is parsed here, with network, DTDs,
 * entity substitution and XInclude off and size/depth bounded, and
 * libxml2's errors turned into struct bx_diag records.
 */
#ifndef BX_XMLIO_H
#define BX_XMLIO_H

#include <stdint.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "budgetx.h"

/*
 * Once per process (thread-safe): count libxml2's failed allocations (see
 * xmlio_nomem_count()), initialise the parser, and make silent error
 * handlers and no DTD loading the defaults of every thread started
 * later.  Then xmlio_thread_init() for the calling thread.  Returns BX_OK,
 * or BX_E_NOMEM when libxml2's initialisation ran short of memory:
 * nothing is latched then, and the next call tries again.
 */
int xmlio_init(void);

/*
 * The calling thread's libxml2 state (error handlers and parser defaults
 * are per thread): silent handlers, no external DTDs or entities.  Worker
 * threads call it before their first libxml2 call.
 */
void xmlio_thread_init(void);

/*
 * How many allocations of libxml2 and libxslt have failed in this process
 * so far.  They often turn an allocation failure into a parse error, a
 * schema violation or a short XPath node-set: a stage that compares the
 * count before and after its work returns BX_E_NOMEM rather than a wrong
 * verdict.  (Process-wide: another thread's failure counts too, which
 * errs on the safe side.)
 */
unsigned long xmlio_nomem_count(void);

/*
 * Count an allocation of ours that failed where no status can carry it
 * (a template parsed on demand inside templates_lookup(), which answers
 * only with a pointer): the stage around it then sees
 * xmlio_nomem_count() change and returns BX_E_NOMEM, not a verdict
 * reached without the template.
 */
void xmlio_nomem_note(void);

/*
 * Append the one OUT-OF-MEMORY finding (FATAL) for 'file' to 'diags'
 * unless it holds one already.
 */
void xmlio_out_of_memory(struct bx_diags *diags, const char *file);

/*
 * If 'buf' is gzip data, inflate it (refusing more than 'max' bytes) and
 * replace '*buf'/'*len' with the result (the old buffer is freed).
 * Exactly one gzip member is accepted: a second member or trailing bytes
 * are refused.  Returns BX_OK (also when not gzip), BX_E_LIMIT,
 * BX_E_PARSE (corrupt, truncated, trailing data: an IO-GZIP finding in
 * 'diags' with file 'name' says which), BX_E_NOMEM.
 */
int xmlio_gunzip(unsigned char **buf, size_t *len, size_t max, const char *name,
                 struct bx_diags *diags);

/*
 * Parse untrusted bytes.  'name' is used in diagnostics.  A document
 * type declaration is refused outright (no DTD, no entities).
 * Caller frees '*out' with xmlFreeDoc().  Returns BX_OK, BX_E_PARSE,
 * BX_E_LIMIT (too deep), BX_E_NOMEM.
 */
int xmlio_parse(const unsigned char *buf, size_t len, const char *name,
                const struct bx_limits *lim, struct bx_diags *diags,
                xmlDocPtr *out);

/*
 * xmlio_parse() for a submission, whose tree is only read from then on:
 * attributes with equal values share one text node (about half of the
 * tree of a large disclosure), and each element's attributes lie next to
 * each other in slabs of the document (packed: one read of a row's
 * attributes touches a few cache lines).  Nothing may change, free or
 * unlink an attribute of the result, and the caller frees it with
 * xmlio_free_shared(), never xmlFreeDoc().
 */
int xmlio_parse_shared(const unsigned char *buf, size_t len, const char *name,
                       const struct bx_limits *lim, struct bx_diags *diags,
                       xmlDocPtr *out);

/*
 * Where xmlio_parse_reader() gets its bytes: up to 'len' of them into
 * 'buf'; returns how many, 0 at the end, -1 on a read error (the parse
 * then fails).  libxml2's xmlInputReadCallback.
 */
typedef int (*xmlio_read_fn)(void *user, char *buf, int len);

/*
 * xmlio_parse_shared() of bytes that 'read' hands out piece by piece (a
 * file read as it is parsed, never held whole).  The caller refuses
 * NUL characters and inputs over the size cap itself (the reader sees
 * them): see xmlio_refuse_nul().
 */
int xmlio_parse_reader(xmlio_read_fn read, void *user, const char *name,
                       const struct bx_limits *lim, struct bx_diags *diags,
                       xmlDocPtr *out);

/* The finding of input holding a NUL character; returns BX_E_PARSE. */
int xmlio_refuse_nul(struct bx_diags *diags, const char *name);

/*
 * The attribute names of a document of xmlio_parse_shared(), recorded as
 * it was parsed (its attributes were in the cache then): each element in
 * document order, numbered from 1 as xmlXPathOrderDocElems() numbers
 * them, with the names of its attributes as small numbers, side by side.
 * Finding "@total" among a row's dozen attributes then reads a few bytes
 * instead of a dozen attribute nodes (rules_attr_named()).  An element
 * whose attributes are not packed (see xmlio_parse_shared()), or whose
 * attribute is namespaced, is marked XMLIO_AI_SCAN: walk its list.
 * Read-only once parsed; freed with the document.  Only documents of at
 * least xmlio_ai_min_elems elements have one.
 */
#define XMLIO_AI_SCAN 0x80000000u /* start: walk this element's list */
#define XMLIO_AI_NONE 0xffffu     /* ids: a namespaced attribute */

struct xmlio_ai_elem {
    xmlNodePtr el;  /* element number o */
    uint32_t start; /* its names: ids[start] .. ids[next start] */
};

struct xmlio_attr_index {
    struct xmlio_ai_elem *elems; /* 1 .. nel, and nel + 1 for the end */
    size_t nel, capel;
    uint16_t *ids; /* per attribute, the number of its name */
    size_t nids, capids;
    const xmlChar **names; /* number -> the document dictionary's string */
    size_t nnames;
    const xmlChar **slot_name; /* open addressing: string -> number */
    uint16_t *slot_id;
    size_t nslots;
};

/* Documents of fewer elements get no index (4096; tests lower it). */
extern size_t xmlio_ai_min_elems;

/* 0: xmlio_parse_shared() leaves every attribute to libxml2 before it
 * shares and packs them, as it did before the attributes were built in
 * place (1; tests compare the two trees). */
extern int xmlio_direct_attrs;

/* The index of 'doc' (a document of xmlio_parse_shared()), or NULL: none
 * was recorded (another parse, a small document, no attributes, short of
 * memory). */
const struct xmlio_attr_index *xmlio_attr_index(xmlDocPtr doc);

/*
 * 1 when every element and attribute of 'doc' (a document of
 * xmlio_parse_shared() with at least one attribute) is named with a
 * string of doc->dict, the parser's: two names of it are then equal
 * exactly when their addresses are, and a name the dictionary does not
 * hold names nothing in it.  0 when that is not known.
 */
int xmlio_names_interned(xmlDocPtr doc);

/* The number of 'name' (a string of the document's dictionary) in 'ix';
 * -1: no attribute of the document has that name. */
int xmlio_attr_id(const struct xmlio_attr_index *ix, const xmlChar *name);

/* Free a document of xmlio_parse_shared() (or of xmlio_parse()). */
void xmlio_free_shared(xmlDocPtr doc);

/*
 * Turn one libxml2 error into a diagnostic with code 'code', keeping
 * line, column and (when the error has a node) the XPath.  The message
 * is escaped so that raw input bytes never reach the output.
 */
int xmlio_error_to_diag(const xmlError *err, const char *file, const char *code,
                        enum bx_severity sev, struct bx_diags *diags);

/*
 * Location path of 'node' (element or attribute) with the prefix 'bx'
 * for our namespace and positions where a name repeats:
 * "/bx:disclosure/bx:tables/bx:gpbExpenditure/bx:dept/bx:func[3]/@basic".
 * Caller frees.  NULL on ENOMEM.
 */
char *xmlio_node_path(xmlNodePtr node);

/* A parsed data file of ours (schema, rules): trusted but still no net. */
int xmlio_read_data(const char *path, struct bx_diags *diags, xmlDocPtr *out);

#endif /* BX_XMLIO_H */
