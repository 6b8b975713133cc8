/*
 * Our own data files (schemas, stylesheets): compiled once per context,
 * one sandbox for every transformation, errors as findings.  See
 * datafiles.h.  This and xmlio.c are the only files that install
 * libxml2/libxslt error handlers.
 */
#define _POSIX_C_SOURCE 200809L

#include "datafiles.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlschemastypes.h>
#include <libxslt/extensions.h>
#include <libxslt/imports.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltutils.h>

#include "hash64.h"
#include "util.h"
#include "xmlio.h"
#include "xslt_exsl.h"

enum kind { KIND_SCHEMA, KIND_STYLESHEET };

struct entry {
    char *rel;
    enum kind kind;
    void *compiled; /* xmlSchemaPtr or xsltStylesheetPtr */
};

/* What the context keeps (ctx->datafiles.ptr). */
struct datafiles {
    struct entry *e;
    size_t n;
    size_t cap;
    xsltSecurityPrefsPtr run_prefs;     /* transformations */
    xsltSecurityPrefsPtr compile_prefs; /* includes: local files only */
};

static void datafiles_release(void *p)
{
    struct datafiles *df = p;
    size_t i;

    if (df == NULL) {
        return;
    }
    for (i = 0; i < df->n; i++) {
        if (df->e[i].kind == KIND_SCHEMA) {
            xmlSchemaFree(df->e[i].compiled);
        } else {
            xsltFreeStylesheet(df->e[i].compiled);
        }
        free(df->e[i].rel);
    }
    free(df->e);
    xsltFreeSecurityPrefs(df->run_prefs);
    xsltFreeSecurityPrefs(df->compile_prefs);
    free(df);
}

/* Security preferences forbidding 'n' options.  NULL on ENOMEM. */
static xsltSecurityPrefsPtr prefs_forbidding(const xsltSecurityOption *opt,
                                             size_t n)
{
    xsltSecurityPrefsPtr p = xsltNewSecurityPrefs();
    size_t i;

    for (i = 0; p != NULL && i < n; i++) {
        if (xsltSetSecurityPrefs(p, opt[i], xsltSecurityForbid) != 0) {
            xsltFreeSecurityPrefs(p);
            p = NULL;
        }
    }
    return p;
}

/* The module's state in 'ctx', created on first use.  NULL on ENOMEM. */
static struct datafiles *state_of(struct bx_context *ctx)
{
    /* the one sandbox: a stylesheet sees only the document it is given */
    static const xsltSecurityOption run[] = {
        XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE,
        XSLT_SECPREF_CREATE_DIRECTORY, XSLT_SECPREF_READ_NETWORK,
        XSLT_SECPREF_WRITE_NETWORK};
    /* compiling: xsl:include of our own files, nothing else */
    static const xsltSecurityOption compile[] = {
        XSLT_SECPREF_WRITE_FILE, XSLT_SECPREF_CREATE_DIRECTORY,
        XSLT_SECPREF_READ_NETWORK, XSLT_SECPREF_WRITE_NETWORK};
    struct datafiles *df = ctx->datafiles.ptr;

    if (df != NULL) {
        return df;
    }
    df = calloc(1, sizeof(*df));
    if (df == NULL) {
        return NULL;
    }
    df->run_prefs = prefs_forbidding(run, sizeof(run) / sizeof(run[0]));
    df->compile_prefs =
        prefs_forbidding(compile, sizeof(compile) / sizeof(compile[0]));
    if (df->run_prefs == NULL || df->compile_prefs == NULL) {
        datafiles_release(df);
        return NULL;
    }
    ctx->datafiles.ptr = df;
    ctx->datafiles.release = datafiles_release;
    return df;
}

static struct entry *lookup(struct datafiles *df, const char *rel,
                            enum kind kind)
{
    size_t i;

    for (i = 0; i < df->n; i++) {
        if (df->e[i].kind == kind && strcmp(df->e[i].rel, rel) == 0) {
            return &df->e[i];
        }
    }
    return NULL;
}

/* Keep 'compiled' for 'rel'; on ENOMEM it is freed and NULL returned. */
static void *keep(struct datafiles *df, const char *rel, enum kind kind,
                  void *compiled)
{
    struct entry *grown;
    char *copy = util_strdup(rel);

    if (copy != NULL && df->n == df->cap) {
        grown = realloc(df->e, (df->cap ? df->cap * 2 : 8) * sizeof(*grown));
        if (grown != NULL) {
            df->e = grown;
            df->cap = df->cap ? df->cap * 2 : 8;
        }
    }
    if (copy == NULL || df->n == df->cap) {
        free(copy);
        if (kind == KIND_SCHEMA) {
            xmlSchemaFree(compiled);
        } else {
            xsltFreeStylesheet(compiled);
        }
        return NULL;
    }
    df->e[df->n].rel = copy;
    df->e[df->n].kind = kind;
    df->e[df->n].compiled = compiled;
    df->n++;
    return compiled;
}

/* ---- error routing -------------------------------------------------- */

struct collector {
    struct bx_buf text;
    int count;
};

static void collect_v(struct collector *c, const char *fmt, va_list ap)
{
    char line[1024];

    vsnprintf(line, sizeof(line), fmt, ap);
    c->count++;
    line[strcspn(line, "\n")] = '\0';
    if (c->text.len < 4096 && line[0] != '\0') {
        buf_printf(&c->text, "%s%s", c->text.len > 0 ? "; " : "", line);
    }
}

