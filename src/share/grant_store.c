/* Access rights as grants made and ended by applications: see grant_store.h.
 * The tables are created by migration 2 of src/share/area_store.c. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/json_out.h"
#include "core/json_tok.h"
#include "db/db.h"
#include "share/grant_store.h"

/* The latest time a grant may end (9999-12-31T23:59:59Z): its ms fit an int64. */
#define TIME_MAX 253402300799LL

/* The object, 10 members and their values; room for more, so that a
 * member's wrong type is refused by name. */
#define MAX_TOKENS 64u
#define MAX_DEPTH 8u

_Static_assert(DSG_ACCESS_ALL_OPS == 4095u, "grants.ops allows 1 to 4095");

static const char *const op_names[DSG_ACCESS_OP_COUNT] = {
    "list", "read", "upload", "new-version", "rename", "move",
    "delete", "create-folder", "search", "history", "grant", "revoke",
};

static const char *const kind_names[] = { "grant", "revoke" };
static const char *const state_names[] = { "pending", "approved", "rejected" };

/* ---- problems ---------------------------------------------------------------- */

static int storage_problem(dsg_acct_problem *p, sqlite3 *db)
{
    return dsg_problem(p, "storage", "", "the share database failed: %s", sqlite3_errmsg(db));
}

/* A text the store records (who, a reason): required, then dsg_area_text_check. */
static int check_text(const char *s, size_t max, const char *field, dsg_acct_problem *p)
{
    if (s == NULL || s[0] == '\0')
        return dsg_problem(p, "missing_field", field, "%s: required", field);
    return dsg_area_text_check(s, max, field, p);
}

/* ---- operations -------------------------------------------------------------------- */

const char *dsg_grant_op_name(uint32_t op)
{
    return op < DSG_ACCESS_OP_COUNT ? op_names[op] : NULL;
}

/* @relation(REQ-ACCT-009) */
int dsg_grant_op_parse(const char *word)
{
    for (uint32_t op = 0; word != NULL && op < DSG_ACCESS_OP_COUNT; op++)
        if (strcmp(word, op_names[op]) == 0)
            return (int)op;
    return -1;
}

int dsg_grant_ops_format(uint32_t ops, char *out, size_t cap)
{
    size_t len = 0;
    if (out == NULL || cap == 0)
        return -1;
    out[0] = '\0';
    if (ops == 0 || (ops & ~DSG_ACCESS_ALL_OPS) != 0)
        return -1;
    for (uint32_t op = 0; op < DSG_ACCESS_OP_COUNT; op++) {
        if ((ops & DSG_ACCESS_BIT(op)) == 0)
            continue;
        int n = snprintf(out + len, cap - len, "%s%s", len > 0 ? "," : "", op_names[op]);
        if (n < 0 || (size_t)n >= cap - len) {
            out[0] = '\0';
            return -1;
        }
        len += (size_t)n;
    }
    return 0;
}

