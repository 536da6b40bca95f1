/**
 * What a handler does, as the access rules ask it: does it write (a database, a session commit, a file), and
 * which of its names hold request data.
 */
import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../semantics/model.js';
import type { ModuleModel } from '../semantics/module.js';
import { unparen } from '../syntax/nodes.js';
import { callsWithin, type Handler } from './handlers.js';

/** Method names that write to a database or a store whatever the receiver (ORM and session calls). */
const WRITE_METHODS = new Set([
  'commit', 'save', 'delete', 'bulk_create', 'bulk_update', 'get_or_create', 'update_or_create', 'delete_one',
  'delete_many', 'insert_one', 'insert_many', 'update_one', 'update_many', 'replace_one', 'flush', 'merge', 'destroy',
]);
/** Names that write only on an ORM-looking receiver (`dict.update`, `list.add` are not writes). */
const RECEIVER_WRITES = new Set(['add', 'add_all', 'create', 'update', 'remove', 'set']);
const ORM_RECEIVER = /\b(?:session|objects|query|db|filter|filter_by|where|collection|table|repo|repository|crud)\b/;
/** Project functions named for a write (`delete_account(...)`, `create_order(...)`). */
const WRITE_NAME = /^(?:create|update|delete|remove|insert|destroy|transfer|grant|revoke|withdraw|deposit|purge|drop)_\w+$/;
const FILE_WRITES = new Set(['os.remove', 'os.unlink', 'os.rename', 'os.replace', 'os.rmdir', 'shutil.rmtree', 'shutil.move', 'os.makedirs', 'os.mkdir']);
const WRITE_SQL = /^\s*(?:insert|update|delete|replace|drop|alter|truncate|create)\b/i;

/** The first write a handler makes, as messages name it: `db.session.commit()`, `open(..., "w")`. */
export function firstWrite(model: ModuleModel, h: Handler): string | undefined {
  if (h.writingBase) return `the ${h.writingBase} base class`;
  for (const c of callsWithin(model, h.node)) {
    const w = writeOf(model, c);
    if (w) return w;
  }
  return undefined;
}

function writeOf(model: ModuleModel, c: CallSite): string | undefined {
  const callee = c.calleeNode;
  const receiver = callee.type === 'attribute' ? (callee.childForFieldName('object')?.text ?? '') : '';
  const root = /^[A-Za-z_]\w*/.exec(callee.text)?.[0] ?? '';
  const shown = callee.text.length > 40 || callee.text.includes('(') ? `${root}….${c.name}()` : `${callee.text}()`;
  if (callee.type === 'attribute' && WRITE_METHODS.has(c.name)) return shown;
  if (callee.type === 'attribute' && RECEIVER_WRITES.has(c.name) && ORM_RECEIVER.test(receiver)) return shown;
  if (WRITE_NAME.test(c.name)) return shown;
  if (c.callee && FILE_WRITES.has(c.callee)) return shown;
  if ((c.name === 'execute' || c.name === 'executemany') && c.args[0]) {
    const sql = model.constantString(c.args[0]);
    if (sql !== undefined && WRITE_SQL.test(sql)) return shown;
  }
  if (c.callee === 'open' || c.name === 'write_text' || c.name === 'write_bytes') {
    if (c.name !== 'open') return shown;
    const mode = c.args[1] ?? c.keywords.get('mode');
    const m = mode ? model.constantString(mode) : undefined;
    if (m && /[wax+]/.test(m)) return `open(..., "${m}")`;
  }
  return undefined;
}

/** Request data as written in a handler: Flask, Django, DRF and Starlette accessors. */
export const REQUEST_DATA =
  /\brequest\s*\.\s*(?:args|form|values|json|get_json|data|get_data|GET|POST|query_params|path_params|body|files|FILES|cookies|COOKIES|headers)\b|\bself\s*\.\s*kwargs\b|\bawait\s+request\s*\.\s*(?:json|form)\s*\(/;

/** Names holding request data in a handler: its URL parameters, and names assigned from request accessors. */
export function requestNames(model: ModuleModel, h: Handler): Set<string> {
  const names = new Set(h.urlParams);
  for (const a of model.assignments) {
    if (a.node.startIndex < h.node.startIndex || a.node.endIndex > h.node.endIndex || !a.value) continue;
    if (!REQUEST_DATA.test(a.value.text) && !mentions(a.value, names)) continue;
    for (const t of a.targets) if (t.type === 'identifier') names.add(t.text);
  }
  return names;
}

/** Whether an expression reads one of the names (`int(order_id)`, `pk`, `data["id"]`). */
export function mentions(node: Node, names: ReadonlySet<string>): boolean {
  const n = unparen(node);
  if (n.type === 'identifier') return names.has(n.text);
  if (names.size === 0) return false;
  for (const m of n.text.matchAll(/[A-Za-z_]\w*/g)) if (names.has(m[0])) return true;
  return false;
}

/** Whether an expression is request data, directly or through a name bound to it in the handler. */
export function isRequestData(node: Node, names: ReadonlySet<string>): boolean {
  return REQUEST_DATA.test(node.text) || mentions(node, names);
}
