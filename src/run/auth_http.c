/* The auth role's login API: see auth_http.h. */
#define _POSIX_C_SOURCE 200809L
#include "run/auth.h"
#include "run/auth_http.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "auth/acct_json.h"
#include "auth/acct_store.h"
#include "auth/login_svc.h"
#include "auth/rate_limit.h"
#include "auth/terminal_store.h"
#include "core/b64url.h"
#include "core/http_req.h"
#include "core/json_out.h"
#include "core/json_tok.h"
#include "core/netlist.h"
#include "core/rfc3339.h"
#include "log/audit.h"
#include "run/audit_out.h"
#include "run/auth_pages.h"
#include "run/log.h"
#include "run/role_http.h"

#define AUTH_XCH 16u            /* exchanges at once */
#define BODY_MAX 8192u          /* bytes of a step's JSON body: an attestation with x5c */
#define FIELD_MAX 1100u         /* bytes of one decoded member: a password of 1024 characters */
#define WA_TEXT_MAX 6000u       /* base64url characters of one WebAuthn member */
#define WA_BYTES_MAX 4500u      /* its bytes */

enum route { LOGIN, PASSWORD, TOTP_ENROL, TOTP, SESSION, LOGOUT, WA_OPTIONS, WA_REGISTER,
             WA_ASSERT, NOTICE, PW_CHANGE, PW_CHANGE_OPTIONS, TERMINAL_LOGON, APPLICATIONS,
             ROUTE_COUNT };

#define POST (1u << DSG_HTTP_POST)
#define ROUTE(path, methods) { 0, methods, 0, BODY_MAX, sizeof path - 1, path }
static const dsgd_route routes[ROUTE_COUNT] = {
    [LOGIN] = ROUTE("/api/v1/auth/login", POST),
    [PASSWORD] = ROUTE("/api/v1/auth/password", POST),
    [TOTP_ENROL] = ROUTE("/api/v1/auth/totp/enrol", POST),
    [TOTP] = ROUTE("/api/v1/auth/totp", POST),
    [SESSION] = ROUTE("/api/v1/auth/session", 1u << DSG_HTTP_GET),
    [LOGOUT] = ROUTE("/api/v1/auth/logout", POST),
    [WA_OPTIONS] = ROUTE("/api/v1/auth/webauthn/options", POST),
    [WA_REGISTER] = ROUTE("/api/v1/auth/webauthn/register", POST),
    [WA_ASSERT] = ROUTE("/api/v1/auth/webauthn/assert", POST),
    [NOTICE] = ROUTE("/api/v1/auth/notice", 1u << DSG_HTTP_GET),
    [PW_CHANGE] = ROUTE("/api/v1/auth/password/change", POST),
    [PW_CHANGE_OPTIONS] = ROUTE("/api/v1/auth/password/change/options", POST),
    [TERMINAL_LOGON] = ROUTE("/api/v1/auth/terminal-logon", POST),
    [APPLICATIONS] = ROUTE("/api/v1/auth/applications", POST | 1u << DSG_HTTP_GET),
};

static struct xch {
    uint32_t id;                                /* 0: free */
    enum route route;
    size_t len;
    int too_long;
    int post;                                   /* POST (else GET) */
    uint8_t body[BODY_MAX];
    char token[DSGD_XCH_TOKEN_MAX + 1];         /* the credential presented, "" none */
    char addr[DSGD_XCH_ADDR_MAX + 1];           /* or the computer of a dsgctl login */
    char bound[DSG_LSVC_BOUND_MAX + 1];         /* a dsgctl login's peer; "": the portal's */
    int has_fp;                                 /* the portal verified a client certificate */
    uint8_t fp[DSG_TERM_FP_LEN];                /* its SHA-256 */
    char terminal[DSG_TERM_NAME_MAX + 1];       /* the live terminal it names; "" none */
    char windows[DSG_LSVC_WINDOWS_MAX + 1];     /* a terminal logon's Windows account */
    int ministry_terminal;                      /* that terminal is of kind ministry */
} xch[AUTH_XCH];

static dsg_lsvc_cfg cfg;
static dsg_ip_net ministry[DSG_NETLIST_MAX];
static size_t n_ministry;
static struct sqlite3 *db;
static uint32_t session_max_s;
static dsg_rate sources;          /* failed credential steps by source (REQ-MFA-013) */
static uint32_t source_limit;     /* auth.source_failures_per_minute */
static uint8_t aaguids[DSGD_AAGUIDS_MAX][DSG_WEBAUTHN_AAGUID_LEN];

static int64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

int dsgd_auth_http_init(const struct dsgd_auth_settings *a, X509_STORE *roots,
                        const uint8_t *totp_key, struct sqlite3 *d, char *err, size_t n)
{
    size_t at = 0, n_aaguids = 0;
    char why[96];
    memset(&cfg, 0, sizeof cfg);
    cfg.lock = (dsg_lock_policy){ a->lockout_threshold, a->lockout_window_ms / 1000,
                                  a->lockout_duration_ms / 1000 };
    cfg.scrypt = (dsg_scrypt_params){ a->scrypt_log2_n, a->scrypt_r, a->scrypt_p };
    cfg.password = (dsg_pw_policy){ a->password_min_length, a->password_max_length,
                                    a->password_required_classes };
    cfg.password_history = a->password_history;
    cfg.challenge_lifetime = a->challenge_ms / 1000;
    cfg.session = (dsg_session_policy){ a->session_idle_ms / 1000, a->session_max_ms / 1000 };
    cfg.admin_session = (dsg_session_policy){ a->admin_token_ms / 1000, a->session_max_ms / 1000 };
    cfg.reauth_max_age = a->reauth_ms / 1000;
    cfg.max_sessions = a->max_sessions;
    cfg.totp_skew = a->totp_skew;
    cfg.admin_factor = a->admin_factor;
    snprintf(cfg.issuer, sizeof cfg.issuer, "DSG");
    cfg.rp = (dsg_webauthn_rp){ a->rp_id, a->origin };
    if (dsgd_settings_aaguids(a->aaguids, aaguids, DSGD_AAGUIDS_MAX, &n_aaguids, why,
                              sizeof why) != 0) {
        snprintf(err, n, "auth.webauthn_aaguid_allowlist: %s", why);
        return -1;
    }
    cfg.notice = a->notice;
    cfg.password_max_age_days = a->password_max_age_days;
    cfg.totp_key = totp_key;
    cfg.webauthn = (dsg_webauthn_policy){ (const uint8_t (*)[DSG_WEBAUTHN_AAGUID_LEN])aaguids,
                                          n_aaguids, roots, a->self_attestation != 0 };
    session_max_s = a->session_max_ms / 1000;
    source_limit = a->source_failures;
    dsg_rate_init(&sources);
    n_ministry = 0;
    if (a->ministry_networks[0] != '\0' &&
        dsg_netlist_parse((const uint8_t *)a->ministry_networks, strlen(a->ministry_networks),
                          ministry, DSG_NETLIST_MAX, &n_ministry, &at) != DSG_NET_OK) {
        snprintf(err, n, "auth.ministry_networks: not a network list (byte %zu)", at);
        return -1;
    }
    db = d;
    if (dsg_lsvc_init(&cfg, d) != 0) {
        snprintf(err, n, "the login settings are out of range");
        return -1;
    }
    return 0;
}

/* ---- the record of a step (別紙 #14) ------------------------------------------- */

uint32_t dsgd_auth_record(const char *user_id, const char *computer, const char *event,
                          const char *detail)
{
    return dsgd_auth_record_windows(user_id, computer, "", event, detail);
}

