/* The role side of HTTP exchanges: see role_http.h. */
#include <string.h>

#include "run/audit_out.h"
#include "run/log.h"
#include "run/role_http.h"

#define WAITING_MAX 16u
#define ANSWER_BYTES (DSGD_XCH_ANSWER_HEAD_MAX + DSGD_XCH_ANSWER_MAX)
#define MESSAGE_BYTES (ANSWER_BYTES > DSGD_XCH_STREAM_HEAD_MAX ? ANSWER_BYTES \
                                                               : DSGD_XCH_STREAM_HEAD_MAX)
/* Pieces of downloads stop while fewer bus messages than this are free,
 * so that audit records and answers always find room. */
#define STREAM_BUS_RESERVE 2u

static const dsgd_role_http *handler;
static dsgd_chan *bus;
/* An ANSWER, STREAM or DONE waiting for room on the bus. */
static struct {
    uint8_t kind;
    size_t len;
    uint8_t m[MESSAGE_BYTES];
} waiting[WAITING_MAX];
static size_t n_waiting;

/* Answers and stream heads waiting for their audit record (REQ-LOG-008). */
static struct {
    uint32_t id;              /* the exchange; 0: a free slot */
    uint32_t ticket;          /* its record's (audit_out.h) */
    uint8_t kind;
    size_t len;
    uint8_t m[MESSAGE_BYTES];
} held[DSGD_ROLE_HTTP_HELD_MAX];

/* Streamed answers: how many more pieces each may send (MORE), and the
 * page it sends, if it is one (-1: the handler's download). */
static struct {
    uint32_t id;              /* 0: a free slot */
    unsigned credit;
    int page;
} streams[DSGD_ROLE_HTTP_STREAMS_MAX];

/* Pages being sent: the bytes, and how many went already. */
static struct {
    int busy;
    size_t len, sent;
    uint8_t body[DSGD_ROLE_HTTP_PAGE_MAX];
} pages[DSGD_ROLE_HTTP_PAGES_MAX];

static int stream_slot(uint32_t id)
{
    for (unsigned i = 0; i < DSGD_ROLE_HTTP_STREAMS_MAX; i++)
        if (streams[i].id == id)
            return (int)i;
    return -1;
}

/* Forgets stream id; 1 when it was a page's (the handler never knew it). */
static int forget_stream(uint32_t id)
{
    int i = id != 0 ? stream_slot(id) : -1, page = 0;
    if (i >= 0) {
        if (streams[i].page >= 0)
            pages[streams[i].page].busy = 0;
        page = streams[i].page >= 0;
        streams[i].id = 0;
    }
    return page;
}

/* A stream whose record was not stored never runs: the handler hears the
 * exchange is over, as from an abandoned one (unless it was a page). */
static void stream_refused(uint32_t id)
{
    if (!forget_stream(id))
        handler->end(id, 0);
}

static const char audit_unavailable[] =
    "{\"error\":\"audit-unavailable\",\"message\":\"the audit trail did not store the record "
    "of this request; try again later\"}";

int dsgd_role_http_start(const dsgd_role_http *h, dsgd_chan *chan)
{
    static uint8_t m[DSGD_BUS_BODY_MAX];
    size_t len = dsgd_xch_routes_put(m, sizeof m, h->routes, h->n_routes);
    handler = h;
    bus = chan;
    n_waiting = 0;
    memset(held, 0, sizeof held);
    memset(streams, 0, sizeof streams);
    memset(pages, 0, sizeof pages);
    return len == 0 ? -1 : dsgd_bus_send(chan, DSGD_MSG_HTTP_ROUTES, m, len);
}

static int answer_audit_unavailable(uint32_t id, const char *why)
{
    dsgd_log("exchange %u: %s: answering 503 audit-unavailable", id, why);
    /* the operation did not happen: whatever it would have done to the
     * session cookie is not done either */
    return dsgd_role_http_answer(id, 503, NULL, (const uint8_t *)audit_unavailable,
                                 sizeof audit_unavailable - 1);
}

/* Held answers whose record's fate is known join the answers waiting for
 * room, while there is room: the answer itself once the record is stored,
 * 503 audit-unavailable when it is not. */
