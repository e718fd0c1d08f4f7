/* The login pages of the auth role: see auth_pages.h. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth/acct_store.h"
#include "auth/login_svc.h"
#include "core/http_req.h"
#include "core/json_out.h"
#include "log/audit.h"
#include "run/auth.h"
#include "run/auth_http.h"
#include "run/auth_pages.h"
#include "run/log.h"
#include "run/page.h"
#include "run/static_assets.h"

#define PAGES_XCH 8u            /* page exchanges at once */
#define FORM_MAX 16384u         /* bytes of a form body: an assertion's four members */
#define VALUE_MAX 6100u         /* bytes of one decoded value */
#define HOME "/areas"           /* where a session starts (the share role's page) */
#define FORM_TYPE "application/x-www-form-urlencoded"

enum page { ROOT, LOGIN, LOGIN_TOTP, LOGIN_WEBAUTHN, LOGIN_PASSWORD, LOGIN_ENROL, LOGOUT, CSS, JS,
            ICON, APPLY, PAGE_COUNT };

#define GET (1u << DSG_HTTP_GET | 1u << DSG_HTTP_HEAD)
#define POST (1u << DSG_HTTP_POST)
#define ROUTE(path, methods, limit) { 0, methods, 0, limit, sizeof path - 1, path }
static const dsgd_route routes[PAGE_COUNT] = {
    [ROOT] = ROUTE("/", GET, 0),
    [LOGIN] = ROUTE("/login", GET | POST, FORM_MAX),
    [LOGIN_TOTP] = ROUTE("/login/totp", POST, FORM_MAX),
    [LOGIN_WEBAUTHN] = ROUTE("/login/webauthn", POST, FORM_MAX),
    [LOGIN_PASSWORD] = ROUTE("/login/password", POST, FORM_MAX),
    [LOGIN_ENROL] = ROUTE("/login/totp/enrol", POST, FORM_MAX),
    [LOGOUT] = ROUTE("/logout", GET | POST, FORM_MAX),
    [CSS] = ROUTE("/static/portal.css", GET, 0),
    [JS] = ROUTE("/static/webauthn.js", GET, 0),
    [ICON] = ROUTE("/static/icon.svg", GET, 0),
    [APPLY] = ROUTE("/apply", GET | POST, FORM_MAX),
};

static struct pxch {
    uint32_t id;                                /* 0: free */
    enum page page;
    int post, form, origin_ok, too_long;
    dsgd_lang lang;
    uint8_t set_lang;
    char token[DSGD_XCH_TOKEN_MAX + 1];
    char addr[DSGD_XCH_ADDR_MAX + 1];
    int has_fp;                                 /* the portal verified a client certificate */
    uint8_t fp[DSGD_XCH_CERT_FP_LEN];           /* its SHA-256 */
    size_t len;
    uint8_t body[FORM_MAX];
} xch[PAGES_XCH];

static uint8_t csrf_key[DSGD_CSRF_KEY_LEN];
static dsgd_page pg;

const dsgd_route *dsgd_auth_pages_routes(size_t *n)
{
    *n = PAGE_COUNT;
    return routes;
}

int dsgd_auth_pages_init(void)
{
    return RAND_bytes(csrf_key, sizeof csrf_key) == 1 ? 0 : -1;
}

static struct pxch *find(uint32_t id)
{
    for (unsigned i = 0; i < PAGES_XCH; i++)
        if (id != 0 && xch[i].id == id)
            return &xch[i];
    return NULL;
}

int dsgd_auth_pages_request(const dsgd_xch_request *r)
{
    struct pxch *x = NULL;
    enum page k = PAGE_COUNT;
    for (unsigned i = 0; i < PAGE_COUNT; i++)
        if (r->path_len == routes[i].path_len && memcmp(r->path, routes[i].path, r->path_len) == 0)
            k = (enum page)i;
    if (k == PAGE_COUNT)
        return 404;
    for (unsigned i = 0; i < PAGES_XCH && x == NULL; i++)
        if (xch[i].id == 0)
            x = &xch[i];
    if (x == NULL)
        return 503;
    memset(x, 0, offsetof(struct pxch, body));
    x->id = r->id;
    x->page = k;
    x->post = r->method == DSG_HTTP_POST;
    x->form = dsgd_page_ctype_is(r->ctype, r->ctype_len, FORM_TYPE);
    x->origin_ok = dsgd_page_origin_ok(r);
    x->lang = dsgd_page_lang(r, &x->set_lang);
    memcpy(x->token, r->token, r->token_len);
    memcpy(x->addr, r->addr, r->addr_len);
    x->has_fp = r->cert_fp_len == DSGD_XCH_CERT_FP_LEN;
    if (x->has_fp)
        memcpy(x->fp, r->cert_fp, DSGD_XCH_CERT_FP_LEN);
    return 0;
}

int dsgd_auth_pages_body(uint32_t id, const uint8_t *p, size_t len)
{
    struct pxch *x = find(id);
    if (x == NULL)
        return 0;
    if (len > FORM_MAX - x->len)
        x->too_long = 1;
    else {
        memcpy(x->body + x->len, p, len);
        x->len += len;
    }
    return 1;
}

