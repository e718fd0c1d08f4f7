/*
 * dsgd.conf: the key registry and the loader. The shell around the proved
 * lexer (src/core/conf_lex): file I/O, the registry, duplicates and typed
 * values. See config.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "conf/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MS_S 1000u
#define MS_M 60000u
#define MS_H 3600000u
#define MS_D 86400000u
#define KIB 1024u
#define MIB 1048576u
#define GIB 1073741824u

#define SRC_FHS_RUN "FHS /run convention"

/* The registry. Defaults and sources are copied from the `- config:` lines
 * of spec/run.md and spec/log.md (tests/check_config.c checks that they
 * match, byte for byte). */
const dsg_config_key dsg_config_keys[DSG_CFG_COUNT] = {
    [DSG_CFG_DSGD_STATE_DIR] = { "dsgd.state_dir", DSG_CONFIG_TEXT, "\"var\"", 1, 255,
        "REQ-RUN-025",
        "DESIGN.md, on a fresh machine SQLite files and keys live under ./var/; /var/lib/dsg when installed, per the FHS",
        "directory for databases, keys and certificates (relative: to the working directory)" },
    [DSG_CFG_DSGD_USER] = { "dsgd.user", DSG_CONFIG_TEXT, "\"dsg\"", 1, 32,
        "REQ-RUN-024",
        "REQ-RUN-024, the unprivileged user make install and sysusers.d create",
        "user the workers run as when dsgd starts as root" },
    [DSG_CFG_DSGD_ROLES] = { "dsgd.roles", DSG_CONFIG_TEXT, "\"portal, ctl, auth, share\"", 0, 255,
        "REQ-RUN-001",
        "REQ-RUN-001, every role of this release; logd, the audit trail, always runs",
        "roles started besides logd, separated by commas (a role left out opens no socket)" },
    [DSG_CFG_DSGD_PIDFILE] = { "dsgd.pidfile", DSG_CONFIG_TEXT, "\"var/dsgd.pid\"", 1, 255,
        "REQ-RUN-009",
        "embedded default, <state directory>/dsgd.pid under ./var/; /run/dsg/dsgd.pid when installed, per the FHS /run convention",
        "pidfile written and locked at start" },
    [DSG_CFG_DSGD_SHUTDOWN_TIMEOUT] = { "dsgd.shutdown_timeout", DSG_CONFIG_DURATION, "90s",
        MS_S, MS_H, "REQ-RUN-009", "systemd DefaultTimeoutStopSec default",
        "time allowed for a clean stop on SIGTERM" },
    [DSG_CFG_DSGD_RESTART_DELAY] = { "dsgd.restart_delay", DSG_CONFIG_DURATION, "100ms",
        1, MS_H, "REQ-RUN-008", "systemd RestartSec default",
        "first delay before restarting a worker that exited (doubles each time)" },
    [DSG_CFG_DSGD_RESTART_DELAY_MAX] = { "dsgd.restart_delay_max", DSG_CONFIG_DURATION, "60s",
        1, MS_D, "REQ-RUN-008", "engineering default; not a standard figure",
        "longest restart delay" },
    [DSG_CFG_DSGD_RESTART_BURST] = { "dsgd.restart_burst", DSG_CONFIG_UINT, "5", 1, 1000,
        "REQ-RUN-008", "systemd StartLimitBurst default",
        "exits within dsgd.restart_interval after which a role is marked failed" },
    [DSG_CFG_DSGD_RESTART_INTERVAL] = { "dsgd.restart_interval", DSG_CONFIG_DURATION, "10s",
        MS_S, MS_D, "REQ-RUN-008", "systemd StartLimitIntervalSec default",
        "window in which dsgd.restart_burst exits mark a role failed" },
    [DSG_CFG_DSGD_RESTART_RESET] = { "dsgd.restart_reset", DSG_CONFIG_DURATION, "60s",
        1, MS_D, "REQ-RUN-034",
        "engineering default equal to dsgd.restart_delay_max; not a standard figure",
        "a worker up this long starts again from dsgd.restart_delay" },
    [DSG_CFG_DSGD_PING_INTERVAL] = { "dsgd.ping_interval", DSG_CONFIG_DURATION, "10s",
        100, MS_H, "REQ-RUN-030", "engineering default; not a standard figure",
        "how often the master sends each worker a PING" },
    [DSG_CFG_DSGD_PING_TIMEOUT] = { "dsgd.ping_timeout", DSG_CONFIG_DURATION, "10s",
        100, MS_H, "REQ-RUN-030", "engineering default; not a standard figure",
        "a worker whose PONG has not come this long after a PING is restarted" },
    [DSG_CFG_PORTAL_LISTEN] = { "portal.listen", DSG_CONFIG_TEXT, "\"127.0.0.1:8443\"", 1, 255,
        "REQ-RUN-011",
        "NIST SP 800-53 Rev.5 CM-7 least functionality; loopback only until the operator configures an address",
        "address:port the portal's TLS listener binds" },
    [DSG_CFG_PORTAL_MAX_CONNECTIONS] = { "portal.max_connections", DSG_CONFIG_UINT, "64", 1,
        256, "REQ-RUN-043",
        "engineering default; not a standard figure; at most 256, compiled in",
        "connections the portal serves at once" },
    [DSG_CFG_PORTAL_HANDSHAKE_TIMEOUT] = { "portal.handshake_timeout", DSG_CONFIG_DURATION,
        "10s", 100, MS_H, "REQ-RUN-043", "engineering default; not a standard figure",
        "time a client has to complete its TLS handshake" },
    [DSG_CFG_PORTAL_ORIGIN] = { "portal.origin", DSG_CONFIG_TEXT, "\"https://localhost:8443\"",
        1, 255, "REQ-RUN-011",
        "W3C WebAuthn Level 2, an RP ID must be a domain, not an IP address, and the origin must be secure",
        "origin browsers use for the portal (WebAuthn checks it)" },
    [DSG_CFG_AUTH_RP_ID] = { "auth.rp_id", DSG_CONFIG_TEXT, "\"localhost\"", 1, 253,
        "REQ-RUN-011",
        "W3C WebAuthn Level 2, the RP ID is a registrable domain suffix of the origin's effective domain",
        "WebAuthn relying party ID (a domain, never an IP address)" },
    [DSG_CFG_AUTH_EXPIRY_SWEEP_INTERVAL] = { "auth.expiry_sweep_interval", DSG_CONFIG_DURATION,
        "1h", MS_S, MS_D, "REQ-ACCT-004",
        "project default; NIST SP 800-53 Rev.5 AC-2(3) leaves the time to disable to the organisation — login refusal does not wait for it",
        "how often the auth role moves accounts past their expiry to EXPIRED" },
    [DSG_CFG_AUTH_PASSWORD_MIN_LENGTH] = { "auth.password_min_length", DSG_CONFIG_UINT, "12",
        8, 1024, "REQ-MFA-007",
        "ANSSI R18 baseline, at least 12 characters; NIST SP 800-63B §5.1.1.1 sets 8 as the floor",
        "fewest characters of a password" },
    [DSG_CFG_AUTH_PASSWORD_MAX_LENGTH] = { "auth.password_max_length", DSG_CONFIG_UINT, "128",
        64, 1024, "REQ-MFA-007",
        "NIST SP 800-63B §5.1.1.2, at least 64 characters must be permitted",
        "most characters of a password" },
    [DSG_CFG_AUTH_PASSWORD_REQUIRED_CLASSES] = { "auth.password_required_classes",
        DSG_CONFIG_UINT, "3", 0, 4, "REQ-MFA-007",
        "CIS Microsoft Windows benchmarks, \"Password must meet complexity requirements\": three of four character categories",
        "character classes (upper, lower, digit, other) a password needs" },
    [DSG_CFG_AUTH_SCRYPT_N] = { "auth.scrypt_n", DSG_CONFIG_UINT, "131072", 2, 1048576,
        "REQ-MFA-008", "OWASP Password Storage Cheat Sheet, scrypt N=2^17, r=8, p=1",
        "scrypt cost N of new password hashes (a power of two)" },
    [DSG_CFG_AUTH_SCRYPT_R] = { "auth.scrypt_r", DSG_CONFIG_UINT, "8", 1, 32, "REQ-MFA-008",
        "OWASP Password Storage Cheat Sheet", "scrypt block size r of new password hashes" },
    [DSG_CFG_AUTH_SCRYPT_P] = { "auth.scrypt_p", DSG_CONFIG_UINT, "1", 1, 16, "REQ-MFA-008",
        "OWASP Password Storage Cheat Sheet", "scrypt parallelism p of new password hashes" },
    [DSG_CFG_AUTH_TEMPORARY_PASSWORD_LIFETIME] = { "auth.temporary_password_lifetime",
        DSG_CONFIG_DURATION, "7d", MS_M, 30 * (uint64_t)MS_D, "REQ-MFA-009",
        "NIST SP 800-63A Rev.3 §4.4.1.6, an enrolment code given for binding an authenticator later is valid for at most 7 days",
        "how long an issued initial or reset password stays usable" },
    [DSG_CFG_AUTH_ENROLMENT_CODE_LIFETIME] = { "auth.enrolment_code_lifetime",
        DSG_CONFIG_DURATION, "7d", MS_M, 30 * (uint64_t)MS_D, "REQ-MFA-006",
        "NIST SP 800-63A Rev.3 §4.4.1.6, an enrolment code given for binding an authenticator later is valid for at most 7 days",
        "how long an issued enrolment code stays usable" },
    [DSG_CFG_AUTH_LOCKOUT_THRESHOLD] = { "auth.lockout_threshold", DSG_CONFIG_UINT, "3", 1, 100,
        "REQ-MFA-011", "DISA RHEL 7 STIG and ANSSI R18 baseline, 3 failed attempts",
        "consecutive failures of one factor that lock the account" },
    [DSG_CFG_AUTH_LOCKOUT_WINDOW] = { "auth.lockout_window", DSG_CONFIG_DURATION, "15m",
        MS_S, 7 * (uint64_t)MS_D, "REQ-MFA-011",
        "DISA RHEL 7 STIG and ANSSI R18 baseline, within 15 minutes",
        "failures count towards a lock while they come this soon after the first" },
    [DSG_CFG_AUTH_LOCKOUT_DURATION] = { "auth.lockout_duration", DSG_CONFIG_DURATION, "15m",
        MS_S, 30 * (uint64_t)MS_D, "REQ-MFA-011",
        "ANSSI R18 baseline, automatic unlock after 15 minutes; CIS Windows, lockout duration at least 15 minutes",
        "how long a lock lasts (an administrator may unlock sooner)" },
    [DSG_CFG_AUTH_CHALLENGE_LIFETIME] = { "auth.challenge_lifetime", DSG_CONFIG_DURATION, "300s",
        MS_S, MS_H, "REQ-MFA-001",
        "W3C WebAuthn Level 2, recommended ceremony timeout of 300 to 600 seconds when user verification is required",
        "how long a login may take from its password step to its last step" },
    [DSG_CFG_AUTH_SESSION_IDLE_TIMEOUT] = { "auth.session_idle_timeout", DSG_CONFIG_DURATION,
        "15m", MS_M, MS_D, "REQ-ACCT-014",
        "NIST SP 800-63B §4.3.3, AAL3 inactivity timeout 15 minutes",
        "a session unused this long ends" },
    [DSG_CFG_AUTH_SESSION_MAX_LIFETIME] = { "auth.session_max_lifetime", DSG_CONFIG_DURATION,
        "12h", MS_M, 7 * (uint64_t)MS_D, "REQ-ACCT-014",
        "NIST SP 800-63B §4.2.3 and §4.3.3, reauthentication at least every 12 hours",
        "a session ends this long after its login, however used" },
    [DSG_CFG_AUTH_MAX_SESSIONS_PER_USER] = { "auth.max_sessions_per_user", DSG_CONFIG_UINT, "10",
        1, 1000, "REQ-ACCT-015", "DISA RHEL 7 STIG RHEL-07-040000, concurrent sessions limited to 10",
        "sessions one account holds at once; a login beyond ends the oldest" },
    [DSG_CFG_AUTH_PASSWORD_HISTORY] = { "auth.password_history", DSG_CONFIG_UINT, "5", 0, 64,
        "REQ-MFA-010", "DISA RHEL 7 STIG RHEL-07-010270, passwords not reused for five generations",
        "earlier passwords a new one may not repeat (0: none)" },
    [DSG_CFG_AUTH_TOTP_SKEW_STEPS] = { "auth.totp_skew_steps", DSG_CONFIG_UINT, "1", 0, 10,
        "REQ-MFA-005", "RFC 6238 §5.2, at most one time step of network delay recommended",
        "30-second steps a TOTP code may be early or late" },
    [DSG_CFG_AUTH_ADMIN_SECOND_FACTOR] = { "auth.admin_second_factor", DSG_CONFIG_TEXT,
        "webauthn", 4, 8, "REQ-MFA-002",
        "NIST SP 800-63B §4.3.2 and §5.2.5, AAL3 requires verifier-impersonation resistance, which WebAuthn has and an OTP lacks; totp is the deployment's explicit choice",
        "administrators' second factor: webauthn, or totp" },
    [DSG_CFG_AUTH_SOURCE_FAILURES_PER_MINUTE] = { "auth.source_failures_per_minute",
        DSG_CONFIG_UINT, "10", 1, 1000, "REQ-MFA-013",
        "project default; NIST SP 800-63B §5.2.2 requires rate limiting and caps consecutive failures per account at 100, without fixing a per-source rate",
        "failed credential steps one source (an IPv4 address, an IPv6 /64) may make in a minute before its steps are answered 429" },
    [DSG_CFG_AUTH_INACTIVITY_DISABLE_DAYS] = { "auth.inactivity_disable_days", DSG_CONFIG_UINT,
        "35", 1, 3650, "REQ-ACCT-005",
        "DISA RHEL 7 STIG RHEL-07-010290, account identifiers disabled after 35 days of inactivity",
        "days without a successful login after which the sweep suspends an account" },
    [DSG_CFG_AUTH_ADMIN_TOKEN_LIFETIME] = { "auth.admin_token_lifetime", DSG_CONFIG_DURATION,
        "15m", MS_M, MS_D, "REQ-ACCT-012",
        "NIST SP 800-63B §4.3.3, AAL3 reauthentication after 15 minutes of inactivity",
        "an administrator's dsgctl login token unused this long ends (it ends at auth.session_max_lifetime in any case)" },
    [DSG_CFG_AUTH_REAUTH_MAX_AGE] = { "auth.reauth_max_age", DSG_CONFIG_DURATION, "15m", MS_S,
        MS_D, "REQ-MFA-015",
        "NIST SP 800-63B §4.3.3, AAL3 reauthentication after 15 minutes of inactivity",
        "a decision on an application, and a bulk download of more than share.bulk_download_threshold files, needs a login (both factors) younger than this" },
    [DSG_CFG_AUTH_MINISTRY_NETWORKS] = { "auth.ministry_networks", DSG_CONFIG_TEXT, "\"\"", 0,
        1024, "REQ-MFA-002",
        "deny by default: no source address is exempt from WebAuthn until the operator lists the Ministry networks",
        "CIDR networks (comma-separated) of Ministry terminals: their Ministry users log in with TOTP, and may use the portal from them (REQ-ACCT-016)" },
    [DSG_CFG_AUTH_WEBAUTHN_AAGUID_ALLOWLIST] = { "auth.webauthn_aaguid_allowlist", DSG_CONFIG_TEXT,
        "\"\"", 0, 1024, "REQ-MFA-003",
        "deny by default: no authenticator model is accepted until the operator lists the AAGUIDs of the biometric models the organisation issues",
        "AAGUIDs (UUID text, comma-separated) of the authenticator models WebAuthn enrolment accepts" },
    [DSG_CFG_AUTH_WEBAUTHN_SELF_ATTESTATION] = { "auth.webauthn_self_attestation", DSG_CONFIG_BOOL,
        "false", 0, 1, "REQ-MFA-003",
        "W3C WebAuthn Level 2 §8.2 and §7.1 step 21 leave the trust decision to the relying party; self attestation proves no model, so it is off until the operator accepts that",
        "accept packed self attestation (the AAGUID then is the authenticator's own claim)" },
    [DSG_CFG_AUTH_WEBAUTHN_ATTESTATION_ROOTS] = { "auth.webauthn_attestation_roots",
        DSG_CONFIG_TEXT, "\"\"", 0, 4095, "REQ-MFA-003",
        "deny by default: no attestation certificate chains until the operator names the vendors' roots (W3C WebAuthn Level 2 §7.1 step 21)",
        "PEM file of the attestation trust anchors (read when the auth role starts; \"\": none)" },
    [DSG_CFG_AUTH_LOGON_NOTICE] = { "auth.logon_notice", DSG_CONFIG_TEXT,
        "\"This system is for authorised use only. Its use is monitored and recorded; unauthorised use is prohibited.\"",
        1, 1024, "REQ-MFA-014",
        "NIST SP 800-53 Rev.5 AC-8 system use notification: authorised use only, monitored and recorded, unauthorised use prohibited",
        "the notice the login page and the administrator login show before credentials are entered" },
    [DSG_CFG_AUTH_PASSWORD_MAX_AGE_DAYS] = { "auth.password_max_age_days", DSG_CONFIG_UINT, "0",
        0, 3650, "REQ-MFA-010",
        "NIST SP 800-63B §5.1.1.2, no periodic change without evidence of compromise; 0 disables",
        "days after which a user's own password must be changed at the next login (0: never)" },
    [DSG_CFG_SHARE_AREA_TEMPLATE] = { "share.area_template", DSG_CONFIG_TEXT,
        "\"共通, {org}\"", 1, 1024, "REQ-SHARE-006",
        "DSG spec 4.2.1 ご利用のルール, the common folder structure for the contract's prime and vendors: one folder shared by all, one per organisation",
        "the folders a new area gets under its root, separated by commas: a name, or {org} for one folder per organisation (the prime's, then each vendor's)" },
    [DSG_CFG_SHARE_CONTRACT_EXPIRY_NOTICE_DAYS] = { "share.contract_expiry_notice_days",
        DSG_CONFIG_UINT, "30", 0, 3650, "REQ-SHARE-021",
        "project default; NIST SP 800-53 Rev.5 AC-2 leaves account and access review periods to the organisation",
        "days before a contract's end from which `dsgctl area list` shows its area as ending (0: only ended areas)" },
    [DSG_CFG_SHARE_DELETED_RETENTION_DAYS] = { "share.deleted_retention_days",
        DSG_CONFIG_UINT, "90", 0, 36500, "REQ-SHARE-012",
        "PCI DSS v4.0 req. 10.5.1 keeps the most recent three months immediately available; the same window is used so a deletion can be investigated and undone while its log is at hand",
        "days a deleted file's versions are kept before their ciphertext is removed (0: at the next hourly purge)" },
    [DSG_CFG_SHARE_BULK_DOWNLOAD_THRESHOLD] = { "share.bulk_download_threshold",
        DSG_CONFIG_UINT, "20", 1, 100, "REQ-MFA-015",
        "project default; NIST SP 800-53 Rev.5 IA-11 leaves re-authentication triggers to the organisation",
        "files one bulk download may take under a login older than auth.reauth_max_age; more need a fresh login with both factors" },
    [DSG_CFG_BKUP_DEST] = { "bkup.dest", DSG_CONFIG_TEXT, "\"\"", 0, 255, "REQ-BKUP-016",
        "project default: no destination until the operator names a directory on a disk other than the state directory's",
        "the directory backups are written to, outside the state directory and on another filesystem (\"\": none)" },
    [DSG_CFG_BKUP_ALLOW_SAME_FS] = { "bkup.allow_same_fs", DSG_CONFIG_BOOL, "false", 0, 1,
        "REQ-BKUP-016",
        "project default: a backup on the disk it protects dies with it; a development machine opts in, and is warned at every start",
        "accept a bkup.dest on the state directory's filesystem (never inside the state directory)" },
    [DSG_CFG_BKUP_RECIPIENT_PUBKEY] = { "bkup.recipient_pubkey", DSG_CONFIG_TEXT, "\"\"", 0, 255,
        "REQ-BKUP-003",
        "project default: no key until the operator makes a pair (dsgctl backup keygen) and keeps the private key off the gateway",
        "the operator's X25519 public key (PEM) every backup is encrypted to; without it no backup runs (\"\": none)" },
    [DSG_CFG_BKUP_DAILY_TIME] = { "bkup.daily_time", DSG_CONFIG_TEXT, "02:00", 5, 5,
        "REQ-BKUP-001",
        "the DSG spec 4.2.16 sets the frequency, daily (日々), which matches FedRAMP's CP-9 daily backups; the time of day is the operator's choice",
        "the time of day (UTC, HH:MM) dsgd starts the daily backup, when bkup.dest is set" },
    [DSG_CFG_BKUP_CATCH_UP_DELAY] = { "bkup.catch_up_delay", DSG_CONFIG_DURATION, "10m", 1000,
        86400000, "REQ-BKUP-001", "project default; no baseline sets this number",
        "at most this long after a start, dsgd starts the daily backup it missed while it was not running" },
    [DSG_CFG_BKUP_MAX_DURATION] = { "bkup.max_duration", DSG_CONFIG_DURATION, "4h", 1000,
        86400000, "REQ-BKUP-013", "project default; no baseline sets this number",
        "a backup run not finished within this long is stopped and marked failed" },
    [DSG_CFG_BKUP_DRILL_MAX_AGE] = { "bkup.drill_max_age", DSG_CONFIG_DURATION, "365d", 60000,
        3650 * (uint64_t)86400000, "REQ-BKUP-007",
        "FedRAMP Moderate baseline CP-4, test the contingency plan at least annually",
        "dsgd warns, at start and daily, when no restore drill (dsgctl backup drill) has passed for this long" },
    [DSG_CFG_BKUP_RETENTION_DAYS] = { "bkup.retention_days", DSG_CONFIG_UINT, "365", 0, 36500,
        "REQ-BKUP-008",
        "PCI DSS v3.2.1 Req. 10.7 and OMB M-21-31 keep audit logs for one year; backups carry the audit trail",
        "days after its start a backup may be deleted by the retention job (kept longer when among the newest bkup.retention_min_count verified)" },
    [DSG_CFG_BKUP_RETENTION_MIN_COUNT] = { "bkup.retention_min_count", DSG_CONFIG_UINT, "3", 1,
        4096, "REQ-BKUP-008",
        "FedRAMP CP-9 requirement, at least three backup copies, at least one available online",
        "the newest verified backups the retention job never deletes, whatever their age" },
    [DSG_CFG_BKUP_RETENTION_CLOCK_CHECK] = { "bkup.retention_clock_check", DSG_CONFIG_TEXT,
        "kernel", 4, 6, "REQ-BKUP-008",
        "REQ-NTP-003, the kernel's synchronisation state; none is for hosts whose kernel clock nothing disciplines (many VMs and containers), warned at every start and noted in every retention record",
        "kernel: the retention job runs only while the kernel reports its clock synchronised; none: not checked" },
    [DSG_CFG_NTP_MAX_OFFSET] = { "ntp.max_offset", DSG_CONFIG_DURATION, "1s", 1, MS_H,
        "REQ-NTP-003",
        "DISA GPOS SRG-OS-000356, synchronise when the time difference is greater than one second",
        "the largest error the host clock may have (the kernel's maximum error) and still count as synchronised" },
    [DSG_CFG_PORTAL_TLS_MIN_VERSION] = { "portal.tls_min_version", DSG_CONFIG_TEXT, "TLSv1.2",
        1, 16, "REQ-RUN-010", "NIST SP 800-52 Rev.2 §3.1",
        "lowest TLS version the portal accepts" },
    [DSG_CFG_PORTAL_TLS12_CIPHERS] = { "portal.tls12_ciphers", DSG_CONFIG_TEXT,
        "\"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384\"",
        1, 1024, "REQ-RUN-010",
        "Mozilla Server Side TLS \"intermediate\" configuration, its ECDHE AES-GCM suites: ChaCha20-Poly1305 is not in the algorithm register, REQ-STOR-006",
        "OpenSSL cipher list for TLS 1.2 (AEAD suites only)" },
    [DSG_CFG_PORTAL_MAX_REQUEST_LINE] = { "portal.max_request_line", DSG_CONFIG_SIZE, "8190",
        256, 65536, "REQ-RUN-014", "Apache httpd LimitRequestLine default",
        "longest request line (longer: 414)" },
    [DSG_CFG_PORTAL_MAX_HEADER_BYTES] = { "portal.max_header_bytes", DSG_CONFIG_SIZE, "32768",
        KIB, 64 * KIB, "REQ-RUN-014", "nginx large_client_header_buffers default, 4 × 8k",
        "most header bytes of a request (more: 431)" },
    [DSG_CFG_PORTAL_MAX_HEADER_COUNT] = { "portal.max_header_count", DSG_CONFIG_UINT, "100",
        1, 10000, "REQ-RUN-014", "Apache httpd LimitRequestFields default",
        "most header fields of a request (more: 431)" },
    [DSG_CFG_PORTAL_API_MAX_BODY_BYTES] = { "portal.api_max_body_bytes", DSG_CONFIG_SIZE,
        "1048576", 1, GIB, "REQ-RUN-014", "nginx client_max_body_size default 1m",
        "largest JSON API request body (larger: 413)" },
    [DSG_CFG_PORTAL_UPLOAD_MAX_BYTES] = { "portal.upload_max_bytes", DSG_CONFIG_SIZE,
        "4294967296", 1, 1099511627776u, "REQ-RUN-013",
        "engineering default matching the issue 3 streaming test; 4.2.1 states no limit",
        "largest upload, streamed" },
    [DSG_CFG_PORTAL_HEADER_TIMEOUT] = { "portal.header_timeout", DSG_CONFIG_DURATION, "60s",
        MS_S, MS_H, "REQ-RUN-014", "nginx client_header_timeout default",
        "time a client has to send its request headers (then 408)" },
    [DSG_CFG_PORTAL_BODY_TIMEOUT] = { "portal.body_timeout", DSG_CONFIG_DURATION, "60s",
        MS_S, MS_H, "REQ-RUN-014", "nginx client_body_timeout default",
        "longest pause between two reads of a body (then 408)" },
    [DSG_CFG_PORTAL_KEEPALIVE_TIMEOUT] = { "portal.keepalive_timeout", DSG_CONFIG_DURATION,
        "75s", MS_S, MS_H, "REQ-RUN-014", "nginx keepalive_timeout default",
        "idle time after which a keep-alive connection is closed" },
    [DSG_CFG_PORTAL_HSTS_MAX_AGE] = { "portal.hsts_max_age", DSG_CONFIG_UINT, "31536000",
        0, 63072000, "REQ-RUN-015", "OWASP HTTP Headers Cheat Sheet, one year",
        "Strict-Transport-Security max-age, in seconds" },
    [DSG_CFG_PORTAL_JSON_MAX_DEPTH] = { "portal.json_max_depth", DSG_CONFIG_UINT, "32", 1, 1024,
        "REQ-RUN-016",
        "RFC 8259 §9 lets implementations limit nesting depth; project default",
        "deepest JSON nesting accepted" },
    [DSG_CFG_PORTAL_JSON_MAX_TOKENS] = { "portal.json_max_tokens", DSG_CONFIG_UINT, "4096", 1,
        1048576, "REQ-RUN-016",
        "project default: bounds the tokenizer's array (48 bytes a token) and the "
        "duplicate-member check, quadratic in an object's members",
        "most JSON values in one request body" },
    [DSG_CFG_SHARE_FORBIDDEN_EXTENSIONS_EXTRA] = { "share.forbidden_extensions_extra",
        DSG_CONFIG_EXTLIST, "\"\"", 0, DSG_CONFIG_TEXT_MAX, "REQ-RUN-019",
        "4.2.1 利用不可拡張子一覧 is the built-in list; extras are operator policy",
        "extensions refused on upload in addition to the 4.2.1 list, comma-separated" },
    [DSG_CFG_DB_BUSY_TIMEOUT] = { "db.busy_timeout", DSG_CONFIG_DURATION, "5000ms", 0, 10 * MS_M,
        "REQ-RUN-020", "Python sqlite3 module default timeout of 5 seconds",
        "how long SQLite waits for a lock" },
    [DSG_CFG_CTL_SOCKET] = { "ctl.socket", DSG_CONFIG_TEXT, "\"var/run/dsgctl.sock\"", 1, 107,
        "REQ-RUN-021",
        "embedded default, <state directory>/run/dsgctl.sock under ./var/; /run/dsg/dsgctl.sock when installed, per the " SRC_FHS_RUN,
        "the control socket dsgctl connects to" },
    [DSG_CFG_LOG_CHECKPOINT_INTERVAL] = { "log.checkpoint_interval", DSG_CONFIG_DURATION, "60s",
        MS_S, MS_D, "REQ-LOG-004",
        "project default; no recognised baseline sets a signing interval — it bounds the unanchored tail, cf. NIST SP 800-53 Rev.5 AU-9(3)",
        "longest time between two signed checkpoints" },
    [DSG_CFG_LOG_CHECKPOINT_RECORDS] = { "log.checkpoint_records", DSG_CONFIG_UINT, "1000",
        1, 1000000, "REQ-LOG-004",
        "project default; no recognised baseline sets a signing interval — it bounds the unanchored tail, cf. NIST SP 800-53 Rev.5 AU-9(3)",
        "most records between two signed checkpoints" },
    [DSG_CFG_LOG_RETENTION_DAYS] = { "log.retention_days", DSG_CONFIG_UINT, "365", 1, 36500,
        "REQ-LOG-007",
        "PCI DSS v4.0 requirement 10.5.1, audit log history retained for at least 12 months",
        "days records are kept before pruning" },
    [DSG_CFG_LOG_ACK_TIMEOUT] = { "log.ack_timeout", DSG_CONFIG_DURATION, "2s", 1, 60 * MS_S,
        "REQ-LOG-008",
        "project default; NIST SP 800-53 Rev.5 AU-5 leaves the response to audit failure and its timing to the organisation",
        "how long a security operation waits for logd to confirm its record" },
    [DSG_CFG_LOG_STORAGE_WARN_PERCENT] = { "log.storage_warn_percent", DSG_CONFIG_UINT, "75",
        1, 100, "REQ-LOG-009",
        "DISA RHEL 7 STIG RHEL-07-030330, notify when audit storage reaches 75 % of capacity",
        "log storage use, in percent, that raises a warning" },
    [DSG_CFG_LOG_MAX_FIELD_BYTES] = { "log.max_field_bytes", DSG_CONFIG_SIZE, "4096", 256, 8192,
        "REQ-LOG-013",
        "project default, half of the 8192 octets RFC 5425 §4.3.1 asks TLS syslog receivers to accept, so a record with one long field still exports as one syslog message",
        "longest field of a record; longer fields are cut and marked" },
    [DSG_CFG_LOG_UNCOLLECTED_PERIOD] = { "log.uncollected_period", DSG_CONFIG_DURATION, "24h",
        MS_M, 30 * (uint64_t)MS_D, "REQ-LOG-027",
        "DISA Microsoft Defender Antivirus STIG WNDF-AV-000030 expects a daily update check, so a terminal silent for a day is out of contact; NIST SP 800-92 leaves collection intervals to the organisation",
        "silence after which a terminal counts as not collected" },
    [DSG_CFG_LOG_FORWARD] = { "log.forward", DSG_CONFIG_TEXT, "\"\"", 0, 1024, "REQ-LOG-047",
        "project default: no collector; which collectors receive the trail is the operator's choice (RFC 5425 names none)",
        "collectors that receive every record and checkpoint over TLS (RFC 5425): up to 4 [NAME@]ADDR:PORT, numeric addresses, comma-separated" },
    [DSG_CFG_LOG_FORWARD_CA] = { "log.forward_ca", DSG_CONFIG_TEXT, "\"\"", 0, 255, "REQ-LOG-047",
        "project default: none; RFC 5425 §5.1 has the collector's certificate checked against a trust anchor the operator configures",
        "PEM file of the CA certificates a collector's certificate must chain to (needed with log.forward)" },
    [DSG_CFG_PORTAL_CLIENT_CA] = { "portal.client_ca", DSG_CONFIG_TEXT, "\"\"", 0, 255,
        "REQ-MFA-002",
        "deny by default: no client certificate is asked for, so no terminal is recognised, until the operator names the CA that issues the registered terminals' certificates",
        "PEM file of the CA certificates a client certificate must chain to; the portal then asks for one at the handshake (read once at start, at most 8 KiB; \"\": none asked for)" },
    [DSG_CFG_LOG_FORWARD_RETRY_MAX] = { "log.forward_retry_max", DSG_CONFIG_DURATION, "30s",
        MS_S, MS_H, "REQ-LOG-047", "rsyslog action.resumeInterval default, 30 seconds",
        "longest wait before connecting again to a collector that is down (from dsgd.restart_delay, doubling)" },
    [DSG_CFG_LOG_FORWARD_TIMEOUT] = { "log.forward_timeout", DSG_CONFIG_DURATION, "10s", 100,
        MS_H, "REQ-LOG-047",
        "engineering default equal to portal.handshake_timeout; not a standard figure",
        "time a collector has to accept the TCP connection, and again to complete the TLS handshake" },
};