static void release_held(void)
{
    for (unsigned i = 0; i < DSGD_ROLE_HTTP_HELD_MAX && n_waiting < WAITING_MAX; i++) {
        dsgd_audit_fate fate;
        if (held[i].id == 0 || (fate = dsgd_audit_out_fate(held[i].ticket)) == DSGD_AUDIT_PENDING)
            continue;
        if (fate == DSGD_AUDIT_STORED) {
            memcpy(waiting[n_waiting].m, held[i].m, held[i].len);
            waiting[n_waiting].kind = held[i].kind;
            waiting[n_waiting++].len = held[i].len;
        } else {
            (void)answer_audit_unavailable(held[i].id, "its audit record was not stored");
            if (held[i].kind == DSGD_MSG_HTTP_STREAM)
                stream_refused(held[i].id);
        }
        held[i].id = 0;
    }
}

static void send_waiting(void)
{
    size_t sent = 0;
    while (sent < n_waiting && bus != NULL &&
           dsgd_bus_send(bus, waiting[sent].kind, waiting[sent].m, waiting[sent].len) == 0)
        sent++;
    memmove(waiting, waiting + sent, (n_waiting - sent) * sizeof waiting[0]);
    n_waiting -= sent;
}

int dsgd_role_http_queue(uint8_t kind, const uint8_t *m, size_t len)
{
    if (n_waiting == WAITING_MAX || len > MESSAGE_BYTES)
        return -1;
    memcpy(waiting[n_waiting].m, m, len);
    waiting[n_waiting].kind = kind;
    waiting[n_waiting++].len = len;
    send_waiting();
    return 0;
}

int dsgd_role_http_who(uint32_t qid, const char *addr, size_t addr_len, const uint8_t *token,
                       size_t token_len)
{
    uint8_t m[8 + DSGD_XCH_ADDR_MAX + DSGD_XCH_TOKEN_MAX];
    dsgd_xch_who_ask a = { 0, qid, addr, addr_len, token, token_len };
    size_t len = dsgd_xch_who_ask_put(m, sizeof m, &a, 0);
    return len == 0 ? -1 : dsgd_role_http_queue(DSGD_MSG_WHO_ASK, m, len);
}

static void page_more(uint32_t id, int page);

/* Asks the handler (or the page) for the next piece of every stream that
 * may send one, while the bus has room beyond its reserve, until none
 * moves. */
static void pump_streams(void)
{
    int moved = 1;
    while (moved && handler != NULL) {
        moved = 0;
        for (unsigned i = 0; i < DSGD_ROLE_HTTP_STREAMS_MAX; i++) {
            if (streams[i].id == 0 || streams[i].credit == 0 || n_waiting > 0 ||
                dsgd_bus_room(bus) <= STREAM_BUS_RESERVE)
                continue;
            unsigned before = streams[i].credit;
            uint32_t id = streams[i].id;
            if (streams[i].page >= 0)
                page_more(id, streams[i].page);
            else if (handler->more != NULL)
                handler->more(id);
            moved |= streams[i].id != id || streams[i].credit != before;
        }
    }
}

void dsgd_role_http_flush(void)
{
    release_held();
    send_waiting();
    pump_streams();
}

int dsgd_role_http_answer(uint32_t id, int status, const dsgd_xch_cookie *cookie,
                          const uint8_t *json, size_t len)
{
    size_t n;
    if (n_waiting == WAITING_MAX)
        return -1;
    n = dsgd_xch_answer_put(waiting[n_waiting].m, sizeof waiting[n_waiting].m, id, status,
                            cookie, json, len);
    if (n == 0)
        return -1;
    waiting[n_waiting].kind = DSGD_MSG_HTTP_ANSWER;
    waiting[n_waiting++].len = n;
    send_waiting();
    return 0;
}

static int free_held_slot(void)
{
    for (unsigned i = 0; i < DSGD_ROLE_HTTP_HELD_MAX; i++)
        if (held[i].id == 0)
            return (int)i;
    return -1;
}

int dsgd_role_http_answer_recorded(uint32_t id, uint32_t ticket, int status,
                                   const dsgd_xch_cookie *cookie, const uint8_t *json,
                                   size_t len)
{
    int i = free_held_slot();
    size_t n;
    if (id == 0)
        return -1;   /* no exchange has it: it marks a free slot */
    if (dsgd_audit_out_fate(ticket) == DSGD_AUDIT_UNSTORED)
        return answer_audit_unavailable(id, "its audit record was not stored");
    if (i < 0)
        return answer_audit_unavailable(id, "too many answers wait for their audit record");
    n = dsgd_xch_answer_put(held[i].m, sizeof held[i].m, id, status, cookie, json, len);
    if (n == 0)
        return -1;
    held[i].kind = DSGD_MSG_HTTP_ANSWER;
    held[i].id = id;
    held[i].ticket = ticket;
    held[i].len = n;
    dsgd_role_http_flush();   /* stored already: it goes at once */
    return 0;
}

