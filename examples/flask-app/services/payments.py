"""Payment gateway client: card charges, refunds and receipts for paid invoices."""
from urllib.parse import urlsplit

import requests

TIMEOUT = 10  # seconds
GATEWAY_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def _charge_payload(invoice: dict, card_token: str) -> dict:
    return {"amount": str(invoice["total"]), "currency": "EUR", "source": card_token, "reference": invoice["number"]}


def charge(gateway_url: str, api_key: str, invoice: dict, card_token: str) -> dict:
    """Vulnerable: certificate checks are off ("the staging gateway has a self-signed certificate"),
    so anyone on the network path can read the API key and card token, and fake the response."""
    response = requests.post(  # expect: K401
        f"{gateway_url}/charges",
        json=_charge_payload(invoice, card_token),
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=TIMEOUT,
        verify=False,
    )
    response.raise_for_status()
    return response.json()


def charge_safe(gateway_url: str, api_key: str, invoice: dict, card_token: str) -> dict:
    """Safe: verification stays on; a private CA is trusted by pointing `verify` at its bundle."""
    response = requests.post(  # ok: K401
        f"{gateway_url}/charges",
        json=_charge_payload(invoice, card_token),
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=TIMEOUT,
        verify=GATEWAY_CA_BUNDLE,
    )
    response.raise_for_status()
    return response.json()


def refund(gateway_url: str, api_key: str, charge_id: str) -> dict:
    """Vulnerable: the same mistake on a session method."""
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {api_key}"
        url = f"{gateway_url}/charges/{charge_id}/refund"
        response = session.post(url, timeout=TIMEOUT, verify=False)  # expect: K401
        response.raise_for_status()
        return response.json()


def refund_safe(gateway_url: str, api_key: str, charge_id: str) -> dict:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {api_key}"
        url = f"{gateway_url}/charges/{charge_id}/refund"
        response = session.post(url, timeout=TIMEOUT)  # ok: K401
        response.raise_for_status()
        return response.json()


# --- Receipts ------------------------------------------------------------------------------------
# After a payment the service posts a receipt to a callback URL given by the client's ERP.


def send_receipt(callback_url: str, receipt: dict) -> None:
    """Vulnerable: the server requests any URL the client names, internal addresses included."""
    requests.post(callback_url, json=receipt, timeout=TIMEOUT)  # expect: K706


def send_receipt_safe(callback_url: str, receipt: dict, allowed_hosts: tuple[str, ...]) -> None:
    """Safe: only HTTPS callbacks to hosts on the configured allow-list."""
    parts = urlsplit(callback_url)
    if parts.scheme != "https" or parts.hostname not in allowed_hosts:
        raise ValueError(f"callback host not allowed: {parts.hostname}")
    requests.post(callback_url, json=receipt, timeout=TIMEOUT)
