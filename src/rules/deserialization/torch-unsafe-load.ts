import { constantTruth } from '../helpers.js';
import type { Rule } from '../types.js';
import { argumentOf, dataOrigin, isNone } from './shared.js';

const ADVICE = 'pass weights_only=True (and save plain state_dicts), or use safetensors';

export const torchUnsafeLoad: Rule = {
  meta: {
    id: 'K204',
    name: 'torch-unsafe-load',
    summary: '`torch.load()` that may unpickle arbitrary objects (no `weights_only=True`)',
    severity: 'high',
    confidence: 'medium',
    cwe: [502],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ['B614'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports `torch.load()` (and `torch.serialization.load()`) unless it is called with `weights_only=True`:\n\n' +
      '- `weights_only=False`, or a custom `pickle_module` without `weights_only` (which turns the restricted ' +
      'loader off), at high confidence: the full unpickler runs on every PyTorch version;\n' +
      '- no `weights_only` at all, at medium confidence: PyTorch 2.6 and later load only tensors and plain ' +
      'containers by default, but every earlier release runs the full unpickler.\n\n' +
      'A checkpoint at a path fixed by the source (a constant, or a path built from `__file__`) lowers the ' +
      'finding to medium severity and low confidence. Not reported: `weights_only=True`; a `weights_only` ' +
      'value the scanner cannot read (a parameter), which is left to the caller.',
    why:
      'A `.pt`/`.pth` checkpoint is a zip of pickles. With the full unpickler, loading a model file downloaded ' +
      'from a hub, received from a user or produced by another team runs whatever callables the file names: ' +
      'malicious models that open reverse shells on load have been found on public model hubs. ' +
      '`weights_only=True` restricts loading to tensors, primitive types and dictionaries; `safetensors` ' +
      'cannot encode code at all.',
    bad: 'import torch\n\n\ndef load_checkpoint(path):\n    return torch.load(path, map_location="cpu")\n',
    good: 'import torch\n\n\ndef load_checkpoint(path):\n    return torch.load(path, map_location="cpu", weights_only=True)\n',
    references: [
      'https://cwe.mitre.org/data/definitions/502.html',
      'https://pytorch.org/docs/stable/generated/torch.load.html',
      'https://pytorch.org/docs/stable/notes/serialization.html#weights-only',
      'https://huggingface.co/docs/safetensors/index',
    ],
  },
  callees: ['torch.load', 'torch.serialization.load'],
  call(call, ctx) {
    const model = ctx.model;
    const weightsOnly = call.keywords.get('weights_only');
    let explicit = false;
    if (weightsOnly && !isNone(weightsOnly)) {
      // True, or a value only the caller knows: not reported. `None` means the default, as if left out.
      if (constantTruth(weightsOnly, model) !== false) return;
      explicit = true;
    } else if (!weightsOnly && call.hasStarKwargs) {
      return;
    }
    const pickleModule = argumentOf(call, 2, ['pickle_module']);
    const customPickle = pickleModule !== undefined && !isNone(pickleModule);
    const input = argumentOf(call, 0, ['f']);
    const local = input !== undefined && dataOrigin(input, model) !== 'unknown';
    const why = explicit
      ? 'weights_only=False lets the checkpoint run arbitrary code when it is unpickled'
      : customPickle
        ? 'a custom pickle_module without weights_only=True turns the restricted loader off, so the checkpoint can run arbitrary code'
        : 'without weights_only=True, PyTorch before 2.6 unpickles the checkpoint with the full unpickler, which can run arbitrary code';
    if (local) {
      ctx.report({
        node: call.node,
        message: `torch.load() of a file at a fixed path: ${why}; make sure nobody else can replace the file, or ${ADVICE}`,
        severity: 'medium',
        confidence: 'low',
      });
      return;
    }
    ctx.report({ node: call.node, message: `${why}; ${ADVICE}`, confidence: explicit || customPickle ? 'high' : 'medium' });
  },
};