int dsgd_role_http_stream_recorded(uint32_t ticket, const dsgd_xch_stream *s)
{
    static uint8_t m[MESSAGE_BYTES];
    int i = free_held_slot(), k = stream_slot(0);
    size_t n = dsgd_xch_stream_put(m, sizeof m, s);
    if (n == 0 || s->id == 0 || stream_slot(s->id) >= 0)
        return -1;
    if (dsgd_audit_out_fate(ticket) == DSGD_AUDIT_UNSTORED || i < 0 || k < 0) {
        (void)answer_audit_unavailable(s->id, i < 0 || k < 0
                                                  ? "too many answers wait for their audit record"
                                                  : "its audit record was not stored");
        handler->end(s->id, 0);
        return 0;
    }
    memcpy(held[i].m, m, n);
    held[i].kind = DSGD_MSG_HTTP_STREAM;
    held[i].id = s->id;
    held[i].ticket = ticket;
    held[i].len = n;
    streams[k].id = s->id;
    streams[k].credit = 0;    /* the portal grants the first pieces once it has the head */
    streams[k].page = -1;
    dsgd_role_http_flush();
    return 0;
}

/* ---- pages (REQ-SHARE-022) --------------------------------------------- */

static int free_page_slot(void)
{
    for (unsigned i = 0; i < DSGD_ROLE_HTTP_PAGES_MAX; i++)
        if (!pages[i].busy)
            return (int)i;
    return -1;
}

/* The next piece of page `page`, or its end (tried again at the next
 * flush while the bus has no room for it). */
static void page_more(uint32_t id, int page)
{
    size_t left = pages[page].len - pages[page].sent;
    size_t n = left < DSGD_XCH_DATA_MAX ? left : DSGD_XCH_DATA_MAX;
    if (left > 0 && dsgd_role_http_data(id, pages[page].body + pages[page].sent, n) == 0)
        pages[page].sent += n;
    if (pages[page].sent == pages[page].len)
        (void)dsgd_role_http_done(id, 1);
}

/* The STREAM head of page p into m: its length, or 0. */
static size_t page_head(uint32_t id, const dsgd_role_page *p, uint8_t *m, size_t cap)
{
    static const dsgd_xch_cookie none = { DSGD_XCH_COOKIE_NONE, 0, 0, { 0 } };
    const char *loc = p->location != NULL ? p->location : "";
    dsgd_xch_stream s = { .id = id, .status = p->status, .length = p->len, .type = p->type,
                          .type_len = p->type != NULL ? strlen(p->type) : 0,
                          .disposition = "", .page = 1,
                          .cookie = p->cookie != NULL ? *p->cookie : none,
                          .location = loc, .location_len = strlen(loc), .lang = p->lang };
    if (p->type == NULL || p->len > DSGD_ROLE_HTTP_PAGE_MAX)
        return 0;
    return dsgd_xch_stream_put(m, cap, &s);
}

/* Takes a page slot and a stream slot for page p of exchange id. */
static void page_slots(uint32_t id, const dsgd_role_page *p, int page, int k)
{
    pages[page].busy = 1;
    pages[page].len = p->len;
    pages[page].sent = 0;
    if (p->len > 0)
        memcpy(pages[page].body, p->body, p->len);
    streams[k].id = id;
    streams[k].credit = 0;
    streams[k].page = page;
}

static int page_start(uint32_t id, uint32_t ticket, int recorded, const dsgd_role_page *p)
{
    static uint8_t m[MESSAGE_BYTES];
    int page = free_page_slot(), k = stream_slot(0), i = free_held_slot();
    size_t n = page_head(id, p, m, sizeof m);
    if (n == 0 || id == 0 || stream_slot(id) >= 0 || page < 0 || k < 0)
        return -1;
    if (recorded && (dsgd_audit_out_fate(ticket) == DSGD_AUDIT_UNSTORED || i < 0))
        return answer_audit_unavailable(id, i < 0 ? "too many answers wait for their audit record"
                                                  : "its audit record was not stored");
    if (!recorded && n_waiting == WAITING_MAX)
        return -1;
    page_slots(id, p, page, k);
    if (p->len == 0)   /* nothing will be asked for: the portal ends the exchange */
        forget_stream(id);
    if (!recorded)
        return dsgd_role_http_queue(DSGD_MSG_HTTP_STREAM, m, n);
    memcpy(held[i].m, m, n);
    held[i].kind = DSGD_MSG_HTTP_STREAM;
    held[i].id = id;
    held[i].ticket = ticket;
    held[i].len = n;
    dsgd_role_http_flush();
    return 0;
}

