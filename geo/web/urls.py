from django.urls import path

from geo.web.imports import import_page

urlpatterns = [path("import/", import_page, name="places-import")]
