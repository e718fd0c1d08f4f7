/*
 * Unit tests of password hashing (src/auth/pw_hash.h): scrypt through
 * EVP_KDF against RFC 7914 §12, the hash string and its strict parser,
 * verification, rehash, the dummy verification, the history, and temporary
 * passwords. REQ-MFA-008, -009, -010, -012.
 *
 * Costs are small (N = 16) except for the RFC vectors.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pw_hash.h"

Suite *suite_pw_hash(void);

static const dsg_scrypt_params small = { 4u, 1u, 1u };   /* N = 16 */

static const uint8_t *u8(const char *s)
{
    return (const uint8_t *)s;
}

static void unhex(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

/* A fresh hash string of pw at the small cost. */
static size_t hash_small(const char *pw, char *out, size_t cap)
{
    int n = dsg_pw_hash_new(u8(pw), strlen(pw), &small, out, cap);
    ck_assert_int_gt(n, 0);
    ck_assert_uint_eq(strlen(out), (size_t)n);
    return (size_t)n;
}

/* ---- parameters and the KDF ------------------------------------------- */

/* @relation(REQ-MFA-008) */
START_TEST(test_pw_hash_params_out_of_range_are_refused)
{
    static const dsg_scrypt_params bad[] = {
        { 0u, 8u, 1u }, { 21u, 8u, 1u }, { 17u, 0u, 1u }, { 17u, 33u, 1u },
        { 17u, 8u, 0u }, { 17u, 8u, 17u },
        { 20u, 8u, 1u },    /* 1 GiB: over DSG_SCRYPT_MAXMEM */
        { 18u, 8u, 1u },    /* 256 MiB and the B blocks: just over */
    };
    uint8_t out[32];
    char s[DSG_PW_HASH_STR_MAX + 1];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(dsg_scrypt_params_is_valid(&bad[i]), 0);
        ck_assert_int_eq(dsg_scrypt_derive(u8("pw"), 2, u8("salt"), 4, &bad[i], out, 32), -1);
        ck_assert_int_eq(dsg_pw_hash_new(u8("pw"), 2, &bad[i], s, sizeof s), -1);
        ck_assert_int_eq(dsg_pw_verify_dummy(u8("pw"), 2, &bad[i]), -1);
    }
    const dsg_scrypt_params owasp = { 17u, 8u, 1u };
    ck_assert_int_eq(dsg_scrypt_params_is_valid(&owasp), 1);
    ck_assert_int_eq(dsg_scrypt_params_is_valid(&small), 1);
    ck_assert_int_eq(dsg_scrypt_derive(u8("pw"), 2, u8("salt"), 4, &small, out, 0), -1);
}
END_TEST

/* RFC 7914 §12, through the EVP_KDF wrapper (the fourth vector needs 1 GiB
 * and is out of range on purpose). */
/* @relation(REQ-MFA-008) */
START_TEST(test_pw_hash_rfc7914_vectors)
{
    static const struct {
        const char *pw, *salt;
        dsg_scrypt_params prm;
        const char *hex;
    } v[] = {
        { "", "", { 4u, 1u, 1u },
          "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
          "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906" },
        { "password", "NaCl", { 10u, 8u, 16u },
          "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
          "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640" },
        { "pleaseletmein", "SodiumChloride", { 14u, 8u, 1u },
          "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
          "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887" },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t want[64], got[64];
        unhex(v[i].hex, want, sizeof want);
        ck_assert_int_eq(dsg_scrypt_derive(u8(v[i].pw), strlen(v[i].pw), u8(v[i].salt),
                                           strlen(v[i].salt), &v[i].prm, got, sizeof got), 0);
        ck_assert_msg(memcmp(got, want, sizeof want) == 0, "RFC 7914 vector %zu", i + 1);
    }
}
END_TEST

/* The configured default (OWASP: N = 2^17, r = 8, p = 1, 128 MiB) passes
 * OpenSSL's memory check with the maxmem the wrapper sets: the one test at
 * full cost, since every login depends on it. */
/* @relation(REQ-MFA-008) */
START_TEST(test_pw_hash_default_cost_fits_maxmem)
{
    const dsg_scrypt_params owasp = { 17u, 8u, 1u };
    char s[DSG_PW_HASH_STR_MAX + 1];
    int n = dsg_pw_hash_new(u8("Correct-Horse-42"), 16, &owasp, s, sizeof s);
    ck_assert_int_gt(n, 0);
    ck_assert(strncmp(s, "$scrypt$ln=17,r=8,p=1$", 22) == 0);
    ck_assert_int_eq(dsg_pw_verify(s, (size_t)n, u8("Correct-Horse-42"), 16), 1);
    ck_assert_int_eq(dsg_pw_needs_rehash(s, (size_t)n, &owasp), 0);
}
END_TEST