int dsgd_role_http_page(uint32_t id, const dsgd_role_page *p)
{
    return page_start(id, 0, 0, p);
}

int dsgd_role_http_page_recorded(uint32_t id, uint32_t ticket, const dsgd_role_page *p)
{
    return page_start(id, ticket, 1, p);
}

int dsgd_role_http_data(uint32_t id, const uint8_t *p, size_t len)
{
    static uint8_t m[DSGD_BUS_BODY_MAX];
    int i = id != 0 ? stream_slot(id) : -1;
    size_t n;
    if (i < 0 || streams[i].credit == 0 || bus == NULL ||
        (n = dsgd_xch_data_put(m, sizeof m, id, p, len)) == 0 ||
        dsgd_bus_send(bus, DSGD_MSG_HTTP_DATA, m, n) != 0)
        return -1;
    streams[i].credit--;
    return 0;
}

int dsgd_role_http_done(uint32_t id, int complete)
{
    size_t n;
    if (id == 0 || stream_slot(id) < 0 || n_waiting == WAITING_MAX)
        return -1;
    n = dsgd_xch_done_put(waiting[n_waiting].m, sizeof waiting[n_waiting].m, id, complete);
    if (n == 0)
        return -1;
    forget_stream(id);
    waiting[n_waiting].kind = DSGD_MSG_HTTP_DONE;
    waiting[n_waiting++].len = n;
    send_waiting();
    return 0;
}

/* MORE from the portal: the stream may send n more pieces (asked for at
 * the next flush). A stream already over ignores it. */
static void stream_more(uint32_t id, unsigned n)
{
    int i = id != 0 ? stream_slot(id) : -1;
    if (i >= 0)
        streams[i].credit += n;
}

/* The exchange was abandoned before its answer: nobody waits for it. */
static void forget_held(uint32_t id)
{
    for (unsigned i = 0; i < DSGD_ROLE_HTTP_HELD_MAX; i++)
        if (held[i].id == id)
            held[i].id = 0;
}

static void answer_error(uint32_t id, int status)
{
    static const char body[] = "{\"error\":\"refused\",\"message\":\"the service refused the request\"}";
    (void)dsgd_role_http_answer(id, status, NULL, (const uint8_t *)body, sizeof body - 1);
}

static int on_message(const dsgd_msg *m)
{
    dsgd_xch_request r;
    const uint8_t *p;
    size_t len;
    uint8_t role;
    uint32_t id;
    int complete, status;

    switch (m->kind) {
    case DSGD_MSG_HTTP_REQUEST:
        if (dsgd_xch_request_get(m->body, m->len, &r) != 0)
            return -1;
        if ((status = handler->request(&r)) != 0)
            answer_error(r.id, status);
        return 0;
    case DSGD_MSG_HTTP_BODY:
        if (dsgd_xch_body_get(m->body, m->len, &role, &id, &p, &len) != 0)
            return -1;
        handler->body(id, p, len);
        return 0;
    case DSGD_MSG_HTTP_END:
        if (dsgd_xch_end_get(m->body, m->len, &role, &id, &complete) != 0)
            return -1;
        if (!complete) {
            forget_held(id);
            if (forget_stream(id))   /* a page the client left, or a HEAD request */
                return 0;
        }
        handler->end(id, complete);
        return 0;
    case DSGD_MSG_WHO_IS: {
        dsgd_xch_who_is w;
        if (handler->who == NULL || dsgd_xch_who_is_get(m->body, m->len, &w) != 0)
            return -1;
        handler->who(&w);
        return 0;
    }
    case DSGD_MSG_HTTP_MORE: {
        unsigned n;
        if (dsgd_xch_more_get(m->body, m->len, &role, &id, &n) != 0)
            return -1;
        stream_more(id, n);
        return 0;
    }
    case DSGD_MSG_GONE:
        if (m->len != 1)
            return -1;
        memset(held, 0, sizeof held);   /* the portal's exchanges are over */
        memset(streams, 0, sizeof streams);
        memset(pages, 0, sizeof pages);
        handler->portal_gone();
        return 0;
    default:
        return -1;
    }
}

int dsgd_role_http_message(const dsgd_msg *m)
{
    if (handler == NULL || on_message(m) != 0)
        return -1;
    return dsgd_bus_done(bus, 1);
}
