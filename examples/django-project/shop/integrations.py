"""Integrations the storefront uses: supplier feeds (XML), the staff directory (LDAP), product reviews
(MongoDB) and payment provider plugins."""
import importlib
import xml.dom.minidom

import defusedxml.minidom
import requests
from django.conf import settings
from ldap3 import SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars
from lxml import etree
from pymongo import MongoClient

SUPPLIER_FEEDS = {
    "acme": "https://feeds.acme.example/catalogue.xml",
    "globex": "https://globex.example/export/products.xml",
}
PAYMENT_PROVIDERS = {"stripe": "shop.payments.stripe", "adyen": "shop.payments.adyen"}
STAFF_BASE = "ou=staff,dc=shop,dc=example"
reviews = MongoClient("mongodb://reviews-db.internal:27017").shop.reviews

# --- Supplier feeds ------------------------------------------------------------------------------


def fetch_feed(url: str) -> bytes:
    """Vulnerable: the shop server fetches any URL a staff form sends (cloud metadata, admin ports...)."""
    response = requests.get(url, timeout=10)  # expect: K706
    response.raise_for_status()
    return response.content


def fetch_feed_safe(supplier: str) -> bytes:
    """Safe: staff pick a supplier; the URL comes from the shop's own table."""
    response = requests.get(SUPPLIER_FEEDS[supplier], timeout=10)  # ok: K706
    response.raise_for_status()
    return response.content


def parse_feed(payload: bytes):
    """Vulnerable: external entities in an uploaded feed are resolved (file:// reads, SSRF)."""
    parser = etree.XMLParser(resolve_entities=True)  # ok: K212
    return etree.fromstring(payload, parser=parser)  # expect: K713


def parse_feed_safe(payload: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True)  # ok: K212
    return etree.fromstring(payload, parser=parser)  # ok: K713


def feed_prices(document, sku: str) -> list[str]:
    """Vulnerable: the SKU from the request is pasted into the XPath expression."""
    return document.xpath("//product[@sku='" + sku + "']/price/text()")  # expect: K711


def feed_prices_safe(document, sku: str) -> list[str]:
    return document.xpath("//product[@sku=$sku]/price/text()", sku=sku)  # ok: K711


def parse_order_export(payload: bytes) -> int:
    """Vulnerable: the marketplace's order export is parsed with minidom, which expands nested entities."""
    document = xml.dom.minidom.parseString(payload)  # expect: K714
    return len(document.getElementsByTagName("order"))


def parse_order_export_safe(payload: bytes) -> int:
    document = defusedxml.minidom.parseString(payload)  # ok: K714
    return len(document.getElementsByTagName("order"))


# --- Staff directory -----------------------------------------------------------------------------


def staff_named(name: str) -> list[str]:
    """Vulnerable: ``*`` or ``)(|(uid=*`` in the name changes what the filter matches."""
    conn = Connection(Server(settings.STAFF_LDAP_URL, use_ssl=True), auto_bind=True)
    conn.search(STAFF_BASE, "(cn=" + name + ")", SUBTREE, attributes=["mail"])  # expect: K710
    return [str(entry.mail) for entry in conn.entries]


def staff_named_safe(name: str) -> list[str]:
    conn = Connection(Server(settings.STAFF_LDAP_URL, use_ssl=True), auto_bind=True)
    conn.search(STAFF_BASE, "(cn=" + escape_filter_chars(name) + ")", SUBTREE, attributes=["mail"])  # ok: K710
    return [str(entry.mail) for entry in conn.entries]


# --- Reviews -------------------------------------------------------------------------------------


def reviews_matching(query: dict) -> list[dict]:
    """Vulnerable: the client sends the whole MongoDB filter, operators and $where included."""
    return list(reviews.find(query, {"_id": 0}))  # expect: K712


def reviews_rated_at_least(stars: int) -> list[dict]:
    return list(reviews.find({"stars": {"$gte": stars}}, {"_id": 0}))  # ok: K712


# --- Payment providers ---------------------------------------------------------------------------


def payment_provider(name: str):
    """Vulnerable: any importable module can be loaded by name (and its import-time code runs)."""
    return importlib.import_module(f"shop.payments.{name}")  # expect: K703


def payment_provider_safe(name: str):
    return importlib.import_module(PAYMENT_PROVIDERS[name])  # ok: K703