uint32_t dsgd_auth_record_windows(const char *user_id, const char *computer,
                                  const char *windows, const char *event, const char *detail)
{
    char when[32] = "-";
    struct timespec ts;
    uint32_t ticket = 0;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (dsg_rfc3339_ms(when, sizeof when, (int64_t)ts.tv_sec, (int64_t)ts.tv_nsec) == 0)
        snprintf(when, sizeof when, "-");
    /* The Windows account name is what a terminal reports at a terminal
     * logon (REQ-MFA-016); a browser and dsgctl report none, so it is
     * empty then (REQ-MFA-017). */
    dsg_audit_field f[] = {
        { "event_time", (const uint8_t *)when, strlen(when) },
        { "computer_name", (const uint8_t *)computer, strlen(computer) },
        { "user_id", (const uint8_t *)user_id, strlen(user_id) },
        { "windows_account", (const uint8_t *)windows, strlen(windows) },
        { "event", (const uint8_t *)event, strlen(event) },
        { "detail", (const uint8_t *)detail, strlen(detail) },
    };
    if (dsgd_audit_out_add_ticket(DSG_AUDIT_TYPE_AUTH, f, detail[0] != '\0' ? 6 : 5, &ticket) != 0)
        dsgd_log("auth: the record of a %s step was dropped", event);
    dsgd_audit_out_flush();
    return ticket;
}

/* 認証ログ's computer name of x: the registered terminal its verified
 * client certificate names, else the client's address (REQ-MFA-017). */
static const char *computer_of(const struct xch *x)
{
    return x->terminal[0] != '\0' ? x->terminal : x->addr;
}

/* The record of a login step's result. */
static uint32_t record(const dsg_lsvc_result *res, const char *computer)
{
    if (res->locked)
        dsgd_auth_record_lock(res->user_id, res->detail);
    return dsgd_auth_record(res->user_id[0] != '\0' ? res->user_id : "-", computer,
                            res->event != NULL ? res->event : "-", res->detail);
}

/* ---- request bodies ---------------------------------------------------------------- */

typedef struct field {
    const char *name;
    char *out;                 /* a string member, NUL-terminated */
    size_t cap;
    int *flag;                 /* or a boolean member */
    int optional;              /* a string member that may be left out ("" then) */
} field;

/* The members of a flat JSON object into fields[0 .. n): every string one
 * required unless optional, booleans optional, nothing else allowed. 0, or
 * -1. */
static int take_fields(const uint8_t *buf, size_t len, field *fields, size_t n)
{
    dsg_json_tok toks[16];
    size_t nt = 0, at = 0, got = 0, vlen;
    char name[24];
    for (size_t k = 0; k < n; k++)
        if (fields[k].out != NULL)
            fields[k].out[0] = '\0';
    if (dsg_json_tokenize(buf, len, 2, toks, 16, &nt, &at) != DSG_JSON_OK ||
        dsg_json_check_keys(buf, len, toks, nt, &at) != DSG_JSON_OK ||
        toks[0].type != DSG_JSON_OBJECT || toks[0].next != nt)
        return -1;
    for (size_t i = 1; i + 1 < nt; i += 2) {
        if (dsg_json_string_value(buf, len, &toks[i], (uint8_t *)name, sizeof name - 1, &vlen) !=
            DSG_JSON_OK)
            return -1;
        name[vlen] = '\0';
        field *f = NULL;
        for (size_t k = 0; k < n && f == NULL; k++)
            if (strcmp(fields[k].name, name) == 0)
                f = &fields[k];
        const dsg_json_tok *v = &toks[i + 1];
        if (f == NULL)
            return -1;
        if (f->flag != NULL) {
            if (v->type != DSG_JSON_TRUE && v->type != DSG_JSON_FALSE)
                return -1;
            *f->flag = v->type == DSG_JSON_TRUE;
            continue;
        }
        if (v->type != DSG_JSON_STRING ||
            dsg_json_string_value(buf, len, v, (uint8_t *)f->out, f->cap - 1, &vlen) !=
                DSG_JSON_OK ||
            memchr(f->out, '\0', vlen) != NULL)
            return -1;
        f->out[vlen] = '\0';
        got += !f->optional;
    }
    size_t strings = 0;
    for (size_t k = 0; k < n; k++)
        strings += fields[k].flag == NULL && !fields[k].optional;
    return got == strings ? 0 : -1;
}

/* ---- answers ----------------------------------------------------------------------- */

static void put_text(dsg_json_out *w, const char *key, const char *v)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_string(w, (const uint8_t *)v, strlen(v));
}

/* "rules": the names of the password rules broken (REQ-MFA-007). */
static void put_rules(dsg_json_out *w, uint32_t broken)
{
    (void)dsg_json_out_key(w, (const uint8_t *)"rules", 5);
    (void)dsg_json_out_array_begin(w);
    for (uint32_t bit = 1; bit <= DSG_PW_RULES; bit <<= 1) {
        const char *name = (broken & bit) != 0 ? dsg_lsvc_rule_name(bit) : NULL;
        if (name != NULL)
            (void)dsg_json_out_string(w, (const uint8_t *)name, strlen(name));
    }
    (void)dsg_json_out_array_end(w);
}

_Static_assert(DSG_LSVC_WA_ID_MAX / 3 * 4 + 4 <= 400, "put_b64's buffer holds a credential ID");

/* key: the base64url text of p[0 .. n), n at most DSG_LSVC_WA_ID_MAX. */
static void put_b64(dsg_json_out *w, const char *key, const uint8_t *p, size_t n)
{
    char text[400];
    size_t len = 0;
    if (dsg_b64url_encode(p, n, text, sizeof text, &len) != DSG_B64URL_OK)
        len = 0;   /* not reached: the assertion above */
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_string(w, (const uint8_t *)text, len);
}

/* key: [{"type":"public-key","id":...}, ...] of the account's credentials. */
static void put_creds(dsg_json_out *w, const char *key, const dsg_lsvc_webauthn_opts *o)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_array_begin(w);
    for (unsigned i = 0; i < o->n_creds; i++) {
        (void)dsg_json_out_object_begin(w);
        put_text(w, "type", "public-key");
        put_b64(w, "id", o->cred[i], o->cred_len[i]);
        (void)dsg_json_out_object_end(w);
    }
    (void)dsg_json_out_array_end(w);
}

/* PublicKeyCredentialCreationOptions (WebAuthn L2 §5.4): ES256 only, UV
 * required, "direct" attestation (the AAGUID is checked at enrolment). */
static void put_creation(dsg_json_out *w, const dsg_lsvc_result *res)
{
    const dsg_lsvc_webauthn_opts *o = &res->webauthn;
    (void)dsg_json_out_key(w, (const uint8_t *)"rp", 2);
    (void)dsg_json_out_object_begin(w);
    put_text(w, "id", cfg.rp.rp_id);
    put_text(w, "name", cfg.issuer);
    (void)dsg_json_out_object_end(w);
    (void)dsg_json_out_key(w, (const uint8_t *)"user", 4);
    (void)dsg_json_out_object_begin(w);
    put_b64(w, "id", o->user_handle, sizeof o->user_handle);
    put_text(w, "name", res->user_id);
    put_text(w, "displayName", res->user_id);
    (void)dsg_json_out_object_end(w);
    put_b64(w, "challenge", o->challenge, sizeof o->challenge);
    (void)dsg_json_out_key(w, (const uint8_t *)"pubKeyCredParams", 16);
    (void)dsg_json_out_array_begin(w);
    (void)dsg_json_out_object_begin(w);
    put_text(w, "type", "public-key");
    (void)dsg_json_out_key(w, (const uint8_t *)"alg", 3);
    (void)dsg_json_out_int(w, -7);
    (void)dsg_json_out_object_end(w);
    (void)dsg_json_out_array_end(w);
    (void)dsg_json_out_key(w, (const uint8_t *)"timeout", 7);
    (void)dsg_json_out_uint(w, (uint64_t)cfg.challenge_lifetime * 1000);
    (void)dsg_json_out_key(w, (const uint8_t *)"authenticatorSelection", 22);
    (void)dsg_json_out_object_begin(w);
    put_text(w, "userVerification", "required");
    put_text(w, "residentKey", "discouraged");
    (void)dsg_json_out_object_end(w);
    put_text(w, "attestation", "direct");
    put_creds(w, "excludeCredentials", o);
}

