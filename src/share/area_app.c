/* Area applications, their checks and their JSON form: see area_app.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "core/json_out.h"
#include "core/json_tok.h"
#include "core/utf8.h"
#include "share/area_app.h"

/* The object, 7 members and their values, the vendors; room for more, so
 * that a member's wrong type or too many vendors is refused by name. */
#define MAX_TOKENS 64u
#define MAX_DEPTH 8u

/* ---- checks ----------------------------------------------------------------------- */

static int problem(dsg_acct_problem *p, const char *code, const char *field, const char *what)
{
    p->code = code;
    p->field = field;
    snprintf(p->message, sizeof p->message, "%s: %s", field, what);
    return -1;
}

/* Valid UTF-8, no C0 control, DEL or C1 control (they would forge lines
 * in listings and logs), 1 to max bytes. */
int dsg_area_text_check(const char *s, size_t max, const char *field, dsg_acct_problem *p)
{
    size_t n = strnlen(s, max + 1), step;
    if (n == 0)
        return problem(p, "bad_field", field, "empty");
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

/* The items every application names, in the order of the header. */
static int check_present(const dsg_area_app *a, dsg_acct_problem *p)
{
    if (a->contract[0] == '\0')
        return problem(p, "missing_field", "contract", "required");
    if (a->project[0] == '\0')
        return problem(p, "missing_field", "project", "required");
    if (a->prime[0] == '\0')
        return problem(p, "missing_field", "prime", "required");
    if (a->contract_end == 0)
        return problem(p, "missing_field", "contract_end", "required");
    if (a->applicant[0] == '\0')
        return problem(p, "missing_field", "applicant", "required");
    if (a->reason[0] == '\0')
        return problem(p, "missing_field", "reason", "required");
    return 0;
}

/* Each vendor a valid text, named once, and not the prime: each gets a
 * folder named after it. */
static int check_vendors(const dsg_area_app *a, dsg_acct_problem *p)
{
    if (a->vendor_count > DSG_AREA_VENDORS_MAX)
        return problem(p, "bad_field", "vendors", "more than 16 vendors");
    for (size_t i = 0; i < a->vendor_count; i++) {
        if (dsg_area_text_check(a->vendors[i], DSG_AREA_TEXT_MAX, "vendors", p) != 0)
            return -1;
        if (strcmp(a->vendors[i], a->prime) == 0)
            return problem(p, "bad_field", "vendors", "a vendor is the prime contractor");
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->vendors[i], a->vendors[j]) == 0)
                return problem(p, "bad_field", "vendors", "a vendor is named twice");
    }
    return 0;
}

int dsg_area_app_check(const dsg_area_app *a, int64_t now, dsg_acct_problem *p)
{
    if (check_present(a, p) != 0 ||
        dsg_area_text_check(a->contract, DSG_AREA_TEXT_MAX, "contract", p) != 0 ||
        dsg_area_text_check(a->project, DSG_AREA_TEXT_MAX, "project", p) != 0 ||
        dsg_area_text_check(a->prime, DSG_AREA_TEXT_MAX, "prime", p) != 0 ||
        dsg_area_text_check(a->applicant, DSG_AREA_TEXT_MAX, "applicant", p) != 0 ||
        dsg_area_text_check(a->reason, DSG_AREA_REASON_MAX, "reason", p) != 0 ||
        check_vendors(a, p) != 0)
        return -1;
    if (a->contract_end <= now)
        return problem(p, "bad_field", "contract_end", "the contract has already ended");
    return 0;
}

/* ---- the folder template ----------------------------------------------------------- */

/* One entry of the template, trimmed, into t; 0, or -1 with err. */
static int template_entry(const char *word, size_t len, dsg_area_template *t, char *err,
                          size_t n)
{
    char name[DSG_AREA_TEXT_MAX + 1];
    dsg_acct_problem p;
    while (len > 0 && (word[0] == ' ' || word[0] == '\t'))
        word++, len--;
    while (len > 0 && (word[len - 1] == ' ' || word[len - 1] == '\t'))
        len--;
    if (len == 0 || len > DSG_AREA_TEXT_MAX) {
        snprintf(err, n, "an entry is %s", len == 0 ? "empty" : "longer than 128 bytes");
        return -1;
    }
    memcpy(name, word, len);
    name[len] = '\0';
    int per_org = strcmp(name, DSG_AREA_TEMPLATE_ORG) == 0;
    if (!per_org && (dsg_area_text_check(name, DSG_AREA_TEXT_MAX, "template", &p) != 0 ||
                     strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
                     strcmp(name, "..") == 0)) {
        snprintf(err, n, "'%s' is not a folder name", name);
        return -1;
    }
    for (size_t i = 0; i < t->n; i++)
        if (t->entry[i].per_org == per_org && strcmp(t->entry[i].name, per_org ? "" : name) == 0) {
            snprintf(err, n, "'%s' is named twice", name);
            return -1;
        }
    if (t->n == DSG_AREA_TEMPLATE_MAX) {
        snprintf(err, n, "more than %u entries", DSG_AREA_TEMPLATE_MAX);
        return -1;
    }
    t->entry[t->n].per_org = per_org;
    snprintf(t->entry[t->n].name, sizeof t->entry[t->n].name, "%s", per_org ? "" : name);
    t->n++;
    return 0;
}