/* One word of a set, blanks around it ignored: its operation, or -1. */
static int op_of(const char *word, size_t len)
{
    char w[16];
    while (len > 0 && (word[0] == ' ' || word[0] == '\t'))
        word++, len--;
    while (len > 0 && (word[len - 1] == ' ' || word[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof w)
        return -1;
    memcpy(w, word, len);
    w[len] = '\0';
    return dsg_grant_op_parse(w);
}

/* @relation(REQ-ACCT-009) */
int dsg_grant_ops_parse(const char *words, uint32_t *ops)
{
    uint32_t set = 0;
    if (words == NULL)
        return -1;
    for (const char *at = words;;) {
        const char *comma = strchr(at, ',');
        size_t len = comma != NULL ? (size_t)(comma - at) : strlen(at);
        int op = op_of(at, len);
        if (op < 0 || (set & DSG_ACCESS_BIT((uint32_t)op)) != 0)
            return -1;
        set |= DSG_ACCESS_BIT((uint32_t)op);
        if (comma == NULL)
            break;
        at = comma + 1;
    }
    *ops = set;
    return 0;
}

/* ---- subjects ---------------------------------------------------------------------- */

/* The word the store and the JSON form use for a subject's kind, or NULL. */
static const char *subject_word(uint32_t kind)
{
    return kind == DSG_ACCESS_ACCOUNT ? "account" : kind == DSG_ACCESS_ORG_GROUP ? "org" : NULL;
}

static uint32_t subject_kind_of(const char *word)
{
    if (strcmp(word, "account") == 0)
        return DSG_ACCESS_ACCOUNT;
    return strcmp(word, "org") == 0 ? DSG_ACCESS_ORG_GROUP : 0;
}

/* The name a subject is stored under: a user ID folded as the auth role
 * folds it, an organisation as it is written. 0, or -1 for a name that
 * no subject of that kind can have. */
static int subject_key(uint32_t kind, const char *name, char out[DSG_AREA_TEXT_MAX + 1])
{
    dsg_acct_problem ignored;
    if (name == NULL)
        return -1;
    if (kind == DSG_ACCESS_ACCOUNT)
        return dsg_acct_user_id_fold(name, out);
    if (kind != DSG_ACCESS_ORG_GROUP || dsg_area_text_check(name, DSG_AREA_TEXT_MAX, "subject",
                                                            &ignored) != 0)
        return -1;
    snprintf(out, DSG_AREA_TEXT_MAX + 1, "%s", name);
    return 0;
}

/* ---- checks ------------------------------------------------------------------------ */

/* A number naming a stored row: required (0 is none), above 0. */
static int check_id(int64_t v, const char *field, dsg_acct_problem *p)
{
    if (v == 0)
        return dsg_problem(p, "missing_field", field, "%s: required", field);
    if (v < 0)
        return dsg_problem(p, "bad_field", field, "%s: not a number above 0", field);
    return 0;
}

static int check_subject(const dsg_rights_app *a, dsg_acct_problem *p)
{
    char key[DSG_AREA_TEXT_MAX + 1];
    if (a->subject_kind == 0)
        return dsg_problem(p, "missing_field", "subject_kind", "subject_kind: required");
    if (subject_word(a->subject_kind) == NULL)
        return dsg_problem(p, "bad_field", "subject_kind", "subject_kind: neither account nor org");
    if (a->subject[0] == '\0')
        return dsg_problem(p, "missing_field", "subject", "subject: required");
    if (a->subject_kind == DSG_ACCESS_ORG_GROUP)
        return dsg_area_text_check(a->subject, DSG_AREA_TEXT_MAX, "subject", p);
    if (strnlen(a->subject, sizeof a->subject) > DSG_ACCT_USER_ID_MAX ||
        subject_key(a->subject_kind, a->subject, key) != 0)
        return dsg_problem(p, "bad_field", "subject", "subject: not a user ID");
    return 0;
}

static int check_period(const dsg_rights_app *a, int64_t now, dsg_acct_problem *p)
{
    if (a->from == 0)
        return dsg_problem(p, "missing_field", "from", "from: required");
    if (a->from < 0)
        return dsg_problem(p, "bad_field", "from", "from: before 1970");
    if (a->until == 0)
        return dsg_problem(p, "missing_field", "until", "until: required");
    if (a->until <= a->from)
        return dsg_problem(p, "bad_field", "until", "until: not after from");
    if (a->until > TIME_MAX)
        return dsg_problem(p, "bad_field", "until", "until: after the year 9999");
    if (a->until <= now)
        return dsg_problem(p, "bad_field", "until", "until: already passed");
    return 0;
}

static int check_grant_items(const dsg_rights_app *a, int64_t now, dsg_acct_problem *p)
{
    if (check_subject(a, p) != 0 || check_id(a->area, "area", p) != 0 ||
        check_id(a->folder, "folder", p) != 0)
        return -1;
    if (a->ops == 0)
        return dsg_problem(p, "missing_field", "ops", "ops: required");
    if ((a->ops & ~DSG_ACCESS_ALL_OPS) != 0)
        return dsg_problem(p, "bad_field", "ops", "ops: an unknown operation");
    return check_period(a, now, p);
}

int dsg_rights_app_check(const dsg_rights_app *a, int64_t now, dsg_acct_problem *p)
{
    if (a->kind != DSG_RIGHTS_GRANT && a->kind != DSG_RIGHTS_REVOKE)
        return dsg_problem(p, "bad_field", "kind", "kind: neither grant nor revoke");
    if (check_text(a->applicant, DSG_AREA_TEXT_MAX, "applicant", p) != 0 ||
        check_text(a->reason, DSG_AREA_REASON_MAX, "reason", p) != 0)
        return -1;
    if (a->kind == DSG_RIGHTS_REVOKE)
        return check_id(a->grant, "grant", p);
    return check_grant_items(a, now, p);
}

/* ---- JSON out ---------------------------------------------------------------------- */

static void put_key(dsg_json_out *w, const char *key)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
}

static void put_text(dsg_json_out *w, const char *key, const char *value, size_t size)
{
    put_key(w, key);
    (void)dsg_json_out_string(w, (const uint8_t *)value, strnlen(value, size));
}

static void put_int(dsg_json_out *w, const char *key, int64_t v)
{
    put_key(w, key);
    (void)dsg_json_out_int(w, v);
}

/* The items of a grant application; -1 for a subject kind or an operation
 * set that has no word. */
static int put_grant_items(dsg_json_out *w, const dsg_rights_app *a)
{
    char ops[DSG_ACCESS_OP_COUNT * 16];
    const char *kind = subject_word(a->subject_kind);
    if (kind == NULL || dsg_grant_ops_format(a->ops, ops, sizeof ops) != 0)
        return -1;
    put_text(w, "subject_kind", kind, strlen(kind) + 1);
    put_text(w, "subject", a->subject, sizeof a->subject);
    put_int(w, "area", a->area);
    put_int(w, "folder", a->folder);
    put_text(w, "ops", ops, sizeof ops);
    put_int(w, "from", a->from);
    put_int(w, "until", a->until);
    return 0;
}

int dsg_rights_app_to_json(const dsg_rights_app *a, uint8_t *out, size_t cap, size_t *len)
{
    dsg_json_out w;
    if (a->kind != DSG_RIGHTS_GRANT && a->kind != DSG_RIGHTS_REVOKE)
        return -1;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    put_text(&w, "kind", kind_names[a->kind], 8);
    if (a->kind == DSG_RIGHTS_REVOKE)
        put_int(&w, "grant", a->grant);
    else if (put_grant_items(&w, a) != 0)
        return -1;
    put_text(&w, "applicant", a->applicant, sizeof a->applicant);
    put_text(&w, "reason", a->reason, sizeof a->reason);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, len);
}

/* ---- JSON in ----------------------------------------------------------------------- */

enum member {
    M_KIND, M_SUBJECT_KIND, M_SUBJECT, M_AREA, M_FOLDER, M_OPS, M_FROM, M_UNTIL, M_GRANT,
    M_APPLICANT, M_REASON, MEMBER_COUNT
};