static const char *const status_tokens[] = {
    "ok", "io", "file-too-big", "syntax", "unknown-key", "duplicate-key", "bad-value",
    "out-of-range",
};

const char *dsg_config_status_token(dsg_config_status status)
{
    if ((unsigned)status >= sizeof status_tokens / sizeof status_tokens[0])
        return "unknown";
    return status_tokens[status];
}

const char *dsg_config_syntax_text(dsg_conf_kind kind)
{
    switch (kind) {
    case DSG_CONF_BLANK: return "blank line";
    case DSG_CONF_SETTING: return "setting";
    case DSG_CONF_ERR_TOO_LONG: return "line longer than 4096 bytes";
    case DSG_CONF_ERR_UTF8: return "not well-formed UTF-8";
    case DSG_CONF_ERR_CONTROL: return "control character";
    case DSG_CONF_ERR_KEY: return "malformed key (segments [a-z][a-z0-9_]* joined by dots)";
    case DSG_CONF_ERR_KEY_LONG: return "key longer than 64 bytes";
    case DSG_CONF_ERR_NO_EQUALS: return "missing '=' after the key";
    case DSG_CONF_ERR_NO_VALUE: return "missing value after '='";
    case DSG_CONF_ERR_ESCAPE: return "bad escape (only \\\" and \\\\ are allowed)";
    case DSG_CONF_ERR_UNTERMINATED: return "unterminated quoted value";
    case DSG_CONF_ERR_TRAILING: return "unexpected text after the value";
    default: return "unknown error";
    }
}

