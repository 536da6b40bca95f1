import { firstWrite } from '../../access/behaviour.js';
import { handlersOf } from '../../access/handlers.js';
import { AUTH_PLACEHOLDER } from '../../access/types.js';
import type { Rule } from '../types.js';

/** Routes that must be reachable without a login: signing in, registering, recovering a password, callbacks. */
export const PUBLIC_ROUTE =
  /log_?in|log_?out|sign_?in|sign_?out|sign_?up|register|registration|password|passwd|reset|forgot|recover|activate|verify|verification|confirm|oauth|callback|webhook|hook|health|ping|csrf|otp|invite|unsubscribe|(?:^|\/)(?:get_|obtain_)?token\/?$/i;
const UNSAFE_METHODS = new Set(['PUT', 'PATCH', 'DELETE']);

export const unauthenticatedStateChange: Rule = {
  meta: {
    id: 'K960',
    name: 'unauthenticated-state-change',
    summary: 'A route that changes state carries no authentication while the application\'s other routes do',
    severity: 'high',
    confidence: 'medium',
    cwe: [306, 862],
    owasp: 'A01:2021-Broken Access Control',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'In an application whose routes are protected by an authentication mechanism (`@login_required`, ' +
      '`@jwt_required`, Flask-Login, Django\'s `LoginRequiredMixin` or `@permission_required`, DRF ' +
      '`permission_classes`, FastAPI `Depends(get_current_user)`, a check written in the view), reports a route ' +
      'that changes state and carries none of them. A route changes state when it writes to a database ' +
      '(`db.session.commit()`, `.save()`, `.delete()`, `Model.objects.create(...)`, an `INSERT`/`UPDATE`/`DELETE` ' +
      'statement), writes or removes a file, calls a project function named for a write (`delete_account(...)`), ' +
      'answers `PUT`, `PATCH` or `DELETE`, or is a DRF/Django view whose base class writes (`ModelViewSet`, ' +
      '`CreateView`). The message names the mechanism the other routes use. The facts about the other routes are ' +
      'gathered from the whole scan, not one file.\n\n' +
      '**Not reported:** applications with no authentication anywhere (krait cannot tell a public app from an ' +
      'unfinished one); routes whose URL or function name says they must be public (login, logout, sign-up, ' +
      'registration, password reset, activation, OAuth callbacks, webhooks, health checks); read-only routes; ' +
      'routes behind an application-wide guard (a Flask `before_request` function that checks the user, Django\'s ' +
      '`LoginRequiredMiddleware`, DRF `DEFAULT_PERMISSION_CLASSES` requiring authentication, FastAPI application ' +
      'dependencies); routes whose only writes are in helpers krait cannot see; class-based views whose only ' +
      'hint is a `put` or `delete` method (it may just redirect); test code.\n\n' +
      'What counts as the application: modules in the same folder as the route, or in a folder above or below it ' +
      '(a Flask package and its blueprints, a Django project and its apps). Sibling folders are separate ' +
      'applications, so the test apps of a framework\'s own test suite or the services of a monorepo do not ' +
      'lend each other their authentication. Django function views are recognised in views modules (`views.py`, ' +
      'a `views/` package, `api.py`, modules importing `django.http` or `django.shortcuts`) and wherever a view ' +
      'decorator marks them.',
    why:
      'When most routes require a login, the one that does not is usually an oversight, and it is often the ' +
      'one that deletes, pays or changes a setting. Anyone who finds the URL can call it. Protect it like its ' +
      'neighbours, or make the intent explicit.',
    bad:
      'from flask import Flask\nfrom flask_login import login_required\n\napp = Flask(__name__)\n\n\n' +
      '@app.route("/profile")\n@login_required\ndef profile():\n    return "me"\n\n\n' +
      '@app.route("/orders/<int:order_id>/cancel", methods=["POST"])\ndef cancel_order(order_id):\n' +
      '    Order.query.filter_by(id=order_id).delete()\n    db.session.commit()\n    return "ok"\n',
    good:
      'from flask import Flask\nfrom flask_login import login_required\n\napp = Flask(__name__)\n\n\n' +
      '@app.route("/profile")\n@login_required\ndef profile():\n    return "me"\n\n\n' +
      '@app.route("/orders/<int:order_id>/cancel", methods=["POST"])\n@login_required\ndef cancel_order(order_id):\n' +
      '    Order.query.filter_by(id=order_id, user_id=current_user.id).delete()\n    db.session.commit()\n    return "ok"\n',
    references: [
      'https://cwe.mitre.org/data/definitions/306.html',
      'https://cwe.mitre.org/data/definitions/862.html',
      'https://owasp.org/Top10/A01_2021-Broken_Access_Control/',
    ],
  },
  app: true,
  textHint: /flask|django|fastapi|rest_framework|starlette|quart|route/,
  module(ctx) {
    const model = ctx.model;
    for (const h of handlersOf(model)) {
      if (h.auth || PUBLIC_ROUTE.test(h.name) || PUBLIC_ROUTE.test(h.url)) continue;
      const write = firstWrite(model, h);
      // A method alone counts where the route declares it (a decorator); a class view's `delete` may only redirect.
      const method = h.node.type === 'class_definition' ? undefined : h.methods.find((m) => UNSAFE_METHODS.has(m));
      if (!write && !method) continue;
      const what = write ? `writes (${write})` : `answers ${method}`;
      const node = h.node.childForFieldName('name') ?? h.node;
      ctx.report({
        node,
        message: `\`${h.name}\` ${what} without authentication, while the application's other routes use ${AUTH_PLACEHOLDER}: protect it the same way, or document why it is public`,
        requires: { kind: 'auth-elsewhere', framework: h.framework },
      });
    }
  },
};
