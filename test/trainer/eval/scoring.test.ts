import { strict as assert } from 'node:assert';
import { confusionMarkdown, scoreClassification } from '../../../src/trainer/eval/scoring';

describe('eval/scoring', () => {
  it('counts accuracy and the confusion matrix by true (row) and predicted (column) label', () => {
    const truth = [0, 0, 1, 1, 2, 2, 2];
    const predicted = [0, 1, 1, 1, 2, 0, 2];
    const s = scoreClassification(predicted, truth, 3);
    assert.equal(s.accuracy, 5 / 7);
    assert.equal(s.count, 7);
    assert.deepEqual(s.confusion, [
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
  });

  it('rejects mismatched lengths and labels outside the classes', () => {
    assert.throws(() => scoreClassification([0, 1], [0], 2), /2 predictions for 1 labels/);
    assert.throws(() => scoreClassification([5], [0], 2), /out of range/);
  });

  it('renders the confusion matrix as a Markdown table with one row per true label', () => {
    const md = confusionMarkdown([
      [3, 1],
      [0, 4],
    ]);
    const lines = md.split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[2], /^\| \*\*0\*\* \| 3 \| 1 \|$/);
    assert.match(lines[3], /^\| \*\*1\*\* \| 0 \| 4 \|$/);
  });
});
