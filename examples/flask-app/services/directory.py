"""Customer contacts, kept in the company LDAP directory."""
from ldap3 import SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars

CONTACTS_BASE = "ou=customers,dc=invoices,dc=example"


def _connection() -> Connection:
    return Connection(Server("ldaps://ldap.invoices.example", use_ssl=True), auto_bind=True)


def contacts_of(company: str) -> list[str]:
    """Vulnerable: ``*)(mail=*`` as the company name lists every contact in the directory."""
    conn = _connection()
    conn.search(CONTACTS_BASE, f"(&(objectClass=inetOrgPerson)(o={company}))", SUBTREE, attributes=["mail"])  # expect: K710
    return [str(entry.mail) for entry in conn.entries]


def contacts_of_safe(company: str) -> list[str]:
    conn = _connection()
    query = f"(&(objectClass=inetOrgPerson)(o={escape_filter_chars(company)}))"
    conn.search(CONTACTS_BASE, query, SUBTREE, attributes=["mail"])  # ok: K710
    return [str(entry.mail) for entry in conn.entries]
