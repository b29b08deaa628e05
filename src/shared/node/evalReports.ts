/**
 * Reading `dtn eval` reports (<run>/eval/step-XXXXXXXX.json) without tfjs, for the Runs view and the
 * dashboard. Only the scores are read; a report that does not parse is as good as none.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { EvalSummarySchema, type EvalSummary } from '../protocol';
import { evalReportPath, RUN_FILES, parseStepName } from './runLayout';

const ReportScoresSchema = z.object({ step: z.number().int().nonnegative(), translation: EvalSummarySchema });

export type EvalScores = EvalSummary & { step: number };

/** The scores of the report for `step`, when `dtn eval` wrote one. */
export function readEvalReport(runDir: string, step: number): EvalScores | undefined {
  try {
    const r = ReportScoresSchema.safeParse(JSON.parse(fs.readFileSync(evalReportPath(runDir, step), 'utf8')));
    return r.success ? { step: r.data.step, ...r.data.translation } : undefined;
  } catch {
    return undefined;
  }
}

/** Every report's scores, by step. */
export function listEvalReports(runDir: string): EvalScores[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(runDir, RUN_FILES.eval));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .map((n) => parseStepName(n.slice(0, -'.json'.length)))
    .filter((s): s is number => s !== undefined)
    .sort((a, b) => a - b)
    .map((s) => readEvalReport(runDir, s))
    .filter((r): r is EvalScores => r !== undefined);
}
