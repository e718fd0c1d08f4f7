/*
 * dsgctl's side of key escrow (spec/stor.md REQ-STOR-009, docs/keys.md
 * "Escrowing the keys"): the operator's files (the passphrase file, the
 * X25519 key files), the destination of `dsgctl key export` (never inside
 * the state directory, never an existing file; written 0600 and synced),
 * and `dsgctl key import`, which restores the escrowed keys onto a stopped
 * or fresh installation.
 *
 * The import changes nothing until every check has passed: dsgd is not
 * running (its pid file is not locked, its control socket does not
 * answer), no rotation of the KEK is unfinished (keys/kek.new), the
 * imported KEK opens every wrapped data key
 * there is (auth/totp.key.wrapped, share/store.key.wrapped: the KEK check
 * value), and logd's imported keys verify its audit trail (every
 * checkpoint's signature under sign.key's public key, every record's MAC
 * under chain.key: dsg_audit_verify finds no break) and match its sign.pub.
 * Then each key is written as NAME.new (0600, its owner), synced and
 * renamed over NAME, the directory synced: logd's keys owned by the owner
 * of STATE/logd, the KEK by root. Last, the marker keys/imported (the
 * time, the uid, the escrow file and its SHA-256, the mode), which the
 * master records as keys-imported at its next start and removes.
 *
 * Not pure (files, OpenSSL, SQLite); in the library, used by dsgctl.
 */
#ifndef DSG_CTL_KEY_ESCROW_H
#define DSG_CTL_KEY_ESCROW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stor/escrow.h"

/* What an import ended with: dsgctl's exit status. */
typedef enum dsg_ke_status {
    DSG_KE_OK = 0,
    DSG_KE_REFUSED = 1,      /* dsgd runs, a rotation is unfinished, or the keys do not match */
    DSG_KE_DENIED = 2,       /* the escrow file does not open (passphrase, key, a changed byte) */
    DSG_KE_USAGE = 64,
    DSG_KE_DATAERR = 65,     /* not an escrow file, cut short, a bad key file */
    DSG_KE_NOINPUT = 66,     /* a file cannot be read */
    DSG_KE_SOFTWARE = 70,
    DSG_KE_CANTCREAT = 73,   /* the destination exists or lies in the state directory */
    DSG_KE_IOERR = 74,
    DSG_KE_NOPERM = 77       /* not root */
} dsg_ke_status;

/* The passphrase in the file path: its bytes but one final LF (or CRLF),
 * DSG_ESCROW_PASS_MIN..MAX bytes, into out[0..DSG_ESCROW_PASS_MAX), its
 * length in *len. @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_ke_status dsg_ke_passphrase(const char *path, uint8_t *out, size_t *len, char *err, size_t n);

/* The X25519 key in the PEM file path, raw: its private key when
 * want_private, else its public key (a private key file gives its public
 * key too). @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_ke_status dsg_ke_x25519(const char *path, int want_private, uint8_t raw[DSG_ESCROW_PUB_LEN],
                            char *err, size_t n);

/* The escrow file at path into buf[0..cap), its length in *len:
 * DSG_KE_OK, or DSG_KE_NOINPUT (unreadable, or longer than cap) with a
 * message. @relation(REQ-STOR-009, REQ-STOR-011) */
__attribute__((warn_unused_result))
dsg_ke_status dsg_ke_read(const char *path, uint8_t *buf, size_t cap, size_t *len, char *err,
                          size_t n);

/* The keys of the escrow file in[0..len), opened with the passphrase in
 * the file pass or, pass NULL, the X25519 private key in the PEM file
 * priv: DSG_KE_OK and *k; DSG_KE_DENIED when it does not open with them
 * (or a byte changed), DSG_KE_DATAERR for no escrow file, DSG_KE_USAGE
 * for a passphrase or key file that is not one, with a message in err. @relation(REQ-STOR-009, REQ-STOR-011) */
__attribute__((warn_unused_result))
dsg_ke_status dsg_ke_open(const uint8_t *in, size_t len, const char *pass, const char *priv,
                          dsg_escrow_keys *k, char *err, size_t n);

/* The state directory of `dsgctl config show`'s text (the line
 * `dsgd.state_dir = "..."`) into out. 0, or -1. @relation(REQ-STOR-009) */
int dsg_ke_state_dir_of(const char *text, size_t len, char *out, size_t cap);

/* The text value of the key name in `dsgctl config show`'s text (its
 * line `NAME = "..."`, escapes undone) into out, "" included. 0, or -1
 * when there is no such line or it does not fit.
 * @relation(REQ-STOR-009, REQ-BKUP-005) */
int dsg_ke_config_text(const char *text, size_t len, const char *name, char *out, size_t cap);

/* Whether dest may receive an escrow file: it does not exist, and the real
 * path of its directory is neither statedir's real path nor under it.
 * DSG_KE_OK, or DSG_KE_CANTCREAT with the reason. @relation(REQ-STOR-009) */
dsg_ke_status dsg_ke_destination(const char *dest, const char *statedir, char *err, size_t n);

/* data written to dest: created exclusively, never through a link, mode
 * 0600, synced, its directory synced; removed again when any step fails.
 * @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_ke_status dsg_ke_write(const char *dest, const uint8_t *data, size_t len, char *err,
                           size_t n);

/* Who imports, and from what, for the marker. */
typedef struct dsg_ke_origin {
    const char *file;              /* the escrow file, as given */
    const uint8_t *bytes;          /* its content */
    size_t len;
    const char *mode;              /* "passphrase" or "public key" */
    uid_t uid;
    const char *logd_user;         /* owner of a STATE/logd created here */
    const char *socket;            /* dsgd's control socket, NULL: STATE/run/dsgctl.sock */
} dsg_ke_origin;

/* The keys k imported into statedir as above. DSG_KE_OK with a summary in
 * msg, or the status with the reason (nothing changed when it is not OK,
 * but for a failed write, after which running the import again completes
 * it). @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
dsg_ke_status dsg_ke_import(const char *statedir, const dsg_escrow_keys *k,
                            const dsg_ke_origin *o, char *msg, size_t n);

#endif
