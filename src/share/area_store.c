/* The share role's database: see area_store.h. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/rfc3339.h"
#include "core/utf8.h"
#include "db/db.h"
#include "share/area_store.h"

_Static_assert(DSG_AREA_VENDORS_MAX == 16, "application_vendors.position allows 0 to 15");

/* Version 1. Times are seconds since the epoch. A root folder has no
 * parent (NULL; 0 in dsg_folder_row). The triggers hold whatever the code
 * does: nothing is ever deleted, what an application entered never
 * changes, it is decided once and never by whoever entered it, an area
 * comes only from its approved application, and a folder lies in its
 * parent's area. At most one pending application per contract, and one
 * area (the unique indexes). */
static const char *const migrations[] = {
    "CREATE TABLE applications ("
    " id INTEGER PRIMARY KEY,"
    " contract TEXT NOT NULL CHECK (contract <> ''),"
    " project TEXT NOT NULL CHECK (project <> ''),"
    " prime TEXT NOT NULL CHECK (prime <> ''),"
    " contract_end INTEGER NOT NULL CHECK (contract_end > 0),"
    " applicant TEXT NOT NULL, reason TEXT NOT NULL,"
    " entered_by TEXT NOT NULL CHECK (entered_by <> ''), entered_at INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending','approved','rejected')),"
    " decided_by TEXT, decided_at INTEGER, decision_reason TEXT,"
    " CHECK ((state = 'pending') = (decided_by IS NULL)));"
    "CREATE UNIQUE INDEX applications_pending_contract ON applications (contract)"
    " WHERE state = 'pending';"
    "CREATE TABLE application_vendors ("
    " application INTEGER NOT NULL REFERENCES applications (id),"
    " position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 15),"
    " name TEXT NOT NULL CHECK (name <> ''),"
    " PRIMARY KEY (application, position), UNIQUE (application, name)) WITHOUT ROWID;"
    "CREATE TABLE areas ("
    " id INTEGER PRIMARY KEY,"
    " project TEXT NOT NULL, contract TEXT NOT NULL UNIQUE, prime TEXT NOT NULL,"
    " contract_end INTEGER NOT NULL, created_at INTEGER NOT NULL,"
    " application INTEGER NOT NULL UNIQUE REFERENCES applications (id));"
    "CREATE TABLE folders ("
    " id INTEGER PRIMARY KEY,"
    " area INTEGER NOT NULL REFERENCES areas (id),"
    " parent INTEGER REFERENCES folders (id),"
    " name TEXT NOT NULL CHECK (name <> ''),"
    " org TEXT NOT NULL DEFAULT '',"
    " created_by TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " UNIQUE (parent, name));"
    "CREATE UNIQUE INDEX folders_root ON folders (area) WHERE parent IS NULL;"
    "CREATE INDEX folders_area ON folders (area, id);"
    "CREATE TRIGGER applications_no_delete BEFORE DELETE ON applications"
    " BEGIN SELECT RAISE(ABORT, 'applications are never deleted'); END;"
    "CREATE TRIGGER application_vendors_no_delete BEFORE DELETE ON application_vendors"
    " BEGIN SELECT RAISE(ABORT, 'applications are never deleted'); END;"
    "CREATE TRIGGER areas_no_delete BEFORE DELETE ON areas"
    " BEGIN SELECT RAISE(ABORT, 'areas are never deleted'); END;"
    "CREATE TRIGGER folders_no_delete BEFORE DELETE ON folders"
    " BEGIN SELECT RAISE(ABORT, 'folders are never deleted'); END;"
    "CREATE TRIGGER applications_entered_pending BEFORE INSERT ON applications"
    " WHEN NEW.state <> 'pending' OR NEW.decided_by IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'an application is entered pending'); END;"
    "CREATE TRIGGER applications_contract_free BEFORE INSERT ON applications"
    " WHEN EXISTS (SELECT 1 FROM areas WHERE contract = NEW.contract)"
    " BEGIN SELECT RAISE(ABORT, 'the contract has its area'); END;"
    "CREATE TRIGGER applications_entered_fixed BEFORE UPDATE OF id, contract, project, prime,"
    " contract_end, applicant, reason, entered_by, entered_at ON applications"
    " BEGIN SELECT RAISE(ABORT, 'what an application entered never changes'); END;"
    "CREATE TRIGGER applications_decided_once BEFORE UPDATE ON applications"
    " WHEN OLD.state <> 'pending'"
    " BEGIN SELECT RAISE(ABORT, 'an application is decided once'); END;"
    "CREATE TRIGGER applications_not_self_decided BEFORE UPDATE ON applications"
    " WHEN NEW.decided_by = NEW.entered_by"
    " BEGIN SELECT RAISE(ABORT, 'whoever entered an application does not decide it'); END;"
    "CREATE TRIGGER application_vendors_fixed BEFORE UPDATE ON application_vendors"
    " BEGIN SELECT RAISE(ABORT, 'what an application entered never changes'); END;"
    "CREATE TRIGGER application_vendors_entered BEFORE INSERT ON application_vendors"
    " WHEN (SELECT state FROM applications WHERE id = NEW.application) IS NOT 'pending'"
    " BEGIN SELECT RAISE(ABORT, 'what an application entered never changes'); END;"
    "CREATE TRIGGER areas_from_approved BEFORE INSERT ON areas"
    " WHEN NOT EXISTS (SELECT 1 FROM applications WHERE id = NEW.application"
    "  AND state = 'approved' AND contract = NEW.contract AND project = NEW.project"
    "  AND prime = NEW.prime AND contract_end = NEW.contract_end)"
    " BEGIN SELECT RAISE(ABORT, 'an area comes from its approved application'); END;"
    "CREATE TRIGGER areas_fixed BEFORE UPDATE OF id, contract, application, created_at ON areas"
    " BEGIN SELECT RAISE(ABORT, 'an area keeps its contract and its application'); END;"
    "CREATE TRIGGER folders_in_parent_area BEFORE INSERT ON folders"
    " WHEN NEW.parent IS NOT NULL AND NOT EXISTS"
    "  (SELECT 1 FROM folders WHERE id = NEW.parent AND area = NEW.area)"
    " BEGIN SELECT RAISE(ABORT, 'a folder lies in its parent''s area'); END;"
    "CREATE TRIGGER folders_fixed BEFORE UPDATE OF id, area, created_by, created_at ON folders"
    " BEGIN SELECT RAISE(ABORT, 'a folder stays in its area'); END;",
    /* Version 2: access rights (src/share/grant_store.h). A subject (an
     * account's folded user ID or an organisation) is numbered once; a
     * grant comes only from its approved application, what it gives never
     * changes, and it ends only by an approved revoke application, once
     * (revoked_at NULL until then). A rights application is entered
     * pending, keeps what it entered, is decided once and never by whoever
     * entered it; at most one revoke waits per grant. Nothing is deleted. */
    "CREATE TABLE subjects ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('account','org')),"
    " name TEXT NOT NULL CHECK (name <> ''),"
    " UNIQUE (kind, name));"
    "CREATE TABLE rights_applications ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('grant','revoke')),"
    " subject_kind TEXT CHECK (subject_kind IN ('account','org')),"
    " subject TEXT CHECK (subject <> ''),"
    " area INTEGER REFERENCES areas (id),"
    " folder INTEGER REFERENCES folders (id),"
    " ops INTEGER CHECK (ops BETWEEN 1 AND 4095),"
    " valid_from INTEGER, valid_until INTEGER CHECK (valid_until > valid_from),"
    " target_grant INTEGER REFERENCES grants (id),"
    " applicant TEXT NOT NULL, reason TEXT NOT NULL,"
    " entered_by TEXT NOT NULL CHECK (entered_by <> ''), entered_at INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending','approved','rejected')),"
    " decided_by TEXT, decided_at INTEGER, decision_reason TEXT,"
    " CHECK ((state = 'pending') = (decided_by IS NULL)),"
    " CHECK (CASE kind WHEN 'grant' THEN subject_kind IS NOT NULL AND subject IS NOT NULL"
    "  AND area IS NOT NULL AND folder IS NOT NULL AND ops IS NOT NULL"
    "  AND valid_from IS NOT NULL AND valid_until IS NOT NULL AND target_grant IS NULL"
    "  ELSE target_grant IS NOT NULL AND coalesce(subject_kind, subject, area, folder, ops,"
    "  valid_from, valid_until) IS NULL END));"
    "CREATE UNIQUE INDEX rights_applications_pending_revoke"
    " ON rights_applications (target_grant) WHERE state = 'pending';"
    "CREATE TABLE grants ("
    " id INTEGER PRIMARY KEY,"
    " subject INTEGER NOT NULL REFERENCES subjects (id),"
    " area INTEGER NOT NULL REFERENCES areas (id),"
    " folder INTEGER NOT NULL REFERENCES folders (id),"
    " ops INTEGER NOT NULL CHECK (ops BETWEEN 1 AND 4095),"
    " valid_from INTEGER NOT NULL,"
    " valid_until INTEGER NOT NULL CHECK (valid_until > valid_from),"
    " granted_by TEXT NOT NULL, granted_at INTEGER NOT NULL,"
    " application INTEGER NOT NULL UNIQUE REFERENCES rights_applications (id),"
    " revoked_at INTEGER, revoked_by TEXT,"
    " revoke_application INTEGER UNIQUE REFERENCES rights_applications (id),"
    " CHECK ((revoked_at IS NULL) = (revoked_by IS NULL)),"
    " CHECK ((revoked_at IS NULL) = (revoke_application IS NULL)));"
    "CREATE INDEX grants_area ON grants (area, id);"
    "CREATE INDEX grants_subject ON grants (subject, id);"
    "CREATE TRIGGER subjects_no_delete BEFORE DELETE ON subjects"
    " BEGIN SELECT RAISE(ABORT, 'subjects are never deleted'); END;"
    "CREATE TRIGGER rights_applications_no_delete BEFORE DELETE ON rights_applications"
    " BEGIN SELECT RAISE(ABORT, 'applications are never deleted'); END;"
    "CREATE TRIGGER grants_no_delete BEFORE DELETE ON grants"
    " BEGIN SELECT RAISE(ABORT, 'grants are never deleted'); END;"
    "CREATE TRIGGER subjects_fixed BEFORE UPDATE ON subjects"
    " BEGIN SELECT RAISE(ABORT, 'a subject keeps its number and name'); END;"
    "CREATE TRIGGER rights_applications_entered_pending BEFORE INSERT ON rights_applications"
    " WHEN NEW.state <> 'pending' OR NEW.decided_by IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'an application is entered pending'); END;"
    "CREATE TRIGGER rights_applications_folder_in_area BEFORE INSERT ON rights_applications"
    " WHEN NEW.kind = 'grant' AND NOT EXISTS"
    "  (SELECT 1 FROM folders WHERE id = NEW.folder AND area = NEW.area)"
    " BEGIN SELECT RAISE(ABORT, 'a grant''s folder lies in its area'); END;"
    "CREATE TRIGGER rights_applications_entered_fixed BEFORE UPDATE OF id, kind, subject_kind,"
    " subject, area, folder, ops, valid_from, valid_until, target_grant, applicant, reason,"
    " entered_by, entered_at ON rights_applications"
    " BEGIN SELECT RAISE(ABORT, 'what an application entered never changes'); END;"
    "CREATE TRIGGER rights_applications_decided_once BEFORE UPDATE ON rights_applications"
    " WHEN OLD.state <> 'pending'"
    " BEGIN SELECT RAISE(ABORT, 'an application is decided once'); END;"
    "CREATE TRIGGER rights_applications_not_self_decided BEFORE UPDATE ON rights_applications"
    " WHEN NEW.decided_by = NEW.entered_by"
    " BEGIN SELECT RAISE(ABORT, 'whoever entered an application does not decide it'); END;"
    "CREATE TRIGGER grants_from_approved BEFORE INSERT ON grants"
    " WHEN NEW.revoked_at IS NOT NULL OR NEW.revoke_application IS NOT NULL OR NOT EXISTS"
    "  (SELECT 1 FROM rights_applications r, subjects s WHERE r.id = NEW.application"
    "   AND s.id = NEW.subject AND r.kind = 'grant' AND r.state = 'approved'"
    "   AND r.decided_by = NEW.granted_by AND r.subject_kind = s.kind AND r.subject = s.name"
    "   AND r.area = NEW.area AND r.folder = NEW.folder AND r.ops = NEW.ops"
    "   AND r.valid_from = NEW.valid_from AND r.valid_until = NEW.valid_until)"
    " BEGIN SELECT RAISE(ABORT, 'a grant comes from its approved application'); END;"
    "CREATE TRIGGER grants_within_contract BEFORE INSERT ON grants"
    " WHEN NEW.valid_until > (SELECT contract_end FROM areas WHERE id = NEW.area)"
    " BEGIN SELECT RAISE(ABORT, 'a grant ends by its area''s contract end'); END;"
    "CREATE TRIGGER grants_fixed BEFORE UPDATE OF id, subject, area, folder, ops, valid_from,"
    " valid_until, granted_by, granted_at, application ON grants"
    " BEGIN SELECT RAISE(ABORT, 'what a grant gives never changes'); END;"
    "CREATE TRIGGER grants_revoked_once BEFORE UPDATE OF revoked_at, revoked_by,"
    " revoke_application ON grants WHEN OLD.revoked_at IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a grant is revoked once'); END;"
    "CREATE TRIGGER grants_revoked_by_approved BEFORE UPDATE OF revoked_at, revoked_by,"
    " revoke_application ON grants WHEN OLD.revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM rights_applications"
    "  WHERE id = NEW.revoke_application AND kind = 'revoke' AND state = 'approved'"
    "  AND target_grant = NEW.id AND decided_by = NEW.revoked_by)"
    " BEGIN SELECT RAISE(ABORT, 'a grant ends by its approved revoke application'); END;",
    /* Version 3: files and their versions (src/share/file_store.h). A
     * file lies in a folder of its own area and keeps its area and its
     * creation; deleting it sets deleted_at and deleted_by once, after
     * which it never changes. At most one live file of a name per folder,
     * and no live file named like a sub-folder beside it. A version is
     * numbered 1 up per file, entered 'pending' on a live file, keeps its
     * object id and upload, and changes only by its state: from 'pending'
     * to any verdict, from 'held' to 'clean' or 'infected', its size and
     * digest set with the first. Folder and file numbers never collide
     * (the access decision's chain mixes them): both are given by
     * dsg_area_store_next_item_id and the AFTER INSERT triggers refuse a
     * collision. Nothing is deleted. */
    "CREATE TABLE files ("
    " id INTEGER PRIMARY KEY,"
    " area INTEGER NOT NULL REFERENCES areas (id),"
    " folder INTEGER NOT NULL REFERENCES folders (id),"
    " name TEXT NOT NULL CHECK (name <> '' AND instr(name, '/') = 0),"
    " created_by TEXT NOT NULL CHECK (created_by <> ''), created_at INTEGER NOT NULL,"
    " deleted_at INTEGER, deleted_by TEXT,"
    " CHECK ((deleted_at IS NULL) = (deleted_by IS NULL)));"
    "CREATE UNIQUE INDEX files_live_name ON files (folder, name) WHERE deleted_at IS NULL;"
    "CREATE TABLE versions ("
    " file INTEGER NOT NULL REFERENCES files (id),"
    " version INTEGER NOT NULL CHECK (version >= 1),"
    " object_id BLOB NOT NULL UNIQUE"
    "  CHECK (typeof(object_id) = 'blob' AND length(object_id) = 16),"
    " size INTEGER CHECK (size >= 0),"
    " sha256 BLOB CHECK (sha256 IS NULL OR (typeof(sha256) = 'blob' AND length(sha256) = 32)),"
    " uploaded_by TEXT NOT NULL CHECK (uploaded_by <> ''), uploaded_at INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending','clean','infected','held','failed')),"
    " reason TEXT NOT NULL DEFAULT '',"
    " CHECK (state IN ('pending','failed') OR (size IS NOT NULL AND sha256 IS NOT NULL)),"
    " CHECK (state NOT IN ('held','failed') OR reason <> ''),"
    " PRIMARY KEY (file, version)) WITHOUT ROWID;"
    "CREATE INDEX versions_pending ON versions (file, version) WHERE state = 'pending';"
    "CREATE TRIGGER files_no_delete BEFORE DELETE ON files"
    " BEGIN SELECT RAISE(ABORT, 'files are never deleted'); END;"
    "CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions"
    " BEGIN SELECT RAISE(ABORT, 'versions are never deleted'); END;"
    "CREATE TRIGGER files_in_folder_area BEFORE INSERT ON files"
    " WHEN NOT EXISTS (SELECT 1 FROM folders WHERE id = NEW.folder AND area = NEW.area)"
    " BEGIN SELECT RAISE(ABORT, 'a file lies in its folder''s area'); END;"
    "CREATE TRIGGER files_moved_in_area BEFORE UPDATE OF folder ON files"
    " WHEN NOT EXISTS (SELECT 1 FROM folders WHERE id = NEW.folder AND area = NEW.area)"
    " BEGIN SELECT RAISE(ABORT, 'a file lies in its folder''s area'); END;"
    "CREATE TRIGGER files_entered_live BEFORE INSERT ON files"
    " WHEN NEW.deleted_at IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a file is entered live'); END;"
    "CREATE TRIGGER files_fixed BEFORE UPDATE OF id, area, created_by, created_at ON files"
    " BEGIN SELECT RAISE(ABORT, 'a file keeps its area and its creation'); END;"
    "CREATE TRIGGER files_deleted_once BEFORE UPDATE ON files WHEN OLD.deleted_at IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a deleted file never changes'); END;"
    "CREATE TRIGGER files_id_not_folder AFTER INSERT ON files"
    " WHEN EXISTS (SELECT 1 FROM folders WHERE id = NEW.id)"
    " BEGIN SELECT RAISE(ABORT, 'a file''s number is a folder''s'); END;"
    "CREATE TRIGGER folders_id_not_file AFTER INSERT ON folders"
    " WHEN EXISTS (SELECT 1 FROM files WHERE id = NEW.id)"
    " BEGIN SELECT RAISE(ABORT, 'a folder''s number is a file''s'); END;"
    "CREATE TRIGGER files_name_not_folder BEFORE INSERT ON files"
    " WHEN EXISTS (SELECT 1 FROM folders WHERE parent = NEW.folder AND name = NEW.name)"
    " BEGIN SELECT RAISE(ABORT, 'a folder beside it has the file''s name'); END;"
    "CREATE TRIGGER files_renamed_not_folder BEFORE UPDATE OF folder, name ON files"
    " WHEN EXISTS (SELECT 1 FROM folders WHERE parent = NEW.folder AND name = NEW.name)"
    " BEGIN SELECT RAISE(ABORT, 'a folder beside it has the file''s name'); END;"
    "CREATE TRIGGER folders_name_not_file BEFORE INSERT ON folders"
    " WHEN EXISTS (SELECT 1 FROM files WHERE folder = NEW.parent AND name = NEW.name"
    "  AND deleted_at IS NULL)"
    " BEGIN SELECT RAISE(ABORT, 'a file beside it has the folder''s name'); END;"
    "CREATE TRIGGER folders_renamed_not_file BEFORE UPDATE OF parent, name ON folders"
    " WHEN EXISTS (SELECT 1 FROM files WHERE folder = NEW.parent AND name = NEW.name"
    "  AND deleted_at IS NULL)"
    " BEGIN SELECT RAISE(ABORT, 'a file beside it has the folder''s name'); END;"
    "CREATE TRIGGER versions_entered_pending BEFORE INSERT ON versions"
    " WHEN NEW.state <> 'pending' OR NEW.size IS NOT NULL OR NEW.sha256 IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a version is entered pending'); END;"
    "CREATE TRIGGER versions_numbered BEFORE INSERT ON versions"
    " WHEN NEW.version IS NOT 1 + coalesce((SELECT max(version) FROM versions"
    "  WHERE file = NEW.file), 0)"
    " BEGIN SELECT RAISE(ABORT, 'a version follows the file''s last'); END;"
    "CREATE TRIGGER versions_of_live_file BEFORE INSERT ON versions"
    " WHEN (SELECT deleted_at FROM files WHERE id = NEW.file) IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a deleted file gets no version'); END;"
    "CREATE TRIGGER versions_fixed BEFORE UPDATE OF file, version, object_id, uploaded_by,"
    " uploaded_at ON versions"
    " BEGIN SELECT RAISE(ABORT, 'a version keeps its object and its upload'); END;"
    "CREATE TRIGGER versions_state_moves BEFORE UPDATE ON versions"
    " WHEN NOT ((OLD.state = 'pending' AND NEW.state IN ('clean','infected','held','failed'))"
    "  OR (OLD.state = 'held' AND NEW.state IN ('clean','infected')))"
    " BEGIN SELECT RAISE(ABORT, 'a version''s state moves only from pending or held'); END;"
    "CREATE TRIGGER versions_content_fixed BEFORE UPDATE ON versions"
    " WHEN OLD.state <> 'pending'"
    "  AND (NEW.size IS NOT OLD.size OR NEW.sha256 IS NOT OLD.sha256)"
    " BEGIN SELECT RAISE(ABORT, 'a version''s size and digest are set once'); END;",
    /* Version 4: folders are renamed, moved and deleted (REQ-SHARE-012).
     * A deletion sets deleted_at and deleted_by once, after which the
     * folder never changes; a deleted folder's name is free beside it, so
     * UNIQUE (parent, name) becomes a unique index over live folders, which
     * needs the table rebuilt (SQLite's "Making Other Kinds Of Table Schema
     * Changes": new table, copy, drop, rename; db.c runs it with foreign
     * keys off and checks them before the commit). The rename runs with
     * legacy_alter_table on: other tables' triggers name `folders`, which
     * the modern rename checks while the table is gone. Every index and
     * trigger ON folders is made again. No item enters or moves into a
     * deleted folder; a folder moves only within its area and never under
     * itself; an area's root is never renamed, moved or deleted. Only live
     * folders' names clash with files'. Nothing is deleted. */
    "CREATE TABLE folders_v4 ("
    " id INTEGER PRIMARY KEY,"
    " area INTEGER NOT NULL REFERENCES areas (id),"
    " parent INTEGER REFERENCES folders (id),"
    " name TEXT NOT NULL CHECK (name <> ''),"
    " org TEXT NOT NULL DEFAULT '',"
    " created_by TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " deleted_at INTEGER, deleted_by TEXT,"
    " CHECK ((deleted_at IS NULL) = (deleted_by IS NULL)));"
    "INSERT INTO folders_v4 (id, area, parent, name, org, created_by, created_at)"
    " SELECT id, area, parent, name, org, created_by, created_at FROM folders ORDER BY id;"
    "DROP TABLE folders;"
    "PRAGMA legacy_alter_table = ON;"
    "ALTER TABLE folders_v4 RENAME TO folders;"
    "PRAGMA legacy_alter_table = OFF;"
    "CREATE UNIQUE INDEX folders_live_name ON folders (parent, name) WHERE deleted_at IS NULL;"
    "CREATE UNIQUE INDEX folders_root ON folders (area) WHERE parent IS NULL;"
    "CREATE INDEX folders_area ON folders (area, id);"
    "CREATE TRIGGER folders_no_delete BEFORE DELETE ON folders"
    " BEGIN SELECT RAISE(ABORT, 'folders are never deleted'); END;"
    "CREATE TRIGGER folders_in_parent_area BEFORE INSERT ON folders"
    " WHEN NEW.parent IS NOT NULL AND NOT EXISTS"
    "  (SELECT 1 FROM folders WHERE id = NEW.parent AND area = NEW.area)"
    " BEGIN SELECT RAISE(ABORT, 'a folder lies in its parent''s area'); END;"
    "CREATE TRIGGER folders_fixed BEFORE UPDATE OF id, area, created_by, created_at ON folders"
    " BEGIN SELECT RAISE(ABORT, 'a folder stays in its area'); END;"
    "CREATE TRIGGER folders_id_not_file AFTER INSERT ON folders"
    " WHEN EXISTS (SELECT 1 FROM files WHERE id = NEW.id)"
    " BEGIN SELECT RAISE(ABORT, 'a folder''s number is a file''s'); END;"
    "CREATE TRIGGER folders_name_not_file BEFORE INSERT ON folders"
    " WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM files WHERE folder = NEW.parent"
    "  AND name = NEW.name AND deleted_at IS NULL)"
    " BEGIN SELECT RAISE(ABORT, 'a file beside it has the folder''s name'); END;"
    "CREATE TRIGGER folders_renamed_not_file BEFORE UPDATE OF parent, name ON folders"
    " WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM files WHERE folder = NEW.parent"
    "  AND name = NEW.name AND deleted_at IS NULL)"
    " BEGIN SELECT RAISE(ABORT, 'a file beside it has the folder''s name'); END;"
    "CREATE TRIGGER folders_entered_live BEFORE INSERT ON folders"
    " WHEN NEW.deleted_at IS NOT NULL OR NEW.deleted_by IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a folder is entered live'); END;"
    "CREATE TRIGGER folders_deleted_once BEFORE UPDATE ON folders WHEN OLD.deleted_at IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a deleted folder never changes'); END;"
    "CREATE TRIGGER folders_root_fixed BEFORE UPDATE OF parent, name, deleted_at, deleted_by"
    " ON folders WHEN OLD.parent IS NULL"
    " BEGIN SELECT RAISE(ABORT, 'an area''s root is never renamed, moved or deleted'); END;"
    "CREATE TRIGGER folders_in_live_parent BEFORE INSERT ON folders"
    " WHEN (SELECT deleted_at FROM folders WHERE id = NEW.parent) IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a deleted folder takes no item'); END;"
    "CREATE TRIGGER folders_moved_in_area BEFORE UPDATE OF parent ON folders"
    " WHEN NOT EXISTS (SELECT 1 FROM folders WHERE id = NEW.parent AND area = NEW.area)"
    " BEGIN SELECT RAISE(ABORT, 'a folder moves only within its area'); END;"
    "CREATE TRIGGER folders_moved_into_live BEFORE UPDATE OF parent ON folders"
    " WHEN NEW.parent IS NOT OLD.parent"
    "  AND (SELECT deleted_at FROM folders WHERE id = NEW.parent) IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a deleted folder takes no item'); END;"
    "CREATE TRIGGER folders_not_under_itself BEFORE UPDATE OF parent ON folders"
    " WHEN NEW.parent = NEW.id OR EXISTS (WITH RECURSIVE up (id) AS"
    "  (SELECT parent FROM folders WHERE id = NEW.parent"
    "   UNION SELECT folders.parent FROM folders JOIN up ON folders.id = up.id)"
    "  SELECT 1 FROM up WHERE up.id = NEW.id)"
    " BEGIN SELECT RAISE(ABORT, 'a folder never moves under itself'); END;"
    "DROP TRIGGER files_name_not_folder;"
    "DROP TRIGGER files_renamed_not_folder;"
    "CREATE TRIGGER files_name_not_folder BEFORE INSERT ON files"
    " WHEN EXISTS (SELECT 1 FROM folders WHERE parent = NEW.folder AND name = NEW.name"
    "  AND deleted_at IS NULL)"
    " BEGIN SELECT RAISE(ABORT, 'a folder beside it has the file''s name'); END;"
    "CREATE TRIGGER files_renamed_not_folder BEFORE UPDATE OF folder, name ON files"
    " WHEN EXISTS (SELECT 1 FROM folders WHERE parent = NEW.folder AND name = NEW.name"
    "  AND deleted_at IS NULL)"
    " BEGIN SELECT RAISE(ABORT, 'a folder beside it has the file''s name'); END;"
    "CREATE TRIGGER files_in_live_folder BEFORE INSERT ON files"
    " WHEN (SELECT deleted_at FROM folders WHERE id = NEW.folder) IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a deleted folder takes no item'); END;"
    "CREATE TRIGGER files_moved_into_live BEFORE UPDATE OF folder ON files"
    " WHEN NEW.folder IS NOT OLD.folder"
    "  AND (SELECT deleted_at FROM folders WHERE id = NEW.folder) IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a deleted folder takes no item'); END;",
    /* Version 5: the versions of a deleted file are kept for
     * share.deleted_retention_days, then their ciphertext is removed and
     * the version marked purged (REQ-SHARE-012): purged_at is set once,
     * only on a version of a deleted file, and by an update that changes
     * nothing else; any other update is a state move, as before. */
    "ALTER TABLE versions ADD COLUMN purged_at INTEGER;"
    "DROP TRIGGER versions_state_moves;"
    "CREATE TRIGGER versions_state_moves BEFORE UPDATE ON versions"
    " WHEN NEW.purged_at IS OLD.purged_at"
    "  AND NOT ((OLD.state = 'pending' AND NEW.state IN ('clean','infected','held','failed'))"
    "  OR (OLD.state = 'held' AND NEW.state IN ('clean','infected')))"
    " BEGIN SELECT RAISE(ABORT, 'a version''s state moves only from pending or held'); END;"
    "CREATE TRIGGER versions_purged_once BEFORE UPDATE OF purged_at ON versions"
    " WHEN OLD.purged_at IS NOT NULL OR NEW.purged_at IS NULL OR NEW.state IS NOT OLD.state"
    "  OR NEW.reason IS NOT OLD.reason OR NEW.size IS NOT OLD.size"
    "  OR NEW.sha256 IS NOT OLD.sha256"
    " BEGIN SELECT RAISE(ABORT, 'a version is purged once, and nothing else changes'); END;"
    "CREATE TRIGGER versions_purged_deleted BEFORE UPDATE OF purged_at ON versions"
    " WHEN (SELECT deleted_at FROM files WHERE id = NEW.file) IS NULL"
    " BEGIN SELECT RAISE(ABORT, 'only a deleted file''s versions are purged'); END;"
    "CREATE INDEX files_deleted ON files (deleted_at) WHERE deleted_at IS NOT NULL;",
    /* Version 6: an area is closed by an approved application of kind
     * 'close' after its contract's end (REQ-SHARE-021). The application
     * names the area as it is (contract, project, prime, end); the area
     * records when, by whom and by which application, once, and only when
     * none of its files is live any more; a closed area takes no folder
     * or file; a file its closing deleted names the closing application
     * (closed_with). closes, closing and closed_with are checked by
     * triggers rather than REFERENCES, which SQLite cannot add with ALTER
     * TABLE and then drop. */
    "ALTER TABLE applications ADD COLUMN kind TEXT NOT NULL DEFAULT 'create'"
    " CHECK (kind IN ('create','close'));"
    "ALTER TABLE applications ADD COLUMN closes INTEGER;"
    "ALTER TABLE areas ADD COLUMN closed_at INTEGER;"
    "ALTER TABLE areas ADD COLUMN closed_by TEXT;"
    "ALTER TABLE areas ADD COLUMN closing INTEGER;"
    "ALTER TABLE files ADD COLUMN closed_with INTEGER;"
    "DROP TRIGGER applications_contract_free;"
    "CREATE TRIGGER applications_contract_free BEFORE INSERT ON applications"
    " WHEN NEW.kind = 'create' AND EXISTS (SELECT 1 FROM areas WHERE contract = NEW.contract)"
    " BEGIN SELECT RAISE(ABORT, 'the contract has its area'); END;"
    "CREATE TRIGGER applications_close_open_area BEFORE INSERT ON applications"
    " WHEN (NEW.kind = 'close') <> (NEW.closes IS NOT NULL) OR (NEW.kind = 'close'"
    "  AND NOT EXISTS (SELECT 1 FROM areas WHERE id = NEW.closes AND contract = NEW.contract"
    "  AND project = NEW.project AND prime = NEW.prime AND contract_end = NEW.contract_end"
    "  AND closed_at IS NULL))"
    " BEGIN SELECT RAISE(ABORT, 'a closing application names an open area as it is'); END;"
    "CREATE TRIGGER applications_kind_fixed BEFORE UPDATE OF kind, closes ON applications"
    " BEGIN SELECT RAISE(ABORT, 'what an application entered never changes'); END;"
    "CREATE TRIGGER areas_closed_once BEFORE UPDATE OF closed_at, closed_by, closing ON areas"
    " WHEN OLD.closed_at IS NOT NULL OR NEW.closed_at IS NULL OR NEW.closed_by IS NULL"
    "  OR NOT EXISTS (SELECT 1 FROM applications WHERE id = NEW.closing AND kind = 'close'"
    "  AND closes = NEW.id AND state = 'approved')"
    " BEGIN SELECT RAISE(ABORT, 'an area is closed once, by its approved application'); END;"
    "CREATE TRIGGER areas_closed_empty BEFORE UPDATE OF closed_at ON areas"
    " WHEN EXISTS (SELECT 1 FROM files WHERE area = NEW.id AND deleted_at IS NULL)"
    " BEGIN SELECT RAISE(ABORT, 'a closed area holds no live file'); END;"
    "CREATE TRIGGER files_closed_with_deletion BEFORE UPDATE OF closed_with ON files"
    " WHEN OLD.closed_with IS NOT NULL OR OLD.deleted_at IS NOT NULL OR NEW.deleted_at IS NULL"
    "  OR NOT EXISTS (SELECT 1 FROM applications WHERE id = NEW.closed_with AND kind = 'close'"
    "  AND closes = NEW.area AND state = 'approved')"
    " BEGIN SELECT RAISE(ABORT, 'a file is closed with its area, when it is deleted'); END;"
    "CREATE TRIGGER files_entered_open_area BEFORE INSERT ON files"
    " WHEN (SELECT closed_at FROM areas WHERE id = NEW.area) IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a closed area takes no file'); END;"
    "CREATE TRIGGER folders_entered_open_area BEFORE INSERT ON folders"
    " WHEN (SELECT closed_at FROM areas WHERE id = NEW.area) IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a closed area takes no folder'); END;",
};
#define SCHEMA_VERSION (sizeof migrations / sizeof migrations[0])

