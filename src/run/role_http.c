/* The role side of HTTP exchanges: see role_http.h. */
#include <string.h>

#include "run/audit_out.h"
#include "run/log.h"
#include "run/role_http.h"

#define WAITING_MAX 16u

static const dsgd_role_http *handler;
static dsgd_chan *bus;
static struct {
    size_t len;
    uint8_t m[DSGD_XCH_ANSWER_HEAD_MAX + DSGD_XCH_ANSWER_MAX];
} waiting[WAITING_MAX];
static size_t n_waiting;

/* Answers waiting for their audit record (REQ-LOG-008). */
static struct {
    uint32_t id;              /* the exchange; 0: a free slot */
    uint32_t ticket;          /* its record's (audit_out.h) */
    size_t len;
    uint8_t m[DSGD_XCH_ANSWER_HEAD_MAX + DSGD_XCH_ANSWER_MAX];
} held[DSGD_ROLE_HTTP_HELD_MAX];

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
            waiting[n_waiting++].len = held[i].len;
        } else {
            (void)answer_audit_unavailable(held[i].id, "its audit record was not stored");
        }
        held[i].id = 0;
    }
}

static void send_waiting(void)
{
    size_t sent = 0;
    while (sent < n_waiting && bus != NULL &&
           dsgd_bus_send(bus, DSGD_MSG_HTTP_ANSWER, waiting[sent].m, waiting[sent].len) == 0)
        sent++;
    memmove(waiting, waiting + sent, (n_waiting - sent) * sizeof waiting[0]);
    n_waiting -= sent;
}

void dsgd_role_http_flush(void)
{
    release_held();
    send_waiting();
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
    held[i].id = id;
    held[i].ticket = ticket;
    held[i].len = n;
    dsgd_role_http_flush();   /* stored already: it goes at once */
    return 0;
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
        if (!complete)
            forget_held(id);
        handler->end(id, complete);
        return 0;
    case DSGD_MSG_GONE:
        if (m->len != 1)
            return -1;
        memset(held, 0, sizeof held);   /* the portal's exchanges are over */
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
