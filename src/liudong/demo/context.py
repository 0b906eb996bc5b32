"""The home page's notice of the demo world's date (issue 7 item 0), for every page template that
includes templates/demo/_notice.html. Lazy: only a page that shows the notice reads DemoBuild."""
from django.utils.functional import SimpleLazyObject

from .dating import LONGEST_DEADLINE
from .services import latest_build


def demo_world(request):
    return {"demo_world": SimpleLazyObject(latest_build), "longest_deadline": LONGEST_DEADLINE}
