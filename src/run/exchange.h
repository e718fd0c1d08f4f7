/*
 * HTTP exchanges between the portal and the roles that serve routes
 * (REQ-RUN-017, REQ-RUN-013): the bodies of the bus messages that carry
 * them, encoded and checked here so that the portal, the master and every
 * role read them the same way.
 *
 *   ROUTES   role -> master -> portal  the routes the role serves; the master
 *                                      puts the role's number in front (the
 *                                      sender comes from the channel, never
 *                                      from the message)
 *   REQUEST  portal -> master -> role  one request's method, path, query,
 *                                      framing, client address, and the
 *                                      session credential the client
 *                                      presented (REQ-ACCT-014), and the
 *                                      SHA-256 fingerprint of the client
 *                                      certificate TLS verified, if any
 *                                      (REQ-MFA-002), then five headers a
 *                                      page of the web portal reads
 *                                      (REQ-SHARE-022; docs/http.md)
 *   BODY     portal -> master -> role  a piece of its body
 *   END      portal -> master -> role  the body is complete, or abandoned
 *   ANSWER   role -> master -> portal  status and JSON body of the answer,
 *                                      and what to do with the client's
 *                                      session cookie
 *   GONE     master -> portal or role  a peer role went away: its
 *                                      exchanges are over
 *
 * A download is answered in pieces instead of with ANSWER (REQ-STOR-013):
 *
 *   STREAM   role -> master -> portal  status, content length, content type
 *                                      and Content-Disposition of the answer
 *   MORE     portal -> master -> role  the role may send n more DATA
 *   DATA     role -> master -> portal  a piece of the content
 *   DONE     role -> master -> portal  the content is complete, or aborted
 *                                      (a segment failed: the portal closes
 *                                      the connection short of the length)
 *
 * The role sends DATA only as MORE allows: the portal grants
 * DSGD_XCH_STREAM_WINDOW pieces when the head arrives and one more each
 * time a piece has been written to the client, so no hop ever holds more
 * than a window of a download however fast the role reads.
 *
 * Who holds a session (REQ-ACCT-014): a role that serves routes learns
 * the account behind the session token a request presented from the auth
 * role itself, through the master, never from the portal's word:
 *
 *   WHO_ASK  role -> master -> auth    a question number, the client's
 *                                      address and the token
 *   WHO_IS   auth -> master -> role    the question number, a status (200,
 *                                      401 session_expired, 403
 *                                      network_not_allowed, 503), the user
 *                                      ID, the organisation, the account
 *                                      type and whether the session's
 *                                      authentication is fresh (both
 *                                      factors within auth.reauth_max_age,
 *                                      REQ-MFA-015)
 *
 * The master puts the asking role's number in front of WHO_ASK and sends
 * WHO_IS to the role it names.
 *
 * Portal-to-role messages start with the destination role's number, the
 * one byte the master reads to pass them on; it checks the number names a
 * role that registered routes. Numbers are big-endian.
 */
#ifndef DSGD_EXCHANGE_H
#define DSGD_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"

#define DSGD_ROUTES_MAX 32u              /* routes one role may register */
#define DSGD_ROUTE_PATH_MAX 128u         /* bytes of a route's path */
#define DSGD_XCH_ADDR_MAX 47u            /* a client address as text */
#define DSGD_XCH_BODY_HEAD 5u            /* role number + exchange id */
#define DSGD_XCH_BODY_MAX (DSGD_BUS_BODY_MAX - DSGD_XCH_BODY_HEAD)
#define DSGD_XCH_ANSWER_MAX 2048u        /* JSON bytes of a role's answer */
#define DSGD_XCH_TOKEN_MAX 64u           /* bytes of a session token */
#define DSGD_XCH_CERT_FP_LEN 32u         /* bytes of a client certificate's fingerprint */
#define DSGD_XCH_FIELD_MAX 255u          /* bytes of a header a page request carries */
#define DSGD_XCH_LOCATION_MAX 255u       /* bytes of a page answer's Location */
#define DSGD_XCH_COOKIE_AGE_MAX 34560000u   /* 400 days: the most a browser keeps
                                             * a cookie (RFC 6265bis §5.6.2) */
