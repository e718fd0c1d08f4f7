/* The logd worker's audit store: see logd.h. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "conf/config.h"
#include "log/audit_wire.h"
#include "log/timefmt.h"
#include "run/audit_out.h"
#include "run/bus.h"
#include "run/log.h"
#include "run/logd.h"
#include "run/logd_backed.h"
#include "run/logd_fwd.h"
#include "run/role_backup.h"
#include "run/settings.h"

static dsg_audit *store;
static char store_dir[4096];
static uint64_t interval_ms;     /* log.checkpoint_interval */
static uint32_t retention_days;  /* log.retention_days */
static uint64_t due;             /* dsgd_now_ms() of the next timed checkpoint; 0: none */

/* The export being streamed to the master (`dsgctl log export`). */
static dsg_audit_exporter *exporting;
static dsgd_chan *export_chan;
static uint64_t export_bytes, export_pieces;
#define EXPORT_PART_MAX 60000u   /* bytes of one ROLE_PART, under DSGD_BUS_BODY_MAX */

#define EX_USAGE 64
#define EX_DATAERR 65
#define EX_IOERR 74

static void record_system(const char *event, const char *detail)
{
    char err[512];
    uint64_t seq = 0;
    dsg_audit_field f[2] = {
        { "event", (const uint8_t *)event, strlen(event) },
        { "detail", (const uint8_t *)detail, detail != NULL ? strlen(detail) : 0 },
    };
    if (dsg_audit_append(store, "logd", DSG_AUDIT_TYPE_SYSTEM, f, detail != NULL ? 2 : 1, &seq,
                         err, sizeof err) != 0)
        dsgd_log("audit: cannot record '%s': %s", event, err);
    else
        dsgd_log("audit: recorded logd %s (seq %llu)", event, (unsigned long long)seq);
}

static void arm(void)
{
    if (due == 0 && dsg_audit_unanchored(store) > 0)
        due = dsgd_now_ms() + interval_ms;
}

/* ---- pruning only what a verified backup holds (REQ-BKUP-010) ---------- */

static dsgd_backed backed;

/* Records recorded before `before` that the cut `cut` keeps: logged as a
 * warning when their number changes, and at least once an hour. */
static uint64_t held_back(const char *cut, const char *before)
{
    static uint64_t last_n, last_ms;
    uint64_t n = dsg_audit_count_between(store, cut, before), now = dsgd_now_ms();
    if (n > 0 && (n != last_n || now - last_ms >= 3600000)) {
        dsgd_log("WARNING: audit: %llu record(s) recorded before %s are held back from "
                 "pruning: no verified backup holds them yet%s%s", (unsigned long long)n, before,
                 backed.upto[0] != '\0' ? " (the newest holds those before " : "",
                 backed.upto[0] != '\0' ? backed.upto : "");
        last_ms = now;
    }
    last_n = n;
    return n;
}

static void backup_verified(const dsgd_msg *m)
{
    int rc = dsgd_backed_verified(&backed, store_dir, m->body, m->len);
    if (rc < 0)
        dsgd_log("audit: cannot keep %s/" DSGD_BACKED_FILE ": pruning stays where it was",
                 store_dir);
    else if (rc > 0)
        dsgd_log("audit: the verified backup %s holds the records recorded before %s: pruning "
                 "may remove them", backed.id, backed.upto);
}

/* Automatic pruning (REQ-LOG-007): records older than log.retention_days,
 * at start and with every timed checkpoint, never one no verified backup
 * holds. */
static void prune_at_retention(void)
{
    char before[32], cut[DSGD_BACKED_TIME_LEN + 1], err[512];
    int64_t now = (int64_t)time(NULL);
    dsg_audit_prune_result r;
    dsg_time_rfc3339_ms(before, sizeof before, now - (int64_t)retention_days * 86400, 0);
    if (dsgd_backed_cut(&backed, before, cut))
        (void)held_back(cut, before);
    if (cut[0] == '\0' || !dsg_audit_has_older(store, cut))
        return;
    dsg_audit_prune_req q = { cut, now, retention_days, "retention", NULL, NULL, NULL };
    if (dsg_audit_prune(store, &q, &r, err, sizeof err) != 0)
        dsgd_log("audit: retention pruning failed: %s", err);
    else
        dsgd_log("audit: retention pruned %llu record(s) of %u source(s) recorded before %s",
                 (unsigned long long)r.removed, r.sources, r.before);
}

