"""The schema, as named migrations (sqlite-utils `Migrations`). Never edit an applied migration:
add a new one, and its frozen schema (tests/frozen_schemas/make.py). A migration spells out its
values (a CHECK's list, a default): the lists the code uses (ipcli.db.filings.FILING_TYPES, ...)
grow by a new migration, never by changing what an applied one wrote."""

import re

from ipcli.db.database import sqlite_utils
from ipcli.db.dialect import is_postgresql
from ipcli.db.schema import MIGRATION_SET

MIGRATIONS = sqlite_utils().Migrations(MIGRATION_SET)


def _run(db, statements: str) -> None:
    # executescript() would COMMIT the migration's transaction; run statements one by one.
    for statement in statements.split(";"):
        if statement.strip():
            db.execute(statement)


@MIGRATIONS()
def m001_register(db):
    _run(db, """
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
    CREATE TABLE mark_classes (
        reg_no TEXT NOT NULL REFERENCES marks(reg_no) ON DELETE CASCADE,
        nice_class INTEGER NOT NULL CHECK (nice_class BETWEEN 1 AND 45),
        PRIMARY KEY (reg_no, nice_class)
    ) WITHOUT ROWID;
    CREATE INDEX marks_expires_on ON marks(expires_on);
    CREATE INDEX marks_renewal_window_opens_on ON marks(renewal_window_opens_on);
    CREATE INDEX marks_grace_ends_on ON marks(grace_ends_on);
    CREATE INDEX marks_owner ON marks(owner);
    CREATE INDEX mark_classes_class ON mark_classes(nice_class);

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
    CREATE INDEX patents_term_ends_on ON patents(term_ends_on);
    CREATE INDEX patents_next_annuity_due_on ON patents(next_annuity_due_on);
    CREATE INDEX patents_next_annuity_grace_ends_on ON patents(next_annuity_grace_ends_on);
    CREATE INDEX patents_owner ON patents(owner);

    CREATE TABLE calendar_years (
        year INTEGER PRIMARY KEY,
        document TEXT NOT NULL,
        source TEXT,
        imported_at TEXT NOT NULL
    );

    CREATE TABLE filings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL CHECK (type IN ('renewal', 'transfer', 'license', 'pledge', 'pledge_extension', \
'pledge_change', 'pledge_release', 'annuity')),
        status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'ready', 'exported', \
'submitted', 'accepted', 'rejected', 'withdrawn')),
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
    CREATE INDEX filings_type_status ON filings(type, status);
    CREATE INDEX filings_received_on ON filings(received_on);
    CREATE TABLE filing_rights (
        filing_id INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
        right_type TEXT NOT NULL CHECK (right_type IN ('mark', 'patent')),
        right_no TEXT NOT NULL,
        PRIMARY KEY (filing_id, right_type, right_no)
    ) WITHOUT ROWID;
    CREATE INDEX filing_rights_right ON filing_rights(right_type, right_no);

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
    CREATE INDEX pledges_ends_on ON pledges(ends_on);
    CREATE TABLE pledge_rights (
        pledge_id INTEGER NOT NULL REFERENCES pledges(id) ON DELETE CASCADE,
        right_type TEXT NOT NULL CHECK (right_type IN ('mark', 'patent')),
        right_no TEXT NOT NULL,
        PRIMARY KEY (pledge_id, right_type, right_no)
    ) WITHOUT ROWID;
    CREATE INDEX pledge_rights_right ON pledge_rights(right_type, right_no);

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
    CREATE INDEX licenses_ends_on ON licenses(ends_on);
    CREATE INDEX licenses_recordal_due_on ON licenses(recordal_due_on);
    CREATE INDEX licenses_right ON licenses(right_type, right_no);

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
    CREATE INDEX journal_record ON journal(record_type, record_id)
    """)


@MIGRATIONS()
def m002_notices(db):
    _run(db, """
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
    CREATE INDEX notices_deadline_on ON notices(status, deadline_on);
    CREATE INDEX notices_right ON notices(right_type, right_no)
    """)


@MIGRATIONS()
def m003_digest_log(db):
    # One row per deadline, reminder step and destination that a digest reached. A webhook's recipient
    # is its redacted address and a fingerprint, never its key or token.
    _run(db, """
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
    CREATE UNIQUE INDEX digest_log_item ON digest_log(channel, recipient, due_on, kind, right_type, right_no,
        ifnull(filing_id, 0), step)
    """)


