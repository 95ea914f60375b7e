from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("runs/<int:pk>/errors.xlsx", views.error_report, name="errors"),
    path("template/<str:registry>.<str:fmt>", views.template, name="template"),
    path("export/<str:registry>.<str:fmt>", views.export, name="export"),
]
