/*
 * budgetx: validate, transform and package government budget disclosures.
 *
 * This is the one public header of libbudgetx.  The library never prints
 * and never exits: every function returns an enum bx_status and reports
 * what the user should see as struct bx_diag records in a struct bx_diags.
 *
 * Threads: one struct bx_context may be shared by any number of threads
 * (bx_batch_run() does); everything it compiles (schema, rule sets,
 * stylesheets) is compiled once, under the context's lock, and read-only
 * afterwards.  Everything else (a submission, a check, a struct
 * bx_diags, an output, a bundle being written) belongs to one thread at
 * a time.  The library changes no process-wide libxml2 or libxslt state
 * per call: it initialises them once (thread-safe) when the first
 * context is made, and its error handlers are per parse, validation or
 * transformation.  Link with -pthread.
 */
#ifndef BUDGETX_H
#define BUDGETX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BX_VERSION "0.1.0"
#define BX_NAMESPACE "urn:budgetx:disclosure:1"

/* Return codes of library functions.  BX_OK is 0, failures negative. */
enum bx_status {
    BX_OK = 0,
    BX_E_NOMEM = -1,    /* out of memory */
    BX_E_IO = -2,       /* a file could not be read or written */
    BX_E_PARSE = -3,    /* input is not well-formed XML (or not a zip) */
    BX_E_LIMIT = -4,    /* input exceeds a size, depth or ratio limit */
    BX_E_DATA = -5,     /* a data file of ours (schema, rules, xslt) is bad */
    BX_E_STATE = -6,    /* called in the wrong order */
    BX_E_ARG = -7,      /* invalid argument */
    BX_E_EXISTS = -8,   /* output exists and overwriting was not allowed */
    BX_E_INVALID = -9,  /* the input was processed and is invalid */
    BX_E_INTERNAL = -10 /* a library call failed unexpectedly */
};

/* Exit codes of the budgetx command.  Only ever appended to. */
enum bx_exit {
    BX_EXIT_OK = 0,      /* every input valid / operation done */
    BX_EXIT_INVALID = 1, /* some input invalid (or rejected) */
    BX_EXIT_USAGE = 2,   /* bad command line */
    BX_EXIT_IO = 3,      /* an input unreadable, not XML, not a zip */
    BX_EXIT_INTERNAL = 4 /* internal error: broken data files, bugs */
};

/* Short English name of a status ("out of memory"). Never NULL. */
const char *bx_status_str(int status);

/*
 * The one mapping from a status that stopped processing to the exit code
 * (enum bx_exit) every command uses:
 *   BX_OK → 0; BX_E_INVALID → 1; BX_E_ARG → 2;
 *   BX_E_IO, BX_E_PARSE, BX_E_LIMIT, BX_E_EXISTS → 3;
 *   BX_E_NOMEM, BX_E_DATA, BX_E_STATE, BX_E_INTERNAL, anything else → 4.
 */
int bx_status_exit_code(int status);

/*
 * Write 'len' bytes to 'path' atomically: a temporary file in the same
 * directory, fsync, then rename.  With 'force' 0 an existing file is left
 * alone (BX_E_EXISTS).  A failure never leaves a partial file behind.
 * Returns BX_OK, BX_E_EXISTS or BX_E_IO (errno says why).
 */
int bx_write_file(const char *path, const void *data, size_t len, int force);

/* ---------------------------------------------------------------- */
/* Diagnostics                                                       */
/* ---------------------------------------------------------------- */

enum bx_severity {
    BX_SEV_INFO = 0,
    BX_SEV_WARNING = 1,
    BX_SEV_ERROR = 2,
    BX_SEV_FATAL = 3
};
#define BX_SEV_COUNT 4

/* "info", "warning", "error", "fatal". */
const char *bx_severity_name(enum bx_severity sev);

enum bx_lang { BX_LANG_ZH = 0, BX_LANG_EN = 1 };

/*
 * One finding.  All strings are owned by the struct bx_diags that holds
 * the record; any of them may be NULL when unknown.  line/column are 0
 * when unknown.
 */
struct bx_diag {
    enum bx_severity severity;
    char *code; /* stable machine code: "XSD-MISSING", "BR-001" ... */
    char *rule; /* business rule id ("BR-001") or NULL */
    char *file; /* input path as given */
    long line;
    long column;
    char *xpath;      /* location path of the offending node */
    char *message_zh; /* message in Chinese */
    char *message_en; /* message in English */
    char *table; /* table number and name: "表五 一般公共预算支出情况表" */
    char *row; /* row code and label: "2080505 机关事业单位基本养老…" */
    char *column_label; /* column label: "基本支出" */
    char *printed;      /* printed value (decimal string) */
    char *computed;     /* computed value */
    char *difference;   /* printed - computed */
    char *tolerance;    /* tolerance used */
    char *cell; /* workbook cell of a workbook-born input: "'表五'!E12" */
};

/*
 * Findings of one run or file.  by_severity counts every finding added,
 * including those the caps kept out of 'items' (the "and N more" records
 * themselves are not counted).
 */
struct bx_diags {
    struct bx_diag *items;
    size_t count;
    size_t cap;
    size_t by_severity[BX_SEV_COUNT];
    size_t max_per_rule; /* 0: no cap (see bx_diags_set_caps()) */
    size_t max_total;    /* 0: no cap */
    size_t suppressed;   /* findings counted but not stored */
    void *caps;          /* per-rule counts, owned */
};

/* Defaults of struct bx_options' findings caps. */
#define BX_MAX_FINDINGS_PER_RULE 100
#define BX_MAX_FINDINGS 1000

void bx_diags_init(struct bx_diags *diags);

/*
 * Keep at most 'per_rule' findings of one rule (or one code, when a
 * finding has no rule) and at most 'total' findings in 'diags' (0: no
 * cap).  Further findings are counted (by_severity, suppressed) but not
 * stored; bx_diags_finish() then adds one "and N more" record (code
 * MORE-FINDINGS, severity the worst one left out, rule the capped rule)
 * per capped rule and one for the total, so a verdict never changes.
 */
void bx_diags_set_caps(struct bx_diags *diags, size_t per_rule, size_t total);

/* Append the "and N more" records (see above).  BX_OK or BX_E_NOMEM. */
int bx_diags_finish(struct bx_diags *diags);
/* Frees every record and its strings; leaves 'diags' empty and reusable. */
void bx_diags_release(struct bx_diags *diags);

/*
 * Append a copy of 'd' (every non-NULL string is duplicated).  'diags'
 * NULL discards it.  Returns BX_OK or BX_E_NOMEM (then 'diags' is
 * unchanged).
 */
int bx_diags_add(struct bx_diags *diags, const struct bx_diag *d);

/*
 * Convenience: append a diagnostic with only severity, code, file and a
 * message in both languages.  'line' may be 0.
 */
int bx_diags_addf(struct bx_diags *diags, enum bx_severity sev,
                  const char *code, const char *file, long line,
                  const char *message_zh, const char *message_en);

/*
 * strerror(errnum) in 'lang': Chinese for the common file errors (ENOENT,
 * EACCES, ENOSPC ...), else the C library's text.  Never NULL.
 */
const char *bx_strerror(int errnum, enum bx_lang lang);

