/*
 * dsgd settings: what the master and the workers run with, taken from the
 * configuration (src/conf/config: the embedded defaults, or a file given
 * with -f) and then from the command line, which wins.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pw_hash.h"
#include "core/netlist.h"
#include "conf/config.h"
#include "run/roles.h"
#include "run/settings.h"
#include "share/area_app.h"

/* The exponent of a power of two (auth.scrypt_n, checked to be one). */
static uint32_t log2_of(uint64_t v)
{
    uint32_t k = 0;
    while (v > 1) {
        v >>= 1;
        k++;
    }
    return k;
}

int dsgd_settings_listen(dsgd_settings *s, const char *v, char *err, size_t n)
{
    const char *colon = strrchr(v, ':');
    char *end;
    unsigned long port;
    if (colon == NULL || colon == v || (size_t)(colon - v) >= sizeof s->portal_addr) {
        snprintf(err, n, "'%s': want ADDR:PORT with an IPv4 address, e.g. 127.0.0.1:8443", v);
        return -1;
    }
    port = strtoul(colon + 1, &end, 10);
    if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || port == 0 || port > 65535) {
        snprintf(err, n, "'%s': bad port", v);
        return -1;
    }
    memcpy(s->portal_addr, v, (size_t)(colon - v));
    s->portal_addr[colon - v] = '\0';
    s->portal_port = (uint16_t)port;
    return 0;
}

/* A text value into a fixed field; the registry bounds lengths, this
 * checks them again against the field. */
static int copy_text(char *dst, size_t size, const dsg_config *c, dsg_config_id id,
                     char *err, size_t n)
{
    const dsg_config_value *v = &c->v[id];
    if (v->text_len == 0 || v->text_len >= size) {
        snprintf(err, n, "%s: empty or longer than %zu bytes", dsg_config_keys[id].name,
                 size - 1);
        return -1;
    }
    memcpy(dst, v->text, v->text_len + 1);
    return 0;
}

/* log.forward and its keys (checked by dsgd_settings_forward_check). */
static int forward_from_config(struct dsgd_fwd_settings *f, const dsg_config *c)
{
    char why[160];
    const dsg_config_value *ca = &c->v[DSG_CFG_LOG_FORWARD_CA];
    memset(f, 0, sizeof *f);
    snprintf(f->list, sizeof f->list, "%s", c->v[DSG_CFG_LOG_FORWARD].text);
    if (ca->text_len >= sizeof f->ca)
        return -1;
    memcpy(f->ca, ca->text, ca->text_len + 1);
    f->retry_max_ms = (uint32_t)c->v[DSG_CFG_LOG_FORWARD_RETRY_MAX].num;
    f->timeout_ms = (uint32_t)c->v[DSG_CFG_LOG_FORWARD_TIMEOUT].num;
    return dsgd_fwd_targets_parse(f->list, &f->targets, why, sizeof why);
}

