from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.briefing_page, name="briefing"),
    path("briefing.<str:fmt>", views.briefing_download, name="download"),
    path("trace/<slug:kind>/", views.trace, name="trace"),
]
