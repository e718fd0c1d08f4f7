/*
 * Unit tests of the upload file-name policy (src/share/name_policy.h,
 * DSG spec 4.2.1 利用不可拡張子一覧): REQ-SHARE-001 .. REQ-SHARE-005.
 *
 * Edge cases and bad input first, then folding, then the extension list,
 * then the operator's extra set, then properties over many inputs.
 *
 * String literals are split after every \x escape that is followed by a
 * character that could be read as a hex digit ("\xC5\xBF" "cr").
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "share/name_policy.h"

#ifndef DSG_SOURCE_DIR
#error "DSG_SOURCE_DIR must name the source tree (the build passes it)"
#endif

#define SPEC_PATH DSG_SOURCE_DIR "/spec/dsg-service-spec.ja.txt"
#define SPEC_HEADING "利用不可拡張子一覧"
#define NAME_BUF 2048u

Suite *suite_name_policy(void);

/* ---- helpers ------------------------------------------------------------ */

/* A printable rendering of a name for failure messages (ASCII as is,
 * everything else as \xNN). */
static const char *show(const uint8_t *s, size_t len, char *buf, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 5u < cap; i++) {
        if (s[i] >= 0x20u && s[i] < 0x7Fu && s[i] != '\\')
            buf[o++] = (char)s[i];
        else
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02X", s[i]);
    }
    buf[o] = '\0';
    return buf;
}

static dsg_name_verdict judge(const void *name, size_t len,
                              const dsg_ext_set *set, dsg_name_result *r)
{
    memset(r, 0xA5, sizeof *r); /* no stale field may pass for a result */
    dsg_name_verdict v = dsg_name_check((const uint8_t *)name, len, set, r);
    ck_assert_int_eq(v, r->verdict);
    return v;
}

static void expect_invalid(const void *name, size_t len, dsg_name_rule rule,
                           size_t offset, int line)
{
    dsg_ext_set set;
    dsg_name_result r;
    char buf[4096];
    dsg_ext_set_init(&set);
    dsg_name_verdict v = judge(name, len, &set, &r);
    show(name, len, buf, sizeof buf);
    ck_assert_msg(v == DSG_NAME_INVALID, "line %d: \"%s\": verdict %d, want invalid",
                  line, buf, (int)v);
    ck_assert_msg(r.rule == rule, "line %d: \"%s\": rule %s, want %s", line, buf,
                  dsg_name_rule_token(r.rule), dsg_name_rule_token(rule));
    ck_assert_msg(r.offset == offset, "line %d: \"%s\": offset %zu, want %zu",
                  line, buf, r.offset, offset);
    ck_assert_msg(r.ext == NULL, "line %d: \"%s\": invalid name has an ext", line, buf);
}

static void expect_forbidden_in(const void *name, size_t len, const dsg_ext_set *set,
                                const char *ext, int line)
{
    dsg_name_result r;
    char buf[4096];
    dsg_name_verdict v = judge(name, len, set, &r);
    show(name, len, buf, sizeof buf);
    ck_assert_msg(v == DSG_NAME_FORBIDDEN, "line %d: \"%s\": verdict %d (%s), want forbidden",
                  line, buf, (int)v, dsg_name_rule_token(r.rule));
    ck_assert_msg(r.rule == DSG_NAME_RULE_EXTENSION, "line %d: \"%s\": rule %s", line,
                  buf, dsg_name_rule_token(r.rule));
    ck_assert_msg(r.ext != NULL, "line %d: \"%s\": no ext", line, buf);
    ck_assert_msg(r.ext->len == strlen(ext) && memcmp(r.ext->text, ext, r.ext->len) == 0,
                  "line %d: \"%s\": ext \"%.*s\", want \"%s\"", line, buf,
                  (int)r.ext->len, (const char *)r.ext->text, ext);
}

static void expect_forbidden(const void *name, size_t len, const char *ext, int line)
{
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    expect_forbidden_in(name, len, &set, ext, line);
}

static void expect_allowed_in(const void *name, size_t len, const dsg_ext_set *set, int line)
{
    dsg_name_result r;
    char buf[4096];
    dsg_name_verdict v = judge(name, len, set, &r);
    show(name, len, buf, sizeof buf);
    ck_assert_msg(v == DSG_NAME_ALLOWED, "line %d: \"%s\": verdict %d (%s), want allowed",
                  line, buf, (int)v, dsg_name_rule_token(r.rule));
    ck_assert_msg(r.rule == DSG_NAME_RULE_NONE && r.ext == NULL,
                  "line %d: \"%s\": allowed with rule %s", line, buf,
                  dsg_name_rule_token(r.rule));
}

static void expect_allowed(const void *name, size_t len, int line)
{
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    expect_allowed_in(name, len, &set, line);
}

/* For string literals (sizeof keeps embedded NULs). */
#define INVALID(s, rule, off) expect_invalid(s, sizeof(s) - 1u, rule, off, __LINE__)
#define FORBIDDEN(s, ext) expect_forbidden(s, sizeof(s) - 1u, ext, __LINE__)
#define ALLOWED(s) expect_allowed(s, sizeof(s) - 1u, __LINE__)

static int add_ext(dsg_ext_set *set, const char *text)
{
    return dsg_ext_set_add(set, (const uint8_t *)text, strlen(text));
}

/* Appends s to buf[*n..), returning 0 when it does not fit. */
static int put(uint8_t *buf, size_t *n, const void *s, size_t len)
{
    if (*n + len > NAME_BUF)
        return 0;
    memcpy(buf + *n, s, len);
    *n += len;
    return 1;
}

static int puts_(uint8_t *buf, size_t *n, const char *s)
{
    return put(buf, n, s, strlen(s));
}

/* ---- REQ-SHARE-003: malformed and dangerous names ------------------------ */