const char *dsg_config_value_text(dsg_conf_val val)
{
    switch (val) {
    case DSG_CONF_VAL_OK: return "ok";
    case DSG_CONF_VAL_EMPTY: return "empty value";
    case DSG_CONF_VAL_SYNTAX: return "malformed value";
    case DSG_CONF_VAL_LEADING_ZERO: return "leading zero";
    case DSG_CONF_VAL_OVERFLOW: return "number too large";
    case DSG_CONF_VAL_RANGE: return "out of range";
    case DSG_CONF_VAL_UNIT: return "missing or unknown unit";
    case DSG_CONF_VAL_TOO_LONG: return "value too long";
    default: return "unknown error";
    }
}

int dsg_config_find(const char *key, size_t len)
{
    for (size_t i = 0; i < DSG_CFG_COUNT; i++) {
        const char *name = dsg_config_keys[i].name;
        if (strlen(name) == len && memcmp(name, key, len) == 0)
            return (int)i;
    }
    return -1;
}

void dsg_config_origin(const dsg_config *cfg, dsg_config_id id, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    if ((unsigned)id >= DSG_CFG_COUNT) {
        snprintf(buf, cap, "unknown");
        return;
    }
    if (cfg->v[id].line == 0)
        snprintf(buf, cap, "default");
    else
        snprintf(buf, cap, "%s:%u", cfg->file, (unsigned)cfg->v[id].line);
}