static const char *const state_names[] = { "pending", "approved", "rejected" };

int dsg_area_store_open(const char *path, uint32_t busy_timeout_ms, sqlite3 **db, char *err,
                        size_t n)
{
    return dsg_db_open(path, busy_timeout_ms, migrations, SCHEMA_VERSION, db, err, n);
}

/* @relation(REQ-SHARE-008) */
int64_t dsg_area_store_next_item_id(sqlite3 *db)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT 1 + max(coalesce((SELECT max(id) FROM folders),"
                                          " 0), coalesce((SELECT max(id) FROM files), 0))");
    int64_t next = -1;
    if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
        next = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return next;
}

/* ---- problems ---------------------------------------------------------------- */

static int storage_problem(dsg_acct_problem *p, sqlite3 *db)
{
    return dsg_problem(p, "storage", "", "the share database failed: %s", sqlite3_errmsg(db));
}

/* A text the store records beside an application (who, a decision's
 * reason): required, then dsg_area_text_check. */
static int check_text(const char *s, size_t max, const char *field, dsg_acct_problem *p)
{
    if (s == NULL || s[0] == '\0')
        return dsg_problem(p, "missing_field", field, "%s: required", field);
    return dsg_area_text_check(s, max, field, p);
}

/* The names the template gives the folders under the root, in order. */
static size_t folder_names(const dsg_area_app *a, const dsg_area_template *t,
                           const char *names[], const char *orgs[], size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n && i < DSG_AREA_TEMPLATE_MAX; i++) {
        if (!t->entry[i].per_org) {
            if (k < cap)
                names[k] = t->entry[i].name, orgs[k] = "";
            k++;
            continue;
        }
        for (size_t v = 0; v <= a->vendor_count && v <= DSG_AREA_VENDORS_MAX; v++) {
            const char *org = v == 0 ? a->prime : a->vendors[v - 1];
            if (k < cap)
                names[k] = org, orgs[k] = org;
            k++;
        }
    }
    return k;
}

