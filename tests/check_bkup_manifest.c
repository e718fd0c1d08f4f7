/*
 * Unit tests of the backup manifest parser and writer
 * (src/core/bkup_manifest.h): REQ-BKUP-017.
 *
 * Bad input first: every error code with the offset it reports, made by
 * changing one thing in a valid manifest; the limits (name length, member
 * count, depends count, the largest numbers) at the limit and one past it.
 * Then valid manifests and their fields, then the writer: its refusals,
 * the canonical text, and parse(write(m)) == m.
 *
 * Every parse goes through parse_checked(), which checks the contract on
 * each result: on success every member name lies in the input, followed
 * by a space, keeps the name rule (checked here byte by byte, segment by
 * segment), no two members share a role and a name, and writing the
 * result gives back the input byte for byte; on an error the count is 0
 * and the offset within the input.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/bkup_manifest.h"

Suite *suite_bkup_manifest(void);

#define CAP 8u
#define BIG 20000u

static dsg_bkm_head head;
static dsg_bkm_member members[CAP];
static size_t nmembers;

#define HEX_A "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define HEX_B "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const char VALID[] =
    "dsg-backup-manifest 1\n"
    "id 20261127T030000Z\n"
    "created 2026-11-27T03:00:00.000Z\n"
    "dsg 0.17.0\n"
    "depends 20261125T030000Z\n"
    "depends 20261126T030000Z\n"
    "role auth 2026-11-27T03:00:01.123Z schema 5\n"
    "role share 2026-11-27T03:00:02.000Z schema 12\n"
    "member auth auth.db 123456 " HEX_A "\n"
    "member share objects/ab/cdef01 4096 " HEX_B "\n"
    "member share share.db 0 " HEX_A "\n"
    "end\n";

/* The name rule, written out independently: segments split on "/". */
static int name_ok(const uint8_t *s, size_t n)
{
    if (n < 1 || n > DSG_BKM_NAME_MAX)
        return 0;
    size_t seg = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '/') {
            if (i == seg || s[seg] == '.')
                return 0;
            seg = i + 1;
            continue;
        }
        int c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
        if (c == '.' && i > seg && s[i - 1] == '.')
            return 0;
    }
    return 1;
}

static uint8_t wbuf[BIG];

static dsg_bkm_status parse_checked(const char *text, size_t len, size_t cap, size_t *at)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t count = 99, err_at = 99;
    dsg_bkm_status st = dsg_bkm_parse(s, len, &head, members, cap, &count, &err_at);
    ck_assert_uint_le(err_at, len);
    if (st == DSG_BKM_OK) {
        ck_assert_uint_eq(err_at, len);
        ck_assert_uint_le(count, cap);
        for (size_t k = 0; k < count; k++) {
            const dsg_bkm_member *x = &members[k];
            ck_assert_uint_lt(x->role, DSG_BKM_ROLES);
            ck_assert_int_eq(head.role_seen[x->role], 1);
            ck_assert_uint_lt(x->name_off + x->name_len, len);
            ck_assert_int_eq(s[x->name_off + x->name_len], ' ');
            ck_assert(name_ok(s + x->name_off, x->name_len));
            ck_assert(memchr(s + x->name_off, 0, x->name_len) == NULL);
            ck_assert_int_ge(x->size, 0);
            ck_assert_uint_lt(x->digest_off + DSG_BKM_DIGEST_HEX, len);
            ck_assert_int_eq(s[x->digest_off + DSG_BKM_DIGEST_HEX], '\n');
            for (size_t j = 0; j < DSG_BKM_DIGEST_HEX; j++)
                ck_assert(strchr("0123456789abcdef", s[x->digest_off + j]) != NULL &&
                          s[x->digest_off + j] != 0);
            for (size_t j = 0; j < k; j++)
                ck_assert(members[j].role != x->role || members[j].name_len != x->name_len ||
                          memcmp(s + members[j].name_off, s + x->name_off, x->name_len) != 0);
        }
        /* the text of an accepted manifest is canonical */
        size_t out_len = 99;
        ck_assert_int_eq(dsg_bkm_write(&head, members, count, s, len, wbuf, sizeof wbuf, &out_len),
                         DSG_BKM_OK);
        ck_assert_uint_eq(out_len, len);
        ck_assert(memcmp(wbuf, s, len) == 0);
    } else {
        ck_assert_uint_eq(count, 0);
    }
    nmembers = count;
    *at = err_at;
    return st;
}

static char text[BIG];

/* VALID with its first `from` replaced by `to`, into text; its length. */
static size_t mutate(const char *from, const char *to)
{
    const char *p = strstr(VALID, from);
    ck_assert_ptr_nonnull(p);
    size_t a = (size_t)(p - VALID);
    int n = snprintf(text, sizeof text, "%.*s%s%s", (int)a, VALID, to, p + strlen(from));
    ck_assert_int_gt(n, 0);
    return (size_t)n;
}

/* The offset of needle in text, plus k. */
static size_t at_of(const char *needle, size_t k)
{
    const char *p = strstr(text, needle);
    ck_assert_ptr_nonnull(p);
    return (size_t)(p - text) + k;
}

static void expect(size_t len, dsg_bkm_status want, size_t want_at, int line)
{
    size_t at = 0;
    dsg_bkm_status st = parse_checked(text, len, CAP, &at);
    ck_assert_msg(st == want && at == want_at, "line %d: status %s at %zu, want %s at %zu",
                  line, dsg_bkm_status_token(st), at, dsg_bkm_status_token(want), want_at);
}

