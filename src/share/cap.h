/*
 * Capability tokens of protected-information sharing (REQ-SHARE-008): the
 * storage layer (src/share/object_store.h) accepts only a token that the
 * access decision (src/share/access.h, REQ-SHARE-007) alone can mint.
 *
 * A token says: account `account` may do `op` on version `version` of the
 * stored object `object_id` until `expiry` (ms since the epoch,
 * exclusive). Its tag is HMAC-SHA-256 over every other field under a
 * 256-bit key that lives in a static of cap.c only: drawn once from
 * OpenSSL's private DRBG (RAND_priv_bytes) by dsg_cap_init() or at the
 * first mint, never written anywhere, never exported, gone with the
 * process. The struct is visible so that callers can hold a token on the
 * stack and pass it on; filling it by hand gives a token no check accepts.
 *
 * The only way to a tag is dsg_cap_mint, and dsg_cap_mint fills one only
 * after dsg_access_decide answered ALLOW. NOTHING ELSE IN THE CODE BASE
 * MAY COMPUTE A CAPABILITY TAG: cap.c is the only file that reads the key
 * (cap_key) or calls the tag function (cap_tag); a reviewer checks it with
 *   grep -rn 'cap_key\|cap_tag\|DSG_CAP_TAG_LABEL' src/
 * which must name src/share/cap.c (and this comment) only.
 *
 * The caller who mints names the stored object and version the request's
 * object (its ancestry, chain[depth - 1]) is: the share role takes both
 * from its own records, never from the client's words. A token lives
 * DSG_CAP_LIFETIME_MS: it is minted right before the store is called, for
 * one put or one get, and a later operation needs a new decision.
 *
 * The key is drawn in the process that mints and checks: call
 * dsg_cap_init() before the sandbox if getrandom may be refused there.
 * Not pure (OpenSSL, one static key); linked into the library and the
 * unit tests.
 */
#ifndef DSG_SHARE_CAP_H
#define DSG_SHARE_CAP_H

#include <stddef.h>
#include <stdint.h>

#include "share/access.h"

#define DSG_CAP_OBJECT_ID_LEN 16u      /* a stored object's ID (src/stor/segment.h) */
#define DSG_CAP_TAG_LEN 32u            /* HMAC-SHA-256 */
#define DSG_CAP_LIFETIME_MS 60000      /* a token is good for one minute after its decision */

typedef struct dsg_cap {
    int64_t account;                   /* who was allowed */
    uint32_t op;                       /* dsg_access_op allowed */
    uint8_t object_id[DSG_CAP_OBJECT_ID_LEN];
    uint64_t version;
    int64_t expiry;                    /* ms since the epoch; good while now < expiry */
    uint8_t tag[DSG_CAP_TAG_LEN];
} dsg_cap;

/* Draws the tag key once (later calls do nothing): 0, or -1 when the
 * random generator failed (then no token is ever minted).
 * @relation(REQ-SHARE-008) */
__attribute__((warn_unused_result))
int dsg_cap_init(void);

/* Decides req at now with dsg_access_decide over grants[0 .. n) (the
 * decision's time is now, whatever req->ask.now says). On ALLOW fills
 * *cap for req's account and operation, object_id and version, expiring
 * DSG_CAP_LIFETIME_MS after now, with its tag, and returns 0. Otherwise
 * *cap is all zero and the result is -1 (DENY: no grant covers req, a
 * malformed request) or -2 (no key: the random generator or HMAC failed;
 * or now too close to the end of time for an expiry).
 * @relation(REQ-SHARE-008) */
__attribute__((warn_unused_result))
int dsg_cap_mint(const dsg_grant *grants, size_t n, const dsg_access_req *req,
                 const uint8_t object_id[DSG_CAP_OBJECT_ID_LEN], uint64_t version,
                 int64_t now, dsg_cap *cap);

/* 1 when cap is a token this process minted (its tag verifies, compared in
 * constant time) for op on object_id's version `version`, and
 * now < cap->expiry; else 0. @relation(REQ-SHARE-008) */
__attribute__((warn_unused_result))
int dsg_cap_check(const dsg_cap *cap, uint32_t op,
                  const uint8_t object_id[DSG_CAP_OBJECT_ID_LEN], uint64_t version,
                  int64_t now);

#endif
