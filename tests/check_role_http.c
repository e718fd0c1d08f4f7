/*
 * Unit tests of the answers a role holds for their audit record
 * (src/run/role_http.h, dsgd_role_http_answer_recorded): REQ-LOG-008. A
 * role and a master end of a real socketpair; the master's audit
 * acknowledgements are given to audit_out directly, as the worker does.
 * An answer goes out only once its record is stored, becomes 503
 * audit-unavailable when it is not, and is 503 at once when the table of
 * held answers is full; other answers pass meanwhile. An answer's session
 * cookie directive passes through unchanged, held or not, and the 503 that
 * replaces a held answer carries none (REQ-ACCT-014).
 */
#define _GNU_SOURCE
#include <check.h>
#include <string.h>

#include "bus_pair.h"
#include "core/http_req.h"
#include "run/audit_out.h"
#include "run/bus.h"
#include "run/role_http.h"

Suite *suite_role_http(void);

static dsgd_chan master, worker;
static unsigned ended;

static const char audit_unavailable[] =
    "{\"error\":\"audit-unavailable\",\"message\":\"the audit trail did not store the record "
    "of this request; try again later\"}";
static const char ok[] = "{\"ok\":true}";

static int on_request(const dsgd_xch_request *r)
{
    (void)r;
    return 0;
}

static void on_body(uint32_t id, const uint8_t *p, size_t len)
{
    (void)id;
    (void)p;
    (void)len;
}

static void on_end(uint32_t id, int complete)
{
    (void)id;
    (void)complete;
    ended++;
}

static void on_portal_gone(void)
{
}

/* Streams: each `more` sends one piece of 10 bytes while `pieces_left`. */
static unsigned mores, pieces_left;
static uint32_t more_id;

static void on_more(uint32_t id)
{
    static const uint8_t piece[10] = "0123456789";
    mores++;
    more_id = id;
    if (pieces_left > 0 && dsgd_role_http_data(id, piece, sizeof piece) == 0)
        pieces_left--;
}

static dsgd_xch_who_is told;
static char told_user[64];
static unsigned whos;

static void on_who(const dsgd_xch_who_is *w)
{
    told = *w;
    memcpy(told_user, w->user, w->user_len);
    told_user[w->user_len] = '\0';
    whos++;
}

static const dsgd_route routes[] = {
    { 0, 1u << DSG_HTTP_POST, 0, UINT64_MAX, sizeof "/api/v1/test/audited" - 1,
      "/api/v1/test/audited" },
};
static const dsgd_role_http handler = {
    routes, 1, on_request, on_body, on_end, on_portal_gone, on_more, on_who,
};

/* The next bus message on `to` (the ends' own frames skipped). */
static dsgd_msg next_message(dsgd_chan *to)
{
    dsg_ipc_frame f;
    dsg_ipc_status st;
    dsgd_msg m;
    int r;
    do {
        ck_assert_int_eq(dsgd_chan_next(to, 1, &f, &st), DSGD_CHAN_FRAME);
        r = dsgd_bus_receive(to, &f, &m);
        ck_assert_int_ge(r, 0);
    } while (r == 0);
    return m;
}

/* The master has no message from the role (credits aside). */
static void no_message(void)
{
    dsg_ipc_frame f;
    dsg_ipc_status st;
    dsgd_msg m;
    dsgd_chan_rc rc;
    while ((rc = dsgd_chan_next(&master, 1, &f, &st)) == DSGD_CHAN_FRAME)
        ck_assert_int_eq(dsgd_bus_receive(&master, &f, &m), 0);
    ck_assert_int_eq(rc, DSGD_CHAN_AGAIN);
}

/* The role's next message is the answer to id, with status and body; its
 * cookie directive is returned. */
static dsgd_xch_cookie expect_answer(uint32_t id, int status, const char *body)
{
    dsgd_msg m = next_message(&master);
    dsgd_xch_cookie cookie;
    uint32_t got_id;
    int got_status;
    const uint8_t *json;
    size_t len;
    ck_assert_uint_eq(m.kind, DSGD_MSG_HTTP_ANSWER);
    ck_assert_int_eq(dsgd_xch_answer_get(m.body, m.len, &got_id, &got_status, &cookie, &json,
                                         &len), 0);
    ck_assert_uint_eq(got_id, id);
    ck_assert_int_eq(got_status, status);
    ck_assert_uint_eq(len, strlen(body));
    ck_assert(memcmp(json, body, len) == 0);
    return cookie;
}