/* libxslt's (and libxml2's) generic messages, gathered into one line. */
static void collect(void *data, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    collect_v(data, fmt, ap);
    va_end(ap);
}

/*
 * libxslt's generic error handler is one process-wide variable (libxml2's
 * are per thread): it is set once, to this function, which hands each
 * message to the collector of the thread that raised it, or drops it.
 */
static _Thread_local struct collector *thread_collector;

static void dispatch(void *data, const char *fmt, ...)
{
    va_list ap;

    (void)data;
    if (thread_collector == NULL) {
        return;
    }
    va_start(ap, fmt);
    collect_v(thread_collector, fmt, ap);
    va_end(ap);
}

/*
 * Not pthread_once: a failed initialisation (an allocation failed while
 * registering EXSLT common, whose outcome xslt_exsl_register() checks,
 * or anywhere libxml2 counted one) leaves the flag unset for the next
 * call to try again.  Registering twice is harmless: libxslt replaces an
 * entry or keeps the one it has.
 */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int init_done;

static int init_locked(void)
{
    unsigned long nomem = xmlio_nomem_count();

    /*
     * libxml2's built-in schema types are process-wide too, made on the
     * first schema compile and marked made even when an allocation failed
     * ("could not initialize basic types"): every later schema would then
     * fail to compile, or crash.  Made here, before any schema, and
     * dropped again when short, so that the next attempt starts afresh.
     */
    xmlSchemaInitTypes();
    if (xmlio_nomem_count() != nomem) {
        xmlSchemaCleanupTypes();
        return BX_E_NOMEM;
    }
    if (xslt_exsl_register() != BX_OK || xmlio_nomem_count() != nomem) {
        return BX_E_NOMEM; /* what is there stays; the rest next time */
    }
    xsltSetGenericErrorFunc(NULL, dispatch);
    return BX_OK;
}

int datafiles_init(void)
{
    int rc = BX_OK;

    if (atomic_load_explicit(&init_done, memory_order_acquire)) {
        return BX_OK;
    }
    pthread_mutex_lock(&init_lock);
    if (!atomic_load_explicit(&init_done, memory_order_relaxed)) {
        rc = init_locked();
        if (rc == BX_OK) {
            atomic_store_explicit(&init_done, 1, memory_order_release);
        }
    }
    pthread_mutex_unlock(&init_lock);
    return rc;
}

struct saved_handlers {
    struct collector *thread_collector;
    xmlGenericErrorFunc xml_func;
    void *xml_data;
    xmlStructuredErrorFunc xml_serror;
    void *xml_sdata;
};

/* Route libxslt's and this thread's libxml2 handlers into 'c'. */
static void collect_begin(struct collector *c, struct saved_handlers *s)
{
    buf_init(&c->text);
    c->count = 0;
    s->thread_collector = thread_collector;
    s->xml_func = xmlGenericError;
    s->xml_data = xmlGenericErrorContext;
    s->xml_serror = xmlStructuredError;
    s->xml_sdata = xmlStructuredErrorContext;
    thread_collector = c;
    xmlSetGenericErrorFunc(c, collect);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

/*
 * Restore the handlers; append what was collected as one FATAL finding
 * 'code' about 'file'.  Returns the number of messages collected.
 */
static int collect_end(struct collector *c, const struct saved_handlers *s,
                       const char *code, const char *file,
                       struct bx_diags *diags)
{
    char *msg;
    int n = c->count;

    thread_collector = s->thread_collector;
    xmlSetGenericErrorFunc(s->xml_data, s->xml_func);
    xmlSetStructuredErrorFunc(s->xml_sdata, s->xml_serror);
    if (n > 0 && diags != NULL) {
        msg = util_escape_untrusted(c->text.data ? c->text.data : "",
                                    c->text.len, 1000);
        bx_diags_addf(diags, BX_SEV_FATAL, code, file, 0,
                      msg ? msg : "数据文件出错",
                      msg ? msg : "data file error");
        free(msg);
    }
    buf_release(&c->text);
    return n;
}

/* ---- schemas -------------------------------------------------------- */

static void on_schema_error(void *user, xmlErrorPtr err)
{
    struct bx_diags *diags = user;

    if (err->level != XML_ERR_WARNING) {
        xmlio_error_to_diag(err, err->file, "DATA-SCHEMA", BX_SEV_FATAL, diags);
    }
}

static xmlSchemaPtr compile_schema(const char *path, struct bx_diags *diags)
{
    struct collector col;
    struct saved_handlers saved;
    xmlSchemaParserCtxtPtr pctxt;
    xmlSchemaPtr schema = NULL;

    collect_begin(&col, &saved);
    pctxt = xmlSchemaNewParserCtxt(path);
    if (pctxt != NULL) {
        xmlSchemaSetParserStructuredErrors(pctxt, on_schema_error, diags);
        schema = xmlSchemaParse(pctxt);
        xmlSchemaFreeParserCtxt(pctxt);
    }
    collect_end(&col, &saved, "DATA-SCHEMA", path, diags);
    return schema;
}

/* ---- data files read once ----------------------------------------- */

/* The data file at 'path' read into '*buf' ('*len'), or DATA-READ. */
static int read_data(const char *path, struct bx_diags *diags,
                     unsigned char **buf, size_t *len)
{
    if (util_read_file(path, 64u << 20, buf, len) != BX_OK) {
        bx_diags_addf(diags, BX_SEV_FATAL, "DATA-READ", path, 0,
                      "无法读取数据文件", "cannot read data file");
        return BX_E_DATA;
    }
    return BX_OK;
}

/* 'buf' ('len', read from 'path') hashed into 'hex' and parsed; frees it */
static int digest_parse(unsigned char *buf, size_t len, const char *path,
                        struct bx_diags *diags, char *hex, xmlDocPtr *out)
{
    struct bx_limits lim = {64u << 20, 256};
    int rc;

    if (util_digest_hex("sha256", buf, len, hex, 65) != BX_OK) {
        hex[0] = '\0'; /* then the file is validated as it stands */
    }
    rc = xmlio_parse(buf, len, path, &lim, diags, out);
    free(buf);
    return rc == BX_OK ? BX_OK : BX_E_DATA;
}

int datafiles_read_parse(const char *path, struct bx_diags *diags, char *hex,
                         xmlDocPtr *out)
{
    unsigned char *buf = NULL;
    size_t len = 0;

    *out = NULL;
    hex[0] = '\0';
    if (read_data(path, diags, &buf, &len) != BX_OK) {
        return BX_E_DATA;
    }
    return digest_parse(buf, len, path, diags, hex, out);
}

/* ---- reading our own trees ------------------------------------------ */

xmlAttrPtr datafiles_prop(xmlNodePtr n, const char *name)
{
    xmlAttrPtr a;

    if (n == NULL || n->type != XML_ELEMENT_NODE) {
        return NULL;
    }
    if (n->doc != NULL &&
        (n->doc->intSubset != NULL || n->doc->extSubset != NULL)) {
        /* a DTD may declare default values: libxml2 knows them */
        return xmlHasNsProp(n, BAD_CAST name, NULL);
    }
    for (a = n->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && strcmp((const char *)a->name, name) == 0) {
            return a;
        }
    }
    return NULL;
}

