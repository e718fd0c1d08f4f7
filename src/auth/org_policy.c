/* Organisations and their networks: see org_policy.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth/org_policy.h"
#include "core/json_out.h"
#include "core/json_tok.h"
#include "core/utf8.h"

static const char *const class_names[DSG_ORG_CLASS_COUNT] = { "company", "ministry" };

const char *dsg_org_class_name(dsg_org_class c)
{
    return (unsigned)c < DSG_ORG_CLASS_COUNT ? class_names[c] : NULL;
}

int dsg_org_class_parse(const char *name)
{
    for (int c = 0; c < (int)DSG_ORG_CLASS_COUNT; c++)
        if (strcmp(class_names[c], name) == 0)
            return c;
    return -1;
}

dsg_org_class dsg_org_class_of(dsg_org_kind k)
{
    return k == DSG_ORG_MINISTRY ? DSG_ORG_CLASS_MINISTRY : DSG_ORG_CLASS_COMPANY;
}

static int problem(dsg_acct_problem *p, const char *code, const char *field, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));

static int problem(dsg_acct_problem *p, const char *code, const char *field, const char *fmt,
                   ...)
{
    va_list ap;
    p->code = code;
    p->field = field;
    int n = snprintf(p->message, sizeof p->message, "%s: ", field);
    va_start(ap, fmt);
    vsnprintf(p->message + n, sizeof p->message - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

int dsg_org_name_check(const char *org, dsg_acct_problem *p)
{
    size_t n = strnlen(org, DSG_ACCT_TEXT_MAX + 1), step;
    if (n == 0)
        return problem(p, "missing_field", "org", "required");
    if (n > DSG_ACCT_TEXT_MAX)
        return problem(p, "bad_field", "org", "longer than %u bytes", DSG_ACCT_TEXT_MAX);
    for (size_t i = 0; i < n; i += step) {
        uint32_t cp;
        step = dsg_utf8_decode((const uint8_t *)org, n, i, &cp);
        if (step == 0)
            return problem(p, "bad_field", "org", "not valid UTF-8");
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return problem(p, "bad_field", "org", "holds a control character");
    }
    return 0;
}

int dsg_org_networks_check(const char *text, dsg_ip_net *out, size_t cap, size_t *count,
                           dsg_acct_problem *p)
{
    size_t n = strnlen(text, DSG_ORG_NETWORKS_MAX + 1), at = 0;
    *count = 0;
    if (n == 0)
        return problem(p, "missing_field", "networks", "required: CIDR[,CIDR...]");
    if (n > DSG_ORG_NETWORKS_MAX)
        return problem(p, "bad_field", "networks", "longer than %u bytes", DSG_ORG_NETWORKS_MAX);
    dsg_net_status st = dsg_netlist_parse((const uint8_t *)text, n, out, cap, count, &at);
    if (st != DSG_NET_OK)
        return problem(p, "bad_field", "networks", "not a network list: %s at byte %zu",
                       dsg_net_status_token(st), at);
    return 0;
}

static void put_text(dsg_json_out *w, const char *key, const char *value)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_string(w, (const uint8_t *)value, strlen(value));
}

int dsg_org_req_to_json(const dsg_org_req *r, uint8_t *out, size_t cap, size_t *len)
{
    dsg_json_out w;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    if (r->org[0] != '\0')
        put_text(&w, "org", r->org);
    if (dsg_org_class_name((dsg_org_class)r->kind) != NULL)
        put_text(&w, "kind", dsg_org_class_name((dsg_org_class)r->kind));
    if (r->networks[0] != '\0')
        put_text(&w, "networks", r->networks);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, len);
}

static int bad(dsg_acct_problem *p, const char *what)
{
    p->code = "bad_request";
    p->field = "";
    snprintf(p->message, sizeof p->message, "%s", what);
    return -1;
}

/* A string value into out[0 .. cap - 1]: 0, or -1 (not a string, too
 * long, a NUL inside). */
static int take_string(const uint8_t *buf, size_t len, const dsg_json_tok *t, char *out,
                       size_t cap)
{
    size_t n;
    if (t->type != DSG_JSON_STRING ||
        dsg_json_string_value(buf, len, t, (uint8_t *)out, cap - 1, &n) != DSG_JSON_OK ||
        memchr(out, '\0', n) != NULL)
        return -1;
    out[n] = '\0';
    return 0;
}

int dsg_org_req_from_json(const uint8_t *buf, size_t len, dsg_org_req *r, dsg_acct_problem *p)
{
    dsg_json_tok toks[8];
    size_t n = 0, at = 0;
    char key[16], kind[16];
    memset(r, 0, sizeof *r);
    r->kind = -1;
    if (len == 0 || len > DSG_ORG_JSON_MAX ||
        dsg_json_tokenize(buf, len, 2, toks, 8, &n, &at) != DSG_JSON_OK ||
        dsg_json_check_keys(buf, len, toks, n, &at) != DSG_JSON_OK ||
        toks[0].type != DSG_JSON_OBJECT)
        return bad(p, "the request is not one JSON object of org, kind and networks");
    for (size_t i = 1; i + 1 < n; i += 2) {
        if (take_string(buf, len, &toks[i], key, sizeof key) != 0)
            return bad(p, "a member name is not org, kind or networks");
        int ok = strcmp(key, "org") == 0
                     ? take_string(buf, len, &toks[i + 1], r->org, sizeof r->org) == 0
                 : strcmp(key, "networks") == 0
                     ? take_string(buf, len, &toks[i + 1], r->networks, sizeof r->networks) == 0
                 : strcmp(key, "kind") == 0
                     ? take_string(buf, len, &toks[i + 1], kind, sizeof kind) == 0 &&
                           (r->kind = dsg_org_class_parse(kind)) >= 0
                     : 0;
        if (!ok)
            return bad(p, "a member is not org, kind or networks, or its value is not valid");
    }
    return 0;
}
