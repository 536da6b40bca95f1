/** The parts of the OSV schema krait reads (see ../shared/data/schemas/osv-schema.json for the whole format). */

export type OsvEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface OsvRange {
  type: string;
  events: OsvEvent[];
}

export interface OsvSeverity {
  type: string;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem?: string; name?: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  severity?: OsvSeverity[];
  database_specific?: Record<string, unknown>;
}

export interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type?: string; url?: string }[];
  database_specific?: Record<string, unknown>;
}

/**
 * One advisory as it applies to one PyPI package: what the matcher and the reporters need, nothing more. The
 * offline index stores these, so a lookup never re-reads whole records.
 */
export interface Advisory {
  id: string;
  modified: string;
  aliases: string[];
  summary: string;
  /** CVSS vectors (`CVSS_V3` / `CVSS_V4`; V2 kept for completeness, not scored). */
  severity: OsvSeverity[];
  /** A severity word some databases add (GHSA: LOW, MODERATE, HIGH, CRITICAL), used when no vector is given. */
  severityLabel?: string;
  /** ECOSYSTEM ranges only (GIT and SEMVER ranges say nothing about PyPI versions). */
  ranges: OsvEvent[][];
  versions: string[];
  /**
   * True when `versions` holds listKeys (canonical versions, `=raw` for strings that are not versions) rather than
   * the record's spellings: the offline index stores them so a lookup never parses hundreds of listed versions.
   */
  versionsNormalized?: boolean;
  /** The advisory's own page, or its first advisory/web reference. */
  url?: string;
}
