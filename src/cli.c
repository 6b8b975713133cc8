/*
 * Shared CLI plumbing: the option-table parser, help, language, context.
 * Only the public header of the library is used.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum bx_lang cli_lang_default(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    const char *v;
    size_t i;

    for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        v = getenv(vars[i]);
        if (v != NULL && v[0] != '\0') {
            return strncmp(v, "zh", 2) == 0 ? BX_LANG_ZH : BX_LANG_EN;
        }
    }
    return BX_LANG_EN;
}

static int ui_lang = -1;

enum bx_lang cli_ui_lang(void)
{
    if (ui_lang < 0) {
        ui_lang = (int)cli_lang_default();
    }
    return (enum bx_lang)ui_lang;
}

void cli_set_ui_lang(enum bx_lang lang)
{
    ui_lang = (int)lang;
}

int cli_parse_lang(const char *s, enum bx_lang *out)
{
    if (strcmp(s, "zh") == 0) {
        *out = BX_LANG_ZH;
    } else if (strcmp(s, "en") == 0) {
        *out = BX_LANG_EN;
    } else {
        return -1;
    }
    return 0;
}

int cli_parse_severity(const char *s, enum bx_severity *out)
{
    if (strcmp(s, "info") == 0) {
        *out = BX_SEV_INFO;
    } else if (strcmp(s, "warning") == 0) {
        *out = BX_SEV_WARNING;
    } else if (strcmp(s, "error") == 0) {
        *out = BX_SEV_ERROR;
    } else {
        return -1;
    }
    return 0;
}

static int has_schema(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;

    if ((size_t)snprintf(path, sizeof(path), "%s/schemas/budgetx.xsd", dir) >=
        sizeof(path)) {
        return 0;
    }
    return stat(path, &st) == 0;
}

/* The source tree (build/budgetx → ..) or install tree (bin → ../share). */
static const char *exe_data_dir(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0) {
        return NULL;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL) {
        return NULL;
    }
    *slash = '\0';
    if ((size_t)snprintf(buf, size, "%s/..", exe) < size && has_schema(buf)) {
        return buf;
    }
    if ((size_t)snprintf(buf, size, "%s/../share/budgetx", exe) < size &&
        has_schema(buf)) {
        return buf;
    }
    return NULL;
}

/* cli_open_context(), and with 'prefetch' bx_context_new_prefetch(). */
static int open_context(const char *data_dir, struct bx_options *opts,
                        enum bx_lang lang, int prefetch, int rules,
                        const char *format, struct bx_context **ctx)
{
    char buf[PATH_MAX];
    struct bx_diags diags;
    const char *env = getenv("BUDGETX_DATADIR");
    int rc;

    if (data_dir == NULL && (env == NULL || env[0] == '\0')) {
        data_dir = exe_data_dir(buf, sizeof(buf));
    }
    opts->data_dir = data_dir;
    bx_diags_init(&diags);
    rc = prefetch ? bx_context_new_prefetch(opts, rules, format, &diags, ctx)
                  : bx_context_new(opts, &diags, ctx);
    if (rc == BX_E_NOMEM) {
        fprintf(stderr, "budgetx: %s\n", cli_tr(bx_status_str(rc)));
    } else if (rc != BX_OK) {
        cli_print_diags(stderr, &diags, lang);
        fprintf(stderr, "budgetx: %s\n",
                lang == BX_LANG_ZH ? "无法加载数据文件（模式、规则、样式表）"
                                   : "cannot load data files (schemas, "
                                     "rules, stylesheets)");
    }
    bx_diags_release(&diags);
    return rc == BX_OK ? BX_EXIT_OK : BX_EXIT_INTERNAL;
}

int cli_open_context(const char *data_dir, struct bx_options *opts,
                     enum bx_lang lang, struct bx_context **ctx)
{
    return open_context(data_dir, opts, lang, 0, 0, NULL, ctx);
}

