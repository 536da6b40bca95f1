import { readSource } from '../workspace/decode.js';
import { type AnalyzerSetup, analyzeText, type FileResult, type FileTask } from './analyze.js';
import { analyzeConfigText } from './analyze-config.js';

export async function analyzeFile(task: FileTask, setup: AnalyzerSetup): Promise<FileResult> {
  const read = readSource(task.absPath, task.relPath, setup.maxFileSize);
  if (!read.ok) return { relPath: task.relPath, analysed: false, lines: 0, findings: [], notices: [read.notice] };
  try {
    const result = task.config ? analyzeConfigText(read.text, task.relPath, task.config, setup) : await analyzeText(read.text, task.relPath, setup, task.module);
    if (read.notice) result.notices.unshift(read.notice);
    return result;
  } catch (err) {
    // One file's failure (a bug of ours, or a tree-sitter limit) must not end the scan; it is reported.
    const message = err instanceof Error ? err.message : String(err);
    return {
      relPath: task.relPath,
      analysed: false,
      lines: 0,
      findings: [],
      notices: [{ kind: 'internal-error', path: task.relPath, message: `analysis failed: ${message.split('\n')[0]}`, skipped: true }],
    };
  }
}
