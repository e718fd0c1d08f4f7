/*
 * dsgd settings: one small struct the master and the workers run with,
 * filled from the configuration (embedded defaults or `dsgd -f FILE`, see
 * docs/config.md), then from the command line.
 */
#ifndef DSGD_SETTINGS_H
#define DSGD_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "run/fwd_wire.h"

#define DSGD_PATH_MAX 4096

typedef struct dsgd_settings {
    char statedir[DSGD_PATH_MAX];   /* -s; default ./var (absolute after start) */
    char pidfile[DSGD_PATH_MAX];    /* -p; default <statedir>/dsgd.pid */
    char user[64];                  /* -u; default dsg: the workers' user */
    char ctl_socket[108];           /* ctl.socket; default <statedir>/run/dsgctl.sock;
                                     * absolute after start (sun_path's size) */
    int foreground;                 /* -d: stay in the foreground, log to stderr */
    uint32_t restart_delay_ms;      /* dsgd.restart_delay: 100 ms (systemd RestartSec) */
    uint32_t restart_delay_max_ms;  /* dsgd.restart_delay_max: 60 s */
    uint32_t restart_reset_ms;      /* dsgd.restart_reset: up this long resets the delay, 60 s */
    uint32_t restart_burst;         /* dsgd.restart_burst: more exits than this ... 5 */
    uint32_t restart_interval_ms;   /* dsgd.restart_interval: ... within this mark it failed, 10 s */
    uint32_t log_ack_timeout_ms;    /* log.ack_timeout: logd stores a record within this, 2 s */
    uint32_t log_storage_warn_percent; /* log.storage_warn_percent: 75 */
    uint32_t roles_enabled;         /* dsgd.roles: a bit per index of dsgd_roles, logd's set */
    struct dsgd_logd_settings {     /* logd's keys, passed to it at exec (-L) */
        uint32_t checkpoint_interval_ms;   /* log.checkpoint_interval: 60 s */
        uint32_t checkpoint_records;       /* log.checkpoint_records: 1000 */
        uint32_t retention_days;           /* log.retention_days: 365 */
        uint32_t max_field_bytes;          /* log.max_field_bytes: 4096 */
        uint32_t busy_timeout_ms;          /* db.busy_timeout: 5 s */
    } logd;
    struct dsgd_auth_settings {     /* the auth role's keys, passed to it at exec (-L) */
        uint32_t busy_timeout_ms;          /* db.busy_timeout: 5 s */
        uint32_t expiry_sweep_ms;          /* auth.expiry_sweep_interval: 1 h */
        uint32_t password_min_length;      /* auth.password_min_length: 12 */
        uint32_t password_max_length;      /* auth.password_max_length: 128 */
        uint32_t password_required_classes; /* auth.password_required_classes: 3 */
        uint32_t scrypt_log2_n;            /* auth.scrypt_n = 2^this: 17 */
        uint32_t scrypt_r;                 /* auth.scrypt_r: 8 */
        uint32_t scrypt_p;                 /* auth.scrypt_p: 1 */
        uint32_t temporary_password_ms;    /* auth.temporary_password_lifetime: 7 d */
        uint32_t enrolment_code_ms;        /* auth.enrolment_code_lifetime: 7 d */
        uint32_t lockout_threshold;        /* auth.lockout_threshold: 3 */
        uint32_t lockout_window_ms;        /* auth.lockout_window: 15 min */
        uint32_t lockout_duration_ms;      /* auth.lockout_duration: 15 min */
        uint32_t challenge_ms;             /* auth.challenge_lifetime: 300 s */
        uint32_t session_idle_ms;          /* auth.session_idle_timeout: 15 min */
        uint32_t session_max_ms;           /* auth.session_max_lifetime: 12 h */
        uint32_t max_sessions;             /* auth.max_sessions_per_user: 10 */
        uint32_t password_history;         /* auth.password_history: 5 */
        uint32_t totp_skew;                /* auth.totp_skew_steps: 1 */
        uint32_t admin_factor;             /* auth.admin_second_factor: 0 webauthn, 1 totp */
        uint32_t self_attestation;         /* auth.webauthn_self_attestation: 0 */
        uint32_t source_failures;          /* auth.source_failures_per_minute: 10 */
        uint32_t inactivity_days;          /* auth.inactivity_disable_days: 35 */
        uint32_t admin_token_ms;           /* auth.admin_token_lifetime: 15 min */
        uint32_t reauth_ms;                /* auth.reauth_max_age: 15 min */
        uint32_t password_max_age_days;    /* auth.password_max_age_days: 0 off */
        char ministry_networks[1025];      /* auth.ministry_networks as written: "" none */
        char rp_id[254];                   /* auth.rp_id */
        char origin[256];                  /* portal.origin */
        char aaguids[1025];                /* auth.webauthn_aaguid_allowlist as written */
        char roots[DSGD_PATH_MAX];         /* auth.webauthn_attestation_roots: "" none */
        char notice[1025];                 /* auth.logon_notice */
    } auth;
    struct dsgd_share_settings {    /* the share role's keys, passed to it at exec (-L) */
        uint32_t busy_timeout_ms;          /* db.busy_timeout: 5 s */
        uint32_t notice_days;              /* share.contract_expiry_notice_days: 30 */
        uint32_t retention_days;           /* share.deleted_retention_days: 90 */
        uint32_t bulk_threshold;           /* share.bulk_download_threshold: 20 */
        char area_template[1025];          /* share.area_template as written */
    } share;
    char bkup_dest[DSGD_PATH_MAX];  /* bkup.dest: "" none; absolute after start (REQ-BKUP-016) */
    int bkup_allow_same_fs;         /* bkup.allow_same_fs */
    char bkup_recipient[DSGD_PATH_MAX];   /* bkup.recipient_pubkey: "" none (REQ-BKUP-003) */
    uint32_t bkup_daily_minute;     /* bkup.daily_time: minutes after 00:00 UTC (REQ-BKUP-001) */
    uint32_t bkup_catch_up_ms;      /* bkup.catch_up_delay */
    uint32_t bkup_max_ms;           /* bkup.max_duration */
    uint64_t bkup_drill_max_s;      /* bkup.drill_max_age */
    uint32_t bkup_retention_days;   /* bkup.retention_days (REQ-BKUP-008) */
    uint32_t bkup_retention_min;    /* bkup.retention_min_count */
    int bkup_retention_clock;       /* bkup.retention_clock_check: 1 kernel, 0 none */
    uint32_t ntp_max_offset_ms;     /* ntp.max_offset (REQ-NTP-003) */
    struct dsgd_fwd_settings {      /* forwarding the audit trail (REQ-LOG-047) */
        char list[1025];                   /* log.forward as written: "" none */
        char ca[DSGD_PATH_MAX];            /* log.forward_ca */
        uint32_t retry_max_ms;             /* log.forward_retry_max: 30 s */
        uint32_t timeout_ms;               /* log.forward_timeout: 10 s */
        dsgd_fwd_targets targets;          /* log.forward parsed */
    } fwd;
    uint32_t shutdown_timeout_ms;   /* dsgd.shutdown_timeout: 90 s (systemd DefaultTimeoutStopSec) */
    uint32_t ping_interval_ms;      /* dsgd.ping_interval: 10 s */
    uint32_t ping_timeout_ms;       /* dsgd.ping_timeout: 10 s after a PING */
    char portal_addr[16];           /* portal.listen address: 127.0.0.1 (IPv4 literal) */
    uint16_t portal_port;           /* portal.listen port: 8443 */
    uint32_t portal_max_conns;      /* portal.max_connections: 64 */
    uint32_t portal_handshake_ms;   /* portal.handshake_timeout: 10 s */
    uint32_t portal_head_ms;        /* portal.header_timeout: 60 s */
    uint32_t portal_keepalive_ms;   /* portal.keepalive_timeout: 75 s */
    uint32_t portal_max_request_line;  /* portal.max_request_line: 8190 */
    uint32_t portal_max_header_bytes;  /* portal.max_header_bytes: 32768 */
    uint32_t portal_max_header_count;  /* portal.max_header_count: 100 */
    uint32_t portal_hsts_max_age;      /* portal.hsts_max_age: 31536000 s */
    uint32_t portal_body_ms;           /* portal.body_timeout: 60 s */
    uint32_t portal_api_max_body;      /* portal.api_max_body_bytes: 1 MiB */
    uint64_t portal_upload_max;        /* portal.upload_max_bytes: 4 GiB */
    uint32_t portal_json_max_depth;    /* portal.json_max_depth: 32 */
    uint32_t portal_json_max_tokens;   /* portal.json_max_tokens: 4096 */
    uint32_t portal_tls_min_version;   /* portal.tls_min_version: TLS1_2_VERSION */
    char portal_tls12_ciphers[1025];   /* portal.tls12_ciphers (checked: tls_policy.h) */
    char portal_client_ca[256];        /* portal.client_ca: a PEM file, "" none (REQ-MFA-002) */
} dsgd_settings;

