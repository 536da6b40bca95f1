import type { SecretHit } from '../../secrets/detect.js';

/** How a message says where a value is bound: "assigned to `password`", "passed as `token=`"… */
export function boundWhere(hit: SecretHit): string {
  const name = hit.name === undefined ? 'a secret name' : `\`${hit.name.length > 40 ? `${hit.name.slice(0, 40)}…` : hit.name}\``;
  switch (hit.binding) {
    case 'keyword':
      return `passed as ${name.replace(/`$/, '=`')}`;
    case 'default':
      return `as the default of parameter ${name}`;
    case 'compared':
      return `compared with ${name}`;
    case 'dict key':
      return `stored under the key ${name}`;
    case 'auth pair':
      return `as the password of ${name.replace(/`$/, '=(user, password)`')}`;
    case 'auth call':
      return `passed as the password to ${name.replace(/`$/, '(user, password)`')}`;
    case 'setting':
      return `set as ${name}`;
    default:
      return `assigned to ${name}`;
  }
}