/* PublicKeyCredentialRequestOptions (WebAuthn L2 §5.5). */
static void put_request(dsg_json_out *w, const dsg_lsvc_result *res)
{
    const dsg_lsvc_webauthn_opts *o = &res->webauthn;
    put_b64(w, "challenge", o->challenge, sizeof o->challenge);
    put_text(w, "rpId", cfg.rp.rp_id);
    (void)dsg_json_out_key(w, (const uint8_t *)"timeout", 7);
    (void)dsg_json_out_uint(w, (uint64_t)cfg.challenge_lifetime * 1000);
    put_text(w, "userVerification", o->uv_required ? "required" : "preferred");
    put_creds(w, "allowCredentials", o);
}

size_t dsgd_auth_assert_options(const dsg_lsvc_result *res, uint8_t *out, size_t cap)
{
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    put_request(&w, res);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}

/* "previous_login": {"time", "computer"} of the login before this one, or
 * null on the account's first; "failures_since": the failed credential
 * steps since it (REQ-MFA-014). */
static void put_previous(dsg_json_out *w, const dsg_lsvc_result *res)
{
    (void)dsg_json_out_key(w, (const uint8_t *)"previous_login", 14);
    if (!res->has_previous) {
        (void)dsg_json_out_null(w);
    } else {
        (void)dsg_json_out_object_begin(w);
        put_text(w, "time", res->previous_time);
        (void)dsg_json_out_key(w, (const uint8_t *)"computer", 8);
        if (res->previous_computer[0] != '\0')
            (void)dsg_json_out_string(w, (const uint8_t *)res->previous_computer,
                                      strlen(res->previous_computer));
        else   /* a login recorded before the computer name was */
            (void)dsg_json_out_null(w);
        (void)dsg_json_out_object_end(w);
    }
    (void)dsg_json_out_key(w, (const uint8_t *)"failures_since", 14);
    (void)dsg_json_out_uint(w, res->failures_since);
}

/* "error" and its fixed "message"; every code the service answers is in
 * dsg_lsvc_error_message's table. @relation(REQ-MFA-020, REQ-MFA-012) */
static void put_error(dsg_json_out *w, const char *code)
{
    const char *message = dsg_lsvc_error_message(code);
    put_text(w, "error", code);
    put_text(w, "message", message != NULL ? message : "the request was refused");
}

/* The answer {"error", "message"} of code alone into out: its length, 0
 * when it does not fit. */
static size_t error_json(const char *code, uint8_t *out, size_t cap)
{
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    put_error(&w, code);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}

/* The JSON of a step's result; bearer: the session token in the body too
 * (for API clients). Its length, 0 when it does not fit. */
static size_t answer_json(const dsg_lsvc_result *res, int bearer, uint8_t *out, size_t cap)
{
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    if (res->error != NULL) {
        put_error(&w, res->error);
        if (res->broken != 0)
            put_rules(&w, res->broken);
        if (res->next != DSG_LSVC_NEXT_NONE && res->login[0] != '\0') {   /* a refusal the
                                                                         * login survives */
            put_text(&w, "login", res->login);
            put_text(&w, "next", dsg_lsvc_next_name(res->next));
        }
    } else if (res->next == DSG_LSVC_NEXT_SESSION) {
        put_text(&w, "next", "session");
        put_text(&w, "user_id", res->user_id);
        put_previous(&w, res);
        if (bearer)
            put_text(&w, "token", res->token);
    } else if (res->next != DSG_LSVC_NEXT_NONE) {
        if (res->login[0] != '\0')   /* not for a session's own options */
            put_text(&w, "login", res->login);
        put_text(&w, "next", dsg_lsvc_next_name(res->next));
        if (res->next == DSG_LSVC_NEXT_CONFIRM_TOTP)
            put_text(&w, "otpauth", res->otpauth);
        if (res->next == DSG_LSVC_NEXT_REGISTER_WEBAUTHN ||
            res->next == DSG_LSVC_NEXT_ASSERT_WEBAUTHN) {
            (void)dsg_json_out_key(&w, (const uint8_t *)"publicKey", 9);
            (void)dsg_json_out_object_begin(&w);
            if (res->next == DSG_LSVC_NEXT_REGISTER_WEBAUTHN)
                put_creation(&w, res);
            else
                put_request(&w, res);
            (void)dsg_json_out_object_end(&w);
        }
    } else {
        put_text(&w, "user_id", res->user_id);
        if (res->event != NULL && strcmp(res->event, "password-changed") == 0) {
            (void)dsg_json_out_key(&w, (const uint8_t *)"sessions_ended", 14);
            (void)dsg_json_out_uint(&w, res->sessions_ended);
        }
    }
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}

/* A terminal logon's answer (REQ-MFA-016): {"decision": "allow",
 * "user_id"}; for a WebAuthn account's first request {"decision":
 * "pending", "login", "next", "publicKey"} (the request options); or the
 * refusal's {"error", "message"} with "decision": "deny". Its length, 0
 * when it does not fit. */
static size_t terminal_json(const dsg_lsvc_result *res, uint8_t *out, size_t cap)
{
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    if (res->status == 200 && res->next == DSG_LSVC_NEXT_ASSERT_WEBAUTHN) {
        put_text(&w, "decision", "pending");
        put_text(&w, "login", res->login);
        put_text(&w, "next", dsg_lsvc_next_name(res->next));
        (void)dsg_json_out_key(&w, (const uint8_t *)"publicKey", 9);
        (void)dsg_json_out_object_begin(&w);
        put_request(&w, res);
        (void)dsg_json_out_object_end(&w);
    } else if (res->status == 200) {
        put_text(&w, "decision", "allow");
        put_text(&w, "user_id", res->user_id);
    } else {
        put_error(&w, res->error != NULL ? res->error : "auth_unavailable");
        put_text(&w, "decision", "deny");
    }
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}

/* What the step's answer does to the session cookie: set it to a new
 * session, clear it on a logout or a session that is over. */
static void cookie_of(enum route route, const dsg_lsvc_result *res, dsgd_xch_cookie *cookie)
{
    memset(cookie, 0, sizeof *cookie);
    if (res->status == 200 && res->next == DSG_LSVC_NEXT_SESSION) {
        cookie->op = DSGD_XCH_COOKIE_SET;
        cookie->max_age = session_max_s;
        cookie->token_len = (uint8_t)strlen(res->token);
        memcpy(cookie->token, res->token, cookie->token_len);
    } else if (route == LOGOUT || (route == SESSION && res->status == 401)) {
        cookie->op = DSGD_XCH_COOKIE_CLEAR;
    }
}

/* Records a step's result: a forced logout it caused first, then the
 * step itself. The ticket of the last, stored after the others: it
 * covers them all. */
static uint32_t settle(const struct xch *x, const dsg_lsvc_result *res)
{
    if (res->evicted)   /* recorded as the forced logout it is (REQ-ACCT-015) */
        (void)dsgd_auth_record(res->user_id, computer_of(x), "logout-forced",
                               "the oldest session ended: auth.max_sessions_per_user reached");
    if (res->sessions_ended > 0) {   /* REQ-MFA-010 */
        char why[96];
        snprintf(why, sizeof why, "%u other session%s ended: the password changed",
                 res->sessions_ended, res->sessions_ended == 1 ? "" : "s");
        (void)dsgd_auth_record(res->user_id, computer_of(x), "logout-forced", why);
    }
    if (res->locked)
        dsgd_auth_record_lock(res->user_id, res->detail);
    return dsgd_auth_record_windows(res->user_id[0] != '\0' ? res->user_id : "-",
                                    computer_of(x), x->windows,
                                    res->event != NULL ? res->event : "-", res->detail);
}

/* Records the step, then answers it once the record is stored. */
static void answer(const struct xch *x, const dsg_lsvc_result *res, int bearer)
{
    uint8_t json[DSGD_XCH_ANSWER_MAX];
    dsgd_xch_cookie cookie;
    size_t len = x->route == TERMINAL_LOGON ? terminal_json(res, json, sizeof json)
                                            : answer_json(res, bearer, json, sizeof json);
    cookie_of(x->route, res, &cookie);
    uint32_t ticket = settle(x, res);
    int status = res->status;
    if (len == 0) {   /* e.g. options of long IDs past DSGD_XCH_ANSWER_MAX */
        dsgd_log("auth: the answer of exchange %u does not fit", x->id);
        status = 503;
        cookie.op = DSGD_XCH_COOKIE_NONE;
        len = error_json("auth_unavailable", json, sizeof json);
    }
    if (dsgd_role_http_answer_recorded(x->id, ticket, status, &cookie, json, len) != 0)
        dsgd_log("auth: cannot answer exchange %u", x->id);
    OPENSSL_cleanse(&cookie, sizeof cookie);
}