/* A role WELCOMEd, its routes registered and read by the master. */
static void role_ready(void)
{
    bus_pair_open(&master, &worker, 4);
    dsgd_audit_out_start(&worker);
    ck_assert_int_eq(dsgd_role_http_start(&handler, &worker), 0);
    ck_assert_uint_eq(next_message(&master).kind, DSGD_MSG_HTTP_ROUTES);
    ended = mores = pieces_left = whos = 0;
}

static void role_close(void)
{
    dsgd_chan_close(&master);
    dsgd_chan_close(&worker);
}

/* A record queued with a ticket (not sent yet). */
static uint32_t record(void)
{
    uint32_t ticket = 0;
    dsg_audit_field f[1] = { { "event", (const uint8_t *)"test-audited", 12 } };
    ck_assert_int_eq(dsgd_audit_out_add_ticket(DSG_AUDIT_TYPE_SYSTEM, f, 1, &ticket), 0);
    ck_assert_uint_ne(ticket, 0);
    return ticket;
}

/* The record goes out as an AUDIT message, which the master reads. */
static void record_sent(void)
{
    dsgd_audit_out_flush();
    ck_assert_uint_eq(next_message(&master).kind, DSGD_MSG_AUDIT);
}

/* The master's DSGD_MSG_AUDIT_ACK about ticket's message, as the worker
 * takes it: audit_out learns the fate, the loop flushes. */
static void acknowledged(uint32_t ticket, uint8_t result)
{
    uint8_t b[DSGD_AUDIT_ACK_LEN];
    dsg_ipc_put_u32(b, ticket);
    b[4] = result;
    ck_assert_int_eq(dsgd_audit_out_ack(b, sizeof b), 0);
    dsgd_role_http_flush();
}

static int answer_recorded(uint32_t id, uint32_t ticket)
{
    return dsgd_role_http_answer_recorded(id, ticket, 200, NULL, (const uint8_t *)ok,
                                          sizeof ok - 1);
}

/* A message from the master handed to the role, as the worker does. */
static void to_role(uint8_t kind, const uint8_t *body, size_t len)
{
    dsgd_msg m;
    ck_assert_int_eq(dsgd_bus_send(&master, kind, body, len), 0);
    m = next_message(&worker);
    ck_assert_uint_eq(m.kind, kind);
    ck_assert_int_eq(dsgd_role_http_message(&m), 0);
}

/* @relation(REQ-LOG-008) */
START_TEST(test_role_http_held_until_stored)
{
    uint32_t ticket;
    role_ready();
    ticket = record();
    ck_assert_int_eq(answer_recorded(7, ticket), 0);
    record_sent();
    dsgd_role_http_flush();
    no_message();   /* held: logd has not answered */

    /* the role goes on answering other requests meanwhile */
    ck_assert_int_eq(dsgd_role_http_answer(8, 200, NULL, (const uint8_t *)ok, sizeof ok - 1), 0);
    expect_answer(8, 200, ok);

    acknowledged(ticket, DSGD_AUDIT_ACK_STORED);
    expect_answer(7, 200, ok);
    dsgd_role_http_flush();
    no_message();   /* once */
    role_close();
}
END_TEST

/* @relation(REQ-LOG-008) */
START_TEST(test_role_http_unstored_answers_503)
{
    uint32_t ticket;
    role_ready();
    ticket = record();
    ck_assert_int_eq(answer_recorded(7, ticket), 0);
    record_sent();
    /* late past log.ack_timeout: the first answer decides, a STORED after it does not */
    acknowledged(ticket, DSGD_AUDIT_ACK_LATE);
    expect_answer(7, 503, audit_unavailable);
    acknowledged(ticket, DSGD_AUDIT_ACK_STORED);
    no_message();

    /* refused by logd (disk full) */
    ticket = record();
    ck_assert_int_eq(answer_recorded(9, ticket), 0);
    record_sent();
    acknowledged(ticket, DSGD_AUDIT_ACK_REFUSED);
    expect_answer(9, 503, audit_unavailable);

    /* while logd is not keeping up, a record still queued fails at once */
    ck_assert_int_eq(answer_recorded(10, record()), 0);
    expect_answer(10, 503, audit_unavailable);
    /* and so does a record that was dropped (ticket 0) */
    ck_assert_int_eq(answer_recorded(11, 0), 0);
    expect_answer(11, 503, audit_unavailable);
    role_close();
}
END_TEST

