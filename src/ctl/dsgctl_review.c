/*
 * dsgctl account review: every account not deleted, with its rights and
 * the flags an administrator acts on (REQ-ACCT-008). The auth role lists
 * the accounts with the flags their rows decide (`account review`), the
 * share role every grant in force with its area's parties (`rights all`);
 * this joins them: an account's rights are the grants to it and to its
 * organisation group, and one on an area whose prime and vendors do not
 * include the account's organisation raises foreign_rights (never for the
 * Ministry, party to every contract).
 *
 * Exit status: 0 the report (whatever it flags); 64 usage; 69 dsgd
 * unreachable; 70 refused command; 76 protocol error; 77 no
 * administrator's login, or not root and not in group dsgadm.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/acct_review.h"
#include "core/b64url.h"
#include "core/json_out.h"
#include "core/json_tok.h"
#include "ctl/dsgctl.h"
#include "share/area_app.h"

#define ANSWER_MAX (8u << 20)   /* bytes of one role's answer */
#define TEXT_CAP (DSG_AREA_TEXT_MAX + 1)
#define TOKS_MAX 256u

const char dsgctl_review_help[] =
    "usage: dsgctl account review [--org ORG] [--format text|csv|json] [--socket PATH]\n"
    "\n"
    "Every account that is not deleted (of organisation ORG), with its type,\n"
    "organisation, contract, rights, state, expiry and last successful login\n"
    "with its computer name, and the flags to act on:\n"
    "  expired             state expired, or the expiry passed\n"
    "  inactive            no successful login (else, since the activation) for\n"
    "                      half of auth.inactivity_disable_days\n"
    "  no_active_contract  the contract's end passed\n"
    "  foreign_rights      a grant to the account or its organisation on an area\n"
    "                      of a contract its organisation is not party to (never\n"
    "                      for the Ministry)\n"
    "Rights are AREA/FOLDER:OPS. --format text (a table, the default), csv\n"
    "(RFC 4180, a header row) or json (one object a line).\n"
    "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
    "\nExit status: 0 the report, flags or not; 64 usage error; 69 dsgd\n"
    "unreachable; 70 refused command; 76 protocol error; 77 no administrator's\n"
    "login (dsgctl login), or not root and not in group dsgadm.\n";

/* A grant in force as `rights all` gives it. */
typedef struct grant {
    int org_group;                      /* 1: to an organisation group */
    char subject[TEXT_CAP];
    char item[208];                     /* "AREA/FOLDER:OPS" */
    char prime[TEXT_CAP];
    char vendors[DSG_AREA_VENDORS_MAX][TEXT_CAP];
    size_t vendor_count;
} grant;

/* The fields of an account of `account review`, in output order; the
 * times may be null. */
enum { F_USER, F_NAME, F_TYPE, F_ORG, F_ORG_KIND, F_CONTRACT, F_STATE, F_EXPIRY,
       F_CONTRACT_END, F_LAST_LOGIN, F_COMPUTER, F_COUNT };
static const char *const field_names[F_COUNT] = {
    "user_id", "name", "type", "org", "org_kind", "contract", "state", "expiry",
    "contract_end", "last_login", "last_login_computer",
};

typedef struct account {
    char v[F_COUNT][TEXT_CAP];
    int null[F_COUNT];
    uint32_t flags;
    char *rights;                       /* items separated by spaces (heap) */
    size_t rights_cap;
} account;

typedef enum format { FMT_TEXT, FMT_CSV, FMT_JSON } format;

static int usage(const char *what, const char *arg)
{
    return dsgctl_group_usage("account", "review", what, arg);
}

/* ---- reading the roles' JSON lines ------------------------------------------------ */

typedef struct line {
    const uint8_t *buf;
    size_t len, n;
    dsg_json_tok toks[TOKS_MAX];
} line;

