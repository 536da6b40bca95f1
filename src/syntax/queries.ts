/**
 * The one query that collects everything the semantic model needs. Matching runs in C inside the WASM module,
 * so only the captured nodes become JavaScript objects (a full JS walk costs as much as the parse itself).
 * Capture names are the contract with semantics/module.ts. `@block` marks bodies that may not run (branches,
 * loop bodies, handlers); `try`, `with` and `finally` bodies always start, so they are not branches.
 */
export const MODEL_QUERY = `
(import_statement) @import
(import_from_statement) @import_from
(function_definition) @function
(class_definition) @class
(lambda) @lambda
(call) @call
(assignment) @assign
(augmented_assignment) @augassign
(with_item) @with_item
(named_expression) @walrus
(for_statement left: (_) @loop_target)
(for_in_clause left: (_) @loop_target)
(except_clause value: (as_pattern alias: (as_pattern_target (identifier) @bound)))
(case_pattern (dotted_name . (identifier) @bound .))
(case_pattern (as_pattern (identifier) @bound .))
(ERROR) @error
(if_statement consequence: (block) @block)
(elif_clause consequence: (block) @block)
(else_clause body: (block) @block)
(for_statement body: (block) @block)
(while_statement body: (block) @block)
(except_clause (block) @block)
(case_clause consequence: (block) @block)
`;
