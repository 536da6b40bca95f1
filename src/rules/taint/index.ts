import { codeInjection } from './code-injection.js';
import { commandInjection } from './command-injection.js';
import { evalInjection } from './eval-injection.js';
import { headerInjection } from './header-injection.js';
import { insecureRandomness } from './insecure-randomness.js';
import { ldapInjection } from './ldap-injection.js';
import { logInjection } from './log-injection.js';
import { nosqlInjection } from './nosql-injection.js';
import { openRedirect } from './open-redirect.js';
import { pathTraversal } from './path-traversal.js';
import { regexInjection } from './regex-injection.js';
import { sqlInjection } from './sql-injection.js';
import { ssrf } from './ssrf.js';
import { templateInjection } from './template-injection.js';
import { trustBoundaryViolation } from './trust-boundary-violation.js';
import { untrustedDeserialization } from './untrusted-deserialization.js';
import { xmlBomb } from './xml-bomb.js';
import { xpathInjection } from './xpath-injection.js';
import { xss } from './xss.js';
import { xxe } from './xxe.js';
import type { Rule } from '../types.js';

/** The taint rules (K7xx): one per row of the injection table; the dataflow engine reports them. */
export const TAINT_RULES: readonly Rule[] = [
  sqlInjection,
  commandInjection,
  codeInjection,
  evalInjection,
  pathTraversal,
  ssrf,
  xss,
  templateInjection,
  openRedirect,
  ldapInjection,
  xpathInjection,
  nosqlInjection,
  xxe,
  xmlBomb,
  untrustedDeserialization,
  headerInjection,
  logInjection,
  regexInjection,
  trustBoundaryViolation,
  insecureRandomness,
];
