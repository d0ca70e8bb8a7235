"""Rule ids of RULES.md with their citations and confidence grades, as `--explain` shows them."""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Rule:
    id: str
    citation: str
    confidence: str


# The FEE-*, ID-* and *-LIMITS ids name parts of RULES.md that have no rule id of their own (the fee
# tables of sections 3 and 4, the identifiers of section 5, the "other time limits" of sections 3 and 4).
_RULES = (
    Rule("R-PERIOD", "TMR 12(1), PR 5, CC 201-203", "A"),
    Rule("R-NO-SHIFT", "RULES.md §1", "A/B"),
    Rule("R-WORKDAY", "HOL; TMR 12(1); PR 5", "B"),
    Rule("R-PAT-WEEKEND", "GL V-7 §2.3 (2010, 2023)", "B"),
    Rule("R-PROVISIONAL", "RULES.md §2 (project decision)", "project decision"),
    Rule("R-PROVISIONAL-DECEMBER", "HOL (notices of 2007, 2008, 2012, 2019); RULES.md §2 (project decision)", "B"),
    Rule("R-TM-TERM", "TML 39, TMR 12(2)", "A"),
    Rule("R-TM-WINDOW", "TML 40", "A (rule), C (boundary)"),
    Rule("R-TM-GRACE", "TML 40, TMR 12(1)", "B/C"),
    Rule("R-TM-RENEWED-TERM", "TML 40", "A"),
    Rule("R-TM-TRANSFER", "TML 42, TMR 31-32", "A"),
    Rule("R-TM-LICENSE", "TMR 69, TML 43", "A"),
    Rule("R-TM-PLEDGE", "TMR 70; 注册商标专用权质押登记程序规定 (2020-05-01)", "B"),
    Rule("R-CIVIL-PLEDGE", "CC 444", "A"),
    Rule("R-TM-SERVICE", "TMR 10", "A"),
    Rule("R-PAT-TERM", "PL 42, PR 12, GL V-9 §2.1", "A/B"),
    Rule("R-PAT-ANNUITY-DUE", "PL 43, PR 115, GL V-9", "B"),
    Rule("R-PAT-LATE", "PR 115 (2023) = PR 98 (2010), GL V-9 §4.2.1.3 (2023)", "A/B"),
    Rule("R-PAT-RESTORE", "PR 6", "A"),
    Rule("R-PAT-SERVICE", "PR 4", "A"),
    Rule("R-PAT-LICENSE", "PR 15(2)", "A"),
    Rule("R-PAT-PLEDGE", "专利权质押登记办法 (2021)", "B"),
    Rule("R-TM-LIMITS", "TML 33, TML 34, TMR 18 (RULES.md §3, counted by TMR 12(1))", "A"),
    Rule("R-PAT-LIMITS", "PL 29, PL 35, PL 41, PR 60, PR 114, PR 120 (RULES.md §4)", "A"),
    Rule("FEE-TM", "财税〔2017〕20号 and CNIPA announcement of 2017-03-30; 发改价格〔2019〕914号 (RULES.md §3)",
         "B (before 2015: C)"),
    Rule("FEE-PAT-ANNUAL", "CNIPA patent annual fee schedule (RULES.md §4)", "B"),
    Rule("FEE-REDUCTION", "财税〔2016〕78号, 财税〔2018〕37号, 财税〔2019〕45号", "B"),
    Rule("FEE-OPEN-LICENSE", "PL 50-51; 财税〔2024〕23号", "B"),
    Rule("FEE-PAT-RECORDAL", "PR 116 (2023) = PR 99 (2010), GL V-2 §4.2.1.1; PR 15, PR 110 (RULES.md §4)", "B"),
    Rule("ID-TM-REG-NO", "RULES.md §5", "B"),
    Rule("ID-NICE-CLASS", "RULES.md §5 (Nice classification)", "A"),
    Rule("ID-PAT-APP-NO", "RULES.md §5", "B"),
    Rule("ID-USCC", "GB 32100 (RULES.md §5)", "A"),
    Rule("ID-RIC", "GB 11643 (RULES.md §5)", "A"),
)