static const char *const members[MEMBER_COUNT] = {
    "kind", "subject_kind", "subject", "area", "folder", "ops", "from", "until", "grant",
    "applicant", "reason",
};

#define GRANT_ONLY (((1u << M_UNTIL) * 2u - 1u) & ~1u)   /* subject_kind .. until */
#define REVOKE_ONLY (1u << M_GRANT)

static int bad(dsg_acct_problem *p, const char *field, const char *what)
{
    return dsg_problem(p, "bad_request", field, "%s%s%s", field, field[0] ? ": " : "", what);
}

/* A string token into out[0 .. cap - 1], NUL-terminated; a value with a
 * NUL byte is refused (it would end the C string early). */
static int take_string(const uint8_t *buf, size_t len, const dsg_json_tok *t, const char *key,
                       char *out, size_t cap, dsg_acct_problem *p)
{
    size_t n;
    if (t->type != DSG_JSON_STRING)
        return bad(p, key, "not a string");
    if (dsg_json_string_value(buf, len, t, (uint8_t *)out, cap - 1, &n) != DSG_JSON_OK)
        return bad(p, key, "too long or malformed");
    if (memchr(out, '\0', n) != NULL)
        return bad(p, key, "holds a NUL character");
    out[n] = '\0';
    return 0;
}

/* A number or a time: an integer of at most 18 digits (no sign, fraction
 * or exponent). */
