import { fingerprint } from '../findings/fingerprint.js';
import type { DependencyAdvisory, Finding, Severity, Suppression } from '../findings/types.js';
import { scoreVectors, severityOfScore } from './cvss/index.js';
import type { Requirement } from './manifests/types.js';
import { describeRanges, fixedVersions, verdict } from './osv/match.js';
import type { Advisory } from './osv/types.js';
import { compareVersions, isPrerelease, isValidVersion } from './pep440.js';
import { admitsVulnerable, saferSpecifier } from './specifiers.js';
import { maliciousDependency as K803, vulnerableDependency as K801, vulnerableDependencyRange as K802 } from '../rules/dependencies/index.js';

export interface MatchProblem {
  requirement: Requirement;
  advisory: Advisory;
}

/**
 * The same vulnerability often has several records (PYSEC and GHSA, both naming the CVE). Records that share an
 * id or alias are merged into one advisory that lists every other id as an alias; the first id in sort order
 * that has a CVSS vector names it (else the first id).
 */
export function mergeAliases(advisories: Advisory[]): Advisory[] {
  const groups: Advisory[][] = [];
  const groupOf = new Map<string, Advisory[]>();
  for (const adv of [...advisories].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const keys = [adv.id, ...adv.aliases];
    const existing = keys.map((k) => groupOf.get(k)).find((g) => g !== undefined);
    const group = existing ?? [];
    if (!existing) groups.push(group);
    group.push(adv);
    for (const k of keys) groupOf.set(k, group);
  }
  return groups.map((g) => {
    if (g.length === 1) return g[0];
    const lead = g.find((a) => scoreVectors(a.severity)) ?? g[0];
    const ids = new Set(g.flatMap((a) => [a.id, ...a.aliases]));
    ids.delete(lead.id);
    return {
      ...lead,
      aliases: [...ids].sort(),
      summary: lead.summary || (g.find((a) => a.summary)?.summary ?? ''),
      severity: lead.severity.length ? lead.severity : (g.find((a) => a.severity.length)?.severity ?? []),
      severityLabel: lead.severityLabel ?? g.find((a) => a.severityLabel)?.severityLabel,
      ranges: g.flatMap((a) => a.ranges),
      // Mixed spellings (a normalized index entry with a raw API record) are brought to one form.
      ...(g.every((a) => a.versionsNormalized || a.versions.length === 0)
        ? { versions: [...new Set(g.flatMap((a) => a.versions))], versionsNormalized: true }
        : { versions: [...new Set(g.flatMap((a) => (a.versionsNormalized ? a.versions.map((v) => (v.startsWith('=') ? v.slice(1) : v)) : a.versions)))], versionsNormalized: false }),
    };
  });
}

const LABELS: Record<string, Severity> = { LOW: 'low', MODERATE: 'medium', MEDIUM: 'medium', HIGH: 'high', CRITICAL: 'critical' };

export function severityOf(adv: Advisory): { severity: Severity; rated: boolean } {
  if (adv.id.startsWith('MAL-')) return { severity: 'critical', rated: true };
  const cvss = scoreVectors(adv.severity);
  if (cvss) return { severity: severityOfScore(cvss.score), rated: true };
  const label = adv.severityLabel ? LABELS[adv.severityLabel.toUpperCase()] : undefined;
  // No rating at all (most PYSEC records): medium, and the message says it is unrated.
  return label ? { severity: label, rated: true } : { severity: 'medium', rated: false };
}

function describe(adv: Advisory): DependencyAdvisory {
  const cvss = scoreVectors(adv.severity);
  return {
    id: adv.id,
    aliases: adv.aliases,
    summary: adv.summary,
    ...(cvss ? { cvss } : {}),
    affected: [...new Set(describeRanges(adv))],
    fixed: fixedVersions(adv),
    url: adv.url,
  };
}

/** The smallest version above `current` that no advisory affects, preferring final releases. */
export function smallestFix(current: string, advisories: Advisory[]): string | undefined {
  if (!isValidVersion(current)) return undefined;
  const candidates = [...new Set(advisories.flatMap(fixedVersions))]
    .filter((v) => isValidVersion(v) && compareVersions(v, current) > 0)
    .sort(compareVersions);
  for (const list of [candidates.filter((v) => !isPrerelease(v)), candidates]) {
    for (const v of list) if (advisories.every((a) => verdict(a, v) === 'not-affected')) return v;
  }
  return undefined;
}

function idsOf(adv: Advisory): string {
  return adv.aliases.length ? `${adv.id} (${adv.aliases.join(', ')})` : adv.id;
}

function markerNote(r: Requirement): string {
  return r.marker ? ` (where ${r.marker})` : '';
}

export interface BuildContext {
  /** How an advisory is suppressed for this requirement (a config ignore entry, a comment naming it), if it is. */
  suppress: (adv: Advisory) => Suppression | undefined;
  enabled: (ruleId: string) => boolean;
}

