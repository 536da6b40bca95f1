import type { AppRequirement } from '../access/types.js';
import type { Confidence, Severity } from '../findings/types.js';
import type { Assignment, CallSite } from '../semantics/model.js';
import type { ConfigFormat } from '../secrets/config.js';
import type { TextSpan } from '../secrets/detect.js';
import type { ModuleModel } from '../semantics/module.js';
import type { Node } from 'web-tree-sitter';

export type Owasp2021 =
  | 'A01:2021-Broken Access Control'
  | 'A02:2021-Cryptographic Failures'
  | 'A03:2021-Injection'
  | 'A04:2021-Insecure Design'
  | 'A05:2021-Security Misconfiguration'
  | 'A06:2021-Vulnerable and Outdated Components'
  | 'A07:2021-Identification and Authentication Failures'
  | 'A08:2021-Software and Data Integrity Failures'
  | 'A09:2021-Security Logging and Monitoring Failures'
  | 'A10:2021-Server-Side Request Forgery';

export interface RuleSources {
  bandit?: string[];
  ruff?: string[];
  semgrep?: string[];
}

export interface RuleMeta {
  /** Stable id, e.g. "K101". Families share the hundreds digit, so "K1" selects a family. */
  id: string;
  /** kebab-case name, e.g. "eval-of-dynamic-code"; also accepted wherever an id is. */
  name: string;
  /** One sentence: what the rule reports. */
  summary: string;
  severity: Severity;
  confidence: Confidence;
  /** CWE ids, most specific first. */
  cwe: number[];
  owasp: Owasp2021;
  sources: RuleSources;
  /** Rules off by default run only when selected explicitly (or with --select ALL). */
  defaultEnabled: boolean;
}

export interface RuleDocs {
  /** What the rule finds. Markdown. */
  what: string;
  /** Why it is dangerous. Markdown. */
  why: string;
  /** A Python snippet the rule must report (a test runs it). */
  bad: string;
  /** The fixed twin, which the rule must not report. */
  good: string;
  /**
   * For rules that read something other than Python (dependency manifests): the file name the examples are
   * written as, e.g. `requirements.txt`. Absent for Python examples.
   */
  exampleFile?: string;
  references: string[];
}

export type RuleOptionType = 'string' | 'number' | 'boolean' | 'string[]';

export interface RuleOptionSpec {
  type: RuleOptionType;
  default: string | number | boolean | string[];
  description: string;
}

export type RuleOptions = Record<string, string | number | boolean | string[]>;

export interface ReportInput {
  /** What the finding points at: a node, or (`span`) a range of the text, for a secret inside a literal or a configuration file. */
  node?: Node;
  span?: TextSpan;
  /** Ranges of the text that hold a secret: masked in every output (see src/secrets/redact.ts). */
  secrets?: TextSpan[];
  message: string;
  severity?: Severity;
  confidence?: Confidence;
  /** What must hold of the whole application for the finding to stand (access-control rules; see src/access). */
  requires?: AppRequirement;
  /**
   * Lines of the sink calls where what the finding points at is used (a parser made here, parsed with there):
   * the taint analysis's verdict on those calls applies to the finding (see mergeTaint in src/dataflow/engine.ts).
   */
  sinkLines?: number[];
}

export interface RuleContext {
  model: ModuleModel;
  options: RuleOptions;
  report(input: ReportInput): void;
}

/** A configuration file (`.env`, `*.toml`, `*.yaml`, `Dockerfile`…), for the rules that read them: the secret rules. */
export interface ConfigFileContext {
  relPath: string;
  text: string;
  format: ConfigFormat;
  options: RuleOptions;
  /** Reports a finding at `span` (a node has no meaning here). */
  report(input: ReportInput): void;
}

export interface Rule {
  meta: RuleMeta;
  docs: RuleDocs;
  options?: Record<string, RuleOptionSpec>;
  /**
   * Findings in test code (src/semantics/test-code.ts) are low confidence by default: a test exercises code, it
   * does not ship it (src/engine/analyze.ts). `kept`: the rule's own confidence stands in test code, for what is
   * as real there as anywhere (a live private key committed in a test is a leak all the same).
   */
  testCode?: 'kept';
  /**
   * Qualified names of the callees this rule inspects. When present, `call` runs only for call sites
   * whose resolved callee is in the list (an index lookup, not a scan of every call).
   */
  callees?: string[];
  /**
   * Last names of the calls this rule's `call` inspects, as written (`execute` for `cur.execute(...)`), for
   * rules that look at methods whose object cannot be resolved. `call` then runs only for call sites of these
   * names, and for calls through an alias that resolves to one of them: an index lookup instead of a text
   * search of every module.
   */
  callNames?: string[];
  /**
   * A pattern the module's source must contain for the rule to be able to fire (`/shell/` for a rule about
   * `shell=True`). Rules that look at every call or assignment use it to skip most modules for the price
   * of one text search.
   */
  textHint?: RegExp;
  call?(call: CallSite, ctx: RuleContext): void;
  assignment?(assignment: Assignment, ctx: RuleContext): void;
  /**
   * Syntax node types (tree-sitter names: `assert_statement`, `except_clause`, `comparison_operator`…) this
   * rule inspects with `node`. The engine adds them to the one query it runs per file, so asking for a
   * type costs only the nodes of that type, not another walk of the tree.
   */
  nodeTypes?: string[];
  node?(node: Node, ctx: RuleContext): void;
  /** Runs once per module, for checks that need the whole module (settings files, say). */
  module?(ctx: RuleContext): void;
  /** Runs once per configuration file; rules without it never see one. */
  configFile?(ctx: ConfigFileContext): void;
  /** A taint rule: the dataflow engine (src/dataflow) reports it from the whole project, not a hook. */
  taint?: boolean;
  /** Some of its findings depend on facts of the whole application (`ReportInput.requires`, see src/access). */
  app?: boolean;
}
