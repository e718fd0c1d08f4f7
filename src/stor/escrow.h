/*
 * The escrow file of the gateway's keys (spec/stor.md REQ-STOR-009,
 * docs/keys.md "Escrowing the keys"): the master's key-encryption key and
 * logd's two audit keys (chain.key, sign.key), encrypted under an
 * operator's passphrase (scrypt, RFC 7914) or to an operator's X25519
 * public key (RFC 7748, HKDF-SHA-256 of RFC 5869), AES-256-GCM.
 *
 * Layout (big-endian):
 *
 *   "DSGE" | version 1 | mode | mode's fields | nonce (12) | be32 payload length
 *   | ciphertext of the payload | GCM tag (16)
 *
 *   mode 1, passphrase: be32 N | be32 r | be32 p | salt (16)
 *   mode 2, public key: the ephemeral X25519 public key (32)
 *
 * Everything before the ciphertext is the header, and is GCM's associated
 * data: a changed byte anywhere refuses the file. The payload is a count
 * (u8) and that many entries, each a name length (u8), the name, a be16
 * length and the bytes: "kek" (32 bytes), "chain.key" (32 bytes) and
 * "sign.key" (logd's PKCS#8 PEM, as its file holds it), each exactly once.
 *
 * Not pure (OpenSSL, random bytes); in the library, used by dsgd's master
 * (which builds the file) and dsgctl (which derives the passphrase key,
 * writes the file and opens it again to import it).
 */
#ifndef DSG_STOR_ESCROW_H
#define DSG_STOR_ESCROW_H

#include <stddef.h>
#include <stdint.h>

#define DSG_ESCROW_KEY_LEN 32u         /* the KEK, the chain key, the AES key */
#define DSG_ESCROW_SIGN_MAX 1024u      /* logd's sign.key, PEM */
#define DSG_ESCROW_SALT_LEN 16u
#define DSG_ESCROW_PUB_LEN 32u         /* an X25519 key, raw */
#define DSG_ESCROW_MAX 2048u           /* the longest escrow file */
#define DSG_ESCROW_PASS_MIN 16u        /* the shortest passphrase */
#define DSG_ESCROW_PASS_MAX 1024u

/* scrypt's bounds: N a power of two in [2^10, 2^20], r in [1, 32], p in
 * [1, 16], and 128 * r * N at most 1 GiB of memory. */
#define DSG_ESCROW_N_MIN 1024u
#define DSG_ESCROW_N_MAX 1048576u
#define DSG_ESCROW_N_DEFAULT 1048576u  /* spec/stor.md: stor.escrow_scrypt_n */

enum { DSG_ESCROW_PASSPHRASE = 1, DSG_ESCROW_PUBLIC_KEY = 2 };

/* What an escrow file could not be opened for. */
typedef enum dsg_escrow_status {
    DSG_ESCROW_OK = 0,
    DSG_ESCROW_FORMAT,      /* not an escrow file: magic, version, mode, a field out of range */
    DSG_ESCROW_TRUNCATED,   /* shorter (or longer) than its header says */
    DSG_ESCROW_WRONG_MODE,  /* a passphrase given for a public-key file, or the other way */
    DSG_ESCROW_DENIED,      /* the tag fails: the wrong passphrase or key, or a changed byte */
    DSG_ESCROW_PAYLOAD,     /* it opens, but does not hold the three keys as above */
    DSG_ESCROW_BAD_ARG,     /* a passphrase too short or long, scrypt parameters out of range */
    DSG_ESCROW_CRYPTO       /* OpenSSL failed (memory, no random bytes) */
} dsg_escrow_status;

/* The keys an escrow file holds. */
typedef struct dsg_escrow_keys {
    uint8_t kek[DSG_ESCROW_KEY_LEN];
    uint8_t chain_key[DSG_ESCROW_KEY_LEN];
    uint8_t sign_key[DSG_ESCROW_SIGN_MAX];
    size_t sign_len;
} dsg_escrow_keys;

/* The scrypt parameters of a passphrase file. */
typedef struct dsg_escrow_scrypt {
    uint32_t n, r, p;
    uint8_t salt[DSG_ESCROW_SALT_LEN];
} dsg_escrow_scrypt;

/* Whether n, r, p are within the bounds above. @relation(REQ-STOR-009) */
int dsg_escrow_scrypt_ok(uint32_t n, uint32_t r, uint32_t p);

/* The AES key of a passphrase (DSG_ESCROW_PASS_MIN..MAX bytes) under s:
 * scrypt (OpenSSL's EVP_KDF "SCRYPT"). @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_escrow_status dsg_escrow_derive(const uint8_t *pass, size_t len, const dsg_escrow_scrypt *s,
                                    uint8_t key[DSG_ESCROW_KEY_LEN]);

/* The escrow file of k in passphrase mode, s its scrypt parameters and key
 * the AES key dsg_escrow_derive gave for them, into out[0..cap); its length
 * in *len. @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_escrow_status dsg_escrow_seal_derived(const dsg_escrow_keys *k, const dsg_escrow_scrypt *s,
                                          const uint8_t key[DSG_ESCROW_KEY_LEN], uint8_t *out,
                                          size_t cap, size_t *len);

/* The escrow file of k to the X25519 public key pub (raw): a new ephemeral
 * key pair, HKDF-SHA-256 of the shared secret. @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_escrow_status dsg_escrow_seal_public(const dsg_escrow_keys *k,
                                         const uint8_t pub[DSG_ESCROW_PUB_LEN], uint8_t *out,
                                         size_t cap, size_t *len);

/* The mode of the escrow file in[0..len) (its header checked), or
 * -(a dsg_escrow_status). @relation(REQ-STOR-009) */
int dsg_escrow_mode(const uint8_t *in, size_t len);

/* The scrypt parameters of a passphrase file. @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_escrow_status dsg_escrow_params(const uint8_t *in, size_t len, dsg_escrow_scrypt *s);

/* Opens a passphrase file with the passphrase pass[0..plen) into k (wiped
 * on failure). @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_escrow_status dsg_escrow_open_passphrase(const uint8_t *in, size_t len, const uint8_t *pass,
                                             size_t plen, dsg_escrow_keys *k);

/* Opens a public-key file with the X25519 private key priv (raw) into k
 * (wiped on failure). @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_escrow_status dsg_escrow_open_private(const uint8_t *in, size_t len,
                                          const uint8_t priv[DSG_ESCROW_PUB_LEN],
                                          dsg_escrow_keys *k);

/* A sentence for a status ("the file is cut short", ...). @relation(REQ-STOR-009) */
const char *dsg_escrow_status_text(dsg_escrow_status st);

#endif