struct dsg_config;

/* Fills *s with the embedded defaults (those of src/conf/config).
 * @relation(REQ-RUN-030) */
void dsgd_settings_defaults(dsgd_settings *s);

/* Fills *s from a loaded configuration, keeping s->foreground; 0, or -1
 * with a message in err. @relation(REQ-RUN-018) */
int dsgd_settings_from_config(dsgd_settings *s, const struct dsg_config *c, char *err,
                              size_t n);

/* Checks dsgd.roles of a loaded configuration: 0, or -1 with "FILE:LINE:
 * dsgd.roles: problem" (or "default: ...") in err. @relation(REQ-RUN-001) */
int dsgd_settings_roles_check(const struct dsg_config *c, char *err, size_t n);

/* Checks log.forward and log.forward_ca of a loaded configuration: the
 * collectors parse, and a CA file is named when there is one: 0, or -1
 * with "FILE:LINE: key: problem" (or "default: ...") in err.
 * @relation(REQ-LOG-047) */
int dsgd_settings_forward_check(const struct dsg_config *c, char *err, size_t n);

/* Checks the auth.* keys of a loaded configuration together: scrypt's N a
 * power of two, the scrypt parameters within what src/auth/pw_hash
 * accepts, and password_min_length <= password_max_length: 0, or -1 with
 * "FILE:LINE: key: problem" in err. @relation(REQ-MFA-024, REQ-MFA-008) */
