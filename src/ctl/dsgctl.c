/*
 * dsgctl — the operator's command-line tool for dsg.
 *
 *   dsgctl <group> <command> [options] [args]
 *   dsgctl status [--json] [--socket PATH]
 *   dsgctl config show [--json] [--socket PATH]
 *   dsgctl role restart ROLE [--socket PATH]
 *   dsgctl storage decrypt --key KEKFILE [--store-key WRAPPEDFILE] OBJECT [--out FILE]
 *   dsgctl backup verify|decrypt|keygen ...
 *   dsgctl help [<group> [<command>]]
 *   dsgctl --help | --version
 *
 * Commands live in a table of groups, each with a table of commands; a new
 * command is one function and one table row. Commands that need no daemon
 * (policy check-name, storage decrypt) run entirely in this process, without
 * privileges of their own.
 *
 * Commands that need the daemon (status) talk to its ctl worker over the
 * control socket (src/ctl/ctl_client.h).
 *
 * Exit status (sysexits(3) for the common failures): 0 success, 64 usage
 * error, 69 daemon unreachable, 70 the daemon refused the command, 74 I/O
 * error, 75 the audit trail did not store the command's record in time
 * (REQ-LOG-008: the command failed closed), 76 a protocol error, 77
 * permission denied; a command may give
 * other codes a meaning (check-name: 1 forbidden, 2 invalid; storage
 * decrypt: 1 stor.integrity, 2 stor.key, 65 not an object, 66 a file
 * cannot be read, 73 the output cannot be created; backup: 1 a check
 * failed).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* read */
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "core/utf8.h"
#include "ctl/ctl_client.h"
#include "ctl/dsgctl.h"
#include "log/anchor.h"
#include "log/audit.h"
#include "share/name_policy.h"

#define DSGCTL_VERSION "0.1.0"


/* ---- escaping names for a terminal ---------------------------------------- */

/* A closed range [lo, hi] of code points. */
typedef struct cp_range {
    uint32_t lo, hi;
} cp_range;

/* Non-ASCII code points always written as \u{XXXX}: the ones a terminal
 * would act on, or show as nothing or as a plain space, so that an operator
 * reading the name could not tell them from their absence or from U+0020.
 * Sorted and disjoint (in_ranges searches it by bisection). Together with
 * the noncharacters U+xFFFE/U+xFFFF of every plane (tested arithmetically,
 * see hidden_code_point) it covers: the C1 controls; every space of
 * General_Category Zs but U+0020; every Default_Ignorable_Code_Point of
 * Unicode 15 (soft hyphen, CGJ, Hangul fillers, Mongolian selectors,
 * zero-width and bidi controls, invisible operators, variation selectors,
 * tags, and the unassigned rest of those blocks); the line and paragraph
 * separators; the interlinear annotation and Egyptian hieroglyph format
 * controls; every noncharacter; every private-use code point; and U+2800,
 * a braille cell with no dots. Visible format characters (the Arabic
 * number signs, U+0600..U+0605) are shown as they are. */
static const cp_range hidden_ranges[] = {
    { 0x0080, 0x00A0 },   /* C1 controls; U+00A0 no-break space */
    { 0x00AD, 0x00AD },   /* soft hyphen */
    { 0x034F, 0x034F },   /* combining grapheme joiner */
    { 0x061C, 0x061C },   /* Arabic letter mark (bidi) */
    { 0x115F, 0x1160 },   /* Hangul choseong and jungseong fillers */
    { 0x1680, 0x1680 },   /* Ogham space mark */
    { 0x17B4, 0x17B5 },   /* Khmer inherent vowels (invisible) */
    { 0x180B, 0x180F },   /* Mongolian variation selectors, vowel separator */
    { 0x2000, 0x200F },   /* en quad .. hair space; ZWSP, ZWNJ, ZWJ, LRM, RLM */
    { 0x2028, 0x202F },   /* line/paragraph separators, bidi embeddings, narrow NBSP */
    { 0x205F, 0x206F },   /* medium math space, word joiner, invisible operators,
                             bidi isolates, deprecated format controls */
    { 0x2800, 0x2800 },   /* braille pattern blank */
    { 0x3000, 0x3000 },   /* ideographic space */
    { 0x3164, 0x3164 },   /* Hangul filler */
    { 0xE000, 0xF8FF },   /* private use area */
    { 0xFDD0, 0xFDEF },   /* noncharacters */
    { 0xFE00, 0xFE0F },   /* variation selectors */
    { 0xFEFF, 0xFEFF },   /* byte order mark, zero-width no-break space */
    { 0xFFA0, 0xFFA0 },   /* halfwidth Hangul filler */
    { 0xFFF0, 0xFFFB },   /* unassigned default-ignorables; interlinear annotation */
    { 0x13430, 0x1343F }, /* Egyptian hieroglyph format controls */
    { 0x1BCA0, 0x1BCA3 }, /* shorthand format controls */
    { 0x1D173, 0x1D17A }, /* musical symbol format controls */
    { 0xE0000, 0xE0FFF }, /* tags, variation selectors supplement, unassigned rest */
    { 0xF0000, 0x10FFFF },/* supplementary private use areas A and B */
};

/* Combining marks, written as \u{XXXX} where nothing visible of the name
 * precedes them (its first character, or after an escape): there they would
 * sit on the TAB or quote before the name, or on the escape's last
 * character. Elsewhere they are part of a letter and shown as they are.
 * The blocks of generic combining marks; marks of a particular script
 * follow letters of that script. */
static const cp_range combining_ranges[] = {
    { 0x0300, 0x036F },   /* combining diacritical marks */
    { 0x0483, 0x0489 },   /* combining Cyrillic marks */
    { 0x1AB0, 0x1AFF },   /* combining diacritical marks extended */
    { 0x1DC0, 0x1DFF },   /* combining diacritical marks supplement */
    { 0x20D0, 0x20FF },   /* combining diacritical marks for symbols */
    { 0xFE20, 0xFE2F },   /* combining half marks */
};

#define NRANGES(t) (sizeof(t) / sizeof((t)[0]))