int datafiles_lang(xmlNodePtr n, const char **lang)
{
    xmlAttrPtr a;

    *lang = NULL;
    if (n == NULL || n->type != XML_ELEMENT_NODE ||
        (n->doc != NULL &&
         (n->doc->intSubset != NULL || n->doc->extSubset != NULL))) {
        return 0;
    }
    for (a = n->properties; a != NULL; a = a->next) {
        if (a->ns != NULL && a->ns->href != NULL &&
            strcmp((const char *)a->ns->href,
                   "http://www.w3.org/XML/1998/namespace") == 0 &&
            strcmp((const char *)a->name, "lang") == 0) {
            if (a->children == NULL || a->children->next != NULL ||
                a->children->type != XML_TEXT_NODE) {
                return 0;
            }
            *lang = (const char *)a->children->content;
            return 1;
        }
    }
    return 0;
}

/* ---- lean copies of the schemas (scripts/lean-xsd.c) ----------------- */

#define LEAN_DIR "schemas/lean/"

/* hash64() of the data file 'rel' into '*h'; 0 when it cannot be read */
static int file_hash(const struct bx_context *ctx, const char *rel, uint64_t *h)
{
    char *path = context_path(ctx, rel);
    unsigned char *buf = NULL;
    size_t len = 0;
    int ok =
        path != NULL && util_read_file(path, 16u << 20, &buf, &len) == BX_OK;

    if (ok) {
        *h = hash64(buf, len);
    }
    free(buf);
    free(path);
    return ok;
}

/*
 * The path of the lean copy of schema 'rel' (caller frees), or NULL.  The
 * build writes schemas/lean/ (the schemas without xs:annotation, comments
 * and blank text: a third of the bytes, half the compile time) with
 * schemas/lean/SOURCES, one line per file: the hash of the original, the
 * hash of the lean copy, the original's path.  The lean copy is used only
 * while every line still matches the files of the data directory, so an
 * edited original (or a copy without its lean files) is compiled as it
 * stands.  Checked once per process per schema (the compiled schema is
 * cached).
 */
static char *lean_path(const struct bx_context *ctx, const char *rel)
{
    char *path = context_path(ctx, LEAN_DIR "SOURCES");
    unsigned char *buf = NULL;
    size_t len = 0;
    int listed = 0;
    int fresh;
    char *line;
    char *next;

    if (strncmp(rel, "schemas/", 8) != 0 || path == NULL ||
        util_read_file(path, 1u << 16, &buf, &len) != BX_OK || len == 0 ||
        buf[len - 1] != '\n') {
        free(buf);
        free(path);
        return NULL;
    }
    free(path);
    buf[len - 1] = '\0';
    fresh = 1;
    for (line = (char *)buf; fresh && line != NULL; line = next) {
        uint64_t want_orig;
        uint64_t want_lean;
        uint64_t h;
        char name[256];
        char lean_rel[sizeof(LEAN_DIR) + sizeof(name)];

        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        if (sscanf(line, "%16" SCNx64 " %16" SCNx64 " %255s", &want_orig,
                   &want_lean, name) != 3 ||
            strncmp(name, "schemas/", 8) != 0 || strstr(name, "..") != NULL) {
            fresh = 0;
            break;
        }
        snprintf(lean_rel, sizeof(lean_rel), LEAN_DIR "%s", name + 8);
        fresh = file_hash(ctx, name, &h) && h == want_orig &&
                file_hash(ctx, lean_rel, &h) && h == want_lean;
        listed |= strcmp(name, rel) == 0;
    }
    free(buf);
    if (!fresh || !listed) {
        return NULL;
    }
    {
        char lean_rel[sizeof(LEAN_DIR) + 256];

        if (strlen(rel) - 8 >= 256) {
            return NULL;
        }
        snprintf(lean_rel, sizeof(lean_rel), LEAN_DIR "%s", rel + 8);
        return context_path(ctx, lean_rel);
    }
}

