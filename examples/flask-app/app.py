"""Invoice service: the Flask application object and its configuration.

Development: ``python app.py`` (or ``python app.py --debug``).
Production:  ``INVOICES_ENV=production gunicorn app:app``.
"""
import os
import sys

from flask import Flask

from portal import bp as portal_bp
from views import bp as invoices_bp
from accounts import bp as accounts_bp

app = Flask(__name__, instance_relative_config=True)
app.config.from_mapping(
    DATABASE=os.path.join(app.instance_path, "invoices.sqlite3"),
    INVOICE_DIR=os.path.join(app.instance_path, "invoices"),
    LAYOUT_DIR=os.path.join(os.path.dirname(__file__), "layouts"),
    PAYMENT_GATEWAY_URL=os.environ.get("PAYMENT_GATEWAY_URL", "https://payments.example.com/api/v2"),
    PAYMENT_API_KEY=os.environ.get("PAYMENT_API_KEY", ""),
    RECEIPT_CALLBACK_HOSTS=("erp.example.com", "books.example.com"),
    MAX_CONTENT_LENGTH=2 * 1024 * 1024,
)

# The environment defaults to "development": a deployment that forgets INVOICES_ENV gets the branch below.
if os.environ.get("INVOICES_ENV", "development") == "development":
    # Vulnerable: a committed session key lets anyone forge sessions and download-link tokens,
    # and debug mode serves the interactive Werkzeug debugger on every error page.
    app.config.update(SECRET_KEY="dev-1nv01c3s-s3ss10n-k3y-n0t-r3al")  # expect: K502
    # Vulnerable: the salt of the signed download links is public too, whatever it looks like.
    app.config["LINK_TOKEN_SALT"] = "invoice-links"  # expect: K502
    app.config["DEBUG"] = True  # expect: K501
else:
    # Safe: the key is injected by the deployment (e.g. a Kubernetes secret), debug is off.
    app.secret_key = os.environ["INVOICES_SECRET_KEY"]  # ok: K502
    app.config["LINK_TOKEN_SALT"] = os.environ["INVOICES_LINK_SALT"]  # ok: K502
    app.config["DEBUG"] = False  # ok: K501

os.makedirs(app.config["INVOICE_DIR"], exist_ok=True)
app.register_blueprint(invoices_bp)
app.register_blueprint(portal_bp)
app.register_blueprint(accounts_bp)


def serve_with_debugger():
    """Vulnerable: the debugger's console runs any Python it is sent, and 0.0.0.0 exposes it to the network."""
    app.run(host="0.0.0.0", port=5000, debug=True)  # expect: K501, K505


def serve():
    """Safe: the same development server with auto-reload but without the interactive debugger."""
    app.run(host="127.0.0.1", port=5000, debug=False, use_reloader=True)  # ok: K501


if __name__ == "__main__":
    if "--debug" in sys.argv:
        serve_with_debugger()
    else:
        serve()