static int tokenize(line *l, const char *s, size_t len)
{
    size_t at = 0;
    l->buf = (const uint8_t *)s;
    l->len = len;
    return dsg_json_tokenize(l->buf, len, 4, l->toks, TOKS_MAX, &l->n, &at) == DSG_JSON_OK &&
                   l->toks[0].type == DSG_JSON_OBJECT
               ? 0
               : -1;
}

/* The value token of member key, or NULL. */
static const dsg_json_tok *member(const line *l, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 1; i + 1 < l->n; i = l->toks[i + 1].next)
        if (l->toks[i].len == k + 2 && memcmp(l->buf + l->toks[i].start + 1, key, k) == 0)
            return &l->toks[i + 1];
    return NULL;
}

static int string_of(const line *l, const dsg_json_tok *t, char *out, size_t cap)
{
    size_t n = 0;
    if (t == NULL || t->type != DSG_JSON_STRING ||
        dsg_json_string_value(l->buf, l->len, t, (uint8_t *)out, cap - 1, &n) != DSG_JSON_OK ||
        memchr(out, '\0', n) != NULL)
        return -1;
    out[n] = '\0';
    return 0;
}

static int text_member(const line *l, const char *key, char *out, size_t cap)
{
    return string_of(l, member(l, key), out, cap);
}

/* A number member (a decimal integer) as its text. */
static int number_member(const line *l, const char *key, char *out, size_t cap)
{
    const dsg_json_tok *t = member(l, key);
    if (t == NULL || t->type != DSG_JSON_NUMBER || t->len >= cap)
        return -1;
    memcpy(out, l->buf + t->start, t->len);
    out[t->len] = '\0';
    return 0;
}

/* The strings of array member key into out (at most max), their count in
 * *n. 0, or -1. */
static int strings_member(const line *l, const char *key, char (*out)[TEXT_CAP], size_t max,
                          size_t *n)
{
    const dsg_json_tok *a = member(l, key);
    *n = 0;
    if (a == NULL || a->type != DSG_JSON_ARRAY || a->size > max)
        return -1;
    for (size_t i = (size_t)(a - l->toks) + 1, k = 0; k < a->size; k++, i = l->toks[i].next)
        if (string_of(l, &l->toks[i], out[(*n)++], TEXT_CAP) != 0)
            return -1;
    return 0;
}

static int read_grant(const char *s, size_t len, grant *g)
{
    static line l;
    char kind[16], area[24], folder[24], ops[160];
    if (tokenize(&l, s, len) != 0 || text_member(&l, "subject_kind", kind, sizeof kind) != 0 ||
        text_member(&l, "subject", g->subject, sizeof g->subject) != 0 ||
        number_member(&l, "area", area, sizeof area) != 0 ||
        number_member(&l, "folder", folder, sizeof folder) != 0 ||
        text_member(&l, "ops", ops, sizeof ops) != 0 ||
        text_member(&l, "prime", g->prime, sizeof g->prime) != 0 ||
        strings_member(&l, "vendors", g->vendors, DSG_AREA_VENDORS_MAX, &g->vendor_count) != 0)
        return -1;
    g->org_group = strcmp(kind, "org") == 0;
    snprintf(g->item, sizeof g->item, "%s/%s:%s", area, folder, ops);
    return 0;
}

static uint32_t flag_of(const char *word)
{
    for (uint32_t f = 1; f <= DSG_REVIEW_FOREIGN_RIGHTS; f <<= 1)
        if (strcmp(word, dsg_acct_review_flag_name(f)) == 0)
            return f;
    return 0;
}

static int read_account(const char *s, size_t len, account *a)
{
    static line l;
    static char words[8][TEXT_CAP];
    size_t n = 0;
    if (tokenize(&l, s, len) != 0)
        return -1;
    for (int f = 0; f < F_COUNT; f++) {
        const dsg_json_tok *t = member(&l, field_names[f]);
        a->null[f] = t != NULL && t->type == DSG_JSON_NULL;
        if (!a->null[f] && string_of(&l, t, a->v[f], TEXT_CAP) != 0)
            return -1;
    }
    if (strings_member(&l, "flags", words, 8, &n) != 0)
        return -1;
    a->flags = 0;
    for (size_t i = 0; i < n; i++)
        a->flags |= flag_of(words[i]);
    return 0;
}