/* ---- errors ---------------------------------------------------------------- */

struct loader {
    const char *name;          /* file name for messages */
    dsg_config *cfg;           /* the temporary being filled */
    dsg_config_error *err;
};

/* Records an error and formats "NAME:LINE:COL: KEY: problem". */
static dsg_config_status fail(struct loader *ld, dsg_config_status st, uint32_t line,
                              uint32_t col, const char *key, size_t key_len,
                              const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static dsg_config_status fail(struct loader *ld, dsg_config_status st, uint32_t line,
                              uint32_t col, const char *key, size_t key_len,
                              const char *fmt, ...)
{
    dsg_config_error *e = ld->err;
    char problem[512];
    va_list ap;
    e->status = st;
    e->line = line;
    e->column = col;
    if (key_len > DSG_CONF_KEY_MAX)
        key_len = DSG_CONF_KEY_MAX;
    if (key != NULL)
        memcpy(e->key, key, key_len);
    e->key[key != NULL ? key_len : 0] = '\0';
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
    char where[64];
    if (line == 0)
        where[0] = '\0';
    else if (col == 0)
        snprintf(where, sizeof where, ":%u", (unsigned)line);
    else
        snprintf(where, sizeof where, ":%u:%u", (unsigned)line, (unsigned)col);
    if (e->key[0] != '\0')
        snprintf(e->message, sizeof e->message, "%s%s: %s: %s", ld->name, where, e->key,
                 problem);
    else
        snprintf(e->message, sizeof e->message, "%s%s: %s", ld->name, where, problem);
    return st;
}

/* ---- values ---------------------------------------------------------------- */

/* share.forbidden_extensions_extra: entries separated by commas, blanks
 * around an entry ignored, each checked and folded by dsg_ext_set_add. */
static dsg_config_status set_extlist(struct loader *ld, uint32_t line, uint32_t col,
                                     const char *key, size_t key_len, const char *text,
                                     size_t len, dsg_ext_set *set)
{
    dsg_ext_set_init(set);
    size_t i = 0;
    while (len > 0 && i <= len) {
        size_t start = i;
        while (i < len && text[i] != ',')
            i++;
        size_t a = start, b = i;
        while (a < b && (text[a] == ' ' || text[a] == '\t'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t'))
            b--;
        if (a == b) {
            ld->err->value = DSG_CONF_VAL_EMPTY;
            return fail(ld, DSG_CONFIG_ERR_VALUE, line, col, key, key_len,
                        "empty entry in the extension list");
        }
        int r = dsg_ext_set_add(set, (const uint8_t *)text + a, b - a);
        if (r == -1) {
            ld->err->value = DSG_CONF_VAL_SYNTAX;
            return fail(ld, DSG_CONFIG_ERR_VALUE, line, col, key, key_len,
                        "'%.*s' is not an extension (1 to %u printable ASCII characters, "
                        "no space or / \\ < > : \" | ? *, single inner dots)",
                        (int)(b - a), text + a, DSG_EXT_TEXT_MAX);
        }
        if (r != 0) {
            ld->err->value = DSG_CONF_VAL_RANGE;
            return fail(ld, DSG_CONFIG_ERR_RANGE, line, col, key, key_len,
                        "more than %u extensions", DSG_EXT_EXTRA_MAX);
        }
        i++;   /* past the comma (or the end) */
    }
    return DSG_CONFIG_OK;
}

/* Parses the value text[0..len) of registry row id into *v. */
static dsg_config_status set_value(struct loader *ld, uint32_t line, uint32_t col, size_t id,
                                   const char *text, size_t len, dsg_config_value *v)
{
    const dsg_config_key *k = &dsg_config_keys[id];
    const char *key = k->name;
    size_t key_len = strlen(key);
    dsg_conf_val r = DSG_CONF_VAL_OK;
    uint64_t num = 0;
    switch (k->type) {
    case DSG_CONFIG_TEXT:
    case DSG_CONFIG_EXTLIST:
        if (len < k->min || len > k->max) {
            ld->err->value = DSG_CONF_VAL_RANGE;
            return fail(ld, DSG_CONFIG_ERR_RANGE, line, col, key, key_len,
                        "%zu bytes, outside %llu..%llu", len, (unsigned long long)k->min,
                        (unsigned long long)k->max);
        }
        if (k->type == DSG_CONFIG_EXTLIST) {
            dsg_config_status st = set_extlist(ld, line, col, key, key_len, text, len,
                                               &ld->cfg->forbidden_extra);
            if (st != DSG_CONFIG_OK)
                return st;
        }
        memcpy(v->text, text, len);
        v->text[len] = '\0';
        v->text_len = len;
        v->num = 0;
        return DSG_CONFIG_OK;
    case DSG_CONFIG_UINT:
        r = dsg_conf_parse_uint(text, len, k->min, k->max, &num);
        break;
    case DSG_CONFIG_BOOL: {
        int b = 0;
        r = dsg_conf_parse_bool(text, len, &b);
        num = (uint64_t)b;
        break;
    }
    case DSG_CONFIG_DURATION:
        r = dsg_conf_parse_duration(text, len, k->min, k->max, &num);
        break;
    case DSG_CONFIG_SIZE:
        r = dsg_conf_parse_size(text, len, k->min, k->max, &num);
        break;
    default:
        r = DSG_CONF_VAL_SYNTAX;
        break;
    }
    if (r != DSG_CONF_VAL_OK) {
        ld->err->value = r;
        if (r == DSG_CONF_VAL_RANGE)
            return fail(ld, DSG_CONFIG_ERR_RANGE, line, col, key, key_len,
                        "'%.*s' is out of range %llu..%llu%s", (int)len, text,
                        (unsigned long long)k->min, (unsigned long long)k->max,
                        k->type == DSG_CONFIG_DURATION ? " ms"
                        : k->type == DSG_CONFIG_SIZE ? " bytes" : "");
        static const char *const expect[] = {
            "text", "an unsigned decimal integer", "true or false",
            "a duration: digits and ms, s, m, h or d",
            "a size: digits and an optional B, KiB, MiB or GiB", "extensions",
        };
        return fail(ld, DSG_CONFIG_ERR_VALUE, line, col, key, key_len,
                    "'%.*s': %s; expected %s", (int)len, text, dsg_config_value_text(r),
                    expect[k->type <= DSG_CONFIG_EXTLIST ? k->type : 0]);
    }
    v->num = num;
    v->text_len = len < DSG_CONFIG_TEXT_MAX ? len : DSG_CONFIG_TEXT_MAX;
    memcpy(v->text, text, v->text_len);
    v->text[v->text_len] = '\0';
    return DSG_CONFIG_OK;
}

/* ---- lines ----------------------------------------------------------------- */

/* One line (without its LF). line_no 0: a default from the registry. */
static dsg_config_status load_line(struct loader *ld, const char *s, size_t len,
                                   uint32_t line_no, int only_id)
{
    dsg_conf_entry e;
    memset(&e, 0, sizeof e);
    if (len > DSG_CONF_LINE_MAX) {   /* the shell's limit, before the core */
        ld->err->syntax = DSG_CONF_ERR_TOO_LONG;
        return fail(ld, DSG_CONFIG_ERR_SYNTAX, line_no, DSG_CONF_LINE_MAX + 1, NULL, 0,
                    "%s", dsg_config_syntax_text(DSG_CONF_ERR_TOO_LONG));
    }
    dsg_conf_kind kind = dsg_conf_line(s, len, &e);
    if (kind == DSG_CONF_BLANK)
        return DSG_CONFIG_OK;
    if (kind != DSG_CONF_SETTING) {
        ld->err->syntax = kind;
        return fail(ld, DSG_CONFIG_ERR_SYNTAX, line_no, (uint32_t)e.err_col + 1, NULL, 0,
                    "%s", dsg_config_syntax_text(kind));
    }
    const char *key = s + e.key_off;
    int id = dsg_config_find(key, e.key_len);
    if (id < 0 || (only_id >= 0 && id != only_id))
        return fail(ld, DSG_CONFIG_ERR_UNKNOWN_KEY, line_no, (uint32_t)e.key_off + 1, key,
                    e.key_len, "unknown key");
    dsg_config_value *v = &ld->cfg->v[id];
    if (line_no != 0 && v->line != 0) {
        ld->err->first_line = v->line;
        return fail(ld, DSG_CONFIG_ERR_DUPLICATE, line_no, (uint32_t)e.key_off + 1, key,
                    e.key_len, "duplicate key (first set on line %u)", (unsigned)v->line);
    }
    char text[DSG_CONF_LINE_MAX];
    size_t tlen = 0;
    uint32_t col = (uint32_t)e.val_off + 1 - e.quoted;
    if (e.quoted) {
        dsg_conf_val r = dsg_conf_unquote(s + e.val_off, e.val_len, text, sizeof text, &tlen);
        if (r != DSG_CONF_VAL_OK) {   /* cannot happen after dsg_conf_line; fail closed */
            ld->err->value = r;
            return fail(ld, DSG_CONFIG_ERR_VALUE, line_no, col, key, e.key_len, "%s",
                        dsg_config_value_text(r));
        }
    } else {
        memcpy(text, s + e.val_off, e.val_len);
        tlen = e.val_len;
    }
    dsg_config_status st = set_value(ld, line_no, col, (size_t)id, text, tlen, v);
    if (st != DSG_CONFIG_OK)
        return st;
    v->line = line_no;
    return DSG_CONFIG_OK;
}

static void error_clear(dsg_config_error *err)
{
    memset(err, 0, sizeof *err);
}

/* The defaults into cfg, through the same parser as the file. */
static int defaults_into(dsg_config *cfg, dsg_config_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    dsg_ext_set_init(&cfg->forbidden_extra);
    struct loader ld = { "(default)", cfg, err };
    char line[DSG_CONF_LINE_MAX];
    for (size_t i = 0; i < DSG_CFG_COUNT; i++) {
        const dsg_config_key *k = &dsg_config_keys[i];
        int n = snprintf(line, sizeof line, "%s = %s", k->name, k->def);
        if (n < 0 || (size_t)n >= sizeof line)
            return -1;
        if (load_line(&ld, line, (size_t)n, 0, (int)i) != DSG_CONFIG_OK)
            return -1;
    }
    return 0;
}

int dsg_config_defaults(dsg_config *cfg)
{
    dsg_config_error err;
    error_clear(&err);
    dsg_config *tmp = malloc(sizeof *tmp);
    if (tmp == NULL)
        return -1;
    int r = defaults_into(tmp, &err);
    if (r == 0)
        memcpy(cfg, tmp, sizeof *cfg);
    free(tmp);
    return r;
}

dsg_config_status dsg_config_load_buffer(const char *name, const char *buf, size_t len,
                                         dsg_config *cfg, dsg_config_error *err)
{
    error_clear(err);
    struct loader ld = { name, NULL, err };
    if (len > DSG_CONFIG_FILE_MAX)
        return fail(&ld, DSG_CONFIG_ERR_TOO_BIG, 0, 0, NULL, 0,
                    "file larger than %u bytes", DSG_CONFIG_FILE_MAX);
    dsg_config *tmp = malloc(sizeof *tmp);
    if (tmp == NULL)
        return fail(&ld, DSG_CONFIG_ERR_IO, 0, 0, NULL, 0, "out of memory");
    if (defaults_into(tmp, err) != 0) {
        free(tmp);
        error_clear(err);
        return fail(&ld, DSG_CONFIG_ERR_VALUE, 0, 0, NULL, 0, "an embedded default is invalid");
    }
    ld.cfg = tmp;
    snprintf(tmp->file, sizeof tmp->file, "%s", name);
    dsg_config_status st = DSG_CONFIG_OK;
    size_t pos = 0;
    uint32_t line_no = 0;
    while (pos < len && st == DSG_CONFIG_OK) {
        const char *lf = memchr(buf + pos, '\n', len - pos);
        size_t end = lf != NULL ? (size_t)(lf - buf) : len;   /* a last line may lack its LF */
        line_no++;
        st = load_line(&ld, buf + pos, end - pos, line_no, -1);
        pos = end + 1;
    }
    if (st == DSG_CONFIG_OK)
        memcpy(cfg, tmp, sizeof *cfg);
    free(tmp);
    return st;
}

dsg_config_status dsg_config_load_file(const char *path, dsg_config *cfg,
                                       dsg_config_error *err)
{
    error_clear(err);
    struct loader ld = { path, NULL, err };
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return fail(&ld, DSG_CONFIG_ERR_IO, 0, 0, NULL, 0, "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return fail(&ld, DSG_CONFIG_ERR_IO, 0, 0, NULL, 0, "not a regular file");
    }
    /* Bounded read: at most one byte more than the limit, to see it exceeded. */
    char *buf = malloc(DSG_CONFIG_FILE_MAX + 1u);
    if (buf == NULL) {
        close(fd);
        return fail(&ld, DSG_CONFIG_ERR_IO, 0, 0, NULL, 0, "out of memory");
    }
    size_t got = 0;
    while (got < DSG_CONFIG_FILE_MAX + 1u) {
        ssize_t n = read(fd, buf + got, DSG_CONFIG_FILE_MAX + 1u - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return fail(&ld, DSG_CONFIG_ERR_IO, 0, 0, NULL, 0, "cannot read: %s", strerror(e));
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    dsg_config_status st;
    if (got > DSG_CONFIG_FILE_MAX)
        st = fail(&ld, DSG_CONFIG_ERR_TOO_BIG, 0, 0, NULL, 0, "file larger than %u bytes",
                  DSG_CONFIG_FILE_MAX);
    else
        st = dsg_config_load_buffer(path, buf, got, cfg, err);
    free(buf);
    return st;
}
