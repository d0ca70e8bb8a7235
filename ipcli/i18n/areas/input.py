"""Messages about values as people type them: dates, and names of commands and options mistyped."""

EN = {
    "err.date_ambiguous": "{value!r} could be more than one date; write the year first, in four digits: 2025-06-01, "
                          "2025-6-1, 2025/6/1, 2025.6.1, 20250601, 2025年6月1日 or today",
    "err.did_you_mean": "{message} (did you mean {guess}?)",
}

ZH = {
    "err.date_ambiguous": "{value!r} 可能指不止一个日期；请把四位年份写在最前：2025-06-01、2025-6-1、2025/6/1、"
                          "2025.6.1、20250601、2025年6月1日 或 今天",
    "err.did_you_mean": "{message}（您是不是要输入 {guess}？）",
}
