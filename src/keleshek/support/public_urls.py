"""The fund's public pages (no login): a parent applies and reads the status (ADR 0154)."""

from django.urls import path

from . import views_fund

app_name = "fund"
urlpatterns = [
    path("apply/", views_fund.apply, name="apply"),
    path("status/", views_fund.status, name="status"),
]
