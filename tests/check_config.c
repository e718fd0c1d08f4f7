/*
 * Unit tests of the configuration loader and key registry
 * (src/conf/config.h): every error kind with its line, the untouched
 * configuration on error, CRLF, comments, quoting, every key's default
 * against the spec and the docs, and a round trip.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"

Suite *suite_config(void);

static dsg_config *new_config(void)
{
    dsg_config *c = malloc(sizeof *c);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(dsg_config_defaults(c), 0);
    return c;
}

static dsg_config_status load(const char *text, dsg_config *c, dsg_config_error *err)
{
    return dsg_config_load_buffer("dsgd.conf", text, strlen(text), c, err);
}

/* Loads text, expects an error of `st` on `line`, and checks that the
 * configuration was not touched. */
static void expect_fail(const char *text, dsg_config_status st, uint32_t line,
                        const char *key, const char *msg_part, int at)
{
    dsg_config *c = new_config();
    dsg_config *before = malloc(sizeof *before);
    ck_assert_ptr_nonnull(before);
    memcpy(before, c, sizeof *c);
    dsg_config_error err;
    dsg_config_status got = load(text, c, &err);
    ck_assert_msg(got == st, "line %d: status %s, expected %s (%s)", at,
                  dsg_config_status_token(got), dsg_config_status_token(st), err.message);
    ck_assert_msg(err.status == st, "line %d: err.status", at);
    ck_assert_msg(err.line == line, "line %d: error on line %u, expected %u", at,
                  (unsigned)err.line, (unsigned)line);
    ck_assert_msg(strcmp(err.key, key) == 0, "line %d: key '%s'", at, err.key);
    ck_assert_msg(strstr(err.message, msg_part) != NULL, "line %d: message '%s' lacks '%s'",
                  at, err.message, msg_part);
    ck_assert_msg(memcmp(before, c, sizeof *c) == 0, "line %d: config touched on error", at);
    free(before);
    free(c);
}

#define FAIL(text, st, line, key, part) expect_fail(text, st, line, key, part, __LINE__)

/* @relation(REQ-RUN-018) */
START_TEST(test_config_unknown_key)
{
    FAIL("# c\n\nportal.lisen = \"0.0.0.0:443\"\n", DSG_CONFIG_ERR_UNKNOWN_KEY, 3,
         "portal.lisen", "dsgd.conf:3:1: portal.lisen: unknown key");
    FAIL("  nosuch = 1\n", DSG_CONFIG_ERR_UNKNOWN_KEY, 1, "nosuch", "dsgd.conf:1:3: nosuch");
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_duplicate_key)
{
    FAIL("dsgd.restart_burst = 3\n# again\ndsgd.restart_burst = 3\n",
         DSG_CONFIG_ERR_DUPLICATE, 3, "dsgd.restart_burst",
         "dsgd.conf:3:1: dsgd.restart_burst: duplicate key (first set on line 1)");
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_malformed_values)
{
    FAIL("portal.max_header_count = 12x\n", DSG_CONFIG_ERR_VALUE, 1,
         "portal.max_header_count", "dsgd.conf:1:27: portal.max_header_count: '12x'");
    FAIL("\n\nportal.max_header_count = 007\n", DSG_CONFIG_ERR_VALUE, 3,
         "portal.max_header_count", "leading zero");
    FAIL("portal.header_timeout = 60\n", DSG_CONFIG_ERR_VALUE, 1, "portal.header_timeout",
         "missing or unknown unit");
    FAIL("portal.header_timeout = 60sec\n", DSG_CONFIG_ERR_VALUE, 1, "portal.header_timeout",
         "a duration");
    FAIL("portal.max_header_bytes = 32kB\n", DSG_CONFIG_ERR_VALUE, 1,
         "portal.max_header_bytes", "a size");
    FAIL("dsgd.restart_burst = 99999999999999999999999\n", DSG_CONFIG_ERR_VALUE, 1,
         "dsgd.restart_burst", "number too large");
    FAIL("dsgd.restart_delay = \"\"\n", DSG_CONFIG_ERR_VALUE, 1, "dsgd.restart_delay",
         "dsgd.conf:1:22:");
    ck_assert_uint_eq(DSG_CONFIG_ERR_VALUE, 6);
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_out_of_range)
{
    FAIL("portal.max_header_count = 0\n", DSG_CONFIG_ERR_RANGE, 1, "portal.max_header_count",
         "'0' is out of range 1..10000");
    FAIL("log.storage_warn_percent = 101\n", DSG_CONFIG_ERR_RANGE, 1,
         "log.storage_warn_percent", "out of range 1..100");
    FAIL("\n\n\n\nportal.header_timeout = 2h\n", DSG_CONFIG_ERR_RANGE, 5,
         "portal.header_timeout", "out of range 1000..3600000 ms");
    FAIL("portal.max_header_bytes = 2MiB\n", DSG_CONFIG_ERR_RANGE, 1,
         "portal.max_header_bytes", "bytes");
    FAIL("auth.rp_id = \"\"\n", DSG_CONFIG_ERR_RANGE, 1, "auth.rp_id", "0 bytes, outside 1..253");
}
END_TEST

