/*
 * The portal's TLS policy as configured (REQ-RUN-010): `dsgd -n`, and
 * every start and reload, refuse a portal.tls12_ciphers that would let
 * TLS 1.2 negotiate a suite without AEAD or without ECDHE key exchange,
 * and a portal.tls_min_version below TLS 1.2. OpenSSL itself expands the
 * list and describes each suite (SSL_CIPHER_is_aead,
 * SSL_CIPHER_get_kx_nid): no name is matched as a string.
 */
#ifndef DSGD_TLS_POLICY_H
#define DSGD_TLS_POLICY_H

#include <stddef.h>

#include "conf/config.h"

/* Checks an OpenSSL cipher list for TLS 1.2: 0 when it selects at least
 * one suite and every suite it selects is AEAD with ECDHE key exchange and
 * AES-GCM, the one AEAD of the algorithm register (docs/keys.md); -1
 * otherwise, with the problem (naming the first offending suite) in why.
 * @relation(REQ-RUN-010, REQ-STOR-006) */
__attribute__((warn_unused_result))
int dsgd_tls12_ciphers_check(const char *list, char *why, size_t n);

/* Checks portal.tls12_ciphers and portal.tls_min_version of a loaded
 * configuration: 0, or -1 with "FILE:LINE: key: problem" (or
 * "default: ...") in err. @relation(REQ-RUN-010) */
__attribute__((warn_unused_result))
int dsgd_tls_policy_check(const dsg_config *c, char *err, size_t n);

#endif
