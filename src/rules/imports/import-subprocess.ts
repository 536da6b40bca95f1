import { importRule, OPT_IN_NOTE } from './shared.js';

export const importSubprocess = importRule(
  {
    id: 'K254',
    name: 'import-subprocess',
    summary: 'Import of `subprocess`',
    severity: 'low',
    confidence: 'low',
    cwe: [78],
    owasp: 'A03:2021-Injection',
    sources: { bandit: ['B404'], ruff: ['S404'] },
    defaultEnabled: false,
  },
  {
    what:
      'Reports `import subprocess` and `from subprocess import ...`, except imports of only its constants ' +
      `and exception classes (\`PIPE\`, \`DEVNULL\`, \`CalledProcessError\`…).\n\n${OPT_IN_NOTE} The ` +
      'process rules report commands run through a shell or built from data.',
    why:
      'Running other programs is where command injection happens; the import marks a module worth a look. ' +
      'Almost every real use is fine, which is why this rule is off by default.',
    bad: 'import subprocess\n\n\ndef version():\n    return subprocess.check_output(["git", "describe"])\n',
    good: 'from subprocess import CalledProcessError\n\n\ndef explain(error: CalledProcessError) -> str:\n    return f"exit status {error.returncode}"\n',
    references: ['https://cwe.mitre.org/data/definitions/78.html', 'https://docs.python.org/3/library/subprocess.html#security-considerations'],
  },
  {
    modules: ['subprocess'],
    safeNames: {
      subprocess: ['PIPE', 'STDOUT', 'DEVNULL', 'CalledProcessError', 'TimeoutExpired', 'SubprocessError', 'CompletedProcess'],
    },
    message: () => 'subprocess runs other programs: check that no command is built from outside data or run through a shell',
  },
  /subprocess/,
);
