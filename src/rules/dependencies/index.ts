/**
 * The dependency audit's rules. They have no check hooks: the audit (src/deps/audit.ts) produces their
 * findings from manifests and advisories, not from Python syntax. Registering them as rules gives them ids,
 * documentation (`krait rule K801`), selectors (`--select K8`, `--ignore K802`) and configuration like every
 * other rule. Their examples are manifest text (`docs.exampleFile` names the file they are written as); a test
 * audits them against a small advisory set kept in the repository.
 */
import type { Rule } from '../types.js';
import { maliciousDependency } from './malicious-dependency.js';
import { vulnerableDependency } from './vulnerable-dependency.js';
import { vulnerableDependencyRange } from './vulnerable-dependency-range.js';

export { maliciousDependency, vulnerableDependency, vulnerableDependencyRange };

export const DEPENDENCY_RULES: readonly Rule[] = [vulnerableDependency, vulnerableDependencyRange, maliciousDependency];
