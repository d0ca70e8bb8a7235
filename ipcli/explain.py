"""`--explain`: the trail of rules behind a result, as `{rule, citation, confidence, step}` rows."""

from ipcli.i18n import t
from ipcli.rules.catalog import RULES

# Step parameters holding a code that reads better translated.
_CODE_PARAMS = frozenset({"type", "channel", "item", "source", "unit"})


def _step_text(step) -> str:
    params = {name: t(f"value.{value}") if name in _CODE_PARAMS else value for name, value in step.params.items()}
    return t(step.key, **params)


def explain_rows(steps) -> list[dict]:
    """One row per distinct step, in the order the rules were applied."""
    rows, seen = [], set()
    for step in steps:
        text = _step_text(step)
        if (step.rule, text) in seen:
            continue
        seen.add((step.rule, text))
        rule = RULES[step.rule]
        rows.append({"rule": rule.id, "citation": rule.citation, "confidence": rule.confidence, "step": text})
    return rows