/* Whether cp lies in one of the n sorted, disjoint ranges of t. */
static int in_ranges(uint32_t cp, const cp_range *t, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < t[mid].lo)
            hi = mid;
        else if (cp > t[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static int hidden_code_point(uint32_t cp)
{
    return (cp & 0xFFFEu) == 0xFFFEu || /* U+FFFE, U+FFFF, U+1FFFE, ... */
           in_ranges(cp, hidden_ranges, NRANGES(hidden_ranges));
}

/* Writes one code point, escaped or as its UTF-8 bytes seq[0..len);
 * returns 1 if it wrote an escape. after_escape: nothing visible of the
 * name comes before it (see combining_ranges). */
static int put_code_point(FILE *out, const uint8_t *seq, size_t len, uint32_t cp,
                          int after_escape)
{
    switch (cp) {
    case '\\': fputs("\\\\", out); return 1;
    case '\t': fputs("\\t", out); return 1;
    case '\n': fputs("\\n", out); return 1;
    case '\r': fputs("\\r", out); return 1;
    default: break;
    }
    if (cp < 0x20 || cp == 0x7F) {
        fprintf(out, "\\x%02X", (unsigned)cp);
        return 1;
    }
    if (hidden_code_point(cp) ||
        (after_escape && in_ranges(cp, combining_ranges, NRANGES(combining_ranges)))) {
        fprintf(out, "\\u{%04X}", (unsigned)cp);
        return 1;
    }
    fwrite(seq, 1, len, out);
    return 0;
}

/* Writes s[0..len) so that every byte is visible and the line stays one
 * line: see put_code_point; a byte that is not part of well-formed UTF-8 is
 * written as \xNN. */
static void put_escaped(FILE *out, const uint8_t *s, size_t len)
{
    size_t i = 0;
    int after_escape = 1; /* the start of the name */
    while (i < len) {
        uint32_t cp = 0;
        size_t step = dsg_utf8_decode(s, len, i, &cp);
        if (step == 0) {
            fprintf(out, "\\x%02X", s[i]);
            i++;
            after_escape = 1;
            continue;
        }
        after_escape = put_code_point(out, s + i, step, cp, after_escape);
        i += step;
    }
}

/* The length of s[0..len) without a UTF-8 sequence cut short at its end
 * (a name cut at a fixed length may end inside a character; showing the
 * bytes it kept as \xNN would suggest the name is not UTF-8). */
static size_t whole_prefix(const uint8_t *s, size_t len)
{
    for (size_t back = 1; back <= 3 && back <= len; back++) {
        uint8_t c = s[len - back];
        if ((c & 0xC0) == 0x80)
            continue; /* a continuation byte: look further back */
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return need > back ? len - back : len;
    }
    return len;
}

void dsgctl_put_escaped_str(FILE *out, const char *s)
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
    "C1 controls, spaces other than U+0020, invisible (default-ignorable),\n"
    "bidirectional, separator, private-use and noncharacter code points, and\n"
    "for a combining mark with nothing visible before it. REASON is the\n"
    "matched extension (.tar.gz), the rule broken (reserved-char at byte 4),\n"
    "or - for an allowed name.\n"
    "\n"
    "options:\n"
    "  --add-ext EXT  forbid EXT as well (repeatable, at most 64); no option\n"
    "                 removes any of the 130 baseline extensions\n"
    "  --stdin        read the names from standard input, one per line (a\n"
    "                 line ends at LF; a CR before it is part of the name).\n"
    "                 A name over 4096 bytes is shown as its first 4096\n"
    "                 bytes and ..., with the reason too-long (N bytes)\n"
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
        dsgctl_put_escaped_str(stderr, arg);
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
                           "an extension is 1 to 32 printable ASCII characters other "
                           "than space and / \\ < > : \" | ? *, with single inner "
                           "dots, after an optional leading dot");
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

/* Prints the verdict line for a name of total bytes, of which name[0..len)
 * are at hand, and returns its verdict. len < total only for a name read
 * from --stdin that was cut at STDIN_NAME_KEEP bytes: then len is over
 * DSG_NAME_MAX_BYTES, so the verdict is invalid, too-long, and the line
 * shows the kept bytes, "..." and the length. */
static dsg_name_verdict check_one(const uint8_t *name, size_t len, uintmax_t total,
                                  const dsg_ext_set *extra)
{
    static const char *const word[] = { "allowed", "forbidden", "invalid" };
    dsg_name_result r;
    dsg_name_verdict v = dsg_name_check(name, len, extra, &r);
    int cut = total > len;
    fputs(word[v], stdout);
    fputc('\t', stdout);
    if (cut) {
        put_escaped(stdout, name, whole_prefix(name, len));
        fputs("...", stdout);
    } else {
        put_escaped(stdout, name, len);
    }
    fputc('\t', stdout);
    if (v == DSG_NAME_FORBIDDEN) {
        fputc('.', stdout);
        fwrite(r.ext->text, 1, r.ext->len, stdout);
    } else if (v == DSG_NAME_INVALID) {
        fputs(dsg_name_rule_token(r.rule), stdout);
        if (r.rule == DSG_NAME_RULE_UTF8 || r.rule == DSG_NAME_RULE_CONTROL ||
            r.rule == DSG_NAME_RULE_RESERVED_CHAR || r.rule == DSG_NAME_RULE_BIDI)
            printf(" at byte %zu", r.offset);
        else if (cut)
            printf(" (%ju bytes)", total);
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

/* A name read from --stdin keeps at most this many bytes (and is shown
 * whole up to there); its other bytes are only counted. Reading never
 * allocates, so no input can make it run out of memory. */
#define STDIN_NAME_KEEP 4096u
_Static_assert(STDIN_NAME_KEEP > DSG_NAME_MAX_BYTES,
               "a cut name must be too long for the policy");

typedef struct stdin_name {
    uint8_t kept[STDIN_NAME_KEEP];
    size_t nkept;    /* bytes in kept */
    uintmax_t total; /* bytes in the name, kept or not */
} stdin_name;

static void name_append(stdin_name *n, const uint8_t *p, size_t len)
{
    size_t room = STDIN_NAME_KEEP - n->nkept;
    size_t take = len < room ? len : room;
    memcpy(n->kept + n->nkept, p, take);
    n->nkept += take;
    n->total += len;
}

static dsg_name_verdict name_judge(stdin_name *n, const dsg_ext_set *extra)
{
    dsg_name_verdict v = check_one(n->kept, n->nkept, n->total, extra);
    n->nkept = 0;
    n->total = 0;
    return v;
}

/* Names from standard input, each ended by delim (or by the end of input),
 * read with read(2) into fixed buffers. Returns 0 only at a clean end of
 * input, every name judged; EXIT_IOERR, with a message, on a read error. */
static int check_stream(int delim, const dsg_ext_set *extra, dsg_name_verdict *worst)
{
    static uint8_t chunk[65536];
    static stdin_name name;
    name.nkept = 0;
    name.total = 0;
    for (;;) {
        ssize_t got = read(STDIN_FILENO, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            fprintf(stderr, CHECK_NAME ": reading standard input: %s\n", strerror(errno));
            return EXIT_IOERR;
        }
        if (got == 0)
            break;
        const uint8_t *p = chunk;
        const uint8_t *end = chunk + got;
        for (;;) {
            const uint8_t *stop = memchr(p, delim, (size_t)(end - p));
            name_append(&name, p, (size_t)((stop != NULL ? stop : end) - p));
            if (stop == NULL)
                break;
            *worst = worse(*worst, name_judge(&name, extra));
            p = stop + 1;
        }
    }
    if (name.total > 0) /* the last name, without a delimiter */
        *worst = worse(*worst, name_judge(&name, extra));
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

int dsgctl_finish_stdout(int status)
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
        return dsgctl_finish_stdout(0);
    }
    if (o.use_stdin)
        rc = check_stream(o.nul ? '\0' : '\n', &o.extra, &worst);
    for (int i = 0; i < o.nnames; i++) {
        size_t len = strlen(argv[i]);
        worst = worse(worst, check_one((const uint8_t *)argv[i], len, len, &o.extra));
    }
    rc = dsgctl_finish_stdout(rc);
    return rc != 0 ? rc : verdict_status(worst);
}

/* ---- log: the audit trail, offline ---------------------------------------- */

static const char log_verify_help[] =
    "usage: dsgctl log verify [--socket PATH]\n"
    "       dsgctl log verify --offline --pubkey FILE [--key CHAINKEY] DIR\n"
    "\n"
    "Without --offline, asks the running logd (through the control socket,\n"
    "default " DSG_CTL_SOCKET_DEFAULT ") to check its own store with its own keys,\n"
    "the records after the last checkpoint included; root or group dsgadm.\n"
    "\n"
    "With --offline, checks a copy of logd's audit trail (DIR holds audit.db and anchor.log,\n"
    "e.g. a copy of var/logd taken with dsgd stopped): every source's hash\n"
    "chain, every signed checkpoint of anchor.log against the Ed25519 public\n"
    "key FILE (from 'dsgctl log pubkey'), and, with --key, the MAC chain under\n"
    "logd's chain key (var/logd/chain.key), which also covers the records\n"
    "after the last checkpoint. Prints one line per break:\n"
    "  BREAK source=S seq=N kind=K: detail\n"
    "K is edited, deleted, inserted, reordered, truncated or bad signature;\n"
    "N is the first bad sequence number. Records lost by a restore ('dsgctl\n"
    "log restore') are no break: each source's gap under its signed restore\n"
    "record is a line\n"
    "  GAP source=S: records N..M lost by a restore on DATE (from T1 to T2)\n"
    "Then a summary line.\n"
    "\n"
    "exit status: 0 intact; 1 a break was found; 64 usage error; 74 the copy\n"
    "or a key cannot be read (offline) or logd could not read its store;\n"
    "69, 70, 76, 77 as for status (online). Opens the copy read-only.\n";

static const char log_export_help[] =
    "usage: dsgctl log export [SELECTION] --format jsonl|rfc5424 [--socket PATH]\n"
    "       dsgctl log export [SELECTION] --format jsonl|rfc5424 --offline DIR\n"
    "SELECTION: [--type N] [--source S] [--since T] [--until T] [--site AREA]\n"
    "           [--item area:ID|folder:ID|file:ID]\n"
    "\n"
    "Writes the selected records, by source and sequence number, then the\n"
    "signed checkpoints that cover them, one per line: JSON Lines, or RFC\n"
    "5424 syslog messages with the record in structured data (SD-IDs\n"
    "dsg@32473 and fields@32473). Without --offline, the running logd\n"
    "streams the export of its live store through the control socket (root\n"
    "or group dsgadm); with --offline, a copy of var/logd in DIR is read.\n"
    "--type N: one log type (a number, e.g. 16, or a name, e.g.\n"
    "portal_access); --source S: one source; --since T and --until T: the\n"
    "records recorded at or after T and before T (RFC 3339, UTC, e.g.\n"
    "2025-04-01T00:00:00Z); --site AREA: the records of one area (field\n"
    "site_id, as in 監査ログ・カスタムレポート); --item: those of an area, of a\n"
    "folder itself, or of a file and its versions (see dsgctl help share\n"
    "history). Each record carries seq, its chain values (hash;\n"
    "prev, the hash of the record before it; mac) and its canonical\n"
    "encoding in hex (enc), so the export can be checked offline against the\n"
    "checkpoints. Text is UTF-8: a control byte or a byte that is not\n"
    "UTF-8 is shown as \\xNN and a backslash as \\\\.\n"
    "\n"
    "exit status: 0 written; 64 usage error; 74 the store or copy cannot be\n"
    "read or the output cannot be written; 69, 70, 76, 77 as for status\n"
    "(online).\n";

static const char log_prune_help[] =
    "usage: dsgctl log prune --before T [--socket PATH]\n"
    "\n"
    "Asks the running logd to remove the audit records recorded before T\n"
    "(RFC 3339, UTC, e.g. 2024-01-01T00:00:00Z). logd refuses a T in the\n"
    "future or younger than log.retention_days (default 365 days), and then\n"
    "removes nothing. Otherwise it writes a checkpoint first, removes the\n"
    "records in one transaction and appends to each source a signed prune\n"
    "record (pruned up to N, chain head H) from which 'dsgctl log verify'\n"
    "goes on; the prune record also names who asked (uid, pid). logd also\n"
    "prunes by itself what is older than log.retention_days. Root or group\n"
    "dsgadm.\n"
    "\n"
    "exit status: 0 pruned; 64 usage error; 65 the cut is too recent; 74\n"
    "logd could not prune; 69, 70, 76, 77 as for status.\n";

static const char log_restore_help[] =
    "usage: dsgctl log restore --offline DIR --from COPY\n"
    "\n"
    "With dsgd stopped, puts COPY, a copy of an older audit.db of logd's\n"
    "state directory DIR (var/logd; made with sqlite3 audit.db '.backup\n"
    "FILE', or cp while dsgd is stopped), in place of DIR/audit.db. COPY must\n"
    "verify under DIR's keys and against DIR/anchor.log, and every record it\n"
    "holds must lie in the signed history (a copy newer than the last\n"
    "checkpoint, or diverging from it, is a substitution and is refused).\n"
    "The current database is kept aside as DIR/audit.db.before-restore-TIME-PID\n"
    "(never deleted). At its next start logd appends to each source that lost\n"
    "records a signed restore record naming the restored head, the records\n"
    "lost and their time span, and who restored; 'dsgctl log verify' then\n"
    "reports the gap (GAP lines) and accepts the chain across it.\n"
    "Run as root or as logd's user.\n"
    "\n"
    "exit status: 0 restored; 64 usage error; 65 COPY or DIR refused (nothing\n"
    "changed); 74 a file cannot be read or written.\n";

static const char log_pubkey_help[] =
    "usage: dsgctl log pubkey DIR\n"
    "\n"
    "Prints the Ed25519 public key (PEM) of logd's checkpoint signing key\n"
    "DIR/sign.key (DIR is var/logd), for 'dsgctl log verify --pubkey'.\n"
    "\n"
    "exit status: 0 printed; 64 usage error; 74 the key cannot be read.\n";

static int log_usage(const char *cmd, const char *what, const char *arg)
{
    fprintf(stderr, "dsgctl log %s: %s", cmd, what);
    if (arg != NULL) {
        fputs(" '", stderr);
        dsgctl_put_escaped_str(stderr, arg);
        fputc('\'', stderr);
    }
    fprintf(stderr, "\nTry 'dsgctl help log %s'.\n", cmd);
    return EXIT_USAGE;
}

/* A whole small file into buf (NUL-terminated); its length, or -1. */
static long read_small(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    size_t got = 0;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uintmax_t)st.st_size >= cap) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    return (long)got;
}

