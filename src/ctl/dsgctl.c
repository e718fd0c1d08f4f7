/*
 * dsgctl — the operator's command-line tool for dsg.
 *
 *   dsgctl <group> <command> [options] [args]
 *   dsgctl help [<group> [<command>]]
 *   dsgctl --help | --version
 *
 * Commands live in a table of groups, each with a table of commands; a new
 * command is one function and one table row. Commands that need no daemon
 * (policy check-name) run entirely in this process, without privileges.
 *
 * Exit status (sysexits(3) for the common failures): 0 success, 64 usage
 * error, 74 I/O error; a command may give other codes a meaning
 * (check-name: 1 forbidden, 2 invalid).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* getdelim */
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/utf8.h"
#include "share/name_policy.h"

#define DSGCTL_VERSION "0.1.0"

enum {
    EXIT_USAGE = 64, /* EX_USAGE */
    EXIT_IOERR = 74  /* EX_IOERR */
};

/* ---- escaping names for a terminal ---------------------------------------- */

/* Non-ASCII code points shown as \u{XXXX}: C1 controls, bidi controls,
 * line/paragraph separators and zero-width characters, which a terminal
 * would act on or hide. */
static int hidden_code_point(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x2060 || cp == 0xFEFF;
}

static void put_code_point(FILE *out, const uint8_t *seq, size_t len, uint32_t cp)
{
    switch (cp) {
    case '\\': fputs("\\\\", out); return;
    case '\t': fputs("\\t", out); return;
    case '\n': fputs("\\n", out); return;
    case '\r': fputs("\\r", out); return;
    default: break;
    }
    if (cp < 0x20 || cp == 0x7F)
        fprintf(out, "\\x%02X", (unsigned)cp);
    else if (hidden_code_point(cp))
        fprintf(out, "\\u{%04X}", (unsigned)cp);
    else
        fwrite(seq, 1, len, out);
}

/* Writes s[0..len) so that every byte is visible and the line stays one
 * line: see put_code_point; a byte that is not part of well-formed UTF-8 is
 * written as \xNN. */
static void put_escaped(FILE *out, const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t step = dsg_utf8_decode(s, len, i, &cp);
        if (step == 0) {
            fprintf(out, "\\x%02X", s[i]);
            i++;
            continue;
        }
        put_code_point(out, s + i, step, cp);
        i += step;
    }
}

static void put_escaped_str(FILE *out, const char *s)
{
    put_escaped(out, (const uint8_t *)s, strlen(s));
}

/* ---- policy check-name ----------------------------------------------------- */

static const char check_name_help[] =
    "usage: dsgctl policy check-name [--add-ext EXT]... [--] NAME...\n"
    "       dsgctl policy check-name [--add-ext EXT]... --stdin [-0]\n"
    "\n"
    "Judges each file NAME as the share service judges an upload (DSG spec\n"
    "4.2.1, 利用不可拡張子一覧) and prints one line per name:\n"
    "  VERDICT<TAB>NAME<TAB>REASON\n"
    "VERDICT is allowed, forbidden or invalid. NAME is escaped: \\\\ \\t \\n \\r,\n"
    "\\xNN for other control bytes and bytes that are not UTF-8, \\u{XXXX} for\n"
    "C1, bidirectional, separator and zero-width characters. REASON is the\n"
    "matched extension (.tar.gz), the rule broken (reserved-char at byte 4),\n"
    "or - for an allowed name.\n"
    "\n"
    "options:\n"
    "  --add-ext EXT  forbid EXT as well (repeatable, at most 64); no option\n"
    "                 removes any of the 130 baseline extensions\n"
    "  --stdin        read the names from standard input, one per line (a\n"
    "                 line ends at LF; a CR before it is part of the name)\n"
    "  -0             with --stdin: names end at NUL bytes instead\n"
    "  -h, --help     show this help\n"
    "Options may come before or after the names; names that begin with '-'\n"
    "go after '--'.\n"
    "\n"
    "exit status: 0 all allowed; 1 some forbidden, none invalid; 2 some\n"
    "invalid; 64 usage error; 74 read or write error. Needs no daemon and\n"
    "no privileges.\n";

#define CHECK_NAME "dsgctl policy check-name"

typedef struct check_opts {
    dsg_ext_set extra;
    int use_stdin;
    int nul;
    int help;
    int nnames;   /* the names, moved to argv[0 .. nnames) */
} check_opts;

/* "<what>[ '<arg>'][: <why>]" on stderr, and a hint; usage error. */
static int check_usage(const char *what, const char *arg, const char *why)
{
    fprintf(stderr, CHECK_NAME ": %s", what);
    if (arg != NULL) {
        fputs(" '", stderr);
        put_escaped_str(stderr, arg);
        fputc('\'', stderr);
    }
    if (why != NULL)
        fprintf(stderr, ": %s", why);
    fputs("\nTry 'dsgctl help policy check-name'.\n", stderr);
    return EXIT_USAGE;
}