/* @relation(REQ-LOG-008) */
START_TEST(test_role_http_full_table_answers_503_at_once)
{
    uint32_t ticket;
    role_ready();
    ticket = record();
    for (uint32_t id = 1; id <= DSGD_ROLE_HTTP_HELD_MAX; id++)
        ck_assert_int_eq(answer_recorded(id, ticket), 0);
    no_message();
    ck_assert_int_eq(answer_recorded(DSGD_ROLE_HTTP_HELD_MAX + 1, ticket), 0);
    expect_answer(DSGD_ROLE_HTTP_HELD_MAX + 1, 503, audit_unavailable);
    no_message();

    /* stored: the held answers go out (as the bus has room), and the table
     * takes answers again */
    record_sent();
    acknowledged(ticket, DSGD_AUDIT_ACK_STORED);
    for (uint32_t id = 1; id <= 5; id++)   /* the window: 8 less ROUTES, 503, AUDIT */
        expect_answer(id, 200, ok);
    ck_assert_int_eq(answer_recorded(100, record()), 0);
    no_message();
    role_close();
}
END_TEST

/* @relation(REQ-LOG-008) */
START_TEST(test_role_http_abandoned_exchange_forgets_its_answer)
{
    uint8_t end[DSGD_XCH_BODY_HEAD + 1];
    uint8_t gone[1] = { 1 };
    uint32_t ticket;
    role_ready();
    ticket = record();
    ck_assert_int_eq(answer_recorded(7, ticket), 0);
    ck_assert_int_eq(answer_recorded(8, ticket), 0);
    ck_assert_int_eq(answer_recorded(9, ticket), 0);
    dsgd_xch_head_put(end, 4, 7);
    end[DSGD_XCH_BODY_HEAD] = 0;   /* abandoned */
    to_role(DSGD_MSG_HTTP_END, end, sizeof end);
    ck_assert_uint_eq(ended, 1);
    record_sent();
    acknowledged(ticket, DSGD_AUDIT_ACK_STORED);
    expect_answer(8, 200, ok);
    expect_answer(9, 200, ok);
    no_message();

    /* the portal went away: every held answer is forgotten */
    ticket = record();
    ck_assert_int_eq(answer_recorded(10, ticket), 0);
    to_role(DSGD_MSG_GONE, gone, sizeof gone);
    record_sent();
    acknowledged(ticket, DSGD_AUDIT_ACK_STORED);
    no_message();
    role_close();
}
END_TEST

static const dsgd_xch_cookie set_cookie = { DSGD_XCH_COOKIE_SET, 900, 6, "s3ss_n" };

static void assert_set_cookie(dsgd_xch_cookie k)
{
    ck_assert_uint_eq(k.op, DSGD_XCH_COOKIE_SET);
    ck_assert_uint_eq(k.max_age, 900);
    ck_assert_uint_eq(k.token_len, 6);
    ck_assert_int_eq(memcmp(k.token, "s3ss_n", 6), 0);
}

/* A cookie directive reaches the portal as the role gave it: set, clear,
 * none; one that is not a directive is refused and nothing is sent.
 * @relation(REQ-RUN-017, REQ-ACCT-014) */
START_TEST(test_role_http_cookie_passes_through)
{
    static const dsgd_xch_cookie clear = { DSGD_XCH_COOKIE_CLEAR, 0, 0, { 0 } };
    static const dsgd_xch_cookie bad = { DSGD_XCH_COOKIE_SET, 900, 3, "a.b" };
    role_ready();
    ck_assert_int_eq(dsgd_role_http_answer(7, 200, &set_cookie, (const uint8_t *)ok,
                                           sizeof ok - 1), 0);
    assert_set_cookie(expect_answer(7, 200, ok));
    ck_assert_int_eq(dsgd_role_http_answer(8, 401, &clear, (const uint8_t *)ok, sizeof ok - 1),
                     0);
    ck_assert_uint_eq(expect_answer(8, 401, ok).op, DSGD_XCH_COOKIE_CLEAR);
    ck_assert_int_eq(dsgd_role_http_answer(9, 200, NULL, (const uint8_t *)ok, sizeof ok - 1), 0);
    ck_assert_uint_eq(expect_answer(9, 200, ok).op, DSGD_XCH_COOKIE_NONE);
    ck_assert_int_eq(dsgd_role_http_answer(10, 200, &bad, (const uint8_t *)ok, sizeof ok - 1),
                     -1);
    ck_assert_int_eq(dsgd_role_http_answer_recorded(11, record(), 200, &bad, (const uint8_t *)ok,
                                                    sizeof ok - 1), -1);
    no_message();
    role_close();
}
END_TEST

