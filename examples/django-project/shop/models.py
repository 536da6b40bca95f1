from django.db import models


class Product(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=50, db_index=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    weight_kg = models.DecimalField(max_digits=6, decimal_places=3, default=0)
    stock = models.PositiveIntegerField(default=0)
    image = models.FileField(upload_to="products/", blank=True)

    def __str__(self):
        return f"{self.sku} {self.name}"


class Coupon(models.Model):
    code = models.CharField(max_length=32, unique=True)
    # Written by staff in the admin as an expression over the cart, e.g. "total >= 100 and items >= 3".
    condition = models.CharField(max_length=200, blank=True)
    percent_off = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.code


class ShippingRule(models.Model):
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    # Legacy: a Python snippet that sets `cost` from `weight` (kg) and `subtotal`.
    script = models.TextField(blank=True)
    # Replacement: the same rules as data.
    base_cost = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    per_kg = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    free_above = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    def __str__(self):
        return f"shipping to {self.country}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        PAID = "paid"
        SHIPPED = "shipped"

    email = models.EmailField()
    country = models.CharField(max_length=2)
    created = models.DateTimeField(auto_now_add=True)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    def __str__(self):
        return f"order {self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)


class Customer(models.Model):
    user = models.OneToOneField("auth.User", on_delete=models.CASCADE)
    phone = models.CharField(max_length=30, blank=True)
    # Set by staff only: "member", "wholesale" (sees trade prices) or "manager".
    role = models.CharField(max_length=20, default="member")
    store_credit = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    api_token = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"customer {self.user_id}"