int dsgd_settings_auth_check(const struct dsg_config *c, char *err, size_t n);

/* Checks the share.* keys of a loaded configuration: share.area_template
 * as dsg_area_template_parse reads it: 0, or -1 with "FILE:LINE: key:
 * problem" in err. @relation(REQ-SHARE-006) */
int dsgd_settings_share_check(const struct dsg_config *c, char *err, size_t n);

/* logd's settings as the argument of its -L option ("MS:N:DAYS:BYTES:MS");
 * 0, or -1 when out is too small. @relation(REQ-LOG-007, REQ-LOG-004) */
int dsgd_settings_logd_arg(const struct dsgd_logd_settings *l, char *out, size_t cap);

/* Reads that argument: 0, or -1 when it is not five decimal numbers
 * separated by ':' (nothing is changed). @relation(REQ-LOG-007, REQ-LOG-004) */
int dsgd_settings_logd_parse(const char *arg, struct dsgd_logd_settings *l);

/* The auth role's settings as the argument of its -L option: its 21
 * numbers, in order, separated by ':', then, each after a '|',
 * auth.ministry_networks, auth.rp_id, portal.origin,
 * auth.webauthn_aaguid_allowlist and auth.webauthn_attestation_roots (the
 * last, so a path may hold '|'); 0, or -1 when out is too small or one of
 * the first four texts holds a '|'.
 * @relation(REQ-ACCT-023, REQ-MFA-024, REQ-MFA-008, REQ-MFA-022) */
int dsgd_settings_auth_arg(const struct dsgd_auth_settings *a, char *out, size_t cap);

/* Reads that argument: 0, or -1 when it is not that (nothing is changed).
 * @relation(REQ-ACCT-023, REQ-MFA-024, REQ-MFA-008, REQ-MFA-022) */
int dsgd_settings_auth_parse(const char *arg, struct dsgd_auth_settings *a);

/* The share role's settings as the argument of its -L option
 * ("MS:DAYS:DAYS:FILES|TEMPLATE": db.busy_timeout,
 * share.contract_expiry_notice_days, share.deleted_retention_days,
 * share.bulk_download_threshold, then share.area_template), and back: 0,
 * or -1. @relation(REQ-SHARE-006, REQ-SHARE-021, REQ-SHARE-012, REQ-MFA-015) */
int dsgd_settings_share_arg(const struct dsgd_share_settings *s, char *out, size_t cap);
/* @relation(REQ-SHARE-006, REQ-SHARE-021, REQ-SHARE-012, REQ-MFA-015) */
int dsgd_settings_share_parse(const char *arg, struct dsgd_share_settings *s);

#define DSGD_AAGUIDS_MAX 32u

/* auth.webauthn_aaguid_allowlist: UUIDs as text (8-4-4-4-12 hex digits,
 * either case) separated by commas, spaces around them allowed; "" is the
 * empty list. Into out[0 .. *n): 0, or -1 with the reason in why.
 * @relation(REQ-MFA-022) */
int dsgd_settings_aaguids(const char *text, uint8_t (*out)[16], size_t cap, size_t *n,
                          char *why, size_t why_n);

/* Sets the portal's listener from "ADDR:PORT" (an IPv4 literal, checked
 * when the master binds, and a port 1..65535); 0, or -1 with a message.
 * @relation(REQ-RUN-041) */
int dsgd_settings_listen(dsgd_settings *s, const char *addr_port, char *err, size_t n);

#endif
