"""How a mark's Nice classes are stored in its `classes` column (migration m006): the ascending class
numbers joined by ";", e.g. "9;35". Free of other imports, for the fast read paths too."""


def classes_text(classes) -> str:
    return ";".join(map(str, sorted(classes)))


def class_list(text: str) -> list[int]:
    return [int(number) for number in text.split(";")] if text else []
