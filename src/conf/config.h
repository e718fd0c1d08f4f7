/*
 * dsgd.conf: the key registry and the loader (REQ-RUN-018, REQ-RUN-019),
 * the thin shell around the proved lexer src/core/conf_lex. Linked into
 * dsgd and dsgctl. docs/config.md lists every key.
 *
 * Every key has an embedded default, written in the table exactly as
 * the spec (spec/run.md, log.md, acct.md, mfa.md) writes it (a value in
 * the file's own syntax, parsed by the same code as the file), with the
 * default's source.
 * Loading reads the whole file into a temporary configuration that starts
 * from the defaults; on any error the caller's configuration is left as
 * it was, and the error names the file, line, column, key and problem.
 */
#ifndef DSG_CONFIG_H
#define DSG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/conf_lex.h"
#include "share/name_policy.h"

#define DSG_CONFIG_TEXT_MAX 1024u       /* bytes of a text value */
#define DSG_CONFIG_FILE_MAX 1048576u    /* bytes of a configuration file */
#define DSG_CONFIG_NAME_MAX 256u        /* bytes of the file name kept for messages */

typedef enum dsg_config_type {
    DSG_CONFIG_TEXT = 0,      /* a string; min..max bound its length in bytes */
    DSG_CONFIG_UINT = 1,      /* an unsigned decimal integer in min..max */
    DSG_CONFIG_BOOL = 2,      /* true or false */
    DSG_CONFIG_DURATION = 3,  /* digits + ms|s|m|h|d, kept in milliseconds, min..max ms */
    DSG_CONFIG_SIZE = 4,      /* digits + optional B|KiB|MiB|GiB, kept in bytes, min..max */
    DSG_CONFIG_EXTLIST = 5    /* comma-separated file extensions (name_policy rules) */
} dsg_config_type;