/** Findings for one requirement against the advisories of its package (already alias-merged). */
export function findingsFor(r: Requirement, advisories: Advisory[], ctx: BuildContext, problems: MatchProblem[]): Finding[] {
  const out: Finding[] = [];
  const location = { path: r.file, startLine: r.line, startColumn: r.column, endLine: r.line, endColumn: r.endColumn };
  const base = (ruleId: string, ruleName: string, what: string) => ({
    ruleId,
    ruleName,
    location,
    snippet: r.text,
    cwe: ruleId === K803.meta.id ? K803.meta.cwe : K801.meta.cwe,
    fingerprint: fingerprint(ruleId, r.file, `${r.name} ${r.version ?? r.specifier} ${what}`, 0),
  });
  const suppressionFor = ctx.suppress;

  if (r.version !== undefined) {
    const affecting: Advisory[] = [];
    for (const adv of advisories) {
      const v = verdict(adv, r.version);
      if (v === 'unknown') problems.push({ requirement: r, advisory: adv });
      if (v === 'affected') affecting.push(adv);
    }
    if (affecting.length === 0) return out;
    const fix = smallestFix(r.version, advisories);
    const how = r.kind === 'locked' ? 'locked at' : 'pinned to';
    for (const adv of affecting) {
      const malicious = adv.id.startsWith('MAL-');
      const rule = malicious ? K803 : K801;
      if (!ctx.enabled(rule.meta.id)) continue;
      const { severity, rated } = severityOf(adv);
      const fixText = malicious
        ? 'remove the package: every release of a malicious package is unsafe'
        : fix
          ? `upgrade ${r.displayName} to ${fix} (fixes all ${affecting.length === 1 ? 'known advisories' : `${affecting.length} advisories affecting ${r.version}`} for the package)`
          : 'no release fixes every known advisory; consider replacing the package';
      const summary = adv.summary ? `: ${adv.summary}` : '';
      out.push({
        ...base(rule.meta.id, rule.meta.name, adv.id),
        message: malicious
          ? `${r.displayName} ${r.version} is a known malicious package, ${idsOf(adv)}${summary}`
          : `${r.displayName} ${how} ${r.version}${markerNote(r)} is affected by ${idsOf(adv)}${summary}${rated ? '' : ' [severity not rated by the advisory]'}`,
        severity,
        confidence: 'high',
        fix: { description: fixText },
        suppression: suppressionFor(adv),
        dependency: {
          ecosystem: 'PyPI',
          package: r.displayName,
          name: r.name,
          version: r.version,
          ...(r.marker ? { marker: r.marker } : {}),
          advisories: [describe(adv)],
          ...(fix && !malicious ? { fixVersion: fix } : {}),
        },
      });
    }
    return out;
  }

  // A range: never a version. Report what it admits, once per requirement, with the narrowing that helps.
  const admitted = advisories.filter((a) => admitsVulnerable(r.specifier, a));
  const malicious = admitted.filter((a) => a.id.startsWith('MAL-'));
  for (const adv of malicious) {
    if (!ctx.enabled(K803.meta.id)) continue;
    out.push({
      ...base(K803.meta.id, K803.meta.name, adv.id),
      message: `${r.displayName}${r.specifier ? ` ${r.specifier}` : ''} names a known malicious package, ${idsOf(adv)}${adv.summary ? `: ${adv.summary}` : ''}`,
      severity: 'critical',
      confidence: 'high',
      fix: { description: 'remove the package: every release of a malicious package is unsafe' },
      suppression: suppressionFor(adv),
      dependency: { ecosystem: 'PyPI', package: r.displayName, name: r.name, specifier: r.specifier, advisories: [describe(adv)] },
    });
  }
  const vulnerable = admitted.filter((a) => !a.id.startsWith('MAL-'));
  if (vulnerable.length === 0 || !ctx.enabled(K802.meta.id)) return out;
  const active = vulnerable.filter((a) => !ctx.suppress(a));
  const shown = active.length > 0 ? active : vulnerable;
  const safer = saferSpecifier(r.specifier, advisories.filter((a) => !a.id.startsWith('MAL-')));
  const worst = shown.map((a) => severityOf(a).severity).sort((a, b) => SEV_ORDER.indexOf(b) - SEV_ORDER.indexOf(a))[0];
  const list = shown.length <= 3 ? shown.map((a) => a.id).join(', ') : `${shown.slice(0, 3).map((a) => a.id).join(', ')} and ${shown.length - 3} more`;
  const written = r.specifier ? `${r.displayName}${r.specifier}` : `${r.displayName} (any version)`;
  const ignoredNote = active.length < vulnerable.length && active.length > 0 ? ` (${vulnerable.length - active.length} ignored)` : '';
  out.push({
    ...base(K802.meta.id, K802.meta.name, shown.map((a) => a.id).join(',')),
    message: `${written}${markerNote(r)} admits versions affected by ${shown.length === 1 ? 'advisory' : `${shown.length} advisories`} ${list}${ignoredNote}`,
    severity: worst,
    confidence: 'low',
    fix: {
      description: safer
        ? `require ${r.displayName}${safer}, which admits none of the affected versions`
        : 'no fixed release clears every advisory; pin a reviewed version or replace the package',
    },
    suppression: active.length === 0 ? allSuppressed(vulnerable.map((a) => ctx.suppress(a) as Suppression)) : undefined,
    dependency: {
      ecosystem: 'PyPI',
      package: r.displayName,
      name: r.name,
      specifier: r.specifier,
      ...(r.marker ? { marker: r.marker } : {}),
      advisories: shown.map(describe),
      ...(safer ? { suggestedSpecifier: safer } : {}),
    },
  });
  return out;
}

const SEV_ORDER: Severity[] = ['low', 'medium', 'high', 'critical'];

/** One suppression standing for several: a comment's when any advisory was silenced by one, else the config's. */
function allSuppressed(list: Suppression[]): Suppression {
  const comment = list.find((s) => s.kind !== 'config');
  const ids = [...new Set(list.flatMap((s) => s.ids))];
  return comment ? { kind: comment.kind, line: comment.line, ids } : { kind: 'config', line: 0, ids };
}