/* ---- pages -------------------------------------------------------------- */

/* The fingerprint of the client certificate the portal verified, or NULL. */
static const uint8_t *cert_of(const struct pxch *x)
{
    return x->has_fp ? x->fp : NULL;
}

static void send(const struct pxch *x, int status, const dsgd_xch_cookie *cookie, uint32_t ticket)
{
    if (dsgd_page_send(x->id, status, &pg, cookie, x->set_lang, ticket) != 0)
        dsgd_log("auth: cannot answer page exchange %u", x->id);
}

/* A page of one message (an error, a refusal) with a link back to `back`. */
static void message_page(const struct pxch *x, int status, dsgd_pmsg title, dsgd_pmsg m,
                         const char *back, uint32_t ticket)
{
    dsgd_page_begin(&pg, x->lang, title, NULL, NULL);
    dsgd_page_raw(&pg, "<p class=\"error\">");
    dsgd_page_msg(&pg, m);
    dsgd_page_raw(&pg, "</p><p><a href=\"");
    dsgd_page_raw(&pg, back);
    dsgd_page_raw(&pg, "\">");
    dsgd_page_msg(&pg, PM_BACK);
    dsgd_page_raw(&pg, "</a></p>");
    dsgd_page_end(&pg);
    send(x, status, NULL, ticket);
}

static void field(dsgd_pmsg label, const char *name, const char *type, const char *extra)
{
    dsgd_page_raw(&pg, "<label for=\"");
    dsgd_page_raw(&pg, name);
    dsgd_page_raw(&pg, "\">");
    dsgd_page_msg(&pg, label);
    dsgd_page_raw(&pg, "</label><input id=\"");
    dsgd_page_raw(&pg, name);
    dsgd_page_raw(&pg, "\" name=\"");
    dsgd_page_raw(&pg, name);
    dsgd_page_raw(&pg, "\" type=\"");
    dsgd_page_raw(&pg, type);
    dsgd_page_raw(&pg, "\" required ");
    dsgd_page_raw(&pg, extra);
    dsgd_page_raw(&pg, ">");
}

static void button(dsgd_pmsg m, const char *id)
{
    dsgd_page_raw(&pg, "<button type=\"submit\"");
    if (id != NULL) {
        dsgd_page_raw(&pg, " id=\"");
        dsgd_page_raw(&pg, id);
        dsgd_page_raw(&pg, "\"");
    }
    dsgd_page_raw(&pg, ">");
    dsgd_page_msg(&pg, m);
    dsgd_page_raw(&pg, "</button>");
}

static void failure_line(int failed)
{
    if (!failed)
        return;
    dsgd_page_raw(&pg, "<p class=\"error\" id=\"failed\">");
    dsgd_page_msg(&pg, PM_LOGIN_FAILED);
    dsgd_page_raw(&pg, "</p>");
}

/* The first step: user ID and password, under the logon notice
 * (REQ-MFA-014). */
static void login_form(const struct pxch *x, int status, int failed, uint32_t ticket)
{
    const char *notice = dsg_lsvc_notice();
    dsgd_page_begin(&pg, x->lang, PM_LOGIN, "/login", NULL);
    failure_line(failed);
    if (notice != NULL && notice[0] != '\0') {
        dsgd_page_raw(&pg, "<section><h2>");
        dsgd_page_msg(&pg, PM_NOTICE);
        dsgd_page_raw(&pg, "</h2><div class=\"notice\">");
        dsgd_page_str(&pg, notice);
        dsgd_page_raw(&pg, "</div></section>");
    }
    dsgd_page_raw(&pg, "<form method=\"post\" action=\"/login\">");
    field(PM_USER_ID, "user_id", "text", "autocomplete=\"username\" autocapitalize=\"off\"");
    field(PM_PASSWORD, "password", "password", "autocomplete=\"current-password\"");
    button(PM_LOGIN, NULL);
    dsgd_page_raw(&pg, "</form>");
    dsgd_page_end(&pg);
    send(x, status, NULL, ticket);
}

/* The first login's password change (REQ-MFA-009): the new password
 * twice; a refusal names the rules it broke (REQ-MFA-007). */
