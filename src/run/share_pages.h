/*
 * The share role's pages (REQ-SHARE-022, REQ-SHARE-010, docs/portal.md):
 * GET /areas, /folder?id=N, /versions?file=N, /search, /history?item=
 * area:N|folder:N|file:N, POST /folder/create, rename and delete (forms),
 * POST /download-selected (the files ticked on a folder page, answered as
 * the bulk download of REQ-MFA-015) and POST /upload?folder=N
 * (multipart/form-data). Internal to the share role.
 *
 * A page is the file API's own answer shown as HTML: share_http.c runs
 * the page's request as the API route it stands for -- the same session
 * check, access decisions, listing filter, name policy, scan and records
 * -- and hands the answer (the JSON document or error the API would
 * send) to dsgd_share_pages_answer, which renders it. What a user may not
 * list never reaches a page because it never reaches the API's answer.
 *
 * The upload form's body goes through the proved streaming parser
 * (src/core/multipart): a CSRF part first, then the file part, whose name
 * (Content-Disposition filename) is judged by the name policy and the
 * decision before any byte of it is stored; its bytes then go to the
 * store and the scanner as they arrive, and its end (the delimiter)
 * settles the version as the API's second step does.
 */
#ifndef DSGD_SHARE_PAGES_H
#define DSGD_SHARE_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "run/exchange.h"
#include "run/page.h"

enum { SP_NONE = 0, SP_AREAS, SP_FOLDER, SP_VERSIONS, SP_MKDIR, SP_UPLOAD, SP_SEARCH,
       SP_FILE_RENAME, SP_FILE_DELETE, SP_FOLDER_RENAME, SP_FOLDER_DELETE, SP_HISTORY,
       SP_BULK };

#define DSGD_SPAGE_QUERY_MAX 1024u   /* bytes of a page's query */

struct dsgd_spage_up;

/* What a page request needs besides the API's exchange. */
typedef struct dsgd_spage {
    int kind;                      /* SP_*; SP_NONE: an API request */
    dsgd_lang lang;
    uint8_t set_lang;              /* DSGD_XCH_LANG_*: the switch was used */
    int origin_ok;
    int64_t back;                  /* the folder a form came from */
    uint64_t length;               /* the body's declared length (0: chunked) */
    char ctype[DSGD_XCH_FIELD_MAX + 1];
    char q[257];                   /* SP_SEARCH: the words asked, decoded ("": none) */
    struct dsgd_spage_up *up;      /* SP_UPLOAD: the multipart reader */
} dsgd_spage;

/* The page routes, *n of them. @relation(REQ-SHARE-022) */
const dsgd_route *dsgd_share_pages_routes(size_t *n);

/* A fresh CSRF key. 0, or -1 (no randomness). @relation(REQ-SHARE-022) */
int dsgd_share_pages_init(void);

/* The page of request r into *p: its kind (SP_AREAS ..), or SP_NONE when
 * r's path is not a page's. @relation(REQ-SHARE-022) */
int dsgd_share_pages_request(const dsgd_xch_request *r, dsgd_spage *p);

/* The query the API route of page p is given, into out (cap bytes): the
 * page's without its lang switch, which no API route takes. 0, or -1
 * when it does not fit. @relation(REQ-SHARE-022) */
int dsgd_share_pages_api_query(const dsgd_xch_request *r, char *out, size_t cap);

/* Frees what *p holds. @relation(REQ-SHARE-022) */
void dsgd_share_pages_forget(dsgd_spage *p);

/* 1 when page kind is a form whose body becomes the API's: one that
 * changes something (create a folder, rename or delete a file or folder)
 * or the download of the files selected. @relation(REQ-SHARE-022) */
int dsgd_share_pages_is_form(int kind);

/* The form form[0 .. len) of session, of a page that dsgd_share_pages_is_form:
 * the API's JSON body (create: {"parent", "name"}; rename: {"file" or
 * "folder", "name"}; delete: {"file" or "folder"}; download selected:
 * {"files": [...]} of its `file` fields, at most 1000) into json[0 ..
 * *json_len), and the folder to go back to in p->back. 0; 1 when the CSRF
 * token is missing or wrong or the Origin another site's; -1 when the
 * form is malformed. @relation(REQ-SHARE-022, REQ-SHARE-009, REQ-SHARE-012) */
int dsgd_share_pages_form(dsgd_spage *p, const char *session, const uint8_t *form, size_t len,
                          uint8_t *json, size_t cap, size_t *json_len);

/* Answers exchange id of page p with the API's answer (status, its JSON
 * json[0 .. len)), recorded first when ticket is not 0; user is the
 * account ("" unknown) and session its token (for the forms' CSRF
 * tokens). @relation(REQ-SHARE-022) */
void dsgd_share_pages_answer(const dsgd_spage *p, uint32_t id, uint32_t ticket, int status,
                             const uint8_t *json, size_t len, const char *user,
                             const char *session);

/* A piece of an upload page's body: held while the session is not known
 * yet (told 0), read through the multipart parser once it is (with what
 * was held first; b may then be NULL). 0, or -1 when the exchange was
 * answered (refused): nothing more of it may be touched.
 * @relation(REQ-SHARE-011, REQ-SHARE-022) */
int dsgd_share_pages_upload_body(dsgd_spage *p, uint32_t id, int told, const char *session,
                                 const uint8_t *b, size_t n);
/* The upload page's body is complete: the file settled, or the form
 * refused. @relation(REQ-SHARE-011) */
void dsgd_share_pages_upload_end(dsgd_spage *p, uint32_t id);

/* ---- from share_http.c: the upload steps of exchange id ---------------- */

/* Begins the upload of a file called name into the page's folder: the
 * decision and the name policy first (a refusal answered and recorded as
 * the API's), then the store. 0, or -1 after answering.
 * @relation(REQ-SHARE-011) */
int dsgd_share_upload_open(uint32_t id, const char *name);
/* The next bytes of its content. @relation(REQ-SHARE-014) */
void dsgd_share_upload_data(uint32_t id, const uint8_t *b, size_t n);
/* Its content ended: judged, settled, recorded and answered.
 * @relation(REQ-SHARE-014) */
void dsgd_share_upload_close(uint32_t id);
/* Answers a page exchange the API would not: status with code (a
 * malformed form: 400 bad_request), recorded as csrf-refused when csrf.
 * @relation(REQ-SHARE-022) */
void dsgd_share_page_refuse(uint32_t id, int status, const char *code, int csrf);

#endif