/* @relation(REQ-RUN-018, REQ-RUN-027) */
START_TEST(test_config_syntax_errors)
{
    FAIL("a = b\nportal.listen\n", DSG_CONFIG_ERR_UNKNOWN_KEY, 1, "a", "unknown key");
    FAIL("# ok\nportal.listen\n", DSG_CONFIG_ERR_SYNTAX, 2, "",
         "dsgd.conf:2:14: missing '=' after the key");
    FAIL("Portal.listen = x\n", DSG_CONFIG_ERR_SYNTAX, 1, "", "dsgd.conf:1:1: malformed key");
    FAIL("portal.listen = \"x\n", DSG_CONFIG_ERR_SYNTAX, 1, "", "1:17: unterminated");
    FAIL("portal.listen = \"\\x\"\n", DSG_CONFIG_ERR_SYNTAX, 1, "", "1:18: bad escape");
    FAIL("portal.listen = a b\n", DSG_CONFIG_ERR_SYNTAX, 1, "", "1:19: unexpected text");
    FAIL("portal.listen =\n", DSG_CONFIG_ERR_SYNTAX, 1, "", "missing value");
    FAIL("portal.listen = \x01\n", DSG_CONFIG_ERR_SYNTAX, 1, "", "control character");
    FAIL("portal.listen = \xFF\n", DSG_CONFIG_ERR_SYNTAX, 1, "", "UTF-8");
    /* the shell's line limit, before the core */
    size_t n = DSG_CONF_LINE_MAX + 20;
    char *big = malloc(n + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, '#', n);
    big[n - 1] = '\n';
    big[n] = '\0';
    FAIL(big, DSG_CONFIG_ERR_SYNTAX, 1, "", "line longer than 4096 bytes");
    /* a CRLF line of exactly 4096 bytes plus its CR is fine */
    memset(big, '#', n);
    big[DSG_CONF_LINE_MAX] = '\r';
    big[DSG_CONF_LINE_MAX + 1] = '\n';
    big[DSG_CONF_LINE_MAX + 2] = '\0';
    dsg_config *c = new_config();
    dsg_config_error err;
    ck_assert_int_eq(load(big, c, &err), DSG_CONFIG_ERR_SYNTAX);   /* 4097 bytes with the CR */
    big[DSG_CONF_LINE_MAX - 1] = '\r';
    big[DSG_CONF_LINE_MAX] = '\n';
    big[DSG_CONF_LINE_MAX + 1] = '\0';
    ck_assert_int_eq(load(big, c, &err), DSG_CONFIG_OK);
    free(c);
    free(big);
}
END_TEST

