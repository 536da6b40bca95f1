import type { Node } from 'web-tree-sitter';
import { unparen } from '../../syntax/nodes.js';
import { ensureModule, replaceNode } from '../edits.js';
import type { FixProvider, FixResult, TextChange } from '../types.js';

/** `random` functions whose `secrets` twin takes the same arguments. */
const SAME_ARGUMENTS: Readonly<Record<string, string>> = {
  'random.choice': 'choice',
  'random.getrandbits': 'randbits',
  'random.randbytes': 'token_bytes',
};

/** `"%032x" % random.getrandbits(128)`: the digit count of a `%x` format that zero-pads to the full width. */
const HEX_FORMAT = /^["']%0(\d+)x["']$/;

function constantInt(node: Node | undefined): number | undefined {
  const n = node ? unparen(node) : undefined;
  return n?.type === 'integer' && /^\d+$/.test(n.text) ? Number(n.text) : undefined;
}

function result(description: string, secrets: { changes: TextChange[] }, change: TextChange): FixResult {
  return { description, changes: [...secrets.changes, change] };
}

export const randomToSecrets: FixProvider = {
  ruleId: 'K307',
  name: 'use-secrets',
  applicability: 'safe',
  summary:
    'Moves the call to `secrets`: `choice` → `secrets.choice`, `getrandbits` → `secrets.randbits`, `randbytes` → ' +
    '`secrets.token_bytes`, `randrange(n)` → `secrets.randbelow(n)`, and a hex token (`"%032x" % getrandbits(128)`, ' +
    '`randbytes(16).hex()`) → `secrets.token_hex()`.',
  create({ model, node, call }) {
    const callee = call?.callee;
    if (!call || !callee?.startsWith('random.') || call.hasStarArgs || call.hasStarKwargs) return undefined;
    const secrets = ensureModule(model, 'secrets');
    if (!secrets) return undefined;
    const s = secrets.name;
    const [first] = call.args;
    // A hex token: the whole expression becomes token_hex(bytes).
    const parent = node.parent;
    if (callee === 'random.getrandbits' && parent?.type === 'binary_operator' && parent.childForFieldName('right')?.id === node.id) {
      const digits = HEX_FORMAT.exec(parent.childForFieldName('left')?.text ?? '')?.[1];
      const bits = constantInt(first);
      if (digits && bits && bits % 8 === 0 && Number(digits) === bits / 4) {
        return result(`use ${s}.token_hex(${bits / 8})`, secrets, replaceNode(parent, `${s}.token_hex(${bits / 8})`));
      }
    }
    if (callee === 'random.randbytes' && parent?.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'hex') {
      const outer = parent.parent;
      const n = constantInt(first);
      if (outer?.type === 'call' && outer.childForFieldName('arguments')?.namedChildCount === 0 && n !== undefined) {
        return result(`use ${s}.token_hex(${n})`, secrets, replaceNode(outer, `${s}.token_hex(${n})`));
      }
    }
    const same = SAME_ARGUMENTS[callee];
    if (same && call.args.length === 1 && call.keywords.size === 0) {
      return result(`use ${s}.${same}(), drawn from the operating system's generator`, secrets, replaceNode(call.calleeNode, `${s}.${same}`));
    }
    if (callee === 'random.randrange' && call.args.length === 1 && call.keywords.size === 0) {
      return result(`use ${s}.randbelow()`, secrets, replaceNode(call.calleeNode, `${s}.randbelow`));
    }
    return undefined;
  },
};
