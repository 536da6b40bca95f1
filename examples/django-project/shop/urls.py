from django.urls import path

from . import views

app_name = "shop"

urlpatterns = [
    path("", views.product_list, name="product-list"),
    path("category/<str:category>/", views.category, name="category"),
    path("v2/category/<str:category>/", views.category_safe, name="category-v2"),
    path("products/<int:pk>/image/", views.product_image, name="product-image"),
    path("products/<int:pk>/thumbnail/", views.product_thumbnail, name="product-thumbnail"),
    path("media/", views.media_file, name="media-file"),
    path("cart/coupon/", views.apply_coupon, name="apply-coupon"),
    path("cart/shipping/", views.shipping_quote, name="shipping-quote"),
    path("orders/<int:pk>/confirm/<str:token>/", views.confirm_order, name="confirm-order"),
    path("back-office/import/", views.import_catalog, name="import-catalog"),
    path("back-office/products/<int:pk>/label/", views.product_label, name="product-label"),
    path("prices/", views.prices, name="prices"),
]
