"""Expected corpus statistics for an lm-evaluation-harness --log_samples file of a loglikelihood_rolling task.

    python3 samples/reference/lm-eval.py samples/samples_wikitext_2024-05-01T12-00-00.jsonl > samples/samples_wikitext_2024-05-01T12-00-00.jsonl.expected

Each line holds word_perplexity: [ll, words], byte_perplexity: [ll, bytes], bits_per_byte: [ll, bytes]
(numbers, or numeric strings). Aggregated as lm_eval/api/metrics.py does:
  word_perplexity = exp(-sum(ll) / sum(words)), byte_perplexity = exp(-sum(ll) / sum(bytes)),
  bits_per_byte = -sum(ll) / sum(bytes) / ln 2.
documents = distinct doc_id with at least one of these pairs (there are no tokens, so no "sequences").
"""
import json
import math
import sys

path = sys.argv[1]
pairs = {'word_perplexity': [], 'byte_perplexity': [], 'bits_per_byte': []}
docs = set()
with open(path, encoding='utf-8') as f:
    for line in f:
        if not line.strip():
            continue
        record = json.loads(line)
        for metric in pairs:
            if metric in record:
                ll, n = record[metric]
                pairs[metric].append((float(ll), int(n)))
                docs.add(record['doc_id'])


def ratio(metric):
    lls = [ll for ll, _ in pairs[metric]]
    ns = [n for _, n in pairs[metric]]
    return -math.fsum(lls) / sum(ns)


corpus = {
    'documents': len(docs),
    'word_perplexity': math.exp(ratio('word_perplexity')),
    'byte_perplexity': math.exp(ratio('byte_perplexity')),
    'bits_per_byte': ratio('bits_per_byte') / math.log(2),
}
json.dump({'how': 'python3 samples/reference/lm-eval.py ' + path, 'corpus': corpus}, sys.stdout, indent=2)
sys.stdout.write('\n')
