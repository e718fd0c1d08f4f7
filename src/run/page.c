/* The page layer of the web portal: see page.h. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/accept_lang.h"
#include "core/b64url.h"
#include "core/html_esc.h"
#include "run/log.h"
#include "run/page.h"

#define HTML_TYPE "text/html; charset=utf-8"

/* The messages, Japanese then English; every one in both. */
static const char *const messages[PM_COUNT][2] = {
    [PM_APP] = { "防衛セキュリティゲートウェイ", "Defense Security Gateway" },
    [PM_LANG] = { "言語", "Language" },
    [PM_LOGOUT] = { "ログアウト", "Log out" },
    [PM_LOGOUT_CONFIRM] = { "ログアウトしますか。", "Log out now?" },
    [PM_LOGGED_OUT] = { "ログアウトしました。", "You have logged out." },
    [PM_ERROR] = { "エラー", "Error" },
    [PM_CSRF] = { "この操作は受け付けられませんでした。"
                  "ページを読み込み直してからやり直してください。",
                  "This request was refused: reload the page and try again." },
    [PM_BACK] = { "戻る", "Back" },
    [PM_LOGIN] = { "ログイン", "Log in" },
    [PM_USER_ID] = { "ユーザーID", "User ID" },
    [PM_PASSWORD] = { "パスワード", "Password" },
    [PM_TOTP] = { "確認コード", "Verification code" },
    [PM_TOTP_CODE] = { "認証アプリに表示された6桁のコード",
                       "The 6-digit code your authenticator app shows" },
    [PM_CONTINUE] = { "続ける", "Continue" },
    [PM_LOGIN_FAILED] = { "ログインできませんでした。"
                          "入力内容を確かめて、最初からやり直してください。",
                          "The login failed. Check what you entered and start again." },
    [PM_WEBAUTHN] = { "セキュリティキー", "Security key" },
    [PM_WEBAUTHN_PROMPT] = { "登録済みのセキュリティキーで本人確認をしてください。",
                             "Confirm it is you with your registered security key." },
    [PM_WEBAUTHN_START] = { "セキュリティキーを使う", "Use the security key" },
    [PM_API_ONLY] = { "セキュリティキーの登録は、まだこのポータルではできません。"
                      "管理者に連絡してください。",
                      "A security key cannot be enrolled on this portal yet: ask your "
                      "administrator." },
    [PM_NOTICE] = { "お知らせ", "Notice" },
    [PM_UNAVAILABLE] = { "サービスを利用できません。しばらくしてからやり直してください。",
                         "The service is unavailable: try again later." },
    [PM_AREAS] = { "保護情報エリア", "Protected areas" },
    [PM_NO_AREAS] = { "利用できるエリアはありません。", "No area is open to you." },
    [PM_FOLDER] = { "フォルダ", "Folder" },
    [PM_NAME] = { "名前", "Name" },
    [PM_SIZE] = { "サイズ(バイト)", "Size (bytes)" },
    [PM_VERSION] = { "版", "Version" },
    [PM_UPLOADER] = { "登録者", "Uploaded by" },
    [PM_TIME] = { "日時(UTC)", "Time (UTC)" },
    [PM_DOWNLOAD] = { "ダウンロード", "Download" },
    [PM_VERSIONS] = { "版の一覧", "Versions" },
    [PM_SUBFOLDERS] = { "フォルダ", "Folders" },
    [PM_FILES] = { "ファイル", "Files" },
    [PM_EMPTY] = { "ありません。", "None." },
    [PM_NEW_FOLDER] = { "新しいフォルダ", "New folder" },
    [PM_CREATE] = { "作成", "Create" },
    [PM_UPLOAD] = { "アップロード", "Upload" },
    [PM_FILE] = { "ファイル", "File" },
    [PM_UPLOAD_REFUSED] = { "このファイルは受け付けられませんでした。",
                            "This file was refused." },
    [PM_SIGN_IN] = { "ログインしてください。", "Please log in." },
    [PM_NOT_FOUND] = { "見つかりません。", "Not found." },
    [PM_FORBIDDEN] = { "この操作の権限がありません。", "You are not allowed to do this." },
    [PM_BAD_REQUEST] = { "要求が正しくありません。", "The request is malformed." },
    [PM_AREA] = { "エリア", "Area" },
    [PM_TOP] = { "エリア一覧", "All areas" },
    [PM_CREATED] = { "フォルダを作成しました。", "The folder was created." },
    [PM_UPLOADED] = { "ファイルを登録しました。", "The file was stored." },
    [PM_SIGNED_IN_AS] = { "ログイン中:", "Logged in as" },
    [PM_ROOT] = { "(最上位)", "(top)" },
    [PM_PROJECT] = { "事業", "Project" },
    [PM_CONTRACT] = { "契約", "Contract" },
    [PM_CONTRACT_END] = { "契約終了(UTC)", "Contract ends (UTC)" },
    [PM_STATE] = { "状態", "State" },
    [PM_OPEN] = { "開く", "Open" },
    [PM_FORBIDDEN_EXT] = { "共有できない拡張子です:",
                           "Files with this extension may not be shared:" },
    [PM_INVALID_NAME] = { "ファイル名が規則に合いません:", "The file name breaks the rule:" },
    [PM_SEARCH] = { "検索", "Search" },
    [PM_QUERY] = { "検索語", "Words" },
    [PM_NO_RESULTS] = { "見つかりませんでした。", "Nothing was found." },
    [PM_PATH] = { "場所", "Location" },
    [PM_PW_CHANGE] = { "パスワードの変更", "Change the password" },
    [PM_PW_CHANGE_PROMPT] = { "発行されたパスワードを新しいパスワードに変更してください。",
                              "Replace the password you were issued with a new one." },
    [PM_NEW_PASSWORD] = { "新しいパスワード", "New password" },
    [PM_NEW_PASSWORD_AGAIN] = { "新しいパスワード(確認)", "New password, again" },
    [PM_PW_MISMATCH] = { "2つのパスワードが一致しません。", "The two passwords differ." },
    [PM_PW_WEAK] = { "パスワードが規則に合いません:", "The password breaks the rules:" },
    [PM_ENROL_TOTP] = { "認証アプリの登録", "Set up the authenticator app" },
    [PM_ENROL_CODE] = { "管理者から受け取った登録コード",
                        "The enrolment code your administrator gave you" },
    [PM_TOTP_SECRET] = { "この鍵を認証アプリに登録し、表示されたコードを入力してください:",
                         "Add this key to your authenticator app, then enter the code it shows:" },
    [PM_RENAME] = { "名前の変更", "Rename" },
    [PM_DELETE] = { "削除", "Delete" },
    [PM_THIS_FOLDER] = { "このフォルダ", "This folder" },
    [PM_THIS_FILE] = { "このファイル", "This file" },
    [PM_TRUNCATED] = { "一覧が長すぎるため、一部だけを表示しています。",
                       "The listing is too long: only part of it is shown." },
    [PM_HISTORY] = { "アクセス履歴", "Access history" },
    [PM_AREA_HISTORY] = { "エリアのアクセス履歴", "Access history of the area" },
    [PM_USER] = { "利用者", "User" },
    [PM_EVENT] = { "操作", "Event" },
    [PM_DATA] = { "内容", "Data" },
    [PM_NO_HISTORY] = { "この期間の記録はありません。", "No record in this period." },
    [PM_HISTORY_CUT] = { "記録が多すぎるため、古いものから一部だけを表示しています。"
                         "期間を絞ってください。",
                         "There are too many records: only the oldest are shown. Narrow the "
                         "period." },
    [PM_SINCE] = { "開始(UTC, 例 2026-04-01T00:00:00Z)",
                   "From (UTC, e.g. 2026-04-01T00:00:00Z)" },
    [PM_UNTIL] = { "終了(UTC)", "Until (UTC)" },
    [PM_SHOW] = { "表示", "Show" },
    [PM_APPLY] = { "アカウント申請", "Account application" },
    [PM_APPLY_PROMPT] = { "所属する組織のアカウントについて申請します。管理者が承認するまで何も変わりません。",
                          "Apply for an account of your own organisation. Nothing changes until "
                          "an administrator approves it." },
    [PM_APP_KIND] = { "申請の種類", "Kind of application" },
    [PM_KIND_REGISTER] = { "登録", "Register" },
    [PM_KIND_SUSPEND] = { "停止", "Suspend" },
    [PM_KIND_RESUME] = { "再開", "Resume" },
    [PM_KIND_DELETE] = { "削除", "Delete" },
    [PM_KIND_CHANGE_EXPIRY] = { "有効期限の変更", "Change the expiry" },
    [PM_KIND_RESET_FACTOR] = { "認証要素のリセット", "Reset the second factor" },
    [PM_PERSON_NAME] = { "氏名", "Full name" },
    [PM_ORGANISATION] = { "組織", "Organisation" },
    [PM_REASON] = { "理由", "Reason" },
    [PM_EXPIRY] = { "有効期限(UTC, 例 2027-03-31 または 2027-03-31T23:59:59Z)",
                    "Expiry (UTC, e.g. 2027-03-31 or 2027-03-31T23:59:59Z)" },
    [PM_REGISTER_ONLY] = { "登録のみ:", "Registration only:" },
    [PM_SUBMIT] = { "申請する", "Apply" },
    [PM_APPLIED] = { "申請を受け付けました。承認を待っています。申請番号:",
                     "The application was entered and waits for approval. Its number:" },
    [PM_APPLY_REFUSED] = { "申請は受け付けられませんでした:", "The application was refused:" },
    [PM_MY_APPLICATIONS] = { "あなたの申請(新しい順、最大10件)", "Your applications (newest first, at most 10)" },
    [PM_NO_APPLICATIONS] = { "申請はまだありません。", "You have entered no application yet." },
    [PM_NUMBER] = { "番号", "Number" },
    [PM_DOWNLOAD_SELECTED] = { "選択したファイルをまとめてダウンロード (tar)",
                               "Download the selected files (tar)" },
    [PM_SELECT] = { "選択", "Select" },
    [PM_REAUTH] = { "一度にこれだけのファイルをダウンロードするには、パスワードと第2要素で"
                    "ログインし直してください。",
                    "Downloading this many files at once needs a new login with your "
                    "password and second factor." },
};

