"""Customer accounts: sign-in, profile, orders and API access."""
from django import forms
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.forms.models import model_to_dict
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from .models import Customer, Order


class CustomerForm(forms.ModelForm):
    """Vulnerable: a customer posting `role=manager` or `store_credit=500` changes them."""

    class Meta:
        model = Customer
        fields = "__all__"  # expect: K963


class CustomerContactForm(forms.ModelForm):
    """Safe: the fields a customer may edit."""

    class Meta:
        model = Customer
        fields = ["phone"]  # ok: K963


def sign_in(request):
    """Vulnerable (low confidence): nothing in the project limits password attempts."""
    user = authenticate(request, username=request.POST["username"], password=request.POST["password"])  # expect: K962
    if user is None:
        return HttpResponse(status=401)
    login(request, user)
    return HttpResponse("welcome")


@login_required
def order_detail(request, order_id):
    """Vulnerable: any signed-in customer can read any order by changing the number."""
    order = get_object_or_404(Order, pk=order_id)  # expect: K961
    return JsonResponse({"email": order.email, "status": order.status})


@login_required
def order_detail_safe(request, order_id):
    """Safe: the order must be the customer's own."""
    order = get_object_or_404(Order, pk=order_id, email=request.user.email)  # ok: K961
    return JsonResponse({"email": order.email, "status": order.status})


@require_POST
def close_account(request, customer_id):  # expect: K960
    """Vulnerable: no login is needed to delete a customer."""
    Customer.objects.filter(pk=customer_id).delete()
    return HttpResponse(status=204)


@require_POST
@login_required
def close_own_account(request):  # ok: K960
    """Safe: customers close their own account, signed in."""
    Customer.objects.filter(user=request.user).delete()
    return HttpResponse(status=204)


@login_required
def api_profile(request, pk):
    """Vulnerable: the response carries the API token (and any secret field added later)."""
    customer = get_object_or_404(Customer, pk=pk, user=request.user)
    return JsonResponse(model_to_dict(customer))  # expect: K964


@login_required
def api_profile_safe(request, pk):
    """Safe: the fields the client shows."""
    customer = get_object_or_404(Customer, pk=pk, user=request.user)
    return JsonResponse(model_to_dict(customer, fields=["phone", "role"]))  # ok: K964


def ensure_support_account():
    """Vulnerable: every installation has a support login with the same password."""
    if not User.objects.filter(username="support").exists():
        User.objects.create_user("support", "support@shop.test", "Support2024!")  # expect: K608
