/*
 * X25519 key agreement (RFC 7748) and HKDF-SHA-256 (RFC 5869): the one
 * construction behind every file dsg encrypts to an operator's public key
 * (docs/keys.md, the algorithm register): the escrow file (src/stor/escrow.h,
 * REQ-STOR-009) and the members of a backup (src/bkup/bk_member.h,
 * REQ-BKUP-003).
 *
 * The sender makes an ephemeral key pair; the AES key is HKDF-SHA-256 of
 * the shared secret, the salt both public keys (ephemeral first, then the
 * recipient's), the info naming the format. An all-zero shared secret (a
 * low-order public key, RFC 7748 §6.1) is refused. Keys are raw 32-byte
 * strings.
 *
 * Not pure (OpenSSL, random bytes); in the library.
 */
#ifndef DSG_STOR_X25519_H
#define DSG_STOR_X25519_H

#include <stddef.h>
#include <stdint.h>

#define DSG_X25519_LEN 32u   /* a raw X25519 key, public or private; the derived key */

/* A new key pair from OpenSSL's generator: 0, or -1. @relation(REQ-STOR-009, REQ-BKUP-003) */
__attribute__((warn_unused_result))
int dsg_x25519_keygen(uint8_t priv[DSG_X25519_LEN], uint8_t pub[DSG_X25519_LEN]);

/* The public key of priv: 0, or -1. @relation(REQ-STOR-009, REQ-BKUP-003) */
__attribute__((warn_unused_result))
int dsg_x25519_public(const uint8_t priv[DSG_X25519_LEN], uint8_t pub[DSG_X25519_LEN]);

/* key = HKDF-SHA-256(X25519(priv, peer), salt = eph || recipient, info):
 * the sender passes its ephemeral private key and the recipient's public
 * key as peer, the recipient its private key and the ephemeral public key.
 * 0, or -1 (an all-zero shared secret, OpenSSL); key is wiped then.
 * @relation(REQ-STOR-009, REQ-BKUP-003) */
__attribute__((warn_unused_result))
int dsg_x25519_hkdf(const uint8_t priv[DSG_X25519_LEN], const uint8_t peer[DSG_X25519_LEN],
                    const uint8_t eph[DSG_X25519_LEN], const uint8_t recipient[DSG_X25519_LEN],
                    const uint8_t *info, size_t info_len, uint8_t key[DSG_X25519_LEN]);

#endif