typedef struct log_opts {
    int offline, help;
    const char *pubkey, *key, *format, *dir, *socket;
    const char *type, *source, *since, *until, *before, *from, *site, *item;
} log_opts;

/* Options of the log commands: --offline, --pubkey F, --key F, --format F,
 * -h, and one DIR. */
static int log_parse(const char *cmd, log_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "--offline") == 0)
            o->offline = 1;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            o->help = 1;
        else if (strcmp(a, "--pubkey") == 0)
            slot = &o->pubkey;
        else if (strcmp(a, "--key") == 0)
            slot = &o->key;
        else if (strcmp(a, "--format") == 0)
            slot = &o->format;
        else if (strcmp(a, "--socket") == 0)
            slot = &o->socket;
        else if (strcmp(a, "--type") == 0)
            slot = &o->type;
        else if (strcmp(a, "--source") == 0)
            slot = &o->source;
        else if (strcmp(a, "--since") == 0)
            slot = &o->since;
        else if (strcmp(a, "--until") == 0)
            slot = &o->until;
        else if (strcmp(a, "--site") == 0)
            slot = &o->site;
        else if (strcmp(a, "--item") == 0)
            slot = &o->item;
        else if (strcmp(a, "--before") == 0)
            slot = &o->before;
        else if (strcmp(a, "--from") == 0)
            slot = &o->from;
        else if (a[0] == '-' && a[1] != '\0')
            return log_usage(cmd, "unknown option", a);
        else if (o->dir != NULL)
            return log_usage(cmd, "more than one directory:", a);
        else
            o->dir = a;
        if (slot != NULL) {
            if (i + 1 >= argc)
                return log_usage(cmd, "option needs a value:", a);
            *slot = argv[++i];
        }
    }
    /* verify, export and prune work without --offline, through the running logd */
    int online = !o->help && !o->offline &&
                 (strcmp(cmd, "verify") == 0 || strcmp(cmd, "export") == 0 ||
                  strcmp(cmd, "prune") == 0);
    if ((o->type || o->source || o->since || o->until || o->site || o->item) &&
        strcmp(cmd, "export") != 0)
        return log_usage(cmd, "--type, --source, --since, --until, --site and --item go with "
                         "export", NULL);
    if (o->before != NULL && strcmp(cmd, "prune") != 0)
        return log_usage(cmd, "unknown option", "--before");
    if (o->from != NULL && strcmp(cmd, "restore") != 0)
        return log_usage(cmd, "unknown option", "--from");
    if (!o->help && !online && o->dir == NULL)
        return log_usage(cmd, "no directory given", NULL);
    if (online && (o->dir != NULL || o->pubkey != NULL || o->key != NULL))
        return log_usage(cmd, "a directory, --pubkey and --key go with --offline", NULL);
    if (!online && o->socket != NULL)
        return log_usage(cmd, "--socket is for the running logd, not with --offline", NULL);
    return 0;
}


