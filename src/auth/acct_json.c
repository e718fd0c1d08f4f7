/* An application as JSON: see acct_json.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "auth/acct_json.h"
#include "core/json_out.h"
#include "core/json_tok.h"

#define MAX_TOKENS 32u   /* an object of at most 11 members and their values */

static void put_text(dsg_json_out *w, const char *key, const char *value)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_string(w, (const uint8_t *)value, strlen(value));
}

int dsg_acct_app_to_json(const dsg_acct_app *a, uint8_t *out, size_t cap, size_t *len)
{
    const char *kind = dsg_app_kind_name(a->kind);
    dsg_json_out w;
    if (kind == NULL)
        return -1;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    put_text(&w, "kind", kind);
    put_text(&w, "user_id", a->user_id);
    put_text(&w, "applicant", a->applicant);
    put_text(&w, "reason", a->reason);
    if (a->kind == DSG_APP_REGISTER) {
        const char *org_kind = dsg_org_kind_name(a->org_kind);
        const char *type = dsg_acct_type_name(a->type);
        if (org_kind == NULL || type == NULL)
            return -1;
        put_text(&w, "name", a->name);
        put_text(&w, "org", a->org);
        put_text(&w, "contract", a->contract);
        put_text(&w, "org_kind", org_kind);
        put_text(&w, "type", type);
    }
    if (a->kind == DSG_APP_REGISTER || a->kind == DSG_APP_CHANGE_EXPIRY) {
        (void)dsg_json_out_key(&w, (const uint8_t *)"expiry", 6);
        (void)dsg_json_out_int(&w, a->expiry);
        (void)dsg_json_out_key(&w, (const uint8_t *)"contract_end", 12);
        (void)dsg_json_out_int(&w, a->contract_end);
    }
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, len);
}

static int bad(dsg_acct_problem *p, const char *field, const char *what)
{
    p->code = "bad_request";
    p->field = field;
    snprintf(p->message, sizeof p->message, "%s%s%s", field, field[0] ? ": " : "", what);
    return -1;
}

/* A string member into out[0 .. cap - 1], NUL-terminated; a value with a
 * NUL byte is refused (it would end the C string early). */
static int take_string(const uint8_t *buf, size_t len, const dsg_json_tok *t, const char *key,
                       char *out, size_t cap, dsg_acct_problem *p)
{
    size_t n;
    if (t->type != DSG_JSON_STRING)
        return bad(p, key, "not a string");
    if (dsg_json_string_value(buf, len, t, (uint8_t *)out, cap - 1, &n) != DSG_JSON_OK)
        return bad(p, key, "too long or malformed");
    if (memchr(out, '\0', n) != NULL)
        return bad(p, key, "holds a NUL character");
    out[n] = '\0';
    return 0;
}

/* A time member: an integer of at most 18 digits (no sign, fraction or
 * exponent: times before 1970 are never valid here). */