/*
 * 's' (a file name, any untrusted text) made safe to print: control
 * characters (ESC, newline, CR ...) become \x1b-style escapes, bidi
 * controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C) and U+2028/9
 * \u202e-style, bytes that are not UTF-8 \xNN.  Written into 'buf'
 * ('size' bytes, cut with "..." when longer); returns 'buf'.  Every
 * finding's strings are escaped this way when they are added.
 */
const char *bx_display(const char *s, char *buf, size_t size);

/* Message in 'lang', falling back to the other language.  Never NULL. */
const char *bx_diag_message(const struct bx_diag *d, enum bx_lang lang);

/* Non-zero when some record has code or rule equal to 'id'. */
int bx_diags_has(const struct bx_diags *diags, const char *id);

/* Highest severity present, or -1 when empty. */
int bx_diags_worst(const struct bx_diags *diags);

/* ---------------------------------------------------------------- */
/* Context: compiled schemas, rules and stylesheets for one run      */
/* ---------------------------------------------------------------- */

struct bx_limits {
    size_t max_bytes;   /* largest input file (after decompression) */
    unsigned max_depth; /* deepest element nesting */
};

struct bx_options {
    const char *data_dir;    /* directory holding schemas/ and xslt/;
                                NULL: $BUDGETX_DATADIR, else the
                                compiled-in install location */
    struct bx_limits limits; /* zeros: defaults */
    int no_rules;            /* skip business rules */
    const char *codes_dir;   /* code lists (function.xml, dep-economic.xml,
                                gov-economic.xml, eco-mapping.xml) that
                                replace the bundled ones; NULL: bundled */
    size_t max_findings_per_rule; /* per file and rule (or code); 0:
                                     default 100, SIZE_MAX: no cap */
    size_t max_findings;          /* per file; 0: default 1000, SIZE_MAX:
                                     no cap */
};

/* Defaults: 64 MiB input, depth 256, 100 findings per rule, 1000 per
 * file. */
void bx_options_init(struct bx_options *opts);

struct bx_context;

/*
 * Compile the disclosure schema (and, later, rules) found under the data
 * directory.  Compilation problems are appended to 'diags' as FATAL.
 * Returns BX_OK, BX_E_DATA (schema missing or broken), BX_E_NOMEM.
 * Caller frees '*out' with bx_context_free().
 */
int bx_context_new(const struct bx_options *opts, struct bx_diags *diags,
                   struct bx_context **out);
void bx_context_free(struct bx_context *ctx);

/* The data directory the context was built from.  Never NULL. */
const char *bx_context_data_dir(const struct bx_context *ctx);

/*
 * A hint that 'ctx' will soon check submissions ('rules' not 0: their
 * business rules, unless the options say no_rules) and, when 'format'
 * is not NULL, render them to 'format' ("html", "csv", "json" or
 * "platform"): what that needs (the rule set of the newest fiscal year
 * of the data directory, the format's stylesheet) is loaded on
 * background threads meanwhile (one for the rule set and the template
 * registry; with 'rules' and a 'format', a second for the registry and
 * then the stylesheet), so that a single document does not wait for it
 * on one core.  Results, findings and exit codes are the same with or
 * without it: what fails to load there is loaded again, and reported,
 * where it is needed.  Call it once, before other threads share 'ctx'.
 * Returns BX_OK (also when no thread could be started: then nothing is
 * prefetched), BX_E_ARG, or BX_E_STATE when called a second time.
 */
int bx_context_prefetch(struct bx_context *ctx, int rules, const char *format);

/*
 * bx_context_new() and bx_context_prefetch() in one: the prefetch starts
 * before the schema is compiled, so that the two overlap.  The same
 * returns and findings as bx_context_new().
 */
int bx_context_new_prefetch(const struct bx_options *opts, int rules,
                            const char *format, struct bx_diags *diags,
                            struct bx_context **out);

/* Wait until the work bx_context_prefetch() started is done; at once
 * when there is none.  bx_context_free() waits too. */
void bx_context_wait(struct bx_context *ctx);

/* ---------------------------------------------------------------- */
/* Submissions                                                       */
/* ---------------------------------------------------------------- */

struct bx_submission;

/*
 * Read and parse one submission.  'path' "-" reads standard input.
 * Gzip input (.xml.gz or by magic) is decompressed under the size limit.
 * Parsing forbids network, DTD loading, entity substitution and XInclude.
 * Problems are appended to 'diags' (file = 'path').
 * Returns BX_OK, BX_E_IO (unreadable), BX_E_PARSE (not well-formed),
 * BX_E_LIMIT (too large or too deep), BX_E_NOMEM.
 * Caller frees '*out' with bx_submission_free().
 */
int bx_submission_load(struct bx_context *ctx, const char *path,
                       struct bx_diags *diags, struct bx_submission **out);

/* The same from memory; 'name' is used in diagnostics. */
int bx_submission_load_memory(struct bx_context *ctx, const void *buf,
                              size_t len, const char *name,
                              struct bx_diags *diags,
                              struct bx_submission **out);

void bx_submission_free(struct bx_submission *sub);

/* Path or name given at load time. */
const char *bx_submission_path(const struct bx_submission *sub);
/* Lower-case hex SHA-256 of the bytes read (after gunzip). */
const char *bx_submission_sha256(const struct bx_submission *sub);
/* The raw bytes read (after gunzip); valid while 'sub' lives and until
 * bx_submission_drop_bytes().  NULL (and '*len' 0) once dropped. */
const unsigned char *bx_submission_bytes(const struct bx_submission *sub,
                                         size_t *len);
/*
 * Free the raw bytes kept since loading (the parsed document, path and
 * SHA-256 stay).  For callers that will not bundle 'sub' or write it to
 * xlsx (both embed the bytes): converting a 10 MB document no longer
 * holds its 10 MB of input next to the tree.  NULL-safe.
 */
void bx_submission_drop_bytes(struct bx_submission *sub);

/*
 * With 'on', bx_submission_load() and bx_check_file() parse a regular
 * file as they read it, never holding its bytes whole (what they judge
 * and the SHA-256 are the same): bx_submission_bytes() then returns NULL
 * as after bx_submission_drop_bytes().  For callers that neither bundle
 * nor write xlsx: a 10 MB document is parsed in 10 MB less.  Standard
 * input and gzip files are still read whole.  Set it before loading.
 */
void bx_context_read_as_parsed(struct bx_context *ctx, int on);

/*
 * Metadata fields as strings ("" when absent), valid while 'sub' lives:
 * "mofDivCode", "fiscalYear", "department.code", "department.name",
 * "published".
 */
const char *bx_submission_meta(const struct bx_submission *sub,
                               const char *field);

/*
 * Validate 'sub' against the disclosure schema.  Every violation is
 * appended to 'diags' as ERROR with line, XPath and a message naming the
 * table and field.  Returns BX_OK when validation ran (whatever its
 * verdict; see bx_submission_schema_valid()), BX_E_NOMEM, BX_E_INTERNAL.
 */
int bx_validate_schema(struct bx_context *ctx, struct bx_submission *sub,
                       struct bx_diags *diags);

/* 1 valid, 0 invalid, -1 not validated yet. */
int bx_submission_schema_valid(const struct bx_submission *sub);

/* ---------------------------------------------------------------- */
/* Business rules (rules.c)                                          */
/* ---------------------------------------------------------------- */