/* @relation(REQ-SHARE-003) */
START_TEST(test_empty_name_is_invalid)
{
    expect_invalid("", 0, DSG_NAME_RULE_EMPTY, 0, __LINE__);
    /* a zero length wins over whatever the pointer points at */
    expect_invalid("x.exe", 0, DSG_NAME_RULE_EMPTY, 0, __LINE__);
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_dot_names_are_invalid)
{
    INVALID(".", DSG_NAME_RULE_DOT, 0);
    INVALID("..", DSG_NAME_RULE_DOT, 0);
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_blank_names_are_invalid)
{
    INVALID("...", DSG_NAME_RULE_BLANK, 0);
    INVALID(" . ", DSG_NAME_RULE_BLANK, 0);
    INVALID(" ", DSG_NAME_RULE_BLANK, 0);
    INVALID("   ", DSG_NAME_RULE_BLANK, 0);
    INVALID(". .", DSG_NAME_RULE_BLANK, 0);
    INVALID(".. ", DSG_NAME_RULE_BLANK, 0);
    INVALID("....", DSG_NAME_RULE_BLANK, 0);
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_bad_utf8_is_invalid)
{
    INVALID("\xC0\xAF", DSG_NAME_RULE_UTF8, 0);           /* overlong '/' */
    INVALID("a\xC0\xAF" "b", DSG_NAME_RULE_UTF8, 1);
    INVALID("\xC1\xBF", DSG_NAME_RULE_UTF8, 0);           /* overlong DEL */
    INVALID("\xE0\x80\xAF", DSG_NAME_RULE_UTF8, 0);       /* 3-byte overlong */
    INVALID("\xE0\x9F\xBF", DSG_NAME_RULE_UTF8, 0);       /* overlong U+07FF */
    INVALID("\xF0\x80\x80\xAF", DSG_NAME_RULE_UTF8, 0);   /* 4-byte overlong */
    INVALID("\xF0\x8F\xBF\xBF", DSG_NAME_RULE_UTF8, 0);   /* overlong U+FFFF */
    INVALID("\xED\xA0\x80", DSG_NAME_RULE_UTF8, 0);       /* surrogate D800 */
    INVALID("\xED\xBF\xBF", DSG_NAME_RULE_UTF8, 0);       /* surrogate DFFF */
    INVALID("x\xED\xA0\xBD\xED\xB8\x80", DSG_NAME_RULE_UTF8, 1); /* CESU pair */
    INVALID("\xF4\x90\x80\x80", DSG_NAME_RULE_UTF8, 0);   /* U+110000 */
    INVALID("\xF5\x80\x80\x80", DSG_NAME_RULE_UTF8, 0);
    INVALID("\xF7\xBF\xBF\xBF", DSG_NAME_RULE_UTF8, 0);
    INVALID("\xF8\x88\x80\x80\x80", DSG_NAME_RULE_UTF8, 0); /* 5-byte form */
    INVALID("\xFC\x84\x80\x80\x80\x80", DSG_NAME_RULE_UTF8, 0);
    INVALID("\xFE", DSG_NAME_RULE_UTF8, 0);
    INVALID("\xFF", DSG_NAME_RULE_UTF8, 0);
    INVALID("\x80", DSG_NAME_RULE_UTF8, 0);               /* lone continuation */
    INVALID("ab\xBF", DSG_NAME_RULE_UTF8, 2);
    INVALID("\xC3", DSG_NAME_RULE_UTF8, 0);               /* truncated at end */
    INVALID("a\xC3", DSG_NAME_RULE_UTF8, 1);
    INVALID("ab\xC3(", DSG_NAME_RULE_UTF8, 2);            /* truncated mid-name */
    INVALID("\xE2\x82", DSG_NAME_RULE_UTF8, 0);
    INVALID("\xE2\x82" "x", DSG_NAME_RULE_UTF8, 0);
    INVALID("\xF0\x9F\x98", DSG_NAME_RULE_UTF8, 0);
    INVALID("\xF0\x9F\x98" ".txt", DSG_NAME_RULE_UTF8, 0);
    INVALID("\xE3\x81\x82\xE3\x81", DSG_NAME_RULE_UTF8, 3);
    /* an invalid name is never judged for its extension */
    INVALID("x.exe\xFF", DSG_NAME_RULE_UTF8, 5);
    INVALID("\xFFx.exe", DSG_NAME_RULE_UTF8, 0);
    /* the first bad character is the one reported */
    INVALID("\x01\xFF", DSG_NAME_RULE_CONTROL, 0);
    INVALID("\xFF\x01", DSG_NAME_RULE_UTF8, 0);
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_utf8_boundaries_are_valid)
{
    ALLOWED("a\xC2\xA0");            /* U+00A0, first after C1 */
    ALLOWED("a\xDF\xBF");            /* U+07FF */
    ALLOWED("a\xE0\xA0\x80");        /* U+0800 */
    ALLOWED("a\xED\x9F\xBF");        /* U+D7FF, last before surrogates */
    ALLOWED("a\xEE\x80\x80");        /* U+E000 */
    ALLOWED("a\xEF\xBF\xBF");        /* U+FFFF (noncharacter, still UTF-8) */
    ALLOWED("a\xF0\x90\x80\x80");    /* U+10000 */
    ALLOWED("a\xF4\x8F\xBF\xBF");    /* U+10FFFF */
    ALLOWED("\xF0\x9F\x98\x80.png"); /* emoji */
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_control_chars_are_invalid)
{
    uint8_t name[4] = { 'a', 0, 'b', 0 };
    for (unsigned c = 0; c < 0x20u; c++) {
        name[1] = (uint8_t)c;
        expect_invalid(name, 3, DSG_NAME_RULE_CONTROL, 1, __LINE__);
    }
    name[1] = 0x7F;
    expect_invalid(name, 3, DSG_NAME_RULE_CONTROL, 1, __LINE__);
    /* C1: U+0080 .. U+009F, two bytes each */
    uint8_t c1[4] = { 'x', 0xC2, 0, 'y' };
    for (unsigned c = 0x80; c <= 0x9Fu; c++) {
        c1[2] = (uint8_t)c;
        expect_invalid(c1, 4, DSG_NAME_RULE_CONTROL, 1, __LINE__);
    }
    INVALID("\0", DSG_NAME_RULE_CONTROL, 0);
    INVALID("a.txt\0.exe", DSG_NAME_RULE_CONTROL, 5);
    INVALID("\x1F", DSG_NAME_RULE_CONTROL, 0);
    INVALID("\x7F", DSG_NAME_RULE_CONTROL, 0);
    INVALID("\xC2\x85", DSG_NAME_RULE_CONTROL, 0); /* NEL */
    INVALID("a.exe\n", DSG_NAME_RULE_CONTROL, 5);
    INVALID("a.txt\r", DSG_NAME_RULE_CONTROL, 5);
    INVALID("\tx", DSG_NAME_RULE_CONTROL, 0);
    INVALID("\xE5\xA0\xB1\x1B[31m", DSG_NAME_RULE_CONTROL, 3);
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_reserved_chars_are_invalid)
{
    static const char reserved[] = "/\\<>:\"|?*";
    uint8_t name[5] = { 'a', 'b', 0, 'c', 0 };
    for (size_t i = 0; reserved[i] != '\0'; i++) {
        name[2] = (uint8_t)reserved[i];
        expect_invalid(name, 4, DSG_NAME_RULE_RESERVED_CHAR, 2, __LINE__);
        expect_invalid(name + 2, 1, DSG_NAME_RULE_RESERVED_CHAR, 0, __LINE__);
    }
    INVALID("name:stream", DSG_NAME_RULE_RESERVED_CHAR, 4);
    INVALID("file::$DATA", DSG_NAME_RULE_RESERVED_CHAR, 4);
    INVALID("x.exe::$DATA", DSG_NAME_RULE_RESERVED_CHAR, 5);
    INVALID("report.txt:evil.exe", DSG_NAME_RULE_RESERVED_CHAR, 10);
    INVALID("../x", DSG_NAME_RULE_RESERVED_CHAR, 2);
    INVALID("..\\x", DSG_NAME_RULE_RESERVED_CHAR, 2);
    INVALID("/etc/passwd", DSG_NAME_RULE_RESERVED_CHAR, 0);
    INVALID("C:x.txt", DSG_NAME_RULE_RESERVED_CHAR, 1);
    INVALID("\xE5\xA0\xB1\xE5\x91\x8A?.txt", DSG_NAME_RULE_RESERVED_CHAR, 6);
    INVALID("a*.exe", DSG_NAME_RULE_RESERVED_CHAR, 1);
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_bidi_controls_are_invalid)
{
    static const char *const bidi[] = {
        "\xD8\x9C",                                     /* U+061C ALM */
        "\xE2\x80\x8E", "\xE2\x80\x8F",                 /* U+200E LRM, U+200F RLM */
        "\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", /* U+202A LRE .. */
        "\xE2\x80\xAD", "\xE2\x80\xAE",                 /* .. U+202E RLO */
        "\xE2\x81\xA6", "\xE2\x81\xA7",                 /* U+2066 LRI, RLI */
        "\xE2\x81\xA8", "\xE2\x81\xA9",                 /* U+2068 FSI, PDI */
    };
    for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
        uint8_t name[32];
        size_t n = 0;
        ck_assert(puts_(name, &n, "ab") && puts_(name, &n, bidi[i]) &&
                  puts_(name, &n, "c.txt"));
        expect_invalid(name, n, DSG_NAME_RULE_BIDI, 2, __LINE__);
        expect_invalid(bidi[i], strlen(bidi[i]), DSG_NAME_RULE_BIDI, 0, __LINE__);
    }
    /* "exe<RLO>txt.exe" would display as an innocent name */
    INVALID("exe\xE2\x80\xAEtxt.exe", DSG_NAME_RULE_BIDI, 3);
    INVALID("invoice\xE2\x80\xAE" "fdp.exe", DSG_NAME_RULE_BIDI, 7);
    INVALID("\xE5\xA0\xB1\xE5\x91\x8A\xE2\x81\xA7.txt", DSG_NAME_RULE_BIDI, 6);
}
END_TEST

/* The bidi set is exactly the Bidi_Control property: its neighbours are
 * ordinary characters (zero-width ones are escaped by dsgctl, not refused). */