/* ---- lean copies of the rule files and templates (scripts/lean-data.c) */

/* The line of schemas/lean/DATA for 'rel'. */
struct data_line {
    uint64_t orig; /* hash64() of the original */
    uint64_t lean; /* hash64() of its lean copy */
    char sha[65];  /* SHA-256 of the original, hex */
};

/*
 * The last index read, by path: a run reads it for each of its data files
 * (a dozen), from two threads.  A stale copy can only make a lean copy
 * look stale (both files are hashed against its line), never stand for
 * another original.
 */
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static char *index_path;
static unsigned char *index_buf;
static size_t index_len;

/* A copy of the index at 'path' (caller frees), or NULL. */
static unsigned char *index_copy(const char *path, size_t *len)
{
    unsigned char *buf = NULL;
    unsigned char *copy = NULL;
    char *p;

    pthread_mutex_lock(&index_lock);
    if (index_path == NULL || strcmp(index_path, path) != 0) {
        if (util_read_file(path, 1u << 16, &buf, len) == BX_OK &&
            (p = util_strdup(path)) != NULL) {
            free(index_path);
            free(index_buf);
            index_path = p;
            index_buf = buf;
            index_len = *len;
            buf = NULL;
        }
        free(buf);
    }
    if (index_path != NULL && strcmp(index_path, path) == 0 &&
        (copy = malloc(index_len + 1)) != NULL) {
        memcpy(copy, index_buf, index_len);
        *len = index_len;
    }
    pthread_mutex_unlock(&index_lock);
    return copy;
}

/* The line for 'rel' of schemas/lean/DATA into '*dl': 1, else 0. */
static int data_line(const struct bx_context *ctx, const char *rel,
                     struct data_line *dl)
{
    char *path = context_path(ctx, LEAN_DIR "DATA");
    unsigned char *buf = NULL;
    size_t len = 0;
    int found = 0;
    char *line;
    char *next;

    buf = path != NULL ? index_copy(path, &len) : NULL;
    free(path);
    if (buf == NULL || len == 0 || buf[len - 1] != '\n') {
        free(buf);
        return 0;
    }
    buf[len - 1] = '\0';
    for (line = (char *)buf; !found && line != NULL; line = next) {
        const char *name;
        char rest[256];

        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        /* the name (last) first: sscanf() only for the line of 'rel' */
        name = strrchr(line, ' ');
        if (name == NULL || strcmp(name + 1, rel) != 0) {
            continue;
        }
        found = sscanf(line, "%16" SCNx64 " %16" SCNx64 " %64s %255s",
                       &dl->orig, &dl->lean, dl->sha, rest) == 4 &&
                strlen(dl->sha) == 64 && strcmp(rest, rel) == 0;
    }
    free(buf);
    return found;
}

/*
 * The lean copy of 'rel' (the original's bytes 'buf', 'len'), read into
 * '*lbuf' ('*llen'; caller frees) when it may stand for the original:
 * its DATA line matches both files and 'built' accepts the original's
 * SHA-256, which is then put into 'hex'.  0 (nothing read) otherwise.
 */
static int lean_bytes(const struct bx_context *ctx, const char *rel,
                      const unsigned char *buf, size_t len,
                      int (*built)(void *, const char *), void *arg,
                      char *hex, unsigned char **lbuf, size_t *llen)
{
    struct data_line dl;
    char lean_rel[sizeof(LEAN_DIR) + 256];
    char *lpath;
    int ok;

    *lbuf = NULL;
    if (strncmp(rel, "schemas/", 8) != 0 || strlen(rel) - 8 >= 256 ||
        strstr(rel, "..") != NULL || !data_line(ctx, rel, &dl) ||
        hash64(buf, len) != dl.orig || !built(arg, dl.sha)) {
        return 0;
    }
    snprintf(lean_rel, sizeof(lean_rel), LEAN_DIR "%s", rel + 8);
    lpath = context_path(ctx, lean_rel);
    ok = lpath != NULL &&
         util_read_file(lpath, 64u << 20, lbuf, llen) == BX_OK &&
         hash64(*lbuf, *llen) == dl.lean;
    free(lpath);
    if (!ok) {
        free(*lbuf);
        *lbuf = NULL;
        return 0;
    }
    memcpy(hex, dl.sha, sizeof(dl.sha));
    return 1;
}

