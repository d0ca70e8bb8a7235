"""What the code needs to know of the schema without loading the migrations (and sqlite-utils with them):
the names of the migrations, so that a command on an up-to-date register reads its schema version with
sqlite3 alone (ipcli.db.connection.migrate)."""

# sqlite-utils' Migrations keeps its record in this table, one row per migration of a named set.
MIGRATIONS_TABLE = "_sqlite_migrations"
MIGRATION_SET = "ipcli"
# ipcli.db.migrations defines these, in this order (tests/test_register.py checks that they agree).
MIGRATION_NAMES = (
    "m001_register",
    "m002_notices",
    "m003_digest_log",
    "m004_windows",
    "m005_batches",
    "m006_mark_classes_column",
    "m007_unique_key_indexes",
    "m008_choice_checks_as_comparisons",
    "m009_open_license_and_license_provisional",
    "m010_recompute_shifted_dates",
    "m011_journal_invocations",
    "m012_text_in_code_point_order",
)
