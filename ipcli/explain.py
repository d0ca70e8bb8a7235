"""`--explain`: the trail of rules behind a result, as `{rule, citation, confidence, step}` rows."""

from ipcli.i18n import localize_codes, t
from ipcli.rules.catalog import RULES


def _step_text(step) -> str:
    return t(step.key, **localize_codes(step.params))


def citation(rule) -> str:
    """Where the rule comes from, in the reader's language (商标法第39条 for TML 39)."""
    return t(f"citation.{rule.id}")


def explain_rows(steps) -> list[dict]:
    """One row per distinct step, in the order the rules were applied."""
    rows, seen = [], set()
    for step in steps:
        text = _step_text(step)
        if (step.rule, text) in seen:
            continue
        seen.add((step.rule, text))
        rule = RULES[step.rule]
        rows.append({"rule": rule.id, "citation": citation(rule), "confidence": rule.confidence, "step": text})
    return rows