int datafiles_read_parse_lean(const struct bx_context *ctx, const char *rel,
                              const char *path,
                              int (*built)(void *, const char *), void *arg,
                              struct bx_diags *diags, char *hex, int *lean,
                              xmlDocPtr *out)
{
    struct bx_limits lim = {64u << 20, 256};
    struct bx_diags scratch;
    unsigned char *buf = NULL;
    unsigned char *lbuf = NULL;
    size_t len = 0;
    size_t llen = 0;
    char sha[65];
    int rc;

    *out = NULL;
    *lean = 0;
    if (hex != NULL) {
        hex[0] = '\0';
    }
    if (read_data(path, diags, &buf, &len) != BX_OK) {
        return BX_E_DATA;
    }
    if (lean_bytes(ctx, rel, buf, len, built, arg, hex != NULL ? hex : sha,
                   &lbuf, &llen)) {
        /* parsed under the original's name; should it fail, the
         * original says what is wrong */
        bx_diags_init(&scratch);
        *lean = xmlio_parse(lbuf, llen, path, &lim, &scratch, out) == BX_OK &&
                scratch.count == 0;
        bx_diags_release(&scratch);
        free(lbuf);
        if (*lean) {
            free(buf);
            return BX_OK;
        }
        xmlFreeDoc(*out);
        *out = NULL;
    }
    if (hex != NULL) {
        return digest_parse(buf, len, path, diags, hex, out);
    }
    rc = xmlio_parse(buf, len, path, &lim, diags, out);
    free(buf);
    return rc == BX_OK ? BX_OK : BX_E_DATA;
}

/*
 * What is compiled for 'rel' already ('*found'), else the path to compile
 * it from ('*path', caller frees).  Returns BX_OK or BX_E_NOMEM.
 */
static int cached(struct bx_context *ctx, const char *rel, enum kind kind,
                  void **found, char **path)
{
    struct datafiles *df = state_of(ctx);
    struct entry *e = df != NULL ? lookup(df, rel, kind) : NULL;

    *found = e != NULL ? e->compiled : NULL;
    *path = NULL;
    if (df == NULL) {
        return BX_E_NOMEM;
    }
    if (e == NULL) {
        *path = context_path(ctx, rel);
    }
    return e != NULL || *path != NULL ? BX_OK : BX_E_NOMEM;
}

/* The lean copy of 'rel' compiled, or NULL (then the original is). */
static xmlSchemaPtr compile_lean(const struct bx_context *ctx, const char *rel)
{
    struct bx_diags scratch;
    xmlSchemaPtr schema;
    char *lean = lean_path(ctx, rel);

    if (lean == NULL) {
        return NULL;
    }
    bx_diags_init(&scratch);
    schema = compile_schema(lean, &scratch);
    if (schema != NULL && scratch.count > 0) {
        xmlSchemaFree(schema); /* the original says what is wrong */
        schema = NULL;
    }
    bx_diags_release(&scratch);
    free(lean);
    return schema;
}

/*
 * The process-wide initialisation, done (or retried) before anything is
 * compiled or run: BX_OK, or BX_E_NOMEM with the finding that says so.
 */
static int ready(struct bx_diags *diags)
{
    if (datafiles_init() != BX_OK) {
        xmlio_out_of_memory(diags, NULL);
        return BX_E_NOMEM;
    }
    return BX_OK;
}

/* Compile the schema 'rel' at 'path' (its lean copy when fresh). */
static int schema_compile(struct bx_context *ctx, const char *rel,
                          const char *path, struct bx_diags *diags,
                          xmlSchemaPtr *out)
{
    unsigned long nomem = xmlio_nomem_count();
    xmlSchemaPtr schema = compile_lean(ctx, rel);

    *out = NULL;
    if (schema == NULL && xmlio_nomem_count() == nomem) {
        schema = compile_schema(path, diags);
    }
    if (xmlio_nomem_count() != nomem) {
        xmlSchemaFree(schema); /* possibly short of a part */
        xmlio_out_of_memory(diags, path);
        return BX_E_NOMEM;
    }
    if (schema == NULL) {
        bx_diags_addf(diags, BX_SEV_FATAL, "DATA-SCHEMA", path, 0,
                      "无法编译 XML 模式（检查数据目录或设置 "
                      "BUDGETX_DATADIR）",
                      "cannot compile the schema (check the data directory "
                      "or set BUDGETX_DATADIR)");
        return BX_E_DATA;
    }
    *out = schema;
    return BX_OK;
}

/*
 * Threads share the context: compiled once, kept under its lock.  The
 * compilation itself holds no lock (the prefetch thread loads the rule
 * set meanwhile); two threads that compile the same schema at once keep
 * the first one kept.
 */
int datafiles_schema(struct bx_context *ctx, const char *rel,
                     struct bx_diags *diags, xmlSchemaPtr *out)
{
    xmlSchemaPtr schema = NULL;
    void *found = NULL;
    char *path = NULL;
    int rc;

