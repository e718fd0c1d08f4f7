/*
 * Unit tests of the portal's page layer (src/run/page.h) and static assets
 * (src/run/static_assets.h): REQ-SHARE-022. Every dynamic value comes out
 * escaped and a value the escaper refuses spoils the page; the language
 * follows the query switch, then the cookie, then Accept-Language, then
 * Japanese; every message exists in both languages; the CSRF token is
 * bound to its session and key and checked whole; Origin must be the
 * portal's own; no page or asset carries inline script or style.
 */
#define _GNU_SOURCE
#include <check.h>
#include <string.h>

#include "run/page.h"
#include "run/static_assets.h"

Suite *suite_page(void);

static dsgd_page pg;

/* 1 when s has an event handler attribute: " on" letters "=". */
static int has_handler(const char *s)
{
    for (const char *p = strstr(s, " on"); p != NULL; p = strstr(p + 1, " on")) {
        const char *q = p + 3;
        while (*q >= 'a' && *q <= 'z')
            q++;
        if (q > p + 3 && *q == '=')
            return 1;
    }
    return 0;
}

static const char *text(const dsgd_page *p)
{
    static char s[DSGD_ROLE_HTTP_PAGE_MAX + 1];
    memcpy(s, p->buf, p->len);
    s[p->len] = '\0';
    return s;
}

/* Every dynamic value -- text, a user, a URL part, a hidden field -- is
 * escaped; literal text is not. @relation(REQ-SHARE-022) */
START_TEST(test_page_escapes_every_value)
{
    static const char evil[] = "<script>alert(\"x\")</script>&'";
    dsgd_page_begin(&pg, DSGD_LANG_EN, PM_FOLDER, "/folder?area=a", "<b>mallory</b>");
    dsgd_page_raw(&pg, "<p>");
    dsgd_page_str(&pg, evil);
    dsgd_page_raw(&pg, "</p><a href=\"/folder?path=");
    dsgd_page_url(&pg, evil, strlen(evil));
    dsgd_page_raw(&pg, "\">");
    dsgd_page_hidden(&pg, "name", evil);
    dsgd_page_uint(&pg, 18446744073709551615ull);
    dsgd_page_end(&pg);
    ck_assert_int_eq(pg.bad, 0);
    const char *s = text(&pg);
    ck_assert_ptr_null(strstr(s, "<script>"));
    ck_assert_ptr_null(strstr(s, "<b>mallory"));
    ck_assert_ptr_nonnull(
        strstr(s, "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>"));
    ck_assert_ptr_nonnull(strstr(s, "&lt;b&gt;mallory&lt;/b&gt;"));
    ck_assert_ptr_nonnull(strstr(s, "path=%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E%26%27\""));
    ck_assert_ptr_nonnull(
        strstr(s, "value=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;\""));
    ck_assert_ptr_nonnull(strstr(s, "18446744073709551615"));
    ck_assert_ptr_nonnull(strstr(s, "<html lang=\"en\">"));
    ck_assert_ptr_nonnull(strstr(s, "href=\"/folder?area=a&amp;lang=ja\""));
    ck_assert_ptr_nonnull(strstr(s, "<link rel=\"stylesheet\" href=\"/static/portal.css\">"));
}
END_TEST

/* A value the escaper refuses (bad UTF-8, a control) or a page past its
 * buffer spoils the page: nothing more is written to it.
 * @relation(REQ-SHARE-022) */
START_TEST(test_page_refused_value_spoils_page)
{
    static char big[4096];
    dsgd_page_begin(&pg, DSGD_LANG_JA, PM_AREAS, "/areas", NULL);
    dsgd_page_text(&pg, "a\xff", 2);
    ck_assert_int_eq(pg.bad, 1);
    size_t len = pg.len;
    dsgd_page_raw(&pg, "<p>more</p>");
    ck_assert_uint_eq(pg.len, len);
    dsgd_page_begin(&pg, DSGD_LANG_JA, PM_AREAS, "/areas", NULL);
    dsgd_page_str(&pg, "tab\there, ctl\x01");
    ck_assert_int_eq(pg.bad, 1);
    dsgd_page_begin(&pg, DSGD_LANG_JA, PM_AREAS, "/areas", NULL);
    memset(big, '<', sizeof big - 1);
    for (int i = 0; i < 20 && !pg.bad; i++)   /* 20 x 4 KiB x 4 > 64 KiB */
        dsgd_page_str(&pg, big);
    ck_assert_int_eq(pg.bad, 1);
    ck_assert_uint_le(pg.len, DSGD_ROLE_HTTP_PAGE_MAX);
}
END_TEST

static dsgd_xch_request req(const char *query, const char *cookie, const char *al)
{
    dsgd_xch_request r;
    memset(&r, 0, sizeof r);
    r.query = (const uint8_t *)query;
    r.query_len = strlen(query);
    r.lang = cookie;
    r.lang_len = strlen(cookie);
    r.accept_lang = al;
    r.accept_lang_len = strlen(al);
    return r;
}

