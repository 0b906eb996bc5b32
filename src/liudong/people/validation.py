"""Field checks shared by the people services (people.services, people.services_places) and the
bulk import: each appends bilingual messages ("中文 / English") to an errors dict and returns the
clean value, so that every bad field of one input is reported at once (invariant 7)."""
import datetime

from liudong.divisions.models import Division

ADDRESS_MAX = 200


def _division(code, field, errors, *, min_level=None):
    code = (code or "").strip() if isinstance(code, str) else code
    if not code:
        errors.setdefault(field, []).append("必填 / required")
        return None
    division = Division.objects.filter(code=str(code)).first()
    if division is None:
        errors.setdefault(field, []).append(f"区划代码 {code} 不存在 / no division has code {code}")
        return None
    if min_level is not None and division.level < min_level:
        errors.setdefault(field, []).append(f"应为第 {min_level} 级或以下的区划 / must be a division of level {min_level} or below")
    return division


def _text(data, field, errors, *, max_len, required=False):
    value = data.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.setdefault(field, []).append("应为文字 / must be text")
        return ""
    value = value.strip()
    if required and not value:
        errors.setdefault(field, []).append("必填 / required")
    if len(value) > max_len:
        errors.setdefault(field, []).append(f"最多 {max_len} 个字符（现为 {len(value)}） / at most {max_len} characters (got {len(value)})")
        return value[:max_len]
    return value


def _choice(data, field, choices, errors, *, required=False, default=""):
    value = data.get(field) or default
    if required and not value:
        errors.setdefault(field, []).append("必填 / required")
    elif value and (not isinstance(value, str) or value not in choices):
        errors.setdefault(field, []).append(f"无效取值 {value!r} / not a valid choice: {value!r}")
    return value


def _date(data, field, errors, *, required=False):
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append("必填 / required")
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(f"日期 {value} 不存在或格式不对（YYYY-MM-DD） / {value} is not a real date (YYYY-MM-DD)")
        return None
