/*
 * Password hashing of the auth role (REQ-MFA-008): scrypt (RFC 7914) through
 * OpenSSL 3's EVP_KDF "SCRYPT", a 16-byte salt from RAND_bytes, and the
 * parameters stored with the hash in one self-describing string, in the
 * PHC string format:
 *
 *     $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>
 *
 * <salt> is 16 bytes and <hash> 32 bytes, each in base64 (RFC 4648 §4
 * alphabet) without padding: 22 and 43 characters, the unused low bits of
 * the last character zero. The numbers are decimal without sign or leading
 * zero. Nothing else is accepted: no other field, order, length or spacing.
 *
 * Also here: verification in constant time (CRYPTO_memcmp), the "needs
 * rehash" test, a dummy verification for unknown user IDs (REQ-MFA-012),
 * the history comparison (REQ-MFA-010) and the issuing of temporary
 * passwords (REQ-MFA-009). The caller zeroes its own copy of the password.
 */
#ifndef DSG_PW_HASH_H
#define DSG_PW_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "auth/pw_policy.h"

#define DSG_PW_SALT_LEN 16u
#define DSG_PW_HASH_LEN 32u
#define DSG_PW_HASH_STR_MAX 96u      /* longest hash string, without NUL */
#define DSG_SCRYPT_LN_MIN 1u
#define DSG_SCRYPT_LN_MAX 20u
#define DSG_SCRYPT_R_MAX 32u
#define DSG_SCRYPT_P_MAX 16u
/* The most memory one computation may take (128 * r * (N + p + 2) bytes):
 * N = 2^17, r = 8 (OWASP) needs 128 MiB, twice that is the ceiling. */
#define DSG_SCRYPT_MAXMEM (256u * 1024u * 1024u)
#define DSG_PW_TEMP_LENGTH 16u       /* characters of a temporary password */

/* scrypt cost: N = 2^log2_n, block size r, parallelism p. */
typedef struct dsg_scrypt_params {
    uint32_t log2_n;
    uint32_t r;
    uint32_t p;
} dsg_scrypt_params;

/* A parsed hash string. */
typedef struct dsg_pw_hash_rec {
    dsg_scrypt_params params;
    uint8_t salt[DSG_PW_SALT_LEN];
    uint8_t hash[DSG_PW_HASH_LEN];
} dsg_pw_hash_rec;

/* 1 when log2_n, r and p are in range and the memory they need is at most
 * DSG_SCRYPT_MAXMEM. @relation(REQ-MFA-008) */
__attribute__((warn_unused_result))
int dsg_scrypt_params_is_valid(const dsg_scrypt_params *prm);

/* scrypt(pw, salt, prm) into out[0..out_len) through EVP_KDF "SCRYPT", with
 * its maxmem set to what prm needs. 0, or -1 (params out of range, out_len
 * 0 or over 1024) or -2 (OpenSSL refused). @relation(REQ-MFA-008) */
__attribute__((warn_unused_result))
int dsg_scrypt_derive(const uint8_t *pw, size_t pw_len, const uint8_t *salt,
                      size_t salt_len, const dsg_scrypt_params *prm,
                      uint8_t *out, size_t out_len);

/* Writes rec as a hash string and a NUL into out[0..cap); its length, or -1
 * (params out of range, cap too small). @relation(REQ-MFA-008) */
__attribute__((warn_unused_result))
int dsg_pw_hash_format(const dsg_pw_hash_rec *rec, char *out, size_t cap);

/* Parses the hash string s[0..len) (no NUL needed) into *rec: 0, or -1
 * (malformed or params out of range; *rec untouched). @relation(REQ-MFA-008) */
__attribute__((warn_unused_result))
int dsg_pw_hash_parse(const char *s, size_t len, dsg_pw_hash_rec *rec);

/* Hashes pw with a fresh salt from RAND_bytes and the parameters prm, as a
 * hash string into out[0..cap): its length, or -1 (params, cap), -2
 * (RAND_bytes or the KDF failed). @relation(REQ-MFA-008) */
__attribute__((warn_unused_result))
int dsg_pw_hash_new(const uint8_t *pw, size_t pw_len,
                    const dsg_scrypt_params *prm, char *out, size_t cap);

/* 1 when pw matches the stored hash string, 0 when it does not, -1 when
 * the string is malformed or the KDF failed. The comparison takes the same
 * time wherever the hashes differ. @relation(REQ-MFA-008) */
__attribute__((warn_unused_result))
int dsg_pw_verify(const char *stored, size_t stored_len,
                  const uint8_t *pw, size_t pw_len);

/* The work of dsg_pw_verify with the parameters prm, for a user ID that does
 * not exist, so that the answer takes as long; always 0 (no match), or -1
 * when prm is out of range or the KDF failed. @relation(REQ-MFA-012) */
__attribute__((warn_unused_result))
int dsg_pw_verify_dummy(const uint8_t *pw, size_t pw_len,
                        const dsg_scrypt_params *prm);

/* 1 when the stored hash used a weaker cost than configured (smaller N, r or
 * p) and should be recomputed at the next successful login; 0 when not; -1
 * when the string is malformed. @relation(REQ-MFA-008) */
__attribute__((warn_unused_result))
int dsg_pw_needs_rehash(const char *stored, size_t stored_len,
                        const dsg_scrypt_params *configured);

/* 1 when pw matches one of the n stored hash strings hashes[i][0..lens[i])
 * (the password history), 0 when none, -1 when one is malformed or the KDF
 * failed. Every entry is computed, match or not. @relation(REQ-MFA-010) */
__attribute__((warn_unused_result))
int dsg_pw_in_history(const char *const *hashes, const size_t *lens, size_t n,
                      const uint8_t *pw, size_t pw_len);

/* Issues a temporary password for the user uid[0..uid_len): max(policy
 * min_length, DSG_PW_TEMP_LENGTH) ASCII characters drawn uniformly from
 * RAND_bytes over upper case, lower case, digits and 14 symbols, redrawn
 * until all four classes are present and dsg_pw_check accepts it. Written
 * with a NUL into out[0..cap), the length in *out_len. 0, or -1 (policy or
 * user ID refused by dsg_pw_check, cap too small), -2 (RAND_bytes failed or
 * no compliant draw in 64 tries). @relation(REQ-MFA-009) */
__attribute__((warn_unused_result))
int dsg_pw_issue_temporary(const dsg_pw_policy *policy, const uint8_t *uid,
                           size_t uid_len, char *out, size_t cap,
                           size_t *out_len);

#endif