/* @relation(REQ-SHARE-003) */
START_TEST(test_bidi_neighbours_are_not_bidi)
{
    ALLOWED("a\xD8\x9B");       /* U+061B */
    ALLOWED("a\xD8\x9D");       /* U+061D */
    ALLOWED("a\xE2\x80\x8B");   /* U+200B ZWSP */
    ALLOWED("a\xE2\x80\x8D");   /* U+200D ZWJ */
    ALLOWED("a\xE2\x80\x90");   /* U+2010 */
    ALLOWED("a\xE2\x80\xA9");   /* U+2029 */
    ALLOWED("a\xE2\x80\xAF");   /* U+202F */
    ALLOWED("a\xE2\x81\xA5");   /* U+2065 */
    ALLOWED("a\xE2\x81\xAA");   /* U+206A */
    ALLOWED("a\xEF\xBB\xBF");   /* U+FEFF */
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_device_names_are_invalid)
{
    static const char *const dev[] = {
        "CON", "con", "Con", "PRN", "prn", "AUX", "aux", "NUL", "nul",
        "con.txt", "CON.TXT", "CON .txt", "CON  .txt", "nul.tar.gz", "aux.c",
        "prn.pdf", "CON.", "con . .", "aux. ", "COM1.exe", "con.a.b.c",
        "COM0", "lpt0.txt", "CONIN$", "conin$.txt", "CONOUT$", "conout$ .log",
    };
    for (size_t i = 0; i < sizeof dev / sizeof dev[0]; i++)
        expect_invalid(dev[i], strlen(dev[i]), DSG_NAME_RULE_DEVICE, 0, __LINE__);
    for (char d = '1'; d <= '9'; d++) {
        char com[] = { 'C', 'O', 'M', d, '\0' };
        char lpt[] = { 'l', 'p', 't', d, '.', 't', 'x', 't', '\0' };
        expect_invalid(com, 4, DSG_NAME_RULE_DEVICE, 0, __LINE__);
        expect_invalid(lpt, 8, DSG_NAME_RULE_DEVICE, 0, __LINE__);
    }
    INVALID("COM\xC2\xB9", DSG_NAME_RULE_DEVICE, 0);       /* COM¹ */
    INVALID("com\xC2\xB2.txt", DSG_NAME_RULE_DEVICE, 0);   /* com² */
    INVALID("LPT\xC2\xB3", DSG_NAME_RULE_DEVICE, 0);       /* LPT³ */
    INVALID("lpt\xC2\xB9 .log", DSG_NAME_RULE_DEVICE, 0);
    INVALID("LPT9", DSG_NAME_RULE_DEVICE, 0);
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_device_lookalikes_are_allowed)
{
    ALLOWED("CONSOLE");
    ALLOWED("CONIN");
    ALLOWED("conout");
    ALLOWED("conin$$");
    ALLOWED("xconout$");
    ALLOWED("console.txt");
    ALLOWED("xcon");
    ALLOWED("xcon.txt");
    ALLOWED("con2");
    ALLOWED("com10");
    ALLOWED("COM");
    ALLOWED("lpt");
    ALLOWED("nu");
    ALLOWED("nul_");
    ALLOWED(" con");
    ALLOWED("con x.txt");
    ALLOWED("a.con");
    ALLOWED("COM\xE2\x81\xB4");  /* COM⁴: only ¹ ² ³ are Latin-1 digits */
    ALLOWED("COM\xC2\xBC");      /* COM¼ */
    ALLOWED("\xEF\xBC\xA3ON");   /* fullwidth C */
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_length_limits)
{
    uint8_t name[NAME_BUF];
    size_t n;

    memset(name, 'a', sizeof name);
    expect_allowed(name, 255, __LINE__);
    expect_invalid(name, 256, DSG_NAME_RULE_TOO_LONG, 0, __LINE__);
    expect_invalid(name, 765, DSG_NAME_RULE_TOO_LONG, 0, __LINE__);
    expect_invalid(name, 766, DSG_NAME_RULE_TOO_LONG, 0, __LINE__);
    expect_invalid(name, NAME_BUF, DSG_NAME_RULE_TOO_LONG, 0, __LINE__);

    /* 255 x 3-byte characters: 765 bytes, 255 UTF-16 units */
    n = 0;
    for (int i = 0; i < 255; i++)
        ck_assert(puts_(name, &n, "\xE3\x81\x82"));
    ck_assert_uint_eq(n, DSG_NAME_MAX_BYTES);
    expect_allowed(name, n, __LINE__);
    ck_assert(puts_(name, &n, "\xE3\x81\x82"));
    expect_invalid(name, n, DSG_NAME_RULE_TOO_LONG, 0, __LINE__);

    /* 251 x 3-byte + ".exe": 255 units, still judged for its extension */
    n = 0;
    for (int i = 0; i < 251; i++)
        ck_assert(puts_(name, &n, "\xE3\x81\x82"));
    ck_assert(puts_(name, &n, ".exe"));
    expect_forbidden(name, n, "exe", __LINE__);
    /* one more unit: too long wins over forbidden */
    n -= 4;
    ck_assert(puts_(name, &n, "x.exe"));
    expect_invalid(name, n, DSG_NAME_RULE_TOO_LONG, 0, __LINE__);

    /* 4-byte characters count 2 units: 127 + "a" = 255 units; 128 = 256 */
    n = 0;
    for (int i = 0; i < 127; i++)
        ck_assert(puts_(name, &n, "\xF0\x9F\x98\x80"));
    ck_assert(puts_(name, &n, "a"));
    expect_allowed(name, n, __LINE__);
    n = 0;
    for (int i = 0; i < 128; i++)
        ck_assert(puts_(name, &n, "\xF0\x9F\x98\x80"));
    ck_assert_uint_eq(n, 512u);
    expect_invalid(name, n, DSG_NAME_RULE_TOO_LONG, 0, __LINE__);

    /* a bad character before the end of an over-long (by units) name */
    n = 0;
    memset(name, 'a', 300);
    n = 300;
    name[10] = '*';
    expect_invalid(name, n, DSG_NAME_RULE_RESERVED_CHAR, 10, __LINE__);
    /* invalid UTF-8 at the very end of a 765-byte name */
    memset(name, 'a', 765);
    name[764] = 0xC3;
    expect_invalid(name, 765, DSG_NAME_RULE_UTF8, 764, __LINE__);
}
END_TEST

/* ---- REQ-SHARE-002: as Windows sees it ----------------------------------- */

/* @relation(REQ-SHARE-002) */
START_TEST(test_ascii_case_is_folded)
{
    FORBIDDEN("a.EXE", "exe");
    FORBIDDEN("A.Exe", "exe");
    FORBIDDEN("a.eXe", "exe");
    FORBIDDEN("x.TAR.GZ", "tar.gz");
    FORBIDDEN("INSTALL.MS-ONE-STUB", "ms-one-stub");
    FORBIDDEN("x.PS1XML", "ps1xml");
}
END_TEST

/* @relation(REQ-SHARE-002) */
START_TEST(test_unicode_letters_fold_to_ascii)
{
    FORBIDDEN("x.vb\xC5\xBF", "vbs");             /* ſ U+017F */
    FORBIDDEN("x.\xC5\xBF" "cr", "scr");
    FORBIDDEN("setup.ms\xC4\xB1", "msi");         /* ı U+0131 */
    FORBIDDEN("SETUP.MS\xC4\xB0", "msi");         /* İ U+0130 */
    FORBIDDEN("x.\xE2\x84\xAA" "sh", "ksh");      /* K U+212A */
    FORBIDDEN("x.\xE2\x84\xAA" "SH", "ksh");
    FORBIDDEN("x.\xC4\xB0" "n\xC5\xBF", "ins");   /* İnſ */
    FORBIDDEN("x.wsh", "wsh");
    FORBIDDEN("x.W\xC5\xBF" "H", "wsh");
    FORBIDDEN("x.\xC4\xB1" "dq", "idq");
}
END_TEST