#define EXPECT(len, want, want_at) expect((len), (want), (want_at), __LINE__)
/* mutate() first, then the offset, which may look into the changed text */
#define MEXPECT(from, to, want, want_at)                  \
    do {                                                  \
        size_t mlen_ = mutate((from), (to));              \
        expect(mlen_, (want), (want_at), __LINE__);       \
    } while (0)

/* ---- refusals ----------------------------------------------------------- */

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_bad_header)
{
    text[0] = 0;
    EXPECT(0, DSG_BKM_ERR_HEADER, 0);
    MEXPECT("dsg-backup-manifest 1\n", "dsg-backup-manifest 2\n", DSG_BKM_ERR_HEADER, 0);
    MEXPECT("dsg-backup-manifest 1\n", "dsg-backup-manifest 1\r\n", DSG_BKM_ERR_HEADER, 0);
    MEXPECT("dsg-backup-manifest 1\n", "\ndsg-backup-manifest 1\n", DSG_BKM_ERR_HEADER, 0);
    MEXPECT("dsg-backup-manifest 1\n", "DSG-backup-manifest 1\n", DSG_BKM_ERR_HEADER, 0);
    /* the magic line alone, cut short */
    memcpy(text, VALID, 21);
    EXPECT(21, DSG_BKM_ERR_HEADER, 0);
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_lines_out_of_place)
{
    /* each head line where it belongs, at the start of the line that is not */
    MEXPECT("id ", "ID ", DSG_BKM_ERR_LINE, 22);
    MEXPECT("created ", "created  ", DSG_BKM_ERR_TIME, at_of("created ", 8));
    size_t n = mutate("dsg 0.17.0\n", "");
    EXPECT(n, DSG_BKM_ERR_LINE, at_of("depends", 0));
    /* a depends line after the role lines */
    n = mutate("member auth", "depends 20261124T030000Z\nmember auth");
    EXPECT(n, DSG_BKM_ERR_LINE, at_of("depends 20261124", 0));
    /* an empty line, an unknown kind, a role line among members */
    MEXPECT("member auth", "\nmember auth", DSG_BKM_ERR_LINE, at_of("\n\nmember", 1));
    MEXPECT("member auth", "note x\nmember auth", DSG_BKM_ERR_LINE, at_of("note", 0));
    n = mutate("member share share.db", "role soc 2026-11-27T03:00:02.000Z schema 1\nmember share share.db");
    EXPECT(n, DSG_BKM_ERR_LINE, at_of("role soc", 0));
    /* no role line at all */
    n = mutate("role auth 2026-11-27T03:00:01.123Z schema 5\nrole share 2026-11-27T03:00:02.000Z schema 12\n", "");
    EXPECT(n, DSG_BKM_ERR_LINE, at_of("member auth", 0));
    /* no end line, or a cut one */
    n = mutate("end\n", "");
    EXPECT(n, DSG_BKM_ERR_LINE, n);
    n = mutate("end\n", "end");
    EXPECT(n, DSG_BKM_ERR_LINE, n - 3);
    n = mutate("end\n", "END\n");
    EXPECT(n, DSG_BKM_ERR_LINE, n - 4);
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_trailing_bytes)
{
    size_t n = mutate("end\n", "end\n\n");
    EXPECT(n, DSG_BKM_ERR_TRAILING, n - 1);
    n = mutate("end\n", "end\nend\n");
    EXPECT(n, DSG_BKM_ERR_TRAILING, n - 4);
    /* a NUL after the text is a byte like any other */
    n = mutate("end\n", "end\n");
    text[n] = 0;
    EXPECT(n + 1, DSG_BKM_ERR_TRAILING, n);
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_spaces_and_line_ends)
{
    /* one space between fields, LF only, no trailing space */
    MEXPECT("dsg 0.17.0\n", "dsg 0.17.0 \n", DSG_BKM_ERR_SYNTAX, at_of("0.17.0 ", 6));
    MEXPECT("dsg 0.17.0\n", "dsg 0.17.0\r\n", DSG_BKM_ERR_SYNTAX, at_of("\r", 0));
    MEXPECT("dsg 0.17.0\n", "dsg 0,17.0\n", DSG_BKM_ERR_SYNTAX, at_of("0,", 1));
    MEXPECT("030000Z\ncreated", "030000Z \ncreated", DSG_BKM_ERR_SYNTAX, at_of("Z \n", 1));
    MEXPECT("member auth auth.db", "member auth  auth.db", DSG_BKM_ERR_NAME,
           at_of("auth  auth", 5));
    MEXPECT("member auth auth.db", "member  auth auth.db", DSG_BKM_ERR_ROLE,
           at_of("member  auth", 7));
    MEXPECT("member auth auth.db", "member auth\tauth.db", DSG_BKM_ERR_SYNTAX,
           at_of("\tauth.db", 0));
    MEXPECT("123456 ", "123456  ", DSG_BKM_ERR_DIGEST, at_of("123456  ", 7));
    MEXPECT("123456 ", "123456\t", DSG_BKM_ERR_SYNTAX, at_of("123456\t", 6));
    MEXPECT(HEX_A "\nmember share", HEX_A " \nmember share", DSG_BKM_ERR_SYNTAX,
           at_of(HEX_A " ", 64));
    MEXPECT(".123Z schema 5", ".123Z  schema 5", DSG_BKM_ERR_LINE, at_of(".123Z ", 5));
    MEXPECT(".123Z schema 5", ".123Z schema  5", DSG_BKM_ERR_NUMBER,
           at_of("schema  5", 7));
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_bad_ids)
{
    size_t id = 22 + 3;
    MEXPECT("id 20261127T", "id 20261327T", DSG_BKM_ERR_ID, id + 4);
    MEXPECT("id 20261127T", "id 20261100T", DSG_BKM_ERR_ID, id + 6);
    MEXPECT("id 20261127T", "id 20260229T", DSG_BKM_ERR_ID, id + 6);
    MEXPECT("T030000Z\ncreated", "T240000Z\ncreated", DSG_BKM_ERR_ID, id + 9);
    MEXPECT("T030000Z\ncreated", "T036000Z\ncreated", DSG_BKM_ERR_ID, id + 11);
    MEXPECT("T030000Z\ncreated", "T030060Z\ncreated", DSG_BKM_ERR_ID, id + 13);
    MEXPECT("T030000Z\ncreated", "t030000Z\ncreated", DSG_BKM_ERR_ID, id + 8);
    MEXPECT("T030000Z\ncreated", "T030000z\ncreated", DSG_BKM_ERR_ID, id + 15);
    MEXPECT("id 2026", "id 2O26", DSG_BKM_ERR_ID, id + 1);
    MEXPECT("T030000Z\ncreated", "T03000Z\ncreated", DSG_BKM_ERR_ID, id + 14);
    /* a leap year's 29 February is a date */
    size_t at = 0;
    size_t n = mutate("id 20261127T", "id 20280229T");
    ck_assert_int_eq(parse_checked(text, n, CAP, &at), DSG_BKM_OK);
    /* and so is 2000's, not 2100's */
    n = mutate("id 20261127T", "id 21000229T");
    EXPECT(n, DSG_BKM_ERR_ID, id + 6);
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_bad_times)
{
    size_t n = mutate("created 2026-11-27", "created 2026-02-29");
    EXPECT(n, DSG_BKM_ERR_TIME, at_of("created ", 8 + 8));
    n = mutate("created 2026-11-27", "created 2026-13-27");
    EXPECT(n, DSG_BKM_ERR_TIME, at_of("created ", 8 + 5));
    n = mutate("created 2026-11-27T03", "created 2026-11-27T24");
    EXPECT(n, DSG_BKM_ERR_TIME, at_of("created ", 8 + 11));
    n = mutate("03:00:00.000Z", "03:00:60.000Z");
    EXPECT(n, DSG_BKM_ERR_TIME, at_of("created ", 8 + 17));
    n = mutate("03:00:00.000Z", "03:00:00.000+00:00");
    EXPECT(n, DSG_BKM_ERR_TIME, at_of("created ", 8 + 23));
    n = mutate("03:00:00.000Z", "03:00:00Z");
    EXPECT(n, DSG_BKM_ERR_TIME, at_of("created ", 8 + 19));
    n = mutate("2026-11-27T03:00:00.000Z", "2026-11-27 03:00:00.000Z");
    EXPECT(n, DSG_BKM_ERR_TIME, at_of("created ", 8 + 10));
    n = mutate("2026-11-27T03:00:01.123Z", "2026-11-27T03:00:01.12Z");
    EXPECT(n, DSG_BKM_ERR_TIME, at_of("01.12Z", 5));
    n = mutate("2026-11-27T03:00:01.123Z", "2026-04-31T03:00:01.123Z");
    EXPECT(n, DSG_BKM_ERR_TIME, at_of("2026-04-31", 8));
    /* a time cut by the end of the input */
    memcpy(text, VALID, 70);
    EXPECT(70, DSG_BKM_ERR_TIME, 70);
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_bad_numbers)
{
    MEXPECT("dsg 0.17.0", "dsg 0.017.0", DSG_BKM_ERR_NUMBER, at_of("017", 1));
    MEXPECT("dsg 0.17.0", "dsg 00.17.0", DSG_BKM_ERR_NUMBER, at_of("dsg 00", 5));
    MEXPECT("dsg 0.17.0", "dsg .17.0", DSG_BKM_ERR_NUMBER, at_of("dsg .", 4));
    MEXPECT("dsg 0.17.0", "dsg 0.17.", DSG_BKM_ERR_NUMBER, at_of("0.17.\n", 5));
    MEXPECT("dsg 0.17.0", "dsg -1.17.0", DSG_BKM_ERR_NUMBER, at_of("dsg -1", 4));
    /* the limits: 2^31-1 for versions and schemas, 2^63-1 for sizes */
    size_t at = 0;
    size_t n = mutate("dsg 0.17.0", "dsg 2147483647.17.0");
    ck_assert_int_eq(parse_checked(text, n, CAP, &at), DSG_BKM_OK);
    ck_assert_uint_eq(head.dsg_major, 2147483647u);
    MEXPECT("dsg 0.17.0", "dsg 2147483648.17.0", DSG_BKM_ERR_NUMBER,
           at_of("2147483648", 9));
    MEXPECT("schema 12", "schema 21474836470", DSG_BKM_ERR_NUMBER,
           at_of("21474836470", 10));
    MEXPECT("schema 12", "schema 012", DSG_BKM_ERR_NUMBER, at_of("schema 012", 8));
    n = mutate("auth.db 123456", "auth.db 9223372036854775807");
    ck_assert_int_eq(parse_checked(text, n, CAP, &at), DSG_BKM_OK);
    ck_assert(members[0].size == INT64_MAX);
    MEXPECT("auth.db 123456", "auth.db 9223372036854775808", DSG_BKM_ERR_NUMBER,
           at_of("9223372036854775808", 18));
    MEXPECT("auth.db 123456", "auth.db 99999999999999999999", DSG_BKM_ERR_NUMBER,
           at_of("99999999999999999999", 18));
    MEXPECT("auth.db 123456", "auth.db 0123456", DSG_BKM_ERR_NUMBER,
           at_of("0123456", 1));
    MEXPECT("auth.db 123456", "auth.db +123456", DSG_BKM_ERR_NUMBER,
           at_of("+123456", 0));
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_bad_digests)
{
    MEXPECT("123456 0011", "123456 0A11", DSG_BKM_ERR_DIGEST, at_of("0A11", 1));
    MEXPECT("123456 0011", "123456 0g11", DSG_BKM_ERR_DIGEST, at_of("0g11", 1));
    /* 63 digits: the LF is where the 64th should be; 65: no LF after 64 */
    MEXPECT("123456 00", "123456 0", DSG_BKM_ERR_DIGEST, at_of("123456 ", 7 + 63));
    MEXPECT("123456 00", "123456 000", DSG_BKM_ERR_SYNTAX, at_of("123456 ", 7 + 64));
    MEXPECT("123456 00", "123456 \n", DSG_BKM_ERR_DIGEST, at_of("123456 ", 7));
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_bad_roles)
{
    MEXPECT("role auth", "role dns", DSG_BKM_ERR_ROLE, at_of("dns", 0));
    MEXPECT("role auth", "role Auth", DSG_BKM_ERR_ROLE, at_of("Auth", 0));
    MEXPECT("role auth", "role authx", DSG_BKM_ERR_ROLE, at_of("authx", 0));
    MEXPECT("role auth", "role endpointxy", DSG_BKM_ERR_ROLE, at_of("endpointxy", 0));
    MEXPECT("role auth", "role aut", DSG_BKM_ERR_ROLE, at_of("aut ", 0));
    MEXPECT("role auth 2026", "role auth:2026", DSG_BKM_ERR_SYNTAX, at_of(":2026", 0));
    /* twice, and out of order */
    size_t n = mutate("role share 2026-11-27T03:00:02.000Z schema 12\n",
                      "role auth 2026-11-27T03:00:02.000Z schema 12\n");
    EXPECT(n, DSG_BKM_ERR_DUPLICATE, at_of("role auth 2026-11-27T03:00:02", 0));
    n = mutate("role auth 2026-11-27T03:00:01.123Z schema 5\n", "role soc 2026-11-27T03:00:01.123Z schema 5\n");
    EXPECT(n, DSG_BKM_ERR_ORDER, at_of("role share", 0));
    /* a member of a role without its line */
    MEXPECT("member auth auth.db", "member logd auth.db", DSG_BKM_ERR_UNDECLARED,
           at_of("logd auth.db", 0));
    MEXPECT("member auth auth.db", "member dns auth.db", DSG_BKM_ERR_ROLE,
           at_of("dns auth.db", 0));
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_bad_names)
{
    static const struct {
        const char *name;
        size_t bad;   /* the offset in the name that is reported */
    } cases[] = {
        { "/auth.db", 0 },      { "auth.db/", 7 },     { "a//b", 2 },     { "a/../b", 2 },
        { "a/./b", 2 },         { "../a", 0 },         { "./a", 0 },      { ".", 0 },
        { "..", 0 },            { ".hidden", 0 },      { "a/.git/x", 2 }, { "a..b", 2 },
        { "a\\b", 1 },          { "a\x01" "b", 1 },    { "a\x7f" "b", 1 }, { "a\xc3\xa9", 1 },
        { "a:b", 1 },           { "a*b", 1 },          { "/", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name_line[600];
        snprintf(name_line, sizeof name_line, "member auth %s", cases[i].name);
        size_t n = mutate("member auth auth.db", name_line);
        size_t at = 0;
        dsg_bkm_status st = parse_checked(text, n, CAP, &at);
        size_t want = at_of("member auth ", 12) + cases[i].bad;
        ck_assert_msg(st == DSG_BKM_ERR_NAME && at == want, "name %zu: %s at %zu, want %zu", i,
                      dsg_bkm_status_token(st), at, want);
    }
    /* a NUL inside a name */
    size_t n = mutate("member auth auth.db", "member auth auth@db");
    size_t nul = at_of("auth@db", 4);
    text[nul] = 0;
    EXPECT(n, DSG_BKM_ERR_NAME, nul);
    /* an empty name */
    MEXPECT("member auth auth.db", "member auth  123", DSG_BKM_ERR_NAME,
           at_of("auth  123", 5));
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_name_length_limit)
{
    char name[DSG_BKM_NAME_MAX + 2];
    char line[DSG_BKM_NAME_MAX + 64];
    memset(name, 'a', sizeof name);
    name[DSG_BKM_NAME_MAX] = 0;
    snprintf(line, sizeof line, "member auth %s", name);
    size_t at = 0;
    size_t n = mutate("member auth auth.db", line);
    ck_assert_int_eq(parse_checked(text, n, CAP, &at), DSG_BKM_OK);
    ck_assert_uint_eq(members[0].name_len, DSG_BKM_NAME_MAX);
    /* the longest line the grammar allows */
    char longest[DSG_BKM_LINE_MAX + 1];
    int w = snprintf(longest, sizeof longest, "member endpoint %s 9223372036854775807 %s\n", name,
                     HEX_A);
    ck_assert_int_eq(w, (int)DSG_BKM_LINE_MAX);
    name[DSG_BKM_NAME_MAX] = 'a';
    name[DSG_BKM_NAME_MAX + 1] = 0;
    snprintf(line, sizeof line, "member auth %s", name);
    n = mutate("member auth auth.db", line);
    EXPECT(n, DSG_BKM_ERR_NAME, at_of("member auth a", 12 + DSG_BKM_NAME_MAX));
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_duplicate_and_order_of_members)
{
    size_t n = mutate("member share share.db", "member share objects/ab/cdef01");
    EXPECT(n, DSG_BKM_ERR_DUPLICATE, at_of("member share objects/ab/cdef01 0", 0));
    n = mutate("member share share.db", "member share objects/ab/cdef00");
    EXPECT(n, DSG_BKM_ERR_ORDER, at_of("member share objects/ab/cdef00", 0));
    /* a proper prefix sorts first */
    n = mutate("member share share.db", "member share objects/ab/cdef0");
    EXPECT(n, DSG_BKM_ERR_ORDER, at_of("member share objects/ab/cdef0 ", 0));
    /* by role first: an auth member after share members */
    n = mutate("end\n", "member auth a.db 1 " HEX_A "\nend\n");
    EXPECT(n, DSG_BKM_ERR_ORDER, at_of("member auth a.db", 0));
    /* the same name under two roles is two members */
    size_t at = 0;
    n = mutate("member share objects", "member share auth.db 1 " HEX_A "\nmember share objects");
    ck_assert_int_eq(parse_checked(text, n, CAP, &at), DSG_BKM_OK);
    ck_assert_uint_eq(nmembers, 4);
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_bad_depends)
{
    size_t n = mutate("depends 20261126T030000Z", "depends 20261124T030000Z");
    EXPECT(n, DSG_BKM_ERR_ORDER, at_of("depends 20261124", 0));
    n = mutate("depends 20261126T030000Z", "depends 20261125T030000Z");
    EXPECT(n, DSG_BKM_ERR_ORDER, at_of("depends 20261125T030000Z\ndepends", 25));
    n = mutate("depends 20261126T030000Z", "depends 20261127T030000Z");
    EXPECT(n, DSG_BKM_ERR_ORDER, at_of("depends 20261127", 0));
    n = mutate("depends 20261126T030000Z", "depends 20261128T030000Z");
    EXPECT(n, DSG_BKM_ERR_ORDER, at_of("depends 20261128", 0));
    n = mutate("depends 20261126T030000Z", "depends 20261126T030000");
    EXPECT(n, DSG_BKM_ERR_ID, at_of("depends 20261126", 8 + 15));
}
END_TEST

static size_t without_depends(void)
{
    return (size_t)snprintf(text, sizeof text, "%s",
                            "dsg-backup-manifest 1\nid 20261127T030000Z\n"
                            "created 2026-11-27T03:00:00.000Z\ndsg 0.17.0\n"
                            "role auth 2026-11-27T03:00:01.123Z schema 5\nend\n");
}

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_depends_limit)
{
    size_t at = 0;
    size_t n = without_depends();
    ck_assert_int_eq(parse_checked(text, n, CAP, &at), DSG_BKM_OK);
    ck_assert_uint_eq(head.ndepends, 0);
    n = (size_t)snprintf(text, sizeof text, "%s",
                         "dsg-backup-manifest 1\nid 20261127T030000Z\n"
                         "created 2026-11-27T03:00:00.000Z\ndsg 0.17.0\n");
    for (size_t i = 0; i < DSG_BKM_DEPENDS_MAX + 1; i++) {
        size_t line = n;
        n += (size_t)snprintf(text + n, sizeof text - n, "depends 2026%02zu%02zuT030000Z\n",
                              1 + i / 28, 1 + i % 28);
        if (i == DSG_BKM_DEPENDS_MAX - 1) {
            size_t m = n + (size_t)snprintf(text + n, sizeof text - n,
                                            "role auth 2026-11-27T03:00:01.123Z schema 5\nend\n");
            ck_assert_int_eq(parse_checked(text, m, CAP, &at), DSG_BKM_OK);
            ck_assert_uint_eq(head.ndepends, DSG_BKM_DEPENDS_MAX);
        }
        if (i == DSG_BKM_DEPENDS_MAX) {
            n += (size_t)snprintf(text + n, sizeof text - n,
                                  "role auth 2026-11-27T03:00:01.123Z schema 5\nend\n");
            EXPECT(n, DSG_BKM_ERR_TOO_MANY, line);
        }
    }
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_member_limit_is_the_callers_array)
{
    size_t at = 0;
    size_t n = strlen(VALID);
    memcpy(text, VALID, n);
    ck_assert_int_eq(parse_checked(text, n, 3, &at), DSG_BKM_OK);
    ck_assert_int_eq(parse_checked(text, n, 2, &at), DSG_BKM_ERR_TOO_MANY);
    ck_assert_uint_eq(at, at_of("member share share.db", 0));
    ck_assert_int_eq(parse_checked(text, n, 0, &at), DSG_BKM_ERR_TOO_MANY);
    ck_assert_uint_eq(at, at_of("member auth", 0));
}
END_TEST

