/* The role side of HTTP exchanges: see role_http.h. */
#include <string.h>

#include "run/log.h"
#include "run/role_http.h"

#define WAITING_MAX 16u

static const dsgd_role_http *handler;
static dsgd_chan *bus;
static struct {
    size_t len;
    uint8_t m[6 + DSGD_XCH_ANSWER_MAX];
} waiting[WAITING_MAX];
static size_t n_waiting;

int dsgd_role_http_start(const dsgd_role_http *h, dsgd_chan *chan)
{
    static uint8_t m[DSGD_BUS_BODY_MAX];
    size_t len = dsgd_xch_routes_put(m, sizeof m, h->routes, h->n_routes);
    handler = h;
    bus = chan;
    n_waiting = 0;
    return len == 0 ? -1 : dsgd_bus_send(chan, DSGD_MSG_HTTP_ROUTES, m, len);
}

void dsgd_role_http_flush(void)
{
    size_t sent = 0;
    while (sent < n_waiting && bus != NULL &&
           dsgd_bus_send(bus, DSGD_MSG_HTTP_ANSWER, waiting[sent].m, waiting[sent].len) == 0)
        sent++;
    memmove(waiting, waiting + sent, (n_waiting - sent) * sizeof waiting[0]);
    n_waiting -= sent;
}

int dsgd_role_http_answer(uint32_t id, int status, const uint8_t *json, size_t len)
{
    size_t n;
    if (n_waiting == WAITING_MAX)
        return -1;
    n = dsgd_xch_answer_put(waiting[n_waiting].m, sizeof waiting[n_waiting].m, id, status,
                            json, len);
    if (n == 0)
        return -1;
    waiting[n_waiting++].len = n;
    dsgd_role_http_flush();
    return 0;
}

static void answer_error(uint32_t id, int status)
{
    static const char body[] = "{\"error\":\"refused\",\"message\":\"the service refused the request\"}";
    (void)dsgd_role_http_answer(id, status, (const uint8_t *)body, sizeof body - 1);
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
        handler->end(id, complete);
        return 0;
    case DSGD_MSG_GONE:
        if (m->len != 1)
            return -1;
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
