/*
 * The page layer of the web portal (REQ-SHARE-022, docs/portal.md): what
 * every role that serves pages shares.
 *
 * - A page is written into a buffer as literal template text (the
 *   role's own constants) and dynamic values, and every dynamic value --
 *   a name, a user ID, a message, a number -- goes through the proved
 *   HTML escaper (src/core/html_esc). A value the escaper refuses, or a
 *   page past its buffer, makes the page bad: it is not sent, and the
 *   role answers 500 with a fixed page instead.
 * - The language is Japanese or English: the `lang` query switch (which
 *   also sets the dsg_lang cookie), else that cookie, else
 *   Accept-Language through the proved src/core/accept_lang, else
 *   Japanese. Every visible string is a message of the table below, in
 *   both languages.
 * - Pages are text/html; charset=utf-8 with the portal's page headers
 *   (docs/portal.md); they link one stylesheet and, on the WebAuthn step
 *   only, one script, both served from /static/ (static_assets.h); no
 *   inline script or style, no style= or on*= attribute.
 * - CSRF (docs/portal.md): a form that changes state carries a token,
 *   HMAC-SHA-256 of the session token under the role's random key, which
 *   the role checks in constant time; a request whose Origin is present
 *   must come from the portal's own origin (https:// and its Host).
 *
 * Not pure (OpenSSL, the bus); role code.
 */
#ifndef DSGD_PAGE_H
#define DSGD_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/http_form.h"
#include "run/exchange.h"
#include "run/role_http.h"

#define DSGD_CSRF_KEY_LEN 32u
#define DSGD_CSRF_TOKEN_LEN 43u     /* base64url of 32 bytes, no padding */
#define DSGD_PAGE_FORM_MAX 64u      /* fields of one form */

typedef enum dsgd_lang { DSGD_LANG_JA = 0, DSGD_LANG_EN = 1 } dsgd_lang;

/* Every visible string of the portal's pages. */
typedef enum dsgd_pmsg {
    PM_APP, PM_LANG, PM_LOGOUT, PM_LOGOUT_CONFIRM, PM_LOGGED_OUT, PM_ERROR, PM_CSRF,
    PM_BACK, PM_LOGIN, PM_USER_ID, PM_PASSWORD, PM_TOTP, PM_TOTP_CODE, PM_CONTINUE,
    PM_LOGIN_FAILED, PM_WEBAUTHN, PM_WEBAUTHN_PROMPT, PM_WEBAUTHN_START, PM_API_ONLY,
    PM_NOTICE, PM_UNAVAILABLE, PM_AREAS, PM_NO_AREAS, PM_FOLDER, PM_NAME, PM_SIZE,
    PM_VERSION, PM_UPLOADER, PM_TIME, PM_DOWNLOAD, PM_VERSIONS, PM_SUBFOLDERS, PM_FILES,
    PM_EMPTY, PM_NEW_FOLDER, PM_CREATE, PM_UPLOAD, PM_FILE, PM_UPLOAD_REFUSED,
    PM_SIGN_IN, PM_NOT_FOUND, PM_FORBIDDEN, PM_BAD_REQUEST, PM_AREA, PM_TOP, PM_CREATED,
    PM_UPLOADED, PM_SIGNED_IN_AS, PM_ROOT, PM_PROJECT, PM_CONTRACT, PM_CONTRACT_END,
    PM_STATE, PM_OPEN, PM_TRUNCATED, PM_FORBIDDEN_EXT, PM_INVALID_NAME, PM_SEARCH,
    PM_QUERY, PM_NO_RESULTS, PM_PATH, PM_PW_CHANGE, PM_PW_CHANGE_PROMPT, PM_NEW_PASSWORD,
    PM_NEW_PASSWORD_AGAIN, PM_PW_MISMATCH, PM_PW_WEAK, PM_ENROL_TOTP, PM_ENROL_CODE,
    PM_TOTP_SECRET, PM_RENAME, PM_DELETE, PM_THIS_FOLDER, PM_THIS_FILE, PM_HISTORY,
    PM_AREA_HISTORY, PM_USER, PM_EVENT, PM_DATA, PM_NO_HISTORY, PM_HISTORY_CUT, PM_SINCE,
    PM_UNTIL, PM_SHOW, PM_APPLY, PM_APPLY_PROMPT, PM_APP_KIND, PM_KIND_REGISTER,
    PM_KIND_SUSPEND, PM_KIND_RESUME, PM_KIND_DELETE, PM_KIND_CHANGE_EXPIRY,
    PM_KIND_RESET_FACTOR, PM_PERSON_NAME, PM_ORGANISATION, PM_REASON, PM_EXPIRY,
    PM_REGISTER_ONLY, PM_SUBMIT, PM_APPLIED, PM_APPLY_REFUSED, PM_MY_APPLICATIONS,
    PM_NO_APPLICATIONS, PM_NUMBER, PM_DOWNLOAD_SELECTED, PM_SELECT, PM_REAUTH, PM_COUNT
} dsgd_pmsg;

typedef struct dsgd_page {
    dsgd_lang lang;
    int bad;                        /* sticky: a value refused, or no room */
    size_t len;
    uint8_t buf[DSGD_ROLE_HTTP_PAGE_MAX];
} dsgd_page;

/* The message m in language lang (UTF-8, never NULL for m < PM_COUNT).
 * @relation(REQ-SHARE-022) */
const char *dsgd_page_message(dsgd_lang lang, dsgd_pmsg m);

