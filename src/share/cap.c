/*
 * Capability tokens (REQ-SHARE-008): see cap.h. The only file that holds
 * the tag key or computes a tag.
 */
#define _POSIX_C_SOURCE 200809L
#include "share/cap.h"

#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define DSG_CAP_TAG_LABEL "dsg capability v1"
#define KEY_LEN 32u
/* label, account, op, object ID, version, expiry */
#define MSG_LEN (sizeof DSG_CAP_TAG_LABEL - 1 + 8u + 4u + DSG_CAP_OBJECT_ID_LEN + 8u + 8u)

static uint8_t cap_key[KEY_LEN];
static int cap_key_ready;              /* 1 drawn, -1 the generator failed */
static pthread_once_t cap_key_once = PTHREAD_ONCE_INIT;

static void cap_key_draw(void)
{
    cap_key_ready = RAND_priv_bytes(cap_key, sizeof cap_key) == 1 ? 1 : -1;
    if (cap_key_ready != 1)
        OPENSSL_cleanse(cap_key, sizeof cap_key);
}

int dsg_cap_init(void)
{
    if (pthread_once(&cap_key_once, cap_key_draw) != 0)
        return -1;
    return cap_key_ready == 1 ? 0 : -1;
}

static uint8_t *put_be(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8u * (bytes - 1u - i)));
    return p + bytes;
}

/* The tag of every field of c but the tag, into tag: 0, or -1. */
static int cap_tag(const dsg_cap *c, uint8_t tag[DSG_CAP_TAG_LEN])
{
    uint8_t msg[MSG_LEN], md[EVP_MAX_MD_SIZE];
    size_t md_len = 0;
    uint8_t *p = msg;
    int ok;

    if (cap_key_ready != 1)
        return -1;
    memcpy(p, DSG_CAP_TAG_LABEL, sizeof DSG_CAP_TAG_LABEL - 1);
    p += sizeof DSG_CAP_TAG_LABEL - 1;
    p = put_be(p, (uint64_t)c->account, 8);
    p = put_be(p, c->op, 4);
    memcpy(p, c->object_id, DSG_CAP_OBJECT_ID_LEN);
    p += DSG_CAP_OBJECT_ID_LEN;
    p = put_be(p, c->version, 8);
    put_be(p, (uint64_t)c->expiry, 8);
    ok = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, cap_key, sizeof cap_key, msg, sizeof msg,
                   md, sizeof md, &md_len) != NULL &&
         md_len == DSG_CAP_TAG_LEN;
    if (ok)
        memcpy(tag, md, DSG_CAP_TAG_LEN);
    OPENSSL_cleanse(md, sizeof md);
    return ok ? 0 : -1;
}

int dsg_cap_mint(const dsg_grant *grants, size_t n, const dsg_access_req *req,
                 const uint8_t object_id[DSG_CAP_OBJECT_ID_LEN], uint64_t version,
                 int64_t now, dsg_cap *cap)
{
    dsg_access_req at = *req;
    size_t which = 0;

    memset(cap, 0, sizeof *cap);
    at.ask.now = now;
    if (dsg_access_decide(grants, n, &at, &which) != DSG_ACCESS_ALLOW)
        return -1;
    if (now > INT64_MAX - DSG_CAP_LIFETIME_MS || dsg_cap_init() != 0)
        return -2;   /* no expiry to give, no key */
    cap->account = at.ask.account;
    cap->op = at.ask.op;
    memcpy(cap->object_id, object_id, DSG_CAP_OBJECT_ID_LEN);
    cap->version = version;
    cap->expiry = now + DSG_CAP_LIFETIME_MS;
    if (cap_tag(cap, cap->tag) != 0) {
        memset(cap, 0, sizeof *cap);
        return -2;
    }
    return 0;
}

int dsg_cap_check(const dsg_cap *cap, uint32_t op,
                  const uint8_t object_id[DSG_CAP_OBJECT_ID_LEN], uint64_t version,
                  int64_t now)
{
    uint8_t want[DSG_CAP_TAG_LEN];
    int ok;

    if (dsg_cap_init() != 0 || cap_tag(cap, want) != 0)
        return 0;
    ok = CRYPTO_memcmp(want, cap->tag, sizeof want) == 0;
    OPENSSL_cleanse(want, sizeof want);
    return ok && cap->op == op && memcmp(cap->object_id, object_id, DSG_CAP_OBJECT_ID_LEN) == 0 &&
           cap->version == version && now < cap->expiry;
}