/* ---- the hash string ------------------------------------------------------ */

/* @relation(REQ-MFA-008) */
START_TEST(test_pw_hash_format_is_parsed_back)
{
    dsg_pw_hash_rec rec = { { 17u, 8u, 1u }, { 0 }, { 0 } }, back;
    for (size_t i = 0; i < DSG_PW_SALT_LEN; i++)
        rec.salt[i] = (uint8_t)(0xF0u + i);
    for (size_t i = 0; i < DSG_PW_HASH_LEN; i++)
        rec.hash[i] = (uint8_t)(i * 37u);
    char s[DSG_PW_HASH_STR_MAX + 1];
    int n = dsg_pw_hash_format(&rec, s, sizeof s);
    ck_assert_int_eq(n, 22 + 43 + (int)strlen("$scrypt$ln=17,r=8,p=1$$"));
    ck_assert(strncmp(s, "$scrypt$ln=17,r=8,p=1$8PHy8/T19vf4+fr7/P3+/w$", 45) == 0);
    ck_assert_int_eq(dsg_pw_hash_parse(s, (size_t)n, &back), 0);
    ck_assert(memcmp(&back, &rec, sizeof rec) == 0);
    /* a buffer one short of the NUL */
    ck_assert_int_eq(dsg_pw_hash_format(&rec, s, (size_t)n), -1);
    rec.params.log2_n = 25u;
    ck_assert_int_eq(dsg_pw_hash_format(&rec, s, sizeof s), -1);
}
END_TEST

/* Every deviation from the one accepted shape is refused, the record left
 * as it was. */
/* @relation(REQ-MFA-008) */
START_TEST(test_pw_hash_parser_is_strict)
{
    static const char good[] =
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$"
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    static const char *bad[] = {
        "",
        "$scrypt$",
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$",
        "$Scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=04,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=+4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=0,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=21,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=4294967300,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$r=1,ln=4,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=4,r=1,p=1,x=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=4, r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=4,r=0,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=4,r=1,p=17$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        /* salt one character short, one long, padded, a bad character */
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0OD$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODwA$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw==$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0OD-$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        /* non-zero unused bits in the last salt and hash characters */
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODx$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9",
        /* hash short, long, trailing newline */
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh",
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A",
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n",
        "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8$",
    };
    dsg_pw_hash_rec rec;
    ck_assert_int_eq(dsg_pw_hash_parse(good, strlen(good), &rec), 0);
    ck_assert_uint_eq(rec.params.log2_n, 4);
    ck_assert_uint_eq(rec.salt[15], 15);
    ck_assert_uint_eq(rec.hash[31], 31);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&rec, 0xA5, sizeof rec);
        ck_assert_msg(dsg_pw_hash_parse(bad[i], strlen(bad[i]), &rec) == -1, "case %zu", i);
        for (size_t k = 0; k < sizeof rec; k++)
            ck_assert_uint_eq(((const uint8_t *)&rec)[k], 0xA5);
    }
    /* a NUL inside, and the good string cut at every length */
    char buf[sizeof good];
    memcpy(buf, good, sizeof good);
    buf[30] = '\0';
    ck_assert_int_eq(dsg_pw_hash_parse(buf, strlen(good), &rec), -1);
    for (size_t len = 0; len < strlen(good); len++)
        ck_assert_int_eq(dsg_pw_hash_parse(good, len, &rec), -1);
}
END_TEST

/* ---- hashing and verification --------------------------------------------- */

/* @relation(REQ-MFA-008) */
START_TEST(test_pw_hash_round_trip_and_wrong_password)
{
    char s[DSG_PW_HASH_STR_MAX + 1], t[DSG_PW_HASH_STR_MAX + 1];
    size_t n = hash_small("Correct-Horse-42", s, sizeof s);
    ck_assert(strncmp(s, "$scrypt$ln=4,r=1,p=1$", 21) == 0);
    ck_assert_int_eq(dsg_pw_verify(s, n, u8("Correct-Horse-42"), 16), 1);
    ck_assert_int_eq(dsg_pw_verify(s, n, u8("correct-horse-42"), 16), 0);
    ck_assert_int_eq(dsg_pw_verify(s, n, u8("Correct-Horse-4"), 15), 0);
    ck_assert_int_eq(dsg_pw_verify(s, n, u8(""), 0), 0);
    /* the salt is fresh: the same password hashes differently */
    size_t m = hash_small("Correct-Horse-42", t, sizeof t);
    ck_assert(m != n || memcmp(s, t, n) != 0);
    ck_assert_int_eq(dsg_pw_verify(t, m, u8("Correct-Horse-42"), 16), 1);
    /* an empty password and one with a NUL hash and verify as bytes */
    int k = dsg_pw_hash_new(u8("a\0b"), 3, &small, t, sizeof t);
    ck_assert_int_gt(k, 0);
    ck_assert_int_eq(dsg_pw_verify(t, (size_t)k, u8("a\0b"), 3), 1);
    ck_assert_int_eq(dsg_pw_verify(t, (size_t)k, u8("a"), 1), 0);
    /* a buffer too small */
    ck_assert_int_eq(dsg_pw_hash_new(u8("x"), 1, &small, t, 20), -1);
}
END_TEST

