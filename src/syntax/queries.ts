/**
 * The one query that collects everything the semantic model needs. Matching runs in C inside the WASM module,
 * so only the captured nodes become JavaScript objects (a full JS walk costs as much as the parse itself).
 * Capture names are the contract with semantics/build.ts.
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
(block) @block
`;
