import type { Node } from 'web-tree-sitter';
import { argument, type CallSite, type Scope } from '../../semantics/model.js';
import type { ModuleModel } from '../../semantics/module.js';
import { unparen } from '../../syntax/nodes.js';
import { boundValue, calleeOf, constantTruth, excerpt, isFixedPath, truthyKeyword } from '../helpers.js';
import type { Rule } from '../types.js';

/** Packages whose `from_pretrained` downloads from the Hugging Face Hub. */
const HUB_PACKAGES = ['transformers', 'diffusers', 'peft', 'sentence_transformers', 'optimum', 'timm', 'setfit', 'accelerate'];

/** Functions that download from the Hub, with the position and keyword of the repository id. */
const DOWNLOADERS: ReadonlyMap<string, [number, string]> = new Map([
  ['huggingface_hub.hf_hub_download', [0, 'repo_id']],
  ['huggingface_hub.file_download.hf_hub_download', [0, 'repo_id']],
  ['huggingface_hub.snapshot_download', [0, 'repo_id']],
  ['huggingface_hub._snapshot_download.snapshot_download', [0, 'repo_id']],
  ['sentence_transformers.SentenceTransformer', [0, 'model_name_or_path']],
  ['transformers.pipeline', [1, 'model']],
]);

const COMMIT = /^[0-9a-f]{40}$/i;
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

/** Where a call downloads from, if it is a Hub download: the repository argument and how sure that is. */
function download(call: CallSite, model: ModuleModel): { repo: Node; sure: boolean } | undefined {
  const callee = call.callee ?? '';
  const known = DOWNLOADERS.get(callee);
  if (known) {
    const repo = argument(call, known[0], known[1]);
    return repo ? { repo, sure: true } : undefined;
  }
  const fn = call.calleeNode;
  if (fn.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'from_pretrained') return undefined;
  const repo = argument(call, 0, 'pretrained_model_name_or_path');
  if (!repo) return undefined;
  if (HUB_PACKAGES.some((p) => callee.startsWith(`${p}.`))) return { repo, sure: true };
  // A class of this module: a Hub download only when it derives from a Hub library's class.
  const local = localClass(callee.slice(0, -'.from_pretrained'.length), model);
  if (local) return hubBases(local, model) ? { repo, sure: true } : undefined;
  // `model_class.from_pretrained(...)` in a module that uses a Hub package: probably the same thing.
  const usesHub = model.imports.some((i) => HUB_PACKAGES.some((p) => i.module === p || i.module.startsWith(`${p}.`)));
  return usesHub ? { repo, sure: false } : undefined;
}

function localClass(qualname: string, model: ModuleModel): Node | undefined {
  const find = (scope: Scope): Scope | undefined => {
    for (const c of scope.children) {
      if (c.kind === 'class' && c.qualname === qualname) return c;
      if (qualname.startsWith(`${c.qualname}.`)) return find(c);
    }
    return undefined;
  };
  return find(model.moduleScope)?.node ?? undefined;
}

function hubBases(cls: Node, model: ModuleModel): boolean {
  const bases = cls.childForFieldName('superclasses');
  return (bases?.namedChildren ?? []).some((b) => {
    const q = b ? model.qualifiedName(b) : undefined;
    return q !== undefined && HUB_PACKAGES.some((p) => q.startsWith(`${p}.`));
  });
}

