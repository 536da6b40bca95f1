import { callsWithin, handlersOf } from '../../access/handlers.js';
import type { Rule } from '../types.js';

/** Calls that check a password: werkzeug, Django, bcrypt, passlib, argon2-cffi, and the framework's own login. */
const PASSWORD_CHECKS = new Set(['check_password_hash', 'check_password', 'checkpw', 'authenticate', 'verify_password', 'check_password_hash']);
const VERIFY_RECEIVER = /(?:^|\.)(?:pwd_context|password_context|pwd_ctx|crypt_context|ph|hasher|password_hasher|argon2|bcrypt|sha256_crypt|pbkdf2_sha256)$/i;

export const loginWithoutRateLimit: Rule = {
  meta: {
    id: 'K962',
    name: 'login-without-rate-limit',
    summary: 'A route checks a password and the application has no rate limiter or lockout',
    severity: 'medium',
    confidence: 'low',
    cwe: [307],
    owasp: 'A07:2021-Identification and Authentication Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports a route that checks a password (`check_password_hash`, `user.check_password(...)`, ' +
      '`bcrypt.checkpw`, Django\'s `authenticate(...)`, passlib\'s or argon2\'s `verify`) when nothing in the ' +
      'scanned application limits attempts: no Flask-Limiter, slowapi, fastapi-limiter, django-ratelimit, ' +
      'django-axes, DRF throttling (`throttle_classes`, `DEFAULT_THROTTLE_CLASSES`), and no lockout bookkeeping ' +
      '(`failed_login_attempts`, `locked_until`…). One finding per application, at the first such route, at low ' +
      'confidence: limits are often set in a reverse proxy or an API gateway krait does not see.\n\n' +
      '**Not reported:** applications where any of the limiters above is imported or configured, password ' +
      'checks outside request handlers (management commands, the model\'s own `check_password` method), test code.',
    why:
      'Without a limit an attacker can try passwords as fast as the server answers: leaked-password lists ' +
      'find weak passwords in hours, and credential stuffing tests millions of known pairs. Limit attempts per ' +
      'account and per address, or lock the account for a while after repeated failures.',
    bad:
      'from flask import Flask, request\nfrom werkzeug.security import check_password_hash\n\napp = Flask(__name__)\n\n\n' +
      '@app.route("/login", methods=["POST"])\ndef login():\n    user = User.query.filter_by(email=request.form["email"]).first()\n' +
      '    if user and check_password_hash(user.password_hash, request.form["password"]):\n        return "welcome"\n    return "no", 401\n',
    good:
      'from flask import Flask, request\nfrom flask_limiter import Limiter\nfrom flask_limiter.util import get_remote_address\n' +
      'from werkzeug.security import check_password_hash\n\napp = Flask(__name__)\nlimiter = Limiter(get_remote_address, app=app)\n\n\n' +
      '@app.route("/login", methods=["POST"])\n@limiter.limit("5 per minute")\ndef login():\n    user = User.query.filter_by(email=request.form["email"]).first()\n' +
      '    if user and check_password_hash(user.password_hash, request.form["password"]):\n        return "welcome"\n    return "no", 401\n',
    references: ['https://cwe.mitre.org/data/definitions/307.html', 'https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks'],
  },
  app: true,
  textHint: /check_password|checkpw|authenticate|verify/,
  module(ctx) {
    const model = ctx.model;
    for (const h of handlersOf(model)) {
      for (const c of callsWithin(model, h.node)) {
        const receiver = c.calleeNode.type === 'attribute' ? (c.calleeNode.childForFieldName('object')?.text ?? '') : '';
        const isCheck = PASSWORD_CHECKS.has(c.name) || (c.name === 'verify' && VERIFY_RECEIVER.test(receiver));
        if (!isCheck) continue;
        ctx.report({
          node: c.node,
          message: `\`${h.name}\` checks a password and nothing in the application limits attempts (no Flask-Limiter, slowapi, django-ratelimit, django-axes or DRF throttle found): limit attempts per account and address, or lock out after repeated failures`,
          requires: { kind: 'no-limiter' },
        });
        return;
      }
    }
  },
};