/* @relation(REQ-SHARE-002) */
START_TEST(test_trailing_dots_and_spaces_are_stripped)
{
    FORBIDDEN("a.exe.", "exe");
    FORBIDDEN("a.exe . . ", "exe");
    FORBIDDEN("a.exe   ", "exe");
    FORBIDDEN("a.exe....", "exe");
    FORBIDDEN("a.exe. .. . .", "exe");
    FORBIDDEN("x.tar.gz. ", "tar.gz");
    FORBIDDEN("x.vb\xC5\xBF. ", "vbs");
    ALLOWED("a.exe_ ");
    ALLOWED("a.ex e");
    ALLOWED("report.pdf. ");
    /* only ASCII dot and space are stripped: U+3000 and U+FF0E are not */
    ALLOWED("a.exe\xE3\x80\x80");
    ALLOWED("a.exe\xEF\xBC\x8E");
    ALLOWED("a.exe\xC2\xA0");
}
END_TEST

/* Windows does not fold fullwidth letters or homoglyphs: such names are
 * different names to it, and allowed. */
/* @relation(REQ-SHARE-002) */
START_TEST(test_lookalikes_are_not_folded)
{
    ALLOWED("\xEF\xBD\x98.\xEF\xBD\x85\xEF\xBD\x98\xEF\xBD\x85"); /* ｘ.ｅｘｅ */
    ALLOWED("x.\xEF\xBD\x85\xEF\xBD\x98\xEF\xBD\x85");            /* x.ｅｘｅ */
    ALLOWED("x\xEF\xBC\x8E" "exe");                               /* x．exe */
    ALLOWED("x.\xD0\xB5\xD1\x85\xD0\xB5");                        /* Cyrillic ехе */
    ALLOWED("x.\xCE\xB5xe");                                      /* Greek ε */
}
END_TEST

/* @relation(REQ-SHARE-002) */
START_TEST(test_folded_form)
{
    dsg_ext_set set;
    dsg_name_result r;
    static const uint8_t name[] = "A.\xC5\xBF\xC4\xB1\xC4\xB0\xE2\x84\xAA\xC2\xB9\xC2\xB2"
                                  "\xC2\xB3\xE5\xA0\xB1Z. .";
    static const uint8_t want[] = { 'a', '.', 's', 'i', 'i', 'k', 0xB9, 0xB2, 0xB3, 0x80, 'z' };
    dsg_ext_set_init(&set);
    ck_assert_int_eq(judge(name, sizeof name - 1u, &set, &r), DSG_NAME_ALLOWED);
    ck_assert_uint_eq(r.folded_len, sizeof want);
    ck_assert_mem_eq(r.folded, want, sizeof want);
}
END_TEST

/* ---- REQ-SHARE-001: the extension list ----------------------------------- */

/* @relation(REQ-SHARE-001) */
START_TEST(test_forbidden_extensions)
{
    FORBIDDEN("x.exe", "exe");
    FORBIDDEN("script.ps1", "ps1");
    FORBIDDEN("macro.vbs", "vbs");
    FORBIDDEN("mail.eml", "eml");
    FORBIDDEN("mail.msg", "msg");
    FORBIDDEN("a.zip", "zip");
    FORBIDDEN("a.7z", "7z");
    FORBIDDEN("a.json", "json");
    FORBIDDEN("a.ms-one-stub", "ms-one-stub");
    FORBIDDEN("\xE8\xA8\xAD\xE8\xA8\x88\xE6\x9B\xB8.exe", "exe"); /* 設計書.exe */
    FORBIDDEN("a b c.bat", "bat");
    FORBIDDEN("x.txt.exe", "exe");
}
END_TEST

/* @relation(REQ-SHARE-001) */
START_TEST(test_longest_extension_is_reported)
{
    FORBIDDEN("x.tar.gz", "tar.gz");
    FORBIDDEN("x.gz", "gz");
    FORBIDDEN("x.tar.Z", "tar.z");
    FORBIDDEN("x.TAR.z", "tar.z");
    FORBIDDEN("x.z", "z");
    FORBIDDEN("x.tar.bz2", "tar.bz2");
    FORBIDDEN("x.bz2", "bz2");
    FORBIDDEN("x.tgz", "tgz");
    FORBIDDEN("x.old.tar.gz", "tar.gz");
    FORBIDDEN("x.ztar.gz", "gz");      /* "ztar" is not "tar" */
    FORBIDDEN("x_tar.gz", "gz");
    /* "tar.gz" alone: stem "tar", extension ".gz" */
    FORBIDDEN("tar.gz", "gz");
    FORBIDDEN(".tar.gz", "tar.gz");
    /* a name that is only ".gz" still ends in .gz */
    FORBIDDEN(".gz", "gz");
    FORBIDDEN(".exe", "exe");
    FORBIDDEN("..exe", "exe");
}
END_TEST

/* @relation(REQ-SHARE-001) */
START_TEST(test_allowed_names)
{
    ALLOWED("report.pdf");
    ALLOWED("\xE8\xA8\xAD\xE8\xA8\x88\xE6\x9B\xB8.docx");   /* 設計書.docx */
    ALLOWED("\xE5\xA0\xB1\xE5\x91\x8A.txt");                /* 報告.txt */
    ALLOWED("\xE5\xA0\xB1\xE5\x91\x8A");                    /* 報告 */
    ALLOWED("x.exe.txt");
    ALLOWED("exe");
    ALLOWED("gz");
    ALLOWED("tar");
    ALLOWED("x.tar");                                       /* .tar is not listed */
    ALLOWED("x.exe_");
    ALLOWED("x.exex");
    ALLOWED("x.gzip2");
    ALLOWED("x.xml");
    ALLOWED("x.jsonl");
    ALLOWED(".bashrc");
    ALLOWED("a..b");
    ALLOWED(".. a");
    ALLOWED("x. exe");
    ALLOWED("x-exe");
    ALLOWED("name with spaces.pdf");
}
END_TEST

/* The committed copy of the spec is the source: the C table must list the
 * same 130 extensions. The heading line is followed by a blank line, then
 * the table (four tab-separated columns), then a blank line. */
static size_t spec_extensions(char out[][DSG_EXT_TEXT_MAX + 2u], size_t cap,
                              unsigned *column)
{
    FILE *f = fopen(SPEC_PATH, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", SPEC_PATH);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1u, f);
    ck_assert_msg(feof(f) && !ferror(f), "cannot read all of %s", SPEC_PATH);
    fclose(f);
    text[len] = '\0';

    size_t count = 0;
    int state = 0; /* 0 before the heading, 1 after it, 2 inside the table */
    for (char *line = text, *next; line != NULL && line < text + len; line = next) {
        char *nl = strchr(line, '\n');
        next = nl != NULL ? nl + 1 : NULL;
        if (nl != NULL)
            *nl = '\0';
        size_t ll = strlen(line);
        if (ll > 0 && line[ll - 1u] == '\r')
            line[--ll] = '\0';
        if (state == 0) {
            if (strcmp(line, SPEC_HEADING) == 0)
                state = 1;
            continue;
        }
        if (ll == 0) {
            if (state == 2)
                break;
            continue;
        }
        state = 2;
        unsigned col = 0;
        for (char *field = line; field != NULL; col++) {
            char *tab = strchr(field, '\t');
            if (tab != NULL)
                *tab = '\0';
            if (field[0] == '.') {
                size_t fl = strlen(field + 1);
                ck_assert_msg(fl >= 1 && fl <= DSG_EXT_TEXT_MAX, "spec entry \"%s\"", field);
                ck_assert_msg(count < cap, "too many spec entries");
                for (size_t k = 0; k <= fl; k++) {
                    char c = field[1 + k];
                    out[count][k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
                }
                column[count] = col;
                count++;
            }
            field = tab != NULL ? tab + 1 : NULL;
        }
    }
    ck_assert_msg(state == 2, "heading %s or its table not found in %s", SPEC_HEADING,
                  SPEC_PATH);
    return count;
}

static int baseline_has(const char *s)
{
    for (size_t i = 0; i < DSG_EXT_BASELINE_COUNT; i++) {
        const dsg_ext *e = &dsg_ext_baseline[i];
        if (e->len == strlen(s) && memcmp(e->text, s, e->len) == 0)
            return 1;
    }
    return 0;
}

/* @relation(REQ-SHARE-001) */
START_TEST(test_baseline_equals_spec_table)
{
    static char spec[256][DSG_EXT_TEXT_MAX + 2u];
    static unsigned column[256];
    size_t n = spec_extensions(spec, 256, column);
    ck_assert_uint_eq(n, 130u);
    ck_assert_uint_eq(DSG_EXT_BASELINE_COUNT, 130u);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1u; j < n; j++)
            ck_assert_msg(strcmp(spec[i], spec[j]) != 0, "spec lists .%s twice", spec[i]);
        ck_assert_msg(baseline_has(spec[i]), "spec's .%s is not in dsg_ext_baseline",
                      spec[i]);
    }
    for (size_t i = 0; i < DSG_EXT_BASELINE_COUNT; i++) {
        const dsg_ext *e = &dsg_ext_baseline[i];
        int found = 0;
        for (size_t j = 0; j < n && !found; j++)
            found = strlen(spec[j]) == e->len && memcmp(spec[j], e->text, e->len) == 0;
        ck_assert_msg(found, "dsg_ext_baseline[%zu] .%.*s is not in the spec", i,
                      (int)e->len, (const char *)e->text);
        for (size_t j = i + 1u; j < DSG_EXT_BASELINE_COUNT; j++) {
            const dsg_ext *o = &dsg_ext_baseline[j];
            ck_assert_msg(!(o->len == e->len && memcmp(o->text, e->text, e->len) == 0),
                          "dsg_ext_baseline lists .%.*s twice", (int)e->len,
                          (const char *)e->text);
        }
    }
    /* the three multi-part entries the spec calls out */
    ck_assert(baseline_has("tar.gz") && baseline_has("tar.bz2") && baseline_has("tar.z"));
}
END_TEST

