import { addKeyword, replaceNode } from '../edits.js';
import type { FixProvider } from '../types.js';

/** The hashlib calls that accept `usedforsecurity` (Python 3.9+). */
const HASHLIB = /^hashlib\.(?:md5|sha1|new|md4|ripemd160|sha224)$/;

/**
 * Unsafe: it states that the digest protects nothing, which only the reader can know. Where it does protect
 * something, the right fix is a stronger hash, which no tool can choose without knowing the other side.
 */
export const hashlibNotForSecurity: FixProvider = {
  ruleId: 'K301',
  name: 'mark-used-for-security-false',
  applicability: 'unsafe',
  summary: 'Adds `usedforsecurity=False` to a `hashlib` call, declaring that the digest is not a security control (checksums, cache keys).',
  create({ node, call }) {
    if (!call?.callee || !HASHLIB.test(call.callee) || call.hasStarKwargs) return undefined;
    const current = call.keywords.get('usedforsecurity');
    const change = current ? replaceNode(current, 'False') : addKeyword(node, 'usedforsecurity=False');
    return change ? { description: 'declare the digest non-cryptographic with usedforsecurity=False', changes: [change] } : undefined;
  },
};