static char *write_temp(const char *text, size_t len)
{
    char *path = strdup("/tmp/dsg-config-test-XXXXXX");
    ck_assert_ptr_nonnull(path);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

/* @relation(REQ-RUN-018) */
START_TEST(test_config_file_errors)
{
    dsg_config *c = new_config();
    dsg_config *before = malloc(sizeof *before);
    ck_assert_ptr_nonnull(before);
    memcpy(before, c, sizeof *c);
    dsg_config_error err;
    ck_assert_int_eq(dsg_config_load_file("/nonexistent/dsgd.conf", c, &err), DSG_CONFIG_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/dsgd.conf: cannot open"));
    ck_assert_int_eq(dsg_config_load_file("/tmp", c, &err), DSG_CONFIG_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "not a regular file"));
    /* one byte over the limit */
    size_t n = DSG_CONFIG_FILE_MAX + 1;
    char *text = malloc(n);
    ck_assert_ptr_nonnull(text);
    memset(text, '\n', n);
    char *path = write_temp(text, n);
    ck_assert_int_eq(dsg_config_load_file(path, c, &err), DSG_CONFIG_ERR_TOO_BIG);
    ck_assert_int_eq(dsg_config_load_buffer("x", text, n, c, &err), DSG_CONFIG_ERR_TOO_BIG);
    unlink(path);
    free(path);
    ck_assert_int_eq(memcmp(before, c, sizeof *c), 0);
    /* exactly the limit: fine */
    path = write_temp(text, n - 1);
    ck_assert_int_eq(dsg_config_load_file(path, c, &err), DSG_CONFIG_OK);
    unlink(path);
    free(path);
    /* an error in a file names the file */
    const char *bad = "# dsgd.conf\nlog.retention_days = 0\n";
    path = write_temp(bad, strlen(bad));
    ck_assert_int_eq(dsg_config_load_file(path, c, &err), DSG_CONFIG_ERR_RANGE);
    char want[128];
    snprintf(want, sizeof want, "%s:2:22: log.retention_days:", path);
    ck_assert_msg(strstr(err.message, want) != NULL, "%s", err.message);
    unlink(path);
    free(path);
    free(text);
    free(before);
    free(c);
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_untouched_on_error)
{
    dsg_config *c = new_config();
    dsg_config_error err;
    ck_assert_int_eq(load("dsgd.restart_burst = 7\n", c, &err), DSG_CONFIG_OK);
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_RESTART_BURST].num, 7);
    dsg_config *before = malloc(sizeof *before);
    ck_assert_ptr_nonnull(before);
    memcpy(before, c, sizeof *c);
    /* the good lines before the bad one are not applied either */
    ck_assert_int_eq(load("dsgd.restart_burst = 9\nportal.listen = \"x\"\n"
                          "share.forbidden_extensions_extra = \"foo\"\nbad\n", c, &err),
                     DSG_CONFIG_ERR_SYNTAX);
    ck_assert_uint_eq(err.line, 4);
    ck_assert_int_eq(memcmp(before, c, sizeof *c), 0);
    /* a successful load starts from the defaults, not from the previous file */
    ck_assert_int_eq(load("# nothing\n", c, &err), DSG_CONFIG_OK);
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_RESTART_BURST].num, 5);
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_RESTART_BURST].line, 0);
    free(before);
    free(c);
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_crlf_comments_quoting)
{
    dsg_config *c = new_config();
    dsg_config_error err;
    const char *text =
        "# dsgd.conf\r\n"
        "\r\n"
        "   # indented comment\r\n"
        "portal.listen = \"192.0.2.1:443\" # the address\r\n"
        "portal.origin=\"https://gw.example\"\r\n"
        "\tdsgd.state_dir\t=\t\"/var/lib/dsg \\\"main\\\" \\\\ x\"\r\n"
        "portal.tls_min_version = TLSv1.3\r\n"
        "dsgd.restart_delay = 250ms#no space needed\r\n"
        "portal.max_header_bytes = 16KiB\r\n"
        "dsgd.user = \"dsg2\"";   /* a last line without its LF */
    ck_assert_int_eq(load(text, c, &err), DSG_CONFIG_OK);
    ck_assert_str_eq(c->v[DSG_CFG_PORTAL_LISTEN].text, "192.0.2.1:443");
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_LISTEN].line, 4);
    ck_assert_str_eq(c->v[DSG_CFG_PORTAL_ORIGIN].text, "https://gw.example");
    ck_assert_str_eq(c->v[DSG_CFG_DSGD_STATE_DIR].text, "/var/lib/dsg \"main\" \\ x");
    ck_assert_str_eq(c->v[DSG_CFG_PORTAL_TLS_MIN_VERSION].text, "TLSv1.3");
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_RESTART_DELAY].num, 250);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_MAX_HEADER_BYTES].num, 16384);
    ck_assert_str_eq(c->v[DSG_CFG_DSGD_USER].text, "dsg2");
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_USER].line, 10);
    char where[64];
    dsg_config_origin(c, DSG_CFG_PORTAL_LISTEN, where, sizeof where);
    ck_assert_str_eq(where, "dsgd.conf:4");
    dsg_config_origin(c, DSG_CFG_CTL_SOCKET, where, sizeof where);
    ck_assert_str_eq(where, "default");
    free(c);
}
END_TEST

