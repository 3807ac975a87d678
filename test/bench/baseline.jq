# The plain jq way, for the benchmark's comparison: every line's logprobs summed (run with jq -n -f).
reduce (inputs | (.logprobs // [.choices[]?.logprobs.content[]?.logprob]) | .[] | select(. != null)) as $x
  ({tokens: 0, nll: 0}; .tokens += 1 | .nll -= $x)