/* Every prefix of a valid manifest is refused, at an offset inside it. */
/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_every_prefix_is_refused)
{
    size_t n = strlen(VALID);
    memcpy(text, VALID, n);
    for (size_t k = 0; k < n; k++) {
        size_t at = 0;
        ck_assert_int_ne(parse_checked(text, k, CAP, &at), DSG_BKM_OK);
    }
}
END_TEST

/* ---- valid manifests ------------------------------------------------------- */

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_valid_manifest_fields)
{
    size_t n = strlen(VALID), at = 0;
    memcpy(text, VALID, n);
    ck_assert_int_eq(parse_checked(text, n, CAP, &at), DSG_BKM_OK);
    ck_assert_uint_eq(at, n);
    ck_assert(memcmp(head.id, "20261127T030000Z", DSG_BKM_ID_LEN) == 0);
    ck_assert(memcmp(head.created, "2026-11-27T03:00:00.000Z", DSG_BKM_TIME_LEN) == 0);
    ck_assert_uint_eq(head.dsg_major, 0);
    ck_assert_uint_eq(head.dsg_minor, 17);
    ck_assert_uint_eq(head.dsg_patch, 0);
    ck_assert_uint_eq(head.ndepends, 2);
    ck_assert(memcmp(head.depends[0], "20261125T030000Z", DSG_BKM_ID_LEN) == 0);
    ck_assert(memcmp(head.depends[1], "20261126T030000Z", DSG_BKM_ID_LEN) == 0);
    for (unsigned r = 0; r < DSG_BKM_ROLES; r++)
        ck_assert_int_eq(head.role_seen[r], r == DSG_BKM_ROLE_AUTH || r == DSG_BKM_ROLE_SHARE);
    ck_assert(memcmp(head.role_time[DSG_BKM_ROLE_AUTH], "2026-11-27T03:00:01.123Z", 24) == 0);
    ck_assert_uint_eq(head.role_schema[DSG_BKM_ROLE_AUTH], 5);
    ck_assert_uint_eq(head.role_schema[DSG_BKM_ROLE_SHARE], 12);
    ck_assert_uint_eq(nmembers, 3);
    ck_assert_uint_eq(members[0].role, DSG_BKM_ROLE_AUTH);
    ck_assert(members[0].name_len == 7 && memcmp(text + members[0].name_off, "auth.db", 7) == 0);
    ck_assert(members[0].size == 123456);
    ck_assert(memcmp(text + members[0].digest_off, HEX_A, DSG_BKM_DIGEST_HEX) == 0);
    ck_assert_uint_eq(members[1].role, DSG_BKM_ROLE_SHARE);
    ck_assert(members[1].name_len == 17 &&
              memcmp(text + members[1].name_off, "objects/ab/cdef01", 17) == 0);
    ck_assert(members[1].size == 4096);
    ck_assert(memcmp(text + members[1].digest_off, HEX_B, DSG_BKM_DIGEST_HEX) == 0);
    ck_assert(members[2].size == 0);
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_every_role_and_no_member)
{
    static const char *roles[DSG_BKM_ROLES] = { "auth", "edge", "endpoint", "logd", "master",
                                                "noc", "portal", "share", "soc" };
    size_t n = (size_t)snprintf(text, sizeof text, "%s",
                                "dsg-backup-manifest 1\nid 20000229T235959Z\n"
                                "created 9999-12-31T23:59:59.999Z\ndsg 1.0.0\n");
    for (unsigned r = 0; r < DSG_BKM_ROLES; r++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "role %s 0000-01-01T00:00:00.000Z schema %u\n", roles[r], r);
    n += (size_t)snprintf(text + n, sizeof text - n, "end\n");
    size_t at = 0;
    ck_assert_int_eq(parse_checked(text, n, CAP, &at), DSG_BKM_OK);
    ck_assert_uint_eq(nmembers, 0);
    for (unsigned r = 0; r < DSG_BKM_ROLES; r++) {
        ck_assert_int_eq(head.role_seen[r], 1);
        ck_assert_uint_eq(head.role_schema[r], r);
    }
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_names_with_segments)
{
    static const char *names[] = { "a", "A-Z_0.9", "objects/ab/cdef", "x.y.z", "a/b.c/d-e",
                                   "v1.2/_x", "e/f.", "a.b/c" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char line[300];
        snprintf(line, sizeof line, "member auth %s", names[i]);
        size_t n = mutate("member auth auth.db", line);
        size_t at = 0;
        ck_assert_msg(parse_checked(text, n, CAP, &at) == DSG_BKM_OK, "name %s", names[i]);
        ck_assert_uint_eq(members[0].name_len, strlen(names[i]));
    }
}
END_TEST

