import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { excerpt } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';

const DJANGO_EXEMPT = 'django.views.decorators.csrf.csrf_exempt';
const FLASK_WTF_EXEMPT = ['flask_wtf.csrf.CSRFProtect.exempt', 'flask_wtf.CSRFProtect.exempt'];
const EXEMPT = new Set([DJANGO_EXEMPT, ...FLASK_WTF_EXEMPT]);
const METHOD_DECORATOR = 'django.utils.decorators.method_decorator';

/** Endpoints called by other services, which authenticate with a signature rather than a session cookie. */
const WEBHOOK = /web_?hook|callback|_ipn\b|^ipn|notif|stripe|paypal|twilio|slack_event|github_event/i;

function isExempt(node: Node, model: ModuleModel): boolean {
  const q = model.qualifiedName(unparen(node));
  return q !== undefined && EXEMPT.has(q);
}

function report(ctx: RuleContext, node: Node, target: string): void {
  const webhook = WEBHOOK.test(target);
  ctx.report({
    node,
    message:
      `CSRF protection is switched off for ${target}: any site the user visits can make the browser send a ` +
      'state-changing request with the user\'s cookies; keep the check on' +
      (webhook ? ' (for a webhook, verify the sender\'s signature instead, and say so in a suppression comment)' : ', or authenticate the endpoint without cookies (a token in a header) if it really is an API'),
    ...(webhook ? { confidence: 'low' as const } : {}),
  });
}

/** The name of the function or class a decorator applies to. */
function decoratedName(decorator: Node): string {
  const def = decorator.parent?.namedChildren.find((c) => c?.type === 'function_definition' || c?.type === 'class_definition');
  const name = def?.childForFieldName('name')?.text;
  if (!name) return 'this view';
  // A method: name its class too (`PasswordView.dispatch`).
  let owner: Node | null = decorator.parent?.parent ?? null;
  while (owner && owner.type !== 'class_definition' && owner.type !== 'function_definition' && owner.type !== 'module') owner = owner.parent;
  const cls = owner?.type === 'class_definition' ? owner.childForFieldName('name')?.text : undefined;
  return cls ? `${cls}.${name}` : name;
}

export const csrfExempt: Rule = {
  meta: {
    id: 'K510',
    name: 'csrf-exempt',
    summary: 'A view exempted from CSRF protection (`@csrf_exempt`, Flask-WTF `@csrf.exempt`)',
    severity: 'medium',
    confidence: 'high',
    cwe: [352],
    owasp: 'A01:2021-Broken Access Control',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports views taken out of the framework\'s CSRF protection:\n\n' +
      '- Django\'s `@csrf_exempt`, also as `@method_decorator(csrf_exempt, name="dispatch")` (alone or in a ' +
      'list) and as a call in a URL configuration (`path("pay/", csrf_exempt(PayView.as_view()))`);\n' +
      '- Flask-WTF\'s `@csrf.exempt` on a `CSRFProtect` instance, and `csrf.exempt(blueprint)`.\n\n' +
      'Views whose name says they receive calls from other services (`stripe_webhook`, `payment_callback`, ' +
      '`paypal_ipn`) are reported at low confidence: exempting them is normal, provided the request signature ' +
      'is verified. `@csrf_protect`, `@ensure_csrf_cookie` and `@requires_csrf_token` are not reported.',
    why:
      'Browsers attach cookies to requests that other sites start: a hidden form or a script on any page the ' +
      'user visits can post to an exempt view, and the view runs with the user\'s session, changing their ' +
      'e-mail, password or payment details. The CSRF token is what tells the site the request came from its ' +
      'own pages. An endpoint that must be called cross-site should authenticate without cookies (a token in ' +
      'a header, a signed payload), not switch the check off.',
    bad: 'from django.http import JsonResponse\nfrom django.views.decorators.csrf import csrf_exempt\n\n\n@csrf_exempt\ndef change_email(request):\n    request.user.email = request.POST["email"]\n    request.user.save()\n    return JsonResponse({"ok": True})\n',
    good: 'from django.http import JsonResponse\nfrom django.views.decorators.http import require_POST\n\n\n@require_POST\ndef change_email(request):\n    request.user.email = request.POST["email"]\n    request.user.save()\n    return JsonResponse({"ok": True})\n',
    references: [
      'https://cwe.mitre.org/data/definitions/352.html',
      'https://docs.djangoproject.com/en/stable/ref/csrf/#django.views.decorators.csrf.csrf_exempt',
      'https://flask-wtf.readthedocs.io/en/stable/csrf/#exclude-views-from-protection',
      'https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html',
    ],
  },
  textHint: /exempt/,
  callees: [...EXEMPT],
  call(call, ctx) {
    const target = call.args[0];
    if (target) report(ctx, call.node, excerpt(target));
  },
  nodeTypes: ['decorator'],
  node(decorator, ctx) {
    const model = ctx.model;
    const expr = decorator.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (!expr) return;
    const e = unparen(expr);
    if (e.type === 'identifier' || e.type === 'attribute') {
      if (isExempt(e, model)) report(ctx, decorator, decoratedName(decorator));
      return;
    }
    if (e.type !== 'call') return;
    const fn = e.childForFieldName('function');
    if (!fn || model.qualifiedName(fn) !== METHOD_DECORATOR) return;
    const first = e.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (!first) return;
    const f = unparen(first);
    const decorators = f.type === 'list' || f.type === 'tuple' ? f.namedChildren.filter((c): c is Node => c !== null) : [f];
    if (decorators.some((d) => isExempt(d, model))) report(ctx, decorator, decoratedName(decorator));
  },
};