static void password_form(const struct pxch *x, const dsg_lsvc_result *res, int status,
                          dsgd_pmsg why, uint32_t ticket)
{
    dsgd_page_begin(&pg, x->lang, PM_PW_CHANGE, NULL, NULL);
    if (why != PM_COUNT) {
        dsgd_page_raw(&pg, "<p class=\"error\" id=\"failed\">");
        dsgd_page_msg(&pg, why);
        for (uint32_t bit = 1; why == PM_PW_WEAK && bit <= DSG_PW_RULES; bit <<= 1)
            if ((res->broken & bit) != 0 && dsg_lsvc_rule_name(bit) != NULL) {
                dsgd_page_raw(&pg, " <code>");
                dsgd_page_str(&pg, dsg_lsvc_rule_name(bit));
                dsgd_page_raw(&pg, "</code>");
            }
        dsgd_page_raw(&pg, "</p>");
    }
    dsgd_page_raw(&pg, "<p>");
    dsgd_page_msg(&pg, PM_PW_CHANGE_PROMPT);
    dsgd_page_raw(&pg, "</p><form method=\"post\" action=\"/login/password\">");
    dsgd_page_hidden(&pg, "login", res->login);
    field(PM_NEW_PASSWORD, "password", "password", "autocomplete=\"new-password\"");
    field(PM_NEW_PASSWORD_AGAIN, "password2", "password", "autocomplete=\"new-password\"");
    button(PM_CONTINUE, NULL);
    dsgd_page_raw(&pg, "</form>");
    dsgd_page_end(&pg);
    send(x, status, NULL, ticket);
}

/* The TOTP enrolment: the enrolment code the administrator issued. */
static void enrol_form(const struct pxch *x, const char *login, int status, int failed,
                       uint32_t ticket)
{
    dsgd_page_begin(&pg, x->lang, PM_ENROL_TOTP, NULL, NULL);
    failure_line(failed);
    dsgd_page_raw(&pg, "<form method=\"post\" action=\"/login/totp/enrol\">");
    dsgd_page_hidden(&pg, "login", login);
    field(PM_ENROL_CODE, "code", "password", "autocomplete=\"off\"");
    button(PM_CONTINUE, NULL);
    dsgd_page_raw(&pg, "</form>");
    dsgd_page_end(&pg);
    send(x, status, NULL, ticket);
}

/* The code form of a login (TOTP), or of an enrolment's confirmation
 * (otpauth: the new secret's URI, shown for the app; NULL otherwise). */
static void code_form(const struct pxch *x, const char *login, const char *otpauth, int status,
                      int failed, uint32_t ticket)
{
    dsgd_page_begin(&pg, x->lang, otpauth != NULL ? PM_ENROL_TOTP : PM_TOTP, NULL, NULL);
    failure_line(failed);
    if (otpauth != NULL && otpauth[0] != '\0') {
        dsgd_page_raw(&pg, "<p>");
        dsgd_page_msg(&pg, PM_TOTP_SECRET);
        dsgd_page_raw(&pg, "</p><p><code id=\"otpauth\">");
        dsgd_page_str(&pg, otpauth);
        dsgd_page_raw(&pg, "</code></p>");
    }
    dsgd_page_raw(&pg, "<form method=\"post\" action=\"/login/totp\">");
    dsgd_page_hidden(&pg, "login", login);
    field(PM_TOTP_CODE, "code", "password",
          "inputmode=\"numeric\" autocomplete=\"off\" pattern=\"[0-9]{6,8}\" maxlength=\"8\"");
    button(PM_CONTINUE, NULL);
    dsgd_page_raw(&pg, "</form>");
    dsgd_page_end(&pg);
    send(x, status, NULL, ticket);
}

/* The WebAuthn step: the options in a data attribute, which
 * /static/webauthn.js reads, and the assertion's fields it fills. */
static void webauthn_form(const struct pxch *x, const dsg_lsvc_result *res, uint32_t ticket)
{
    static uint8_t options[DSGD_XCH_ANSWER_MAX];
    size_t n = dsgd_auth_assert_options(res, options, sizeof options);
    static const char *const parts[] = { "credentialId", "authenticatorData", "clientDataJSON",
                                         "signature", "failed" };
    if (n == 0) {
        message_page(x, 503, PM_ERROR, PM_UNAVAILABLE, "/login", ticket);
        return;
    }
    dsgd_page_begin(&pg, x->lang, PM_WEBAUTHN, NULL, NULL);
    dsgd_page_raw(&pg, "<script src=\"/static/webauthn.js\" defer></script><p>");
    dsgd_page_msg(&pg, PM_WEBAUTHN_PROMPT);
    dsgd_page_raw(&pg, "</p><form id=\"webauthn\" method=\"post\" action=\"/login/webauthn\" "
                       "data-options=\"");
    dsgd_page_text(&pg, (const char *)options, n);
    dsgd_page_raw(&pg, "\">");
    dsgd_page_hidden(&pg, "login", res->login);
    for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++)
        dsgd_page_hidden(&pg, parts[i], "");
    dsgd_page_raw(&pg, "<button type=\"button\" id=\"webauthn-start\">");
    dsgd_page_msg(&pg, PM_WEBAUTHN_START);
    dsgd_page_raw(&pg, "</button></form>");
    dsgd_page_end(&pg);
    send(x, 200, NULL, ticket);
}

/* ---- steps ---------------------------------------------------------------- */

/* The JSON body of an API step from form fields: names[i] taken from the
 * form into the member of the same name. Its length, 0 when a field is
 * missing or it does not fit. */