/*
 * Check 'sub' against the business rules of its fiscal year
 * (schemas/rules/<year>.xml, BR-001 ...): table identities within the
 * rounding the printed figures allow, cross-table equalities, code lists,
 * narrative figures.  The rule set and its code lists are loaded,
 * validated against schemas/rules.xsd and compiled on first use and kept
 * in 'ctx' for every later file of that year.  A year without a rule set
 * uses the nearest earlier one (else the nearest later one) and adds a
 * RULES-FALLBACK warning.
 *
 * Appends one finding per broken check to 'diags' (code = rule = BR-nnn,
 * with table, row, column, printed, computed, difference, tolerance) and
 * keeps going; differences within the rounding tolerance are INFO.
 * Returns BX_OK when every rule was evaluated (whatever was found),
 * BX_E_STATE if 'sub' has not passed schema validation, BX_E_DATA if the
 * rule file or a code list is missing or broken (FATAL findings say
 * why), BX_E_NOMEM.  Never prints, never exits.
 */
int bx_rules_check(struct bx_context *ctx, struct bx_submission *sub,
                   struct bx_diags *diags);

/*
 * Id and version of the rule set bx_rules_check() used for 'sub' (for
 * struct bx_file_result.ruleset_id/version).  The strings live as long as
 * 'ctx'.  Returns BX_OK, or BX_E_STATE (NULLs) when no rule set was
 * loaded for the submission's year yet.
 */
int bx_rules_ruleset(struct bx_context *ctx, const struct bx_submission *sub,
                     const char **id, const char **version);

/*
 * Coverage: what the business rules could and could not judge.  Each
 * rule ends, per file, as passed, failed (a finding at warning or above)
 * or not assessable, with the reason (the template prints no such table
 * or column, a cell is blank and means "not applicable", a unit type is
 * unknown, the rule's convention is not the template's, nothing to
 * check).
 */
enum bx_outcome {
    BX_OUTCOME_PASSED = 0,
    BX_OUTCOME_FAILED = 1,
    BX_OUTCOME_NOT_ASSESSABLE = 2
};

enum bx_na_reason {
    BX_NA_NONE = 0,
    BX_NA_NO_TABLE,     /* the document (template) has no such table */
    BX_NA_NO_COLUMN,    /* the template prints no such column or row */
    BX_NA_BLANK,        /* the cells are blank and mean "not applicable" */
    BX_NA_UNIT_TYPE,    /* a unit's type (行政/参公/事业) is not known */
    BX_NA_CONVENTION,   /* the template does not follow the convention */
    BX_NA_NOTHING,      /* the document holds nothing this rule checks */
    BX_NA_COUNT
};

/* "passed", "failed", "not-assessable". */
const char *bx_outcome_name(enum bx_outcome o);
/* "no-table", "no-column", "blank", "unit-type", "convention", "nothing"
 * ("" for BX_NA_NONE). */
const char *bx_na_reason_name(enum bx_na_reason r);
/* The reason in words: "template prints no such column". */
const char *bx_na_reason_text(enum bx_na_reason r, enum bx_lang lang);

struct bx_rule_outcome {
    const char *rule; /* "BR-001"; lives as long as the context */
    enum bx_outcome outcome;
    enum bx_na_reason reason; /* BX_NA_NONE unless not assessable */
};

struct bx_coverage {
    int evaluated; /* 1 when the business rules ran */
    size_t checked; /* rules assessed (passed + failed) */
    size_t failed;
    size_t not_assessable;
    size_t by_reason[BX_NA_COUNT]; /* not-assessable rules by reason */
    int narrative_only; /* the document has no tables at all */
    struct bx_rule_outcome *rules; /* one per rule, in rule-set order */
    size_t nrules;
};

/* Frees 'cov->rules' and zeroes 'cov'.  NULL-safe. */
void bx_coverage_release(struct bx_coverage *cov);

/*
 * bx_rules_check() that also fills '*cov' (when not NULL) with every
 * rule's outcome; release it with bx_coverage_release().  On failure
 * '*cov' is left zeroed.
 */
int bx_rules_check_coverage(struct bx_context *ctx, struct bx_submission *sub,
                            struct bx_diags *diags, struct bx_coverage *cov);

/* ---------------------------------------------------------------- */
/* Code lists a bureau can complete (codes_import.c)                 */
/* ---------------------------------------------------------------- */

enum bx_codes_kind {
    BX_CODES_FUNCTION = 0,   /* 支出功能分类: function.xml */
    BX_CODES_DEP_ECONOMIC,   /* 部门预算支出经济分类: dep-economic.xml */
    BX_CODES_GOV_ECONOMIC,   /* 政府预算支出经济分类: gov-economic.xml */
    BX_CODES_MAPPING         /* 部门经济→政府经济对照表: eco-mapping.xml */
};

/* "function", "dep-economic", "gov-economic", "mapping" → kind; BX_OK or
 * BX_E_ARG. */
int bx_codes_kind_parse(const char *s, enum bx_codes_kind *out);

/* The file name the rule set reads for 'kind' ("function.xml"). */
const char *bx_codes_file_name(enum bx_codes_kind kind);

/*
 * Turn a bureau's export of its 一体化 code table ('buf', CSV in UTF-8
 * with or without BOM, or GB18030; a header row naming 科目编码 and
 * 科目名称, or for the mapping 部门经济分类编码, 政府经济分类编码 and
 * 单位类型; docs/codes.md) into our list format for fiscal year 'year',
 * marked complete="true".  Rows that are not codes of the kind are
 * skipped with a CODES-ROW warning.  '*xml' (caller frees) receives the
 * document.  Returns BX_OK, BX_E_DATA (no header, no code, not text:
 * findings say why), BX_E_ARG, BX_E_NOMEM.
 */
int bx_codes_import(const void *buf, size_t len, const char *name,
                    enum bx_codes_kind kind, int year, struct bx_diags *diags,
                    char **xml, size_t *xml_len);

/*
 * The same from a workbook: sheet 'sheet' (NULL: the first) of the .xlsx
 * at 'path', read by the strict workbook reader (its limits; encrypted,
 * legacy .xls and macro workbooks refused as FATAL findings).  A text
 * cell is read as its text, a number as the shortest decimal showing it
 * (2080505), the first row naming the columns as in a CSV export; a
 * finding's line is the sheet row.  Returns as bx_codes_import(), and
 * BX_E_IO when 'path' cannot be read.
 */
int bx_codes_import_xlsx(struct bx_context *ctx, const char *path,
                         const char *sheet, enum bx_codes_kind kind, int year,
                         struct bx_diags *diags, char **xml, size_t *xml_len);

/* ---------------------------------------------------------------- */
/* Reports (report.c: text, json; report_xml.c: xml, html)           */
/* ---------------------------------------------------------------- */

enum bx_report_format {
    BX_REPORT_TEXT = 0,
    BX_REPORT_JSON = 1,
    BX_REPORT_XML = 2,
    BX_REPORT_HTML = 3,
    BX_REPORT_JSONL = 4 /* one line per file, then a summary line */
};

/* The outcome for one input file, as the caller assembled it. */
struct bx_file_result {
    const char *path;       /* as given */
    const char *sha256;     /* NULL when the file was unreadable */
    int status;             /* BX_OK, or why processing stopped */
    int schema_valid;       /* 1, 0, -1 (not reached) */
    const char *ruleset_id; /* NULL when rules did not run */
    const char *ruleset_version;
    const struct bx_diags *diags; /* findings for this file only */
    /* a bundle's result (verify); all zero for a plain file */
    int bundle;                         /* 1: 'path' is a bundle */
    int intact;                         /* bundle: listing, sizes, digests */
    const struct bx_file_result *parts; /* bundle: its submissions, */
    size_t nparts;                      /* in manifest order */
    const struct bx_coverage *coverage; /* NULL when rules did not run */
};

