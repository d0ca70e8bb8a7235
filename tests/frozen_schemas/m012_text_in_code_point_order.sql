BEGIN TRANSACTION;
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
INSERT INTO "_sqlite_migrations" VALUES(1,'ipcli','m001_register','2026-12-05 13:11:51.665903+00:00');
INSERT INTO "_sqlite_migrations" VALUES(2,'ipcli','m002_notices','2026-12-05 13:11:51.666407+00:00');
INSERT INTO "_sqlite_migrations" VALUES(3,'ipcli','m003_digest_log','2026-12-05 13:11:51.666647+00:00');
INSERT INTO "_sqlite_migrations" VALUES(4,'ipcli','m004_windows','2026-12-05 13:11:51.666922+00:00');
INSERT INTO "_sqlite_migrations" VALUES(5,'ipcli','m005_batches','2026-12-05 13:11:51.667189+00:00');
INSERT INTO "_sqlite_migrations" VALUES(6,'ipcli','m006_mark_classes_column','2026-12-05 13:11:51.667748+00:00');
INSERT INTO "_sqlite_migrations" VALUES(7,'ipcli','m007_unique_key_indexes','2026-12-05 13:11:51.670932+00:00');
INSERT INTO "_sqlite_migrations" VALUES(8,'ipcli','m008_choice_checks_as_comparisons','2026-12-05 13:11:51.673658+00:00');
INSERT INTO "_sqlite_migrations" VALUES(9,'ipcli','m009_open_license_and_license_provisional','2026-12-05 13:11:51.675799+00:00');
INSERT INTO "_sqlite_migrations" VALUES(10,'ipcli','m010_recompute_shifted_dates','2026-12-05 13:11:51.690270+00:00');
INSERT INTO "_sqlite_migrations" VALUES(11,'ipcli','m011_journal_invocations','2026-12-05 13:11:51.691375+00:00');
INSERT INTO "_sqlite_migrations" VALUES(12,'ipcli','m012_text_in_code_point_order','2026-12-05 13:11:51.691487+00:00');
CREATE TABLE batch_items (
        batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        filing_id INTEGER NOT NULL REFERENCES filings(id),
        PRIMARY KEY (batch_id, seq)
    ) WITHOUT ROWID;
CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        filing_type TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('exported', 'imported')),
        window TEXT,
        operator TEXT NOT NULL,
        created_at TEXT NOT NULL,
        item_count INTEGER NOT NULL,
        fee_total REAL NOT NULL,
        items_sha256 TEXT NOT NULL UNIQUE,
        document TEXT NOT NULL,
        file TEXT,
        csv_file TEXT,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        submitted_to TEXT,
        submitted_at TEXT
    );
CREATE TABLE calendar_years (
        year INTEGER PRIMARY KEY,
        document TEXT NOT NULL,
        source TEXT,
        imported_at TEXT NOT NULL
    );
CREATE TABLE digest_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        right_type TEXT NOT NULL,
        right_no TEXT NOT NULL,
        due_on TEXT NOT NULL,
        filing_id INTEGER,
        step TEXT NOT NULL,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        sent_at TEXT NOT NULL
    );
CREATE TABLE filing_rights (
        filing_id INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
        right_type TEXT NOT NULL CHECK (right_type IN ('mark', 'patent')),
        right_no TEXT NOT NULL,
        PRIMARY KEY (filing_id, right_type, right_no)
    ) WITHOUT ROWID;
CREATE TABLE filings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL CHECK (type IN ('renewal', 'transfer', 'license', 'pledge', 'pledge_extension', 'pledge_change', 'pledge_release', 'annuity')),
        status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'ready', 'exported', 'submitted', 'accepted', 'rejected', 'withdrawn')),
        received_on TEXT NOT NULL,
        status_on TEXT NOT NULL,
        window TEXT,
        operator TEXT,
        paper INTEGER NOT NULL DEFAULT 0,
        fee_total REAL NOT NULL DEFAULT 0,
        details TEXT NOT NULL DEFAULT '{}',
        reason TEXT,
        created_at TEXT NOT NULL
    );
CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        command TEXT NOT NULL,
        record_type TEXT NOT NULL,
        record_id TEXT NOT NULL,
        before TEXT,
        after TEXT
    , invocation TEXT, revertible INTEGER NOT NULL DEFAULT 0, reverts TEXT);
CREATE TABLE licenses (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        filing_id INTEGER NOT NULL REFERENCES filings(id),
        right_type TEXT NOT NULL CHECK (right_type IN ('mark', 'patent')),
        right_no TEXT NOT NULL,
        licensor TEXT,
        licensee TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('exclusive', 'sole', 'ordinary')),
        starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL,
        amount REAL,
        recordal_due_on TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'recorded', 'void'))
    , provisional INTEGER NOT NULL DEFAULT 0);
