"""ipcli.errors: a failed file operation becomes one usage error naming why (os_errors_as); a refusal
survives pickling whole."""

import pickle
from datetime import date

import pytest

from ipcli.errors import Rejected, UsageProblem, os_errors_as


@pytest.mark.parametrize("error, reason", [
    (FileNotFoundError(2, "No such file or directory", "x.csv"), "No such file or directory"),
    (OSError("disk quota"), "disk quota"),
    (IsADirectoryError(), "IsADirectoryError"),
])
def test_an_os_error_becomes_a_usage_problem_with_its_reason(error, reason):
    with pytest.raises(UsageProblem) as problem:
        with os_errors_as("err.file_unreadable", file="x.csv"):
            raise error
    assert (problem.value.key, problem.value.params) == ("err.file_unreadable", {"file": "x.csv", "reason": reason})
    assert problem.value.__suppress_context__


def test_other_errors_pass_through():
    with pytest.raises(ValueError):
        with os_errors_as("err.file_unreadable", file="x.csv"):
            raise ValueError("not a file problem")


def test_a_refusal_keeps_its_rule_and_values_through_pickle():
    # An import's worker process sends its refusals to the parent pickled (ipcli.register.importing.parts).
    copy = pickle.loads(pickle.dumps(Rejected("import.date_range", rule="IMPORT-DATE", value=date(1979, 12, 31))))
    assert (type(copy), copy.key, copy.rule, copy.params) == \
        (Rejected, "import.date_range", "IMPORT-DATE", {"value": date(1979, 12, 31)})
