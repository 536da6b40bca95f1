"""Customer portal, mounted at /portal: notes, reminders, exports, supplier uploads and the audit trail."""
import re

from flask import Blueprint, jsonify, make_response, redirect, render_template_string, request, session, url_for
from markupsafe import escape

from services import audit, directory, einvoice

bp = Blueprint("portal", __name__, url_prefix="/portal")

CURRENCIES = ("EUR", "USD", "GBP", "CHF")
PORTAL_PAGES = ("/portal/", "/portal/invoices", "/portal/payments")
REFERENCES = ("INV-2024-0001", "INV-2024-0002", "CN-2024-0001")


@bp.get("/")
def overview():
    return jsonify(currency=session.get("currency", "EUR"))


@bp.get("/invoices/<int:invoice_id>/note")
def note_preview(invoice_id: int):
    """Vulnerable: the note is written into the HTML as typed."""
    note = request.args.get("note", "")
    return f"<h2>Invoice {invoice_id}</h2><p class='note'>{note}</p>"  # expect: K707


@bp.get("/invoices/<int:invoice_id>/note/v2")
def note_preview_safe(invoice_id: int):
    note = request.args.get("note", "")
    return f"<h2>Invoice {invoice_id}</h2><p class='note'>{escape(note)}</p>"  # ok: K707


@bp.post("/reminders/preview")
def reminder_preview():
    """Vulnerable: the reminder text is compiled as a Jinja template ({{ config.SECRET_KEY }} works)."""
    html = render_template_string(request.form["text"], customer="ACME GmbH")  # expect: K708
    return jsonify(html=html)


@bp.post("/reminders/preview/v2")
def reminder_preview_safe():
    html = render_template_string(  # ok: K708
        "<p>Dear {{ customer }},</p><p>{{ text }}</p>", customer="ACME GmbH", text=request.form["text"]
    )
    return jsonify(html=html)


@bp.get("/paid")
def after_payment():
    """Vulnerable: ``return_to=https://evil.example`` sends the customer to a look-alike site."""
    return redirect(request.args.get("return_to", "/portal/"))  # expect: K709


@bp.get("/paid/v2")
def after_payment_safe():
    target = request.args.get("return_to", "")
    if target in PORTAL_PAGES:
        return redirect(target)  # ok: K709
    return redirect(url_for("portal.overview"))


@bp.get("/invoices/<int:invoice_id>/export")
def export(invoice_id: int):
    """Vulnerable: a CR/LF in ``name`` adds response headers of the client's choosing."""
    name = request.args.get("name", f"invoice-{invoice_id}")
    response = make_response("number,total\n")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'  # expect: K716
    return response


@bp.get("/invoices/<int:invoice_id>/export/v2")
def export_safe(invoice_id: int):
    response = make_response("number,total\n")
    response.headers["Content-Disposition"] = f'attachment; filename="invoice-{invoice_id}.csv"'  # ok: K716
    return response


@bp.get("/references")
def find_references():
    """Vulnerable: a pattern such as ``(a+)+$`` from the query string stalls the worker."""
    matcher = re.compile(request.args.get("pattern", ""))  # expect: K718
    return jsonify([ref for ref in REFERENCES if matcher.search(ref)])


@bp.get("/references/v2")
def find_references_safe():
    matcher = re.compile(re.escape(request.args.get("text", "")))  # ok: K718
    return jsonify([ref for ref in REFERENCES if matcher.search(ref)])


@bp.post("/currency")
def set_currency():
    """Vulnerable: later requests trust the session, but this value was never checked."""
    session["currency"] = request.form["currency"]  # expect: K719
    return jsonify(saved=True)


@bp.post("/currency/v2")
def set_currency_safe():
    currency = request.form["currency"]
    if currency in CURRENCIES:
        session["currency"] = currency  # ok: K719
    return jsonify(currency=session.get("currency", "EUR"))


@bp.get("/contacts")
def contacts():
    return jsonify(directory.contacts_of(request.args["company"]))


@bp.get("/contacts/v2")
def contacts_safe():
    return jsonify(directory.contacts_of_safe(request.args["company"]))


@bp.post("/supplier-invoices")
def supplier_invoice():
    document = einvoice.parse_supplier_invoice(request.get_data())
    return jsonify(lines=len(einvoice.invoice_line(document, request.args.get("line", "1"))))


@bp.post("/supplier-invoices/v2")
def supplier_invoice_safe():
    document = einvoice.parse_supplier_invoice_safe(request.get_data())
    return jsonify(lines=len(einvoice.invoice_line_safe(document, request.args.get("line", "1"))))


@bp.post("/statements")
def bank_statement():
    return jsonify(amounts=einvoice.statement_amounts(request.get_data(as_text=True)))


@bp.post("/statements/v2")
def bank_statement_safe():
    return jsonify(amounts=einvoice.statement_amounts_safe(request.get_data(as_text=True)))


@bp.get("/invoices/<number>/history")
def history(number: str):
    audit.record_view(number, request.headers.get("X-Viewer", "anonymous"))
    return jsonify(audit.history(request.args.get("where", "true")))


@bp.get("/invoices/<int:invoice_id>/history/v2")
def history_safe(invoice_id: int):
    audit.record_view_safe(invoice_id, int(request.headers.get("X-Viewer-Id", "0")))
    return jsonify(audit.history_safe(int(request.args.get("days", "30"))))