CREATE TABLE "marks" (
        reg_no TEXT NOT NULL,
        name TEXT,
        owner TEXT,
        owner_id TEXT,
        kind TEXT NOT NULL DEFAULT 'ordinary' CHECK (kind = 'ordinary' OR kind = 'collective' OR kind = 'certification'),
        registered_on TEXT NOT NULL,
        term_starts_on TEXT NOT NULL,
        window TEXT,
        expires_on TEXT NOT NULL,
        renewal_window_opens_on TEXT NOT NULL,
        grace_ends_on TEXT NOT NULL,
        dates_provisional INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    , classes TEXT NOT NULL DEFAULT '');
CREATE TABLE notices (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        right_type TEXT NOT NULL CHECK (right_type IN ('mark', 'patent')),
        right_no TEXT NOT NULL,
        kind TEXT NOT NULL,
        dispatched_on TEXT,
        served TEXT CHECK (served IN ('electronic', 'paper')),
        starts_on TEXT NOT NULL,
        deadline_raw TEXT NOT NULL,
        deadline_on TEXT NOT NULL,
        provisional INTEGER NOT NULL DEFAULT 0,
        rule TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
        done_on TEXT,
        created_at TEXT NOT NULL
    );
CREATE TABLE "patents" (
        app_no TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type = 'invention' OR type = 'utility' OR type = 'design'),
        filed_on TEXT NOT NULL,
        granted_on TEXT,
        title TEXT,
        owner TEXT,
        owner_id TEXT,
        reduction TEXT NOT NULL DEFAULT 'none' CHECK (reduction = 'none' OR reduction = '85' OR reduction = '70'),
        paid_through INTEGER NOT NULL DEFAULT 0,
        window TEXT,
        term_ends_on TEXT NOT NULL,
        next_annuity_year INTEGER,
        next_annuity_due_on TEXT,
        next_annuity_grace_ends_on TEXT,
        dates_provisional INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    , open_license INTEGER NOT NULL DEFAULT 0, open_license_from TEXT);
CREATE TABLE pledge_rights (
        pledge_id INTEGER NOT NULL REFERENCES pledges(id) ON DELETE CASCADE,
        right_type TEXT NOT NULL CHECK (right_type IN ('mark', 'patent')),
        right_no TEXT NOT NULL,
        PRIMARY KEY (pledge_id, right_type, right_no)
    ) WITHOUT ROWID;
CREATE TABLE pledges (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        filing_id INTEGER NOT NULL REFERENCES filings(id),
        pledgor TEXT,
        pledgee TEXT NOT NULL,
        debtor TEXT,
        amount REAL NOT NULL,
        starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'registered', 'released', 'void')),
        released_on TEXT
    );
CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
CREATE TABLE windows (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        parent TEXT REFERENCES windows(code),
        created_at TEXT NOT NULL
    );
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
CREATE INDEX filings_type_status ON filings(type, status);
CREATE INDEX filings_received_on ON filings(received_on);
CREATE INDEX filing_rights_right ON filing_rights(right_type, right_no);
CREATE INDEX pledges_ends_on ON pledges(ends_on);
CREATE INDEX pledge_rights_right ON pledge_rights(right_type, right_no);
CREATE INDEX licenses_ends_on ON licenses(ends_on);
CREATE INDEX licenses_recordal_due_on ON licenses(recordal_due_on);
CREATE INDEX licenses_right ON licenses(right_type, right_no);
CREATE INDEX journal_record ON journal(record_type, record_id)
    ;
CREATE INDEX notices_deadline_on ON notices(status, deadline_on);
CREATE INDEX notices_right ON notices(right_type, right_no)
    ;
CREATE UNIQUE INDEX digest_log_item ON digest_log(channel, recipient, due_on, kind, right_type, right_no,
        ifnull(filing_id, 0), step)
    ;
CREATE INDEX windows_parent ON windows(parent);
CREATE UNIQUE INDEX batch_items_filing ON batch_items(filing_id)
    ;
CREATE INDEX marks_expires_on ON marks(expires_on);
CREATE INDEX marks_grace_ends_on ON marks(grace_ends_on);
CREATE INDEX marks_owner ON marks(owner);
CREATE UNIQUE INDEX marks_reg_no ON marks(reg_no);
CREATE INDEX marks_renewal_window_opens_on ON marks(renewal_window_opens_on);
CREATE UNIQUE INDEX patents_app_no ON patents(app_no);
CREATE INDEX patents_next_annuity_due_on ON patents(next_annuity_due_on);
CREATE INDEX patents_next_annuity_grace_ends_on ON patents(next_annuity_grace_ends_on);
CREATE INDEX patents_owner ON patents(owner);
CREATE INDEX patents_term_ends_on ON patents(term_ends_on);
CREATE INDEX journal_invocation ON journal(invocation);
DELETE FROM "sqlite_sequence";
COMMIT;
