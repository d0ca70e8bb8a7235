"""ipcli.errors.os_errors_as: a failed file operation becomes one usage error naming why."""

import pytest

from ipcli.errors import UsageProblem, os_errors_as


@pytest.mark.parametrize("error, reason", [
    (FileNotFoundError(2, "No such file or directory", "x.csv"), "No such file or directory"),
    (OSError("disk quota"), "disk quota"),
    (IsADirectoryError(), "IsADirectoryError"),
])
def test_an_os_error_becomes_a_usage_problem_with_its_reason(error, reason):
    with pytest.raises(UsageProblem) as problem:
        with os_errors_as("import.unreadable", file="x.csv"):
            raise error
    assert (problem.value.key, problem.value.params) == ("import.unreadable", {"file": "x.csv", "reason": reason})
    assert problem.value.__suppress_context__


def test_other_errors_pass_through():
    with pytest.raises(ValueError):
        with os_errors_as("import.unreadable", file="x.csv"):
            raise ValueError("not a file problem")
