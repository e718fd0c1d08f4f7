/*
 * The share role's file API on the portal (docs/sharing.md, "The file
 * API"): areas, folder listings, versions, downloads, sub-folders,
 * uploads in two steps, rename, move, delete and search. Every request is from the account the auth role
 * says holds its session (dsgd_role_http_who), every operation decided by
 * the proved decision over the grants in force (src/share/access.h), the
 * stored bytes reached only with a capability that decision minted
 * (src/share/cap.h), and every answer held until its 監査ログ・カスタム
 * レポート record is stored.
 */
#ifndef DSGD_SHARE_HTTP_H
#define DSGD_SHARE_HTTP_H

#include "run/bus.h"
#include "share/object_store.h"
#include "share/search_index.h"

struct sqlite3;

/* Registers the routes on chan; db, objects and search are the role's
 * (borrowed); a bulk download of more than bulk_files files needs a fresh
 * authentication (share.bulk_download_threshold). 0, or -1.
 * @relation(REQ-SHARE-008, REQ-MFA-015) */
int dsgd_share_http_start(dsgd_chan *chan, struct sqlite3 *db, dsg_obj_store *objects,
                          dsg_search_index *search, uint32_t bulk_files);

/* A bus message of the file API's exchanges. 0, or -1 for one it does not
 * take. @relation(REQ-SHARE-008) */
int dsgd_share_http_message(const dsgd_msg *m);

#endif