const char *dsgd_page_message(dsgd_lang lang, dsgd_pmsg m)
{
    if ((unsigned)m >= PM_COUNT)
        return "";
    return messages[m][lang == DSGD_LANG_EN ? 1 : 0];
}

/* ---- the language ------------------------------------------------------- */

static int lang_of(const char *v, size_t len, dsgd_lang *out)
{
    if (len == 2 && memcmp(v, "ja", 2) == 0)
        *out = DSGD_LANG_JA;
    else if (len == 2 && memcmp(v, "en", 2) == 0)
        *out = DSGD_LANG_EN;
    else
        return 0;
    return 1;
}

dsgd_lang dsgd_page_lang(const dsgd_xch_request *r, uint8_t *set)
{
    static const dsg_al_lang langs[2] = { { "ja", 2 }, { "en", 2 } };
    dsgd_form q;
    char v[8];
    dsgd_lang l = DSGD_LANG_JA;
    size_t choice = 0;
    *set = DSGD_XCH_LANG_KEEP;
    if (dsgd_form_read(&q, r->query, r->query_len) == 0 &&
        dsgd_form_get(&q, "lang", v, sizeof v) == 0 && lang_of(v, strlen(v), &l)) {
        *set = l == DSGD_LANG_EN ? DSGD_XCH_LANG_EN : DSGD_XCH_LANG_JA;
        return l;
    }
    if (lang_of(r->lang, r->lang_len, &l))
        return l;
    if (r->accept_lang_len > 0 &&
        dsg_al_select(r->accept_lang, r->accept_lang_len, langs, 2, 0, &choice) != DSG_AL_ERR_ARGS)
        return choice == 1 ? DSGD_LANG_EN : DSGD_LANG_JA;
    return DSGD_LANG_JA;
}