static int add_extension(check_opts *o, const char *text)
{
    int rc = dsg_ext_set_add(&o->extra, (const uint8_t *)text, strlen(text));
    if (rc == -1)
        return check_usage("bad --add-ext", text,
                           "an extension is 1 to 15 letters, digits, '-', '_', '+' "
                           "and inner dots, after an optional leading dot");
    if (rc != 0)
        return check_usage("too many --add-ext", text, "at most 64 may be added");
    return 0;
}

/* One option at argv[*i]; advances *i past its argument. */
static int check_option(check_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--stdin") == 0)
        o->use_stdin = 1;
    else if (strcmp(a, "-0") == 0)
        o->nul = 1;
    else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
        o->help = 1;
    else if (strncmp(a, "--add-ext=", 10) == 0)
        return add_extension(o, a + 10);
    else if (strcmp(a, "--add-ext") == 0) {
        if (*i + 1 >= argc)
            return check_usage("--add-ext needs an extension", NULL, NULL);
        *i += 1;
        return add_extension(o, argv[*i]);
    } else
        return check_usage("unknown option", a, NULL);
    return 0;
}

/* Options anywhere before "--"; names are compacted to argv[0 .. nnames). */
static int check_parse(check_opts *o, int argc, char **argv)
{
    int dashdash = 0;
    memset(o, 0, sizeof *o);
    dsg_ext_set_init(&o->extra);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!dashdash && strcmp(a, "--") == 0) {
            dashdash = 1;
        } else if (!dashdash && a[0] == '-' && a[1] != '\0') {
            int rc = check_option(o, argc, argv, &i);
            if (rc != 0)
                return rc;
        } else {
            argv[o->nnames++] = argv[i];
        }
    }
    if (o->help)
        return 0;
    if (o->nul && !o->use_stdin)
        return check_usage("-0 needs --stdin", NULL, NULL);
    if (o->use_stdin && o->nnames > 0)
        return check_usage("names on the command line and --stdin cannot be combined",
                           NULL, NULL);
    if (!o->use_stdin && o->nnames == 0)
        return check_usage("no names given", NULL, NULL);
    return 0;
}

/* Prints the verdict line for one name; returns its verdict. */
static dsg_name_verdict check_one(const uint8_t *name, size_t len, const dsg_ext_set *extra)
{
    static const char *const word[] = { "allowed", "forbidden", "invalid" };
    dsg_name_result r;
    dsg_name_verdict v = dsg_name_check(name, len, extra, &r);
    fputs(word[v], stdout);
    fputc('\t', stdout);
    put_escaped(stdout, name, len);
    fputc('\t', stdout);
    if (v == DSG_NAME_FORBIDDEN) {
        fputc('.', stdout);
        fwrite(r.ext->text, 1, r.ext->len, stdout);
    } else if (v == DSG_NAME_INVALID) {
        fputs(dsg_name_rule_token(r.rule), stdout);
        if (r.rule == DSG_NAME_RULE_UTF8 || r.rule == DSG_NAME_RULE_CONTROL ||
            r.rule == DSG_NAME_RULE_RESERVED_CHAR || r.rule == DSG_NAME_RULE_BIDI)
            printf(" at byte %zu", r.offset);
    } else {
        fputc('-', stdout);
    }
    fputc('\n', stdout);
    return v;
}

static dsg_name_verdict worse(dsg_name_verdict a, dsg_name_verdict b)
{
    return a > b ? a : b; /* INVALID > FORBIDDEN > ALLOWED */
}

/* Names from standard input, each ended by delim (or by the end of input). */
static int check_stream(int delim, const dsg_ext_set *extra, dsg_name_verdict *worst)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getdelim(&line, &cap, delim, stdin)) != -1) {
        size_t len = (size_t)got;
        if (len > 0 && line[len - 1] == (char)delim)
            len--;
        *worst = worse(*worst, check_one((const uint8_t *)line, len, extra));
    }
    int failed = ferror(stdin);
    int err = errno;
    free(line);
    if (failed) {
        fprintf(stderr, CHECK_NAME ": reading standard input: %s\n", strerror(err));
        return EXIT_IOERR;
    }
    return 0;
}

/* 0 all allowed, 1 some forbidden and none invalid, 2 some invalid. */
static int verdict_status(dsg_name_verdict worst)
{
    switch (worst) {
    case DSG_NAME_ALLOWED: return 0;
    case DSG_NAME_FORBIDDEN: return 1;
    default: return 2;
    }
}

static int finish_stdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "dsgctl: writing standard output: %s\n", strerror(errno));
        return EXIT_IOERR;
    }
    return status;
}