/* A held answer keeps its cookie directive once its record is stored; the
 * 503 audit-unavailable that replaces it when the record is not stored
 * (refused, known unstored before the answer, dropped) sets no cookie:
 * the operation did not happen. @relation(REQ-LOG-008, REQ-ACCT-014) */
START_TEST(test_role_http_audit_503_sets_no_cookie)
{
    uint32_t ticket;
    role_ready();
    ticket = record();
    ck_assert_int_eq(dsgd_role_http_answer_recorded(7, ticket, 200, &set_cookie,
                                                    (const uint8_t *)ok, sizeof ok - 1), 0);
    no_message();
    record_sent();
    acknowledged(ticket, DSGD_AUDIT_ACK_STORED);
    assert_set_cookie(expect_answer(7, 200, ok));

    ticket = record();
    ck_assert_int_eq(dsgd_role_http_answer_recorded(8, ticket, 200, &set_cookie,
                                                    (const uint8_t *)ok, sizeof ok - 1), 0);
    record_sent();
    acknowledged(ticket, DSGD_AUDIT_ACK_REFUSED);
    ck_assert_uint_eq(expect_answer(8, 503, audit_unavailable).op, DSGD_XCH_COOKIE_NONE);

    /* while logd is not keeping up, a record still queued fails at once */
    ck_assert_int_eq(dsgd_role_http_answer_recorded(9, record(), 200, &set_cookie,
                                                    (const uint8_t *)ok, sizeof ok - 1), 0);
    ck_assert_uint_eq(expect_answer(9, 503, audit_unavailable).op, DSGD_XCH_COOKIE_NONE);

    ck_assert_int_eq(dsgd_role_http_answer_recorded(10, 0, 200, &set_cookie,
                                                    (const uint8_t *)ok, sizeof ok - 1), 0);
    ck_assert_uint_eq(expect_answer(10, 503, audit_unavailable).op, DSGD_XCH_COOKIE_NONE);
    no_message();
    role_close();
}
END_TEST

static const dsgd_xch_stream head7 = { .id = 7, .status = 200, .length = 30,
                                       .type = "application/octet-stream", .type_len = 24,
                                       .disposition = "attachment; filename=\"a.txt\"",
                                       .disposition_len = 28 };

static void more(uint32_t id, unsigned n)
{
    uint8_t b[8];
    size_t len = dsgd_xch_more_put(b, sizeof b, 4, id, n);
    ck_assert_uint_gt(len, 0);
    to_role(DSGD_MSG_HTTP_MORE, b, len);
    dsgd_role_http_flush();   /* the worker's loop, after the master's frames */
}

static void expect_data(uint32_t id, size_t n)
{
    dsgd_msg m = next_message(&master);
    const uint8_t *p;
    size_t len;
    uint32_t got;
    ck_assert_uint_eq(m.kind, DSGD_MSG_HTTP_DATA);
    ck_assert_int_eq(dsgd_xch_data_get(m.body, m.len, &got, &p, &len), 0);
    ck_assert_uint_eq(got, id);
    ck_assert_uint_eq(len, n);
}

/* A streamed answer's head waits for its record; pieces go only as MORE
 * allows, never before the head, and the end follows the last.
 * @relation(REQ-RUN-013, REQ-LOG-008, REQ-STOR-013) */
START_TEST(test_role_http_stream_as_more_allows)
{
    uint32_t ticket, id;
    dsgd_xch_stream got;
    int complete;
    dsgd_msg m;
    role_ready();
    ticket = record();
    ck_assert_int_eq(dsgd_role_http_stream_recorded(ticket, &head7), 0);
    ck_assert_int_eq(dsgd_role_http_data(7, (const uint8_t *)"x", 1), -1);   /* no credit */
    record_sent();
    dsgd_role_http_flush();
    no_message();                          /* held: the record is not stored yet */
    acknowledged(ticket, DSGD_AUDIT_ACK_STORED);
    m = next_message(&master);
    ck_assert_uint_eq(m.kind, DSGD_MSG_HTTP_STREAM);
    ck_assert_int_eq(dsgd_xch_stream_get(m.body, m.len, &got), 0);
    ck_assert_uint_eq(got.length, 30);
    ck_assert_uint_eq(mores, 0);           /* nothing before the portal asks */

    pieces_left = 3;
    more(7, 2);
    ck_assert_uint_eq(mores, 2);
    expect_data(7, 10);
    expect_data(7, 10);
    no_message();
    dsgd_role_http_flush();
    ck_assert_uint_eq(mores, 2);           /* no credit left: not asked again */
    more(7, 1);
    expect_data(7, 10);
    ck_assert_int_eq(dsgd_role_http_done(7, 1), 0);
    m = next_message(&master);
    ck_assert_uint_eq(m.kind, DSGD_MSG_HTTP_DONE);
    ck_assert_int_eq(dsgd_xch_done_get(m.body, m.len, &id, &complete), 0);
    ck_assert_uint_eq(id, 7);
    ck_assert_int_eq(complete, 1);
    ck_assert_int_eq(dsgd_role_http_done(7, 1), -1);   /* over */
    more(7, 1);                            /* a late MORE is ignored */
    ck_assert_uint_eq(mores, 3);
    no_message();
    role_close();
}
END_TEST