/* @relation(REQ-RUN-019) */
START_TEST(test_config_forbidden_extensions_extra)
{
    dsg_config *c = new_config();
    dsg_config_error err;
    ck_assert_uint_eq(c->forbidden_extra.count, 0);
    ck_assert_int_eq(load("share.forbidden_extensions_extra = \"foo, .Bar ,tar.XZ,settingcontent-ms\"\n",
                          c, &err), DSG_CONFIG_OK);
    ck_assert_uint_eq(c->forbidden_extra.count, 4);
    ck_assert_int_eq(memcmp(c->forbidden_extra.ext[1].text, "bar", 3), 0);
    ck_assert_int_eq(memcmp(c->forbidden_extra.ext[2].text, "tar.xz", 6), 0);
    ck_assert_int_eq(dsg_ext_set_is_valid(&c->forbidden_extra), 1);
    ck_assert_int_eq(load("share.forbidden_extensions_extra = foo,bar\n", c, &err), DSG_CONFIG_OK);
    ck_assert_uint_eq(c->forbidden_extra.count, 2);
    /* 32 characters are fine, 33 are not (name_policy's DSG_EXT_TEXT_MAX) */
    ck_assert_int_eq(load("share.forbidden_extensions_extra = abcdefghijklmnopqrstuvwxyz012345\n",
                          c, &err), DSG_CONFIG_OK);
    FAIL("share.forbidden_extensions_extra = abcdefghijklmnopqrstuvwxyz0123456\n",
         DSG_CONFIG_ERR_VALUE, 1, "share.forbidden_extensions_extra",
         "'abcdefghijklmnopqrstuvwxyz0123456' is not an extension");
    FAIL("\nshare.forbidden_extensions_extra = \"foo,a/b\"\n", DSG_CONFIG_ERR_VALUE, 2,
         "share.forbidden_extensions_extra", "'a/b' is not an extension");
    FAIL("share.forbidden_extensions_extra = \"foo,,bar\"\n", DSG_CONFIG_ERR_VALUE, 1,
         "share.forbidden_extensions_extra", "empty entry");
    FAIL("share.forbidden_extensions_extra = \"foo, \"\n", DSG_CONFIG_ERR_VALUE, 1,
         "share.forbidden_extensions_extra", "empty entry");
    FAIL("share.forbidden_extensions_extra = \"a..b\"\n", DSG_CONFIG_ERR_VALUE, 1,
         "share.forbidden_extensions_extra", "'a..b'");
    /* more than DSG_EXT_EXTRA_MAX distinct entries */
    char line[1024] = "share.forbidden_extensions_extra = \"";
    for (unsigned i = 0; i <= DSG_EXT_EXTRA_MAX; i++) {
        char e[16];
        snprintf(e, sizeof e, "%sx%u", i ? "," : "", i);
        strcat(line, e);
    }
    strcat(line, "\"\n");
    FAIL(line, DSG_CONFIG_ERR_RANGE, 1, "share.forbidden_extensions_extra", "more than 64");
    free(c);
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_every_default)
{
    dsg_config *c = malloc(sizeof *c);
    ck_assert_ptr_nonnull(c);
    memset(c, 0x5A, sizeof *c);
    ck_assert_int_eq(dsg_config_defaults(c), 0);
    for (size_t i = 0; i < DSG_CFG_COUNT; i++) {
        const dsg_config_key *k = &dsg_config_keys[i];
        ck_assert_msg(k->name != NULL && k->def != NULL && k->source != NULL &&
                          k->doc != NULL && k->req != NULL, "row %zu incomplete", i);
        ck_assert_int_eq(dsg_config_find(k->name, strlen(k->name)), (int)i);
        ck_assert_uint_eq(c->v[i].line, 0);
        ck_assert_msg(k->min <= k->max, "%s: empty range", k->name);
    }
    ck_assert_int_eq(dsg_config_find("portal", 6), -1);
    ck_assert_str_eq(c->v[DSG_CFG_DSGD_STATE_DIR].text, "var");
    ck_assert_str_eq(c->v[DSG_CFG_DSGD_USER].text, "dsg");
    ck_assert_str_eq(c->v[DSG_CFG_DSGD_PIDFILE].text, "var/dsgd.pid");
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_SHUTDOWN_TIMEOUT].num, 90000);
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_RESTART_DELAY].num, 100);
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_RESTART_DELAY_MAX].num, 60000);
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_RESTART_BURST].num, 5);
    ck_assert_uint_eq(c->v[DSG_CFG_DSGD_RESTART_INTERVAL].num, 10000);
    ck_assert_str_eq(c->v[DSG_CFG_PORTAL_LISTEN].text, "127.0.0.1:8443");
    ck_assert_str_eq(c->v[DSG_CFG_PORTAL_ORIGIN].text, "https://localhost:8443");
    ck_assert_str_eq(c->v[DSG_CFG_AUTH_RP_ID].text, "localhost");
    ck_assert_str_eq(c->v[DSG_CFG_PORTAL_TLS_MIN_VERSION].text, "TLSv1.2");
    ck_assert_ptr_nonnull(strstr(c->v[DSG_CFG_PORTAL_TLS12_CIPHERS].text,
                                 "ECDHE-RSA-AES256-GCM-SHA384"));
    ck_assert_ptr_null(strstr(c->v[DSG_CFG_PORTAL_TLS12_CIPHERS].text, "CHACHA20"));
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_MAX_REQUEST_LINE].num, 8190);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_MAX_HEADER_BYTES].num, 32768);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_MAX_HEADER_COUNT].num, 100);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_API_MAX_BODY_BYTES].num, 1048576);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_UPLOAD_MAX_BYTES].num, 4294967296u);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_HEADER_TIMEOUT].num, 60000);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_BODY_TIMEOUT].num, 60000);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_KEEPALIVE_TIMEOUT].num, 75000);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_HSTS_MAX_AGE].num, 31536000);
    ck_assert_uint_eq(c->v[DSG_CFG_PORTAL_JSON_MAX_DEPTH].num, 32);
    ck_assert_str_eq(c->v[DSG_CFG_SHARE_FORBIDDEN_EXTENSIONS_EXTRA].text, "");
    ck_assert_uint_eq(c->forbidden_extra.count, 0);
    ck_assert_uint_eq(c->v[DSG_CFG_DB_BUSY_TIMEOUT].num, 5000);
    ck_assert_str_eq(c->v[DSG_CFG_CTL_SOCKET].text, "var/run/dsgctl.sock");
    ck_assert_uint_eq(c->v[DSG_CFG_LOG_CHECKPOINT_INTERVAL].num, 60000);
    ck_assert_uint_eq(c->v[DSG_CFG_LOG_CHECKPOINT_RECORDS].num, 1000);
    ck_assert_uint_eq(c->v[DSG_CFG_LOG_RETENTION_DAYS].num, 365);
    ck_assert_uint_eq(c->v[DSG_CFG_LOG_ACK_TIMEOUT].num, 2000);
    ck_assert_uint_eq(c->v[DSG_CFG_LOG_STORAGE_WARN_PERCENT].num, 75);
    ck_assert_uint_eq(c->v[DSG_CFG_LOG_MAX_FIELD_BYTES].num, 4096);
    ck_assert_uint_eq(c->v[DSG_CFG_LOG_UNCOLLECTED_PERIOD].num, 86400000);
    free(c);
}
END_TEST

