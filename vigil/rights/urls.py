from django.urls import path

from vigil.rights import views

urlpatterns = [
    path("rights/", views.index, name="rights_index"),
    path("rights/sw.js", views.service_worker, name="rights_service_worker"),
    path("rights/card/", views.card, name="rights_card"),
    path("rights/card/<str:digest>/<str:filename>", views.card_file, name="rights_card_file"),
    path("rights/<slug:slug>/", views.article, name="rights_article"),
    path("staff/rights/", views.review_list, name="rights_review_list"),
    path("staff/rights/<uuid:revision_id>/", views.revision_detail, name="rights_revision"),
]