/* A stream whose record is not stored is a 503 and never asks for a
 * piece; its handler hears the exchange is over. A head that is not one
 * is refused. @relation(REQ-LOG-008, REQ-SHARE-019) */
START_TEST(test_role_http_stream_unstored)
{
    dsgd_xch_stream bad = head7;
    uint32_t ticket;
    role_ready();
    ticket = record();
    ck_assert_int_eq(dsgd_role_http_stream_recorded(ticket, &head7), 0);
    record_sent();
    acknowledged(ticket, DSGD_AUDIT_ACK_REFUSED);
    expect_answer(7, 503, audit_unavailable);
    ck_assert_uint_eq(ended, 1);
    more(7, 2);
    ck_assert_uint_eq(mores, 0);
    bad.id = 8;
    bad.disposition = "a\r\nb";
    bad.disposition_len = 4;
    ck_assert_int_eq(dsgd_role_http_stream_recorded(record(), &bad), -1);
    no_message();
    role_close();
}
END_TEST

/* A download the client left (END, abandoned) asks for nothing more.
 * @relation(REQ-RUN-013) */
START_TEST(test_role_http_stream_abandoned)
{
    uint8_t end[DSGD_XCH_BODY_HEAD + 1];
    uint32_t ticket;
    role_ready();
    ticket = record();
    ck_assert_int_eq(dsgd_role_http_stream_recorded(ticket, &head7), 0);
    record_sent();
    acknowledged(ticket, DSGD_AUDIT_ACK_STORED);
    ck_assert_uint_eq(next_message(&master).kind, DSGD_MSG_HTTP_STREAM);
    pieces_left = 10;
    more(7, 1);
    expect_data(7, 10);
    dsgd_xch_head_put(end, 4, 7);
    end[DSGD_XCH_BODY_HEAD] = 0;
    to_role(DSGD_MSG_HTTP_END, end, sizeof end);
    more(7, 2);
    ck_assert_uint_eq(mores, 1);
    ck_assert_int_eq(dsgd_role_http_data(7, (const uint8_t *)"x", 1), -1);
    no_message();
    role_close();
}
END_TEST

/* A question about a session goes to the master as WHO_ASK; the answer
 * comes to the handler's `who`. @relation(REQ-ACCT-014) */
START_TEST(test_role_http_who)
{
    dsgd_xch_who_ask a;
    dsgd_xch_who_is w = { 4, 99, 200, "yamada", 6, "acme", 4, 1, 1 };
    uint8_t b[128];
    size_t len;
    dsgd_msg m;
    role_ready();
    ck_assert_int_eq(dsgd_role_http_who(99, "127.0.0.1", 9, (const uint8_t *)"tok", 3), 0);
    m = next_message(&master);
    ck_assert_uint_eq(m.kind, DSGD_MSG_WHO_ASK);
    ck_assert_int_eq(dsgd_xch_who_ask_get(m.body, m.len, &a, 0), 0);
    ck_assert_uint_eq(a.qid, 99);
    ck_assert_uint_eq(a.token_len, 3);
    ck_assert_int_eq(dsgd_role_http_who(100, "127.0.0.1", 9, (const uint8_t *)"", 0), -1);
    len = dsgd_xch_who_is_put(b, sizeof b, &w);
    to_role(DSGD_MSG_WHO_IS, b, len);
    ck_assert_uint_eq(whos, 1);
    ck_assert_uint_eq(told.qid, 99);
    ck_assert_int_eq(told.status, 200);
    ck_assert_str_eq(told_user, "yamada");
    ck_assert_uint_eq(told.fresh, 1);
    role_close();
}
END_TEST