int dsgd_settings_from_config(dsgd_settings *s, const dsg_config *c, char *err, size_t n)
{
    int foreground = s->foreground;
    memset(s, 0, sizeof *s);
    s->foreground = foreground;
    if (copy_text(s->statedir, sizeof s->statedir - 64, c, DSG_CFG_DSGD_STATE_DIR, err, n) != 0 ||
        copy_text(s->user, sizeof s->user, c, DSG_CFG_DSGD_USER, err, n) != 0)
        return -1;
    /* the default pidfile follows the state directory wherever it is moved */
    if (c->v[DSG_CFG_DSGD_PIDFILE].line != 0 &&
        copy_text(s->pidfile, sizeof s->pidfile, c, DSG_CFG_DSGD_PIDFILE, err, n) != 0)
        return -1;
    /* and so does the control socket's */
    if (c->v[DSG_CFG_CTL_SOCKET].line != 0 &&
        copy_text(s->ctl_socket, sizeof s->ctl_socket, c, DSG_CFG_CTL_SOCKET, err, n) != 0)
        return -1;
    if (dsgd_settings_listen(s, c->v[DSG_CFG_PORTAL_LISTEN].text, err, n) != 0)
        return -1;
    /* durations are at most a day in milliseconds (the registry's ranges) */
    s->restart_delay_ms = (uint32_t)c->v[DSG_CFG_DSGD_RESTART_DELAY].num;
    s->restart_delay_max_ms = (uint32_t)c->v[DSG_CFG_DSGD_RESTART_DELAY_MAX].num;
    s->restart_reset_ms = (uint32_t)c->v[DSG_CFG_DSGD_RESTART_RESET].num;
    s->restart_burst = (uint32_t)c->v[DSG_CFG_DSGD_RESTART_BURST].num;
    s->restart_interval_ms = (uint32_t)c->v[DSG_CFG_DSGD_RESTART_INTERVAL].num;
    s->log_ack_timeout_ms = (uint32_t)c->v[DSG_CFG_LOG_ACK_TIMEOUT].num;
    s->log_storage_warn_percent = (uint32_t)c->v[DSG_CFG_LOG_STORAGE_WARN_PERCENT].num;
    if (dsgd_settings_roles_check(c, err, n) != 0 || dsgd_settings_forward_check(c, err, n) != 0)
        return -1;
    (void)dsgd_roles_parse(c->v[DSG_CFG_DSGD_ROLES].text, &s->roles_enabled, err, n);
    if (forward_from_config(&s->fwd, c) != 0) {
        snprintf(err, n, "log.forward_ca: longer than %zu bytes", sizeof s->fwd.ca - 1);
        return -1;
    }
    if (s->fwd.targets.n > 0)   /* logfwd runs exactly when there are collectors */
        s->roles_enabled |= 1u << DSGD_ROLE_LOGFWD;
    /* the registry's ranges keep these within 32 bits */
    s->logd.checkpoint_interval_ms = (uint32_t)c->v[DSG_CFG_LOG_CHECKPOINT_INTERVAL].num;
    s->logd.checkpoint_records = (uint32_t)c->v[DSG_CFG_LOG_CHECKPOINT_RECORDS].num;
    s->logd.retention_days = (uint32_t)c->v[DSG_CFG_LOG_RETENTION_DAYS].num;
    s->logd.max_field_bytes = (uint32_t)c->v[DSG_CFG_LOG_MAX_FIELD_BYTES].num;
    s->logd.busy_timeout_ms = (uint32_t)c->v[DSG_CFG_DB_BUSY_TIMEOUT].num;
    s->auth.busy_timeout_ms = (uint32_t)c->v[DSG_CFG_DB_BUSY_TIMEOUT].num;
    s->share.busy_timeout_ms = (uint32_t)c->v[DSG_CFG_DB_BUSY_TIMEOUT].num;
    s->share.notice_days = (uint32_t)c->v[DSG_CFG_SHARE_CONTRACT_EXPIRY_NOTICE_DAYS].num;
    s->share.retention_days = (uint32_t)c->v[DSG_CFG_SHARE_DELETED_RETENTION_DAYS].num;
    s->share.bulk_threshold = (uint32_t)c->v[DSG_CFG_SHARE_BULK_DOWNLOAD_THRESHOLD].num;
    if (c->v[DSG_CFG_BKUP_DEST].text_len > 0 &&   /* "": no destination */
        copy_text(s->bkup_dest, sizeof s->bkup_dest, c, DSG_CFG_BKUP_DEST, err, n) != 0)
        return -1;
    s->bkup_allow_same_fs = c->v[DSG_CFG_BKUP_ALLOW_SAME_FS].num != 0;
    if (c->v[DSG_CFG_BKUP_RECIPIENT_PUBKEY].text_len > 0 &&   /* "": none */
        copy_text(s->bkup_recipient, sizeof s->bkup_recipient, c,
                  DSG_CFG_BKUP_RECIPIENT_PUBKEY, err, n) != 0)
        return -1;
    const char *dt = c->v[DSG_CFG_BKUP_DAILY_TIME].text;   /* the registry: 5 bytes */
    if (dt[2] != ':' || dt[0] < '0' || dt[0] > '2' || dt[1] < '0' || dt[1] > '9' ||
        dt[3] < '0' || dt[3] > '5' || dt[4] < '0' || dt[4] > '9' ||
        (dt[0] - '0') * 10 + (dt[1] - '0') > 23) {
        snprintf(err, n, "bkup.daily_time: HH:MM (UTC, 00:00 to 23:59), not '%s'", dt);
        return -1;
    }
    s->bkup_daily_minute = (uint32_t)(((dt[0] - '0') * 10 + (dt[1] - '0')) * 60 +
                                      (dt[3] - '0') * 10 + (dt[4] - '0'));
    s->bkup_catch_up_ms = (uint32_t)c->v[DSG_CFG_BKUP_CATCH_UP_DELAY].num;
    s->bkup_max_ms = (uint32_t)c->v[DSG_CFG_BKUP_MAX_DURATION].num;
    s->bkup_drill_max_s = c->v[DSG_CFG_BKUP_DRILL_MAX_AGE].num / 1000;
    s->bkup_retention_days = (uint32_t)c->v[DSG_CFG_BKUP_RETENTION_DAYS].num;
    s->bkup_retention_min = (uint32_t)c->v[DSG_CFG_BKUP_RETENTION_MIN_COUNT].num;
    const char *cc = c->v[DSG_CFG_BKUP_RETENTION_CLOCK_CHECK].text;
    if (strcmp(cc, "kernel") != 0 && strcmp(cc, "none") != 0) {
        snprintf(err, n, "bkup.retention_clock_check: kernel or none, not '%s'", cc);
        return -1;
    }
    s->bkup_retention_clock = strcmp(cc, "kernel") == 0;
    s->ntp_max_offset_ms = (uint32_t)c->v[DSG_CFG_NTP_MAX_OFFSET].num;
    snprintf(s->share.area_template, sizeof s->share.area_template, "%s",
             c->v[DSG_CFG_SHARE_AREA_TEMPLATE].text);
    s->auth.expiry_sweep_ms = (uint32_t)c->v[DSG_CFG_AUTH_EXPIRY_SWEEP_INTERVAL].num;
    s->auth.password_min_length = (uint32_t)c->v[DSG_CFG_AUTH_PASSWORD_MIN_LENGTH].num;
    s->auth.password_max_length = (uint32_t)c->v[DSG_CFG_AUTH_PASSWORD_MAX_LENGTH].num;
    s->auth.password_required_classes =
        (uint32_t)c->v[DSG_CFG_AUTH_PASSWORD_REQUIRED_CLASSES].num;
    s->auth.scrypt_log2_n = log2_of(c->v[DSG_CFG_AUTH_SCRYPT_N].num);
    s->auth.scrypt_r = (uint32_t)c->v[DSG_CFG_AUTH_SCRYPT_R].num;
    s->auth.scrypt_p = (uint32_t)c->v[DSG_CFG_AUTH_SCRYPT_P].num;
    s->auth.temporary_password_ms =
        (uint32_t)c->v[DSG_CFG_AUTH_TEMPORARY_PASSWORD_LIFETIME].num;
    s->auth.enrolment_code_ms = (uint32_t)c->v[DSG_CFG_AUTH_ENROLMENT_CODE_LIFETIME].num;
    s->auth.lockout_threshold = (uint32_t)c->v[DSG_CFG_AUTH_LOCKOUT_THRESHOLD].num;
    s->auth.lockout_window_ms = (uint32_t)c->v[DSG_CFG_AUTH_LOCKOUT_WINDOW].num;
    s->auth.lockout_duration_ms = (uint32_t)c->v[DSG_CFG_AUTH_LOCKOUT_DURATION].num;
    s->auth.challenge_ms = (uint32_t)c->v[DSG_CFG_AUTH_CHALLENGE_LIFETIME].num;
    s->auth.session_idle_ms = (uint32_t)c->v[DSG_CFG_AUTH_SESSION_IDLE_TIMEOUT].num;
    s->auth.session_max_ms = (uint32_t)c->v[DSG_CFG_AUTH_SESSION_MAX_LIFETIME].num;
    s->auth.max_sessions = (uint32_t)c->v[DSG_CFG_AUTH_MAX_SESSIONS_PER_USER].num;
    s->auth.password_history = (uint32_t)c->v[DSG_CFG_AUTH_PASSWORD_HISTORY].num;
    s->auth.totp_skew = (uint32_t)c->v[DSG_CFG_AUTH_TOTP_SKEW_STEPS].num;
    s->auth.source_failures = (uint32_t)c->v[DSG_CFG_AUTH_SOURCE_FAILURES_PER_MINUTE].num;
    s->auth.inactivity_days = (uint32_t)c->v[DSG_CFG_AUTH_INACTIVITY_DISABLE_DAYS].num;
    s->auth.admin_token_ms = (uint32_t)c->v[DSG_CFG_AUTH_ADMIN_TOKEN_LIFETIME].num;
    s->auth.reauth_ms = (uint32_t)c->v[DSG_CFG_AUTH_REAUTH_MAX_AGE].num;
    s->auth.password_max_age_days = (uint32_t)c->v[DSG_CFG_AUTH_PASSWORD_MAX_AGE_DAYS].num;
    s->auth.admin_factor = strcmp(c->v[DSG_CFG_AUTH_ADMIN_SECOND_FACTOR].text, "totp") == 0;
    snprintf(s->auth.ministry_networks, sizeof s->auth.ministry_networks, "%s",
             c->v[DSG_CFG_AUTH_MINISTRY_NETWORKS].text);
    s->auth.self_attestation = c->v[DSG_CFG_AUTH_WEBAUTHN_SELF_ATTESTATION].num != 0;
    if (copy_text(s->auth.rp_id, sizeof s->auth.rp_id, c, DSG_CFG_AUTH_RP_ID, err, n) != 0 ||
        copy_text(s->auth.origin, sizeof s->auth.origin, c, DSG_CFG_PORTAL_ORIGIN, err, n) != 0 ||
        copy_text(s->auth.notice, sizeof s->auth.notice, c, DSG_CFG_AUTH_LOGON_NOTICE, err,
                  n) != 0)
        return -1;
    /* may be empty; the registry's ranges keep them within the fields */
    snprintf(s->auth.aaguids, sizeof s->auth.aaguids, "%s",
             c->v[DSG_CFG_AUTH_WEBAUTHN_AAGUID_ALLOWLIST].text);
    snprintf(s->auth.roots, sizeof s->auth.roots, "%s",
             c->v[DSG_CFG_AUTH_WEBAUTHN_ATTESTATION_ROOTS].text);
    s->shutdown_timeout_ms = (uint32_t)c->v[DSG_CFG_DSGD_SHUTDOWN_TIMEOUT].num;
    s->ping_interval_ms = (uint32_t)c->v[DSG_CFG_DSGD_PING_INTERVAL].num;
    s->ping_timeout_ms = (uint32_t)c->v[DSG_CFG_DSGD_PING_TIMEOUT].num;
    s->portal_max_conns = (uint32_t)c->v[DSG_CFG_PORTAL_MAX_CONNECTIONS].num;
    s->portal_handshake_ms = (uint32_t)c->v[DSG_CFG_PORTAL_HANDSHAKE_TIMEOUT].num;
    s->portal_head_ms = (uint32_t)c->v[DSG_CFG_PORTAL_HEADER_TIMEOUT].num;
    s->portal_keepalive_ms = (uint32_t)c->v[DSG_CFG_PORTAL_KEEPALIVE_TIMEOUT].num;
    /* the registry's ranges keep these within 32 bits */
    s->portal_max_request_line = (uint32_t)c->v[DSG_CFG_PORTAL_MAX_REQUEST_LINE].num;
    s->portal_max_header_bytes = (uint32_t)c->v[DSG_CFG_PORTAL_MAX_HEADER_BYTES].num;
    s->portal_max_header_count = (uint32_t)c->v[DSG_CFG_PORTAL_MAX_HEADER_COUNT].num;
    s->portal_hsts_max_age = (uint32_t)c->v[DSG_CFG_PORTAL_HSTS_MAX_AGE].num;
    s->portal_body_ms = (uint32_t)c->v[DSG_CFG_PORTAL_BODY_TIMEOUT].num;
    s->portal_api_max_body = (uint32_t)c->v[DSG_CFG_PORTAL_API_MAX_BODY_BYTES].num;
    s->portal_upload_max = c->v[DSG_CFG_PORTAL_UPLOAD_MAX_BYTES].num;
    s->portal_json_max_depth = (uint32_t)c->v[DSG_CFG_PORTAL_JSON_MAX_DEPTH].num;
    s->portal_json_max_tokens = (uint32_t)c->v[DSG_CFG_PORTAL_JSON_MAX_TOKENS].num;
    /* TLS1_2_VERSION and TLS1_3_VERSION (the values tls_policy.c accepts) */
    s->portal_tls_min_version =
        strcmp(c->v[DSG_CFG_PORTAL_TLS_MIN_VERSION].text, "TLSv1.3") == 0 ? 0x0304u : 0x0303u;
    if (copy_text(s->portal_tls12_ciphers, sizeof s->portal_tls12_ciphers, c,
                  DSG_CFG_PORTAL_TLS12_CIPHERS, err, n) != 0)
        return -1;
    /* "" (no client certificate asked for) or a PEM file the master reads */
    const char *ca = c->v[DSG_CFG_PORTAL_CLIENT_CA].text;
    size_t len = strlen(ca);
    if (len >= sizeof s->portal_client_ca) {
        snprintf(err, n, "portal.client_ca: longer than %zu bytes",
                 sizeof s->portal_client_ca - 1);
        return -1;
    }
    memcpy(s->portal_client_ca, ca, len + 1);
    return 0;
}

