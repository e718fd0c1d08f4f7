/*
 * The login flow of the auth role (REQ-MFA-001, REQ-MFA-002,
 * REQ-ACCT-011): which second factor a login needs, and the server-side
 * login record that a login's steps must go through in order. Pure
 * functions over caller-owned structs; no allocation, no I/O, no globals.
 *
 * The factor table (spec/mfa.md), decided by dsg_login_required from
 * server-side facts only:
 *
 *   account    channel   Ministry network or terminal cert   second factor
 *   company    portal    (ignored)                           WebAuthn + UV
 *   ministry   portal    yes                                 TOTP
 *   ministry   portal    no                                  WebAuthn + UV
 *   admin      control   (ignored)                           auth.admin_second_factor
 *   company,
 *   ministry   control   -                                   refused (REQ-ACCT-011)
 *   admin      portal    -                                   refused (REQ-ACCT-011)
 *
 * dsg_login_facts holds nothing a client sends: the role fills it from the
 * account store (type), its own test of the peer address against
 * auth.ministry_networks, the TLS layer's verification of a registered
 * Ministry terminal's certificate, the deployment's configuration and the
 * socket the request arrived on. So no request parameter, header or cookie
 * can select a weaker path (REQ-MFA-002).
 *
 * The login record, one per login attempt:
 *
 *   START --password ok--> PASSWORD_OK --required factor ok--> DONE
 *     any failure or refusal, from any step ------------------> DEAD
 *
 * Each step is refused when it comes out of order or again (OUT_OF_ORDER),
 * when the record has expired (EXPIRED: at or after created + lifetime, or
 * before created or the password step, as a clock that went back fails
 * closed), when the factor is not the required one (WRONG_FACTOR) and
 * when the record is DEAD (DEAD_RECORD); the role answers all four
 * with 401 `login_incomplete`. A wrong credential answers FAILED (the
 * role's `auth_failed`, after dsg_lock_record). Every answer but OK leaves
 * the record DEAD, so a new attempt starts over with a new record. The
 * requirement, the account, the lock generation and the creation time are
 * written at creation and never again: the steps' assigns clauses leave
 * them out.
 *
 * lifetime is auth.challenge_lifetime in seconds, checked on every call
 * (1 .. DSG_LOGIN_LIFETIME_MAX) and answered with an error code, like
 * every other value out of range. The role passes the same configured
 * value to every step of a record.
 *
 * Not here: verifying the password, the TOTP code or the WebAuthn
 * assertion (the role does, then passes ok), the lock check
 * (dsg_lock_login_current with the stored lock_generation), the challenge
 * bytes, and the session the role creates after DONE (session.h).
 */
#ifndef DSG_AUTH_LOGIN_FLOW_H
#define DSG_AUTH_LOGIN_FLOW_H

#include <stdint.h>

#include "auth/acct_app.h"

#define DSG_LOGIN_NEVER INT64_MIN       /* a step time of a step not taken */
#define DSG_LOGIN_LIFETIME_MAX 3600     /* seconds; WebAuthn L2 recommends 300..600 */
#define DSG_LOGIN_ALG_ES256 1u          /* bit of COSE alg -7 (ECDSA P-256 SHA-256) */

typedef enum dsg_login_channel {
    DSG_LOGIN_PORTAL = 0,     /* the TLS user portal */
    DSG_LOGIN_CONTROL = 1     /* the control socket of dsgctl */
} dsg_login_channel;

/* auth.admin_second_factor: webauthn | totp. */
typedef enum dsg_admin_factor {
    DSG_ADMIN_FACTOR_WEBAUTHN = 0,
    DSG_ADMIN_FACTOR_TOTP = 1
} dsg_admin_factor;

typedef enum dsg_login_factor {
    DSG_LOGIN_WEBAUTHN = 1,
    DSG_LOGIN_TOTP = 2
} dsg_login_factor;

/* Which attestation the WebAuthn credential must have been enrolled with. */
typedef enum dsg_login_attestation {
    DSG_LOGIN_ATT_NONE = 0,                  /* not a WebAuthn requirement */
    DSG_LOGIN_ATT_PACKED_ALLOWLISTED = 1     /* verified "packed", AAGUID allowlisted (REQ-MFA-003) */
} dsg_login_attestation;

typedef enum dsg_login_step {
    DSG_LOGIN_START = 0,
    DSG_LOGIN_PASSWORD_OK = 1,
    DSG_LOGIN_DONE = 2,
    DSG_LOGIN_DEAD = 3
} dsg_login_step;

/* What the functions answer, in the order they decide. */
typedef enum dsg_login_result {
    DSG_LOGIN_OK = 0,              /* "ok" */
    DSG_LOGIN_REFUSED = 1,         /* "wrong-channel": REQ-ACCT-011 */
    DSG_LOGIN_DEAD_RECORD = 2,     /* "dead": login_incomplete */
    DSG_LOGIN_OUT_OF_ORDER = 3,    /* "out-of-order": login_incomplete */
    DSG_LOGIN_EXPIRED = 4,         /* "expired": login_incomplete */
    DSG_LOGIN_WRONG_FACTOR = 5,    /* "wrong-factor": login_incomplete */
    DSG_LOGIN_FAILED = 6,          /* "failed": the credential was wrong, auth_failed */
    DSG_LOGIN_ERR_ARGS = 7,        /* "bad-args": a fact, factor or ok out of range */
    DSG_LOGIN_ERR_LIFETIME = 8,    /* "bad-lifetime" */
    DSG_LOGIN_ERR_STATE = 9        /* "bad-record": the record is malformed */
} dsg_login_result;

