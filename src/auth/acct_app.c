/* Applications for account changes: see acct_app.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth/acct_app.h"
#include "core/utf8.h"

static const char *const kind_names[DSG_APP_KIND_COUNT] = {
    "register", "suspend", "resume", "delete", "change-expiry", "reset-factor",
};
static const char *const org_names[DSG_ORG_KIND_COUNT] = { "prime", "vendor", "ministry" };
static const char *const type_names[DSG_ACCT_TYPE_COUNT] = { "company", "ministry", "admin" };

static const char *name_of(const char *const *names, unsigned count, unsigned v)
{
    return v < count ? names[v] : NULL;
}

static int parse_of(const char *const *names, unsigned count, const char *name)
{
    for (unsigned i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

const char *dsg_app_kind_name(dsg_app_kind k)
{
    return name_of(kind_names, DSG_APP_KIND_COUNT, (unsigned)k);
}

const char *dsg_org_kind_name(dsg_org_kind k)
{
    return name_of(org_names, DSG_ORG_KIND_COUNT, (unsigned)k);
}

const char *dsg_acct_type_name(dsg_acct_type t)
{
    return name_of(type_names, DSG_ACCT_TYPE_COUNT, (unsigned)t);
}

int dsg_app_kind_parse(const char *name)
{
    return parse_of(kind_names, DSG_APP_KIND_COUNT, name);
}

int dsg_org_kind_parse(const char *name)
{
    return parse_of(org_names, DSG_ORG_KIND_COUNT, name);
}

int dsg_acct_type_parse(const char *name)
{
    return parse_of(type_names, DSG_ACCT_TYPE_COUNT, name);
}

static int id_char(char c, int first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return !first && (c == '.' || c == '_' || c == '-');
}

int dsg_acct_user_id_fold(const char *id, char out[DSG_ACCT_USER_ID_MAX + 1])
{
    size_t n = strnlen(id, DSG_ACCT_USER_ID_MAX + 1);
    if (n == 0 || n > DSG_ACCT_USER_ID_MAX)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!id_char(id[i], i == 0))
            return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = (id[i] >= 'A' && id[i] <= 'Z') ? (char)(id[i] - 'A' + 'a') : id[i];
    out[n] = '\0';
    return 0;
}

int dsg_problem(dsg_acct_problem *p, const char *code, const char *field, const char *fmt, ...)
{
    va_list ap;
    p->code = code;
    p->field = field;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
    return -1;
}

static int problem(dsg_acct_problem *p, const char *code, const char *field, const char *what)
{
    p->code = code;
    p->field = field;
    snprintf(p->message, sizeof p->message, "%s: %s", field, what);
    return -1;
}

/* Valid UTF-8, no C0 control, DEL or C1 control (they would forge lines
 * in listings and logs), at most max bytes; empty is "missing". */
static int check_text(const char *s, size_t max, const char *field, dsg_acct_problem *p)
{
    size_t n = strnlen(s, max + 1), step;
    if (n == 0)
        return problem(p, "missing_field", field, "required");
    if (n > max)
        return problem(p, "bad_field", field, "too long");
    for (size_t i = 0; i < n; i += step) {
        uint32_t cp;
        step = dsg_utf8_decode((const uint8_t *)s, n, i, &cp);
        if (step == 0)
            return problem(p, "bad_field", field, "not valid UTF-8");
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return problem(p, "bad_field", field, "holds a control character");
    }
    return 0;
}

/* The register-only items, and the organisation matching the type: a
 * Ministry user belongs to the Ministry, a company user to a company. */
static int check_register(const dsg_acct_app *a, dsg_acct_problem *p)
{
    if (check_text(a->name, DSG_ACCT_TEXT_MAX, "name", p) != 0 ||
        check_text(a->org, DSG_ACCT_TEXT_MAX, "org", p) != 0 ||
        check_text(a->contract, DSG_ACCT_TEXT_MAX, "contract", p) != 0)
        return -1;
    if (dsg_org_kind_name(a->org_kind) == NULL)
        return problem(p, "bad_field", "org-kind", "not prime, vendor or ministry");
    if (dsg_acct_type_name(a->type) == NULL)
        return problem(p, "bad_field", "type", "not company, ministry or admin");
    if (a->type == DSG_ACCT_MINISTRY && a->org_kind != DSG_ORG_MINISTRY)
        return problem(p, "bad_field", "org-kind", "a Ministry user belongs to the Ministry");
    if (a->type == DSG_ACCT_COMPANY && a->org_kind == DSG_ORG_MINISTRY)
        return problem(p, "bad_field", "org-kind", "a company user belongs to a prime or a vendor");
    return 0;
}

/* A requested expiry: after now, and not after the contract's end. */
static int check_expiry(const dsg_acct_app *a, int64_t now, dsg_acct_problem *p)
{
    if (a->expiry <= 0)
        return problem(p, "missing_field", "expiry", "required");
    if (a->contract_end <= 0)
        return problem(p, "missing_field", "contract-end", "required");
    if (a->expiry <= now)
        return problem(p, "bad_field", "expiry", "already past");
    if (a->expiry > a->contract_end)
        return problem(p, "bad_field", "expiry", "after the end of the contract");
    return 0;
}

int dsg_acct_app_check(const dsg_acct_app *a, int64_t now, dsg_acct_problem *p)
{
    char folded[DSG_ACCT_USER_ID_MAX + 1];
    if (dsg_app_kind_name(a->kind) == NULL)
        return problem(p, "bad_field", "kind", "not an application kind");
    if (a->user_id[0] == '\0')
        return problem(p, "missing_field", "user-id", "required");
    if (dsg_acct_user_id_fold(a->user_id, folded) != 0)
        return problem(p, "bad_field", "user-id",
                       "1 to 64 ASCII letters, digits, '.', '_' or '-', "
                       "beginning with a letter or digit");
    if (check_text(a->applicant, DSG_ACCT_TEXT_MAX, "applicant", p) != 0 ||
        check_text(a->reason, DSG_ACCT_REASON_MAX, "reason", p) != 0)
        return -1;
    if (a->kind == DSG_APP_REGISTER && check_register(a, p) != 0)
        return -1;
    if ((a->kind == DSG_APP_REGISTER || a->kind == DSG_APP_CHANGE_EXPIRY) &&
        check_expiry(a, now, p) != 0)
        return -1;
    return 0;
}
