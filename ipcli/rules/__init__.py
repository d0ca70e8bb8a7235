"""The statutory rules of ../shared/domain/RULES.md as pure functions.

No I/O, no click, no sqlite: every function takes what it needs ("today" included) as arguments.
"""