static void bad_request(const struct xch *x)
{
    uint8_t json[256];
    size_t len = error_json("bad_request", json, sizeof json);
    if (dsgd_role_http_answer(x->id, 400, NULL, json, len) != 0)
        dsgd_log("auth: cannot answer exchange %u", x->id);
}

/* ---- the steps ------------------------------------------------------------------------ */

static dsg_lsvc_peer peer_of(const struct xch *x)
{
    dsg_ip_addr a;
    if (x->bound[0] != '\0')   /* dsgctl login: no network, no terminal certificate */
        return (dsg_lsvc_peer){ DSG_LOGIN_CONTROL, 0, 0, x->addr, x->bound, NULL };
    /* the terminal comes from the certificate the portal's TLS layer
     * verified, nothing the client says (REQ-MFA-002) */
    dsg_lsvc_peer p = { DSG_LOGIN_PORTAL, 0, x->ministry_terminal != 0, computer_of(x), NULL,
                        x->addr };
    if (n_ministry > 0 &&
        dsg_ip_parse((const uint8_t *)x->addr, strlen(x->addr), &a) == DSG_NET_OK)
        p.ministry_network = dsg_netlist_contains(ministry, n_ministry, &a) == 1;
    return p;
}

/* The base64url member text into out[0 .. *len): 0, or -1. */
static int decode(const char *text, uint8_t *out, size_t cap, size_t *len)
{
    size_t at = 0;
    return dsg_b64url_decode(text, strlen(text), out, cap, len, &at) == DSG_B64URL_OK ? 0 : -1;
}

/* A WebAuthn step: options, register or assert. 0, or -1 when the body is
 * not the step's JSON object of base64url members. */
static int webauthn_step(struct xch *x, int64_t now, dsg_lsvc_result *res, int *bearer)
{
    static char login[FIELD_MAX], code[FIELD_MAX], t[4][WA_TEXT_MAX];
    static uint8_t b[4][WA_BYTES_MAX];
    size_t len[4] = { 0, 0, 0, 0 };
    field options[] = { { "login", login, sizeof login, NULL, 0 },
                        { "code", code, sizeof code, NULL, 1 } };
    field reg[] = { { "login", login, sizeof login, NULL, 0 },
                    { "attestationObject", t[0], WA_TEXT_MAX, NULL, 0 },
                    { "clientDataJSON", t[1], WA_TEXT_MAX, NULL, 0 },
                    { "bearer", NULL, 0, bearer, 0 } };
    field as[] = { { "login", login, sizeof login, NULL, 0 },
                   { "credentialId", t[0], WA_TEXT_MAX, NULL, 0 },
                   { "authenticatorData", t[2], WA_TEXT_MAX, NULL, 0 },
                   { "clientDataJSON", t[1], WA_TEXT_MAX, NULL, 0 },
                   { "signature", t[3], WA_TEXT_MAX, NULL, 0 },
                   { "bearer", NULL, 0, bearer, 0 } };
    field *f = x->route == WA_OPTIONS ? options : x->route == WA_REGISTER ? reg : as;
    size_t nf = x->route == WA_OPTIONS ? 2 : x->route == WA_REGISTER ? 4 : 6;
    if (x->too_long || take_fields(x->body, x->len, f, nf) != 0)
        return -1;
    dsg_lsvc_peer peer = peer_of(x);
    if (!dsg_lsvc_login_from(login, &peer, now, res)) {   /* REQ-ACCT-016 */
        OPENSSL_cleanse(code, sizeof code);
        return 0;
    }
    if (x->route == WA_OPTIONS) {
        dsg_lsvc_webauthn_options(login, code, now, res);
        OPENSSL_cleanse(code, sizeof code);
        return 0;
    }
    for (unsigned i = 0; i < (x->route == WA_REGISTER ? 2u : 4u); i++)
        if (decode(t[i], b[i], WA_BYTES_MAX, &len[i]) != 0)
            return -1;
    if (x->route == WA_REGISTER) {
        dsg_lsvc_webauthn_register(login, b[0], len[0], b[1], len[1], now, res);
        return 0;
    }
    dsg_lsvc_assertion a = { b[0], len[0], b[2], len[2], b[1], len[1], b[3], len[3] };
    dsg_lsvc_webauthn_assert(login, &a, now, res);
    return 0;
}

/* A password change in a session (REQ-MFA-010): its assertion options,
 * or the change with the current and new passwords and a TOTP code or the
 * four base64url members of an assertion. 0, or -1 when the body is not
 * the step's JSON object. */
static int change_step(struct xch *x, int64_t now, dsg_lsvc_result *res)
{
    static char current[FIELD_MAX], next[FIELD_MAX], code[FIELD_MAX], t[4][WA_TEXT_MAX];
    static uint8_t b[4][WA_BYTES_MAX];
    size_t len[4] = { 0, 0, 0, 0 }, given = 0;
    field f[] = { { "current_password", current, sizeof current, NULL, 0 },
                  { "new_password", next, sizeof next, NULL, 0 },
                  { "code", code, sizeof code, NULL, 1 },
                  { "credentialId", t[0], WA_TEXT_MAX, NULL, 1 },
                  { "authenticatorData", t[1], WA_TEXT_MAX, NULL, 1 },
                  { "clientDataJSON", t[2], WA_TEXT_MAX, NULL, 1 },
                  { "signature", t[3], WA_TEXT_MAX, NULL, 1 } };
    if (x->route == PW_CHANGE_OPTIONS) {
        dsg_lsvc_change_options(x->token, now, res);
        return 0;
    }
    if (x->too_long || take_fields(x->body, x->len, f, 7) != 0)
        return -1;
    for (unsigned i = 0; i < 4; i++)
        given += t[i][0] != '\0';
    if ((given != 0 && given != 4) || (given == 4 && code[0] != '\0'))
        return -1;   /* a code, or the whole assertion */
    for (unsigned i = 0; i < given; i++)
        if (decode(t[i], b[i], WA_BYTES_MAX, &len[i]) != 0)
            return -1;
    dsg_lsvc_assertion a = { b[0], len[0], b[1], len[1], b[2], len[2], b[3], len[3] };
    dsg_lsvc_pw_change c = { (const uint8_t *)current, strlen(current), (const uint8_t *)next,
                             strlen(next), code[0] != '\0' ? code : NULL,
                             given == 4 ? &a : NULL };
    dsg_lsvc_session_change_password(x->token, &c, now, res);
    OPENSSL_cleanse(current, sizeof current);
    OPENSSL_cleanse(next, sizeof next);
    OPENSSL_cleanse(code, sizeof code);
    return 0;
}

/* The step of a password, TOTP or session route into *res. 0, or -1 when
 * the body is not the step's JSON object. */
static int password_step(struct xch *x, int64_t now, dsg_lsvc_result *res, int *bearer)
{
    static char user[FIELD_MAX], secret[FIELD_MAX], login[FIELD_MAX];
    field login_fields[] = { { "user_id", user, sizeof user, NULL, 0 },
                             { "password", secret, sizeof secret, NULL, 0 } };
    field password_fields[] = { { "login", login, sizeof login, NULL, 0 },
                                { "password", secret, sizeof secret, NULL, 0 } };
    field code_fields[] = { { "login", login, sizeof login, NULL, 0 },
                            { "code", secret, sizeof secret, NULL, 0 },
                            { "bearer", NULL, 0, bearer, 0 } };
    field *f = x->route == LOGIN ? login_fields
             : x->route == PASSWORD ? password_fields : code_fields;
    size_t nf = x->route == TOTP ? 3 : 2;
    if (x->route != SESSION && x->route != LOGOUT &&
        (x->too_long || take_fields(x->body, x->len, f, nf) != 0))
        return -1;
    dsg_lsvc_peer peer = peer_of(x);
    if (x->route != LOGIN && x->route != SESSION && x->route != LOGOUT &&
        !dsg_lsvc_login_from(login, &peer, now, res)) {   /* REQ-ACCT-016 */
        OPENSSL_cleanse(secret, sizeof secret);
        return 0;
    }
    switch (x->route) {
    case LOGIN:
        dsg_lsvc_password(user, (const uint8_t *)secret, strlen(secret), &peer, now, res);
        break;
    case PASSWORD:
        dsg_lsvc_change_password(login, (const uint8_t *)secret, strlen(secret), now, res);
        break;
    case TOTP_ENROL: dsg_lsvc_enrol_totp(login, secret, now, res); break;
    case TOTP: dsg_lsvc_totp(login, secret, now, res); break;
    case SESSION: dsg_lsvc_session(x->token, now, res); break;
    default: dsg_lsvc_logout(x->token, now, res); break;
    }
    OPENSSL_cleanse(secret, sizeof secret);
    return 0;
}