int dsg_area_template_parse(const char *text, dsg_area_template *t, char *err, size_t n)
{
    memset(t, 0, sizeof *t);
    for (const char *at = text;;) {
        const char *comma = strchr(at, ',');
        size_t len = comma != NULL ? (size_t)(comma - at) : strlen(at);
        if (template_entry(at, len, t, err, n) != 0)
            return -1;
        if (comma == NULL)
            return 0;
        at = comma + 1;
    }
}

/* ---- JSON out ----------------------------------------------------------------------- */

static void put_key(dsg_json_out *w, const char *key)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
}

/* A text of the application, held in a char[size]. */
static void put_string(dsg_json_out *w, const char *value, size_t size)
{
    (void)dsg_json_out_string(w, (const uint8_t *)value, strnlen(value, size));
}

static void put_text(dsg_json_out *w, const char *key, const char *value, size_t size)
{
    put_key(w, key);
    put_string(w, value, size);
}

int dsg_area_app_to_json(const dsg_area_app *a, uint8_t *out, size_t cap, size_t *len)
{
    dsg_json_out w;
    if (a->vendor_count > DSG_AREA_VENDORS_MAX)
        return -1;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    put_text(&w, "contract", a->contract, sizeof a->contract);
    put_text(&w, "project", a->project, sizeof a->project);
    put_text(&w, "prime", a->prime, sizeof a->prime);
    put_key(&w, "vendors");
    (void)dsg_json_out_array_begin(&w);
    for (size_t i = 0; i < a->vendor_count; i++)
        put_string(&w, a->vendors[i], sizeof a->vendors[i]);
    (void)dsg_json_out_array_end(&w);
    put_key(&w, "contract_end");
    (void)dsg_json_out_int(&w, a->contract_end);
    put_text(&w, "applicant", a->applicant, sizeof a->applicant);
    put_text(&w, "reason", a->reason, sizeof a->reason);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, len);
}

/* ---- JSON in ------------------------------------------------------------------------ */

static const char *const members[] = {
    "contract", "project", "prime", "vendors", "contract_end", "applicant", "reason",
};
#define MEMBER_COUNT (sizeof members / sizeof members[0])

static int bad(dsg_acct_problem *p, const char *field, const char *what)
{
    p->code = "bad_request";
    p->field = field;
    snprintf(p->message, sizeof p->message, "%s%s%s", field, field[0] ? ": " : "", what);
    return -1;
}

/* A string token into out[0 .. cap - 1], NUL-terminated; a value with a
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

/* contract_end: an integer of at most 18 digits (no sign, fraction or
 * exponent: a time before 1970 is never a contract's end). */
