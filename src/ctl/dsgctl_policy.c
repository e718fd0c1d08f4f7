/*
 * dsgctl policy access-control (REQ-ACCT-017): the access-control policy
 * (アクセス制御方針) in force, rendered from the running dsgd's
 * `config show --json`, with the SHA-256 of the values it was made from.
 *
 * The configuration hash (src/ctl/policy_doc.h) is SHA-256 over
 * "key=value\n" of every key in force, sorted by key, the value as
 * `config show --json` gives it: anyone can compute it again from that
 * output, so a printed policy can be checked against the system.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "core/json_tok.h"
#include "ctl/ctl_client.h"
#include "ctl/dsgctl.h"
#include "ctl/policy_doc.h"

const char dsgctl_policy_access_control_help[] =
    "usage: dsgctl policy access-control [--format md|html] [--socket PATH]\n"
    "\n"
    "Prints the access-control policy in force: the account types and what\n"
    "each may do, the application and approval rules, the grant model, and\n"
    "the lockout, session, password and network settings with their values\n"
    "and origins, read from the running dsgd (`config show --json`). The\n"
    "footer names the configuration generation and the SHA-256 of the\n"
    "settings in force (\"key=value\\n\" for every key, sorted by key).\n"
    "\n"
    "  --format md    Markdown (the default)\n"
    "  --format html  a standalone HTML5 page, every value escaped, no script\n"
    "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
    "\n"
    "Needs an administrator's login (dsgctl login).\n"
    "Exit status: 0; 64 usage; 69 no dsgd; 76 an answer that is not the\n"
    "configuration; 77 no administrator's login.\n";

#define KEYS_MAX 256u

/* One key in force, as `config show --json` gives it. */
typedef struct setting {
    char key[DSG_CONF_KEY_MAX + 1];
    char value[DSG_CONFIG_TEXT_MAX + 1];
    char origin[DSG_CONFIG_NAME_MAX + 32];
} setting;

typedef struct in_force {
    setting s[KEYS_MAX];
    size_t n;
    unsigned long generation;
    char hash[65];
} in_force;

typedef enum { FMT_MD, FMT_HTML } format;

/* ---- reading the configuration ------------------------------------------- */

static int str_member(const char *buf, size_t len, const dsg_json_tok *t, char *out, size_t cap)
{
    size_t n = 0;
    if (t->type != DSG_JSON_STRING ||
        dsg_json_string_value((const uint8_t *)buf, len, t, (uint8_t *)out, cap - 1, &n) !=
            DSG_JSON_OK)
        return -1;
    out[n] = '\0';
    return 0;
}

static int name_is(const char *buf, const dsg_json_tok *t, const char *name)
{
    size_t n = strlen(name);
    return t->len == n + 2 && memcmp(buf + t->start + 1, name, n) == 0;
}