static int take_int(const uint8_t *buf, const dsg_json_tok *t, const char *key, int64_t *out,
                    dsg_acct_problem *p)
{
    int64_t v = 0;
    if (t->type != DSG_JSON_NUMBER || t->len == 0 || t->len > 18)
        return bad(p, key, "not a whole number");
    for (size_t i = 0; i < t->len; i++) {
        uint8_t c = buf[t->start + i];
        if (c < '0' || c > '9')
            return bad(p, key, "not a whole number");
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 0;
}

static int take_kind(const uint8_t *buf, size_t len, const dsg_json_tok *t, dsg_rights_app *a,
                     dsg_acct_problem *p)
{
    char word[16];
    if (take_string(buf, len, t, "kind", word, sizeof word, p) != 0)
        return -1;
    if (strcmp(word, kind_names[DSG_RIGHTS_GRANT]) == 0)
        a->kind = DSG_RIGHTS_GRANT;
    else if (strcmp(word, kind_names[DSG_RIGHTS_REVOKE]) == 0)
        a->kind = DSG_RIGHTS_REVOKE;
    else
        return bad(p, "kind", "neither grant nor revoke");
    return 0;
}

static int take_subject_kind(const uint8_t *buf, size_t len, const dsg_json_tok *t,
                             dsg_rights_app *a, dsg_acct_problem *p)
{
    char word[16];
    if (take_string(buf, len, t, "subject_kind", word, sizeof word, p) != 0)
        return -1;
    if ((a->subject_kind = subject_kind_of(word)) == 0)
        return bad(p, "subject_kind", "neither account nor org");
    return 0;
}

static int take_ops(const uint8_t *buf, size_t len, const dsg_json_tok *t, dsg_rights_app *a,
                    dsg_acct_problem *p)
{
    char words[DSG_AREA_TEXT_MAX + 1];
    if (take_string(buf, len, t, "ops", words, sizeof words, p) != 0)
        return -1;
    if (dsg_grant_ops_parse(words, &a->ops) != 0)
        return bad(p, "ops", "not operations separated by commas, each once");
    return 0;
}

/* The member's index in members[], or -1. A name of ours is short, so a
 * longer one (or one that does not decode) is unknown. */
static int member_of(const uint8_t *buf, size_t len, const dsg_json_tok *k)
{
    char key[16];
    size_t n;
    if (dsg_json_string_value(buf, len, k, (uint8_t *)key, sizeof key - 1, &n) != DSG_JSON_OK)
        return -1;
    key[n] = '\0';
    for (size_t m = 0; m < MEMBER_COUNT; m++)
        if (strlen(members[m]) == n && memcmp(members[m], key, n) == 0)
            return (int)m;
    return -1;
}

/* An unknown member, named in the message when its name is printable. */
static int unknown_member(const uint8_t *buf, size_t len, const dsg_json_tok *k,
                          dsg_acct_problem *p)
{
    char key[DSG_AREA_TEXT_MAX + 1];
    dsg_acct_problem ignored;
    if (take_string(buf, len, k, "", key, sizeof key, &ignored) != 0 ||
        dsg_area_text_check(key, 40, "", &ignored) != 0)
        return bad(p, "", "an unknown member");
    return dsg_problem(p, "bad_request", "", "an unknown member \"%s\"", key);
}

/* One member: key token k, value token k + 1; its index in *m. */
static int take_member(const uint8_t *buf, size_t len, const dsg_json_tok *toks, size_t k,
                       dsg_rights_app *a, int *m, dsg_acct_problem *p)
{
    const dsg_json_tok *v = &toks[k + 1];
    switch (*m = member_of(buf, len, &toks[k])) {
    case M_KIND: return take_kind(buf, len, v, a, p);
    case M_SUBJECT_KIND: return take_subject_kind(buf, len, v, a, p);
    case M_SUBJECT: return take_string(buf, len, v, "subject", a->subject, sizeof a->subject, p);
    case M_AREA: return take_int(buf, v, "area", &a->area, p);
    case M_FOLDER: return take_int(buf, v, "folder", &a->folder, p);
    case M_OPS: return take_ops(buf, len, v, a, p);
    case M_FROM: return take_int(buf, v, "from", &a->from, p);
    case M_UNTIL: return take_int(buf, v, "until", &a->until, p);
    case M_GRANT: return take_int(buf, v, "grant", &a->grant, p);
    case M_APPLICANT:
        return take_string(buf, len, v, "applicant", a->applicant, sizeof a->applicant, p);
    case M_REASON: return take_string(buf, len, v, "reason", a->reason, sizeof a->reason, p);
    default: return unknown_member(buf, len, &toks[k], p);
    }
}

/* A member named twice: the name at offset at, named when it is ours. */
static int duplicate_member(const uint8_t *buf, size_t len, const dsg_json_tok *toks, size_t n,
                            size_t at, dsg_acct_problem *p)
{
    for (size_t i = 1; i < n; i++) {
        int m = toks[i].start == at && toks[i].type == DSG_JSON_STRING
                    ? member_of(buf, len, &toks[i]) : -1;
        if (m >= 0)
            return bad(p, members[m], "given more than once");
    }
    return bad(p, "", "a member is given more than once");
}

/* The kind decides the items: a member of the other kind is refused, by name. */
static int kind_items(const dsg_rights_app *a, unsigned seen, dsg_acct_problem *p)
{
    unsigned other = a->kind == DSG_RIGHTS_GRANT ? REVOKE_ONLY : GRANT_ONLY;
    if ((seen & (1u << M_KIND)) == 0)
        return dsg_problem(p, "missing_field", "kind", "kind: required");
    for (unsigned m = 0; m < MEMBER_COUNT; m++)
        if ((seen & other & (1u << m)) != 0)
            return dsg_problem(p, "bad_request", members[m], "%s: not an item of a %s application",
                           members[m], kind_names[a->kind]);
    return 0;
}

/* @relation(REQ-ACCT-009) */
int dsg_rights_app_from_json(const uint8_t *buf, size_t len, dsg_rights_app *a,
                             dsg_acct_problem *p)
{
    dsg_json_tok toks[MAX_TOKENS];
    size_t n = 0, at = 0;
    unsigned seen = 0;
    int m;
    memset(a, 0, sizeof *a);
    if (len == 0 || len > DSG_AREA_JSON_MAX ||
        dsg_json_tokenize(buf, len, MAX_DEPTH, toks, MAX_TOKENS, &n, &at) != DSG_JSON_OK ||
        toks[0].type != DSG_JSON_OBJECT)
        return bad(p, "", "the application is not one JSON object");
    int rc = dsg_json_check_keys(buf, len, toks, n, &at);
    if (rc == DSG_JSON_E_DUPLICATE_KEY)
        return duplicate_member(buf, len, toks, n, at, p);
    if (rc != DSG_JSON_OK)
        return bad(p, "", "a member's name holds a NUL character");
    for (size_t k = 1; k < n; k = toks[k + 1].next) {
        if (take_member(buf, len, toks, k, a, &m, p) != 0)
            return -1;
        seen |= 1u << m;
    }
    return kind_items(a, seen, p);
}

/* ---- reading ----------------------------------------------------------------------- */

#define RAPP_COLUMNS                                                                       \
    "id, kind, coalesce(subject_kind, ''), coalesce(subject, ''), coalesce(area, 0),"       \
    " coalesce(folder, 0), coalesce(ops, 0), coalesce(valid_from, 0),"                     \
    " coalesce(valid_until, 0), coalesce(target_grant, 0), applicant, reason, entered_by,"  \
    " entered_at, state, coalesce(decided_by, ''), coalesce(decided_at, 0),"                \
    " coalesce(decision_reason, ''),"                                                       \
    " CASE WHEN kind = 'grant' THEN coalesce((SELECT id FROM grants"                        \
    "  WHERE grants.application = rights_applications.id), 0)"                             \
    "  WHEN state = 'approved' THEN target_grant ELSE 0 END"

/* The index of the word in names[0 .. n), or -1. */
static int word_index(sqlite3_stmt *st, int col, const char *const *names, int n)
{
    char word[16];
    dsg_db_column_copy(st, col, word, sizeof word);
    for (int i = 0; i < n; i++)
        if (strcmp(word, names[i]) == 0)
            return i;
    return -1;
}

/* One row of RAPP_COLUMNS; -1 for a word that is not one of ours. */
static int read_app(sqlite3_stmt *st, dsg_rights_app_row *r)
{
    char word[16];
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    int kind = word_index(st, 1, kind_names, 2), state = word_index(st, 14, state_names, 3);
    if (kind < 0 || state < 0)
        return -1;
    r->app.kind = (dsg_rights_kind)kind;
    dsg_db_column_copy(st, 2, word, sizeof word);
    r->app.subject_kind = subject_kind_of(word);
    dsg_db_column_copy(st, 3, r->app.subject, sizeof r->app.subject);
    r->app.area = sqlite3_column_int64(st, 4);
    r->app.folder = sqlite3_column_int64(st, 5);
    r->app.ops = (uint32_t)sqlite3_column_int64(st, 6);
    r->app.from = sqlite3_column_int64(st, 7);
    r->app.until = sqlite3_column_int64(st, 8);
    r->app.grant = sqlite3_column_int64(st, 9);
    dsg_db_column_copy(st, 10, r->app.applicant, sizeof r->app.applicant);
    dsg_db_column_copy(st, 11, r->app.reason, sizeof r->app.reason);
    dsg_db_column_copy(st, 12, r->entered_by, sizeof r->entered_by);
    r->entered_at = sqlite3_column_int64(st, 13);
    r->state = (dsg_area_app_state)state;
    dsg_db_column_copy(st, 15, r->decided_by, sizeof r->decided_by);
    r->decided_at = sqlite3_column_int64(st, 16);
    dsg_db_column_copy(st, 17, r->decision_reason, sizeof r->decision_reason);
    r->grant = sqlite3_column_int64(st, 18);
    return 0;
}

int dsg_rights_store_get_app(sqlite3 *db, int64_t id, dsg_rights_app_row *out, char *err,
                             size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " RAPP_COLUMNS
                                          " FROM rights_applications WHERE id = ?");
    int rc = st != NULL ? (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) : SQLITE_ERROR;
    int found = rc == SQLITE_ROW ? (read_app(st, out) == 0 ? 1 : -1)
                                 : rc == SQLITE_DONE ? 0 : -1;
    if (found < 0)
        snprintf(err, n, "reading rights application %lld: %s", (long long)id,
                 rc == SQLITE_ROW ? "a word the store does not know" : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return found;
}

int dsg_rights_store_each_app(sqlite3 *db, int pending_only,
                              int (*fn)(const dsg_rights_app_row *r, void *ctx), void *ctx,
                              char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, pending_only
        ? "SELECT " RAPP_COLUMNS " FROM rights_applications WHERE state = 'pending'"
          " ORDER BY id DESC"
        : "SELECT " RAPP_COLUMNS " FROM rights_applications ORDER BY id DESC");
    dsg_rights_app_row r;
    int rc = SQLITE_ERROR;
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_app(st, &r) != 0 || fn(&r, ctx) != 0)
            break;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing rights applications: %s",
             rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

