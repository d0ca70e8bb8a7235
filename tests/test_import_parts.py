"""A large import read by two processes (ipcli.register.importing.parts): the cut at a record end, and
the same outcome, to the byte of every message and stored row, as the input read whole in one
process, into an empty register (rows inserted as read) and into one holding rights (rows staged);
and the rollback journal of a large write (ipcli.db.connection)."""

import json
import os
import sqlite3
import threading

import pytest
from click.testing import CliRunner

from ipcli.cli import cli
from ipcli.db import connection
from ipcli.db.store import MARK_COLUMNS, PATENT_COLUMNS
from ipcli.errors import Busy
from ipcli.register.importing import parts as import_parts
from ipcli.register.importing import reading, writers
from tests.conftest import BASE_ENV, register_sql
from tests.test_import import HEADER, PATENT_HEADER, app_no, many_marks, write


def run(db_path, *args):
    runner = CliRunner(env={**BASE_ENV, "IPCLI_DB": str(db_path)})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="ipcli")


# A mark and a patent no test input holds: a register holding them has its imports staged.
HELD = {"mark": (HEADER, "9,1,Held,,,,2020-01-01,\n"),
        "patent": (PATENT_HEADER, f"{app_no('201980000001')},,2019-01-01,,Held,,,,,\n")}


def stored(register: str, table: str) -> list[tuple]:
    """The rows of a table, but for the held rights, without their time stamps."""
    columns, named = (PATENT_COLUMNS, "title") if table == "patents" else (MARK_COLUMNS, "name")
    return register_sql(register, f"SELECT {', '.join(columns)} FROM {table} "
                                  f"WHERE {named} IS NULL OR {named} <> 'Held' ORDER BY 1")


@pytest.fixture(params=["empty", "holding rights"])
def reads(request, monkeypatch, tmp_path, registers):
    """Import a file twice into fresh registers, empty or holding rights, whole and in two parts;
    returns both results, the parts of the last cut tried, and whether the second run read the file
    whole after all."""
    cuts, wholes = [], []
    split, read_whole = import_parts.split, reading.Reader._read_whole

    def recording_split(path, share, quoted):
        parts = split(path, share, quoted)
        cuts.append(parts)
        return parts

    def recording_read_whole(*args):
        wholes.append(args)
        return read_whole(*args)

    def both(kind: str, path, *options):
        results = {}
        for name, workers, smallest in (("whole", 1, import_parts.MIN_BYTES), ("parts", 2, 0)):
            monkeypatch.setattr(import_parts, "workers_available", lambda workers=workers: workers)
            monkeypatch.setattr(import_parts, "MIN_BYTES", smallest)
            monkeypatch.setattr(import_parts, "split", recording_split)
            monkeypatch.setattr(reading.Reader, "_read_whole", recording_read_whole)
            wholes.clear()
            register = registers()
            if request.param == "holding rights":
                for held, (header, row) in HELD.items():
                    assert run(register, "-q", held, "import", write(tmp_path, "held.csv", header + row)).exit_code == 0
                cuts.clear()
            result = run(register, "-q", kind, "import", path, "--format", "json", *options)
            results[name] = (result.exit_code, result.stdout, result.stderr,
                             stored(register, "marks" if kind == "mark" else "patents"))
        # The cut the second run used; None when it read the file whole, perhaps after trying one.
        return results["whole"], results["parts"], None if wholes else cuts[-1]

    both.cuts = cuts

    return both


def test_a_file_read_in_two_parts_is_stored_as_if_read_whole(reads, tmp_path):
    path = write(tmp_path, "marks.csv", HEADER + "".join(many_marks(3_000)))
    whole, parts, cut = reads("mark", path)
    assert cut is not None and cut[0].end == cut[1].start
    assert parts == whole
    assert whole[0] == 0 and json.loads(whole[1])["added"] == 3_000 and len(whole[3]) == 3_000


def test_bad_rows_and_repeats_in_both_parts_are_reported_at_their_lines(reads, tmp_path, monkeypatch):
    # All the worker's rows are staged after this process's first chunk: line 2962 before line 32.
    monkeypatch.setattr(reading, "CHUNK_ROWS", 5)
    monkeypatch.setattr(import_parts.Worker, "ready", import_parts.Worker.rest)
    rows = list(many_marks(3_000))
    rows[10] = "1000010,99,Bad class,,,,2020-01-01,\n"    # in the first part
    rows[2_900] = "1002900,9,Bad date,,,,2020-02-30,\n"  # in the worker's part
    rows[2_950] = rows[20]                                 # repeats a row of the first part
    rows[30] = rows[2_960]                                 # repeats, earlier, a row of the worker's
    path = write(tmp_path, "marks.csv", HEADER + "".join(rows))
    whole, parts, cut = reads("mark", path)
    assert cut is not None
    assert parts == whole
    assert whole[0] == 65 and whole[3] == []
    messages = whole[2].splitlines()
    assert [message.split(": ")[0] for message in messages[:-1]] == \
        [f"{path}:{line}" for line in (12, 2902, 2952, 2962)]
    assert messages[2].endswith("1000020 appears again in this input (first on line 22) [IMPORT-DUPLICATE]")
    assert messages[3].endswith("1002960 appears again in this input (first on line 32) [IMPORT-DUPLICATE]")


