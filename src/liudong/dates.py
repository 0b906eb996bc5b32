"""Dates typed into forms, query strings and API parameters (invariant 7): YYYY-MM-DD or a field
error in both languages, collected into `errors` so that every bad field is reported at once."""
import datetime


def parse_day(value, field: str, errors: dict) -> datetime.date | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    text = str(value or "").strip()
    if not text:
        errors.setdefault(field, []).append("必填 / required")
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError:
        errors.setdefault(field, []).append(f"日期 {text[:20]} 不存在或格式不对（YYYY-MM-DD） / {text[:20]} is not a real date (YYYY-MM-DD)")
        return None
