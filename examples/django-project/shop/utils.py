"""Shop helpers: coupons, shipping, catalogue import, tokens, labels, images and integrations."""
import ast
import hashlib
import operator
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import httpx
import requests
import yaml
from django.conf import settings
from django.utils.crypto import salted_hmac

from .models import Coupon, Product, ShippingRule

# --- Coupons -------------------------------------------------------------------------------------


def coupon_applies(coupon: Coupon, total: Decimal, items: int) -> bool:
    """Vulnerable: the condition typed into the admin runs as Python; an admin account (or an XSS in
    the admin) becomes code execution on the server."""
    return bool(eval(coupon.condition, {"__builtins__": {}}, {"total": total, "items": items}))  # expect: K101


_COMPARISONS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.Compare, ast.Name, ast.Load, ast.Constant, *_COMPARISONS,
)


def coupon_applies_safe(coupon: Coupon, total: Decimal, items: int) -> bool:
    """Safe: the condition is parsed and checked against a tiny grammar (comparisons of `total` and
    `items` with numbers, joined by and/or), then evaluated by walking the tree."""
    tree = ast.parse(coupon.condition, mode="eval")  # ok: K101
    for node in ast.walk(tree):
        allowed = isinstance(node, _ALLOWED_NODES)
        if isinstance(node, ast.Name):
            allowed = node.id in ("total", "items")
        elif isinstance(node, ast.Constant):
            allowed = type(node.value) in (int, float)
        if not allowed:
            raise ValueError(f"coupon {coupon.code}: not allowed in a condition: {ast.dump(node)}")
    return bool(_truth(tree.body, {"total": total, "items": Decimal(items)}))


def _truth(node: ast.expr, names: dict[str, Decimal]):
    if isinstance(node, ast.BoolOp):
        values = (_truth(v, names) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _truth(node.left, names)
        for op, right_node in zip(node.ops, node.comparators):
            right = _truth(right_node, names)
            if not _COMPARISONS[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Name):
        return names[node.id]
    return Decimal(str(node.value))


# --- Shipping ------------------------------------------------------------------------------------


def shipping_cost_from_script(rule: ShippingRule, weight: Decimal, subtotal: Decimal) -> Decimal:
    """Vulnerable: the legacy rule is a Python snippet stored in the database and run as is."""
    namespace = {"weight": weight, "subtotal": subtotal, "Decimal": Decimal, "cost": Decimal("0")}
    exec(compile(rule.script, f"<shipping rule {rule.pk}>", "exec"), namespace)  # expect: K102
    return Decimal(namespace["cost"])


def shipping_cost(rule: ShippingRule, weight: Decimal, subtotal: Decimal) -> Decimal:
    """Safe: the same rules expressed as data; there is no code to inject."""
    if rule.free_above is not None and subtotal >= rule.free_above:
        return Decimal("0.00")
    return rule.base_cost + rule.per_kg * weight  # ok: K102


# --- Catalogue import ----------------------------------------------------------------------------
# Suppliers send their catalogue as YAML; staff upload it in the back office.


def import_catalog(stream) -> int:
    """Vulnerable: `unsafe_load` builds any Python object the file names (it went in because prices
    were tagged `!!python/object/apply:decimal.Decimal`)."""
    entries = yaml.unsafe_load(stream)  # expect: K715
    return _save_products(entries)


def import_catalog_safe(stream) -> int:
    """Safe: prices are plain strings in the file and become Decimal here."""
    entries = yaml.load(stream, Loader=yaml.SafeLoader)  # ok: K201, K715
    return _save_products(entries)


def _save_products(entries: list[dict]) -> int:
    for entry in entries:
        Product.objects.update_or_create(
            sku=entry["sku"],
            defaults={
                "name": entry["name"],
                "category": entry.get("category", "misc"),
                "price": Decimal(str(entry["price"])),
                "weight_kg": Decimal(str(entry.get("weight_kg", 0))),
            },
        )
    return len(entries)


# --- Tokens and digests --------------------------------------------------------------------------


def order_token(order_id: int, email: str) -> str:
    """Vulnerable: the link in the confirmation e-mail is a bare SHA-1 of public data; anyone who
    knows an order number and the buyer's address can compute it."""
    return hashlib.new("sha1", f"{order_id}:{email}".encode()).hexdigest()  # expect: K301


def order_token_safe(order_id: int, email: str) -> str:
    """Safe: an HMAC keyed with SECRET_KEY, with SHA-256."""
    return salted_hmac("shop.order-token", f"{order_id}:{email}", algorithm="sha256").hexdigest()  # ok: K301


def gravatar_url(email: str, size: int = 80) -> str:
    """Gravatar addresses images by the MD5 of the e-mail: an identifier, not a security control."""
    digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()  # ok: K301
    return f"https://www.gravatar.com/avatar/{digest}?s={size}&d=identicon"


# --- Shipping labels and images ------------------------------------------------------------------


def make_label(product: Product) -> Path:
    """Vulnerable: the single quotes do not help; a SKU such as `x'; rm -rf ~; '` closes them."""
    out_path = Path(settings.LABEL_DIR) / f"{product.pk}.png"
    os.system(f"zint --barcode=20 --output={out_path} --data='{product.sku}'")  # expect: K111
    return out_path


def make_label_safe(product: Product) -> Path:
    out_path = Path(settings.LABEL_DIR) / f"{product.pk}.png"
    subprocess.run(["zint", "--barcode=20", f"--output={out_path}", f"--data={product.sku}"], check=True)  # ok: K111
    return out_path


def make_thumbnail(src: str, dst: str, size: str = "300x300") -> None:
    """Vulnerable: `size` comes from a query parameter and reaches the shell."""
    subprocess.check_output("convert %s -thumbnail %s %s" % (src, size, dst), shell=True)  # expect: K702


def make_thumbnail_safe(src: str, dst: str, size: str = "300x300") -> None:
    subprocess.check_output(["convert", src, "-thumbnail", size, dst])  # ok: K110, K702


# --- Integrations --------------------------------------------------------------------------------


def exchange_rates(base: str = "EUR") -> dict:
    """Vulnerable: without certificate checks anyone on the path can serve fake rates."""
    response = requests.get(  # expect: K401
        settings.EXCHANGE_RATES_URL, params={"base": base}, timeout=5, verify=False
    )
    response.raise_for_status()
    return response.json()["rates"]


def exchange_rates_safe(base: str = "EUR") -> dict:
    response = requests.get(settings.EXCHANGE_RATES_URL, params={"base": base}, timeout=5)  # ok: K401
    response.raise_for_status()
    return response.json()["rates"]


def supplier_client() -> httpx.Client:
    """Vulnerable: "the supplier uses its own CA", so verification was switched off."""
    return httpx.Client(base_url=settings.SUPPLIER_API_URL, timeout=10, verify=False)  # expect: K401


def supplier_client_safe() -> httpx.Client:
    """Safe: trust the supplier's CA explicitly instead."""
    ca_bundle = str(settings.SUPPLIER_CA_BUNDLE)
    return httpx.Client(base_url=settings.SUPPLIER_API_URL, timeout=10, verify=ca_bundle)  # ok: K401


def supplier_stock(sku: str) -> int:
    with supplier_client_safe() as client:
        response = client.get(f"/stock/{sku}")
        response.raise_for_status()
        return response.json()["available"]