/* A change to any part of a stored string: refused or no match. */
/* @relation(REQ-MFA-008) */
START_TEST(test_pw_hash_tampered_string_does_not_verify)
{
    char s[DSG_PW_HASH_STR_MAX + 1];
    size_t n = hash_small("Correct-Horse-42", s, sizeof s);
    for (size_t i = 0; i < n; i++) {
        char saved = s[i];
        s[i] = (char)(saved == 'A' ? 'B' : 'A');
        int v = dsg_pw_verify(s, n, u8("Correct-Horse-42"), 16);
        ck_assert_msg(v == 0 || v == -1, "position %zu verified", i);
        s[i] = saved;
    }
    ck_assert_int_eq(dsg_pw_verify(s, n - 1, u8("Correct-Horse-42"), 16), -1);
    /* the cost changed in the string: a different hash, no match */
    char *ln = strstr(s, "ln=4");
    ck_assert_ptr_nonnull(ln);
    ln[3] = '5';
    ck_assert_int_eq(dsg_pw_verify(s, n, u8("Correct-Horse-42"), 16), 0);
}
END_TEST

/* @relation(REQ-MFA-008) */
START_TEST(test_pw_hash_needs_rehash_when_weaker)
{
    char s[DSG_PW_HASH_STR_MAX + 1];
    size_t n = hash_small("Correct-Horse-42", s, sizeof s);
    const dsg_scrypt_params same = { 4u, 1u, 1u }, more_n = { 5u, 1u, 1u },
                            more_r = { 4u, 2u, 1u }, more_p = { 4u, 1u, 2u },
                            less = { 3u, 1u, 1u };
    ck_assert_int_eq(dsg_pw_needs_rehash(s, n, &same), 0);
    ck_assert_int_eq(dsg_pw_needs_rehash(s, n, &less), 0);
    ck_assert_int_eq(dsg_pw_needs_rehash(s, n, &more_n), 1);
    ck_assert_int_eq(dsg_pw_needs_rehash(s, n, &more_r), 1);
    ck_assert_int_eq(dsg_pw_needs_rehash(s, n, &more_p), 1);
    ck_assert_int_eq(dsg_pw_needs_rehash("$scrypt$", 8, &same), -1);
}
END_TEST

/* The dummy verification never matches, whatever the password. */
/* @relation(REQ-MFA-012) */
START_TEST(test_pw_hash_dummy_never_matches)
{
    ck_assert_int_eq(dsg_pw_verify_dummy(u8("Correct-Horse-42"), 16, &small), 0);
    ck_assert_int_eq(dsg_pw_verify_dummy(u8(""), 0, &small), 0);
    const dsg_scrypt_params rfc = { 10u, 8u, 1u };
    ck_assert_int_eq(dsg_pw_verify_dummy(u8("password"), 8, &rfc), 0);
}
END_TEST

/* @relation(REQ-MFA-010) */
START_TEST(test_pw_hash_history_is_compared_against_hashes)
{
    char h[3][DSG_PW_HASH_STR_MAX + 1];
    const char *hashes[3] = { h[0], h[1], h[2] };
    size_t lens[3];
    lens[0] = hash_small("Old-Password-1", h[0], sizeof h[0]);
    lens[1] = hash_small("Old-Password-2", h[1], sizeof h[1]);
    lens[2] = hash_small("Old-Password-3", h[2], sizeof h[2]);
    ck_assert_int_eq(dsg_pw_in_history(hashes, lens, 3, u8("Old-Password-2"), 14), 1);
    ck_assert_int_eq(dsg_pw_in_history(hashes, lens, 3, u8("Old-Password-3"), 14), 1);
    ck_assert_int_eq(dsg_pw_in_history(hashes, lens, 3, u8("New-Password-4"), 14), 0);
    ck_assert_int_eq(dsg_pw_in_history(hashes, lens, 3, u8("old-password-2"), 14), 0);
    ck_assert_int_eq(dsg_pw_in_history(hashes, lens, 0, u8("Old-Password-2"), 14), 0);
    lens[2] -= 1;   /* a malformed entry fails closed */
    ck_assert_int_eq(dsg_pw_in_history(hashes, lens, 3, u8("New-Password-4"), 14), -1);
}
END_TEST