/* ---- the join ----------------------------------------------------------------------- */

typedef struct grants {
    grant *g;
    size_t n, cap;
} grants;

static int read_grants(char *out, size_t len, grants *gs)
{
    for (char *s = out, *end; s < out + len; s = end + 1) {
        end = memchr(s, '\n', (size_t)(out + len - s));
        if (end == NULL)
            end = out + len;
        if (end == s)
            continue;
        if (gs->n == gs->cap) {
            size_t cap = gs->cap ? gs->cap * 2 : 64;
            grant *g = realloc(gs->g, cap * sizeof *g);
            if (g == NULL)
                return -1;
            gs->g = g;
            gs->cap = cap;
        }
        if (read_grant(s, (size_t)(end - s), &gs->g[gs->n]) != 0)
            return -1;
        gs->n++;
    }
    return 0;
}

static int holds(const account *a, const grant *g)
{
    return strcmp(g->subject, g->org_group ? a->v[F_ORG] : a->v[F_USER]) == 0;
}

/* The account's rights (the grants to it and to its organisation group)
 * into a->rights, and foreign_rights when one is foreign to it. 0, or -1
 * out of memory. */
static int join(account *a, const grants *gs)
{
    dsg_org_kind kind = strcmp(a->v[F_ORG_KIND], "ministry") == 0 ? DSG_ORG_MINISTRY
                                                                   : DSG_ORG_PRIME;
    size_t at = 0, need = 1;
    for (size_t i = 0; i < gs->n; i++)
        need += holds(a, &gs->g[i]) ? strlen(gs->g[i].item) + 1 : 0;
    if (need > a->rights_cap) {
        char *r = realloc(a->rights, need);
        if (r == NULL)
            return -1;
        a->rights = r;
        a->rights_cap = need;
    }
    a->rights[0] = '\0';
    for (size_t i = 0; i < gs->n; i++) {
        const grant *g = &gs->g[i];
        const char *vendors[DSG_AREA_VENDORS_MAX];
        for (size_t v = 0; v < g->vendor_count; v++)
            vendors[v] = g->vendors[v];
        if (!holds(a, g))
            continue;
        if (dsg_acct_review_foreign(a->v[F_ORG], kind, g->prime, vendors, g->vendor_count))
            a->flags |= DSG_REVIEW_FOREIGN_RIGHTS;
        at += (size_t)snprintf(a->rights + at, a->rights_cap - at, "%s%s", at > 0 ? " " : "",
                               g->item);
    }
    return 0;
}

/* ---- output ------------------------------------------------------------------------- */

/* The flags' words joined by commas; "-" for none when dash. */
static const char *flag_words(uint32_t flags, int dash, char out[96])
{
    size_t at = 0;
    out[0] = '\0';
    for (uint32_t f = 1; f <= DSG_REVIEW_FOREIGN_RIGHTS; f <<= 1)
        if (flags & f)
            at += (size_t)snprintf(out + at, 96 - at, "%s%s", at > 0 ? "," : "",
                                   dsg_acct_review_flag_name(f));
    return at == 0 && dash ? "-" : out;
}

static const char *or_dash(const account *a, int f)
{
    return a->null[f] || a->v[f][0] == '\0' ? "-" : a->v[f];
}

static void put_text(const account *a)
{
    char fl[96];
    printf("%-24s %-9s %-8s %-10s %-24s %-24s %-16s %-26s ", a->v[F_USER], a->v[F_TYPE],
           a->v[F_ORG_KIND], a->v[F_STATE], or_dash(a, F_EXPIRY), or_dash(a, F_LAST_LOGIN),
           or_dash(a, F_COMPUTER), flag_words(a->flags, 1, fl));
    dsgctl_put_escaped_str(stdout, a->v[F_NAME]);
    fputs(" / ", stdout);
    dsgctl_put_escaped_str(stdout, a->v[F_ORG]);
    fputs(" / ", stdout);
    dsgctl_put_escaped_str(stdout, a->v[F_CONTRACT]);
    printf(" / %s\n", a->rights[0] ? a->rights : "-");
}

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote or a
 * line break, its quotes doubled. */