/* The most bytes an ANSWER's head takes: id, status, cookie directive. */
#define DSGD_XCH_ANSWER_HEAD_MAX (4u + 2u + 1u + 4u + 1u + DSGD_XCH_TOKEN_MAX)

#define DSGD_XCH_STREAM_WINDOW 2u      /* DATA a role may have in flight at first */
#define DSGD_XCH_DATA_MAX (DSGD_BUS_BODY_MAX - 4u)   /* content bytes of one DATA */
#define DSGD_XCH_TYPE_MAX 127u           /* bytes of a streamed answer's content type */
#define DSGD_XCH_DISPOSITION_MAX 2048u   /* bytes of its Content-Disposition */
#define DSGD_XCH_WHO_TEXT_MAX 255u       /* bytes of a user ID or an organisation */
/* The most bytes a STREAM takes: id, status, length, type, disposition. */
#define DSGD_XCH_STREAM_HEAD_MAX (4u + 2u + 8u + 1u + DSGD_XCH_TYPE_MAX + 2u + \
                                  DSGD_XCH_DISPOSITION_MAX)

#define DSGD_ROUTE_UPLOAD 1u             /* bodies up to portal.upload_max_bytes, else
                                          * portal.api_max_body_bytes */

/* One route: an exact path, the methods it takes (bit 1 << dsg_http_method)
 * and the most body bytes a request may carry (0: none; the portal lowers
 * it to its own limit for the route's kind). A path under /api/v1/ is an
 * API route (JSON bodies); any other path outside /api/ is a page of the
 * web portal (REQ-SHARE-022): form bodies, answered by dsgd_role_http_page. */
typedef struct dsgd_route {
    uint8_t role;                        /* filled in by the receiver */
    uint8_t methods;
    uint8_t flags;                       /* DSGD_ROUTE_* */
    uint64_t body_limit;
    uint8_t path_len;
    char path[DSGD_ROUTE_PATH_MAX];
} dsgd_route;

typedef struct dsgd_xch_request {
    uint8_t role;
    uint32_t id;
    uint8_t method;                      /* a dsg_http_method */
    uint8_t framing;                     /* DSG_HTTP_FRAMING_* */
    uint64_t length;                     /* LENGTH framing: the declared length */
    const uint8_t *path;                 /* percent-decoded */
    size_t path_len;
    const uint8_t *query;                /* as received, after "?" */
    size_t query_len;
    const char *addr;                    /* the client's address */
    size_t addr_len;
    const uint8_t *token;                /* the session token the client presented
                                          * (Bearer or cookie), base64url */
    size_t token_len;                    /* 0: none */
    const uint8_t *cert_fp;              /* SHA-256 of the DER client certificate the
                                          * portal's TLS layer verified against
                                          * portal.client_ca (REQ-MFA-002) */
    size_t cert_fp_len;                  /* 0: none, or DSGD_XCH_CERT_FP_LEN */
    /* Page routes only (REQ-SHARE-022), each 0 .. DSGD_XCH_FIELD_MAX bytes
     * of header text as received, length 0 when absent: */
    const char *ctype;                   /* Content-Type */
    size_t ctype_len;
    const char *accept_lang;             /* Accept-Language */
    size_t accept_lang_len;
    const char *origin;                  /* Origin */
    size_t origin_len;
    const char *host;                    /* Host */
    size_t host_len;
    const char *lang;                    /* the value of the dsg_lang cookie */
    size_t lang_len;
} dsgd_xch_request;

/* What the portal does with the client's session cookie when it answers
 * (REQ-ACCT-014): nothing, set it to token for max_age seconds, or clear
 * it. */
enum { DSGD_XCH_COOKIE_NONE = 0, DSGD_XCH_COOKIE_SET = 1, DSGD_XCH_COOKIE_CLEAR = 2 };