static int take_time(const uint8_t *buf, const dsg_json_tok *t, const char *key, int64_t *out,
                     dsg_acct_problem *p)
{
    int64_t v = 0;
    if (t->type != DSG_JSON_NUMBER || t->len == 0 || t->len > 18)
        return bad(p, key, "not a time in seconds");
    for (size_t i = 0; i < t->len; i++) {
        uint8_t c = buf[t->start + i];
        if (c < '0' || c > '9')
            return bad(p, key, "not a time in seconds");
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 0;
}

/* A word member (kind, org_kind, type) through its parser. */
static int take_word(const uint8_t *buf, size_t len, const dsg_json_tok *t, const char *key,
                     int (*parse)(const char *), int *out, dsg_acct_problem *p)
{
    char word[24];
    if (take_string(buf, len, t, key, word, sizeof word, p) != 0)
        return -1;
    if ((*out = parse(word)) < 0)
        return bad(p, key, "not one of the known values");
    return 0;
}

/* One member: key token k, value token v. */
static int take_member(const uint8_t *buf, size_t len, const dsg_json_tok *k,
                       const dsg_json_tok *v, dsg_acct_app *a, dsg_acct_problem *p)
{
    char key[16];
    int w;
    if (take_string(buf, len, k, "", key, sizeof key, p) != 0)
        return bad(p, "", "an unknown member");
#define TEXT(name, field) \
    if (strcmp(key, name) == 0) return take_string(buf, len, v, name, a->field, sizeof a->field, p)
    TEXT("user_id", user_id);
    TEXT("applicant", applicant);
    TEXT("reason", reason);
    TEXT("name", name);
    TEXT("org", org);
    TEXT("contract", contract);
#undef TEXT
    if (strcmp(key, "expiry") == 0)
        return take_time(buf, v, "expiry", &a->expiry, p);
    if (strcmp(key, "contract_end") == 0)
        return take_time(buf, v, "contract_end", &a->contract_end, p);
    if (strcmp(key, "kind") == 0) {
        if (take_word(buf, len, v, "kind", dsg_app_kind_parse, &w, p) != 0)
            return -1;
        a->kind = (dsg_app_kind)w;
        return 0;
    }
    if (strcmp(key, "org_kind") == 0) {
        if (take_word(buf, len, v, "org_kind", dsg_org_kind_parse, &w, p) != 0)
            return -1;
        a->org_kind = (dsg_org_kind)w;
        return 0;
    }
    if (strcmp(key, "type") == 0) {
        if (take_word(buf, len, v, "type", dsg_acct_type_parse, &w, p) != 0)
            return -1;
        a->type = (dsg_acct_type)w;
        return 0;
    }
    return bad(p, "", "an unknown member");
}

int dsg_acct_app_from_json(const uint8_t *buf, size_t len, dsg_acct_app *a,
                           dsg_acct_problem *p)
{
    dsg_json_tok toks[MAX_TOKENS];
    size_t n = 0, at = 0;
    int kind_seen = 0;
    memset(a, 0, sizeof *a);
    a->kind = DSG_APP_KIND_COUNT;   /* none until the member says */
    if (len == 0 || len > DSG_ACCT_JSON_MAX ||
        dsg_json_tokenize(buf, len, 2, toks, MAX_TOKENS, &n, &at) != DSG_JSON_OK ||
        dsg_json_check_keys(buf, len, toks, n, &at) != DSG_JSON_OK ||
        toks[0].type != DSG_JSON_OBJECT)
        return bad(p, "", "the application is not one JSON object");
    for (size_t i = 1; i + 1 < n; i += 2) {
        if (take_member(buf, len, &toks[i], &toks[i + 1], a, p) != 0)
            return -1;
        kind_seen |= a->kind != DSG_APP_KIND_COUNT;
    }
    if (!kind_seen)
        return bad(p, "kind", "required");
    return 0;
}

int dsg_acct_reason_to_json(const char *reason, uint8_t *out, size_t cap, size_t *len)
{
    dsg_json_out w;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    put_text(&w, "reason", reason);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, len);
}

int dsg_acct_reason_from_json(const uint8_t *buf, size_t len,
                              char reason[DSG_ACCT_REASON_MAX + 1], dsg_acct_problem *p)
{
    dsg_json_tok toks[4];
    size_t n = 0, at = 0;
    char key[8];
    if (len == 0 || len > DSG_ACCT_JSON_MAX ||
        dsg_json_tokenize(buf, len, 2, toks, 4, &n, &at) != DSG_JSON_OK ||
        toks[0].type != DSG_JSON_OBJECT || n != 3 ||
        take_string(buf, len, &toks[1], "", key, sizeof key, p) != 0 ||
        strcmp(key, "reason") != 0)
        return bad(p, "", "the reason is not a JSON object {\"reason\": TEXT}");
    return take_string(buf, len, &toks[2], "reason", reason, DSG_ACCT_REASON_MAX + 1, p);
}