def test_a_quoted_field_across_the_middle_is_never_cut(reads, tmp_path):
    rows = list(many_marks(3_000))
    # An odd quote in an unquoted field, then fields with line breaks all around the aim of the cut:
    # counting quotes finds an even count inside a quoted field, and reading the first part shows it.
    rows[5] = '1000005,9,say "hi,,,,2015-05-05,\n'
    for index in range(400, 2_000):
        rows[index] = f'{1_000_000 + index},9,"line one\nline two",,,,2016-06-06,\n'
    path = write(tmp_path, "marks.csv", HEADER + "".join(rows))
    whole, parts, cut = reads("mark", path)
    tried = reads.cuts[-1]
    assert tried is not None and cut is None  # a cut was tried, inside a quoted field, and given up
    assert path.read_bytes()[:tried[0].end].endswith(b"line one\n")
    assert parts == whole
    assert whole[0] == 0 and json.loads(whole[1])["added"] == 3_000


def test_jsonl_and_gb18030_inputs_read_in_parts(reads, tmp_path):
    lines = [json.dumps({"reg_no": str(1_000_000 + n), "classes": [n % 45 + 1], "name": f"闽光{n}",
                         "registered_on": f"{2004 + n % 20}-03-0{n % 9 + 1}"}, ensure_ascii=False)
             for n in range(2_000)]
    jsonl = write(tmp_path, "marks.jsonl", "\n".join(lines) + "\n")
    whole, parts, cut = reads("mark", jsonl)
    assert cut is not None and parts == whole and whole[0] == 0
    # Only the worker's part is not ASCII: its reading as UTF-8 fails there, the parent reads again.
    rows = list(many_marks(2_000))
    text = "".join(rows[:1_500]) + "".join(rows[1_500:]).replace("Mark", "闽光")
    gb = write(tmp_path, "marks.csv", HEADER + text, "gb18030")
    whole, parts, cut = reads("mark", gb)
    assert cut is not None and parts == whole and whole[0] == 0
    assert {row[MARK_COLUMNS.index("name")][:2] for row in whole[3]} == {"Ma", "闽光"}


def test_a_header_without_a_required_column_is_refused_alike(reads, tmp_path):
    path = write(tmp_path, "marks.csv", HEADER.replace("classes", "klassen") + "".join(many_marks(2_000)))
    whole, parts, _ = reads("mark", path)
    assert parts == whole and whole[0] == 65 and whole[3] == []
    assert whole[2].splitlines()[0].startswith(f"{path}:1: the header has no column classes (accepted: classes, ")


def test_patents_read_in_parts(reads, tmp_path):
    rows = [f"{app_no(f'20191{n:07d}')},invention,2019-06-{n % 28 + 1:02d},,Title {n},Owner,,{n % 3},,\n"
            for n in range(2_000)]
    path = write(tmp_path, "patents.csv", PATENT_HEADER + "".join(rows))
    whole, parts, cut = reads("patent", path)
    assert cut is not None and parts == whole and whole[0] == 0


def test_the_cut_follows_a_line_end_with_an_even_count_of_quotes(tmp_path, monkeypatch):
    monkeypatch.setattr(import_parts, "MIN_BYTES", 0)
    path = tmp_path / "a.csv"
    path.write_bytes(b'h\n"a\nb"\nc\nd\ne\nf\ng\nh\ni\nj\n')
    first, second = import_parts.split(path, 0.2, quoted=True)
    head = path.read_bytes()[:first.end]
    assert head.endswith(b"\n") and head.count(b'"') % 2 == 0
    assert (first.start, second.start, second.end) == (0, first.end, path.stat().st_size)
    assert second.first_line == head.count(b"\n") + 1
    path.write_bytes(b'h\n"' + b"x\n" * 20)  # every line end inside the one quoted field
    assert import_parts.split(path, 0.2, quoted=True) is None
    assert import_parts.split(path, 0.2, quoted=False) is not None
    monkeypatch.setattr(import_parts, "MIN_BYTES", 1 << 20)
    assert import_parts.split(path, 0.2, quoted=False) is None  # too small to be worth a process


@pytest.mark.parametrize("text, cpus", [("max 100000\n", None), ("150000 100000\n", 1), ("400000 100000\n", 4),
                                        ("50000 100000\n", 1)])
def test_a_cgroup_quota_limits_the_cpus_counted(tmp_path, text, cpus):
    path = tmp_path / "cpu.max"
    path.write_text(text)
    assert import_parts._cpu_quota(path) == (cpus or os.cpu_count())
    assert import_parts._cpu_quota(tmp_path / "absent") == os.cpu_count()


