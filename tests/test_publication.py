"""The intent an export leaves next to the database while it publishes its files, and how a later
command settles one (ipcli/register/publication.py); the whole export is in tests/test_batch.py."""

from ipcli.register import publication


def files(tmp_path, *states: str) -> list:
    """(temporary, final) pairs, each file present as its state says: "temporary" or "final"."""
    pairs = []
    for index, state in enumerate(states):
        pair = (tmp_path / f".b{index}.tmp", tmp_path / f"b{index}.json")
        (pair[0] if state == "temporary" else pair[1]).write_text("x")
        pairs.append(pair)
    return pairs


def test_only_this_databases_intents_are_pending(tmp_path):
    db = tmp_path / "ipcli.db"
    for name in ("ipcli.db-wal", "other.db-export-1.json", "ipcli.db-export-1.json.tmp", ".ipcli.db-export-2.json.tmp"):
        (tmp_path / name).write_text("{}")
    assert publication.pending_intents(db) == []
    intent = publication.write_intent(db, "1", [])
    assert publication.pending_intents(db) == [intent] and intent.name == "ipcli.db-export-1.json"


def test_an_uncommitted_export_loses_the_files_it_renamed_and_its_temporary_ones(tmp_path):
    db, pairs = tmp_path / "ipcli.db", files(tmp_path, "final", "temporary")
    publication.write_intent(db, "b1", pairs)
    assert publication.recover(db, lambda batch_id: False) == [("b1", False)]
    assert sorted(tmp_path.iterdir()) == []


def test_a_committed_export_keeps_its_files(tmp_path):
    db, pairs = tmp_path / "ipcli.db", files(tmp_path, "final", "final")
    publication.write_intent(db, "b1", pairs)
    asked = []
    assert publication.recover(db, lambda batch_id: asked.append(batch_id) or True) == [("b1", True)]
    assert asked == ["b1"] and sorted(tmp_path.iterdir()) == sorted(final for _, final in pairs)


def test_a_file_that_is_not_an_intent_is_dropped_without_touching_anything_else(tmp_path):
    db, pairs = tmp_path / "ipcli.db", files(tmp_path, "final")
    (tmp_path / "ipcli.db-export-b1.json").write_text('{"batch_id": "b1", "files": 7}')
    assert publication.recover(db, lambda batch_id: False) == []
    assert sorted(tmp_path.iterdir()) == [pairs[0][1]]