/* ---- the writer -------------------------------------------------------------- */

static dsg_bkm_head whead;
static dsg_bkm_member wm[4];
/* names at 0, 8 and 22; digests at 31 and 96 */
static const char wtext[] = "auth.db objects/00/aa share.db " HEX_A " " HEX_B;

static void make_records(void)
{
    memset(&whead, 0, sizeof whead);
    memcpy(whead.id, "20261127T030000Z", DSG_BKM_ID_LEN);
    memcpy(whead.created, "2026-11-27T03:00:00.000Z", DSG_BKM_TIME_LEN);
    whead.dsg_major = 1;
    whead.dsg_minor = 20;
    whead.dsg_patch = 3;
    whead.ndepends = 1;
    memcpy(whead.depends[0], "20261126T030000Z", DSG_BKM_ID_LEN);
    whead.role_seen[DSG_BKM_ROLE_AUTH] = 1;
    whead.role_seen[DSG_BKM_ROLE_SHARE] = 1;
    memcpy(whead.role_time[DSG_BKM_ROLE_AUTH], "2026-11-27T03:00:01.000Z", 24);
    memcpy(whead.role_time[DSG_BKM_ROLE_SHARE], "2026-11-27T03:00:02.000Z", 24);
    whead.role_schema[DSG_BKM_ROLE_AUTH] = 7;
    whead.role_schema[DSG_BKM_ROLE_SHARE] = 0;
    memset(wm, 0, sizeof wm);
    wm[0] = (dsg_bkm_member){ DSG_BKM_ROLE_AUTH, 0, 7, 10, 31 };
    wm[1] = (dsg_bkm_member){ DSG_BKM_ROLE_SHARE, 8, 13, 0, 96 };
    wm[2] = (dsg_bkm_member){ DSG_BKM_ROLE_SHARE, 22, 8, INT64_MAX, 31 };
}

