import { importRule, OPT_IN_NOTE } from './shared.js';

const SERIALISING = ['dump', 'dumps', 'Pickler', 'HIGHEST_PROTOCOL', 'DEFAULT_PROTOCOL', 'PickleError', 'PicklingError', 'UnpicklingError', 'PickleBuffer'];

export const importPickle = importRule(
  {
    id: 'K253',
    name: 'import-pickle',
    summary: 'Import of a pickle-based module (`pickle`, `cPickle`, `dill`, `shelve`, `jsonpickle`)',
    severity: 'low',
    confidence: 'low',
    cwe: [502],
    owasp: 'A08:2021-Software and Data Integrity Failures',
    sources: { bandit: ['B403'], ruff: ['S403'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports imports of `pickle`, `cPickle`, `_pickle`, `cloudpickle`, `dill`, `shelve` and `jsonpickle`. ' +
      'A `from` import of only the serialising side (`from pickle import dumps, HIGHEST_PROTOCOL`) is not ' +
      `reported: writing a pickle is harmless, reading one is not.\n\n${OPT_IN_NOTE} The loading calls ` +
      'themselves are reported by `pickle-load` (K202), which is on by default.',
    why:
      'Unpickling runs the callables a pickle names, so any of these modules can turn data from the wrong ' +
      'source into code execution. The import marks a module worth reviewing for where its pickles come ' +
      'from.',
    bad: 'import pickle\n\n\ndef restore(blob):\n    return pickle.loads(blob)\n',
    good: 'import json\n\n\ndef restore(blob):\n    return json.loads(blob)\n',
    references: ['https://cwe.mitre.org/data/definitions/502.html', 'https://docs.python.org/3/library/pickle.html'],
  },
  {
    modules: ['pickle', 'cPickle', '_pickle', 'cloudpickle', 'dill', 'shelve', 'jsonpickle'],
    safeNames: {
      pickle: SERIALISING,
      cPickle: SERIALISING,
      _pickle: SERIALISING,
      cloudpickle: SERIALISING,
      dill: SERIALISING,
      jsonpickle: ['encode', 'dumps'],
    },
    message: (m) => `${m} can deserialize data into arbitrary code; make sure nothing it loads can come from outside the program, or use JSON`,
  },
  /pickle|dill|shelve/i,
);