static int uint_member(const char *buf, const dsg_json_tok *t, unsigned long *out)
{
    unsigned long v = 0;
    if (t->type != DSG_JSON_NUMBER || t->len == 0 || t->len > 9)
        return -1;
    for (size_t i = 0; i < t->len; i++) {
        char c = buf[t->start + i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (unsigned long)(c - '0');
    }
    *out = v;
    return 0;
}

/* One object of "keys": key, value and its origin ("default",
 * "FILE:LINE", "command line -X"). */
static int read_key(const char *buf, size_t len, const dsg_json_tok *toks, size_t obj,
                    setting *s)
{
    char origin[16] = "", file[DSG_CONFIG_NAME_MAX] = "", option[8] = "";
    unsigned long line = 0;
    int have_key = 0, have_value = 0;
    if (toks[obj].type != DSG_JSON_OBJECT)
        return -1;
    for (size_t k = obj + 1; k < toks[obj].next; k = toks[k + 1].next) {
        const dsg_json_tok *v = &toks[k + 1];
        int rc = 0;
        if (name_is(buf, &toks[k], "key"))
            rc = str_member(buf, len, v, s->key, sizeof s->key), have_key = 1;
        else if (name_is(buf, &toks[k], "value"))
            rc = str_member(buf, len, v, s->value, sizeof s->value), have_value = 1;
        else if (name_is(buf, &toks[k], "origin"))
            rc = str_member(buf, len, v, origin, sizeof origin);
        else if (name_is(buf, &toks[k], "file"))
            rc = str_member(buf, len, v, file, sizeof file);
        else if (name_is(buf, &toks[k], "option"))
            rc = str_member(buf, len, v, option, sizeof option);
        else if (name_is(buf, &toks[k], "line"))
            rc = uint_member(buf, v, &line);
        if (rc != 0)
            return -1;
    }
    if (!have_key || !have_value)
        return -1;
    if (strcmp(origin, "file") == 0)
        snprintf(s->origin, sizeof s->origin, "%s:%lu", file, line);
    else if (strcmp(origin, "command-line") == 0)
        snprintf(s->origin, sizeof s->origin, "command line %s", option);
    else if (strcmp(origin, "default") == 0)
        snprintf(s->origin, sizeof s->origin, "default");
    else
        return -1;
    return 0;
}

/* The answer of `config show --json` into *c; 0 or -1. */
static int parse_config(const char *buf, size_t len, in_force *c)
{
    static dsg_json_tok toks[8192];
    size_t n = 0, at = 0;
    int have_gen = 0, have_keys = 0;
    if (dsg_json_tokenize((const uint8_t *)buf, len, 8, toks, sizeof toks / sizeof toks[0], &n,
                          &at) != DSG_JSON_OK || toks[0].type != DSG_JSON_OBJECT)
        return -1;
    c->n = 0;
    for (size_t k = 1; k + 1 < n; k = toks[k + 1].next) {
        const dsg_json_tok *v = &toks[k + 1];
        if (name_is(buf, &toks[k], "config_generation")) {
            if (uint_member(buf, v, &c->generation) != 0)
                return -1;
            have_gen = 1;
        } else if (name_is(buf, &toks[k], "keys")) {
            if (v->type != DSG_JSON_ARRAY || v->size > KEYS_MAX)
                return -1;
            for (size_t e = k + 2; e < v->next; e = toks[e].next)
                if (read_key(buf, len, toks, e, &c->s[c->n++]) != 0)
                    return -1;
            have_keys = 1;
        }
    }
    return have_gen && have_keys && c->n > 0 ? 0 : -1;
}

/* The configuration hash over every key in force. */
static int config_hash(in_force *c)
{
    static dsg_policy_kv kv[KEYS_MAX];
    for (size_t i = 0; i < c->n; i++) {
        kv[i].key = c->s[i].key;
        kv[i].value = c->s[i].value;
    }
    return dsg_policy_config_hash(kv, c->n, c->hash);
}

static const setting *find(const in_force *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->s[i].key, key) == 0)
            return &c->s[i];
    return NULL;
}

/* ---- rendering ------------------------------------------------------------ */

/* Writes s HTML-escaped. */
static void html_escape(FILE *out, const char *s)
{
    static char buf[6 * DSG_CONFIG_TEXT_MAX + 1];
    if (dsg_policy_html_escape(s, buf, sizeof buf) != (size_t)-1)
        fputs(buf, out);
    else
        fputs("(too long to show)", out);
}

/* Writes s for a Markdown table cell or code span: | escaped, a backtick
 * shown as ', line breaks as spaces (a value is one line). */
static void md_text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '`')
            fputc('\'', out);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

static void put_value(FILE *out, format f, const char *s)
{
    if (f == FMT_HTML)
        html_escape(out, s);
    else
        md_text(out, s);
}

static void heading(FILE *out, format f, int level, const char *text)
{
    if (f == FMT_HTML)
        fprintf(out, "<h%d>%s</h%d>\n", level, text, level);
    else
        fprintf(out, "%.*s %s\n\n", level, "###", text);
}

/* Fixed text for HTML: "`" pairs become <code>. The fixed texts hold
 * no < or &. */