/* The query switch wins and sets the cookie; then the cookie; then
 * Accept-Language (by the proved chooser); else Japanese. Values other
 * than ja and en are ignored. @relation(REQ-SHARE-022) */
START_TEST(test_page_language_choice)
{
    static const struct {
        const char *query, *cookie, *al;
        dsgd_lang want;
        uint8_t set;
    } v[] = {
        { "", "", "", DSGD_LANG_JA, DSGD_XCH_LANG_KEEP },
        { "", "", "en-US,en;q=0.9", DSGD_LANG_EN, DSGD_XCH_LANG_KEEP },
        { "", "", "fr, ja;q=0.5, en;q=0.4", DSGD_LANG_JA, DSGD_XCH_LANG_KEEP },
        { "", "", "fr", DSGD_LANG_JA, DSGD_XCH_LANG_KEEP },
        { "", "ja", "en", DSGD_LANG_JA, DSGD_XCH_LANG_KEEP },
        { "", "en", "ja", DSGD_LANG_EN, DSGD_XCH_LANG_KEEP },
        { "", "xx", "en", DSGD_LANG_EN, DSGD_XCH_LANG_KEEP },
        { "lang=en", "ja", "ja", DSGD_LANG_EN, DSGD_XCH_LANG_EN },
        { "area=x&lang=ja", "en", "en", DSGD_LANG_JA, DSGD_XCH_LANG_JA },
        { "lang=de", "", "en", DSGD_LANG_EN, DSGD_XCH_LANG_KEEP },
        { "lang=en&lang=ja", "", "", DSGD_LANG_JA, DSGD_XCH_LANG_KEEP },
        { "lang=%zz", "", "en", DSGD_LANG_EN, DSGD_XCH_LANG_KEEP },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        dsgd_xch_request r = req(v[i].query, v[i].cookie, v[i].al);
        uint8_t set = 9;
        ck_assert_msg(dsgd_page_lang(&r, &set) == v[i].want, "case %zu", i);
        ck_assert_uint_eq(set, v[i].set);
    }
}
END_TEST

/* Every message exists in both languages, and they differ (no English
 * left in the Japanese table by mistake but the product's own names).
 * @relation(REQ-SHARE-022) */
START_TEST(test_page_messages_in_both_languages)
{
    for (int m = 0; m < PM_COUNT; m++) {
        const char *ja = dsgd_page_message(DSGD_LANG_JA, (dsgd_pmsg)m);
        const char *en = dsgd_page_message(DSGD_LANG_EN, (dsgd_pmsg)m);
        ck_assert_msg(ja != NULL && ja[0] != '\0', "message %d has no Japanese", m);
        ck_assert_msg(en != NULL && en[0] != '\0', "message %d has no English", m);
        ck_assert_msg(strcmp(ja, en) != 0, "message %d is the same in both", m);
    }
    ck_assert_str_eq(dsgd_page_message(DSGD_LANG_JA, PM_COUNT), "");
}
END_TEST

/* The token is the session's under the key: another session, another key,
 * a token cut short, one byte changed, none at all are refused.
 * @relation(REQ-SHARE-022) */
START_TEST(test_page_csrf_token)
{
    uint8_t key[DSGD_CSRF_KEY_LEN], other[DSGD_CSRF_KEY_LEN];
    char t[DSGD_CSRF_TOKEN_LEN + 1], u[DSGD_CSRF_TOKEN_LEN + 1];
    memset(key, 7, sizeof key);
    memset(other, 8, sizeof other);
    ck_assert_int_eq(dsgd_csrf_token(key, "sessionA", 8, t), 0);
    ck_assert_uint_eq(strlen(t), DSGD_CSRF_TOKEN_LEN);
    ck_assert_int_eq(dsgd_csrf_ok(key, "sessionA", 8, t, strlen(t)), 1);
    ck_assert_int_eq(dsgd_csrf_ok(key, "sessionB", 8, t, strlen(t)), 0);
    ck_assert_int_eq(dsgd_csrf_ok(other, "sessionA", 8, t, strlen(t)), 0);
    ck_assert_int_eq(dsgd_csrf_ok(key, "sessionA", 8, t, strlen(t) - 1), 0);
    ck_assert_int_eq(dsgd_csrf_ok(key, "sessionA", 8, "", 0), 0);
    ck_assert_int_eq(dsgd_csrf_ok(key, "", 0, t, strlen(t)), 0);
    memcpy(u, t, sizeof u);
    u[10] = u[10] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(dsgd_csrf_ok(key, "sessionA", 8, u, strlen(u)), 0);
    ck_assert_int_eq(dsgd_csrf_token(key, "", 0, u), -1);
    ck_assert_int_eq(dsgd_csrf_token(other, "sessionA", 8, u), 0);
    ck_assert_str_ne(t, u);
}
END_TEST

