"""Panels that apps above people add to a person's page (people never imports them): the
certificates app shows her certificates and their next verification due date (C6: "the next due
date shows on her record"). Each panel is fn(*, actor, person, today) -> HTML ("" to show nothing);
the app registers it in its AppConfig.ready()."""
PANELS: list = []


def add_panel(fn) -> None:
    if fn not in PANELS:
        PANELS.append(fn)


def render_panels(*, actor, person, today) -> list:
    return [html for html in (fn(actor=actor, person=person, today=today) for fn in PANELS) if html]


# The same for a rental home's and an employer's page (R6: a home or an employer entered by a
# collector shows its review state there): fn(*, actor, obj, today) -> HTML.
PLACE_PANELS: list = []


def add_place_panel(fn) -> None:
    if fn not in PLACE_PANELS:
        PLACE_PANELS.append(fn)


def render_place_panels(*, actor, obj, today) -> list:
    return [html for html in (fn(actor=actor, obj=obj, today=today) for fn in PLACE_PANELS) if html]
