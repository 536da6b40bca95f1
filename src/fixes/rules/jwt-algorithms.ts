import { unparen } from '../../syntax/nodes.js';
import { argument } from '../../semantics/model.js';
import { addKeyword } from '../edits.js';
import type { FixProvider } from '../types.js';

/** Signing calls, with the position of their `algorithm` argument. */
const ENCODERS: ReadonlyMap<string, number> = new Map([
  ['jwt.encode', 2],
  ['jwt.api_jwt.encode', 2],
  ['jwt.PyJWT.encode', 2],
  ['jose.jwt.encode', 2],
]);

/** Libraries whose `encode` default is HS256 when no algorithm is passed. */
const DEFAULT_ALGORITHM = 'HS256';

/**
 * `jwt.decode(token, key)` gets `algorithms=[...]` with the one algorithm this module signs its tokens with: the
 * constant `algorithm=` of every `jwt.encode` call in the module, when they agree. Without an encode call in the
 * module the algorithm is not known and no fix is offered.
 */
export const jwtAlgorithms: FixProvider = {
  ruleId: 'K902',
  name: 'pin-jwt-algorithms',
  applicability: 'safe',
  summary: 'Adds `algorithms=["…"]` to a decode call, with the algorithm the same module signs its tokens with (offered only when that is known).',
  create({ model, node, call }) {
    if (!call || call.hasStarArgs || call.hasStarKwargs) return undefined;
    if (call.keywords.has('algorithms') || call.keywords.has('options') || call.keywords.has('verify') || call.args.length > 2) return undefined;
    const found = new Set<string>();
    for (const [name, position] of ENCODERS) {
      for (const encode of model.callsTo(name)) {
        const alg = argument(encode, position, 'algorithm');
        const value = alg ? model.constantString(unparen(alg)) : DEFAULT_ALGORITHM;
        if (value === undefined) return undefined;
        found.add(value);
      }
    }
    const [algorithm] = found;
    if (found.size !== 1 || !algorithm || algorithm.toLowerCase() === 'none') return undefined;
    const change = addKeyword(node, `algorithms=[${JSON.stringify(algorithm)}]`);
    return change ? { description: `accept only ${algorithm}, the algorithm this module signs with`, changes: [change] } : undefined;
  },
};