/* ---- throttling by source (REQ-MFA-013) --------------------------------------------- */

/* The source of x: its address family, then the IPv4 address (an
 * IPv4-mapped IPv6 one as IPv4) or the /64 of an IPv6 one, since one host
 * holds a whole /64. Addresses that do not parse share the key 0. */
static void source_key(const struct xch *x, uint8_t key[DSG_RATE_KEY])
{
    dsg_ip_addr a;
    memset(key, 0, DSG_RATE_KEY);
    if (dsg_ip_parse((const uint8_t *)x->addr, strlen(x->addr), &a) != DSG_NET_OK)
        return;
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    int v4 = a.family == DSG_IP_V4;
    if (a.family == DSG_IP_V6 && memcmp(a.b, mapped, sizeof mapped) == 0) {
        memmove(a.b, a.b + 12, 4);
        v4 = 1;
    }
    key[0] = v4 ? DSG_IP_V4 : DSG_IP_V6;
    memcpy(key + 1, a.b, v4 ? 4 : 8);
}

/* The credential steps: every route but the session's own two and the
 * notice. */
static int guarded(enum route r)
{
    return r != SESSION && r != LOGOUT && r != NOTICE;
}

/* GET /api/v1/auth/notice: {"notice": auth.logon_notice}, with no
 * credential, for the login page to show before any is entered
 * (REQ-MFA-014). Not an authentication event: not recorded. */
static void notice(const struct xch *x)
{
    uint8_t json[DSGD_XCH_ANSWER_MAX];
    size_t len = 0;
    dsg_json_out w;
    int status = 200;
    dsg_json_out_init(&w, json, sizeof json);
    (void)dsg_json_out_object_begin(&w);
    put_text(&w, "notice", dsg_lsvc_notice());
    (void)dsg_json_out_object_end(&w);
    if (dsg_json_out_finish(&w, &len) != 0) {   /* a notice of many escaped characters */
        dsgd_log("auth: auth.logon_notice does not fit an answer as JSON");
        status = 503;
        len = error_json("auth_unavailable", json, sizeof json);
    }
    if (dsgd_role_http_answer(x->id, status, NULL, json, len) != 0)
        dsgd_log("auth: cannot answer exchange %u", x->id);
}

/* The record of a step refused for its source's failures: its ticket. */
static uint32_t record_rate_limited(const struct xch *x)
{
    char detail[96];
    snprintf(detail, sizeof detail, "%u failed steps from this source within a minute",
             source_limit);
    return dsgd_auth_record("-", computer_of(x), "rate-limited", detail);
}

/* A source over auth.source_failures_per_minute: 429, before any hash. */
static void rate_limited(const struct xch *x)
{
    uint8_t json[256];
    size_t len = error_json("rate_limited", json, sizeof json);
    uint32_t ticket = record_rate_limited(x);
    if (dsgd_role_http_answer_recorded(x->id, ticket, 429, NULL, json, len) != 0)
        dsgd_log("auth: cannot answer exchange %u", x->id);
}

/* ---- terminals (REQ-MFA-002, REQ-MFA-016) ------------------------------------------ */

/* The live registered terminal whose certificate the portal verified for
 * x, if any, into x->terminal and x->ministry_terminal. A database error
 * names none (no exemption: fails closed). */
static void identify(struct xch *x)
{
    static dsg_term_row t;
    char err[200];
    x->terminal[0] = '\0';
    x->ministry_terminal = 0;
    if (!x->has_fp || x->bound[0] != '\0')
        return;
    int found = dsg_term_store_by_fp(db, x->fp, &t, err, sizeof err);
    if (found < 0)
        dsgd_log("auth: the terminal of a client certificate: %s", err);
    if (found != 1)
        return;
    snprintf(x->terminal, sizeof x->terminal, "%s", t.name);
    x->ministry_terminal = t.kind == DSG_ORG_CLASS_MINISTRY;
}

/* A Windows account name as a terminal reports it: 1 to DSG_LSVC_WINDOWS_MAX
 * bytes, no control character (it is written into the record). */
static int windows_ok(const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] < 0x20 || w[i] == 0x7f)
            return 0;
    return n > 0 && n <= DSG_LSVC_WINDOWS_MAX;
}

/* A terminal logon's second request: the assertion of the options its
 * first answered (the four base64url members). 0, or -1 when the body is
 * not that object. */
static int terminal_assert(struct xch *x, int64_t now, dsg_lsvc_result *res)
{
    static char login[FIELD_MAX], t[4][WA_TEXT_MAX];
    static uint8_t b[4][WA_BYTES_MAX];
    size_t len[4] = { 0, 0, 0, 0 };
    field f[] = { { "login", login, sizeof login, NULL, 0 },
                  { "windows_account", x->windows, sizeof x->windows, NULL, 0 },
                  { "credentialId", t[0], WA_TEXT_MAX, NULL, 0 },
                  { "authenticatorData", t[2], WA_TEXT_MAX, NULL, 0 },
                  { "clientDataJSON", t[1], WA_TEXT_MAX, NULL, 0 },
                  { "signature", t[3], WA_TEXT_MAX, NULL, 0 } };
    if (take_fields(x->body, x->len, f, 6) != 0 || !windows_ok(x->windows))
        return -1;
    for (unsigned i = 0; i < 4; i++)
        if (decode(t[i], b[i], WA_BYTES_MAX, &len[i]) != 0)
            return -1;
    dsg_lsvc_peer peer = peer_of(x);
    if (!dsg_lsvc_login_from(login, &peer, now, res))   /* REQ-ACCT-016 */
        return 0;
    dsg_lsvc_assertion a = { b[0], len[0], b[2], len[2], b[1], len[1], b[3], len[3] };
    dsg_lsvc_terminal_assert(login, computer_of(x), x->windows, &a, now, res);
    return 0;
}

/* POST /api/v1/auth/terminal-logon: the first request {"user_id",
 * "password", "windows_account"[, "code"]} or, for a WebAuthn account,
 * the second with the assertion. The decision into *res, its event the
 * decision (or the challenge issued) and its detail the Windows account
 * and the step that decided. 0, or -1 when the body is neither object. */
static int terminal_step(struct xch *x, int64_t now, dsg_lsvc_result *res)
{
    static char user[FIELD_MAX], secret[FIELD_MAX], code[FIELD_MAX];
    char detail[sizeof res->detail];
    field f[] = { { "user_id", user, sizeof user, NULL, 0 },
                  { "password", secret, sizeof secret, NULL, 0 },
                  { "code", code, sizeof code, NULL, 1 },
                  { "windows_account", x->windows, sizeof x->windows, NULL, 0 } };
    int rc = 0;
    if (x->too_long)
        rc = -1;
    else if (take_fields(x->body, x->len, f, 4) == 0 && windows_ok(x->windows)) {
        dsg_lsvc_peer peer = peer_of(x);
        dsg_lsvc_terminal_logon(user, (const uint8_t *)secret, strlen(secret), code, x->windows,
                                &peer, now, res);
    } else
        rc = terminal_assert(x, now, res);
    OPENSSL_cleanse(secret, sizeof secret);
    OPENSSL_cleanse(code, sizeof code);
    if (rc != 0) {
        x->windows[0] = '\0';
        return -1;
    }
    /* cut at its end, the detail keeps the account and the step */
    snprintf(detail, sizeof detail, "windows account %.48s; %.24s: %.150s", x->windows,
             res->event != NULL ? res->event : "-", res->detail);
    memcpy(res->detail, detail, sizeof detail);
    res->event = res->status != 200                          ? "terminal-logon-denied"
               : res->next == DSG_LSVC_NEXT_ASSERT_WEBAUTHN ? "terminal-logon-challenge"
                                                             : "terminal-logon-allowed";
    return 0;
}