static size_t step_json(const dsgd_form *f, const char *const *names, size_t n, uint8_t *out,
                        size_t cap)
{
    static char v[VALUE_MAX];
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    for (size_t i = 0; i < n; i++) {
        if (dsgd_form_get(f, names[i], v, sizeof v) != 0) {
            OPENSSL_cleanse(v, sizeof v);
            return 0;
        }
        (void)dsg_json_out_key(&w, (const uint8_t *)names[i], strlen(names[i]));
        (void)dsg_json_out_string(&w, (const uint8_t *)v, strlen(v));
    }
    (void)dsg_json_out_object_end(&w);
    OPENSSL_cleanse(v, sizeof v);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}

/* The options of a WebAuthn login whose password was accepted: a second
 * API step, recorded like the first. */
static void webauthn_options(const struct pxch *x, const dsg_lsvc_result *res)
{
    static dsg_lsvc_result opt;
    static uint8_t json[128];
    dsgd_xch_cookie cookie;
    uint32_t ticket = 0;
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, json, sizeof json);
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"login", 5);
    (void)dsg_json_out_string(&w, (const uint8_t *)res->login, strlen(res->login));
    (void)dsg_json_out_object_end(&w);
    int rc = dsg_json_out_finish(&w, &len) != 0 ? -1
             : dsgd_auth_page_step("webauthn/options", json, len, x->addr, "", cert_of(x), &opt,
                                   &cookie, &ticket);
    if (rc == 0 && opt.status == 200 && opt.next == DSG_LSVC_NEXT_ASSERT_WEBAUTHN)
        webauthn_form(x, &opt, ticket);
    else
        login_form(x, rc > 0 ? rc : opt.status, 1, ticket);
    OPENSSL_cleanse(&opt, sizeof opt);
}

/* The page of the step a live login is at: next (a refusal the login
 * survives shows it again, with the one failure message). */
static void next_form(const struct pxch *x, const dsg_lsvc_result *res, int status, int failed,
                      uint32_t ticket)
{
    switch (res->next) {
    case DSG_LSVC_NEXT_TOTP: code_form(x, res->login, NULL, status, failed, ticket); break;
    case DSG_LSVC_NEXT_CONFIRM_TOTP:
        code_form(x, res->login, failed ? "" : res->otpauth, status, failed, ticket);
        break;
    case DSG_LSVC_NEXT_PASSWORD_CHANGE:
        password_form(x, res, status,
                      !failed ? PM_COUNT : res->broken != 0 ? PM_PW_WEAK : PM_LOGIN_FAILED,
                      ticket);
        break;
    case DSG_LSVC_NEXT_ENROL_TOTP: enrol_form(x, res->login, status, failed, ticket); break;
    case DSG_LSVC_NEXT_WEBAUTHN:
        if (!failed) {
            webauthn_options(x, res);
            break;
        }
        login_form(x, status, 1, ticket);
        break;
    default:   /* a security key's enrolment: API-only for now */
        message_page(x, status, PM_LOGIN, PM_API_ONLY, "/login", ticket);
        break;
    }
}

/* What follows a credential step: the next step's page, the areas with
 * the new session, or a page with the one failure message (whatever
 * failed). */
static void after_step(const struct pxch *x, int rc, const dsg_lsvc_result *res,
                       const dsgd_xch_cookie *cookie, uint32_t ticket)
{
    if (rc == 0 && res->status == 200 && res->next == DSG_LSVC_NEXT_SESSION) {
        if (dsgd_page_redirect(x->id, HOME, cookie, ticket) != 0)
            dsgd_log("auth: cannot answer page exchange %u", x->id);
    } else if (rc == 0 && res->status == 200 && res->next != DSG_LSVC_NEXT_NONE) {
        next_form(x, res, 200, 0, ticket);
    } else if (rc == 0 && res->status >= 500) {
        message_page(x, res->status, PM_ERROR, PM_UNAVAILABLE, "/login", ticket);
    } else if (rc == 0 && res->next != DSG_LSVC_NEXT_NONE && res->login[0] != '\0') {
        next_form(x, res, res->status, 1, ticket);   /* the login survives */
    } else {
        login_form(x, rc > 0 ? rc : res->status, 1, ticket);
    }
}

static void credential_step(const struct pxch *x, const char *route,
                            const char *const *names, size_t n)
{
    static dsg_lsvc_result res;
    static uint8_t json[FORM_MAX + 256];
    dsgd_xch_cookie cookie = { 0 };
    uint32_t ticket = 0;
    dsgd_form f;
    size_t len = 0;
    int rc = 400;
    memset(&res, 0, sizeof res);
    if (!x->too_long && dsgd_form_read(&f, x->body, x->len) == 0 &&
        (len = step_json(&f, names, n, json, sizeof json)) > 0)
        rc = dsgd_auth_page_step(route, json, len, x->addr, "", cert_of(x), &res, &cookie,
                                 &ticket);
    OPENSSL_cleanse(json, sizeof json);
    after_step(x, rc < 0 ? 400 : rc, &res, &cookie, ticket);
    OPENSSL_cleanse(&res, sizeof res);
    OPENSSL_cleanse(&cookie, sizeof cookie);
}