void dsgd_settings_defaults(dsgd_settings *s)
{
    static dsg_config c;
    char err[256];
    s->foreground = 0;
    if (dsg_config_defaults(&c) != 0 || dsgd_settings_from_config(s, &c, err, sizeof err) != 0) {
        /* a default in the registry that does not load is a build defect */
        fprintf(stderr, "dsgd: the embedded defaults do not load\n");
        abort();
    }
}

int dsgd_settings_logd_arg(const struct dsgd_logd_settings *l, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%u:%u:%u:%u:%u", l->checkpoint_interval_ms,
                     l->checkpoint_records, l->retention_days, l->max_field_bytes,
                     l->busy_timeout_ms);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* n decimal numbers (each at most UINT32_MAX) separated by ':' into v:
 * 0, or -1. */
static int parse_numbers(const char *arg, uint32_t *v, unsigned n)
{
    const char *p = arg;
    for (unsigned i = 0; i < n; i++) {
        char *end;
        unsigned long x;
        if (*p < '0' || *p > '9')
            return -1;
        errno = 0;
        x = strtoul(p, &end, 10);
        if (errno != 0 || x > UINT32_MAX || *end != (i == n - 1 ? '\0' : ':'))
            return -1;
        v[i] = (uint32_t)x;
        p = end + 1;
    }
    return 0;
}

