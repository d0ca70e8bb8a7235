"""Holiday notices for tests: the real 2027 notice is not published yet."""

# 元旦 starts on 2026-12-30, in the year before; 春节 2027-02-05..11 with Saturday 2027-02-13 a working day (调休).
HOLIDAYS_2027 = {
    "year": 2027,
    "papers": ["https://example.invalid/notice-2027"],
    "days": [{"name": "元旦", "date": day, "isOffDay": True} for day in ("2026-12-30", "2026-12-31", "2027-01-01")]
    + [{"name": "春节", "date": f"2027-02-{day:02d}", "isOffDay": True} for day in range(5, 12)]
    + [{"name": "春节", "date": "2027-02-13", "isOffDay": False}],
}
