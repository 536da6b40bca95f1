import type { Node } from 'web-tree-sitter';
import { argument, type CallSite } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue } from '../helpers.js';

/** True for `pysnmp.<anything>.<name>`: pysnmp re-exports its API from several modules (hlapi, v3arch, asyncio…). */
export function isPysnmp(call: CallSite, name: string): boolean {
  const c = call.callee;
  return !!c?.startsWith('pysnmp.') && c.endsWith(`.${name}`);
}

/** The last part of the constant an argument names (`usmDESPrivProtocol`), or undefined. */
export function protocolName(node: Node | undefined, model: ModuleModel): string | undefined {
  if (!node) return undefined;
  const q = model.qualifiedName(node) ?? (unparen(node).type === 'identifier' || unparen(node).type === 'attribute' ? unparen(node).text : undefined);
  return q?.slice(q.lastIndexOf('.') + 1);
}

/** The keys and protocols of a `UsmUserData(userName, authKey, privKey, authProtocol, privProtocol)` call. */
export function usmArguments(call: CallSite, model: ModuleModel) {
  const present = (n: Node | undefined) => !!n && unparen(boundValue(n, model)).type !== 'none';
  const given = (n: Node | undefined) => (n && unparen(boundValue(n, model)).type !== 'none' ? (protocolName(n, model) ?? '?') : undefined);
  return {
    authKey: present(argument(call, 1, 'authKey')),
    privKey: present(argument(call, 2, 'privKey')),
    // undefined: not given (pysnmp's default applies); '?': given, but not a name the scanner can read.
    authProtocol: given(argument(call, 3, 'authProtocol')),
    privProtocol: given(argument(call, 4, 'privProtocol')),
  };
}
