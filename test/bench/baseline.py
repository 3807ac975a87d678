# The plain Python way, for the benchmark's comparison: read lines, json.loads each, sum the logprobs.
import json
import resource
import sys

tokens = 0
nll = 0.0
with open(sys.argv[1], 'rb') as f:
    for line in f:
        if not line.strip():
            continue
        record = json.loads(line)
        logprobs = record.get('logprobs')
        if isinstance(logprobs, list):
            for x in logprobs:
                if x is not None:
                    nll -= x
                    tokens += 1
            continue
        for choice in record.get('choices') or []:
            for t in ((choice.get('logprobs') or {}).get('content') or []):
                nll -= t['logprob']
                tokens += 1
print(json.dumps({'tokens': tokens, 'nll': nll}))
# ru_maxrss is in KiB on Linux.
print(f'XENT_BENCH_MAX_RSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)