    *out = NULL;
    context_lock(ctx);
    rc = ready(diags);
    if (rc == BX_OK) {
        rc = cached(ctx, rel, KIND_SCHEMA, &found, &path);
    }
    context_unlock(ctx);
    if (rc != BX_OK || found != NULL) {
        *out = found;
        return rc;
    }
    rc = schema_compile(ctx, rel, path, diags, &schema);
    free(path);
    if (rc != BX_OK) {
        return rc;
    }
    context_lock(ctx);
    rc = cached(ctx, rel, KIND_SCHEMA, &found, &path);
    if (rc == BX_OK && found != NULL) {
        xmlSchemaFree(schema); /* another thread's came first */
        *out = found;
    } else if (rc == BX_OK) {
        /* keep() frees it when it cannot keep it */
        *out = keep(ctx->datafiles.ptr, rel, KIND_SCHEMA, schema);
        rc = *out != NULL ? BX_OK : BX_E_NOMEM;
    } else {
        xmlSchemaFree(schema);
    }
    context_unlock(ctx);
    free(path);
    return rc;
}

/* ---- stylesheets ---------------------------------------------------- */

/*
 * Lean copies of the stylesheets (scripts/lean-xslt.c): schemas/lean/REL
 * with schemas/lean/XSLT, one line per stylesheet: the hash of the
 * original, the hash of the lean copy, REL, then the REL of each
 * stylesheet it includes or imports.  The lean copy lacks only what
 * libxslt throws away before it compiles (comments, blank text outside
 * xsl:text): a fifth of the compile.  It is compiled instead of 'rel'
 * only while the lines of 'rel' and of everything it includes, directly
 * or not, match the data directory's files; its includes then resolve to
 * the lean copies beside it.  An edited stylesheet compiles from its
 * original, and so does whatever includes it.
 */
#define LEAN_SHEETS 64 /* stylesheets in the index, at most */

struct sheet_line {
    char *rel;  /* in the index's buffer */
    char *incs; /* the included RELs, space-separated */
    uint64_t orig;
    uint64_t lean;
    int state; /* 0 not seen, 1 being checked or fresh */
};

static struct sheet_line *sheet_find(struct sheet_line *l, size_t n,
                                     const char *rel, size_t len)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strlen(l[i].rel) == len && strncmp(l[i].rel, rel, len) == 0)
            return &l[i];
    }
    return NULL;
}

/* Whether the line 'at' and those of everything it includes are fresh. */
static int sheet_fresh(const struct bx_context *ctx, struct sheet_line *l,
                       size_t n, struct sheet_line *at)
{
    char lean_rel[sizeof(LEAN_DIR) + 256];
    const char *p;
    uint64_t h;

    if (at->state != 0)
        return 1; /* fresh, or on the way (an include cycle: libxslt's) */
    at->state = 1;
    if (strlen(at->rel) >= 256)
        return 0;
    snprintf(lean_rel, sizeof(lean_rel), LEAN_DIR "%s", at->rel);
    if (!file_hash(ctx, at->rel, &h) || h != at->orig ||
        !file_hash(ctx, lean_rel, &h) || h != at->lean)
        return 0;
    for (p = at->incs; *p != '\0';) {
        size_t len = strcspn(p, " ");
        struct sheet_line *inc = sheet_find(l, n, p, len);

        if (inc == NULL || !sheet_fresh(ctx, l, n, inc))
            return 0;
        p += len;
        p += strspn(p, " ");
    }
    return 1;
}

/* The path of the lean copy of stylesheet 'rel' (caller frees), or NULL:
 * then the original is compiled. */
static char *lean_sheet(const struct bx_context *ctx, const char *rel)
{
    struct sheet_line lines[LEAN_SHEETS];
    char *path = context_path(ctx, LEAN_DIR "XSLT");
    unsigned char *buf = NULL;
    size_t len = 0;
    size_t n = 0;
    struct sheet_line *at;
    char *line;
    char *next;
    char *out = NULL;

    if (strncmp(rel, "xslt/", 5) != 0 || path == NULL ||
        util_read_file(path, 1u << 16, &buf, &len) != BX_OK || len == 0 ||
        buf[len - 1] != '\n') {
        goto out;
    }
    buf[len - 1] = '\0';
    for (line = (char *)buf; line != NULL; line = next) {
        int off = 0;

        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (n == LEAN_SHEETS ||
            sscanf(line, "%16" SCNx64 " %16" SCNx64 " %n", &lines[n].orig,
                   &lines[n].lean, &off) != 2 ||
            off == 0 || strncmp(line + off, "xslt/", 5) != 0 ||
            strstr(line + off, "..") != NULL) {
            goto out; /* not ours: the originals */
        }
        lines[n].rel = line + off;
        lines[n].incs = lines[n].rel + strcspn(lines[n].rel, " ");
        if (*lines[n].incs != '\0')
            *lines[n].incs++ = '\0';
        lines[n].state = 0;
        n++;
    }
    at = sheet_find(lines, n, rel, strlen(rel));
    if (at != NULL && sheet_fresh(ctx, lines, n, at)) {
        char lean_rel[sizeof(LEAN_DIR) + 256];

        snprintf(lean_rel, sizeof(lean_rel), LEAN_DIR "%s", at->rel);
        out = context_path(ctx, lean_rel);
    }
out:
    free(buf);
    free(path);
    return out;
}

/*
 * One compilation at a time in the process, whatever context: the
 * default security preferences it sets for its time are process-wide,
 * and the prefetch compiles without holding its context's lock.
 */
static pthread_mutex_t compile_lock = PTHREAD_MUTEX_INITIALIZER;

/* The stylesheet 'path' compiled, from its lean copy 'lean' if not NULL;
 * what libxslt says is said of 'path'. */