/* ---- writing ---------------------------------------------------------- */

static void put(dsgd_page *p, const char *s, size_t n)
{
    if (p->bad || n > sizeof p->buf - p->len) {
        p->bad = 1;
        return;
    }
    memcpy(p->buf + p->len, s, n);
    p->len += n;
}

void dsgd_page_raw(dsgd_page *p, const char *lit)
{
    put(p, lit, strlen(lit));
}

void dsgd_page_text(dsgd_page *p, const char *v, size_t len)
{
    size_t out = 0, bad = 0;
    dsg_html_status st;
    if (p->bad)
        return;
    st = dsg_html_escape((const uint8_t *)v, len, (char *)p->buf + p->len,
                         sizeof p->buf - p->len, &out, &bad);
    if (st != DSG_HTML_OK) {
        dsgd_log("page: a value the HTML escaper refuses (%s at byte %zu)",
                 dsg_html_status_token(st), bad);
        p->bad = 1;
        return;
    }
    p->len += out;
}

void dsgd_page_str(dsgd_page *p, const char *v)
{
    dsgd_page_text(p, v, strlen(v));
}

void dsgd_page_msg(dsgd_page *p, dsgd_pmsg m)
{
    dsgd_page_str(p, dsgd_page_message(p->lang, m));
}

void dsgd_page_uint(dsgd_page *p, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    dsgd_page_str(p, b);
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

void dsgd_page_url(dsgd_page *p, const char *v, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char b[3 * 64];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (unreserved(c)) {
            b[n++] = (char)c;
        } else {
            b[n++] = '%';
            b[n++] = hex[c >> 4];
            b[n++] = hex[c & 15];
        }
        if (n > sizeof b - 3 || i + 1 == len) {
            dsgd_page_text(p, b, n);
            n = 0;
        }
    }
}