static void html_fixed(FILE *out, const char *text)
{
    int code = 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '`') {
            fputs(code ? "</code>" : "<code>", out);
            code = !code;
        } else {
            fputc(*p, out);
        }
    }
}

/* A paragraph of fixed text ("`" marks code). */
static void para(FILE *out, format f, const char *text)
{
    if (f == FMT_MD) {
        fprintf(out, "%s\n\n", text);
        return;
    }
    fputs("<p>", out);
    html_fixed(out, text);
    fputs("</p>\n", out);
}

/* A list of fixed items (see para). */
static void list(FILE *out, format f, const char *const *items, size_t n)
{
    fputs(f == FMT_HTML ? "<ul>\n" : "", out);
    for (size_t i = 0; i < n; i++) {
        if (f == FMT_MD) {
            fprintf(out, "- %s\n", items[i]);
            continue;
        }
        fputs("<li>", out);
        html_fixed(out, items[i]);
        fputs("</li>\n", out);
    }
    fputs(f == FMT_HTML ? "</ul>\n" : "\n", out);
}

/* A value in a table cell: as code, or "(empty)". */
static void value_cell(FILE *out, format f, const char *v)
{
    if (v[0] == '\0') {
        fputs("(empty)", out);
        return;
    }
    fputs(f == FMT_HTML ? "<code>" : "`", out);
    put_value(out, f, v);
    fputs(f == FMT_HTML ? "</code>" : "`", out);
}

/* A table of settings: key, meaning, value, origin. A key dsgd did not
 * report is not in force: said so, never guessed. */