/* The new password, typed twice: two that differ never reach the service. */
static void password_step(const struct pxch *x)
{
    static const char *const names[] = { "login", "password" };
    static char a[VALUE_MAX], b[VALUE_MAX];
    static dsg_lsvc_result res;
    dsgd_form f;
    if (!x->too_long && dsgd_form_read(&f, x->body, x->len) == 0 &&
        dsgd_form_get(&f, "login", res.login, sizeof res.login) == 0 &&
        dsgd_form_get(&f, "password", a, sizeof a) == 0 &&
        dsgd_form_get(&f, "password2", b, sizeof b) == 0 && strcmp(a, b) != 0) {
        res.broken = 0;
        password_form(x, &res, 400, PM_PW_MISMATCH, 0);
    } else {
        credential_step(x, "password", names, 2);
    }
    OPENSSL_cleanse(a, sizeof a);
    OPENSSL_cleanse(b, sizeof b);
    OPENSSL_cleanse(&res, sizeof res);
}

/* A WebAuthn assertion the browser could not make (no key, cancelled):
 * the one failure message, the login form again. */
static void webauthn_step(const struct pxch *x)
{
    static const char *const names[] = { "login", "credentialId", "authenticatorData",
                                         "clientDataJSON", "signature" };
    dsgd_form f;
    char failed[4];
    if (dsgd_form_read(&f, x->body, x->len) == 0 &&
        dsgd_form_get(&f, "failed", failed, sizeof failed) == 0 && strcmp(failed, "1") == 0) {
        login_form(x, 401, 1, 0);
        return;
    }
    credential_step(x, "webauthn/assert", names, 5);
}

/* ---- logout --------------------------------------------------------------- */

static void logout_form(const struct pxch *x)
{
    char token[DSGD_CSRF_TOKEN_LEN + 1];
    if (x->token[0] == '\0' || dsgd_csrf_token(csrf_key, x->token, strlen(x->token), token) != 0) {
        if (dsgd_page_redirect(x->id, "/login", NULL, 0) != 0)
            dsgd_log("auth: cannot answer page exchange %u", x->id);
        return;
    }
    dsgd_page_begin(&pg, x->lang, PM_LOGOUT, "/logout", NULL);
    dsgd_page_raw(&pg, "<form method=\"post\" action=\"/logout\"><p>");
    dsgd_page_msg(&pg, PM_LOGOUT_CONFIRM);
    dsgd_page_raw(&pg, "</p>");
    dsgd_page_hidden(&pg, "csrf", token);
    button(PM_LOGOUT, NULL);
    dsgd_page_raw(&pg, "</form>");
    dsgd_page_end(&pg);
    send(x, 200, NULL, 0);
}

/* A form post whose CSRF token is missing or wrong, or whose Origin is
 * another site's: 403, nothing done, recorded. */
static void csrf_refused(const struct pxch *x, const char *what)
{
    char detail[128];
    snprintf(detail, sizeof detail, "a %s form refused: %s", routes[x->page].path, what);
    uint32_t ticket = dsgd_auth_record("-", x->addr, "csrf-refused", detail);
    message_page(x, 403, PM_ERROR, PM_CSRF, "/login", ticket);
}

static void logout(const struct pxch *x)
{
    static dsg_lsvc_result res;
    dsgd_xch_cookie cookie;
    uint32_t ticket = 0;
    char token[DSGD_CSRF_TOKEN_LEN + 2];
    dsgd_form f;
    if (x->too_long || dsgd_form_read(&f, x->body, x->len) != 0 ||
        dsgd_form_get(&f, "csrf", token, sizeof token) != 0 ||
        !dsgd_csrf_ok(csrf_key, x->token, strlen(x->token), token, strlen(token))) {
        csrf_refused(x, "no valid CSRF token");
        return;
    }
    if (dsgd_auth_page_step("logout", (const uint8_t *)"", 0, x->addr, x->token, cert_of(x), &res,
                            &cookie, &ticket) != 0) {
        message_page(x, 400, PM_ERROR, PM_BAD_REQUEST, "/login", 0);
        return;
    }
    /* whatever became of the session, the browser forgets it */
    cookie.op = DSGD_XCH_COOKIE_CLEAR;
    dsgd_page_begin(&pg, x->lang, PM_LOGOUT, NULL, NULL);
    dsgd_page_raw(&pg, "<p class=\"ok\">");
    dsgd_page_msg(&pg, PM_LOGGED_OUT);
    dsgd_page_raw(&pg, "</p><p><a href=\"/login\">");
    dsgd_page_msg(&pg, PM_LOGIN);
    dsgd_page_raw(&pg, "</a></p>");
    dsgd_page_end(&pg);
    send(x, 200, &cookie, ticket);
    OPENSSL_cleanse(&res, sizeof res);
}

/* ---- the application form (REQ-ACCT-001) ---------------------------------- */

/* What the form holds: the session's account, and the values entered
 * (shown again, escaped, when the application is refused). */