@MIGRATIONS()
def m004_windows(db):
    # The window tree (province > prefecture > county) and this machine's settings, such as the default
    # window of filings. Window codes already stored on rights and filings need not be registered here.
    _run(db, """
    CREATE TABLE windows (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        parent TEXT REFERENCES windows(code),
        created_at TEXT NOT NULL
    );
    CREATE INDEX windows_parent ON windows(parent);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """)


@MIGRATIONS()
def m005_batches(db):
    # Submission batches (issue 5): one row per batch this register exported or imported, with the
    # document as written or read (what `batch submit` posts), and the filing behind each item.
    _run(db, """
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
    CREATE TABLE batch_items (
        batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        filing_id INTEGER NOT NULL REFERENCES filings(id),
        PRIMARY KEY (batch_id, seq)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX batch_items_filing ON batch_items(filing_id)
    """)


@MIGRATIONS()
def m006_mark_classes_column(db):
    # A mark's Nice classes move from the mark_classes table into a column of marks, as text of the
    # ascending class numbers joined by ";" (ipcli.db.store.classes_text): a mark is one B-tree row
    # instead of rows in two more B-trees (mark_classes and its index), which made large imports
    # several times slower than writing the marks alone (bench/import.py). No query looks marks up by
    # class alone; the same-name checks find the owner's marks by owner first.
    db.execute("ALTER TABLE marks ADD COLUMN classes TEXT NOT NULL DEFAULT ''")
    rows = db.execute("SELECT reg_no, nice_class FROM mark_classes ORDER BY reg_no, nice_class")
    classes = {}
    for reg_no, nice_class in rows:
        classes.setdefault(reg_no, []).append(str(nice_class))
    db.conn.executemany("UPDATE marks SET classes = ? WHERE reg_no = ?",
                        [(";".join(numbers), reg_no) for reg_no, numbers in classes.items()])
    db.execute("DROP TABLE mark_classes")


@MIGRATIONS()
def m007_unique_key_indexes(db):
    # A mark's registration number and a patent's application number become a NOT NULL column with a
    # unique index of its own instead of a TEXT PRIMARY KEY (whose index cannot be dropped). Lookups
    # and uniqueness are the same; a large import can now drop the key index with the others, insert
    # its rows as they come and build the index once, instead of sorting every row by key first
    # (bench/import.py). Each table is rebuilt from its own CREATE statement with the key changed.
    # PostgreSQL alters the key in place.
    for table, key in (("marks", "reg_no"), ("patents", "app_no")):
        if is_postgresql(db):
            db.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey")
            db.execute(f"ALTER TABLE {table} ALTER COLUMN {key} SET NOT NULL")
            db.execute(f"CREATE UNIQUE INDEX {table}_{key} ON {table}({key})")
            continue
        create, indexes = _definition(db, table)
        primary_key, not_null = f"{key} TEXT PRIMARY KEY", f"{key} TEXT NOT NULL"
        assert create.count(primary_key) == 1
        _replace_table(db, table, create.replace(primary_key, not_null), order_by=key)
        db.execute(f"CREATE UNIQUE INDEX {table}_{key} ON {table}({key})")
        for sql in indexes:
            db.execute(sql)


@MIGRATIONS()
def m008_choice_checks_as_comparisons(db):
    # The CHECK that limits a column to a list of values, on the two tables imports fill in bulk, is
    # written `c = 'a' OR c = 'b'` instead of `c IN ('a', 'b')`: the same values pass (the columns are
    # NOT NULL), and SQLite evaluates it faster, as it looks each row's value up in a temporary index
    # of the list for IN (bench/import.py: 0.3-0.4 s of a million-mark import, 5 %). Each table is
    # rebuilt from its own CREATE statement with its rows, in their order, and its indexes. Only SQLite's
    # evaluation changes: PostgreSQL keeps its CHECKs as they are.
    if is_postgresql(db):
        return
    for table, checks in (("marks", 1), ("patents", 2)):
        create, indexes = _definition(db, table)
        rewritten, count = CHOICE_CHECK.subn(_as_comparisons, create)
        assert count == checks
        _replace_table(db, table, rewritten, order_by="rowid")
        for sql in indexes:
            db.execute(sql)


CHOICE_CHECK = re.compile(r"CHECK \((\w+) IN \(('[^']*'(?:, '[^']*')*)\)\)")


def _as_comparisons(check: re.Match) -> str:
    column, values = check.group(1), check.group(2).split(", ")
    return f"CHECK ({' OR '.join(f'{column} = {value}' for value in values)})"


def _definition(db, table: str) -> tuple[str, list[str]]:
    """The CREATE statements of a table and of its indexes."""
    (create,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
    indexes = [sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                            "AND sql IS NOT NULL ORDER BY name", [table]).fetchall()]
    return create, indexes


