"""The intent an export keeps next to the database while it writes and publishes its files, and how a
later command settles one (ipcli/register/publication.py); the whole export is in tests/test_batch.py."""

import pytest

from ipcli.register import publication


def batch_files(tmp_path, *states: str) -> list:
    """The final names of a batch's files, each present as its state says: under its "final" name, as
    a "temporary" copy (renamed or not yet), or "none" at all."""
    finals = []
    for index, state in enumerate(states):
        final = tmp_path / "out" / f"b1-{index}.json"
        final.parent.mkdir(exist_ok=True)
        if state == "final":
            final.write_text("x")
        elif state == "temporary":
            temporary(final, "k2j").write_text("x")
        finals.append(final)
    return finals


def temporary(final, middle: str):
    return final.parent / f"{publication.temporary_prefix(final.name)}{middle}{publication.TEMPORARY_SUFFIX}"


def left(tmp_path) -> list:
    return sorted(path.name for path in tmp_path.rglob("*") if path.is_file())


def test_only_this_databases_intents_are_pending(tmp_path):
    db = tmp_path / "ipcli.db"
    for name in ("ipcli.db-wal", "other.db-export-1.json", "ipcli.db-export-1.json.tmp", ".ipcli.db-export-2.json.tmp"):
        (tmp_path / name).write_text("{}")
    assert publication.pending_intents(db) == []
    intent = publication.Intent(db, "1", [])
    intent.record(publishing=False)
    assert publication.pending_intents(db) == [intent.path] and intent.path.name == "ipcli.db-export-1.json"
    intent.remove()
    assert publication.pending_intents(db) == []


@pytest.mark.parametrize("publishing", [False, True])
def test_an_uncommitted_export_leaves_no_file(tmp_path, publishing):
    db = tmp_path / "ipcli.db"
    finals = batch_files(tmp_path, "final", "temporary") if publishing else batch_files(tmp_path, "temporary", "none")
    publication.Intent(db, "b1", finals).record(publishing)
    assert publication.recover(db, lambda batch_id: False) == [("b1", False, None)]
    assert left(tmp_path) == []


def test_a_file_of_that_name_stays_while_the_export_had_not_begun_publishing(tmp_path):
    db, finals = tmp_path / "ipcli.db", batch_files(tmp_path, "final")
    publication.Intent(db, "b1", finals).record(publishing=False)
    assert publication.recover(db, lambda batch_id: False) == [("b1", False, None)]
    assert left(tmp_path) == ["b1-0.json"]


def test_a_committed_export_keeps_its_files_and_loses_stray_temporaries(tmp_path):
    db, finals = tmp_path / "ipcli.db", batch_files(tmp_path, "final", "final")
    temporary(finals[0], "zz").write_text("")
    publication.Intent(db, "b1", finals).record(publishing=True)
    asked = []
    assert publication.recover(db, lambda batch_id: asked.append(batch_id) or True) == [("b1", True, None)]
    assert asked == ["b1"] and left(tmp_path) == ["b1-0.json", "b1-1.json"]


def test_a_file_that_is_not_an_intent_is_dropped_without_touching_anything_else(tmp_path):
    db = tmp_path / "ipcli.db"
    batch_files(tmp_path, "final")
    (tmp_path / "ipcli.db-export-b1.json").write_text('{"batch_id": "b1", "files": 7, "publishing": true}')
    assert publication.recover(db, lambda batch_id: False) == []
    assert left(tmp_path) == ["b1-0.json"]


def test_a_file_that_cannot_be_removed_keeps_the_intent_for_the_next_command(tmp_path):
    db, finals = tmp_path / "ipcli.db", batch_files(tmp_path, "none")
    finals[0].mkdir()  # where the export's file should be, something unlink() refuses (even to root)
    publication.Intent(db, "b1", finals).record(publishing=True)
    settled = publication.recover(db, lambda batch_id: False)
    assert [(s.batch_id, s.committed) for s in settled] == [("b1", False)] and "b1-0.json" in settled[0].problem
    assert publication.pending_intents(db) == [publication.intent_path(db, "b1")]
    finals[0].rmdir()
    assert publication.recover(db, lambda batch_id: False) == [("b1", False, None)] and left(tmp_path) == []