int dsgd_settings_logd_parse(const char *arg, struct dsgd_logd_settings *l)
{
    uint32_t v[5];
    if (parse_numbers(arg, v, 5) != 0)
        return -1;
    *l = (struct dsgd_logd_settings){ v[0], v[1], v[2], v[3], v[4] };
    return 0;
}

int dsgd_settings_share_arg(const struct dsgd_share_settings *s, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%u:%u:%u:%u|%s", s->busy_timeout_ms, s->notice_days,
                     s->retention_days, s->bulk_threshold, s->area_template);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int dsgd_settings_share_parse(const char *arg, struct dsgd_share_settings *s)
{
    char number[48];
    uint32_t v[4];
    const char *bar = strchr(arg, '|');
    if (bar == NULL || (size_t)(bar - arg) >= sizeof number ||
        strlen(bar + 1) >= sizeof s->area_template)
        return -1;
    memcpy(number, arg, (size_t)(bar - arg));
    number[bar - arg] = '\0';
    if (parse_numbers(number, v, 4) != 0 || v[3] < 1)
        return -1;
    s->busy_timeout_ms = v[0];
    s->notice_days = v[1];
    s->retention_days = v[2];
    s->bulk_threshold = v[3];
    snprintf(s->area_template, sizeof s->area_template, "%s", bar + 1);
    return 0;
}

