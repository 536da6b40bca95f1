/**
 * Errors the user can act on: bad flags, a broken config, a missing path. The CLI prints the message on one
 * line and exits with status 2; anything else is an internal error (also status 2, with a short message).
 */
export class KraitError extends Error {
  readonly exitCode = 2;
}

export class UsageError extends KraitError {}

export class ConfigError extends KraitError {}