static xsltStylesheetPtr compile_stylesheet(struct datafiles *df,
                                            const char *path,
                                            const char *lean,
                                            struct bx_diags *diags, int *said)
{
    struct collector col;
    struct saved_handlers saved;
    xsltSecurityPrefsPtr old;
    xsltStylesheetPtr style;

    /* includes are checked against the default preferences: ours, for
     * the time of the compilation only */
    pthread_mutex_lock(&compile_lock);
    old = xsltGetDefaultSecurityPrefs();
    xsltSetDefaultSecurityPrefs(df->compile_prefs);
    collect_begin(&col, &saved);
    style = xsltParseStylesheetFile(
        (const xmlChar *)(lean != NULL ? lean : path));
    *said = collect_end(&col, &saved, "XSLT-COMPILE", path, diags);
    xsltSetDefaultSecurityPrefs(old);
    pthread_mutex_unlock(&compile_lock);
    if (style != NULL && (*said > 0 || style->errors > 0)) {
        xsltFreeStylesheet(style); /* compiled with errors: not ours */
        style = NULL;
    }
    return style;
}

static int stylesheet_locked(struct bx_context *ctx, const char *rel,
                             struct bx_diags *diags, xsltStylesheetPtr *out)
{
    xsltStylesheetPtr style;
    unsigned long nomem;
    void *found;
    char *path;
    char *lean;
    int prefetch_nomem;
    int said = 0;
    int rc = ready(diags);

    *out = NULL;
    if (rc != BX_OK) {
        return rc;
    }
    rc = cached(ctx, rel, KIND_STYLESHEET, &found, &path);

    *out = found;
    if (rc != BX_OK || found != NULL) {
        return rc;
    }
    nomem = xmlio_nomem_count();
    style = context_prefetch_take_sheet(ctx, rel, &prefetch_nomem);
    if (prefetch_nomem) {
        /* the prefetch ran out of memory compiling it: as if here */
        xmlio_out_of_memory(diags, path);
        free(path);
        return BX_E_NOMEM;
    }
    if (style != NULL) {
        free(path);
        *out = keep(ctx->datafiles.ptr, rel, KIND_STYLESHEET, style);
        return *out != NULL ? BX_OK : BX_E_NOMEM;
    }
    lean = lean_sheet(ctx, rel);
    style = compile_stylesheet(ctx->datafiles.ptr, path, lean, diags, &said);
    free(lean);
    if (xmlio_nomem_count() != nomem) {
        xsltFreeStylesheet(style); /* possibly short of a part */
        xmlio_out_of_memory(diags, path);
        free(path);
        return BX_E_NOMEM;
    }
    if (style == NULL && said == 0) {
        bx_diags_addf(diags, BX_SEV_FATAL, "XSLT-COMPILE", path, 0,
                      "无法读取或编译样式表",
                      "cannot read or compile stylesheet");
    }
    free(path);
    if (style == NULL) {
        return BX_E_DATA;
    }
    *out = keep(ctx->datafiles.ptr, rel, KIND_STYLESHEET, style);
    return *out != NULL ? BX_OK : BX_E_NOMEM;
}

int datafiles_stylesheet(struct bx_context *ctx, const char *rel,
                         struct bx_diags *diags, xsltStylesheetPtr *out)
{
    int rc;

    context_lock(ctx);
    rc = stylesheet_locked(ctx, rel, diags, out);
    context_unlock(ctx);
    return rc;
}

int datafiles_prefetch_prepare(struct bx_context *ctx)
{
    struct bx_diags scratch;
    int rc;

    bx_diags_init(&scratch);
    context_lock(ctx);
    rc = ready(&scratch);
    if (rc == BX_OK && state_of(ctx) == NULL) {
        rc = BX_E_NOMEM;
    }
    context_unlock(ctx);
    bx_diags_release(&scratch);
    return rc;
}

void *datafiles_prefetch_compile(struct bx_context *ctx, const char *rel,
                                 int *nomem_out)
{
    struct bx_diags scratch;
    xsltStylesheetPtr style = NULL;
    unsigned long nomem = xmlio_nomem_count();
    char *path = context_path(ctx, rel);
    int said = 0;

    bx_diags_init(&scratch);
    /* ctx->datafiles exists since datafiles_prefetch_prepare() */
    if (path != NULL && ctx->datafiles.ptr != NULL) {
        char *lean = lean_sheet(ctx, rel);

        style = compile_stylesheet(ctx->datafiles.ptr, path, lean, &scratch,
                                   &said);
        free(lean);
    }
    *nomem_out = path == NULL || xmlio_nomem_count() != nomem;
    if (style != NULL && (said > 0 || *nomem_out)) {
        xsltFreeStylesheet(style); /* possibly short of a part */
        style = NULL;
    }
    free(path);
    bx_diags_release(&scratch);
    return style;
}

void datafiles_prefetch_free(void *style)
{
    xsltFreeStylesheet(style);
}

int datafiles_apply(struct bx_context *ctx, xsltStylesheetPtr style,
                    const char *rel, xmlDocPtr doc, const char **params,
                    struct bx_diags *diags, xmlDocPtr *res)
{
    struct datafiles *df;
    xsltTransformContextPtr tctx;
    struct collector col;
    struct saved_handlers saved;
    unsigned long nomem = xmlio_nomem_count();
    int said;
    int rc = BX_OK;