struct bx_report {
    const struct bx_file_result *files;
    size_t nfiles;
    enum bx_lang lang;
    enum bx_severity fail_on; /* severity that makes a file rejected */
    /* display only; zero (memset) keeps the defaults */
    enum bx_severity min_severity; /* text, json: list no finding below it
                                      (counts and verdicts still count) */
    int quiet;         /* text: verdict lines and summary, no findings */
    int verdict_lines; /* text: "FILE: accepted|rejected" per file */
    int all_rules; /* JSON/XML: list every rule's outcome */
};

/*
 * A file is accepted when processing succeeded and no finding reaches
 * 'fail_on'.  Returns 1 accepted, 0 rejected.
 */
int bx_file_accepted(const struct bx_file_result *f, enum bx_severity fail_on);

/*
 * Exit code of one file (enum bx_exit): 0 accepted, 1 rejected, 3 an
 * input problem stopped it (unreadable, not XML, over a limit), 4 an
 * internal one.  A run exits with the worst over its files.
 */
int bx_file_exit_code(const struct bx_file_result *f, enum bx_severity fail_on);

/*
 * Render 'rep' in 'fmt' into a new NUL-terminated buffer (caller frees
 * '*out').  HTML needs 'ctx' for its stylesheet; other formats accept
 * NULL.  Returns BX_OK, BX_E_NOMEM, BX_E_DATA (stylesheet missing).
 */
int bx_report_render(const struct bx_report *rep, enum bx_report_format fmt,
                     struct bx_context *ctx, char **out, size_t *len);

/*
 * JSON Lines (--format jsonl, docs/report-json.md): one line per file,
 * the object --format json gives for it plus "type": "file", "file" in
 * each finding, "status" (enum bx_status) and "exit" (enum bx_exit);
 * then one summary line from struct bx_totals.  'rep' gives the language
 * and fail_on (its files are not used); every finding is listed, whatever
 * min_severity, so that shard reports merge faithfully.  Each line ends
 * with '\n'; caller frees '*out'.  Returns BX_OK or BX_E_NOMEM.
 */
int bx_report_jsonl_file(const struct bx_report *rep,
                         const struct bx_file_result *f, char **out,
                         size_t *len);

/* Counts over the files of a run, for the summary line. */
struct bx_totals {
    enum bx_severity fail_on;
    size_t files;
    size_t accepted;
    size_t by_severity[BX_SEV_COUNT];
    int exit_code; /* worst bx_file_exit_code() */
};

void bx_totals_init(struct bx_totals *t, enum bx_severity fail_on);
void bx_totals_add(struct bx_totals *t, const struct bx_file_result *f);
int bx_report_jsonl_summary(const struct bx_totals *t, char **out, size_t *len);

struct bx_shard; /* "Batches" below */

/*
 * The same summary line with, when 'shard' is not NULL, a last key
 * "shard": {"index":I,"count":N,"inputs":TOTAL,"list":"<hex>"}
 * (docs/report-json.md).  NULL gives bx_report_jsonl_summary()'s bytes.
 * Returns BX_OK, BX_E_NOMEM, or BX_E_ARG when 'shard' has index >= count
 * or a list that is not 64 lower-case hex digits.
 */
int bx_report_jsonl_summary_shard(const struct bx_totals *t,
                                  const struct bx_shard *shard, char **out,
                                  size_t *len);

/*
 * bx_report_render() that says why it failed: problems of the report
 * stylesheet (HTML) are FATAL findings in 'diags' (XSLT-COMPILE,
 * XSLT-RUN; it is compiled and run like every stylesheet: once per
 * context, no file or network access).  Commands print them and exit 4.
 */
int bx_report_render_diags(const struct bx_report *rep,
                           enum bx_report_format fmt, struct bx_context *ctx,
                           struct bx_diags *diags, char **out, size_t *len);

/* ---------------------------------------------------------------- */
/* The whole check of one file (check.c)                             */
/* ---------------------------------------------------------------- */

/*
 * What bx_check_file() produced for one input.  Owns its strings and
 * diagnostics; release with bx_check_release().
 */
struct bx_check {
    struct bx_diags diags;
    struct bx_submission *sub;    /* NULL when the file could not be read */
    int status;                   /* BX_OK or why processing stopped */
    char sha256[65];              /* of the bytes read; "" if unread */
    struct bx_file_result result; /* points into this struct */
    struct bx_coverage coverage;  /* the rules' outcomes */
};

/*
 * Load 'path', validate it against the schema and, when it is schema
 * valid and rules are enabled in the context, against the business rules.
 * Fills 'chk' (call bx_check_release() afterwards, whatever the result).
 * Returns BX_OK when the pipeline ran (the verdict is in chk->result),
 * or the status that stopped it: BX_E_IO, BX_E_PARSE, BX_E_LIMIT (input
 * problems, reported in chk->diags), BX_E_NOMEM, BX_E_DATA, BX_E_INTERNAL.
 */
int bx_check_file(struct bx_context *ctx, const char *path,
                  struct bx_check *chk);

/* The same for bytes in memory; 'name' is used as the path. */
int bx_check_memory(struct bx_context *ctx, const void *buf, size_t len,
                    const char *name, struct bx_check *chk);
void bx_check_release(struct bx_check *chk);

/*
 * Free the parsed document of 'chk' (keeping its verdict, digest and
 * findings): a batch run holds findings, not documents.
 */
void bx_check_drop_document(struct bx_check *chk);

/* Exit code for a run: the worst over all files (see enum bx_exit). */
int bx_check_exit_code(const struct bx_check *chk, enum bx_severity fail_on);

/* ---------------------------------------------------------------- */
/* Transformations (transform.c)                                     */
/* ---------------------------------------------------------------- */

/*
 * Renditions of a disclosure produced by the stylesheets in xslt/ (see
 * docs/convert.md): "html" (the public page), "csv" (one file per table
 * plus index.csv), "json" (docs/json.md) and "platform" (the provincial
 * platform's exchange XML, schemas/platform.xsd), and back from
 * "platform".  Each stylesheet is compiled once per context, on first use,
 * and always runs with file, directory and network access forbidden.
 */

/* ---------------------------------------------------------------- */
/* Templates: the registry of disclosure templates (schemas/templates) */
/* ---------------------------------------------------------------- */

/*
 * One template, as bx_templates_list() gives it.  Strings belong to the
 * context and stay valid while it lives.  metadata/profile names a
 * template by its id or one of its aliases (docs/templates.md).
 */
struct bx_template_info {
    const char *id;              /* "henan-county-14" */
    const char *region[2];       /* by enum bx_lang: "河南省市县" */
    int from_year;               /* first fiscal year it describes */
    int to_year;                 /* last one, 0 when open-ended */
    size_t ntables;              /* tables it prints (0: text only) */
    const char *unit;            /* default amount unit: "万元" or "元" */
    int decimals;                /* default decimal places */
    const char *const *aliases;  /* former profile names; 'naliases' */
    size_t naliases;
};

