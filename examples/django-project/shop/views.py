import mimetypes
import os
from decimal import Decimal

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils._os import safe_join
from django.views.decorators.http import require_GET, require_POST

from . import utils
from .models import Coupon, Order, Product, ShippingRule


def _cart_totals(request) -> tuple[Decimal, int, Decimal]:
    """The cart lives in the session as {sku: quantity}; returns (subtotal, item count, weight)."""
    cart = request.session.get("cart", {})
    products = Product.objects.filter(sku__in=cart.keys())
    subtotal = sum((p.price * cart[p.sku] for p in products), Decimal("0"))
    weight = sum((p.weight_kg * cart[p.sku] for p in products), Decimal("0"))
    return subtotal, sum(cart.values()), weight


def _product_json(product: Product) -> dict:
    return {"sku": product.sku, "name": product.name, "price": str(product.price), "stock": product.stock}


# --- Catalogue -----------------------------------------------------------------------------------


@require_GET
def product_list(request):
    products = Product.objects.filter(stock__gt=0).order_by("name")
    return JsonResponse({"products": [_product_json(p) for p in products]})


@require_GET
def category(request, category):
    """Vulnerable: the category from the URL is pasted into raw SQL."""
    products = Product.objects.raw(f"SELECT * FROM shop_product WHERE category = '{category}' ORDER BY name")  # expect: K701
    return JsonResponse({"products": [_product_json(p) for p in products]})


@require_GET
def category_safe(request, category):
    """Safe: the ORM passes the value as a query parameter."""
    products = Product.objects.filter(category=category).order_by("name")
    return JsonResponse({"products": [_product_json(p) for p in products]})


@require_GET
def media_file(request):
    """Vulnerable: `?name=../mysite/settings.py` reads any file the server can."""
    name = request.GET["name"]
    return FileResponse(open(os.path.join(settings.MEDIA_ROOT, name), "rb"))  # expect: K705


@require_GET
def product_image(request, pk):
    """Safe: the path comes from the database and safe_join refuses to leave MEDIA_ROOT."""
    product = get_object_or_404(Product, pk=pk)
    try:
        path = safe_join(settings.MEDIA_ROOT, product.image.name)
    except SuspiciousFileOperation:
        raise Http404("no such image")
    content_type, _ = mimetypes.guess_type(path)
    return FileResponse(open(path, "rb"), content_type=content_type)


@require_GET
def product_thumbnail(request, pk):
    product = get_object_or_404(Product, pk=pk)
    size = request.GET.get("size", "300x300")
    src = os.path.join(settings.MEDIA_ROOT, product.image.name)
    dst = os.path.join(settings.MEDIA_ROOT, "thumbnails", f"{product.pk}-{size}.png")
    if not os.path.exists(dst):
        utils.make_thumbnail(src, dst, size)
    return FileResponse(open(dst, "rb"), content_type="image/png")  # expect: K705


THUMBNAIL_SIZES = ("150x150", "300x300", "600x600")


@require_GET
def product_thumbnail_safe(request, pk):
    """Safe: the size must be one of the sizes the shop renders, so neither the command nor the path can
    carry anything else."""
    product = get_object_or_404(Product, pk=pk)
    size = request.GET.get("size", "300x300")
    if size not in THUMBNAIL_SIZES:
        return HttpResponseBadRequest("unknown size")
    src = os.path.join(settings.MEDIA_ROOT, product.image.name)
    dst = os.path.join(settings.MEDIA_ROOT, "thumbnails", f"{product.pk}-{size}.png")
    if not os.path.exists(dst):
        utils.make_thumbnail_safe(src, dst, size)
    return FileResponse(open(dst, "rb"), content_type="image/png")  # ok: K705


@require_GET
def prices(request):
    """Catalogue prices converted to the visitor's currency."""
    currency = request.GET.get("currency", "EUR")
    rates = utils.exchange_rates_safe()
    if currency not in rates:
        return HttpResponseBadRequest("unknown currency")
    rate = Decimal(str(rates[currency]))
    return JsonResponse({p.sku: str((p.price * rate).quantize(Decimal("0.01"))) for p in Product.objects.all()})


# --- Cart and orders -----------------------------------------------------------------------------


@require_POST
def apply_coupon(request):
    coupon = get_object_or_404(Coupon, code=request.POST["code"], active=True)
    subtotal, items, _ = _cart_totals(request)
    if coupon.condition and not utils.coupon_applies(coupon, subtotal, items):
        return JsonResponse({"applied": False, "reason": "conditions not met"})
    request.session["coupon"] = coupon.code
    return JsonResponse({"applied": True, "percent_off": coupon.percent_off})


@require_GET
def shipping_quote(request):
    country = request.GET.get("country", "DE").upper()
    rule = get_object_or_404(ShippingRule, country=country)
    subtotal, _, weight = _cart_totals(request)
    if rule.script:
        cost = utils.shipping_cost_from_script(rule, weight, subtotal)
    else:
        cost = utils.shipping_cost(rule, weight, subtotal)
    return JsonResponse({"country": country, "cost": str(cost)})


@require_GET
def confirm_order(request, pk, token):
    order = get_object_or_404(Order, pk=pk)
    if token != utils.order_token(order.pk, order.email):  # expect: K903
        raise Http404("no such order")
    return JsonResponse({"order": order.pk, "status": order.status, "total": str(order.total)})


# --- Back office ---------------------------------------------------------------------------------


@staff_member_required
@require_POST
def import_catalog(request):
    count = utils.import_catalog(request.FILES["catalog"])
    return JsonResponse({"imported": count})


@staff_member_required
@require_POST
def import_catalog_safe(request):
    count = utils.import_catalog_safe(request.FILES["catalog"])
    return JsonResponse({"imported": count})


@staff_member_required
@require_GET
def product_label(request, pk):
    product = get_object_or_404(Product, pk=pk)
    path = utils.make_label(product)
    return FileResponse(open(path, "rb"), content_type="image/png")