/* The header promises the spec's order, read column by column as printed. */
/* @relation(REQ-SHARE-001) */
START_TEST(test_baseline_in_spec_column_order)
{
    static char spec[256][DSG_EXT_TEXT_MAX + 2u];
    static unsigned column[256];
    size_t n = spec_extensions(spec, 256, column);
    ck_assert_uint_eq(n, DSG_EXT_BASELINE_COUNT);
    size_t i = 0;
    for (unsigned col = 0; col < 8u; col++)
        for (size_t j = 0; j < n; j++) {
            if (column[j] != col)
                continue;
            const dsg_ext *e = &dsg_ext_baseline[i];
            ck_assert_msg(strlen(spec[j]) == e->len && memcmp(spec[j], e->text, e->len) == 0,
                          "dsg_ext_baseline[%zu] is .%.*s, the spec's is .%s", i,
                          (int)e->len, (const char *)e->text, spec[j]);
            i++;
        }
    ck_assert_uint_eq(i, DSG_EXT_BASELINE_COUNT);
}
END_TEST

/* @relation(REQ-SHARE-001) */
START_TEST(test_baseline_entries_are_well_formed)
{
    for (size_t i = 0; i < DSG_EXT_BASELINE_COUNT; i++) {
        const dsg_ext *e = &dsg_ext_baseline[i];
        ck_assert_msg(e->len >= 1u && e->len <= DSG_EXT_TEXT_MAX, "entry %zu len %u", i,
                      (unsigned)e->len);
        for (size_t k = 0; k < e->len; k++) {
            uint8_t c = e->text[k];
            int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                     (c == '.' && k > 0 && k + 1u < e->len);
            ck_assert_msg(ok, "entry %zu byte %zu is 0x%02X", i, k, c);
        }
        /* and the operator parser reads each one back as the same entry */
        dsg_ext_set set;
        dsg_ext_set_init(&set);
        ck_assert_int_eq(dsg_ext_set_add(&set, e->text, e->len), 0);
        ck_assert_uint_eq(set.count, 0u);
    }
}
END_TEST

/* @relation(REQ-SHARE-001) */
START_TEST(test_judge_folded_names)
{
    dsg_ext_set set;
    const dsg_ext *m = (const dsg_ext *)&set; /* anything but NULL */
    dsg_ext_set_init(&set);
    ck_assert_int_eq(dsg_name_judge((const uint8_t *)"x.tar.gz", 8, &set, &m),
                     DSG_NAME_FORBIDDEN);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(m->len, 6u);
    ck_assert_mem_eq(m->text, "tar.gz", 6);
    ck_assert(m >= &dsg_ext_baseline[0] && m < &dsg_ext_baseline[DSG_EXT_BASELINE_COUNT]);
    ck_assert_int_eq(dsg_name_judge((const uint8_t *)"x.pdf", 5, &set, &m),
                     DSG_NAME_ALLOWED);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(dsg_name_judge((const uint8_t *)"gz", 2, &set, &m), DSG_NAME_ALLOWED);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(dsg_name_judge((const uint8_t *)"", 0, &set, &m), DSG_NAME_ALLOWED);
    set.count = DSG_EXT_EXTRA_MAX + 1u;
    m = (const dsg_ext *)&set;
    ck_assert_int_eq(dsg_name_judge((const uint8_t *)"x.exe", 5, &set, &m),
                     DSG_NAME_INVALID);
    ck_assert_ptr_null(m);
}
END_TEST

/* ---- REQ-SHARE-004: the operator's extra set ----------------------------- */

/* @relation(REQ-SHARE-004) */
START_TEST(test_ext_set_init)
{
    dsg_ext_set set;
    memset(&set, 0xFF, sizeof set);
    ck_assert_int_eq(dsg_ext_set_is_valid(&set), 0);
    dsg_ext_set_init(&set);
    ck_assert_uint_eq(set.count, 0u);
    ck_assert_int_eq(dsg_ext_set_is_valid(&set), 1);
}
END_TEST

/* @relation(REQ-SHARE-004) */
START_TEST(test_ext_set_add_rejects_malformed_text)
{
    static const char *const bad[] = {
        "", ".", "..", "...", "a..b", "a.", ".a.", "..a", ".a..",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ".aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 33 */
        "a/b", "a\\b", "a b", " a", "a ", "*", "a:b", "a<b", "a>b", "a\"b", "a|b", "a?b",
        "a\x7F", "\xC3\xA9",
        "x\xC5\xBF", "a\tb", "a\nb", "ex\xE2\x80\xAE\x65", /* ex<RLO>e */
    };
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(add_ext(&set, bad[i]) == -1, "\"%s\" accepted", bad[i]);
    static const uint8_t nul[] = { 'a', 0, 'b' };
    ck_assert_int_eq(dsg_ext_set_add(&set, nul, sizeof nul), -1);
    ck_assert_uint_eq(set.count, 0u);
    ck_assert_int_eq(dsg_ext_set_is_valid(&set), 1);
}
END_TEST