static void put_csv_field(const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, stdout);
    } else {
        putchar('"');
        for (; *s != '\0'; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    }
    fputs(last ? "\r\n" : ",", stdout);
}

static void put_csv(const account *a)
{
    char fl[96];
    for (int f = 0; f < F_COUNT; f++)
        put_csv_field(a->null[f] ? "" : a->v[f], 0);
    put_csv_field(a->rights, 0);
    put_csv_field(flag_words(a->flags, 0, fl), 1);
}

static void json_string(dsg_json_out *j, const char *s)
{
    (void)dsg_json_out_string(j, (const uint8_t *)s, strlen(s));
}

/* One object a line; the buffer holds every field escaped and the rights
 * (words of digits, letters and commas) with their quotes and commas. */
static int put_json(const account *a)
{
    size_t cap = 16384 + 3 * strlen(a->rights), n;
    uint8_t *buf = malloc(cap);
    dsg_json_out j;
    if (buf == NULL)
        return -1;
    dsg_json_out_init(&j, buf, cap);
    (void)dsg_json_out_object_begin(&j);
    for (int f = 0; f < F_COUNT; f++) {
        (void)dsg_json_out_key(&j, (const uint8_t *)field_names[f], strlen(field_names[f]));
        if (a->null[f])
            (void)dsg_json_out_null(&j);
        else
            json_string(&j, a->v[f]);
    }
    (void)dsg_json_out_key(&j, (const uint8_t *)"rights", 6);
    (void)dsg_json_out_array_begin(&j);
    for (const char *t = a->rights; *t != '\0'; t += *t == ' ') {
        size_t k = strcspn(t, " ");
        (void)dsg_json_out_string(&j, (const uint8_t *)t, k);
        t += k;
    }
    (void)dsg_json_out_array_end(&j);
    (void)dsg_json_out_key(&j, (const uint8_t *)"flags", 5);
    (void)dsg_json_out_array_begin(&j);
    for (uint32_t f = 1; f <= DSG_REVIEW_FOREIGN_RIGHTS; f <<= 1)
        if (a->flags & f)
            json_string(&j, dsg_acct_review_flag_name(f));
    (void)dsg_json_out_array_end(&j);
    (void)dsg_json_out_object_end(&j);
    int rc = dsg_json_out_finish(&j, &n);
    if (rc == 0) {
        fwrite(buf, 1, n, stdout);
        putchar('\n');
    }
    free(buf);
    return rc == 0 ? 0 : -1;
}

static void put_header(format fmt)
{
    if (fmt == FMT_TEXT)
        printf("%-24s %-9s %-8s %-10s %-24s %-24s %-16s %-26s %s\n", "USER_ID", "TYPE",
               "ORG_KIND", "STATE", "EXPIRY", "LAST_LOGIN", "COMPUTER", "FLAGS",
               "NAME / ORG / CONTRACT / RIGHTS");
    if (fmt != FMT_CSV)
        return;
    for (int f = 0; f < F_COUNT; f++)
        put_csv_field(field_names[f], 0);
    put_csv_field("rights", 0);
    put_csv_field("flags", 1);
}

static int put_account(const account *a, format fmt)
{
    if (fmt == FMT_TEXT)
        put_text(a);
    else if (fmt == FMT_CSV)
        put_csv(a);
    else
        return put_json(a);
    return 0;
}

/* Every account line of out, joined and printed. 0, or -1 for a line
 * that is not an account's JSON (or no memory). */
static int report(char *out, size_t len, const grants *gs, format fmt)
{
    static account a;
    int rc = 0;
    put_header(fmt);
    for (char *s = out, *end; rc == 0 && s < out + len; s = end + 1) {
        end = memchr(s, '\n', (size_t)(out + len - s));
        if (end == NULL)
            end = out + len;
        if (end > s)
            rc = read_account(s, (size_t)(end - s), &a) != 0 || join(&a, gs) != 0
                     ? -1
                     : put_account(&a, fmt);
    }
    free(a.rights);
    a.rights = NULL;
    a.rights_cap = 0;
    return rc;
}