/* Two folders of the template with one name: folder_name_clash. */
static int check_clash(const dsg_area_app *a, const dsg_area_template *t, dsg_acct_problem *p)
{
    enum { CAP = DSG_AREA_TEMPLATE_MAX * (DSG_AREA_VENDORS_MAX + 1) };
    const char *names[CAP], *orgs[CAP];
    size_t k = folder_names(a, t, names, orgs, CAP);
    for (size_t i = 0; i < k && i < CAP; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return dsg_problem(p, "folder_name_clash", "template",
                               "two folders of the area would be named %s", names[i]);
    return 0;
}

/* ---- reading ----------------------------------------------------------------------- */

#define APP_COLUMNS                                                                        \
    "id, contract, project, prime, contract_end, applicant, reason, entered_by,"           \
    " entered_at, state, coalesce(decided_by, ''), coalesce(decided_at, 0),"                \
    " coalesce(decision_reason, ''),"                                                      \
    " coalesce(closes, (SELECT id FROM areas WHERE areas.application = applications.id), 0)," \
    " kind"

/* The vendors of application r->id, in their order, into r->app. */
static int read_vendors(sqlite3 *db, dsg_area_app_row *r)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT name FROM application_vendors"
                                          " WHERE application = ? ORDER BY position");
    int rc = SQLITE_ERROR;
    if (st != NULL)
        sqlite3_bind_int64(st, 1, r->id);
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW &&
           r->app.vendor_count < DSG_AREA_VENDORS_MAX) {
        dsg_db_column_copy(st, 0, r->app.vendors[r->app.vendor_count],
                           sizeof r->app.vendors[0]);
        r->app.vendor_count++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* One row of APP_COLUMNS with its vendors; -1 for a state that is not
 * one of ours or a failed read. */
static int read_app(sqlite3 *db, sqlite3_stmt *st, dsg_area_app_row *r)
{
    char word[16];
    unsigned s;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    dsg_db_column_copy(st, 1, r->app.contract, sizeof r->app.contract);
    dsg_db_column_copy(st, 2, r->app.project, sizeof r->app.project);
    dsg_db_column_copy(st, 3, r->app.prime, sizeof r->app.prime);
    r->app.contract_end = sqlite3_column_int64(st, 4);
    dsg_db_column_copy(st, 5, r->app.applicant, sizeof r->app.applicant);
    dsg_db_column_copy(st, 6, r->app.reason, sizeof r->app.reason);
    dsg_db_column_copy(st, 7, r->entered_by, sizeof r->entered_by);
    r->entered_at = sqlite3_column_int64(st, 8);
    dsg_db_column_copy(st, 9, word, sizeof word);
    for (s = 0; s < 3 && strcmp(word, state_names[s]) != 0; s++)
        ;
    if (s == 3)
        return -1;
    r->state = (dsg_area_app_state)s;
    dsg_db_column_copy(st, 10, r->decided_by, sizeof r->decided_by);
    r->decided_at = sqlite3_column_int64(st, 11);
    dsg_db_column_copy(st, 12, r->decision_reason, sizeof r->decision_reason);
    r->area = sqlite3_column_int64(st, 13);
    dsg_db_column_copy(st, 14, word, sizeof word);
    if (strcmp(word, "create") != 0 && strcmp(word, "close") != 0)
        return -1;
    r->kind = strcmp(word, "close") == 0 ? DSG_AREA_APP_CLOSE : DSG_AREA_APP_CREATE;
    return read_vendors(db, r);
}

int dsg_area_store_get_app(sqlite3 *db, int64_t id, dsg_area_app_row *out, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " APP_COLUMNS " FROM applications WHERE id = ?");
    int rc = st != NULL ? (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) : SQLITE_ERROR;
    int found = rc == SQLITE_ROW ? (read_app(db, st, out) == 0 ? 1 : -1)
                                 : rc == SQLITE_DONE ? 0 : -1;
    if (found < 0)
        snprintf(err, n, "reading area application %lld: %s", (long long)id,
                 sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return found;
}

int dsg_area_store_each_app(sqlite3 *db, int pending_only,
                            int (*fn)(const dsg_area_app_row *r, void *ctx), void *ctx,
                            char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, pending_only
        ? "SELECT " APP_COLUMNS " FROM applications WHERE state = 'pending' ORDER BY id DESC"
        : "SELECT " APP_COLUMNS " FROM applications ORDER BY id DESC");
    dsg_area_app_row r;
    int rc = SQLITE_ERROR;
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_app(db, st, &r) != 0 || fn(&r, ctx) != 0)
            break;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing area applications: %s",
             rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

#define AREA_COLUMNS                                                                \
    "id, project, contract, prime, contract_end, created_at, application,"         \
    " coalesce(closed_at, 0), coalesce(closed_by, ''), coalesce(closing, 0)"

static void read_area(sqlite3_stmt *st, dsg_area_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    dsg_db_column_copy(st, 1, r->project, sizeof r->project);
    dsg_db_column_copy(st, 2, r->contract, sizeof r->contract);
    dsg_db_column_copy(st, 3, r->prime, sizeof r->prime);
    r->contract_end = sqlite3_column_int64(st, 4);
    r->created_at = sqlite3_column_int64(st, 5);
    r->application = sqlite3_column_int64(st, 6);
    r->closed_at = sqlite3_column_int64(st, 7);
    dsg_db_column_copy(st, 8, r->closed_by, sizeof r->closed_by);
    r->closing = sqlite3_column_int64(st, 9);
}

int dsg_area_store_get(sqlite3 *db, int64_t id, dsg_area_row *out, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " AREA_COLUMNS " FROM areas WHERE id = ?");
    int rc = st != NULL ? (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) : SQLITE_ERROR;
    if (rc == SQLITE_ROW)
        read_area(st, out);
    else if (rc != SQLITE_DONE)
        snprintf(err, n, "reading area %lld: %s", (long long)id, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* @relation(REQ-SHARE-006) */
int dsg_area_store_each(sqlite3 *db, int (*fn)(const dsg_area_row *r, void *ctx), void *ctx,
                        char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " AREA_COLUMNS " FROM areas ORDER BY id");
    dsg_area_row r;
    int rc = SQLITE_ERROR;
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_area(st, &r);
        if (fn(&r, ctx) != 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing areas: %s", rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

/* @relation(REQ-SHARE-006) */
int dsg_area_store_each_folder(sqlite3 *db, int64_t area,
                               int (*fn)(const dsg_folder_row *r, void *ctx), void *ctx,
                               char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT id, area, coalesce(parent, 0), name, org,"
                                          " created_by, created_at FROM folders"
                                          " WHERE area = ? AND deleted_at IS NULL ORDER BY id");
    dsg_folder_row r;
    int rc = SQLITE_ERROR;
    if (st != NULL)
        sqlite3_bind_int64(st, 1, area);
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(st, 0);
        r.area = sqlite3_column_int64(st, 1);
        r.parent = sqlite3_column_int64(st, 2);
        dsg_db_column_copy(st, 3, r.name, sizeof r.name);
        dsg_db_column_copy(st, 4, r.org, sizeof r.org);
        dsg_db_column_copy(st, 5, r.created_by, sizeof r.created_by);
        r.created_at = sqlite3_column_int64(st, 6);
        if (fn(&r, ctx) != 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing the folders of area %lld: %s", (long long)area,
             rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

int dsg_area_store_each_closed_file(sqlite3 *db, int64_t area,
                                    int (*fn)(int64_t file, void *ctx), void *ctx, char *err,
                                    size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT f.id FROM files f JOIN areas a ON a.id = f.area"
                                          " WHERE f.area = ? AND f.closed_with = a.closing"
                                          " ORDER BY f.id");
    int rc = SQLITE_ERROR;
    if (st != NULL)
        sqlite3_bind_int64(st, 1, area);
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(sqlite3_column_int64(st, 0), ctx) != 0)
            break;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing the files closed with area %lld: %s", (long long)area,
             rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

/* ---- applying ---------------------------------------------------------------------- */

/* No area and no pending application for the contract (see apply). */
static int contract_free(sqlite3 *db, const char *contract, dsg_acct_problem *p)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT 'area', id FROM areas WHERE contract = ?1"
                                          " UNION ALL SELECT 'application', id FROM applications"
                                          " WHERE contract = ?1 AND state = 'pending' LIMIT 1");
    char what[16] = "";
    int64_t id = 0;
    int rc = SQLITE_ERROR;
    if (st != NULL) {
        dsg_db_bind_text(st, 1, contract);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            dsg_db_column_copy(st, 0, what, sizeof what);
            id = sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return storage_problem(p, db);
    if (strcmp(what, "area") == 0)
        return dsg_problem(p, "contract_taken", "contract", "contract %s already has area %lld",
                       contract, (long long)id);
    return dsg_problem(p, "contract_taken", "contract",
                   "application %lld for contract %s is waiting for a decision", (long long)id,
                   contract);
}

static int insert_vendor(sqlite3 *db, int64_t app, size_t position, const char *name)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO application_vendors (application,"
                                          " position, name) VALUES (?,?,?)");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, app);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)position);
    dsg_db_bind_text(st, 3, name);
    return dsg_db_run(st);
}