static struct apply_form {
    dsg_acct_row me;
    char computer[DSGD_XCH_ADDR_MAX + 1];
    char kind[24], user_id[DSG_ACCT_USER_ID_MAX + 1], reason[DSG_ACCT_REASON_MAX + 1];
    char name[DSG_ACCT_TEXT_MAX + 1], contract[DSG_ACCT_TEXT_MAX + 1];
    char expiry[40], contract_end[40];
} af;

static const struct { const char *word; dsgd_pmsg label; } kinds[] = {
    { "register", PM_KIND_REGISTER }, { "suspend", PM_KIND_SUSPEND },
    { "resume", PM_KIND_RESUME }, { "delete", PM_KIND_DELETE },
    { "change-expiry", PM_KIND_CHANGE_EXPIRY }, { "reset-factor", PM_KIND_RESET_FACTOR },
};

/* A text input: label m, name (literal), the value entered (escaped). */
static void apply_input(dsgd_pmsg m, const char *name, const char *value, const char *extra)
{
    dsgd_page_raw(&pg, "<label for=\"");
    dsgd_page_raw(&pg, name);
    dsgd_page_raw(&pg, "\">");
    dsgd_page_msg(&pg, m);
    dsgd_page_raw(&pg, "</label><input id=\"");
    dsgd_page_raw(&pg, name);
    dsgd_page_raw(&pg, "\" name=\"");
    dsgd_page_raw(&pg, name);
    dsgd_page_raw(&pg, "\" type=\"text\" ");
    dsgd_page_raw(&pg, extra);
    dsgd_page_raw(&pg, " value=\"");
    dsgd_page_str(&pg, value);
    dsgd_page_raw(&pg, "\">");
}

static void kind_select(void)
{
    dsgd_page_raw(&pg, "<label for=\"kind\">");
    dsgd_page_msg(&pg, PM_APP_KIND);
    dsgd_page_raw(&pg, "</label><select id=\"kind\" name=\"kind\">");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        dsgd_page_raw(&pg, "<option value=\"");
        dsgd_page_raw(&pg, kinds[i].word);
        dsgd_page_raw(&pg, strcmp(af.kind, kinds[i].word) == 0 ? "\" selected>" : "\">");
        dsgd_page_msg(&pg, kinds[i].label);
        dsgd_page_raw(&pg, "</option>");
    }
    dsgd_page_raw(&pg, "</select>");
}

#define APPS_SHOWN 10u   /* the user's newest applications under the form */

/* One row of the user's applications; stops after APPS_SHOWN. */
static int app_row(const dsg_app_row *r, void *ctx)
{
    unsigned *n = ctx;
    const char *state = dsg_app_state_name(r->state);
    if (*n == APPS_SHOWN)
        return 1;
    if ((*n)++ == 0) {
        dsgd_page_raw(&pg, "<table class=\"applications\"><thead><tr><th>");
        dsgd_page_msg(&pg, PM_NUMBER);
        dsgd_page_raw(&pg, "</th><th>");
        dsgd_page_msg(&pg, PM_APP_KIND);
        dsgd_page_raw(&pg, "</th><th>");
        dsgd_page_msg(&pg, PM_USER_ID);
        dsgd_page_raw(&pg, "</th><th>");
        dsgd_page_msg(&pg, PM_STATE);
        dsgd_page_raw(&pg, "</th></tr></thead><tbody>");
    }
    dsgd_page_raw(&pg, "<tr><td>");
    dsgd_page_uint(&pg, (uint64_t)r->id);
    dsgd_page_raw(&pg, "</td><td>");
    if ((unsigned)r->app.kind < sizeof kinds / sizeof kinds[0])
        dsgd_page_msg(&pg, kinds[r->app.kind].label);
    dsgd_page_raw(&pg, "</td><td>");
    dsgd_page_str(&pg, r->app.user_id);
    dsgd_page_raw(&pg, "</td><td><code>");
    dsgd_page_str(&pg, state != NULL ? state : "-");
    dsgd_page_raw(&pg, "</code></td></tr>");
    return 0;
}

/* The user's newest applications and their states. */
static void my_applications(void)
{
    unsigned n = 0;
    dsgd_page_raw(&pg, "<h2>");
    dsgd_page_msg(&pg, PM_MY_APPLICATIONS);
    dsgd_page_raw(&pg, "</h2>");
    if (dsgd_auth_portal_each_app(af.me.user_id, app_row, &n) != 0) {
        pg.bad = 1;   /* the fixed 500 page rather than a partial list */
        return;
    }
    if (n > 0) {
        dsgd_page_raw(&pg, "</tbody></table>");
        return;
    }
    dsgd_page_raw(&pg, "<p>");
    dsgd_page_msg(&pg, PM_NO_APPLICATIONS);
    dsgd_page_raw(&pg, "</p>");
}

/* The form, under the outcome of the last post: the number entered (id >
 * 0) or the refusal p (non-NULL). */
