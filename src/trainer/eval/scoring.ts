/** Scores of predicted class labels against true ones. */

export interface ClassificationScore {
  accuracy: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  count: number;
}

export function scoreClassification(predicted: ArrayLike<number>, truth: ArrayLike<number>, classes: number): ClassificationScore {
  if (predicted.length !== truth.length) throw new Error(`${predicted.length} predictions for ${truth.length} labels`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (t < 0 || t >= classes || p < 0 || p >= classes) throw new Error(`label out of range at ${i}: true ${t}, predicted ${p}`);
    confusion[t][p]++;
    if (t === p) correct++;
  }
  return { accuracy: truth.length ? correct / truth.length : 0, confusion, count: truth.length };
}

/** The confusion matrix as a Markdown table (rows: true label, columns: predicted). */
export function confusionMarkdown(confusion: number[][]): string {
  const k = confusion.length;
  const head = `| true \\ predicted | ${Array.from({ length: k }, (_, i) => i).join(' | ')} |`;
  const rule = `| --- |${' ---: |'.repeat(k)}`;
  const rows = confusion.map((row, t) => `| **${t}** | ${row.join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}
