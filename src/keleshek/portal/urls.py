from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/", views.offering, name="offering"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("news/", views.news, name="news"),
    path("news/<slug:slug>/", views.article, name="article"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<slug:slug>.<str:fmt>", views.open_data_file, name="open_data_file"),
]