/* dsgctl log verify, through the running logd (REQ-LOG-005). */
static int log_verify_online(const char *socket, const char *format)
{
    static char out[1u << 17];
    char err[512];
    size_t len = 0;
    int status = 0;
    if (format != NULL)
        return log_usage("verify", "unknown option", "--format");
    dsg_ctl_result r = dsg_ctl_call(socket, "log verify", 600000, out, sizeof out, &len, &status,
                                    err, sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl log verify: %s\n", err);
        return dsgctl_ctl_status(r);
    }
    fwrite(out, 1, len, stdout);
    return dsgctl_finish_stdout(status);
}

static int cmd_log_verify(int argc, char **argv)
{
    log_opts o;
    static char pub[16384];
    char key[64], err[512];
    static dsg_audit_report r;
    int rc = log_parse("verify", &o, argc, argv);
    if (rc != 0)
        return rc;
    if (o.help) {
        fputs(log_verify_help, stdout);
        return dsgctl_finish_stdout(0);
    }
    if (!o.offline)
        return log_verify_online(o.socket != NULL ? o.socket : DSG_CTL_SOCKET_DEFAULT, o.format);
    if (o.pubkey == NULL)
        return log_usage("verify", "--offline needs --pubkey FILE", NULL);
    if (o.format != NULL)
        return log_usage("verify", "unknown option", "--format");
    long publen = read_small(o.pubkey, pub, sizeof pub);
    if (publen < 0) {
        fprintf(stderr, "dsgctl log verify: %s: %s\n", o.pubkey, strerror(errno));
        return EXIT_IOERR;
    }
    if (o.key != NULL && read_small(o.key, key, sizeof key) != 32) {
        fprintf(stderr, "dsgctl log verify: %s: not a 32-byte chain key\n", o.key);
        return EXIT_IOERR;
    }
    if (dsg_audit_verify(o.dir, pub, (size_t)publen, o.key != NULL ? (const uint8_t *)key : NULL,
                         &r, err, sizeof err) != 0) {
        fprintf(stderr, "dsgctl log verify: %s\n", err);
        return EXIT_IOERR;
    }
    static char text[(DSG_AUDIT_BREAKS_MAX + DSG_AUDIT_GAPS_MAX) * 512 + 512];
    if (dsg_audit_report_text(&r, text, sizeof text) == 0) {
        fprintf(stderr, "dsgctl log verify: the report does not fit its buffer\n");
        return EXIT_IOERR;
    }
    fputs(text, stdout);
    return dsgctl_finish_stdout(r.nbreaks ? 1 : 0);
}

/* --type as a number or a type name. */
static int parse_type(const char *t, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(t, &end, 10);
    if (*end == '\0' && end != t && v >= 1 && v <= 255 && v != DSG_AUDIT_TYPE_CHECKPOINT &&
        dsg_audit_type_name((uint32_t)v) != NULL) {
        *out = (uint32_t)v;
        return 0;
    }
    for (uint32_t k = 1; k <= 255; k++)
        if (k != DSG_AUDIT_TYPE_CHECKPOINT && dsg_audit_type_name(k) != NULL &&
            strcmp(dsg_audit_type_name(k), t) == 0) {
            *out = k;
            return 0;
        }
    return -1;
}

/* "OPTION: why the time is refused" as a usage error; why quotes what the
 * user typed, so it is escaped for the terminal. */
