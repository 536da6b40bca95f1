"""Customer accounts of the invoice service, mounted at /accounts: sign-in, statements, profile.

The service has no login framework: views read the signed session cookie themselves.
"""
from dataclasses import dataclass

from flask import Blueprint, abort, jsonify, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from views import get_db

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


@dataclass
class Profile:
    email: str
    display_name: str = ""
    credit_limit: int = 0


class Customer:
    def __init__(self, row):
        self.id = row["id"]
        self.email = row["email"]
        self.password_hash = row["password_hash"]

    def to_dict(self):
        """Vulnerable: every response built from it carries the password hash."""
        return {"id": self.id, "email": self.email, "password_hash": self.password_hash}  # expect: K964

    def public_dict(self):
        """Safe: the fields a client needs."""
        return {"id": self.id, "email": self.email}  # ok: K964


def current_customer_id() -> int:
    customer_id = session.get("customer_id")
    if customer_id is None:
        abort(401)
    return customer_id


@bp.post("/sign-in")
def sign_in():
    """Vulnerable (low confidence): nothing in the service limits password attempts."""
    body = request.get_json()
    row = get_db().execute("SELECT id, password_hash FROM customer WHERE email = ?", (body["email"],)).fetchone()
    if row is None or not check_password_hash(row["password_hash"], body["password"]):  # expect: K962
        abort(401)
    session["customer_id"] = row["id"]
    return jsonify(ok=True)


@bp.get("/statements/<int:statement_id>")
def statement(statement_id: int):
    """Vulnerable: any signed-in customer can read any statement by changing the number."""
    if session.get("customer_id") is None:
        abort(401)
    row = get_db().execute("SELECT * FROM statement WHERE id = ?", (statement_id,)).fetchone()  # expect: K961
    return jsonify(dict(row))


@bp.get("/v2/statements/<int:statement_id>")
def statement_safe(statement_id: int):
    """Safe: the statement must belong to the signed-in customer."""
    if session.get("customer_id") is None:
        abort(401)
    row = get_db().execute(
        "SELECT * FROM statement WHERE id = ? AND customer_id = ?",  # ok: K961
        (statement_id, current_customer_id()),
    ).fetchone()
    return jsonify(dict(row))


@bp.post("/profile")
def profile():
    """Vulnerable: `{"credit_limit": 100000}` in the body raises the customer's own credit limit."""
    current_customer_id()
    p = Profile(**request.get_json())  # expect: K963
    return jsonify(email=p.email)


@bp.post("/v2/profile")
def profile_safe():
    """Safe: only the fields a customer may change are read."""
    current_customer_id()
    body = request.get_json()
    p = Profile(email=body["email"], display_name=body.get("display_name", ""))  # ok: K963
    return jsonify(email=p.email)


def create_customer(db, email: str, password: str) -> None:
    db.execute("INSERT INTO customer (email, password_hash) VALUES (?, ?)", (email, generate_password_hash(password)))
    db.commit()


def create_operator(db):
    """Vulnerable: the operator account of every installation has the same, published password."""
    create_customer(db, email="ops@invoices.test", password="Winter2025")  # expect: K608


def create_operator_safe(db, password: str):
    """Safe: the installer passes the password it generated (and showed once)."""
    create_customer(db, email="ops@invoices.test", password=password)  # ok: K608
