/**
 * PEP 503 name normalisation: runs of `-`, `_` and `.` become one `-`, and case is folded. OSV stores names
 * this way and the API matches names as sent, so every lookup key goes through here.
 */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

/** A distribution name as PEP 508 allows it (letters, digits, `.`, `_`, `-`; alphanumeric at both ends). */
export const NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