#define AUTH_NUMBERS 26
#define AUTH_TEXTS 6

/* The auth settings' numbers, in the order of the -L argument. */
static uint32_t *auth_number(struct dsgd_auth_settings *a, unsigned i)
{
    uint32_t *const fields[AUTH_NUMBERS] = {
        &a->busy_timeout_ms, &a->expiry_sweep_ms, &a->password_min_length,
        &a->password_max_length, &a->password_required_classes, &a->scrypt_log2_n,
        &a->scrypt_r, &a->scrypt_p, &a->temporary_password_ms, &a->enrolment_code_ms,
        &a->lockout_threshold, &a->lockout_window_ms, &a->lockout_duration_ms,
        &a->challenge_ms, &a->session_idle_ms, &a->session_max_ms, &a->max_sessions,
        &a->password_history, &a->totp_skew, &a->admin_factor, &a->self_attestation,
        &a->source_failures, &a->inactivity_days, &a->admin_token_ms, &a->password_max_age_days,
        &a->reauth_ms,
    };
    return fields[i];
}

/* The auth settings' texts, in the order of the -L argument, with their
 * sizes. Only the last may hold a '|': the notice, free text. */
static char *auth_text(struct dsgd_auth_settings *a, unsigned i, size_t *cap)
{
    char *const texts[AUTH_TEXTS] = { a->ministry_networks, a->rp_id, a->origin, a->aaguids,
                                      a->roots, a->notice };
    const size_t caps[AUTH_TEXTS] = { sizeof a->ministry_networks, sizeof a->rp_id,
                                      sizeof a->origin, sizeof a->aaguids, sizeof a->roots,
                                      sizeof a->notice };
    *cap = caps[i];
    return texts[i];
}

