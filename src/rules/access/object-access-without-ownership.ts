import type { Node } from 'web-tree-sitter';
import { isRequestData, requestNames } from '../../access/behaviour.js';
import { callsWithin, handlersOf } from '../../access/handlers.js';
import type { CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { enclosingStatement } from '../../syntax/nodes.js';
import type { Rule } from '../types.js';

/** Keywords of a lookup that name the object's identity. */
const ID_KEYWORD = /^(?:id|pk|uuid|slug|\w+_id|id__exact|pk__exact)$/;
/** Words that tie a query or a check to the caller: a filter by the user, an owner comparison, a permission call. */
const OWNERSHIP =
  /current_user|request\.user|\bg\.user|get_jwt_identity|\bowner|\buser_id\b|\buser\s*=|\.user\b|\bauthor|created_by|\btenant|\baccount_id|has_perm|has_object_permission|check_object_permissions|permission|authorize|\bcan_\w+\s*\(|abort\s*\(\s*403|PermissionDenied|Forbidden|HTTP_403|status_code\s*=\s*403/;

/** A SQL condition on the owner's column: `AND customer_id = ?`, `AND t.owner = %s`. */
const OWNER_COLUMN = /\b(?:and|where)\s+(?:\w+\.)?(?:user|owner|customer|account|tenant|author|member|client|created_by)\w*\s*=/i;

/** The lookup a call makes by an id and the id expression: `Order.query.get(x)`, `Order.objects.get(pk=x)`, `session.get(Order, x)`. */
function lookupKey(model: ModuleModel, c: CallSite): Node | undefined {
  const fn = c.calleeNode.text.replace(/\s+/g, '');
  if (/^[A-Z]\w*\.query\.(?:get|get_or_404)$/.test(fn)) return c.args[0];
  if (/^[A-Z]\w*\.query\.filter_by$/.test(fn) || /^[A-Z]\w*\.objects\.(?:get|filter|select_for_update\(\)\.get)$/.test(fn)) {
    for (const [k, v] of c.keywords) if (ID_KEYWORD.test(k)) return v;
    return undefined;
  }
  if (/(?:^|\.)session\.get$|^db\.get_or_404$/.test(fn) && /^[A-Z]/.test(c.args[0]?.text ?? '')) return c.args[1];
  if (c.name === 'get_object_or_404' && /^[A-Z]/.test(c.args[0]?.text ?? '')) {
    for (const [k, v] of c.keywords) if (ID_KEYWORD.test(k)) return v;
    return c.args[1];
  }
  if (c.name === 'execute' && c.args[0] && c.args[1]) {
    const sql = model.constantString(c.args[0]);
    if (sql !== undefined && /\bwhere\s+(?:\w+\.)?(?:id|\w+_id)\s*=\s*(?:\?|%s|:\w+)/i.test(sql) && !OWNER_COLUMN.test(sql)) return c.args[1];
  }
  return undefined;
}

export const objectAccessWithoutOwnership: Rule = {
  meta: {
    id: 'K961',
    name: 'object-access-without-ownership-check',
    summary: 'An authenticated route loads or changes an object by an id from the request without checking it belongs to the caller',
    severity: 'high',
    confidence: 'medium',
    cwe: [639, 862],
    owasp: 'A01:2021-Broken Access Control',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'In a route that knows who the caller is (it requires a login: a decorator, a mixin, DRF ' +
      '`permission_classes`, a FastAPI dependency on the current user, or a check in the view), reports a lookup ' +
      'by an id taken from the request (a URL parameter, `request.args`, `request.GET`, `request.data`, ' +
      '`self.kwargs`): `Model.query.get(id)`, `Model.query.get_or_404(id)`, `Model.query.filter_by(id=...)`, ' +
      '`db.session.get(Model, id)`, `Model.objects.get(pk=...)`, `get_object_or_404(Model, pk=...)`, and SQL ' +
      '`... WHERE id = ?` with the id as a parameter, when neither the lookup statement nor the rest of the view ' +
      'ties the object to the caller.\n\n' +
      '**Not reported:** lookups that filter by the user (`filter_by(id=x, user_id=current_user.id)`, ' +
      '`request.user.orders.get(pk=pk)`, `get_object_or_404(Order, pk=pk, owner=request.user)`); views that check ' +
      'ownership or permission after the lookup (`if order.user_id != current_user.id: abort(403)`, `has_perm`, ' +
      '`check_object_permissions`); routes restricted to administrators or to a permission (`@admin_required`, ' +
      '`@permission_required`, `PermissionRequiredMixin`, `IsAdminUser`); DRF `get_object()`, which runs the ' +
      'object permissions; routes without authentication (K960 is about those); ids that are constants or come ' +
      'from the session.',
    why:
      'Changing the number in `/invoices/1041` to `/invoices/1042` is the most common access-control attack ' +
      '(insecure direct object reference). A login proves who the caller is, not that the object is theirs. ' +
      'Filter the query by the current user, or check ownership before returning or changing the object.',
    bad:
      'from flask import Flask\nfrom flask_login import current_user, login_required\n\napp = Flask(__name__)\n\n\n' +
      '@app.route("/invoices/<int:invoice_id>")\n@login_required\ndef invoice(invoice_id):\n' +
      '    inv = Invoice.query.get_or_404(invoice_id)\n    return inv.render()\n',
    good:
      'from flask import Flask\nfrom flask_login import current_user, login_required\n\napp = Flask(__name__)\n\n\n' +
      '@app.route("/invoices/<int:invoice_id>")\n@login_required\ndef invoice(invoice_id):\n' +
      '    inv = Invoice.query.filter_by(id=invoice_id, user_id=current_user.id).first_or_404()\n    return inv.render()\n',
    references: [
      'https://cwe.mitre.org/data/definitions/639.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Insecure_Direct_Object_Reference_Prevention_Cheat_Sheet.html',
    ],
  },
  textHint: /flask|django|fastapi|rest_framework|starlette|quart|route/,
  module(ctx) {
    const model = ctx.model;
    for (const h of handlersOf(model)) {
      if (!h.auth || h.restricted) continue;
      const names = requestNames(model, h);
      for (const c of callsWithin(model, h.node)) {
        const key = lookupKey(model, c);
        if (!key || !isRequestData(key, names)) continue;
        const stmt = enclosingStatement(c.node);
        if (OWNERSHIP.test(stmt.text)) continue;
        const after = model.text.slice(stmt.endIndex, h.node.endIndex);
        if (OWNERSHIP.test(after)) continue;
        ctx.report({
          node: c.node,
          message: `\`${h.name}\` loads an object by an id from the request (\`${key.text.slice(0, 40)}\`) and never checks that it belongs to the caller: filter the query by the current user or check ownership before using it`,
        });
      }
    }
  },
};