/** A constant that names a local directory or file rather than a Hub repository. */
function isLocalPath(s: string): boolean {
  return /^(?:[./~]|[A-Za-z]:[\\/])/.test(s) || s.includes('\\') || (s.match(/\//g) ?? []).length > 1 || !HUB_ID.test(s);
}

export const huggingfaceUnpinnedDownload: Rule = {
  meta: {
    id: 'K104',
    name: 'huggingface-unpinned-download',
    summary: 'A model or files downloaded from the Hugging Face Hub without pinning a commit (`revision=`)',
    severity: 'medium',
    confidence: 'high',
    cwe: [494],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ['B615'] },
    defaultEnabled: true,
  },
  docs: {
    what:
      'Reports downloads from the Hugging Face Hub that do not pin a commit: `from_pretrained()` of ' +
      '`transformers`, `diffusers`, `peft`, `sentence_transformers` and similar classes, ' +
      '`huggingface_hub.hf_hub_download()`, `snapshot_download()`, `SentenceTransformer(...)` and ' +
      '`transformers.pipeline(model=...)`, when `revision=` is missing or is a branch or tag name (`"main"`, ' +
      '`"v1.0"`). With `trust_remote_code=True` the finding is high severity: the repository\'s Python code ' +
      'runs in the process.\n\n' +
      'Not reported: `revision=` set to a full 40-character commit hash, or to a value read from ' +
      'configuration (the rule cannot see it, and a pin kept in configuration is a pin); local paths ' +
      '(`"./models/bert"`, `"/opt/models/x"`, `os.path.join(...)`, `Path(...)`); `local_files_only=True`; ' +
      '`pipeline()` without `model=` (the library pins its default models). A repository id that is not ' +
      'a constant may be a local directory, so it is reported at low confidence, as is `from_pretrained` ' +
      'on an object the rule cannot trace to a Hub library.',
    why:
      'A repository on the Hub is mutable: the owner, anyone who takes over the account, or a compromised ' +
      'token can push new weights, a new tokenizer or new code under the same name, and every unpinned ' +
      'download takes the latest. Many model formats can run code when loaded (pickle-based weights, ' +
      '`trust_remote_code`), so this is code from outside, run without an integrity check. Pinning the ' +
      'commit hash makes the download reproducible and reviewable; update it deliberately.',
    bad:
      'from transformers import AutoModelForSequenceClassification\n\n\n' +
      'def load_classifier():\n' +
      '    return AutoModelForSequenceClassification.from_pretrained("distilbert/distilbert-base-uncased")\n',
    good:
      'from transformers import AutoModelForSequenceClassification\n\n\n' +
      'def load_classifier():\n' +
      '    return AutoModelForSequenceClassification.from_pretrained(\n' +
      '        "distilbert/distilbert-base-uncased",\n' +
      '        revision="12040accade4e8a0f71eabdb258fecc2e7e948be",\n' +
      '    )\n',
    references: [
      'https://cwe.mitre.org/data/definitions/494.html',
      'https://huggingface.co/docs/huggingface_hub/guides/download',
      'https://huggingface.co/docs/transformers/main_classes/model#transformers.PreTrainedModel.from_pretrained',
    ],
  },
  callNames: ['from_pretrained', 'hf_hub_download', 'snapshot_download', 'SentenceTransformer', 'pipeline'],
  call(call, ctx) {
    const model = ctx.model;
    const found = download(call, model);
    if (!found || call.hasStarKwargs) return;
    if (truthyKeyword(call, 'local_files_only', model)) return;
    const repoValue = boundValue(found.repo, model);
    const repoName = model.constantString(found.repo);
    let sure = found.sure;
    if (repoName !== undefined) {
      if (isLocalPath(repoName)) return;
    } else {
      // Not a string at all (a model object passed to pipeline), or a path built from constants.
      if (['integer', 'float', 'true', 'false', 'none'].includes(unparen(repoValue).type) || isFixedPath(found.repo, model)) return;
      const built = calleeOf(repoValue, model);
      if (built && /^(?:pathlib\.|os\.path\.)/.test(built)) return;
      // pipeline(model=...) also takes a loaded model object; only a visible name counts there.
      if (call.callee === 'transformers.pipeline') return;
      sure = false;
    }
    const revision = call.keywords.get('revision');
    const pinned = revision ? model.constantString(revision) : undefined;
    if (revision && (pinned === undefined ? unparen(boundValue(revision, model)).type !== 'none' : COMMIT.test(pinned))) return;
    const remoteCode = call.keywords.get('trust_remote_code');
    const runsCode = remoteCode !== undefined && constantTruth(remoteCode, model) === true;
    const what = repoName !== undefined ? `"${repoName}"` : excerpt(found.repo, 30);
    const problem = pinned !== undefined ? `revision="${pinned}" is a branch or tag, which can move` : 'no revision= pins a commit';
    ctx.report({
      node: call.node,
      message:
        `Download of ${what} from the Hugging Face Hub where ${problem}: the repository owner (or anyone with their token) ` +
        `decides what is loaded${runsCode ? ', and trust_remote_code=True runs its Python code' : ''}; pass revision="<commit sha>"`,
      ...(runsCode ? { severity: 'high' as const } : {}),
      ...(sure ? {} : { confidence: 'low' as const }),
    });
  },
};
