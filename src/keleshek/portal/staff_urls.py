"""Staff pages, mounted at /<lang>/staff/. The staff home is the dashboard of the user's
territory (or institution); see ``keleshek.indicators.views``."""

from django.urls import path, re_path

from keleshek.indicators import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("t/<str:kato>/", views.territory_dashboard, name="territory"),
    path("i/<int:institution_id>/", views.institution_dashboard, name="institution"),
    path("indicators/", views.definitions_page, name="definitions"),
    re_path(
        r"^export/(?P<code>[-\w]+)/(?P<kato>\d{9})\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
    path("capacity/", views.capacity, name="capacity_home"),
    path("capacity/<str:kato>/", views.capacity, name="capacity"),
    path("labour/", views.labour, name="labour_home"),
    path("labour/<str:kato>/", views.labour, name="labour"),
]
