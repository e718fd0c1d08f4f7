/*
 * The portal's certificate and key, master side (REQ-RUN-011, REQ-RUN-041):
 * generated self-signed at first start under <state directory>/tls/, checked
 * for ownership and mode, and read as bytes for the portal. The portal never
 * opens them (docs/sandbox.md, "Key handling").
 */
#ifndef DSGD_TLS_CERT_H
#define DSGD_TLS_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DSGD_TLS_CERT_MAX 32768u  /* bytes of cert.pem read at most */
#define DSGD_TLS_KEY_MAX 16384u   /* bytes of key.pem read at most */
#define DSGD_TLS_CERT_DAYS 365    /* validity of a generated certificate */

typedef struct dsgd_tls_files {
    uint8_t cert[DSGD_TLS_CERT_MAX];
    size_t cert_len;
    uint8_t key[DSGD_TLS_KEY_MAX];
    size_t key_len;
    char fingerprint[3 * 32];     /* SHA-256 of the DER certificate, "AA:BB:..." */
} dsgd_tls_files;

/* Makes <statedir>/tls (mode 0700, owner: the master's uid), generates an
 * ECDSA P-256 self-signed certificate (CN and SAN localhost, SAN IP
 * 127.0.0.1, DSGD_TLS_CERT_DAYS days) with key.pem (0600) and cert.pem (0644)
 * when both are missing, refuses a key that is not a regular file owned by
 * the master's uid with no group or other permission bits, and reads both
 * into *out. Returns 0, or -1 after logging why.
 * @relation(REQ-RUN-011, REQ-RUN-041) */
__attribute__((warn_unused_result))
int dsgd_tls_files_load(const char *statedir, dsgd_tls_files *out);

/* Wipes the key bytes. @relation(REQ-RUN-041) */
void dsgd_tls_files_wipe(dsgd_tls_files *f);

#endif
