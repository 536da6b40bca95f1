"""Helpers used by the invoice views: pricing, documents, PDF tooling and the payment gateway."""
