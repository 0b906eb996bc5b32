from django.urls import path

from . import views, views_backchecks, views_imports, views_reviews

# R8 (issue 15): duplicate candidates, the side-by-side review with the merge, a merge and its undo.
urlpatterns = [
    path("quality/duplicates/", views.duplicates_page, name="quality_duplicates"),
    path("quality/duplicates/<id:pk>/", views.candidate_page, name="quality_candidate"),
    path("quality/merges/<id:pk>/", views.merge_page, name="quality_merge"),
    # R6: the review chain of collected forms.
    path("quality/reviews/", views_reviews.reviews_page, name="quality_reviews"),
    path("quality/reviews/<id:pk>/", views_reviews.review_page, name="quality_review"),
    # R7: back-checks; R9: births reconciled.
    path("quality/backchecks/", views_backchecks.backchecks_page, name="quality_backchecks"),
    path("quality/backchecks/draws/<id:draw_id>/", views_backchecks.draw_page, name="quality_backcheck_draw"),
    path("quality/backchecks/items/<id:backcheck_id>/", views_backchecks.item_page, name="quality_backcheck_item"),
    path("quality/reconciliations/", views_backchecks.reconciliations_page, name="quality_reconciliations"),
    path("quality/reconciliations/<id:reconciliation_id>/", views_backchecks.reconciliation_page, name="quality_reconciliation"),
    # Issue 15 part 4: the people import (its page is here since it gained mappings, matching and
    # batches; the template download stays with people), its batches and the saved mappings.
    path("people/import/", views_imports.import_page, name="person_import"),
    path("people/import/result/", views_imports.import_result, name="person_import_result"),
    path("quality/imports/", views_imports.batches_page, name="quality_imports"),
    path("quality/imports/<id:pk>/", views_imports.batch_page, name="quality_import"),
    path("quality/import-jobs/<id:pk>/", views_imports.job_page, name="quality_import_job"),
    path("quality/import-mappings/new/", views_imports.mapping_page, name="quality_import_mapping_new"),
    path("quality/import-mappings/<id:pk>/", views_imports.mapping_page, name="quality_import_mapping"),
]