/* A terminal logon without a live registered terminal's certificate: 403
 * terminal_required, recorded, before any body is read or hash computed. */
static void terminal_required(const struct xch *x)
{
    uint8_t json[256];
    size_t len = error_json("terminal_required", json, sizeof json);
    uint32_t ticket = dsgd_auth_record("-", x->addr, "terminal-logon-denied",
                                       x->has_fp ? "the client certificate is not a live "
                                                   "registered terminal's"
                                                 : "no client certificate");
    if (dsgd_role_http_answer_recorded(x->id, ticket, 403, NULL, json, len) != 0)
        dsgd_log("auth: cannot answer exchange %u", x->id);
}

/* The routes of an established session. */
static int session_route(enum route r)
{
    return r == SESSION || r == LOGOUT || r == PW_CHANGE || r == PW_CHANGE_OPTIONS;
}

/* The step of x into *res: 0, or -1 when the body is not its JSON object.
 * A session request from outside its account's networks is refused first
 * (REQ-ACCT-016). */
static int run_step(struct xch *x, int64_t now, dsg_lsvc_result *res, int *bearer)
{
    dsg_lsvc_peer peer = peer_of(x);
    if (session_route(x->route) && !dsg_lsvc_session_from(x->token, &peer, now, res))
        return 0;
    if (x->route == PW_CHANGE || x->route == PW_CHANGE_OPTIONS)
        return change_step(x, now, res);
    if (x->route == WA_OPTIONS || x->route == WA_REGISTER || x->route == WA_ASSERT)
        return webauthn_step(x, now, res, bearer);
    if (x->route == TERMINAL_LOGON)
        return terminal_step(x, now, res);
    return password_step(x, now, res, bearer);
}

/* A step of x as every client gets it: the terminal of its client
 * certificate identified, then refused as a terminal logon without a live
 * registered terminal (403) or for its source's failures (429), or not
 * its body (400), or run into *res, a failed credential counted against
 * the source. 0, 403, 429 or 400. */
static int decide(struct xch *x, dsg_lsvc_result *res, int *bearer)
{
    uint8_t key[DSG_RATE_KEY];
    int64_t now = now_s();
    identify(x);
    if (x->route == TERMINAL_LOGON && x->terminal[0] == '\0')
        return 403;
    source_key(x, key);
    if (guarded(x->route) && dsg_rate_limited(&sources, key, now, source_limit))
        return 429;
    if (run_step(x, now, res, bearer) != 0)
        return 400;
    if (guarded(x->route) && res->status == 401 && res->error != NULL &&
        strcmp(res->error, "auth_failed") == 0)
        (void)dsg_rate_fail(&sources, key, now);
    return 0;
}

/* ---- applications from the portal (REQ-ACCT-001) --------------------------------- */

#define APPS_LISTED 10u   /* applications in one answer: within DSGD_XCH_ANSWER_MAX */

/* The account of x's live portal session: 1 and *row; or 0 with the
 * refusal in *res (401 session_expired, 403 network_not_allowed from
 * outside the account's networks, 503). The same checks as the session
 * route's. */
static int session_account(const struct xch *x, int64_t now, dsg_acct_row *row,
                           dsg_lsvc_result *res)
{
    char err[200] = "";
    dsg_lsvc_peer peer = peer_of(x);
    if (!dsg_lsvc_session_from(x->token, &peer, now, res))
        return 0;
    dsg_lsvc_session(x->token, now, res);
    if (res->status != 200)
        return 0;
    if (dsg_acct_store_get(db, res->user_id, row, err, sizeof err) == 1)
        return 1;
    dsgd_log("auth: the account of a live session: %s", err[0] != '\0' ? err : "gone");
    res->status = 503;
    res->error = "auth_unavailable";
    return 0;
}

/* {"error", "field", "message"} of a refused application. */
static size_t problem_json(const dsg_acct_problem *p, uint8_t *out, size_t cap)
{
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    put_text(&w, "error", p->code);
    put_text(&w, "field", p->field);
    put_text(&w, "message", p->message);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}

static void put_time(dsg_json_out *w, const char *key, int64_t t)
{
    char b[32];
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    if (t > 0 && dsg_rfc3339_ms(b, sizeof b, t, 0) != 0)
        (void)dsg_json_out_string(w, (const uint8_t *)b, strlen(b));
    else
        (void)dsg_json_out_null(w);
}

/* One application of the list; stops after APPS_LISTED, saying so. */
struct app_list {
    dsg_json_out *w;
    unsigned n;
    int more;
};

static int put_app(const dsg_app_row *r, void *ctx)
{
    struct app_list *l = ctx;
    const char *kind = dsg_app_kind_name(r->app.kind), *state = dsg_app_state_name(r->state);
    if (l->n == APPS_LISTED) {
        l->more = 1;
        return 1;
    }
    l->n++;
    (void)dsg_json_out_object_begin(l->w);
    (void)dsg_json_out_key(l->w, (const uint8_t *)"id", 2);
    (void)dsg_json_out_int(l->w, r->id);
    put_text(l->w, "kind", kind != NULL ? kind : "-");
    put_text(l->w, "user_id", r->app.user_id);
    put_text(l->w, "state", state != NULL ? state : "-");
    put_time(l->w, "entered_at", r->entered_at);
    put_time(l->w, "decided_at", r->decided_at);
    (void)dsg_json_out_object_end(l->w);
    return 0;
}

/* GET: {"applications": [the newest APPS_LISTED the user entered], "more"}. */
static int list_json(const char *user_id, uint8_t *out, size_t cap, size_t *len)
{
    dsg_json_out w;
    struct app_list l = { &w, 0, 0 };
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"applications", 12);
    (void)dsg_json_out_array_begin(&w);
    if (dsgd_auth_portal_each_app(user_id, put_app, &l) != 0)
        return -1;
    (void)dsg_json_out_array_end(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"more", 4);
    (void)dsg_json_out_bool(&w, l.more);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, len);
}

/* POST: the application of the body by the session's account: 201
 * {"id", "kind", "user_id", "state": "pending"} or the refusal. */
static int apply_json(const struct xch *x, const dsg_acct_row *me, uint8_t *out, size_t cap,
                      size_t *len, int *recorded, uint32_t *ticket)
{
    static dsg_acct_app a;
    dsg_acct_problem p;
    dsg_json_out w;
    int64_t id = 0;
    int status = 400;
    *ticket = 0;
    if (x->too_long)
        dsg_problem(&p, "bad_request", "", "the application is longer than %u bytes", BODY_MAX);
    else if (dsg_acct_app_from_json(x->body, x->len, &a, &p) == 0) {
        status = dsgd_auth_portal_apply(me, computer_of(x), &a, &id, &p, ticket);
        *recorded = status != 503;
    }
    if (status != 201) {
        *len = problem_json(&p, out, cap);
        return status;
    }
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"id", 2);
    (void)dsg_json_out_int(&w, id);
    put_text(&w, "kind", dsg_app_kind_name(a.kind));
    put_text(&w, "user_id", a.user_id);
    put_text(&w, "applicant", a.applicant);
    put_text(&w, "state", "pending");
    (void)dsg_json_out_object_end(&w);
    if (dsg_json_out_finish(&w, len) != 0)
        *len = 0;
    return 201;
}