/*
 * The templates of the data directory, sorted by id.  '*out' is an array
 * of '*n' records; caller frees the array (not the strings) with free().
 * Returns BX_OK; BX_E_DATA when a template file is broken (FATAL
 * findings in 'diags'); BX_E_NOMEM.  On failure '*out' is NULL.
 */
int bx_templates_list(struct bx_context *ctx, struct bx_diags *diags,
                      struct bx_template_info **out, size_t *n);

/* A format, as bx_transform_formats() lists it. */
struct bx_format_info {
    const char *name;       /* "html", "csv", "json", "platform" */
    int can_export;         /* 1: bx_transform() writes it */
    int can_import;         /* 1: bx_transform_import() reads it */
    int directory;          /* 1: several files (a directory) */
    const char *extension;  /* of a single-file output: ".html"; "" */
    const char *media_type; /* of its files: "text/html; charset=utf-8" */
    const char *summary_en; /* one line, for listings */
    const char *summary_zh;
};

/* Every format, in listing order; '*n' receives the count.  Static. */
const struct bx_format_info *bx_transform_formats(size_t *n);

/* The format called 'name', or NULL. */
const struct bx_format_info *bx_transform_format(const char *name);

enum bx_text_encoding {
    BX_ENC_UTF8 = 0,   /* UTF-8, with a byte order mark unless no_bom */
    BX_ENC_GB18030 = 1 /* GB 18030 (no byte order mark) */
};

struct bx_transform_opts {
    enum bx_lang lang;              /* labels: zh, or zh + en (html, csv) */
    enum bx_text_encoding encoding; /* csv */
    int no_bom;                     /* csv in UTF-8: no byte order mark */
    int no_validate;                /* import: skip schemas/platform.xsd */
};

/* Defaults: zh, UTF-8 with BOM, validation on. */
void bx_transform_opts_init(struct bx_transform_opts *o);

/* One produced file; name is relative ("t01-budget-summary.csv"). */
struct bx_output_file {
    char *name;
    const char *media_type; /* static string */
    unsigned char *data;    /* NUL-terminated; 'len' excludes the NUL */
    size_t len;
};

/* What a transformation produced: one file, or a directory of files. */
struct bx_output {
    struct bx_output_file *files;
    size_t count;
    size_t cap;
    int directory; /* 1: write 'files' into a directory */
};

void bx_output_init(struct bx_output *out);
/* Frees every file; leaves 'out' empty and reusable. */
void bx_output_release(struct bx_output *out);

/*
 * Render the disclosure 'sub' as 'format' ("html", "csv", "json",
 * "platform") and append the files to 'out' (single-file formats give one
 * file named "disclosure.html", "disclosure.json", "platform.xml"; csv
 * gives index.csv and one tNN-<name>.csv per table, and sets
 * out->directory).  'o' NULL means defaults.  Does not validate 'sub':
 * callers refuse invalid input first (bx_check_file()).
 * Returns BX_OK, BX_E_ARG (unknown format), BX_E_DATA (stylesheet
 * missing or broken: FATAL findings in 'diags'), BX_E_INTERNAL (the
 * transformation failed: findings say why), BX_E_NOMEM.  On failure
 * 'out' is left as it was.
 */
int bx_transform(struct bx_context *ctx, struct bx_submission *sub,
                 const char *format, const struct bx_transform_opts *o,
                 struct bx_diags *diags, struct bx_output *out);

/*
 * Turn 'sub', a document in 'format' (only "platform"), back into a
 * disclosure: appends one file, "disclosure.xml", to 'out'.  Unless
 * o->no_validate, 'sub' is first checked against schemas/platform.xsd and
 * refused with its violations (ERROR findings, BX_E_INVALID).  The
 * result is not validated here: load it and check it like any input.
 * Returns BX_OK, BX_E_ARG (not an import format), BX_E_INVALID (not a
 * platform document, or invalid), BX_E_DATA, BX_E_INTERNAL, BX_E_NOMEM.
 */
int bx_transform_import(struct bx_context *ctx, struct bx_submission *sub,
                        const char *format, const struct bx_transform_opts *o,
                        struct bx_diags *diags, struct bx_output *out);

/*
 * Write 'out' to 'path' atomically.  One file: a temporary file, then
 * rename(2).  A directory: its files are written into a new temporary
 * directory next to 'path', which is then renamed to 'path'.  An
 * existing 'path' is replaced only with 'force', and a directory only
 * when it holds nothing but files a csv conversion writes (*.csv).
 * Returns BX_OK, BX_E_EXISTS, BX_E_IO (findings say what failed),
 * BX_E_ARG (empty output), BX_E_NOMEM.
 */
int bx_output_write(const struct bx_output *out, const char *path, int force,
                    struct bx_diags *diags);

/*
 * bx_transform() of 'sub' as 'format' and bx_output_write() of the result
 * to 'path', in one step.  html, json and platform are serialised
 * straight into the temporary file as they are made, so the page is never
 * held whole in memory; the others go through a struct bx_output.  The
 * same file, findings and returns as the two calls (BX_E_ARG also for a
 * NULL 'path').
 */
int bx_transform_write(struct bx_context *ctx, struct bx_submission *sub,
                       const char *format, const struct bx_transform_opts *o,
                       const char *path, int force, struct bx_diags *diags);

/*
 * bx_transform_write() in two steps, so that a batch's workers need not
 * wait for the disk: bx_transform_write_pending() renders and writes the
 * temporary file; bx_pending_commit() makes it durable (fsync) and puts
 * it in place (link(2), or rename(2) with 'force'), possibly in another
 * thread, with the same findings and returns as bx_transform_write().
 * '*pending' is NULL when the output is already in place (a format not
 * serialised straight into its file) or on failure (nothing left
 * behind).  A pending output is committed or discarded exactly once
 * (bx_pending_discard() removes its temporary file); both free it, and
 * both accept NULL.
 */
struct bx_pending;
int bx_transform_write_pending(struct bx_context *ctx,
                               struct bx_submission *sub, const char *format,
                               const struct bx_transform_opts *o,
                               const char *path, int force,
                               struct bx_diags *diags,
                               struct bx_pending **pending);
int bx_pending_commit(struct bx_pending *p, struct bx_diags *diags);
void bx_pending_discard(struct bx_pending *p);

/* ---------------------------------------------------------------- */
/* Bundles (package.c, verify.c)                                    */
/* ---------------------------------------------------------------- */

struct bx_bundle_opts {
    const char *include;      /* renditions, comma-separated:
                                 "html,csv,json,platform"; NULL means
                                 "html,platform", "" none */
    int allow_invalid;        /* bundle rejected submissions too */
    enum bx_severity fail_on; /* what makes a submission rejected */
    int64_t mtime;            /* entry time (Unix seconds, UTC); < 0:
                                 the first submission's published date,
                                 else 1 January of its fiscal year */
    enum bx_lang lang;        /* language of renditions and reports */
    const char *sign_key;     /* PEM private key (SM2, RSA, EC P-256):
                                 sign the manifest (docs/bundle.md);
                                 NULL: unsigned */
    const char *sign_cert;    /* PEM certificate of that key, stored in
                                 the bundle; NULL: the public key is */
};

void bx_bundle_opts_init(struct bx_bundle_opts *o);