int dsgd_logd_start(const char *dir, const char *settings, const char *forward, char *err,
                    size_t n)
{
    dsg_audit_opts o;
    dsgd_settings *defaults;
    struct dsgd_logd_settings l;
    if (settings == NULL) {
        if ((defaults = malloc(sizeof *defaults)) == NULL) {
            snprintf(err, n, "out of memory");
            return -1;
        }
        dsgd_settings_defaults(defaults);
        l = defaults->logd;
        free(defaults);
    } else if (dsgd_settings_logd_parse(settings, &l) != 0) {
        snprintf(err, n, "bad settings '%s' from the master", settings);
        return -1;
    }
    dsg_audit_opts_default(&o);
    o.busy_timeout_ms = l.busy_timeout_ms;
    o.checkpoint_records = l.checkpoint_records;
    o.max_field_bytes = l.max_field_bytes;
    interval_ms = l.checkpoint_interval_ms;
    retention_days = l.retention_days;
    snprintf(store_dir, sizeof store_dir, "%s", dir);
    if (dsg_audit_open(dir, &o, &store, err, n) != 0)
        return -1;
    dsgd_backed_load(&backed, dir);
    dsgd_log("audit: store open (checkpoint every %u records or %llu ms, fields cut at %u bytes, "
             "records kept %u days)", o.checkpoint_records, (unsigned long long)interval_ms,
             o.max_field_bytes, retention_days);
    if (dsg_audit_restored_sources(store) > 0)
        dsgd_log("audit: the store was restored: %u source(s) go on after a signed restore "
                 "record naming the records lost (REQ-LOG-046)", dsg_audit_restored_sources(store));
    record_system("started", NULL);
    char made[200];
    if (dsg_audit_keys_made(store, made, sizeof made) == 1)
        record_system("keys-generated", made);
    prune_at_retention();
    arm();
    return dsgd_logd_fwd_start(store, forward, err, n);
}

int dsgd_logd_append(const char *source, uint32_t type, const dsg_audit_field *fields,
                     size_t nfields, uint64_t *seq, char *err, size_t n)
{
    if (store == NULL) {
        snprintf(err, n, "the audit store is not open");
        return -1;
    }
    int rc = dsg_audit_append(store, source, type, fields, nfields, seq, err, n);
    arm();
    return rc;
}

/* One record from a role: its items after the (empty) source and time are
 * name/value pairs; names become C strings for the store. */
static int append_wire(const char *source, const dsg_aenc_record *r)
{
    static char names[DSG_AENC_FIELDS_MAX][DSG_AUDIT_NAME_MAX + 1];
    dsg_audit_field f[DSG_AENC_FIELDS_MAX];
    size_t n = 0;
    char err[512];
    uint64_t seq;

    for (uint32_t k = 2; k + 1 < r->nitems && n < DSG_AENC_FIELDS_MAX; k += 2, n++) {
        if (r->item[k].len > DSG_AUDIT_NAME_MAX ||
            memchr(r->item[k].p, '\0', r->item[k].len) != NULL) {
            dsgd_log("audit: a record from %s with a bad field name: skipped", source);
            return -1;
        }
        memcpy(names[n], r->item[k].p, r->item[k].len);
        names[n][r->item[k].len] = '\0';
        f[n].name = names[n];
        f[n].value = r->item[k + 1].p;
        f[n].len = r->item[k + 1].len;
    }
    if (dsg_audit_append(store, source, r->type, f, n, &seq, err, sizeof err) != 0) {
        dsgd_log("audit: a record from %s refused: %s", source, err);
        return -1;
    }
    return 0;
}

/* Done with a message; the master hears first when not all of it is
 * stored, so that the role's fail-closed operations fail (REQ-LOG-008). */
static int message_done(dsgd_chan *chan, int whole)
{
    if (!whole && dsgd_bus_send(chan, DSGD_MSG_AUDIT_UNSTORED, NULL, 0) != 0)
        return -1;
    return dsgd_bus_done(chan, 1);
}

/* `dsgctl log verify` (REQ-LOG-005): the store checked with logd's own
 * keys; the report goes back with the exit status dsgctl is to give. */