static int take_time(const uint8_t *buf, const dsg_json_tok *t, int64_t *out,
                     dsg_acct_problem *p)
{
    int64_t v = 0;
    if (t->type != DSG_JSON_NUMBER || t->len == 0 || t->len > 18)
        return bad(p, "contract_end", "not a time in seconds");
    for (size_t i = 0; i < t->len; i++) {
        uint8_t c = buf[t->start + i];
        if (c < '0' || c > '9')
            return bad(p, "contract_end", "not a time in seconds");
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 0;
}

/* vendors: an array of at most DSG_AREA_VENDORS_MAX strings, token v. */
static int take_vendors(const uint8_t *buf, size_t len, const dsg_json_tok *toks, size_t v,
                        dsg_area_app *a, dsg_acct_problem *p)
{
    if (toks[v].type != DSG_JSON_ARRAY)
        return bad(p, "vendors", "not an array of strings");
    if (toks[v].size > DSG_AREA_VENDORS_MAX)
        return bad(p, "vendors", "more than 16 vendors");
    size_t e = v + 1;
    for (size_t i = 0; i < toks[v].size; i++) {
        if (toks[e].type != DSG_JSON_STRING)
            return bad(p, "vendors", "not an array of strings");
        if (take_string(buf, len, &toks[e], "vendors", a->vendors[i], sizeof a->vendors[i], p) != 0)
            return -1;
        e = toks[e].next;
    }
    a->vendor_count = toks[v].size;
    return 0;
}

/* The member's index in members[], or -1. A name of ours is short, so a
 * longer one (or one that does not decode) is unknown. */
static int member_of(const uint8_t *buf, size_t len, const dsg_json_tok *k)
{
    char key[16];
    size_t n;
    if (dsg_json_string_value(buf, len, k, (uint8_t *)key, sizeof key - 1, &n) != DSG_JSON_OK)
        return -1;
    key[n] = '\0';
    for (size_t m = 0; m < MEMBER_COUNT; m++)
        if (strlen(members[m]) == n && memcmp(members[m], key, n) == 0)
            return (int)m;
    return -1;
}

/* An unknown member, named in the message when its name is printable. */
static int unknown_member(const uint8_t *buf, size_t len, const dsg_json_tok *k,
                          dsg_acct_problem *p)
{
    char key[DSG_AREA_TEXT_MAX + 1];
    dsg_acct_problem ignored;
    if (take_string(buf, len, k, "", key, sizeof key, &ignored) != 0 ||
        dsg_area_text_check(key, 40, "", &ignored) != 0)
        return bad(p, "", "an unknown member");
    p->code = "bad_request";
    p->field = "";
    snprintf(p->message, sizeof p->message, "an unknown member \"%s\"", key);
    return -1;
}

/* One member: key token k, value token v. */
static int take_member(const uint8_t *buf, size_t len, const dsg_json_tok *toks, size_t k,
                       dsg_area_app *a, dsg_acct_problem *p)
{
    const dsg_json_tok *v = &toks[k + 1];
    switch (member_of(buf, len, &toks[k])) {
    case 0: return take_string(buf, len, v, "contract", a->contract, sizeof a->contract, p);
    case 1: return take_string(buf, len, v, "project", a->project, sizeof a->project, p);
    case 2: return take_string(buf, len, v, "prime", a->prime, sizeof a->prime, p);
    case 3: return take_vendors(buf, len, toks, k + 1, a, p);
    case 4: return take_time(buf, v, &a->contract_end, p);
    case 5: return take_string(buf, len, v, "applicant", a->applicant, sizeof a->applicant, p);
    case 6: return take_string(buf, len, v, "reason", a->reason, sizeof a->reason, p);
    default: return unknown_member(buf, len, &toks[k], p);
    }
}

/* A member named twice: the name at offset at, named when it is ours. */
static int duplicate_member(const uint8_t *buf, size_t len, const dsg_json_tok *toks, size_t n,
                            size_t at, dsg_acct_problem *p)
{
    for (size_t i = 1; i < n; i++) {
        int m = toks[i].start == at && toks[i].type == DSG_JSON_STRING
                    ? member_of(buf, len, &toks[i]) : -1;
        if (m >= 0)
            return bad(p, members[m], "given more than once");
    }
    return bad(p, "", "a member is given more than once");
}

int dsg_area_app_from_json(const uint8_t *buf, size_t len, dsg_area_app *a,
                           dsg_acct_problem *p)
{
    dsg_json_tok toks[MAX_TOKENS];
    size_t n = 0, at = 0;
    memset(a, 0, sizeof *a);
    if (len == 0 || len > DSG_AREA_JSON_MAX ||
        dsg_json_tokenize(buf, len, MAX_DEPTH, toks, MAX_TOKENS, &n, &at) != DSG_JSON_OK ||
        toks[0].type != DSG_JSON_OBJECT)
        return bad(p, "", "the application is not one JSON object");
    int rc = dsg_json_check_keys(buf, len, toks, n, &at);
    if (rc == DSG_JSON_E_DUPLICATE_KEY)
        return duplicate_member(buf, len, toks, n, at, p);
    if (rc != DSG_JSON_OK)
        return bad(p, "", "a member's name holds a NUL character");
    for (size_t k = 1; k < n; k = toks[k + 1].next)
        if (take_member(buf, len, toks, k, a, p) != 0)
            return -1;
    return 0;
}