/*
 * Build a bundle from checked submissions ('checks[i]->sub' must still
 * hold its document: do not drop it).  A rejected submission refuses the
 * whole bundle (BX_E_INVALID, one BUNDLE-REJECTED finding per file in
 * 'diags') unless opts->allow_invalid.  The zip is returned in memory
 * (caller frees '*zip'); the caller writes it atomically.
 * Returns BX_OK, BX_E_INVALID, BX_E_ARG (unknown rendition), BX_E_DATA,
 * BX_E_NOMEM, BX_E_INTERNAL.
 */
int bx_bundle_build(struct bx_context *ctx, struct bx_check *const *checks,
                    size_t n, const struct bx_bundle_opts *opts,
                    struct bx_diags *diags, unsigned char **zip, size_t *len);

/*
 * Streaming bundles: the same zip as bx_bundle_build(), built one
 * submission at a time in flat memory.  bx_bundle_begin() opens a spool
 * (an already-unlinked temporary file); bx_bundle_add() renders and
 * deflates one checked submission and appends its entries to the spool,
 * after which nothing of it stays in memory but its manifest lines;
 * bx_bundle_finish() writes manifest.xml first and then every entry in
 * path order from the spool to a temporary file next to 'path', and
 * renames it.  For threads, split bx_bundle_add() in two:
 * bx_bundle_prepare() (any thread, sharing 'ctx': the rendering and the
 * deflating) and bx_bundle_add_part() (one thread, in input order: the
 * entry names "-2", "-3" ... and the "sN" ids depend on the order), so
 * the bytes do not depend on the number of threads.
 */
struct bx_bundle;
struct bx_bundle_part;

/*
 * Start a bundle with 'opts' (copied).  The spool goes into 'tmpdir'
 * (NULL: $TMPDIR, else the system's).  Returns BX_OK, BX_E_ARG (unknown
 * rendition: BUNDLE-INCLUDE finding), BX_E_IO (IO-WRITE), BX_E_NOMEM.
 * Caller frees '*out' with bx_bundle_free().
 */
int bx_bundle_begin(struct bx_context *ctx, const struct bx_bundle_opts *opts,
                    const char *tmpdir, struct bx_diags *diags,
                    struct bx_bundle **out);

/*
 * Render and deflate the checked submission 'chk' (its document still
 * loaded) for a bundle with 'opts'; thread-safe.  A submission rejected
 * without opts->allow_invalid gives a part that only refuses the bundle
 * when added.  Returns BX_OK, BX_E_STATE (no document), BX_E_DATA,
 * BX_E_INTERNAL (a rendition failed: findings in 'diags'), BX_E_NOMEM.
 * Caller frees '*out' with bx_bundle_part_free() or hands it to
 * bx_bundle_add_part().
 */
int bx_bundle_prepare(struct bx_context *ctx, const struct bx_check *chk,
                      const struct bx_bundle_opts *opts, struct bx_diags *diags,
                      struct bx_bundle_part **out);
void bx_bundle_part_free(struct bx_bundle_part *part);

/*
 * Append 'part' (always taken) to 'b'.  A refused part adds a
 * BUNDLE-REJECTED finding and returns BX_E_INVALID: the bundle will not
 * be written, but later parts are still taken (and refusals reported).
 * Returns BX_OK, BX_E_INVALID, BX_E_IO (the spool), BX_E_NOMEM.
 */
int bx_bundle_add_part(struct bx_bundle *b, struct bx_bundle_part *part,
                       struct bx_diags *diags);

/* bx_bundle_prepare() and bx_bundle_add_part() in one call. */
int bx_bundle_add(struct bx_bundle *b, const struct bx_check *chk,
                  struct bx_diags *diags);

/* bx_bundle_default_name() of the first submission added, or NULL. */
const char *bx_bundle_name(const struct bx_bundle *b);

/*
 * Write the bundle to 'path' atomically (temporary file in the same
 * directory, fsync, rename; an existing file is replaced only with
 * 'force').  Returns BX_OK, the status that refused the bundle
 * (BX_E_INVALID ...), BX_E_ARG (no submission), BX_E_EXISTS, BX_E_IO
 * (IO-WRITE finding, errno says why), BX_E_LIMIT (over 4 GiB or 65534
 * entries), BX_E_NOMEM.  Nothing is left behind on failure.
 */
int bx_bundle_finish(struct bx_bundle *b, const char *path, int force,
                     struct bx_diags *diags);

/*
 * The same to the open descriptor 'fd' (standard output ...), as is.
 * With opts->sign_key, problems signing the manifest are SIGN-* findings
 * in 'diags' (for every bx_bundle_finish*() function).
 */
int bx_bundle_finish_fd(struct bx_bundle *b, int fd, struct bx_diags *diags);

/* The same into memory (caller frees '*zip'). */
int bx_bundle_finish_memory(struct bx_bundle *b, unsigned char **zip,
                            size_t *len, struct bx_diags *diags);

/* Abandon or release a bundle; removes its spool.  NULL-safe. */
void bx_bundle_free(struct bx_bundle *b);

/*
 * Default file name "{财政区划代码}-{部门代码}-{年度}-budget.zip" of a
 * bundle whose first submission is 'chk'.  Where the template prints no
 * 财政区划代码 the template id (metadata/profile) stands in, and for a
 * missing 部门代码 the first 8 hex digits of the document's SHA-256:
 * "district-9-yuan-3fa2c1d0-2024-budget.zip".  Characters outside
 * [0-9A-Za-z._-] become '_'.  Caller frees.  NULL on ENOMEM.
 */
char *bx_bundle_default_name(const struct bx_check *chk);

/* What bx_bundle_verify() found.  Release with bx_verify_release(). */
struct bx_verify {
    struct bx_diags diags; /* integrity and re-validation findings */
    int status;            /* BX_OK: the bundle could be read */
    int intact;            /* 1: listing, sizes, digests all agree */
    int accepted;          /* 1: every submission accepted now */
    size_t nsubmissions;
    char sha256[65];              /* of the bundle file */
    struct bx_file_result result; /* for bx_report_render() */
    void *internal;               /* extracted entries (unpack uses them) */
    /* one re-validation per submission listed, in manifest order */
    struct bx_check *checks;      /* documents already dropped */
    struct bx_file_result *parts; /* checks[i].result, named by entry */
    size_t nparts;
    int signature;                /* 0 unsigned; 1 signed, signature valid,
                                     signer not checked against a trust
                                     anchor; 2 signed by a trusted key;
                                     -1 signature present but bad;
                                     -2 valid, but by a key none of the
                                     trust anchors names */
    char *signer;                 /* subject or key fingerprint, or NULL */
    int extract_status;           /* bx_bundle_unpack(): BX_OK or why
                                     extraction failed (the bundle's
                                     integrity and verdict stand apart) */
};

/* Options of bx_bundle_verify_with(). */
struct bx_verify_opts {
    enum bx_severity fail_on; /* what makes a submission rejected */
    const char *const *trust; /* PEM certificates or public keys whose
                                 signature is required (see
                                 docs/bundle.md); NULL when ntrust is 0 */
    size_t ntrust;
};

/* Defaults: fail on errors, no trust anchors (signatures reported). */
void bx_verify_opts_init(struct bx_verify_opts *o);

/*
 * Read the bundle at 'path' strictly (see docs/bundle.md for every
 * check), compare it with its manifest, and re-validate each submission
 * with the current schema and rule set.  Fills 'v' (call
 * bx_verify_release() whatever the result).  Returns BX_OK when the
 * bundle was read (intact or not: see v->intact, v->accepted), BX_E_IO,
 * BX_E_PARSE, BX_E_LIMIT, BX_E_INVALID (not a bundle we can read),
 * BX_E_NOMEM, BX_E_DATA.
 */