static char *read_source(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DSG_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static const size_t cap = 1u << 20;
    char *buf = malloc(cap + 1);
    ck_assert_ptr_nonnull(buf);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* The requirement block a position of a spec file lies in. */
static void req_at(const char *text, const char *pos, char *req, size_t cap)
{
    const char *h = NULL;
    for (const char *p = text; p < pos; p++)
        if ((p == text || p[-1] == '\n') && strncmp(p, "## REQ-", 7) == 0)
            h = p + 3;
    req[0] = '\0';
    if (h != NULL) {
        size_t n = strcspn(h, ":");
        snprintf(req, cap, "%.*s", (int)n, h);
    }
}

/* @relation(REQ-RUN-018) */
START_TEST(test_config_defaults_match_spec)
{
    static const char *const files[] = { "spec/run.md", "spec/log.md", "spec/acct.md",
                                         "spec/mfa.md", "spec/share.md", "spec/bkup.md",
                                         "spec/ntp.md" };
    char *spec[sizeof files / sizeof files[0]];
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
        spec[f] = read_source(files[f]);
    for (size_t i = 0; i < DSG_CFG_COUNT; i++) {
        const dsg_config_key *k = &dsg_config_keys[i];
        char line[2048];
        snprintf(line, sizeof line, "\n- config: %s = %s (source: %s)\n", k->name, k->def,
                 k->source);
        const char *text = NULL, *at = NULL;
        for (size_t f = 0; f < sizeof files / sizeof files[0] && at == NULL; f++)
            at = strstr(text = spec[f], line);
        ck_assert_msg(at != NULL, "no spec line%s", line);
        char req[32];
        req_at(text, at, req, sizeof req);
        ck_assert_msg(strcmp(req, k->req) == 0, "%s is under %s, the table says %s", k->name,
                      req, k->req);
    }
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
        free(spec[f]);
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_docs_list_every_key)
{
    char *doc = read_source("docs/config.md");
    for (size_t i = 0; i < DSG_CFG_COUNT; i++) {
        const dsg_config_key *k = &dsg_config_keys[i];
        char row[256];
        snprintf(row, sizeof row, "| `%s` |", k->name);
        const char *at = strstr(doc, row);
        ck_assert_msg(at != NULL, "docs/config.md has no row for %s", k->name);
        const char *eol = strchr(at, '\n');
        ck_assert_ptr_nonnull(eol);
        char def[1200];
        snprintf(def, sizeof def, "`%s`", k->def);
        const char *d = strstr(at, def);
        ck_assert_msg(d != NULL && d < eol, "docs/config.md: %s lacks its default %s", k->name,
                      def);
    }
    free(doc);
}
END_TEST

/* Writes the effective configuration back as a file: text values quoted
 * with \" and \\ escapes, numbers in their base unit. */
static size_t serialise(const dsg_config *c, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < DSG_CFG_COUNT; i++) {
        const dsg_config_key *k = &dsg_config_keys[i];
        n += (size_t)snprintf(out + n, cap - n, "%s = ", k->name);
        switch (k->type) {
        case DSG_CONFIG_TEXT:
        case DSG_CONFIG_EXTLIST:
            out[n++] = '"';
            for (size_t j = 0; j < c->v[i].text_len; j++) {
                char ch = c->v[i].text[j];
                if (ch == '"' || ch == '\\')
                    out[n++] = '\\';
                out[n++] = ch;
            }
            n += (size_t)snprintf(out + n, cap - n, "\"\n");
            break;
        case DSG_CONFIG_BOOL:
            n += (size_t)snprintf(out + n, cap - n, "%s\n", c->v[i].num ? "true" : "false");
            break;
        case DSG_CONFIG_DURATION:
            n += (size_t)snprintf(out + n, cap - n, "%llums\n", (unsigned long long)c->v[i].num);
            break;
        default:
            n += (size_t)snprintf(out + n, cap - n, "%llu\n", (unsigned long long)c->v[i].num);
            break;
        }
    }
    return n;
}