static int time_usage(const char *cmd, const char *option, const char *why)
{
    fprintf(stderr, "dsgctl log %s: %s: ", cmd, option);
    dsgctl_put_escaped_str(stderr, why);
    fprintf(stderr, "\nTry 'dsgctl help log %s'.\n", cmd);
    return EXIT_USAGE;
}

/* The selection of an export, checked here whichever side runs it. */
static int export_selection(const log_opts *o, dsg_audit_select *sel)
{
    char err[256];
    int64_t t;
    memset(sel, 0, sizeof *sel);
    if (o->type != NULL && parse_type(o->type, &sel->type) != 0)
        return log_usage("export", "--type is not a log type (a number such as 16 or a name "
                         "such as portal_access):", o->type);
    if (o->source != NULL && !dsg_anchor_source_ok(o->source, strlen(o->source)))
        return log_usage("export", "--source is not a source name (1..64 of A-Z a-z 0-9 _ . : -):",
                         o->source);
    if (o->source != NULL)
        snprintf(sel->source, sizeof sel->source, "%s", o->source);
    if (o->since != NULL && dsg_audit_time_parse(o->since, &t, sel->since, err, sizeof err) != 0)
        return time_usage("export", "--since", err);
    if (o->until != NULL && dsg_audit_time_parse(o->until, &t, sel->until, err, sizeof err) != 0)
        return time_usage("export", "--until", err);
    if (sel->since[0] && sel->until[0] && strcmp(sel->since, sel->until) >= 0)
        return log_usage("export", "--since must be before --until", NULL);
    if (o->site != NULL && dsg_audit_select_site(sel, o->site, err, sizeof err) != 0)
        return log_usage("export", "--site:", err);
    if (o->item != NULL && dsg_audit_select_item(sel, o->item, err, sizeof err) != 0)
        return log_usage("export", "--item:", err);
    return 0;
}

/* dsgctl log export through the running logd: the answer is streamed to
 * standard output as it comes (REQ-LOG-010). The item or area comes first:
 * the control record keeps the first 40 bytes of a command (REQ-SHARE-017). */
static int log_export_online(const char *socket, const char *format, const dsg_audit_select *sel)
{
    char line[512], err[512];
    int status = 0, n;
    n = snprintf(line, sizeof line, "log export");
    if (sel->item[0])
        n += snprintf(line + n, sizeof line - (size_t)n, " --item %s:%s",
                      sel->item_kind == DSG_AUDIT_ITEM_FOLDER ? "folder" : "file", sel->item);
    if (sel->site[0])
        n += snprintf(line + n, sizeof line - (size_t)n, " --site %s", sel->site);
    if (sel->type != 0)
        n += snprintf(line + n, sizeof line - (size_t)n, " --type %u", (unsigned)sel->type);
    if (sel->source[0])
        n += snprintf(line + n, sizeof line - (size_t)n, " --source %s", sel->source);
    if (sel->since[0])
        n += snprintf(line + n, sizeof line - (size_t)n, " --since %s", sel->since);
    if (sel->until[0])
        n += snprintf(line + n, sizeof line - (size_t)n, " --until %s", sel->until);
    snprintf(line + n, sizeof line - (size_t)n, " --format %s", format);
    if (fflush(stdout) != 0)
        return EXIT_IOERR;
    dsg_ctl_result r = dsg_ctl_stream(socket, line, 600000, 1, &status, err, sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl log export: %s\n", err);
        return dsgctl_ctl_status(r);
    }
    if (status != 0)
        fprintf(stderr, "dsgctl log export: %s\n", err);
    return status;
}

static int cmd_log_export(int argc, char **argv)
{
    log_opts o;
    char err[512];
    dsg_audit_format fmt;
    dsg_audit_select sel;
    int rc = log_parse("export", &o, argc, argv);
    if (rc != 0)
        return rc;
    if (o.help) {
        fputs(log_export_help, stdout);
        return dsgctl_finish_stdout(0);
    }
    if (o.format == NULL)
        return log_usage("export", "--format jsonl|rfc5424 is required", NULL);
    if (strcmp(o.format, "jsonl") == 0)
        fmt = DSG_AUDIT_JSONL;
    else if (strcmp(o.format, "rfc5424") == 0)
        fmt = DSG_AUDIT_RFC5424;
    else
        return log_usage("export", "unknown --format", o.format);
    if (o.pubkey != NULL || o.key != NULL)
        return log_usage("export", "unknown option", o.pubkey != NULL ? "--pubkey" : "--key");
    if ((rc = export_selection(&o, &sel)) != 0)
        return rc;
    if (!o.offline)
        return log_export_online(o.socket != NULL ? o.socket : DSG_CTL_SOCKET_DEFAULT, o.format,
                                 &sel);
    if (fflush(stdout) != 0 || dsg_audit_export(o.dir, &sel, fmt, 1, err, sizeof err) != 0) {
        fprintf(stderr, "dsgctl log export: %s\n", err);
        return EXIT_IOERR;
    }
    return 0;
}

static const char share_history_help[] =
    "usage: dsgctl share history ITEM [--since T] [--until T] [--json] [--socket PATH]\n"
    "       dsgctl share history ITEM [--since T] [--until T] [--json] --offline DIR\n"
    "ITEM: area:ID, folder:ID or file:ID\n"
    "\n"
    "The access history of an item, drawn from the audit trail (監査ログ・\n"
    "カスタムレポート, log type 23): of an area, every record of the area; of a\n"
    "folder, the folder's own records (listed, created, renamed, moved,\n"
    "deleted, refusals); of a file, the file's and its versions' (uploaded,\n"
    "downloaded, versions listed, renamed, moved, deleted, purged). One line\n"
    "per record in the order the share role recorded them, after a header\n"
    "line that starts with '#': time (UTC), user, event, location in the\n"
    "area, event data, separated by tabs, text shown as log export shows it.\n"
    "--since T, --until T: as for log export. --json: the same records as\n"
    "JSON Lines with their chain values, then the checkpoints that cover\n"
    "them (as dsgctl log export --format jsonl). Without --offline the\n"
    "running logd reads its live store (root or group dsgadm, with an\n"
    "administrator's login); the reading is recorded like every command.\n"
    "With --offline, a copy of var/logd in DIR is read.\n"
    "\n"
    "exit status: as for log export\n";

/* The offline history of a copy of var/logd in dir: the header only once
 * the copy opened. */