static void applications(struct xch *x)
{
    static dsg_acct_row me;
    static dsg_lsvc_result res;
    uint8_t json[DSGD_XCH_ANSWER_MAX];
    size_t len = 0;
    uint32_t ticket = 0;
    int status = 200, recorded = 0, rc;
    identify(x);
    if (!session_account(x, now_s(), &me, &res)) {
        answer(x, &res, 0);
        OPENSSL_cleanse(&res, sizeof res);
        return;
    }
    if (x->post)
        status = apply_json(x, &me, json, sizeof json, &len, &recorded, &ticket);
    else if (list_json(me.user_id, json, sizeof json, &len) != 0)
        len = 0;
    if (len == 0) {
        status = 503;
        len = error_json("auth_unavailable", json, sizeof json);
    }
    /* an application is answered once its record is stored (REQ-LOG-008) */
    rc = recorded ? dsgd_role_http_answer_recorded(x->id, ticket, status, NULL, json, len)
                  : dsgd_role_http_answer(x->id, status, NULL, json, len);
    if (rc != 0)
        dsgd_log("auth: cannot answer exchange %u", x->id);
    OPENSSL_cleanse(&res, sizeof res);
}

static void step(struct xch *x)
{
    dsg_lsvc_result res;
    int bearer = 0, rc;
    if (x->route == NOTICE) {
        notice(x);
        return;
    }
    if (x->route == APPLICATIONS) {
        applications(x);
        return;
    }
    rc = decide(x, &res, &bearer);
    if (rc == 403)
        terminal_required(x);
    else if (rc == 429)
        rate_limited(x);
    else if (rc == 400)
        bad_request(x);
    else
        answer(x, &res, bearer);
    OPENSSL_cleanse(&res, sizeof res);
}

/* ---- the login pages' steps (auth_pages.c) ---------------------------------------- */

int dsgd_auth_page_step(const char *route, const uint8_t *json, size_t len, const char *addr,
                        const char *token, const uint8_t *cert_fp, dsg_lsvc_result *res,
                        dsgd_xch_cookie *cookie, uint32_t *ticket)
{
    static struct xch x;
    static const char prefix[] = "/api/v1/auth/";
    int bearer = 0, rc;
    memset(&x, 0, sizeof x);
    x.route = ROUTE_COUNT;
    for (unsigned i = 0; i < ROUTE_COUNT; i++)
        if (i != NOTICE && i != TERMINAL_LOGON && i != APPLICATIONS &&
            strlen(route) == routes[i].path_len - (sizeof prefix - 1) &&
            memcmp(routes[i].path + sizeof prefix - 1, route, strlen(route)) == 0)
            x.route = (enum route)i;
    if (x.route == ROUTE_COUNT || len > BODY_MAX || strlen(addr) >= sizeof x.addr ||
        strlen(token) >= sizeof x.token)
        return -1;
    memcpy(x.body, json, len);
    x.len = len;
    snprintf(x.addr, sizeof x.addr, "%s", addr);
    snprintf(x.token, sizeof x.token, "%s", token);
    x.has_fp = cert_fp != NULL;
    if (x.has_fp)
        memcpy(x.fp, cert_fp, DSG_TERM_FP_LEN);
    memset(cookie, 0, sizeof *cookie);
    *ticket = 0;
    rc = decide(&x, res, &bearer);
    if (rc == 429)
        *ticket = record_rate_limited(&x);
    if (rc == 0) {
        cookie_of(x.route, res, cookie);
        *ticket = settle(&x, res);
    }
    OPENSSL_cleanse(&x, sizeof x);
    return rc;
}

int dsgd_auth_page_account(const char *token, const char *addr, const uint8_t *cert_fp,
                           dsg_acct_row *row, char *computer, size_t cap)
{
    static struct xch x;
    static dsg_lsvc_result res;
    int status = 200;
    memset(&x, 0, sizeof x);
    if (strlen(addr) >= sizeof x.addr || strlen(token) >= sizeof x.token)
        return 401;
    snprintf(x.addr, sizeof x.addr, "%s", addr);
    snprintf(x.token, sizeof x.token, "%s", token);
    x.has_fp = cert_fp != NULL;
    if (x.has_fp)
        memcpy(x.fp, cert_fp, DSG_TERM_FP_LEN);
    identify(&x);
    if (!session_account(&x, now_s(), row, &res)) {
        status = res.status == 403 || res.status == 401 ? res.status : 503;
        if (res.event != NULL && status != 401)
            (void)dsgd_auth_record(res.user_id, computer_of(&x), res.event, res.detail);
    }
    snprintf(computer, cap, "%s", computer_of(&x));
    OPENSSL_cleanse(&x, sizeof x);
    OPENSSL_cleanse(&res, sizeof res);
    return status;
}

/* ---- dsgctl login (REQ-ACCT-012) ---------------------------------------------------- */

/* The route of a dsgctl login step: the path after /api/v1/auth/, one of
 * the steps of a login (a token is checked and ended by
 * dsgd_auth_admin_check and dsgd_auth_admin_logout). ROUTE_COUNT: none. */
static enum route ctl_route(const char *name)
{
    static const char prefix[] = "/api/v1/auth/";
    for (unsigned i = 0; i < ROUTE_COUNT; i++)
        if (i != SESSION && i != LOGOUT && i != NOTICE && i != PW_CHANGE &&
            i != PW_CHANGE_OPTIONS && i != TERMINAL_LOGON && i != APPLICATIONS &&
            strlen(name) == routes[i].path_len - (sizeof prefix - 1) &&
            memcmp(routes[i].path + sizeof prefix - 1, name, strlen(name)) == 0)
            return (enum route)i;
    return ROUTE_COUNT;
}

int dsgd_auth_ctl_step(const char *route, const uint8_t *body, size_t len, const char *computer,
                       const char *bound, uint8_t *out, size_t cap, size_t *out_len,
                       uint32_t *ticket)
{
    static struct xch x;
    dsg_lsvc_result res;
    int bearer = 1;
    memset(&x, 0, sizeof x);
    x.route = ctl_route(route);
    if (x.route == ROUTE_COUNT || bound[0] == '\0' || strlen(bound) >= sizeof x.bound ||
        strlen(computer) >= sizeof x.addr)
        return -1;
    x.too_long = len > BODY_MAX;
    if (!x.too_long)
        memcpy(x.body, body, len);
    x.len = x.too_long ? 0 : len;
    snprintf(x.addr, sizeof x.addr, "%s", computer);
    snprintf(x.bound, sizeof x.bound, "%s", bound);
    int rc = run_step(&x, now_s(), &res, &bearer);
    OPENSSL_cleanse(&x, sizeof x);
    if (rc != 0)
        return -1;
    if (res.evicted)
        (void)dsgd_auth_record(res.user_id, computer, "logout-forced",
                               "the oldest session ended: auth.max_sessions_per_user reached");
    *ticket = record(&res, computer);
    *out_len = answer_json(&res, 1, out, cap);
    int status = *out_len == 0 ? 503 : res.status;
    OPENSSL_cleanse(&res, sizeof res);
    return status;
}

/* The administrator's token presented by bound: 200 with the account in
 * user_id, or 401; a refusal is recorded. */
int dsgd_auth_admin_check(const char *token, const char *computer, const char *bound,
                          char user_id[DSG_ACCT_USER_ID_MAX + 1], int *fresh, uint32_t *ticket)
{
    dsg_lsvc_result res;
    dsg_lsvc_admin_session(token, bound, now_s(), &res);
    *ticket = 0;
    *fresh = res.fresh;
    if (res.status != 200)
        *ticket = record(&res, computer);
    snprintf(user_id, DSG_ACCT_USER_ID_MAX + 1, "%s", res.status == 200 ? res.user_id : "");
    int status = res.status;
    OPENSSL_cleanse(&res, sizeof res);
    return status;
}

int dsgd_auth_admin_logout(const char *token, const char *computer, const char *bound,
                           uint32_t *ticket)
{
    dsg_lsvc_result res;
    char who[DSG_ACCT_USER_ID_MAX + 1];
    uint32_t refusal = 0;
    int fresh;
    *ticket = 0;
    if (dsgd_auth_admin_check(token, computer, bound, who, &fresh, &refusal) != 200) {
        *ticket = refusal;
        return 401;
    }
    dsg_lsvc_logout(token, now_s(), &res);
    *ticket = record(&res, computer);
    int status = res.status;
    OPENSSL_cleanse(&res, sizeof res);
    return status;
}

/* ---- exchanges ------------------------------------------------------------------------ */