int cli_open_context_prefetch(const char *data_dir, struct bx_options *opts,
                              enum bx_lang lang, int rules, const char *format,
                              struct bx_context **ctx)
{
    return open_context(data_dir, opts, lang, 1, rules, format, ctx);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CLI_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define CLI_FREE_AT_EXIT 1
#endif
#endif
#ifndef CLI_FREE_AT_EXIT
#define CLI_FREE_AT_EXIT 0
#endif

/* what cli_close_context() kept for the exit (reachable, not leaked) */
static struct bx_context *kept_context;

void cli_close_context(struct bx_context *ctx)
{
    const char *env = getenv("BUDGETX_FREE_AT_EXIT");

    if (ctx == NULL) {
        return;
    }
    /* not even kept: the prefetch thread must not be running while the
     * process exits (the libraries' exit handlers free what it uses) */
    bx_context_wait(ctx);
    if (CLI_FREE_AT_EXIT || (env != NULL && env[0] != '\0') ||
        kept_context != NULL) {
        bx_context_free(ctx);
        return;
    }
    kept_context = ctx;
}

/* The severity as the text report says it: 错误 under zh, error under en. */
static const char *severity_word(enum bx_severity sev, enum bx_lang lang)
{
    static const char *const zh[BX_SEV_COUNT] = {"提示", "警告", "错误",
                                                 "严重错误"};

    if (lang == BX_LANG_ZH && (unsigned)sev < BX_SEV_COUNT) {
        return zh[sev];
    }
    return bx_severity_name(sev);
}

void cli_print_diags(FILE *fp, const struct bx_diags *diags, enum bx_lang lang)
{
    size_t i;
    const struct bx_diag *d;

    for (i = 0; i < diags->count; i++) {
        d = &diags->items[i];
        fprintf(fp, "%s", d->file != NULL ? d->file : "budgetx");
        if (d->line > 0) {
            fprintf(fp, ":%ld", d->line);
        }
        if (d->column > 0) {
            fprintf(fp, ":%ld", d->column);
        }
        if (d->cell != NULL) {
            fprintf(fp, " (%s)", d->cell);
        }
        fprintf(fp, ": %s: [%s] %s\n", severity_word(d->severity, lang),
                d->code != NULL ? d->code : "-", bx_diag_message(d, lang));
    }
}

int cli_usage_error(const char *cmd, const char *msg, const char *arg)
{
    int zh = cli_ui_lang() == BX_LANG_ZH;
    char shown[1024];

    if (arg != NULL) {
        fprintf(stderr, zh ? "budgetx %s：%s“%s”\n" : "budgetx %s: %s '%s'\n",
                cmd, cli_tr(msg), bx_display(arg, shown, sizeof(shown)));
    } else {
        fprintf(stderr, zh ? "budgetx %s：%s\n" : "budgetx %s: %s\n", cmd,
                cli_tr(msg));
    }
    fprintf(stderr,
            zh ? "运行“budgetx %s --help”查看用法。\n"
               : "Try 'budgetx %s --help' for more information.\n",
            cmd);
    return BX_EXIT_USAGE;
}

void cli_internal_error(const char *cmd, const char *subject, int status)
{
    char shown[1024];

    if (status == BX_E_DATA) {
        return;
    }
    if (subject != NULL) {
        fprintf(stderr, "budgetx %s: %s: %s\n", cmd,
                bx_display(subject, shown, sizeof(shown)),
                cli_tr(bx_status_str(status)));
    } else {
        fprintf(stderr, "budgetx %s: %s\n", cmd, cli_tr(bx_status_str(status)));
    }
}

int cli_write_stdout(const char *data, size_t len)
{
    if (len > 0 && fwrite(data, 1, len, stdout) != len) {
        return -1;
    }
    return fflush(stdout) == 0 ? 0 : -1;
}

int cli_same_file(const char *a, const char *b)
{
    struct stat sa;
    struct stat sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int cli_has_extension(const char *path)
{
    static const char *const exts[] = {"csv", "html", "htm", "json", "xml",
                                       "txt", "zip",  "gz",  "xlsx", "xls"};
    const char *base = strrchr(path, '/');
    const char *dot;
    size_t i;

    base = base != NULL ? base + 1 : path;
    dot = strrchr(base, '.');
    if (dot == NULL || dot == base) {
        return 0;
    }
    for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
        if (strcasecmp(dot + 1, exts[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

int cli_is_stdio(const char *path)
{
    return path != NULL && strcmp(path, "-") == 0;
}

/* ------------------------------------------------------------------ */
/* The option tables and their parser                                  */

/* -h/--help and -V/--version: part of every command's table. */
enum { OPT_HELP = -100, OPT_VERSION = -101 };

static const struct cli_option builtin_options[] = {
    {OPT_HELP, 'h', "help", NULL, NULL, "show this help", "显示本帮助"},
    {OPT_VERSION, 'V', "version", NULL, NULL, "show the version", "显示版本"},
    CLI_ENTRY_END};

void cli_common_init(struct cli_common *c)
{
    memset(c, 0, sizeof(*c));
    c->lang = cli_lang_default();
    c->fail_on = BX_SEV_ERROR;
    c->min_severity = BX_SEV_INFO;
    bx_options_init(&c->lib);
}

void cli_parser_init(struct cli_parser *p, const struct cli_command *cmd,
                     int argc, char **argv)
{
    memset(p, 0, sizeof(*p));
    p->cmd = cmd;
    p->argc = argc;
    p->argv = argv;
    p->next = 1;
    p->files = argv + 1;
}

int cli_fail(struct cli_parser *p, const char *msg, const char *arg)
{
    p->exit_code = cli_usage_error(p->cmd->name, msg, arg);
    return CLI_EXIT;
}

/* The entry for a long or short name in the command's table or built-ins. */
static const struct cli_option *lookup(const struct cli_command *cmd,
                                       const char *lng, size_t len, char shrt)
{
    const struct cli_option *tables[2];
    const struct cli_option *o;
    size_t t;

    tables[0] = cmd->options;
    tables[1] = builtin_options;
    for (t = 0; t < 2; t++) {
        for (o = tables[t]; o != NULL && o->long_name != NULL; o++) {
            if (lng != NULL && strlen(o->long_name) == len &&
                strncmp(o->long_name, lng, len) == 0) {
                return o;
            }
            if (lng == NULL && shrt != 0 && o->short_name == shrt) {
                return o;
            }
        }
    }
    return NULL;
}

/* "unknown option '--frmat' (did you mean '--format'?)" */
static int unknown_option(struct cli_parser *p, const char *word, size_t len)
{
    const char *cand[64];
    const struct cli_option *o;
    const char *best;
    char name[128];
    char msg[256];
    size_t n = 0;

    snprintf(name, sizeof(name), "%.*s", (int)len, word);
    for (o = p->cmd->options; o != NULL && o->long_name != NULL && n < 62;
         o++) {
        cand[n++] = o->long_name;
    }
    cand[n++] = "help";
    cand[n++] = "version";
    best = name[1] == '-' ? cli_closest(name + 2, cand, n) : NULL;
    if (best == NULL) {
        return cli_fail(p, "unknown option", name);
    }
    snprintf(msg, sizeof(msg),
             cli_ui_lang() == BX_LANG_ZH ? "未知选项“%s”（是不是“--%s”？）"
                                         : "unknown option '%s' (did you mean "
                                           "'--%s'?)",
             name, best);
    return cli_fail(p, msg, NULL);
}

/* Help and version stop the command with exit code 0. */
static int builtin(struct cli_parser *p, const struct cli_option *o)
{
    if (o->id == OPT_HELP) {
        cli_print_help(stdout, p->cmd, cli_ui_lang());
    } else {
        printf("budgetx %s\n", BX_VERSION);
    }
    p->exit_code = fflush(stdout) == 0 ? BX_EXIT_OK : BX_EXIT_IO;
    return CLI_EXIT;
}

/* A long option "--name" or "--name=value" at argv[p->next - 1]. */
static int long_option(struct cli_parser *p, const char *word, const char **arg)
{
    const char *eq = strchr(word, '=');
    size_t len = eq != NULL ? (size_t)(eq - word) : strlen(word);
    const struct cli_option *o = lookup(p->cmd, word + 2, len - 2, 0);

    if (o == NULL) {
        return unknown_option(p, word, len);
    }
    if (o->arg == NULL && eq != NULL) {
        return cli_fail(p, "unexpected argument in", word);
    }
    if (o->arg != NULL) {
        if (eq != NULL) {
            *arg = eq + 1;
        } else if (p->next < p->argc) {
            *arg = p->argv[p->next++];
        } else {
            return cli_fail(p, "missing argument for", word);
        }
    }
    return o->id < 0 ? builtin(p, o) : o->id;
}

/* The next short option of the group p->group ("-qo FILE", "-oFILE"). */
static int short_option(struct cli_parser *p, const char **arg)
{
    char c = *p->group++;
    const struct cli_option *o = lookup(p->cmd, NULL, 0, c);
    char name[3] = {'-', c, '\0'};

    if (o == NULL) {
        p->group = NULL;
        return unknown_option(p, name, 2);
    }
    if (o->arg != NULL) {
        if (*p->group != '\0') {
            *arg = p->group;
        } else if (p->next < p->argc) {
            *arg = p->argv[p->next++];
        } else {
            p->group = NULL;
            return cli_fail(p, "missing argument for", name);
        }
        p->group = NULL;
    }
    if (p->group != NULL && *p->group == '\0') {
        p->group = NULL;
    }
    return o->id < 0 ? builtin(p, o) : o->id;
}

int cli_next(struct cli_parser *p, const char **arg)
{
    char *word;

    *arg = NULL;
    if (p->group != NULL) {
        return short_option(p, arg);
    }
    while (p->next < p->argc) {
        word = p->argv[p->next++];
        if (p->only_operands || word[0] != '-' || word[1] == '\0') {
            /* operands move to the front: argv[1 .. nfiles] */
            p->argv[1 + p->nfiles++] = word;
        } else if (strcmp(word, "--") == 0) {
            p->only_operands = 1;
        } else if (word[1] == '-') {
            return long_option(p, word, arg);
        } else {
            p->group = word + 1;
            return short_option(p, arg);
        }
    }
    p->files = p->argv + 1;
    return CLI_END;
}

int cli_common(struct cli_parser *p, int id, const char *arg,
               struct cli_common *c)
{
    char *end;

    switch (id) {
    case CLI_OPT_LANG:
        if (cli_parse_lang(arg, &c->lang) != 0) {
            return cli_fail(p, "unknown language", arg);
        }
        c->lang_set = 1;
        cli_set_ui_lang(c->lang);
        return 1;
    case CLI_OPT_DATA_DIR:
        c->data_dir = arg;
        return 1;
    case CLI_OPT_MAX_SIZE:
        errno = 0;
        c->lib.limits.max_bytes = strtoull(arg, &end, 10);
        if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' ||
            c->lib.limits.max_bytes == 0) {
            return cli_fail(p, "invalid size", arg);
        }
        return 1;
    case CLI_OPT_FAIL_ON:
        if (cli_parse_severity(arg, &c->fail_on) != 0) {
            return cli_fail(p, "unknown severity", arg);
        }
        return 1;
    case CLI_OPT_MIN_SEVERITY:
        if (cli_parse_severity(arg, &c->min_severity) != 0) {
            return cli_fail(p, "unknown severity", arg);
        }
        return 1;
    case CLI_OPT_QUIET:
        c->quiet = 1;
        return 1;
    default:
        return 0;
    }
}

int cli_no_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    (void)p;
    (void)id;
    (void)arg;
    (void)data;
    return 0;
}

int cli_parse(struct cli_parser *p, struct cli_common *c, cli_opt_fn fn,
              void *data)
{
    const char *arg;
    int id;
    int rc;

    while ((id = cli_next(p, &arg)) > 0) {
        rc = c != NULL ? cli_common(p, id, arg, c) : 0;
        if (rc == 0) {
            rc = fn(p, id, arg, data);
        }
        if (rc == CLI_EXIT) {
            return p->exit_code;
        }
    }
    return id == CLI_EXIT ? p->exit_code : -1;
}

/* ------------------------------------------------------------------ */
/* Help                                                                */

/* Print 'text' with every line after the first indented by 'indent'. */
static void print_indented(FILE *fp, const char *text, int indent)
{
    const char *nl;

    while ((nl = strchr(text, '\n')) != NULL) {
        fprintf(fp, "%.*s\n%*s", (int)(nl - text), text, indent, "");
        text = nl + 1;
    }
    fprintf(fp, "%s\n", text);
}

/* "  -o, --output FILE     the output file" */
static void print_option(FILE *fp, const struct cli_option *o, int zh)
{
    char label[64];
    int n;

    n = snprintf(label, sizeof(label), "%c%c%c --%s%s%s",
                 o->short_name ? '-' : ' ', o->short_name ? o->short_name : ' ',
                 o->short_name ? ',' : ' ', o->long_name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
    if (n > 22) {
        fprintf(fp, "  %s\n%26s", label, "");
    } else {
        fprintf(fp, "  %-24s", label);
    }
    print_indented(fp, zh ? o->help_zh : o->help_en, 26);
}

void cli_print_help(FILE *fp, const struct cli_command *cmd, enum bx_lang lang)
{
    const struct cli_option *o;
    const char *u = cmd->usage;
    const char *nl;
    int zh = lang == BX_LANG_ZH;
    const char *head = zh ? "用法：" : "usage:";

    do {
        nl = strchr(u, '\n');
        fprintf(fp, "%-6s budgetx %s %.*s\n", head, cmd->name,
                nl != NULL ? (int)(nl - u) : (int)strlen(u), u);
        head = "";
        u = nl + 1;
    } while (nl != NULL);
    fprintf(fp, "\n%s\n\n%s\n", zh ? cmd->about_zh : cmd->about_en,
            zh ? "选项：" : "options:");
    for (o = cmd->options; o != NULL && o->long_name != NULL; o++) {
        print_option(fp, o, zh);
    }
    for (o = builtin_options; o->long_name != NULL; o++) {
        print_option(fp, o, zh);
    }
    if (cmd->epilog_en != NULL) {
        fputs(zh ? cmd->epilog_zh : cmd->epilog_en, fp);
    }
}

void cli_print_general_help(FILE *fp, enum bx_lang lang)
{
    size_t i;
    int zh = lang == BX_LANG_ZH;

    fputs(zh ? "用法：budgetx <命令> [选项] [文件]\n"
               "      budgetx help <命令> | --help | --version\n\n"
               "budgetx 校验、转换并打包政府部门预算公开文件。\n\n命令：\n"
             : "usage: budgetx <command> [options] [files]\n"
               "       budgetx help <command> | --help | --version\n\n"
               "budgetx validates, transforms and packages government "
               "budget disclosures.\n\ncommands:\n",
          fp);
    for (i = 0; i < cli_ncommands; i++) {
        fprintf(fp, "  %-11s %s\n", cli_commands[i]->name,
                zh ? cli_commands[i]->summary_zh : cli_commands[i]->summary_en);
    }
    fputs(
        zh ? "\n“budgetx help <命令>”或“budgetx <命令> --help”说明一个命令。\n"
             "结果写到标准输出，诊断信息（发现的问题、错误）写到标准错误。\n\n"
             "退出码：\n"
             "  0  成功：全部输入有效，或操作已完成\n"
             "  1  有输入无效或未通过\n"
             "  2  用法错误\n"
             "  3  有输入无法读取、不是 XML 或不是提交包\n"
             "  4  内部错误（数据文件损坏、内存不足）\n"
           : "\n'budgetx help <command>' or 'budgetx <command> --help' "
             "describes a command.\nResults go to standard output, "
             "diagnostics (findings, errors) to standard error.\n\n"
             "exit codes:\n"
             "  0  success: every input valid / the operation done\n"
             "  1  some input invalid or rejected\n"
             "  2  usage error\n"
             "  3  an input unreadable, not XML or not a bundle\n"
             "  4  internal error (broken data files, out of memory)\n",
        fp);
}

const struct cli_command *cli_find_command(const char *name)
{
    size_t i;

    for (i = 0; i < cli_ncommands; i++) {
        if (strcmp(cli_commands[i]->name, name) == 0) {
            return cli_commands[i];
        }
    }
    return NULL;
}

size_t cli_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    size_t d[34][34];
    size_t i;
    size_t j;
    size_t v;

    if (la > 32 || lb > 32) {
        return (size_t)-1;
    }
    for (i = 0; i <= la; i++) {
        d[i][0] = i;
    }
    for (j = 0; j <= lb; j++) {
        d[0][j] = j;
    }
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            v = d[i - 1][j] + 1 < v ? d[i - 1][j] + 1 : v;
            v = d[i][j - 1] + 1 < v ? d[i][j - 1] + 1 : v;
            /* a swapped pair counts as one edit ("valdiate") */
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v) {
                v = d[i - 2][j - 2] + 1;
            }
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

const char *cli_closest(const char *word, const char *const *cand, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t d;
    size_t i;

    for (i = 0; i < n; i++) {
        d = cli_edit_distance(word, cand[i]);
        if (d < best_d) {
            best_d = d;
            best = cand[i];
        }
    }
    /* close: at most 2 edits, and fewer than half of the letters */
    if (best == NULL || best_d > 2 || best_d * 2 >= strlen(best)) {
        return NULL;
    }
    return best;
}