static dsg_bkm_status write_records(size_t n, size_t cap, size_t *len)
{
    *len = 99;
    return dsg_bkm_write(&whead, wm, n, (const uint8_t *)wtext, sizeof wtext - 1, wbuf, cap, len);
}

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_write_refuses_bad_records)
{
    size_t len;
    make_records();
    wm[1].name_off = 7;   /* " objects..." */
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    ck_assert_uint_eq(len, 0);
    make_records();
    wm[2].name_off = 160; /* past the end of the text */
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[1].name_len = 11;  /* "objects/00/", ends in "/" */
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[1].name_len = 0;
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[2] = wm[1];        /* a duplicate */
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[0].role = DSG_BKM_ROLE_SOC;   /* out of order, and without a role line */
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[0].role = DSG_BKM_ROLES;
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[1].digest_off = 97; /* 63 digits and the end of the text */
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[1].digest_off = 30; /* " 001122..." */
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[1].digest_off = UINT32_MAX;
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[1].name_off = UINT32_MAX;
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    wm[0].size = -1;
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    whead.id[4] = '2';    /* month 21 */
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    whead.created[23] = 'z';
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    memcpy(whead.depends[0], "20261128T030000Z", DSG_BKM_ID_LEN);   /* after the ID */
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    whead.ndepends = DSG_BKM_DEPENDS_MAX + 1;
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    whead.role_seen[DSG_BKM_ROLE_SHARE] = 2;
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    whead.role_seen[DSG_BKM_ROLE_AUTH] = 0;
    whead.role_seen[DSG_BKM_ROLE_SHARE] = 0;
    ck_assert_int_eq(write_records(0, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    whead.role_schema[DSG_BKM_ROLE_AUTH] = DSG_BKM_NUM_MAX + 1u;
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
    make_records();
    whead.dsg_patch = DSG_BKM_NUM_MAX + 1u;
    ck_assert_int_eq(write_records(3, sizeof wbuf, &len), DSG_BKM_ERR_RECORD);
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_write_needs_room)
{
    size_t len, full;
    make_records();
    ck_assert_int_eq(write_records(3, sizeof wbuf, &full), DSG_BKM_OK);
    ck_assert_int_eq(write_records(3, full, &len), DSG_BKM_OK);
    ck_assert_uint_eq(len, full);
    for (size_t cap = 0; cap < full; cap++) {
        ck_assert_int_eq(write_records(3, cap, &len), DSG_BKM_ERR_SPACE);
        ck_assert_uint_eq(len, 0);
    }
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_write_canonical_text)
{
    size_t len;
    make_records();
    ck_assert_int_eq(write_records(1, sizeof wbuf, &len), DSG_BKM_OK);
    static const char want[] =
        "dsg-backup-manifest 1\n"
        "id 20261127T030000Z\n"
        "created 2026-11-27T03:00:00.000Z\n"
        "dsg 1.20.3\n"
        "depends 20261126T030000Z\n"
        "role auth 2026-11-27T03:00:01.000Z schema 7\n"
        "role share 2026-11-27T03:00:02.000Z schema 0\n"
        "member auth auth.db 10 " HEX_A "\n"
        "end\n";
    ck_assert_uint_eq(len, sizeof want - 1);
    ck_assert(memcmp(wbuf, want, len) == 0);
    /* and the valid manifest of the refusal tests comes back as it is */
    size_t n = strlen(VALID), at = 0;
    memcpy(text, VALID, n);
    ck_assert_int_eq(parse_checked(text, n, CAP, &at), DSG_BKM_OK);   /* compares the text */
}
END_TEST

/* parse(write(m)) == m, for the records and for each shorter list. */
/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_round_trip)
{
    make_records();
    for (size_t k = 0; k <= 3; k++) {
        size_t len;
        ck_assert_int_eq(write_records(k, sizeof wbuf, &len), DSG_BKM_OK);
        memcpy(text, wbuf, len);
        size_t at = 0;
        ck_assert_int_eq(parse_checked(text, len, CAP, &at), DSG_BKM_OK);
        ck_assert(memcmp(head.id, whead.id, DSG_BKM_ID_LEN) == 0);
        ck_assert(memcmp(head.created, whead.created, DSG_BKM_TIME_LEN) == 0);
        ck_assert(head.dsg_major == whead.dsg_major && head.dsg_minor == whead.dsg_minor &&
                  head.dsg_patch == whead.dsg_patch);
        ck_assert_uint_eq(head.ndepends, whead.ndepends);
        ck_assert(memcmp(head.depends, whead.depends, sizeof head.depends[0]) == 0);
        ck_assert(memcmp(head.role_seen, whead.role_seen, sizeof head.role_seen) == 0);
        for (unsigned r = 0; r < DSG_BKM_ROLES; r++) {
            if (!whead.role_seen[r])
                continue;
            ck_assert(memcmp(head.role_time[r], whead.role_time[r], DSG_BKM_TIME_LEN) == 0);
            ck_assert_uint_eq(head.role_schema[r], whead.role_schema[r]);
        }
        ck_assert_uint_eq(nmembers, k);
        for (size_t i = 0; i < k; i++) {
            ck_assert_uint_eq(members[i].role, wm[i].role);
            ck_assert_uint_eq(members[i].name_len, wm[i].name_len);
            ck_assert(memcmp(text + members[i].name_off, wtext + wm[i].name_off,
                             wm[i].name_len) == 0);
            ck_assert(members[i].size == wm[i].size);
            ck_assert(memcmp(text + members[i].digest_off, wtext + wm[i].digest_off,
                             DSG_BKM_DIGEST_HEX) == 0);
        }
    }
}
END_TEST

/* Every one-byte change of a valid manifest is refused or, accepted,
 * written back byte for byte (parse_checked compares). */
/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_one_byte_changes)
{
    static const uint8_t bytes[] = { 0, '\n', ' ', '/', '.', '0', '9', 'a', 'z', 'Z', '-', 0xff };
    size_t n = strlen(VALID);
    for (size_t k = 0; k < n; k++) {
        for (size_t b = 0; b < sizeof bytes; b++) {
            memcpy(text, VALID, n);
            text[k] = (char)bytes[b];
            size_t at = 0;
            (void)parse_checked(text, n, CAP, &at);
        }
    }
}
END_TEST