static int share_history_offline(const char *dir, const dsg_audit_select *sel, int json)
{
    static uint8_t buf[65536];
    char err[512];
    dsg_audit_exporter *x = NULL;
    long got;
    if (dsg_audit_export_open(dir, sel, json ? DSG_AUDIT_JSONL : DSG_AUDIT_HISTORY, &x, err,
                              sizeof err) != 0) {
        fprintf(stderr, "dsgctl share history: %s\n", err);
        return EXIT_IOERR;
    }
    if (!json && fputs("# time\tuser\tevent\tlocation\tdata\n", stdout) == EOF)
        got = -1;
    else
        while ((got = dsg_audit_export_read(x, buf, sizeof buf, err, sizeof err)) > 0 ||
               got == DSG_AUDIT_EXPORT_LATER)
            if (got > 0 && fwrite(buf, 1, (size_t)got, stdout) != (size_t)got) {
                snprintf(err, sizeof err, "cannot write the history");
                got = -1;
                break;
            }
    dsg_audit_export_close(x);
    if (got != 0) {
        fprintf(stderr, "dsgctl share history: %s\n", err);
        return EXIT_IOERR;
    }
    return dsgctl_finish_stdout(0);
}

/* dsgctl share history ITEM (REQ-SHARE-017): log export's selection of
 * type 23 by item, shown as a history. Its own options: --since, --until
 * and --socket take a value, --json and --offline none; one ITEM, and with
 * --offline one DIR after it. */
static int cmd_share_history(int argc, char **argv)
{
    log_opts o;
    dsg_audit_select sel, probe;
    char err[512];
    int json = 0, rc;
    const char *item = NULL;
    memset(&o, 0, sizeof o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], **slot = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(share_history_help, stdout);
            return dsgctl_finish_stdout(0);
        }
        if (strcmp(a, "--json") == 0)
            json = 1;
        else if (strcmp(a, "--offline") == 0)
            o.offline = 1;
        else if (strcmp(a, "--since") == 0)
            slot = &o.since;
        else if (strcmp(a, "--until") == 0)
            slot = &o.until;
        else if (strcmp(a, "--socket") == 0)
            slot = &o.socket;
        else if (a[0] == '-' && a[1] != '\0')
            return dsgctl_group_usage("share", "history", "unknown option", a);
        else if (item == NULL)
            item = a;
        else if (o.dir == NULL)
            o.dir = a;
        else
            return dsgctl_group_usage("share", "history", "one item and one directory:", a);
        if (slot != NULL && i + 1 >= argc)
            return dsgctl_group_usage("share", "history", "option needs a value:", a);
        if (slot != NULL)
            *slot = argv[++i];
    }
    memset(&probe, 0, sizeof probe);
    if (item == NULL)
        return dsgctl_group_usage("share", "history", "no item given (area:ID, folder:ID or "
                                  "file:ID)", NULL);
    if (dsg_audit_select_item(&probe, item, err, sizeof err) != 0)
        return dsgctl_group_usage("share", "history", err, NULL);
    if (o.offline != (o.dir != NULL))
        return dsgctl_group_usage("share", "history", o.offline ? "--offline needs DIR"
                                  : "a directory goes with --offline:", o.dir);
    if (o.offline && o.socket != NULL)
        return dsgctl_group_usage("share", "history", "--socket is for the running logd, "
                                  "not with --offline", NULL);
    o.type = "23";
    o.item = item;
    if ((rc = export_selection(&o, &sel)) != 0)
        return rc;
    if (!o.offline) {
        if (!json && fputs("# time\tuser\tevent\tlocation\tdata\n", stdout) == EOF)
            return EXIT_IOERR;
        return log_export_online(o.socket != NULL ? o.socket : DSG_CTL_SOCKET_DEFAULT,
                                 json ? "jsonl" : "history", &sel);
    }
    return share_history_offline(o.dir, &sel, json);
}

/* dsgctl log prune --before T (REQ-LOG-007): checked here for form and
 * against the clock, and by logd against log.retention_days. */
static int cmd_log_prune(int argc, char **argv)
{
    log_opts o;
    static char out[4096];
    char before[32], err[512], line[128];
    int64_t t;
    size_t len = 0;
    int status = 0;
    int rc = log_parse("prune", &o, argc, argv);
    if (rc != 0)
        return rc;
    if (o.help) {
        fputs(log_prune_help, stdout);
        return dsgctl_finish_stdout(0);
    }
    if (o.offline || o.pubkey || o.key || o.format)
        return log_usage("prune", "takes only --before T and --socket PATH", NULL);
    if (o.before == NULL)
        return log_usage("prune", "--before T is required", NULL);
    if (dsg_audit_time_parse(o.before, &t, before, err, sizeof err) != 0)
        return time_usage("prune", "--before", err);
    if (t > (int64_t)time(NULL))
        return log_usage("prune", "--before is in the future: nothing removed:", o.before);
    snprintf(line, sizeof line, "log prune --before %s", before);
    dsg_ctl_result r = dsg_ctl_call(o.socket != NULL ? o.socket : DSG_CTL_SOCKET_DEFAULT, line,
                                    600000, out, sizeof out, &len, &status, err, sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl log prune: %s\n", err);
        return dsgctl_ctl_status(r);
    }
    if (status != 0) {
        fprintf(stderr, "dsgctl log prune: %s", out);
        return status;
    }
    fwrite(out, 1, len, stdout);
    return dsgctl_finish_stdout(0);
}

/* dsgctl log restore --offline DIR --from COPY. @relation(REQ-LOG-046, REQ-LOG-015) */
static int cmd_log_restore(int argc, char **argv)
{
    log_opts o;
    char err[1024], uid[24], pid[24];
    dsg_audit_restore_result r;
    int rc = log_parse("restore", &o, argc, argv);
    if (rc != 0)
        return rc;
    if (o.help) {
        fputs(log_restore_help, stdout);
        return dsgctl_finish_stdout(0);
    }
    if (!o.offline || o.from == NULL)
        return log_usage("restore", "needs --offline DIR and --from COPY (with dsgd stopped)",
                         NULL);
    if (o.pubkey || o.key || o.format)
        return log_usage("restore", "takes only --offline DIR and --from COPY", NULL);
    snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    dsg_audit_restore_req q = { o.dir, o.from, uid, pid };
    rc = dsg_audit_restore(&q, &r, err, sizeof err);
    if (rc != 0) {
        fputs("dsgctl log restore: ", stderr);
        dsgctl_put_escaped_str(stderr, err);
        fputc('\n', stderr);
        return rc > 0 ? EXIT_DATAERR : EXIT_IOERR;
    }
    printf("restored %s: %llu signed record(s) of %u source(s) are not in the copy; the "
           "previous database is kept as %s; logd appends the signed restore records at its "
           "next start\n", o.dir, (unsigned long long)r.lost, r.sources,
           r.set_aside[0] ? r.set_aside : "(none)");
    return dsgctl_finish_stdout(0);
}

