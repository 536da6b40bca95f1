"""Storefront views: search, gift messages, sign-in redirects, wishlists, promotions, price filters and
the staff tools for supplier feeds, reviews and payment providers (routed in shop/urls.py)."""
import html
import json
import logging
import operator
import re
from decimal import Decimal, InvalidOperation

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.template import Context, Template
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import integrations
from .models import Coupon, Product

log = logging.getLogger("shop.storefront")

CATEGORIES = ("books", "games", "garden", "kitchen")
PRICE_TESTS = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}

# --- Search and product pages --------------------------------------------------------------------


@require_GET
def search(request):
    """Vulnerable: the search term is echoed into the HTML page unescaped."""
    term = request.GET.get("q", "")
    names = Product.objects.filter(name__icontains=term).values_list("name", flat=True)[:20]
    items = "".join(f"<li>{html.escape(name)}</li>" for name in names)
    return HttpResponse(f"<h1>Results for {term}</h1><ul>{items}</ul>")  # expect: K707


@require_GET
def search_safe(request):
    term = request.GET.get("q", "")
    names = Product.objects.filter(name__icontains=term).values_list("name", flat=True)[:20]
    items = "".join(f"<li>{html.escape(name)}</li>" for name in names)
    return HttpResponse(f"<h1>Results for {html.escape(term)}</h1><ul>{items}</ul>")  # ok: K707


@require_GET
def name_filter(request):
    """Vulnerable: a visitor-supplied regular expression such as ``(a+)+$`` ties up a worker."""
    pattern = request.GET.get("pattern", "")
    names = Product.objects.values_list("name", flat=True)
    return JsonResponse({"names": [n for n in names if re.search(pattern, n)]})  # expect: K718


@require_GET
def name_filter_safe(request):
    words = request.GET.get("words", "")
    pattern = re.compile(re.escape(words), re.IGNORECASE)  # ok: K718
    names = Product.objects.values_list("name", flat=True)
    return JsonResponse({"names": [n for n in names if pattern.search(n)]})


@require_GET
def price_filter(request):
    """Vulnerable: operator and limit are pasted into Python source and evaluated."""
    test = eval(f"lambda price: price {request.GET.get('op', '<')} {request.GET.get('limit', '100')}")  # expect: K704
    return JsonResponse({"skus": [p.sku for p in Product.objects.all() if test(p.price)]})


@require_GET
def price_filter_safe(request):
    """Safe: the operator is looked up in a table and the limit must parse as a number."""
    try:
        test, limit = PRICE_TESTS[request.GET.get("op", "lt")], Decimal(request.GET.get("limit", "100"))  # ok: K704
    except (KeyError, InvalidOperation):
        return HttpResponseBadRequest("bad filter")
    return JsonResponse({"skus": [p.sku for p in Product.objects.all() if test(p.price, limit)]})


@require_GET
def browse(request, category):
    """Not header injection: Django's response headers raise BadHeaderError on CR or LF (K716 stays quiet)."""
    response = JsonResponse({"skus": list(Product.objects.filter(category=category).values_list("sku", flat=True))})
    response["X-Shop-Category"] = category  # ok: K716
    return response


@require_GET
def browse_safe(request, category):
    if category not in CATEGORIES:
        raise Http404("no such category")
    response = JsonResponse({"skus": list(Product.objects.filter(category=category).values_list("sku", flat=True))})
    response["X-Shop-Category"] = category  # ok: K716
    return response


# --- Cart, gifts, promotions and sign-in ---------------------------------------------------------


@require_POST
def gift_message_preview(request):
    """Vulnerable: the gift message is compiled as a Django template ({% debug %}, settings, ...)."""
    rendered = Template(request.POST["message"]).render(Context({"shop": "Example Shop"}))  # expect: K708
    return JsonResponse({"html": rendered})