static int verify_request(dsgd_chan *chan)
{
    static dsg_audit_report rep;
    static uint8_t out[DSGD_BUS_BODY_MAX];
    char err[512];
    size_t len;

    if (store == NULL || dsg_audit_verify_own(store, &rep, err, sizeof err) != 0) {
        len = (size_t)snprintf((char *)out + 1, sizeof out - 1, "verification failed: %s\n",
                               store == NULL ? "the store is not open" : err);
        out[0] = 74;   /* EX_IOERR, as dsgctl log verify --offline */
        len = len + 1 < sizeof out ? len + 1 : sizeof out;
    } else {
        len = dsg_audit_report_text(&rep, (char *)out + 1, sizeof out - 1) + 1;
        out[0] = rep.nbreaks > 0 ? 1 : 0;
        dsgd_log("audit: verified on request: %u break(s), %llu record(s)", rep.nbreaks,
                 (unsigned long long)rep.records);
    }
    if (dsgd_bus_send(chan, DSGD_MSG_ROLE_REPORT, out, len) != 0)
        return -1;
    return dsgd_bus_done(chan, 1);
}

/* Group commit: the records of every AUDIT message read from the channel
 * in one go go into one transaction, so one fsync serves them all; each
 * message's credit (and, if not all of it was stored, its UNSTORED) goes
 * back in order once that transaction is committed (REQ-LOG-043). */
static struct {
    int open;                           /* a batch is open in the store */
    unsigned n;                         /* messages in it, oldest first */
    int whole[DSGD_BUS_WINDOW];         /* each one's records all appended */
    dsgd_chan *chan;
} pending;

#ifdef DSG_TEST_HOOKS
static int slow_ms;   /* test hooks slow-commit (> 0) and no-commit (< 0) */

void dsgd_logd_test_hook_slow(int ms)
{
    slow_ms = ms;
}
#endif

int dsgd_logd_settle(void)
{
    char err[512];
    int committed = 1, rc = 0;
    if (pending.n == 0)
        return 0;
#ifdef DSG_TEST_HOOKS
    if (slow_ms < 0)
        return 0;   /* nothing is committed, no credit goes back */
    if (slow_ms > 0)
        (void)poll(NULL, 0, slow_ms);
#endif
    if (pending.open && dsg_audit_batch_commit(store, err, sizeof err) != 0) {
        dsgd_log("audit: the records of %u message(s) lost: %s", pending.n, err);
        committed = 0;
    }
    pending.open = 0;
    arm();
    for (unsigned i = 0; i < pending.n; i++)
        if (message_done(pending.chan, committed && pending.whole[i]) != 0)
            rc = -1;
    pending.n = 0;
    return rc;
}

/* Records from a role, into the open batch. */
static int append_message(const dsgd_msg *m, dsgd_chan *chan)
{
    static dsg_aenc_record r;
    char source[DSGD_AUDIT_PREFIX_MAX], err[512];
    size_t off, namelen;
    int got = 0, whole = 1;

    if (m->kind != DSGD_MSG_AUDIT || m->len < 1 || (namelen = m->body[0]) == 0 ||
        namelen >= sizeof source || m->len < 1 + namelen || pending.n == DSGD_BUS_WINDOW)
        return -1;
    memcpy(source, m->body + 1, namelen);
    source[namelen] = '\0';
    off = 1 + namelen;
    if (!pending.open && store != NULL && dsg_audit_batch_begin(store, err, sizeof err) == 0)
        pending.open = 1;
    if (!pending.open) {
        dsgd_log("audit: records from %s lost: %s", source,
                 store == NULL ? "the store is not open" : err);
        whole = 0;
    }
    while (pending.open && (got = dsg_audit_wire_next(m->body, m->len, &off, &r)) == 1)
        whole &= append_wire(source, &r) == 0;
    if (pending.open && got < 0) {
        dsgd_log("audit: malformed records from %s at byte %zu: the rest of the message skipped",
                 source, off);
        whole = 0;
    }
    pending.chan = chan;
    pending.whole[pending.n++] = whole;
    return 0;
}

/* The answer to a command: exit status, then text; the command's credit
 * goes back. */
