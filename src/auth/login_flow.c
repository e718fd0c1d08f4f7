/*
 * Login flow (REQ-MFA-001, REQ-MFA-002, REQ-ACCT-011). See login_flow.h
 * for the table, the steps and the contract, acsl/PROOFS.md for what is
 * proved.
 *
 * Time arithmetic never overflows: the expiry test never computes
 * created + lifetime when that sum would pass INT64_MAX (live).
 */
#include "auth/login_flow.h"

#define BIT(c) ((int)(c))

/*@ requires \valid_read(f);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_login_facts_ok(f);
*/
static int facts_ok(const dsg_login_facts *f)
{
    return BIT(f->type < DSG_ACCT_TYPE_COUNT) & BIT(f->ministry_network <= 1u) &
           BIT(f->ministry_cert <= 1u) &
           BIT(f->admin_factor <= (uint32_t)DSG_ADMIN_FACTOR_TOTP) &
           BIT(f->channel <= (uint32_t)DSG_LOGIN_CONTROL);
}

/* REQ-ACCT-011: administrators on the control socket, users on the portal. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_login_channel_ok(type, channel);
*/
static int channel_ok(uint32_t type, uint32_t channel)
{
    if (type == DSG_ACCT_ADMIN)
        return BIT(channel == DSG_LOGIN_CONTROL);
    return BIT(channel == DSG_LOGIN_PORTAL);
}

/*@ requires dsg_login_facts_ok(f) && \valid_read(f);
    assigns \nothing;
    ensures \result == dsg_login_factor_for(f->type, f->ministry_network,
                                            f->ministry_cert, f->admin_factor);
*/
static dsg_login_factor factor_for(const dsg_login_facts *f)
{
    if (f->type == DSG_ACCT_ADMIN)
        return f->admin_factor == DSG_ADMIN_FACTOR_TOTP ? DSG_LOGIN_TOTP : DSG_LOGIN_WEBAUTHN;
    /* The biometric exemption of DSG spec 4.2.3, and nothing else. */
    if (BIT(f->type == DSG_ACCT_MINISTRY) & (BIT(f->ministry_network == 1u) |
                                             BIT(f->ministry_cert == 1u)))
        return DSG_LOGIN_TOTP;
    return DSG_LOGIN_WEBAUTHN;
}

/*@ requires \valid(out);
    requires fac == DSG_LOGIN_WEBAUTHN || fac == DSG_LOGIN_TOTP;
    assigns *out;
    ensures dsg_login_req_is(out, fac);
*/
static void fill_req(dsg_login_req *out, dsg_login_factor fac)
{
    out->factor = (uint32_t)fac;
    if (fac == DSG_LOGIN_WEBAUTHN) {
        out->uv_required = 1;
        out->algs = DSG_LOGIN_ALG_ES256;
        out->attestation = DSG_LOGIN_ATT_PACKED_ALLOWLISTED;
        return;
    }
    out->uv_required = 0;
    out->algs = 0;
    out->attestation = DSG_LOGIN_ATT_NONE;
}

dsg_login_result dsg_login_required(const dsg_login_facts *f, dsg_login_req *out)
{
    if (!facts_ok(f))
        return DSG_LOGIN_ERR_ARGS;
    if (!channel_ok(f->type, f->channel))
        return DSG_LOGIN_REFUSED;
    fill_req(out, factor_for(f));
    return DSG_LOGIN_OK;
}

/*@ requires \valid_read(r);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_login_req_ok(r);
*/
static int req_ok(const dsg_login_req *r)
{
    if (r->factor == DSG_LOGIN_WEBAUTHN)
        return BIT(r->uv_required == 1u) & BIT(r->algs == DSG_LOGIN_ALG_ES256) &
               BIT(r->attestation == DSG_LOGIN_ATT_PACKED_ALLOWLISTED);
    if (r->factor == DSG_LOGIN_TOTP)
        return BIT(r->uv_required == 0u) & BIT(r->algs == 0u) &
               BIT(r->attestation == DSG_LOGIN_ATT_NONE);
    return 0;
}

int dsg_login_is_valid(const dsg_login *r)
{
    if (!req_ok(&r->req))
        return 0;
    switch (r->step) {
    case DSG_LOGIN_START:
        return BIT(r->password_at == DSG_LOGIN_NEVER) & BIT(r->done_at == DSG_LOGIN_NEVER);
    case DSG_LOGIN_PASSWORD_OK:
        return BIT(r->created <= r->password_at) & BIT(r->done_at == DSG_LOGIN_NEVER);
    case DSG_LOGIN_DONE:
        return BIT(r->created <= r->password_at) & BIT(r->password_at <= r->done_at);
    case DSG_LOGIN_DEAD:
        return 1;
    default:
        return 0;
    }
}

dsg_login_result dsg_login_start(dsg_login *r, uint64_t account, uint64_t lock_generation,
                                 int64_t now, const dsg_login_facts *f)
{
    dsg_login_req req;
    dsg_login_result res = dsg_login_required(f, &req);
    if (res != DSG_LOGIN_OK)
        return res;
    r->account = account;
    r->lock_generation = lock_generation;
    r->created = now;
    r->req = req;
    r->step = DSG_LOGIN_START;
    r->password_at = DSG_LOGIN_NEVER;
    r->done_at = DSG_LOGIN_NEVER;
    return DSG_LOGIN_OK;
}