/* Origin: absent passes (a client that is no browser: the token decides);
 * exactly https:// and the Host passes; "null" (what a page of another
 * site sends when it withholds its origin) and any other origin (http,
 * another port or host) is refused. @relation(REQ-SHARE-022) */
START_TEST(test_page_origin_check)
{
    static const struct { const char *origin; int ok; } v[] = {
        { "", 1 }, { "https://gw.example:8443", 1 }, { "http://gw.example:8443", 0 },
        { "https://gw.example:8444", 0 }, { "https://evil.example", 0 }, { "null", 0 },
        { "nulll", 0 },
        { "https://gw.example:8443/", 0 },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        dsgd_xch_request r;
        memset(&r, 0, sizeof r);
        r.host = "gw.example:8443";
        r.host_len = strlen(r.host);
        r.origin = v[i].origin;
        r.origin_len = strlen(v[i].origin);
        ck_assert_msg(dsgd_page_origin_ok(&r) == v[i].ok, "%s", v[i].origin);
    }
}
END_TEST

/* Forms through the proved parser: a field found, a repeated one and a
 * missing one refused, a value too long for the caller refused.
 * @relation(REQ-SHARE-022, REQ-RUN-052) */
START_TEST(test_page_form_fields)
{
    static const char body[] = "user_id=alice&password=p%40ss+word&x=1&x=2";
    dsgd_form f;
    char v[16];
    ck_assert_int_eq(dsgd_form_read(&f, (const uint8_t *)body, strlen(body)), 0);
    ck_assert_int_eq(dsgd_form_get(&f, "password", v, sizeof v), 0);
    ck_assert_str_eq(v, "p@ss word");
    ck_assert_int_eq(dsgd_form_get(&f, "x", v, sizeof v), -1);
    ck_assert_int_eq(dsgd_form_get(&f, "none", v, sizeof v), -1);
    ck_assert_int_eq(dsgd_form_get(&f, "password", v, 5), -1);
    ck_assert_int_eq(dsgd_form_read(&f, (const uint8_t *)"a=%00", 5), -1);
    ck_assert_int_eq(dsgd_page_ctype_is("application/x-www-form-urlencoded", 33,
                                        "application/x-www-form-urlencoded"), 1);
    ck_assert_int_eq(dsgd_page_ctype_is("Multipart/Form-Data; boundary=x", 31,
                                        "multipart/form-data"), 1);
    ck_assert_int_eq(dsgd_page_ctype_is("multipart/form-datax", 20, "multipart/form-data"), 0);
    ck_assert_int_eq(dsgd_page_ctype_is("text/plain", 10, "multipart/form-data"), 0);
}
END_TEST

/* The stylesheet and the script are compiled in, with their types; no
 * page template or asset has inline script or style to allow.
 * @relation(REQ-SHARE-022) */
START_TEST(test_page_static_assets)
{
    size_t n = 0;
    const dsgd_asset *a = dsgd_assets(&n);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(a[2].path, "/static/icon.svg");
    ck_assert_str_eq(a[2].type, "image/svg+xml");
    const dsgd_asset *css = dsgd_asset_find((const uint8_t *)"/static/portal.css", 18);
    const dsgd_asset *js = dsgd_asset_find((const uint8_t *)"/static/webauthn.js", 19);
    ck_assert_ptr_nonnull(css);
    ck_assert_ptr_nonnull(js);
    ck_assert_ptr_eq(css, &a[0]);
    ck_assert_str_eq(css->type, "text/css; charset=utf-8");
    ck_assert_str_eq(js->type, "text/javascript; charset=utf-8");
    ck_assert_uint_gt(css->len, 100);
    ck_assert_uint_gt(js->len, 100);
    ck_assert(memmem(js->bytes, js->len, "navigator.credentials.get", 25) != NULL);
    ck_assert_ptr_null(dsgd_asset_find((const uint8_t *)"/static/x.js", 12));
    dsgd_page_begin(&pg, DSGD_LANG_JA, PM_LOGIN, "/login", "u");
    dsgd_page_end(&pg);
    ck_assert_ptr_null(strstr(text(&pg), "<script>"));
    ck_assert_ptr_null(strstr(text(&pg), "style="));
    ck_assert_ptr_null(strstr(text(&pg), "<style"));
    ck_assert_int_eq(has_handler(text(&pg)), 0);
    ck_assert_int_eq(has_handler("<a onclick=\"x\">"), 1);
}
END_TEST

Suite *suite_page(void)
{
    Suite *s = suite_create("page");
    TCase *t = tcase_create("page");
    tcase_add_test(t, test_page_escapes_every_value);
    tcase_add_test(t, test_page_refused_value_spoils_page);
    tcase_add_test(t, test_page_language_choice);
    tcase_add_test(t, test_page_messages_in_both_languages);
    tcase_add_test(t, test_page_csrf_token);
    tcase_add_test(t, test_page_origin_check);
    tcase_add_test(t, test_page_form_fields);
    tcase_add_test(t, test_page_static_assets);
    suite_add_tcase(s, t);
    return s;
}
