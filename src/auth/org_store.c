/* Registered organisations: see org_store.h. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "auth/org_store.h"
#include "db/db.h"

#define ORG_COLUMNS "org, kind, networks, registered_by, registered_at, changed_by, changed_at"

/* One row of ORG_COLUMNS; -1 when its kind is not one of ours. */
static int read_org(sqlite3_stmt *st, dsg_org_row *r)
{
    char kind[16];
    memset(r, 0, sizeof *r);
    dsg_db_column_copy(st, 0, r->org, sizeof r->org);
    dsg_db_column_copy(st, 1, kind, sizeof kind);
    int k = dsg_org_class_parse(kind);
    if (k < 0)
        return -1;
    r->kind = (dsg_org_class)k;
    dsg_db_column_copy(st, 2, r->networks, sizeof r->networks);
    dsg_db_column_copy(st, 3, r->registered_by, sizeof r->registered_by);
    r->registered_at = sqlite3_column_int64(st, 4);
    dsg_db_column_copy(st, 5, r->changed_by, sizeof r->changed_by);
    r->changed_at = sqlite3_column_int64(st, 6);
    return 0;
}

int dsg_org_store_get(sqlite3 *db, const char *org, dsg_org_row *out, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " ORG_COLUMNS " FROM organisations"
                                          " WHERE org = ?");
    int rc = st != NULL ? (dsg_db_bind_text(st, 1, org), sqlite3_step(st)) : SQLITE_ERROR;
    int found = rc == SQLITE_ROW ? (read_org(st, out) == 0 ? 1 : -1)
                                 : rc == SQLITE_DONE ? 0 : -1;
    if (found < 0)
        snprintf(err, n, "reading organisation %.140s: %s", org, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return found;
}

int dsg_org_store_each(sqlite3 *db, int (*fn)(const dsg_org_row *r, void *ctx), void *ctx,
                       char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " ORG_COLUMNS " FROM organisations"
                                          " ORDER BY org");
    static dsg_org_row r;
    int rc = SQLITE_ERROR;
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_org(st, &r) != 0 || fn(&r, ctx) != 0)
            break;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing organisations: %s",
             rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

/* The name and the list as every write checks them. */
static int checked(const char *org, const char *networks, dsg_acct_problem *p)
{
    static dsg_ip_net nets[DSG_NETLIST_MAX];
    size_t count;
    return dsg_org_name_check(org, p) != 0 ||
                   dsg_org_networks_check(networks, nets, DSG_NETLIST_MAX, &count, p) != 0
               ? -1
               : 0;
}

/* Runs the one-statement change st (prepared, bound) and finalizes it:
 * SQLITE_DONE, or the error. */
static int step_once(sqlite3_stmt *st)
{
    int rc = st != NULL ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc;
}

int dsg_org_store_add(sqlite3 *db, const char *org, int kind, const char *networks,
                      const char *by, int64_t now, dsg_acct_problem *p)
{
    dsg_org_row had;
    char err[160];
    memset(p, 0, sizeof *p);
    if (checked(org, networks, p) != 0)
        return -1;
    if (dsg_org_class_name((dsg_org_class)kind) == NULL)
        return dsg_problem(p, "bad_field", "kind", "kind: company or ministry");
    int found = dsg_org_store_get(db, org, &had, err, sizeof err);
    if (found != 0)
        return found < 0 ? dsg_problem(p, "storage", "", "%s", err)
                         : dsg_problem(p, "org_exists", "org", "organisation %s is registered"
                                   " already: dsgctl org networks changes its networks", org);
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO organisations (" ORG_COLUMNS ")"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (st != NULL) {
        dsg_db_bind_text(st, 1, org);
        dsg_db_bind_text(st, 2, dsg_org_class_name((dsg_org_class)kind));
        dsg_db_bind_text(st, 3, networks);
        dsg_db_bind_text(st, 4, by);
        sqlite3_bind_int64(st, 5, now);
        dsg_db_bind_text(st, 6, by);
        sqlite3_bind_int64(st, 7, now);
    }
    if (step_once(st) != SQLITE_DONE)
        return dsg_problem(p, "storage", "", "the account database failed: %s", sqlite3_errmsg(db));
    return 0;
}

int dsg_org_store_set_networks(sqlite3 *db, const char *org, const char *networks,
                               const char *by, int64_t now, dsg_org_row *before,
                               dsg_acct_problem *p)
{
    char err[160];
    memset(p, 0, sizeof *p);
    if (checked(org, networks, p) != 0)
        return -1;
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    int found = dsg_org_store_get(db, org, before, err, sizeof err);
    if (found != 1) {
        dsg_db_rollback(db);
        return found < 0 ? dsg_problem(p, "storage", "", "%s", err)
                         : dsg_problem(p, "unknown_org", "org", "no organisation %s is registered"
                                   " (dsgctl org add)", org);
    }
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE organisations SET networks = ?,"
                                          " changed_by = ?, changed_at = ? WHERE org = ?");
    if (st != NULL) {
        dsg_db_bind_text(st, 1, networks);
        dsg_db_bind_text(st, 2, by);
        sqlite3_bind_int64(st, 3, now);
        dsg_db_bind_text(st, 4, org);
    }
    if (step_once(st) != SQLITE_DONE) {
        dsg_problem(p, "storage", "", "the account database failed: %s", sqlite3_errmsg(db));
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

/* 1 when addr parses and is in the list text, 0 when not, -1 when the
 * stored list does not parse (a row written around this code). */
static int holds(const char *text, const dsg_ip_addr *a, int have_addr)
{
    static dsg_ip_net nets[DSG_NETLIST_MAX];
    size_t count = 0, at = 0;
    if (dsg_netlist_parse((const uint8_t *)text, strlen(text), nets, DSG_NETLIST_MAX, &count,
                          &at) != DSG_NET_OK)
        return -1;
    return have_addr ? dsg_netlist_contains(nets, count, a) : 0;
}

int dsg_org_store_access(sqlite3 *db, const dsg_acct_row *row, const char *addr, int ministry,
                         dsg_org_access *access, char *err, size_t n)
{
    static dsg_org_row org;
    dsg_ip_addr a;
    int have_addr = addr != NULL &&
                    dsg_ip_parse((const uint8_t *)addr, strlen(addr), &a) == DSG_NET_OK;
    int found = dsg_org_store_get(db, row->org, &org, err, n);
    if (found < 0)
        return -1;
    dsg_org_facts f = { found == 1, found == 1 && org.kind == dsg_org_class_of(row->org_kind),
                        found == 1 ? holds(org.networks, &a, have_addr) : 0,
                        row->type == DSG_ACCT_MINISTRY, ministry != 0 };
    *access = dsg_org_access_decide(&f);
    return 0;
}
