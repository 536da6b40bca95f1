import type { Node } from 'web-tree-sitter';
import type { Confidence, Severity } from '../../findings/types.js';
import { argument, type CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { boundValue, calleeOf, constantTruth } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';

interface Decoder {
  library: 'PyJWT' | 'python-jose';
  /** Position of `algorithms` and `options` when passed positionally. */
  algorithms: number;
  options: number;
}

const PYJWT: Decoder = { library: 'PyJWT', algorithms: 2, options: 3 };
const JOSE: Decoder = { library: 'python-jose', algorithms: 2, options: 3 };
const JOSE_JWS: Decoder = { library: 'python-jose', algorithms: 2, options: -1 };

export const DECODERS: ReadonlyMap<string, Decoder> = new Map([
  ['jwt.decode', PYJWT],
  ['jwt.decode_complete', PYJWT],
  ['jwt.api_jwt.decode', PYJWT],
  ['jwt.api_jwt.decode_complete', PYJWT],
  ['jwt.PyJWT.decode', PYJWT],
  ['jwt.PyJWT.decode_complete', PYJWT],
  ['jwt.api_jwt.PyJWT.decode', PYJWT],
  ['jwt.api_jws.decode', PYJWT],
  ['jwt.api_jws.decode_complete', PYJWT],
  ['jwt.PyJWS.decode', PYJWT],
  ['jwt.api_jws.PyJWS.decode', PYJWT],
  ['jose.jwt.decode', JOSE],
  ['jose.jws.verify', JOSE_JWS],
]);

/** Signing functions: (position of `algorithm`). */
export const ENCODERS: ReadonlyMap<string, number> = new Map([
  ['jwt.encode', 2],
  ['jwt.api_jwt.encode', 2],
  ['jwt.PyJWT.encode', 2],
  ['jose.jwt.encode', 2],
  ['jose.jws.sign', 2],
]);

/** The value of a constant-key entry of a dict literal or `dict(k=v)` call, following names. */
function entryOf(mapping: Node, key: string, model: ModuleModel): Node | undefined {
  const n = boundValue(mapping, model);
  if (n.type === 'dictionary') {
    for (const pair of n.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const k = pair.childForFieldName('key');
      if (k && model.constantString(k) === key) return pair.childForFieldName('value') ?? undefined;
    }
    return undefined;
  }
  if (n.type === 'call' && calleeOf(n, model) === 'dict') {
    const args = n.childForFieldName('arguments');
    for (const a of args?.namedChildren ?? []) {
      if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === key) return a.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

/** The constant strings of an `algorithms` value (a string or a list/tuple/set of them); undefined when not constant. */
function algorithmNames(value: Node, model: ModuleModel): string[] | undefined {
  const n = boundValue(value, model);
  const single = model.constantString(n);
  if (single !== undefined) return [single];
  if (n.type !== 'list' && n.type !== 'tuple' && n.type !== 'set') return undefined;
  const out: string[] = [];
  for (const e of n.namedChildren) {
    if (!e || e.type === 'comment') continue;
    const s = model.constantString(e);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

/** True when a decode call turns signature verification off (`options={"verify_signature": False}`, `verify=False`). */
function verificationOff(call: CallSite, decoder: Decoder, model: ModuleModel): 'options' | 'verify' | undefined {
  const options = decoder.options >= 0 ? argument(call, decoder.options, 'options') : undefined;
  const flag = options ? entryOf(options, 'verify_signature', model) : undefined;
  if (flag && constantTruth(flag, model) === false) return 'options';
  const verify = call.keywords.get('verify');
  if (verify && constantTruth(verify, model) === false) return 'verify';
  return undefined;
}

function enclosingScopeNode(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'module') return p;
  return null;
}

/** True when the same function also decodes with verification: the unverified read only peeks at the claims (to pick a key). */
function verifiedLater(call: CallSite, model: ModuleModel): boolean {
  const scope = enclosingScopeNode(call.node);
  if (!scope) return false;
  for (const [name, decoder] of DECODERS) {
    for (const other of model.callsTo(name)) {
      if (other.node.id === call.node.id || other.node.startIndex < scope.startIndex || other.node.endIndex > scope.endIndex) continue;
      if (enclosingScopeNode(other.node)?.id === scope.id && !verificationOff(other, decoder, model)) return true;
    }
  }
  return false;
}

function report(ctx: RuleContext, node: Node, message: string, severity: Severity, confidence: Confidence): void {
  ctx.report({ node, message, severity, confidence });
}

export const jwtUnverified: Rule = {
  meta: {
    id: 'K902',
    name: 'jwt-signature-not-verified',
    summary: 'A JWT decoded without verifying its signature, or with `none` among the accepted algorithms',
    severity: 'high',
    confidence: 'high',
    cwe: [347],
    owasp: 'A02:2021-Cryptographic Failures',
    sources: {},
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports JSON Web Token decoding that does not check who signed the token (PyJWT `jwt.decode`, ' +
      '`decode_complete` and `PyJWT().decode`, python-jose `jwt.decode` and `jws.verify`):\n\n' +
      '- `options={"verify_signature": False}` (also through a name bound to the dict, or `dict(verify_signature=False)`);\n' +
      '- `verify=False` (PyJWT 1.x, and python-jose `jws.verify`);\n' +
      '- an `algorithms` list that contains `"none"` (in any case), and `jwt.encode(..., algorithm="none")`, which ' +
      'issues unsigned tokens;\n' +
      '- `decode` without `algorithms`, at medium severity: python-jose then accepts whatever algorithm the ' +
      'token\'s header names, and so did PyJWT before 2.0 (PyJWT 2 refuses the call, hence low confidence there).\n\n' +
      'An unverified decode followed, in the same function, by a verified one is reported at low confidence: ' +
      'peeking at the claims to choose a key is a legitimate pattern, as long as nothing else trusts them. ' +
      'Not reported: `jwt.get_unverified_header()` (reading the `kid` to select a key), `verify_exp` and the ' +
      'other claim options, and decoding with a key and an explicit list of real algorithms.',
    why:
      'A JWT is only as trustworthy as its signature. Decoding without verification returns whatever claims the ' +
      'sender wrote, so anyone can mint a token saying `"sub": "admin"`. Accepting the `none` algorithm has the ' +
      'same effect, because the attacker chooses the algorithm in the token header; leaving `algorithms` open ' +
      'also lets them switch an RSA-signed token to HMAC and sign it with the public key. Pass the verification ' +
      'key and the exact algorithms you issue tokens with.',
    bad:
      'import jwt\n\n\n' +
      'def current_user_id(token: str) -> str:\n' +
      '    claims = jwt.decode(token, options={"verify_signature": False})\n' +
      '    return claims["sub"]\n',
    good:
      'import jwt\n\n\n' +
      'def current_user_id(token: str, public_key: str) -> str:\n' +
      '    claims = jwt.decode(token, public_key, algorithms=["RS256"], audience="api")\n' +
      '    return claims["sub"]\n',
    references: [
      'https://cwe.mitre.org/data/definitions/347.html',
      'https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode',
      'https://www.rfc-editor.org/rfc/rfc8725#section-3.1',
      'https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html',
    ],
  },
  textHint: /jwt|jose/,
  callees: [...DECODERS.keys(), ...ENCODERS.keys()],
  call(call, ctx) {
    const model = ctx.model;
    const callee = call.callee ?? '';
    const encoderPos = ENCODERS.get(callee);
    if (encoderPos !== undefined) {
      const alg = argument(call, encoderPos, 'algorithm');
      const names = alg ? algorithmNames(alg, model) : undefined;
      if (names?.some((a) => a.toLowerCase() === 'none')) {
        report(ctx, alg ?? call.node, 'tokens signed with algorithm "none" carry no signature: anyone can forge them; sign with HS256/RS256/ES256 and a real key', 'high', 'high');
      }
      return;
    }
    const decoder = DECODERS.get(callee);
    if (!decoder) return;
    const off = verificationOff(call, decoder, model);
    if (off) {
      const how = off === 'options' ? 'options={"verify_signature": False}' : 'verify=False';
      const peek = verifiedLater(call, model);
      report(
        ctx,
        call.node,
        peek
          ? `${callee}() with ${how} returns claims anyone can forge; this function verifies the token later, so make sure nothing but key selection reads these claims`
          : `${callee}() with ${how} returns claims anyone can forge; pass the verification key and algorithms=[...] and keep signature verification on`,
        'high',
        peek ? 'low' : off === 'verify' && decoder.library === 'PyJWT' ? 'medium' : 'high',
      );
      return;
    }
    const algorithms = argument(call, decoder.algorithms, 'algorithms');
    if (!algorithms) {
      if (call.hasStarArgs || call.hasStarKwargs) return;
      report(
        ctx,
        call.node,
        decoder.library === 'PyJWT'
          ? `${callee}() without algorithms=: PyJWT before 2.0 accepts the algorithm named in the token header (including "none" and HMAC with a public key); list the algorithms you issue`
          : `${callee}() without algorithms= accepts the algorithm named in the token header, so an attacker can pick one; list the algorithms you issue`,
        'medium',
        decoder.library === 'PyJWT' ? 'low' : 'medium',
      );
      return;
    }
    const names = algorithmNames(algorithms, model);
    if (names?.some((a) => a.toLowerCase() === 'none')) {
      report(ctx, algorithms, 'algorithms allows "none": a token with no signature passes verification; list only the signing algorithms you issue', 'high', 'high');
    }
  },
};