int dsgd_settings_auth_arg(const struct dsgd_auth_settings *a, char *out, size_t cap)
{
    struct dsgd_auth_settings copy = *a;
    size_t at = 0, tcap;
    for (unsigned i = 0; i < AUTH_NUMBERS; i++) {
        int n = snprintf(out + at, cap - at, "%u%c", *auth_number(&copy, i),
                         i + 1 < AUTH_NUMBERS ? ':' : '|');
        if (n < 0 || (size_t)n >= cap - at)
            return -1;
        at += (size_t)n;
    }
    for (unsigned i = 0; i < AUTH_TEXTS; i++) {
        const char *t = auth_text(&copy, i, &tcap);
        if (i + 1 < AUTH_TEXTS && strchr(t, '|') != NULL)
            return -1;
        int n = snprintf(out + at, cap - at, "%s%s", t, i + 1 < AUTH_TEXTS ? "|" : "");
        if (n < 0 || (size_t)n >= cap - at)
            return -1;
        at += (size_t)n;
    }
    return 0;
}

int dsgd_settings_auth_parse(const char *arg, struct dsgd_auth_settings *a)
{
    uint32_t v[AUTH_NUMBERS];
    char numbers[AUTH_NUMBERS * 11];
    const char *bar = strchr(arg, '|');
    static struct dsgd_auth_settings got;
    size_t tcap;
    if (bar == NULL || (size_t)(bar - arg) >= sizeof numbers)
        return -1;
    memcpy(numbers, arg, (size_t)(bar - arg));
    numbers[bar - arg] = '\0';
    if (parse_numbers(numbers, v, AUTH_NUMBERS) != 0)
        return -1;
    memset(&got, 0, sizeof got);
    for (unsigned i = 0; i < AUTH_NUMBERS; i++)
        *auth_number(&got, i) = v[i];
    for (unsigned i = 0; i < AUTH_TEXTS; i++) {
        const char *from = bar + 1;
        char *t = auth_text(&got, i, &tcap);
        bar = i + 1 < AUTH_TEXTS ? strchr(from, '|') : from + strlen(from);
        if (bar == NULL || (size_t)(bar - from) >= tcap)
            return -1;
        memcpy(t, from, (size_t)(bar - from));
        t[bar - from] = '\0';
    }
    *a = got;
    return 0;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* One UUID at p[0 .. 36) into out: 0, or -1. */
static int uuid_of(const char *p, uint8_t out[16])
{
    unsigned k = 0;
    for (unsigned i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (p[i] != '-')
                return -1;
            continue;
        }
        int hi = hex_digit(p[i]), lo = hi < 0 ? -1 : hex_digit(p[i + 1]);
        if (lo < 0)
            return -1;
        out[k++] = (uint8_t)(hi << 4 | lo);
        i++;
    }
    return 0;
}

int dsgd_settings_aaguids(const char *text, uint8_t (*out)[16], size_t cap, size_t *n, char *why,
                          size_t why_n)
{
    const char *p = text;
    *n = 0;
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return 0;
    for (;;) {
        size_t len = strcspn(p, " ,");
        if (*n == cap) {
            snprintf(why, why_n, "more than %zu AAGUIDs", cap);
            return -1;
        }
        if (len != 36 || uuid_of(p, out[*n]) != 0) {
            snprintf(why, why_n, "not a UUID at byte %zu", (size_t)(p - text));
            return -1;
        }
        (*n)++;
        p += len;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            return 0;
        if (*p != ',') {
            snprintf(why, why_n, "a comma expected at byte %zu", (size_t)(p - text));
            return -1;
        }
        p++;
        while (*p == ' ')
            p++;
    }
}