def _replace_table(db, table: str, create: str, order_by: str) -> None:
    """Replace a table by the one `create` makes (the same columns; its indexes go with the old
    table), copying its rows in `order_by` order."""
    rebuilt = f"{table}_rebuilt"
    renamed, count = re.subn(rf'^CREATE TABLE "?{table}"? \(', f"CREATE TABLE {rebuilt} (", create)
    assert count == 1
    db.execute(renamed)
    db.execute(f"INSERT INTO {rebuilt} SELECT * FROM {table} ORDER BY {order_by}")
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")


@MIGRATIONS()
def m009_open_license_and_license_provisional(db):
    # A patent's open licence (PL 50-51) becomes a fact of its own beside its fee reduction (RULES.md §4
    # "Open licence": the lower fee of the two applies, never both): `open_license` (0/1) and
    # `open_license_from`, the day it took effect (NULL: not known). A stored reduction 'open' meant "open
    # licence, no reduction" and is carried over as such; the reduction CHECK then allows only none, 85
    # and 70. A licence's recordal deadline gets the provisional flag the other shifted dates have.
    db.execute("ALTER TABLE patents ADD COLUMN open_license INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE patents ADD COLUMN open_license_from TEXT")
    db.execute("UPDATE patents SET open_license = 1, reduction = 'none' WHERE reduction = 'open'")
    if is_postgresql(db):
        db.execute("ALTER TABLE patents DROP CONSTRAINT patents_reduction_check")
        db.execute("ALTER TABLE patents ADD CONSTRAINT patents_reduction_check "
                   "CHECK (reduction IN ('none', '85', '70'))")
    else:
        _narrow_reduction_check(db)
    db.execute("ALTER TABLE licenses ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0")


def _narrow_reduction_check(db) -> None:
    create, indexes = _definition(db, "patents")
    old_check = "reduction = 'none' OR reduction = '85' OR reduction = '70' OR reduction = 'open'"
    assert create.count(old_check) == 1
    _replace_table(db, "patents", create.replace(old_check, "reduction = 'none' OR reduction = '85' OR "
                                                            "reduction = '70'"), order_by="rowid")
    for sql in indexes:
        db.execute(sql)


@MIGRATIONS()
def m010_recompute_shifted_dates(db):
    # RULES.md corrected (issue 15): a patent time limit moved onto a 调休 working Saturday or Sunday ends on
    # the following Monday (R-PAT-WEEKEND), and a date that depends on a day from December 25 is provisional
    # while the next year's holiday table is not loaded (R-PROVISIONAL-DECEMBER). The stored dates those
    # rules can move are recomputed with the rules of this ipcli and the register's calendar, and each
    # change is journaled. (Derived dates follow the rules in force: a later correction adds its own
    # recomputation.)
    from ipcli.db import shifted_dates

    calendar = shifted_dates.register_calendar(db)
    changes = shifted_dates.changes_after_rule_update(db, calendar)
    shifted_dates.apply(db, changes, operator="ipcli", command="migration m010_recompute_shifted_dates")


@MIGRATIONS()
def m011_journal_invocations(db):
    # `ipcli undo` and `ipcli log revert` undo what one command wrote: the journal entries of one command
    # share its `invocation` id. `revertible` marks the entries whose before and after are the whole
    # stored record (ipcli.db.records), which a revert can put back exactly; imports, digests, batches and
    # the entries of earlier ipcli versions hold summaries or partial images and stay 0. The entries of a
    # revert name the invocation they revert (`reverts`): a write that was reverted since no longer stands
    # in the way of reverting an earlier one.
    db.execute("ALTER TABLE journal ADD COLUMN invocation TEXT")
    db.execute("ALTER TABLE journal ADD COLUMN revertible INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE journal ADD COLUMN reverts TEXT")
    db.execute("CREATE INDEX journal_invocation ON journal(invocation)")


@MIGRATIONS()
def m012_text_in_code_point_order(db):
    # Text is compared byte by byte, as SQLite compares it (BINARY), whatever locale the PostgreSQL
    # database was created with: listings sort the same on both backends, and the server keeps the
    # indexes of a large import up to date with memcmp instead of the locale's rules. Registers made
    # from now on have it from their CREATE TABLE (ipcli.db.dialect); this changes PostgreSQL registers
    # made before. SQLite's text already compares so.
    if not is_postgresql(db):
        return
    columns = db.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C' ORDER BY table_name, column_name").fetchall()
    for table, column in columns:
        db.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE TEXT')