void dsgd_page_hidden(dsgd_page *p, const char *name, const char *value)
{
    dsgd_page_raw(p, "<input type=\"hidden\" name=\"");
    dsgd_page_raw(p, name);
    dsgd_page_raw(p, "\" value=\"");
    dsgd_page_str(p, value);
    dsgd_page_raw(p, "\">");
}

/* The language switch: a link to self with lang=ja and lang=en. */
static void lang_switch(dsgd_page *p, const char *self)
{
    static const char *const tags[2] = { "ja", "en" };
    static const char *const names[2] = { "日本語", "English" };
    const char *sep = strchr(self, '?') != NULL ? "&amp;" : "?";
    dsgd_page_raw(p, "<nav class=\"lang\" aria-label=\"");
    dsgd_page_msg(p, PM_LANG);
    dsgd_page_raw(p, "\">");
    for (unsigned i = 0; i < 2; i++) {
        dsgd_page_raw(p, "<a href=\"");
        dsgd_page_str(p, self);
        dsgd_page_raw(p, sep);
        dsgd_page_raw(p, "lang=");
        dsgd_page_raw(p, tags[i]);
        dsgd_page_raw(p, "\" lang=\"");
        dsgd_page_raw(p, tags[i]);
        dsgd_page_raw(p, "\">");
        dsgd_page_str(p, names[i]);
        dsgd_page_raw(p, "</a> ");
    }
    dsgd_page_raw(p, "</nav>");
}

void dsgd_page_begin(dsgd_page *p, dsgd_lang lang, dsgd_pmsg t, const char *self,
                     const char *user)
{
    p->lang = lang;
    p->bad = 0;
    p->len = 0;
    dsgd_page_raw(p, "<!DOCTYPE html>\n<html lang=\"");
    dsgd_page_raw(p, lang == DSGD_LANG_EN ? "en" : "ja");
    dsgd_page_raw(p, "\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<title>");
    dsgd_page_msg(p, t);
    dsgd_page_raw(p, " - ");
    dsgd_page_msg(p, PM_APP);
    dsgd_page_raw(p, "</title><link rel=\"stylesheet\" href=\"/static/portal.css\">"
                     "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\"></head>\n"
                     "<body><header><span class=\"app\">");
    dsgd_page_msg(p, PM_APP);
    dsgd_page_raw(p, "</span>");
    if (self != NULL)
        lang_switch(p, self);
    if (user != NULL) {
        dsgd_page_raw(p, "<span class=\"user\">");
        dsgd_page_msg(p, PM_SIGNED_IN_AS);
        dsgd_page_raw(p, " <b>");
        dsgd_page_str(p, user);
        dsgd_page_raw(p, "</b> <a href=\"/search\">");
        dsgd_page_msg(p, PM_SEARCH);
        dsgd_page_raw(p, "</a> <a href=\"/apply\">");
        dsgd_page_msg(p, PM_APPLY);
        dsgd_page_raw(p, "</a> <a href=\"/logout\">");
        dsgd_page_msg(p, PM_LOGOUT);
        dsgd_page_raw(p, "</a></span>");
    }
    dsgd_page_raw(p, "</header>\n<main><h1>");
    dsgd_page_msg(p, t);
    dsgd_page_raw(p, "</h1>\n");
}

void dsgd_page_end(dsgd_page *p)
{
    dsgd_page_raw(p, "</main></body></html>\n");
}

/* ---- sending ---------------------------------------------------------- */

static const char broken[] =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>500</title></head>"
    "<body><p>500</p></body></html>\n";

int dsgd_page_out(uint32_t id, const dsgd_role_page *pg, uint32_t ticket)
{
    static const char busy[] =
        "{\"error\":\"busy\",\"message\":\"too many pages are being sent; try again\"}";
    if ((ticket != 0 ? dsgd_role_http_page_recorded(id, ticket, pg)
                     : dsgd_role_http_page(id, pg)) == 0)
        return 0;
    dsgd_log("page: exchange %u: no room to send the page: answering 503", id);
    return dsgd_role_http_answer(id, 503, NULL, (const uint8_t *)busy, sizeof busy - 1);
}