# ipcli's own rules: what the register and its files require beyond the statutes, each described in the
# README. A refusal (exit 65) names one of these or a rule of RULES.md.
_PROJECT_RULES = {
    "FILING-OPEN": "a right has one open filing of each type at a time",
    "FILING-OWNERS": "the rights of one filing belong to one owner",
    "FILING-RIGHT-TWICE": "a filing names each right once",
    "FILING-RIGHT-TYPE": "a renewal is of a trademark, an annual fee of a patent",
    "FILING-TERM": "a licence or pledge term ends after it starts",
    "FILING-UNKNOWN": "a filing named is in the register",
    "FILING-LIFECYCLE": "a filing moves received, ready, exported, submitted, then accepted or rejected, or "
                        "is withdrawn, on or after the day it was received",
    "RIGHT-UNKNOWN": "a trademark or patent named is in the register",
    "RIGHT-EXISTS": "a trademark or patent is added once",
    "REMOVE-REFERENCED": "a right is removed only when no filing, pledge, licence or notice refers to it, or with "
                         "--force its undecided filings withdrawn first",
    "JOURNAL-DEPENDENT": "a write is reverted only when no later write that still stands touched its records",
    "JOURNAL-SHARED": "filing revert reverts a command that changed that filing alone; log revert the others",
    "JOURNAL-EMPTY": "there is a write of this operator to revert",
    "JOURNAL-IRREVERSIBLE": "a write is reverted only from the whole records its journal holds",
    "INPUT-SIZE": "a file or standard input is read up to the cap of its command",
    "PLEDGE-UNKNOWN": "a pledge named is in the register",
    "PLEDGE-STATUS": "only a registered pledge is extended, changed or released",
    "PLEDGE-EXTENSION": "an extension ends after the current pledge term",
    "PLEDGE-CHANGE": "a change of a pledge changes something",
    "NOTICE-UNKNOWN": "a notice named is in the register",
    "NOTICE-DONE": "a notice is done once",
    "WINDOW-CODE": "a window code is 1-40 letters, digits, '.', '_' or '-'",
    "WINDOW-NAME": "a window has a name of at most 100 characters",
    "WINDOW-UNKNOWN": "a window named is registered",
    "WINDOW-EXISTS": "a window is registered once, or replaced with --replace",
    "WINDOW-TREE": "windows form a tree of at most three levels: province, prefecture, county",
    "SAMPLE-NEW-REGISTER": "the sample portfolio is loaded into a register without rights",
    "BATCH-SCHEMA": "a batch document follows schemas/batch.schema.json",
    "BATCH-CHECKSUM": "items_sha256 is the SHA-256 of the canonical items",
    "BATCH-MANIFEST": "the manifest's count, fee total and item numbers agree with the items",
    "BATCH-DUPLICATE": "a batch holds each filing once",
    "BATCH-DATE": "a batch's dates are calendar dates, its timestamp ISO 8601",
    "BATCH-RIGHT": "an imported item's rights are in the register or carry their dates",
    "BATCH-CONFLICT": "a batch id names one batch",
    "BATCH-CHECK": "a batch is imported only when every check passes",
    "BATCH-UNKNOWN": "a batch or item named is in the register",
    "BATCH-STATUS": "a batch is submitted while exported, and decided while open",
    "BATCH-WINDOWS": "a batch holds the filings of one window, unless --all-windows",
    "IMPORT-ENCODING": "an import file is UTF-8 or GB18030 throughout",
    "IMPORT-FORMAT": "an import file has a header, its fields and quoting, JSON values of their types",
    "IMPORT-DATE": "an import date is YYYY-MM-DD, a calendar date from 1980 to 2199",
    "IMPORT-NUMBER": "an identifier in a workbook is text, not a number that may have lost digits",
    "IMPORT-VALUE": "a kind, type or reduction is one of its list",
    "IMPORT-DUPLICATE": "an import names each right once",
    "IMPORT-CONFLICT": "a right stored with other data is replaced only with --update",
    "IMPORT-CHECK": "an import is written only when every row passes",
    "DB-NOT-IPCLI": "a register is an SQLite database made by ipcli",
    "DB-INTEGRITY": "a register passes SQLite's integrity and foreign key checks",
    "DB-SCHEMA": "a register has every table, column and index of its migrations, and none newer than ipcli's",
    "DB-RESTORE-EMPTY": "an SQLite register is loaded into a PostgreSQL register that holds no marks, patents or "
                        "filings",
    "DB-TEXT-NUL": "a value stored in a PostgreSQL register holds no NUL character (U+0000), which PostgreSQL's "
                   "text cannot hold",
}

_RULES += tuple(Rule(rule_id, f"ipcli (README): {what}", "project decision")
                for rule_id, what in _PROJECT_RULES.items())

RULES = {rule.id: rule for rule in _RULES}

# Rules that depend on a date: the first day each version of RULES.md applies from.
PATENT_LAW_2021 = date(2021, 6, 1)         # PL (2020 amendment) in force: design term 15 years
PATENT_RULES_2024 = date(2024, 1, 20)      # PR (2023 revision) in force: e-service on dispatch
TEN_REDUCED_YEARS_FROM = date(2018, 8, 1)  # 财税〔2018〕37号: the 85%/70% reduction covers ten years, not six
OPEN_LICENSE_FEES_FROM = date(2024, 7, 15)  # 财税〔2024〕23号: 15% off annual fees of an open licence


@dataclass(frozen=True)
class Step:
    """One step of a computation: the rule applied and a message key describing what it did."""

    rule: str
    key: str
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"unknown rule id {self.rule!r}")
