"""Line-item pricing: tenant-defined discount formulas and pricing hooks.

A tenant configures its volume discount as a formula in the settings page, for example
``subtotal * 0.05 if quantity >= 10 else 0``, and may attach a pricing hook for rules a formula cannot
express (rounding, minimum charges).
"""
import ast
import operator
from decimal import ROUND_HALF_UP, Decimal

# --- Discount formulas ---------------------------------------------------------------------------


def discount_from_formula(formula: str, subtotal: Decimal, quantity: int) -> Decimal:
    """Vulnerable: the tenant's formula runs as Python inside the service.

    Emptying ``__builtins__`` is not a sandbox: ``().__class__.__base__.__subclasses__()`` reaches
    ``os`` and ``subprocess`` in one line.
    """
    names = {"subtotal": subtotal, "quantity": quantity}
    value = eval(formula, {"__builtins__": {}}, names)  # expect: K704
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARISONS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
}


def discount_from_formula_safe(formula: str, subtotal: Decimal, quantity: int) -> Decimal:
    """Safe: the formula is parsed, never run; only numbers, the two names, arithmetic, one comparison
    and ``a if condition else b`` are understood, anything else is rejected."""
    tree = ast.parse(formula, mode="eval")  # ok: K101, K704
    names = {"subtotal": subtotal, "quantity": Decimal(quantity)}
    value = _evaluate(tree.body, names)
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _evaluate(node: ast.expr, names: dict[str, Decimal]) -> Decimal | bool:
    match node:
        case ast.Constant(value=int() | float() as value) if not isinstance(value, bool):
            return Decimal(str(value))
        case ast.Name(id=name) if name in names:
            return names[name]
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_evaluate(operand, names)
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _ARITHMETIC:
            return _ARITHMETIC[type(op)](_evaluate(left, names), _evaluate(right, names))
        case ast.Compare(left=left, ops=[op], comparators=[right]) if type(op) in _COMPARISONS:
            return _COMPARISONS[type(op)](_evaluate(left, names), _evaluate(right, names))
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return _evaluate(body, names) if _evaluate(test, names) else _evaluate(orelse, names)
    raise ValueError(f"not allowed in a discount formula: {ast.unparse(node)}")


# --- Pricing hooks -------------------------------------------------------------------------------


def run_pricing_hook(hook_source: str, invoice: dict) -> dict:
    """Vulnerable: the tenant uploads a Python snippet that edits ``invoice``; it runs with the
    service's privileges, database credentials and payment API key included."""
    namespace = {"invoice": invoice, "Decimal": Decimal}
    exec(hook_source, namespace)  # expect: K703
    return namespace["invoice"]


def _round_total(invoice: dict, options: dict) -> dict:
    step = Decimal(options.get("step", "0.05"))
    invoice["total"] = (Decimal(invoice["total"]) / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step
    return invoice


def _minimum_charge(invoice: dict, options: dict) -> dict:
    invoice["total"] = max(Decimal(invoice["total"]), Decimal(options["minimum"]))
    return invoice


PRICING_HOOKS = {
    "round-total": _round_total,
    "minimum-charge": _minimum_charge,
}


def run_pricing_hook_safe(hook_name: str, options: dict, invoice: dict) -> dict:
    """Safe: tenants choose among hooks the service ships and configure them with data, not code."""
    hook = PRICING_HOOKS[hook_name]  # ok: K102
    return hook(invoice, options)