static void settings_table(FILE *out, format f, const in_force *c, const char *const *keys,
                           size_t n)
{
    if (f == FMT_HTML)
        fputs("<table>\n<tr><th>key</th><th>meaning</th><th>value</th><th>origin</th></tr>\n",
              out);
    else
        fputs("| key | meaning | value | origin |\n|---|---|---|---|\n", out);
    for (size_t i = 0; i < n; i++) {
        const setting *s = find(c, keys[i]);
        int id = dsg_config_find(keys[i], strlen(keys[i]));
        fputs(f == FMT_HTML ? "<tr><td>" : "| ", out);
        value_cell(out, f, keys[i]);
        fputs(f == FMT_HTML ? "</td><td>" : " | ", out);
        put_value(out, f, id >= 0 ? dsg_config_keys[id].doc : "");
        fputs(f == FMT_HTML ? "</td><td>" : " | ", out);
        if (s != NULL)
            value_cell(out, f, s->value);
        else
            fputs("not reported by dsgd", out);
        fputs(f == FMT_HTML ? "</td><td>" : " | ", out);
        put_value(out, f, s != NULL ? s->origin : "-");
        fputs(f == FMT_HTML ? "</td></tr>\n" : " |\n", out);
    }
    fputs(f == FMT_HTML ? "</table>\n" : "\n", out);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void account_types(FILE *out, format f, const in_force *c)
{
    static const char *const types[] = {
        "Company user (`company`, of a prime contractor or a vendor): uses the portal, "
        "only from the registered networks of its organisation (`dsgctl org`); logs in with "
        "its password and a WebAuthn credential with user verification; may do on an area's "
        "folders only what a grant in force allows it or its organisation.",
        "Ministry user (`ministry`): uses the portal from the registered networks of the "
        "Ministry's organisation and from `auth.ministry_networks`; logs in with its password "
        "and TOTP inside `auth.ministry_networks`, with its password and WebAuthn with user "
        "verification outside them; may do on an area's folders only what a grant in force "
        "allows it or its organisation.",
        "Administrator (`admin`): logs in only on the control socket (`dsgctl login`, "
        "Unix root or a member of group `dsgadm`), never on the portal; with its password and "
        "the second factor of `auth.admin_second_factor`; enters and decides applications for "
        "accounts, organisations, areas and rights, ends sessions, unlocks accounts, "
        "and reads the audit trail and the configuration.",
    };
    heading(out, f, 2, "1. Account types");
    list(out, f, types, N(types));
    para(out, f, "The second factor is chosen by the server from the account type and the "
                 "client address it observes (the proved factor table, "
                 "`src/auth/login_flow.h`); nothing in a request lowers it. Every account "
                 "has an expiry, never after its contract's end, and an account unused for "
                 "`auth.inactivity_disable_days` days is suspended.");
    static const char *const factor_keys[] = {
        "auth.admin_second_factor", "auth.ministry_networks", "auth.inactivity_disable_days",
        "auth.webauthn_self_attestation", "auth.logon_notice",
    };
    settings_table(out, f, c, factor_keys, N(factor_keys));
}

static void applications(FILE *out, format f)
{
    static const char *const rules[] = {
        "Accounts are registered, suspended, resumed, deleted, given a new expiry or a new "
        "second factor only by an application that records the applicant, the reason and who "
        "entered it (`dsgctl account apply`).",
        "Areas are created (`dsgctl area apply`) and grants made or ended (`dsgctl rights "
        "apply`, `dsgctl rights revoke`) only by applications likewise.",
        "Whoever entered an application can neither approve nor reject it (`self_approval`); "
        "database triggers refuse it as well. An application is decided once.",
        "A decision (approve, reject) needs an administrator's login younger than "
        "`auth.reauth_max_age`; an older one must log in again (`reauth_required`).",
        "Every application, decision and refusal is recorded in the audit trail before the "
        "command answers; nothing is ever deleted.",
    };
    heading(out, f, 2, "2. Applications and approval");
    list(out, f, rules, N(rules));
}

static void grants(FILE *out, format f)
{
    static const char *const model[] = {
        "Default deny: an account may do an operation on a folder only under a grant in force.",
        "A grant gives one account, or every account of an organisation (its group), a set of "
        "operations on one folder of an area and everything under it, sub-folders created "
        "later included.",
        "The operations: `list`, `read`, `upload`, `new-version`, `rename`, `move`, `delete`, "
        "`create-folder`, `search`, `history`, `grant`, `revoke`.",
        "A grant is valid from a time until a time no later than the end of the area's "
        "contract.",
        "A grant ends only by an approved revocation application; it is never changed or "
        "deleted otherwise.",
        "Every access is decided by the proved access decision (`src/share/access.h`) over "
        "the grants in force (`dsgctl rights check`).",
    };
    heading(out, f, 2, "3. Grants");
    list(out, f, model, N(model));
}

static void settings(FILE *out, format f, const in_force *c)
{
    static const char *const lockout[] = {
        "auth.lockout_threshold", "auth.lockout_window", "auth.lockout_duration",
        "auth.source_failures_per_minute",
    };
    static const char *const sessions[] = {
        "auth.session_idle_timeout", "auth.session_max_lifetime", "auth.max_sessions_per_user",
        "auth.admin_token_lifetime", "auth.reauth_max_age", "auth.challenge_lifetime",
    };
    static const char *const passwords[] = {
        "auth.password_min_length", "auth.password_max_length",
        "auth.password_required_classes", "auth.password_history",
        "auth.password_max_age_days", "auth.temporary_password_lifetime",
        "auth.enrolment_code_lifetime", "auth.scrypt_n", "auth.scrypt_r", "auth.scrypt_p",
    };
    static const char *const networks[] = { "auth.ministry_networks" };
    heading(out, f, 2, "4. Settings in force");
    heading(out, f, 3, "Lockout");
    para(out, f, "`auth.lockout_threshold` consecutive failures of one factor within "
                 "`auth.lockout_window` lock the account for `auth.lockout_duration`; the "
                 "lock is kept in the database and survives a restart; the account is "
                 "active again at its first login after the lock, or when an administrator "
                 "unlocks it (`dsgctl account unlock`). A source address (an IPv4 address, an "
                 "IPv6 /64) with `auth.source_failures_per_minute` failed credential steps "
                 "within a minute has its further steps refused (429 `rate_limited`).");
    settings_table(out, f, c, lockout, N(lockout));
    heading(out, f, 3, "Sessions");
    para(out, f, "A session token is 128 random bits of which the auth role keeps only the "
                 "SHA-256; a restart of the auth role ends every session, and a password "
                 "change ends the account's other sessions. An administrator's `dsgctl login` "
                 "token is valid only for the Unix user who logged in.");
    settings_table(out, f, c, sessions, N(sessions));
    heading(out, f, 3, "Passwords");
    para(out, f, "Passwords are kept only as scrypt hashes; a new password must meet the "
                 "policy and differ from the last `auth.password_history` ones.");
    settings_table(out, f, c, passwords, N(passwords));
    heading(out, f, 3, "Networks");
    settings_table(out, f, c, networks, N(networks));
}

static void footer(FILE *out, format f, const in_force *c)
{
    if (f == FMT_HTML) {
        fprintf(out, "<hr>\n<p>Configuration generation %lu; configuration hash (SHA-256 of "
                     "<code>key=value</code> lines of every key in force, sorted by key): "
                     "<code>%s</code></p>\n",
                c->generation, c->hash);
        return;
    }
    fprintf(out, "---\n\nConfiguration generation %lu; configuration hash (SHA-256 of "
                 "`key=value` lines of every key in force, sorted by key): `%s`\n",
            c->generation, c->hash);
}

static void render(FILE *out, format f, const in_force *c)
{
    const char *title = "Access-control policy (アクセス制御方針)";
    if (f == FMT_HTML)
        fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<title>%s</title>\n</head>\n<body>\n<h1>%s</h1>\n",
                title, title);
    else
        fprintf(out, "# %s\n\n", title);
    para(out, f, "Generated by `dsgctl policy access-control` from the configuration the "
                 "running dsgd uses; the values below are the ones in force.");
    account_types(out, f, c);
    applications(out, f);
    grants(out, f);
    settings(out, f, c);
    footer(out, f, c);
    if (f == FMT_HTML)
        fputs("</body>\n</html>\n", out);
}

