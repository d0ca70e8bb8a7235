"""Whole stored records, as the journal holds them for a revert: a right, a filing with its rights, a pledge
with its rights, a licence, a notice. `image` reads one (every column, as stored: what a revert must put
back), `restore` writes one back exactly, or deletes it."""

from dataclasses import dataclass, field

from ipcli.db import filings, notices
from ipcli.db.nice_classes import classes_text

_NOT_STORED = ("pledged",)  # computed by the getters of rights, not a column


def _right_reader(getter_name: str):
    def read(store, key):
        row = getattr(store, getter_name)(key)
        return None if row is None else {k: v for k, v in row.items() if k not in _NOT_STORED}
    return read


@dataclass(frozen=True)
class Kind:
    table: str
    key: str
    read: object  # (store, key) -> image | None
    rights_table: str | None = None  # the table holding the image's "rights", by `key`'s record
    rights_parent: str | None = None
    encode: dict = field(default_factory=dict)  # column -> stored form of the image's value

    def typed_key(self, record_id):
        return int(record_id) if self.key == "id" else str(record_id)


KINDS = {
    "mark": Kind("marks", "reg_no", _right_reader("get_mark"), encode={"classes": classes_text}),
    "patent": Kind("patents", "app_no", _right_reader("get_patent")),
    "filing": Kind("filings", "id", filings.get_filing, "filing_rights", "filing_id",
                   encode={"details": filings.details_text}),
    "pledge": Kind("pledges", "id", filings.get_pledge, "pledge_rights", "pledge_id"),
    "license": Kind("licenses", "id", filings.get_license),
    "notice": Kind("notices", "id", notices.get_notice),
}
RIGHT_TYPES = ("mark", "patent")


def image(store, record_type: str, record_id) -> dict | None:
    kind = KINDS[record_type]
    return kind.read(store, kind.typed_key(record_id))


def restore(store, record_type: str, record_id, stored: dict | None) -> None:
    """Make the record exactly `stored`: delete it when None, else update or insert every column."""
    kind = KINDS[record_type]
    key = kind.typed_key(record_id)
    if stored is None:
        store.db.execute(f"DELETE FROM {kind.table} WHERE {kind.key} = ?", [key])  # its rights cascade
        return
    row = {column: kind.encode.get(column, _same)(value) for column, value in stored.items() if column != "rights"}
    assignments = ", ".join(f"{column} = ?" for column in row)
    updated = store.db.execute(f"UPDATE {kind.table} SET {assignments} WHERE {kind.key} = ?", [*row.values(), key])
    if updated.rowcount == 0:
        store.db.execute(f"INSERT INTO {kind.table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                         list(row.values()))
    if kind.rights_table:
        store.db.execute(f"DELETE FROM {kind.rights_table} WHERE {kind.rights_parent} = ?", [key])
        store.db.conn.executemany(
            f"INSERT INTO {kind.rights_table} ({kind.rights_parent}, right_type, right_no) VALUES (?, ?, ?)",
            [(key, right["right_type"], right["right_no"]) for right in stored["rights"]])


def _same(value):
    return value


# What refers to a record, as (record type, id, status) rows: a record referred to is not deleted.
_REFERENCES = {
    "right": ("SELECT 'filing', f.id, f.status FROM filing_rights r JOIN filings f ON f.id = r.filing_id "
              "WHERE r.right_type = :type AND r.right_no = :key "
              "UNION ALL SELECT 'pledge', g.id, g.status FROM pledge_rights r JOIN pledges g ON g.id = r.pledge_id "
              "WHERE r.right_type = :type AND r.right_no = :key "
              "UNION ALL SELECT 'license', id, status FROM licenses WHERE right_type = :type AND right_no = :key "
              "UNION ALL SELECT 'notice', id, status FROM notices WHERE right_type = :type AND right_no = :key"),
    # a batch's id is text: the other ids as text too, the one type PostgreSQL's UNION accepts for the column
    "filing": ("SELECT 'batch', batch_id, NULL FROM batch_items WHERE filing_id = :key "
               "UNION ALL SELECT 'pledge', CAST(id AS TEXT), status FROM pledges WHERE filing_id = :key "
               "UNION ALL SELECT 'license', CAST(id AS TEXT), status FROM licenses WHERE filing_id = :key"),
    "pledge": ("SELECT 'filing', id, status FROM filings WHERE type IN ('pledge_extension', 'pledge_change', "
               "'pledge_release') AND CAST(json_extract(details, '$.pledge_id') AS INTEGER) = :key"),
}


def references(store, record_type: str, record_id) -> list[tuple]:
    """(record type, id, status) of every stored record that refers to this one, ordered."""
    sql = _REFERENCES.get("right" if record_type in RIGHT_TYPES else record_type)
    if sql is None:
        return []
    key = KINDS[record_type].typed_key(record_id)
    return sorted(tuple(row) for row in store.db.execute(sql, {"type": record_type, "key": key}).fetchall())


def missing_parents(store, record_type: str, stored: dict) -> list[tuple[str, str]]:
    """(record type, id) of the records that `stored` refers to and the register does not hold."""
    parents = [(right["right_type"], right["right_no"]) for right in stored.get("rights", ())]
    if "right_no" in stored:
        parents.append((stored["right_type"], stored["right_no"]))
    if record_type in ("pledge", "license"):
        parents.append(("filing", stored["filing_id"]))
    return [(kind, str(key)) for kind, key in parents if image(store, kind, key) is None]