/* ---- the command -------------------------------------------------------------------- */

/* The answer to req into out: 0, or the exit status after saying why. */
static int call(const char *socket, const char *req, char *out, size_t *len)
{
    char err[512];
    int status = 0;
    dsg_ctl_result r = dsg_ctl_call(socket, req, 30000, out, ANSWER_MAX, len, &status, err,
                                    sizeof err);
    if (r == DSG_CTL_OK && status == 0)
        return 0;
    fprintf(stderr, "dsgctl: account review: %s", r != DSG_CTL_OK ? err : out);
    fputs(r != DSG_CTL_OK || (*len > 0 && out[*len - 1] == '\n') ? "" : "\n", stderr);
    return r != DSG_CTL_OK ? dsgctl_ctl_status(r) : status;
}

/* The options: 0, or the usage error's status. */
static int options(int argc, char **argv, const char **org, format *fmt, const char **socket)
{
    for (int i = 0; i < argc; i++) {
        if (i + 1 >= argc)
            return usage("an option without its value, or an unexpected argument", argv[i]);
        if (strcmp(argv[i], "--org") == 0 && *org == NULL) {
            dsg_acct_problem p;
            *org = argv[++i];
            if (dsg_area_text_check(*org, DSG_ACCT_TEXT_MAX, "org", &p) != 0)
                return usage("--org is an organisation's name, not", *org);
        } else if (strcmp(argv[i], "--format") == 0) {
            const char *v = argv[++i];
            if (strcmp(v, "text") != 0 && strcmp(v, "csv") != 0 && strcmp(v, "json") != 0)
                return usage("--format is text, csv or json, not", v);
            *fmt = v[0] == 't' ? FMT_TEXT : v[0] == 'c' ? FMT_CSV : FMT_JSON;
        } else if (strcmp(argv[i], "--socket") == 0) {
            *socket = argv[++i];
        } else {
            return usage("unexpected argument", argv[i]);
        }
    }
    return 0;
}

/* dsgctl account review [--org ORG] [--format text|csv|json]
 * @relation(REQ-ACCT-008, REQ-ACCT-020) */
int dsgctl_account_review(int argc, char **argv)
{
    static char accounts[ANSWER_MAX], rights[ANSWER_MAX];
    const char *org = NULL, *socket = DSG_CTL_SOCKET_DEFAULT;
    char req[512] = "account review";
    format fmt = FMT_TEXT;
    size_t alen = 0, rlen = 0, n = 0;
    grants gs = { NULL, 0, 0 };
    int rc;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(dsgctl_review_help, stdout);
            return dsgctl_finish_stdout(0);
        }
    if ((rc = options(argc, argv, &org, &fmt, &socket)) != 0)
        return rc;
    if (org != NULL) {
        memcpy(req, "account review --org ", 22);
        if (dsg_b64url_encode((const uint8_t *)org, strlen(org), req + 21, sizeof req - 22,
                              &n) != DSG_B64URL_OK)
            return usage("--org is too long", org);
        req[21 + n] = '\0';
    }
    if ((rc = call(socket, req, accounts, &alen)) != 0 ||
        (rc = call(socket, "rights all", rights, &rlen)) != 0)
        return rc;
    if (read_grants(rights, rlen, &gs) != 0) {
        free(gs.g);
        fputs("dsgctl: account review: the share role's grants are not as expected\n", stderr);
        return EXIT_PROTOCOL;
    }
    rc = report(accounts, alen, &gs, fmt);
    free(gs.g);
    if (rc != 0) {
        fputs("dsgctl: account review: the auth role's accounts are not as expected\n", stderr);
        return EXIT_PROTOCOL;
    }
    return dsgctl_finish_stdout(0);
}