/* "FILE:LINE: key: why" of key id. */
static int key_problem(const dsg_config *c, int id, const char *why, char *err, size_t n)
{
    char where[DSG_CONFIG_NAME_MAX + 16];
    dsg_config_origin(c, (dsg_config_id)id, where, sizeof where);
    snprintf(err, n, "%s: %s: %s", where, dsg_config_keys[id].name, why);
    return -1;
}

/* auth.ministry_networks: empty, or a list dsg_netlist_parse accepts. */
static int ministry_networks_check(const dsg_config *c, char *err, size_t n)
{
    static dsg_ip_net nets[DSG_NETLIST_MAX];
    const char *text = c->v[DSG_CFG_AUTH_MINISTRY_NETWORKS].text;
    size_t count = 0, at = 0;
    char why[96];
    if (text[0] == '\0')
        return 0;
    dsg_net_status st = dsg_netlist_parse((const uint8_t *)text, strlen(text), nets,
                                          DSG_NETLIST_MAX, &count, &at);
    if (st == DSG_NET_OK)
        return 0;
    snprintf(why, sizeof why, "%s at byte %zu", dsg_net_status_token(st), at);
    return key_problem(c, DSG_CFG_AUTH_MINISTRY_NETWORKS, why, err, n);
}

/* A host name as WebAuthn compares it: lowercase letters, digits, '-' and
 * '.', len bytes. */
static int is_host(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '.'))
            return 0;
    return 1;
}

/* auth.rp_id a host name; portal.origin "https://HOST[:PORT]" with HOST
 * the RP ID or under it (W3C WebAuthn L2 §5.1.3: the RP ID is a
 * registrable suffix of the origin's domain). Both go into every WebAuthn
 * check and, '|'-separated, into the auth role's -L argument. */
static int relying_party_check(const dsg_config *c, char *err, size_t n)
{
    const char *rp = c->v[DSG_CFG_AUTH_RP_ID].text, *o = c->v[DSG_CFG_PORTAL_ORIGIN].text;
    size_t rp_len = strlen(rp);
    if (!is_host(rp, rp_len))
        return key_problem(c, DSG_CFG_AUTH_RP_ID,
                           "not a host name in lowercase (letters, digits, '-', '.')", err, n);
    if (strncmp(o, "https://", 8) != 0)
        return key_problem(c, DSG_CFG_PORTAL_ORIGIN, "not https://HOST[:PORT]", err, n);
    const char *host = o + 8, *colon = strchr(host, ':');
    size_t host_len = colon != NULL ? (size_t)(colon - host) : strlen(host);
    if (!is_host(host, host_len) ||
        (colon != NULL && (colon[1] == '\0' || strspn(colon + 1, "0123456789") !=
                                                   strlen(colon + 1))))
        return key_problem(c, DSG_CFG_PORTAL_ORIGIN, "not https://HOST[:PORT]", err, n);
    if (!(host_len == rp_len || (host_len > rp_len && host[host_len - rp_len - 1] == '.')) ||
        memcmp(host + host_len - rp_len, rp, rp_len) != 0)
        return key_problem(c, DSG_CFG_PORTAL_ORIGIN, "its host is not auth.rp_id or under it",
                           err, n);
    return 0;
}

