"""Audit trail of who looked at which invoice (MongoDB) and the access log."""
import logging

from pymongo import MongoClient

log = logging.getLogger("invoices.audit")
events = MongoClient("mongodb://audit-db.internal:27017").invoices.events


def record_view(invoice_number: str, viewer: str) -> None:
    """Vulnerable: a viewer name containing a newline forges extra log records."""
    log.info("invoice %s viewed by %s", invoice_number, viewer)  # expect: K717
    events.insert_one({"invoice": invoice_number, "viewer": viewer})


def record_view_safe(invoice_id: int, viewer_id: int) -> None:
    log.info("invoice %d viewed by user %d", invoice_id, viewer_id)  # ok: K717
    events.insert_one({"invoice_id": invoice_id, "viewer_id": viewer_id})


def history(where: str) -> list[dict]:
    """Vulnerable: the filter is JavaScript run by the database."""
    return list(events.find({"$where": where}, {"_id": 0}))  # expect: K712


def history_safe(days: int) -> list[dict]:
    return list(events.find({"age_days": {"$lte": days}}, {"_id": 0}))  # ok: K712
