import type { Node } from 'web-tree-sitter';
import type { Location, Suppression } from '../findings/types.js';
import type { FunctionInfo, Scope } from '../semantics/model.js';
import type { TaintSpec } from './spec.js';
import type { SourceKind } from './types.js';

/** What the per-module extraction needs from its caller. */
export interface LocalContext {
  spec: TaintSpec;
  /** True when a qualified name may be defined in the scanned project (its calls get summaries). */
  isProject(q: string): boolean;
  location(node: Node): Location;
  /** The suppression comment covering a sink for a rule, if any. */
  suppression(node: Node, ruleId: string): Suppression | undefined;
  /** Syntax nodes one function may visit before its analysis stops (a notice says so). */
  budget: number;
  /** True once the file's time budget (`--file-timeout`) is spent: the analysis stops, keeping what it found. */
  expired?: () => boolean;
  /**
   * 'full': every function; 'process': only functions that read process input or call a sink of a rule where
   * process input counts (files no web request can reach; see reach.ts); 'none': no function (test code no web
   * request reaches: what a test reads is the developer's own data).
   */
  mode: 'full' | 'process' | 'none';
  /** Connexion handlers (`module.function`) named by `operationId` in the project's OpenAPI specifications. */
  operations?: ReadonlySet<string>;
}

export interface FunctionPlan {
  info: FunctionInfo | null;
  q: string;
  body: Node;
  scope: Scope;
  params: string[];
  /** The class whose method this is (for `self.x`). */
  cls?: string;
  clsBases?: string[];
  /** `dep`: a FastAPI `Depends(...)` parameter, whose value is what that function returns. */
  sourceParams?: { i: number; label: string; kind: SourceKind; type?: string; dep?: string }[];
  flaskRoute?: boolean;
}
