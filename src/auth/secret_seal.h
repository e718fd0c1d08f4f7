/*
 * A secret kept at rest under a data key (REQ-MFA-018): AES-256-GCM with a
 * random 96-bit nonce and the owner's ID (a user ID) as associated data,
 * stored as nonce || ciphertext || tag. The associated data binds a sealed
 * secret to its owner: moved to another account's row it no longer opens.
 * Not pure (OpenSSL's random generator); linked into dsgd's auth role and
 * the unit tests. docs/keys.md.
 */
#ifndef DSG_SECRET_SEAL_H
#define DSG_SECRET_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define DSG_SEAL_KEY_LEN 32u
#define DSG_SEAL_NONCE_LEN 12u
#define DSG_SEAL_TAG_LEN 16u
#define DSG_SEAL_OVERHEAD (DSG_SEAL_NONCE_LEN + DSG_SEAL_TAG_LEN)
#define DSG_SEAL_MAX 256u   /* bytes of a secret */

/* Seals in[0 .. len) (1 to DSG_SEAL_MAX bytes) for owner into
 * out[0 .. len + DSG_SEAL_OVERHEAD). 0, or -1 (bad length, OpenSSL).
 * @relation(REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsg_secret_seal(const uint8_t key[DSG_SEAL_KEY_LEN], const char *owner, const uint8_t *in,
                    size_t len, uint8_t *out);

/* Opens a sealed in[0 .. len) of owner into out (room for len -
 * DSG_SEAL_OVERHEAD bytes), *out_len its length. 0, or -1 when it is too
 * short or too long, or does not open under key and owner (another key,
 * another owner, a changed byte): out is then wiped.
 * @relation(REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsg_secret_open(const uint8_t key[DSG_SEAL_KEY_LEN], const char *owner, const uint8_t *in,
                    size_t len, uint8_t *out, size_t *out_len);

#endif