static void expect_same_values(const dsg_config *a, const dsg_config *b)
{
    for (size_t i = 0; i < DSG_CFG_COUNT; i++) {
        ck_assert_msg(a->v[i].num == b->v[i].num, "%s", dsg_config_keys[i].name);
        if (dsg_config_keys[i].type != DSG_CONFIG_TEXT &&
            dsg_config_keys[i].type != DSG_CONFIG_EXTLIST)
            continue;   /* "90s" and "90000ms" are the same value */
        ck_assert_msg(a->v[i].text_len == b->v[i].text_len &&
                          memcmp(a->v[i].text, b->v[i].text, a->v[i].text_len) == 0,
                      "%s", dsg_config_keys[i].name);
    }
    ck_assert_uint_eq(a->forbidden_extra.count, b->forbidden_extra.count);
    for (uint32_t i = 0; i < a->forbidden_extra.count && i < DSG_EXT_EXTRA_MAX; i++) {
        const dsg_ext *x = &a->forbidden_extra.ext[i], *y = &b->forbidden_extra.ext[i];
        ck_assert_uint_eq(x->len, y->len);
        ck_assert_int_eq(memcmp(x->text, y->text, x->len), 0);
    }
}

/* @relation(REQ-RUN-018) */
START_TEST(test_config_round_trip)
{
    dsg_config *a = new_config();
    dsg_config *b = new_config();
    dsg_config_error err;
    /* every key set in a file to its default as written: the same values */
    char *text = malloc(65536);
    ck_assert_ptr_nonnull(text);
    size_t n = 0;
    for (size_t i = 0; i < DSG_CFG_COUNT; i++)
        n += (size_t)snprintf(text + n, 65536 - n, "%s = %s\n", dsg_config_keys[i].name,
                              dsg_config_keys[i].def);
    ck_assert_int_eq(dsg_config_load_buffer("d.conf", text, n, b, &err), DSG_CONFIG_OK);
    expect_same_values(a, b);
    for (size_t i = 0; i < DSG_CFG_COUNT; i++)
        ck_assert_uint_eq(b->v[i].line, i + 1);
    /* a changed configuration, serialised and loaded again: the same values */
    ck_assert_int_eq(load("dsgd.state_dir = \"/srv/dsg \\\"q\\\" \\\\\"\n"
                          "share.forbidden_extensions_extra = \"Foo, bar\"\n"
                          "portal.max_header_bytes = 64KiB\n"
                          "log.uncollected_period = 2d\n", a, &err), DSG_CONFIG_OK);
    n = serialise(a, text, 65536);
    ck_assert_int_eq(dsg_config_load_buffer("s.conf", text, n, b, &err), DSG_CONFIG_OK);
    expect_same_values(a, b);
    free(text);
    free(a);
    free(b);
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_tokens)
{
    ck_assert_str_eq(dsg_config_status_token(DSG_CONFIG_OK), "ok");
    ck_assert_str_eq(dsg_config_status_token(DSG_CONFIG_ERR_UNKNOWN_KEY), "unknown-key");
    ck_assert_str_eq(dsg_config_status_token(DSG_CONFIG_ERR_RANGE), "out-of-range");
    ck_assert_str_eq(dsg_config_status_token((dsg_config_status)99), "unknown");
    for (int k = DSG_CONF_BLANK; k <= DSG_CONF_ERR_TRAILING; k++)
        ck_assert_str_ne(dsg_config_syntax_text((dsg_conf_kind)k), "unknown error");
    for (int v = DSG_CONF_VAL_OK; v <= DSG_CONF_VAL_TOO_LONG; v++)
        ck_assert_str_ne(dsg_config_value_text((dsg_conf_val)v), "unknown error");
    char buf[4];
    dsg_config *c = new_config();
    dsg_config_origin(c, DSG_CFG_CTL_SOCKET, buf, sizeof buf);
    ck_assert_str_eq(buf, "def");
    free(c);
}
END_TEST

Suite *suite_config(void)
{
    Suite *s = suite_create("config");
    TCase *bad = tcase_create("errors");
    tcase_add_test(bad, test_config_unknown_key);
    tcase_add_test(bad, test_config_duplicate_key);
    tcase_add_test(bad, test_config_malformed_values);
    tcase_add_test(bad, test_config_out_of_range);
    tcase_add_test(bad, test_config_syntax_errors);
    tcase_add_test(bad, test_config_file_errors);
    tcase_add_test(bad, test_config_untouched_on_error);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("loading");
    tcase_add_test(good, test_config_crlf_comments_quoting);
    tcase_add_test(good, test_config_forbidden_extensions_extra);
    tcase_add_test(good, test_config_every_default);
    tcase_add_test(good, test_config_defaults_match_spec);
    tcase_add_test(good, test_config_docs_list_every_key);
    tcase_add_test(good, test_config_round_trip);
    tcase_add_test(good, test_config_tokens);
    suite_add_tcase(s, good);
    return s;
}