typedef struct dsgd_xch_cookie {
    uint8_t op;                          /* DSGD_XCH_COOKIE_* */
    uint32_t max_age;                    /* SET: 1 .. DSGD_XCH_COOKIE_AGE_MAX seconds */
    uint8_t token_len;                   /* SET: 1 .. DSGD_XCH_TOKEN_MAX; else 0 */
    char token[DSGD_XCH_TOKEN_MAX];      /* base64url */
} dsgd_xch_cookie;

/* 1 when p[0 .. len) is a session token as it may travel: 1 to
 * DSGD_XCH_TOKEN_MAX bytes of the base64url alphabet [A-Za-z0-9_-]
 * (RFC 4648 §5, no padding). @relation(REQ-ACCT-014) */
int dsgd_xch_token_ok(const uint8_t *p, size_t len);

/* 1 when c is a directive an ANSWER may carry: NONE and CLEAR with no
 * token and no age, SET with a token and an age in range.
 * @relation(REQ-ACCT-014) */
int dsgd_xch_cookie_ok(const dsgd_xch_cookie *c);

/* ROUTES as a role sends it: routes[0 .. n). Returns the length, 0 if it
 * does not fit or a route is malformed. @relation(REQ-RUN-017) */
size_t dsgd_xch_routes_put(uint8_t *out, size_t cap, const dsgd_route *routes, size_t n);

/* Reads ROUTES (without the master's role byte) into routes[0 .. *n),
 * each given role `role`. 0, or -1 when malformed (a path neither under
 * "/api/v1/" nor a page path outside "/api/", a method set that is empty or names an unknown method,
 * more than DSGD_ROUTES_MAX). @relation(REQ-RUN-017) */
int dsgd_xch_routes_get(const uint8_t *in, size_t len, uint8_t role, dsgd_route *routes,
                        size_t *n);

/* 1 when path[0 .. len) is a page path: "/" or "/..." outside "/api/".
 * @relation(REQ-SHARE-022) */
int dsgd_xch_page_path(const char *path, size_t len);

/* REQUEST: its length, 0 if it does not fit, the token (when there is
 * one) is not a token (dsgd_xch_token_ok), the fingerprint is neither
 * none nor DSGD_XCH_CERT_FP_LEN bytes or a page field is too long.
 * @relation(REQ-RUN-013, REQ-MFA-002, REQ-SHARE-022) */
size_t dsgd_xch_request_put(uint8_t *out, size_t cap, const dsgd_xch_request *r);

/* 0 and *r (pointing into in), or -1 when malformed (among others, a
 * token that is not one, a fingerprint of another length).
 * @relation(REQ-RUN-013, REQ-MFA-002) */
int dsgd_xch_request_get(const uint8_t *in, size_t len, dsgd_xch_request *r);

/* The 5 bytes in front of BODY and END: role, exchange id.
 * @relation(REQ-RUN-013) */
void dsgd_xch_head_put(uint8_t out[DSGD_XCH_BODY_HEAD], uint8_t role, uint32_t id);

/* Role and exchange id of a BODY or END (and, for END, whether the body
 * is complete). 0, or -1 when too short (END: not exactly 6 bytes, or an
 * outcome byte other than 0 or 1). @relation(REQ-RUN-013) */
int dsgd_xch_body_get(const uint8_t *in, size_t len, uint8_t *role, uint32_t *id,
                      const uint8_t **data, size_t *data_len);
/* @relation(REQ-RUN-013) */
int dsgd_xch_end_get(const uint8_t *in, size_t len, uint8_t *role, uint32_t *id,
                     int *complete);

/* ANSWER: id, status, cookie directive (NULL: none), JSON body. Length,
 * or 0 if it does not fit, the status is not one with content in 200..599
 * (204, 205 and 304 are not) or the directive is not one
 * (dsgd_xch_cookie_ok). @relation(REQ-RUN-017, REQ-ACCT-014) */
size_t dsgd_xch_answer_put(uint8_t *out, size_t cap, uint32_t id, int status,
                           const dsgd_xch_cookie *cookie, const uint8_t *json,
                           size_t json_len);