/* A page goes out as a STREAM head carrying its cookie directive, then
 * its bytes as the portal asks, then DONE, without the handler's `more`;
 * a client that leaves frees its slot, and the handler never hears of it.
 * @relation(REQ-SHARE-022, REQ-RUN-013) */
START_TEST(test_role_http_page_streams_itself)
{
    static uint8_t big[DSGD_XCH_DATA_MAX + 5];
    dsgd_xch_cookie k = { DSGD_XCH_COOKIE_CLEAR, 0, 0, { 0 } };
    dsgd_role_page pg = { 200, "text/html; charset=utf-8", &k, NULL, big, sizeof big,
                          DSGD_XCH_LANG_JA };
    dsgd_xch_stream got;
    uint32_t id;
    int complete;
    dsgd_msg m;
    role_ready();
    memset(big, 'h', sizeof big);
    ck_assert_int_eq(dsgd_role_http_page(9, &pg), 0);
    m = next_message(&master);
    ck_assert_uint_eq(m.kind, DSGD_MSG_HTTP_STREAM);
    ck_assert_int_eq(dsgd_xch_stream_get(m.body, m.len, &got), 0);
    ck_assert_uint_eq(got.page, 1);
    ck_assert_uint_eq(got.length, sizeof big);
    ck_assert_uint_eq(got.cookie.op, DSGD_XCH_COOKIE_CLEAR);
    ck_assert_uint_eq(got.lang, DSGD_XCH_LANG_JA);
    more(9, 2);
    expect_data(9, DSGD_XCH_DATA_MAX);
    expect_data(9, 5);
    m = next_message(&master);
    ck_assert_uint_eq(m.kind, DSGD_MSG_HTTP_DONE);
    ck_assert_int_eq(dsgd_xch_done_get(m.body, m.len, &id, &complete), 0);
    ck_assert_uint_eq(id, 9);
    ck_assert_int_eq(complete, 1);
    ck_assert_uint_eq(mores, 0);
    pg.len = DSGD_ROLE_HTTP_PAGE_MAX + 1;          /* too long: nothing sent */
    ck_assert_int_eq(dsgd_role_http_page(10, &pg), -1);
    pg.len = 3;
    pg.location = "//elsewhere";
    ck_assert_int_eq(dsgd_role_http_page(10, &pg), -1);
    no_message();
    role_close();
    role_ready();                                  /* a fresh bus window */
    pg.location = NULL;
    for (uint32_t i = 0; i < DSGD_ROLE_HTTP_PAGES_MAX; i++)   /* every slot taken (heads sent
                                                                * or waiting for the bus) */
        ck_assert_int_eq(dsgd_role_http_page(20 + i, &pg), 0);
    ck_assert_uint_eq(next_message(&master).kind, DSGD_MSG_HTTP_STREAM);
    ck_assert_int_eq(dsgd_role_http_page(30, &pg), -1);
    uint8_t end[DSGD_XCH_BODY_HEAD + 1];
    dsgd_xch_head_put(end, 4, 20);
    end[DSGD_XCH_BODY_HEAD] = 0;                   /* the client of page 20 left */
    to_role(DSGD_MSG_HTTP_END, end, sizeof end);
    ck_assert_uint_eq(ended, 0);
    ck_assert_int_eq(dsgd_role_http_page(30, &pg), 0);
    role_close();
}
END_TEST

Suite *suite_role_http(void)
{
    Suite *s = suite_create("role_http");
    TCase *tc = tcase_create("held");
    tcase_add_test(tc, test_role_http_held_until_stored);
    tcase_add_test(tc, test_role_http_unstored_answers_503);
    tcase_add_test(tc, test_role_http_full_table_answers_503_at_once);
    tcase_add_test(tc, test_role_http_abandoned_exchange_forgets_its_answer);
    tcase_add_test(tc, test_role_http_cookie_passes_through);
    tcase_add_test(tc, test_role_http_audit_503_sets_no_cookie);
    tcase_add_test(tc, test_role_http_stream_as_more_allows);
    tcase_add_test(tc, test_role_http_stream_unstored);
    tcase_add_test(tc, test_role_http_stream_abandoned);
    tcase_add_test(tc, test_role_http_who);
    tcase_add_test(tc, test_role_http_page_streams_itself);
    suite_add_tcase(s, tc);
    return s;
}