int bx_bundle_verify(struct bx_context *ctx, const char *path,
                     enum bx_severity fail_on, struct bx_verify *v);

/*
 * The same with options.  With trust anchors, a bundle that is unsigned,
 * whose signature does not verify, or whose signer is none of the anchors
 * is not intact (BUNDLE-UNSIGNED, BUNDLE-SIGNATURE, BUNDLE-SIGNER); a
 * trust anchor that cannot be read is BX_E_IO (TRUST-READ).  Without
 * anchors a signature is still checked against the key it carries
 * (a bad one is BUNDLE-SIGNATURE) and reported as not checked against a
 * trust anchor.
 */
int bx_bundle_verify_with(struct bx_context *ctx, const char *path,
                          const struct bx_verify_opts *o, struct bx_verify *v);
void bx_verify_release(struct bx_verify *v);

/* Exit code for a verification (see enum bx_exit). */
int bx_verify_exit_code(const struct bx_verify *v);

/*
 * Extract an intact, verified bundle (after bx_bundle_verify() on 'v')
 * into directory 'dir', all or nothing: every entry is written into a new
 * temporary directory next to 'dir' (".budgetx-tmp-<pid>-XXXXXX"), which
 * is renamed to 'dir' at the end.  'dir' must not exist or be an empty
 * directory; with 'force' an existing directory that holds an unpacked
 * bundle (a manifest.xml at its top) is replaced whole.  Nothing is ever
 * written outside: every directory is opened with O_NOFOLLOW relative to
 * the temporary one.  Extraction problems are UNPACK-* findings in
 * v->diags and v->extract_status; they never change v->intact or
 * v->accepted.  Returns BX_OK, BX_E_STATE (the bundle is not intact),
 * BX_E_EXISTS, BX_E_IO, BX_E_NOMEM.
 */
int bx_bundle_unpack(struct bx_verify *v, const char *dir, int force);

/* ---------------------------------------------------------------- */
/* Workbooks (xlsx_read.c, xlsx_write.c, xlsx_note.c; docs/xlsx.md)  */
/* ---------------------------------------------------------------- */

/* What reading a workbook learnt: where each value of the document came
 * from.  Free with bx_xlsx_import_free(). */
struct bx_xlsx_import;

/*
 * Read the workbook at 'path' (as budgetx wrote it, then filled in and
 * saved by Excel, WPS or LibreOffice) back into a disclosure: appends
 * "disclosure.xml" to 'out'.  The workbook is read with the strict zip
 * reader and every part with the untrusted XML parser; macros, encrypted
 * or legacy workbooks are refused, external links ignored, and cells,
 * rows or sheets that have no place in the disclosure are reported
 * (findings carry the cell, d->cell).  The result is not validated here.
 * '*imp' (may be NULL) receives the cell map for bx_xlsx_locate().
 * Returns BX_OK, BX_E_IO, BX_E_PARSE (not a workbook), BX_E_LIMIT,
 * BX_E_INVALID (refused: not a budgetx workbook, macros), BX_E_NOMEM.
 */
int bx_xlsx_import(struct bx_context *ctx, const char *path,
                   struct bx_diags *diags, struct bx_output *out,
                   struct bx_xlsx_import **imp);

/*
 * Set d->cell ("'表五 一般公共预算支出情况表'!E12") of every finding of
 * 'diags' whose xpath names a value read from a cell.  Returns BX_OK or
 * BX_E_NOMEM.
 */
int bx_xlsx_locate(const struct bx_xlsx_import *imp, struct bx_diags *diags);

void bx_xlsx_import_free(struct bx_xlsx_import *imp);

/*
 * The annotated workbook: the workbook of 'sub' (convert --to xlsx) with
 * every finding of 'findings' as a comment on its cell (the cell of the
 * value its xpath names, or d->cell), the cell shaded by the worst
 * severity, and a sheet 问题清单 listing the findings, each linked to its
 * cell.  Messages in 'lang'.  Appends "report.xlsx" to 'out'.  Returns
 * BX_OK, BX_E_STATE (no document), BX_E_DATA, BX_E_INTERNAL, BX_E_NOMEM.
 */
int bx_xlsx_annotate(struct bx_context *ctx, struct bx_submission *sub,
                     const struct bx_diags *findings, enum bx_lang lang,
                     struct bx_diags *diags, struct bx_output *out);

/*
 * Check the workbook at 'path' like bx_check_file() checks XML: read it
 * back (bx_xlsx_import()), validate the disclosure it gives, and set the
 * cell of every finding.  The workbook's own findings come first in
 * chk->diags.  Returns like bx_check_file().
 */
int bx_check_workbook(struct bx_context *ctx, const char *path,
                      struct bx_check *chk);

/* Non-zero when the file at 'path' starts like a zip (an .xlsx). */
int bx_is_workbook(const char *path);

/* What the blank workbook is made for. */
struct bx_template_opts {
    const char *profile; /* template id: schemas/xlsx/<profile>.xml */
    int year;            /* fiscal year, 0: the skeleton's */
    const char *dept;    /* department code, NULL: the skeleton's */
    const char *name;    /* department name, NULL: the skeleton's */
    const char *from;    /* a disclosure to start from instead (last
                            year's): its rows, its amounts emptied */
};

/*
 * The blank workbook to fill in: the layout of convert --to xlsx with
 * every amount empty, input cells unlocked and shaded, everything else
 * locked (sheet protection without password), a decimal check on input
 * cells and a sheet explaining how to fill it in.  Appends
 * "template.xlsx" to 'out'.  Returns BX_OK, BX_E_ARG (bad profile, year,
 * or a quote in dept/name), BX_E_IO (no skeleton for the profile: a
 * finding says to use 'from'), BX_E_PARSE, BX_E_DATA, BX_E_NOMEM.
 */
int bx_xlsx_template(struct bx_context *ctx, const struct bx_template_opts *o,
                     struct bx_diags *diags, struct bx_output *out);

/* ---------------------------------------------------------------- */
/* Batches (batch.c)                                                 */
/* ---------------------------------------------------------------- */

/* The inputs of a run, in the order they are processed. */
struct bx_inputs {
    char **paths; /* owned */
    size_t count;
    size_t cap;
};

void bx_inputs_init(struct bx_inputs *in);
/* Frees every path; leaves 'in' empty and reusable. */
void bx_inputs_release(struct bx_inputs *in);

/*
 * Append 'path'.  A directory is walked recursively: the regular files
 * (and symbolic links to them) whose name matches one of the 'nglobs'
 * fnmatch(3) patterns 'globs' (NULL or 0: "*.xml" and "*.xml.gz"), names
 * in byte order within each directory, subdirectories at their place in
 * that order.  Names starting with '.' are skipped, symbolic links to
 * directories are not followed.  Anything else (a file, "-") is appended
 * as given: reading it is the caller's business.  Returns BX_OK, BX_E_IO
 * (a directory could not be read: FATAL INPUT-DIR finding), BX_E_ARG
 * (empty path), BX_E_NOMEM.
 */
int bx_inputs_add(struct bx_inputs *in, const char *path,
                  const char *const *globs, size_t nglobs,
                  struct bx_diags *diags);

