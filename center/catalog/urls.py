from django.urls import path

from center.catalog import views_edit, views_push, views_read

app_name = "catalog"
urlpatterns = [
    path("", views_read.home, name="home"),
    path("<slug:district>/", views_read.items, name="items"),
    path("<slug:district>/items/<slug:item_id>/", views_read.item, name="item"),
    path("<slug:district>/items/<slug:item_id>/edit/", views_edit.edit_item, name="edit"),
    path("<slug:district>/upload/", views_edit.upload, name="upload"),
    path("<slug:district>/shipped/", views_edit.shipped, name="shipped"),
    path("<slug:district>/review/", views_edit.review, name="review"),
    path("<slug:district>/versions/", views_read.versions, name="versions"),
    path("<slug:district>/versions/<int:pk>/", views_read.version, name="version"),
    path("<slug:district>/versions/<int:pk>/catalog.toml", views_read.download,
         name="download"),
    path("<slug:district>/versions/<int:pk>/rollback/", views_edit.rollback, name="rollback"),
    path("<slug:district>/terminals/", views_push.terminals, name="terminals"),
    path("<slug:district>/push/", views_push.push, name="push"),
]