static int cmd_log_pubkey(int argc, char **argv)
{
    log_opts o;
    char pem[4096], err[512];
    int rc = log_parse("pubkey", &o, argc, argv);
    if (rc != 0)
        return rc;
    if (o.help) {
        fputs(log_pubkey_help, stdout);
        return dsgctl_finish_stdout(0);
    }
    if (o.offline || o.pubkey != NULL || o.key != NULL || o.format != NULL)
        return log_usage("pubkey", "takes no option but the directory", NULL);
    if (dsg_audit_pubkey_pem(o.dir, pem, sizeof pem, err, sizeof err) != 0) {
        fprintf(stderr, "dsgctl log pubkey: %s\n", err);
        return EXIT_IOERR;
    }
    fputs(pem, stdout);
    return dsgctl_finish_stdout(0);
}

/* ---- the command table ----------------------------------------------------- */


/* ---- status ----------------------------------------------------------------- */

static const char status_help[] =
    "usage: dsgctl status [--json] [--socket PATH]\n"
    "\n"
    "Shows the running dsgd: its version, pid, uptime and configuration\n"
    "generation, and per role its state, pid, uid, uptime, restarts and\n"
    "sandbox as the kernel reports it (NoNewPrivs, seccomp, Landlock, root).\n"
    "\n"
    "  --json         one JSON object instead of the table\n"
    "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ", ctl.socket)\n"
    "\n"
    "Exit status: 0 success; 64 usage error; 69 dsgd unreachable; 70 refused;\n"
    "74 write error; 75 the audit trail did not store the command's record in\n"
    "time (the command failed); 76 protocol error; 77 not root and not in group\n"
    "dsgadm.\n";

int dsgctl_ctl_status(dsg_ctl_result r)
{
    switch (r) {
    case DSG_CTL_OK: return 0;
    case DSG_CTL_UNREACHABLE: return EXIT_UNAVAILABLE;
    case DSG_CTL_DENIED: return EXIT_NOPERM;
    case DSG_CTL_REFUSED: return EXIT_SOFTWARE;
    case DSG_CTL_AUDIT: return EXIT_TEMPFAIL;
    case DSG_CTL_BAD_ARGUMENT: return EXIT_USAGE;
    case DSG_CTL_LOGIN_REQUIRED: return EXIT_NOPERM;
    default: return EXIT_PROTOCOL;
    }
}

/* One command through the control socket; its output to stdout. */
static int daemon_command(const char *what, const char *line, const char *socket, int json)
{
    static char out[1u << 20];
    char err[512];
    size_t len = 0;
    int status = 0;
    dsg_ctl_result r = dsg_ctl_call(socket, line, 15000, out, sizeof out, &len, &status, err,
                                    sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl: %s: %s\n", what, err);
        return dsgctl_ctl_status(r);
    }
    fwrite(out, 1, len, stdout);
    if (json)
        fputc('\n', stdout);
    return dsgctl_finish_stdout(status);
}

static int bad_option(const char *what, const char *arg, const char *help_topic)
{
    fprintf(stderr, "dsgctl: %s: unknown option '", what);
    dsgctl_put_escaped_str(stderr, arg);
    fprintf(stderr, "'\nTry 'dsgctl help %s'.\n", help_topic);
    return EXIT_USAGE;
}

/* A command with the options [--json] [--socket PATH]: what, or
 * "what --json", through the control socket. */
static int json_command(int argc, char **argv, const char *what, const char *help)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT;
    char line[64];
    int json = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            return dsgctl_finish_stdout(0);
        } else {
            return bad_option(what, argv[i], what);
        }
    }
    snprintf(line, sizeof line, "%s%s", what, json ? " --json" : "");
    return daemon_command(what, line, socket, json);
}

/* dsgctl status [--json] [--socket PATH] @relation(REQ-RUN-023) */
static int cmd_status(int argc, char **argv)
{
    return json_command(argc, argv, "status", status_help);
}

/* ---- config show, role restart ------------------------------------------------ */

static const char config_show_help[] =
    "usage: dsgctl config show [--json] [--socket PATH]\n"
    "\n"
    "Prints the configuration the running dsgd uses, one key a line in the\n"
    "syntax of dsgd.conf(5), each marked with where its value comes from:\n"
    "`# default (source: ...)` with the source of the embedded default,\n"
    "`# FILE:LINE` for a line of the file of dsgd -f, or `# command line -X`.\n"
    "Settings that apply only when dsgd restarts show the value in force.\n"
    "\n"
    "  --json         one JSON object: config_generation, and per key: key,\n"
    "                 value, origin (default, file, command-line), file and\n"
    "                 line, option, default, source\n"
    "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ", ctl.socket)\n"
    "\n"
    "Exit status: as for status.\n";

static const char role_restart_help[] =
    "usage: dsgctl role restart ROLE [--socket PATH]\n"
    "\n"
    "Starts ROLE (portal, logd, ctl, auth, share) again at once, without backoff. A role\n"
    "that exited more than dsgd.restart_burst times within\n"
    "dsgd.restart_interval is `failed` in dsgctl status and is not restarted\n"
    "until this command; a running role is stopped and started again (ctl,\n"
    "which serves this command, only when failed or stopped).\n"
    "\n"
    "Exit status: as for status; 64 also for a role dsgd does not have.\n";

/* dsgctl config show [--json] [--socket PATH] @relation(REQ-RUN-018) */
static int cmd_config_show(int argc, char **argv)
{
    return json_command(argc, argv, "config show", config_show_help);
}

/* A role name as the control protocol carries it: [a-z]{1,16}. */
static int role_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 16)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    return 1;
}

/* dsgctl role restart ROLE [--socket PATH] @relation(REQ-RUN-008) */
static int cmd_role_restart(int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *role = NULL;
    char line[64];
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(role_restart_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (argv[i][0] == '-' || role != NULL) {
            return bad_option("role restart", argv[i], "role restart");
        } else {
            role = argv[i];
        }
    }
    if (role == NULL) {
        fputs("dsgctl: role restart: no role given (portal, logd, ctl, auth, share)\n"
              "Try 'dsgctl help role restart'.\n", stderr);
        return EXIT_USAGE;
    }
    if (!role_name_ok(role)) {
        fputs("dsgctl: role restart: unknown role '", stderr);
        dsgctl_put_escaped_str(stderr, role);
        fputs("' (roles: portal, logd, ctl, auth, share)\n", stderr);
        return EXIT_USAGE;
    }
    snprintf(line, sizeof line, "role restart %s", role);
    return daemon_command("role restart", line, socket, 0);
}

/* Commands that stand alone, without a group. */
typedef struct top_command {
    const char *name;
    const char *summary;
    const char *help;
    int (*run)(int argc, char **argv);
} top_command;

static const top_command top_commands[] = {
    { "status", "the running gateway: roles, pids, uptime, restarts, sandbox", status_help,
      cmd_status },
    { "login", "log in as a DSG administrator (password and second factor)", dsgctl_login_help,
      dsgctl_cmd_login },
    { "logout", "end the administrator's login", dsgctl_logout_help, dsgctl_cmd_logout },
};