    *res = NULL;
    if (ready(diags) != BX_OK) {
        return BX_E_NOMEM;
    }
    context_lock(ctx);
    df = state_of(ctx);
    context_unlock(ctx);
    if (df == NULL) {
        return BX_E_NOMEM;
    }
    tctx = xsltNewTransformContext(style, doc);
    if (tctx == NULL || xsltSetCtxtSecurityPrefs(df->run_prefs, tctx) != 0) {
        xsltFreeTransformContext(tctx);
        return BX_E_NOMEM;
    }
    collect_begin(&col, &saved);
    xsltSetTransformErrorFunc(tctx, &col, collect);
    *res = xsltApplyStylesheetUser(style, doc, params, NULL, NULL, tctx);
    said = collect_end(&col, &saved, "XSLT-RUN", rel,
                       xmlio_nomem_count() != nomem ? NULL : diags);
    if (xmlio_nomem_count() != nomem) {
        rc = BX_E_NOMEM;
        xmlio_out_of_memory(diags, rel);
    } else if (said > 0 || tctx->state != XSLT_STATE_OK || *res == NULL) {
        rc = BX_E_INTERNAL;
        if (said == 0) {
            bx_diags_addf(diags, BX_SEV_FATAL, "XSLT-RUN", rel, 0,
                          "样式表运行失败", "stylesheet failed");
        }
    }
    if (rc != BX_OK) {
        xmlFreeDoc(*res);
        *res = NULL;
    }
    xsltFreeTransformContext(tctx);
    return rc;
}

/* xmlOutputBuffer write callback: append to a struct bx_buf. */
static int append_output(void *ctx, const char *data, int len)
{
    return buf_append(ctx, data, (size_t)len) == BX_OK ? len : -1;
}

/*
 * Serialise 'res' with the output method of 'style' through 'write'
 * (an xmlOutputBuffer write callback given 'ctx').  Returns BX_OK, or
 * BX_E_NOMEM when the serialiser or 'write' failed.
 */
static int save_result(xsltStylesheetPtr style, xmlDocPtr res,
                       xmlOutputWriteCallback writer, void *ctx)
{
    xmlOutputBufferPtr ob;
    xmlCharEncodingHandlerPtr enc = NULL;
    const xmlChar *encoding;
    unsigned long nomem = xmlio_nomem_count();
    int n;

    XSLT_GET_IMPORT_PTR(encoding, style, encoding)
    if (encoding != NULL) {
        enc = xmlFindCharEncodingHandler((const char *)encoding);
        if (enc != NULL &&
            xmlStrEqual((const xmlChar *)enc->name, (const xmlChar *)"UTF-8")) {
            enc = NULL;
        }
    }
    ob = xmlOutputBufferCreateIO(writer, NULL, ctx, enc);
    if (ob == NULL) {
        return BX_E_NOMEM;
    }
    n = xsltSaveResultTo(ob, res, style);
    if (ob->error != 0) {
        n = -1;
    }
    if (xmlOutputBufferClose(ob) < 0) {
        n = -1;
    }
    return n < 0 || xmlio_nomem_count() != nomem ? BX_E_NOMEM : BX_OK;
}

/*
 * Like xsltSaveResultToString(), without its copy: that one serialises
 * into libxml2's buffer and then duplicates it, so a 14 MB page was held
 * three times (its buffer, its copy, ours).  Here libxml2's output buffer
 * flushes its 4 KB chunks straight into ours, trimmed to size at the end.
 */
int datafiles_serialise(xsltStylesheetPtr style, xmlDocPtr res,
                        unsigned char **out, size_t *len)
{
    struct bx_buf b;
    char *shrunk;
    int rc;

    *out = NULL;
    buf_init(&b);
    rc = save_result(style, res, append_output, &b);
    if (rc != BX_OK || b.failed) {
        buf_release(&b);
        return BX_E_NOMEM;
    }
    *out = (unsigned char *)buf_take(&b, len);
    if (*out == NULL) {
        return BX_E_NOMEM;
    }
    shrunk = realloc(*out, *len + 1);
    if (shrunk != NULL) {
        *out = (unsigned char *)shrunk;
    }
    return BX_OK;
}

/* Where datafiles_serialise_fd() writes, and whether a write failed. */
struct fd_out {
    int fd;
    int failed; /* errno of the failed write, or 0 */
};

/* xmlOutputBuffer write callback: write(2) to a descriptor. */
static int write_output(void *ctx, const char *data, int len)
{
    struct fd_out *o = ctx;

    if (util_write_all(o->fd, data, (size_t)len) != BX_OK) {
        o->failed = errno != 0 ? errno : EIO;
        return -1;
    }
    return len;
}

int datafiles_serialise_fd(xsltStylesheetPtr style, xmlDocPtr res, int fd)
{
    struct fd_out o = {fd, 0};
    int rc = save_result(style, res, write_output, &o);

    if (o.failed != 0) {
        errno = o.failed;
        return BX_E_IO;
    }
    return rc;
}

int datafiles_serialise_with(xsltStylesheetPtr style, xmlDocPtr res,
                             xmlOutputWriteCallback writer, void *ctx)
{
    return save_result(style, res, writer, ctx);
}