static struct xch *find(uint32_t id)
{
    for (unsigned i = 0; i < AUTH_XCH; i++)
        if (xch[i].id == id && id != 0)
            return &xch[i];
    return NULL;
}

static int on_request(const dsgd_xch_request *r)
{
    struct xch *x = NULL;
    if (dsgd_xch_page_path((const char *)r->path, r->path_len))
        return dsgd_auth_pages_request(r);
    for (unsigned i = 0; i < AUTH_XCH && x == NULL; i++)
        if (xch[i].id == 0)
            x = &xch[i];
    if (x == NULL)
        return 503;
    enum route k = ROUTE_COUNT;
    for (unsigned i = 0; i < ROUTE_COUNT; i++)
        if (r->path_len == routes[i].path_len && memcmp(r->path, routes[i].path, r->path_len) == 0)
            k = (enum route)i;
    if (k == ROUTE_COUNT || r->token_len > DSGD_XCH_TOKEN_MAX || r->addr_len > DSGD_XCH_ADDR_MAX)
        return 404;
    memset(x, 0, sizeof *x);
    x->id = r->id;
    x->route = k;
    x->post = r->method == DSG_HTTP_POST;
    memcpy(x->token, r->token, r->token_len);
    memcpy(x->addr, r->addr, r->addr_len);
    x->has_fp = r->cert_fp_len == DSG_TERM_FP_LEN;
    if (x->has_fp)
        memcpy(x->fp, r->cert_fp, DSG_TERM_FP_LEN);
    return 0;
}

static void on_body(uint32_t id, const uint8_t *p, size_t len)
{
    struct xch *x = find(id);
    if (x == NULL && dsgd_auth_pages_body(id, p, len))
        return;
    if (x == NULL)
        return;
    if (len > BODY_MAX - x->len) {
        x->too_long = 1;
        return;
    }
    memcpy(x->body + x->len, p, len);
    x->len += len;
}

static void on_end(uint32_t id, int complete)
{
    struct xch *x = find(id);
    if (x == NULL && dsgd_auth_pages_end(id, complete))
        return;
    if (x == NULL)
        return;
    if (complete)
        step(x);
    OPENSSL_cleanse(x, sizeof *x);
}

static void on_portal_gone(void)
{
    OPENSSL_cleanse(xch, sizeof xch);
    dsgd_auth_pages_gone();
}

/* The login API's routes, then the login pages' (auth_pages.c). */
static dsgd_route all_routes[DSGD_ROUTES_MAX];

static dsgd_role_http auth_http = {
    all_routes, 0, on_request, on_body, on_end, on_portal_gone, NULL, NULL,
};

/* ---- who holds a session (REQ-ACCT-014) ---------------------------------- */

static dsgd_chan *bus;

/* The answer to another role's question about the session token a request
 * of its presented: the same checks as the session route (the account's
 * networks first, REQ-ACCT-016; then the portal session alive, touched),
 * and for a live one the account's user ID, organisation, type and
 * whether its authentication is fresh. */
static void who_answer(const dsgd_xch_who_ask *a, dsgd_xch_who_is *w, dsg_acct_row *row)
{
    static char token[DSGD_XCH_TOKEN_MAX + 1], addr[DSGD_XCH_ADDR_MAX + 1];
    dsg_lsvc_result res;
    char err[200] = "";
    int64_t now = now_s();
    memcpy(token, a->token, a->token_len);
    token[a->token_len] = '\0';
    memcpy(addr, a->addr, a->addr_len);
    addr[a->addr_len] = '\0';
    dsg_lsvc_peer peer = { DSG_LOGIN_PORTAL, 0, 0, addr, NULL, addr };
    if (!dsg_lsvc_session_from(token, &peer, now, &res)) {
        w->status = res.status == 403 ? 403 : 503;
        if (res.event != NULL)
            (void)dsgd_auth_record(res.user_id, addr, res.event, res.detail);
        return;
    }
    dsg_lsvc_session(token, now, &res);
    if (res.status != 200) {
        w->status = res.status == 401 ? 401 : 503;
        if (res.event != NULL && strcmp(res.event, "logout-forced") == 0)   /* REQ-ACCT-010 */
            (void)dsgd_auth_record(res.user_id, addr, res.event, res.detail);
        return;
    }
    if (dsg_acct_store_get(db, res.user_id, row, err, sizeof err) != 1) {
        dsgd_log("auth: the account of a live session: %s", err[0] != '\0' ? err : "gone");
        w->status = 503;
        return;
    }
    w->status = 200;
    w->user = row->user_id;
    w->user_len = strlen(row->user_id);
    w->org = row->org;
    w->org_len = strlen(row->org);
    w->type = (uint8_t)row->type;
    w->fresh = res.fresh ? 1 : 0;   /* REQ-MFA-015: a bulk download asks */
}

static int who(const dsgd_msg *m)
{
    static uint8_t out[2 * DSGD_XCH_WHO_TEXT_MAX + 16];
    static dsg_acct_row row;
    dsgd_xch_who_ask a;
    size_t len;
    if (dsgd_xch_who_ask_get(m->body, m->len, &a, 1) != 0)
        return -1;
    dsgd_xch_who_is w = { a.role, a.qid, 503, NULL, 0, NULL, 0, 0, 0 };
    who_answer(&a, &w, &row);
    if ((len = dsgd_xch_who_is_put(out, sizeof out, &w)) == 0 ||
        dsgd_role_http_queue(DSGD_MSG_WHO_IS, out, len) != 0) {
        dsgd_log("auth: cannot answer a session question of role %u", (unsigned)a.role);
        return -1;
    }
    return dsgd_bus_done(bus, 1);
}

/* ---- sessions ended by a rights reduction (REQ-ACCT-010) -------------------- */

/* Ends the sessions and logins in progress of user_id, recorded. */
static void end_for_rights(const char *user_id, const char *why)
{
    char detail[200];
    size_t ended = dsg_lsvc_end_sessions(user_id, NULL);
    size_t dropped = dsg_lsvc_end_logins(user_id);
    if (ended + dropped == 0)
        return;
    snprintf(detail, sizeof detail, "%zu session%s ended, %zu login%s in progress dropped: %s",
             ended, ended == 1 ? "" : "s", dropped, dropped == 1 ? "" : "s", why);
    (void)dsgd_auth_record(user_id, "-", "logout-forced", detail);
}

static int end_if_of_org(const dsg_acct_row *r, void *ctx)
{
    if (strcmp(r->org, ctx) == 0)
        end_for_rights(r->user_id, "the rights of its organisation were reduced");
    return 0;
}

static int sessions_end(const dsgd_msg *m)
{
    static char name[DSGD_XCH_WHO_TEXT_MAX + 1];
    char err[200];
    const char *p;
    size_t len;
    uint8_t kind;
    if (dsgd_xch_sessions_end_get(m->body, m->len, &kind, &p, &len) != 0)
        return -1;
    memcpy(name, p, len);
    name[len] = '\0';
    if (kind == 1)
        end_for_rights(name, "its rights were reduced");
    else if (dsg_acct_store_each(db, 0, end_if_of_org, name, err, sizeof err) != 0)
        dsgd_log("auth: the sessions of organisation %s: %s", name, err);
    return dsgd_bus_done(bus, 1);
}

int dsgd_auth_http_start(dsgd_chan *chan)
{
    size_t n = 0;
    const dsgd_route *pages = dsgd_auth_pages_routes(&n);
    bus = chan;
    if (ROUTE_COUNT + n > DSGD_ROUTES_MAX || dsgd_auth_pages_init() != 0)
        return -1;
    memcpy(all_routes, routes, sizeof routes);
    memcpy(all_routes + ROUTE_COUNT, pages, n * sizeof pages[0]);
    auth_http.n_routes = ROUTE_COUNT + n;
    return dsgd_role_http_start(&auth_http, chan);
}

int dsgd_auth_http_message(const dsgd_msg *m)
{
    if (m->kind == DSGD_MSG_WHO_ASK)
        return who(m);
    if (m->kind == DSGD_MSG_SESSIONS_END)
        return sessions_end(m);
    return dsgd_role_http_message(m);
}