#define GRANT_COLUMNS                                                                      \
    "g.id, s.kind, g.subject, s.name, g.area, g.folder, g.ops, g.valid_from,"               \
    " g.valid_until, g.granted_by, g.granted_at, g.application, coalesce(g.revoked_at, 0),"  \
    " coalesce(g.revoked_by, ''), coalesce(g.revoke_application, 0)"                        \
    " FROM grants g JOIN subjects s ON s.id = g.subject"

static void read_grant(sqlite3_stmt *st, dsg_grant_row *r)
{
    char word[16];
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    dsg_db_column_copy(st, 1, word, sizeof word);
    r->subject_kind = subject_kind_of(word);
    r->subject_id = sqlite3_column_int64(st, 2);
    dsg_db_column_copy(st, 3, r->subject, sizeof r->subject);
    r->area = sqlite3_column_int64(st, 4);
    r->folder = sqlite3_column_int64(st, 5);
    r->ops = (uint32_t)sqlite3_column_int64(st, 6);
    r->from = sqlite3_column_int64(st, 7);
    r->until = sqlite3_column_int64(st, 8);
    dsg_db_column_copy(st, 9, r->granted_by, sizeof r->granted_by);
    r->granted_at = sqlite3_column_int64(st, 10);
    r->application = sqlite3_column_int64(st, 11);
    r->revoked_at = sqlite3_column_int64(st, 12);
    dsg_db_column_copy(st, 13, r->revoked_by, sizeof r->revoked_by);
    r->revoke_application = sqlite3_column_int64(st, 14);
}

/* The statement listing the grants of an area or of a subject; NULL with
 * err for arguments that name neither. */
static sqlite3_stmt *grants_query(sqlite3 *db, int64_t area, uint32_t subject_kind,
                                  const char *subject, int with_revoked, char *err, size_t n)
{
    char sql[768], key[DSG_AREA_TEXT_MAX + 1];
    const char *in_force = with_revoked ? "" : " AND g.revoked_at IS NULL";
    if (area < 0 || (area == 0 && subject_key(subject_kind, subject, key) != 0)) {
        snprintf(err, n, "listing grants: %s",
                 area < 0 ? "no such area" : "not a subject's kind and name");
        return NULL;
    }
    snprintf(sql, sizeof sql, "SELECT " GRANT_COLUMNS " WHERE %s%s ORDER BY g.id",
             area > 0 ? "g.area = ?1" : "s.kind = ?1 AND s.name = ?2", in_force);
    sqlite3_stmt *st = dsg_db_prepare(db, sql);
    if (st == NULL) {
        snprintf(err, n, "listing grants: %s", sqlite3_errmsg(db));
        return NULL;
    }
    if (area > 0) {
        sqlite3_bind_int64(st, 1, area);
    } else {
        dsg_db_bind_text(st, 1, subject_word(subject_kind));
        sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    }
    return st;
}