/* ---- the command ---------------------------------------------------------- */

static int usage(const char *what, const char *arg)
{
    fprintf(stderr, "dsgctl: policy access-control: %s", what);
    if (arg != NULL) {
        fputs(" '", stderr);
        dsgctl_put_escaped_str(stderr, arg);
        fputc('\'', stderr);
    }
    fputs("\nTry 'dsgctl help policy access-control'.\n", stderr);
    return EXIT_USAGE;
}

/* dsgctl policy access-control [--format md|html] [--socket PATH]
 * @relation(REQ-ACCT-017) */
int dsgctl_policy_access_control(int argc, char **argv)
{
    static char answer[1u << 20];
    static in_force c;
    const char *socket = DSG_CTL_SOCKET_DEFAULT;
    format f = FMT_MD;
    char err[512];
    size_t len = 0;
    int status = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(dsgctl_policy_access_control_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "md") == 0)
                f = FMT_MD;
            else if (strcmp(v, "html") == 0)
                f = FMT_HTML;
            else
                return usage("--format is md or html, not", v);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else {
            return usage("unexpected argument", argv[i]);
        }
    }
    dsg_ctl_result r = dsg_ctl_call(socket, "config show --json", 15000, answer, sizeof answer,
                                    &len, &status, err, sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl: policy access-control: %s\n", err);
        return dsgctl_ctl_status(r);
    }
    if (status != 0 || parse_config(answer, len, &c) != 0) {
        fputs("dsgctl: policy access-control: the answer to config show --json is not the "
              "configuration\n", stderr);
        return EXIT_PROTOCOL;
    }
    if (config_hash(&c) != 0) {
        fputs("dsgctl: policy access-control: SHA-256 failed\n", stderr);
        return EXIT_SOFTWARE;
    }
    render(stdout, f, &c);
    return dsgctl_finish_stdout(0);
}
