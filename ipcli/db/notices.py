"""SQL of office notices and their response deadlines."""

from ipcli.db.connection import recorded_at

NOTICE_COLUMNS = ("right_type", "right_no", "kind", "dispatched_on", "served", "starts_on", "deadline_raw",
                  "deadline_on", "provisional", "rule")


def insert_notice(store, notice: dict) -> int:
    cursor = store.db.execute(
        f"INSERT INTO notices ({', '.join(NOTICE_COLUMNS)}, created_at) "
        f"VALUES ({', '.join('?' * len(NOTICE_COLUMNS))}, ?)",
        [*(notice[c] for c in NOTICE_COLUMNS), recorded_at(store.db)])
    return cursor.lastrowid


def get_notice(store, notice_id: int) -> dict | None:
    rows = list(store.db.query("SELECT * FROM notices WHERE id = ?", [notice_id]))
    return rows[0] if rows else None


def list_notices(store, status: str | None = None) -> list[dict]:
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    return list(store.db.query(f"SELECT * FROM notices {where} ORDER BY deadline_on, id", params))


def close_notice(store, notice_id: int, done_on: str) -> None:
    store.db.execute("UPDATE notices SET status = 'done', done_on = ? WHERE id = ?", [done_on, notice_id])
