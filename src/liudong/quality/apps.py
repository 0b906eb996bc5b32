from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Issue 15, data quality: the review chain of collected forms (R6), duplicates found and
    merged with history kept (R8), measured on a labelled synthetic set."""

    name = "liudong.quality"
    verbose_name = "数据质量 Data quality"

    def ready(self):
        from liudong.people.panels import add_panel, add_place_panel
        from liudong.people.services import add_registration_listener, add_residence_listener
        from liudong.people.services_places import add_place_listener

        from . import jobs_imports, panels, services_reviews  # noqa: F401 - jobs_imports registers the background import's job kind

        add_panel(panels.review_panel)
        add_place_panel(panels.place_review_panel)
        add_registration_listener(services_reviews.on_person_registered)
        add_residence_listener(services_reviews.on_residence_opened)
        add_place_listener(services_reviews.on_place_registered)