int dsgd_page_send(uint32_t id, int status, dsgd_page *p, const dsgd_xch_cookie *cookie,
                   uint8_t set, uint32_t ticket)
{
    dsgd_role_page pg = { status, HTML_TYPE, cookie, NULL, p->buf, p->len, set };
    if (p->bad) {
        dsgd_log("page: exchange %u: the page is not one to send: answering 500", id);
        pg = (dsgd_role_page){ 500, HTML_TYPE, NULL, NULL, (const uint8_t *)broken,
                               sizeof broken - 1, DSGD_XCH_LANG_KEEP };
        ticket = 0;
    }
    return dsgd_page_out(id, &pg, ticket);
}

int dsgd_page_redirect(uint32_t id, const char *location, const dsgd_xch_cookie *cookie,
                       uint32_t ticket)
{
    dsgd_role_page pg = { 303, HTML_TYPE, cookie, location, NULL, 0, DSGD_XCH_LANG_KEEP };
    return dsgd_page_out(id, &pg, ticket);
}

/* ---- CSRF ------------------------------------------------------------- */

int dsgd_csrf_token(const uint8_t key[DSGD_CSRF_KEY_LEN], const char *session, size_t len,
                    char out[DSGD_CSRF_TOKEN_LEN + 1])
{
    static const char label[] = "dsg portal csrf\n";
    uint8_t msg[sizeof label - 1 + DSGD_XCH_TOKEN_MAX], mac[32];
    size_t n = 0, olen = 0;
    if (len == 0 || len > DSGD_XCH_TOKEN_MAX)
        return -1;
    memcpy(msg, label, sizeof label - 1);
    memcpy(msg + sizeof label - 1, session, len);
    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, DSGD_CSRF_KEY_LEN, msg,
                  sizeof label - 1 + len, mac, sizeof mac, &n) == NULL ||
        n != sizeof mac ||
        dsg_b64url_encode(mac, sizeof mac, out, DSGD_CSRF_TOKEN_LEN + 1, &olen) != DSG_B64URL_OK ||
        olen != DSGD_CSRF_TOKEN_LEN)
        return -1;
    out[olen] = '\0';
    OPENSSL_cleanse(mac, sizeof mac);
    return 0;
}

int dsgd_csrf_ok(const uint8_t key[DSGD_CSRF_KEY_LEN], const char *session, size_t slen,
                 const char *got, size_t glen)
{
    char want[DSGD_CSRF_TOKEN_LEN + 1];
    int ok = glen == DSGD_CSRF_TOKEN_LEN && dsgd_csrf_token(key, session, slen, want) == 0 &&
             CRYPTO_memcmp(want, got, DSGD_CSRF_TOKEN_LEN) == 0;
    OPENSSL_cleanse(want, sizeof want);
    return ok;
}

int dsgd_page_origin_ok(const dsgd_xch_request *r)
{
    static const char scheme[] = "https://";
    size_t s = sizeof scheme - 1;
    /* absent: a client that is no browser, and the CSRF token decides. Pages
     * are served with Referrer-Policy: same-origin, so a browser posts their
     * forms with their own origin; "null" comes from a page that withholds
     * its origin (Fetch, "serializing a request origin"), never from ours */
    if (r->origin_len == 0)
        return 1;
    return r->host_len > 0 && r->origin_len == s + r->host_len &&
           memcmp(r->origin, scheme, s) == 0 && memcmp(r->origin + s, r->host, r->host_len) == 0;
}

/* ---- forms ------------------------------------------------------------ */

int dsgd_form_read(dsgd_form *f, const uint8_t *body, size_t len)
{
    size_t at = 0;
    f->body = body;
    f->len = len;
    f->count = 0;
    return dsg_form_parse(body, len, f->f, DSGD_PAGE_FORM_MAX, &f->count, &at) == DSG_FORM_OK
               ? 0
               : -1;
}

int dsgd_form_get(const dsgd_form *f, const char *name, char *out, size_t cap)
{
    size_t i = 0, n = 0;
    if (cap == 0 ||
        dsg_form_find(f->body, f->len, f->f, f->count, (const uint8_t *)name, strlen(name), &i) !=
            DSG_FORM_OK ||
        dsg_form_decode(f->body + f->f[i].value_off, f->f[i].value_len, (uint8_t *)out, cap - 1,
                        &n) != DSG_FORM_OK)
        return -1;
    out[n] = '\0';
    return 0;
}

int dsgd_page_ctype_is(const char *ctype, size_t len, const char *want)
{
    size_t n = strlen(want);
    if (len < n || (len > n && ctype[n] != ';' && ctype[n] != ' '))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = ctype[i];
        if ((c >= 'A' && c <= 'Z' ? (char)(c + 32) : c) != want[i])
            return 0;
    }
    return 1;
}