#define NTOP (sizeof top_commands / sizeof top_commands[0])

static const top_command *find_top(const char *name)
{
    for (size_t i = 0; i < NTOP; i++)
        if (strcmp(top_commands[i].name, name) == 0)
            return &top_commands[i];
    return NULL;
}

typedef struct group {
    const char *name;
    const char *summary;
    const command *commands;
    size_t count;
} group;

static const command policy_commands[] = {
    { "check-name", "judge file names against the upload file-name policy (offline)",
      check_name_help, cmd_check_name },
    { "access-control", "the access-control policy in force, from the running dsgd",
      dsgctl_policy_access_control_help, dsgctl_policy_access_control },
};

static const command log_commands[] = {
    { "verify", "check a copy of the audit trail for tampering (--offline)", log_verify_help,
      cmd_log_verify },
    { "export", "write selected records and their checkpoints as JSON Lines or RFC 5424",
      log_export_help, cmd_log_export },
    { "prune", "remove records older than the retention, leaving a signed prune record",
      log_prune_help, cmd_log_prune },
    { "restore", "put an older copy of the store in place (--offline, dsgd stopped)",
      log_restore_help, cmd_log_restore },
    { "pubkey", "print the public key that verifies the checkpoints", log_pubkey_help,
      cmd_log_pubkey },
};

static const command share_commands[] = {
    { "history", "the access history of an area, folder or file, from the audit trail",
      share_history_help, cmd_share_history },
};

static const command config_commands[] = {
    { "show", "the running dsgd's configuration, each value with its origin", config_show_help,
      cmd_config_show },
};

static const command role_commands[] = {
    { "restart", "start a role again now (also one marked failed)", role_restart_help,
      cmd_role_restart },
};

static const group groups[] = {
    { "account", "accounts and the applications that change them (auth role)",
      dsgctl_account_commands, DSGCTL_ACCOUNT_COMMANDS },
    { "area", "areas of protected-information sharing and the applications that create them "
              "(share role)",
      dsgctl_area_commands, DSGCTL_AREA_COMMANDS },
    { "org", "registered organisations and the networks their accounts use (auth role)",
      dsgctl_org_commands, DSGCTL_ORG_COMMANDS },
    { "terminal", "registered terminals, known by their client certificates (auth role)",
      dsgctl_terminal_commands, DSGCTL_TERMINAL_COMMANDS },
    { "rights", "access rights to areas as grants, their applications and the access decision "
                "(share role)",
      dsgctl_rights_commands, DSGCTL_RIGHTS_COMMANDS },
    { "backup", "backups: take one now, list them, verify one, restore its members, the keys",
      dsgctl_backup_commands, DSGCTL_BACKUP_COMMANDS },
    { "config", "the configuration in force", config_commands,
      sizeof config_commands / sizeof config_commands[0] },
    { "key", "the gateway's keys: rotate the key-encryption key, escrow (export, import)",
      dsgctl_key_commands, DSGCTL_KEY_COMMANDS },
    { "log", "the audit trail: verify, export (online or offline), prune, restore, public key",
      log_commands,
      sizeof log_commands / sizeof log_commands[0] },
    { "policy", "policies the gateway enforces: file names (offline), access control", policy_commands,
      sizeof policy_commands / sizeof policy_commands[0] },
    { "role", "the gateway's worker roles", role_commands,
      sizeof role_commands / sizeof role_commands[0] },
    { "share", "protected-information sharing: the access history of an item",
      share_commands, sizeof share_commands / sizeof share_commands[0] },
    { "storage", "stored objects: decrypt one offline; the storage areas' usage",
      dsgctl_storage_commands, DSGCTL_STORAGE_COMMANDS },
};

#define NGROUPS (sizeof groups / sizeof groups[0])

static void main_usage(FILE *out)
{
    fputs("usage: dsgctl <command> [options]\n"
          "       dsgctl <group> <command> [options] [args]\n"
          "       dsgctl help [<group> [<command>] | <command>]\n"
          "       dsgctl --help | --version\n"
          "\n"
          "dsgctl is the operator's tool for dsg, the Defense Security Gateway.\n"
          "\n"
          "commands:\n", out);
    for (size_t i = 0; i < NTOP; i++)
        fprintf(out, "  %-10s %s\n", top_commands[i].name, top_commands[i].summary);
    fputs("\ngroups:\n", out);
    for (size_t i = 0; i < NGROUPS; i++)
        fprintf(out, "  %-10s %s\n", groups[i].name, groups[i].summary);
    fputs("\nRun 'dsgctl help <group>' for the commands of a group.\n", out);
}

static void group_usage(FILE *out, const group *g)
{
    fprintf(out, "usage: dsgctl %s <command> [options] [args]\n\ncommands:\n", g->name);
    for (size_t i = 0; i < g->count; i++)
        fprintf(out, "  %-14s %s\n", g->commands[i].name, g->commands[i].summary);
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
    dsgctl_put_escaped_str(stderr, name);
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
        return dsgctl_finish_stdout(0);
    }
    const top_command *t = find_top(argv[0]);
    if (t != NULL && argc == 1) {
        fputs(t->help, stdout);
        return dsgctl_finish_stdout(0);
    }
    const group *g = find_group(argv[0]);
    if (g == NULL)
        return unknown(NULL, "command group", argv[0]);
    if (argc == 1) {
        group_usage(stdout, g);
        return dsgctl_finish_stdout(0);
    }
    const command *c = find_command(g, argv[1]);
    if (c == NULL)
        return unknown(g, "command", argv[1]);
    if (argc > 2) {
        fputs("dsgctl: help: too many arguments\nTry 'dsgctl --help'.\n", stderr);
        return EXIT_USAGE;
    }
    fputs(c->help, stdout);
    return dsgctl_finish_stdout(0);
}

static int run_group(const group *g, int argc, char **argv)
{
    if (argc == 0) {
        group_usage(stderr, g);
        return EXIT_USAGE;
    }
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        group_usage(stdout, g);
        return dsgctl_finish_stdout(0);
    }
    const command *c = find_command(g, argv[0]);
    if (c == NULL)
        return unknown(g, "command", argv[0]);
    return c->run(argc - 1, argv + 1);
}

/* @relation(REQ-SHARE-005, REQ-LOG-005, REQ-LOG-010, REQ-LOG-040, REQ-LOG-041, REQ-LOG-042, REQ-LOG-046) */
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
        return dsgctl_finish_stdout(0);
    }
    if (strcmp(a, "help") == 0)
        return cmd_help(argc - 2, argv + 2);
    const top_command *t = find_top(a);
    if (t != NULL)
        return t->run(argc - 2, argv + 2);
    const group *g = find_group(a);
    if (g == NULL)
        return unknown(NULL, "command group", a);
    return run_group(g, argc - 2, argv + 2);
}