/* @relation(REQ-SHARE-004) */
START_TEST(test_ext_set_add_accepts_and_folds)
{
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    ck_assert_int_eq(add_ext(&set, "foo"), 0);
    ck_assert_int_eq(add_ext(&set, ".foo"), 0);   /* the same one */
    ck_assert_int_eq(add_ext(&set, ".FOO"), 0);
    ck_assert_uint_eq(set.count, 1u);
    ck_assert_int_eq(add_ext(&set, ".Tar.XZ"), 0);
    ck_assert_uint_eq(set.count, 2u);
    ck_assert_uint_eq(set.ext[1].len, 6u);
    ck_assert_mem_eq(set.ext[1].text, "tar.xz", 6);
    ck_assert_int_eq(add_ext(&set, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 0);   /* 32 */
    ck_assert_int_eq(add_ext(&set, ".bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), 0);  /* 32 after the dot */
    ck_assert_int_eq(add_ext(&set, "a-b_c+d.e9"), 0);
    ck_assert_int_eq(add_ext(&set, "-"), 0);
    ck_assert_uint_eq(set.count, 6u);
    ck_assert_int_eq(dsg_ext_set_is_valid(&set), 1);

    expect_forbidden_in("x.foo", 5, &set, "foo", __LINE__);
    expect_forbidden_in("x.FOO. ", 7, &set, "foo", __LINE__);
    expect_forbidden_in("x.TAR.XZ", 8, &set, "tar.xz", __LINE__);
    expect_forbidden_in("tar.xz.tar.xz", 13, &set, "tar.xz", __LINE__);
    expect_forbidden_in("x.A-B_C+D.E9", 12, &set, "a-b_c+d.e9", __LINE__);
    expect_allowed_in("x.xz", 4, &set, __LINE__);      /* only tar.xz was added */
    expect_allowed_in("tar.xz", 6, &set, __LINE__);    /* stem "tar", ext ".xz" */
    expect_allowed_in("x.foox", 6, &set, __LINE__);
    /* baseline still there */
    expect_forbidden_in("x.exe", 5, &set, "exe", __LINE__);
    expect_forbidden_in("x.tar.gz", 8, &set, "tar.gz", __LINE__);
    ck_assert_int_eq(add_ext(&set, "xz"), 0);
    expect_forbidden_in("x.xz", 4, &set, "xz", __LINE__);
    expect_forbidden_in("x.tar.xz", 8, &set, "tar.xz", __LINE__);
    /* real-world additions: long and punctuated extensions */
    ck_assert_int_eq(add_ext(&set, ".SettingContent-ms"), 0);
    ck_assert_int_eq(add_ext(&set, ".searchConnector-ms"), 0);
    ck_assert_int_eq(add_ext(&set, "a$b~c!{d}"), 0);
    expect_forbidden_in("x.settingcontent-ms", 19, &set, "settingcontent-ms", __LINE__);
    expect_forbidden_in("y.SEARCHCONNECTOR-MS", 20, &set, "searchconnector-ms", __LINE__);
    expect_forbidden_in("z.A$B~C!{D}", 11, &set, "a$b~c!{d}", __LINE__);
    /* the earlier additions are untouched */
    ck_assert_mem_eq(set.ext[1].text, "tar.xz", 6);
    expect_forbidden_in("x.foo", 5, &set, "foo", __LINE__);
}
END_TEST

/* @relation(REQ-SHARE-004) */
START_TEST(test_ext_set_add_baseline_is_noop)
{
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    ck_assert_int_eq(add_ext(&set, "exe"), 0);
    ck_assert_int_eq(add_ext(&set, ".EXE"), 0);
    ck_assert_int_eq(add_ext(&set, "tar.gz"), 0);
    ck_assert_int_eq(add_ext(&set, ".Tar.Z"), 0);
    ck_assert_uint_eq(set.count, 0u);
}
END_TEST

/* @relation(REQ-SHARE-004) */
START_TEST(test_ext_set_full)
{
    dsg_ext_set set;
    char text[8];
    dsg_ext_set_init(&set);
    for (unsigned i = 0; i < DSG_EXT_EXTRA_MAX; i++) {
        snprintf(text, sizeof text, "q%02u", i);
        ck_assert_int_eq(add_ext(&set, text), 0);
    }
    ck_assert_uint_eq(set.count, DSG_EXT_EXTRA_MAX);
    ck_assert_int_eq(add_ext(&set, "one-more"), -2);
    ck_assert_uint_eq(set.count, DSG_EXT_EXTRA_MAX);
    ck_assert_int_eq(add_ext(&set, "q07"), 0);      /* already there */
    ck_assert_int_eq(add_ext(&set, "exe"), 0);      /* in the baseline */
    ck_assert_int_eq(add_ext(&set, "a..b"), -1);    /* malformed still says so */
    ck_assert_uint_eq(set.count, DSG_EXT_EXTRA_MAX);
    ck_assert_int_eq(dsg_ext_set_is_valid(&set), 1);
    expect_forbidden_in("x.q63", 5, &set, "q63", __LINE__);
    expect_forbidden_in("x.q00", 5, &set, "q00", __LINE__);
    expect_allowed_in("x.one-more", 10, &set, __LINE__);
}
END_TEST

/* No API removes a baseline entry: an empty set, a full set, any set still
 * forbids all 130. */
/* @relation(REQ-SHARE-004) */
START_TEST(test_baseline_cannot_be_removed)
{
    dsg_ext_set empty, full;
    char text[8];
    dsg_ext_set_init(&empty);
    dsg_ext_set_init(&full);
    for (unsigned i = 0; i < DSG_EXT_EXTRA_MAX; i++) {
        snprintf(text, sizeof text, "r%02u", i);
        ck_assert_int_eq(add_ext(&full, text), 0);
    }
    for (size_t i = 0; i < DSG_EXT_BASELINE_COUNT; i++) {
        const dsg_ext *e = &dsg_ext_baseline[i];
        uint8_t name[32] = { 'x', '.' };
        memcpy(name + 2, e->text, e->len);
        char want[DSG_EXT_TEXT_MAX + 1u];
        memcpy(want, e->text, e->len);
        want[e->len] = '\0';
        expect_forbidden_in(name, 2u + e->len, &empty, want, __LINE__);
        expect_forbidden_in(name, 2u + e->len, &full, want, __LINE__);
        dsg_name_result r;
        ck_assert_int_eq(judge(name, 2u + e->len, &full, &r), DSG_NAME_FORBIDDEN);
        ck_assert_ptr_eq(r.ext, e);
    }
}
END_TEST

/* A malformed set fails closed: whatever would have been allowed or
 * forbidden becomes invalid (bad-policy); a name invalid on its own keeps
 * its own rule (the contract checks the name before the set). */
/* @relation(REQ-SHARE-004) */
START_TEST(test_malformed_set_fails_closed)
{
    static const char *const names[] = {
        "report.pdf", "x.exe", "x.tar.gz", "x.foo", "\xE5\xA0\xB1\xE5\x91\x8A.txt", "exe",
    };
    dsg_ext_set sets[5];
    for (int k = 0; k < 5; k++) {
        dsg_ext_set_init(&sets[k]);
        ck_assert_int_eq(add_ext(&sets[k], "foo"), 0);
        ck_assert_int_eq(add_ext(&sets[k], "bar"), 0);
    }
    sets[0].count = DSG_EXT_EXTRA_MAX + 1u;
    sets[1].count = UINT32_MAX;
    sets[2].ext[1].len = 0;
    sets[3].ext[0].len = DSG_EXT_TEXT_MAX + 1u;
    sets[4].ext[1].len = 255;
    for (int k = 0; k < 5; k++) {
        dsg_ext_set *s = &sets[k];
        uint32_t count = s->count;
        ck_assert_int_eq(dsg_ext_set_is_valid(s), 0);
        ck_assert_int_eq(add_ext(s, "baz"), -2);
        ck_assert_int_eq(add_ext(s, "exe"), -2);
        ck_assert_uint_eq(s->count, count);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            dsg_name_result r;
            dsg_name_verdict v = judge(names[i], strlen(names[i]), s, &r);
            ck_assert_msg(v == DSG_NAME_INVALID && r.rule == DSG_NAME_RULE_POLICY,
                          "set %d, \"%s\": verdict %d rule %s", k, names[i], (int)v,
                          dsg_name_rule_token(r.rule));
            ck_assert_ptr_null(r.ext);
        }
        dsg_name_result r;
        ck_assert_int_eq(judge("", 0, s, &r), DSG_NAME_INVALID);
        ck_assert_int_eq(r.rule, DSG_NAME_RULE_EMPTY);
        ck_assert_int_eq(judge("a:b", 3, s, &r), DSG_NAME_INVALID);
        ck_assert_int_eq(r.rule, DSG_NAME_RULE_RESERVED_CHAR);
        ck_assert_int_eq(judge("con", 3, s, &r), DSG_NAME_INVALID);
        ck_assert_int_eq(r.rule, DSG_NAME_RULE_DEVICE);
    }
}
END_TEST

/* An extra entry longer than the baseline match wins, and is reported from
 * the set. */
/* @relation(REQ-SHARE-001, REQ-SHARE-004) */
START_TEST(test_extra_longest_match)
{
    dsg_ext_set set;
    dsg_name_result r;
    dsg_ext_set_init(&set);
    ck_assert_int_eq(add_ext(&set, "old.tar.gz"), 0);
    ck_assert_int_eq(add_ext(&set, "ar.gz"), 0);
    expect_forbidden_in("x.old.tar.gz", 12, &set, "old.tar.gz", __LINE__);
    ck_assert_int_eq(judge("x.OLD.tar.gz", 12, &set, &r), DSG_NAME_FORBIDDEN);
    ck_assert_ptr_eq(r.ext, &set.ext[0]);
    expect_forbidden_in("x.new.tar.gz", 12, &set, "tar.gz", __LINE__);
    expect_forbidden_in("x.ar.gz", 7, &set, "ar.gz", __LINE__);
    expect_forbidden_in("old.tar.gz", 10, &set, "tar.gz", __LINE__);
}
END_TEST

/* ---- REQ-SHARE-005: stable rule tokens for dsgctl ------------------------ */

/* @relation(REQ-SHARE-005) */
START_TEST(test_rule_tokens)
{
    static const struct { dsg_name_rule rule; const char *token; } want[] = {
        { DSG_NAME_RULE_NONE, "ok" },
        { DSG_NAME_RULE_EXTENSION, "extension" },
        { DSG_NAME_RULE_EMPTY, "empty" },
        { DSG_NAME_RULE_TOO_LONG, "too-long" },
        { DSG_NAME_RULE_UTF8, "bad-utf8" },
        { DSG_NAME_RULE_CONTROL, "control-char" },
        { DSG_NAME_RULE_RESERVED_CHAR, "reserved-char" },
        { DSG_NAME_RULE_BIDI, "bidi-control" },
        { DSG_NAME_RULE_DOT, "dot-name" },
        { DSG_NAME_RULE_BLANK, "blank" },
        { DSG_NAME_RULE_DEVICE, "device-name" },
        { DSG_NAME_RULE_POLICY, "bad-policy" },
    };
    size_t n = sizeof want / sizeof want[0];
    for (size_t i = 0; i < n; i++) {
        const char *t = dsg_name_rule_token(want[i].rule);
        ck_assert_str_eq(t, want[i].token);
        for (const char *p = t; *p != '\0'; p++)
            ck_assert((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
    }
    ck_assert_str_eq(dsg_name_rule_token((dsg_name_rule)99), "unknown");
    ck_assert_str_eq(dsg_name_rule_token((dsg_name_rule)-1), "unknown");
}
END_TEST

/* ---- properties over many inputs ----------------------------------------- */

/* Independent oracle for ASCII-only names: lowercase, strip trailing dots
 * and spaces, find the longest baseline entry "." + text at the end. */
static const dsg_ext *oracle_ascii(const uint8_t *name, size_t len)
{
    uint8_t f[NAME_BUF];
    size_t n = len;
    for (size_t i = 0; i < len; i++)
        f[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (uint8_t)(name[i] + 32) : name[i];
    while (n > 0 && (f[n - 1u] == '.' || f[n - 1u] == ' '))
        n--;
    const dsg_ext *best = NULL;
    for (size_t i = 0; i < DSG_EXT_BASELINE_COUNT; i++) {
        const dsg_ext *e = &dsg_ext_baseline[i];
        if (n < e->len + 1u || f[n - e->len - 1u] != '.' ||
            memcmp(f + n - e->len, e->text, e->len) != 0)
            continue;
        if (best == NULL || e->len > best->len)
            best = e;
    }
    return best;
}

/* The letter c of an extension written 5 ways: as is, upper, and the
 * non-ASCII letters that fold onto it. */
static size_t spell(uint8_t c, int style, size_t pos, uint8_t *out)
{
    if (style == 1 && c >= 'a' && c <= 'z') {
        out[0] = (uint8_t)(c - 32);
        return 1;
    }
    if (style == 2 && (pos & 1u) && c >= 'a' && c <= 'z') {
        out[0] = (uint8_t)(c - 32);
        return 1;
    }
    if (style == 3) {
        if (c == 's') { memcpy(out, "\xC5\xBF", 2); return 2; }
        if (c == 'i') { memcpy(out, "\xC4\xB1", 2); return 2; }
        if (c == 'k') { memcpy(out, "\xE2\x84\xAA", 3); return 3; }
    }
    if (style == 4 && c == 'i') {
        memcpy(out, "\xC4\xB0", 2);
        return 2;
    }
    out[0] = c;
    return 1;
}

/* Every baseline extension, in 5 spellings, after 4 stems, with 6 trailing
 * dot/space tails: forbidden, reporting that very entry. */
/* @relation(REQ-SHARE-001, REQ-SHARE-002) */
START_TEST(test_property_every_extension_every_form)
{
    static const char *const stems[] = { "x", "\xE5\xA0\xB1\xE5\x91\x8A", "a.b", "" };
    static const char *const tails[] = { "", ".", " ", ". . ", "...", "   " };
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    unsigned checked = 0;
    for (size_t i = 0; i < DSG_EXT_BASELINE_COUNT; i++) {
        const dsg_ext *e = &dsg_ext_baseline[i];
        for (size_t s = 0; s < sizeof stems / sizeof stems[0]; s++)
            for (int style = 0; style < 5; style++)
                for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
                    uint8_t name[NAME_BUF];
                    size_t n = 0;
                    ck_assert(puts_(name, &n, stems[s]) && puts_(name, &n, "."));
                    for (size_t k = 0; k < e->len; k++)
                        n += spell(e->text[k], style, k, name + n);
                    ck_assert(puts_(name, &n, tails[t]));
                    dsg_name_result r;
                    char buf[256];
                    dsg_name_verdict v = judge(name, n, &set, &r);
                    ck_assert_msg(v == DSG_NAME_FORBIDDEN && r.ext == e,
                                  "\"%s\": verdict %d (%s), want .%.*s",
                                  show(name, n, buf, sizeof buf), (int)v,
                                  dsg_name_rule_token(r.rule), (int)e->len,
                                  (const char *)e->text);
                    checked++;
                }
    }
    ck_assert_uint_eq(checked, 130u * 4u * 5u * 6u);
}
END_TEST

/* Near misses of every baseline extension are allowed: a letter appended,
 * a fullwidth spelling, a following real extension, no dot. Expectations
 * for ASCII names come from the independent oracle above. */
/* @relation(REQ-SHARE-001, REQ-SHARE-002) */
START_TEST(test_property_near_misses)
{
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    for (size_t i = 0; i < DSG_EXT_BASELINE_COUNT; i++) {
        const dsg_ext *e = &dsg_ext_baseline[i];
        uint8_t name[NAME_BUF];
        size_t n;
        dsg_name_result r;
        char buf[256];

        n = 0;
        ck_assert(puts_(name, &n, "x.") && put(name, &n, e->text, e->len) &&
                  puts_(name, &n, "_"));
        expect_allowed_in(name, n, &set, __LINE__);

        n = 0;
        ck_assert(puts_(name, &n, "x.") && put(name, &n, e->text, e->len) &&
                  puts_(name, &n, ".txt"));
        expect_allowed_in(name, n, &set, __LINE__);

        /* fullwidth letters and digits (U+FF01 + c - '!') */
        n = 0;
        ck_assert(puts_(name, &n, "x."));
        for (size_t k = 0; k < e->len; k++) {
            uint8_t c = e->text[k];
            if (c == '.' || c == '-') {
                name[n++] = c;
                continue;
            }
            unsigned cp = 0xFF01u + (unsigned)(c - '!');
            name[n++] = (uint8_t)(0xE0u | (cp >> 12));
            name[n++] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
            name[n++] = (uint8_t)(0x80u | (cp & 0x3Fu));
        }
        expect_allowed_in(name, n, &set, __LINE__);

        /* without its dot, or with '_' for its dot: the oracle decides */
        for (int variant = 0; variant < 2; variant++) {
            n = 0;
            ck_assert(puts_(name, &n, variant == 0 ? "x" : "x_") &&
                      put(name, &n, e->text, e->len));
            const dsg_ext *want = oracle_ascii(name, n);
            dsg_name_verdict v = judge(name, n, &set, &r);
            show(name, n, buf, sizeof buf);
            if (want == NULL)
                ck_assert_msg(v == DSG_NAME_ALLOWED, "\"%s\": verdict %d", buf, (int)v);
            else
                ck_assert_msg(v == DSG_NAME_FORBIDDEN && r.ext == want,
                              "\"%s\": verdict %d, want .%.*s", buf, (int)v,
                              (int)want->len, (const char *)want->text);
        }
    }
}
END_TEST

/* Every pair "x." + A + "." + B of baseline entries (and A + "." + B): the
 * verdict and the reported extension agree with the oracle. */
/* @relation(REQ-SHARE-001) */
START_TEST(test_property_pairs_agree_with_oracle)
{
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    for (size_t a = 0; a < DSG_EXT_BASELINE_COUNT; a++)
        for (size_t b = 0; b < DSG_EXT_BASELINE_COUNT; b++)
            for (int prefix = 0; prefix < 2; prefix++) {
                const dsg_ext *ea = &dsg_ext_baseline[a], *eb = &dsg_ext_baseline[b];
                uint8_t name[64];
                size_t n = 0;
                if (prefix)
                    ck_assert(puts_(name, &n, "x."));
                ck_assert(put(name, &n, ea->text, ea->len) && puts_(name, &n, ".") &&
                          put(name, &n, eb->text, eb->len));
                const dsg_ext *want = oracle_ascii(name, n);
                dsg_name_result r;
                char buf[128];
                dsg_name_verdict v = judge(name, n, &set, &r);
                ck_assert_msg(want != NULL && v == DSG_NAME_FORBIDDEN && r.ext->len == want->len &&
                                  memcmp(r.ext->text, want->text, want->len) == 0,
                              "\"%s\": verdict %d", show(name, n, buf, sizeof buf), (int)v);
            }
}
END_TEST

/* Every 1- and 2-byte name, and every 3-byte name over a small alphabet:
 * the verdict is well formed, and ASCII-only names that are not invalid
 * agree with the oracle. */
/* @relation(REQ-SHARE-001, REQ-SHARE-003) */
START_TEST(test_property_short_names)
{
    static const uint8_t alpha[] = { '.', ' ', 'a', 'z', 'Z', '/', ':', 0x00, 0x7F,
                                     0x80, 0xC2, 0xC5, 0xBF, 0xFF, '7' };
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    uint8_t name[3];
    dsg_name_result r;
    for (unsigned x = 0; x < 256u * 256u + 256u; x++) {
        size_t n = x < 256u ? 1u : 2u;
        name[0] = (uint8_t)(x < 256u ? x : (x - 256u) >> 8);
        name[1] = (uint8_t)(x - 256u);
        dsg_name_verdict v = judge(name, n, &set, &r);
        ck_assert(v == DSG_NAME_ALLOWED || v == DSG_NAME_FORBIDDEN || v == DSG_NAME_INVALID);
        ck_assert(r.folded_len <= n);
        if (v == DSG_NAME_INVALID)
            ck_assert(r.rule > DSG_NAME_RULE_EXTENSION && r.ext == NULL && r.offset < n);
        /* "." + one letter: only .z of the 1-letter extensions is listed */
        if (v == DSG_NAME_FORBIDDEN)
            ck_assert(n == 2 && name[0] == '.' && (name[1] | 0x20) == 'z');
    }
    size_t k = sizeof alpha;
    for (size_t i = 0; i < k * k * k; i++) {
        name[0] = alpha[i % k];
        name[1] = alpha[(i / k) % k];
        name[2] = alpha[i / (k * k)];
        dsg_name_verdict v = judge(name, 3, &set, &r);
        int ascii = name[0] < 0x80 && name[1] < 0x80 && name[2] < 0x80;
        if (ascii && v != DSG_NAME_INVALID) {
            const dsg_ext *want = oracle_ascii(name, 3);
            ck_assert(want == NULL ? v == DSG_NAME_ALLOWED
                                   : (v == DSG_NAME_FORBIDDEN && r.ext == want));
        }
        if (v == DSG_NAME_ALLOWED || v == DSG_NAME_FORBIDDEN)
            ck_assert(r.folded_len >= 1 && r.folded[r.folded_len - 1u] != '.' &&
                      r.folded[r.folded_len - 1u] != ' ');
    }
}
END_TEST

/* The same input always gives the same result, and the input is not
 * written to. */
/* @relation(REQ-SHARE-001, REQ-SHARE-003) */
START_TEST(test_deterministic_and_input_untouched)
{
    static const char *const names[] = {
        "x.tar.gz", "report.pdf", "a:b", "CON", "\xFF", "exe\xE2\x80\xAEtxt.exe",
    };
    dsg_ext_set set;
    dsg_ext_set_init(&set);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint8_t copy[64];
        size_t n = strlen(names[i]);
        memcpy(copy, names[i], n);
        dsg_name_result a, b;
        dsg_name_verdict va = judge(copy, n, &set, &a);
        dsg_name_verdict vb = judge(copy, n, &set, &b);
        ck_assert_int_eq(va, vb);
        ck_assert_int_eq(a.rule, b.rule);
        ck_assert_uint_eq(a.offset, b.offset);
        ck_assert_ptr_eq(a.ext, b.ext);
        ck_assert_uint_eq(a.folded_len, b.folded_len);
        ck_assert_mem_eq(copy, names[i], n);
    }
}
END_TEST

/* ---- the suite ------------------------------------------------------------ */

Suite *suite_name_policy(void)
{
    Suite *s = suite_create("name_policy");
    TCase *bad = tcase_create("invalid");
    tcase_add_test(bad, test_empty_name_is_invalid);
    tcase_add_test(bad, test_dot_names_are_invalid);
    tcase_add_test(bad, test_blank_names_are_invalid);
    tcase_add_test(bad, test_bad_utf8_is_invalid);
    tcase_add_test(bad, test_utf8_boundaries_are_valid);
    tcase_add_test(bad, test_control_chars_are_invalid);
    tcase_add_test(bad, test_reserved_chars_are_invalid);
    tcase_add_test(bad, test_bidi_controls_are_invalid);
    tcase_add_test(bad, test_bidi_neighbours_are_not_bidi);
    tcase_add_test(bad, test_device_names_are_invalid);
    tcase_add_test(bad, test_device_lookalikes_are_allowed);
    tcase_add_test(bad, test_length_limits);
    suite_add_tcase(s, bad);

    TCase *fold = tcase_create("folding");
    tcase_add_test(fold, test_ascii_case_is_folded);
    tcase_add_test(fold, test_unicode_letters_fold_to_ascii);
    tcase_add_test(fold, test_trailing_dots_and_spaces_are_stripped);
    tcase_add_test(fold, test_lookalikes_are_not_folded);
    tcase_add_test(fold, test_folded_form);
    suite_add_tcase(s, fold);

    TCase *ext = tcase_create("extensions");
    tcase_add_test(ext, test_forbidden_extensions);
    tcase_add_test(ext, test_longest_extension_is_reported);
    tcase_add_test(ext, test_allowed_names);
    tcase_add_test(ext, test_baseline_equals_spec_table);
    tcase_add_test(ext, test_baseline_in_spec_column_order);
    tcase_add_test(ext, test_baseline_entries_are_well_formed);
    tcase_add_test(ext, test_judge_folded_names);
    tcase_add_test(ext, test_rule_tokens);
    suite_add_tcase(s, ext);

    TCase *extra = tcase_create("extra-set");
    tcase_add_test(extra, test_ext_set_init);
    tcase_add_test(extra, test_ext_set_add_rejects_malformed_text);
    tcase_add_test(extra, test_ext_set_add_accepts_and_folds);
    tcase_add_test(extra, test_ext_set_add_baseline_is_noop);
    tcase_add_test(extra, test_ext_set_full);
    tcase_add_test(extra, test_baseline_cannot_be_removed);
    tcase_add_test(extra, test_malformed_set_fails_closed);
    tcase_add_test(extra, test_extra_longest_match);
    suite_add_tcase(s, extra);

    TCase *prop = tcase_create("properties");
    tcase_set_timeout(prop, 60);
    tcase_add_test(prop, test_property_every_extension_every_form);
    tcase_add_test(prop, test_property_near_misses);
    tcase_add_test(prop, test_property_pairs_agree_with_oracle);
    tcase_add_test(prop, test_property_short_names);
    tcase_add_test(prop, test_deterministic_and_input_untouched);
    suite_add_tcase(s, prop);
    return s;
}