/* @relation(REQ-ACCT-009) */
int dsg_grant_store_each(sqlite3 *db, int64_t area, uint32_t subject_kind, const char *subject,
                         int with_revoked, int (*fn)(const dsg_grant_row *r, void *ctx),
                         void *ctx, char *err, size_t n)
{
    sqlite3_stmt *st = grants_query(db, area, subject_kind, subject, with_revoked, err, n);
    dsg_grant_row r;
    int rc = SQLITE_ERROR;
    if (st == NULL)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_grant(st, &r);
        if (fn(&r, ctx) != 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing grants: %s", rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

int dsg_grant_store_get(sqlite3 *db, int64_t id, dsg_grant_row *out, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " GRANT_COLUMNS " WHERE g.id = ?");
    int rc = SQLITE_ERROR;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            read_grant(st, out);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc == SQLITE_ROW;
    snprintf(err, n, "reading grant %lld: %s", (long long)id, sqlite3_errmsg(db));
    return -1;
}

/* @relation(REQ-ACCT-008) */
int dsg_grant_store_each_in_force(sqlite3 *db, int64_t now,
                                  int (*fn)(const dsg_grant_row *r, void *ctx), void *ctx,
                                  char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " GRANT_COLUMNS " WHERE g.revoked_at IS NULL"
                                          " AND g.valid_until > ? ORDER BY g.id");
    dsg_grant_row r;
    int rc = SQLITE_ERROR;
    if (st == NULL) {
        snprintf(err, n, "listing grants: %s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_int64(st, 1, now);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_grant(st, &r);
        if (fn(&r, ctx) != 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing grants: %s", rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

int64_t dsg_grant_store_subject_id(sqlite3 *db, uint32_t subject_kind, const char *name,
                                   char *err, size_t n)
{
    char key[DSG_AREA_TEXT_MAX + 1];
    if (subject_key(subject_kind, name, key) != 0)
        return 0;   /* no subject can have that name: it holds no grant */
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT id FROM subjects WHERE kind = ? AND name = ?");
    int rc = SQLITE_ERROR;
    int64_t id = 0;
    if (st != NULL) {
        dsg_db_bind_text(st, 1, subject_word(subject_kind));
        dsg_db_bind_text(st, 2, key);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        snprintf(err, n, "reading subject %s: %s", key, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? id : rc == SQLITE_DONE ? 0 : -1;
}

/* Seconds to the decision's ms, saturating (a time no grant can hold). */
static int64_t ms(int64_t s)
{
    if (s > INT64_MAX / 1000)
        return INT64_MAX;
    return s < INT64_MIN / 1000 ? INT64_MIN : s * 1000;
}

int dsg_grant_store_load(sqlite3 *db, int64_t area, dsg_grant *out, size_t cap, char *err,
                         size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT s.kind, g.subject, g.area, g.folder, g.ops,"
                                          " g.valid_from, g.valid_until FROM grants g"
                                          " JOIN subjects s ON s.id = g.subject"
                                          " WHERE g.area = ? AND g.revoked_at IS NULL"
                                          " ORDER BY g.id");
    size_t k = 0;
    char word[16];
    int rc = SQLITE_ERROR;
    if (st != NULL)
        sqlite3_bind_int64(st, 1, area);
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW && k < cap) {
        dsg_db_column_copy(st, 0, word, sizeof word);
        out[k].kind = subject_kind_of(word);
        out[k].subject = sqlite3_column_int64(st, 1);
        out[k].area = sqlite3_column_int64(st, 2);
        out[k].folder = sqlite3_column_int64(st, 3);
        out[k].ops = (uint32_t)sqlite3_column_int64(st, 4);
        out[k].from = ms(sqlite3_column_int64(st, 5));
        out[k].until = ms(sqlite3_column_int64(st, 6));
        k++;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return (int)k;
    if (rc == SQLITE_ROW)
        snprintf(err, n, "area %lld has more than %zu grants in force", (long long)area, cap);
    else
        snprintf(err, n, "loading the grants of area %lld: %s", (long long)area,
                 sqlite3_errmsg(db));
    return -1;
}

/* One step up: the folder's area and parent (0 for the root). 1, 0 when
 * there is no such folder, -1 on a database error. */
static int folder_up(sqlite3_stmt *st, int64_t id, int64_t *area, int64_t *parent)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 0 : -1;
    *area = sqlite3_column_int64(st, 0);
    *parent = sqlite3_column_int64(st, 1);
    return 1;
}

/* The folder's ancestry, itself first, into up[]: its length, 0 when the
 * folder is not one of area's, -1 with err. */
static int walk_up(sqlite3 *db, sqlite3_stmt *st, int64_t area, int64_t folder,
                   int64_t up[DSG_ACCESS_MAX_DEPTH], char *err, size_t n)
{
    uint32_t depth = 0;
    for (int64_t id = folder, in = 0, parent = 0; id != 0; id = parent) {
        if (depth == DSG_ACCESS_MAX_DEPTH) {
            snprintf(err, n, "folder %lld lies deeper than %u folders", (long long)folder,
                     DSG_ACCESS_MAX_DEPTH);
            return -1;
        }
        int found = folder_up(st, id, &in, &parent);
        if (found < 0) {
            snprintf(err, n, "reading folder %lld: %s", (long long)id, sqlite3_errmsg(db));
            return -1;
        }
        if (found == 0 || in != area) {
            if (depth == 0)
                return 0;
            snprintf(err, n, "folder %lld: its parent %lld is not a folder of area %lld",
                     (long long)folder, (long long)id, (long long)area);
            return -1;
        }
        up[depth++] = id;
    }
    return (int)depth;
}

int dsg_grant_store_object(sqlite3 *db, int64_t area, int64_t folder, dsg_access_object *obj,
                           char *err, size_t n)
{
    int64_t up[DSG_ACCESS_MAX_DEPTH];
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT area, coalesce(parent, 0) FROM folders"
                                          " WHERE id = ?");
    if (st == NULL) {
        snprintf(err, n, "reading folder %lld: %s", (long long)folder, sqlite3_errmsg(db));
        return -1;
    }
    int depth = folder > 0 ? walk_up(db, st, area, folder, up, err, n) : 0;
    sqlite3_finalize(st);
    if (depth <= 0)
        return depth;
    memset(obj, 0, sizeof *obj);
    obj->area = area;
    obj->depth = (uint32_t)depth;
    for (int i = 0; i < depth; i++)
        obj->chain[i] = up[depth - 1 - i];
    return 1;
}

/* ---- applying ---------------------------------------------------------------------- */

/* The area exists, its contract runs at now, the folder is the area's
 * and the grant ends by the contract's end. */
static int check_area_folder(sqlite3 *db, const dsg_rights_app *a, int64_t now,
                             dsg_acct_problem *p)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT contract_end, EXISTS (SELECT 1 FROM folders"
                                          " WHERE id = ?2 AND area = areas.id"
                                          " AND deleted_at IS NULL)"
                                          " FROM areas WHERE id = ?1");
    int64_t end = 0, has_folder = 0;
    int rc = SQLITE_ERROR;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, a->area);
        sqlite3_bind_int64(st, 2, a->folder);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            end = sqlite3_column_int64(st, 0);
            has_folder = sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return storage_problem(p, db);
    if (rc == SQLITE_DONE)
        return dsg_problem(p, "unknown_area", "area", "no area %lld", (long long)a->area);
    if (end <= now)
        return dsg_problem(p, "contract_ended", "area", "the contract of area %lld has ended",
                       (long long)a->area);
    if (!has_folder)
        return dsg_problem(p, "unknown_folder", "folder", "area %lld has no live folder %lld",
                       (long long)a->area, (long long)a->folder);
    if (a->until > end)
        return dsg_problem(p, "bad_field", "until",
                       "until: after the end of the contract of area %lld", (long long)a->area);
    return 0;
}

/* Grant id is in force at now (not revoked, not expired) and, when
 * pending_too, no revoke application for it waits for a decision. */
static int check_grant_in_force(sqlite3 *db, int64_t id, int64_t now, int pending_too,
                                dsg_acct_problem *p)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT revoked_at IS NOT NULL, valid_until,"
                                          " coalesce((SELECT id FROM rights_applications"
                                          "  WHERE target_grant = grants.id"
                                          "  AND state = 'pending'), 0)"
                                          " FROM grants WHERE id = ?");
    int64_t revoked = 0, until = 0, pending = 0;
    int rc = SQLITE_ERROR;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, id);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            revoked = sqlite3_column_int64(st, 0);
            until = sqlite3_column_int64(st, 1);
            pending = sqlite3_column_int64(st, 2);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return storage_problem(p, db);
    if (rc == SQLITE_DONE)
        return dsg_problem(p, "unknown_grant", "grant", "no grant %lld", (long long)id);
    if (revoked)
        return dsg_problem(p, "unknown_grant", "grant", "grant %lld is revoked", (long long)id);
    if (until <= now)
        return dsg_problem(p, "unknown_grant", "grant", "grant %lld has expired", (long long)id);
    if (pending_too && pending != 0)
        return dsg_problem(p, "application_pending", "grant",
                       "revoke application %lld for grant %lld is waiting for a decision",
                       (long long)pending, (long long)id);
    return 0;
}