/* created <= now < created + lifetime, without computing a sum past
 * INT64_MAX: when created + lifetime is later than any time there is,
 * every now at or after created is before it. */
/*@ requires dsg_login_lifetime_ok(lifetime);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_login_live(created, now, lifetime);
*/
static int live(int64_t created, int64_t now, int64_t lifetime)
{
    if (now < created)
        return 0;      /* the clock went back: fail closed */
    if (created > INT64_MAX - lifetime)
        return 1;
    return BIT(now < created + lifetime);
}

/* The checks both steps make before their own, in their order: the
 * record, the lifetime, the arguments, a DEAD record, the step, the
 * expiry (also when now is before since, the time of the step before: a
 * clock that went back fails closed). OK when the step may be judged. */
/*@ requires \valid_read(r);
    assigns \nothing;
    ensures \result == DSG_LOGIN_OK ==>
              dsg_login_ok(r) && dsg_login_lifetime_ok(lifetime) && args_ok == 1 &&
              r->step == want && dsg_login_live(r->created, now, lifetime) && since <= now;
    ensures \result != DSG_LOGIN_OK ==>
              (!dsg_login_ok(r) ? \result == DSG_LOGIN_ERR_STATE :
               !dsg_login_lifetime_ok(lifetime) ? \result == DSG_LOGIN_ERR_LIFETIME :
               args_ok != 1 ? \result == DSG_LOGIN_ERR_ARGS :
               r->step == DSG_LOGIN_DEAD ? \result == DSG_LOGIN_DEAD_RECORD :
               r->step != want ? \result == DSG_LOGIN_OUT_OF_ORDER :
               \result == DSG_LOGIN_EXPIRED &&
               (!dsg_login_live(r->created, now, lifetime) || now < since));
*/
static dsg_login_result precheck(const dsg_login *r, uint32_t want, int args_ok,
                                 int64_t since, int64_t now, int64_t lifetime)
{
    if (!dsg_login_is_valid(r))
        return DSG_LOGIN_ERR_STATE;
    if (BIT(lifetime < 1) | BIT(lifetime > DSG_LOGIN_LIFETIME_MAX))
        return DSG_LOGIN_ERR_LIFETIME;
    if (args_ok != 1)
        return DSG_LOGIN_ERR_ARGS;
    if (r->step == DSG_LOGIN_DEAD)
        return DSG_LOGIN_DEAD_RECORD;
    if (r->step != want)
        return DSG_LOGIN_OUT_OF_ORDER;
    if (BIT(now < since) | BIT(live(r->created, now, lifetime) == 0))
        return DSG_LOGIN_EXPIRED;
    return DSG_LOGIN_OK;
}

dsg_login_result dsg_login_password(dsg_login *r, uint32_t ok, int64_t now, int64_t lifetime)
{
    dsg_login_result res = precheck(r, DSG_LOGIN_START, BIT(ok <= 1u), r->created, now,
                                    lifetime);
    if (res == DSG_LOGIN_OK && ok == 0u)
        res = DSG_LOGIN_FAILED;
    if (res != DSG_LOGIN_OK) {
        r->step = DSG_LOGIN_DEAD;   /* a new attempt starts over */
        return res;
    }
    r->password_at = now;
    r->step = DSG_LOGIN_PASSWORD_OK;
    return DSG_LOGIN_OK;
}

dsg_login_result dsg_login_second(dsg_login *r, uint32_t factor, uint32_t ok,
                                  int64_t now, int64_t lifetime)
{
    int args_ok = BIT(ok <= 1u) &
                  (BIT(factor == DSG_LOGIN_WEBAUTHN) | BIT(factor == DSG_LOGIN_TOTP));
    dsg_login_result res = precheck(r, DSG_LOGIN_PASSWORD_OK, args_ok, r->password_at, now,
                                    lifetime);
    if (res == DSG_LOGIN_OK && factor != r->req.factor)
        res = DSG_LOGIN_WRONG_FACTOR;
    if (res == DSG_LOGIN_OK && ok == 0u)
        res = DSG_LOGIN_FAILED;
    if (res != DSG_LOGIN_OK) {
        r->step = DSG_LOGIN_DEAD;   /* a new attempt starts over */
        return res;
    }
    r->done_at = now;
    r->step = DSG_LOGIN_DONE;
    return DSG_LOGIN_OK;
}

const char *dsg_login_result_name(uint32_t v)
{
    switch (v) {
    case DSG_LOGIN_OK: return "ok";
    case DSG_LOGIN_REFUSED: return "wrong-channel";
    case DSG_LOGIN_DEAD_RECORD: return "dead";
    case DSG_LOGIN_OUT_OF_ORDER: return "out-of-order";
    case DSG_LOGIN_EXPIRED: return "expired";
    case DSG_LOGIN_WRONG_FACTOR: return "wrong-factor";
    case DSG_LOGIN_FAILED: return "failed";
    case DSG_LOGIN_ERR_ARGS: return "bad-args";
    case DSG_LOGIN_ERR_LIFETIME: return "bad-lifetime";
    case DSG_LOGIN_ERR_STATE: return "bad-record";
    default: return "unknown";
    }
}