static int cmd_check_name(int argc, char **argv)
{
    check_opts o;
    dsg_name_verdict worst = DSG_NAME_ALLOWED;
    int rc = check_parse(&o, argc, argv);
    if (rc != 0)
        return rc;
    if (o.help) {
        fputs(check_name_help, stdout);
        return finish_stdout(0);
    }
    if (o.use_stdin)
        rc = check_stream(o.nul ? '\0' : '\n', &o.extra, &worst);
    for (int i = 0; i < o.nnames; i++)
        worst = worse(worst, check_one((const uint8_t *)argv[i], strlen(argv[i]), &o.extra));
    rc = finish_stdout(rc);
    return rc != 0 ? rc : verdict_status(worst);
}

/* ---- the command table ----------------------------------------------------- */

typedef struct command {
    const char *name;
    const char *summary;
    const char *help;
    int (*run)(int argc, char **argv); /* the arguments after the command */
} command;

typedef struct group {
    const char *name;
    const char *summary;
    const command *commands;
    size_t count;
} group;

static const command policy_commands[] = {
    { "check-name", "judge file names against the upload file-name policy (offline)",
      check_name_help, cmd_check_name },
};

static const group groups[] = {
    { "policy", "policies the gateway enforces, checked offline", policy_commands,
      sizeof policy_commands / sizeof policy_commands[0] },
};

#define NGROUPS (sizeof groups / sizeof groups[0])

static void main_usage(FILE *out)
{
    fputs("usage: dsgctl <group> <command> [options] [args]\n"
          "       dsgctl help [<group> [<command>]]\n"
          "       dsgctl --help | --version\n"
          "\n"
          "dsgctl is the operator's tool for dsg, the Defense Security Gateway.\n"
          "\n"
          "groups:\n", out);
    for (size_t i = 0; i < NGROUPS; i++)
        fprintf(out, "  %-10s %s\n", groups[i].name, groups[i].summary);
    fputs("\nRun 'dsgctl help <group>' for the commands of a group.\n", out);
}

static void group_usage(FILE *out, const group *g)
{
    fprintf(out, "usage: dsgctl %s <command> [options] [args]\n\ncommands:\n", g->name);
    for (size_t i = 0; i < g->count; i++)
        fprintf(out, "  %-12s %s\n", g->commands[i].name, g->commands[i].summary);
    fprintf(out, "\nRun 'dsgctl help %s <command>' for the options of a command.\n",
            g->name);
}

static const group *find_group(const char *name)
{
    for (size_t i = 0; i < NGROUPS; i++)
        if (strcmp(groups[i].name, name) == 0)
            return &groups[i];
    return NULL;
}

static const command *find_command(const group *g, const char *name)
{
    for (size_t i = 0; i < g->count; i++)
        if (strcmp(g->commands[i].name, name) == 0)
            return &g->commands[i];
    return NULL;
}

/* "dsgctl: [<group>: ]unknown <what> '<name>'" and a hint; usage error. */
static int unknown(const group *g, const char *what, const char *name)
{
    fputs("dsgctl: ", stderr);
    if (g != NULL)
        fprintf(stderr, "%s: ", g->name);
    fprintf(stderr, "unknown %s '", what);
    put_escaped_str(stderr, name);
    if (g != NULL)
        fprintf(stderr, "'\nTry 'dsgctl help %s'.\n", g->name);
    else
        fputs("'\nTry 'dsgctl --help'.\n", stderr);
    return EXIT_USAGE;
}

/* dsgctl help [<group> [<command>]] */
static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        main_usage(stdout);
        return finish_stdout(0);
    }
    const group *g = find_group(argv[0]);
    if (g == NULL)
        return unknown(NULL, "command group", argv[0]);
    if (argc == 1) {
        group_usage(stdout, g);
        return finish_stdout(0);
    }
    const command *c = find_command(g, argv[1]);
    if (c == NULL)
        return unknown(g, "command", argv[1]);
    if (argc > 2) {
        fputs("dsgctl: help: too many arguments\nTry 'dsgctl --help'.\n", stderr);
        return EXIT_USAGE;
    }
    fputs(c->help, stdout);
    return finish_stdout(0);
}

static int run_group(const group *g, int argc, char **argv)
{
    if (argc == 0) {
        group_usage(stderr, g);
        return EXIT_USAGE;
    }
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        group_usage(stdout, g);
        return finish_stdout(0);
    }
    const command *c = find_command(g, argv[0]);
    if (c == NULL)
        return unknown(g, "command", argv[0]);
    return c->run(argc - 1, argv + 1);
}

/* @relation(REQ-SHARE-005) */
int main(int argc, char **argv)
{
    if (argc < 2) {
        main_usage(stderr);
        return EXIT_USAGE;
    }
    const char *a = argv[1];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
        return cmd_help(0, argv + 2);
    if (strcmp(a, "--version") == 0) {
        fputs("dsgctl (dsg) " DSGCTL_VERSION "\n", stdout);
        return finish_stdout(0);
    }
    if (strcmp(a, "help") == 0)
        return cmd_help(argc - 2, argv + 2);
    const group *g = find_group(a);
    if (g == NULL)
        return unknown(NULL, "command group", a);
    return run_group(g, argc - 2, argv + 2);
}