/* Application a with its vendors: one for an area (closes 0), or one to
 * close area `closes`. */
static int insert_app(sqlite3 *db, const dsg_area_app *a, int64_t closes, const char *by,
                      int64_t now, int64_t *id)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO applications (kind, closes, contract,"
                                          " project, prime, contract_end, applicant, reason,"
                                          " entered_by, entered_at)"
                                          " VALUES (?,?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, closes != 0 ? "close" : "create");
    if (closes != 0)
        sqlite3_bind_int64(st, 2, closes);
    dsg_db_bind_text(st, 3, a->contract);
    dsg_db_bind_text(st, 4, a->project);
    dsg_db_bind_text(st, 5, a->prime);
    sqlite3_bind_int64(st, 6, a->contract_end);
    dsg_db_bind_text(st, 7, a->applicant);
    dsg_db_bind_text(st, 8, a->reason);
    dsg_db_bind_text(st, 9, by);
    sqlite3_bind_int64(st, 10, now);
    if (dsg_db_run(st) != 0)
        return -1;
    *id = sqlite3_last_insert_rowid(db);
    for (size_t i = 0; i < a->vendor_count; i++)
        if (insert_vendor(db, *id, i, a->vendors[i]) != 0)
            return -1;
    return 0;
}

int dsg_area_store_apply(sqlite3 *db, const dsg_area_app *a, const char *by, int64_t now,
                         int64_t *id, dsg_acct_problem *p)
{
    char err[160];
    memset(p, 0, sizeof *p);
    if (dsg_area_app_check(a, now, p) != 0 ||
        check_text(by, DSG_AREA_ACTOR_MAX, "by", p) != 0)
        return -1;
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (contract_free(db, a->contract, p) != 0 || insert_app(db, a, 0, by, now, id) != 0) {
        if (p->code == NULL)
            storage_problem(p, db);
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

/* Area `area`, open and past its contract's end, with no pending
 * application for its contract: 0 and *out, or -1 with the problem. */
static int closable(sqlite3 *db, int64_t area, int64_t now, dsg_area_row *out,
                    dsg_acct_problem *p)
{
    char err[160], end[32];
    int found = dsg_area_store_get(db, area, out, err, sizeof err);
    if (found < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (found == 0)
        return dsg_problem(p, "unknown_area", "area", "no area %lld", (long long)area);
    if (out->closed_at != 0)
        return dsg_problem(p, "area_closed", "area", "area %lld was closed by %s",
                           (long long)area, out->closed_by);
    if (out->contract_end > now) {
        if (dsg_rfc3339_ms(end, sizeof end, out->contract_end, 0) == 0)
            snprintf(end, sizeof end, "%lld", (long long)out->contract_end);
        return dsg_problem(p, "contract_active", "area",
                           "the contract %s of area %lld ends at %s: an area is closed after "
                           "its contract's end", out->contract, (long long)area, end);
    }
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT id FROM applications WHERE contract = ?"
                                          " AND state = 'pending'");
    int rc = st != NULL ? (dsg_db_bind_text(st, 1, out->contract), sqlite3_step(st))
                        : SQLITE_ERROR;
    int64_t pending = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return dsg_problem(p, "contract_taken", "area",
                           "application %lld for contract %s is waiting for a decision",
                           (long long)pending, out->contract);
    return rc == SQLITE_DONE ? 0 : storage_problem(p, db);
}

int dsg_area_store_apply_close(sqlite3 *db, int64_t area, const char *applicant,
                               const char *reason, const char *by, int64_t now, int64_t *id,
                               dsg_acct_problem *p)
{
    char err[160];
    dsg_area_row a;
    static dsg_area_app c;   /* the area as it is, with who applies and why */
    memset(p, 0, sizeof *p);
    if (check_text(applicant, DSG_AREA_TEXT_MAX, "applicant", p) != 0 ||
        check_text(reason, DSG_AREA_REASON_MAX, "reason", p) != 0 ||
        check_text(by, DSG_AREA_ACTOR_MAX, "by", p) != 0)
        return -1;
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    int ok = closable(db, area, now, &a, p) == 0;
    if (ok) {
        memset(&c, 0, sizeof c);
        memcpy(c.contract, a.contract, sizeof c.contract);
        memcpy(c.project, a.project, sizeof c.project);
        memcpy(c.prime, a.prime, sizeof c.prime);
        c.contract_end = a.contract_end;
        snprintf(c.applicant, sizeof c.applicant, "%s", applicant);
        snprintf(c.reason, sizeof c.reason, "%s", reason);
        ok = insert_app(db, &c, a.id, by, now, id) == 0;
    }
    if (!ok) {
        if (p->code == NULL)
            storage_problem(p, db);
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

/* ---- decisions ---------------------------------------------------------------------- */

/* Loads pending application id for a decision by `by`. 0, or -1. */
static int decidable(sqlite3 *db, int64_t id, const char *by, dsg_area_app_row *r,
                     dsg_acct_problem *p)
{
    char err[160];
    int found = dsg_area_store_get_app(db, id, r, err, sizeof err);
    if (found < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (found == 0)
        return dsg_problem(p, "unknown_application", "id", "no area application %lld",
                       (long long)id);
    if (r->state != DSG_AREA_APP_PENDING)
        return dsg_problem(p, "already_decided", "id", "area application %lld was %s by %s",
                       (long long)id, state_names[r->state], r->decided_by);
    if (strcmp(r->entered_by, by) == 0)
        return dsg_problem(p, "self_approval", "id",
                       "area application %lld was entered by %s: another administrator "
                       "decides it", (long long)id, by);
    return 0;
}

static int mark_decided(sqlite3 *db, int64_t id, dsg_area_app_state s, const char *by,
                        int64_t now, const char *reason)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE applications SET state = ?, decided_by = ?,"
                                          " decided_at = ?, decision_reason = ?"
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

/* A folder of area; parent 0 makes it the area's root. Its number in *id. */
static int insert_folder(sqlite3 *db, int64_t area, int64_t parent, const char *name,
                         const char *org, const char *by, int64_t now, int64_t *id)
{
    int64_t next = dsg_area_store_next_item_id(db);
    if (next < 0)
        return -1;
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO folders (id, area, parent, name, org,"
                                          " created_by, created_at) VALUES (?,?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, next);
    sqlite3_bind_int64(st, 2, area);
    if (parent != 0)
        sqlite3_bind_int64(st, 3, parent);
    dsg_db_bind_text(st, 4, name);
    dsg_db_bind_text(st, 5, org);
    dsg_db_bind_text(st, 6, by);
    sqlite3_bind_int64(st, 7, now);
    if (dsg_db_run(st) != 0)
        return -1;
    *id = next;
    return 0;
}

static int insert_area(sqlite3 *db, const dsg_area_app_row *r, int64_t now, int64_t *area)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO areas (project, contract, prime,"
                                          " contract_end, created_at, application)"
                                          " VALUES (?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, r->app.project);
    dsg_db_bind_text(st, 2, r->app.contract);
    dsg_db_bind_text(st, 3, r->app.prime);
    sqlite3_bind_int64(st, 4, r->app.contract_end);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int64(st, 6, r->id);
    if (dsg_db_run(st) != 0)
        return -1;
    *area = sqlite3_last_insert_rowid(db);
    return 0;
}

/* The approved application's area and its folders: the root named after
 * the project, in it the folders of the template. */
static int create_area(sqlite3 *db, const dsg_area_app_row *r, const dsg_area_template *t,
                       const char *by, int64_t now, int64_t *area)
{
    enum { CAP = DSG_AREA_TEMPLATE_MAX * (DSG_AREA_VENDORS_MAX + 1) };
    const char *names[CAP], *orgs[CAP];
    size_t k = folder_names(&r->app, t, names, orgs, CAP);
    int64_t root, folder;
    if (insert_area(db, r, now, area) != 0 ||
        insert_folder(db, *area, 0, r->app.project, "", by, now, &root) != 0)
        return -1;
    for (size_t i = 0; i < k && i < CAP; i++)
        if (insert_folder(db, *area, root, names[i], orgs[i], by, now, &folder) != 0)
            return -1;
    return 0;
}

/* The approved closing application r: every live file of its area
 * deleted by `by` at now, then the area closed. */
static int close_area(sqlite3 *db, const dsg_area_app_row *r, const char *by, int64_t now)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE files SET deleted_at = ?, deleted_by = ?,"
                                          " closed_with = ? WHERE area = ? AND deleted_at IS NULL");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    dsg_db_bind_text(st, 2, by);
    sqlite3_bind_int64(st, 3, r->id);
    sqlite3_bind_int64(st, 4, r->area);
    if (dsg_db_run(st) != 0)
        return -1;
    st = dsg_db_prepare(db, "UPDATE areas SET closed_at = ?, closed_by = ?, closing = ?"
                            " WHERE id = ? AND closed_at IS NULL");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    dsg_db_bind_text(st, 2, by);
    sqlite3_bind_int64(st, 3, r->id);
    sqlite3_bind_int64(st, 4, r->area);
    return dsg_db_run(st) == 0 && sqlite3_changes(db) == 1 ? 0 : -1;
}

/* What an approval of r does beside marking it: create its area (with
 * the folder template t) or close it. */
static int carry_out(sqlite3 *db, const dsg_area_app_row *r, const dsg_area_template *t,
                     const char *by, int64_t now, int64_t *area, dsg_acct_problem *p)
{
    if (r->kind == DSG_AREA_APP_CLOSE) {
        *area = r->area;
        return close_area(db, r, by, now) == 0 ? 0 : storage_problem(p, db);
    }
    if (r->app.contract_end <= now)
        return dsg_problem(p, "contract_ended", "contract_end",
                           "the contract %s of area application %lld has ended",
                           r->app.contract, (long long)r->id);
    if (check_clash(&r->app, t, p) != 0)
        return -1;
    return create_area(db, r, t, by, now, area) == 0 ? 0 : storage_problem(p, db);
}

/* Runs one decision in one transaction: an approval with the folder
 * template t (its area in *area), a rejection with t NULL. */
static int decide(sqlite3 *db, int64_t id, const char *by, const char *reason,
                  const dsg_area_template *t, int64_t now, int64_t *area, dsg_acct_problem *p)
{
    dsg_area_app_row r;
    char err[160];
    if (check_text(by, DSG_AREA_ACTOR_MAX, "by", p) != 0)
        return -1;
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    int ok = decidable(db, id, by, &r, p) == 0;
    int approve = t != NULL;
    if (ok && mark_decided(db, id, approve ? DSG_AREA_APP_APPROVED : DSG_AREA_APP_REJECTED, by,
                           now, reason) != 0)
        ok = storage_problem(p, db) == 0;
    if (ok && approve)
        ok = carry_out(db, &r, t, by, now, area, p) == 0;
    if (!ok) {
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

int dsg_area_store_approve(sqlite3 *db, int64_t id, const char *by, int64_t now,
                           const dsg_area_template *t, int64_t *area, dsg_acct_problem *p)
{
    int64_t created = 0;
    memset(p, 0, sizeof *p);
    if (t == NULL || t->n == 0 || t->n > DSG_AREA_TEMPLATE_MAX)
        return dsg_problem(p, "bad_field", "template", "template: no folders");
    if (decide(db, id, by, "", t, now, &created, p) != 0)
        return -1;
    *area = created;
    return 0;
}

int dsg_area_store_reject(sqlite3 *db, int64_t id, const char *by, const char *reason,
                          int64_t now, dsg_acct_problem *p)
{
    int64_t none = 0;
    memset(p, 0, sizeof *p);
    if (check_text(reason, DSG_AREA_REASON_MAX, "reason", p) != 0)
        return -1;
    return decide(db, id, by, reason, NULL, now, &none, p);
}
