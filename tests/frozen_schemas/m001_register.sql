BEGIN TRANSACTION;
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
INSERT INTO "_sqlite_migrations" VALUES(1,'ipcli','m001_register','2026-12-05 06:47:46.553068+00:00');
CREATE TABLE calendar_years (
        year INTEGER PRIMARY KEY,
        document TEXT NOT NULL,
        source TEXT,
        imported_at TEXT NOT NULL
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
    );
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
    );
CREATE TABLE mark_classes (
        reg_no TEXT NOT NULL REFERENCES marks(reg_no) ON DELETE CASCADE,
        nice_class INTEGER NOT NULL CHECK (nice_class BETWEEN 1 AND 45),
        PRIMARY KEY (reg_no, nice_class)
    ) WITHOUT ROWID;
CREATE TABLE marks (
        reg_no TEXT PRIMARY KEY,
        name TEXT,
        owner TEXT,
        owner_id TEXT,
        kind TEXT NOT NULL DEFAULT 'ordinary' CHECK (kind IN ('ordinary', 'collective', 'certification')),
        registered_on TEXT NOT NULL,
        term_starts_on TEXT NOT NULL,
        window TEXT,
        expires_on TEXT NOT NULL,
        renewal_window_opens_on TEXT NOT NULL,
        grace_ends_on TEXT NOT NULL,
        dates_provisional INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
CREATE TABLE patents (
        app_no TEXT PRIMARY KEY,
        type TEXT NOT NULL CHECK (type IN ('invention', 'utility', 'design')),
        filed_on TEXT NOT NULL,
        granted_on TEXT,
        title TEXT,
        owner TEXT,
        owner_id TEXT,
        reduction TEXT NOT NULL DEFAULT 'none' CHECK (reduction IN ('none', '85', '70', 'open')),
        paid_through INTEGER NOT NULL DEFAULT 0,
        window TEXT,
        term_ends_on TEXT NOT NULL,
        next_annuity_year INTEGER,
        next_annuity_due_on TEXT,
        next_annuity_grace_ends_on TEXT,
        dates_provisional INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
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
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
CREATE INDEX marks_expires_on ON marks(expires_on);
CREATE INDEX marks_renewal_window_opens_on ON marks(renewal_window_opens_on);
CREATE INDEX marks_grace_ends_on ON marks(grace_ends_on);
CREATE INDEX marks_owner ON marks(owner);
CREATE INDEX mark_classes_class ON mark_classes(nice_class);
CREATE INDEX patents_term_ends_on ON patents(term_ends_on);
CREATE INDEX patents_next_annuity_due_on ON patents(next_annuity_due_on);
CREATE INDEX patents_next_annuity_grace_ends_on ON patents(next_annuity_grace_ends_on);
CREATE INDEX patents_owner ON patents(owner);
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
DELETE FROM "sqlite_sequence";
COMMIT;