/* The keys, in the order of the registry dsg_config_keys. */
typedef enum dsg_config_id {
    DSG_CFG_DSGD_STATE_DIR = 0,
    DSG_CFG_DSGD_USER,
    DSG_CFG_DSGD_ROLES,
    DSG_CFG_DSGD_PIDFILE,
    DSG_CFG_DSGD_SHUTDOWN_TIMEOUT,
    DSG_CFG_DSGD_RESTART_DELAY,
    DSG_CFG_DSGD_RESTART_DELAY_MAX,
    DSG_CFG_DSGD_RESTART_BURST,
    DSG_CFG_DSGD_RESTART_INTERVAL,
    DSG_CFG_DSGD_RESTART_RESET,
    DSG_CFG_DSGD_PING_INTERVAL,
    DSG_CFG_DSGD_PING_TIMEOUT,
    DSG_CFG_PORTAL_LISTEN,
    DSG_CFG_PORTAL_MAX_CONNECTIONS,
    DSG_CFG_PORTAL_HANDSHAKE_TIMEOUT,
    DSG_CFG_PORTAL_ORIGIN,
    DSG_CFG_AUTH_RP_ID,
    DSG_CFG_AUTH_EXPIRY_SWEEP_INTERVAL,
    DSG_CFG_AUTH_PASSWORD_MIN_LENGTH,
    DSG_CFG_AUTH_PASSWORD_MAX_LENGTH,
    DSG_CFG_AUTH_PASSWORD_REQUIRED_CLASSES,
    DSG_CFG_AUTH_SCRYPT_N,
    DSG_CFG_AUTH_SCRYPT_R,
    DSG_CFG_AUTH_SCRYPT_P,
    DSG_CFG_AUTH_TEMPORARY_PASSWORD_LIFETIME,
    DSG_CFG_AUTH_ENROLMENT_CODE_LIFETIME,
    DSG_CFG_AUTH_LOCKOUT_THRESHOLD,
    DSG_CFG_AUTH_LOCKOUT_WINDOW,
    DSG_CFG_AUTH_LOCKOUT_DURATION,
    DSG_CFG_AUTH_CHALLENGE_LIFETIME,
    DSG_CFG_AUTH_SESSION_IDLE_TIMEOUT,
    DSG_CFG_AUTH_SESSION_MAX_LIFETIME,
    DSG_CFG_AUTH_MAX_SESSIONS_PER_USER,
    DSG_CFG_AUTH_PASSWORD_HISTORY,
    DSG_CFG_AUTH_TOTP_SKEW_STEPS,
    DSG_CFG_AUTH_ADMIN_SECOND_FACTOR,
    DSG_CFG_AUTH_MINISTRY_NETWORKS,
    DSG_CFG_AUTH_SOURCE_FAILURES_PER_MINUTE,
    DSG_CFG_AUTH_INACTIVITY_DISABLE_DAYS,
    DSG_CFG_AUTH_ADMIN_TOKEN_LIFETIME,
    DSG_CFG_AUTH_REAUTH_MAX_AGE,
    DSG_CFG_AUTH_WEBAUTHN_AAGUID_ALLOWLIST,
    DSG_CFG_AUTH_WEBAUTHN_SELF_ATTESTATION,
    DSG_CFG_AUTH_WEBAUTHN_ATTESTATION_ROOTS,
    DSG_CFG_AUTH_LOGON_NOTICE,
    DSG_CFG_AUTH_PASSWORD_MAX_AGE_DAYS,
    DSG_CFG_SHARE_AREA_TEMPLATE,
    DSG_CFG_SHARE_CONTRACT_EXPIRY_NOTICE_DAYS,
    DSG_CFG_SHARE_DELETED_RETENTION_DAYS,
    DSG_CFG_SHARE_BULK_DOWNLOAD_THRESHOLD,
    DSG_CFG_BKUP_DEST,
    DSG_CFG_BKUP_ALLOW_SAME_FS,
    DSG_CFG_BKUP_RECIPIENT_PUBKEY,
    DSG_CFG_BKUP_DAILY_TIME,
    DSG_CFG_BKUP_CATCH_UP_DELAY,
    DSG_CFG_BKUP_MAX_DURATION,
    DSG_CFG_BKUP_DRILL_MAX_AGE,
    DSG_CFG_BKUP_RETENTION_DAYS,
    DSG_CFG_BKUP_RETENTION_MIN_COUNT,
    DSG_CFG_BKUP_RETENTION_CLOCK_CHECK,
    DSG_CFG_NTP_MAX_OFFSET,
    DSG_CFG_PORTAL_TLS_MIN_VERSION,
    DSG_CFG_PORTAL_TLS12_CIPHERS,
    DSG_CFG_PORTAL_MAX_REQUEST_LINE,
    DSG_CFG_PORTAL_MAX_HEADER_BYTES,
    DSG_CFG_PORTAL_MAX_HEADER_COUNT,
    DSG_CFG_PORTAL_API_MAX_BODY_BYTES,
    DSG_CFG_PORTAL_UPLOAD_MAX_BYTES,
    DSG_CFG_PORTAL_HEADER_TIMEOUT,
    DSG_CFG_PORTAL_BODY_TIMEOUT,
    DSG_CFG_PORTAL_KEEPALIVE_TIMEOUT,
    DSG_CFG_PORTAL_HSTS_MAX_AGE,
    DSG_CFG_PORTAL_JSON_MAX_DEPTH,
    DSG_CFG_PORTAL_JSON_MAX_TOKENS,
    DSG_CFG_SHARE_FORBIDDEN_EXTENSIONS_EXTRA,
    DSG_CFG_DB_BUSY_TIMEOUT,
    DSG_CFG_CTL_SOCKET,
    DSG_CFG_LOG_CHECKPOINT_INTERVAL,
    DSG_CFG_LOG_CHECKPOINT_RECORDS,
    DSG_CFG_LOG_RETENTION_DAYS,
    DSG_CFG_LOG_ACK_TIMEOUT,
    DSG_CFG_LOG_STORAGE_WARN_PERCENT,
    DSG_CFG_LOG_MAX_FIELD_BYTES,
    DSG_CFG_LOG_UNCOLLECTED_PERIOD,
    DSG_CFG_LOG_FORWARD,
    DSG_CFG_LOG_FORWARD_CA,
    DSG_CFG_LOG_FORWARD_RETRY_MAX,
    DSG_CFG_LOG_FORWARD_TIMEOUT,
    DSG_CFG_PORTAL_CLIENT_CA,
    DSG_CFG_COUNT
} dsg_config_id;

/* One row of the registry. */
typedef struct dsg_config_key {
    const char *name;      /* e.g. "portal.listen" */
    dsg_config_type type;
    const char *def;       /* the default, as the spec writes it (file syntax) */
    uint64_t min, max;     /* range (TEXT, EXTLIST: length in bytes) */
    const char *req;       /* the requirement whose `- config:` line sets it */
    const char *source;    /* where the default comes from */
    const char *doc;       /* one line: what it does */
} dsg_config_key;

