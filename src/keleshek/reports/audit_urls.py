from django.urls import path

from . import audit_views

app_name = "audit"
urlpatterns = [
    path("", audit_views.log, name="log"),
    path("export.<str:fmt>", audit_views.export, name="export"),
]