/* The server-side facts a requirement is decided from; nothing else. */
typedef struct dsg_login_facts {
    uint32_t type;              /* dsg_acct_type, from the account store */
    uint32_t ministry_network;  /* 1: the peer address is in auth.ministry_networks */
    uint32_t ministry_cert;     /* 1: a registered Ministry terminal's certificate verified */
    uint32_t admin_factor;      /* dsg_admin_factor: auth.admin_second_factor */
    uint32_t channel;           /* dsg_login_channel the request arrived on */
} dsg_login_facts;

/* The required second factor and its level, stored with the challenge. */
typedef struct dsg_login_req {
    uint32_t factor;            /* dsg_login_factor */
    uint32_t uv_required;       /* 1: the WebAuthn UV flag must be set */
    uint32_t algs;              /* allowed COSE algorithms, DSG_LOGIN_ALG_* bits */
    uint32_t attestation;       /* dsg_login_attestation */
} dsg_login_req;

/* One login attempt. Times are seconds since 1970-01-01T00:00:00Z. */
typedef struct dsg_login {
    uint64_t account;           /* the account's key in the store */
    uint64_t lock_generation;   /* dsg_lock.generation when the login began */
    int64_t created;
    dsg_login_req req;          /* fixed at creation */
    uint32_t step;              /* dsg_login_step */
    int64_t password_at;        /* when the password step succeeded, or DSG_LOGIN_NEVER */
    int64_t done_at;            /* when the second factor succeeded, or DSG_LOGIN_NEVER */
} dsg_login;

#include "acsl/login_flow.acsl.h"

/* The requirement for these facts by the factor table above, or REFUSED
 * for the wrong channel, or ERR_ARGS for a fact out of range; *out is
 * written only on OK. @relation(REQ-MFA-002) @relation(REQ-ACCT-011) */
/*@ requires \valid_read(f) && \valid(out);
    requires \separated(f, out);
    assigns *out;
    ensures \result == DSG_LOGIN_OK || \result == DSG_LOGIN_REFUSED ||
            \result == DSG_LOGIN_ERR_ARGS;
    ensures \result == DSG_LOGIN_OK ==> dsg_login_req_ok(out);
    ensures \result == DSG_LOGIN_OK ==>
              out->factor == dsg_login_factor_for(f->type, f->ministry_network,
                                                  f->ministry_cert, f->admin_factor);
    ensures \result == DSG_LOGIN_OK && f->type == DSG_ACCT_COMPANY ==>
              dsg_login_req_is(out, DSG_LOGIN_WEBAUTHN);
    ensures \result == DSG_LOGIN_OK && out->factor == DSG_LOGIN_TOTP ==>
              (f->type == DSG_ACCT_MINISTRY && f->channel == DSG_LOGIN_PORTAL &&
               (f->ministry_network == 1 || f->ministry_cert == 1)) ||
              (f->type == DSG_ACCT_ADMIN && f->channel == DSG_LOGIN_CONTROL &&
               f->admin_factor == DSG_ADMIN_FACTOR_TOTP);
    ensures f->type == DSG_ACCT_ADMIN && f->channel == DSG_LOGIN_PORTAL ==>
              \result != DSG_LOGIN_OK;
    ensures f->type != DSG_ACCT_ADMIN && f->channel == DSG_LOGIN_CONTROL ==>
              \result != DSG_LOGIN_OK;
    behavior invalid:
      assumes !dsg_login_facts_ok(f);
      assigns \nothing;
      ensures \result == DSG_LOGIN_ERR_ARGS;
    behavior wrong_channel:
      assumes dsg_login_facts_ok(f) && !dsg_login_channel_ok(f->type, f->channel);
      assigns \nothing;
      ensures \result == DSG_LOGIN_REFUSED;
    behavior totp:
      assumes dsg_login_facts_ok(f) && dsg_login_channel_ok(f->type, f->channel);
      assumes dsg_login_factor_for(f->type, f->ministry_network, f->ministry_cert,
                                   f->admin_factor) == DSG_LOGIN_TOTP;
      ensures \result == DSG_LOGIN_OK && dsg_login_req_is(out, DSG_LOGIN_TOTP);
    behavior webauthn:
      assumes dsg_login_facts_ok(f) && dsg_login_channel_ok(f->type, f->channel);
      assumes dsg_login_factor_for(f->type, f->ministry_network, f->ministry_cert,
                                   f->admin_factor) == DSG_LOGIN_WEBAUTHN;
      ensures \result == DSG_LOGIN_OK && dsg_login_req_is(out, DSG_LOGIN_WEBAUTHN);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_login_result dsg_login_required(const dsg_login_facts *f, dsg_login_req *out);

/* The C twin of dsg_login_ok. @relation(REQ-MFA-001) */
/*@ requires \valid_read(r);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_login_ok(r);
*/
__attribute__((warn_unused_result))
int dsg_login_is_valid(const dsg_login *r);