/*
 * Append every path listed in the file 'list' ("-": standard input), one
 * a line (a final '\r' is removed) or, with 'nul', separated by NUL
 * bytes; empty entries are skipped; each goes through bx_inputs_add().
 * Returns BX_OK, BX_E_IO (IO-READ finding), or what bx_inputs_add()
 * returned.
 */
int bx_inputs_add_list(struct bx_inputs *in, const char *list, int nul,
                       const char *const *globs, size_t nglobs,
                       struct bx_diags *diags);

/*
 * Keep shard 'index' of 'n' (0 <= index < n): the inputs at positions
 * index, index + n, index + 2n, ...  Shards of one list are disjoint and
 * cover it whatever the machine.  Returns BX_OK or BX_E_ARG.
 */
int bx_inputs_shard(struct bx_inputs *in, size_t index, size_t n);

/*
 * SHA-256 of the list 'in' as lower-case hex into 'out' (65 bytes): of
 * every path in order, each followed by one NUL byte (for a list file
 * of plain paths, `tr '\n' '\0' < list | sha256sum`).  Taken before
 * bx_inputs_shard(), it names the whole list a shard was cut from.
 * Returns BX_OK, BX_E_NOMEM or BX_E_INTERNAL.
 */
int bx_inputs_digest(const struct bx_inputs *in, char *out);

/*
 * Which shard of which list a run checked (validate --shard I/N): its
 * jsonl summary line records it as "shard" so that `budgetx summary`
 * can tell a missing, duplicated or foreign shard.
 */
struct bx_shard {
    size_t index;  /* I, 0 <= index < count */
    size_t count;  /* N */
    size_t inputs; /* paths in the whole list, before sharding */
    char list[65]; /* bx_inputs_digest() of the whole list */
};

/* The number of online processors (1 .. 256). */
unsigned bx_batch_default_jobs(void);

/*
 * A batch of 'count' items for bx_batch_run(): work(user, i) runs in a
 * worker thread for each item and returns its result (any pointer, NULL
 * too); done(user, i, result) runs in the calling thread, one call at a
 * time, in item order (with 'unordered', as items finish) and owns the
 * result.  'window' bounds how far work runs ahead of done (0: 4 ×
 * jobs): what is held at once does not grow with 'count'.
 */
struct bx_batch {
    size_t count;
    unsigned jobs; /* worker threads; 0: bx_batch_default_jobs() */
    int unordered;
    size_t window;
    void *(*work)(void *user, size_t index);
    int (*done)(void *user, size_t index, void *result);
    void *user;
};

/*
 * Run the batch 'b' with b->jobs threads (1: in the calling thread, no
 * thread started).  work() may use a shared struct bx_context.  When
 * done() returns anything but BX_OK, no further item is started, the
 * items already running finish and are still handed to done() (so that
 * it can free them), and that status is returned.  Returns BX_OK, that
 * status, BX_E_ARG, BX_E_NOMEM or BX_E_INTERNAL (no thread could be
 * started).
 */
int bx_batch_run(const struct bx_batch *b);

/* ---------------------------------------------------------------- */
/* Merging shard reports (summary.c)                                 */
/* ---------------------------------------------------------------- */

/*
 * The files of several JSON Lines reports (validate --format jsonl, from
 * the shards of a run), merged: bx_summary_report() sorts them by path
 * (then by their line, so the order is total) whatever the order the
 * reports were read in, and hands them to bx_report_render().
 */
struct bx_summary;

/* Caller frees '*out' with bx_summary_free().  BX_OK or BX_E_NOMEM. */
int bx_summary_new(struct bx_summary **out);
void bx_summary_free(struct bx_summary *s);

/*
 * Read the report at 'path' ("-": standard input).  Every non-empty line
 * must be a "file" or "summary" object of a jsonl report (strict JSON,
 * integers only, nesting at most 16, at most 64 MiB a line; a summary
 * line with its counts and, if any, a well-formed "shard"); reading
 * stops at the first other one (FATAL SUMMARY-JSONL finding, file:line).
 * Whether the report is complete is only recorded: bx_summary_check()
 * says.  A file may hold several reports one after the other (`cat` of
 * shard reports): each ends with its summary line.  Returns BX_OK,
 * BX_E_IO (IO-READ), BX_E_PARSE, BX_E_NOMEM.
 */
int bx_summary_read(struct bx_summary *s, const char *path,
                    struct bx_diags *diags);

/*
 * The fail_on severity the summary lines read so far record: an enum
 * bx_severity, -1 when none had one, -2 when they differ.
 */
int bx_summary_fail_on(const struct bx_summary *s);

/*
 * Check that the reports read so far are one complete set, before
 * bx_summary_report() merges them (it does not check).  Each report must
 * end with its one summary line, whose files, accepted, rejected, counts
 * and exit agree with its file lines; a 0-byte report is incomplete
 * (SUMMARY-INCOMPLETE).  Reports without "shard": no two with the same
 * content (SUMMARY-DUPLICATE).  Reports with "shard": all of them must
 * have it, with one count, input total and list digest, each index
 * 0 .. count-1 exactly once, each with its share of the inputs
 * (SUMMARY-SHARDS).  Appends one FATAL finding per problem, naming the
 * report (and line).  Returns BX_OK, BX_E_PARSE (a problem) or
 * BX_E_NOMEM.
 */
int bx_summary_check(const struct bx_summary *s, struct bx_diags *diags);

/*
 * Append every path listed in the file 'path' ("-": standard input) to
 * 'list', split as bx_inputs_add_list() splits (one a line, a final '\r'
 * removed, or with 'nul' NUL-separated; empty entries skipped) but each
 * kept as written: nothing listed is opened, no directory walked.
 * Returns BX_OK, BX_E_IO (IO-READ finding) or BX_E_NOMEM.
 */
int bx_summary_read_list(struct bx_inputs *list, const char *path, int nul,
                         struct bx_diags *diags);

/*
 * Check that the files of the reports read so far are exactly the paths
 * of 'list' (validate --files-from LIST), as a multiset: each path
 * checked as many times as listed, compared byte for byte with the path
 * a report records (the listed path, display-escaped as reports write
 * it), whatever the order of the reports.  One FATAL SUMMARY-LIST
 * finding, file 'name' (may be NULL), for the listed paths no report
 * holds and one for the checked paths not listed, each with the count
 * and the first 5 in byte order.  When the reports are shards (their
 * summary line has "shard"), 'list' must also be the list they were cut
 * from (bx_inputs_digest() and count): else one more SUMMARY-LIST
 * finding says the list differs.  Sorts, so n log n in the paths.
 * Returns BX_OK, BX_E_PARSE (a problem), BX_E_NOMEM or BX_E_INTERNAL.
 */
int bx_summary_check_list(const struct bx_summary *s,
                          const struct bx_inputs *list, const char *name,
                          struct bx_diags *diags);

/*
 * Sort the files read so far and describe them in 'rep' (valid until
 * the next call on 's'): findings, coverage and, when the reports listed
 * them (validate --all-rules), each rule's outcome (rep->all_rules is
 * then set).  Returns BX_OK or BX_E_NOMEM.
 */
int bx_summary_report(struct bx_summary *s, enum bx_lang lang,
                      enum bx_severity fail_on, struct bx_report *rep);

#ifdef __cplusplus
}
#endif

#endif /* BUDGETX_H */
