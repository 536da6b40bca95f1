import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../../semantics/module.js';
import type { Rule } from '../types.js';
import { envFallback, isConditional, isDeployableSettings, sequenceElements } from './shared.js';

/** True when a constant host list (or comma-separated string) lets every host through. */
function wildcardIn(node: Node, model: ModuleModel): boolean {
  const s = model.constantString(node);
  if (s !== undefined) return s.split(/[\s,]+/).includes('*');
  const elems = sequenceElements(node, model);
  return !!elems && elems.some((e) => model.constantString(e) === '*');
}

const RISK =
  'Django then accepts any Host header, and absolute URLs it builds from it (password-reset links, redirects, ' +
  'cache keys) can point at an attacker\'s site';
const ADVICE = 'list the host names the site is served under, or read them from the environment without a wildcard fallback';

export const djangoAllowedHostsWildcard: Rule = {
  meta: {
    id: 'K504',
    name: 'django-allowed-hosts-wildcard',
    summary: 'Django `ALLOWED_HOSTS` containing the `"*"` wildcard, which turns off Host header validation',
    severity: 'medium',
    confidence: 'high',
    cwe: [1173, 20],
    owasp: 'A05:2021-Security Misconfiguration',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `ALLOWED_HOSTS` assigned at the top level of a Django settings module (see `django-debug-enabled` ' +
      'for what counts as one) to a list, tuple or set that contains `"*"`. A literal `"*"` as the fallback of ' +
      'an environment read (`os.environ.get("ALLOWED_HOSTS", "*").split(",")`, `env.list("ALLOWED_HOSTS", ' +
      'default=["*"])`) is reported at low confidence: a deployment that forgets the variable silently accepts ' +
      'every host.\n\n' +
      'Not reported: specific names and subdomain patterns (`".example.com"`), values read from the ' +
      'environment without a wildcard fallback, and development or test profiles (`settings/dev.py`, ' +
      '`local_settings.py`, `settings/test.py`).\n\n' +
      'CWE: ALLOWED_HOSTS is the validation Django provides for the Host header, and `"*"` switches it off, so ' +
      'the finding is CWE-1173 (improper use of a validation framework), a child of CWE-20. CWE-644 is about ' +
      'script syntax in headers and CWE-1327 about binding a socket to all interfaces; neither fits.',
    why:
      'Django builds absolute URLs from the Host header the client sends: password-reset and activation ' +
      'e-mails, redirects, `request.build_absolute_uri()`, and anything a cache stores under the host. With ' +
      'the wildcard, an attacker can request a password reset for a victim with `Host: evil.example` and the ' +
      'victim receives a genuine e-mail whose link delivers the reset token to the attacker (password-reset ' +
      'poisoning); shared caches can also be poisoned with links to the attacker\'s host.',
    bad: 'INSTALLED_APPS = ["django.contrib.auth", "shop"]\n\nALLOWED_HOSTS = ["*"]\n',
    good: 'INSTALLED_APPS = ["django.contrib.auth", "shop"]\n\nALLOWED_HOSTS = ["shop.example.com", ".shop.example.com"]\n',
    references: [
      'https://cwe.mitre.org/data/definitions/1173.html',
      'https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts',
      'https://docs.djangoproject.com/en/stable/topics/security/#host-headers-virtual-hosting',
      'https://portswigger.net/web-security/host-header/exploiting/password-reset-poisoning',
    ],
  },
  textHint: /ALLOWED_HOSTS/,
  assignment(assignment, ctx) {
    const model = ctx.model;
    if (assignment.scope.kind !== 'module' || !assignment.value) return;
    if (!assignment.targets.some((t) => t.type === 'identifier' && t.text === 'ALLOWED_HOSTS')) return;
    if (!isDeployableSettings(model)) return;
    const value = assignment.value;
    const conditional = isConditional(assignment.node);
    if (wildcardIn(value, model)) {
      ctx.report({
        node: assignment.node,
        message: `ALLOWED_HOSTS contains "*": ${RISK}; ${ADVICE}`,
        ...(conditional ? { confidence: 'medium' } : {}),
      });
      return;
    }
    // A wildcard fallback, directly or as an element: ["*"] when the variable is missing.
    const candidates = [value, ...(sequenceElements(value, model) ?? [])];
    for (const c of candidates) {
      const fallback = envFallback(c, model);
      if (fallback && wildcardIn(fallback, model)) {
        ctx.report({
          node: assignment.node,
          message: `ALLOWED_HOSTS falls back to "*" when the environment does not set it: ${RISK}; ${ADVICE}`,
          confidence: 'low',
        });
        return;
      }
    }
  },
};