/* The checks against the store, at entry (pending_too) and at approval. */
static int check_store(sqlite3 *db, const dsg_rights_app *a, int64_t now, int pending_too,
                       dsg_acct_problem *p)
{
    if (a->kind == DSG_RIGHTS_REVOKE)
        return check_grant_in_force(db, a->grant, now, pending_too, p);
    return check_area_folder(db, a, now, p);
}

static int insert_app(sqlite3 *db, const dsg_rights_app *a, const char *by, int64_t now,
                      int64_t *id)
{
    char key[DSG_AREA_TEXT_MAX + 1];
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO rights_applications (kind, subject_kind,"
                                          " subject, area, folder, ops, valid_from, valid_until,"
                                          " target_grant, applicant, reason, entered_by,"
                                          " entered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, kind_names[a->kind]);
    if (a->kind == DSG_RIGHTS_GRANT) {
        if (subject_key(a->subject_kind, a->subject, key) != 0) {
            sqlite3_finalize(st);
            return -1;
        }
        dsg_db_bind_text(st, 2, subject_word(a->subject_kind));
        dsg_db_bind_text(st, 3, key);
        sqlite3_bind_int64(st, 4, a->area);
        sqlite3_bind_int64(st, 5, a->folder);
        sqlite3_bind_int64(st, 6, a->ops);
        sqlite3_bind_int64(st, 7, a->from);
        sqlite3_bind_int64(st, 8, a->until);
    } else {
        sqlite3_bind_int64(st, 9, a->grant);
    }
    dsg_db_bind_text(st, 10, a->applicant);
    dsg_db_bind_text(st, 11, a->reason);
    dsg_db_bind_text(st, 12, by);
    sqlite3_bind_int64(st, 13, now);
    if (dsg_db_run(st) != 0)
        return -1;
    *id = sqlite3_last_insert_rowid(db);
    return 0;
}

int dsg_rights_store_apply(sqlite3 *db, const dsg_rights_app *a, const char *by, int64_t now,
                           int64_t *id, dsg_acct_problem *p)
{
    char err[160];
    memset(p, 0, sizeof *p);
    if (dsg_rights_app_check(a, now, p) != 0 ||
        check_text(by, DSG_AREA_ACTOR_MAX, "by", p) != 0)
        return -1;
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (check_store(db, a, now, 1, p) != 0 || insert_app(db, a, by, now, id) != 0) {
        if (p->code == NULL)
            storage_problem(p, db);
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

/* ---- decisions --------------------------------------------------------------------- */

/* Loads pending application id for a decision by `by`. 0, or -1. */
static int decidable(sqlite3 *db, int64_t id, const char *by, dsg_rights_app_row *r,
                     dsg_acct_problem *p)
{
    char err[160];
    int found = dsg_rights_store_get_app(db, id, r, err, sizeof err);
    if (found < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (found == 0)
        return dsg_problem(p, "unknown_application", "id", "no rights application %lld",
                       (long long)id);
    if (r->state != DSG_AREA_APP_PENDING)
        return dsg_problem(p, "already_decided", "id", "rights application %lld was %s by %s",
                       (long long)id, state_names[r->state], r->decided_by);
    if (strcmp(r->entered_by, by) == 0)
        return dsg_problem(p, "self_approval", "id",
                       "rights application %lld was entered by %s: another administrator "
                       "decides it", (long long)id, by);
    return 0;
}

static int mark_decided(sqlite3 *db, int64_t id, dsg_area_app_state s, const char *by,
                        int64_t now, const char *reason)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE rights_applications SET state = ?,"
                                          " decided_by = ?, decided_at = ?, decision_reason = ?"
                                          " WHERE id = ? AND state = 'pending'");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, state_names[s]);
    dsg_db_bind_text(st, 2, by);
    sqlite3_bind_int64(st, 3, now);
    dsg_db_bind_text(st, 4, reason);
    sqlite3_bind_int64(st, 5, id);
    return dsg_db_run(st) == 0 && sqlite3_changes(db) == 1 ? 0 : -1;
}

/* The number of the application's subject, given now if it has none. */
static int subject_number(sqlite3 *db, const dsg_rights_app *a, int64_t *id)
{
    char err[160];
    int64_t known = dsg_grant_store_subject_id(db, a->subject_kind, a->subject, err,
                                               sizeof err);
    if (known != 0) {
        *id = known;
        return known > 0 ? 0 : -1;
    }
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO subjects (kind, name) VALUES (?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, subject_word(a->subject_kind));
    dsg_db_bind_text(st, 2, a->subject);   /* stored folded: see insert_app */
    if (dsg_db_run(st) != 0)
        return -1;
    *id = sqlite3_last_insert_rowid(db);
    return 0;
}

static int insert_grant(sqlite3 *db, const dsg_rights_app_row *r, const char *by, int64_t now,
                        int64_t *grant)
{
    int64_t subject;
    if (subject_number(db, &r->app, &subject) != 0)
        return -1;
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO grants (subject, area, folder, ops,"
                                          " valid_from, valid_until, granted_by, granted_at,"
                                          " application) VALUES (?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, subject);
    sqlite3_bind_int64(st, 2, r->app.area);
    sqlite3_bind_int64(st, 3, r->app.folder);
    sqlite3_bind_int64(st, 4, r->app.ops);
    sqlite3_bind_int64(st, 5, r->app.from);
    sqlite3_bind_int64(st, 6, r->app.until);
    dsg_db_bind_text(st, 7, by);
    sqlite3_bind_int64(st, 8, now);
    sqlite3_bind_int64(st, 9, r->id);
    if (dsg_db_run(st) != 0)
        return -1;
    *grant = sqlite3_last_insert_rowid(db);
    return 0;
}

static int end_grant(sqlite3 *db, const dsg_rights_app_row *r, const char *by, int64_t now)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE grants SET revoked_at = ?, revoked_by = ?,"
                                          " revoke_application = ?"
                                          " WHERE id = ? AND revoked_at IS NULL");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    dsg_db_bind_text(st, 2, by);
    sqlite3_bind_int64(st, 3, r->id);
    sqlite3_bind_int64(st, 4, r->app.grant);
    return dsg_db_run(st) == 0 && sqlite3_changes(db) == 1 ? 0 : -1;
}