@require_POST
def gift_message_preview_safe(request):
    template = Template("<p class='gift'>{{ message|linebreaksbr }}</p>")  # ok: K708
    return JsonResponse({"html": template.render(Context({"message": request.POST["message"]}))})


@require_POST
def save_wishlist(request):
    """Vulnerable: whatever SKUs the client posts are kept in the session as if the shop had checked them."""
    request.session["wishlist"] = request.POST.getlist("sku")  # expect: K719
    return JsonResponse({"saved": True})


@require_POST
def save_wishlist_safe(request):
    known = set(Product.objects.filter(sku__in=request.POST.getlist("sku")).values_list("pk", flat=True))
    request.session["wishlist"] = sorted(int(pk) for pk in known)  # ok: K719
    return JsonResponse({"saved": True})


@require_POST
def redeem_promotion(request):
    """Vulnerable: a code containing a newline forges extra log records."""
    code = request.POST.get("code", "")
    if not Coupon.objects.filter(code=code, active=True).exists():
        log.warning("unknown promotion code %s", code)  # expect: K717
        return JsonResponse({"applied": False})
    request.session["coupon"] = "validated"
    return JsonResponse({"applied": True})


@require_POST
def redeem_promotion_safe(request):
    code = request.POST.get("code", "")
    if not Coupon.objects.filter(code=code, active=True).exists():
        log.warning("unknown promotion code (%d characters)", len(code))  # ok: K717
        return JsonResponse({"applied": False})
    return JsonResponse({"applied": True})


@require_GET
def signed_in(request):
    """Vulnerable: ``?next=https://evil.example/`` sends the customer to a look-alike site after sign-in."""
    return redirect(request.GET.get("next", "/shop/"))  # expect: K709


@require_GET
def signed_in_safe(request):
    target = request.GET.get("next", "/shop/")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)  # ok: K709
    return redirect("/shop/")


# --- Back office ---------------------------------------------------------------------------------


@staff_member_required
@require_POST
def import_feed(request):
    document = integrations.parse_feed(integrations.fetch_feed(request.POST["url"]))
    return JsonResponse({"prices": integrations.feed_prices(document, request.POST.get("sku", ""))})


@staff_member_required
@require_POST
def import_feed_safe(request):
    supplier = request.POST["supplier"]
    if supplier not in integrations.SUPPLIER_FEEDS:
        return HttpResponseBadRequest("unknown supplier")
    document = integrations.parse_feed_safe(integrations.fetch_feed_safe(supplier))
    return JsonResponse({"prices": integrations.feed_prices_safe(document, request.POST.get("sku", ""))})


@staff_member_required
@require_POST
def import_orders(request):
    return JsonResponse({"orders": integrations.parse_order_export(request.body)})


@staff_member_required
@require_POST
def import_orders_safe(request):
    return JsonResponse({"orders": integrations.parse_order_export_safe(request.body)})


@staff_member_required
@require_GET
def staff_contact(request):
    return JsonResponse({"mail": integrations.staff_named(request.GET.get("name", ""))})


@staff_member_required
@require_GET
def staff_contact_safe(request):
    return JsonResponse({"mail": integrations.staff_named_safe(request.GET.get("name", ""))})


@require_POST
def review_search(request):
    return JsonResponse({"reviews": integrations.reviews_matching(json.loads(request.body))})


@require_GET
def review_search_safe(request):
    return JsonResponse({"reviews": integrations.reviews_rated_at_least(int(request.GET.get("stars", "4")))})


@staff_member_required
@require_POST
def test_payment_provider(request):
    provider = integrations.payment_provider(request.POST["provider"])
    return JsonResponse({"provider": provider.__name__})


@staff_member_required
@require_POST
def test_payment_provider_safe(request):
    name = request.POST["provider"]
    if name not in integrations.PAYMENT_PROVIDERS:
        return HttpResponseBadRequest("unknown provider")
    return JsonResponse({"provider": integrations.payment_provider_safe(name).__name__})
