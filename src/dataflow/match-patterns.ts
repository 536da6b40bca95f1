import type { Node } from 'web-tree-sitter';
import type { ModuleModel } from '../semantics/module.js';
import { literalValue, named } from './expressions.js';

/** Reading `match` cases: the names a pattern binds, and whether it matches a value known before the run. */

/** The pattern part of a `case` clause (its patterns, without the guard and the body). */
function patternsOf(clause: Node): Node[] {
  return named(clause).filter((c) => c.type === 'case_pattern');
}

export function caseGuard(clause: Node): Node | undefined {
  const guard = clause.childForFieldName('guard') ?? named(clause).find((c) => c.type === 'if_clause');
  return guard ? (named(guard)[0] ?? undefined) : undefined;
}

/**
 * The names a case binds from the subject: captures (`case [cmd, arg]`, `case {"id": pid}`), `**rest`, `*rest`,
 * `as` aliases and keyword captures (`Point(x=px)`). Class names and dotted constants (`Color.RED`) bind nothing.
 */
export function caseCaptures(clause: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node, depth: number) => {
    if (depth > 40 || out.length > 50) return;
    switch (n.type) {
      case 'dotted_name': {
        const parts = named(n);
        if (parts.length === 1 && parts[0].type === 'identifier' && parts[0].text !== '_') out.push(parts[0]);
        return;
      }
      case 'class_pattern': {
        // The first dotted name is the class being tested.
        named(n).forEach((c, i) => {
          if (i > 0 || c.type !== 'dotted_name') walk(c, depth + 1);
        });
        return;
      }
      case 'keyword_pattern': {
        // `x=px`: `x` is the attribute's name, `px` the capture.
        named(n).forEach((c, i) => {
          if (i > 0) walk(c, depth + 1);
        });
        return;
      }
      case 'identifier':
        if (n.text !== '_') out.push(n);
        return;
      case 'string':
      case 'concatenated_string':
      case 'integer':
      case 'float':
        return;
      default:
        for (const c of named(n)) walk(c, depth + 1);
    }
  };
  for (const p of patternsOf(clause)) walk(p, 0);
  return out;
}

/**
 * Whether a case matches a subject whose value is known: true (it does; later cases are dead), false (it cannot)
 * or undefined (cannot tell: class, sequence and mapping patterns, guards).
 */
export function caseMatches(model: ModuleModel, clause: Node, value: string | number): boolean | undefined {
  const patterns = patternsOf(clause);
  if (patterns.length !== 1) return undefined;
  const result = patternMatches(model, patterns[0], value, 0);
  // A guard can only turn a match into a miss.
  if (result === true && caseGuard(clause)) return undefined;
  return result;
}

function patternMatches(model: ModuleModel, pattern: Node, value: string | number, depth: number): boolean | undefined {
  if (depth > 10) return undefined;
  const parts = named(pattern);
  if (pattern.type === 'case_pattern') {
    // `case _:` is an empty pattern; a lone capture matches anything.
    if (parts.length === 0) return true;
    if (parts.length !== 1) return undefined;
    return patternMatches(model, parts[0], value, depth + 1);
  }
  switch (pattern.type) {
    case 'dotted_name':
      return parts.length === 1 ? true : undefined;
    case 'as_pattern':
      return parts[0] ? patternMatches(model, parts[0], value, depth + 1) : undefined;
    case 'union_pattern': {
      let unknown = false;
      for (const p of parts) {
        const r = patternMatches(model, p, value, depth + 1);
        if (r === true) return true;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
    case 'string':
    case 'concatenated_string':
    case 'integer':
    case 'float': {
      const lit = literalValue(model, pattern);
      if (lit === undefined) return undefined;
      // A leading minus is a separate token of the pattern (`case -1:`).
      const negative = pattern.previousSibling?.type === '-';
      return (negative && typeof lit === 'number' ? -lit : lit) === value;
    }
    case 'none':
    case 'true':
    case 'false':
      return false;
    default:
      return undefined;
  }
}

/** A case that matches every subject (`case _:`, `case other:`), so no later case and no fall-through runs. */
export function caseIrrefutable(clause: Node): boolean {
  const patterns = patternsOf(clause);
  return patterns.length === 1 && irrefutable(patterns[0], 0);
}

function irrefutable(p: Node, depth: number): boolean {
  if (depth > 10) return false;
  const parts = named(p);
  switch (p.type) {
    case 'case_pattern':
      return parts.length === 0 || (parts.length === 1 && irrefutable(parts[0], depth + 1));
    case 'dotted_name':
      return parts.length === 1;
    case 'as_pattern':
      return parts[0] !== undefined && irrefutable(parts[0], depth + 1);
    case 'union_pattern':
      return parts.some((x) => irrefutable(x, depth + 1));
    default:
      return false;
  }
}