extern const dsg_config_key dsg_config_keys[DSG_CFG_COUNT];

/* The value of one key. */
typedef struct dsg_config_value {
    uint64_t num;                          /* UINT; DURATION in ms; SIZE in bytes; BOOL 0/1 */
    size_t text_len;                       /* TEXT, EXTLIST: the value's bytes */
    char text[DSG_CONFIG_TEXT_MAX + 1];    /* NUL-terminated */
    uint32_t line;                         /* 0: the default; else the file's line */
} dsg_config_value;

typedef struct dsg_config {
    dsg_config_value v[DSG_CFG_COUNT];
    dsg_ext_set forbidden_extra;           /* share.forbidden_extensions_extra, normalised */
    char file[DSG_CONFIG_NAME_MAX];        /* the file the values with a line came from */
} dsg_config;

typedef enum dsg_config_status {
    DSG_CONFIG_OK = 0,
    DSG_CONFIG_ERR_IO = 1,           /* "io": cannot open or read, not a regular file */
    DSG_CONFIG_ERR_TOO_BIG = 2,      /* "file-too-big": over DSG_CONFIG_FILE_MAX */
    DSG_CONFIG_ERR_SYNTAX = 3,       /* "syntax": the line breaks the grammar (see .syntax) */
    DSG_CONFIG_ERR_UNKNOWN_KEY = 4,  /* "unknown-key" */
    DSG_CONFIG_ERR_DUPLICATE = 5,    /* "duplicate-key" */
    DSG_CONFIG_ERR_VALUE = 6,        /* "bad-value": malformed for the key's type */
    DSG_CONFIG_ERR_RANGE = 7         /* "out-of-range" */
} dsg_config_status;

typedef struct dsg_config_error {
    dsg_config_status status;
    dsg_conf_kind syntax;            /* ERR_SYNTAX: the rule broken */
    dsg_conf_val value;              /* ERR_VALUE, ERR_RANGE: what the value parser said */
    uint32_t line;                   /* 1-based; 0 when not about a line */
    uint32_t column;                 /* 1-based byte column; 0 when not about a byte */
    uint32_t first_line;             /* ERR_DUPLICATE: where the key was first set */
    char key[DSG_CONF_KEY_MAX + 1];  /* the key, when known; else "" */
    char message[768];               /* "FILE:LINE:COL: KEY: problem" */
} dsg_config_error;

/* Fills every key with its embedded default (no file needed); 0, or -1 if
 * a default in the table does not parse (a build defect the tests catch).
 * @relation(REQ-RUN-018) */
__attribute__((warn_unused_result))
int dsg_config_defaults(dsg_config *cfg);

/* Loads buf[0..len), named `name` in messages, over the defaults. On
 * DSG_CONFIG_OK *cfg is replaced; otherwise *cfg is untouched and *err says
 * why. @relation(REQ-RUN-018, REQ-RUN-019) */
__attribute__((warn_unused_result))
dsg_config_status dsg_config_load_buffer(const char *name, const char *buf, size_t len,
                                         dsg_config *cfg, dsg_config_error *err);

/* Reads the regular file at path (at most DSG_CONFIG_FILE_MAX bytes) and
 * loads it as dsg_config_load_buffer does. @relation(REQ-RUN-018) */
__attribute__((warn_unused_result))
dsg_config_status dsg_config_load_file(const char *path, dsg_config *cfg,
                                       dsg_config_error *err);

/* The registry index of key[0..len), or -1. @relation(REQ-RUN-018) */
int dsg_config_find(const char *key, size_t len);

/* Where the value of key `id` comes from: "default" or "FILE:LINE", into
 * buf (NUL-terminated, truncated to cap). @relation(REQ-RUN-018) */
void dsg_config_origin(const dsg_config *cfg, dsg_config_id id, char *buf, size_t cap);

/* A stable token: the status ("ok", "io", "syntax", "unknown-key", …).
 * @relation(REQ-RUN-018) */
const char *dsg_config_status_token(dsg_config_status status);

/* What a line error means, in words ("missing '=' after the key", …).
 * @relation(REQ-RUN-018) */
const char *dsg_config_syntax_text(dsg_conf_kind kind);

/* What a value error means, in words ("not a decimal number", …).
 * @relation(REQ-RUN-018) */
const char *dsg_config_value_text(dsg_conf_val val);

#endif