def test_a_worker_error_is_raised_in_the_parent_and_the_worker_is_gone(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"x\n" * 10)

    def work(part, send):
        send([(1, "a")])
        raise ValueError(f"bad part {part.number}")

    with pytest.raises(ValueError, match="bad part 1"):
        with import_parts.Worker(import_parts.Part(1, 0, 20, 1), work) as worker:
            list(worker.rest())
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(worker._pid, 0)


def test_a_worker_sends_rows_and_its_result(tmp_path):
    def work(part, send):
        send([(1, "a", None)])
        send([(2, "b", 3)])
        return {"lines": part.first_line}

    with import_parts.Worker(import_parts.Part(1, 0, 0, 7), work) as worker:
        assert list(worker.rest()) == [[(1, "a", None)], [(2, "b", 3)]]
    assert worker.result == {"lines": 7}


def test_a_large_import_into_a_register_nobody_else_has_open_leaves_it_in_wal(tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "REBUILD_MIN_ROWS", 100)
    path = write(tmp_path, "marks.csv", HEADER + "".join(many_marks(500)))
    db_path = tmp_path / "ipcli.db"
    assert run(db_path, "-q", "mark", "import", path).exit_code == 0
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM marks").fetchone()[0] == 500


def test_a_large_import_with_a_reader_open_keeps_the_wal(tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "REBUILD_MIN_ROWS", 100)
    db_path = tmp_path / "ipcli.db"
    assert run(db_path, "init").exit_code == 0
    reader = sqlite3.connect(db_path)
    assert reader.execute("SELECT count(*) FROM marks").fetchone()[0] == 0
    modes = []
    rollback_journal = connection.rollback_journal

    def recording(db):
        context = rollback_journal(db)
        modes.append(db.execute("PRAGMA journal_mode").fetchone()[0])
        return context

    monkeypatch.setattr("ipcli.db.bulk.rollback_journal", recording)
    path = write(tmp_path, "marks.csv", HEADER + "".join(many_marks(500)))
    assert run(db_path, "-q", "mark", "import", path).exit_code == 0
    assert modes == ["wal"]  # SQLite cannot leave WAL while the reader has the file open
    assert reader.execute("SELECT count(*) FROM marks").fetchone()[0] == 500
    reader.close()


def test_opening_waits_while_another_connection_writes_with_a_rollback_journal(tmp_path):
    db_path = tmp_path / "ipcli.db"
    connection.open_db(db_path).conn.close()
    writer = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    assert writer.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO windows (code, name, created_at) VALUES ('W1', 'w', '2026-11-21')")
    timer = threading.Timer(0.5, lambda: (writer.execute("COMMIT"), writer.execute("PRAGMA journal_mode = WAL")))
    timer.start()
    try:
        db = connection.open_db(db_path, busy_timeout=10)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM windows").fetchone()[0] == 1
        db.conn.close()
    finally:
        timer.join()
        writer.close()


def test_opening_gives_up_past_the_busy_timeout_with_exit_75(tmp_path):
    db_path = tmp_path / "ipcli.db"
    connection.open_db(db_path).conn.close()
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("PRAGMA journal_mode = DELETE")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO windows (code, name, created_at) VALUES ('W1', 'w', '2026-11-21')")
    try:
        with pytest.raises(Busy) as busy:
            connection.open_db(db_path, busy_timeout=0.3)
        assert busy.value.exit_code == 75 and busy.value.params == {"path": str(db_path)}
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@pytest.mark.parametrize("utf8_first", [True, False], ids=["utf8-then-gb18030", "gb18030-then-utf8"])
def test_a_file_in_two_encodings_is_refused_alike_whole_and_in_parts(reads, tmp_path, utf8_first):
    # UTF-8 Chinese in one part, GB18030 in the other: both parts decode as GB18030 (the UTF-8 names
    # are of two characters, six bytes, three characters of GB18030), and used to be read so.
    rows = list(many_marks(2_000))
    utf8, gb = "".join(rows[:1_000]).replace("Mark", "商标"), "".join(rows[1_000:]).replace("Mark", "闽光")
    data = HEADER.encode() + (utf8.encode() + gb.encode("gb18030") if utf8_first
                              else gb.encode("gb18030") + utf8.encode())
    path = tmp_path / "marks.csv"
    path.write_bytes(data)
    assert data.decode("gb18030")
    whole, parts, _ = reads("mark", path)
    assert parts == whole and whole[0] == 65 and whole[3] == []
    first_gb, first_utf8 = (1_002, 2) if utf8_first else (2, 1_002)
    assert whole[2].splitlines()[0] == (
        f"{path}:{first_gb}: this line is not UTF-8 text, but line {first_utf8} is: a file is read in one "
        "encoding, UTF-8 or GB18030 [IMPORT-ENCODING]")