/* 0 with *cookie filled in, or -1 when malformed (a status or a directive
 * answer_put refuses, a body over DSGD_XCH_ANSWER_MAX).
 * @relation(REQ-RUN-017, REQ-ACCT-014) */
int dsgd_xch_answer_get(const uint8_t *in, size_t len, uint32_t *id, int *status,
                        dsgd_xch_cookie *cookie, const uint8_t **json, size_t *json_len);

/* A streamed answer's head. The content type and the disposition travel
 * as header values: printable ASCII only (0x20..0x7e), so no piece of a
 * name can end a header line; the disposition may be empty (none). */
typedef struct dsgd_xch_stream {
    uint32_t id;
    int status;                          /* 200 .. 599, with content */
    uint64_t length;                     /* the content's bytes: Content-Length */
    const char *type;                    /* 1 .. DSGD_XCH_TYPE_MAX bytes */
    size_t type_len;
    const char *disposition;             /* 0 .. DSGD_XCH_DISPOSITION_MAX bytes */
    size_t disposition_len;
    /* A page of the web portal (REQ-SHARE-022) rather than a download: the
     * portal's page CSP instead of the sandbox, what to do with the session
     * cookie, and where a 303 sends the browser (a path, "/..."). */
    uint8_t page;                        /* 0 or 1 */
    dsgd_xch_cookie cookie;              /* op NONE unless page */
    const char *location;                /* 0 .. DSGD_XCH_LOCATION_MAX bytes */
    size_t location_len;
    uint8_t lang;                        /* page: DSGD_XCH_LANG_*, the language cookie */
} dsgd_xch_stream;

/* What a page does to the dsg_lang cookie, the language the user chose
 * (REQ-SHARE-022): nothing, or set it to "ja" or "en". */
enum { DSGD_XCH_LANG_KEEP = 0, DSGD_XCH_LANG_JA = 1, DSGD_XCH_LANG_EN = 2 };

/* STREAM: its length, 0 if it does not fit or a field is out of range
 * (a status answer_put refuses, a type or disposition too long or with a
 * byte that is not printable ASCII, an empty type; a cookie directive or
 * location on a download, a directive that is not one, a location that is
 * not a printable path). @relation(REQ-RUN-013, REQ-SHARE-013) */
size_t dsgd_xch_stream_put(uint8_t *out, size_t cap, const dsgd_xch_stream *s);

/* 0 and *s (pointing into in), or -1 when malformed (what put refuses,
 * trailing bytes). @relation(REQ-RUN-013, REQ-SHARE-013) */
int dsgd_xch_stream_get(const uint8_t *in, size_t len, dsgd_xch_stream *s);

/* DATA: exchange id, then 1 .. DSGD_XCH_DATA_MAX bytes. Length, or 0.
 * @relation(REQ-RUN-013) */
size_t dsgd_xch_data_put(uint8_t *out, size_t cap, uint32_t id, const uint8_t *p, size_t len);
/* @relation(REQ-RUN-013) */
int dsgd_xch_data_get(const uint8_t *in, size_t len, uint32_t *id, const uint8_t **p,
                      size_t *n);

/* DONE: exchange id and whether the content is complete (1) or aborted (0).
 * @relation(REQ-RUN-013, REQ-STOR-005) */
size_t dsgd_xch_done_put(uint8_t *out, size_t cap, uint32_t id, int complete);
/* @relation(REQ-RUN-013, REQ-STOR-005) */
int dsgd_xch_done_get(const uint8_t *in, size_t len, uint32_t *id, int *complete);

/* MORE: role, exchange id, how many more DATA (1 .. DSGD_XCH_STREAM_WINDOW).
 * @relation(REQ-RUN-013) */
size_t dsgd_xch_more_put(uint8_t *out, size_t cap, uint8_t role, uint32_t id, unsigned n);
/* @relation(REQ-RUN-013) */
int dsgd_xch_more_get(const uint8_t *in, size_t len, uint8_t *role, uint32_t *id,
                      unsigned *n);

/* A question about a session token: the asking role (filled in by the
 * master; 0 as the role sends it), its number, the client's address, the
 * token (dsgd_xch_token_ok). */