/* The language of request r: the query's lang=ja|en (then *set is the
 * DSGD_XCH_LANG_* that sets the cookie), else the dsg_lang cookie, else
 * Accept-Language, else Japanese (*set DSGD_XCH_LANG_KEEP).
 * @relation(REQ-SHARE-022) */
dsgd_lang dsgd_page_lang(const dsgd_xch_request *r, uint8_t *set);

/* Starts page p in lang: the document head, title t, the stylesheet, the
 * header with the language switch (links to self, the page's own path and
 * query without lang, which the caller built from escaped parts: NULL for
 * a page with no GET address) and, for a signed-in user (user non-NULL),
 * who it is and the way out. @relation(REQ-SHARE-022) */
void dsgd_page_begin(dsgd_page *p, dsgd_lang lang, dsgd_pmsg t, const char *self,
                     const char *user);
/* Ends the page: </main>, </body>, </html>. @relation(REQ-SHARE-022) */
void dsgd_page_end(dsgd_page *p);

/* Literal template text (a constant of the role, never a value).
 * @relation(REQ-SHARE-022) */
void dsgd_page_raw(dsgd_page *p, const char *lit);
/* A dynamic value v[0 .. len), escaped. @relation(REQ-SHARE-022) */
void dsgd_page_text(dsgd_page *p, const char *v, size_t len);
/* The same for a NUL-terminated value. @relation(REQ-SHARE-022) */
void dsgd_page_str(dsgd_page *p, const char *v);
/* Message m in the page's language, escaped. @relation(REQ-SHARE-022) */
void dsgd_page_msg(dsgd_page *p, dsgd_pmsg m);
/* A number, in decimal, escaped like any value. @relation(REQ-SHARE-022) */
void dsgd_page_uint(dsgd_page *p, uint64_t v);
/* A value for a URL's query or path segment: percent-encoded (every byte
 * but A-Z a-z 0-9 - . _ ~), then escaped. @relation(REQ-SHARE-022) */
void dsgd_page_url(dsgd_page *p, const char *v, size_t len);
/* A hidden form field: name (literal) and value (dynamic, escaped).
 * @relation(REQ-SHARE-022) */
void dsgd_page_hidden(dsgd_page *p, const char *name, const char *value);

/* Answers exchange id with pg, recorded first when ticket is not 0; when
 * role_http has no room for one more page (every slot sending), 503
 * `busy` instead. 0, or -1 when nothing could be sent.
 * @relation(REQ-SHARE-022) */
int dsgd_page_out(uint32_t id, const dsgd_role_page *pg, uint32_t ticket);

/* Sends page p as the answer of exchange id with status, the session
 * cookie directive (NULL: none) and the language cookie set (DSGD_XCH_LANG_*):
 * recorded first when ticket is not 0. A bad page is answered 500 with a
 * fixed page. 0, or -1 when nothing could be sent. @relation(REQ-SHARE-022) */
int dsgd_page_send(uint32_t id, int status, dsgd_page *p, const dsgd_xch_cookie *cookie,
                   uint8_t set, uint32_t ticket);
/* A 303 to location (a path on the portal) with the session cookie
 * directive, recorded first when ticket is not 0. 0, or -1.
 * @relation(REQ-SHARE-022) */
int dsgd_page_redirect(uint32_t id, const char *location, const dsgd_xch_cookie *cookie,
                       uint32_t ticket);

/* The CSRF token of session[0 .. len) under key into out (NUL-terminated,
 * DSGD_CSRF_TOKEN_LEN characters). 0, or -1 (no session, OpenSSL failed).
 * @relation(REQ-SHARE-022) */
int dsgd_csrf_token(const uint8_t key[DSGD_CSRF_KEY_LEN], const char *session, size_t len,
                    char out[DSGD_CSRF_TOKEN_LEN + 1]);
/* 1 when got[0 .. glen) is the CSRF token of session[0 .. slen) under key,
 * compared in constant time; 0 otherwise (no session, no token, a token
 * of another length). @relation(REQ-SHARE-022) */
int dsgd_csrf_ok(const uint8_t key[DSGD_CSRF_KEY_LEN], const char *session, size_t slen,
                 const char *got, size_t glen);
/* 1 when r's Origin is absent (a client that is no browser) or exactly
 * "https://" and its Host; 0 when it names another origin or is "null"
 * (pages are served with Referrer-Policy: same-origin, so their forms post
 * their origin; "null" comes from a page that withholds it).
 * @relation(REQ-SHARE-022) */
int dsgd_page_origin_ok(const dsgd_xch_request *r);

/* A form body (application/x-www-form-urlencoded, by the proved
 * src/core/http_form parser). */
typedef struct dsgd_form {
    const uint8_t *body;
    size_t len, count;
    dsg_form_field f[DSGD_PAGE_FORM_MAX];
} dsgd_form;

/* Parses body[0 .. len) into *f. 0, or -1 when it is not a form.
 * @relation(REQ-SHARE-022) */
int dsgd_form_read(dsgd_form *f, const uint8_t *body, size_t len);
/* The value of field name decoded into out (NUL-terminated, cap bytes
 * with the NUL). 0, or -1 when it is missing, repeated, or too long.
 * @relation(REQ-SHARE-022) */
int dsgd_form_get(const dsgd_form *f, const char *name, char *out, size_t cap);
/* 1 when content type ctype[0 .. len) is `want` (case-insensitive, with
 * or without parameters). @relation(REQ-SHARE-022) */
int dsgd_page_ctype_is(const char *ctype, size_t len, const char *want);

#endif