static void apply_form(const struct pxch *x, int status, int64_t id, const dsg_acct_problem *p,
                       uint32_t ticket)
{
    char csrf[DSGD_CSRF_TOKEN_LEN + 1];
    if (dsgd_csrf_token(csrf_key, x->token, strlen(x->token), csrf) != 0) {
        message_page(x, 503, PM_ERROR, PM_UNAVAILABLE, "/apply", ticket);
        return;
    }
    dsgd_page_begin(&pg, x->lang, PM_APPLY, "/apply", af.me.user_id);
    if (id > 0) {
        dsgd_page_raw(&pg, "<p class=\"ok\" id=\"applied\">");
        dsgd_page_msg(&pg, PM_APPLIED);
        dsgd_page_raw(&pg, " <b id=\"number\">");
        dsgd_page_uint(&pg, (uint64_t)id);
        dsgd_page_raw(&pg, "</b></p>");
    } else if (p != NULL) {
        dsgd_page_raw(&pg, "<p class=\"error\" id=\"failed\">");
        dsgd_page_msg(&pg, PM_APPLY_REFUSED);
        dsgd_page_raw(&pg, " <code>");
        dsgd_page_str(&pg, p->code);
        dsgd_page_raw(&pg, "</code> ");
        dsgd_page_str(&pg, p->message);
        dsgd_page_raw(&pg, "</p>");
    }
    dsgd_page_raw(&pg, "<p>");
    dsgd_page_msg(&pg, PM_APPLY_PROMPT);
    dsgd_page_raw(&pg, "</p><form method=\"post\" action=\"/apply\">");
    dsgd_page_hidden(&pg, "csrf", csrf);
    kind_select();
    apply_input(PM_USER_ID, "user_id", af.user_id, "required autocapitalize=\"off\"");
    apply_input(PM_REASON, "reason", af.reason, "required");
    dsgd_page_raw(&pg, "<fieldset><legend>");
    dsgd_page_msg(&pg, PM_REGISTER_ONLY);
    dsgd_page_raw(&pg, "</legend><p>");
    dsgd_page_msg(&pg, PM_ORGANISATION);
    dsgd_page_raw(&pg, ": <b id=\"org\">");
    dsgd_page_str(&pg, af.me.org);
    dsgd_page_raw(&pg, "</b></p>");
    apply_input(PM_PERSON_NAME, "name", af.name, "");
    apply_input(PM_CONTRACT, "contract", af.contract, "");
    dsgd_page_raw(&pg, "</fieldset>");
    apply_input(PM_EXPIRY, "expiry", af.expiry, "maxlength=\"32\"");
    apply_input(PM_CONTRACT_END, "contract_end", af.contract_end, "maxlength=\"32\"");
    button(PM_SUBMIT, NULL);
    dsgd_page_raw(&pg, "</form>");
    my_applications();
    dsgd_page_end(&pg);
    send(x, status, NULL, ticket);
}

/* The session's account into af.me: 1; else the page's answer (to /login
 * without a live session) and 0. */
static int apply_account(const struct pxch *x)
{
    int status = x->token[0] == '\0' ? 401
               : dsgd_auth_page_account(x->token, x->addr, cert_of(x), &af.me, af.computer,
                                        sizeof af.computer);
    if (status == 200)
        return 1;
    if (status == 401) {
        if (dsgd_page_redirect(x->id, "/login", NULL, 0) != 0)
            dsgd_log("auth: cannot answer page exchange %u", x->id);
    } else {
        message_page(x, status, PM_ERROR, status == 403 ? PM_FORBIDDEN : PM_UNAVAILABLE, "/login",
                     0);
    }
    return 0;
}

/* A time of the form: RFC 3339 UTC, or a date (the end of that day). 0
 * (an empty one stays 0: the check names it missing), or -1. */
static int form_time(const char *v, int64_t *out)
{
    char t[48], canon[32], err[96];
    *out = 0;
    if (v[0] == '\0')
        return 0;
    snprintf(t, sizeof t, "%s%s", v, strlen(v) == 10 ? "T23:59:59Z" : "");
    return dsg_audit_time_parse(t, out, canon, err, sizeof err) == 0 ? 0 : -1;
}

/* The application of the form's values, the organisation the account's. */
static int apply_of_form(dsg_acct_app *a, dsg_acct_problem *p)
{
    int k = dsg_app_kind_parse(af.kind);
    memset(a, 0, sizeof *a);
    if (k < 0)
        return dsg_problem(p, "bad_field", "kind", "kind: not an application kind");
    a->kind = (dsg_app_kind)k;
    snprintf(a->user_id, sizeof a->user_id, "%s", af.user_id);
    snprintf(a->reason, sizeof a->reason, "%s", af.reason);
    if (a->kind == DSG_APP_REGISTER) {
        snprintf(a->name, sizeof a->name, "%s", af.name);
        snprintf(a->contract, sizeof a->contract, "%s", af.contract);
        snprintf(a->org, sizeof a->org, "%s", af.me.org);
        a->org_kind = af.me.org_kind;
        a->type = af.me.type;
    }
    if (a->kind != DSG_APP_REGISTER && a->kind != DSG_APP_CHANGE_EXPIRY)
        return 0;
    if (form_time(af.expiry, &a->expiry) != 0)
        return dsg_problem(p, "bad_field", "expiry", "expiry: not a date or an RFC 3339 UTC time");
    if (form_time(af.contract_end, &a->contract_end) != 0)
        return dsg_problem(p, "bad_field", "contract-end",
                           "contract-end: not a date or an RFC 3339 UTC time");
    return 0;
}