/* What approving r does to the grants: the grant made or ended in *grant. */
static int carry_out(sqlite3 *db, const dsg_rights_app_row *r, const char *by, int64_t now,
                     int64_t *grant)
{
    if (r->app.kind == DSG_RIGHTS_GRANT)
        return insert_grant(db, r, by, now, grant);
    *grant = r->app.grant;
    return end_grant(db, r, by, now);
}

/* Runs one decision in one transaction: an approval (what it made or
 * ended in *grant) or, with approve 0, a rejection. */
static int decide(sqlite3 *db, int64_t id, const char *by, const char *reason, int approve,
                  int64_t now, int64_t *grant, dsg_acct_problem *p)
{
    dsg_rights_app_row r;
    char err[160];
    if (check_text(by, DSG_AREA_ACTOR_MAX, "by", p) != 0)
        return -1;
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    int ok = decidable(db, id, by, &r, p) == 0;
    if (ok && approve)
        ok = dsg_rights_app_check(&r.app, now, p) == 0 && check_store(db, &r.app, now, 0, p) == 0;
    if (ok && (mark_decided(db, id, approve ? DSG_AREA_APP_APPROVED : DSG_AREA_APP_REJECTED,
                            by, now, reason) != 0 ||
               (approve && carry_out(db, &r, by, now, grant) != 0)))
        ok = storage_problem(p, db) == 0;
    if (!ok) {
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

int dsg_rights_store_approve(sqlite3 *db, int64_t id, const char *by, int64_t now,
                             int64_t *grant, dsg_acct_problem *p)
{
    int64_t made = 0;
    memset(p, 0, sizeof *p);
    if (decide(db, id, by, "", 1, now, &made, p) != 0)
        return -1;
    *grant = made;
    return 0;
}

int dsg_rights_store_reject(sqlite3 *db, int64_t id, const char *by, const char *reason,
                            int64_t now, dsg_acct_problem *p)
{
    int64_t none = 0;
    memset(p, 0, sizeof *p);
    if (check_text(reason, DSG_AREA_REASON_MAX, "reason", p) != 0)
        return -1;
    return decide(db, id, by, reason, 0, now, &none, p);
}
