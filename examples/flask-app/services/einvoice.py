"""Electronic invoices (UBL 2.1 XML) uploaded by suppliers, and bank statements (camt.053) used to match
incoming payments."""
import xml.etree.ElementTree as ElementTree

import defusedxml.ElementTree
from lxml import etree

UBL_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CAMT_NS = {"camt": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"}


def parse_supplier_invoice(payload: bytes):
    """Vulnerable: entities are resolved and the network is reachable, so a supplier's upload containing
    ``<!ENTITY x SYSTEM "file:///app/instance/invoices.sqlite3">`` reads server files."""
    parser = etree.XMLParser(resolve_entities=True, no_network=False)  # ok: K212
    return etree.fromstring(payload, parser)  # expect: K713


def parse_supplier_invoice_safe(payload: bytes):
    """Safe: no entity resolution, no network, no DTD."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)  # ok: K212
    return etree.fromstring(payload, parser)  # ok: K713


def invoice_line(document, line_id: str) -> list:
    """Vulnerable: ``1' or '1'='1`` in the line id rewrites the XPath query."""
    return document.xpath(f"//cac:InvoiceLine[cbc:ID='{line_id}']", namespaces=UBL_NS)  # expect: K711


def invoice_line_safe(document, line_id: str) -> list:
    """Safe: the id is an XPath variable, never part of the expression."""
    return document.xpath("//cac:InvoiceLine[cbc:ID=$line]", namespaces=UBL_NS, line=line_id)  # ok: K711


def statement_amounts(payload: str) -> list[str]:
    """Vulnerable: the standard library parser expands nested entities (billion laughs)."""
    root = ElementTree.fromstring(payload)  # expect: K714
    return [node.text for node in root.iter(f"{{{CAMT_NS['camt']}}}Amt")]


def statement_amounts_safe(payload: str) -> list[str]:
    root = defusedxml.ElementTree.fromstring(payload)  # ok: K714
    return [node.text for node in root.iter(f"{{{CAMT_NS['camt']}}}Amt")]