/* The form's values into af: 0, or -1 when the body is not the form. */
static int apply_values(const dsgd_form *f)
{
    struct { const char *name; char *out; size_t cap; } v[] = {
        { "kind", af.kind, sizeof af.kind }, { "user_id", af.user_id, sizeof af.user_id },
        { "reason", af.reason, sizeof af.reason }, { "name", af.name, sizeof af.name },
        { "contract", af.contract, sizeof af.contract }, { "expiry", af.expiry, sizeof af.expiry },
        { "contract_end", af.contract_end, sizeof af.contract_end },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (dsgd_form_get(f, v[i].name, v[i].out, v[i].cap) != 0)
            return -1;
    return 0;
}

static void apply_get(const struct pxch *x)
{
    memset(&af, 0, sizeof af);
    if (apply_account(x))
        apply_form(x, 200, 0, NULL, 0);
}

/* The form posted: the CSRF token first, then the application exactly as
 * the API enters it (dsgd_auth_portal_apply). */
static void apply_post(const struct pxch *x)
{
    static dsg_acct_app a;
    char token[DSGD_CSRF_TOKEN_LEN + 2];
    dsg_acct_problem p;
    dsgd_form f;
    int64_t id = 0;
    uint32_t ticket = 0;
    int status;
    memset(&af, 0, sizeof af);
    if (x->too_long || dsgd_form_read(&f, x->body, x->len) != 0 ||
        dsgd_form_get(&f, "csrf", token, sizeof token) != 0 ||
        !dsgd_csrf_ok(csrf_key, x->token, strlen(x->token), token, strlen(token))) {
        csrf_refused(x, "no valid CSRF token");
        return;
    }
    if (!apply_account(x))
        return;
    if (apply_values(&f) != 0) {
        message_page(x, 400, PM_ERROR, PM_BAD_REQUEST, "/apply", 0);
        return;
    }
    status = apply_of_form(&a, &p) != 0
             ? 400 : dsgd_auth_portal_apply(&af.me, af.computer, &a, &id, &p, &ticket);
    if (status == 503) {
        message_page(x, 503, PM_ERROR, PM_UNAVAILABLE, "/apply", 0);
        return;
    }
    if (status == 201)   /* a fresh form under the number */
        memset(af.user_id, 0, sizeof af - offsetof(struct apply_form, user_id));
    apply_form(x, status, id, status == 201 ? NULL : &p, ticket);
}

/* ---- dispatch ------------------------------------------------------------- */

static void asset(const struct pxch *x)
{
    const dsgd_asset *a = dsgd_asset_find((const uint8_t *)routes[x->page].path,
                                          routes[x->page].path_len);
    dsgd_role_page p = { 200, a->type, NULL, NULL, a->bytes, a->len, DSGD_XCH_LANG_KEEP };
    if (dsgd_page_out(x->id, &p, 0) != 0)
        dsgd_log("auth: cannot answer page exchange %u", x->id);
}

static void get(const struct pxch *x)
{
    switch (x->page) {
    case ROOT:
        if (dsgd_page_redirect(x->id, HOME, NULL, 0) != 0)
            dsgd_log("auth: cannot answer page exchange %u", x->id);
        break;
    case LOGIN: login_form(x, 200, 0, 0); break;
    case LOGOUT: logout_form(x); break;
    case APPLY: apply_get(x); break;
    default: asset(x); break;
    }
}

static void post(const struct pxch *x)
{
    static const char *const password[] = { "user_id", "password" };
    static const char *const totp[] = { "login", "code" };
    if (!x->origin_ok) {
        csrf_refused(x, "the Origin is not the portal's");
        return;
    }
    if (!x->form) {
        message_page(x, 415, PM_ERROR, PM_BAD_REQUEST, "/login", 0);
        return;
    }
    switch (x->page) {
    case LOGIN: credential_step(x, "login", password, 2); break;
    case LOGIN_TOTP: credential_step(x, "totp", totp, 2); break;
    case LOGIN_WEBAUTHN: webauthn_step(x); break;
    case LOGIN_PASSWORD: password_step(x); break;
    case LOGIN_ENROL: credential_step(x, "totp/enrol", totp, 2); break;
    case APPLY: apply_post(x); break;
    default: logout(x); break;
    }
}

int dsgd_auth_pages_end(uint32_t id, int complete)
{
    struct pxch *x = find(id);
    if (x == NULL)
        return 0;
    if (complete) {
        if (x->post)
            post(x);
        else
            get(x);
    }
    OPENSSL_cleanse(x, sizeof *x);
    return 1;
}

void dsgd_auth_pages_gone(void)
{
    OPENSSL_cleanse(xch, sizeof xch);
}