/* @relation(REQ-BKUP-017) */
START_TEST(test_bkm_status_tokens)
{
    ck_assert_str_eq(dsg_bkm_status_token(DSG_BKM_OK), "ok");
    ck_assert_str_eq(dsg_bkm_status_token(DSG_BKM_ERR_DUPLICATE), "duplicate");
    ck_assert_str_eq(dsg_bkm_status_token(DSG_BKM_ERR_TRAILING), "trailing");
    ck_assert_str_eq(dsg_bkm_status_token(DSG_BKM_ERR_TOO_LONG), "too-long");
    ck_assert_str_eq(dsg_bkm_status_token(DSG_BKM_ERR_SPACE), "space");
    ck_assert_str_eq(dsg_bkm_status_token((dsg_bkm_status)99), "unknown");
}
END_TEST

Suite *suite_bkup_manifest(void)
{
    Suite *s = suite_create("bkup_manifest");
    TCase *bad = tcase_create("refused");
    tcase_add_test(bad, test_bkm_bad_header);
    tcase_add_test(bad, test_bkm_lines_out_of_place);
    tcase_add_test(bad, test_bkm_trailing_bytes);
    tcase_add_test(bad, test_bkm_spaces_and_line_ends);
    tcase_add_test(bad, test_bkm_bad_ids);
    tcase_add_test(bad, test_bkm_bad_times);
    tcase_add_test(bad, test_bkm_bad_numbers);
    tcase_add_test(bad, test_bkm_bad_digests);
    tcase_add_test(bad, test_bkm_bad_roles);
    tcase_add_test(bad, test_bkm_bad_names);
    tcase_add_test(bad, test_bkm_name_length_limit);
    tcase_add_test(bad, test_bkm_duplicate_and_order_of_members);
    tcase_add_test(bad, test_bkm_bad_depends);
    tcase_add_test(bad, test_bkm_depends_limit);
    tcase_add_test(bad, test_bkm_member_limit_is_the_callers_array);
    tcase_add_test(bad, test_bkm_every_prefix_is_refused);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("accepted");
    tcase_add_test(ok, test_bkm_valid_manifest_fields);
    tcase_add_test(ok, test_bkm_every_role_and_no_member);
    tcase_add_test(ok, test_bkm_names_with_segments);
    suite_add_tcase(s, ok);
    TCase *wr = tcase_create("writer");
    tcase_add_test(wr, test_bkm_write_refuses_bad_records);
    tcase_add_test(wr, test_bkm_write_needs_room);
    tcase_add_test(wr, test_bkm_write_canonical_text);
    tcase_add_test(wr, test_bkm_round_trip);
    tcase_add_test(wr, test_bkm_one_byte_changes);
    tcase_add_test(wr, test_bkm_status_tokens);
    suite_add_tcase(s, wr);
    return s;
}