/* A new login record at now for the account, in START, with the
 * requirement dsg_login_required decides for the facts. Anything but OK
 * (REFUSED, ERR_ARGS) writes nothing. @relation(REQ-MFA-001)
 * @relation(REQ-MFA-002) @relation(REQ-ACCT-011) */
/*@ requires \valid(r) && \valid_read(f);
    requires \separated(r, f);
    assigns *r;
    ensures \result == DSG_LOGIN_OK || \result == DSG_LOGIN_REFUSED ||
            \result == DSG_LOGIN_ERR_ARGS;
    behavior created:
      assumes dsg_login_facts_ok(f) && dsg_login_channel_ok(f->type, f->channel);
      ensures \result == DSG_LOGIN_OK;
      ensures dsg_login_ok(r) && r->step == DSG_LOGIN_START;
      ensures dsg_login_req_is(&r->req, dsg_login_factor_for(f->type, f->ministry_network,
                                                           f->ministry_cert, f->admin_factor));
      ensures r->account == account && r->lock_generation == lock_generation &&
              r->created == now;
    behavior refused:
      assumes !dsg_login_facts_ok(f) || !dsg_login_channel_ok(f->type, f->channel);
      assigns \nothing;
      ensures \result == DSG_LOGIN_REFUSED || \result == DSG_LOGIN_ERR_ARGS;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_login_result dsg_login_start(dsg_login *r, uint64_t account, uint64_t lock_generation,
                                 int64_t now, const dsg_login_facts *f);

/* The password step at now: ok is 1 when the role verified the password,
 * 0 when it did not. OK moves START to PASSWORD_OK; anything else leaves
 * the record DEAD. @relation(REQ-MFA-001) */
/*@ requires \valid(r);
    assigns r->step, r->password_at;
    ensures \old(dsg_login_password_decides(r, ok, now, lifetime, \result));
    ensures dsg_login_fixed{Pre,Post}(r);
    ensures \result != DSG_LOGIN_OK ==> r->step == DSG_LOGIN_DEAD;
    behavior advanced:
      assumes dsg_login_password_decides(r, ok, now, lifetime, DSG_LOGIN_OK);
      ensures \result == DSG_LOGIN_OK;
      ensures \old(r->step) == DSG_LOGIN_START && r->step == DSG_LOGIN_PASSWORD_OK;
      ensures ok == 1 && dsg_login_live(r->created, now, lifetime);
      ensures r->password_at == now;
      ensures dsg_login_ok(r);
    behavior dead:
      assumes !dsg_login_password_decides(r, ok, now, lifetime, DSG_LOGIN_OK);
      ensures \result != DSG_LOGIN_OK && r->step == DSG_LOGIN_DEAD;
      ensures r->password_at == \old(r->password_at);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_login_result dsg_login_password(dsg_login *r, uint32_t ok, int64_t now, int64_t lifetime);

/* The second-factor step at now with a factor of kind factor
 * (dsg_login_factor); ok as above. OK moves PASSWORD_OK to DONE, and the
 * role may then create the session; anything else leaves the record DEAD.
 * @relation(REQ-MFA-001) @relation(REQ-MFA-002) */
/*@ requires \valid(r);
    assigns r->step, r->done_at;
    ensures \old(dsg_login_second_decides(r, factor, ok, now, lifetime, \result));
    ensures dsg_login_fixed{Pre,Post}(r);
    ensures \result != DSG_LOGIN_OK ==> r->step == DSG_LOGIN_DEAD;
    behavior done:
      assumes dsg_login_second_decides(r, factor, ok, now, lifetime, DSG_LOGIN_OK);
      ensures \result == DSG_LOGIN_OK;
      ensures \old(r->step) == DSG_LOGIN_PASSWORD_OK && r->step == DSG_LOGIN_DONE;
      ensures factor == r->req.factor && ok == 1;
      ensures dsg_login_live(r->created, now, lifetime);
      ensures r->created <= r->password_at <= r->done_at && r->done_at == now;
      ensures dsg_login_ok(r);
    behavior dead:
      assumes !dsg_login_second_decides(r, factor, ok, now, lifetime, DSG_LOGIN_OK);
      ensures \result != DSG_LOGIN_OK && r->step == DSG_LOGIN_DEAD;
      ensures r->done_at == \old(r->done_at);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_login_result dsg_login_second(dsg_login *r, uint32_t factor, uint32_t ok,
                                  int64_t now, int64_t lifetime);

/* Lowercase names for the role's logs ("ok" .. "bad-record"; "unknown"
 * outside the enum). @relation(REQ-MFA-001) */
/*@ assigns \result \from v;
    ensures \valid_read(\result);
*/
const char *dsg_login_result_name(uint32_t v);

#endif
