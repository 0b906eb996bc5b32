"""Template filters of the technical-service pages."""
from django import template

register = template.Library()


@register.filter
def flat_messages(errors) -> list[str]:
    """Every message of a service's {field: [messages]} (a dict's own keys, such as "items", would
    shadow `.items` in a template)."""
    if not errors:
        return []
    return [m for field in errors for m in errors[field]]