int dsgd_settings_auth_check(const dsg_config *c, char *err, size_t n)
{
    uint64_t scrypt_n = c->v[DSG_CFG_AUTH_SCRYPT_N].num;
    dsg_scrypt_params prm = { log2_of(scrypt_n), (uint32_t)c->v[DSG_CFG_AUTH_SCRYPT_R].num,
                              (uint32_t)c->v[DSG_CFG_AUTH_SCRYPT_P].num };
    if ((scrypt_n & (scrypt_n - 1)) != 0)
        return key_problem(c, DSG_CFG_AUTH_SCRYPT_N, "not a power of two", err, n);
    if (!dsg_scrypt_params_is_valid(&prm))
        return key_problem(c, DSG_CFG_AUTH_SCRYPT_N,
                           "with auth.scrypt_r and auth.scrypt_p needs more memory than 256 MiB",
                           err, n);
    if (c->v[DSG_CFG_AUTH_PASSWORD_MIN_LENGTH].num > c->v[DSG_CFG_AUTH_PASSWORD_MAX_LENGTH].num)
        return key_problem(c, DSG_CFG_AUTH_PASSWORD_MIN_LENGTH,
                           "more than auth.password_max_length", err, n);
    const char *factor = c->v[DSG_CFG_AUTH_ADMIN_SECOND_FACTOR].text;
    if (strcmp(factor, "webauthn") != 0 && strcmp(factor, "totp") != 0)
        return key_problem(c, DSG_CFG_AUTH_ADMIN_SECOND_FACTOR, "not webauthn or totp", err, n);
    if (c->v[DSG_CFG_AUTH_SESSION_IDLE_TIMEOUT].num > c->v[DSG_CFG_AUTH_SESSION_MAX_LIFETIME].num)
        return key_problem(c, DSG_CFG_AUTH_SESSION_IDLE_TIMEOUT,
                           "more than auth.session_max_lifetime", err, n);
    if (c->v[DSG_CFG_AUTH_ADMIN_TOKEN_LIFETIME].num > c->v[DSG_CFG_AUTH_SESSION_MAX_LIFETIME].num)
        return key_problem(c, DSG_CFG_AUTH_ADMIN_TOKEN_LIFETIME,
                           "more than auth.session_max_lifetime", err, n);
    static uint8_t aaguids[DSGD_AAGUIDS_MAX][16];
    size_t count = 0;
    char why[96];
    if (dsgd_settings_aaguids(c->v[DSG_CFG_AUTH_WEBAUTHN_AAGUID_ALLOWLIST].text, aaguids,
                              DSGD_AAGUIDS_MAX, &count, why, sizeof why) != 0)
        return key_problem(c, DSG_CFG_AUTH_WEBAUTHN_AAGUID_ALLOWLIST, why, err, n);
    if (relying_party_check(c, err, n) != 0)
        return -1;
    const char *roots = c->v[DSG_CFG_AUTH_WEBAUTHN_ATTESTATION_ROOTS].text;
    if (roots[0] != '\0' && roots[0] != '/')   /* the auth role reads it, elsewhere */
        return key_problem(c, DSG_CFG_AUTH_WEBAUTHN_ATTESTATION_ROOTS, "not an absolute path",
                           err, n);
    if (strchr(roots, '|') != NULL)   /* the -L argument's separator */
        return key_problem(c, DSG_CFG_AUTH_WEBAUTHN_ATTESTATION_ROOTS, "holds a '|'", err, n);
    return ministry_networks_check(c, err, n);
}

int dsgd_settings_roles_check(const dsg_config *c, char *err, size_t n)
{
    char why[96], where[DSG_CONFIG_NAME_MAX + 16];
    uint32_t enabled;
    if (dsgd_roles_parse(c->v[DSG_CFG_DSGD_ROLES].text, &enabled, why, sizeof why) == 0)
        return 0;
    dsg_config_origin(c, DSG_CFG_DSGD_ROLES, where, sizeof where);
    snprintf(err, n, "%s: dsgd.roles: %s", where, why);
    return -1;
}

int dsgd_settings_forward_check(const dsg_config *c, char *err, size_t n)
{
    char why[160], where[DSG_CONFIG_NAME_MAX + 16];
    static dsgd_fwd_targets t;
    if (dsgd_fwd_targets_parse(c->v[DSG_CFG_LOG_FORWARD].text, &t, why, sizeof why) != 0) {
        dsg_config_origin(c, DSG_CFG_LOG_FORWARD, where, sizeof where);
        snprintf(err, n, "%s: log.forward: %s", where, why);
        return -1;
    }
    if (t.n > 0 && c->v[DSG_CFG_LOG_FORWARD_CA].text_len == 0) {
        dsg_config_origin(c, DSG_CFG_LOG_FORWARD, where, sizeof where);
        snprintf(err, n, "%s: log.forward: collectors named but log.forward_ca is not set: "
                 "their certificates cannot be checked", where);
        return -1;
    }
    return 0;
}

int dsgd_settings_share_check(const dsg_config *c, char *err, size_t n)
{
    dsg_area_template t;
    char why[160];
    if (dsg_area_template_parse(c->v[DSG_CFG_SHARE_AREA_TEMPLATE].text, &t, why, sizeof why) != 0)
        return key_problem(c, DSG_CFG_SHARE_AREA_TEMPLATE, why, err, n);
    return 0;
}