typedef struct dsgd_xch_who_ask {
    uint8_t role;
    uint32_t qid;
    const char *addr;
    size_t addr_len;                     /* 1 .. DSGD_XCH_ADDR_MAX */
    const uint8_t *token;
    size_t token_len;
} dsgd_xch_who_ask;

/* The answer: to the role that asked, which question, the status, and for
 * 200 who holds the session. */
typedef struct dsgd_xch_who_is {
    uint8_t role;
    uint32_t qid;
    int status;                          /* 200, 401, 403 or 503 */
    const char *user;                    /* 200: 1 .. DSGD_XCH_WHO_TEXT_MAX bytes */
    size_t user_len;
    const char *org;                     /* 0 .. DSGD_XCH_WHO_TEXT_MAX bytes */
    size_t org_len;
    uint8_t type;                        /* the account type (dsg_acct_type) */
    uint8_t fresh;                       /* 200: 1 when both factors were verified
                                          * within auth.reauth_max_age; else 0 */
} dsgd_xch_who_is;

/* SESSIONS_END: whose sessions end because rights were reduced -- an
 * account (kind 1, DSG_ACCESS_ACCOUNT) or every account of an
 * organisation (kind 2, DSG_ACCESS_ORG_GROUP) -- by its name (1 ..
 * DSGD_XCH_WHO_TEXT_MAX bytes, no NUL). Length, or 0.
 * @relation(REQ-ACCT-010) */
size_t dsgd_xch_sessions_end_put(uint8_t *out, size_t cap, uint8_t kind, const char *name,
                                 size_t len);
/* 0 with *kind and the name (pointing into in), or -1 when malformed.
 * @relation(REQ-ACCT-010) */
int dsgd_xch_sessions_end_get(const uint8_t *in, size_t len, uint8_t *kind, const char **name,
                              size_t *name_len);

/* HISTORY_ASK (REQ-SHARE-017): the share role asks logd, through the
 * master, for the access history of an item, "ITEM SINCE UNTIL": ITEM
 * area:ID, folder:ID or file:ID (ID 1 to 18 digits, no leading 0),
 * SINCE and UNTIL "-" or a canonical time YYYY-MM-DDTHH:MM:SS.mmmZ.
 * Length, or 0 when a field is out of that form or it does not fit.
 * @relation(REQ-SHARE-017) */
size_t dsgd_xch_history_ask_put(uint8_t *out, size_t cap, const char *item, const char *since,
                                const char *until);
/* The master's side: the question in[0 .. len) checked against that
 * form and written as the one logd command it stands for, "log export
 * --format history --type 23 --item ITEM [--since SINCE] [--until
 * UNTIL]", into line (NUL-terminated). Its length, or 0 when the
 * question is malformed or line too short: nothing a role sends becomes
 * another command. @relation(REQ-SHARE-017) */
size_t dsgd_xch_history_line(const uint8_t *in, size_t len, char *line, size_t cap);

/* WHO_ASK without the master's role byte (with_role 0), or with it (1).
 * Length, or 0 when it does not fit or a field is out of range.
 * @relation(REQ-ACCT-014) */
size_t dsgd_xch_who_ask_put(uint8_t *out, size_t cap, const dsgd_xch_who_ask *a, int with_role);
/* @relation(REQ-ACCT-014) */
int dsgd_xch_who_ask_get(const uint8_t *in, size_t len, dsgd_xch_who_ask *a, int with_role);

/* WHO_IS, the asking role's number first. Length, or 0 (a status other
 * than the four, a 200 without a user, text too long, a user,
 * organisation, type or freshness given with another status, a freshness
 * other than 0 or 1). @relation(REQ-ACCT-014, REQ-MFA-015) */
size_t dsgd_xch_who_is_put(uint8_t *out, size_t cap, const dsgd_xch_who_is *w);
/* @relation(REQ-ACCT-014, REQ-MFA-015) */
int dsgd_xch_who_is_get(const uint8_t *in, size_t len, dsgd_xch_who_is *w);

#endif
