"""HTTP API of the invoice service, mounted at /invoices."""
import os
import sqlite3
from decimal import Decimal

from flask import Blueprint, abort, current_app, g, jsonify, request, send_file, send_from_directory

from services import documents, payments, pdf, pricing

bp = Blueprint("invoices", __name__, url_prefix="/invoices")

INVOICE_COLUMNS = "id, number, customer, title, subtotal, quantity, total, status"


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


@bp.teardown_app_request
def close_db(exc):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def load_invoice(invoice_id: int) -> dict:
    row = get_db().execute(f"SELECT {INVOICE_COLUMNS} FROM invoice WHERE id = ?", (invoice_id,)).fetchone()
    if row is None:
        abort(404)
    return dict(row)


def invoice_paths(invoice: dict) -> tuple[str, str]:
    base = os.path.join(current_app.config["INVOICE_DIR"], invoice["number"])
    return f"{base}.html", f"{base}.pdf"


# --- Listing and search --------------------------------------------------------------------------


@bp.get("/search")
def search():
    """Vulnerable: the search term is pasted into the SQL text."""
    term = request.args.get("q", "")
    sql = f"SELECT {INVOICE_COLUMNS} FROM invoice WHERE title LIKE '%{term}%' ORDER BY id DESC"
    rows = get_db().execute(sql).fetchall()  # expect: K701
    return jsonify([dict(row) for row in rows])


@bp.get("/search/v2")
def search_safe():
    """Safe: the term travels as a bound parameter."""
    term = request.args.get("q", "")
    sql = f"SELECT {INVOICE_COLUMNS} FROM invoice WHERE title LIKE ? ORDER BY id DESC"
    rows = get_db().execute(sql, (f"%{term}%",)).fetchall()  # ok: K701
    return jsonify([dict(row) for row in rows])


# --- Pricing -------------------------------------------------------------------------------------


@bp.post("/<int:invoice_id>/discount-preview")
def discount_preview(invoice_id: int):
    invoice = load_invoice(invoice_id)
    formula = request.get_json()["formula"]
    discount = pricing.discount_from_formula(formula, Decimal(invoice["subtotal"]), invoice["quantity"])
    return jsonify(discount=str(discount))


@bp.post("/<int:invoice_id>/discount-preview/v2")
def discount_preview_safe(invoice_id: int):
    invoice = load_invoice(invoice_id)
    formula = request.get_json()["formula"]
    discount = pricing.discount_from_formula_safe(formula, Decimal(invoice["subtotal"]), invoice["quantity"])
    return jsonify(discount=str(discount))


@bp.post("/<int:invoice_id>/reprice")
def reprice(invoice_id: int):
    invoice = load_invoice(invoice_id)
    body = request.get_json()
    if "hook_source" in body:
        invoice = pricing.run_pricing_hook(body["hook_source"], invoice)
    else:
        invoice = pricing.run_pricing_hook_safe(body["hook"], body.get("options", {}), invoice)
    get_db().execute("UPDATE invoice SET total = ? WHERE id = ?", (str(invoice["total"]), invoice_id))
    get_db().commit()
    return jsonify(total=str(invoice["total"]))


# --- Layouts and documents -----------------------------------------------------------------------


@bp.post("/layouts")
def upload_layout():
    layout = documents.load_layout(request.files["layout"].stream)
    return jsonify(name=layout.get("name"), columns=layout.get("columns", []))


@bp.post("/layouts/v2")
def upload_layout_safe():
    layout = documents.load_layout_safe(request.files["layout"].stream)
    return jsonify(name=layout.get("name"), columns=layout.get("columns", []))


@bp.post("/<int:invoice_id>/pdf")
def render(invoice_id: int):
    invoice = load_invoice(invoice_id)
    html_path, pdf_path = invoice_paths(invoice)
    pdf.render_pdf(html_path, pdf_path, request.args.get("page_size", "A4"))
    return jsonify(pages=pdf.page_count(pdf_path))


@bp.post("/<int:invoice_id>/print")
def print_invoice(invoice_id: int):
    invoice = load_invoice(invoice_id)
    _, pdf_path = invoice_paths(invoice)
    pdf.print_invoice(pdf_path, request.form["printer"])
    return jsonify(status=pdf.printer_status(request.form["printer"]))


@bp.post("/<int:invoice_id>/pdf/v2")
def render_safe(invoice_id: int):
    invoice = load_invoice(invoice_id)
    html_path, pdf_path = invoice_paths(invoice)
    pdf.render_pdf_safe(html_path, pdf_path, request.args.get("page_size", "A4"))
    return jsonify(pages=pdf.page_count_safe(pdf_path))


@bp.post("/<int:invoice_id>/print/v2")
def print_invoice_safe(invoice_id: int):
    invoice = load_invoice(invoice_id)
    _, pdf_path = invoice_paths(invoice)
    pdf.print_invoice_safe(pdf_path, request.form["printer"])
    return jsonify(status=pdf.printer_status_safe(request.form["printer"]))


@bp.get("/<int:invoice_id>/link")
def download_link(invoice_id: int):
    load_invoice(invoice_id)
    token = documents.download_token_safe(invoice_id, current_app.secret_key)
    return jsonify(url=f"/invoices/{invoice_id}/download?token={token}")


@bp.get("/<int:invoice_id>/download")
def download(invoice_id: int):
    invoice = load_invoice(invoice_id)
    if not documents.check_download_token(invoice_id, current_app.secret_key, request.args.get("token", "")):
        abort(403)
    return send_from_directory(current_app.config["INVOICE_DIR"], f"{invoice['number']}.pdf")  # ok: K705


@bp.get("/files")
def download_file():
    """Vulnerable: `name=../../instance/invoices.sqlite3` walks out of the invoice folder."""
    name = request.args["name"]
    return send_file(os.path.join(current_app.config["INVOICE_DIR"], name))  # expect: K705


# --- Payments ------------------------------------------------------------------------------------


@bp.post("/<int:invoice_id>/pay")
def pay(invoice_id: int):
    invoice = load_invoice(invoice_id)
    config = current_app.config
    body = request.get_json()
    result = payments.charge(config["PAYMENT_GATEWAY_URL"], config["PAYMENT_API_KEY"], invoice, body["card_token"])
    get_db().execute("UPDATE invoice SET status = 'paid' WHERE id = ?", (invoice_id,))
    get_db().commit()
    if "callback_url" in body:
        payments.send_receipt(body["callback_url"], {"invoice": invoice["number"], "charge": result["id"]})
    return jsonify(status="paid", charge=result["id"])
