/*
 * ACSL logic for the login flow (src/auth/login_flow.h). Included by that
 * header after the types it talks about; installed with it. No axioms:
 * every function and predicate is a plain definition, and the lemmas are
 * proved by WP.
 */
#ifndef DSG_ACSL_LOGIN_FLOW_H
#define DSG_ACSL_LOGIN_FLOW_H

/*@
  predicate dsg_login_bit(integer b) = b == 0 || b == 1;

  predicate dsg_login_type_known(integer t) =
    t == DSG_ACCT_COMPANY || t == DSG_ACCT_MINISTRY || t == DSG_ACCT_ADMIN;
  predicate dsg_login_channel_known(integer c) =
    c == DSG_LOGIN_PORTAL || c == DSG_LOGIN_CONTROL;
  predicate dsg_login_admin_setting_known(integer a) =
    a == DSG_ADMIN_FACTOR_WEBAUTHN || a == DSG_ADMIN_FACTOR_TOTP;
  predicate dsg_login_factor_known(integer f) =
    f == DSG_LOGIN_WEBAUTHN || f == DSG_LOGIN_TOTP;

  // Every fact in range: a known account type, channel and setting, and
  // the two network facts exactly 0 or 1 (no other value may count as
  // "yes").
  predicate dsg_login_facts_ok{L}(dsg_login_facts *f) =
    dsg_login_type_known(f->type) && dsg_login_bit(f->ministry_network) &&
    dsg_login_bit(f->ministry_cert) && dsg_login_admin_setting_known(f->admin_factor) &&
    dsg_login_channel_known(f->channel);

  // REQ-ACCT-011: administrators log in on the control socket only, users
  // on the portal only.
  predicate dsg_login_channel_ok(integer type, integer channel) =
    type == DSG_ACCT_ADMIN ? channel == DSG_LOGIN_CONTROL : channel == DSG_LOGIN_PORTAL;

  // The biometric exemption of DSG spec 4.2.3: a Ministry account seen
  // coming from a Ministry network or a registered Ministry terminal.
  predicate dsg_login_ministry_exempt(integer type, integer net, integer cert) =
    type == DSG_ACCT_MINISTRY && (net == 1 || cert == 1);

  // The factor table of spec/mfa.md: the second factor for these facts
  // (the second line is dsg_login_ministry_exempt).
  logic integer dsg_login_factor_for(integer type, integer net, integer cert, integer admin) =
    type == DSG_ACCT_ADMIN ?
      (admin == DSG_ADMIN_FACTOR_TOTP ? DSG_LOGIN_TOTP : DSG_LOGIN_WEBAUTHN) :
    type == DSG_ACCT_MINISTRY && (net == 1 || cert == 1) ? DSG_LOGIN_TOTP :
    DSG_LOGIN_WEBAUTHN;

  // A requirement is one of the two levels there are, each complete:
  // WebAuthn with UV, ES256 only, a credential enrolled with a verified
  // packed attestation of an allowlisted model; or TOTP with no WebAuthn
  // parameter at all.
  predicate dsg_login_req_is{L}(dsg_login_req *r, integer f) =
    r->factor == f &&
    (f == DSG_LOGIN_WEBAUTHN ?
       r->uv_required == 1 && r->algs == DSG_LOGIN_ALG_ES256 &&
       r->attestation == DSG_LOGIN_ATT_PACKED_ALLOWLISTED :
     f == DSG_LOGIN_TOTP ?
       r->uv_required == 0 && r->algs == 0 && r->attestation == DSG_LOGIN_ATT_NONE :
     \false);
  predicate dsg_login_req_ok{L}(dsg_login_req *r) =
    dsg_login_req_is(r, DSG_LOGIN_WEBAUTHN) || dsg_login_req_is(r, DSG_LOGIN_TOTP);

  // Monotonicity: a fact the server did not observe can only make the
  // requirement stronger. Taking away the network or the certificate never
  // turns WebAuthn into TOTP, and without either a user needs WebAuthn.
  lemma dsg_login_fewer_facts_never_weaker:
    \forall integer t, n, c, n2, c2, a;
      dsg_login_bit(n) && dsg_login_bit(c) && dsg_login_bit(n2) && dsg_login_bit(c2) &&
      n2 <= n && c2 <= c &&
      dsg_login_factor_for(t, n, c, a) == DSG_LOGIN_WEBAUTHN ==>
      dsg_login_factor_for(t, n2, c2, a) == DSG_LOGIN_WEBAUTHN;
  lemma dsg_login_users_without_exemption_use_webauthn:
    \forall integer t, a; t != DSG_ACCT_ADMIN ==>
      dsg_login_factor_for(t, 0, 0, a) == DSG_LOGIN_WEBAUTHN;

  predicate dsg_login_step_known(integer s) =
    s == DSG_LOGIN_START || s == DSG_LOGIN_PASSWORD_OK ||
    s == DSG_LOGIN_DONE || s == DSG_LOGIN_DEAD;

  // A well-formed record: a complete requirement, and step times that
  // match the step (each step's time at or after the creation, the
  // second after the first). DEAD constrains nothing else: it is the end.
  predicate dsg_login_ok{L}(dsg_login *r) =
    dsg_login_req_ok(&r->req) &&
    (r->step == DSG_LOGIN_START ?
       r->password_at == DSG_LOGIN_NEVER && r->done_at == DSG_LOGIN_NEVER :
     r->step == DSG_LOGIN_PASSWORD_OK ?
       r->created <= r->password_at && r->done_at == DSG_LOGIN_NEVER :
     r->step == DSG_LOGIN_DONE ?
       r->created <= r->password_at <= r->done_at :
     r->step == DSG_LOGIN_DEAD);

  predicate dsg_login_lifetime_ok(integer l) = 1 <= l <= DSG_LOGIN_LIFETIME_MAX;

  // The record is alive at now: not before its creation (a clock that went
  // back fails closed) and before created + lifetime (expired at exactly
  // that instant).
  predicate dsg_login_live(integer created, integer now, integer lifetime) =
    created <= now && now < created + lifetime;

  // What dsg_login_password answers: the first rule broken, in order.
  predicate dsg_login_password_decides{L}(dsg_login *r, integer ok, integer now,
                                          integer lifetime, integer v) =
    !dsg_login_ok(r) ? v == DSG_LOGIN_ERR_STATE :
    !dsg_login_lifetime_ok(lifetime) ? v == DSG_LOGIN_ERR_LIFETIME :
    !dsg_login_bit(ok) ? v == DSG_LOGIN_ERR_ARGS :
    r->step == DSG_LOGIN_DEAD ? v == DSG_LOGIN_DEAD_RECORD :
    r->step != DSG_LOGIN_START ? v == DSG_LOGIN_OUT_OF_ORDER :
    !dsg_login_live(r->created, now, lifetime) ? v == DSG_LOGIN_EXPIRED :
    ok == 0 ? v == DSG_LOGIN_FAILED :
    v == DSG_LOGIN_OK;

  // What dsg_login_second answers: the first rule broken, in order. A now
  // before the password step (a clock that went back) counts as expired.
  predicate dsg_login_second_decides{L}(dsg_login *r, integer f, integer ok,
                                        integer now, integer lifetime, integer v) =
    !dsg_login_ok(r) ? v == DSG_LOGIN_ERR_STATE :
    !dsg_login_lifetime_ok(lifetime) ? v == DSG_LOGIN_ERR_LIFETIME :
    !dsg_login_bit(ok) || !dsg_login_factor_known(f) ? v == DSG_LOGIN_ERR_ARGS :
    r->step == DSG_LOGIN_DEAD ? v == DSG_LOGIN_DEAD_RECORD :
    r->step != DSG_LOGIN_PASSWORD_OK ? v == DSG_LOGIN_OUT_OF_ORDER :
    !dsg_login_live(r->created, now, lifetime) || now < r->password_at ?
      v == DSG_LOGIN_EXPIRED :
    f != r->req.factor ? v == DSG_LOGIN_WRONG_FACTOR :
    ok == 0 ? v == DSG_LOGIN_FAILED :
    v == DSG_LOGIN_OK;

  // What creation fixed and no step may change.
  predicate dsg_login_fixed{L1,L2}(dsg_login *r) =
    \at(r->account, L1) == \at(r->account, L2) &&
    \at(r->lock_generation, L1) == \at(r->lock_generation, L2) &&
    \at(r->created, L1) == \at(r->created, L2) &&
    \at(r->req.factor, L1) == \at(r->req.factor, L2) &&
    \at(r->req.uv_required, L1) == \at(r->req.uv_required, L2) &&
    \at(r->req.algs, L1) == \at(r->req.algs, L2) &&
    \at(r->req.attestation, L1) == \at(r->req.attestation, L2);
*/

#endif