/* ---- temporary passwords ------------------------------------------------------ */

/* @relation(REQ-MFA-009) */
START_TEST(test_pw_temp_bad_arguments_are_refused)
{
    char out[2048];
    size_t len = 0;
    const dsg_pw_policy bad = { 4u, 128u, 3u }, ok = { 12u, 128u, 3u };
    ck_assert_int_eq(dsg_pw_issue_temporary(&bad, u8("alice"), 5, out, sizeof out, &len), -1);
    ck_assert_int_eq(dsg_pw_issue_temporary(&ok, u8(""), 0, out, sizeof out, &len), -1);
    ck_assert_int_eq(dsg_pw_issue_temporary(&ok, u8("alice"), 5, out, 16, &len), -1);
    ck_assert_int_eq(dsg_pw_issue_temporary(&ok, u8("alice"), 5, out, 17, &len), 0);
    ck_assert_uint_eq(len, 16);
}
END_TEST

/* Every one of many draws passes the policy with all four classes, and
 * every character of the alphabet turns up (no character left out). */
/* @relation(REQ-MFA-009, REQ-MFA-007) */
START_TEST(test_pw_temp_every_draw_complies)
{
    const dsg_pw_policy pols[] = { { 12u, 128u, 3u }, { 8u, 64u, 4u }, { 40u, 64u, 4u } };
    unsigned seen[256] = { 0 };
    for (size_t k = 0; k < sizeof pols / sizeof pols[0]; k++) {
        for (int i = 0; i < 3000; i++) {
            char out[128];
            size_t len = 0;
            ck_assert_int_eq(dsg_pw_issue_temporary(&pols[k], u8("ab"), 2, out,
                                                    sizeof out, &len), 0);
            ck_assert_uint_eq(len, pols[k].min_length > 16 ? pols[k].min_length : 16);
            ck_assert_uint_eq(strlen(out), len);
            ck_assert_uint_eq(dsg_pw_check(&pols[k], u8(out), len, u8("ab"), 2), 0);
            /* four classes, whatever the policy asks */
            ck_assert_uint_eq(dsg_pw_check(&(dsg_pw_policy){ 8u, 64u, 4u }, u8(out), len,
                                           u8("ab"), 2) & DSG_PW_FEW_CLASSES, 0);
            for (size_t c = 0; c < len; c++)
                seen[(uint8_t)out[c]]++;
        }
    }
    unsigned kinds = 0;
    for (size_t c = 0; c < 256; c++)
        kinds += seen[c] != 0;
    ck_assert_uint_eq(kinds, 76);
    ck_assert_uint_eq(seen[' '] + seen['"'] + seen['\\'], 0);
}
END_TEST

Suite *suite_pw_hash(void)
{
    Suite *s = suite_create("pw_hash");
    TCase *bad = tcase_create("bad_input");
    tcase_add_test(bad, test_pw_hash_params_out_of_range_are_refused);
    tcase_add_test(bad, test_pw_hash_parser_is_strict);
    tcase_add_test(bad, test_pw_hash_tampered_string_does_not_verify);
    tcase_add_test(bad, test_pw_temp_bad_arguments_are_refused);
    suite_add_tcase(s, bad);

    TCase *kdf = tcase_create("kdf");
    tcase_set_timeout(kdf, 60);
    tcase_add_test(kdf, test_pw_hash_rfc7914_vectors);
    tcase_add_test(kdf, test_pw_hash_default_cost_fits_maxmem);
    tcase_add_test(kdf, test_pw_hash_format_is_parsed_back);
    tcase_add_test(kdf, test_pw_hash_round_trip_and_wrong_password);
    tcase_add_test(kdf, test_pw_hash_needs_rehash_when_weaker);
    tcase_add_test(kdf, test_pw_hash_dummy_never_matches);
    tcase_add_test(kdf, test_pw_hash_history_is_compared_against_hashes);
    suite_add_tcase(s, kdf);

    TCase *temp = tcase_create("temporary");
    tcase_set_timeout(temp, 60);
    tcase_add_test(temp, test_pw_temp_every_draw_complies);
    suite_add_tcase(s, temp);
    return s;
}