static int reply(dsgd_chan *chan, uint8_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int reply(dsgd_chan *chan, uint8_t status, const char *fmt, ...)
{
    uint8_t out[1024];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf((char *)out + 1, sizeof out - 1, fmt, ap);
    va_end(ap);
    out[0] = status;
    len = len < 0 ? 0 : len < (int)sizeof out - 1 ? len : (int)sizeof out - 2;
    if (dsgd_bus_send(chan, DSGD_MSG_ROLE_REPORT, out, (size_t)len + 1) != 0)
        return -1;
    return dsgd_bus_done(chan, 1);
}

/* "--name value" pairs of a command line; 0, or -1 naming the option. */
typedef struct opt {
    const char *name;
    const char *value;
} opt;

static int parse_opts(char *line, opt *opts, size_t nopts, char *err, size_t n)
{
    char *save = NULL;
    for (char *w = strtok_r(line, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
        size_t k = 0;
        while (k < nopts && strcmp(opts[k].name, w) != 0)
            k++;
        if (k == nopts) {
            snprintf(err, n, "unknown option '%.40s'", w);
            return -1;
        }
        if ((opts[k].value = strtok_r(NULL, " ", &save)) == NULL) {
            snprintf(err, n, "%s needs a value", w);
            return -1;
        }
    }
    return 0;
}

/* `dsgctl log prune --before T` through ctl, which added the client's
 * --uid and --pid (REQ-LOG-007) and the administrator's --admin
 * (REQ-ACCT-012). */
static int prune_request(char *args, dsgd_chan *chan)
{
    opt o[] = { { "--before", NULL }, { "--uid", NULL }, { "--pid", NULL }, { "--admin", NULL } };
    char err[512];
    dsg_audit_prune_result r;
    if (parse_opts(args, o, 4, err, sizeof err) != 0)
        return reply(chan, EX_USAGE, "%s\n", err);
    if (o[0].value == NULL)
        return reply(chan, EX_USAGE, "--before T is required\n");
    dsg_audit_prune_req q = { o[0].value, (int64_t)time(NULL), retention_days, "dsgctl",
                              o[1].value, o[2].value, o[3].value };
    char canon[32], cut[DSGD_BACKED_TIME_LEN + 1];
    uint64_t held = 0;
    int rc = dsg_audit_prune_check(&q, canon, err, sizeof err) != 0 ? 1 : 0;
    if (rc == 0 && dsgd_backed_cut(&backed, canon, cut)) {
        held = held_back(cut, canon);
        q.before = cut;
    }
    if (rc == 0 && q.before[0] != '\0')
        rc = dsg_audit_prune(store, &q, &r, err, sizeof err);
    if (rc != 0) {
        dsgd_log("audit: prune before %s by uid %s pid %s refused: %s", o[0].value,
                 q.uid ? q.uid : "-", q.pid ? q.pid : "-", err);
        return reply(chan, rc > 0 ? EX_DATAERR : EX_IOERR, "%s\n", err);
    }
    if (q.before[0] == '\0')
        return reply(chan, 0, "pruned 0 record(s): the %llu record(s) recorded before %s are "
                     "in no verified backup yet, and stay until one holds them\n",
                     (unsigned long long)held, canon);
    dsgd_log("audit: pruned %llu record(s) of %u source(s) recorded before %s (uid %s pid %s)",
             (unsigned long long)r.removed, r.sources, r.before, q.uid ? q.uid : "-",
             q.pid ? q.pid : "-");
    return reply(chan, 0, "pruned %llu record(s) of %u source(s) recorded before %s; each "
                 "source's prune record is signed by a checkpoint%s%llu%s\n",
                 (unsigned long long)r.removed, r.sources, r.before,
                 held > 0 ? "; held back " : "", (unsigned long long)held,
                 held > 0 ? " record(s) recorded before the cut asked for: no verified backup "
                            "holds them yet" : "");
}

/* The selection of `dsgctl log export` (REQ-LOG-010). */
static int export_selection(opt *o, dsg_audit_select *sel, dsg_audit_format *fmt, char *err,
                            size_t n)
{
    int64_t t;
    char *end = NULL;
    memset(sel, 0, sizeof *sel);
    static const char *const formats[] = { "jsonl", "rfc5424", "history" };
    size_t f = 0;
    while (o[0].value != NULL && f < 3 && strcmp(o[0].value, formats[f]) != 0)
        f++;
    if (o[0].value == NULL || f == 3)
        return snprintf(err, n, "--format jsonl|rfc5424|history is required"), -1;
    *fmt = f == 0 ? DSG_AUDIT_JSONL : f == 1 ? DSG_AUDIT_RFC5424 : DSG_AUDIT_HISTORY;
    if (o[1].value != NULL) {
        unsigned long v = strtoul(o[1].value, &end, 10);
        if (*end != '\0' || v == 0 || v > 255 || v == DSG_AUDIT_TYPE_CHECKPOINT ||
            dsg_audit_type_name((uint32_t)v) == NULL)
            return snprintf(err, n, "--type '%.20s' is not a log type", o[1].value), -1;
        sel->type = (uint32_t)v;
    }
    if (o[2].value != NULL && snprintf(sel->source, sizeof sel->source, "%s", o[2].value) >=
                                  (int)sizeof sel->source)
        return snprintf(err, n, "--source: at most 64 bytes"), -1;
    if ((o[3].value != NULL && dsg_audit_time_parse(o[3].value, &t, sel->since, err, n) != 0) ||
        (o[4].value != NULL && dsg_audit_time_parse(o[4].value, &t, sel->until, err, n) != 0))
        return -1;
    if (sel->since[0] && sel->until[0] && strcmp(sel->since, sel->until) >= 0)
        return snprintf(err, n, "--since must be before --until"), -1;
    if ((o[5].value != NULL && dsg_audit_select_site(sel, o[5].value, err, n) != 0) ||
        (o[6].value != NULL && dsg_audit_select_item(sel, o[6].value, err, n) != 0))
        return -1;
    return 0;
}

static void export_end(uint8_t status, const char *text)
{
    dsgd_chan *chan = export_chan;
    uint8_t out[600];
    int len = status != 0 ? snprintf((char *)out + 1, sizeof out - 1, "%.500s\n", text) : 0;
    out[0] = status;
    dsg_audit_export_close(exporting);
    exporting = NULL;
    export_chan = NULL;
    if (dsgd_bus_send(chan, DSGD_MSG_ROLE_REPORT, out, (size_t)len + 1) != 0)
        dsgd_log("audit: cannot end the export: %s", text);
    else if (status != 0)
        dsgd_log("audit: export failed after %llu bytes: %s", (unsigned long long)export_bytes,
                 text);
    else
        dsgd_log("audit: exported %llu bytes in %llu piece(s)", (unsigned long long)export_bytes,
                 (unsigned long long)export_pieces);
}

/* One piece at a time: the next only when the master has given back the
 * credit of the last, i.e. when the client has it (bus.h). */
static void export_pump(void)
{
    static uint8_t part[EXPORT_PART_MAX];
    char err[512];
    while (exporting != NULL && dsgd_bus_room(export_chan) == DSGD_BUS_WINDOW) {
        long got = dsg_audit_export_read(exporting, part, sizeof part, err, sizeof err);
        if (got == DSG_AUDIT_EXPORT_LATER)
            return;   /* back here at once, after the records waiting to be stored */
        if (got > 0 && dsgd_bus_send(export_chan, DSGD_MSG_ROLE_PART, part, (size_t)got) == 0) {
            export_bytes += (uint64_t)got;
            export_pieces++;
            continue;
        }
        export_end(got == 0 ? 0 : EX_IOERR, got < 0 ? err : "cannot send a piece");
    }
}

static int export_request(char *args, dsgd_chan *chan)
{
    opt o[] = { { "--format", NULL }, { "--type", NULL },  { "--source", NULL },
                { "--since", NULL },  { "--until", NULL }, { "--site", NULL },
                { "--item", NULL } };
    char err[512];
    dsg_audit_select sel;
    dsg_audit_format fmt;
    if (parse_opts(args, o, 7, err, sizeof err) != 0 ||
        export_selection(o, &sel, &fmt, err, sizeof err) != 0)
        return reply(chan, EX_USAGE, "%s\n", err);
    if (exporting != NULL)
        return reply(chan, EX_IOERR, "an export is already running\n");
    if (dsg_audit_export_open(store_dir, &sel, fmt, &exporting, err, sizeof err) != 0)
        return reply(chan, EX_IOERR, "%s\n", err);
    export_chan = chan;
    export_bytes = export_pieces = 0;
    if (dsgd_bus_done(chan, 1) != 0)
        return -1;
    export_pump();
    return 0;
}

/* "log prune ..." or "log export ...", as the master passed it on. */
static int command_message(const dsgd_msg *m, dsgd_chan *chan)
{
    char line[4097];
    if (m->len >= sizeof line || memchr(m->body, '\0', m->len) != NULL)
        return -1;
    memcpy(line, m->body, m->len);
    line[m->len] = '\0';
    if (store == NULL)
        return reply(chan, EX_IOERR, "the audit store is not open\n");
    if (strncmp(line, "log prune ", 10) == 0)
        return prune_request(line + 10, chan);
    if (strncmp(line, "log export ", 11) == 0)
        return export_request(line + 11, chan);
    return -1;
}

int dsgd_logd_message(const dsgd_msg *m, dsgd_chan *chan)
{
    if (m->kind != DSGD_MSG_AUDIT && dsgd_logd_settle() != 0)   /* credits stay in order */
        return -1;
    if (m->kind == DSGD_MSG_LOG_VERIFY)
        return m->len == 0 ? verify_request(chan) : -1;
    if (m->kind == DSGD_MSG_ROLE_COMMAND)
        return command_message(m, chan);
    if (m->kind == DSGD_MSG_FWD_STATE || m->kind == DSGD_MSG_FWD_ACK)
        return store == NULL ? -1 : dsgd_logd_fwd_message(m, chan);
    if (m->kind == DSGD_MSG_BACKUP_VERIFIED) {
        backup_verified(m);
        return dsgd_bus_done(chan, 1);
    }
    return append_message(m, chan);
}

/* anchor.log's length in the turn audit.db's copy completed: the
 * checkpoints that copy's records have, none after them (REQ-BKUP-009). */
static uint64_t anchor_len;
static int anchor_sent;

static void backup_copied(const char *id)
{
    char path[4200], at[32];
    struct stat st;
    if (dsg_time_now_rfc3339_ms(at, sizeof at) == DSGD_BACKED_TIME_LEN)
        dsgd_backed_copied(&backed, id, at);
    snprintf(path, sizeof path, "%s/anchor.log", store_dir);
    anchor_len = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
    anchor_sent = 0;
}

static int backup_next(char *name, size_t cap, uint64_t *limit, char *err, size_t n)
{
    (void)err;
    (void)n;
    if (anchor_sent)
        return 0;
    anchor_sent = 1;
    snprintf(name, cap, "anchor.log");
    *limit = anchor_len;
    return 1;
}

/* audit.db, then anchor.log as it stood when the copy completed; never
 * chain.key or sign.key (the log keys are escrowed, REQ-STOR-009). */
int dsgd_logd_backup(dsgd_backup_source *src)
{
    if (store == NULL)
        return -1;
    src->db[0] = dsg_audit_db(store);
    src->db_name[0] = "audit.db";
    src->next_file = backup_next;
    src->copied = backup_copied;
    anchor_sent = 1;   /* until the copy completes */
    return 0;
}

int dsgd_logd_poll_timeout(void)
{
    if (exporting != NULL && dsgd_bus_room(export_chan) == DSGD_BUS_WINDOW)
        return 0;   /* the next piece can go */
    if (store != NULL && dsgd_logd_fwd_ready(exporting != NULL))
        return 0;   /* a batch for a collector can go */
    if (store == NULL || due == 0)
        return -1;
    uint64_t now = dsgd_now_ms();
    return now >= due ? 0 : (int)(due - now);
}

void dsgd_logd_tick(void)
{
    char err[512];
    export_pump();
    if (store != NULL && dsgd_logd_fwd_pump(exporting != NULL) != 0)
        dsgd_log("forward: cannot send a batch to the master");
    if (store == NULL || due == 0 || dsgd_now_ms() < due)
        return;
    due = 0;
    if (dsg_audit_checkpoint(store, err, sizeof err) != 0)
        dsgd_log("audit: checkpoint failed: %s", err);
    prune_at_retention();
    arm();
}

void dsgd_logd_stop(void)
{
    char err[512];
    (void)dsgd_logd_settle();
    if (store == NULL)
        return;
    if (exporting != NULL) {
        dsg_audit_export_close(exporting);
        exporting = NULL;
    }
    record_system("stopped", NULL);
    if (dsg_audit_checkpoint(store, err, sizeof err) != 0)
        dsgd_log("audit: final checkpoint failed: %s", err);
    else
        dsgd_log("audit: final checkpoint written");
    dsg_audit_close(store);
    store = NULL;
}
